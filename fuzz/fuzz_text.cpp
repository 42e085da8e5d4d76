// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_text.cpp: std::string and std::string_view from text, varchar, bpchar, name and unknown
// columns (typq/types/text.hpp): any bytes read back unchanged; re-encoding refuses only a NUL.

#include "fuzz.hpp"

#include <typq/types/text.hpp>

#include <string>       // std::string
#include <string_view>  // std::string_view

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using typq::oid;
    const auto input = typq_fuzz::bytes_of(data, size);
    for (const oid column : {oid::text, oid::varchar, oid::bpchar, oid::name, oid::unknown}) {
        const auto text = typq_fuzz::decode<std::string>(data, size, column);
        TYPQ_FUZZ_CHECK(text && *text == input);
        const auto view = typq_fuzz::decode<std::string_view>(data, size, column);
        TYPQ_FUZZ_CHECK(view && *view == input);
    }
    // Encoding: the same bytes, unless there is a NUL, which is refused with conversion_error.
    std::string encoded;
    try {
        encoded = typq_fuzz::encode(std::string(input));
        TYPQ_FUZZ_CHECK(input.find('\0') == std::string_view::npos);
        TYPQ_FUZZ_CHECK(encoded == input);
    }
    catch (const typq::conversion_error&) {
        TYPQ_FUZZ_CHECK(input.find('\0') != std::string_view::npos);
    }
    return 0;
}
