// SPDX-License-Identifier: BSL-1.0
// Control for no_type_for_named_field.cpp: a field type with an adapter (bytea) binds.

#include <typq/typq.hpp>

#include <cstddef>  // std::byte
#include <vector>   // the field

namespace shop {
struct basket {
    std::int64_t id;
    std::vector<std::byte> items;
};
}  // namespace shop

void run(typq::connection& conn, const shop::basket& b)
{
    conn.execute("UPDATE baskets SET items = :items WHERE id = :id", b);
}
