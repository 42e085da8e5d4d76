// SPDX-License-Identifier: BSL-1.0
// Control of schema_nullable_column.cpp: std::optional<std::string> may hold NULL.

#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct account_named {
    std::int64_t id;
    std::optional<std::string> nickname;
};

void run(typq::connection& conn)
{
    (void)conn.query_opt<account_named>("SELECT id, nickname FROM account WHERE email = $1", std::string("a@b.c"));
}
