// SPDX-License-Identifier: BSL-1.0
// typq/asio/state.hpp: what an async_connection is (its session and the waiter on its socket, at an
// address that does not move with the connection object), how it runs one statement with the
// asynchronous driver, and what every operation does first: settle what an earlier one left.

#ifndef TYPQ_ASIO_STATE_HPP
#define TYPQ_ASIO_STATE_HPP

#include <typq/error.hpp>
#include <typq/transaction.hpp>
#include <typq/asio/driver.hpp>
#include <typq/engine/front.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/statement.hpp>
#include <typq/engine/sync.hpp>

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
