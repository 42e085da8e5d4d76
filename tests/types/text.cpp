// SPDX-License-Identifier: BSL-1.0
// tests/types/text.cpp: include/typq/types/text.hpp: strings as parameters (text with OID 0, so
// that the server infers their type) and text-like result columns read into strings.

#include "typq_test.hpp"

#include <cstddef>      // std::size_t, std::byte
#include <cstdint>      // std::int32_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <tuple>        // std::tuple rows
#include <vector>       // collected rows, byte vectors

namespace types_text_test {

using Catch::Contains;
using bytes = std::vector<std::byte>;

// The number of Unicode code points in UTF-8 `text`: every byte that does not continue a sequence.
std::size_t code_points(std::string_view text)
{
    std::size_t count = 0;
    for (const char c : text)
        count += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
    return count;
}

// The UTF-8 bytes of the first code point of `text`.
std::string first_character(std::string_view text)
{
    std::size_t size = 1;
    while (size < text.size() && (static_cast<unsigned char>(text[size]) & 0xC0U) == 0x80U)
        ++size;
    return std::string(text.substr(0, size));
}

// 10 MiB and a little more: the alphabet repeated, which the server can build with repeat().
constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz";
constexpr int big_repeats = (10 << 20) / 26 + 1;

std::string big_text()
{
    std::string text;
    text.reserve(alphabet.size() * big_repeats);
    for (int i = 0; i < big_repeats; ++i)
        text += alphabet;
    return text;
}

struct text_columns {
    std::string t;
    std::string v;
    std::string c;
    std::string n;
};

// --- concepts --------------------------------------------------------------------------------------

TEST_CASE("string types can be sent, and owning or viewing strings read", "[types][concepts]")
{
    STATIC_REQUIRE(typq::encodable<std::string>);
    STATIC_REQUIRE(typq::decodable<std::string>);
    STATIC_REQUIRE(typq::encodable<std::string_view>);
    STATIC_REQUIRE(typq::decodable<std::string_view>);
    STATIC_REQUIRE(typq::encodable<const char*>);
    STATIC_REQUIRE(typq::encodable<char*>);
    STATIC_REQUIRE(typq::encodable<char[6]>);
    STATIC_REQUIRE(typq::encodable<char[1]>);
    // A pointer or an array cannot hold a decoded value.
    STATIC_REQUIRE(!typq::decodable<const char*>);
    STATIC_REQUIRE(!typq::decodable<char*>);
    STATIC_REQUIRE(!typq::decodable<char[6]>);
    // Other character types have no adapter.
    STATIC_REQUIRE(!typq::encodable<std::wstring>);
    STATIC_REQUIRE(!typq::decodable<std::wstring>);
    STATIC_REQUIRE(!typq::encodable<std::u8string>);
    STATIC_REQUIRE(!typq::encodable<const wchar_t*>);

    STATIC_REQUIRE(typq::type<std::string>::param_oid == typq::oid::unspecified);
    STATIC_REQUIRE(typq::type<std::string>::param_format == typq::format::text);
    STATIC_REQUIRE(typq::type<std::string_view>::borrows);
}

// --- parameters ------------------------------------------------------------------------------------

TEST_CASE("every kind of C++ string is sent as the same text", "[types][text]")
{
    auto conn = typq_test::connect();
    const std::string expected = "hello, world";

    SECTION("std::string")
    {
        CHECK(conn.query_value<std::string>("SELECT $1", expected) == expected);
        CHECK(conn.query_value<std::int32_t>("SELECT octet_length($1)", expected)
            == static_cast<std::int32_t>(expected.size()));
    }
    SECTION("std::string_view, not NUL-terminated")
    {
        const std::string longer = expected + "!!!";
        const std::string_view view(longer.data(), expected.size());
        CHECK(conn.query_value<std::string>("SELECT $1", view) == expected);
    }
    SECTION("const char*")
    {
        const char* p = expected.c_str();
        CHECK(conn.query_value<std::string>("SELECT $1", p) == expected);
    }
    SECTION("char*")
    {
        std::string copy = expected;
        char* p = copy.data();
        CHECK(conn.query_value<std::string>("SELECT $1", p) == expected);
    }
    SECTION("a string literal")
    {
        CHECK(conn.query_value<std::string>("SELECT $1", "hello, world") == expected);
    }
    SECTION("a char array: the text up to its first NUL")
    {
        char buffer[32] = "hello, world";
        CHECK(conn.query_value<std::string>("SELECT $1", buffer) == expected);
        CHECK(conn.query_value<std::int32_t>("SELECT octet_length($1)", buffer)
            == static_cast<std::int32_t>(expected.size()));
        const char exact[5] = {'h', 'e', 'l', 'l', 'o'};  // no NUL at all
        CHECK(conn.query_value<std::string>("SELECT $1", exact) == "hello");
    }
    SECTION("several in one statement")
    {
        std::string mutable_text = "d";
        CHECK(conn.query_value<std::string>("SELECT $1 || $2 || $3 || $4 || $5", std::string("a"),
                  std::string_view("b"), static_cast<const char*>("c"), mutable_text.data(), "e")
            == "abcde");
    }
}

TEST_CASE("an empty string is an empty text, not NULL", "[types][text]")
{
    auto conn = typq_test::connect();
    const std::string empty;

    CHECK(conn.query_value<bool>("SELECT $1::text IS NULL", empty) == false);
    CHECK(conn.query_value<bool>("SELECT $1 = ''", empty));
    CHECK(conn.query_value<std::int32_t>("SELECT octet_length($1)", empty) == 0);
    CHECK(conn.query_value<bool>("SELECT $1::text IS NULL", "") == false);
    CHECK(conn.query_value<bool>("SELECT $1::text IS NULL", std::string_view()) == false);
    CHECK(conn.query_value<std::string>("SELECT ''::text") == "");
    CHECK(conn.query_value<std::string>("SELECT $1", empty) == "");
}

TEST_CASE("non-ASCII text travels as UTF-8 both ways", "[types][text]")
{
    auto conn = typq_test::connect();
    const auto [text, first] = GENERATE(table<std::string, std::int32_t>({
        {"\u00e9", 0xe9},                          // é: 2 bytes
        {"\u6f22\u5b57", 0x6f22},                  // 漢字: 2 characters, 6 bytes
        {"\U0001F600", 0x1F600},                   // an emoji outside the BMP: 4 bytes
        {"caf\u00e9 \u6f22\u5b57 \U0001F600", 'c'},  // mixed
    }));
    CAPTURE(text);

    CHECK(conn.query_value<std::string>("SHOW client_encoding") == "UTF8");
    CHECK(conn.query_value<std::int32_t>("SELECT octet_length($1)", text) == static_cast<std::int32_t>(text.size()));
    CHECK(conn.query_value<std::int32_t>("SELECT length($1)", text) == static_cast<std::int32_t>(code_points(text)));
    CHECK(conn.query_value<std::int32_t>("SELECT ascii($1)", text) == first);
    CHECK(conn.query_value<std::string>("SELECT $1", text) == text);
    CHECK(conn.query_value<std::string>("SELECT $1::varchar", text) == text);
    CHECK(conn.query_value<std::string>("SELECT chr($1)", first) == first_character(text));
}

TEST_CASE("a 10 MiB string travels both ways", "[types][text]")
{
    auto conn = typq_test::connect();
    const std::string big = big_text();
    REQUIRE(big.size() > (std::size_t{10} << 20));

    SECTION("as a parameter")
    {
        CHECK(conn.query_value<std::int32_t>("SELECT octet_length($1)", big)
            == static_cast<std::int32_t>(big.size()));
        CHECK(conn.query_value<bool>("SELECT $1 = repeat('abcdefghijklmnopqrstuvwxyz', $2)", big, big_repeats));
        CHECK(conn.query_value<bool>("SELECT $1 = repeat('abcdefghijklmnopqrstuvwxyz', $2)", std::string_view(big),
            big_repeats));
    }
    SECTION("as a result")
    {
        CHECK(conn.query_value<std::string>("SELECT repeat('abcdefghijklmnopqrstuvwxyz', $1)", big_repeats) == big);
    }
    SECTION("both ways in one statement")
    {
        CHECK(conn.query_value<std::string>("SELECT $1", big) == big);
    }
}

TEST_CASE("a string with a NUL byte is refused before it is sent", "[types][text]")
{
    auto conn = typq_test::connect();
    const std::string with_nul("ab\0cd", 5);
    const std::string ok = "fine";

    SECTION("std::string as $1")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1", with_nul), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::string>("SELECT $1", with_nul),
            Contains("NUL") && Contains("$1") && Contains("std::string"));
    }
    SECTION("std::string_view as $2")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1 || $2", ok, std::string_view(with_nul)),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::string>("SELECT $1 || $2", ok, std::string_view(with_nul)),
            Contains("NUL") && Contains("$2") && Contains("std::string_view"));
    }
    SECTION("a NUL at the start or at the end")
    {
        const std::string first("\0ab", 3);
        const std::string last("ab\0", 3);
        REQUIRE_THROWS_AS(conn.execute("SELECT $1::text", first), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.execute("SELECT $1::text", first), Contains("NUL") && Contains("$1"));
        REQUIRE_THROWS_AS(conn.execute("SELECT $1::text", last), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.execute("SELECT $1::text", last), Contains("NUL") && Contains("$1"));
    }
    SECTION("nothing reached the server, and the connection still works")
    {
        conn.execute("CREATE TEMP TABLE t (s text)");
        REQUIRE_THROWS_AS(conn.execute("INSERT INTO t VALUES ($1)", with_nul), typq::conversion_error);
        CHECK(conn.state() == typq::connection_state::open);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 0);
        CHECK(conn.execute("INSERT INTO t VALUES ($1)", ok) == 1);
        CHECK(conn.query_value<std::string>("SELECT s FROM t") == ok);
    }
}

TEST_CASE("a char array with text after a NUL is refused, not cut at the NUL", "[types][text]")
{
    auto conn = typq_test::connect();

    SECTION("a string literal")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1", "ab\0cd"), typq::conversion_error);
        REQUIRE_THROWS_WITH(
            (void)conn.query_value<std::string>("SELECT $1", "ab\0cd"), Contains("NUL") && Contains("$1"));
    }
    SECTION("a buffer")
    {
        char buffer[8] = {'a', 'b', '\0', 'c', 'd', '\0', '\0', '\0'};
        REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1", buffer), typq::conversion_error);
        REQUIRE_THROWS_WITH(
            (void)conn.query_value<std::string>("SELECT $1", buffer), Contains("NUL") && Contains("$1"));
    }
    SECTION("NULs only after the text are the buffer's unused end")
    {
        char buffer[8] = {'a', 'b', '\0', '\0', '\0', '\0', '\0', '\0'};
        CHECK(conn.query_value<std::string>("SELECT $1", buffer) == "ab");
    }
}

TEST_CASE("a null const char* is refused, NULL is std::nullopt", "[types][text]")
{
    auto conn = typq_test::connect();
    const char* null_pointer = nullptr;
    REQUIRE_THROWS_AS((void)conn.query_value<bool>("SELECT $1::text IS NULL", null_pointer), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<bool>("SELECT $1::text IS NULL", null_pointer),
        Contains("null const char*") && Contains("$1"));
    char* null_mutable = nullptr;
    REQUIRE_THROWS_AS((void)conn.query_value<bool>("SELECT $1::text IS NULL", null_mutable), typq::conversion_error);
    CHECK(conn.query_value<bool>("SELECT $1::text IS NULL", std::nullopt));
}

TEST_CASE("a string that is not valid UTF-8 is refused by the server", "[types][text]")
{
    auto conn = typq_test::connect();
    const std::string invalid = "ab\xff\xfe";
    REQUIRE_THROWS_AS(
        (void)conn.query_value<std::string>("SELECT $1::text", invalid), typq::character_not_in_repertoire);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::string>("SELECT $1::text", invalid), Contains("SQLSTATE 22021"));
    CHECK(conn.query_value<std::string>("SELECT $1::text", std::string("ab")) == "ab");
}

TEST_CASE("strings are sent untyped, so the server infers their type", "[types][text]")
{
    auto conn = typq_test::connect();

    SECTION("a string parameter has no type of its own")
    {
        // With OID 0 and nothing around it to infer from, the server cannot type the parameter.
        REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::string("x")),
            typq::indeterminate_datatype);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::string("x")),
            Contains("$1") && Contains("SQLSTATE 42P18"));
        // With context it takes the type the context needs.
        CHECK(conn.query_value<std::string>("SELECT pg_typeof(coalesce($1, 0))::text", "1")
            == conn.query_value<std::string>("SELECT pg_typeof(0)::text"));
        CHECK(conn.query_value<std::string>("SELECT pg_typeof(coalesce($1, now()))::text", "2024-01-01 00:00+00")
            == conn.query_value<std::string>("SELECT pg_typeof(now())::text"));
        CHECK(conn.query_value<std::string>("SELECT pg_typeof(coalesce($1, 'x'::text))::text", std::string_view("y"))
            == conn.query_value<std::string>("SELECT pg_typeof('x'::text)::text"));
    }
    SECTION("into date, int4 and json columns")
    {
        conn.execute("CREATE TEMP TABLE t (d date, n int4, j json)");
        CHECK(conn.execute("INSERT INTO t VALUES ($1, $2, $3)", std::string("2024-02-29"), std::string("42"),
                  std::string(R"({"a": [1, 2]})"))
            == 1);
        CHECK(conn.query_value<std::string>("SELECT d::text FROM t")
            == conn.query_value<std::string>("SELECT '2024-02-29'::date::text"));
        CHECK(conn.query_value<std::int32_t>("SELECT n FROM t") == 42);
        CHECK(conn.query_value<std::string>("SELECT j::text FROM t") == R"({"a": [1, 2]})");
        CHECK(conn.query_value<std::string>("SELECT j->>'a' FROM t") == "[1, 2]");
        CHECK(conn.query_value<bool>("SELECT d = $1 FROM t", "2024-02-29"));
    }
    SECTION("into an explicit cast")
    {
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4", "42") == 42);
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4", std::string("-2147483648")) == INT32_MIN);
        CHECK(conn.query_value<bool>("SELECT $1::bool", std::string_view("yes")));
    }
    SECTION("a string the inferred type cannot read is the server's invalid_text_representation")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT $1::int4", "abc"),
            typq::invalid_text_representation);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>("SELECT $1::int4", "abc"),
            Contains("abc") && Contains("SQLSTATE 22P02"));
        conn.execute("CREATE TEMP TABLE t (n int4)");
        REQUIRE_THROWS_AS(
            conn.execute("INSERT INTO t VALUES ($1)", std::string("abc")), typq::invalid_text_representation);
        CHECK(conn.execute("INSERT INTO t VALUES ($1)", std::string("7")) == 1);
    }
}

// --- results ---------------------------------------------------------------------------------------

TEST_CASE("text-like columns read into std::string as the server sends them", "[types][text]")
{
    auto conn = typq_test::connect();

    SECTION("text, varchar, bpchar and name by field name")
    {
        const auto row = conn.query_one<text_columns>(
            "SELECT 'a b'::text AS t, 'vc'::varchar(10) AS v, 'abc'::char(5) AS c, 'relname'::name AS n");
        CHECK(row.t == "a b");
        CHECK(row.v == "vc");
        CHECK(row.n == "relname");
        // char(5) keeps the padding the server sends (bpcharsend: the stored value, spaces included).
        const auto padded = conn.query_value<bytes>("SELECT bpcharsend('abc'::char(5))");
        CHECK(row.c == std::string(reinterpret_cast<const char*>(padded.data()), padded.size()));
        CHECK(row.c.size() == 5);
    }
    SECTION("each column's type is the one the test names")
    {
        const auto rows = conn.query<std::tuple<std::string, std::string, std::string, std::string, std::string>>(
            "SELECT 'a'::text, 'b'::varchar, 'c'::char(3), 'd'::name, 'e'");
        const typq::oid expected[] = {typq::oid::text, typq::oid::varchar, typq::oid::bpchar, typq::oid::name,
            typq::oid::text};  // an unknown-typed literal in a select list is resolved to text
        for (int c = 0; c < 5; ++c) {
            CAPTURE(c);
            CHECK(static_cast<typq::oid>(PQftype(rows.native_handle(), c)) == expected[c]);
        }
        const auto [t, v, c, n, u] = rows[0];
        CHECK(t == "a");
        CHECK(v == "b");
        CHECK(c == conn.query_value<std::string>("SELECT encode(bpcharsend('c'::char(3)), 'escape')"));
        CHECK(n == "d");
        CHECK(u == "e");
    }
    SECTION("an untyped literal and an untyped parameter")
    {
        CHECK(conn.query_value<std::string>("SELECT 'x'") == "x");
        CHECK(conn.query_value<std::string>("SELECT $1", "y") == "y");
    }
    SECTION("name from the server")
    {
        CHECK(conn.query_value<std::string>("SELECT current_user")
            == conn.query_value<std::string>("SELECT current_user::text"));
    }
    SECTION("unknown, which the server resolves away, is still accepted")
    {
        STATIC_REQUIRE(typq::type<std::string>::accepts(typq::oid::unknown));
        STATIC_REQUIRE(typq::type<std::string_view>::accepts(typq::oid::unknown));
        const bytes x = conn.query_value<bytes>("SELECT textsend('x')");
        CHECK(typq_test::decode<std::string>(x, typq::oid::unknown) == "x");
    }
}

TEST_CASE("columns that are not text are refused for strings", "[types][text]")
{
    auto conn = typq_test::connect();

    const auto [sql_type, select] = GENERATE(table<std::string, std::string>({
        {"int4", "SELECT 1 AS col"},
        {"bytea", "SELECT '\\x00'::bytea AS col"},
        {"json", "SELECT '{}'::json AS col"},
        {"date", "SELECT current_date AS col"},
        {"bool", "SELECT true AS col"},
    }));
    CAPTURE(select);
    REQUIRE_THROWS_AS((void)conn.query_value<std::string>(typq::runtime(select)), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::string>(typq::runtime(select)),
        Contains("column \"col\" (" + sql_type + ")") && Contains("std::string"));
    REQUIRE_THROWS_AS((void)conn.query<std::string_view>(typq::runtime(select)), typq::conversion_error);
}

TEST_CASE("std::string_view results view the rows while the result lives", "[types][text]")
{
    auto conn = typq_test::connect();

    SECTION("one column")
    {
        std::vector<std::string> seen;
        const auto rows = conn.query<std::string_view>("SELECT g::text FROM generate_series(1, 5) g ORDER BY g");
        for (const std::string_view s : rows)
            seen.emplace_back(s);
        CHECK(seen == std::vector<std::string>{"1", "2", "3", "4", "5"});
    }
    SECTION("with other columns, and non-ASCII")
    {
        const auto rows = conn.query<std::tuple<std::int32_t, std::string_view>>(
            "SELECT g, repeat($1, g) FROM generate_series(0, 3) g ORDER BY g", "\u00e9");
        REQUIRE(rows.size() == 4);
        for (const auto& [n, s] : rows) {
            CAPTURE(n);
            CHECK(s.size() == 2 * static_cast<std::size_t>(n));
            CHECK(std::string(s) == conn.query_value<std::string>("SELECT repeat($1, $2)", "\u00e9", n));
        }
    }
    SECTION("an empty text is an empty view")
    {
        for (const std::string_view s : conn.query<std::string_view>("SELECT ''::text"))
            CHECK(s.empty());
    }
}

}  // namespace types_text_test
