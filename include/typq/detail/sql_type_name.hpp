// SPDX-License-Identifier: BSL-1.0
// typq/detail/sql_type_name.hpp: a SQL type's name (`mood`, `shop."Mood"`, `int4[]`, `double
// precision`) read as the server reads one, into a spelling that to_regtype() cannot fail on:
// every identifier quoted, SQL's keyword names replaced by the catalog's. to_regtype() answers
// NULL for a type it does not find, but raises an error (which would abort the transaction) for
// a name it cannot parse; typq looks names up only in this spelling, and refuses the others.

#ifndef TYPQ_DETAIL_SQL_TYPE_NAME_HPP
#define TYPQ_DETAIL_SQL_TYPE_NAME_HPP

#include <optional>     // no spelling for a malformed name
#include <string>       // the spelling
#include <string_view>  // the name

namespace typq::detail {

// SQL's type names that are keywords (several words, or words that are no catalog name), and the
// catalog's name for each (PostgreSQL's gram.y, SimpleTypename).
struct sql_type_alias {
    std::string_view sql;
    std::string_view catalog;
};
inline constexpr sql_type_alias sql_type_aliases[] = {
    {"int", "int4"}, {"integer", "int4"}, {"smallint", "int2"}, {"bigint", "int8"}, {"real", "float4"},
    {"float", "float8"}, {"double precision", "float8"}, {"boolean", "bool"}, {"decimal", "numeric"},
    {"dec", "numeric"}, {"char", "bpchar"}, {"character", "bpchar"}, {"nchar", "bpchar"},
    {"national char", "bpchar"}, {"national character", "bpchar"}, {"char varying", "varchar"},
    {"character varying", "varchar"}, {"nchar varying", "varchar"}, {"national char varying", "varchar"},
    {"national character varying", "varchar"}, {"bit varying", "varbit"},
    {"timestamp without time zone", "timestamp"}, {"timestamp with time zone", "timestamptz"},
    {"time without time zone", "time"}, {"time with time zone", "timetz"},
};

// `a` equals `b` (lower case, single spaces) ignoring ASCII case, with any run of spaces in `a`
// matching one space.
inline bool same_words(std::string_view a, std::string_view b) noexcept
{
    std::size_t i = 0;
    for (std::size_t k = 0; k < b.size(); ++k) {
        if (b[k] == ' ') {
            if (i == a.size() || a[i] != ' ')
                return false;
            while (i < a.size() && a[i] == ' ')
                ++i;
            continue;
        }
        if (i == a.size())
            return false;
        const char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
        if (c != b[k])
            return false;
        ++i;
    }
    return i == a.size();
}

// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
inline bool is_utf8(std::string_view text) noexcept
{
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        unsigned min = 0;
        unsigned code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            length = 2;
            min = 0x80;
            code = c & 0x1Fu;
        }
        else if ((c & 0xF0) == 0xE0) {
            length = 3;
            min = 0x800;
            code = c & 0x0Fu;
        }
        else if ((c & 0xF8) == 0xF0) {
            length = 4;
            min = 0x10000;
            code = c & 0x07u;
        }
        else
            return false;
        if (text.size() - i < length)
            return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80)
                return false;
            code = (code << 6) | (next & 0x3Fu);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return false;
        i += length;
    }
    return true;
}

// One identifier at `i`, as the server reads it: "quoted" (with "" for a quote) as it is, or
// unquoted folded to lower case (ASCII letters only, as the server folds in UTF-8). Gives its
// characters, as the catalog keeps them, to `put` one by one, and leaves `i` after it; false when
// there is none ("" is none, nor is an unterminated quote). The one reader of SQL identifiers:
// for to_regtype()'s spelling here, and for the compile-time schema check, which compares an
// adapter's SQL type name with the catalog's.
template <class Put>
constexpr bool scan_identifier(std::string_view name, std::size_t& i, Put&& put)
{
    if (i < name.size() && name[i] == '"') {
        bool any = false;
        for (++i; i < name.size(); ++i) {
            if (name[i] == '"') {
                if (i + 1 == name.size() || name[i + 1] != '"') {
                    ++i;
                    return any;
                }
                ++i;  // "" is one "
            }
            put(name[i]);
            any = true;
        }
        return false;  // unterminated
    }
    const auto start_char = [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u >= 0x80;
    };
    if (i == name.size() || !start_char(name[i]))
        return false;
    for (; i < name.size() && (start_char(name[i]) || (name[i] >= '0' && name[i] <= '9') || name[i] == '$'); ++i)
        put(name[i] >= 'A' && name[i] <= 'Z' ? static_cast<char>(name[i] - 'A' + 'a') : name[i]);
    return true;
}

// One identifier at `i` (scan_identifier), appended to `out` quoted; false when there is none.
inline bool read_identifier(std::string_view name, std::size_t& i, std::string& out)
{
    out += '"';
    const bool read = scan_identifier(name, i, [&](char c) {
        out += c;
        if (c == '"')
            out += '"';
    });
    out += '"';
    return read;
}

/// `name` in a spelling to_regtype() reads without error, or std::nullopt when `name` is not a
/// type name: `[schema.]type` (identifiers quoted or not) or one of SQL's keyword names such as
/// `double precision`, then any number of `[]` (or `[N]`). Type modifiers (`varchar(10)`) are
/// refused: they are no part of a type's OID.
inline std::optional<std::string> regtype_spelling(std::string_view name)
{
    if (name.empty() || name.size() > 1024 || name.find('\0') != std::string_view::npos || !is_utf8(name))
        return std::nullopt;
    // The array suffixes, from the end.
    std::size_t end = name.size();
    std::size_t dimensions = 0;
    while (end > 0 && name[end - 1] == ']') {
        std::size_t open = end - 1;
        while (open > 0 && name[open - 1] >= '0' && name[open - 1] <= '9')
            --open;
        if (open == 0 || name[open - 1] != '[')
            return std::nullopt;
        end = open - 1;
        ++dimensions;
    }
    const std::string_view base = name.substr(0, end);
    std::string out;
    bool alias = false;
    for (const sql_type_alias& a : sql_type_aliases) {
        if (same_words(base, a.sql)) {
            out = "\"pg_catalog\".\"" + std::string(a.catalog) + "\"";
            alias = true;
            break;
        }
    }
    if (!alias) {
        std::size_t i = 0;
        if (!read_identifier(base, i, out))
            return std::nullopt;
        if (i < base.size() && base[i] == '.') {
            ++i;
            out += '.';
            if (!read_identifier(base, i, out))
                return std::nullopt;
        }
        if (i != base.size())
            return std::nullopt;
    }
    for (std::size_t d = 0; d < dimensions; ++d)
        out += "[]";
    return out;
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_SQL_TYPE_NAME_HPP
