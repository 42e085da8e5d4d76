// SPDX-License-Identifier: BSL-1.0
// typq/detail/pool_core.hpp: what typq::pool and typq::async_pool share and that does not depend
// on how one waits: the idle connections, the sizes and counters, when a connection expires,
// when to make one and how long to back off after a failure, the max_waiting rule, and the queue
// of requests served in FIFO order. Every decision is here; a pool only waits (a condition
// variable, an Asio timer or channel), runs connections' I/O and the program's hooks, and calls
// back.
//
// Concurrency: one mutex, held only for bookkeeping, never for I/O or a hook. Every member that
// takes a `locked&` must be called with it held (the pool gets it from lock() and may wait on a
// condition variable with it). Connections that the core lets go are put into a `dropped` vector
// the caller owns, so that they are closed (a network write) after the lock is released.
//
// Connection: move-constructible, with state() and transaction_status() returning enums with the
// enumerators of typq::connection_state and typq::transaction_status, and native_handle() giving
// the PGconn* (typq::connection, typq::async_connection).
//
// Waiter: what a queued request waits with, constructed from the request's extra arguments, with
// `void wake() noexcept`. The core calls wake() with the lock held once the request is done
// (granted a connection, or failed): it must not block nor call into the core, and must be seen
// by a requester that has not begun to wait yet (a condition variable waited on with a predicate
// under the same lock, a buffered channel, a posted completion).

#ifndef TYPQ_DETAIL_POOL_CORE_HPP
#define TYPQ_DETAIL_POOL_CORE_HPP

#include <typq/error.hpp>
#include <typq/pool_options.hpp>

#include <libpq-fe.h>

#include <chrono>     // steady_clock, deadlines
#include <cerrno>     // EINTR from poll
#include <cstddef>    // std::size_t
#include <cstdint>    // the jitter generator's state
#include <deque>      // the idle connections
#include <exception>  // std::exception_ptr: the failure a waiting request is given
#include <mutex>      // std::mutex, std::unique_lock
#include <optional>   // a grant
#include <poll.h>     // poll: unread input on an idle connection's socket
#include <string>     // messages
#include <utility>    // std::move, std::forward
#include <vector>     // connections dropped under the lock, closed after it

namespace typq::detail {

using pool_clock = std::chrono::steady_clock;

// Spread for delays and lifetimes (splitmix64): only to keep pools and connections from acting in
// step, nothing secret.
class pool_jitter {
public:
    explicit pool_jitter(std::uint64_t seed) noexcept : state_(seed) {}
    // A number in [0, 1).
    double next() noexcept
    {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        return static_cast<double>(z >> 11) * 0x1.0p-53;
    }

private:
    std::uint64_t state_;
};

// Whether the server has sent something on an idle connection's socket. Between statements it
// sends nothing unasked except notifications, notices and, when it ends the session (the backend
// terminated, the server shut down), its last error and end-of-file: so a connection with unread
// input is worth a round trip before it is handed out, and one without is as good as the pool can
// know without one. One poll() that does not wait; nothing is read.
inline bool has_unread_input(PGconn* conn) noexcept
{
    const int socket = conn ? PQsocket(conn) : -1;
    if (socket < 0)
        return true;
    pollfd fd{};
    fd.fd = socket;
    fd.events = POLLIN;
    for (;;) {
        const int ready = ::poll(&fd, 1, 0);
        if (ready >= 0)
            return ready > 0;
        if (errno != EINTR)
            return true;  // a round trip will say what is wrong
    }
}

template <class Connection, class Waiter>
class pool_core {
public:
    using clock = pool_clock;
    using time_point = clock::time_point;
    using duration = clock::duration;
    using locked = std::unique_lock<std::mutex>;

    /// A connection the pool owns, with what the pool knows of it.
    struct entry {
        Connection conn;
        time_point expires;     // max_lifetime, with its jitter; time_point::max(): never
        time_point idle_since;  // when it was made or last came back
    };

    /// One request for a connection, owned by the requester (on its stack, in its coroutine
    /// frame) and queued in the core while it waits. It must not be destroyed while queued: a
    /// requester that stops waiting calls take(), then timed_out() or withdraw().
    class request {
    public:
        /// `now`: when the request was made (its wait and its timeout count from then);
        /// `args`: the waiter's.
        template <class... Args>
        explicit request(time_point now, Args&&... args)
            : waiter(std::forward<Args>(args)...), start_(now), since_(now)
        {
        }
        request(const request&) = delete;
        request& operator=(const request&) = delete;

        /// Whether the wait is over: a connection was granted, or the request failed (the pool
        /// closed). With the lock held.
        [[nodiscard]] bool done() const noexcept { return granted_.has_value() || failure_ != nullptr; }
        /// When the request was made.
        [[nodiscard]] time_point started() const noexcept { return start_; }

        Waiter waiter;

    private:
        friend class pool_core;
        std::optional<entry> granted_;
        std::exception_ptr failure_;
        request* prev_ = nullptr;  // the FIFO of waiting requests, linked through the requests
        request* next_ = nullptr;
        bool queued_ = false;
        bool admitted_ = false;      // has been queued: past max_waiting, first in line when it comes back
        bool waited_ = false;        // had to wait (counts among the queued acquisitions)
        bool counted_ = false;       // counted among the acquisitions
        bool queue_counted_ = false; // counted among the queued ones
        time_point start_;
        time_point since_;  // from when the wait still to be added to total_wait counts
    };

    /// What acquire() found.
    struct acquired {
        std::optional<entry> conn;  ///< a connection to vet and hand out; empty: the request is queued
        bool kick = false;          ///< the background has new work (call next_chore() soon)
    };

    /// What the background is to do next (next_chore()).
    struct chore {
        bool stop = false;     ///< the pool is closed: the background ends
        bool connect = false;  ///< make one connection, then report connected() or connect_failed()
        bool more = false;     ///< another attempt may start at once (wake a second worker)
        time_point wake_at = time_point::max();  ///< call next_chore() again by then, or when kicked
    };

    /// What to do with a connection that comes back (on_return()).
    enum class comeback {
        keep,       ///< idle and open: ready for the next user
        roll_back,  ///< inside a transaction block: ROLLBACK, then look again
        discard,    ///< broken, closed, or a statement still running: close it
    };

    /// What to do with an idle connection before handing it out (vet()).
    enum class verdict {
        ready,    ///< hand it out (after the program's check, if any)
        probe,    ///< the server sent something unasked: a round trip (an empty query) decides
        discard,  ///< close it and take another
    };

    /// Takes the options' numbers (the hooks stay with the pool).
    /// @throws typq::usage_error when the sizes, durations or backoff make no sense.
    template <class Options>
    explicit pool_core(const Options& options)
        : min_size_(options.min_size),
          max_size_(options.max_size == 0 ? options.min_size : options.max_size),
          max_waiting_(options.max_waiting),
          max_connecting_(options.max_connecting),
          timeout_(capped(options.timeout)),
          max_lifetime_(capped(options.max_lifetime)),
          max_idle_(capped(options.max_idle)),
          reconnect_(options.reconnect),
          jitter_(seed())
    {
        if (max_size_ == 0)
            throw usage_error("typq::pool: max_size must be at least 1 (0 means min_size, which is 0 too)");
        if (max_size_ < min_size_)
            throw usage_error("typq::pool: max_size (" + std::to_string(max_size_) + ") is less than min_size ("
                + std::to_string(min_size_) + ")");
        if (max_connecting_ == 0)
            throw usage_error("typq::pool: max_connecting must be at least 1");
        if (options.timeout.count() < 0 || options.max_lifetime.count() < 0 || options.max_idle.count() < 0)
            throw usage_error("typq::pool: timeout, max_lifetime and max_idle cannot be negative");
        if (reconnect_.initial.count() <= 0 || reconnect_.max_delay < reconnect_.initial
            || !(reconnect_.factor >= 1.0) || !(reconnect_.jitter >= 0.0 && reconnect_.jitter < 1.0))
            throw usage_error("typq::pool: reconnect needs initial > 0, max_delay >= initial, factor >= 1 and "
                              "jitter in [0, 1)");
    }

    pool_core(const pool_core&) = delete;
    pool_core& operator=(const pool_core&) = delete;

    /// The lock every other member needs.
    [[nodiscard]] locked lock() { return locked(mutex_); }

    /// How long a request waits by default (the options' timeout).
    [[nodiscard]] duration timeout() const noexcept { return timeout_; }

    /// `now` + `timeout`, saturated (a timeout of milliseconds::max() means "no timeout" rather
    /// than an overflow).
    [[nodiscard]] static time_point deadline(time_point now, std::chrono::milliseconds timeout) noexcept
    {
        if (timeout.count() <= 0)
            return now;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(time_point::max() - now);
        return timeout >= left ? time_point::max() : now + timeout;
    }

    // --- acquiring -------------------------------------------------------------------------

    /// Serves `r` at once from the idle connections (the most recently returned first; those
    /// past max_lifetime are dropped on the way), or queues it. A request that comes back after
    /// its connection failed vetting keeps its place: it goes first in the queue, and max_waiting
    /// does not apply again.
    /// @throws typq::pool_closed; typq::too_many_requests when max_waiting requests wait.
    acquired acquire(locked&, request& r, time_point now, std::vector<entry>& dropped)
    {
        if (closed_)
            throw pool_closed("typq::pool: the pool is closed");
        acquired out;
        while (!idle_.empty()) {
            entry e = std::move(idle_.back());
            idle_.pop_back();
            if (now >= e.expires) {
                ++expired_;
                drop(std::move(e), dropped);
                out.kick = true;
                continue;
            }
            granted(r, now);
            out.conn.emplace(std::move(e));
            return out;
        }
        if (!r.admitted_ && max_waiting_ != 0 && waiting_ >= max_waiting_) {
            ++rejected_;
            throw too_many_requests("typq::pool: " + std::to_string(waiting_) + " requests already wait for a "
                "connection (max_waiting " + std::to_string(max_waiting_) + "; " + describe() + ")");
        }
        enqueue(r, r.admitted_);
        r.admitted_ = true;
        r.waited_ = true;
        out.kick = out.kick || background_due(now);
        return out;
    }

    /// After a wait: the connection granted to `r`, or std::nullopt while none is (then the
    /// request is still queued: wait again, or give up with timed_out() or withdraw()).
    /// @throws what the request failed with (typq::pool_closed).
    std::optional<entry> take(locked&, request& r)
    {
        if (r.failure_) {
            std::exception_ptr failure = r.failure_;
            r.failure_ = nullptr;
            std::rethrow_exception(failure);
        }
        std::optional<entry> out = std::move(r.granted_);
        r.granted_.reset();
        return out;
    }

    /// Gives up a request that is still queued (a cancelled coroutine), without counting a
    /// timeout; returns what was granted to it meanwhile, which the caller uses or release()s.
    std::optional<entry> withdraw(locked&, request& r)
    {
        unlink(r);
        r.failure_ = nullptr;
        std::optional<entry> out = std::move(r.granted_);
        r.granted_.reset();
        return out;
    }

    /// Gives up a request whose time is up (after take() found nothing): the error to throw.
    [[nodiscard]] pool_timeout timed_out(locked&, request& r, time_point now)
    {
        unlink(r);  // first: the request must leave the queue even if building the message throws
        ++timeouts_;
        const auto waited = now - r.start_;
        std::string message = "typq::pool: no connection was free within the timeout: waited " + milliseconds(waited)
            + " (" + describe(1) + ")";  // the sizes while it waited, itself among the waiting
        if (!last_error_.empty())
            message += "; the last attempt to connect failed: " + last_error_;
        return pool_timeout(message, std::chrono::duration_cast<std::chrono::nanoseconds>(waited));
    }

    /// Whether an idle connection may be handed out, as far as the pool can tell without a
    /// round trip. No lock needed: the caller holds the connection.
    [[nodiscard]] static verdict vet(const Connection& c) noexcept
    {
        if (on_return(c) != comeback::keep)
            return verdict::discard;
        return has_unread_input(c.native_handle()) ? verdict::probe : verdict::ready;
    }

    // --- returning -------------------------------------------------------------------------

    /// What a connection coming back needs before another user may have it. No lock needed.
    [[nodiscard]] static comeback on_return(const Connection& c) noexcept
    {
        using state = decltype(c.state());
        using status = decltype(c.transaction_status());
        if (c.state() != state::open)
            return comeback::discard;
        switch (c.transaction_status()) {
        case status::idle: return comeback::keep;
        case status::in_transaction:
        case status::in_error: return comeback::roll_back;
        default: return comeback::discard;  // active: a statement was abandoned; unknown
        }
    }

    /// A connection comes back from a user (or from vetting): `fit` when it is ready for the
    /// next one (on_return() said keep, after any rollback and the reset hook). It goes to the
    /// first waiting request, else to the idle connections; it is dropped when unfit (counted
    /// lost), past max_lifetime (expired) or when the pool is closed.
    /// @returns whether the background has new work (a replacement, an earlier expiry).
    bool release(locked&, entry&& e, bool fit, time_point now, std::vector<entry>& dropped)
    {
        if (closed_) {
            drop(std::move(e), dropped);
            return false;
        }
        if (!fit || now >= e.expires) {
            ++(fit ? expired_ : lost_);
            drop(std::move(e), dropped);
            return background_due(now);
        }
        e.idle_since = now;
        if (head_) {
            hand_over(std::move(e), now);
            return false;
        }
        idle_.push_back(std::move(e));
        return due_before_wake(earlier(idle_.back().expires, idle_due(idle_.back())));
    }

    // --- the background ----------------------------------------------------------------------

    /// What the background is to do now: connections past max_lifetime, or idle for max_idle
    /// beyond min_size, go into `dropped`; a connection is to be made when fewer are open or
    /// being made than min_size or than the requests need (up to max_size), unless
    /// max_connecting attempts run or a failure's backoff has not passed.
    chore next_chore(locked&, time_point now, std::vector<entry>& dropped)
    {
        chore out;
        if (closed_) {
            out.stop = true;
            return out;
        }
        for (auto it = idle_.begin(); it != idle_.end();) {
            const bool too_old = now >= it->expires;
            if (too_old || (max_idle_.count() > 0 && open_ > min_size_ && now - it->idle_since >= max_idle_)) {
                ++expired_;
                --open_;
                dropped.push_back(std::move(*it));
                it = idle_.erase(it);
                continue;
            }
            ++it;
        }
        for (const entry& e : idle_) {
            out.wake_at = earlier(out.wake_at, e.expires);
            out.wake_at = earlier(out.wake_at, idle_due(e));
        }
        const std::size_t missing = this->missing();
        if (missing > 0 && connecting_ < max_connecting_) {
            if (now >= next_attempt_) {
                ++connecting_;
                out.connect = true;
                out.more = missing > 1 && connecting_ < max_connecting_;
            }
            else
                out.wake_at = earlier(out.wake_at, next_attempt_);
        }
        wake_at_ = out.wake_at;
        return out;
    }

    /// A connection attempt that next_chore() started succeeded: the connection goes to the
    /// first waiting request, else to the idle ones (dropped if the pool closed meanwhile).
    /// @returns whether the background should look again before it planned to.
    bool connected(locked&, Connection&& c, time_point now, std::vector<entry>& dropped)
    {
        --connecting_;
        ++made_;
        delay_ = duration::zero();
        next_attempt_ = now;
        last_error_.clear();
        entry e{std::move(c), lifetime_end(now), now};
        if (closed_) {
            dropped.push_back(std::move(e));
            return false;
        }
        ++open_;
        if (head_) {
            hand_over(std::move(e), now);
            return background_due(now);
        }
        idle_.push_back(std::move(e));
        const bool due = due_before_wake(earlier(idle_.back().expires, idle_due(idle_.back())));
        return background_due(now) || due;
    }

    /// A connection attempt that next_chore() started failed (`why`: its message): the next
    /// one waits for the backoff.
    /// @returns whether the background should look again before it planned to.
    bool connect_failed(locked&, std::string why, time_point now)
    {
        --connecting_;
        ++connect_failures_;
        last_error_ = std::move(why);
        const duration initial = capped(reconnect_.initial);
        const duration most = capped(reconnect_.max_delay);
        if (delay_ == duration::zero())
            delay_ = initial;
        else {
            // In double: a large factor must saturate at max_delay, not overflow.
            const double grown = static_cast<double>(delay_.count()) * reconnect_.factor;
            delay_ = grown < static_cast<double>(most.count()) ? duration(static_cast<duration::rep>(grown)) : most;
        }
        next_attempt_ = now + scaled(delay_, 1.0 + reconnect_.jitter * (2.0 * jitter_.next() - 1.0));
        return missing() > 0 && due_before_wake(next_attempt_);
    }

    // --- closing and reporting ---------------------------------------------------------------

    /// Closes the pool: idle connections go into `dropped`, waiting requests fail with
    /// typq::pool_closed, later requests too; connections in use are dropped as they come back.
    void close(locked&, std::vector<entry>& dropped)
    {
        if (closed_)
            return;
        closed_ = true;
        while (!idle_.empty()) {
            drop(std::move(idle_.back()), dropped);
            idle_.pop_back();
        }
        const std::exception_ptr failure =
            std::make_exception_ptr(pool_closed("typq::pool: the pool was closed while the request waited"));
        while (head_) {
            request& r = *head_;
            unlink(r);
            r.failure_ = failure;
            r.waiter.wake();
        }
    }

    [[nodiscard]] bool closed(const locked&) const noexcept { return closed_; }
    /// Connections lent out (granted and not yet back).
    [[nodiscard]] std::size_t in_use(const locked&) const noexcept { return open_ - idle_.size(); }
    /// Whether min_size connections are open.
    [[nodiscard]] bool ready(const locked&) const noexcept { return open_ >= min_size_; }

    /// The error pool::wait() throws when min_size was not reached in time.
    [[nodiscard]] pool_timeout not_ready(const locked&, duration waited) const
    {
        std::string message = "typq::pool: min_size (" + std::to_string(min_size_) + ") connections were not open "
            "within " + milliseconds(waited) + " (" + describe() + ")";
        if (!last_error_.empty())
            message += "; the last attempt to connect failed: " + last_error_;
        return pool_timeout(message, std::chrono::duration_cast<std::chrono::nanoseconds>(waited));
    }

    [[nodiscard]] pool_stats stats(const locked&) const
    {
        pool_stats s;
        s.min_size = min_size_;
        s.max_size = max_size_;
        s.size = open_;
        s.idle = idle_.size();
        s.in_use = open_ - idle_.size();
        s.connecting = connecting_;
        s.waiting = waiting_;
        s.connections_made = made_;
        s.connect_failures = connect_failures_;
        s.connections_lost = lost_;
        s.connections_expired = expired_;
        s.acquisitions = acquisitions_;
        s.queued = queued_;
        s.total_wait = std::chrono::duration_cast<std::chrono::nanoseconds>(total_wait_);
        s.timeouts = timeouts_;
        s.rejected = rejected_;
        return s;
    }

private:
    static std::uint64_t seed() noexcept
    {
        return static_cast<std::uint64_t>(clock::now().time_since_epoch().count());
    }

    // A duration from the options, at most about a century: a huge value means "never", and
    // must not overflow the clock's nanoseconds (nor time_point arithmetic on them).
    static duration capped(std::chrono::milliseconds d) noexcept
    {
        constexpr std::chrono::milliseconds century = std::chrono::hours(24 * 365 * 100);
        return d > century ? duration(century) : duration(d);
    }

    static duration scaled(duration d, double factor) noexcept
    {
        return std::chrono::duration_cast<duration>(std::chrono::duration<double, duration::period>(d) * factor);
    }

    static std::string milliseconds(duration d)
    {
        return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
    }

    // The pool's sizes, for messages; `gone`: requests that just left the queue, counted as waiting.
    std::string describe(std::size_t gone = 0) const
    {
        return "pool of " + std::to_string(min_size_) + " to " + std::to_string(max_size_) + " connections: "
            + std::to_string(open_ - idle_.size()) + " in use, " + std::to_string(idle_.size()) + " idle, "
            + std::to_string(connecting_) + " being made, " + std::to_string(waiting_ + gone) + " waiting";
    }

    time_point lifetime_end(time_point now) noexcept
    {
        if (max_lifetime_.count() == 0)
            return time_point::max();
        // Up to 5% less, as psycopg_pool does: connections made together expire apart.
        return now + scaled(max_lifetime_, 1.0 - 0.05 * jitter_.next());
    }

    // When an idle connection is to be closed for max_idle, if more than min_size are open then.
    time_point idle_due(const entry& e) const noexcept
    {
        if (max_idle_.count() == 0 || open_ <= min_size_)
            return time_point::max();
        return e.idle_since + max_idle_;
    }

    // Connections to make now: enough for min_size, and for every request waiting (up to max_size).
    std::size_t missing() const noexcept
    {
        const std::size_t demand = open_ - idle_.size() + waiting_;
        const std::size_t floor = demand > min_size_ ? demand : min_size_;
        const std::size_t wanted = floor < max_size_ ? floor : max_size_;
        const std::size_t have = open_ + connecting_;
        return wanted > have ? wanted - have : 0;
    }

    bool background_due(time_point now) noexcept
    {
        return missing() > 0 && connecting_ < max_connecting_ && now >= next_attempt_;
    }

    // Whether the background sleeps past `due`; if so it is about to be woken, and will look again.
    bool due_before_wake(time_point due) noexcept
    {
        if (due >= wake_at_)
            return false;
        wake_at_ = due;
        return true;
    }

    // Lets go of a connection the pool counted as open; the caller closes it after the lock.
    void drop(entry&& e, std::vector<entry>& dropped)
    {
        --open_;
        dropped.push_back(std::move(e));
    }

    // Counts a grant to `r`: one acquisition per request (a request whose connection failed
    // vetting is granted again), and the wait since the request or since its last grant.
    void granted(request& r, time_point now) noexcept
    {
        if (!r.counted_) {
            r.counted_ = true;
            ++acquisitions_;
        }
        if (r.waited_ && !r.queue_counted_) {
            r.queue_counted_ = true;
            ++queued_;
        }
        total_wait_ += now - r.since_;
        r.since_ = now;
    }

    // A connection ready for a user: to the request that has waited longest, else idle.
    void hand_over(entry&& e, time_point now)
    {
        if (request* r = head_) {
            unlink(*r);
            granted(*r, now);
            r->granted_.emplace(std::move(e));
            r->waiter.wake();
            return;
        }
        idle_.push_back(std::move(e));
    }

    void enqueue(request& r, bool front) noexcept
    {
        r.queued_ = true;
        ++waiting_;
        if (front) {
            r.prev_ = nullptr;
            r.next_ = head_;
            (head_ ? head_->prev_ : tail_) = &r;
            head_ = &r;
        }
        else {
            r.next_ = nullptr;
            r.prev_ = tail_;
            (tail_ ? tail_->next_ : head_) = &r;
            tail_ = &r;
        }
    }

    void unlink(request& r) noexcept
    {
        if (!r.queued_)
            return;
        (r.prev_ ? r.prev_->next_ : head_) = r.next_;
        (r.next_ ? r.next_->prev_ : tail_) = r.prev_;
        r.prev_ = r.next_ = nullptr;
        r.queued_ = false;
        --waiting_;
    }

    static time_point earlier(time_point a, time_point b) noexcept { return b < a ? b : a; }

    std::mutex mutex_;
    std::deque<entry> idle_;  // the most recently returned at the back, handed out first
    request* head_ = nullptr;
    request* tail_ = nullptr;
    std::size_t waiting_ = 0;
    std::size_t open_ = 0;  // idle, in use, or granted and not yet taken
    std::size_t connecting_ = 0;
    bool closed_ = false;

    const std::size_t min_size_;
    const std::size_t max_size_;
    const std::size_t max_waiting_;
    const std::size_t max_connecting_;
    const duration timeout_;
    const duration max_lifetime_;
    const duration max_idle_;
    const reconnect_backoff reconnect_;

    duration delay_ = duration::zero();  // the last backoff; zero after a success
    time_point next_attempt_{};          // no attempt starts before
    time_point wake_at_ = time_point::max();  // when the background next looks, unless kicked
    std::string last_error_;             // why the last attempt failed; empty after a success
    pool_jitter jitter_;

    std::uint64_t made_ = 0;
    std::uint64_t connect_failures_ = 0;
    std::uint64_t lost_ = 0;
    std::uint64_t expired_ = 0;
    std::uint64_t acquisitions_ = 0;
    std::uint64_t queued_ = 0;
    duration total_wait_ = duration::zero();
    std::uint64_t timeouts_ = 0;
    std::uint64_t rejected_ = 0;
};

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_POOL_CORE_HPP
