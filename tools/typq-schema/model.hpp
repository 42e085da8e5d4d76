// SPDX-License-Identifier: BSL-1.0
// tools/typq-schema/model.hpp: what typq-schema reads (a query list), learns from the server
// (each statement's parameters and columns, the server-defined types they use) and writes (the
// generated header), and the functions of its parts: query_list.cpp, describe.cpp, header.cpp.

#ifndef TYPQ_TOOLS_TYPQ_SCHEMA_MODEL_HPP
#define TYPQ_TOOLS_TYPQ_SCHEMA_MODEL_HPP

#include <cstddef>      // std::size_t: the statement hash
#include <iosfwd>       // std::ostream: where messages go
#include <stdexcept>    // std::runtime_error: bad input and usage
#include <string>       // texts and names
#include <string_view>  // header texts being compared
#include <vector>       // lists of everything

namespace schema_tool {

/// Where a statement occurs in the scanned code base, as the query list gives it.
struct location {
    std::string path;
    unsigned long line = 0;
    unsigned long column = 0;
};

/// `$number` of a statement, as the server inferred it.
struct parameter_description {
    unsigned type = 0;
    std::string type_name;                 // format_type(type, NULL)
    std::vector<unsigned> converts_from;   // sorted: the type itself, implicit and assignment casts
};

/// One result column of a statement.
struct column_description {
    std::string name;
    unsigned type = 0;
    std::string type_name;   // format_type(type, NULL)
    bool nullable = true;
};

/// One distinct SQL text of the list, with every place it occurs and, once described, its shape.
struct statement {
    std::string text;                  // as the program writes it: what the header keys
    std::string prepared;              // as the server is asked to describe it (positional_text)
    std::size_t hash = 0;              // typq::detail::sql_hash(text)
    std::vector<location> locations;   // in list order (path, line, column)
    std::vector<parameter_description> parameters;
    std::vector<column_description> columns;
};

/// A type the server defines, as a `typq::schema::type_entry` of the header.
struct type_description {
    unsigned id = 0;         // header_type_id: its OID when that is fixed, else a synthetic id
    std::string name;        // format_type(id, NULL)
    std::string schema;      // nspname
    std::string type_name;   // typname
    char kind = 'b';         // typtype
    unsigned element = 0;    // typelem of an array type, else 0
    unsigned base = 0;       // typbasetype of a domain, else 0
};

/// Everything the generated header says.
struct description {
    std::string server_version;          // "15.18"
    std::vector<statement> statements;   // sorted by hash, then text
    std::vector<type_description> types; // sorted by id
};

/// A query list or command line that cannot be used: exit code 2.
struct input_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A setup script the server refused, or a header that cannot be written (two types with the
/// same synthetic id): exit code 1.
struct failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A SQL script run before describing (`--setup FILE`): its name, for messages, and its text.
struct setup_script {
    std::string path;
    std::string text;
};

/// The text to prepare for `text`: `text` itself, unless its placeholders are all `:name` ones
/// (a statement that binds a struct's fields), which the server does not read: then each `:name`
/// becomes `$k`, numbered by first appearance (the same name again gets the same number), the
/// order in which typq::basic_sql binds them.
std::string positional_text(std::string_view text);

/// The id the header gives the type `schema`.`type_name`, whose OID is `oid`: the OID itself for a
/// type typq knows or one of the server's own (OIDs below 10000 are fixed in every database),
/// else `0x80000000 | (FNV-1a-32(schema + "." + type_name) & 0x7fffffff)`, the same in every
/// database that has the type.
unsigned header_type_id(unsigned oid, std::string_view schema, std::string_view type_name);

/// The distinct statements of the query list at `path`, in order of first occurrence, without
/// COPY ... FROM STDIN / TO STDOUT (their shape is COPY's, not a result's).
/// @throws input_error naming the file and line of a malformed line, or when it cannot be read.
std::vector<statement> read_query_list(const std::string& path);

/// Describes `statements` against the server at `dsn`, inside a transaction that it rolls back:
/// first the `setup` scripts run in it, in order, then every statement is described and the
/// catalog read, and the database is left as it was. A statement the server refuses is reported
/// on `errors` as `<path>:<line>:<column>: error: <message>` and left out; `failed` tells whether
/// any was. Every type the description names is given its header_type_id.
/// @throws failure for a setup script the server refuses (naming it, the message and where) or
///         two types with one synthetic id; typq::error when the server cannot be reached or is lost.
description describe(const std::string& dsn, const std::vector<setup_script>& setup, std::vector<statement> statements,
    std::ostream& errors, bool& failed);

/// The generated header for `d`; `command_line` goes in its first comment.
std::string render_header(const description& d, const std::string& command_line);

/// What compare_headers found.
struct comparison {
    std::size_t differences = 0;  // statements new, gone or changed, type entries, layout: out of date
    std::size_t moved = 0;        // statements described alike whose locations changed: notes only
};

/// Compares a header on disk (`old_text`) with the one just generated, ignoring the opening
/// comment lines (command line, server version). Prints each statement that is new, gone or
/// changed (the first `shown` of them; the rest are counted) and each type entry that differs on
/// `out`, then each statement that only moved as a note (the first `shown`) on `notes`.
comparison compare_headers(std::string_view old_text, std::string_view new_text, std::ostream& out,
    std::ostream& notes, std::size_t shown);

}  // namespace schema_tool

#endif  // TYPQ_TOOLS_TYPQ_SCHEMA_MODEL_HPP
