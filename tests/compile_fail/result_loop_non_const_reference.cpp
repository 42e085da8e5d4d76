// expect: non-const lvalue reference
// SPDX-License-Identifier: BSL-1.0
// A result decodes each row when it is read and returns it by value, so `auto&` cannot bind to
// it: write `const auto&`, `auto&&` or `auto`. Control: result_loop_non_const_reference_ok.cpp.

#include <typq/typq.hpp>

#include <cstdint>  // the id

struct item {
    std::int64_t id;
};

std::int64_t run(typq::connection& conn)
{
    std::int64_t sum = 0;
    for (auto& r : conn.query<item>("SELECT 1::int8 AS id"))
        sum += r.id;
    return sum;
}
