// SPDX-License-Identifier: BSL-1.0
// typq/engine/stream.hpp: a statement whose rows arrive one at a time (libpq's single-row mode),
// in constant memory. It is described and planned before it runs (as the unnamed prepared
// statement, so that types the server defines can still be looked up), then its text is run; each step that
// ends with a row leaves it for the caller. Inside a transaction block it runs under a savepoint,
// so that a stream abandoned half way can be undone without aborting the transaction.

#ifndef TYPQ_ENGINE_STREAM_HPP
#define TYPQ_ENGINE_STREAM_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/engine/check.hpp>
#include <typq/engine/collect.hpp>
#include <typq/engine/io.hpp>
#include <typq/engine/pq_handle.hpp>
#include <typq/engine/savepoint.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/statement.hpp>

#include <libpq-fe.h>

#include <optional>  // the describing statement
#include <utility>   // std::move

namespace typq::engine {

/// One statement's rows, one at a time. step() until io::none: then row() is the next row, or
/// null once the statement has ended. abandon() turns what is left into cancelling it.
class stream_op {
public:
    /// `request` says what to run (text, binder, planner); its binder and text are used only
    /// until the first step that returns io::none.
    TYPQ_DECL stream_op(session& s, statement_request request);

    TYPQ_DECL io step(io ready);

    /// The row the last step ended with (a PGRES_SINGLE_TUPLE result), or null at the end.
    [[nodiscard]] const PGresult* row() const noexcept { return row_.get(); }
    [[nodiscard]] bool finished() const noexcept { return stage_ == stage::done; }

    /// From here on, step() ends the statement early: it is cancelled and its rows dropped, and
    /// inside a transaction block what it did is rolled back to its savepoint. `send_cancel`
    /// false: the caller sends the cancel request (an asynchronous driver, off its thread, since
    /// PQcancel blocks).
    TYPQ_DECL void abandon(bool send_cancel = true) noexcept;

private:
    enum class stage : unsigned char { savepoint, describe, send, rows, release, abandoned, roll_back, done };

    session& session_;
    statement_request request_;
    prepared_slot unnamed_;             // the statement, described as the unnamed prepared statement
    std::optional<statement_op> describe_;
    savepoint_step savepoint_{stream_savepoint};
    result_handle row_;
    result_handle error_;                // an error result, thrown once the command's results end
    stage stage_ = stage::savepoint;
};

#if TYPQ_DEFINITIONS

TYPQ_DECL stream_op::stream_op(session& s, statement_request request) : session_(s), request_(std::move(request))
{
    unnamed_.text.assign(request_.text, request_.size);
}

TYPQ_DECL io stream_op::step(io ready)
{
    PGconn* conn = session_.native();
    if (!conn && stage_ != stage::done) {
        // Closed under it (conn.close(), a pool that took its connection back): libpq would
        // report no more results, which would read as the end.
        stage_ = stage::done;
        throw connection_error("the connection was closed while a stream on it was still open", true);
    }
    for (;;) {
        switch (stage_) {
        case stage::savepoint:
            if (const io wanted = savepoint_.make(session_, ready); wanted != io::none)
                return wanted;
            stage_ = stage::describe;
            continue;

        case stage::describe: {
            if (!describe_) {
                statement_request describing = request_;
                describing.prepared = &unnamed_;
                describing.prepare_only = true;
                describing.unnamed = true;
                describe_.emplace(session_, describing);
            }
            if (const io wanted = describe_->step(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            describe_.reset();
            stage_ = stage::send;
            continue;
        }

        case stage::send: {
            // The parameters the describing statement bound are still in the session's buffer. The
            // text goes again (Parse, Bind, Execute in one exchange), not a Bind of the unnamed
            // statement just described: catalog queries may have replaced it since, and behind a
            // pooler in transaction mode this exchange may reach another server connection, whose
            // unnamed statement is another client's.
            bind_buffer& p = session_.params;
            const int format = static_cast<int>(request_.results);
            session_.sent(PQsendQueryParams(conn, unnamed_.text.c_str(), p.count(), p.types(), p.values(), p.lengths(),
                p.formats(), format));
            if (!PQsetSingleRowMode(conn))
                throw_libpq_failure(conn);
            stage_ = stage::rows;
            continue;
        }

        case stage::rows: {
            row_.reset();
            result_handle next;
            if (const io wanted = next_result(conn, ready, next); wanted != io::none)
                return wanted;
            ready = io::none;
            if (next && PQresultStatus(next.get()) == PGRES_SINGLE_TUPLE && !error_) {
                row_ = std::move(next);
                return io::none;
            }
            if (next) {
                if (is_error_result(next.get()) && !error_)
                    error_ = std::move(next);
                else if (PQresultStatus(next.get()) == PGRES_COPY_IN || PQresultStatus(next.get()) == PGRES_COPY_OUT)
                    throw usage_error("a COPY statement cannot run through stream()");  // refused by the server in single-row mode; defensive
                continue;  // the end of the rows (PGRES_TUPLES_OK, or a command's status): its null follows
            }
            if (error_) {
                stage_ = stage::done;
                (void)check_result(conn, std::move(error_));  // throws
            }
            stage_ = stage::release;
            continue;
        }

        case stage::release:
            if (const io wanted = savepoint_.release(session_, ready); wanted != io::none)
                return wanted;
            stage_ = stage::done;
            continue;

        case stage::abandoned: {
            // The statement was cancelled (or had ended): drop what is left of it, then undo it.
            result_handle next;
            if (const io wanted = next_result(conn, ready, next); wanted != io::none)
                return wanted;
            ready = io::none;
            if (!next)
                stage_ = stage::roll_back;
            continue;
        }

        case stage::roll_back:
            if (const io wanted = savepoint_.roll_back(session_, ready); wanted != io::none)
                return wanted;
            stage_ = stage::done;
            continue;

        case stage::done:
            row_.reset();
            return io::none;
        }
    }
}

TYPQ_DECL void stream_op::abandon(bool send_cancel) noexcept
{
    row_.reset();
    if (stage_ == stage::rows) {
        try {
            if (send_cancel)
                (void)session_.cancel();
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the statement then runs to its end, and is dropped
        }
        stage_ = stage::abandoned;
    }
    else if (stage_ != stage::done && stage_ != stage::release)
        stage_ = stage::done;  // nothing of it runs yet, or it is being released: let that end
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_STREAM_HPP
