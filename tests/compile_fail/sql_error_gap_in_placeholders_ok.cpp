// SPDX-License-Identifier: BSL-1.0
// Control for sql_error_gap_in_placeholders.cpp: the same statement, fixed, compiles.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1, $2, $3", 1, 2, 3);
}
