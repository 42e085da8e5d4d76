// SPDX-License-Identifier: BSL-1.0
// Control of schema_scalar_nullable.cpp: std::optional<std::int64_t> holds the NULL of an empty table.

#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>

void run(typq::connection& conn)
{
    (void)conn.query_value<std::optional<std::int64_t>>("SELECT max(id) FROM account");
}
