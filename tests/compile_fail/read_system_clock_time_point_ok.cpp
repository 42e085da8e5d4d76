// SPDX-License-Identifier: BSL-1.0
// Control for read_system_clock_time_point.cpp and read_optional_system_clock_time_point.cpp:
// typq::timestamptz reads the column, and a system_clock::now() is sent rounded.

#include <typq/typq.hpp>

#include <chrono>    // system_clock
#include <optional>  // a NULL time

struct event {
    typq::timestamptz at;
    std::optional<typq::timestamptz> done;
};

void run(typq::connection& conn)
{
    (void)conn.query<event>("SELECT now() AS at, NULL::timestamptz AS done");
    conn.execute("INSERT INTO events VALUES ($1)", std::chrono::round<std::chrono::microseconds>(std::chrono::system_clock::now()));
}
