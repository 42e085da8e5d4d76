// expect: sql_error_name_is_not_a_field(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: a :name that is not a field of the lone struct argument. Control:
// sql_error_name_is_not_a_field_ok.cpp.

#include <typq/typq.hpp>

namespace shop {
struct item {
    std::int64_t id;
    std::string name;
};
}  // namespace shop

void run(typq::connection& conn)
{
    conn.execute("UPDATE items SET name = :name WHERE id = :nope", shop::item{1, "pen"});
}
