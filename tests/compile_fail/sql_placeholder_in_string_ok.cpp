// SPDX-License-Identifier: BSL-1.0
// Placeholders inside 'strings' ('' is a quote inside one) do not count: with one argument, a
// counted $2 would not compile. Counterpart: sql_placeholder_after_string.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1, '$2', 'it''s $3'", 1);
}
