// SPDX-License-Identifier: BSL-1.0
// tests/deployment/failover.cpp: a typq::pool (and a typq::async_pool) on a multi-host conninfo (primary, then replica) with
// target_session_attrs=read-write through a failover: the primary is stopped and the replica
// promoted. A write in flight when the primary stops fails with typq::connection_error and is not
// run again anywhere; while there is no primary the pool hands out nothing (typq::pool_timeout),
// and a prefer-standby pool goes on reading from the replica; after the promotion, leases work on
// the new primary and the pool is back to full size within the bound stated below. The servers
// are the test's own (own_pair): the shared test server is never stopped.

#include "deployment_env.hpp"
#include "../asio/asio_checks.hpp"

#include <typq/asio.hpp>
#include <typq/pool.hpp>

#include <boost/asio/detached.hpp>

#include <atomic>     // the writer thread's progress
#include <chrono>     // bounds
#include <cstdint>    // std::int32_t, std::int64_t
#include <exception>  // what the in-flight write threw
#include <string>     // statements
#include <thread>     // the writer whose statement is in flight

namespace deployment_failover_test {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

// How long after the promotion the pool must be back to full size. Its reconnect backoff is
// capped at 500 ms here (the default is up to 60 s, for a server that stays away).
constexpr auto back_within = 5s;

const typq::reconnect_backoff quick{.initial = 50ms, .factor = 2.0, .max_delay = 500ms, .jitter = 0.1};

// Waits up to `bound` for `done()`; true when it came.
template <class Done>
bool eventually(Done done, clock_type::duration bound)
{
    const auto until = clock_type::now() + bound;
    while (!done()) {
        if (clock_type::now() > until)
            return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

}  // namespace

TEST_CASE("a pool on read-write recovers when its primary stops and the replica is promoted, and statements in flight fail "
          "with connection_error and are not run again", "[deployment][failover][pool]")
{
    deployment_test::own_pair pair;
    {
        typq::connection setup(pair.primary_dsn());
        setup.execute("CREATE TABLE typq_failover (id int4 PRIMARY KEY)");
    }
    typq::pool writes(pair.both("target_session_attrs=read-write connect_timeout=2"),
        {.min_size = 4, .timeout = 10s, .reconnect = quick});
    typq::pool reads(pair.both("target_session_attrs=prefer-standby connect_timeout=2"),
        {.min_size = 2, .timeout = 10s, .reconnect = quick});
    writes.wait(10s);
    reads.wait(10s);
    {
        auto c = writes.connection();
        CHECK(c->host() == pair.primary_host());
        CHECK(c->execute("INSERT INTO typq_failover VALUES (1)") == 1);
    }

    // A write still running on the primary when it stops.
    std::exception_ptr in_flight;
    std::atomic<int> writer_pid{0};
    std::thread writer([&] {
        try {
            auto c = writes.connection();
            writer_pid = c->query_value<std::int32_t>("SELECT pg_backend_pid()");
            c->execute("INSERT INTO typq_failover SELECT 100 FROM pg_sleep(30)");
        }
        catch (...) {
            in_flight = std::current_exception();
        }
    });
    {
        typq::connection watch(pair.primary_dsn());
        REQUIRE(eventually([&] {
            return writer_pid != 0
                && watch.query_value<std::int64_t>("SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = "
                                                   "'active' AND query LIKE 'INSERT INTO typq_failover%'",
                       writer_pid.load())
                == 1;
        }, 5s));
    }
    REQUIRE(pair.halt_primary());  // a fast shutdown: every session ends (57P01)
    writer.join();
    REQUIRE(in_flight);
    REQUIRE_THROWS_AS(typq_test::rethrow(in_flight), typq::connection_error);
    try {
        typq_test::rethrow(in_flight);
    }
    catch (const typq::connection_error& e) {
        CHECK(e.broken());
    }

    // No primary: the write pool hands out nothing (neither a dead connection nor the standby).
    REQUIRE_THROWS_AS(writes.connection(300ms), typq::pool_timeout);
    // The standby still serves reads, and has what the primary committed before it stopped
    // (a fast shutdown sends all of its WAL to the standby first).
    {
        auto c = reads.connection();
        CHECK(c->in_hot_standby());
        CHECK(c->host() == pair.standby_host());
        CHECK(c->query_value<std::int64_t>("SELECT count(*) FROM typq_failover") == 1);
    }

    REQUIRE(pair.promote_standby());
    const auto promoted = clock_type::now();
    {
        auto c = writes.connection();  // within its 10 s timeout
        CHECK(c->host() == pair.standby_host());
        CHECK_FALSE(c->in_hot_standby());
        CHECK(c->execute("INSERT INTO typq_failover VALUES (2)") == 1);
    }
    const bool full = eventually([&] {
        const auto s = writes.stats();
        return s.size == 4 && s.idle == 4;
    }, back_within);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - promoted);
    CAPTURE(took.count());
    CHECK(full);
    for (std::int32_t id = 3; id <= 10; ++id) {
        auto c = writes.connection();
        CHECK(c->host() == pair.standby_host());
        CHECK(c->execute("INSERT INTO typq_failover VALUES ($1)", id) == 1);
    }

    // The in-flight write was not retried, here or anywhere: 1 before, 2..10 after.
    typq::connection promoted_server(pair.standby_dsn());
    CHECK(promoted_server.query_value<std::int64_t>("SELECT count(*) FROM typq_failover WHERE id = 100") == 0);
    CHECK(promoted_server.query_value<std::int64_t>("SELECT count(*) FROM typq_failover") == 10);

    // The read pool's connections to the former standby live through the promotion: the server
    // reports in_hot_standby off, and they go on reading (prefer-standby falls back to a primary).
    {
        auto c = reads.connection();
        CHECK(c->host() == pair.standby_host());
        CHECK(eventually([&] {
            (void)c->query_value<bool>("SELECT true");  // reads what the server reported meanwhile
            return !c->in_hot_standby();
        }, 5s));
        CHECK(c->query_value<std::int64_t>("SELECT count(*) FROM typq_failover") == 10);
    }
}

TEST_CASE("an async_pool on read-write recovers when its primary stops and the replica is promoted, and a statement in "
          "flight fails with connection_error", "[deployment][failover][asio_pool]")
{
    namespace asio = boost::asio;
    deployment_test::own_pair pair;
    {
        typq::connection setup(pair.primary_dsn());
        setup.execute("CREATE TABLE typq_failover (id int4 PRIMARY KEY)");
    }
    asio::io_context io;
    typq::async_pool writes(io.get_executor(), pair.both("target_session_attrs=read-write"),
        {.min_size = 3, .timeout = 10s, .reconnect = quick});
    const auto reached = [](typq::async_connection& c) { return std::string(PQhost(c.native_handle())); };
    std::exception_ptr in_flight;
    bool writer_done = false;
    clock_type::duration took{};
    bool full = false;
    asio_test::run_on(io, [&]() -> asio::awaitable<void> {
        co_await writes.wait(10s);
        {
            auto c = co_await writes.connection();
            CHECK(reached(*c) == pair.primary_host());
            const auto inserted = co_await c->execute("INSERT INTO typq_failover VALUES (1)");
            CHECK(inserted == 1);
        }
        int writer_pid = 0;
        asio::co_spawn(co_await asio::this_coro::executor, [&]() -> asio::awaitable<void> {
            try {
                auto c = co_await writes.connection();
                writer_pid = c->backend_pid();
                (void)co_await c->execute("INSERT INTO typq_failover SELECT 100 FROM pg_sleep(30)");
            }
            catch (...) {
                in_flight = std::current_exception();
            }
            writer_done = true;
        }, asio::detached);
        {
            typq::connection watch(pair.primary_dsn());
            bool running = false;
            for (int i = 0; i < 250 && !running; ++i) {
                co_await asio_test::sleep_for(20ms);
                running = writer_pid != 0
                    && watch.query_value<std::int64_t>("SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state "
                                                       "= 'active' AND query LIKE 'INSERT INTO typq_failover%'", writer_pid)
                        == 1;
            }
            REQUIRE(running);
        }
        REQUIRE(pair.halt_primary());  // blocks this thread: the writer's coroutine waits meanwhile
        for (int i = 0; i < 250 && !writer_done; ++i)
            co_await asio_test::sleep_for(20ms);
        REQUIRE(writer_done);

        const auto timed_out = co_await asio_test::thrown_by(writes.connection(300ms));
        CHECK(asio_test::is_a<typq::pool_timeout>(timed_out));

        REQUIRE(pair.promote_standby());
        const auto promoted = clock_type::now();
        {
            auto c = co_await writes.connection();
            CHECK(reached(*c) == pair.standby_host());
            const auto recovering = co_await c->query_value<bool>("SELECT pg_is_in_recovery()");
            CHECK_FALSE(recovering);
            const auto inserted = co_await c->execute("INSERT INTO typq_failover VALUES (2)");
            CHECK(inserted == 1);
        }
        while (clock_type::now() - promoted < back_within && !full) {
            const auto s = writes.stats();
            full = s.size == 3 && s.idle == 3;
            if (!full)
                co_await asio_test::sleep_for(20ms);
        }
        took = clock_type::now() - promoted;
        co_await writes.close();
    }, 60s);
    CAPTURE(std::chrono::duration_cast<std::chrono::milliseconds>(took).count());
    CHECK(full);
    REQUIRE(in_flight);
    CHECK(asio_test::is_a<typq::connection_error>(in_flight));
    CHECK(asio_test::as_connection_error(in_flight).broken());
    typq::connection promoted_server(pair.standby_dsn());
    CHECK(promoted_server.query_value<std::int64_t>("SELECT count(*) FROM typq_failover WHERE id = 100") == 0);
    CHECK(promoted_server.query_value<std::int64_t>("SELECT count(*) FROM typq_failover") == 2);
}

}  // namespace deployment_failover_test
