// SPDX-License-Identifier: BSL-1.0
// Control for borrow_query_one_span.cpp: a std::vector<std::byte> element owns its bytes.

#include <typq/typq.hpp>

#include <cstddef>  // std::byte
#include <tuple>    // the row
#include <vector>   // the owned bytes

std::tuple<std::int64_t, std::vector<std::byte>> run(typq::connection& conn)
{
    return conn.query_one<std::tuple<std::int64_t, std::vector<std::byte>>>(
        "SELECT 1::int8, '\\x00'::bytea");
}
