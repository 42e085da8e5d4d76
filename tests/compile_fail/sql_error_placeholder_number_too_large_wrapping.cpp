// expect: sql_error_placeholder_number_too_large(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// $4294967297 is 2^32 + 1: it must be too large, never wrap around to $1. Control:
// sql_error_placeholder_number_too_large_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $4294967297", 1);
}
