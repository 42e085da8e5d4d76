// expect: sql_error_unterminated_quoted_identifier(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: a quoted identifier that never closes ("" is a quote inside it).
// Control: sql_error_unterminated_quoted_identifier_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT 1 AS \"a\"\"b");
}
