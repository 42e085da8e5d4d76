// SPDX-License-Identifier: BSL-1.0
// Block comments nest: a placeholder after the inner */ is still inside the outer comment and does
// not count (with one argument, a counted $2 would not compile).
// Counterpart: sql_placeholder_after_nested_block_comment.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1 /* a /* b */ $2 */", 1);
}
