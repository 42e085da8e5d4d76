// SPDX-License-Identifier: BSL-1.0
// tests/reliability/faults.cpp: what a connection does when the server, the network or another
// thread interrupts it: a terminated backend, statement_timeout, connection::cancel() from another
// thread, a connect that times out or is refused, a server restarted under an open connection.
// Each gives one exact exception class with a message that names the problem, and the connection
// then says honestly whether it can still work; an open transaction is never reported committed.

#include "reliability_env.hpp"

#include <arpa/inet.h>   // htonl, ntohs
#include <netinet/in.h>  // sockaddr_in
#include <sys/socket.h>  // a listening socket that never answers
#include <unistd.h>      // close

#include <atomic>     // the canceller's result
#include <chrono>     // polling, elapsed time
#include <cstdint>    // std::int32_t, std::int64_t
#include <exception>  // std::exception_ptr
#include <string>     // conninfo, table names
#include <thread>     // a statement interrupted from another thread

namespace reliability_faults_test {

using reliability_test::caught_as;
using reliability_test::require_exactly;
using reliability_test::shared_table;
using typq_test::thrown_by;

using namespace std::chrono_literals;

// Polls, from `observer`, until backend `pid` runs a statement (pg_stat_activity says active).
bool wait_until_active(typq::connection& observer, int pid)
{
    for (int i = 0; i < 1000; ++i) {
        if (observer.query_value<bool>(
                "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1 AND state = 'active')", pid))
            return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

// The connection works: a statement with a parameter and one without.
void require_usable(typq::connection& conn)
{
    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41) == 42);
    CHECK(conn.execute("SELECT 1") == 1);
}

// A socket descriptor, closed by the destructor.
class socket_fd {
public:
    socket_fd() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {}
    socket_fd(const socket_fd&) = delete;
    socket_fd& operator=(const socket_fd&) = delete;
    ~socket_fd()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    [[nodiscard]] int get() const noexcept { return fd_; }

private:
    int fd_;
};

sockaddr_in loopback(unsigned short port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    return address;
}

// Binds `s` to a free port on 127.0.0.1, listens with `backlog`, and returns the port (0 on failure).
unsigned short listen_on_free_port(const socket_fd& s, int backlog)
{
    sockaddr_in address = loopback(0);
    if (s.get() < 0 || ::bind(s.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0
        || ::listen(s.get(), backlog) != 0)
        return 0;
    socklen_t size = sizeof address;
    if (::getsockname(s.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0)
        return 0;
    return ntohs(address.sin_port);
}

// Connecting to 127.0.0.1:`port` with connect_timeout=1 (libpq makes it 2 seconds) fails with
// connection_error after the timeout, not before and not much later.
void require_connect_times_out(unsigned short port)
{
    const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port) + " connect_timeout=1 sslmode=disable";
    CAPTURE(conninfo);
    const auto started = std::chrono::steady_clock::now();
    const auto thrown = thrown_by([&] { typq::connection conn(conninfo); });
    const auto elapsed = std::chrono::steady_clock::now() - started;
    require_exactly<typq::connection_error>(thrown, "timeout expired");
    CHECK(caught_as<typq::connection_error>(thrown).broken());
    CHECK(elapsed >= 1s);
    CHECK(elapsed < 15s);
}

// --- the backend terminated while a statement runs ------------------------------------------------

TEST_CASE("a backend terminated mid-query breaks the connection, and the open transaction is not committed",
    "[reliability][terminate]")
{
    auto victim = typq_test::connect();
    auto killer = typq_test::connect();
    const shared_table table(killer);
    const int pid = victim.backend_pid();
    victim.execute("SET statement_timeout = '20s'");  // bounded even if the termination never comes

    std::exception_ptr during;
    std::exception_ptr at_commit;
    bool active = false;
    bool terminated = false;
    {
        typq::transaction tx(victim);
        victim.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (1)"));
        std::thread running([&] { during = thrown_by([&] { victim.execute("SELECT pg_sleep(30)"); }); });
        active = wait_until_active(killer, pid);
        terminated = killer.query_value<bool>("SELECT pg_terminate_backend($1, 10000)", pid);
        running.join();
        REQUIRE(active);
        REQUIRE(terminated);
        at_commit = thrown_by([&] { tx.commit(); });
        CHECK_FALSE(tx.active());
    }  // the destructor has nothing left to do, and must not throw

    require_exactly<typq::connection_error>(during, "connection to the server was lost");
    const auto lost = caught_as<typq::connection_error>(during);
    CHECK(lost.broken());
    CAPTURE(lost.what());
    CHECK((lost.sqlstate() == "57P01" || lost.sqlstate().empty()));
    CHECK(victim.state() == typq::connection_state::broken);
    CHECK(victim.transaction_status() == typq::transaction_status::unknown);

    // commit() does not report success: the connection cannot commit anything.
    require_exactly<typq::connection_error>(at_commit, "the connection is broken");
    CHECK(caught_as<typq::connection_error>(at_commit).broken());

    // What the transaction inserted is not there.
    CHECK(table.rows() == 0);

    // Every later statement is refused the same way, and close() still works.
    REQUIRE_THROWS_AS(victim.execute("SELECT 1"), typq::connection_error);
    REQUIRE_THROWS_WITH(victim.execute("SELECT 1"), Catch::Contains("the connection is broken"));
    victim.close();
    CHECK(victim.state() == typq::connection_state::closed);
}

// --- statement_timeout ------------------------------------------------------------------------------

TEST_CASE("statement_timeout cancels the statement with query_canceled and the connection stays usable",
    "[reliability][statement_timeout]")
{
    auto conn = typq_test::connect();
    conn.execute("SET statement_timeout = '200ms'");

    SECTION("a statement without parameters (simple protocol)")
    {
        const auto thrown = thrown_by([&] { conn.execute("SELECT pg_sleep(10)"); });
        require_exactly<typq::query_canceled>(thrown, "canceling statement due to statement timeout");
        CHECK(caught_as<typq::query_canceled>(thrown).sqlstate() == "57014");
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
    }
    SECTION("a statement with a parameter (extended protocol)")
    {
        const auto thrown = thrown_by([&] { (void)conn.query_value<std::int32_t>("SELECT 1 FROM pg_sleep($1)", 10.0); });
        require_exactly<typq::query_canceled>(thrown, "canceling statement due to statement timeout");
        CHECK(caught_as<typq::query_canceled>(thrown).sqlstate() == "57014");
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
    }
    SECTION("inside a transaction, which is then aborted and not committed")
    {
        std::exception_ptr thrown;
        std::exception_ptr at_commit;
        {
            typq::transaction tx(conn);
            thrown = thrown_by([&] { conn.execute("SELECT pg_sleep(10)"); });
            CHECK(conn.transaction_status() == typq::transaction_status::in_error);
            at_commit = thrown_by([&] { tx.commit(); });
        }
        require_exactly<typq::query_canceled>(thrown, "canceling statement due to statement timeout");
        require_exactly<typq::in_failed_sql_transaction>(at_commit, "nothing was committed");
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
    }

    CHECK(conn.state() == typq::connection_state::open);
    conn.execute("RESET statement_timeout");
    require_usable(conn);
}

// --- connection::cancel() -----------------------------------------------------------------------------

TEST_CASE("cancel() from another thread stops a running statement with query_canceled and the connection "
          "stays usable",
    "[reliability][cancel]")
{
    auto conn = typq_test::connect();
    auto observer = typq_test::connect();
    const int pid = conn.backend_pid();
    conn.execute("SET statement_timeout = '25s'");  // bounded even if the cancel never comes

    std::atomic<bool> was_active{false};
    std::exception_ptr cancel_failed;
    std::thread canceller([&] {
        cancel_failed = thrown_by([&] {
            was_active = wait_until_active(observer, pid);
            conn.cancel();
        });
    });
    const auto started = std::chrono::steady_clock::now();
    const auto thrown = thrown_by([&] { conn.execute("SELECT pg_sleep(30)"); });
    const auto elapsed = std::chrono::steady_clock::now() - started;
    canceller.join();

    REQUIRE(was_active);
    CHECK_FALSE(cancel_failed);
    require_exactly<typq::query_canceled>(thrown, "canceling statement due to user request");
    CHECK(caught_as<typq::query_canceled>(thrown).sqlstate() == "57014");
    CHECK(elapsed < 20s);  // the cancel, not statement_timeout, ended it
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    require_usable(conn);
}

TEST_CASE("cancel() inside a transaction aborts the statement, and the transaction is not committed",
    "[reliability][cancel]")
{
    auto conn = typq_test::connect();
    auto observer = typq_test::connect();
    const shared_table table(observer);
    const int pid = conn.backend_pid();
    conn.execute("SET statement_timeout = '25s'");

    std::exception_ptr thrown;
    std::exception_ptr at_commit;
    {
        typq::transaction tx(conn);
        conn.execute(typq::runtime("INSERT INTO " + table.name() + " VALUES (1)"));
        std::thread canceller([&] {
            if (wait_until_active(observer, pid))
                conn.cancel();
        });
        thrown = thrown_by([&] { conn.execute("SELECT pg_sleep(30)"); });
        canceller.join();
        at_commit = thrown_by([&] { tx.commit(); });
    }
    require_exactly<typq::query_canceled>(thrown, "canceling statement due to user request");
    require_exactly<typq::in_failed_sql_transaction>(at_commit, "nothing was committed");
    CHECK(table.rows() == 0);
    require_usable(conn);
}

TEST_CASE("cancel() with nothing running is harmless", "[reliability][cancel]")
{
    auto conn = typq_test::connect();
    // The server ignores a cancel request for an idle backend; the next statement is not
    // cancelled by it (PQcancel returns after the server acted on the request).
    for (int i = 0; i < 20; ++i) {
        CAPTURE(i);
        REQUIRE_NOTHROW(conn.cancel());
        REQUIRE(conn.query_value<std::int32_t>("SELECT $1::int4", i) == i);
    }
    SECTION("inside a transaction")
    {
        typq::transaction tx(conn);
        conn.cancel();
        CHECK(conn.query_value<std::int32_t>("SELECT 7") == 7);
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        tx.commit();
    }
    require_usable(conn);
}

TEST_CASE("cancel() on a closed connection throws connection_error", "[reliability][cancel]")
{
    auto conn = typq_test::connect();
    SECTION("closed by close()")
    {
        conn.close();
        const auto thrown = thrown_by([&] { conn.cancel(); });
        require_exactly<typq::connection_error>(thrown, "cannot cancel: the connection is closed");
        CHECK(caught_as<typq::connection_error>(thrown).broken());
    }
    SECTION("moved from")
    {
        typq::connection other = std::move(conn);
        const auto thrown = thrown_by([&] { conn.cancel(); });  // NOLINT(bugprone-use-after-move): on purpose
        require_exactly<typq::connection_error>(thrown, "cannot cancel: the connection is closed");
        REQUIRE_NOTHROW(other.cancel());
        require_usable(other);
    }
}

// --- connecting -------------------------------------------------------------------------------------

TEST_CASE("a connect to a server that never answers fails with connection_error after connect_timeout",
    "[reliability][connect]")
{
    const socket_fd listener;

    SECTION("the TCP handshake completes but no startup reply comes (a listener that never accepts)")
    {
        const unsigned short port = listen_on_free_port(listener, 16);
        REQUIRE(port != 0);
        require_connect_times_out(port);
    }
    SECTION("the TCP handshake never completes (a listener whose accept queue is full drops SYNs)")
    {
        const unsigned short port = listen_on_free_port(listener, 0);
        REQUIRE(port != 0);
        // With backlog 0, one completed connection fills Linux's accept queue; later SYNs are dropped.
        const socket_fd filler;
        const sockaddr_in address = loopback(port);
        REQUIRE(::connect(filler.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
        require_connect_times_out(port);
    }
}

TEST_CASE("a connect to a port where nothing listens is refused with connection_error naming the problem",
    "[reliability][connect]")
{
    unsigned short port = 0;
    {
        const socket_fd probe;  // bound and closed: free a moment ago, nothing listens there
        port = listen_on_free_port(probe, 1);
        REQUIRE(port != 0);
    }
    const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port) + " connect_timeout=5";
    CAPTURE(conninfo);
    const auto thrown = thrown_by([&] { typq::connection conn(conninfo); });
    require_exactly<typq::connection_error>(thrown, "Connection refused");
    REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Catch::Contains("127.0.0.1") && Catch::Contains(std::to_string(port)));
    CHECK(caught_as<typq::connection_error>(thrown).broken());
    // libpq's multi-line message arrives as one line.
    REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), !Catch::Contains("\n"));
}

TEST_CASE("a connect to a unix socket that does not exist fails with connection_error naming the socket",
    "[reliability][connect]")
{
    const auto thrown = thrown_by([&] { typq::connection conn("host=/nonexistent-typq-dir port=5432"); });
    require_exactly<typq::connection_error>(thrown, "No such file or directory");
    REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Catch::Contains("/nonexistent-typq-dir/.s.PGSQL.5432"));
}

// --- the server restarted ---------------------------------------------------------------------------

TEST_CASE("a server restarted under an open connection breaks it, and a new connection works",
    "[reliability][restart]")
{
    // Its own cluster: the shared one serves other tests in parallel.
    const reliability_test::own_cluster cluster;
    if (!cluster.started() && reliability_test::foreign_server()) {
        WARN("no throwaway cluster could be started next to TYPQ_TEST_DSN's server (" << cluster.error()
            << "); the restart test needs one (initdb and pg_ctl)");
        return;
    }
    INFO(cluster.error());
    REQUIRE(cluster.started());
    const std::string dsn = cluster.dsn();

    typq::connection conn(dsn);
    typq::connection setup(dsn);
    setup.execute("CREATE TABLE restarted (v int4)");
    REQUIRE(conn.query_value<std::int32_t>("SELECT 1") == 1);

    std::exception_ptr after;
    std::exception_ptr at_commit;
    {
        typq::transaction tx(conn);
        conn.execute("INSERT INTO restarted VALUES (1)");
        REQUIRE(cluster.restart());
        after = thrown_by([&] { conn.execute("INSERT INTO restarted VALUES (2)"); });
        at_commit = thrown_by([&] { tx.commit(); });
        CHECK_FALSE(tx.active());
    }

    require_exactly<typq::connection_error>(after, "connection to the server was lost");
    const auto lost = caught_as<typq::connection_error>(after);
    CHECK(lost.broken());
    CAPTURE(lost.what());
    CHECK((lost.sqlstate() == "57P01" || lost.sqlstate().empty()));
    CHECK(conn.state() == typq::connection_state::broken);
    require_exactly<typq::connection_error>(at_commit, "the connection is broken");

    // The old connection stays broken: nothing reconnects silently.
    REQUIRE_THROWS_AS(conn.execute("SELECT 1"), typq::connection_error);
    REQUIRE_THROWS_WITH(conn.execute("SELECT 1"), Catch::Contains("the connection is broken"));
    CHECK(conn.state() == typq::connection_state::broken);

    typq::connection fresh(dsn);
    require_usable(fresh);
    CHECK(fresh.query_value<std::int64_t>("SELECT count(*) FROM restarted") == 0);
    // The connection made before the restart was broken too.
    REQUIRE_THROWS_AS(setup.execute("SELECT 1"), typq::connection_error);
    CHECK(setup.state() == typq::connection_state::broken);
}

}  // namespace reliability_faults_test
