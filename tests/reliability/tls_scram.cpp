// SPDX-License-Identifier: BSL-1.0
// tests/reliability/tls_scram.cpp: TLS with sslmode=verify-full against the fixture's test CA, and
// SCRAM-SHA-256 password authentication; a wrong certificate, host name or password is refused
// with a connection_error that says which. The fixture (tests/support/pg_fixture.sh) makes the
// CA, the server certificate and the role; against a TYPQ_TEST_DSN server these tests only warn.

#include "reliability_env.hpp"

#include <libpq-fe.h>  // PQconnectionUsedPassword

#include <cstdint>  // std::int32_t
#include <string>   // conninfo

namespace reliability_tls_scram_test {

using reliability_test::caught_as;
using reliability_test::require_exactly;
using typq_test::thrown_by;

// What the fixture wrote, or nothing (with a warning) when the server is not the fixture's.
bool fixture_has_tls_and_scram(const reliability_test::fixture_env& env)
{
    if (env.has_tls_and_scram())
        return true;
    // Only a foreign server (TYPQ_TEST_DSN when the fixture started) may lack them.
    if (reliability_test::foreign_server() && !env.get("port")) {
        WARN("the server in TYPQ_TEST_DSN was not started by tests/support/pg_fixture.sh: "
             "no test CA or SCRAM role, so this TLS/SCRAM test checks nothing");
        return false;
    }
    FAIL("tests/support/pg_fixture.sh wrote no TLS/SCRAM settings to " << reliability_test::state_dir()
                                                                       << "/reliability");
    return false;
}

std::string verify_full(const reliability_test::fixture_env& env, const std::string& host, const std::string& ca)
{
    return env.tcp_dsn(host + " user=postgres sslmode=verify-full sslrootcert=" + ca);
}

// SCRAM role conninfo; passfile points nowhere so that no ~/.pgpass supplies a password.
std::string scram(const reliability_test::fixture_env& env, const std::string& extra)
{
    return env.tcp_dsn("host=127.0.0.1 user=" + *env.get("scram_user") + " passfile=/nonexistent/typq " + extra);
}

bool uses_tls(typq::connection& conn)
{
    return conn.query_value<bool>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
}

// --- TLS --------------------------------------------------------------------------------------------

TEST_CASE("sslmode=verify-full with the test CA connects over TLS", "[reliability][tls]")
{
    const reliability_test::fixture_env env;
    if (!fixture_has_tls_and_scram(env))
        return;
    const std::string ca = *env.get("tls_ca_file");
    // The certificate names localhost (DNS) and 127.0.0.1 (IP address).
    const std::string host = GENERATE(as<std::string>{}, "host=localhost hostaddr=127.0.0.1", "host=localhost",
        "host=127.0.0.1");
    CAPTURE(host);

    typq::connection conn(verify_full(env, host, ca));
    CHECK(uses_tls(conn));
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 * 2", 21) == 42);
    CHECK(conn.state() == typq::connection_state::open);
}

TEST_CASE("sslmode=verify-full refuses a server certificate from another CA", "[reliability][tls]")
{
    const reliability_test::fixture_env env;
    if (!fixture_has_tls_and_scram(env))
        return;
    const std::string dsn = verify_full(env, "host=localhost hostaddr=127.0.0.1", *env.get("tls_wrong_ca_file"));
    CAPTURE(dsn);
    const auto thrown = thrown_by([&] { typq::connection conn(dsn); });
    require_exactly<typq::connection_error>(thrown, "certificate verify failed");
    CHECK(caught_as<typq::connection_error>(thrown).broken());
}

TEST_CASE("sslmode=verify-full refuses a server whose certificate does not name the host", "[reliability][tls]")
{
    const reliability_test::fixture_env env;
    if (!fixture_has_tls_and_scram(env))
        return;
    // The right CA, the right address, a name the certificate does not have.
    const std::string dsn = verify_full(env, "host=wrong-name.invalid hostaddr=127.0.0.1", *env.get("tls_ca_file"));
    CAPTURE(dsn);
    const auto thrown = thrown_by([&] { typq::connection conn(dsn); });
    require_exactly<typq::connection_error>(thrown, "does not match host name \"wrong-name.invalid\"");
    CHECK(caught_as<typq::connection_error>(thrown).broken());
}

TEST_CASE("sslmode=verify-full without the CA file refuses to connect", "[reliability][tls]")
{
    const reliability_test::fixture_env env;
    if (!fixture_has_tls_and_scram(env))
        return;
    const auto thrown = thrown_by(
        [&] { typq::connection conn(verify_full(env, "host=localhost hostaddr=127.0.0.1", "/nonexistent/ca.crt")); });
    require_exactly<typq::connection_error>(thrown, "root certificate file \"/nonexistent/ca.crt\" does not exist");
}

// --- SCRAM-SHA-256 ----------------------------------------------------------------------------------

TEST_CASE("a role with a SCRAM-SHA-256 password connects with the right password", "[reliability][scram]")
{
    const reliability_test::fixture_env env;
    if (!fixture_has_tls_and_scram(env))
        return;
    const std::string user = *env.get("scram_user");
    const std::string password = *env.get("scram_password");

    // The server stores a SCRAM verifier for the role, and its first pg_hba.conf rule for the role
    // over TCP asks for scram-sha-256.
    auto admin = typq_test::connect();
    CHECK(admin.query_value<bool>("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = $1", user));
    CHECK(admin.query_value<std::string>("SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host' "
                                         "AND (user_name @> ARRAY[$1] OR user_name @> ARRAY['all']) "
                                         "AND address = '127.0.0.1' ORDER BY line_number LIMIT 1",
              user)
        == "scram-sha-256");

    SECTION("without TLS")
    {
        typq::connection conn(scram(env, "sslmode=disable password=" + password));
        CHECK(conn.query_value<std::string>("SELECT current_user::text") == user);
        CHECK(PQconnectionUsedPassword(conn.native_handle()) == 1);
        CHECK_FALSE(uses_tls(conn));
    }
    SECTION("over verified TLS with channel binding, which only SCRAM-SHA-256-PLUS provides")
    {
        typq::connection conn(scram(env, "sslmode=verify-full sslrootcert=" + *env.get("tls_ca_file")
            + " channel_binding=require password=" + password));
        CHECK(conn.query_value<std::string>("SELECT current_user::text") == user);
        CHECK(PQconnectionUsedPassword(conn.native_handle()) == 1);
        CHECK(uses_tls(conn));
    }
}

TEST_CASE("a role with a SCRAM-SHA-256 password is refused with a wrong or missing password",
    "[reliability][scram]")
{
    const reliability_test::fixture_env env;
    if (!fixture_has_tls_and_scram(env))
        return;
    const std::string user = *env.get("scram_user");

    SECTION("a wrong password")
    {
        const auto thrown = thrown_by([&] { typq::connection conn(scram(env, "sslmode=disable password=wrong")); });
        require_exactly<typq::connection_error>(thrown, "password authentication failed for user \"" + user + "\"");
        CHECK(caught_as<typq::connection_error>(thrown).broken());
    }
    SECTION("the right password with a different case")
    {
        std::string password = *env.get("scram_password");
        for (char& c : password)
            c = (c >= 'a' && c <= 'f') ? static_cast<char>(c - 'a' + 'A') : c;
        const auto thrown = thrown_by([&] { typq::connection conn(scram(env, "sslmode=disable password=" + password)); });
        require_exactly<typq::connection_error>(thrown, "password authentication failed");
    }
    SECTION("a wrong password over TLS")
    {
        const auto thrown = thrown_by([&] {
            typq::connection conn(
                scram(env, "sslmode=verify-full sslrootcert=" + *env.get("tls_ca_file") + " password=wrong"));
        });
        require_exactly<typq::connection_error>(thrown, "password authentication failed for user \"" + user + "\"");
    }
    SECTION("no password")
    {
        const auto thrown = thrown_by([&] { typq::connection conn(scram(env, "sslmode=disable")); });
        require_exactly<typq::connection_error>(thrown, "no password supplied");
    }
}

}  // namespace reliability_tls_scram_test
