// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_uuid.cpp: typq::uuid from uuid columns (16 bytes), and uuid::parse on the same bytes as
// text (typq/types/uuid.hpp): to_string and parse are inverses.

#include "fuzz.hpp"

#include <typq/types/uuid.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (const auto value = typq_fuzz::round_trip<typq::uuid>(data, size, typq::oid::uuid, true))
        TYPQ_FUZZ_CHECK(typq::uuid::parse(value->to_string()) == *value);
    // The bytes as text for parse: it refuses with conversion_error, or reads a uuid whose
    // canonical text reads back the same.
    try {
        const auto parsed = typq::uuid::parse(typq_fuzz::bytes_of(data, size));
        TYPQ_FUZZ_CHECK(typq::uuid::parse(parsed.to_string()) == parsed);
    }
    catch (const typq::conversion_error&) {
    }
    return 0;
}
