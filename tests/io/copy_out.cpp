// SPDX-License-Identifier: BSL-1.0
// COPY TO STDOUT (issue 12): conn.copy_out<Row>(table or query) compared with query<Row> of the
// same rows; columns checked before the query runs; NULLs into plain fields; no rows; readers
// abandoned early and their connection; server errors while rows arrive; raw copy_out(sql) in
// csv and text formats; the busy connection; 100,000 rows through copy_in and back.

#include "io_checks.hpp"

#include <algorithm>  // std::sort
#include <cstdint>    // field types
#include <exception>  // std::exception_ptr
#include <optional>   // NULLs
#include <stdexcept>  // std::runtime_error: a notice handler that throws
#include <string>     // names, statements, values
#include <string_view>  // raw chunks
#include <tuple>      // rows by position
#include <vector>     // rows

namespace io_copy_out_test {

using Catch::Contains;
using typq_test::rethrow;
using typq_test::thrown_by;
using io_test::ids;
using io_test::require_idle_and_usable;
using io_test::shared_table;

struct person {
    std::int32_t id;
    std::string name;
    std::int16_t age;
    friend bool operator==(const person&, const person&) = default;
};

struct named {
    std::int32_t id;
    std::string name;
    friend bool operator==(const named&, const named&) = default;
};

struct maybe_named {
    std::int32_t id;
    std::optional<std::string> name;
    friend bool operator==(const maybe_named&, const maybe_named&) = default;
};

struct wide {
    std::int64_t id;  // reads an int4 column
    std::string name;
    friend bool operator==(const wide&, const wide&) = default;
};

struct load_row {
    std::int32_t id;
    std::int64_t value;
    double amount;
    std::string label;
    std::optional<bool> flag;
    friend bool operator==(const load_row&, const load_row&) = default;
};

// A connection with `people (note, age, name, id)`: columns in another order than person's fields,
// and one no field names; 50 rows made by the server.
typq::connection connect_with_people()
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE people (note text DEFAULT 'none', age int2, name text, id int4 PRIMARY KEY)");
    conn.execute("INSERT INTO people (id, name, age) SELECT g, 'person ' || g, (g % 90)::int2 FROM generate_series(1, 50) g");
    return conn;
}

template <class Row, class Range>
std::vector<Row> collect(Range&& rows)
{
    std::vector<Row> out;
    for (const Row& r : rows)
        out.push_back(r);
    return out;
}

template <class Row>
std::vector<Row> sorted_by_id(std::vector<Row> rows)
{
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.id < b.id; });
    return rows;
}

// --- typed copy_out ---------------------------------------------------------------------------------------

TEST_CASE("copy_out of a table reads a struct's columns by name, as query<Row> reads them", "[io][copy]")
{
    auto conn = connect_with_people();
    const auto expected = collect<person>(conn.query<person>("SELECT id, name, age FROM people ORDER BY id"));
    REQUIRE(expected.size() == 50);

    const std::string name = GENERATE(as<std::string>{}, "people", "pg_temp.people", "\"people\"", " PEOPLE ");
    CAPTURE(name);
    auto rows = conn.copy_out<person>(typq::runtime(name));
    CHECK(sorted_by_id(collect<person>(rows)) == expected);
    CHECK(rows.rows() == 50);
    CHECK(rows.begin() == rows.end());  // after the end, it stays there
    CHECK(rows.rows() == 50);
    require_idle_and_usable(conn);
}

TEST_CASE("copy_out of a query reads what query<Row> reads, whatever ends the query", "[io][copy]")
{
    auto conn = connect_with_people();
    const auto expected = collect<person>(conn.query<person>("SELECT id, name, age FROM people ORDER BY id"));

    SECTION("a plain query")
    { CHECK(collect<person>(conn.copy_out<person>("SELECT id, name, age FROM people ORDER BY id")) == expected); }
    SECTION("a trailing semicolon")
    { CHECK(collect<person>(conn.copy_out<person>("SELECT id, name, age FROM people ORDER BY id;")) == expected); }
    SECTION("semicolons, spaces and newlines at the end")
    { CHECK(collect<person>(conn.copy_out<person>("SELECT id, name, age FROM people ORDER BY id ;\n ; \r\n")) == expected); }
    SECTION("a comment at the end")
    { CHECK(collect<person>(conn.copy_out<person>("SELECT id, name, age FROM people ORDER BY id -- by id")) == expected); }
    SECTION("columns in another order than the fields, and a WITH query")
    {
        CHECK(collect<person>(conn.copy_out<person>(
                  "WITH p AS (SELECT * FROM people) SELECT age, name, id FROM p ORDER BY id"))
            == expected);
    }
    SECTION("an int4 column into an int64 field")
    {
        const auto widened = collect<wide>(conn.copy_out<wide>("SELECT id, name FROM people ORDER BY id"));
        REQUIRE(widened.size() == expected.size());
        for (std::size_t i = 0; i < widened.size(); ++i)
            CHECK(widened[i] == wide{expected[i].id, expected[i].name});
    }
}

TEST_CASE("copy_out reads tuples, typq::by_position rows and single values by position", "[io][copy]")
{
    auto conn = connect_with_people();

    SECTION("a table as a tuple: every column, in the table's order")
    {
        using whole = std::tuple<std::string, std::int16_t, std::string, std::int32_t>;
        const auto expected = collect<whole>(conn.query<whole>("SELECT * FROM people ORDER BY id"));
        auto rows = collect<whole>(conn.copy_out<whole>("people"));
        std::sort(rows.begin(), rows.end(), [](const whole& a, const whole& b) { return std::get<3>(a) < std::get<3>(b); });
        CHECK(rows == expected);
    }
    SECTION("typq::by_position")
    {
        const auto rows = collect<named>(conn.copy_out<typq::by_position<named>>("SELECT id, name FROM people ORDER BY id"));
        CHECK(rows == collect<named>(conn.query<typq::by_position<named>>("SELECT id, name FROM people ORDER BY id")));
    }
    SECTION("one value per row")
    {
        std::int64_t sum = 0;
        for (const std::int64_t g : conn.copy_out<std::int64_t>("SELECT g FROM generate_series(1, 1000) g"))
            sum += g;
        CHECK(sum == conn.query_value<std::int64_t>("SELECT sum(g) FROM generate_series(1, 1000) g"));
    }
}

TEST_CASE("copy_out of columns that do not fit Row is a conversion_error before the query runs", "[io][copy]")
{
    auto conn = typq_test::connect();
    // A sequence is not transactional: whether the query ran shows in its next value.
    conn.execute("CREATE TEMP SEQUENCE ran");
    // A text column into an int32 field; a column missing; an int8 column into an int32 field.
    const auto generated = GENERATE(table<std::string, std::string>({
        {"SELECT nextval('ran')::text AS id, 'x'::text AS name FROM generate_series(1, 3)", "\"id\""},
        {"SELECT nextval('ran')::int4 AS id FROM generate_series(1, 3)", "\"name\""},
        {"SELECT nextval('ran') AS id, 'x'::text AS name FROM generate_series(1, 3)", "\"id\""},
    }));
    // Not a structured binding: clang 14 cannot capture one in a lambda.
    const std::string& query = std::get<0>(generated);
    const std::string& named_column = std::get<1>(generated);
    CAPTURE(query);
    // query<Row> refuses the same columns.
    REQUIRE_THROWS_AS(conn.query<named>(typq::runtime("SELECT * FROM (" + query + ") q LIMIT 0")), typq::conversion_error);

    SECTION("outside a transaction")
    {
        const auto thrown = thrown_by([&] { (void)conn.copy_out<named>(typq::runtime(query)); });
        REQUIRE_THROWS_AS(rethrow(thrown), typq::conversion_error);
        REQUIRE_THROWS_WITH(rethrow(thrown), Contains(named_column));
        require_idle_and_usable(conn);
    }
    SECTION("inside a transaction, which goes on")
    {
        typq::transaction tx(conn);
        REQUIRE_THROWS_AS(conn.copy_out<named>(typq::runtime(query)), typq::conversion_error);
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
        tx.commit();
    }
    CHECK(conn.query_value<std::int64_t>("SELECT nextval('ran')") == 1);
}

TEST_CASE("a NULL into a field that is not optional is a conversion_error naming the column", "[io][copy]")
{
    shared_table table("typq_copy_out_null", "id int4 PRIMARY KEY");
    auto conn = typq_test::connect();
    const std::string query = "SELECT * FROM (VALUES (1, 'a'), (2, NULL), (3, 'c')) v(id, name) ORDER BY id";

    const auto read = [&] {
        std::vector<named> got;
        const auto thrown = thrown_by([&] {
            for (const named& r : conn.copy_out<named>(typq::runtime(query)))
                got.push_back(r);
        });
        REQUIRE_THROWS_AS(rethrow(thrown), typq::conversion_error);
        REQUIRE_THROWS_WITH(rethrow(thrown), Contains("\"name\"") && Contains("NULL"));
        try {
            rethrow(thrown);
        }
        catch (const typq::conversion_error& e) {
            CHECK(e.column() == "name");
            CHECK(e.field() == "name");
        }
        CHECK(got == std::vector<named>{{1, "a"}});
    };

    SECTION("outside a transaction")
    {
        read();
        require_idle_and_usable(conn);
    }
    SECTION("inside a transaction, which goes on")
    {
        typq::transaction tx(conn);
        conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (1)"));
        read();
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (2)"));
        tx.commit();
        CHECK(table.committed_ids() == ids{1, 2});
    }
    // The same rows into an optional field.
    CHECK(collect<maybe_named>(conn.copy_out<maybe_named>(typq::runtime(query)))
        == std::vector<maybe_named>{{1, "a"}, {2, std::nullopt}, {3, "c"}});
}

TEST_CASE("copy_out of no rows is an empty range, and the connection is free at once", "[io][copy]")
{
    auto conn = connect_with_people();
    SECTION("a query")
    {
        auto rows = conn.copy_out<person>("SELECT id, name, age FROM people WHERE id < 0");
        CHECK(rows.begin() == rows.end());
        CHECK(rows.rows() == 0);
        require_idle_and_usable(conn);
    }
    SECTION("an empty table")
    {
        conn.execute("CREATE TEMP TABLE nobody (id int4, name text)");
        auto rows = conn.copy_out<named>("nobody");
        CHECK(rows.begin() == rows.end());
        CHECK(rows.rows() == 0);
        require_idle_and_usable(conn);
    }
    SECTION("raw")
    {
        auto chunks = conn.copy_out("COPY (SELECT 1 WHERE false) TO STDOUT (FORMAT csv)");
        CHECK(chunks.begin() == chunks.end());
        CHECK(chunks.rows() == 0);
        require_idle_and_usable(conn);
    }
}

TEST_CASE("copy_out abandoned after a few rows leaves the connection usable", "[io][copy]")
{
    shared_table table("typq_copy_out_abandon", "id int4 PRIMARY KEY");
    auto conn = typq_test::connect();
    // Far more rows than are read: the server is still sending when the reader goes.
    const std::string many = "SELECT g AS id, 'row ' || g AS name FROM generate_series(1, 2000000) g";

    const auto read_three = [&] {
        int seen = 0;
        for (const named& r : conn.copy_out<named>(typq::runtime(many))) {
            CHECK(r.id == ++seen);
            if (seen == 3)
                break;
        }
        CHECK(seen == 3);
    };
    const auto read_three_raw = [&] {
        int seen = 0;
        for (const std::string_view chunk : conn.copy_out("COPY (SELECT g FROM generate_series(1, 2000000) g) TO STDOUT")) {
            CHECK(chunk == std::to_string(++seen) + "\n");
            if (seen == 3)
                break;
        }
        CHECK(seen == 3);
    };

    SECTION("outside a transaction")
    {
        read_three();
        require_idle_and_usable(conn);
        read_three_raw();
        require_idle_and_usable(conn);
        CHECK(collect<named>(conn.copy_out<named>("SELECT 7 AS id, 'seven' AS name")) == std::vector<named>{{7, "seven"}});
    }
    SECTION("inside a transaction, which goes on and commits")
    {
        typq::transaction tx(conn);
        conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (1)"));
        read_three();
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (2)"));
        read_three_raw();
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (3)"));
        tx.commit();
        CHECK(table.committed_ids() == ids{1, 2, 3});
    }
    SECTION("destroyed before its first row was looked at")
    {
        {
            auto rows = conn.copy_out<named>(typq::runtime(many));
        }
        require_idle_and_usable(conn);
    }
}

TEST_CASE("a server error while rows arrive is the server's error, after the rows before it", "[io][copy]")
{
    shared_table table("typq_copy_out_error", "id int4 PRIMARY KEY");
    auto conn = typq_test::connect();
    const std::string query = "SELECT g AS id, (10 / (5 - g))::text AS name FROM generate_series(1, 10) g ORDER BY g";
    const auto read = [&] {
        std::vector<std::int32_t> got;
        const auto thrown = thrown_by([&] {
            for (const named& r : conn.copy_out<named>(typq::runtime(query)))
                got.push_back(r.id);
        });
        REQUIRE_THROWS_AS(rethrow(thrown), typq::division_by_zero);
        REQUIRE_THROWS_WITH(rethrow(thrown), Contains("(SQLSTATE 22012)"));
        CHECK(got.size() <= 4);  // the rows before the failing one, as many as the server sent
        for (std::size_t i = 0; i < got.size(); ++i)
            CHECK(got[i] == static_cast<std::int32_t>(i + 1));
    };

    SECTION("outside a transaction: the connection goes on")
    {
        read();
        require_idle_and_usable(conn);
    }
    SECTION("inside a transaction: aborted, as by any failing statement")
    {
        {
            typq::transaction tx(conn);
            conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (1)"));
            read();
            CHECK(conn.transaction_status() == typq::transaction_status::in_error);
            REQUIRE_THROWS_AS(conn.execute("SELECT 1"), typq::in_failed_sql_transaction);
        }
        CHECK(table.committed_ids().empty());
        require_idle_and_usable(conn);
    }
}

TEST_CASE("copy_out of a statement the server refuses is the server's error, and the connection goes on", "[io][copy]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_AS(conn.copy_out<named>("SELEKT 1"), typq::syntax_error);
    require_idle_and_usable(conn);
    REQUIRE_THROWS_AS(conn.copy_out<named>("typq_no_such_table"), typq::undefined_table);
    require_idle_and_usable(conn);
    REQUIRE_THROWS_AS(conn.copy_out<named>("SELECT 1 AS id, 'a' AS name; SELECT 2"), typq::error);
    require_idle_and_usable(conn);
    REQUIRE_THROWS_AS(conn.copy_out("COPY typq_no_such_table TO STDOUT"), typq::undefined_table);
    require_idle_and_usable(conn);
}

// --- raw copy_out -----------------------------------------------------------------------------------------

TEST_CASE("raw copy_out in csv and text formats gives one line per chunk", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE notes (id int4, note text)");
    conn.execute(R"(INSERT INTO notes VALUES (1, 'a, b'), (2, 'say "hi"'), (3, E'line1\nline2'), (4, NULL), (5, ''),
                    (6, E'tab\there'), (7, E'back\\slash'), (8, 'ünï'))");

    SECTION("csv with a header")
    {
        auto chunks = conn.copy_out("COPY (SELECT id, note FROM notes ORDER BY id) TO STDOUT (FORMAT csv, HEADER)");
        std::vector<std::string> lines;
        for (const std::string_view chunk : chunks)
            lines.emplace_back(chunk);
        CHECK(lines
            == std::vector<std::string>{"id,note\n", "1,\"a, b\"\n", "2,\"say \"\"hi\"\"\"\n", "3,\"line1\nline2\"\n",
                "4,\n", "5,\"\"\n", "6,tab\there\n", "7,back\\slash\n", "8,\xC3\xBCn\xC3\xAF\n"});
        CHECK(chunks.rows() == 8);
    }
    SECTION("text")
    {
        auto chunks = conn.copy_out("COPY notes TO STDOUT");
        std::vector<std::string> lines;
        for (const std::string_view chunk : chunks)
            lines.emplace_back(chunk);
        std::sort(lines.begin(), lines.end());
        CHECK(lines
            == std::vector<std::string>{"1\ta, b\n", "2\tsay \"hi\"\n", "3\tline1\\nline2\n", "4\t\\N\n", "5\t\n",
                "6\ttab\\there\n", "7\tback\\\\slash\n", "8\t\xC3\xBCn\xC3\xAF\n"});
        CHECK(chunks.rows() == 8);
    }
    SECTION("csv read back by raw copy_in lands the same rows")
    {
        std::string csv;
        for (const std::string_view chunk : conn.copy_out("COPY notes TO STDOUT (FORMAT csv)"))
            csv += chunk;
        conn.execute("CREATE TEMP TABLE notes_again (id int4, note text)");
        auto w = conn.copy_in("COPY notes_again FROM STDIN (FORMAT csv)");
        w.write(csv);
        CHECK(w.finish() == 8);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM notes n JOIN notes_again a ON a.id = n.id "
                                             "AND a.note IS NOT DISTINCT FROM n.note")
            == 8);
    }
}

TEST_CASE("copy_out(sql) refuses a statement that is not a COPY TO STDOUT, and the connection goes on", "[io][copy]")
{
    shared_table table("typq_copy_out_not_copy", "id int4 PRIMARY KEY");
    auto conn = typq_test::connect();
    const std::string statement = GENERATE(as<std::string>{}, "SELECT 1", "COPY {t} FROM STDIN",
        "COPY {t} FROM STDIN (FORMAT csv)", "INSERT INTO {t} VALUES (7)", "");
    std::string text = statement;
    if (const auto at = text.find("{t}"); at != std::string::npos)
        text.replace(at, 3, table.name());
    CAPTURE(text);

    SECTION("outside a transaction")
    {
        const auto thrown = thrown_by([&] { (void)conn.copy_out(typq::runtime(text)); });
        REQUIRE_THROWS_AS(rethrow(thrown), typq::usage_error);
        REQUIRE_THROWS_WITH(rethrow(thrown), Contains("COPY ... TO STDOUT"));
        require_idle_and_usable(conn);
        // A usage_error: nothing was sent, or what was sent was rolled back.
        CHECK(table.committed_ids().empty());
    }
    SECTION("inside a transaction, which goes on")
    {
        typq::transaction tx(conn);
        conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (1)"));
        REQUIRE_THROWS_AS(conn.copy_out(typq::runtime(text)), typq::usage_error);
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        tx.commit();
        CHECK(table.committed_ids() == ids{1});
    }
}

// --- the busy connection -------------------------------------------------------------------------------

TEST_CASE("while a copy_reader is open the connection refuses other work, and takes it after the end", "[io][copy]")
{
    auto conn = connect_with_people();
    const auto refused = [&] {
        REQUIRE_THROWS_AS(conn.execute("SELECT 1"), typq::usage_error);
        REQUIRE_THROWS_WITH(conn.execute("SELECT 1"), Contains("copy_reader is still open"));
        REQUIRE_THROWS_AS(conn.query_value<std::int32_t>("SELECT $1::int4", 1), typq::usage_error);
        REQUIRE_THROWS_AS(conn.copy_out<person>("people"), typq::usage_error);
        REQUIRE_THROWS_AS(conn.copy_in<person>("people"), typq::usage_error);
        REQUIRE_THROWS_AS(typq::transaction(conn), typq::usage_error);
    };

    SECTION("a typed reader")
    {
        auto rows = conn.copy_out<person>("SELECT id, name, age FROM people ORDER BY id");
        auto it = rows.begin();
        REQUIRE(it != rows.end());
        CHECK(it->id == 1);
        refused();
        ++it;
        CHECK(it->id == 2);  // the COPY goes on
        std::size_t rest = 0;
        for (; it != rows.end(); ++it)
            ++rest;
        CHECK(rest == 49);
        CHECK(rows.rows() == 50);
        // At the end, with the reader still alive, the connection is free.
        require_idle_and_usable(conn);
    }
    SECTION("a raw reader")
    {
        auto chunks = conn.copy_out("COPY people TO STDOUT");
        refused();
        std::size_t lines = 0;
        for (const std::string_view chunk : chunks)
            lines += chunk.empty() ? 0u : 1u;
        CHECK(lines == 50);
        require_idle_and_usable(conn);
    }
    SECTION("a reader destroyed before its end")
    {
        {
            auto rows = conn.copy_out<person>("people");
            refused();
        }
        require_idle_and_usable(conn);
    }
}

// --- many rows ------------------------------------------------------------------------------------------

TEST_CASE("100,000 rows round-trip through copy_in and copy_out, as the server sums them", "[io][copy]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE load (id int4 PRIMARY KEY, value int8, amount float8, label text, flag bool)");
    constexpr std::int32_t count = 100'000;
    std::vector<load_row> rows;
    rows.reserve(static_cast<std::size_t>(count));
    for (std::int32_t i = 1; i <= count; ++i) {
        std::optional<bool> flag;
        if (i % 3 != 0)
            flag = i % 3 == 1;
        rows.push_back(load_row{i, std::int64_t{i} * 1'000'003 - 7'000'000'000, i * 0.5, "label " + std::to_string(i * 7), flag});
    }

    auto w = conn.copy_in<load_row>("load");
    w.write(rows);
    REQUIRE(w.finish() == count);

    struct sums {
        std::int64_t rows;
        std::int64_t ids;
        typq::numeric values;
        double amounts;
        std::int64_t label_bytes;
        std::int64_t trues;
        std::int64_t nulls;
    };
    const sums server = conn.query_one<sums>(
        "SELECT count(*) AS rows, sum(id) AS ids, sum(value) AS values, sum(amount) AS amounts, "
        "sum(length(label)) AS label_bytes, count(*) FILTER (WHERE flag) AS trues, "
        "count(*) FILTER (WHERE flag IS NULL) AS nulls FROM load");
    CHECK(server.rows == count);

    std::int64_t ids_sum = 0;
    std::int64_t values_sum = 0;
    double amounts_sum = 0;
    std::int64_t label_bytes = 0;
    std::int64_t trues = 0;
    std::int64_t nulls = 0;
    std::size_t i = 0;
    bool all_equal = true;
    auto back = conn.copy_out<load_row>("SELECT id, value, amount, label, flag FROM load ORDER BY id");
    for (const load_row& r : back) {
        ids_sum += r.id;
        values_sum += r.value;
        amounts_sum += r.amount;
        label_bytes += static_cast<std::int64_t>(r.label.size());
        trues += r.flag.value_or(false) ? 1 : 0;
        nulls += r.flag ? 0 : 1;
        all_equal = all_equal && i < rows.size() && r == rows[i];
        ++i;
    }
    CHECK(i == static_cast<std::size_t>(count));
    CHECK(back.rows() == static_cast<std::uint64_t>(count));
    CHECK(all_equal);
    CHECK(ids_sum == server.ids);
    CHECK(typq::numeric(values_sum) == server.values);
    CHECK(amounts_sum == server.amounts);  // halves: every partial sum is exact
    CHECK(label_bytes == server.label_bytes);
    CHECK(trues == server.trues);
    CHECK(nulls == server.nulls);
}

TEST_CASE("a notice handler that throws during a COPY throws once the COPY has ended, and the COPY stands",
    "[io][copy][notice]")
{
    typq::connection conn = typq_test::connect();
    conn.execute("CREATE FUNCTION pg_temp.noisy(v int4) RETURNS int4 LANGUAGE plpgsql AS "
                 "$$ BEGIN RAISE NOTICE 'value %', v; RETURN v; END $$");
    int seen = 0;
    conn.on_notice([&](const typq::notice&) {
        ++seen;
        throw std::runtime_error("the handler failed");
    });

    SECTION("copy_out: every row is read, then the end of the rows throws")
    {
        std::vector<std::int32_t> got;
        auto rows = conn.copy_out<std::int32_t>("SELECT pg_temp.noisy(g) FROM generate_series(1, 3) g");
        const auto read_all = [&] {
            for (const std::int32_t v : rows)
                got.push_back(v);
        };
        REQUIRE_THROWS_WITH(read_all(), "the handler failed");
        CHECK(got == std::vector<std::int32_t>{1, 2, 3});
        CHECK(seen == 3);
    }
    SECTION("copy_in: finish() throws, and the rows are committed")
    {
        conn.execute("CREATE TEMPORARY TABLE copy_noisy (id int4 CHECK (pg_temp.noisy(id) = id))");
        auto writer = conn.copy_in<std::tuple<std::int32_t>>("copy_noisy");
        writer.write(std::tuple<std::int32_t>{7});
        writer.write(std::tuple<std::int32_t>{8});
        REQUIRE_THROWS_WITH(writer.finish(), "the handler failed");
        CHECK(seen == 2);
        conn.on_notice(nullptr);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM copy_noisy") == 2);
    }
    conn.on_notice(nullptr);
    CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);  // the connection goes on
}

}  // namespace io_copy_out_test
