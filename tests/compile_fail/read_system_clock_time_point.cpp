// expect: read into typq::timestamptz .*std::chrono::round<std::chrono::microseconds>
// SPDX-License-Identifier: BSL-1.0
// A timestamptz column does not read into std::chrono::system_clock::time_point (nanoseconds):
// the message points to typq::timestamptz, and to rounding for parameters. Control:
// read_system_clock_time_point_ok.cpp.

#include <typq/typq.hpp>

#include <chrono>  // system_clock

struct event {
    std::chrono::system_clock::time_point at;
};

void run(typq::connection& conn)
{
    (void)conn.query<event>("SELECT now() AS at");
}
