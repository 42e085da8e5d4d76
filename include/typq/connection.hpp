// SPDX-License-Identifier: BSL-1.0
// typq/connection.hpp: typq::connection: opening and closing, its state, and the execute/query
// family that binds typed parameters and reads typed rows, both in binary format. Every statement
// runs through the engine (typq/engine/): the connection only supplies the driver that waits,
// poll() on its socket.

#ifndef TYPQ_CONNECTION_HPP
#define TYPQ_CONNECTION_HPP

#include <typq/config.hpp>
#include <typq/connection_options.hpp>
#include <typq/copy.hpp>
#include <typq/cursor.hpp>
#include <typq/error.hpp>
#include <typq/notice.hpp>
#include <typq/notification.hpp>
#include <typq/prepared.hpp>
#include <typq/reflect.hpp>
#include <typq/result.hpp>
#include <typq/server_types.hpp>
#include <typq/sql.hpp>
#include <typq/stream.hpp>
#include <typq/type.hpp>
#include <typq/types/bytea.hpp>
#include <typq/types/optional.hpp>
#include <typq/types/scalar.hpp>
#include <typq/types/text.hpp>
#include <typq/detail/sql_type_name.hpp>
#include <typq/engine/catalog.hpp>
#include <typq/engine/front.hpp>
#include <typq/engine/many.hpp>
#include <typq/engine/notify.hpp>
#include <typq/engine/pipeline.hpp>
#include <typq/engine/plan.hpp>
#include <typq/engine/poll.hpp>
#include <typq/engine/query.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/statement.hpp>
#include <typq/engine/sync.hpp>

#include <libpq-fe.h>

#include <chrono>       // wait_notification's timeout
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <memory>       // std::shared_ptr: the session
#include <optional>     // query_opt, parameter_status
#include <string>       // names
#include <string_view>  // conninfo, names
#include <initializer_list>  // copy_in's columns
#include <iterator>     // std::begin, std::end: execute_many's rows
#include <tuple>        // tuple rows of execute_many
#include <type_traits>  // std::type_identity_t
#include <utility>      // std::move
#include <vector>       // notifications()

namespace typq {

class transaction;

class pipeline;

/// Cancels the statement a connection is running, from any thread (connection::canceller()).
/// Copyable; holds no connection alive.
class canceller {
public:
    /// A canceller of no connection: cancel() does nothing and returns false.
    canceller() = default;
    /// As connection::cancel(): sends a cancel request if the connection runs a statement now.
    /// @returns whether a request was sent (false too when the connection is gone).
    /// @throws typq::connection_error when the request cannot be sent.
    bool cancel() const
    {
        const std::shared_ptr<engine::session> s = session_.lock();
        return s && !s->closed() && s->cancel();
    }

private:
    friend class connection;
    explicit canceller(std::weak_ptr<engine::session> session) noexcept : session_(std::move(session)) {}
    std::weak_ptr<engine::session> session_;
};

/// What a connection can do now.
enum class connection_state {
    open,    ///< connected and usable
    closed,  ///< closed by close(), or moved from
    broken,  ///< the connection to the server was lost; only close() or destruction remain
};

/// The server-side transaction state, as libpq reports it (psycopg's TransactionStatus).
enum class transaction_status {
    idle,            ///< no transaction open
    active,          ///< a command is in progress
    in_transaction,  ///< inside a transaction block
    in_error,        ///< inside a failed transaction block: only ROLLBACK will work
    unknown,         ///< the connection is closed or broken
};

namespace detail {
// query_one, query_opt and query_value return rows that outlive their result: no views into it.
template <class Row>
constexpr void require_owning_row()
{
    static_assert(!row_borrows<Row>(),
        "typq: this row type has a std::string_view or std::span field, which would point into a result "
        "destroyed on return: use std::string / std::vector<std::byte>, or query<Row>() and keep the result");
}

// What state() and transaction_status() say, for both connections (and the pools).
inline connection_state state_of(const engine::session* s) noexcept
{
    if (!s || s->closed())
        return connection_state::closed;
    return s->broken() ? connection_state::broken : connection_state::open;
}

inline transaction_status transaction_status_of(PGconn* conn) noexcept
{
    if (!conn)
        return transaction_status::unknown;
    switch (PQtransactionStatus(conn)) {
    case PQTRANS_IDLE: return transaction_status::idle;
    case PQTRANS_ACTIVE: return transaction_status::active;
    case PQTRANS_INTRANS: return transaction_status::in_transaction;
    case PQTRANS_INERROR: return transaction_status::in_error;
    default: return transaction_status::unknown;
    }
}
}  // namespace detail

/// One connection to a PostgreSQL server. Move-only; closes in its destructor. Used by one thread
/// at a time (a second thread's statement is refused with typq::usage_error); only cancel() may
/// be called from another thread while a statement runs.
///
/// Parameters travel in binary with the OID their C++ type implies, except strings, which travel
/// as text with OID 0 so that the server infers their type. Results are read in binary.
/// A statement run often enough is prepared on the server (see connection_options).
class connection {
public:
    /// Connects with a conninfo string (`"host=db dbname=app"`) or URI (`"postgresql:///app"`);
    /// libpq's `PG*` environment variables fill in what it leaves out (`""` uses only them).
    /// The client encoding is always UTF-8.
    /// @throws typq::connection_error when the connection cannot be made.
    explicit connection(std::string_view conninfo, const connection_options& options = {});

    /// Moves the connection; what refers to it (a typq::transaction, a typq::prepared) follows it.
    connection(connection&&) noexcept = default;
    /// Closes this connection, then takes `other`'s.
    connection& operator=(connection&& other) noexcept
    {
        if (this != &other) {
            if (!alias_)
                close();
            session_ = std::move(other.session_);
            alias_ = other.alias_;
        }
        return *this;
    }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    /// Closes the connection, as close() does.
    ~connection()
    {
        if (!alias_)
            close();
    }

    /// Closes the connection; a closed connection refuses further work. Closing twice is harmless.
    void close() noexcept
    {
        if (session_)
            session_->close();
    }

    /// Asks the server to cancel the statement this connection is running, if any; the statement
    /// then fails with typq::query_canceled in the thread that runs it. The one member function
    /// that may be called from another thread while a statement runs (not while the connection
    /// object itself is moved or destroyed: for that, hold a canceller()). A request is sent only
    /// while a statement runs, and the next statement waits until it has been delivered, so a
    /// cancel never lands on a later statement; between statements cancel() does nothing and
    /// returns false. A statement that ends as the request arrives is not cancelled. During
    /// wait_notification() it sends nothing to the server: it ends the wait (std::nullopt).
    /// @returns whether a cancel request was sent (or a wait ended).
    /// @throws typq::connection_error when the connection is closed or the request cannot be sent.
    bool cancel() const;

    /// A handle for cancel() that another thread can keep and use whatever happens to this
    /// connection object (moved, reassigned, destroyed: then it does nothing).
    [[nodiscard]] typq::canceller canceller() const noexcept;

    /// Whether the connection is open, closed, or broken (lost: it refuses further work).
    [[nodiscard]] connection_state state() const noexcept { return detail::state_of(session_.get()); }

    /// The server-side transaction state, as libpq last saw it (`unknown` when closed or broken).
    [[nodiscard]] typq::transaction_status transaction_status() const noexcept
    {
        return detail::transaction_status_of(native_handle());
    }

    /// The server's version as a number: 150018 for 15.18.
    [[nodiscard]] int server_version() const { return PQserverVersion(open_handle()); }

    /// The process ID of the server process serving this connection.
    [[nodiscard]] int backend_pid() const { return PQbackendPID(open_handle()); }

    /// The host this connection reached (libpq's PQhost): of a conninfo that names several
    /// (`host=db1,db2`), the one it connected to; a directory for a unix socket (`/run/postgresql`).
    /// @throws typq::connection_error when the connection is closed or broken.
    [[nodiscard]] std::string host() const { return libpq_text(PQhost(open_handle())); }

    /// The IP address this connection reached (PQhostaddr), or empty for a unix socket.
    [[nodiscard]] std::string hostaddr() const { return libpq_text(PQhostaddr(open_handle())); }

    /// The port of the server this connection reached (PQport): of several in the conninfo, the one
    /// it connected to.
    [[nodiscard]] int port() const;

    /// The database this connection is to (PQdb).
    [[nodiscard]] std::string dbname() const { return libpq_text(PQdb(open_handle())); }

    /// The role this connection logged in as (PQuser). `SET ROLE` does not change it: ask the
    /// server (`SELECT current_user`) for the role statements run as.
    [[nodiscard]] std::string user() const { return libpq_text(PQuser(open_handle())); }

    /// Whether the server is a hot standby (read-only, in recovery), as it reports it now
    /// (the `in_hot_standby` parameter, PostgreSQL 14 and later; libpq's `target_session_attrs`
    /// chooses a server by it). It changes when a standby is promoted.
    /// @throws typq::usage_error when the server does not report it (before PostgreSQL 14).
    [[nodiscard]] bool in_hot_standby() const;

    /// A parameter the server reports (`"server_version"`, `"TimeZone"`, `"client_encoding"`,
    /// `"standard_conforming_strings"`...), or std::nullopt when it reports no such parameter.
    [[nodiscard]] std::optional<std::string> parameter_status(std::string_view name) const
    {
        const char* value = PQparameterStatus(open_handle(), std::string(name).c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
    }

    /// What the server says about type `name` (`"mood"`, `"shop.address"`, `"hstore"`; the
    /// search_path applies), looked up once and cached like the types adapters name; std::nullopt
    /// when there is no such type. The lookup never fails on the server (so never aborts a
    /// transaction): a malformed name is refused first.
    /// @throws typq::usage_error when `name` is not a type name (see detail::regtype_spelling).
    [[nodiscard]] std::optional<type_info> lookup_type(std::string_view name);

    /// Forgets the server-defined types looked up so far (their OIDs, attributes): call it after
    /// dropping and re-creating a type that this connection has used, whose OID has changed.
    void clear_type_cache() noexcept
    {
        if (session_)
            session_->registry.reset();
    }

    // --- LISTEN/NOTIFY and notices ---------------------------------------------------------------
    // Channel names are exact strings: listen("Jobs") and notify("Jobs", ...) meet, and neither
    // meets "jobs". libpq queues what arrives during other statements; typq takes notifications
    // off that queue only in wait_notification() and notifications(), so none is dropped.

    /// LISTEN on `channel` (quoted as an identifier: any name, case kept). Inside a transaction
    /// block it takes effect at COMMIT. Listening twice is harmless.
    /// @throws typq::usage_error for an empty name or a NUL byte; as execute().
    void listen(std::string_view channel) { (void)execute(sql_fragment("LISTEN ") + identifier(channel)); }

    /// UNLISTEN `channel` (quoted likewise: "*" is a channel named `*`, not every channel).
    /// Notifications already queued stay queued.
    void unlisten(std::string_view channel) { (void)execute(sql_fragment("UNLISTEN ") + identifier(channel)); }

    /// UNLISTEN *: stops listening on every channel.
    void unlisten_all() { (void)execute("UNLISTEN *"); }

    /// Sends `payload` to `channel` (pg_notify, with both as parameters: any text is safe). Inside
    /// a transaction block it is delivered at COMMIT, and never after a rollback; the server
    /// drops a notification equal to one already sent in the same transaction. A connection that
    /// listens on `channel` receives its own notifications too.
    /// @throws typq::server_error (invalid_parameter_value) for an empty channel, a channel name
    ///         longer than 63 bytes or a payload of 8000 bytes or more; as execute().
    void notify(std::string_view channel, std::string_view payload = {})
    {
        (void)execute("SELECT pg_notify($1, $2)", channel, payload);
    }

    /// The next notification: first those libpq queued while other statements ran, oldest first;
    /// else the first to arrive within `timeout` (poll() on the socket with a monotonic deadline;
    /// other messages from the server and signals (EINTR) do not end the wait early). A timeout
    /// of zero only reads what has already arrived. std::nullopt when the timeout passes, or when
    /// cancel() is called from another thread (or through a canceller()) during the wait: the way
    /// to stop a waiting thread. The connection is busy meanwhile, like during a statement.
    /// @throws typq::usage_error when another thread or an open stream or pipeline holds the
    ///         connection; typq::connection_error when it is closed or lost (terminated by the
    ///         server: sqlstate() 57P01); what the notice handler threw while the wait read input
    ///         (a notification read with it stays queued for the next call).
    template <class Rep, class Period>
    [[nodiscard]] std::optional<notification> wait_notification(std::chrono::duration<Rep, Period> timeout)
    {
        return engine::wait_notification(usable_session(), engine::deadline_after(timeout));
    }

    /// As above, with no timeout: waits until a notification arrives, or until cancel() ends the
    /// wait (then std::nullopt).
    [[nodiscard]] std::optional<notification> wait_notification()
    {
        return engine::wait_notification(usable_session(), -1);
    }

    /// Every notification that has arrived, oldest first, without waiting: those libpq queued
    /// during other statements and those the socket already holds. Empty when there are none.
    /// @throws as wait_notification().
    [[nodiscard]] std::vector<notification> notifications() { return engine::take_notifications(usable_session()); }

    /// Sends the server's notices for this connection (NOTICE, WARNING, and INFO, DEBUG, LOG when
    /// the server is set to send them: client_min_messages) to `handler`, replacing the previous
    /// one; an empty handler (`nullptr`) clears it. Without a handler notices are dropped: nothing
    /// is printed (libpq's default would print them to stderr).
    ///
    /// The handler runs in the thread that runs the statement, inside libpq, while the connection
    /// is busy: it must not run statements on this connection (typq::usage_error), but may call
    /// on_notice(). When it throws, libpq (C code) cannot pass the exception on: typq keeps the
    /// first one, lets the statement run to its end, and throws it from the call that ran the
    /// statement; the statement's effects stand (committed, if it was outside a transaction
    /// block), and the connection stays usable. A statement that fails with its own error throws
    /// that error instead. Streams throw it when their end is reached, pipelines from the next
    /// pending::get().
    /// @throws typq::connection_error when the connection was moved from.
    void on_notice(notice_handler handler)
    {
        if (!session_)
            throw connection_error("the connection is closed", true);
        session_->set_notice_handler(std::move(handler));
    }

#ifdef TYPQ_TEST_FAULTS
    /// Tests only: the next statement's send fails after libpq has queued it whole.
    void test_fail_next_send() { usable_session().test_fail_next_send(); }
#endif

    /// The libpq connection, for what typq does not wrap; owned by this object. It is in
    /// non-blocking mode (PQsetnonblocking).
    [[nodiscard]] PGconn* native_handle() const noexcept { return session_ ? session_->native() : nullptr; }

    /// Prepares `statement` on the server for parameters of types `Args` (converted from the
    /// arguments given when it runs), and describes its result; see typq::prepared.
    /// @throws typq::server_error when the server cannot prepare it (a syntax error, a missing table).
    template <class... Args>
    [[nodiscard]] prepared<Args...> prepare(std::type_identity_t<basic_sql<Args...>> statement);

    /// Runs `statement` with `args` and returns the number of rows it affected (0 for commands
    /// without a count).
    ///
    /// Without arguments the statement is a typq::script, sent as it is by the simple query
    /// protocol: it may hold several statements, and any SQL (`$1` in a function body or a
    /// `PREPARE ... AS` is the server's, not a placeholder); the count is the last statement's.
    /// A `$1` meant for an argument that was forgotten is then the server's error
    /// (typq::undefined_parameter), where with arguments it would not have compiled.
    /// @throws typq::server_error (or a subclass for its SQLSTATE), typq::connection_error,
    ///         typq::conversion_error when an argument cannot be encoded.
    template <class... Args>
    std::uint64_t execute(execute_sql<Args...> statement, Args&&... args)
    {
        if constexpr (sizeof...(Args) == 0)
            return run_script(statement);
        else
            return affected(statement, args...);
    }

    /// Runs `statement` and returns its rows as a range of `Row` (a struct mapped by field name,
    /// `typq::by_position<T>`, a `std::tuple`, or one scalar column).
    /// @throws typq::conversion_error when the columns do not fit `Row` (checked once, before any row).
    template <class Row, class... Args>
    [[nodiscard]] result<Row> query(row_sql<Row, Args...> statement, Args&&... args)
    {
        return rows<Row, format::binary>(statement.sql(), args...);
    }

    /// Runs `statement` and returns its only row.
    /// @throws typq::no_rows, typq::too_many_rows unless exactly one row comes back;
    ///         typq::conversion_error when a column does not fit its field.
    /// @par Lifetime  The returned value owns its data; nothing refers into the PGresult.
    template <class Row, class... Args>
    [[nodiscard]] typename detail::row_traits<Row>::value_type query_one(row_sql<Row, Args...> statement, Args&&... args)
    {
        return one<Row, format::binary>("query_one", statement.sql(), args...);
    }

    /// Runs `statement` and returns its row, or std::nullopt when it returns none.
    /// @throws typq::too_many_rows when more than one row comes back.
    template <class Row, class... Args>
    [[nodiscard]] std::optional<typename detail::row_traits<Row>::value_type> query_opt(row_sql<Row, Args...> statement, Args&&... args)
    {
        return optional<Row, format::binary>(statement.sql(), args...);
    }

    /// Runs `statement` and returns the value of its only column of its only row.
    /// @throws typq::no_rows, typq::too_many_rows unless exactly one row comes back;
    ///         typq::conversion_error unless there is exactly one column and it fits `T`
    ///         (NULL fits only a std::optional).
    template <class T, class... Args>
    [[nodiscard]] T query_value(row_sql<T, Args...> statement, Args&&... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column into a type with a typq::type<T>; "
                                           "use query_one<T> for a row");
        return one<T, format::binary>("query_value", statement.sql(), args...);
    }

    /// @{
    /// The forms above with results in text format, for column types that have no binary form;
    /// `Row`'s fields must be strings (see typq::text_results). They throw what the binary forms
    /// throw.
    template <class Row, class... Args>
    [[nodiscard]] result<Row> query(text_results_t, sql<Args...> statement, Args&&... args)
    {
        check_text_row<Row>();
        return rows<Row, format::text>(statement, args...);
    }
    template <class Row, class... Args>
    [[nodiscard]] typename detail::row_traits<Row>::value_type query_one(text_results_t, sql<Args...> statement, Args&&... args)
    {
        check_text_row<Row>();
        return one<Row, format::text>("query_one", statement, args...);
    }
    template <class Row, class... Args>
    [[nodiscard]] std::optional<typename detail::row_traits<Row>::value_type> query_opt(
        text_results_t, sql<Args...> statement, Args&&... args)
    {
        check_text_row<Row>();
        return optional<Row, format::text>(statement, args...);
    }
    template <class T, class... Args>
    [[nodiscard]] T query_value(text_results_t, sql<Args...> statement, Args&&... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column; use query_one<T> for a row");
        check_text_row<T>();
        return one<T, format::text>("query_value", statement, args...);
    }
    /// @}

    /// Runs `statement` and returns its rows as they arrive, one at a time, in constant memory;
    /// see typq::stream. The connection is busy until the stream is destroyed or read to its end.
    /// @throws typq::conversion_error when the columns do not fit `Row` (checked before it runs).
    template <class Row, class... Args>
    [[nodiscard]] typq::stream<Row> stream(row_sql<Row, Args...> statement, Args&&... args)
    {
        static_assert(detail::row_type<Row>, "typq: Row must be an aggregate struct, typq::by_position<T>, "
                                             "std::tuple<...>, or a type with a typq::type<T>");
        typq::stream<Row> rows(usable_shared_session());
        const auto bind = binding(statement.sql(), args...);
        rows.start(request_for(statement.sql(), engine::make_binder(bind), format::binary));
        return rows;
    }

    // --- COPY ------------------------------------------------------------------------------

    /// Starts a binary COPY of `Row`s into `table` (`users`, `app.users`, `"Order Items"`: as in
    /// SQL); see typq::copy_writer. A struct's fields are written by name into the columns of the
    /// same names (`columns`, if given, must name the same columns); a tuple's or
    /// typq::by_position's by position into `columns` (every column when none are given). The
    /// columns are described (one round trip) and each column's type checked against its field
    /// before anything is sent: binary COPY applies no casts, so a value's type must be its
    /// column's (or its domain's base type), text for varchar/bpchar/name/citext, or an integer or
    /// float converted exactly (an out-of-range value is an error for its row).
    /// @throws typq::conversion_error naming every field whose column cannot take it;
    ///         typq::usage_error for a malformed table name or column list; the server's error
    ///         (no such table, column or permission).
    template <class Row>
    [[nodiscard]] copy_writer<Row> copy_in(std::string_view table, std::initializer_list<std::string_view> columns = {})
    {
        return copy_writer<Row>(usable_shared_session(), detail::copy_in_request<Row>(table, columns));
    }

    /// Reads `Row`s with a binary COPY ... TO STDOUT of a query or of a table; see
    /// typq::copy_reader. A query is any statement COPY can read (`SELECT ...`, `TABLE t`); a table
    /// is a bare name, schema-qualified or not, whose columns are named by Row's fields for a
    /// struct (every column otherwise). The query is described and its columns checked against
    /// Row before it runs. COPY takes no parameters: compose values in with typq::format_sql and
    /// typq::literal.
    /// @throws typq::conversion_error when the columns do not fit `Row`; the server's error.
    template <class Row>
    [[nodiscard]] copy_reader<Row> copy_out(sql<> query_or_table)
    {
        return copy_reader<Row>(usable_shared_session(), detail::copy_out_request<Row>(query_or_table.text()));
    }

    /// Starts a COPY ... FROM STDIN of any format (`COPY t FROM STDIN (FORMAT csv)`), whose bytes
    /// the program writes; see typq::raw_copy_writer.
    /// @throws typq::usage_error (after ending what it started) when `statement` is not a COPY
    ///         FROM STDIN; the server's error.
    [[nodiscard]] raw_copy_writer copy_in(sql<> statement)
    {
        engine::copy_request request = detail::raw_copy_request(statement.text(), engine::copy_direction::in);
        return raw_copy_writer(std::make_unique<detail::copy_sink>(usable_shared_session(), std::move(request),
            "a typq::raw_copy_writer"));
    }

    /// Starts a COPY ... TO STDOUT of any format (`COPY t TO STDOUT (FORMAT csv, HEADER)`), whose
    /// bytes the program reads chunk by chunk; see typq::raw_copy_reader.
    /// @throws as copy_in(sql).
    [[nodiscard]] raw_copy_reader copy_out(sql<> statement)
    {
        engine::copy_request request = detail::raw_copy_request(statement.text(), engine::copy_direction::out);
        return raw_copy_reader(std::make_unique<detail::copy_source>(usable_shared_session(), std::move(request),
            "a typq::raw_copy_reader"));
    }

    /// Runs `statement` once for each of `rows` and returns the total of rows affected. `rows` is
    /// a range of structs (the statement binds their fields by `:name`) or of std::tuple (by
    /// `$N`). The statement is prepared once, and every run is sent in one pipeline with one
    /// sync point at the end, so it costs about one round trip in all.
    ///
    /// Atomic: outside a transaction block the runs form one implicit transaction, so that when
    /// one fails none of them lands; inside one, a failing run aborts the transaction, as any
    /// failing statement does. A row that cannot be encoded (found while the runs before it are
    /// already sent) makes the server fail them on purpose, with the same effect. When DDL has
    /// made the prepared statement stale, outside a transaction block the whole batch is run again
    /// once, prepared anew (`rows` is read twice then: it must be a range that can be).
    /// @throws the first run's error (typq::server_error with its SQLSTATE's class), or the
    ///         typq::conversion_error of the row that could not be encoded.
    template <class Rows>
    std::uint64_t execute_many(std::type_identity_t<detail::statement_for_rows_t<Rows>> statement, const Rows& rows);

    /// @{
    /// Declares a server-side cursor for `statement`, with `options` (none by default); see
    /// typq::cursor. Without `with_hold` it needs an open transaction block.
    /// @throws typq::usage_error without with_hold outside a transaction block;
    ///         typq::conversion_error when the columns do not fit `Row`; the server's error.
    template <class Row, class... Args>
    [[nodiscard]] typq::cursor<Row> cursor(row_sql<Row, Args...> statement, Args&&... args)
    {
        return cursor<Row>(cursor_options{}, statement, std::forward<Args>(args)...);
    }
    template <class Row, class... Args>
    [[nodiscard]] typq::cursor<Row> cursor(const cursor_options& options, row_sql<Row, Args...> statement, Args&&... args)
    {
        static_assert(detail::row_type<Row>, "typq: Row must be an aggregate struct, typq::by_position<T>, "
                                             "std::tuple<...>, or a type with a typq::type<T>");
        typq::cursor<Row> declared(usable_shared_session(), options);
        engine::lease hold(*session_, "a statement");
        const auto bind = binding(statement.sql(), args...);
        declared.declare(request_for(statement.sql(), engine::make_binder(bind), format::binary));
        return declared;
    }
    /// @}

    /// @{
    /// The forms above, running a statement this connection prepared (see prepare()); the
    /// arguments convert to its parameter types. They throw what the forms above throw.
    /// @throws typq::usage_error when another connection prepared it.
    template <class... P>
    std::uint64_t execute(const prepared<P...>& statement, const std::type_identity_t<P>&... args)
    {
        return affected(statement, args...);
    }
    template <class Row, class... P>
    [[nodiscard]] result<Row> query(const prepared<P...>& statement, const std::type_identity_t<P>&... args)
    {
        return rows<Row, format::binary>(statement, args...);
    }
    template <class Row, class... P>
    [[nodiscard]] typename detail::row_traits<Row>::value_type query_one(const prepared<P...>& statement,
        const std::type_identity_t<P>&... args)
    {
        return one<Row, format::binary>("query_one", statement, args...);
    }
    template <class Row, class... P>
    [[nodiscard]] std::optional<typename detail::row_traits<Row>::value_type> query_opt(const prepared<P...>& statement,
        const std::type_identity_t<P>&... args)
    {
        return optional<Row, format::binary>(statement, args...);
    }
    template <class T, class... P>
    [[nodiscard]] T query_value(const prepared<P...>& statement, const std::type_identity_t<P>&... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column; use query_one<T> for a row");
        return one<T, format::binary>("query_value", statement, args...);
    }
    /// @}

private:
    friend class transaction;
    friend class pipeline;
    friend class large_object;

    // Another connection object for this one's session, which does not close it when destroyed:
    // for what runs statements through the connection's own interface and must follow the
    // connection when it moves (a typq::large_object). Once the session is closed, its calls
    // throw typq::connection_error.
    [[nodiscard]] connection alias() const
    {
        connection other(session_);
        other.alias_ = true;
        return other;
    }
    explicit connection(std::shared_ptr<engine::session> session) noexcept : session_(std::move(session)) {}

    // The session, connected and able to run a statement. @throws as session::usable().
    engine::session& usable_session() const
    {
        if (!session_)
            throw connection_error("the connection is closed", true);
        (void)session_->usable();
        return *session_;
    }
    const std::shared_ptr<engine::session>& usable_shared_session() const
    {
        (void)usable_session();
        return session_;
    }
    // The libpq connection, for what only reads its state. @throws when closed or broken.
    TYPQ_DECL PGconn* open_handle() const;
    static std::string libpq_text(const char* text) { return text ? std::string(text) : std::string(); }

    template <class Row>
    static constexpr void check_text_row()
    {
        static_assert(engine::row_reads_text<Row>(),
            "typq: with typq::text_results every column arrives as text: the row's fields must be std::string, "
            "std::string_view or std::optional of one");
    }

    template <class Row>
    static constexpr void check_owning()
    {
        detail::require_owning_row<Row>();
    }

    // Runs `request` to its end with the poll() driver. The caller holds the session's lease.
    engine::ran run(engine::statement_request& request) { return engine::run_statement(*session_, std::move(request)); }

    // The request for a checked statement with its arguments, or for a prepared statement.
    template <class Statement>
    engine::statement_request request_for(const Statement& statement, const engine::binder& bind, format results)
    {
        return engine::front::request(session_, statement, bind, results);
    }

    template <class Statement, class... Args>
    static auto binding(const Statement& statement, const Args&... args)
    {
        return engine::front::binding(statement, args...);
    }

    template <class Statement, class... Args>
    std::uint64_t affected(const Statement& statement, const Args&... args)
    {
        engine::lease hold(usable_session(), "a statement");
        const auto bind = binding(statement, args...);
        engine::statement_request request = request_for(statement, engine::make_binder(bind), format::binary);
        return detail::affected_rows(run(request).result.get());
    }

    std::uint64_t run_script(const script& statement)
    {
        engine::lease hold(usable_session(), "a statement");
        if (statement.copies_through_client())
            engine::throw_copy_refused();
        engine::statement_request request;
        request.text = statement.c_str();
        request.size = statement.text().size();
        request.text_hash = statement.hash();
        request.source = statement.is_literal() ? statement.c_str() : nullptr;
        request.script = true;
        return detail::affected_rows(run(request).result.get());
    }

    template <class Row, format Results, class Statement, class... Args>
    result<Row> rows(const Statement& statement, const Args&... args)
    {
        static_assert(detail::row_type<Row>, "typq: Row must be an aggregate struct, typq::by_position<T>, "
                                             "std::tuple<...>, or a type with a typq::type<T>");
        engine::lease hold(usable_session(), "a statement");
        const auto bind = binding(statement, args...);
        engine::row_plan<Row> plan;
        engine::statement_request request = request_for(statement, engine::make_binder(bind), Results);
        request.plan = plan.template make_planner<Results>();
        engine::ran done = run(request);
        return result<Row>(std::move(done.result), plan.plan, session_->registry, std::move(done.keeper));
    }

    template <class Row, format Results, class Statement, class... Args>
    typename detail::row_traits<Row>::value_type one(const char* function, const Statement& statement, const Args&... args)
    {
        check_owning<Row>();
        engine::lease hold(usable_session(), "a statement");
        const auto bind = binding(statement, args...);
        engine::row_plan<Row> plan;
        engine::statement_request request = request_for(statement, engine::make_binder(bind), Results);
        request.plan = plan.template make_planner<Results>();
        const engine::ran done = run(request);
        const server_types types(session_->registry.get());
        return detail::one_row<Row>(done.result.get(), plan.plan, types, function);
    }

    template <class Row, format Results, class Statement, class... Args>
    std::optional<typename detail::row_traits<Row>::value_type> optional(const Statement& statement, const Args&... args)
    {
        check_owning<Row>();
        engine::lease hold(usable_session(), "a statement");
        const auto bind = binding(statement, args...);
        engine::row_plan<Row> plan;
        engine::statement_request request = request_for(statement, engine::make_binder(bind), Results);
        request.plan = plan.template make_planner<Results>();
        const engine::ran done = run(request);
        const server_types types(session_->registry.get());
        return detail::optional_row<Row>(done.result.get(), plan.plan, types);
    }

    std::shared_ptr<engine::session> session_;  // null once moved from
    bool alias_ = false;                         // see alias()
};

template <class... Args>
prepared<Args...> connection::prepare(std::type_identity_t<basic_sql<Args...>> statement)
{
    engine::lease hold(usable_session(), "a statement");
    std::shared_ptr<engine::prepared_slot> slot;
    const auto bind = engine::bind_types(statement);
    engine::statement_request request = engine::front::preparing(session_, statement, engine::make_binder(bind), slot);
    (void)run(request);
    return engine::front::made(statement, std::move(slot));
}

template <class Rows>
std::uint64_t connection::execute_many(std::type_identity_t<detail::statement_for_rows_t<Rows>> statement, const Rows& rows)
{
    engine::lease hold(usable_session(), "a statement");
    // Outside a transaction block, a run that found its prepared statement stale after DDL is
    // retried once, prepared again: nothing of the first attempt landed (it was atomic).
    for (int attempt = 0;; ++attempt) {
        const bool idle = PQtransactionStatus(session_->native()) == PQTRANS_IDLE;
        try {
            engine::many_op<Rows> op(*session_, statement, rows);
            engine::run(session_->native(), op);
            return op.total();
        }
        catch (const server_error& e) {
            if (!engine::stale_statement(e) || !idle || attempt > 0
                || PQtransactionStatus(session_->native()) != PQTRANS_IDLE)
                throw;
        }
    }
}

// Compiled once under TYPQ_SEPARATE_COMPILATION.
#if TYPQ_DEFINITIONS

TYPQ_DECL connection::connection(std::string_view conninfo, const connection_options& options)
    : session_(std::make_shared<engine::session>(options))
{
    session_->connect(conninfo);
}

TYPQ_DECL PGconn* connection::open_handle() const
{
    if (!session_)
        throw connection_error("the connection is closed", true);
    return session_->open();
}

TYPQ_DECL std::optional<type_info> connection::lookup_type(std::string_view name)
{
    if (!detail::regtype_spelling(name))
        throw usage_error("lookup_type: not a type name: write [schema.]name, quoting an identifier as in SQL "
                          "(\"Mood\"), optionally followed by [] (type modifiers such as (10) are no part of a type)");
    engine::lease hold(usable_session(), "a statement");
    if (!session_->registry || !session_->registry->find_name(name)) {
        engine::catalog_op look_up(*session_, {std::string(name)}, {});
        engine::run(session_->native(), look_up);
    }
    const server_types types(session_->registry.get());
    const type_info* info = types.find(name);
    return info ? std::optional<type_info>(*info) : std::nullopt;
}

TYPQ_DECL int connection::port() const
{
    const char* text = PQport(open_handle());
    int port = 0;
    for (const char* digit = text; digit && *digit >= '0' && *digit <= '9' && port < 65536; ++digit)
        port = port * 10 + (*digit - '0');
    return port;
}

TYPQ_DECL bool connection::in_hot_standby() const
{
    const char* value = PQparameterStatus(open_handle(), "in_hot_standby");
    if (!value)
        throw usage_error("the server does not report whether it is a hot standby (in_hot_standby, PostgreSQL 14 "
                          "and later): ask it with SELECT pg_is_in_recovery()");
    return std::string_view(value) == "on";
}

TYPQ_DECL bool connection::cancel() const
{
    if (!session_ || session_->closed())
        throw connection_error("cannot cancel: the connection is closed", true);
    return session_->cancel();
}

TYPQ_DECL typq::canceller connection::canceller() const noexcept
{
    return typq::canceller(session_);
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq

#endif  // TYPQ_CONNECTION_HPP
