// SPDX-License-Identifier: BSL-1.0
// Control for literal_composite.cpp: its attributes, each a literal of its own.

#include <typq/typq.hpp>

#include <cstdint>  // the zip code
#include <string>   // the city

struct address {
    std::string city;
    std::int32_t zip;
};
template <>
struct typq::type<address> : typq::composite_type<address, "address"> {};

typq::sql_fragment render(const address& a)
{
    return typq::format_sql("ROW({}, {})::address", typq::literal(a.city), typq::literal(a.zip));
}
