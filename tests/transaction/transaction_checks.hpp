// SPDX-License-Identifier: BSL-1.0
// tests/transaction/transaction_checks.hpp: what the transaction tests share: a table that a
// second connection can see, to tell committed work from work that is not.

#ifndef TYPQ_TESTS_TRANSACTION_TRANSACTION_CHECKS_HPP
#define TYPQ_TESTS_TRANSACTION_TRANSACTION_CHECKS_HPP

#include "typq_test.hpp"

#include <cstdint>      // std::int32_t, std::int64_t
#include <string>       // table names, statements
#include <string_view>  // patterns
#include <utility>      // std::move
#include <vector>       // the rows of a table

namespace transaction_test {

/// A table of `id int4 PRIMARY KEY` that other connections can see (a TEMP table is private to
/// its session), named after `stem` and the pid of the backend that creates it, so that tests
/// running in parallel never share one. It has its own connection, the observer: it reads only
/// committed rows, and drops the table on destruction. Declare it before the connections that
/// use it, so that they are closed (their locks released) first.
class shared_table {
public:
    explicit shared_table(std::string_view stem, std::string_view extra_columns = {})
        : observer_(typq_test::connect()), name_(std::string(stem) + "_" + std::to_string(observer_.backend_pid()))
    {
        std::string columns = "id int4 PRIMARY KEY";
        if (!extra_columns.empty())
            columns += ", " + std::string(extra_columns);
        observer_.execute(typq::runtime("DROP TABLE IF EXISTS " + name_));
        observer_.execute(typq::runtime("CREATE TABLE " + name_ + " (" + columns + ")"));
    }
    shared_table(const shared_table&) = delete;
    shared_table& operator=(const shared_table&) = delete;
    ~shared_table()
    {
        try {
            observer_.execute(typq::runtime("DROP TABLE IF EXISTS " + name_));
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
        }
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }

    /// `pattern` with every `{t}` replaced by the table's name, as runtime SQL.
    [[nodiscard]] typq::runtime_sql sql(std::string_view pattern) const
    {
        std::string text(pattern);
        for (auto at = text.find("{t}"); at != std::string::npos; at = text.find("{t}", at + name_.size()))
            text.replace(at, 3, name_);
        return typq::runtime(std::move(text));
    }

    /// Inserts a row with `id` through `conn`.
    void insert(typq::connection& conn, std::int32_t id) const { conn.execute(sql("INSERT INTO {t} (id) VALUES ($1)"), id); }

    /// The ids `conn` sees, in order.
    [[nodiscard]] std::vector<std::int32_t> ids(typq::connection& conn) const
    {
        std::vector<std::int32_t> out;
        for (const std::int32_t id : conn.query<std::int32_t>(sql("SELECT id FROM {t} ORDER BY id")))
            out.push_back(id);
        return out;
    }

    /// The ids that are committed: what another connection sees.
    [[nodiscard]] std::vector<std::int32_t> committed_ids() { return ids(observer_); }

private:
    typq::connection observer_;
    std::string name_;
};

using typq_test::rethrow;
using typq_test::thrown_by;

/// A connection that is idle (no transaction open, none failed) and runs the next statement.
inline void require_idle_and_usable(typq::connection& conn)
{
    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41) == 42);
}

}  // namespace transaction_test

#endif  // TYPQ_TESTS_TRANSACTION_TRANSACTION_CHECKS_HPP
