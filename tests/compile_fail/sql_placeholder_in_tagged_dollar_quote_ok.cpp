// SPDX-License-Identifier: BSL-1.0
// Only $tag$ closes a $tag$ string ($$ inside it does not): its $2 and $3 do not count (with one
// argument, they would not compile). Counterpart: sql_placeholder_after_tagged_dollar_quote.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1, $tag$ $2 $$ $3 $tag$", 1);
}
