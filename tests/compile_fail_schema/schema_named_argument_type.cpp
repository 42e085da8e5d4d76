// expect: field_type_is_not_the_parameter_type.*account_key
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: :id binds field "id", a bool, and the server converts no bool to the
// bigint that id = :id makes of it. Control: schema_named_argument_type_ok.cpp.

#include <typq/typq.hpp>

#include <string>

struct account_key {
    bool id;
    std::string email;
};

void run(typq::connection& conn)
{
    (void)conn.execute("UPDATE account SET email = :email WHERE id = :id", account_key{true, "a@b.c"});
}
