// expect: no_type_for<std::vector<unsigned int> ?>
// SPDX-License-Identifier: BSL-1.0
// A row type whose field has no typq::type<T> cannot be read: query<T> with a std::vector<unsigned>
// field is rejected with no_type_for<std::vector<unsigned>>. Control: no_type_for_row_field_ok.cpp.

#include <typq/typq.hpp>

#include <vector>  // the field without an adapter

namespace shop {
struct basket {
    std::int64_t id;
    std::vector<unsigned> items;
};
}  // namespace shop

typq::result<shop::basket> run(typq::connection& conn)
{
    return conn.query<shop::basket>("SELECT id, items FROM baskets");
}
