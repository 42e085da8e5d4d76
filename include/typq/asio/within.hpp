// SPDX-License-Identifier: BSL-1.0
// typq/asio/within.hpp: typq::within, an awaitable run with a time limit, cancelled through Asio
// when the limit passes first. The asynchronous connection's drain uses it too.

#ifndef TYPQ_ASIO_WITHIN_HPP
#define TYPQ_ASIO_WITHIN_HPP

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>     // the limit
#include <exception>  // op's exception, passed on
#include <optional>   // a value, or none when the time ran out
#include <utility>    // std::move

namespace typq {

/// Runs an awaitable with a time limit:
/// `std::optional<T> v = co_await typq::within(conn.query_value<T>(...), std::chrono::seconds(2));`
/// is the value, or std::nullopt when `limit` passed first. `op` is then cancelled through its
/// cancellation slot and waited for: a statement is cancelled on the server, and its connection is
/// idle and usable afterwards. An exception of `op` passes through.
///
/// Prefer it to racing a timer with Boost 1.81's awaitable_operators `||`, which waits for the first
/// operation that *succeeds*: a statement that fails at once would have its exception dropped and
/// the timer awaited.
/// @throws what `op` throws.
template <class T>
boost::asio::awaitable<std::optional<T>> within(boost::asio::awaitable<T> op, std::chrono::steady_clock::duration limit)
{
    // co_spawn needs a value it can default-construct (a connection is not one): an optional.
    const auto optional = [](boost::asio::awaitable<T> inner) -> boost::asio::awaitable<std::optional<T>> {
        co_return std::optional<T>(co_await std::move(inner));
    };
    const auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor, limit);
    auto [order, failed, value, expired] =
        co_await boost::asio::experimental::make_parallel_group(
            boost::asio::co_spawn(executor, optional(std::move(op)), boost::asio::deferred),
            timer.async_wait(boost::asio::deferred))
            .async_wait(boost::asio::experimental::wait_for_one(), boost::asio::use_awaitable);
    (void)expired;
    if (order[0] != 0)
        co_return std::nullopt;
    if (failed)
        std::rethrow_exception(failed);
    co_return std::move(value);
}

/// As above for an operation without a value: whether it ended before `limit`.
/// @throws what `op` throws.
inline boost::asio::awaitable<bool> within(boost::asio::awaitable<void> op, std::chrono::steady_clock::duration limit)
{
    const auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor, limit);
    auto [order, failed, expired] =
        co_await boost::asio::experimental::make_parallel_group(
            boost::asio::co_spawn(executor, std::move(op), boost::asio::deferred),
            timer.async_wait(boost::asio::deferred))
            .async_wait(boost::asio::experimental::wait_for_one(), boost::asio::use_awaitable);
    (void)expired;
    if (order[0] != 0)
        co_return false;
    if (failed)
        std::rethrow_exception(failed);
    co_return true;
}

}  // namespace typq

#endif  // TYPQ_ASIO_WITHIN_HPP
