// SPDX-License-Identifier: BSL-1.0
// Control for no_type_for_parameter.cpp: a field of the struct is sent instead.

#include <typq/typq.hpp>

namespace shop {
struct point {
    int x;
    int y;
};
}  // namespace shop

void run(typq::connection& conn, const shop::point& p)
{
    conn.execute("SELECT $1, $2", p.x, 1);
}
