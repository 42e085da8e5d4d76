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
#include <typq/notice.hpp>
#include <typq/server_types.hpp>
#include <typq/engine/bind.hpp>
#include <typq/engine/check.hpp>
#include <typq/engine/io.hpp>
#include <typq/engine/poll.hpp>
#include <typq/engine/pq_handle.hpp>
#include <typq/engine/statement_cache.hpp>

#include <libpq-fe.h>

#include <atomic>       // the busy state, shared with cancel() in other threads
#include <cerrno>       // errno, when the wake pipe cannot be made
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uintptr_t: a fallback for the statement names' random digits
#include <cstring>      // std::strerror
#include <exception>    // the exception a notice handler threw, kept until its statement ends
#include <memory>       // std::shared_ptr
#include <string>       // conninfo, statement names, reasons
#include <string_view>  // conninfo
#include <thread>       // std::this_thread::yield while a cancel request is sent
#include <utility>      // std::move

#include <fcntl.h>      // fcntl: the wake pipe is non-blocking and close-on-exec
#include <unistd.h>     // pipe, read, write, close: the wake pipe; getentropy, getpid: statement names

namespace typq::engine {

/// What an abandoned operation still has to do (a stream's rows to drop, its savepoint to roll
/// back), kept by an asynchronous session (session::leftover) for its next operation to finish
/// first, since a destructor cannot wait.
class leftover {
public:
    leftover() = default;
    leftover(const leftover&) = delete;
    leftover& operator=(const leftover&) = delete;
    virtual ~leftover() = default;
    virtual io step(io ready) = 0;
    /// Whether the command still running is cancelled first: an abandoned stream's or COPY's is
    /// (its rest is dropped), an abandoned pipeline's is not (its statements run, as those of a
    /// pipeline closed by an exception do).
    [[nodiscard]] virtual bool cancels() const noexcept { return true; }
};

/// What a session is doing, as one atomic value: cancel() in another thread reads and changes it.
enum class activity : unsigned char {
    idle,        ///< free for the next operation
    busy,        ///< an operation (or a stream, a pipeline) holds the session
    cancelling,  ///< busy, and cancel() is sending a cancel request (or waking a wait) right now
    waiting,     ///< busy, waiting for a notification: cancel() wakes it instead of asking the server
};

class session {
public:
    explicit session(const connection_options& options) : options_(options) {}
    session(const session&) = delete;
    session& operator=(const session&) = delete;
    TYPQ_DECL ~session();

    /// Connects (blocking, with libpq's connect_timeout), then puts the connection in non-blocking
    /// mode: from here on every operation waits through a driver.
    /// @throws typq::connection_error when the connection cannot be made.
    TYPQ_DECL void connect(std::string_view conninfo);

    /// The non-blocking way to connect, for an asynchronous driver: start_connect() begins
    /// (PQconnectStartParams), then connect_step() until it returns io::none, waiting on native()'s
    /// socket (which may change between steps: libpq tries host after host) for what it returns.
    /// The session is then connected as by connect(). libpq does not apply connect_timeout here:
    /// the driver does.
    /// @throws typq::connection_error when the connection cannot be made.
    TYPQ_DECL void start_connect(std::string_view conninfo);
    TYPQ_DECL io connect_step();

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

    /// The connection, for what only reads its state (backend PID, server version, host): works
    /// in pipeline mode and while a statement runs.
    /// @throws typq::connection_error when it is closed or broken.
    [[nodiscard]] PGconn* open() const
    {
        if (!broken_.empty())
            throw connection_error("the connection is broken: " + broken_, true);
        if (!conn_)
            throw connection_error("the connection is closed", true);
        if (PQstatus(conn_.get()) != CONNECTION_OK)
            throw connection_error("the connection is broken: " + libpq_message(conn_.get()), true);
        return conn_.get();
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

    /// A name for the next statement this session prepares: `typq_<16 random hex digits>_<n>`, the
    /// digits drawn once per session. Unique across sessions, not only within one: behind a
    /// pooler in transaction mode (PgBouncer) sessions share server connections, and a name that
    /// another client also used would run that client's statement, or fail to prepare (42P05).
    TYPQ_DECL std::string next_statement_name();

    /// Whether the session may still prepare statements on the server (see stop_preparing).
    [[nodiscard]] bool prepares() const noexcept { return !preparing_stopped_; }

    /// From here on the session prepares nothing, automatically or for the program's
    /// typq::prepared, which then run unprepared (their text and parameter types sent each time):
    /// a statement it had prepared is gone without typq or the program dropping it (SQLSTATE 26000),
    /// which is what a pooler in transaction mode (PgBouncer) causes when it hands the next
    /// transaction another server connection. The statements it kept are forgotten, none is
    /// deallocated (the server connections they were prepared on are not this one's to reach).
    TYPQ_DECL void stop_preparing() noexcept;

    /// Sends a cancel request for the operation in progress, if there is one; the next operation
    /// does not start until the request has been delivered, so that it cannot be cancelled
    /// instead. True when a request was sent. Safe to call from any thread.
    /// @throws typq::connection_error when the request cannot be sent.
    TYPQ_DECL bool cancel();

    // --- notices and notifications ----------------------------------------------------------

    /// Replaces the notice handler (an empty one: none). Not while another thread runs a statement
    /// on the session; from inside the handler itself is fine.
    void set_notice_handler(notice_handler handler)
    {
        notice_handler_ = handler ? std::make_shared<const notice_handler>(std::move(handler)) : nullptr;
    }

    /// Rethrows (once) the first exception a notice handler threw during the operation that holds
    /// the lease. Called where an operation has ENDED (run_statement, a stream's or pipeline's end
    /// points, COPY's end points): libpq is C and calls the handler from inside PQgetResult or
    /// PQconsumeInput, so the exception cannot leave the handler there; the statement's effects
    /// stand. A failure an operation never rethrew (it failed with its own error) is dropped when
    /// the next lease is taken.
    void rethrow_notice_failure()
    {
        if (notice_failure_) [[unlikely]] {
            std::exception_ptr failure = std::move(notice_failure_);
            notice_failure_ = nullptr;
            std::rethrow_exception(failure);
        }
    }

    /// For wait_notification: marks the session as waiting (cancel() then wakes the wait instead
    /// of asking the server) and returns the descriptor that becomes readable when it does. The
    /// caller holds the lease and calls end_wait() afterwards, whatever happens.
    /// @throws typq::connection_error when the wake pipe cannot be made.
    TYPQ_DECL int begin_wait();
    /// Ends what begin_wait() began; true when cancel() woke the wait.
    TYPQ_DECL bool end_wait() noexcept;

    /// What the server said as it closed the connection (a FATAL message while nothing ran, which
    /// libpq hands to the notice receiver): "terminating connection due to administrator command"
    /// and 57P01. Empty when it said nothing.
    [[nodiscard]] const std::string& farewell() const noexcept { return farewell_; }
    [[nodiscard]] const std::string& farewell_sqlstate() const noexcept { return farewell_sqlstate_; }

    // The session's state that its operations read and write (engine code only).
    std::shared_ptr<const type_registry> registry;  // server-defined types looked up so far; null: none
    bind_buffer params;                            // every statement's parameters, reused
    std::string text;                              // a named statement rewritten with $N
    statement_cache statements;                    // automatically prepared statements
    std::shared_ptr<deallocation_queue> deallocations = std::make_shared<deallocation_queue>();
    std::size_t transaction_depth = 0;             // open typq::transaction objects (>1: savepoints)
    std::size_t cursors_named = 0;                 // for the next typq::cursor's name
    std::size_t pipeline_segments = 0;             // sync points sent in pipelines so far
    // Driven by an asynchronous driver (typq::async_connection), whose thread must never wait for a
    // round trip: a lease released while a command is still in progress then leaves it for the
    // next operation to cancel and drain (`abandoned`), instead of draining it with poll().
    bool drain_later = false;
    bool abandoned = false;                        // see drain_later
    // Asynchronous too: the depth of a transaction whose coroutine let it go without ending it
    // (0: none), which the next operation rolls back before anything else (typq::async_transaction).
    std::size_t abandoned_transaction = 0;
    // Asynchronous too: an abandoned operation's rest, finished (after a cancel request) before
    // the next operation.
    std::unique_ptr<leftover> leftovers;

private:
    friend class lease;

    [[noreturn]] TYPQ_DECL void refuse() const;
    // What connect() and connect_step() do once libpq has connected.
    TYPQ_DECL void connected();
    // libpq's notice receiver; `self` is the session, which never moves (it is owned through a
    // shared_ptr) and outlives its PGconn.
    TYPQ_DECL static void receive_notice(void* self, const PGresult* result) noexcept;

    // Declared before conn_, so that they outlive it: libpq may call the receiver until then.
    std::shared_ptr<const notice_handler> notice_handler_;  // null: notices are dropped
    std::exception_ptr notice_failure_;                     // the first exception a handler threw
    std::string farewell_;                                  // see farewell()
    std::string farewell_sqlstate_;
    int wake_[2] = {-1, -1};                                // cancel() writes; a wait polls; made at the first wait
    conn_handle conn_;
    cancel_handle cancel_;        // what cancel() sends; made when connecting
    std::string broken_;          // why typq closed the connection; empty unless it did
    int utf8_ = -1;               // libpq's number for UTF8 (pg_char_to_encoding)
    connection_options options_;
    std::size_t statements_named_ = 0;
    std::string statement_prefix_;  // "typq_<16 hex digits>_", made for the first name
    bool preparing_stopped_ = false;
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

/// What is left of a cancelled or abandoned command, read and dropped, as an operation: a COPY
/// that was receiving data is ended (CopyFail), one that was sending it read to its end, a pipeline
/// closed with one more sync point. It finishes (io::none) once libpq is idle again, or the
/// connection is lost: drained() then says which. Both drivers run it after a cancel request.
class drain_op {
public:
    explicit drain_op(session& s) noexcept : session_(s) {}
    TYPQ_DECL io step(io ready);
    /// The connection is usable and no command is in progress.
    [[nodiscard]] TYPQ_DECL bool drained() const noexcept;

private:
    session& session_;
    bool started_ = false;
    bool copying_out_ = false;  // reading and dropping a COPY TO STDOUT's data
};

// How long an abandoned command may take to end once cancelled, before the connection is closed.
inline constexpr long long drain_timeout_ms = 30000;

/// Cancels a command abandoned half way and runs drain_op with poll() and a deadline; false when
/// the connection could not be brought back to idle in time (then it is marked broken).
TYPQ_DECL bool drain(session& s) noexcept;

#if TYPQ_DEFINITIONS

namespace detail_connect {
// libpq's parameters for a conninfo string or URI. expand_dbname=1: the "dbname" value is parsed as
// a whole conninfo string or URI; the client_encoding after it overrides any the string names.
inline constexpr const char* keywords[] = {"dbname", "client_encoding", nullptr};
}  // namespace detail_connect

TYPQ_DECL void session::connect(std::string_view conninfo)
{
    const std::string info(conninfo);
    const char* const values[] = {info.c_str(), "UTF8", nullptr};
    conn_.reset(PQconnectdbParams(detail_connect::keywords, values, 1));
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK)
        throw connection_error(libpq_message(conn_.get()), true);
    connected();
}

TYPQ_DECL void session::start_connect(std::string_view conninfo)
{
    const std::string info(conninfo);
    const char* const values[] = {info.c_str(), "UTF8", nullptr};
    conn_.reset(PQconnectStartParams(detail_connect::keywords, values, 1));
    if (!conn_ || PQstatus(conn_.get()) == CONNECTION_BAD)
        throw connection_error(libpq_message(conn_.get()), true);
}

TYPQ_DECL io session::connect_step()
{
    switch (PQconnectPoll(conn_.get())) {
    case PGRES_POLLING_READING: return io::read;
    case PGRES_POLLING_WRITING: return io::write;
    case PGRES_POLLING_OK:
        connected();
        return io::none;
    default: {
        const std::string message = libpq_message(conn_.get());
        conn_.reset();
        throw connection_error(message, true);
    }
    }
}

TYPQ_DECL void session::connected()
{
    // libpq prints notices (NOTICE, WARNING) to stderr by default; a library must not.
    // Without a handler the receiver drops them.
    PQsetNoticeReceiver(conn_.get(), &session::receive_notice, this);
    if (PQsetnonblocking(conn_.get(), 1) != 0)
        throw connection_error("cannot put the connection in non-blocking mode: " + libpq_message(conn_.get()), true);
    utf8_ = PQclientEncoding(conn_.get());
    // Made now, while no other thread can be using the connection: cancel() only sends it.
    cancel_.reset(PQgetCancel(conn_.get()));
}

TYPQ_DECL session::~session()
{
    conn_.reset();  // first: libpq may still hand it a notice
    for (const int fd : wake_)
        if (fd >= 0)
            (void)::close(fd);
}

TYPQ_DECL void session::receive_notice(void* self, const PGresult* result) noexcept
{
    session& s = *static_cast<session*>(self);
    const auto field = [result](int code) {
        const char* value = PQresultErrorField(result, code);
        return value ? std::string(value) : std::string();
    };
    try {
        std::string severity = field(PG_DIAG_SEVERITY_NONLOCALIZED);
        if (severity.empty())
            severity = field(PG_DIAG_SEVERITY);
        if (severity == "FATAL" || severity == "PANIC") {
            // The server is closing the connection while nothing ran (pg_terminate_backend, a
            // shutdown): the next call finds it lost, and says why with this.
            s.farewell_ = field(PG_DIAG_MESSAGE_PRIMARY);
            s.farewell_sqlstate_ = field(PG_DIAG_SQLSTATE);
        }
        if (!s.notice_handler_)
            return;
        // A copy: the handler may replace or clear itself (conn.on_notice) while it runs.
        const std::shared_ptr<const notice_handler> handler = s.notice_handler_;
        const notice n{std::move(severity), field(PG_DIAG_SQLSTATE), field(PG_DIAG_MESSAGE_PRIMARY),
            field(PG_DIAG_MESSAGE_DETAIL), field(PG_DIAG_MESSAGE_HINT)};
        (*handler)(n);
    }
    catch (...) {
        // libpq is C: nothing may unwind through it. The operation rethrows it once it has ended.
        if (!s.notice_failure_)
            s.notice_failure_ = std::current_exception();
    }
}

TYPQ_DECL int session::begin_wait()
{
    if (wake_[0] < 0) {
        int fds[2] = {-1, -1};
        if (::pipe(fds) != 0)
            throw connection_error(std::string("cannot wait for notifications: pipe() failed: ") + std::strerror(errno),
                false);
        for (const int fd : fds) {
            (void)::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
            (void)::fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
        wake_[0] = fds[0];
        wake_[1] = fds[1];
    }
    // A wake-up left over from an earlier wait (cancel() raced with its end) is not for this one.
    char sink[64];
    while (::read(wake_[0], sink, sizeof sink) > 0) {
    }
    // From here cancel() wakes this wait: busy -> waiting, once a cancel being sent is done.
    activity expected = activity::busy;
    while (!activity_.compare_exchange_weak(expected, activity::waiting, std::memory_order_acq_rel)) {
        expected = activity::busy;
        std::this_thread::yield();
    }
    return wake_[0];
}

TYPQ_DECL bool session::end_wait() noexcept
{
    // waiting -> busy, once a wake-up being written is done: it then belongs to this wait.
    activity expected = activity::waiting;
    while (!activity_.compare_exchange_weak(expected, activity::busy, std::memory_order_acq_rel)) {
        expected = activity::waiting;
        std::this_thread::yield();
    }
    char sink[64];
    bool woken = false;
    while (::read(wake_[0], sink, sizeof sink) > 0)
        woken = true;
    return woken;
}

TYPQ_DECL void session::close() noexcept
{
    cancel_.reset();
    conn_.reset();
    statements.clear();
    (void)deallocations->take();  // the server forgets them with the session
}

TYPQ_DECL std::string session::next_statement_name()
{
    if (statement_prefix_.empty()) {
        // getentropy: the kernel's random bytes (never blocks once the system has booted). Should it
        // fail, the session's address and the process id still tell this process's sessions apart.
        unsigned long long nonce = 0;
        if (::getentropy(&nonce, sizeof nonce) != 0)
            nonce = static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(this))
                ^ (static_cast<unsigned long long>(::getpid()) << 40);
        constexpr char digits[] = "0123456789abcdef";
        statement_prefix_ = "typq_";
        for (int shift = 60; shift >= 0; shift -= 4)
            statement_prefix_ += digits[(nonce >> shift) & 15];
        statement_prefix_ += '_';
    }
    return statement_prefix_ + std::to_string(++statements_named_);
}

TYPQ_DECL void session::stop_preparing() noexcept
{
    preparing_stopped_ = true;
    statements.clear_discarded();  // nothing to deallocate; the program's typq::prepared re-route
    (void)deallocations->take();
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
    (void)open();  // closed or broken: says which
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
    activity expected = activity_.load();
    do {
        if (expected != activity::busy && expected != activity::waiting)
            return false;  // nothing in progress: a request now could only cancel a later statement
    } while (!activity_.compare_exchange_weak(expected, activity::cancelling, std::memory_order_acq_rel));
    if (expected == activity::waiting) {
        // A wait for notifications runs nothing on the server: wake the waiting thread instead.
        // The pipe outlives this call (it is closed with the session, which the caller holds).
        const char byte = 1;
        (void)::write(wake_[1], &byte, 1);  // full: a wake-up is already pending
        activity_.store(activity::waiting, std::memory_order_release);
        return true;
    }
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
        throw usage_error("this connection is running a statement for another thread (or, for a "
                          "typq::async_connection, another coroutine): a connection runs one statement at a time "
                          "(only cancel() may be called from another thread; share connections through a pool)");
    }
    s.holder_.store(holder);
    if (s.notice_failure_) [[unlikely]]
        s.notice_failure_ = nullptr;  // one an earlier operation never rethrew (it failed on its own)
}

TYPQ_DECL lease::~lease()
{
    session& s = *session_;
    // PQTRANS_ACTIVE: libpq is not idle, so a command was abandoned before its results were read.
    if (PGconn* conn = s.native(); conn && PQtransactionStatus(conn) == PQTRANS_ACTIVE) {
        if (s.drain_later)
            s.abandoned = true;  // the asynchronous driver's next operation drains it
        else
            (void)drain(s);
    }
    s.holder_.store(nullptr);
    // A cancel request being sent for this operation must be delivered before the next one starts.
    activity expected = activity::busy;
    while (!s.activity_.compare_exchange_weak(expected, activity::idle, std::memory_order_release)) {
        expected = activity::busy;
        std::this_thread::yield();
    }
}

TYPQ_DECL io drain_op::step(io ready)
{
    PGconn* conn = session_.native();
    if (!conn)
        return io::none;
    if (!started_) {
        started_ = true;
        // A pipeline ends only at a sync point: one more makes sure there is one after the last
        // statement queued.
        if (PQpipelineStatus(conn) != PQ_PIPELINE_OFF)
            (void)PQpipelineSync(conn);
    }
    for (;;) {
        if (copying_out_) {
            consume_input(conn, ready);
            ready = io::none;
            char* row = nullptr;
            const int got = PQgetCopyData(conn, &row, 1);
            if (got > 0) {
                PQfreemem(row);
                continue;
            }
            if (got == 0)
                return io::read;
            copying_out_ = false;  // the end (or a failure): the COPY's results follow
            continue;
        }
        result_handle result;
        if (const io wanted = next_result(conn, ready, result); wanted != io::none)
            return wanted;
        ready = io::none;
        if (result) {
            const ExecStatusType status = PQresultStatus(result.get());
            if (status == PGRES_COPY_IN)
                (void)PQputCopyEnd(conn, "abandoned by the client");
            else if (status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH)
                copying_out_ = true;
            continue;
        }
        if (PQstatus(conn) == CONNECTION_BAD)
            return io::none;
        if (PQpipelineStatus(conn) != PQ_PIPELINE_OFF && !PQexitPipelineMode(conn))
            continue;
        if (PQtransactionStatus(conn) != PQTRANS_ACTIVE)
            return io::none;
    }
}

TYPQ_DECL bool drain_op::drained() const noexcept
{
    PGconn* conn = session_.native();
    return conn && PQstatus(conn) == CONNECTION_OK && PQpipelineStatus(conn) == PQ_PIPELINE_OFF
        && PQtransactionStatus(conn) != PQTRANS_ACTIVE;
}

TYPQ_DECL bool drain(session& s) noexcept
{
    PGconn* conn = s.native();
    if (!conn)
        return true;
    std::string why = "a statement abandoned half way could not be ended";
    try {
        const long long deadline = monotonic_ms() + drain_timeout_ms;
        (void)s.cancel();
        drain_op op(s);
        io ready = io::none;
        for (io wanted = op.step(ready); wanted != io::none; wanted = op.step(ready)) {
            ready = wait_socket(conn, wanted, deadline);
            if (ready == io::none) {
                why += " within " + std::to_string(drain_timeout_ms / 1000) + " s";
                break;
            }
        }
        if (op.drained())
            return true;
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
