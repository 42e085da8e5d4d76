// SPDX-License-Identifier: BSL-1.0
// typq/engine/copy.hpp: one COPY ... FROM STDIN or TO STDOUT as an operation that never blocks.
// A typed COPY first describes what it reads or writes (a query, or a probe `SELECT cols FROM
// table`) as a statement, so that its columns are planned and server types looked up before the
// COPY starts; then the COPY is sent and its data streamed: bytes the caller hands over are sent
// with bounded memory (each chunk flushed before the next is taken), chunks the server sends are
// handed out one at a time. Inside a transaction block it runs under a savepoint, so that an
// aborted or abandoned COPY leaves the transaction going on; outside one the COPY is its own
// transaction, and an aborted one lands nothing.

#ifndef TYPQ_ENGINE_COPY_HPP
#define TYPQ_ENGINE_COPY_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/result.hpp>
#include <typq/engine/check.hpp>
#include <typq/engine/collect.hpp>
#include <typq/engine/io.hpp>
#include <typq/engine/pq_handle.hpp>
#include <typq/engine/savepoint.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/statement.hpp>

#include <libpq-fe.h>

#include <cstddef>   // std::size_t
#include <cstdint>   // std::uint64_t
#include <memory>    // the chunk the server sent
#include <optional>  // the describing statement
#include <string>    // the COPY statement, messages
#include <utility>   // std::move

namespace typq::engine {

/// Which way a COPY's data goes.
enum class copy_direction : unsigned char {
    in,   ///< COPY ... FROM STDIN: the client sends
    out,  ///< COPY ... TO STDOUT: the server sends
};

/// What one COPY is.
struct copy_request {
    std::string command;  // the COPY statement, sent as a simple query
    copy_direction direction = copy_direction::in;
    // When not empty, a statement described (and planned, by `plan`) first, as the unnamed
    // statement, and never run: the query a COPY TO STDOUT reads, or a probe `SELECT cols FROM
    // table` that has a COPY FROM STDIN's columns. Described anew for every COPY: a description
    // kept from an earlier one would not see DDL since (a column whose type changed would be
    // written in its old type's binary form), and asking the server whether it is still good
    // costs the same round trip as describing it.
    std::string describe;
    planner plan;
};

/// A chunk of COPY data that libpq allocated.
struct copy_chunk_free {
    void operator()(char* p) const noexcept { PQfreemem(p); }
};

/// One COPY. step() until io::none, then, by what it is doing:
/// - COPY FROM STDIN: accepting() is true: put() a chunk, or end() or abort(), and step again;
/// - COPY TO STDOUT: chunk() is the next chunk the server sent, or null at the end;
/// finished() once it has ended (rows() then says how many rows the server copied).
class copy_op {
public:
    TYPQ_DECL copy_op(session& s, copy_request request);

    TYPQ_DECL io step(io ready);

    /// COPY FROM STDIN: the next steps send `size` bytes at `data`, which must stay valid until a
    /// step returns io::none; that step returns only once they have left the client.
    void put(const char* data, std::size_t size) noexcept
    {
        data_ = data;
        size_ = size;
        stage_ = stage::sending;
    }
    /// COPY FROM STDIN: the next steps end it (the server then says whether all went in).
    void end() noexcept { stage_ = stage::ending; }
    /// COPY FROM STDIN: the next steps end it with an error (`reason`, static text): nothing it
    /// sent lands, and inside a transaction block its savepoint is rolled back.
    TYPQ_DECL void abort(const char* reason) noexcept;

    /// COPY TO STDOUT: from here on step() ends it early: cancelled, the rest of its data dropped,
    /// and inside a transaction block its savepoint rolled back. `send_cancel` false: the caller
    /// sends the cancel request (an asynchronous driver, off its thread, since PQcancel blocks).
    TYPQ_DECL void abandon(bool send_cancel = true) noexcept;

    /// COPY FROM STDIN: it takes data (or end(), abort()) now.
    [[nodiscard]] bool accepting() const noexcept { return stage_ == stage::data && request_.direction == copy_direction::in; }
    /// COPY TO STDOUT: the chunk the last step ended with (one row, in binary and text formats),
    /// valid until the next step; null at the end.
    [[nodiscard]] const char* chunk() const noexcept { return chunk_.get(); }
    [[nodiscard]] std::size_t chunk_size() const noexcept { return chunk_size_; }
    [[nodiscard]] bool finished() const noexcept { return stage_ == stage::done; }
    /// The rows the server says it copied (its "COPY n" tag), once finished.
    [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }
    /// What the description's plan's column names point into (the described statement).
    [[nodiscard]] std::shared_ptr<const void>& plan_keeper() noexcept { return keeper_; }

private:
    enum class stage : unsigned char {
        savepoint, describe, send, start, data, sending, ending, aborting, results, release, abandoned, roll_back, done
    };

    TYPQ_DECL io send_data(io ready);
    TYPQ_DECL io read_data(io ready);
    TYPQ_DECL void results_ended();
    [[noreturn]] TYPQ_DECL void throw_not_a_copy() const;

    session& session_;
    copy_request request_;
    prepared_slot unnamed_;  // the description, as the unnamed prepared statement
    std::optional<statement_request> describing_;
    std::optional<statement_op> describe_;
    std::shared_ptr<const void> keeper_;
    savepoint_step savepoint_{copy_savepoint};
    collect results_;
    std::unique_ptr<char, copy_chunk_free> chunk_;
    std::size_t chunk_size_ = 0;
    const char* data_ = nullptr;
    std::size_t size_ = 0;
    std::uint64_t rows_ = 0;
    const char* abort_reason_ = nullptr;
    stage stage_ = stage::savepoint;
    bool flushing_ = false;     // the chunk is queued in libpq: flush it
    bool failed_start_ = false; // the command did not start the COPY asked for (see throw_not_a_copy)
    bool ended_early_ = false;  // aborted or abandoned: results are dropped, the savepoint rolled back
};

#if TYPQ_DEFINITIONS

TYPQ_DECL copy_op::copy_op(session& s, copy_request request) : session_(s), request_(std::move(request))
{
    if (request_.describe.empty())
        return;
    unnamed_.text = request_.describe;
    statement_request& r = describing_.emplace();
    r.text = unnamed_.text.c_str();
    r.size = unnamed_.text.size();
    r.prepared = &unnamed_;
    r.unnamed = true;
    r.prepare_only = true;
    r.never_prepare = true;
    r.plan = request_.plan;
}


TYPQ_DECL io copy_op::step(io ready)
{
    PGconn* conn = session_.native();
    if (!conn && stage_ != stage::done) {
        // Closed under it (conn.close(), a pool that took its connection back): libpq would
        // report no more results, which would read as the end.
        stage_ = stage::done;
        throw connection_error("the connection was closed while a COPY on it was still open", true);
    }
    for (;;) {
        switch (stage_) {
        case stage::savepoint:
            if (const io wanted = savepoint_.make(session_, ready); wanted != io::none)
                return wanted;
            stage_ = describing_ ? stage::describe : stage::send;
            continue;

        case stage::describe:
            if (!describe_)
                describe_.emplace(session_, *describing_);
            if (const io wanted = describe_->step(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            keeper_ = std::move(describe_->plan_keeper());
            describe_.reset();
            stage_ = stage::send;
            continue;

        case stage::send:
            session_.sent(PQsendQuery(conn, request_.command.c_str()));
            stage_ = stage::start;
            continue;

        case stage::start: {
            result_handle first;
            if (const io wanted = next_result(conn, ready, first); wanted != io::none)
                return wanted;
            ready = io::none;
            const ExecStatusType status = first ? PQresultStatus(first.get()) : PGRES_EMPTY_QUERY;
            if ((status == PGRES_COPY_IN && request_.direction == copy_direction::in)
                || (status == PGRES_COPY_OUT && request_.direction == copy_direction::out)) {
                if (ended_early_)  // aborted or abandoned before it started
                    stage_ = request_.direction == copy_direction::in ? stage::aborting : stage::abandoned;
                else
                    stage_ = stage::data;
                if (stage_ == stage::data && request_.direction == copy_direction::in)
                    return io::none;  // ready for data
                continue;
            }
            // An error, a COPY the other way, or no COPY: the collector ends what the command
            // started, and the results say what happened.
            failed_start_ = !first || !is_error_result(first.get());
            if (first)
                results_.adopt(std::move(first));
            stage_ = stage::results;
            continue;
        }

        case stage::data:
            if (request_.direction == copy_direction::in)
                return io::none;  // waits for put(), end() or abort()
            if (const io wanted = read_data(ready); wanted != io::none)
                return wanted;
            if (chunk_)
                return io::none;
            ready = io::none;
            stage_ = stage::results;
            continue;

        case stage::sending:
            if (const io wanted = send_data(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            if (stage_ == stage::sending) {
                stage_ = stage::data;
                return io::none;
            }
            continue;  // the server ended the COPY: its results say why

        case stage::ending:
        case stage::aborting: {
            consume_input(conn, ready);
            if (!flushing_) {
                const int ended = PQputCopyEnd(conn, stage_ == stage::aborting ? abort_reason_ : nullptr);
                if (ended == 0)
                    return io::write;
                if (ended < 0 && PQstatus(conn) == CONNECTION_BAD)
                    throw_libpq_failure(conn);
                flushing_ = ended > 0;
                if (!flushing_) {  // the COPY had ended already: its results say why
                    stage_ = stage::results;
                    continue;
                }
            }
            if (const io wanted = flush(conn); wanted != io::none)
                return wanted;
            flushing_ = false;
            ready = io::none;
            stage_ = stage::results;
            continue;
        }

        case stage::results:
            if (const io wanted = results_.step(conn, ready); wanted != io::none)
                return wanted;
            ready = io::none;
            results_ended();  // throws the COPY's error
            continue;

        case stage::release:
            if (const io wanted = savepoint_.release(session_, ready); wanted != io::none)
                return wanted;
            stage_ = stage::done;
            continue;

        case stage::abandoned: {
            // Cancelled: drop the rest of the data, then the results.
            if (const io wanted = read_data(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            if (!chunk_)
                stage_ = stage::results;
            continue;
        }

        case stage::roll_back:
            if (const io wanted = savepoint_.roll_back(session_, ready); wanted != io::none)
                return wanted;
            stage_ = stage::done;
            continue;

        case stage::done:
            chunk_.reset();
            if (failed_start_) {
                failed_start_ = false;
                throw_not_a_copy();
            }
            return io::none;
        }
    }
}

// Sends the caller's chunk, then waits until libpq has sent it: what the client holds stays one
// chunk, however slow the server.
TYPQ_DECL io copy_op::send_data(io ready)
{
    PGconn* conn = session_.native();
    consume_input(conn, ready);
    if (!flushing_) {
        const int queued = PQputCopyData(conn, data_, static_cast<int>(size_));
        if (queued == 0)
            return io::write;  // libpq's buffer is full: wait until the socket takes some
        if (queued < 0) {
            if (PQstatus(conn) == CONNECTION_BAD)
                throw_libpq_failure(conn);
            stage_ = stage::results;  // the COPY is over on libpq's side: the results say why
            return io::none;
        }
        flushing_ = true;
    }
    if (const io wanted = flush(conn); wanted != io::none)
        return wanted;
    flushing_ = false;
    if (PQstatus(conn) == CONNECTION_BAD)
        throw_libpq_failure(conn);
    return io::none;
}

// The next chunk the server sent into chunk_, or none (null) once the data has ended.
TYPQ_DECL io copy_op::read_data(io ready)
{
    PGconn* conn = session_.native();
    chunk_.reset();
    chunk_size_ = 0;
    for (;;) {
        char* data = nullptr;
        const int got = PQgetCopyData(conn, &data, 1);
        if (got > 0) {
            chunk_.reset(data);
            chunk_size_ = static_cast<std::size_t>(got);
            if (stage_ != stage::abandoned)
                return io::none;
            chunk_.reset();
            continue;
        }
        if (got == 0) {
            if (includes(ready, io::read)) {
                ready = io::none;
                if (PQconsumeInput(conn))
                    continue;
            }
            if (PQstatus(conn) == CONNECTION_BAD)
                return io::none;  // PQgetResult reports it
            return io::read;
        }
        return io::none;  // -1: the data has ended; -2: it failed, and the results say why
    }
}

// After the command's results: the COPY's row count, or its error; then the savepoint's end.
TYPQ_DECL void copy_op::results_ended()
{
    result_handle last = results_.take_unchecked();
    PGconn* conn = session_.native();
    if (ended_early_ || failed_start_) {
        // Aborted or abandoned (the error that says so is expected), or not the COPY asked for
        // (the usage_error comes once the savepoint is rolled back): what it did is undone.
        if (PQstatus(conn) == CONNECTION_BAD)
            (void)check_result(conn, std::move(last));  // throws connection_error
        stage_ = stage::roll_back;
        return;
    }
    if (!last || is_error_result(last.get()) || PQstatus(conn) == CONNECTION_BAD) {
        stage_ = stage::done;
        // The transaction block, if any, is aborted, as by any failing statement; its savepoint
        // goes with it.
        (void)check_result(conn, std::move(last));  // throws
    }
    rows_ = detail::affected_rows(last.get());
    stage_ = stage::release;
}

[[noreturn]] TYPQ_DECL void copy_op::throw_not_a_copy() const
{
    const char* wanted = request_.direction == copy_direction::in ? "copy_in() runs a COPY ... FROM STDIN"
                                                                  : "copy_out() runs a COPY ... TO STDOUT";
    throw usage_error(std::string(wanted) + "; the statement it was given is not one (typq ended whatever it started: "
        + "a COPY ... FROM STDIN with an error, so nothing was copied; the rows of a COPY ... TO STDOUT were dropped)");
}

TYPQ_DECL void copy_op::abort(const char* reason) noexcept
{
    abort_reason_ = reason;
    switch (stage_) {
    case stage::data:
    case stage::sending:
        // A chunk is whole in libpq's buffer or not there at all: the end goes after it.
        flushing_ = false;
        ended_early_ = true;
        stage_ = stage::aborting;
        break;
    case stage::start:
        ended_early_ = true;  // ended as soon as it starts
        break;
    case stage::savepoint:
    case stage::describe:
    case stage::send:
        stage_ = stage::done;  // the COPY is not sent: the lease ends what a stage left
        break;
    default:
        break;  // ending already: let it end
    }
}

TYPQ_DECL void copy_op::abandon(bool send_cancel) noexcept
{
    chunk_.reset();
    switch (stage_) {
    case stage::data:
    case stage::start:
        try {
            if (send_cancel)
                (void)session_.cancel();
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the COPY then runs to its end, and is dropped
        }
        ended_early_ = true;
        if (stage_ == stage::data)
            stage_ = stage::abandoned;
        break;
    case stage::savepoint:
    case stage::describe:
    case stage::send:
        stage_ = stage::done;
        break;
    default:
        break;
    }
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_COPY_HPP
