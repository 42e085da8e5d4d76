// SPDX-License-Identifier: BSL-1.0
// Notices: conn.on_notice, what reaches the handler, no handler, a handler that throws (issue 12).

#include "typq_test.hpp"

#include <chrono>     // the wait's timeout
#include <cstdint>    // std::int64_t
#include <cstdio>     // std::fflush, std::tmpfile
#include <stdexcept>  // the handler's own exception
#include <string>     // messages
#include <tuple>      // execute_many's rows
#include <vector>     // what the handler saw

#include <unistd.h>  // dup, dup2: stderr redirected while nothing may be printed

namespace io_notices_test {

struct handler_failed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// What a handler saw.
struct recorder {
    std::vector<typq::notice> seen;
    void install(typq::connection& conn)
    {
        conn.on_notice([this](const typq::notice& n) { seen.push_back(n); });
    }
};

// What the process writes to file descriptor 2 while `run` runs.
template <class F>
std::string stderr_of(F&& run)
{
    std::fflush(stderr);
    std::FILE* sink = std::tmpfile();
    REQUIRE(sink != nullptr);
    const int saved = ::dup(2);
    REQUIRE(saved >= 0);
    REQUIRE(::dup2(::fileno(sink), 2) >= 0);
    try {
        run();
    }
    catch (...) {
        std::fflush(stderr);
        (void)::dup2(saved, 2);
        (void)::close(saved);
        std::fclose(sink);
        throw;
    }
    std::fflush(stderr);
    (void)::dup2(saved, 2);
    (void)::close(saved);
    std::string text;
    std::rewind(sink);
    for (int c = std::fgetc(sink); c != EOF; c = std::fgetc(sink))
        text += static_cast<char>(c);
    std::fclose(sink);
    return text;
}

TEST_CASE("RAISE NOTICE and WARNING reach the handler with severity and sqlstate and message", "[io][notice]")
{
    auto conn = typq_test::connect();
    recorder r;
    r.install(conn);
    conn.execute("DO $$ BEGIN RAISE NOTICE 'first %', 1; RAISE WARNING 'second' USING DETAIL = 'some detail', "
                 "HINT = 'a hint'; RAISE NOTICE 'custom' USING ERRCODE = '01P01'; END $$");
    REQUIRE(r.seen.size() == 3);
    CHECK(r.seen[0].severity == "NOTICE");
    CHECK(r.seen[0].sqlstate == "00000");
    CHECK(r.seen[0].message == "first 1");
    CHECK(r.seen[0].detail.empty());
    CHECK(r.seen[0].hint.empty());
    CHECK(r.seen[1].severity == "WARNING");
    CHECK(r.seen[1].sqlstate == "01000");
    CHECK(r.seen[1].message == "second");
    CHECK(r.seen[1].detail == "some detail");
    CHECK(r.seen[1].hint == "a hint");
    CHECK(r.seen[2].sqlstate == "01P01");

    // The server's own notices, from a statement with parameters too.
    r.seen.clear();
    conn.execute("DROP TABLE IF EXISTS typq_no_such_table");
    REQUIRE(r.seen.size() == 1);
    CHECK(r.seen[0].severity == "NOTICE");
    CHECK(r.seen[0].message.find("typq_no_such_table") != std::string::npos);
    r.seen.clear();
    CHECK(conn.query_value<std::int64_t>("SELECT $1::int8 + 0 FROM (SELECT set_config('typq.x', 'y', false)) s", 4) == 4);
    CHECK(r.seen.empty());
}

TEST_CASE("INFO and DEBUG and LOG reach the handler when the server sends them", "[io][notice]")
{
    auto conn = typq_test::connect();
    recorder r;
    r.install(conn);
    conn.execute("SET client_min_messages TO debug1");
    r.seen.clear();
    conn.execute("DO $$ BEGIN RAISE INFO 'info'; RAISE DEBUG 'debug'; RAISE LOG 'log'; END $$");
    std::vector<std::string> severities;
    for (const typq::notice& n : r.seen)
        if (n.message == "info" || n.message == "debug" || n.message == "log")
            severities.push_back(n.severity);
    CHECK(severities == std::vector<std::string>{"INFO", "DEBUG", "LOG"});
}

TEST_CASE("without a handler notices are dropped and nothing is printed", "[io][notice]")
{
    auto conn = typq_test::connect();
    const std::string printed = stderr_of([&] {
        conn.execute("DO $$ BEGIN RAISE NOTICE 'nobody listens'; RAISE WARNING 'nor here'; END $$");
        conn.execute("DROP TABLE IF EXISTS typq_no_such_table");
    });
    CHECK(printed.empty());
    CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);

    // Cleared: the same.
    recorder r;
    r.install(conn);
    conn.on_notice(nullptr);
    const std::string cleared = stderr_of([&] { conn.execute("DO $$ BEGIN RAISE NOTICE 'cleared'; END $$"); });
    CHECK(cleared.empty());
    CHECK(r.seen.empty());
}

TEST_CASE("on_notice replaces the handler and a handler may replace itself", "[io][notice]")
{
    auto conn = typq_test::connect();
    recorder first;
    recorder second;
    first.install(conn);
    conn.execute("DO $$ BEGIN RAISE NOTICE 'one'; END $$");
    second.install(conn);
    conn.execute("DO $$ BEGIN RAISE NOTICE 'two'; END $$");
    REQUIRE(first.seen.size() == 1);
    CHECK(first.seen[0].message == "one");
    REQUIRE(second.seen.size() == 1);
    CHECK(second.seen[0].message == "two");

    // A handler that clears itself after the first notice (it is kept alive while it runs).
    int calls = 0;
    conn.on_notice([&conn, &calls](const typq::notice&) {
        ++calls;
        conn.on_notice(nullptr);
    });
    conn.execute("DO $$ BEGIN RAISE NOTICE 'a'; RAISE NOTICE 'b'; END $$");
    CHECK(calls == 1);
}

TEST_CASE("the handler follows the connection when it moves", "[io][notice]")
{
    auto conn = typq_test::connect();
    recorder r;
    r.install(conn);
    typq::connection moved = std::move(conn);
    moved.execute("DO $$ BEGIN RAISE NOTICE 'moved'; END $$");
    typq::connection assigned = typq_test::connect();
    assigned = std::move(moved);
    assigned.execute("DO $$ BEGIN RAISE NOTICE 'assigned'; END $$");
    REQUIRE(r.seen.size() == 2);
    CHECK(r.seen[1].message == "assigned");
    CHECK_THROWS_AS(conn.on_notice(nullptr), typq::connection_error);  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("a throwing handler lets the statement end then its exception is thrown", "[io][notice]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE typq_notice_effects (n int4)");
    int calls = 0;
    conn.on_notice([&calls](const typq::notice& n) {
        ++calls;
        throw handler_failed("handler: " + n.message);
    });

    // Two notices around an insert: the statement runs to its end, the first exception wins.
    try {
        conn.execute("DO $$ BEGIN RAISE NOTICE 'before'; INSERT INTO typq_notice_effects VALUES (1); "
                     "RAISE NOTICE 'after'; END $$");
        FAIL("no exception");
    }
    catch (const handler_failed& e) {
        CHECK(std::string(e.what()) == "handler: before");
    }
    CHECK(calls == 2);
    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);

    // The statement's effects stand, and the next statement is unaffected.
    conn.on_notice(nullptr);
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM typq_notice_effects") == 1);

    // A query: its rows are lost with the call, not its effects.
    conn.execute("CREATE FUNCTION pg_temp.typq_insert_noisily() RETURNS int4 LANGUAGE plpgsql AS "
                 "$$ BEGIN INSERT INTO typq_notice_effects VALUES (2); RAISE NOTICE 'inserted'; RETURN 2; END $$");
    conn.on_notice([](const typq::notice&) { throw handler_failed("in a query"); });
    CHECK_THROWS_AS(conn.query_value<std::int32_t>("SELECT pg_temp.typq_insert_noisily()"), handler_failed);
    conn.on_notice(nullptr);
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM typq_notice_effects") == 2);
    conn.on_notice([](const typq::notice&) { throw handler_failed("in a script"); });
    CHECK_THROWS_AS(conn.execute("DROP TABLE IF EXISTS typq_no_such_table"), handler_failed);
    CHECK(conn.query_value<std::int32_t>("SELECT 5") == 5);
}

TEST_CASE("a statement that fails with its own error throws that error and drops the handler's", "[io][notice]")
{
    auto conn = typq_test::connect();
    conn.on_notice([](const typq::notice&) { throw handler_failed("dropped"); });
    CHECK_THROWS_AS(conn.execute("DO $$ BEGIN RAISE NOTICE 'n'; PERFORM 1 / 0; END $$"), typq::division_by_zero);
    conn.on_notice(nullptr);
    CHECK(conn.query_value<std::int32_t>("SELECT 6") == 6);  // not the dropped exception
}

TEST_CASE("a throwing handler inside a transaction leaves the transaction going", "[io][notice]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE typq_notice_tx (n int4)");
    conn.on_notice([](const typq::notice&) { throw handler_failed("in a transaction"); });
    {
        typq::transaction tx{conn};
        CHECK_THROWS_AS(conn.execute("DO $$ BEGIN INSERT INTO typq_notice_tx VALUES (1); RAISE NOTICE 'x'; END $$"),
            handler_failed);
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        conn.execute("INSERT INTO typq_notice_tx VALUES (2)");
        tx.commit();
    }
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM typq_notice_tx") == 2);
}

TEST_CASE("a handler that runs a statement on its own connection gets a usage error", "[io][notice]")
{
    auto conn = typq_test::connect();
    conn.on_notice([&conn](const typq::notice&) { conn.execute("SELECT 1"); });
    CHECK_THROWS_AS(conn.execute("DO $$ BEGIN RAISE NOTICE 'reentrant'; END $$"), typq::usage_error);
    conn.on_notice(nullptr);
    CHECK(conn.query_value<std::int32_t>("SELECT 2") == 2);
}

TEST_CASE("a throwing handler in a stream throws at the end of the rows", "[io][notice]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE FUNCTION pg_temp.typq_noisy(n int4) RETURNS int4 LANGUAGE plpgsql AS "
                 "$$ BEGIN RAISE NOTICE 'row %', n; RETURN n; END $$");
    conn.on_notice([](const typq::notice& n) { throw handler_failed(n.message); });
    std::vector<std::int32_t> got;
    try {
        for (std::int32_t n : conn.stream<std::int32_t>("SELECT pg_temp.typq_noisy(g) FROM generate_series(1, 3) g"))
            got.push_back(n);
        FAIL("no exception");
    }
    catch (const handler_failed& e) {
        CHECK(std::string(e.what()) == "row 1");
    }
    CHECK(got == std::vector<std::int32_t>{1, 2, 3});
    conn.on_notice(nullptr);
    CHECK(conn.query_value<std::int32_t>("SELECT 3") == 3);
}

TEST_CASE("a throwing handler in a pipeline throws from the next get", "[io][notice]")
{
    auto conn = typq_test::connect();
    conn.on_notice([](const typq::notice& n) { throw handler_failed(n.message); });
    {
        typq::pipeline p{conn};
        auto a = p.execute("DROP TABLE IF EXISTS typq_no_such_table");
        auto b = p.query_value<std::int32_t>("SELECT 4");
        p.sync();
        CHECK_THROWS_AS(b.get(), handler_failed);
        CHECK(b.get() == 4);  // the value stayed
        CHECK(a.get() == 0);
    }
    // execute_many runs as a pipeline too.
    conn.execute("CREATE TEMP TABLE typq_notice_many (n int4)");
    conn.execute("CREATE FUNCTION pg_temp.typq_noisy_insert() RETURNS trigger LANGUAGE plpgsql AS "
                 "$$ BEGIN RAISE NOTICE 'inserted %', NEW.n; RETURN NEW; END $$");
    conn.execute("CREATE TRIGGER typq_noisy BEFORE INSERT ON typq_notice_many FOR EACH ROW "
                 "EXECUTE FUNCTION pg_temp.typq_noisy_insert()");
    const std::vector<std::tuple<std::int32_t>> rows = {{1}, {2}};
    CHECK_THROWS_AS(conn.execute_many("INSERT INTO typq_notice_many VALUES ($1)", rows), handler_failed);
    conn.on_notice(nullptr);
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM typq_notice_many") == 2);
}

TEST_CASE("the FATAL message of a terminated backend reaches the handler during a wait", "[io][notice]")
{
    auto listener = typq_test::connect();
    listener.listen("typq_notice_wait");
    recorder r;
    r.install(listener);
    // The server closing the connection while it waits: its FATAL message reaches the handler.
    auto killer = typq_test::connect();
    (void)killer.query_value<bool>("SELECT pg_terminate_backend($1)", listener.backend_pid());
    CHECK_THROWS_AS((void)listener.wait_notification(std::chrono::seconds(30)), typq::connection_error);
    REQUIRE_FALSE(r.seen.empty());
    CHECK(r.seen.back().severity == "FATAL");
    CHECK(r.seen.back().sqlstate == "57P01");
}

}  // namespace io_notices_test
