// SPDX-License-Identifier: BSL-1.0
// tests/core/parameters.cpp: binding arguments: positional $N, placeholders the lexer must not
// see, casts, typq::runtime() checked at run time, and :name binding from a struct's fields.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <libpq-fe.h>

#include <cstdint>   // std::int16_t, std::int32_t, std::int64_t
#include <optional>  // NULL parameters
#include <string>    // runtime SQL, text values
#include <tuple>     // rows as tuples

namespace core_parameters_test {

struct person {
    std::int64_t id;
    std::string name;
    std::optional<std::string> email;
    double score;
    bool active;
};

TEST_CASE("positional $N parameters of mixed types reach the server with their types", "[core][parameters]")
{
    auto conn = typq_test::connect();
    const std::int16_t small = -3;
    const std::int32_t medium = 70000;
    const std::int64_t large = 5000000000;
    const double real = 2.5;
    const bool flag = true;
    const std::string text = "héllo";

    using row = std::tuple<std::string, std::string, std::string, std::string, std::string>;
    CHECK(conn.query_one<row>("SELECT pg_typeof($1)::text, pg_typeof($2)::text, pg_typeof($3)::text, "
                              "pg_typeof($4)::text, pg_typeof($5)::text",
              small, medium, large, real, flag)
        == row("smallint", "integer", "bigint", "double precision", "boolean"));

    using values = std::tuple<std::int16_t, std::int32_t, std::int64_t, double, bool, std::string, std::optional<std::string>>;
    CHECK(conn.query_one<values>("SELECT $1, $2, $3, $4, $5, $6::text, $7::text", small, medium, large, real, flag, text,
              std::nullopt)
        == values(small, medium, large, real, flag, text, std::nullopt));

    // The server reads each value as what it is: its own text form of each.
    using texts = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string, bool>;
    CHECK(conn.query_one<texts>("SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text IS NULL",
              small, medium, large, real, flag, text, std::nullopt)
        == texts("-3", "70000", "5000000000", "2.5", "true", text, true));
}

TEST_CASE("the same placeholder may appear several times", "[core][parameters]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_value<std::int32_t>("SELECT $1 + $1 * $1", std::int32_t{3}) == 12);
    using row = std::tuple<std::string, std::int32_t, std::string>;
    CHECK(conn.query_one<row>("SELECT $2::text, $1, $2::text || $2::text", std::int32_t{4}, "ab") == row("ab", 4, "abab"));
}

TEST_CASE("placeholders inside comments, strings, identifiers and dollar quotes are not parameters", "[core][parameters]")
{
    auto conn = typq_test::connect();

    SECTION("a string literal")
    {
        using row = std::tuple<std::string, std::int32_t>;
        CHECK(conn.query_one<row>("SELECT '$1', $1", std::int32_t{5}) == row("$1", 5));
        CHECK(conn.query_one<row>("SELECT 'it''s $2', $1", std::int32_t{5}) == row("it's $2", 5));
        CHECK(conn.query_one<row>("SELECT E'\\' $2', $1", std::int32_t{5}) == row("' $2", 5));
    }
    SECTION("comments")
    {
        CHECK(conn.query_value<std::int32_t>("SELECT /* $2 /* $3 */ $4 */ $1 -- $5\n", std::int32_t{6}) == 6);
    }
    SECTION("dollar quotes")
    {
        using row = std::tuple<std::string, std::string, std::int32_t>;
        CHECK(conn.query_one<row>("SELECT $$ $2 $$, $q$ $3 $$ $q$, $1", std::int32_t{7}) == row(" $2 ", " $3 $$ ", 7));
    }
    SECTION("a quoted identifier")
    {
        const auto rows = conn.query<std::int32_t>("SELECT $1 AS \"$2\"", std::int32_t{8});
        REQUIRE(rows.size() == 1);
        CHECK(rows[0] == 8);
        CHECK(std::string(PQfname(rows.native_handle(), 0)) == "$2");
    }
}

TEST_CASE("a :: cast next to a placeholder is a cast", "[core][parameters]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_value<std::string>("SELECT $1::text", "abc") == "abc");
    CHECK(conn.query_value<std::int64_t>("SELECT $1::int8", std::int32_t{9}) == 9);
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1::int2)::text", std::int32_t{1}) == "smallint");
    CHECK(conn.query_value<std::string>("SELECT ($1::text)::varchar(2)::text", "abcdef") == "ab");
}

TEST_CASE("typq::runtime runs SQL built at run time, checking its placeholders at run time", "[core][parameters]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4, name text)");

    std::string table = "t";
    const std::string insert = "INSERT INTO " + table + " VALUES ($1, $2)";
    CHECK(conn.execute(typq::runtime(insert), std::int32_t{1}, "one") == 1);
    CHECK(conn.query_value<std::string>(typq::runtime("SELECT name FROM " + table + " WHERE id = $1"), std::int32_t{1})
        == "one");
    CHECK(conn.query_value<std::int64_t>(typq::runtime("SELECT count(*) FROM " + table)) == 1);

    SECTION("too few arguments: the message names the $N and how many arguments were given")
    {
        REQUIRE_THROWS_AS(conn.execute(typq::runtime(insert), std::int32_t{2}), typq::usage_error);
        REQUIRE_THROWS_WITH(conn.execute(typq::runtime(insert), std::int32_t{2}),
            Catch::Equals("invalid SQL statement: the statement uses $2 (at offset 26), but 1 argument was given"));
    }
    SECTION("no argument for a query with placeholders")
    {
        REQUIRE_THROWS_AS((void)conn.query<std::int32_t>(typq::runtime("SELECT id FROM t WHERE id = $1")),
            typq::usage_error);
        REQUIRE_THROWS_WITH((void)conn.query<std::int32_t>(typq::runtime("SELECT id FROM t WHERE id = $1")),
            Catch::Contains("the statement uses $1 (at offset 28), but no arguments were given"));
    }
    SECTION("execute without arguments is a script: a $1 in it is the server's to refuse")
    {
        REQUIRE_THROWS_AS(conn.execute(typq::runtime("INSERT INTO t VALUES ($1, 'x')")), typq::undefined_parameter);
    }
    SECTION("too many arguments")
    {
        REQUIRE_THROWS_AS(conn.execute(typq::runtime(insert), std::int32_t{2}, "two", std::int32_t{3}), typq::usage_error);
        REQUIRE_THROWS_WITH(conn.execute(typq::runtime(insert), std::int32_t{2}, "two", std::int32_t{3}),
            Catch::Equals("invalid SQL statement: 3 arguments were given, but the statement's placeholders end at "
                          "$2: argument 3 has no placeholder $3"));
        REQUIRE_THROWS_WITH((void)conn.query<std::int32_t>(typq::runtime("SELECT 1"), std::int32_t{1}),
            Catch::Contains("1 argument was given, but the statement has no placeholders"));
    }
    SECTION("a gap the server would accept is refused before anything is sent")
    {
        // PostgreSQL runs this (with $1 unused); typq refuses it, so nothing is inserted.
        REQUIRE_THROWS_AS(conn.execute(typq::runtime("INSERT INTO t SELECT $2, 'gap'"), std::int32_t{0}, std::int32_t{2}),
            typq::usage_error);
        REQUIRE_THROWS_WITH(conn.execute(typq::runtime("INSERT INTO t SELECT $2, 'gap'"), std::int32_t{0}, std::int32_t{2}),
            Catch::Contains("the placeholders skip $1, so argument 1 of 2 is never used"));
    }
    SECTION("an unterminated string")
    {
        REQUIRE_THROWS_AS(conn.execute(typq::runtime("INSERT INTO t VALUES ($1, 'x)"), std::int32_t{2}), typq::usage_error);
        REQUIRE_THROWS_WITH(conn.execute(typq::runtime("INSERT INTO t VALUES ($1, 'x)"), std::int32_t{2}),
            Catch::Contains("the quoted string at offset 26 is not closed"));
    }
    SECTION("placeholder $0")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>(typq::runtime("SELECT $0, $1"), std::int32_t{2}),
            typq::usage_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>(typq::runtime("SELECT $0, $1"), std::int32_t{2}),
            Catch::Contains("$0"));
    }

    // Nothing reached the server: no row, no error state.
    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 1);
}

TEST_CASE("a struct as the only argument binds :name placeholders from its fields", "[core][parameters]")
{
    auto conn = typq_test::connect();
    const person ann{42, "ann", std::nullopt, 1.5, true};

    SECTION("in any order")
    {
        using row = std::tuple<std::string, std::int64_t, bool>;
        CHECK(conn.query_one<row>("SELECT :name::text, :id, :active", ann) == row("ann", 42, true));
        CHECK(conn.query_one<row>("SELECT :name::text, :id, :active", person{7, "bob", "b@x", 0.0, false})
            == row("bob", 7, false));
    }
    SECTION("a name used twice is one parameter")
    {
        constexpr typq::basic_sql<person> statement("SELECT :id + :id, :name::text || :name::text");
        STATIC_REQUIRE(statement.parameter_count() == 2);
        std::string positional;
        statement.write_positional(positional);
        CHECK(positional == "SELECT $1 + $1, $2::text || $2::text");

        using row = std::tuple<std::int64_t, std::string>;
        CHECK(conn.query_one<row>("SELECT :id + :id, :name::text || :name::text", ann) == row(84, "annann"));
    }
    SECTION("fields not mentioned are not sent")
    {
        constexpr typq::basic_sql<person> statement("SELECT :score");
        STATIC_REQUIRE(statement.parameter_count() == 1);
        // The server checks the count: one parameter more than the statement uses would fail.
        CHECK(conn.query_value<double>("SELECT :score", ann) == 1.5);
        CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
    }
    SECTION("a NULL field is a NULL parameter")
    {
        CHECK(conn.query_value<bool>("SELECT :email::text IS NULL", ann));
        CHECK(conn.query_value<std::optional<std::string>>("SELECT :email::text", ann) == std::nullopt);
    }
    SECTION("casts next to names")
    {
        using row = std::tuple<std::string, std::string, std::string>;
        CHECK(conn.query_one<row>("SELECT pg_typeof(:id::int4)::text, :id::int8::text, :name::varchar(2)::text", ann)
            == row("integer", "42", "an"));
    }
    SECTION("names inside strings, comments and dollar quotes are not placeholders")
    {
        using row = std::tuple<std::string, std::string, std::int64_t>;
        CHECK(conn.query_one<row>("SELECT ':name', $$ :email $$, :id /* :score */ -- :active\n", ann)
            == row(":name", " :email ", 42));
    }
    SECTION("execute binds by name too")
    {
        conn.execute("CREATE TEMP TABLE people (id int8, name text, email text, score float8, active bool)");
        CHECK(conn.execute("INSERT INTO people (email, name, id, active, score) VALUES (:email, :name, :id, :active, :score)",
                  ann)
            == 1);
        const person bob{43, "bob", "bob@example.com", -2.25, false};
        CHECK(conn.execute("INSERT INTO people VALUES (:id, :name, :email, :score, :active)", bob) == 1);
        using row = std::tuple<std::int64_t, std::string, std::optional<std::string>, double, bool>;
        const auto rows = conn.query<row>("SELECT id, name, email, score, active FROM people ORDER BY id");
        REQUIRE(rows.size() == 2);
        CHECK(rows[0] == row(42, "ann", std::nullopt, 1.5, true));
        CHECK(rows[1] == row(43, "bob", "bob@example.com", -2.25, false));
    }
    SECTION("typq::runtime with names binds the same way")
    {
        const std::string column = "name";
        CHECK(conn.query_value<std::string>(typq::runtime("SELECT :" + column + "::text || :id::text"), ann) == "ann42");
    }
    SECTION("typq::runtime with a :name that is no field is a usage_error")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>(typq::runtime("SELECT :id, :nickname"), ann),
            typq::usage_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>(typq::runtime("SELECT :id, :nickname"), ann),
            Catch::Contains("not a field"));
        REQUIRE_THROWS_AS(conn.execute(typq::runtime("SELECT :nickname"), ann), typq::usage_error);
        REQUIRE_THROWS_AS(conn.execute(typq::runtime("SELECT $1"), ann), typq::usage_error);
        REQUIRE_THROWS_WITH(conn.execute(typq::runtime("SELECT $1"), ann), Catch::Contains("$N placeholder"));
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
    }
}

}  // namespace core_parameters_test
