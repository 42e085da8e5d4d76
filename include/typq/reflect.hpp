// SPDX-License-Identifier: BSL-1.0
// typq/reflect.hpp: the shapes a row can take (an aggregate by field name, typq::by_position<T>,
// std::tuple, or one scalar) and uniform access to their fields. The only header that uses
// Boost.PFR directly, besides detail/field_names.hpp.

#ifndef TYPQ_REFLECT_HPP
#define TYPQ_REFLECT_HPP

#include <typq/type.hpp>
#include <typq/detail/field_names.hpp>
#include <typq/detail/type_name.hpp>

#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

#include <array>        // field name lists
#include <cstddef>      // std::size_t
#include <string_view>  // field names
#include <tuple>        // std::tuple rows
#include <type_traits>  // std::is_aggregate_v

namespace typq {

/// A row type that maps the columns to `T`'s fields by position instead of by name:
/// `conn.query<typq::by_position<point>>("SELECT 1, 2")` yields `point`s.
template <class T>
struct by_position {
    /// The struct the rows become, `T`.
    using type = T;
};

/// A row type that maps columns to `T`'s fields by name, as `T` alone does, but ignores columns
/// that no field names: `conn.query<typq::ignoring_extra<user>>("SELECT * FROM users")` reads a
/// table's rows into a struct of some of its columns. A field without its column, two columns of
/// one field's name, and a column that does not fit its field are still errors. (`T` alone is
/// strict: a column without a field is an error too, so that a renamed or added column is seen.)
template <class T>
struct ignoring_extra {
    /// The struct the rows become, `T`.
    using type = T;
};

namespace detail {

template <class T>
inline constexpr bool is_tuple = false;
template <class... T>
inline constexpr bool is_tuple<std::tuple<T...>> = true;

template <class T>
inline constexpr bool is_by_position = false;
template <class T>
inline constexpr bool is_by_position<by_position<T>> = true;
template <class T>
inline constexpr bool is_ignoring_extra = false;
template <class T>
inline constexpr bool is_ignoring_extra<ignoring_extra<T>> = true;

/// A struct whose fields typq reflects: an aggregate class with no typq::type of its own.
template <class T>
concept reflected_struct = std::is_class_v<T> && std::is_aggregate_v<T> && !has_type<T> && !is_tuple<T>
    && !is_by_position<T> && !is_ignoring_extra<T>;

/// `dynamic`: a row whose columns are known only at run time (typq::row); its traits make its
/// plan (`plan`) and its values (`decode`) themselves, and it has no fields (size 0).
enum class row_shape { scalar, tuple, by_position, by_name, dynamic };

/// What a row type `Row` means: the value each row becomes, its fields, and how columns map.
template <class Row>
struct row_traits;

template <class Row>
    requires has_type<Row>
struct row_traits<Row> {
    using value_type = Row;
    static constexpr row_shape shape = row_shape::scalar;
    static constexpr std::size_t size = 1;
    template <std::size_t I>
    using field_type = Row;
    template <std::size_t I>
    static constexpr Row& field(Row& row) noexcept { return row; }
    template <std::size_t I>
    static constexpr const Row& field(const Row& row) noexcept { return row; }
};

template <class... T>
struct row_traits<std::tuple<T...>> {
    using value_type = std::tuple<T...>;
    static constexpr row_shape shape = row_shape::tuple;
    static constexpr std::size_t size = sizeof...(T);
    template <std::size_t I>
    using field_type = std::tuple_element_t<I, value_type>;
    template <std::size_t I>
    static constexpr auto& field(value_type& row) noexcept { return std::get<I>(row); }
    template <std::size_t I>
    static constexpr const auto& field(const value_type& row) noexcept { return std::get<I>(row); }
};

template <class T>
struct reflected_fields {
    using value_type = T;
    static constexpr std::size_t size = boost::pfr::tuple_size_v<T>;
    template <std::size_t I>
    using field_type = boost::pfr::tuple_element_t<I, T>;
    template <std::size_t I>
    static constexpr auto& field(T& row) noexcept { return boost::pfr::get<I>(row); }
    template <std::size_t I>
    static constexpr const auto& field(const T& row) noexcept { return boost::pfr::get<I>(row); }
};

template <reflected_struct T>
struct row_traits<by_position<T>> : reflected_fields<T> {
    static constexpr row_shape shape = row_shape::by_position;
};

template <reflected_struct T>
struct row_traits<T> : reflected_fields<T> {
    static constexpr row_shape shape = row_shape::by_name;
};

template <reflected_struct T>
struct row_traits<ignoring_extra<T>> : reflected_fields<T> {
    static constexpr row_shape shape = row_shape::by_name;
    static constexpr bool ignores_extra_columns = true;
};

/// Columns that no field names are ignored (typq::ignoring_extra), not an error.
template <class Row>
inline constexpr bool ignores_extra_columns = requires { requires row_traits<Row>::ignores_extra_columns; };

/// A row type typq can decode: one of the four shapes, whatever its field types.
template <class Row>
concept row_type = requires { row_traits<Row>::shape; };

template <class Row, std::size_t I>
using row_field_t = typename row_traits<Row>::template field_type<I>;

/// The name of field I, or empty for a tuple element or a scalar.
template <class Row, std::size_t I>
consteval std::string_view row_field_name()
{
    if constexpr (row_traits<Row>::shape == row_shape::by_name || row_traits<Row>::shape == row_shape::by_position)
        return field_name<typename row_traits<Row>::value_type, I>;
    else
        return {};
}

/// True when some field of Row points into the result it was read from (std::string_view...).
template <class Row>
consteval bool row_borrows()
{
    return []<std::size_t... I>(std::index_sequence<I...>) {
        return (borrows<std::remove_cv_t<row_field_t<Row, I>>>() || ...);
    }(std::make_index_sequence<row_traits<Row>::size>{});
}

/// Every field decodable (each missing adapter is named by its no_type_for<T> error).
template <class Row>
consteval bool require_row_decodable()
{
    return []<std::size_t... I>(std::index_sequence<I...>) {
        return (require_decodable<std::remove_cv_t<row_field_t<Row, I>>>() && ...);
    }(std::make_index_sequence<row_traits<Row>::size>{});
}

}  // namespace detail
}  // namespace typq

#endif  // TYPQ_REFLECT_HPP
