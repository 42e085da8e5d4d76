// SPDX-License-Identifier: BSL-1.0
// typq/asio/connection.hpp: typq::async_connection, a connection whose every statement is a
// Boost.Asio awaitable: `user u = co_await conn.query_one<user>("SELECT ... WHERE id = $1", 1);`.
// It runs the engine's operations, the same as typq::connection, with the asynchronous driver
// (typq/asio/driver.hpp) instead of poll(): binding, routing, automatic preparation, the checks of
// a result's columns and the decoding of its rows are the engine's, not this file's.

#ifndef TYPQ_ASIO_CONNECTION_HPP
#define TYPQ_ASIO_CONNECTION_HPP

#include <typq/connection.hpp>
#include <typq/transaction.hpp>
#include <typq/asio/copy.hpp>
#include <typq/asio/driver.hpp>
#include <typq/asio/pipeline.hpp>
#include <typq/asio/cursor.hpp>
#include <typq/asio/state.hpp>
#include <typq/asio/stream.hpp>
#include <typq/asio/transaction.hpp>
#include <typq/engine/front.hpp>
#include <typq/engine/many.hpp>
#include <typq/engine/notify.hpp>
#include <typq/engine/pipeline.hpp>
#include <typq/engine/query.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/statement.hpp>

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
