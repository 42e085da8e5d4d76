// expect: sql_error_more_placeholders_than_arguments(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// A nested comment ends at the */ that closes the outer /*: the $2 after it counts, and has no
// argument. Control: sql_placeholder_in_nested_block_comment_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1 /* a /* b */ */ + $2", 1);
}
