// SPDX-License-Identifier: BSL-1.0
// tests/errors/server_errors.cpp: real server errors become the class error.hpp's table names for
// their SQLSTATE, under the class for the SQLSTATE's class, under typq::server_error and
// typq::error; afterwards the connection goes on working.

#include "error_checks.hpp"

#include <cstdint>    // std::int32_t
#include <exception>  // std::exception_ptr
#include <string>     // statements built at run time
#include <thread>     // the two sides of a deadlock

namespace errors_server_errors_test {

using errors_test::require_server_error;
using errors_test::require_usable;
using errors_test::rethrow;
using errors_test::thrown_by;

// --- class 23: integrity constraint violations ----------------------------------------------------

TEST_CASE("a duplicate key is a unique_violation", "[errors][unique_violation]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE item (id int4 PRIMARY KEY)");
    conn.execute("INSERT INTO item VALUES (1)");

    std::exception_ptr thrown;
    SECTION("without parameters (simple protocol)")
    { thrown = thrown_by([&] { conn.execute("INSERT INTO item VALUES (1)"); }); }
    SECTION("with a parameter (extended protocol)")
    { thrown = thrown_by([&] { conn.execute("INSERT INTO item VALUES ($1)", 1); }); }

    require_server_error<typq::unique_violation, typq::integrity_constraint_violation>(thrown, "23505");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("duplicate key value violates unique constraint"));
    require_usable(conn);
}

TEST_CASE("a row referring to a missing parent is a foreign_key_violation", "[errors][foreign_key_violation]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE parent (id int4 PRIMARY KEY)");
    conn.execute("CREATE TEMP TABLE child (parent_id int4 REFERENCES parent (id))");

    std::exception_ptr thrown;
    SECTION("inserting a child without its parent")
    { thrown = thrown_by([&] { conn.execute("INSERT INTO child VALUES ($1)", 7); }); }
    SECTION("deleting a parent that still has a child")
    {
        conn.execute("INSERT INTO parent VALUES (7); INSERT INTO child VALUES (7)");
        thrown = thrown_by([&] { conn.execute("DELETE FROM parent"); });
    }

    require_server_error<typq::foreign_key_violation, typq::integrity_constraint_violation>(thrown, "23503");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("violates foreign key constraint"));
    require_usable(conn);
}

TEST_CASE("NULL in a NOT NULL column is a not_null_violation", "[errors][not_null_violation]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE person (name text NOT NULL)");

    const auto thrown = thrown_by([&] { conn.execute("INSERT INTO person VALUES (NULL)"); });

    require_server_error<typq::not_null_violation, typq::integrity_constraint_violation>(thrown, "23502");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("violates not-null constraint"));
    require_usable(conn);
}

TEST_CASE("a row failing a CHECK constraint is a check_violation", "[errors][check_violation]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE account (balance int4 CHECK (balance >= 0))");

    const auto thrown = thrown_by([&] { conn.execute("INSERT INTO account VALUES ($1)", -1); });

    require_server_error<typq::check_violation, typq::integrity_constraint_violation>(thrown, "23514");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("violates check constraint"));
    require_usable(conn);
}

// --- class 42: syntax errors and access rule violations -------------------------------------------

TEST_CASE("a missing table is an undefined_table", "[errors][undefined_table]")
{
    auto conn = typq_test::connect();

    std::exception_ptr thrown;
    SECTION("without parameters (simple protocol)")
    { thrown = thrown_by([&] { conn.execute("SELECT * FROM typq_no_such_table"); }); }
    SECTION("with a parameter (extended protocol)")
    { thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT $1::int4 FROM typq_no_such_table", 1); }); }

    require_server_error<typq::undefined_table, typq::syntax_error_or_access_rule_violation>(thrown, "42P01");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("\"typq_no_such_table\" does not exist"));
    require_usable(conn);
}

TEST_CASE("a missing column is an undefined_column", "[errors][undefined_column]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE item (id int4)");

    std::exception_ptr thrown;
    SECTION("without parameters (simple protocol)")
    { thrown = thrown_by([&] { conn.execute("SELECT no_such_column FROM item"); }); }
    SECTION("with a parameter (extended protocol)")
    { thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT no_such_column + $1 FROM item", 1); }); }

    require_server_error<typq::undefined_column, typq::syntax_error_or_access_rule_violation>(thrown, "42703");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("\"no_such_column\" does not exist"));
    require_usable(conn);
}

TEST_CASE("malformed SQL is a syntax_error", "[errors][syntax_error]")
{
    auto conn = typq_test::connect();

    std::exception_ptr thrown;
    SECTION("without parameters (simple protocol)")
    { thrown = thrown_by([&] { conn.execute("SELEC 1"); }); }
    SECTION("with a parameter (extended protocol)")
    { thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT $1 FROM WHERE", 1); }); }

    require_server_error<typq::syntax_error, typq::syntax_error_or_access_rule_violation>(thrown, "42601");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("syntax error at or near"));
    require_usable(conn);
}

TEST_CASE("a call to a missing function is an undefined_function", "[errors][undefined_function]")
{
    auto conn = typq_test::connect();

    std::exception_ptr thrown;
    SECTION("a name that no function has")
    { thrown = thrown_by([&] { conn.execute("SELECT typq_no_such_function(1)"); }); }
    SECTION("a known name with argument types it does not take")
    { thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT length($1::int4)", 1); }); }

    require_server_error<typq::undefined_function, typq::syntax_error_or_access_rule_violation>(thrown, "42883");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("does not exist"));
    require_usable(conn);
}

// --- class 22: data exceptions ----------------------------------------------------------------------

TEST_CASE("dividing by zero is a division_by_zero", "[errors][division_by_zero]")
{
    auto conn = typq_test::connect();

    std::exception_ptr thrown;
    SECTION("without parameters (simple protocol)")
    { thrown = thrown_by([&] { conn.execute("SELECT 1 / 0"); }); }
    SECTION("with a parameter (extended protocol)")
    { thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT 1 / $1", 0); }); }

    require_server_error<typq::division_by_zero, typq::data_exception>(thrown, "22012");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("division by zero"));
    require_usable(conn);
}

TEST_CASE("an integer overflow is a numeric_value_out_of_range", "[errors][numeric_value_out_of_range]")
{
    auto conn = typq_test::connect();

    std::exception_ptr thrown;
    SECTION("without parameters (simple protocol)")
    { thrown = thrown_by([&] { conn.execute("SELECT 2147483647::int4 + 1"); }); }
    SECTION("with a parameter (extended protocol)")
    { thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT $1 + 1", INT32_MAX); }); }

    require_server_error<typq::numeric_value_out_of_range, typq::data_exception>(thrown, "22003");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("integer out of range"));
    require_usable(conn);
}

TEST_CASE("text that is not a number is an invalid_text_representation", "[errors][invalid_text_representation]")
{
    auto conn = typq_test::connect();

    std::exception_ptr thrown;
    SECTION("a literal (simple protocol)")
    { thrown = thrown_by([&] { conn.execute("SELECT 'forty-two'::int4"); }); }
    SECTION("a text parameter the server must read as int4 (extended protocol)")
    { thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT $1::int4", std::string("forty-two")); }); }

    require_server_error<typq::invalid_text_representation, typq::data_exception>(thrown, "22P02");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("invalid input syntax for type integer"));
    require_usable(conn);
}

// --- classes 57, 40, P0, 25 ---------------------------------------------------------------------------

TEST_CASE("a statement stopped by statement_timeout is a query_canceled", "[errors][query_canceled]")
{
    auto conn = typq_test::connect();
    conn.execute("SET statement_timeout = '50ms'");

    const auto thrown = thrown_by([&] { conn.execute("SELECT pg_sleep(10)"); });

    require_server_error<typq::query_canceled, typq::operator_intervention>(thrown, "57014");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("canceling statement due to statement timeout"));
    conn.execute("RESET statement_timeout");
    require_usable(conn);
}

TEST_CASE("a serializable transaction that cannot be serialized fails with serialization_failure",
    "[errors][serialization_failure]")
{
    errors_test::shared_table table("typq_errors_serial", "id int4 PRIMARY KEY, on_call bool NOT NULL");
    table.owner().execute(table.sql("INSERT INTO {t} VALUES (1, true), (2, true)"));
    auto a = typq_test::connect();
    auto b = typq_test::connect();
    const typq::transaction_options serializable{typq::isolation_level::serializable, false, false};

    std::exception_ptr thrown;
    SECTION("a row updated by another transaction after the snapshot was taken")
    {
        typq::transaction tx(a, serializable);
        REQUIRE(a.query_value<std::int64_t>(table.sql("SELECT count(*) FROM {t}")) == 2);  // takes the snapshot
        b.execute(table.sql("UPDATE {t} SET on_call = false WHERE id = 1"));
        thrown = thrown_by([&] { a.execute(table.sql("UPDATE {t} SET on_call = false WHERE id = 1")); });
        CHECK(a.transaction_status() == typq::transaction_status::in_error);
        REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("could not serialize access due to concurrent update"));
    }
    SECTION("write skew: each transaction reads what the other writes")
    {
        typq::transaction tx_a(a, serializable);
        typq::transaction tx_b(b, serializable);
        const auto count_on_call = table.sql("SELECT count(*) FROM {t} WHERE on_call");
        REQUIRE(a.query_value<std::int64_t>(count_on_call) == 2);
        REQUIRE(b.query_value<std::int64_t>(count_on_call) == 2);
        a.execute(table.sql("UPDATE {t} SET on_call = false WHERE id = 1"));
        tx_a.commit();
        thrown = thrown_by([&] {
            b.execute(table.sql("UPDATE {t} SET on_call = false WHERE id = 2"));
            tx_b.commit();
        });
        REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("could not serialize access"));
    }

    require_server_error<typq::serialization_failure, typq::transaction_rollback>(thrown, "40001");
    require_usable(a);
    require_usable(b);
}

TEST_CASE("two transactions locking rows in opposite order end in one deadlock_detected",
    "[errors][deadlock_detected]")
{
    errors_test::shared_table table("typq_errors_deadlock", "id int4 PRIMARY KEY, v int4 NOT NULL");
    table.owner().execute(table.sql("INSERT INTO {t} VALUES (1, 0), (2, 0)"));
    auto a = typq_test::connect();
    auto b = typq_test::connect();
    for (typq::connection* conn : {&a, &b}) {
        // Bounded: a missed deadlock ends in lock_not_available after 10 s, never a hang.
        conn->execute("SET lock_timeout = '10s'");
        if (conn->query_value<std::string>("SHOW is_superuser") == "on")
            conn->execute("SET deadlock_timeout = '50ms'");
    }
    const auto update = [&table](int id) { return table.sql("UPDATE {t} SET v = v + 1 WHERE id = " + std::to_string(id)); };

    std::exception_ptr thrown_a;
    std::exception_ptr thrown_b;
    {
        typq::transaction tx_a(a);
        typq::transaction tx_b(b);
        a.execute(update(1));
        b.execute(update(2));
        std::thread side_a([&] { thrown_a = thrown_by([&] { a.execute(update(2)); }); });
        std::thread side_b([&] { thrown_b = thrown_by([&] { b.execute(update(1)); }); });
        side_a.join();
        side_b.join();
    }

    const bool a_failed = static_cast<bool>(thrown_a);
    const bool b_failed = static_cast<bool>(thrown_b);
    CAPTURE(a_failed, b_failed);
    REQUIRE(a_failed != b_failed);  // exactly one side is chosen as the victim
    const auto thrown = a_failed ? thrown_a : thrown_b;
    require_server_error<typq::deadlock_detected, typq::transaction_rollback>(thrown, "40P01");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("deadlock detected"));
    require_usable(a);
    require_usable(b);
}

TEST_CASE("RAISE EXCEPTION in PL/pgSQL is a raise_exception", "[errors][raise_exception]")
{
    auto conn = typq_test::connect();

    std::exception_ptr thrown;
    SECTION("with the default code")
    {
        thrown = thrown_by([&] {
            conn.execute("DO $$ BEGIN RAISE EXCEPTION 'stock is short by %', 3 "
                         "USING DETAIL = 'only 2 left', HINT = 'order fewer'; END $$");
        });
    }
    SECTION("with ERRCODE given as a condition name")
    {
        thrown = thrown_by([&] {
            conn.execute("DO $$ BEGIN RAISE EXCEPTION 'stock is short by %', 3 "
                         "USING ERRCODE = 'raise_exception', DETAIL = 'only 2 left', HINT = 'order fewer'; END $$");
        });
    }
    SECTION("with ERRCODE given as a code")
    {
        thrown = thrown_by([&] {
            conn.execute("DO $$ BEGIN RAISE EXCEPTION 'stock is short by %', 3 "
                         "USING ERRCODE = 'P0001', DETAIL = 'only 2 left', HINT = 'order fewer'; END $$");
        });
    }

    require_server_error<typq::raise_exception, typq::plpgsql_error>(thrown, "P0001");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("stock is short by 3"));
    try {
        rethrow(thrown);
    }
    catch (const typq::raise_exception& e) {
        CHECK(e.message_primary() == "stock is short by 3");
        CHECK(e.detail() == "only 2 left");
        CHECK(e.hint() == "order fewer");
    }
    require_usable(conn);
}

TEST_CASE("writing in a read-only transaction is a read_only_sql_transaction", "[errors][read_only_sql_transaction]")
{
    auto conn = typq_test::connect();
    conn.execute("SET default_transaction_read_only = on");

    const auto thrown = thrown_by([&] { conn.execute("CREATE TEMP TABLE item (id int4)"); });

    require_server_error<typq::read_only_sql_transaction, typq::invalid_transaction_state>(thrown, "25006");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("read-only transaction"));
    conn.execute("SET default_transaction_read_only = off");
    require_usable(conn);
}

// --- codes without a class of their own ---------------------------------------------------------------

TEST_CASE("a code without its own class is thrown as the class for its SQLSTATE class", "[errors][fallback]")
{
    auto conn = typq_test::connect();
    const auto raise = [&conn](const std::string& code) {
        return thrown_by([&] {
            conn.execute(typq::runtime("DO $$ BEGIN RAISE EXCEPTION 'raised with %', '" + code + "' USING ERRCODE = '"
                + code + "'; END $$"));
        });
    };

    SECTION("22P06 nonstandard_use_of_escape_character is a data_exception")
    { require_server_error<typq::data_exception, typq::data_exception>(raise("22P06"), "22P06"); }
    SECTION("2200H sequence_generator_limit_exceeded is a data_exception")
    { require_server_error<typq::data_exception, typq::data_exception>(raise("2200H"), "2200H"); }
    SECTION("23503 as a RAISE is still a foreign_key_violation")
    { require_server_error<typq::foreign_key_violation, typq::integrity_constraint_violation>(raise("23503"), "23503"); }
    SECTION("42P10 invalid_column_reference is a syntax_error_or_access_rule_violation")
    {
        require_server_error<typq::syntax_error_or_access_rule_violation, typq::syntax_error_or_access_rule_violation>(
            raise("42P10"), "42P10");
    }
    SECTION("40003 statement_completion_unknown is a transaction_rollback")
    { require_server_error<typq::transaction_rollback, typq::transaction_rollback>(raise("40003"), "40003"); }
    SECTION("38001 containing_sql_not_permitted, of a class typq has no class for, is a server_error")
    { require_server_error<typq::server_error, typq::server_error>(raise("38001"), "38001"); }
    SECTION("ZZ001, a code of no class PostgreSQL knows, is a server_error")
    { require_server_error<typq::server_error, typq::server_error>(raise("ZZ001"), "ZZ001"); }

    require_usable(conn);
}

TEST_CASE("a WARNING or NOTICE from the server is not an error", "[errors][notice]")
{
    auto conn = typq_test::connect();
    CHECK_NOTHROW(conn.execute("DO $$ BEGIN RAISE WARNING 'just a warning' USING ERRCODE = '01000'; END $$"));
    CHECK_NOTHROW(conn.execute("DO $$ BEGIN RAISE NOTICE 'just a notice'; END $$"));
    CHECK_NOTHROW(conn.execute("ROLLBACK"));  // outside a transaction: a WARNING only
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4", 7) == 7);
    require_usable(conn);
}

}  // namespace errors_server_errors_test
