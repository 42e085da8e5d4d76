// SPDX-License-Identifier: BSL-1.0
// tests/types/optional.cpp: include/typq/types/optional.hpp: NULL. std::optional<T> is NULL when
// empty, both ways, for every family; std::nullopt is an untyped NULL parameter; NULL into a field
// that is not a std::optional is an error naming the column.

#include "typq_test.hpp"

#include <cstddef>      // std::byte
#include <cstdint>      // the fixed-width integers
#include <optional>     // std::optional, std::nullopt
#include <span>         // std::span
#include <string>       // std::string, SQL built per type
#include <string_view>  // std::string_view
#include <tuple>        // std::tuple rows
#include <vector>       // byte vectors, collected rows

namespace types_optional_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;

// A value of each family that is not its type's default.
template <class T>
T sample();
template <>
bool sample<bool>() { return true; }
template <>
std::int16_t sample<std::int16_t>() { return -12345; }
template <>
std::int32_t sample<std::int32_t>() { return 1234567890; }
template <>
std::int64_t sample<std::int64_t>() { return -1234567890123456789; }
template <>
float sample<float>() { return 1.5F; }
template <>
double sample<double>() { return -2.25; }
template <>
std::string sample<std::string>() { return "caf\u00e9"; }
template <>
bytes sample<bytes>() { return "00 ff 00"_hex; }

template <class T>
std::string sql_name()
{
    return std::string(typq::type<T>::sql_type);
}

struct person {
    std::int32_t id;
    std::optional<std::string> email;
    std::optional<std::int64_t> score;
};

struct strict_person {
    std::int32_t id;
    std::string email;
};

TEST_CASE("std::optional of an adapted type is encodable and decodable as its type is", "[types][concepts]")
{
    STATIC_REQUIRE(typq::encodable<std::optional<bool>>);
    STATIC_REQUIRE(typq::decodable<std::optional<bool>>);
    STATIC_REQUIRE(typq::encodable<std::optional<std::int16_t>>);
    STATIC_REQUIRE(typq::decodable<std::optional<std::int16_t>>);
    STATIC_REQUIRE(typq::encodable<std::optional<std::int32_t>>);
    STATIC_REQUIRE(typq::decodable<std::optional<std::int32_t>>);
    STATIC_REQUIRE(typq::encodable<std::optional<std::int64_t>>);
    STATIC_REQUIRE(typq::decodable<std::optional<std::int64_t>>);
    STATIC_REQUIRE(typq::encodable<std::optional<float>>);
    STATIC_REQUIRE(typq::decodable<std::optional<float>>);
    STATIC_REQUIRE(typq::encodable<std::optional<double>>);
    STATIC_REQUIRE(typq::decodable<std::optional<double>>);
    STATIC_REQUIRE(typq::encodable<std::optional<std::string>>);
    STATIC_REQUIRE(typq::decodable<std::optional<std::string>>);
    STATIC_REQUIRE(typq::encodable<std::optional<std::string_view>>);
    STATIC_REQUIRE(typq::decodable<std::optional<std::string_view>>);
    STATIC_REQUIRE(typq::encodable<std::optional<bytes>>);
    STATIC_REQUIRE(typq::decodable<std::optional<bytes>>);
    STATIC_REQUIRE(typq::encodable<std::optional<std::span<const std::byte>>>);
    STATIC_REQUIRE(typq::decodable<std::optional<std::span<const std::byte>>>);
    STATIC_REQUIRE(typq::encodable<std::nullopt_t>);

    // Encode-only types stay encode-only inside an optional.
    STATIC_REQUIRE(typq::encodable<std::optional<const char*>>);
    STATIC_REQUIRE(!typq::decodable<std::optional<const char*>>);
    STATIC_REQUIRE(!typq::decodable<std::nullopt_t>);
    // No adapter for T, none for std::optional<T>.
    STATIC_REQUIRE(!typq::encodable<std::optional<unsigned>>);
    STATIC_REQUIRE(!typq::decodable<std::optional<unsigned>>);
    STATIC_REQUIRE(!typq::encodable<std::optional<signed char>>);
    STATIC_REQUIRE(!typq::decodable<std::optional<long double>>);

    STATIC_REQUIRE(typq::type<std::optional<std::int32_t>>::param_oid == typq::oid::int4);
    STATIC_REQUIRE(typq::type<std::optional<std::string>>::param_oid == typq::oid::unspecified);
    STATIC_REQUIRE(typq::type<std::optional<std::string>>::param_format == typq::format::text);
    STATIC_REQUIRE(typq::type<std::optional<std::string_view>>::borrows);
    STATIC_REQUIRE(!typq::type<std::optional<std::string>>::borrows);
}

TEMPLATE_TEST_CASE("std::optional parameters are NULL when empty and the value otherwise", "[types][optional]", bool,
    std::int16_t, std::int32_t, std::int64_t, float, double, std::string, bytes)
{
    using T = TestType;
    auto conn = typq_test::connect();
    const std::string sql = sql_name<T>();
    CAPTURE(sql);

    SECTION("std::nullopt is NULL")
    {
        const std::optional<T> none;
        CHECK(conn.query_value<bool>(typq::runtime("SELECT $1::" + sql + " IS NULL"), none));
    }
    SECTION("a value is that value")
    {
        const std::optional<T> some = sample<T>();
        CHECK_FALSE(conn.query_value<bool>(typq::runtime("SELECT $1::" + sql + " IS NULL"), some));
        CHECK(conn.query_value<bool>(typq::runtime("SELECT $1::" + sql + " = $2::" + sql), some, sample<T>()));
        CHECK(conn.query_value<T>(typq::runtime("SELECT $1::" + sql), some) == sample<T>());
        CHECK(typq_test::encode(some) == typq_test::encode(sample<T>()));
    }
    SECTION("into a table column and back")
    {
        conn.execute(typq::runtime("CREATE TEMP TABLE t (k int4, v " + sql + ")"));
        CHECK(conn.execute("INSERT INTO t VALUES (1, $1), (2, $2)", std::optional<T>(), std::optional<T>(sample<T>()))
            == 2);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t WHERE v IS NULL") == 1);
        CHECK(conn.query_value<std::optional<T>>("SELECT v FROM t WHERE k = 1") == std::nullopt);
        CHECK(conn.query_value<std::optional<T>>("SELECT v FROM t WHERE k = 2") == sample<T>());
    }
}

TEMPLATE_TEST_CASE("NULL columns read as std::nullopt, and values as the value", "[types][optional]", bool,
    std::int16_t, std::int32_t, std::int64_t, float, double, std::string, bytes)
{
    using T = TestType;
    auto conn = typq_test::connect();
    const std::string sql = sql_name<T>();
    CAPTURE(sql);

    const auto none = conn.query_value<std::optional<T>>(typq::runtime("SELECT NULL::" + sql));
    CHECK_FALSE(none.has_value());
    const auto some = conn.query_value<std::optional<T>>(typq::runtime("SELECT $1::" + sql), sample<T>());
    REQUIRE(some.has_value());
    CHECK(*some == sample<T>());
    CHECK(conn.query_value<std::optional<T>>("SELECT $1", std::optional<T>()) == std::nullopt);
    CHECK(conn.query_value<std::optional<T>>("SELECT $1", std::optional<T>(sample<T>())) == sample<T>());
}

TEMPLATE_TEST_CASE("a NULL column into a type that is not a std::optional is an error naming the column",
    "[types][optional]", bool, std::int16_t, std::int32_t, std::int64_t, float, double, std::string, bytes)
{
    using T = TestType;
    auto conn = typq_test::connect();
    const std::string select = "SELECT NULL::" + sql_name<T>() + " AS missing";
    CAPTURE(select);

    REQUIRE_THROWS_AS((void)conn.query_value<T>(typq::runtime(select)), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<T>(typq::runtime(select)),
        Contains("column \"missing\" (" + sql_name<T>() + ")") && Contains("NULL") && Contains("std::optional"));
    try {
        (void)conn.query_value<T>(typq::runtime(select));
        FAIL("no conversion_error");
    }
    catch (const typq::conversion_error& e) {
        CHECK(e.column() == "missing");
        CHECK(e.sql_type() == sql_name<T>());
    }
}

TEST_CASE("std::nullopt is a NULL whose type the server infers", "[types][optional]")
{
    auto conn = typq_test::connect();

    SECTION("from a cast")
    {
        CHECK(conn.query_value<bool>("SELECT $1::int4 IS NULL", std::nullopt));
        CHECK(conn.query_value<bool>("SELECT $1::text IS NULL", std::nullopt));
        CHECK(conn.query_value<bool>("SELECT $1::bytea IS NULL", std::nullopt));
        CHECK(conn.query_value<std::optional<std::int32_t>>("SELECT $1::int4", std::nullopt) == std::nullopt);
    }
    SECTION("from the expression around it")
    {
        CHECK(conn.query_value<std::int32_t>("SELECT coalesce($1, 5)", std::nullopt) == 5);
        CHECK(conn.query_value<std::string>("SELECT pg_typeof(coalesce($1, 5))::text", std::nullopt)
            == conn.query_value<std::string>("SELECT pg_typeof(5)::text"));
    }
    SECTION("from the column it is inserted into")
    {
        conn.execute("CREATE TEMP TABLE t (d date, n int4, b bytea, j json)");
        CHECK(conn.execute(
                  "INSERT INTO t VALUES ($1, $2, $3, $4)", std::nullopt, std::nullopt, std::nullopt, std::nullopt)
            == 1);
        CHECK(conn.query_value<std::int64_t>(
                  "SELECT count(*) FROM t WHERE d IS NULL AND n IS NULL AND b IS NULL AND j IS NULL")
            == 1);
    }
    SECTION("alongside values")
    {
        CHECK(conn.query_value<std::string>("SELECT concat_ws(',', $1::text, $2::text, $3::text)", "a", std::nullopt,
                  std::string("c"))
            == "a,c");
    }
}

TEST_CASE("an empty std::optional parameter keeps its type's OID", "[types][optional]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::optional<std::int64_t>())
        == conn.query_value<std::string>("SELECT pg_typeof(1::int8)::text"));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::optional<bool>())
        == conn.query_value<std::string>("SELECT pg_typeof(true)::text"));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::optional<bytes>())
        == conn.query_value<std::string>("SELECT pg_typeof(''::bytea)::text"));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::optional<double>())
        == conn.query_value<std::string>("SELECT pg_typeof(1::float8)::text"));
}

TEST_CASE("a std::optional string is checked for NUL bytes like a string", "[types][optional]")
{
    auto conn = typq_test::connect();
    const std::optional<std::string> with_nul = std::string("a\0b", 3);
    REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1", with_nul), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::string>("SELECT $1", with_nul),
        Contains("NUL") && Contains("$1") && Contains("std::optional<std::string>"));
    CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
}

TEST_CASE("NULL in rows: optional fields take it, other fields refuse it", "[types][optional]")
{
    auto conn = typq_test::connect();

    SECTION("struct fields by name")
    {
        const auto none = conn.query_one<person>("SELECT 1 AS id, NULL::text AS email, NULL::int8 AS score");
        CHECK(none.id == 1);
        CHECK(none.email == std::nullopt);
        CHECK(none.score == std::nullopt);
        const auto some = conn.query_one<person>("SELECT 2 AS id, 'a@b'::text AS email, 7::int8 AS score");
        CHECK(some.email == "a@b");
        CHECK(some.score == 7);
    }
    SECTION("widening still applies inside std::optional")
    {
        const auto p = conn.query_one<person>("SELECT 1 AS id, NULL::varchar AS email, 7::int2 AS score");
        CHECK(p.email == std::nullopt);
        CHECK(p.score == 7);
    }
    SECTION("a NULL into a struct field that is not optional names the column and the field")
    {
        REQUIRE_THROWS_AS(
            (void)conn.query_one<strict_person>("SELECT 1 AS id, NULL::text AS email"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<strict_person>("SELECT 1 AS id, NULL::text AS email"),
            Contains("column \"email\" (text)") && Contains("NULL") && Contains("field \"email\"")
                && Contains("std::string") && Contains("std::optional"));
    }
    SECTION("a NULL in a later row fails that row, not the ones before")
    {
        const auto rows = conn.query<std::int32_t>("SELECT v FROM (VALUES (1, 1), (2, NULL)) AS s(k, v) ORDER BY k");
        REQUIRE(rows.size() == 2);
        CHECK(rows[0] == 1);
        REQUIRE_THROWS_AS((void)rows[1], typq::conversion_error);
        REQUIRE_THROWS_WITH((void)rows[1], Contains("column \"v\" (int4)") && Contains("NULL at row 1"));
    }
    SECTION("a NULL in a column without a name names it by position")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 1 + NULL::int4"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>("SELECT 1 + NULL::int4"),
            Contains("column 1 (int4)") && Contains("NULL") && Contains("std::int32_t"));
    }
    SECTION("tuple elements")
    {
        using loose_tuple = std::tuple<std::optional<std::int32_t>, std::string>;
        const auto row = conn.query_one<loose_tuple>("SELECT NULL::int4, 'x'");
        CHECK(std::get<0>(row) == std::nullopt);
        CHECK(std::get<1>(row) == "x");
        using strict_tuple = std::tuple<std::int32_t, std::string>;
        REQUIRE_THROWS_AS(
            (void)conn.query_one<strict_tuple>("SELECT NULL::int4 AS a, 'x' AS b"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<strict_tuple>("SELECT NULL::int4 AS a, 'x' AS b"),
            Contains("column \"a\" (int4)") && Contains("NULL"));
    }
}

TEST_CASE("optional views read NULL as std::nullopt while the result lives", "[types][optional]")
{
    auto conn = typq_test::connect();
    std::vector<std::optional<std::string>> texts;
    for (const auto& s : conn.query<std::optional<std::string_view>>(
             "SELECT v FROM (VALUES (1, 'a'), (2, NULL), (3, '')) AS s(k, v) ORDER BY k"))
        texts.push_back(s ? std::optional<std::string>(*s) : std::nullopt);
    CHECK(texts == std::vector<std::optional<std::string>>{"a", std::nullopt, ""});

    std::vector<std::optional<bytes>> blobs;
    for (const auto& b : conn.query<std::optional<std::span<const std::byte>>>(
             "SELECT v FROM (VALUES (1, '\\x01'::bytea), (2, NULL), (3, ''::bytea)) AS s(k, v) ORDER BY k"))
        blobs.push_back(b ? std::optional<bytes>(bytes(b->begin(), b->end())) : std::nullopt);
    CHECK(blobs == std::vector<std::optional<bytes>>{"01"_hex, std::nullopt, bytes{}});
}

}  // namespace types_optional_test
