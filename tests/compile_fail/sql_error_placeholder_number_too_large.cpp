// expect: sql_error_placeholder_number_too_large(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: $65536: PostgreSQL binds at most 65535 parameters. Control:
// sql_error_placeholder_number_too_large_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1, $65536", 1);
}
