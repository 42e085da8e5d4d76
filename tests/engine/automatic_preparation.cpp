// SPDX-License-Identifier: BSL-1.0
// tests/engine/automatic_preparation.cpp: connection_options' prepare_threshold and
// statement_cache_size: a statement text (with its parameter types) is prepared on the run after
// `threshold` unprepared runs; scripts never are; the cache keeps the most recently used ones and
// deallocates the others; DDL and DISCARD ALL / DEALLOCATE ALL behind the cache's back.

#include "engine_checks.hpp"

#include <cstddef>   // std::size_t
#include <cstdint>   // std::int32_t, std::int64_t
#include <optional>  // prepare_threshold
#include <string>    // statement texts
#include <tuple>     // rows by position

namespace engine_automatic_preparation_test {

enum class mood { sad, ok, happy };

struct item {
    std::int32_t id;
    std::string name;
    friend bool operator==(const item&, const item&) = default;
};

struct wide_item {
    std::int32_t id;
    std::string name;
    std::int32_t extra;
    friend bool operator==(const wide_item&, const wide_item&) = default;
};

struct bounds {
    std::int64_t lo;
    std::int64_t hi;
};

// The text of statement number `k`: `SELECT $1::int4 + k`.
std::string adds(int k)
{
    return "SELECT $1::int4 + " + std::to_string(k);
}

// Runs statement number `k` (adds(k)) with 1000, checking its value.
void run_adds(typq::connection& conn, int k)
{
    CHECK(conn.query_value<std::int32_t>(typq::runtime(adds(k)), 1000) == 1000 + k);
}

}  // namespace engine_automatic_preparation_test

template <>
struct typq::type<engine_automatic_preparation_test::mood>
    : typq::enum_type<engine_automatic_preparation_test::mood, "mood"> {};

using Catch::Contains;
using engine_automatic_preparation_test::adds;
using engine_automatic_preparation_test::bounds;
using engine_automatic_preparation_test::item;
using engine_automatic_preparation_test::mood;
using engine_automatic_preparation_test::run_adds;
using engine_automatic_preparation_test::wide_item;
using engine_test::prepared_runs;
using engine_test::prepared_statements;

TEST_CASE("a statement is prepared on its run after prepare_threshold unprepared runs", "[engine][automatic_preparation]")
{
    const auto threshold = GENERATE(as<std::size_t>{}, 0, 1, 2, 5);
    CAPTURE(threshold);
    auto conn = typq_test::connect({.prepare_threshold = threshold});
    constexpr const char* text = "SELECT $1::int4 * 3";

    for (std::size_t run = 1; run <= threshold; ++run) {
        CAPTURE(run);
        const auto v = static_cast<std::int32_t>(run);
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 * 3", v) == 3 * v);
        CHECK(prepared_statements(conn) == 0);
    }
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 * 3", 100) == 300);
    CHECK(prepared_statements(conn) == 1);
    CHECK(prepared_statements(conn, text) == 1);
    CHECK(prepared_runs(conn, text) == 1);

    // Later runs execute that statement: no other is prepared.
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 * 3", -7) == -21);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 * 3", 0) == 0);
    CHECK(prepared_statements(conn) == 1);
    CHECK(prepared_runs(conn, text) == 3);
}

TEST_CASE("the default prepare_threshold is 5", "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect();
    for (int run = 1; run <= 5; ++run)
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 - 1", run) == run - 1);
    CHECK(prepared_statements(conn) == 0);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 - 1", 6) == 5);
    CHECK(prepared_statements(conn, "SELECT $1::int4 - 1") == 1);
}

TEST_CASE("prepare_threshold std::nullopt never prepares a statement", "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect({.prepare_threshold = std::nullopt});
    conn.execute("CREATE TEMP TABLE t (id int4)");
    for (int run = 1; run <= 20; ++run) {
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 * 2", run) == 2 * run);
        CHECK(conn.query_value<std::int32_t>("SELECT 7") == 7);
        CHECK(conn.execute("INSERT INTO t VALUES ($1)", run) == 1);
    }
    CHECK(conn.query_value<std::int64_t>("SELECT sum(id) FROM t") == 210);
    CHECK(prepared_statements(conn) == 0);
}

TEST_CASE("scripts are never prepared, but a statement without arguments read by query is", "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect({.prepare_threshold = 0});
    conn.execute("CREATE TEMP TABLE t (id int4)");
    for (int run = 1; run <= 3; ++run)
        CHECK(conn.execute("INSERT INTO t VALUES (1)") == 1);
    CHECK(conn.execute("INSERT INTO t VALUES (2); INSERT INTO t VALUES (3)") == 1);
    CHECK(prepared_statements(conn) == 0);

    CHECK(conn.execute("INSERT INTO t VALUES ($1)", 4) == 1);
    CHECK(prepared_statements(conn, "INSERT INTO t VALUES ($1)") == 1);
    CHECK(conn.query_value<std::int64_t>("SELECT sum(id) FROM t") == 12);
    CHECK(prepared_statements(conn, "SELECT sum(id) FROM t") == 1);
    CHECK(prepared_statements(conn) == 2);
}

TEST_CASE("the same text with other parameter types is another statement", "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect({.prepare_threshold = 1});
    constexpr const char* text = "SELECT $1::text";
    CHECK(conn.query_value<std::string>("SELECT $1::text", std::int32_t{1}) == "1");
    CHECK(conn.query_value<std::string>("SELECT $1::text", std::int64_t{2}) == "2");
    CHECK(prepared_statements(conn) == 0);  // each has run once

    CHECK(conn.query_value<std::string>("SELECT $1::text", std::int32_t{3}) == "3");
    CHECK(prepared_statements(conn, text) == 1);
    CHECK(conn.execute("SELECT FROM pg_prepared_statements WHERE parameter_types::text = '{integer}'") == 1);

    CHECK(conn.query_value<std::string>("SELECT $1::text", std::int64_t{4000000000}) == "4000000000");
    CHECK(prepared_statements(conn, text) == 2);
    CHECK(conn.execute("SELECT FROM pg_prepared_statements WHERE parameter_types::text = '{bigint}'") == 1);

    CHECK(conn.query_value<std::string>("SELECT $1::text", std::int32_t{5}) == "5");
    CHECK(conn.query_value<std::string>("SELECT $1::text", std::int64_t{6}) == "6");
    CHECK(prepared_statements(conn, text) == 2);
    CHECK(prepared_runs(conn, text) == 4);
}

TEST_CASE("a string literal and a typq::runtime of the same text are one statement", "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect({.prepare_threshold = 1});
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 7", 1) == 8);
    CHECK(conn.query_value<std::int32_t>(typq::runtime("SELECT $1::int4 + 7"), 2) == 9);
    CHECK(prepared_statements(conn, "SELECT $1::int4 + 7") == 1);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 7", 3) == 10);
    CHECK(conn.query_value<std::int32_t>(typq::runtime("SELECT $1::int4 + 7"), 4) == 11);
    CHECK(prepared_statements(conn) == 1);
    CHECK(prepared_runs(conn, "SELECT $1::int4 + 7") == 3);
}

TEST_CASE("statements with :name placeholders are prepared with them rewritten", "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect({.prepare_threshold = 1});
    CHECK(conn.query_value<std::int64_t>("SELECT :hi - :lo", bounds{1, 10}) == 9);
    CHECK(prepared_statements(conn) == 0);
    CHECK(conn.query_value<std::int64_t>("SELECT :hi - :lo", bounds{5, 7}) == 2);
    CHECK(prepared_statements(conn, "SELECT $1 - $2") == 1);
    CHECK(conn.query_value<std::int64_t>("SELECT :hi - :lo", bounds{7, 5}) == -2);
    CHECK(prepared_runs(conn, "SELECT $1 - $2") == 2);
}

TEST_CASE("a prepared statement's rows are read right for every row type", "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect({.prepare_threshold = 0});
    conn.execute("CREATE TEMP TABLE t (id int4 PRIMARY KEY, name text NOT NULL)");
    conn.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
    using pair = std::tuple<std::int32_t, std::string>;
    for (int round = 0; round < 3; ++round) {
        CHECK(conn.query_one<item>("SELECT id, name FROM t WHERE id = $1", 1) == item{1, "one"});
        CHECK(conn.query_one<pair>("SELECT id, name FROM t WHERE id = $1", 2) == pair(2, "two"));
        CHECK(conn.query_opt<typq::by_position<item>>("SELECT id, name FROM t WHERE id = $1", 3) == std::nullopt);
        CHECK(conn.execute("SELECT id, name FROM t WHERE id = $1", 2) == 1);
    }
    CHECK(prepared_statements(conn, "SELECT id, name FROM t WHERE id = $1") == 1);
    CHECK(prepared_runs(conn, "SELECT id, name FROM t WHERE id = $1") == 12);
    for (int round = 0; round < 2; ++round) {
        REQUIRE_THROWS_AS((void)conn.query_one<std::tuple<std::int32_t>>("SELECT id, name FROM t WHERE id = $1", 1),
            typq::conversion_error);
        CHECK(conn.query_one<item>("SELECT id, name FROM t WHERE id = $1", 1) == item{1, "one"});
    }
    CHECK(prepared_statements(conn, "SELECT id, name FROM t WHERE id = $1") == 1);
}

TEST_CASE("one prepared statement is read right in text and in binary results", "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect({.prepare_threshold = 0});
    using texts = std::tuple<std::string, std::string>;
    using values = std::tuple<std::int32_t, std::string>;
    for (int round = 1; round <= 3; ++round) {
        CAPTURE(round);
        CHECK(conn.query_value<std::string>(typq::text_results, "SELECT $1::int4 * 2", round) == std::to_string(2 * round));
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 * 2", round) == 2 * round);
        REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1::int4 * 2", round), typq::conversion_error);
        CHECK(conn.query_one<texts>(typq::text_results, "SELECT $1::int4 * 3, 'x'", round)
            == texts(std::to_string(3 * round), "x"));
        CHECK(conn.query_one<values>("SELECT $1::int4 * 3, 'x'", round) == values(3 * round, "x"));
    }
    CHECK(prepared_statements(conn, "SELECT $1::int4 * 2") == 1);
    CHECK(prepared_statements(conn, "SELECT $1::int4 * 3, 'x'") == 1);
}

TEST_CASE("the statement cache keeps the most recently used statements and deallocates the others",
    "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect({.prepare_threshold = 0, .statement_cache_size = 2});
    const auto held = [&](int k) { return prepared_statements(conn, adds(k)); };

    run_adds(conn, 1);
    run_adds(conn, 2);
    CHECK(prepared_statements(conn) == 2);
    CHECK(held(1) == 1);
    CHECK(held(2) == 1);

    run_adds(conn, 3);  // 1 is the least recently used
    CHECK(prepared_statements(conn) == 2);
    CHECK(held(1) == 0);
    CHECK(held(2) == 1);
    CHECK(held(3) == 1);

    run_adds(conn, 2);  // 2 is now more recent than 3
    run_adds(conn, 4);
    CHECK(prepared_statements(conn) == 2);
    CHECK(held(2) == 1);
    CHECK(held(3) == 0);
    CHECK(held(4) == 1);
    CHECK(prepared_runs(conn, adds(2)) == 2);  // run again as the statement it was, not prepared again

    SECTION("inside a transaction block an evicted statement is deallocated after the block")
    {
        typq::transaction tx(conn);
        run_adds(conn, 5);
        CHECK(prepared_statements(conn) == 3);
        CHECK(held(2) == 1);
        tx.commit();
        CHECK(prepared_statements(conn) == 2);
        CHECK(held(2) == 0);
        CHECK(held(4) == 1);
        CHECK(held(5) == 1);
    }
    SECTION("an evicted statement is prepared again when it runs again")
    {
        run_adds(conn, 1);
        CHECK(held(1) == 1);
        CHECK(held(2) == 0);
        CHECK(prepared_statements(conn) == 2);
    }
}

TEST_CASE("as many statement texts as the cache holds are counted towards prepare_threshold",
    "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect({.prepare_threshold = 1, .statement_cache_size = 2});
    run_adds(conn, 1);
    run_adds(conn, 2);
    run_adds(conn, 3);  // the count of 1 is forgotten
    run_adds(conn, 1);
    CHECK(prepared_statements(conn) == 0);
    run_adds(conn, 1);
    CHECK(prepared_statements(conn) == 1);
    CHECK(prepared_statements(conn, adds(1)) == 1);
}

TEST_CASE("a statement the server cannot prepare is not cached, and fails the same way each time",
    "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect({.prepare_threshold = 0});
    for (int run = 0; run < 3; ++run) {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT $1::int4 + typq_no_such_column", 1),
            typq::undefined_column);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>("SELECT $1::int4 + typq_no_such_column", 1),
            Contains("typq_no_such_column"));
    }
    CHECK(prepared_statements(conn) == 0);
    engine_test::check_idle_and_usable(conn);

    SECTION("inside a transaction block the error aborts it as any failing statement does")
    {
        typq::transaction tx(conn);
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT $1::int4 + typq_no_such_column", 1),
            typq::undefined_column);
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
        tx.rollback();
        engine_test::check_idle_and_usable(conn);
    }
}

TEST_CASE("DDL that changes a cached statement's result columns: retried outside a transaction block, "
          "reported inside one",
    "[engine][automatic_preparation]")
{
    const auto threshold = GENERATE(as<std::size_t>{}, 0, 2);
    CAPTURE(threshold);
    auto conn = typq_test::connect({.prepare_threshold = threshold});
    constexpr const char* text = "SELECT * FROM t WHERE id = $1";
    conn.execute("CREATE TEMP TABLE t (id int4 PRIMARY KEY, name text NOT NULL)");
    conn.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
    for (std::size_t run = 0; run <= threshold; ++run)
        CHECK(conn.query_one<item>("SELECT * FROM t WHERE id = $1", 1) == item{1, "one"});
    REQUIRE(prepared_statements(conn, text) == 1);
    conn.execute("ALTER TABLE t ADD COLUMN extra int4 NOT NULL DEFAULT 7");

    SECTION("outside a transaction block the run is retried, transparently")
    {
        CHECK(conn.query_one<wide_item>("SELECT * FROM t WHERE id = $1", 2) == wide_item{2, "two", 7});
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(prepared_statements(conn, text) == 1);  // prepared again; the stale one deallocated
        CHECK(conn.query_one<wide_item>("SELECT * FROM t WHERE id = $1", 1) == wide_item{1, "one", 7});
    }
    SECTION("outside a transaction block the retried run's columns must fit the row type")
    {
        REQUIRE_THROWS_AS((void)conn.query_one<item>("SELECT * FROM t WHERE id = $1", 2), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<item>("SELECT * FROM t WHERE id = $1", 2), Contains("\"extra\""));
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(conn.query_one<wide_item>("SELECT * FROM t WHERE id = $1", 2) == wide_item{2, "two", 7});
    }
    SECTION("execute is retried too")
    {
        CHECK(conn.execute("SELECT * FROM t WHERE id = $1", 1) == 1);
        CHECK(conn.query_one<wide_item>("SELECT * FROM t WHERE id = $1", 2) == wide_item{2, "two", 7});
    }
    SECTION("inside a transaction block the server's error reaches the caller; then it runs again")
    {
        {
            typq::transaction tx(conn);
            const auto thrown =
                typq_test::thrown_by([&] { (void)conn.query_one<wide_item>("SELECT * FROM t WHERE id = $1", 2); });
            REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::feature_not_supported);
            REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Contains("cached plan must not change result type"));
            CHECK(conn.transaction_status() == typq::transaction_status::in_error);
        }
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        {
            typq::transaction tx(conn);
            CHECK(conn.query_one<wide_item>("SELECT * FROM t WHERE id = $1", 2) == wide_item{2, "two", 7});
            CHECK(conn.query_one<wide_item>("SELECT * FROM t WHERE id = $1", 1) == wide_item{1, "one", 7});
            tx.commit();
        }
        CHECK(conn.query_one<wide_item>("SELECT * FROM t WHERE id = $1", 2) == wide_item{2, "two", 7});
        CHECK(prepared_statements(conn, text) == 1);
    }
}

TEST_CASE("after DISCARD ALL or DEALLOCATE ALL run by the program, cached statements are prepared again",
    "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect({.prepare_threshold = 0});
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 10", 1) == 11);
    CHECK(conn.query_value<std::string>("SELECT $1::text || '!'", "a") == "a!");
    REQUIRE(prepared_statements(conn) == 2);

    const auto command = GENERATE(as<std::string>{}, "DISCARD ALL", "DEALLOCATE ALL", "deallocate prepare all",
        "SELECT 1; DEALLOCATE ALL; SELECT 2");
    CAPTURE(command);
    conn.execute(typq::runtime(command));
    CHECK(prepared_statements(conn) == 0);

    SECTION("outside a transaction block")
    {
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 10", 2) == 12);
        CHECK(conn.query_value<std::string>("SELECT $1::text || '!'", "b") == "b!");
        CHECK(prepared_statements(conn) == 2);
    }
    SECTION("inside a transaction block, without aborting it")
    {
        typq::transaction tx(conn);
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 10", 3) == 13);
        CHECK(conn.query_value<std::string>("SELECT $1::text || '!'", "c") == "c!");
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        tx.commit();
        CHECK(prepared_statements(conn) == 2);
    }
    engine_test::check_idle_and_usable(conn);
}

// typq cannot tell a statement deallocated behind its back from a server connection that changed
// under it (a pooler in transaction mode: tests/deployment): either way its prepared statements
// cannot be relied on, so the statement runs once more unprepared, and nothing is prepared after.
TEST_CASE("a cached statement deallocated by name behind typq's back runs unprepared, and the connection prepares "
          "nothing more", "[engine][automatic_preparation]")
{
    auto conn = typq_test::connect({.prepare_threshold = 0});
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 20", 1) == 21);
    const auto name = conn.query_value<std::string>("SELECT name FROM pg_prepared_statements WHERE statement = $1",
        "SELECT $1::int4 + 20");
    conn.execute(typq::runtime("DEALLOCATE " + name));
    CHECK(prepared_statements(conn, "SELECT $1::int4 + 20") == 0);

    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 20", 2) == 22);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 20", 3) == 23);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 30", 3) == 33);
    CHECK(prepared_statements(conn, "SELECT $1::int4 + 20") == 0);
    CHECK(prepared_statements(conn, "SELECT $1::int4 + 30") == 0);
}

TEST_CASE("statements with server-defined types the connection has not looked up are prepared and read right",
    "[engine][automatic_preparation]")
{
    const auto threshold = GENERATE(as<std::size_t>{}, 0, 1);
    CAPTURE(threshold);
    auto conn = typq_test::connect({.prepare_threshold = threshold});
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy')");
    using row = std::tuple<mood, std::string>;
    for (int round = 0; round < 3; ++round) {
        CAPTURE(round);
        CHECK(conn.query_one<row>("SELECT 'happy'::mood, $1::text", "a") == row(mood::happy, "a"));
        CHECK(conn.query_value<std::string>("SELECT $1::text", mood::ok) == "ok");
        CHECK(conn.query_value<mood>("SELECT $1", mood::sad) == mood::sad);
    }
    CHECK(prepared_statements(conn, "SELECT 'happy'::mood, $1::text") == 1);
    CHECK(prepared_statements(conn, "SELECT $1::text") == 1);
    CHECK(prepared_statements(conn, "SELECT $1") == 1);
}
