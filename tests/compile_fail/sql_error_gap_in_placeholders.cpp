// expect: sql_error_gap_in_placeholders(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: $3 without $2 is a gap, even with three arguments. Control:
// sql_error_gap_in_placeholders_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1, $3", 1, 2, 3);
}
