// expect: field_has_no_column.*account_with_age
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: the struct has a field "age" that no column of the statement feeds. Control: schema_field_without_column_ok.cpp.

#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct account_with_age {
    std::int64_t id;
    std::string email;
    int age;
};

void run(typq::connection& conn)
{
    (void)conn.query<account_with_age>("SELECT id, email FROM account");
}
