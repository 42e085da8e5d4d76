// SPDX-License-Identifier: BSL-1.0
// typq/engine/poll.hpp: the synchronous driver. It steps an operation and, whenever the operation
// waits for the socket, waits with poll(): typq::connection runs every operation this way. (The
// asynchronous driver steps the same operations and waits with Asio instead.)

#ifndef TYPQ_ENGINE_POLL_HPP
#define TYPQ_ENGINE_POLL_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/engine/check.hpp>
#include <typq/engine/io.hpp>

#include <libpq-fe.h>

#include <cerrno>    // EINTR
#include <cstring>   // std::strerror
#include <ctime>     // clock_gettime: time left before a deadline
#include <poll.h>    // poll

namespace typq::engine {

/// Milliseconds on a monotonic clock, for deadlines.
inline long long monotonic_ms() noexcept
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<long long>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

/// Waits until the connection's socket is ready for `what`, or until `deadline_ms` (a
/// monotonic_ms() value; negative: no deadline). Returns what became ready; io::none when the
/// deadline passed, or when `wake_fd` (if not negative) became readable: someone wants the wait
/// to end (session::cancel() during a wait for notifications). An error or hang-up on the socket
/// counts as readable: reading then finds it. Interrupted by a signal (EINTR), it goes on waiting
/// for what is left until the deadline.
/// @throws typq::connection_error when the connection has no socket or poll() fails.
TYPQ_DECL io wait_socket(PGconn* conn, io what, long long deadline_ms = -1, int wake_fd = -1);

/// Steps `op` to its end on `conn`, waiting with poll() whenever it waits for the socket.
template <class Op>
void run(PGconn* conn, Op& op)
{
    io ready = io::none;
    for (io wanted = op.step(ready); wanted != io::none; wanted = op.step(ready))
        ready = wait_socket(conn, wanted);
}

#if TYPQ_DEFINITIONS

TYPQ_DECL io wait_socket(PGconn* conn, io what, long long deadline_ms, int wake_fd)
{
    const int socket = PQsocket(conn);
    if (socket < 0)
        throw connection_error("connection to the server was lost: " + libpq_message(conn), true);
    pollfd fds[2]{};
    pollfd& fd = fds[0];
    fd.fd = socket;
    fd.events = static_cast<short>((includes(what, io::read) ? POLLIN : 0) | (includes(what, io::write) ? POLLOUT : 0));
    fds[1].fd = wake_fd;
    fds[1].events = POLLIN;
    const nfds_t count = wake_fd >= 0 ? 2 : 1;
    for (;;) {
        int timeout = -1;
        if (deadline_ms >= 0) {
            const long long left = deadline_ms - monotonic_ms();
            if (left <= 0)
                return io::none;
            timeout = left > 1000000000 ? 1000000000 : static_cast<int>(left);
        }
        const int ready = ::poll(fds, count, timeout);
        if (ready > 0 && fds[1].revents != 0)
            return io::none;
        if (ready > 0) {
            unsigned got = 0;
            if ((fd.revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) != 0)
                got |= static_cast<unsigned>(io::read);
            if ((fd.revents & POLLOUT) != 0)
                got |= static_cast<unsigned>(io::write);
            return static_cast<io>(got);
        }
        if (ready == 0)
            return io::none;
        if (errno != EINTR)
            throw connection_error(std::string("cannot wait for the server: poll() failed: ") + std::strerror(errno),
                false);
    }
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_POLL_HPP
