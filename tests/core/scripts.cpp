// SPDX-License-Identifier: BSL-1.0
// tests/core/scripts.cpp: execute() without arguments runs a typq::script by the simple query
// protocol, which may hold any SQL, $1 included (function bodies, PREPARE); query() without
// arguments stays a checked statement.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <cstdint>  // std::int32_t, std::int64_t
#include <string>   // runtime SQL

namespace core_scripts_test {

TEST_CASE("a script may hold $1 where SQL has its own parameters", "[core][script]")
{
    auto conn = typq_test::connect();
    typq::transaction tx{conn};

    SECTION("a SQL-standard function body, as a literal")
    {
        conn.execute("CREATE FUNCTION pg_temp.add1(int) RETURNS int LANGUAGE sql RETURN $1 + 1");
        CHECK(conn.query_value<std::int32_t>("SELECT pg_temp.add1($1)", 41) == 42);
    }
    SECTION("the same built at run time")
    {
        const std::string name = "pg_temp.add2";
        conn.execute(typq::runtime("CREATE FUNCTION " + name + "(int) RETURNS int LANGUAGE sql RETURN $1 + 2"));
        CHECK(conn.query_value<std::int32_t>("SELECT pg_temp.add2($1)", 40) == 42);
    }
    SECTION("PREPARE ... AS, then EXECUTE, in one script")
    {
        conn.execute("PREPARE typq_script_q(int8) AS SELECT $1 * 2; CREATE TEMP TABLE doubled AS EXECUTE typq_script_q(21)");
        CHECK(conn.query_value<std::int64_t>("SELECT * FROM doubled") == 42);
        conn.execute("DEALLOCATE typq_script_q");
    }
    SECTION("a composed fragment whose $1 is the function's own")
    {
        conn.execute(typq::format_sql("CREATE FUNCTION pg_temp.{}(a int) RETURNS int LANGUAGE sql RETURN $1 * 3",
            typq::identifier("times3")));
        CHECK(conn.query_value<std::int32_t>("SELECT pg_temp.times3(14)") == 42);
    }
    SECTION("a statement checked for no arguments still runs as a script")
    {
        const typq::sql<> statement = "CREATE TEMP TABLE t1 (x int); CREATE TEMP TABLE t2 (y int)";
        CHECK(conn.execute(statement) == 0);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM pg_class WHERE relname IN ('t1', 't2')") == 2);
    }
    SECTION("a script's count is its last statement's")
    {
        conn.execute("CREATE TEMP TABLE counted (x int)");
        CHECK(conn.execute("INSERT INTO counted VALUES (1); INSERT INTO counted VALUES (2), (3)") == 2);
    }
}

TEST_CASE("a script is still checked for what would make it unreadable", "[core][script]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_AS(conn.execute(typq::runtime("SELECT 'unclosed")), typq::usage_error);
    REQUIRE_THROWS_WITH(conn.execute(typq::runtime("SELECT 'unclosed")),
        Catch::Contains("the quoted string at offset 7 is not closed"));
    REQUIRE_THROWS_AS(conn.execute(typq::runtime(std::string("SELECT 1\0", 9))), typq::usage_error);
    // COPY needs its own protocol, in a script too.
    REQUIRE_THROWS_AS(conn.execute("COPY (SELECT 1) TO STDOUT"), typq::usage_error);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
}

TEST_CASE("query() without arguments uses the extended protocol, where $1 needs an argument", "[core][script]")
{
    auto conn = typq_test::connect();
    // A literal does not compile (tests/compile_fail/sql_error_more_placeholders_than_arguments.cpp);
    // runtime SQL is refused before anything is sent.
    REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>(typq::runtime("SELECT $1::int4")), typq::usage_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>(typq::runtime("SELECT $1::int4")),
        Catch::Equals("invalid SQL statement: the statement uses $1 (at offset 7), but no arguments were given"));
    // A script with a forgotten argument reaches the server, which refuses it.
    REQUIRE_THROWS_AS(conn.execute("SELECT $1::int4"), typq::undefined_parameter);
    CHECK(conn.state() == typq::connection_state::open);
}

}  // namespace core_scripts_test
