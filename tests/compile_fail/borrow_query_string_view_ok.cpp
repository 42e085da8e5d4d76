// SPDX-License-Identifier: BSL-1.0
// query<Row> returns the result itself, so std::string_view fields may point into it: accepted.

#include <typq/typq.hpp>

namespace shop {
struct person {
    std::int64_t id;
    std::string_view name;
};
}  // namespace shop

typq::result<shop::person> run(typq::connection& conn)
{
    return conn.query<shop::person>("SELECT 1::int8 AS id, 'ann' AS name");
}
