// SPDX-License-Identifier: BSL-1.0
// typq/types/network.hpp: typq::inet, typq::cidr, typq::macaddr and typq::macaddr8 and their
// binary adapters (inet_send / cidr_send: family, prefix bits, is_cidr, address length, address;
// macaddr_send / macaddr8_send: the 6 or 8 bytes).

#ifndef TYPQ_TYPES_NETWORK_HPP
#define TYPQ_TYPES_NETWORK_HPP

#include <typq/error.hpp>
#include <typq/type.hpp>
#include <typq/detail/hex.hpp>

#include <array>        // address storage
#include <compare>      // std::strong_ordering
#include <cstddef>      // std::byte, std::size_t
#include <cstdint>      // std::uint8_t, std::uint16_t
#include <span>         // address()
#include <string>       // to_string(), messages
#include <string_view>  // parse()

namespace typq {
namespace detail {

// PostgreSQL's own address family codes on the wire, PGSQL_AF_INET (AF_INET + 0) and
// PGSQL_AF_INET6 (AF_INET + 1) from src/include/utils/inet.h, whatever the platform's AF_INET6 is.
inline constexpr std::uint8_t pgsql_af_inet = 2;
inline constexpr std::uint8_t pgsql_af_inet6 = 3;

// An IP address and prefix length: what inet and cidr hold.
struct ip_value {
    std::array<std::byte, 16> bytes{};  // network order; IPv4 uses the first 4, the rest stay 0
    std::uint8_t bits = 32;
    bool v6 = false;

    [[nodiscard]] constexpr int max_bits() const noexcept { return v6 ? 128 : 32; }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return v6 ? 16 : 4; }

    friend constexpr bool operator==(const ip_value&, const ip_value&) noexcept = default;
};

[[noreturn]] inline void throw_network_error(std::string_view sql_type, const std::string& reason)
{
    throw conversion_error(reason, conversion_site{{}, std::string(sql_type), {}, {}});
}

constexpr unsigned byte_value(std::byte b) noexcept { return std::to_integer<unsigned>(b); }

// The bits of byte `index` of an address that lie beyond the first `bits` (the host part).
constexpr unsigned host_mask(std::size_t index, int bits) noexcept
{
    const int first = static_cast<int>(index) * 8;
    if (bits >= first + 8)
        return 0;
    if (bits <= first)
        return 0xffU;
    return 0xffU >> (bits - first);
}

// addressOK in network.c: no bit set to the right of the prefix.
constexpr bool host_bits_zero(const ip_value& v) noexcept
{
    for (std::size_t i = 0; i < v.size(); ++i)
        if ((byte_value(v.bytes[i]) & host_mask(i, v.bits)) != 0)
            return false;
    return true;
}

// bitncmp in network.c: compares the first `bits` bits of two addresses.
constexpr std::strong_ordering compare_prefix(const ip_value& a, const ip_value& b, int bits) noexcept
{
    for (std::size_t i = 0; i < 16 && bits > static_cast<int>(i) * 8; ++i) {
        const unsigned keep = 0xffU & ~host_mask(i, bits);
        const unsigned x = byte_value(a.bytes[i]) & keep;
        const unsigned y = byte_value(b.bytes[i]) & keep;
        if (x != y)
            return x <=> y;
    }
    return std::strong_ordering::equal;
}

// network_cmp_internal in network.c: IPv4 before IPv6; then the common prefix, the prefix length,
// the whole address.
constexpr std::strong_ordering compare_ip(const ip_value& a, const ip_value& b) noexcept
{
    if (a.v6 != b.v6)
        return a.v6 ? std::strong_ordering::greater : std::strong_ordering::less;
    if (const auto order = compare_prefix(a, b, a.bits < b.bits ? a.bits : b.bits); order != 0)
        return order;
    if (a.bits != b.bits)
        return a.bits <=> b.bits;
    return compare_prefix(a, b, a.max_bits());
}

inline ip_value make_ip(std::span<const std::byte> address, bool v6, int prefix_length, std::string_view sql_type)
{
    ip_value v;
    v.v6 = v6;
    if (prefix_length < 0 || prefix_length > v.max_bits())
        throw_network_error(sql_type, "prefix length " + std::to_string(prefix_length) + " is out of range for an "
                + (v6 ? "IPv6" : "IPv4") + " address (0 to " + std::to_string(v.max_bits()) + ")");
    v.bits = static_cast<std::uint8_t>(prefix_length);
    for (std::size_t i = 0; i < address.size(); ++i)
        v.bytes[i] = address[i];
    return v;
}

inline void require_host_bits_zero(const ip_value& v)
{
    if (!host_bits_zero(v))
        throw_network_error("cidr", "cidr value has bits set to the right of its /" + std::to_string(v.bits)
                + " prefix (use typq::inet, or inet::network())");
}

// Dotted-quad IPv4, as inet_in reads it: decimal octets of 1 to 3 digits, each at most 255.
// A plain IPv4 address has all four and may have leading zeros (`010.0.0.1` is 10.0.0.1); the
// IPv4 tail of an IPv6 address has no leading zeros but may stop early, the missing octets zero
// (`::1.2.3` is ::1.2.3.0), as the server has it.
constexpr bool parse_ipv4(std::string_view text, std::byte* out, bool in_ipv6) noexcept
{
    const bool leading_zeros = !in_ipv6;
    std::size_t at = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (in_ipv6 && at == text.size()) {
                for (; part < 4; ++part)
                    out[part] = std::byte{0};
                break;
            }
            if (at == text.size() || text[at] != '.')
                return false;
            ++at;
        }
        unsigned value = 0;
        std::size_t digits = 0;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9' && digits < 3) {
            if (digits == 1 && value == 0 && !leading_zeros)
                return false;
            value = value * 10 + static_cast<unsigned>(text[at] - '0');
            ++at;
            ++digits;
        }
        if (digits == 0 || value > 255)
            return false;
        out[part] = static_cast<std::byte>(value);
    }
    return at == text.size();
}

// RFC 4291 text: eight groups of 1 to 4 hex digits, at most one `::` for one or more zero groups,
// optionally a dotted IPv4 address in place of the last two groups.
constexpr bool parse_ipv6(std::string_view text, std::byte* out) noexcept
{
    std::uint16_t words[8] = {};
    int count = 0;
    int gap = -1;  // where `::` stands, in groups
    std::size_t at = 0;
    if (text.size() >= 2 && text[0] == ':' && text[1] == ':') {
        gap = 0;
        at = 2;
    }
    while (at < text.size()) {
        if (text.substr(at).find(':') == std::string_view::npos && text.substr(at).find('.') != std::string_view::npos) {
            std::byte v4[4] = {};
            if (count > 6 || !parse_ipv4(text.substr(at), v4, true))
                return false;
            words[count++] = static_cast<std::uint16_t>(byte_value(v4[0]) << 8 | byte_value(v4[1]));
            words[count++] = static_cast<std::uint16_t>(byte_value(v4[2]) << 8 | byte_value(v4[3]));
            at = text.size();
            break;
        }
        unsigned value = 0;
        std::size_t digits = 0;
        for (; at < text.size() && hex_digit(text[at]) >= 0; ++at, ++digits) {
            if (digits == 4)
                return false;
            value = value * 16 + static_cast<unsigned>(hex_digit(text[at]));
        }
        if (digits == 0 || count == 8)
            return false;
        words[count++] = static_cast<std::uint16_t>(value);
        if (at == text.size())
            break;
        if (text[at] != ':' || ++at == text.size())
            return false;
        if (text[at] == ':') {
            if (gap >= 0)
                return false;
            gap = count;
            ++at;
        }
    }
    if (gap < 0 ? count != 8 : count > 7)
        return false;
    std::uint16_t full[8] = {};
    const int zeros = 8 - count;
    for (int i = 0, j = 0; i < count; ++i, ++j) {
        if (i == gap)
            j += zeros;
        full[j] = words[i];
    }
    for (int i = 0; i < 8; ++i) {
        out[2 * i] = static_cast<std::byte>(full[i] >> 8);
        out[2 * i + 1] = static_cast<std::byte>(full[i] & 0xffU);
    }
    return true;
}

// inet_in / cidr_in for the forms the server prints: an address, then optionally `/bits` (decimal,
// no leading zeros). Without `/bits` the prefix is the whole address.
inline ip_value parse_ip(std::string_view text, bool cidr)
{
    const std::string_view sql_type = cidr ? "cidr" : "inet";
    const auto invalid = [&]() { throw_network_error(sql_type, "invalid " + std::string(sql_type) + " text"); };
    ip_value v;
    const auto slash = text.find('/');
    const std::string_view address = text.substr(0, slash);
    v.v6 = address.find(':') != std::string_view::npos;
    if (!(v.v6 ? parse_ipv6(address, v.bytes.data()) : parse_ipv4(address, v.bytes.data(), false)))
        invalid();
    int bits = v.max_bits();
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0'))
            invalid();
        bits = 0;
        for (const char c : digits) {
            if (c < '0' || c > '9')
                invalid();
            bits = bits * 10 + (c - '0');
        }
        if (bits > v.max_bits())
            invalid();
    }
    v.bits = static_cast<std::uint8_t>(bits);
    if (cidr)
        require_host_bits_zero(v);
    return v;
}

// inet_out / cidr_out (pg_inet_net_ntop in src/port/inet_net_ntop.c, as PostgreSQL 15 has it):
// IPv4 as four decimal octets; IPv6 in lower-case hex with the longest run of two or more zero
// groups (the first such) as `::`, and ::a.b.c.d / ::ffff:a.b.c.d for IPv4-compatible and mapped
// addresses. `/bits` follows unless the prefix is the whole address; a cidr always has it.
inline std::string format_ip(const ip_value& v, bool cidr)
{
    std::string text;
    const auto append_ipv4 = [&](std::size_t from) {
        for (std::size_t i = from; i < from + 4; ++i) {
            if (i != from)
                text += '.';
            text += std::to_string(byte_value(v.bytes[i]));
        }
    };
    if (!v.v6)
        append_ipv4(0);
    else {
        unsigned words[8] = {};
        for (std::size_t i = 0; i < 8; ++i)
            words[i] = byte_value(v.bytes[2 * i]) << 8 | byte_value(v.bytes[2 * i + 1]);
        int best = -1;
        int best_len = 0;
        for (int i = 0; i < 8;) {
            if (words[i] != 0) {
                ++i;
                continue;
            }
            int len = 0;
            while (i + len < 8 && words[i + len] == 0)
                ++len;
            if (len > best_len) {
                best = i;
                best_len = len;
            }
            i += len;
        }
        if (best_len < 2)
            best = -1;
        for (int i = 0; i < 8; ++i) {
            if (best >= 0 && i >= best && i < best + best_len) {
                if (i == best)
                    text += ':';
                continue;
            }
            if (i != 0)
                text += ':';
            if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffffU))) {
                append_ipv4(12);
                break;
            }
            bool started = false;
            for (int shift = 12; shift >= 0; shift -= 4) {
                const unsigned digit = words[i] >> shift & 15U;
                if (digit != 0 || started || shift == 0) {
                    text += lower_hex_digit(digit);
                    started = true;
                }
            }
        }
        if (best >= 0 && best + best_len == 8)
            text += ':';
    }
    if (cidr || v.bits != v.max_bits()) {
        text += '/';
        text += std::to_string(v.bits);
    }
    return text;
}

// inet_send / cidr_send: family, bits, is_cidr, address length, the address.
inline void encode_ip(const ip_value& v, bool cidr, writer& out)
{
    out.put_be(v.v6 ? pgsql_af_inet6 : pgsql_af_inet);
    out.put_be(v.bits);
    out.put_be(static_cast<std::uint8_t>(cidr ? 1 : 0));
    out.put_be(static_cast<std::uint8_t>(v.size()));
    out.put_bytes(v.bytes.data(), v.size());
}

// inet_recv's checks, and a few more: every field in range, the length exact, no host bits in a
// cidr value (nor in anything read into typq::cidr).
inline ip_value decode_ip(value_view in, bool into_cidr)
{
    const auto header = in.subview(0, 4, in.type()).bytes();
    const unsigned family = byte_value(header[0]);
    const unsigned bits = byte_value(header[1]);
    const unsigned is_cidr = byte_value(header[2]);
    const unsigned length = byte_value(header[3]);
    ip_value v;
    if (family != pgsql_af_inet && family != pgsql_af_inet6)
        in.fail("address family is " + std::to_string(family) + ", expected 2 (IPv4) or 3 (IPv6)");
    v.v6 = family == pgsql_af_inet6;
    if (bits > static_cast<unsigned>(v.max_bits()))
        in.fail("prefix length is " + std::to_string(bits) + ", more than " + std::to_string(v.max_bits()));
    if (is_cidr > 1)
        in.fail("is_cidr byte is " + std::to_string(is_cidr) + ", expected 0 or 1");
    if (length != v.size())
        in.fail("address length is " + std::to_string(length) + ", expected " + std::to_string(v.size()));
    if (in.size() != 4 + v.size())
        in.fail("value is " + std::to_string(in.size()) + " bytes, expected " + std::to_string(4 + v.size()));
    const auto address = in.bytes().subspan(4);
    for (std::size_t i = 0; i < v.size(); ++i)
        v.bytes[i] = address[i];
    v.bits = static_cast<std::uint8_t>(bits);
    if ((is_cidr == 1 || into_cidr) && !host_bits_zero(v))
        in.fail("cidr value has bits set to the right of its /" + std::to_string(bits) + " prefix");
    return v;
}

}  // namespace detail

/// An IP network, PostgreSQL's cidr: an IPv4 or IPv6 network address whose bits after the
/// prefix length are all zero (a value with host bits set is refused, never masked). The default
/// is 0.0.0.0/32. Ordering is the server's (IPv4 first, then by network, then by prefix length).
class cidr {
public:
    /// An IPv4 address, in network order.
    using ipv4_bytes = std::array<std::byte, 4>;
    /// An IPv6 address, in network order.
    using ipv6_bytes = std::array<std::byte, 16>;

    /// 0.0.0.0/32.
    cidr() = default;

    /// The IPv4 network `address`/`prefix_length`.
    /// @throws typq::conversion_error when `prefix_length` is not in 0..32 or host bits are set.
    [[nodiscard]] static cidr ipv4(const ipv4_bytes& address, int prefix_length = 32)
    {
        return cidr(detail::make_ip(address, false, prefix_length, "cidr"));
    }
    /// The IPv6 network `address`/`prefix_length`.
    /// @throws typq::conversion_error when `prefix_length` is not in 0..128 or host bits are set.
    [[nodiscard]] static cidr ipv6(const ipv6_bytes& address, int prefix_length = 128)
    {
        return cidr(detail::make_ip(address, true, prefix_length, "cidr"));
    }
    /// Parses `10.0.0.0/8`, `2001:db8::/32`; without `/bits` the prefix is the whole address.
    /// The classful abbreviations cidr_in also takes (`10/8`, `192.168.1`) are not supported.
    /// @throws typq::conversion_error for other text, or host bits set.
    [[nodiscard]] static cidr parse(std::string_view text) { return cidr(detail::parse_ip(text, true)); }

    /// The server's text: `10.0.0.0/8`, `2001:db8::/32`, always with the prefix length.
    [[nodiscard]] std::string to_string() const { return detail::format_ip(value_, true); }

    /// True for an IPv4 network.
    [[nodiscard]] bool is_ipv4() const noexcept { return !value_.v6; }
    /// True for an IPv6 network.
    [[nodiscard]] bool is_ipv6() const noexcept { return value_.v6; }
    /// The number of network bits: 0..32 for IPv4, 0..128 for IPv6.
    [[nodiscard]] int prefix_length() const noexcept { return value_.bits; }
    /// The network address: 4 bytes for IPv4, 16 for IPv6, in network order.
    [[nodiscard]] std::span<const std::byte> address() const noexcept { return {value_.bytes.data(), value_.size()}; }

    /// Equal when the family, address and prefix length are.
    friend bool operator==(const cidr&, const cidr&) noexcept = default;
    /// The server's order: IPv4 before IPv6, then by network, then by prefix length.
    friend std::strong_ordering operator<=>(const cidr& a, const cidr& b) noexcept
    {
        return detail::compare_ip(a.value_, b.value_);
    }

private:
    explicit cidr(const detail::ip_value& value) : value_(value) { detail::require_host_bits_zero(value_); }

    detail::ip_value value_;
};

/// An IP host address with the prefix length of its network, PostgreSQL's inet: IPv4 or IPv6.
/// The default is 0.0.0.0 (/32). Every cidr is an inet (the conversion is implicit); ordering is
/// the server's, so an inet and a cidr compare as the server compares them.
class inet {
public:
    /// An IPv4 address, in network order.
    using ipv4_bytes = std::array<std::byte, 4>;
    /// An IPv6 address, in network order.
    using ipv6_bytes = std::array<std::byte, 16>;

    /// 0.0.0.0 (/32).
    inet() = default;
    /// The network's address and prefix length; implicit, as the server casts cidr to inet.
    inet(const cidr& network) noexcept  // implicit, as the server casts cidr to inet
    {
        value_.v6 = network.is_ipv6();
        value_.bits = static_cast<std::uint8_t>(network.prefix_length());
        const auto address = network.address();
        for (std::size_t i = 0; i < address.size(); ++i)
            value_.bytes[i] = address[i];
    }

    /// The IPv4 host `address` in a network of `prefix_length` bits.
    /// @throws typq::conversion_error when `prefix_length` is not in 0..32.
    [[nodiscard]] static inet ipv4(const ipv4_bytes& address, int prefix_length = 32)
    {
        return inet(detail::make_ip(address, false, prefix_length, "inet"));
    }
    /// The IPv6 host `address` in a network of `prefix_length` bits.
    /// @throws typq::conversion_error when `prefix_length` is not in 0..128.
    [[nodiscard]] static inet ipv6(const ipv6_bytes& address, int prefix_length = 128)
    {
        return inet(detail::make_ip(address, true, prefix_length, "inet"));
    }
    /// Parses `192.168.0.1`, `192.168.0.1/24`, `::1`, `2001:DB8::1/64`, `::%ffff:1.2.3.4`: what
    /// inet_in accepts and inet_out prints (no spaces, no leading zeros in `/bits`).
    /// @throws typq::conversion_error for other text.
    [[nodiscard]] static inet parse(std::string_view text) { return inet(detail::parse_ip(text, false)); }

    /// The server's text: `192.168.0.1/24`, `::1` (no `/bits` when the prefix is the whole address).
    [[nodiscard]] std::string to_string() const { return detail::format_ip(value_, false); }

    /// True for an IPv4 address.
    [[nodiscard]] bool is_ipv4() const noexcept { return !value_.v6; }
    /// True for an IPv6 address.
    [[nodiscard]] bool is_ipv6() const noexcept { return value_.v6; }
    /// The number of network bits: 0..32 for IPv4, 0..128 for IPv6.
    [[nodiscard]] int prefix_length() const noexcept { return value_.bits; }
    /// The host address: 4 bytes for IPv4, 16 for IPv6, in network order.
    [[nodiscard]] std::span<const std::byte> address() const noexcept { return {value_.bytes.data(), value_.size()}; }

    /// The network: the address with its host bits cleared, as the server's network(inet).
    [[nodiscard]] cidr network() const
    {
        auto address = value_.bytes;
        for (std::size_t i = 0; i < address.size(); ++i)
            address[i] &= static_cast<std::byte>(0xffU & ~detail::host_mask(i, value_.bits));
        if (value_.v6)
            return cidr::ipv6(address, value_.bits);
        return cidr::ipv4({address[0], address[1], address[2], address[3]}, value_.bits);
    }

    /// Equal when the family, address and prefix length are.
    friend bool operator==(const inet&, const inet&) noexcept = default;
    /// The server's order: IPv4 before IPv6, then by network, then by prefix length, then by
    /// address.
    friend std::strong_ordering operator<=>(const inet& a, const inet& b) noexcept
    {
        return detail::compare_ip(a.value_, b.value_);
    }

private:
    explicit inet(const detail::ip_value& value) noexcept : value_(value) {}

    detail::ip_value value_;
};

namespace detail {

[[noreturn]] inline void throw_mac_parse_error(std::string_view sql_type)
{
    throw_network_error(sql_type, "invalid " + std::string(sql_type) + " text");
}

// `text` as `groups` groups of hex digits separated by `separator` (none when '\0'), each of
// exactly `width` digits, or of 1 to 2 digits when `width` is 0; the digits, padded to two per
// group in that case, fill `out` (`size` bytes).
constexpr bool parse_mac_pattern(std::string_view text, int groups, std::size_t width, char separator,
    std::byte* out, std::size_t size) noexcept
{
    char digits[16] = {};
    std::size_t count = 0;
    std::size_t at = 0;
    for (int g = 0; g < groups; ++g) {
        if (g > 0) {
            if (at == text.size() || text[at] != separator)
                return false;
            ++at;
        }
        std::size_t n = 0;
        while (at + n < text.size() && hex_digit(text[at + n]) >= 0)
            ++n;
        if (width == 0 ? (n < 1 || n > 2) : n != width)
            return false;
        if (count + (width == 0 ? 2 : n) > 2 * size)
            return false;
        if (width == 0 && n == 1)
            digits[count++] = '0';
        for (std::size_t i = 0; i < n; ++i)
            digits[count++] = text[at + i];
        at += n;
    }
    if (at != text.size() || count != 2 * size)
        return false;
    for (std::size_t i = 0; i < size; ++i)
        out[i] = static_cast<std::byte>(hex_digit(digits[2 * i]) * 16 + hex_digit(digits[2 * i + 1]));
    return true;
}

template <std::size_t N>
std::string format_mac(const std::array<std::byte, N>& bytes)
{
    std::string text;
    for (std::size_t i = 0; i < N; ++i) {
        if (i != 0)
            text += ':';
        append_hex(text, byte_value(bytes[i]), 2);
    }
    return text;
}

template <std::size_t N>
constexpr std::strong_ordering compare_bytes(const std::array<std::byte, N>& a, const std::array<std::byte, N>& b) noexcept
{
    for (std::size_t i = 0; i < N; ++i)
        if (a[i] != b[i])
            return byte_value(a[i]) <=> byte_value(b[i]);
    return std::strong_ordering::equal;
}

}  // namespace detail

/// A MAC address (EUI-48), PostgreSQL's macaddr: 6 bytes. Ordering is byte by byte, as the server's.
class macaddr {
public:
    /// The 6 bytes, in transmission order.
    using bytes_type = std::array<std::byte, 6>;

    /// 00:00:00:00:00:00.
    constexpr macaddr() noexcept = default;
    /// The address whose bytes are `bytes`.
    constexpr explicit macaddr(const bytes_type& bytes) noexcept : bytes_(bytes) {}

    /// Parses the formats macaddr_in accepts: `08:00:2b:01:02:03`, `08-00-2b-01-02-03` (these
    /// two also with 1-digit groups), `08002b:010203`, `08002b-010203`, `0800.2b01.0203`,
    /// `0800-2b01-0203`, `08002b010203`; hex digits of either case, no spaces.
    /// @throws typq::conversion_error for other text.
    [[nodiscard]] static macaddr parse(std::string_view text)
    {
        struct pattern {
            int groups;
            std::size_t width;
            char separator;
        };
        constexpr pattern patterns[] = {{6, 0, ':'}, {6, 0, '-'}, {2, 6, ':'}, {2, 6, '-'}, {3, 4, '.'},
            {3, 4, '-'}, {1, 12, '\0'}};
        bytes_type bytes{};
        for (const pattern& p : patterns)
            if (detail::parse_mac_pattern(text, p.groups, p.width, p.separator, bytes.data(), bytes.size()))
                return macaddr(bytes);
        detail::throw_mac_parse_error("macaddr");
    }

    /// The server's text: `08:00:2b:01:02:03`.
    [[nodiscard]] std::string to_string() const { return detail::format_mac(bytes_); }
    /// The 6 bytes.
    [[nodiscard]] constexpr const bytes_type& bytes() const noexcept { return bytes_; }

    /// Equal when the bytes are.
    friend constexpr bool operator==(const macaddr&, const macaddr&) noexcept = default;
    /// Byte by byte, as unsigned values: the server's order.
    friend constexpr std::strong_ordering operator<=>(const macaddr& a, const macaddr& b) noexcept
    {
        return detail::compare_bytes(a.bytes_, b.bytes_);
    }

private:
    bytes_type bytes_{};
};

/// A MAC address in EUI-64 form, PostgreSQL's macaddr8: 8 bytes. Ordering is byte by byte.
class macaddr8 {
public:
    /// The 8 bytes, in transmission order.
    using bytes_type = std::array<std::byte, 8>;

    /// 00:00:00:00:00:00:00:00.
    constexpr macaddr8() noexcept = default;
    /// The address whose bytes are `bytes`.
    constexpr explicit macaddr8(const bytes_type& bytes) noexcept : bytes_(bytes) {}
    /// The EUI-48 address in EUI-64 form, FF:FE inserted in the middle (the server's
    /// macaddr-to-macaddr8 cast).
    constexpr explicit macaddr8(const macaddr& mac) noexcept
        : bytes_{mac.bytes()[0], mac.bytes()[1], mac.bytes()[2], std::byte{0xff}, std::byte{0xfe}, mac.bytes()[3],
            mac.bytes()[4], mac.bytes()[5]}
    {
    }

    /// Parses 8 (or 6, converted as the macaddr constructor does) pairs of hex digits, optionally
    /// separated by colons, hyphens or dots, one kind throughout (as macaddr8_in): `08:00:2b:01:02:03:04:05`,
    /// `08002b:0102030405`, `0800.2b01.0203.0405`, `08002b0102030405`; no spaces.
    /// @throws typq::conversion_error for other text.
    [[nodiscard]] static macaddr8 parse(std::string_view text)
    {
        std::byte bytes[8] = {};
        std::size_t count = 0;
        char separator = '\0';
        std::size_t at = 0;
        while (at < text.size()) {
            if (count > 0) {
                const char c = text[at];
                if (c == ':' || c == '-' || c == '.') {
                    if (separator != '\0' && separator != c)
                        detail::throw_mac_parse_error("macaddr8");
                    separator = c;
                    ++at;
                }
            }
            if (count == 8 || text.size() - at < 2)
                detail::throw_mac_parse_error("macaddr8");
            const int high = detail::hex_digit(text[at]);
            const int low = detail::hex_digit(text[at + 1]);
            if (high < 0 || low < 0)
                detail::throw_mac_parse_error("macaddr8");
            bytes[count++] = static_cast<std::byte>(high * 16 + low);
            at += 2;
        }
        if (count == 6)
            return macaddr8(macaddr({bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]}));
        if (count != 8)
            detail::throw_mac_parse_error("macaddr8");
        return macaddr8({bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]});
    }

    /// The server's text: `08:00:2b:ff:fe:01:02:03`.
    [[nodiscard]] std::string to_string() const { return detail::format_mac(bytes_); }
    /// The 8 bytes.
    [[nodiscard]] constexpr const bytes_type& bytes() const noexcept { return bytes_; }

    /// Equal when the bytes are.
    friend constexpr bool operator==(const macaddr8&, const macaddr8&) noexcept = default;
    /// Byte by byte, as unsigned values: the server's order.
    friend constexpr std::strong_ordering operator<=>(const macaddr8& a, const macaddr8& b) noexcept
    {
        return detail::compare_bytes(a.bytes_, b.bytes_);
    }

private:
    bytes_type bytes_{};
};

namespace detail {

// inet and cidr share inet_send's format; they differ only in the is_cidr flag, which the
// decoder also checks, and in which columns they read.
template <class Address, bool IsCidr>
struct ip_adapter {
    static void encode(const Address& value, writer& out)
    {
        ip_value v;
        v.v6 = value.is_ipv6();
        v.bits = static_cast<std::uint8_t>(value.prefix_length());
        const auto address = value.address();
        for (std::size_t i = 0; i < address.size(); ++i)
            v.bytes[i] = address[i];
        encode_ip(v, IsCidr, out);
    }
    static void encode_text(const Address& value, std::string& out) { out += value.to_string(); }
    static void decode(value_view in, Address& out)
    {
        const ip_value v = decode_ip(in, IsCidr);
        out = v.v6 ? Address::ipv6(v.bytes, v.bits)
                   : Address::ipv4({v.bytes[0], v.bytes[1], v.bytes[2], v.bytes[3]}, v.bits);
    }
};

}  // namespace detail

/// typq::inet as `inet` (OID 869): binary, `inet_send`'s family, prefix length, is_cidr flag (0),
/// address length and address bytes; reads inet and cidr columns (every cidr is an inet).
template <>
struct type<inet> : detail::ip_adapter<inet, false> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "inet";
    static constexpr oid param_oid = oid::inet;
    static constexpr oid array_oid = oid::inet_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::inet || column == oid::cidr; }
    /// @}
};

/// typq::cidr as `cidr` (OID 650): binary, as typq::inet with the is_cidr flag 1; reads cidr
/// columns only (an inet column's values may have host bits set: read them into typq::inet).
template <>
struct type<cidr> : detail::ip_adapter<cidr, true> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "cidr";
    static constexpr oid param_oid = oid::cidr;
    static constexpr oid array_oid = oid::cidr_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::cidr; }
    /// @}
};

/// typq::macaddr as `macaddr` (OID 829): binary, the 6 bytes (`macaddr_send`); reads macaddr
/// columns.
template <>
struct type<macaddr> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "macaddr";
    static constexpr oid param_oid = oid::macaddr;
    static constexpr oid array_oid = oid::macaddr_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::macaddr; }
    static void encode(const macaddr& value, writer& out) { out.put_bytes(value.bytes().data(), value.bytes().size()); }
    static void encode_text(const macaddr& value, std::string& out) { out += value.to_string(); }
    static void decode(value_view in, macaddr& out) { out = macaddr(in.read_bytes<6>()); }
    /// @}
};

/// typq::macaddr8 as `macaddr8` (OID 774): binary, the 8 bytes (`macaddr8_send`); reads macaddr8
/// columns.
template <>
struct type<macaddr8> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "macaddr8";
    static constexpr oid param_oid = oid::macaddr8;
    static constexpr oid array_oid = oid::macaddr8_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::macaddr8; }
    static void encode(const macaddr8& value, writer& out) { out.put_bytes(value.bytes().data(), value.bytes().size()); }
    static void encode_text(const macaddr8& value, std::string& out) { out += value.to_string(); }
    static void decode(value_view in, macaddr8& out) { out = macaddr8(in.read_bytes<8>()); }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_NETWORK_HPP
