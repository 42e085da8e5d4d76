// SPDX-License-Identifier: BSL-1.0
// typq/types/bit.hpp: typq::bit_string for bit(n) and bit varying (bit_send / varbit_send: the
// bit count as an int4, then the bits packed most significant first, the last byte's unused low
// bits zero).

#ifndef TYPQ_TYPES_BIT_HPP
#define TYPQ_TYPES_BIT_HPP

#include <typq/error.hpp>
#include <typq/type.hpp>

#include <cstddef>      // std::byte, std::size_t
#include <cstdint>      // std::int32_t
#include <limits>       // the int4 bit count's limit
#include <span>         // bytes()
#include <string>       // to_string(), messages
#include <string_view>  // parse()
#include <vector>       // the packed bits

namespace typq {
namespace detail {

inline constexpr std::size_t bit_byte_count(std::size_t bits) noexcept { return bits / 8 + (bits % 8 != 0 ? 1 : 0); }

// Why `bytes` cannot hold `size` bits packed as the server packs them, or nullptr when they can:
// exactly the bytes the bits need, and the last byte's unused low bits zero (bit_send sends
// them so; bit_recv clears them rather than refusing them).
inline const char* bit_string_problem(std::size_t size, std::span<const std::byte> bytes) noexcept
{
    if (bytes.size() != bit_byte_count(size))
        return "the byte count does not match the bit count";
    if (const std::size_t used = size % 8; used != 0) {
        const auto unused = static_cast<std::byte>(0xffU >> used);
        if ((bytes.back() & unused) != std::byte{0})
            return "bits past the bit count are set";
    }
    return nullptr;
}

}  // namespace detail

/// A string of bits, as in `bit(n)` and `bit varying(n)` (`varbit`) columns: `size()` bits,
/// stored packed most significant bit first, as the server stores them. Bits past `size()` in
/// the last byte are always zero, so `==` compares the bits alone.
/// @par Example
/// `auto flags = typq::bit_string::parse("10110"); flags[0] == true; flags.to_string() == "10110";`
class bit_string {
public:
    /// The empty bit string.
    bit_string() = default;

    /// `size` zero bits.
    explicit bit_string(std::size_t size) : size_(size), bytes_(detail::bit_byte_count(size)) {}

    /// `size` bits packed in `bytes`, most significant bit of `bytes[0]` first.
    /// @throws typq::conversion_error when `bytes` is not exactly the `(size + 7) / 8` bytes the
    ///         bits need, or sets a bit past `size`.
    bit_string(std::size_t size, std::span<const std::byte> bytes) : size_(size), bytes_(bytes.begin(), bytes.end())
    {
        if (const char* problem = detail::bit_string_problem(size, bytes))
            throw conversion_error(problem, conversion_site{{}, "varbit", {}, {}});
    }

    /// Bits from their text form, as the server prints a bit string: `"10110"` (no ``B'...'``).
    /// @throws typq::conversion_error on a character other than '0' and '1'.
    [[nodiscard]] static bit_string parse(std::string_view text)
    {
        bit_string bits(text.size());
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] != '0' && text[i] != '1')
                throw conversion_error("not a bit string: character " + std::to_string(i)
                        + " is not '0' or '1'",
                    conversion_site{{}, "varbit", {}, {}});
            if (text[i] == '1')
                bits.bytes_[i / 8] |= mask(i);
        }
        return bits;
    }

    /// The bits as '0' and '1' characters, as the server prints them cast to text.
    [[nodiscard]] std::string to_string() const
    {
        std::string text(size_, '0');
        for (std::size_t i = 0; i < size_; ++i)
            if ((*this)[i])
                text[i] = '1';
        return text;
    }

    /// The number of bits.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    /// True when there are no bits.
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

    /// Bit `i`, counted from the first (leftmost in the text form). `i` must be below `size()`.
    [[nodiscard]] bool operator[](std::size_t i) const noexcept { return (bytes_[i / 8] & mask(i)) != std::byte{0}; }

    /// Sets bit `i` to `value`.
    /// @throws typq::usage_error when `i` is not below `size()`.
    void set(std::size_t i, bool value = true)
    {
        if (i >= size_)
            throw usage_error("bit " + std::to_string(i) + " is past the end of a bit string of "
                + std::to_string(size_) + " bits");
        if (value)
            bytes_[i / 8] |= mask(i);
        else
            bytes_[i / 8] &= ~mask(i);
    }

    /// The packed bits: `(size() + 7) / 8` bytes, most significant bit first, unused bits zero.
    [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return bytes_; }

    /// Equal when the sizes and the bits are.
    friend bool operator==(const bit_string&, const bit_string&) = default;

private:
    static constexpr std::byte mask(std::size_t i) noexcept { return static_cast<std::byte>(0x80U >> (i % 8)); }

    std::size_t size_ = 0;
    std::vector<std::byte> bytes_;
};

/// typq::bit_string, binary: the bit count as an int4, then the packed bits (`varbit_send`). As a
/// parameter, `varbit` (OID 1562): the server casts it to a `bit(n)` column's type on assignment, and
/// refuses a length other than n (SQLSTATE 22026, typq::data_exception). Reads `bit` and `varbit`
/// columns.
template <>
struct type<bit_string> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "varbit";
    static constexpr oid param_oid = oid::varbit;
    static constexpr oid array_oid = oid::varbit_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::varbit || column == oid::bit; }

    static void encode(const bit_string& value, writer& out)
    {
        if (value.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
            throw conversion_error("a bit string of " + std::to_string(value.size())
                    + " bits is longer than PostgreSQL's int4 bit count allows",
                conversion_site{{}, "varbit", {}, {}});
        out.put_be(static_cast<std::int32_t>(value.size()));
        out.put_bytes(value.bytes().data(), value.bytes().size());
    }

    static void encode_text(const bit_string& value, std::string& out) { out += value.to_string(); }

    static void decode(value_view in, bit_string& out)
    {
        // bit_recv / varbit_recv: an int4 bit count, never negative, then exactly the bytes it needs.
        const auto count = in.subview(0, 4, oid::int4).read_be<std::int32_t>();
        if (count < 0)
            in.fail("bit count is " + std::to_string(count) + ", expected at least 0");
        const auto bits = in.subview(4, in.size() - 4, in.type());
        const auto size = static_cast<std::size_t>(count);
        if (const char* problem = detail::bit_string_problem(size, bits.bytes()))
            in.fail(std::string(problem) + " (" + std::to_string(count) + " bits in " + std::to_string(bits.size())
                + " bytes)");
        out = bit_string(size, bits.bytes());
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_BIT_HPP
