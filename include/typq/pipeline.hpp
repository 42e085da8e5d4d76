// SPDX-License-Identifier: BSL-1.0
// typq/pipeline.hpp: typq::pipeline, statements sent without waiting for each other's results
// (libpq's pipeline mode), and typq::pending<T>, the handle on one statement's outcome.

#ifndef TYPQ_PIPELINE_HPP
#define TYPQ_PIPELINE_HPP

#include <typq/connection.hpp>
#include <typq/error.hpp>
#include <typq/reflect.hpp>
#include <typq/result.hpp>
#include <typq/sql.hpp>
#include <typq/engine/pipeline.hpp>
#include <typq/engine/poll.hpp>
#include <typq/engine/query.hpp>
#include <typq/engine/session.hpp>

#include <cstdint>    // std::uint64_t
#include <exception>  // std::rethrow_exception
#include <memory>     // std::shared_ptr
#include <optional>   // the value of a pending
#include <utility>    // std::move

namespace typq {

class pipeline;

namespace detail {

// What pending handles know of their pipeline: null once it has ended.
struct pipeline_token {
    pipeline* owner = nullptr;
};

template <class T>
class pending_value : public engine::pending_state {
public:
    std::optional<T> value;

protected:
    void set(T made)
    {
        value.emplace(std::move(made));
        finish();
    }
};

// execute(): the rows affected.
class pending_count final : public pending_value<std::uint64_t> {
public:
    void complete(engine::result_handle&& result, const std::shared_ptr<const type_registry>&,
        const std::shared_ptr<const void>&) override
    {
        set(affected_rows(result.get()));
    }
};

enum class pending_form : unsigned char { rows, one, optional, value };

template <class Row, pending_form Form>
using pending_form_t = std::conditional_t<Form == pending_form::rows, result<Row>,
    std::conditional_t<Form == pending_form::optional, std::optional<typename row_traits<Row>::value_type>,
        typename row_traits<Row>::value_type>>;

// query<Row>(), query_one, query_opt, query_value: the rows, planned for Row.
template <class Row, pending_form Form>
class pending_rows final : public pending_value<pending_form_t<Row, Form>> {
public:
    pending_rows() { this->plan = storage_.template make_planner<format::binary>(); }

    void complete(engine::result_handle&& result, const std::shared_ptr<const type_registry>& registry,
        const std::shared_ptr<const void>& keeper) override
    {
        if constexpr (Form == pending_form::rows)
            this->set(typq::result<Row>(std::move(result), storage_.plan, registry, keeper));
        else {
            const server_types types(registry.get());
            if constexpr (Form == pending_form::optional)
                this->set(detail::optional_row<Row>(result.get(), storage_.plan, types));
            else
                this->set(detail::one_row<Row>(result.get(), storage_.plan, types,
                    Form == pending_form::one ? "query_one" : "query_value"));
        }
    }

private:
    engine::row_plan<Row> storage_;
};

/// What pending::get() (and async_pending::get()) returns once the outcome is in: the value
/// (moved out: once), or the statement's error. `open` is the session while the pipeline is open:
/// an exception its notice handler threw comes next.
template <class T>
T take_pending(pending_value<T>& state, engine::session* open)
{
    if (state.error())
        std::rethrow_exception(state.error());
    if (open)
        open->rethrow_notice_failure();
    if (!state.value)
        throw usage_error("pending::get() returns the value once, and it was already taken");
    T value = std::move(*state.value);
    state.value.reset();
    return value;
}

}  // namespace detail

/// The outcome of one statement queued in a typq::pipeline: its value or its error, delivered
/// by get() once the result has arrived (get() waits for it: it asks the server for what it has
/// so far, without a sync point).
template <class T>
class pending {
public:
    /// The statement's value (moved out: once).
    /// @throws the statement's error: a typq::server_error, typq::pipeline_aborted when an earlier
    ///         statement before the same sync point failed, typq::conversion_error when the rows
    ///         do not fit; typq::usage_error when get() already returned the value. Else what
    ///         the connection's notice handler threw while results were read (the statements
    ///         read so far have ended; this one's value stays, for the next get()).
    [[nodiscard]] T get();

    /// True once the outcome has arrived (get() then does not wait).
    [[nodiscard]] bool ready() const noexcept { return state_->finished(); }

private:
    friend class pipeline;
    pending(std::shared_ptr<detail::pending_value<T>> state, std::shared_ptr<detail::pipeline_token> token)
        : state_(std::move(state)), token_(std::move(token))
    {
    }

    std::shared_ptr<detail::pending_value<T>> state_;
    std::shared_ptr<detail::pipeline_token> token_;
};

/// libpq's pipeline mode on `conn` for this object's life: statements are queued without
/// waiting for each other (libpq coalesces them into few socket writes; results are read while
/// more are sent, so a long pipeline cannot deadlock), each returning a typq::pending handle.
///
/// sync() marks a sync point: the statements since the previous one form one implicit
/// transaction when no transaction block is open, and when one fails the server skips the rest
/// of them (their handles throw typq::pipeline_aborted); the pipeline and the connection go on
/// after the sync point. Leaving the scope, by an exception too, adds a sync point, reads every
/// result (errors of statements whose handles were dropped are not reported) and leaves
/// pipeline mode. While the pipeline is open, the connection's own execute/query refuse to run.
/// An exception thrown by the connection's notice handler is thrown by the next pending::get();
/// when none comes, the pipeline's end drops it (a destructor does not throw).
///
/// @par Example
/// ```
/// typq::pipeline p{conn};
/// typq::pending<user> a = p.query_one<user>("SELECT id, name FROM users WHERE id = $1", 1);
/// typq::pending<std::uint64_t> n = p.execute("UPDATE users SET seen = now() WHERE id = $1", 2);
/// p.sync();
/// user got = a.get();
/// ```
class pipeline {
public:
    /// Enters pipeline mode. @throws typq::usage_error when something else holds the connection.
    explicit pipeline(connection& conn)
        : session_(conn.usable_shared_session()), hold_(*session_, "a typq::pipeline"), op_(*session_),
          token_(std::make_shared<detail::pipeline_token>(detail::pipeline_token{this}))
    {
    }
    pipeline(const pipeline&) = delete;
    pipeline& operator=(const pipeline&) = delete;

    /// Syncs, reads every result, leaves pipeline mode. Never throws.
    ~pipeline()
    {
        token_->owner = nullptr;
        try {
            op_.finish();
            engine::run(session_->native(), op_);
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the lease, released next, drains or closes the connection
        }
    }

    /// Queues `statement`; its handle gives the number of rows it affected.
    template <class... Args>
    [[nodiscard]] pending<std::uint64_t> execute(sql<Args...> statement, Args&&... args)
    {
        return queue(std::make_shared<detail::pending_count>(), statement, args...);
    }

    /// Queues `statement`; its handle gives its rows as a typq::result<Row>.
    template <class Row, class... Args>
    [[nodiscard]] pending<result<Row>> query(row_sql<Row, Args...> statement, Args&&... args)
    {
        return queue(std::make_shared<detail::pending_rows<Row, detail::pending_form::rows>>(), statement.sql(), args...);
    }

    /// Queues `statement`; its handle gives its only row (typq::no_rows, typq::too_many_rows).
    template <class Row, class... Args>
    [[nodiscard]] pending<typename detail::row_traits<Row>::value_type> query_one(row_sql<Row, Args...> statement, Args&&... args)
    {
        return queue(std::make_shared<detail::pending_rows<Row, detail::pending_form::one>>(), statement.sql(), args...);
    }

    /// Queues `statement`; its handle gives its row or std::nullopt (typq::too_many_rows).
    template <class Row, class... Args>
    [[nodiscard]] pending<std::optional<typename detail::row_traits<Row>::value_type>> query_opt(row_sql<Row, Args...> statement,
        Args&&... args)
    {
        return queue(std::make_shared<detail::pending_rows<Row, detail::pending_form::optional>>(), statement.sql(), args...);
    }

    /// Queues `statement`; its handle gives the value of its only column of its only row.
    template <class T, class... Args>
    [[nodiscard]] pending<T> query_value(row_sql<T, Args...> statement, Args&&... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column; use query_one<T> for a row");
        return queue(std::make_shared<detail::pending_rows<T, detail::pending_form::value>>(), statement.sql(), args...);
    }

    /// Marks a sync point (see the class comment) and sends what is queued.
    void sync() { op_.sync(); }

private:
    template <class T>
    friend class pending;

    template <class State, class... Args>
    auto queue(std::shared_ptr<State> state, const basic_sql<std::remove_cvref_t<Args>...>& statement, const Args&... args)
    {
        using value_type = typename decltype(state->value)::value_type;
        const auto bind = engine::bind_arguments(statement, args...);
        op_.queue(engine::make_request(*session_, statement, engine::make_binder(bind), format::binary), state);
        engine::run(session_->native(), op_);
        return pending<value_type>(std::move(state), token_);
    }

    void wait(const engine::pending_state& state)
    {
        op_.wait_for(state);
        engine::run(session_->native(), op_);
    }

    std::shared_ptr<engine::session> session_;
    engine::lease hold_;
    engine::pipeline_op op_;
    std::shared_ptr<detail::pipeline_token> token_;
};

template <class T>
T pending<T>::get()
{
    if (!state_->finished()) {
        if (!token_->owner)
            throw usage_error("the pipeline ended before this statement's result arrived");
        token_->owner->wait(*state_);
    }
    return detail::take_pending(*state_, token_->owner ? token_->owner->session_.get() : nullptr);
}

}  // namespace typq

#endif  // TYPQ_PIPELINE_HPP
