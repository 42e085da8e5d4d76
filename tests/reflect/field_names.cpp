// SPDX-License-Identifier: BSL-1.0
// tests/reflect/field_names.cpp: typq::detail::field_names<T>, the compile-time field names that
// map columns to fields, for the shapes of struct users write.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <array>        // std::array fields
#include <cstddef>      // std::byte
#include <cstdint>      // std::int32_t, std::int64_t
#include <map>          // a field type with a comma in its template arguments
#include <optional>     // std::optional fields
#include <string>       // std::string fields
#include <string_view>  // the names
#include <utility>      // std::pair
#include <vector>       // std::vector fields

namespace reflect_field_names_test {

struct plain {
    std::int32_t id;
    std::string name;
    std::optional<std::string> email;
};

namespace deeper::still_deeper {
struct point {
    double x;
    double y;
};
}  // namespace deeper::still_deeper

inline namespace v1 {
struct versioned {
    int version_field;
};
}  // namespace v1

struct outer {
    struct inner {
        int inner_a;
        long inner_b;
    };
    inner nested;
    int after_nested;
};

template <class T>
struct box {
    T boxed_value;
    int boxed_count;
};

template <class A, class B>
struct two_params {
    A first_one;
    B second_one;
};

template <int N>
struct sized {
    std::array<int, static_cast<std::size_t>(N)> values;
    int n;
};

struct twenty {
    int f01, f02, f03, f04, f05, f06, f07, f08, f09, f10;
    std::string f11, f12, f13, f14, f15;
    std::optional<std::int64_t> f16, f17, f18, f19, f20;
};

struct odd_names {
    int _leading_underscore;
    int trailing_underscore_;
    int CamelCase;
    int x;
    int a1b2c3;
    int ______;
};

struct many_types {
    std::optional<std::string> maybe_text;
    std::vector<std::byte> bytes;
    std::map<std::string, std::pair<int, double>> map_field;
    std::string const_like;
    std::optional<std::optional<int>> nested_optional;
};

}  // namespace reflect_field_names_test

// Outside the file's namespace on purpose: a struct in an anonymous namespace and one at global
// scope are what a test below is about (names no other test file of the area may use).
namespace {

struct in_anonymous_namespace {
    int anon_a;
    std::string anon_b;
};

}  // namespace

struct at_global_scope {
    int global_a;
};

namespace reflect_field_names_test {

template <class T, std::size_t N>
constexpr bool names_are(const std::array<std::string_view, N>& expected)
{
    constexpr auto& names = typq::detail::field_names<T>;
    if (names.size() != N)
        return false;
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] != expected[i])
            return false;
    return true;
}

template <class T, class... Names>
constexpr bool names_are(Names... expected)
{
    return names_are<T>(std::array<std::string_view, sizeof...(Names)>{std::string_view(expected)...});
}

TEST_CASE("field_names gives the declared names of a plain struct", "[reflect][field_names]")
{
    using reflect_field_names_test::plain;
    STATIC_REQUIRE(typq::detail::field_names<plain>.size() == 3);
    STATIC_REQUIRE(typq::detail::field_names<plain>[0] == "id");
    STATIC_REQUIRE(typq::detail::field_names<plain>[1] == "name");
    STATIC_REQUIRE(typq::detail::field_names<plain>[2] == "email");
    STATIC_REQUIRE(typq::detail::field_name<plain, 1> == "name");
    CHECK(std::string(typq::detail::field_names<plain>[2]) == "email");
}

TEST_CASE("field_names works for structs in nested, inline, anonymous and global namespaces", "[reflect][field_names]")
{
    STATIC_REQUIRE(names_are<reflect_field_names_test::deeper::still_deeper::point>("x", "y"));
    STATIC_REQUIRE(names_are<reflect_field_names_test::versioned>("version_field"));
    STATIC_REQUIRE(names_are<in_anonymous_namespace>("anon_a", "anon_b"));
    STATIC_REQUIRE(names_are<at_global_scope>("global_a"));
}

TEST_CASE("field_names works for nested structs", "[reflect][field_names]")
{
    STATIC_REQUIRE(names_are<reflect_field_names_test::outer>("nested", "after_nested"));
    STATIC_REQUIRE(names_are<reflect_field_names_test::outer::inner>("inner_a", "inner_b"));
}

TEST_CASE("field_names works for class templates, whatever their arguments", "[reflect][field_names]")
{
    using namespace reflect_field_names_test;
    STATIC_REQUIRE(names_are<box<int>>("boxed_value", "boxed_count"));
    STATIC_REQUIRE(names_are<box<std::string>>("boxed_value", "boxed_count"));
    STATIC_REQUIRE(names_are<box<deeper::still_deeper::point>>("boxed_value", "boxed_count"));
    STATIC_REQUIRE(names_are<box<box<std::optional<std::string>>>>("boxed_value", "boxed_count"));
    STATIC_REQUIRE(names_are<two_params<std::pair<int, double>, std::map<std::string, int>>>("first_one", "second_one"));
    STATIC_REQUIRE(names_are<sized<3>>("values", "n"));
    STATIC_REQUIRE(names_are<sized<-1 + 2>>("values", "n"));
}

TEST_CASE("field_names works for a struct with twenty fields", "[reflect][field_names]")
{
    STATIC_REQUIRE(names_are<reflect_field_names_test::twenty>("f01", "f02", "f03", "f04", "f05", "f06", "f07", "f08",
        "f09", "f10", "f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20"));
}

TEST_CASE("field_names works for std::string, std::optional and other library field types", "[reflect][field_names]")
{
    STATIC_REQUIRE(names_are<reflect_field_names_test::many_types>("maybe_text", "bytes", "map_field", "const_like",
        "nested_optional"));
}

TEST_CASE("field_names keeps underscores, digits and case", "[reflect][field_names]")
{
    STATIC_REQUIRE(names_are<reflect_field_names_test::odd_names>("_leading_underscore", "trailing_underscore_",
        "CamelCase", "x", "a1b2c3", "______"));
}

}  // namespace reflect_field_names_test
