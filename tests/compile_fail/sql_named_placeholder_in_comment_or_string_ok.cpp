// SPDX-License-Identifier: BSL-1.0
// In a named statement, a :name inside a comment, a string, an E'string', a dollar quote or a
// quoted identifier is not a placeholder (:nope is not a field: counted, it would not compile).

#include <typq/typq.hpp>

namespace shop {
struct item {
    std::int64_t id;
    std::string name;
};
}  // namespace shop

void run(typq::connection& conn)
{
    conn.execute("SELECT :id -- :nope\n"
                 "  /* :nope */, ':nope', E'\\':nope', $$:nope$$ AS \":nope\"",
        shop::item{1, "pen"});
}
