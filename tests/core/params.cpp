// SPDX-License-Identifier: BSL-1.0
// tests/core/params.cpp: typq::params, parameters whose number is known at run time: values of
// any type and NULLs, checked against the statement when it runs, with runtime SQL, composed
// SQL and literals, in every form of query, up to the protocol's 65,535 parameters and one past.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <cstddef>   // std::byte
#include <cstdint>   // std::int32_t, std::int64_t
#include <optional>  // NULLs
#include <span>      // byte views
#include <string>    // texts, statements
#include <tuple>     // rows
#include <vector>    // ids

namespace core_params_test {

enum class mood { sad, ok, happy };

struct person {
    std::int64_t id;
    std::string name;
    std::optional<std::string> email;
};

// "$1, $2, ... $n".
std::string placeholders(std::size_t n)
{
    std::string text;
    for (std::size_t i = 1; i <= n; ++i)
        text += (i == 1 ? "$" : ", $") + std::to_string(i);
    return text;
}

}  // namespace core_params_test

template <>
struct typq::type<core_params_test::mood> : typq::enum_type<core_params_test::mood, "typq_params_mood"> {};

namespace core_params_test {

TEST_CASE("typq::params binds values of any type, NULLs included, each as its own argument would be",
    "[core][params]")
{
    auto conn = typq_test::connect();
    typq::params ps;
    ps.push_back(std::int64_t{42});
    ps.push_back("ann");                      // a literal: kept as a std::string
    ps.push_back(std::string_view("view"));  // a view: copied
    ps.push_back(std::nullopt);
    ps.push_back(std::optional<std::int32_t>{});
    ps.push_back(std::optional<std::int32_t>{7});
    ps.push_back(2.5);
    ps.push_back(std::vector<std::int32_t>{1, 2, 3});
    const std::vector<std::byte> raw{std::byte{0}, std::byte{0xff}};
    ps.push_back(std::span<const std::byte>(raw));
    REQUIRE(ps.size() == 9);

    using row = std::tuple<std::int64_t, std::string, std::string, std::optional<std::string>,
        std::optional<std::int32_t>, std::optional<std::int32_t>, double, std::vector<std::int32_t>,
        std::vector<std::byte>>;
    const row got = conn.query_one<row>(typq::runtime("SELECT " + placeholders(9)), ps);
    CHECK(got == row(42, "ann", "view", std::nullopt, std::nullopt, 7, 2.5, {1, 2, 3}, raw));

    // Each value travels with its type's OID, as an argument of its own would.
    CHECK(conn.query_one<std::tuple<std::string, std::string, std::string>>(
              typq::runtime("SELECT pg_typeof($1)::text, pg_typeof($2)::text, pg_typeof($3)::text"),
              typq::params(std::int64_t{1}, std::optional<std::int32_t>{1}, std::vector<std::int32_t>{}))
        == std::make_tuple("bigint", "integer", "integer[]"));
}

TEST_CASE("typq::params builds an IN-list and a filter from what the program has at run time", "[core][params]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE people (id int8 PRIMARY KEY, name text NOT NULL, email text)");
    conn.execute("INSERT INTO people SELECT g, 'p' || g, CASE WHEN g % 2 = 0 THEN g || '@x' END "
                 "FROM generate_series(1, 100) g");

    SECTION("an IN-list of ids")
    {
        const std::vector<std::int64_t> ids{3, 14, 15, 92, 65};
        typq::params ps;
        for (const std::int64_t id : ids)
            ps.push_back(id);
        const auto found = conn.query<person>(
            typq::runtime("SELECT * FROM people WHERE id IN (" + placeholders(ps.size()) + ") ORDER BY id"), ps);
        REQUIRE(found.size() == 5);
        CHECK(found[0].id == 3);
        CHECK(found[4].name == "p92");
    }
    SECTION("a filter composed with format_sql and typq::placeholder")
    {
        struct condition {
            const char* column;
            const char* op;
            std::int64_t value;
        };
        const std::vector<condition> wanted{{"id", ">", 10}, {"id", "<=", 20}};
        typq::params ps;
        std::vector<typq::sql_fragment> where;
        for (const condition& c : wanted) {
            ps.push_back(c.value);
            where.push_back(typq::format_sql("{} {} {}", typq::identifier(c.column), typq::runtime(c.op),
                typq::placeholder(ps.size())));
        }
        ps.push_back("p1%");
        where.push_back(typq::format_sql("name LIKE {}", typq::placeholder(ps.size())));
        const auto query = typq::format_sql("SELECT count(*) FROM people WHERE {}", typq::join(where, " AND "));
        CHECK(query.text() == R"(SELECT count(*) FROM people WHERE "id" > $1 AND "id" <= $2 AND name LIKE $3)");
        CHECK(conn.query_value<std::int64_t>(query, ps) == 9);  // p11 to p19
    }
    SECTION("with a literal statement, checked when it runs")
    {
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM people WHERE id BETWEEN $1 AND $2",
                  typq::params(std::int64_t{1}, std::int64_t{10}))
            == 10);
    }
    SECTION("in execute, stream, cursor and pipeline")
    {
        CHECK(conn.execute(typq::runtime("UPDATE people SET email = $1 WHERE id = $2"),
                  typq::params("one@x", std::int64_t{1}))
            == 1);
        std::int64_t streamed = 0;
        for (const person& p : conn.stream<person>("SELECT * FROM people WHERE id <= $1", typq::params(std::int64_t{4})))
            streamed += p.id;
        CHECK(streamed == 10);
        {
            typq::transaction tx{conn};
            auto cur = conn.cursor<person>("SELECT * FROM people WHERE id > $1 ORDER BY id", typq::params(98));
            CHECK(cur.fetch(5).size() == 2);
        }
        typq::pipeline p{conn};
        auto email = p.query_value<std::optional<std::string>>("SELECT email FROM people WHERE id = $1",
            typq::params(std::int64_t{1}));
        p.sync();
        CHECK(email.get() == "one@x");
    }
}

TEST_CASE("a typq::params statement must use exactly $1..$N, checked before anything is sent", "[core][params]")
{
    auto conn = typq_test::connect();
    const typq::params two(1, 2);

    REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>(typq::runtime("SELECT $1 + $2 + $3"), two), typq::usage_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>(typq::runtime("SELECT $1 + $2 + $3"), two),
        Catch::Contains("the statement uses $3 (at offset 17), but 2 arguments were given"));
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>(typq::runtime("SELECT $1"), two),
        Catch::Contains("2 arguments were given, but the statement's placeholders end at $1: argument 2 has no "
                        "placeholder $2"));
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>(typq::runtime("SELECT $2"), two),
        Catch::Contains("the placeholders skip $1, so argument 1 of 2 is never used"));
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>(typq::runtime("SELECT $1"), typq::params()),
        Catch::Contains("the statement uses $1 (at offset 7), but no arguments were given"));
    // Nothing reached the server.
    CHECK(conn.transaction_status() == typq::transaction_status::idle);

    // No values, no placeholders: a statement of the extended protocol all the same.
    CHECK(conn.query_value<std::int32_t>(typq::runtime("SELECT 5"), typq::params()) == 5);
}

TEST_CASE("typq::params looks up the types only the server knows", "[core][params]")
{
    auto conn = typq_test::connect();
    typq::transaction tx{conn};
    conn.execute("CREATE TYPE typq_params_mood AS ENUM ('sad', 'ok', 'happy')");
    typq::params ps;
    ps.push_back(mood::happy);
    ps.push_back(std::vector<mood>{mood::sad, mood::ok});
    REQUIRE(ps.needs_types());
    using row = std::tuple<std::string, std::string>;
    CHECK(conn.query_one<row>("SELECT $1::text, $2::text", ps) == row("happy", "{sad,ok}"));
}

TEST_CASE("typq::params owns copies of its values", "[core][params]")
{
    auto conn = typq_test::connect();
    typq::params ps;
    {
        std::string text = "temporary";
        char buffer[8] = "buf";
        ps.push_back(text);
        ps.push_back(buffer);
        ps.push_back(text.c_str());
    }
    typq::params copy = ps;
    ps.clear();
    CHECK(ps.empty());
    using row = std::tuple<std::string, std::string, std::string>;
    CHECK(conn.query_one<row>("SELECT $1, $2, $3", copy) == row("temporary", "buf", "temporary"));

    const char* null_text = nullptr;
    REQUIRE_THROWS_AS(ps.push_back(null_text), typq::conversion_error);
    // A value that cannot be encoded names its $N when the statement is bound.
    typq::params bad;
    bad.push_back(1);
    bad.push_back(std::string("a\0b", 3));
    REQUIRE_THROWS_AS((void)conn.query<std::string>("SELECT $1::text || $2", bad), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query<std::string>("SELECT $1::text || $2", bad), Catch::Contains("parameter $2"));
}

TEST_CASE("typq::params carries up to 65,535 parameters, and one more is refused before sending", "[core][params]")
{
    auto conn = typq_test::connect();
    typq::params ps;
    ps.reserve(65536);
    for (std::int32_t i = 1; i <= 65535; ++i)
        ps.push_back(i);
    const std::string in = placeholders(65535);
    CHECK(conn.query_value<std::int64_t>(
              typq::runtime("SELECT count(*) FROM generate_series(1, 70000) g WHERE g IN (" + in + ")"), ps)
        == 65535);
    CHECK(conn.query_value<std::int64_t>(typq::runtime("SELECT sum(x)::int8 FROM unnest(ARRAY[" + in + "]::int8[]) x"), ps)
        == std::int64_t{65535} * 65536 / 2);

    ps.push_back(65536);
    REQUIRE_THROWS_AS((void)conn.query_value<std::int64_t>(typq::runtime("SELECT count(*) WHERE 0 IN (" + in + ")"), ps),
        typq::usage_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int64_t>(typq::runtime("SELECT count(*) WHERE 0 IN (" + in + ")"), ps),
        Catch::Contains("the statement has 65536 parameters; PostgreSQL's protocol carries at most 65535: nothing was sent"));
    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
}

}  // namespace core_params_test
