// expect: field_cannot_read_its_column.*account_small
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: field "id" is std::int16_t, which cannot read the bigint column id. Control: schema_field_type_ok.cpp.

#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct account_small {
    std::int16_t id;
    std::string email;
};

void run(typq::connection& conn)
{
    for (const account_small& a : conn.query<account_small>("SELECT id, email FROM account ORDER BY id"))
        (void)a;
}
