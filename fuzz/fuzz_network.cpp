// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_network.cpp: typq::inet (from inet and cidr columns), typq::cidr, typq::macaddr and
// typq::macaddr8 (typq/types/network.hpp). Decoded values print text that parse reads back
// equal; the same bytes, as text, go through each parse too.

#include "fuzz.hpp"

#include <typq/types/network.hpp>

#include <string_view>  // the bytes as text

namespace {

// parse(text) refuses with conversion_error, or gives a value whose text parses back equal.
template <class T>
void parses_consistently(std::string_view text)
{
    try {
        const T value = T::parse(text);
        TYPQ_FUZZ_CHECK(T::parse(value.to_string()) == value);
    }
    catch (const typq::conversion_error&) {
    }
}

template <class T>
void prints_and_parses_back(const std::optional<T>& value)
{
    if (value)
        TYPQ_FUZZ_CHECK(T::parse(value->to_string()) == *value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using typq::oid;
    // Not canonical: the decoders accept either is_cidr flag where the server's *_recv does, and
    // the encoders write the one of their own type.
    const auto inet = typq_fuzz::round_trip<typq::inet>(data, size, oid::inet, false);
    prints_and_parses_back(inet);
    const auto cidr = typq_fuzz::round_trip<typq::cidr>(data, size, oid::cidr, false);
    prints_and_parses_back(cidr);
    // Every cidr is an inet: a cidr column's value reads as inet too, to the same address and prefix.
    const auto widened = typq_fuzz::round_trip<typq::inet>(data, size, oid::cidr, false);
    prints_and_parses_back(widened);
    if (cidr)
        TYPQ_FUZZ_CHECK(widened && typq::inet(*cidr) == *widened);
    if (inet && cidr)
        TYPQ_FUZZ_CHECK(typq::inet(*cidr) == *inet);
    prints_and_parses_back(typq_fuzz::round_trip<typq::macaddr>(data, size, oid::macaddr, true));
    prints_and_parses_back(typq_fuzz::round_trip<typq::macaddr8>(data, size, oid::macaddr8, true));

    const auto text = typq_fuzz::bytes_of(data, size);
    parses_consistently<typq::inet>(text);
    parses_consistently<typq::cidr>(text);
    parses_consistently<typq::macaddr>(text);
    parses_consistently<typq::macaddr8>(text);
    return 0;
}
