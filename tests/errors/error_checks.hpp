// SPDX-License-Identifier: BSL-1.0
// tests/errors/error_checks.hpp: what the error tests share: catching an exception once and
// checking every class it must be caught as, a connection that must still work, and a table that
// a second connection can see.

#ifndef TYPQ_TESTS_ERRORS_ERROR_CHECKS_HPP
#define TYPQ_TESTS_ERRORS_ERROR_CHECKS_HPP

#include "typq_test.hpp"

#include <boost/core/demangle.hpp>

#include <cstdint>      // std::int32_t
#include <exception>    // std::exception_ptr
#include <string>       // table names, messages
#include <string_view>  // SQLSTATE codes
#include <typeinfo>     // typeid: the exact class thrown

namespace errors_test {

using typq_test::rethrow;
using typq_test::thrown_by;

/// The readable name of the class of `e`, as thrown (not as caught).
inline std::string class_name(const std::exception& e)
{
    return boost::core::demangle(typeid(e).name());
}

template <class T>
std::string class_name()
{
    return boost::core::demangle(typeid(T).name());
}

/// `thrown` is exactly a `Class` (not a subclass of it), is caught as `Class`, as `Base` (the class
/// for its SQLSTATE class), as typq::server_error and as typq::error, carries `sqlstate`, has
/// severity ERROR, and its what() names the code and holds the primary message.
template <class Class, class Base>
void require_server_error(const std::exception_ptr& thrown, std::string_view sqlstate)
{
    const bool threw = static_cast<bool>(thrown);
    REQUIRE(threw);
    REQUIRE_THROWS_AS(rethrow(thrown), Class);
    REQUIRE_THROWS_AS(rethrow(thrown), Base);
    REQUIRE_THROWS_AS(rethrow(thrown), typq::server_error);
    REQUIRE_THROWS_AS(rethrow(thrown), typq::error);
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("(SQLSTATE " + std::string(sqlstate) + ")"));
    try {
        rethrow(thrown);
    }
    catch (const typq::server_error& e) {
        CHECK(class_name(e) == class_name<Class>());
        CHECK(e.sqlstate() == sqlstate);
        CHECK(e.diag().sqlstate == sqlstate);
        CHECK(e.severity() == "ERROR");
        CHECK_FALSE(e.message_primary().empty());
        CHECK_THAT(e.what(), Catch::Contains(e.message_primary()));
    }
}

/// After a failed statement outside a transaction, the connection is idle and runs the next
/// statement.
inline void require_usable(typq::connection& conn)
{
    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41) == 42);
    CHECK(conn.execute("SELECT 1") == 1);
}

/// A table that other connections can see (a TEMP table is private to its session), named after
/// `stem` and the pid of the backend that creates it, so that parallel tests never share one.
/// It has its own connection, which drops the table on destruction: declare it before the
/// connections that use it, so that they are closed (their locks released) first.
class shared_table {
public:
    shared_table(std::string_view stem, std::string_view columns)
        : owner_(typq_test::connect()), name_(std::string(stem) + "_" + std::to_string(owner_.backend_pid()))
    {
        owner_.execute(typq::runtime("DROP TABLE IF EXISTS " + name_));
        owner_.execute(typq::runtime("CREATE TABLE " + name_ + " (" + std::string(columns) + ")"));
    }
    shared_table(const shared_table&) = delete;
    shared_table& operator=(const shared_table&) = delete;
    ~shared_table()
    {
        try {
            owner_.execute(typq::runtime("DROP TABLE IF EXISTS " + name_));
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
        }
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    /// The connection that created the table (autocommit).
    [[nodiscard]] typq::connection& owner() noexcept { return owner_; }

    /// `pattern` with every `{t}` replaced by the table's name, as runtime SQL.
    [[nodiscard]] typq::runtime_sql sql(std::string_view pattern) const
    {
        std::string text(pattern);
        for (auto at = text.find("{t}"); at != std::string::npos; at = text.find("{t}", at + name_.size()))
            text.replace(at, 3, name_);
        return typq::runtime(std::move(text));
    }

private:
    typq::connection owner_;
    std::string name_;
};

}  // namespace errors_test

#endif  // TYPQ_TESTS_ERRORS_ERROR_CHECKS_HPP
