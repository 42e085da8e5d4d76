// SPDX-License-Identifier: BSL-1.0
// tests/transaction/misuse.cpp: what a program must not do with a transaction throws
// typq::usage_error (or typq::connection_error without a connection), and leaves the transactions
// and the connection as they were.

#include "transaction_checks.hpp"

#include <cstdint>  // std::int32_t
#include <vector>   // ids

namespace transaction_misuse_test {

using ids = std::vector<std::int32_t>;
using transaction_test::require_idle_and_usable;

TEST_CASE("committing or rolling back an outer transaction while an inner one is open throws usage_error",
    "[transaction][misuse]")
{
    transaction_test::shared_table table("typq_tx_misuse_outer");
    auto conn = typq_test::connect();

    typq::transaction outer(conn);
    table.insert(conn, 1);
    typq::transaction inner(conn);
    table.insert(conn, 2);

    SECTION("commit")
    {
        REQUIRE_THROWS_AS(outer.commit(), typq::usage_error);
        REQUIRE_THROWS_WITH(outer.commit(), Catch::Contains("nested one is still open"));
    }
    SECTION("rollback")
    {
        REQUIRE_THROWS_AS(outer.rollback(), typq::usage_error);
        REQUIRE_THROWS_WITH(outer.rollback(), Catch::Contains("nested one is still open"));
    }
    SECTION("commit, two levels out")
    {
        typq::transaction innermost(conn);
        REQUIRE_THROWS_AS(outer.commit(), typq::usage_error);
        REQUIRE_THROWS_AS(inner.commit(), typq::usage_error);
        REQUIRE_THROWS_WITH(inner.rollback(), Catch::Contains("nested one is still open"));
        innermost.commit();
    }

    // Nothing changed: both are still open, and they end in order.
    CHECK(outer.active());
    CHECK(inner.active());
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    CHECK(table.ids(conn) == ids{1, 2});
    inner.commit();
    outer.commit();
    CHECK(table.committed_ids() == ids{1, 2});
    require_idle_and_usable(conn);
}

TEST_CASE("committing or rolling back a transaction that has ended throws usage_error", "[transaction][misuse]")
{
    transaction_test::shared_table table("typq_tx_misuse_twice");
    auto conn = typq_test::connect();

    SECTION("commit twice")
    {
        typq::transaction tx(conn);
        table.insert(conn, 1);
        tx.commit();
        REQUIRE_THROWS_AS(tx.commit(), typq::usage_error);
        REQUIRE_THROWS_WITH(tx.commit(), Catch::Contains("already ended"));
        CHECK(table.committed_ids() == ids{1});
    }
    SECTION("rollback after commit")
    {
        typq::transaction tx(conn);
        table.insert(conn, 1);
        tx.commit();
        REQUIRE_THROWS_AS(tx.rollback(), typq::usage_error);
        REQUIRE_THROWS_WITH(tx.rollback(), Catch::Contains("already ended"));
        CHECK(table.committed_ids() == ids{1});
    }
    SECTION("commit after rollback")
    {
        typq::transaction tx(conn);
        table.insert(conn, 1);
        tx.rollback();
        REQUIRE_THROWS_AS(tx.commit(), typq::usage_error);
        REQUIRE_THROWS_WITH(tx.commit(), Catch::Contains("already ended"));
        CHECK(table.committed_ids().empty());
    }
    SECTION("a savepoint committed twice; the second commit does not touch the outer transaction")
    {
        typq::transaction outer(conn);
        typq::transaction inner(conn);
        table.insert(conn, 1);
        inner.commit();
        REQUIRE_THROWS_AS(inner.commit(), typq::usage_error);
        REQUIRE_THROWS_WITH(inner.rollback(), Catch::Contains("already ended"));
        CHECK(outer.active());
        table.insert(conn, 2);
        outer.commit();
        CHECK(table.committed_ids() == ids{1, 2});
    }
    require_idle_and_usable(conn);
}

TEST_CASE("a transaction on a connection where BEGIN was run by hand throws usage_error", "[transaction][misuse]")
{
    transaction_test::shared_table table("typq_tx_misuse_begin");
    auto conn = typq_test::connect();
    conn.execute("BEGIN");
    table.insert(conn, 1);

    SECTION("in an open transaction")
    {
        REQUIRE_THROWS_AS(typq::transaction(conn), typq::usage_error);
        REQUIRE_THROWS_WITH(typq::transaction(conn), Catch::Contains("begun outside typq::transaction"));
        // The hand-made transaction is untouched and still the program's to end.
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        conn.execute("COMMIT");
        CHECK(table.committed_ids() == ids{1});
    }
    SECTION("in a failed transaction")
    {
        REQUIRE_THROWS_AS(conn.execute("SELECT 1 / 0"), typq::division_by_zero);
        REQUIRE_THROWS_AS(typq::transaction(conn), typq::usage_error);
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
        conn.execute("ROLLBACK");
        CHECK(table.committed_ids().empty());
    }
    SECTION("with options")
    {
        REQUIRE_THROWS_AS(typq::transaction(conn, {typq::isolation_level::serializable, false, false}), typq::usage_error);
        conn.execute("ROLLBACK");
        CHECK(table.committed_ids().empty());
    }

    // Once the hand-made transaction has ended, typq::transaction works again.
    typq::transaction tx(conn);
    table.insert(conn, 2);
    tx.commit();
    CHECK(table.committed_ids().back() == 2);
    require_idle_and_usable(conn);
}

TEST_CASE("a transaction on a closed connection throws connection_error", "[transaction][misuse]")
{
    auto conn = typq_test::connect();

    SECTION("closed before the transaction")
    {
        conn.close();
        REQUIRE_THROWS_AS(typq::transaction(conn), typq::connection_error);
        REQUIRE_THROWS_WITH(typq::transaction(conn), Catch::Contains("the connection is closed"));
        REQUIRE_THROWS_AS(typq::transaction(conn, {typq::isolation_level::serializable, true, true}),
            typq::connection_error);
    }
    SECTION("closed while the transaction is open")
    {
        typq::transaction tx(conn);
        conn.close();
        REQUIRE_THROWS_AS(typq::transaction(conn), typq::connection_error);
        REQUIRE_THROWS_AS(tx.commit(), typq::connection_error);
        CHECK_FALSE(tx.active());
    }
    SECTION("closed while the transaction is open, ended by the destructor")
    {
        typq::transaction tx(conn);
        conn.close();
    }  // the destructor's rollback fails on the closed connection and must not throw
    CHECK(conn.state() == typq::connection_state::closed);
}

}  // namespace transaction_misuse_test
