// expect: sql_error_more_placeholders_than_arguments(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// query() without arguments runs one statement by the extended protocol, where $1 needs an
// argument: rejected at compile time. Control: script_with_placeholder_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    (void)conn.query<int>("SELECT $1");
}
