// SPDX-License-Identifier: BSL-1.0
// tests/types/bytea.cpp: include/typq/types/bytea.hpp: std::vector<std::byte> both ways,
// std::span<const std::byte> as a parameter and as a view into a result, against the server's
// encode($1, 'hex') and length($1).

#include "typq_test.hpp"

#include <cstddef>      // std::byte, std::size_t
#include <cstdint>      // std::int32_t
#include <span>         // std::span
#include <string>       // hex text
#include <tuple>        // std::tuple rows
#include <vector>       // std::vector<std::byte>

namespace types_bytea_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;

// Lower-case hex, as the server's encode(..., 'hex') writes it.
std::string hex(std::span<const std::byte> data)
{
    constexpr char digits[] = "0123456789abcdef";
    std::string text;
    text.reserve(data.size() * 2);
    for (const std::byte b : data) {
        text += digits[std::to_integer<unsigned>(b) >> 4];
        text += digits[std::to_integer<unsigned>(b) & 15U];
    }
    return text;
}

// Every byte value once, in order.
bytes all_byte_values()
{
    bytes out;
    for (unsigned i = 0; i < 256; ++i)
        out.push_back(static_cast<std::byte>(i));
    return out;
}

// The server's own 0..255 block, and `$1` copies of it.
#define TYPQ_TEST_BLOCK_HEX \
    "(SELECT string_agg(lpad(to_hex(i), 2, '0'), '' ORDER BY i) FROM generate_series(0, 255) i)"

struct blob_row {
    std::int32_t id;
    bytes data;
};

TEST_CASE("byte containers can be sent, and owning or viewing byte results read", "[types][concepts]")
{
    STATIC_REQUIRE(typq::encodable<std::vector<std::byte>>);
    STATIC_REQUIRE(typq::decodable<std::vector<std::byte>>);
    STATIC_REQUIRE(typq::encodable<std::span<const std::byte>>);
    STATIC_REQUIRE(typq::decodable<std::span<const std::byte>>);
    STATIC_REQUIRE(typq::encodable<std::span<std::byte>>);
    STATIC_REQUIRE(!typq::decodable<std::span<std::byte>>);  // a result's bytes are read-only
    STATIC_REQUIRE(typq::type<std::span<const std::byte>>::borrows);
    // Bytes are std::byte: char and unsigned char containers are not bytea.
    STATIC_REQUIRE(!typq::encodable<std::vector<char>>);
    STATIC_REQUIRE(!typq::decodable<std::vector<unsigned char>>);
    STATIC_REQUIRE(!typq::encodable<std::span<const unsigned char>>);
}

TEST_CASE("bytea round-trips through the server", "[types][bytea]")
{
    auto conn = typq_test::connect();
    const bytes v = GENERATE(as<bytes>{}, ""_hex, "00"_hex, "ff"_hex, "00 00 41 00 42 00 00"_hex,
        "00 01 02 00 00 fe ff 00"_hex, "de ad be ef"_hex, all_byte_values());
    CAPTURE(v);

    SECTION("the server sees the same bytes")
    {
        CHECK(conn.query_value<std::string>("SELECT encode($1, 'hex')", v) == hex(v));
        CHECK(conn.query_value<std::int32_t>("SELECT length($1)", v) == static_cast<std::int32_t>(v.size()));
        CHECK(conn.query_value<bool>("SELECT $1 IS NULL", v) == false);
    }
    SECTION("decodes what the server built from hex")
    {
        CHECK(conn.query_value<bytes>("SELECT decode($1, 'hex')", hex(v)) == v);
    }
    SECTION("encodes the bytes the server's byteasend produces")
    {
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT byteasend(decode($1, 'hex'))", hex(v)));
    }
    SECTION("comes back as it went")
    {
        CHECK(conn.query_value<bytes>("SELECT $1", v) == v);
    }
    SECTION("as a span parameter")
    {
        const std::span<const std::byte> view(v);
        CHECK(conn.query_value<std::string>("SELECT encode($1, 'hex')", view) == hex(v));
        CHECK(conn.query_value<bytes>("SELECT $1", view) == v);
        bytes copy = v;
        const std::span<std::byte> mutable_view(copy);
        CHECK(conn.query_value<std::string>("SELECT encode($1, 'hex')", mutable_view) == hex(v));
    }
    SECTION("through a table")
    {
        conn.execute("CREATE TEMP TABLE t (id int4, data bytea)");
        CHECK(conn.execute("INSERT INTO t VALUES (1, $1)", v) == 1);
        const auto row = conn.query_one<blob_row>("SELECT id, data FROM t");
        CHECK(row.id == 1);
        CHECK(row.data == v);
        CHECK(conn.query_value<std::string>("SELECT encode(data, 'hex') FROM t") == hex(v));
    }
}

TEST_CASE("all 256 byte values travel both ways", "[types][bytea]")
{
    auto conn = typq_test::connect();
    const bytes every = all_byte_values();

    CHECK(conn.query_value<bytes>("SELECT decode(" TYPQ_TEST_BLOCK_HEX ", 'hex')") == every);
    CHECK(conn.query_value<bool>("SELECT $1 = decode(" TYPQ_TEST_BLOCK_HEX ", 'hex')", every));
    CHECK(conn.query_value<std::int32_t>("SELECT length($1)", every) == 256);
    for (const int i : {0, 1, 127, 128, 254, 255}) {
        CAPTURE(i);
        CHECK(conn.query_value<std::int32_t>("SELECT get_byte($1, $2)", every, i) == i);
    }
}

TEST_CASE("an empty bytea is empty, not NULL", "[types][bytea]")
{
    auto conn = typq_test::connect();
    const bytes empty;

    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", empty) == false);
    CHECK(conn.query_value<bool>("SELECT $1 = ''::bytea", empty));
    CHECK(conn.query_value<std::int32_t>("SELECT length($1)", empty) == 0);
    CHECK(conn.query_value<bytes>("SELECT ''::bytea").empty());
    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", std::span<const std::byte>()) == false);
}

TEST_CASE("a 10 MiB bytea travels both ways", "[types][bytea]")
{
    auto conn = typq_test::connect();
    constexpr int blocks = 40960;  // 256 bytes each: 10 MiB
    bytes big;
    big.reserve(256 * blocks);
    for (int b = 0; b < blocks; ++b)
        for (unsigned i = 0; i < 256; ++i)
            big.push_back(static_cast<std::byte>(i));
    REQUIRE(big.size() == (std::size_t{10} << 20));

    SECTION("as a parameter")
    {
        CHECK(conn.query_value<std::int32_t>("SELECT length($1)", big) == static_cast<std::int32_t>(big.size()));
        CHECK(conn.query_value<bool>("SELECT $1 = decode(repeat(" TYPQ_TEST_BLOCK_HEX ", $2), 'hex')", big, blocks));
        CHECK(conn.query_value<bool>("SELECT $1 = decode(repeat(" TYPQ_TEST_BLOCK_HEX ", $2), 'hex')",
            std::span<const std::byte>(big), blocks));
    }
    SECTION("as a result")
    {
        CHECK(conn.query_value<bytes>("SELECT decode(repeat(" TYPQ_TEST_BLOCK_HEX ", $1), 'hex')", blocks) == big);
    }
    SECTION("both ways in one statement")
    {
        CHECK(conn.query_value<bytes>("SELECT $1", big) == big);
    }
}

TEST_CASE("std::span<const std::byte> results view the rows while the result lives", "[types][bytea]")
{
    auto conn = typq_test::connect();
    const auto rows = conn.query<std::tuple<std::int32_t, std::span<const std::byte>>>(
        "SELECT g, decode(repeat('00ff', g), 'hex') FROM generate_series(0, 3) g ORDER BY g");
    REQUIRE(rows.size() == 4);
    for (const auto& [n, view] : rows) {
        CAPTURE(n);
        CHECK(view.size() == 2 * static_cast<std::size_t>(n));
        CHECK(bytes(view.begin(), view.end())
            == conn.query_value<bytes>("SELECT decode(repeat('00ff', $1), 'hex')", n));
    }
    for (const std::span<const std::byte> view : conn.query<std::span<const std::byte>>("SELECT '\\x0001'::bytea"))
        CHECK(bytes(view.begin(), view.end()) == "00 01"_hex);
}

TEST_CASE("columns that are not bytea are refused for bytes", "[types][bytea]")
{
    auto conn = typq_test::connect();
    const auto [sql_type, select] = GENERATE(table<std::string, std::string>({
        {"text", "SELECT 'x'::text AS col"},
        {"int4", "SELECT 1 AS col"},
        {"varchar", "SELECT 'x'::varchar AS col"},
    }));
    CAPTURE(select);
    REQUIRE_THROWS_AS((void)conn.query_value<bytes>(typq::runtime(select)), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<bytes>(typq::runtime(select)),
        Contains("column \"col\" (" + sql_type + ")") && Contains("std::vector<std::byte>"));
    REQUIRE_THROWS_AS((void)conn.query<std::span<const std::byte>>(typq::runtime(select)), typq::conversion_error);
}

TEST_CASE("bytea parameters are typed bytea", "[types][bytea]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", "01"_hex)
        == conn.query_value<std::string>("SELECT pg_typeof(''::bytea)::text"));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::span<const std::byte>())
        == conn.query_value<std::string>("SELECT pg_typeof(''::bytea)::text"));
}

}  // namespace types_bytea_test

// The file's own macros end with it (a unity batch goes on with the next file).
#undef TYPQ_TEST_BLOCK_HEX
