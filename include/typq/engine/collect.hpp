// SPDX-License-Identifier: BSL-1.0
// typq/engine/collect.hpp: the results of one command sent outside pipeline mode, read without
// blocking: the one that matters is kept (the first error, else the last result), and a COPY
// that the command started where no COPY was expected is ended so that the connection stays
// usable, with an error that says what happened to it.

#ifndef TYPQ_ENGINE_COLLECT_HPP
#define TYPQ_ENGINE_COLLECT_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/engine/check.hpp>
#include <typq/engine/io.hpp>
#include <typq/engine/pq_handle.hpp>
#include <typq/engine/session.hpp>

#include <libpq-fe.h>

#include <string>       // messages
#include <string_view>  // command tags

namespace typq::engine {

/// Collects one command's results. step() until io::none, then take() (or take_any()).
class collect {
public:
    /// Reads what it can; io::none once the command's results have all arrived.
    TYPQ_DECL io step(PGconn* conn, io ready);

    /// Takes a result of the command that the caller read itself, as step() would have (a COPY
    /// it started is then ended by the next step()).
    TYPQ_DECL void adopt(result_handle next);

    /// The result that matters: the first error, else the last result (PQexec keeps the last
    /// even after an error, but when the server ends a session the last is libpq's own "server
    /// closed the connection", and the server's reason would be lost).
    /// @throws typq::server_error (its SQLSTATE's class) for an error, typq::connection_error for
    ///         a lost connection, typq::usage_error for a COPY the command started.
    TYPQ_DECL result_handle take(PGconn* conn);

    /// The result that matters, unchecked (an error result is returned, not thrown).
    [[nodiscard]] result_handle take_unchecked() noexcept { return static_cast<result_handle&&>(kept_); }

    /// True when a statement of the command dropped every prepared statement of the session
    /// (DISCARD ALL, DEALLOCATE ALL).
    [[nodiscard]] bool discarded_statements() const noexcept { return discarded_; }

    /// What a COPY the command started became (reported by take()).
    enum class copy : unsigned char { none, in_ended, out_discarded, both_refused };

private:
    TYPQ_DECL io end_copy(PGconn* conn, io ready);

    result_handle kept_;
    copy copy_ = copy::none;
    bool in_copy_ = false;
    bool discarded_ = false;
};

/// One command of an operation's stage: sent at the first step, then its results collected.
class exchange {
public:
    /// Sends with `send` (which makes a PQsend* call and returns its result) the first time;
    /// io::none once the command's results are all in (`ready` is then spent: set to io::none),
    /// and the next step() sends again.
    template <class Send>
    io step(session& s, io& ready, Send&& send)
    {
        if (!sent_) {
            s.sent(send());
            sent_ = true;
            results_ = collect();
        }
        const io wanted = results_.step(s.native(), ready);
        if (wanted == io::none) {
            ready = io::none;
            sent_ = false;
        }
        return wanted;
    }

    [[nodiscard]] collect& results() noexcept { return results_; }

private:
    collect results_;
    bool sent_ = false;
};

#if TYPQ_DEFINITIONS

TYPQ_DECL io collect::step(PGconn* conn, io ready)
{
    for (;;) {
        if (in_copy_) {
            if (const io wanted = end_copy(conn, ready); wanted != io::none)
                return wanted;
            ready = io::none;
        }
        result_handle next;
        if (const io wanted = next_result(conn, ready, next); wanted != io::none)
            return wanted;
        ready = io::none;
        if (!next)
            return io::none;
        adopt(static_cast<result_handle&&>(next));
    }
}

TYPQ_DECL void collect::adopt(result_handle next)
{
    switch (PQresultStatus(next.get())) {
    case PGRES_COPY_IN:
        copy_ = copy::in_ended;
        in_copy_ = true;
        return;
    case PGRES_COPY_OUT:
        copy_ = copy::out_discarded;
        in_copy_ = true;
        return;
    case PGRES_COPY_BOTH:
        copy_ = copy::both_refused;
        in_copy_ = true;
        return;
    case PGRES_COMMAND_OK:
        if (const char* tag = PQcmdStatus(next.get()); tag[0] == 'D')
            discarded_ = discarded_ || std::string_view(tag) == "DISCARD ALL" || std::string_view(tag) == "DEALLOCATE ALL";
        break;
    default:
        break;
    }
    if (!kept_ || !is_error_result(kept_.get()))
        kept_ = static_cast<result_handle&&>(next);
}

// Ends a COPY nobody asked for. COPY FROM STDIN is refused with an error (nothing is copied);
// the rows of COPY TO STDOUT are read and dropped.
TYPQ_DECL io collect::end_copy(PGconn* conn, io ready)
{
    consume_input(conn, ready);
    if (copy_ == copy::in_ended) {
        const int sent = PQputCopyEnd(conn, "typq: COPY FROM STDIN cannot run through execute() or query()");
        if (sent == 0)
            return io::write;
        in_copy_ = false;
        return io::none;  // the error it causes comes as the command's next result
    }
    for (char* row = nullptr;;) {
        const int got = PQgetCopyData(conn, &row, 1);
        if (got > 0) {
            PQfreemem(row);
            continue;
        }
        if (got == 0)
            return io::read;
        in_copy_ = false;  // -1: done; -2: failed, and the next result says why
        return io::none;
    }
}

TYPQ_DECL result_handle collect::take(PGconn* conn)
{
    if (copy_ == copy::none || PQstatus(conn) == CONNECTION_BAD)
        return check_result(conn, static_cast<result_handle&&>(kept_));
    if (copy_ == copy::in_ended)
        throw usage_error("a COPY ... FROM STDIN cannot run through execute() or query(): typq ended it with an "
                          "error, so nothing was copied (a transaction it ran in is now aborted, and the statements "
                          "after it in the same script did not run)");
    std::string message = "a COPY ... TO STDOUT cannot run through execute() or query(): typq read its rows and "
                          "dropped them (the statements after it in the same script did run";
    if (kept_ && is_error_result(kept_.get()))
        message += std::string(", and one failed: ") + PQresultErrorMessage(kept_.get());
    throw usage_error(message + ")");
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_COLLECT_HPP
