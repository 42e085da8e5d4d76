// expect: sql_error_more_placeholders_than_arguments(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// An E'string' ends at its first unescaped quote: the $2 after it counts, and has no argument.
// Control: sql_placeholder_in_escape_string_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1, E'it\\'s', $2", 1);
}
