// SPDX-License-Identifier: BSL-1.0
// tests/engine/stream.cpp: typq::stream, rows read one at a time in single-row mode: the rows and
// their order, the busy connection, destroying a stream half way (outside and inside a
// transaction block), an error after some rows, the row type checked before the statement runs,
// big values and many rows, server-defined types not looked up yet, parameters.

#include "engine_checks.hpp"

#include <algorithm>  // std::ranges::all_of
#include <cstddef>    // std::size_t
#include <cstdint>    // std::int32_t, std::int64_t
#include <iterator>   // std::input_iterator, std::default_sentinel
#include <optional>   // NULL columns, a stream destroyed early
#include <ranges>     // std::ranges::input_range
#include <string>     // text columns
#include <tuple>      // rows by position
#include <utility>    // std::move
#include <vector>     // collected rows

namespace engine_stream_test {

enum class mood { sad, ok, happy };

struct pair {
    std::int32_t a;
    std::string b;
    friend bool operator==(const pair&, const pair&) = default;
};

struct entry {
    std::int32_t id;
    std::string label;
    friend bool operator==(const entry&, const entry&) = default;
};

struct span {
    std::int32_t first;
    std::int32_t last;
};

template <class Row>
std::vector<Row> collect(typq::stream<Row>&& rows)
{
    std::vector<Row> out;
    for (const Row& row : rows)
        out.push_back(row);
    return out;
}

}  // namespace engine_stream_test

template <>
struct typq::type<engine_stream_test::mood> : typq::enum_type<engine_stream_test::mood, "mood"> {};
template <>
struct typq::type<engine_stream_test::pair> : typq::composite_type<engine_stream_test::pair, "pair"> {};

namespace engine_stream_test {

using Catch::Contains;

TEST_CASE("a stream is an input range", "[engine][stream]")
{
    using ints = typq::stream<std::int32_t>;
    STATIC_REQUIRE(std::input_iterator<ints::iterator>);
    STATIC_REQUIRE(std::ranges::input_range<ints>);
    STATIC_REQUIRE(std::same_as<std::ranges::range_value_t<ints>, std::int32_t>);
    STATIC_REQUIRE(std::same_as<std::ranges::range_reference_t<ints>, const std::int32_t&>);
    STATIC_REQUIRE(std::same_as<typq::stream<entry>::value_type, entry>);
}

TEST_CASE("a stream gives every row, in order", "[engine][stream]")
{
    auto conn = typq_test::connect();
    using row = std::tuple<std::int32_t, std::string, std::optional<std::int64_t>>;

    SECTION("rows of a tuple")
    {
        const auto rows = collect(conn.stream<row>(
            "SELECT g, 'row ' || g, CASE WHEN g % 2 = 0 THEN g::int8 * 1000000000 END FROM generate_series(1, 5) g "
            "ORDER BY g"));
        CHECK(rows
            == std::vector<row>{{1, "row 1", std::nullopt}, {2, "row 2", 2000000000}, {3, "row 3", std::nullopt},
                {4, "row 4", 4000000000}, {5, "row 5", std::nullopt}});
    }
    SECTION("rows of a struct, by column name")
    {
        const auto rows = collect(conn.stream<entry>("SELECT 'x' || g AS label, g AS id FROM generate_series(1, 3) g"));
        CHECK(rows == std::vector<entry>{{1, "x1"}, {2, "x2"}, {3, "x3"}});
    }
    SECTION("no rows")
    {
        auto rows = conn.stream<std::int32_t>("SELECT 1 WHERE false");
        CHECK(rows.begin() == rows.end());
        CHECK(rows.begin() == std::default_sentinel);
    }
    SECTION("one row")
    {
        CHECK(collect(conn.stream<std::string>("SELECT 'only'")) == std::vector<std::string>{"only"});
    }
    SECTION("iterated by hand: *it is the current row until ++it, begin() goes on where the iteration is")
    {
        auto rows = conn.stream<std::int32_t>("SELECT g * 10 FROM generate_series(1, 4) g");
        auto it = rows.begin();
        REQUIRE(it != rows.end());
        const std::int32_t& current = *it;
        CHECK(current == 10);
        CHECK(*it == 10);  // reading it again reads nothing more
        ++it;
        CHECK(*it == 20);
        it++;
        CHECK(*rows.begin() == 30);
        ++it;
        CHECK(*it == 40);
        ++it;
        CHECK(it == rows.end());
        CHECK(rows.begin() == rows.end());
    }
    SECTION("moved from one object to another half way")
    {
        auto first = conn.stream<std::int32_t>("SELECT g FROM generate_series(1, 5) g");
        auto it = first.begin();
        CHECK(*it == 1);
        ++it;
        auto second = std::move(first);
        std::vector<std::int32_t> rest;
        for (auto at = second.begin(); at != second.end(); ++at)
            rest.push_back(*at);
        CHECK(rest == std::vector<std::int32_t>{2, 3, 4, 5});
    }
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a stream takes arguments, positional and named", "[engine][stream]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4 PRIMARY KEY, label text NOT NULL)");
    conn.execute("INSERT INTO t SELECT g, 'label ' || g FROM generate_series(1, 100) g");

    SECTION("positional")
    {
        const auto rows = collect(conn.stream<entry>("SELECT id, label FROM t WHERE id > $1 AND label <> $2 ORDER BY id",
            96, "label 98"));
        CHECK(rows == std::vector<entry>{{97, "label 97"}, {99, "label 99"}, {100, "label 100"}});
    }
    SECTION("named, from a struct's fields")
    {
        const auto rows = collect(conn.stream<std::int32_t>(
            "SELECT id FROM t WHERE id BETWEEN :first AND :last ORDER BY id DESC", span{.first = 10, .last = 13}));
        CHECK(rows == std::vector<std::int32_t>{13, 12, 11, 10});
    }
    SECTION("typq::runtime")
    {
        const std::string table = "t";
        const auto rows =
            collect(conn.stream<std::int32_t>(typq::runtime("SELECT id FROM " + table + " WHERE id <= $1 ORDER BY id"), 3));
        CHECK(rows == std::vector<std::int32_t>{1, 2, 3});
    }
    SECTION("many times over, with automatic preparation in between")
    {
        for (int round = 1; round <= 8; ++round) {
            CAPTURE(round);
            CHECK(collect(conn.stream<std::int32_t>("SELECT id FROM t WHERE id <= $1 ORDER BY id", 2))
                == std::vector<std::int32_t>{1, 2});
            CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t WHERE id <= $1", round) == round);
        }
    }
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("while a stream is open, other calls on its connection throw usage_error", "[engine][stream]")
{
    auto conn = typq_test::connect();
    {
        auto rows = conn.stream<std::int32_t>("SELECT g FROM generate_series(1, 3) g");
        auto it = rows.begin();
        CHECK(*it == 1);

        REQUIRE_THROWS_AS(conn.execute("SELECT 1"), typq::usage_error);
        REQUIRE_THROWS_WITH(conn.execute("SELECT 1"), Contains("typq::stream is still open"));
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT $1::int4", 1), typq::usage_error);
        REQUIRE_THROWS_AS((void)conn.stream<std::int32_t>("SELECT 2"), typq::usage_error);
        REQUIRE_THROWS_AS((void)conn.prepare("SELECT 3"), typq::usage_error);
        REQUIRE_THROWS_AS(typq::transaction(conn), typq::usage_error);

        // The stream itself is not disturbed.
        ++it;
        CHECK(*it == 2);
        ++it;
        CHECK(*it == 3);
    }
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a stream read to its end leaves the connection free, even before it is destroyed", "[engine][stream]")
{
    auto conn = typq_test::connect();
    auto rows = conn.stream<std::int32_t>("SELECT g FROM generate_series(1, 3) g");
    std::int32_t sum = 0;
    for (const std::int32_t v : rows)
        sum += v;
    CHECK(sum == 6);
    CHECK(conn.query_value<std::int32_t>("SELECT 42") == 42);
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a stream destroyed before its end cancels the statement, and the connection goes on", "[engine][stream]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4)");

    SECTION("outside a transaction block")
    {
        {
            auto rows = conn.stream<std::int64_t>("SELECT generate_series(1::int8, 100000000)");
            auto it = rows.begin();
            CHECK(*it == 1);
            ++it;
            CHECK(*it == 2);
        }
        // The server is not still sending the rows.
        auto observer = typq_test::connect();
        CHECK(observer.query_value<std::string>("SELECT state FROM pg_stat_activity WHERE pid = $1", conn.backend_pid())
            == "idle");
        engine_test::check_idle_and_usable(conn);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 0);
    }
    SECTION("before its first row was read by the loop")
    {
        {
            auto rows = conn.stream<std::int64_t>("SELECT generate_series(1::int8, 100000000)");
        }
        engine_test::check_idle_and_usable(conn);
    }
    SECTION("inside a transaction block: the stream's work is undone, the transaction goes on and commits")
    {
        {
            typq::transaction tx(conn);
            conn.execute("INSERT INTO t VALUES ($1)", -1);
            {
                auto rows = conn.stream<std::int32_t>("INSERT INTO t SELECT g FROM generate_series(1, 100000) g RETURNING id");
                auto it = rows.begin();
                CHECK(*it == 1);
                ++it;
                CHECK(*it == 2);
            }
            CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
            conn.execute("INSERT INTO t VALUES ($1)", -2);
            CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 2);
            tx.commit();
        }
        CHECK(conn.query<std::int32_t>("SELECT id FROM t ORDER BY id DESC").size() == 2);
        CHECK(conn.query_value<std::int64_t>("SELECT sum(id) FROM t") == -3);
        engine_test::check_idle_and_usable(conn);
    }
    SECTION("inside a transaction block, a stream read to its end keeps its work")
    {
        {
            typq::transaction tx(conn);
            std::int32_t sum = 0;
            for (const std::int32_t id : conn.stream<std::int32_t>("INSERT INTO t SELECT generate_series(1, 3) RETURNING id"))
                sum += id;
            CHECK(sum == 6);
            CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
            tx.commit();
        }
        CHECK(conn.query_value<std::int64_t>("SELECT sum(id) FROM t") == 6);
    }
    SECTION("inside a savepoint of a transaction")
    {
        typq::transaction tx(conn);
        conn.execute("INSERT INTO t VALUES ($1)", -1);
        {
            typq::transaction inner(conn);
            {
                auto rows = conn.stream<std::int32_t>("SELECT generate_series(1, 100000000)");
                CHECK(*rows.begin() == 1);
            }
            conn.execute("INSERT INTO t VALUES ($1)", -2);
            inner.commit();
        }
        tx.commit();
        CHECK(conn.query_value<std::int64_t>("SELECT sum(id) FROM t") == -3);
        engine_test::check_idle_and_usable(conn);
    }
}

TEST_CASE("a server error after some rows is thrown from the iteration, after those rows", "[engine][stream]")
{
    auto conn = typq_test::connect();
    std::vector<std::int32_t> seen;
    const auto read_all = [&] {
        for (const std::int32_t v : conn.stream<std::int32_t>("SELECT 10 / (5 - g) FROM generate_series(1, 10) g"))
            seen.push_back(v);
    };

    SECTION("outside a transaction block")
    {
        const auto thrown = typq_test::thrown_by(read_all);
        REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::division_by_zero);
        REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Contains("division by zero"));
        CHECK(seen == std::vector<std::int32_t>{2, 3, 5, 10});
        engine_test::check_idle_and_usable(conn);
    }
    SECTION("inside a transaction block it aborts the transaction, which rolls back")
    {
        typq::transaction tx(conn);
        REQUIRE_THROWS_AS(read_all(), typq::division_by_zero);
        CHECK(seen == std::vector<std::int32_t>{2, 3, 5, 10});
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
        tx.rollback();
        engine_test::check_idle_and_usable(conn);
    }
    SECTION("an error before any row is thrown by stream()")
    {
        REQUIRE_THROWS_AS((void)conn.stream<std::int32_t>("SELECT 1 / 0"), typq::division_by_zero);
        REQUIRE_THROWS_AS((void)conn.stream<std::int32_t>("SELECT typq_no_such_column"), typq::undefined_column);
        engine_test::check_idle_and_usable(conn);
    }
}

TEST_CASE("a stream's row type is checked before the statement runs", "[engine][stream]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4)");

    SECTION("too many fields")
    {
        using two = std::tuple<std::int32_t, std::int32_t>;
        REQUIRE_THROWS_AS((void)conn.stream<two>("SELECT 1"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.stream<two>("SELECT 1"), Contains("result does not fit"));
    }
    SECTION("a column of another type")
    {
        REQUIRE_THROWS_AS((void)conn.stream<std::string>("SELECT g FROM generate_series(1, 3) g"), typq::conversion_error);
    }
    SECTION("a field no column is named after")
    {
        REQUIRE_THROWS_WITH((void)conn.stream<entry>("SELECT 1 AS id, 'a' AS name"),
            Contains("result does not fit") && Contains("\"label\""));
    }
    SECTION("nothing of the statement runs")
    {
        REQUIRE_THROWS_AS((void)conn.stream<std::string>("INSERT INTO t VALUES (1), (2) RETURNING id"),
            typq::conversion_error);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM t") == 0);
    }
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a stream reads a 10 MB value in one row", "[engine][stream]")
{
    auto conn = typq_test::connect();
    constexpr std::int32_t size = 10 * 1024 * 1024;
    std::size_t rows = 0;
    for (const auto& [n, text] : conn.stream<std::tuple<std::int32_t, std::string>>(
             "SELECT g, repeat(chr(96 + g), $1) || 'end' FROM generate_series(1, 2) g", size)) {
        ++rows;
        CAPTURE(n);
        REQUIRE(text.size() == static_cast<std::size_t>(size) + 3);
        const char letter = static_cast<char>('a' + n - 1);
        CHECK(std::ranges::all_of(text.begin(), text.end() - 3, [&](char c) { return c == letter; }));
        CHECK(text.ends_with("end"));
    }
    CHECK(rows == 2);
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a stream reads 1,000,000 rows", "[engine][stream]")
{
    auto conn = typq_test::connect();
    std::int64_t count = 0;
    std::int64_t sum = 0;
    std::int64_t previous = 0;
    bool ordered = true;
    for (const std::int64_t v : conn.stream<std::int64_t>("SELECT g::int8 FROM generate_series(1, $1) g", 1000000)) {
        ++count;
        sum += v;
        ordered = ordered && v == previous + 1;
        previous = v;
    }
    CHECK(count == 1000000);
    CHECK(sum == 500000500000);
    CHECK(ordered);
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a stream reads and sends server-defined types the connection has not looked up", "[engine][stream]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy');"
                 "CREATE TYPE pg_temp.pair AS (a int4, b text)");

    SECTION("an enum column")
    {
        using row = std::tuple<std::int32_t, mood>;
        const auto rows = collect(conn.stream<row>(
            "SELECT g, (ARRAY['sad', 'ok', 'happy']::mood[])[g] FROM generate_series(1, 3) g ORDER BY g"));
        CHECK(rows == std::vector<row>{{1, mood::sad}, {2, mood::ok}, {3, mood::happy}});
    }
    SECTION("an enum parameter")
    {
        const auto rows = collect(conn.stream<std::string>(
            "SELECT m::text AS label FROM unnest(enum_range(NULL::mood)) m WHERE m >= $1 ORDER BY m", mood::ok));
        CHECK(rows == std::vector<std::string>{"ok", "happy"});
    }
    SECTION("a composite column")
    {
        const auto rows = collect(conn.stream<pair>("SELECT ROW(g, 'b' || g)::pair FROM generate_series(1, 3) g ORDER BY g"));
        CHECK(rows == std::vector<pair>{{1, "b1"}, {2, "b2"}, {3, "b3"}});
    }
    SECTION("a composite parameter, and an array of enums")
    {
        using row = std::tuple<std::string, std::vector<mood>>;
        const auto rows = collect(conn.stream<row>("SELECT ($1::pair).b || g, ARRAY[$2, 'sad']::mood[] "
                                                   "FROM generate_series(1, 2) g ORDER BY g",
            pair{7, "seven"}, mood::happy));
        CHECK(rows == std::vector<row>{{"seven1", {mood::happy, mood::sad}}, {"seven2", {mood::happy, mood::sad}}});
    }
    SECTION("inside a transaction block")
    {
        typq::transaction tx(conn);
        using row = std::tuple<std::int32_t, mood>;
        const auto rows = collect(conn.stream<row>("SELECT 1, 'happy'::mood"));
        CHECK(rows == std::vector<row>{{1, mood::happy}});
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        tx.commit();
    }
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a stream whose connection is closed under it throws, rather than end early", "[engine][stream]")
{
    auto conn = typq_test::connect();
    auto rows = conn.stream<std::int32_t>("SELECT g FROM generate_series(1, 100000) g");
    auto it = rows.begin();
    REQUIRE(*it == 1);
    conn.close();
    // Found by the pool's tests: libpq reports no more results on a closed connection, which
    // read as the end of the rows (one more row, then a quiet end).
    const auto read_rest = [&] {
        std::size_t seen = 0;
        for (; it != rows.end(); ++it)
            ++seen;
        return seen;
    };
    REQUIRE_THROWS_AS(read_rest(), typq::connection_error);
}

}  // namespace engine_stream_test
