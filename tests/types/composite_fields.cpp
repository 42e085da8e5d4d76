// SPDX-License-Identifier: BSL-1.0
// Every type typq adapts, as an attribute of a composite type: sent as one composite parameter,
// compared with the server's text of the same value built in SQL, and read back.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace types_composite_fields_test {

enum class mood { sad, ok, happy };

struct inner {
    std::int32_t x;
    std::optional<std::string> label;

    friend bool operator==(const inner&, const inner&) = default;
};

struct everything {
    bool b;
    std::int16_t i2;
    std::int32_t i4;
    std::int64_t i8;
    float f4;
    double f8;
    std::string t;
    std::string vc;
    std::string bc;
    std::string n;
    std::vector<std::byte> by;
    typq::numeric num;
    std::chrono::sys_days d;
    typq::timestamp ts;
    typq::timestamptz tstz;
    typq::time_of_day tm;
    typq::time_of_day_tz ttz;
    typq::interval iv;
    typq::uuid u;
    typq::json j;
    typq::jsonb jb;
    typq::inet ip;
    typq::cidr cn;
    typq::macaddr mac;
    typq::macaddr8 mac8;
    typq::oid o;
    char ch;
    typq::money m;
    typq::bit_string bt;
    typq::bit_string vb;
    std::vector<std::int32_t> ia;
    std::vector<std::optional<std::string>> ta;
    typq::range<std::int32_t> r;
    typq::multirange<std::int32_t> mr;
    mood e;
    std::vector<mood> ea;
    inner nested;
    std::vector<inner> nested_array;
    std::int32_t dom;
    std::optional<std::int32_t> nothing;

    friend bool operator==(const everything&, const everything&) = default;
};

}  // namespace types_composite_fields_test

template <>
struct typq::type<types_composite_fields_test::mood> : typq::enum_type<types_composite_fields_test::mood, "mood"> {};
template <>
struct typq::type<types_composite_fields_test::inner>
    : typq::composite_type<types_composite_fields_test::inner, "inner"> {};
template <>
struct typq::type<types_composite_fields_test::everything>
    : typq::composite_type<types_composite_fields_test::everything, "everything"> {};

namespace types_composite_fields_test {

using namespace std::chrono;

void create_types(typq::connection& conn)
{
    conn.execute(R"(
        SET TimeZone = 'UTC';
        CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy');
        CREATE TYPE pg_temp.inner AS (x int4, label text);
        CREATE DOMAIN pg_temp.posint AS int4 CHECK (VALUE > 0);
        CREATE TYPE pg_temp.everything AS (
            b bool, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, t text, vc varchar(10), bc char(3), n name,
            by bytea, num numeric, d date, ts timestamp, tstz timestamptz, tm time, ttz timetz, iv interval,
            u uuid, j json, jb jsonb, ip inet, cn cidr, mac macaddr, mac8 macaddr8, o oid, ch "char", m money,
            bt bit(4), vb varbit, ia int4[], ta text[], r int4range, mr int4multirange, e mood, ea mood[],
            nested inner, nested_array inner[], dom posint, nothing int4))");
}

everything sample()
{
    return everything{true, -32768, 2147483647, -9223372036854775807 - 1, 1.5F, -0.25, "text, \"quoted\" é", "varchar",
        "ab ", "a_name", {std::byte{0}, std::byte{0xff}}, typq::numeric::parse("-12345.6700"),
        sys_days{2024y / February / 29d}, typq::timestamp{local_days{1999y / December / 31d} + 23h + 59min + 59s + 999999us},
        sys_days{2000y / January / 1d} + 1us, typq::time_of_day{24h}, typq::time_of_day_tz{typq::time_of_day{12h}, -5h},
        typq::interval{-1, 2, -3}, typq::uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), typq::json{R"({"b": 1, "a": [true]})"},
        typq::jsonb{R"({"a": [true], "b": 1})"}, typq::inet::parse("192.168.0.1/24"), typq::cidr::parse("10.0.0.0/8"),
        typq::macaddr::parse("08:00:2b:01:02:03"), typq::macaddr8::parse("08:00:2b:01:02:03:04:05"), typq::oid{1259}, 'x',
        typq::money{-123456}, typq::bit_string::parse("1010"), typq::bit_string::parse("101"), {1, -2, 3},
        {"a", std::nullopt, "c d"}, typq::range<std::int32_t>(1, 10), typq::multirange<std::int32_t>{typq::range<std::int32_t>(1, 3),
            typq::range<std::int32_t>(5, std::nullopt)},
        mood::happy, {mood::sad, mood::ok}, inner{7, std::nullopt}, {inner{1, "one"}, inner{2, std::nullopt}}, 42, std::nullopt};
}

// The same value, built by the server from literals.
constexpr const char* sample_sql = R"(ROW(true, -32768, 2147483647, -9223372036854775808, 1.5, -0.25, 'text, "quoted" é',
    'varchar', 'ab', 'a_name', '\x00ff'::bytea, -12345.6700, '2024-02-29', '1999-12-31 23:59:59.999999',
    '2000-01-01 00:00:00.000001+00', '24:00:00', '12:00:00-05', '-1 mons +2 days -00:00:00.000003',
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": 1, "a": [true]}', '{"a": [true], "b": 1}', '192.168.0.1/24',
    '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', 1259, 'x', -1234.56, B'1010', B'101',
    '{1,-2,3}', '{a,NULL,"c d"}', '[1,10)', '{[1,3),[5,)}', 'happy', '{sad,ok}', ROW(7, NULL)::inner,
    ARRAY[ROW(1, 'one')::inner, ROW(2, NULL)::inner], 42, NULL)::everything)";

TEST_CASE("every adapted type travels as a composite attribute, both ways, as the server reads and writes it",
    "[types][composite]")
{
    auto conn = typq_test::connect();
    create_types(conn);
    const everything value = sample();

    SECTION("sent: the server's text of the parameter is the text of the same value built in SQL")
    {
        const auto expected = conn.query_value<std::string>(typq::runtime(std::string("SELECT ") + sample_sql + "::text"));
        CHECK(conn.query_value<std::string>("SELECT $1::text", value) == expected);
    }
    SECTION("read: the value the server builds decodes into the same struct")
    {
        CHECK(conn.query_value<everything>(typq::runtime(std::string("SELECT ") + sample_sql)) == value);
    }
    SECTION("round trip, also as an array of composites with a NULL element")
    {
        CHECK(conn.query_value<everything>("SELECT $1", value) == value);
        const std::vector<std::optional<everything>> values{value, std::nullopt, value};
        CHECK(conn.query_value<std::vector<std::optional<everything>>>("SELECT $1", values) == values);
    }
    SECTION("a domain attribute keeps its constraint: the server checks the value typq sends")
    {
        everything bad = value;
        bad.dom = 0;
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", bad), typq::check_violation);
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", bad), Catch::Contains("posint"));
    }
}

}  // namespace types_composite_fields_test
