// SPDX-License-Identifier: BSL-1.0
// tests/types/composite.cpp: include/typq/types/composite.hpp: aggregate structs <-> PostgreSQL
// composite types, field by attribute name, against the server's record_send bytes and its text;
// field order, NULL attributes, nesting, arrays, enum and domain attributes, table row types,
// anonymous records by position, mismatches, and malformed bytes.

#include "typq_test.hpp"

#include <cstddef>           // std::byte
#include <cstdint>           // field types, hand-made bytes
#include <initializer_list>  // type names to look up
#include <memory>            // std::make_shared: a hand-filled type registry
#include <optional>          // NULL attributes
#include <string>            // fields, server text
#include <vector>            // arrays, byte vectors

namespace types_composite_test {

using Catch::Contains;
using bytes = std::vector<std::byte>;

struct address {
    std::string street;
    std::string city;
    std::optional<std::string> zip;
    friend bool operator==(const address&, const address&) = default;
};

// The same type, with the fields in another order than the attributes.
struct address_reversed {
    std::optional<std::string> zip;
    std::string city;
    std::string street;
    friend bool operator==(const address_reversed&, const address_reversed&) = default;
};

// One field too few, one too many, and a zip that cannot be NULL.
struct address_short {
    std::string street;
    std::string city;
};
struct address_plus {
    std::string street;
    std::string city;
    std::optional<std::string> zip;
    std::string country;
};
struct strict_address {
    std::string street;
    std::string city;
    std::string zip;
};

struct person {
    std::string name;
    address home;
    std::optional<address> work;
    friend bool operator==(const person&, const person&) = default;
};

// A named namespace: enum.cpp covers enumerations in anonymous namespaces.
enum class mood { sad, ok, happy };

struct profile {
    std::vector<std::int32_t> scores;
    mood feeling;
    std::vector<mood> history;
    friend bool operator==(const profile&, const profile&) = default;
};

// n is int4 on the server: an int8 field cannot be sent into it, but reads it.
struct counter {
    std::string name;
    std::int64_t n;
};

// qty is a domain over int4 (posint) on the server.
struct item {
    std::string name;
    std::int32_t qty;
    friend bool operator==(const item&, const item&) = default;
};

// Strings into text-like attributes (varchar, char) and into an int4 attribute.
struct code_pair {
    std::string name;
    std::string code;
    friend bool operator==(const code_pair&, const code_pair&) = default;
};

// A row type (no adapter) with a composite field.
struct customer {
    std::int32_t id;
    address addr;
    std::optional<address> billing;
};

}  // namespace types_composite_test

template <>
struct typq::type<types_composite_test::address> : typq::composite_type<types_composite_test::address, "address"> {};
template <>
struct typq::type<types_composite_test::address_reversed>
    : typq::composite_type<types_composite_test::address_reversed, "address"> {};
template <>
struct typq::type<types_composite_test::address_short>
    : typq::composite_type<types_composite_test::address_short, "address"> {};
template <>
struct typq::type<types_composite_test::address_plus>
    : typq::composite_type<types_composite_test::address_plus, "address"> {};
template <>
struct typq::type<types_composite_test::strict_address>
    : typq::composite_type<types_composite_test::strict_address, "address"> {};
template <>
struct typq::type<types_composite_test::person> : typq::composite_type<types_composite_test::person, "person"> {};
template <>
struct typq::type<types_composite_test::mood> : typq::enum_type<types_composite_test::mood, "mood"> {};
template <>
struct typq::type<types_composite_test::profile> : typq::composite_type<types_composite_test::profile, "profile"> {};
template <>
struct typq::type<types_composite_test::counter> : typq::composite_type<types_composite_test::counter, "counter"> {};
template <>
struct typq::type<types_composite_test::item> : typq::composite_type<types_composite_test::item, "item"> {};
template <>
struct typq::type<types_composite_test::code_pair>
    : typq::composite_type<types_composite_test::code_pair, "code_pair"> {};

namespace types_composite_test {

// A connection with the temporary composite type `address` (street text, city text, zip text).
typq::connection connect_with_address()
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.address AS (street text, city text, zip text)");
    return conn;
}

// typq's bytes for `value`, encoded with what `conn` says about the types `names` (looked up
// with lookup_type into a registry of our own, since typq_test::encode has no connection).
template <class T>
bytes encode_with(typq::connection& conn, const T& value, std::initializer_list<const char*> names)
{
    typq::type_registry registry;
    for (const char* name : names) {
        const auto info = conn.lookup_type(name);
        REQUIRE(info.has_value());
        registry.add(std::make_shared<const typq::type_info>(*info));
        registry.add_name(name, info->id);
    }
    const typq::server_types types(&registry);
    std::string buffer;
    typq::writer out(buffer, &types);
    typq::type<T>::encode(value, out);
    const auto* first = reinterpret_cast<const std::byte*>(buffer.data());
    return {first, first + buffer.size()};
}

TEST_CASE("a composite is sent as its type, attribute by field name", "[types][composite]")
{
    auto conn = connect_with_address();
    const auto [value, literal] = GENERATE(table<address, std::string>({
        {address{"Main St 1", "Springfield", "12345"}, "ROW('Main St 1', 'Springfield', '12345')"},
        {address{"", "Zürich", std::nullopt}, "ROW('', 'Zürich', NULL)"},
        {address{"a \"quoted\", (odd) street", "x\\y", ""}, "ROW('a \"quoted\", (odd) street', 'x\\y', '')"},
    }));
    CAPTURE(literal);
    const std::string expected_text = conn.query_value<std::string>(typq::runtime("SELECT (" + literal + ")::address::text"));

    SECTION("the server reads the parameter as the composite's text")
    {
        CHECK(conn.query_value<std::string>("SELECT $1::text", value) == expected_text);
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", value) == "address");
        CHECK(conn.query_value<bool>(typq::runtime("SELECT $1 = (" + literal + ")::address"), value));
    }

    SECTION("encodes the bytes the server's record_send produces")
    {
        CHECK(encode_with(conn, value, {"address"})
            == conn.query_value<bytes>(typq::runtime("SELECT record_send((" + literal + ")::address)")));
    }

    SECTION("decodes what the server sends")
    { CHECK(conn.query_value<address>(typq::runtime("SELECT (" + literal + ")::address")) == value); }

    SECTION("round-trips through the server")
    { CHECK(conn.query_value<address>("SELECT $1", value) == value); }
}

TEST_CASE("a composite is encoded only through a connection", "[types][composite]")
{
    REQUIRE_THROWS_AS(typq_test::encode(address{"a", "b", "c"}), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::encode(address{"a", "b", "c"}), Contains("only be sent or read through a connection"));
}

TEST_CASE("composite fields may be in another order than the attributes", "[types][composite]")
{
    auto conn = connect_with_address();
    const address_reversed value{"12345", "Springfield", "Main St 1"};

    CHECK(conn.query_value<std::string>("SELECT $1::text", value) == "(\"Main St 1\",Springfield,12345)");
    CHECK(encode_with(conn, value, {"address"})
        == conn.query_value<bytes>("SELECT record_send(ROW('Main St 1', 'Springfield', '12345')::address)"));
    CHECK(conn.query_value<address_reversed>("SELECT ROW('Main St 1', 'Springfield', '12345')::address") == value);
    CHECK(conn.query_value<address_reversed>("SELECT $1", value) == value);
}

TEST_CASE("NULL attributes read into std::optional fields only", "[types][composite]")
{
    auto conn = connect_with_address();

    SECTION("into std::optional: std::nullopt")
    {
        const auto a = conn.query_value<address>("SELECT ROW('s', 'c', NULL)::address");
        CHECK(a == address{"s", "c", std::nullopt});
    }

    SECTION("into a non-optional field: an error naming the attribute")
    {
        REQUIRE_THROWS_AS(conn.query_value<address>("SELECT ROW(NULL, 'c', 'z')::address"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<address>("SELECT ROW(NULL, 'c', 'z')::address"),
            Contains("attribute \"street\" is NULL"));
        REQUIRE_THROWS_WITH(conn.query_value<strict_address>("SELECT ROW('s', 'c', NULL)::address"),
            Contains("attribute \"zip\" is NULL"));
    }

    SECTION("a NULL composite into std::optional, both ways")
    {
        CHECK_FALSE(conn.query_value<std::optional<address>>("SELECT NULL::address").has_value());
        CHECK(conn.query_value<bool>("SELECT $1 IS NULL", std::optional<address>{}));
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", std::optional<address>{}) == "address");
    }

    SECTION("a composite with only NULL attributes is not NULL")
    {
        const auto a = conn.query_value<std::optional<strict_address>>("SELECT NULL::address");
        CHECK_FALSE(a.has_value());
        // ROW(NULL, NULL, NULL) IS NULL in SQL, but the value is there: its attributes are read.
        REQUIRE_THROWS_WITH(conn.query_value<std::optional<address>>("SELECT ROW(NULL, NULL, NULL)::address"),
            Contains("attribute \"street\" is NULL"));
    }
}

TEST_CASE("composites nest in composites", "[types][composite]")
{
    auto conn = connect_with_address();
    conn.execute("CREATE TYPE pg_temp.person AS (name text, home address, work address)");
    const person value{"Ann", address{"Elm St 2", "Bern", "3000"}, std::nullopt};
    const std::string literal = "ROW('Ann', ROW('Elm St 2', 'Bern', '3000')::address, NULL)::person";

    CHECK(conn.query_value<std::string>("SELECT $1::text", value)
        == conn.query_value<std::string>(typq::runtime("SELECT (" + literal + ")::text")));
    CHECK(encode_with(conn, value, {"person", "address"})
        == conn.query_value<bytes>(typq::runtime("SELECT record_send(" + literal + ")")));
    CHECK(conn.query_value<person>(typq::runtime("SELECT " + literal)) == value);

    const person both{"Bob", address{"a", "b", std::nullopt}, address{"c", "d", "e"}};
    CHECK(conn.query_value<person>("SELECT $1", both) == both);
    CHECK(conn.query_value<std::string>("SELECT ($1).work.city", both) == "d");
}

TEST_CASE("a composite may have array and enum attributes", "[types][composite]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy');"
                 "CREATE TYPE pg_temp.profile AS (scores int4[], feeling mood, history mood[])");
    const profile value{{3, -1, 7}, mood::happy, {mood::sad, mood::ok}};
    const std::string literal = "ROW(ARRAY[3, -1, 7], 'happy', ARRAY['sad', 'ok']::mood[])::profile";

    CHECK(conn.query_value<std::string>("SELECT $1::text", value)
        == conn.query_value<std::string>(typq::runtime("SELECT (" + literal + ")::text")));
    CHECK(encode_with(conn, value, {"profile", "mood", "mood[]"})
        == conn.query_value<bytes>(typq::runtime("SELECT record_send(" + literal + ")")));
    CHECK(conn.query_value<profile>(typq::runtime("SELECT " + literal)) == value);
    CHECK(conn.query_value<profile>("SELECT $1", value) == value);

    const profile empty{{}, mood::sad, {}};
    CHECK(conn.query_value<profile>("SELECT $1", empty) == empty);
}

TEST_CASE("arrays of composites, with NULL elements", "[types][composite]")
{
    auto conn = connect_with_address();
    const std::vector<std::optional<address>> value{address{"a b", "c", std::nullopt}, std::nullopt, address{"d", "e", "f"}};
    const std::string literal = "ARRAY[ROW('a b', 'c', NULL)::address, NULL, ROW('d', 'e', 'f')::address]";

    CHECK(conn.query_value<std::string>("SELECT $1::text", value)
        == conn.query_value<std::string>(typq::runtime("SELECT (" + literal + ")::text")));
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", value) == "address[]");
    CHECK(conn.query_value<std::vector<std::optional<address>>>(typq::runtime("SELECT " + literal)) == value);
    CHECK(conn.query_value<std::vector<std::optional<address>>>("SELECT $1", value) == value);

    const std::vector<address> plain{address{"x", "y", "z"}};
    CHECK(conn.query_value<std::vector<address>>("SELECT $1", plain) == plain);
    REQUIRE_THROWS_AS(conn.query_value<std::vector<address>>(typq::runtime("SELECT " + literal)), typq::conversion_error);
}

TEST_CASE("a table's row type reads into a composite with the same attribute names", "[types][composite]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE places (zip text, street text, city text);"
                 "INSERT INTO places VALUES ('3000', 'Elm St 2', 'Bern'), (NULL, 'Oak', 'Basel')");

    CHECK(conn.query_value<address>("SELECT p FROM places p WHERE city = 'Bern'") == address{"Elm St 2", "Bern", "3000"});
    CHECK(conn.query_value<std::vector<address>>("SELECT array_agg(p ORDER BY city) FROM places p")
        == std::vector<address>{{"Oak", "Basel", std::nullopt}, {"Elm St 2", "Bern", "3000"}});

    SECTION("a row type with another set of attributes does not fit")
    {
        conn.execute("CREATE TEMP TABLE sites (street text, city text, zip text, country text)");
        conn.execute("INSERT INTO sites VALUES ('s', 'c', 'z', 'CH')");
        REQUIRE_THROWS_AS(conn.query_value<address>("SELECT s FROM sites s"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<address>("SELECT s FROM sites s"), Contains("cannot become"));
        conn.execute("CREATE TEMP TABLE spots (street text, town text, zip text)");
        conn.execute("INSERT INTO spots VALUES ('s', 'c', 'z')");
        REQUIRE_THROWS_WITH(conn.query_value<address>("SELECT s FROM spots s"), Contains("cannot become"));
    }
}

TEST_CASE("an anonymous record reads into a composite by position", "[types][composite]")
{
    auto conn = typq_test::connect();

    CHECK(conn.query_value<address>("SELECT ROW('s', 'c', 'z')") == address{"s", "c", "z"});
    CHECK(conn.query_value<address>("SELECT ROW('s', 'c', NULL::text)") == address{"s", "c", std::nullopt});
    // By position: the fields' names play no part.
    CHECK(conn.query_value<address_reversed>("SELECT ROW('z', 'c', 's')") == address_reversed{"z", "c", "s"});
    CHECK(conn.query_value<item>("SELECT ROW('n', 5)") == item{"n", 5});

    SECTION("a record with another number of attributes is an error")
    {
        REQUIRE_THROWS_AS(conn.query_value<address>("SELECT ROW('s', 'c')"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<address>("SELECT ROW('s', 'c')"), Contains("2 attributes") && Contains("3 fields"));
        REQUIRE_THROWS_WITH(conn.query_value<address>("SELECT ROW('s', 'c', 'z', 'x')"), Contains("4 attributes"));
    }

    SECTION("an attribute the field cannot read is an error naming it")
    {
        REQUIRE_THROWS_AS(conn.query_value<address>("SELECT ROW('s', 'c', 1)"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<address>("SELECT ROW('s', 'c', 1)"),
            Contains("attribute \"zip\" is int4"));
        REQUIRE_THROWS_WITH(conn.query_value<item>("SELECT ROW('n', 5::int8)"), Contains("attribute \"qty\" is int8"));
    }
}

TEST_CASE("an anonymous record's composite attribute reads through query as through query_value", "[types][composite]")
{
    auto conn = connect_with_address();
    const person expected{"Ann", address{"a", "b", "c"}, std::nullopt};
    // No column has type address: the attribute's type is met only while the row is decoded.
    const auto rows = conn.query<person>("SELECT ROW('Ann', ROW('a', 'b', 'c')::address, NULL::address)");
    REQUIRE(rows.size() == 1);
    CHECK(*rows.begin() == expected);
    CHECK(conn.query_value<person>("SELECT ROW('Ann', ROW('a', 'b', 'c')::address, NULL::address)") == expected);

    SECTION("an attribute of a table's row type")
    {
        conn.execute("CREATE TEMP TABLE places (street text, city text, zip text);"
                     "INSERT INTO places VALUES ('a', 'b', 'c')");
        const auto from_table = conn.query<person>("SELECT ROW('Ann', p, NULL::address) FROM places p");
        REQUIRE(from_table.size() == 1);
        CHECK(*from_table.begin() == expected);
        CHECK(conn.query_value<person>("SELECT ROW('Ann', p, NULL::address) FROM places p") == expected);
    }
}

TEST_CASE("a field whose type sends another type than its attribute's is refused", "[types][composite]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.counter AS (name text, n int4)");

    REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", counter{"c", 1}), typq::conversion_error);
    REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", counter{"c", 1}),
        Contains("field \"n\"") && Contains("sends int8") && Contains("attribute \"n\" is int4"));
    // Reading widens, as for a column.
    const auto c = conn.query_value<counter>("SELECT ROW('c', 2147483647)::counter");
    CHECK(c.name == "c");
    CHECK(c.n == 2147483647);
}

TEST_CASE("string fields fill text-like attributes, and only those", "[types][composite]")
{
    auto conn = typq_test::connect();

    SECTION("varchar and char attributes")
    {
        conn.execute("CREATE TYPE pg_temp.code_pair AS (name varchar(20), code char(3))");
        const code_pair value{"Zürich", "ZH "};
        CHECK(conn.query_value<std::string>("SELECT $1::text", value) == "(Zürich,\"ZH \")");
        CHECK(encode_with(conn, value, {"code_pair"})
            == conn.query_value<bytes>("SELECT record_send(ROW('Zürich', 'ZH')::code_pair)"));
        CHECK(conn.query_value<code_pair>("SELECT ROW('Zürich', 'ZH')::code_pair") == value);
        // The server applies the attribute's length.
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", code_pair{"n", "toolong"}),
            typq::string_data_right_truncation);
    }

    SECTION("an int4 attribute")
    {
        conn.execute("CREATE TYPE pg_temp.code_pair AS (name text, code int4)");
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", code_pair{"n", "1"}), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", code_pair{"n", "1"}),
            Contains("field \"code\"") && Contains("sends text") && Contains("attribute \"code\" is int4"));
        REQUIRE_THROWS_AS(conn.query_value<code_pair>("SELECT ROW('n', 1)::code_pair"), typq::conversion_error);
    }
}

TEST_CASE("a composite needs a field for every attribute and an attribute for every field", "[types][composite]")
{
    auto conn = connect_with_address();

    SECTION("a missing field")
    {
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", address_short{"s", "c"}), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", address_short{"s", "c"}),
            Contains("attribute \"zip\" of address has no field"));
        REQUIRE_THROWS_AS(conn.query_value<address_short>("SELECT ROW('s', 'c', 'z')::address"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<address_short>("SELECT ROW('s', 'c', 'z')::address"), Contains("cannot become"));
    }

    SECTION("an extra field")
    {
        const address_plus value{"s", "c", "z", "CH"};
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", value), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", value),
            Contains("field \"country\"") && Contains("is not an attribute of address"));
        REQUIRE_THROWS_AS(conn.query_value<address_plus>("SELECT ROW('s', 'c', 'z')::address"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<address_plus>("SELECT ROW('s', 'c', 'z')::address"), Contains("cannot become"));
    }

    SECTION("a type that is not composite")
    {
        conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad')");
        conn.execute("CREATE TYPE pg_temp.profile AS ENUM ('x')");
        const profile value{{}, mood::sad, {}};
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", value), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", value), Contains("is not a composite type"));
    }

    SECTION("a type that does not exist")
    {
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", item{"n", 1}), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", item{"n", 1}),
            Contains("type \"item\" does not exist"));
    }
}

TEST_CASE("a composite attribute may be a domain", "[types][composite]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE DOMAIN pg_temp.posint AS int4 CHECK (VALUE > 0);"
                 "CREATE TYPE pg_temp.item AS (name text, qty posint)");

    CHECK(conn.query_value<std::string>("SELECT $1::text", item{"pen", 5}) == "(pen,5)");
    CHECK(encode_with(conn, item{"pen", 5}, {"item", "posint"}) == conn.query_value<bytes>("SELECT record_send(ROW('pen', 5)::item)"));
    CHECK(conn.query_value<item>("SELECT ROW('pen', 5)::item") == item{"pen", 5});
    CHECK(conn.query_value<item>("SELECT $1", item{"cup", 1}) == item{"cup", 1});

    SECTION("a value the domain refuses is the server's check_violation")
    {
        REQUIRE_THROWS_AS(conn.query_value<std::string>("SELECT $1::text", item{"pen", 0}), typq::check_violation);
        REQUIRE_THROWS_WITH(conn.query_value<std::string>("SELECT $1::text", item{"pen", -1}), Contains("posint"));
    }
}

TEST_CASE("a composite field of a row struct is read by column name", "[types][composite]")
{
    auto conn = connect_with_address();
    conn.execute("CREATE TEMP TABLE customers (id int4, addr address, billing address)");
    conn.execute("INSERT INTO customers VALUES ($1, $2, $3)", 1, address{"s", "c", "z"}, std::optional<address>{});
    conn.execute("INSERT INTO customers VALUES ($1, $2, $3)", 2, address{"t", "d", std::nullopt},
        std::optional<address>(address{"u", "e", "f"}));

    std::vector<customer> rows;
    for (const auto& row : conn.query<customer>("SELECT billing, addr, id FROM customers ORDER BY id"))
        rows.push_back(row);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == 1);
    CHECK(rows[0].addr == address{"s", "c", "z"});
    CHECK_FALSE(rows[0].billing.has_value());
    CHECK(rows[1].addr == address{"t", "d", std::nullopt});
    CHECK(rows[1].billing == address{"u", "e", "f"});

    // One composite column as the whole row.
    CHECK(conn.query_one<address>("SELECT addr FROM customers WHERE id = 1") == address{"s", "c", "z"});
}

TEST_CASE("lookup_type describes a composite's attributes in order", "[types][composite]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad');"
                 "CREATE TYPE pg_temp.profile AS (scores int4[], feeling mood, history mood[]);"
                 "ALTER TYPE pg_temp.profile ADD ATTRIBUTE dropped text;"
                 "ALTER TYPE pg_temp.profile DROP ATTRIBUTE dropped");

    const auto info = conn.lookup_type("profile");
    REQUIRE(info.has_value());
    CHECK(info->kind == typq::type_kind::composite);
    CHECK(info->name == "profile");
    REQUIRE(info->attributes.size() == 3);
    CHECK(info->attributes[0].name == "scores");
    CHECK(info->attributes[0].type == typq::oid::int4_array);
    CHECK(info->attributes[1].name == "feeling");
    CHECK(info->attributes[1].type == conn.lookup_type("mood")->id);
    CHECK(info->attributes[2].name == "history");
    CHECK(info->attributes[2].type == conn.lookup_type("mood[]")->id);
    // The dropped attribute is not there, and values still round-trip.
    const profile value{{1}, mood::sad, {mood::sad}};
    CHECK(conn.query_value<profile>("SELECT $1", value) == value);
}

TEST_CASE("malformed composite bytes are conversion errors", "[types][composite]")
{
    auto conn = typq_test::connect();
    // record_send of an anonymous record: count, then (type OID, length, bytes) per attribute.
    const bytes good = conn.query_value<bytes>("SELECT record_send(ROW('ab'::text, 'c'::text, 'z'::text))");
    REQUIRE(typq_test::decode<address>(good, typq::oid::record) == address{"ab", "c", "z"});

    const auto decode = [](const bytes& b) { return typq_test::decode<address>(b, typq::oid::record); };
    const auto with_int = [&](std::size_t offset, std::uint32_t value) {
        bytes b = good;
        for (std::size_t i = 0; i < 4; ++i)
            b[offset + i] = static_cast<std::byte>((value >> (24 - 8 * i)) & 0xffU);
        return b;
    };

    SECTION("truncated before the count")
    {
        const bytes b(good.begin(), good.begin() + 2);
        REQUIRE_THROWS_AS(decode(b), typq::conversion_error);
        REQUIRE_THROWS_WITH(decode(b), Contains("too short"));
    }

    SECTION("truncated inside an attribute")
    {
        const bytes b(good.begin(), good.end() - 1);
        REQUIRE_THROWS_AS(decode(b), typq::conversion_error);
        REQUIRE_THROWS_WITH(decode(b), Contains("attribute 3 has length 1 with 0 bytes left"));
    }

    SECTION("truncated between attributes")
    {
        const bytes b(good.begin(), good.begin() + 4 + 8 + 2);
        REQUIRE_THROWS_AS(decode(b), typq::conversion_error);
        REQUIRE_THROWS_WITH(decode(b), Contains("attributes in"));
    }

    SECTION("a negative count")
    {
        REQUIRE_THROWS_AS(decode(with_int(0, 0xffffffffU)), typq::conversion_error);
        REQUIRE_THROWS_WITH(decode(with_int(0, 0xffffffffU)), Contains("has -1 attributes"));
    }

    SECTION("a count the bytes cannot hold")
    {
        REQUIRE_THROWS_AS(decode(with_int(0, 0x7fffffffU)), typq::conversion_error);
        REQUIRE_THROWS_WITH(decode(with_int(0, 0x7fffffffU)), Contains("2147483647 attributes"));
    }

    SECTION("a count that is not the number of fields")
    {
        REQUIRE_THROWS_AS(decode(with_int(0, 2)), typq::conversion_error);
        REQUIRE_THROWS_WITH(decode(with_int(0, 2)), Contains("composite value has 2 attributes,") && Contains("address has 3 fields"));
    }

    SECTION("an attribute length past the end")
    {
        REQUIRE_THROWS_AS(decode(with_int(8, 100)), typq::conversion_error);
        REQUIRE_THROWS_WITH(decode(with_int(8, 100)), Contains("attribute 1 has length 100"));
    }

    SECTION("a negative attribute length other than -1")
    {
        REQUIRE_THROWS_AS(decode(with_int(8, 0xfffffffeU)), typq::conversion_error);
        REQUIRE_THROWS_WITH(decode(with_int(8, 0xfffffffeU)), Contains("attribute 1 has length -2"));
    }

    SECTION("bytes after the last attribute")
    {
        bytes b = good;
        b.push_back(std::byte{0});
        REQUIRE_THROWS_AS(decode(b), typq::conversion_error);
        REQUIRE_THROWS_WITH(decode(b), Contains("1 bytes after its last attribute"));
    }

    SECTION("an attribute of a type the field cannot read")
    {
        const bytes b = with_int(4, static_cast<std::uint32_t>(typq::oid::int4));
        REQUIRE_THROWS_AS(decode(b), typq::conversion_error);
        REQUIRE_THROWS_WITH(decode(b), Contains("attribute \"street\" is int4"));
    }

    SECTION("a named composite type outside a connection is unknown")
    {
        const auto some_type = static_cast<typq::oid>(1000000);
        REQUIRE_THROWS_AS(typq_test::decode<address>(good, some_type), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<address>(good, some_type), Contains("composite type of this value is unknown"));
    }
}

}  // namespace types_composite_test
