// SPDX-License-Identifier: BSL-1.0
// Control for sql_error_more_arguments_than_placeholders.cpp: the same statement, fixed, compiles.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1, $2", 1, 2);
}
