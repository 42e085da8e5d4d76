// SPDX-License-Identifier: BSL-1.0
// typq/asio/pool.hpp: typq::async_pool, a pool of typq::async_connection for coroutines. Every
// decision about sizes, order, expiry and backoff is typq/detail/pool_core.hpp's, shared with
// typq::pool; this file only says how to wait (a channel per request, raced with a timer) and
// does the background work as coroutines on the pool's executor instead of threads.

#ifndef TYPQ_ASIO_POOL_HPP
#define TYPQ_ASIO_POOL_HPP

#include <typq/error.hpp>
#include <typq/pool_options.hpp>
#include <typq/asio/connection.hpp>
#include <typq/detail/pool_core.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>   // std::max: the bound of a connection attempt
#include <chrono>      // timeouts
#include <exception>   // std::exception_ptr: a cancelled wait, rethrown after withdrawing
#include <functional>  // std::function: the hooks
#include <memory>      // std::shared_ptr: the state leases and background coroutines share
#include <optional>    // a lease's connection
#include <string>      // conninfo, messages
#include <utility>     // std::move
#include <vector>      // connections closed after the lock

namespace typq {

/// typq::async_pool's options (see typq::basic_pool_options); its hooks are coroutines:
/// `.configure = [](typq::async_connection& c) -> boost::asio::awaitable<void> { co_await c.execute("SET ..."); }`.
using async_pool_options = basic_pool_options<std::function<boost::asio::awaitable<void>(async_connection&)>>;

namespace detail {

// A request of typq::async_pool waits on a channel of its own: the core wakes it (under its lock,
// from whatever thread returned or made a connection) by sending into it.
struct pool_asio_waiter {
    explicit pool_asio_waiter(const boost::asio::any_io_executor& executor) : ready(executor, 1) {}
    boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> ready;
    void wake() noexcept
    {
        try {
            (void)ready.try_send(boost::system::error_code{});
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a full channel has a wake-up already
        }
    }
};

// What an async_pool, its background coroutines and its leases share.
class async_pool_state {
public:
    using core_type = pool_core<async_connection, pool_asio_waiter>;
    using entry = core_type::entry;
    using clock = core_type::clock;

    async_pool_state(boost::asio::any_io_executor executor, std::string info, async_pool_options given)
        : core(given), conninfo(std::move(info)), options(std::move(given)), executor_(std::move(executor)),
          kick_(executor_, 1)
    {
    }

    core_type core;
    const std::string conninfo;
    const async_pool_options options;

    [[nodiscard]] const boost::asio::any_io_executor& executor() const noexcept { return executor_; }

    // Wakes the background coroutine (any thread).
    void kick() noexcept
    {
        try {
            (void)kick_.try_send(boost::system::error_code{});
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a full channel has a kick already
        }
    }

    // Gives `e` back to the core (`fit` for another user or not) and closes what it lets go.
    void put_back(entry&& e, bool fit) noexcept
    {
        std::vector<entry> dropped;
        try {
            auto lock = core.lock();
            if (core.release(lock, std::move(e), fit, clock::now(), dropped))
                kick();
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): std::bad_alloc: `e` closes its connection instead
        }
    }

    // A connection vetted for the next user, waiting up to `timeout`.
    boost::asio::awaitable<entry> acquire(std::chrono::milliseconds timeout);

    // Whether a returned connection holds an abandoned operation to finish before it is lent again
    // (see async_connection::leftovers_to_finish()).
    [[nodiscard]] static bool must_settle(const async_connection& c) noexcept { return c.leftovers_to_finish(); }

    // A lease's connection comes back, needing a rollback or the reset hook first. The state is
    // held by the coroutine: the pool (and the lease) may be gone by the time it runs.
    static boost::asio::awaitable<void> give_back(std::shared_ptr<async_pool_state> self, entry e);

    // Makes connections and expires them until the pool closes.
    static boost::asio::awaitable<void> background(std::shared_ptr<async_pool_state> self);

private:
    boost::asio::awaitable<bool> fit_to_hand_out(async_connection& c);
    static boost::asio::awaitable<void> connect_one(std::shared_ptr<async_pool_state> self);

    boost::asio::any_io_executor executor_;
    boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> kick_;
};

}  // namespace detail

/// A pool of typq::async_connection for coroutines: `auto c = co_await pool.connection();` lends one
/// (`c->`, `*c` are the async_connection), given back when the lease is destroyed. Everything
/// typq::pool does (sizes, order, max_waiting, expiry, backoff, what happens on return; see
/// docs/pool.md), with waits that suspend the coroutine instead of blocking the thread.
///
/// Threads: the pool, its leases and its connections may be used from several threads running the
/// pool's io_context (its core is locked, and each request waits on a concurrent channel); a
/// connection is used by one coroutine at a time, as always. The background work (connecting,
/// expiring) runs as coroutines on the executor the pool was made with, and so do the connections
/// it makes.
///
/// Not copyable nor movable; destroying it closes it (leases still out close their connections
/// when they end).
class async_pool {
public:
    class lease;

    /// Opens the pool on `executor` and starts connecting (min_size connections) in the
    /// background.
    /// @throws typq::usage_error when the options make no sense.
    async_pool(boost::asio::any_io_executor executor, std::string conninfo, async_pool_options options = {})
        : state_(std::make_shared<detail::async_pool_state>(executor, std::move(conninfo), std::move(options)))
    {
        boost::asio::co_spawn(state_->executor(), detail::async_pool_state::background(state_), boost::asio::detached);
    }
    async_pool(const async_pool&) = delete;
    async_pool& operator=(const async_pool&) = delete;
    /// Closes the pool: leases still out close their connections when they end.
    ~async_pool() { close_now(); }

    /// Lends a connection, waiting up to the options' timeout.
    /// @throws typq::pool_timeout, typq::too_many_requests, typq::pool_closed as pool::connection().
    ///         A wait cancelled through Asio leaves the queue and throws boost::system::system_error
    ///         (operation_aborted).
    boost::asio::awaitable<lease> connection();
    /// As connection(), waiting up to `timeout`.
    boost::asio::awaitable<lease> connection(std::chrono::milliseconds timeout);

    /// Waits until min_size connections are open.
    /// @throws typq::pool_timeout when they are not within `timeout`; typq::pool_closed.
    boost::asio::awaitable<void> wait(std::chrono::milliseconds timeout = std::chrono::seconds(30))
    {
        const auto start = detail::async_pool_state::clock::now();
        boost::asio::steady_timer tick(co_await boost::asio::this_coro::executor);
        for (;;) {
            {
                auto lock = state_->core.lock();
                if (state_->core.closed(lock))
                    throw pool_closed("typq::async_pool: the pool is closed");
                if (state_->core.ready(lock))
                    co_return;
                if (detail::async_pool_state::clock::now() - start >= timeout)
                    throw state_->core.not_ready(lock, detail::async_pool_state::clock::now() - start);
            }
            tick.expires_after(std::chrono::milliseconds(5));
            co_await tick.async_wait(boost::asio::use_awaitable);
        }
    }

    /// Closes the pool: waiting and later requests fail with typq::pool_closed, idle connections
    /// are closed, and it waits up to `timeout` for the leases out to end.
    /// @returns whether every lease had ended.
    boost::asio::awaitable<bool> close(std::chrono::milliseconds timeout = std::chrono::seconds(5))
    {
        close_now();
        const auto start = detail::async_pool_state::clock::now();
        boost::asio::steady_timer tick(co_await boost::asio::this_coro::executor);
        for (;;) {
            {
                auto lock = state_->core.lock();
                if (state_->core.in_use(lock) == 0)
                    co_return true;
            }
            if (detail::async_pool_state::clock::now() - start >= timeout)
                co_return false;
            tick.expires_after(std::chrono::milliseconds(5));
            co_await tick.async_wait(boost::asio::use_awaitable);
        }
    }

    /// Sizes and counters, as of now.
    [[nodiscard]] pool_stats stats() const
    {
        auto lock = state_->core.lock();
        return state_->core.stats(lock);
    }

    /// A check for async_pool_options::check: one round trip (see pool::check_connection()).
    static boost::asio::awaitable<void> check_connection(async_connection& c) { (void)co_await c.execute(""); }

private:
    void close_now() noexcept
    {
        std::vector<detail::async_pool_state::entry> dropped;
        try {
            auto lock = state_->core.lock();
            state_->core.close(lock, dropped);
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a mutex that cannot be locked
        }
        state_->kick();  // the background coroutine sees the pool closed and ends
    }

    std::shared_ptr<detail::async_pool_state> state_;
};

/// A connection lent by a typq::async_pool: `->` and `*` give the typq::async_connection. Given
/// back when destroyed (or release()d): a connection idle and outside a transaction block goes back
/// at once; one inside a transaction block is rolled back first (by a coroutine on the pool's
/// executor), and one that is broken or still running a statement is closed and replaced.
class async_pool::lease {
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
    [[nodiscard]] async_connection& operator*() const noexcept { return entry_->conn; }
    /// The connection's members; the lease must hold one.
    [[nodiscard]] async_connection* operator->() const noexcept { return &entry_->conn; }
    /// Whether it holds a connection (not moved from nor released).
    [[nodiscard]] explicit operator bool() const noexcept { return entry_.has_value(); }

    /// Gives the connection back now, as the destructor does.
    void release() noexcept
    {
        if (!entry_)
            return;
        detail::async_pool_state::entry back = std::move(*entry_);
        entry_.reset();
        const std::shared_ptr<detail::async_pool_state> state = std::move(state_);
        using core = detail::async_pool_state::core_type;
        const core::comeback what = core::on_return(back.conn);
        // An abandoned pipeline (its statements still to run) or COPY FROM STDIN is finished before
        // the connection is lent again.
        const bool settle = detail::async_pool_state::must_settle(back.conn);
        if (!settle && (what == core::comeback::discard || (what == core::comeback::keep && !state->options.reset))) {
            state->put_back(std::move(back), what == core::comeback::keep);
            return;
        }
        // Settling, a rollback or the reset hook needs the server: a coroutine does it.
        try {
            boost::asio::co_spawn(state->executor(), detail::async_pool_state::give_back(state, std::move(back)),
                boost::asio::detached);
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the connection is closed with `back`
        }
    }

private:
    friend class async_pool;
    lease(std::shared_ptr<detail::async_pool_state> state, detail::async_pool_state::entry&& e)
        : state_(std::move(state)), entry_(std::move(e))
    {
    }

    std::shared_ptr<detail::async_pool_state> state_;
    mutable std::optional<detail::async_pool_state::entry> entry_;
};

inline boost::asio::awaitable<async_pool::lease> async_pool::connection()
{
    return connection(std::chrono::duration_cast<std::chrono::milliseconds>(state_->core.timeout()));
}

inline boost::asio::awaitable<async_pool::lease> async_pool::connection(std::chrono::milliseconds timeout)
{
    co_return lease(state_, co_await state_->acquire(timeout));
}

namespace detail {

inline boost::asio::awaitable<async_pool_state::entry> async_pool_state::acquire(std::chrono::milliseconds timeout)
{
    using namespace boost::asio::experimental::awaitable_operators;
    const auto executor = co_await boost::asio::this_coro::executor;
    const clock::time_point start = clock::now();
    const clock::time_point deadline = core_type::deadline(start, timeout);
    core_type::request request(start, executor);
    // However this coroutine ends (cancelled through Asio, its frame destroyed while it waits), the
    // request leaves the queue, and a connection granted to it meanwhile goes back to the pool.
    struct leave_queue {
        leave_queue(async_pool_state& owner, core_type::request& queued) noexcept : self(owner), r(queued) {}
        async_pool_state& self;
        core_type::request& r;
        leave_queue(const leave_queue&) = delete;
        leave_queue& operator=(const leave_queue&) = delete;
        ~leave_queue()
        {
            try {
                auto lock = self.core.lock();
                std::optional<entry> granted = self.core.withdraw(lock, r);
                lock.unlock();
                if (granted)
                    self.put_back(std::move(*granted), true);
            }
            catch (...) {  // NOLINT(bugprone-empty-catch): a mutex that cannot be locked
            }
        }
    } leaving(*this, request);
    for (;;) {
        std::optional<entry> got;
        {
            std::vector<entry> dropped;
            auto lock = core.lock();
            core_type::acquired found = core.acquire(lock, request, clock::now(), dropped);
            if (found.kick)
                kick();
            got = std::move(found.conn);
        }
        while (!got) {
            {
                boost::asio::steady_timer timer(executor, deadline);
                // Cancelled by the program: the exception leaves, and leave_queue withdraws it.
                (void)co_await (request.waiter.ready.async_receive(boost::asio::use_awaitable)
                    || timer.async_wait(boost::asio::use_awaitable));
            }
            auto lock = core.lock();
            got = core.take(lock, request);
            if (!got && clock::now() >= deadline)
                throw core.timed_out(lock, request, clock::now());
        }
        // From here the connection is this request's: whatever interrupts the vetting (a
        // cancellation, which Asio throws at the next co_await) gives it back first.
        std::exception_ptr interrupted;
        bool fit = false;
        try {
            fit = co_await fit_to_hand_out(got->conn);
        }
        catch (...) {
            interrupted = std::current_exception();
        }
        if (interrupted) {
            put_back(std::move(*got), core_type::on_return(got->conn) == core_type::comeback::keep);
            std::rethrow_exception(interrupted);
        }
        if (fit)
            co_return std::move(*got);
        // Discarded (and replaced in the background); this request takes the next one, first in line.
        put_back(std::move(*got), false);
    }
}

inline boost::asio::awaitable<bool> async_pool_state::fit_to_hand_out(async_connection& c)
{
    switch (core_type::vet(c)) {
    case core_type::verdict::discard: co_return false;
    case core_type::verdict::probe: {
        bool failed = false;
        try {
            co_await async_pool::check_connection(c);
        }
        catch (...) {
            failed = true;
        }
        if (failed || core_type::on_return(c) != core_type::comeback::keep)
            co_return false;
        break;
    }
    case core_type::verdict::ready: break;
    }
    if (!options.check)
        co_return true;
    bool failed = false;
    try {
        co_await options.check(c);
    }
    catch (...) {
        failed = true;
    }
    co_return !failed && core_type::on_return(c) == core_type::comeback::keep;
}

inline boost::asio::awaitable<void> async_pool_state::give_back(std::shared_ptr<async_pool_state> self, entry e)
{
    bool fit = true;
    try {
        if (must_settle(e.conn))
            co_await e.conn.settle();
        if (core_type::on_return(e.conn) == core_type::comeback::roll_back)
            (void)co_await e.conn.execute("ROLLBACK");
        fit = core_type::on_return(e.conn) == core_type::comeback::keep;
        if (fit && self->options.reset) {
            co_await self->options.reset(e.conn);
            fit = core_type::on_return(e.conn) == core_type::comeback::keep;
        }
    }
    catch (...) {
        fit = false;
    }
    self->put_back(std::move(e), fit);
}

inline boost::asio::awaitable<void> async_pool_state::background(std::shared_ptr<async_pool_state> self)
{
    using namespace boost::asio::experimental::awaitable_operators;
    boost::asio::steady_timer timer(self->executor_);
    for (;;) {
        core_type::chore chore;
        {
            std::vector<entry> dropped;
            auto lock = self->core.lock();
            chore = self->core.next_chore(lock, clock::now(), dropped);
            lock.unlock();
        }
        if (chore.stop)
            co_return;
        if (chore.connect) {
            boost::asio::co_spawn(self->executor_, connect_one(self), boost::asio::detached);
            continue;  // next_chore says whether another attempt may start
        }
        timer.expires_at(chore.wake_at);
        try {
            (void)co_await (self->kick_.async_receive(boost::asio::use_awaitable)
                || timer.async_wait(boost::asio::use_awaitable));
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the io_context is stopping; look once more
        }
    }
}

inline boost::asio::awaitable<void> async_pool_state::connect_one(std::shared_ptr<async_pool_state> self)
{
    using namespace boost::asio::experimental::awaitable_operators;
    std::optional<async_connection> made;
    std::string why;
    try {
        // libpq applies no connect_timeout to a non-blocking connection: the pool bounds an
        // attempt itself, by its requests' timeout but never below 30 s (a short request timeout
        // must not make every attempt fail before a slow server could answer).
        const auto bound = std::max<clock::duration>(self->core.timeout(), std::chrono::seconds(30));
        std::optional<async_connection> first = co_await typq::within(
            async_connection::connect(self->executor_, self->conninfo, self->options.connection), bound);
        if (!first)
            why = "connecting took longer than " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(bound).count()) + " s";
        else {
            async_connection c = std::move(*first);
            if (self->options.configure) {
                why = "configure: ";
                co_await self->options.configure(c);
                why.clear();
                if (core_type::on_return(c) != core_type::comeback::keep)
                    why = "configure left the connection in a transaction block (or broken); it was closed";
            }
            if (why.empty())
                made.emplace(std::move(c));
        }
    }
    catch (const std::exception& e) {
        why += e.what();
    }
    catch (...) {
        why += "an exception that is not a std::exception";
    }
    std::vector<entry> dropped;
    try {
        auto lock = self->core.lock();
        const clock::time_point now = clock::now();
        const bool again = made ? self->core.connected(lock, std::move(*made), now, dropped)
                                : self->core.connect_failed(lock, std::move(why), now);
        lock.unlock();
        if (again)
            self->kick();
    }
    catch (...) {  // NOLINT(bugprone-empty-catch): as in put_back()
    }
}

}  // namespace detail

}  // namespace typq

#endif  // TYPQ_ASIO_POOL_HPP
