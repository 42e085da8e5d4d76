// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_scalar.cpp: bool, int2, int4, int8 (also widened, and from oid columns), float4, float8
// (typq/types/scalar.hpp). Exact-type decodes re-encode to the very same bytes.

#include "fuzz.hpp"

#include <typq/types/scalar.hpp>

#include <bit>      // std::bit_cast: floats compared by their bits
#include <cstdint>  // the integer widths

namespace {

using typq::oid;

template <class I>
void integers(const std::uint8_t* data, std::size_t size)
{
    for (const oid column : {oid::int2, oid::int4, oid::int8, oid::oid}) {
        if (!typq::type<I>::accepts(column))
            continue;
        const bool exact = column == typq::type<I>::param_oid;
        const auto value = typq_fuzz::round_trip<I>(data, size, column, exact);
        // A widened value is the number the column's own width reads.
        const auto widest = typq_fuzz::decode<std::int64_t>(data, size, column);
        TYPQ_FUZZ_CHECK(value.has_value() == widest.has_value());
        TYPQ_FUZZ_CHECK(!value || static_cast<std::int64_t>(*value) == *widest);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    typq_fuzz::round_trip<bool>(data, size, oid::boolean, true);
    integers<std::int16_t>(data, size);
    integers<std::int32_t>(data, size);
    integers<std::int64_t>(data, size);
    integers<long long>(data, size);
    // Floats compare by their bits: NaN != NaN, yet its bytes must survive.
    typq_fuzz::round_trip<float>(data, size, oid::float4, true, [](float a, float b) {
        return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
    });
    typq_fuzz::round_trip<double>(data, size, oid::float8, true, [](double a, double b) {
        return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
    });
    // float4 widens exactly into double (NaN stays NaN).
    if (const auto wide = typq_fuzz::decode<double>(data, size, oid::float4)) {
        const auto narrow = typq_fuzz::decode<float>(data, size, oid::float4);
        TYPQ_FUZZ_CHECK(narrow.has_value());
        TYPQ_FUZZ_CHECK(*wide == static_cast<double>(*narrow) || (*wide != *wide && *narrow != *narrow));
    }
    return 0;
}
