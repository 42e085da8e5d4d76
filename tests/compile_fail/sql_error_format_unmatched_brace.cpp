// expect: sql_error_format_unmatched_brace(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: a brace outside quotes that is neither {} nor {N}. Control:
// sql_error_format_unmatched_brace_ok.cpp.

#include <typq/typq.hpp>

typq::sql_fragment compose()
{
    return typq::format_sql("SELECT { } FROM t", typq::identifier("id"));
}
