// SPDX-License-Identifier: BSL-1.0
// typq/engine/session.hpp: everything a connection to the server is, except how it waits: the
// libpq connection in non-blocking mode, the server types and statements it has learnt, the
// buffers its statements reuse, and the flag that keeps two users from running statements on it
// at once. typq::connection owns one through a shared pointer, so that what refers to the
// session (a transaction, a prepared statement, a stream) follows the connection when it moves.

#ifndef TYPQ_ENGINE_SESSION_HPP
#define TYPQ_ENGINE_SESSION_HPP

#include <typq/config.hpp>
#include <typq/connection_options.hpp>
#include <typq/error.hpp>
#include <typq/server_types.hpp>
#include <typq/engine/bind.hpp>
#include <typq/engine/check.hpp>
#include <typq/engine/io.hpp>
#include <typq/engine/poll.hpp>
#include <typq/engine/pq_handle.hpp>
#include <typq/engine/statement_cache.hpp>

#include <libpq-fe.h>

#include <atomic>       // the busy state, shared with cancel() in other threads
#include <cstddef>      // std::size_t
#include <memory>       // std::shared_ptr
#include <string>       // conninfo, statement names, reasons
#include <string_view>  // conninfo
#include <thread>       // std::this_thread::yield while a cancel request is sent
#include <utility>      // std::move

namespace typq::engine {

/// What a session is doing, as one atomic value: cancel() in another thread reads and changes it.
enum class activity : unsigned char {
    idle,        ///< free for the next operation
    busy,        ///< an operation (or a stream, a pipeline) holds the session
    cancelling,  ///< busy, and cancel() is sending a cancel request for it right now
};

class session {
public:
    explicit session(const connection_options& options) : options_(options) {}
    session(const session&) = delete;
    session& operator=(const session&) = delete;
    ~session() = default;

    /// Connects (blocking, with libpq's connect_timeout), then puts the connection in non-blocking
    /// mode: from here on every operation waits through a driver.
    /// @throws typq::connection_error when the connection cannot be made.
    TYPQ_DECL void connect(std::string_view conninfo);

    /// Closes the connection; what still refers to the session then finds it closed.
    TYPQ_DECL void close() noexcept;

    [[nodiscard]] PGconn* native() const noexcept { return conn_.get(); }
    [[nodiscard]] bool closed() const noexcept { return !conn_ && broken_.empty(); }
    /// Lost, or closed by typq because its state could not be known any more.
    [[nodiscard]] bool broken() const noexcept
    {
        return !broken_.empty() || (conn_ && PQstatus(conn_.get()) != CONNECTION_OK);
    }

    /// The connection, when it can run a statement now.
    /// @throws typq::connection_error when it is closed or broken; typq::usage_error when a
    ///         statement changed client_encoding away from UTF8, which typq reads and writes, or
    ///         when the connection is in libpq's pipeline mode outside a typq::pipeline.
    [[nodiscard]] PGconn* usable() const
    {
        PGconn* conn = conn_.get();
        if (!conn || PQstatus(conn) != CONNECTION_OK || PQclientEncoding(conn) != utf8_
            || PQpipelineStatus(conn) != PQ_PIPELINE_OFF)
            refuse();
        return conn;
    }

    /// Closes the connection after a failure that leaves its protocol state unknown (libpq failed
    /// half way through queueing a statement): nothing of a half-sent statement may reach the
    /// server with the next one. The session then reports itself broken, with `reason`.
    TYPQ_DECL void mark_broken(std::string reason) noexcept;

    /// After a PQsend* call: a failure closes the connection, because libpq may already have
    /// queued part of the statement, which would otherwise go out with the next one.
    /// @throws typq::connection_error (broken) when `ok` is 0.
    void sent(int ok)
    {
#ifdef TYPQ_TEST_FAULTS
        // Tests make a send fail after libpq queued the whole statement, as an allocation that
        // fails half way through would.
        if (ok && test_fail_next_send_) {
            test_fail_next_send_ = false;
            ok = 0;
        }
#endif
        if (!ok)
            send_failed();
    }

#ifdef TYPQ_TEST_FAULTS
    void test_fail_next_send() noexcept { test_fail_next_send_ = true; }
#endif

    /// Closes the connection after a PQsend* call failed, and says so.
    /// @throws typq::connection_error (broken), always.
    [[noreturn]] TYPQ_DECL void send_failed();

    [[nodiscard]] const connection_options& options() const noexcept { return options_; }

    /// The server's standard_conforming_strings (on unless a statement turned it off).
    [[nodiscard]] bool standard_strings() const noexcept
    {
        const char* value = conn_ ? PQparameterStatus(conn_.get(), "standard_conforming_strings") : nullptr;
        return !value || value[1] != 'f';  // "on" or "off"
    }

    /// A name for the next statement this session prepares.
    [[nodiscard]] std::string next_statement_name() { return "typq_" + std::to_string(++statements_named_); }

    /// Sends a cancel request for the operation in progress, if there is one; the next operation
    /// does not start until the request has been delivered, so that it cannot be cancelled
    /// instead. True when a request was sent. Safe to call from any thread.
    /// @throws typq::connection_error when the request cannot be sent.
    TYPQ_DECL bool cancel();

    // The session's state that its operations read and write (engine code only).
    std::shared_ptr<const type_registry> registry;  // server-defined types looked up so far; null: none
    bind_buffer params;                            // every statement's parameters, reused
    std::string text;                              // a named statement rewritten with $N
    statement_cache statements;                    // automatically prepared statements
    std::shared_ptr<deallocation_queue> deallocations = std::make_shared<deallocation_queue>();
    std::size_t transaction_depth = 0;             // open typq::transaction objects (>1: savepoints)
    std::size_t cursors_named = 0;                 // for the next typq::cursor's name
    std::size_t pipeline_segments = 0;             // sync points sent in pipelines so far

private:
    friend class lease;

    [[noreturn]] TYPQ_DECL void refuse() const;

    conn_handle conn_;
    cancel_handle cancel_;        // what cancel() sends; made when connecting
    std::string broken_;          // why typq closed the connection; empty unless it did
    int utf8_ = -1;               // libpq's number for UTF8 (pg_char_to_encoding)
    connection_options options_;
    std::size_t statements_named_ = 0;
    std::atomic<activity> activity_{activity::idle};
    std::atomic<const char*> holder_{nullptr};  // what holds the session, for the busy message
#ifdef TYPQ_TEST_FAULTS
    bool test_fail_next_send_ = false;
#endif
};

/// Holds a session for one operation (or for a stream or pipeline's life): refuses a second user
/// while it is held, and leaves the session clean when it is released: a command still in
/// progress (an operation abandoned half way, by an exception) is cancelled and drained, or the
/// connection is marked broken when that fails.
class lease {
public:
    /// @throws typq::usage_error when something else holds the session: another thread, or a
    ///         stream or pipeline still open on it.
    TYPQ_DECL lease(session& s, const char* holder);
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    TYPQ_DECL ~lease();

    [[nodiscard]] session& owner() const noexcept { return *session_; }

private:
    session* session_;
};

/// Waits for a cancelled or abandoned command's results and drops them, with poll() and a
/// deadline; false when the connection could not be brought back to idle in time (then it is
/// marked broken).
TYPQ_DECL bool drain(session& s) noexcept;

#if TYPQ_DEFINITIONS

TYPQ_DECL void session::connect(std::string_view conninfo)
{
    const std::string info(conninfo);
    // expand_dbname=1: the "dbname" value is parsed as a whole conninfo string or URI; the
    // client_encoding after it overrides any the string names.
    const char* const keywords[] = {"dbname", "client_encoding", nullptr};
    const char* const values[] = {info.c_str(), "UTF8", nullptr};
    conn_.reset(PQconnectdbParams(keywords, values, 1));
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK)
        throw connection_error(libpq_message(conn_.get()), true);
    // libpq prints notices (NOTICE, WARNING) to stderr by default; a library must not.
    PQsetNoticeReceiver(conn_.get(), [](void*, const PGresult*) {}, nullptr);
    if (PQsetnonblocking(conn_.get(), 1) != 0)
        throw connection_error("cannot put the connection in non-blocking mode: " + libpq_message(conn_.get()), true);
    utf8_ = PQclientEncoding(conn_.get());
    // Made now, while no other thread can be using the connection: cancel() only sends it.
    cancel_.reset(PQgetCancel(conn_.get()));
}

TYPQ_DECL void session::close() noexcept
{
    cancel_.reset();
    conn_.reset();
    statements.clear();
    (void)deallocations->take();  // the server forgets them with the session
}

TYPQ_DECL void session::mark_broken(std::string reason) noexcept
{
    broken_ = std::move(reason);
    if (broken_.empty())
        broken_ = "the connection was closed after a failure";
    cancel_.reset();
    conn_.reset();
    statements.clear();
    (void)deallocations->take();
}

[[noreturn]] TYPQ_DECL void session::refuse() const
{
    // A stream or pipeline that holds the session explains the state better than libpq does.
    if (const char* other = holder_.load(); other && std::string_view(other) != "a statement")
        throw usage_error(std::string(other) + " is still open on this connection: finish it (or destroy it) "
            + "before running anything else on the connection");
    if (!broken_.empty())
        throw connection_error("the connection is broken: " + broken_, true);
    if (!conn_)
        throw connection_error("the connection is closed", true);
    if (PQstatus(conn_.get()) != CONNECTION_OK)
        throw connection_error("the connection is broken: " + libpq_message(conn_.get()), true);
    if (PQpipelineStatus(conn_.get()) != PQ_PIPELINE_OFF)
        throw usage_error("the connection is in libpq's pipeline mode, entered through native_handle(): typq "
                          "runs statements in pipeline mode only through a typq::pipeline");
    const char* encoding = PQparameterStatus(conn_.get(), "client_encoding");
    throw usage_error(std::string("the connection's client_encoding is ") + (encoding ? encoding : "?")
        + ": typq sends and reads text only as UTF8, so it runs nothing on this connection (SET client_encoding "
          "TO 'UTF8' cannot run either: open a new connection)");
}

[[noreturn]] TYPQ_DECL void session::send_failed()
{
    const std::string reason = "sending a statement failed (" + libpq_message(conn_.get())
        + "); the connection was closed, since part of the statement may have been queued";
    mark_broken(reason);
    throw connection_error(reason, true);
}

TYPQ_DECL bool session::cancel()
{
    activity expected = activity::busy;
    if (!activity_.compare_exchange_strong(expected, activity::cancelling))
        return false;  // nothing in progress: a request now could only cancel a later statement
    char message[256] = {};
    const bool sent = cancel_ && PQcancel(cancel_.get(), message, static_cast<int>(sizeof message));
    activity_.store(activity::busy);
    if (!cancel_)
        throw connection_error("cannot cancel: the connection is closed", true);
    if (!sent)
        throw connection_error(std::string("cannot send the cancel request: ") + message, false);
    return true;
}

TYPQ_DECL lease::lease(session& s, const char* holder) : session_(&s)
{
    activity expected = activity::idle;
    if (!s.activity_.compare_exchange_strong(expected, activity::busy, std::memory_order_acquire)) {
        const char* other = s.holder_.load();
        if (other && std::string_view(other) != "a statement")
            throw usage_error(std::string(other) + " is still open on this connection: finish it (or destroy it) "
                + "before running anything else on the connection");
        throw usage_error("this connection is running a statement for another thread: a typq::connection is used "
                          "by one thread at a time (only cancel() may be called from another thread)");
    }
    s.holder_.store(holder);
}

TYPQ_DECL lease::~lease()
{
    session& s = *session_;
    // PQTRANS_ACTIVE: libpq is not idle, so a command was abandoned before its results were read.
    if (PGconn* conn = s.native(); conn && PQtransactionStatus(conn) == PQTRANS_ACTIVE)
        (void)drain(s);
    s.holder_.store(nullptr);
    // A cancel request being sent for this operation must be delivered before the next one starts.
    activity expected = activity::busy;
    while (!s.activity_.compare_exchange_weak(expected, activity::idle, std::memory_order_release)) {
        expected = activity::busy;
        std::this_thread::yield();
    }
}

// How long an abandoned command may take to end once cancelled, before the connection is closed.
inline constexpr long long drain_timeout_ms = 30000;

TYPQ_DECL bool drain(session& s) noexcept
{
    PGconn* conn = s.native();
    if (!conn)
        return true;
    std::string why = "a statement abandoned half way could not be ended";
    try {
        const long long deadline = monotonic_ms() + drain_timeout_ms;
        (void)s.cancel();
        // A pipeline ends only at a sync point: one more makes sure there is one after the last
        // statement queued.
        if (PQpipelineStatus(conn) != PQ_PIPELINE_OFF)
            (void)PQpipelineSync(conn);
        io ready = io::none;
        for (;;) {
            result_handle result;
            if (const io wanted = next_result(conn, ready, result); wanted != io::none) {
                ready = wait_socket(conn, wanted, deadline);
                if (ready == io::none) {
                    why += " within " + std::to_string(drain_timeout_ms / 1000) + " s";
                    break;
                }
                continue;
            }
            ready = io::none;
            if (result) {
                if (PQresultStatus(result.get()) == PGRES_COPY_IN)
                    (void)PQputCopyEnd(conn, "abandoned by the client");
                else if (PQresultStatus(result.get()) == PGRES_COPY_OUT || PQresultStatus(result.get()) == PGRES_COPY_BOTH) {
                    for (char* row = nullptr;;) {
                        const int got = PQgetCopyData(conn, &row, 1);
                        if (got > 0) {
                            PQfreemem(row);
                            continue;
                        }
                        if (got == 0 && wait_socket(conn, io::read, deadline) == io::read && PQconsumeInput(conn))
                            continue;
                        break;
                    }
                }
                continue;
            }
            if (PQstatus(conn) == CONNECTION_BAD)
                break;
            if (PQpipelineStatus(conn) != PQ_PIPELINE_OFF && !PQexitPipelineMode(conn))
                continue;
            if (PQtransactionStatus(conn) != PQTRANS_ACTIVE)
                return true;
        }
    }
    catch (const std::exception& e) {
        why += std::string(": ") + e.what();
    }
    catch (...) {  // NOLINT(bugprone-empty-catch): closing the connection below is the answer
    }
    s.mark_broken(why);
    return false;
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_SESSION_HPP
