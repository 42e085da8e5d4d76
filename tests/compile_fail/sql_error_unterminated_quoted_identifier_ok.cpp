// SPDX-License-Identifier: BSL-1.0
// Control for sql_error_unterminated_quoted_identifier.cpp: the same statement, fixed, compiles.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("SELECT 1 AS \"a\"\"b\"");
}
