// expect: E must be an enumeration
// SPDX-License-Identifier: BSL-1.0
// typq::enum_type on a type that is not an enumeration is rejected with typq's message, not with
// an error from inside the label probing.
// Control: enum_type_not_enum_ok.cpp.

#include <typq/typq.hpp>

namespace shop {
struct mood {
    int value;
};
}  // namespace shop

template <>
struct typq::type<shop::mood> : typq::enum_type<shop::mood, "mood"> {};

void run(typq::connection& conn, shop::mood m)
{
    conn.execute("SELECT $1", m);
}
