// SPDX-License-Identifier: BSL-1.0
// tests/asio/statements.cpp: typq::async_connection's connect (a bad conninfo, a refused port, a
// host list, a silent server raced with a timer) and every statement form: execute, query<Row>
// (structs by field name, tuples), query_one, query_opt, query_value, :name parameters, runtime
// and composed SQL, prepare, automatic preparation, server-defined types looked up through the
// asynchronous driver, execute_many, notices; the documented exceptions, after which the
// connection goes on working. A synchronous typq::connection (the oracle) says what is true.

#include "asio_checks.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <libpq-fe.h>

#include <cstdint>   // std::int32_t, std::int64_t
#include <optional>  // query_opt, NULL
#include <stdexcept> // a notice handler's exception
#include <string>    // text
#include <tuple>     // rows by position
#include <vector>    // rows

namespace asio_statements_test {

enum class mood { sad, ok, happy };

struct point {
    std::int32_t x;
    std::int32_t y;
    friend bool operator==(const point&, const point&) = default;
};

// Fields in another order than the columns: bound by name.
struct item {
    std::string name;
    std::int32_t id;
    std::optional<std::int64_t> amount;
    friend bool operator==(const item&, const item&) = default;
};

struct id_filter {
    std::int32_t lo;
    std::int32_t hi;
    std::string suffix;
};

struct note_row {
    std::int32_t id;
    std::string note;
};

struct labelled {
    std::int32_t id;
    mood feeling;
    point where;
    friend bool operator==(const labelled&, const labelled&) = default;
};

}  // namespace asio_statements_test

template <>
struct typq::type<asio_statements_test::mood> : typq::enum_type<asio_statements_test::mood, "mood"> {};
template <>
struct typq::type<asio_statements_test::point> : typq::composite_type<asio_statements_test::point, "point2"> {};

namespace asio_statements_test {

using namespace boost::asio::experimental::awaitable_operators;
using asio_test::asio::awaitable;
using asio_test::connect;
using asio_test::describe;
using asio_test::is_a;
using asio_test::is_exactly;
using asio_test::run;
using asio_test::test_clock;
using asio_test::thrown_by;
using namespace std::chrono_literals;
using namespace std::string_literals;
namespace asio = boost::asio;

// The oracle's conninfo parts, to build other conninfo strings to the same server.
struct server_address {
    std::string host;
    std::string port;
    std::string user;
    std::string dbname;
    std::string password;
};

server_address address_of(const typq::connection& oracle)
{
    PGconn* c = oracle.native_handle();
    const auto text = [](const char* s) { return std::string(s ? s : ""); };
    return {text(PQhost(c)), text(PQport(c)), text(PQuser(c)), text(PQdb(c)), text(PQpass(c))};
}

std::string credentials(const server_address& a)
{
    std::string text = " user='" + a.user + "' dbname='" + a.dbname + "'";
    if (!a.password.empty())
        text += " password='" + a.password + "'";
    return text;
}

// The temporary table t (id int4 PRIMARY KEY, name text NOT NULL, amount int8) on `conn`.
awaitable<void> make_table(typq::async_connection& conn)
{
    (void)co_await conn.execute("CREATE TEMP TABLE t (id int4 PRIMARY KEY, name text NOT NULL, amount int8)");
}

// --- connect ---------------------------------------------------------------------------------------
// (g++ 12 evaluates a co_await inside CHECK/REQUIRE twice: Catch's macros repeat the expression in
// a short-circuited operand, which g++ 12's coroutines evaluate anyway. Awaited values are taken
// into locals first, everywhere in this area.)

TEST_CASE("async_connection::connect connects without blocking, and the connection runs statements",
    "[asio][connect]")
{
    auto oracle = typq_test::connect();
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        CHECK(conn.state() == typq::connection_state::open);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(conn.server_version() == oracle.server_version());
        const int pid = conn.backend_pid();
        CHECK(pid != oracle.backend_pid());
        // The server knows this backend.
        CHECK(oracle.query_value<bool>("SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1)", pid));
        const auto own_pid = co_await conn.query_value<std::int32_t>("SELECT pg_backend_pid()");
        CHECK(own_pid == pid);
        const auto encoding = co_await conn.query_value<std::string>("SHOW client_encoding");
        CHECK(encoding == "UTF8");

        // Moved, it is the same connection; the moved-from object is closed.
        typq::async_connection moved = std::move(conn);
        CHECK(moved.backend_pid() == pid);
        const auto sum = co_await moved.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        CHECK(sum == 42);
        CHECK(conn.state() == typq::connection_state::closed);  // NOLINT(bugprone-use-after-move)
        const auto from_moved = co_await thrown_by(conn.query_value<std::int32_t>("SELECT 1"));
        CHECK(is_exactly<typq::connection_error>(from_moved));

        // Assigned another connection, an object closes its own first: the server sees it go.
        conn = co_await connect();
        const int other = conn.backend_pid();
        typq::async_connection third = co_await connect();
        const int third_pid = third.backend_pid();
        conn = std::move(third);
        CHECK(conn.backend_pid() == third_pid);
        CHECK(asio_test::backend_reaches(oracle, other, "(gone)"));

        // close() ends it: the server sees the backend go.
        moved.close();
        CHECK(moved.state() == typq::connection_state::closed);
        CHECK(asio_test::backend_reaches(oracle, pid, "(gone)"));
        const auto thrown = co_await thrown_by(moved.query_value<std::int32_t>("SELECT 1"));
        CAPTURE(describe(thrown));
        CHECK(is_exactly<typq::connection_error>(thrown));
        co_return;
    });
}

TEST_CASE("async_connection::connect with a bad conninfo throws connection_error", "[asio][connect]")
{
    const auto oracle = typq_test::connect();
    const auto server = address_of(oracle);
    run([&]() -> awaitable<void> {
        std::exception_ptr thrown;
        SECTION("not a conninfo string")
        {
            thrown = co_await thrown_by(typq::async_connection::connect("this is = not = a conninfo"));
        }
        SECTION("an unknown option")
        {
            thrown = co_await thrown_by(typq::async_connection::connect("host=localhost no_such_option=1"));
        }
        SECTION("a role the server does not have: refused after the startup handshake")
        {
            thrown = co_await thrown_by(
                typq::async_connection::connect(typq_test::dsn() + " user=typq_asio_no_such_role"));
            CHECK_THAT(describe(thrown), Catch::Contains("typq_asio_no_such_role"));
        }
        SECTION("a database the server does not have")
        {
            thrown = co_await thrown_by(typq::async_connection::connect(
                "host='" + server.host + "' port=" + server.port + " user='" + server.user
                + "' dbname=typq_asio_no_such_db"));
            CHECK_THAT(describe(thrown), Catch::Contains("typq_asio_no_such_db"));
        }
        CAPTURE(describe(thrown));
        CHECK(is_exactly<typq::connection_error>(thrown));
        CHECK(asio_test::as_connection_error(thrown).broken());
        co_return;
    });
}

TEST_CASE("connecting to a port nobody listens on fails at once, it does not hang", "[asio][connect]")
{
    // A port that was free a moment ago: bound, then closed.
    unsigned short port = 0;
    {
        asio::io_context io;
        asio::ip::tcp::acceptor probe(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        port = probe.local_endpoint().port();
    }
    auto oracle = typq_test::connect();
    const auto server = address_of(oracle);
    run([&]() -> awaitable<void> {
        SECTION("TCP on 127.0.0.1")
        {
            const auto started = test_clock::now();
            const auto thrown = co_await thrown_by(typq::async_connection::connect(
                "host=127.0.0.1 port=" + std::to_string(port) + " sslmode=disable"));
            const auto elapsed = test_clock::now() - started;
            CAPTURE(describe(thrown));
            CHECK(is_exactly<typq::connection_error>(thrown));
            CHECK(asio_test::as_connection_error(thrown).broken());
            CHECK(elapsed < 5s);
        }
        SECTION("a Unix-domain socket directory with no server in it")
        {
            const auto started = test_clock::now();
            const auto thrown =
                co_await thrown_by(typq::async_connection::connect("host=/nonexistent/typq port=" + std::to_string(port)));
            const auto elapsed = test_clock::now() - started;
            CAPTURE(describe(thrown));
            CHECK(is_exactly<typq::connection_error>(thrown));
            CHECK(elapsed < 5s);
        }
        SECTION("a host list: the refused host first, then the server (libpq changes sockets in between)")
        {
            REQUIRE_FALSE(server.host.empty());
            REQUIRE_FALSE(server.port.empty());
            const std::string conninfo = "host='127.0.0.1," + server.host + "' port=" + std::to_string(port) + ","
                + server.port + " sslmode=disable" + credentials(server);
            CAPTURE(conninfo);
            auto conn = co_await typq::async_connection::connect(conninfo);
            CHECK(conn.state() == typq::connection_state::open);
            const auto twice = co_await conn.query_value<std::int32_t>("SELECT $1::int4 * 2", 21);
            CHECK(twice == 42);
            CHECK(asio_test::backend_state(oracle, conn.backend_pid()) == "idle");
        }
        co_return;
    });
}

TEST_CASE("connecting to a server that never answers is bounded by racing a timer", "[asio][connect]")
{
    // A listening socket: the kernel completes the handshake, and nothing ever answers.
    asio::io_context silent_io;
    asio::ip::tcp::acceptor silent(silent_io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    const auto port = silent.local_endpoint().port();
    run([&]() -> awaitable<void> {
        asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
        const auto started = test_clock::now();
        const auto ended = co_await (
            typq::async_connection::connect("host=127.0.0.1 port=" + std::to_string(port) + " sslmode=disable")
            || timer.async_wait(asio::use_awaitable));
        const auto elapsed = test_clock::now() - started;
        CHECK(ended.index() == 1);
        CHECK(elapsed >= 150ms);
        CHECK(elapsed < 3s);

        // The io_context goes on: a connection to the real server is made afterwards.
        auto conn = co_await connect();
        const auto seven = co_await conn.query_value<std::int32_t>("SELECT 7");
        CHECK(seven == 7);
        co_return;
    });
}

// --- the statement forms -------------------------------------------------------------------------------

TEST_CASE("execute returns the rows affected, with and without parameters", "[asio][execute]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        co_await make_table(conn);
        const auto inserted = co_await conn.execute("INSERT INTO t VALUES (1, 'one', 10), (2, 'two', NULL), (3, 'three', 30)");
        CHECK(inserted == 3);
        const auto updated =
            co_await conn.execute("UPDATE t SET amount = coalesce(amount, 0) + $1 WHERE id >= $2", std::int64_t{5}, 2);
        CHECK(updated == 2);
        const auto deleted = co_await conn.execute("DELETE FROM t WHERE id = $1", 99);
        CHECK(deleted == 0);
        const auto selected = co_await conn.execute("SELECT FROM generate_series(1, 17)");
        CHECK(selected == 17);
        // A script of several statements: the last one's count.
        const auto script = co_await conn.execute("SET search_path = pg_temp, public; SELECT FROM t");
        CHECK(script == 3);
        const auto total = co_await conn.query_value<std::int64_t>("SELECT sum(amount)::int8 FROM t");
        CHECK(total == 10 + 5 + 35);
        co_return;
    });
}

TEST_CASE("query<Row> reads structs by field name and tuples by position, as the server sends them",
    "[asio][query]")
{
    auto oracle = typq_test::connect();
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        co_await make_table(conn);
        (void)co_await conn.execute("INSERT INTO t SELECT i, 'item ' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE i * 10 END "
                                    "FROM generate_series(1, 50) AS i");

        const auto structs = co_await conn.query<item>("SELECT amount, id, name FROM t WHERE id <= $1 ORDER BY id", 20);
        REQUIRE(structs.size() == 20);
        const std::vector<item> got = structs.to_vector();
        for (std::int32_t i = 1; i <= 20; ++i) {
            const item& row = got[static_cast<std::size_t>(i - 1)];
            CHECK(row.id == i);
            CHECK(row.name == "item " + std::to_string(i));
            CHECK(row.amount == (i % 3 == 0 ? std::nullopt : std::optional<std::int64_t>(i * 10)));
        }

        // Tuples, checked against what the oracle reads for the same statement.
        using row = std::tuple<std::int32_t, std::string, std::optional<double>, bool>;
        const auto tuples = co_await conn.query<row>("SELECT i, md5(i::text), CASE WHEN i % 2 = 0 THEN i / 7.0 END::float8, "
                                                     "i % 5 = 0 FROM generate_series(1, $1) AS i",
            300);
        const auto expected = oracle.query<row>("SELECT i, md5(i::text), CASE WHEN i % 2 = 0 THEN i / 7.0 END::float8, "
                                                "i % 5 = 0 FROM generate_series(1, $1) AS i",
            300);
        CHECK(tuples.size() == 300);
        CHECK(tuples.to_vector() == expected.to_vector());

        // Many rows (many reads), and a parameter of megabytes (many writes, reading meanwhile).
        const auto many = co_await conn.query<std::int64_t>("SELECT i::int8 FROM generate_series(1, $1) AS i", 200000);
        std::int64_t sum = 0;
        for (const std::int64_t i : many)
            sum += i;
        CHECK(many.size() == 200000);
        CHECK(sum == std::int64_t{200000} * 200001 / 2);
        const std::string big(8 << 20, 'x');
        const auto length = co_await conn.query_value<std::int32_t>("SELECT length($1)", big);
        CHECK(length == 8 << 20);
        const auto echoed = co_await conn.query_value<std::string>("SELECT $1::text", big);
        CHECK(echoed == big);

        // No rows is an empty result.
        const auto none = co_await conn.query<item>("SELECT amount, id, name FROM t WHERE id < 0");
        CHECK(none.empty());
        co_return;
    });
}

TEST_CASE("query_one, query_opt and query_value", "[asio][query]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        co_await make_table(conn);
        (void)co_await conn.execute("INSERT INTO t VALUES (1, 'one', 10), (2, 'two', NULL)");

        const auto first = co_await conn.query_one<item>("SELECT * FROM t WHERE id = $1", 1);
        CHECK(first == item{"one"s, 1, 10});
        using pair = std::tuple<std::string, std::optional<std::int64_t>>;
        const auto second = co_await conn.query_one<pair>("SELECT name, amount FROM t WHERE id = $1", 2);
        CHECK(second == pair("two"s, std::nullopt));

        SECTION("query_one of no rows is no_rows, of two rows too_many_rows")
        {
            const auto none = co_await thrown_by(conn.query_one<item>("SELECT * FROM t WHERE id = $1", 3));
            CAPTURE(describe(none));
            CHECK(is_exactly<typq::no_rows>(none));
            const auto two = co_await thrown_by(conn.query_one<item>("SELECT * FROM t"));
            CAPTURE(describe(two));
            CHECK(is_exactly<typq::too_many_rows>(two));
            const auto value_none = co_await thrown_by(conn.query_value<std::string>("SELECT name FROM t WHERE false"));
            CHECK(is_exactly<typq::no_rows>(value_none));
        }
        SECTION("query_opt: the row or nullopt; two rows are too_many_rows")
        {
            const auto there = co_await conn.query_opt<item>("SELECT * FROM t WHERE id = $1", 2);
            CHECK(there == item{"two"s, 2, std::nullopt});
            const auto absent = co_await conn.query_opt<item>("SELECT * FROM t WHERE id = $1", 3);
            CHECK(absent == std::nullopt);
            const auto two = co_await thrown_by(conn.query_opt<item>("SELECT * FROM t"));
            CHECK(is_exactly<typq::too_many_rows>(two));
        }
        SECTION("query_value: one column, NULL as std::optional")
        {
            const auto name = co_await conn.query_value<std::string>("SELECT name FROM t WHERE id = $1", 1);
            CHECK(name == "one");
            const auto amount = co_await conn.query_value<std::optional<std::int64_t>>("SELECT amount FROM t WHERE id = 2");
            CHECK(amount == std::nullopt);
        }
        // After the failures above the connection is as it was.
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        const auto rows = co_await conn.query_value<std::int64_t>("SELECT count(*) FROM t");
        CHECK(rows == 2);
        co_return;
    });
}

TEST_CASE("named parameters bind a struct's fields by :name", "[asio][query][named]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        co_await make_table(conn);
        const item one{"one"s, 1, 10};
        const item two{"two"s, 2, std::nullopt};
        const auto first = co_await conn.execute("INSERT INTO t (amount, name, id) VALUES (:amount, :name, :id)", one);
        CHECK(first == 1);
        const auto second = co_await conn.execute("INSERT INTO t VALUES (:id, :name, :amount)", two);
        CHECK(second == 1);
        const std::vector<item> both{one, two};
        const auto stored = co_await conn.query<item>("SELECT * FROM t ORDER BY id");
        CHECK(stored.to_vector() == both);

        const id_filter filter{1, 2, "!"s};
        using row = std::tuple<std::int32_t, std::string>;
        const auto rows = co_await conn.query<row>(
            "SELECT id, name || :suffix FROM t WHERE id BETWEEN :lo AND :hi AND :lo <= :hi ORDER BY id", filter);
        const std::vector<row> expected{{1, "one!"s}, {2, "two!"s}};
        CHECK(rows.to_vector() == expected);
        co_return;
    });
}

TEST_CASE("runtime SQL and typq::format_sql", "[asio][query][runtime]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const std::string table = "Odd \"Table\"";
        (void)co_await conn.execute(typq::format_sql("CREATE TEMP TABLE {} (id int4, label text)", typq::identifier(table)));
        const auto bound = co_await conn.execute(
            typq::format_sql("INSERT INTO {} VALUES ($1, $2)", typq::identifier(table)), 1, "a'b"s);
        CHECK(bound == 1);
        const auto literal = co_await conn.execute(
            typq::format_sql("INSERT INTO {} VALUES (2, {})", typq::identifier(table), typq::literal("c\\d'e"s)));
        CHECK(literal == 1);
        using row = std::tuple<std::int32_t, std::string>;
        const auto rows =
            co_await conn.query<row>(typq::format_sql("SELECT id, label FROM {} ORDER BY id", typq::identifier(table)));
        const std::vector<row> expected{{1, "a'b"s}, {2, "c\\d'e"s}};
        CHECK(rows.to_vector() == expected);

        const std::string text = "SELECT $1::int4 + $2::int4";
        const auto sum = co_await conn.query_value<std::int32_t>(typq::runtime(text), 40, 2);
        CHECK(sum == 42);
        // Placeholders and arguments that disagree: usage_error, nothing sent. (Thrown as the
        // awaitable is made, when the statement is checked: before anything is awaited.)
        std::exception_ptr thrown;
        try {
            (void)co_await conn.query_value<std::int32_t>(typq::runtime(text), 40);
        }
        catch (...) {
            thrown = std::current_exception();
        }
        CAPTURE(describe(thrown));
        CHECK(is_exactly<typq::usage_error>(thrown));
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        const auto again = co_await conn.query_value<std::int32_t>(typq::runtime(text), 1, 2);
        CHECK(again == 3);
        co_return;
    });
}

TEST_CASE("an awaitable made before it is awaited runs the runtime SQL it was given",
    "[asio][query][runtime][lifetime]")
{
    // The class's documentation: "Arguments are taken by value: the awaitable owns them until it
    // has run." An awaitable is made, then awaited later (kept for an awaitable operator, or
    // co_spawn'ed); meanwhile the runtime_sql it was made from is gone, and its memory reused.
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const std::string text = "SELECT 'the statement that the program asked to run'::text AS answer";
        auto later = conn.query_value<std::string>(typq::runtime(text));
        std::string reused(text.size(), '?');  // likely the freed copy's memory
        std::string answer;
        std::exception_ptr thrown;
        try {
            answer = co_await std::move(later);
        }
        catch (...) {
            thrown = std::current_exception();
        }
        CAPTURE(describe(thrown));
        CHECK_FALSE(thrown);
        CHECK(answer == "the statement that the program asked to run");
        CHECK(reused.front() == '?');
        co_return;
    });
}

TEST_CASE("prepare, and the forms that run a prepared statement", "[asio][prepare]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect({.prepare_threshold = std::nullopt});
        co_await make_table(conn);
        const auto insert = co_await conn.prepare<std::int32_t, std::string>("INSERT INTO t (id, name) VALUES ($1, $2)");
        const auto by_id = co_await conn.prepare<std::int32_t>("SELECT * FROM t WHERE id = $1");
        const auto from = co_await conn.prepare<std::int32_t>("SELECT id, name FROM t WHERE id >= $1 ORDER BY id");
        const auto name_of = co_await conn.prepare<std::int32_t>("SELECT name FROM t WHERE id = $1");
        // The server has them (this session's pg_prepared_statements, read by a script, which is never prepared).
        const auto on_server = co_await conn.execute("SELECT FROM pg_prepared_statements");
        CHECK(on_server == 4);

        for (std::int32_t i = 1; i <= 5; ++i) {
            const auto inserted = co_await conn.execute(insert, i, "n" + std::to_string(i));
            CHECK(inserted == 1);
        }
        const auto third = co_await conn.query_one<item>(by_id, 3);
        CHECK(third == item{"n3"s, 3, std::nullopt});
        const auto ninth = co_await conn.query_opt<item>(by_id, 9);
        CHECK(ninth == std::nullopt);
        using row = std::tuple<std::int32_t, std::string>;
        const std::vector<row> last_two{{4, "n4"s}, {5, "n5"s}};
        const auto rows = co_await conn.query<row>(from, 4);
        CHECK(rows.to_vector() == last_two);
        const auto name = co_await conn.query_value<std::string>(name_of, 2);
        CHECK(name == "n2");
        // A prepared statement runs only on the connection that prepared it.
        auto other = co_await connect();
        const auto elsewhere = co_await thrown_by(other.query_value<std::string>(name_of, 2));
        CAPTURE(describe(elsewhere));
        CHECK(is_exactly<typq::usage_error>(elsewhere));
        // They ran as the server's prepared statements: the server counted the runs.
        const auto runs = co_await conn.execute("SELECT FROM pg_prepared_statements, generate_series(1, generic_plans + "
                                                "custom_plans) WHERE statement = 'INSERT INTO t (id, name) VALUES ($1, $2)'");
        CHECK(runs == 5);
        co_return;
    });
}

TEST_CASE("automatic preparation: after prepare_threshold runs the statement is prepared on the server",
    "[asio][prepare][automatic_preparation]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect({.prepare_threshold = 3});
        const auto prepared_now = [&]() -> awaitable<std::uint64_t> {
            co_return co_await conn.execute("SELECT FROM pg_prepared_statements WHERE statement = 'SELECT $1::int4 * 3'");
        };
        for (std::int32_t run_number = 1; run_number <= 3; ++run_number) {
            CAPTURE(run_number);
            const auto value = co_await conn.query_value<std::int32_t>("SELECT $1::int4 * 3", run_number);
            CHECK(value == 3 * run_number);
            const auto prepared = co_await prepared_now();
            CHECK(prepared == 0);
        }
        const auto fourth = co_await conn.query_value<std::int32_t>("SELECT $1::int4 * 3", 100);
        CHECK(fourth == 300);
        const auto prepared = co_await prepared_now();
        CHECK(prepared == 1);
        const auto fifth = co_await conn.query_value<std::int32_t>("SELECT $1::int4 * 3", 7);
        CHECK(fifth == 21);
        const auto runs = co_await conn.execute("SELECT FROM pg_prepared_statements, generate_series(1, generic_plans + "
                                                "custom_plans) WHERE statement = 'SELECT $1::int4 * 3'");
        CHECK(runs == 2);
        co_return;
    });
}

TEST_CASE("server-defined types: an enum and a composite, as parameters and columns", "[asio][server_types]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        (void)co_await conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy');"
                                    "CREATE TYPE pg_temp.point2 AS (x int4, y int4);"
                                    "CREATE TEMP TABLE diary (id int4, feeling mood, \"where\" point2)");
        // The first statement with a mood or a point2 looks the type up in the catalog, through
        // the asynchronous driver.
        const auto happy = co_await conn.query_value<mood>("SELECT $1::mood", mood::happy);
        CHECK(happy == mood::happy);
        const auto ok_text = co_await conn.query_value<std::string>("SELECT $1::text", mood::ok);
        CHECK(ok_text == "ok");
        const auto read_point = co_await conn.query_value<point>("SELECT ROW(3, -4)::point2");
        CHECK(read_point == point{3, -4});
        const auto point_text = co_await conn.query_value<std::string>("SELECT $1::point2::text", point{5, 6});
        CHECK(point_text == "(5,6)");

        const auto first = co_await conn.execute("INSERT INTO diary VALUES ($1, $2, $3)", 1, mood::sad, point{1, 2});
        CHECK(first == 1);
        const auto second =
            co_await conn.execute("INSERT INTO diary VALUES (:id, :feeling, :where)", labelled{2, mood::happy, {-7, 8}});
        CHECK(second == 1);
        const std::vector<labelled> expected{{1, mood::sad, {1, 2}}, {2, mood::happy, {-7, 8}}};
        const auto rows = co_await conn.query<labelled>("SELECT id, feeling, \"where\" FROM diary ORDER BY id");
        CHECK(rows.to_vector() == expected);
        // What the server stored, in its own words.
        const auto stored = co_await conn.query_value<std::string>(
            "SELECT string_agg(feeling::text || \"where\"::text, ';' ORDER BY id) FROM diary");
        CHECK(stored == "sad(1,2);happy(-7,8)");

        // A type that the server no longer has is an error, and the connection goes on.
        (void)co_await conn.execute("DROP TABLE diary; DROP TYPE pg_temp.mood");
        conn.clear_type_cache();
        const auto thrown = co_await thrown_by(conn.query_value<std::string>("SELECT $1::text", mood::ok));
        CAPTURE(describe(thrown));
        CHECK(is_a<typq::error>(thrown));
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        const auto still = co_await conn.query_value<point>("SELECT $1::point2", point{9, 9});
        CHECK(still == point{9, 9});
        co_return;
    });
}

TEST_CASE("execute_many: rows of structs by :name and of tuples by $N, atomic when a row fails",
    "[asio][execute_many]")
{
    asio_test::shared_table table("execute_many");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        std::vector<note_row> structs;
        for (std::int32_t i = 1; i <= 100; ++i)
            structs.push_back({i, "s" + std::to_string(i)});
        const auto inserted = co_await conn.execute_many(table.sql("INSERT INTO {t} (note, id) VALUES (:note, :id)"), structs);
        CHECK(inserted == 100);
        CHECK(table.ids().size() == 100);

        const std::vector<std::tuple<std::string, std::int32_t>> renames = {{"first"s, 1}, {"last"s, 100}, {"none"s, 1000}};
        const auto renamed = co_await conn.execute_many(table.sql("UPDATE {t} SET note = $1 WHERE id = $2"), renames);
        CHECK(renamed == 2);
        CHECK(table.oracle().query_value<std::string>(
                  table.sql("SELECT string_agg(note, ',' ORDER BY id) FROM {t} WHERE id IN (1, 2, 100)"))
            == "first,s2,last");

        // Row 150 repeats row 1's key: nothing of the batch lands.
        std::vector<std::tuple<std::int32_t, std::string>> more;
        for (std::int32_t i = 101; i <= 200; ++i)
            more.emplace_back(i == 150 ? 1 : i, "m");
        const auto thrown = co_await thrown_by(conn.execute_many(table.sql("INSERT INTO {t} VALUES ($1, $2)"), more));
        CAPTURE(describe(thrown));
        CHECK(is_exactly<typq::unique_violation>(thrown));
        CHECK(table.ids().size() == 100);
        CHECK(table.oracle().query_value<std::int64_t>(table.sql("SELECT count(*) FROM {t} WHERE id > 100")) == 0);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);

        // The next batch goes in.
        std::get<0>(more[49]) = 150;
        const auto retried = co_await conn.execute_many(table.sql("INSERT INTO {t} VALUES ($1, $2)"), more);
        CHECK(retried == 100);
        CHECK(table.ids().size() == 200);
        const std::vector<std::tuple<std::int32_t>> nothing;
        const auto none = co_await conn.execute_many(table.sql("DELETE FROM {t} WHERE id = $1"), nothing);
        CHECK(none == 0);
        co_return;
    });
}

TEST_CASE("the notice handler sees the server's notices, one that throws fails the statement, whose effects stand",
    "[asio][notice]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        std::vector<typq::notice> seen;
        conn.on_notice([&](const typq::notice& n) { seen.push_back(n); });
        (void)co_await conn.execute("DO $$ BEGIN RAISE NOTICE 'hello from %', 'asio' USING HINT = 'a hint'; "
                                    "RAISE WARNING 'careful'; END $$");
        REQUIRE(seen.size() == 2);
        CHECK(seen[0].severity == "NOTICE");
        CHECK(seen[0].message == "hello from asio");
        CHECK(seen[0].hint == "a hint");
        CHECK(seen[0].sqlstate == "00000");
        CHECK(seen[1].severity == "WARNING");
        CHECK(seen[1].message == "careful");
        // A statement with parameters (the extended protocol) too.
        (void)co_await conn.execute("CREATE TEMP TABLE noticed (id int4);"
                                    "CREATE FUNCTION pg_temp.shout(t text) RETURNS int4 LANGUAGE plpgsql "
                                    "AS $$ BEGIN RAISE NOTICE 'shout %', t; RETURN 1; END $$");
        const auto shouted = co_await conn.query_value<std::int32_t>("SELECT pg_temp.shout($1)", "loud"s);
        CHECK(shouted == 1);
        REQUIRE(seen.size() == 3);
        CHECK(seen[2].message == "shout loud");

        conn.on_notice([](const typq::notice&) { throw std::runtime_error("the handler failed"); });
        const auto thrown =
            co_await thrown_by(conn.execute("DO $$ BEGIN INSERT INTO noticed VALUES (1); RAISE NOTICE 'x'; END $$"));
        CAPTURE(describe(thrown));
        CHECK(is_exactly<std::runtime_error>(thrown));
        conn.on_notice({});
        const auto count = co_await conn.query_value<std::int64_t>("SELECT count(*) FROM noticed");
        CHECK(count == 1);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        co_return;
    });
}

// --- errors ------------------------------------------------------------------------------------------

TEST_CASE("errors are typq's exceptions, and the connection goes on working after each", "[asio][errors]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        co_await make_table(conn);
        (void)co_await conn.execute("INSERT INTO t VALUES (1, 'one', NULL)");

        SECTION("a syntax error is typq::syntax_error, a server_error")
        {
            const auto thrown = co_await thrown_by(conn.query_value<std::int32_t>("SELEKT 1"));
            CAPTURE(describe(thrown));
            CHECK(is_exactly<typq::syntax_error>(thrown));
            CHECK(is_a<typq::server_error>(thrown));
            CHECK_THAT(describe(thrown), Catch::Contains("42601"));
            const auto script = co_await thrown_by(conn.execute("SELECT 1; SELEKT 2"));
            CHECK(is_exactly<typq::syntax_error>(script));
        }
        SECTION("a duplicate key is typq::unique_violation")
        {
            const auto thrown = co_await thrown_by(conn.execute("INSERT INTO t VALUES ($1, $2, NULL)", 1, "x"s));
            CAPTURE(describe(thrown));
            CHECK(is_exactly<typq::unique_violation>(thrown));
            CHECK(is_a<typq::integrity_constraint_violation>(thrown));
        }
        SECTION("a column that does not fit the C++ type is typq::conversion_error")
        {
            const auto text_as_int = co_await thrown_by(conn.query_value<std::int32_t>("SELECT name FROM t"));
            CAPTURE(describe(text_as_int));
            CHECK(is_exactly<typq::conversion_error>(text_as_int));
            const auto null_as_int = co_await thrown_by(conn.query_value<std::int64_t>("SELECT amount FROM t"));
            CAPTURE(describe(null_as_int));
            CHECK(is_exactly<typq::conversion_error>(null_as_int));
            const auto missing_field = co_await thrown_by(conn.query<item>("SELECT id, name FROM t"));
            CAPTURE(describe(missing_field));
            CHECK(is_exactly<typq::conversion_error>(missing_field));
        }
        SECTION("an error the server raises after rows were sent")
        {
            const auto thrown =
                co_await thrown_by(conn.query<std::int32_t>("SELECT 10 / (5 - i) FROM generate_series(1, 10) AS i"));
            CAPTURE(describe(thrown));
            CHECK(is_exactly<typq::division_by_zero>(thrown));
        }
        CHECK(conn.state() == typq::connection_state::open);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        const auto sum = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        CHECK(sum == 42);
        const auto rows = co_await conn.query_value<std::int64_t>("SELECT count(*) FROM t");
        CHECK(rows == 1);
        co_return;
    });
}

}  // namespace asio_statements_test
