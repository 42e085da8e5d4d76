// SPDX-License-Identifier: BSL-1.0
// typq/transaction.hpp: RAII transactions; nested on one connection they are savepoints.

#ifndef TYPQ_TRANSACTION_HPP
#define TYPQ_TRANSACTION_HPP

#include <typq/connection.hpp>
#include <typq/error.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/sync.hpp>

#include <libpq-fe.h>

#include <cstddef>      // std::size_t
#include <memory>       // std::shared_ptr: the session; std::make_shared for the client-side diagnostic
#include <optional>     // transaction_options::isolation
#include <string>       // statements
#include <string_view>  // command tags

namespace typq {

/// SQL isolation levels (PostgreSQL runs read_uncommitted as read_committed).
enum class isolation_level { read_uncommitted, read_committed, repeatable_read, serializable };

/// How a top-level transaction starts; unset members take the session's defaults.
struct transaction_options {
    std::optional<isolation_level> isolation = std::nullopt;  ///< the isolation level; unset: the session's
    bool read_only = false;                                   ///< READ ONLY: the transaction cannot write
    bool deferrable = false;  ///< with serializable and read_only: waits for a safe snapshot
};

namespace detail {
// What typq::transaction and typq::async_transaction share: the statements they run and the
// rules they keep.

// BEGIN with the options' characteristics.
inline std::string begin_statement(const transaction_options& options)
{
    std::string statement = "BEGIN";
    const char* separator = " ";
    if (options.isolation) {
        statement += separator;
        statement += "ISOLATION LEVEL ";
        switch (*options.isolation) {
        case isolation_level::read_uncommitted: statement += "READ UNCOMMITTED"; break;
        case isolation_level::read_committed: statement += "READ COMMITTED"; break;
        case isolation_level::repeatable_read: statement += "REPEATABLE READ"; break;
        case isolation_level::serializable: statement += "SERIALIZABLE"; break;
        }
        separator = ", ";
    }
    if (options.read_only) {
        statement += separator;
        statement += "READ ONLY";
        separator = ", ";
    }
    if (options.deferrable) {
        statement += separator;
        statement += "DEFERRABLE";
    }
    return statement;
}

inline constexpr const char* transaction_ended_by_hand =
    "the transaction was ended by a COMMIT or ROLLBACK statement outside typq::transaction";

// The savepoint of the transaction at `depth` (2 and deeper).
inline std::string savepoint_name(std::size_t depth) { return "typq_savepoint_" + std::to_string(depth - 1); }

// A nested transaction sets nothing of its own.
inline void check_nested_options(const transaction_options& options)
{
    if (options.isolation || options.read_only || options.deferrable)
        throw usage_error("a nested typq::transaction is a savepoint and cannot set isolation, read_only or deferrable");
}

// COMMIT answered ROLLBACK: the transaction had failed, and nothing was committed.
[[noreturn]] inline void throw_commit_rolled_back()
{
    diagnostic d;
    d.sqlstate = "25P02";
    d.severity = "ERROR";
    d.message_primary = "the transaction was aborted by an earlier error and has been rolled back; nothing was committed";
    raise_server_error<in_failed_sql_transaction>(std::make_shared<const diagnostic>(std::move(d)));
}
}  // namespace detail

/// A transaction on `conn`: BEGIN in the constructor, COMMIT with commit(), ROLLBACK in the
/// destructor unless committed or rolled back. Constructed while another typq::transaction is open
/// on the same connection, it is a savepoint (SAVEPOINT / RELEASE / ROLLBACK TO) inside it.
/// Only the innermost open transaction may commit or roll back. A transaction follows its
/// connection when the connection moves; once the connection is closed (or destroyed), the
/// server has rolled the transaction back, and the transaction object does nothing more.
///
/// @par Example
/// ```
/// typq::transaction tx{conn};
/// conn.execute("UPDATE accounts SET balance = balance - $1 WHERE id = $2", 100, from);
/// conn.execute("UPDATE accounts SET balance = balance + $1 WHERE id = $2", 100, to);
/// tx.commit();
/// ```
class transaction {
public:
    /// @throws typq::usage_error when a transaction was begun on `conn` outside typq::transaction,
    ///         or when a nested transaction asks for options (a savepoint cannot change them).
    explicit transaction(connection& conn, transaction_options options = {})
        : session_(conn.session_), depth_(session_ ? session_->transaction_depth + 1 : 1)
    {
        PGconn* handle = conn.usable_session().native();
        if (depth_ == 1) {
            if (PQtransactionStatus(handle) != PQTRANS_IDLE)
                throw usage_error("a transaction is already open on this connection, begun outside typq::transaction");
            run(begin_statement(options));
        }
        else {
            detail::check_nested_options(options);
            if (PQtransactionStatus(handle) == PQTRANS_IDLE)
                throw usage_error(ended_by_hand);
            run("SAVEPOINT " + savepoint_name());
        }
        session_->transaction_depth = depth_;
        active_ = true;
    }

    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;

    /// Rolls back unless committed or rolled back, together with any nested transaction still
    /// open (their objects then find themselves ended). Never throws: a rollback that fails
    /// leaves the server to end the transaction when the connection closes.
    ~transaction()
    {
        if (!active_)
            return;
        active_ = false;
        if (session_->transaction_depth < depth_)
            return;  // an enclosing transaction already ended this one
        session_->transaction_depth = depth_ - 1;
        try {
            roll_back_to_start();
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
        }
    }

    /// Commits (or, for a savepoint, releases it into the enclosing transaction).
    /// @throws typq::in_failed_sql_transaction when an earlier statement failed: the server rolled
    ///         the transaction back instead, and nothing was committed;
    ///         typq::server_error when COMMIT itself fails (a deferred constraint);
    ///         typq::usage_error when this is not the innermost open transaction.
    void commit()
    {
        require_innermost("commit");
        require_open_on_server();
        if (depth_ > 1) {
            run("RELEASE SAVEPOINT " + savepoint_name());  // fails in an aborted transaction: rollback() still can
            end();
            return;
        }
        // Whatever COMMIT answers, the transaction is over: if it fails (a deferred constraint, a
        // cancel request that lands on it) and leaves a transaction open, it is rolled back.
        end();
        engine::result_handle tag;
        try {
            tag = run("COMMIT");
        }
        catch (const connection_error&) {
            throw;
        }
        catch (...) {
            close_on_server();
            throw;
        }
        if (std::string_view(PQcmdStatus(tag.get())) == "ROLLBACK")
            detail::throw_commit_rolled_back();
    }

    /// Rolls back (for a savepoint, everything since it; the enclosing transaction goes on).
    /// @throws typq::usage_error when this is not the innermost open transaction.
    void rollback()
    {
        require_innermost("rollback");
        require_open_on_server();
        end();
        roll_back_to_start();
    }

    /// True until commit() or rollback().
    [[nodiscard]] bool active() const noexcept { return active_; }
    /// True for a nested transaction, which is a savepoint.
    [[nodiscard]] bool is_savepoint() const noexcept { return depth_ > 1; }

private:
    static std::string begin_statement(const transaction_options& options) { return detail::begin_statement(options); }

    static constexpr const char* ended_by_hand = detail::transaction_ended_by_hand;

    std::string savepoint_name() const { return detail::savepoint_name(depth_); }

    void roll_back_to_start()
    {
        if (PQtransactionStatus(session_->usable()) == PQTRANS_IDLE)
            return;  // ended by hand: nothing is left to roll back
        if (depth_ > 1) {
            try {
                run("ROLLBACK TO SAVEPOINT " + savepoint_name());
                run("RELEASE SAVEPOINT " + savepoint_name());
                return;
            }
            catch (const connection_error&) {
                throw;
            }
            catch (const server_error&) {
                // A cancel request landed on it: the enclosing transaction is aborted now, which
                // its own end handles.
                return;
            }
        }
        close_on_server();
    }

    // Rolls back until no transaction block is open, whatever a cancel request that lands on the
    // ROLLBACK does (it can be cancelled too; the next one finds nothing running to cancel).
    void close_on_server()
    {
        for (int attempt = 0; attempt < 3; ++attempt) {
            if (PQtransactionStatus(session_->usable()) == PQTRANS_IDLE)
                return;
            try {
                run("ROLLBACK");
                return;
            }
            catch (const query_canceled&) {
                if (attempt == 2)
                    throw;
            }
        }
    }

    // libpq tracks the server's transaction state from every reply: no round trip. On a closed
    // or broken connection the transaction is over too (the server rolls it back).
    void require_open_on_server()
    {
        PGconn* handle = nullptr;
        try {
            handle = session_->usable();
        }
        catch (const connection_error&) {
            end();
            throw;
        }
        if (PQtransactionStatus(handle) == PQTRANS_IDLE) {
            end();
            throw usage_error(ended_by_hand);
        }
    }

    engine::result_handle run(const std::string& statement)
    {
        (void)session_->usable();
        engine::lease hold(*session_, "a statement");
        return engine::run_script(*session_, statement.c_str(), statement.size());
    }

    void require_innermost(const char* operation) const
    {
        if (!active_)
            throw usage_error(std::string("cannot ") + operation + " a transaction that has already ended");
        if (session_->transaction_depth < depth_)
            throw usage_error(std::string("cannot ") + operation + " a transaction that its enclosing transaction ended");
        if (session_->transaction_depth > depth_)
            throw usage_error(std::string("cannot ") + operation + " a transaction while a nested one is still open");
    }

    void end() noexcept
    {
        active_ = false;
        session_->transaction_depth = depth_ - 1;
    }

    std::shared_ptr<engine::session> session_;
    std::size_t depth_;
    bool active_ = false;
};

}  // namespace typq

#endif  // TYPQ_TRANSACTION_HPP
