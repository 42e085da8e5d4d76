// SPDX-License-Identifier: BSL-1.0
// tools/typq-schema/header.cpp: writes the generated header (its format: the notes of issue 15,
// read by typq/detail/schema_check.hpp), and compares two such headers statement by statement
// for --check. The comparison parses the text this file writes: a header is the only record of
// what was described, so the check needs no other file.

#include "model.hpp"

#include <algorithm>      // std::max
#include <cstddef>        // std::size_t
#include <cstdio>         // std::snprintf: hexadecimal hashes
#include <ostream>        // the check's report
#include <string>         // the header text
#include <string_view>    // parsing it back
#include <unordered_map>  // statements by text, for the check
#include <unordered_set>  // type entries, for the check
#include <utility>        // std::move
#include <vector>         // lines

namespace schema_tool {
namespace {

// --- writing ----------------------------------------------------------------------------------

// A C++ string literal with the exact bytes of `text`: the named escapes, and octal for every
// other control byte and every byte outside ASCII (the source's encoding cannot change them).
// Octal escapes are always three digits, so a digit after one is never taken into it.
void append_literal(std::string& out, std::string_view text)
{
    out += '"';
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (byte < 0x20 || byte >= 0x7f) {
                out += '\\';
                out += static_cast<char>('0' + (byte >> 6));
                out += static_cast<char>('0' + ((byte >> 3) & 7));
                out += static_cast<char>('0' + (byte & 7));
            }
            else {
                out += c;
            }
        }
    }
    out += '"';
}

// The statement text as adjacent literals, one per line of SQL, so that a long statement reads as
// it was written; continuation literals line up under the first one (`indent` columns in).
void append_text(std::string& out, std::string_view text, std::size_t indent)
{
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find('\n', start);
        // A final newline stays with the last line rather than making an empty literal.
        if (end == std::string_view::npos || end + 1 == text.size()) {
            append_literal(out, text.substr(start));
            return;
        }
        append_literal(out, text.substr(start, end + 1 - start));
        out += '\n';
        out.append(indent, ' ');
        start = end + 1;
    }
}

// A path inside a `//` comment: a control byte would end or garble the line, and a backslash at
// its end would splice the next line into the comment.
std::string comment_safe(std::string_view text)
{
    std::string safe(text);
    for (char& c : safe)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\')
            c = '?';
    return safe;
}

std::string locations_comment(const std::vector<location>& locations)
{
    constexpr std::size_t shown = 3;
    std::string out;
    for (std::size_t i = 0; i < locations.size() && i < shown; ++i) {
        if (i > 0)
            out += ", ";
        out += comment_safe(locations[i].path) + ":" + std::to_string(locations[i].line);
    }
    if (locations.size() > shown)
        out += " and " + std::to_string(locations.size() - shown) + " more";
    return out;
}

std::string hex_hash(std::size_t hash)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "0x%016llxu", static_cast<unsigned long long>(hash));
    return buffer;
}

// A type id as the header writes it: an OID in decimal, a synthetic id (high bit set; no OID the
// header keeps has it) in hexadecimal, so that it reads as what it is.
std::string type_id(unsigned id)
{
    if (id < 0x80000000u)
        return std::to_string(id);
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08xu", id);
    return buffer;
}

const char* kind_name(char kind)
{
    switch (kind) {
    case 'c': return "composite";
    case 'd': return "domain";
    case 'e': return "enumeration";
    case 'p': return "pseudo";
    case 'r': return "range";
    case 'm': return "multirange";
    default: return "base";
    }
}

void append_statement(std::string& out, const statement& s)
{
    constexpr std::string_view opening = "        if (text == ";
    out += opening;
    append_text(out, s.text, opening.size());
    out += ") {\n";
    for (std::size_t i = 0; i < s.parameters.size(); ++i) {
        const parameter_description& p = s.parameters[i];
        out += "            r.parameter(" + std::to_string(i + 1) + ", " + type_id(p.type) + ", ";
        append_literal(out, p.type_name);
        out += ", {";
        for (std::size_t k = 0; k < p.converts_from.size(); ++k)
            out += (k > 0 ? ", " : "") + type_id(p.converts_from[k]);
        out += "});\n";
    }
    for (const column_description& c : s.columns) {
        out += "            r.column(";
        append_literal(out, c.name);
        out += ", " + type_id(c.type) + ", ";
        append_literal(out, c.type_name);
        out += c.nullable ? ", true);\n" : ", false);\n";
    }
    out += "            return true;\n";
    out += "        }\n";
}

// --- reading back, for --check ----------------------------------------------------------------

constexpr std::string_view types_opening = "inline constexpr typq::schema::type_entry types[] = {";
constexpr std::string_view types_end = "    {}, // end";
constexpr std::string_view case_opening = "    case 0x";
constexpr std::string_view if_opening = "        if (text == ";
constexpr std::string_view location_opening = "        // ";
constexpr std::string_view body_end = "            return true;";

struct parsed_statement {
    std::string key;                  // the text as its literals are spelled
    std::string locations;            // the comment naming where it occurs
    std::vector<std::string> body;    // the r.parameter / r.column calls, unindented
};

struct parsed_header {
    std::vector<std::string> frame;   // every other line, bar the opening comments
    std::vector<std::string> types;   // the type entries, bar the sentinel
    std::vector<parsed_statement> statements;
};

std::vector<std::string_view> split_lines(std::string_view text)
{
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::string_view trim_left(std::string_view line)
{
    const std::size_t first = line.find_first_not_of(' ');
    return first == std::string_view::npos ? std::string_view() : line.substr(first);
}

parsed_header parse_header(std::string_view text)
{
    parsed_header h;
    const std::vector<std::string_view> lines = split_lines(text);
    std::size_t i = 0;
    while (i < lines.size() && lines[i].starts_with("//"))  // the command line and server version
        ++i;
    bool in_types = false;
    std::string locations;
    for (; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        if (in_types) {
            if (line == types_end) {
                in_types = false;
                h.frame.emplace_back(line);
            }
            else {
                h.types.emplace_back(line);
            }
        }
        else if (line == types_opening) {
            in_types = true;
            h.frame.emplace_back(line);
        }
        else if (line.starts_with(case_opening)) {
            const std::size_t comment = line.find("// ");
            locations = comment == std::string_view::npos ? std::string() : std::string(line.substr(comment + 3));
        }
        else if (line.starts_with(location_opening)) {
            locations = std::string(line.substr(location_opening.size()));
        }
        else if (line.starts_with(if_opening)) {
            parsed_statement s;
            s.locations = locations;
            // The literals run on until the line that closes the condition: each literal is
            // closed on its own line, so only the last line ends in `) {`.
            std::string_view piece = line.substr(if_opening.size());
            while (!piece.ends_with(") {") && i + 1 < lines.size()) {
                s.key += std::string(piece) + " ";
                piece = trim_left(lines[++i]);
            }
            if (piece.ends_with(") {"))
                piece.remove_suffix(3);
            s.key += piece;
            while (i + 1 < lines.size() && lines[i + 1] != body_end)
                s.body.emplace_back(trim_left(lines[++i]));
            i += 2;  // `return true;` and the closing brace
            h.statements.push_back(std::move(s));
        }
        else if (line != "        break;") {
            h.frame.emplace_back(line);
        }
    }
    return h;
}

// The header from its first preprocessor line on, without the comments that say where the
// statements are: what --check compares when nothing else differs.
std::string without_locations(std::string_view text)
{
    std::string out;
    const std::size_t at = text.find("\n#");
    for (const std::string_view line : split_lines(at == std::string_view::npos ? text : text.substr(at + 1))) {
        if (line.starts_with(location_opening))
            continue;
        std::string_view kept = line;
        if (line.starts_with(case_opening))
            if (const std::size_t comment = line.find("  // "); comment != std::string_view::npos)
                kept = line.substr(0, comment);
        out.append(kept);
        out += '\n';
    }
    return out;
}

std::string first_location(const std::string& locations)
{
    if (locations.empty())
        return "(no location)";
    std::size_t end = locations.find(", ");
    if (const std::size_t more = locations.find(" and "); more < end)
        end = more;
    return locations.substr(0, end);
}

std::string excerpt(const std::string& key)
{
    constexpr std::size_t longest = 100;
    return key.size() <= longest ? key : key.substr(0, longest) + "...";
}

// The lines of `from` missing from `to` (-) and of `to` missing from `from` (+), in order: a
// longest common subsequence over the few calls of one statement.
void print_line_diff(const std::vector<std::string>& from, const std::vector<std::string>& to, std::ostream& out)
{
    const std::size_t n = from.size();
    const std::size_t m = to.size();
    std::vector<std::vector<std::size_t>> common(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t a = n; a-- > 0;)
        for (std::size_t b = m; b-- > 0;)
            common[a][b] = from[a] == to[b] ? common[a + 1][b + 1] + 1 : std::max(common[a + 1][b], common[a][b + 1]);
    std::size_t a = 0;
    std::size_t b = 0;
    while (a < n || b < m) {
        if (a < n && b < m && from[a] == to[b]) {
            ++a;
            ++b;
        }
        else if (b == m || (a < n && common[a + 1][b] >= common[a][b + 1])) {
            out << "    - " << from[a++] << '\n';
        }
        else {
            out << "    + " << to[b++] << '\n';
        }
    }
}

}  // namespace

std::string render_header(const description& d, const std::string& command_line)
{
    std::string out;
    out += "// Generated by typq-schema: do not edit. Regenerate: " + comment_safe(command_line) + "\n";
    out += "// " + std::to_string(d.statements.size()) + (d.statements.size() == 1 ? " statement" : " statements")
        + ", described by PostgreSQL " + comment_safe(d.server_version) + ".\n";
    out += "#ifndef TYPQ_SCHEMA_GENERATED_HPP\n"
           "#define TYPQ_SCHEMA_GENERATED_HPP\n"
           "\n"
           "// typq includes this header itself, after typq/schema.hpp's contents; the single header\n"
           "// (single_include/typq.hpp) has them but no typq/schema.hpp to include.\n"
           "#ifndef TYPQ_SCHEMA_HPP\n"
           "#include <typq/schema.hpp>\n"
           "#endif\n"
           "\n"
           "namespace typq_schema {\n"
           "\n"
           "// Types that are not built in, referenced by a column or parameter (or as an element or base of one).\n"
           "// An id from 0x80000000 is not an OID: it is made from the type's schema and name, so that the\n"
           "// header is the same in every database that has the schema.\n";
    out += types_opening;
    out += '\n';
    for (const type_description& t : d.types) {
        out += "    {" + type_id(t.id) + ", ";
        append_literal(out, t.name);
        out += ", ";
        append_literal(out, t.schema);
        out += ", ";
        append_literal(out, t.type_name);
        out += std::string(", typq::type_kind::") + kind_name(t.kind) + ", " + type_id(t.element) + ", "
            + type_id(t.base) + "},\n";
    }
    out += types_end;
    out += "\n"
           "};\n"
           "\n"
           "consteval bool describe(std::size_t hash, std::string_view text, typq::schema::reader& r)\n"
           "{\n";
    // Users compile this header with their warnings: no parameter may go unused.
    bool reads = false;
    for (const statement& s : d.statements)
        reads = reads || !s.parameters.empty() || !s.columns.empty();
    if (d.statements.empty())
        out += "    (void)hash;\n"
               "    (void)text;\n";
    if (!reads)
        out += "    (void)r;\n";
    if (!d.statements.empty()) {
        out += "    switch (hash) {\n";
        for (std::size_t i = 0; i < d.statements.size(); ++i) {
            const statement& s = d.statements[i];
            // Equal hashes share a case, one `if` per text, each under its own locations.
            if (i == 0 || d.statements[i - 1].hash != s.hash)
                out += "    case " + hex_hash(s.hash) + ":  // " + locations_comment(s.locations) + "\n";
            else
                out += std::string(location_opening) + locations_comment(s.locations) + "\n";
            append_statement(out, s);
            if (i + 1 == d.statements.size() || d.statements[i + 1].hash != s.hash)
                out += "        break;\n";
        }
        out += "    }\n";
    }
    out += "    return false;\n"
           "}\n"
           "\n"
           "}  // namespace typq_schema\n"
           "\n"
           "#endif\n";
    return out;
}

comparison compare_headers(std::string_view old_text, std::string_view new_text, std::ostream& out,
    std::ostream& notes, std::size_t shown)
{
    const parsed_header old_header = parse_header(old_text);
    const parsed_header new_header = parse_header(new_text);
    comparison result;
    // Past `shown` statements, a re-created type or a migration that touches every statement would
    // bury the first lines of the report: those are counted only.
    const auto report = [&] { return result.differences++ < shown; };

    std::unordered_map<std::string, const parsed_statement*> old_statements;
    for (const parsed_statement& s : old_header.statements)
        old_statements.emplace(s.key, &s);
    std::unordered_set<std::string> seen;
    for (const parsed_statement& s : new_header.statements) {
        seen.insert(s.key);
        const auto found = old_statements.find(s.key);
        if (found == old_statements.end()) {
            if (!report())
                continue;
            out << first_location(s.locations) << ": new statement: " << excerpt(s.key) << '\n';
            for (const std::string& line : s.body)
                out << "    + " << line << '\n';
            continue;
        }
        const parsed_statement& old = *found->second;
        if (old.body != s.body) {
            if (!report())
                continue;
            out << first_location(s.locations) << ": changed: " << excerpt(s.key) << '\n';
            print_line_diff(old.body, s.body, out);
        }
        else if (old.locations != s.locations) {
            // Code moved, the description did not: what the compiler checks is the same.
            if (result.moved++ < shown)
                notes << first_location(s.locations) << ": note: moved: " << excerpt(s.key) << "\n    - // "
                      << old.locations << "\n    + // " << s.locations << '\n';
        }
    }
    for (const parsed_statement& s : old_header.statements) {
        if (seen.contains(s.key) || !report())
            continue;
        out << first_location(s.locations) << ": gone: " << excerpt(s.key) << '\n';
    }
    if (result.differences > shown)
        out << "... and " << result.differences - shown << " more statements\n";
    if (result.moved > shown)
        notes << "... and " << result.moved - shown << " more moved statements\n";

    const std::unordered_set<std::string> old_types(old_header.types.begin(), old_header.types.end());
    const std::unordered_set<std::string> new_types(new_header.types.begin(), new_header.types.end());
    for (const std::string& t : old_header.types)
        if (!new_types.contains(t)) {
            ++result.differences;
            out << "type entry gone: " << trim_left(t) << '\n';
        }
    for (const std::string& t : new_header.types)
        if (!old_types.contains(t)) {
            ++result.differences;
            out << "type entry new: " << trim_left(t) << '\n';
        }

    if (result.differences == 0 && old_header.frame != new_header.frame) {
        ++result.differences;
        std::size_t i = 0;
        while (i < old_header.frame.size() && i < new_header.frame.size() && old_header.frame[i] == new_header.frame[i])
            ++i;
        out << "the header's layout differs (not written by this typq-schema, or edited):\n";
        out << "    - " << (i < old_header.frame.size() ? old_header.frame[i] : "(end of file)") << '\n';
        out << "    + " << (i < new_header.frame.size() ? new_header.frame[i] : "(end of file)") << '\n';
    }
    // The same statements and types in another order, say: not what --output would write. The
    // location comments are left out, as above.
    if (result.differences == 0 && without_locations(old_text) != without_locations(new_text)) {
        ++result.differences;
        out << "the header's order or spacing differs (edited by hand?)\n";
    }
    return result;
}

}  // namespace schema_tool
