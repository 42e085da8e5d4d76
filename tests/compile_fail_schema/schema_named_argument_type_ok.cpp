// SPDX-License-Identifier: BSL-1.0
// Control of schema_named_argument_type.cpp: a std::int64_t field for :id.

#include <typq/typq.hpp>

#include <cstdint>
#include <string>

struct account_key {
    std::int64_t id;
    std::string email;
};

void run(typq::connection& conn)
{
    (void)conn.execute("UPDATE account SET email = :email WHERE id = :id", account_key{1, "a@b.c"});
}
