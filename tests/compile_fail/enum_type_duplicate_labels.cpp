// expect: labels must be unique
// SPDX-License-Identifier: BSL-1.0
// Two enumerators with the same user-given label are rejected: a label could not be read back.
// Control: enum_type_duplicate_labels_ok.cpp.

#include <typq/typq.hpp>

namespace shop {
enum class color { dark_blue, navy };
inline constexpr typq::enum_label<color> color_labels[] = {{color::dark_blue, "blue"}, {color::navy, "blue"}};
}  // namespace shop

template <>
struct typq::type<shop::color> : typq::enum_type<shop::color, "color", shop::color_labels> {};

void run(typq::connection& conn, shop::color c)
{
    conn.execute("SELECT $1", c);
}
