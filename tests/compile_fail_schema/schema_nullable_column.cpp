// expect: non_optional_field_over_nullable_column.*account_named
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: column nickname may be NULL (the table does not declare it NOT NULL), and field "nickname" is not a std::optional. Control: schema_nullable_column_ok.cpp.

#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct account_named {
    std::int64_t id;
    std::string nickname;
};

void run(typq::connection& conn)
{
    (void)conn.query_opt<account_named>("SELECT id, nickname FROM account WHERE email = $1", std::string("a@b.c"));
}
