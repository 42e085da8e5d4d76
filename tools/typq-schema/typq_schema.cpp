// SPDX-License-Identifier: BSL-1.0
// tools/typq-schema/typq_schema.cpp: typq-schema, which describes a program's SQL statements
// against a database and writes the header typq checks them with at compile time
// (`-DTYPQ_SCHEMA_HEADER=...`), or checks that a committed header is still what the database says.
//
//   typq-schema [--dsn DSN] [--setup FILE]... --queries LIST --output HEADER [--keep-going] [--regenerate CMD]
//   typq-schema [--dsn DSN] [--setup FILE]... --queries LIST --check HEADER [--keep-going] [--regenerate CMD]
//
// LIST comes from tools/typq-schema-scan.py. Everything runs in a transaction that is rolled
// back: the setup scripts (a schema.sql kept with the code) make the schema in it, so that an
// empty database is enough. Exit codes: 0 done (or up to date), 1 a statement or setup script
// the server refused, a header out of date, or no server; 2 a bad command line or query list.

#include "model.hpp"

#include <typq/error.hpp>

#include <cstdio>       // std::rename, std::remove
#include <cstdlib>      // std::getenv
#include <fstream>      // the header files
#include <iostream>     // messages
#include <iterator>     // std::istreambuf_iterator
#include <optional>     // a file that may not exist
#include <sstream>      // the check's report, printed after its summary
#include <string>       // arguments, texts
#include <string_view>  // options
#include <utility>      // std::move
#include <vector>       // arguments

namespace {

constexpr std::string_view usage_text =
    "usage: typq-schema [--dsn DSN] [--setup FILE]... --queries LIST (--output HEADER | --check HEADER)\n"
    "                   [--keep-going] [--regenerate COMMAND]\n";

constexpr std::string_view help_text =
    "Describes the SQL statements of a query list (tools/typq-schema-scan.py writes one) against a\n"
    "database and writes the header that typq checks them with at compile time\n"
    "(-DTYPQ_SCHEMA_HEADER=\"HEADER\"), or checks that HEADER is still what the database says.\n"
    "\n"
    "  --dsn DSN         libpq conninfo or URI; default: $TYPQ_DSN, else libpq's PG* variables\n"
    "  --setup FILE      run the SQL script FILE first (repeatable, in order). All runs in one\n"
    "                    transaction that is rolled back at the end: the database is left as it\n"
    "                    was, and a schema script is enough to describe against an empty database\n"
    "  --queries LIST    the query list: <path>:<line>:<column>, a tab, the escaped SQL text\n"
    "  --output HEADER   write the header (left untouched when it would not change)\n"
    "  --check HEADER    build the header in memory and compare it with HEADER: exit 0 when they\n"
    "                    describe the same (statements that only moved are noted, not failed),\n"
    "                    else exit 1 naming each statement that is new, gone or changed\n"
    "  --keep-going      report the statements the server refuses and leave them out, instead of\n"
    "                    failing\n"
    "  --regenerate CMD  the command the header's first line (and --check's message) gives for\n"
    "                    regenerating it, such as a build target; default: this command line,\n"
    "                    without the DSN. Give one when LIST is in a build directory: its path\n"
    "                    differs between machines, and the committed header would too\n"
    "  --help            this text\n"
    "\n"
    "Exit codes: 0 done; 1 a statement or setup script the server refused, a header out of date,\n"
    "or no server; 2 a bad command line, query list or unreadable setup script.\n";

struct options {
    std::optional<std::string> dsn;
    std::vector<std::string> setup;
    std::string queries;
    std::string header;
    std::optional<std::string> regenerate;
    bool check = false;
    bool keep_going = false;
};

// Single quotes around an argument the shell would split or expand, for the header's comment.
std::string shell_word(std::string_view word)
{
    bool plain = !word.empty();
    for (const char c : word) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || std::string_view("_-./:=,+@%").find(c) != std::string_view::npos;
        plain = plain && safe;
    }
    if (plain)
        return std::string(word);
    std::string quoted = "'";
    for (const char c : word)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

// The command that writes this header, for its first line: --regenerate's, else this one, never
// with the DSN itself (it may hold a password, and it differs between machines), and with
// --output for --check, whose header is the same.
std::string regenerate_command(const options& o)
{
    if (o.regenerate)
        return *o.regenerate;
    std::string command = "typq-schema";
    if (o.dsn)
        command += " --dsn DSN";
    for (const std::string& file : o.setup)
        command += " --setup " + shell_word(file);
    command += " --queries " + shell_word(o.queries) + " --output " + shell_word(o.header);
    if (o.keep_going)
        command += " --keep-going";
    return command;
}

// Parses argv; std::nullopt after --help. @throws schema_tool::input_error for a bad command line.
std::optional<options> parse_arguments(int argc, char** argv)
{
    options o;
    bool have_header = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        std::optional<std::string_view> inline_value;
        if (const std::size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            inline_value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        const auto value = [&]() -> std::string {
            if (inline_value)
                return std::string(*inline_value);
            if (i + 1 >= argc)
                throw schema_tool::input_error(std::string(arg) + " needs a value");
            return argv[++i];
        };
        const auto flag = [&] {
            if (inline_value)
                throw schema_tool::input_error(std::string(arg) + " takes no value");
        };
        if (arg == "--help" || arg == "-h") {
            flag();
            return std::nullopt;
        }
        if (arg == "--dsn")
            o.dsn = value();
        else if (arg == "--setup")
            o.setup.push_back(value());
        else if (arg == "--queries")
            o.queries = value();
        else if (arg == "--output" || arg == "--check") {
            if (have_header)
                throw schema_tool::input_error("give one of --output and --check, once");
            have_header = true;
            o.check = arg == "--check";
            o.header = value();
        }
        else if (arg == "--regenerate")
            o.regenerate = value();
        else if (arg == "--keep-going") {
            flag();
            o.keep_going = true;
        }
        else
            throw schema_tool::input_error("unknown argument " + std::string(arg));
    }
    if (o.queries.empty())
        throw schema_tool::input_error("--queries LIST is required");
    if (o.header.empty())
        throw schema_tool::input_error("--output HEADER or --check HEADER is required");
    return o;
}

std::optional<std::string> read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        return std::nullopt;
    return text;
}

// Writes through a temporary file and a rename, so that a build reading the header never sees
// half of one.
bool write_file(const std::string& path, const std::string& text)
{
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) {
            (void)std::remove(temporary.c_str());
            return false;
        }
    }
    return std::rename(temporary.c_str(), path.c_str()) == 0;
}

std::string count_text(std::size_t n)
{
    return std::to_string(n) + (n == 1 ? " statement" : " statements");
}

int run(const options& o)
{
    std::vector<schema_tool::statement> statements = schema_tool::read_query_list(o.queries);
    std::vector<schema_tool::setup_script> setup;
    for (const std::string& file : o.setup) {
        std::optional<std::string> text = read_file(file);
        if (!text)
            throw schema_tool::input_error("cannot read the setup script " + file);
        setup.push_back({file, std::move(*text)});
    }
    std::string dsn;
    if (o.dsn)
        dsn = *o.dsn;
    else if (const char* env = std::getenv("TYPQ_DSN"))
        dsn = env;

    bool failed = false;
    const schema_tool::description d = schema_tool::describe(dsn, setup, std::move(statements), std::cerr, failed);
    if (failed && !o.keep_going) {
        std::cerr << "typq-schema: the server refused the statements above; nothing was "
                  << (o.check ? "checked" : "written") << " (--keep-going leaves them out)\n";
        return 1;
    }
    const std::string header = schema_tool::render_header(d, regenerate_command(o));
    const std::optional<std::string> existing = read_file(o.header);

    if (o.check) {
        if (!existing) {
            std::cerr << "typq-schema: cannot read " << o.header << "; write it with: " << regenerate_command(o) << '\n';
            return 1;
        }
        std::ostringstream report;
        std::ostringstream notes;
        const schema_tool::comparison c = schema_tool::compare_headers(*existing, header, report, notes, 20);
        if (c.differences == 0) {
            std::cout << "typq-schema: " << o.header << " is up to date (" << count_text(d.statements.size()) << ")\n";
            if (c.moved > 0)
                std::cerr << notes.str() << "typq-schema: note: " << count_text(c.moved)
                          << " moved in the code, described as before: the check passes; " << regenerate_command(o)
                          << " updates the locations in the header's comments\n";
            return 0;
        }
        std::cerr << "typq-schema: " << o.header << " is not what the database describes now (" << c.differences
                  << (c.differences == 1 ? " difference" : " differences") << "); regenerate it with: "
                  << regenerate_command(o) << '\n'
                  << report.str() << notes.str();
        return 1;
    }
    // An unchanged header keeps its time stamp: the build does not recompile what includes it.
    if (existing && *existing == header) {
        std::cout << "typq-schema: " << o.header << " unchanged (" << count_text(d.statements.size()) << ")\n";
        return 0;
    }
    if (!write_file(o.header, header)) {
        std::cerr << "typq-schema: cannot write " << o.header << '\n';
        return 1;
    }
    std::cout << "typq-schema: wrote " << o.header << " (" << count_text(d.statements.size()) << ")\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    std::optional<options> o;
    try {
        o = parse_arguments(argc, argv);
    }
    catch (const schema_tool::input_error& e) {
        std::cerr << "typq-schema: " << e.what() << '\n' << usage_text << "(typq-schema --help says more)\n";
        return 2;
    }
    if (!o) {
        std::cout << usage_text << '\n' << help_text;
        return 0;
    }
    try {
        return run(*o);
    }
    catch (const schema_tool::input_error& e) {
        std::cerr << "typq-schema: " << e.what() << '\n';
        return 2;
    }
    catch (const schema_tool::failure& e) {
        std::cerr << "typq-schema: " << e.what() << '\n';
        return 1;
    }
    catch (const typq::error& e) {
        std::cerr << "typq-schema: " << e.what() << '\n';
        return 1;
    }
}
