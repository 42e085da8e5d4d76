// expect: sql_error_format_more_parts_than_slots(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: a part with no slot (here the only {} is inside a string).
// Control: sql_error_format_more_slots_than_parts_ok.cpp.

#include <typq/typq.hpp>

typq::sql_fragment compose()
{
    return typq::format_sql("SELECT '{}' FROM t", typq::identifier("id"));
}
