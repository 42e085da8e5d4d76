// SPDX-License-Identifier: BSL-1.0
// typq/detail/wire.hpp: big-endian (network order) loads and stores of the wire's fixed-size
// values. Callers check lengths first; these only move bytes.

#ifndef TYPQ_DETAIL_WIRE_HPP
#define TYPQ_DETAIL_WIRE_HPP

#include <bit>          // std::bit_cast, std::endian
#include <concepts>     // std::integral, std::floating_point
#include <cstddef>      // std::size_t
#include <cstdint>      // fixed-width unsigned carriers
#include <cstring>      // std::memcpy
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

// The carrier's bytes in big-endian order (a no-op on a big-endian machine).
template <class Carrier>
[[nodiscard]] constexpr Carrier to_big_endian(Carrier bits) noexcept
{
    if constexpr (std::endian::native == std::endian::big || sizeof(Carrier) == 1)
        return bits;
    else if constexpr (sizeof(Carrier) == 2)
        return __builtin_bswap16(bits);
    else if constexpr (sizeof(Carrier) == 4)
        return __builtin_bswap32(bits);
    else
        return __builtin_bswap64(bits);
}

// At run time one memcpy of the swapped carrier: one load or store and one bswap, inlined
// wherever it is used (g++ 12 kept the byte-by-byte fold, still used at compile time, as a call
// of its own in some callers). memcpy, because `out` and `in` need not be aligned.

/// Writes `value` as sizeof(T) big-endian bytes at `out`.
template <wire_scalar T>
constexpr void store_be(char* out, T value) noexcept
{
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    const auto bits = std::bit_cast<wire_carrier_t<T>>(value);
    if (std::is_constant_evaluated()) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((out[I] = static_cast<char>(static_cast<unsigned char>(bits >> (8 * (sizeof(T) - 1 - I))))), ...);
        }(std::make_index_sequence<sizeof(T)>{});
        return;
    }
    const wire_carrier_t<T> big = to_big_endian(bits);
    std::memcpy(out, &big, sizeof(T));
}

/// Reads sizeof(T) big-endian bytes at `in` as a T.
template <wire_scalar T>
[[nodiscard]] constexpr T load_be(const char* in) noexcept
{
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    using carrier = wire_carrier_t<T>;
    if (std::is_constant_evaluated()) {
        return [in]<std::size_t... I>(std::index_sequence<I...>) {
            return std::bit_cast<T>(static_cast<carrier>(
                ((static_cast<carrier>(static_cast<unsigned char>(in[I])) << (8 * (sizeof(T) - 1 - I))) | ...)));
        }(std::make_index_sequence<sizeof(T)>{});
    }
    carrier big;
    std::memcpy(&big, in, sizeof(T));
    return std::bit_cast<T>(to_big_endian(big));
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_WIRE_HPP
