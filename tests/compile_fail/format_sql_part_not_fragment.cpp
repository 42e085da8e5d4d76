// expect: each part must be a typq::sql_fragment
// SPDX-License-Identifier: BSL-1.0
// A std::string is not a part of a format: quote it as an identifier or a literal (or, better,
// send it as a parameter). Control: format_sql_part_not_fragment_ok.cpp.

#include <typq/typq.hpp>

#include <string>  // a name known at run time

typq::sql_fragment compose(const std::string& column)
{
    return typq::format_sql("SELECT {} FROM t", column);
}
