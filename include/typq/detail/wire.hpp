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

namespace typq::detail {

template <class T>
concept wire_scalar = std::integral<T> || std::floating_point<T>;

// The unsigned integer with T's size: the carrier that byte swapping and bit_cast work on.
template <class T>
using wire_carrier_t = std::conditional_t<sizeof(T) == 1, std::uint8_t,
    std::conditional_t<sizeof(T) == 2, std::uint16_t,
        std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;

/// Writes `value` as sizeof(T) big-endian bytes at `out`.
template <wire_scalar T>
constexpr void store_be(char* out, T value) noexcept
{
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    auto bits = std::bit_cast<wire_carrier_t<T>>(value);
    for (std::size_t i = sizeof(T); i-- > 0;) {
        out[i] = static_cast<char>(static_cast<unsigned char>(bits & 0xffU));
        if constexpr (sizeof(T) > 1)
            bits = static_cast<wire_carrier_t<T>>(bits >> 8);
    }
}

/// Reads sizeof(T) big-endian bytes at `in` as a T.
template <wire_scalar T>
[[nodiscard]] constexpr T load_be(const char* in) noexcept
{
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    wire_carrier_t<T> bits = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        if constexpr (sizeof(T) > 1)
            bits = static_cast<wire_carrier_t<T>>(bits << 8);
        bits = static_cast<wire_carrier_t<T>>(bits | static_cast<unsigned char>(in[i]));
    }
    return std::bit_cast<T>(bits);
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_WIRE_HPP
