// SPDX-License-Identifier: BSL-1.0
// typq/detail/wire.hpp: big-endian (network order) loads and stores of the wire's fixed-size
// values. Callers check lengths first; these only move bytes.

#ifndef TYPQ_DETAIL_WIRE_HPP
#define TYPQ_DETAIL_WIRE_HPP

#include <bit>          // std::bit_cast, std::endian
#include <concepts>     // std::integral, std::floating_point
#include <cstddef>      // std::size_t
#include <cstdint>      // fixed-width unsigned carriers
#include <type_traits>  // std::make_unsigned_t
#include <utility>      // std::index_sequence

namespace typq::detail {

template <class T>
concept wire_scalar = std::integral<T> || std::floating_point<T>;

// The unsigned integer with T's size: the carrier that byte swapping and bit_cast work on.
template <class T>
using wire_carrier_t = std::conditional_t<sizeof(T) == 1, std::uint8_t,
    std::conditional_t<sizeof(T) == 2, std::uint16_t,
        std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;

// Both are one expression over the bytes (a fold, not a loop), which g++ and clang compile at
// -O2 to one load or store and one bswap; g++ 12 does not unroll the loop form at -O2 and ran
// it byte by byte (about 50 instructions per int8).

/// Writes `value` as sizeof(T) big-endian bytes at `out`.
template <wire_scalar T>
constexpr void store_be(char* out, T value) noexcept
{
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    const auto bits = std::bit_cast<wire_carrier_t<T>>(value);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((out[I] = static_cast<char>(static_cast<unsigned char>(bits >> (8 * (sizeof(T) - 1 - I))))), ...);
    }(std::make_index_sequence<sizeof(T)>{});
}

/// Reads sizeof(T) big-endian bytes at `in` as a T.
template <wire_scalar T>
[[nodiscard]] constexpr T load_be(const char* in) noexcept
{
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    using carrier = wire_carrier_t<T>;
    return [in]<std::size_t... I>(std::index_sequence<I...>) {
        return std::bit_cast<T>(static_cast<carrier>(
            ((static_cast<carrier>(static_cast<unsigned char>(in[I])) << (8 * (sizeof(T) - 1 - I))) | ...)));
    }(std::make_index_sequence<sizeof(T)>{});
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_WIRE_HPP
