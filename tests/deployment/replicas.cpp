// SPDX-License-Identifier: BSL-1.0
// tests/deployment/replicas.cpp: a primary and its streaming replica (the fixture `deployment`:
// pg_basebackup -R of the test server, or of a primary of the fixture's own under TYPQ_TEST_DSN).
// connection::in_hot_standby() and host() tell them apart; a multi-host conninfo reaches the one
// target_session_attrs asks for; the standby refuses writes; and the read/write split: a pool on
// read-write writes to the primary, a pool on prefer-standby reads from the replica what the
// primary wrote, once it is replayed there.

#include "deployment_env.hpp"

#include <typq/pool.hpp>

#include <chrono>   // the replay bound
#include <cstdint>  // std::int32_t, std::int64_t
#include <string>   // conninfo strings
#include <thread>   // polling for replay

namespace deployment_replicas_test {

using deployment_test::setting;
using namespace std::chrono_literals;

namespace {

// Both servers in one conninfo, the primary first, then `extra`.
std::string both(const std::string& extra)
{
    return "host=" + setting("primary_host") + "," + setting("standby_host") + " port=" + setting("primary_port") + ","
        + setting("standby_port") + " user=postgres dbname=postgres " + extra;
}

// Waits (up to `bound`) until the standby has replayed everything the primary has logged so far
// (its insert position: with synchronous_commit off, as in the fixture, the write position lags).
bool replayed(typq::connection& primary, typq::connection& standby, std::chrono::milliseconds bound = 10s)
{
    const auto target = primary.query_value<std::string>("SELECT pg_current_wal_insert_lsn()::text");
    const auto until = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < until) {
        if (standby.query_value<bool>(typq::runtime("SELECT pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn")))
            return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

}  // namespace

TEST_CASE("in_hot_standby() and host() tell the primary from its streaming replica", "[deployment][replica]")
{
    typq::connection primary(setting("primary_dsn"));
    typq::connection standby(setting("standby_dsn"));
    CHECK_FALSE(primary.in_hot_standby());
    CHECK(standby.in_hot_standby());
    CHECK(primary.host() == setting("primary_host"));
    CHECK(standby.host() == setting("standby_host"));
    CHECK(std::to_string(standby.port()) == setting("standby_port"));
    // The server's own word.
    CHECK_FALSE(primary.query_value<bool>("SELECT pg_is_in_recovery()"));
    CHECK(standby.query_value<bool>("SELECT pg_is_in_recovery()"));

    // A standby runs no write: 25006, read_only_sql_transaction.
    const auto thrown = typq_test::thrown_by([&] { standby.execute("CREATE TEMP TABLE typq_no_writes (v int4)"); });
    REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::server_error);
    try {
        typq_test::rethrow(thrown);
    }
    catch (const typq::server_error& e) {
        CHECK(e.sqlstate() == "25006");
    }
    CHECK(standby.query_value<std::int32_t>("SELECT 1") == 1);  // and goes on reading
}

TEST_CASE("a multi-host conninfo reaches the server target_session_attrs asks for", "[deployment][replica]")
{
    const auto [attrs, on_standby] = GENERATE(table<const char*, bool>({
        {"any", false},  // the first that answers
        {"read-write", false},
        {"primary", false},
        {"read-only", true},
        {"standby", true},
        {"prefer-standby", true},
    }));
    CAPTURE(attrs);
    typq::connection conn(both(std::string("target_session_attrs=") + attrs));
    CHECK(conn.in_hot_standby() == on_standby);
    CHECK(conn.host() == setting(on_standby ? "standby_host" : "primary_host"));
    CHECK(conn.query_value<bool>("SELECT pg_is_in_recovery()") == on_standby);
}

TEST_CASE("the read/write split: a pool on read-write writes to the primary, a pool on prefer-standby reads it from "
          "the replica", "[deployment][replica][pool]")
{
    const std::string table = deployment_test::unique_name("typq_split");
    typq::connection primary(setting("primary_dsn"));
    typq::connection standby(setting("standby_dsn"));
    primary.execute(typq::runtime("CREATE TABLE " + table + " (id int4 PRIMARY KEY)"));
    struct drop {
        typq::connection& conn;
        std::string name;
        ~drop()
        {
            try {
                conn.execute(typq::runtime("DROP TABLE IF EXISTS " + name));
            }
            catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
            }
        }
    } dropped{primary, table};

    typq::pool writes(both("target_session_attrs=read-write"), {.min_size = 2});
    typq::pool reads(both("target_session_attrs=prefer-standby"), {.min_size = 2});
    writes.wait(10s);
    reads.wait(10s);
    for (std::int32_t id = 1; id <= 10; ++id) {
        auto c = writes.connection();
        CHECK_FALSE(c->in_hot_standby());
        CHECK(c->host() == setting("primary_host"));
        CHECK(c->execute(typq::runtime("INSERT INTO " + table + " VALUES ($1)"), id) == 1);
    }
    REQUIRE(replayed(primary, standby));  // streaming replication is asynchronous
    for (int i = 0; i < 10; ++i) {
        auto c = reads.connection();
        CHECK(c->in_hot_standby());
        CHECK(c->host() == setting("standby_host"));
        CHECK(c->query_value<std::int64_t>(typq::runtime("SELECT count(*) FROM " + table)) == 10);
    }
    // A write through the read pool is the server's error, not a silent success somewhere else.
    {
        auto c = reads.connection();
        REQUIRE_THROWS_AS(c->execute(typq::runtime("INSERT INTO " + table + " VALUES (11)")), typq::server_error);
    }
    CHECK(writes.stats().connect_failures == 0);
    CHECK(reads.stats().connect_failures == 0);
}

}  // namespace deployment_replicas_test
