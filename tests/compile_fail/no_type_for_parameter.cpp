// expect: no_type_for<shop::point>
// SPDX-License-Identifier: BSL-1.0
// A parameter of a type with no typq::type<T> (a struct next to another argument, so it does not
// bind :names) is rejected, and the error names no_type_for<T> with the type.
// Control: no_type_for_parameter_ok.cpp.

#include <typq/typq.hpp>

namespace shop {
struct point {
    int x;
    int y;
};
}  // namespace shop

void run(typq::connection& conn, const shop::point& p)
{
    conn.execute("SELECT $1, $2", p, 1);
}
