// SPDX-License-Identifier: BSL-1.0
// tests/asio_pool/lifecycle.cpp: what happens to a connection of a typq::async_pool: given back
// inside a transaction block (an async_transaction left open, BEGIN by hand, a failed block),
// given back still running a statement (an abandoned stream), terminated by the server while
// lent or while idle; the configure, reset and check hooks (coroutines); max_lifetime and
// max_idle. As tests/pool/lifecycle.cpp for typq::pool; a synchronous typq::connection (the
// oracle) says what the server sees.

#include "asio_pool_checks.hpp"

#include <cstdint>   // std::int32_t, std::int64_t
#include <set>       // backend pids
#include <string>    // names, states
#include <tuple>     // a COPY's rows
#include <vector>    // leases

namespace asio_pool_lifecycle_test {

using Catch::Contains;
using namespace asio_pool_test;

// A table of the oracle's, with a primary key: a row inserted by a transaction still open holds
// its key, and the oracle's own insert of that key waits for it (up to lock_timeout).
struct scratch_table {
    typq::connection& oracle;
    std::string name;
    scratch_table(typq::connection& conn, const std::string& what) : oracle(conn), name(unique_name(what))
    {
        (void)oracle.execute(typq::runtime("DROP TABLE IF EXISTS " + name));
        (void)oracle.execute(typq::runtime("CREATE TABLE " + name + " (id int4 PRIMARY KEY)"));
    }
    scratch_table(const scratch_table&) = delete;
    scratch_table& operator=(const scratch_table&) = delete;
    ~scratch_table()
    {
        try {
            (void)oracle.execute(typq::runtime("DROP TABLE IF EXISTS " + name));
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
        }
    }
    [[nodiscard]] std::string insert() const { return "INSERT INTO " + name + " VALUES (1)"; }
    [[nodiscard]] std::string count() const { return "SELECT count(*) FROM " + name; }
};

// pg_stat_activity's state of backend `pid` ("idle", "idle in transaction", ...), "(gone)" when
// it has exited.
std::string backend_state(typq::connection& oracle, int pid)
{
    return oracle.query_value<std::string>(
        "SELECT coalesce((SELECT state FROM pg_stat_activity WHERE pid = $1), '(gone)')", pid);
}

TEST_CASE("an async_pool's lease given back inside a transaction block leaves its connection idle, its work rolled back",
    "[asio_pool][return]")
{
    typq::connection oracle = typq_test::connect();
    const scratch_table table(oracle, "tx");
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 5s});
    run_on(io, [&]() -> awaitable<void> {
        int pid = 0;
        SECTION("an async_transaction left open (co_await c->begin())")
        {
            auto c = co_await pool.connection();
            pid = c->backend_pid();
            auto tx = co_await c->begin();
            (void)co_await c->execute(typq::runtime(table.insert()));
            const auto rows = co_await c->query_value<std::int64_t>(typq::runtime(table.count()));
            CHECK(rows == 1);
            CHECK(c->transaction_status() == typq::transaction_status::in_transaction);
        }  // tx, then the lease
        SECTION("BEGIN by hand (c->execute(\"BEGIN\"))")
        {
            auto c = co_await pool.connection();
            pid = c->backend_pid();
            (void)co_await c->execute("BEGIN");
            (void)co_await c->execute(typq::runtime(table.insert()));
            CHECK(c->transaction_status() == typq::transaction_status::in_transaction);
        }
        SECTION("a failed transaction block")
        {
            auto c = co_await pool.connection();
            pid = c->backend_pid();
            (void)co_await c->execute("BEGIN");
            (void)co_await c->execute(typq::runtime(table.insert()));
            const std::exception_ptr failed = co_await thrown_by(c->query_value<std::int32_t>("SELECT 1 / $1", 0));
            REQUIRE_THROWS_AS(typq_test::rethrow(failed), typq::division_by_zero);
            CHECK(c->transaction_status() == typq::transaction_status::in_error);
        }
        SECTION("an async_transaction that ended inside the lease (control: nothing to roll back)")
        {
            auto c = co_await pool.connection();
            pid = c->backend_pid();
            {
                auto tx = co_await c->begin();
                (void)co_await c->execute(typq::runtime(table.insert()));
                co_await tx.rollback();
            }
            CHECK(c->transaction_status() == typq::transaction_status::idle);
        }

        // The rollback is a round trip, done by a coroutine of the pool's: the next request waits for it.
        auto next = co_await pool.connection();
        CHECK(next->backend_pid() == pid);  // the same connection, kept
        CHECK(next->transaction_status() == typq::transaction_status::idle);
        const auto rows = co_await next->query_value<std::int64_t>(typq::runtime(table.count()));
        CHECK(rows == 0);
        // The server agrees: the session is not in a transaction, and holds no row lock.
        CHECK(backend_state(oracle, pid) == "idle");
        (void)oracle.execute("SET lock_timeout = '1s'");
        CHECK_NOTHROW(oracle.execute(typq::runtime(table.insert())));
        const typq::pool_stats s = pool.stats();
        CHECK(s.connections_lost == 0);
        CHECK(s.connections_made == 1);
    });
}

TEST_CASE("an async_pool's connection still running a statement when its lease ends (an abandoned stream) is closed and replaced",
    "[asio_pool][return]")
{
    typq::connection oracle = typq_test::connect();
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 5s});
    run_on(io, [&]() -> awaitable<void> {
        int pid = 0;
        {
            auto c = co_await pool.connection();
            pid = c->backend_pid();
            auto rows = co_await c->stream<std::int32_t>("SELECT generate_series(1, 1000000)");
            const std::int32_t* first = co_await rows.next();
            REQUIRE(first != nullptr);
            CHECK(*first == 1);
            CHECK(c->transaction_status() == typq::transaction_status::active);
        }  // the stream, abandoned, then the lease
        CHECK(pool.stats().connections_lost == 1);

        auto next = co_await pool.connection();
        CHECK(next->backend_pid() != pid);
        CHECK(next->transaction_status() == typq::transaction_status::idle);
        const auto one = co_await next->query_value<std::int32_t>("SELECT 1");
        CHECK(one == 1);
        const typq::pool_stats s = pool.stats();
        CHECK(s.connections_made == 2);
        CHECK(s.size == 1);
        const bool gone = co_await eventually([&] { return backend_state(oracle, pid) == "(gone)"; });
        CHECK(gone);
    });
}

TEST_CASE("an async_pool's lease given back mid-pipeline or mid-COPY: the pool finishes what was left, and the next user "
          "gets the same connection, idle",
    "[asio_pool][return]")
{
    typq::connection oracle = typq_test::connect();
    const scratch_table table(oracle, "left");
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 5s});
    run_on(io, [&]() -> awaitable<void> {
        int pid = 0;
        std::int64_t landed = 0;  // what the server must hold afterwards
        SECTION("a pipeline with statements queued and unread: they run, as at a pipeline's end")
        {
            auto c = co_await pool.connection();
            pid = c->backend_pid();
            auto p = co_await c->pipeline();
            auto inserted = co_await p.execute(typq::runtime(table.insert()));
            auto slept = co_await p.query_value<std::int32_t>("SELECT 1 FROM pg_sleep(0.2)");
            (void)inserted;
            (void)slept;
            landed = 1;
        }  // the pipeline, then the lease
        SECTION("a pipeline whose results were all read")
        {
            auto c = co_await pool.connection();
            pid = c->backend_pid();
            auto p = co_await c->pipeline();
            auto one = co_await p.query_value<std::int32_t>("SELECT 1");
            const auto got = co_await one.get();
            CHECK(got == 1);
        }
        SECTION("a COPY FROM STDIN with rows written and no finish(): aborted, nothing lands")
        {
            auto c = co_await pool.connection();
            pid = c->backend_pid();
            auto w = co_await c->copy_in<std::tuple<std::int32_t>>(table.name);
            const std::tuple<std::int32_t> row{7};
            co_await w.write(row);
            CHECK(c->transaction_status() == typq::transaction_status::active);
        }
        auto next = co_await pool.connection();
        CHECK(next->backend_pid() == pid);  // the same connection, kept
        CHECK(next->transaction_status() == typq::transaction_status::idle);
        CHECK(backend_state(oracle, pid) == "idle");
        const auto rows = co_await next->query_value<std::int64_t>(typq::runtime(table.count()));
        CHECK(rows == landed);
        CHECK(oracle.query_value<std::int64_t>(typq::runtime(table.count())) == landed);
        const typq::pool_stats s = pool.stats();
        CHECK(s.connections_lost == 0);
        CHECK(s.connections_made == 1);
    });
}

TEST_CASE("an async_pool's lease whose backend was terminated is discarded, and the pool is back at min_size within 2 s",
    "[asio_pool][broken]")
{
    const std::string name = unique_name("terminated");
    typq::connection oracle = typq_test::connect();
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), named(name, {.min_size = 2, .max_size = 2, .timeout = 5s}));
    run_on(io, [&]() -> awaitable<void> {
        co_await pool.wait(5s);
        int pid = 0;
        {
            auto c = co_await pool.connection();
            pid = c->backend_pid();
            REQUIRE(terminate(oracle, pid));
            const std::exception_ptr thrown = co_await thrown_by(c->execute("SELECT 1"));
            INFO(describe(thrown));
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
        const auto start = test_clock::now();
        const bool back = co_await eventually([&] {
            const typq::pool_stats s = pool.stats();
            return s.size == 2 && s.idle == 2;
        }, 2s);
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(test_clock::now() - start);
        CAPTURE(took.count());
        REQUIRE(back);
        CHECK(pool.stats().connections_made == 3);
        CHECK(backends(oracle, name) == 2);

        auto a = co_await pool.connection();
        auto b = co_await pool.connection();
        CHECK(a->backend_pid() != pid);
        CHECK(b->backend_pid() != pid);
        const auto one = co_await a->query_value<std::int32_t>("SELECT 1");
        const auto two = co_await b->query_value<std::int32_t>("SELECT 2");
        CHECK(one == 1);
        CHECK(two == 2);
    });
}

TEST_CASE("an async_pool never hands out idle connections whose backends were terminated", "[asio_pool][broken]")
{
    const std::string name = unique_name("idle_terminated");
    typq::connection oracle = typq_test::connect();
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), named(name, {.min_size = 2, .max_size = 2, .timeout = 5s}));
    run_on(io, [&]() -> awaitable<void> {
        co_await pool.wait(5s);
        std::set<int> old;
        {
            auto a = co_await pool.connection();
            auto b = co_await pool.connection();
            old = {a->backend_pid(), b->backend_pid()};
        }
        for (const int pid : old)
            REQUIRE(terminate(oracle, pid));

        // The pool sees the server's farewell on the idle sockets: both leases get new
        // connections that work.
        auto a = co_await pool.connection();
        auto b = co_await pool.connection();
        CHECK(a->state() == typq::connection_state::open);
        CHECK(b->state() == typq::connection_state::open);
        const auto one = co_await a->query_value<std::int32_t>("SELECT 1");
        const auto two = co_await b->query_value<std::int32_t>("SELECT 2");
        CHECK(one == 1);
        CHECK(two == 2);
        CHECK(old.count(a->backend_pid()) == 0);
        CHECK(old.count(b->backend_pid()) == 0);
        const typq::pool_stats s = pool.stats();
        CHECK(s.connections_lost == 2);
        CHECK(s.acquisitions == 4);
    });
}

TEST_CASE("an async_pool's configure coroutine runs once on each new connection", "[asio_pool][hooks]")
{
    const std::string name = unique_name("configure");
    typq::connection oracle = typq_test::connect();
    int configured = 0;
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 3, .max_size = 3,
        .configure = [&](typq::async_connection& conn) -> awaitable<void> {
            (void)co_await conn.execute(typq::runtime("SET application_name = '" + name + "'"));
            ++configured;
        }});
    run_on(io, [&]() -> awaitable<void> {
        co_await pool.wait(5s);
        CHECK(configured == 3);
        CHECK(backends(oracle, name) == 3);  // as the server sees it
        for (int i = 0; i < 10; ++i) {
            auto c = co_await pool.connection();
            const auto seen = co_await c->query_value<std::string>("SELECT current_setting('application_name')");
            CHECK(seen == name);
        }
        CHECK(configured == 3);
        CHECK(pool.stats().connections_made == 3);
    });
}

TEST_CASE("an async_pool's configure coroutine that fails discards the connection and counts as a failed attempt",
    "[asio_pool][hooks]")
{
    asio::io_context io;
    SECTION("it throws")
    {
        typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .timeout = 300ms,
            .reconnect = {.initial = 20ms, .max_delay = 50ms},
            .configure = [](typq::async_connection& conn) -> awaitable<void> {
                (void)co_await conn.execute("SELECT 1");
                throw typq::usage_error("no configuration today");
            }});
        run_on(io, [&]() -> awaitable<void> {
            const std::exception_ptr thrown = co_await thrown_by(pool.connection());
            REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::pool_timeout);
            REQUIRE_THROWS_WITH(typq_test::rethrow(thrown),
                Contains("the last attempt to connect failed: configure: no configuration today"));
        });
        const typq::pool_stats s = pool.stats();
        CHECK(s.connect_failures >= 2);
        CHECK(s.size == 0);
        CHECK(s.connections_made == 0);
    }
    SECTION("it leaves a transaction block open")
    {
        typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .timeout = 300ms,
            .reconnect = {.initial = 20ms, .max_delay = 50ms},
            .configure = [](typq::async_connection& conn) -> awaitable<void> { (void)co_await conn.execute("BEGIN"); }});
        run_on(io, [&]() -> awaitable<void> {
            const std::exception_ptr first = co_await thrown_by(pool.wait(300ms));
            REQUIRE_THROWS_AS(typq_test::rethrow(first), typq::pool_timeout);
            const std::exception_ptr second = co_await thrown_by(pool.wait(10ms));
            REQUIRE_THROWS_WITH(typq_test::rethrow(second), Contains("configure left the connection in a transaction block"));
        });
        CHECK(pool.stats().connections_made == 0);
        CHECK(pool.stats().connect_failures >= 2);
    }
}

TEST_CASE("an async_pool's reset coroutine runs on each connection that comes back, and one that throws discards it",
    "[asio_pool][hooks]")
{
    int resets = 0;
    bool fail = false;
    typq::transaction_status seen_by_reset = typq::transaction_status::unknown;
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 5s,
        .reset = [&](typq::async_connection& conn) -> awaitable<void> {
            ++resets;
            seen_by_reset = conn.transaction_status();
            (void)co_await conn.execute("RESET statement_timeout");
            if (fail)
                throw typq::usage_error("cannot reset");
        }});
    run_on(io, [&]() -> awaitable<void> {
        int pid = 0;
        {
            auto c = co_await pool.connection();
            pid = c->backend_pid();
            (void)co_await c->execute("SET statement_timeout = '1234ms'");
        }
        // A coroutine of the pool's runs it: the next request waits for it.
        {
            auto c = co_await pool.connection();
            CHECK(resets == 1);
            CHECK(c->backend_pid() == pid);
            const auto timeout = co_await c->query_value<std::string>("SHOW statement_timeout");
            CHECK(timeout == "0");
            (void)co_await c->execute("SET statement_timeout = '1234ms'");
            (void)co_await c->execute("BEGIN");  // rolled back first, then reset
        }
        {
            auto c = co_await pool.connection();
            CHECK(resets == 2);
            CHECK(seen_by_reset == typq::transaction_status::idle);
            CHECK(c->backend_pid() == pid);
            const auto timeout = co_await c->query_value<std::string>("SHOW statement_timeout");
            CHECK(timeout == "0");
            fail = true;
        }
        const bool discarded = co_await eventually([&] { return pool.stats().connections_lost == 1; }, 2s);
        CHECK(discarded);
        CHECK(resets == 3);
        fail = false;
        auto c = co_await pool.connection();
        CHECK(c->backend_pid() != pid);
        CHECK(resets == 3);
        CHECK(pool.stats().connections_made == 2);
    });
}

TEST_CASE("an async_pool's check coroutine runs before each connection is handed out, and one that fails it is replaced",
    "[asio_pool][hooks]")
{
    asio::io_context io;
    SECTION("typq::async_pool::check_connection")
    {
        typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .check = typq::async_pool::check_connection});
        run_on(io, [&]() -> awaitable<void> {
            for (int i = 0; i < 3; ++i) {
                auto c = co_await pool.connection(5s);
                const auto one = co_await c->query_value<std::int32_t>("SELECT 1");
                CHECK(one == 1);
            }
            CHECK(pool.stats().connections_lost == 0);
            auto conn = co_await typq::async_connection::connect(typq_test::dsn());
            co_await typq::async_pool::check_connection(conn);
            conn.close();
            const std::exception_ptr closed = co_await thrown_by(typq::async_pool::check_connection(conn));
            REQUIRE_THROWS_AS(typq_test::rethrow(closed), typq::connection_error);
        });
    }
    SECTION("a check that throws once")
    {
        int checks = 0;
        typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 5s,
            .check = [&](typq::async_connection& conn) -> awaitable<void> {
                (void)co_await conn.execute("");
                if (++checks == 1)
                    throw typq::usage_error("not this one");
            }});
        run_on(io, [&]() -> awaitable<void> {
            co_await pool.wait(5s);
            {
                auto c = co_await pool.connection();
                CHECK(checks == 2);
                const auto one = co_await c->query_value<std::int32_t>("SELECT 1");
                CHECK(one == 1);
            }
            typq::pool_stats s = pool.stats();
            CHECK(s.connections_lost == 1);
            CHECK(s.connections_made == 2);
            CHECK(s.acquisitions == 1);  // one request, served once in the end
            for (int i = 0; i < 3; ++i)
                (void)co_await pool.connection();
            CHECK(checks == 5);  // once per acquisition
            s = pool.stats();
            CHECK(s.acquisitions == 4);
            CHECK(s.connections_lost == 1);
        });
    }
}

TEST_CASE("an async_pool's connections expire after max_lifetime, idle or in use", "[asio_pool][expiry]")
{
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), {.min_size = 1, .max_size = 1, .timeout = 5s,
        .max_lifetime = 300ms});
    run_on(io, [&]() -> awaitable<void> {
        int pid = 0;
        {
            auto c = co_await pool.connection();
            pid = c->backend_pid();
        }
        SECTION("idle: the pool closes and replaces it by itself")
        {
            const bool replaced = co_await eventually([&] {
                const typq::pool_stats s = pool.stats();
                return s.connections_expired >= 1 && s.idle == 1;
            }, 3s);
            REQUIRE(replaced);
        }
        SECTION("in use: when it comes back")
        {
            auto c = co_await pool.connection();
            if (c->backend_pid() == pid) {  // not yet replaced: hold it past its lifetime
                co_await sleep_for(350ms);
                c.release();
            }
            const bool expired = co_await eventually([&] { return pool.stats().connections_expired >= 1; }, 3s);
            REQUIRE(expired);
        }
        auto c = co_await pool.connection();
        CHECK(c->backend_pid() != pid);
        CHECK(pool.stats().connections_lost == 0);
    });
}

TEST_CASE("an async_pool closes connections idle longer than max_idle, down to min_size", "[asio_pool][expiry]")
{
    const std::string name = unique_name("idle");
    typq::connection oracle = typq_test::connect();
    asio::io_context io;
    typq::async_pool pool(io.get_executor(), typq_test::dsn(), named(name, {.min_size = 1, .max_size = 3, .timeout = 5s,
        .max_idle = 300ms}));
    run_on(io, [&]() -> awaitable<void> {
        {
            std::vector<typq::async_pool::lease> held;
            for (int i = 0; i < 3; ++i)
                held.push_back(co_await pool.connection());
            CHECK(pool.stats().size == 3);
        }
        CHECK(pool.stats().idle == 3);
        const bool shrunk = co_await eventually([&] { return pool.stats().size == 1; }, 3s);
        REQUIRE(shrunk);
        co_await sleep_for(400ms);  // and no further
        const typq::pool_stats s = pool.stats();
        CHECK(s.size == 1);
        CHECK(s.idle == 1);
        CHECK(s.connections_expired == 2);
        CHECK(s.connections_lost == 0);
        const bool closed = co_await eventually([&] { return backends(oracle, name) == 1; });
        CHECK(closed);
    });
}

}  // namespace asio_pool_lifecycle_test
