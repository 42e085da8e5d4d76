// SPDX-License-Identifier: BSL-1.0
// tests/engine/pipeline.cpp: typq::pipeline and typq::pending: values and errors delivered by
// get(), sync points and the implicit transactions they end, statements skipped after a failure,
// get() before any sync point, leaving the scope (also by an exception), the busy connection,
// long pipelines and big values, server-defined types not looked up yet, automatic preparation.

#include "engine_checks.hpp"

#include <cstddef>    // std::size_t
#include <cstdint>    // std::int32_t, std::int64_t, std::uint64_t
#include <optional>   // query_opt, handles that outlive their pipeline
#include <stdexcept>  // an exception of the program's own leaving the scope
#include <string>     // text columns, big values
#include <tuple>      // rows by position
#include <vector>     // handles

namespace engine_pipeline_test {

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

// A table of `id int4 PRIMARY KEY` that other connections can see, named after the backend pid of
// its own connection (which reads only committed rows) and dropped on destruction. Declare it
// before the connections that use it.
class shared_table {
public:
    shared_table()
        : observer_(typq_test::connect()), name_("typq_engine_pipeline_" + std::to_string(observer_.backend_pid()))
    {
        observer_.execute(typq::runtime("DROP TABLE IF EXISTS " + name_));
        observer_.execute(typq::runtime("CREATE TABLE " + name_ + " (id int4 PRIMARY KEY)"));
    }
    shared_table(const shared_table&) = delete;
    shared_table& operator=(const shared_table&) = delete;
    ~shared_table()
    {
        try {
            observer_.execute(typq::runtime("DROP TABLE IF EXISTS " + name_));
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
        }
    }

    [[nodiscard]] typq::runtime_sql insert() const { return typq::runtime("INSERT INTO " + name_ + " VALUES ($1)"); }
    /// How many rows other connections see.
    [[nodiscard]] std::int64_t committed()
    {
        return observer_.query_value<std::int64_t>(typq::runtime("SELECT count(*) FROM " + name_));
    }

private:
    typq::connection observer_;
    std::string name_;
};

// A connection with the temporary table t (id int4 PRIMARY KEY, label text).
typq::connection connect_with_table(const typq::connection_options& options = {})
{
    auto conn = typq_test::connect(options);
    conn.execute("CREATE TEMP TABLE t (id int4 PRIMARY KEY, label text NOT NULL DEFAULT '')");
    return conn;
}

std::vector<std::int32_t> ids(typq::connection& conn)
{
    const auto rows = conn.query<std::int32_t>("SELECT id FROM t ORDER BY id");
    return {rows.begin(), rows.end()};
}

}  // namespace engine_pipeline_test

template <>
struct typq::type<engine_pipeline_test::mood> : typq::enum_type<engine_pipeline_test::mood, "mood"> {};
template <>
struct typq::type<engine_pipeline_test::pair> : typq::composite_type<engine_pipeline_test::pair, "pair"> {};

namespace engine_pipeline_test {

using Catch::Contains;
using engine_test::prepared_runs;
using engine_test::prepared_statements;
using id_list = std::vector<std::int32_t>;

TEST_CASE("statements queued in a pipeline deliver their values through get()", "[engine][pipeline]")
{
    auto conn = engine_pipeline_test::connect_with_table();
    {
        typq::pipeline p(conn);
        auto inserted = p.execute("INSERT INTO t VALUES ($1, $2), ($3, $4)", 1, "one", 2, "two");
        auto rows = p.query<entry>("SELECT id, label FROM t ORDER BY id");
        auto one = p.query_one<entry>("SELECT id, label FROM t WHERE id = $1", 2);
        auto some = p.query_opt<entry>("SELECT id, label FROM t WHERE id = $1", 1);
        auto none = p.query_opt<entry>("SELECT id, label FROM t WHERE id = $1", 3);
        auto count = p.query_value<std::int64_t>("SELECT count(*) FROM t");
        auto tuples = p.query<std::tuple<std::int32_t, std::optional<std::string>>>(
            "SELECT g, CASE WHEN g > 1 THEN g::text END FROM generate_series(1, $1) g ORDER BY g", 3);
        auto updated = p.execute("UPDATE t SET label = upper(label)");
        p.sync();

        // In any order.
        CHECK(updated.get() == 2);
        CHECK(inserted.get() == 2);
        const auto all = rows.get();
        REQUIRE(all.size() == 2);
        CHECK(all[0] == entry{1, "one"});
        CHECK(all[1] == entry{2, "two"});
        CHECK(one.get() == entry{2, "two"});
        CHECK(some.get() == entry{1, "one"});
        CHECK(none.get() == std::nullopt);
        CHECK(count.get() == 2);
        const auto numbered = tuples.get();
        REQUIRE(numbered.size() == 3);
        CHECK(numbered[0] == std::make_tuple(1, std::optional<std::string>()));
        CHECK(numbered[2] == std::make_tuple(3, std::optional<std::string>("3")));
    }
    CHECK(conn.query_value<std::string>("SELECT string_agg(label, ',' ORDER BY id) FROM t") == "ONE,TWO");
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("get() delivers a value once", "[engine][pipeline]")
{
    auto conn = typq_test::connect();
    typq::pipeline p(conn);
    auto value = p.query_value<std::int32_t>("SELECT 5");
    auto count = p.execute("SELECT 1");
    p.sync();
    CHECK(value.get() == 5);
    REQUIRE_THROWS_AS(value.get(), typq::usage_error);
    REQUIRE_THROWS_WITH(value.get(), Contains("once"));
    CHECK(value.ready());
    CHECK(count.get() == 1);
    REQUIRE_THROWS_AS(count.get(), typq::usage_error);
}

TEST_CASE("get() before any sync point waits for the result", "[engine][pipeline]")
{
    engine_pipeline_test::shared_table table;
    auto conn = typq_test::connect();
    {
        typq::pipeline p(conn);
        auto doubled = p.query_value<std::int32_t>("SELECT $1::int4 * 2", 21);
        CHECK_FALSE(doubled.ready());
        CHECK(doubled.get() == 42);

        auto inserted = p.execute(table.insert(), 1);
        auto later = p.query_value<std::int64_t>("SELECT $1::int8 + 1", 9);
        CHECK(later.get() == 10);
        CHECK(inserted.ready());
        CHECK(inserted.get() == 1);
        // The statements since the last sync point form one implicit transaction, open until the next.
        CHECK(table.committed() == 0);
        p.sync();
        auto after = p.query_value<std::int32_t>("SELECT 3");
        CHECK(after.get() == 3);
        CHECK(table.committed() == 1);
    }
    CHECK(table.committed() == 1);
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a failing statement rolls back its sync point's statements and skips the rest of them",
    "[engine][pipeline]")
{
    auto conn = engine_pipeline_test::connect_with_table();
    {
        typq::pipeline p(conn);
        auto before = p.execute("INSERT INTO t (id) VALUES ($1)", 1);
        auto failing = p.query_value<std::int32_t>("SELECT 1 / $1::int4", 0);
        auto skipped = p.execute("INSERT INTO t (id) VALUES ($1)", 2);
        auto skipped_value = p.query_value<std::int32_t>("SELECT 42");
        p.sync();
        auto after = p.execute("INSERT INTO t (id) VALUES ($1)", 3);
        auto after_value = p.query_value<std::int32_t>("SELECT $1::int4 + 1", 6);
        p.sync();

        CHECK(before.get() == 1);
        REQUIRE_THROWS_AS(failing.get(), typq::division_by_zero);
        REQUIRE_THROWS_WITH(failing.get(), Contains("division by zero"));  // every get() throws it
        REQUIRE_THROWS_AS(skipped.get(), typq::pipeline_aborted);
        REQUIRE_THROWS_WITH(skipped.get(), Contains("earlier statement in the pipeline failed"));
        REQUIRE_THROWS_AS(skipped_value.get(), typq::pipeline_aborted);
        CHECK(after.get() == 1);
        CHECK(after_value.get() == 7);
    }
    CHECK(ids(conn) == id_list{3});
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("errors found by typq in a pipeline's rows fail only their own statement", "[engine][pipeline]")
{
    auto conn = typq_test::connect();
    typq::pipeline p(conn);
    auto no_row = p.query_one<std::int32_t>("SELECT 1 WHERE false");
    auto two_rows = p.query_opt<std::int32_t>("SELECT generate_series(1, 2)");
    auto two_values = p.query_value<std::int32_t>("SELECT generate_series(1, 2)");
    auto misfit = p.query<std::tuple<std::int32_t, std::int32_t>>("SELECT 1");
    auto null = p.query_value<std::int32_t>("SELECT NULL::int4");
    auto fine = p.query_value<std::int32_t>("SELECT 8");
    p.sync();
    REQUIRE_THROWS_AS(no_row.get(), typq::no_rows);
    REQUIRE_THROWS_AS(two_rows.get(), typq::too_many_rows);
    REQUIRE_THROWS_AS(two_values.get(), typq::too_many_rows);
    REQUIRE_THROWS_AS(misfit.get(), typq::conversion_error);
    REQUIRE_THROWS_WITH(misfit.get(), Contains("result does not fit"));
    REQUIRE_THROWS_AS(null.get(), typq::conversion_error);
    CHECK(fine.get() == 8);
}

TEST_CASE("leaving a pipeline's scope syncs, reads every result and leaves pipeline mode", "[engine][pipeline]")
{
    auto conn = engine_pipeline_test::connect_with_table();

    SECTION("by an exception")
    {
        std::optional<typq::pending<std::uint64_t>> inserted;
        std::optional<typq::pending<std::int32_t>> value;
        const auto leave = [&] {
            typq::pipeline p(conn);
            inserted.emplace(p.execute("INSERT INTO t (id) VALUES ($1)", 1));
            value.emplace(p.query_value<std::int32_t>("SELECT 11"));
            throw std::runtime_error("leaving");
        };
        REQUIRE_THROWS_AS(leave(), std::runtime_error);
        engine_test::check_idle_and_usable(conn);
        CHECK(ids(conn) == id_list{1});
        // The handles got their outcomes before the pipeline ended.
        CHECK(inserted->ready());
        CHECK(inserted->get() == 1);
        CHECK(value->get() == 11);
    }
    SECTION("with a failed statement nobody asked about")
    {
        {
            typq::pipeline p(conn);
            (void)p.execute("INSERT INTO t (id) VALUES ($1)", 1);
            (void)p.execute("INSERT INTO t (id) VALUES ($1)", 1);
            (void)p.execute("INSERT INTO t (id) VALUES ($1)", 2);
        }
        engine_test::check_idle_and_usable(conn);
        CHECK(ids(conn).empty());
    }
    SECTION("with nothing queued")
    {
        {
            typq::pipeline p(conn);
        }
        {
            typq::pipeline p(conn);
            p.sync();
            p.sync();
        }
        engine_test::check_idle_and_usable(conn);
    }
    SECTION("with handles whose results never arrived before the pipeline ended")
    {
        std::optional<typq::pending<std::int32_t>> value;
        {
            typq::pipeline p(conn);
            value.emplace(p.query_value<std::int32_t>("SELECT 12"));
        }
        CHECK(value->ready());
        CHECK(value->get() == 12);
        engine_test::check_idle_and_usable(conn);
    }
}

TEST_CASE("while a pipeline is open, the connection's own calls throw usage_error", "[engine][pipeline]")
{
    auto conn = engine_pipeline_test::connect_with_table();
    {
        typq::pipeline p(conn);
        auto first = p.query_value<std::int32_t>("SELECT 1");

        REQUIRE_THROWS_AS(conn.execute("INSERT INTO t (id) VALUES (1)"), typq::usage_error);
        REQUIRE_THROWS_WITH(conn.execute("INSERT INTO t (id) VALUES (1)"), Contains("typq::pipeline is still open"));
        REQUIRE_THROWS_AS(conn.execute("INSERT INTO t (id) VALUES ($1)", 1), typq::usage_error);
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 2"), typq::usage_error);
        REQUIRE_THROWS_AS((void)conn.stream<std::int32_t>("SELECT 2"), typq::usage_error);
        REQUIRE_THROWS_AS((void)conn.prepare("SELECT 2"), typq::usage_error);
        REQUIRE_THROWS_AS(typq::pipeline(conn), typq::usage_error);
        REQUIRE_THROWS_AS(typq::transaction(conn), typq::usage_error);
        REQUIRE_THROWS_AS(conn.execute_many("INSERT INTO t (id) VALUES ($1)", std::vector<std::tuple<std::int32_t>>{{1}}),
            typq::usage_error);
        REQUIRE_THROWS_AS((void)conn.cursor<std::int32_t>(typq::cursor_options{.scrollable = std::nullopt, .with_hold = true},
                              "SELECT 1"),
            typq::usage_error);

        // The pipeline is not disturbed.
        auto second = p.query_value<std::int32_t>("SELECT 2");
        p.sync();
        CHECK(first.get() == 1);
        CHECK(second.get() == 2);
    }
    CHECK(ids(conn).empty());
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a pipeline inside a transaction block", "[engine][pipeline]")
{
    auto conn = engine_pipeline_test::connect_with_table();

    SECTION("its statements commit with the transaction")
    {
        typq::transaction tx(conn);
        {
            typq::pipeline p(conn);
            auto a = p.execute("INSERT INTO t (id) VALUES ($1)", 1);
            p.sync();
            auto b = p.execute("INSERT INTO t (id) VALUES ($1)", 2);
            p.sync();
            CHECK(a.get() == 1);
            CHECK(b.get() == 1);
        }
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        tx.commit();
        CHECK(ids(conn) == id_list{1, 2});
    }
    SECTION("a failure aborts the transaction, also past the sync point")
    {
        {
            typq::transaction tx(conn);
            {
                typq::pipeline p(conn);
                auto a = p.execute("INSERT INTO t (id) VALUES ($1)", 1);
                auto failing = p.execute("INSERT INTO t (id) VALUES ($1)", 1);
                auto skipped = p.execute("INSERT INTO t (id) VALUES ($1)", 2);
                p.sync();
                auto after = p.execute("INSERT INTO t (id) VALUES ($1)", 3);
                p.sync();
                CHECK(a.get() == 1);
                REQUIRE_THROWS_AS(failing.get(), typq::unique_violation);
                REQUIRE_THROWS_AS(skipped.get(), typq::pipeline_aborted);
                REQUIRE_THROWS_AS(after.get(), typq::in_failed_sql_transaction);
            }
            CHECK(conn.transaction_status() == typq::transaction_status::in_error);
            tx.rollback();
        }
        CHECK(ids(conn).empty());
        engine_test::check_idle_and_usable(conn);
    }
}

TEST_CASE("a long pipeline does not deadlock", "[engine][pipeline]")
{
    auto conn = engine_pipeline_test::connect_with_table();

    SECTION("100,000 statements queued before the first get()")
    {
        constexpr std::int32_t n = 100000;
        std::vector<typq::pending<std::int64_t>> doubled;
        doubled.reserve(n);
        {
            typq::pipeline p(conn);
            for (std::int32_t i = 0; i < n; ++i)
                doubled.push_back(p.query_value<std::int64_t>("SELECT $1::int8 * 2", i));
            p.sync();
            bool all = true;
            for (std::int32_t i = 0; i < n; ++i)
                all = all && doubled[static_cast<std::size_t>(i)].get() == std::int64_t{2} * i;
            CHECK(all);
        }
        engine_test::check_idle_and_usable(conn);
    }
    SECTION("20,000 inserts without a sync point, then a count")
    {
        constexpr std::int32_t n = 20000;
        std::vector<typq::pending<std::uint64_t>> inserted;
        inserted.reserve(n);
        {
            typq::pipeline p(conn);
            for (std::int32_t i = 1; i <= n; ++i)
                inserted.push_back(p.execute("INSERT INTO t (id) VALUES ($1)", i));
            auto count = p.query_value<std::int64_t>("SELECT count(*) FROM t");
            CHECK(count.get() == n);
            std::uint64_t total = 0;
            for (auto& one : inserted)
                total += one.get();
            CHECK(total == n);
        }
        CHECK(conn.query_value<std::int64_t>("SELECT sum(id) FROM t") == std::int64_t{n} * (n + 1) / 2);
    }
}

TEST_CASE("a pipeline sends and receives big values", "[engine][pipeline]")
{
    auto conn = typq_test::connect();
    constexpr std::size_t size = 1024 * 1024;
    constexpr std::size_t count = 24;
    std::vector<std::string> sent;
    for (std::size_t i = 0; i < count; ++i) {
        std::string value(size, static_cast<char>('a' + i));
        value[i * 1000] = '!';
        sent.push_back(std::move(value));
    }
    {
        typq::pipeline p(conn);
        std::vector<typq::pending<std::string>> echoed;
        std::vector<typq::pending<std::int32_t>> lengths;
        for (const std::string& value : sent) {
            echoed.push_back(p.query_value<std::string>("SELECT $1::text", value));
            lengths.push_back(p.query_value<std::int32_t>("SELECT length($1::text)", value));
        }
        auto made = p.query_value<std::string>("SELECT repeat('xyz', $1)", 1000000);
        p.sync();
        for (std::size_t i = 0; i < count; ++i) {
            CAPTURE(i);
            CHECK(lengths[i].get() == static_cast<std::int32_t>(size));
            const std::string back = echoed[i].get();
            CHECK(back.size() == size);
            CHECK(back == sent[i]);
        }
        const std::string big = made.get();
        CHECK(big.size() == 3000000);
        CHECK(big.substr(2999997) == "xyz");
    }
    engine_test::check_idle_and_usable(conn);
}

TEST_CASE("a pipeline on a fresh connection sends and reads server-defined types", "[engine][pipeline]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok', 'happy');"
                 "CREATE TYPE pg_temp.pair AS (a int4, b text)");

    SECTION("an enum parameter and an enum column")
    {
        typq::pipeline p(conn);
        auto as_text = p.query_value<std::string>("SELECT $1::text", mood::happy);
        auto column = p.query_value<mood>("SELECT 'ok'::mood");
        auto both = p.query<std::tuple<mood, std::int32_t>>(
            "SELECT m, $1::int4 FROM unnest(ARRAY[$2, 'sad']::mood[]) m", 5, mood::ok);
        auto plain = p.query_value<std::int32_t>("SELECT 3");
        p.sync();
        CHECK(as_text.get() == "happy");
        CHECK(column.get() == mood::ok);
        const auto rows = both.get();
        REQUIRE(rows.size() == 2);
        CHECK(rows[0] == std::make_tuple(mood::ok, 5));
        CHECK(rows[1] == std::make_tuple(mood::sad, 5));
        CHECK(plain.get() == 3);
    }
    SECTION("a column first, read before a sync point")
    {
        typq::pipeline p(conn);
        auto column = p.query_value<mood>("SELECT 'sad'::mood");
        CHECK(column.get() == mood::sad);
        auto parameter = p.query_value<bool>("SELECT $1 = 'happy'::mood", mood::happy);
        CHECK(parameter.get());
    }
    SECTION("a composite column and parameter")
    {
        typq::pipeline p(conn);
        auto column = p.query_value<pair>("SELECT ROW(1, 'one')::pair");
        auto parameter = p.query_value<std::string>("SELECT ($1::pair).b || ($1::pair).a", pair{2, "two"});
        p.sync();
        CHECK(column.get() == pair{1, "one"});
        CHECK(parameter.get() == "two2");
    }
    SECTION("after a failed statement: a column's lookup is skipped too, and works after the sync point")
    {
        typq::pipeline p(conn);
        auto failing = p.query_value<std::int32_t>("SELECT 1 / 0");
        auto skipped = p.query_value<mood>("SELECT 'ok'::mood");
        p.sync();
        auto after = p.query_value<mood>("SELECT 'happy'::mood");
        p.sync();
        REQUIRE_THROWS_AS(failing.get(), typq::division_by_zero);
        REQUIRE_THROWS_AS(skipped.get(), typq::pipeline_aborted);
        CHECK(after.get() == mood::happy);
    }
    SECTION("after a failed statement: a parameter's lookup is skipped, and the handle says so")
    {
        typq::pipeline p(conn);
        auto failing = p.query_value<std::int32_t>("SELECT 1 / 0");
        std::optional<typq::pending<std::string>> skipped;
        CHECK_NOTHROW(skipped.emplace(p.query_value<std::string>("SELECT $1::text", mood::ok)));
        p.sync();
        auto after = p.query_value<std::string>("SELECT $1::text", mood::happy);
        p.sync();
        REQUIRE_THROWS_AS(failing.get(), typq::division_by_zero);
        REQUIRE(skipped.has_value());
        REQUIRE_THROWS_AS(skipped->get(), typq::pipeline_aborted);
        CHECK(after.get() == "happy");
    }
    engine_test::check_idle_and_usable(conn);
    CHECK(conn.query_value<mood>("SELECT $1", mood::ok) == mood::ok);
}

TEST_CASE("automatic preparation inside a pipeline gives the same results", "[engine][pipeline]")
{
    SECTION("threshold 0: every statement prepared at its first run, in the pipeline")
    {
        auto conn = engine_pipeline_test::connect_with_table({.prepare_threshold = 0});
        {
            typq::pipeline p(conn);
            std::vector<typq::pending<std::int32_t>> tripled;
            std::vector<typq::pending<std::uint64_t>> inserted;
            for (std::int32_t i = 0; i < 10; ++i) {
                tripled.push_back(p.query_value<std::int32_t>("SELECT $1::int4 * 3", i));
                inserted.push_back(p.execute("INSERT INTO t VALUES ($1, $2)", i, "v" + std::to_string(i)));
            }
            auto rows = p.query<entry>("SELECT id, label FROM t WHERE id < $1 ORDER BY id", 3);
            p.sync();
            for (std::int32_t i = 0; i < 10; ++i) {
                CHECK(tripled[static_cast<std::size_t>(i)].get() == 3 * i);
                CHECK(inserted[static_cast<std::size_t>(i)].get() == 1);
            }
            const auto got = rows.get();
            REQUIRE(got.size() == 3);
            CHECK(got[2] == entry{2, "v2"});
        }
        CHECK(prepared_statements(conn, "SELECT $1::int4 * 3") == 1);
        CHECK(prepared_runs(conn, "SELECT $1::int4 * 3") == 10);
        CHECK(prepared_statements(conn, "INSERT INTO t VALUES ($1, $2)") == 1);
        // The statement prepared in the pipeline serves the connection afterwards.
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 * 3", 5) == 15);
        CHECK(prepared_runs(conn, "SELECT $1::int4 * 3") == 11);
        CHECK(prepared_statements(conn, "SELECT $1::int4 * 3") == 1);
    }
    SECTION("a threshold reached half way through the pipeline")
    {
        auto conn = typq_test::connect({.prepare_threshold = 2});
        {
            typq::pipeline p(conn);
            std::vector<typq::pending<std::int32_t>> negated;
            for (std::int32_t i = 0; i < 6; ++i)
                negated.push_back(p.query_value<std::int32_t>("SELECT -$1::int4", i));
            p.sync();
            for (std::int32_t i = 0; i < 6; ++i)
                CHECK(negated[static_cast<std::size_t>(i)].get() == -i);
        }
        CHECK(prepared_statements(conn, "SELECT -$1::int4") == 1);
        CHECK(prepared_runs(conn, "SELECT -$1::int4") == 4);
    }
    SECTION("a cache of one statement, two statements taking turns")
    {
        auto conn = typq_test::connect({.prepare_threshold = 0, .statement_cache_size = 1});
        {
            typq::pipeline p(conn);
            std::vector<typq::pending<std::int32_t>> values;
            for (std::int32_t i = 0; i < 6; ++i) {
                values.push_back(p.query_value<std::int32_t>("SELECT $1::int4 + 100", i));
                values.push_back(p.query_value<std::int32_t>("SELECT $1::int4 + 200", i));
            }
            p.sync();
            for (std::int32_t i = 0; i < 6; ++i) {
                CHECK(values[2 * static_cast<std::size_t>(i)].get() == i + 100);
                CHECK(values[2 * static_cast<std::size_t>(i) + 1].get() == i + 200);
            }
        }
        CHECK(prepared_statements(conn) == 1);
        CHECK(prepared_statements(conn, "SELECT $1::int4 + 200") == 1);
        engine_test::check_idle_and_usable(conn);
    }
    SECTION("a statement first prepared in a segment that failed is prepared again after the sync point")
    {
        auto conn = typq_test::connect({.prepare_threshold = 0});
        {
            typq::pipeline p(conn);
            auto failing = p.query_value<std::int32_t>("SELECT 1 / $1::int4", 0);
            auto skipped = p.query_value<std::int32_t>("SELECT $1::int4 + 5", 1);
            p.sync();
            auto after = p.query_value<std::int32_t>("SELECT $1::int4 + 5", 2);
            p.sync();
            auto later = p.query_value<std::int32_t>("SELECT $1::int4 + 5", 3);
            REQUIRE_THROWS_AS(failing.get(), typq::division_by_zero);
            REQUIRE_THROWS_AS(skipped.get(), typq::pipeline_aborted);
            CHECK(after.get() == 7);
            CHECK(later.get() == 8);
        }
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 5", 4) == 9);
        CHECK(prepared_statements(conn, "SELECT $1::int4 + 5") == 1);
        engine_test::check_idle_and_usable(conn);
    }
    SECTION("a statement the server cannot prepare fails alone, and is not cached")
    {
        auto conn = typq_test::connect({.prepare_threshold = 0});
        {
            typq::pipeline p(conn);
            auto failing = p.query_value<std::int32_t>("SELECT $1::int4 + typq_no_such_column", 1);
            auto skipped = p.query_value<std::int32_t>("SELECT $1::int4 + 1", 1);
            p.sync();
            auto again = p.query_value<std::int32_t>("SELECT $1::int4 + typq_no_such_column", 1);
            auto after = p.query_value<std::int32_t>("SELECT $1::int4 + 1", 2);
            p.sync();
            REQUIRE_THROWS_AS(failing.get(), typq::undefined_column);
            REQUIRE_THROWS_AS(skipped.get(), typq::pipeline_aborted);
            REQUIRE_THROWS_AS(again.get(), typq::undefined_column);
            REQUIRE_THROWS_AS(after.get(), typq::pipeline_aborted);
        }
        CHECK(prepared_statements(conn, "SELECT $1::int4 + typq_no_such_column") == 0);
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 3) == 4);
        CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 4) == 5);
        engine_test::check_idle_and_usable(conn);
    }
}

}  // namespace engine_pipeline_test
