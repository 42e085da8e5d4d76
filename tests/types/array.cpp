// SPDX-License-Identifier: BSL-1.0
// tests/types/array.cpp: include/typq/types/array.hpp: std::vector<T>, std::array<T, N>, nested
// vectors and typq::array<T> as PostgreSQL arrays, against the server's array_send, its text
// output and its array literals.

#include "typq_test.hpp"

#include <typq/types/array.hpp>

#include <array>        // std::array
#include <cmath>        // INFINITY
#include <cstddef>      // std::byte, std::size_t
#include <cstdint>      // the fixed-width integers
#include <limits>       // integer limits
#include <optional>     // NULL elements
#include <string>       // std::string, literals
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

namespace types_array_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;

// A C++ array value and the server's text for the same array.
template <class T>
using array_case = std::pair<std::vector<T>, std::string>;

template <class T>
std::vector<array_case<T>> cases();

template <>
std::vector<array_case<std::int16_t>> cases()
{
    return {{{}, "{}"}, {{0}, "{0}"}, {{-32768, -1, 1, 32767}, "{-32768,-1,1,32767}"}};
}
template <>
std::vector<array_case<std::int32_t>> cases()
{
    return {{{}, "{}"}, {{42}, "{42}"},
        {{std::numeric_limits<std::int32_t>::min(), -1, 0, 1, std::numeric_limits<std::int32_t>::max()},
            "{-2147483648,-1,0,1,2147483647}"}};
}
template <>
std::vector<array_case<std::int64_t>> cases()
{
    return {{{}, "{}"},
        {{std::numeric_limits<std::int64_t>::min(), 0, std::numeric_limits<std::int64_t>::max()},
            "{-9223372036854775808,0,9223372036854775807}"}};
}
template <>
std::vector<array_case<float>> cases()
{
    return {{{}, "{}"}, {{1.5F, -2.25F, 0.0F, INFINITY, -INFINITY}, "{1.5,-2.25,0,Infinity,-Infinity}"}};
}
template <>
std::vector<array_case<double>> cases()
{
    return {{{}, "{}"}, {{0.1, -1e300, 0.0, INFINITY}, "{0.1,-1e+300,0,Infinity}"}};
}
template <>
std::vector<array_case<bool>> cases()
{
    return {{{}, "{}"}, {{true}, "{t}"}, {{true, false, false, true}, "{t,f,f,t}"}};
}
template <>
std::vector<array_case<std::string>> cases()
{
    return {{{}, "{}"}, {{"a", "b c"}, "{a,\"b c\"}"},
        {{"caf\u00e9", "\u65e5\u672c\u8a9e", "\U0001F600"}, "{caf\u00e9,\u65e5\u672c\u8a9e,\U0001F600}"},
        {{"", "NULL", "null", "x\"y", "a,b", "{}", "}", "\\", " lead", "tab\there"},
            R"({"","NULL","null","x\"y","a,b","{}","}","\\"," lead","tab	here"})"}};
}
template <>
std::vector<array_case<bytes>> cases()
{
    return {{{}, "{}"}, {{"00 ff"_hex, ""_hex, "de ad be ef"_hex}, R"({"\\x00ff","\\x","\\xdeadbeef"})"}};
}

template <class T>
std::string sql_name()
{
    return std::string(typq::type<T>::sql_type);
}

struct tagged {
    std::int32_t id;
    std::vector<std::string> tags;
    std::optional<std::vector<std::int32_t>> scores;
    std::vector<std::vector<double>> grid;
    typq::array<std::optional<std::int64_t>> shifted;
};

struct strict_numbers {
    std::vector<std::int32_t> xs;
};

// --- concepts and OIDs -----------------------------------------------------------------------------

TEST_CASE("containers of array elements are arrays, others are not", "[types][concepts]")
{
    STATIC_REQUIRE(typq::encodable<std::vector<std::int32_t>>);
    STATIC_REQUIRE(typq::decodable<std::vector<std::int32_t>>);
    STATIC_REQUIRE(typq::encodable<std::vector<std::optional<std::string>>>);
    STATIC_REQUIRE(typq::decodable<std::vector<std::optional<std::string>>>);
    STATIC_REQUIRE(typq::encodable<std::vector<std::vector<std::vector<double>>>>);
    STATIC_REQUIRE(typq::decodable<std::vector<std::vector<std::vector<double>>>>);
    STATIC_REQUIRE(typq::encodable<std::array<std::int16_t, 3>>);
    STATIC_REQUIRE(typq::decodable<std::array<std::array<bool, 2>, 2>>);
    STATIC_REQUIRE(typq::decodable<std::vector<std::array<std::int64_t, 2>>>);
    STATIC_REQUIRE(typq::encodable<typq::array<std::optional<bytes>>>);
    STATIC_REQUIRE(typq::decodable<typq::array<std::optional<bytes>>>);
    STATIC_REQUIRE(typq::encodable<std::vector<bool>>);
    STATIC_REQUIRE(typq::decodable<std::vector<bool>>);
    STATIC_REQUIRE(typq::encodable<std::optional<std::vector<std::int32_t>>>);
    STATIC_REQUIRE(typq::decodable<std::optional<std::vector<std::int32_t>>>);
    // Encode-only elements make encode-only arrays; borrowing elements make borrowing arrays.
    STATIC_REQUIRE(typq::encodable<std::vector<const char*>>);
    STATIC_REQUIRE(!typq::decodable<std::vector<const char*>>);
    STATIC_REQUIRE(typq::type<std::vector<std::string_view>>::borrows);
    STATIC_REQUIRE(!typq::type<std::vector<std::string>>::borrows);
    // Not arrays: elements without an adapter, NULL sub-arrays, more than 6 dimensions.
    STATIC_REQUIRE(!typq::encodable<std::vector<char>>);
    STATIC_REQUIRE(!typq::decodable<std::vector<unsigned char>>);
    STATIC_REQUIRE(!typq::encodable<std::vector<std::optional<std::vector<std::int32_t>>>>);
    STATIC_REQUIRE(typq::encodable<std::vector<std::vector<std::vector<std::vector<std::vector<std::vector<int>>>>>>>);
    STATIC_REQUIRE(
        !typq::encodable<std::vector<std::vector<std::vector<std::vector<std::vector<std::vector<std::vector<int>>>>>>>>);
}

TEST_CASE("arrays carry the array OID of their element type", "[types][array]")
{
    STATIC_REQUIRE(typq::type<std::vector<bool>>::param_oid == typq::oid::boolean_array);
    STATIC_REQUIRE(typq::type<std::vector<std::int16_t>>::param_oid == typq::oid::int2_array);
    STATIC_REQUIRE(typq::type<std::vector<std::int32_t>>::param_oid == typq::oid::int4_array);
    STATIC_REQUIRE(typq::type<std::vector<std::optional<std::int64_t>>>::param_oid == typq::oid::int8_array);
    STATIC_REQUIRE(typq::type<std::vector<float>>::param_oid == typq::oid::float4_array);
    STATIC_REQUIRE(typq::type<std::array<double, 4>>::param_oid == typq::oid::float8_array);
    STATIC_REQUIRE(typq::type<std::vector<std::string>>::param_oid == typq::oid::text_array);
    STATIC_REQUIRE(typq::type<std::vector<bytes>>::param_oid == typq::oid::bytea_array);
    STATIC_REQUIRE(typq::type<std::vector<std::vector<std::int32_t>>>::param_oid == typq::oid::int4_array);
    STATIC_REQUIRE(typq::type<typq::array<std::int32_t>>::param_oid == typq::oid::int4_array);
    STATIC_REQUIRE(typq::type<std::vector<std::vector<std::string>>>::sql_type == "text[]");
    STATIC_REQUIRE(typq::type<typq::array<std::optional<std::int16_t>>>::sql_type == "int2[]");
    // std::vector<std::byte> stays bytea.
    STATIC_REQUIRE(typq::type<bytes>::param_oid == typq::oid::bytea);

    auto conn = typq_test::connect();
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::vector<std::int32_t>{1}) == "integer[]");
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::vector<std::string>{"a"}) == "text[]");
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::vector<std::vector<double>>{{1.0}})
        == "double precision[]");
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", bytes{}) == "bytea");
}

// --- one dimension, every element family ------------------------------------------------------------

TEMPLATE_TEST_CASE("one-dimensional arrays agree with the server both ways", "[types][array]", std::int16_t,
    std::int32_t, std::int64_t, float, double, bool, std::string, bytes)
{
    auto conn = typq_test::connect();
    const auto [value, text] = GENERATE(from_range(cases<TestType>()));
    CAPTURE(text);
    const std::string array_type = sql_name<TestType>() + "[]";

    SECTION("encodes the bytes the server's array_send produces for the literal")
    {
        CHECK(typq_test::encode(value)
            == conn.query_value<bytes>(typq::runtime("SELECT array_send($1::" + array_type + ")"), text));
    }
    SECTION("the server reads it as the literal")
    {
        CHECK(conn.query_value<std::string>("SELECT $1::text", value) == text);
        CHECK(conn.query_value<bool>(typq::runtime("SELECT $1 = $2::" + array_type), value, text));
        CHECK(conn.query_value<std::int32_t>("SELECT coalesce(cardinality($1), -1)", value)
            == static_cast<std::int32_t>(value.size()));
    }
    SECTION("decodes the literal")
    {
        CHECK(conn.query_value<std::vector<TestType>>(typq::runtime("SELECT $1::" + array_type), text) == value);
    }
    SECTION("comes back as it went")
    {
        CHECK(conn.query_value<std::vector<TestType>>("SELECT $1", value) == value);
    }
}

TEST_CASE("an empty array is '{}', not NULL, both ways", "[types][array]")
{
    auto conn = typq_test::connect();
    const std::vector<std::int32_t> empty;

    CHECK(typq_test::encode(empty) == conn.query_value<bytes>("SELECT array_send('{}'::int4[])"));
    CHECK(conn.query_value<std::string>("SELECT $1::text", empty) == "{}");
    CHECK_FALSE(conn.query_value<bool>("SELECT $1 IS NULL", empty));
    CHECK(conn.query_value<std::vector<std::int32_t>>("SELECT '{}'::int4[]").empty());
    CHECK(conn.query_value<std::vector<std::string>>("SELECT ARRAY[]::text[]").empty());
    CHECK(conn.query_value<std::array<double, 0>>("SELECT '{}'::float8[]") == std::array<double, 0>{});

    std::vector<std::int32_t> reused{1, 2, 3};
    reused = conn.query_value<std::vector<std::int32_t>>("SELECT '{}'::int4[]");
    CHECK(reused.empty());
}

// --- NULL elements and NULL arrays ----------------------------------------------------------------

TEST_CASE("std::optional elements are NULL elements both ways", "[types][array][optional]")
{
    auto conn = typq_test::connect();
    using ints = std::vector<std::optional<std::int32_t>>;
    const auto [value, text] = GENERATE(table<ints, std::string>({
        {ints{1, std::nullopt, 3}, "{1,NULL,3}"},
        {ints{std::nullopt}, "{NULL}"},
        {ints{std::nullopt, std::nullopt}, "{NULL,NULL}"},
        {ints{7, 8}, "{7,8}"},
    }));
    CAPTURE(text);

    CHECK(typq_test::encode(value) == conn.query_value<bytes>("SELECT array_send($1::int4[])", text));
    CHECK(conn.query_value<std::string>("SELECT $1::text", value) == text);
    CHECK(conn.query_value<ints>("SELECT $1::int4[]", text) == value);
    CHECK(conn.query_value<ints>("SELECT $1", value) == value);
}

TEST_CASE("a NULL text element differs from the string NULL", "[types][array][optional]")
{
    auto conn = typq_test::connect();
    using strings = std::vector<std::optional<std::string>>;
    const strings value{"NULL", std::nullopt, ""};

    CHECK(conn.query_value<std::string>("SELECT $1::text", value) == R"({"NULL",NULL,""})");
    CHECK(typq_test::encode(value) == conn.query_value<bytes>(R"(SELECT array_send('{"NULL",NULL,""}'::text[]))"));
    CHECK(conn.query_value<strings>("SELECT $1", value) == value);
    CHECK(conn.query_value<std::int32_t>("SELECT array_position($1, NULL)", value) == 2);
}

TEST_CASE("a NULL element into a type that is not a std::optional is an error naming the element",
    "[types][array][optional]")
{
    auto conn = typq_test::connect();

    SECTION("as a value")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::vector<std::int32_t>>("SELECT '{1,NULL,3}'::int4[]"),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::vector<std::int32_t>>("SELECT '{1,NULL,3}'::int4[]"),
            Contains("array element [1] is NULL") && Contains("std::optional"));
    }
    SECTION("in two dimensions, with the subscripts")
    {
        REQUIRE_THROWS_WITH(
            (void)conn.query_value<std::vector<std::vector<std::string>>>("SELECT '{{a,b},{c,NULL}}'::text[]"),
            Contains("array element [1][1] is NULL"));
    }
    SECTION("as a field, with the column and the row")
    {
        REQUIRE_THROWS_WITH((void)conn.query_one<strict_numbers>("SELECT '{NULL}'::int4[] AS xs"),
            Contains("\"xs\"") && Contains("row 0") && Contains("array element [0] is NULL"));
    }
}

TEST_CASE("std::optional arrays are NULL arrays both ways", "[types][array][optional]")
{
    auto conn = typq_test::connect();
    using maybe = std::optional<std::vector<std::int32_t>>;

    CHECK(conn.query_value<bool>("SELECT $1::int4[] IS NULL", maybe{}));
    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", maybe{}));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", maybe{}) == "integer[]");
    CHECK(conn.query_value<maybe>("SELECT NULL::int4[]") == std::nullopt);
    CHECK(conn.query_value<maybe>("SELECT '{}'::int4[]") == maybe{std::vector<std::int32_t>{}});
    CHECK(conn.query_value<maybe>("SELECT $1", maybe{{4, 5}}) == maybe{{4, 5}});
}

// --- more dimensions ------------------------------------------------------------------------------

TEST_CASE("nested vectors are arrays of more dimensions", "[types][array][dimensions]")
{
    auto conn = typq_test::connect();

    SECTION("two dimensions")
    {
        const std::vector<std::vector<std::int32_t>> value{{1, 2, 3}, {4, 5, 6}};
        const std::string text = "{{1,2,3},{4,5,6}}";
        CHECK(typq_test::encode(value) == conn.query_value<bytes>("SELECT array_send($1::int4[])", text));
        CHECK(conn.query_value<std::string>("SELECT $1::text", value) == text);
        CHECK(conn.query_value<std::int32_t>("SELECT array_ndims($1)", value) == 2);
        CHECK(conn.query_value<std::int32_t>("SELECT $1[2][3]", value) == 6);
        CHECK(conn.query_value<std::vector<std::vector<std::int32_t>>>("SELECT $1::int4[]", text) == value);
        CHECK(conn.query_value<std::vector<std::vector<std::int32_t>>>("SELECT $1", value) == value);
    }
    SECTION("three dimensions, with NULLs")
    {
        using cube = std::vector<std::vector<std::vector<std::optional<std::string>>>>;
        const cube value{{{"a", std::nullopt}, {"c", "d e"}}, {{"\u00e9", "f"}, {std::nullopt, ""}}};
        const std::string text = R"({{{a,NULL},{c,"d e"}},{{é,f},{NULL,""}}})";
        CHECK(typq_test::encode(value) == conn.query_value<bytes>("SELECT array_send($1::text[])", text));
        CHECK(conn.query_value<std::string>("SELECT $1::text", value) == text);
        CHECK(conn.query_value<std::int32_t>("SELECT array_ndims($1)", value) == 3);
        CHECK(conn.query_value<cube>("SELECT $1::text[]", text) == value);
        CHECK(conn.query_value<cube>("SELECT $1", value) == value);
    }
    SECTION("std::array levels, alone and inside vectors")
    {
        using fixed_grid = std::array<std::array<double, 2>, 3>;
        const fixed_grid fixed{{{1.5, 2.5}, {3.5, 4.5}, {5.5, 6.5}}};
        CHECK(conn.query_value<std::string>("SELECT $1::text", fixed) == "{{1.5,2.5},{3.5,4.5},{5.5,6.5}}");
        CHECK(typq_test::encode(fixed)
            == conn.query_value<bytes>("SELECT array_send('{{1.5,2.5},{3.5,4.5},{5.5,6.5}}'::float8[])"));
        CHECK(conn.query_value<fixed_grid>("SELECT $1", fixed) == fixed);

        const std::vector<std::array<bool, 2>> pairs{{true, false}, {false, false}};
        CHECK(conn.query_value<std::string>("SELECT $1::text", pairs) == "{{t,f},{f,f}}");
        CHECK(conn.query_value<std::vector<std::array<bool, 2>>>("SELECT '{{t,f},{f,f}}'::bool[]") == pairs);

        const std::array<std::int16_t, 3> three{1, -2, 3};
        CHECK(conn.query_value<std::array<std::int16_t, 3>>("SELECT '{1,-2,3}'::int2[]") == three);
    }
    SECTION("six dimensions, PostgreSQL's most")
    {
        using six = std::vector<std::vector<std::vector<std::vector<std::vector<std::vector<std::int32_t>>>>>>;
        const six value{{{{{{1, 2}}}}}};
        CHECK(conn.query_value<std::string>("SELECT $1::text", value) == "{{{{{{1,2}}}}}}");
        CHECK(conn.query_value<six>("SELECT $1", value) == value);
    }
}

TEST_CASE("empty nested vectors are the empty array", "[types][array][dimensions]")
{
    auto conn = typq_test::connect();
    using grid = std::vector<std::vector<std::int32_t>>;
    const grid value = GENERATE(grid{}, grid{{}}, grid{{}, {}, {}});
    CAPTURE(value.size());

    CHECK(typq_test::encode(value) == conn.query_value<bytes>("SELECT array_send('{}'::int4[])"));
    CHECK(conn.query_value<std::string>("SELECT $1::text", value) == "{}");
    CHECK(conn.query_value<grid>("SELECT $1", value).empty());
    CHECK(conn.query_value<grid>("SELECT '{}'::int4[]").empty());
}

TEST_CASE("ragged nested vectors are refused before anything is sent", "[types][array][dimensions]")
{
    auto conn = typq_test::connect();

    SECTION("in two dimensions")
    {
        const std::vector<std::vector<std::int32_t>> ragged{{1, 2}, {3}};
        REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1::text", ragged), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::string>("SELECT $1::text", ragged),
            Contains("parameter $1") && Contains("cannot encode int4[]") && Contains("not rectangular") && Contains("element [1] has 1 elements")
                && Contains("element [0] has 2"));
    }
    SECTION("an empty row among full ones")
    {
        const std::vector<std::vector<std::int32_t>> ragged{{}, {1}};
        REQUIRE_THROWS_WITH((void)conn.query_value<std::string>("SELECT $1::text", ragged), Contains("not rectangular"));
    }
    SECTION("deeper down")
    {
        const std::vector<std::vector<std::vector<std::int32_t>>> ragged{{{1}, {2}}, {{3}, {4, 5}}};
        REQUIRE_THROWS_WITH(
            (void)conn.query_value<std::string>("SELECT $1::text", ragged), Contains("element [1][1] has 2 elements"));
    }
    // The connection is still usable: nothing half-sent.
    CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
}

TEST_CASE("an array of another number of dimensions or another length is refused", "[types][array][dimensions]")
{
    auto conn = typq_test::connect();

    REQUIRE_THROWS_AS(
        (void)conn.query_value<std::vector<std::int32_t>>("SELECT '{{1,2},{3,4}}'::int4[]"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::vector<std::int32_t>>("SELECT '{{1,2},{3,4}}'::int4[]"),
        Contains("array has 2 dimension(s)"));
    REQUIRE_THROWS_WITH((void)conn.query_value<std::vector<std::vector<std::int32_t>>>("SELECT '{1,2}'::int4[]"),
        Contains("array has 1 dimension(s)"));
    REQUIRE_THROWS_WITH(((void)conn.query_value<std::array<std::int32_t, 3>>("SELECT '{1,2}'::int4[]")),
        Contains("array dimension 1 has length 2") && Contains("takes 3 there"));
    REQUIRE_THROWS_WITH(((void)conn.query_value<std::array<std::int32_t, 1>>("SELECT '{1,2}'::int4[]")),
        Contains("array dimension 1 has length 2"));
    REQUIRE_THROWS_WITH(((void)conn.query_value<std::vector<std::array<std::int32_t, 3>>>("SELECT '{{1,2},{3,4}}'::int4[]")),
        Contains("array dimension 2 has length 2") && Contains("takes 3 there"));
    REQUIRE_THROWS_WITH(
        ((void)conn.query_value<std::array<std::int32_t, 2>>("SELECT '{}'::int4[]")), Contains("array is empty"));
}

// --- lower bounds ----------------------------------------------------------------------------------

TEST_CASE("arrays whose lower bound is not 1 decode into vectors without their bounds", "[types][array][bounds]")
{
    auto conn = typq_test::connect();

    CHECK(conn.query_value<std::vector<std::int32_t>>("SELECT '[0:2]={1,2,3}'::int4[]")
        == std::vector<std::int32_t>{1, 2, 3});
    CHECK(conn.query_value<std::vector<std::int32_t>>("SELECT '[-5:-4]={7,8}'::int4[]") == std::vector<std::int32_t>{7, 8});
    CHECK(conn.query_value<std::array<std::int32_t, 3>>("SELECT '[0:2]={1,2,3}'::int4[]")
        == std::array<std::int32_t, 3>{1, 2, 3});
    CHECK(conn.query_value<std::vector<std::vector<std::int32_t>>>("SELECT '[0:1][5:6]={{1,2},{3,4}}'::int4[]")
        == std::vector<std::vector<std::int32_t>>{{1, 2}, {3, 4}});
}

TEST_CASE("typq::array keeps the lower bounds both ways", "[types][array][bounds]")
{
    auto conn = typq_test::connect();

    SECTION("lower bound 0")
    {
        const auto value = conn.query_value<typq::array<std::int32_t>>("SELECT '[0:2]={1,2,3}'::int4[]");
        REQUIRE(value.ndims() == 1);
        CHECK(value.dimensions()[0] == typq::array_dimension{3, 0});
        CHECK(value.elements() == std::vector<std::int32_t>{1, 2, 3});
        CHECK(value.at({0}) == 1);
        CHECK(value.at({2}) == 3);
        CHECK(value[1] == 2);

        CHECK(conn.query_value<std::string>("SELECT $1::text", value) == "[0:2]={1,2,3}");
        CHECK(conn.query_value<std::int32_t>("SELECT array_lower($1, 1)", value) == 0);
        CHECK(typq_test::encode(value) == conn.query_value<bytes>("SELECT array_send('[0:2]={1,2,3}'::int4[])"));
        CHECK(conn.query_value<typq::array<std::int32_t>>("SELECT $1", value) == value);
        CHECK(typq::array<std::int32_t>({1, 2, 3}, 0) == value);
    }
    SECTION("two dimensions with their own bounds and NULLs")
    {
        const std::string text = "[0:1][-1:1]={{1,NULL,3},{4,5,NULL}}";
        const typq::array<std::optional<std::int64_t>> value({1, std::nullopt, 3, 4, 5, std::nullopt}, {{2, 0}, {3, -1}});
        CHECK(conn.query_value<typq::array<std::optional<std::int64_t>>>("SELECT $1::int8[]", text) == value);
        CHECK(conn.query_value<std::string>("SELECT $1::text", value) == text);
        CHECK(typq_test::encode(value) == conn.query_value<bytes>("SELECT array_send($1::int8[])", text));
        CHECK(conn.query_value<std::optional<std::int64_t>>("SELECT $1[1][0]", value) == 5);
        CHECK(value.at({1, 0}) == 5);
        CHECK(conn.query_value<typq::array<std::optional<std::int64_t>>>("SELECT $1", value) == value);
    }
    SECTION("lower bound 1 and the empty array")
    {
        const typq::array<std::string> plain({"a", "b"});
        CHECK(plain.dimensions() == std::vector<typq::array_dimension>{{2, 1}});
        CHECK(conn.query_value<std::string>("SELECT $1::text", plain) == "{a,b}");
        const typq::array<std::string> empty;
        CHECK(empty.ndims() == 0);
        CHECK(conn.query_value<std::string>("SELECT $1::text", empty) == "{}");
        CHECK(conn.query_value<typq::array<std::string>>("SELECT '{}'::text[]") == empty);
        CHECK(typq::array<std::string>({}, 5) == empty);  // no elements, no dimensions
        CHECK(typq::array<std::string>({}, {{0, 3}, {4, 1}}) == empty);
    }
}

TEST_CASE("typq::array refuses dimensions that do not describe its elements", "[types][array][bounds]")
{
    using ints = typq::array<std::int32_t>;
    REQUIRE_THROWS_AS(ints({1, 2, 3}, {{2, 1}}), typq::usage_error);
    REQUIRE_THROWS_WITH(ints({1, 2, 3}, {{2, 1}}), Contains("hold 2 elements, but 3 were given"));
    REQUIRE_THROWS_WITH(ints({1, 2}, std::vector<typq::array_dimension>{}), Contains("hold 0 elements, but 2"));
    REQUIRE_THROWS_WITH(ints({1}, {{-1, 1}}), Contains("length -1"));
    REQUIRE_THROWS_WITH(ints({1, 2}, {{2, std::numeric_limits<std::int32_t>::max()}}), Contains("upper bound"));
    REQUIRE_THROWS_WITH(ints({1}, {{1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}}), Contains("7 dimensions"));
    REQUIRE_THROWS_WITH(ints({1, 2, 3, 4}, {{65536, 1}, {65536, 1}, {65536, 1}}), Contains("but 4 were given"));

    const ints grid({1, 2, 3, 4}, {{2, 1}, {2, 1}});
    CHECK(grid.at({2, 1}) == 3);
    REQUIRE_THROWS_AS((void)grid.at({3, 1}), typq::usage_error);
    REQUIRE_THROWS_WITH((void)grid.at({3, 1}), Contains("outside dimension 1 [1:2]"));
    REQUIRE_THROWS_WITH((void)grid.at({1}), Contains("1 subscript(s) for an array of 2 dimension(s)"));
}

// --- widening, refusals -------------------------------------------------------------------------

TEST_CASE("array columns widen as their elements do, and narrowing is refused", "[types][array]")
{
    auto conn = typq_test::connect();

    CHECK(conn.query_value<std::vector<std::int64_t>>("SELECT '{1,-2}'::int4[]") == std::vector<std::int64_t>{1, -2});
    CHECK(conn.query_value<std::vector<std::int32_t>>("SELECT '{1,-2}'::int2[]") == std::vector<std::int32_t>{1, -2});
    CHECK(conn.query_value<std::vector<double>>("SELECT '{1.5}'::float4[]") == std::vector<double>{1.5});
    CHECK(conn.query_value<std::vector<std::string>>("SELECT '{a,b}'::varchar[]") == std::vector<std::string>{"a", "b"});
    CHECK(conn.query_value<std::vector<std::string>>("SELECT ARRAY['x'::name]") == std::vector<std::string>{"x"});
    CHECK(conn.query_value<typq::array<std::int64_t>>("SELECT '[0:0]={3}'::int2[]") == typq::array<std::int64_t>({3}, 0));

    REQUIRE_THROWS_AS((void)conn.query_value<std::vector<std::int32_t>>("SELECT '{1}'::int8[]"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::vector<std::int32_t>>("SELECT '{1}'::int8[]"), Contains("(int8[])"));
    REQUIRE_THROWS_WITH((void)conn.query_value<std::vector<std::int16_t>>("SELECT '{1}'::int4[]"), Contains("(int4[])"));
    REQUIRE_THROWS_WITH((void)conn.query_value<std::vector<std::int32_t>>("SELECT '{a}'::text[]"), Contains("(text[])"));
    REQUIRE_THROWS_WITH((void)conn.query_value<std::vector<std::int32_t>>("SELECT 1"), Contains("int4"));
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>("SELECT '{1}'::int4[]"), Contains("int4[]"));
}

// --- size, text content -----------------------------------------------------------------------------

TEST_CASE("a 100,000-element array travels both ways", "[types][array]")
{
    auto conn = typq_test::connect();
    std::vector<std::int32_t> value(100000);
    for (std::size_t i = 0; i < value.size(); ++i)
        value[i] = static_cast<std::int32_t>(i) * 3 - 7;

    CHECK(conn.query_value<bool>("SELECT $1 = ARRAY(SELECT i * 3 - 7 FROM generate_series(0, 99999) i)", value));
    CHECK(conn.query_value<std::vector<std::int32_t>>("SELECT ARRAY(SELECT i * 3 - 7 FROM generate_series(0, 99999) i)")
        == value);
    CHECK(conn.query_value<std::vector<std::int32_t>>("SELECT $1", value) == value);

    std::vector<std::optional<std::string>> texts(100000);
    for (std::size_t i = 0; i < texts.size(); i += 2)
        texts[i] = std::to_string(i);
    CHECK(conn.query_value<bool>(
        "SELECT $1 = ARRAY(SELECT CASE WHEN i % 2 = 0 THEN i::text END FROM generate_series(0, 99999) i)", texts));
    CHECK(conn.query_value<std::vector<std::optional<std::string>>>("SELECT $1", texts) == texts);
}

TEST_CASE("text elements keep non-ASCII text and the characters array literals quote", "[types][array][text]")
{
    auto conn = typq_test::connect();
    const std::vector<std::string> value{"\u00e9t\u00e9", "\u041f\u0440\u0438\u0432\u0435\u0442", "\U0001F418",
        "quote\"inside", "comma,inside", "{braces}", "back\\slash", "  spaces  ", "", "NULL", "new\nline"};

    CHECK(conn.query_value<std::vector<std::string>>("SELECT $1", value) == value);
    for (std::size_t i = 0; i < value.size(); ++i) {
        CAPTURE(i);
        CHECK(conn.query_value<std::string>("SELECT $1[$2]", value, static_cast<std::int32_t>(i + 1)) == value[i]);
    }
    CHECK(conn.query_value<std::vector<std::string>>("SELECT ($1::text)::text[]", value) == value);
    CHECK(typq_test::encode(value) == conn.query_value<bytes>("SELECT array_send(($1::text)::text[])", value));

    REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1::text", std::vector<std::string>{"ok", std::string("a\0b", 3)}),
        typq::conversion_error);
    REQUIRE_THROWS_WITH(
        (void)conn.query_value<std::string>("SELECT $1::text", std::vector<std::string>{"ok", std::string("a\0b", 3)}),
        Contains("NUL") && Contains("array element [1]"));
}

// --- rows and named parameters ----------------------------------------------------------------------

TEST_CASE("arrays are struct fields mapped by name and :name parameters", "[types][array][struct]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4, tags text[], scores int4[], grid float8[], shifted int8[])");

    const tagged first{1, {"red", "green \u00e9"}, std::vector<std::int32_t>{5, 6}, {{1.0, 2.0}, {3.0, 4.0}},
        typq::array<std::optional<std::int64_t>>({7, std::nullopt}, 0)};
    const tagged second{2, {}, std::nullopt, {}, {}};
    CHECK(conn.execute("INSERT INTO t VALUES (:id, :tags, :scores, :grid, :shifted)", first) == 1);
    CHECK(conn.execute("INSERT INTO t VALUES (:id, :tags, :scores, :grid, :shifted)", second) == 1);

    CHECK(conn.query_value<std::string>("SELECT shifted::text FROM t WHERE id = 1") == "[0:1]={7,NULL}");
    CHECK(conn.query_value<std::string>("SELECT grid::text FROM t WHERE id = 1") == "{{1,2},{3,4}}");
    CHECK(conn.query_value<bool>("SELECT scores IS NULL FROM t WHERE id = 2"));

    std::vector<tagged> rows;
    for (const tagged& row : conn.query<tagged>("SELECT shifted, grid, scores, tags, id FROM t ORDER BY id"))
        rows.push_back(row);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == 1);
    CHECK(rows[0].tags == first.tags);
    CHECK(rows[0].scores == first.scores);
    CHECK(rows[0].grid == first.grid);
    CHECK(rows[0].shifted == first.shifted);
    CHECK(rows[1].tags.empty());
    CHECK(rows[1].scores == std::nullopt);
    CHECK(rows[1].grid.empty());
    CHECK(rows[1].shifted.empty());

    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t WHERE id = ANY($1)", std::vector<std::int32_t>{1, 2, 3})
        == 2);
}

}  // namespace types_array_test
