// expect: field_cannot_read_its_column.*account_feeling
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: column feeling is the enum mood, and field "feeling" is an enum the
// program maps to another SQL type, color. Control: schema_enum_column_ok.cpp.

#include <typq/typq.hpp>

#include <cstdint>

enum class color { red, green };
template <>
struct typq::type<color> : typq::enum_type<color, "color"> {};

struct account_feeling {
    std::int64_t id;
    color feeling;
};

void run(typq::connection& conn)
{
    (void)conn.query<account_feeling>("SELECT id, feeling FROM account");
}
