// SPDX-License-Identifier: BSL-1.0
// Control of schema_field_type.cpp: std::int64_t reads bigint.

#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct account_small {
    std::int64_t id;
    std::string email;
};

void run(typq::connection& conn)
{
    for (const account_small& a : conn.query<account_small>("SELECT id, email FROM account ORDER BY id"))
        (void)a;
}
