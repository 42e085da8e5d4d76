// SPDX-License-Identifier: BSL-1.0
// typq/asio/driver.hpp: the asynchronous driver. It steps the engine's operations, the same ones
// typq::connection runs with poll(), and waits with Boost.Asio between steps: a coroutine that
// co_awaits async_run() suspends while the server works, and its io_context thread runs others.
//
// Two things only an asynchronous driver has to deal with:
// - Cancellation. Asio cancels an operation through its cancellation slot (a timer raced with
//   awaitable_operators' ||, a parallel group, a cancellation_signal). The wait it cancels ends
//   early; the driver then sends the server a cancel request and goes on stepping, so that the
//   statement ends as cancelled (typq::query_canceled) and the connection is left idle. libpq 15's
//   PQcancel blocks for a round trip, so the request is sent on a thread of its own, never on the
//   thread that runs the io_context.
// - Abandonment. A coroutine destroyed while its statement runs (its io_context destroyed, say)
//   cannot wait in a destructor. The session then remembers the command was abandoned, and the next
//   operation cancels and drains it first (drain_op), asynchronously (session::drain_later).

#ifndef TYPQ_ASIO_DRIVER_HPP
#define TYPQ_ASIO_DRIVER_HPP

#include <typq/error.hpp>
#include <typq/asio/within.hpp>
#include <typq/engine/io.hpp>
#include <typq/engine/session.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <libpq-fe.h>

#include <cerrno>    // errno, when dup fails
#include <chrono>    // the drain's deadline
#include <cstring>   // std::strerror
#include <string>    // messages
#include <tuple>     // std::tie, a wait's outcome
#include <utility>   // std::move

#include <fcntl.h>     // fcntl(F_DUPFD_CLOEXEC)
#include <sys/stat.h>  // fstat: is libpq's socket still the one we wait on?

namespace typq::engine {

/// Waits on a libpq connection's socket with Asio. It waits on a duplicate of the socket (dup()),
/// never on libpq's own descriptor: libpq closes its descriptor whenever it likes (a connection
/// lost, the next host tried while connecting), and Asio's reactor must never be left referring to
/// a descriptor number that a new socket may then get.
class socket_waiter {
public:
    explicit socket_waiter(const boost::asio::any_io_executor& executor) : descriptor_(executor) {}

    [[nodiscard]] boost::asio::any_io_executor get_executor() noexcept { return descriptor_.get_executor(); }

    /// Waits on `conn`'s socket from now on (a no-op when it already does).
    /// @throws typq::connection_error when the connection has no socket or it cannot be duplicated.
    void follow(PGconn* conn)
    {
        const int socket = PQsocket(conn);
        if (socket < 0)
            throw connection_error("connection to the server was lost: " + libpq_message(conn), true);
        struct stat now {};
        if (::fstat(socket, &now) != 0)
            throw connection_error(std::string("cannot wait for the server: fstat() failed: ") + std::strerror(errno), true);
        if (descriptor_.is_open() && now.st_ino == followed_.st_ino && now.st_dev == followed_.st_dev)
            return;
        forget();
        const int copy = ::fcntl(socket, F_DUPFD_CLOEXEC, 0);
        if (copy < 0)
            throw connection_error(std::string("cannot wait for the server: dup() failed: ") + std::strerror(errno), true);
        watch(copy);
        followed_ = now;
    }

    /// Stops waiting on the socket (and closes the duplicate).
    void forget() noexcept
    {
        boost::system::error_code ignored;
        descriptor_.close(ignored);
        watching_writes_ = false;
    }

    /// Waits until the socket is ready for `what`, io::read or io::write; `failed` is set when the
    /// wait did not end that way (cancelled: boost::asio::error::operation_aborted). Asio's own
    /// awaitable, with no coroutine of ours around it.
    boost::asio::awaitable<void> wait_for(io what, boost::system::error_code& failed)
    {
        return descriptor_.async_wait(prepare(what), boost::asio::redirect_error(boost::asio::use_awaitable, failed));
    }

    /// wait_for() as an operation a coroutine awaits directly, with no coroutine frame around it
    /// (Asio awaits an async operation given `deferred` in the awaiting frame): `co_await` gives a
    /// std::tuple of the error_code. The wait of every statement step (async_run).
    [[nodiscard]] auto wait_ready(io what)
    {
        return descriptor_.async_wait(prepare(what), boost::asio::as_tuple(boost::asio::deferred));
    }

    /// Waits until the socket is readable or writable, whichever comes first, and says which.
    /// Output is pending and input must be read meanwhile: a server blocked writing to us reads
    /// nothing more.
    boost::asio::awaitable<io> wait_either(boost::system::error_code& failed)
    {
        using boost::asio::posix::descriptor_base;
        watching_writes_ = true;
        auto [order, read_failed, write_failed] =
            co_await boost::asio::experimental::make_parallel_group(
                descriptor_.async_wait(descriptor_base::wait_read, boost::asio::deferred),
                descriptor_.async_wait(descriptor_base::wait_write, boost::asio::deferred))
                .async_wait(boost::asio::experimental::wait_for_one(), boost::asio::use_awaitable);
        const bool read_first = order[0] == 0;
        failed = read_first ? read_failed : write_failed;
        co_return read_first ? io::read : io::write;
    }

    /// Either of the above, by what `what` asks for.
    boost::asio::awaitable<io> wait(io what, boost::system::error_code& failed)
    {
        if (what == io::read_write)
            co_return co_await wait_either(failed);
        co_await wait_for(what, failed);
        co_return what;
    }

private:
    // The wait_type for `what`, with the descriptor registered for what the wait needs. Asio's
    // epoll reactor adds EPOLLOUT to a descriptor's registration the first time it waits for
    // writing, and never takes it out again: from then on every change in the socket's send buffer
    // (each ACK from the server) wakes the reactor for nothing. Connecting waits for writing, and so
    // does a statement whose data did not fit in the socket's buffer; measured before this, the
    // point query woke the reactor 2.5 times a query instead of once, when the server's ACKs came
    // apart from its answers. The first wait for reading after a wait for writing therefore
    // registers the descriptor afresh (two epoll_ctl calls, once per such change of direction).
    boost::asio::posix::descriptor_base::wait_type prepare(io what)
    {
        using boost::asio::posix::descriptor_base;
        if (what == io::write) {
            watching_writes_ = true;
            return descriptor_base::wait_write;
        }
        if (watching_writes_) [[unlikely]]
            watch(descriptor_.release());
        return descriptor_base::wait_read;
    }

    // Registers `copy` (our duplicate of the socket, which the descriptor then owns) with the
    // reactor, for reading only.
    void watch(int copy)
    {
        boost::system::error_code failed;
        descriptor_.assign(copy, failed);
        if (failed) {
            (void)::close(copy);
            throw connection_error("cannot wait for the server: " + failed.message(), true);
        }
        watching_writes_ = false;
    }

    boost::asio::posix::stream_descriptor descriptor_;
    struct stat followed_ {};  // the socket the duplicate is of
    bool watching_writes_ = false;  // the descriptor is registered for EPOLLOUT too (see prepare)
};

/// The thread that sends cancel requests (PQcancel blocks for a round trip); made at first use.
inline boost::asio::thread_pool& cancel_thread()
{
    static boost::asio::thread_pool pool(1);
    return pool;
}

/// Sends a cancel request for what `s` is running, on cancel_thread(), and resumes once it has
/// been delivered: the statement then ends as cancelled, and the next one cannot be.
/// @throws typq::connection_error when the request cannot be sent.
inline boost::asio::awaitable<void> send_cancel(session& s)
{
    co_await boost::asio::co_spawn(
        cancel_thread(), [&s]() -> boost::asio::awaitable<void> {
            (void)s.cancel();
            co_return;
        },
        boost::asio::use_awaitable);
}

/// A wait that ended with `failed` and not because the program cancelled the operation.
/// @throws typq::connection_error, always.
[[noreturn]] inline void wait_failed(const boost::system::error_code& failed)
{
    throw connection_error("waiting for the server failed: " + failed.message(), false);
}

/// Steps `op` to its end on `s`, waiting on `waiter` whenever it waits for the socket.
template <class Op>
boost::asio::awaitable<void> async_run(session& s, socket_waiter& waiter, Op& op)
{
    io ready = io::none;
    for (io wanted = op.step(ready); wanted != io::none; wanted = op.step(ready)) {
        boost::system::error_code failed;
        if (wanted == io::read_write)
            ready = co_await waiter.wait_either(failed);
        else {
            std::tie(failed) = co_await waiter.wait_ready(wanted);
            ready = wanted;
        }
        if (failed) [[unlikely]] {
            if (failed != boost::asio::error::operation_aborted)
                wait_failed(failed);
            // Cancelled by the program: ask the server to cancel the statement, and go on reading
            // its answer. The coroutine is marked cancelled, and Asio would throw at its next
            // co_await: the mark is cleared first, before anything else is awaited.
            co_await boost::asio::this_coro::reset_cancellation_state();
            co_await send_cancel(s);
            ready = io::none;
        }
    }
}

/// What a command abandoned by an earlier operation left (session::abandoned): cancelled, read
/// and dropped, within drain_timeout_ms; past that, or when it fails, the connection is closed.
/// The caller holds the lease.
inline boost::asio::awaitable<void> async_drain(session& s, socket_waiter& waiter)
{
    using namespace boost::asio::experimental::awaitable_operators;
    s.abandoned = false;
    std::string why = "a statement abandoned half way could not be ended";
    bool drained = false;
    try {
        co_await send_cancel(s);
        drain_op op(s);
        const bool ended = co_await within(async_run(s, waiter, op), std::chrono::milliseconds(drain_timeout_ms));
        drained = ended && op.drained();
        if (!ended)
            why += " within " + std::to_string(drain_timeout_ms / 1000) + " s";
    }
    catch (const std::exception& e) {
        why += std::string(": ") + e.what();
    }
    if (!drained) {
        waiter.forget();
        s.mark_broken(why);
    }
}

/// Connects `s` to `conninfo` without blocking: PQconnectStartParams, then PQconnectPoll steps
/// with waits on `waiter` (following the socket as libpq tries host after host). libpq applies
/// no connect_timeout here: the program races a timer (cancellation abandons the attempt).
/// @throws typq::connection_error when the connection cannot be made.
inline boost::asio::awaitable<void> async_connect(session& s, socket_waiter& waiter, const std::string& conninfo)
{
    s.start_connect(conninfo);
    // PQconnectPoll's first call waits for the socket to be writable (the connect under way).
    for (io wanted = io::write; wanted != io::none; wanted = s.connect_step()) {
        waiter.follow(s.native());
        boost::system::error_code failed;
        (void)co_await waiter.wait(wanted, failed);
        if (failed) {
            waiter.forget();
            s.close();
            throw connection_error(failed == boost::asio::error::operation_aborted
                    ? std::string("connecting was cancelled")
                    : "waiting for the server failed while connecting: " + failed.message(),
                true);
        }
    }
    waiter.follow(s.native());
    s.drain_later = true;
}

}  // namespace typq::engine

#endif  // TYPQ_ASIO_DRIVER_HPP
