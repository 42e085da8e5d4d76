// SPDX-License-Identifier: BSL-1.0
// tests/transaction/options.cpp: transaction_options: the isolation level, READ ONLY and
// DEFERRABLE reach the server (it reports them with SHOW), and a nested transaction, being a
// savepoint, refuses them.

#include "transaction_checks.hpp"

#include <algorithm>  // std::count
#include <cstdint>    // std::int32_t, std::int64_t
#include <optional>   // std::nullopt: no isolation level
#include <string>     // SHOW's answers
#include <tuple>      // GENERATE table rows
#include <vector>     // ids

namespace transaction_options_test {

using ids = std::vector<std::int32_t>;
using transaction_test::require_idle_and_usable;

std::string show(typq::connection& conn, const char* setting)
{
    return conn.query_value<std::string>(typq::runtime(std::string("SHOW ") + setting));
}

TEST_CASE("each isolation level is the one the server reports inside the transaction", "[transaction][options]")
{
    auto conn = typq_test::connect();
    // The server's spelling of each level, as `SHOW transaction_isolation` reports it.
    const auto [level, spelled] = GENERATE(table<typq::isolation_level, std::string>({
        {typq::isolation_level::read_uncommitted, "read uncommitted"},
        {typq::isolation_level::read_committed, "read committed"},
        {typq::isolation_level::repeatable_read, "repeatable read"},
        {typq::isolation_level::serializable, "serializable"},
    }));
    CAPTURE(spelled);

    SECTION("whatever the session's default is")
    {
        const std::string session_default = GENERATE(as<std::string>{}, "read committed", "serializable");
        CAPTURE(session_default);
        conn.execute(typq::runtime("SET default_transaction_isolation = '" + session_default + "'"));

        typq::transaction tx(conn, {level, false, false});
        CHECK(show(conn, "transaction_isolation") == spelled);
        CHECK(show(conn, "transaction_read_only") == "off");
        CHECK(show(conn, "transaction_deferrable") == "off");
        tx.commit();
        CHECK(show(conn, "transaction_isolation") == session_default);  // back to the default after
    }
    SECTION("the level holds in a savepoint inside the transaction")
    {
        typq::transaction tx(conn, {level, false, false});
        typq::transaction inner(conn);
        CHECK(show(conn, "transaction_isolation") == spelled);
        inner.commit();
        tx.commit();
    }
    require_idle_and_usable(conn);
}

TEST_CASE("without an isolation level the transaction takes the session's default", "[transaction][options]")
{
    auto conn = typq_test::connect();
    const std::string session_default = GENERATE(as<std::string>{}, "read committed", "repeatable read", "serializable");
    CAPTURE(session_default);
    conn.execute(typq::runtime("SET default_transaction_isolation = '" + session_default + "'"));

    typq::transaction tx(conn);
    CHECK(show(conn, "transaction_isolation") == session_default);
    CHECK(show(conn, "transaction_read_only") == "off");
    tx.commit();
}

TEST_CASE("a repeatable read transaction keeps its snapshot, read committed does not", "[transaction][options]")
{
    transaction_test::shared_table table("typq_tx_snapshot");
    auto reader = typq_test::connect();
    auto writer = typq_test::connect();
    table.insert(writer, 1);

    SECTION("repeatable read")
    {
        typq::transaction tx(reader, {typq::isolation_level::repeatable_read, false, false});
        CHECK(table.ids(reader) == ids{1});
        table.insert(writer, 2);
        CHECK(table.ids(reader) == ids{1});
        tx.commit();
    }
    SECTION("read committed")
    {
        typq::transaction tx(reader, {typq::isolation_level::read_committed, false, false});
        CHECK(table.ids(reader) == ids{1});
        table.insert(writer, 2);
        CHECK(table.ids(reader) == ids{1, 2});
        tx.commit();
    }
    CHECK(table.ids(reader) == ids{1, 2});
}

TEST_CASE("a read-only transaction refuses writes with read_only_sql_transaction", "[transaction][options]")
{
    transaction_test::shared_table table("typq_tx_read_only");
    auto conn = typq_test::connect();
    table.insert(conn, 1);

    typq::transaction tx(conn, {std::nullopt, true, false});
    CHECK(show(conn, "transaction_read_only") == "on");
    CHECK(table.ids(conn) == ids{1});  // reading works

    SECTION("INSERT")
    {
        const auto thrown = transaction_test::thrown_by([&] { table.insert(conn, 2); });
        REQUIRE_THROWS_AS(transaction_test::rethrow(thrown), typq::read_only_sql_transaction);
        REQUIRE_THROWS_WITH(transaction_test::rethrow(thrown),
            Catch::Contains("cannot execute INSERT in a read-only transaction") && Catch::Contains("(SQLSTATE 25006)"));
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
        tx.rollback();
        table.insert(conn, 3);  // no transaction any more: it works
        CHECK(table.committed_ids() == ids{1, 3});
    }
    SECTION("UPDATE, caught as invalid_transaction_state")
    {
        REQUIRE_THROWS_AS(conn.execute(table.sql("UPDATE {t} SET id = 2")), typq::invalid_transaction_state);
    }
    SECTION("CREATE TABLE")
    {
        REQUIRE_THROWS_AS(conn.execute("CREATE TEMP TABLE scratch (id int4)"), typq::read_only_sql_transaction);
    }
    SECTION("a write in a savepoint is refused too; the transaction goes on after the savepoint")
    {
        {
            typq::transaction inner(conn);
            REQUIRE_THROWS_AS(table.insert(conn, 2), typq::read_only_sql_transaction);
        }
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        CHECK(table.ids(conn) == ids{1});
        tx.commit();
    }
    SECTION("with an isolation level as well")
    {
        tx.rollback();
        typq::transaction serializable(conn, {typq::isolation_level::serializable, true, false});
        CHECK(show(conn, "transaction_isolation") == "serializable");
        CHECK(show(conn, "transaction_read_only") == "on");
        REQUIRE_THROWS_AS(table.insert(conn, 2), typq::read_only_sql_transaction);
    }

    // Nothing the read-only transaction tried was written.
    const ids committed = table.committed_ids();
    CHECK(std::count(committed.begin(), committed.end(), 2) == 0);
}

TEST_CASE("a serializable, read-only, deferrable transaction runs", "[transaction][options]")
{
    transaction_test::shared_table table("typq_tx_deferrable");
    auto conn = typq_test::connect();
    table.insert(conn, 1);

    typq::transaction tx(conn, {typq::isolation_level::serializable, true, true});
    CHECK(show(conn, "transaction_isolation") == "serializable");
    CHECK(show(conn, "transaction_read_only") == "on");
    CHECK(show(conn, "transaction_deferrable") == "on");
    CHECK(table.ids(conn) == ids{1});
    CHECK(conn.query_value<std::int64_t>(table.sql("SELECT count(*) FROM {t}")) == 1);
    tx.commit();
    require_idle_and_usable(conn);
}

TEST_CASE("a nested transaction with options throws usage_error and leaves the outer one as it was",
    "[transaction][options]")
{
    transaction_test::shared_table table("typq_tx_nested_options");
    auto conn = typq_test::connect();
    typq::transaction outer(conn);
    table.insert(conn, 1);

    const auto nested = GENERATE(values<typq::transaction_options>({
        {typq::isolation_level::serializable, false, false},
        {typq::isolation_level::read_committed, false, false},
        {std::nullopt, true, false},
        {std::nullopt, false, true},
        {typq::isolation_level::serializable, true, true},
    }));
    CAPTURE(nested.isolation.has_value(), nested.read_only, nested.deferrable);

    REQUIRE_THROWS_AS(typq::transaction(conn, nested), typq::usage_error);
    REQUIRE_THROWS_WITH(typq::transaction(conn, nested), Catch::Contains("savepoint"));
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);

    // The outer transaction is still the innermost: a savepoint without options works, and the
    // outer one commits.
    {
        typq::transaction inner(conn);
        CHECK(inner.is_savepoint());
        table.insert(conn, 2);
        inner.commit();
    }
    outer.commit();
    CHECK(table.committed_ids() == ids{1, 2});
    require_idle_and_usable(conn);
}

}  // namespace transaction_options_test
