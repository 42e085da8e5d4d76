// SPDX-License-Identifier: BSL-1.0
// tests/asio/asio_checks.hpp: what the tests of typq::async_connection share: run() (a coroutine
// run to its end on an io_context of its own, its exception rethrown on the test's thread, where
// Catch's REQUIRE/CHECK work), the server's own view of a backend (the oracle: a synchronous
// typq::connection), a table that the oracle can see, and exceptions caught as values.

#ifndef TYPQ_TESTS_ASIO_ASIO_CHECKS_HPP
#define TYPQ_TESTS_ASIO_ASIO_CHECKS_HPP

#include "typq_test.hpp"

#include <typq/asio.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>       // bounds, elapsed time
#include <cstdint>      // std::int32_t, std::int64_t
#include <exception>    // std::exception_ptr
#include <stdexcept>    // body_failed: std::runtime_error
#include <string>       // names, statements
#include <string_view>  // patterns
#include <thread>       // std::this_thread::sleep_for
#include <typeinfo>     // typeid: the exact class thrown
#include <unistd.h>     // getpid: names unique across test processes run at once
#include <utility>      // std::move
#include <vector>       // ids

namespace asio_test {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test_clock = std::chrono::steady_clock;

/// Runs the coroutine `body()` (a callable returning asio::awaitable<void>) to its end on `io`,
/// on this thread, and rethrows what it threw. A coroutine still running after `bound` fails the
/// test instead of hanging it. `io` is restarted first, so that it can be run again and again.
///
/// Never write `co_await` inside CHECK/REQUIRE: Catch's macros repeat their expression in an
/// operand that is never evaluated (`false && ...`), and g++ 12 runs the co_await in it anyway:
/// the statement would run twice. Take the awaited value into a local, then check it.
template <class Body>
void run_on(asio::io_context& io, Body&& body, test_clock::duration bound = 20s)
{
    std::exception_ptr failure;
    bool finished = false;
    asio::co_spawn(io, std::forward<Body>(body), [&](std::exception_ptr thrown) {
        failure = std::move(thrown);
        finished = true;
    });
    io.restart();
    io.run_for(bound);
    if (!finished)
        FAIL("the coroutine did not finish within "
             << std::chrono::duration_cast<std::chrono::seconds>(bound).count() << " s");
    if (failure)
        std::rethrow_exception(failure);
}

/// As run_on(), on an io_context of its own.
template <class Body>
void run(Body&& body, test_clock::duration bound = 20s)
{
    asio::io_context io;
    run_on(io, std::forward<Body>(body), bound);
}

/// A new asynchronous connection to the test server, on the awaiting coroutine's executor.
inline asio::awaitable<typq::async_connection> connect(const typq::connection_options& options = {})
{
    co_return co_await typq::async_connection::connect(typq_test::dsn(), options);
}

/// Awaits `op` and returns what it threw (a null pointer when it threw nothing).
template <class T>
asio::awaitable<std::exception_ptr> thrown_by(asio::awaitable<T> op)
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

/// What `thrown` says (what()), or a note that it is null or not a std::exception.
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

/// True when `thrown` holds exactly an E (not a subclass, not another class).
template <class E>
bool is_exactly(const std::exception_ptr& thrown)
{
    if (!thrown)
        return false;
    try {
        std::rethrow_exception(thrown);
    }
    catch (const E& e) {
        return typeid(e) == typeid(E);
    }
    catch (...) {
        return false;
    }
}

/// True when `thrown` holds an E or a subclass of it.
template <class E>
bool is_a(const std::exception_ptr& thrown)
{
    if (!thrown)
        return false;
    try {
        std::rethrow_exception(thrown);
    }
    catch (const E&) {
        return true;
    }
    catch (...) {
        return false;
    }
}

/// The connection_error in `thrown` (broken() and sqlstate() to check); a default one when it holds none.
inline typq::connection_error as_connection_error(const std::exception_ptr& thrown)
{
    try {
        if (thrown)
            std::rethrow_exception(thrown);
    }
    catch (const typq::connection_error& e) {
        return e;
    }
    catch (...) {  // NOLINT(bugprone-empty-catch): the default below
    }
    return typq::connection_error("(no connection_error)", false);
}

/// A name unique to this test process: ctest runs test cases in parallel processes against one server.
inline std::string unique_name(const std::string& stem)
{
    return "typq_asio_" + stem + "_" + std::to_string(::getpid());
}

/// pg_stat_activity's state of backend `pid`, as the oracle sees it ("idle", "active",
/// "idle in transaction", ...), or "(gone)" when there is no such backend.
inline std::string backend_state(typq::connection& oracle, int pid)
{
    return oracle.query_value<std::string>(
        "SELECT coalesce((SELECT state FROM pg_stat_activity WHERE pid = $1), '(gone)')", pid);
}

/// Polls the oracle every 10 ms (blocking this thread) until backend `pid` is in `state` or
/// `bound` passes; returns whether it got there.
inline bool backend_reaches(typq::connection& oracle, int pid, const std::string& state, test_clock::duration bound = 5s)
{
    const auto deadline = test_clock::now() + bound;
    for (;;) {
        if (backend_state(oracle, pid) == state)
            return true;
        if (test_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(10ms);
    }
}

/// Terminates backend `pid` (when set) on destruction if it is still running a statement, so that
/// a test that failed while a long statement ran ends at once (and a shared_table declared
/// before it can drop its table without waiting for that statement's locks).
class backend_reaper {
public:
    explicit backend_reaper(typq::connection& oracle) : oracle_(oracle) {}
    backend_reaper(const backend_reaper&) = delete;
    backend_reaper& operator=(const backend_reaper&) = delete;
    ~backend_reaper()
    {
        try {
            if (pid != 0 && backend_state(oracle_, pid) == "active")
                (void)oracle_.query_value<bool>("SELECT pg_terminate_backend($1, 5000)", pid);
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
        }
    }
    int pid = 0;

private:
    typq::connection& oracle_;
};

/// What a test's coroutine throws of its own (not typq's), to check that it comes out unchanged.
class body_failed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Waits `delay` on a timer of the awaiting coroutine's executor.
inline asio::awaitable<void> sleep_for(test_clock::duration delay)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::use_awaitable);
}

/// A table `(id int4 PRIMARY KEY, note text)` that the oracle can see (a TEMP table is private to
/// its session), named after `stem` and this process, dropped on destruction. Its oracle reads
/// only committed rows.
class shared_table {
public:
    explicit shared_table(const std::string& stem) : oracle_(typq_test::connect()), name_(unique_name(stem))
    {
        oracle_.execute(typq::runtime("DROP TABLE IF EXISTS " + name_));
        oracle_.execute(typq::runtime("CREATE TABLE " + name_ + " (id int4 PRIMARY KEY, note text)"));
    }
    shared_table(const shared_table&) = delete;
    shared_table& operator=(const shared_table&) = delete;
    ~shared_table()
    {
        try {
            oracle_.execute(typq::runtime("DROP TABLE IF EXISTS " + name_));
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
        }
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] typq::connection& oracle() noexcept { return oracle_; }

    /// `pattern` with every `{t}` replaced by the table's name, as runtime SQL.
    [[nodiscard]] typq::runtime_sql sql(std::string_view pattern) const
    {
        std::string text(pattern);
        for (auto at = text.find("{t}"); at != std::string::npos; at = text.find("{t}", at + name_.size()))
            text.replace(at, 3, name_);
        return typq::runtime(std::move(text));
    }

    /// The committed ids, in order, as the oracle sees them.
    [[nodiscard]] std::vector<std::int32_t> ids()
    {
        return oracle_.query<std::int32_t>(sql("SELECT id FROM {t} ORDER BY id")).to_vector();
    }

private:
    typq::connection oracle_;
    std::string name_;
};

}  // namespace asio_test

#endif  // TYPQ_TESTS_ASIO_ASIO_CHECKS_HPP
