// SPDX-License-Identifier: BSL-1.0
// tests/reliability/pools_restart.cpp: both pools under load while their server is restarted
// (issue 13): 16 threads on a typq::pool of 4, and 200 coroutines on a typq::async_pool of 4, run
// point queries while the server goes down and comes back. No crash, no hang, every failure a
// documented typq exception, never a broken connection handed out, and the pool back to full size
// afterwards. Each test has a cluster of its own: the shared one serves other tests meanwhile.

#include "reliability_env.hpp"

#include <typq/asio.hpp>
#include <typq/pool.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>     // counters shared by the threads
#include <chrono>     // durations
#include <cstdint>    // std::int64_t
#include <exception>  // what a task threw
#include <string>     // messages
#include <thread>     // the load threads
#include <vector>     // threads

namespace reliability_pools_restart_test {

using namespace std::chrono_literals;

// What the load saw: queries that worked, and failures by kind. Anything else is a test failure.
struct tally {
    std::atomic<std::uint64_t> ok{0};
    std::atomic<std::uint64_t> lost{0};      // typq::connection_error: the statement's connection went down
    std::atomic<std::uint64_t> waited{0};    // typq::pool_timeout: no connection while the server was down
    std::atomic<std::uint64_t> closed{0};    // typq::pool_closed: waiting as the test closed the pool
    std::atomic<std::uint64_t> other{0};     // must stay 0
    std::string first_other;
    std::atomic_flag other_noted = ATOMIC_FLAG_INIT;

    void failed(std::exception_ptr e)
    {
        try {
            std::rethrow_exception(e);
        }
        catch (const typq::connection_error&) {
            ++lost;
        }
        catch (const typq::pool_timeout&) {
            ++waited;
        }
        catch (const typq::pool_closed&) {
            ++closed;  // the end of the test: requests still waiting when it closes the pool
        }
        catch (const std::exception& x) {
            ++other;
            if (!other_noted.test_and_set())
                first_other = x.what();
        }
    }
};

template <class Stats>
bool back_to(const Stats& stats, std::size_t size)
{
    return stats.size == size && stats.idle + stats.in_use == size;
}

TEST_CASE("typq::pool: 16 threads on a pool of 4 through a server restart", "[reliability][restart][pool]")
{
    const reliability_test::own_cluster cluster;
    if (!cluster.started() && reliability_test::foreign_server()) {
        WARN("no throwaway cluster could be started (" << cluster.error() << ")");
        return;
    }
    INFO(cluster.error());
    REQUIRE(cluster.started());

    typq::pool pool(cluster.dsn(), {.min_size = 4, .max_size = 4, .timeout = 2s,
        .reconnect = {.initial = 50ms, .factor = 2.0, .max_delay = 500ms}});
    pool.wait(10s);

    tally seen;
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> handed_out_broken{0};  // Catch's assertions are for this thread only
    std::vector<std::thread> load;
    for (int t = 0; t < 16; ++t)
        load.emplace_back([&, t] {
            std::int64_t i = t;
            while (!stop.load()) {
                try {
                    auto c = pool.connection();
                    if (c->state() != typq::connection_state::open)  // never a broken one handed out
                        ++handed_out_broken;
                    if (c->query_value<std::int64_t>("SELECT $1::int8", i) == i)
                        ++seen.ok;
                }
                catch (...) {
                    seen.failed(std::current_exception());
                }
                ++i;
            }
        });
    std::this_thread::sleep_for(500ms);
    const std::uint64_t before = seen.ok.load();
    const bool restarted = cluster.restart();
    const auto restarted_at = std::chrono::steady_clock::now();
    // Back to full size within a bound: the backoff is at most 0.5 s.
    bool recovered = false;
    while (std::chrono::steady_clock::now() - restarted_at < 10s && !recovered) {
        std::this_thread::sleep_for(50ms);
        recovered = back_to(pool.stats(), 4) && seen.ok.load() > before + 100;
    }
    const auto recovery = std::chrono::steady_clock::now() - restarted_at;
    std::this_thread::sleep_for(300ms);
    stop = true;
    for (std::thread& t : load)
        t.join();

    REQUIRE(restarted);
    INFO("ok " << seen.ok << ", lost " << seen.lost << ", timed out " << seen.waited << ", other " << seen.other
               << " (first: " << seen.first_other << "), recovery "
               << std::chrono::duration_cast<std::chrono::milliseconds>(recovery).count() << " ms");
    CHECK(before > 0);
    CHECK(handed_out_broken == 0);
    CHECK(seen.other == 0);
    CHECK(recovered);
    const typq::pool_stats stats = pool.stats();
    CHECK(back_to(stats, 4));
    CHECK(stats.connections_lost + stats.connections_expired >= 4);  // every connection of before the restart went
    CHECK(pool.close(5s));
}

TEST_CASE("typq::async_pool: 200 coroutines on a pool of 4 through a server restart",
    "[reliability][restart][pool][asio]")
{
    const reliability_test::own_cluster cluster;
    if (!cluster.started() && reliability_test::foreign_server()) {
        WARN("no throwaway cluster could be started (" << cluster.error() << ")");
        return;
    }
    INFO(cluster.error());
    REQUIRE(cluster.started());

    boost::asio::io_context io;
    typq::async_pool pool(io.get_executor(), cluster.dsn(), {.min_size = 4, .max_size = 4, .timeout = 2s,
        .reconnect = {.initial = 50ms, .factor = 2.0, .max_delay = 500ms}});
    tally seen;
    bool stop = false;
    std::uint64_t handed_out_broken = 0;
    std::exception_ptr driver_failed;
    bool restarted = false;
    bool recovered = false;
    std::uint64_t before = 0;
    std::chrono::steady_clock::duration recovery{};
    std::uint64_t replaced = 0;
    typq::pool_stats after{};

    const auto worker = [&](std::int64_t first) -> boost::asio::awaitable<void> {
        std::int64_t i = first;
        while (!stop) {
            ++i;
            std::exception_ptr failed;
            try {
                auto c = co_await pool.connection();
                if (c->state() != typq::connection_state::open)
                    ++handed_out_broken;
                const std::int64_t got = co_await c->query_value<std::int64_t>("SELECT $1::int8", i);
                if (got == i)
                    ++seen.ok;
            }
            catch (...) {
                failed = std::current_exception();
            }
            if (failed) {
                seen.failed(failed);
                boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor, 10ms);
                co_await pause.async_wait(boost::asio::use_awaitable);  // no busy loop while the server is down
            }
        }
    };
    const auto driver = [&]() -> boost::asio::awaitable<void> {
        co_await pool.wait(10s);
        for (int t = 0; t < 200; ++t)
            boost::asio::co_spawn(io, worker(t * 1000000), boost::asio::detached);
        boost::asio::steady_timer timer(io, 500ms);
        co_await timer.async_wait(boost::asio::use_awaitable);
        before = seen.ok.load();
        // The restart blocks for a moment (pg_ctl): on a thread of its own, so that this thread
        // goes on serving the coroutines meanwhile.
        std::atomic<bool> done{false};
        std::thread restarting([&] {
            restarted = cluster.restart();
            done = true;
        });
        while (!done) {
            timer.expires_after(20ms);
            co_await timer.async_wait(boost::asio::use_awaitable);
        }
        restarting.join();
        const auto restarted_at = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() - restarted_at < 10s && !recovered) {
            timer.expires_after(50ms);
            co_await timer.async_wait(boost::asio::use_awaitable);
            recovered = back_to(pool.stats(), 4) && seen.ok.load() > before + 100;
        }
        recovery = std::chrono::steady_clock::now() - restarted_at;
        after = pool.stats();
        replaced = after.connections_lost + after.connections_expired;
        timer.expires_after(300ms);
        co_await timer.async_wait(boost::asio::use_awaitable);
        stop = true;
        (void)co_await pool.close(5s);
    };
    boost::asio::co_spawn(io, driver(), [&](std::exception_ptr e) { driver_failed = e; });
    // The whole test is bounded: a hang fails it instead of CI's timeout.
    io.run_for(60s);
    const bool finished = io.stopped();

    REQUIRE(finished);
    if (driver_failed)
        std::rethrow_exception(driver_failed);
    REQUIRE(restarted);
    INFO("ok " << seen.ok << ", lost " << seen.lost << ", timed out " << seen.waited << ", other " << seen.other
               << " (first: " << seen.first_other << "), recovery "
               << std::chrono::duration_cast<std::chrono::milliseconds>(recovery).count() << " ms; pool: size "
               << after.size << ", idle " << after.idle << ", in use " << after.in_use << ", connecting "
               << after.connecting << ", waiting " << after.waiting << ", made " << after.connections_made
               << ", failed attempts " << after.connect_failures << ", lost " << after.connections_lost);
    CHECK(before > 0);
    CHECK(handed_out_broken == 0);
    CHECK(seen.other == 0);
    CHECK(recovered);
    CHECK(replaced >= 4);  // every connection of before the restart went
}

}  // namespace reliability_pools_restart_test
