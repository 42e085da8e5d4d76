// SPDX-License-Identifier: BSL-1.0
// tests/deployment/pgbouncer.cpp: typq::connection through PgBouncer 1.18 (the fixture
// `deployment`). In transaction mode, with default options, every statement form works: one-shot,
// automatically prepared, prepare(), stream, pipeline, execute_many, COPY, transactions, alone and
// from several connections at once, with no statement lost or run twice. Prepared statements live
// on one server connection there: a statement typq prepared that is missing (26000) outside a
// transaction block runs once more unprepared and the connection prepares nothing from then on;
// inside one it throws an error that names the cause and the option. With
// {.prepare_threshold = std::nullopt} the same works without that. Session mode keeps prepared
// statements. Server-defined types (enums, composites) are looked up through it by many
// connections at once. What transaction mode cannot do (session state) fails as documented.
//
// The transaction-mode PgBouncer keeps 4 server connections and hands out the one idle longest
// (tests/support/pg_fixture.sh): a client's next transaction gets another server connection than
// its last, so each test below meets the change it is about.

#include "deployment_env.hpp"

#include <array>     // the enum's labels
#include <cstdint>   // std::int32_t, std::int64_t
#include <stdexcept> // a thread's failure
#include <optional>  // NULL notes
#include <string>    // statements, notes
#include <thread>    // several clients at once
#include <tuple>     // rows by position
#include <vector>    // rows, threads

namespace deployment_bouncer_test {

struct entry {
    std::int32_t id;
    std::optional<std::string> note;
    friend bool operator==(const entry&, const entry&) = default;
};

enum class mood { sad, ok, happy };

struct pair {
    std::int32_t number;
    std::string label;
    friend bool operator==(const pair&, const pair&) = default;
};

}  // namespace deployment_bouncer_test

template <>
struct typq::type<deployment_bouncer_test::mood>
    : typq::enum_type<deployment_bouncer_test::mood, "typq_deployment.mood"> {};
template <>
struct typq::type<deployment_bouncer_test::pair>
    : typq::composite_type<deployment_bouncer_test::pair, "typq_deployment.pair"> {};

namespace deployment_bouncer_test {

using deployment_test::shared_table;
using deployment_test::through_transaction_pooler;

namespace {

// Rows each round of every_form() adds: 1 one-shot, 7 automatically prepared, 3 prepare()d,
// 2 pipelined, 10 execute_many, 20 COPY, 1 committed in a transaction.
constexpr std::int64_t rows_per_round = 44;

// Every statement form once, on `conn`, against `table` (id int4 PRIMARY KEY, note text): a
// statement run twice would violate the key, one lost would show in the count. `base` keeps
// the round's ids apart from every other round's.
void every_form(typq::connection& conn, const shared_table& table, std::int32_t base)
{
    const std::string t = table.name();
    std::int32_t id = base;

    // One-shot.
    CHECK(conn.execute(typq::runtime("INSERT INTO " + t + " VALUES ($1, $2)"), ++id, "one-shot") == 1);
    CHECK(conn.query_value<std::int64_t>("SELECT $1::int8 + 1", std::int64_t{41}) == 42);

    // Automatically prepared: the 6th run prepares it (prepare_threshold 5), the later ones run it.
    for (int run = 0; run < 7; ++run) {
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 * 3", run) == run * 3);
        CHECK(conn.execute(typq::runtime("INSERT INTO " + t + " (id) VALUES ($1)"), ++id) == 1);
    }

    // prepare(): checked against the server's description, then run.
    const auto tripled = conn.prepare<std::int32_t, std::string>("SELECT $1::int4 * 3 AS v, $2::text AS w");
    const auto insert = conn.prepare<std::int32_t, std::string>(typq::runtime("INSERT INTO " + t + " VALUES ($1::int4, $2::text)"));
    for (int run = 0; run < 3; ++run) {
        CHECK(conn.query_one<std::tuple<std::int32_t, std::string>>(tripled, run, std::string("x"))
              == std::make_tuple(run * 3, std::string("x")));
        CHECK(conn.execute(insert, ++id, std::string("prepared")) == 1);
    }

    // Stream: rows one at a time.
    std::int64_t sum = 0;
    for (const std::int32_t v : conn.stream<std::int32_t>("SELECT g FROM generate_series(1, $1) g", 200))
        sum += v;
    CHECK(sum == 200 * 201 / 2);

    // Pipeline.
    {
        typq::pipeline p(conn);
        auto first = p.execute(typq::runtime("INSERT INTO " + t + " VALUES ($1, $2)"), ++id, "pipelined");
        auto second = p.execute(typq::runtime("INSERT INTO " + t + " VALUES ($1, $2)"), ++id, "pipelined");
        auto doubled = p.query_value<std::int32_t>("SELECT $1::int4 * 2", 21);
        p.sync();
        CHECK(first.get() == 1);
        CHECK(second.get() == 1);
        CHECK(doubled.get() == 42);
    }

    // execute_many.
    std::vector<entry> many;
    for (int i = 0; i < 10; ++i)
        many.push_back({++id, "many"});
    CHECK(conn.execute_many(typq::runtime("INSERT INTO " + t + " VALUES (:id, :note)"), many) == 10);

    // COPY in, then out.
    std::vector<entry> copied;
    for (int i = 0; i < 20; ++i)
        copied.push_back({++id, i % 2 ? std::nullopt : std::optional<std::string>("copied")});
    {
        auto writer = conn.copy_in<entry>(t);
        for (const entry& e : copied)
            writer.write(e);
        CHECK(writer.finish() == 20);
    }
    std::vector<entry> back;
    for (const entry& e : conn.copy_out<entry>(typq::runtime("SELECT id, note FROM " + t + " WHERE id > "
             + std::to_string(copied.front().id - 1) + " AND id <= " + std::to_string(copied.back().id)
             + " ORDER BY id")))
        back.push_back(e);
    CHECK(back == copied);

    // Transactions: a commit, a savepoint rolled back inside it, a rollback.
    {
        typq::transaction tx(conn);
        CHECK(conn.execute(typq::runtime("INSERT INTO " + t + " VALUES ($1, $2)"), ++id, "committed") == 1);
        {
            typq::transaction inner(conn);
            CHECK(conn.execute(typq::runtime("INSERT INTO " + t + " VALUES ($1, $2)"), base + 900, "undone") == 1);
        }
        tx.commit();
    }
    {
        typq::transaction tx(conn);
        CHECK(conn.execute(typq::runtime("INSERT INTO " + t + " VALUES ($1, $2)"), base + 901, "undone") == 1);
    }
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(id - base == rows_per_round);
}

// Runs `client(c)` for c in [0, clients) on a thread each, all at once, and checks that none threw
// (Catch's macros are not for other threads: each thread's exception is kept, checked here).
template <class Client>
void on_threads(std::size_t clients, Client client)
{
    std::vector<std::string> failures(clients);
    std::vector<std::thread> threads;
    for (std::size_t c = 0; c < clients; ++c)
        threads.emplace_back([&failures, &client, c] {
            try {
                client(c);
            }
            catch (const std::exception& e) {
                failures[c] = e.what();
            }
        });
    for (std::thread& t : threads)
        t.join();
    for (std::size_t c = 0; c < clients; ++c) {
        CAPTURE(c);
        CHECK(failures[c] == "");
    }
}

}  // namespace

TEST_CASE("every statement form works through PgBouncer in transaction mode with default options",
    "[deployment][pgbouncer]")
{
    shared_table table("typq_bouncer_forms", "id int4 PRIMARY KEY, note text");
    auto conn = through_transaction_pooler();
    for (std::int32_t round = 0; round < 3; ++round)
        every_form(conn, table, round * 1000);
    CHECK(table.rows() == 3 * rows_per_round);
}

TEST_CASE("every statement form works through PgBouncer in transaction mode from several connections at once",
    "[deployment][pgbouncer]")
{
    const auto threshold = GENERATE(as<std::optional<std::size_t>>{}, 5, std::nullopt, 0);
    CAPTURE(threshold.has_value(), threshold.value_or(0));
    shared_table table("typq_bouncer_clients", "id int4 PRIMARY KEY, note text");
    constexpr std::size_t clients = 6;  // on 4 server connections
    on_threads(clients, [&](std::size_t c) {
        auto conn = through_transaction_pooler({.prepare_threshold = threshold});
        for (std::int32_t round = 0; round < 2; ++round)
            every_form(conn, table, static_cast<std::int32_t>(c) * 100000 + round * 1000);
    });
    CHECK(table.rows() == static_cast<std::int64_t>(clients) * 2 * rows_per_round);
}

TEST_CASE("with prepare_threshold = std::nullopt every form works through transaction mode, and nothing is prepared "
          "automatically", "[deployment][pgbouncer]")
{
    shared_table table("typq_bouncer_nullopt", "id int4 PRIMARY KEY, note text");
    auto conn = through_transaction_pooler({.prepare_threshold = std::nullopt});
    for (std::int32_t round = 0; round < 2; ++round)
        every_form(conn, table, round * 1000);
    CHECK(table.rows() == 2 * rows_per_round);
    // Through session mode (one server connection for the whole client session) the server shows
    // what a connection with this option prepared: nothing, however often a statement runs.
    typq::connection session(deployment_test::session_dsn(), {.prepare_threshold = std::nullopt});
    for (int run = 0; run < 10; ++run)
        CHECK(session.query_value<std::int32_t>("SELECT $1::int4 + 7", run) == run + 7);
    CHECK(session.query_value<std::int64_t>("SELECT count(*) FROM pg_prepared_statements") == 0);
}

TEST_CASE("outside a transaction block, a statement prepared on another server connection runs once more, "
          "unprepared, exactly once", "[deployment][pgbouncer]")
{
    shared_table table("typq_bouncer_once", "id int4 PRIMARY KEY");
    auto conn = through_transaction_pooler({.prepare_threshold = 0});  // prepared at its first run
    const auto insert = typq::runtime("INSERT INTO " + table.name() + " VALUES ($1)");
    // Inside a transaction block PgBouncer keeps one server connection: Parse, Describe and
    // Execute all reach it, so the statement is prepared there and nothing notices.
    const auto held = deployment_test::prepared_on_one_server_connection(conn, [&] {
        CHECK(conn.execute(insert, 1) == 1);
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 1) == 2);
    });

    // The next statement reaches another server connection, which has no such statement.
    CHECK(conn.execute(insert, 2) == 1);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 2) == 3);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(table.rows() == 2);  // each ran once: a second run of 2 would have violated the key
    for (std::int32_t id = 3; id <= 12; ++id)
        CHECK(conn.execute(insert, id) == 1);
    CHECK(table.rows() == 12);
    // It prepares nothing any more: what prepare() returns runs unprepared (it has no name).
    CHECK(conn.prepare<std::int32_t>("SELECT $1::int4 * 5").name().empty());
}

TEST_CASE("inside a transaction block, a statement prepared on another server connection fails with an error that "
          "names the cause and the option", "[deployment][pgbouncer]")
{
    shared_table table("typq_bouncer_in_block", "id int4 PRIMARY KEY");
    auto conn = through_transaction_pooler({.prepare_threshold = 0});
    const auto insert = typq::runtime("INSERT INTO " + table.name() + " VALUES ($1)");
    const auto held = deployment_test::prepared_on_one_server_connection(conn, [&] { CHECK(conn.execute(insert, 1) == 1); });
    {
        typq::transaction tx(conn);  // BEGIN: another server connection, kept until the end of the block
        const auto thrown = typq_test::thrown_by([&] { conn.execute(insert, 2); });
        REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::server_error);
        REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Catch::Contains("does not exist")
                && Catch::Contains("pooler in transaction mode") && Catch::Contains("prepare_threshold = std::nullopt")
                && Catch::Contains("roll it back"));
        try {
            typq_test::rethrow(thrown);
        }
        catch (const typq::server_error& e) {
            CHECK(e.sqlstate() == "26000");
            CHECK(e.hint().find("prepare_threshold") != std::string::npos);
        }
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
    }  // rolled back
    // The program runs the transaction again: the connection prepares nothing now, so it works.
    {
        typq::transaction tx(conn);
        CHECK(conn.execute(insert, 2) == 1);
        CHECK(conn.execute(insert, 3) == 1);
        tx.commit();
    }
    CHECK(table.rows() == 3);
}

TEST_CASE("prepare() through transaction mode: checked against the server's description, run unprepared once the "
          "connection prepares nothing", "[deployment][pgbouncer]")
{
    auto conn = through_transaction_pooler({.prepare_threshold = 0});
    // Made before the connection learns about PgBouncer: prepared and described in two exchanges,
    // which may reach two server connections (then the Describe finds no such statement, and the
    // connection stops preparing and describes it as the unnamed statement, in one exchange), or
    // one: it works either way, and later runs on other server connections too.
    const auto early = conn.prepare<std::int32_t>("SELECT $1::int4 + 1000 AS early");
    for (std::int32_t i = 0; i < 6; ++i)
        CHECK(conn.query_value<std::int32_t>(early, i) == i + 1000);
    // Made once the connection prepares nothing (a statement went missing): described as the
    // unnamed statement, run unprepared, so it has no name on the server.
    const auto held = deployment_test::prepared_on_one_server_connection(conn, [&] {
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 2000", 1) == 2001);
    });
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 2000", 2) == 2002);  // elsewhere: it stops preparing
    const auto product = conn.prepare<std::int32_t, std::int32_t>("SELECT $1::int4 * $2::int4 AS product");
    CHECK(product.name().empty());
    for (std::int32_t i = 0; i < 12; ++i)  // each on whichever server connection PgBouncer gives
        CHECK(conn.query_value<std::int32_t>(product, i, 3) == i * 3);
    {
        typq::transaction tx(conn);
        CHECK(conn.query_value<std::int32_t>(product, 7, 6) == 42);
        tx.commit();
    }
    // The shape is still checked: a result that does not fit the row type is an error.
    REQUIRE_THROWS_AS(conn.query_value<std::string>(product, 1, 2), typq::conversion_error);
    // One that cannot be prepared fails as it would without PgBouncer.
    REQUIRE_THROWS_AS(conn.prepare("SELECT FROM typq_no_such_table"), typq::undefined_table);
    CHECK(conn.query_value<std::int32_t>(product, 2, 2) == 4);
}

TEST_CASE("a pipeline that runs a statement prepared on another server connection fails with the same error, and the next "
          "pipeline and execute_many work", "[deployment][pgbouncer]")
{
    shared_table table("typq_bouncer_pipeline", "id int4 PRIMARY KEY, note text");
    auto conn = through_transaction_pooler({.prepare_threshold = 0});
    const auto held = deployment_test::prepared_on_one_server_connection(conn, [&] {
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 * 2", 1) == 2);
    });
    {
        typq::pipeline p(conn);
        auto lost = p.query_value<std::int32_t>("SELECT $1::int4 * 2", 2);  // prepared elsewhere
        auto skipped = p.query_value<std::int32_t>("SELECT $1::int4 + 100", 2);
        p.sync();
        REQUIRE_THROWS_WITH(lost.get(), Catch::Contains("does not exist")
                && Catch::Contains("prepare_threshold = std::nullopt"));
        REQUIRE_THROWS_AS(skipped.get(), typq::pipeline_aborted);  // the server skipped it: nothing ran
    }
    {
        typq::pipeline p(conn);
        auto again = p.query_value<std::int32_t>("SELECT $1::int4 * 2", 2);
        auto plus = p.query_value<std::int32_t>("SELECT $1::int4 + 100", 2);
        p.sync();
        CHECK(again.get() == 4);
        CHECK(plus.get() == 102);
    }
    const std::vector<entry> rows{{1, "a"}, {2, "b"}, {3, std::nullopt}};
    CHECK(conn.execute_many(typq::runtime("INSERT INTO " + table.name() + " VALUES (:id, :note)"), rows) == 3);
    CHECK(table.rows() == 3);
}

TEST_CASE("execute_many outside a transaction block runs once more, unprepared, when its statement was prepared on "
          "another server connection", "[deployment][pgbouncer]")
{
    shared_table table("typq_bouncer_many", "id int4 PRIMARY KEY, note text");
    auto conn = through_transaction_pooler();
    const auto insert = typq::runtime("INSERT INTO " + table.name() + " VALUES (:id, :note)");
    // execute_many prepares its statement whatever the threshold.
    const auto held = deployment_test::prepared_on_one_server_connection(conn, [&] {
        CHECK(conn.execute_many(insert, std::vector<entry>{{1, "a"}, {2, "b"}}) == 2);
    });
    CHECK(conn.execute_many(insert, std::vector<entry>{{3, "c"}, {4, "d"}, {5, "e"}}) == 3);
    CHECK(table.rows() == 5);
}

TEST_CASE("through PgBouncer in session mode a connection keeps its prepared statements and its session state",
    "[deployment][pgbouncer]")
{
    shared_table table("typq_bouncer_session", "id int4 PRIMARY KEY, note text");
    {
        typq::connection conn(deployment_test::session_dsn());
        every_form(conn, table, 0);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1",
                  "SELECT $1::int4 * 3") == 1);
        CHECK_FALSE(conn.prepare<std::int32_t>("SELECT $1::int4 * 5").name().empty());
        conn.execute("SET application_name = 'typq_session_mode'");
        conn.execute("CREATE TEMP TABLE typq_session_temp (v int4)");
        CHECK(conn.query_value<std::string>("SELECT current_setting('application_name')") == "typq_session_mode");
        CHECK(conn.execute("INSERT INTO typq_session_temp VALUES (1)") == 1);
    }
    CHECK(table.rows() == rows_per_round);
    // The next client gets a server connection PgBouncer reset (DISCARD ALL): none of that is left.
    typq::connection next(deployment_test::session_dsn());
    CHECK(next.query_value<std::int64_t>("SELECT count(*) FROM pg_prepared_statements") == 0);
    CHECK(next.query_value<std::int64_t>("SELECT count(*) FROM pg_class WHERE relname = 'typq_session_temp'") == 0);
}

TEST_CASE("enums and composites are looked up through PgBouncer in transaction mode by many connections at once",
    "[deployment][pgbouncer][types]")
{
    {
        auto admin = typq_test::connect();
        admin.execute("CREATE SCHEMA IF NOT EXISTS typq_deployment; "
                      "DROP TYPE IF EXISTS typq_deployment.mood, typq_deployment.pair; "
                      "CREATE TYPE typq_deployment.mood AS ENUM ('sad', 'ok', 'happy'); "
                      "CREATE TYPE typq_deployment.pair AS (number int4, label text)");
    }
    constexpr std::size_t clients = 8;  // on 4 server connections, each looking the types up itself
    on_threads(clients, [](std::size_t c) {
        auto conn = through_transaction_pooler();
        for (std::int32_t i = 0; i < 10; ++i) {
            const auto n = static_cast<std::int32_t>(c) * 100 + i;
            const mood m = static_cast<mood>(n % 3);
            const pair p{n, "label " + std::to_string(i)};
            if (conn.query_value<mood>("SELECT $1", m) != m)
                throw std::runtime_error("enum came back different");
            if (conn.query_value<std::string>("SELECT $1::text", m)
                != std::array<const char*, 3>{"sad", "ok", "happy"}[static_cast<std::size_t>(m)])
                throw std::runtime_error("the server read the enum differently");
            if (conn.query_value<pair>("SELECT $1", p) != p)
                throw std::runtime_error("composite came back different");
            if (conn.query_value<std::string>("SELECT $1::text", p)
                != "(" + std::to_string(p.number) + ",\"" + p.label + "\")")
                throw std::runtime_error("the server read the composite differently");
            const auto both = conn.query_one<std::tuple<pair, mood, std::vector<mood>>>(
                "SELECT ROW($1::int4, 'x')::typq_deployment.pair, 'happy'::typq_deployment.mood, "
                "ARRAY['sad', 'ok']::typq_deployment.mood[]", i);
            if (both != std::make_tuple(pair{i, "x"}, mood::happy, std::vector<mood>{mood::sad, mood::ok}))
                throw std::runtime_error("a row of server types came back different");
        }
    });
}

// Whether a later transaction of the client gets the server connection that has the state is up
// to PgBouncer (and to the other clients of the test run): of 8 later transactions, at least one
// gets another server connection, without the state.
TEST_CASE("session state does not follow a client through PgBouncer in transaction mode", "[deployment][pgbouncer]")
{
    auto conn = through_transaction_pooler();
    constexpr int attempts = 8;
    SECTION("a temporary table made in one transaction is missing in later ones")
    {
        const std::string name = deployment_test::unique_name("typq_bouncer_temp");
        conn.execute(typq::runtime("CREATE TEMP TABLE " + name + " (v int4)"));
        int missing = 0;
        for (int i = 0; i < attempts; ++i) {
            try {
                (void)conn.execute(typq::runtime("INSERT INTO " + name + " VALUES (1)"));
            }
            catch (const typq::undefined_table&) {
                ++missing;
            }
        }
        CHECK(missing > 0);
        // Inside one transaction block it is all one server connection: that works.
        typq::transaction tx(conn);
        conn.execute(typq::runtime("CREATE TEMP TABLE " + name + "_b (v int4) ON COMMIT DROP"));
        CHECK(conn.execute(typq::runtime("INSERT INTO " + name + "_b VALUES (1)")) == 1);
        tx.commit();
    }
    SECTION("a cursor WITH HOLD is missing in later transactions")
    {
        const std::string name = deployment_test::unique_name("typq_bouncer_cursor");
        conn.execute(typq::runtime("DECLARE " + name + " CURSOR WITH HOLD FOR SELECT g FROM generate_series(1, 100) g"));
        int missing = 0;
        for (int i = 0; i < attempts; ++i) {
            try {
                (void)conn.execute(typq::runtime("FETCH " + name));
            }
            catch (const typq::server_error& e) {
                CHECK(e.sqlstate() == "34000");  // invalid_cursor_name: cursor "..." does not exist
                ++missing;
            }
        }
        CHECK(missing > 0);
    }
    SECTION("SET outside a transaction block applies to one server connection, not to the client")
    {
        // A placeholder setting of typq's own (harmless to the other clients of those server
        // connections): set in one transaction, it is seen only by the later transactions that
        // happen to get the same server connection, in whatever client.
        conn.execute("SET typq.deployment_marker = 'set'");
        int seen = 0;
        for (int i = 0; i < attempts; ++i)
            if (conn.query_value<std::optional<std::string>>("SELECT current_setting('typq.deployment_marker', true)")
                == std::optional<std::string>("set"))
                ++seen;
        CHECK(seen < attempts);
    }
}

}  // namespace deployment_bouncer_test
