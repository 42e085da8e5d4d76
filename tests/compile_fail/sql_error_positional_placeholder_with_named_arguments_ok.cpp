// SPDX-License-Identifier: BSL-1.0
// Control for sql_error_positional_placeholder_with_named_arguments.cpp: the same statement, fixed,
// compiles.

#include <typq/typq.hpp>

namespace shop {
struct item {
    std::int64_t id;
    std::string name;
};
}  // namespace shop

void run(typq::connection& conn)
{
    conn.execute("UPDATE items SET name = :name WHERE id = :id", shop::item{1, "pen"});
}
