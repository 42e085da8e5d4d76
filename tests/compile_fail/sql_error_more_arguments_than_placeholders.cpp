// expect: sql_error_more_arguments_than_placeholders(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: a second argument without a $2 to receive it. Control:
// sql_error_more_arguments_than_placeholders_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1", 1, 2);
}
