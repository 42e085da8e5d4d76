// expect: sql_error_more_placeholders_than_arguments(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// A "quoted identifier" ends at its closing quote: the $2 after it counts, and has no argument.
// Control: sql_placeholder_in_quoted_identifier_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1 AS \"quoted\", $2", 1);
}
