// SPDX-License-Identifier: BSL-1.0
// tests/sql/compose.cpp: safe SQL composition: typq::identifier, typq::literal (strings with
// quotes and backslashes, and a value of every type family, each run on the server and read
// back), typq::format_sql with its checks, typq::join and typq::placeholder.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <chrono>       // date and time literals
#include <cmath>        // std::isnan
#include <cstddef>      // std::byte
#include <cstdint>      // integer literals
#include <limits>       // edge values
#include <map>          // hstore
#include <optional>     // NULL
#include <string>       // texts
#include <string_view>  // names
#include <vector>       // arrays, parts

namespace sql_compose_test {

enum class mood { sad, ok, happy };

// The literal of `value`, checked against the server: it equals `value` sent as a parameter (by
// the server's own comparison), and prints as the parameter prints.
template <class T>
void check_literal(typq::connection& conn, const T& value)
{
    const typq::sql_fragment lit = typq::literal(value);
    INFO("literal: " << std::string(lit.text()));
    CHECK(conn.query_value<bool>(typq::format_sql("SELECT ({}) IS NOT DISTINCT FROM $1", lit), value));
    CHECK(conn.query_value<std::optional<std::string>>(typq::format_sql("SELECT ({})::text", lit))
        == conn.query_value<std::optional<std::string>>("SELECT $1::text", value));
}

// The literal of `value` read back into a T.
template <class T>
T read_back(typq::connection& conn, const T& value)
{
    return conn.query_value<T>(typq::format_sql("SELECT {}", typq::literal(value)));
}

void create_extension(typq::connection& conn, const std::string& name)
{
    conn.execute(typq::runtime("BEGIN; SELECT pg_advisory_xact_lock(4242); CREATE EXTENSION IF NOT EXISTS " + name
        + "; COMMIT;"));
}

}  // namespace sql_compose_test

template <>
struct typq::type<sql_compose_test::mood> : typq::enum_type<sql_compose_test::mood, "typq_compose_mood"> {};

namespace sql_compose_test {

TEST_CASE("typq::identifier quotes any name so that it means exactly that name", "[sql][compose]")
{
    auto conn = typq_test::connect();
    const std::vector<std::string> names{"plain", "UPPER", "Mixed Case", "with space", "select", "a\"quote",
        "\"quoted\"", "ünïcödé", "日本語", "semi;colon", "dash--comment", "$1", "it's"};
    std::vector<typq::sql_fragment> columns;
    for (const std::string& name : names)
        columns.push_back(typq::format_sql("{} int4", typq::identifier(name)));
    conn.execute(typq::format_sql("CREATE TEMP TABLE {} ({})", typq::identifier("Odd Table"), typq::join(columns, ", ")));

    // The server's catalog has the names as given, in order.
    const auto listed = conn.query<std::string>(
        "SELECT attname::text FROM pg_attribute WHERE attrelid = '\"Odd Table\"'::regclass AND attnum > 0 ORDER BY attnum");
    REQUIRE(listed.size() == names.size());
    for (std::size_t i = 0; i < names.size(); ++i)
        CHECK(listed[i] == names[i]);

    // And a row read through them has columns of those names.
    std::vector<typq::sql_fragment> selected;
    for (const std::string& name : names)
        selected.push_back(typq::identifier("Odd Table", name));
    conn.execute(typq::format_sql("INSERT INTO {} ({}) VALUES ({})", typq::identifier("Odd Table"),
        typq::join(std::vector<typq::sql_fragment>{typq::identifier("select"), typq::identifier("$1")}, ", "),
        typq::sql_fragment("1, 2")));
    const auto r = conn.query_one<typq::row>(
        typq::format_sql("SELECT {} FROM pg_temp.{}", typq::join(selected, ", "), typq::identifier("Odd Table")));
    CHECK(r.name(4) == "select");
    CHECK(r.get<std::int32_t>("select") == 1);
    CHECK(r.get<std::int32_t>("$1") == 2);
    CHECK(r.is_null("UPPER"));

    CHECK(typq::identifier("a\"b").text() == R"("a""b")");
    CHECK(typq::identifier("app", "users").text() == R"("app"."users")");
    CHECK(typq::identifier("app", "users", "id").text() == R"("app"."users"."id")");
    CHECK(conn.query_value<std::int64_t>(typq::format_sql("SELECT count(*) FROM {}", typq::identifier("pg_catalog", "pg_am")))
        > 0);
}

TEST_CASE("typq::identifier refuses what no identifier can be", "[sql][compose]")
{
    REQUIRE_THROWS_AS((void)typq::identifier(""), typq::usage_error);
    REQUIRE_THROWS_WITH((void)typq::identifier(""), Catch::Contains("empty"));
    REQUIRE_THROWS_AS((void)typq::identifier(std::string_view("a\0b", 3)), typq::usage_error);
    REQUIRE_THROWS_WITH((void)typq::identifier(std::string_view("a\0b", 3)), Catch::Contains("NUL byte"));
    REQUIRE_THROWS_AS((void)typq::identifier("bad \xff utf-8"), typq::usage_error);
    REQUIRE_THROWS_WITH((void)typq::identifier("bad \xff utf-8"), Catch::Contains("not valid UTF-8"));
    REQUIRE_THROWS_AS((void)typq::identifier("ok", ""), typq::usage_error);
}

TEST_CASE("typq::literal renders strings with quotes and backslashes as the server reads them", "[sql][compose]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(values<std::string>({"", "plain", "it's", "''", "back\\slash", "\\",
        "\\x41", "E'\\n'", "'; DROP TABLE users; --", "$$dollar$$", "/* comment", "tab\tnew\nline", "héllo ✓ 😀",
        "\\'", "{}", "NULL"}));
    CAPTURE(text);
    const typq::sql_fragment lit = typq::literal(text);
    CHECK(lit.text().front() == '\'');
    CHECK(conn.query_value<std::string>(typq::format_sql("SELECT {}", lit)) == text);
    CHECK(conn.query_value<std::string>(typq::format_sql("SELECT {}::text", lit)) == text);
    CHECK(conn.query_value<bool>(typq::format_sql("SELECT {} = $1", lit), text));
    CHECK(conn.query_value<std::string>(typq::format_sql("SELECT {}", typq::literal(std::string_view(text)))) == text);
    CHECK(conn.query_value<std::string>(typq::format_sql("SELECT {}", typq::literal(text.c_str()))) == text);

    // Where the server takes no parameter: SET (of a custom setting, which keeps any text) and a
    // column's DEFAULT.
    conn.execute(typq::format_sql("SET typq.test_setting = {}", lit));
    CHECK(conn.query_value<std::string>("SELECT current_setting('typq.test_setting')") == text);
    typq::transaction tx{conn};
    conn.execute(typq::format_sql("CREATE TEMP TABLE defaulted (id int4, t text DEFAULT {})", lit));
    conn.execute("INSERT INTO defaulted (id) VALUES (1)");
    CHECK(conn.query_value<std::string>("SELECT t FROM defaulted") == text);
}

TEST_CASE("typq::literal refuses text PostgreSQL cannot hold", "[sql][compose]")
{
    REQUIRE_THROWS_AS((void)typq::literal(std::string("a\0b", 3)), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)typq::literal(std::string("a\0b", 3)), Catch::Contains("NUL byte"));
    REQUIRE_THROWS_AS((void)typq::literal(std::string("\xc3")), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)typq::literal(std::string("\xc3")), Catch::Contains("not valid UTF-8"));
    REQUIRE_THROWS_AS((void)typq::literal(std::vector<std::string>{"ok", std::string("\0", 1)}), typq::conversion_error);
    // A value that has no SQL value is refused as a parameter would be.
    using namespace std::chrono;
    REQUIRE_THROWS_AS((void)typq::literal(sys_time<nanoseconds>{nanoseconds{1}}), typq::conversion_error);
    REQUIRE_THROWS_AS((void)typq::literal(sys_days{days{-3'000'000}}), typq::conversion_error);
}

TEST_CASE("typq::literal renders numbers, bool and NULL bare", "[sql][compose]")
{
    auto conn = typq_test::connect();
    CHECK(typq::literal(42).text() == "42");
    CHECK(typq::literal(-5).text() == " -5");  // `x-{}` must not become a comment
    CHECK(typq::literal(true).text() == "true");
    CHECK(typq::literal(std::nullopt).text() == "NULL");
    CHECK(typq::literal(std::optional<std::int32_t>{}).text() == "NULL");
    CHECK(typq::literal(std::optional<std::int32_t>{3}).text() == "3");
    CHECK(conn.query_value<std::int32_t>(typq::format_sql("SELECT 1-{}", typq::literal(-5))) == 6);

    for (const std::int64_t v : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1}, std::int64_t{0},
             std::numeric_limits<std::int64_t>::max()}) {
        CAPTURE(v);
        check_literal(conn, v);
        CHECK(read_back(conn, v) == v);
    }
    for (const std::int32_t v : {std::numeric_limits<std::int32_t>::min(), 0, std::numeric_limits<std::int32_t>::max()})
        check_literal(conn, v);
    for (const std::int16_t v : {std::numeric_limits<std::int16_t>::min(), std::numeric_limits<std::int16_t>::max()})
        check_literal(conn, v);
    check_literal(conn, true);
    check_literal(conn, false);
    check_literal(conn, std::optional<bool>{});

    // In SET, where no cast may follow.
    conn.execute(typq::format_sql("SET statement_timeout = {}", typq::literal(12345)));
    CHECK(conn.query_value<std::string>("SHOW statement_timeout") == "12345ms");
}

TEST_CASE("typq::literal renders a value of every type family, read back by the server as the same value",
    "[sql][compose]")
{
    auto conn = typq_test::connect();
    using namespace std::chrono;

    SECTION("floating point, shortest and exact")
    {
        for (const double v : {0.1, -2.5e-300, 1.0 / 3.0, std::numeric_limits<double>::max(),
                 std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
            check_literal(conn, v);
            CHECK(read_back(conn, v) == v);
        }
        check_literal(conn, 0.1f);
        CHECK(read_back(conn, 0.1f) == 0.1f);
        CHECK(std::isnan(read_back(conn, std::numeric_limits<double>::quiet_NaN())));
    }
    SECTION("bytea")
    {
        const std::vector<std::byte> bytes{std::byte{0}, std::byte{'\''}, std::byte{'\\'}, std::byte{0xff}};
        check_literal(conn, bytes);
        CHECK(read_back(conn, bytes) == bytes);
        CHECK(typq::literal(bytes).text() == R"('\x00275cff'::bytea)");
    }
    SECTION("numeric")
    {
        for (const char* text : {"0", "1.50", "-12345678901234567890.000000001", "NaN", "Infinity", "-Infinity"}) {
            const auto v = typq::numeric::parse(text);
            check_literal(conn, v);
            CHECK(read_back(conn, v).to_string() == v.to_string());
        }
    }
    SECTION("date and time")
    {
        for (const sys_days d : {sys_days{2024y / 2 / 29}, sys_days{-4713y / 11 / 24}, sys_days{0y / 1 / 1},
                 sys_days::max(), sys_days::min(), sys_days{days{2'145'042'905}}}) {  // the last, 5874897-12-31
            check_literal(conn, d);
            CHECK(read_back(conn, d) == d);
        }
        check_literal(conn, year_month_day{1999y / 12 / 31});
        check_literal(conn, local_days{2000y / 1 / 1});
        for (const typq::timestamptz t : {typq::timestamptz{microseconds{1'700'000'000'123'456}},
                 typq::timestamptz{microseconds{-62'135'596'800'000'001}}, typq::timestamptz::max(),
                 typq::timestamptz::min(), typq::timestamptz{microseconds{0}}}) {
            check_literal(conn, t);
            CHECK(read_back(conn, t) == t);
        }
        // The session's TimeZone does not change the instant a timestamptz literal names.
        conn.execute("SET TimeZone = 'Asia/Kathmandu'");
        const typq::timestamptz t{microseconds{1'000'000'000'500'000}};
        CHECK(read_back(conn, t) == t);
        const typq::timestamp local{microseconds{-1}};
        check_literal(conn, local);
        CHECK(read_back(conn, local) == local);
        check_literal(conn, sys_seconds{seconds{86'400}});
        check_literal(conn, typq::time_of_day{microseconds{45'296'000'001}});
        check_literal(conn, typq::time_of_day::end_of_day());
        check_literal(conn, typq::time_of_day_tz{typq::time_of_day{hours{12}}, seconds{-(5 * 3600 + 30 * 60 + 7)}});
        CHECK(read_back(conn, typq::time_of_day_tz{typq::time_of_day{hours{1}}, seconds{19800}})
            == typq::time_of_day_tz{typq::time_of_day{hours{1}}, seconds{19800}});
    }
    SECTION("intervals, whatever the IntervalStyle")
    {
        const std::vector<typq::interval> intervals{{14, -3, 14'706'789'000}, {-1, 2, -3},
            {0, 0, std::numeric_limits<std::int64_t>::max()}, {std::numeric_limits<std::int32_t>::min(), 0, 0}};
        for (const char* style : {"postgres", "sql_standard", "iso_8601", "postgres_verbose"}) {
            conn.execute(typq::format_sql("SET IntervalStyle = {}", typq::literal(style)));
            for (const typq::interval& v : intervals) {
                CAPTURE(style, v.months, v.days, v.microseconds);
                CHECK(read_back(conn, v) == v);
            }
        }
        check_literal(conn, intervals[0]);
        check_literal(conn, hours{-30});
        CHECK(read_back(conn, microseconds{-1}) == microseconds{-1});
    }
    SECTION("uuid, json, network, oid, \"char\", money, bit strings")
    {
        check_literal(conn, typq::uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        const typq::json doc(R"({"a": "it's", "b": [1, 2]})");
        CHECK(read_back(conn, doc) == doc);
        const typq::jsonb normal(R"({"a": "it's", "b": [1, 2]})");
        check_literal(conn, normal);
        CHECK(read_back(conn, normal) == normal);
        check_literal(conn, typq::inet::parse("192.168.0.1/24"));
        check_literal(conn, typq::inet::parse("::ffff:1.2.3.4"));
        check_literal(conn, typq::cidr::parse("10.0.0.0/8"));
        check_literal(conn, typq::macaddr::parse("08:00:2b:01:02:03"));
        check_literal(conn, typq::macaddr8::parse("08:00:2b:01:02:03:04:05"));
        check_literal(conn, typq::oid{4294967295U});
        for (const unsigned byte : {0U, 'a' + 0U, '\\' + 0U, '\'' + 0U, 0x80U, 0xffU}) {
            CAPTURE(byte);
            const auto c = static_cast<char>(byte);
            check_literal(conn, c);
            CHECK(read_back(conn, c) == c);
        }
        for (const std::int64_t cents : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{123456},
                 std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
            CAPTURE(cents);
            CHECK(read_back(conn, typq::money{cents}) == typq::money{cents});
        }
        check_literal(conn, typq::bit_string::parse("10110"));
        check_literal(conn, typq::bit_string::parse(""));
    }
    SECTION("arrays, with quoting, NULLs, dimensions and bounds")
    {
        const std::vector<std::string> texts{"a b", "", "NULL", "null", "q\"uote", "back\\slash", "{brace}", "c,omma",
            "it's", "ünï"};
        check_literal(conn, texts);
        CHECK(read_back(conn, texts) == texts);
        const std::vector<std::optional<std::string>> with_nulls{"x", std::nullopt, "NULL"};
        check_literal(conn, with_nulls);
        CHECK(read_back(conn, with_nulls) == with_nulls);
        const std::vector<std::vector<std::int32_t>> matrix{{1, 2, 3}, {4, 5, 6}};
        check_literal(conn, matrix);
        CHECK(read_back(conn, matrix) == matrix);
        check_literal(conn, std::vector<std::int64_t>{});
        const typq::array<std::int32_t> bounded({1, 2, 3, 4}, {{2, 0}, {2, -1}});
        check_literal(conn, bounded);
        CHECK(read_back(conn, bounded) == bounded);
        check_literal(conn, std::vector<std::vector<std::byte>>{{std::byte{1}}, {}});
        check_literal(conn, std::vector<double>{0.5, -std::numeric_limits<double>::infinity()});
        check_literal(conn, std::vector<typq::timestamptz>{typq::timestamptz{microseconds{1}}, typq::timestamptz::max()});
        check_literal(conn, std::array<bool, 2>{true, false});
    }
    SECTION("ranges and multiranges")
    {
        check_literal(conn, typq::range<std::int32_t>(1, 5));
        check_literal(conn, typq::range<std::int64_t>(std::nullopt, 7, "(]"));
        check_literal(conn, typq::range<std::int32_t>());
        check_literal(conn, typq::range<typq::numeric>(typq::numeric::parse("1.5"), typq::numeric::parse("2.25")));
        check_literal(conn, typq::range<sys_days>(sys_days{2024y / 1 / 1}, sys_days::max()));
        check_literal(conn, typq::range<typq::timestamptz>(typq::timestamptz{microseconds{0}}, std::nullopt));
        check_literal(conn, typq::multirange<std::int32_t>{typq::range<std::int32_t>(1, 3), typq::range<std::int32_t>(5, 7)});
    }
    SECTION("an enum, a type the server defines")
    {
        typq::transaction tx{conn};
        conn.execute("CREATE TYPE typq_compose_mood AS ENUM ('sad', 'ok', 'happy')");
        check_literal(conn, mood::happy);
        CHECK(typq::literal(mood::ok).text() == "'ok'::typq_compose_mood");
        CHECK(read_back(conn, mood::sad) == mood::sad);
        check_literal(conn, std::vector<mood>{mood::ok, mood::happy});
    }
    SECTION("hstore, an extension's type")
    {
        sql_compose_test::create_extension(conn, "hstore");
        const std::map<std::string, std::optional<std::string>> map{{"a b", "it's"}, {"q\"uote", std::nullopt},
            {"back\\slash", "=>"}, {"", ""}};
        check_literal(conn, map);
        CHECK(read_back(conn, map) == map);
    }
}

TEST_CASE("typq::format_sql fills {} slots with fragments, checked at compile time and when built at run time",
    "[sql][compose]")
{
    auto conn = typq_test::connect();

    SECTION("{} in order, {N} by number, braces in quotes and comments left alone")
    {
        CHECK(typq::format_sql("SELECT {} FROM {}", typq::identifier("a"), typq::identifier("t")).text()
            == R"(SELECT "a" FROM "t")");
        CHECK(typq::format_sql("SELECT {1}, {0}, {1}", typq::identifier("a"), typq::identifier("b")).text()
            == R"(SELECT "b", "a", "b")");
        CHECK(typq::format_sql("SELECT '{}', \"{}\", $${}$$, {} -- {}\n/* {} */", typq::literal(1)).text()
            == "SELECT '{}', \"{}\", $${}$$, 1 -- {}\n/* {} */");
        CHECK(conn.query_value<std::vector<std::int32_t>>(typq::format_sql("SELECT '{1,2}'::int4[] || {}",
                  typq::literal(std::vector<std::int32_t>{3})))
            == std::vector<std::int32_t>{1, 2, 3});
        CHECK(typq::format_sql("SELECT 1").text() == "SELECT 1");
    }
    SECTION("the result runs wherever runtime SQL does, checked against its arguments")
    {
        conn.execute("CREATE TEMP TABLE books (id int8, title text, year int4)");
        conn.execute("INSERT INTO books VALUES (1, 'Dune', 1965), (2, 'Emma', 1815), (3, 'Ulysses', 1922)");
        for (const char* column : {"title", "year"}) {
            const auto query = typq::format_sql("SELECT id FROM books WHERE id > $1 ORDER BY {} DESC",
                typq::identifier(column));
            const auto ids = conn.query<std::int64_t>(query, std::int64_t{0});
            REQUIRE(ids.size() == 3);
            CHECK(ids[0] == (std::string_view(column) == "title" ? 3 : 1));
        }
        const auto with_too_few = typq::format_sql("SELECT $1::int4 + $2::int4 + {}", typq::literal(1));
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>(with_too_few, 1),
            Catch::Contains("the statement uses $2 (at offset 18), but 1 argument was given"));
        CHECK(conn.query_value<std::int32_t>(with_too_few, 1, 2) == 4);
    }
    SECTION("fragments from literals in the program, and runtime SQL vouched for, are parts too")
    {
        const bool descending = true;
        const auto order = descending ? typq::sql_fragment("DESC") : typq::sql_fragment("ASC");
        CHECK(typq::format_sql("ORDER BY {} {}", typq::identifier("x"), order).text() == R"(ORDER BY "x" DESC)");
        CHECK(typq::format_sql("SELECT {}", typq::runtime("now()")).text() == "SELECT now()");
        typq::sql_fragment built = typq::sql_fragment("SELECT ") + typq::literal(1);
        built += typq::sql_fragment(", 2");
        CHECK(built.text() == "SELECT 1, 2");
        CHECK(conn.query_one<std::tuple<std::int32_t, std::int32_t>>(built) == std::make_tuple(1, 2));
        REQUIRE_THROWS_AS((void)typq::sql_fragment(typq::runtime("SELECT 'open")), typq::usage_error);
        REQUIRE_THROWS_AS((void)typq::format_sql("SELECT {}", typq::runtime("'open")), typq::usage_error);
    }
    SECTION("a format built at run time is checked when it is used")
    {
        using typq::runtime;
        REQUIRE_THROWS_WITH((void)typq::format_sql(runtime("SELECT {} {}"), typq::literal(1)),
            Catch::Equals("invalid SQL format: the slot at offset 10 takes part {1} (parts count from {0}), but 1 part "
                          "was given"));
        REQUIRE_THROWS_WITH((void)typq::format_sql(runtime("SELECT 1"), typq::literal(1)),
            Catch::Equals("invalid SQL format: 1 part was given, but the format has no {} or {N}"));
        REQUIRE_THROWS_WITH((void)typq::format_sql(runtime("SELECT {0}, {}"), typq::literal(1)),
            Catch::Contains("mixes {} and {N} at offset 12"));
        REQUIRE_THROWS_WITH((void)typq::format_sql(runtime("SELECT {1}"), typq::literal(1), typq::literal(2)),
            Catch::Contains("part {0} of the 2 parts is never used"));
        REQUIRE_THROWS_WITH((void)typq::format_sql(runtime("SELECT { }"), typq::literal(1)),
            Catch::Contains("the brace at offset 7 is neither {} nor {N}"));
        REQUIRE_THROWS_WITH((void)typq::format_sql(runtime("SELECT }"), typq::literal(1)),
            Catch::Contains("the brace at offset 7"));
        REQUIRE_THROWS_WITH((void)typq::format_sql(runtime("SELECT {}, 'x"), typq::literal(1)),
            Catch::Contains("the quoted string at offset 11 is not closed"));
        REQUIRE_THROWS_AS((void)typq::format_sql(runtime("SELECT {}"), typq::literal(1), typq::literal(2)), typq::usage_error);
    }
}

TEST_CASE("typq::placeholder and typq::join build a statement's parts", "[sql][compose]")
{
    CHECK(typq::placeholder(1).text() == "$1");
    CHECK(typq::placeholder(65535).text() == "$65535");
    REQUIRE_THROWS_AS((void)typq::placeholder(0), typq::usage_error);
    REQUIRE_THROWS_AS((void)typq::placeholder(65536), typq::usage_error);
    CHECK(typq::join(std::vector<typq::sql_fragment>{}, ", ").text().empty());
    CHECK(typq::join(std::vector<typq::sql_fragment>{typq::identifier("a")}, ", ").text() == R"("a")");
    const typq::sql_fragment parts[] = {typq::literal(1), typq::literal(2), typq::literal(3)};
    CHECK(typq::join(parts, typq::sql_fragment(" + ")).text() == "1 + 2 + 3");
}

}  // namespace sql_compose_test
