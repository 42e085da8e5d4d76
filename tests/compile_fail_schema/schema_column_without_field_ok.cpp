// SPDX-License-Identifier: BSL-1.0
// Control of schema_column_without_field.cpp: typq::ignoring_extra<T> lets the column through.

#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct account_brief {
    std::int64_t id;
    std::string email;
};

void run(typq::connection& conn)
{
    (void)conn.query_one<typq::ignoring_extra<account_brief>>("SELECT id, email, nickname FROM account WHERE id = $1",
        std::int64_t{1});
}
