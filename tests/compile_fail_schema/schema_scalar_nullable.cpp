// expect: non_optional_field_over_nullable_column.*std::int64_t|non_optional_field_over_nullable_column.*long
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: max(id) is an expression, so the header says it may be NULL, and std::int64_t cannot hold NULL. Control: schema_scalar_nullable_ok.cpp.

#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>

void run(typq::connection& conn)
{
    (void)conn.query_value<std::int64_t>("SELECT max(id) FROM account");
}
