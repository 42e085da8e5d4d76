// SPDX-License-Identifier: BSL-1.0
// Control for no_type_for_row_field.cpp: a field type with an adapter (bytea) can be read.

#include <typq/typq.hpp>

#include <cstddef>  // std::byte
#include <vector>   // the field

namespace shop {
struct basket {
    std::int64_t id;
    std::vector<std::byte> items;
};
}  // namespace shop

typq::result<shop::basket> run(typq::connection& conn)
{
    return conn.query<shop::basket>("SELECT id, items FROM baskets");
}
