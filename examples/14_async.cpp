// SPDX-License-Identifier: BSL-1.0
// 14_async: typq on Boost.Asio. Request handlers as coroutines on one io_context thread, sharing a
// typq::async_pool: typed queries awaited, a transaction that commits or rolls back whatever
// happens, and a statement bounded by a timeout (cancelled on the server when the timer wins),
// while the thread keeps serving the others.
//
// Run:  example_14_async [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/asio.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>     // timeouts
#include <cstdint>    // std::int64_t
#include <cstdlib>    // std::getenv
#include <exception>  // a handler's failure
#include <iostream>   // std::cout, std::cerr
#include <optional>   // a report that may time out
#include <string>     // conninfo, names

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;  // operator&& : run awaitables at once, wait for all

struct account {
    std::int64_t id;
    std::string owner;
    std::int64_t balance;
};

// One request: move `amount` from one account to another, atomically, and report the balances.
asio::awaitable<void> transfer(typq::async_pool& pool, std::int64_t from, std::int64_t to, std::int64_t amount)
{
    typq::async_pool::lease lease = co_await pool.connection();  // given back when the handler ends
    typq::async_connection& conn = *lease;
    // Committed when the body returns, rolled back (and awaited) when it throws.
    co_await conn.transaction([&]() -> asio::awaitable<void> {
        (void)co_await conn.execute("UPDATE example_accounts SET balance = balance - $1 WHERE id = $2", amount, from);
        (void)co_await conn.execute("UPDATE example_accounts SET balance = balance + $1 WHERE id = $2", amount, to);
    });
    const account a =
        co_await conn.query_one<account>("SELECT id, owner, balance FROM example_accounts WHERE id = $1", from);
    std::cout << "transfer of " << amount << " from " << a.owner << ": balance now " << a.balance << '\n';
}

// A report that must not take more than 200 ms: the time runs out, the server cancels the
// statement, and the connection is ready for the next one. (typq::within rather than racing a timer
// with ||, which in Boost 1.81 would drop the statement's own error and wait for the timer.)
asio::awaitable<void> bounded_report(typq::async_pool& pool)
{
    typq::async_pool::lease lease = co_await pool.connection();
    typq::async_connection& conn = *lease;
    const std::optional<std::string> report =
        co_await typq::within(conn.query_value<std::string>("SELECT pg_sleep(5)::text"), std::chrono::milliseconds(200));
    std::cout << (report ? "report done\n" : "report: timed out after 200 ms, cancelled on the server\n");
    std::cout << "report: the connection goes on: "
              << co_await conn.query_value<std::int64_t>("SELECT count(*) FROM example_accounts") << " accounts\n";
}

asio::awaitable<void> setup(const std::string& conninfo)
{
    typq::async_connection conn = co_await typq::async_connection::connect(conninfo);
    // A real table, since the pool's connections cannot share a temporary one; main() drops it.
    (void)co_await conn.execute("DROP TABLE IF EXISTS example_accounts");
    (void)co_await conn.execute(
        "CREATE TABLE example_accounts (id int8 PRIMARY KEY, owner text NOT NULL, balance int8 NOT NULL)");
    struct row {
        std::int64_t id;
        std::string owner;
        std::int64_t balance;
    };
    const row rows[] = {{1, "ada", 100}, {2, "grace", 100}, {3, "edsger", 100}};
    // One prepared statement, every row in one pipeline: one round trip.
    (void)co_await conn.execute_many(
        "INSERT INTO example_accounts (id, owner, balance) VALUES (:id, :owner, :balance)", rows);
}

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const std::string conninfo = argc > 1 ? argv[1] : env ? env : "";
    asio::io_context io;  // one thread serves every handler below
    bool failed = false;
    const auto report = [&](std::exception_ptr e) {
        if (!e)
            return;
        failed = true;
        try {
            std::rethrow_exception(e);
        }
        catch (const std::exception& x) {
            std::cerr << "error: " << x.what() << '\n';
        }
    };
    asio::co_spawn(io, setup(conninfo), report);
    io.run();
    if (failed)
        return 1;

    io.restart();
    // Two connections serve the three handlers below, which run at once; a handler waits (up to
    // .timeout) when both are lent. configure runs on each connection the pool makes.
    typq::async_pool pool(io.get_executor(), conninfo, {.min_size = 2, .max_size = 2,
        .timeout = std::chrono::seconds(10),
        .configure = [](typq::async_connection& c) -> asio::awaitable<void> {
            (void)co_await c.execute("SET application_name = 'example_14_async'");
        }});
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        // operator&&: the three handlers run at once, and this waits for all of them.
        co_await (transfer(pool, 1, 2, 10) && transfer(pool, 2, 3, 20) && bounded_report(pool));
        const typq::pool_stats stats = pool.stats();
        std::cout << "pool: " << stats.connections_made << " connections made, " << stats.acquisitions
                  << " acquisitions, " << stats.queued << " of them waited\n";
        {
            typq::async_pool::lease lease = co_await pool.connection();
            (void)co_await lease->execute("DROP TABLE example_accounts");
        }
        (void)co_await pool.close();  // its background work ends, and so does io.run()
    }, report);
    io.run();
    return failed ? 1 : 0;
}
