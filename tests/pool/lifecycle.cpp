// SPDX-License-Identifier: BSL-1.0
// tests/pool/lifecycle.cpp: what happens to a pooled connection: returned inside a transaction
// block (open or failed), after a stream, pipeline or COPY ended inside the lease, with a stream
// that outlives the lease; terminated by the server while lent or while idle; the configure,
// reset and check hooks; max_lifetime and max_idle.

#include "pool_checks.hpp"

#include <atomic>    // hook counters
#include <chrono>    // short lifetimes
#include <cstdint>   // std::int32_t, std::int64_t
#include <optional>  // a stream that outlives its lease
#include <set>       // backend pids
#include <string>    // names
#include <thread>    // std::this_thread::sleep_for
#include <tuple>     // COPY rows
#include <vector>    // leases

namespace pool_lifecycle_test {

using Catch::Contains;
using namespace pool_test;

// A table of the oracle's, for what a lease leaves behind (or must not).
struct scratch_table {
    typq::connection& oracle;
    std::string name;
    scratch_table(typq::connection& conn, const std::string& what) : oracle(conn), name(unique_name(what))
    {
        (void)oracle.execute(typq::runtime("CREATE TABLE " + name + " (id int4)"));
    }
    ~scratch_table() { (void)oracle.execute(typq::runtime("DROP TABLE IF EXISTS " + name)); }
    std::int64_t rows(typq::connection& conn) const
    {
        return conn.query_value<std::int64_t>(typq::runtime("SELECT count(*) FROM " + name));
    }
    std::string insert() const { return "INSERT INTO " + name + " VALUES (1)"; }
};

TEST_CASE("a lease returned inside a transaction block leaves its connection idle, its work rolled back", "[pool][return]")
{
    typq::connection oracle = typq_test::connect();
    const scratch_table table(oracle, "tx");
    typq::pool pool{typq_test::dsn(), {.min_size = 1, .max_size = 1}};
    int pid = 0;

    SECTION("an open transaction block")
    {
        auto c = pool.connection();
        pid = c->backend_pid();
        (void)c->execute("BEGIN");
        (void)c->execute(typq::runtime(table.insert()));
        CHECK(table.rows(*c) == 1);
        CHECK(c->transaction_status() == typq::transaction_status::in_transaction);
    }
    SECTION("a failed transaction block")
    {
        auto c = pool.connection();
        pid = c->backend_pid();
        (void)c->execute("BEGIN");
        (void)c->execute(typq::runtime(table.insert()));
        REQUIRE_THROWS_AS(c->query_value<std::int32_t>("SELECT 1 / $1", 0), typq::division_by_zero);
        CHECK(c->transaction_status() == typq::transaction_status::in_error);
    }
    SECTION("a typq::transaction that the lease outlived")
    {
        auto c = pool.connection();
        pid = c->backend_pid();
        {
            typq::transaction tx{*c};
            (void)c->execute(typq::runtime(table.insert()));
        }
        CHECK(c->transaction_status() == typq::transaction_status::idle);
    }

    auto next = pool.connection();
    CHECK(next->backend_pid() == pid);  // the same connection, kept
    CHECK(next->transaction_status() == typq::transaction_status::idle);
    CHECK(table.rows(*next) == 0);
    CHECK(table.rows(oracle) == 0);
    const typq::pool_stats s = pool.stats();
    CHECK(s.connections_lost == 0);
    CHECK(s.connections_made == 1);
}

TEST_CASE("a stream, pipeline or COPY ended inside the lease leaves a clean connection for the next user", "[pool][return]")
{
    typq::connection oracle = typq_test::connect();
    const scratch_table table(oracle, "mid");
    typq::pool pool{typq_test::dsn(), {.min_size = 1, .max_size = 1}};
    int pid = 0;
    std::int64_t landed = 0;

    SECTION("mid-stream")
    {
        auto c = pool.connection();
        pid = c->backend_pid();
        auto rows = c->stream<std::int32_t>("SELECT generate_series(1, 100000)");
        auto it = rows.begin();
        CHECK(*it == 1);
    }
    SECTION("mid-stream, inside a transaction block")
    {
        auto c = pool.connection();
        pid = c->backend_pid();
        (void)c->execute("BEGIN");
        (void)c->execute(typq::runtime(table.insert()));
        auto rows = c->stream<std::int32_t>("SELECT generate_series(1, 100000)");
        auto it = rows.begin();
        CHECK(*it == 1);
    }
    SECTION("mid-pipeline: the pipeline's statements still run, as a pipeline's do when it ends")
    {
        auto c = pool.connection();
        pid = c->backend_pid();
        typq::pipeline p(*c);
        auto inserted = p.execute(typq::runtime(table.insert()));
        landed = 1;
    }
    SECTION("mid-COPY: nothing lands")
    {
        auto c = pool.connection();
        pid = c->backend_pid();
        auto w = c->copy_in<std::tuple<std::int32_t>>(table.name);
        w.write(std::tuple<std::int32_t>{1});
    }

    auto next = pool.connection();
    CHECK(next->backend_pid() == pid);
    CHECK(next->transaction_status() == typq::transaction_status::idle);
    CHECK(next->query_value<std::int32_t>("SELECT 2") == 2);
    CHECK(table.rows(*next) == landed);
    CHECK(pool.stats().connections_lost == 0);
}

TEST_CASE("a connection still running a statement when its lease ends is closed and replaced", "[pool][return]")
{
    typq::pool pool{typq_test::dsn(), {.min_size = 1, .max_size = 1}};
    std::optional<typq::stream<std::int32_t>> rows;
    int pid = 0;
    {
        auto c = pool.connection();
        pid = c->backend_pid();
        rows.emplace(c->stream<std::int32_t>("SELECT generate_series(1, 100000)"));
        CHECK(*rows->begin() == 1);
        CHECK(c->transaction_status() == typq::transaction_status::active);
    }
    CHECK(pool.stats().connections_lost == 1);
    rows.reset();  // its connection was closed under it: it must not fail in its destructor

    auto next = pool.connection(5s);
    CHECK(next->backend_pid() != pid);
    CHECK(next->transaction_status() == typq::transaction_status::idle);
    CHECK(next->query_value<std::int32_t>("SELECT 1") == 1);
    CHECK(pool.stats().connections_made == 2);
}

TEST_CASE("a lease whose backend was terminated is discarded, and the pool is back to min_size soon after", "[pool][broken]")
{
    const std::string name = unique_name("terminated");
    typq::connection oracle = typq_test::connect();
    typq::pool pool{typq_test::dsn(), named(name, {.min_size = 2, .max_size = 2})};
    pool.wait(5s);
    int pid = 0;
    {
        auto c = pool.connection();
        pid = c->backend_pid();
        REQUIRE(terminate(oracle, pid));
        const std::exception_ptr thrown = typq_test::thrown_by([&] { (void)c->execute("SELECT 1"); });
        REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::connection_error);
        try {
            typq_test::rethrow(thrown);
        }
        catch (const typq::connection_error& e) {
            CHECK(e.broken());
            CHECK(e.sqlstate() == "57P01");
        }
        CHECK(c->state() == typq::connection_state::broken);
    }
    CHECK(pool.stats().connections_lost == 1);
    REQUIRE(eventually([&] {
        const typq::pool_stats s = pool.stats();
        return s.size == 2 && s.idle == 2;
    }));
    CHECK(pool.stats().connections_made == 3);
    CHECK(backends(oracle, name) == 2);

    auto a = pool.connection();
    auto b = pool.connection();
    CHECK(a->backend_pid() != pid);
    CHECK(b->backend_pid() != pid);
    CHECK(a->query_value<std::int32_t>("SELECT 1") == 1);
    CHECK(b->query_value<std::int32_t>("SELECT 1") == 1);
}

TEST_CASE("idle connections whose backends were terminated are never handed out", "[pool][broken]")
{
    const std::string name = unique_name("idle_terminated");
    typq::connection oracle = typq_test::connect();
    typq::pool pool{typq_test::dsn(), named(name, {.min_size = 2, .max_size = 2, .timeout = 5s})};
    pool.wait(5s);
    std::set<int> old;
    {
        auto a = pool.connection();
        auto b = pool.connection();
        old = {a->backend_pid(), b->backend_pid()};
    }
    for (const int pid : old)
        REQUIRE(terminate(oracle, pid));

    // The pool sees the server's farewell on the idle sockets (without a round trip on healthy
    // ones): both leases get new connections that work.
    auto a = pool.connection();
    auto b = pool.connection();
    CHECK(a->state() == typq::connection_state::open);
    CHECK(a->query_value<std::int32_t>("SELECT 1") == 1);
    CHECK(b->query_value<std::int32_t>("SELECT 1") == 1);
    CHECK(old.count(a->backend_pid()) == 0);
    CHECK(old.count(b->backend_pid()) == 0);
    const typq::pool_stats s = pool.stats();
    CHECK(s.connections_lost == 2);
    CHECK(s.acquisitions == 4);
}

TEST_CASE("configure runs once on each new connection", "[pool][hooks]")
{
    const std::string name = unique_name("configure");
    typq::connection oracle = typq_test::connect();
    std::atomic<int> configured{0};
    typq::pool pool{typq_test::dsn(), {.min_size = 3, .max_size = 3,
        .configure = [&](typq::connection& conn) {
            set_name(conn, name);
            ++configured;
        }}};
    pool.wait(5s);
    CHECK(configured == 3);
    CHECK(backends(oracle, name) == 3);
    for (int i = 0; i < 10; ++i) {
        auto c = pool.connection();
        CHECK(c->query_value<std::string>("SELECT current_setting('application_name')") == name);
    }
    CHECK(configured == 3);
    CHECK(pool.stats().connections_made == 3);
}

TEST_CASE("a configure hook that fails discards the connection and counts as a failed attempt", "[pool][hooks]")
{
    SECTION("it throws")
    {
        typq::pool pool{typq_test::dsn(), {.min_size = 1, .timeout = 300ms, .reconnect = {.initial = 20ms, .max_delay = 50ms},
            .configure = [](typq::connection&) { throw typq::usage_error("no configuration today"); }}};
        REQUIRE_THROWS_WITH(pool.connection(), Contains("the last attempt to connect failed: configure: no configuration today"));
        CHECK(pool.stats().connect_failures >= 2);
        CHECK(pool.stats().size == 0);
    }
    SECTION("it leaves a transaction block open")
    {
        typq::pool pool{typq_test::dsn(), {.min_size = 1, .timeout = 300ms, .reconnect = {.initial = 20ms, .max_delay = 50ms},
            .configure = [](typq::connection& conn) { (void)conn.execute("BEGIN"); }}};
        REQUIRE_THROWS_AS(pool.wait(300ms), typq::pool_timeout);
        REQUIRE_THROWS_WITH(pool.wait(10ms), Contains("configure left the connection in a transaction block"));
        CHECK(pool.stats().connections_made == 0);
    }
}

TEST_CASE("reset runs on each connection that comes back, and one that throws discards it", "[pool][hooks]")
{
    std::atomic<int> resets{0};
    std::atomic<bool> fail{false};
    typq::pool pool{typq_test::dsn(), {.min_size = 1, .max_size = 1,
        .reset = [&](typq::connection& conn) {
            ++resets;
            (void)conn.execute("RESET statement_timeout");
            if (fail)
                throw typq::usage_error("cannot reset");
        }}};
    int pid = 0;
    {
        auto c = pool.connection();
        pid = c->backend_pid();
        (void)c->execute("SET statement_timeout = '1234ms'");
        (void)c->execute("BEGIN");  // rolled back first, then reset
    }
    CHECK(resets == 1);
    {
        auto c = pool.connection();
        CHECK(c->backend_pid() == pid);
        CHECK(c->query_value<std::string>("SHOW statement_timeout") == "0");
        fail = true;
    }
    CHECK(resets == 2);
    CHECK(pool.stats().connections_lost == 1);
    fail = false;
    auto c = pool.connection(5s);
    CHECK(c->backend_pid() != pid);
    CHECK(resets == 2);
}

TEST_CASE("check runs before a connection is handed out, and one that fails it is replaced", "[pool][hooks]")
{
    SECTION("typq::pool::check_connection")
    {
        typq::pool pool{typq_test::dsn(), {.min_size = 1, .check = typq::pool::check_connection}};
        auto c = pool.connection();
        CHECK(c->query_value<std::int32_t>("SELECT 1") == 1);
        CHECK(pool.stats().connections_lost == 0);
        typq::connection conn = typq_test::connect();
        typq::pool::check_connection(conn);
        conn.close();
        REQUIRE_THROWS_AS(typq::pool::check_connection(conn), typq::connection_error);
    }
    SECTION("a check that throws once")
    {
        std::atomic<int> checks{0};
        typq::pool pool{typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 5s,
            .check = [&](typq::connection&) {
                if (++checks == 1)
                    throw typq::usage_error("not this one");
            }}};
        pool.wait(5s);
        auto c = pool.connection();
        CHECK(checks == 2);
        CHECK(c->query_value<std::int32_t>("SELECT 1") == 1);
        const typq::pool_stats s = pool.stats();
        CHECK(s.connections_lost == 1);
        CHECK(s.connections_made == 2);
        CHECK(s.acquisitions == 1);  // one request, served once in the end
    }
}

TEST_CASE("connections expire after max_lifetime, idle or in use", "[pool][expiry]")
{
    typq::pool pool{typq_test::dsn(), {.min_size = 1, .max_size = 1, .max_lifetime = 300ms}};
    int pid = 0;
    {
        auto c = pool.connection(5s);
        pid = c->backend_pid();
    }
    SECTION("idle: the pool closes and replaces it by itself")
    {
        REQUIRE(eventually([&] { return pool.stats().connections_expired >= 1 && pool.stats().idle == 1; }, 3s));
    }
    SECTION("in use: when it comes back")
    {
        auto c = pool.connection(5s);
        if (c->backend_pid() == pid) {  // not yet replaced: hold it past its lifetime
            std::this_thread::sleep_for(350ms);
            c.release();
        }
        REQUIRE(eventually([&] { return pool.stats().connections_expired >= 1; }, 3s));
    }
    auto c = pool.connection(5s);
    CHECK(c->backend_pid() != pid);
    CHECK(pool.stats().connections_lost == 0);
}

TEST_CASE("connections idle longer than max_idle are closed down to min_size", "[pool][expiry]")
{
    const std::string name = unique_name("idle");
    typq::connection oracle = typq_test::connect();
    typq::pool pool{typq_test::dsn(), named(name, {.min_size = 1, .max_size = 3, .max_idle = 300ms})};
    {
        std::vector<typq::pool::lease> held;
        for (int i = 0; i < 3; ++i)
            held.push_back(pool.connection(5s));
        CHECK(pool.stats().size == 3);
    }
    CHECK(pool.stats().idle == 3);
    REQUIRE(eventually([&] { return pool.stats().size == 1; }, 3s));
    std::this_thread::sleep_for(400ms);  // and no further
    const typq::pool_stats s = pool.stats();
    CHECK(s.size == 1);
    CHECK(s.idle == 1);
    CHECK(s.connections_expired == 2);
    CHECK(s.connections_lost == 0);
    CHECK(eventually([&] { return backends(oracle, name) == 1; }));
}

}  // namespace pool_lifecycle_test
