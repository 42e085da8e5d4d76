// SPDX-License-Identifier: BSL-1.0
// Control for sql_error_unterminated_quoted_string_escape.cpp: an escaped backslash before the
// quote closes the string.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT E'ends with \\\\'");
}
