// SPDX-License-Identifier: BSL-1.0
// tests/io/io_checks.hpp: what the COPY tests share: a table that a second connection can see, to
// tell committed rows from rows that are not, and the check that a connection is idle and usable
// after a COPY ended (or failed).

#ifndef TYPQ_TESTS_IO_IO_CHECKS_HPP
#define TYPQ_TESTS_IO_IO_CHECKS_HPP

#include "typq_test.hpp"

#include <cstdint>      // std::int32_t
#include <string>       // table names, statements
#include <string_view>  // stems, column lists
#include <vector>       // ids

namespace io_test {

using ids = std::vector<std::int32_t>;

/// A table that other connections can see (a TEMP table is private to its session), named after
/// `stem` and the pid of its observer's backend, so that tests running in parallel never share
/// one. The observer reads only committed rows and drops the table on destruction: declare the
/// table before the connections that use it, so that they are closed first.
class shared_table {
public:
    shared_table(std::string_view stem, std::string_view columns)
        : observer_(typq_test::connect()), name_(std::string(stem) + "_" + std::to_string(observer_.backend_pid()))
    {
        observer_.execute(typq::runtime("DROP TABLE IF EXISTS " + name_));
        observer_.execute(typq::runtime("CREATE TABLE " + name_ + " (" + std::string(columns) + ")"));
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

    /// The ids `conn` sees, in order.
    [[nodiscard]] std::vector<std::int32_t> ids(typq::connection& conn) const
    {
        std::vector<std::int32_t> out;
        for (const std::int32_t id : conn.query<std::int32_t>(typq::runtime("SELECT id FROM " + name_ + " ORDER BY id")))
            out.push_back(id);
        return out;
    }
    /// The ids that are committed: what another connection sees.
    [[nodiscard]] std::vector<std::int32_t> committed_ids() { return ids(observer_); }

private:
    typq::connection observer_;
    std::string name_;
};

/// Idle (no transaction open, none failed), and runs the next statement.
inline void require_idle_and_usable(typq::connection& conn)
{
    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41) == 42);
}

}  // namespace io_test

#endif  // TYPQ_TESTS_IO_IO_CHECKS_HPP
