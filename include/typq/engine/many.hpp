// SPDX-License-Identifier: BSL-1.0
// typq/engine/many.hpp: execute_many as one operation: a statement prepared once and run for each
// row of a range, every run queued in one pipeline with one sync point at the end. Both
// connections run it, each with its own driver.

#ifndef TYPQ_ENGINE_MANY_HPP
#define TYPQ_ENGINE_MANY_HPP

#include <typq/error.hpp>
#include <typq/reflect.hpp>
#include <typq/sql.hpp>
#include <typq/engine/io.hpp>
#include <typq/engine/pipeline.hpp>
#include <typq/engine/query.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/statement.hpp>

#include <cstdint>      // std::uint64_t
#include <exception>    // the unencodable row's error
#include <iterator>     // std::begin, std::end
#include <memory>       // std::shared_ptr
#include <optional>     // the row being queued and its binding
#include <tuple>        // tuple rows
#include <type_traits>  // std::remove_cvref_t
#include <utility>      // std::move

namespace typq::detail {

// The statement execute_many takes for rows of type Row: bound by :name from a struct's fields,
// or by $N from a tuple's elements.
template <class Row>
struct statement_for_rows {
    using type = basic_sql<Row>;
};
template <class... T>
struct statement_for_rows<std::tuple<T...>> {
    using type = basic_sql<std::remove_cvref_t<T>...>;
};
template <class Rows>
using statement_for_rows_t =
    typename statement_for_rows<std::remove_cvref_t<decltype(*std::begin(std::declval<const Rows&>()))>>::type;

// execute_many's outcome: the rows every statement affected, and the first error.
class many_count final : public engine::pending_state {
public:
    void complete(engine::result_handle&& result, const std::shared_ptr<const type_registry>&,
        const std::shared_ptr<const void>&) override
    {
        total += affected_rows(result.get());
    }
    std::uint64_t total = 0;
};

}  // namespace typq::detail

namespace typq::engine {

/// One attempt of execute_many: step() to its end, then total(). The caller holds the lease.
template <class Rows>
class many_op {
    using statement_type = detail::statement_for_rows_t<Rows>;
    using iterator = decltype(std::begin(std::declval<const Rows&>()));
    using reference = decltype(*std::declval<iterator&>());

    // The row being queued, kept while its binding (which refers to it) may be used: a range that
    // makes its rows as it goes yields values, not references.
    struct current {
        explicit current(reference r) : row(static_cast<reference>(r)) {}
        reference row;
    };

    static auto bind_row(const statement_type& statement, const std::remove_cvref_t<reference>& row)
    {
        if constexpr (detail::is_tuple<std::remove_cvref_t<reference>>)
            return std::apply([&](const auto&... values) { return bind_arguments(statement, values...); }, row);
        else
            return bind_arguments(statement, row);
    }
    using binding = decltype(bind_row(std::declval<const statement_type&>(),
        std::declval<const std::remove_cvref_t<reference>&>()));

public:
    many_op(session& s, const statement_type& statement, const Rows& rows)
        : statement_(statement), pipeline_(s), session_(s), next_(std::begin(rows)), end_(std::end(rows))
    {
        // The statement's text (a named one rewritten) once; each row only binds its values.
        request_ = make_request(s, statement, {}, format::binary);
        request_.prepare_now = true;
    }

    io step(io ready)
    {
        for (;;) {
            if (running_) {
                try {
                    if (const io wanted = pipeline_.step(ready); wanted != io::none)
                        return wanted;
                }
                catch (const conversion_error&) {
                    if (stage_ != stage::rows)
                        throw;
                    // The row is encoded as it is queued (after the types it needs are looked up).
                    unencodable_ = std::current_exception();
                    stage_ = stage::abandon;
                }
                ready = io::none;
                running_ = false;
                bound_.reset();
                row_.reset();
            }
            switch (stage_) {
            case stage::rows:
                if (next_ == end_) {
                    stage_ = stage::finish;
                    continue;
                }
                row_.emplace(*next_);
                bound_.emplace(bind_row(statement_, row_->row));
                request_.bind = make_binder(*bound_);
                pipeline_.queue(request_, counted_);
                ++next_;
                request_.same_as_last = true;
                running_ = true;
                continue;
            case stage::abandon: {
                // What is already queued must not land: a statement that fails makes the server
                // skip the rest and roll the implicit transaction back (or abort the block).
                static constexpr char failing_text[] = "SELECT 'typq: execute_many abandoned: a row could not be encoded'::int4";
                statement_request failing;
                failing.text = failing_text;
                failing.size = sizeof failing_text - 1;
                failing.never_prepare = true;
                pipeline_.queue(std::move(failing), std::make_shared<detail::many_count>());
                stage_ = stage::finish;
                running_ = true;
                continue;
            }
            case stage::finish:
                pipeline_.finish();
                stage_ = stage::done;
                running_ = true;
                continue;
            case stage::done:
                return io::none;
            }
        }
    }

    /// The rows every run affected, once step() has finished.
    /// @throws the first run's error, the unencodable row's typq::conversion_error, or what a
    ///         notice handler threw.
    std::uint64_t total()
    {
        if (unencodable_)
            std::rethrow_exception(unencodable_);
        if (counted_->error())
            std::rethrow_exception(counted_->error());
        session_.rethrow_notice_failure();
        return counted_->total;
    }

private:
    enum class stage : unsigned char { rows, abandon, finish, done };

    const statement_type& statement_;
    pipeline_op pipeline_;
    session& session_;
    iterator next_;
    iterator end_;
    statement_request request_;
    std::shared_ptr<detail::many_count> counted_ = std::make_shared<detail::many_count>();
    std::optional<current> row_;
    std::optional<binding> bound_;
    std::exception_ptr unencodable_;
    stage stage_ = stage::rows;
    bool running_ = false;
};

/// Whether execute_many's failure `e` says its prepared statement was stale after DDL, so that
/// (outside a transaction block, where nothing of the attempt landed) it is run once more.
inline bool stale_statement(const server_error& e)
{
    return e.sqlstate() == "26000" || (e.sqlstate() == "0A000" && e.diag().source_function == "RevalidateCachedQuery");
}

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_MANY_HPP
