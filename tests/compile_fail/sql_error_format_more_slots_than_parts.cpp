// expect: sql_error_format_more_slots_than_parts(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: two slots for one part. Control: sql_error_format_more_slots_than_parts_ok.cpp.

#include <typq/typq.hpp>

typq::sql_fragment compose()
{
    return typq::format_sql("SELECT {} FROM {}", typq::identifier("id"));
}
