// expect: column_has_no_field.*account_brief
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: the statement's column "nickname" has no field of that name. Control: schema_column_without_field_ok.cpp.

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
    (void)conn.query_one<account_brief>("SELECT id, email, nickname FROM account WHERE id = $1", std::int64_t{1});
}
