// SPDX-License-Identifier: BSL-1.0
// typq/engine/notify.hpp: notifications (LISTEN/NOTIFY) on a session. libpq queues every
// notification that arrives, during a statement or between statements, until PQnotifies takes
// it: typq takes them only here, so none is ever dropped, and they come out in arrival order.
// notification_op reads what has arrived without blocking; the synchronous wait drives it with
// poll(), a deadline, and a wake pipe through which session::cancel() ends the wait.

#ifndef TYPQ_ENGINE_NOTIFY_HPP
#define TYPQ_ENGINE_NOTIFY_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/notification.hpp>
#include <typq/engine/check.hpp>
#include <typq/engine/io.hpp>
#include <typq/engine/poll.hpp>
#include <typq/engine/session.hpp>

#include <libpq-fe.h>

#include <chrono>    // timeouts
#include <optional>  // a wait that ends without a notification
#include <string>    // the lost connection's message
#include <vector>    // notifications()

namespace typq::engine {

/// The oldest notification libpq has queued, taken off its queue; std::nullopt when none is.
TYPQ_DECL std::optional<notification> take_notification(PGconn* conn);

/// Throws for a connection found lost while no statement ran, with what the server said as it
/// closed it (a terminated backend: 57P01), if it said anything.
/// @throws typq::connection_error, always.
[[noreturn]] TYPQ_DECL void throw_lost(session& s);

/// Waits for one notification, without blocking: step() returns io::none once it has one
/// (result()), else io::read. The first step reads nothing new when libpq has one queued; each
/// step reads what has arrived (other messages, such as ParameterStatus, are taken in passing).
/// The caller holds the session's lease.
class notification_op {
public:
    explicit notification_op(session& s) noexcept : session_(s) {}

    /// @throws typq::connection_error when the connection is lost; what a notice handler threw
    ///         while input was read (session::rethrow_notice_failure: the notification that came
    ///         with it stays queued).
    TYPQ_DECL io step(io ready);

    [[nodiscard]] std::optional<notification>& result() noexcept { return got_; }

private:
    session& session_;
    std::optional<notification> got_;
};

/// A monotonic_ms() deadline `timeout` from now, rounded up to a millisecond; -1 (none) for a
/// timeout of more than about 30 years (duration::max() and the like), now for zero or less.
template <class Rep, class Period>
long long deadline_after(std::chrono::duration<Rep, Period> timeout) noexcept
{
    // In double: no duration type can overflow it.
    const double ms = std::chrono::duration<double, std::milli>(timeout).count();
    const long long now = monotonic_ms();
    if (!(ms > 0))
        return now;
    if (ms > 1e12)
        return -1;
    const auto whole = static_cast<long long>(ms);
    return now + whole + (static_cast<double>(whole) < ms ? 1 : 0);
}

/// Takes the session's lease and returns the first notification that libpq has queued or that
/// arrives before `deadline_ms` (a monotonic_ms() value; -1: none). std::nullopt when the
/// deadline passes first, or when session::cancel() (from another thread) ends the wait.
/// @throws typq::usage_error when something else holds the session; typq::connection_error
///         when the connection is closed or lost; what a notice handler threw meanwhile.
TYPQ_DECL std::optional<notification> wait_notification(session& s, long long deadline_ms);

/// Takes the session's lease and returns every notification that has arrived, oldest first,
/// without waiting (it reads what the socket already holds).
/// @throws as wait_notification.
TYPQ_DECL std::vector<notification> take_notifications(session& s);

#if TYPQ_DEFINITIONS

TYPQ_DECL std::optional<notification> take_notification(PGconn* conn)
{
    PGnotify* got = PQnotifies(conn);
    if (!got)
        return std::nullopt;
    struct freer {
        PGnotify* p;
        ~freer() { PQfreemem(p); }
    } owner{got};
    return notification{got->relname ? got->relname : "", got->extra ? got->extra : "", got->be_pid};
}

[[noreturn]] TYPQ_DECL void throw_lost(session& s)
{
    PGconn* conn = s.native();
    if (conn && PQstatus(conn) != CONNECTION_BAD)
        throw connection_error(libpq_message(conn), false);  // libpq itself failed (out of memory)
    std::string message = "connection to the server was lost: ";
    message += s.farewell().empty() ? (conn ? libpq_message(conn) : std::string("closed")) : s.farewell();
    throw connection_error(message, true, s.farewell_sqlstate());
}

TYPQ_DECL io notification_op::step(io)
{
    PGconn* conn = session_.native();
    if ((got_ = take_notification(conn)))
        return io::none;
    const bool read = PQconsumeInput(conn) != 0;
    session_.rethrow_notice_failure();
    if ((got_ = take_notification(conn)))
        return io::none;
    if (!read)
        throw_lost(session_);
    return io::read;
}

TYPQ_DECL std::optional<notification> wait_notification(session& s, long long deadline_ms)
{
    PGconn* conn = s.usable();
    lease hold(s, "a statement");
    // From here to the end, cancel() wakes this thread (it sends nothing to the server).
    struct waiting {
        session& s;
        int wake;
        explicit waiting(session& w) : s(w), wake(w.begin_wait()) {}
        waiting(const waiting&) = delete;
        waiting& operator=(const waiting&) = delete;
        ~waiting() { (void)s.end_wait(); }
    } wait(s);
    notification_op op(s);
    io ready = io::none;
    for (io wanted = op.step(ready); wanted != io::none; wanted = op.step(ready)) {
        ready = wait_socket(conn, wanted, deadline_ms, wait.wake);
        if (ready == io::none)
            return std::nullopt;  // the deadline passed, or cancel() woke the wait
    }
    return std::move(op.result());
}

TYPQ_DECL std::vector<notification> take_notifications(session& s)
{
    PGconn* conn = s.usable();
    lease hold(s, "a statement");
    const bool read = PQconsumeInput(conn) != 0;
    s.rethrow_notice_failure();
    std::vector<notification> got;
    while (std::optional<notification> one = take_notification(conn))
        got.push_back(std::move(*one));
    // Lost: what arrived before is returned; the next call finds the connection broken.
    if (!read && got.empty())
        throw_lost(s);
    return got;
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_NOTIFY_HPP
