// SPDX-License-Identifier: BSL-1.0
// tests/types/numeric.cpp: include/typq/types/numeric.hpp: typq::numeric against the server's
// numeric_in (parse), numeric_out (text), numeric_send / numeric_recv (bytes), its comparisons
// and its casts to and from integers and float8.

#include "typq_test.hpp"

#include <typq/types/numeric.hpp>

#include <cmath>        // std::isnan
#include <compare>      // std::is_eq
#include <cstddef>      // std::byte, std::size_t
#include <cstdint>      // the fixed-width integers
#include <limits>       // edge values
#include <optional>     // NULL both ways
#include <string>       // literals and server text
#include <string_view>  // literals
#include <type_traits>  // constructibility checks
#include <vector>       // byte vectors, value sets

namespace types_numeric_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;
using typq::numeric;

// Raw bytes sent as a numeric parameter, so that the server's numeric_recv judges them.
struct raw_numeric {
    bytes value;
};

struct ordered {
    std::int32_t id;
    numeric v;
};

struct priced_item {
    std::string name;
    numeric price;
    std::optional<numeric> discount;
};

// `count` digits cycling through 1..9 then 0: no long runs, and every base-10000 group differs.
std::string digit_run(std::size_t count)
{
    std::string text;
    text.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        text += static_cast<char>('0' + (i + 1) % 10);
    return text;
}

// A short description of a possibly huge literal, for CAPTURE.
std::string describe(const std::string& literal)
{
    if (literal.size() <= 80)
        return '"' + literal + '"';
    return '"' + literal.substr(0, 40) + "...\" (" + std::to_string(literal.size()) + " characters)";
}

// Asks the server to parse `literal` and checks that typq agrees on every count: the text, the
// numeric_send bytes, decoding the server's value, and the server's reading of typq's encoding.
void check_agrees_with_server(typq::connection& conn, const std::string& literal)
{
    const numeric parsed = numeric::parse(literal);
    const auto server_text = conn.query_value<std::string>("SELECT $1::numeric::text", literal);
    CHECK(parsed.to_string() == server_text);
    CHECK(typq_test::encode(parsed) == conn.query_value<bytes>("SELECT numeric_send($1::numeric)", literal));

    const auto decoded = conn.query_value<numeric>("SELECT $1::numeric", literal);
    CHECK(decoded.to_string() == server_text);
    CHECK(decoded.scale() == parsed.scale());
    CHECK(decoded == parsed);

    CHECK(conn.query_value<std::string>("SELECT $1::text", parsed) == server_text);
    CHECK(conn.query_value<bool>("SELECT $1 = $2::numeric", parsed, literal));
}

}  // namespace types_numeric_test

template <>
struct typq::type<types_numeric_test::raw_numeric> {
    static constexpr std::string_view sql_type = "numeric";
    static constexpr oid param_oid = oid::numeric;
    static void encode(const types_numeric_test::raw_numeric& v, writer& out)
    {
        out.put_bytes(v.value.data(), v.value.size());
    }
};

namespace types_numeric_test {

// --- concepts ----------------------------------------------------------------------------------

TEST_CASE("numeric can be sent and read, also as an optional", "[types][numeric]")
{
    STATIC_REQUIRE(typq::encodable<numeric>);
    STATIC_REQUIRE(typq::decodable<numeric>);
    STATIC_REQUIRE(typq::encodable<std::optional<numeric>>);
    STATIC_REQUIRE(typq::decodable<std::optional<numeric>>);
    STATIC_REQUIRE(typq::type<numeric>::param_oid == typq::oid::numeric);
    STATIC_REQUIRE(typq::type<numeric>::array_oid == typq::oid::numeric_array);
    STATIC_REQUIRE(typq::type<numeric>::accepts(typq::oid::numeric));
    STATIC_REQUIRE(typq::type<numeric>::accepts(typq::oid::int8));
    STATIC_REQUIRE(!typq::type<numeric>::accepts(typq::oid::float8));
    STATIC_REQUIRE(!typq::type<numeric>::accepts(typq::oid::text));
    // Exact conversions only: integers construct, doubles go through from_double.
    STATIC_REQUIRE(std::is_constructible_v<numeric, std::int64_t>);
    STATIC_REQUIRE(std::is_constructible_v<numeric, std::uint64_t>);
    STATIC_REQUIRE(!std::is_constructible_v<numeric, double>);
    STATIC_REQUIRE(!std::is_constructible_v<numeric, bool>);
    STATIC_REQUIRE(!std::is_convertible_v<std::int64_t, numeric>);
}

// --- text and bytes ------------------------------------------------------------------------------

TEST_CASE("numeric parses, prints and encodes every literal as the server does", "[types][numeric]")
{
    auto conn = typq_test::connect();
    const std::string literal = GENERATE(as<std::string>{}, "0", "-0", "0.000", "-0.00", "1.50", "-1.50", "1e-5",
        "123456789012345678901234567890.123456789", "-123456789012345678901234567890.123456789", "9999", "10000",
        "-10000", "9999.9999", "0.0001", "0.00001", "-0.00001", "0.000000000000000000000000000001", "12.34e-7",
        "1e4", "1E+4", "1.2345e2", "1.2345e10", "000123.4500", "+.5", ".5e-3", "5.", "1.e2", " 42 ", "\t-7\n",
        "1e 5", "0e100", "9223372036854775807", "-9223372036854775808", "18446744073709551616", "1e100",
        "99999999999999999999.99999999999999999999", "NaN", "nan", " NAN ", "Infinity", "infinity", "+Infinity",
        "-Infinity", "inf", "+inf", "-INF", " -inf\t");
    CAPTURE(literal);
    check_agrees_with_server(conn, literal);
}

TEST_CASE("numeric keeps values at the server's limits of precision and scale", "[types][numeric]")
{
    auto conn = typq_test::connect();
    const std::string literal = GENERATE(
        // 1000 digits after the point, both signs
        "0." + digit_run(1000), "-0." + digit_run(1000),
        // 131072 digits before the point, with and without a fraction
        digit_run(131072), "-" + digit_run(131072) + ".25",
        // the largest scale: 16383 digits after the point, and the smallest positive value
        "0." + digit_run(16383), "0." + std::string(16382, '0') + "1", "-1." + std::string(16383, '0'),
        "0." + std::string(16383, '0'),
        // the largest magnitude the server holds
        std::string(131072, '9') + "." + std::string(16383, '9'), "1e131071", "-1e-16383");
    CAPTURE(describe(literal));
    check_agrees_with_server(conn, literal);
}

TEST_CASE("numeric keeps the display scale but compares by value", "[types][numeric]")
{
    auto conn = typq_test::connect();
    const auto a = numeric::parse("1.5");
    const auto b = numeric::parse("1.50");
    CHECK(a == b);
    CHECK(std::is_eq(a <=> b));
    CHECK(a.scale() == 1);
    CHECK(b.scale() == 2);
    CHECK(b.to_string() == "1.50");
    CHECK(conn.query_value<bool>("SELECT $1 = $2", a, b));
    CHECK(conn.query_value<std::string>("SELECT $1::text", b) == "1.50");

    CHECK(numeric::parse("0.000") == numeric());
    CHECK(numeric::parse("0.000").scale() == 3);
    CHECK(numeric::parse("-0").to_string() == "0");
    CHECK(numeric::parse("-0.0").sign() == 0);
    CHECK(numeric::parse("1e-5").scale() == 5);
    CHECK(numeric::parse("1.2345e2").scale() == 2);
    CHECK(numeric::parse("1.2345e10").scale() == 0);
}

TEST_CASE("numeric exposes the wire form's weight and base-10000 digits", "[types][numeric]")
{
    const auto value = numeric::parse("-12345.678");
    CHECK(value.weight() == 1);
    REQUIRE(value.digits().size() == 3);
    CHECK(value.digits()[0] == 1);
    CHECK(value.digits()[1] == 2345);
    CHECK(value.digits()[2] == 6780);
    CHECK(value.sign() == -1);
    CHECK(value.scale() == 3);

    const auto small = numeric::parse("0.00001");
    CHECK(small.weight() == -2);
    REQUIRE(small.digits().size() == 1);
    CHECK(small.digits()[0] == 1000);

    const auto round = numeric::parse("100000000");
    CHECK(round.weight() == 2);
    CHECK(round.digits().size() == 1);

    CHECK(numeric().digits().empty());
    CHECK(numeric().weight() == 0);
}

TEST_CASE("numeric NaN and infinities classify, print and travel", "[types][numeric]")
{
    auto conn = typq_test::connect();
    CHECK(numeric::nan().is_nan());
    CHECK(!numeric::nan().is_finite());
    CHECK(numeric::infinity().is_infinite());
    CHECK(numeric::negative_infinity().is_infinite());
    CHECK(!numeric::parse("1").is_infinite());
    CHECK(numeric::parse("1").is_finite());
    CHECK(numeric::infinity().sign() == 1);
    CHECK(numeric::negative_infinity().sign() == -1);
    CHECK(numeric::nan().sign() == 0);
    CHECK(numeric::nan() == numeric::nan());
    CHECK(numeric::parse("-inf") == numeric::negative_infinity());

    SECTION("as the server's values")
    {
        CHECK(conn.query_value<numeric>("SELECT 'NaN'::numeric").is_nan());
        CHECK(conn.query_value<numeric>("SELECT 'Infinity'::numeric") == numeric::infinity());
        CHECK(conn.query_value<numeric>("SELECT '-Infinity'::numeric") == numeric::negative_infinity());
    }
    SECTION("as parameters")
    {
        CHECK(conn.query_value<std::string>("SELECT $1::text", numeric::nan()) == "NaN");
        CHECK(conn.query_value<std::string>("SELECT $1::text", numeric::infinity()) == "Infinity");
        CHECK(conn.query_value<std::string>("SELECT $1::text", numeric::negative_infinity()) == "-Infinity");
        CHECK(conn.query_value<bool>("SELECT $1 = 'NaN'::numeric", numeric::nan()));
    }
}

// --- parse errors ------------------------------------------------------------------------------

TEST_CASE("numeric refuses text the server refuses", "[types][numeric]")
{
    auto conn = typq_test::connect();

    SECTION("malformed text is a syntax error")
    {
        const std::string literal = GENERATE(as<std::string>{}, "", " ", "abc", ".", "+", "-", "+.", "1.2.3", "1e",
            "1e+", "1e-", "1 2", "1,5", "0x10", "1_000", "NaNx", "Infinityy", "infinit", "+NaN", "-nan", "--1", "+-1",
            "1e5.5", "1ee5", "e5", "1e+ 5", "١");
        CAPTURE(literal);
        REQUIRE_THROWS_AS((void)numeric::parse(literal), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)numeric::parse(literal), Contains("invalid input syntax for type numeric"));
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::numeric::text", literal), typq::data_exception);
    }

    SECTION("values beyond the server's limits overflow")
    {
        const std::string literal = GENERATE("1" + std::string(131072, '0'), "0." + std::string(16384, '0'),
            "1e-16384", "0e-16384", "1e131072", "1e1073741823", "1e-1073741823", "1e99999999999999999999");
        CAPTURE(describe(literal));
        REQUIRE_THROWS_AS((void)numeric::parse(literal), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)numeric::parse(literal), Contains("value overflows numeric format"));
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::numeric::text", literal), typq::data_exception);
    }

    SECTION("the error names the type and not the text")
    {
        REQUIRE_THROWS_WITH((void)numeric::parse("secret-value"), !Contains("secret"));
        try {
            (void)numeric::parse("x");
            FAIL("no exception");
        }
        catch (const typq::conversion_error& e) {
            CHECK(e.sql_type() == "numeric");
        }
    }
}

// --- integers ------------------------------------------------------------------------------------

TEST_CASE("numeric holds every integer exactly, as the server's int8::numeric", "[types][numeric]")
{
    auto conn = typq_test::connect();
    const auto v = GENERATE(values<std::int64_t>({std::numeric_limits<std::int64_t>::min(), -100000000, -10000, -9999,
        -1, 0, 1, 9999, 10000, 10001, 100000000, std::numeric_limits<std::int64_t>::max()}));
    CAPTURE(v);
    const numeric n(v);
    CHECK(n.scale() == 0);
    CHECK(n.to_string() == conn.query_value<std::string>("SELECT $1::numeric::text", v));
    CHECK(typq_test::encode(n) == conn.query_value<bytes>("SELECT numeric_send($1::numeric)", v));
    CHECK(n.to<std::int64_t>() == v);
    CHECK(conn.query_value<std::int64_t>("SELECT $1::int8", n) == v);

    SECTION("and reads int2, int4 and int8 columns")
    {
        CHECK(conn.query_value<numeric>("SELECT $1::int8", v) == n);
        if (v >= std::numeric_limits<std::int32_t>::min() && v <= std::numeric_limits<std::int32_t>::max())
            CHECK(conn.query_value<numeric>("SELECT $1::int4", static_cast<std::int32_t>(v)) == n);
        if (v >= std::numeric_limits<std::int16_t>::min() && v <= std::numeric_limits<std::int16_t>::max())
            CHECK(conn.query_value<numeric>("SELECT $1::int2", static_cast<std::int16_t>(v)) == n);
    }
}

TEST_CASE("numeric holds unsigned and narrow integers exactly", "[types][numeric]")
{
    auto conn = typq_test::connect();
    const auto max64 = std::numeric_limits<std::uint64_t>::max();
    CHECK(numeric(max64).to_string() == "18446744073709551615");
    CHECK(numeric(max64) == conn.query_value<numeric>("SELECT '18446744073709551615'::numeric"));
    CHECK(numeric(max64).to<std::uint64_t>() == max64);
    CHECK(numeric(std::int8_t{-128}).to_string() == "-128");
    CHECK(numeric(std::uint16_t{65535}).to<std::uint16_t>() == 65535);
    CHECK(numeric(std::int16_t{-32768}).to<std::int16_t>() == -32768);
    CHECK(numeric(0U).is_zero());
}

TEST_CASE("numeric converts to integers only when exact and in range", "[types][numeric]")
{
    SECTION("at the limits of int64")
    {
        CHECK(numeric::parse("9223372036854775807").to<std::int64_t>() == std::numeric_limits<std::int64_t>::max());
        CHECK(numeric::parse("-9223372036854775808").to<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
        CHECK(numeric::parse("9223372036854775807.000").to<std::int64_t>() == std::numeric_limits<std::int64_t>::max());
        CHECK(numeric::parse("-9.223372036854775808e18").to<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
    }
    SECTION("beyond the limits")
    {
        const std::string literal = GENERATE(as<std::string>{}, "9223372036854775808", "-9223372036854775809",
            "18446744073709551616", "1e100", "-1e131071");
        CAPTURE(literal);
        REQUIRE_THROWS_AS((void)numeric::parse(literal).to<std::int64_t>(), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)numeric::parse(literal).to<std::int64_t>(), Contains("out of range for a 64-bit signed integer"));
        REQUIRE_THROWS_AS((void)numeric::parse(literal).truncate_to<std::int64_t>(), typq::conversion_error);
        REQUIRE_THROWS_AS((void)numeric::parse(literal).round_to<std::int64_t>(), typq::conversion_error);
    }
    SECTION("narrower and unsigned types")
    {
        CHECK(numeric::parse("2147483647").to<std::int32_t>() == 2147483647);
        REQUIRE_THROWS_WITH((void)numeric::parse("2147483648").to<std::int32_t>(), Contains("32-bit signed"));
        REQUIRE_THROWS_WITH((void)numeric::parse("-32769").to<std::int16_t>(), Contains("16-bit signed"));
        REQUIRE_THROWS_WITH((void)numeric::parse("-1").to<std::uint64_t>(), Contains("64-bit unsigned"));
        REQUIRE_THROWS_WITH((void)numeric::parse("18446744073709551616").to<std::uint64_t>(), Contains("64-bit unsigned"));
        CHECK(numeric::parse("-0.5").truncate_to<std::uint32_t>() == 0);
        REQUIRE_THROWS_AS((void)numeric::parse("-0.5").round_to<std::uint32_t>(), typq::conversion_error);
    }
    SECTION("a fraction is refused by to, and dropped by round_to and truncate_to")
    {
        REQUIRE_THROWS_AS((void)numeric::parse("1.5").to<std::int64_t>(), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)numeric::parse("1.5").to<std::int64_t>(), Contains("fractional part"));
        REQUIRE_THROWS_WITH((void)numeric::parse("0.0001").to<std::int32_t>(), Contains("fractional part"));
        REQUIRE_THROWS_WITH((void)numeric::parse("-1e-16383").to<std::int32_t>(), Contains("fractional part"));
        CHECK(numeric::parse("1.5").truncate_to<std::int64_t>() == 1);
        CHECK(numeric::parse("-1.5").truncate_to<std::int64_t>() == -1);
        CHECK(numeric::parse("7.000").to<std::int64_t>() == 7);
    }
    SECTION("NaN and infinities are no integers")
    {
        REQUIRE_THROWS_AS((void)numeric::nan().to<std::int64_t>(), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)numeric::nan().round_to<std::int64_t>(), Contains("NaN"));
        REQUIRE_THROWS_WITH((void)numeric::infinity().truncate_to<std::int64_t>(), Contains("infinity"));
        REQUIRE_THROWS_WITH((void)numeric::negative_infinity().to<std::int32_t>(), Contains("infinity"));
    }
}

TEST_CASE("numeric rounds and truncates to integers as the server's casts do", "[types][numeric]")
{
    auto conn = typq_test::connect();
    const std::string literal = GENERATE(as<std::string>{}, "0.5", "-0.5", "0.4999", "1.5", "-1.5", "2.5", "-2.5",
        "9999.5", "-9999.49999", "0.00005", "123456789.987654321", "9223372036854775807.4",
        "-9223372036854775808.4", "1e-16383");
    CAPTURE(literal);
    const auto n = numeric::parse(literal);
    CHECK(n.round_to<std::int64_t>() == conn.query_value<std::int64_t>("SELECT $1::numeric::int8", literal));
    CHECK(n.truncate_to<std::int64_t>() == conn.query_value<std::int64_t>("SELECT trunc($1::numeric)::int8", literal));
}

// --- doubles -------------------------------------------------------------------------------------

TEST_CASE("numeric from a double is its shortest exact decimal", "[types][numeric]")
{
    auto conn = typq_test::connect();

    SECTION("with at most 15 significant digits, the server's float8::numeric agrees")
    {
        const double d = GENERATE(0.1, 1.5, -2.5, 1e-5, 123.456, 1e20, 1.5e300, 0.0, -0.0, 100.0, 2e-308, 1e15);
        CAPTURE(d);
        const auto n = numeric::from_double(d);
        CHECK(n.to_string() == conn.query_value<std::string>("SELECT $1::float8::numeric::text", d));
        CHECK(n.to_double() == d);
        CHECK(conn.query_value<double>("SELECT $1::float8", n) == d);
    }
    SECTION("with 16 or 17 digits typq keeps them all, where the server rounds to 15")
    {
        const double d = GENERATE(0.1 + 0.2, 1.0 / 3.0, 5e-324, std::numeric_limits<double>::max(),
            std::numeric_limits<double>::min(), 9007199254740993.0);
        CAPTURE(d);
        const auto n = numeric::from_double(d);
        CHECK(n.to_double() == d);
        CHECK(conn.query_value<double>("SELECT $1::float8", n) == d);
        CHECK(n.to_string() != conn.query_value<std::string>("SELECT $1::float8::numeric::text", d));
    }
    SECTION("0.1 + 0.2 is 0.30000000000000004, and the server says 0.3")
    {
        CHECK(numeric::from_double(0.1 + 0.2).to_string() == "0.30000000000000004");
        CHECK(conn.query_value<std::string>("SELECT $1::float8::numeric::text", 0.1 + 0.2) == "0.3");
        CHECK(numeric::from_double(0.1).to_string() == "0.1");
    }
    SECTION("NaN and infinities map to theirs, as the server maps them")
    {
        const double d = GENERATE(std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
            -std::numeric_limits<double>::infinity());
        CAPTURE(d);
        const auto n = numeric::from_double(d);
        CHECK(n.to_string() == conn.query_value<std::string>("SELECT $1::float8::numeric::text", d));
        CHECK(!n.is_finite());
    }
}

TEST_CASE("numeric to double is the nearest double, as the server's numeric::float8", "[types][numeric]")
{
    auto conn = typq_test::connect();

    SECTION("finite values")
    {
        const std::string literal = GENERATE(as<std::string>{}, "0.1", "-0.1", "1e-5", "0.000",
            "123456789012345678901234567890.123456789", "1e308", "-1.7976931348623157e308", "2.2250738585072014e-308",
            "4.9e-324", "3e-324", "9007199254740993", "0." + digit_run(1000), digit_run(300));
        CAPTURE(describe(literal));
        const double expected = conn.query_value<double>("SELECT $1::numeric::float8", literal);
        CHECK(numeric::parse(literal).to_double() == expected);
    }
    SECTION("NaN and infinities")
    {
        CHECK(std::isnan(numeric::nan().to_double()));
        CHECK(numeric::infinity().to_double() == std::numeric_limits<double>::infinity());
        CHECK(numeric::negative_infinity().to_double() == -std::numeric_limits<double>::infinity());
    }
    SECTION("values beyond double's range are refused, as by the server")
    {
        const std::string literal = GENERATE(as<std::string>{}, "1e400", "-1e309", "1e-400", "-2e-324");
        CAPTURE(literal);
        REQUIRE_THROWS_AS((void)numeric::parse(literal).to_double(), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)numeric::parse(literal).to_double(), Contains("out of range for double"));
        REQUIRE_THROWS_AS(conn.query_value<double>("SELECT $1::numeric::float8", literal), typq::data_exception);
    }
}

// --- order ---------------------------------------------------------------------------------------

TEST_CASE("numeric orders and compares values as the server does", "[types][numeric]")
{
    auto conn = typq_test::connect();
    const std::vector<std::string> literals = {"NaN", "Infinity", "-Infinity", "0", "-0.000", "1.5", "1.50", "-1.5",
        "1e-5", "-1e-5", "9999", "10000", "-10000", "0.0001", "0.00009999", "123456789012345678901234567890.1",
        "-123456789012345678901234567890.1", "1e100", "-1e-100", "2", "1.9999999999999999999999", "1e131071",
        "-1e-16383", "nan", "-inf"};

    SECTION("every pair, against the server's < and =")
    {
        for (const auto& a : literals)
            for (const auto& b : literals) {
                CAPTURE(a, b);
                const auto server = conn.query_value<std::int32_t>(
                    "SELECT CASE WHEN $1::numeric < $2::numeric THEN -1 WHEN $1::numeric = $2::numeric THEN 0 ELSE 1 END",
                    a, b);
                const auto ours = numeric::parse(a) <=> numeric::parse(b);
                CHECK((ours < 0 ? -1 : ours > 0 ? 1 : 0) == server);
                CHECK((numeric::parse(a) == numeric::parse(b)) == (server == 0));
            }
    }
    SECTION("ORDER BY over a table of typq's values")
    {
        conn.execute("CREATE TEMP TABLE numbers (id int4, v numeric)");
        for (std::size_t i = 0; i < literals.size(); ++i)
            conn.execute("INSERT INTO numbers VALUES ($1, $2)", static_cast<std::int32_t>(i), numeric::parse(literals[i]));
        const auto rows = conn.query<ordered>("SELECT id, v FROM numbers ORDER BY v, id");
        std::vector<ordered> sorted;
        for (const auto& row : rows)
            sorted.push_back(row);
        REQUIRE(sorted.size() == literals.size());
        for (std::size_t i = 0; i < sorted.size(); ++i) {
            CAPTURE(i);
            CHECK(sorted[i].v == numeric::parse(literals[static_cast<std::size_t>(sorted[i].id)]));
            CHECK(sorted[i].v.to_string() == numeric::parse(literals[static_cast<std::size_t>(sorted[i].id)]).to_string());
            if (i > 0) {
                CHECK(sorted[i - 1].v <= sorted[i].v);
                if (sorted[i - 1].v == sorted[i].v)
                    CHECK(sorted[i - 1].id < sorted[i].id);
            }
        }
        CHECK(sorted.front().v == numeric::negative_infinity());
        CHECK(sorted.back().v.is_nan());
    }
}

// --- malformed and unusual bytes -----------------------------------------------------------------

TEST_CASE("numeric decoding refuses the bytes numeric_recv refuses", "[types][numeric]")
{
    auto conn = typq_test::connect();
    const bytes malformed = GENERATE(
        // truncated: no header, part of a header, a missing digit, half a digit
        ""_hex, "00"_hex, "00 01 00 00 00 00 00"_hex, "00 01 00 00 00 00 00 00"_hex, "00 02 00 00 00 00 00 00 00 01 00"_hex,
        // oversized: bytes after the announced digits
        "00 00 00 00 00 00 00 00 00 00"_hex, "00 01 00 00 00 00 00 00 00 01 00"_hex,
        // sign words other than 0000, 4000, c000, d000, f000
        "00 00 00 00 80 00 00 00"_hex, "00 00 00 00 10 00 00 00"_hex, "00 00 00 00 c0 01 00 00"_hex,
        "00 01 00 00 e0 00 00 00 00 01"_hex, "00 00 00 00 ff ff 00 00"_hex,
        // display scale above 16383
        "00 00 00 00 00 00 40 00"_hex, "00 01 00 00 00 00 ff ff 00 01"_hex,
        // digits outside 0..9999, also in a NaN
        "00 01 00 00 00 00 00 00 27 10"_hex, "00 01 00 00 40 00 00 00 ff ff"_hex, "00 02 00 00 00 00 00 04 00 01 80 00"_hex,
        "00 01 00 00 c0 00 00 00 27 10"_hex);
    CAPTURE(malformed);
    REQUIRE_THROWS_AS(typq_test::decode<numeric>(malformed, typq::oid::numeric), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<numeric>(malformed, typq::oid::numeric), Contains("numeric"));
    // 22P03 for a bad field, 08P01 (a protocol violation) for missing bytes: both are server errors.
    REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", raw_numeric{malformed}), typq::server_error);
}

TEST_CASE("numeric decoding errors say what is wrong", "[types][numeric]")
{
    const auto decode = [](const bytes& b) { return typq_test::decode<numeric>(b, typq::oid::numeric); };
    REQUIRE_THROWS_WITH(decode("00 00 00"_hex), Contains("shorter than its 8-byte header"));
    REQUIRE_THROWS_WITH(decode("00 02 00 00 00 00 00 00 00 01"_hex), Contains("header announces 2 digits"));
    REQUIRE_THROWS_WITH(decode("00 00 00 00 00 00 00 00 00 01"_hex), Contains("header announces 0 digits"));
    REQUIRE_THROWS_WITH(decode("00 00 00 00 80 00 00 00"_hex), Contains("sign word 0x8000"));
    REQUIRE_THROWS_WITH(decode("00 00 00 00 00 00 40 00"_hex), Contains("display scale 16384"));
    REQUIRE_THROWS_WITH(decode("00 01 00 00 00 00 00 00 27 10"_hex), Contains("digit 0 is 10000"));
    REQUIRE_THROWS_WITH(decode("00 02 00 00 00 00 00 00 00 01 ff ff"_hex), Contains("digit 1 is -1"));
    REQUIRE_THROWS_WITH(typq_test::decode<numeric>("00 2a"_hex, typq::oid::int8), Contains("expected 8"));
}

TEST_CASE("numeric decodes unusual but valid bytes as numeric_recv reads them", "[types][numeric]")
{
    auto conn = typq_test::connect();
    const bytes unusual = GENERATE(
        // leading and trailing zero digits
        "00 03 00 01 00 00 00 00 00 00 00 07 00 00"_hex,
        // a negative zero, with and without zero digits
        "00 00 00 00 40 00 00 02"_hex, "00 02 00 03 40 00 00 01 00 00 00 00"_hex,
        // digits the display scale hides: 12.3456 shown with scale 2, then 0 and 1
        "00 02 00 00 00 00 00 02 00 0c 0d 80"_hex, "00 02 00 00 40 00 00 00 00 0c 0d 80"_hex,
        "00 02 00 00 00 00 00 01 00 0c 0d 80"_hex,
        // a value entirely below its display scale, and one at the lowest weight
        "00 01 ff fe 00 00 00 03 13 88"_hex, "00 01 80 00 40 00 3f ff 00 01"_hex,
        // special values with fields the server ignores
        "00 00 00 07 c0 00 00 05"_hex, "00 01 00 00 d0 00 00 00 00 05"_hex, "00 00 ff ff f0 00 3f ff"_hex,
        // the largest weight
        "00 01 7f ff 00 00 00 00 00 01"_hex);
    CAPTURE(unusual);
    const auto decoded = typq_test::decode<numeric>(unusual, typq::oid::numeric);
    CHECK(decoded.to_string() == conn.query_value<std::string>("SELECT $1::text", raw_numeric{unusual}));
    CHECK(typq_test::encode(decoded) == conn.query_value<bytes>("SELECT numeric_send($1)", raw_numeric{unusual}));
}

// --- NULL and struct fields ----------------------------------------------------------------------

TEST_CASE("numeric is NULL as an empty optional, both ways", "[types][numeric]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_value<bool>("SELECT $1::numeric IS NULL", std::optional<numeric>{}));
    CHECK(!conn.query_value<std::optional<numeric>>("SELECT NULL::numeric").has_value());
    const auto present = conn.query_value<std::optional<numeric>>("SELECT $1", std::optional<numeric>(numeric::parse("2.50")));
    REQUIRE(present.has_value());
    CHECK(present->to_string() == "2.50");
}

TEST_CASE("numeric maps struct fields by name", "[types][numeric]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE items (name text, price numeric(12, 2), discount numeric)");
    conn.execute("INSERT INTO items VALUES ('tea', 3.5, NULL), ('cake', 12, 0.125)");
    const auto rows = conn.query<priced_item>("SELECT discount, name, price FROM items ORDER BY price");
    std::vector<priced_item> items;
    for (const auto& row : rows)
        items.push_back(row);
    REQUIRE(items.size() == 2);
    CHECK(items[0].name == "tea");
    CHECK(items[0].price.to_string() == "3.50");
    CHECK(!items[0].discount.has_value());
    CHECK(items[1].price.to_string() == "12.00");
    REQUIRE(items[1].discount.has_value());
    CHECK(items[1].discount->to_string() == "0.125");

    SECTION("and the error for a malformed-type column names the field")
    {
        REQUIRE_THROWS_AS(conn.query_one<priced_item>("SELECT 'x' AS name, 1.5::float8 AS price, NULL::numeric AS discount"),
            typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_one<priced_item>("SELECT 'x' AS name, 1.5::float8 AS price, NULL::numeric AS discount"),
            Contains("\"price\""));
    }
}

}  // namespace types_numeric_test
