// SPDX-License-Identifier: BSL-1.0
// tests/pool/pool_checks.hpp: what the pool tests share: a name for each pool's connections
// (its configure hook sets application_name, so that an oracle connection can find and
// terminate the pool's backends in pg_stat_activity), and polling with a bound.

#ifndef TYPQ_TESTS_POOL_POOL_CHECKS_HPP
#define TYPQ_TESTS_POOL_POOL_CHECKS_HPP

#include "typq_test.hpp"

#include <chrono>   // bounds and timings
#include <cstdint>  // std::int64_t counts
#include <string>   // names
#include <thread>   // std::this_thread::sleep_for
#include <unistd.h> // getpid: names unique across test processes run at once

namespace pool_test {

using namespace std::chrono_literals;
using test_clock = std::chrono::steady_clock;

/// An application_name unique to this test process: ctest runs test cases in parallel processes
/// against one server.
inline std::string unique_name(const std::string& what)
{
    return "typq_pool_" + what + "_" + std::to_string(::getpid());
}

/// Sets application_name to `name` on the connection (a configure hook's work).
inline void set_name(typq::connection& conn, const std::string& name)
{
    (void)conn.execute("SELECT set_config('application_name', $1, false)", name);
}

/// Options whose configure hook names each connection `name`, on top of `options`.
inline typq::pool_options named(const std::string& name, typq::pool_options options = {})
{
    options.configure = [name](typq::connection& conn) { set_name(conn, name); };
    return options;
}

/// How many backends the server has with application_name `name`.
inline std::int64_t backends(typq::connection& oracle, const std::string& name)
{
    return oracle.query_value<std::int64_t>("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", name);
}

/// Terminates the backend `pid` and waits (up to 5 s) until it has exited, so that its socket
/// already holds the server's farewell.
inline bool terminate(typq::connection& oracle, int pid)
{
    return oracle.query_value<bool>("SELECT pg_terminate_backend($1, 5000)", pid);
}

/// Polls `done` every 10 ms until it holds or `bound` passes; returns whether it held.
template <class Done>
bool eventually(Done done, std::chrono::milliseconds bound = 5s)
{
    const auto deadline = test_clock::now() + bound;
    for (;;) {
        if (done())
            return true;
        if (test_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(10ms);
    }
}

}  // namespace pool_test

#endif  // TYPQ_TESTS_POOL_POOL_CHECKS_HPP
