// SPDX-License-Identifier: BSL-1.0
// typq::runtime(text) opts out of the compile-time check: any number of arguments compiles, even
// with placeholders a literal would be rejected for; the check moves to run time
// (typq::usage_error).

#include <typq/typq.hpp>

#include <string>  // SQL built at run time
#include <tuple>   // a row

namespace shop {
struct item {
    std::int64_t id;
    std::string name;
};
}  // namespace shop

void run(typq::connection& conn, const std::string& text)
{
    conn.execute(typq::runtime(text));
    conn.execute(typq::runtime(text), 1);
    conn.execute(typq::runtime(text), 1, "two", 3.0);
    conn.execute(typq::runtime("SELECT $1, $3"), 1);
    conn.execute(typq::runtime(text + " WHERE id = :id"), shop::item{1, "pen"});
    const auto rows = conn.query<std::tuple<int, std::string>>(typq::runtime(text), 1, 2);
    (void)rows;
}
