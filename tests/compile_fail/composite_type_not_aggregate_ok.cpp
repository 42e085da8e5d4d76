// SPDX-License-Identifier: BSL-1.0
// Control for composite_type_not_aggregate.cpp: an aggregate struct.

#include <typq/typq.hpp>

#include <string>  // the field

namespace shop {
struct address {
    std::string street;
};
}  // namespace shop

template <>
struct typq::type<shop::address> : typq::composite_type<shop::address, "address"> {};

void run(typq::connection& conn, const shop::address& a)
{
    conn.execute("SELECT $1", a);
}
