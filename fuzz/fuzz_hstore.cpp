// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_hstore.cpp: hstore (hstore_send's form) into std::map and std::unordered_map of
// std::optional<std::string> (typq/types/hstore.hpp). hstore's OID is looked up from a
// connection, but decoding and encoding need none: the harness gives the column an OID of its
// own. Both maps read the same inputs and the same pairs; what one reads re-encodes (encoding
// needs no connection either) to a value that reads back equal.

#include "fuzz.hpp"

#include <typq/types/hstore.hpp>

#include <map>            // std::map
#include <optional>       // NULL values
#include <string>         // keys and values
#include <unordered_map>  // std::unordered_map

namespace {

using typq::oid;

// The OID a connection would have found for hstore: any OID, for the decoder does not look.
constexpr auto hstore_oid = static_cast<oid>(16385);

using ordered = std::map<std::string, std::optional<std::string>>;
using unordered = std::unordered_map<std::string, std::optional<std::string>>;

// decode(encode(x)) == x, when x can be sent: a NUL byte in a key or value is refused with
// conversion_error (PostgreSQL text cannot hold one; hstore_recv would refuse it).
template <class M>
std::optional<M> round_trip(const std::uint8_t* data, std::size_t size)
{
    auto value = typq_fuzz::decode<M>(data, size, hstore_oid);
    if (!value)
        return value;
    bool has_nul = false;
    for (const auto& [key, mapped] : *value)
        has_nul = has_nul || key.find('\0') != std::string::npos || (mapped && mapped->find('\0') != std::string::npos);
    std::string bytes;
    try {
        bytes = typq_fuzz::encode(*value);
    }
    catch (const typq::conversion_error&) {
        TYPQ_FUZZ_CHECK(has_nul);
        return value;
    }
    TYPQ_FUZZ_CHECK(!has_nul);
    const auto again = typq_fuzz::decode<M>(typq_fuzz::view(bytes, hstore_oid));
    TYPQ_FUZZ_CHECK(again && *again == *value);
    // As many bytes as the input: the same pairs, each with its length, in another order maybe.
    TYPQ_FUZZ_CHECK(bytes.size() == size);
    return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto map = round_trip<ordered>(data, size);
    const auto hash = round_trip<unordered>(data, size);
    TYPQ_FUZZ_CHECK(map.has_value() == hash.has_value());
    if (map) {
        TYPQ_FUZZ_CHECK(map->size() == hash->size());
        for (const auto& [key, mapped] : *map) {
            const auto found = hash->find(key);
            TYPQ_FUZZ_CHECK(found != hash->end() && found->second == mapped);
        }
    }
    return 0;
}
