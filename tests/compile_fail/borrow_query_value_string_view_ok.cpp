// SPDX-License-Identifier: BSL-1.0
// Control for borrow_query_value_string_view.cpp: query_value<std::string> owns its text.

#include <typq/typq.hpp>

#include <string>  // the owned value

std::string run(typq::connection& conn)
{
    return conn.query_value<std::string>("SELECT 'ann'");
}
