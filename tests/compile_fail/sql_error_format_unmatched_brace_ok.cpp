// SPDX-License-Identifier: BSL-1.0
// Control for sql_error_format_unmatched_brace.cpp: the slot written {} compiles, and braces in
// quotes, quoted identifiers, dollar quotes and comments are SQL, not slots.

#include <typq/typq.hpp>

typq::sql_fragment compose()
{
    return typq::format_sql("SELECT {}, '{ }', \"}\", $$}$$ FROM t -- {", typq::identifier("id"));
}
