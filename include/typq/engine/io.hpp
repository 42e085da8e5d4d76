// SPDX-License-Identifier: BSL-1.0
// typq/engine/io.hpp: what an operation waits for, and the non-blocking step every operation
// takes after it has queued something with a PQsend* call: send what is queued, read what has
// arrived, and take the next result only when libpq has it whole.
//
// Operations never block. Each is a small state machine whose step(ready) does what it can and
// returns what it waits for next; a driver waits for that on the socket (poll() for
// typq::connection) and calls step again with what became ready. psycopg 3 is built the same way
// (its generators and wait functions), and so is Boost.MySQL (a sans-I/O core driven by its sync
// and async functions).

#ifndef TYPQ_ENGINE_IO_HPP
#define TYPQ_ENGINE_IO_HPP

#include <typq/config.hpp>
#include <typq/engine/check.hpp>
#include <typq/engine/pq_handle.hpp>

#include <libpq-fe.h>

namespace typq::engine {

/// What an operation waits for before it can go on, and what a driver found ready.
enum class io : unsigned char {
    none = 0,        ///< nothing: the operation has finished (or, for a stream, has a result)
    read = 1,        ///< the socket to have data
    write = 2,       ///< the socket to take data
    read_write = 3,  ///< either: output is pending, and input must be read meanwhile
};

[[nodiscard]] constexpr bool includes(io set, io what) noexcept
{
    return (static_cast<unsigned>(set) & static_cast<unsigned>(what)) != 0;
}

/// Reads what arrived when the socket was readable. libpq keeps it until results are taken.
/// A failure is left for the next result to report (libpq turns a lost connection into an error
/// result with the server's last words, which PQgetResult then returns without blocking).
inline void consume_input(PGconn* conn, io ready) noexcept
{
    if (includes(ready, io::read))
        (void)PQconsumeInput(conn);
}

/// Sends what libpq has queued, without blocking: io::none once all of it is sent, else what to
/// wait for (read too, so that a server that is itself blocked writing to us can go on).
/// @throws typq::connection_error when the connection was lost.
inline io flush(PGconn* conn)
{
    const int pending = PQflush(conn);
    if (pending > 0)
        return io::read_write;
    if (pending < 0 && PQstatus(conn) != CONNECTION_BAD)
        throw_libpq_failure(conn);
    return io::none;  // sent; or lost, which the next result says
}

/// The next result of what was sent, when libpq has it whole: io::none with `out` set (null at
/// the end of a command's results), else what to wait for. Outside pipeline mode, a command's
/// results end with null; in pipeline mode each queued command's do, and a sync point gives one
/// PGRES_PIPELINE_SYNC result with no null after it. Always inlined: a stream takes it once a row,
/// and g++ stops inlining it into stream_op::step once the engine has a few more callers (measured:
/// +21 instructions a streamed row when it did).
TYPQ_ALWAYS_INLINE io next_result(PGconn* conn, io ready, result_handle& out)
{
    consume_input(conn, ready);
    if (PQstatus(conn) != CONNECTION_BAD) {
        if (const io pending = flush(conn); pending != io::none)
            return pending;
        if (PQisBusy(conn))
            return io::read;
    }
    // Not busy, or the connection is lost: then libpq has closed the socket, and PQgetResult
    // returns the error (and the server's FATAL report, if one came) without waiting.
    out.reset(PQgetResult(conn));
    return io::none;
}

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_IO_HPP
