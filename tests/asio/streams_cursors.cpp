// SPDX-License-Identifier: BSL-1.0
// tests/asio/streams_cursors.cpp: typq::async_stream and typq::async_cursor: every row, in order,
// as the server computes them; a stream abandoned early is cancelled by the connection's next
// operation (pg_stat_activity: the backend idle again), and inside a transaction only its
// savepoint is rolled back; cursors fetch, move, scroll and close as the server says (pg_cursors).

#include "asio_checks.hpp"

#include <cstdint>   // std::int64_t
#include <optional>  // fetch_one
#include <string>    // text columns
#include <tuple>     // rows by position
#include <vector>    // fetched rows

namespace asio_streams_cursors_test {

using asio_test::asio::awaitable;
using asio_test::connect;
using asio_test::describe;
using asio_test::is_exactly;
using asio_test::run;
using asio_test::shared_table;
using asio_test::thrown_by;

struct numbered {
    std::int64_t n;
    std::string text;
};

TEST_CASE("async_stream gives every row, in order, and frees the connection at the end", "[asio][stream]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        auto rows = co_await conn.stream<numbered>(
            "SELECT g AS n, 'row ' || g AS text FROM generate_series(1, $1::int8) g", std::int64_t{20000});
        std::int64_t expected = 1;
        bool in_order = true;
        while (const numbered* row = co_await rows.next()) {
            in_order = in_order && row->n == expected && row->text == "row " + std::to_string(expected);
            ++expected;
        }
        CHECK(in_order);
        CHECK(expected == 20001);
        const numbered* after = co_await rows.next();  // the end again: still null
        CHECK(after == nullptr);
        const auto n = co_await conn.query_value<std::int64_t>("SELECT 7::int8");  // the connection is free
        CHECK(n == 7);
        co_return;
    });
}

TEST_CASE("async_stream: an empty result, a tuple row, and the statement's error after some rows",
    "[asio][stream]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        {
            auto none = co_await conn.stream<std::int64_t>("SELECT 1::int8 WHERE false");
            const std::int64_t* first = co_await none.next();
            CHECK(first == nullptr);
        }
        {
            auto tuples = co_await conn.stream<std::tuple<std::int32_t, std::string>>("SELECT 1, 'a' UNION ALL SELECT 2, 'b'");
            const auto* a = co_await tuples.next();
            REQUIRE(a != nullptr);
            CHECK(std::get<1>(*a) == "a");
            const auto* b = co_await tuples.next();
            REQUIRE(b != nullptr);
            CHECK(std::get<0>(*b) == 2);
            const auto* end = co_await tuples.next();
            CHECK(end == nullptr);
        }
        {
            // The division fails at row 5000: the rows before it arrive, then the error.
            auto failing = co_await conn.stream<std::int32_t>(
                "SELECT 10 / (5000 - g) FROM generate_series(1, 10000) g");
            std::size_t seen = 0;
            std::exception_ptr thrown;
            try {
                while (co_await failing.next())
                    ++seen;
            }
            catch (...) {
                thrown = std::current_exception();
            }
            CAPTURE(describe(thrown));
            CHECK(is_exactly<typq::division_by_zero>(thrown));
            CHECK(seen >= 1);
            CHECK(seen < 5000);
        }
        const auto n = co_await conn.query_value<std::int64_t>("SELECT 8::int8");
        CHECK(n == 8);
        co_return;
    });
}

TEST_CASE("async_stream abandoned early is cancelled by the next operation, in a transaction only its "
          "savepoint is rolled back",
    "[asio][stream][abandon]")
{
    shared_table table("asio_stream_abandon");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        {
            auto rows = co_await conn.stream<std::int64_t>("SELECT g FROM generate_series(1, 100000000) g");
            for (int i = 0; i < 3; ++i)
                (void)co_await rows.next();
            // Still running on the server, while the connection object is idle to the program.
        }
        const auto started = asio_test::test_clock::now();
        const auto n = co_await conn.query_value<std::int64_t>("SELECT 9::int8");
        CHECK(n == 9);
        CHECK(asio_test::test_clock::now() - started < std::chrono::seconds(5));  // cancelled, not read to its end
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(asio_test::backend_state(table.oracle(), pid) == "idle");

        auto tx = co_await conn.begin();
        (void)co_await conn.execute(table.sql("INSERT INTO {t} (id) VALUES (1)"));
        {
            auto rows = co_await conn.stream<std::int64_t>("SELECT g FROM generate_series(1, 100000000) g");
            (void)co_await rows.next();
        }
        (void)co_await conn.execute(table.sql("INSERT INTO {t} (id) VALUES (2)"));  // the transaction goes on
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        co_await tx.commit();
        CHECK(table.ids() == std::vector<std::int32_t>{1, 2});
        co_return;
    });
}

TEST_CASE("async_cursor: fetch, move, scroll, fetch_all, close, as the server counts them", "[asio][cursor]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        std::exception_ptr outside = co_await thrown_by(conn.cursor<std::int64_t>("SELECT 1::int8"));
        CAPTURE(describe(outside));
        CHECK(is_exactly<typq::usage_error>(outside));  // without with_hold, a transaction is needed

        auto tx = co_await conn.begin();
        auto cur = co_await conn.cursor<numbered>({.scrollable = true},
            "SELECT g AS n, 'row ' || g AS text FROM generate_series(1, $1::int8) g", std::int64_t{1000});
        auto first = co_await cur.fetch(10);
        REQUIRE(first.size() == 10);
        CHECK(first.front().n == 1);
        CHECK(first.back().text == "row 10");
        const auto skipped = co_await cur.move(100);
        CHECK(skipped == 100);
        const auto next = co_await cur.fetch_one();
        REQUIRE(next.has_value());
        CHECK(next->n == 111);
        co_await cur.scroll(5, typq::scroll_mode::absolute);
        const auto fifth = co_await cur.fetch_one();
        REQUIRE(fifth.has_value());
        CHECK(fifth->n == 6);
        const auto rest = co_await cur.fetch_all();
        CHECK(rest.size() == 994);
        const auto none = co_await cur.fetch(5);
        CHECK(none.empty());
        const auto open = co_await conn.query_value<std::int64_t>(
            typq::runtime("SELECT count(*) FROM pg_cursors WHERE name = '" + cur.name() + "'"));
        CHECK(open == 1);
        co_await cur.close();
        const auto closed = co_await conn.query_value<std::int64_t>(
            typq::runtime("SELECT count(*) FROM pg_cursors WHERE name = '" + cur.name() + "'"));
        CHECK(closed == 0);
        std::exception_ptr after = co_await thrown_by(cur.fetch(1));
        CHECK(is_exactly<typq::usage_error>(after));
        co_await tx.commit();

        // with_hold: outside a transaction block, until closed.
        auto held = co_await conn.cursor<std::int64_t>({.with_hold = true}, "SELECT g::int8 FROM generate_series(1, 5) g");
        const auto all = co_await held.fetch_all();
        CHECK(all == std::vector<std::int64_t>{1, 2, 3, 4, 5});
        co_await held.close();
        const auto left = co_await conn.query_value<std::int64_t>("SELECT count(*) FROM pg_cursors WHERE name <> ''");  // not the query's own portal
        CHECK(left == 0);
        co_return;
    });
}

TEST_CASE("async_cursor: columns that do not fit the row are refused at the first fetch", "[asio][cursor]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        auto tx = co_await conn.begin();
        auto cur = co_await conn.cursor<numbered>("SELECT 'x'::text AS n, 1 AS text");
        std::exception_ptr thrown = co_await thrown_by(cur.fetch(1));
        CAPTURE(describe(thrown));
        CHECK(is_exactly<typq::conversion_error>(thrown));
        co_await tx.rollback();
        co_return;
    });
}

}  // namespace asio_streams_cursors_test
