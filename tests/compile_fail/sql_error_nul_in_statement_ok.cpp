// SPDX-License-Identifier: BSL-1.0
// Control for sql_error_nul_in_statement.cpp: the same statement, fixed, compiles.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT 'ab'");
}
