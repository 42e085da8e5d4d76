// SPDX-License-Identifier: BSL-1.0
// A :: cast is not a :name placeholder, positional or named (:int8 or :text would not be fields).

#include <typq/typq.hpp>

namespace shop {
struct item {
    std::int64_t id;
    std::string name;
};
}  // namespace shop

void positional(typq::connection& conn)
{
    conn.execute("SELECT $1::int8, $2::text", 1, "pen");
}

void named(typq::connection& conn)
{
    conn.execute("SELECT :id::int8, :name::text", shop::item{1, "pen"});
}
