// SPDX-License-Identifier: BSL-1.0
// tests/errors/diagnostics.cpp: a server_error keeps every diagnostic field the server sent, and
// its what() says what failed (primary message and SQLSTATE) without the DETAIL's row values.

#include "error_checks.hpp"

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int32_t
#include <exception>    // std::exception_ptr
#include <stdexcept>    // std::runtime_error, typq::error's base
#include <string>       // expected texts
#include <string_view>  // counting characters
#include <type_traits>  // nothrow copies

namespace errors_diagnostics_test {

using errors_test::require_server_error;
using errors_test::require_usable;
using errors_test::rethrow;
using errors_test::thrown_by;

// The session's temporary schema, as the server names it (pg_temp_N).
std::string temp_schema(typq::connection& conn)
{
    return conn.query_value<std::string>("SELECT nspname::text FROM pg_namespace WHERE oid = pg_my_temp_schema()");
}

// A value that must never appear in what(): it stands for a password or a card number.
constexpr const char* secret = "s3cret-4111-1111";

TEST_CASE("a unique violation names the schema, table and constraint, and the key in its detail only",
    "[errors][diagnostic]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE account (id int4, token text CONSTRAINT account_token_key UNIQUE)");
    conn.execute("INSERT INTO account VALUES ($1, $2)", 1, std::string(secret));

    const auto thrown = thrown_by([&] { conn.execute("INSERT INTO account VALUES ($1, $2)", 2, std::string(secret)); });

    require_server_error<typq::unique_violation, typq::integrity_constraint_violation>(thrown, "23505");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("\"account_token_key\""));
    REQUIRE_THROWS_WITH(rethrow(thrown), !Catch::Contains(secret));
    try {
        rethrow(thrown);
    }
    catch (const typq::unique_violation& e) {
        CHECK(e.schema_name() == temp_schema(conn));
        CHECK(e.table_name() == "account");
        CHECK(e.constraint_name() == "account_token_key");
        CHECK(e.constraint_name()
              == conn.query_value<std::string>(
                  "SELECT conname::text FROM pg_constraint WHERE conrelid = 'account'::regclass AND contype = 'u'"));
        CHECK(e.detail() == std::string("Key (token)=(") + secret + ") already exists.");
        CHECK(e.severity() == "ERROR");
        CHECK_THAT(e.what(), Catch::Contains(e.message_primary()) && Catch::Contains("23505"));
        CHECK_THAT(e.what(), !Catch::Contains(e.detail()) && !Catch::Contains(secret));
    }
    require_usable(conn);
}

TEST_CASE("a not-null violation names the column, and the failing row only in its detail", "[errors][diagnostic]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE person (name text, email text NOT NULL)");

    const auto thrown = thrown_by([&] { conn.execute("INSERT INTO person (name) VALUES ($1)", std::string(secret)); });

    require_server_error<typq::not_null_violation, typq::integrity_constraint_violation>(thrown, "23502");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("\"email\""));
    REQUIRE_THROWS_WITH(rethrow(thrown), !Catch::Contains(secret));
    try {
        rethrow(thrown);
    }
    catch (const typq::not_null_violation& e) {
        CHECK(e.column_name() == "email");
        CHECK(e.table_name() == "person");
        CHECK(e.schema_name() == temp_schema(conn));
        CHECK(e.constraint_name().empty());
        CHECK_THAT(e.detail(), Catch::Contains("Failing row contains") && Catch::Contains(secret));
        CHECK_THAT(e.what(), !Catch::Contains(secret));
    }
    require_usable(conn);
}

TEST_CASE("a foreign key violation names the constraint and the missing key only in its detail",
    "[errors][diagnostic]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE parent (id int4 PRIMARY KEY)");
    conn.execute("CREATE TEMP TABLE child (parent_id int4 CONSTRAINT child_parent_fk REFERENCES parent (id))");

    const auto thrown = thrown_by([&] { conn.execute("INSERT INTO child VALUES ($1)", 424242); });

    require_server_error<typq::foreign_key_violation, typq::integrity_constraint_violation>(thrown, "23503");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("\"child_parent_fk\""));
    REQUIRE_THROWS_WITH(rethrow(thrown), !Catch::Contains("424242"));
    try {
        rethrow(thrown);
    }
    catch (const typq::foreign_key_violation& e) {
        CHECK(e.table_name() == "child");
        CHECK(e.constraint_name() == "child_parent_fk");
        CHECK(e.detail() == "Key (parent_id)=(424242) is not present in table \"parent\".");
    }
    require_usable(conn);
}

TEST_CASE("a domain's check violation names the data type", "[errors][diagnostic]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE DOMAIN pg_temp.positive AS int4 CONSTRAINT positive_check CHECK (VALUE > 0)");

    const auto thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT $1::int4::pg_temp.positive::int4", -5); });

    require_server_error<typq::check_violation, typq::integrity_constraint_violation>(thrown, "23514");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("\"positive_check\""));
    try {
        rethrow(thrown);
    }
    catch (const typq::check_violation& e) {
        CHECK(e.datatype_name() == "positive");
        CHECK(e.schema_name() == temp_schema(conn));
        CHECK(e.constraint_name() == "positive_check");
        CHECK(e.table_name().empty());
    }
    require_usable(conn);
}

TEST_CASE("a syntax error gives its 1-based character position in the statement", "[errors][diagnostic]")
{
    auto conn = typq_test::connect();
    // The position counts characters, not bytes: every character before the error here but the
    // spaces and quotes takes two bytes in UTF-8.
    const std::string statement = "SELECT 'ÀÉÎÕÜ' FROM WHERE";
    const std::size_t bytes_before = statement.find("WHERE");
    std::size_t characters_before = 0;
    for (std::size_t i = 0; i < bytes_before; ++i)
        if ((static_cast<unsigned char>(statement[i]) & 0xC0) != 0x80)
            ++characters_before;
    REQUIRE(characters_before < bytes_before);

    std::exception_ptr thrown;
    SECTION("without parameters (simple protocol)")
    { thrown = thrown_by([&] { conn.execute(typq::runtime(statement)); }); }
    SECTION("through the extended protocol")
    { thrown = thrown_by([&] { (void)conn.query<std::string>(typq::runtime(statement)); }); }

    require_server_error<typq::syntax_error, typq::syntax_error_or_access_rule_violation>(thrown, "42601");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("syntax error at or near \"WHERE\""));
    try {
        rethrow(thrown);
    }
    catch (const typq::syntax_error& e) {
        CHECK(e.statement_position() == static_cast<int>(characters_before) + 1);
        CHECK(e.internal_position() == 0);
        CHECK(e.internal_query().empty());
    }
    require_usable(conn);
}

TEST_CASE("a syntax error in SQL run by PL/pgSQL gives the internal query and position", "[errors][diagnostic]")
{
    auto conn = typq_test::connect();
    const std::string inner = "SELECT 1 FROM WHERE";

    const auto thrown = thrown_by([&] { conn.execute(typq::runtime("DO $$ BEGIN EXECUTE '" + inner + "'; END $$")); });

    require_server_error<typq::syntax_error, typq::syntax_error_or_access_rule_violation>(thrown, "42601");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("syntax error"));
    try {
        rethrow(thrown);
    }
    catch (const typq::syntax_error& e) {
        CHECK(e.internal_query() == inner);
        CHECK(e.internal_position() == static_cast<int>(inner.find("WHERE")) + 1);
        CHECK(e.statement_position() == 0);
        CHECK_THAT(e.context(), Catch::Contains("PL/pgSQL function"));
    }
    require_usable(conn);
}

TEST_CASE("RAISE EXCEPTION's DETAIL and HINT reach detail() and hint(), not what()", "[errors][diagnostic]")
{
    auto conn = typq_test::connect();

    const auto thrown = thrown_by([&] {
        conn.execute("DO $$ BEGIN RAISE EXCEPTION 'payment refused' USING ERRCODE = 'P0001', "
                     "DETAIL = 'card 4111-1111 expired', HINT = 'ask for another card'; END $$");
    });

    require_server_error<typq::raise_exception, typq::plpgsql_error>(thrown, "P0001");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("payment refused"));
    REQUIRE_THROWS_WITH(rethrow(thrown), !Catch::Contains("4111") && !Catch::Contains("another card"));
    try {
        rethrow(thrown);
    }
    catch (const typq::raise_exception& e) {
        CHECK(e.message_primary() == "payment refused");
        CHECK(e.detail() == "card 4111-1111 expired");
        CHECK(e.hint() == "ask for another card");
        CHECK(e.severity() == "ERROR");
        CHECK(std::string_view(e.what()) == "payment refused (SQLSTATE P0001)");
        CHECK_THAT(e.context(), Catch::Contains("PL/pgSQL function inline_code_block"));
        CHECK_FALSE(e.diag().source_file.empty());
        CHECK_FALSE(e.diag().source_function.empty());
        CHECK(e.diag().source_line > 0);
    }
    require_usable(conn);
}

TEST_CASE("a RAISE naming a column, constraint, data type, table and schema fills those fields", "[errors][diagnostic]")
{
    auto conn = typq_test::connect();

    const auto thrown = thrown_by([&] {
        conn.execute("DO $$ BEGIN RAISE EXCEPTION 'bad row' USING ERRCODE = 'check_violation', "
                     "COLUMN = 'c', CONSTRAINT = 'k', DATATYPE = 'd', TABLE = 't', SCHEMA = 's'; END $$");
    });

    require_server_error<typq::check_violation, typq::integrity_constraint_violation>(thrown, "23514");
    REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("bad row"));
    try {
        rethrow(thrown);
    }
    catch (const typq::server_error& e) {
        CHECK(e.column_name() == "c");
        CHECK(e.constraint_name() == "k");
        CHECK(e.datatype_name() == "d");
        CHECK(e.table_name() == "t");
        CHECK(e.schema_name() == "s");
        CHECK(e.detail().empty());
        CHECK(e.hint().empty());
    }
    require_usable(conn);
}

TEST_CASE("exceptions copy without throwing and the copy keeps the whole diagnosis", "[errors][diagnostic]")
{
    STATIC_REQUIRE(std::is_nothrow_copy_constructible_v<typq::server_error>);
    STATIC_REQUIRE(std::is_nothrow_copy_constructible_v<typq::unique_violation>);
    STATIC_REQUIRE(std::is_nothrow_copy_constructible_v<typq::connection_error>);
    STATIC_REQUIRE(std::is_nothrow_copy_constructible_v<typq::conversion_error>);
    STATIC_REQUIRE(std::is_base_of_v<typq::error, typq::connection_error>);
    STATIC_REQUIRE_FALSE(std::is_base_of_v<typq::server_error, typq::connection_error>);
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, typq::error>);

    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE item (id int4 CONSTRAINT item_key PRIMARY KEY)");
    conn.execute("INSERT INTO item VALUES (1)");
    try {
        conn.execute("INSERT INTO item VALUES (1)");
        FAIL("no exception");
    }
    catch (const typq::unique_violation& e) {
        const typq::unique_violation copy = e;  // NOLINT(performance-unnecessary-copy-initialization)
        CHECK(std::string_view(copy.what()) == e.what());
        CHECK(copy.sqlstate() == "23505");
        CHECK(copy.constraint_name() == "item_key");
        CHECK(copy.detail() == e.detail());
        CHECK(&copy.diag() == &e.diag());  // shared, not copied
    }
}

}  // namespace errors_diagnostics_test
