// expect: sql_error_more_placeholders_than_arguments(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: $2 with one argument has nothing to bind. Control:
// sql_error_more_placeholders_than_arguments_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1, $2", 1);
}
