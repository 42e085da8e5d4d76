// SPDX-License-Identifier: BSL-1.0
// tests/core/execute.cpp: connection::execute: rows affected, scripts, errors that leave the
// connection usable, and COPY refused.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <cstdint>  // std::int32_t, std::int64_t, std::uint64_t
#include <string>   // text values

namespace core_execute_test {

TEST_CASE("execute returns the number of rows a statement affected", "[core][execute]")
{
    auto conn = typq_test::connect();
    CHECK(conn.execute("CREATE TEMP TABLE t (id int4 PRIMARY KEY, name text)") == 0);

    SECTION("with arguments (extended protocol)")
    {
        CHECK(conn.execute("INSERT INTO t VALUES ($1, $2), ($3, $4), ($5, $6)", 1, "a", 2, "b", 3, "c") == 3);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 3);
        CHECK(conn.execute("UPDATE t SET name = $1 WHERE id >= $2", "z", 2) == 2);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t WHERE name = 'z'") == 2);
        CHECK(conn.execute("SELECT * FROM t WHERE id <= $1", 2) == 2);
        CHECK(conn.execute("UPDATE t SET name = $1 WHERE id > $2", "none", 100) == 0);
        CHECK(conn.execute("DELETE FROM t WHERE id = $1", 1) == 1);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 2);
        CHECK(conn.execute("DELETE FROM t WHERE id > $1", 0) == 2);
    }
    SECTION("without arguments (simple protocol)")
    {
        CHECK(conn.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')") == 4);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 4);
        CHECK(conn.execute("UPDATE t SET name = 'z' WHERE id % 2 = 0") == 2);
        CHECK(conn.execute("SELECT * FROM t") == 4);
        CHECK(conn.execute("DELETE FROM t WHERE id < 4") == 3);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 1);
    }
    SECTION("an INSERT ... SELECT of many rows")
    {
        CHECK(conn.execute("INSERT INTO t SELECT g, g::text FROM generate_series(1, $1) g", 12345) == 12345);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 12345);
    }
    SECTION("a command without a row count")
    {
        CHECK(conn.execute("CREATE TEMP TABLE u (x int4)") == 0);
        CHECK(conn.execute("SET search_path = pg_temp, public") == 0);
        CHECK(conn.execute("ALTER TABLE u ADD COLUMN y int4") == 0);
        CHECK(conn.execute("DROP TABLE u") == 0);
    }
}

TEST_CASE("execute without arguments runs every statement of a script", "[core][execute]")
{
    auto conn = typq_test::connect();
    const std::uint64_t last = conn.execute(
        "CREATE TEMP TABLE t (id int4, name text);"
        "INSERT INTO t VALUES (1, 'one');"
        "INSERT INTO t VALUES (2, 'two'), (3, 'three');"
        "UPDATE t SET name = upper(name) WHERE id > 1;"
        "DELETE FROM t WHERE id = 3");
    CHECK(last == 1);  // the last statement's count
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 2);
    CHECK(conn.query_value<std::string>("SELECT string_agg(name, ',' ORDER BY id) FROM t") == "one,TWO");
    CHECK(conn.transaction_status() == typq::transaction_status::idle);

    SECTION("a script that fails midway stops there and is rolled back as one implicit transaction")
    {
        REQUIRE_THROWS_AS(conn.execute("INSERT INTO t VALUES (9, 'nine'); SELECT 1/0; INSERT INTO t VALUES (10, 'ten')"),
            typq::division_by_zero);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t WHERE id >= 9") == 0);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
    }
}

TEST_CASE("a statement with arguments cannot hold several statements", "[core][execute]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4)");

    REQUIRE_THROWS_AS(conn.execute("INSERT INTO t VALUES ($1); INSERT INTO t VALUES (2)", 1), typq::syntax_error);
    REQUIRE_THROWS_WITH(conn.execute("INSERT INTO t VALUES ($1); INSERT INTO t VALUES (2)", 1),
        Catch::Contains("cannot insert multiple commands into a prepared statement"));
    try {
        conn.execute("INSERT INTO t VALUES ($1); INSERT INTO t VALUES (2)", 1);
        FAIL("two statements ran with arguments");
    }
    catch (const typq::server_error& e) {
        CHECK(e.sqlstate() == "42601");
    }
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 0);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
}

TEST_CASE("after a failed statement outside a transaction the connection keeps working", "[core][execute]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4 PRIMARY KEY)");
    conn.execute("INSERT INTO t VALUES (1)");

    SECTION("an error with arguments")
    {
        REQUIRE_THROWS_AS(conn.execute("INSERT INTO t VALUES ($1)", 1), typq::unique_violation);
    }
    SECTION("an error without arguments")
    {
        REQUIRE_THROWS_AS(conn.execute("INSERT INTO t VALUES (1)"), typq::unique_violation);
    }
    SECTION("an error in a query")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 1 / $1", 0), typq::division_by_zero);
    }
    SECTION("a syntax error")
    {
        REQUIRE_THROWS_AS(conn.execute("SELEC 1"), typq::syntax_error);
    }

    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(conn.execute("INSERT INTO t VALUES ($1)", 2) == 1);
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 2);
}

TEST_CASE("a COPY statement through execute throws usage_error and the connection still works", "[core][execute]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4)");
    conn.execute("INSERT INTO t VALUES (1), (2), (3)");

    SECTION("COPY FROM STDIN stores nothing")
    {
        REQUIRE_THROWS_AS(conn.execute("COPY t FROM STDIN"), typq::usage_error);
        REQUIRE_THROWS_WITH(conn.execute("COPY t FROM STDIN"), Catch::Contains("COPY"));
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 3);
    }
    SECTION("COPY TO STDOUT leaves no data behind")
    {
        REQUIRE_THROWS_AS(conn.execute("COPY t TO STDOUT"), typq::usage_error);
        REQUIRE_THROWS_WITH(conn.execute("COPY t TO STDOUT"), Catch::Contains("COPY"));
    }
    SECTION("COPY (SELECT ...) TO STDOUT through query")
    {
        REQUIRE_THROWS_AS((void)conn.query<std::int32_t>("COPY (SELECT id FROM t) TO STDOUT"), typq::usage_error);
        REQUIRE_THROWS_WITH((void)conn.query<std::int32_t>("COPY (SELECT id FROM t) TO STDOUT"), Catch::Contains("COPY"));
    }
    SECTION("COPY FROM STDIN through query")
    {
        REQUIRE_THROWS_AS((void)conn.query<std::int32_t>("COPY t FROM STDIN"), typq::usage_error);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 3);
    }

    REQUIRE(conn.state() == typq::connection_state::open);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41) == 42);
    CHECK(conn.execute("INSERT INTO t VALUES ($1)", 4) == 1);
    CHECK(conn.query_value<std::int64_t>("SELECT sum(id) FROM t") == 10);
}

}  // namespace core_execute_test
