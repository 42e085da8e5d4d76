// SPDX-License-Identifier: BSL-1.0
// tests/asio/transactions.cpp: typq::async_transaction: commit and rollback as the oracle (a
// second connection) sees them, nested transactions as savepoints, the options of BEGIN,
// async_connection::transaction(body) (committed on success, rolled back when the body throws,
// the exception passed on), and transactions whose coroutine let them go while open: rolled back
// by the connection's next operation, a nested one only to its savepoint.

#include "asio_checks.hpp"

#include <cstdint>    // std::int32_t
#include <stdexcept>  // the body's own exception
#include <string>     // settings
#include <tuple>      // execute_many's rows
#include <vector>     // ids

namespace asio_transactions_test {

using asio_test::asio::awaitable;
using asio_test::body_failed;
using asio_test::connect;
using asio_test::describe;
using asio_test::is_exactly;
using asio_test::run;
using asio_test::shared_table;
using asio_test::thrown_by;
using ids = std::vector<std::int32_t>;

awaitable<void> insert(typq::async_connection& conn, shared_table& table, std::int32_t id)
{
    (void)co_await conn.execute(table.sql("INSERT INTO {t} (id) VALUES ($1)"), id);
}

TEST_CASE("begin, commit: the oracle sees the rows only once committed, rollback: never", "[asio][transaction]")
{
    shared_table table("tx_commit");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        auto tx = co_await conn.begin();
        CHECK(tx.active());
        CHECK_FALSE(tx.is_savepoint());
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        co_await insert(conn, table, 1);
        co_await insert(conn, table, 2);
        CHECK(table.ids().empty());  // not yet

        SECTION("commit")
        {
            co_await tx.commit();
            CHECK(table.ids() == ids{1, 2});
        }
        SECTION("rollback")
        {
            co_await tx.rollback();
            CHECK(table.ids().empty());
        }
        CHECK_FALSE(tx.active());
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        // An ended transaction cannot end again.
        const auto again = co_await thrown_by(tx.commit());
        CHECK(is_exactly<typq::usage_error>(again));
        // Outside a transaction a statement commits at once.
        co_await insert(conn, table, 3);
        CHECK(table.ids().back() == 3);
        co_return;
    });
}

TEST_CASE("a failed transaction's commit commits nothing: in_failed_sql_transaction", "[asio][transaction]")
{
    shared_table table("tx_failed");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        auto tx = co_await conn.begin();
        co_await insert(conn, table, 1);
        const auto duplicate = co_await thrown_by(insert(conn, table, 1));
        CHECK(is_exactly<typq::unique_violation>(duplicate));
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
        const auto refused = co_await thrown_by(conn.execute("SELECT 1"));
        CHECK(is_exactly<typq::in_failed_sql_transaction>(refused));
        const auto committed = co_await thrown_by(tx.commit());
        CAPTURE(describe(committed));
        CHECK(is_exactly<typq::in_failed_sql_transaction>(committed));
        CHECK_FALSE(tx.active());
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(table.ids().empty());
        co_return;
    });
}

TEST_CASE("a commit that the server refuses (a deferred constraint) throws its error, nothing is committed",
    "[asio][transaction]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        (void)co_await conn.execute("CREATE TEMP TABLE deferred (id int4 UNIQUE DEFERRABLE INITIALLY DEFERRED)");
        auto tx = co_await conn.begin();
        (void)co_await conn.execute("INSERT INTO deferred VALUES ($1)", 1);
        (void)co_await conn.execute("INSERT INTO deferred VALUES ($1)", 1);  // checked at COMMIT
        const auto thrown = co_await thrown_by(tx.commit());
        CAPTURE(describe(thrown));
        CHECK(is_exactly<typq::unique_violation>(thrown));
        CHECK_FALSE(tx.active());
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        const auto rows = co_await conn.query_value<std::int64_t>("SELECT count(*) FROM deferred");
        CHECK(rows == 0);
        co_return;
    });
}

TEST_CASE("nested transactions are savepoints: committed into the outer one, or rolled back alone",
    "[asio][transaction][savepoint]")
{
    shared_table table("tx_nested");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        auto outer = co_await conn.begin();
        co_await insert(conn, table, 1);
        {
            auto inner = co_await conn.begin();
            CHECK(inner.is_savepoint());
            co_await insert(conn, table, 2);
            // Only the innermost ends.
            const auto early = co_await thrown_by(outer.commit());
            CHECK(is_exactly<typq::usage_error>(early));
            co_await inner.commit();
        }
        {
            auto inner = co_await conn.begin();
            co_await insert(conn, table, 3);
            {
                auto innermost = co_await conn.begin();
                co_await insert(conn, table, 4);
                co_await innermost.commit();
            }
            co_await inner.rollback();  // 3 and 4
        }
        {
            // A failure inside a savepoint: rolled back to it, the outer transaction goes on.
            auto inner = co_await conn.begin();
            const auto duplicate = co_await thrown_by(insert(conn, table, 1));
            CHECK(is_exactly<typq::unique_violation>(duplicate));
            CHECK(conn.transaction_status() == typq::transaction_status::in_error);
            co_await inner.rollback();
            CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        }
        co_await insert(conn, table, 5);
        CHECK(table.ids().empty());
        co_await outer.commit();
        CHECK(table.ids() == ids{1, 2, 5});
        co_return;
    });
}

TEST_CASE("transaction options: isolation, read only, deferrable, a nested transaction takes none",
    "[asio][transaction][options]")
{
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        {
            auto tx = co_await conn.begin({.isolation = typq::isolation_level::serializable, .read_only = true,
                .deferrable = true});
            const auto isolation = co_await conn.query_value<std::string>("SELECT current_setting('transaction_isolation')");
            CHECK(isolation == "serializable");
            const auto read_only = co_await conn.query_value<std::string>("SELECT current_setting('transaction_read_only')");
            CHECK(read_only == "on");
            const auto deferrable = co_await conn.query_value<std::string>("SELECT current_setting('transaction_deferrable')");
            CHECK(deferrable == "on");
            const auto write = co_await thrown_by(conn.execute("CREATE TEMP TABLE nope (id int4)"));
            CHECK(is_exactly<typq::read_only_sql_transaction>(write));
            co_await tx.rollback();
        }
        {
            auto tx = co_await conn.begin({.isolation = typq::isolation_level::repeatable_read});
            const auto isolation = co_await conn.query_value<std::string>("SELECT current_setting('transaction_isolation')");
            CHECK(isolation == "repeatable read");
            const auto read_only = co_await conn.query_value<std::string>("SELECT current_setting('transaction_read_only')");
            CHECK(read_only == "off");
            const auto nested = co_await thrown_by(conn.begin({.read_only = true}));
            CAPTURE(describe(nested));
            CHECK(is_exactly<typq::usage_error>(nested));
            // The refused savepoint changed nothing: the outer transaction is still the innermost.
            CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
            co_await tx.commit();
        }
        const auto isolation = co_await conn.query_value<std::string>("SELECT current_setting('transaction_isolation')");
        CHECK(isolation == "read committed");
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        co_return;
    });
}

TEST_CASE("conn.transaction(body): committed when the body returns, rolled back when it throws, the exception passed on",
    "[asio][transaction][body]")
{
    shared_table table("tx_body");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();

        const auto value = co_await conn.transaction([&]() -> awaitable<std::int32_t> {
            co_await insert(conn, table, 1);
            co_await insert(conn, table, 2);
            co_return 42;
        });
        CHECK(value == 42);
        CHECK(table.ids() == ids{1, 2});

        co_await conn.transaction([&]() -> awaitable<void> {
            co_await insert(conn, table, 3);
            co_return;
        });
        CHECK(table.ids() == ids{1, 2, 3});

        const auto thrown = co_await thrown_by(conn.transaction([&]() -> awaitable<void> {
            co_await insert(conn, table, 4);
            throw body_failed("the body failed");
        }));
        CAPTURE(describe(thrown));
        CHECK(is_exactly<body_failed>(thrown));
        CHECK(table.ids() == ids{1, 2, 3});
        CHECK(conn.transaction_status() == typq::transaction_status::idle);

        // A server error in the body: the same.
        const auto duplicate = co_await thrown_by(conn.transaction([&]() -> awaitable<void> {
            co_await insert(conn, table, 5);
            co_await insert(conn, table, 1);
        }));
        CHECK(is_exactly<typq::unique_violation>(duplicate));
        CHECK(table.ids() == ids{1, 2, 3});
        CHECK(conn.transaction_status() == typq::transaction_status::idle);

        // Nested: the inner body's failure rolls back its savepoint only.
        co_await conn.transaction([&]() -> awaitable<void> {
            co_await insert(conn, table, 6);
            const auto inner = co_await thrown_by(conn.transaction([&]() -> awaitable<void> {
                co_await insert(conn, table, 7);
                throw body_failed("inner");
            }));
            CHECK(is_exactly<body_failed>(inner));
            CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        });
        CHECK(table.ids() == ids{1, 2, 3, 6});
        co_return;
    });
}

TEST_CASE("a transaction let go while open is rolled back by the connection's next operation",
    "[asio][transaction][abandon]")
{
    enum class how { thrown, returned, failed };
    const how let_go_by = GENERATE(how::thrown, how::returned, how::failed);
    CAPTURE(static_cast<int>(let_go_by));
    shared_table table("tx_abandoned");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        const auto let_go = [&]() -> awaitable<void> {
            auto tx = co_await conn.begin();
            co_await insert(conn, table, 1);
            if (let_go_by == how::thrown)
                throw body_failed("gone");
            if (let_go_by == how::failed)
                co_await insert(conn, table, 1);  // a unique_violation
        };
        const auto thrown = co_await thrown_by(let_go());
        CAPTURE(describe(thrown));
        CHECK((thrown != nullptr) == (let_go_by != how::returned));
        // Nothing ran since: the server still has the transaction open.
        CHECK(conn.transaction_status() != typq::transaction_status::idle);
        CHECK(table.ids().empty());

        SECTION("the next operation is a script")
        {
            const auto n = co_await conn.execute(table.sql("SELECT FROM {t}"));
            CHECK(n == 0);
        }
        SECTION("the next operation is a statement with parameters, which runs outside any transaction")
        {
            co_await insert(conn, table, 2);
            CHECK(table.ids() == ids{2});  // committed at once: no transaction left open
        }
        SECTION("the next operation is a query")
        {
            const auto n = co_await conn.query_value<std::int64_t>(table.sql("SELECT count(*) FROM {t}"));
            CHECK(n == 0);
        }
        SECTION("the next operation begins a transaction")
        {
            auto tx = co_await conn.begin();
            CHECK_FALSE(tx.is_savepoint());
            co_await insert(conn, table, 3);
            co_await tx.commit();
            CHECK(table.ids() == ids{3});
        }
        SECTION("the next operation is execute_many")
        {
            const std::vector<std::tuple<std::int32_t>> rows{{10}, {11}};
            const auto n = co_await conn.execute_many(table.sql("INSERT INTO {t} (id) VALUES ($1)"), rows);
            CHECK(n == 2);
            CHECK(table.ids() == ids{10, 11});
        }
        SECTION("the next operation is prepare")
        {
            const auto count = co_await conn.prepare<>("SELECT count(*) FROM pg_prepared_statements");
            const auto n = co_await conn.query_value<std::int64_t>(count);
            CHECK(n == 1);
        }
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(asio_test::backend_state(table.oracle(), pid) == "idle");
        const auto one = co_await conn.execute(table.sql("SELECT FROM {t} WHERE id = 1"));
        CHECK(one == 0);
        co_return;
    });
}

TEST_CASE("a nested transaction let go while open is rolled back to its savepoint only", "[asio][transaction][abandon]")
{
    shared_table table("tx_abandoned_nested");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        auto outer = co_await conn.begin();
        co_await insert(conn, table, 1);
        const auto let_go = [&]() -> awaitable<void> {
            auto inner = co_await conn.begin();
            co_await insert(conn, table, 2);
            throw body_failed("gone");
        };
        const auto thrown = co_await thrown_by(let_go());
        CHECK(is_exactly<body_failed>(thrown));

        SECTION("then the outer transaction goes on and commits")
        {
            co_await insert(conn, table, 3);
            CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
            co_await outer.commit();
            CHECK(table.ids() == ids{1, 3});
        }
        SECTION("then the outer transaction commits at once")
        {
            co_await outer.commit();
            CHECK(table.ids() == ids{1});
        }
        SECTION("then another nested transaction")
        {
            auto again = co_await conn.begin();
            CHECK(again.is_savepoint());
            co_await insert(conn, table, 4);
            co_await again.commit();
            co_await outer.commit();
            CHECK(table.ids() == ids{1, 4});
        }
        SECTION("then the outer transaction is let go too")
        {
            {
                auto gone = std::move(outer);
            }
            const auto n = co_await conn.execute(table.sql("SELECT FROM {t}"));
            CHECK(n == 0);
            CHECK(table.ids().empty());
        }
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        co_return;
    });
}

}  // namespace asio_transactions_test
