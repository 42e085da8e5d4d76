// SPDX-License-Identifier: BSL-1.0
// tools/typq-schema/describe.cpp: asks the server what each statement takes and returns. All of
// it happens in one transaction, rolled back at the end: the setup scripts run first, then each
// text is prepared as the unnamed statement with no parameter types (the server infers them, as
// it does for typq's strings) and described; then three catalog queries, each over every
// statement at once, name the types, find which columns are NOT NULL table columns and which
// types each parameter converts from. Last, the types get the ids the header gives them.

#include "model.hpp"

#include <typq/typq.hpp>

#include <libpq-fe.h>

#include <algorithm>    // std::sort, std::unique, std::min
#include <cstdint>      // std::int16_t: attnum; std::uint32_t: the synthetic ids' hash
#include <cstdio>       // std::snprintf: ids in messages
#include <cstdlib>      // std::strtoul: the server's error position
#include <map>          // catalog answers by OID
#include <memory>       // std::unique_ptr: PGresult ownership
#include <optional>     // a statement the server refused has no shape
#include <ostream>      // error lines
#include <set>          // the types the header lists
#include <string>       // names, messages
#include <string_view>  // the statement text
#include <tuple>        // catalog rows
#include <utility>      // std::pair, std::move
#include <vector>       // everything

namespace schema_tool {
namespace {

struct result_deleter {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

// A result column as RowDescription gives it: where it comes from, if from a table column.
struct raw_column {
    std::string name;
    unsigned type = 0;
    unsigned table = 0;   // PQftable: 0 when not a plain table (or view) column
    int attnum = 0;       // PQftablecol: 0 likewise
};

struct raw_shape {
    std::vector<unsigned> parameters;
    std::vector<raw_column> columns;
    bool pads_with_nulls = false;
};

// Whether a column traced to a NOT NULL table column may still be NULL in this statement's rows:
// an outer join pads one side with NULLs, grouping sets (ROLLUP, CUBE, GROUPING SETS) null the
// columns a row is not grouped by. RowDescription says which table a column came from, not whether
// that table was padded, so such a statement gets no NOT NULL columns at all. It looks at words,
// not a parse: a false alarm costs the program a std::optional, a miss a run-time error.
bool may_pad_with_nulls(std::string_view text)
{
    namespace detail = typq::detail;
    std::string_view before;    // the word before `previous`
    std::string_view previous;  // the word before this one
    bool pads = false;
    const auto word = [&](std::string_view w) {
        if (detail::is_keyword(w, "join")) {
            const std::string_view side = detail::is_keyword(previous, "outer") ? before : previous;
            pads = pads || detail::is_keyword(side, "left") || detail::is_keyword(side, "right")
                || detail::is_keyword(side, "full");
        }
        pads = pads || detail::is_keyword(w, "rollup") || detail::is_keyword(w, "cube")
            || (detail::is_keyword(w, "sets") && detail::is_keyword(previous, "grouping"));
        before = previous;
        previous = w;
    };
    (void)detail::scan_sql(text, [](const detail::placeholder&) {}, word);
    return pads;
}

std::string result_message(const PGresult* r, PGconn* conn)
{
    if (r) {
        if (const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY))
            return primary;
    }
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    return message;
}

[[noreturn]] void lost(PGconn* conn, const PGresult* r)
{
    throw typq::connection_error("lost the connection to the server: " + result_message(r, conn), true);
}

// One statement's results, up to its Sync: the Parse's, then the Describe's (PGRES_PIPELINE_ABORTED
// when the Parse failed). NULLs separate them.
std::vector<result_ptr> results_until_sync(PGconn* conn)
{
    std::vector<result_ptr> results;
    int nulls = 0;
    while (true) {
        result_ptr r(PQgetResult(conn));
        if (PQstatus(conn) == CONNECTION_BAD)
            lost(conn, r.get());
        if (!r) {
            // Two NULLs in a row: nothing more is coming, and the Sync never will.
            if (++nulls > 1)
                lost(conn, nullptr);
            continue;
        }
        nulls = 0;
        if (PQresultStatus(r.get()) == PGRES_PIPELINE_SYNC)
            return results;
        results.push_back(std::move(r));
    }
}

// The statement's shape from its results, or the server's message in `error`.
bool read_shape(PGconn* conn, const std::vector<result_ptr>& results, raw_shape& shape, std::string& error)
{
    for (const result_ptr& r : results)
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
            error = result_message(r.get(), conn);
            return false;
        }
    if (results.size() != 2) {
        error = "the server answered the statement's Parse and Describe with " + std::to_string(results.size()) + " results";
        return false;
    }
    const PGresult* r = results[1].get();
    const int parameters = PQnparams(r);
    shape.parameters.reserve(static_cast<std::size_t>(parameters));
    for (int i = 0; i < parameters; ++i)
        shape.parameters.push_back(PQparamtype(r, i));
    const int fields = PQnfields(r);
    shape.columns.reserve(static_cast<std::size_t>(fields));
    for (int i = 0; i < fields; ++i)
        shape.columns.push_back(raw_column{PQfname(r, i), PQftype(r, i), PQftable(r, i), PQftablecol(r, i)});
    return true;
}

// The savepoint each statement's description is rolled back to (describe() makes it after the
// setup scripts): a refused statement aborts the transaction, and the next one could not be
// described in it.
constexpr std::string_view savepoint = "typq_schema_describe";

// The ROLLBACK TO SAVEPOINT that follows a statement's Sync: its one result, up to its own Sync.
void read_rollback(PGconn* conn)
{
    const std::vector<result_ptr> results = results_until_sync(conn);
    for (const result_ptr& r : results)
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK)
            throw failure("ROLLBACK TO SAVEPOINT after a statement's description failed: " + result_message(r.get(), conn));
}

// Prepares (the unnamed statement, no parameter types: the server infers them, as it does for
// typq's strings) and describes every statement. They go in libpq's pipeline mode, a batch at a
// time: one round trip per batch where one per Parse and one per Describe made a remote database
// cost seconds per thousand statements. Each statement ends in its own Sync, then a ROLLBACK TO
// SAVEPOINT and another Sync, so that a refused one aborts only itself, inside the transaction
// too. A batch's answers are a few hundred bytes a statement: they fit the socket buffers while
// the batch is still being written. `shapes[i]` is std::nullopt for a refused statement, whose
// message is in `errors[i]`.
void describe_all(PGconn* conn, const std::vector<statement>& statements, std::vector<std::optional<raw_shape>>& shapes,
    std::vector<std::string>& errors)
{
    const std::string rollback = "ROLLBACK TO SAVEPOINT " + std::string(savepoint);
    constexpr std::size_t batch = 100;
    shapes.assign(statements.size(), std::nullopt);
    errors.assign(statements.size(), std::string());
    if (!PQenterPipelineMode(conn))
        lost(conn, nullptr);
    for (std::size_t first = 0; first < statements.size(); first += batch) {
        const std::size_t last = std::min(statements.size(), first + batch);
        std::vector<bool> sent(last - first, false);
        for (std::size_t i = first; i < last; ++i) {
            // libpq sends a C string: a NUL would cut the statement short and describe another one.
            if (statements[i].prepared.find('\0') != std::string::npos) {
                errors[i] = "the statement contains a NUL byte";
                continue;
            }
            if (!PQsendPrepare(conn, "", statements[i].prepared.c_str(), 0, nullptr) || !PQsendDescribePrepared(conn, "")
                || !PQpipelineSync(conn)
                || !PQsendQueryParams(conn, rollback.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0)
                || !PQpipelineSync(conn))
                lost(conn, nullptr);
            sent[i - first] = true;
        }
        if (PQflush(conn) < 0)
            lost(conn, nullptr);
        for (std::size_t i = first; i < last; ++i) {
            if (!sent[i - first])
                continue;
            raw_shape shape;
            if (read_shape(conn, results_until_sync(conn), shape, errors[i])) {
                shape.pads_with_nulls = may_pad_with_nulls(statements[i].prepared);
                shapes[i] = std::move(shape);
            }
            read_rollback(conn);
        }
    }
    if (!PQexitPipelineMode(conn))
        lost(conn, nullptr);
}

typq::oid to_oid(unsigned id) { return static_cast<typq::oid>(id); }
unsigned from_oid(typq::oid id) { return static_cast<unsigned>(id); }
bool builtin(unsigned id) { return typq::detail::is_builtin_type(to_oid(id)); }

// pg_type rows for `ids`, added to `known`.
void look_up_types(typq::connection& conn, const std::vector<typq::oid>& ids, std::map<unsigned, type_description>& known)
{
    using type_row = std::tuple<typq::oid, std::string, std::string, std::string, std::string, typq::oid, typq::oid>;
    const auto rows = conn.query<type_row>(
        "SELECT t.oid, format_type(t.oid, NULL), n.nspname::text, t.typname::text, t.typtype::text, "
        "CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE 0::oid END, t.typbasetype "
        "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = ANY($1)",
        ids);
    for (const auto& [id, name, schema, type_name, kind, element, base] : rows) {
        type_description& d = known[from_oid(id)];
        d.id = from_oid(id);
        d.name = name;
        d.schema = schema;
        d.type_name = type_name;
        d.kind = kind.empty() ? 'b' : kind.front();
        d.element = from_oid(element);
        d.base = from_oid(base);
    }
}

// Names every type in `used`, and collects the entries of the header: the types typq does not
// know, with their element and base types, recursively (one catalog query per level).
std::vector<type_description> look_up_all_types(typq::connection& conn, const std::set<unsigned>& used,
    std::map<unsigned, type_description>& known)
{
    std::set<unsigned> entries;
    std::vector<typq::oid> wanted;
    for (const unsigned id : used)
        wanted.push_back(to_oid(id));
    while (!wanted.empty()) {
        look_up_types(conn, wanted, known);
        std::vector<typq::oid> next;
        for (const typq::oid id : wanted) {
            const unsigned n = from_oid(id);
            if (builtin(n) || !entries.insert(n).second)
                continue;
            const auto found = known.find(n);
            if (found == known.end())
                continue;  // dropped since it was described
            for (const unsigned further : {found->second.element, found->second.base})
                if (further != 0 && !builtin(further) && !known.contains(further))
                    next.push_back(to_oid(further));
        }
        wanted = std::move(next);
    }
    std::vector<type_description> types;
    for (const unsigned id : entries)
        if (const auto found = known.find(id); found != known.end())
            types.push_back(found->second);
    return types;
}

// For each (table, attnum): whether it is a NOT NULL column of a table (plain or partitioned).
// A view's or a foreign table's column may hold NULL whatever its attnotnull says.
std::map<std::pair<unsigned, int>, bool> look_up_not_null(typq::connection& conn,
    const std::set<std::pair<unsigned, int>>& columns)
{
    std::vector<typq::oid> tables;
    std::vector<std::int16_t> numbers;
    for (const auto& [table, attnum] : columns) {
        tables.push_back(to_oid(table));
        numbers.push_back(static_cast<std::int16_t>(attnum));
    }
    std::map<std::pair<unsigned, int>, bool> not_null;
    for (const auto& [table, attnum, required] : conn.query<std::tuple<typq::oid, std::int16_t, bool>>(
             "SELECT a.attrelid, a.attnum, a.attnotnull AND c.relkind IN ('r', 'p') "
             "FROM unnest($1::oid[], $2::int2[]) AS w(rel, num) "
             "JOIN pg_attribute a ON a.attrelid = w.rel AND a.attnum = w.num "
             "JOIN pg_class c ON c.oid = a.attrelid",
             tables, numbers))
        not_null[{from_oid(table), attnum}] = required;
    return not_null;
}

// For each parameter type: the types the server converts to it implicitly or on assignment,
// with itself; for a domain, also its base type (down a chain of domains) and what converts to that.
// Only casts from the server's own types (OIDs below 10000, fixed by pg_type.dat): typq sends
// those (an argument of a type the server defines goes by its name, not through this list), and a
// cast from a type the database defines (an extension's citext to text) would make the header
// depend on whatever else is installed in the database it was made against.
std::map<unsigned, std::vector<unsigned>> look_up_conversions(typq::connection& conn, const std::set<unsigned>& types)
{
    std::vector<typq::oid> ids;
    for (const unsigned id : types)
        ids.push_back(to_oid(id));
    std::map<unsigned, std::vector<unsigned>> conversions;
    for (const auto& [target, source] : conn.query<std::tuple<typq::oid, typq::oid>>(
             "WITH RECURSIVE target(param, type) AS ("
             "    SELECT p, p FROM unnest($1::oid[]) AS p"
             "  UNION"
             "    SELECT target.param, t.typbasetype FROM target JOIN pg_type t ON t.oid = target.type"
             "    WHERE t.typtype = 'd') "
             "SELECT param, type FROM target "
             "UNION "
             "SELECT target.param, c.castsource FROM target JOIN pg_cast c ON c.casttarget = target.type "
             "WHERE c.castcontext IN ('i', 'a') AND c.castsource < 10000::oid",
             ids))
        conversions[from_oid(target)].push_back(from_oid(source));
    for (auto& [target, sources] : conversions) {
        std::sort(sources.begin(), sources.end());
        sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
    }
    return conversions;
}

// --- setup scripts --------------------------------------------------------------------------------

// `<path>:<line>:<column>` of the character at 1-based `position` of the script (the server counts
// characters: UTF-8 continuation bytes are not counted), or `<path>` without a position.
std::string script_place(const setup_script& script, unsigned long position)
{
    if (position == 0)
        return script.path;
    unsigned long line = 1;
    unsigned long column = 0;
    unsigned long characters = 0;
    for (const char c : script.text) {
        if ((static_cast<unsigned char>(c) & 0xc0) == 0x80)
            continue;
        if (++characters == position)
            break;
        if (c == '\n') {
            ++line;
            column = 0;
        }
        else {
            ++column;
        }
    }
    return script.path + ":" + std::to_string(line) + ":" + std::to_string(column + 1);
}

// Where `script` has a statement that would end the transaction it runs in (COMMIT, END,
// ROLLBACK but ROLLBACK TO, ABORT, PREPARE TRANSACTION), as an offset, or npos: its changes up to
// there would then stay in the database. Only statements' first words count; the statements of a
// BEGIN ATOMIC body (and their CASE ... END) are skipped, and dollar-quoted bodies the lexer skips.
std::size_t transaction_end(std::string_view script)
{
    namespace detail = typq::detail;
    constexpr std::size_t none = std::string_view::npos;
    bool at_start = true;          // the next word starts a statement
    std::size_t candidate = none;  // a statement's first word that may end the transaction
    std::string_view candidate_word;
    std::string_view previous;
    int atomic = 0;                // inside BEGIN ATOMIC: its depth, with CASEs in it
    std::size_t found = none;
    const auto word = [&](std::string_view w) {
        if (found != none)
            return;
        if (candidate != none) {
            // ROLLBACK TO [SAVEPOINT] stays in the transaction; PREPARE alone is a prepared statement.
            const bool ends = detail::is_keyword(candidate_word, "prepare") ? detail::is_keyword(w, "transaction")
                : detail::is_keyword(candidate_word, "rollback")            ? !detail::is_keyword(w, "to")
                                                                            : true;
            if (ends)
                found = candidate;
            candidate = none;
        }
        if (atomic > 0) {
            if (detail::is_keyword(w, "case"))
                ++atomic;
            else if (detail::is_keyword(w, "end"))
                --atomic;
        }
        else if (w == ";") {
            at_start = true;
            previous = w;
            return;
        }
        else if (detail::is_keyword(w, "atomic") && detail::is_keyword(previous, "begin")) {
            atomic = 1;
        }
        else if (at_start) {
            if (detail::is_keyword(w, "commit") || detail::is_keyword(w, "end") || detail::is_keyword(w, "abort")
                || detail::is_keyword(w, "rollback") || detail::is_keyword(w, "prepare")) {
                candidate = static_cast<std::size_t>(w.data() - script.data());
                candidate_word = w;
            }
        }
        at_start = false;
        previous = w;
    };
    (void)detail::scan_sql(script, [](const detail::placeholder&) {}, word);
    if (found == none && candidate != none && !detail::is_keyword(candidate_word, "prepare"))
        found = candidate;  // the script's last word
    return found;
}

// The 1-based character position of byte `offset` of `text`, as the server counts.
unsigned long character_position(std::string_view text, std::size_t offset)
{
    unsigned long characters = 0;
    for (std::size_t i = 0; i <= offset && i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80)
            ++characters;
    return characters;
}

// Runs `script` with the simple query protocol (every statement of it in one PQexec, as psql -f
// with ON_ERROR_STOP would, bar psql's own backslash commands), inside the transaction.
void run_setup(PGconn* conn, const setup_script& script)
{
    const auto fail = [&](unsigned long position, const std::string& message) {
        throw failure(script_place(script, position) + ": error: " + message);
    };
    if (script.text.find('\0') != std::string::npos)
        fail(0, "the setup script contains a NUL byte");
    if (const std::size_t end = transaction_end(script.text); end != std::string_view::npos)
        fail(character_position(script.text, end),
            "the setup script ends the transaction typq-schema runs it in, which would keep its changes in the "
            "database: leave COMMIT, END, ROLLBACK and PREPARE TRANSACTION out of it");
    result_ptr r(PQexec(conn, script.text.c_str()));
    if (PQstatus(conn) == CONNECTION_BAD)
        lost(conn, r.get());
    const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH)
        fail(0, "COPY ... FROM STDIN and TO STDOUT cannot run in a setup script");
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
        const char* position = r ? PQresultErrorField(r.get(), PG_DIAG_STATEMENT_POSITION) : nullptr;
        fail(position ? std::strtoul(position, nullptr, 10) : 0, result_message(r.get(), conn));
    }
    if (PQtransactionStatus(conn) != PQTRANS_INTRANS)
        fail(0, "the setup script ended the transaction typq-schema runs it in: its changes may have stayed in the database");
}

void exec_or_fail(PGconn* conn, const std::string& command)
{
    result_ptr r(PQexec(conn, command.c_str()));
    if (PQstatus(conn) == CONNECTION_BAD)
        lost(conn, r.get());
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK)
        throw failure(command + " failed: " + result_message(r.get(), conn));
}

// --- the header's ids --------------------------------------------------------------------------

std::string id_text(unsigned id)
{
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08x", id);
    return buffer;
}

// Gives every type of `d` its header id (header_type_id): the entries, their element and base
// types, each parameter's and column's type and the types a parameter converts from. `known`
// names them all. @throws failure when two types get the same synthetic id.
void assign_header_ids(description& d, const std::map<unsigned, type_description>& known)
{
    std::map<unsigned, unsigned> ids;       // OID -> header id
    std::map<unsigned, unsigned> owners;    // synthetic header id -> OID
    const auto id = [&](unsigned oid) -> unsigned {
        if (oid == 0 || builtin(oid))
            return oid;
        if (const auto done = ids.find(oid); done != ids.end())
            return done->second;
        const auto found = known.find(oid);
        if (found == known.end())
            throw failure("type " + std::to_string(oid) + " is no longer in pg_type (dropped while it was described?)");
        const type_description& t = found->second;
        const unsigned header = header_type_id(oid, t.schema, t.type_name);
        if (header != oid) {
            const auto [owner, added] = owners.try_emplace(header, oid);
            if (!added) {
                const type_description& other = known.at(owner->second);
                throw failure("types " + other.schema + "." + other.type_name + " and " + t.schema + "." + t.type_name
                    + " have the same synthetic id in the header (" + id_text(header)
                    + ", a hash of the schema and name): rename one of them");
            }
        }
        ids.emplace(oid, header);
        return header;
    };
    for (type_description& t : d.types) {
        t.id = id(t.id);
        t.element = id(t.element);
        t.base = id(t.base);
    }
    std::sort(d.types.begin(), d.types.end(), [](const type_description& a, const type_description& b) { return a.id < b.id; });
    for (statement& s : d.statements) {
        for (parameter_description& p : s.parameters) {
            p.type = id(p.type);
            for (unsigned& from : p.converts_from)
                from = id(from);
            std::sort(p.converts_from.begin(), p.converts_from.end());
            p.converts_from.erase(std::unique(p.converts_from.begin(), p.converts_from.end()), p.converts_from.end());
        }
        for (column_description& c : s.columns)
            c.type = id(c.type);
    }
}

std::string version_text(int number)
{
    // 150018 is 15.18; before 10, 90624 was 9.6.24.
    if (number >= 100000)
        return std::to_string(number / 10000) + "." + std::to_string(number % 10000);
    return std::to_string(number / 10000) + "." + std::to_string(number / 100 % 100) + "." + std::to_string(number % 100);
}

}  // namespace

// Synthetic ids keep a header the same in every database that has the schema (OIDs differ from
// one to the next: CI's fresh server, a colleague's). That is safe because typq's compile-time
// check compares a synthetic id only with the other ids of the same header (the type entries'
// ids, elements and bases, the parameters' and columns' types, converts_from), never with an OID
// from elsewhere. Types typq knows, and the server's own below 10000 (FirstGenbkiObjectId: fixed
// by pg_type.dat, the same in every database and version), keep their OIDs, which adapters name.
unsigned header_type_id(unsigned oid, std::string_view schema, std::string_view type_name)
{
    constexpr unsigned fixed_oids_end = 10000;
    if (oid < fixed_oids_end || builtin(oid))
        return oid;
    // FNV-1a, 32 bits, over "<schema>.<typname>".
    std::uint32_t hash = 2166136261u;
    const auto add = [&](std::string_view bytes) {
        for (const char c : bytes) {
            hash ^= static_cast<unsigned char>(c);
            hash *= 16777619u;
        }
    };
    add(schema);
    add(".");
    add(type_name);
    return static_cast<unsigned>(0x80000000u | (hash & 0x7fffffffu));
}

description describe(const std::string& dsn, const std::vector<setup_script>& setup, std::vector<statement> statements,
    std::ostream& errors, bool& failed)
{
    failed = false;
    typq::connection conn(dsn);
    // Rolled back when it goes out of scope: the setup scripts' objects, and anything a statement
    // could have left (none runs: each is only prepared), go with it.
    typq::transaction tx(conn);
    for (const setup_script& script : setup)
        run_setup(conn.native_handle(), script);
    exec_or_fail(conn.native_handle(), "SAVEPOINT " + std::string(savepoint));

    description d;
    d.server_version = version_text(conn.server_version());
    std::vector<std::optional<raw_shape>> described;
    std::vector<std::string> messages;
    describe_all(conn.native_handle(), statements, described, messages);
    std::vector<raw_shape> shapes;
    for (std::size_t i = 0; i < statements.size(); ++i) {
        if (!described[i]) {
            const location& at = statements[i].locations.front();
            errors << at.path << ':' << at.line << ':' << at.column << ": error: " << messages[i] << '\n';
            failed = true;
            continue;
        }
        d.statements.push_back(std::move(statements[i]));
        shapes.push_back(std::move(*described[i]));
    }

    std::set<unsigned> used;
    std::set<unsigned> parameter_types;
    std::set<std::pair<unsigned, int>> table_columns;
    for (const raw_shape& shape : shapes) {
        for (const unsigned type : shape.parameters) {
            used.insert(type);
            parameter_types.insert(type);
        }
        for (const raw_column& c : shape.columns) {
            used.insert(c.type);
            if (c.table != 0 && c.attnum > 0 && !shape.pads_with_nulls)
                table_columns.insert({c.table, c.attnum});
        }
    }
    std::map<unsigned, type_description> known;
    d.types = used.empty() ? std::vector<type_description>{} : look_up_all_types(conn, used, known);
    const auto not_null = table_columns.empty() ? std::map<std::pair<unsigned, int>, bool>{}
                                                : look_up_not_null(conn, table_columns);
    const auto conversions = parameter_types.empty() ? std::map<unsigned, std::vector<unsigned>>{}
                                                     : look_up_conversions(conn, parameter_types);
    // The types parameters convert from that no column or parameter has: named for their ids only.
    std::vector<typq::oid> unnamed;
    for (const auto& [target, sources] : conversions)
        for (const unsigned source : sources)
            if (!builtin(source) && !known.contains(source))
                unnamed.push_back(to_oid(source));
    if (!unnamed.empty()) {
        std::sort(unnamed.begin(), unnamed.end());
        unnamed.erase(std::unique(unnamed.begin(), unnamed.end()), unnamed.end());
        look_up_types(conn, unnamed, known);
    }

    const auto name_of = [&](unsigned type) {
        const auto found = known.find(type);
        return found != known.end() ? found->second.name : std::to_string(type);
    };
    for (std::size_t i = 0; i < d.statements.size(); ++i) {
        statement& s = d.statements[i];
        const raw_shape& shape = shapes[i];
        for (const unsigned type : shape.parameters) {
            parameter_description p{type, name_of(type), {type}};
            if (const auto found = conversions.find(type); found != conversions.end())
                p.converts_from = found->second;
            s.parameters.push_back(std::move(p));
        }
        for (const raw_column& c : shape.columns) {
            const auto found = not_null.find({c.table, c.attnum});
            const bool nullable = shape.pads_with_nulls || found == not_null.end() || !found->second;
            s.columns.push_back(column_description{c.name, c.type, name_of(c.type), nullable});
        }
    }
    std::sort(d.statements.begin(), d.statements.end(), [](const statement& a, const statement& b) {
        return a.hash != b.hash ? a.hash < b.hash : a.text < b.text;
    });
    assign_header_ids(d, known);
    tx.rollback();
    return d;
}

}  // namespace schema_tool
