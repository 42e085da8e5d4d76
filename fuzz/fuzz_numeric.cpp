// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_numeric.cpp: typq::numeric from numeric columns and from int2/int4/int8 columns
// (typq/types/numeric.hpp). A decoded value re-encodes to the same value and display scale, and
// prints text that numeric::parse reads back as the same value; the integer and double
// conversions refuse only with conversion_error.

#include "fuzz.hpp"

#include <typq/types/numeric.hpp>
#include <typq/types/scalar.hpp>

#include <cstdint>  // the integer conversions

namespace {

using typq::oid;

// Equal value and equal display scale: the text the server would print.
bool same_numeric(const typq::numeric& a, const typq::numeric& b)
{
    return a == b && a.scale() == b.scale() && a.to_string() == b.to_string();
}

template <class F>
void refuses_only_with_conversion_error(F&& f)
{
    try {
        (void)f();
    }
    catch (const typq::conversion_error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    for (const oid column : {oid::int2, oid::int4, oid::int8})
        if (const auto value = typq_fuzz::round_trip<typq::numeric>(data, size, column, false, same_numeric)) {
            const auto integer = typq_fuzz::decode<std::int64_t>(data, size, column);
            TYPQ_FUZZ_CHECK(integer && value->to<std::int64_t>() == *integer);
        }

    const auto value = typq_fuzz::round_trip<typq::numeric>(data, size, oid::numeric, false, same_numeric);
    if (!value)
        return 0;
    // The invariants the class promises: no leading or trailing zero digits, digits in base 10000.
    const auto digits = value->digits();
    TYPQ_FUZZ_CHECK(digits.empty() || (digits.front() != 0 && digits.back() != 0));
    for (const auto digit : digits)
        TYPQ_FUZZ_CHECK(digit >= 0 && digit < 10000);
    TYPQ_FUZZ_CHECK(value->scale() >= 0 && value->scale() <= typq::numeric::max_scale);
    TYPQ_FUZZ_CHECK(!value->is_zero() || value->sign() == 0);

    // Text round trip: what to_string prints (numeric_out), parse reads back (numeric_in).
    const std::string text = value->to_string();
    const auto parsed = typq::numeric::parse(text);
    TYPQ_FUZZ_CHECK(same_numeric(parsed, *value));

    refuses_only_with_conversion_error([&] { return value->to<std::int64_t>(); });
    refuses_only_with_conversion_error([&] { return value->round_to<std::int32_t>(); });
    refuses_only_with_conversion_error([&] { return value->truncate_to<std::uint64_t>(); });
    refuses_only_with_conversion_error([&] { return value->to_double(); });
    return 0;
}
