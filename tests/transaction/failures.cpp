// SPDX-License-Identifier: BSL-1.0
// tests/transaction/failures.cpp: a failed statement aborts the transaction as the server does:
// later statements and commit() throw in_failed_sql_transaction, nothing is committed, and the
// connection is idle and usable afterwards. In a savepoint, rolling the savepoint back lets the
// outer transaction go on. A deferred constraint fails at commit(), which then ends the transaction.

#include "transaction_checks.hpp"

#include <cstdint>    // std::int32_t, std::int64_t
#include <exception>  // std::exception_ptr
#include <vector>     // ids

namespace transaction_failures_test {

using ids = std::vector<std::int32_t>;
using transaction_test::require_idle_and_usable;
using transaction_test::rethrow;
using transaction_test::thrown_by;

// `thrown` is the server's 25P02, as in_failed_sql_transaction under invalid_transaction_state.
void require_in_failed_sql_transaction(const std::exception_ptr& thrown)
{
    REQUIRE_THROWS_AS(rethrow(thrown), typq::in_failed_sql_transaction);
    REQUIRE_THROWS_AS(rethrow(thrown), typq::invalid_transaction_state);
    REQUIRE_THROWS_AS(rethrow(thrown), typq::server_error);
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("(SQLSTATE 25P02)"));
    try {
        rethrow(thrown);
    }
    catch (const typq::server_error& e) {
        CHECK(e.sqlstate() == "25P02");
        CHECK(e.severity() == "ERROR");
    }
}

TEST_CASE("after a failed statement, later statements in the transaction throw in_failed_sql_transaction",
    "[transaction][failed]")
{
    transaction_test::shared_table table("typq_tx_failed_statements");
    auto conn = typq_test::connect();

    typq::transaction tx(conn);
    table.insert(conn, 1);
    REQUIRE_THROWS_AS(conn.execute("SELECT 1 / 0"), typq::division_by_zero);
    CHECK(conn.transaction_status() == typq::transaction_status::in_error);
    CHECK(tx.active());

    std::exception_ptr thrown;
    SECTION("execute without parameters")
    { thrown = thrown_by([&] { conn.execute("SELECT 1"); }); }
    SECTION("execute with a parameter")
    { thrown = thrown_by([&] { table.insert(conn, 2); }); }
    SECTION("query_value")
    { thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT $1::int4", 1); }); }
    SECTION("query")
    { thrown = thrown_by([&] { (void)table.ids(conn); }); }

    require_in_failed_sql_transaction(thrown);
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("current transaction is aborted"));
    CHECK(conn.transaction_status() == typq::transaction_status::in_error);
    tx.rollback();
    CHECK(table.committed_ids().empty());
    require_idle_and_usable(conn);
}

TEST_CASE("commit() after a failed statement throws in_failed_sql_transaction and commits nothing",
    "[transaction][failed]")
{
    transaction_test::shared_table table("typq_tx_failed_commit");
    auto conn = typq_test::connect();

    // The failure: a failed execute, or a failed query followed by a statement the server refuses.
    const bool failed_query = GENERATE(false, true);
    CAPTURE(failed_query);

    typq::transaction tx(conn);
    table.insert(conn, 1);
    if (failed_query) {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 'x'::int4"), typq::invalid_text_representation);
        REQUIRE_THROWS_AS(table.insert(conn, 2), typq::in_failed_sql_transaction);
    }
    else
        REQUIRE_THROWS_AS(table.insert(conn, 1), typq::unique_violation);
    CHECK(conn.transaction_status() == typq::transaction_status::in_error);

    const auto thrown = thrown_by([&] { tx.commit(); });

    require_in_failed_sql_transaction(thrown);
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("nothing was committed"));
    CHECK_FALSE(tx.active());
    CHECK(table.committed_ids().empty());  // seen from another connection
    require_idle_and_usable(conn);
    CHECK(table.ids(conn).empty());

    SECTION("the transaction has ended: commit and rollback are usage errors")
    {
        REQUIRE_THROWS_AS(tx.commit(), typq::usage_error);
        REQUIRE_THROWS_AS(tx.rollback(), typq::usage_error);
        REQUIRE_THROWS_WITH(tx.rollback(), Catch::Contains("already ended"));
    }
    SECTION("a new transaction on the same connection commits")
    {
        typq::transaction again(conn);
        CHECK_FALSE(again.is_savepoint());
        table.insert(conn, 3);
        again.commit();
        CHECK(table.committed_ids() == ids{3});
    }
}

TEST_CASE("a transaction that failed and is rolled back leaves the connection idle and usable",
    "[transaction][failed]")
{
    transaction_test::shared_table table("typq_tx_failed_rollback");
    auto conn = typq_test::connect();

    {
        typq::transaction tx(conn);
        table.insert(conn, 1);
        REQUIRE_THROWS_AS(conn.execute("SELECT 1 / 0"), typq::division_by_zero);
        SECTION("by rollback()")
        {
            tx.rollback();
            CHECK_FALSE(tx.active());
        }
        SECTION("by the destructor")
        {}
    }
    CHECK(table.committed_ids().empty());
    require_idle_and_usable(conn);
}

TEST_CASE("a failed statement in a savepoint that is then rolled back leaves the outer transaction going",
    "[transaction][failed][savepoint]")
{
    transaction_test::shared_table table("typq_tx_failed_savepoint");
    auto conn = typq_test::connect();

    typq::transaction outer(conn);
    table.insert(conn, 1);
    {
        typq::transaction inner(conn);
        table.insert(conn, 2);
        REQUIRE_THROWS_AS(table.insert(conn, 1), typq::unique_violation);  // the outer's row
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
        REQUIRE_THROWS_AS(table.insert(conn, 3), typq::in_failed_sql_transaction);

        SECTION("by rollback()")
        {
            inner.rollback();
            CHECK_FALSE(inner.active());
        }
        SECTION("by the destructor")
        {}
        SECTION("commit() of the failed savepoint throws in_failed_sql_transaction; rollback() still can")
        {
            const auto thrown = thrown_by([&] { inner.commit(); });
            require_in_failed_sql_transaction(thrown);
            CHECK(inner.active());
            inner.rollback();
            CHECK_FALSE(inner.active());
        }
    }
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    CHECK(outer.active());
    CHECK(table.ids(conn) == ids{1});
    table.insert(conn, 4);
    outer.commit();

    CHECK(table.committed_ids() == ids{1, 4});
    require_idle_and_usable(conn);
}

TEST_CASE("a savepoint cannot begin in a failed transaction: its constructor throws in_failed_sql_transaction",
    "[transaction][failed][savepoint]")
{
    transaction_test::shared_table table("typq_tx_failed_no_savepoint");
    auto conn = typq_test::connect();

    typq::transaction outer(conn);
    table.insert(conn, 1);
    REQUIRE_THROWS_AS(conn.execute("SELECT 1 / 0"), typq::division_by_zero);

    const auto thrown = thrown_by([&] { typq::transaction inner(conn); });
    require_in_failed_sql_transaction(thrown);

    // The outer transaction is still the innermost one: it rolls back, and then the connection works.
    CHECK(outer.active());
    outer.rollback();
    CHECK(table.committed_ids().empty());
    require_idle_and_usable(conn);
}

TEST_CASE("a failure in a savepoint three levels deep is undone by that savepoint alone",
    "[transaction][failed][savepoint]")
{
    transaction_test::shared_table table("typq_tx_failed_deep");
    auto conn = typq_test::connect();

    typq::transaction level1(conn);
    table.insert(conn, 1);
    typq::transaction level2(conn);
    table.insert(conn, 2);
    {
        typq::transaction level3(conn);
        table.insert(conn, 3);
        REQUIRE_THROWS_AS(conn.execute("SELECT typq_no_such_function()"), typq::undefined_function);
    }
    table.insert(conn, 22);
    level2.commit();
    level1.commit();

    CHECK(table.committed_ids() == ids{1, 2, 22});
    require_idle_and_usable(conn);
}

TEST_CASE("a deferred foreign key violated fails commit() with foreign_key_violation and ends the transaction",
    "[transaction][deferred]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE parent (id int4 PRIMARY KEY)");
    conn.execute("CREATE TEMP TABLE child (parent_id int4 CONSTRAINT child_parent_fk REFERENCES parent (id) "
                 "DEFERRABLE INITIALLY DEFERRED)");
    const auto count_children = [&conn] { return conn.query_value<std::int64_t>("SELECT count(*) FROM child"); };

    typq::transaction tx(conn);
    conn.execute("INSERT INTO child VALUES ($1)", 7);  // accepted for now: checked at COMMIT
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    SECTION("directly in the transaction")
    {}
    SECTION("in a savepoint released into it (RELEASE does not check deferred constraints)")
    {
        typq::transaction inner(conn);
        conn.execute("INSERT INTO child VALUES ($1)", 8);
        inner.commit();
    }
    CHECK(count_children() >= 1);

    const auto thrown = thrown_by([&] { tx.commit(); });

    REQUIRE_THROWS_AS(rethrow(thrown), typq::foreign_key_violation);
    REQUIRE_THROWS_AS(rethrow(thrown), typq::integrity_constraint_violation);
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("\"child_parent_fk\"") && Catch::Contains("(SQLSTATE 23503)"));
    try {
        rethrow(thrown);
    }
    catch (const typq::foreign_key_violation& e) {
        CHECK(e.sqlstate() == "23503");
        CHECK(e.constraint_name() == "child_parent_fk");
        CHECK(e.table_name() == "child");
    }
    CHECK_FALSE(tx.active());
    require_idle_and_usable(conn);
    CHECK(count_children() == 0);
    REQUIRE_THROWS_AS(tx.commit(), typq::usage_error);
    REQUIRE_THROWS_AS(tx.rollback(), typq::usage_error);
}

TEST_CASE("a deferred foreign key satisfied before commit() commits", "[transaction][deferred]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE parent (id int4 PRIMARY KEY)");
    conn.execute("CREATE TEMP TABLE child (parent_id int4 REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)");

    typq::transaction tx(conn);
    conn.execute("INSERT INTO child VALUES ($1)", 7);
    conn.execute("INSERT INTO parent VALUES ($1)", 7);  // the parent comes after its child
    tx.commit();

    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM child") == 1);
    require_idle_and_usable(conn);
}

}  // namespace transaction_failures_test
