// SPDX-License-Identifier: BSL-1.0
// Control for result_loop_non_const_reference.cpp: a const reference, a forwarding reference or
// a copy.

#include <typq/typq.hpp>

#include <cstdint>  // the id

struct item {
    std::int64_t id;
};

std::int64_t run(typq::connection& conn)
{
    std::int64_t sum = 0;
    for (const auto& r : conn.query<item>("SELECT 1::int8 AS id"))
        sum += r.id;
    for (auto&& r : conn.query<item>("SELECT 1::int8 AS id"))
        sum += r.id;
    for (auto r : conn.query<item>("SELECT 1::int8 AS id"))
        sum += r.id;
    return sum;
}
