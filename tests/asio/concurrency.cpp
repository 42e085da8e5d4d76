// SPDX-License-Identifier: BSL-1.0
// tests/asio/concurrency.cpp: what one io_context thread does with async_connections: it is never
// blocked while the server works (a timer keeps firing during a statement), it serves many
// connections at once (their statements overlap on the server), and one connection runs one
// operation at a time (a second coroutine gets usage_error, and the first is not disturbed).

#include "asio_checks.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>

#include <algorithm>  // std::max, std::sort, std::unique
#include <cstddef>    // std::size_t
#include <cstdint>    // std::int32_t, std::int64_t
#include <exception>  // std::exception_ptr
#include <variant>    // what awaitable_operators' || returns
#include <vector>     // the connections' results

namespace asio_concurrency_test {

using namespace boost::asio::experimental::awaitable_operators;
using asio_test::asio::awaitable;
using asio_test::connect;
using asio_test::describe;
using asio_test::is_exactly;
using asio_test::run;
using asio_test::test_clock;
using asio_test::thrown_by;
using namespace std::chrono_literals;
namespace asio = boost::asio;

// Whether `thrown` is a connection_error: a coroutine that could not connect, for which the
// others must not wait.
bool thrown_by_connect(const std::exception_ptr& thrown)
{
    return asio_test::is_a<typq::connection_error>(thrown);
}

TEST_CASE("the io_context thread is never blocked: a timer keeps firing while a statement runs", "[asio][concurrency]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        int ticks = 0;
        const auto ticker = [&]() -> awaitable<void> {
            asio::steady_timer timer(co_await asio::this_coro::executor);
            for (;;) {
                timer.expires_after(20ms);
                co_await timer.async_wait(asio::use_awaitable);
                ++ticks;
            }
        };
        const auto started = test_clock::now();
        SECTION("a statement with a parameter")
        {
            const auto ended =
                co_await (conn.query_value<std::int32_t>("SELECT $1::int4 FROM pg_sleep(0.5)", 5) || ticker());
            REQUIRE(ended.index() == 0);
            CHECK(std::get<0>(ended) == 5);
        }
        SECTION("a script")
        {
            const auto ended = co_await (conn.execute("SELECT pg_sleep(0.5)") || ticker());
            REQUIRE(ended.index() == 0);
            CHECK(std::get<0>(ended) == 1);
        }
        SECTION("connecting, then a statement")
        {
            const auto work = [&]() -> awaitable<std::int32_t> {
                auto other = co_await connect();
                co_return co_await other.query_value<std::int32_t>("SELECT 6 FROM pg_sleep(0.5)");
            };
            const auto ended = co_await (work() || ticker());
            REQUIRE(ended.index() == 0);
            CHECK(std::get<0>(ended) == 6);
        }
        const auto elapsed = test_clock::now() - started;
        CAPTURE(ticks);
        CHECK(elapsed >= 490ms);
        // 0.5 s of 20 ms ticks is 25; a loaded machine loses some.
        CHECK(ticks >= 15);
        CHECK(ticks <= static_cast<int>(elapsed / 20ms) + 1);
        co_return;
    });
}

TEST_CASE("one thread serves many connections at once: their statements overlap on the server", "[asio][concurrency]")
{
    // The server allows 100 connections in all (the fixture's max_connections), shared with the
    // test processes ctest runs at the same time (the pool's tests among them): 40 here, not 100.
    constexpr int connections = 40;
    constexpr int queries = 25;  // each with pg_sleep(0.01): 40 * 25 * 10 ms = 10 s one after the other
    asio::io_context io;
    std::vector<std::exception_ptr> failures(connections);
    std::vector<int> right(connections, 0);
    std::vector<int> backend(connections, 0);
    int connected = 0;
    int in_flight = 0;
    int most_in_flight = 0;
    int finished = 0;
    // Every coroutine connects, then waits for the others: the statements start together.
    asio::steady_timer all_connected(io, asio::steady_timer::time_point::max());
    test_clock::time_point queries_started{};
    for (int c = 0; c < connections; ++c) {
        asio::co_spawn(
            io,
            [&, c]() -> awaitable<void> {
                auto conn = co_await connect();
                backend[static_cast<std::size_t>(c)] = conn.backend_pid();
                if (++connected == connections) {
                    queries_started = test_clock::now();
                    all_connected.cancel();
                }
                else {
                    boost::system::error_code ignored;
                    co_await all_connected.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
                }
                for (int q = 0; q < queries; ++q) {
                    const std::int64_t n = std::int64_t{c} * 1000 + q;
                    ++in_flight;
                    most_in_flight = std::max(most_in_flight, in_flight);
                    const auto twice = co_await conn.query_value<std::int64_t>("SELECT $1::int8 * 2 FROM pg_sleep(0.01)", n);
                    --in_flight;
                    if (twice == 2 * n)
                        ++right[static_cast<std::size_t>(c)];
                }
            },
            [&, c](std::exception_ptr thrown) {
                failures[static_cast<std::size_t>(c)] = std::move(thrown);
                if (thrown_by_connect(failures[static_cast<std::size_t>(c)]) && connected < connections)
                    all_connected.expires_at(asio::steady_timer::time_point::min());  // nobody waits for it
                ++finished;
            });
    }
    const auto started = test_clock::now();
    io.run_for(30s);
    const auto ended = test_clock::now();

    REQUIRE(finished == connections);
    for (int c = 0; c < connections; ++c) {
        CAPTURE(c);
        CAPTURE(describe(failures[static_cast<std::size_t>(c)]));
        CHECK_FALSE(failures[static_cast<std::size_t>(c)]);
        CHECK(right[static_cast<std::size_t>(c)] == queries);
    }
    REQUIRE(connected == connections);
    // Each its own backend.
    std::vector<int> pids = backend;
    std::sort(pids.begin(), pids.end());
    CHECK(std::unique(pids.begin(), pids.end()) == pids.end());
    const auto ms = [](test_clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    CAPTURE(most_in_flight);
    CAPTURE(ms(queries_started - started));
    CAPTURE(ms(ended - queries_started));
    CHECK(most_in_flight >= connections / 2);
    CHECK(ended - queries_started < 4s);  // 10 s one after the other
    CHECK(ended - started < 8s);
}

TEST_CASE("one operation at a time: a second coroutine on a busy connection gets usage_error", "[asio][concurrency]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const auto second = [&]() -> awaitable<std::exception_ptr> {
            co_await asio_test::sleep_for(50ms);  // the first statement is running by now
            std::exception_ptr thrown;
            SECTION("a statement")
            {
                thrown = co_await thrown_by(conn.query_value<std::int32_t>("SELECT 8"));
            }
            SECTION("a script")
            {
                thrown = co_await thrown_by(conn.execute("SELECT 8"));
            }
            SECTION("a transaction")
            {
                thrown = co_await thrown_by(conn.begin());
            }
            SECTION("a wait for a notification")
            {
                thrown = co_await thrown_by(conn.wait_notification());
            }
            SECTION("prepare")
            {
                thrown = co_await thrown_by(conn.prepare<std::int32_t>("SELECT $1::int4"));
            }
            co_return thrown;
        };
        const auto [first, refused] =
            co_await (conn.query_value<std::int32_t>("SELECT 7 FROM pg_sleep(0.3)") && second());
        CHECK(first == 7);
        CAPTURE(describe(refused));
        CHECK(is_exactly<typq::usage_error>(refused));

        // The refusal disturbed nothing: the connection is idle, outside a transaction, and works.
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        const auto after = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        CHECK(after == 42);
        auto tx = co_await conn.begin();
        co_await tx.commit();
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        co_return;
    });
}

}  // namespace asio_concurrency_test
