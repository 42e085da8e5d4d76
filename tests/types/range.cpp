// SPDX-License-Identifier: BSL-1.0
// tests/types/range.cpp: include/typq/types/range.hpp: typq::range<T> and typq::multirange<T> for
// int4range, int8range, numrange, daterange, tsrange, tstzrange and their multiranges, against
// the server's range_send / multirange_send bytes, its text, its canonical forms and its `@>`;
// arrays, NULL, struct fields, and malformed bytes.

#include "typq_test.hpp"

#include <typq/types/range.hpp>

#include <chrono>    // the date and timestamp subtypes
#include <cstddef>   // std::byte
#include <cstdint>   // the integer subtypes, hand-made bytes
#include <limits>    // integer limits
#include <optional>  // unbounded sides, NULL
#include <string>    // literals, SQL, server text
#include <vector>    // cases, byte vectors, arrays

namespace types_range_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;
namespace chr = std::chrono;
using std::nullopt;

template <class T>
using range = typq::range<T>;
template <class T>
using multirange = typq::multirange<T>;

chr::sys_days ymd(int y, unsigned m, unsigned d)
{
    return chr::sys_days{chr::year{y} / chr::month{m} / chr::day{d}};
}

typq::timestamp ts(int y, unsigned m, unsigned d, int h = 0, int mi = 0, int s = 0, int us = 0)
{
    const auto day = chr::local_days{chr::year{y} / chr::month{m} / chr::day{d}};
    return typq::timestamp{day.time_since_epoch() + chr::hours{h} + chr::minutes{mi} + chr::seconds{s}
        + chr::microseconds{us}};
}

typq::timestamptz tstz(int y, unsigned m, unsigned d, int h = 0, int mi = 0, int s = 0, int us = 0)
{
    return typq::timestamptz{ts(y, m, d, h, mi, s, us).time_since_epoch()};
}

typq::numeric num(const char* text)
{
    return typq::numeric::parse(text);
}

// The same session for every test: ISO dates, UTC, so that to_string() can match the server's text.
typq::connection connect_utc()
{
    auto conn = typq_test::connect();
    conn.execute("SET DateStyle = 'ISO'");
    conn.execute("SET TimeZone = 'UTC'");
    return conn;
}

// One literal the server parses to its canonical form, and the same value in C++.
template <class T>
struct range_case {
    std::string literal;
    range<T> value;
};

// Every way a range value meets the server: the bytes, the text both ways, decoding, round trip.
template <class T>
void check_range_cases(const std::string& sql_type, const std::vector<range_case<T>>& cases)
{
    auto conn = connect_utc();
    for (const auto& [literal, value] : cases) {
        CAPTURE(sql_type, literal);
        const std::string server_text =
            conn.query_value<std::string>(typq::runtime("SELECT $1::" + sql_type + "::text"), literal);
        CHECK(typq_test::encode(value)
            == conn.query_value<bytes>(typq::runtime("SELECT range_send($1::" + sql_type + ")"), literal));
        CHECK(conn.query_value<std::string>("SELECT $1::text", value) == server_text);
        CHECK(conn.query_value<bool>(typq::runtime("SELECT $1 = $2::" + sql_type), value, literal));
        CHECK(conn.query_value<range<T>>(typq::runtime("SELECT $1::" + sql_type), literal) == value);
        CHECK(conn.query_value<range<T>>("SELECT $1", value) == value);
        CHECK(value.to_string() == server_text);
    }
}

template <class T>
struct multirange_case {
    std::string literal;
    multirange<T> value;
};

template <class T>
void check_multirange_cases(const std::string& sql_type, const std::vector<multirange_case<T>>& cases)
{
    auto conn = connect_utc();
    for (const auto& [literal, value] : cases) {
        CAPTURE(sql_type, literal);
        const std::string server_text =
            conn.query_value<std::string>(typq::runtime("SELECT $1::" + sql_type + "::text"), literal);
        CHECK(typq_test::encode(value)
            == conn.query_value<bytes>(typq::runtime("SELECT multirange_send($1::" + sql_type + ")"), literal));
        CHECK(conn.query_value<std::string>("SELECT $1::text", value) == server_text);
        CHECK(conn.query_value<multirange<T>>(typq::runtime("SELECT $1::" + sql_type), literal) == value);
        CHECK(conn.query_value<multirange<T>>("SELECT $1", value) == value);
        CHECK(value.to_string() == server_text);
    }
}

bytes be32(std::int32_t v)
{
    return typq_test::encode(v);
}

bytes cat(std::initializer_list<bytes> parts)
{
    bytes out;
    for (const auto& part : parts)
        out.insert(out.end(), part.begin(), part.end());
    return out;
}

struct booking {
    std::int32_t id;
    typq::range<typq::timestamptz> during;
    typq::multirange<std::int32_t> seats;
    std::optional<typq::range<typq::numeric>> price;
};

// --- the contract ---------------------------------------------------------------------------------

TEST_CASE("range and multirange adapters name the built-in range types", "[types][range]")
{
    STATIC_REQUIRE(typq::encodable<range<std::int32_t>>);
    STATIC_REQUIRE(typq::decodable<range<std::int32_t>>);
    STATIC_REQUIRE(typq::encodable<multirange<typq::timestamptz>>);
    STATIC_REQUIRE(typq::decodable<multirange<typq::timestamptz>>);
    STATIC_REQUIRE(typq::encodable<std::vector<range<std::int32_t>>>);
    STATIC_REQUIRE(typq::decodable<std::vector<multirange<typq::numeric>>>);
    STATIC_REQUIRE(typq::decodable<std::optional<range<chr::sys_days>>>);

    STATIC_REQUIRE(typq::type<range<std::int32_t>>::param_oid == typq::oid::int4range);
    STATIC_REQUIRE(typq::type<range<std::int64_t>>::param_oid == typq::oid::int8range);
    STATIC_REQUIRE(typq::type<range<typq::numeric>>::param_oid == typq::oid::numrange);
    STATIC_REQUIRE(typq::type<range<chr::sys_days>>::param_oid == typq::oid::daterange);
    STATIC_REQUIRE(typq::type<range<typq::timestamp>>::param_oid == typq::oid::tsrange);
    STATIC_REQUIRE(typq::type<range<typq::timestamptz>>::param_oid == typq::oid::tstzrange);
    STATIC_REQUIRE(typq::type<range<std::int32_t>>::array_oid == typq::oid::int4range_array);
    STATIC_REQUIRE(typq::type<multirange<std::int64_t>>::param_oid == typq::oid::int8multirange);
    STATIC_REQUIRE(typq::type<multirange<chr::sys_days>>::array_oid == typq::oid::datemultirange_array);

    auto conn = connect_utc();
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", range<std::int32_t>(1, 2)) == "int4range");
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", range<typq::timestamptz>())
        == "tstzrange");
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", multirange<typq::numeric>{})
        == "nummultirange");
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::vector<range<std::int64_t>>{})
        == "int8range[]");
}

TEST_CASE("a range is empty, or two bounds that are each unbounded, inclusive or exclusive", "[types][range]")
{
    const range<std::int32_t> empty;
    CHECK(empty.empty());
    CHECK_FALSE(empty.lower());
    CHECK_FALSE(empty.upper());
    CHECK_FALSE(empty.lower_inclusive());
    CHECK_FALSE(empty.lower_unbounded());
    CHECK(empty.to_string() == "empty");

    const range<std::int32_t> half_open(1, 4);
    CHECK_FALSE(half_open.empty());
    CHECK(half_open.lower() == 1);
    CHECK(half_open.upper() == 4);
    CHECK(half_open.lower_inclusive());
    CHECK_FALSE(half_open.upper_inclusive());
    CHECK(half_open.to_string() == "[1,4)");

    const range<std::int32_t> closed(1, 4, "[]");
    CHECK(closed.upper_inclusive());
    CHECK(closed == range<std::int32_t>(1, 4, typq::range_bounds{true, true}));
    CHECK(closed != half_open);

    SECTION("an unbounded side is never inclusive, as the server makes it")
    {
        const range<std::int32_t> up_to(nullopt, 5, "[]");
        CHECK(up_to.lower_unbounded());
        CHECK_FALSE(up_to.lower_inclusive());
        CHECK(up_to.upper_inclusive());
        CHECK(up_to.to_string() == "(,5]");
        CHECK(up_to == range<std::int32_t>(nullopt, 5, "(]"));

        auto conn = connect_utc();
        CHECK(conn.query_value<std::string>("SELECT '[,5]'::numrange::text") == "(,5]");
        CHECK(conn.query_value<range<typq::numeric>>("SELECT '[,5]'::numrange")
            == range<typq::numeric>(nullopt, num("5"), "[]"));
    }
    SECTION("contains() follows the bounds")
    {
        CHECK_FALSE(empty.contains(0));
        CHECK(half_open.contains(1));
        CHECK(half_open.contains(3));
        CHECK_FALSE(half_open.contains(4));
        CHECK_FALSE(half_open.contains(0));
        CHECK(closed.contains(4));
        CHECK(range<std::int32_t>(nullopt, nullopt).contains(std::numeric_limits<std::int32_t>::min()));
    }
}

TEST_CASE("a range whose lower bound is above its upper bound cannot be made", "[types][range]")
{
    REQUIRE_THROWS_AS(range<std::int32_t>(5, 1), typq::conversion_error);
    REQUIRE_THROWS_WITH(range<std::int32_t>(5, 1),
        Contains("range lower bound must be less than or equal to range upper bound"));
    REQUIRE_THROWS_AS(range<typq::numeric>(num("2.5"), num("2.4"), "[]"), typq::conversion_error);
    REQUIRE_THROWS_AS(range<chr::sys_days>(chr::sys_days::max(), ymd(2020, 1, 1)), typq::conversion_error);

    // Equal bounds are allowed, as the server allows them ('[1,1)' is empty there).
    CHECK_NOTHROW(range<std::int32_t>(1, 1));

    // The server refuses the same text with the same message.
    auto conn = connect_utc();
    REQUIRE_THROWS_AS(conn.execute("SELECT '[5,1)'::int4range"), typq::server_error);
    REQUIRE_THROWS_WITH(conn.execute("SELECT '[5,1)'::int4range"),
        Contains("range lower bound must be less than or equal to range upper bound"));
}

// --- the six range types against the server -----------------------------------------------------

TEST_CASE("int4range agrees with the server both ways", "[types][range]")
{
    using R = range<std::int32_t>;
    constexpr auto min = std::numeric_limits<std::int32_t>::min();
    constexpr auto max = std::numeric_limits<std::int32_t>::max();
    check_range_cases<std::int32_t>("int4range",
        {
            {"empty", R()},
            {"[1,5)", R(1, 5)},
            {"[-10,-3)", R(-10, -3)},
            {"[-2147483648,2147483647)", R(min, max)},
            {"(,5)", R(nullopt, 5)},
            {"[3,)", R(3, nullopt)},
            {"(,)", R(nullopt, nullopt)},
        });
}

TEST_CASE("int8range agrees with the server both ways", "[types][range]")
{
    using R = range<std::int64_t>;
    constexpr auto min = std::numeric_limits<std::int64_t>::min();
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    check_range_cases<std::int64_t>("int8range",
        {
            {"empty", R()},
            {"[1,5000000000)", R(1, 5'000'000'000)},
            {"[-9223372036854775808,9223372036854775807)", R(min, max)},
            {"(,-5000000000)", R(nullopt, -5'000'000'000)},
            {"[3,)", R(3, nullopt)},
            {"(,)", R(nullopt, nullopt)},
        });
}

TEST_CASE("numrange agrees with the server both ways, keeping each bound's scale", "[types][range]")
{
    using R = range<typq::numeric>;
    check_range_cases<typq::numeric>("numrange",
        {
            {"empty", R()},
            {"[1.5,2.25)", R(num("1.5"), num("2.25"))},
            {"(1.50,2]", R(num("1.50"), num("2"), "(]")},
            {"[-0.001,1000.000]", R(num("-0.001"), num("1000.000"), "[]")},
            {"(-1.5,1.5)", R(num("-1.5"), num("1.5"), "()")},
            {"[1,1]", R(num("1"), num("1"), "[]")},
            {"(,3.14159]", R(nullopt, num("3.14159"), "(]")},
            {"[2.0,)", R(num("2.0"), nullopt)},
            {"(,)", R(nullopt, nullopt)},
            {"[-Infinity,Infinity]", R(typq::numeric::negative_infinity(), typq::numeric::infinity(), "[]")},
            {"[12345678901234567890.123456789,)", R(num("12345678901234567890.123456789"), nullopt)},
        });
}

TEST_CASE("daterange agrees with the server both ways, with infinity and BC dates", "[types][range]")
{
    using R = range<chr::sys_days>;
    check_range_cases<chr::sys_days>("daterange",
        {
            {"empty", R()},
            {"[2020-01-01,2020-02-01)", R(ymd(2020, 1, 1), ymd(2020, 2, 1))},
            {"[2020-01-01,infinity)", R(ymd(2020, 1, 1), chr::sys_days::max())},
            {"[2020-01-01,infinity]", R(ymd(2020, 1, 1), chr::sys_days::max(), "[]")},
            {"[-infinity,2020-01-01)", R(chr::sys_days::min(), ymd(2020, 1, 1))},
            {"(,2020-01-01)", R(nullopt, ymd(2020, 1, 1))},
            {"[2020-01-01,)", R(ymd(2020, 1, 1), nullopt)},
            {"(,)", R(nullopt, nullopt)},
            {"[0044-03-15 BC,1999-12-31)", R(ymd(-43, 3, 15), ymd(1999, 12, 31))},
            {"[4714-11-24 BC,5874897-12-31)", R(ymd(-4713, 11, 24), chr::sys_days{chr::days{2'147'483'493 - 2'440'588}})},
        });
}

TEST_CASE("tsrange agrees with the server both ways, to the microsecond", "[types][range]")
{
    using R = range<typq::timestamp>;
    check_range_cases<typq::timestamp>("tsrange",
        {
            {"empty", R()},
            {"[2020-01-01 10:00:00,2020-01-02 00:00:00)", R(ts(2020, 1, 1, 10), ts(2020, 1, 2))},
            {"(2020-01-01 10:00:00.123456,2020-01-01 10:00:00.5]",
                R(ts(2020, 1, 1, 10, 0, 0, 123'456), ts(2020, 1, 1, 10, 0, 0, 500'000), "(]")},
            {"[2020-01-01 00:00:00,2020-01-01 00:00:00]", R(ts(2020, 1, 1), ts(2020, 1, 1), "[]")},
            {"(1999-12-31 23:59:59.999999,2000-01-01 00:00:00)",
                R(ts(1999, 12, 31, 23, 59, 59, 999'999), ts(2000, 1, 1), "()")},
            {"[2020-01-01 00:00:00,infinity)", R(ts(2020, 1, 1), typq::timestamp::max())},
            {"[-infinity,infinity]", R(typq::timestamp::min(), typq::timestamp::max(), "[]")},
            {"(,2020-01-01 00:00:00)", R(nullopt, ts(2020, 1, 1))},
            {"[2020-01-01 00:00:00,)", R(ts(2020, 1, 1), nullopt)},
            {"(,)", R(nullopt, nullopt)},
            {"[4714-11-24 00:00:00 BC,0001-01-01 00:00:00 BC]", R(ts(-4713, 11, 24), ts(0, 1, 1), "[]")},
        });
}

TEST_CASE("tstzrange agrees with the server both ways, as instants", "[types][range]")
{
    using R = range<typq::timestamptz>;
    check_range_cases<typq::timestamptz>("tstzrange",
        {
            {"empty", R()},
            {"[2020-01-01 10:00:00+00,2020-01-02 00:00:00+00)", R(tstz(2020, 1, 1, 10), tstz(2020, 1, 2))},
            {"(2020-01-01 10:00:00.000001+00,2020-06-01 12:30:00+00]",
                R(tstz(2020, 1, 1, 10, 0, 0, 1), tstz(2020, 6, 1, 12, 30), "(]")},
            {"[2020-01-01 00:00:00+00,2020-01-01 00:00:00+00]", R(tstz(2020, 1, 1), tstz(2020, 1, 1), "[]")},
            {"(2020-01-01 00:00:00+00,2020-01-01 00:00:01+00)", R(tstz(2020, 1, 1), tstz(2020, 1, 1, 0, 0, 1), "()")},
            {"[2020-01-01 00:00:00+00,infinity)", R(tstz(2020, 1, 1), typq::timestamptz::max())},
            {"[-infinity,infinity]", R(typq::timestamptz::min(), typq::timestamptz::max(), "[]")},
            {"(,2020-01-01 00:00:00+00)", R(nullopt, tstz(2020, 1, 1))},
            {"[2020-01-01 00:00:00+00,)", R(tstz(2020, 1, 1), nullopt)},
            {"(,)", R(nullopt, nullopt)},
        });

    SECTION("the session TimeZone changes the server's text, not the instants")
    {
        auto conn = connect_utc();
        conn.execute("SET TimeZone = 'Asia/Kolkata'");
        const R value(tstz(2020, 1, 1, 10), tstz(2020, 1, 2));
        CHECK(conn.query_value<std::string>("SELECT $1::text", value)
            == "[\"2020-01-01 15:30:00+05:30\",\"2020-01-02 05:30:00+05:30\")");
        CHECK(conn.query_value<R>("SELECT '[2020-01-01 15:30+05:30,2020-01-02 05:30+05:30)'::tstzrange") == value);
    }
}

TEST_CASE("the server canonicalises discrete ranges, typq keeps the range as given", "[types][range]")
{
    auto conn = connect_utc();
    using I = range<std::int32_t>;

    SECTION("int4range and int8range come back in [) form")
    {
        const auto [sent, back, text] = GENERATE(table<I, I, std::string>({
            {I(1, 3, "[]"), I(1, 4), "[1,4)"},
            {I(1, 5, "()"), I(2, 5), "[2,5)"},
            {I(1, 5, "(]"), I(2, 6), "[2,6)"},
            {I(nullopt, 5, "(]"), I(nullopt, 6), "(,6)"},
            {I(1, 1), I(), "empty"},
            {I(1, 2, "()"), I(), "empty"},
        }));
        CAPTURE(sent, back);
        CHECK(sent != back);
        CHECK(conn.query_value<I>("SELECT $1", sent) == back);
        CHECK(conn.query_value<std::string>("SELECT $1::text", sent) == text);
        CHECK(conn.query_value<range<std::int64_t>>("SELECT $1", range<std::int64_t>(1, 3, "[]"))
            == range<std::int64_t>(1, 4));
    }
    SECTION("daterange comes back in [) form")
    {
        const range<chr::sys_days> january(ymd(2020, 1, 1), ymd(2020, 1, 31), "[]");
        CHECK(conn.query_value<range<chr::sys_days>>("SELECT $1", january)
            == range<chr::sys_days>(ymd(2020, 1, 1), ymd(2020, 2, 1)));
    }
    SECTION("continuous ranges come back as sent, but equal bounds not both inclusive are empty")
    {
        const range<typq::numeric> closed(num("1"), num("3"), "[]");
        CHECK(conn.query_value<range<typq::numeric>>("SELECT $1", closed) == closed);
        CHECK(conn.query_value<range<typq::numeric>>("SELECT $1", range<typq::numeric>(num("1"), num("1")))
            == range<typq::numeric>());
        CHECK(conn.query_value<range<typq::timestamp>>("SELECT $1", range<typq::timestamp>(ts(2020, 1, 1), ts(2020, 1, 1), "(]"))
            == range<typq::timestamp>());
    }
    SECTION("a discrete range past the subtype's end is refused by the server")
    {
        REQUIRE_THROWS_AS(conn.query_value<I>("SELECT $1", I(1, std::numeric_limits<std::int32_t>::max(), "[]")),
            typq::server_error);
        REQUIRE_THROWS_WITH(conn.query_value<I>("SELECT $1", I(1, std::numeric_limits<std::int32_t>::max(), "[]")),
            Contains("integer out of range"));
    }
}

TEST_CASE("contains() agrees with the server's @>", "[types][range]")
{
    auto conn = connect_utc();
    SECTION("int4range")
    {
        const auto r = GENERATE(typq::range<std::int32_t>(), typq::range<std::int32_t>(1, 4), typq::range<std::int32_t>(nullopt, 4),
            typq::range<std::int32_t>(1, nullopt), typq::range<std::int32_t>(nullopt, nullopt));
        const auto v = GENERATE(-5, 0, 1, 2, 3, 4, 5);
        CAPTURE(r, v);
        CHECK(r.contains(v) == conn.query_value<bool>("SELECT $1 @> $2", r, v));
    }
    SECTION("numrange, every kind of bound")
    {
        const auto bounds = GENERATE(as<std::string>{}, "[)", "[]", "(]", "()");
        const auto v = GENERATE(as<std::string>{}, "0.99", "1", "1.5", "2", "2.01");
        CAPTURE(bounds, v);
        typq::range_bounds flags{bounds[0] == '[', bounds[1] == ']'};
        const range<typq::numeric> r(num("1"), num("2"), flags);
        CHECK(r.contains(num(v.c_str())) == conn.query_value<bool>("SELECT $1 @> $2", r, num(v.c_str())));
    }
    SECTION("tstzrange with infinity")
    {
        const range<typq::timestamptz> r(tstz(2020, 1, 1), typq::timestamptz::max(), "[]");
        const auto v = GENERATE(tstz(2019, 12, 31, 23, 59, 59, 999'999), tstz(2020, 1, 1), tstz(3000, 1, 1),
            typq::timestamptz::max());
        CHECK(r.contains(v) == conn.query_value<bool>("SELECT $1 @> $2", r, v));
    }
}

TEST_CASE("ranges read wider subtypes' range columns and refuse narrower ones", "[types][range]")
{
    auto conn = connect_utc();
    CHECK(conn.query_value<range<std::int64_t>>("SELECT '[1,5)'::int4range") == range<std::int64_t>(1, 5));
    CHECK(conn.query_value<range<typq::numeric>>("SELECT '[1,5)'::int8range") == range<typq::numeric>(num("1"), num("5")));
    CHECK(conn.query_value<multirange<std::int64_t>>("SELECT '{[1,5)}'::int4multirange")
        == multirange<std::int64_t>{range<std::int64_t>(1, 5)});

    REQUIRE_THROWS_AS(conn.query_value<range<std::int32_t>>("SELECT '[1,5)'::int8range"), typq::conversion_error);
    REQUIRE_THROWS_WITH(conn.query_value<range<std::int32_t>>("SELECT '[1,5)'::int8range"), Contains("int8range"));
    REQUIRE_THROWS_AS(conn.query_value<range<typq::timestamptz>>("SELECT 'empty'::tsrange"), typq::conversion_error);
    REQUIRE_THROWS_AS(conn.query_value<range<std::int32_t>>("SELECT '{[1,5)}'::int4multirange"), typq::conversion_error);
    REQUIRE_THROWS_AS(conn.query_value<multirange<std::int32_t>>("SELECT '[1,5)'::int4range"), typq::conversion_error);
}

// --- arrays, NULL, struct fields --------------------------------------------------------------------

TEST_CASE("arrays of ranges and multiranges agree with the server", "[types][range]")
{
    auto conn = connect_utc();
    using I = range<std::int32_t>;
    const std::vector<I> value{I(1, 3), I(), I(nullopt, 5), I(nullopt, nullopt)};
    const std::string literal = R"x({"[1,3)",empty,"(,5)","(,)"})x";

    CHECK(typq_test::encode(value) == conn.query_value<bytes>("SELECT array_send($1::int4range[])", literal));
    CHECK(conn.query_value<std::vector<I>>("SELECT $1::int4range[]", literal) == value);
    CHECK(conn.query_value<std::vector<I>>("SELECT $1", value) == value);
    CHECK(conn.query_value<std::string>("SELECT $1::text", value) == literal);

    using optional_ranges = std::vector<std::optional<range<typq::numeric>>>;
    const optional_ranges with_null{range<typq::numeric>(num("1.5"), num("2")), nullopt};
    CHECK(conn.query_value<std::string>("SELECT $1::text", with_null) == R"x({"[1.5,2)",NULL})x");
    CHECK(conn.query_value<optional_ranges>("SELECT $1", with_null) == with_null);

    const std::vector<multirange<chr::sys_days>> dates{
        {}, {range<chr::sys_days>(ymd(2020, 1, 1), ymd(2020, 2, 1)), range<chr::sys_days>(ymd(2021, 1, 1), nullopt)}};
    const std::string dates_literal = R"x({"{}","{[2020-01-01,2020-02-01),[2021-01-01,)}"})x";
    CHECK(typq_test::encode(dates) == conn.query_value<bytes>("SELECT array_send($1::datemultirange[])", dates_literal));
    CHECK(conn.query_value<std::vector<multirange<chr::sys_days>>>("SELECT $1::datemultirange[]", dates_literal) == dates);
    CHECK(conn.query_value<std::string>("SELECT $1::text", dates) == dates_literal);
}

TEST_CASE("std::optional<range<T>> is NULL both ways", "[types][range]")
{
    auto conn = connect_utc();
    CHECK(conn.query_value<std::optional<range<std::int32_t>>>("SELECT NULL::int4range") == nullopt);
    CHECK(conn.query_value<std::optional<range<std::int32_t>>>("SELECT 'empty'::int4range") == range<std::int32_t>());
    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", std::optional<range<typq::timestamptz>>{}));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::optional<range<typq::timestamptz>>{})
        == "tstzrange");
    CHECK(conn.query_value<std::optional<multirange<std::int64_t>>>("SELECT NULL::int8multirange") == nullopt);
    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", std::optional<multirange<std::int64_t>>{}));
    // An empty range and an empty multirange are values, not NULL.
    CHECK_FALSE(conn.query_value<bool>("SELECT $1 IS NULL", range<std::int32_t>()));
    CHECK_FALSE(conn.query_value<bool>("SELECT $1 IS NULL", multirange<std::int32_t>()));
}

TEST_CASE("range and multirange struct fields are mapped by name", "[types][range]")
{
    auto conn = connect_utc();
    conn.execute("CREATE TEMP TABLE bookings (id int4, price numrange, seats int4multirange, during tstzrange)");
    const booking first{1, range<typq::timestamptz>(tstz(2020, 1, 1, 10), tstz(2020, 1, 1, 12)),
        multirange<std::int32_t>{range<std::int32_t>(1, 3), range<std::int32_t>(7, 9)},
        range<typq::numeric>(num("9.99"), num("19.99"), "[]")};
    const booking second{2, range<typq::timestamptz>(tstz(2020, 1, 2), nullopt), multirange<std::int32_t>{}, nullopt};
    conn.execute("INSERT INTO bookings (id, during, seats, price) VALUES (:id, :during, :seats, :price)", first);
    conn.execute("INSERT INTO bookings (id, during, seats, price) VALUES (:id, :during, :seats, :price)", second);

    const auto rows = conn.query<booking>("SELECT seats, during, price, id FROM bookings ORDER BY id");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == 1);
    CHECK(rows[0].during == first.during);
    CHECK(rows[0].seats == first.seats);
    CHECK(rows[0].price == first.price);
    CHECK(rows[1].during == second.during);
    CHECK(rows[1].seats.empty());
    CHECK(rows[1].price == nullopt);
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM bookings WHERE seats @> 8") == 1);
}

// --- multiranges ------------------------------------------------------------------------------------

TEST_CASE("multiranges agree with the server both ways", "[types][range][multirange]")
{
    SECTION("int4multirange")
    {
        using R = range<std::int32_t>;
        check_multirange_cases<std::int32_t>("int4multirange",
            {
                {"{}", {}},
                {"{[1,5)}", {R(1, 5)}},
                {"{(,1),[3,5),[7,)}", {R(nullopt, 1), R(3, 5), R(7, nullopt)}},
                {"{(,)}", {R(nullopt, nullopt)}},
            });
    }
    SECTION("int8multirange")
    {
        using R = range<std::int64_t>;
        check_multirange_cases<std::int64_t>("int8multirange",
            {{"{}", {}}, {"{[-5000000000,-1),[1,5000000000)}", {R(-5'000'000'000, -1), R(1, 5'000'000'000)}}});
    }
    SECTION("nummultirange")
    {
        using R = range<typq::numeric>;
        check_multirange_cases<typq::numeric>("nummultirange",
            {
                {"{}", {}},
                {"{[1.50,2.5]}", {R(num("1.50"), num("2.5"), "[]")}},
                {"{(,0),(0.5,1.25],[3,)}", {R(nullopt, num("0")), R(num("0.5"), num("1.25"), "(]"), R(num("3"), nullopt)}},
            });
    }
    SECTION("datemultirange")
    {
        using R = range<chr::sys_days>;
        check_multirange_cases<chr::sys_days>("datemultirange",
            {
                {"{}", {}},
                {"{[2020-01-01,2020-02-01),[2021-01-01,infinity)}",
                    {R(ymd(2020, 1, 1), ymd(2020, 2, 1)), R(ymd(2021, 1, 1), chr::sys_days::max())}},
            });
    }
    SECTION("tsmultirange")
    {
        using R = range<typq::timestamp>;
        check_multirange_cases<typq::timestamp>("tsmultirange",
            {
                {"{}", {}},
                {"{[2020-01-01 10:00:00,2020-01-01 11:00:00),(2020-01-01 12:00:00,)}",
                    {R(ts(2020, 1, 1, 10), ts(2020, 1, 1, 11)), R(ts(2020, 1, 1, 12), nullopt, "()")}},
            });
    }
    SECTION("tstzmultirange")
    {
        using R = range<typq::timestamptz>;
        check_multirange_cases<typq::timestamptz>("tstzmultirange",
            {
                {"{}", {}},
                {"{[-infinity,2020-01-01 00:00:00+00),[2020-06-01 00:00:00.5+00,2020-06-02 00:00:00+00]}",
                    {R(typq::timestamptz::min(), tstz(2020, 1, 1)),
                        R(tstz(2020, 6, 1, 0, 0, 0, 500'000), tstz(2020, 6, 2), "[]")}},
            });
    }
}

TEST_CASE("the server sorts and merges a multirange, typq keeps the list as given", "[types][range][multirange]")
{
    auto conn = connect_utc();
    using R = range<std::int32_t>;
    const multirange<std::int32_t> unsorted{R(3, 4), R(), R(1, 2), R(2, 3), R(10, 12)};
    const multirange<std::int32_t> canonical{R(1, 4), R(10, 12)};
    CHECK(unsorted != canonical);
    CHECK(unsorted.size() == 5);
    CHECK(unsorted.contains(11));
    CHECK_FALSE(unsorted.contains(5));
    CHECK(conn.query_value<multirange<std::int32_t>>("SELECT $1", unsorted) == canonical);
    CHECK(conn.query_value<std::string>("SELECT $1::text", unsorted) == "{[1,4),[10,12)}");

    std::vector<std::int32_t> lowers;
    for (const auto& r : canonical)
        lowers.push_back(*r.lower());
    CHECK(lowers == std::vector<std::int32_t>{1, 10});
}

// --- malformed bytes --------------------------------------------------------------------------------

TEST_CASE("malformed range bytes are conversion errors", "[types][range]")
{
    using I = range<std::int32_t>;
    const auto decode = [](const bytes& b) { return typq_test::decode<I>(b, typq::oid::int4range); };
    // A well-formed [1,5): flags 02, then 4-byte length 4 and int4 1, then length 4 and int4 5.
    REQUIRE(decode(cat({"02"_hex, be32(4), be32(1), be32(4), be32(5)})) == I(1, 5));

    const auto [value, message] = GENERATE_COPY(table<bytes, std::string>({
        {bytes{}, "too short for its flags byte"},
        {"20"_hex, "range flags 0x20 have unknown bits"},
        {"40"_hex, "range flags 0x40 have unknown bits"},
        {"81"_hex, "range flags 0x81 have unknown bits"},
        {"03"_hex, "range flags 0x03 mark an empty range that has bounds"},
        {"11"_hex, "range flags 0x11 mark an empty range that has bounds"},
        {"01 00"_hex, "empty range has 1 bytes after its flags byte"},
        {"0a"_hex, "range flags 0x0a mark an unbounded lower bound inclusive"},
        {"14"_hex, "range flags 0x14 mark an unbounded upper bound inclusive"},
        {"00"_hex, "range lower bound is missing"},
        {"00 00 00"_hex, "range lower bound is missing"},
        {cat({"00"_hex, be32(-1)}), "range lower bound has length -1"},
        {cat({"00"_hex, be32(4), "00 00"_hex}), "range lower bound is 4 bytes, past the end of the value"},
        {cat({"00"_hex, be32(4), be32(1)}), "range upper bound is missing"},
        {cat({"00"_hex, be32(4), be32(1), be32(8), be32(5)}), "range upper bound is 8 bytes, past the end"},
        {cat({"00"_hex, be32(2), "00 01"_hex, be32(4), be32(5)}), "value is 2 bytes, expected 4"},
        {cat({"00"_hex, be32(4), be32(1), be32(4), be32(5), "00"_hex}), "range has 1 bytes after its bounds"},
        {cat({"18"_hex, "00"_hex}), "range has 1 bytes after its bounds"},
        {cat({"00"_hex, be32(4), be32(5), be32(4), be32(1)}), "range lower bound is above its upper bound"},
        {cat({"10"_hex, be32(4), be32(1), be32(4), be32(5)}), "range has 8 bytes after its bounds"},
    }));
    CAPTURE(value, message);
    REQUIRE_THROWS_AS(decode(value), typq::conversion_error);
    REQUIRE_THROWS_WITH(decode(value), Contains(message) && Contains("int4range"));
}

TEST_CASE("a range bound the subtype cannot read is a conversion error", "[types][range]")
{
    // A date past the server's last one, and a numeric with a bad sign word.
    const bytes late_date = cat({"00"_hex, be32(4), be32(0), be32(4), be32(2'147'483'000)});
    REQUIRE_THROWS_AS(typq_test::decode<range<chr::sys_days>>(late_date, typq::oid::daterange), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<range<chr::sys_days>>(late_date, typq::oid::daterange),
        Contains("outside PostgreSQL's dates") && Contains("(daterange upper bound)"));
    const bytes bad_numeric = cat({"08"_hex, be32(8), "00 00 00 00 12 34 00 00"_hex});
    REQUIRE_THROWS_AS(typq_test::decode<range<typq::numeric>>(bad_numeric, typq::oid::numrange), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<range<typq::numeric>>(bad_numeric, typq::oid::numrange),
        Contains("invalid numeric sign word 0x1234") && Contains("(numrange upper bound)"));
}

TEST_CASE("malformed multirange bytes are conversion errors", "[types][range][multirange]")
{
    using M = multirange<std::int32_t>;
    const auto decode = [](const bytes& b) { return typq_test::decode<M>(b, typq::oid::int4multirange); };
    const bytes one = cat({"02"_hex, be32(4), be32(1), be32(4), be32(5)});
    REQUIRE(decode(cat({be32(1), be32(17), one})) == M{range<std::int32_t>(1, 5)});
    REQUIRE(decode(be32(0)).empty());

    const auto [value, message] = GENERATE_COPY(table<bytes, std::string>({
        {bytes{}, "too short for its 4-byte count"},
        {"00 00 00"_hex, "too short for its 4-byte count"},
        {be32(-1), "multirange has -1 ranges"},
        {be32(1), "multirange has 1 ranges but only 0 bytes for them"},
        {cat({be32(2), be32(1), "01"_hex}), "multirange has 2 ranges but only 5 bytes for them"},
        {cat({be32(0x7fffffff), be32(1), "01"_hex}), "multirange has 2147483647 ranges"},
        {cat({be32(1), be32(-1), "01"_hex}), "multirange range 0 has length -1"},
        {cat({be32(1), be32(18), one}), "multirange range 0 is 18 bytes, past the end"},
        {cat({be32(2), be32(17), one, "00 00 00"_hex}), "multirange range 1 is missing"},
        {cat({be32(2), be32(17), one, be32(1)}), "multirange range 1 is 1 bytes, past the end"},
        {cat({be32(1), be32(17), one, "00"_hex}), "multirange has 1 bytes after its last range"},
        {cat({be32(0), "00"_hex}), "multirange has 1 bytes after its last range"},
        {cat({be32(1), be32(1), "20"_hex}), "range flags 0x20 have unknown bits (int4multirange range 0)"},
        {cat({be32(1), be32(16), bytes(one.begin(), one.end() - 1)}), "range upper bound is 4 bytes, past the end"},
    }));
    CAPTURE(value, message);
    REQUIRE_THROWS_AS(decode(value), typq::conversion_error);
    REQUIRE_THROWS_WITH(decode(value), Contains(message));
}

}  // namespace types_range_test
