// SPDX-License-Identifier: BSL-1.0
// Control for sql_error_format_mixes_automatic_and_numbered_slots.cpp: {N} throughout, a part
// used twice.

#include <typq/typq.hpp>

typq::sql_fragment compose()
{
    return typq::format_sql("SELECT {0} FROM t ORDER BY {0}", typq::identifier("id"));
}
