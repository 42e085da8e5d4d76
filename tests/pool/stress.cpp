// SPDX-License-Identifier: BSL-1.0
// tests/pool/stress.cpp: 16 threads hammer a pool of 4 with point queries (and transaction
// blocks they abandon) for 3 s while an oracle terminates random backends of the pool: no crash,
// no hang, no broken or busy connection handed out, every failure a typq::connection_error from
// the statement that was running, and the pool back to full size afterwards.

#include "pool_checks.hpp"

#include <atomic>     // counters shared by the threads
#include <chrono>     // the run's length
#include <cstdint>    // std::int32_t, std::int64_t, std::uint64_t
#include <exception>  // std::exception: anything unexpected
#include <mutex>      // unexpected messages
#include <string>     // names, messages
#include <thread>     // the users
#include <vector>     // threads, messages

namespace pool_stress_test {

using namespace pool_test;

TEST_CASE("16 threads on a pool of 4 while backends are terminated: only running statements fail, and the pool recovers",
    "[pool][stress]")
{
    const std::string name = unique_name("stress");
    typq::connection oracle = typq_test::connect();
    typq::pool pool{typq_test::dsn(), named(name, {.min_size = 4, .max_size = 4, .timeout = 10s,
        .reconnect = {.initial = 10ms, .max_delay = 200ms}})};
    pool.wait(5s);

    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> queries{0};
    std::atomic<std::uint64_t> statement_failures{0};  // connection_error from a statement
    std::atomic<std::uint64_t> bad_handouts{0};        // a lease not open, or not idle
    std::atomic<std::uint64_t> wrong_answers{0};
    std::mutex unexpected_mutex;
    std::vector<std::string> unexpected;  // anything else, from acquiring or from a statement
    const auto record = [&](const std::string& what) {
        const std::lock_guard<std::mutex> lock(unexpected_mutex);
        unexpected.push_back(what);
    };

    const auto user = [&](std::int32_t id) {
        for (std::int32_t i = id * 1000000; !stop; ++i) {
            typq::pool::lease c;
            try {
                c = pool.connection();
            }
            catch (const std::exception& e) {
                record(std::string("acquiring: ") + e.what());
                continue;
            }
            if (c->state() != typq::connection_state::open || c->transaction_status() != typq::transaction_status::idle)
                ++bad_handouts;
            try {
                if (i % 8 == 7) {
                    // Left open: the pool rolls it back when the lease ends.
                    (void)c->execute("BEGIN");
                    if (c->query_value<std::int32_t>("SELECT $1::int4", i) != i)
                        ++wrong_answers;
                }
                else if (c->query_value<std::int32_t>("SELECT $1::int4", i) != i)
                    ++wrong_answers;
                ++queries;
            }
            catch (const typq::connection_error&) {
                ++statement_failures;
            }
            catch (const std::exception& e) {
                record(std::string("a statement: ") + e.what());
            }
        }
    };
    std::vector<std::thread> users;
    for (std::int32_t id = 0; id < 16; ++id)
        users.emplace_back(user, id);

    // Each termination waits until the backend has exited (so that it is counted once: an exiting
    // backend is still in pg_stat_activity, and would accept a second signal).
    std::int64_t terminated = 0;
    const auto end = test_clock::now() + 3s;
    while (test_clock::now() < end) {
        terminated += oracle.query_value<std::int64_t>(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM "
            "(SELECT pid FROM pg_stat_activity WHERE application_name = $1 ORDER BY random() LIMIT 1) AS victim",
            name);
        std::this_thread::sleep_for(40ms);
    }
    stop = true;
    for (std::thread& t : users)
        t.join();

    std::string unexpected_text;
    for (const std::string& what : unexpected)
        unexpected_text += what + "\n";
    INFO(unexpected_text);
    CAPTURE(queries.load(), terminated, statement_failures.load());
    CHECK(unexpected.empty());
    CHECK(bad_handouts == 0);
    CHECK(wrong_answers == 0);
    CHECK(queries > 1000);
    CHECK(terminated > 10);
    CHECK(statement_failures <= static_cast<std::uint64_t>(terminated));

    REQUIRE(eventually([&] {
        const typq::pool_stats s = pool.stats();
        return s.size == 4 && s.idle == 4 && s.waiting == 0;
    }));
    // Connections terminated while idle are found when they are next handed out.
    std::vector<typq::pool::lease> all;
    for (int i = 0; i < 4; ++i)
        all.push_back(pool.connection(5s));
    for (typq::pool::lease& c : all)
        CHECK(c->query_value<std::int32_t>("SELECT 1") == 1);

    const typq::pool_stats s = pool.stats();
    CAPTURE(s.connections_lost, s.connections_made, s.connect_failures, s.acquisitions);
    // A backend terminated during configure (just after it set application_name) is a failed
    // attempt rather than a lost connection.
    CHECK(s.connections_lost + s.connect_failures >= static_cast<std::uint64_t>(terminated));
    CHECK(s.connections_made == s.connections_lost + 4);
    CHECK(s.timeouts == 0);
    CHECK(s.acquisitions >= queries);
}

}  // namespace pool_stress_test
