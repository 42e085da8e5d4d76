// SPDX-License-Identifier: BSL-1.0
// Control for sql_error_unterminated_dollar_quote.cpp: the same statement, fixed, compiles.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT $tag$ a $$ b $tag$");
}
