// SPDX-License-Identifier: BSL-1.0
// typq/pool.hpp: typq::pool, a pool of connections for threads: requests wait on a condition
// variable, worker threads owned by the pool make and expire connections; every decision about
// sizes, expiry, backoff and order is typq/detail/pool_core.hpp's, shared with typq::async_pool.

#ifndef TYPQ_POOL_HPP
#define TYPQ_POOL_HPP

#include <typq/config.hpp>
#include <typq/connection.hpp>
#include <typq/error.hpp>
#include <typq/pool_options.hpp>
#include <typq/detail/pool_core.hpp>

#include <chrono>              // timeouts
#include <condition_variable>  // requests and workers wait on the core's mutex
#include <cstddef>             // std::size_t
#include <exception>           // std::exception: messages of failed connection attempts
#include <memory>              // std::shared_ptr: the state leases share with the pool
#include <mutex>               // joining the workers once
#include <optional>            // a lease's connection
#include <string>              // conninfo, messages
#include <string_view>         // conninfo
#include <thread>              // the worker threads
#include <utility>             // std::move
#include <vector>              // workers; connections closed after the lock

namespace typq {

namespace detail {

// A request of typq::pool waits on its own condition variable, with the core's mutex.
struct pool_thread_waiter {
    std::condition_variable ready;
    void wake() noexcept { ready.notify_one(); }
};

// What a typq::pool, its worker threads and its leases share. Leases hold it, so that a lease
// that outlives its pool still has somewhere to return to (the connection is then closed).
class pool_state {
public:
    using core_type = pool_core<connection, pool_thread_waiter>;
    using entry = core_type::entry;
    using clock = core_type::clock;

    pool_state(std::string info, const pool_options& given) : core(given), conninfo(std::move(info)), options(given) {}

    // A connection vetted for the next user, waiting up to `timeout`.
    // @throws typq::pool_timeout, typq::too_many_requests, typq::pool_closed.
    TYPQ_DECL entry acquire(std::chrono::milliseconds timeout);
    // A lease's connection comes back: rolled back, reset, then idle (or to a waiting request),
    // or closed and replaced.
    TYPQ_DECL void give_back(entry&& e) noexcept;
    // Gives `e` to the core (`fit` for another user or not) and closes what the core lets go.
    TYPQ_DECL void put_back(entry&& e, bool fit) noexcept;
    // A worker thread's life: make connections, close expired ones, until the pool closes.
    TYPQ_DECL void work() noexcept;

    core_type core;
    const std::string conninfo;
    const pool_options options;
    std::condition_variable background;  // worker threads sleep here
    std::condition_variable changed;     // close() and wait(): a connection was made or came back

private:
    TYPQ_DECL void connect_one() noexcept;
    TYPQ_DECL bool ready_for_next(connection& c) const noexcept;
    TYPQ_DECL bool fit_to_hand_out(connection& c) const noexcept;
};

}  // namespace detail

/// A pool of connections to one server, safe to use from many threads. It opens min_size
/// connections in the background when it is made, lends them out with connection(), takes them
/// back when the lease ends (rolling back what the user left open), replaces those that are
/// lost, grows up to max_size while requests wait and shrinks back after max_idle. See
/// docs/pool.md.
///
/// `typq::pool pool{"postgresql:///app", {.min_size = 2, .max_size = 16}};`
/// `{ auto c = pool.connection(); c->execute("..."); }`
///
/// Neither copyable nor movable (its threads refer to it); hold it in a std::unique_ptr to move
/// it. Destroying it closes it without waiting for leases (see close()).
class pool {
public:
    class lease;

    /// Opens the pool: starts its worker threads (at most max_connecting), which connect with
    /// `conninfo` (as typq::connection does) until min_size connections are open. Connecting
    /// happens in the background: a server that cannot be reached makes requests time out
    /// (typq::pool_timeout says why), not this constructor fail; wait() waits for min_size.
    /// @throws typq::usage_error when the options make no sense (max_size < min_size, ...).
    TYPQ_DECL explicit pool(std::string_view conninfo, const pool_options& options = {});

    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;

    /// close(0): stops at once; leases still out close their connections when they end.
    TYPQ_DECL ~pool();

    /// Lends a connection, waiting up to the options' timeout for one: the lease gives it back
    /// when destroyed. Requests are served in the order they came. A connection handed out is
    /// open, outside any transaction block, and has passed the options' check; the pool
    /// discards those that fail and takes another.
    /// @throws typq::pool_timeout when none is free in time (what() gives the wait, the pool's
    ///         sizes and the last failed connection attempt); typq::too_many_requests when
    ///         max_waiting requests already wait; typq::pool_closed after close().
    [[nodiscard]] lease connection();

    /// As connection(), waiting up to `timeout`.
    [[nodiscard]] lease connection(std::chrono::milliseconds timeout);

    /// Blocks until min_size connections are open (psycopg_pool's wait()), for startup and tests.
    /// @throws typq::pool_timeout when they are not within `timeout` (the pool stays open and
    ///         keeps trying); typq::pool_closed.
    TYPQ_DECL void wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));

    /// Closes the pool: requests that wait and every later one fail with typq::pool_closed, idle
    /// connections are closed, and it waits up to `timeout` for the leases still out to end
    /// (their connections are closed as they come back, also after the timeout: the pool never
    /// closes a connection another thread is using), then stops its worker threads. Closing
    /// twice is harmless.
    /// @returns whether every lease had ended.
    TYPQ_DECL bool close(std::chrono::milliseconds timeout = std::chrono::seconds(5));

    /// Sizes and counters, as of now.
    [[nodiscard]] TYPQ_DECL pool_stats stats() const;

    /// A check for pool_options::check: one round trip (an empty query, which the server
    /// answers without parsing or planning anything). It finds a connection whose server went
    /// away without closing it (a network cut, a crashed host), which the pool's own check,
    /// free of round trips, cannot see; it costs a round trip per acquisition.
    /// `typq::pool pool{dsn, {.check = typq::pool::check_connection}};`
    /// @throws typq::connection_error when the connection is lost.
    static void check_connection(typq::connection& c) { (void)c.execute(""); }

private:
    TYPQ_DECL void stop() noexcept;

    std::shared_ptr<detail::pool_state> state_;
    std::mutex join_;  // close() may be called from several threads: the workers are joined once
    std::vector<std::thread> workers_;
};

/// A connection lent by a typq::pool, used through `->` and `*` as a `typq::connection&`; it
/// goes back to the pool when the lease is destroyed (or release()d). Move-only.
///
/// What comes back: a transaction block left open (or failed) is rolled back; a connection that
/// is broken, still runs a statement (a stream or COPY left unfinished outlives the lease), or
/// whose rollback or reset fails is closed and replaced in the background, never lent again.
/// Objects that refer to the connection (transactions, streams, cursors, prepared statements)
/// must not outlive the lease: the next user has the connection by then.
class pool::lease {
public:
    /// An empty lease, which holds no connection.
    lease() noexcept = default;
    /// Takes `other`'s connection; `other` is left empty.
    lease(lease&& other) noexcept : state_(std::move(other.state_)), entry_(std::move(other.entry_))
    {
        other.entry_.reset();
    }
    /// Gives back this lease's connection, then takes `other`'s.
    lease& operator=(lease&& other) noexcept
    {
        if (this != &other) {
            release();
            state_ = std::move(other.state_);
            entry_ = std::move(other.entry_);
            other.entry_.reset();
        }
        return *this;
    }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    /// Gives the connection back, as release() does.
    ~lease() { release(); }

    // As std::unique_ptr's, a lease's constness is not its connection's.
    /// The connection; the lease must hold one.
    [[nodiscard]] typq::connection& operator*() const noexcept { return entry_->conn; }
    /// The connection's members; the lease must hold one.
    [[nodiscard]] typq::connection* operator->() const noexcept { return &entry_->conn; }
    /// Whether it holds a connection (not moved from nor released).
    [[nodiscard]] explicit operator bool() const noexcept { return entry_.has_value(); }

    /// Gives the connection back now, as the destructor does; the lease is then empty.
    void release() noexcept
    {
        if (entry_) {
            detail::pool_state::entry back = std::move(*entry_);
            entry_.reset();
            state_->give_back(std::move(back));
        }
        state_.reset();
    }

private:
    friend class pool;
    lease(std::shared_ptr<detail::pool_state> state, detail::pool_state::entry&& e)
        : state_(std::move(state)), entry_(std::move(e))
    {
    }

    std::shared_ptr<detail::pool_state> state_;
    mutable std::optional<detail::pool_state::entry> entry_;
};

inline pool::lease pool::connection()
{
    return connection(state_->options.timeout);
}

inline pool::lease pool::connection(std::chrono::milliseconds timeout)
{
    return lease(state_, state_->acquire(timeout));
}

// Compiled once under TYPQ_SEPARATE_COMPILATION.
#if TYPQ_DEFINITIONS

TYPQ_DECL pool::pool(std::string_view conninfo, const pool_options& options)
    : state_(std::make_shared<detail::pool_state>(std::string(conninfo), options))
{
    const std::size_t max_size = options.max_size == 0 ? options.min_size : options.max_size;
    const std::size_t count = options.max_connecting < max_size ? options.max_connecting : max_size;
    try {
        workers_.reserve(count);
        for (std::size_t i = 0; i < count; ++i)
            workers_.emplace_back([state = state_.get()] { state->work(); });
    }
    catch (...) {
        stop();
        throw;
    }
}

TYPQ_DECL pool::~pool()
{
    stop();
}

TYPQ_DECL void pool::stop() noexcept
{
    try {
        (void)close(std::chrono::milliseconds(0));
    }
    catch (...) {  // a mutex that cannot be locked: nothing better to do in a destructor
    }
}

TYPQ_DECL void pool::wait(std::chrono::milliseconds timeout)
{
    detail::pool_state& s = *state_;
    const auto start = detail::pool_state::clock::now();
    auto lock = s.core.lock();
    const auto done = [&] { return s.core.closed(lock) || s.core.ready(lock); };
    const auto deadline = detail::pool_state::core_type::deadline(start, timeout);
    if (deadline == detail::pool_state::clock::time_point::max())
        s.changed.wait(lock, done);
    else
        (void)s.changed.wait_until(lock, deadline, done);
    if (s.core.closed(lock))
        throw pool_closed("typq::pool: the pool is closed");
    if (!s.core.ready(lock))
        throw s.core.not_ready(lock, detail::pool_state::clock::now() - start);
}

TYPQ_DECL bool pool::close(std::chrono::milliseconds timeout)
{
    detail::pool_state& s = *state_;
    std::vector<detail::pool_state::entry> dropped;
    bool all_back = false;
    {
        auto lock = s.core.lock();
        s.core.close(lock, dropped);
        s.background.notify_all();
        const auto deadline = detail::pool_state::core_type::deadline(detail::pool_state::clock::now(), timeout);
        const auto back = [&] { return s.core.in_use(lock) == 0; };
        if (deadline == detail::pool_state::clock::time_point::max())
            s.changed.wait(lock, back);
        else
            (void)s.changed.wait_until(lock, deadline, back);
        all_back = back();
    }
    dropped.clear();  // closes the idle connections, outside the lock
    const std::lock_guard<std::mutex> joining(join_);
    for (std::thread& worker : workers_)
        if (worker.joinable())
            worker.join();
    return all_back;
}

TYPQ_DECL pool_stats pool::stats() const
{
    auto lock = state_->core.lock();
    return state_->core.stats(lock);
}

namespace detail {

TYPQ_DECL pool_state::entry pool_state::acquire(std::chrono::milliseconds timeout)
{
    const clock::time_point start = clock::now();
    const clock::time_point deadline = core_type::deadline(start, timeout);
    core_type::request request(start);
    std::vector<entry> dropped;  // destroyed after the lock: closes what the core let go
    for (;;) {
        std::optional<entry> got;
        {
            auto lock = core.lock();
            core_type::acquired found = core.acquire(lock, request, clock::now(), dropped);
            if (found.kick)
                background.notify_one();
            got = std::move(found.conn);
            if (!got) {
                const auto done = [&] { return request.done(); };
                if (deadline == clock::time_point::max())
                    request.waiter.ready.wait(lock, done);
                else
                    (void)request.waiter.ready.wait_until(lock, deadline, done);
                got = core.take(lock, request);
                if (!got)
                    throw core.timed_out(lock, request, clock::now());
            }
        }
        dropped.clear();
        if (fit_to_hand_out(got->conn))
            return std::move(*got);
        // Discarded (and replaced in the background); this request takes the next connection,
        // first in line, within what is left of its timeout.
        put_back(std::move(*got), false);
    }
}

TYPQ_DECL bool pool_state::fit_to_hand_out(connection& c) const noexcept
{
    switch (core_type::vet(c)) {
    case core_type::verdict::discard: return false;
    case core_type::verdict::probe:
        try {
            pool::check_connection(c);
        }
        catch (...) {
            return false;
        }
        if (core_type::on_return(c) != core_type::comeback::keep)
            return false;
        break;
    case core_type::verdict::ready: break;
    }
    if (!options.check)
        return true;
    try {
        options.check(c);
    }
    catch (...) {
        return false;
    }
    return core_type::on_return(c) == core_type::comeback::keep;
}

TYPQ_DECL bool pool_state::ready_for_next(connection& c) const noexcept
{
    core_type::comeback what = core_type::on_return(c);
    if (what == core_type::comeback::roll_back) {
        try {
            (void)c.execute("ROLLBACK");
        }
        catch (...) {
            return false;
        }
        what = core_type::on_return(c);
    }
    if (what != core_type::comeback::keep)
        return false;
    if (!options.reset)
        return true;
    try {
        options.reset(c);
    }
    catch (...) {
        return false;
    }
    return core_type::on_return(c) == core_type::comeback::keep;
}

TYPQ_DECL void pool_state::give_back(entry&& e) noexcept
{
    const bool fit = ready_for_next(e.conn);
    put_back(std::move(e), fit);
}

TYPQ_DECL void pool_state::put_back(entry&& e, bool fit) noexcept
{
    std::vector<entry> dropped;  // destroyed after the lock: closes what the core let go
    try {
        auto lock = core.lock();
        if (core.release(lock, std::move(e), fit, clock::now(), dropped))
            background.notify_one();
        if (core.closed(lock))
            changed.notify_all();  // close() may be waiting for this connection
    }
    catch (...) {  // std::bad_alloc keeping a connection to close: `e` closes it instead
    }
}

TYPQ_DECL void pool_state::work() noexcept
{
    std::vector<entry> dropped;
    try {
        auto lock = core.lock();
        for (;;) {
            const core_type::chore chore = core.next_chore(lock, clock::now(), dropped);
            if (chore.stop)
                break;
            if (chore.more)
                background.notify_one();
            if (chore.connect || !dropped.empty()) {
                lock.unlock();
                dropped.clear();
                if (chore.connect)
                    connect_one();
                lock.lock();
                continue;
            }
            if (chore.wake_at == clock::time_point::max())
                background.wait(lock);
            else
                (void)background.wait_until(lock, chore.wake_at);
        }
    }
    catch (...) {  // the mutex or memory failed: this worker ends; close() still joins it
    }
}

TYPQ_DECL void pool_state::connect_one() noexcept
{
    std::optional<connection> made;
    std::string why;
    const char* stage = "";
    try {
        connection c(conninfo, options.connection);
        if (options.configure) {
            stage = "configure: ";
            options.configure(c);
            if (core_type::on_return(c) != core_type::comeback::keep)
                why = "configure left the connection in a transaction block (or broken); it was closed";
        }
        if (why.empty())
            made.emplace(std::move(c));
    }
    catch (const std::exception& e) {
        why = std::string(stage) + e.what();
    }
    catch (...) {
        why = std::string(stage) + "an exception that is not a std::exception";
    }
    std::vector<entry> dropped;
    try {
        auto lock = core.lock();
        const clock::time_point now = clock::now();
        const bool kick = made ? core.connected(lock, std::move(*made), now, dropped)
                               : core.connect_failed(lock, std::move(why), now);
        if (kick)
            background.notify_one();
        changed.notify_all();  // wait() may be waiting for min_size
    }
    catch (...) {  // as in give_back()
    }
}

}  // namespace detail

#endif  // TYPQ_DEFINITIONS

}  // namespace typq

#endif  // TYPQ_POOL_HPP
