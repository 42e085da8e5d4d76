// SPDX-License-Identifier: BSL-1.0
// typq/detail/type_name.hpp: readable C++ type names for error messages ("std::int32_t",
// "std::optional<std::string>"). Built only when an error is thrown, so plain std::string is fine.

#ifndef TYPQ_DETAIL_TYPE_NAME_HPP
#define TYPQ_DETAIL_TYPE_NAME_HPP

#include <cstddef>      // std::byte
#include <cstdint>      // the fixed-width names
#include <optional>     // std::optional's name
#include <string>       // the names
#include <string_view>  // __PRETTY_FUNCTION__ slices
#include <tuple>        // std::tuple's name
#include <vector>       // std::vector's name

namespace typq::detail {

template <class T>
consteval std::string_view pretty_type_text()
{
    return __PRETTY_FUNCTION__;
}

// g++ 12 prints "... [with T = double; std::string_view = ...]", clang 14 "... [T = double]":
// measure where the name starts and how much follows it once, on a type whose spelling is known.
inline constexpr std::string_view type_name_calibration = pretty_type_text<double>();
inline constexpr std::size_t type_name_prefix = type_name_calibration.find("double");
inline constexpr std::size_t type_name_suffix =
    type_name_calibration.size() - type_name_prefix - std::string_view("double").size();

template <class T>
consteval std::string_view compiler_type_name()
{
    constexpr std::string_view text = pretty_type_text<T>();
    return text.substr(type_name_prefix, text.size() - type_name_prefix - type_name_suffix);
}

static_assert(compiler_type_name<unsigned char>() == "unsigned char",
    "typq: this compiler spells __PRETTY_FUNCTION__ differently; type names would be wrong");

template <class T>
struct type_name_of {
    static std::string name()
    {
        std::string text(compiler_type_name<T>());
        // libstdc++ spells std::string in full; say it the way users write it.
        for (std::string_view long_name :
            {std::string_view("std::__cxx11::basic_string<char>"), std::string_view("std::basic_string<char>")}) {
            for (auto at = text.find(long_name); at != std::string::npos; at = text.find(long_name, at))
                text.replace(at, long_name.size(), "std::string");
        }
        return text;
    }
};

template <class T>
std::string type_name()
{
    return type_name_of<T>::name();
}

// The fixed-width integers print as int/long on this platform; users wrote std::int32_t.
template <> struct type_name_of<std::int16_t> { static std::string name() { return "std::int16_t"; } };
template <> struct type_name_of<std::int32_t> { static std::string name() { return "std::int32_t"; } };
template <> struct type_name_of<std::int64_t> { static std::string name() { return "std::int64_t"; } };
template <> struct type_name_of<std::string> { static std::string name() { return "std::string"; } };
template <> struct type_name_of<std::string_view> { static std::string name() { return "std::string_view"; } };
template <> struct type_name_of<std::byte> { static std::string name() { return "std::byte"; } };

template <class T>
struct type_name_of<std::optional<T>> {
    static std::string name() { return "std::optional<" + type_name<T>() + ">"; }
};
template <class T>
struct type_name_of<std::vector<T>> {
    static std::string name() { return "std::vector<" + type_name<T>() + ">"; }
};
template <class... T>
struct type_name_of<std::tuple<T...>> {
    static std::string name()
    {
        std::string text = "std::tuple<";
        bool first = true;
        ((text += (first ? "" : ", ") + type_name<T>(), first = false), ...);
        return text + ">";
    }
};

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_TYPE_NAME_HPP
