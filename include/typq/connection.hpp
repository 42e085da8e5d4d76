// SPDX-License-Identifier: BSL-1.0
// typq/connection.hpp: typq::connection: opening and closing, its state, and the execute/query
// family that binds typed parameters and reads typed rows, both in binary format.

#ifndef TYPQ_CONNECTION_HPP
#define TYPQ_CONNECTION_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/reflect.hpp>
#include <typq/result.hpp>
#include <typq/sql.hpp>
#include <typq/type.hpp>
#include <typq/types/bytea.hpp>
#include <typq/types/optional.hpp>
#include <typq/types/scalar.hpp>
#include <typq/types/text.hpp>
#include <typq/server_types.hpp>
#include <typq/detail/catalog.hpp>
#include <typq/detail/exec.hpp>
#include <typq/detail/params.hpp>
#include <typq/detail/pq_handle.hpp>

#include <boost/pfr/core.hpp>

#include <libpq-fe.h>

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <memory>       // std::shared_ptr: the type registry
#include <optional>     // query_opt, parameter_status
#include <string>       // conninfo, buffers
#include <string_view>  // conninfo, names
#include <utility>      // std::move, std::index_sequence

namespace typq {

class transaction;

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

/// One connection to a PostgreSQL server. Move-only; closes in its destructor. Not thread-safe:
/// use one connection from one thread at a time.
///
/// Parameters travel in binary with the OID their C++ type implies, except strings, which travel
/// as text with OID 0 so that the server infers their type. Results are read in binary.
class connection {
public:
    /// Connects with a conninfo string (`"host=db dbname=app"`) or URI (`"postgresql:///app"`);
    /// libpq's `PG*` environment variables fill in what it leaves out (`""` uses only them).
    /// The client encoding is always UTF-8.
    /// @throws typq::connection_error when the connection cannot be made.
    explicit connection(std::string_view conninfo);

    connection(connection&&) noexcept = default;
    connection& operator=(connection&&) noexcept = default;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection() = default;

    /// Closes the connection; a closed connection refuses further work. Closing twice is harmless.
    void close() noexcept
    {
        cancel_.reset();
        conn_.reset();
    }

    /// Asks the server to cancel the statement this connection is running, if any; the statement
    /// then fails with typq::query_canceled in the thread that runs it. The one member function
    /// that may be called from another thread (or a signal handler's thread) while a statement
    /// runs. A cancel request that arrives when nothing runs is ignored by the server.
    /// @throws typq::connection_error when the connection is closed or the request cannot be sent.
    void cancel() const;

    [[nodiscard]] connection_state state() const noexcept
    {
        if (!conn_)
            return connection_state::closed;
        return PQstatus(conn_.get()) == CONNECTION_OK ? connection_state::open : connection_state::broken;
    }

    [[nodiscard]] typq::transaction_status transaction_status() const noexcept
    {
        if (!conn_)
            return typq::transaction_status::unknown;
        switch (PQtransactionStatus(conn_.get())) {
        case PQTRANS_IDLE: return typq::transaction_status::idle;
        case PQTRANS_ACTIVE: return typq::transaction_status::active;
        case PQTRANS_INTRANS: return typq::transaction_status::in_transaction;
        case PQTRANS_INERROR: return typq::transaction_status::in_error;
        default: return typq::transaction_status::unknown;
        }
    }

    /// The server's version as a number: 150018 for 15.18.
    [[nodiscard]] int server_version() const { return PQserverVersion(usable()); }

    /// The process ID of the server process serving this connection.
    [[nodiscard]] int backend_pid() const { return PQbackendPID(usable()); }

    /// A parameter the server reports (`"server_version"`, `"TimeZone"`, `"client_encoding"`,
    /// `"standard_conforming_strings"`...), or std::nullopt when it reports no such parameter.
    [[nodiscard]] std::optional<std::string> parameter_status(std::string_view name) const
    {
        const char* value = PQparameterStatus(usable(), std::string(name).c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
    }

    /// What the server says about type `name` (`"mood"`, `"shop.address"`, `"hstore"`; the
    /// search_path applies), looked up once and cached like the types adapters name; std::nullopt
    /// when there is no such type.
    [[nodiscard]] std::optional<type_info> lookup_type(std::string_view name);

    /// Forgets the server-defined types looked up so far (their OIDs, attributes): call it after
    /// dropping and re-creating a type that this connection has used, whose OID has changed.
    void clear_type_cache() noexcept { registry_.reset(); }

    /// The libpq connection, for what typq does not wrap; owned by this object.
    [[nodiscard]] PGconn* native_handle() const noexcept { return conn_.get(); }

    /// Runs `statement` with `args` and returns the number of rows it affected (0 for commands
    /// without a count). Without arguments the text may hold several statements (a script), run
    /// by the simple query protocol; the count is then the last statement's.
    /// @throws typq::server_error (or a subclass for its SQLSTATE), typq::connection_error,
    ///         typq::conversion_error when an argument cannot be encoded.
    template <class... Args>
    std::uint64_t execute(sql<Args...> statement, Args&&... args)
    {
        if constexpr (sizeof...(Args) == 0)
            return detail::affected_rows(detail::exec_script(usable(), statement.c_str()).get());
        else {
            auto lookup = type_lookup();
            return detail::affected_rows(run(false, lookup.types(), statement, args...).get());
        }
    }

    /// Runs `statement` and returns its rows as a range of `Row` (a struct mapped by field name,
    /// `typq::by_position<T>`, a `std::tuple`, or one scalar column).
    /// @throws typq::conversion_error when the columns do not fit `Row` (checked once, before any row).
    template <class Row, class... Args>
    [[nodiscard]] result<Row> query(sql<Args...> statement, Args&&... args)
    {
        static_assert(detail::row_type<Row>, "typq: Row must be an aggregate struct, typq::by_position<T>, "
                                             "std::tuple<...>, or a type with a typq::type<T>");
        auto lookup = type_lookup();
        return result<Row>(run(false, lookup.types(), statement, args...), false, lookup.types(), registry_);
    }

    /// Runs `statement` and returns its only row.
    /// @throws typq::no_rows, typq::too_many_rows unless exactly one row comes back;
    ///         typq::conversion_error when a column does not fit its field.
    /// @par Lifetime  The returned value owns its data; nothing refers into the PGresult.
    template <class Row, class... Args>
    [[nodiscard]] typename detail::row_traits<Row>::value_type query_one(sql<Args...> statement, Args&&... args)
    {
        check_owning<Row>();
        auto lookup = type_lookup();
        return one_row<Row>(run(false, lookup.types(), statement, args...), false, lookup.types());
    }

    /// Runs `statement` and returns its row, or std::nullopt when it returns none.
    /// @throws typq::too_many_rows when more than one row comes back.
    template <class Row, class... Args>
    [[nodiscard]] std::optional<typename detail::row_traits<Row>::value_type> query_opt(sql<Args...> statement, Args&&... args)
    {
        check_owning<Row>();
        auto lookup = type_lookup();
        return optional_row<Row>(run(false, lookup.types(), statement, args...), false, lookup.types());
    }

    /// Runs `statement` and returns the value of its only column of its only row.
    /// @throws typq::no_rows, typq::too_many_rows unless exactly one row comes back;
    ///         typq::conversion_error unless there is exactly one column and it fits `T`
    ///         (NULL fits only a std::optional).
    template <class T, class... Args>
    [[nodiscard]] T query_value(sql<Args...> statement, Args&&... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column into a type with a typq::type<T>; "
                                           "use query_one<T> for a row");
        return query_one<T>(statement, std::forward<Args>(args)...);
    }

    /// The forms above with results in text format, for column types that have no binary form;
    /// `Row`'s fields must be strings (see typq::text_results).
    template <class Row, class... Args>
    [[nodiscard]] result<Row> query(text_results_t, sql<Args...> statement, Args&&... args)
    {
        check_text_row<Row>();
        auto lookup = type_lookup();
        return result<Row>(run(true, lookup.types(), statement, args...), true);
    }
    template <class Row, class... Args>
    [[nodiscard]] typename detail::row_traits<Row>::value_type query_one(text_results_t, sql<Args...> statement, Args&&... args)
    {
        check_text_row<Row>();
        check_owning<Row>();
        auto lookup = type_lookup();
        return one_row<Row>(run(true, lookup.types(), statement, args...), true, lookup.types());
    }
    template <class Row, class... Args>
    [[nodiscard]] std::optional<typename detail::row_traits<Row>::value_type> query_opt(
        text_results_t, sql<Args...> statement, Args&&... args)
    {
        check_text_row<Row>();
        check_owning<Row>();
        auto lookup = type_lookup();
        return optional_row<Row>(run(true, lookup.types(), statement, args...), true, lookup.types());
    }
    template <class T, class... Args>
    [[nodiscard]] T query_value(text_results_t, sql<Args...> statement, Args&&... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column; use query_one<T> for a row");
        check_text_row<T>();
        check_owning<T>();
        auto lookup = type_lookup();
        return one_row<T>(run(true, lookup.types(), statement, args...), true, lookup.types());
    }

private:
    friend class transaction;

    PGconn* usable() const;

    // The server types a statement's parameters and result plan look up through (run() checks
    // the connection before anything is looked up). Kept non-const by callers: its catalog source
    // replaces the connection's registry when it learns a type.
    detail::catalog_lookup type_lookup() noexcept { return {conn_.get(), registry_}; }

    template <class Row>
    static constexpr void check_text_row()
    {
        static_assert(detail::row_reads_text<Row>(),
            "typq: with typq::text_results every column arrives as text: the row's fields must be std::string, "
            "std::string_view or std::optional of one");
    }

    template <class Row>
    static typename detail::row_traits<Row>::value_type one_row(detail::result_handle handle, bool text,
        const server_types& types)
    {
        const auto plan = detail::plan_columns<Row>(handle.get(), text, types);
        const int rows = PQntuples(handle.get());
        if (rows != 1)
            throw_row_count("query_one", "exactly one row", rows);
        return detail::decode_row<Row>(handle.get(), 0, plan, &types);
    }

    template <class Row>
    static std::optional<typename detail::row_traits<Row>::value_type> optional_row(detail::result_handle handle, bool text,
        const server_types& types)
    {
        const auto plan = detail::plan_columns<Row>(handle.get(), text, types);
        const int rows = PQntuples(handle.get());
        if (rows == 0)
            return std::nullopt;
        if (rows != 1)
            throw_row_count("query_opt", "at most one row", rows);
        return detail::decode_row<Row>(handle.get(), 0, plan, &types);
    }

    template <class Row>
    static constexpr void check_owning()
    {
        static_assert(!detail::row_borrows<Row>(),
            "typq: this row type has a std::string_view or std::span field, which would point into a result "
            "destroyed on return: use std::string / std::vector<std::byte>, or query<Row>() and keep the result");
    }

    [[noreturn]] static void throw_row_count(const char* function, const char* wanted, int rows);

    // Encodes the arguments (or the struct's fields) and runs the statement with binary results.
    template <class... Args>
    detail::result_handle run(bool text_results, const server_types& types, const basic_sql<std::remove_cvref_t<Args>...>& statement,
        const Args&... args)
    {
        using statement_type = basic_sql<std::remove_cvref_t<Args>...>;
        PGconn* conn = usable();
        params_.clear();
        detail::result_handle handle;
        if constexpr (statement_type::named) {
            const auto& row = (args, ...);
            using traits = detail::row_traits<std::remove_cvref_t<Args>...>;
            detail::param_block<traits::size> block;
            const std::size_t count = statement.parameter_count();
            for (std::size_t k = 0; k < count; ++k) {
                const std::size_t field = statement.parameter_field(k);
                [&]<std::size_t... I>(std::index_sequence<I...>) {
                    ((I == field ? detail::encode_param(block, k, boost::pfr::get<I>(row), params_, types,
                                       detail::field_name<std::remove_cvref_t<Args>..., I>)
                                 : void()),
                        ...);
                }(std::make_index_sequence<traits::size>{});
            }
            rewritten_.clear();
            statement.write_positional(rewritten_);
            handle = detail::exec_params(conn, rewritten_.c_str(), block.finish(params_, count), text_results);
        }
        else {
            detail::param_block<sizeof...(Args)> block;
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                (detail::encode_param(block, I, args, params_, types), ...);
            }(std::index_sequence_for<Args...>{});
            handle = detail::exec_params(conn, statement.c_str(), block.finish(params_, sizeof...(Args)), text_results);
        }
        // Keep the buffer for the next statement, but not a one-off huge one.
        if (params_.capacity() > (std::size_t{1} << 20))
            params_ = std::string();
        return handle;
    }

    detail::conn_handle conn_;
    std::shared_ptr<const type_registry> registry_;  // server-defined types looked up so far; null: none
    detail::cancel_handle cancel_;    // what cancel() sends; made when connecting
    std::string params_;              // every parameter's bytes, reused from statement to statement
    std::string rewritten_;           // a named statement rewritten with $N placeholders
    std::size_t transaction_depth_ = 0;  // open typq::transaction objects (0: none; >1: savepoints)
};

// Compiled once under TYPQ_SEPARATE_COMPILATION.
#if TYPQ_DEFINITIONS

TYPQ_DECL connection::connection(std::string_view conninfo)
{
    const std::string info(conninfo);
    // expand_dbname=1: the "dbname" value is parsed as a whole conninfo string or URI; the
    // client_encoding after it overrides any the string names.
    const char* const keywords[] = {"dbname", "client_encoding", nullptr};
    const char* const values[] = {info.c_str(), "UTF8", nullptr};
    conn_.reset(PQconnectdbParams(keywords, values, 1));
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK)
        throw connection_error(detail::libpq_message(conn_.get()), true);
    // libpq prints notices (NOTICE, WARNING) to stderr by default; a library must not.
    PQsetNoticeReceiver(conn_.get(), [](void*, const PGresult*) {}, nullptr);
    // Made now, while no other thread can be using the connection: cancel() only sends it.
    cancel_.reset(PQgetCancel(conn_.get()));
}

TYPQ_DECL std::optional<type_info> connection::lookup_type(std::string_view name)
{
    detail::catalog_lookup lookup(usable(), registry_);  // lookup_type() runs nothing else: check here
    const type_info* info = lookup.types().find(name);
    return info ? std::optional<type_info>(*info) : std::nullopt;
}

TYPQ_DECL void connection::cancel() const
{
    if (!cancel_)
        throw connection_error("cannot cancel: the connection is closed", true);
    char message[256] = {};
    if (!PQcancel(cancel_.get(), message, static_cast<int>(sizeof message)))
        throw connection_error(std::string("cannot send the cancel request: ") + message, false);
}

TYPQ_DECL PGconn* connection::usable() const
{
    if (!conn_)
        throw connection_error("the connection is closed", true);
    if (PQstatus(conn_.get()) != CONNECTION_OK)
        throw connection_error("the connection is broken: " + detail::libpq_message(conn_.get()), true);
    return conn_.get();
}

[[noreturn]] TYPQ_DECL void connection::throw_row_count(const char* function, const char* wanted, int rows)
{
    const std::string message = std::string(function) + " expected " + wanted + ", the statement returned "
        + std::to_string(rows);
    if (rows == 0)
        throw no_rows(message);
    throw too_many_rows(message);
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq

#endif  // TYPQ_CONNECTION_HPP
