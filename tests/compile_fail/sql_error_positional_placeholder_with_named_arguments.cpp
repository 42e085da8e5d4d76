// expect: sql_error_positional_placeholder_with_named_arguments(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: a $N in a statement whose lone struct argument binds :name
// placeholders. Control: sql_error_positional_placeholder_with_named_arguments_ok.cpp.

#include <typq/typq.hpp>

namespace shop {
struct item {
    std::int64_t id;
    std::string name;
};
}  // namespace shop

void run(typq::connection& conn)
{
    conn.execute("UPDATE items SET name = :name WHERE id = $1", shop::item{1, "pen"});
}
