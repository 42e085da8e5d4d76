// expect: sql_error_format_mixes_automatic_and_numbered_slots(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: {} and {N} in one format. Control:
// sql_error_format_mixes_automatic_and_numbered_slots_ok.cpp.

#include <typq/typq.hpp>

typq::sql_fragment compose()
{
    return typq::format_sql("SELECT {0} FROM t ORDER BY {}", typq::identifier("id"));
}
