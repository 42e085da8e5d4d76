// SPDX-License-Identifier: BSL-1.0
// tests/engine/execute_many.cpp: connection::execute_many: rows of structs bound by :name and of
// tuples bound by $N, the total of rows affected, one prepared statement, atomicity outside and
// inside a transaction block (a failing run, a row that cannot be encoded), empty and long ranges.

#include "engine_checks.hpp"

#include <cstddef>   // std::size_t
#include <cstdint>   // std::int32_t, std::int64_t, std::uint64_t
#include <list>      // a range that is not a vector
#include <optional>  // NULL fields
#include <string>    // text fields
#include <tuple>     // rows bound by position
#include <vector>    // rows

namespace engine_execute_many_test {

enum class mood { sad, ok, happy };

struct diary_entry {
    std::int32_t day;
    mood today;
};

struct item {
    std::int32_t id;
    std::string name;
    std::optional<std::int64_t> amount;
    friend bool operator==(const item&, const item&) = default;
};

struct range_bump {
    std::int32_t lo;
    std::int32_t hi;
};

// A connection with the temporary table t (id int4 PRIMARY KEY, name text, amount int8).
typq::connection connect_with_table(const typq::connection_options& options = {})
{
    auto conn = typq_test::connect(options);
    conn.execute("CREATE TEMP TABLE t (id int4 PRIMARY KEY, name text NOT NULL, amount int8)");
    return conn;
}

std::vector<item> items(typq::connection& conn)
{
    const auto rows = conn.query<item>("SELECT id, name, amount FROM t ORDER BY id");
    return {rows.begin(), rows.end()};
}

std::int64_t count(typq::connection& conn)
{
    return conn.query_value<std::int64_t>("SELECT count(*) FROM t");
}

// `n` rows with ids 1..n.
std::vector<item> numbered(std::int32_t n)
{
    std::vector<item> rows;
    for (std::int32_t i = 1; i <= n; ++i)
        rows.push_back(item{i, "item " + std::to_string(i), i % 3 == 0 ? std::nullopt : std::optional<std::int64_t>(i * 10)});
    return rows;
}

}  // namespace engine_execute_many_test

template <>
struct typq::type<engine_execute_many_test::mood> : typq::enum_type<engine_execute_many_test::mood, "mood"> {};

namespace engine_execute_many_test {

using Catch::Contains;
using engine_test::prepared_statements;

TEST_CASE("execute_many binds the fields of structs by :name", "[engine][execute_many]")
{
    auto conn = engine_execute_many_test::connect_with_table();
    const std::vector<item> rows = {{1, "one", 10}, {2, "two", std::nullopt}, {3, "thrée", -5}};
    CHECK(conn.execute_many("INSERT INTO t (amount, id, name) VALUES (:amount, :id, :name)", rows) == 3);
    CHECK(items(conn) == rows);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
}

TEST_CASE("execute_many binds the elements of tuples by $N", "[engine][execute_many]")
{
    auto conn = engine_execute_many_test::connect_with_table();
    using row = std::tuple<std::int32_t, std::string, std::optional<std::int64_t>>;
    const std::vector<row> rows = {{1, "one", 10}, {2, "two", std::nullopt}, {3, "three", 30}};
    CHECK(conn.execute_many("INSERT INTO t VALUES ($1, $2, $3)", rows) == 3);
    CHECK(items(conn) == std::vector<item>{{1, "one", 10}, {2, "two", std::nullopt}, {3, "three", 30}});

    SECTION("elements in another order than the placeholders")
    {
        const std::vector<std::tuple<std::string, std::int32_t>> renames = {{"uno", 1}, {"tres", 3}};
        CHECK(conn.execute_many("UPDATE t SET name = $1 WHERE id = $2", renames) == 2);
        CHECK(conn.query_value<std::string>("SELECT string_agg(name, ',' ORDER BY id) FROM t") == "uno,two,tres");
    }
    SECTION("any range: a std::list")
    {
        const std::list<std::tuple<std::int32_t>> gone = {{1}, {3}, {99}};
        CHECK(conn.execute_many("DELETE FROM t WHERE id = $1", gone) == 2);
        CHECK(count(conn) == 1);
    }
}

TEST_CASE("execute_many returns the total of rows every run affected", "[engine][execute_many]")
{
    auto conn = engine_execute_many_test::connect_with_table();
    REQUIRE(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", numbered(10)) == 10);
    const std::vector<range_bump> bumps = {{1, 4}, {3, 3}, {8, 20}, {50, 60}};
    // 4 + 1 + 3 + 0 rows.
    CHECK(conn.execute_many("UPDATE t SET name = name || '+' WHERE id BETWEEN :lo AND :hi", bumps) == 8);
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t WHERE name LIKE '%+'") == 7);
    CHECK(conn.query_value<std::string>("SELECT name FROM t WHERE id = 3") == "item 3++");
}

TEST_CASE("execute_many with an empty range runs nothing and returns 0", "[engine][execute_many]")
{
    auto conn = engine_execute_many_test::connect_with_table({.prepare_threshold = std::nullopt});
    CHECK(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", std::vector<item>{}) == 0);
    CHECK(conn.execute_many("INSERT INTO t VALUES ($1, $2, NULL)", std::vector<std::tuple<std::int32_t, std::string>>{})
        == 0);
    CHECK(count(conn) == 0);
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("execute_many runs one prepared statement", "[engine][execute_many]")
{
    auto conn = engine_execute_many_test::connect_with_table();
    constexpr const char* text = "INSERT INTO t VALUES ($1, $2, $3)";
    CHECK(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", numbered(50)) == 50);
    CHECK(prepared_statements(conn) == 1);
    CHECK(prepared_statements(conn, text) == 1);
    CHECK(engine_test::prepared_runs(conn, text) == 50);

    // Run again, it is the same statement.
    conn.execute("DELETE FROM t");
    CHECK(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", numbered(5)) == 5);
    CHECK(prepared_statements(conn, text) == 1);
    CHECK(engine_test::prepared_runs(conn, text) == 55);
}

TEST_CASE("execute_many of 20,000 rows", "[engine][execute_many]")
{
    auto conn = engine_execute_many_test::connect_with_table();
    const auto rows = numbered(20000);
    CHECK(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", rows) == 20000);
    CHECK(count(conn) == 20000);
    CHECK(conn.query_value<std::int64_t>("SELECT sum(id) FROM t") == 200010000);
    CHECK(conn.query_value<std::int64_t>("SELECT count(amount) FROM t") == 20000 - 20000 / 3);
    CHECK(conn.query_one<item>("SELECT id, name, amount FROM t WHERE id = $1", 19999) == rows[19998]);
}

TEST_CASE("execute_many is atomic: a failing run leaves none of the rows", "[engine][execute_many]")
{
    auto conn = engine_execute_many_test::connect_with_table();
    auto rows = numbered(1000);
    rows[499].id = 1;  // row 500 repeats row 1's key

    SECTION("outside a transaction block")
    {
        const auto thrown =
            typq_test::thrown_by([&] { conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", rows); });
        REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::unique_violation);
        REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Contains("duplicate key"));
        CHECK(count(conn) == 0);
        engine_test::check_idle_and_usable(conn);

        // The next batch goes in.
        rows[499].id = 500;
        CHECK(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", rows) == 1000);
        CHECK(count(conn) == 1000);
    }
    SECTION("inside a transaction block the error aborts the transaction")
    {
        typq::transaction tx(conn);
        conn.execute("INSERT INTO t VALUES ($1, $2, NULL)", 5000, "before");
        REQUIRE_THROWS_AS(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", rows), typq::unique_violation);
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
        REQUIRE_THROWS_AS(conn.execute("SELECT 1"), typq::in_failed_sql_transaction);
        tx.rollback();
        CHECK(count(conn) == 0);
        engine_test::check_idle_and_usable(conn);
    }
    SECTION("a failure in the first row")
    {
        conn.execute("INSERT INTO t VALUES (1, 'there', NULL)");
        REQUIRE_THROWS_AS(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", numbered(3)),
            typq::unique_violation);
        CHECK(items(conn) == std::vector<item>{{1, "there", std::nullopt}});
    }
    SECTION("a failure in the last row")
    {
        rows[499].id = 500;
        rows[999].id = 2;
        REQUIRE_THROWS_AS(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", rows), typq::unique_violation);
        CHECK(count(conn) == 0);
    }
}

TEST_CASE("execute_many is atomic: a row that cannot be encoded leaves none of the rows", "[engine][execute_many]")
{
    auto conn = engine_execute_many_test::connect_with_table();
    auto rows = numbered(1000);
    rows[499].name = std::string("nul\0inside", 10);

    SECTION("outside a transaction block")
    {
        const auto thrown =
            typq_test::thrown_by([&] { conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", rows); });
        REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Contains("NUL"));
        CHECK(count(conn) == 0);
        engine_test::check_idle_and_usable(conn);
    }
    SECTION("in the first row")
    {
        rows[0].name = rows[499].name;
        REQUIRE_THROWS_AS(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", rows), typq::conversion_error);
        CHECK(count(conn) == 0);
        engine_test::check_idle_and_usable(conn);
    }
    SECTION("in tuples")
    {
        const std::vector<std::tuple<std::int32_t, std::string>> tuples = {{1, "fine"}, {2, std::string("a\0b", 3)}};
        REQUIRE_THROWS_AS(conn.execute_many("INSERT INTO t VALUES ($1, $2, NULL)", tuples), typq::conversion_error);
        CHECK(count(conn) == 0);
    }
    SECTION("inside a transaction block the transaction is aborted")
    {
        typq::transaction tx(conn);
        REQUIRE_THROWS_AS(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", rows), typq::conversion_error);
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
        tx.rollback();
        CHECK(count(conn) == 0);
        engine_test::check_idle_and_usable(conn);
    }
}

TEST_CASE("execute_many reports a statement the server rejects", "[engine][execute_many]")
{
    auto conn = engine_execute_many_test::connect_with_table();
    SECTION("a missing column")
    {
        const std::vector<std::tuple<std::int32_t, std::string>> rows = {{1, "a"}, {2, "b"}};
        const auto thrown = typq_test::thrown_by(
            [&] { conn.execute_many("INSERT INTO t (id, typq_no_such_column) VALUES ($1, $2)", rows); });
        REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::undefined_column);
        REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Contains("typq_no_such_column"));
    }
    SECTION("an error in the statement's execution")
    {
        const std::vector<std::tuple<std::int32_t>> zero = {{1}, {0}, {2}};
        REQUIRE_THROWS_AS(conn.execute_many("INSERT INTO t VALUES (10 / $1, 'x', NULL)", zero), typq::division_by_zero);
    }
    CHECK(count(conn) == 0);
    CHECK(prepared_statements(conn, "INSERT INTO t (id, typq_no_such_column) VALUES ($1, $2)") == 0);
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("execute_many after DDL changed its cached statement's result columns", "[engine][execute_many]")
{
    auto conn = engine_execute_many_test::connect_with_table();
    using row = std::tuple<std::int32_t, std::string>;
    CHECK(conn.execute_many("INSERT INTO t (id, name) VALUES ($1, $2) RETURNING *", std::vector<row>{{1, "a"}, {2, "b"}})
        == 2);
    conn.execute("ALTER TABLE t ADD COLUMN extra int4 NOT NULL DEFAULT 7");

    SECTION("outside a transaction block it is prepared again, transparently")
    {
        CHECK(conn.execute_many("INSERT INTO t (id, name) VALUES ($1, $2) RETURNING *", std::vector<row>{{3, "c"}, {4, "d"}})
            == 2);
        CHECK(count(conn) == 4);
    }
    SECTION("inside a transaction block the server's error reaches the caller; then it works again")
    {
        {
            typq::transaction tx(conn);
            REQUIRE_THROWS_AS(conn.execute_many("INSERT INTO t (id, name) VALUES ($1, $2) RETURNING *",
                                  std::vector<row>{{3, "c"}, {4, "d"}}),
                typq::feature_not_supported);
        }
        CHECK(conn.execute_many("INSERT INTO t (id, name) VALUES ($1, $2) RETURNING *", std::vector<row>{{3, "c"}, {4, "d"}})
            == 2);
        CHECK(count(conn) == 4);
    }
    CHECK(conn.query_value<std::int64_t>("SELECT sum(extra) FROM t") == 28);
}

TEST_CASE("execute_many with automatic preparation turned off", "[engine][execute_many]")
{
    auto conn = engine_execute_many_test::connect_with_table({.prepare_threshold = std::nullopt});
    CHECK(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", numbered(100)) == 100);
    CHECK(count(conn) == 100);
    auto rows = numbered(10);
    for (auto& row : rows)
        row.id += 1000;
    rows[5].id = 1;
    REQUIRE_THROWS_AS(conn.execute_many("INSERT INTO t VALUES (:id, :name, :amount)", rows), typq::unique_violation);
    CHECK(count(conn) == 100);
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("execute_many binds server-defined types the connection has not looked up", "[engine][execute_many]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy');"
                 "CREATE TEMP TABLE diary (day int4 PRIMARY KEY, today mood NOT NULL)");
    const std::vector<diary_entry> entries = {{1, mood::ok}, {2, mood::happy}, {3, mood::sad}};
    CHECK(conn.execute_many("INSERT INTO diary VALUES (:day, :today)", entries) == 3);
    CHECK(conn.query_value<std::string>("SELECT string_agg(today::text, ',' ORDER BY day) FROM diary") == "ok,happy,sad");

    SECTION("in tuples")
    {
        const std::vector<std::tuple<mood, std::int32_t>> moods = {{mood::sad, 1}, {mood::sad, 2}};
        CHECK(conn.execute_many("UPDATE diary SET today = $1 WHERE day = $2", moods) == 2);
        CHECK(conn.query_value<std::string>("SELECT string_agg(today::text, ',' ORDER BY day) FROM diary") == "sad,sad,sad");
    }
}

}  // namespace engine_execute_many_test
