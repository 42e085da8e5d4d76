// SPDX-License-Identifier: BSL-1.0
// Control for query_value_struct.cpp: a struct row is read with query_one.

#include <typq/typq.hpp>

namespace shop {
struct point {
    int x;
    int y;
};
}  // namespace shop

shop::point run(typq::connection& conn)
{
    return conn.query_one<shop::point>("SELECT 1 AS x, 2 AS y");
}
