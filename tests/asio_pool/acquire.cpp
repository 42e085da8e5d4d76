// SPDX-License-Identifier: BSL-1.0
// tests/asio_pool/acquire.cpp: typq::async_pool's sizes and statistics, min_size reached at start
// (co_await wait()), growing to max_size while requests wait, options refused, a request timeout
// of 0 (connecting is not bound by it), pool_timeout and its measured wait, max_waiting and
// too_many_requests, requests served in order, a waiting request cancelled through Asio (and the
// connection granted to it meanwhile; cancelled while its check runs; its coroutine destroyed),
// close() with leases out and requests waiting, and leases that outlive the pool. As
// tests/pool/acquire.cpp for typq::pool; a synchronous typq::connection (the oracle) counts the
// pool's backends.

#include "asio_pool_checks.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <cstdint>   // std::int32_t
#include <memory>    // std::unique_ptr<typq::async_pool>
#include <optional>  // leases set by other coroutines
#include <string>    // names
#include <vector>    // serving order

namespace asio_pool_acquire_test {

using Catch::Contains;
using namespace asio_pool_test;
using namespace boost::asio::experimental::awaitable_operators;

TEST_CASE("an async_pool opens min_size connections at start, reports its sizes, and grows to max_size for waiting requests",
    "[asio_pool][stats]")
{
    const std::string name = unique_name("sizes");
    typq::connection oracle = typq_test::connect();
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), named(name, {.min_size = 2, .max_size = 4, .timeout = 10s}));
    run_on(io, [&]() -> awaitable<void> {
        co_await pool.wait(5s);
        typq::pool_stats s = pool.stats();
        CHECK(s.min_size == 2);
        CHECK(s.max_size == 4);
        CHECK(s.size == 2);
        CHECK(s.idle == 2);
        CHECK(s.in_use == 0);
        CHECK(s.waiting == 0);
        CHECK(s.connections_made == 2);
        CHECK(s.connect_failures == 0);
        CHECK(s.acquisitions == 0);
        CHECK(s.queued == 0);
        CHECK(s.total_wait == std::chrono::nanoseconds::zero());
        CHECK(backends(oracle, name) == 2);

        auto a = co_await pool.connection();
        auto b = co_await pool.connection();
        const auto one = co_await a->query_value<std::int32_t>("SELECT 1");
        CHECK(one == 1);
        CHECK(a->backend_pid() != b->backend_pid());
        s = pool.stats();
        CHECK(s.size == 2);
        CHECK(s.idle == 0);
        CHECK(s.in_use == 2);
        CHECK(s.acquisitions == 2);
        CHECK(s.queued == 0);

        // A third request waits while the pool grows by one for it.
        auto c = co_await pool.connection();
        const auto three = co_await (*c).query_value<std::int32_t>("SELECT 3");
        CHECK(three == 3);
        s = pool.stats();
        CHECK(s.size == 3);
        CHECK(s.in_use == 3);
        CHECK(s.acquisitions == 3);
        CHECK(s.queued == 1);
        CHECK(s.total_wait > std::chrono::nanoseconds::zero());
        CHECK(backends(oracle, name) == 3);

        // Two more at once: the pool grows to max_size for the first; the second waits, and gets
        // the first connection that comes back.
        const auto executor = co_await asio::this_coro::executor;
        std::optional<typq::async_pool::lease> d;
        std::optional<typq::async_pool::lease> e;
        spawned d_done;
        spawned e_done;
        spawn(executor, d_done, [&]() -> awaitable<void> { d.emplace(co_await pool.connection()); });
        spawn(executor, e_done, [&]() -> awaitable<void> { e.emplace(co_await pool.connection()); });
        const bool grown = co_await eventually([&] {
            const typq::pool_stats now = pool.stats();
            return d_done.done && now.size == 4 && now.waiting == 1 && now.connecting == 0;
        });
        REQUIRE(grown);  // the first one served (FIFO), with the new connection
        CHECK_FALSE(d_done.error);
        CHECK_FALSE(e_done.done);
        co_await sleep_for(50ms);  // and no further than max_size
        s = pool.stats();
        CHECK(s.size == 4);
        CHECK(s.in_use == 4);
        CHECK(s.waiting == 1);
        CHECK(s.connecting == 0);
        CHECK(backends(oracle, name) == 4);

        const int a_pid = a->backend_pid();
        a.release();
        CHECK_FALSE(a);
        const bool served = co_await eventually([&] { return e_done.done; });
        REQUIRE(served);
        CHECK_FALSE(e_done.error);
        REQUIRE(e);
        CHECK((*e)->backend_pid() == a_pid);
        const auto five = co_await (*e)->query_value<std::int32_t>("SELECT 5");
        CHECK(five == 5);
        s = pool.stats();
        CHECK(s.acquisitions == 5);
        CHECK(s.queued == 3);
        CHECK(s.waiting == 0);
    });
    const typq::pool_stats s = pool.stats();
    CHECK(s.size == 4);
    CHECK(s.idle == 4);
    CHECK(s.in_use == 0);
    CHECK(s.connections_made == 4);
    CHECK(s.connections_lost == 0);
    CHECK(s.timeouts == 0);
}

TEST_CASE("an async_pool's max_size 0 means min_size", "[asio_pool][options]")
{
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 3});
    CHECK(pool.stats().max_size == 3);
    run_on(io, [&]() -> awaitable<void> { co_await pool.wait(5s); });
    CHECK(pool.stats().size == 3);
}

TEST_CASE("an async_pool refuses options that make no sense", "[asio_pool][options]")
{
    asio::io_context io;
    const auto ex = io.get_executor();
    const std::string dsn = typq_test::dsn();
    using options = typq::async_pool_options;
    REQUIRE_THROWS_AS(typq::async_pool(ex, dsn, options{.min_size = 4, .max_size = 2}), typq::usage_error);
    REQUIRE_THROWS_WITH(typq::async_pool(ex, dsn, options{.min_size = 4, .max_size = 2}),
        Contains("max_size (2) is less than min_size (4)"));
    REQUIRE_THROWS_AS(typq::async_pool(ex, dsn, options{.min_size = 0, .max_size = 0}), typq::usage_error);
    REQUIRE_THROWS_AS(typq::async_pool(ex, dsn, options{.min_size = 1, .max_connecting = 0}), typq::usage_error);
    REQUIRE_THROWS_AS(typq::async_pool(ex, dsn, options{.min_size = 1, .timeout = -1ms}), typq::usage_error);
    REQUIRE_THROWS_AS(typq::async_pool(ex, dsn, options{.min_size = 1, .max_lifetime = -1ms}), typq::usage_error);
    REQUIRE_THROWS_AS(typq::async_pool(ex, dsn, options{.min_size = 1, .max_idle = -1ms}), typq::usage_error);
    REQUIRE_THROWS_AS(typq::async_pool(ex, dsn, options{.min_size = 1, .reconnect = {.factor = 0.5}}), typq::usage_error);
    REQUIRE_THROWS_AS(typq::async_pool(ex, dsn, options{.min_size = 1, .reconnect = {.initial = 0ms}}), typq::usage_error);
    REQUIRE_THROWS_AS(typq::async_pool(ex, dsn, options{.min_size = 1, .reconnect = {.jitter = 1.0}}), typq::usage_error);
    // Nothing was started: running the io_context finds no work left behind.
    CHECK(io.run_for(100ms) == 0);
}

TEST_CASE("an async_pool whose requests never wait (timeout 0) still connects in the background, as typq::pool does",
    "[asio_pool][options]")
{
    // The timeout is how long connection() waits; typq::pool makes its connections regardless of it.
    {
        typq::pool sync_pool{typq_test::dsn(), {.min_size = 1, .timeout = 0ms}};
        REQUIRE_NOTHROW(sync_pool.wait(5s));
    }
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .timeout = 0ms,
        .reconnect = {.initial = 20ms, .max_delay = 100ms}});
    run_on(io, [&]() -> awaitable<void> {
        const std::exception_ptr thrown = co_await thrown_by(pool.wait(1s));
        INFO(describe(thrown));
        CHECK_FALSE(thrown);
        const typq::pool_stats s = pool.stats();
        CHECK(s.size == 1);
        CHECK(s.connect_failures == 0);
        if (s.size == 1) {
            auto c = co_await pool.connection();  // an idle connection: served without waiting
            const auto one = co_await c->query_value<std::int32_t>("SELECT 1");
            CHECK(one == 1);
        }
    });
}

TEST_CASE("an async_pool's request that finds no free connection in time throws pool_timeout", "[asio_pool][timeout]")
{
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 200ms});
    run_on(io, [&]() -> awaitable<void> {
        auto held = co_await pool.connection(5s);

        const auto start = test_clock::now();
        const std::exception_ptr thrown = co_await thrown_by(pool.connection());
        const auto waited = test_clock::now() - start;
        INFO(describe(thrown));
        CHECK(waited >= 200ms);
        CHECK(waited < 2s);
        REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::pool_timeout);
        REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::pool_error);
        REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Contains("no connection was free within the timeout: waited 2")
                && Contains("pool of 1 to 1 connections: 1 in use, 0 idle, 0 being made, 1 waiting"));
        try {
            typq_test::rethrow(thrown);
        }
        catch (const typq::pool_timeout& e) {
            CHECK(e.waited() >= 200ms);
            CHECK(e.waited() < 2s);
        }
        typq::pool_stats s = pool.stats();
        CHECK(s.timeouts == 1);
        CHECK(s.waiting == 0);

        // With a timeout of its own.
        const auto again = test_clock::now();
        const std::exception_ptr short_one = co_await thrown_by(pool.connection(50ms));
        const auto waited_again = test_clock::now() - again;
        CHECK(waited_again >= 50ms);
        CHECK(waited_again < 1s);
        REQUIRE_THROWS_AS(typq_test::rethrow(short_one), typq::pool_timeout);
        CHECK(pool.stats().timeouts == 2);

        // The connection is still there once it comes back.
        held.release();
        CHECK_FALSE(held);
        auto c = co_await pool.connection();
        const auto one = co_await c->query_value<std::int32_t>("SELECT 1");
        CHECK(one == 1);
        s = pool.stats();
        CHECK(s.timeouts == 2);
        CHECK(s.waiting == 0);
        CHECK(s.acquisitions == 2);
        CHECK(s.size == 1);
    });
}

TEST_CASE("an async_pool refuses requests beyond max_waiting at once, and serves waiting ones in order", "[asio_pool][max_waiting]")
{
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 10s, .max_waiting = 3});
    run_on(io, [&]() -> awaitable<void> {
        co_await pool.wait(5s);
        std::optional<typq::async_pool::lease> held{co_await pool.connection()};
        const int pid = (*held)->backend_pid();

        const auto executor = co_await asio::this_coro::executor;
        std::vector<int> order;
        std::vector<int> pids;
        spawned done[3];
        for (int who = 0; who < 3; ++who) {
            spawn(executor, done[who], [&, who]() -> awaitable<void> {
                auto c = co_await pool.connection();
                order.push_back(who);
                pids.push_back(c->backend_pid());
                (void)co_await c->execute("SELECT 1");
            });
            // Queued before the next one comes.
            const bool queued = co_await eventually([&] { return pool.stats().waiting == static_cast<std::size_t>(who + 1); });
            REQUIRE(queued);
        }

        const auto start = test_clock::now();
        const std::exception_ptr refused = co_await thrown_by(pool.connection());
        const std::exception_ptr refused_again = co_await thrown_by(pool.connection(5s));
        CHECK(test_clock::now() - start < 1s);  // at once, not after a timeout
        REQUIRE_THROWS_AS(typq_test::rethrow(refused), typq::too_many_requests);
        REQUIRE_THROWS_AS(typq_test::rethrow(refused), typq::pool_error);
        REQUIRE_THROWS_WITH(typq_test::rethrow(refused_again), Contains("3 requests already wait") && Contains("max_waiting 3"));
        CHECK(pool.stats().waiting == 3);

        held.reset();
        const bool all_served = co_await eventually([&] { return done[0].done && done[1].done && done[2].done; });
        REQUIRE(all_served);
        for (const spawned& d : done)
            CHECK_FALSE(d.error);
        CHECK(order == std::vector<int>{0, 1, 2});
        CHECK(pids == std::vector<int>{pid, pid, pid});
        const typq::pool_stats s = pool.stats();
        CHECK(s.rejected == 2);
        CHECK(s.acquisitions == 4);
        CHECK(s.queued == 3);
        CHECK(s.waiting == 0);
        CHECK(s.size == 1);
        CHECK(s.idle == 1);
        CHECK(s.timeouts == 0);
    });
}

TEST_CASE("an async_pool request cancelled through Asio leaves the queue, and a connection granted to it meanwhile is not lost",
    "[asio_pool][cancel]")
{
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 10s});
    int pid = 0;
    run_on(io, [&]() -> awaitable<void> {
        co_await pool.wait(5s);
        typq::async_pool::lease held = co_await pool.connection();
        pid = held->backend_pid();
        const auto executor = co_await asio::this_coro::executor;

        SECTION("the timer wins while nothing is granted: the request leaves the queue")
        {
            asio::steady_timer timer(executor, 100ms);
            const auto start = test_clock::now();
            auto raced = co_await (pool.connection() || timer.async_wait(asio::use_awaitable));
            const auto elapsed = test_clock::now() - start;
            CHECK(raced.index() == 1);
            CHECK(elapsed >= 100ms);
            CHECK(elapsed < 2s);
            typq::pool_stats s = pool.stats();
            CHECK(s.waiting == 0);
            CHECK(s.timeouts == 0);  // cancelled, not timed out
            CHECK(s.in_use == 1);

            // The connection that comes back now goes idle: no request is left to be given it.
            held.release();
            s = pool.stats();
            CHECK(s.idle == 1);
            CHECK(s.in_use == 0);
            CHECK(s.waiting == 0);
        }
        SECTION("the connection is given back (granted to the waiting request) just before the cancellation")
        {
            // The other branch gives the held connection back, which the pool hands to the waiting
            // request, then ends at once: || cancels the request before it has resumed.
            auto give_back = [&]() -> awaitable<void> {
                co_await sleep_for(50ms);
                held.release();
            };
            auto raced = co_await (pool.connection() || give_back());
            if (raced.index() == 0)
                std::get<0>(raced).release();
            const bool settled = co_await eventually([&] { return pool.stats().idle == 1; }, 500ms);
            const typq::pool_stats s = pool.stats();
            CAPTURE(raced.index(), s.size, s.idle, s.in_use, s.waiting, s.connections_lost);
            CHECK(settled);
            CHECK(s.waiting == 0);
            CHECK(s.in_use == 0);
            CHECK(s.idle == 1);
        }
        SECTION("timers racing connections given back at about the same time")
        {
            int granted = 0;
            int cancelled = 0;
            for (int i = 0; i < 40; ++i) {
                if (!held)
                    held = co_await pool.connection(2s);
                // The lease comes back 0 to 3 ms before or after the waiting request's timer fires.
                spawned giver;
                spawn(executor, giver, [&, i]() -> awaitable<void> {
                    co_await sleep_for(std::chrono::milliseconds(2 + i % 4));
                    held.release();
                });
                asio::steady_timer timer(executor, std::chrono::milliseconds(2 + (i / 4) % 4));
                auto raced = co_await (pool.connection() || timer.async_wait(asio::use_awaitable));
                if (raced.index() == 0) {
                    ++granted;
                    std::get<0>(raced).release();
                }
                else
                    ++cancelled;
                const bool back = co_await eventually([&] { return giver.done && pool.stats().idle == 1; }, 500ms);
                const typq::pool_stats s = pool.stats();
                CAPTURE(i, raced.index(), s.size, s.idle, s.in_use, s.waiting);
                REQUIRE(back);
                REQUIRE(s.waiting == 0);
                REQUIRE(s.in_use == 0);
            }
            CAPTURE(granted, cancelled);
            CHECK(granted + cancelled == 40);
        }

        // In every case the pool's one connection serves the next request at once.
        const auto start = test_clock::now();
        std::optional<typq::async_pool::lease> next;
        auto take_next = [&]() -> awaitable<void> { next.emplace(co_await pool.connection(500ms)); };
        const std::exception_ptr thrown = co_await thrown_by(take_next());
        INFO(describe(thrown));
        REQUIRE_FALSE(thrown);
        CHECK(test_clock::now() - start < 500ms);
        CHECK((*next)->backend_pid() == pid);
        const auto one = co_await (*next)->query_value<std::int32_t>("SELECT 1");
        CHECK(one == 1);
        const typq::pool_stats s = pool.stats();
        CHECK(s.connections_lost == 0);
        CHECK(s.connections_made == 1);
        CHECK(s.size == 1);
    });
}

TEST_CASE("an async_pool request cancelled while its check runs leaves no connection behind", "[asio_pool][cancel]")
{
    asio::io_context io;
    int checks = 0;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 2, .max_size = 2, .timeout = 5s,
        .check = [&](typq::async_connection&) -> awaitable<void> {
            ++checks;
            co_await sleep_for(200ms);
        }});
    run_on(io, [&]() -> awaitable<void> {
        co_await pool.wait(5s);
        asio::steady_timer timer(co_await asio::this_coro::executor, 50ms);
        auto raced = co_await (pool.connection() || timer.async_wait(asio::use_awaitable));
        CHECK(raced.index() == 1);
        // Both connections are idle again (or replaced): none is counted in use for a request that is gone.
        const bool settled = co_await eventually([&] {
            const typq::pool_stats s = pool.stats();
            return s.size == 2 && s.idle == 2;
        }, 1s);
        const typq::pool_stats s = pool.stats();
        CAPTURE(checks, s.size, s.idle, s.in_use, s.waiting, s.connections_lost, s.connections_made);
        CHECK(settled);
        CHECK(s.waiting == 0);
        CHECK(s.in_use == 0);
        std::vector<typq::async_pool::lease> both;
        for (int i = 0; i < 2; ++i) {
            std::optional<typq::async_pool::lease> got;
            auto take = [&]() -> awaitable<void> { got.emplace(co_await pool.connection(500ms)); };
            const std::exception_ptr thrown = co_await thrown_by(take());
            INFO(describe(thrown));
            REQUIRE_FALSE(thrown);
            both.push_back(std::move(*got));
        }
    });
}

TEST_CASE("an async_pool request whose coroutine is destroyed while it waits (its io_context destroyed) leaves the queue",
    "[asio_pool][cancel]")
{
    // The pool on one io_context, the request from a coroutine on another, which is destroyed with
    // the coroutine's frame (and the request in it) while it waits.
    asio::io_context pool_io;
    // Both on the heap: if the request stays queued after its frame is gone, anything that hands
    // out a connection or closes the pool writes into freed memory, so the test leaves them alone
    // (leaked) rather than crash.
    auto* pool = new typq::async_pool(pool_io.get_executor(), typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 10s});
    auto* held = new std::optional<typq::async_pool::lease>();
    run_on(pool_io, [&]() -> awaitable<void> {
        co_await pool->wait(5s);
        held->emplace(co_await pool->connection());
    });
    {
        asio::io_context other;
        bool got = false;
        asio::co_spawn(other, [&]() -> awaitable<void> {
            auto c = co_await pool->connection();
            got = true;
        }, asio::detached);
        other.run_for(50ms);
        REQUIRE_FALSE(got);
        REQUIRE(pool->stats().waiting == 1);
    }  // the waiting coroutine is destroyed here, never resumed
    const typq::pool_stats s = pool->stats();
    CHECK(s.waiting == 0);
    if (s.waiting != 0)
        FAIL("the destroyed request is still in the pool's queue (pool_core::request has no destructor that unlinks "
             "it); the pool and its lease are leaked, not used, to keep the process alive");

    // The connection that comes back goes idle, and serves the next request.
    held->reset();
    CHECK(pool->stats().idle == 1);
    run_on(pool_io, [&]() -> awaitable<void> {
        auto c = co_await pool->connection(1s);
        const auto one = co_await c->query_value<std::int32_t>("SELECT 1");
        CHECK(one == 1);
    });
    delete held;
    delete pool;
}

TEST_CASE("an async_pool's close() waits for the leases still out, then closes every connection", "[asio_pool][close]")
{
    const std::string name = unique_name("close");
    typq::connection oracle = typq_test::connect();
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), named(name, {.min_size = 2}));
    run_on(io, [&]() -> awaitable<void> {
        co_await pool.wait(5s);
        const auto executor = co_await asio::this_coro::executor;
        bool leased = false;
        bool worked = false;
        spawned user;
        spawn(executor, user, [&]() -> awaitable<void> {
            auto c = co_await pool.connection();
            leased = true;
            co_await sleep_for(300ms);
            // The pool is closing meanwhile, but this lease's connection is still this coroutine's.
            worked = co_await c->query_value<std::int32_t>("SELECT 7") == 7;
        });
        const bool got = co_await eventually([&] { return leased; });
        REQUIRE(got);

        const auto start = test_clock::now();
        const bool all_back = co_await pool.close(5s);
        CHECK(all_back);
        CHECK(test_clock::now() - start >= 200ms);
        CHECK(user.done);
        CHECK_FALSE(user.error);
        CHECK(worked);

        const typq::pool_stats s = pool.stats();
        CHECK(s.size == 0);
        CHECK(s.idle == 0);
        CHECK(s.in_use == 0);
        const std::exception_ptr later = co_await thrown_by(pool.connection());
        REQUIRE_THROWS_AS(typq_test::rethrow(later), typq::pool_closed);
        const std::exception_ptr waited = co_await thrown_by(pool.wait());
        REQUIRE_THROWS_AS(typq_test::rethrow(waited), typq::pool_closed);
        const bool twice = co_await pool.close();  // harmless
        CHECK(twice);
        const bool gone = co_await eventually([&] { return backends(oracle, name) == 0; });
        CHECK(gone);
    });
}

TEST_CASE("an async_pool's close() fails the requests that wait, and gives up on leases after its timeout", "[asio_pool][close]")
{
    const std::string name = unique_name("close_timeout");
    typq::connection oracle = typq_test::connect();
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), named(name, {.min_size = 1, .max_size = 1, .timeout = 10s}));
    run_on(io, [&]() -> awaitable<void> {
        auto held = co_await pool.connection(5s);
        const auto executor = co_await asio::this_coro::executor;
        spawned waiter;
        spawn(executor, waiter, [&]() -> awaitable<void> { (void)co_await pool.connection(); });
        const bool queued = co_await eventually([&] { return pool.stats().waiting == 1; });
        REQUIRE(queued);

        const auto start = test_clock::now();
        const bool all_back = co_await pool.close(100ms);
        const auto took = test_clock::now() - start;
        CHECK_FALSE(all_back);
        CHECK(took >= 100ms);
        CHECK(took < 2s);
        const bool failed = co_await eventually([&] { return waiter.done; }, 1s);
        REQUIRE(failed);
        INFO(describe(waiter.error));
        REQUIRE_THROWS_AS(typq_test::rethrow(waiter.error), typq::pool_closed);
        REQUIRE_THROWS_WITH(typq_test::rethrow(waiter.error), Contains("closed while the request waited"));
        CHECK(pool.stats().waiting == 0);

        // The lease still works; its connection is closed when it comes back.
        const auto one = co_await held->query_value<std::int32_t>("SELECT 1");
        CHECK(one == 1);
        CHECK(pool.stats().in_use == 1);
        held.release();
        CHECK(pool.stats().size == 0);
        CHECK(pool.stats().in_use == 0);
        const bool gone = co_await eventually([&] { return backends(oracle, name) == 0; });
        CHECK(gone);
    });
}

TEST_CASE("an async_pool's lease may outlive its pool", "[asio_pool][close]")
{
    const std::string name = unique_name("outlive");
    typq::connection oracle = typq_test::connect();
    const std::string table = unique_name("outlive_t");
    (void)oracle.execute(typq::runtime("CREATE TABLE " + table + " (id int4)"));
    asio::io_context io;
    auto pool = std::make_unique<typq::async_pool>(io.get_executor(), typq_test::dsn(), named(name, {.min_size = 2}));
    run_on(io, [&]() -> awaitable<void> {
        co_await pool->wait(5s);
        auto idle = co_await pool->connection();
        auto in_transaction = co_await pool->connection();
        (void)co_await in_transaction->execute("BEGIN");
        (void)co_await in_transaction->execute(typq::runtime("INSERT INTO " + table + " VALUES (1)"));
        pool.reset();
        // The pool's background work ends; the leases are all that is left of it.
        co_await sleep_for(50ms);

        const auto five = co_await idle->query_value<std::int32_t>("SELECT 5");
        CHECK(five == 5);
        idle.release();
        CHECK_FALSE(idle);
        // This one needs a rollback first, which a coroutine does after the pool is gone.
        in_transaction.release();
        CHECK_FALSE(in_transaction);
        const bool gone = co_await eventually([&] { return backends(oracle, name) == 0; });
        CHECK(gone);
    });
    CHECK(oracle.query_value<std::int64_t>(typq::runtime("SELECT count(*) FROM " + table)) == 0);
    (void)oracle.execute(typq::runtime("DROP TABLE " + table));
}

TEST_CASE("an async_pool's leases move, and a moved-from lease is empty", "[asio_pool][lease]")
{
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .max_size = 2});
    run_on(io, [&]() -> awaitable<void> {
        typq::async_pool::lease empty;
        CHECK_FALSE(empty);
        auto a = co_await pool.connection(5s);
        const int pid = a->backend_pid();
        typq::async_pool::lease b = std::move(a);
        CHECK_FALSE(a);  // NOLINT(bugprone-use-after-move): the point of the test
        REQUIRE(b);
        CHECK(b->backend_pid() == pid);
        auto c = co_await pool.connection(5s);
        CHECK(pool.stats().in_use == 2);
        c = std::move(b);  // c's own connection goes back first
        CHECK(pool.stats().in_use == 1);
        CHECK(c->backend_pid() == pid);
    });
}

}  // namespace asio_pool_acquire_test
