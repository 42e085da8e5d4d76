// expect: sql_error_unterminated_dollar_quote(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: a $tag$ string that never closes ($$ inside it is not its delimiter).
// Control: sql_error_unterminated_dollar_quote_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $tag$ a $$ b $tag");
}
