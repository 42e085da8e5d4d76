// SPDX-License-Identifier: BSL-1.0
// tests/types/json.cpp: include/typq/types/json.hpp: typq::json and typq::jsonb against the
// server's json_send, jsonb_send, its jsonb normalisation and its JSON parser.

#include "typq_test.hpp"

#include <typq/types/json.hpp>

#include <cstddef>      // std::byte
#include <cstdint>      // std::int32_t
#include <optional>     // std::optional
#include <string>       // documents
#include <vector>       // bytes

namespace types_json_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;

bytes as_bytes(const std::string& text)
{
    const auto* first = reinterpret_cast<const std::byte*>(text.data());
    return {first, first + text.size()};
}

// jsonb_send's form: the version byte 1, then the text.
bytes jsonb_wire(const std::string& text)
{
    bytes out{std::byte{1}};
    const bytes rest = as_bytes(text);
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

struct document_row {
    std::int32_t id;
    typq::json doc;
    typq::jsonb body;
    std::optional<typq::jsonb> extra;
};

TEST_CASE("typq::json and typq::jsonb are value types with adapters", "[types][concepts]")
{
    STATIC_REQUIRE(typq::encodable<typq::json>);
    STATIC_REQUIRE(typq::decodable<typq::json>);
    STATIC_REQUIRE(typq::encodable<typq::jsonb>);
    STATIC_REQUIRE(typq::decodable<typq::jsonb>);
    STATIC_REQUIRE(typq::encodable<std::optional<typq::jsonb>>);
    STATIC_REQUIRE(typq::decodable<std::optional<typq::json>>);
    STATIC_REQUIRE(typq::type<typq::json>::param_oid == typq::oid::json);
    STATIC_REQUIRE(typq::type<typq::jsonb>::param_oid == typq::oid::jsonb);
    STATIC_REQUIRE(typq::type<typq::json>::array_oid == typq::oid::json_array);
    STATIC_REQUIRE(typq::type<typq::jsonb>::array_oid == typq::oid::jsonb_array);
    CHECK(typq::json(R"({"a":1})") == typq::json(R"({"a":1})"));
    CHECK(typq::json(R"({"a":1})") != typq::json(R"({"a": 1})"));  // texts, not documents
    CHECK(typq::jsonb("[1]").text() == "[1]");
    CHECK(typq::json().text().empty());
}

TEST_CASE("json and jsonb round-trip through the server", "[types][json]")
{
    auto conn = typq_test::connect();
    // Documents the server prints as they are written: the same text back from json and jsonb.
    const std::string text = GENERATE(as<std::string>{}, "null", "true", "false", "0", "-1.5", "\"\"",
        "\"caf\u00e9\"", "\"\u6f22\u5b57\"", "\"\U0001F600 emoji\"", "\"tab\\tquote\\\"backslash\\\\\"", "[]", "{}",
        "[1, \"two\", null, true, {\"k\": [3.25]}]", "{\"a\": {\"b\": {\"c\": {\"d\": [[[\"deep\"]]]}}}}",
        "{\"\U0001F600\": [\"\U0001F680\"], \"\u00e9t\u00e9\": \"\u6f22\u5b57\"}", "123456789012345678901234567890.5");
    CAPTURE(text);

    SECTION("json: the server keeps the text and sends it back unchanged")
    {
        const typq::json v(text);
        CHECK(conn.query_value<std::string>("SELECT $1::json::text", v) == text);
        CHECK(conn.query_value<typq::json>("SELECT $1", v) == v);
        CHECK(conn.query_value<typq::json>("SELECT $1::text::json", text) == v);
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT json_send($1::text::json)", text));
        CHECK(typq_test::encode(v) == as_bytes(text));
    }
    SECTION("jsonb: a version byte, then the text")
    {
        const typq::jsonb v(text);
        CHECK(conn.query_value<std::string>("SELECT $1::jsonb::text", v) == text);
        CHECK(conn.query_value<typq::jsonb>("SELECT $1", v) == v);
        CHECK(conn.query_value<typq::jsonb>("SELECT $1::text::jsonb", text) == v);
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT jsonb_send($1::text::jsonb)", text));
        CHECK(typq_test::encode(v) == jsonb_wire(text));
        CHECK(conn.query_value<bool>("SELECT $1 = $2::text::jsonb", v, text));
    }
}

TEST_CASE("non-ASCII text and backslash-u escapes reach the server as characters", "[types][json]")
{
    auto conn = typq_test::connect();
    SECTION("UTF-8 in the text")
    {
        const typq::jsonb v("{\"name\": \"Jos\u00e9 \u6f22\u5b57 \U0001F600\"}");
        CHECK(conn.query_value<std::string>("SELECT $1->>'name'", v) == "Jos\u00e9 \u6f22\u5b57 \U0001F600");
        CHECK(conn.query_value<std::int32_t>("SELECT length($1->>'name')", v) == 9);
        CHECK(conn.query_value<std::int32_t>("SELECT octet_length($1->>'name')", v) == 17);
    }
    SECTION("\\u escapes: json keeps them as written, jsonb decodes them")
    {
        const std::string text = R"({"e": "caf\u00e9", "k": "\u6f22\u5b57", "s": "\ud83d\ude00"})";
        CHECK(conn.query_value<typq::json>("SELECT $1", typq::json(text)).text() == text);
        CHECK(conn.query_value<std::string>("SELECT $1->>'e'", typq::json(text)) == "caf\u00e9");
        CHECK(conn.query_value<typq::jsonb>("SELECT $1", typq::jsonb(text)).text()
            == "{\"e\": \"caf\u00e9\", \"k\": \"\u6f22\u5b57\", \"s\": \"\U0001F600\"}");
        CHECK(conn.query_value<std::string>("SELECT $1->>'s'", typq::jsonb(text)) == "\U0001F600");
        CHECK(conn.query_value<bool>("SELECT $1 = $2", typq::jsonb(text),
            typq::jsonb("{\"e\": \"caf\u00e9\", \"k\": \"\u6f22\u5b57\", \"s\": \"\U0001F600\"}")));
    }
}

TEST_CASE("jsonb comes back in the server's normal form", "[types][json]")
{
    auto conn = typq_test::connect();
    const std::string written = GENERATE(as<std::string>{}, R"({"b":1,"a":2,"aa":3})",
        "  {  \"z\" :\n[ 1 ,2,  3 ] ,\t\"a\":{\"y\":null,\"x\":true}}  ", R"({"a":1,"a":2})", "[1.50, 1e3, -0]",
        R"({"long key": {"k2": "v", "k1": ["x",  "y"]}, "k": 0})");
    CAPTURE(written);

    const std::string normal = conn.query_value<std::string>("SELECT $1::text::jsonb::text", written);
    SECTION("as jsonb")
    {
        CHECK(conn.query_value<typq::jsonb>("SELECT $1", typq::jsonb(written)).text() == normal);
        CHECK(conn.query_value<std::string>("SELECT $1::jsonb::text", typq::jsonb(written)) == normal);
        CHECK(conn.query_value<typq::jsonb>("SELECT $1::text::jsonb", written).text() == normal);
        CHECK(conn.query_value<typq::json>("SELECT $1::text::jsonb", written).text() == normal);
        CHECK(typq_test::encode(typq::jsonb(normal))
            == conn.query_value<bytes>("SELECT jsonb_send($1::text::jsonb)", written));
    }
    SECTION("as json, kept as written")
    {
        CHECK(conn.query_value<typq::json>("SELECT $1", typq::json(written)).text() == written);
        CHECK(conn.query_value<typq::jsonb>("SELECT $1::jsonb", typq::json(written)).text() == normal);
        CHECK(conn.query_value<typq::jsonb>("SELECT $1::text::json", written).text() == written);
    }
}

TEST_CASE("invalid JSON is refused by the server", "[types][json]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "", "{", "{\"a\":}", "[1,]", "nul", "'single'", "{a: 1}",
        "[1] [2]", "\"\\x\"");
    CAPTURE(text);

    REQUIRE_THROWS_AS((void)conn.query_value<typq::json>("SELECT $1", typq::json(text)),
        typq::invalid_text_representation);
    REQUIRE_THROWS_AS((void)conn.query_value<typq::jsonb>("SELECT $1", typq::jsonb(text)),
        typq::invalid_text_representation);
    REQUIRE_THROWS_WITH((void)conn.query_value<typq::jsonb>("SELECT $1", typq::jsonb(text)), Contains("json"));
}

TEST_CASE("a lone surrogate escape is refused by jsonb but kept by json", "[types][json]")
{
    auto conn = typq_test::connect();
    const std::string text = R"("\ud800")";
    CHECK(conn.query_value<typq::json>("SELECT $1", typq::json(text)).text() == text);
    REQUIRE_THROWS_AS((void)conn.query_value<typq::jsonb>("SELECT $1", typq::jsonb(text)),
        typq::invalid_text_representation);
    REQUIRE_THROWS_WITH((void)conn.query_value<typq::jsonb>("SELECT $1", typq::jsonb(text)), Contains("json"));
}

TEST_CASE("json documents as std::optional and struct fields", "[types][json]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4, doc json, body jsonb, extra jsonb)");
    CHECK(conn.execute("INSERT INTO t VALUES (1, $1, $2, $3), (2, $1, $2, $4)", typq::json(R"({"b": 1, "a": 2})"),
              typq::jsonb(R"({"b": 1, "a": 2})"), std::optional<typq::jsonb>(),
              std::optional<typq::jsonb>(typq::jsonb("[null]")))
        == 2);
    const auto rows = conn.query<document_row>("SELECT id, doc, body, extra FROM t ORDER BY id");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].doc.text() == R"({"b": 1, "a": 2})");
    CHECK(rows[0].body.text() == R"({"a": 2, "b": 1})");
    CHECK(rows[0].extra == std::nullopt);
    CHECK(rows[1].extra == typq::jsonb("[null]"));
    CHECK(conn.query_value<std::optional<typq::json>>("SELECT NULL::json") == std::nullopt);
    // A JSON null is a value, not SQL NULL.
    CHECK(conn.query_value<std::optional<typq::jsonb>>("SELECT 'null'::jsonb") == typq::jsonb("null"));
}

TEST_CASE("json and jsonb parameters are typed json and jsonb", "[types][json]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", typq::json("1")) == "json");
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", typq::jsonb("1")) == "jsonb");
}

TEST_CASE("a large jsonb document travels both ways", "[types][json]")
{
    auto conn = typq_test::connect();
    const std::string built = conn.query_value<std::string>(
        "SELECT jsonb_agg(jsonb_build_object('i', g, 'name', 'caf\u00e9 ' || g))::text FROM generate_series(1, 20000) g");
    REQUIRE(built.size() > 500000);
    CHECK(conn.query_value<typq::jsonb>("SELECT $1", typq::jsonb(built)).text() == built);
    CHECK(conn.query_value<std::int32_t>("SELECT jsonb_array_length($1)", typq::jsonb(built)) == 20000);
}

TEST_CASE("jsonb decoding checks the version byte", "[types][json]")
{
    CHECK(typq_test::decode<typq::jsonb>("01 5b 31 5d"_hex, typq::oid::jsonb).text() == "[1]");
    CHECK(typq_test::decode<typq::json>("01 5b 31 5d"_hex, typq::oid::jsonb).text() == "[1]");
    CHECK(typq_test::decode<typq::jsonb>("01"_hex, typq::oid::jsonb).text().empty());
    // json's binary form is the text: no version byte.
    CHECK(typq_test::decode<typq::json>("5b 31 5d"_hex, typq::oid::json).text() == "[1]");
    CHECK(typq_test::decode<typq::jsonb>("5b 31 5d"_hex, typq::oid::json).text() == "[1]");

    SECTION("a wrong version byte")
    {
        const auto [data, reason] = GENERATE(table<bytes, std::string>({
            {"00 5b 31 5d"_hex, "version byte is 0, expected 1"},
            {"02 5b 31 5d"_hex, "version byte is 2, expected 1"},
            {"ff"_hex, "version byte is 255, expected 1"},
            {"5b 31 5d"_hex, "version byte is 91, expected 1"},
        }));
        CAPTURE(data);
        REQUIRE_THROWS_AS(typq_test::decode<typq::jsonb>(data, typq::oid::jsonb), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<typq::jsonb>(data, typq::oid::jsonb), Contains(reason));
        REQUIRE_THROWS_AS(typq_test::decode<typq::json>(data, typq::oid::jsonb), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<typq::json>(data, typq::oid::jsonb), Contains(reason));
    }
    SECTION("no version byte at all")
    {
        REQUIRE_THROWS_AS(typq_test::decode<typq::jsonb>(""_hex, typq::oid::jsonb), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<typq::jsonb>(""_hex, typq::oid::jsonb),
            Contains("jsonb") && Contains("empty"));
    }
}

TEST_CASE("columns that are not json are refused for typq::json and typq::jsonb", "[types][json]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_AS((void)conn.query_value<typq::json>("SELECT '{}'::text AS col"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<typq::json>("SELECT '{}'::text AS col"), Contains("column \"col\" (text)"));
    REQUIRE_THROWS_AS((void)conn.query_value<typq::jsonb>("SELECT 1 AS col"), typq::conversion_error);
}

}  // namespace types_json_test
