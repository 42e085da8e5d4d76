// SPDX-License-Identifier: BSL-1.0
// tests/deployment/pgbouncer_async.cpp: typq::async_connection through PgBouncer 1.18 in
// transaction mode with default options: every statement form it has (one-shot, automatically
// prepared, prepare(), stream, pipeline, execute_many, COPY, transactions) works, from several
// coroutines on their own connections at once, with no statement lost or run twice; a statement
// prepared on another server connection runs once more unprepared outside a transaction block,
// and inside one throws the error that names the cause and the option. It runs the engine's
// statement_op as typq::connection does (tests/deployment/pgbouncer.cpp): one recovery for both.

#include "deployment_env.hpp"
#include "../asio/asio_checks.hpp"

#include <boost/asio/detached.hpp>

#include <cstdint>   // std::int32_t, std::int64_t
#include <memory>    // the server connection held
#include <optional>  // NULL notes
#include <string>    // statements
#include <tuple>     // rows by position
#include <vector>    // rows

namespace deployment_async_test {

struct entry {
    std::int32_t id;
    std::optional<std::string> note;
    friend bool operator==(const entry&, const entry&) = default;
};

}  // namespace deployment_async_test

namespace deployment_async_test {

using asio_test::asio::awaitable;
using deployment_test::shared_table;

namespace {

constexpr std::int64_t rows_per_round = 44;  // as in pgbouncer.cpp's every_form()

awaitable<typq::async_connection> through_transaction_pooler(const typq::connection_options& options = {})
{
    co_return co_await typq::async_connection::connect(deployment_test::transaction_dsn(), options);
}

// As deployment_test::prepared_on_one_server_connection, for an async_connection.
template <class Prepare>
awaitable<std::shared_ptr<deployment_test::server_holder>> prepared_on_one_server_connection(
    typq::async_connection& conn, Prepare prepare)
{
    std::int32_t pid = 0;
    {
        auto tx = co_await conn.begin();
        co_await prepare();
        pid = co_await conn.query_value<std::int32_t>("SELECT pg_backend_pid()");
        co_await tx.commit();
    }
    auto held = std::make_shared<deployment_test::server_holder>(pid);
    REQUIRE(held->holds());
    co_return held;
}

// Every form once; see every_form() in pgbouncer.cpp. Failures are collected in `failures`
// (Catch's macros are for the test's thread; the io_context runs on it, but a coroutine's
// CHECK would interleave with the others').
awaitable<void> every_form(typq::async_connection& conn, const std::string& t, std::int32_t base,
    std::vector<std::string>& failures)
{
    const auto expect = [&](bool ok, const char* what) {
        if (!ok)
            failures.push_back(std::string(what) + " (base " + std::to_string(base) + ")");
    };
    std::int32_t id = base;
    expect(co_await conn.execute(typq::runtime("INSERT INTO " + t + " VALUES ($1, $2)"), ++id, std::string("one-shot")) == 1,
        "one-shot insert");
    for (int run = 0; run < 7; ++run) {
        expect(co_await conn.query_value<std::int32_t>("SELECT $1::int4 * 3", run) == run * 3, "automatic select");
        expect(co_await conn.execute(typq::runtime("INSERT INTO " + t + " (id) VALUES ($1)"), ++id) == 1,
            "automatic insert");
    }
    const auto tripled = co_await conn.prepare<std::int32_t>("SELECT $1::int4 * 3");
    const auto insert = co_await conn.prepare<std::int32_t, std::string>(
        typq::runtime("INSERT INTO " + t + " VALUES ($1::int4, $2::text)"));
    for (int run = 0; run < 3; ++run) {
        expect(co_await conn.query_value<std::int32_t>(tripled, run) == run * 3, "prepared select");
        expect(co_await conn.execute(insert, ++id, std::string("prepared")) == 1, "prepared insert");
    }
    {
        auto rows = co_await conn.stream<std::int32_t>("SELECT g FROM generate_series(1, $1) g", 200);
        std::int64_t sum = 0;
        while (const std::int32_t* v = co_await rows.next())
            sum += *v;
        expect(sum == 200 * 201 / 2, "stream");
    }
    {
        auto p = co_await conn.pipeline();
        auto first = co_await p.execute(typq::runtime("INSERT INTO " + t + " VALUES ($1, $2)"), ++id, std::string("p"));
        auto second = co_await p.execute(typq::runtime("INSERT INTO " + t + " VALUES ($1, $2)"), ++id, std::string("p"));
        auto doubled = co_await p.query_value<std::int32_t>("SELECT $1::int4 * 2", 21);
        p.sync();
        expect(co_await first.get() == 1, "pipelined insert");
        expect(co_await second.get() == 1, "pipelined insert");
        expect(co_await doubled.get() == 42, "pipelined select");
        co_await p.finish();
    }
    std::vector<entry> many;
    for (int i = 0; i < 10; ++i)
        many.push_back({++id, "many"});
    expect(co_await conn.execute_many(typq::runtime("INSERT INTO " + t + " VALUES (:id, :note)"), many) == 10,
        "execute_many");
    std::vector<entry> copied;
    for (int i = 0; i < 20; ++i)
        copied.push_back({++id, i % 2 ? std::nullopt : std::optional<std::string>("copied")});
    {
        auto writer = co_await conn.copy_in<entry>(t);
        co_await writer.write(copied);
        expect(co_await writer.finish() == 20, "copy_in");
    }
    {
        auto reader = co_await conn.copy_out<entry>(typq::runtime("SELECT id, note FROM " + t + " WHERE id > "
            + std::to_string(copied.front().id - 1) + " AND id <= " + std::to_string(copied.back().id) + " ORDER BY id"));
        std::vector<entry> back;
        while (const entry* e = co_await reader.next())
            back.push_back(*e);
        expect(back == copied, "copy_out");
    }
    {
        auto tx = co_await conn.begin();
        expect(co_await conn.execute(typq::runtime("INSERT INTO " + t + " VALUES ($1, $2)"), ++id, std::string("tx")) == 1,
            "insert in a transaction");
        co_await tx.commit();
    }
    {
        auto tx = co_await conn.begin();
        (void)co_await conn.execute(typq::runtime("INSERT INTO " + t + " VALUES ($1, $2)"), base + 901, std::string("undone"));
        co_await tx.rollback();
    }
    expect(id - base == rows_per_round, "rows counted");
}

}  // namespace

TEST_CASE("every statement form of async_connection works through PgBouncer in transaction mode with default "
          "options, from several coroutines at once", "[deployment][pgbouncer][asio]")
{
    shared_table table("typq_bouncer_async", "id int4 PRIMARY KEY, note text");
    constexpr int clients = 5;
    std::vector<std::string> failures;
    int finished = 0;
    asio_test::run([&]() -> awaitable<void> {
        auto executor = co_await asio_test::asio::this_coro::executor;
        for (int c = 0; c < clients; ++c)
            asio_test::asio::co_spawn(executor, [&, c]() -> awaitable<void> {
                try {
                    auto conn = co_await through_transaction_pooler();
                    for (std::int32_t round = 0; round < 2; ++round)
                        co_await every_form(conn, table.name(), c * 100000 + round * 1000, failures);
                }
                catch (const std::exception& e) {
                    failures.push_back(std::string("client ") + std::to_string(c) + ": " + e.what());
                }
                ++finished;
            }, asio_test::asio::detached);
        co_return;
    }, std::chrono::seconds(60));
    CHECK(finished == clients);
    CHECK(failures == std::vector<std::string>{});
    CHECK(table.rows() == clients * 2 * rows_per_round);
}

TEST_CASE("async_connection: a statement prepared on another server connection runs once more unprepared outside a "
          "transaction block, and fails with the error naming the option inside one", "[deployment][pgbouncer][asio]")
{
    shared_table table("typq_bouncer_async_lost", "id int4 PRIMARY KEY");
    asio_test::run([&]() -> awaitable<void> {
        auto conn = co_await through_transaction_pooler({.prepare_threshold = 0});
        const auto insert = typq::runtime("INSERT INTO " + table.name() + " VALUES ($1)");
        const auto held = co_await prepared_on_one_server_connection(conn, [&]() -> awaitable<void> {
            (void)co_await conn.execute(insert, 1);
            (void)co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 1);
        });
        {
            auto tx = co_await conn.begin();  // another server connection
            const auto thrown = co_await asio_test::thrown_by(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 2));
            CHECK(asio_test::is_a<typq::server_error>(thrown));
            const std::string said = asio_test::describe(thrown);
            CHECK(said.find("does not exist") != std::string::npos);
            CHECK(said.find("prepare_threshold = std::nullopt") != std::string::npos);
            co_await tx.rollback();
        }
        const auto inserted = co_await conn.execute(insert, 2);  // prepares nothing any more
        CHECK(inserted == 1);
        const auto value = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 3);
        CHECK(value == 4);
    });
    CHECK(table.rows() == 2);

    // The same with the statement missing outside a transaction block: it runs again, once.
    asio_test::run([&]() -> awaitable<void> {
        auto conn = co_await through_transaction_pooler({.prepare_threshold = 0});
        const auto insert = typq::runtime("INSERT INTO " + table.name() + " VALUES ($1)");
        const auto held = co_await prepared_on_one_server_connection(conn, [&]() -> awaitable<void> {
            (void)co_await conn.execute(insert, 3);
        });
        const auto inserted = co_await conn.execute(insert, 4);
        CHECK(inserted == 1);
    });
    CHECK(table.rows() == 4);
}

}  // namespace deployment_async_test
