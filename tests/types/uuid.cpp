// SPDX-License-Identifier: BSL-1.0
// tests/types/uuid.cpp: include/typq/types/uuid.hpp: typq::uuid against the server's uuid_send,
// uuid_in, uuid_out, gen_random_uuid() and ORDER BY.

#include "typq_test.hpp"

#include <typq/types/uuid.hpp>

#include <compare>      // std::is_gt
#include <cstddef>      // std::byte
#include <cstdint>      // std::int32_t
#include <optional>     // std::optional
#include <string>       // texts
#include <vector>       // bytes, collected rows

namespace types_uuid_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;

struct tagged {
    std::int32_t id;
    typq::uuid key;
    std::optional<typq::uuid> parent;
};

TEST_CASE("typq::uuid is a regular value type with an adapter", "[types][concepts]")
{
    STATIC_REQUIRE(typq::encodable<typq::uuid>);
    STATIC_REQUIRE(typq::decodable<typq::uuid>);
    STATIC_REQUIRE(typq::encodable<std::optional<typq::uuid>>);
    STATIC_REQUIRE(typq::decodable<std::optional<typq::uuid>>);
    STATIC_REQUIRE(typq::type<typq::uuid>::param_oid == typq::oid::uuid);
    STATIC_REQUIRE(typq::type<typq::uuid>::array_oid == typq::oid::uuid_array);
    STATIC_REQUIRE(sizeof(typq::uuid) == 16);
    STATIC_REQUIRE(typq::uuid().is_nil());
    STATIC_REQUIRE(typq::uuid::nil() == typq::uuid());
    // parse is constexpr: a uuid literal can be checked at compile time.
    constexpr auto known = typq::uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    STATIC_REQUIRE(!known.is_nil());
    STATIC_REQUIRE(known.bytes()[0] == std::byte{0xa0});
    STATIC_REQUIRE(known.bytes()[15] == std::byte{0x11});
    STATIC_REQUIRE(typq::uuid() < known);
}

TEST_CASE("uuid round-trips through the server", "[types][uuid]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "00000000-0000-0000-0000-000000000001", "80000000-0000-0000-0000-000000000000",
        "0123abcd-4567-89ef-fedc-ba9876543210");
    CAPTURE(text);
    const auto v = typq::uuid::parse(text);

    SECTION("to_string is the server's text")
    {
        CHECK(v.to_string() == text);
        CHECK(conn.query_value<std::string>("SELECT $1::uuid::text", v) == text);
        CHECK(conn.query_value<std::string>("SELECT $1::uuid::text", v) == v.to_string());
    }
    SECTION("encodes the bytes the server's uuid_send produces")
    {
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT uuid_send($1::text::uuid)", text));
    }
    SECTION("decodes what the server parses")
    {
        CHECK(conn.query_value<typq::uuid>("SELECT $1::text::uuid", text) == v);
        CHECK(conn.query_value<bool>("SELECT $1 = $2::text::uuid", v, text));
    }
    SECTION("comes back as it went")
    {
        CHECK(conn.query_value<typq::uuid>("SELECT $1", v) == v);
    }
    SECTION("as a std::optional and a struct field")
    {
        conn.execute("CREATE TEMP TABLE t (id int4, key uuid, parent uuid)");
        CHECK(conn.execute("INSERT INTO t VALUES (1, $1, $2), (2, $1, $3)", v, std::optional<typq::uuid>(),
                  std::optional<typq::uuid>(v))
            == 2);
        const auto rows = conn.query<tagged>("SELECT id, key, parent FROM t ORDER BY id");
        REQUIRE(rows.size() == 2);
        CHECK(rows[0].key == v);
        CHECK(rows[0].parent == std::nullopt);
        CHECK(rows[1].parent == v);
        CHECK(conn.query_value<std::optional<typq::uuid>>("SELECT NULL::uuid") == std::nullopt);
        CHECK(conn.query_value<bool>("SELECT $1::uuid IS NULL", std::optional<typq::uuid>()));
    }
}

TEST_CASE("uuid::parse accepts what uuid_in accepts", "[types][uuid]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "a0eebc999c0b4ef8bb6d6bb9bd380a11",
        "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11", "{a0eebc999c0b4ef8bb6d6bb9bd380a11}",
        "a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11", "A0eeBC99-9c0B-4eF8-bB6d-6Bb9Bd380A11");
    CAPTURE(text);

    const auto v = typq::uuid::parse(text);
    CHECK(v.to_string() == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    CHECK(conn.query_value<typq::uuid>("SELECT $1::text::uuid", text) == v);
    CHECK(conn.query_value<std::string>("SELECT $1::text::uuid::text", text) == v.to_string());
}

TEST_CASE("uuid::parse refuses what uuid_in refuses", "[types][uuid]")
{
    auto conn = typq_test::connect();
    const auto [text, reason] = GENERATE(table<std::string, std::string>({
        {"", "too few hex digits at offset 0"},
        {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "too few hex digits"},
        {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111", "unexpected character after the uuid at offset 36"},
        {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-", "unexpected character after the uuid"},
        {"-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "expected a hex digit at offset 0"},
        {"a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11", "expected a hex digit at offset 9"},
        {"a0eeb-c99-9c0b-4ef8-bb6d-6bb9bd380a11", "expected a hex digit at offset 5"},
        {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380g11", "expected a hex digit at offset 33"},
        {"{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "expected '}' at offset 37"},
        {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "unexpected character after the uuid"},
        {"(a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11)", "expected a hex digit at offset 0"},
        {" a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "expected a hex digit at offset 0"},
        {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 ", "unexpected character after the uuid"},
        {"a0eebc99 9c0b 4ef8 bb6d 6bb9bd380a11", "expected a hex digit at offset 8"},
        {"0x0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "expected a hex digit at offset 1"},
    }));
    CAPTURE(text);

    REQUIRE_THROWS_AS((void)typq::uuid::parse(text), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)typq::uuid::parse(text), Contains("invalid uuid text") && Contains(reason));
    // The server agrees.
    REQUIRE_THROWS_AS((void)conn.query_value<typq::uuid>("SELECT $1::text::uuid", text),
        typq::invalid_text_representation);
}

TEST_CASE("gen_random_uuid() values round-trip", "[types][uuid]")
{
    auto conn = typq_test::connect();
    struct generated {
        typq::uuid id;
        std::string text;
        bytes sent;
    };
    const auto rows = conn.query<generated>(
        "SELECT u AS id, u::text AS text, uuid_send(u) AS sent FROM (SELECT gen_random_uuid() AS u "
        "FROM generate_series(1, 200)) s");
    REQUIRE(rows.size() == 200);
    for (const auto& row : rows) {
        CAPTURE(row.text);
        CHECK(row.id.to_string() == row.text);
        CHECK(typq::uuid::parse(row.text) == row.id);
        CHECK(typq_test::encode(row.id) == row.sent);
        // Version 4, variant 10xx: set by gen_random_uuid.
        CHECK((std::to_integer<unsigned>(row.id.bytes()[6]) >> 4) == 4U);
        CHECK((std::to_integer<unsigned>(row.id.bytes()[8]) >> 6) == 2U);
        CHECK(conn.query_value<bool>("SELECT $1 = $2::uuid", row.id, row.text));
    }
}

TEST_CASE("uuid ordering agrees with the server's ORDER BY", "[types][uuid]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (u uuid)");
    conn.execute("INSERT INTO t SELECT gen_random_uuid() FROM generate_series(1, 300)");
    // Values that differ only in their first or last byte, and the extremes.
    conn.execute("INSERT INTO t VALUES ('00000000-0000-0000-0000-000000000000'), "
                 "('ffffffff-ffff-ffff-ffff-ffffffffffff'), ('7fffffff-ffff-ffff-ffff-ffffffffffff'), "
                 "('80000000-0000-0000-0000-000000000000'), ('00000000-0000-0000-0000-000000000080'), "
                 "('00000000-0000-0000-0000-00000000007f')");
    const auto ordered = conn.query<typq::uuid>("SELECT u FROM t ORDER BY u");
    REQUIRE(ordered.size() == 306);
    for (std::size_t i = 1; i < ordered.size(); ++i) {
        CAPTURE(i, ordered[i - 1].to_string(), ordered[i].to_string());
        CHECK(ordered[i - 1] < ordered[i]);
        CHECK(std::is_gt(ordered[i] <=> ordered[i - 1]));
        CHECK(ordered[i - 1] != ordered[i]);
    }
    CHECK(ordered[0].is_nil());
    CHECK(ordered[0] == typq::uuid::nil());
    CHECK(ordered[ordered.size() - 1].to_string() == "ffffffff-ffff-ffff-ffff-ffffffffffff");
    // The server's comparison operators on pairs agree too.
    const auto a = typq::uuid::parse("00000000-0000-0000-0000-000000000080");
    const auto b = typq::uuid::parse("00000000-0000-0000-0000-00000000007f");
    CHECK(b < a);
    CHECK(conn.query_value<bool>("SELECT $1 < $2", b, a));
}

TEST_CASE("uuid decoding refuses values that are not 16 bytes", "[types][uuid]")
{
    const bytes sixteen = "a0 ee bc 99 9c 0b 4e f8 bb 6d 6b b9 bd 38 0a 11"_hex;
    CHECK(typq_test::decode<typq::uuid>(sixteen, typq::oid::uuid).to_string() == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");

    const bytes bad = GENERATE(as<bytes>{}, ""_hex, "a0"_hex, "a0 ee bc 99 9c 0b 4e f8 bb 6d 6b b9 bd 38 0a"_hex,
        "a0 ee bc 99 9c 0b 4e f8 bb 6d 6b b9 bd 38 0a 11 00"_hex);
    CAPTURE(bad);
    REQUIRE_THROWS_AS(typq_test::decode<typq::uuid>(bad, typq::oid::uuid), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<typq::uuid>(bad, typq::oid::uuid),
        Contains("uuid") && Contains(std::to_string(bad.size()) + " bytes, expected 16"));
}

TEST_CASE("columns that are not uuid are refused for typq::uuid", "[types][uuid]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_AS((void)conn.query_value<typq::uuid>("SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::text AS col"),
        typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<typq::uuid>("SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::text AS col"),
        Contains("column \"col\" (text)"));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", typq::uuid()) == "uuid");
}

}  // namespace types_uuid_test
