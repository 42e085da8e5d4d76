// expect: has a std::string_view or std::span field
// SPDX-License-Identifier: BSL-1.0
// query_value<std::string_view> would return a view into a result destroyed on return: rejected.
// Control: borrow_query_value_string_view_ok.cpp.

#include <typq/typq.hpp>

#include <string_view>  // the borrowed value

std::string_view run(typq::connection& conn)
{
    return conn.query_value<std::string_view>("SELECT 'ann'");
}
