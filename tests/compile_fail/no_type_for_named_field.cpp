// expect: no_type_for<std::vector<unsigned int> ?>
// SPDX-License-Identifier: BSL-1.0
// A lone struct argument binds :names from its fields, so each field needs a typq::type<T>: a
// std::vector<unsigned> field is rejected with no_type_for<std::vector<unsigned>>.
// Control: no_type_for_named_field_ok.cpp.

#include <typq/typq.hpp>

#include <vector>  // the field without an adapter

namespace shop {
struct basket {
    std::int64_t id;
    std::vector<unsigned> items;
};
}  // namespace shop

void run(typq::connection& conn, const shop::basket& b)
{
    conn.execute("UPDATE baskets SET items = :items WHERE id = :id", b);
}
