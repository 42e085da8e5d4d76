// SPDX-License-Identifier: BSL-1.0
// Control of schema_argument_type.cpp: int arguments convert to bigint (an implicit cast), and a cast in the statement takes any type.

#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>

void run(typq::connection& conn)
{
    (void)conn.execute("DELETE FROM account WHERE id = $1", 7);
    (void)conn.execute("DELETE FROM account WHERE id = $1::bool::int::bigint", true);
}
