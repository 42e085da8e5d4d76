// expect: reads one column into a type with a typq::type
// SPDX-License-Identifier: BSL-1.0
// query_value<T> reads one column into a type with an adapter; a struct is a row, not a value.
// Control: query_value_struct_ok.cpp.

#include <typq/typq.hpp>

namespace shop {
struct point {
    int x;
    int y;
};
}  // namespace shop

shop::point run(typq::connection& conn)
{
    return conn.query_value<shop::point>("SELECT 1 AS x, 2 AS y");
}
