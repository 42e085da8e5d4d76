// SPDX-License-Identifier: BSL-1.0
// tests/types/enum.cpp: include/typq/types/enum.hpp: C++ enumerations <-> PostgreSQL enums, by
// label (enumerator names, or labels given by the user), against the server's enum_send bytes and
// its text; arrays, NULL, struct fields; labels one side lacks; a missing or re-created type.

#include "typq_test.hpp"

#include <cstddef>   // std::byte
#include <cstdint>   // std::int32_t
#include <optional>  // NULL
#include <string>    // server text
#include <vector>    // arrays, byte vectors

namespace types_enum_test {

using Catch::Contains;
using bytes = std::vector<std::byte>;

// In an anonymous namespace (within the file's): composite.cpp and server_types.cpp cover
// enumerations in named namespaces.
namespace {

enum class mood { sad, ok, happy };

// User labels: spaces and non-ASCII.
enum class color : unsigned char { dark_blue = 3, light_green = 7, cafe = 200 };
inline constexpr typq::enum_label<color> color_labels[] = {
    {color::dark_blue, "dark blue"}, {color::light_green, "light green"}, {color::cafe, "café au lait"}};

// Mapped to a schema-qualified name and to a quoted mixed-case name.
enum class weather { rain, sun };
enum class feeling { calm, Excited };

}  // namespace

}  // namespace types_enum_test

template <>
struct typq::type<types_enum_test::mood> : typq::enum_type<types_enum_test::mood, "mood"> {};
template <>
struct typq::type<types_enum_test::color>
    : typq::enum_type<types_enum_test::color, "color", types_enum_test::color_labels> {};
template <>
struct typq::type<types_enum_test::weather> : typq::enum_type<types_enum_test::weather, "pg_temp.weather"> {};
template <>
struct typq::type<types_enum_test::feeling> : typq::enum_type<types_enum_test::feeling, "\"Feeling\""> {};

namespace types_enum_test {

// A connection with the temporary enum `mood` ('sad', 'ok', 'happy').
typq::connection connect_with_mood()
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy')");
    return conn;
}

namespace {

struct diary_entry {  // with fields of the anonymous namespace's types, in it too
    std::int32_t id;
    mood today;
    std::optional<mood> yesterday;
};

}  // namespace

TEST_CASE("enum labels are the enumerator names, in value order", "[types][enum]")
{
    STATIC_REQUIRE(typq::detail::enumerator_labels<mood>.size() == 3);
    STATIC_REQUIRE(typq::detail::enumerator_labels<mood>[0].second == "sad");
    STATIC_REQUIRE(typq::detail::enumerator_labels<mood>[2].second == "happy");
    STATIC_REQUIRE(typq::detail::enumerator_labels<mood>[2].first == mood::happy);
}

TEST_CASE("an enum value is sent and read by its label", "[types][enum]")
{
    auto conn = connect_with_mood();
    const auto v = GENERATE(mood::sad, mood::ok, mood::happy);
    CAPTURE(v);
    const auto label = conn.query_value<std::string>("SELECT $1::text", v);

    SECTION("the server reads the parameter as the enum's label")
    {
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", v) == "mood");
        CHECK(conn.query_value<bool>("SELECT $1 = $2::mood", v, label));
    }

    SECTION("decodes the label the server sends")
    { CHECK(conn.query_value<mood>("SELECT $1::mood", label) == v); }

    SECTION("encodes the bytes the server's enum_send produces")
    { CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT enum_send($1::mood)", label)); }

    SECTION("round-trips through the server")
    { CHECK(conn.query_value<mood>("SELECT $1", v) == v); }
}

TEST_CASE("enum labels read in the order the server sorts them", "[types][enum]")
{
    auto conn = connect_with_mood();
    const auto sorted = conn.query_value<std::vector<mood>>(
        "SELECT array_agg(m ORDER BY m) FROM unnest(ARRAY['happy', 'sad', 'ok']::mood[]) AS m");
    CHECK(sorted == std::vector<mood>{mood::sad, mood::ok, mood::happy});
    CHECK(conn.query_value<bool>("SELECT $1 < $2", mood::sad, mood::happy));
}

TEST_CASE("user-given enum labels may have spaces and non-ASCII characters", "[types][enum]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.color AS ENUM ('dark blue', 'light green', 'café au lait')");
    const auto [value, label] = GENERATE(table<color, std::string>({
        {color::dark_blue, "dark blue"}, {color::light_green, "light green"}, {color::cafe, "café au lait"}}));
    CAPTURE(label);

    CHECK(conn.query_value<std::string>("SELECT $1::text", value) == label);
    CHECK(conn.query_value<color>("SELECT $1::color", label) == value);
    CHECK(typq_test::encode(value) == conn.query_value<bytes>("SELECT enum_send($1::color)", label));
}

TEST_CASE("an enum adapter may name its type with a schema or quoted", "[types][enum]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.weather AS ENUM ('rain', 'sun');"
                 "CREATE TYPE pg_temp.\"Feeling\" AS ENUM ('calm', 'Excited')");

    CHECK(conn.query_value<std::string>("SELECT $1::text", weather::sun) == "sun");
    CHECK(conn.query_value<weather>("SELECT 'rain'::weather") == weather::rain);
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", feeling::Excited) == "\"Feeling\"");
    CHECK(conn.query_value<feeling>("SELECT 'Excited'::\"Feeling\"") == feeling::Excited);
}

TEST_CASE("enum arrays are sent and read", "[types][enum]")
{
    auto conn = connect_with_mood();

    SECTION("std::vector<mood> as a parameter")
    {
        const std::vector<mood> v{mood::happy, mood::sad, mood::happy};
        CHECK(conn.query_value<std::string>("SELECT $1::text", v) == "{happy,sad,happy}");
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", v) == "mood[]");
        CHECK(conn.query_value<std::vector<mood>>("SELECT $1", v) == v);
    }

    SECTION("std::vector<mood> from the server")
    {
        CHECK(conn.query_value<std::vector<mood>>("SELECT ARRAY['ok', 'sad']::mood[]")
            == std::vector<mood>{mood::ok, mood::sad});
        CHECK(conn.query_value<std::vector<mood>>("SELECT '{}'::mood[]").empty());
    }

    SECTION("NULL elements into std::optional, both ways")
    {
        const std::vector<std::optional<mood>> v{mood::ok, std::nullopt, mood::happy};
        CHECK(conn.query_value<std::string>("SELECT $1::text", v) == "{ok,NULL,happy}");
        CHECK(conn.query_value<std::vector<std::optional<mood>>>("SELECT ARRAY['ok', NULL, 'happy']::mood[]") == v);
    }

    SECTION("a NULL element into a non-optional element is an error")
    {
        REQUIRE_THROWS_AS(conn.query_value<std::vector<mood>>("SELECT ARRAY['ok', NULL]::mood[]"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::vector<mood>>("SELECT ARRAY['ok', NULL]::mood[]"), Contains("NULL"));
    }

    SECTION("typq::array<mood> keeps the dimensions")
    {
        const auto a = conn.query_value<typq::array<mood>>("SELECT '[0:1][1:2]={{sad,ok},{happy,sad}}'::mood[]");
        REQUIRE(a.ndims() == 2);
        CHECK(a.dimensions()[0].lower_bound == 0);
        CHECK(a.dimensions()[1].length == 2);
        CHECK(conn.query_value<std::string>("SELECT $1::text", a) == "[0:1][1:2]={{sad,ok},{happy,sad}}");
    }

    SECTION("an array of another enum type cannot become std::vector<mood>")
    {
        conn.execute("CREATE TYPE pg_temp.other AS ENUM ('sad', 'ok', 'happy')");
        REQUIRE_THROWS_AS(conn.query_value<std::vector<mood>>("SELECT ARRAY['ok']::other[]"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::vector<mood>>("SELECT ARRAY['ok']::other[]"), Contains("cannot become"));
    }
}

TEST_CASE("std::optional of an enum is NULL both ways", "[types][enum]")
{
    auto conn = connect_with_mood();
    const std::optional<mood> none;

    CHECK_FALSE(conn.query_value<std::optional<std::string>>("SELECT $1::text", none).has_value());
    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", none));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", none) == "mood");
    CHECK_FALSE(conn.query_value<std::optional<mood>>("SELECT NULL::mood").has_value());
    CHECK(conn.query_value<std::optional<mood>>("SELECT 'ok'::mood") == mood::ok);
    CHECK(conn.query_value<std::string>("SELECT $1::text", std::optional<mood>(mood::happy)) == "happy");
}

TEST_CASE("enum fields of a struct are read by name and bound as named parameters", "[types][enum]")
{
    auto conn = connect_with_mood();
    conn.execute("CREATE TEMP TABLE diary (id int4, today mood NOT NULL, yesterday mood)");
    conn.execute("INSERT INTO diary VALUES (:id, :today, :yesterday)", diary_entry{1, mood::happy, std::nullopt});
    conn.execute("INSERT INTO diary VALUES (:id, :today, :yesterday)", diary_entry{2, mood::sad, mood::ok});

    CHECK(conn.query_value<std::string>("SELECT string_agg(today || '/' || coalesce(yesterday::text, '-'), ',' ORDER BY id) "
                                        "FROM diary")
        == "happy/-,sad/ok");
    std::vector<diary_entry> rows;
    for (const auto& row : conn.query<diary_entry>("SELECT yesterday, today, id FROM diary ORDER BY id"))
        rows.push_back(row);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].today == mood::happy);
    CHECK_FALSE(rows[0].yesterday.has_value());
    CHECK(rows[1].today == mood::sad);
    CHECK(rows[1].yesterday == mood::ok);
}

TEST_CASE("a label the C++ enumeration lacks cannot be read", "[types][enum]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'meh', 'happy')");

    REQUIRE_THROWS_AS(conn.query_value<mood>("SELECT 'meh'::mood"), typq::conversion_error);
    REQUIRE_THROWS_WITH(conn.query_value<mood>("SELECT 'meh'::mood"), Contains("label \"meh\" of enum mood"));
    REQUIRE_THROWS_WITH(conn.query_value<std::vector<mood>>("SELECT ARRAY['ok', 'meh']::mood[]"), Contains("\"meh\""));
    // The labels both sides have still work.
    CHECK(conn.query_value<mood>("SELECT 'happy'::mood") == mood::happy);
}

TEST_CASE("a C++ value without a label cannot be sent", "[types][enum]")
{
    auto conn = connect_with_mood();
    const auto unnamed = static_cast<mood>(42);

    SECTION("encoding alone")
    {
        REQUIRE_THROWS_AS(typq_test::encode(unnamed), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::encode(unnamed), Contains("value 42 has no label in enum mood"));
    }

    SECTION("as a parameter, which names the parameter")
    {
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", unnamed), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", unnamed),
            Contains("$1") && Contains("has no label"));
        // The connection is still usable.
        CHECK(conn.query_value<std::string>("SELECT $1::text", mood::ok) == "ok");
    }

    SECTION("as an array element")
    {
        const std::vector<mood> v{mood::ok, unnamed};
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", v), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", v), Contains("has no label"));
    }
}

TEST_CASE("a C++ enumerator the server's enum lacks is refused by the server", "[types][enum]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok')");

    REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", mood::happy), typq::invalid_text_representation);
    REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", mood::happy), Contains("\"happy\""));
    CHECK(conn.query_value<std::string>("SELECT $1::text", mood::ok) == "ok");
}

TEST_CASE("an enum whose type the server does not have", "[types][enum]")
{
    auto conn = typq_test::connect();

    SECTION("cannot be sent: conversion_error naming the type")
    {
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", mood::ok), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", mood::ok),
            Contains("type \"mood\" does not exist"));
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", std::vector<mood>{mood::ok}),
            Contains("does not exist"));
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", std::optional<mood>{}),
            Contains("does not exist"));
    }

    SECTION("cannot be read: no column is of its type")
    {
        REQUIRE_THROWS_AS(conn.query_value<mood>("SELECT 'ok'::text"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<mood>("SELECT 'ok'::text"), Contains("cannot become"));
    }

    SECTION("outside a connection, encoding says it needs one")
    {
        // typq_test::encode has no server types: an enum encodes by label without its OID.
        CHECK(typq_test::encode(mood::ok) == bytes{std::byte{'o'}, std::byte{'k'}});
        REQUIRE_THROWS_AS(typq::detail::param_oid_of<mood>(typq::detail::no_server_types), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq::detail::param_oid_of<mood>(typq::detail::no_server_types),
            Contains("only be sent or read through a connection"));
    }
}

TEST_CASE("a column of another enum type does not fit the planned enum", "[types][enum]")
{
    auto conn = connect_with_mood();
    conn.execute("CREATE TYPE pg_temp.other AS ENUM ('sad', 'ok', 'happy')");

    REQUIRE_THROWS_AS(conn.query_value<mood>("SELECT 'ok'::other"), typq::conversion_error);
    REQUIRE_THROWS_WITH(conn.query_value<mood>("SELECT 'ok'::other"), Contains("cannot become"));
    REQUIRE_THROWS_AS(conn.query_value<mood>("SELECT 'ok'::text"), typq::conversion_error);
    // A domain over the enum is the enum (the server reports the base type).
    conn.execute("CREATE DOMAIN pg_temp.good_mood AS mood CHECK (VALUE <> 'sad')");
    CHECK(conn.query_value<mood>("SELECT 'ok'::good_mood") == mood::ok);
    CHECK(conn.query_value<std::vector<mood>>("SELECT ARRAY['happy']::good_mood[]") == std::vector<mood>{mood::happy});
}

TEST_CASE("lookup_type describes an enum and its array type", "[types][enum]")
{
    auto conn = connect_with_mood();
    const auto expected_id = conn.query_value<std::int64_t>("SELECT 'mood'::regtype::oid::int8");
    const auto expected_array = conn.query_value<std::int64_t>("SELECT typarray::int8 FROM pg_type WHERE oid = 'mood'::regtype");

    const auto info = conn.lookup_type("mood");
    REQUIRE(info.has_value());
    CHECK(static_cast<std::int64_t>(info->id) == expected_id);
    CHECK(info->name == "mood");
    CHECK(info->kind == typq::type_kind::enumeration);
    CHECK(static_cast<std::int64_t>(info->array) == expected_array);
    CHECK(info->element == typq::oid::unspecified);
    CHECK(info->base == typq::oid::unspecified);
    CHECK_FALSE(info->text_binary);
    CHECK(info->attributes.empty());

    const auto array = conn.lookup_type("mood[]");
    REQUIRE(array.has_value());
    CHECK(static_cast<std::int64_t>(array->id) == expected_array);
    CHECK(array->name == "mood[]");
    CHECK(array->element == info->id);

    CHECK_FALSE(conn.lookup_type("no_such_mood").has_value());
}

TEST_CASE("after a type is dropped and re-created, clear_type_cache makes the new one work", "[types][enum]")
{
    auto conn = connect_with_mood();
    REQUIRE(conn.query_value<mood>("SELECT 'ok'::mood") == mood::ok);
    REQUIRE(conn.query_value<std::string>("SELECT $1::text", mood::happy) == "happy");
    const auto old_id = conn.lookup_type("mood")->id;
    conn.execute("DROP TYPE pg_temp.mood; CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy')");

    SECTION("without clear_type_cache the connection still has the old OID")
    {
        CHECK(conn.lookup_type("mood")->id == old_id);
        // Sent with the dropped type's OID: the server does not know it.
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", mood::ok), typq::internal_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", mood::ok),
            Contains("cache lookup failed for type " + std::to_string(static_cast<std::uint32_t>(old_id))));
        // A column of the new type is not the cached one.
        REQUIRE_THROWS_AS(conn.query_value<mood>("SELECT 'ok'::mood"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<mood>("SELECT 'ok'::mood"), Contains("column \"mood\"") && Contains("cannot become"));
    }

    SECTION("after clear_type_cache both ways work")
    {
        conn.clear_type_cache();
        CHECK(conn.lookup_type("mood")->id != old_id);
        CHECK(conn.query_value<std::string>("SELECT $1::text", mood::ok) == "ok");
        CHECK(conn.query_value<mood>("SELECT 'happy'::mood") == mood::happy);
        CHECK(conn.query_value<std::vector<mood>>("SELECT $1", std::vector<mood>{mood::sad}) == std::vector<mood>{mood::sad});
    }
}

TEST_CASE("a type created after a failed lookup is found after clear_type_cache", "[types][enum]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", mood::ok), Contains("does not exist"));
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy')");

    // The answer "no such type" is cached like any other.
    CHECK_FALSE(conn.lookup_type("mood").has_value());
    REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", mood::ok), Contains("does not exist"));

    conn.clear_type_cache();
    CHECK(conn.lookup_type("mood").has_value());
    CHECK(conn.query_value<std::string>("SELECT $1::text", mood::ok) == "ok");
}

}  // namespace types_enum_test
