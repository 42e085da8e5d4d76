// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_misc.cpp: typq::oid from oid and reg* columns, and `char` from "char" columns
// (typq/types/misc.hpp).

#include "fuzz.hpp"

#include <typq/types/misc.hpp>

#include <cstdint>  // std::uint32_t

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using typq::oid;
    // oid, regclass, regtype: all oidsend's 4 bytes.
    for (const auto column : {oid::oid, static_cast<oid>(2205), static_cast<oid>(2206)})
        typq_fuzz::round_trip<oid>(data, size, column, true);
    typq_fuzz::round_trip<char>(data, size, oid::char_, true);
    return 0;
}
