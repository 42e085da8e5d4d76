// SPDX-License-Identifier: BSL-1.0
// COPY FROM STDIN (issue 12): conn.copy_in<Row>("table") of structs, tuples and
// typq::by_position rows, column lists, table names; aborted COPYs, constraint violations, the
// type checks made before anything is sent; raw copy_in(sql) of csv; the busy connection; a
// described table that changes. The server is the oracle: count(*), `col::text`, and a second
// connection for what is committed.

#include "io_checks.hpp"

#include <cstdint>      // field types
#include <exception>    // std::exception_ptr
#include <limits>       // integer and float limits, NaN and the infinities
#include <list>         // write() of a range that is not a vector
#include <optional>     // NULLs
#include <span>         // write(range) of a part of a vector
#include <stdexcept>    // std::runtime_error: leaving a writer by an exception
#include <string>       // names, statements, values
#include <string_view>  // table names
#include <tuple>        // rows by position
#include <vector>       // rows

namespace io_copy_in_test {

using Catch::Contains;
using typq_test::rethrow;
using typq_test::thrown_by;

using io_test::ids;
using io_test::require_idle_and_usable;
using io_test::shared_table;

std::int64_t count_rows(typq::connection& conn, const std::string& table)
{
    return conn.query_value<std::int64_t>(typq::runtime("SELECT count(*) FROM " + table));
}

struct item {
    std::int32_t id;
    std::string name;
    double price;
    friend bool operator==(const item&, const item&) = default;
};

std::vector<item> make_items(std::int32_t first, std::int32_t count)
{
    std::vector<item> out;
    for (std::int32_t i = first; i < first + count; ++i)
        out.push_back(item{i, "item " + std::to_string(i), i * 0.25});
    return out;
}

// Fields in another order than the table's columns, and a table with a column no field names.
struct person {
    std::int32_t id;
    std::string name;
    std::int16_t age;
};

struct named {
    std::int32_t id;
    std::string name;
};

// Positional: the field names are not the columns'.
struct pair_by_position {
    std::string text_value;
    std::int32_t number;
};

// A mixed-case field name, which is the exact (quoted) column name.
struct order_item {
    std::int32_t id;
    std::int32_t Qty;  // NOLINT(readability-identifier-naming): the column "Qty"
};

struct stock {
    std::int32_t id;
    std::optional<std::string> name;
    std::int32_t qty;
};

struct text_into_int {
    std::int32_t id;
    std::string n;
};

struct two_wrong {
    std::string id;
    double n;
};

struct widths {
    std::int32_t id;
    std::int32_t wide;    // into int8
    std::int64_t narrow;  // into int4
    std::int64_t small;   // into int2
    std::int16_t tiny;    // into int8
    std::optional<std::int64_t> maybe;  // into int4
};

struct floats {
    std::int32_t id;
    double r;  // into real
    float d;   // into float8
};

struct id_n {
    std::int32_t id;
    std::int32_t n;
};

struct xy {
    std::int32_t id;
    std::int32_t x;
};

// The server's text for `column` of the row with `id` in `table`, or nullopt for NULL.
std::optional<std::string> text_of(typq::connection& conn, const std::string& table, const std::string& column, std::int32_t id)
{
    return conn.query_value<std::optional<std::string>>(
        typq::runtime("SELECT " + column + "::text FROM " + table + " WHERE id = $1"), id);
}

// The server's text for `literal` cast to `type`.
std::string server_text(typq::connection& conn, const std::string& literal, const std::string& type)
{
    return conn.query_value<std::string>(typq::runtime("SELECT (" + literal + ")::" + type + "::text"));
}

// --- typed copy_in ------------------------------------------------------------------------------------

TEST_CASE("copy_in writes structs into a table and finish() returns the row count", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE items (id int4 PRIMARY KEY, name text NOT NULL, price float8)");
    const std::vector<item> rows = make_items(1, 1000);

    auto w = conn.copy_in<item>("items");
    CHECK(w.written() == 0);
    w.write(rows.front());
    w.write(std::span<const item>(rows).subspan(1));
    CHECK(w.written() == 1000);
    CHECK(w.finish() == 1000);

    CHECK(count_rows(conn, "items") == 1000);
    std::vector<item> back;
    for (const item& r : conn.query<item>("SELECT id, name, price FROM items ORDER BY id"))
        back.push_back(r);
    CHECK(back == rows);
    double sum = 0;
    for (const item& r : rows)
        sum += r.price;
    CHECK(conn.query_value<double>("SELECT sum(price) FROM items") == sum);

    SECTION("a finished writer refuses more")
    {
        REQUIRE_THROWS_AS(w.write(rows.front()), typq::usage_error);
        REQUIRE_THROWS_WITH(w.write(rows.front()), Contains("finished"));
        REQUIRE_THROWS_AS(w.finish(), typq::usage_error);
        CHECK(w.written() == 1000);
        require_idle_and_usable(conn);
    }

    SECTION("a range of another container")
    {
        std::list<item> other;
        for (std::int32_t i = 1001; i <= 1010; ++i)
            other.push_back(item{i, "view " + std::to_string(i), 0.5});
        auto more = conn.copy_in<item>("items");
        more.write(other);
        CHECK(more.finish() == 10);
        CHECK(count_rows(conn, "items") == 1010);
        CHECK(conn.query_value<std::string>("SELECT name FROM items WHERE id = 1005") == "view 1005");
    }

    SECTION("a COPY of no rows lands nothing and returns 0")
    {
        auto empty = conn.copy_in<item>("items");
        CHECK(empty.finish() == 0);
        CHECK(count_rows(conn, "items") == 1000);
    }
}

TEST_CASE("copy_in writes a struct's fields by name into columns in another order, the others take their defaults",
    "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE people (note text DEFAULT 'none', age int2, name text, id int4)");
    auto w = conn.copy_in<person>("people");
    w.write(person{1, "Ann", 31});
    w.write(person{2, "Bob", -1});
    CHECK(w.finish() == 2);

    using shown = std::tuple<std::int32_t, std::string, std::int16_t, std::string>;
    std::vector<shown> back;
    for (const shown& r : conn.query<shown>("SELECT id, name, age, note FROM people ORDER BY id"))
        back.push_back(r);
    CHECK(back == std::vector<shown>{{1, "Ann", std::int16_t{31}, "none"}, {2, "Bob", std::int16_t{-1}, "none"}});
}

TEST_CASE("copy_in writes tuples and typq::by_position rows by position into the columns given", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE pairs (a int4, b text, c int8 DEFAULT 99)");
    using shown = std::tuple<std::int32_t, std::string, std::int64_t>;
    const auto rows = [&] {
        std::vector<shown> out;
        for (const shown& r : conn.query<shown>("SELECT a, b, c FROM pairs ORDER BY a"))
            out.push_back(r);
        return out;
    };

    SECTION("a tuple into a column list in another order than the table's")
    {
        auto w = conn.copy_in<std::tuple<std::string, std::int32_t>>("pairs", {"b", "a"});
        w.write({"one", 1});
        w.write({"two", 2});
        CHECK(w.finish() == 2);
        CHECK(rows() == std::vector<shown>{{1, "one", 99}, {2, "two", 99}});
    }

    SECTION("a tuple without a column list fills every column in the table's order")
    {
        auto w = conn.copy_in<shown>("pairs");
        w.write({1, "one", std::int64_t{1} << 40});
        CHECK(w.finish() == 1);
        CHECK(rows() == std::vector<shown>{{1, "one", std::int64_t{1} << 40}});
    }

    SECTION("typq::by_position<T> writes a struct's fields by position, whatever their names")
    {
        auto w = conn.copy_in<typq::by_position<pair_by_position>>("pairs", {"b", "a"});
        w.write(pair_by_position{"seven", 7});
        CHECK(w.finish() == 1);
        CHECK(rows() == std::vector<shown>{{7, "seven", 99}});
    }

    SECTION("a column list of another length than the tuple is a usage_error")
    {
        using two = std::tuple<std::string, std::int32_t>;
        REQUIRE_THROWS_AS(conn.copy_in<two>("pairs", {"b"}), typq::usage_error);
        REQUIRE_THROWS_WITH(conn.copy_in<two>("pairs", {"b"}), Contains("1 column(s) given"));
        REQUIRE_THROWS_AS(conn.copy_in<two>("pairs", {"b", "a", "c"}), typq::usage_error);
        CHECK(rows().empty());
        require_idle_and_usable(conn);
    }

    SECTION("a tuple without a column list into a table with more columns is a conversion_error")
    {
        using two = std::tuple<std::int32_t, std::string>;
        REQUIRE_THROWS_AS(conn.copy_in<two>("pairs"), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.copy_in<two>("pairs"), Contains("3 column(s)") && Contains("2 field(s)"));
        CHECK(rows().empty());
        require_idle_and_usable(conn);
    }
}

TEST_CASE("copy_in of a struct takes a column list that names its fields, in any order", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE items (id int4 PRIMARY KEY, name text NOT NULL, price float8)");

    SECTION("the fields in another order: still written by name")
    {
        auto w = conn.copy_in<item>("items", {"price", "id", "name"});
        w.write(item{1, "one", 1.5});
        CHECK(w.finish() == 1);
        CHECK(conn.query_one<item>("SELECT id, name, price FROM items") == item{1, "one", 1.5});
    }

    SECTION("a list that does not name the fields, each once, is a usage_error")
    {
        const auto list = GENERATE(as<std::vector<std::string>>{}, std::vector<std::string>{"id", "name"},
            std::vector<std::string>{"id", "name", "cost"}, std::vector<std::string>{"id", "id", "name"},
            std::vector<std::string>{"id", "name", "price", "price"}, std::vector<std::string>{"ID", "name", "price"});
        CAPTURE(list);
        const auto start = [&] {
            switch (list.size()) {
            case 2: return conn.copy_in<item>("items", {list[0], list[1]});
            case 3: return conn.copy_in<item>("items", {list[0], list[1], list[2]});
            default: return conn.copy_in<item>("items", {list[0], list[1], list[2], list[3]});
            }
        };
        typq::transaction tx(conn);
        REQUIRE_THROWS_AS(start(), typq::usage_error);
        REQUIRE_THROWS_WITH(start(), Contains("field names"));
        // Nothing was sent: a statement that failed would have aborted the transaction.
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        CHECK(count_rows(conn, "items") == 0);
    }
}

TEST_CASE("copy_in takes schema-qualified, quoted and mixed-case table names", "[io][copy]")
{
    auto conn = typq_test::connect();

    SECTION("schema.table")
    {
        const std::string schema = "typq_copy_app_" + std::to_string(conn.backend_pid());
        conn.execute(typq::runtime("CREATE SCHEMA " + schema));
        struct drop_schema {
            typq::connection& conn;
            std::string name;
            ~drop_schema()
            {
                try {
                    conn.execute(typq::runtime("DROP SCHEMA IF EXISTS " + name + " CASCADE"));
                }
                catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
                }
            }
        } guard{conn, schema};
        conn.execute(typq::runtime("CREATE TABLE " + schema + ".t (id int4, name text)"));
        // A table of the same name in pg_temp, first on the search path: the schema must be used.
        conn.execute("CREATE TEMP TABLE t (id int4, name text)");
        auto w = conn.copy_in<named>(schema + ".t");
        w.write(named{1, "in the schema"});
        CHECK(w.finish() == 1);
        CHECK(count_rows(conn, schema + ".t") == 1);
        CHECK(count_rows(conn, "pg_temp.t") == 0);

        auto upper = conn.copy_in<named>("  " + schema + ".T  ");  // unquoted: folded, spaces around trimmed
        upper.write(named{2, "folded"});
        CHECK(upper.finish() == 1);
        CHECK(count_rows(conn, schema + ".t") == 2);

        auto quoted = conn.copy_in<named>("\"" + schema + "\".\"t\"");
        quoted.write(named{3, "quoted"});
        CHECK(quoted.finish() == 1);
        CHECK(count_rows(conn, schema + ".t") == 3);

        auto temp = conn.copy_in<named>("pg_temp.t");
        temp.write(named{4, "temp"});
        CHECK(temp.finish() == 1);
        CHECK(count_rows(conn, "pg_temp.t") == 1);
    }

    SECTION("a quoted name with a space, and a mixed-case column named by its field")
    {
        conn.execute(R"(CREATE TEMP TABLE "Order Items" (id int4, "Qty" int4, qty int4 DEFAULT -1))");
        auto w = conn.copy_in<order_item>("\"Order Items\"");
        w.write(order_item{1, 5});
        w.write(order_item{2, 7});
        CHECK(w.finish() == 2);
        CHECK(conn.query_value<std::int64_t>(R"(SELECT sum("Qty") FROM "Order Items")") == 12);
        CHECK(conn.query_value<std::int64_t>(R"(SELECT sum(qty) FROM "Order Items")") == -2);

        auto q = conn.copy_in<order_item>("pg_temp.\"Order Items\"");
        q.write(order_item{3, 1});
        CHECK(q.finish() == 1);
        CHECK(count_rows(conn, "\"Order Items\"") == 3);
    }

    SECTION("a table that does not exist is the server's undefined_table, and the connection goes on")
    {
        REQUIRE_THROWS_AS(conn.copy_in<named>("typq_no_such_table"), typq::undefined_table);
        try {
            (void)conn.copy_in<named>("typq_no_such_table");
        }
        catch (const typq::server_error& e) {
            CHECK(e.sqlstate() == "42P01");
        }
        require_idle_and_usable(conn);
    }

    SECTION("a field without a column of its name is the server's undefined_column")
    {
        conn.execute("CREATE TEMP TABLE only_id (id int4)");
        REQUIRE_THROWS_AS(conn.copy_in<named>("only_id"), typq::undefined_column);
        require_idle_and_usable(conn);
    }
}

TEST_CASE("a malformed table name is a usage_error, and nothing is sent", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE items (id int4 PRIMARY KEY, name text NOT NULL, price float8)");
    const std::string name = GENERATE(as<std::string>{}, "", "   ", "items; DROP TABLE items", "items (id)",
        "a.b.c", "\"unterminated", "\"\"", "1items", "items.", ".items", "items--", "items t", "it\"ems",
        std::string("ite\0ms", 6), "\xff\xfeitems");
    CAPTURE(name);

    typq::transaction tx(conn);
    REQUIRE_THROWS_AS(conn.copy_in<item>(name), typq::usage_error);
    REQUIRE_THROWS_WITH(conn.copy_in<item>(name), Contains("is not a table name"));
    // Nothing was sent: a statement that failed would have aborted the transaction.
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    CHECK(count_rows(conn, "items") == 0);
}

// --- aborted COPY -----------------------------------------------------------------------------------

TEST_CASE("a copy_writer destroyed without finish() lands nothing, and the connection goes on", "[io][copy]")
{
    shared_table table("typq_copy_abort", "id int4 PRIMARY KEY, name text");
    auto conn = typq_test::connect();
    const auto rows = [](std::int32_t first, std::int32_t count) {
        std::vector<named> out;
        for (std::int32_t i = first; i < first + count; ++i)
            out.push_back(named{i, "row " + std::to_string(i)});
        return out;
    };

    SECTION("destroyed after a few rows")
    {
        auto w = conn.copy_in<named>(table.name());
        w.write(rows(1, 3));
    }
    SECTION("destroyed after whole chunks were sent")
    {
        auto w = conn.copy_in<named>(table.name());
        w.write(rows(1, 200'000));
    }
    SECTION("left by an exception")
    {
        REQUIRE_THROWS_AS(
            [&] {
                auto w = conn.copy_in<named>(table.name());
                w.write(rows(1, 3));
                throw std::runtime_error("the program gave up");
            }(),
            std::runtime_error);
    }
    SECTION("destroyed before any row")
    {
        auto w = conn.copy_in<named>(table.name());
    }

    CHECK(table.ids(conn).empty());
    CHECK(table.committed_ids().empty());
    require_idle_and_usable(conn);

    auto again = conn.copy_in<named>(table.name());
    again.write(rows(1, 3));
    CHECK(again.finish() == 3);
    CHECK(table.committed_ids() == ids{1, 2, 3});
}

TEST_CASE("an aborted copy_writer inside a transaction leaves the transaction going on", "[io][copy]")
{
    shared_table table("typq_copy_abort_tx", "id int4 PRIMARY KEY, name text");
    auto conn = typq_test::connect();
    typq::transaction tx(conn);
    conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (1, 'before')"));

    SECTION("destroyed")
    {
        auto w = conn.copy_in<named>(table.name());
        w.write(named{2, "aborted"});
        w.write(named{3, "aborted"});
    }
    SECTION("destroyed after whole chunks were sent")
    {
        auto w = conn.copy_in<named>(table.name());
        for (std::int32_t i = 2; i < 200'000; ++i)
            w.write(named{i, "aborted"});
    }
    SECTION("left by an exception")
    {
        REQUIRE_THROWS_AS(
            [&] {
                auto w = conn.copy_in<named>(table.name());
                w.write(named{2, "aborted"});
                throw std::runtime_error("the program gave up");
            }(),
            std::runtime_error);
    }

    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    CHECK(tx.active());
    CHECK(table.ids(conn) == ids{1});
    conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (4, 'after')"));
    auto w = conn.copy_in<named>(table.name());
    w.write(named{5, "copied"});
    w.write(named{6, "copied"});
    CHECK(w.finish() == 2);
    CHECK(table.committed_ids().empty());
    tx.commit();
    CHECK(table.committed_ids() == ids{1, 4, 5, 6});
    require_idle_and_usable(conn);
}

// --- constraint violations ----------------------------------------------------------------------------

TEST_CASE("a COPY row that violates a constraint is the server's error class, and nothing lands", "[io][copy]")
{
    shared_table table("typq_copy_constraint", "id int4 PRIMARY KEY, name text NOT NULL, qty int4 CHECK (qty >= 0)");
    auto conn = typq_test::connect();
    conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (1, 'one', 1)"));

    std::vector<stock> rows{{2, "two", 2}, {3, "three", 3}};
    std::string sqlstate;
    std::string constraint;
    SECTION("a duplicate of a committed primary key")
    {
        rows.push_back({1, "again", 1});
        sqlstate = "23505";
        constraint = table.name() + "_pkey";
    }
    SECTION("a duplicate primary key within the COPY")
    {
        rows.push_back({2, "again", 1});
        sqlstate = "23505";
        constraint = table.name() + "_pkey";
    }
    SECTION("NULL into a NOT NULL column")
    {
        rows.push_back({4, std::nullopt, 1});
        sqlstate = "23502";
    }
    SECTION("a CHECK constraint")
    {
        rows.push_back({4, "four", -1});
        sqlstate = "23514";
        constraint = table.name() + "_qty_check";
    }
    CAPTURE(sqlstate);

    const auto thrown = thrown_by([&] {
        auto w = conn.copy_in<stock>(table.name());
        w.write(rows);
        (void)w.finish();
    });
    REQUIRE_THROWS_AS(rethrow(thrown), typq::integrity_constraint_violation);
    if (sqlstate == "23505")
        REQUIRE_THROWS_AS(rethrow(thrown), typq::unique_violation);
    else if (sqlstate == "23502")
        REQUIRE_THROWS_AS(rethrow(thrown), typq::not_null_violation);
    else
        REQUIRE_THROWS_AS(rethrow(thrown), typq::check_violation);
    REQUIRE_THROWS_WITH(rethrow(thrown), Contains("(SQLSTATE " + sqlstate + ")"));
    try {
        rethrow(thrown);
    }
    catch (const typq::server_error& e) {
        CHECK(e.sqlstate() == sqlstate);
        CHECK(e.table_name() == table.name());
        if (!constraint.empty())
            CHECK(e.constraint_name() == constraint);
        else
            CHECK(e.column_name() == "name");
        CHECK_THAT(e.context(), Contains("COPY"));
    }

    CHECK(table.ids(conn) == ids{1});
    CHECK(table.committed_ids() == ids{1});
    require_idle_and_usable(conn);
    auto w = conn.copy_in<stock>(table.name());
    w.write(stock{5, "five", 5});
    CHECK(w.finish() == 1);
    CHECK(table.committed_ids() == ids{1, 5});
}

TEST_CASE("a constraint violation at the first row of a long COPY ends it with the server's error", "[io][copy]")
{
    shared_table table("typq_copy_constraint_long", "id int4 PRIMARY KEY, name text");
    auto conn = typq_test::connect();
    conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (0, 'zero')"));
    // Many chunks after the failing row: the server fails the COPY while the client still sends,
    // so the error may come from write() or from finish(); either way it is the server's.
    auto w = conn.copy_in<named>(table.name());
    const auto thrown = thrown_by([&] {
        for (std::int32_t i = 0; i < 400'000; ++i)
            w.write(named{i, "a name long enough to fill chunks quickly"});
        (void)w.finish();
    });
    REQUIRE_THROWS_AS(rethrow(thrown), typq::unique_violation);
    REQUIRE_THROWS_WITH(rethrow(thrown), Contains("(SQLSTATE 23505)"));
    // The writer has ended: it refuses more, and the connection is free while it lives.
    REQUIRE_THROWS_AS(w.write(named{1, "more"}), typq::usage_error);
    REQUIRE_THROWS_AS(w.finish(), typq::usage_error);
    require_idle_and_usable(conn);
    CHECK(table.committed_ids() == ids{0});
}

TEST_CASE("a constraint violation in a COPY inside a transaction aborts the transaction", "[io][copy]")
{
    shared_table table("typq_copy_constraint_tx", "id int4 PRIMARY KEY, name text NOT NULL");
    auto conn = typq_test::connect();
    {
        typq::transaction tx(conn);
        conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (1, 'one')"));
        const auto thrown = thrown_by([&] {
            auto w = conn.copy_in<named>(table.name());
            w.write(named{2, "two"});
            w.write(named{1, "duplicate"});
            (void)w.finish();
        });
        REQUIRE_THROWS_AS(rethrow(thrown), typq::unique_violation);
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
        REQUIRE_THROWS_AS(conn.execute("SELECT 1"), typq::in_failed_sql_transaction);
        REQUIRE_THROWS_AS(tx.commit(), typq::in_failed_sql_transaction);
    }
    CHECK(table.committed_ids().empty());
    require_idle_and_usable(conn);

    SECTION("rolled back by hand, the connection goes on")
    {
        typq::transaction tx(conn);
        REQUIRE_THROWS_AS(
            [&] {
                auto w = conn.copy_in<named>(table.name());
                w.write(named{3, "three"});
                w.write(named{3, "again"});
                (void)w.finish();
            }(),
            typq::unique_violation);
        tx.rollback();
        require_idle_and_usable(conn);
    }
    SECTION("in a nested transaction, rolling it back lets the outer one go on")
    {
        typq::transaction outer(conn);
        conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (10, 'ten')"));
        {
            typq::transaction inner(conn);
            REQUIRE_THROWS_AS(
                [&] {
                    auto w = conn.copy_in<named>(table.name());
                    w.write(named{10, "duplicate"});
                    (void)w.finish();
                }(),
                typq::unique_violation);
            inner.rollback();
        }
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        auto w = conn.copy_in<named>(table.name());
        w.write(named{11, "eleven"});
        CHECK(w.finish() == 1);
        outer.commit();
        CHECK(table.committed_ids() == ids{10, 11});
    }
}

// --- type checks before sending ---------------------------------------------------------------------

TEST_CASE("a field whose column cannot take its type is a conversion_error naming both, before anything is sent",
    "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE typed (id int4, n int4)");

    SECTION("a std::string field into an int4 column")
    {
        typq::transaction tx(conn);
        const auto thrown = thrown_by([&] { (void)conn.copy_in<text_into_int>("typed"); });
        REQUIRE_THROWS_AS(rethrow(thrown), typq::conversion_error);
        REQUIRE_THROWS_WITH(rethrow(thrown), Contains("field \"n\"") && Contains("column \"n\"") && Contains("int4"));
        try {
            rethrow(thrown);
        }
        catch (const typq::conversion_error& e) {
            CHECK(e.field() == "n");
            CHECK(e.column() == "n");
            CHECK(e.sql_type() == "int4");
        }
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        CHECK(count_rows(conn, "typed") == 0);
    }

    SECTION("every field that does not fit is named in one error")
    {
        REQUIRE_THROWS_AS(conn.copy_in<two_wrong>("typed", {"id", "n"}), typq::conversion_error);
        REQUIRE_THROWS_WITH(conn.copy_in<two_wrong>("typed"), Contains("\"id\"") && Contains("\"n\"") && Contains("float8"));
        require_idle_and_usable(conn);
    }

    SECTION("the connection is usable after, and a fitting row type works")
    {
        REQUIRE_THROWS_AS(conn.copy_in<text_into_int>("typed"), typq::conversion_error);
        require_idle_and_usable(conn);
        auto w = conn.copy_in<id_n>("typed", {"n", "id"});
        w.write(id_n{1, 2});
        CHECK(w.finish() == 1);
        CHECK(text_of(conn, "typed", "n", 1) == "2");
    }
}

TEST_CASE("copy_in converts integers exactly into wider and narrower columns, and refuses a value out of range",
    "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE widths (id int4, wide int8, narrow int4, small int2, tiny int8, maybe int4)");
    constexpr std::int32_t i32_min = std::numeric_limits<std::int32_t>::min();
    constexpr std::int32_t i32_max = std::numeric_limits<std::int32_t>::max();
    constexpr std::int16_t i16_min = std::numeric_limits<std::int16_t>::min();
    constexpr std::int16_t i16_max = std::numeric_limits<std::int16_t>::max();

    auto w = conn.copy_in<widths>("widths");
    w.write(widths{1, i32_min, i32_min, i16_min, i16_min, std::nullopt});
    w.write(widths{2, i32_max, i32_max, i16_max, i16_max, std::int64_t{i32_max}});

    // Row 3: narrow is one past int4; row 5: small is one below int2; row 6: maybe is past int4.
    const auto bad_narrow = thrown_by([&] { w.write(widths{3, 0, std::int64_t{i32_max} + 1, 0, 0, std::nullopt}); });
    REQUIRE_THROWS_AS(rethrow(bad_narrow), typq::conversion_error);
    REQUIRE_THROWS_WITH(rethrow(bad_narrow), Contains("row 3") && Contains("\"narrow\"") && Contains("int4"));
    try {
        rethrow(bad_narrow);
    }
    catch (const typq::conversion_error& e) {
        CHECK(e.field() == "narrow");
        CHECK(e.column() == "narrow");
    }
    CHECK(w.written() == 2);

    // Row numbers count the rows the COPY has taken: the refused row 3 was not written, so the
    // next refused row is row 4 again (written() + 1).
    w.write(widths{4, -7, -8, -9, -10, -11});
    REQUIRE_THROWS_WITH(w.write(widths{5, 0, 0, std::int64_t{i16_min} - 1, 0, std::nullopt}),
        Contains("row 4") && Contains("\"small\"") && Contains("int2"));
    REQUIRE_THROWS_WITH(w.write(widths{5, 0, 0, 0, 0, std::int64_t{i32_min} - 1}), Contains("row 4") && Contains("\"maybe\""));
    w.write(widths{5, 5, 5, 5, 5, 5});
    CHECK(w.written() == 4);
    CHECK(w.finish() == 4);

    using shown = std::tuple<std::int32_t, std::optional<std::string>, std::optional<std::string>,
        std::optional<std::string>, std::optional<std::string>, std::optional<std::string>>;
    std::vector<shown> back;
    for (const shown& r : conn.query<shown>(
             "SELECT id, wide::text, narrow::text, small::text, tiny::text, maybe::text FROM widths ORDER BY id"))
        back.push_back(r);
    const auto s = [](auto v) { return std::optional<std::string>(std::to_string(v)); };
    CHECK(back
        == std::vector<shown>{
            {1, s(i32_min), s(i32_min), s(i16_min), s(i16_min), std::nullopt},
            {2, s(i32_max), s(i32_max), s(i16_max), s(i16_max), s(i32_max)},
            {4, s(-7), s(-8), s(-9), s(-10), s(-11)},
            {5, s(5), s(5), s(5), s(5), s(5)},
        });
    CHECK(conn.query_value<std::string>("SELECT pg_typeof(wide)::text FROM widths LIMIT 1") == "bigint");
}

TEST_CASE("copy_in writes a double into a real column only when the float holds it exactly", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE floats (id int4, r real, d float8)");
    struct exact_case {
        double value;
        std::string literal;
    };
    const std::vector<exact_case> exact{
        {0.5, "'0.5'"},
        {-1.25, "'-1.25'"},
        {1e10, "'1e10'"},
        {0.0, "'0'"},
        {-0.0, "'-0'"},
        {static_cast<double>(std::numeric_limits<float>::max()), "'3.4028235e38'"},
        {static_cast<double>(std::numeric_limits<float>::denorm_min()), "'1.4e-45'"},
        {std::numeric_limits<double>::infinity(), "'Infinity'"},
        {-std::numeric_limits<double>::infinity(), "'-Infinity'"},
        {std::numeric_limits<double>::quiet_NaN(), "'NaN'"},
    };
    auto w = conn.copy_in<floats>("floats");
    std::int32_t id = 0;
    for (const exact_case& c : exact)
        w.write(floats{++id, c.value, static_cast<float>(id) / 8.0f});

    const auto inexact = thrown_by([&] { w.write(floats{99, 0.1, 0.0f}); });
    REQUIRE_THROWS_AS(rethrow(inexact), typq::conversion_error);
    REQUIRE_THROWS_WITH(rethrow(inexact), Contains("row " + std::to_string(exact.size() + 1)) && Contains("\"r\"")
        && Contains("float4"));
    REQUIRE_THROWS_AS(w.write(floats{99, 1e300, 0.0f}), typq::conversion_error);
    REQUIRE_THROWS_AS(w.write(floats{99, 1e-300, 0.0f}), typq::conversion_error);
    REQUIRE_THROWS_AS(w.write(floats{99, 16777217.0, 0.0f}), typq::conversion_error);
    w.write(floats{++id, 16777216.0, std::numeric_limits<float>::max()});
    CHECK(w.finish() == exact.size() + 1);

    for (std::size_t i = 0; i < exact.size(); ++i) {
        CAPTURE(exact[i].literal);
        const auto row = static_cast<std::int32_t>(i + 1);
        CHECK(text_of(conn, "floats", "r", row) == server_text(conn, exact[i].literal, "real"));
        CHECK(text_of(conn, "floats", "d", row) == server_text(conn, "'" + std::to_string(row) + "'::float8 / 8", "float8"));
    }
    CHECK(text_of(conn, "floats", "r", id) == server_text(conn, "'16777216'", "real"));
    CHECK(text_of(conn, "floats", "d", id) == server_text(conn, "'3.4028234663852886e38'", "float8"));
    CHECK(count_rows(conn, "floats") == static_cast<std::int64_t>(exact.size() + 1));
}

// --- raw copy_in ------------------------------------------------------------------------------------------

TEST_CASE("raw copy_in of csv with a header, and quotes, commas and newlines in values", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE notes (id int4 PRIMARY KEY, note text)");
    const std::string csv = "id,note\n"
                            "1,\"a, b\"\n"
                            "2,\"say \"\"hi\"\"\"\n"
                            "3,\"line1\nline2\r\nline3\"\n"
                            "4,\n"
                            "5,\"\"\n"
                            "6,\xC3\xBCn\xC3\xAF\x63\xC3\xB6\x64\xC3\xA9 \\N\n";
    auto w = conn.copy_in("COPY notes (id, note) FROM STDIN (FORMAT csv, HEADER)");
    SECTION("written at once")
    { w.write(csv); }
    SECTION("written a byte at a time")
    {
        for (const char c : csv)
            w.write(std::string_view(&c, 1));
    }
    CHECK(w.finish() == 6);

    std::vector<std::optional<std::string>> notes;
    for (const auto& note : conn.query<std::optional<std::string>>("SELECT note FROM notes ORDER BY id"))
        notes.push_back(note);
    CHECK(notes
        == std::vector<std::optional<std::string>>{"a, b", "say \"hi\"", "line1\nline2\r\nline3", std::nullopt, "",
            "\xC3\xBCn\xC3\xAF\x63\xC3\xB6\x64\xC3\xA9 \\N"});
    // The server's own csv of the table reads the same.
    std::string back;
    for (const std::string_view chunk : conn.copy_out("COPY (SELECT id, note FROM notes ORDER BY id) TO STDOUT (FORMAT csv, HEADER)"))
        back += chunk;
    CHECK(back == csv);
}

TEST_CASE("raw copy_in of a large csv in many pieces", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE big (id int4, label text)");
    auto w = conn.copy_in("COPY big FROM STDIN (FORMAT csv)");
    std::string piece;
    std::int64_t sum = 0;
    for (std::int32_t i = 1; i <= 50'000; ++i) {
        piece += std::to_string(i) + ",\"label " + std::to_string(i) + "\"\n";
        sum += i;
        if (piece.size() > 7'000) {
            w.write(piece);
            piece.clear();
        }
    }
    w.write(piece);
    CHECK(w.finish() == 50'000);
    CHECK(conn.query_value<std::int64_t>("SELECT sum(id) FROM big") == sum);
    CHECK(conn.query_value<std::string>("SELECT label FROM big WHERE id = 12345") == "label 12345");
}

TEST_CASE("raw copy_in with bad data at line N is the server's error for that line, and nothing lands", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE notes (id int4 PRIMARY KEY, note text)");
    std::string data;
    std::string sqlstate;
    std::string line = "line 3";
    SECTION("a line with a column missing")
    {
        data = "id,note\n1,a\n2\n3,c\n";
        sqlstate = "22P04";
    }
    SECTION("a line with an extra column")
    {
        data = "id,note\n1,a\n2,b,extra\n";
        sqlstate = "22P04";
    }
    SECTION("an unterminated quoted field: the server finds it at the end of the data")
    {
        data = "id,note\n1,a\n2,\"open\n";
        sqlstate = "22P04";
        line = "line 4";
    }
    SECTION("a value the column's type cannot read")
    {
        data = "id,note\n1,a\nx,b\n";
        sqlstate = "22P02";
    }
    CAPTURE(sqlstate);
    const auto thrown = thrown_by([&] {
        auto w = conn.copy_in("COPY notes FROM STDIN (FORMAT csv, HEADER)");
        w.write(data);
        (void)w.finish();
    });
    REQUIRE_THROWS_AS(rethrow(thrown), typq::data_exception);
    if (sqlstate == "22P02")
        REQUIRE_THROWS_AS(rethrow(thrown), typq::invalid_text_representation);
    try {
        rethrow(thrown);
    }
    catch (const typq::server_error& e) {
        CHECK(e.sqlstate() == sqlstate);
        CHECK_THAT(e.context(), Contains(line));
    }
    CHECK(count_rows(conn, "notes") == 0);
    require_idle_and_usable(conn);
}

TEST_CASE("a raw copy_writer destroyed without finish() lands nothing", "[io][copy]")
{
    shared_table table("typq_copy_raw_abort", "id int4 PRIMARY KEY, note text");
    auto conn = typq_test::connect();
    {
        auto w = conn.copy_in(typq::runtime("COPY " + table.name() + " FROM STDIN (FORMAT csv)"));
        w.write("1,a\n2,b\n");
    }
    CHECK(table.committed_ids().empty());
    require_idle_and_usable(conn);
    auto w = conn.copy_in(typq::runtime("COPY " + table.name() + " FROM STDIN (FORMAT text)"));
    w.write("1\ta\n2\t\\N\n");
    CHECK(w.finish() == 2);
    REQUIRE_THROWS_AS(w.write("3\tc\n"), typq::usage_error);
    REQUIRE_THROWS_AS(w.finish(), typq::usage_error);
    CHECK(table.committed_ids() == ids{1, 2});
    CHECK(conn.query_value<bool>(typq::runtime("SELECT note IS NULL FROM " + table.name() + " WHERE id = 2")));
}

TEST_CASE("copy_in(sql) refuses a statement that is not a COPY FROM STDIN, and the connection goes on", "[io][copy]")
{
    shared_table table("typq_copy_not_copy", "id int4 PRIMARY KEY, note text");
    auto conn = typq_test::connect();
    const std::string statement = GENERATE(as<std::string>{}, "SELECT 1", "COPY {t} TO STDOUT",
        "COPY {t} TO STDOUT (FORMAT binary)", "INSERT INTO {t} VALUES (7, 'inserted')", "SELECT 1 FROM {t}", "");
    std::string text = statement;
    if (const auto at = text.find("{t}"); at != std::string::npos)
        text.replace(at, 3, table.name());
    CAPTURE(text);

    SECTION("outside a transaction")
    {
        const auto thrown = thrown_by([&] { (void)conn.copy_in(typq::runtime(text)); });
        REQUIRE_THROWS_AS(rethrow(thrown), typq::usage_error);
        REQUIRE_THROWS_WITH(rethrow(thrown), Contains("COPY ... FROM STDIN"));
        require_idle_and_usable(conn);
        // A usage_error means that nothing was sent, or that what was sent was rolled back (and
        // the message says that typq ended what it started): a statement that is not the COPY
        // asked for must not have landed.
        CHECK(table.committed_ids().empty());
    }
    SECTION("inside a transaction, which goes on")
    {
        typq::transaction tx(conn);
        conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (1, 'before')"));
        REQUIRE_THROWS_AS(conn.copy_in(typq::runtime(text)), typq::usage_error);
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        CHECK(table.ids(conn) == ids{1});
        tx.commit();
        CHECK(table.committed_ids() == ids{1});
    }
    auto w = conn.copy_in(typq::runtime("COPY " + table.name() + " FROM STDIN (FORMAT csv)"));
    w.write("2,after\n");
    CHECK(w.finish() == 1);
}

TEST_CASE("copy_in(sql) of a COPY the server refuses is the server's error, and the connection goes on", "[io][copy]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_AS(conn.copy_in("COPY typq_no_such_table FROM STDIN"), typq::undefined_table);
    require_idle_and_usable(conn);
    REQUIRE_THROWS_AS(conn.copy_in("COPY FROM STDIN nonsense"), typq::syntax_error);
    require_idle_and_usable(conn);
}

TEST_CASE("execute() and query() still refuse COPY statements, pointing at copy_in and copy_out", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE notes (id int4, note text)");
    REQUIRE_THROWS_AS(conn.execute("COPY notes FROM STDIN"), typq::usage_error);
    REQUIRE_THROWS_WITH(conn.execute("COPY notes FROM STDIN"), Contains("copy_in"));
    REQUIRE_THROWS_WITH(conn.execute("COPY notes FROM STDIN (FORMAT csv)"), Contains("copy_in"));
    REQUIRE_THROWS_AS(conn.query<std::string>("COPY notes TO STDOUT"), typq::usage_error);
    REQUIRE_THROWS_WITH(conn.query<std::string>("COPY notes TO STDOUT"), Contains("copy_out"));
    require_idle_and_usable(conn);
}

// --- the busy connection -------------------------------------------------------------------------------

TEST_CASE("while a copy_writer is open the connection refuses other work, and takes it after", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE items (id int4 PRIMARY KEY, name text NOT NULL, price float8)");
    const auto refused = [&] {
        REQUIRE_THROWS_AS(conn.execute("SELECT 1"), typq::usage_error);
        REQUIRE_THROWS_WITH(conn.execute("SELECT 1"), Contains("copy_writer is still open"));
        REQUIRE_THROWS_AS(conn.query_value<std::int32_t>("SELECT $1::int4", 1), typq::usage_error);
        REQUIRE_THROWS_AS(conn.copy_in<item>("items"), typq::usage_error);
        REQUIRE_THROWS_AS(conn.copy_in("COPY items FROM STDIN"), typq::usage_error);
        REQUIRE_THROWS_AS(conn.copy_out<item>("items"), typq::usage_error);
        REQUIRE_THROWS_AS(typq::transaction(conn), typq::usage_error);
    };

    SECTION("a typed writer, until finish()")
    {
        auto w = conn.copy_in<item>("items");
        w.write(item{1, "one", 1});
        refused();
        w.write(item{2, "two", 2});  // the COPY goes on
        CHECK(w.finish() == 2);
    }
    SECTION("a raw writer, until finish()")
    {
        auto w = conn.copy_in("COPY items FROM STDIN (FORMAT csv)");
        w.write("1,one,1\n");
        refused();
        w.write("2,two,2\n");
        CHECK(w.finish() == 2);
    }
    SECTION("a typed writer, until destroyed")
    {
        {
            auto w = conn.copy_in<item>("items");
            w.write(item{1, "one", 1});
            refused();
        }
        conn.execute("INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2)");
    }
    SECTION("a writer that failed frees the connection")
    {
        auto w = conn.copy_in<item>("items");
        w.write(item{1, "one", 1});
        w.write(item{1, "one", 1});
        REQUIRE_THROWS_AS(w.finish(), typq::unique_violation);
        conn.execute("INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2)");
    }
    CHECK(count_rows(conn, "items") == 2);
    require_idle_and_usable(conn);
}

TEST_CASE("a copy_writer moved from is finished, and its move target goes on", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE items (id int4 PRIMARY KEY, name text NOT NULL, price float8)");
    auto first = conn.copy_in<item>("items");
    first.write(item{1, "one", 1});
    auto second = std::move(first);
    second.write(item{2, "two", 2});
    REQUIRE_THROWS_AS(first.write(item{3, "three", 3}), typq::usage_error);  // NOLINT(bugprone-use-after-move)
    CHECK(second.finish() == 2);
    CHECK(count_rows(conn, "items") == 2);
}

// --- a described table that changes -----------------------------------------------------------------------
//
// copy_in describes a table's columns once per connection and keeps the description. When the
// table changes after that, a COPY must not write the old types' bytes: it either works (the table
// described again) or fails with a clear error, and the next copy_in works. What the server says
// about bytes it cannot read (08P01 "insufficient data left in message", 22P03, 22021) is not a
// clear error, and bytes it can read as the new type are silently wrong data.

std::string message_of(const std::exception_ptr& thrown)
{
    try {
        rethrow(thrown);
    }
    catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

// Whether `thrown` is the server failing to read the bytes typq sent: the sign of a stale plan.
bool server_misread(const std::exception_ptr& thrown)
{
    try {
        rethrow(thrown);
    }
    catch (const typq::protocol_violation&) {
        return true;
    }
    catch (const typq::invalid_binary_representation&) {
        return true;
    }
    catch (const typq::character_not_in_repertoire&) {
        return true;
    }
    catch (...) {
        return false;
    }
}

// A connection that has copied into `changing (id int4, x int4)` once, so that it keeps the
// table's description.
typq::connection connect_with_described_table()
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE changing (id int4, x int4)");
    auto w = conn.copy_in<xy>("changing");
    w.write(xy{1, 1});
    REQUIRE(w.finish() == 1);
    return conn;
}

TEST_CASE("copy_in after ALTER COLUMN TYPE int8 writes the new type, or fails clearly once", "[io][copy]")
{
    auto conn = connect_with_described_table();
    conn.execute("ALTER TABLE changing ALTER COLUMN x TYPE int8");
    constexpr std::int32_t big = std::numeric_limits<std::int32_t>::max();

    const auto first = thrown_by([&] {
        auto w = conn.copy_in<xy>("changing");
        w.write(xy{2, big});
        (void)w.finish();
    });
    const std::string first_error = message_of(first);
    CAPTURE(first_error);
    CHECK_FALSE(server_misread(first));
    require_idle_and_usable(conn);

    // Whatever the first did, the next copy_in works.
    auto w = conn.copy_in<xy>("changing");
    w.write(xy{3, big});
    CHECK(w.finish() == 1);
    CHECK(text_of(conn, "changing", "x", 3) == std::to_string(big));
    if (!first)
        CHECK(text_of(conn, "changing", "x", 2) == std::to_string(big));
    else
        CHECK(count_rows(conn, "changing") == 2);
}

TEST_CASE("copy_in after a column became text refuses the int32 field instead of writing its bytes as text",
    "[io][copy]")
{
    auto conn = connect_with_described_table();
    conn.execute("ALTER TABLE changing DROP COLUMN x");
    conn.execute("ALTER TABLE changing ADD COLUMN x text");
    // 0x41424344: as int4 bytes, the text "ABCD".
    constexpr std::int32_t abcd = 0x41424344;
    const auto thrown = thrown_by([&] {
        auto w = conn.copy_in<xy>("changing");
        w.write(xy{2, abcd});
        (void)w.finish();
    });
    const std::string error = message_of(thrown);
    CAPTURE(error);
    CHECK_THROWS_AS(rethrow(thrown), typq::conversion_error);
    CHECK(count_rows(conn, "changing") == 1);
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM changing WHERE x = 'ABCD'") == 0);
    require_idle_and_usable(conn);

    REQUIRE_THROWS_AS(conn.copy_in<xy>("changing"), typq::conversion_error);
    auto w = conn.copy_in<std::tuple<std::int32_t, std::string>>("changing", {"id", "x"});
    w.write({3, "three"});
    CHECK(w.finish() == 1);
    CHECK(text_of(conn, "changing", "x", 3) == "three");
}

TEST_CASE("copy_in after a column was added: a copy by name ignores it, a copy of every column sees it",
    "[io][copy]")
{
    auto conn = connect_with_described_table();
    conn.execute("ALTER TABLE changing ADD COLUMN y text DEFAULT 'd'");
    {
        auto w = conn.copy_in<xy>("changing");  // by name: id, x
        w.write(xy{2, 2});
        CHECK(w.finish() == 1);
    }
    auto w = conn.copy_in<std::tuple<std::int32_t, std::int32_t, std::string>>("changing");
    w.write({3, 3, "three"});
    CHECK(w.finish() == 1);
    CHECK(text_of(conn, "changing", "y", 2) == "d");
    CHECK(text_of(conn, "changing", "y", 3) == "three");
}

TEST_CASE("copy_in into a table dropped and created again checks the new table's columns", "[io][copy]")
{
    auto conn = connect_with_described_table();
    conn.execute("DROP TABLE changing");
    conn.execute("CREATE TEMP TABLE changing (id int8, x numeric)");
    const auto thrown = thrown_by([&] {
        auto w = conn.copy_in<xy>("changing");
        w.write(xy{2, 2});
        (void)w.finish();
    });
    const std::string error = message_of(thrown);
    CAPTURE(error);
    CHECK_THROWS_AS(rethrow(thrown), typq::conversion_error);
    CHECK(count_rows(conn, "changing") == 0);
    require_idle_and_usable(conn);

    conn.execute("DROP TABLE changing");
    conn.execute("CREATE TEMP TABLE changing (x int2, id int8)");
    auto w = conn.copy_in<xy>("changing");
    w.write(xy{5, 6});
    CHECK(w.finish() == 1);
    CHECK(text_of(conn, "changing", "x", 5) == "6");
}

}  // namespace io_copy_in_test
