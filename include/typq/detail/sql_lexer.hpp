// SPDX-License-Identifier: BSL-1.0
// typq/detail/sql_lexer.hpp: finds the $N and :name placeholders in SQL text, skipping comments,
// string literals, quoted identifiers and dollar-quoted strings as PostgreSQL's lexer does.

#ifndef TYPQ_DETAIL_SQL_LEXER_HPP
#define TYPQ_DETAIL_SQL_LEXER_HPP

#include <cstddef>      // std::size_t offsets and lengths
#include <string_view>  // the SQL text; placeholder names are views into it

namespace typq::detail {

enum class placeholder_kind : unsigned char { positional, named };

struct placeholder {
    placeholder_kind kind;
    std::size_t offset;     // index of the '$' or ':' in the SQL text
    std::size_t length;     // characters of the whole token ("$12" is 3, ":email" is 6)
    unsigned number;        // positional only: the N of $N (1-based); 0 for named
    std::string_view name;  // named only: the identifier after ':' ("email"); empty for positional

    friend constexpr bool operator==(const placeholder&, const placeholder&) = default;
};

enum class sql_lex_error : unsigned char {
    none,
    unterminated_quoted_string,      // '...' or E'...' (also B'', X'', N'', U&'')
    unterminated_quoted_identifier,  // "..." (also U&"...")
    unterminated_dollar_quote,       // $tag$ ... (no closing $tag$)
    unterminated_block_comment,      // /* ... (comments nest in PostgreSQL)
    placeholder_number_too_large,    // $N with N > 65535 (PostgreSQL's limit on parameters)
};

// offset: where the bad construct starts (its prefix letter for E'', B'', U&'' ...);
// sql.size() when error is none.
struct sql_lex_result {
    sql_lex_error error;
    std::size_t offset;

    friend constexpr bool operator==(const sql_lex_result&, const sql_lex_result&) = default;
};

// The rules below follow the token boundaries of PostgreSQL 16's src/backend/parser/scan.l (15
// differs only in lacking '_' in numbers); each helper names the scan.l rule it mirrors. The
// scanner only needs to know where tokens end, never what they mean, so it works on bytes and
// never allocates.
namespace sql_lexer {

// Bind and Parse messages carry the parameter count as an Int16, and the server refuses more
// than 65535 parameters; a larger $N can never be bound.
inline constexpr unsigned max_parameter_number = 65535;

// Returned by the skip_* helpers when the input ends inside the construct.
inline constexpr std::size_t unterminated = std::string_view::npos;

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// scan.l's ident_start and dolq_start: [A-Za-z\200-\377_]. Every byte >= 0x80 counts, whatever
// the encoding, exactly as in the server (all server encodings are ASCII-safe).
constexpr bool is_ident_start(char c) noexcept
{
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u >= 0x80;
}

// scan.l's dolq_cont: a dollar-quote tag cannot contain '$'.
constexpr bool is_tag_cont(char c) noexcept { return is_ident_start(c) || is_digit(c); }

// scan.l's ident_cont: identifiers may contain '$', so "a$1" is one identifier, not a and $1.
constexpr bool is_ident_cont(char c) noexcept { return is_tag_cont(c) || c == '$'; }

// scan.l's {newline} is [\n\r]: a "--" comment also ends at a lone '\r'.
constexpr bool is_newline(char c) noexcept { return c == '\n' || c == '\r'; }

// scan.l's {space}.
constexpr bool is_space(char c) noexcept
{ return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The rest of an identifier from `i` (its first character already read).
constexpr std::size_t skip_ident_cont(std::string_view sql, std::size_t i) noexcept
{
    while (i < sql.size() && is_ident_cont(sql[i]))
        ++i;
    return i;
}

// scan.l's {decinteger}: digits, with single underscores between them (PostgreSQL 16).
// `i` is at a digit.
constexpr std::size_t skip_decinteger(std::string_view sql, std::size_t i) noexcept
{
    ++i;
    while (i < sql.size()) {
        if (is_digit(sql[i]))
            ++i;
        else if (sql[i] == '_' && i + 1 < sql.size() && is_digit(sql[i + 1]))
            i += 2;
        else
            break;
    }
    return i;
}

// The end of an identifier glued at `i`, if one starts there: scan.l's {..._junk} rules.
constexpr std::size_t skip_glued_identifier(std::string_view sql, std::size_t i) noexcept
{ return i < sql.size() && is_ident_start(sql[i]) ? skip_ident_cont(sql, i + 1) : i; }

// The end of a {decinteger} at `i` (a digit) with an identifier glued to it, if any. Flex takes
// the longest match, and an identifier may start at an '_' as well as at a letter, so it starts
// right after the first run of digits: "1_000$1" is 1 and the identifier _000$1.
constexpr std::size_t skip_decinteger_glued(std::string_view sql, std::size_t i) noexcept
{
    while (i < sql.size() && is_digit(sql[i]))
        ++i;
    return skip_glued_identifier(sql, i);
}

// A number token, as flex picks it: the longest of {decinteger}, {numeric}, {real} and their
// junk forms {integer_junk}, {numeric_junk}, {real_junk} (a number with an identifier glued to
// it, which the server rejects, but whose extent still decides what follows). The glued
// identifier swallows '$': "1e9$1", "1_000$1", ".1_9$1" and "1abc$1" are each one token, while
// "1e+9$1", "1.5$1" and "1$1" end before the '$'. In "1E'x'" and "1.e'x'" the E is swallowed
// too, so no escape string starts. `i` is at a digit, or at a '.' before a digit.
constexpr std::size_t skip_number(std::string_view sql, std::size_t i) noexcept
{
    const auto at = [sql](std::size_t k) noexcept { return k < sql.size() ? sql[k] : '\0'; };
    std::size_t longest = i;
    const auto consider = [&longest](std::size_t end) noexcept {
        longest = end > longest ? end : longest;
    };
    std::size_t mantissa = i;  // the end of the {decinteger} or {numeric} an exponent may follow
    if (sql[i] == '.') {
        consider(skip_decinteger_glued(sql, i + 1));
        mantissa = skip_decinteger(sql, i + 1);
    } else {
        consider(skip_decinteger_glued(sql, i));
        mantissa = skip_decinteger(sql, i);
        // {numeric}, unless {numericfail} applies: "1..10" is 1, "..", 10.
        if (at(mantissa) == '.' && at(mantissa + 1) != '.') {
            ++mantissa;
            if (is_digit(at(mantissa))) {
                consider(skip_decinteger_glued(sql, mantissa));
                mantissa = skip_decinteger(sql, mantissa);
            } else {
                consider(skip_glued_identifier(sql, mantissa));
            }
        }
    }
    if (at(mantissa) == 'E' || at(mantissa) == 'e') {
        const bool signed_exponent = at(mantissa + 1) == '+' || at(mantissa + 1) == '-';
        const std::size_t exponent = signed_exponent ? mantissa + 2 : mantissa + 1;
        if (is_digit(at(exponent)))
            consider(skip_decinteger_glued(sql, exponent));
    }
    return longest;
}

// scan.l's {comment}: "--" up to, not including, the newline. `i` is at the first '-'.
constexpr std::size_t skip_line_comment(std::string_view sql, std::size_t i) noexcept
{
    i += 2;
    while (i < sql.size() && !is_newline(sql[i]))
        ++i;
    return i;
}

// scan.l's <xc> state: every "/*" opens a level (xcdepth), every "*/" closes one. The '*' of an
// opener is never reused as the '*' of a closer, so "/*/" stays open. `i` is at the first '/'.
constexpr std::size_t skip_block_comment(std::string_view sql, std::size_t i) noexcept
{
    std::size_t depth = 0;
    i += 2;
    while (i + 1 < sql.size()) {
        if (sql[i] == '/' && sql[i + 1] == '*') {
            ++depth;
            i += 2;
        } else if (sql[i] == '*' && sql[i + 1] == '/') {
            if (depth == 0)
                return i + 2;
            --depth;
            i += 2;
        } else {
            ++i;
        }
    }
    return unterminated;
}

// scan.l's {quotecontinue}: after a closing quote, whitespace and "--" comments that include at
// least one newline, then a quote, continue the same literal ('a'\n'b' is 'ab'). Returns the
// index of that quote, or `unterminated` when the literal really ended at `i`.
constexpr std::size_t find_quote_continue(std::string_view sql, std::size_t i) noexcept
{
    bool saw_newline = false;
    while (i < sql.size()) {
        if (is_space(sql[i])) {
            saw_newline = saw_newline || is_newline(sql[i]);
            ++i;
        } else if (sql[i] == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            i = skip_line_comment(sql, i);
        } else {
            break;
        }
    }
    return saw_newline && i < sql.size() && sql[i] == '\'' ? i : unterminated;
}

// scan.l's <xq> and <xe> states (<xb>, <xh>, <xus> read the same for our purpose). "''" is a
// quote; with `backslash_escapes` (E'...') a backslash also takes the next byte, so E'it\'s' is one
// string. standard_conforming_strings is on (the default since 9.1, and what libpq's
// PQescapeLiteral assumes too): in '...' a backslash is an ordinary character. A continued
// literal stays in the state it began in: E'a'\n'\'' is still an escape string, which matters
// because the continuation's backslashes keep escaping. `i` is at the opening quote.
constexpr std::size_t skip_quoted_string(std::string_view sql, std::size_t i,
                                         bool backslash_escapes) noexcept
{
    ++i;
    while (i < sql.size()) {
        const char c = sql[i];
        if (c == '\\' && backslash_escapes) {
            i += 2;
        } else if (c == '\'') {
            if (i + 1 < sql.size() && sql[i + 1] == '\'') {
                i += 2;
            } else {
                const std::size_t next = find_quote_continue(sql, i + 1);
                if (next == unterminated)
                    return i + 1;
                i = next + 1;
            }
        } else {
            ++i;
        }
    }
    return unterminated;
}

// scan.l's <xd> state: "..." with "" as a quote. `i` is at the opening quote.
constexpr std::size_t skip_quoted_identifier(std::string_view sql, std::size_t i) noexcept
{
    ++i;
    while (i < sql.size()) {
        if (sql[i] != '"')
            ++i;
        else if (i + 1 < sql.size() && sql[i + 1] == '"')
            i += 2;
        else
            return i + 1;
    }
    return unterminated;
}

// scan.l's {dolqdelim}: '$', an optional tag that cannot start with a digit, '$'. Returns the
// delimiter's length, or 0 when `i` does not start one (scan.l's {dolqfailed}: the '$' is then
// an ordinary character).
constexpr std::size_t dollar_delimiter_length(std::string_view sql, std::size_t i) noexcept
{
    std::size_t j = i + 1;
    if (j < sql.size() && is_ident_start(sql[j])) {
        ++j;
        while (j < sql.size() && is_tag_cont(sql[j]))
            ++j;
    }
    return j < sql.size() && sql[j] == '$' ? j + 1 - i : 0;
}

// scan.l's <xdolq> state: the body is opaque and ends at the first occurrence of the very same
// delimiter. scan.l tries a delimiter at every '$' of the body (putting back the last '$' of a
// mismatch, as in $a$ x$$a$), which is the same as a plain substring search.
constexpr std::size_t skip_dollar_quote(std::string_view sql, std::size_t i,
                                        std::size_t delimiter_length) noexcept
{
    const std::string_view delimiter = sql.substr(i, delimiter_length);
    const std::size_t close = sql.find(delimiter, i + delimiter_length);
    return close == std::string_view::npos ? unterminated : close + delimiter_length;
}

}  // namespace sql_lexer

// Scans `sql` once, calling `visit(const placeholder&)` for every placeholder that is outside
// comments, string literals, quoted identifiers and dollar-quoted strings, in order. constexpr,
// no allocation: basic_sql's consteval constructor and typq::runtime run the same code.
//
// Token boundaries are PostgreSQL's (scan.l), so a '$' or ':' inside another token never counts:
// - "a$1" is one identifier, and "1abc$2" and "1e9$2" are one (junk) number token each: none
//   holds a placeholder. "$1$2" holds $1 and $2, and "1$2" holds $2: digits that end a parameter
//   or a number do not glue the next '$' to them ({param_junk} and {integer_junk} only swallow
//   what starts like an identifier, and '$' does not).
// - "$1abc" reports $1 (length 2) and skips "abc" as one identifier, '$' included: PostgreSQL 14
//   reads $1 AS abc, 15 and later reject it as trailing junk; either way "abc$2" holds nothing.
// - E'...' is an escape string only where an identifier could start: "fooE'x'", "1E'x'",
//   "1.e'x'" and "$1E'x'" end in an ordinary string.
// - ":name" needs an identifier start after the ':'; the name runs to the end of the identifier,
//   '$' included (":a$1" is named "a$1", the one identifier the server would see). "::" (cast) and
//   ":=" are skipped whole, so "x::text" has none. A ':' before a digit, a quote or a space is
//   passed over ("arr[1:2]" has none), and so is a ':' glued to the end of an identifier, number
//   or placeholder ("arr[lo:hi]", "x:a" have none, as in SQLAlchemy): rewritten to "x$1" such a
//   name would become part of the identifier and silently vanish.
// - $0 is reported with number 0; the caller rejects it.
// The scan stops at the first error, after visiting the placeholders before it; a $N beyond 65535
// is an error and is not visited.
//
// `standard_strings` is the server's standard_conforming_strings: off, a backslash escapes the
// next byte in '...' (and N'...') strings too, as in E'...'. `word` is called with every
// identifier or keyword outside quotes and comments, and with ";", "{" or "}" at each of those
// characters there.
template <class Visit, class Word>
[[nodiscard]] constexpr sql_lex_result scan_sql(std::string_view sql, Visit&& visit, Word&& word,
                                                bool standard_strings = true)
{
    namespace lex = sql_lexer;
    const std::size_t size = sql.size();
    // The byte `k` after `i`, or '\0' past the end: every test below looks for a non-NUL byte.
    const auto at = [sql, size](std::size_t i, std::size_t k) noexcept {
        return i + k < size ? sql[i + k] : '\0';
    };

    std::size_t i = 0;
    while (i < size) {
        const char c = sql[i];
        if (c == '-' && at(i, 1) == '-') {
            i = lex::skip_line_comment(sql, i);
        } else if (c == '/' && at(i, 1) == '*') {
            const std::size_t end = lex::skip_block_comment(sql, i);
            if (end == lex::unterminated)
                return {sql_lex_error::unterminated_block_comment, i};
            i = end;
        } else if (c == '\'') {
            const std::size_t end = lex::skip_quoted_string(sql, i, !standard_strings);
            if (end == lex::unterminated)
                return {sql_lex_error::unterminated_quoted_string, i};
            i = end;
        } else if (c == '"') {
            const std::size_t end = lex::skip_quoted_identifier(sql, i);
            if (end == lex::unterminated)
                return {sql_lex_error::unterminated_quoted_identifier, i};
            i = end;
        } else if (c == '$' && lex::is_digit(at(i, 1))) {
            // scan.l's {param}: '$' and decimal digits (no underscores, unlike numbers).
            std::size_t end = i + 1;
            unsigned number = 0;
            bool too_large = false;
            while (end < size && lex::is_digit(sql[end])) {
                // Stop accumulating once past the limit, so that no digit string can overflow.
                if (!too_large) {
                    number = number * 10 + static_cast<unsigned>(sql[end] - '0');
                    too_large = number > lex::max_parameter_number;
                }
                ++end;
            }
            if (too_large)
                return {sql_lex_error::placeholder_number_too_large, i};
            const placeholder found{placeholder_kind::positional, i, end - i, number, {}};
            visit(found);
            // scan.l's {param_junk}: an identifier glued to the digits belongs to this token.
            i = lex::skip_glued_identifier(sql, end);
        } else if (c == '$') {
            const std::size_t delimiter = lex::dollar_delimiter_length(sql, i);
            if (delimiter == 0) {
                ++i;
            } else {
                const std::size_t end = lex::skip_dollar_quote(sql, i, delimiter);
                if (end == lex::unterminated)
                    return {sql_lex_error::unterminated_dollar_quote, i};
                i = end;
            }
        } else if (c == ':') {
            const char next = at(i, 1);
            if (next == ':' || next == '=') {
                i += 2;  // scan.l's {typecast} and {colon_equals}: never a placeholder
            } else if (lex::is_ident_start(next) && !(i > 0 && lex::is_ident_cont(sql[i - 1]))) {
                const std::size_t end = lex::skip_ident_cont(sql, i + 2);
                const std::string_view name = sql.substr(i + 1, end - i - 1);
                const placeholder found{placeholder_kind::named, i, end - i, 0u, name};
                visit(found);
                i = end;
            } else {
                ++i;
            }
        } else if (lex::is_digit(c) || (c == '.' && lex::is_digit(at(i, 1)))) {
            i = lex::skip_number(sql, i);
        } else if (lex::is_ident_start(c)) {
            // Literal prefixes count only here, at the start of an identifier (scan.l's xestart,
            // xbstart, xhstart, xnstart, xusstart, xuistart win over {identifier} by length).
            const char next = at(i, 1);
            const bool escape = (c == 'E' || c == 'e') && next == '\'';
            const bool plain = next == '\''
                && (c == 'B' || c == 'b' || c == 'X' || c == 'x' || c == 'N' || c == 'n');
            const bool unicode = (c == 'U' || c == 'u') && next == '&'
                && (at(i, 2) == '\'' || at(i, 2) == '"');
            if (escape || plain || (unicode && at(i, 2) == '\'')) {
                const std::size_t quote = unicode ? i + 2 : i + 1;
                const bool national = c == 'N' || c == 'n';
                const std::size_t end = lex::skip_quoted_string(sql, quote, escape || (national && !standard_strings));
                if (end == lex::unterminated)
                    return {sql_lex_error::unterminated_quoted_string, i};
                i = end;
            } else if (unicode) {
                const std::size_t end = lex::skip_quoted_identifier(sql, i + 2);
                if (end == lex::unterminated)
                    return {sql_lex_error::unterminated_quoted_identifier, i};
                i = end;
            } else {
                const std::size_t end = lex::skip_ident_cont(sql, i + 1);
                word(sql.substr(i, end - i));
                i = end;
            }
        } else {
            // No SQL token contains '{' or '}' (the server rejects them outside quotes): they
            // are reported for typq::format_sql's slots.
            if (c == ';' || c == '{' || c == '}')
                word(sql.substr(i, 1));
            ++i;
        }
    }
    return {sql_lex_error::none, size};
}

// scan_sql for the placeholders alone.
template <class Visit>
[[nodiscard]] constexpr sql_lex_result scan_placeholders(std::string_view sql, Visit&& visit,
                                                         bool standard_strings = true)
{
    return scan_sql(sql, visit, [](std::string_view) {}, standard_strings);
}

// True when the unquoted word `w` is `keyword` (lower case), as the server folds case.
[[nodiscard]] constexpr bool is_keyword(std::string_view w, std::string_view keyword) noexcept
{
    if (w.size() != keyword.size())
        return false;
    for (std::size_t k = 0; k < w.size(); ++k) {
        const char c = w[k] >= 'A' && w[k] <= 'Z' ? static_cast<char>(w[k] - 'A' + 'a') : w[k];
        if (c != keyword[k])
            return false;
    }
    return true;
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_SQL_LEXER_HPP
