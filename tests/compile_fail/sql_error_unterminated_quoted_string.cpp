// expect: sql_error_unterminated_quoted_string(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: a string literal that never closes ('' is a quote inside it). Control:
// sql_error_unterminated_quoted_string_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT 'it''s");
}
