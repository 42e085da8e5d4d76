// SPDX-License-Identifier: BSL-1.0
// tests/core/connection.cpp: typq::connection: opening it (conninfo, URI, PG* environment),
// its client encoding, a refused connection, its state, and what it reports about the server.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <libpq-fe.h>

#include <netinet/in.h>  // sockaddr_in: a TCP port where nothing listens
#include <sys/socket.h>  // socket, bind, getsockname
#include <unistd.h>      // close

#include <cstdint>      // std::int32_t
#include <cstdlib>      // setenv, unsetenv, std::getenv
#include <map>          // the test dsn's keywords
#include <optional>     // parameter_status, saved environment
#include <sstream>      // splitting the dsn
#include <string>       // conninfo strings
#include <utility>      // std::move
#include <vector>       // saved environment

namespace core_connection_test {

// The test dsn's keywords: `host=<socketdir> port=<port> user=postgres dbname=postgres`.
std::map<std::string, std::string> dsn_keywords()
{
    std::map<std::string, std::string> out;
    std::istringstream in(typq_test::dsn());
    std::string word;
    while (in >> word) {
        const auto eq = word.find('=');
        if (eq != std::string::npos)
            out[word.substr(0, eq)] = word.substr(eq + 1);
    }
    return out;
}

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string percent_encode(const std::string& text)
{
    constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' || c == '.'
            || c == '_' || c == '~')
            out += c;
        else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

// `postgresql://user@/dbname?host=<socketdir>&port=<port>` for the test server.
std::string dsn_uri()
{
    auto kw = dsn_keywords();
    return "postgresql://" + percent_encode(kw["user"]) + "@/" + percent_encode(kw["dbname"])
        + "?host=" + percent_encode(kw["host"]) + "&port=" + percent_encode(kw["port"]);
}

// Sets environment variables for one scope and restores what was there before.
class scoped_env {
public:
    void set(const char* name, const std::string& value)
    {
        remember(name);
        ::setenv(name, value.c_str(), 1);
    }
    void unset(const char* name)
    {
        remember(name);
        ::unsetenv(name);
    }
    scoped_env() = default;
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;
    ~scoped_env()
    {
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
            if (it->second)
                ::setenv(it->first.c_str(), it->second->c_str(), 1);
            else
                ::unsetenv(it->first.c_str());
        }
    }

private:
    void remember(const char* name)
    {
        const char* old = std::getenv(name);
        saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// Clears every PG* variable that could point libpq elsewhere.
void clear_pg_environment(scoped_env& env)
{
    for (const char* name : {"PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGSERVICE", "PGOPTIONS",
             "PGCLIENTENCODING", "PGCONNECT_TIMEOUT"})
        env.unset(name);
}

// A TCP port on 127.0.0.1 that was free a moment ago (nothing listens on it).
int unused_tcp_port()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    socklen_t size = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

// What libpq itself says when it cannot connect with `conninfo`: its first line.
std::string libpq_refusal(const std::string& conninfo)
{
    PGconn* raw = PQconnectdb(conninfo.c_str());
    std::string text = raw ? PQerrorMessage(raw) : "";
    PQfinish(raw);
    return text.substr(0, text.find('\n'));
}

// The server's view of who and where this connection is.
void check_connected_to_test_server(typq::connection& conn)
{
    auto kw = dsn_keywords();
    REQUIRE(conn.state() == typq::connection_state::open);
    CHECK(conn.query_value<std::string>("SELECT current_user::text") == kw["user"]);
    CHECK(conn.query_value<std::string>("SELECT current_database()::text") == kw["dbname"]);
    CHECK(conn.query_value<std::string>("SELECT current_setting('port')") == kw["port"]);
    CHECK(std::string(PQhost(conn.native_handle())) == kw["host"]);
}

TEST_CASE("a connection opens from a keyword/value conninfo string", "[core][connection]")
{
    typq::connection conn(typq_test::dsn());
    check_connected_to_test_server(conn);
    CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
}

TEST_CASE("a connection opens from a postgresql:// URI for the same server", "[core][connection]")
{
    const std::string uri = dsn_uri();
    CAPTURE(uri);

    SECTION("postgresql://")
    {
        typq::connection conn(uri);
        check_connected_to_test_server(conn);
    }
    SECTION("postgres://")
    {
        typq::connection conn("postgres://" + uri.substr(std::string("postgresql://").size()));
        check_connected_to_test_server(conn);
    }
}

TEST_CASE("the PG* environment fills in what the conninfo leaves out", "[core][connection]")
{
    auto kw = dsn_keywords();
    scoped_env env;
    clear_pg_environment(env);
    env.set("PGHOST", kw["host"]);
    env.set("PGPORT", kw["port"]);
    env.set("PGUSER", kw["user"]);
    env.set("PGDATABASE", kw["dbname"]);

    SECTION("an empty conninfo uses only the environment")
    {
        typq::connection conn("");
        check_connected_to_test_server(conn);
    }
    SECTION("a conninfo naming only the database takes host, port and user from the environment")
    {
        typq::connection conn("dbname=" + kw["dbname"]);
        check_connected_to_test_server(conn);
    }
    SECTION("a URI without host or port takes them from the environment")
    {
        typq::connection conn("postgresql:///" + percent_encode(kw["dbname"]));
        check_connected_to_test_server(conn);
    }
    SECTION("what the conninfo names wins over the environment")
    {
        env.set("PGDATABASE", "typq_no_such_database");
        typq::connection conn("dbname=" + kw["dbname"]);
        check_connected_to_test_server(conn);
    }
    SECTION("the environment is really used: a wrong PGPORT makes the connection fail")
    {
        env.set("PGPORT", "1");
        REQUIRE_THROWS_AS(typq::connection(""), typq::connection_error);
        REQUIRE_THROWS_WITH(typq::connection(""), Catch::Contains(".s.PGSQL.1"));
    }
}

TEST_CASE("the client encoding is UTF8 whatever the conninfo or environment asks", "[core][connection]")
{
    scoped_env env;
    env.unset("PGCLIENTENCODING");
    const auto kw = dsn_keywords();

    SECTION("a conninfo with client_encoding=LATIN1")
    {
        typq::connection conn(typq_test::dsn() + " client_encoding=LATIN1");
        CHECK(conn.parameter_status("client_encoding") == std::optional<std::string>("UTF8"));
        CHECK(conn.query_value<std::string>("SHOW client_encoding") == "UTF8");
    }
    SECTION("a URI with client_encoding=LATIN1")
    {
        typq::connection conn(dsn_uri() + "&client_encoding=LATIN1");
        CHECK(conn.parameter_status("client_encoding") == std::optional<std::string>("UTF8"));
        CHECK(conn.query_value<std::string>("SHOW client_encoding") == "UTF8");
    }
    SECTION("PGCLIENTENCODING=LATIN1 in the environment")
    {
        env.set("PGCLIENTENCODING", "LATIN1");
        typq::connection conn(typq_test::dsn());
        CHECK(conn.parameter_status("client_encoding") == std::optional<std::string>("UTF8"));
        CHECK(conn.query_value<std::string>("SHOW client_encoding") == "UTF8");
    }
    SECTION("non-ASCII text arrives as UTF-8")
    {
        typq::connection conn(typq_test::dsn() + " client_encoding=LATIN1");
        // U+00E9 is one byte in LATIN1, two in UTF-8; the server's own function builds it.
        CHECK(conn.query_value<std::string>("SELECT chr(233)") == "\xc3\xa9");
        CHECK(conn.query_value<std::int32_t>("SELECT octet_length($1::text)", std::string("\xc3\xa9")) == 2);
    }
}

TEST_CASE("a refused connection throws a broken connection_error with libpq's message", "[core][connection]")
{
    auto kw = dsn_keywords();
    scoped_env env;
    clear_pg_environment(env);

    std::string conninfo;
    SECTION("a unix socket where nothing listens")
    {
        conninfo = "host=" + kw["host"] + " port=1 user=" + kw["user"] + " dbname=" + kw["dbname"];
    }
    SECTION("a TCP port where nothing listens")
    {
        conninfo = "host=127.0.0.1 port=" + std::to_string(unused_tcp_port()) + " user=" + kw["user"]
            + " dbname=" + kw["dbname"] + " connect_timeout=5";
    }
    CAPTURE(conninfo);

    const std::string libpq_says = libpq_refusal(conninfo);
    CAPTURE(libpq_says);
    REQUIRE(!libpq_says.empty());

    REQUIRE_THROWS_AS(typq::connection(conninfo), typq::connection_error);
    REQUIRE_THROWS_WITH(typq::connection(conninfo), Catch::Contains(libpq_says));
    try {
        typq::connection conn(conninfo);
        FAIL("the connection opened");
    }
    catch (const typq::connection_error& e) {
        CHECK(e.broken());
        CHECK(e.sqlstate().empty());
    }
}

TEST_CASE("a connection for a database that does not exist is refused with the server's message", "[core][connection]")
{
    auto kw = dsn_keywords();
    const std::string conninfo =
        "host=" + kw["host"] + " port=" + kw["port"] + " user=" + kw["user"] + " dbname=typq_no_such_database";
    REQUIRE_THROWS_AS(typq::connection(conninfo), typq::connection_error);
    REQUIRE_THROWS_WITH(typq::connection(conninfo), Catch::Contains("\"typq_no_such_database\" does not exist"));
}

TEST_CASE("a connection's state is open, then closed after close()", "[core][connection]")
{
    auto conn = typq_test::connect();
    REQUIRE(conn.state() == typq::connection_state::open);
    CHECK(conn.native_handle() != nullptr);

    conn.close();
    CHECK(conn.state() == typq::connection_state::closed);
    CHECK(conn.native_handle() == nullptr);
    CHECK(conn.transaction_status() == typq::transaction_status::unknown);

    SECTION("closing twice is harmless")
    {
        conn.close();
        CHECK(conn.state() == typq::connection_state::closed);
    }
}

TEST_CASE("a moved-from connection is closed and the new one works", "[core][connection]")
{
    auto conn = typq_test::connect();
    const int pid = conn.backend_pid();

    SECTION("move construction")
    {
        typq::connection other(std::move(conn));
        CHECK(conn.state() == typq::connection_state::closed);  // NOLINT(bugprone-use-after-move)
        REQUIRE(other.state() == typq::connection_state::open);
        CHECK(other.query_value<std::int32_t>("SELECT pg_backend_pid()") == pid);
    }
    SECTION("move assignment")
    {
        auto other = typq_test::connect();
        other = std::move(conn);
        CHECK(conn.state() == typq::connection_state::closed);  // NOLINT(bugprone-use-after-move)
        REQUIRE(other.state() == typq::connection_state::open);
        CHECK(other.query_value<std::int32_t>("SELECT pg_backend_pid()") == pid);
    }
}

TEST_CASE("a closed connection refuses work with a connection_error saying it is closed", "[core][connection]")
{
    auto conn = typq_test::connect();

    SECTION("closed by close()") { conn.close(); }
    SECTION("moved from") { typq::connection other(std::move(conn)); }

    REQUIRE(conn.state() == typq::connection_state::closed);  // NOLINT(bugprone-use-after-move)

    REQUIRE_THROWS_AS(conn.execute("SELECT 1"), typq::connection_error);
    REQUIRE_THROWS_WITH(conn.execute("SELECT 1"), Catch::Contains("closed"));
    REQUIRE_THROWS_AS(conn.execute("SELECT $1::int4", 1), typq::connection_error);
    REQUIRE_THROWS_WITH(conn.execute("SELECT $1::int4", 1), Catch::Contains("closed"));
    REQUIRE_THROWS_AS((void)conn.query<std::int32_t>("SELECT 1"), typq::connection_error);
    REQUIRE_THROWS_WITH((void)conn.query<std::int32_t>("SELECT 1"), Catch::Contains("closed"));
    REQUIRE_THROWS_AS((void)conn.query_one<std::int32_t>("SELECT 1"), typq::connection_error);
    REQUIRE_THROWS_AS((void)conn.query_opt<std::int32_t>("SELECT 1"), typq::connection_error);
    REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 1"), typq::connection_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>("SELECT 1"), Catch::Contains("closed"));
    REQUIRE_THROWS_AS((void)conn.server_version(), typq::connection_error);
    REQUIRE_THROWS_AS((void)conn.backend_pid(), typq::connection_error);
    REQUIRE_THROWS_AS((void)conn.parameter_status("server_version"), typq::connection_error);
    try {
        conn.execute("SELECT 1");
        FAIL("a closed connection ran a statement");
    }
    catch (const typq::connection_error& e) {
        CHECK(e.broken());
    }
}

TEST_CASE("server_version() is the server's server_version_num", "[core][connection]")
{
    auto conn = typq_test::connect();
    CHECK(conn.server_version() == conn.query_value<std::int32_t>("SELECT current_setting('server_version_num')::int"));
    CHECK(conn.server_version() >= 150000);
}

TEST_CASE("backend_pid() is the server's pg_backend_pid()", "[core][connection]")
{
    auto conn = typq_test::connect();
    CHECK(conn.backend_pid() == conn.query_value<std::int32_t>("SELECT pg_backend_pid()"));

    auto other = typq_test::connect();
    CHECK(other.backend_pid() != conn.backend_pid());
}

TEST_CASE("parameter_status() reports what the server reports, and nullopt for an unknown name", "[core][connection]")
{
    auto conn = typq_test::connect();

    SECTION("a parameter the server reports")
    {
        const auto name = GENERATE(as<std::string>{}, "server_version", "TimeZone", "DateStyle",
            "standard_conforming_strings", "integer_datetimes", "server_encoding");
        CAPTURE(name);
        const auto reported = conn.parameter_status(name);
        REQUIRE(reported.has_value());
        CHECK(*reported == conn.query_value<std::string>("SELECT current_setting($1)", name));
    }
    SECTION("a change made with SET is reported")
    {
        conn.execute("SET TimeZone = 'Asia/Kolkata'");
        CHECK(conn.parameter_status("TimeZone") == std::optional<std::string>("Asia/Kolkata"));
    }
    SECTION("a parameter the server does not report")
    {
        CHECK(conn.parameter_status("typq_no_such_parameter") == std::nullopt);
        CHECK(conn.parameter_status("") == std::nullopt);
        // work_mem exists, but the server does not report it at connection time.
        CHECK(conn.parameter_status("work_mem") == std::nullopt);
    }
}

TEST_CASE("transaction_status() follows the server: idle, in_transaction, in_error", "[core][connection]")
{
    auto conn = typq_test::connect();
    CHECK(conn.transaction_status() == typq::transaction_status::idle);

    conn.execute("BEGIN");
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
    CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
    CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);

    REQUIRE_THROWS_AS(conn.execute("SELECT 1/0"), typq::division_by_zero);
    CHECK(conn.transaction_status() == typq::transaction_status::in_error);
    REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 1"), typq::in_failed_sql_transaction);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>("SELECT 1"), Catch::Contains("25P02"));
    CHECK(conn.transaction_status() == typq::transaction_status::in_error);

    conn.execute("ROLLBACK");
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
}

}  // namespace core_connection_test
