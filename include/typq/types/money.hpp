// SPDX-License-Identifier: BSL-1.0
// typq/types/money.hpp: typq::money, the server's money type as its 64-bit count of the smallest
// currency unit (cash_send / cash_recv: one big-endian int8).

#ifndef TYPQ_TYPES_MONEY_HPP
#define TYPQ_TYPES_MONEY_HPP

#include <typq/type.hpp>
#include <typq/detail/sql_text.hpp>

#include <compare>      // operator<=>
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t, std::uint64_t
#include <string>       // to_string()
#include <string_view>  // sql_type

namespace typq {

/// A `money` value: the server's 64-bit integer count of the currency's smallest unit, here
/// called cents. The binary form carries only that integer; the server's `lc_monetary` setting
/// decides how many of its digits are fractional in money's text form (2 in the C locale and most
/// others). typq assumes 2: `money{123456}` is `$1,234.56` under ``lc_monetary = 'C'``.
/// Every int8 value is a valid money, from -92233720368547758.08 to 92233720368547758.07.
struct money {
    /// The value in the currency's smallest unit: 123456 is 1,234.56 with 2 fractional digits.
    std::int64_t cents = 0;

    /// The server's text form under ``lc_monetary = 'C'``: `$1,234.56`, `-$0.01`, `$0.00`.
    [[nodiscard]] std::string to_string() const
    {
        // cash_out with the C locale's defaults: '$', ',' between groups of three digits, '.'
        // before two fractional digits, '-' before everything for a negative value.
        std::uint64_t rest = cents < 0 ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
        char reversed[32];  // 19 digits, 6 separators and the point at most
        std::size_t size = 0;
        const auto digit = [&] {
            reversed[size++] = static_cast<char>('0' + rest % 10);
            rest /= 10;
        };
        digit();
        digit();
        reversed[size++] = '.';
        for (int in_group = 0;; ++in_group) {
            if (in_group == 3) {
                reversed[size++] = ',';
                in_group = 0;
            }
            digit();
            if (rest == 0)
                break;
        }
        std::string text = cents < 0 ? "-$" : "$";
        while (size > 0)
            text += reversed[--size];
        return text;
    }

    /// Equal when the counts are.
    friend constexpr bool operator==(const money&, const money&) = default;
    /// Ordered by the count.
    friend constexpr std::strong_ordering operator<=>(const money&, const money&) = default;
};

/// typq::money as `money` (OID 790): binary, the count as a big-endian int8 (`cash_send`); reads
/// money columns.
template <>
struct type<money> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "money";
    static constexpr oid param_oid = oid::money;
    static constexpr oid array_oid = oid::money_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::money; }
    static void encode(const money& value, writer& out) { out.put_be(value.cents); }
    // cash_in's plainest form, `-1234.56`: no currency symbol or group separators, two
    // fractional digits (as typq assumes everywhere: lc_monetary's C locale).
    static void encode_text(const money& value, std::string& out)
    {
        const auto magnitude = value.cents < 0 ? 0 - static_cast<std::uint64_t>(value.cents) : static_cast<std::uint64_t>(value.cents);
        if (value.cents < 0)
            out += '-';
        detail::append_integer(out, magnitude / 100);
        out += '.';
        out += static_cast<char>('0' + magnitude / 10 % 10);
        out += static_cast<char>('0' + magnitude % 10);
    }
    static void decode(value_view in, money& out) { out.cents = in.read_be<std::int64_t>(); }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_MONEY_HPP
