// SPDX-License-Identifier: BSL-1.0
// tests/asio_pool/asio_pool_checks.hpp: what the tests of typq::async_pool share: run_on() (a
// coroutine run to its end on an io_context, its exception rethrown on the test's thread, where
// Catch's CHECK/REQUIRE work), coroutines started alongside and watched, polling with a bound,
// and, as in tests/pool/, a name for each pool's connections (its configure hook sets
// application_name) so that an oracle connection can find and terminate the pool's backends in
// pg_stat_activity.
//
// Never write `co_await` inside CHECK/REQUIRE: Catch's macros repeat their expression in an
// operand that is never evaluated, and g++ 12 runs the co_await in it anyway. Take the awaited
// value into a local, then check it.

#ifndef TYPQ_TESTS_ASIO_POOL_ASIO_POOL_CHECKS_HPP
#define TYPQ_TESTS_ASIO_POOL_ASIO_POOL_CHECKS_HPP

#include "typq_test.hpp"

#include <typq/asio.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>     // bounds, elapsed time
#include <cstdint>    // std::int64_t counts
#include <exception>  // std::exception_ptr
#include <string>     // names, messages
#include <typeinfo>   // typeid: the class thrown, in messages
#include <unistd.h>   // getpid: names unique across test processes run at once
#include <utility>    // std::move, std::forward

namespace asio_pool_test {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test_clock = std::chrono::steady_clock;
template <class T>
using awaitable = asio::awaitable<T>;

/// Runs the coroutine `body()` (a callable returning awaitable<void>) on `io`, on this thread,
/// until it ends, and rethrows what it threw. The io_context is stopped as soon as the body ends
/// (a pool's background work would keep it running), and restarted first, so that it can be run
/// again. A body still running after `bound` fails the test instead of hanging it.
template <class Body>
void run_on(asio::io_context& io, Body&& body, test_clock::duration bound = 20s)
{
    std::exception_ptr failure;
    bool finished = false;
    io.restart();
    asio::co_spawn(io, std::forward<Body>(body), [&](std::exception_ptr thrown) {
        failure = std::move(thrown);
        finished = true;
        io.stop();
    });
    io.run_for(bound);
    if (!finished)
        FAIL("the coroutine did not finish within " << std::chrono::duration_cast<std::chrono::seconds>(bound).count()
                                                    << " s");
    if (failure)
        std::rethrow_exception(failure);
}

/// A coroutine started next to the test's own (single-threaded io_context): whether it ended, and
/// what it threw.
struct spawned {
    bool done = false;
    std::exception_ptr error;
};

/// Starts `body()` on `executor`; `out` says when it has ended and what it threw. `out` must
/// outlive the coroutine.
template <class Executor, class Body>
void spawn(const Executor& executor, spawned& out, Body&& body)
{
    asio::co_spawn(executor, std::forward<Body>(body), [&out](std::exception_ptr thrown) {
        out.error = std::move(thrown);
        out.done = true;
    });
}

/// Waits `delay` on a timer of the awaiting coroutine's executor.
inline awaitable<void> sleep_for(test_clock::duration delay)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::use_awaitable);
}

/// Polls `done()` (which must not await) every 5 ms, letting the io_context work in between,
/// until it holds or `bound` passes; returns whether it held.
template <class Done>
awaitable<bool> eventually(Done done, test_clock::duration bound = 5s)
{
    const auto deadline = test_clock::now() + bound;
    for (;;) {
        if (done())
            co_return true;
        if (test_clock::now() >= deadline)
            co_return false;
        co_await sleep_for(5ms);
    }
}

/// Awaits `op` and returns what it threw (a null pointer when it threw nothing); what it returned
/// (a lease) is dropped at once.
template <class T>
awaitable<std::exception_ptr> thrown_by(awaitable<T> op)
{
    std::exception_ptr thrown;
    try {
        (void)co_await std::move(op);
    }
    catch (...) {
        thrown = std::current_exception();
    }
    co_return thrown;
}

/// The class and what() of `thrown`, for messages.
inline std::string describe(const std::exception_ptr& thrown)
{
    if (!thrown)
        return "(nothing was thrown)";
    try {
        std::rethrow_exception(thrown);
    }
    catch (const std::exception& e) {
        return std::string(typeid(e).name()) + ": " + e.what();
    }
    catch (...) {
        return "(not a std::exception)";
    }
}

/// An application_name unique to this test process: ctest runs test cases in parallel processes
/// against one server.
inline std::string unique_name(const std::string& what)
{
    return "typq_apool_" + what + "_" + std::to_string(::getpid());
}

/// Sets application_name to `name` on the connection (a configure hook's work).
inline awaitable<void> set_name(typq::async_connection& conn, std::string name)
{
    (void)co_await conn.execute("SELECT set_config('application_name', $1, false)", name);
}

/// Options whose configure hook names each connection `name`, on top of `options`.
inline typq::async_pool_options named(const std::string& name, typq::async_pool_options options = {})
{
    options.configure = [name](typq::async_connection& conn) -> awaitable<void> { co_await set_name(conn, name); };
    return options;
}

/// How many backends the server has with application_name `name` (the oracle blocks this thread).
inline std::int64_t backends(typq::connection& oracle, const std::string& name)
{
    return oracle.query_value<std::int64_t>("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", name);
}

/// Terminates the backend `pid` and waits (up to 5 s) until it has exited, so that its socket
/// already holds the server's farewell.
inline bool terminate(typq::connection& oracle, int pid)
{
    return oracle.query_value<bool>("SELECT pg_terminate_backend($1, 5000)", pid);
}

}  // namespace asio_pool_test

#endif  // TYPQ_TESTS_ASIO_POOL_ASIO_POOL_CHECKS_HPP
