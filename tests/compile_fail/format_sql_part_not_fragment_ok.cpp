// SPDX-License-Identifier: BSL-1.0
// Control for format_sql_part_not_fragment.cpp: the name quoted as an identifier; a fragment
// written in the program, and runtime SQL the program vouches for, are parts too.

#include <typq/typq.hpp>

#include <string>  // a name known at run time

typq::sql_fragment compose(const std::string& column, const std::string& order)
{
    return typq::format_sql("SELECT {} FROM t ORDER BY 1 {} {}", typq::identifier(column), typq::sql_fragment("DESC"),
        typq::runtime(order));
}
