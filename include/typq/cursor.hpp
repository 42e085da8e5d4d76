// SPDX-License-Identifier: BSL-1.0
// typq/cursor.hpp: typq::cursor<Row>, a named server-side cursor (DECLARE ... CURSOR): the server
// keeps the statement's rows, and the program fetches them in batches, scrolls and moves.

#ifndef TYPQ_CURSOR_HPP
#define TYPQ_CURSOR_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/reflect.hpp>
#include <typq/detail/pull_iterator.hpp>
#include <typq/result.hpp>
#include <typq/server_types.hpp>
#include <typq/engine/plan.hpp>
#include <typq/engine/query.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/sync.hpp>

#include <libpq-fe.h>

#include <cstddef>      // std::size_t, std::ptrdiff_t
#include <cstdint>      // std::int64_t
#include <iterator>     // std::default_sentinel_t
#include <memory>       // std::shared_ptr
#include <optional>     // fetch_one
#include <string>       // the cursor's name and statements
#include <utility>      // std::move
#include <vector>       // fetched rows

namespace typq {

class connection;

/// How a cursor is declared (psycopg's ServerCursor arguments).
struct cursor_options {
    /// SCROLL (true: it can move backwards), NO SCROLL (false), or the server's default (unset:
    /// backwards only when the plan allows it cheaply).
    std::optional<bool> scrollable = std::nullopt;
    /// WITH HOLD: the cursor outlives the transaction that declared it (the server then keeps its
    /// rows) and is usable outside a transaction block; without it, it needs an open one.
    bool with_hold = false;
    /// How many rows iterating the cursor fetches at a time.
    std::size_t itersize = 100;
};

/// Where scroll() counts from: the current position, or the start (row 1 is the first row).
enum class scroll_mode { relative, absolute };

namespace detail {
// What typq::cursor and typq::async_cursor share: the statements they send, and how a fetched
// result becomes rows. They differ only in how a statement runs.

// DECLARE `name` ... CURSOR ... FOR the statement of `request` (whose text it replaces; keep the
// returned string while the request runs).
// @throws typq::usage_error without with_hold outside a transaction block.
inline std::string declare_cursor(PGconn* conn, const std::string& name, const cursor_options& options,
    engine::statement_request& request)
{
    if (!options.with_hold && PQtransactionStatus(conn) != PQTRANS_INTRANS)
        throw usage_error("a cursor without with_hold lives in a transaction block: open a typq::transaction "
                          "first, or declare it with {.with_hold = true}");
    std::string text = "DECLARE " + name;
    if (options.scrollable)
        text += *options.scrollable ? " SCROLL" : " NO SCROLL";
    text += " CURSOR";
    if (options.with_hold)
        text += " WITH HOLD";
    text += " FOR ";
    text.append(request.text, request.size);
    request.text = text.c_str();
    request.size = text.size();
    request.never_prepare = true;
    return text;
}

inline std::string fetch_forward(const std::string& name, std::size_t count)
{
    return "FETCH FORWARD " + std::to_string(count) + " FROM " + name;
}
inline std::string fetch_next(const std::string& name) { return "FETCH NEXT FROM " + name; }
inline std::string fetch_all(const std::string& name) { return "FETCH ALL FROM " + name; }
inline std::string scroll_cursor(const std::string& name, std::int64_t value, scroll_mode mode)
{
    return "MOVE " + std::string(mode == scroll_mode::relative ? "RELATIVE " : "ABSOLUTE ") + std::to_string(value)
        + " FROM " + name;
}
inline std::string move_cursor(const std::string& name, std::int64_t count)
{
    return (count < 0 ? "MOVE BACKWARD " + std::to_string(-count) : "MOVE FORWARD " + std::to_string(count)) + " FROM "
        + name;
}

// Closing: inside a transaction block the cursor may be gone with an earlier transaction, so its
// CLOSE must not be able to abort this one (a savepoint around it, rolled back when it fails).
inline std::string close_in_transaction(const std::string& name)
{
    return "SAVEPOINT typq_cursor; CLOSE " + name + "; RELEASE SAVEPOINT typq_cursor";
}
inline constexpr char close_failed[] = "ROLLBACK TO SAVEPOINT typq_cursor; RELEASE SAVEPOINT typq_cursor";

// The rows of a cursor's fetches: planned by the first one (checked against Row), whose result
// the plan's column names point into, and decoded by that plan afterwards.
template <class Row>
class cursor_rows {
public:
    using value_type = typename row_traits<Row>::value_type;

    // The request for a FETCH (keep `statement` while it runs).
    engine::statement_request request(const std::string& statement)
    {
        engine::statement_request r;
        r.text = statement.c_str();
        r.size = statement.size();
        r.never_prepare = true;
        if (!planned_)
            r.plan = plan_.template make_planner<format::binary>();
        return r;
    }

    // The rows of a FETCH that ran (`s`: its session, for the types the plan knew).
    std::vector<value_type> take(engine::ran&& done, const engine::session& s)
    {
        const PGresult* rows = done.result.get();
        if (!planned_) {
            // The plan's column names point into the first fetch's result: keep it.
            description_ = std::shared_ptr<const PGresult>(done.result.release(), [](const PGresult* r) {
                PQclear(const_cast<PGresult*>(r));
            });
            registry_ = s.registry;
            planned_ = true;
        }
        const server_types types(registry_.get());
        std::vector<value_type> out;
        out.reserve(static_cast<std::size_t>(PQntuples(rows)));
        for (int row = 0; row < PQntuples(rows); ++row)
            out.push_back(engine::decode_row<Row>(rows, row, plan_.plan, &types));
        return out;
    }

private:
    engine::row_plan<Row> plan_;
    std::shared_ptr<const PGresult> description_;  // the first fetch's result, which plan_ names point into
    std::shared_ptr<const type_registry> registry_;
    bool planned_ = false;
};
}  // namespace detail

/// A named cursor on the server, made by `conn.cursor<Row>(sql, args...)`: the statement runs on
/// the server, which keeps its rows; fetch() reads them in batches, and the connection is free
/// for other statements in between. The first fetch checks the columns against `Row`; later
/// ones are decoded by the same plan. Iterating it fetches `itersize` rows at a time.
///
/// Without `with_hold` the cursor lives in the transaction that declared it (and cannot be
/// declared outside one); with it, until it is closed. close() and the destructor close it on
/// the server (never touching a later transaction if it is already gone).
///
/// @par Example
/// ```
/// typq::transaction tx{conn};
/// auto cur = conn.cursor<user>("SELECT id, name FROM users WHERE id > $1", 0);
/// std::vector<user> first = cur.fetch(100);
/// for (const user& u : cur) ...   // the rest, 100 at a time
/// ```
template <class Row>
class cursor {
    using traits = detail::row_traits<Row>;

public:
    /// What a row is: `Row` itself, or T for `typq::by_position<T>` (as typq::result's).
    using value_type = typename traits::value_type;

    /// An input iterator over the rows left; moving it on fetches `itersize` rows at a time and
    /// throws what fetch() throws.
    using iterator = detail::pull_iterator<cursor, value_type>;

    /// Takes over `other`'s cursor; `other` may then only be destroyed.
    cursor(cursor&& other) noexcept = default;
    cursor& operator=(cursor&&) = delete;
    cursor(const cursor&) = delete;
    cursor& operator=(const cursor&) = delete;
    /// Closes the cursor on the server, as close() does.
    ~cursor() { close(); }

    /// The cursor's name on the server.
    [[nodiscard]] const std::string& name() const noexcept { return name_; }

    /// The next `count` rows (fewer at the end; none after it).
    /// @throws typq::conversion_error on the first fetch when the columns do not fit `Row`.
    [[nodiscard]] std::vector<value_type> fetch(std::size_t count)
    {
        if (count == 0)  // FETCH FORWARD 0 would fetch the current row again
            return {};
        return fetch_rows(detail::fetch_forward(name_, count));
    }

    /// The next row, or std::nullopt at the end.
    [[nodiscard]] std::optional<value_type> fetch_one()
    {
        std::vector<value_type> rows = fetch_rows(detail::fetch_next(name_));
        if (rows.empty())
            return std::nullopt;
        return std::move(rows.front());
    }

    /// Every row left.
    [[nodiscard]] std::vector<value_type> fetch_all() { return fetch_rows(detail::fetch_all(name_)); }

    /// Moves the position without reading rows: by `value` rows (negative: backwards, which
    /// needs `scrollable`), or to row `value` (0: before the first row; negative: from the end).
    void scroll(std::int64_t value, scroll_mode mode = scroll_mode::relative)
    {
        (void)move_rows(detail::scroll_cursor(name_, value, mode));
    }

    /// Skips `count` rows forward (negative: backward) and returns how many there were.
    std::uint64_t move(std::int64_t count)
    {
        if (count == 0)  // MOVE FORWARD 0 would count the current row
            return 0;
        return move_rows(detail::move_cursor(name_, count));
    }

    /// Reads the rest of the rows, `itersize` at a time.
    [[nodiscard]] iterator begin()
    {
        refill();
        return iterator(this);
    }
    /// The end: an iterator equals it once the cursor has no more rows.
    [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }

    /// Closes the cursor on the server. Closing twice, or after the transaction that held it
    /// ended, is harmless. Never throws: a cursor that cannot be closed goes with the session.
    void close() noexcept
    {
        if (!session_ || closed_)
            return;
        closed_ = true;
        try {
            PGconn* conn = session_->native();
            if (!conn || session_->broken())
                return;
            const PGTransactionStatusType status = PQtransactionStatus(conn);
            if (status == PQTRANS_INTRANS) {
                try {
                    run_script(detail::close_in_transaction(name_));
                }
                catch (const server_error&) {
                    run_script(detail::close_failed);
                }
            }
            else if (status == PQTRANS_IDLE && options_.with_hold)
                run_script("CLOSE " + name_);
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the server closes it with the session
        }
    }

private:
    friend class connection;
    friend iterator;

    [[nodiscard]] const value_type& current() const noexcept { return batch_[next_]; }
    [[nodiscard]] bool exhausted() const noexcept { return next_ >= batch_.size(); }
    void advance()
    {
        ++next_;
        refill();
    }

    cursor(std::shared_ptr<engine::session> session, const cursor_options& options)
        : session_(std::move(session)), options_(options), name_("typq_cursor_" + std::to_string(++session_->cursors_named))
    {
    }

    // DECLARE ... FOR the statement of `request`, whose binder is used only here. The caller
    // holds the session's lease.
    void declare(engine::statement_request request)
    {
        const std::string text = detail::declare_cursor(session_->usable(), name_, options_, request);
        (void)engine::run_statement(*session_, std::move(request));
    }

    std::vector<value_type> fetch_rows(const std::string& statement)
    {
        if (closed_)
            throw usage_error("the cursor " + name_ + " is closed");
        (void)session_->usable();
        engine::lease hold(*session_, "a statement");
        return rows_.take(engine::run_statement(*session_, rows_.request(statement)), *session_);
    }

    std::uint64_t move_rows(const std::string& statement)
    {
        if (closed_)
            throw usage_error("the cursor " + name_ + " is closed");
        (void)session_->usable();
        engine::lease hold(*session_, "a statement");
        return detail::affected_rows(engine::run_script(*session_, statement.c_str(), statement.size()).get());
    }

    void run_script(const std::string& statement)
    {
        (void)session_->usable();
        engine::lease hold(*session_, "a statement");
        (void)engine::run_script(*session_, statement.c_str(), statement.size());
    }

    // The next batch, once the current one has been read.
    void refill()
    {
        if (next_ < batch_.size())
            return;
        batch_ = fetch(options_.itersize == 0 ? 1 : options_.itersize);
        next_ = 0;
    }

    std::shared_ptr<engine::session> session_;
    cursor_options options_;
    std::string name_;
    detail::cursor_rows<Row> rows_;
    std::vector<value_type> batch_;  // the rows iteration has fetched
    std::size_t next_ = 0;
    bool closed_ = false;
};

}  // namespace typq

#endif  // TYPQ_CURSOR_HPP
