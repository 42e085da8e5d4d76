// expect: sql_error_more_placeholders_than_arguments(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// A -- comment ends at its newline: the $2 on the next line counts, and has no argument.
// Control: sql_placeholder_in_line_comment_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1 -- comment\n + $2", 1);
}
