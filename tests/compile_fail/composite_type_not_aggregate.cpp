// expect: T must be an aggregate struct
// SPDX-License-Identifier: BSL-1.0
// typq::composite_type on a class with a constructor and private members is rejected: its fields
// cannot be reflected.
// Control: composite_type_not_aggregate_ok.cpp.

#include <typq/typq.hpp>

#include <string>   // the field
#include <utility>  // std::move

namespace shop {
class address {
public:
    explicit address(std::string street) : street_(std::move(street)) {}

private:
    std::string street_;
};
}  // namespace shop

template <>
struct typq::type<shop::address> : typq::composite_type<shop::address, "address"> {};

void run(typq::connection& conn, const shop::address& a)
{
    conn.execute("SELECT $1", a);
}
