// SPDX-License-Identifier: BSL-1.0
// Control for enum_type_not_enum.cpp: the same with an enumeration.

#include <typq/typq.hpp>

namespace shop {
enum class mood { sad, ok };
}  // namespace shop

template <>
struct typq::type<shop::mood> : typq::enum_type<shop::mood, "mood"> {};

void run(typq::connection& conn, shop::mood m)
{
    conn.execute("SELECT $1", m);
}
