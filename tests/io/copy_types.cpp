// SPDX-License-Identifier: BSL-1.0
// Every type family through binary COPY (issue 12), against the server's own rendering: values
// written with copy_in are read back as the server's text (`x::text`) and compared with the text
// of the same literal cast by the server; values the server makes are read with copy_out and
// compared field by field with query<Row> of the same values. Each family also carries a NULL
// (std::optional). Integers, bool, floats (NaN, infinities), numeric, text-like types, bytea, date
// and time, uuid, json, network types, arrays, ranges, an enum, a composite, domains, hstore,
// citext, bit strings and money.

#include "typq_test.hpp"

#include <typq/types/money.hpp>  // not in the umbrella

#include <chrono>       // dates and times
#include <cmath>        // NaN compares
#include <concepts>     // std::floating_point
#include <cstddef>      // std::byte
#include <cstdint>      // field types
#include <limits>       // limits and specials
#include <map>          // hstore
#include <optional>     // NULLs
#include <string>       // literals, server text
#include <vector>       // cases, arrays

namespace io_copy_types_test {

enum class mood { sad, ok, happy };

using Catch::Contains;
using typq_test::rethrow;
using typq_test::thrown_by;
using bytes = std::vector<std::byte>;
using hmap = std::map<std::string, std::optional<std::string>>;
using namespace std::chrono_literals;

struct address {
    std::string street;
    std::string city;
    std::optional<std::string> zip;
    friend bool operator==(const address&, const address&) = default;
};

// The same composite with the fields in another order than the attributes.
struct address_reversed {
    std::optional<std::string> zip;
    std::string city;
    std::string street;
    friend bool operator==(const address_reversed&, const address_reversed&) = default;
};

}  // namespace io_copy_types_test

template <>
struct typq::type<io_copy_types_test::mood> : typq::enum_type<io_copy_types_test::mood, "mood"> {};
template <>
struct typq::type<io_copy_types_test::address> : typq::composite_type<io_copy_types_test::address, "address"> {};
template <>
struct typq::type<io_copy_types_test::address_reversed>
    : typq::composite_type<io_copy_types_test::address_reversed, "address"> {};

namespace io_copy_types_test {

/// One row of a family's table: its id and a value that may be NULL.
template <class T>
struct cell {
    std::int32_t id;
    std::optional<T> x;
};

/// A value, and a SQL expression of the same value (cast to the family's type by the test).
template <class T>
struct value_case {
    T value;
    std::string literal;
};

template <class T>
bool same(const T& a, const T& b)
{
    if constexpr (std::floating_point<T>)
        return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
    else
        return a == b;
}

template <class T>
bool same(const std::optional<T>& a, const std::optional<T>& b)
{
    return a.has_value() == b.has_value() && (!a || same(*a, *b));
}

template <class T>
std::vector<cell<T>> collect(auto&& rows)
{
    std::vector<cell<T>> out;
    for (const cell<T>& r : rows)
        out.push_back(r);
    return out;
}

// family_1, family_2, ...: one counter for every instantiation of check_family.
std::string next_family_table()
{
    static int serial = 0;
    return "family_" + std::to_string(++serial);
}

enum class compare_values : bool {
    as_server_returns,  // the server may normalise (jsonb, ranges, bpchar): only server against server
    exactly,            // the C++ values come back as they are
};

/// Checks the family `type` with `cases`, both ways:
/// - copy_in of every case (and a NULL) into a table with a column of `type`: the server's text of
///   each stored value is the server's text of the case's literal cast to `type`;
/// - copy_out of the literals as the server makes them equals query<Row> of the same, field by
///   field; and, with compare_values::exactly, the case's C++ value;
/// - copy_out of the table written by copy_in equals query<Row> of it.
template <class T>
void check_family(typq::connection& conn, const std::string& type, const std::vector<value_case<T>>& cases,
    compare_values compare = compare_values::exactly)
{
    CAPTURE(type);
    const auto n = static_cast<std::int32_t>(cases.size());
    // A table of its own for each call: a connection keeps the description of a table it copied
    // into, so one table re-created with other types would test that instead (copy_in.cpp does).
    const std::string family = next_family_table();
    conn.execute(typq::runtime("CREATE TEMP TABLE " + family + " (id int4 PRIMARY KEY, x " + type + ")"));

    // copy_in, then the server's text of what landed.
    {
        auto w = conn.copy_in<cell<T>>(family);
        for (std::int32_t i = 0; i < n; ++i)
            w.write(cell<T>{i + 1, cases[static_cast<std::size_t>(i)].value});
        w.write(cell<T>{n + 1, std::nullopt});
        REQUIRE(w.finish() == static_cast<std::uint64_t>(n + 1));
    }
    for (std::int32_t i = 0; i < n; ++i) {
        const std::string& literal = cases[static_cast<std::size_t>(i)].literal;
        CAPTURE(literal);
        const auto stored = conn.query_value<std::optional<std::string>>(
            typq::runtime("SELECT x::text FROM " + family + " WHERE id = $1"), i + 1);
        const auto expected = conn.query_value<std::string>(typq::runtime("SELECT (" + literal + ")::" + type + "::text"));
        CHECK(stored == expected);
    }
    CHECK(conn.query_value<bool>(typq::runtime("SELECT x IS NULL FROM " + family + " WHERE id = $1"), n + 1));

    // copy_out of values the server makes, against query<Row> of the same values.
    std::string values;
    for (std::int32_t i = 0; i < n; ++i)
        values += "(" + std::to_string(i + 1) + ", (" + cases[static_cast<std::size_t>(i)].literal + ")::" + type + "), ";
    values += "(" + std::to_string(n + 1) + ", NULL::" + type + ")";
    const std::string query = "SELECT id, x FROM (VALUES " + values + ") AS v(id, x) ORDER BY id";
    const auto expected = collect<T>(conn.query<cell<T>>(typq::runtime(query)));
    auto reader = conn.copy_out<cell<T>>(typq::runtime(query));
    const auto got = collect<T>(reader);
    CHECK(reader.rows() == static_cast<std::uint64_t>(n + 1));
    REQUIRE(got.size() == expected.size());
    REQUIRE(got.size() == cases.size() + 1);
    for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(i);
        CHECK(got[i].id == expected[i].id);
        CHECK(same(got[i].x, expected[i].x));
        if (i < cases.size() && compare == compare_values::exactly) {
            CAPTURE(cases[i].literal);
            CHECK(same(got[i].x, std::optional<T>(cases[i].value)));
        }
    }
    CHECK_FALSE(got.back().x.has_value());

    // copy_out of the table copy_in wrote, against query<Row> of it.
    const auto table_expected = collect<T>(conn.query<cell<T>>(typq::runtime("SELECT id, x FROM " + family + " ORDER BY id")));
    const auto table_got = collect<T>(conn.copy_out<cell<T>>(typq::runtime(family)));
    REQUIRE(table_got.size() == table_expected.size());
    for (std::size_t i = 0; i < table_got.size(); ++i) {
        CAPTURE(i);
        CHECK(table_got[i].id == table_expected[i].id);
        CHECK(same(table_got[i].x, table_expected[i].x));
    }
}

std::string quoted(const std::string& text)
{
    return "$q$" + text + "$q$";
}

template <class I>
std::vector<value_case<I>> integer_cases()
{
    std::vector<value_case<I>> out;
    for (const I v : {std::numeric_limits<I>::min(), I{-1}, I{0}, I{1}, I{42}, std::numeric_limits<I>::max()})
        out.push_back({v, quoted(std::to_string(v))});
    return out;
}

bytes make_bytes(std::initializer_list<int> values)
{
    bytes out;
    for (const int v : values)
        out.push_back(static_cast<std::byte>(v));
    return out;
}

std::string bytea_literal(const bytes& value)
{
    constexpr char digits[] = "0123456789abcdef";
    std::string out = "'\\x";
    for (const std::byte b : value) {
        const auto v = std::to_integer<unsigned>(b);
        out += digits[v >> 4];
        out += digits[v & 15];
    }
    return out + "'";
}

// Extensions are database-wide: created once, under a lock, so that parallel tests do not race.
void create_extension(typq::connection& conn, const std::string& name)
{
    conn.execute(typq::runtime("BEGIN; SELECT pg_advisory_xact_lock(4242); CREATE EXTENSION IF NOT EXISTS " + name
        + "; COMMIT;"));
}

// --- scalars ----------------------------------------------------------------------------------------------

TEST_CASE("integers through copy_in and copy_out agree with the server", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    check_family(conn, "int2", integer_cases<std::int16_t>());
    check_family(conn, "int4", integer_cases<std::int32_t>());
    check_family(conn, "int8", integer_cases<std::int64_t>());
    check_family<bool>(conn, "bool", {{true, "true"}, {false, "false"}});
}

TEST_CASE("floats through copy_in and copy_out agree with the server, NaN and infinities included", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    constexpr float f_inf = std::numeric_limits<float>::infinity();
    check_family<float>(conn, "float4",
        {{0.0f, "'0'"}, {-0.0f, "'-0'"}, {1.5f, "'1.5'"}, {-2.75f, "'-2.75'"}, {0.1f, "'0.1'"},
            {std::numeric_limits<float>::max(), "'3.4028235e38'"}, {std::numeric_limits<float>::min(), "'1.1754944e-38'"},
            {std::numeric_limits<float>::denorm_min(), "'1.4e-45'"}, {f_inf, "'Infinity'"}, {-f_inf, "'-Infinity'"},
            {std::numeric_limits<float>::quiet_NaN(), "'NaN'"}});
    constexpr double d_inf = std::numeric_limits<double>::infinity();
    check_family<double>(conn, "float8",
        {{0.0, "'0'"}, {-0.0, "'-0'"}, {0.1, "'0.1'"}, {0.1 + 0.2, "'0.30000000000000004'"},
            {std::numeric_limits<double>::max(), "'1.7976931348623157e308'"},
            {std::numeric_limits<double>::denorm_min(), "'5e-324'"}, {-1e300, "'-1e300'"}, {d_inf, "'Infinity'"},
            {-d_inf, "'-Infinity'"}, {std::numeric_limits<double>::quiet_NaN(), "'NaN'"}});
}

TEST_CASE("numeric through copy_in and copy_out agrees with the server", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    std::vector<value_case<typq::numeric>> cases;
    for (const std::string text : {"0", "1", "-1", "123.4500", "-0.001", "0.00000000000000000001",
             "123456789012345678901234567890.123456789", "1e20", "10000", "9999.9999", "NaN", "Infinity", "-Infinity"})
        cases.push_back({typq::numeric::parse(text), "'" + text + "'"});
    cases.push_back({typq::numeric(std::numeric_limits<std::int64_t>::min()), "'-9223372036854775808'"});
    check_family(conn, "numeric", cases);
    // The scale of a numeric(p, s) column is the server's: only the server's text is compared.
    check_family(conn, "numeric(10, 3)", std::vector<value_case<typq::numeric>>{
        {typq::numeric::parse("1.5"), "'1.5'"}, {typq::numeric::parse("-12.345"), "'-12.345'"}},
        compare_values::as_server_returns);
}

TEST_CASE("money through copy_in and copy_out agrees with the server", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    check_family<typq::money>(conn, "money",
        {{typq::money{0}, "0"}, {typq::money{123456}, "1234.56"}, {typq::money{-1}, "-0.01"},
            {typq::money{std::numeric_limits<std::int64_t>::max()}, "92233720368547758.07"}});
}

// --- text ---------------------------------------------------------------------------------------------------

TEST_CASE("strings through copy_in and copy_out agree with the server in every text-like type", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    std::vector<value_case<std::string>> cases;
    for (const std::string& text : {std::string(), std::string("hello"), std::string("Zo\xC3\xAB \xE2\x9C\x93 \xF0\x9F\x98\x80"),
             std::string("quote ' double \" backslash \\ tab \t newline \n cr \r"), std::string("NULL"),
             std::string("\\N"), std::string(100'000, 'x')})
        cases.push_back({text, quoted(text)});
    check_family(conn, "text", cases);
    check_family(conn, "varchar", cases);
    check_family(conn, "varchar(200000)", cases);
    check_family<std::string>(conn, "name", {{"", "''"}, {"pg_class", "'pg_class'"}, {"Mixed Case", "'Mixed Case'"}});
    // bpchar pads to its length: compared as the server returns it.
    check_family<std::string>(conn, "char(5)", {{"ab", "'ab'"}, {"abcde", "'abcde'"}, {"", "''"}},
        compare_values::as_server_returns);
    check_family<char>(conn, "\"char\"", {{'a', "'a'"}, {'Z', "'Z'"}});

    create_extension(conn, "citext");
    check_family(conn, "citext", cases);
}

TEST_CASE("a string too long for its varchar(n) column is the server's error, and nothing lands", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE short_text (id int4, x varchar(3))");
    const auto thrown = thrown_by([&] {
        auto w = conn.copy_in<cell<std::string>>("short_text");
        w.write(cell<std::string>{1, "abc"});
        w.write(cell<std::string>{2, "abcd"});
        (void)w.finish();
    });
    REQUIRE_THROWS_AS(rethrow(thrown), typq::string_data_right_truncation);
    REQUIRE_THROWS_WITH(rethrow(thrown), Contains("(SQLSTATE 22001)"));
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM short_text") == 0);
    CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
}

TEST_CASE("bytea through copy_in and copy_out agrees with the server", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    std::vector<value_case<bytes>> cases;
    for (const bytes& value : {bytes{}, make_bytes({0}), make_bytes({0x00, 0xff, 0x5c, 0x27, 0x22, 0x0a, 0x80}),
             make_bytes({'\\', 'x', '0', '0'})})
        cases.push_back({value, bytea_literal(value)});
    bytes large(1 << 20);
    for (std::size_t i = 0; i < large.size(); ++i)
        large[i] = static_cast<std::byte>((i * 7919) & 0xff);
    cases.push_back({large, bytea_literal(large)});
    check_family(conn, "bytea", cases);
}

// --- date and time ----------------------------------------------------------------------------------------------

TEST_CASE("dates, times, timestamps and intervals through copy_in and copy_out agree with the server",
    "[io][copy][types]")
{
    using std::chrono::days;
    using std::chrono::sys_days;
    using std::chrono::year;
    auto conn = typq_test::connect();
    conn.execute("SET TimeZone = 'Europe/Berlin'");  // the server's text of a timestamptz depends on it

    check_family<sys_days>(conn, "date",
        {{sys_days{year{2000} / 1 / 1}, "'2000-01-01'"}, {sys_days{year{1970} / 1 / 1}, "'1970-01-01'"},
            {sys_days{year{2024} / 2 / 29}, "'2024-02-29'"}, {sys_days{year{-4713} / 11 / 24}, "'4714-11-24 BC'"},
            {sys_days{year{9999} / 12 / 31}, "'9999-12-31'"}, {sys_days::max(), "'infinity'"},
            {sys_days::min(), "'-infinity'"}});

    check_family<typq::time_of_day>(conn, "time",
        {{typq::time_of_day{}, "'00:00'"}, {typq::time_of_day{12h + 34min + 56s + 789012us}, "'12:34:56.789012'"},
            {typq::time_of_day{24h}, "'24:00:00'"}});

    check_family<typq::time_of_day_tz>(conn, "timetz",
        {{typq::time_of_day_tz{typq::time_of_day{12h}, 5h + 30min}, "'12:00:00+05:30'"},
            {typq::time_of_day_tz{typq::time_of_day{23h + 59min + 59s + 999999us}, -15h - 59min - 59s},
                "'23:59:59.999999-15:59:59'"},
            {typq::time_of_day_tz{typq::time_of_day{}, 0s}, "'00:00:00+00'"}});

    const auto local = [](sys_days day, std::chrono::microseconds time) {
        return typq::timestamp{std::chrono::local_days{day.time_since_epoch()} + time};
    };
    check_family<typq::timestamp>(conn, "timestamp",
        {{local(sys_days{year{2000} / 1 / 1}, 0us), "'2000-01-01 00:00:00'"},
            {local(sys_days{year{2024} / 2 / 29}, 12h + 34min + 56s + 789012us), "'2024-02-29 12:34:56.789012'"},
            {local(sys_days{year{1969} / 12 / 31}, 23h + 59min + 59s + 999999us), "'1969-12-31 23:59:59.999999'"},
            {typq::timestamp::max(), "'infinity'"}, {typq::timestamp::min(), "'-infinity'"}});

    check_family<typq::timestamptz>(conn, "timestamptz",
        {{typq::timestamptz{sys_days{year{2000} / 1 / 1}}, "'2000-01-01 00:00:00+00'"},
            {typq::timestamptz{sys_days{year{2024} / 7 / 1} + 12h + 34min + 56s + 789012us},
                "'2024-07-01 12:34:56.789012+00'"},
            {typq::timestamptz{sys_days{year{1900} / 3 / 1} + 1us}, "'1900-03-01 00:00:00.000001+00'"},
            {typq::timestamptz::max(), "'infinity'"}, {typq::timestamptz::min(), "'-infinity'"}});

    check_family<typq::interval>(conn, "interval",
        {{typq::interval{}, "'0'"}, {typq::interval{14, -3, 14'706'789'000}, "'1 year 2 mons -3 days 04:05:06.789'"},
            {typq::interval{0, 0, -1}, "'-00:00:00.000001'"}, {typq::interval{-1, 0, 0}, "'-1 mon'"},
            {typq::interval{1200, 365, std::int64_t{86'400'000'000} * 3 + 1}, "'100 years 365 days 72:00:00.000001'"}});

    check_family<std::chrono::seconds>(conn, "interval", {{std::chrono::seconds{0}, "'0'"}, {90s, "'00:01:30'"},
                                                              {-3600s, "'-01:00:00'"}});
}

TEST_CASE("time points of other precisions are written by copy_in exactly, or refused for their row", "[io][copy][types]")
{
    using std::chrono::sys_days;
    using std::chrono::year;
    auto conn = typq_test::connect();
    conn.execute("SET TimeZone = 'UTC'");
    conn.execute("CREATE TEMP TABLE moments (id int4, x timestamptz)");
    using nano_row = cell<std::chrono::sys_time<std::chrono::nanoseconds>>;
    auto w = conn.copy_in<nano_row>("moments");
    const auto t = std::chrono::sys_time<std::chrono::nanoseconds>{sys_days{year{2024} / 1 / 2}} + 3s + 4000ns;
    w.write(nano_row{1, t});
    REQUIRE_THROWS_AS(w.write(nano_row{2, t + 1ns}), typq::conversion_error);
    REQUIRE_THROWS_WITH(w.write(nano_row{2, t + 1ns}), Contains("row 2") && Contains("\"x\""));
    w.write(nano_row{2, std::nullopt});
    CHECK(w.finish() == 2);
    CHECK(conn.query_value<std::string>("SELECT x::text FROM moments WHERE id = 1")
        == conn.query_value<std::string>("SELECT '2024-01-02 00:00:03.000004+00'::timestamptz::text"));
}

// --- identifiers, documents, addresses ------------------------------------------------------------------------

TEST_CASE("uuid, json and jsonb through copy_in and copy_out agree with the server", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    check_family<typq::uuid>(conn, "uuid",
        {{typq::uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"},
            {typq::uuid(), "'00000000-0000-0000-0000-000000000000'"},
            {typq::uuid::parse("ffffffff-ffff-ffff-ffff-ffffffffffff"), "'ffffffff-ffff-ffff-ffff-ffffffffffff'"}});

    std::vector<std::string> documents{R"({"b": 1, "a": [1, 2.50, null, true], "a": "dup"})", "[]", "null", "\"\\u00e9 \\\"q\\\"\"",
        R"({"nested": {"deep": [{"x": -1e-7}]}, "unicode": "Zoë"})", " 42 "};
    std::vector<value_case<typq::json>> json_cases;
    std::vector<value_case<typq::jsonb>> jsonb_cases;
    for (const std::string& doc : documents) {
        json_cases.push_back({typq::json(doc), quoted(doc)});
        jsonb_cases.push_back({typq::jsonb(doc), quoted(doc)});
    }
    check_family(conn, "json", json_cases);  // json keeps the text as written
    // jsonb normalises the document: only the server's values are compared.
    check_family(conn, "jsonb", jsonb_cases, compare_values::as_server_returns);
}

TEST_CASE("inet, cidr, macaddr and macaddr8 through copy_in and copy_out agree with the server", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    std::vector<value_case<typq::inet>> inets;
    for (const std::string text : {"192.168.1.5/24", "10.0.0.1", "0.0.0.0/0", "::1", "2001:db8::1/64", "::ffff:1.2.3.4",
             "fe80::1:2:3:4/128"})
        inets.push_back({typq::inet::parse(text), "'" + text + "'"});
    check_family(conn, "inet", inets);

    std::vector<value_case<typq::cidr>> cidrs;
    for (const std::string text : {"10.0.0.0/8", "192.168.1.0/24", "0.0.0.0/0", "2001:db8::/32", "::/0", "1.2.3.4/32"})
        cidrs.push_back({typq::cidr::parse(text), "'" + text + "'"});
    check_family(conn, "cidr", cidrs);

    check_family<typq::macaddr>(conn, "macaddr",
        {{typq::macaddr::parse("08:00:2b:01:02:03"), "'08:00:2b:01:02:03'"},
            {typq::macaddr::parse("ff:ff:ff:ff:ff:ff"), "'ff:ff:ff:ff:ff:ff'"}, {typq::macaddr(), "'00:00:00:00:00:00'"}});
    check_family<typq::macaddr8>(conn, "macaddr8",
        {{typq::macaddr8::parse("08:00:2b:01:02:03:04:05"), "'08:00:2b:01:02:03:04:05'"}});
}

TEST_CASE("bit strings through copy_in and copy_out agree with the server", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    std::vector<value_case<typq::bit_string>> cases;
    for (const std::string text : {"", "1", "10110", "111111110000000011"})
        cases.push_back({typq::bit_string::parse(text), "B'" + text + "'"});
    check_family(conn, "varbit", cases);
    check_family<typq::bit_string>(conn, "bit(5)",
        {{typq::bit_string::parse("10110"), "B'10110'"}, {typq::bit_string::parse("00000"), "B'00000'"}});
}

// --- arrays and ranges ------------------------------------------------------------------------------------

TEST_CASE("arrays through copy_in and copy_out agree with the server, NULL elements included", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    using ints = std::vector<std::int32_t>;
    check_family<ints>(conn, "int4[]",
        {{ints{}, "'{}'"}, {ints{1, 2, 3}, "ARRAY[1, 2, 3]"},
            {ints{std::numeric_limits<std::int32_t>::min(), 0, std::numeric_limits<std::int32_t>::max()},
                "ARRAY[-2147483648, 0, 2147483647]"}});

    using texts = std::vector<std::optional<std::string>>;
    check_family<texts>(conn, "text[]",
        {{texts{"a", std::nullopt, "", "NULL", "with \"quote\", comma {brace} \\ back"},
             R"(ARRAY['a', NULL, '', 'NULL', 'with "quote", comma {brace} \ back'])"},
            {texts{std::nullopt}, "ARRAY[NULL]::text[]"}, {texts{}, "'{}'"}});

    using grid = std::vector<std::vector<double>>;
    check_family<grid>(conn, "float8[]", {{grid{{1.5, 2}, {-0.25, 1e300}}, "'{{1.5,2},{-0.25,1e300}}'"}});

    using days = std::vector<std::chrono::sys_days>;
    check_family<days>(conn, "date[]",
        {{days{std::chrono::sys_days{std::chrono::year{2024} / 1 / 31}, std::chrono::sys_days::max()},
            "ARRAY['2024-01-31', 'infinity']::date[]"}});
}

TEST_CASE("a string array into a varchar[] column is refused before anything is sent", "[io][copy][types]")
{
    // Binary COPY applies no casts, and array_recv checks the element type: text elements cannot
    // go into varchar[], so the field is refused when the columns are checked.
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE tags (id int4, x varchar[])");
    using tags = cell<std::vector<std::string>>;
    typq::transaction tx(conn);
    REQUIRE_THROWS_AS(conn.copy_in<tags>("tags"), typq::conversion_error);
    REQUIRE_THROWS_WITH(conn.copy_in<tags>("tags"), Contains("\"x\"") && Contains("varchar[]"));
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM tags") == 0);
}

TEST_CASE("ranges and multiranges through copy_in and copy_out agree with the server", "[io][copy][types]")
{
    using std::chrono::sys_days;
    using std::chrono::year;
    auto conn = typq_test::connect();
    conn.execute("SET TimeZone = 'UTC'");
    using r4 = typq::range<std::int32_t>;
    // The server canonicalises discrete ranges: compared as the server returns them.
    check_family<r4>(conn, "int4range",
        {{r4(1, 10), "'[1,10)'"}, {r4(), "'empty'"}, {r4(std::nullopt, 5, "(]"), "'(,5]'"},
            {r4(3, std::nullopt), "'[3,)'"}, {r4(std::nullopt, std::nullopt), "'(,)'"}, {r4(1, 3, "[]"), "'[1,3]'"},
            {r4(2, 2), "'[2,2)'"}},
        compare_values::as_server_returns);
    using r8 = typq::range<std::int64_t>;
    check_family<r8>(conn, "int8range", {{r8(std::numeric_limits<std::int64_t>::min(), 0), "'[-9223372036854775808,0)'"}});
    using rn = typq::range<typq::numeric>;
    check_family<rn>(conn, "numrange",
        {{rn(typq::numeric::parse("1.5"), typq::numeric::parse("2.25"), "(]"), "'(1.5,2.25]'"}, {rn(), "'empty'"}});
    using rd = typq::range<sys_days>;
    check_family<rd>(conn, "daterange", {{rd(sys_days{year{2024} / 1 / 1}, sys_days{year{2024} / 2 / 1}), "'[2024-01-01,2024-02-01)'"}});
    using rz = typq::range<typq::timestamptz>;
    check_family<rz>(conn, "tstzrange",
        {{rz(typq::timestamptz{sys_days{year{2024} / 1 / 1}}, std::nullopt), "'[2024-01-01 00:00:00+00,)'"}});
    using m4 = typq::multirange<std::int32_t>;
    check_family<m4>(conn, "int4multirange",
        {{m4{}, "'{}'"}, {m4{r4(1, 3), r4(5, 7)}, "'{[1,3),[5,7)}'"}, {m4{r4(3, 4), r4(1, 2), r4(2, 3)}, "'{[3,4),[1,2),[2,3)}'"}},
        compare_values::as_server_returns);
}

// --- types the server defines ---------------------------------------------------------------------------

TEST_CASE("an enum through copy_in and copy_out agrees with the server", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy')");
    check_family<mood>(conn, "mood", {{mood::sad, "'sad'"}, {mood::ok, "'ok'"}, {mood::happy, "'happy'"}});
    check_family<std::vector<mood>>(conn, "mood[]", {{std::vector<mood>{mood::happy, mood::sad}, "ARRAY['happy', 'sad']::mood[]"}});
}

TEST_CASE("a composite through copy_in and copy_out agrees with the server, attributes by field name", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.address AS (street text, city text, zip text)");
    const std::vector<value_case<address>> cases{
        {address{"Main St 1", "Springfield", "12345"}, "ROW('Main St 1', 'Springfield', '12345')"},
        {address{"", "Z\xC3\xBCrich", std::nullopt}, "ROW('', 'Z\xC3\xBCrich', NULL)"},
        {address{"a \"quoted\", (odd) street", "x\\y", ""}, "ROW('a \"quoted\", (odd) street', 'x\\y', '')"},
    };
    check_family(conn, "address", cases);
    std::vector<value_case<address_reversed>> reversed;
    for (const auto& c : cases)
        reversed.push_back({address_reversed{c.value.zip, c.value.city, c.value.street}, c.literal});
    check_family(conn, "address", reversed);
    check_family<std::vector<address>>(conn, "address[]",
        {{std::vector<address>{cases[0].value, cases[1].value}, "ARRAY[" + cases[0].literal + ", " + cases[1].literal + "]::address[]"}});
}

struct coded_row {
    std::int32_t id;
    std::int32_t n;
    std::string c;
};

struct wrong_row {
    std::int32_t id;
    std::string n;
};

TEST_CASE("domains over int4 and text take their base type's values, and the server checks them", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE DOMAIN pg_temp.posint AS int4 CHECK (VALUE > 0)");
    conn.execute("CREATE DOMAIN pg_temp.code AS text CHECK (length(VALUE) <= 5)");
    check_family<std::int32_t>(conn, "posint", {{1, "1"}, {std::numeric_limits<std::int32_t>::max(), "2147483647"}});
    check_family<std::string>(conn, "code", {{"", "''"}, {"abcde", "'abcde'"}, {"\xC3\xA9t\xC3\xA9", "'\xC3\xA9t\xC3\xA9'"}});
    // An int64 field into the domain over int4: converted exactly, as into int4.
    check_family<std::int64_t>(conn, "posint", {{7, "7"}});

    SECTION("a value the domain's CHECK refuses is the server's check_violation, and nothing lands")
    {
        conn.execute("CREATE TEMP TABLE coded (id int4, n posint, c code)");
        const auto attempt = [&](coded_row bad) {
            return thrown_by([&] {
                auto w = conn.copy_in<coded_row>("coded");
                w.write(coded_row{1, 1, "ok"});
                w.write(bad);
                (void)w.finish();
            });
        };
        for (const auto& thrown : {attempt(coded_row{2, 0, "ok"}), attempt(coded_row{2, 1, "toolong"})}) {
            REQUIRE_THROWS_AS(rethrow(thrown), typq::check_violation);
            REQUIRE_THROWS_WITH(rethrow(thrown), Contains("(SQLSTATE 23514)"));
        }
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM coded") == 0);
        CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
    }
    SECTION("a domain over int4 does not take a string")
    {
        conn.execute("CREATE TEMP TABLE coded (id int4, n posint)");
        REQUIRE_THROWS_AS(conn.copy_in<wrong_row>("coded"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.copy_in<wrong_row>("coded"), Contains("\"n\""));
    }
}

TEST_CASE("hstore through copy_in and copy_out agrees with the server", "[io][copy][types]")
{
    auto conn = typq_test::connect();
    create_extension(conn, "hstore");
    check_family<hmap>(conn, "hstore",
        {{hmap{{"a", "1"}, {"b", std::nullopt}, {"c", ""}}, R"('"a"=>"1", "b"=>NULL, "c"=>""')"}, {hmap{}, "''"},
            {hmap{{"gr\xC3\xB6\xC3\x9F" "e", "=> , \"NULL\""}, {"NULL", "NULL"}},
                R"('"gr)" "\xC3\xB6\xC3\x9F" R"(e"=>"=> , \"NULL\"", "NULL"=>"NULL"')"}});
}

// --- a row of many families at once ----------------------------------------------------------------------

struct everything {
    std::int32_t id;
    std::optional<bool> flag;
    std::optional<std::int16_t> small;
    std::optional<std::int64_t> big;
    std::optional<double> ratio;
    std::optional<typq::numeric> amount;
    std::optional<std::string> label;
    std::optional<bytes> blob;
    std::optional<std::chrono::sys_days> day;
    std::optional<typq::timestamptz> at;
    std::optional<typq::interval> span;
    std::optional<typq::uuid> key;
    std::optional<typq::json> doc;
    std::optional<typq::inet> host;
    std::optional<std::vector<std::optional<std::int32_t>>> scores;
    std::optional<typq::range<std::int32_t>> slot;
    std::optional<mood> feeling;
    std::optional<address> home;
    friend bool operator==(const everything&, const everything&) = default;
};

TEST_CASE("rows of many families at once round-trip through copy_in and copy_out", "[io][copy][types]")
{
    using std::chrono::sys_days;
    using std::chrono::year;
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy')");
    conn.execute("CREATE TYPE pg_temp.address AS (street text, city text, zip text)");
    conn.execute("CREATE TEMP TABLE everything (home address, feeling mood, slot int4range, scores int4[], host inet, "
                 "doc json, key uuid, span interval, at timestamptz, day date, blob bytea, label text, amount numeric, "
                 "ratio float8, big int8, small int2, flag bool, id int4 PRIMARY KEY)");
    std::vector<everything> rows;
    for (std::int32_t i = 1; i <= 300; ++i) {
        everything e{};
        e.id = i;
        if (i % 2 == 0) {  // every other row has every field NULL
            e.flag = i % 4 == 0;
            e.small = static_cast<std::int16_t>(-i);
            e.big = std::int64_t{i} << 40;
            e.ratio = i / 8.0;
            e.amount = typq::numeric::parse(std::to_string(i) + ".0" + std::to_string(i));
            e.label = "label " + std::to_string(i);
            e.blob = make_bytes({i & 0xff, 0, 0xff});
            e.day = sys_days{year{2024} / 1 / 1} + std::chrono::days{i};
            e.at = typq::timestamptz{sys_days{year{2024} / 1 / 1}} + std::chrono::seconds{i};
            e.span = typq::interval{i, -i, i * 1000};
            e.key = typq::uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
            e.doc = typq::json("{\"i\": " + std::to_string(i) + "}");
            e.host = typq::inet::parse("10.0.0." + std::to_string(i % 256));
            e.scores = std::vector<std::optional<std::int32_t>>{i, std::nullopt, -i};
            e.slot = typq::range<std::int32_t>(i, i + 10);
            e.feeling = static_cast<mood>(i % 3);
            e.home = address{"street " + std::to_string(i), "city", i % 3 == 0 ? std::nullopt : std::optional<std::string>("z")};
        }
        rows.push_back(std::move(e));
    }
    auto w = conn.copy_in<everything>("everything");
    w.write(rows);
    REQUIRE(w.finish() == rows.size());

    std::vector<everything> queried;
    for (const everything& e : conn.query<everything>("SELECT * FROM everything ORDER BY id"))
        queried.push_back(e);
    std::vector<everything> copied;
    for (const everything& e : conn.copy_out<everything>("SELECT * FROM everything ORDER BY id;"))
        copied.push_back(e);
    CHECK(copied == queried);
    CHECK(copied == rows);
    // The server's text of a row, against the text of the same values as parameters.
    CHECK(conn.query_value<std::string>("SELECT e::text FROM everything e WHERE id = 42")
        == conn.query_value<std::string>("SELECT ROW($1::address, $2::mood, $3::int4range, $4::int4[], $5::inet, $6::json, "
                                         "$7::uuid, $8::interval, $9::timestamptz, $10::date, $11::bytea, $12::text, "
                                         "$13::numeric, $14::float8, $15::int8, $16::int2, $17::bool, 42)::text",
            rows[41].home, rows[41].feeling, rows[41].slot, rows[41].scores, rows[41].host, rows[41].doc, rows[41].key,
            rows[41].span, rows[41].at, rows[41].day, rows[41].blob, rows[41].label, rows[41].amount, rows[41].ratio,
            rows[41].big, rows[41].small, rows[41].flag));
}

}  // namespace io_copy_types_test
