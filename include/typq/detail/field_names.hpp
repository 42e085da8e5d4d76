// SPDX-License-Identifier: BSL-1.0
// typq/detail/field_names.hpp: the names of an aggregate's fields at compile time.
//
// Boost 1.81's PFR has no get_name, so the names are read from __PRETTY_FUNCTION__ of a function
// template instantiated on a pointer to the field of a never-defined object (DESIGN.md, principle 5;
// STYLE.md section 5). Works on g++ 12 and clang 14; a compiler that prints differently stops the
// build at the static_assert below instead of mapping columns wrongly.
// Unsupported: local classes, reference members, bit-fields.

#ifndef TYPQ_DETAIL_FIELD_NAMES_HPP
#define TYPQ_DETAIL_FIELD_NAMES_HPP

#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

#include <array>        // the names' storage and the per-type list
#include <cstddef>      // std::size_t
#include <string_view>  // the names
#include <utility>      // std::index_sequence

namespace typq::detail {

template <class T>
struct phantom_holder {
    T value;
};

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wundefined-var-template"
// For a row struct in an anonymous namespace, phantom<T> has internal linkage; it is still only
// named in constant expressions, never defined or used at run time.
#pragma clang diagnostic ignored "-Wundefined-internal"
#endif

// Declared, never defined: only its fields' addresses are taken, in constant expressions.
// A run-time use would be a link error, by design.
template <class T>
extern const phantom_holder<T> phantom;

// clang 14 rejects a pointer to a subobject as a template argument; wrapped in a class type it passes.
template <class Pointer>
struct field_pointer_wrapper {
    Pointer pointer;
};

template <class T, std::size_t I>
consteval auto field_pointer()
{
    const auto* pointer = &boost::pfr::get<I>(phantom<T>.value);
    return field_pointer_wrapper<decltype(pointer)>{pointer};
}

template <auto Wrapped>
consteval std::string_view pretty_field_text()
{
    return __PRETTY_FUNCTION__;
}

template <class T, std::size_t I>
consteval std::string_view field_text()
{
    return pretty_field_text<field_pointer<T, I>()>();
}

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

struct field_name_calibration {
    int typq_calibration_field;
};

// g++ 12: "...{(& phantom<...>.phantom_holder<...>::value.ns::row::email)}; ...]"
// clang 14: "...[Wrapped = {&phantom.value.email}]"
// The text after the name is the same for every field; the name starts after the last
// separator character (':' for g++, '.' for clang) before it.
inline constexpr std::string_view field_name_calibration_name = "typq_calibration_field";
inline constexpr std::string_view field_name_calibration_text = field_text<field_name_calibration, 0>();
inline constexpr std::size_t field_name_suffix = field_name_calibration_text.size()
    - field_name_calibration_text.find(field_name_calibration_name) - field_name_calibration_name.size();
inline constexpr char field_name_separator =
    field_name_calibration_text[field_name_calibration_text.find(field_name_calibration_name) - 1];

template <class T, std::size_t I>
consteval std::string_view extract_field_name()
{
    constexpr std::string_view text = field_text<T, I>();
    constexpr std::size_t end = text.size() - field_name_suffix;
    constexpr std::size_t start = text.rfind(field_name_separator, end - 1) + 1;
    return text.substr(start, end - start);
}

// Only the names reach the binary, not the whole __PRETTY_FUNCTION__ texts.
template <class T, std::size_t I>
struct field_name_storage {
    static constexpr std::string_view extracted = extract_field_name<T, I>();
    static constexpr auto chars = [] {
        std::array<char, extracted.size() + 1> out{};
        for (std::size_t i = 0; i < extracted.size(); ++i)
            out[i] = extracted[i];
        return out;
    }();
};

/// The name of the I-th field of aggregate T.
template <class T, std::size_t I>
inline constexpr std::string_view field_name{
    field_name_storage<T, I>::chars.data(), field_name_storage<T, I>::extracted.size()};

template <class T, std::size_t... I>
consteval std::array<std::string_view, sizeof...(I)> make_field_names(std::index_sequence<I...>)
{
    return {field_name<T, I>...};
}

/// The names of all fields of aggregate T, in declaration order.
template <class T>
inline constexpr auto field_names =
    make_field_names<T>(std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});

namespace field_name_check {
struct two_fields {
    int alpha;
    double beta_2;
};
}  // namespace field_name_check

static_assert(field_names<field_name_check::two_fields>[0] == "alpha" &&
        field_names<field_name_check::two_fields>[1] == "beta_2",
    "typq: this compiler prints __PRETTY_FUNCTION__ in a way typq cannot read field names from");

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_FIELD_NAMES_HPP
