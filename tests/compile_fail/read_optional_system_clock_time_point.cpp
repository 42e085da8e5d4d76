// expect: read into typq::timestamptz .*std::chrono::round<std::chrono::microseconds>
// SPDX-License-Identifier: BSL-1.0
// The same message for a std::optional of one. Control: read_system_clock_time_point_ok.cpp.

#include <typq/typq.hpp>

#include <chrono>    // system_clock
#include <optional>  // a NULL time

struct event {
    std::optional<std::chrono::system_clock::time_point> done;
};

void run(typq::connection& conn)
{
    (void)conn.query<event>("SELECT NULL::timestamptz AS done");
}
