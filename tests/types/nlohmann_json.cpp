// SPDX-License-Identifier: BSL-1.0
// tests/types/nlohmann_json.cpp: include/typq/nlohmann_json.hpp: nlohmann::json and
// nlohmann::ordered_json as jsonb parameters and from json and jsonb columns.

#include "typq_test.hpp"

#include <typq/nlohmann_json.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>      // std::byte
#include <cstdint>      // std::int32_t, std::int64_t
#include <optional>     // std::optional
#include <string>       // documents
#include <vector>       // bytes

namespace types_nlohmann_json_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;
using nlohmann::json;

struct event_row {
    std::int32_t id;
    json payload;
    std::optional<json> meta;
};

TEST_CASE("nlohmann::json is sent as jsonb and read from json and jsonb", "[types][concepts]")
{
    STATIC_REQUIRE(typq::encodable<json>);
    STATIC_REQUIRE(typq::decodable<json>);
    STATIC_REQUIRE(typq::encodable<nlohmann::ordered_json>);
    STATIC_REQUIRE(typq::decodable<nlohmann::ordered_json>);
    STATIC_REQUIRE(typq::decodable<std::optional<json>>);
    STATIC_REQUIRE(typq::type<json>::param_oid == typq::oid::jsonb);
    STATIC_REQUIRE(typq::type<json>::array_oid == typq::oid::jsonb_array);
    STATIC_REQUIRE(typq::type<json>::accepts(typq::oid::json));
    STATIC_REQUIRE(typq::type<json>::accepts(typq::oid::jsonb));
    STATIC_REQUIRE(!typq::type<json>::accepts(typq::oid::text));
}

TEST_CASE("nlohmann::json documents round-trip through the server", "[types][nlohmann]")
{
    auto conn = typq_test::connect();
    const json v = GENERATE(json(nullptr), json(true), json(0), json(-42), json(9007199254740993LL), json(1.5),
        json("caf\u00e9 \u6f22\u5b57 \U0001F600"), json::array(), json::object(),
        json::parse(R"({"b": [1, 2, {"c": null}], "a": "x", "nested": {"deep": {"deeper": [[["\u00e9"]]]}}})"),
        json::parse(R"(["\u0001 control", "\t tab", "\"quoted\""])"));
    CAPTURE(v.dump());

    SECTION("the server reads the document typq sends")
    {
        CHECK(conn.query_value<bool>("SELECT $1 = $2::text::jsonb", v, v.dump()));
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", v) == "jsonb");
    }
    SECTION("encodes jsonb_send's form of the same document")
    {
        // The server normalises; compare after its own round trip.
        const std::string normal = conn.query_value<std::string>("SELECT $1::text::jsonb::text", v.dump());
        CHECK(json::parse(normal) == v);
        CHECK(conn.query_value<bytes>("SELECT jsonb_send($1)", v)
            == conn.query_value<bytes>("SELECT jsonb_send($1::text::jsonb)", v.dump()));
        const auto sent = typq_test::encode(v);
        REQUIRE(!sent.empty());
        CHECK(sent.front() == std::byte{1});
    }
    SECTION("comes back equal, from jsonb and from json")
    {
        CHECK(conn.query_value<json>("SELECT $1", v) == v);
        CHECK(conn.query_value<json>("SELECT $1::text::jsonb", v.dump()) == v);
        CHECK(conn.query_value<json>("SELECT $1::text::json", v.dump()) == v);
        CHECK(conn.query_value<json>("SELECT $1::json", v) == v);
    }
}

TEST_CASE("nlohmann::json reads what the server builds", "[types][nlohmann]")
{
    auto conn = typq_test::connect();
    const auto built = conn.query_value<json>(
        "SELECT jsonb_build_object('name', 'Jos\u00e9', 'tags', jsonb_build_array('a', 'b'), 'n', 12345678901234, "
        "'pi', 3.25, 'none', NULL, 'yes', true)");
    CHECK(built["name"] == "Jos\u00e9");
    CHECK(built["tags"] == json::array({"a", "b"}));
    CHECK(built["n"].get<std::int64_t>() == 12345678901234);
    CHECK(built["pi"].get<double>() == 3.25);
    CHECK(built["none"].is_null());
    CHECK(built["yes"] == true);

    // \u escapes in a json column's text are decoded by the parser.
    CHECK(conn.query_value<json>("SELECT '\"caf\\u00e9 \\ud83d\\ude00\"'::json") == json("caf\u00e9 \U0001F600"));
    // json keeps duplicate keys in its text; nlohmann keeps the last, as jsonb does.
    CHECK(conn.query_value<json>(R"(SELECT '{"a": 1, "a": 2}'::json)") == json::parse(R"({"a": 2})"));
    CHECK(conn.query_value<json>(R"(SELECT '{"a": 1, "a": 2}'::jsonb)") == json::parse(R"({"a": 2})"));
}

TEST_CASE("nlohmann::ordered_json keeps a json column's key order", "[types][nlohmann]")
{
    auto conn = typq_test::connect();
    const auto from_json = conn.query_value<nlohmann::ordered_json>(R"(SELECT '{"b": 1, "a": 2, "cc": 3}'::json)");
    CHECK(from_json.dump() == R"({"b":1,"a":2,"cc":3})");
    const auto from_jsonb = conn.query_value<nlohmann::ordered_json>(R"(SELECT '{"b": 1, "a": 2, "cc": 3}'::jsonb)");
    CHECK(from_jsonb.dump() == R"({"a":2,"b":1,"cc":3})");
    nlohmann::ordered_json sent;
    sent["z"] = 1;
    sent["y"] = 2;
    CHECK(conn.query_value<std::string>("SELECT $1::text", sent) == R"({"y": 2, "z": 1})");
}

TEST_CASE("nlohmann::json as std::optional and a struct field", "[types][nlohmann]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4, payload jsonb, meta json)");
    const json payload = {{"kind", "click"}, {"x", 10}, {"y", 20}};
    CHECK(conn.execute("INSERT INTO t VALUES (1, $1, NULL), (2, $1, $2::json)", payload,
              std::optional<json>(json::array({1, 2})))
        == 2);
    const auto rows = conn.query<event_row>("SELECT id, payload, meta FROM t ORDER BY id");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].payload == payload);
    CHECK(rows[0].meta == std::nullopt);
    CHECK(rows[1].meta == json::array({1, 2}));
    CHECK(conn.query_value<bool>("SELECT $1::jsonb IS NULL", std::optional<json>()));
}

TEST_CASE("nlohmann::json errors are conversion errors", "[types][nlohmann]")
{
    auto conn = typq_test::connect();
    SECTION("a string that is not UTF-8 cannot be sent")
    {
        const json bad = std::string("\xff\xfe not UTF-8");
        REQUIRE_THROWS_AS((void)conn.query_value<bool>("SELECT $1 IS NULL", bad), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<bool>("SELECT $1 IS NULL", bad),
            Contains("cannot send a nlohmann::json value as jsonb") && Contains("UTF-8"));
    }
    SECTION("a number nlohmann cannot hold cannot be read")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<json>("SELECT '[1e400]'::json AS doc"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<json>("SELECT '[1e400]'::json AS doc"),
            Contains("column \"doc\" (json)") && Contains("cannot parse"));
    }
    SECTION("malformed bytes")
    {
        CHECK(typq_test::decode<json>("01 5b 31 5d"_hex, typq::oid::jsonb) == json::array({1}));
        CHECK(typq_test::decode<json>("5b 31 5d"_hex, typq::oid::json) == json::array({1}));
        const auto [data, column, reason] = GENERATE(table<bytes, typq::oid, std::string>({
            {""_hex, typq::oid::jsonb, "jsonb value is empty"},
            {"02 5b 31 5d"_hex, typq::oid::jsonb, "version byte is 2, expected 1"},
            {"5b 31 5d"_hex, typq::oid::jsonb, "version byte is 91, expected 1"},
            {"01 5b 31"_hex, typq::oid::jsonb, "cannot parse"},
            {"01"_hex, typq::oid::jsonb, "cannot parse"},
            {""_hex, typq::oid::json, "cannot parse"},
            {"7b 61 7d"_hex, typq::oid::json, "cannot parse"},
            {"22 ff 22"_hex, typq::oid::json, "cannot parse"},
        }));
        CAPTURE(data);
        REQUIRE_THROWS_AS(typq_test::decode<json>(data, column), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<json>(data, column), Contains(reason));
    }
    SECTION("columns that are not json")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<json>("SELECT '{}'::text AS col"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<json>("SELECT '{}'::text AS col"), Contains("column \"col\" (text)"));
    }
}

}  // namespace types_nlohmann_json_test
