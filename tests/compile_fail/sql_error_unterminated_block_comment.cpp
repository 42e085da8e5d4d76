// expect: sql_error_unterminated_block_comment(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: block comments nest: one */ closes only the inner /*. Control:
// sql_error_unterminated_block_comment_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT 1 /* a /* b */");
}
