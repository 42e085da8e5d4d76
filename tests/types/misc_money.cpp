// SPDX-License-Identifier: BSL-1.0
// tests/types/misc_money.cpp: include/typq/types/money.hpp: typq::money both ways, against the
// server's cash_send and its text form under lc_monetary = 'C'.

#include "typq_test.hpp"

#include <typq/types/money.hpp>

#include <compare>      // std::strong_ordering
#include <cstddef>      // std::byte
#include <cstdint>      // std::int64_t
#include <limits>       // the int8 limits
#include <optional>     // NULL both ways
#include <string>       // text forms
#include <vector>       // byte vectors

namespace types_misc_money_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;

constexpr std::int64_t min_cents = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t max_cents = std::numeric_limits<std::int64_t>::max();

// A connection whose money text has the C locale's form, which typq::money::to_string follows.
typq::connection connect_c_monetary()
{
    auto conn = typq_test::connect();
    conn.execute("SET lc_monetary = 'C'");
    return conn;
}

struct invoice {
    std::int32_t id;
    typq::money total;
    std::optional<typq::money> discount;
};

TEST_CASE("typq::money is a regular, ordered value with an adapter", "[types][money]")
{
    STATIC_REQUIRE(typq::encodable<typq::money>);
    STATIC_REQUIRE(typq::decodable<typq::money>);
    STATIC_REQUIRE(typq::type<typq::money>::param_oid == typq::oid::money);
    STATIC_REQUIRE(typq::type<typq::money>::array_oid == typq::oid::money_array);
    STATIC_REQUIRE(typq::encodable<std::optional<typq::money>>);
    STATIC_REQUIRE(typq::decodable<std::optional<typq::money>>);
    STATIC_REQUIRE(typq::money{} == typq::money{0});
    STATIC_REQUIRE((typq::money{-1} <=> typq::money{1}) == std::strong_ordering::less);
    STATIC_REQUIRE(typq::money{min_cents} < typq::money{max_cents});

    CHECK(typq::type<typq::money>::accepts(typq::oid::money));
    CHECK_FALSE(typq::type<typq::money>::accepts(typq::oid::int8));
    CHECK_FALSE(typq::type<typq::money>::accepts(typq::oid::numeric));
}

TEST_CASE("typq::money prints as the server does in the C locale", "[types][money]")
{
    CHECK(typq::money{0}.to_string() == "$0.00");
    CHECK(typq::money{1}.to_string() == "$0.01");
    CHECK(typq::money{-1}.to_string() == "-$0.01");
    CHECK(typq::money{100}.to_string() == "$1.00");
    CHECK(typq::money{99999}.to_string() == "$999.99");
    CHECK(typq::money{100000}.to_string() == "$1,000.00");
    CHECK(typq::money{-123456}.to_string() == "-$1,234.56");
    CHECK(typq::money{min_cents}.to_string() == "-$92,233,720,368,547,758.08");
    CHECK(typq::money{max_cents}.to_string() == "$92,233,720,368,547,758.07");
}

TEST_CASE("money round-trips through the server at its limits", "[types][money]")
{
    auto conn = connect_c_monetary();
    const std::int64_t cents = GENERATE(values<std::int64_t>({min_cents, min_cents + 1, -100000000000, -123456,
        -100, -1, 0, 1, 5, 99, 100, 123456, 100000000000, max_cents - 1, max_cents}));
    const typq::money v{cents};
    CAPTURE(cents);

    // The server's own money for `cents`: numeric -> money scales by the locale's 2 digits.
    SECTION("decodes what the server computes")
    {
        CHECK(conn.query_value<typq::money>("SELECT ($1::numeric * 0.01)::money", cents) == v);
    }
    SECTION("encodes the bytes the server's cash_send produces")
    {
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT cash_send(($1::numeric * 0.01)::money)", cents));
    }
    SECTION("the server reads the parameter as the same amount")
    {
        CHECK(conn.query_value<bool>("SELECT $1 = ($2::numeric * 0.01)::money", v, cents));
        CHECK(conn.query_value<bool>("SELECT $1::numeric = $2::numeric * 0.01", v, cents));
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", v) == "money");
    }
    SECTION("prints as the server prints it")
    {
        CHECK(conn.query_value<std::string>("SELECT $1::text", v) == v.to_string());
        CHECK(conn.query_value<std::string>("SELECT (($1::numeric * 0.01)::money)::text", cents) == v.to_string());
    }
    SECTION("decodes the server's parse of its own text form")
    {
        CHECK(conn.query_value<typq::money>("SELECT $1::money", v.to_string()) == v);
    }
    SECTION("comes back as it went")
    {
        CHECK(conn.query_value<typq::money>("SELECT $1", v) == v);
    }
}

TEST_CASE("money literals in the server's accepted forms decode", "[types][money]")
{
    auto conn = connect_c_monetary();
    const auto [text, cents] = GENERATE(table<std::string, std::int64_t>({
        {"0", 0},
        {"0.01", 1},
        {"-0.01", -1},
        {"1234.56", 123456},
        {"$1,234.56", 123456},
        {"-$1,234.56", -123456},
        {"($1,234.56)", -123456},
        {"1234.5", 123450},
        {"12", 1200},
        {"-92233720368547758.08", min_cents},
        {"92233720368547758.07", max_cents},
    }));
    CAPTURE(text);

    CHECK(conn.query_value<typq::money>("SELECT $1::money", text) == typq::money{cents});
    CHECK(typq_test::encode(typq::money{cents}) == conn.query_value<bytes>("SELECT cash_send($1::money)", text));
}

TEST_CASE("money ordering agrees with the server's", "[types][money]")
{
    auto conn = connect_c_monetary();
    const typq::money amounts[] = {typq::money{min_cents}, typq::money{-100}, typq::money{-1}, typq::money{0},
        typq::money{1}, typq::money{100}, typq::money{max_cents}};
    for (const auto& a : amounts)
        for (const auto& b : amounts) {
            CAPTURE(a, b);
            CHECK(conn.query_value<bool>("SELECT $1 < $2", a, b) == (a < b));
            CHECK(conn.query_value<bool>("SELECT $1 = $2", a, b) == (a == b));
            CHECK(conn.query_value<std::int32_t>("SELECT cash_cmp($1, $2)", a, b) == ((a <=> b) < 0 ? -1 : (a <=> b) > 0 ? 1 : 0));
        }
}

TEST_CASE("money travels through a table, as a struct field and as NULL", "[types][money]")
{
    auto conn = connect_c_monetary();
    conn.execute("CREATE TEMP TABLE invoices (id int4, total money, discount money)");
    const invoice first{1, typq::money{123456}, typq::money{-500}};
    const invoice second{2, typq::money{max_cents}, std::nullopt};
    CHECK(conn.execute("INSERT INTO invoices VALUES (:id, :total, :discount)", first) == 1);
    CHECK(conn.execute("INSERT INTO invoices VALUES (:id, :total, :discount)", second) == 1);

    const auto rows = conn.query<invoice>("SELECT discount, total, id FROM invoices ORDER BY id");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == 1);
    CHECK(rows[0].total == typq::money{123456});
    CHECK(rows[0].discount == typq::money{-500});
    CHECK(rows[1].total == typq::money{max_cents});
    CHECK(rows[1].discount == std::nullopt);

    CHECK(conn.query_value<std::string>("SELECT total::text FROM invoices WHERE id = 1") == "$1,234.56");
    CHECK(conn.query_value<std::string>("SELECT discount::text FROM invoices WHERE id = 1") == "-$5.00");
    CHECK(conn.query_value<typq::money>("SELECT sum(total + coalesce(discount, 0::money)) FROM invoices WHERE id = 1")
        == typq::money{122956});
    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", std::optional<typq::money>()));
    CHECK(conn.query_value<std::optional<typq::money>>("SELECT NULL::money") == std::nullopt);
}

TEST_CASE("malformed or mistyped money values are refused", "[types][money]")
{
    auto conn = connect_c_monetary();

    REQUIRE_THROWS_AS(typq_test::decode<typq::money>(""_hex, typq::oid::money), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<typq::money>(""_hex, typq::oid::money), Contains("0 bytes, expected 8"));
    REQUIRE_THROWS_AS(typq_test::decode<typq::money>("00 00 00 00 00 00 01"_hex, typq::oid::money),
        typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<typq::money>("00 00 00 00 00 00 01"_hex, typq::oid::money),
        Contains("7 bytes, expected 8"));
    REQUIRE_THROWS_AS(typq_test::decode<typq::money>("00 00 00 00 00 00 00 00 01"_hex, typq::oid::money),
        typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<typq::money>("00 00 00 00 00 00 00 00 01"_hex, typq::oid::money),
        Contains("9 bytes, expected 8"));
    CHECK(typq_test::decode<typq::money>("80 00 00 00 00 00 00 00"_hex, typq::oid::money) == typq::money{min_cents});

    // Neither integers nor numerics are money, and money is not an integer.
    REQUIRE_THROWS_AS((void)conn.query_value<typq::money>("SELECT 100::int8 AS price"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<typq::money>("SELECT 100::int8 AS price"),
        Contains("column \"price\" (int8)") && Contains("typq::money"));
    REQUIRE_THROWS_AS((void)conn.query_value<typq::money>("SELECT 1.5 AS price"), typq::conversion_error);
    REQUIRE_THROWS_AS((void)conn.query_value<std::int64_t>("SELECT 1::money AS price"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int64_t>("SELECT 1::money AS price"),
        Contains("column \"price\" (money)"));
    REQUIRE_THROWS_AS((void)conn.query_value<typq::money>("SELECT NULL::money AS price"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<typq::money>("SELECT NULL::money AS price"), Contains("NULL"));
}

}  // namespace types_misc_money_test
