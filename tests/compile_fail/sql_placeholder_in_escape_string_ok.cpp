// SPDX-License-Identifier: BSL-1.0
// In an E'string' a backslash escapes the quote after it, so E'it\'s $2' is one string and its $2
// does not count (with one argument, a counted $2 would not compile).
// Counterpart: sql_placeholder_after_escape_string.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1, E'it\\'s $2'", 1);
}
