// SPDX-License-Identifier: BSL-1.0
// tools/typq-schema/query_list.cpp: reads a QUERY LIST (docs: notes of issue 15; written by
// tools/typq-schema-scan.py): `<path>:<line>:<column>\t<escaped SQL>` per occurrence, `#` comments.

#include "model.hpp"

#include <typq/sql.hpp>
#include <typq/detail/sql_lexer.hpp>

#include <cstddef>        // std::size_t
#include <fstream>        // the list file
#include <string>         // lines
#include <string_view>    // parsing
#include <unordered_map>  // text -> statement, for deduplication
#include <utility>        // std::move
#include <vector>         // the statements

namespace schema_tool {
namespace {

// The list's escapes are exactly \\ \n \t \r: anything else after a backslash is a list the
// scanner did not write, and guessing would describe a statement the program does not run.
bool unescape(std::string_view escaped, std::string& out)
{
    out.clear();
    out.reserve(escaped.size());
    for (std::size_t i = 0; i < escaped.size(); ++i) {
        if (escaped[i] != '\\') {
            out += escaped[i];
            continue;
        }
        if (++i == escaped.size())
            return false;
        switch (escaped[i]) {
        case '\\': out += '\\'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        default: return false;
        }
    }
    return true;
}

bool parse_number(std::string_view digits, unsigned long& out)
{
    if (digits.empty() || digits.size() > 9)
        return false;
    out = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return false;
        out = out * 10 + static_cast<unsigned long>(c - '0');
    }
    return true;
}

// `<path>:<line>:<column>`, parsed from the right: a path may itself hold a colon.
bool parse_location(std::string_view text, location& out)
{
    const std::size_t col_colon = text.rfind(':');
    if (col_colon == std::string_view::npos || col_colon == 0)
        return false;
    const std::size_t line_colon = text.rfind(':', col_colon - 1);
    if (line_colon == std::string_view::npos || line_colon == 0)
        return false;
    out.path = std::string(text.substr(0, line_colon));
    return parse_number(text.substr(line_colon + 1, col_colon - line_colon - 1), out.line)
        && parse_number(text.substr(col_colon + 1), out.column);
}

}  // namespace

std::string positional_text(std::string_view text)
{
    namespace detail = typq::detail;
    std::vector<detail::placeholder> found;
    const auto lexed = detail::scan_placeholders(text, [&](const detail::placeholder& p) { found.push_back(p); });
    bool named = false;
    for (const detail::placeholder& p : found) {
        if (p.kind == detail::placeholder_kind::positional)
            return std::string(text);  // $n placeholders: the server reads it as it is
        named = true;
    }
    // Unlexable text (an unterminated string) goes as it is: the server says what is wrong with it.
    if (!named || lexed.error != detail::sql_lex_error::none)
        return std::string(text);
    std::vector<std::string_view> names;  // in order of first appearance: $1, $2, ...
    std::string out;
    std::size_t copied = 0;
    for (const detail::placeholder& p : found) {
        std::size_t k = 0;
        while (k < names.size() && names[k] != p.name)
            ++k;
        if (k == names.size())
            names.push_back(p.name);
        out.append(text.substr(copied, p.offset - copied));
        out += '$';
        out += std::to_string(k + 1);
        copied = p.offset + p.length;
    }
    out.append(text.substr(copied));
    return out;
}

std::vector<statement> read_query_list(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw input_error("cannot read the query list " + path);
    std::vector<statement> statements;
    std::unordered_map<std::string, std::size_t> index;  // text -> position in statements
    std::string line;
    std::string text;
    unsigned long number = 0;
    while (std::getline(in, line)) {
        ++number;
        // A list edited on Windows: its line ends are not part of the SQL (a CR in it is `\r`).
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || line.front() == '#')
            continue;
        const auto malformed = [&](const char* what) {
            return input_error(path + ":" + std::to_string(number) + ": " + what);
        };
        const std::size_t tab = line.find('\t');
        if (tab == std::string::npos)
            throw malformed("expected <path>:<line>:<column>, a tab, then the SQL text");
        location where;
        if (!parse_location(std::string_view(line).substr(0, tab), where))
            throw malformed("expected <path>:<line>:<column> before the tab");
        if (!unescape(std::string_view(line).substr(tab + 1), text))
            throw malformed("a backslash in the SQL text must start \\\\, \\n, \\t or \\r");
        if (typq::detail::classify_client_copy(text) != typq::detail::client_copy::none)
            continue;
        const auto [it, added] = index.try_emplace(text, statements.size());
        if (added) {
            statement s;
            s.text = text;
            s.prepared = positional_text(text);
            s.hash = typq::detail::sql_hash(text);
            statements.push_back(std::move(s));
        }
        statements[it->second].locations.push_back(std::move(where));
    }
    if (in.bad())
        throw input_error("cannot read the query list " + path);
    return statements;
}

}  // namespace schema_tool
