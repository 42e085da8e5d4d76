// expect: argument_type_is_not_the_parameter_type.*Parameter = 1; Argument = bool|argument_type_is_not_the_parameter_type<1UL, bool>
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: $1 is compared with the bigint column id, and the server converts no bool to bigint. Control: schema_argument_type_ok.cpp.

#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>

void run(typq::connection& conn)
{
    (void)conn.execute("DELETE FROM account WHERE id = $1", true);
}
