// SPDX-License-Identifier: BSL-1.0
// Control for text_results_non_string_field.cpp: with a string field in place of the integer,
// the typq::text_results form compiles.

#include <typq/typq.hpp>

#include <string>  // both fields are text

struct counted {
    std::string name;
    std::string count;
};

counted run(typq::connection& conn)
{
    return conn.query_one<counted>(typq::text_results, "SELECT 'a' AS name, 1 AS count");
}
