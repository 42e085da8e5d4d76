// SPDX-License-Identifier: BSL-1.0
// tests/core/connection_info.cpp: what a connection says about where it is connected: host(),
// hostaddr(), port(), dbname(), user() and in_hot_standby(), checked against the server's own
// answers, with conninfo strings that name several hosts.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <netinet/in.h>  // sockaddr_in: a TCP port where nothing listens
#include <sys/socket.h>  // socket, bind, getsockname
#include <unistd.h>      // close

#include <string>  // conninfo strings

namespace core_connection_info_test {

// A TCP port on 127.0.0.1 where nothing listens (bound, then closed, a moment ago).
int closed_port()
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

// The test conninfo with `more` after it (later keywords win); empty for a URI, which cannot be
// extended so.
std::string dsn_with(const std::string& more)
{
    const std::string dsn = typq_test::dsn();
    if (dsn.rfind("postgres", 0) == 0 && dsn.find("://") != std::string::npos)
        return {};
    return dsn + " " + more;
}

TEST_CASE("a connection names its host, port, database and user as the server knows them", "[core][connection]")
{
    auto conn = typq_test::connect();
    CHECK(conn.dbname() == conn.query_value<std::string>("SELECT current_database()"));
    CHECK(conn.user() == conn.query_value<std::string>("SELECT session_user::text"));
    CHECK(conn.port() == std::stoi(conn.query_value<std::string>("SELECT current_setting('port')")));
    CHECK_FALSE(conn.host().empty());

    // SET ROLE changes current_user, not the role the connection logged in as (all rolled back).
    {
        typq::transaction tx{conn};
        const std::string logged_in = conn.user();
        conn.execute("CREATE ROLE typq_info_role");
        conn.execute("SET LOCAL ROLE typq_info_role");
        CHECK(conn.user() == logged_in);
        CHECK(conn.query_value<std::string>("SELECT current_user::text") == "typq_info_role");
    }

    conn.close();
    REQUIRE_THROWS_AS((void)conn.host(), typq::connection_error);
    REQUIRE_THROWS_AS((void)conn.port(), typq::connection_error);
    REQUIRE_THROWS_AS((void)conn.dbname(), typq::connection_error);
    REQUIRE_THROWS_AS((void)conn.user(), typq::connection_error);
    REQUIRE_THROWS_AS((void)conn.in_hot_standby(), typq::connection_error);
}

TEST_CASE("with several hosts in the conninfo, host() and port() name the one connected to", "[core][connection]")
{
    auto direct = typq_test::connect();
    const int port = direct.port();
    const int dead = closed_port();

    SECTION("a TCP address where nothing listens, then the server's own host")
    {
        const std::string conninfo = dsn_with("host=127.0.0.1," + direct.host() + " port=" + std::to_string(dead) + ","
            + std::to_string(port));
        if (conninfo.empty()) {
            WARN("the test conninfo is a URI: not extended with more hosts");
            return;
        }
        typq::connection conn{conninfo};
        CHECK(conn.host() == direct.host());
        CHECK(conn.port() == port);
        CHECK(conn.backend_pid() != direct.backend_pid());
    }
    SECTION("a unix socket directory that does not exist, then the server over TCP")
    {
        const std::string conninfo = dsn_with("host=/nonexistent/typq,127.0.0.1 port=" + std::to_string(port) + ","
            + std::to_string(port));
        if (conninfo.empty()) {
            WARN("the test conninfo is a URI: not extended with more hosts");
            return;
        }
        typq::connection conn{conninfo};
        CHECK(conn.host() == "127.0.0.1");
        CHECK(conn.hostaddr() == "127.0.0.1");
        CHECK(conn.port() == port);
        CHECK(conn.query_value<std::string>("SELECT host(inet_client_addr())") == "127.0.0.1");
    }
    SECTION("target_session_attrs chooses among the hosts by whether each is a hot standby")
    {
        // The test server is a primary: it fits read-write and primary, and no host fits standby.
        const std::string hosts = "host=127.0.0.1,127.0.0.1 port=" + std::to_string(dead) + "," + std::to_string(port);
        if (dsn_with("").empty())
        {
            WARN("the test conninfo is a URI: not extended with more hosts");
            return;
        }
        typq::connection primary{dsn_with(hosts + " target_session_attrs=read-write")};
        CHECK(primary.port() == port);
        CHECK_FALSE(primary.in_hot_standby());
        CHECK_FALSE(typq::connection(dsn_with(hosts + " target_session_attrs=primary")).in_hot_standby());
        REQUIRE_THROWS_AS(typq::connection(dsn_with(hosts + " target_session_attrs=standby")), typq::connection_error);
    }
}

TEST_CASE("in_hot_standby() is what the server says of its recovery", "[core][connection]")
{
    auto conn = typq_test::connect();
    CHECK(conn.in_hot_standby() == conn.query_value<bool>("SELECT pg_is_in_recovery()"));
    CHECK(conn.parameter_status("in_hot_standby") == (conn.in_hot_standby() ? "on" : "off"));
}

}  // namespace core_connection_info_test
