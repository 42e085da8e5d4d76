// SPDX-License-Identifier: BSL-1.0
// Control of schema_two_columns_for_one_field.cpp: the second column has a name of its own.

#include <typq/typq.hpp>

#include <optional>
#include <string>

struct account_email {
    std::optional<std::string> email;
};

void run(typq::connection& conn)
{
    (void)conn.query<typq::ignoring_extra<account_email>>("SELECT email, nickname AS other_email FROM account");
}
