// SPDX-License-Identifier: BSL-1.0
// tests/engine/cursor.cpp: typq::cursor, a named server-side cursor: fetch, fetch_one, fetch_all,
// iteration in batches of itersize, scroll and move, SCROLL / NO SCROLL / WITH HOLD, the
// connection free between fetches, closing (also after its transaction ended), and errors.

#include "engine_checks.hpp"

#include <cstddef>   // std::size_t
#include <cstdint>   // std::int32_t, std::int64_t
#include <iterator>  // std::input_iterator
#include <optional>  // fetch_one
#include <ranges>    // std::ranges::input_range
#include <string>    // names, text columns
#include <tuple>     // rows by position
#include <vector>    // fetched rows

namespace engine_cursor_test {

enum class mood { sad, ok, happy };

struct entry {
    std::int32_t id;
    std::string label;
    friend bool operator==(const entry&, const entry&) = default;
};

struct span {
    std::int32_t first;
    std::int32_t last;
};

using ints = std::vector<std::int32_t>;

// 1, 2, ..., n.
ints up_to(std::int32_t n)
{
    ints out;
    for (std::int32_t i = 1; i <= n; ++i)
        out.push_back(i);
    return out;
}

}  // namespace engine_cursor_test

template <>
struct typq::type<engine_cursor_test::mood> : typq::enum_type<engine_cursor_test::mood, "mood"> {};

namespace engine_cursor_test {

using Catch::Contains;
using engine_test::cursor_is_open;
using engine_test::open_cursors;

TEST_CASE("a cursor is an input range", "[engine][cursor]")
{
    using cursor = typq::cursor<std::int32_t>;
    STATIC_REQUIRE(std::input_iterator<cursor::iterator>);
    STATIC_REQUIRE(std::ranges::input_range<cursor>);
    STATIC_REQUIRE(std::same_as<std::ranges::range_value_t<cursor>, std::int32_t>);
}

TEST_CASE("a cursor fetches its rows in batches, one at a time, and all the rest", "[engine][cursor]")
{
    auto conn = typq_test::connect();
    typq::transaction tx(conn);
    auto cur = conn.cursor<std::int32_t>("SELECT g FROM generate_series(1, 10) g ORDER BY g");
    REQUIRE_FALSE(cur.name().empty());
    CHECK(cursor_is_open(conn, cur.name()));
    CHECK(conn.query_value<std::string>("SELECT statement FROM pg_cursors WHERE name = $1", cur.name())
              .find("SELECT g FROM generate_series(1, 10) g ORDER BY g")
        != std::string::npos);

    CHECK(cur.fetch(3) == ints{1, 2, 3});
    CHECK(cur.fetch_one() == 4);
    CHECK(cur.fetch(0) == ints{});  // the next 0 rows
    CHECK(cur.fetch(2) == ints{5, 6});
    CHECK(cur.fetch_all() == ints{7, 8, 9, 10});
    CHECK(cur.fetch(5).empty());
    CHECK(cur.fetch_one() == std::nullopt);
    CHECK(cur.fetch_all().empty());

    SECTION("fetch asks for more rows than there are")
    {
        auto other = conn.cursor<std::int32_t>("SELECT g FROM generate_series(1, 4) g ORDER BY g");
        CHECK(other.name() != cur.name());
        CHECK(other.fetch(100) == ints{1, 2, 3, 4});
        CHECK(other.fetch(100).empty());
    }
    tx.commit();
}

TEST_CASE("a cursor's rows are read into structs, tuples and NULLs", "[engine][cursor]")
{
    auto conn = typq_test::connect();
    typq::transaction tx(conn);

    SECTION("structs by column name, with arguments")
    {
        auto cur = conn.cursor<entry>("SELECT 'label ' || g AS label, g AS id FROM generate_series(1, $1) g ORDER BY g", 3);
        CHECK(cur.fetch_all() == std::vector<entry>{{1, "label 1"}, {2, "label 2"}, {3, "label 3"}});
    }
    SECTION("tuples, with named arguments")
    {
        using row = std::tuple<std::int32_t, std::optional<std::string>>;
        auto cur = conn.cursor<row>("SELECT g, CASE WHEN g % 2 = 0 THEN g::text END FROM generate_series(:first, :last) g "
                                    "ORDER BY g",
            span{5, 8});
        CHECK(cur.fetch_all() == std::vector<row>{{5, std::nullopt}, {6, "6"}, {7, std::nullopt}, {8, "8"}});
    }
    SECTION("server-defined types the connection has not looked up, as a parameter and a column")
    {
        conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy')");
        using row = std::tuple<std::int32_t, mood>;
        auto cur = conn.cursor<row>("SELECT g::int4, m FROM unnest(enum_range(NULL::mood)) WITH ORDINALITY AS u(m, g) "
                                    "WHERE m <> $1 ORDER BY g",
            mood::ok);
        CHECK(cur.fetch_one() == row(1, mood::sad));
        CHECK(cur.fetch_all() == std::vector<row>{{3, mood::happy}});
    }
    SECTION("a row type that does not fit: conversion_error at the first fetch")
    {
        auto cur = conn.cursor<std::tuple<std::int32_t, std::int32_t>>("SELECT g FROM generate_series(1, 3) g");
        REQUIRE_THROWS_AS((void)cur.fetch(1), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)cur.fetch(1), Contains("result does not fit"));
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    }
    SECTION("a statement the server rejects: its error at conn.cursor()")
    {
        REQUIRE_THROWS_AS((void)conn.cursor<std::int32_t>("SELEC 1"), typq::syntax_error);
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
    }
}

TEST_CASE("iterating a cursor fetches itersize rows at a time", "[engine][cursor]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP SEQUENCE s");
    typq::transaction tx(conn);
    const auto itersize = GENERATE(as<std::size_t>{}, 1, 7, 20, 100);
    CAPTURE(itersize);
    // nextval() runs once per row the server produces: currval() tells how far it has fetched.
    const typq::cursor_options options{.scrollable = std::nullopt, .itersize = itersize};
    auto cur = conn.cursor<std::tuple<std::int32_t, std::int64_t>>(options,
        "SELECT g, nextval('s') FROM generate_series(1, 20) g");
    const auto start = conn.query_value<std::int64_t>("SELECT nextval('s')");
    CHECK(start == 1);

    ints seen;
    for (const auto& [g, n] : cur) {
        seen.push_back(g);
        CHECK(n == start + g);
        // The connection is free in between: the rows produced so far are those of whole batches.
        const auto produced = conn.query_value<std::int64_t>("SELECT currval('s')") - start;
        const auto batches = (static_cast<std::size_t>(g) + itersize - 1) / itersize;
        CHECK(static_cast<std::size_t>(produced) == std::min<std::size_t>(batches * itersize, 20));
    }
    CHECK(seen == up_to(20));
    tx.commit();
}

TEST_CASE("iterating a cursor goes on from where fetching left it", "[engine][cursor]")
{
    auto conn = typq_test::connect();
    typq::transaction tx(conn);
    auto cur = conn.cursor<std::int32_t>(typq::cursor_options{.scrollable = std::nullopt, .itersize = 3},
        "SELECT g FROM generate_series(1, 10) g");
    CHECK(cur.fetch(4) == ints{1, 2, 3, 4});
    ints rest;
    for (const std::int32_t v : cur)
        rest.push_back(v);
    CHECK(rest == ints{5, 6, 7, 8, 9, 10});
    CHECK(cur.fetch_one() == std::nullopt);
    CHECK(cur.begin() == cur.end());

    SECTION("an empty cursor iterates nothing")
    {
        auto empty = conn.cursor<std::int32_t>("SELECT 1 WHERE false");
        CHECK(empty.begin() == empty.end());
    }
}

TEST_CASE("a scrollable cursor scrolls and moves both ways", "[engine][cursor]")
{
    auto conn = typq_test::connect();
    typq::transaction tx(conn);
    auto cur = conn.cursor<std::int32_t>(typq::cursor_options{.scrollable = true},
        "SELECT g FROM generate_series(1, 10) g ORDER BY g");

    SECTION("scroll, relative")
    {
        cur.scroll(3);
        CHECK(cur.fetch_one() == 4);
        cur.scroll(-2);
        CHECK(cur.fetch_one() == 3);
        cur.scroll(0);
        CHECK(cur.fetch_one() == 4);
    }
    SECTION("scroll, absolute")
    {
        cur.scroll(2, typq::scroll_mode::absolute);
        CHECK(cur.fetch_one() == 3);
        cur.scroll(9, typq::scroll_mode::absolute);
        CHECK(cur.fetch(5) == ints{10});
        cur.scroll(0, typq::scroll_mode::absolute);
        CHECK(cur.fetch(2) == ints{1, 2});
        cur.scroll(-1, typq::scroll_mode::absolute);  // the last row
        CHECK(cur.fetch_one() == std::nullopt);
        cur.scroll(-3, typq::scroll_mode::absolute);
        CHECK(cur.fetch_all() == ints{9, 10});
    }
    SECTION("move returns the rows moved over")
    {
        CHECK(cur.move(4) == 4);
        CHECK(cur.fetch_one() == 5);
        CHECK(cur.move(100) == 5);
        CHECK(cur.fetch_one() == std::nullopt);
        CHECK(cur.move(-3) == 3);
        CHECK(cur.fetch_one() == 9);
        CHECK(cur.move(0) == 0);
        CHECK(cur.fetch_one() == 10);
        CHECK(cur.move(-100) == 9);
        CHECK(cur.fetch_one() == 1);
    }
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    tx.commit();
}

TEST_CASE("a NO SCROLL cursor moves forward, and backward is the server's error", "[engine][cursor]")
{
    auto conn = typq_test::connect();
    typq::transaction tx(conn);
    auto cur = conn.cursor<std::int32_t>(typq::cursor_options{.scrollable = false},
        "SELECT g FROM generate_series(1, 10) g ORDER BY g");
    CHECK(cur.move(2) == 2);
    cur.scroll(1);
    CHECK(cur.fetch_one() == 4);

    SECTION("scroll back")
    {
        REQUIRE_THROWS_AS(cur.scroll(-1), typq::object_not_in_prerequisite_state);
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
    }
    SECTION("move back")
    {
        REQUIRE_THROWS_WITH(cur.move(-2), Contains("cursor can only scan forward"));
    }
    SECTION("scroll to an earlier row")
    {
        REQUIRE_THROWS_AS(cur.scroll(1, typq::scroll_mode::absolute), typq::object_not_in_prerequisite_state);
    }
    tx.rollback();
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a cursor without with_hold needs a transaction block", "[engine][cursor]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_AS((void)conn.cursor<std::int32_t>("SELECT 1"), typq::usage_error);
    REQUIRE_THROWS_WITH((void)conn.cursor<std::int32_t>("SELECT 1"), Contains("with_hold"));
    REQUIRE_THROWS_AS((void)conn.cursor<std::int32_t>(typq::cursor_options{.scrollable = true}, "SELECT 1"),
        typq::usage_error);
    CHECK(open_cursors(conn) == 0);
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("the connection runs other statements between a cursor's fetches", "[engine][cursor]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4)");
    typq::transaction tx(conn);
    auto cur = conn.cursor<std::int32_t>("SELECT g FROM generate_series(1, 6) g ORDER BY g");
    for (int round = 0; round < 3; ++round) {
        for (const std::int32_t v : cur.fetch(2))
            CHECK(conn.execute("INSERT INTO t VALUES ($1)", v * 10) == 1);
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", round) == round + 1);
        auto other = conn.cursor<std::int32_t>("SELECT 7");
        CHECK(other.fetch_one() == 7);
    }
    CHECK(cur.fetch_one() == std::nullopt);
    CHECK(conn.query<std::int32_t>("SELECT id FROM t ORDER BY id").size() == 6);
    CHECK(conn.query_value<std::int64_t>("SELECT sum(id) FROM t") == 210);
    tx.commit();
}

TEST_CASE("close() closes the cursor on the server, and the destructor does too", "[engine][cursor]")
{
    auto conn = typq_test::connect();
    typq::transaction tx(conn);
    std::string name;
    {
        auto cur = conn.cursor<std::int32_t>("SELECT g FROM generate_series(1, 3) g");
        name = cur.name();
        CHECK(cursor_is_open(conn, name));
        CHECK(cur.fetch_one() == 1);

        SECTION("close()")
        {
            cur.close();
            CHECK_FALSE(cursor_is_open(conn, name));
            cur.close();  // harmless
            REQUIRE_THROWS_AS((void)cur.fetch(1), typq::usage_error);
            REQUIRE_THROWS_WITH((void)cur.fetch_one(), Contains("closed"));
            REQUIRE_THROWS_AS(cur.scroll(1), typq::usage_error);
        }
    }
    CHECK_FALSE(cursor_is_open(conn, name));
    CHECK(open_cursors(conn) == 0);
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    tx.commit();
}

TEST_CASE("a cursor destroyed after its transaction ended does not disturb the next transaction", "[engine][cursor]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4)");
    std::optional<typq::cursor<std::int32_t>> cur;
    {
        typq::transaction first(conn);
        cur.emplace(conn.cursor<std::int32_t>("SELECT g FROM generate_series(1, 3) g"));
        CHECK(cur->fetch_one() == 1);

        SECTION("committed") { first.commit(); }
        SECTION("rolled back") { first.rollback(); }
    }
    {
        typq::transaction second(conn);
        conn.execute("INSERT INTO t VALUES ($1)", 1);
        cur.reset();
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        conn.execute("INSERT INTO t VALUES ($1)", 2);
        second.commit();
    }
    CHECK(conn.query<std::int32_t>("SELECT id FROM t ORDER BY id").size() == 2);
    CHECK(conn.query_value<std::int64_t>("SELECT sum(id) FROM t") == 3);
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a cursor declared in a savepoint that was rolled back is closed without disturbing the transaction",
    "[engine][cursor]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4)");
    {
        typq::transaction tx(conn);
        conn.execute("INSERT INTO t VALUES ($1)", 1);
        std::optional<typq::cursor<std::int32_t>> cur;
        {
            typq::transaction savepoint(conn);
            cur.emplace(conn.cursor<std::int32_t>("SELECT 1"));
            savepoint.rollback();
        }
        CHECK(open_cursors(conn) == 0);
        cur.reset();
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        conn.execute("INSERT INTO t VALUES ($1)", 2);
        tx.commit();
    }
    CHECK(conn.query_value<std::int64_t>("SELECT sum(id) FROM t") == 3);
}

TEST_CASE("a cursor destroyed outside any transaction block after its transaction ended is harmless", "[engine][cursor]")
{
    auto conn = typq_test::connect();
    {
        std::optional<typq::cursor<std::int32_t>> cur;
        {
            typq::transaction tx(conn);
            cur.emplace(conn.cursor<std::int32_t>("SELECT 1"));
            tx.commit();
        }
        cur->close();
        REQUIRE_THROWS_AS((void)cur->fetch(1), typq::usage_error);
    }
    engine_test::check_idle_and_usable(conn);
    CHECK(open_cursors(conn) == 0);
}

TEST_CASE("a with_hold cursor works outside a transaction block, until it is closed", "[engine][cursor]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4)");
    conn.execute("INSERT INTO t SELECT generate_series(1, 10)");
    std::string name;
    {
        auto cur = conn.cursor<std::int32_t>(typq::cursor_options{.scrollable = true, .with_hold = true, .itersize = 4},
            "SELECT id FROM t WHERE id > $1 ORDER BY id", 2);
        name = cur.name();
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(cursor_is_open(conn, name));
        CHECK(conn.execute(typq::runtime("SELECT FROM pg_cursors WHERE is_holdable AND is_scrollable AND name = "
                  + engine_test::quoted(name)))
            == 1);

        // Its rows were computed when it was declared: later changes do not show.
        conn.execute("DELETE FROM t");
        CHECK(cur.fetch(2) == ints{3, 4});
        CHECK(cur.move(-1) == 1);
        CHECK(cur.fetch_one() == 4);
        ints rest;
        for (const std::int32_t v : cur)
            rest.push_back(v);
        CHECK(rest == ints{5, 6, 7, 8, 9, 10});
        CHECK(conn.transaction_status() == typq::transaction_status::idle);

        SECTION("close() closes it")
        {
            cur.close();
            CHECK_FALSE(cursor_is_open(conn, name));
        }
        SECTION("it lives on through a transaction, and is closed in one without aborting it")
        {
            typq::transaction tx(conn);
            cur.scroll(0, typq::scroll_mode::absolute);
            CHECK(cur.fetch_one() == 3);
            cur.close();
            CHECK_FALSE(cursor_is_open(conn, name));
            CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
            tx.commit();
        }
    }
    CHECK_FALSE(cursor_is_open(conn, name));
    CHECK(open_cursors(conn) == 0);
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a with_hold cursor declared in a transaction outlives its commit, and is closed by its destructor",
    "[engine][cursor]")
{
    auto conn = typq_test::connect();
    std::optional<typq::cursor<std::int32_t>> cur;
    std::string name;
    {
        typq::transaction tx(conn);
        cur.emplace(conn.cursor<std::int32_t>(typq::cursor_options{.scrollable = std::nullopt, .with_hold = true},
            "SELECT g FROM generate_series(1, 5) g"));
        name = cur->name();
        CHECK(cur->fetch_one() == 1);
        tx.commit();
    }
    CHECK(cursor_is_open(conn, name));
    CHECK(cur->fetch_all() == ints{2, 3, 4, 5});
    cur.reset();
    CHECK_FALSE(cursor_is_open(conn, name));
    CHECK(open_cursors(conn) == 0);

    SECTION("one declared in a transaction that rolls back is gone with it; destroying it is harmless")
    {
        {
            typq::transaction tx(conn);
            cur.emplace(
                conn.cursor<std::int32_t>(typq::cursor_options{.scrollable = std::nullopt, .with_hold = true}, "SELECT 1"));
            tx.rollback();
        }
        CHECK(open_cursors(conn) == 0);
        cur.reset();
        engine_test::check_idle_and_usable(conn);
    }
}

}  // namespace engine_cursor_test
