// SPDX-License-Identifier: BSL-1.0
// typq 0.1.0: the Asio layer of typq's single-header form, GENERATED from include/ by tools/amalgamate.py.
// DO NOT EDIT BY HAND: edit the headers under include/typq/, then regenerate with
//     python3 tools/amalgamate.py
// Build with -std=c++20, libpq's include directory and -lpq, Boost 1.81 headers visible.

// ----- begin <typq/asio.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/asio.hpp: typq on Boost.Asio (C++20 coroutines): typq::async_connection and
// typq::async_transaction, typq::async_pool, with everything of <typq/typq.hpp>. The synchronous headers never
// include this one: a program that does not want Asio never compiles it.

#ifndef TYPQ_ASIO_HPP
#define TYPQ_ASIO_HPP

#include <typq/typq.hpp>  // the synchronous single header, next to this one
// ----- begin <typq/asio/copy.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/asio/copy.hpp: COPY on a typq::async_connection. typq::async_copy_writer<Row> and
// typq::async_copy_reader<Row> (binary COPY of structs), typq::async_raw_copy_writer and
// typq::async_raw_copy_reader (the bytes of any COPY). The engine's copy_op (the one typq's
// synchronous COPY steps with poll()), stepped by the asynchronous driver; the requests, the
// binary framing, the column plans, the encoding and decoding of rows are typq/copy.hpp's.

#ifndef TYPQ_ASIO_COPY_HPP
#define TYPQ_ASIO_COPY_HPP

// ----- begin <typq/asio/driver.hpp> -----
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

// ----- begin <typq/asio/within.hpp> -----
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
// ----- end <typq/asio/within.hpp> -----

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
// ----- end <typq/asio/driver.hpp> -----
// ----- begin <typq/asio/state.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/asio/state.hpp: what an async_connection is (its session and the waiter on its socket, at an
// address that does not move with the connection object), how it runs one statement with the
// asynchronous driver, and what every operation does first: settle what an earlier one left.

#ifndef TYPQ_ASIO_STATE_HPP
#define TYPQ_ASIO_STATE_HPP


#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <libpq-fe.h>

#include <exception>  // std::exception_ptr
#include <memory>     // std::shared_ptr
#include <optional>   // rethrown
#include <string>  // statements
#include <utility>  // std::move

namespace typq::detail {

struct async_state {
    async_state(const boost::asio::any_io_executor& executor, const connection_options& options)
        : session(std::make_shared<engine::session>(options)), waiter(executor)
    {
    }
    std::shared_ptr<engine::session> session;
    engine::socket_waiter waiter;
};

/// An awaitable that throws `failure` when it runs: for a call that finds an error before it has
/// anything to await, so that the error arrives where every other one does, at the co_await.
template <class T = void>
boost::asio::awaitable<T> rethrown(std::exception_ptr failure)
{
    std::optional<T> never;  // T need not be default-constructible; this line is not reached
    std::rethrow_exception(std::move(failure));
    co_return std::move(*never);
}
template <>
inline boost::asio::awaitable<void> rethrown<void>(std::exception_ptr failure)
{
    std::rethrow_exception(std::move(failure));
    co_return;
}

/// A statement as an awaitable keeps it: the coroutine runs when it is awaited, perhaps after the
/// runtime_sql or sql_fragment it was made from is gone. A literal lives forever and a
/// typq::prepared keeps its own text; SQL made at run time is copied (and checked again, as it is
/// whenever it runs).
template <class Statement>
struct kept {
    std::shared_ptr<const runtime_sql> text;  // the copy the statement points into; null: none needed
    Statement statement;
};
template <class Statement>
kept<Statement> keep(Statement statement)
{
    if constexpr (!is_prepared<Statement>) {
        if (!statement.is_literal()) {
            auto text = std::make_shared<const runtime_sql>(std::string(statement.text()));
            Statement copy(*text);
            return {std::move(text), std::move(copy)};
        }
    }
    return {nullptr, std::move(statement)};
}

/// Runs `request` to its end (the caller holds the lease).
inline boost::asio::awaitable<engine::ran> async_statement(async_state& state, engine::statement_request& request)
{
    engine::session& s = *state.session;
    engine::statement_op op(s, std::move(request));
    co_await engine::async_run(s, state.waiter, op);
    s.rethrow_notice_failure();
    co_return engine::ran{std::move(op.result()), std::move(op.plan_keeper())};
}

/// Runs `text` as a script, by the simple query protocol (the caller holds the lease).
inline boost::asio::awaitable<engine::result_handle> async_script(async_state& state, const std::string& text)
{
    engine::statement_request request;
    request.text = text.c_str();
    request.size = text.size();
    request.script = true;
    co_return std::move((co_await async_statement(state, request)).result);
}

/// Rolls back the transaction at `depth`: to its savepoint when it is nested, else the whole
/// transaction block. The caller holds the lease.
inline boost::asio::awaitable<void> roll_back_to(async_state& state, std::size_t depth)
{
    engine::session& s = *state.session;
    if (PQtransactionStatus(s.usable()) == PQTRANS_IDLE)
        co_return;  // ended by hand, or by the server
    if (depth > 1) {
        try {
            (void)co_await async_script(state, "ROLLBACK TO SAVEPOINT " + savepoint_name(depth));
            (void)co_await async_script(state, "RELEASE SAVEPOINT " + savepoint_name(depth));
        }
        catch (const server_error&) {  // NOLINT(bugprone-empty-catch)
            // A cancel request landed on it: the enclosing transaction is aborted now, which its
            // own end handles.
        }
        co_return;
    }
    (void)co_await async_script(state, "ROLLBACK");
}

/// Whether an earlier operation left something for async_settle (checked inline, so that the
/// common case costs no coroutine).
[[nodiscard]] inline bool unsettled(const engine::session& s) noexcept
{
    return s.abandoned || s.abandoned_transaction != 0 || s.leftovers;
}

/// What every operation does first, under its lease: a command an earlier operation abandoned is
/// cancelled and drained, and a transaction abandoned by its coroutine rolled back.
inline boost::asio::awaitable<void> async_settle(async_state& state)
{
    engine::session& s = *state.session;
    if (s.leftovers) [[unlikely]] {
        // What an abandoned stream left: cancelled, its rows dropped, its savepoint rolled back;
        // on failure, the connection is drained (or closed) below.
        std::unique_ptr<engine::leftover> rest = std::move(s.leftovers);
        try {
            if (rest->cancels() && PQtransactionStatus(s.usable()) == PQTRANS_ACTIVE)
                co_await engine::send_cancel(s);
            co_await engine::async_run(s, state.waiter, *rest);
            s.abandoned = PQtransactionStatus(s.usable()) == PQTRANS_ACTIVE;
        }
        catch (const server_error&) {  // NOLINT(bugprone-empty-catch): the abandoned statement's own error
        }
    }
    if (s.abandoned) [[unlikely]]
        co_await engine::async_drain(s, state.waiter);
    (void)s.usable();  // what the operation checked before is checked now (see async_connection::usable())
    if (s.abandoned_transaction != 0) [[unlikely]]
        co_await roll_back_to(state, std::exchange(s.abandoned_transaction, 0));
}

}  // namespace typq::detail

#endif  // TYPQ_ASIO_STATE_HPP
// ----- end <typq/asio/state.hpp> -----

#include <boost/asio/awaitable.hpp>

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <exception>    // std::exception_ptr
#include <memory>       // std::shared_ptr, std::unique_ptr
#include <optional>     // the lease; a raw chunk
#include <ranges>       // write(range)
#include <string_view>  // raw data
#include <utility>      // std::move

namespace typq {

class async_connection;

namespace detail {

// A COPY its writer or reader let go before its end: aborted (FROM STDIN: nothing lands) or
// cancelled and its rest dropped (TO STDOUT), its savepoint rolled back, by the connection's next
// operation.
class copy_leftover final : public engine::leftover {
public:
    copy_leftover(std::unique_ptr<engine::copy_op> op, bool cancels) noexcept : op_(std::move(op)), cancels_(cancels) {}
    engine::io step(engine::io ready) override { return op_->step(ready); }
    [[nodiscard]] bool cancels() const noexcept override { return cancels_; }

private:
    std::unique_ptr<engine::copy_op> op_;
    bool cancels_;
};

// One COPY on an async_connection: its operation, and the lease held until it ends. Let go before
// its end, it leaves the operation to the connection's next operation (a destructor cannot wait).
class async_copy_channel {
public:
    async_copy_channel(std::shared_ptr<async_state> conn, engine::copy_direction direction, const char* holder)
        : conn_(std::move(conn)), direction_(direction)
    {
        hold_.emplace(*conn_->session, holder);
    }
    async_copy_channel(const async_copy_channel&) = delete;
    async_copy_channel& operator=(const async_copy_channel&) = delete;
    ~async_copy_channel()
    {
        if (!op_ || !hold_ || op_->finished())
            return;
        const bool in = direction_ == engine::copy_direction::in;
        if (in)
            op_->abort("typq: the COPY was aborted by the client (a typq::async_copy_writer destroyed without finish())");
        else
            op_->abandon(false);  // the cancel request is sent by whoever finishes it
        conn_->session->leftovers = std::make_unique<copy_leftover>(std::move(op_), !in);
        hold_.reset();
    }

    // What every operation does first, under the lease; then the COPY starts: a FROM STDIN to the
    // point where the server takes data, a TO STDOUT up to its first chunk.
    boost::asio::awaitable<void> start(engine::copy_request request)
    {
        if (unsettled(*conn_->session))
            co_await async_settle(*conn_);
        op_ = std::make_unique<engine::copy_op>(*conn_->session, std::move(request));
        co_await run();
    }

    // Steps the operation until it waits for the program; the lease goes when it has ended.
    boost::asio::awaitable<void> run()
    {
        std::exception_ptr failed;
        try {
            co_await engine::async_run(*conn_->session, conn_->waiter, *op_);
        }
        catch (...) {
            failed = std::current_exception();
        }
        if (failed) {
            if (op_->finished())
                hold_.reset();
            std::rethrow_exception(failed);
        }
    }

    // The COPY has ended: the connection is free again.
    void ended()
    {
        hold_.reset();
        conn_->session->rethrow_notice_failure();
    }

    [[nodiscard]] bool open() const noexcept { return op_ && hold_; }
    /// The rows the server says it copied, once the COPY has ended.
    [[nodiscard]] std::uint64_t rows() const noexcept { return op_ ? op_->rows() : 0; }
    [[nodiscard]] engine::copy_op& op() noexcept { return *op_; }
    [[nodiscard]] const engine::session& session() const noexcept { return *conn_->session; }

private:
    std::shared_ptr<async_state> conn_;
    std::optional<engine::lease> hold_;
    std::unique_ptr<engine::copy_op> op_;
    engine::copy_direction direction_;
};

// COPY FROM STDIN's client side on an async_connection, for typed and raw writers: as copy_sink,
// awaited.
class async_copy_sink : public copy_data, public async_copy_channel {
public:
    async_copy_sink(std::shared_ptr<async_state> conn, const char* holder)
        : async_copy_channel(std::move(conn), engine::copy_direction::in, holder)
    {
    }

    // Sends the buffer when it holds a chunk's worth.
    boost::asio::awaitable<void> send_if_full()
    {
        if (full()) [[unlikely]]
            co_await send();
    }

    // Sends the buffer now.
    boost::asio::awaitable<void> send()
    {
        check_open();
        if (written == 0)
            co_return;
        op().put(buffer.data(), written);
        co_await run();
        written = 0;
        if (!op().accepting()) {
            // The server ended the COPY early (its results say why): end it, and throw its error.
            (void)co_await finish();
            throw usage_error("the server ended the COPY before its end");
        }
    }

    // Sends the rest, ends the COPY, and returns the server's row count.
    boost::asio::awaitable<std::uint64_t> finish()
    {
        check_open();
        if (written != 0 && op().accepting()) {
            op().put(buffer.data(), written);
            co_await run();
        }
        written = 0;
        if (op().accepting())
            op().end();
        co_await run();
        ended();
        co_return op().rows();
    }

    void check_open() const
    {
        if (!open())
            throw usage_error("this COPY has ended (or was moved from): start another COPY");
    }
};

// COPY TO STDOUT's client side on an async_connection, for typed and raw readers: as copy_source,
// awaited.
class async_copy_source : public async_copy_channel {
public:
    async_copy_source(std::shared_ptr<async_state> conn, const char* holder)
        : async_copy_channel(std::move(conn), engine::copy_direction::out, holder)
    {
    }

    // Starts the COPY and reads its first chunk, as copy_reader does: a query whose columns do not
    // fit, or that fails at once, throws here.
    boost::asio::awaitable<void> start(engine::copy_request request)
    {
        co_await async_copy_channel::start(std::move(request));
        first_ = true;
    }

    // The next chunk (valid until the next call), or an empty optional at the end (the COPY has
    // then ended, and the connection is free).
    boost::asio::awaitable<std::optional<std::string_view>> next()
    {
        if (!open())
            co_return std::nullopt;
        if (first_)
            first_ = false;  // start() read it
        else
            co_await run();
        if (op().chunk())
            co_return std::string_view(op().chunk(), op().chunk_size());
        ended();
        co_return std::nullopt;
    }

private:
    bool first_ = false;  // the chunk start() read is next() to hand out
};

}  // namespace detail

/// typq::copy_writer for a typq::async_connection, from `co_await conn.copy_in<Row>(table)`:
/// `co_await w.write(row)` (sent once a chunk's worth of rows is buffered), then
/// `co_await w.finish()`. The same checks and the same binary encoding as copy_writer's.
///
/// Destroyed without finish() (an exception, its coroutine destroyed), the COPY is aborted by the
/// connection's next operation (a destructor cannot wait): no row of it lands, and inside a
/// transaction block only its savepoint is rolled back.
template <class Row>
class async_copy_writer {
    using traits = detail::row_traits<Row>;

public:
    /// What a row is: `Row` itself, or T for `typq::by_position<T>` (as typq::result's).
    using value_type = typename traits::value_type;

    /// Takes over `other`'s COPY; `other`'s write() and finish() then throw typq::usage_error.
    async_copy_writer(async_copy_writer&&) noexcept = default;
    async_copy_writer& operator=(async_copy_writer&&) = delete;
    async_copy_writer(const async_copy_writer&) = delete;
    async_copy_writer& operator=(const async_copy_writer&) = delete;
    ~async_copy_writer() = default;

    /// Writes one row: encoded at once (the row is not needed after the call), sent when the
    /// awaitable runs if a chunk's worth is buffered.
    /// @throws as copy_writer::write(), when awaited: a row that cannot be encoded is not written,
    ///         and the COPY goes on.
    boost::asio::awaitable<void> write(const value_type& row)
    {
        try {
            check_open();
            state_->encode.append(state_->sink, row);
        }
        catch (...) {
            return detail::rethrown(std::current_exception());
        }
        return state_->sink.send_if_full();
    }

    /// Writes every row of `rows`, in order. `rows` must stay alive until the awaitable has run.
    template <std::ranges::input_range Rows>
        requires std::convertible_to<std::ranges::range_reference_t<const Rows&>, const value_type&>
    boost::asio::awaitable<void> write(const Rows& rows)
    {
        check_open();
        for (const value_type& row : rows) {
            state_->encode.append(state_->sink, row);
            if (state_->sink.full()) [[unlikely]]
                co_await state_->sink.send();
        }
    }

    /// Ends the COPY: returns the rows the server copied. @throws as copy_writer::finish().
    boost::asio::awaitable<std::uint64_t> finish()
    {
        check_open();
        detail::copy_encoder<Row>::end(state_->sink);
        co_return co_await state_->sink.finish();
    }

    /// The rows written so far.
    [[nodiscard]] std::uint64_t written() const noexcept { return state_ ? state_->encode.rows : 0; }

private:
    friend class async_connection;

    // What a writer holds, at a fixed address: the operation points into it.
    struct state {
        explicit state(std::shared_ptr<detail::async_state> conn) : sink(std::move(conn), "a typq::async_copy_writer") {}
        detail::copy_encoder<Row> encode;  // its plan is filled while the COPY starts
        detail::async_copy_sink sink;
    };

    explicit async_copy_writer(std::shared_ptr<detail::async_state> conn)
        : state_(std::make_unique<state>(std::move(conn)))
    {
    }

    // Starts `request` (describing the table with this writer's planner) and the binary stream.
    boost::asio::awaitable<void> start(engine::copy_request request)
    {
        request.plan = state_->encode.plan.make();
        co_await state_->sink.start(std::move(request));
        state_->encode.started(state_->sink.session(), state_->sink);
    }

    void check_open() const
    {
        if (!state_ || !state_->sink.open())
            throw usage_error("this typq::async_copy_writer has finished (or was moved from): start another COPY");
    }

    std::unique_ptr<state> state_;
};

/// typq::copy_reader for a typq::async_connection, from `co_await conn.copy_out<Row>(query)`:
/// `while (const Row* r = co_await reader.next())`, each row valid until the next call, decoded
/// as copy_reader's are, in constant memory. Destroyed before its end, the COPY is cancelled and
/// its rest dropped by the connection's next operation (inside a transaction block, its savepoint
/// rolled back).
template <class Row>
class async_copy_reader {
    using traits = detail::row_traits<Row>;

public:
    /// What a row is: `Row` itself, or T for `typq::by_position<T>` (as typq::result's).
    using value_type = typename traits::value_type;

    /// Takes over `other`'s COPY; `other` is left empty (its next() gives null).
    async_copy_reader(async_copy_reader&&) noexcept = default;
    async_copy_reader& operator=(async_copy_reader&&) = delete;
    async_copy_reader(const async_copy_reader&) = delete;
    async_copy_reader& operator=(const async_copy_reader&) = delete;
    ~async_copy_reader() = default;

    /// The next row, or null at the end (the connection is then free again).
    /// @throws the COPY's error from the server; typq::conversion_error for a value that does not
    ///         fit its field.
    boost::asio::awaitable<const value_type*> next()
    {
        if (!state_)
            co_return nullptr;
        state& s = *state_;
        while (!s.decode.next(s.source.session(), s.current)) {
            const std::optional<std::string_view> chunk = co_await s.source.next();
            if (!chunk) {
                if (!s.ended) {
                    s.ended = true;
                    s.decode.end();
                }
                co_return nullptr;
            }
            s.decode.feed(chunk->data(), chunk->size());
        }
        co_return &s.current;
    }

    /// The rows the server says it copied, once the end is reached.
    [[nodiscard]] std::uint64_t rows() const noexcept { return state_ ? state_->source.rows() : 0; }

private:
    friend class async_connection;

    struct state {
        explicit state(std::shared_ptr<detail::async_state> conn) : source(std::move(conn), "a typq::async_copy_reader") {}
        detail::copy_decoder<Row> decode;  // its plan is made when the query is described
        detail::async_copy_source source;
        value_type current{};
        bool ended = false;
    };

    explicit async_copy_reader(std::shared_ptr<detail::async_state> conn) : state_(std::make_unique<state>(std::move(conn))) {}

    boost::asio::awaitable<void> start(engine::copy_request request)
    {
        request.plan = state_->decode.plan.template make_planner<format::binary>();
        co_await state_->source.start(std::move(request));
    }

    std::unique_ptr<state> state_;
};

/// typq::raw_copy_writer for a typq::async_connection, from `co_await conn.copy_in(sql)`: the bytes
/// of any COPY ... FROM STDIN (csv, text), written in pieces of any size; aborted when destroyed
/// without finish(), as async_copy_writer is. The data must stay alive until write() has been
/// awaited.
class async_raw_copy_writer {
public:
    /// Takes over `other`'s COPY; `other`'s write() and finish() then throw typq::usage_error.
    async_raw_copy_writer(async_raw_copy_writer&&) noexcept = default;
    async_raw_copy_writer& operator=(async_raw_copy_writer&&) = delete;
    async_raw_copy_writer(const async_raw_copy_writer&) = delete;
    async_raw_copy_writer& operator=(const async_raw_copy_writer&) = delete;
    ~async_raw_copy_writer() = default;

    /// Writes `data`, which must stay alive until the awaitable has run.
    /// @throws as raw_copy_writer::write().
    boost::asio::awaitable<void> write(std::string_view data)
    {
        check_open();
        while (!data.empty()) {
            data = sink_->take(data);
            if (sink_->full())
                co_await sink_->send();
        }
    }

    /// Ends the COPY: returns the rows the server copied. @throws as raw_copy_writer::finish().
    boost::asio::awaitable<std::uint64_t> finish()
    {
        check_open();
        co_return co_await sink_->finish();
    }

private:
    friend class async_connection;
    explicit async_raw_copy_writer(std::shared_ptr<detail::async_state> conn)
        : sink_(std::make_unique<detail::async_copy_sink>(std::move(conn), "a typq::async_raw_copy_writer"))
    {
    }
    boost::asio::awaitable<void> start(engine::copy_request request) { return sink_->start(std::move(request)); }
    void check_open() const
    {
        if (!sink_ || !sink_->open())
            throw usage_error("this typq::async_raw_copy_writer has finished (or was moved from): start another COPY");
    }
    std::unique_ptr<detail::async_copy_sink> sink_;
};

/// typq::raw_copy_reader for a typq::async_connection, from `co_await conn.copy_out(sql)`:
/// `while (auto chunk = co_await reader.next())`, each chunk (in text and csv formats one line)
/// valid until the next call. Destroyed before its end, the COPY is cancelled and the rest dropped
/// by the connection's next operation.
class async_raw_copy_reader {
public:
    /// Takes over `other`'s COPY; `other` is left empty (its next() gives an empty optional).
    async_raw_copy_reader(async_raw_copy_reader&&) noexcept = default;
    async_raw_copy_reader& operator=(async_raw_copy_reader&&) = delete;
    async_raw_copy_reader(const async_raw_copy_reader&) = delete;
    async_raw_copy_reader& operator=(const async_raw_copy_reader&) = delete;
    ~async_raw_copy_reader() = default;

    /// The next chunk, or an empty optional at the end (the connection is then free again).
    /// @throws the COPY's error from the server.
    boost::asio::awaitable<std::optional<std::string_view>> next()
    {
        if (!source_)
            co_return std::nullopt;
        co_return co_await source_->next();
    }

    /// The rows the server says it copied, once the end is reached.
    [[nodiscard]] std::uint64_t rows() const noexcept { return source_ ? source_->rows() : 0; }

private:
    friend class async_connection;
    explicit async_raw_copy_reader(std::shared_ptr<detail::async_state> conn)
        : source_(std::make_unique<detail::async_copy_source>(std::move(conn), "a typq::async_raw_copy_reader"))
    {
    }
    boost::asio::awaitable<void> start(engine::copy_request request) { return source_->start(std::move(request)); }
    std::unique_ptr<detail::async_copy_source> source_;
};

}  // namespace typq

#endif  // TYPQ_ASIO_COPY_HPP
// ----- end <typq/asio/copy.hpp> -----
// ----- begin <typq/asio/cursor.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/asio/cursor.hpp: typq::async_cursor<Row>, a named server-side cursor (DECLARE ... CURSOR) on
// a typq::async_connection: typq::cursor's statements and row decoding (detail::cursor_rows and
// the statement helpers of typq/cursor.hpp), each run by the asynchronous driver.

#ifndef TYPQ_ASIO_CURSOR_HPP
#define TYPQ_ASIO_CURSOR_HPP


#include <boost/asio/awaitable.hpp>

#include <libpq-fe.h>

#include <cstddef>   // std::size_t
#include <cstdint>   // std::int64_t, std::uint64_t
#include <memory>    // std::shared_ptr
#include <optional>  // fetch_one
#include <string>    // the cursor's name and statements
#include <utility>   // std::move
#include <vector>    // fetched rows

namespace typq {

class async_connection;

/// typq::cursor for a typq::async_connection, made by `co_await conn.cursor<Row>(sql, args...)`:
/// the statement runs on the server, which keeps its rows; `co_await fetch(n)` reads them in
/// batches, and the connection is free for other statements in between. The first fetch checks
/// the columns against `Row`. Without `with_hold` it lives in the transaction that declared it
/// (and cannot be declared outside one).
///
/// Close it with `co_await close()`: a destructor cannot wait, so one destroyed open is left to the
/// server: without with_hold it goes with its transaction, with it when the session ends.
template <class Row>
class async_cursor {
public:
    /// What a row is: `Row` itself, or T for `typq::by_position<T>` (as typq::result's).
    using value_type = typename detail::row_traits<Row>::value_type;

    /// Takes over `other`'s cursor; `other` may then only be destroyed.
    async_cursor(async_cursor&&) noexcept = default;
    async_cursor& operator=(async_cursor&&) = delete;
    async_cursor(const async_cursor&) = delete;
    async_cursor& operator=(const async_cursor&) = delete;
    ~async_cursor() = default;

    /// The cursor's name on the server.
    [[nodiscard]] const std::string& name() const noexcept { return name_; }

    /// The next `count` rows (fewer at the end; none after it).
    /// @throws typq::conversion_error on the first fetch when the columns do not fit `Row`.
    boost::asio::awaitable<std::vector<value_type>> fetch(std::size_t count)
    {
        if (count == 0)  // FETCH FORWARD 0 would fetch the current row again
            co_return std::vector<value_type>{};
        co_return co_await fetch_rows(detail::fetch_forward(name_, count));
    }

    /// The next row, or std::nullopt at the end.
    boost::asio::awaitable<std::optional<value_type>> fetch_one()
    {
        std::vector<value_type> rows = co_await fetch_rows(detail::fetch_next(name_));
        if (rows.empty())
            co_return std::nullopt;
        co_return std::move(rows.front());
    }

    /// Every row left.
    boost::asio::awaitable<std::vector<value_type>> fetch_all() { return fetch_rows(detail::fetch_all(name_)); }

    /// As cursor::scroll().
    boost::asio::awaitable<void> scroll(std::int64_t value, scroll_mode mode = scroll_mode::relative)
    {
        (void)co_await run_script(detail::scroll_cursor(name_, value, mode));
    }

    /// As cursor::move(): skips `count` rows and returns how many there were.
    boost::asio::awaitable<std::uint64_t> move(std::int64_t count)
    {
        if (count == 0)  // MOVE FORWARD 0 would count the current row
            co_return 0;
        const engine::result_handle moved = co_await run_script(detail::move_cursor(name_, count));
        co_return detail::affected_rows(moved.get());
    }

    /// Closes the cursor on the server (harmless twice, or after its transaction ended).
    /// @throws typq::connection_error when the connection is lost.
    boost::asio::awaitable<void> close()
    {
        if (closed_)
            co_return;
        closed_ = true;
        PGconn* conn = conn_->session->native();
        if (!conn || conn_->session->broken())
            co_return;
        const PGTransactionStatusType status = PQtransactionStatus(conn);
        if (status == PQTRANS_INTRANS) {
            bool failed = false;
            try {
                (void)co_await run_script(detail::close_in_transaction(name_), true);
            }
            catch (const server_error&) {
                failed = true;
            }
            if (failed)
                (void)co_await run_script(detail::close_failed, true);
        }
        else if (status == PQTRANS_IDLE && options_.with_hold)
            (void)co_await run_script("CLOSE " + name_, true);
    }

private:
    friend class async_connection;

    async_cursor(std::shared_ptr<detail::async_state> conn, const cursor_options& options)
        : conn_(std::move(conn)), options_(options),
          name_("typq_cursor_" + std::to_string(++conn_->session->cursors_named))
    {
    }

    // DECLARE ... FOR `request`'s statement. The caller holds the lease (and has settled).
    boost::asio::awaitable<void> declare(engine::statement_request request)
    {
        const std::string text = detail::declare_cursor(conn_->session->usable(), name_, options_, request);
        (void)co_await detail::async_statement(*conn_, request);
    }

    boost::asio::awaitable<std::vector<value_type>> fetch_rows(std::string statement)
    {
        if (closed_)
            throw usage_error("the cursor " + name_ + " is closed");
        engine::session& s = *conn_->session;
        (void)s.usable();
        engine::lease hold(s, "a statement");
        if (detail::unsettled(s))
            co_await detail::async_settle(*conn_);
        engine::statement_request request = rows_.request(statement);
        engine::ran done = co_await detail::async_statement(*conn_, request);
        co_return rows_.take(std::move(done), s);
    }

    boost::asio::awaitable<engine::result_handle> run_script(std::string statement, bool closing = false)
    {
        if (closed_ && !closing)
            throw usage_error("the cursor " + name_ + " is closed");
        engine::session& s = *conn_->session;
        (void)s.usable();
        engine::lease hold(s, "a statement");
        if (detail::unsettled(s))
            co_await detail::async_settle(*conn_);
        co_return co_await detail::async_script(*conn_, statement);
    }

    std::shared_ptr<detail::async_state> conn_;
    cursor_options options_;
    std::string name_;
    detail::cursor_rows<Row> rows_;
    bool closed_ = false;
};

}  // namespace typq

#endif  // TYPQ_ASIO_CURSOR_HPP
// ----- end <typq/asio/cursor.hpp> -----
// ----- begin <typq/asio/pipeline.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/asio/pipeline.hpp: typq::async_pipeline, libpq's pipeline mode on a typq::async_connection,
// and typq::async_pending<T>, one queued statement's outcome, awaited. The engine's pipeline_op
// (the one typq::pipeline steps with poll()) and typq::pipeline's pending states, stepped by the
// asynchronous driver: binding, routing, lookups and planning are theirs, not this file's.

#ifndef TYPQ_ASIO_PIPELINE_HPP
#define TYPQ_ASIO_PIPELINE_HPP


#include <boost/asio/awaitable.hpp>

#include <cstdint>    // std::uint64_t
#include <exception>  // std::exception_ptr
#include <memory>     // std::shared_ptr, std::unique_ptr
#include <optional>   // the lease
#include <utility>    // std::move

namespace typq {

class async_connection;
class async_pipeline;

namespace detail {

// What an async_pipeline is, shared with the coroutine stepping it and reached by its pending
// handles through the token (whose `owner` is null once the pipeline has ended).
struct async_pipeline_core {
    std::shared_ptr<async_state> conn;
    std::optional<engine::lease> hold;
    std::unique_ptr<engine::pipeline_op> op;
    bool stepping = false;   // a coroutine steps the operation now: a second one must not
    bool abandoned = false;  // the pipeline was destroyed while a coroutine stepped it

    // Hands what is queued to the connection's next operation (the pipeline is gone before finish()).
    void abandon();
};

struct async_pipeline_token {
    std::shared_ptr<async_pipeline_core> owner;
};

// A pipeline destroyed before finish(): what it queued still runs, as when a typq::pipeline is
// closed by an exception (a sync point, every result read and dropped, pipeline mode left), by the
// connection's next operation.
class pipeline_leftover final : public engine::leftover {
public:
    explicit pipeline_leftover(std::unique_ptr<engine::pipeline_op> op) noexcept : op_(std::move(op))
    {
        op_->finish();
    }
    engine::io step(engine::io ready) override { return op_->step(ready); }
    [[nodiscard]] bool cancels() const noexcept override { return false; }

private:
    std::unique_ptr<engine::pipeline_op> op_;
};

inline void async_pipeline_core::abandon()
{
    if (!op)
        return;
    conn->session->leftovers = std::make_unique<pipeline_leftover>(std::move(op));
    hold.reset();
}

// One coroutine's turn at a pipeline's operation, claimed before the command (queue, wait, finish)
// is given to the operation: a second coroutine is refused before it can change what the first
// one is waiting for. Holds the core, so that a pipeline destroyed meanwhile is abandoned when the
// turn ends rather than under the step.
class pipeline_turn {
public:
    // @throws typq::usage_error when another coroutine is stepping the pipeline.
    explicit pipeline_turn(std::shared_ptr<async_pipeline_core> core) : core_(std::move(core))
    {
        refuse_if_taken(*core_);
        core_->stepping = true;
    }

    // @throws typq::usage_error when another coroutine is stepping `core`'s operation now.
    static void refuse_if_taken(const async_pipeline_core& core)
    {
        if (core.stepping)
            throw usage_error("another coroutine is using this typq::async_pipeline: await its statements one at a time");
    }
    pipeline_turn(const pipeline_turn&) = delete;
    pipeline_turn& operator=(const pipeline_turn&) = delete;
    ~pipeline_turn()
    {
        core_->stepping = false;
        if (core_->abandoned)
            core_->abandon();
    }

    // Steps the operation for the command just given, with the asynchronous driver.
    boost::asio::awaitable<void> step() const
    {
        co_await engine::async_run(*core_->conn->session, core_->conn->waiter, *core_->op);
    }

private:
    std::shared_ptr<async_pipeline_core> core_;
};

}  // namespace detail

/// The outcome of one statement queued in a typq::async_pipeline: `co_await get()` gives its
/// value or throws its error, as typq::pending::get() does (it waits for the result, asking the
/// server for what it has so far, without a sync point).
template <class T>
class async_pending {
public:
    /// The statement's value (moved out: once).
    /// @throws as typq::pending::get(); typq::usage_error when another coroutine is awaiting
    ///         another statement of the same pipeline.
    boost::asio::awaitable<T> get()
    {
        if (!state_->finished()) {
            const std::shared_ptr<detail::async_pipeline_core> core = token_->owner;
            if (!core)
                throw usage_error("the pipeline ended before this statement's result arrived");
            const detail::pipeline_turn turn(core);
            core->op->wait_for(*state_);
            co_await turn.step();
        }
        co_return detail::take_pending(*state_, token_->owner ? token_->owner->conn->session.get() : nullptr);
    }

    /// True once the outcome has arrived (get() then does not wait).
    [[nodiscard]] bool ready() const noexcept { return state_->finished(); }

private:
    friend class async_pipeline;
    async_pending(std::shared_ptr<detail::pending_value<T>> state, std::shared_ptr<detail::async_pipeline_token> token)
        : state_(std::move(state)), token_(std::move(token))
    {
    }

    std::shared_ptr<detail::pending_value<T>> state_;
    std::shared_ptr<detail::async_pipeline_token> token_;
};

/// typq::pipeline for a typq::async_connection, made by `co_await conn.pipeline()`: statements are
/// queued without waiting for each other (`co_await p.query_one<user>(...)` returns at once with a
/// typq::async_pending, unless a socket full of queued statements must drain first), sync() marks
/// sync points with typq::pipeline's rules, and `co_await p.finish()` adds the last sync point, reads
/// every result and leaves pipeline mode. The connection is busy until then.
///
/// Prefer `co_await conn.pipeline(body)`, which awaits finish() however the body ends. A pipeline
/// destroyed before finish() (its coroutine destroyed, an exception) cannot wait in its destructor:
/// what it queued still runs, as when a typq::pipeline is closed by an exception, and is read to
/// its end by the connection's next operation, before that operation starts.
///
/// One coroutine at a time: awaiting two of its statements at once from two coroutines throws
/// typq::usage_error.
class async_pipeline {
public:
    /// Takes over `other`'s pipeline; `other` then refuses to queue or sync (typq::usage_error).
    async_pipeline(async_pipeline&&) noexcept = default;
    async_pipeline& operator=(async_pipeline&&) = delete;
    async_pipeline(const async_pipeline&) = delete;
    async_pipeline& operator=(const async_pipeline&) = delete;

    /// Without finish(): what was queued still runs, and the connection's next operation reads it
    /// to its end before it starts (a destructor cannot wait).
    ~async_pipeline()
    {
        if (!core_ || !core_->op)
            return;
        token_->owner.reset();
        if (core_->stepping)
            core_->abandoned = true;  // the stepping coroutine's turn abandons it when it ends
        else
            core_->abandon();
    }

    /// Queues `statement`; its handle gives the number of rows it affected.
    template <class... Args>
    boost::asio::awaitable<async_pending<std::uint64_t>> execute(sql<Args...> statement, Args... args)
    {
        return queue(std::make_shared<detail::pending_count>(), detail::keep(std::move(statement)), std::move(args)...);
    }

    /// Queues `statement`; its handle gives its rows as a typq::result<Row>.
    template <class Row, class... Args>
    boost::asio::awaitable<async_pending<result<Row>>> query(row_sql<Row, Args...> statement, Args... args)
    {
        return queue(std::make_shared<detail::pending_rows<Row, detail::pending_form::rows>>(),
            detail::keep(statement.sql()), std::move(args)...);
    }

    /// Queues `statement`; its handle gives its only row (typq::no_rows, typq::too_many_rows).
    template <class Row, class... Args>
    boost::asio::awaitable<async_pending<typename detail::row_traits<Row>::value_type>> query_one(row_sql<Row, Args...> statement,
        Args... args)
    {
        return queue(std::make_shared<detail::pending_rows<Row, detail::pending_form::one>>(),
            detail::keep(statement.sql()), std::move(args)...);
    }

    /// Queues `statement`; its handle gives its row or std::nullopt (typq::too_many_rows).
    template <class Row, class... Args>
    boost::asio::awaitable<async_pending<std::optional<typename detail::row_traits<Row>::value_type>>> query_opt(
        row_sql<Row, Args...> statement, Args... args)
    {
        return queue(std::make_shared<detail::pending_rows<Row, detail::pending_form::optional>>(),
            detail::keep(statement.sql()), std::move(args)...);
    }

    /// Queues `statement`; its handle gives the value of its only column of its only row.
    template <class T, class... Args>
    boost::asio::awaitable<async_pending<T>> query_value(row_sql<T, Args...> statement, Args... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column; use query_one<T> for a row");
        return queue(std::make_shared<detail::pending_rows<T, detail::pending_form::value>>(),
            detail::keep(statement.sql()), std::move(args)...);
    }

    /// Marks a sync point (see typq::pipeline): the statements since the last one form one implicit
    /// transaction when no transaction block is open. Sends nothing by itself.
    /// @throws typq::usage_error after finish(), or while another coroutine awaits a statement.
    void sync()
    {
        check_open();
        detail::pipeline_turn::refuse_if_taken(*core_);
        core_->op->sync();
    }

    /// Ends the pipeline: a sync point after the last statement, every result read (handed to the
    /// handles that wait for them), pipeline mode left; the connection is free again. Finishing
    /// twice is harmless.
    /// @throws typq::connection_error when the connection is lost (the handles not yet answered
    ///         then throw it too).
    boost::asio::awaitable<void> finish()
    {
        if (!core_ || !core_->op)
            co_return;
        {
            const detail::pipeline_turn turn(core_);
            core_->op->finish();
            co_await turn.step();
        }
        token_->owner.reset();
        core_->op.reset();
        engine::session& s = *core_->conn->session;
        core_->hold.reset();
        s.rethrow_notice_failure();
    }

    /// Whether statements can still be queued (finish() has not run).
    [[nodiscard]] bool open() const noexcept { return core_ && core_->op; }

private:
    friend class async_connection;

    explicit async_pipeline(std::shared_ptr<detail::async_pipeline_core> core)
        : core_(std::move(core)), token_(std::make_shared<detail::async_pipeline_token>(detail::async_pipeline_token{core_}))
    {
    }

    void check_open() const
    {
        if (!open())
            throw usage_error("this typq::async_pipeline has finished (or was moved from)");
    }

    template <class State, class Statement, class... Args>
    auto queue(std::shared_ptr<State> state, detail::kept<Statement> held, Args... args)
        -> boost::asio::awaitable<async_pending<typename decltype(state->value)::value_type>>
    {
        check_open();
        const detail::pipeline_turn turn(core_);
        const Statement& statement = held.statement;
        const auto bind = engine::front::binding(statement, args...);
        core_->op->queue(engine::front::request(core_->conn->session, statement, engine::make_binder(bind), format::binary),
            state);
        co_await turn.step();
        co_return async_pending<typename decltype(state->value)::value_type>(std::move(state), token_);
    }

    std::shared_ptr<detail::async_pipeline_core> core_;
    std::shared_ptr<detail::async_pipeline_token> token_;
};

}  // namespace typq

#endif  // TYPQ_ASIO_PIPELINE_HPP
// ----- end <typq/asio/pipeline.hpp> -----
// ----- begin <typq/asio/stream.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/asio/stream.hpp: typq::async_stream<Row>, a statement's rows read one at a time as they
// arrive, awaited: `while (const user* u = co_await rows.next()) ...`. The engine's stream_op (the
// one typq::stream steps with poll()), stepped by the asynchronous driver; constant memory.

#ifndef TYPQ_ASIO_STREAM_HPP
#define TYPQ_ASIO_STREAM_HPP


#include <boost/asio/awaitable.hpp>

#include <memory>    // std::unique_ptr, std::shared_ptr
#include <optional>  // the lease, while the statement runs
#include <utility>   // std::move

namespace typq {

class async_connection;

namespace detail {
// An abandoned stream's operation, finished by the connection's next operation.
class stream_leftover final : public engine::leftover {
public:
    explicit stream_leftover(std::unique_ptr<engine::stream_op> op) noexcept : op_(std::move(op)) {}
    engine::io step(engine::io ready) override { return op_->step(ready); }

private:
    std::unique_ptr<engine::stream_op> op_;
};
}  // namespace detail

/// The rows of one statement as they arrive (single-row mode), from
/// `co_await conn.stream<Row>(sql, args...)`: `co_await next()` gives a pointer to the next row,
/// valid until the next call, or null at the end. The connection is busy until the end is read
/// or the stream is destroyed. Inside a transaction block the statement runs under a savepoint,
/// as typq::stream's does: a stream destroyed early is cancelled, its rows dropped and its
/// savepoint rolled back, by the connection's next operation (a destructor cannot wait).
template <class Row>
class async_stream {
    using traits = detail::row_traits<Row>;

public:
    /// What a row is: `Row` itself, or T for `typq::by_position<T>` (as typq::result's).
    using value_type = typename traits::value_type;

    /// Takes over `other`'s statement; `other` is left empty (its next() gives null).
    async_stream(async_stream&&) noexcept = default;
    async_stream& operator=(async_stream&&) = delete;
    async_stream(const async_stream&) = delete;
    async_stream& operator=(const async_stream&) = delete;

    /// Before the end: the statement is cancelled and its rows dropped by the connection's next
    /// operation (a destructor cannot wait).
    ~async_stream()
    {
        if (!state_ || !state_->op || state_->op->finished())
            return;
        engine::session& s = *state_->conn->session;
        state_->op->abandon(false);  // the cancel request is sent by whoever finishes it
        s.leftovers = std::make_unique<detail::stream_leftover>(std::move(state_->op));
        state_->hold.reset();
    }

    /// The next row, or null once the statement has ended (the connection is then free again).
    /// @throws the statement's error (the rows before it were read); typq::conversion_error for a
    ///         value that does not fit its field; what a notice handler threw, at the end.
    boost::asio::awaitable<const value_type*> next()
    {
        if (!state_ || !state_->op)
            co_return nullptr;
        if (state_->first) {
            state_->first = false;
            co_return state_->has_row ? &state_->current : nullptr;
        }
        co_await advance();
        co_return state_->has_row ? &state_->current : nullptr;
    }

private:
    friend class async_connection;

    struct state {
        std::shared_ptr<detail::async_state> conn;
        std::optional<engine::lease> hold;  // until the statement has ended
        engine::row_plan<Row> plan;
        std::unique_ptr<engine::stream_op> op;
        std::shared_ptr<const type_registry> registry;  // what the plan knew, for decoding
        value_type current{};
        bool has_row = false;
        bool first = true;  // the first row, read by start(), is next()'s first answer
    };

    explicit async_stream(std::unique_ptr<state> s) noexcept : state_(std::move(s)) {}

    // Starts `request` (the caller holds its binding until this returns) and reads the first row.
    boost::asio::awaitable<void> start(engine::statement_request request)
    {
        request.plan = state_->plan.template make_planner<format::binary>();
        state_->op = std::make_unique<engine::stream_op>(*state_->conn->session, std::move(request));
        co_await advance();
    }

    boost::asio::awaitable<void> advance()
    {
        state& st = *state_;
        engine::session& s = *st.conn->session;
        st.has_row = false;
        std::exception_ptr failed;
        try {
            co_await engine::async_run(s, st.conn->waiter, *st.op);
        }
        catch (...) {
            failed = std::current_exception();
        }
        if (failed) {
            if (st.op->finished())  // failed after its last row: the connection is free again
                st.hold.reset();
            std::rethrow_exception(failed);
        }
        if (!st.op->row()) {
            st.hold.reset();  // the statement has ended
            s.rethrow_notice_failure();
            co_return;
        }
        if (!st.registry)  // planning is over once a row arrives
            st.registry = s.registry;
        const server_types types(st.registry.get());
        st.current = engine::decode_row<Row>(st.op->row(), 0, st.plan.plan, &types);
        st.has_row = true;
    }

    std::unique_ptr<state> state_;
};

}  // namespace typq

#endif  // TYPQ_ASIO_STREAM_HPP
// ----- end <typq/asio/stream.hpp> -----
// ----- begin <typq/asio/transaction.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/asio/transaction.hpp: typq::async_transaction, a transaction on an async_connection, with
// typq::transaction's rules (nested ones are savepoints; only the innermost ends; COMMIT of a
// failed transaction reports that nothing was committed). Destructors cannot wait, so one that is
// let go while still open (its coroutine ended by an exception, or destroyed) is rolled back by the
// connection's next operation, before anything else runs: nothing of it ever leaks into what
// runs next. async_connection::transaction(body) rolls back before it returns instead.

#ifndef TYPQ_ASIO_TRANSACTION_HPP
#define TYPQ_ASIO_TRANSACTION_HPP


#include <boost/asio/awaitable.hpp>

#include <libpq-fe.h>

#include <cstddef>      // std::size_t
#include <exception>    // COMMIT's failure, rethrown after the rollback
#include <memory>       // std::shared_ptr
#include <string>       // statements
#include <string_view>  // command tags
#include <utility>      // std::exchange

namespace typq {

class async_connection;

/// A transaction block on a typq::async_connection, begun by `co_await conn.begin()`: ended by
/// `co_await tx.commit()` or `co_await tx.rollback()`. Begun while another is open on the
/// connection, it is a savepoint, as a nested typq::transaction. Destroyed while still open, it
/// is rolled back by the next operation on the connection (and a typq::async_pool rolls it back
/// before the connection is used again). Movable, so that it can be returned from a coroutine.
class async_transaction {
public:
    /// Takes over `other`'s transaction block; `other` is left inactive (its destructor does
    /// nothing).
    async_transaction(async_transaction&& other) noexcept
        : state_(std::move(other.state_)), depth_(other.depth_), active_(std::exchange(other.active_, false))
    {
    }
    async_transaction& operator=(async_transaction&&) = delete;
    async_transaction(const async_transaction&) = delete;
    async_transaction& operator=(const async_transaction&) = delete;

    /// Still active: rolled back by the connection's next operation (see the class comment).
    ~async_transaction()
    {
        if (!active_)
            return;
        active_ = false;
        engine::session& s = *state_->session;
        if (s.transaction_depth < depth_)
            return;  // an enclosing transaction already ended this one
        s.transaction_depth = depth_ - 1;
        // No waiting here: the next operation rolls it back (detail::async_settle).
        if (s.abandoned_transaction == 0 || depth_ < s.abandoned_transaction)
            s.abandoned_transaction = depth_;
    }

    /// As transaction::commit(): RELEASE SAVEPOINT for a nested one, else COMMIT.
    /// @throws typq::usage_error when it has ended or is not the innermost; typq::in_failed_sql_transaction
    ///         when the transaction had failed (rolled back, nothing committed); the server's error.
    boost::asio::awaitable<void> commit()
    {
        require_innermost("commit");
        engine::session& s = *state_->session;
        engine::lease hold(s, "a statement");
        co_await settle();
        require_open_on_server();
        if (depth_ > 1) {
            (void)co_await detail::async_script(*state_, "RELEASE SAVEPOINT " + detail::savepoint_name(depth_));
            end();
            co_return;
        }
        end();
        engine::result_handle tag;
        std::exception_ptr failed;
        try {
            tag = co_await detail::async_script(*state_, "COMMIT");
        }
        catch (const connection_error&) {
            throw;
        }
        catch (...) {
            failed = std::current_exception();  // a deferred constraint, a cancel request that landed on it
        }
        if (failed) {
            // Whatever COMMIT answered, the transaction is over: one left open is rolled back.
            if (PQtransactionStatus(s.usable()) != PQTRANS_IDLE)
                (void)co_await detail::async_script(*state_, "ROLLBACK");
            std::rethrow_exception(failed);
        }
        if (std::string_view(PQcmdStatus(tag.get())) == "ROLLBACK")
            detail::throw_commit_rolled_back();
    }

    /// As transaction::rollback(): ROLLBACK TO SAVEPOINT for a nested one, else ROLLBACK.
    /// @throws typq::usage_error when it has ended or is not the innermost.
    boost::asio::awaitable<void> rollback()
    {
        require_innermost("rollback");
        engine::session& s = *state_->session;
        engine::lease hold(s, "a statement");
        co_await settle();
        require_open_on_server();
        end();
        co_await detail::roll_back_to(*state_, depth_);
    }

    /// True until commit() or rollback().
    [[nodiscard]] bool active() const noexcept { return active_; }
    /// True for a transaction begun inside another, which is a savepoint.
    [[nodiscard]] bool is_savepoint() const noexcept { return depth_ > 1; }

private:
    friend class async_connection;

    async_transaction(std::shared_ptr<detail::async_state> state) noexcept
        : state_(std::move(state)), depth_(state_->session->transaction_depth + 1)
    {
    }

    // BEGIN, or SAVEPOINT inside a transaction.
    boost::asio::awaitable<void> start(const transaction_options& options)
    {
        engine::session& s = *state_->session;
        engine::lease hold(s, "a statement");
        co_await settle();
        const PGTransactionStatusType now = PQtransactionStatus(s.usable());
        if (depth_ == 1) {
            if (now != PQTRANS_IDLE)
                throw usage_error("a transaction is already open on this connection, begun outside typq::async_transaction");
            (void)co_await detail::async_script(*state_, detail::begin_statement(options));
        }
        else {
            detail::check_nested_options(options);
            if (now == PQTRANS_IDLE)
                throw usage_error(detail::transaction_ended_by_hand);
            (void)co_await detail::async_script(*state_, "SAVEPOINT " + detail::savepoint_name(depth_));
        }
        s.transaction_depth = depth_;
        active_ = true;
    }

    boost::asio::awaitable<void> settle()
    {
        const engine::session& s = *state_->session;
        if (detail::unsettled(s))
            co_await detail::async_settle(*state_);
    }

    void require_innermost(const char* operation) const
    {
        if (!active_)
            throw usage_error(std::string("cannot ") + operation + " a transaction that has already ended");
        const std::size_t now = state_->session->transaction_depth;
        if (now < depth_)
            throw usage_error(std::string("cannot ") + operation + " a transaction that its enclosing transaction ended");
        if (now > depth_)
            throw usage_error(std::string("cannot ") + operation + " a transaction while a nested one is still open");
    }

    // libpq tracks the server's transaction state from every reply: no round trip.
    void require_open_on_server()
    {
        PGconn* handle = nullptr;
        try {
            handle = state_->session->usable();
        }
        catch (const connection_error&) {
            end();
            throw;
        }
        if (PQtransactionStatus(handle) == PQTRANS_IDLE) {
            end();
            throw usage_error(detail::transaction_ended_by_hand);
        }
    }

    void end() noexcept
    {
        active_ = false;
        state_->session->transaction_depth = depth_ - 1;
    }

    std::shared_ptr<detail::async_state> state_;
    std::size_t depth_;
    bool active_ = false;
};

}  // namespace typq

#endif  // TYPQ_ASIO_TRANSACTION_HPP
// ----- end <typq/asio/transaction.hpp> -----
// ----- begin <typq/asio/connection.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/asio/connection.hpp: typq::async_connection, a connection whose every statement is a
// Boost.Asio awaitable: `user u = co_await conn.query_one<user>("SELECT ... WHERE id = $1", 1);`.
// It runs the engine's operations, the same as typq::connection, with the asynchronous driver
// (typq/asio/driver.hpp) instead of poll(): binding, routing, automatic preparation, the checks of
// a result's columns and the decoding of its rows are the engine's, not this file's.

#ifndef TYPQ_ASIO_CONNECTION_HPP
#define TYPQ_ASIO_CONNECTION_HPP


#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/this_coro.hpp>

#include <cstdint>   // std::uint64_t
#include <initializer_list>  // copy_in's columns
#include <exception> // a pipeline body's exception, passed on after the pipeline ends
#include <iterator>  // std::begin: execute_many's rows
#include <memory>    // std::shared_ptr
#include <optional>  // query_opt, notifications
#include <string>    // conninfo
#include <string_view>  // copy_in's table
#include <tuple>     // execute_many's tuple rows
#include <type_traits>  // a body's value type
#include <utility>   // std::move

#include <fcntl.h>   // fcntl(F_DUPFD_CLOEXEC): the wake pipe, watched during a notification wait

namespace typq {

namespace detail {
class async_pool_state;
}

/// A connection to a PostgreSQL server for programs built on Boost.Asio (C++20 coroutines). Every
/// statement form of typq::connection is here with the same name, the same compile-time and
/// run-time checks and the same exceptions, returning a `boost::asio::awaitable`; the thread that
/// runs the io_context never waits for the server, so one thread serves many connections.
///
/// One operation at a time: a second coroutine that starts a statement while one runs gets
/// typq::usage_error (use a typq::async_pool to share connections between coroutines). The
/// connection is bound to the executor it was connected with; use it from that executor's thread
/// (or strand).
///
/// Cancellation: an operation cancelled through Asio (typq::within's time limit, a parallel group,
/// a cancellation_signal bound to the completion token) sends the server a cancel request from a
/// thread of its own and reads the statement's end: it throws typq::query_canceled (typq::within
/// returns std::nullopt), and the connection is idle and usable afterwards. For a time limit use
/// typq::within rather than racing a timer with Boost 1.81's `awaitable_operators::operator||`,
/// which drops the exception of a statement that fails before the timer fires. Abandoned (its coroutine destroyed mid-statement), the
/// statement is cancelled and drained by the connection's next operation.
class async_connection {
public:
    /// The executor the connection is bound to.
    using executor_type = boost::asio::any_io_executor;

    /// Connects without blocking, on the executor of the coroutine that awaits it: conninfo and
    /// environment as typq::connection's. libpq applies no connect_timeout to a non-blocking
    /// connection: race a timer against it (or the pool's timeout) to bound the wait.
    /// @throws typq::connection_error when the connection cannot be made.
    static boost::asio::awaitable<async_connection> connect(std::string conninfo, connection_options options = {})
    {
        co_return co_await connect(co_await boost::asio::this_coro::executor, std::move(conninfo), options);
    }

    /// As above, with the connection bound to `executor`.
    static boost::asio::awaitable<async_connection> connect(executor_type executor, std::string conninfo,
        connection_options options = {})
    {
        auto state = std::make_shared<detail::async_state>(executor, options);
        co_await engine::async_connect(*state->session, state->waiter, conninfo);
        co_return async_connection(std::move(state));
    }

    /// Takes over `other`'s connection; `other` is left closed.
    async_connection(async_connection&&) noexcept = default;
    /// Closes this connection, then takes `other`'s.
    async_connection& operator=(async_connection&& other) noexcept
    {
        if (this != &other) {
            close();
            state_ = std::move(other.state_);
        }
        return *this;
    }
    async_connection(const async_connection&) = delete;
    async_connection& operator=(const async_connection&) = delete;
    /// Closes the connection, as close() does.
    ~async_connection() { close(); }

    /// Closes the connection (not while an operation on it is suspended). Closing twice is harmless.
    void close() noexcept
    {
        if (state_) {
            state_->waiter.forget();
            state_->session->close();
        }
    }

    /// The executor the connection was connected with; not for a moved-from connection.
    [[nodiscard]] executor_type get_executor() noexcept { return state_->waiter.get_executor(); }

    /// Whether the connection is open, closed (or moved from), or broken (lost: it refuses
    /// further work).
    [[nodiscard]] connection_state state() const noexcept
    {
        return detail::state_of(state_ ? state_->session.get() : nullptr);
    }
    /// The server-side transaction state, as libpq last saw it (`unknown` when closed or broken).
    [[nodiscard]] typq::transaction_status transaction_status() const noexcept
    {
        return detail::transaction_status_of(native_handle());
    }
    /// The server process serving this connection (also while a pipeline or a statement runs).
    /// @throws typq::connection_error when the connection is closed or broken.
    [[nodiscard]] int backend_pid() const { return PQbackendPID(open_handle()); }
    /// The server's version as a number: 150018 for 15.18.
    [[nodiscard]] int server_version() const { return PQserverVersion(open_handle()); }
    /// The libpq connection (non-blocking), for what typq does not wrap; owned by this object.
    [[nodiscard]] PGconn* native_handle() const noexcept { return state_ ? state_->session->native() : nullptr; }

    /// Sends a cancel request for the operation in progress, from any thread, as
    /// connection::cancel() (it blocks the calling thread for a round trip: from a coroutine,
    /// cancel the operation through Asio instead).
    bool cancel() const
    {
        if (!state_ || state_->session->closed())
            throw connection_error("cannot cancel: the connection is closed", true);
        return state_->session->cancel();
    }

    /// As connection::on_notice(); the handler runs on the thread that runs the statement.
    void on_notice(notice_handler handler) { usable().set_notice_handler(std::move(handler)); }

    /// Forgets the server-defined types looked up so far (see connection::clear_type_cache()).
    void clear_type_cache() noexcept
    {
        if (state_)
            state_->session->registry.reset();
    }

    // --- statements: the forms of typq::connection, awaited --------------------------------------
    // Arguments are taken by value: the awaitable owns them until it has run. The statement is
    // not copied: a literal lives forever, but a typq::runtime or typq::sql_fragment must outlive
    // the awaitable (co_await it in the expression that makes it, as usual).

    /// As connection::execute(): the rows affected.
    template <class... Args>
    boost::asio::awaitable<std::uint64_t> execute(execute_sql<Args...> statement, Args... args)
    {
        if constexpr (sizeof...(Args) == 0)
            return run_script(detail::keep(std::move(statement)));
        else
            return affected(detail::keep(std::move(statement)), std::move(args)...);
    }

    /// As connection::query(): every row, as a typq::result<Row>.
    template <class Row, class... Args>
    boost::asio::awaitable<result<Row>> query(row_sql<Row, Args...> statement, Args... args)
    {
        return rows<Row>(detail::keep(statement.sql()), std::move(args)...);
    }

    /// As connection::query_one(): the only row.
    template <class Row, class... Args>
    boost::asio::awaitable<typename detail::row_traits<Row>::value_type> query_one(row_sql<Row, Args...> statement, Args... args)
    {
        return single<Row, false>("query_one", detail::keep(statement.sql()), std::move(args)...);
    }

    /// As connection::query_opt(): the row, or std::nullopt.
    template <class Row, class... Args>
    boost::asio::awaitable<std::optional<typename detail::row_traits<Row>::value_type>> query_opt(
        row_sql<Row, Args...> statement, Args... args)
    {
        return single<Row, true>("query_opt", detail::keep(statement.sql()), std::move(args)...);
    }

    /// As connection::query_value(): the only column of the only row.
    template <class T, class... Args>
    boost::asio::awaitable<T> query_value(row_sql<T, Args...> statement, Args... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column into a type with a typq::type<T>; "
                                           "use query_one<T> for a row");
        return single<T, false>("query_value", detail::keep(statement.sql()), std::move(args)...);
    }

    /// As connection::prepare(): a typq::prepared for this connection.
    template <class... Args>
    boost::asio::awaitable<prepared<Args...>> prepare(std::type_identity_t<basic_sql<Args...>> statement)
    {
        engine::session& s = usable();
        engine::lease hold(s, "a statement");
        if (unsettled(s))
            co_await detail::async_settle(*state_);
        std::shared_ptr<engine::prepared_slot> slot;
        const auto bind = engine::bind_types(statement);
        engine::statement_request request =
            engine::front::preparing(state_->session, statement, engine::make_binder(bind), slot);
        (void)co_await detail::async_statement(*state_, request);
        co_return engine::front::made(statement, std::move(slot));
    }

    /// @{
    /// The forms above, running a statement this connection prepared; the arguments convert to
    /// its parameter types. They throw what the forms above throw.
    /// @throws typq::usage_error when another connection prepared it.
    template <class... P>
    boost::asio::awaitable<std::uint64_t> execute(const prepared<P...>& statement, std::type_identity_t<P>... args)
    {
        return affected(detail::keep(statement), std::move(args)...);
    }
    template <class Row, class... P>
    boost::asio::awaitable<result<Row>> query(const prepared<P...>& statement, std::type_identity_t<P>... args)
    {
        return rows<Row>(detail::keep(statement), std::move(args)...);
    }
    template <class Row, class... P>
    boost::asio::awaitable<typename detail::row_traits<Row>::value_type> query_one(const prepared<P...>& statement,
        std::type_identity_t<P>... args)
    {
        return single<Row, false>("query_one", detail::keep(statement), std::move(args)...);
    }
    template <class Row, class... P>
    boost::asio::awaitable<std::optional<typename detail::row_traits<Row>::value_type>> query_opt(
        const prepared<P...>& statement, std::type_identity_t<P>... args)
    {
        return single<Row, true>("query_opt", detail::keep(statement), std::move(args)...);
    }
    template <class T, class... P>
    boost::asio::awaitable<T> query_value(const prepared<P...>& statement, std::type_identity_t<P>... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column; use query_one<T> for a row");
        return single<T, false>("query_value", detail::keep(statement), std::move(args)...);
    }
    /// @}

    /// As connection::stream(): the rows as they arrive, one at a time, in constant memory; see
    /// typq::async_stream. The connection is busy until the stream ends or is destroyed.
    template <class Row, class... Args>
    boost::asio::awaitable<async_stream<Row>> stream(row_sql<Row, Args...> statement, Args... args)
    {
        static_assert(detail::row_type<Row>, "typq: Row must be an aggregate struct, typq::by_position<T>, "
                                             "std::tuple<...>, or a type with a typq::type<T>");
        return start_stream<Row>(detail::keep(statement.sql()), std::move(args)...);
    }

    /// @{
    /// As connection::cursor(): a server-side cursor for `statement`, with `options` (none by
    /// default); see typq::async_cursor. Without with_hold it needs an open transaction block.
    /// @throws typq::usage_error without with_hold outside a transaction block;
    ///         typq::conversion_error when the columns do not fit `Row`; the server's error.
    template <class Row, class... Args>
    boost::asio::awaitable<async_cursor<Row>> cursor(row_sql<Row, Args...> statement, Args... args)
    {
        return declare_cursor<Row>(cursor_options{}, detail::keep(statement.sql()), std::move(args)...);
    }
    template <class Row, class... Args>
    boost::asio::awaitable<async_cursor<Row>> cursor(cursor_options options, row_sql<Row, Args...> statement, Args... args)
    {
        return declare_cursor<Row>(options, detail::keep(statement.sql()), std::move(args)...);
    }
    /// @}

    /// As connection::execute_many(): every row's run in one pipeline, one round trip, atomic.
    /// `rows` must stay alive until the awaitable has run (it is not copied).
    template <class Rows>
    boost::asio::awaitable<std::uint64_t> execute_many(std::type_identity_t<detail::statement_for_rows_t<Rows>> statement,
        const Rows& rows);

    // --- COPY -----------------------------------------------------------------------------------

    /// As connection::copy_in<Row>(table, columns): a binary COPY of `Row`s into `table`, its
    /// columns checked against Row's fields before anything is sent; see typq::async_copy_writer.
    /// @throws as connection::copy_in.
    template <class Row>
    boost::asio::awaitable<async_copy_writer<Row>> copy_in(std::string_view table,
        std::initializer_list<std::string_view> columns = {})
    {
        return start_copy<async_copy_writer<Row>>([&] { return detail::copy_in_request<Row>(table, columns); });
    }

    /// As connection::copy_out<Row>(query_or_table): rows of a binary COPY TO STDOUT; see
    /// typq::async_copy_reader.
    /// @throws as connection::copy_out.
    template <class Row>
    boost::asio::awaitable<async_copy_reader<Row>> copy_out(sql<> query_or_table)
    {
        return start_copy<async_copy_reader<Row>>([&] { return detail::copy_out_request<Row>(query_or_table.text()); });
    }

    /// As connection::copy_in(sql): the bytes of any COPY ... FROM STDIN; see
    /// typq::async_raw_copy_writer.
    /// @throws typq::usage_error when `statement` is not one COPY FROM STDIN (nothing was sent).
    boost::asio::awaitable<async_raw_copy_writer> copy_in(sql<> statement)
    {
        return start_copy<async_raw_copy_writer>(
            [&] { return detail::raw_copy_request(statement.text(), engine::copy_direction::in); });
    }

    /// As connection::copy_out(sql): the bytes of any COPY ... TO STDOUT; see
    /// typq::async_raw_copy_reader.
    /// @throws typq::usage_error when `statement` is not one COPY TO STDOUT (nothing was sent).
    boost::asio::awaitable<async_raw_copy_reader> copy_out(sql<> statement)
    {
        return start_copy<async_raw_copy_reader>(
            [&] { return detail::raw_copy_request(statement.text(), engine::copy_direction::out); });
    }

    // --- pipelines ------------------------------------------------------------------------------

    /// As connection's typq::pipeline: `async_pipeline p = co_await conn.pipeline();` enters
    /// pipeline mode; see typq::async_pipeline. The connection is busy until `co_await p.finish()`.
    boost::asio::awaitable<async_pipeline> pipeline()
    {
        engine::session& s = usable();
        auto core = std::make_shared<detail::async_pipeline_core>();
        core->conn = state_;
        core->hold.emplace(s, "a typq::async_pipeline");
        if (unsettled(s))
            co_await detail::async_settle(*state_);
        core->op = std::make_unique<engine::pipeline_op>(s);
        co_return async_pipeline(std::move(core));
    }

    /// Runs `body` (a callable taking async_pipeline& and returning awaitable<T>) in a pipeline,
    /// then finishes it (a sync point, every result read, pipeline mode left), also when the body
    /// throws: its exception is passed on after. Returns what the body returned.
    template <class Body>
    auto pipeline(Body body) -> decltype(body(std::declval<async_pipeline&>()));

    // --- LISTEN/NOTIFY --------------------------------------------------------------------------

    /// As connection::listen(): LISTEN on `channel`, quoted as an identifier.
    boost::asio::awaitable<void> listen(std::string channel)
    {
        (void)co_await execute(sql_fragment("LISTEN ") + identifier(channel));
    }
    /// As connection::unlisten().
    boost::asio::awaitable<void> unlisten(std::string channel)
    {
        (void)co_await execute(sql_fragment("UNLISTEN ") + identifier(channel));
    }
    /// As connection::notify(): pg_notify with both as parameters.
    boost::asio::awaitable<void> notify(std::string channel, std::string payload = {})
    {
        (void)co_await execute("SELECT pg_notify($1, $2)", std::move(channel), std::move(payload));
    }

    /// The next notification: one libpq queued during other statements, else the first to arrive.
    /// It waits as long as it takes: race a timer against it to bound the wait (a cancelled wait
    /// sends nothing to the server and ends with std::nullopt).
    /// @throws typq::connection_error when the connection is closed or lost.
    boost::asio::awaitable<std::optional<notification>> wait_notification()
    {
        using namespace boost::asio::experimental::awaitable_operators;
        engine::session& s = usable();
        engine::lease hold(s, "a statement");
        if (unsettled(s))
            co_await detail::async_settle(*state_);
        engine::notification_op op(s);
        engine::io ready = engine::io::none;
        engine::io wanted = op.step(ready);
        if (wanted == engine::io::none)
            co_return std::move(op.result());  // one was queued already
        // cancel() from another thread ends the wait, as connection::cancel() does: it writes to
        // the session's wake pipe, watched here beside the socket.
        struct waiting {
            engine::session& s;
            int wake;
            explicit waiting(engine::session& w) : s(w), wake(w.begin_wait()) {}
            waiting(const waiting&) = delete;
            waiting& operator=(const waiting&) = delete;
            ~waiting() { (void)s.end_wait(); }
        } wait(s);
        boost::asio::posix::stream_descriptor woken(state_->waiter.get_executor());
        const int copy = ::fcntl(wait.wake, F_DUPFD_CLOEXEC, 0);
        if (copy < 0)
            throw connection_error("cannot wait for notifications: dup() failed", false);
        woken.assign(copy);
        for (; wanted != engine::io::none; wanted = op.step(ready)) {
            boost::system::error_code failed;
            const auto first = co_await (state_->waiter.wait_for(engine::io::read, failed)
                || woken.async_wait(boost::asio::posix::descriptor_base::wait_read, boost::asio::use_awaitable));
            if (first.index() == 1 || failed == boost::asio::error::operation_aborted)
                co_return std::nullopt;  // woken by cancel(), or cancelled through Asio: nothing runs on the server
            if (failed)
                engine::wait_failed(failed);
            ready = engine::io::read;
        }
        co_return std::move(op.result());
    }

    /// Every notification that has arrived, without waiting.
    [[nodiscard]] std::vector<notification> notifications() { return engine::take_notifications(usable()); }

    // --- transactions ---------------------------------------------------------------------------

    /// Begins a transaction (a savepoint inside one); see typq::async_transaction.
    boost::asio::awaitable<async_transaction> begin(transaction_options options = {});

    /// Runs `body` (a callable returning awaitable<T>) inside a transaction: committed when it
    /// returns, rolled back (awaited) when it throws, and the exception passed on. The way to
    /// write a transaction that leaves nothing behind whatever happens.
    template <class Body>
    auto transaction(Body body, transaction_options options = {}) -> decltype(body());

private:
    friend class async_transaction;
    friend class detail::async_pool_state;

    // What an abandoned operation left waits for the next operation. The async pool finishes it when
    // the connection comes back, when that needs no cancel request: a pipeline's statements (a sync
    // point, their results read), a COPY FROM STDIN's abort. A stream or COPY TO STDOUT still
    // running is closed with its connection instead.
    [[nodiscard]] bool leftovers_to_finish() const noexcept
    {
        return state_ && !state_->session->closed() && !state_->session->broken() && state_->session->leftovers
            && !state_->session->leftovers->cancels();
    }
    boost::asio::awaitable<void> settle()
    {
        engine::session& s = usable();
        engine::lease hold(s, "a statement");
        if (unsettled(s))
            co_await detail::async_settle(*state_);
    }

    explicit async_connection(std::shared_ptr<detail::async_state> state) noexcept : state_(std::move(state)) {}

    engine::session& usable() const
    {
        if (!state_)
            throw connection_error("the connection is closed", true);
        engine::session& s = *state_->session;
        // What an abandoned operation left (libpq still in pipeline mode, say) is for the next
        // operation's async_settle to end, which checks the connection again afterwards.
        if ((s.abandoned || s.leftovers) && !s.closed() && !s.broken())
            return s;
        (void)s.usable();
        return s;
    }

    // The libpq connection, for what only reads its state. @throws when closed or broken.
    PGconn* open_handle() const
    {
        if (!state_)
            throw connection_error("the connection is closed", true);
        return state_->session->open();
    }

    [[nodiscard]] static bool unsettled(const engine::session& s) noexcept { return detail::unsettled(s); }

    // A COPY: its request is made now, from what the call was given (which need not outlive it),
    // and an error in it is thrown when the awaitable runs, as every other error is. The writer or
    // reader holds the connection from there, and starts under it.
    template <class Copy, class MakeRequest>
    boost::asio::awaitable<Copy> start_copy(MakeRequest make)
    {
        engine::copy_request request;
        try {
            request = make();
        }
        catch (...) {
            return detail::rethrown<Copy>(std::current_exception());
        }
        return start_copy<Copy>(std::move(request));
    }
    template <class Copy>
    boost::asio::awaitable<Copy> start_copy(engine::copy_request request)
    {
        (void)usable();
        Copy copy(state_);
        co_await copy.start(std::move(request));
        co_return copy;
    }

    template <class Row, class Statement, class... Args>
    boost::asio::awaitable<async_cursor<Row>> declare_cursor(cursor_options options, detail::kept<Statement> held, Args... args)
    {
        static_assert(detail::row_type<Row>, "typq: Row must be an aggregate struct, typq::by_position<T>, "
                                             "std::tuple<...>, or a type with a typq::type<T>");
        const Statement& statement = held.statement;
        engine::session& s = usable();
        async_cursor<Row> declared(state_, options);
        engine::lease hold(s, "a statement");
        if (unsettled(s))
            co_await detail::async_settle(*state_);
        const auto bind = engine::front::binding(statement, args...);
        co_await declared.declare(engine::front::request(state_->session, statement, engine::make_binder(bind), format::binary));
        co_return declared;
    }

    template <class Row, class Statement, class... Args>
    boost::asio::awaitable<async_stream<Row>> start_stream(detail::kept<Statement> held, Args... args)
    {
        const Statement& statement = held.statement;
        engine::session& s = usable();
        auto begun = std::make_unique<typename async_stream<Row>::state>();
        begun->conn = state_;
        begun->hold.emplace(s, "a typq::async_stream");
        if (unsettled(s))
            co_await detail::async_settle(*state_);
        async_stream<Row> rows(std::move(begun));
        const auto bind = engine::front::binding(statement, args...);
        co_await rows.start(engine::front::request(state_->session, statement, engine::make_binder(bind), format::binary));
        co_return rows;
    }

    // Runs `request` (under the caller's lease) into `op`, whose result() and plan_keeper() the
    // caller then reads: in the caller's coroutine, with no frame of its own (a point query's
    // cost is mostly the frames and waits around it).
    boost::asio::awaitable<void> run(engine::statement_op& op)
    {
        return engine::async_run(*state_->session, state_->waiter, op);
    }

    boost::asio::awaitable<std::uint64_t> run_script(detail::kept<script> held)
    {
        const script& statement = held.statement;
        engine::session& s = usable();
        engine::lease hold(s, "a statement");
        if (unsettled(s))
            co_await detail::async_settle(*state_);
        if (statement.copies_through_client())
            engine::throw_copy_refused();
        engine::statement_request request;
        request.text = statement.c_str();
        request.size = statement.text().size();
        request.text_hash = statement.hash();
        request.source = statement.is_literal() ? statement.c_str() : nullptr;
        request.script = true;
        engine::statement_op op(s, std::move(request));
        co_await run(op);
        s.rethrow_notice_failure();
        co_return detail::affected_rows(op.result().get());
    }

    template <class Statement, class... Args>
    boost::asio::awaitable<std::uint64_t> affected(detail::kept<Statement> held, Args... args)
    {
        const Statement& statement = held.statement;
        engine::session& s = usable();
        engine::lease hold(s, "a statement");
        if (unsettled(s))
            co_await detail::async_settle(*state_);
        const auto bind = engine::front::binding(statement, args...);
        engine::statement_request request =
            engine::front::request(state_->session, statement, engine::make_binder(bind), format::binary);
        engine::statement_op op(s, std::move(request));
        co_await run(op);
        s.rethrow_notice_failure();
        co_return detail::affected_rows(op.result().get());
    }

    template <class Row, class Statement, class... Args>
    boost::asio::awaitable<result<Row>> rows(detail::kept<Statement> held, Args... args)
    {
        const Statement& statement = held.statement;
        static_assert(detail::row_type<Row>, "typq: Row must be an aggregate struct, typq::by_position<T>, "
                                             "std::tuple<...>, or a type with a typq::type<T>");
        engine::session& s = usable();
        engine::lease hold(s, "a statement");
        if (unsettled(s))
            co_await detail::async_settle(*state_);
        const auto bind = engine::front::binding(statement, args...);
        engine::row_plan<Row> plan;
        engine::statement_request request =
            engine::front::request(state_->session, statement, engine::make_binder(bind), format::binary);
        request.plan = plan.template make_planner<format::binary>();
        engine::statement_op op(s, std::move(request));
        co_await run(op);
        s.rethrow_notice_failure();
        co_return result<Row>(std::move(op.result()), plan.plan, s.registry, std::move(op.plan_keeper()));
    }

    // query_one and query_value (Optional false: exactly one row), query_opt (at most one).
    template <class Row, bool Optional, class Statement, class... Args>
    boost::asio::awaitable<std::conditional_t<Optional, std::optional<typename detail::row_traits<Row>::value_type>,
        typename detail::row_traits<Row>::value_type>>
    single(const char* function, detail::kept<Statement> held, Args... args)
    {
        detail::require_owning_row<Row>();
        const Statement& statement = held.statement;
        engine::session& s = usable();
        engine::lease hold(s, "a statement");
        if (unsettled(s))
            co_await detail::async_settle(*state_);
        const auto bind = engine::front::binding(statement, args...);
        engine::row_plan<Row> plan;
        engine::statement_request request =
            engine::front::request(state_->session, statement, engine::make_binder(bind), format::binary);
        request.plan = plan.template make_planner<format::binary>();
        engine::statement_op op(s, std::move(request));
        co_await run(op);
        s.rethrow_notice_failure();
        const server_types types(s.registry.get());
        if constexpr (Optional)
            co_return detail::optional_row<Row>(op.result().get(), plan.plan, types);
        else
            co_return detail::one_row<Row>(op.result().get(), plan.plan, types, function);
    }

    std::shared_ptr<detail::async_state> state_;  // null once moved from
};

inline boost::asio::awaitable<async_transaction> async_connection::begin(transaction_options options)
{
    (void)usable();
    async_transaction tx(state_);
    co_await tx.start(options);
    co_return tx;
}

template <class Body>
auto async_connection::transaction(Body body, transaction_options options) -> decltype(body())
{
    async_transaction tx = co_await begin(options);
    std::exception_ptr failure;
    try {
        if constexpr (std::is_void_v<typename decltype(body())::value_type>) {
            co_await body();
            co_await tx.commit();
            co_return;
        }
        else {
            auto value = co_await body();
            co_await tx.commit();
            co_return value;
        }
    }
    catch (...) {
        failure = std::current_exception();
    }
    if (tx.active()) {
        try {
            co_await tx.rollback();
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the body's exception is the one to report
        }
    }
    std::rethrow_exception(failure);
}

template <class Body>
auto async_connection::pipeline(Body body) -> decltype(body(std::declval<async_pipeline&>()))
{
    using value_type = typename decltype(body(std::declval<async_pipeline&>()))::value_type;
    async_pipeline p = co_await pipeline();
    std::exception_ptr failure;
    std::optional<std::conditional_t<std::is_void_v<value_type>, char, value_type>> value;
    try {
        if constexpr (std::is_void_v<value_type>)
            co_await body(p);
        else
            value.emplace(co_await body(p));
    }
    catch (...) {
        failure = std::current_exception();
    }
    if (!failure) {
        co_await p.finish();
        if constexpr (!std::is_void_v<value_type>)
            co_return std::move(*value);
        else
            co_return;
    }
    try {
        co_await p.finish();
    }
    catch (...) {  // NOLINT(bugprone-empty-catch): the body's exception is the one to report
    }
    std::rethrow_exception(failure);
}

template <class Rows>
boost::asio::awaitable<std::uint64_t> async_connection::execute_many(
    std::type_identity_t<detail::statement_for_rows_t<Rows>> statement, const Rows& rows)
{
    engine::session& s = usable();
    engine::lease hold(s, "a statement");
    if (unsettled(s))
        co_await detail::async_settle(*state_);
    // As connection::execute_many: a run that found its prepared statement stale after DDL is
    // retried once outside a transaction block (nothing of the first attempt landed).
    for (int attempt = 0;; ++attempt) {
        const bool idle = PQtransactionStatus(s.native()) == PQTRANS_IDLE;
        std::exception_ptr failure;
        try {
            engine::many_op<Rows> op(s, statement, rows);
            co_await engine::async_run(s, state_->waiter, op);
            co_return op.total();
        }
        catch (const server_error& e) {
            if (!engine::stale_statement(e) || !idle || attempt > 0 || PQtransactionStatus(s.native()) != PQTRANS_IDLE)
                failure = std::current_exception();
        }
        if (failure)
            std::rethrow_exception(failure);
    }
}

}  // namespace typq

#endif  // TYPQ_ASIO_CONNECTION_HPP
// ----- end <typq/asio/connection.hpp> -----
// ----- begin <typq/asio/pool.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/asio/pool.hpp: typq::async_pool, a pool of typq::async_connection for coroutines. Every
// decision about sizes, order, expiry and backoff is typq/detail/pool_core.hpp's, shared with
// typq::pool; this file only says how to wait (a channel per request, raced with a timer) and
// does the background work as coroutines on the pool's executor instead of threads.

#ifndef TYPQ_ASIO_POOL_HPP
#define TYPQ_ASIO_POOL_HPP


#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>   // std::max: the bound of a connection attempt
#include <chrono>      // timeouts
#include <exception>   // std::exception_ptr: a cancelled wait, rethrown after withdrawing
#include <functional>  // std::function: the hooks
#include <memory>      // std::shared_ptr: the state leases and background coroutines share
#include <optional>    // a lease's connection
#include <string>      // conninfo, messages
#include <utility>     // std::move
#include <vector>      // connections closed after the lock

namespace typq {

/// typq::async_pool's options (see typq::basic_pool_options); its hooks are coroutines:
/// `.configure = [](typq::async_connection& c) -> boost::asio::awaitable<void> { co_await c.execute("SET ..."); }`.
using async_pool_options = basic_pool_options<std::function<boost::asio::awaitable<void>(async_connection&)>>;

namespace detail {

// A request of typq::async_pool waits on a channel of its own: the core wakes it (under its lock,
// from whatever thread returned or made a connection) by sending into it.
struct pool_asio_waiter {
    explicit pool_asio_waiter(const boost::asio::any_io_executor& executor) : ready(executor, 1) {}
    boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> ready;
    void wake() noexcept
    {
        try {
            (void)ready.try_send(boost::system::error_code{});
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a full channel has a wake-up already
        }
    }
};

// What an async_pool, its background coroutines and its leases share.
class async_pool_state {
public:
    using core_type = pool_core<async_connection, pool_asio_waiter>;
    using entry = core_type::entry;
    using clock = core_type::clock;

    async_pool_state(boost::asio::any_io_executor executor, std::string info, async_pool_options given)
        : core(given), conninfo(std::move(info)), options(std::move(given)), executor_(std::move(executor)),
          kick_(executor_, 1)
    {
    }

    core_type core;
    const std::string conninfo;
    const async_pool_options options;

    [[nodiscard]] const boost::asio::any_io_executor& executor() const noexcept { return executor_; }

    // Wakes the background coroutine (any thread).
    void kick() noexcept
    {
        try {
            (void)kick_.try_send(boost::system::error_code{});
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a full channel has a kick already
        }
    }

    // Gives `e` back to the core (`fit` for another user or not) and closes what it lets go.
    void put_back(entry&& e, bool fit) noexcept
    {
        std::vector<entry> dropped;
        try {
            auto lock = core.lock();
            if (core.release(lock, std::move(e), fit, clock::now(), dropped))
                kick();
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): std::bad_alloc: `e` closes its connection instead
        }
    }

    // A connection vetted for the next user, waiting up to `timeout`.
    boost::asio::awaitable<entry> acquire(std::chrono::milliseconds timeout);

    // Whether a returned connection holds an abandoned operation to finish before it is lent again
    // (see async_connection::leftovers_to_finish()).
    [[nodiscard]] static bool must_settle(const async_connection& c) noexcept { return c.leftovers_to_finish(); }

    // A lease's connection comes back, needing a rollback or the reset hook first. The state is
    // held by the coroutine: the pool (and the lease) may be gone by the time it runs.
    static boost::asio::awaitable<void> give_back(std::shared_ptr<async_pool_state> self, entry e);

    // Makes connections and expires them until the pool closes.
    static boost::asio::awaitable<void> background(std::shared_ptr<async_pool_state> self);

private:
    boost::asio::awaitable<bool> fit_to_hand_out(async_connection& c);
    static boost::asio::awaitable<void> connect_one(std::shared_ptr<async_pool_state> self);

    boost::asio::any_io_executor executor_;
    boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> kick_;
};

}  // namespace detail

/// A pool of typq::async_connection for coroutines: `auto c = co_await pool.connection();` lends one
/// (`c->`, `*c` are the async_connection), given back when the lease is destroyed. Everything
/// typq::pool does (sizes, order, max_waiting, expiry, backoff, what happens on return; see
/// docs/pool.md), with waits that suspend the coroutine instead of blocking the thread.
///
/// Threads: the pool, its leases and its connections may be used from several threads running the
/// pool's io_context (its core is locked, and each request waits on a concurrent channel); a
/// connection is used by one coroutine at a time, as always. The background work (connecting,
/// expiring) runs as coroutines on the executor the pool was made with, and so do the connections
/// it makes.
///
/// Not copyable nor movable; destroying it closes it (leases still out close their connections
/// when they end).
class async_pool {
public:
    class lease;

    /// Opens the pool on `executor` and starts connecting (min_size connections) in the
    /// background.
    /// @throws typq::usage_error when the options make no sense.
    async_pool(boost::asio::any_io_executor executor, std::string conninfo, async_pool_options options = {})
        : state_(std::make_shared<detail::async_pool_state>(executor, std::move(conninfo), std::move(options)))
    {
        boost::asio::co_spawn(state_->executor(), detail::async_pool_state::background(state_), boost::asio::detached);
    }
    async_pool(const async_pool&) = delete;
    async_pool& operator=(const async_pool&) = delete;
    /// Closes the pool: leases still out close their connections when they end.
    ~async_pool() { close_now(); }

    /// Lends a connection, waiting up to the options' timeout.
    /// @throws typq::pool_timeout, typq::too_many_requests, typq::pool_closed as pool::connection().
    ///         A wait cancelled through Asio leaves the queue and throws boost::system::system_error
    ///         (operation_aborted).
    boost::asio::awaitable<lease> connection();
    /// As connection(), waiting up to `timeout`.
    boost::asio::awaitable<lease> connection(std::chrono::milliseconds timeout);

    /// Waits until min_size connections are open.
    /// @throws typq::pool_timeout when they are not within `timeout`; typq::pool_closed.
    boost::asio::awaitable<void> wait(std::chrono::milliseconds timeout = std::chrono::seconds(30))
    {
        const auto start = detail::async_pool_state::clock::now();
        boost::asio::steady_timer tick(co_await boost::asio::this_coro::executor);
        for (;;) {
            {
                auto lock = state_->core.lock();
                if (state_->core.closed(lock))
                    throw pool_closed("typq::async_pool: the pool is closed");
                if (state_->core.ready(lock))
                    co_return;
                if (detail::async_pool_state::clock::now() - start >= timeout)
                    throw state_->core.not_ready(lock, detail::async_pool_state::clock::now() - start);
            }
            tick.expires_after(std::chrono::milliseconds(5));
            co_await tick.async_wait(boost::asio::use_awaitable);
        }
    }

    /// Closes the pool: waiting and later requests fail with typq::pool_closed, idle connections
    /// are closed, and it waits up to `timeout` for the leases out to end.
    /// @returns whether every lease had ended.
    boost::asio::awaitable<bool> close(std::chrono::milliseconds timeout = std::chrono::seconds(5))
    {
        close_now();
        const auto start = detail::async_pool_state::clock::now();
        boost::asio::steady_timer tick(co_await boost::asio::this_coro::executor);
        for (;;) {
            {
                auto lock = state_->core.lock();
                if (state_->core.in_use(lock) == 0)
                    co_return true;
            }
            if (detail::async_pool_state::clock::now() - start >= timeout)
                co_return false;
            tick.expires_after(std::chrono::milliseconds(5));
            co_await tick.async_wait(boost::asio::use_awaitable);
        }
    }

    /// Sizes and counters, as of now.
    [[nodiscard]] pool_stats stats() const
    {
        auto lock = state_->core.lock();
        return state_->core.stats(lock);
    }

    /// A check for async_pool_options::check: one round trip (see pool::check_connection()).
    static boost::asio::awaitable<void> check_connection(async_connection& c) { (void)co_await c.execute(""); }

private:
    void close_now() noexcept
    {
        std::vector<detail::async_pool_state::entry> dropped;
        try {
            auto lock = state_->core.lock();
            state_->core.close(lock, dropped);
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a mutex that cannot be locked
        }
        state_->kick();  // the background coroutine sees the pool closed and ends
    }

    std::shared_ptr<detail::async_pool_state> state_;
};

/// A connection lent by a typq::async_pool: `->` and `*` give the typq::async_connection. Given
/// back when destroyed (or release()d): a connection idle and outside a transaction block goes back
/// at once; one inside a transaction block is rolled back first (by a coroutine on the pool's
/// executor), and one that is broken or still running a statement is closed and replaced.
class async_pool::lease {
public:
    /// An empty lease, which holds no connection.
    lease() noexcept = default;
    /// Takes `other`'s connection; `other` is left empty.
    lease(lease&& other) noexcept : state_(std::move(other.state_)), entry_(std::move(other.entry_))
    {
        other.entry_.reset();
    }
    /// Gives back this lease's connection, then takes `other`'s.
    lease& operator=(lease&& other) noexcept
    {
        if (this != &other) {
            release();
            state_ = std::move(other.state_);
            entry_ = std::move(other.entry_);
            other.entry_.reset();
        }
        return *this;
    }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    /// Gives the connection back, as release() does.
    ~lease() { release(); }

    // As std::unique_ptr's, a lease's constness is not its connection's.
    /// The connection; the lease must hold one.
    [[nodiscard]] async_connection& operator*() const noexcept { return entry_->conn; }
    /// The connection's members; the lease must hold one.
    [[nodiscard]] async_connection* operator->() const noexcept { return &entry_->conn; }
    /// Whether it holds a connection (not moved from nor released).
    [[nodiscard]] explicit operator bool() const noexcept { return entry_.has_value(); }

    /// Gives the connection back now, as the destructor does.
    void release() noexcept
    {
        if (!entry_)
            return;
        detail::async_pool_state::entry back = std::move(*entry_);
        entry_.reset();
        const std::shared_ptr<detail::async_pool_state> state = std::move(state_);
        using core = detail::async_pool_state::core_type;
        const core::comeback what = core::on_return(back.conn);
        // An abandoned pipeline (its statements still to run) or COPY FROM STDIN is finished before
        // the connection is lent again.
        const bool settle = detail::async_pool_state::must_settle(back.conn);
        if (!settle && (what == core::comeback::discard || (what == core::comeback::keep && !state->options.reset))) {
            state->put_back(std::move(back), what == core::comeback::keep);
            return;
        }
        // Settling, a rollback or the reset hook needs the server: a coroutine does it.
        try {
            boost::asio::co_spawn(state->executor(), detail::async_pool_state::give_back(state, std::move(back)),
                boost::asio::detached);
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the connection is closed with `back`
        }
    }

private:
    friend class async_pool;
    lease(std::shared_ptr<detail::async_pool_state> state, detail::async_pool_state::entry&& e)
        : state_(std::move(state)), entry_(std::move(e))
    {
    }

    std::shared_ptr<detail::async_pool_state> state_;
    mutable std::optional<detail::async_pool_state::entry> entry_;
};

inline boost::asio::awaitable<async_pool::lease> async_pool::connection()
{
    return connection(std::chrono::duration_cast<std::chrono::milliseconds>(state_->core.timeout()));
}

inline boost::asio::awaitable<async_pool::lease> async_pool::connection(std::chrono::milliseconds timeout)
{
    co_return lease(state_, co_await state_->acquire(timeout));
}

namespace detail {

inline boost::asio::awaitable<async_pool_state::entry> async_pool_state::acquire(std::chrono::milliseconds timeout)
{
    using namespace boost::asio::experimental::awaitable_operators;
    const auto executor = co_await boost::asio::this_coro::executor;
    const clock::time_point start = clock::now();
    const clock::time_point deadline = core_type::deadline(start, timeout);
    core_type::request request(start, executor);
    // However this coroutine ends (cancelled through Asio, its frame destroyed while it waits), the
    // request leaves the queue, and a connection granted to it meanwhile goes back to the pool.
    struct leave_queue {
        leave_queue(async_pool_state& owner, core_type::request& queued) noexcept : self(owner), r(queued) {}
        async_pool_state& self;
        core_type::request& r;
        leave_queue(const leave_queue&) = delete;
        leave_queue& operator=(const leave_queue&) = delete;
        ~leave_queue()
        {
            try {
                auto lock = self.core.lock();
                std::optional<entry> granted = self.core.withdraw(lock, r);
                lock.unlock();
                if (granted)
                    self.put_back(std::move(*granted), true);
            }
            catch (...) {  // NOLINT(bugprone-empty-catch): a mutex that cannot be locked
            }
        }
    } leaving(*this, request);
    for (;;) {
        std::optional<entry> got;
        {
            std::vector<entry> dropped;
            auto lock = core.lock();
            core_type::acquired found = core.acquire(lock, request, clock::now(), dropped);
            if (found.kick)
                kick();
            got = std::move(found.conn);
        }
        while (!got) {
            {
                boost::asio::steady_timer timer(executor, deadline);
                // Cancelled by the program: the exception leaves, and leave_queue withdraws it.
                (void)co_await (request.waiter.ready.async_receive(boost::asio::use_awaitable)
                    || timer.async_wait(boost::asio::use_awaitable));
            }
            auto lock = core.lock();
            got = core.take(lock, request);
            if (!got && clock::now() >= deadline)
                throw core.timed_out(lock, request, clock::now());
        }
        // From here the connection is this request's: whatever interrupts the vetting (a
        // cancellation, which Asio throws at the next co_await) gives it back first.
        std::exception_ptr interrupted;
        bool fit = false;
        try {
            fit = co_await fit_to_hand_out(got->conn);
        }
        catch (...) {
            interrupted = std::current_exception();
        }
        if (interrupted) {
            put_back(std::move(*got), core_type::on_return(got->conn) == core_type::comeback::keep);
            std::rethrow_exception(interrupted);
        }
        if (fit)
            co_return std::move(*got);
        // Discarded (and replaced in the background); this request takes the next one, first in line.
        put_back(std::move(*got), false);
    }
}

inline boost::asio::awaitable<bool> async_pool_state::fit_to_hand_out(async_connection& c)
{
    switch (core_type::vet(c)) {
    case core_type::verdict::discard: co_return false;
    case core_type::verdict::probe: {
        bool failed = false;
        try {
            co_await async_pool::check_connection(c);
        }
        catch (...) {
            failed = true;
        }
        if (failed || core_type::on_return(c) != core_type::comeback::keep)
            co_return false;
        break;
    }
    case core_type::verdict::ready: break;
    }
    if (!options.check)
        co_return true;
    bool failed = false;
    try {
        co_await options.check(c);
    }
    catch (...) {
        failed = true;
    }
    co_return !failed && core_type::on_return(c) == core_type::comeback::keep;
}

inline boost::asio::awaitable<void> async_pool_state::give_back(std::shared_ptr<async_pool_state> self, entry e)
{
    bool fit = true;
    try {
        if (must_settle(e.conn))
            co_await e.conn.settle();
        if (core_type::on_return(e.conn) == core_type::comeback::roll_back)
            (void)co_await e.conn.execute("ROLLBACK");
        fit = core_type::on_return(e.conn) == core_type::comeback::keep;
        if (fit && self->options.reset) {
            co_await self->options.reset(e.conn);
            fit = core_type::on_return(e.conn) == core_type::comeback::keep;
        }
    }
    catch (...) {
        fit = false;
    }
    self->put_back(std::move(e), fit);
}

inline boost::asio::awaitable<void> async_pool_state::background(std::shared_ptr<async_pool_state> self)
{
    using namespace boost::asio::experimental::awaitable_operators;
    boost::asio::steady_timer timer(self->executor_);
    for (;;) {
        core_type::chore chore;
        {
            std::vector<entry> dropped;
            auto lock = self->core.lock();
            chore = self->core.next_chore(lock, clock::now(), dropped);
            lock.unlock();
        }
        if (chore.stop)
            co_return;
        if (chore.connect) {
            boost::asio::co_spawn(self->executor_, connect_one(self), boost::asio::detached);
            continue;  // next_chore says whether another attempt may start
        }
        timer.expires_at(chore.wake_at);
        try {
            (void)co_await (self->kick_.async_receive(boost::asio::use_awaitable)
                || timer.async_wait(boost::asio::use_awaitable));
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the io_context is stopping; look once more
        }
    }
}

inline boost::asio::awaitable<void> async_pool_state::connect_one(std::shared_ptr<async_pool_state> self)
{
    using namespace boost::asio::experimental::awaitable_operators;
    std::optional<async_connection> made;
    std::string why;
    try {
        // libpq applies no connect_timeout to a non-blocking connection: the pool bounds an
        // attempt itself, by its requests' timeout but never below 30 s (a short request timeout
        // must not make every attempt fail before a slow server could answer).
        const auto bound = std::max<clock::duration>(self->core.timeout(), std::chrono::seconds(30));
        std::optional<async_connection> first = co_await typq::within(
            async_connection::connect(self->executor_, self->conninfo, self->options.connection), bound);
        if (!first)
            why = "connecting took longer than " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(bound).count()) + " s";
        else {
            async_connection c = std::move(*first);
            if (self->options.configure) {
                why = "configure: ";
                co_await self->options.configure(c);
                why.clear();
                if (core_type::on_return(c) != core_type::comeback::keep)
                    why = "configure left the connection in a transaction block (or broken); it was closed";
            }
            if (why.empty())
                made.emplace(std::move(c));
        }
    }
    catch (const std::exception& e) {
        why += e.what();
    }
    catch (...) {
        why += "an exception that is not a std::exception";
    }
    std::vector<entry> dropped;
    try {
        auto lock = self->core.lock();
        const clock::time_point now = clock::now();
        const bool again = made ? self->core.connected(lock, std::move(*made), now, dropped)
                                : self->core.connect_failed(lock, std::move(why), now);
        lock.unlock();
        if (again)
            self->kick();
    }
    catch (...) {  // NOLINT(bugprone-empty-catch): as in put_back()
    }
}

}  // namespace detail

}  // namespace typq

#endif  // TYPQ_ASIO_POOL_HPP
// ----- end <typq/asio/pool.hpp> -----

#endif  // TYPQ_ASIO_HPP
// ----- end <typq/asio.hpp> -----
