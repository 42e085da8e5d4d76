// SPDX-License-Identifier: BSL-1.0
// tests/transaction/commit_rollback.cpp: a top-level typq::transaction: commit() makes the work
// visible to other connections; rollback(), the destructor and an exception leaving the scope
// throw it away.

#include "transaction_checks.hpp"

#include <cstdint>    // std::int32_t
#include <stdexcept>  // an exception of the program's own leaving the scope
#include <vector>     // ids

namespace transaction_commit_rollback_test {

using ids = std::vector<std::int32_t>;
using transaction_test::require_idle_and_usable;

TEST_CASE("commit makes the transaction's work visible to another connection", "[transaction][commit]")
{
    transaction_test::shared_table table("typq_tx_commit");
    auto conn = typq_test::connect();

    typq::transaction tx(conn);
    CHECK(tx.active());
    CHECK_FALSE(tx.is_savepoint());
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    table.insert(conn, 1);
    table.insert(conn, 2);
    CHECK(table.ids(conn) == ids{1, 2});
    CHECK(table.committed_ids().empty());  // not yet: another connection sees nothing

    tx.commit();

    CHECK_FALSE(tx.active());
    CHECK(table.committed_ids() == ids{1, 2});
    require_idle_and_usable(conn);
}

TEST_CASE("a transaction that is not committed is rolled back by its destructor", "[transaction][rollback]")
{
    transaction_test::shared_table table("typq_tx_destructor");
    auto conn = typq_test::connect();
    table.insert(conn, 1);  // committed before the transaction

    {
        typq::transaction tx(conn);
        table.insert(conn, 2);
        conn.execute(table.sql("DELETE FROM {t} WHERE id = 1"));
        CHECK(table.ids(conn) == ids{2});
    }

    CHECK(table.ids(conn) == ids{1});
    CHECK(table.committed_ids() == ids{1});
    require_idle_and_usable(conn);
}

TEST_CASE("rollback throws the transaction's work away", "[transaction][rollback]")
{
    transaction_test::shared_table table("typq_tx_rollback");
    auto conn = typq_test::connect();

    typq::transaction tx(conn);
    table.insert(conn, 1);
    tx.rollback();

    CHECK_FALSE(tx.active());
    CHECK(table.ids(conn).empty());
    CHECK(table.committed_ids().empty());
    require_idle_and_usable(conn);

    SECTION("work after the rollback is outside any transaction: committed at once")
    {
        table.insert(conn, 2);
        CHECK(table.committed_ids() == ids{2});
    }
    SECTION("a new transaction can begin on the same connection")
    {
        typq::transaction again(conn);
        table.insert(conn, 3);
        again.commit();
        CHECK(table.committed_ids() == ids{3});
    }
}

TEST_CASE("an exception leaving the transaction's scope rolls it back", "[transaction][rollback]")
{
    transaction_test::shared_table table("typq_tx_exception");
    auto conn = typq_test::connect();

    SECTION("an exception of the program's own")
    {
        REQUIRE_THROWS_AS(([&] {
            typq::transaction tx(conn);
            table.insert(conn, 1);
            throw std::runtime_error("the program gave up");
        }()),
            std::runtime_error);
    }
    SECTION("a server error from a statement in the transaction")
    {
        const auto work = [&] {
            typq::transaction tx(conn);
            table.insert(conn, 1);
            table.insert(conn, 1);  // duplicate key
            tx.commit();
        };
        REQUIRE_THROWS_AS(work(), typq::unique_violation);
        REQUIRE_THROWS_WITH(work(), Catch::Contains("duplicate key value"));
    }

    CHECK(table.ids(conn).empty());
    CHECK(table.committed_ids().empty());
    require_idle_and_usable(conn);
}

TEST_CASE("transactions on two connections are independent", "[transaction][commit]")
{
    transaction_test::shared_table table("typq_tx_two");
    auto a = typq_test::connect();
    auto b = typq_test::connect();

    typq::transaction tx_a(a);
    typq::transaction tx_b(b);
    table.insert(a, 1);
    table.insert(b, 2);
    CHECK(table.ids(a) == ids{1});
    CHECK(table.ids(b) == ids{2});
    tx_b.commit();
    CHECK(table.committed_ids() == ids{2});
    CHECK(table.ids(a) == ids{1, 2});  // read committed: a sees b's committed row
    tx_a.rollback();
    CHECK(table.committed_ids() == ids{2});
    require_idle_and_usable(a);
    require_idle_and_usable(b);
}

}  // namespace transaction_commit_rollback_test
