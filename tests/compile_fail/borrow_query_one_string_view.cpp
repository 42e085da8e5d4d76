// expect: has a std::string_view or std::span field
// SPDX-License-Identifier: BSL-1.0
// query_one returns a row that outlives its result, so a std::string_view field, which would point
// into that result, is rejected. Control: borrow_query_one_string_view_ok.cpp.

#include <typq/typq.hpp>

namespace shop {
struct person {
    std::int64_t id;
    std::string_view name;
};
}  // namespace shop

shop::person run(typq::connection& conn)
{
    return conn.query_one<shop::person>("SELECT 1::int8 AS id, 'ann' AS name");
}
