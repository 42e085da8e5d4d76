// SPDX-License-Identifier: BSL-1.0
// typq/asio/transaction.hpp: typq::async_transaction, a transaction on an async_connection, with
// typq::transaction's rules (nested ones are savepoints; only the innermost ends; COMMIT of a
// failed transaction reports that nothing was committed). Destructors cannot wait, so one that is
// let go while still open (its coroutine ended by an exception, or destroyed) is rolled back by the
// connection's next operation, before anything else runs: nothing of it ever leaks into what
// runs next. async_connection::transaction(body) rolls back before it returns instead.

#ifndef TYPQ_ASIO_TRANSACTION_HPP
#define TYPQ_ASIO_TRANSACTION_HPP

#include <typq/error.hpp>
#include <typq/transaction.hpp>
#include <typq/asio/state.hpp>
#include <typq/engine/session.hpp>

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
