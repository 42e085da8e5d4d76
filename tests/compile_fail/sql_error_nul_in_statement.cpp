// expect: sql_error_nul_in_statement(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: a NUL byte inside the literal (libpq would cut the statement there).
// Control: sql_error_nul_in_statement_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT 'a\0b'");
}
