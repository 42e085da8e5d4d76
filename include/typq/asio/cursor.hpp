// SPDX-License-Identifier: BSL-1.0
// typq/asio/cursor.hpp: typq::async_cursor<Row>, a named server-side cursor (DECLARE ... CURSOR) on
// a typq::async_connection: typq::cursor's statements and row decoding (detail::cursor_rows and
// the statement helpers of typq/cursor.hpp), each run by the asynchronous driver.

#ifndef TYPQ_ASIO_CURSOR_HPP
#define TYPQ_ASIO_CURSOR_HPP

#include <typq/cursor.hpp>
#include <typq/error.hpp>
#include <typq/result.hpp>
#include <typq/asio/state.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/statement.hpp>

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
