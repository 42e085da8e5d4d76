// SPDX-License-Identifier: BSL-1.0
// A placeholder inside a "quoted identifier" does not count: with one argument, a counted $2
// would not compile. Counterpart: sql_placeholder_after_quoted_identifier.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1 AS \"quoted $2 identifier\"", 1);
}
