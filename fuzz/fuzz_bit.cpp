// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_bit.cpp: typq::bit_string from bit and varbit columns (typq/types/bit.hpp): the bit
// count, then exactly the bytes it needs, unused low bits zero; to_string and parse are inverses.

#include "fuzz.hpp"

#include <typq/types/bit.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using typq::oid;
    for (const oid column : {oid::bit, oid::varbit})
        if (const auto bits = typq_fuzz::round_trip<typq::bit_string>(data, size, column, true)) {
            const std::string text = bits->to_string();
            TYPQ_FUZZ_CHECK(text.size() == bits->size());
            TYPQ_FUZZ_CHECK(typq::bit_string::parse(text) == *bits);
        }
    return 0;
}
