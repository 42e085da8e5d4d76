// SPDX-License-Identifier: BSL-1.0
// tests/types/server_types.cpp: types only the server knows, without an adapter of their own:
// domains (read as their base type, alone and in arrays), citext (read as text), the hstore
// adapter (include/typq/types/hstore.hpp) against hstore_send, and the connection's type cache
// (include/typq/server_types.hpp: lookup_type, clear_type_cache, results keeping their snapshot).

#include "typq_test.hpp"

#include <cstddef>        // std::byte
#include <cstdint>        // std::int32_t, hand-made bytes
#include <map>            // hstore maps
#include <optional>       // NULL values
#include <string>         // keys, values, server text
#include <string_view>    // citext into a view
#include <unordered_map>  // hstore maps
#include <utility>        // std::move
#include <vector>         // arrays, byte vectors

namespace types_server_types_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;
using hmap = std::map<std::string, std::optional<std::string>>;
using unordered_hmap = std::unordered_map<std::string, std::optional<std::string>>;

// Extensions are database-wide: created once, under a lock, so that parallel tests do not race.
void create_extension(typq::connection& conn, const std::string& name)
{
    conn.execute(typq::runtime("BEGIN; SELECT pg_advisory_xact_lock(4242); CREATE EXTENSION IF NOT EXISTS " + name
        + "; COMMIT;"));
}

typq::connection connect_with_posint()
{
    auto conn = typq_test::connect();
    conn.execute("CREATE DOMAIN pg_temp.posint AS int4 CHECK (VALUE > 0)");
    return conn;
}

struct stock_row {
    std::int32_t id;
    std::int32_t qty;
    std::vector<std::int32_t> lots;
};

struct tagged {
    std::int32_t id;
    hmap tags;
    std::optional<hmap> extra;
};

// A named namespace: enum.cpp covers enumerations in anonymous namespaces.
enum class mood { sad, ok };

struct address {
    std::string street;
    std::optional<std::string> zip;
};

// The same composite before an attribute is added.
struct address_v1 {
    std::string street;
};

}  // namespace types_server_types_test

template <>
struct typq::type<types_server_types_test::mood> : typq::enum_type<types_server_types_test::mood, "mood"> {};
template <>
struct typq::type<types_server_types_test::address>
    : typq::composite_type<types_server_types_test::address, "address"> {};
template <>
struct typq::type<types_server_types_test::address_v1>
    : typq::composite_type<types_server_types_test::address_v1, "address"> {};

namespace types_server_types_test {

// --- domains ---------------------------------------------------------------------------------------

TEST_CASE("a domain column is read as its base type", "[types][domain]")
{
    auto conn = connect_with_posint();
    conn.execute("CREATE TEMP TABLE stock (id int4, qty posint, lots posint[])");
    conn.execute("INSERT INTO stock VALUES (1, 5, ARRAY[1, 2]), (2, 7, '{}')");

    // The server describes a domain column by its base type.
    CHECK(conn.query_value<std::int32_t>("SELECT qty FROM stock WHERE id = 1") == 5);
    CHECK(conn.query_value<std::int64_t>("SELECT 9::posint") == 9);
    CHECK(conn.query_value<std::optional<std::int32_t>>("SELECT NULL::posint") == std::nullopt);

    std::vector<stock_row> rows;
    for (const auto& row : conn.query<stock_row>("SELECT lots, qty, id FROM stock ORDER BY id"))
        rows.push_back(row);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].qty == 5);
    CHECK(rows[0].lots == std::vector<std::int32_t>{1, 2});
    CHECK(rows[1].lots.empty());

    REQUIRE_THROWS_AS(conn.query_value<std::int16_t>("SELECT qty FROM stock WHERE id = 1"), typq::conversion_error);
}

TEST_CASE("a parameter into a domain is checked by the server", "[types][domain]")
{
    auto conn = connect_with_posint();
    conn.execute("CREATE TEMP TABLE stock (qty posint, lots posint[])");

    CHECK(conn.execute("INSERT INTO stock (qty) VALUES ($1)", 5) == 1);
    CHECK(conn.query_value<std::string>("SELECT $1::posint::text", 12) == "12");
    CHECK(conn.execute("INSERT INTO stock (lots) VALUES ($1)", std::vector<std::int32_t>{3, 4}) == 1);
    CHECK(conn.query_value<std::string>("SELECT lots::text FROM stock WHERE lots IS NOT NULL") == "{3,4}");

    SECTION("a value the domain refuses: check_violation")
    {
        REQUIRE_THROWS_AS(conn.execute("INSERT INTO stock (qty) VALUES ($1)", 0), typq::check_violation);
        REQUIRE_THROWS_WITH(conn.execute("INSERT INTO stock (qty) VALUES ($1)", -3), Contains("posint"));
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::posint::text", 0), typq::check_violation);
    }

    SECTION("an array element the domain refuses: check_violation")
    {
        REQUIRE_THROWS_AS(conn.execute("INSERT INTO stock (lots) VALUES ($1)", std::vector<std::int32_t>{1, 0}),
            typq::check_violation);
    }
}

TEST_CASE("an array of a domain reads into an array of its base type", "[types][domain]")
{
    auto conn = connect_with_posint();

    CHECK(conn.query_value<std::vector<std::int32_t>>("SELECT ARRAY[1, 2]::posint[]") == std::vector<std::int32_t>{1, 2});
    CHECK(conn.query_value<std::vector<std::int64_t>>("SELECT ARRAY[1, 2]::posint[]") == std::vector<std::int64_t>{1, 2});
    CHECK(conn.query_value<std::vector<std::optional<std::int32_t>>>("SELECT ARRAY[1, NULL]::posint[]")
        == std::vector<std::optional<std::int32_t>>{1, std::nullopt});
    CHECK(conn.query_value<std::vector<std::vector<std::int32_t>>>("SELECT '{{1,2},{3,4}}'::posint[]")
        == std::vector<std::vector<std::int32_t>>{{1, 2}, {3, 4}});
    const auto a = conn.query_value<typq::array<std::int32_t>>("SELECT '[5:6]={7,8}'::posint[]");
    REQUIRE(a.ndims() == 1);
    CHECK(a.dimensions()[0].lower_bound == 5);
    CHECK(a.elements() == std::vector<std::int32_t>{7, 8});

    SECTION("a domain over a domain")
    {
        conn.execute("CREATE DOMAIN pg_temp.small_posint AS posint CHECK (VALUE < 100)");
        CHECK(conn.query_value<std::vector<std::int32_t>>("SELECT ARRAY[3]::small_posint[]") == std::vector<std::int32_t>{3});
        CHECK(conn.query_value<std::int32_t>("SELECT 4::small_posint") == 4);
    }

    SECTION("a base type the element cannot read is an error")
    {
        conn.execute("CREATE DOMAIN pg_temp.bigpos AS int8 CHECK (VALUE > 0)");
        REQUIRE_THROWS_AS(conn.query_value<std::vector<std::int32_t>>("SELECT ARRAY[1]::bigpos[]"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::vector<std::int32_t>>("SELECT ARRAY[1]::bigpos[]"), Contains("cannot become"));
        REQUIRE_THROWS_AS(conn.query_value<std::vector<std::string>>("SELECT ARRAY[1]::posint[]"), typq::conversion_error);
        CHECK(conn.query_value<std::vector<std::int64_t>>("SELECT ARRAY[1]::bigpos[]") == std::vector<std::int64_t>{1});
    }
}

TEST_CASE("a domain over text reads into std::string", "[types][domain]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE DOMAIN pg_temp.label AS text CHECK (VALUE <> '');"
                 "CREATE DOMAIN pg_temp.short_label AS label CHECK (length(VALUE) < 10)");

    CHECK(conn.query_value<std::string>("SELECT 'x y'::label") == "x y");
    CHECK(conn.query_value<std::vector<std::string>>("SELECT ARRAY['a', 'bé']::label[]")
        == std::vector<std::string>{"a", "bé"});
    CHECK(conn.query_value<std::vector<std::string>>("SELECT ARRAY['c']::short_label[]") == std::vector<std::string>{"c"});
    CHECK(conn.query_value<std::string>("SELECT $1::label", std::string("sent")) == "sent");
    REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::label", std::string()), typq::check_violation);
}

TEST_CASE("lookup_type describes a domain", "[types][domain]")
{
    auto conn = connect_with_posint();
    const auto info = conn.lookup_type("posint");
    REQUIRE(info.has_value());
    CHECK(info->kind == typq::type_kind::domain);
    CHECK(info->base == typq::oid::int4);
    CHECK(info->name == "posint");
    CHECK(static_cast<std::int64_t>(info->id) == conn.query_value<std::int64_t>("SELECT 'posint'::regtype::oid::int8"));
    const auto array = conn.lookup_type("posint[]");
    REQUIRE(array.has_value());
    CHECK(array->id == info->array);
    CHECK(array->element == info->id);
}

// --- citext ----------------------------------------------------------------------------------------

TEST_CASE("citext reads into std::string", "[types][citext]")
{
    auto conn = typq_test::connect();
    create_extension(conn, "citext");
    conn.execute("CREATE TEMP TABLE users (id int4, name citext)");
    conn.execute("INSERT INTO users VALUES (1, 'Alice'), (2, 'Zoë'), (3, NULL)");

    CHECK(conn.query_value<std::string>("SELECT name FROM users WHERE id = 1") == "Alice");
    CHECK(conn.query_value<std::string>("SELECT name FROM users WHERE id = 2") == "Zoë");
    CHECK_FALSE(conn.query_value<std::optional<std::string>>("SELECT name FROM users WHERE id = 3").has_value());
    CHECK(conn.query_value<std::vector<std::string>>("SELECT ARRAY['A', 'b']::citext[]") == std::vector<std::string>{"A", "b"});
    CHECK(conn.query_value<std::vector<std::optional<std::string>>>("SELECT array_agg(name ORDER BY id) FROM users")
        == std::vector<std::optional<std::string>>{"Alice", "Zoë", std::nullopt});
    {
        auto rows = conn.query<std::string_view>("SELECT name FROM users WHERE id = 1");
        REQUIRE(rows.size() == 1);
        CHECK(*rows.begin() == "Alice");
    }

    SECTION("a string parameter compares as citext")
    {
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM users WHERE name = $1", std::string("ALICE")) == 1);
        CHECK(conn.query_value<std::string>("SELECT name FROM users WHERE name = $1", std::string("zoË")) == "Zoë");
        CHECK(conn.query_value<bool>("SELECT $1::citext = 'HeLLo'::citext", std::string("hello")));
        CHECK(conn.query_value<std::string>("SELECT $1::citext", std::string("MiXed")) == "MiXed");
    }

    SECTION("citext is not an integer")
    {
        REQUIRE_THROWS_AS(conn.query_value<std::int32_t>("SELECT name FROM users WHERE id = 1"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::int32_t>("SELECT name FROM users WHERE id = 1"), Contains("cannot become"));
    }

    SECTION("lookup_type says its binary form is text's")
    {
        const auto info = conn.lookup_type("citext");
        REQUIRE(info.has_value());
        CHECK(info->text_binary);
        CHECK(info->kind == typq::type_kind::base);
        CHECK(info->name == "citext");
    }
}

// --- hstore ----------------------------------------------------------------------------------------

TEST_CASE("hstore maps round-trip through the server", "[types][hstore]")
{
    auto conn = typq_test::connect();
    create_extension(conn, "hstore");
    const auto [value, literal] = GENERATE(table<hmap, std::string>({
        {hmap{{"a", "1"}, {"b", std::nullopt}, {"c", ""}}, R"("a"=>"1", "b"=>NULL, "c"=>"")"},
        {hmap{}, ""},
        {hmap{{"größe", "groß"}, {"名前", "値"}, {"k e\"y\\", "=> , \"NULL\""}},
            R"("größe"=>"groß", "名前"=>"値", "k e\"y\\"=>"=> , \"NULL\"")"},
        {hmap{{"NULL", "NULL"}}, R"("NULL"=>"NULL")"},
    }));
    CAPTURE(literal);

    SECTION("the server reads the parameter as the same hstore")
    {
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", value) == "hstore");
        CHECK(conn.query_value<bool>("SELECT $1 = $2::hstore", value, literal));
        CHECK(conn.query_value<std::string>("SELECT $1::text", value)
            == conn.query_value<std::string>("SELECT $1::hstore::text", literal));
    }

    SECTION("decodes what the server sends")
    { CHECK(conn.query_value<hmap>("SELECT $1::hstore", literal) == value); }

    SECTION("round-trips")
    { CHECK(conn.query_value<hmap>("SELECT $1", value) == value); }

    SECTION("an unordered_map works the same")
    {
        const unordered_hmap unordered(value.begin(), value.end());
        CHECK(conn.query_value<bool>("SELECT $1 = $2::hstore", unordered, literal));
        CHECK(conn.query_value<unordered_hmap>("SELECT $1::hstore", literal) == unordered);
    }
}

TEST_CASE("hstore encodes the bytes the server's hstore_send produces", "[types][hstore]")
{
    auto conn = typq_test::connect();
    create_extension(conn, "hstore");
    // Keys of one length, so that std::map's order is hstore's (by length, then bytes).
    const auto [value, literal] = GENERATE(table<hmap, std::string>({
        {hmap{{"a", "1"}, {"b", std::nullopt}, {"c", ""}}, R"(a=>1, b=>NULL, c=>"")"},
        {hmap{}, ""},
        {hmap{{"ä", "ö"}}, R"(ä=>ö)"},
    }));
    CAPTURE(literal);
    const auto sent = conn.query_value<bytes>("SELECT hstore_send($1::hstore)", literal);

    CHECK(typq_test::encode(value) == sent);
    CHECK(typq_test::decode<hmap>(sent, conn.lookup_type("hstore")->id) == value);
    // Whatever order a map has, the server reads the same hstore.
    CHECK(conn.query_value<bytes>("SELECT hstore_send($1)", unordered_hmap(value.begin(), value.end())) == sent);
}

TEST_CASE("hstore is an array element, a NULL and a struct field", "[types][hstore]")
{
    auto conn = typq_test::connect();
    create_extension(conn, "hstore");

    SECTION("arrays of hstore")
    {
        const std::vector<hmap> v{hmap{{"a", "1"}}, hmap{}, hmap{{"b", std::nullopt}}};
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", v) == "hstore[]");
        CHECK(conn.query_value<std::string>("SELECT $1::text", v)
            == conn.query_value<std::string>("SELECT ARRAY['a=>1', '', 'b=>NULL']::hstore[]::text"));
        CHECK(conn.query_value<std::vector<hmap>>("SELECT ARRAY['a=>1', '', 'b=>NULL']::hstore[]") == v);
        CHECK(conn.query_value<std::vector<hmap>>("SELECT $1", v) == v);
        const std::vector<std::optional<hmap>> with_null{hmap{{"x", "y"}}, std::nullopt};
        CHECK(conn.query_value<std::vector<std::optional<hmap>>>("SELECT ARRAY['x=>y', NULL]::hstore[]") == with_null);
        CHECK(conn.query_value<std::vector<std::optional<hmap>>>("SELECT $1", with_null) == with_null);
    }

    SECTION("NULL both ways")
    {
        CHECK(conn.query_value<bool>("SELECT $1 IS NULL", std::optional<hmap>{}));
        CHECK_FALSE(conn.query_value<std::optional<hmap>>("SELECT NULL::hstore").has_value());
        REQUIRE_THROWS_AS(conn.query_value<hmap>("SELECT NULL::hstore"), typq::conversion_error);
    }

    SECTION("struct fields by name")
    {
        conn.execute("CREATE TEMP TABLE things (id int4, tags hstore, extra hstore)");
        conn.execute("INSERT INTO things VALUES (:id, :tags, :extra)", tagged{1, hmap{{"k", "v"}}, std::nullopt});
        CHECK(conn.query_value<std::string>("SELECT tags -> 'k' FROM things") == "v");
        const auto row = conn.query_one<tagged>("SELECT extra, tags, id FROM things");
        CHECK(row.id == 1);
        CHECK(row.tags == hmap{{"k", "v"}});
        CHECK_FALSE(row.extra.has_value());
    }

    SECTION("an hstore column is not text")
    {
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT 'a=>1'::hstore"), typq::conversion_error);
        REQUIRE_THROWS_AS(conn.query_value<hmap>("SELECT 'a=>1'::text"), typq::conversion_error);
    }
}

TEST_CASE("hstore keys and values cannot hold NUL", "[types][hstore]")
{
    const hmap bad_key{{std::string("a\0b", 3), "1"}};
    const hmap bad_value{{"a", std::string("1\0", 2)}};
    REQUIRE_THROWS_AS(typq_test::encode(bad_key), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::encode(bad_key), Contains("hstore key contains a NUL byte"));
    REQUIRE_THROWS_AS(typq_test::encode(bad_value), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::encode(bad_value), Contains("hstore value contains a NUL byte"));
}

TEST_CASE("malformed hstore bytes are conversion errors", "[types][hstore]")
{
    auto conn = typq_test::connect();
    create_extension(conn, "hstore");
    const auto hstore = conn.lookup_type("hstore")->id;
    const auto decode = [&](const bytes& b) { return typq_test::decode<hmap>(b, hstore); };
    // count 2; "a" => "1"; "b" => NULL
    const bytes good = conn.query_value<bytes>("SELECT hstore_send('a=>1, b=>NULL')");
    REQUIRE(good == "00000002 00000001 61 00000001 31 00000001 62 ffffffff"_hex);
    REQUIRE(decode(good) == hmap{{"a", "1"}, {"b", std::nullopt}});

    const auto [name, b, message] = GENERATE(table<std::string, bytes, std::string>({
        {"truncated count", "00 00"_hex, "too short"},
        {"truncated value", "00000002 00000001 61 00000001 31 00000001 62 ffffff"_hex, "value is missing"},
        {"truncated key", "00000001 00000005 61"_hex, "pairs in"},
        {"value past the end", "00000001 00000001 61 00000009 31"_hex, "value has length 9 with 1 bytes left"},
        {"negative count", "ffffffff"_hex, "hstore has -1 pairs"},
        {"count the bytes cannot hold", "00000003 00000001 61 ffffffff"_hex, "hstore has 3 pairs in 13 bytes"},
        {"NULL key", "00000001 ffffffff ffffffff"_hex, "hstore key 1 is NULL"},
        {"negative key length", "00000001 fffffffe 00000000"_hex, "key has length -2"},
        {"trailing bytes", "00000001 00000001 61 ffffffff 00"_hex, "1 bytes after its last pair"},
        {"repeated key", "00000002 00000001 61 ffffffff 00000001 61 00000001 31"_hex, "hstore key 2 is repeated"},
    }));
    CAPTURE(name);
    REQUIRE_THROWS_AS(decode(b), typq::conversion_error);
    REQUIRE_THROWS_WITH(decode(b), Contains(message));
}

// --- the connection's type cache -------------------------------------------------------------------

TEST_CASE("lookup_type answers for a type the server has, and only for one", "[types][server_types]")
{
    auto conn = typq_test::connect();
    create_extension(conn, "hstore");

    const auto info = conn.lookup_type("hstore");
    REQUIRE(info.has_value());
    CHECK(info->name == "hstore");
    CHECK(info->kind == typq::type_kind::base);
    CHECK_FALSE(info->text_binary);
    CHECK(static_cast<std::int64_t>(info->id) == conn.query_value<std::int64_t>("SELECT 'hstore'::regtype::oid::int8"));
    CHECK(info->array != typq::oid::unspecified);
    // Asked again: the same answer, from the cache.
    CHECK(conn.lookup_type("hstore")->id == info->id);
    // A spelling to_regtype accepts.
    CHECK(conn.lookup_type("public.hstore")->id == info->id);

    CHECK_FALSE(conn.lookup_type("no_such_type").has_value());
    CHECK_FALSE(conn.lookup_type("no_such_schema.hstore").has_value());
}

TEST_CASE("lookup_type describes built-in types too", "[types][server_types]")
{
    auto conn = typq_test::connect();
    // The server has these types: lookup_type promises std::nullopt only when there is no such type.
    const auto int4 = conn.lookup_type("int4");
    REQUIRE(int4.has_value());
    CHECK(int4->id == typq::oid::int4);
    const auto text_array = conn.lookup_type("text[]");
    REQUIRE(text_array.has_value());
    CHECK(text_array->id == typq::oid::text_array);
}

TEST_CASE("a result keeps the types it was planned with", "[types][server_types]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok');"
                 "CREATE TYPE pg_temp.address AS (street text, zip text)");
    const auto rows = conn.query<address>("SELECT ROW('s' || i, NULL)::address FROM generate_series(1, 3) AS i");
    const auto moods = conn.query<mood>("SELECT m FROM unnest(ARRAY['ok', 'sad']::mood[]) AS m");

    // The connection forgets, and the types go; the results read as planned.
    conn.clear_type_cache();
    conn.execute("DROP TYPE pg_temp.address; DROP TYPE pg_temp.mood");
    std::vector<std::string> streets;
    for (const auto& row : rows)
        streets.push_back(row.street);
    CHECK(streets == std::vector<std::string>{"s1", "s2", "s3"});
    std::vector<mood> read;
    for (const mood m : moods)
        read.push_back(m);
    CHECK(read == std::vector<mood>{mood::ok, mood::sad});
}

TEST_CASE("server types are looked up per connection", "[types][server_types]")
{
    auto first = typq_test::connect();
    auto second = typq_test::connect();
    // Same name, each connection's own temporary type.
    first.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok')");
    second.execute("CREATE TYPE pg_temp.mood AS ENUM ('ok', 'sad')");

    CHECK(first.lookup_type("mood")->id != second.lookup_type("mood")->id);
    CHECK(first.query_value<std::string>("SELECT $1::text", mood::ok) == "ok");
    CHECK(second.query_value<std::string>("SELECT $1::text", mood::ok) == "ok");
    CHECK(first.query_value<bool>("SELECT $1 < $2", mood::sad, mood::ok));
    CHECK(second.query_value<bool>("SELECT $1 > $2", mood::sad, mood::ok));
    CHECK(second.query_value<mood>("SELECT 'sad'::mood") == mood::sad);
}

TEST_CASE("after ALTER TYPE, clear_type_cache picks up the new attributes", "[types][server_types]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.address AS (street text)");
    REQUIRE(conn.query_value<std::string>("SELECT $1::text", address_v1{"s"}) == "(s)");
    conn.execute("ALTER TYPE pg_temp.address ADD ATTRIBUTE zip text");

    SECTION("without clear_type_cache the connection still has the old attributes")
    {
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", address{"s", "z"}), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", address{"s", "z"}),
            Contains("field \"zip\"") && Contains("is not an attribute of address"));
        REQUIRE_THROWS_AS(conn.query_value<address>("SELECT ROW('s', 'z')::address"), typq::conversion_error);
    }

    SECTION("after clear_type_cache both ways work")
    {
        conn.clear_type_cache();
        CHECK(conn.query_value<std::string>("SELECT $1::text", address{"s", "z"}) == "(s,z)");
        const auto a = conn.query_value<address>("SELECT ROW('t', NULL)::address");
        CHECK(a.street == "t");
        CHECK_FALSE(a.zip.has_value());
    }
}

TEST_CASE("a moved connection keeps its type cache", "[types][server_types]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok')");
    REQUIRE(conn.query_value<std::string>("SELECT $1::text", mood::ok) == "ok");
    typq::connection moved = std::move(conn);
    CHECK(moved.query_value<std::string>("SELECT $1::text", mood::sad) == "sad");
    CHECK(moved.query_value<mood>("SELECT 'ok'::mood") == mood::ok);
}

}  // namespace types_server_types_test
