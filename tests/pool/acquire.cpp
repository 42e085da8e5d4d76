// SPDX-License-Identifier: BSL-1.0
// tests/pool/acquire.cpp: typq::pool's sizes and statistics, min_size reached at start, growing
// to max_size, options refused, pool_timeout and its measured wait, max_waiting and
// too_many_requests, requests served in order, wait(), a server that cannot be reached, and
// close() with leases out, waiting requests, and leases that outlive the pool.

#include "pool_checks.hpp"

#include <atomic>     // counters shared with threads
#include <chrono>     // timings
#include <cstdint>    // std::int32_t
#include <memory>     // std::unique_ptr<typq::pool>
#include <mutex>      // the order requests were served in
#include <optional>   // a lease set from another thread
#include <string>     // names
#include <thread>     // requests from other threads
#include <vector>     // serving order

namespace pool_acquire_test {

using Catch::Contains;
using namespace pool_test;

TEST_CASE("a pool opens min_size connections at start and reports its sizes", "[pool][stats]")
{
    const std::string name = unique_name("sizes");
    typq::connection oracle = typq_test::connect();
    typq::pool pool{typq_test::dsn(), named(name, {.min_size = 2, .max_size = 4})};
    pool.wait(5s);

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
    CHECK(backends(oracle, name) == 2);

    {
        auto a = pool.connection();
        auto b = pool.connection();
        CHECK(a->query_value<std::int32_t>("SELECT 1") == 1);
        CHECK(a->backend_pid() != b->backend_pid());
        s = pool.stats();
        CHECK(s.size == 2);
        CHECK(s.idle == 0);
        CHECK(s.in_use == 2);
        CHECK(s.acquisitions == 2);
        CHECK(s.queued == 0);

        // A third request waits while the pool grows by one for it.
        auto c = pool.connection();
        CHECK((*c).query_value<std::int32_t>("SELECT 3") == 3);
        s = pool.stats();
        CHECK(s.size == 3);
        CHECK(s.in_use == 3);
        CHECK(s.acquisitions == 3);
        CHECK(s.queued == 1);
        CHECK(s.total_wait > std::chrono::nanoseconds::zero());
        CHECK(backends(oracle, name) == 3);
    }
    s = pool.stats();
    CHECK(s.size == 3);
    CHECK(s.idle == 3);
    CHECK(s.in_use == 0);
    CHECK(s.connections_made == 3);
    CHECK(s.connections_lost == 0);
}

TEST_CASE("max_size 0 means min_size", "[pool][options]")
{
    typq::pool pool{typq_test::dsn(), {.min_size = 3}};
    CHECK(pool.stats().max_size == 3);
    pool.wait(5s);
    CHECK(pool.stats().size == 3);
}

TEST_CASE("options that make no sense are refused", "[pool][options]")
{
    const std::string dsn = typq_test::dsn();
    REQUIRE_THROWS_AS(typq::pool(dsn, {.min_size = 4, .max_size = 2}), typq::usage_error);
    REQUIRE_THROWS_WITH(typq::pool(dsn, {.min_size = 4, .max_size = 2}), Contains("max_size (2) is less than min_size (4)"));
    REQUIRE_THROWS_AS(typq::pool(dsn, {.min_size = 0, .max_size = 0}), typq::usage_error);
    REQUIRE_THROWS_AS(typq::pool(dsn, {.min_size = 1, .max_connecting = 0}), typq::usage_error);
    REQUIRE_THROWS_AS(typq::pool(dsn, {.min_size = 1, .timeout = -1ms}), typq::usage_error);
    REQUIRE_THROWS_AS(typq::pool(dsn, {.min_size = 1, .reconnect = {.factor = 0.5}}), typq::usage_error);
    REQUIRE_THROWS_AS(typq::pool(dsn, {.min_size = 1, .reconnect = {.initial = 0ms}}), typq::usage_error);
    REQUIRE_THROWS_AS(typq::pool(dsn, {.min_size = 1, .reconnect = {.jitter = 1.0}}), typq::usage_error);
}

TEST_CASE("a request that finds no free connection in time throws pool_timeout", "[pool][timeout]")
{
    typq::pool pool{typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 200ms}};
    auto held = pool.connection();

    const auto start = test_clock::now();
    const std::exception_ptr thrown = typq_test::thrown_by([&] { (void)pool.connection(); });
    const auto waited = test_clock::now() - start;
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
    }

    SECTION("with a timeout of its own")
    {
        const auto again = test_clock::now();
        REQUIRE_THROWS_AS(pool.connection(50ms), typq::pool_timeout);
        CHECK(test_clock::now() - again >= 50ms);
        CHECK(pool.stats().timeouts == 2);
    }
    SECTION("the connection is still there once it comes back")
    {
        held.release();
        CHECK_FALSE(held);
        auto c = pool.connection();
        CHECK(c->query_value<std::int32_t>("SELECT 1") == 1);
        const typq::pool_stats s = pool.stats();
        CHECK(s.timeouts == 1);
        CHECK(s.waiting == 0);
        CHECK(s.acquisitions == 2);
    }
}

TEST_CASE("requests beyond max_waiting are refused at once, and waiting ones are served in order", "[pool][max_waiting]")
{
    typq::pool pool{typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 10s, .max_waiting = 2}};
    pool.wait(5s);
    std::optional<typq::pool::lease> held{pool.connection()};

    std::mutex order_mutex;
    std::vector<int> order;
    const auto request = [&](int who) {
        auto c = pool.connection();
        {
            const std::lock_guard<std::mutex> lock(order_mutex);
            order.push_back(who);
        }
        (void)c->execute("SELECT 1");
    };
    std::thread first(request, 1);
    REQUIRE(eventually([&] { return pool.stats().waiting == 1; }));
    std::thread second(request, 2);
    REQUIRE(eventually([&] { return pool.stats().waiting == 2; }));

    const auto start = test_clock::now();
    REQUIRE_THROWS_AS(pool.connection(), typq::too_many_requests);
    REQUIRE_THROWS_WITH(pool.connection(), Contains("2 requests already wait") && Contains("max_waiting 2"));
    CHECK(test_clock::now() - start < 1s);  // not after the timeout

    held.reset();
    first.join();
    second.join();
    CHECK(order == std::vector<int>{1, 2});
    const typq::pool_stats s = pool.stats();
    CHECK(s.rejected == 2);
    CHECK(s.acquisitions == 3);
    CHECK(s.queued == 2);
    CHECK(s.waiting == 0);
    CHECK(s.size == 1);
}

TEST_CASE("wait() and requests say why a server that cannot be reached gives no connection", "[pool][connect]")
{
    // A unix socket directory with no server in it: every attempt fails at once.
    typq::pool pool{"host=/nonexistent/typq port=1 connect_timeout=2",
        {.min_size = 1, .timeout = 300ms, .reconnect = {.initial = 20ms, .max_delay = 100ms}}};
    const auto start = test_clock::now();
    REQUIRE_THROWS_AS(pool.wait(300ms), typq::pool_timeout);
    CHECK(test_clock::now() - start >= 300ms);
    REQUIRE_THROWS_WITH(pool.wait(10ms), Contains("min_size (1) connections were not open within")
            && Contains("the last attempt to connect failed: ") && Contains("/nonexistent/typq"));
    REQUIRE_THROWS_WITH(pool.connection(), Contains("no connection was free") && Contains("/nonexistent/typq"));
    const typq::pool_stats s = pool.stats();
    CHECK(s.size == 0);
    CHECK(s.connect_failures >= 2);  // it kept trying, with backoff
    CHECK(s.connect_failures < 100);
    CHECK(s.connections_made == 0);
}

TEST_CASE("close() waits for the leases still out, then closes every connection", "[pool][close]")
{
    const std::string name = unique_name("close");
    typq::connection oracle = typq_test::connect();
    typq::pool pool{typq_test::dsn(), named(name, {.min_size = 2})};
    pool.wait(5s);

    std::atomic<bool> leased{false};
    std::atomic<bool> worked{false};
    std::thread user([&] {
        auto c = pool.connection();
        leased = true;
        std::this_thread::sleep_for(300ms);
        // The pool is closing meanwhile, but this lease's connection is still this thread's.
        worked = c->query_value<std::int32_t>("SELECT 7") == 7;
    });
    REQUIRE(eventually([&] { return leased.load(); }));

    const auto start = test_clock::now();
    CHECK(pool.close(5s));
    CHECK(test_clock::now() - start >= 200ms);
    user.join();
    CHECK(worked);

    const typq::pool_stats s = pool.stats();
    CHECK(s.size == 0);
    CHECK(s.idle == 0);
    CHECK(s.in_use == 0);
    REQUIRE_THROWS_AS(pool.connection(), typq::pool_closed);
    REQUIRE_THROWS_AS(pool.wait(), typq::pool_closed);
    CHECK(pool.close());  // twice is harmless
    CHECK(eventually([&] { return backends(oracle, name) == 0; }));
}

TEST_CASE("close() fails the requests that wait, and gives up on leases after its timeout", "[pool][close]")
{
    const std::string name = unique_name("close_timeout");
    typq::connection oracle = typq_test::connect();
    typq::pool pool{typq_test::dsn(), named(name, {.min_size = 1, .max_size = 1, .timeout = 10s})};
    auto held = pool.connection();

    std::exception_ptr waiter_error;
    std::thread waiter([&] { waiter_error = typq_test::thrown_by([&] { (void)pool.connection(); }); });
    REQUIRE(eventually([&] { return pool.stats().waiting == 1; }));

    const auto start = test_clock::now();
    CHECK_FALSE(pool.close(100ms));
    CHECK(test_clock::now() - start >= 100ms);
    waiter.join();
    REQUIRE_THROWS_AS(typq_test::rethrow(waiter_error), typq::pool_closed);
    REQUIRE_THROWS_WITH(typq_test::rethrow(waiter_error), Contains("closed while the request waited"));

    // The lease still works; its connection is closed when it comes back.
    CHECK(held->query_value<std::int32_t>("SELECT 1") == 1);
    CHECK(pool.stats().in_use == 1);
    held.release();
    CHECK(pool.stats().size == 0);
    CHECK(eventually([&] { return backends(oracle, name) == 0; }));
}

TEST_CASE("a lease may outlive its pool", "[pool][close]")
{
    auto pool = std::make_unique<typq::pool>(typq_test::dsn(), typq::pool_options{.min_size = 1});
    auto c = pool->connection();
    pool.reset();
    CHECK(c->query_value<std::int32_t>("SELECT 5") == 5);
    c.release();
    CHECK_FALSE(c);
}

TEST_CASE("leases move, and a moved-from lease is empty", "[pool][lease]")
{
    typq::pool pool{typq_test::dsn(), {.min_size = 1, .max_size = 2}};
    typq::pool::lease empty;
    CHECK_FALSE(empty);
    auto a = pool.connection();
    const int pid = a->backend_pid();
    typq::pool::lease b = std::move(a);
    CHECK_FALSE(a);  // NOLINT(bugprone-use-after-move): the point of the test
    REQUIRE(b);
    CHECK(b->backend_pid() == pid);
    auto c = pool.connection();
    CHECK(pool.stats().in_use == 2);
    c = std::move(b);  // c's own connection goes back first
    CHECK(pool.stats().in_use == 1);
    CHECK(c->backend_pid() == pid);
}

}  // namespace pool_acquire_test
