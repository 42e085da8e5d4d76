// SPDX-License-Identifier: BSL-1.0
// typq/detail/sql_name.hpp: typq::sql_name, a string literal as a template argument, so that an
// adapter can be declared with the SQL type it maps to: `typq::enum_type<mood, "mood">`.

#ifndef TYPQ_DETAIL_SQL_NAME_HPP
#define TYPQ_DETAIL_SQL_NAME_HPP

#include <cstddef>      // std::size_t
#include <string_view>  // view()

namespace typq {

/// The name of a SQL type, given as a template argument (`"mood"`, `"shop.address"`); the
/// connection looks it up with `to_regtype`, so it is written as in SQL (quote mixed-case names:
/// `"\"Mood\""`).
template <std::size_t N>
struct sql_name {
    char text[N] = {};

    consteval sql_name(const char (&literal)[N]) noexcept  // NOLINT: implicit, from the literal
    {
        for (std::size_t i = 0; i < N; ++i)
            text[i] = literal[i];
    }

    [[nodiscard]] constexpr std::string_view view() const noexcept { return {text, N - 1}; }
};

}  // namespace typq

#endif  // TYPQ_DETAIL_SQL_NAME_HPP
