// SPDX-License-Identifier: BSL-1.0
// tests/asio/cancellation.cpp: an async_connection's statement cancelled through Asio (a timer
// raced with awaitable_operators' ||, a cancellation_signal bound to the completion handler),
// outside and inside a transaction; a coroutine destroyed mid-statement (abandoned), and an
// io_context destroyed under a running statement; a connection lost (its backend terminated)
// between statements and during one. What the server says (pg_stat_activity, through a
// synchronous oracle connection) decides whether the statement really ended.

#include "asio_checks.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <cstdint>   // std::int32_t
#include <optional>  // the connection, made inside a coroutine
#include <string>    // states
#include <thread>    // cancel() from another thread
#include <tuple>     // execute_many's rows
#include <vector>    // execute_many's rows

namespace asio_cancellation_test {

using namespace boost::asio::experimental::awaitable_operators;
using asio_test::asio::awaitable;
using asio_test::backend_reaches;
using asio_test::backend_state;
using asio_test::connect;
using asio_test::describe;
using asio_test::is_a;
using asio_test::is_exactly;
using asio_test::run;
using asio_test::run_on;
using asio_test::test_clock;
using asio_test::thrown_by;
using namespace std::chrono_literals;
namespace asio = boost::asio;

// --- awaitable_operators: a statement raced with a timer ---------------------------------------------

TEST_CASE("a statement raced with a timer is cancelled: the timer wins, the backend is idle, the connection works",
    "[asio][cancel]")
{
    auto oracle = typq_test::connect();
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        asio::steady_timer timer(co_await asio::this_coro::executor, 100ms);
        const auto started = test_clock::now();

        SECTION("a statement with a parameter (the extended protocol)")
        {
            const auto ended = co_await (conn.query_value<std::int32_t>("SELECT $1::int4 FROM pg_sleep(10)", 1)
                || timer.async_wait(asio::use_awaitable));
            CHECK(ended.index() == 1);
        }
        SECTION("a statement without parameters (the simple protocol)")
        {
            const auto ended =
                co_await (conn.execute("SELECT pg_sleep(10)") || timer.async_wait(asio::use_awaitable));
            CHECK(ended.index() == 1);
        }
        const auto elapsed = test_clock::now() - started;
        CHECK(elapsed >= 90ms);
        CHECK(elapsed < 3s);
        // The statement has ended, in libpq's view and in the server's.
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(backend_state(oracle, pid) == "idle");

        // The next statement runs at once (it does not wait for pg_sleep(10)), and runs right.
        const auto value = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        CHECK(value == 42);
        CHECK(test_clock::now() - started < 5s);
        CHECK(backend_state(oracle, pid) == "idle");
        CHECK(conn.state() == typq::connection_state::open);
        const auto again = co_await conn.execute("SELECT 1");
        CHECK(again == 1);
        co_return;
    });
}

TEST_CASE("a statement cancelled inside a transaction leaves it in_error, rollback works", "[asio][cancel][transaction]")
{
    asio_test::shared_table table("cancel_in_tx");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        auto tx = co_await conn.begin();
        (void)co_await conn.execute(table.sql("INSERT INTO {t} (id) VALUES (1)"));
        asio::steady_timer timer(co_await asio::this_coro::executor, 100ms);
        const auto started = test_clock::now();
        const auto ended = co_await (conn.execute("SELECT pg_sleep(10)") || timer.async_wait(asio::use_awaitable));
        CHECK(ended.index() == 1);
        CHECK(test_clock::now() - started < 3s);
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
        CHECK(backend_state(table.oracle(), pid) == "idle in transaction (aborted)");

        SECTION("rollback")
        {
            co_await tx.rollback();
        }
        SECTION("commit commits nothing: in_failed_sql_transaction")
        {
            const auto thrown = co_await thrown_by(tx.commit());
            CAPTURE(describe(thrown));
            CHECK(is_exactly<typq::in_failed_sql_transaction>(thrown));
        }
        SECTION("the transaction let go: the next operation rolls it back")
        {
            {
                auto gone = std::move(tx);
            }
            const auto n = co_await conn.execute(table.sql("SELECT FROM {t}"));
            CHECK(n == 0);
        }
        CHECK_FALSE(tx.active());
        CHECK(test_clock::now() - started < 5s);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(table.ids().empty());
        const auto value = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        CHECK(value == 42);
        CHECK(backend_state(table.oracle(), pid) == "idle");
        co_return;
    });
}

TEST_CASE("execute_many raced with a timer is cancelled: nothing of it lands, the connection works",
    "[asio][cancel][execute_many]")
{
    asio_test::shared_table table("cancel_many");
    asio_test::backend_reaper reaper(table.oracle());
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        reaper.pid = pid;
        std::vector<std::tuple<std::int32_t>> rows;
        for (std::int32_t i = 1; i <= 100; ++i)
            rows.emplace_back(i);  // 100 * 50 ms = 5 s
        asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
        const auto started = test_clock::now();
        const auto ended = co_await (
            conn.execute_many(table.sql("INSERT INTO {t} (id) SELECT $1 FROM pg_sleep(0.05)"), rows)
            || timer.async_wait(asio::use_awaitable));
        CHECK(ended.index() == 1);
        CHECK(test_clock::now() - started < 3s);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(backend_state(table.oracle(), pid) == "idle");

        const auto value = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        CHECK(value == 42);
        CHECK(test_clock::now() - started < 4s);
        CHECK(table.ids().empty());
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        co_return;
    });
}

// --- a cancellation_signal bound to the completion handler ------------------------------------------

TEST_CASE("a statement cancelled through a cancellation_signal throws query_canceled and leaves the connection idle",
    "[asio][cancel][cancellation_signal]")
{
    auto oracle = typq_test::connect();
    asio::io_context io;
    std::optional<typq::async_connection> conn;
    run_on(io, [&]() -> awaitable<void> {
        conn.emplace(co_await connect());
        co_return;
    });
    const int pid = conn->backend_pid();

    asio::cancellation_signal signal;
    std::exception_ptr thrown;
    std::int32_t value = 0;
    bool finished = false;
    asio::co_spawn(
        io,
        [&]() -> awaitable<std::int32_t> {
            co_return co_await conn->query_value<std::int32_t>("SELECT $1::int4 FROM pg_sleep(10)", 7);
        },
        asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e, std::int32_t v) {
            thrown = std::move(e);
            value = v;
            finished = true;
        }));
    asio::steady_timer timer(io, 100ms);
    timer.async_wait([&](boost::system::error_code) { signal.emit(asio::cancellation_type::terminal); });
    const auto started = test_clock::now();
    io.restart();
    io.run_for(8s);
    const auto elapsed = test_clock::now() - started;

    REQUIRE(finished);
    CHECK(elapsed < 3s);
    CAPTURE(describe(thrown));
    CHECK(is_exactly<typq::query_canceled>(thrown));
    CHECK(value == 0);
    CHECK(conn->transaction_status() == typq::transaction_status::idle);
    CHECK(backend_state(oracle, pid) == "idle");

    std::int32_t next = 0;
    run_on(io, [&]() -> awaitable<void> {
        next = co_await conn->query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        co_return;
    });
    CHECK(next == 42);
    CHECK(test_clock::now() - started < 5s);
    CHECK(backend_state(oracle, pid) == "idle");
}

// --- async_connection::cancel(), from another thread ---------------------------------------------------

TEST_CASE("cancel() from another thread ends the running statement with query_canceled", "[asio][cancel][thread]")
{
    auto oracle = typq_test::connect();
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        bool sent = false;
        std::thread canceller([&] {
            std::this_thread::sleep_for(200ms);
            sent = conn.cancel();
        });
        const auto started = test_clock::now();
        const auto thrown = co_await thrown_by(conn.query_value<std::int32_t>("SELECT $1::int4 FROM pg_sleep(10)", 1));
        const auto elapsed = test_clock::now() - started;
        canceller.join();
        CHECK(sent);
        CAPTURE(describe(thrown));
        CHECK(is_exactly<typq::query_canceled>(thrown));
        CHECK(elapsed < 3s);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(backend_state(oracle, pid) == "idle");
        const auto value = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        CHECK(value == 42);
        // Between statements it does nothing.
        CHECK_FALSE(conn.cancel());
        const auto again = co_await conn.query_value<std::int32_t>("SELECT 5");
        CHECK(again == 5);
        co_return;
    });
}

// --- abandonment ---------------------------------------------------------------------------------------

TEST_CASE("a coroutine destroyed mid-statement: the connection's next operation cancels and drains the statement",
    "[asio][abandon]")
{
    // A coroutine is destroyed while suspended only when its io_context is destroyed, and an
    // async_connection cannot outlive its own io_context's reactor. So: the connection lives on
    // `home`; the statement runs in a coroutine of another io_context on this same thread,
    // `elsewhere`. The statement raises a notice, then sleeps: the notice makes the socket
    // readable, `home`'s reactor completes the wait and queues the coroutine's continuation on
    // `elsewhere`, whose destruction then destroys the coroutine, mid-statement, without its
    // ever being resumed.
    auto oracle = typq_test::connect();
    asio::io_context home;
    std::optional<typq::async_connection> conn;
    run_on(home, [&]() -> awaitable<void> {
        conn.emplace(co_await connect());
        co_return;
    });
    const int pid = conn->backend_pid();

    bool finished = false;
    {
        asio::io_context elsewhere;
        asio::co_spawn(
            elsewhere,
            [&]() -> awaitable<void> {
                (void)co_await conn->execute("DO $$ BEGIN RAISE NOTICE 'started'; PERFORM pg_sleep(5); END $$");
                finished = true;
            },
            asio::detached);
        (void)elsewhere.poll();  // sends the statement; the coroutine waits on the connection's socket
        REQUIRE(backend_reaches(oracle, pid, "active"));
        home.restart();
        (void)home.run_for(3s);  // the notice arrives; the continuation is queued on `elsewhere`
        CHECK(conn->transaction_status() == typq::transaction_status::active);
    }  // `elsewhere` destroyed, and the coroutine with it
    REQUIRE_FALSE(finished);
    CHECK(backend_state(oracle, pid) == "active");  // still sleeping

    const auto started = test_clock::now();
    std::int32_t value = 0;
    run_on(home, [&]() -> awaitable<void> {
        value = co_await conn->query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        co_return;
    });
    CHECK(value == 42);
    CHECK(test_clock::now() - started < 3s);  // cancelled, not waited for
    CHECK(conn->state() == typq::connection_state::open);
    CHECK(conn->transaction_status() == typq::transaction_status::idle);
    CHECK(backend_state(oracle, pid) == "idle");
}

TEST_CASE("an execute_many whose coroutine is destroyed mid-run: the next operation cancels and drains it",
    "[asio][abandon][execute_many]")
{
    // As above (a coroutine of another io_context, destroyed while its continuation is queued),
    // with execute_many, which runs its rows in libpq's pipeline mode.
    asio_test::shared_table table("abandon_many");
    asio_test::backend_reaper reaper(table.oracle());
    asio::io_context home;
    std::optional<typq::async_connection> conn;
    run_on(home, [&]() -> awaitable<void> {
        conn.emplace(co_await connect());
        (void)co_await conn->execute("CREATE FUNCTION pg_temp.slow(i int4) RETURNS int4 LANGUAGE plpgsql AS "
                                     "$$ BEGIN RAISE NOTICE 'row %', i; PERFORM pg_sleep(0.05); RETURN i; END $$");
        co_return;
    });
    const int pid = conn->backend_pid();
    reaper.pid = pid;
    std::vector<std::tuple<std::int32_t>> rows;
    for (std::int32_t i = 1; i <= 100; ++i)
        rows.emplace_back(i);  // 100 * 50 ms = 5 s

    bool finished = false;
    {
        asio::io_context elsewhere;
        asio::co_spawn(
            elsewhere,
            [&]() -> awaitable<void> {
                (void)co_await conn->execute_many(table.sql("INSERT INTO {t} (id) VALUES (pg_temp.slow($1))"), rows);
                finished = true;
            },
            asio::detached);
        (void)elsewhere.poll();
        REQUIRE(backend_reaches(table.oracle(), pid, "active"));
        home.restart();
        (void)home.run_for(3s);  // the first notice arrives; the continuation is queued on `elsewhere`
    }  // the coroutine is destroyed with `elsewhere`
    REQUIRE_FALSE(finished);

    const auto started = test_clock::now();
    std::int32_t value = 0;
    std::exception_ptr thrown;
    run_on(home, [&]() -> awaitable<void> {
        thrown = co_await thrown_by(conn->query_value<std::int32_t>("SELECT $1::int4 + 1", 41));
        if (!thrown)
            value = co_await conn->query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        co_return;
    });
    CAPTURE(describe(thrown));
    CHECK_FALSE(thrown);
    CHECK(value == 42);
    CHECK(test_clock::now() - started < 3s);
    CHECK(conn->state() == typq::connection_state::open);
    CHECK(conn->transaction_status() == typq::transaction_status::idle);
    CHECK(backend_state(table.oracle(), pid) == "idle");
    CHECK(table.ids().empty());  // atomic: nothing of the batch landed
}

TEST_CASE("an io_context destroyed while a statement runs destroys the coroutine and its connection cleanly",
    "[asio][abandon]")
{
    auto oracle = typq_test::connect();
    int pid = 0;
    bool finished = false;
    {
        asio::io_context io;
        asio::co_spawn(
            io,
            [&]() -> awaitable<void> {
                auto conn = co_await connect();
                pid = conn.backend_pid();
                // The server notices the client is gone while the statement runs.
                (void)co_await conn.execute("SET client_connection_check_interval = '100ms'");
                (void)co_await conn.execute("SELECT pg_sleep(5)");
                finished = true;
            },
            asio::detached);
        const auto deadline = test_clock::now() + 5s;
        while (test_clock::now() < deadline && (pid == 0 || backend_state(oracle, pid) != "active"))
            (void)io.run_for(20ms);
        REQUIRE(pid != 0);
        REQUIRE(backend_state(oracle, pid) == "active");
    }  // destroyed mid-statement
    CHECK_FALSE(finished);
    // The connection was closed: the server ends the backend.
    CHECK(backend_reaches(oracle, pid, "(gone)", 4s));
}

// --- a lost connection -----------------------------------------------------------------------------------

TEST_CASE("a connection whose backend was terminated: the next statement throws connection_error, state() is broken",
    "[asio][lost]")
{
    auto oracle = typq_test::connect();
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        std::exception_ptr thrown;

        SECTION("between statements")
        {
            REQUIRE(oracle.query_value<bool>("SELECT pg_terminate_backend($1, 5000)", pid));
            thrown = co_await thrown_by(conn.query_value<std::int32_t>("SELECT $1::int4", 1));
        }
        SECTION("between statements, the next one a script")
        {
            REQUIRE(oracle.query_value<bool>("SELECT pg_terminate_backend($1, 5000)", pid));
            thrown = co_await thrown_by(conn.execute("SELECT 1"));
        }
        SECTION("while a statement runs")
        {
            const auto terminate_soon = [&]() -> awaitable<bool> {
                co_await asio_test::sleep_for(200ms);
                co_return oracle.query_value<bool>("SELECT pg_terminate_backend($1, 5000)", pid);
            };
            const auto started = test_clock::now();
            const auto [during, terminated] =
                co_await (thrown_by(conn.query_value<std::int32_t>("SELECT 1 FROM pg_sleep(10)")) && terminate_soon());
            CHECK(terminated);
            CHECK(test_clock::now() - started < 5s);
            thrown = during;
        }
        SECTION("while waiting for a notification")
        {
            (void)co_await conn.execute("LISTEN typq_asio_lost");
            const auto terminate_soon = [&]() -> awaitable<bool> {
                co_await asio_test::sleep_for(200ms);
                co_return oracle.query_value<bool>("SELECT pg_terminate_backend($1, 5000)", pid);
            };
            const auto [during, terminated] = co_await (thrown_by(conn.wait_notification()) && terminate_soon());
            CHECK(terminated);
            thrown = during;
        }
        CAPTURE(describe(thrown));
        CHECK(is_exactly<typq::connection_error>(thrown));
        CHECK(asio_test::as_connection_error(thrown).broken());
        CHECK(conn.state() == typq::connection_state::broken);
        CHECK(conn.transaction_status() == typq::transaction_status::unknown);

        // Every later statement is refused the same way; close() still works.
        const auto later = co_await thrown_by(conn.query_value<std::int32_t>("SELECT 1"));
        CAPTURE(describe(later));
        CHECK(is_exactly<typq::connection_error>(later));
        const auto tx = co_await thrown_by(conn.begin());
        CHECK(is_exactly<typq::connection_error>(tx));
        conn.close();
        CHECK(conn.state() == typq::connection_state::closed);
        co_return;
    });
}

TEST_CASE("a backend terminated inside a transaction: commit reports the connection lost, nothing is committed",
    "[asio][lost][transaction]")
{
    asio_test::shared_table table("lost_in_tx");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        auto tx = co_await conn.begin();
        (void)co_await conn.execute(table.sql("INSERT INTO {t} (id) VALUES (1)"));
        REQUIRE(table.oracle().query_value<bool>("SELECT pg_terminate_backend($1, 5000)", pid));
        const auto thrown = co_await thrown_by(tx.commit());
        CAPTURE(describe(thrown));
        CHECK(is_exactly<typq::connection_error>(thrown));
        CHECK_FALSE(tx.active());
        CHECK(conn.state() == typq::connection_state::broken);
        CHECK(table.ids().empty());
        co_return;
    });
}

}  // namespace asio_cancellation_test
