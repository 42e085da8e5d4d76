// expect: two_columns_for_one_field.*account_email
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: two columns are called email, and field "email" can read only one.
// Control: schema_two_columns_for_one_field_ok.cpp.

#include <typq/typq.hpp>

#include <optional>
#include <string>

struct account_email {
    std::optional<std::string> email;
};

void run(typq::connection& conn)
{
    (void)conn.query<typq::ignoring_extra<account_email>>("SELECT email, nickname AS email FROM account");
}
