// SPDX-License-Identifier: BSL-1.0
// tests/core/text_results.cpp: the typq::text_results forms of query, query_one, query_opt and
// query_value, for column types with no binary output (aclitem is one that is built in).

#include "typq_test.hpp"

#include <optional>  // NULL columns
#include <string>    // every field is text

namespace core_text_results_test {

struct grant {
    std::string item;
    std::optional<std::string> note;
    std::string number;
};

constexpr const char* acl = "postgres=arwdDxt/postgres";

TEST_CASE("a type without binary output is refused by the server in the binary forms", "[core][text_results]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1::aclitem", acl), typq::undefined_function);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::string>("SELECT $1::aclitem", acl), Catch::Contains("binary"));
    CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);  // the connection goes on
}

TEST_CASE("text_results reads any column as the text the server prints for it", "[core][text_results]")
{
    auto conn = typq_test::connect();
    const std::string printed = conn.query_value<std::string>("SELECT $1::aclitem::text", acl);

    SECTION("query_value")
    {
        CHECK(conn.query_value<std::string>(typq::text_results, "SELECT $1::aclitem", acl) == printed);
        CHECK(conn.query_value<std::string>(typq::text_results, "SELECT $1::int4 + 1", 41) == "42");
        CHECK(conn.query_value<std::optional<std::string>>(typq::text_results, "SELECT NULL::aclitem") == std::nullopt);
    }
    SECTION("query_one and query_opt map a struct by field name")
    {
        const grant g = conn.query_one<grant>(
            typq::text_results, "SELECT 12.50::numeric AS number, NULL::text AS note, $1::aclitem AS item", acl);
        CHECK(g.item == printed);
        CHECK(g.note == std::nullopt);
        CHECK(g.number == "12.50");
        CHECK(conn.query_opt<grant>(typq::text_results, "SELECT ''::text AS item, 'x' AS note, '1' AS number WHERE false")
            == std::nullopt);
        REQUIRE_THROWS_AS((void)conn.query_one<grant>(
                              typq::text_results, "SELECT ''::text AS item, 'x' AS note, '1' AS number WHERE false"),
            typq::no_rows);
    }
    SECTION("query iterates the rows, views included")
    {
        std::string all;
        for (std::string_view item : conn.query<std::string_view>(
                 typq::text_results, "SELECT $1::aclitem FROM generate_series(1, 3)", acl))
            all += std::string(item) + ";";
        CHECK(all == printed + ";" + printed + ";" + printed + ";");
    }
    SECTION("a mismatch of columns is still one conversion_error before any row")
    {
        REQUIRE_THROWS_AS((void)conn.query<grant>(typq::text_results, "SELECT $1::aclitem AS item", acl),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query<grant>(typq::text_results, "SELECT $1::aclitem AS item", acl),
            Catch::Contains("no column for field \"note\"") && Catch::Contains("no column for field \"number\""));
    }
}

TEST_CASE("text_results takes SQL built at run time too", "[core][text_results]")
{
    auto conn = typq_test::connect();
    const std::string statement = std::string("SELECT $1::") + "aclitem";
    CHECK(conn.query_value<std::string>(typq::text_results, typq::runtime(statement), acl)
        == conn.query_value<std::string>("SELECT $1::aclitem::text", acl));
}

}  // namespace core_text_results_test
