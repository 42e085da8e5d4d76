// SPDX-License-Identifier: BSL-1.0
// tests/reliability/bad_input.cpp: bad input from the caller gives one clear error, and the
// connection goes on working: text that is not UTF-8 (the server refuses it), text with a NUL
// (typq refuses it before sending), values out of range for the target column, and a query whose
// row count is not the one asked for.

#include "reliability_env.hpp"

#include <cstdint>      // fixed-width integers
#include <exception>    // std::exception_ptr
#include <optional>     // query_opt
#include <string>       // text parameters
#include <string_view>  // text parameters
#include <tuple>        // a tuple row
#include <vector>       // a text[] parameter

namespace reliability_bad_input_test {

using reliability_test::caught_as;
using reliability_test::require_exactly;
using typq_test::thrown_by;

// The connection goes on working, outside any transaction.
void require_usable(typq::connection& conn)
{
    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(conn.query_value<std::string>("SELECT $1::text || 'b'", std::string("a")) == "ab");
}

struct pair_row {
    std::int32_t a;
    std::int32_t b;
};

// --- text that is not UTF-8 -------------------------------------------------------------------------

TEST_CASE("text that is not valid UTF-8 is refused by the server with character_not_in_repertoire",
    "[reliability][utf8]")
{
    auto conn = typq_test::connect();
    // A lone continuation byte, a truncated sequence, an overlong encoding, a UTF-16 surrogate.
    const std::string bad = GENERATE(as<std::string>{}, "\x80", "ab\xc3", "\xc0\xaf", "\xed\xa0\x80", "ok\xff");
    CAPTURE(bad);

    std::exception_ptr thrown;
    SECTION("a std::string parameter (sent as text)")
    { thrown = thrown_by([&] { (void)conn.query_value<std::string>("SELECT $1::text", bad); }); }
    SECTION("a std::string_view parameter")
    { thrown = thrown_by([&] { (void)conn.query_value<std::string>("SELECT $1::text", std::string_view(bad)); }); }
    SECTION("a const char* parameter")
    { thrown = thrown_by([&] { (void)conn.query_value<std::string>("SELECT $1::text", bad.c_str()); }); }
    SECTION("an element of a text[] parameter (sent in binary)")
    {
        const std::vector<std::string> values{"fine", bad};
        thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT cardinality($1::text[])", values); });
    }
    SECTION("in the statement's own text")
    { thrown = thrown_by([&] { (void)conn.query_value<std::string>(typq::runtime("SELECT '" + bad + "'::text")); }); }

    require_exactly<typq::character_not_in_repertoire>(thrown, "invalid byte sequence for encoding \"UTF8\"");
    CHECK(caught_as<typq::character_not_in_repertoire>(thrown).sqlstate() == "22021");
    require_usable(conn);
}

// --- NUL in text ------------------------------------------------------------------------------------

TEST_CASE("text with a NUL byte is refused by typq before anything is sent", "[reliability][nul]")
{
    auto conn = typq_test::connect();
    const std::string with_nul("ab\0cd", 5);

    SECTION("a std::string parameter")
    {
        const auto thrown = thrown_by([&] { (void)conn.query_value<std::string>("SELECT $1::text", with_nul); });
        require_exactly<typq::conversion_error>(thrown, "parameter $1 (std::string)");
        REQUIRE_THROWS_WITH(typq_test::rethrow(thrown),
            Catch::Contains("text contains a NUL byte at offset 2, which PostgreSQL text cannot hold"));
    }
    SECTION("a std::string_view parameter, after other parameters")
    {
        const auto thrown = thrown_by(
            [&] { (void)conn.query_value<std::string>("SELECT $1::text || $2::text", "x", std::string_view(with_nul)); });
        require_exactly<typq::conversion_error>(thrown, "parameter $2 (std::string_view)");
        REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Catch::Contains("NUL byte at offset 2"));
    }
    SECTION("an element of a text[] parameter")
    {
        const std::vector<std::string> values{"fine", with_nul};
        const auto thrown = thrown_by([&] { conn.execute("SELECT $1::text[]", values); });
        require_exactly<typq::conversion_error>(thrown, "parameter $1");
        REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Catch::Contains("NUL byte at offset 2"));
    }
    SECTION("inside a transaction, which stays usable (nothing reached the server)")
    {
        typq::transaction tx(conn);
        REQUIRE_THROWS_AS(conn.execute("SELECT $1::text", with_nul), typq::conversion_error);
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
        tx.commit();
    }
    require_usable(conn);
}

// --- values out of range for the target column ------------------------------------------------------

TEST_CASE("a value out of range for its target column is refused by the server with the SQLSTATE's class",
    "[reliability][range]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE target (s smallint, i integer, n numeric(5, 2), v varchar(3))");

    SECTION("70000 (int4) into a smallint column")
    {
        const auto thrown = thrown_by([&] { conn.execute("INSERT INTO target (s) VALUES ($1)", std::int32_t{70000}); });
        require_exactly<typq::numeric_value_out_of_range>(thrown, "smallint out of range");
        CHECK(caught_as<typq::numeric_value_out_of_range>(thrown).sqlstate() == "22003");
    }
    SECTION("-32769 (int8) into a smallint column")
    {
        const auto thrown = thrown_by([&] { conn.execute("INSERT INTO target (s) VALUES ($1)", std::int64_t{-32769}); });
        require_exactly<typq::numeric_value_out_of_range>(thrown, "smallint out of range");
    }
    SECTION("2^31 (int8) into an integer column")
    {
        const auto thrown =
            thrown_by([&] { conn.execute("INSERT INTO target (i) VALUES ($1)", std::int64_t{2147483648}); });
        require_exactly<typq::numeric_value_out_of_range>(thrown, "integer out of range");
    }
    SECTION("\"70000\" as text into a smallint column (the server parses it)")
    {
        const auto thrown = thrown_by([&] { conn.execute("INSERT INTO target (s) VALUES ($1)", std::string("70000")); });
        require_exactly<typq::numeric_value_out_of_range>(thrown, "out of range for type smallint");
    }
    SECTION("1000.5 into a numeric(5, 2) column")
    {
        const auto thrown = thrown_by([&] { conn.execute("INSERT INTO target (n) VALUES ($1)", 1000.5); });
        require_exactly<typq::numeric_value_out_of_range>(thrown, "numeric field overflow");
    }
    SECTION("four characters into a varchar(3) column")
    {
        const auto thrown = thrown_by([&] { conn.execute("INSERT INTO target (v) VALUES ($1)", std::string("abcd")); });
        require_exactly<typq::string_data_right_truncation>(thrown, "value too long for type character varying(3)");
        CHECK(caught_as<typq::string_data_right_truncation>(thrown).sqlstate() == "22001");
    }
    SECTION("inside a transaction, which the server then aborts")
    {
        std::exception_ptr at_commit;
        {
            typq::transaction tx(conn);
            conn.execute("INSERT INTO target (s) VALUES ($1)", std::int16_t{1});
            REQUIRE_THROWS_AS(conn.execute("INSERT INTO target (s) VALUES ($1)", std::int32_t{70000}),
                typq::numeric_value_out_of_range);
            CHECK(conn.transaction_status() == typq::transaction_status::in_error);
            at_commit = thrown_by([&] { tx.commit(); });
        }
        require_exactly<typq::in_failed_sql_transaction>(at_commit, "nothing was committed");
    }

    require_usable(conn);
    CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM target") == 0);  // nothing went in
}

// --- wrong row counts -------------------------------------------------------------------------------

TEST_CASE("a query that returns the wrong number of rows throws no_rows or too_many_rows, and the connection "
          "stays usable",
    "[reliability][row_count]")
{
    auto conn = typq_test::connect();
    const auto rows = [](int n) { return typq::runtime("SELECT g AS a, g + 1 AS b FROM generate_series(1, " + std::to_string(n) + ") AS g"); };

    SECTION("query_one on no rows")
    {
        const auto thrown = thrown_by([&] { (void)conn.query_one<pair_row>(rows(0)); });
        require_exactly<typq::no_rows>(thrown, "query_one expected exactly one row, the statement returned 0");
    }
    SECTION("query_one on two rows")
    {
        const auto thrown = thrown_by([&] { (void)conn.query_one<std::tuple<std::int32_t, std::int32_t>>(rows(2)); });
        require_exactly<typq::too_many_rows>(thrown, "query_one expected exactly one row, the statement returned 2");
    }
    SECTION("query_value on no rows")
    {
        const auto thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT 1 WHERE false"); });
        require_exactly<typq::no_rows>(thrown, "expected exactly one row, the statement returned 0");
    }
    SECTION("query_value on two rows")
    {
        const auto thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT 1 UNION ALL SELECT 2"); });
        require_exactly<typq::too_many_rows>(thrown, "expected exactly one row, the statement returned 2");
    }
    SECTION("query_opt on two rows (none is fine)")
    {
        CHECK_FALSE(conn.query_opt<pair_row>(rows(0)).has_value());
        const auto thrown = thrown_by([&] { (void)conn.query_opt<pair_row>(rows(2)); });
        require_exactly<typq::too_many_rows>(thrown, "query_opt expected at most one row, the statement returned 2");
    }
    SECTION("inside a transaction, which a client-side count error does not abort")
    {
        typq::transaction tx(conn);
        REQUIRE_THROWS_AS(conn.query_one<pair_row>(rows(0)), typq::no_rows);
        REQUIRE_THROWS_AS(conn.query_one<pair_row>(rows(3)), typq::too_many_rows);
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        CHECK(conn.query_one<pair_row>(rows(1)).b == 2);
        tx.commit();
    }
    require_usable(conn);
}

}  // namespace reliability_bad_input_test
