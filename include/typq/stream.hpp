// SPDX-License-Identifier: BSL-1.0
// typq/stream.hpp: typq::stream<Row>, the rows of one statement read one at a time as they
// arrive, in constant memory (conn.stream<Row>(sql, args...)).

#ifndef TYPQ_STREAM_HPP
#define TYPQ_STREAM_HPP

#include <typq/reflect.hpp>
#include <typq/detail/pull_iterator.hpp>
#include <typq/server_types.hpp>
#include <typq/engine/plan.hpp>
#include <typq/engine/poll.hpp>
#include <typq/engine/query.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/stream.hpp>

#include <iterator>  // std::default_sentinel_t
#include <memory>    // std::unique_ptr, std::shared_ptr
#include <optional>  // the operation, made once the request is known
#include <utility>   // std::move

namespace typq {

class connection;

/// The rows of one statement as an input range, read from the server one at a time (libpq's
/// single-row mode) and decoded into `Row` as the iteration reaches them: memory stays constant
/// however many rows there are. Made by `conn.stream<Row>(sql, args...)`.
///
/// The statement is described and its columns checked against `Row` before it runs. Until the
/// stream is read to its end (or destroyed) the connection is busy: other calls on it throw
/// typq::usage_error. A server
/// error after some rows (a division by zero at row 100,001) is thrown from the iteration, after
/// the rows before it. Destroying the stream before its end cancels the statement and drops its
/// remaining rows; inside a transaction block the statement ran under a savepoint, which is
/// rolled back, so the transaction goes on. Outside one, a statement that had already finished
/// when it was cancelled stays done. An exception thrown by the connection's notice handler
/// (conn.on_notice) while the rows arrive is thrown from the iteration that reaches the end.
///
/// @par Example
/// ```
/// for (const user& u : conn.stream<user>("SELECT id, name FROM users WHERE id > $1", 0))
///     std::cout << u.name << '\n';
/// ```
/// @par Lifetime  `*it` is valid until the iteration moves on.
template <class Row>
class stream {
    using traits = detail::row_traits<Row>;

public:
    /// What a row is: `Row` itself, or T for `typq::by_position<T>` (as typq::result's).
    using value_type = typename traits::value_type;

    /// Reading the next row throws the statement's error, when it fails after the rows so far.
    using iterator = detail::pull_iterator<stream, value_type>;

    /// Takes over `other`'s statement; `other` is left empty.
    stream(stream&&) noexcept = default;
    stream& operator=(stream&&) = delete;
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;

    /// Cancels the statement when its rows have not all been read (see the class comment).
    ~stream()
    {
        if (!state_ || !state_->op || state_->op->finished())
            return;
        state_->op->abandon();
        try {
            engine::run(state_->session->native(), *state_->op);
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the lease, released next, drains or closes the connection
        }
    }

    /// Where the rows start: the first row is already read. Calling it again continues where
    /// the iteration is.
    [[nodiscard]] iterator begin() noexcept { return iterator(this); }
    /// The end: an iterator equals it once the statement has no more rows.
    [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }

private:
    friend class connection;
    friend iterator;

    [[nodiscard]] const value_type& current() const noexcept { return current_; }
    [[nodiscard]] bool exhausted() const noexcept { return !has_row_ || !state_; }  // a moved-from range is empty

    // What a stream holds, at a fixed address: its operation points into it.
    struct state {
        explicit state(std::shared_ptr<engine::session> s) : session(std::move(s))
        {
            hold.emplace(*session, "a typq::stream");
        }
        std::shared_ptr<engine::session> session;
        std::optional<engine::lease> hold;  // until the statement has ended
        engine::row_plan<Row> plan;
        std::optional<engine::stream_op> op;
        std::shared_ptr<const type_registry> registry;  // what the plan knew, for decoding
    };

    explicit stream(std::shared_ptr<engine::session> session)
        : state_(std::make_unique<state>(std::move(session)))
    {
    }

    // Starts `request` (whose binder is used only here) and reads the first row.
    void start(engine::statement_request request)
    {
        request.plan = state_->plan.template make_planner<format::binary>();
        state_->op.emplace(*state_->session, std::move(request));
        advance();
    }

    void advance()
    {
        has_row_ = false;
        try {
            engine::run(state_->session->native(), *state_->op);
        }
        catch (...) {
            if (state_->op->finished())  // failed after its last row: the connection is free again
                state_->hold.reset();
            throw;
        }
        if (!state_->op->row()) {
            state_->hold.reset();  // the statement has ended: the connection is free again
            state_->session->rethrow_notice_failure();
            return;
        }
        if (!state_->registry)  // what the plan knew: planning is over once a row arrives
            state_->registry = state_->session->registry;
        const server_types types(state_->registry.get());
        current_ = engine::decode_row<Row>(state_->op->row(), 0, state_->plan.plan, &types);
        has_row_ = true;
    }

    std::unique_ptr<state> state_;
    value_type current_{};
    bool has_row_ = false;
};

}  // namespace typq

#endif  // TYPQ_STREAM_HPP
