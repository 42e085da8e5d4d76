// SPDX-License-Identifier: BSL-1.0
// A placeholder inside a $$dollar-quoted$$ string does not count: with one argument, a counted $2
// would not compile. Counterpart: sql_placeholder_after_dollar_quote.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1, $$dollar $2$$", 1);
}
