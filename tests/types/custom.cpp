// SPDX-License-Identifier: BSL-1.0
// tests/types/custom.cpp: user types through the extension point typq::type<T>: strong typedefs
// that reuse an adapter with typq::type_as (include/typq/type.hpp), and adapters written from
// scratch as STYLE.md section 4 shows, as parameters, results, struct fields and named parameters.

#include "typq_test.hpp"

#include <cstddef>      // std::byte
#include <cstdint>      // std::int64_t
#include <limits>       // edge values
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // sql_type
#include <utility>      // std::move
#include <vector>       // byte vectors

// --- the user's types, each with its adapter right after it ----------------------------------------

namespace shop {

/// A strong typedef over int8.
enum class user_id : std::int64_t {};

/// A strong typedef over a string: explicit conversions both ways.
class email {
public:
    email() = default;
    explicit email(std::string address) : address_(std::move(address)) {}
    explicit operator std::string() const { return address_; }
    friend bool operator==(const email&, const email&) = default;

private:
    std::string address_;
};

/// A strong typedef over a view into a result: it borrows as std::string_view does.
class name_view {
public:
    name_view() = default;
    explicit name_view(std::string_view text) : text_(text) {}
    explicit operator std::string_view() const { return text_; }

private:
    std::string_view text_;
};

/// An adapter written from scratch, as in STYLE.md section 4.
struct cents {
    std::int64_t value;
    friend bool operator==(const cents&, const cents&) = default;
};

/// An adapter whose decoder checks a range and reports through value_view::fail.
struct percent {
    std::int16_t value;
    friend bool operator==(const percent&, const percent&) = default;
};

/// Encode-only and decode-only adapters.
struct audit_tag {
    std::string text;
};
struct row_count {
    std::int64_t value;
};

}  // namespace shop

template <>
struct typq::type<shop::user_id> : typq::type_as<shop::user_id, std::int64_t> {};

template <>
struct typq::type<shop::email> : typq::type_as<shop::email, std::string> {};

template <>
struct typq::type<shop::name_view> : typq::type_as<shop::name_view, std::string_view> {};

template <>
struct typq::type<shop::cents> {
    static constexpr std::string_view sql_type = "int8";
    static constexpr oid param_oid = oid::int8;

    static constexpr bool accepts(oid column) noexcept
    {
        return column == oid::int8 || column == oid::int4 || column == oid::int2;
    }

    static void encode(const shop::cents& v, writer& out) { out.put_be(v.value); }
    static void decode(value_view in, shop::cents& out) { out.value = in.read_integer<std::int64_t>(); }
};

template <>
struct typq::type<shop::percent> {
    static constexpr std::string_view sql_type = "int2";
    static constexpr oid param_oid = oid::int2;

    static constexpr bool accepts(oid column) noexcept { return column == oid::int2; }
    static void encode(const shop::percent& v, writer& out) { out.put_be(v.value); }
    static void decode(value_view in, shop::percent& out)
    {
        const auto value = in.read_integer<std::int16_t>();
        if (value < 0 || value > 100)
            in.fail("a percentage must be within 0..100, not " + std::to_string(value));
        out.value = value;
    }
};

template <>
struct typq::type<shop::audit_tag> {
    static constexpr std::string_view sql_type = "text";
    static constexpr oid param_oid = oid::text;
    static void encode(const shop::audit_tag& v, writer& out) { out.put_text(v.text); }
};

template <>
struct typq::type<shop::row_count> {
    static constexpr std::string_view sql_type = "int8";
    static constexpr bool accepts(oid column) noexcept { return column == oid::int8; }
    static void decode(value_view in, shop::row_count& out) { out.value = in.read_integer<std::int64_t>(); }
};

// The tests' own declarations, in the file's namespace (tests/CMakeLists.txt, TYPQ_TEST_UNITY);
// the user's types above stay in `shop`, the name the error messages are checked for.
namespace types_custom_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;
using shop::cents;
using shop::email;
using shop::percent;
using shop::user_id;

struct order {
    user_id owner;
    cents total;
    std::optional<cents> discount;
    email contact;
};

struct rating {
    std::int32_t id;
    percent pct;
};

}  // namespace types_custom_test

namespace Catch {
template <>
struct StringMaker<shop::user_id> {
    static std::string convert(shop::user_id v)
    {
        return "user_id{" + std::to_string(static_cast<std::int64_t>(v)) + "}";
    }
};
template <>
struct StringMaker<shop::cents> {
    static std::string convert(const shop::cents& v) { return "cents{" + std::to_string(v.value) + "}"; }
};
}  // namespace Catch

namespace types_custom_test {

TEST_CASE("user adapters satisfy the concepts they implement", "[types][concepts]")
{
    STATIC_REQUIRE(typq::encodable<user_id>);
    STATIC_REQUIRE(typq::decodable<user_id>);
    STATIC_REQUIRE(typq::encodable<email>);
    STATIC_REQUIRE(typq::decodable<email>);
    STATIC_REQUIRE(typq::encodable<cents>);
    STATIC_REQUIRE(typq::decodable<cents>);
    STATIC_REQUIRE(typq::encodable<percent>);
    STATIC_REQUIRE(typq::decodable<percent>);
    STATIC_REQUIRE(typq::encodable<std::optional<user_id>>);
    STATIC_REQUIRE(typq::decodable<std::optional<user_id>>);
    STATIC_REQUIRE(typq::encodable<std::optional<cents>>);
    STATIC_REQUIRE(typq::decodable<std::optional<cents>>);

    STATIC_REQUIRE(typq::encodable<shop::audit_tag>);
    STATIC_REQUIRE(!typq::decodable<shop::audit_tag>);
    STATIC_REQUIRE(!typq::encodable<shop::row_count>);
    STATIC_REQUIRE(typq::decodable<shop::row_count>);

    // A struct with no adapter is a row, not a value.
    STATIC_REQUIRE(!typq::encodable<order>);
    STATIC_REQUIRE(!typq::decodable<order>);

    // type_as copies the base adapter's facts.
    STATIC_REQUIRE(typq::type<user_id>::sql_type == "int8");
    STATIC_REQUIRE(typq::type<user_id>::param_oid == typq::oid::int8);
    STATIC_REQUIRE(typq::type<user_id>::param_format == typq::format::binary);
    STATIC_REQUIRE(typq::type<user_id>::accepts(typq::oid::int4));
    STATIC_REQUIRE(!typq::type<user_id>::accepts(typq::oid::text));
    STATIC_REQUIRE(typq::type<email>::sql_type == "text");
    STATIC_REQUIRE(typq::type<email>::param_oid == typq::oid::unspecified);
    STATIC_REQUIRE(typq::type<email>::param_format == typq::format::text);
    STATIC_REQUIRE(typq::type<email>::accepts(typq::oid::varchar));
}

// --- type_as ---------------------------------------------------------------------------------------

TEST_CASE("a strong typedef over std::int64_t round-trips like std::int64_t", "[types][type_as]")
{
    auto conn = typq_test::connect();
    using limits = std::numeric_limits<std::int64_t>;
    const std::int64_t n = GENERATE(values<std::int64_t>({limits::min(), -1, 0, 1, 42, limits::max()}));
    const user_id v{n};
    CAPTURE(n);

    SECTION("decodes the value the server parsed from text")
    {
        CHECK(conn.query_value<user_id>("SELECT $1::int8", std::to_string(n)) == v);
    }
    SECTION("encodes the bytes the server's int8send produces")
    {
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT int8send($1::int8)", std::to_string(n)));
        CHECK(typq_test::encode(v) == typq_test::encode(n));
    }
    SECTION("the server reads the parameter as the same value, typed int8")
    {
        CHECK(conn.query_value<std::string>("SELECT $1::text", v) == std::to_string(n));
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", v)
            == conn.query_value<std::string>("SELECT pg_typeof(1::int8)::text"));
    }
    SECTION("comes back as it went, also inside std::optional")
    {
        CHECK(conn.query_value<user_id>("SELECT $1", v) == v);
        CHECK(conn.query_value<std::optional<user_id>>("SELECT $1", std::optional<user_id>(v)) == v);
    }
}

TEST_CASE("a strong typedef follows its base's widening and refusals", "[types][type_as]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_value<user_id>("SELECT $1::int4", "2147483647") == user_id{2147483647});
    CHECK(conn.query_value<user_id>("SELECT $1::int2", "-32768") == user_id{-32768});
    CHECK(conn.query_value<std::optional<user_id>>("SELECT NULL::int8") == std::nullopt);

    REQUIRE_THROWS_AS((void)conn.query_value<user_id>("SELECT '1'::text AS id"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<user_id>("SELECT '1'::text AS id"),
        Contains("column \"id\" (text)") && Contains("shop::user_id"));
    REQUIRE_THROWS_AS((void)conn.query_value<user_id>("SELECT NULL::int8 AS id"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<user_id>("SELECT NULL::int8 AS id"),
        Contains("column \"id\" (int8)") && Contains("NULL") && Contains("shop::user_id"));
    REQUIRE_THROWS_AS(typq_test::decode<user_id>("00 01"_hex, typq::oid::int8), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<user_id>("00 01"_hex, typq::oid::int8), Contains("2 bytes, expected 8"));
}

TEST_CASE("a strong typedef over std::string is sent as text the server infers", "[types][type_as]")
{
    auto conn = typq_test::connect();
    const email ann{"ann@example.org"};

    CHECK(conn.query_value<email>("SELECT $1", ann) == ann);
    CHECK(conn.query_value<std::string>("SELECT $1::text", ann) == "ann@example.org");
    CHECK(conn.query_value<email>("SELECT 'bob@example.org'::varchar(40)") == email{"bob@example.org"});

    conn.execute("CREATE TEMP TABLE t (e varchar(40), born date)");
    CHECK(conn.execute("INSERT INTO t VALUES ($1, $2)", ann, "2000-01-01") == 1);
    CHECK(conn.query_value<email>("SELECT e FROM t") == ann);

    const email with_nul{std::string("a\0b", 3)};
    REQUIRE_THROWS_AS(conn.execute("INSERT INTO t VALUES ($1, NULL)", with_nul), typq::conversion_error);
    REQUIRE_THROWS_WITH(conn.execute("INSERT INTO t VALUES ($1, NULL)", with_nul),
        Contains("NUL") && Contains("$1") && Contains("shop::email"));
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 1);
}

TEST_CASE("a strong typedef over a view borrows from the result as its base does", "[types][type_as]")
{
    STATIC_REQUIRE(typq::detail::borrows<std::string_view>());
    // Otherwise query_one<shop::name_view> would compile and return a view into a destroyed result.
    CHECK(typq::detail::borrows<shop::name_view>());
    CHECK(typq::detail::row_borrows<shop::name_view>());
    CHECK(typq::detail::borrows<std::optional<shop::name_view>>());

    auto conn = typq_test::connect();
    std::vector<std::string> seen;
    for (const shop::name_view v : conn.query<shop::name_view>("SELECT 'x'::text UNION ALL SELECT 'y'::text"))
        seen.emplace_back(static_cast<std::string_view>(v));
    CHECK(seen == std::vector<std::string>{"x", "y"});
}

// --- from scratch ----------------------------------------------------------------------------------

TEST_CASE("an adapter written from scratch round-trips through the server", "[types][custom]")
{
    auto conn = typq_test::connect();
    using limits = std::numeric_limits<std::int64_t>;
    const std::int64_t n = GENERATE(values<std::int64_t>({limits::min(), -1, 0, 1, 1999, limits::max()}));
    const cents v{n};
    CAPTURE(n);

    SECTION("decodes the value the server parsed from text")
    {
        CHECK(conn.query_value<cents>("SELECT $1::int8", std::to_string(n)) == v);
    }
    SECTION("encodes the bytes the server's int8send produces")
    {
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT int8send($1::int8)", std::to_string(n)));
    }
    SECTION("the server reads the parameter as the same value, typed int8")
    {
        CHECK(conn.query_value<std::string>("SELECT $1::text", v) == std::to_string(n));
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", v)
            == conn.query_value<std::string>("SELECT pg_typeof(1::int8)::text"));
    }
    SECTION("comes back as it went")
    {
        CHECK(conn.query_value<cents>("SELECT $1", v) == v);
        CHECK(conn.query_value<std::optional<cents>>("SELECT $1", std::optional<cents>(v)) == v);
        CHECK(conn.query_value<std::optional<cents>>("SELECT $1", std::optional<cents>()) == std::nullopt);
    }
}

TEST_CASE("an adapter written from scratch reads the columns it accepts and refuses others", "[types][custom]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_value<cents>("SELECT 7::int2") == cents{7});
    CHECK(conn.query_value<cents>("SELECT 2147483647::int4") == cents{2147483647});

    REQUIRE_THROWS_AS((void)conn.query_value<cents>("SELECT 1.5::numeric AS price"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<cents>("SELECT 1.5::numeric AS price"),
        Contains("column \"price\" (numeric)") && Contains("shop::cents"));
    REQUIRE_THROWS_AS(typq_test::decode<cents>("00 00 00 01"_hex, typq::oid::int8), typq::conversion_error);
    REQUIRE_THROWS_WITH(
        typq_test::decode<cents>("00 00 00 01"_hex, typq::oid::int8), Contains("4 bytes, expected 8"));
    CHECK(typq_test::decode<cents>("00 00 00 01"_hex, typq::oid::int4) == cents{1});
}

TEST_CASE("a lone argument of a type with an adapter is a value, not named parameters", "[types][custom]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_value<std::int64_t>("SELECT $1", cents{250}) == 250);
    CHECK(conn.query_value<std::int64_t>("SELECT $1", user_id{251}) == 251);
}

TEST_CASE("a decoder's own check fails with the column, the field and the row", "[types][custom]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_one<rating>("SELECT 1 AS id, 100::int2 AS pct").pct == percent{100});

    const auto rows = conn.query<rating>(
        "SELECT k AS id, v AS pct FROM (VALUES (1, 50::int2), (2, 150::int2)) AS s(k, v) ORDER BY k");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].pct == percent{50});
    REQUIRE_THROWS_AS((void)rows[1], typq::conversion_error);
    REQUIRE_THROWS_WITH((void)rows[1],
        Contains("column \"pct\" (int2)") && Contains("field \"pct\"") && Contains("shop::percent")
            && Contains("row 1") && Contains("within 0..100, not 150"));
    try {
        (void)rows[1];
        FAIL("no conversion_error");
    }
    catch (const typq::conversion_error& e) {
        CHECK(e.column() == "pct");
        CHECK(e.sql_type() == "int2");
        CHECK(e.field() == "pct");
        CHECK(e.cpp_type() == "shop::percent");
    }
}

TEST_CASE("user types work as struct fields, by name both ways", "[types][custom]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE orders (owner int8, total int8, discount int8, contact text)");
    const order first{user_id{7}, cents{1999}, std::nullopt, email{"ann@example.org"}};
    const order second{user_id{8}, cents{-5}, cents{100}, email{"bob@example.org"}};

    CHECK(conn.execute("INSERT INTO orders VALUES (:owner, :total, :discount, :contact)", first) == 1);
    CHECK(conn.execute("INSERT INTO orders VALUES (:owner, :total, :discount, :contact)", second) == 1);
    CHECK(conn.query_value<std::string>(
              "SELECT string_agg(concat_ws('/', owner, total, discount, contact), ' ' ORDER BY owner) FROM orders")
        == "7/1999/ann@example.org 8/-5/100/bob@example.org");

    std::vector<order> read;
    for (const order& o : conn.query<order>("SELECT contact, discount, total, owner FROM orders ORDER BY owner"))
        read.push_back(o);
    REQUIRE(read.size() == 2);
    CHECK(read[0].owner == first.owner);
    CHECK(read[0].total == first.total);
    CHECK(read[0].discount == std::nullopt);
    CHECK(read[0].contact == first.contact);
    CHECK(read[1].owner == second.owner);
    CHECK(read[1].total == second.total);
    CHECK(read[1].discount == second.discount);
    CHECK(read[1].contact == second.contact);
}

TEST_CASE("encode-only and decode-only user adapters work in their direction", "[types][custom]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_value<std::string>("SELECT $1 || '!'", shop::audit_tag{"tag"}) == "tag!");
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", shop::audit_tag{"tag"})
        == conn.query_value<std::string>("SELECT pg_typeof('x'::text)::text"));
    CHECK(conn.query_value<shop::row_count>("SELECT count(*) FROM generate_series(1, 3)").value == 3);
}

}  // namespace types_custom_test
