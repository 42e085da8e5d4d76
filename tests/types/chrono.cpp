// SPDX-License-Identifier: BSL-1.0
// tests/types/chrono.cpp: include/typq/types/chrono.hpp: date, timestamp, timestamptz, time, timetz
// and interval on std::chrono, against the server's *_send bytes, its text and its arithmetic:
// the limits of each type, ±infinity, several session TimeZones, and malformed bytes.

#include "typq_test.hpp"

#include <typq/types/chrono.hpp>

#include <chrono>       // the C++ side of every type tested here
#include <cstddef>      // std::byte
#include <cstdint>      // the wire's integers
#include <limits>       // edge values
#include <optional>     // NULL both ways
#include <string>       // literals, SQL, server text
#include <vector>       // byte vectors

namespace types_chrono_test {

using namespace typq_test::literals;
using namespace std::chrono_literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;
namespace chr = std::chrono;
using int_micros = chr::duration<int, std::micro>;  // 32-bit ticks: about 35 minutes either way

// A date from its proleptic Gregorian year (1 BC is year 0), month and day.
chr::sys_days ymd(int y, unsigned m, unsigned d)
{
    return chr::sys_days{chr::year{y} / chr::month{m} / chr::day{d}};
}

// The bytes of an int8 / int4 in network order, for hand-made malformed values.
bytes be64(std::int64_t v)
{
    std::string buffer;
    typq::writer out(buffer);
    out.put_be(v);
    const auto* first = reinterpret_cast<const std::byte*>(buffer.data());
    return {first, first + buffer.size()};
}

bytes be32(std::int32_t v)
{
    std::string buffer;
    typq::writer out(buffer);
    out.put_be(v);
    const auto* first = reinterpret_cast<const std::byte*>(buffer.data());
    return {first, first + buffer.size()};
}

bytes concat(bytes a, const bytes& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// One session's ISO text, whatever the server's defaults.
typq::connection connect_iso()
{
    auto conn = typq_test::connect();
    conn.execute("SET DateStyle = 'ISO'");
    conn.execute("SET IntervalStyle = 'postgres'");
    return conn;
}

void set_time_zone(typq::connection& conn, const std::string& zone)
{
    (void)conn.query_value<std::string>("SELECT set_config('TimeZone', $1, false)", zone);
}

struct appointment {
    std::int32_t id;
    std::chrono::sys_days day;
    typq::timestamptz starts;
    typq::timestamp local_start;
    typq::time_of_day at;
    typq::time_of_day_tz at_tz;
    typq::interval length;
    std::optional<std::chrono::sys_days> cancelled;
    std::optional<typq::timestamptz> reminded;
};

struct wrong_instant {
    typq::timestamptz at;
};

// --- concepts and parameter types -----------------------------------------------------------------

TEST_CASE("every chrono adapter can encode, and the exact ones decode", "[types][chrono]")
{
    STATIC_REQUIRE(typq::encodable<chr::sys_days>);
    STATIC_REQUIRE(typq::decodable<chr::sys_days>);
    STATIC_REQUIRE(typq::encodable<chr::local_days>);
    STATIC_REQUIRE(typq::decodable<chr::local_days>);
    STATIC_REQUIRE(typq::encodable<chr::year_month_day>);
    STATIC_REQUIRE(typq::decodable<chr::year_month_day>);
    STATIC_REQUIRE(typq::encodable<typq::timestamptz>);
    STATIC_REQUIRE(typq::decodable<typq::timestamptz>);
    STATIC_REQUIRE(typq::encodable<typq::timestamp>);
    STATIC_REQUIRE(typq::decodable<typq::timestamp>);
    STATIC_REQUIRE(typq::encodable<typq::time_of_day>);
    STATIC_REQUIRE(typq::decodable<typq::time_of_day>);
    STATIC_REQUIRE(typq::encodable<typq::time_of_day_tz>);
    STATIC_REQUIRE(typq::decodable<typq::time_of_day_tz>);
    STATIC_REQUIRE(typq::encodable<typq::interval>);
    STATIC_REQUIRE(typq::decodable<typq::interval>);
    STATIC_REQUIRE(typq::encodable<chr::microseconds>);
    STATIC_REQUIRE(typq::decodable<chr::microseconds>);
    STATIC_REQUIRE(typq::encodable<chr::nanoseconds>);
    STATIC_REQUIRE(typq::decodable<chr::seconds>);
    STATIC_REQUIRE(typq::decodable<chr::hours>);
    // Other time points are parameters only: reading a timestamp into seconds would round.
    STATIC_REQUIRE(typq::encodable<chr::sys_seconds>);
    STATIC_REQUIRE(!typq::decodable<chr::sys_seconds>);
    STATIC_REQUIRE(typq::encodable<chr::sys_time<chr::nanoseconds>>);
    STATIC_REQUIRE(!typq::decodable<chr::sys_time<chr::nanoseconds>>);
    STATIC_REQUIRE(typq::encodable<chr::local_seconds>);
    STATIC_REQUIRE(!typq::decodable<chr::local_seconds>);
    // Durations that cannot convert exactly have no adapter.
    STATIC_REQUIRE(!typq::encodable<chr::duration<double>>);
    STATIC_REQUIRE(!typq::decodable<chr::duration<double>>);
    STATIC_REQUIRE(!typq::encodable<chr::duration<std::int64_t, std::ratio<1, 3>>>);
    STATIC_REQUIRE(!typq::encodable<chr::duration<unsigned, std::milli>>);
    STATIC_REQUIRE(!typq::encodable<chr::hh_mm_ss<chr::microseconds>>);
}

TEST_CASE("chrono parameters carry the OID of their SQL type", "[types][chrono]")
{
    auto conn = typq_test::connect();
    const auto type_of = [&](const auto& v) { return conn.query_value<std::string>("SELECT pg_typeof($1)::text", v); };
    CHECK(type_of(ymd(2000, 1, 1)) == "date");
    CHECK(type_of(chr::local_days{ymd(2000, 1, 1).time_since_epoch()}) == "date");
    CHECK(type_of(chr::year_month_day{2000y / 1 / 1}) == "date");
    CHECK(type_of(typq::timestamptz{}) == "timestamp with time zone");
    CHECK(type_of(chr::sys_seconds{}) == "timestamp with time zone");
    CHECK(type_of(typq::timestamp{}) == "timestamp without time zone");
    CHECK(type_of(chr::local_seconds{}) == "timestamp without time zone");
    CHECK(type_of(typq::time_of_day{}) == "time without time zone");
    CHECK(type_of(typq::time_of_day_tz{}) == "time with time zone");
    CHECK(type_of(typq::interval{}) == "interval");
    CHECK(type_of(chr::seconds{1}) == "interval");
}

// --- date ----------------------------------------------------------------------------------------

TEST_CASE("dates round-trip through the server from its first day to its last", "[types][date]")
{
    auto conn = connect_iso();
    const std::string text = GENERATE(as<std::string>{}, "4714-11-24 BC", "4714-11-25 BC", "4713-11-24 BC",
        "0001-12-31 BC", "0001-01-01", "1900-02-28", "1900-03-01", "1969-12-31", "1970-01-01", "1999-12-31",
        "2000-01-01", "2000-02-29", "2024-02-29", "9999-12-31", "32767-12-31", "32768-01-01", "5874897-12-31");
    CAPTURE(text);
    const auto day = conn.query_value<chr::sys_days>("SELECT $1::date", text);

    SECTION("decodes the day the server means")
    {
        CHECK(day.time_since_epoch().count() == conn.query_value<std::int32_t>("SELECT $1::date - '1970-01-01'", text));
    }
    SECTION("encodes the bytes the server's date_send produces")
    {
        CHECK(typq_test::encode(day) == conn.query_value<bytes>("SELECT date_send($1::date)", text));
    }
    SECTION("the server reads the parameter as the same date")
    {
        CHECK(conn.query_value<std::string>("SELECT $1::text", day) == text);
    }
    SECTION("comes back as it went, as sys_days and as local_days")
    {
        CHECK(conn.query_value<chr::sys_days>("SELECT $1", day) == day);
        const chr::local_days local{day.time_since_epoch()};
        CHECK(conn.query_value<chr::local_days>("SELECT $1", local) == local);
        CHECK(conn.query_value<std::string>("SELECT $1::text", local) == text);
    }
}

TEST_CASE("dates read into the calendar days std::chrono computes", "[types][date]")
{
    auto conn = connect_iso();
    using row = std::tuple<std::string, chr::sys_days>;
    const auto [text, expected] = GENERATE(table<std::string, chr::sys_days>({
        row{"4714-11-24 BC", ymd(-4713, 11, 24)},
        row{"4713-11-24 BC", ymd(-4712, 11, 24)},
        row{"0001-12-31 BC", ymd(0, 12, 31)},
        row{"1970-01-01", chr::sys_days{}},
        row{"1999-12-31", ymd(1999, 12, 31)},
        row{"2000-01-01", ymd(2000, 1, 1)},
        row{"2000-02-29", ymd(2000, 2, 29)},
        row{"2024-02-29", ymd(2024, 2, 29)},
        row{"32767-12-31", ymd(32767, 12, 31)},
    }));
    CAPTURE(text);
    const chr::year_month_day calendar{expected};

    CHECK(conn.query_value<chr::sys_days>("SELECT $1::date", text) == expected);
    CHECK(conn.query_value<chr::year_month_day>("SELECT $1::date", text) == calendar);
    CHECK(typq_test::encode(calendar) == conn.query_value<bytes>("SELECT date_send($1::date)", text));
    CHECK(conn.query_value<std::string>("SELECT $1::text", calendar) == text);
    CHECK(conn.query_value<chr::year_month_day>("SELECT $1", calendar) == calendar);
}

TEST_CASE("date infinity is sys_days max and -infinity is sys_days min", "[types][date]")
{
    auto conn = connect_iso();
    const auto [text, day] = GENERATE(table<std::string, chr::sys_days>({
        {"infinity", chr::sys_days::max()},
        {"-infinity", chr::sys_days::min()},
    }));
    CAPTURE(text);

    CHECK(conn.query_value<chr::sys_days>("SELECT $1::date", text) == day);
    CHECK(typq_test::encode(day) == conn.query_value<bytes>("SELECT date_send($1::date)", text));
    CHECK(conn.query_value<std::string>("SELECT $1::text", day) == text);
    CHECK(conn.query_value<chr::sys_days>("SELECT $1", day) == day);
    CHECK(conn.query_value<bool>("SELECT $1 = $2::date", day, text));

    SECTION("which lie outside the server's finite dates")
    {
        CHECK(conn.query_value<bool>("SELECT $1 > '5874897-12-31'::date", chr::sys_days::max()));
        CHECK(conn.query_value<bool>("SELECT $1 < '4714-11-24 BC'::date", chr::sys_days::min()));
    }
    SECTION("a year_month_day has no infinity")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<chr::year_month_day>("SELECT $1::date AS d", text),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<chr::year_month_day>("SELECT $1::date AS d", text),
            Contains("\"d\"") && Contains("infinity") && Contains("sys_days"));
    }
}

TEST_CASE("dates the server cannot hold are refused when sent", "[types][date]")
{
    auto conn = connect_iso();
    const auto first = conn.query_value<chr::sys_days>("SELECT '4714-11-24 BC'::date");
    const auto last = conn.query_value<chr::sys_days>("SELECT '5874897-12-31'::date");
    REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT '5874898-01-01'::date::text"), typq::server_error);

    SECTION("the day after the last and the day before the first")
    {
        const auto day = GENERATE_COPY(last + chr::days{1}, first - chr::days{1}, chr::sys_days::max() - chr::days{1},
            chr::sys_days::min() + chr::days{1});
        REQUIRE_THROWS_AS(typq_test::encode(day), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::encode(day),
            Contains("std::chrono::sys_days") && Contains("outside PostgreSQL's dates"));
        REQUIRE_THROWS_AS((void)conn.query_value<chr::sys_days>("SELECT $1", day), typq::conversion_error);
    }
    SECTION("a year_month_day before 4714 BC")
    {
        const chr::year_month_day early{chr::year{-4713} / 11 / 23};
        REQUIRE_THROWS_AS(typq_test::encode(early), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::encode(early), Contains("year_month_day") && Contains("outside"));
    }
    SECTION("a year_month_day that is not a date")
    {
        const auto bad = GENERATE(chr::year_month_day{2023y / 2 / 29}, chr::year_month_day{2024y / 13 / 1},
            chr::year_month_day{2024y / 4 / 31});
        REQUIRE_THROWS_AS(typq_test::encode(bad), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::encode(bad), Contains("not a valid date"));
    }
}

TEST_CASE("the date decoders refuse malformed bytes and dates beyond the C++ type", "[types][date]")
{
    const auto good = be32(0);
    CHECK(typq_test::decode<chr::sys_days>(good, typq::oid::date) == ymd(2000, 1, 1));

    SECTION("truncated and oversized")
    {
        const auto bad = GENERATE(""_hex, "00 00 00"_hex, "00 00 00 00 00"_hex);
        CAPTURE(bad);
        REQUIRE_THROWS_AS(typq_test::decode<chr::sys_days>(bad, typq::oid::date), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<chr::sys_days>(bad, typq::oid::date), Contains("expected 4"));
        REQUIRE_THROWS_AS(typq_test::decode<chr::year_month_day>(bad, typq::oid::date), typq::conversion_error);
    }
    SECTION("days outside the server's range, next to the infinities")
    {
        auto conn = typq_test::connect();
        const std::int32_t first = conn.query_value<std::int32_t>("SELECT '4714-11-24 BC'::date - '2000-01-01'");
        const std::int32_t last = conn.query_value<std::int32_t>("SELECT '5874897-12-31'::date - '2000-01-01'");
        CHECK(typq_test::decode<chr::sys_days>(be32(first), typq::oid::date) == ymd(-4713, 11, 24));
        const auto days = GENERATE_COPY(first - 1, last + 1, std::numeric_limits<std::int32_t>::min() + 1,
            std::numeric_limits<std::int32_t>::max() - 1);
        CAPTURE(days);
        REQUIRE_THROWS_AS(typq_test::decode<chr::sys_days>(be32(days), typq::oid::date), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<chr::sys_days>(be32(days), typq::oid::date),
            Contains(std::to_string(days)) && Contains("outside PostgreSQL's dates"));
    }
    SECTION("a year_month_day holds no year past 32767")
    {
        auto conn = typq_test::connect();
        const auto text = GENERATE(as<std::string>{}, "32768-01-01", "5874897-12-31");
        CAPTURE(text);
        REQUIRE_THROWS_AS((void)conn.query_value<chr::year_month_day>("SELECT $1::date", text), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<chr::year_month_day>("SELECT $1::date", text),
            Contains("-32767 to 32767"));
    }
}

// --- timestamptz and timestamp --------------------------------------------------------------------

TEST_CASE("timestamptz is the same instant whatever the session TimeZone", "[types][timestamptz]")
{
    auto conn = connect_iso();
    // Each zone, and how it prints 2000-01-01 00:00:00 UTC: proof that the setting took effect.
    const auto [zone, millennium] = GENERATE(table<std::string, std::string>({
        {"UTC", "2000-01-01 00:00:00+00"},
        {"America/New_York", "1999-12-31 19:00:00-05"},
        {"Asia/Kolkata", "2000-01-01 05:30:00+05:30"},
        {"+14", "2000-01-01 14:00:00+14"},
    }));
    CAPTURE(zone);
    set_time_zone(conn, zone);
    REQUIRE(conn.query_value<std::string>("SELECT $1::text", typq::timestamptz{ymd(2000, 1, 1)}) == millennium);

    const std::string text = GENERATE(as<std::string>{}, "2000-01-01 00:00:00+00", "2024-03-10 02:30:00.123456-05",
        "2024-11-03 01:30:00-04", "1969-12-31 23:59:59.999999+05:30", "1066-10-14 09:00:00+14");
    CAPTURE(text);
    const auto instant = conn.query_value<typq::timestamptz>("SELECT $1::timestamptz", text);

    SECTION("decodes the instant, not the wall-clock time")
    {
        CHECK(instant.time_since_epoch().count()
            == conn.query_value<std::int64_t>("SELECT (extract(epoch FROM $1::timestamptz) * 1000000)::int8", text));
        if (text == "2000-01-01 00:00:00+00")
            CHECK(instant == typq::timestamptz{ymd(2000, 1, 1)});
        if (text == "2024-03-10 02:30:00.123456-05")
            CHECK(instant == typq::timestamptz{ymd(2024, 3, 10)} + 7h + 30min + 123456us);
    }
    SECTION("encodes the bytes the server's timestamptz_send produces")
    {
        CHECK(typq_test::encode(instant) == conn.query_value<bytes>("SELECT timestamptz_send($1::timestamptz)", text));
    }
    SECTION("the server reads the parameter as the same instant")
    {
        CHECK(conn.query_value<bool>("SELECT $1 = $2::timestamptz", instant, text));
        CHECK(conn.query_value<std::string>("SELECT $1::text", instant)
            == conn.query_value<std::string>("SELECT $1::timestamptz::text", text));
        CHECK(conn.query_value<std::string>("SELECT ($1 AT TIME ZONE 'UTC')::text", instant)
            == conn.query_value<std::string>("SELECT ($1::timestamptz AT TIME ZONE 'UTC')::text", text));
    }
    SECTION("comes back as it went")
    {
        CHECK(conn.query_value<typq::timestamptz>("SELECT $1", instant) == instant);
    }
    SECTION("reads the same value under UTC")
    {
        set_time_zone(conn, "UTC");
        CHECK(conn.query_value<typq::timestamptz>("SELECT $1::timestamptz", text) == instant);
    }
}

TEST_CASE("timestamptz round-trips at microsecond precision up to the limits of both sides", "[types][timestamptz]")
{
    auto conn = connect_iso();
    const std::string zone = GENERATE(as<std::string>{}, "UTC", "Asia/Kolkata");
    set_time_zone(conn, zone);
    const std::string text = GENERATE(as<std::string>{}, "4714-11-24 00:00:00+00 BC", "4714-11-24 00:00:00.000001+00 BC",
        "0001-12-31 23:59:59.999999+00 BC", "1969-12-31 23:59:59.999999+00", "1970-01-01 00:00:00+00",
        "1970-01-01 00:00:00.000001+00", "1999-12-31 23:59:59.999999+00", "2000-01-01 00:00:00.000001+00",
        "2038-01-19 03:14:08+00", "2262-04-11 23:47:16.854776+00", "294247-01-10 04:00:54.775806+00");
    CAPTURE(zone, text);
    const auto instant = conn.query_value<typq::timestamptz>("SELECT $1::timestamptz", text);

    CHECK(instant.time_since_epoch().count()
        == conn.query_value<std::int64_t>("SELECT (extract(epoch FROM $1::timestamptz) * 1000000)::int8", text));
    CHECK(typq_test::encode(instant) == conn.query_value<bytes>("SELECT timestamptz_send($1::timestamptz)", text));
    CHECK(conn.query_value<bool>("SELECT $1 = $2::timestamptz", instant, text));
    CHECK(conn.query_value<std::string>("SELECT $1::text", instant)
        == conn.query_value<std::string>("SELECT $1::timestamptz::text", text));
    CHECK(conn.query_value<typq::timestamptz>("SELECT $1", instant) == instant);
    CHECK(instant != typq::timestamptz::max());
    CHECK(instant != typq::timestamptz::min());
}

TEST_CASE("timestamp round-trips at microsecond precision up to the limits of both sides", "[types][timestamp]")
{
    auto conn = connect_iso();
    const std::string zone = GENERATE(as<std::string>{}, "UTC", "America/New_York", "+14");
    set_time_zone(conn, zone);
    const std::string text = GENERATE(as<std::string>{}, "4714-11-24 00:00:00 BC", "4714-11-24 00:00:00.000001 BC",
        "1969-12-31 23:59:59.999999", "1970-01-01 00:00:00", "1999-12-31 23:59:59.999999", "2000-01-01 00:00:00",
        "2000-02-29 12:00:00.5", "2024-03-10 02:30:00", "294247-01-10 04:00:54.775806");
    CAPTURE(zone, text);
    const auto local = conn.query_value<typq::timestamp>("SELECT $1::timestamp", text);

    CHECK(local.time_since_epoch().count()
        == conn.query_value<std::int64_t>("SELECT (extract(epoch FROM $1::timestamp) * 1000000)::int8", text));
    CHECK(typq_test::encode(local) == conn.query_value<bytes>("SELECT timestamp_send($1::timestamp)", text));
    CHECK(conn.query_value<std::string>("SELECT $1::text", local) == text);
    CHECK(conn.query_value<typq::timestamp>("SELECT $1", local) == local);
    if (text == "2024-03-10 02:30:00")  // a wall-clock time that does not exist in New York
        CHECK(local == typq::timestamp{chr::local_days{ymd(2024, 3, 10).time_since_epoch()}} + 2h + 30min);
}

TEST_CASE("timestamp infinity is time_point max and -infinity is time_point min", "[types][timestamptz][timestamp]")
{
    auto conn = connect_iso();
    const std::string text = GENERATE(as<std::string>{}, "infinity", "-infinity");
    const bool positive = text == "infinity";
    CAPTURE(text);

    SECTION("timestamptz")
    {
        const auto v = positive ? typq::timestamptz::max() : typq::timestamptz::min();
        CHECK(conn.query_value<typq::timestamptz>("SELECT $1::timestamptz", text) == v);
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT timestamptz_send($1::timestamptz)", text));
        CHECK(conn.query_value<std::string>("SELECT $1::text", v) == text);
        CHECK(conn.query_value<typq::timestamptz>("SELECT $1", v) == v);
    }
    SECTION("timestamp")
    {
        const auto v = positive ? typq::timestamp::max() : typq::timestamp::min();
        CHECK(conn.query_value<typq::timestamp>("SELECT $1::timestamp", text) == v);
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT timestamp_send($1::timestamp)", text));
        CHECK(conn.query_value<std::string>("SELECT $1::text", v) == text);
        CHECK(conn.query_value<typq::timestamp>("SELECT $1", v) == v);
    }
    SECTION("max() and min() of other durations are the infinities too")
    {
        const auto expected = conn.query_value<bytes>("SELECT timestamptz_send($1::timestamptz)", text);
        CHECK(typq_test::encode(positive ? chr::sys_seconds::max() : chr::sys_seconds::min()) == expected);
        CHECK(typq_test::encode(positive ? chr::sys_time<chr::nanoseconds>::max() : chr::sys_time<chr::nanoseconds>::min())
            == expected);
        CHECK(typq_test::encode(positive ? chr::local_seconds::max() : chr::local_seconds::min())
            == conn.query_value<bytes>("SELECT timestamp_send($1::timestamp)", text));
    }
}

TEST_CASE("timestamps beyond the C++ or the server's range are refused, never wrapped", "[types][timestamptz][timestamp]")
{
    auto conn = connect_iso();
    set_time_zone(conn, "UTC");

    SECTION("the server's last microseconds past what sys_time<microseconds> holds")
    {
        const auto text = GENERATE(as<std::string>{}, "294247-01-10 04:00:54.775807", "294247-01-10 04:00:54.775808",
            "294276-12-31 23:59:59.999999");
        CAPTURE(text);
        REQUIRE_THROWS_AS((void)conn.query_value<typq::timestamptz>("SELECT $1::timestamptz AS t", text),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<typq::timestamptz>("SELECT $1::timestamptz AS t", text),
            Contains("\"t\"") && Contains("294247-01-10 04:00:54.775806") && Contains("std::chrono::sys_time"));
        REQUIRE_THROWS_AS((void)conn.query_value<typq::timestamp>("SELECT $1::timestamp AS t", text),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<typq::timestamp>("SELECT $1::timestamp AS t", text),
            Contains("294247-01-10 04:00:54.775806") && Contains("std::chrono::local_time"));
    }
    SECTION("one microsecond before the server's first timestamp")
    {
        const auto first = conn.query_value<typq::timestamptz>("SELECT '4714-11-24 00:00:00+00 BC'::timestamptz");
        CHECK(typq_test::encode(first) == conn.query_value<bytes>("SELECT timestamptz_send('4714-11-24 00:00:00+00 BC')"));
        const auto before = first - 1us;
        REQUIRE_THROWS_AS(typq_test::encode(before), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::encode(before), Contains("timestamptz") && Contains("4714-11-24 00:00:00 BC"));
        REQUIRE_THROWS_AS(typq_test::encode(typq::timestamptz::min() + 1us), typq::conversion_error);
        const typq::timestamp local_before{before.time_since_epoch()};
        REQUIRE_THROWS_AS(typq_test::encode(local_before), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::encode(local_before), Contains("timestamp") && Contains("before"));
        REQUIRE_THROWS_AS((void)conn.query_value<typq::timestamptz>("SELECT $1", before), typq::conversion_error);
    }
    SECTION("the last finite C++ value goes to the server and back")
    {
        const auto last = typq::timestamptz::max() - 1us;
        CHECK(conn.query_value<std::string>("SELECT $1::text", last) == "294247-01-10 04:00:54.775806+00");
        CHECK(conn.query_value<typq::timestamptz>("SELECT $1", last) == last);
        CHECK(conn.query_value<bool>("SELECT $1 < 'infinity'::timestamptz", last));
    }
}

TEST_CASE("sys_time and local_time of other durations are sent exactly or refused", "[types][timestamptz][timestamp]")
{
    auto conn = connect_iso();
    set_time_zone(conn, "UTC");
    const typq::timestamptz instant = typq::timestamptz{ymd(2024, 2, 29)} + 13h + 14min + 15s;

    SECTION("seconds, milliseconds, nanoseconds and hours that are whole microseconds")
    {
        const auto expected = typq_test::encode(instant);
        CHECK(typq_test::encode(chr::time_point_cast<chr::seconds>(instant)) == expected);
        CHECK(typq_test::encode(chr::time_point_cast<chr::milliseconds>(instant)) == expected);
        CHECK(typq_test::encode(chr::time_point_cast<chr::nanoseconds>(instant)) == expected);
        CHECK(typq_test::encode(chr::sys_time<chr::hours>{ymd(2024, 2, 29)} + 13h)
            == typq_test::encode(typq::timestamptz{ymd(2024, 2, 29)} + 13h));
        CHECK(conn.query_value<std::string>("SELECT $1::text", chr::sys_seconds{ymd(1999, 12, 31)} - 1s)
            == "1999-12-30 23:59:59+00");
        CHECK(conn.query_value<std::string>("SELECT $1::text", chr::sys_time<chr::nanoseconds>{ymd(1970, 1, 1)} - 1000ns)
            == "1969-12-31 23:59:59.999999+00");
        CHECK(conn.query_value<std::string>("SELECT $1::text", chr::local_seconds{ymd(2000, 1, 1).time_since_epoch()})
            == "2000-01-01 00:00:00");
        CHECK(conn.query_value<bool>("SELECT $1 = $2", chr::time_point_cast<chr::milliseconds>(instant), instant));
    }
    SECTION("nanoseconds below a microsecond are an error, not a rounding")
    {
        const auto ns = GENERATE(1, 999, -1, 500);
        CAPTURE(ns);
        const auto v = chr::time_point_cast<chr::nanoseconds>(instant) + chr::nanoseconds{ns};
        REQUIRE_THROWS_AS(typq_test::encode(v), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::encode(v), Contains("timestamptz") && Contains("below a microsecond"));
        REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1::text", v), typq::conversion_error);
        const chr::local_time<chr::nanoseconds> local{v.time_since_epoch()};
        REQUIRE_THROWS_AS(typq_test::encode(local), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::encode(local), Contains("timestamp") && Contains("below a microsecond"));
    }
    SECTION("seconds beyond what microseconds hold")
    {
        const auto v = chr::sys_seconds::max() - 1s;
        REQUIRE_THROWS_AS(typq_test::encode(v), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::encode(v), Contains("outside PostgreSQL's timestamps"));
        REQUIRE_THROWS_AS(typq_test::encode(chr::sys_seconds::min() + 1s), typq::conversion_error);
    }
}

TEST_CASE("the timestamp decoders refuse malformed bytes", "[types][timestamptz][timestamp]")
{
    auto conn = typq_test::connect();
    const auto good = conn.query_value<bytes>("SELECT timestamptz_send('2000-01-01 00:00:00.000001+00')");
    CHECK(typq_test::decode<typq::timestamptz>(good, typq::oid::timestamptz) == typq::timestamptz{ymd(2000, 1, 1)} + 1us);

    SECTION("truncated and oversized")
    {
        const auto bad = GENERATE_COPY(bytes{}, bytes(good.begin(), good.end() - 1), concat(good, "00"_hex));
        CAPTURE(bad);
        REQUIRE_THROWS_AS(typq_test::decode<typq::timestamptz>(bad, typq::oid::timestamptz), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<typq::timestamptz>(bad, typq::oid::timestamptz), Contains("expected 8"));
        REQUIRE_THROWS_AS(typq_test::decode<typq::timestamp>(bad, typq::oid::timestamp), typq::conversion_error);
    }
    SECTION("values outside the server's range, next to its limits and the infinities")
    {
        const auto first = conn.query_value<std::int64_t>(
            "SELECT (extract(epoch FROM '4714-11-24 00:00:00 BC'::timestamp - '2000-01-01') * 1000000)::int8");
        const auto last = conn.query_value<std::int64_t>(
            "SELECT (extract(epoch FROM '294276-12-31 23:59:59.999999'::timestamp - '2000-01-01') * 1000000)::int8");
        CHECK(be64(last) == conn.query_value<bytes>("SELECT timestamp_send('294276-12-31 23:59:59.999999')"));
        const auto usecs = GENERATE_COPY(first - 1, last + 1, std::numeric_limits<std::int64_t>::min() + 1,
            std::numeric_limits<std::int64_t>::max() - 1);
        CAPTURE(usecs);
        REQUIRE_THROWS_AS(typq_test::decode<typq::timestamptz>(be64(usecs), typq::oid::timestamptz),
            typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<typq::timestamptz>(be64(usecs), typq::oid::timestamptz),
            Contains(std::to_string(usecs)) && Contains("outside PostgreSQL's timestamps"));
        REQUIRE_THROWS_AS(typq_test::decode<typq::timestamp>(be64(usecs), typq::oid::timestamp),
            typq::conversion_error);
    }
    SECTION("a timestamptz field refuses a timestamp column, and the other way round")
    {
        REQUIRE_THROWS_AS((void)conn.query<wrong_instant>("SELECT now()::timestamp AS at"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query<wrong_instant>("SELECT now()::timestamp AS at"),
            Contains("\"at\"") && Contains("timestamp"));
        REQUIRE_THROWS_AS((void)conn.query_value<typq::timestamp>("SELECT now() AS at"), typq::conversion_error);
        REQUIRE_THROWS_AS((void)conn.query_value<chr::sys_days>("SELECT now() AS at"), typq::conversion_error);
    }
}

// --- time ------------------------------------------------------------------------------------------

TEST_CASE("time round-trips from 00:00:00 to 24:00:00", "[types][time]")
{
    auto conn = connect_iso();
    const std::string text = GENERATE(as<std::string>{}, "00:00:00", "00:00:00.000001", "12:34:56.789012",
        "23:59:59.999999", "24:00:00");
    CAPTURE(text);
    const auto t = conn.query_value<typq::time_of_day>("SELECT $1::time", text);

    CHECK(t.since_midnight().count()
        == conn.query_value<std::int64_t>("SELECT (extract(epoch FROM $1::time) * 1000000)::int8", text));
    CHECK(typq_test::encode(t) == conn.query_value<bytes>("SELECT time_send($1::time)", text));
    CHECK(conn.query_value<std::string>("SELECT $1::text", t) == text);
    CHECK(conn.query_value<typq::time_of_day>("SELECT $1", t) == t);
    if (text == "24:00:00")
        CHECK(t == typq::time_of_day::end_of_day());
    if (text == "23:59:59.999999")
        CHECK(t == typq::time_of_day{23h + 59min + 59s + 999999us});
}

TEST_CASE("time_of_day holds 00:00:00 to 24:00:00 and converts to hh_mm_ss", "[types][time]")
{
    SECTION("construction checks the range")
    {
        CHECK(typq::time_of_day{}.since_midnight() == 0us);
        CHECK(typq::time_of_day{24h} == typq::time_of_day::end_of_day());
        const auto bad = GENERATE(-1us, 24h + 1us, -24h, 48h);
        CAPTURE(bad);
        REQUIRE_THROWS_AS(typq::time_of_day{bad}, typq::conversion_error);
        REQUIRE_THROWS_WITH(typq::time_of_day{bad}, Contains("00:00:00 and 24:00:00"));
        REQUIRE_THROWS_AS(typq::time_of_day{chr::hh_mm_ss<chr::microseconds>{bad}}, typq::conversion_error);
    }
    SECTION("to and from hh_mm_ss")
    {
        const typq::time_of_day t{chr::hh_mm_ss<chr::microseconds>{13h + 14min + 15s + 16us}};
        const auto hms = t.to_hh_mm_ss();
        CHECK(hms.hours() == 13h);
        CHECK(hms.minutes() == 14min);
        CHECK(hms.seconds() == 15s);
        CHECK(hms.subseconds() == 16us);
        CHECK(static_cast<chr::hh_mm_ss<chr::microseconds>>(t).to_duration() == t.since_midnight());
    }
    SECTION("24:00:00 becomes an hh_mm_ss whose hours() is 24")
    {
        const auto hms = typq::time_of_day::end_of_day().to_hh_mm_ss();
        CHECK(hms.hours() == 24h);
        CHECK(hms.minutes() == 0min);
        CHECK(hms.to_duration() == 24h);
    }
    SECTION("ordered by time of day")
    {
        CHECK(typq::time_of_day{} < typq::time_of_day{1us});
        CHECK(typq::time_of_day{23h} < typq::time_of_day::end_of_day());
        CHECK((typq::time_of_day{5h} <=> typq::time_of_day{5h}) == std::strong_ordering::equal);
    }
}

TEST_CASE("the time decoder refuses malformed bytes", "[types][time]")
{
    SECTION("truncated and oversized")
    {
        const auto bad = GENERATE(""_hex, "00 00 00 00 00 00 00"_hex, "00 00 00 00 00 00 00 00 00"_hex);
        CAPTURE(bad);
        REQUIRE_THROWS_AS(typq_test::decode<typq::time_of_day>(bad, typq::oid::time), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<typq::time_of_day>(bad, typq::oid::time), Contains("expected 8"));
    }
    SECTION("before midnight and after 24:00:00")
    {
        auto conn = typq_test::connect();
        const auto end = conn.query_value<bytes>("SELECT time_send('24:00:00')");
        CHECK(typq_test::decode<typq::time_of_day>(end, typq::oid::time) == typq::time_of_day::end_of_day());
        const auto usecs = GENERATE(std::int64_t{-1}, std::int64_t{86'400'000'001}, std::numeric_limits<std::int64_t>::min(),
            std::numeric_limits<std::int64_t>::max());
        CAPTURE(usecs);
        REQUIRE_THROWS_AS(typq_test::decode<typq::time_of_day>(be64(usecs), typq::oid::time), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<typq::time_of_day>(be64(usecs), typq::oid::time),
            Contains(std::to_string(usecs)) && Contains("outside 00:00:00 to 24:00:00"));
    }
}

// --- timetz ----------------------------------------------------------------------------------------

TEST_CASE("timetz round-trips with offsets east and west of UTC", "[types][timetz]")
{
    auto conn = connect_iso();
    const std::string text = GENERATE(as<std::string>{}, "12:00:00+05:30", "12:00:00-08", "23:59:59.999999+00",
        "00:00:00+15:59:59", "24:00:00-15:59:59", "06:00:00.5+14", "01:02:03-00:00:01");
    CAPTURE(text);
    const auto t = conn.query_value<typq::time_of_day_tz>("SELECT $1::timetz", text);

    CHECK(t.utc_offset.count() == conn.query_value<std::int32_t>("SELECT extract(timezone FROM $1::timetz)::int4", text));
    CHECK(t.time.since_midnight().count()
        == conn.query_value<std::int64_t>("SELECT (extract(epoch FROM $1::timetz::time) * 1000000)::int8", text));
    CHECK(typq_test::encode(t) == conn.query_value<bytes>("SELECT timetz_send($1::timetz)", text));
    CHECK(conn.query_value<std::string>("SELECT $1::text", t) == text);
    CHECK(conn.query_value<typq::time_of_day_tz>("SELECT $1", t) == t);
    if (text == "12:00:00+05:30")
        CHECK(t == typq::time_of_day_tz{typq::time_of_day{12h}, 5h + 30min});
    if (text == "12:00:00-08")
        CHECK(t == typq::time_of_day_tz{typq::time_of_day{12h}, -8h});
}

TEST_CASE("timetz offsets of 16 hours or more are refused both ways", "[types][timetz]")
{
    SECTION("when sent")
    {
        const auto offset = GENERATE(16h, -16h, chr::hours{100});
        const typq::time_of_day_tz v{typq::time_of_day{12h}, offset};
        REQUIRE_THROWS_AS(typq_test::encode(v), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::encode(v), Contains("timetz") && Contains("16 hours"));
    }
    SECTION("when read")
    {
        auto conn = typq_test::connect();
        const auto good = conn.query_value<bytes>("SELECT timetz_send('12:00:00+05:30')");
        REQUIRE(good.size() == 12);
        const bytes time(good.begin(), good.begin() + 8);
        const auto zone = GENERATE(std::int32_t{57600}, std::int32_t{-57600}, std::numeric_limits<std::int32_t>::min());
        CAPTURE(zone);
        REQUIRE_THROWS_AS(typq_test::decode<typq::time_of_day_tz>(concat(time, be32(zone)), typq::oid::timetz),
            typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<typq::time_of_day_tz>(concat(time, be32(zone)), typq::oid::timetz),
            Contains(std::to_string(zone)) && Contains("16 hours"));
    }
}

TEST_CASE("the timetz decoder refuses malformed bytes", "[types][timetz]")
{
    auto conn = typq_test::connect();
    const auto good = conn.query_value<bytes>("SELECT timetz_send('12:00:00-08')");
    REQUIRE(good.size() == 12);

    SECTION("truncated and oversized")
    {
        const auto bad = GENERATE_COPY(bytes{}, bytes(good.begin(), good.begin() + 8),
            bytes(good.begin(), good.end() - 1), concat(good, "00"_hex));
        CAPTURE(bad);
        REQUIRE_THROWS_AS(typq_test::decode<typq::time_of_day_tz>(bad, typq::oid::timetz), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<typq::time_of_day_tz>(bad, typq::oid::timetz), Contains("expected 12"));
    }
    SECTION("a time after 24:00:00 or before midnight")
    {
        const bytes zone(good.begin() + 8, good.end());
        const auto usecs = GENERATE(std::int64_t{-1}, std::int64_t{86'400'000'001});
        REQUIRE_THROWS_AS(typq_test::decode<typq::time_of_day_tz>(concat(be64(usecs), zone), typq::oid::timetz),
            typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<typq::time_of_day_tz>(concat(be64(usecs), zone), typq::oid::timetz),
            Contains("outside 00:00:00 to 24:00:00"));
    }
}

// --- interval --------------------------------------------------------------------------------------

TEST_CASE("intervals round-trip with negative and mixed parts", "[types][interval]")
{
    auto conn = connect_iso();
    const std::string text = GENERATE(as<std::string>{}, "1 year 2 mons -3 days +04:05:06.789", "-1 days +01:00:00",
        "00:00:00", "00:00:00.000001", "-00:00:00.000001", "-1 years -2 mons +3 days -04:05:06.789", "1 mon",
        "178000000 years", "-178000000 years", "2147483647 days", "-2147483648 days", "2562047788:00:54.775807",
        "-2562047788:00:54.775807");
    CAPTURE(text);
    const auto v = conn.query_value<typq::interval>("SELECT $1::interval", text);

    CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT interval_send($1::interval)", text));
    CHECK(conn.query_value<std::string>("SELECT $1::text", v) == text);
    CHECK(conn.query_value<typq::interval>("SELECT $1", v) == v);
    CHECK(conn.query_value<bool>("SELECT $1 = $2::interval", v, text));
}

TEST_CASE("interval parts are the server's months, days and microseconds", "[types][interval]")
{
    auto conn = connect_iso();
    SECTION("every part at its limits, which the server's text cannot always spell")
    {
        const auto v = GENERATE(typq::interval{std::numeric_limits<std::int32_t>::min(),
                                    std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int64_t>::min()},
            typq::interval{std::numeric_limits<std::int32_t>::max(), std::numeric_limits<std::int32_t>::max(),
                std::numeric_limits<std::int64_t>::max()},
            typq::interval{0, 0, std::numeric_limits<std::int64_t>::min()});
        CAPTURE(v);
        CHECK(conn.query_value<bytes>("SELECT interval_send($1)", v) == typq_test::encode(v));
        CHECK(conn.query_value<typq::interval>("SELECT $1", v) == v);
    }
    CHECK(conn.query_value<typq::interval>("SELECT '1 year 2 mons -3 days 04:05:06.789'::interval")
        == typq::interval{14, -3, (4h + 5min + 6s + 789ms) / 1us});
    CHECK(conn.query_value<typq::interval>("SELECT '-1 days +1 hours'::interval") == typq::interval{0, -1, 1h / 1us});
    CHECK(conn.query_value<typq::interval>("SELECT '36 hours'::interval") == typq::interval{0, 0, 36h / 1us});
    CHECK(conn.query_value<typq::interval>("SELECT '2 weeks'::interval") == typq::interval{0, 14, 0});
    CHECK(conn.query_value<std::string>("SELECT $1::text", typq::interval{-13, 40, -(25h / 1us)})
        == "-1 years -1 mons +40 days -25:00:00");
}

TEST_CASE("std::chrono durations are intervals without months or days", "[types][interval]")
{
    auto conn = connect_iso();

    SECTION("round trips of several tick sizes")
    {
        CHECK(conn.query_value<chr::microseconds>("SELECT '-1 hours +0.000001 seconds'::interval") == -1h + 1us);
        CHECK(conn.query_value<chr::seconds>("SELECT '25:00:01'::interval") == 25h + 1s);
        CHECK(conn.query_value<chr::hours>("SELECT '-48:00:00'::interval") == -48h);
        CHECK(conn.query_value<chr::nanoseconds>("SELECT '00:00:01.5'::interval") == 1500ms);
        CHECK(conn.query_value<chr::duration<int, std::milli>>("SELECT '00:00:02.25'::interval") == 2250ms);
        const auto d = GENERATE(chr::microseconds{0}, chr::microseconds{1}, chr::microseconds{-1},
            chr::microseconds{(4h + 5min + 6s + 789ms) / 1us}, chr::microseconds{std::numeric_limits<std::int64_t>::max()},
            chr::microseconds{std::numeric_limits<std::int64_t>::min()});
        CAPTURE(d);
        CHECK(typq_test::encode(d) == typq_test::encode(typq::interval{0, 0, d.count()}));
        CHECK(conn.query_value<chr::microseconds>("SELECT $1", d) == d);
        CHECK(conn.query_value<std::int64_t>("SELECT (extract(epoch FROM $1) * 1000000)::int8", d) == d.count());
    }
    SECTION("days and coarser ticks go into the time part")
    {
        CHECK(typq_test::encode(chr::days{3}) == typq_test::encode(typq::interval{0, 0, chr::microseconds{72h}.count()}));
        CHECK(conn.query_value<std::string>("SELECT $1::text", chr::days{3}) == "72:00:00");
        CHECK(conn.query_value<bool>("SELECT $1 = '3 days'::interval", chr::days{3}));
        CHECK(conn.query_value<std::string>("SELECT $1::text", 1500ms) == "00:00:01.5");
        CHECK(conn.query_value<std::string>("SELECT $1::text", 2000ns) == "00:00:00.000002");
    }
    SECTION("an interval with months or days is refused")
    {
        const auto text = GENERATE(as<std::string>{}, "1 mon", "1 year", "-1 mons", "1 day", "-1 days +24:00:00");
        CAPTURE(text);
        REQUIRE_THROWS_AS((void)conn.query_value<chr::microseconds>("SELECT $1::interval AS span", text),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<chr::microseconds>("SELECT $1::interval AS span", text),
            Contains("\"span\"") && Contains("months or days") && Contains("typq::interval"));
    }
    SECTION("an interval that does not fit the duration exactly is refused")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<chr::seconds>("SELECT '00:00:01.5'::interval"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<chr::seconds>("SELECT '00:00:01.5'::interval"),
            Contains("not a whole number"));
        REQUIRE_THROWS_AS((void)conn.query_value<chr::nanoseconds>("SELECT '2562047788:00:54.775807'::interval"),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<chr::nanoseconds>("SELECT '2562047788:00:54.775807'::interval"),
            Contains("outside the std::chrono::duration's range"));
        REQUIRE_THROWS_AS((void)conn.query_value<int_micros>("SELECT '01:00:00'::interval"),
            typq::conversion_error);
    }
    SECTION("a duration that is not whole microseconds or too long is refused when sent")
    {
        REQUIRE_THROWS_AS(typq_test::encode(1001ns), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::encode(1001ns), Contains("interval") && Contains("below a microsecond"));
        REQUIRE_THROWS_AS(typq_test::encode(chr::seconds{std::numeric_limits<std::int64_t>::max() / 1000}),
            typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::encode(chr::seconds{std::numeric_limits<std::int64_t>::max() / 1000}),
            Contains("too long"));
        REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1::text", 1001ns), typq::conversion_error);
    }
}

TEST_CASE("the interval decoders refuse truncated and oversized bytes", "[types][interval]")
{
    auto conn = typq_test::connect();
    const auto good = conn.query_value<bytes>("SELECT interval_send('1 year 2 mons -3 days 04:05:06.789')");
    REQUIRE(good.size() == 16);
    const auto bad = GENERATE_COPY(bytes{}, bytes(good.begin(), good.begin() + 8), bytes(good.begin(), good.end() - 1),
        concat(good, "00"_hex));
    CAPTURE(bad);
    REQUIRE_THROWS_AS(typq_test::decode<typq::interval>(bad, typq::oid::interval), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<typq::interval>(bad, typq::oid::interval), Contains("expected 16"));
    REQUIRE_THROWS_AS(typq_test::decode<chr::microseconds>(bad, typq::oid::interval), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<chr::microseconds>(bad, typq::oid::interval), Contains("expected 16"));
}

// --- NULL and struct fields ----------------------------------------------------------------------------

TEST_CASE("chrono values are NULL as empty optionals, both ways", "[types][chrono]")
{
    auto conn = connect_iso();
    CHECK_FALSE(conn.query_value<std::optional<chr::sys_days>>("SELECT NULL::date").has_value());
    CHECK_FALSE(conn.query_value<std::optional<typq::timestamptz>>("SELECT NULL::timestamptz").has_value());
    CHECK_FALSE(conn.query_value<std::optional<typq::timestamp>>("SELECT NULL::timestamp").has_value());
    CHECK_FALSE(conn.query_value<std::optional<typq::time_of_day>>("SELECT NULL::time").has_value());
    CHECK_FALSE(conn.query_value<std::optional<typq::time_of_day_tz>>("SELECT NULL::timetz").has_value());
    CHECK_FALSE(conn.query_value<std::optional<typq::interval>>("SELECT NULL::interval").has_value());
    CHECK_FALSE(conn.query_value<std::optional<chr::seconds>>("SELECT NULL::interval").has_value());

    CHECK(conn.query_value<bool>("SELECT $1::date IS NULL", std::optional<chr::sys_days>{}));
    CHECK(conn.query_value<bool>("SELECT $1::timestamptz IS NULL", std::optional<typq::timestamptz>{}));
    CHECK(conn.query_value<bool>("SELECT $1::interval IS NULL", std::optional<chr::seconds>{}));
    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", std::optional<typq::time_of_day>{}));

    const std::optional<chr::sys_days> day = ymd(2024, 2, 29);
    CHECK(conn.query_value<std::optional<chr::sys_days>>("SELECT $1", day) == day);
    const std::optional<typq::timestamptz> instant = typq::timestamptz::max();
    CHECK(conn.query_value<std::optional<typq::timestamptz>>("SELECT $1", instant) == instant);
    CHECK(conn.query_value<std::string>("SELECT $1::text", day) == "2024-02-29");
}

TEST_CASE("chrono values map to struct fields by name", "[types][chrono]")
{
    auto conn = connect_iso();
    set_time_zone(conn, "Asia/Kolkata");
    conn.execute("CREATE TEMP TABLE appointments (id int4, day date, starts timestamptz, local_start timestamp, "
                 "at time, at_tz timetz, length interval, cancelled date, reminded timestamptz)");
    const appointment in{7, ymd(2024, 2, 29), typq::timestamptz{ymd(2024, 2, 29)} + 9h + 30min + 1us,
        typq::timestamp{chr::local_days{ymd(2024, 2, 29).time_since_epoch()}} + 15h,
        typq::time_of_day::end_of_day(), typq::time_of_day_tz{typq::time_of_day{9h}, -(3h + 30min)},
        typq::interval{1, -2, 3}, std::nullopt, typq::timestamptz::min()};
    CHECK(conn.execute("INSERT INTO appointments VALUES (:id, :day, :starts, :local_start, :at, :at_tz, :length, "
                       ":cancelled, :reminded)", in) == 1);

    CHECK(conn.query_value<std::string>("SELECT concat_ws(' | ', id, day, starts AT TIME ZONE 'UTC', local_start, at, "
                                        "at_tz, length, cancelled IS NULL, reminded) FROM appointments")
        == "7 | 2024-02-29 | 2024-02-29 09:30:00.000001 | 2024-02-29 15:00:00 | 24:00:00 | 09:00:00-03:30 | "
           "1 mon -2 days +00:00:00.000003 | t | -infinity");

    const auto out = conn.query_one<appointment>(
        "SELECT reminded, cancelled, length, at_tz, at, local_start, starts, day, id FROM appointments");
    CHECK(out.id == in.id);
    CHECK(out.day == in.day);
    CHECK(out.starts == in.starts);
    CHECK(out.local_start == in.local_start);
    CHECK(out.at == in.at);
    CHECK(out.at_tz == in.at_tz);
    CHECK(out.length == in.length);
    CHECK_FALSE(out.cancelled.has_value());
    CHECK(out.reminded == in.reminded);
}

}  // namespace types_chrono_test
