// SPDX-License-Identifier: BSL-1.0
// Control for borrow_query_opt_string_view.cpp: a std::string field owns its text.

#include <typq/typq.hpp>

namespace shop {
struct person {
    std::int64_t id;
    std::string name;
};
}  // namespace shop

std::optional<shop::person> run(typq::connection& conn)
{
    return conn.query_opt<shop::person>("SELECT 1::int8 AS id, 'ann' AS name");
}
