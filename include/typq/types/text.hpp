// SPDX-License-Identifier: BSL-1.0
// typq/types/text.hpp: strings. As parameters they travel as text with OID 0 (unspecified), so
// the server infers their type from the statement: a string can feed a date, json or enum column,
// as in psycopg. As results they read text-like columns, whose binary form is the text itself
// (text, varchar, bpchar, name, and server-defined ones such as citext).

#ifndef TYPQ_TYPES_TEXT_HPP
#define TYPQ_TYPES_TEXT_HPP

#include <typq/error.hpp>
#include <typq/type.hpp>

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

namespace typq {
namespace detail {

inline constexpr bool is_text_column(oid column) noexcept
{
    return column == oid::text || column == oid::varchar || column == oid::bpchar || column == oid::name
        || column == oid::unknown;
}

// Also a server-defined type whose binary form is text's: citext, or another extension's.
inline bool is_text_column(oid column, const server_types& types)
{
    if (is_text_column(column))
        return true;
    const type_info* info = types.find(column);
    return info && info->text_binary;
}

// PostgreSQL text cannot hold NUL; libpq would silently cut a text parameter at the first one.
inline void encode_text(std::string_view text, writer& out)
{
    if (const auto at = text.find('\0'); at != std::string_view::npos)
        throw conversion_error("text contains a NUL byte at offset " + std::to_string(at)
                + ", which PostgreSQL text cannot hold (send binary data as bytea)",
            conversion_site{{}, "text", {}, {}});
    out.put_text(text);
}

struct text_parameter {
    static constexpr std::string_view sql_type = "text";
    static constexpr oid param_oid = oid::unspecified;
    static constexpr format param_format = format::text;
    // Inside a binary array the element type must be exact: text[] of text.
    static constexpr oid array_oid = oid::text_array;
    static constexpr oid element_oid = oid::text;
};

}  // namespace detail

/// `std::string` as text: a parameter is sent in text format with OID 0, so the server infers its
/// type from the statement; a result reads text, varchar, bpchar, name and unknown columns, and
/// server-defined types whose binary form is their text (citext). A NUL byte in a parameter throws
/// typq::conversion_error: PostgreSQL text cannot hold one.
template <>
struct type<std::string> : detail::text_parameter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr bool accepts(oid column) noexcept { return detail::is_text_column(column); }
    static bool accepts(oid column, const server_types& types) { return detail::is_text_column(column, types); }
    static void encode(const std::string& value, writer& out) { detail::encode_text(value, out); }
    static void encode_text(const std::string& value, std::string& out) { out += value; }
    static void decode(value_view in, std::string& out) { out.assign(in.data(), in.size()); }
    /// @}
};

/// `std::string_view` as text, as std::string is. As a result, a view into the result's memory:
/// valid while the `typq::result` lives, so `query_one` and friends, which return values that
/// outlive their result, refuse it.
template <>
struct type<std::string_view> : detail::text_parameter {
    /// True: a decoded view points into the result (see typq::type's `borrows`).
    static constexpr bool borrows = true;
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr bool accepts(oid column) noexcept { return detail::is_text_column(column); }
    static bool accepts(oid column, const server_types& types) { return detail::is_text_column(column, types); }
    static void encode(std::string_view value, writer& out) { detail::encode_text(value, out); }
    static void encode_text(std::string_view value, std::string& out) { out += value; }
    static void decode(value_view in, std::string_view& out) { out = in.text(); }
    /// @}
};

/// A NUL-terminated string, as a parameter only (text, as std::string). A null pointer throws
/// typq::conversion_error (use std::nullopt for NULL).
template <>
struct type<const char*> : detail::text_parameter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void encode(const char* value, writer& out)
    {
        if (!value)
            throw conversion_error("null const char* (use std::nullopt to send NULL)", conversion_site{{}, "text", {}, {}});
        out.put_text(value);
    }
    static void encode_text(const char* value, std::string& out)
    {
        std::string text;
        writer to(text);
        encode(value, to);
        out += text;
    }
    /// @}
};

/// A NUL-terminated string, as `const char*`.
template <>
struct type<char*> : type<const char*> {};

/// A character array, such as a string literal or a C buffer: the text up to its first NUL,
/// which may be followed only by more NULs (the buffer's unused end). Text after a NUL
/// (`"ab\0cd"`) is refused rather than cut, with typq::conversion_error. A parameter only (text, as
/// std::string).
template <std::size_t N>
struct type<char[N]> : detail::text_parameter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void encode(const char (&value)[N], writer& out)
    {
        std::size_t size = 0;
        while (size < N && value[size] != '\0')
            ++size;
        for (std::size_t rest = size; rest < N; ++rest)
            if (value[rest] != '\0')
                detail::encode_text(std::string_view(value, N), out);  // throws: names the NUL's offset
        out.put_text(std::string_view(value, size));
    }
    static void encode_text(const char (&value)[N], std::string& out)
    {
        std::string text;
        writer to(text);
        encode(value, to);
        out += text;
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_TEXT_HPP
