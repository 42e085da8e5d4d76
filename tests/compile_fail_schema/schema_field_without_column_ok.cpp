// SPDX-License-Identifier: BSL-1.0
// Control of schema_field_without_column.cpp: the same statement with a column for every field.

#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct account_with_age {
    std::int64_t id;
    std::string email;
    std::optional<int> age;
};

void run(typq::connection& conn)
{
    (void)conn.query<account_with_age>("SELECT id, email, 42 AS age FROM account");
}
