// SPDX-License-Identifier: BSL-1.0
// tests/errors/broken_connection.cpp: a connection whose backend is gone says so with
// typq::connection_error (broken), reports connection_state::broken, and refuses every later
// statement the same way, never crashing. A closed connection refuses work the same way.

#include "error_checks.hpp"

#include <chrono>     // polling for the running statement
#include <cstdint>    // std::int32_t
#include <exception>  // std::exception_ptr
#include <optional>   // query_opt
#include <string>     // messages
#include <thread>     // a statement running while its backend is terminated
#include <tuple>      // a tuple row

namespace errors_broken_connection_test {

using errors_test::rethrow;
using errors_test::thrown_by;

struct pair_row {
    std::int32_t a;
    std::int32_t b;
};

// Every kind of work a connection does: each must throw typq::connection_error with broken().
void require_refuses_work(typq::connection& conn, const std::string& says)
{
    const auto check = [&says](const std::exception_ptr& thrown) {
        const bool threw = static_cast<bool>(thrown);
        REQUIRE(threw);
        REQUIRE_THROWS_AS(rethrow(thrown), typq::connection_error);
        REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains(says));
        try {
            rethrow(thrown);
        }
        catch (const typq::connection_error& e) {
            CHECK(e.broken());
        }
    };
    SECTION("execute without parameters")
    { check(thrown_by([&] { conn.execute("SELECT 1"); })); }
    SECTION("execute with a parameter")
    { check(thrown_by([&] { conn.execute("SELECT $1::int4", 1); })); }
    SECTION("query")
    { check(thrown_by([&] { (void)conn.query<pair_row>("SELECT 1 AS a, 2 AS b"); })); }
    SECTION("query_one")
    { check(thrown_by([&] { (void)conn.query_one<std::tuple<std::int32_t, std::int32_t>>("SELECT 1, 2"); })); }
    SECTION("query_opt")
    { check(thrown_by([&] { (void)conn.query_opt<pair_row>("SELECT 1 AS a, 2 AS b"); })); }
    SECTION("query_value")
    { check(thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT 1"); })); }
    SECTION("server information")
    {
        check(thrown_by([&] { (void)conn.backend_pid(); }));
        check(thrown_by([&] { (void)conn.server_version(); }));
        check(thrown_by([&] { (void)conn.parameter_status("server_version"); }));
    }
    SECTION("a transaction")
    { check(thrown_by([&] { typq::transaction tx(conn); })); }
    SECTION("many statements in a row")
    {
        for (int i = 0; i < 20; ++i)
            check(thrown_by([&] { conn.execute("SELECT 1"); }));
    }
}

TEST_CASE("a connection whose backend was terminated throws connection_error and stays broken",
    "[errors][broken]")
{
    auto victim = typq_test::connect();
    auto killer = typq_test::connect();
    const int pid = victim.backend_pid();
    REQUIRE(victim.query_value<std::int32_t>("SELECT pg_backend_pid()") == pid);

    // With a timeout, pg_terminate_backend waits until the backend has exited.
    REQUIRE(killer.query_value<bool>("SELECT pg_terminate_backend($1, 10000)", pid));

    const auto thrown = thrown_by([&] { (void)victim.query_value<std::int32_t>("SELECT 1"); });
    const bool threw = static_cast<bool>(thrown);
    REQUIRE(threw);
    REQUIRE_THROWS_AS(rethrow(thrown), typq::connection_error);
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("connection to the server was lost"));
    try {
        rethrow(thrown);
    }
    catch (const typq::connection_error& e) {
        CHECK(e.broken());
        // The server says 57P01 (admin_shutdown) as it goes, when libpq reads that message before
        // it notices the closed socket; otherwise there is no code.
        WARN("terminated backend: sqlstate() is \"" << e.sqlstate() << "\", what() is \"" << e.what() << "\"");
        CHECK((e.sqlstate() == "57P01" || e.sqlstate().empty()));
    }
    CHECK(victim.state() == typq::connection_state::broken);
    CHECK(victim.transaction_status() == typq::transaction_status::unknown);

    require_refuses_work(victim, "the connection is broken");
    CHECK(victim.state() == typq::connection_state::broken);

    victim.close();
    CHECK(victim.state() == typq::connection_state::closed);
    CHECK(killer.query_value<std::int32_t>("SELECT 1") == 1);
}

TEST_CASE("a connection terminated inside a transaction throws connection_error, and the transaction's "
          "destructor does not throw",
    "[errors][broken]")
{
    auto killer = typq_test::connect();
    auto victim = typq_test::connect();
    // Either commit() is called after the failure, or the destructor rolls back on a broken
    // connection, which it must do without throwing.
    const bool commit = GENERATE(true, false);
    CAPTURE(commit);
    std::exception_ptr thrown;
    {
        typq::transaction tx(victim);
        REQUIRE(killer.query_value<bool>("SELECT pg_terminate_backend($1, 10000)", victim.backend_pid()));
        thrown = thrown_by([&] { victim.execute("SELECT 1"); });
        if (commit) {
            REQUIRE_THROWS_AS(tx.commit(), typq::connection_error);
            CHECK_FALSE(tx.active());
            REQUIRE_THROWS_AS(tx.commit(), typq::usage_error);
            REQUIRE_THROWS_WITH(tx.commit(), Catch::Contains("already ended"));
        }
        else
            CHECK(tx.active());
    }
    REQUIRE_THROWS_AS(rethrow(thrown), typq::connection_error);
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("connection to the server was lost"));
    CHECK(victim.state() == typq::connection_state::broken);
    require_refuses_work(victim, "the connection is broken");
}

TEST_CASE("a connection terminated while a statement runs throws connection_error for that statement",
    "[errors][broken]")
{
    auto killer = typq_test::connect();
    auto victim = typq_test::connect();
    const int pid = victim.backend_pid();
    victim.execute("SET statement_timeout = '20s'");  // bounded even if the termination never comes

    std::exception_ptr thrown;
    std::thread running([&] { thrown = thrown_by([&] { victim.execute("SELECT pg_sleep(30)"); }); });
    // Wait until the server runs the statement, then terminate its backend.
    bool active = false;
    for (int i = 0; i < 500 && !active; ++i) {
        active = killer.query_value<bool>(
            "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1 AND state = 'active')", pid);
        if (!active)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const bool terminated = killer.query_value<bool>("SELECT pg_terminate_backend($1, 10000)", pid);
    running.join();
    REQUIRE(active);
    REQUIRE(terminated);

    REQUIRE_THROWS_AS(rethrow(thrown), typq::connection_error);
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("connection to the server was lost"));
    try {
        rethrow(thrown);
    }
    catch (const typq::connection_error& e) {
        CHECK(e.broken());
        WARN("terminated during a statement: sqlstate() is \"" << e.sqlstate() << "\", what() is \"" << e.what() << "\"");
        CHECK((e.sqlstate() == "57P01" || e.sqlstate().empty()));
    }
    CHECK(victim.state() == typq::connection_state::broken);
    require_refuses_work(victim, "the connection is broken");
}

TEST_CASE("a closed connection refuses every statement with connection_error", "[errors][closed]")
{
    auto conn = typq_test::connect();
    conn.close();
    CHECK(conn.state() == typq::connection_state::closed);
    CHECK(conn.transaction_status() == typq::transaction_status::unknown);
    CHECK(conn.native_handle() == nullptr);

    require_refuses_work(conn, "the connection is closed");
    conn.close();  // closing twice is harmless
    CHECK(conn.state() == typq::connection_state::closed);
}

}  // namespace errors_broken_connection_test
