// SPDX-License-Identifier: BSL-1.0
// tests/transaction/savepoints.cpp: a typq::transaction begun while another is open on the same
// connection is a savepoint: its commit keeps its work in the enclosing transaction, its rollback
// (or destructor) throws away only its own work.

#include "transaction_checks.hpp"

#include <cstdint>  // std::int32_t
#include <vector>   // ids

namespace transaction_savepoints_test {

using ids = std::vector<std::int32_t>;
using transaction_test::require_idle_and_usable;

TEST_CASE("a nested transaction is a savepoint, the outermost is not", "[transaction][savepoint]")
{
    auto conn = typq_test::connect();
    typq::transaction outer(conn);
    typq::transaction inner(conn);
    typq::transaction innermost(conn);

    CHECK_FALSE(outer.is_savepoint());
    CHECK(inner.is_savepoint());
    CHECK(innermost.is_savepoint());
    CHECK(outer.active());
    CHECK(inner.active());
    CHECK(innermost.active());
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);

    innermost.commit();
    CHECK(innermost.is_savepoint());  // still says what it was
    CHECK_FALSE(innermost.active());
    CHECK(inner.active());
}

TEST_CASE("a committed savepoint's work is kept when the outer transaction commits", "[transaction][savepoint]")
{
    transaction_test::shared_table table("typq_tx_sp_commit");
    auto conn = typq_test::connect();

    typq::transaction outer(conn);
    table.insert(conn, 1);
    {
        typq::transaction inner(conn);
        table.insert(conn, 2);
        inner.commit();
        CHECK_FALSE(inner.active());
    }
    CHECK(table.ids(conn) == ids{1, 2});
    CHECK(table.committed_ids().empty());  // a released savepoint commits nothing by itself
    table.insert(conn, 3);
    outer.commit();

    CHECK(table.committed_ids() == ids{1, 2, 3});
    require_idle_and_usable(conn);
}

TEST_CASE("a committed savepoint's work is lost when the outer transaction rolls back", "[transaction][savepoint]")
{
    transaction_test::shared_table table("typq_tx_sp_outer_rollback");
    auto conn = typq_test::connect();

    {
        typq::transaction outer(conn);
        table.insert(conn, 1);
        typq::transaction inner(conn);
        table.insert(conn, 2);
        inner.commit();
        SECTION("by rollback()")
        { outer.rollback(); }
        SECTION("by its destructor")
        {}
    }

    CHECK(table.ids(conn).empty());
    CHECK(table.committed_ids().empty());
    require_idle_and_usable(conn);
}

TEST_CASE("a savepoint rolled back discards only its own work and the outer transaction commits the rest",
    "[transaction][savepoint]")
{
    transaction_test::shared_table table("typq_tx_sp_rollback");
    auto conn = typq_test::connect();

    typq::transaction outer(conn);
    table.insert(conn, 1);
    {
        typq::transaction inner(conn);
        table.insert(conn, 2);
        conn.execute(table.sql("DELETE FROM {t} WHERE id = 1"));
        CHECK(table.ids(conn) == ids{2});
        SECTION("by rollback()")
        {
            inner.rollback();
            CHECK_FALSE(inner.active());
            CHECK(table.ids(conn) == ids{1});
        }
        SECTION("by its destructor")
        {}
    }
    CHECK(table.ids(conn) == ids{1});
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    CHECK(outer.active());
    table.insert(conn, 3);
    outer.commit();

    CHECK(table.committed_ids() == ids{1, 3});
    require_idle_and_usable(conn);
}

TEST_CASE("savepoints nest three levels deep, each committing or rolling back on its own",
    "[transaction][savepoint]")
{
    transaction_test::shared_table table("typq_tx_sp_three");
    auto conn = typq_test::connect();

    typq::transaction level1(conn);
    table.insert(conn, 1);
    typq::transaction level2(conn);
    table.insert(conn, 2);
    typq::transaction level3(conn);
    table.insert(conn, 3);
    CHECK(table.ids(conn) == ids{1, 2, 3});

    SECTION("level 3 rolls back, level 2 and level 1 commit")
    {
        level3.rollback();
        CHECK(table.ids(conn) == ids{1, 2});
        table.insert(conn, 22);  // level 2 goes on after its savepoint
        level2.commit();
        level1.commit();
        CHECK(table.committed_ids() == ids{1, 2, 22});
    }
    SECTION("level 3 commits, level 2 rolls back with it, level 1 commits")
    {
        level3.commit();
        level2.rollback();
        CHECK(table.ids(conn) == ids{1});
        level1.commit();
        CHECK(table.committed_ids() == ids{1});
    }
    SECTION("all three commit")
    {
        level3.commit();
        level2.commit();
        level1.commit();
        CHECK(table.committed_ids() == ids{1, 2, 3});
    }
    SECTION("level 3 and level 2 commit, level 1 rolls back")
    {
        level3.commit();
        level2.commit();
        level1.rollback();
        CHECK(table.committed_ids().empty());
    }
    SECTION("a new savepoint after level 3 ended is level 3 again")
    {
        level3.rollback();
        typq::transaction again(conn);
        CHECK(again.is_savepoint());
        table.insert(conn, 33);
        again.commit();
        level2.commit();
        level1.commit();
        CHECK(table.committed_ids() == ids{1, 2, 33});
    }

    require_idle_and_usable(conn);
}

TEST_CASE("consecutive savepoints in one transaction are independent", "[transaction][savepoint]")
{
    transaction_test::shared_table table("typq_tx_sp_siblings");
    auto conn = typq_test::connect();

    typq::transaction outer(conn);
    for (std::int32_t id = 1; id <= 6; ++id) {
        typq::transaction step(conn);
        table.insert(conn, id);
        if (id % 2 == 0)
            step.commit();  // odd ids are rolled back by the destructor
    }
    outer.commit();

    CHECK(table.committed_ids() == ids{2, 4, 6});
    require_idle_and_usable(conn);
}

}  // namespace transaction_savepoints_test
