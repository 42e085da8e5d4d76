// expect: typq::literal: this type has no text form
// SPDX-License-Identifier: BSL-1.0
// A composite has no literal: the order of its attributes is known only to the server. Control:
// literal_composite_ok.cpp.

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
    return typq::literal(a);
}
