// SPDX-License-Identifier: BSL-1.0
// Control for sql_error_statement_is_not_nul_terminated.cpp: the same array, NUL-terminated.

#include <typq/typq.hpp>

static constexpr char text[] = {'S', 'E', 'L', 'E', 'C', 'T', ' ', '1', '\0'};
void run(typq::connection& conn)
{
    conn.execute(text);
}
