// SPDX-License-Identifier: BSL-1.0
// Control for row_get_no_type.cpp: a signed integer, and the other ways to use a typq::row.

#include <typq/typq.hpp>

#include <cstdint>  // the column's type

struct person {
    std::int64_t id;
};

std::int64_t run(typq::connection& conn, const typq::row& r)
{
    const typq::row one = conn.query_one<typq::row>("SELECT 1 AS n");
    for (const typq::row& each : conn.stream<typq::row>("SELECT 1 AS n"))
        (void)each;
    const person p = conn.query_one<typq::ignoring_extra<person>>("SELECT 1::int8 AS id, 2 AS extra");
    return r.get<std::int64_t>("n") + one.get<std::int64_t>(0) + p.id;
}
