// SPDX-License-Identifier: BSL-1.0
// tests/types/misc.cpp: include/typq/types/misc.hpp: typq::oid as the oid type (and the reg*
// types it reads), and char as PostgreSQL's single-byte "char" type, against the server's
// oidsend and charsend.

#include "typq_test.hpp"

#include <typq/types/bit.hpp>
#include <typq/types/misc.hpp>
#include <typq/types/money.hpp>

#include <cstddef>      // std::byte
#include <cstdint>      // std::uint32_t, std::int32_t
#include <optional>     // NULL both ways
#include <string>       // text forms
#include <string_view>  // sql_type of the raw adapter
#include <tuple>        // std::tuple rows
#include <vector>       // byte vectors

namespace types_misc_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;

// Bytes sent unchecked as a "char" parameter: what the server does with a value typq never sends.
struct raw_char {
    bytes data;
};

struct domain_row {
    typq::oid type;
    char kind;
    typq::money price;
    typq::bit_string mask;
};

struct catalog_row {
    typq::oid id;
    std::string name;
    char kind;
    std::optional<typq::oid> owner_type;
    std::optional<char> persistence;
};

// The text the server's charout (PostgreSQL 15 and later) prints for a "char" byte: nothing for
// 0, the byte itself below 0x80, else a backslash and three octal digits.
std::string char_text(unsigned byte)
{
    if (byte == 0)
        return "";
    if (byte < 0x80)
        return std::string(1, static_cast<char>(byte));
    return {'\\', static_cast<char>('0' + (byte >> 6)), static_cast<char>('0' + ((byte >> 3) & 7)),
        static_cast<char>('0' + (byte & 7))};
}

}  // namespace types_misc_test

template <>
struct typq::type<types_misc_test::raw_char> {
    static constexpr std::string_view sql_type = "\"char\"";
    static constexpr oid param_oid = oid::char_;
    static void encode(const types_misc_test::raw_char& value, writer& out)
    {
        out.put_bytes(value.data.data(), value.data.size());
    }
};

namespace types_misc_test {

// --- concepts --------------------------------------------------------------------------------------

TEST_CASE("typq::oid and char have adapters of their own", "[types][concepts]")
{
    STATIC_REQUIRE(typq::encodable<typq::oid>);
    STATIC_REQUIRE(typq::decodable<typq::oid>);
    STATIC_REQUIRE(typq::type<typq::oid>::param_oid == typq::oid::oid);
    STATIC_REQUIRE(typq::type<typq::oid>::array_oid == typq::oid::oid_array);
    STATIC_REQUIRE(typq::encodable<std::optional<typq::oid>>);
    STATIC_REQUIRE(typq::decodable<std::optional<typq::oid>>);

    STATIC_REQUIRE(typq::encodable<char>);
    STATIC_REQUIRE(typq::decodable<char>);
    STATIC_REQUIRE(typq::type<char>::param_oid == typq::oid::char_);
    // No "char"[]: std::vector<char> is a byte buffer to most C++ code, not a "char"[] array.
    STATIC_REQUIRE(!typq::encodable<std::vector<char>>);
    STATIC_REQUIRE(!typq::decodable<std::vector<char>>);
    STATIC_REQUIRE(typq::type<char>::sql_type == "\"char\"");
    STATIC_REQUIRE(typq::encodable<std::optional<char>>);
    STATIC_REQUIRE(typq::decodable<std::optional<char>>);

    // Only plain char is "char": the other one-byte types still have no PostgreSQL type.
    STATIC_REQUIRE(!typq::encodable<signed char>);
    STATIC_REQUIRE(!typq::encodable<unsigned char>);
    STATIC_REQUIRE(!typq::decodable<std::int8_t>);
    STATIC_REQUIRE(!typq::encodable<std::uint32_t>);  // oid is typq::oid, not an unsigned integer
}

TEST_CASE("typq::oid reads oid and the reg* alias types, char only \"char\"", "[types][concepts]")
{
    using oid_type = typq::type<typq::oid>;
    CHECK(oid_type::accepts(typq::oid::oid));
    for (const std::uint32_t alias : {24U, 2202U, 2203U, 2204U, 2205U, 2206U, 3734U, 3769U, 4089U, 4096U, 4191U}) {
        CAPTURE(alias);
        CHECK(oid_type::accepts(static_cast<typq::oid>(alias)));
    }
    CHECK_FALSE(oid_type::accepts(typq::oid::int4));
    CHECK_FALSE(oid_type::accepts(typq::oid::int8));
    CHECK_FALSE(oid_type::accepts(typq::oid::text));

    CHECK(typq::type<char>::accepts(typq::oid::char_));
    CHECK_FALSE(typq::type<char>::accepts(typq::oid::text));
    CHECK_FALSE(typq::type<char>::accepts(typq::oid::bpchar));
    CHECK_FALSE(typq::type<char>::accepts(typq::oid::int2));
}

// --- oid -------------------------------------------------------------------------------------------

TEST_CASE("oid round-trips through the server at its limits", "[types][oid]")
{
    auto conn = typq_test::connect();
    const std::uint32_t n = GENERATE(0U, 1U, 26U, 2205U, 16384U, 2147483647U, 2147483648U, 4294967294U, 4294967295U);
    const auto v = static_cast<typq::oid>(n);
    const std::string text = std::to_string(n);
    CAPTURE(n);

    SECTION("decodes what the server parses")
    {
        CHECK(conn.query_value<typq::oid>("SELECT $1::oid", text) == v);
    }
    SECTION("encodes the bytes the server's oidsend produces")
    {
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT oidsend($1::oid)", text));
    }
    SECTION("the server reads the parameter as the same oid")
    {
        CHECK(conn.query_value<std::string>("SELECT $1::text", v) == text);
        CHECK(conn.query_value<bool>("SELECT $1 = $2::oid", v, text));
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", v) == "oid");
    }
    SECTION("comes back as it went")
    {
        CHECK(conn.query_value<typq::oid>("SELECT $1", v) == v);
    }
    SECTION("widens into std::int64_t, as the integer adapters already allow")
    {
        CHECK(conn.query_value<std::int64_t>("SELECT $1", v) == static_cast<std::int64_t>(n));
    }
}

TEST_CASE("regclass, regtype and the other reg* columns read as the OID they name", "[types][oid]")
{
    auto conn = typq_test::connect();

    CHECK(conn.query_value<typq::oid>("SELECT 'int4'::regtype") == typq::oid::int4);
    CHECK(conn.query_value<typq::oid>("SELECT 'numeric'::regtype") == typq::oid::numeric);
    CHECK(conn.query_value<typq::oid>("SELECT 'pg_class'::regclass")
        == conn.query_value<typq::oid>("SELECT oid FROM pg_class WHERE relname = 'pg_class'"));

    // Each alias type, against its own ::oid, which the server computes.
    const auto row = conn.query_one<std::tuple<typq::oid, typq::oid, typq::oid, typq::oid, typq::oid, typq::oid,
        typq::oid, typq::oid, typq::oid, typq::oid, typq::oid>>(
        "SELECT 'now'::regproc, 'now()'::regprocedure, '||/'::regoper, '+(int4,int4)'::regoperator,"
        " 'pg_type'::regclass, 'text'::regtype, 'simple'::regconfig, 'simple'::regdictionary,"
        " 'pg_catalog'::regnamespace, 'postgres'::regrole, '\"C\"'::regcollation");
    const auto expected = conn.query_one<std::tuple<typq::oid, typq::oid, typq::oid, typq::oid, typq::oid, typq::oid,
        typq::oid, typq::oid, typq::oid, typq::oid, typq::oid>>(
        "SELECT 'now'::regproc::oid, 'now()'::regprocedure::oid, '||/'::regoper::oid,"
        " '+(int4,int4)'::regoperator::oid, 'pg_type'::regclass::oid, 'text'::regtype::oid,"
        " 'simple'::regconfig::oid, 'simple'::regdictionary::oid, 'pg_catalog'::regnamespace::oid,"
        " 'postgres'::regrole::oid, '\"C\"'::regcollation::oid");
    CHECK(row == expected);
    CHECK(std::get<5>(row) == typq::oid::text);

    // And an oid parameter becomes one by a cast.
    CHECK(conn.query_value<std::string>("SELECT $1::regtype::text", typq::oid::timestamptz)
        == "timestamp with time zone");
    CHECK(conn.query_value<std::string>("SELECT $1::regclass::text", static_cast<typq::oid>(1259)) == "pg_class");
}

TEST_CASE("oid travels through a table, as a struct field and as NULL", "[types][oid]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id oid, name text, kind \"char\", owner_type oid, persistence \"char\")");
    const catalog_row first{static_cast<typq::oid>(4294967295U), "max", 'r', typq::oid::int8, 'p'};
    const catalog_row second{typq::oid::unspecified, "zero", '\0', std::nullopt, std::nullopt};
    CHECK(conn.execute("INSERT INTO t VALUES (:id, :name, :kind, :owner_type, :persistence)", first) == 1);
    CHECK(conn.execute("INSERT INTO t VALUES (:id, :name, :kind, :owner_type, :persistence)", second) == 1);

    const auto rows = conn.query<catalog_row>("SELECT persistence, owner_type, kind, name, id FROM t ORDER BY id DESC");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == first.id);
    CHECK(rows[0].name == "max");
    CHECK(rows[0].kind == 'r');
    CHECK(rows[0].owner_type == typq::oid::int8);
    CHECK(rows[0].persistence == 'p');
    CHECK(rows[1].id == typq::oid::unspecified);
    CHECK(rows[1].kind == '\0');
    CHECK(rows[1].owner_type == std::nullopt);
    CHECK(rows[1].persistence == std::nullopt);

    CHECK(conn.query_value<std::string>("SELECT id::text FROM t WHERE name = 'max'") == "4294967295");
    CHECK(conn.query_value<bool>("SELECT owner_type IS NULL FROM t WHERE name = 'zero'"));
    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", std::optional<typq::oid>()));
    CHECK(conn.query_value<std::optional<typq::oid>>("SELECT NULL::oid") == std::nullopt);
    CHECK(conn.query_value<std::optional<typq::oid>>("SELECT 'int2'::regtype") == typq::oid::int2);

    // A catalog row, as a struct: pg_class's own entry.
    const auto pg_class = conn.query_one<catalog_row>(
        "SELECT oid AS id, relname::text AS name, relkind AS kind, reltype AS owner_type,"
        " relpersistence AS persistence FROM pg_class WHERE relname = 'pg_class'");
    CHECK(pg_class.id == static_cast<typq::oid>(1259));
    CHECK(pg_class.kind == 'r');
    CHECK(pg_class.persistence == 'p');
}

TEST_CASE("malformed or mistyped oid values are refused", "[types][oid]")
{
    auto conn = typq_test::connect();

    REQUIRE_THROWS_AS(typq_test::decode<typq::oid>(""_hex, typq::oid::oid), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<typq::oid>(""_hex, typq::oid::oid), Contains("0 bytes, expected 4"));
    REQUIRE_THROWS_AS(typq_test::decode<typq::oid>("00 00 01"_hex, typq::oid::oid), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<typq::oid>("00 00 01"_hex, typq::oid::oid), Contains("3 bytes, expected 4"));
    REQUIRE_THROWS_AS(typq_test::decode<typq::oid>("00 00 00 00 01"_hex, static_cast<typq::oid>(2205)),
        typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<typq::oid>("00 00 00 00 01"_hex, typq::oid::oid),
        Contains("5 bytes, expected 4"));
    CHECK(typq_test::decode<typq::oid>("ff ff ff ff"_hex, typq::oid::oid) == static_cast<typq::oid>(4294967295U));

    // An integer column is not an oid, even one whose value would fit.
    REQUIRE_THROWS_AS((void)conn.query_value<typq::oid>("SELECT 26::int4 AS type"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<typq::oid>("SELECT 26::int4 AS type"),
        Contains("column \"type\" (int4)"));
    REQUIRE_THROWS_AS((void)conn.query_value<typq::oid>("SELECT NULL::oid AS type"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<typq::oid>("SELECT NULL::oid AS type"), Contains("NULL"));
}

// --- "char" ----------------------------------------------------------------------------------------

TEST_CASE("every byte value travels as a \"char\" both ways", "[types][char]")
{
    auto conn = typq_test::connect();
    for (unsigned byte = 0; byte < 256; ++byte) {
        CAPTURE(byte);
        const auto c = static_cast<char>(byte);
        // The server's int4 -> "char" cast takes the signed byte value, -128..127.
        const auto signed_value = static_cast<std::int32_t>(static_cast<signed char>(c));

        CHECK(conn.query_value<char>("SELECT $1::int4::\"char\"", signed_value) == c);
        CHECK(typq_test::encode(c) == conn.query_value<bytes>("SELECT charsend($1::int4::\"char\")", signed_value));
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4", c) == signed_value);
        CHECK(conn.query_value<char>("SELECT $1", c) == c);
        CHECK(conn.query_value<std::string>("SELECT $1::text", c) == char_text(byte));
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", c) == "\"char\"");
    }
}

TEST_CASE("the \"char\" literals the server parses decode, the empty one as NUL", "[types][char]")
{
    auto conn = typq_test::connect();
    const auto [text, expected] = GENERATE(table<std::string, char>({
        {"a", 'a'},
        {"Z", 'Z'},
        {"", '\0'},
        {"\\000", '\0'},
        {"\\", '\\'},
        {"\x7f", '\x7f'},
        {"\\177", '\x7f'},
        {"\\200", static_cast<char>(0x80)},
        {"\\377", static_cast<char>(0xff)},
        {"abc", 'a'},  // charin keeps the first byte
    }));
    CAPTURE(text);

    CHECK(conn.query_value<char>("SELECT $1::\"char\"", text) == expected);
    CHECK(typq_test::encode(expected) == conn.query_value<bytes>("SELECT charsend($1::\"char\")", text));
    CHECK(conn.query_value<bool>("SELECT $1 = $2::\"char\"", expected, text));
}

TEST_CASE("a \"char\" is not text: an empty \"char\" is a NUL byte, NULL is std::nullopt", "[types][char]")
{
    auto conn = typq_test::connect();

    // charsend sends the empty "char" as one NUL byte; charout prints it as the empty string.
    CHECK(conn.query_value<bytes>("SELECT charsend(''::\"char\")") == "00"_hex);
    CHECK(conn.query_value<char>("SELECT ''::\"char\"") == '\0');
    CHECK(conn.query_value<bool>("SELECT $1 = ''::\"char\"", '\0'));
    CHECK(conn.query_value<std::string>("SELECT $1::text", '\0').empty());

    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", std::optional<char>()));
    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", std::optional<char>('\0')) == false);
    CHECK(conn.query_value<std::optional<char>>("SELECT NULL::\"char\"") == std::nullopt);
    CHECK(conn.query_value<std::optional<char>>("SELECT 'x'::\"char\"") == 'x');

    // Catalog columns are "char".
    CHECK(conn.query_value<char>("SELECT relkind FROM pg_class WHERE relname = 'pg_class'") == 'r');
    CHECK(conn.query_value<char>("SELECT typtype FROM pg_type WHERE oid = $1", typq::oid::int4) == 'b');
}

TEST_CASE("malformed or mistyped \"char\" values are refused", "[types][char]")
{
    auto conn = typq_test::connect();

    REQUIRE_THROWS_AS(typq_test::decode<char>(""_hex, typq::oid::char_), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<char>(""_hex, typq::oid::char_), Contains("0 bytes, expected 1"));
    REQUIRE_THROWS_AS(typq_test::decode<char>("61 62"_hex, typq::oid::char_), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<char>("61 62"_hex, typq::oid::char_), Contains("2 bytes, expected 1"));
    CHECK(typq_test::decode<char>("ff"_hex, typq::oid::char_) == static_cast<char>(0xff));

    // The server's charrecv is as strict: exactly one byte, never none.
    REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1::text", raw_char{}), typq::protocol_violation);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::string>("SELECT $1::text", raw_char{}),
        Contains("no data left in message"));
    REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1::text", raw_char{"61 62"_hex}), typq::data_exception);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::string>("SELECT $1::text", raw_char{"61 62"_hex}),
        Contains("incorrect binary data format"));
    CHECK(conn.query_value<std::string>("SELECT $1::text", raw_char{"61"_hex}) == "a");

    // A one-character string is text, bpchar or varchar, not "char".
    REQUIRE_THROWS_AS((void)conn.query_value<char>("SELECT 'a'::text AS letter"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<char>("SELECT 'a'::text AS letter"),
        Contains("column \"letter\" (text)") && Contains("char"));
    REQUIRE_THROWS_AS((void)conn.query_value<char>("SELECT 'a'::char(1) AS letter"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<char>("SELECT 'a'::char(1) AS letter"),
        Contains("column \"letter\" (bpchar)"));
    REQUIRE_THROWS_AS((void)conn.query_value<char>("SELECT NULL::\"char\" AS letter"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<char>("SELECT NULL::\"char\" AS letter"), Contains("NULL"));
}

// --- domains ---------------------------------------------------------------------------------------

TEST_CASE("domains over oid, \"char\", money and bit read and write as their base types", "[types][domain]")
{
    // The server describes a domain column by its base type, and assigns a base-type parameter
    // to a domain column, checking the domain's constraint.
    auto conn = typq_test::connect();
    conn.execute("CREATE DOMAIN pg_temp.type_ref AS oid NOT NULL");
    conn.execute("CREATE DOMAIN pg_temp.kind AS \"char\" CHECK (VALUE IN ('r', 'v'))");
    conn.execute("CREATE DOMAIN pg_temp.price AS money CHECK (VALUE >= 0::money)");
    conn.execute("CREATE DOMAIN pg_temp.mask AS bit(4)");
    conn.execute("CREATE TEMP TABLE t (type pg_temp.type_ref, kind pg_temp.kind, price pg_temp.price, mask pg_temp.mask)");

    const domain_row row{typq::oid::int8, 'v', typq::money{150}, typq::bit_string::parse("1010")};
    CHECK(conn.execute("INSERT INTO t VALUES (:type, :kind, :price, :mask)", row) == 1);
    const auto back = conn.query_one<domain_row>("SELECT mask, price, kind, type FROM t");
    CHECK(back.type == row.type);
    CHECK(back.kind == row.kind);
    CHECK(back.price == row.price);
    CHECK(back.mask == row.mask);
    CHECK(conn.query_value<typq::money>("SELECT $1::pg_temp.price", typq::money{7}) == typq::money{7});

    const domain_row negative{typq::oid::int8, 'r', typq::money{-1}, typq::bit_string::parse("0000")};
    REQUIRE_THROWS_AS(conn.execute("INSERT INTO t VALUES (:type, :kind, :price, :mask)", negative),
        typq::check_violation);
    const domain_row bad_kind{typq::oid::int8, 'x', typq::money{1}, typq::bit_string::parse("0000")};
    REQUIRE_THROWS_AS(conn.execute("INSERT INTO t VALUES (:type, :kind, :price, :mask)", bad_kind),
        typq::check_violation);
    REQUIRE_THROWS_WITH(conn.execute("INSERT INTO t VALUES (:type, :kind, :price, :mask)", bad_kind),
        Contains("kind_check"));
}

}  // namespace types_misc_test
