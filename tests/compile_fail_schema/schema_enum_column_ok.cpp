// SPDX-License-Identifier: BSL-1.0
// Control of schema_enum_column.cpp: field "feeling" is an enum mapped to mood, the column's type.

#include <typq/typq.hpp>

#include <cstdint>

enum class mood { sad, ok, happy };
template <>
struct typq::type<mood> : typq::enum_type<mood, "mood"> {};

struct account_feeling {
    std::int64_t id;
    mood feeling;
};

void run(typq::connection& conn)
{
    (void)conn.query<account_feeling>("SELECT id, feeling FROM account");
}
