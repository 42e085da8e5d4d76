// SPDX-License-Identifier: BSL-1.0
// tests/support/reliability_env.hpp: what tests/reliability needs beyond typq_test.hpp: what the
// fixture wrote to STATE_DIR/reliability (TLS files, the SCRAM role, the fixture script), a
// throwaway cluster of a test's own, and a check for the exact class an error was thrown as.

#ifndef TYPQ_TEST_SUPPORT_RELIABILITY_ENV_HPP
#define TYPQ_TEST_SUPPORT_RELIABILITY_ENV_HPP

#include "typq_test.hpp"

#include <boost/core/demangle.hpp>

#include <cstdint>      // std::int64_t
#include <cstdlib>      // std::getenv
#include <exception>    // std::exception_ptr
#include <filesystem>   // removing a test's own state directory
#include <map>          // key=value pairs
#include <optional>     // absent keys
#include <string>       // paths, values
#include <system_error> // std::error_code
#include <typeinfo>     // typeid: the exact class thrown
#include <unistd.h>     // getpid: a private directory per test process

namespace reliability_test {

using typq_test::state_dir;

/// True when the tests run against a server named by TYPQ_TEST_DSN rather than the fixture's.
inline bool foreign_server()
{
    const char* env = std::getenv("TYPQ_TEST_DSN");
    return env != nullptr && *env != '\0';
}

/// STATE_DIR/reliability, which tests/support/pg_fixture.sh writes at `start`: `key=value` lines
/// (fixture, port, tls_ca_file, tls_wrong_ca_file, scram_user, scram_password). With
/// TYPQ_TEST_DSN set only `fixture` is there: a foreign server has no TLS or SCRAM role we made.
class fixture_env {
public:
    fixture_env() : values_(typq_test::read_pairs(state_dir() + "/reliability")) {}

    [[nodiscard]] std::optional<std::string> get(const std::string& key) const
    {
        const auto it = values_.find(key);
        return it == values_.end() ? std::nullopt : std::optional<std::string>(it->second);
    }

    /// The fixture's server has TLS with the test CA and the SCRAM role.
    [[nodiscard]] bool has_tls_and_scram() const
    {
        return get("port") && get("tls_ca_file") && get("tls_wrong_ca_file") && get("scram_user")
            && get("scram_password");
    }

    /// A conninfo to the fixture's server over TCP on 127.0.0.1, followed by `extra`.
    [[nodiscard]] std::string tcp_dsn(const std::string& extra) const
    {
        return "port=" + get("port").value_or("") + " dbname=postgres " + extra;
    }

private:
    std::map<std::string, std::string> values_;
};

/// A throwaway cluster of this test's own (tests/support/pg_fixture.sh start, into
/// STATE_DIR/own-<pid>), for what must not touch the server other tests share: restarting it.
/// Stopped and deleted by the destructor.
class own_cluster {
public:
    own_cluster() : dir_(state_dir() + "/own-" + std::to_string(::getpid()))
    {
        const auto script = fixture_env{}.get("fixture");
        if (!script) {
            error_ = "STATE_DIR/reliability names no fixture script (run the tests through ctest)";
            return;
        }
        script_ = *script;
        // Its own server even when the shared one is TYPQ_TEST_DSN's.
        started_ = run("start") == 0;
        if (!started_)
            error_ = "pg_fixture.sh start " + dir_ + " failed (its log is on stderr)";
    }
    own_cluster(const own_cluster&) = delete;
    own_cluster& operator=(const own_cluster&) = delete;
    ~own_cluster()
    {
        if (!script_.empty())
            (void)run("stop");
        std::error_code ignored;
        std::filesystem::remove(dir_, ignored);  // empty once stopped
    }

    [[nodiscard]] bool started() const noexcept { return started_; }
    [[nodiscard]] const std::string& error() const noexcept { return error_; }

    /// Its conninfo (the socket, as for the shared server).
    [[nodiscard]] std::string dsn() const { return typq_test::first_line(dir_ + "/dsn"); }

    /// pg_fixture.sh restart: a fast shutdown ends every session, then the server starts again
    /// on the same port. Returns true on success.
    [[nodiscard]] bool restart() const { return run("restart") == 0; }

private:
    int run(const char* action) const { return typq_test::run_fixture(script_, action, dir_); }

    std::string dir_;
    std::string script_;
    std::string error_;
    bool started_ = false;
};

/// The readable name of the class `e` was thrown as.
inline std::string class_name(const std::exception& e)
{
    return boost::core::demangle(typeid(e).name());
}

/// `thrown` holds exactly a `Class` (not a subclass), whose what() contains `says`.
template <class Class>
void require_exactly(const std::exception_ptr& thrown, const std::string& says)
{
    const bool threw = static_cast<bool>(thrown);
    REQUIRE(threw);
    REQUIRE_THROWS_AS(typq_test::rethrow(thrown), Class);
    REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Catch::Contains(says));
    try {
        typq_test::rethrow(thrown);
    }
    catch (const std::exception& e) {
        CHECK(class_name(e) == boost::core::demangle(typeid(Class).name()));
    }
}

/// A table that several connections see, named after the creating backend (tests run in
/// parallel), dropped at the end of the test.
class shared_table {
public:
    explicit shared_table(typq::connection& owner)
        : owner_(owner), name_("typq_reliability_" + std::to_string(owner.backend_pid()))
    {
        owner_.execute(typq::runtime("CREATE TABLE " + name_ + " (v int4)"));
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
    [[nodiscard]] std::int64_t rows() const
    {
        return owner_.query_value<std::int64_t>(typq::runtime("SELECT count(*) FROM " + name_));
    }
    /// `INSERT INTO <table> VALUES (v)`.
    [[nodiscard]] std::string insert(int v) const { return "INSERT INTO " + name_ + " VALUES (" + std::to_string(v) + ")"; }

private:
    typq::connection& owner_;
    std::string name_;
};

/// A copy of the `Class` that `thrown` holds (call after require_exactly<Class>).
template <class Class>
Class caught_as(const std::exception_ptr& thrown)
{
    try {
        typq_test::rethrow(thrown);
    }
    catch (const Class& e) {
        return e;
    }
}

}  // namespace reliability_test

#endif  // TYPQ_TEST_SUPPORT_RELIABILITY_ENV_HPP
