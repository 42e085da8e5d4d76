// SPDX-License-Identifier: BSL-1.0
// Control of schema_array_column.cpp: std::vector<std::string> reads text[].

#include <typq/typq.hpp>

#include <cstdint>
#include <string>
#include <vector>

struct account_tags {
    std::int64_t id;
    std::vector<std::string> tags;
};

void run(typq::connection& conn)
{
    (void)conn.query<account_tags>("SELECT id, tags FROM account");
}
