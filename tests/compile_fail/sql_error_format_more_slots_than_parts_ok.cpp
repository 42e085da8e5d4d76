// SPDX-License-Identifier: BSL-1.0
// Control for sql_error_format_more_slots_than_parts.cpp: a part for each slot.

#include <typq/typq.hpp>

typq::sql_fragment compose()
{
    return typq::format_sql("SELECT {} FROM {}", typq::identifier("id"), typq::identifier("t"));
}
