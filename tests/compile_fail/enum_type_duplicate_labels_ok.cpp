// SPDX-License-Identifier: BSL-1.0
// Control for enum_type_duplicate_labels.cpp: the labels differ.

#include <typq/typq.hpp>

namespace shop {
enum class color { dark_blue, navy };
inline constexpr typq::enum_label<color> color_labels[] = {{color::dark_blue, "dark blue"}, {color::navy, "navy"}};
}  // namespace shop

template <>
struct typq::type<shop::color> : typq::enum_type<shop::color, "color", shop::color_labels> {};

void run(typq::connection& conn, shop::color c)
{
    conn.execute("SELECT $1", c);
}
