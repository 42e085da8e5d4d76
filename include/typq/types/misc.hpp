// SPDX-License-Identifier: BSL-1.0
// typq/types/misc.hpp: typq::oid as the oid type (oidsend: 4 bytes, unsigned), also reading the
// reg* alias types (regclass, regtype...); and `char` as PostgreSQL's single-byte "char" type
// (charsend: one byte), which is not text.

#ifndef TYPQ_TYPES_MISC_HPP
#define TYPQ_TYPES_MISC_HPP

#include <typq/type.hpp>
#include <typq/detail/sql_text.hpp>

#include <cstdint>      // std::uint8_t, std::uint32_t
#include <string>       // text forms
#include <string_view>  // sql_type

namespace typq {
namespace detail {

// The OID alias types: each one's send and receive functions are oidsend and oidrecv (4 bytes,
// unsigned), so they read as typq::oid. Their values are fixed in pg_type.dat.
inline constexpr bool is_oid_alias_column(oid column) noexcept
{
    switch (static_cast<std::uint32_t>(column)) {
    case 24:    // regproc
    case 2202:  // regprocedure
    case 2203:  // regoper
    case 2204:  // regoperator
    case 2205:  // regclass
    case 2206:  // regtype
    case 3734:  // regconfig
    case 3769:  // regdictionary
    case 4089:  // regnamespace
    case 4096:  // regrole
    case 4191:  // regcollation
        return true;
    default: return false;
    }
}

}  // namespace detail

/// typq::oid as the `oid` type (OID 26), both ways: binary, 4 bytes, unsigned, big-endian
/// (`oidsend`). Result columns of the reg* types (`regclass`, `regtype`,
/// `regproc`, ...) read too: their binary form is the OID itself, so
/// ``query_value<typq::oid>("SELECT 'pg_class'::%regclass")`` gives the table's OID.
template <>
struct type<oid> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "oid";
    static constexpr oid param_oid = oid::oid;
    static constexpr oid array_oid = oid::oid_array;

    static constexpr bool accepts(oid column) noexcept
    {
        return column == oid::oid || detail::is_oid_alias_column(column);
    }
    static void encode(oid value, writer& out) { out.put_be(static_cast<std::uint32_t>(value)); }
    static void encode_text(oid value, std::string& out) { detail::append_integer(out, static_cast<std::uint32_t>(value)); }
    static void decode(value_view in, oid& out) { out = static_cast<oid>(in.read_be<std::uint32_t>()); }
    /// @}
};

/// `char` as PostgreSQL's internal single-byte type `"char"` (OID 18, the type of pg_class's
/// relkind): binary, the byte itself (`charsend`). Not text: any byte value travels unchanged,
/// and ``'\0'`` is the server's empty `"char"` (``''``).
/// For a one-character string use `std::string` (text, varchar, char(1)); `signed char`,
/// `unsigned char` and `std::int8_t` have no adapter.
template <>
struct type<char> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "\"char\"";
    static constexpr oid param_oid = oid::char_;
    // No array_oid on purpose: std::vector<char> is a byte buffer to most C++ code (send bytes as
    // std::vector<std::byte>), so it must not quietly become a "char"[] array.

    static constexpr bool accepts(oid column) noexcept { return column == oid::char_; }
    static void encode(char value, writer& out) { out.put_be(static_cast<std::uint8_t>(value)); }
    // charin's forms: the byte itself, '' for 0, and \ooo (octal) for a byte past ASCII, which
    // alone would not be UTF-8.
    static void encode_text(char value, std::string& out)
    {
        const auto byte = static_cast<unsigned char>(value);
        if (byte == 0)
            return;
        if (byte < 0x80) {
            out += value;
            return;
        }
        out += '\\';
        out += static_cast<char>('0' + (byte >> 6));
        out += static_cast<char>('0' + ((byte >> 3) & 7));
        out += static_cast<char>('0' + (byte & 7));
    }
    static void decode(value_view in, char& out)
    {
        // charsend always sends exactly one byte (0 for the empty "char"); charrecv refuses fewer.
        out = static_cast<char>(in.read_be<std::uint8_t>());
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_MISC_HPP
