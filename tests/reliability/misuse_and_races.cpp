// SPDX-License-Identifier: BSL-1.0
// tests/reliability/misuse_and_races.cpp: what a hostile or careless program does to a connection,
// and what typq does about it: a send that fails half way, a parameter too large for the
// protocol, standard_conforming_strings turned off, a connection moved (or destroyed) under an
// open transaction, cancel requests racing the end of a statement or of a transaction, COPY
// through execute(), two threads on one connection, malformed type names, a client_encoding
// other than UTF8. Each had a way to lose data or hang; each test failed before its fix.

#include "reliability_env.hpp"

#include <atomic>     // the racing thread's timestamps
#include <chrono>     // timestamps, sleeps
#include <cstdint>    // std::int32_t, std::int64_t
#include <exception>  // std::exception_ptr
#include <memory>     // std::unique_ptr
#include <optional>   // a connection destroyed before its transaction
#include <random>     // cancel timing
#include <string>     // table names, values
#include <thread>     // a second thread
#include <vector>     // connections that move when the vector grows

namespace reliability_misuse_and_races_test {

using reliability_test::caught_as;
using reliability_test::require_exactly;
using reliability_test::shared_table;
using typq_test::thrown_by;

using namespace std::chrono_literals;

void require_usable(typq::connection& conn)
{
    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41) == 42);
}

long long now_ns()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// --- 1. a send that fails half way ----------------------------------------------------------------

TEST_CASE("a send that fails after libpq queued part of a statement closes the connection instead of leaving "
          "it desynchronised",
    "[reliability][send]")
{
    auto conn = typq_test::connect();
    conn.test_fail_next_send();
    const auto thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT $1::int4", 1); });
    require_exactly<typq::connection_error>(thrown, "sending a statement failed");
    CHECK(caught_as<typq::connection_error>(thrown).broken());
    CHECK(conn.state() == typq::connection_state::broken);
    // The statement queued before the failure never reaches the server with a later one.
    require_exactly<typq::connection_error>(thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT 1"); }),
        "the connection is broken");
    require_exactly<typq::connection_error>(thrown_by([&] { conn.execute("BEGIN"); }), "the connection is broken");
}

TEST_CASE("a send that fails inside a transaction leaves nothing committed, and the transaction's destructor "
          "returns at once",
    "[reliability][send]")
{
    auto conn = typq_test::connect();
    auto observer = typq_test::connect();
    const shared_table table(observer);
    const auto started = std::chrono::steady_clock::now();
    {
        typq::transaction tx{conn};
        conn.execute(typq::runtime(table.insert(1)));
        conn.test_fail_next_send();
        require_exactly<typq::connection_error>(thrown_by([&] { conn.execute(typq::runtime(table.insert(2))); }),
            "sending a statement failed");
        require_exactly<typq::connection_error>(thrown_by([&] { tx.commit(); }), "the connection is broken");
    }
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    CHECK(table.rows() == 0);
}

TEST_CASE("parameters that would make a message of 1 GiB or more are refused before anything is sent",
    "[reliability][send]")
{
    auto conn = typq_test::connect();
    // The server reads a message of at most 1 GiB - 2 bytes and drops the session for a larger
    // one: this value alone makes the Bind message larger.
    const std::string huge(std::size_t{1} << 30, 'x');
    const auto thrown = thrown_by([&] { (void)conn.query_value<std::int64_t>("SELECT length($1)", huge); });
    require_exactly<typq::usage_error>(thrown, "1 GiB or more");
    CHECK_THAT(caught_as<typq::usage_error>(thrown).what(), Catch::Contains("nothing was sent"));
    require_usable(conn);
    SECTION("a large value well under the limit goes through")
    {
        const std::string big(std::size_t{64} << 20, 'y');
        CHECK(conn.query_value<std::int64_t>("SELECT length($1)", big) == std::int64_t{64} << 20);
    }
}

// --- 2. standard_conforming_strings = off ---------------------------------------------------------

struct one_id {
    std::int32_t id;
};

TEST_CASE("with standard_conforming_strings off, a :name that the server reads as inside a string is refused, "
          "not rewritten",
    "[reliability][strings]")
{
    auto conn = typq_test::connect();
    // By the default rules '\' is a string and :id a placeholder; with the setting off the
    // backslash escapes the quote, and the string runs to the last quote, :id inside it.
    const one_id row{7};
    SECTION("on: the placeholder is bound")
    {
        const auto [a, b] = conn.query_one<std::tuple<std::string, std::int32_t>>(
            "SELECT '\\' AS a, :id AS b -- '", row);
        CHECK(a == "\\");
        CHECK(b == 7);
    }
    SECTION("off: refused with a clear error, nothing sent")
    {
        conn.execute("SET standard_conforming_strings = off");
        const auto thrown = thrown_by([&] {
            (void)conn.query_one<std::tuple<std::string, std::int32_t>>("SELECT '\\' AS a, :id AS b -- '", row);
        });
        require_exactly<typq::usage_error>(thrown, "standard_conforming_strings off");
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        // A statement that reads the same both ways still runs.
        CHECK(conn.query_value<std::int32_t>("SELECT :id + 1", row) == 8);
        conn.execute("RESET standard_conforming_strings");
    }
}

// --- 3. moving a connection under an open transaction ---------------------------------------------

TEST_CASE("a transaction follows its connection when the connection moves, and commits what it did",
    "[reliability][move]")
{
    auto observer = typq_test::connect();
    const shared_table table(observer);
    std::vector<typq::connection> conns;
    conns.push_back(typq_test::connect());
    {
        typq::transaction tx{conns.front()};
        conns.front().execute(typq::runtime(table.insert(1)));
        for (int i = 0; i < 8; ++i)  // reallocates: the connection moves, the transaction stays
            conns.push_back(typq_test::connect());
        conns.front().execute(typq::runtime(table.insert(2)));
        {
            typq::transaction inner{conns.front()};  // a savepoint of the same transaction
            CHECK(inner.is_savepoint());
            conns.front().execute(typq::runtime(table.insert(3)));
            inner.commit();
        }
        CHECK(table.rows() == 0);  // not committed yet
        tx.commit();
    }
    CHECK(table.rows() == 3);
    CHECK(conns.front().transaction_status() == typq::transaction_status::idle);
}

TEST_CASE("a transaction destroyed after its connection touches no freed memory, and nothing is committed",
    "[reliability][move]")
{
    auto observer = typq_test::connect();
    const shared_table table(observer);
    std::unique_ptr<typq::transaction> tx;
    {
        std::optional<typq::connection> conn(typq_test::connect());
        tx = std::make_unique<typq::transaction>(*conn);
        conn->execute(typq::runtime(table.insert(1)));
        conn.reset();  // closes the connection: the server rolls the transaction back
    }
    require_exactly<typq::connection_error>(thrown_by([&] { tx->commit(); }), "the connection is closed");
    tx.reset();
    CHECK(table.rows() == 0);
}

TEST_CASE("move-assigning over a connection closes its session: its transaction ends without committing",
    "[reliability][move]")
{
    auto observer = typq_test::connect();
    const shared_table table(observer);
    auto conn = typq_test::connect();
    typq::transaction tx{conn};
    conn.execute(typq::runtime(table.insert(1)));
    conn = typq_test::connect();
    require_exactly<typq::connection_error>(thrown_by([&] { tx.commit(); }), "the connection is closed");
    CHECK(table.rows() == 0);
    require_usable(conn);
}

// --- 4. cancel() racing statements and transactions ------------------------------------------------

TEST_CASE("a cancel request never lands on a statement that began after cancel() was called",
    "[reliability][cancel]")
{
    auto conn = typq_test::connect();
    const typq::canceller canceller = conn.canceller();
    std::mt19937 random(12345);
    // A cancel request takes a few milliseconds to reach the backend (the postmaster forks a
    // process for it): aimed all over a 20 ms statement, some land on it, some just after it.
    std::uniform_int_distribution<int> delay_us(0, 24000);
    int first_cancelled = 0;
    int violations = 0;
    for (int i = 0; i < 400; ++i) {
        std::atomic<long long> called_at{0};
        const int delay = delay_us(random);
        std::thread racer([&] {
            std::this_thread::sleep_for(std::chrono::microseconds(delay));
            called_at = now_ns();
            (void)canceller.cancel();
        });
        try {
            conn.execute("SELECT pg_sleep(0.02)");
        }
        catch (const typq::query_canceled&) {
            ++first_cancelled;
        }
        const long long second_began = now_ns();
        try {
            (void)conn.query_value<std::int32_t>("SELECT 1");
        }
        catch (const typq::query_canceled&) {
            racer.join();
            // Cancelled, though the request was asked for before this statement began.
            if (called_at.load() < second_began)
                ++violations;
            continue;
        }
        racer.join();
    }
    CHECK(violations == 0);
    CHECK(first_cancelled > 0);  // the race was real: cancels did land while the first statement ran
    require_usable(conn);
}

TEST_CASE("a cancel request landing on COMMIT or ROLLBACK leaves no transaction open", "[reliability][cancel]")
{
    auto conn = typq_test::connect();
    auto observer = typq_test::connect();
    const shared_table table(observer);
    const typq::canceller canceller = conn.canceller();
    std::mt19937 random(54321);
    std::uniform_int_distribution<int> delay_us(0, 1500);
    for (int i = 0; i < 300; ++i) {
        CAPTURE(i);
        const int delay = delay_us(random);
        const bool commit = i % 2 == 0;
        std::thread racer([&] {
            std::this_thread::sleep_for(std::chrono::microseconds(delay));
            (void)canceller.cancel();
        });
        try {
            typq::transaction tx{conn};
            conn.execute(typq::runtime(table.insert(i)));
            if (commit)
                tx.commit();
        }
        catch (const typq::query_canceled&) {  // the cancel landed on a statement or on COMMIT
        }
        catch (const typq::in_failed_sql_transaction&) {  // ... on the INSERT, then COMMIT found it aborted
        }
        racer.join();
        REQUIRE(conn.transaction_status() == typq::transaction_status::idle);
        REQUIRE(conn.query_value<std::int32_t>("SELECT 1") == 1);
    }
}

TEST_CASE("a canceller outlives its connection and follows its moves", "[reliability][cancel]")
{
    typq::canceller canceller;
    {
        auto conn = typq_test::connect();
        canceller = conn.canceller();
        CHECK_FALSE(canceller.cancel());  // nothing runs: nothing is sent
        typq::connection moved = std::move(conn);
        auto observer = typq_test::connect();
        const int pid = moved.backend_pid();
        std::thread racer([&] {
            for (int k = 0; k < 500; ++k) {
                if (observer.query_value<bool>(
                        "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1 AND state = 'active')", pid))
                    break;
                std::this_thread::sleep_for(5ms);
            }
            CHECK(canceller.cancel());
        });
        require_exactly<typq::query_canceled>(thrown_by([&] { moved.execute("SELECT pg_sleep(20)"); }),
            "canceling statement due to user request");
        racer.join();
    }
    CHECK_FALSE(canceller.cancel());  // the connection is gone
}

// --- 5. COPY through execute() -------------------------------------------------------------------

TEST_CASE("COPY FROM STDIN or TO STDOUT through execute() is refused before anything is sent",
    "[reliability][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE copied (v int4)");
    SECTION("a script with a COPY TO STDOUT in it runs nothing")
    {
        const auto thrown = thrown_by([&] { conn.execute("COPY (SELECT 1) TO STDOUT; INSERT INTO copied VALUES (100)"); });
        require_exactly<typq::usage_error>(thrown, "nothing was sent");
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM copied") == 0);
    }
    SECTION("COPY FROM STDIN inside a transaction leaves the transaction as it was")
    {
        typq::transaction tx{conn};
        conn.execute("INSERT INTO copied VALUES (1)");
        require_exactly<typq::usage_error>(thrown_by([&] { conn.execute("copy copied from stdin"); }), "nothing was sent");
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        tx.commit();
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM copied") == 1);
    }
    SECTION("in every form")
    {
        CHECK_THROWS_AS(conn.query<std::int32_t>(typq::runtime("/* x */ Copy copied TO stdout")), typq::usage_error);
        CHECK_THROWS_AS(conn.stream<std::int32_t>("COPY copied TO STDOUT (FORMAT binary)"), typq::usage_error);
        CHECK_THROWS_AS(conn.prepare<>("COPY copied FROM STDIN"), typq::usage_error);
    }
    SECTION("a COPY to or from a file on the server is an ordinary statement")
    {
        // No client data: the server refuses it for a role that may not write files, or runs it.
        const auto thrown = thrown_by([&] { conn.execute("COPY copied TO '/nonexistent/dir/typq'"); });
        bool refused_by_typq = false;
        try {
            typq_test::rethrow(thrown);
        }
        catch (const typq::usage_error&) {
            refused_by_typq = true;
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the server's answer, whatever it is
        }
        CHECK_FALSE(refused_by_typq);
    }
    require_usable(conn);
}

// --- 6. misuse that is detected ------------------------------------------------------------------

TEST_CASE("a second thread's statement on a busy connection is refused with usage_error", "[reliability][threads]")
{
    auto conn = typq_test::connect();
    std::atomic<bool> started{false};
    std::thread sleeper([&] {
        started = true;
        conn.execute("SELECT pg_sleep(0.5)");
    });
    while (!started)
        std::this_thread::yield();
    std::this_thread::sleep_for(100ms);
    const auto thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT 1"); });
    sleeper.join();
    require_exactly<typq::usage_error>(thrown, "a connection runs one statement at a time");
    require_usable(conn);
}

TEST_CASE("lookup_type() refuses a malformed name before the server sees it, and leaves the transaction alone",
    "[reliability][types]")
{
    auto conn = typq_test::connect();
    typq::transaction tx{conn};
    for (const std::string& name : {std::string("a.b.c.d"), std::string(), std::string("mo\0od", 5),
             std::string("\xff\xfe"), std::string("varchar(10)"), std::string("\"unterminated"), std::string("a b"),
             std::string("x;DROP TABLE y")}) {
        CAPTURE(name);
        CHECK_THROWS_AS(conn.lookup_type(name), typq::usage_error);
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    }
    // Valid names the server does not know are std::nullopt, keywords and arrays are understood.
    CHECK_FALSE(conn.lookup_type("no_such_type_typq").has_value());
    CHECK_FALSE(conn.lookup_type("no_such_schema.t").has_value());
    CHECK(conn.lookup_type("double precision")->id == typq::oid::float8);
    CHECK(conn.lookup_type("INTEGER[]")->id == typq::oid::int4_array);
    CHECK(conn.lookup_type("pg_catalog.\"text\"")->id == typq::oid::text);
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    tx.commit();
}

TEST_CASE("a client_encoding other than UTF8 is refused by every later statement", "[reliability][encoding]")
{
    auto conn = typq_test::connect();
    conn.execute("SET client_encoding TO 'LATIN1'");
    const auto thrown = thrown_by([&] { (void)conn.query_value<std::string>("SELECT 'é'"); });
    require_exactly<typq::usage_error>(thrown, "client_encoding is LATIN1");
    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.parameter_status("client_encoding") == "LATIN1");
    CHECK_THROWS_AS(conn.execute("RESET client_encoding"), typq::usage_error);
}

}  // namespace reliability_misuse_and_races_test
