// expect: has a std::string_view or std::span field
// SPDX-License-Identifier: BSL-1.0
// A std::span<const std::byte> element (a view of a bytea value) cannot leave its result either:
// query_one of a tuple holding one is rejected. Control: borrow_query_one_span_ok.cpp.

#include <typq/typq.hpp>

#include <cstddef>  // std::byte
#include <span>     // the borrowed bytes
#include <tuple>    // the row

std::tuple<std::int64_t, std::span<const std::byte>> run(typq::connection& conn)
{
    return conn.query_one<std::tuple<std::int64_t, std::span<const std::byte>>>(
        "SELECT 1::int8, '\\x00'::bytea");
}
