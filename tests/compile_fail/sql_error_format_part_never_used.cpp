// expect: sql_error_format_part_never_used(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: with {N} slots, part 1 is never used. Control:
// sql_error_format_mixes_automatic_and_numbered_slots_ok.cpp.

#include <typq/typq.hpp>

typq::sql_fragment compose()
{
    return typq::format_sql("SELECT {0} FROM t ORDER BY {0}", typq::identifier("id"), typq::identifier("t"));
}
