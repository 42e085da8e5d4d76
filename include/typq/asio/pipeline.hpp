// SPDX-License-Identifier: BSL-1.0
// typq/asio/pipeline.hpp: typq::async_pipeline, libpq's pipeline mode on a typq::async_connection,
// and typq::async_pending<T>, one queued statement's outcome, awaited. The engine's pipeline_op
// (the one typq::pipeline steps with poll()) and typq::pipeline's pending states, stepped by the
// asynchronous driver: binding, routing, lookups and planning are theirs, not this file's.

#ifndef TYPQ_ASIO_PIPELINE_HPP
#define TYPQ_ASIO_PIPELINE_HPP

#include <typq/error.hpp>
#include <typq/pipeline.hpp>
#include <typq/reflect.hpp>
#include <typq/result.hpp>
#include <typq/sql.hpp>
#include <typq/asio/driver.hpp>
#include <typq/asio/state.hpp>
#include <typq/engine/front.hpp>
#include <typq/engine/pipeline.hpp>
#include <typq/engine/session.hpp>

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
