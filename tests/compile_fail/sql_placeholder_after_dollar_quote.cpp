// expect: sql_error_more_placeholders_than_arguments(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// A $$dollar-quoted$$ string ends at the next $$: the $2 after it counts, and has no argument.
// Control: sql_placeholder_in_dollar_quote_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $1, $$dollar$$, $2", 1);
}
