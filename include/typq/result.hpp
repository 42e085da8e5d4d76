// SPDX-License-Identifier: BSL-1.0
// typq/result.hpp: typed results. A result<Row> owns one PGresult and is a random-access range
// of Row values; the column plan (which column feeds which field, and whether its type fits) is
// made once per result, or once per prepared statement, so that decoding a row is straight-line
// code with no lookups. Also the rules on how many rows a statement must return.

#ifndef TYPQ_RESULT_HPP
#define TYPQ_RESULT_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/reflect.hpp>
#include <typq/type.hpp>
#include <typq/engine/plan.hpp>
#include <typq/engine/pq_handle.hpp>
#include <typq/detail/type_name.hpp>

#include <libpq-fe.h>

#include <compare>      // iterator ordering
#include <cstddef>      // std::size_t, std::ptrdiff_t
#include <cstdint>      // std::uint64_t
#include <iterator>     // iterator tags
#include <memory>       // std::shared_ptr: the type registry a result keeps
#include <optional>     // optional_row
#include <string>       // messages
#include <utility>      // std::move
#include <vector>       // to_vector()

namespace typq {

/// Asks for a statement's results in text format: `conn.query<Row>(typq::text_results, sql, args...)`.
/// For types with no binary form (extension types such as contrib's `cube`): every column,
/// whatever its type, is read as the text the server prints for it, so `Row`'s fields must be
/// strings (`std::string`, `std::string_view`, or `std::optional` of one). Parameters are sent as
/// usual. The other forms of execute/query read binary results, and a column of a type without
/// binary output makes the server refuse the statement (`typq::undefined_function`).
struct text_results_t {
    /// Explicit, so that `{}` is never taken for the tag.
    explicit text_results_t() = default;
};
/// The tag that asks for results in text format (see typq::text_results_t).
inline constexpr text_results_t text_results{};

namespace detail {

/// The row count of the command's tag (INSERT, UPDATE, DELETE, SELECT, MERGE, COPY, ...), else 0.
inline std::uint64_t affected_rows(const PGresult* result)
{
    std::uint64_t count = 0;
    for (const char* digit = PQcmdTuples(const_cast<PGresult*>(result)); *digit >= '0' && *digit <= '9'; ++digit)
        count = count * 10 + static_cast<std::uint64_t>(*digit - '0');
    return count;
}

/// Throws no_rows or too_many_rows: `function` ("query_one") expected `wanted` ("exactly one
/// row"), and the statement returned `rows`.
[[noreturn]] TYPQ_DECL void throw_row_count(const char* function, const char* wanted, int rows);

#if TYPQ_DEFINITIONS
[[noreturn]] TYPQ_DECL void throw_row_count(const char* function, const char* wanted, int rows)
{
    const std::string message = std::string(function) + " expected " + wanted + ", the statement returned "
        + std::to_string(rows);
    if (rows == 0)
        throw no_rows(message);
    throw too_many_rows(message);
}
#endif  // TYPQ_DEFINITIONS

/// The only row of `rows`, decoded by `plan`.
/// @throws typq::no_rows, typq::too_many_rows naming `function` unless there is exactly one.
template <class Row>
typename row_traits<Row>::value_type one_row(const PGresult* rows, const engine::column_plan<Row>& plan,
    const server_types& types, const char* function)
{
    if (const int count = PQntuples(rows); count != 1)
        throw_row_count(function, "exactly one row", count);
    return engine::decode_row<Row>(rows, 0, plan, &types);
}

/// The row of `rows`, or std::nullopt when there is none.
/// @throws typq::too_many_rows when there are more.
template <class Row>
std::optional<typename row_traits<Row>::value_type> optional_row(const PGresult* rows,
    const engine::column_plan<Row>& plan, const server_types& types)
{
    const int count = PQntuples(rows);
    if (count == 0)
        return std::nullopt;
    if (count != 1)
        throw_row_count("query_opt", "at most one row", count);
    return engine::decode_row<Row>(rows, 0, plan, &types);
}

}  // namespace detail

/// The rows of one statement, each decoded into `Row`'s value type on access: a struct mapped by
/// field name, `typq::by_position<T>`, a `std::tuple` (by position), one scalar column, or a
/// typq::row. Iterable any number of times. Moving it keeps borrowed views valid but not
/// iterators; destroying it ends both.
///
/// A result holds the rows as the server sent them and decodes a row each time it is read, so
/// that a million rows are not held twice; `*it` and `r[i]` therefore return a new value, not a
/// reference into the result. Write `for (const user& u : conn.query<user>(...))` (or
/// `const auto&`, `auto&&`, `auto`): `for (auto& u : ...)` does not compile, because a
/// non-const reference cannot bind to that value. `std::vector<user> v(r.begin(), r.end())`
/// allocates once: the iterator's category is random access (as `std::vector<bool>`'s is,
/// with a value for a reference), so the vector takes the size first; `to_vector()` says the
/// same thing in one call.
/// @par Lifetime  Rows are decoded on each access and own their data, except borrowed fields
///      (`std::string_view`, `std::span<const std::byte>`), which point into this result.
template <class Row>
class result {
    using traits = detail::row_traits<Row>;

public:
    /// What a row decodes into: `Row` itself, or T for `typq::by_position<T>` and
    /// `typq::ignoring_extra<T>`.
    using value_type = typename traits::value_type;
    /// std::size_t.
    using size_type = std::size_t;

    /// A random-access iterator over the rows whose `*it` decodes the row and returns it by value
    /// (see typq::result). Valid while the result lives and is not moved.
    /// @throws typq::conversion_error from `*it` and `it[n]` when a value cannot be decoded.
    class iterator {
    public:
        /// @{
        /// The iterator's types, as the standard's iterator concepts ask for them.
        using iterator_concept = std::random_access_iterator_tag;
        // Random access although operator* returns a value, as std::vector<bool>'s iterator does:
        // so that algorithms and containers that take an iterator pair (std::vector's
        // constructor) measure the distance and allocate once. Algorithms that assign through
        // `*it` (std::sort) do not compile, as for any read-only range.
        using iterator_category = std::random_access_iterator_tag;
        using value_type = typename traits::value_type;
        using difference_type = std::ptrdiff_t;
        using reference = value_type;
        using pointer = void;
        /// @}

        /// A singular iterator, to assign to.
        iterator() = default;
        /// The row decoded (a new value each time).
        [[nodiscard]] value_type operator*() const { return owner_->row(row_); }
        /// The row `n` rows on, decoded.
        [[nodiscard]] value_type operator[](difference_type n) const { return owner_->row(row_ + static_cast<int>(n)); }
        /// @{
        /// Moves by rows, compares and measures positions, as a random-access iterator does.
        iterator& operator++() noexcept { ++row_; return *this; }
        iterator operator++(int) noexcept { auto old = *this; ++row_; return old; }
        iterator& operator--() noexcept { --row_; return *this; }
        iterator operator--(int) noexcept { auto old = *this; --row_; return old; }
        iterator& operator+=(difference_type n) noexcept { row_ += static_cast<int>(n); return *this; }
        iterator& operator-=(difference_type n) noexcept { row_ -= static_cast<int>(n); return *this; }
        [[nodiscard]] friend iterator operator+(iterator it, difference_type n) noexcept { return it += n; }
        [[nodiscard]] friend iterator operator+(difference_type n, iterator it) noexcept { return it += n; }
        [[nodiscard]] friend iterator operator-(iterator it, difference_type n) noexcept { return it -= n; }
        [[nodiscard]] friend difference_type operator-(const iterator& a, const iterator& b) noexcept { return a.row_ - b.row_; }
        [[nodiscard]] friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.row_ == b.row_; }
        [[nodiscard]] friend auto operator<=>(const iterator& a, const iterator& b) noexcept { return a.row_ <=> b.row_; }
        /// @}

    private:
        friend class result;
        iterator(const result* owner, int row) noexcept : owner_(owner), row_(row) {}
        const result* owner_ = nullptr;
        int row_ = 0;
    };

    /// typq's own (a result comes from a connection's `query`): takes a successful result and
    /// checks its columns against `Row` once (with
    /// `format::text`, a result in text format: see typq::text_results).
    /// @throws typq::conversion_error when the columns do not fit `Row`.
    explicit result(engine::result_handle handle, format results = format::binary)
        : handle_(std::move(handle)), plan_(engine::plan_columns<Row>(handle_.get(), {results, false})),
          rows_(PQntuples(handle_.get()))
    {
    }

    /// typq's own: takes a successful result and the plan already made for it (from it, or from
    /// its prepared statement's description, which `keep` keeps alive: the plan's column names
    /// point into it); `registry` is what the connection knew of server types when the plan was
    /// made, for decoding the rows.
    result(engine::result_handle handle, const engine::column_plan<Row>& plan, std::shared_ptr<const type_registry> registry,
        std::shared_ptr<const void> keep = {}) noexcept
        : handle_(std::move(handle)), plan_(plan), rows_(PQntuples(handle_.get())), registry_(std::move(registry)),
          keep_(std::move(keep))
    {
    }

    /// The number of rows.
    [[nodiscard]] size_type size() const noexcept { return static_cast<size_type>(rows_); }
    /// True when there are no rows.
    [[nodiscard]] bool empty() const noexcept { return rows_ == 0; }
    /// The first row.
    [[nodiscard]] iterator begin() const noexcept { return {this, 0}; }
    /// Past the last row.
    [[nodiscard]] iterator end() const noexcept { return {this, rows_}; }

    /// Row `index`, decoded. @throws typq::usage_error when `index >= size()`.
    [[nodiscard]] value_type operator[](size_type index) const
    {
        if (index >= size())
            throw usage_error("row " + std::to_string(index) + " of a result with " + std::to_string(rows_) + " rows");
        return row(static_cast<int>(index));
    }

    /// Every row, decoded, in one vector allocated once.
    [[nodiscard]] std::vector<value_type> to_vector() const
    {
        std::vector<value_type> rows;
        rows.reserve(size());
        for (int i = 0; i < rows_; ++i)
            rows.push_back(row(i));
        return rows;
    }

    /// The count in the command tag: rows returned, or rows changed by INSERT/UPDATE/DELETE ... RETURNING.
    [[nodiscard]] std::uint64_t affected_rows() const noexcept { return detail::affected_rows(handle_.get()); }

    /// The libpq result, for what typq does not wrap. Owned by this object.
    [[nodiscard]] const PGresult* native_handle() const noexcept { return handle_.get(); }

private:
    value_type row(int index) const
    {
        // One call site, so that the row decoder inlines into the caller's loop.
        const server_types types(registry_.get());
        return engine::decode_row<Row>(handle_.get(), index, plan_, &types);
    }

    engine::result_handle handle_;
    engine::column_plan<Row> plan_;
    int rows_;
    std::shared_ptr<const type_registry> registry_;  // null until the connection looked a type up
    std::shared_ptr<const void> keep_;               // what plan_'s column names point into, if not handle_
};

}  // namespace typq

#endif  // TYPQ_RESULT_HPP
