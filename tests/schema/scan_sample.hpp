// SPDX-License-Identifier: BSL-1.0
// tests/schema/scan_sample.hpp: a header of scan_sample.cpp's, included twice there. Its statement
// must be listed once: the scanner lists the literals of headers under --source-dir, by place.

#ifndef TYPQ_TESTS_SCHEMA_SCAN_SAMPLE_HPP
#define TYPQ_TESTS_SCHEMA_SCAN_SAMPLE_HPP

#include <typq/typq.hpp>

#include <cstdint>

namespace scan_sample {

inline std::int64_t count_users(typq::connection& conn)
{
    return conn.query_value<std::int64_t>("SELECT count(*) FROM users");
}

}  // namespace scan_sample

#endif
