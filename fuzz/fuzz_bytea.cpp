// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_bytea.cpp: std::vector<std::byte> and std::span<const std::byte> from bytea columns
// (typq/types/bytea.hpp): any bytes read back unchanged and re-encode to themselves.

#include "fuzz.hpp"

#include <typq/types/bytea.hpp>

#include <cstddef>  // std::byte
#include <span>     // std::span
#include <vector>   // std::vector

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using typq::oid;
    const auto owned = typq_fuzz::round_trip<std::vector<std::byte>>(data, size, oid::bytea, true);
    TYPQ_FUZZ_CHECK(owned && owned->size() == size);
    const auto view = typq_fuzz::decode<std::span<const std::byte>>(data, size, oid::bytea);
    TYPQ_FUZZ_CHECK(view && view->size() == size && (size == 0 || view->data() == reinterpret_cast<const std::byte*>(data)));
    return 0;
}
