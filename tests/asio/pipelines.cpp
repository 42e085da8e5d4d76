// SPDX-License-Identifier: BSL-1.0
// tests/asio/pipelines.cpp: typq::async_pipeline and typq::async_pending, typq::pipeline's tests
// for an async_connection: values and errors delivered by get(), sync points and the implicit
// transactions they end (what the oracle sees committed), statements skipped after a failure,
// conn.pipeline(body), the busy connection, pipelines inside transactions, long pipelines and big
// values, server-defined types looked up inside the pipeline, pipelines abandoned without
// finish() (their statements still run), two coroutines on one pipeline, and a get() cancelled
// through Asio (the server ends the statement: pg_stat_activity).

#include "asio_checks.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <cstddef>    // std::size_t
#include <cstdint>    // std::int32_t, std::int64_t, std::uint64_t
#include <exception>  // errors as values
#include <optional>   // query_opt, handles kept past their pipeline
#include <stdexcept>  // the body's own exception
#include <string>     // text columns, big values
#include <tuple>      // rows by position
#include <vector>     // handles, ids

namespace asio_pipelines_test {

using namespace boost::asio::experimental::awaitable_operators;
using asio_test::asio::awaitable;
using asio_test::backend_reaches;
using asio_test::backend_state;
using asio_test::body_failed;
using asio_test::connect;
using asio_test::describe;
using asio_test::is_exactly;
using asio_test::run;
using asio_test::shared_table;
using asio_test::test_clock;
using asio_test::thrown_by;
using Catch::Contains;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using ids = std::vector<std::int32_t>;

enum class mood { sad, ok, happy };

struct pair {
    std::int32_t a;
    std::string b;
    friend bool operator==(const pair&, const pair&) = default;
};

struct entry {
    std::int32_t id;
    std::string note;
    friend bool operator==(const entry&, const entry&) = default;
};

/// what() of an exception_ptr's exception, for Contains() (empty when there is none).
inline std::string message_of(const std::exception_ptr& thrown)
{
    try {
        if (thrown)
            std::rethrow_exception(thrown);
    }
    catch (const std::exception& e) {
        return e.what();
    }
    catch (...) {  // NOLINT(bugprone-empty-catch): the empty message below
    }
    return {};
}

/// What backend `pid` waits for, as pg_stat_activity says (wait_event: "PgSleep" in pg_sleep(),
/// "ClientRead" waiting for the client's next message), or "" when it waits for nothing.
inline std::string backend_wait_event(typq::connection& oracle, int pid)
{
    return oracle.query_value<std::string>(
        "SELECT coalesce((SELECT wait_event FROM pg_stat_activity WHERE pid = $1), '')", pid);
}

/// The connection is open, outside a transaction block (in libpq's view and, through the oracle,
/// in the server's: the backend is idle), and runs statements.
awaitable<void> check_idle_and_usable(typq::async_connection& conn, typq::connection& oracle)
{
    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(backend_state(oracle, conn.backend_pid()) == "idle");
    const auto value = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
    CHECK(value == 42);
}

}  // namespace asio_pipelines_test

template <>
struct typq::type<asio_pipelines_test::mood> : typq::enum_type<asio_pipelines_test::mood, "pipeline_mood"> {};
template <>
struct typq::type<asio_pipelines_test::pair> : typq::composite_type<asio_pipelines_test::pair, "pipeline_pair"> {};

namespace asio_pipelines_test {

// --- values and errors ------------------------------------------------------------------------------

TEST_CASE("async_pipeline: statements queued deliver their values through get()", "[asio][pipeline]")
{
    shared_table table("pipe_values");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        auto p = co_await conn.pipeline();
        CHECK(p.open());
        auto inserted = co_await p.execute(table.sql("INSERT INTO {t} VALUES ($1, $2), ($3, $4)"), 1,
            std::string("one"), 2, std::string("two"));
        auto rows = co_await p.query<entry>(table.sql("SELECT id, note FROM {t} ORDER BY id"));
        auto one = co_await p.query_one<entry>(table.sql("SELECT id, note FROM {t} WHERE id = $1"), 2);
        auto some = co_await p.query_opt<entry>(table.sql("SELECT id, note FROM {t} WHERE id = $1"), 1);
        auto none = co_await p.query_opt<entry>(table.sql("SELECT id, note FROM {t} WHERE id = $1"), 3);
        auto count = co_await p.query_value<std::int64_t>(table.sql("SELECT count(*) FROM {t}"));
        auto tuples = co_await p.query<std::tuple<std::int32_t, std::optional<std::string>>>(
            "SELECT g, CASE WHEN g > 1 THEN g::text END FROM generate_series(1, $1) g ORDER BY g", 3);
        auto updated = co_await p.execute(table.sql("UPDATE {t} SET note = upper(note)"));
        p.sync();

        // In any order.
        const auto n_updated = co_await updated.get();
        CHECK(n_updated == 2);
        const auto n_inserted = co_await inserted.get();
        CHECK(n_inserted == 2);
        const auto all = co_await rows.get();
        REQUIRE(all.size() == 2);
        CHECK(all[0] == entry{1, "one"});
        CHECK(all[1] == entry{2, "two"});
        const auto got_one = co_await one.get();
        CHECK(got_one == entry{2, "two"});
        const auto got_some = co_await some.get();
        CHECK(got_some == entry{1, "one"});
        const auto got_none = co_await none.get();
        CHECK(got_none == std::nullopt);
        const auto got_count = co_await count.get();
        CHECK(got_count == 2);
        const auto numbered = co_await tuples.get();
        REQUIRE(numbered.size() == 3);
        CHECK(numbered[0] == std::make_tuple(1, std::optional<std::string>()));
        CHECK(numbered[2] == std::make_tuple(3, std::optional<std::string>("3")));

        co_await p.finish();
        CHECK_FALSE(p.open());
        co_await p.finish();  // twice: harmless
        // What the server committed, as another session sees it.
        CHECK(table.ids() == ids{1, 2});
        CHECK(table.oracle().query_value<std::string>(table.sql("SELECT string_agg(note, ',' ORDER BY id) FROM {t}"))
            == "ONE,TWO");
        co_await check_idle_and_usable(conn, table.oracle());
        co_return;
    });
}

TEST_CASE("async_pending::get() delivers a value once", "[asio][pipeline]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        auto p = co_await conn.pipeline();
        auto value = co_await p.query_value<std::int32_t>("SELECT 5");
        auto count = co_await p.execute("SELECT 1");
        p.sync();
        const auto five = co_await value.get();
        CHECK(five == 5);
        CHECK(value.ready());
        const auto again = co_await thrown_by(value.get());
        CAPTURE(describe(again));
        CHECK(is_exactly<typq::usage_error>(again));
        CHECK_THAT(message_of(again), Contains("once"));
        const auto one = co_await count.get();
        CHECK(one == 1);
        const auto count_again = co_await thrown_by(count.get());
        CHECK(is_exactly<typq::usage_error>(count_again));
        co_await p.finish();
        // After finish() too.
        const auto after = co_await thrown_by(value.get());
        CHECK(is_exactly<typq::usage_error>(after));
        co_return;
    });
}

TEST_CASE("async_pending::get() before any sync point waits for the result, the segment commits at the sync point",
    "[asio][pipeline]")
{
    shared_table table("pipe_nosync");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        auto p = co_await conn.pipeline();
        auto doubled = co_await p.query_value<std::int32_t>("SELECT $1::int4 * 2", 21);
        CHECK_FALSE(doubled.ready());
        const auto got = co_await doubled.get();
        CHECK(got == 42);

        auto inserted = co_await p.execute(table.sql("INSERT INTO {t} (id) VALUES ($1)"), 1);
        auto later = co_await p.query_value<std::int64_t>("SELECT $1::int8 + 1", std::int64_t{9});
        const auto ten = co_await later.get();
        CHECK(ten == 10);
        CHECK(inserted.ready());  // results come in order
        const auto n = co_await inserted.get();
        CHECK(n == 1);
        // The statements since the last sync point form one implicit transaction, open until the next.
        CHECK(table.ids().empty());
        // The server reports a backend idle only at a sync point (ReadyForQuery): until then its
        // segment's implicit transaction is open and pg_stat_activity says "active".
        CHECK(backend_state(table.oracle(), pid) == "active");
        p.sync();
        auto after = co_await p.query_value<std::int32_t>("SELECT 3");
        const auto three = co_await after.get();
        CHECK(three == 3);
        CHECK(table.ids() == ids{1});
        co_await p.finish();
        CHECK(table.ids() == ids{1});
        co_await check_idle_and_usable(conn, table.oracle());
        co_return;
    });
}

TEST_CASE("async_pipeline: a failing statement throws its error, the rest of its sync segment is skipped and "
          "rolled back, the next segment runs",
    "[asio][pipeline]")
{
    shared_table table("pipe_fail");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const auto insert = table.sql("INSERT INTO {t} (id) VALUES ($1)");

        SECTION("the results read after the sync points")
        {
            auto p = co_await conn.pipeline();
            auto before = co_await p.execute(insert, 1);
            auto failing = co_await p.query_value<std::int32_t>("SELECT 1 / $1::int4", 0);
            auto skipped = co_await p.execute(insert, 2);
            auto skipped_value = co_await p.query_value<std::int32_t>("SELECT 42");
            p.sync();
            auto after = co_await p.execute(insert, 3);
            auto after_value = co_await p.query_value<std::int32_t>("SELECT $1::int4 + 1", 6);
            p.sync();

            const auto n_before = co_await before.get();
            CHECK(n_before == 1);  // it ran, and was rolled back with its segment
            const auto failed = co_await thrown_by(failing.get());
            CAPTURE(describe(failed));
            CHECK(is_exactly<typq::division_by_zero>(failed));
            CHECK_THAT(message_of(failed), Contains("division by zero"));
            const auto failed_again = co_await thrown_by(failing.get());  // every get() throws it
            CHECK(is_exactly<typq::division_by_zero>(failed_again));
            const auto skip = co_await thrown_by(skipped.get());
            CAPTURE(describe(skip));
            CHECK(is_exactly<typq::pipeline_aborted>(skip));
            CHECK_THAT(message_of(skip), Contains("earlier statement in the pipeline failed"));
            const auto skip_value = co_await thrown_by(skipped_value.get());
            CHECK(is_exactly<typq::pipeline_aborted>(skip_value));
            const auto n_after = co_await after.get();
            CHECK(n_after == 1);
            const auto seven = co_await after_value.get();
            CHECK(seven == 7);
            co_await p.finish();
        }
        SECTION("the results read before the sync point")
        {
            auto p = co_await conn.pipeline();
            auto before = co_await p.execute(insert, 1);
            auto failing = co_await p.execute(insert, 1);  // unique_violation
            auto skipped = co_await p.execute(insert, 2);
            const auto failed = co_await thrown_by(failing.get());
            CAPTURE(describe(failed));
            CHECK(is_exactly<typq::unique_violation>(failed));
            const auto skip = co_await thrown_by(skipped.get());
            CHECK(is_exactly<typq::pipeline_aborted>(skip));
            const auto n_before = co_await before.get();
            CHECK(n_before == 1);
            p.sync();
            auto after = co_await p.execute(insert, 3);
            const auto n_after = co_await after.get();
            CHECK(n_after == 1);
            co_await p.finish();
        }
        // The server's answer: of the failed segment nothing landed.
        CHECK(table.ids() == ids{3});
        co_await check_idle_and_usable(conn, table.oracle());
        co_return;
    });
}

TEST_CASE("async_pipeline: errors found by typq in a statement's rows fail only that statement", "[asio][pipeline]")
{
    shared_table table("pipe_conversion");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        auto p = co_await conn.pipeline();
        auto first = co_await p.execute(table.sql("INSERT INTO {t} (id) VALUES ($1)"), 1);
        auto no_row = co_await p.query_one<std::int32_t>("SELECT 1 WHERE false");
        auto two_rows = co_await p.query_opt<std::int32_t>("SELECT generate_series(1, 2)");
        auto two_values = co_await p.query_value<std::int32_t>("SELECT generate_series(1, 2)");
        auto misfit = co_await p.query<std::tuple<std::int32_t, std::int32_t>>("SELECT 1");
        auto wrong_type = co_await p.query_value<std::int32_t>("SELECT 'text'::text");
        auto null = co_await p.query_value<std::int32_t>("SELECT NULL::int4");
        auto fine = co_await p.query_value<std::int32_t>("SELECT 8");
        auto second = co_await p.execute(table.sql("INSERT INTO {t} (id) VALUES ($1)"), 2);
        p.sync();

        const auto e_no_row = co_await thrown_by(no_row.get());
        CAPTURE(describe(e_no_row));
        CHECK(is_exactly<typq::no_rows>(e_no_row));
        const auto e_two_rows = co_await thrown_by(two_rows.get());
        CHECK(is_exactly<typq::too_many_rows>(e_two_rows));
        const auto e_two_values = co_await thrown_by(two_values.get());
        CHECK(is_exactly<typq::too_many_rows>(e_two_values));
        const auto e_misfit = co_await thrown_by(misfit.get());
        CAPTURE(describe(e_misfit));
        CHECK(is_exactly<typq::conversion_error>(e_misfit));
        CHECK_THAT(message_of(e_misfit), Contains("result does not fit"));
        const auto e_wrong_type = co_await thrown_by(wrong_type.get());
        CAPTURE(describe(e_wrong_type));
        CHECK(is_exactly<typq::conversion_error>(e_wrong_type));
        const auto e_null = co_await thrown_by(null.get());
        CHECK(is_exactly<typq::conversion_error>(e_null));
        const auto eight = co_await fine.get();
        CHECK(eight == 8);
        const auto n_first = co_await first.get();
        const auto n_second = co_await second.get();
        CHECK(n_first == 1);
        CHECK(n_second == 1);
        co_await p.finish();
        // The server saw no error: the segment committed, statements on both sides of the misfits.
        CHECK(table.ids() == ids{1, 2});
        co_await check_idle_and_usable(conn, table.oracle());
        co_return;
    });
}

// --- conn.pipeline(body) --------------------------------------------------------------------------

TEST_CASE("conn.pipeline(body): the body's value, and the pipeline finished also when the body throws",
    "[asio][pipeline][body]")
{
    shared_table table("pipe_body");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const auto insert = table.sql("INSERT INTO {t} (id) VALUES ($1)");

        SECTION("the value the body returns")
        {
            const auto got = co_await conn.pipeline([&](typq::async_pipeline& p) -> awaitable<std::int32_t> {
                auto doubled = co_await p.query_value<std::int32_t>("SELECT $1::int4 * 2", 21);
                co_return co_await doubled.get();
            });
            CHECK(got == 42);
            CHECK(table.ids().empty());
        }
        SECTION("a void body that reads nothing: its statements run and commit, its handles are answered")
        {
            std::optional<typq::async_pending<std::uint64_t>> inserted;
            std::optional<typq::async_pending<std::int32_t>> value;
            co_await conn.pipeline([&](typq::async_pipeline& p) -> awaitable<void> {
                inserted.emplace(co_await p.execute(insert, 1));
                p.sync();
                (void)co_await p.execute(insert, 2);
                value.emplace(co_await p.query_value<std::int32_t>("SELECT 11"));
            });
            CHECK(table.ids() == ids{1, 2});
            REQUIRE(inserted.has_value());
            CHECK(inserted->ready());
            const auto n = co_await inserted->get();
            CHECK(n == 1);
            REQUIRE(value.has_value());
            const auto eleven = co_await value->get();
            CHECK(eleven == 11);
        }
        SECTION("a body that throws: its exception passes through, what it queued runs and commits")
        {
            std::optional<typq::async_pending<std::int32_t>> value;
            const auto thrown = co_await thrown_by(conn.pipeline([&](typq::async_pipeline& p) -> awaitable<void> {
                (void)co_await p.execute(insert, 1);
                p.sync();
                (void)co_await p.execute(insert, 2);
                value.emplace(co_await p.query_value<std::int32_t>("SELECT 11"));
                throw body_failed("the body's own failure");
            }));
            CAPTURE(describe(thrown));
            CHECK(is_exactly<body_failed>(thrown));
            CHECK(conn.transaction_status() == typq::transaction_status::idle);
            CHECK(backend_state(table.oracle(), conn.backend_pid()) == "idle");
            CHECK(table.ids() == ids{1, 2});  // sync semantics: queued before the throw, committed
            REQUIRE(value.has_value());
            CHECK(value->ready());
            const auto eleven = co_await value->get();
            CHECK(eleven == 11);
        }
        SECTION("a body that throws a statement's error from get(): that error passes through")
        {
            const auto thrown = co_await thrown_by(conn.pipeline([&](typq::async_pipeline& p) -> awaitable<void> {
                (void)co_await p.execute(insert, 1);
                auto failing = co_await p.execute(insert, 1);
                (void)co_await p.execute(insert, 2);
                p.sync();
                (void)co_await p.execute(insert, 3);
                (void)co_await failing.get();
                (void)co_await p.execute(insert, 4);  // not reached
            }));
            CAPTURE(describe(thrown));
            CHECK(is_exactly<typq::unique_violation>(thrown));
            CHECK(table.ids() == ids{3});  // the failed segment rolled back; the one queued after the sync point ran
        }
        SECTION("a body that throws after a failed statement nobody asked about")
        {
            const auto thrown = co_await thrown_by(conn.pipeline([&](typq::async_pipeline& p) -> awaitable<void> {
                (void)co_await p.query_value<std::int32_t>("SELECT 1 / 0");
                (void)co_await p.execute(insert, 1);
                throw body_failed("the body's own failure");
            }));
            CAPTURE(describe(thrown));
            CHECK(is_exactly<body_failed>(thrown));
            CHECK(table.ids().empty());
        }
        co_await check_idle_and_usable(conn, table.oracle());
        co_return;
    });
}

// --- the busy connection ---------------------------------------------------------------------------

TEST_CASE("while an async_pipeline is open, the connection's own operations throw usage_error", "[asio][pipeline]")
{
    shared_table table("pipe_busy");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const auto insert = table.sql("INSERT INTO {t} (id) VALUES ($1)");
        auto p = co_await conn.pipeline();
        auto first = co_await p.query_value<std::int32_t>("SELECT 1");
        // What only reads the connection's state works, as on a typq::connection.
        CHECK(conn.backend_pid() > 0);
        CHECK(conn.server_version() >= 150000);

        const auto script = co_await thrown_by(conn.execute(table.sql("INSERT INTO {t} (id) VALUES (1)")));
        CAPTURE(describe(script));
        CHECK(is_exactly<typq::usage_error>(script));
        CHECK_THAT(message_of(script), Contains("typq::async_pipeline is still open"));
        const auto with_parameter = co_await thrown_by(conn.execute(insert, 1));
        CHECK(is_exactly<typq::usage_error>(with_parameter));
        const auto value = co_await thrown_by(conn.query_value<std::int32_t>("SELECT 2"));
        CHECK(is_exactly<typq::usage_error>(value));
        const auto rows = co_await thrown_by(conn.query<std::int32_t>("SELECT 2"));
        CHECK(is_exactly<typq::usage_error>(rows));
        const auto stream = co_await thrown_by(conn.stream<std::int32_t>("SELECT 2"));
        CHECK(is_exactly<typq::usage_error>(stream));
        const auto prepare = co_await thrown_by(conn.prepare<std::int32_t>("SELECT $1::int4"));
        CHECK(is_exactly<typq::usage_error>(prepare));
        const auto second = co_await thrown_by(conn.pipeline());
        CHECK(is_exactly<typq::usage_error>(second));
        const auto begin = co_await thrown_by(conn.begin());
        CHECK(is_exactly<typq::usage_error>(begin));
        std::vector<std::tuple<std::int32_t>> many_rows;  // not a braced list: g++ 12 cannot keep one in a coroutine
        many_rows.emplace_back(1);
        const auto many = co_await thrown_by(conn.execute_many(insert, many_rows));
        CHECK(is_exactly<typq::usage_error>(many));
        const auto listening = co_await thrown_by(conn.listen(std::string("typq_pipeline_channel")));
        CHECK(is_exactly<typq::usage_error>(listening));

        // The pipeline is not disturbed.
        auto later = co_await p.query_value<std::int32_t>("SELECT 2");
        p.sync();
        const auto one = co_await first.get();
        CHECK(one == 1);
        const auto two = co_await later.get();
        CHECK(two == 2);
        co_await p.finish();

        // Finished: the pipeline refuses more, the connection works again.
        const auto queued_after = co_await thrown_by(p.query_value<std::int32_t>("SELECT 3"));
        CAPTURE(describe(queued_after));
        CHECK(is_exactly<typq::usage_error>(queued_after));
        bool sync_refused = false;
        try {
            p.sync();
        }
        catch (const typq::usage_error&) {
            sync_refused = true;
        }
        CHECK(sync_refused);
        CHECK(table.ids().empty());
        const auto n = co_await conn.execute(insert, 1);
        CHECK(n == 1);
        const auto three = co_await conn.query_value<std::int32_t>("SELECT 3");
        CHECK(three == 3);
        auto tx = co_await conn.begin();
        co_await tx.commit();
        CHECK(table.ids() == ids{1});
        co_await check_idle_and_usable(conn, table.oracle());
        co_return;
    });
}

TEST_CASE("async_pipeline with nothing queued, or only sync points, finishes at once", "[asio][pipeline]")
{
    auto oracle = typq_test::connect();
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        {
            auto p = co_await conn.pipeline();
            co_await p.finish();
        }
        {
            auto p = co_await conn.pipeline();
            p.sync();
            p.sync();
            co_await p.finish();
        }
        co_await conn.pipeline([](typq::async_pipeline&) -> awaitable<void> { co_return; });
        co_await check_idle_and_usable(conn, oracle);
        co_return;
    });
}

// --- transactions ------------------------------------------------------------------------------------

TEST_CASE("async_pipeline inside a transaction block", "[asio][pipeline][transaction]")
{
    shared_table table("pipe_tx");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        const auto insert = table.sql("INSERT INTO {t} (id) VALUES ($1)");

        SECTION("its statements commit with the transaction, not at its sync points")
        {
            auto tx = co_await conn.begin();
            {
                auto p = co_await conn.pipeline();
                auto a = co_await p.execute(insert, 1);
                p.sync();
                auto b = co_await p.execute(insert, 2);
                p.sync();
                const auto n_a = co_await a.get();
                const auto n_b = co_await b.get();
                CHECK(n_a == 1);
                CHECK(n_b == 1);
                co_await p.finish();
            }
            CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
            CHECK(backend_state(table.oracle(), pid) == "idle in transaction");
            CHECK(table.ids().empty());
            co_await tx.commit();
            CHECK(table.ids() == ids{1, 2});
        }
        SECTION("a failure aborts the transaction, also past the sync point")
        {
            auto tx = co_await conn.begin();
            {
                auto p = co_await conn.pipeline();
                auto a = co_await p.execute(insert, 1);
                auto failing = co_await p.execute(insert, 1);
                auto skipped = co_await p.execute(insert, 2);
                p.sync();
                auto after = co_await p.execute(insert, 3);
                p.sync();
                const auto n_a = co_await a.get();
                CHECK(n_a == 1);
                const auto e_failing = co_await thrown_by(failing.get());
                CAPTURE(describe(e_failing));
                CHECK(is_exactly<typq::unique_violation>(e_failing));
                const auto e_skipped = co_await thrown_by(skipped.get());
                CHECK(is_exactly<typq::pipeline_aborted>(e_skipped));
                const auto e_after = co_await thrown_by(after.get());
                CAPTURE(describe(e_after));
                CHECK(is_exactly<typq::in_failed_sql_transaction>(e_after));
                co_await p.finish();
            }
            CHECK(conn.transaction_status() == typq::transaction_status::in_error);
            CHECK(backend_state(table.oracle(), pid) == "idle in transaction (aborted)");
            co_await tx.rollback();
            CHECK(table.ids().empty());
        }
        SECTION("conn.transaction(body) around conn.pipeline(body): committed when both return")
        {
            const auto got = co_await conn.transaction([&]() -> awaitable<std::int64_t> {
                co_return co_await conn.pipeline([&](typq::async_pipeline& p) -> awaitable<std::int64_t> {
                    (void)co_await p.execute(insert, 1);
                    p.sync();
                    (void)co_await p.execute(insert, 2);
                    auto count = co_await p.query_value<std::int64_t>(table.sql("SELECT count(*) FROM {t}"));
                    co_return co_await count.get();
                });
            });
            CHECK(got == 2);
            CHECK(table.ids() == ids{1, 2});
        }
        SECTION("conn.transaction(body) whose body throws after its pipeline: all rolled back")
        {
            const auto thrown = co_await thrown_by(conn.transaction([&]() -> awaitable<void> {
                co_await conn.pipeline([&](typq::async_pipeline& p) -> awaitable<void> {
                    (void)co_await p.execute(insert, 1);
                    p.sync();
                    (void)co_await p.execute(insert, 2);
                });
                throw body_failed("after the pipeline");
            }));
            CAPTURE(describe(thrown));
            CHECK(is_exactly<body_failed>(thrown));
            CHECK(table.ids().empty());
        }
        SECTION("conn.transaction(body) whose pipeline body throws: the transaction rolls back too")
        {
            const auto thrown = co_await thrown_by(conn.transaction([&]() -> awaitable<void> {
                co_await conn.pipeline([&](typq::async_pipeline& p) -> awaitable<void> {
                    (void)co_await p.execute(insert, 1);
                    throw body_failed("inside the pipeline");
                });
            }));
            CAPTURE(describe(thrown));
            CHECK(is_exactly<body_failed>(thrown));
            CHECK(table.ids().empty());
        }
        co_await check_idle_and_usable(conn, table.oracle());
        co_return;
    });
}

// --- long pipelines ------------------------------------------------------------------------------------

TEST_CASE("a long async_pipeline does not deadlock", "[asio][pipeline][long]")
{
    shared_table table("pipe_long");
    run(
        [&]() -> awaitable<void> {
            auto conn = co_await connect();

            SECTION("100,000 statements queued before the first get()")
            {
                constexpr std::int32_t n = 100000;
                std::vector<typq::async_pending<std::int64_t>> doubled;
                doubled.reserve(n);
                auto p = co_await conn.pipeline();
                for (std::int32_t i = 0; i < n; ++i)
                    doubled.push_back(co_await p.query_value<std::int64_t>("SELECT $1::int8 * 2", std::int64_t{i}));
                p.sync();
                bool all = true;
                for (std::int32_t i = 0; i < n; ++i) {
                    const auto got = co_await doubled[static_cast<std::size_t>(i)].get();
                    all = all && got == std::int64_t{2} * i;
                }
                CHECK(all);
                co_await p.finish();
            }
            SECTION("20,000 inserts without a sync point, then a count; finish() commits them")
            {
                constexpr std::int32_t n = 20000;
                std::vector<typq::async_pending<std::uint64_t>> inserted;
                inserted.reserve(n);
                auto p = co_await conn.pipeline();
                for (std::int32_t i = 1; i <= n; ++i)
                    inserted.push_back(co_await p.execute(table.sql("INSERT INTO {t} (id) VALUES ($1)"), i));
                auto count = co_await p.query_value<std::int64_t>(table.sql("SELECT count(*) FROM {t}"));
                const auto counted = co_await count.get();
                CHECK(counted == n);
                std::uint64_t total = 0;
                for (auto& one : inserted)
                    total += co_await one.get();
                CHECK(total == n);
                CHECK(table.ids().empty());  // not committed before the sync point
                co_await p.finish();
                CHECK(table.oracle().query_value<std::int64_t>(table.sql("SELECT sum(id) FROM {t}"))
                    == std::int64_t{n} * (n + 1) / 2);
            }
            SECTION("20,000 statements queued and finished without a get()")
            {
                constexpr std::int32_t n = 20000;
                auto p = co_await conn.pipeline();
                for (std::int32_t i = 1; i <= n; ++i)
                    (void)co_await p.execute(table.sql("INSERT INTO {t} (id, note) VALUES ($1, repeat('x', 100))"), i);
                co_await p.finish();
                CHECK(table.oracle().query_value<std::int64_t>(table.sql("SELECT count(*) FROM {t}")) == n);
            }
            co_await check_idle_and_usable(conn, table.oracle());
            co_return;
        },
        120s);
}

TEST_CASE("an async_pipeline sends and receives big values", "[asio][pipeline][long]")
{
    auto oracle = typq_test::connect();
    constexpr std::size_t size = 1024 * 1024;
    constexpr std::size_t count = 24;
    std::vector<std::string> sent;
    for (std::size_t i = 0; i < count; ++i) {
        std::string value(size, static_cast<char>('a' + i));
        value[i * 1000] = '!';
        sent.push_back(std::move(value));
    }
    run(
        [&]() -> awaitable<void> {
            auto conn = co_await connect();
            auto p = co_await conn.pipeline();
            std::vector<typq::async_pending<std::string>> echoed;
            std::vector<typq::async_pending<std::int32_t>> lengths;
            for (const std::string& value : sent) {
                echoed.push_back(co_await p.query_value<std::string>("SELECT $1::text", value));
                lengths.push_back(co_await p.query_value<std::int32_t>("SELECT length($1::text)", value));
            }
            auto made = co_await p.query_value<std::string>("SELECT repeat('xyz', $1)", 1000000);
            p.sync();
            for (std::size_t i = 0; i < count; ++i) {
                CAPTURE(i);
                const auto length = co_await lengths[i].get();
                CHECK(length == static_cast<std::int32_t>(size));
                const std::string back = co_await echoed[i].get();
                CHECK(back.size() == size);
                CHECK(back == sent[i]);
            }
            const std::string big = co_await made.get();
            CHECK(big.size() == 3000000);
            CHECK(big.substr(2999997) == "xyz");
            co_await p.finish();
            co_await check_idle_and_usable(conn, oracle);
            co_return;
        },
        120s);
}

// --- server-defined types ---------------------------------------------------------------------------

TEST_CASE("an async_pipeline on a fresh connection sends and reads server-defined types",
    "[asio][pipeline][server_types]")
{
    auto oracle = typq_test::connect();
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        (void)co_await conn.execute("CREATE TYPE pg_temp.pipeline_mood AS ENUM ('sad', 'ok', 'happy');"
                                    "CREATE TYPE pg_temp.pipeline_pair AS (a int4, b text)");

        SECTION("an enum parameter and an enum column")
        {
            auto p = co_await conn.pipeline();
            auto as_text = co_await p.query_value<std::string>("SELECT $1::text", mood::happy);
            auto column = co_await p.query_value<mood>("SELECT 'ok'::pipeline_mood");
            auto both = co_await p.query<std::tuple<mood, std::int32_t>>(
                "SELECT m, $1::int4 FROM unnest(ARRAY[$2, 'sad']::pipeline_mood[]) m", 5, mood::ok);
            auto plain = co_await p.query_value<std::int32_t>("SELECT 3");
            p.sync();
            const auto text = co_await as_text.get();
            CHECK(text == "happy");
            const auto m = co_await column.get();
            CHECK(m == mood::ok);
            const auto rows = co_await both.get();
            REQUIRE(rows.size() == 2);
            CHECK(rows[0] == std::make_tuple(mood::ok, 5));
            CHECK(rows[1] == std::make_tuple(mood::sad, 5));
            const auto three = co_await plain.get();
            CHECK(three == 3);
            co_await p.finish();
        }
        SECTION("a column first, read before a sync point")
        {
            auto p = co_await conn.pipeline();
            auto column = co_await p.query_value<mood>("SELECT 'sad'::pipeline_mood");
            const auto m = co_await column.get();
            CHECK(m == mood::sad);
            auto parameter = co_await p.query_value<bool>("SELECT $1 = 'happy'::pipeline_mood", mood::happy);
            const auto equal = co_await parameter.get();
            CHECK(equal);
            co_await p.finish();
        }
        SECTION("a composite column and parameter")
        {
            auto p = co_await conn.pipeline();
            auto column = co_await p.query_value<pair>("SELECT ROW(1, 'one')::pipeline_pair");
            // A named value: g++ 12 mangles an aggregate temporary holding a std::string that lives
            // across a co_await (pair{2, "two"} as the argument frees a pointer into the frame).
            const pair two{2, "two"};
            auto parameter =
                co_await p.query_value<std::string>("SELECT ($1::pipeline_pair).b || ($1::pipeline_pair).a", two);
            p.sync();
            const auto got = co_await column.get();
            CHECK(got == pair{1, "one"});
            const auto text = co_await parameter.get();
            CHECK(text == "two2");
            co_await p.finish();
        }
        SECTION("after a failed statement: a column's lookup is skipped too, and works after the sync point")
        {
            auto p = co_await conn.pipeline();
            auto failing = co_await p.query_value<std::int32_t>("SELECT 1 / 0");
            auto skipped = co_await p.query_value<mood>("SELECT 'ok'::pipeline_mood");
            p.sync();
            auto after = co_await p.query_value<mood>("SELECT 'happy'::pipeline_mood");
            p.sync();
            const auto e_failing = co_await thrown_by(failing.get());
            CHECK(is_exactly<typq::division_by_zero>(e_failing));
            const auto e_skipped = co_await thrown_by(skipped.get());
            CAPTURE(describe(e_skipped));
            CHECK(is_exactly<typq::pipeline_aborted>(e_skipped));
            const auto m = co_await after.get();
            CHECK(m == mood::happy);
            co_await p.finish();
        }
        SECTION("after a failed statement: a parameter's lookup is skipped, and the handle says so")
        {
            auto p = co_await conn.pipeline();
            auto failing = co_await p.query_value<std::int32_t>("SELECT 1 / 0");
            std::optional<typq::async_pending<std::string>> skipped;
            const auto queued = co_await thrown_by([&]() -> awaitable<void> {
                skipped.emplace(co_await p.query_value<std::string>("SELECT $1::text", mood::ok));
            }());
            CAPTURE(describe(queued));
            CHECK_FALSE(queued);
            p.sync();
            auto after = co_await p.query_value<std::string>("SELECT $1::text", mood::happy);
            p.sync();
            const auto e_failing = co_await thrown_by(failing.get());
            CHECK(is_exactly<typq::division_by_zero>(e_failing));
            REQUIRE(skipped.has_value());
            const auto e_skipped = co_await thrown_by(skipped->get());
            CAPTURE(describe(e_skipped));
            CHECK(is_exactly<typq::pipeline_aborted>(e_skipped));
            const auto text = co_await after.get();
            CHECK(text == "happy");
            co_await p.finish();
        }
        co_await check_idle_and_usable(conn, oracle);
        const auto back = co_await conn.query_value<mood>("SELECT $1", mood::ok);
        CHECK(back == mood::ok);
        co_return;
    });
}

TEST_CASE("automatic preparation inside an async_pipeline", "[asio][pipeline][prepare]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect({.prepare_threshold = 0});
        {
            auto p = co_await conn.pipeline();
            std::vector<typq::async_pending<std::int32_t>> tripled;
            for (std::int32_t i = 0; i < 10; ++i)
                tripled.push_back(co_await p.query_value<std::int32_t>("SELECT $1::int4 * 3", i));
            p.sync();
            for (std::int32_t i = 0; i < 10; ++i) {
                const auto got = co_await tripled[static_cast<std::size_t>(i)].get();
                CHECK(got == 3 * i);
            }
            co_await p.finish();
        }
        // A script (never prepared) counts what the server prepared: one statement, run 10 times.
        const auto statements =
            co_await conn.execute("SELECT FROM pg_prepared_statements WHERE statement = 'SELECT $1::int4 * 3'");
        CHECK(statements == 1);
        const auto runs = co_await conn.execute(
            "SELECT FROM pg_prepared_statements, generate_series(1, generic_plans + custom_plans) "
            "WHERE statement = 'SELECT $1::int4 * 3'");
        CHECK(runs == 10);
        // The statement prepared in the pipeline serves the connection afterwards.
        const auto fifteen = co_await conn.query_value<std::int32_t>("SELECT $1::int4 * 3", 5);
        CHECK(fifteen == 15);
        const auto runs_after = co_await conn.execute(
            "SELECT FROM pg_prepared_statements, generate_series(1, generic_plans + custom_plans) "
            "WHERE statement = 'SELECT $1::int4 * 3'");
        CHECK(runs_after == 11);
        co_return;
    });
}

// --- abandoned pipelines ------------------------------------------------------------------------------

TEST_CASE("an async_pipeline destroyed without finish(): its statements still run, read by the next operation",
    "[asio][pipeline][abandon]")
{
    shared_table table("pipe_abandon");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        const auto insert = table.sql("INSERT INTO {t} (id) VALUES ($1)");

        SECTION("some results read, an INSERT not synced")
        {
            std::optional<typq::async_pending<std::uint64_t>> inserted;
            std::optional<typq::async_pending<std::int32_t>> value;
            {
                auto p = co_await conn.pipeline();
                auto early = co_await p.query_value<std::int32_t>("SELECT 10");
                inserted.emplace(co_await p.execute(insert, 1));
                value.emplace(co_await p.query_value<std::int32_t>("SELECT 11"));
                const auto ten = co_await early.get();
                CHECK(ten == 10);
            }
            // The pipeline has gone, its last result has not come: get() cannot wait for it.
            CHECK_FALSE(value->ready());
            const auto too_early = co_await thrown_by(value->get());
            CAPTURE(describe(too_early));
            CHECK(is_exactly<typq::usage_error>(too_early));

            const auto n = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
            CHECK(n == 42);
            CHECK(conn.transaction_status() == typq::transaction_status::idle);
            CHECK(backend_state(table.oracle(), pid) == "idle");
            CHECK(table.ids() == ids{1});  // sync semantics: the INSERT ran and committed

            // The next operation read the rest, and handed it to the handles.
            CHECK(inserted->ready());
            CHECK(value->ready());
            const auto n_inserted = co_await inserted->get();
            CHECK(n_inserted == 1);
            const auto eleven = co_await value->get();
            CHECK(eleven == 11);
        }
        SECTION("no result ever read, a failed statement nobody asked about")
        {
            {
                auto p = co_await conn.pipeline();
                (void)co_await p.execute(insert, 1);
                (void)co_await p.execute(insert, 1);
                (void)co_await p.execute(insert, 2);
                p.sync();
                (void)co_await p.execute(insert, 3);
            }
            const auto n = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
            CHECK(n == 42);
            CHECK(table.ids() == ids{3});
        }
        SECTION("thousands of statements never read")
        {
            {
                auto p = co_await conn.pipeline();
                for (std::int32_t i = 1; i <= 5000; ++i)
                    (void)co_await p.execute(insert, i);
            }
            const auto n = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
            CHECK(n == 42);
            CHECK(table.ids().size() == 5000);
        }
        SECTION("nothing queued")
        {
            {
                auto p = co_await conn.pipeline();
            }
            {
                auto p = co_await conn.pipeline();
                p.sync();
            }
            const auto n = co_await conn.query_value<std::int32_t>("SELECT 5");
            CHECK(n == 5);
        }
        SECTION("the next operation is a pipeline, or a transaction")
        {
            {
                auto p = co_await conn.pipeline();
                (void)co_await p.execute(insert, 1);
            }
            {
                auto p = co_await conn.pipeline();
                auto two = co_await p.execute(insert, 2);
                const auto n = co_await two.get();
                CHECK(n == 1);
                co_await p.finish();
            }
            {
                auto p = co_await conn.pipeline();
                (void)co_await p.execute(insert, 3);
            }
            auto tx = co_await conn.begin();
            (void)co_await conn.execute(insert, 4);
            co_await tx.rollback();
            CHECK(table.ids() == ids{1, 2, 3});
        }
        co_await check_idle_and_usable(conn, table.oracle());
        co_return;
    });
}

TEST_CASE("an async_pipeline abandoned inside a transaction: its statements run in the transaction",
    "[asio][pipeline][abandon][transaction]")
{
    shared_table table("pipe_abandon_tx");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const auto insert = table.sql("INSERT INTO {t} (id) VALUES ($1)");
        auto tx = co_await conn.begin();
        {
            auto p = co_await conn.pipeline();
            (void)co_await p.execute(insert, 1);
        }
        (void)co_await conn.execute(insert, 2);
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        CHECK(table.ids().empty());
        co_await tx.commit();
        CHECK(table.ids() == ids{1, 2});
        co_await check_idle_and_usable(conn, table.oracle());
        co_return;
    });
}

TEST_CASE("an async_pipeline whose coroutine is destroyed while get() waits: its statements still run, "
          "read by the next operation",
    "[asio][pipeline][abandon]")
{
    // As in cancellation.cpp: the connection lives on `home`, the pipeline in a coroutine of
    // `elsewhere`. A notice makes the socket readable, `home`'s reactor queues the coroutine's
    // continuation on `elsewhere`, whose destruction destroys the coroutine while get() waits.
    shared_table table("pipe_destroyed");
    asio_test::backend_reaper reaper(table.oracle());
    asio::io_context home;
    std::optional<typq::async_connection> conn;
    asio_test::run_on(home, [&]() -> awaitable<void> {
        conn.emplace(co_await connect());
        co_return;
    });
    const int pid = conn->backend_pid();
    reaper.pid = pid;

    bool finished = false;
    {
        asio::io_context elsewhere;
        asio::co_spawn(
            elsewhere,
            [&]() -> awaitable<void> {
                auto p = co_await conn->pipeline();
                (void)co_await p.execute(table.sql("INSERT INTO {t} (id) VALUES ($1)"), 1);
                auto slow = co_await p.execute("DO $$ BEGIN RAISE NOTICE 'started'; PERFORM pg_sleep(1); END $$");
                (void)co_await p.execute(table.sql("INSERT INTO {t} (id) VALUES ($1)"), 2);
                (void)co_await slow.get();
                finished = true;
            },
            asio::detached);
        (void)elsewhere.poll();  // queues the statements; get() waits on the connection's socket
        REQUIRE(backend_reaches(table.oracle(), pid, "active"));
        home.restart();
        (void)home.run_for(3s);  // the notice arrives; the continuation is queued on `elsewhere`
    }  // `elsewhere` destroyed, and the coroutine (and its pipeline) with it
    REQUIRE_FALSE(finished);

    const auto started = test_clock::now();
    std::int32_t value = 0;
    asio_test::run_on(home, [&]() -> awaitable<void> {
        value = co_await conn->query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        co_return;
    });
    CHECK(value == 42);
    CHECK(test_clock::now() - started < 5s);
    CHECK(conn->state() == typq::connection_state::open);
    CHECK(conn->transaction_status() == typq::transaction_status::idle);
    CHECK(backend_state(table.oracle(), pid) == "idle");
    CHECK(table.ids() == ids{1, 2});  // not cancelled: every statement ran, and committed
}

// --- one coroutine at a time -------------------------------------------------------------------------

TEST_CASE("two coroutines on one async_pipeline at once: the second gets usage_error, the first is not disturbed",
    "[asio][pipeline][concurrency]")
{
    shared_table table("pipe_two");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        auto p = co_await conn.pipeline();
        auto earlier = co_await p.query_value<std::int32_t>("SELECT 6 FROM pg_sleep(0.3)");
        auto slow = co_await p.query_value<std::int32_t>("SELECT 7 FROM pg_sleep(0.3)");
        auto quick = co_await p.query_value<std::int32_t>("SELECT 8");
        p.sync();
        // The first coroutine waits for `slow`, the second (started meanwhile) is refused.
        const auto second = [&]() -> awaitable<std::exception_ptr> {
            co_await asio_test::sleep_for(50ms);  // the first coroutine waits for the server by now
            std::exception_ptr thrown;
            SECTION("the same statement's get()")
            {
                thrown = co_await thrown_by(slow.get());
            }
            SECTION("a later statement's get()")
            {
                thrown = co_await thrown_by(quick.get());
            }
            SECTION("an earlier statement's get()")
            {
                thrown = co_await thrown_by(earlier.get());
            }
            SECTION("a statement queued")
            {
                thrown = co_await thrown_by(p.query_value<std::int32_t>("SELECT $1::int4 + 100", 9));
            }
            SECTION("finish()")
            {
                thrown = co_await thrown_by(p.finish());
            }
            SECTION("sync()")
            {
                try {
                    p.sync();
                }
                catch (...) {
                    thrown = std::current_exception();
                }
            }
            co_return thrown;
        };
        const auto [first, refused] = co_await (slow.get() && second());
        CHECK(first == 7);
        CAPTURE(describe(refused));
        CHECK(is_exactly<typq::usage_error>(refused));

        // The refusal disturbed nothing: the pipeline goes on, every value as the server sent it.
        CHECK(p.open());
        auto more = co_await p.execute(table.sql("INSERT INTO {t} (id) VALUES ($1)"), 1);
        const auto six = co_await earlier.get();
        CHECK(six == 6);
        const auto eight = co_await quick.get();
        CHECK(eight == 8);
        const auto n = co_await more.get();
        CHECK(n == 1);
        co_await p.finish();
        CHECK(table.ids() == ids{1});
        co_await check_idle_and_usable(conn, table.oracle());
        co_return;
    });
}

// --- cancellation ------------------------------------------------------------------------------------

TEST_CASE("a get() cancelled through Asio cancels its statement on the server, the pipeline goes on",
    "[asio][pipeline][cancel]")
{
    shared_table table("pipe_cancel");
    asio_test::backend_reaper reaper(table.oracle());
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        reaper.pid = pid;
        const auto insert = table.sql("INSERT INTO {t} (id) VALUES ($1)");
        auto p = co_await conn.pipeline();
        auto before = co_await p.execute(insert, 1);
        auto slow = co_await p.query_value<std::int32_t>("SELECT 1 FROM pg_sleep(10)");
        auto skipped = co_await p.execute(insert, 2);
        p.sync();
        auto after = co_await p.execute(insert, 3);
        auto after_value = co_await p.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        const auto started = test_clock::now();

        SECTION("typq::within")
        {
            const auto got = co_await typq::within(slow.get(), 200ms);
            CHECK_FALSE(got.has_value());
        }
        SECTION("awaitable_operators' ||")
        {
            asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
            const auto ended = co_await (slow.get() || timer.async_wait(asio::use_awaitable));
            CHECK(ended.index() == 1);
        }
        const auto elapsed = test_clock::now() - started;
        CHECK(elapsed >= 150ms);
        CHECK(elapsed < 3s);
        // pg_sleep(10) has ended: the backend waits for the client (the segment's sync point).
        CHECK(backend_wait_event(table.oracle(), pid) == "ClientRead");

        // The statement ended as cancelled, the rest of its segment was skipped.
        CHECK(slow.ready());
        const auto cancelled = co_await thrown_by(slow.get());
        CAPTURE(describe(cancelled));
        CHECK(is_exactly<typq::query_canceled>(cancelled));
        const auto e_skipped = co_await thrown_by(skipped.get());
        CHECK(is_exactly<typq::pipeline_aborted>(e_skipped));
        const auto n_before = co_await before.get();
        CHECK(n_before == 1);
        // The next segment runs.
        const auto n_after = co_await after.get();
        CHECK(n_after == 1);
        const auto value = co_await after_value.get();
        CHECK(value == 42);
        co_await p.finish();
        CHECK(test_clock::now() - started < 5s);
        CHECK(table.ids() == ids{3});
        co_await check_idle_and_usable(conn, table.oracle());
        co_return;
    });
}

TEST_CASE("a get() cancelled through a cancellation_signal throws query_canceled", "[asio][pipeline][cancel]")
{
    auto oracle = typq_test::connect();
    asio_test::backend_reaper reaper(oracle);
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        reaper.pid = pid;
        auto p = co_await conn.pipeline();
        auto slow = co_await p.query_value<std::int32_t>("SELECT 1 FROM pg_sleep(10)");
        p.sync();
        auto next = co_await p.query_value<std::int32_t>("SELECT 2");

        asio::cancellation_signal signal;
        asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
        timer.async_wait([&](boost::system::error_code) { signal.emit(asio::cancellation_type::terminal); });
        const auto started = test_clock::now();
        std::exception_ptr thrown;
        try {
            (void)co_await asio::co_spawn(co_await asio::this_coro::executor, slow.get(),
                asio::bind_cancellation_slot(signal.slot(), asio::use_awaitable));
        }
        catch (...) {
            thrown = std::current_exception();
        }
        CHECK(test_clock::now() - started < 3s);
        CAPTURE(describe(thrown));
        CHECK(is_exactly<typq::query_canceled>(thrown));
        CHECK(backend_wait_event(oracle, pid) == "ClientRead");  // no longer in pg_sleep(10)
        const auto two = co_await next.get();
        CHECK(two == 2);
        co_await p.finish();
        co_await check_idle_and_usable(conn, oracle);
        co_return;
    });
}

TEST_CASE("finish() raced with a timer: the statement is cancelled, the pipeline ends, the connection works",
    "[asio][pipeline][cancel]")
{
    shared_table table("pipe_cancel_finish");
    asio_test::backend_reaper reaper(table.oracle());
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        reaper.pid = pid;
        auto p = co_await conn.pipeline();
        auto inserted = co_await p.execute(table.sql("INSERT INTO {t} (id) VALUES ($1)"), 1);
        auto slow = co_await p.query_value<std::int32_t>("SELECT 1 FROM pg_sleep(10)");
        const auto started = test_clock::now();
        const bool ended = co_await typq::within(p.finish(), 200ms);
        CHECK_FALSE(ended);
        CHECK(test_clock::now() - started < 3s);
        REQUIRE(backend_reaches(table.oracle(), pid, "idle", 3s));
        const auto cancelled = co_await thrown_by(slow.get());
        CAPTURE(describe(cancelled));
        CHECK(is_exactly<typq::query_canceled>(cancelled));
        const auto n = co_await inserted.get();
        CHECK(n == 1);
        CHECK(table.ids().empty());  // rolled back with its segment
        co_await p.finish();  // a no-op, or the rest of it
        CHECK_FALSE(p.open());
        co_await check_idle_and_usable(conn, table.oracle());
        co_return;
    });
}

}  // namespace asio_pipelines_test
