// expect: sql_error_unterminated_quoted_string(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// In E'...' a backslash escapes the quote after it, so this string never closes. Control:
// sql_error_unterminated_quoted_string_escape_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT E'ends with \\'");
}
