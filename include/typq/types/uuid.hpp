// SPDX-License-Identifier: BSL-1.0
// typq/types/uuid.hpp: typq::uuid and its binary adapter (uuid_send / uuid_recv: the 16 bytes in
// network order).

#ifndef TYPQ_TYPES_UUID_HPP
#define TYPQ_TYPES_UUID_HPP

#include <typq/error.hpp>
#include <typq/type.hpp>
#include <typq/detail/hex.hpp>

#include <array>        // std::array storage
#include <compare>      // std::strong_ordering
#include <cstddef>      // std::byte, std::size_t
#include <string>       // to_string(), messages
#include <string_view>  // parse()

namespace typq {
namespace detail {

[[noreturn]] inline void throw_uuid_parse_error(std::string_view reason, std::size_t offset)
{
    throw conversion_error("invalid uuid text: " + std::string(reason) + " at offset " + std::to_string(offset),
        conversion_site{{}, "uuid", {}, {}});
}

}  // namespace detail

/// A UUID: 16 bytes in network order, as PostgreSQL's uuid holds them. A default-constructed
/// uuid is the nil UUID (all zeros). Ordering is byte by byte, the same as the server's.
class uuid {
public:
    /// The 16 bytes, in network order.
    using bytes_type = std::array<std::byte, 16>;

    /// The nil UUID, 00000000-0000-0000-0000-000000000000.
    constexpr uuid() noexcept = default;
    /// The UUID whose 16 bytes, in network order, are `bytes`.
    constexpr explicit uuid(const bytes_type& bytes) noexcept : bytes_(bytes) {}

    /// The nil UUID.
    [[nodiscard]] static constexpr uuid nil() noexcept { return uuid(); }

    /// Parses what the server's uuid_in accepts: 32 hex digits of either case, with an optional
    /// hyphen after any group of four (so the canonical 8-4-4-4-12 form and the form without
    /// hyphens), optionally in braces `{...}`. No spaces.
    /// @throws typq::conversion_error for anything else.
    [[nodiscard]] static constexpr uuid parse(std::string_view text)
    {
        // Followed step by step from string_to_uuid (src/backend/utils/adt/uuid.c).
        std::size_t at = 0;
        const bool braces = !text.empty() && text[0] == '{';
        if (braces)
            ++at;
        bytes_type bytes{};
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            if (text.size() - at < 2)
                detail::throw_uuid_parse_error("too few hex digits", at);
            const int high = detail::hex_digit(text[at]);
            const int low = detail::hex_digit(text[at + 1]);
            if (high < 0 || low < 0)
                detail::throw_uuid_parse_error("expected a hex digit", high < 0 ? at : at + 1);
            bytes[i] = static_cast<std::byte>(high * 16 + low);
            at += 2;
            if (at < text.size() && text[at] == '-' && i % 2 == 1 && i < bytes.size() - 1)
                ++at;
        }
        if (braces) {
            if (at == text.size() || text[at] != '}')
                detail::throw_uuid_parse_error("expected '}'", at);
            ++at;
        }
        if (at != text.size())
            detail::throw_uuid_parse_error("unexpected character after the uuid", at);
        return uuid(bytes);
    }

    /// The canonical form, lower case: `a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11` (as uuid_out).
    [[nodiscard]] std::string to_string() const
    {
        std::string text;
        text.reserve(36);
        for (std::size_t i = 0; i < bytes_.size(); ++i) {
            if (i == 4 || i == 6 || i == 8 || i == 10)
                text += '-';
            detail::append_hex(text, std::to_integer<unsigned>(bytes_[i]), 2);
        }
        return text;
    }

    /// The 16 bytes, in network order.
    [[nodiscard]] constexpr const bytes_type& bytes() const noexcept { return bytes_; }
    /// True for the nil UUID (all zeros).
    [[nodiscard]] constexpr bool is_nil() const noexcept { return *this == uuid(); }

    /// Equal when all 16 bytes are.
    friend constexpr bool operator==(const uuid&, const uuid&) noexcept = default;
    /// Byte by byte, as unsigned values: the server's order for uuid.
    friend constexpr std::strong_ordering operator<=>(const uuid& a, const uuid& b) noexcept
    {
        for (std::size_t i = 0; i < a.bytes_.size(); ++i)
            if (a.bytes_[i] != b.bytes_[i])
                return std::to_integer<unsigned>(a.bytes_[i]) <=> std::to_integer<unsigned>(b.bytes_[i]);
        return std::strong_ordering::equal;
    }

private:
    bytes_type bytes_{};
};

/// typq::uuid as `uuid` (OID 2950): binary, the 16 bytes as they are (`uuid_send`); reads uuid
/// columns.
template <>
struct type<uuid> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "uuid";
    static constexpr oid param_oid = oid::uuid;
    static constexpr oid array_oid = oid::uuid_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::uuid; }
    static void encode(const uuid& value, writer& out) { out.put_bytes(value.bytes().data(), value.bytes().size()); }
    static void encode_text(const uuid& value, std::string& out) { out += value.to_string(); }
    static void decode(value_view in, uuid& out) { out = uuid(in.read_bytes<16>()); }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_UUID_HPP
