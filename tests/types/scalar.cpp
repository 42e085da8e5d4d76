// SPDX-License-Identifier: BSL-1.0
// tests/types/scalar.cpp: include/typq/types/scalar.hpp: bool, the signed integers and the
// floating-point types, against the server's boolsend/int*send/float*send bytes and its text.

#include "typq_test.hpp"

#include <bit>          // std::bit_cast: comparing floating-point values bit for bit
#include <charconv>     // std::to_chars: the shortest text that reads back as the same value
#include <cmath>        // std::isnan, std::signbit
#include <cstddef>      // std::byte
#include <cstdint>      // the fixed-width integers
#include <limits>       // edge values
#include <span>         // std::span in the negative concept checks
#include <string>       // SQL built per type, server text
#include <system_error> // std::errc
#include <vector>       // byte vectors

namespace types_scalar_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;

// The SQL type name of T's adapter ("int4"), for statements built per type.
template <class T>
std::string sql_name()
{
    return std::string(typq::type<T>::sql_type);
}

// The shortest decimal text that reads back as exactly `v` ("5e-324", "-0", "nan", "inf"); the
// server parses it, so that its value is the server's own and not typq's encoding of `v`.
template <class T>
std::string text_of(T v)
{
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    REQUIRE(ec == std::errc{});
    return std::string(buffer, end);
}

// Same value, bit for bit (so -0.0 differs from 0.0); any NaN equals any NaN.
template <class F>
bool same_float(F a, F b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    using carrier = std::conditional_t<sizeof(F) == 4, std::uint32_t, std::uint64_t>;
    return std::bit_cast<carrier>(a) == std::bit_cast<carrier>(b);
}

struct narrow_int4 {
    std::int32_t n;
};
struct narrow_int2 {
    std::int16_t n;
};
struct narrow_float {
    float x;
};

// --- concepts ------------------------------------------------------------------------------------

TEST_CASE("every scalar adapter can encode and decode", "[types][concepts]")
{
    STATIC_REQUIRE(typq::encodable<bool>);
    STATIC_REQUIRE(typq::decodable<bool>);
    STATIC_REQUIRE(typq::encodable<std::int16_t>);
    STATIC_REQUIRE(typq::decodable<std::int16_t>);
    STATIC_REQUIRE(typq::encodable<std::int32_t>);
    STATIC_REQUIRE(typq::decodable<std::int32_t>);
    STATIC_REQUIRE(typq::encodable<std::int64_t>);
    STATIC_REQUIRE(typq::decodable<std::int64_t>);
    STATIC_REQUIRE(typq::encodable<short>);
    STATIC_REQUIRE(typq::decodable<short>);
    STATIC_REQUIRE(typq::encodable<int>);
    STATIC_REQUIRE(typq::decodable<int>);
    STATIC_REQUIRE(typq::encodable<long>);
    STATIC_REQUIRE(typq::decodable<long>);
    STATIC_REQUIRE(typq::encodable<long long>);
    STATIC_REQUIRE(typq::decodable<long long>);
    STATIC_REQUIRE(typq::encodable<float>);
    STATIC_REQUIRE(typq::decodable<float>);
    STATIC_REQUIRE(typq::encodable<double>);
    STATIC_REQUIRE(typq::decodable<double>);
}

TEST_CASE("types without a scalar adapter are neither encodable nor decodable", "[types][concepts]")
{
    // Unsigned integers have no PostgreSQL type of their width and sign.
    STATIC_REQUIRE(!typq::encodable<unsigned>);
    STATIC_REQUIRE(!typq::decodable<unsigned>);
    STATIC_REQUIRE(!typq::encodable<unsigned short>);
    STATIC_REQUIRE(!typq::decodable<unsigned short>);
    STATIC_REQUIRE(!typq::encodable<std::uint64_t>);
    STATIC_REQUIRE(!typq::decodable<std::uint64_t>);
    STATIC_REQUIRE(!typq::encodable<unsigned long long>);
    // char is PostgreSQL's one-byte "char" (types/misc.hpp), not a number; other one-byte
    // integers have no PostgreSQL type.
    STATIC_REQUIRE(!typq::encodable<signed char>);
    STATIC_REQUIRE(!typq::encodable<std::int8_t>);
    STATIC_REQUIRE(!typq::decodable<std::int8_t>);
    STATIC_REQUIRE(!typq::encodable<unsigned char>);
    STATIC_REQUIRE(!typq::encodable<wchar_t>);
    STATIC_REQUIRE(!typq::encodable<char8_t>);
    STATIC_REQUIRE(!typq::encodable<char16_t>);
    STATIC_REQUIRE(!typq::encodable<char32_t>);
    STATIC_REQUIRE(!typq::encodable<long double>);
    STATIC_REQUIRE(!typq::decodable<long double>);
    STATIC_REQUIRE(!typq::encodable<std::byte>);
    STATIC_REQUIRE(!typq::decodable<std::byte>);
    STATIC_REQUIRE(!typq::encodable<int*>);
    STATIC_REQUIRE(!typq::encodable<std::vector<unsigned>>);
    STATIC_REQUIRE(!typq::decodable<std::vector<unsigned>>);
}

TEST_CASE("scalar parameters carry the OID of their SQL type", "[types][oid]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", true)
        == conn.query_value<std::string>("SELECT pg_typeof(true)::text"));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::int16_t{1})
        == conn.query_value<std::string>("SELECT pg_typeof(1::int2)::text"));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::int32_t{1})
        == conn.query_value<std::string>("SELECT pg_typeof(1::int4)::text"));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::int64_t{1})
        == conn.query_value<std::string>("SELECT pg_typeof(1::int8)::text"));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", 1LL)
        == conn.query_value<std::string>("SELECT pg_typeof(1::int8)::text"));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", 1.0F)
        == conn.query_value<std::string>("SELECT pg_typeof(1::float4)::text"));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", 1.0)
        == conn.query_value<std::string>("SELECT pg_typeof(1::float8)::text"));
}

// --- bool ------------------------------------------------------------------------------------------

TEST_CASE("bool round-trips through the server", "[types][bool]")
{
    auto conn = typq_test::connect();
    const bool v = GENERATE(false, true);
    const std::string text = v ? "true" : "false";
    CAPTURE(v);

    SECTION("decodes what the server sends")
    {
        CHECK(conn.query_value<bool>("SELECT $1::bool", text) == v);
    }
    SECTION("encodes the bytes the server's boolsend produces")
    {
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT boolsend($1::bool)", text));
    }
    SECTION("the server reads the parameter as the same value")
    {
        CHECK(conn.query_value<std::string>("SELECT $1::text", v) == text);
        CHECK(conn.query_value<bool>("SELECT $1 = $2::bool", v, text));
    }
    SECTION("comes back as it went")
    {
        CHECK(conn.query_value<bool>("SELECT $1", v) == v);
    }
}

TEST_CASE("the bool decoder refuses bytes boolsend never produces", "[types][bool]")
{
    SECTION("a byte other than 0 or 1")
    {
        REQUIRE_THROWS_AS(typq_test::decode<bool>("02"_hex, typq::oid::boolean), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<bool>("02"_hex, typq::oid::boolean),
            Contains("bool") && Contains("2") && Contains("expected 0 or 1"));
        REQUIRE_THROWS_AS(typq_test::decode<bool>("ff"_hex, typq::oid::boolean), typq::conversion_error);
    }
    SECTION("zero bytes")
    {
        REQUIRE_THROWS_AS(typq_test::decode<bool>(""_hex, typq::oid::boolean), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<bool>(""_hex, typq::oid::boolean),
            Contains("0 bytes") && Contains("expected 1"));
    }
    SECTION("two bytes")
    {
        REQUIRE_THROWS_AS(typq_test::decode<bool>("00 01"_hex, typq::oid::boolean), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<bool>("00 01"_hex, typq::oid::boolean),
            Contains("2 bytes") && Contains("expected 1"));
    }
    SECTION("0 and 1 decode")
    {
        CHECK(typq_test::decode<bool>("00"_hex, typq::oid::boolean) == false);
        CHECK(typq_test::decode<bool>("01"_hex, typq::oid::boolean) == true);
    }
}

TEST_CASE("a non-bool column is refused for a bool", "[types][bool]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_AS((void)conn.query_value<bool>("SELECT 1 AS flag"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<bool>("SELECT 1 AS flag"),
        Contains("\"flag\"") && Contains("int4") && Contains("bool"));
}

// --- integers --------------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("integers round-trip through the server at their limits", "[types][integer]", std::int16_t,
    std::int32_t, std::int64_t, long long)
{
    using T = TestType;
    using limits = std::numeric_limits<T>;
    auto conn = typq_test::connect();
    const T v = GENERATE(values<T>({limits::min(), T{-1}, T{0}, T{1}, limits::max()}));
    const std::string sql = sql_name<T>();
    CAPTURE(sql, v);

    SECTION("decodes the value the server parsed from text")
    {
        CHECK(conn.query_value<T>(typq::runtime("SELECT $1::" + sql), std::to_string(v)) == v);
    }
    SECTION("encodes the bytes the server's send function produces")
    {
        CHECK(typq_test::encode(v)
            == conn.query_value<bytes>(typq::runtime("SELECT " + sql + "send($1::" + sql + ")"), std::to_string(v)));
    }
    SECTION("the server reads the parameter as the same value")
    {
        CHECK(conn.query_value<std::string>(typq::runtime("SELECT $1::" + sql + "::text"), v) == std::to_string(v));
        CHECK(conn.query_value<std::string>("SELECT $1::int8::text", v) == std::to_string(v));
    }
    SECTION("comes back as it went")
    {
        CHECK(conn.query_value<T>("SELECT $1", v) == v);
    }
}

TEST_CASE("narrower integer columns widen into wider integers", "[types][integer]")
{
    auto conn = typq_test::connect();

    SECTION("int2 into std::int32_t and std::int64_t")
    {
        const auto v = GENERATE(values<std::int16_t>({INT16_MIN, -1, 0, 1, INT16_MAX}));
        CAPTURE(v);
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int2", std::to_string(v)) == v);
        CHECK(conn.query_value<std::int64_t>("SELECT $1::int2", std::to_string(v)) == v);
        CHECK(conn.query_value<long long>("SELECT $1::int2", std::to_string(v)) == v);
    }
    SECTION("int4 into std::int64_t")
    {
        const auto v = GENERATE(values<std::int32_t>({INT32_MIN, -1, 0, 1, INT32_MAX}));
        CAPTURE(v);
        CHECK(conn.query_value<std::int64_t>("SELECT $1::int4", std::to_string(v)) == v);
        CHECK(conn.query_value<long long>("SELECT $1::int4", std::to_string(v)) == v);
    }
    SECTION("oid into std::int64_t, up to the largest oid")
    {
        const auto text = GENERATE(as<std::string>{}, "0", "1", "2147483648", "4294967295");
        CAPTURE(text);
        auto rows = conn.query<std::int64_t>("SELECT $1::oid", text);
        REQUIRE(PQftype(rows.native_handle(), 0) == static_cast<Oid>(typq::oid::oid));
        CHECK(std::to_string(rows[0]) == conn.query_value<std::string>("SELECT $1::oid::text", text));
    }
}

TEST_CASE("narrowing integer columns are refused when the result is checked", "[types][integer]")
{
    auto conn = typq_test::connect();

    SECTION("an int8 column into std::int32_t, even with no rows to decode")
    {
        REQUIRE_THROWS_AS((void)conn.query<narrow_int4>("SELECT 1::int8 AS n WHERE false"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query<narrow_int4>("SELECT 1::int8 AS n WHERE false"),
            Contains("column \"n\" (int8)") && Contains("std::int32_t"));
        try {
            (void)conn.query<narrow_int4>("SELECT 1::int8 AS n WHERE false");
            FAIL("no conversion_error");
        }
        catch (const typq::conversion_error& e) {
            CHECK(e.column() == "n");
            CHECK(e.sql_type() == "int8");
            CHECK(e.field() == "n");
            CHECK(e.cpp_type() == "std::int32_t");
        }
    }
    SECTION("an int8 column into a scalar std::int32_t")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 1::int8 AS n"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>("SELECT 1::int8 AS n"),
            Contains("column \"n\" (int8)") && Contains("std::int32_t"));
    }
    SECTION("an int4 column into std::int16_t")
    {
        REQUIRE_THROWS_AS((void)conn.query<narrow_int2>("SELECT 1::int4 AS n"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query<narrow_int2>("SELECT 1::int4 AS n"),
            Contains("column \"n\" (int4)") && Contains("std::int16_t"));
    }
    SECTION("an int8 column into std::int16_t")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int16_t>("SELECT 1::int8 AS n"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int16_t>("SELECT 1::int8 AS n"),
            Contains("column \"n\" (int8)") && Contains("std::int16_t"));
    }
    SECTION("an oid column into std::int32_t (oid is unsigned 32-bit)")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 1::oid AS n"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>("SELECT 1::oid AS n"),
            Contains("column \"n\" (oid)") && Contains("std::int32_t"));
    }
    SECTION("a float8 or numeric column into std::int64_t")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int64_t>("SELECT 1::float8 AS n"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int64_t>("SELECT 1::float8 AS n"),
            Contains("column \"n\" (float8)") && Contains("std::int64_t"));
        REQUIRE_THROWS_AS((void)conn.query_value<std::int64_t>("SELECT 1::numeric AS n"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int64_t>("SELECT 1::numeric AS n"),
            Contains("column \"n\" (numeric)") && Contains("std::int64_t"));
    }
    SECTION("the connection still works")
    {
        CHECK_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 1::int8"), typq::conversion_error);
        CHECK(conn.query_value<std::int64_t>("SELECT 1::int8") == 1);
    }
}

TEMPLATE_TEST_CASE("integer decoders refuse truncated and oversized bytes", "[types][integer]", std::int16_t,
    std::int32_t, std::int64_t, long long)
{
    using T = TestType;
    const typq::oid column = typq::type<T>::param_oid;
    const bytes good = typq_test::encode(T{1});
    REQUIRE(good.size() == sizeof(T));
    CHECK(typq_test::decode<T>(good, column) == 1);

    SECTION("no bytes")
    {
        REQUIRE_THROWS_AS(typq_test::decode<T>(bytes{}, column), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<T>(bytes{}, column),
            Contains("0 bytes") && Contains("expected " + std::to_string(sizeof(T))));
    }
    SECTION("one byte short")
    {
        const bytes shorter(good.begin(), good.end() - 1);
        REQUIRE_THROWS_AS(typq_test::decode<T>(shorter, column), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<T>(shorter, column),
            Contains(std::to_string(sizeof(T) - 1) + " bytes") && Contains("expected " + std::to_string(sizeof(T))));
    }
    SECTION("one byte too many")
    {
        bytes longer = good;
        longer.push_back(std::byte{0});
        REQUIRE_THROWS_AS(typq_test::decode<T>(longer, column), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<T>(longer, column),
            Contains(std::to_string(sizeof(T) + 1) + " bytes") && Contains("expected " + std::to_string(sizeof(T))));
    }
    SECTION("a column that is not an integer")
    {
        REQUIRE_THROWS_AS(typq_test::decode<T>(good, typq::oid::text), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<T>(good, typq::oid::text), Contains("not an integer column"));
    }
}

TEST_CASE("integer decoders refuse values out of their range rather than truncate", "[types][integer]")
{
    auto conn = typq_test::connect();
    // The bytes the server sends for values one past the narrower type's limits.
    const bytes int4_above = conn.query_value<bytes>("SELECT int4send(32768)");
    const bytes int4_below = conn.query_value<bytes>("SELECT int4send(-32769)");
    const bytes int8_above = conn.query_value<bytes>("SELECT int8send(2147483648)");
    const bytes oid_max = conn.query_value<bytes>("SELECT oidsend(4294967295)");

    REQUIRE_THROWS_AS(typq_test::decode<std::int16_t>(int4_above, typq::oid::int4), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<std::int16_t>(int4_above, typq::oid::int4),
        Contains("32768") && Contains("out of range"));
    REQUIRE_THROWS_AS(typq_test::decode<std::int16_t>(int4_below, typq::oid::int4), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<std::int16_t>(int4_below, typq::oid::int4),
        Contains("-32769") && Contains("out of range"));
    REQUIRE_THROWS_AS(typq_test::decode<std::int32_t>(int8_above, typq::oid::int8), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<std::int32_t>(int8_above, typq::oid::int8),
        Contains("2147483648") && Contains("out of range"));
    REQUIRE_THROWS_AS(typq_test::decode<std::int32_t>(oid_max, typq::oid::oid), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<std::int32_t>(oid_max, typq::oid::oid),
        Contains("4294967295") && Contains("out of range"));
    CHECK(std::to_string(typq_test::decode<std::int64_t>(oid_max, typq::oid::oid))
        == conn.query_value<std::string>("SELECT 4294967295::oid::text"));
}

// --- floating point --------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("floating-point values round-trip through the server at their edges", "[types][float]", float,
    double)
{
    using T = TestType;
    using limits = std::numeric_limits<T>;
    auto conn = typq_test::connect();
    const T v = GENERATE(values<T>({T{0}, -T{0}, limits::denorm_min(), limits::min(), limits::lowest(),
        limits::max(), limits::epsilon(), T{1} / T{3}, static_cast<T>(-0.1), limits::quiet_NaN(), limits::infinity(),
        -limits::infinity()}));
    const std::string sql = sql_name<T>();
    const std::string text = text_of(v);
    CAPTURE(sql, text);

    SECTION("decodes the value the server parsed from text")
    {
        const T got = conn.query_value<T>(typq::runtime("SELECT $1::" + sql), text);
        CAPTURE(text_of(got));
        CHECK(same_float(got, v));
        CHECK(std::signbit(got) == std::signbit(v));
    }
    SECTION("encodes the bytes the server's send function produces")
    {
        CHECK(typq_test::encode(v)
            == conn.query_value<bytes>(typq::runtime("SELECT " + sql + "send($1::" + sql + ")"), text));
    }
    SECTION("the server reads the parameter as the same value, and prints it the same")
    {
        CHECK(conn.query_value<std::string>(typq::runtime("SELECT $1::" + sql + "::text"), v)
            == conn.query_value<std::string>(typq::runtime("SELECT $1::" + sql + "::text"), text));
    }
    SECTION("comes back as it went")
    {
        const T got = conn.query_value<T>("SELECT $1", v);
        CAPTURE(text_of(got));
        CHECK(same_float(got, v));
    }
}

TEST_CASE("special floating-point values read as the server spells them", "[types][float]")
{
    auto conn = typq_test::connect();
    const auto [v, spelled] = GENERATE(table<double, std::string>({
        {-0.0, "-0"},
        {std::numeric_limits<double>::quiet_NaN(), "NaN"},
        {std::numeric_limits<double>::infinity(), "Infinity"},
        {-std::numeric_limits<double>::infinity(), "-Infinity"},
    }));
    CAPTURE(spelled);

    CHECK(conn.query_value<std::string>("SELECT $1::float8::text", v) == spelled);
    CHECK(conn.query_value<std::string>("SELECT $1::float4::text", static_cast<float>(v)) == spelled);
    CHECK(same_float(conn.query_value<double>("SELECT $1::float8", spelled), v));
    CHECK(same_float(conn.query_value<float>("SELECT $1::float4", spelled), static_cast<float>(v)));
    // PostgreSQL orders NaN equal to NaN, so the value sent in binary equals the one parsed from text.
    CHECK(conn.query_value<bool>("SELECT $1 = $2::float8", v, spelled));
}

TEST_CASE("a float4 column widens into double exactly", "[types][float]")
{
    auto conn = typq_test::connect();
    using limits = std::numeric_limits<float>;
    const float v = GENERATE(values<float>({0.0F, -0.0F, limits::denorm_min(), limits::min(), limits::lowest(),
        limits::max(), limits::epsilon(), 1.0F / 3.0F, -0.1F, limits::quiet_NaN(), limits::infinity(),
        -limits::infinity()}));
    CAPTURE(text_of(v));

    const double got = conn.query_value<double>("SELECT $1::float4", text_of(v));
    CAPTURE(text_of(got));
    CHECK(same_float(got, static_cast<double>(v)));
    CHECK(same_float(got, conn.query_value<double>("SELECT $1::float4::float8", text_of(v))));
}

TEST_CASE("floating-point columns refuse what would not fit exactly", "[types][float]")
{
    auto conn = typq_test::connect();

    SECTION("a float8 column into float")
    {
        REQUIRE_THROWS_AS((void)conn.query<narrow_float>("SELECT 1::float8 AS x"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query<narrow_float>("SELECT 1::float8 AS x"),
            Contains("column \"x\" (float8)") && Contains("float"));
        REQUIRE_THROWS_AS((void)conn.query_value<float>("SELECT 1::float8 AS x"), typq::conversion_error);
    }
    SECTION("an integer or numeric column into double")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<double>("SELECT 1::int4 AS x"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<double>("SELECT 1::int4 AS x"),
            Contains("column \"x\" (int4)") && Contains("double"));
        REQUIRE_THROWS_AS((void)conn.query_value<double>("SELECT 1::numeric AS x"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<double>("SELECT 1::numeric AS x"),
            Contains("column \"x\" (numeric)") && Contains("double"));
    }
}

TEST_CASE("floating-point decoders refuse truncated and oversized bytes", "[types][float]")
{
    auto conn = typq_test::connect();
    const bytes f4 = conn.query_value<bytes>("SELECT float4send(1.5)");
    const bytes f8 = conn.query_value<bytes>("SELECT float8send(1.5)");
    REQUIRE(typq_test::decode<float>(f4, typq::oid::float4) == 1.5F);
    REQUIRE(typq_test::decode<double>(f8, typq::oid::float8) == 1.5);
    REQUIRE(typq_test::decode<double>(f4, typq::oid::float4) == 1.5);

    SECTION("float from 0, 3 and 5 bytes")
    {
        for (const bytes& bad : {bytes{}, bytes(f4.begin(), f4.end() - 1), f8}) {
            CAPTURE(bad);
            REQUIRE_THROWS_AS(typq_test::decode<float>(bad, typq::oid::float4), typq::conversion_error);
            REQUIRE_THROWS_WITH(typq_test::decode<float>(bad, typq::oid::float4), Contains("expected 4"));
        }
        bytes five = f4;
        five.push_back(std::byte{0});
        REQUIRE_THROWS_WITH(typq_test::decode<float>(five, typq::oid::float4), Contains("5 bytes, expected 4"));
    }
    SECTION("double from a float8 column of 0, 7 and 9 bytes")
    {
        bytes nine = f8;
        nine.push_back(std::byte{0});
        for (const bytes& bad : {bytes{}, bytes(f8.begin(), f8.end() - 1), nine, f4}) {
            CAPTURE(bad);
            REQUIRE_THROWS_AS(typq_test::decode<double>(bad, typq::oid::float8), typq::conversion_error);
            REQUIRE_THROWS_WITH(typq_test::decode<double>(bad, typq::oid::float8), Contains("expected 8"));
        }
    }
    SECTION("double from a float4 column of 8 bytes")
    {
        REQUIRE_THROWS_AS(typq_test::decode<double>(f8, typq::oid::float4), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<double>(f8, typq::oid::float4), Contains("8 bytes, expected 4"));
    }
}

}  // namespace types_scalar_test
