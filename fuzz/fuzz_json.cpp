// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_json.cpp: typq::json and typq::jsonb from json and jsonb columns (typq/types/json.hpp):
// json's bytes are the text, jsonb's a version byte 1 then the text.

#include "fuzz.hpp"

#include <typq/types/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using typq::oid;
    const auto input = typq_fuzz::bytes_of(data, size);
    const auto json = typq_fuzz::round_trip<typq::json>(data, size, oid::json, true);
    TYPQ_FUZZ_CHECK(json && json->text() == input);
    const auto jsonb = typq_fuzz::round_trip<typq::jsonb>(data, size, oid::jsonb, true);
    TYPQ_FUZZ_CHECK(jsonb.has_value() == (size > 0 && data[0] == 1));
    // Across: a jsonb column read as json, and a json column read as jsonb.
    if (const auto text = typq_fuzz::round_trip<typq::json>(data, size, oid::jsonb, false))
        TYPQ_FUZZ_CHECK(jsonb && text->text() == jsonb->text());
    if (const auto text = typq_fuzz::round_trip<typq::jsonb>(data, size, oid::json, false))
        TYPQ_FUZZ_CHECK(text->text() == input);
    return 0;
}
