// SPDX-License-Identifier: BSL-1.0
// typq/detail/sql_text.hpp: values and names as SQL text, for typq::literal and
// typq::identifier and for adapters' text forms (encode_text): numbers in their shortest exact
// decimal form, quoting inside a value's text (array elements, hstore entries), and quoted
// literals and identifiers by PostgreSQL's rules for a UTF-8 client with
// standard_conforming_strings on, which is what typq always has.

#ifndef TYPQ_DETAIL_SQL_TEXT_HPP
#define TYPQ_DETAIL_SQL_TEXT_HPP

#include <typq/error.hpp>
#include <typq/detail/sql_type_name.hpp>

#include <charconv>     // std::to_chars: exact and shortest
#include <concepts>     // std::integral, std::floating_point
#include <limits>       // infinity
#include <string>       // the text
#include <string_view>  // what is quoted

namespace typq::detail {

/// Appends `value` in decimal (what int2in/int4in/int8in/oidin read).
template <std::integral I>
void append_integer(std::string& out, I value)
{
    char digits[24];
    const auto done = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, done.ptr);
}

/// Appends `value` as float4in/float8in read it back exactly: the shortest decimal that rounds
/// to it, or `NaN`, `Infinity`, `-Infinity`.
template <std::floating_point F>
void append_float(std::string& out, F value)
{
    if (value != value) {  // NaN
        out += "NaN";
        return;
    }
    if (value == std::numeric_limits<F>::infinity() || value == -std::numeric_limits<F>::infinity()) {
        out += value < 0 ? "-Infinity" : "Infinity";
        return;
    }
    char digits[64];
    const auto done = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, done.ptr);
}

/// Appends `text` in double quotes, with a backslash before each `"` and `\` (an array element's
/// quoting, array_out; an hstore key or value's, hstore_out).
inline void append_double_quoted(std::string& out, std::string_view text)
{
    out += '"';
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
}

/// Appends `text` as an element of an array's text form: as it is, or double-quoted when
/// array_in would read it otherwise (empty, `NULL` in any case, or holding white space, a quote,
/// a backslash, a brace or the delimiter `,`), as array_out does.
inline void append_array_element(std::string& out, std::string_view text)
{
    bool quote = text.empty() || (text.size() == 4 && same_words(text, "null"));
    for (const char c : text)
        quote = quote || c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || c == ' ' || c == '\t'
            || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    if (quote)
        append_double_quoted(out, text);
    else
        out += text;
}

/// Text that a literal or an identifier cannot hold: a NUL byte, or bytes that are not UTF-8.
/// Returns a reason, or nullptr when `text` is fine.
inline const char* unquotable(std::string_view text) noexcept
{
    if (text.find('\0') != std::string_view::npos)
        return "has a NUL byte, which PostgreSQL text cannot hold";
    if (!is_utf8(text))
        return "is not valid UTF-8 (typq's client encoding)";
    return nullptr;
}

/// Appends `text` as a SQL string literal, '...' with each quote doubled: with
/// standard_conforming_strings on (always, for typq) a backslash is an ordinary character.
/// @throws typq::conversion_error when `text` has a NUL byte or is not UTF-8.
inline void append_quoted_literal(std::string& out, std::string_view text, std::string_view sql_type)
{
    if (const char* reason = unquotable(text))
        throw conversion_error(std::string("typq::literal: the value's text ") + reason,
            conversion_site{{}, std::string(sql_type), {}, {}});
    out += '\'';
    for (const char c : text) {
        if (c == '\'')
            out += '\'';
        out += c;
    }
    out += '\'';
}

/// Appends `name` as a quoted identifier, "..." with each quote doubled: always quoted, so that
/// case, spaces and reserved words are kept as they are.
/// @throws typq::usage_error when `name` is empty, has a NUL byte or is not UTF-8.
inline void append_quoted_identifier(std::string& out, std::string_view name)
{
    const char* reason = name.empty() ? "is empty, which no identifier is" : unquotable(name);
    if (reason)
        throw usage_error(std::string("typq::identifier: the name ") + reason);
    out += '"';
    for (const char c : name) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_SQL_TEXT_HPP
