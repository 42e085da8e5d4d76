// SPDX-License-Identifier: BSL-1.0
// tests/engine/prepared.cpp: typq::prepared, made by connection::prepare: running it in place of
// the SQL, its name and text on the server, errors at prepare and at first use, copies sharing
// one server statement that is deallocated after the last of them, and DDL that changes its
// result columns (retried outside a transaction block, reported inside one).

#include "engine_checks.hpp"

#include <cstdint>   // std::int16_t, std::int32_t, std::int64_t
#include <optional>  // copies dropped one at a time
#include <string>    // names, texts
#include <tuple>     // rows by position
#include <utility>   // std::move

namespace engine_prepared_test {

enum class mood { sad, ok, happy };

struct item {
    std::int64_t id;
    std::string name;
    friend bool operator==(const item&, const item&) = default;
};

// The rows of `t` after `ALTER TABLE t ADD COLUMN extra ...`.
struct wide_item {
    std::int64_t id;
    std::string name;
    std::int32_t extra;
    friend bool operator==(const wide_item&, const wide_item&) = default;
};

// A field no column is named after.
struct titled_item {
    std::int64_t id;
    std::string title;
};

struct bounds {
    std::int64_t lo;
    std::int64_t hi;
};

// A connection with the temporary table t (id int8, name text): rows 1 "one", 2 "two", 3 "three".
typq::connection connect_with_items(const typq::connection_options& options = {})
{
    auto conn = typq_test::connect(options);
    conn.execute("CREATE TEMP TABLE t (id int8 PRIMARY KEY, name text NOT NULL)");
    conn.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    return conn;
}

}  // namespace engine_prepared_test

template <>
struct typq::type<engine_prepared_test::mood> : typq::enum_type<engine_prepared_test::mood, "mood"> {};

namespace engine_prepared_test {

using Catch::Contains;
using engine_test::prepared_statements;
using engine_test::prepared_statements_named;

TEST_CASE("a prepared statement runs in place of the SQL in every form of execute and query", "[engine][prepared]")
{
    auto conn = engine_prepared_test::connect_with_items();
    const auto by_id = conn.prepare<std::int64_t>("SELECT id, name FROM t WHERE id = $1");

    SECTION("query_one, with an int argument converted to the declared int8")
    {
        CHECK(conn.query_one<item>(by_id, 2) == item{2, "two"});
        CHECK(conn.query_one<item>(by_id, std::int64_t{3}) == item{3, "three"});
        REQUIRE_THROWS_AS((void)conn.query_one<item>(by_id, 99), typq::no_rows);
    }
    SECTION("query")
    {
        const auto from = conn.prepare<std::int64_t>("SELECT id, name FROM t WHERE id >= $1 ORDER BY id");
        const auto rows = conn.query<item>(from, 2);
        REQUIRE(rows.size() == 2);
        CHECK(rows[0] == item{2, "two"});
        CHECK(rows[1] == item{3, "three"});
        CHECK(conn.query<item>(from, 4).empty());
        CHECK(conn.query<std::tuple<std::int64_t, std::string>>(from, 3).size() == 1);
    }
    SECTION("query_opt")
    {
        CHECK(conn.query_opt<item>(by_id, 1) == item{1, "one"});
        CHECK(conn.query_opt<item>(by_id, 99) == std::nullopt);
    }
    SECTION("query_value")
    {
        const auto name_of = conn.prepare<std::int64_t>("SELECT name FROM t WHERE id = $1");
        CHECK(conn.query_value<std::string>(name_of, 3) == "three");
        CHECK(conn.query_value<std::string>(name_of, 1) == "one");
    }
    SECTION("execute returns the rows affected")
    {
        const auto insert = conn.prepare<std::int64_t, std::string>("INSERT INTO t VALUES ($1, $2)");
        CHECK(conn.execute(insert, 4, "four") == 1);
        CHECK(conn.execute(insert, std::int16_t{5}, std::string("five")) == 1);
        const auto rename = conn.prepare<std::int64_t>("UPDATE t SET name = upper(name) WHERE id > $1");
        CHECK(conn.execute(rename, 2) == 3);
        CHECK(conn.query_value<std::string>("SELECT string_agg(name, ',' ORDER BY id) FROM t") == "one,two,THREE,FOUR,FIVE");
    }
    SECTION("the parameters have the declared types, whatever the arguments' types")
    {
        const auto types = conn.prepare<std::int64_t, std::int16_t, double>(
            "SELECT pg_typeof($1)::text || ',' || pg_typeof($2)::text || ',' || pg_typeof($3)::text || ',' || $3::text");
        CHECK(conn.query_value<std::string>(types, 1, 2, 3) == "bigint,smallint,double precision,3");
        CHECK(conn.query_value<std::string>(types, std::int16_t{1}, 2, 0.5F) == "bigint,smallint,double precision,0.5");
    }
}

TEST_CASE("a prepared statement is known to the server by its name, with its text", "[engine][prepared]")
{
    auto conn = typq_test::connect({.prepare_threshold = std::nullopt});
    const auto plus_one = conn.prepare<std::int32_t>("SELECT $1 + 1");
    REQUIRE_FALSE(plus_one.name().empty());
    CHECK(plus_one.text() == "SELECT $1 + 1");
    CHECK(prepared_statements(conn) == 1);
    CHECK(conn.query_value<std::string>("SELECT statement FROM pg_prepared_statements WHERE name = $1", plus_one.name())
        == "SELECT $1 + 1");
    CHECK(conn.query_value<std::string>("SELECT parameter_types::text FROM pg_prepared_statements WHERE name = $1",
              plus_one.name())
        == "{integer}");
    CHECK_FALSE(conn.query_value<bool>("SELECT from_sql FROM pg_prepared_statements WHERE name = $1", plus_one.name()));

    SECTION("each run executes the server's statement, which is not parsed or described again")
    {
        CHECK(engine_test::prepared_runs(conn, "SELECT $1 + 1") == 0);
        CHECK(conn.query_value<std::int32_t>(plus_one, 41) == 42);
        CHECK(conn.query_value<std::int32_t>(plus_one, -1) == 0);
        CHECK(conn.execute(plus_one, 7) == 1);
        CHECK(engine_test::prepared_runs(conn, "SELECT $1 + 1") == 3);
        CHECK(prepared_statements(conn) == 1);
    }
    SECTION("preparing the same text again makes another server statement")
    {
        const auto again = conn.prepare<std::int32_t>("SELECT $1 + 1");
        CHECK(again.name() != plus_one.name());
        CHECK(prepared_statements(conn, "SELECT $1 + 1") == 2);
        CHECK(conn.query_value<std::int32_t>(again, 1) == 2);
    }
    SECTION("a statement with :name placeholders is prepared with them rewritten as $N")
    {
        auto items = engine_prepared_test::connect_with_items({.prepare_threshold = std::nullopt});
        const auto between = items.prepare<bounds>("SELECT count(*) FROM t WHERE id BETWEEN :lo AND :hi AND :lo > 0");
        CHECK(between.text() == "SELECT count(*) FROM t WHERE id BETWEEN $1 AND $2 AND $1 > 0");
        CHECK(prepared_statements_named(items, between.name()) == 1);
        CHECK(items.query_value<std::int64_t>(between, bounds{2, 3}) == 2);
        CHECK(items.query_value<std::int64_t>(between, bounds{1, 9}) == 3);
        CHECK(items.query_value<std::int64_t>(between, bounds{-1, 9}) == 0);
        CHECK(items.query_value<std::string>("SELECT parameter_types::text FROM pg_prepared_statements WHERE name = $1",
                  between.name())
            == "{bigint,bigint}");
    }
    SECTION("a typq::runtime text may be gone once it is prepared")
    {
        std::string text = "SELECT $1::text || '" + std::string("-runtime") + "'";
        const auto suffixed = conn.prepare<std::string>(typq::runtime(text));
        text.assign(text.size(), '?');  // what the runtime_sql pointed into is overwritten
        CHECK(suffixed.text() == "SELECT $1::text || '-runtime'");
        CHECK(conn.query_value<std::string>(suffixed, "x") == "x-runtime");
        CHECK(conn.query_value<std::string>(suffixed, std::string("yz")) == "yz-runtime");

        const auto named = conn.prepare<bounds>(typq::runtime("SELECT :hi - :lo"));
        CHECK(named.text() == "SELECT $1 - $2");  // numbered in the order the names appear
        CHECK(conn.query_value<std::int64_t>(named, bounds{10, 15}) == 5);
    }
}

TEST_CASE("a statement the server cannot prepare throws at prepare()", "[engine][prepared]")
{
    auto conn = typq_test::connect({.prepare_threshold = std::nullopt});

    SECTION("a syntax error")
    {
        REQUIRE_THROWS_AS((void)conn.prepare<std::int32_t>("SELEC $1"), typq::syntax_error);
        REQUIRE_THROWS_WITH((void)conn.prepare<std::int32_t>("SELEC $1"), Contains("syntax error"));
    }
    SECTION("a missing table")
    {
        REQUIRE_THROWS_AS((void)conn.prepare("SELECT * FROM typq_no_such_table"), typq::undefined_table);
        REQUIRE_THROWS_WITH((void)conn.prepare("SELECT * FROM typq_no_such_table"), Contains("typq_no_such_table"));
    }
    SECTION("a parameter type the statement cannot use")
    {
        REQUIRE_THROWS_AS((void)conn.prepare<bool>("SELECT $1 + 1"), typq::undefined_function);
    }
    CHECK(prepared_statements(conn) == 0);
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a row type that does not fit a prepared statement's columns fails at its first use", "[engine][prepared]")
{
    auto conn = engine_prepared_test::connect_with_items();
    const auto by_id = conn.prepare<std::int64_t>("SELECT id, name FROM t WHERE id = $1");
    using mistyped = std::tuple<std::int64_t, std::int32_t>;

    SECTION("too few fields")
    {
        REQUIRE_THROWS_AS((void)conn.query_one<std::tuple<std::int64_t>>(by_id, 1), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<std::tuple<std::int64_t>>(by_id, 1), Contains("result does not fit"));
    }
    SECTION("a field no column is named after")
    {
        REQUIRE_THROWS_AS((void)conn.query<titled_item>(by_id, 1), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query<titled_item>(by_id, 1),
            Contains("result does not fit") && Contains("\"title\""));
    }
    SECTION("a column of another type")
    {
        REQUIRE_THROWS_AS((void)conn.query_opt<mistyped>(by_id, 1), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_opt<mistyped>(by_id, 1),
            Contains("result does not fit") && Contains("\"name\""));
    }
    // The statement and the connection go on, for a row type that fits.
    CHECK(conn.query_one<item>(by_id, 1) == item{1, "one"});
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    REQUIRE_THROWS_AS((void)conn.query_one<mistyped>(by_id, 2), typq::conversion_error);
    CHECK(conn.query_one<item>(by_id, 2) == item{2, "two"});
}

TEST_CASE("a prepared statement runs only on the connection that prepared it", "[engine][prepared]")
{
    auto conn = typq_test::connect();
    const auto twice = conn.prepare<std::int32_t>("SELECT $1 * 2");
    auto other = typq_test::connect();

    REQUIRE_THROWS_AS((void)other.query_value<std::int32_t>(twice, 4), typq::usage_error);
    REQUIRE_THROWS_WITH((void)other.query_value<std::int32_t>(twice, 4), Contains("only on the connection that prepared it"));
    REQUIRE_THROWS_AS(other.execute(twice, 4), typq::usage_error);
    REQUIRE_THROWS_AS((void)other.query<std::int32_t>(twice, 4), typq::usage_error);
    engine_test::check_idle_and_usable(other);
    CHECK(conn.query_value<std::int32_t>(twice, 4) == 8);

    SECTION("it follows its connection when the connection is moved")
    {
        typq::connection moved = std::move(conn);
        CHECK(moved.query_value<std::int32_t>(twice, 5) == 10);
    }
    SECTION("after its connection is closed it throws connection_error, and can still be destroyed")
    {
        conn.close();
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>(twice, 5), typq::connection_error);
        const auto copy = twice;
        CHECK(copy.name() == twice.name());
    }
}

TEST_CASE("copies of a prepared statement share it, deallocated after the last copy and result",
    "[engine][prepared]")
{
    auto conn = typq_test::connect({.prepare_threshold = std::nullopt});
    std::optional<typq::prepared<std::int32_t>> first = conn.prepare<std::int32_t>("SELECT $1 * 2");
    const std::string name = first->name();
    std::optional<typq::prepared<std::int32_t>> second = *first;
    CHECK(second->name() == name);
    CHECK(second->text() == first->text());
    CHECK(prepared_statements(conn) == 1);

    first.reset();
    CHECK(prepared_statements(conn) == 1);
    CHECK(conn.query_value<std::int32_t>(*second, 21) == 42);
    CHECK(prepared_statements_named(conn, name) == 1);

    SECTION("when the last copy goes")
    {
        second.reset();
        CHECK(prepared_statements(conn) == 0);
        engine_test::check_idle_and_usable(conn);
        CHECK(prepared_statements(conn) == 0);
    }
    SECTION("a result read through it keeps it until the result goes")
    {
        std::optional<typq::result<std::int32_t>> rows = conn.query<std::int32_t>(*second, 5);
        second.reset();
        CHECK(prepared_statements_named(conn, name) == 1);
        REQUIRE(rows->size() == 1);
        CHECK((*rows)[0] == 10);
        rows.reset();
        CHECK(prepared_statements(conn) == 0);
    }
    SECTION("inside a transaction block it is deallocated at the first statement after the block")
    {
        typq::transaction tx(conn);
        second.reset();
        CHECK(prepared_statements(conn) == 1);
        CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
        CHECK(prepared_statements(conn) == 1);
        tx.commit();
        CHECK(prepared_statements(conn) == 0);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
    }
}

TEST_CASE("DDL that changes a prepared statement's result columns: retried outside a transaction block, "
          "reported inside one",
    "[engine][prepared]")
{
    auto conn = engine_prepared_test::connect_with_items();
    const auto row_of = conn.prepare<std::int64_t>("SELECT * FROM t WHERE id = $1");
    CHECK(conn.query_one<item>(row_of, 1) == item{1, "one"});
    const std::string before = row_of.name();
    conn.execute("ALTER TABLE t ADD COLUMN extra int4 NOT NULL DEFAULT 7");

    SECTION("outside a transaction block it is prepared again and the run retried, transparently")
    {
        CHECK(conn.query_one<wide_item>(row_of, 2) == wide_item{2, "two", 7});
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK_FALSE(row_of.name().empty());
        CHECK(row_of.name() != before);
        CHECK(prepared_statements_named(conn, before) == 0);  // the stale one was deallocated
        CHECK(prepared_statements_named(conn, row_of.name()) == 1);
        CHECK(prepared_statements(conn, "SELECT * FROM t WHERE id = $1") == 1);
        // Every column needs a field: the old row type no longer fits; the new statement goes on.
        REQUIRE_THROWS_AS((void)conn.query_one<item>(row_of, 3), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<item>(row_of, 3), Contains("\"extra\""));
        CHECK(conn.query_one<wide_item>(row_of, 3) == wide_item{3, "three", 7});
        CHECK(row_of.name() != before);
    }
    SECTION("outside a transaction block the retried run's columns must fit the row type")
    {
        using pair = std::tuple<std::int64_t, std::string>;
        REQUIRE_THROWS_AS((void)conn.query_one<pair>(row_of, 1), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<pair>(row_of, 1), Contains("result does not fit"));
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(conn.query_one<wide_item>(row_of, 1) == wide_item{1, "one", 7});
    }
    SECTION("execute, which reads no rows, is retried too")
    {
        CHECK(conn.execute(row_of, 1) == 1);
        CHECK(conn.query_one<wide_item>(row_of, 1) == wide_item{1, "one", 7});
    }
    SECTION("inside a transaction block the server's error reaches the caller; after a rollback it runs again")
    {
        {
            typq::transaction tx(conn);
            const auto thrown = typq_test::thrown_by([&] { (void)conn.query_one<wide_item>(row_of, 2); });
            REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::feature_not_supported);
            REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Contains("cached plan must not change result type"));
            try {
                typq_test::rethrow(thrown);
            }
            catch (const typq::server_error& e) {
                CHECK(e.sqlstate() == "0A000");
            }
            CHECK(conn.transaction_status() == typq::transaction_status::in_error);
            CHECK(row_of.name().empty());  // not prepared until it runs again
            tx.rollback();
        }
        CHECK(conn.transaction_status() == typq::transaction_status::idle);

        SECTION("outside a transaction block")
        {
            CHECK(conn.query_one<wide_item>(row_of, 2) == wide_item{2, "two", 7});
        }
        SECTION("inside another transaction block")
        {
            typq::transaction tx(conn);
            CHECK(conn.query_one<wide_item>(row_of, 2) == wide_item{2, "two", 7});
            CHECK(conn.query_one<wide_item>(row_of, 3) == wide_item{3, "three", 7});
            CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
            tx.commit();
        }
        CHECK(prepared_statements(conn, "SELECT * FROM t WHERE id = $1") == 1);
    }
    SECTION("DDL inside the transaction block itself: the error reaches the caller too")
    {
        conn.execute("ALTER TABLE t DROP COLUMN extra");
        CHECK(conn.query_one<item>(row_of, 1) == item{1, "one"});
        {
            typq::transaction tx(conn);
            conn.execute("ALTER TABLE t ADD COLUMN other int4 NOT NULL DEFAULT 8");
            REQUIRE_THROWS_AS((void)conn.query_one<item>(row_of, 1), typq::feature_not_supported);
        }
        CHECK(conn.query_one<item>(row_of, 1) == item{1, "one"});
    }
}

TEST_CASE("a prepared statement runs again after the program ran DISCARD ALL or DEALLOCATE ALL", "[engine][prepared]")
{
    auto conn = typq_test::connect({.prepare_threshold = std::nullopt});
    const auto plus = conn.prepare<std::int32_t>("SELECT $1 + 100");
    CHECK(conn.query_value<std::int32_t>(plus, 1) == 101);
    const auto command = GENERATE(as<std::string>{}, "DISCARD ALL", "DEALLOCATE ALL");
    CAPTURE(command);
    conn.execute(typq::runtime(command));
    CHECK(prepared_statements(conn) == 0);

    SECTION("outside a transaction block")
    {
        CHECK(conn.query_value<std::int32_t>(plus, 2) == 102);
        CHECK(prepared_statements(conn) == 1);
    }
    SECTION("inside a transaction block")
    {
        typq::transaction tx(conn);
        REQUIRE(conn.query_value<std::int32_t>(plus, 3) == 103);
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        tx.commit();
    }
    CHECK(conn.query_value<std::int32_t>(plus, 4) == 104);
}

TEST_CASE("a prepared statement with server-defined types the connection has not looked up", "[engine][prepared]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy')");
    const auto next = conn.prepare<mood>("SELECT (enum_range($1, NULL))[2], $1::text");
    CHECK(conn.query_value<std::string>("SELECT parameter_types::text FROM pg_prepared_statements WHERE name = $1",
              next.name())
        == "{mood}");
    using row = std::tuple<std::optional<mood>, std::string>;
    CHECK(conn.query_one<row>(next, mood::sad) == row(mood::ok, "sad"));
    CHECK(conn.query_one<row>(next, mood::ok) == row(mood::happy, "ok"));
    CHECK(conn.query_one<row>(next, mood::happy) == row(std::nullopt, "happy"));
}

}  // namespace engine_prepared_test
