// SPDX-License-Identifier: BSL-1.0
// typq/asio/stream.hpp: typq::async_stream<Row>, a statement's rows read one at a time as they
// arrive, awaited: `while (const user* u = co_await rows.next()) ...`. The engine's stream_op (the
// one typq::stream steps with poll()), stepped by the asynchronous driver; constant memory.

#ifndef TYPQ_ASIO_STREAM_HPP
#define TYPQ_ASIO_STREAM_HPP

#include <typq/reflect.hpp>
#include <typq/server_types.hpp>
#include <typq/asio/driver.hpp>
#include <typq/asio/state.hpp>
#include <typq/engine/plan.hpp>
#include <typq/engine/query.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/stream.hpp>

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
