// SPDX-License-Identifier: BSL-1.0
// typq/detail/hex.hpp: hexadecimal digits, both ways, for the adapters that parse or print them
// (uuid, inet, macaddr) and for messages that show a byte or a word in hex.

#ifndef TYPQ_DETAIL_HEX_HPP
#define TYPQ_DETAIL_HEX_HPP

#include <string>  // append_hex, to_hex

namespace typq::detail {

/// 0..15 for a hex digit of either case, -1 otherwise.
constexpr int hex_digit(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// The lower-case digit of `value` & 15.
constexpr char lower_hex_digit(unsigned value) noexcept { return "0123456789abcdef"[value & 15U]; }

/// Appends the `digits` lowest hex digits of `value`, lower case, most significant first.
inline void append_hex(std::string& out, unsigned value, int digits)
{
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
        out += lower_hex_digit(value >> shift);
}

/// The `digits` lowest hex digits of `value`, lower case: `to_hex(0x2a, 2)` is "2a".
inline std::string to_hex(unsigned value, int digits)
{
    std::string out;
    append_hex(out, value, digits);
    return out;
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_HEX_HPP
