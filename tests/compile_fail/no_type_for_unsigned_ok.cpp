// SPDX-License-Identifier: BSL-1.0
// Control for no_type_for_unsigned.cpp: the value, widened to a signed type, is sent as int8.

#include <typq/typq.hpp>

#include <cstdint>  // std::int64_t

void run(typq::connection& conn, unsigned count)
{
    conn.execute("SELECT $1", std::int64_t{count});
}
