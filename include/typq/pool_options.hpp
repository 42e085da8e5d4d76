// SPDX-License-Identifier: BSL-1.0
// typq/pool_options.hpp: what typq::pool and typq::async_pool are given and report: their options
// (a struct for designated initializers), their statistics, and the errors of acquiring.

#ifndef TYPQ_POOL_OPTIONS_HPP
#define TYPQ_POOL_OPTIONS_HPP

#include <typq/connection_options.hpp>
#include <typq/error.hpp>
#include <typq/fwd.hpp>

#include <chrono>      // durations in the options and statistics
#include <cstddef>     // std::size_t
#include <cstdint>     // std::uint64_t counters
#include <functional>  // std::function: the configure, check and reset hooks
#include <string>      // messages

namespace typq {

/// How a pool waits before trying again after a connection attempt failed: `initial`, then
/// `factor` times the previous delay, at most `max_delay`; each delay is spread by up to
/// `jitter` (a fraction) either way, so that pools that lost the same server do not all come
/// back at the same instant. A success resets the delay. The pool never gives up: requests
/// meanwhile fail with typq::pool_timeout, which names the last failure.
struct reconnect_backoff {
    std::chrono::milliseconds initial = std::chrono::seconds(1);  ///< must be positive
    double factor = 2.0;                                          ///< at least 1
    std::chrono::milliseconds max_delay = std::chrono::seconds(60);  ///< the longest delay, before jitter
    double jitter = 0.1;  ///< in [0, 1)
};

/// The options of a pool, for designated initializers; `Hook` is how it calls the program back
/// (typq::pool_options for typq::pool). Durations of zero mean "no limit" where said.
/// `typq::pool pool{"postgresql:///app", {.min_size = 2, .max_size = 16}};`
template <class Hook>
struct basic_pool_options {
    /// Connections the pool keeps open, made in the background when the pool opens and whenever
    /// one is lost or expires.
    std::size_t min_size = 4;
    /// Connections it may open when requests wait; 0: as many as min_size.
    std::size_t max_size = 0;
    /// How long connection() waits before it throws typq::pool_timeout.
    std::chrono::milliseconds timeout = std::chrono::seconds(30);
    /// How many requests may wait at once; one more throws typq::too_many_requests. 0: no limit.
    std::size_t max_waiting = 0;
    /// A connection is closed and replaced after this long (less up to 5%, at random, so that
    /// connections made together do not expire together): when it comes back, or while idle.
    /// 0: never.
    std::chrono::milliseconds max_lifetime = std::chrono::hours(1);
    /// A connection left idle this long is closed, as long as more than min_size are open.
    /// 0: never.
    std::chrono::milliseconds max_idle = std::chrono::minutes(10);
    /// How many connection attempts run at once (typq::pool: its worker threads).
    std::size_t max_connecting = 2;
    /// The delays between failed connection attempts.
    reconnect_backoff reconnect{};
    /// The options of every connection the pool makes.
    typq::connection_options connection{};
    /// Runs on each new connection before its first use (`SET` parameters, prepare statements,
    /// register types). A throw, or a connection left in a transaction block, discards it and
    /// counts as a failed attempt.
    Hook configure{};
    /// Runs on a connection before it is handed out; a throw discards it and the pool takes
    /// another. Empty: no check beyond the pool's own (see docs/pool.md).
    Hook check{};
    /// Runs on a connection that comes back, after an open transaction has been rolled back; a
    /// throw, or a connection left in a transaction block, discards it.
    Hook reset{};
};

/// typq::pool's options; its hooks run in the pool's threads and the program's, possibly several
/// at once.
using pool_options = basic_pool_options<std::function<void(connection&)>>;

/// A pool's counters (pool::stats()); sizes are as of the call, counters since the pool opened.
struct pool_stats {
    std::size_t min_size = 0;    ///< the pool's min_size option
    std::size_t max_size = 0;    ///< the pool's max_size (its min_size when the option is 0)
    std::size_t size = 0;        ///< connections open: idle + in use
    std::size_t idle = 0;        ///< ready to be handed out
    std::size_t in_use = 0;      ///< lent out
    std::size_t connecting = 0;  ///< attempts in progress
    std::size_t waiting = 0;     ///< requests waiting for a connection
    std::uint64_t connections_made = 0;     ///< opened (and configured) successfully
    std::uint64_t connect_failures = 0;     ///< attempts that failed, configure included
    std::uint64_t connections_lost = 0;     ///< discarded: broken, failed a check, rollback or reset
    std::uint64_t connections_expired = 0;  ///< closed for max_lifetime or max_idle
    std::uint64_t acquisitions = 0;         ///< connections handed out
    std::uint64_t queued = 0;               ///< of those, how many had to wait
    std::chrono::nanoseconds total_wait{};  ///< their time from request to handing out, summed
    std::uint64_t timeouts = 0;             ///< requests that failed with typq::pool_timeout
    std::uint64_t rejected = 0;             ///< requests refused with typq::too_many_requests
};

/// A pool could not hand out a connection.
class pool_error : public error {
public:
    using error::error;
};

/// No connection became free within the timeout (or, from pool::wait(), the pool did not reach
/// min_size connections). what() says how long it waited, the pool's sizes, and the last
/// failed connection attempt if the pool cannot connect.
class pool_timeout : public pool_error {
public:
    /// An error with `message` as what(), after waiting `waited`.
    pool_timeout(const std::string& message, std::chrono::nanoseconds waited)
        : pool_error(message), waited_(waited)
    {
    }
    /// How long the request waited.
    [[nodiscard]] std::chrono::nanoseconds waited() const noexcept { return waited_; }

private:
    std::chrono::nanoseconds waited_;
};

/// A request found max_waiting requests already waiting, and was refused at once.
class too_many_requests : public pool_error {
public:
    using pool_error::pool_error;
};

/// The pool is closed: requests that waited, and every later one, fail with this.
class pool_closed : public pool_error {
public:
    using pool_error::pool_error;
};

}  // namespace typq

#endif  // TYPQ_POOL_OPTIONS_HPP
