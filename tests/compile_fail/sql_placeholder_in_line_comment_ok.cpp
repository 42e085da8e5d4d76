// SPDX-License-Identifier: BSL-1.0
// A placeholder inside a -- comment does not count: with one argument, a counted $2 would not
// compile. Counterpart: sql_placeholder_after_line_comment.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1 -- not $2\n", 1);
}
