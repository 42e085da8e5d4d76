// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_money.cpp: typq::money (typq/types/money.hpp): cash_send's int8; every value prints.

#include "fuzz.hpp"

#include <typq/types/money.hpp>

#include <cstdint>  // std::int64_t

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using typq::oid;
    if (const auto value = typq_fuzz::round_trip<typq::money>(data, size, oid::money, true)) {
        // to_string: "$" or "-$", digits in groups of three, two after the point.
        const std::string text = value->to_string();
        TYPQ_FUZZ_CHECK(text.size() >= 5 && text.size() <= 32);
        TYPQ_FUZZ_CHECK(text[text.size() - 3] == '.');
        TYPQ_FUZZ_CHECK((value->cents < 0) == (text[0] == '-'));
    }
    return 0;
}
