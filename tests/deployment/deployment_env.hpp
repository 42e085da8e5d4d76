// SPDX-License-Identifier: BSL-1.0
// tests/deployment/deployment_env.hpp: what tests/deployment shares: the servers the fixture
// `deployment` started (tests/support/pg_fixture.sh deployment-start writes STATE_DIR/deployment):
// a PgBouncer in transaction mode and one in session mode in front of the test server, and a
// hot standby streaming from a primary; a primary and replica of a test's own, to fail over; and
// a table that several connections see.

#ifndef TYPQ_TESTS_DEPLOYMENT_DEPLOYMENT_ENV_HPP
#define TYPQ_TESTS_DEPLOYMENT_DEPLOYMENT_ENV_HPP

#include "typq_test.hpp"

#include <atomic>       // unique names within the process
#include <cstdint>      // std::int32_t, std::int64_t
#include <filesystem>   // a test's own state directory
#include <map>          // the settings
#include <optional>     // the held server connection
#include <stdexcept>    // no fixture
#include <string>       // conninfo strings
#include <system_error> // std::error_code
#include <unistd.h>     // getpid: names unique across test processes run at once
#include <utility>      // std::move

namespace deployment_test {

using typq_test::first_line;
using typq_test::read_pairs;
using typq_test::state_dir;

/// What `deployment-start` wrote (transaction_dsn, session_dsn, primary_dsn, standby_dsn,
/// primary_host, primary_port, standby_host, standby_port, own_primary, fixture).
/// @throws std::runtime_error when it is missing: the tests must run through ctest, whose fixture
///         `deployment` starts these servers (with TYPQ_TEST_DSN set too: PgBouncer then forwards
///         to that server, and the replica follows a primary the fixture starts itself).
inline std::string setting(const std::string& key)
{
    static const std::map<std::string, std::string> values = read_pairs(state_dir() + "/deployment");
    const auto it = values.find(key);
    if (it == values.end())
        throw std::runtime_error("no \"" + key + "\" in " + state_dir()
            + "/deployment: run these tests through ctest (its fixture `deployment` starts PgBouncer and a "
              "replica), or run `tests/support/pg_fixture.sh deployment-start STATE_DIR` first");
    return it->second;
}

/// Through PgBouncer in transaction mode (4 server connections, handed out round robin).
inline std::string transaction_dsn() { return setting("transaction_dsn"); }
/// Through PgBouncer in session mode.
inline std::string session_dsn() { return setting("session_dsn"); }

inline typq::connection through_transaction_pooler(const typq::connection_options& options = {})
{
    return typq::connection(transaction_dsn(), options);
}

/// Holds the transaction-mode PgBouncer's server connection whose backend is `pid` in a
/// transaction of its own until destroyed, so that the next transaction of any other client runs
/// on another server connection: what a busy PgBouncer does at any time, made certain for a test.
/// It opens transactions through PgBouncer until one gets that server connection (PgBouncer has
/// 4; each other one it gets is released before the next try).
class server_holder {
public:
    explicit server_holder(std::int32_t pid)
    {
        // One client, one transaction at a time: a server connection that is not the one is given
        // back before the next try (holding each until the end took all 4, and the fifth BEGIN then
        // waited for them forever, as it did under ASan when another test process held one), and
        // with server_round_robin the next transaction gets the next server connection.
        auto c = through_transaction_pooler({.prepare_threshold = std::nullopt});
        for (int attempt = 0; attempt < 40; ++attempt) {
            c.execute("BEGIN");
            if (c.query_value<std::int32_t>("SELECT pg_backend_pid()") == pid) {
                held_.emplace(std::move(c));
                return;
            }
            c.execute("ROLLBACK");
        }
    }
    server_holder(server_holder&&) = default;
    server_holder& operator=(server_holder&&) = delete;
    ~server_holder()
    {
        try {
            if (held_)
                held_->execute("ROLLBACK");
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
        }
    }
    [[nodiscard]] bool holds() const noexcept { return held_.has_value(); }

private:
    std::optional<typq::connection> held_;
};

/// Runs `prepare` (statements that a connection with prepare_threshold 0 prepares as they run)
/// inside a transaction block on `conn`, where PgBouncer keeps one server connection, and holds
/// that server connection afterwards: the statements are prepared there and nowhere else, and the
/// next transaction of `conn` runs on another server connection.
template <class Prepare>
server_holder prepared_on_one_server_connection(typq::connection& conn, Prepare&& prepare)
{
    std::int32_t pid = 0;
    {
        typq::transaction tx(conn);
        prepare();
        pid = conn.query_value<std::int32_t>("SELECT pg_backend_pid()");
        tx.commit();
    }
    server_holder held(pid);
    REQUIRE(held.holds());
    return held;
}

/// A name no other test process uses at the same time (tables shared through the poolers).
inline std::string unique_name(const char* stem)
{
    static std::atomic<int> counter{0};
    return std::string(stem) + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

/// A table every connection sees (not a temporary one: through a pooler in transaction mode, a
/// temporary table lives on one server connection), dropped at the end. `columns` is its column
/// list.
class shared_table {
public:
    shared_table(const char* stem, const std::string& columns) : name_(unique_name(stem))
    {
        auto conn = typq_test::connect();
        conn.execute(typq::runtime("CREATE TABLE " + name_ + " (" + columns + ")"));
    }
    shared_table(const shared_table&) = delete;
    shared_table& operator=(const shared_table&) = delete;
    ~shared_table()
    {
        try {
            auto conn = typq_test::connect();
            conn.execute(typq::runtime("DROP TABLE IF EXISTS " + name_));
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
        }
    }
    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    /// Its rows, counted on the server itself (not through a pooler).
    [[nodiscard]] std::int64_t rows() const
    {
        auto conn = typq_test::connect();
        return conn.query_value<std::int64_t>(typq::runtime("SELECT count(*) FROM " + name_));
    }

private:
    std::string name_;
};

/// A primary and a streaming replica of the test's own (tests/support/pg_fixture.sh start and
/// replica-start into STATE_DIR/failover-<pid>), which it may stop and promote: never the server
/// other tests share. Stopped and deleted by the destructor.
class own_pair {
public:
    own_pair() : dir_(state_dir() + "/failover-" + std::to_string(::getpid()))
    {
        script_ = setting("fixture");
        if (run("start") != 0)
            throw std::runtime_error("pg_fixture.sh start " + dir_ + " failed (its log is on stderr)");
        if (run("replica-start") != 0)
            throw std::runtime_error("pg_fixture.sh replica-start " + dir_ + " failed (its log is on stderr)");
        // "host=<socket directory> port=<port> user=postgres dbname=postgres"
        primary_ = first_line(dir_ + "/dsn");
        primary_host_ = primary_.substr(5, primary_.find(' ') - 5);
        const std::string port = primary_.substr(primary_.find("port=") + 5);
        primary_port_ = port.substr(0, port.find(' '));
        standby_ = first_line(dir_ + "/replica_dsn");
        standby_host_ = first_line(dir_ + "/replica_host");
        standby_port_ = first_line(dir_ + "/replica_port");
    }
    own_pair(const own_pair&) = delete;
    own_pair& operator=(const own_pair&) = delete;
    ~own_pair()
    {
        (void)run("stop");
        std::error_code ignored;
        std::filesystem::remove(dir_, ignored);
    }

    [[nodiscard]] const std::string& primary_dsn() const noexcept { return primary_; }
    [[nodiscard]] const std::string& standby_dsn() const noexcept { return standby_; }
    [[nodiscard]] const std::string& primary_host() const noexcept { return primary_host_; }
    [[nodiscard]] const std::string& standby_host() const noexcept { return standby_host_; }

    /// Both servers in one conninfo, the primary first, followed by `extra`
    /// (`target_session_attrs=read-write`, ...).
    [[nodiscard]] std::string both(const std::string& extra) const
    {
        return "host=" + primary_host_ + "," + standby_host_ + " port=" + primary_port_ + "," + standby_port_
            + " user=postgres dbname=postgres " + extra;
    }

    /// Stops the primary (a fast shutdown: its sessions end with 57P01).
    [[nodiscard]] bool halt_primary() const { return run("halt") == 0; }
    /// Promotes the replica (pg_ctl promote, waiting until it accepts writes).
    [[nodiscard]] bool promote_standby() const { return run("promote") == 0; }

private:
    int run(const char* action) const { return typq_test::run_fixture(script_, action, dir_); }

    std::string dir_;
    std::string script_;
    std::string primary_;
    std::string standby_;
    std::string primary_host_;
    std::string primary_port_;
    std::string standby_host_;
    std::string standby_port_;
};

}  // namespace deployment_test

#endif  // TYPQ_TESTS_DEPLOYMENT_DEPLOYMENT_ENV_HPP
