// SPDX-License-Identifier: BSL-1.0
// tests/core/row.cpp: typq::row, a row of any shape: columns by index and by name, their names
// and SQL types, NULL, each get<T> checked and decoded as a struct's field is (the same rule, the
// same errors), in every form of query; and typq::ignoring_extra<T> for SELECT * into a struct
// of some of the columns.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <chrono>       // dates
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int16_t, std::int32_t, std::int64_t
#include <optional>     // NULL columns
#include <string>       // names, texts
#include <string_view>  // borrowed texts
#include <utility>      // std::move
#include <vector>       // arrays, fetched rows

namespace core_row_test {

enum class mood { sad, ok, happy };

struct narrow {
    std::int16_t n;
};

struct person {
    std::int64_t id;
    std::string name;
};

}  // namespace core_row_test

template <>
struct typq::type<core_row_test::mood> : typq::enum_type<core_row_test::mood, "typq_row_mood"> {};

namespace core_row_test {

TEST_CASE("typq::row reads a result of any shape, by index and by name", "[core][row]")
{
    auto conn = typq_test::connect();
    const auto rows = conn.query<typq::row>(
        "SELECT g::int4 AS id, 'n' || g AS name, CASE WHEN g = 2 THEN NULL ELSE g * 1.5::float8 END AS score, "
        "ARRAY[g, g + 1] AS pair, 7 FROM generate_series(1, 3) g ORDER BY g");
    REQUIRE(rows.size() == 3);

    const typq::row& first = rows[0];
    REQUIRE(first.size() == 5);
    CHECK(first.name(0) == "id");
    CHECK(first.name(3) == "pair");
    CHECK(first.name(4) == "?column?");
    CHECK(first.sql_type(0) == "int4");
    CHECK(first.sql_type(1) == "text");
    CHECK(first.sql_type(2) == "float8");
    CHECK(first.sql_type(3) == "int4[]");
    CHECK(first.type_oid(0) == typq::oid::int4);
    CHECK(first.find("name") == std::size_t{1});
    CHECK_FALSE(first.find("missing").has_value());

    CHECK(first.get<std::int32_t>(0) == 1);
    CHECK(first.get<std::int64_t>("id") == 1);  // widening, as for a field
    CHECK(first.get<std::string>("name") == "n1");
    CHECK(first.get<std::string_view>(1) == "n1");
    CHECK(first.get<double>("score") == 1.5);
    CHECK(first.get<std::vector<std::int64_t>>("pair") == std::vector<std::int64_t>{1, 2});
    CHECK(first.get<std::int32_t>(4) == 7);

    const typq::row second = rows[1];
    CHECK(second.is_null("score"));
    CHECK(second.is_null(2));
    CHECK_FALSE(second.is_null(0));
    CHECK(second.get<std::optional<double>>("score") == std::nullopt);
    CHECK(rows[2].get<std::optional<double>>("score") == 4.5);

    std::int64_t sum = 0;
    for (const typq::row& r : rows)
        sum += r.get<std::int64_t>("id");
    CHECK(sum == 6);
}

TEST_CASE("typq::row checks each get<T> as a struct's field is checked, with the same errors", "[core][row]")
{
    auto conn = typq_test::connect();
    const auto r = conn.query_one<typq::row>("SELECT 70000::int4 AS n, NULL::int4 AS missing, 'x'::text AS t");

    SECTION("a type that does not fit the column: the message of a field's mismatch")
    {
        REQUIRE_THROWS_AS((void)r.get<std::int16_t>("n"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)r.get<std::int16_t>("n"),
            Catch::Equals("typq::row: column \"n\" (int4) cannot become std::int16_t"));
        // The struct's message says the same of its field.
        REQUIRE_THROWS_WITH((void)conn.query<narrow>("SELECT 70000::int4 AS n"),
            Catch::Contains("column \"n\" (int4) cannot become field \"n\" (std::int16_t) of"));
        REQUIRE_THROWS_WITH((void)r.get<std::int32_t>("t"), Catch::Contains("column \"t\" (text) cannot become std::int32_t"));
        try {
            (void)r.get<std::int16_t>(0);
        }
        catch (const typq::conversion_error& e) {
            CHECK(e.column() == "n");
            CHECK(e.sql_type() == "int4");
            CHECK(e.cpp_type() == "std::int16_t");
        }
    }
    SECTION("NULL into a type that is not a std::optional")
    {
        REQUIRE_THROWS_AS((void)r.get<std::int32_t>("missing"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)r.get<std::int32_t>("missing"),
            Catch::Equals("column \"missing\" (int4) is NULL at row 0, but std::int32_t is not a std::optional"));
        CHECK(r.get<std::optional<std::int32_t>>("missing") == std::nullopt);
    }
    SECTION("a name or an index the row does not have")
    {
        REQUIRE_THROWS_AS((void)r.get<std::int32_t>("nope"), typq::usage_error);
        REQUIRE_THROWS_WITH((void)r.get<std::int32_t>("nope"),
            Catch::Contains("no column is named \"nope\" (the columns: \"n\", \"missing\", \"t\")"));
        REQUIRE_THROWS_AS((void)r.get<std::int32_t>(3), typq::usage_error);
        REQUIRE_THROWS_AS((void)r.is_null(3), typq::usage_error);
        REQUIRE_THROWS_AS((void)r.name(3), typq::usage_error);
    }
    SECTION("two columns of one name are read by index")
    {
        const auto twice = conn.query_one<typq::row>("SELECT 1 AS a, 2 AS a");
        REQUIRE_THROWS_AS((void)twice.get<std::int32_t>("a"), typq::usage_error);
        REQUIRE_THROWS_WITH((void)twice.get<std::int32_t>("a"), Catch::Contains("columns 1 and 2 are both named \"a\""));
        CHECK(twice.get<std::int32_t>(1) == 2);
    }
    SECTION("a value that does not fit: the decoder's own error, naming the column and the row")
    {
        const auto day = conn.query_one<typq::row>("SELECT 'infinity'::date AS d");
        CHECK(day.get<std::chrono::sys_days>("d") == std::chrono::sys_days::max());
        REQUIRE_THROWS_AS((void)day.get<std::chrono::year_month_day>("d"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)day.get<std::chrono::year_month_day>("d"),
            Catch::StartsWith("cannot read column \"d\" (date) into ") && Catch::Contains("at row 0: infinity"));
    }
}

TEST_CASE("typq::row works in every form of query, and outlives its result and connection", "[core][row]")
{
    typq::row kept;
    {
        auto conn = typq_test::connect();
        const std::optional<typq::row> none = conn.query_opt<typq::row>("SELECT 1 WHERE false");
        CHECK_FALSE(none.has_value());
        CHECK(conn.query_opt<typq::row>("SELECT 3 AS x")->get<std::int32_t>("x") == 3);
        kept = conn.query_one<typq::row>("SELECT 'kept' AS word, 42 AS n");

        std::int64_t streamed = 0;
        for (const typq::row& r : conn.stream<typq::row>("SELECT g::int8 AS g FROM generate_series(1, $1) g", 100))
            streamed += r.get<std::int64_t>("g");
        CHECK(streamed == 5050);

        {
            typq::transaction tx{conn};
            auto cur = conn.cursor<typq::row>("SELECT g AS g FROM generate_series(1, 10) g");
            const std::vector<typq::row> some = cur.fetch(4);
            REQUIRE(some.size() == 4);
            CHECK(some[3].get<std::int32_t>("g") == 4);
            CHECK(cur.fetch_one()->get<std::int32_t>(0) == 5);
        }

        auto by_name = conn.prepare<std::int32_t>("SELECT $1 + 1 AS next");
        CHECK(conn.query_one<typq::row>(by_name, 1).get<std::int32_t>("next") == 2);
        CHECK(conn.query_one<typq::row>(by_name, 2).get<std::int32_t>("next") == 3);  // the plan, kept

        typq::pipeline p{conn};
        auto pending = p.query_one<typq::row>("SELECT 'piped' AS how");
        p.sync();
        CHECK(pending.get().get<std::string>("how") == "piped");
    }
    CHECK(kept.get<std::string>("word") == "kept");
    CHECK(kept.get<std::string_view>(0) == "kept");
    CHECK(kept.get<std::int32_t>("n") == 42);

    const typq::row empty;
    CHECK(empty.empty());
    CHECK(empty.size() == 0);
}

TEST_CASE("typq::row reads types only the server knows, looked up before the rows", "[core][row]")
{
    auto conn = typq_test::connect();
    typq::transaction tx{conn};
    conn.execute("CREATE TYPE typq_row_mood AS ENUM ('sad', 'ok', 'happy')");
    conn.execute("CREATE DOMAIN typq_row_positive AS int4 CHECK (VALUE > 0)");
    const auto r = conn.query_one<typq::row>("SELECT 'happy'::typq_row_mood AS m, ARRAY['sad', 'ok']::typq_row_mood[] "
                                             "AS ms, 5::typq_row_positive AS p");
    CHECK(r.sql_type(0) == "typq_row_mood");
    CHECK(r.sql_type(1) == "typq_row_mood[]");
    CHECK(r.get<mood>("m") == mood::happy);
    CHECK(r.get<std::vector<mood>>("ms") == std::vector<mood>{mood::sad, mood::ok});
    CHECK(r.get<std::int32_t>("p") == 5);  // a domain reads as its base type
    REQUIRE_THROWS_WITH((void)r.get<std::int32_t>("m"), Catch::Contains("column \"m\" (typq_row_mood) cannot become"));
}

TEST_CASE("typq::row with typq::text_results reads any column as the server's text", "[core][row]")
{
    auto conn = typq_test::connect();
    const auto r = conn.query_one<typq::row>(typq::text_results,
        "SELECT 1.50::numeric AS n, '{1,2}'::int4[] AS a, NULL::date AS d, 'x' AS t");
    CHECK(r.get<std::string>("n") == "1.50");
    CHECK(r.get<std::string>("a") == "{1,2}");
    CHECK(r.get<std::optional<std::string>>("d") == std::nullopt);
    CHECK(r.sql_type(0) == "numeric");
    REQUIRE_THROWS_AS((void)r.get<std::int32_t>("t"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)r.get<std::int32_t>("t"), Catch::Contains("was read with typq::text_results"));
}

TEST_CASE("typq::ignoring_extra<T> reads SELECT * into a struct of some of the columns", "[core][row]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE people (id int8, name text, email text, born date)");
    conn.execute("INSERT INTO people VALUES (1, 'ann', 'a@x', '2000-01-01'), (2, 'bob', NULL, NULL)");

    SECTION("extra columns are ignored")
    {
        const auto all = conn.query<typq::ignoring_extra<person>>("SELECT * FROM people ORDER BY id");
        REQUIRE(all.size() == 2);
        CHECK(all[1].name == "bob");
        const person one = conn.query_one<typq::ignoring_extra<person>>("SELECT * FROM people WHERE id = 1");
        CHECK(one.name == "ann");
    }
    SECTION("by default, a column without a field is an error")
    {
        REQUIRE_THROWS_AS((void)conn.query<person>("SELECT * FROM people"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query<person>("SELECT * FROM people"),
            Catch::Contains("column \"email\" (text) has no field"));
    }
    SECTION("a field without its column, or a column that does not fit, is still an error")
    {
        REQUIRE_THROWS_WITH((void)conn.query<typq::ignoring_extra<person>>("SELECT id, email FROM people"),
            Catch::Contains("no column for field \"name\""));
        REQUIRE_THROWS_WITH((void)conn.query<typq::ignoring_extra<person>>("SELECT id, born AS name FROM people"),
            Catch::Contains("column \"name\" (date) cannot become field \"name\" (std::string)"));
        REQUIRE_THROWS_WITH(
            (void)conn.query<typq::ignoring_extra<person>>("SELECT id, name, name FROM people"),
            Catch::Contains("match field \"name\""));
    }
}

}  // namespace core_row_test
