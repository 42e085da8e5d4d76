// expect: with typq::text_results every column arrives as text
// SPDX-License-Identifier: BSL-1.0
// With typq::text_results every column is text, so a row with a non-string field is rejected.
// Control: text_results_non_string_field_ok.cpp.

#include <typq/typq.hpp>

#include <cstdint>  // the field that cannot hold text

struct counted {
    std::string name;
    std::int64_t count;
};

counted run(typq::connection& conn)
{
    return conn.query_one<counted>(typq::text_results, "SELECT 'a' AS name, 1 AS count");
}
