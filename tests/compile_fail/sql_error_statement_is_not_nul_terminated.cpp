// expect: sql_error_statement_is_not_nul_terminated(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// A char array without a terminating NUL is not a statement. Control:
// sql_error_statement_is_not_nul_terminated_ok.cpp.

#include <typq/typq.hpp>

static constexpr char text[] = {'S', 'E', 'L', 'E', 'C', 'T', ' ', '1'};
void run(typq::connection& conn)
{
    conn.execute(text);
}
