// expect: sql_error_placeholder_zero(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: $0: placeholders start at $1. Control:
// sql_error_placeholder_zero_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $0", 1);
}
