// SPDX-License-Identifier: BSL-1.0
// typq/detail/exec.hpp: the one non-template path from typq to libpq. Templates encode their
// parameters and call exec_params (or exec_script); result status checks, SQLSTATE mapping and
// broken-connection detection are written once, here.

#ifndef TYPQ_DETAIL_EXEC_HPP
#define TYPQ_DETAIL_EXEC_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/detail/pq_handle.hpp>

#include <libpq-fe.h>

#include <cstdint>      // std::uint64_t
#include <cstdlib>      // std::atoi
#include <string>       // messages, diagnostic fields
#include <string_view>  // libpq's messages
#include <utility>      // std::move

namespace typq::detail {

/// The parameters of one statement, laid out as PQexecParams wants them.
struct param_span {
    int count = 0;
    const Oid* types = nullptr;
    const char* const* values = nullptr;
    const int* lengths = nullptr;
    const int* formats = nullptr;
};

/// libpq's message as one line (its lines joined by single spaces, no trailing newline).
TYPQ_DECL std::string libpq_message(const PGconn* conn);
/// Every field of the server's error report in `result`.
TYPQ_DECL diagnostic read_diagnostic(const PGresult* result);
/// Throws for a connection that can do no more work.
[[noreturn]] TYPQ_DECL void throw_broken(PGconn* conn, const PGresult* result);
/// Ends a COPY that a statement started through execute/query, then throws usage_error.
[[noreturn]] TYPQ_DECL void abandon_copy(PGconn* conn, ExecStatusType status);
/// Throws for a call into libpq that failed without a result.
[[noreturn]] TYPQ_DECL void throw_libpq_failure(PGconn* conn);
/// Takes ownership of the result that matters and throws for anything but success.
TYPQ_DECL result_handle check_result(PGconn* conn, PGresult* raw);
TYPQ_DECL bool is_error_result(const PGresult* result) noexcept;
/// Reads every result of what was sent and keeps the one that matters (see the definition).
TYPQ_DECL result_handle collect_results(PGconn* conn);
/// Runs one statement (extended query protocol), with binary results unless `text_results`.
TYPQ_DECL result_handle exec_params(PGconn* conn, const char* statement, const param_span& params, bool text_results = false);
/// Runs SQL without parameters through the simple query protocol (several statements may follow each other).
TYPQ_DECL result_handle exec_script(PGconn* conn, const char* statements);

#if TYPQ_DEFINITIONS

/// libpq's message as one line: its lines ("...failed: Connection refused\n\tIs the server
/// running...?\n") joined by single spaces, with no trailing newline.
TYPQ_DECL std::string libpq_message(const PGconn* conn)
{
    const std::string_view text = conn ? PQerrorMessage(conn) : "out of memory";
    std::string line;
    bool space = false;
    for (const char c : text) {
        if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
            space = !line.empty();
            continue;
        }
        if (space)
            line += ' ';
        space = false;
        line += c;
    }
    return line.empty() ? std::string("unknown libpq error") : line;
}

TYPQ_DECL diagnostic read_diagnostic(const PGresult* result)
{
    const auto field = [result](int code) {
        const char* value = PQresultErrorField(result, code);
        return value ? std::string(value) : std::string();
    };
    diagnostic d;
    d.sqlstate = field(PG_DIAG_SQLSTATE);
    d.severity = field(PG_DIAG_SEVERITY_NONLOCALIZED);
    d.message_primary = field(PG_DIAG_MESSAGE_PRIMARY);
    d.message_detail = field(PG_DIAG_MESSAGE_DETAIL);
    d.message_hint = field(PG_DIAG_MESSAGE_HINT);
    d.context = field(PG_DIAG_CONTEXT);
    d.schema_name = field(PG_DIAG_SCHEMA_NAME);
    d.table_name = field(PG_DIAG_TABLE_NAME);
    d.column_name = field(PG_DIAG_COLUMN_NAME);
    d.datatype_name = field(PG_DIAG_DATATYPE_NAME);
    d.constraint_name = field(PG_DIAG_CONSTRAINT_NAME);
    d.internal_query = field(PG_DIAG_INTERNAL_QUERY);
    d.source_file = field(PG_DIAG_SOURCE_FILE);
    d.source_function = field(PG_DIAG_SOURCE_FUNCTION);
    d.statement_position = std::atoi(field(PG_DIAG_STATEMENT_POSITION).c_str());
    d.internal_position = std::atoi(field(PG_DIAG_INTERNAL_POSITION).c_str());
    d.source_line = std::atoi(field(PG_DIAG_SOURCE_LINE).c_str());
    return d;
}

/// Throws for a connection that can do no more work.
[[noreturn]] TYPQ_DECL void throw_broken(PGconn* conn, const PGresult* result)
{
    std::string message = "connection to the server was lost: ";
    const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    message += primary ? std::string(primary) : libpq_message(conn);
    const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    throw connection_error(message, true, sqlstate ? sqlstate : "");
}

// A COPY started by a statement sent through execute/query: end it so that the connection stays
// usable, then say which API to use. Nothing of a COPY FROM STDIN was stored.
[[noreturn]] TYPQ_DECL void abandon_copy(PGconn* conn, ExecStatusType status)
{
    if (status == PGRES_COPY_IN)
        PQputCopyEnd(conn, "COPY FROM STDIN is not supported by execute() and query()");
    else {
        char* row = nullptr;
        while (PQgetCopyData(conn, &row, 0) > 0)
            PQfreemem(row);
    }
    while (PGresult* rest = PQgetResult(conn))
        PQclear(rest);
    if (PQstatus(conn) == CONNECTION_BAD)
        throw_broken(conn, nullptr);
    throw usage_error("COPY statements cannot run through execute() or query(); the COPY was abandoned");
}

/// Throws for a call into libpq that failed without a result: the connection was lost, or libpq
/// itself failed (out of memory, a busy connection).
[[noreturn]] TYPQ_DECL void throw_libpq_failure(PGconn* conn)
{
    if (PQstatus(conn) == CONNECTION_BAD)
        throw_broken(conn, nullptr);
    throw connection_error(libpq_message(conn), false, "");
}

/// Takes ownership of the result that matters (collect_results has already abandoned any COPY)
/// and throws for anything but success.
TYPQ_DECL result_handle check_result(PGconn* conn, PGresult* raw)
{
    result_handle result(raw);
    if (!result)
        throw_libpq_failure(conn);
    switch (PQresultStatus(result.get())) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
        return result;
    default:
        // A FATAL from the server (a terminated backend) arrives as an error result on a
        // connection that is now closed: that is a lost connection first, a server error second.
        if (PQstatus(conn) == CONNECTION_BAD)
            throw_broken(conn, result.get());
        if (const char* sqlstate = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE); sqlstate && *sqlstate)
            throw_server_error(read_diagnostic(result.get()));
        throw connection_error(libpq_message(conn), false, "");
    }
}

TYPQ_DECL bool is_error_result(const PGresult* result) noexcept
{
    const ExecStatusType status = PQresultStatus(result);
    return status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR;
}

// Reads every result of what was sent and keeps the one that matters: the first error, else the
// last result. PQexec keeps the last one even after an error, and when the server ends a session
// (FATAL 57P01, "terminating connection due to administrator command") the last one is libpq's
// own "server closed the connection" with no SQLSTATE: the server's reason would be lost.
TYPQ_DECL result_handle collect_results(PGconn* conn)
{
    result_handle kept;
    while (PGresult* raw = PQgetResult(conn)) {
        result_handle next(raw);
        const ExecStatusType status = PQresultStatus(raw);
        if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) {
            next.reset();
            abandon_copy(conn, status);
        }
        if (!kept || !is_error_result(kept.get()))
            kept = std::move(next);
    }
    return check_result(conn, kept.release());
}

/// Runs one statement (extended query protocol), with binary results unless `text_results`.
TYPQ_DECL result_handle exec_params(PGconn* conn, const char* statement, const param_span& params, bool text_results)
{
    if (!PQsendQueryParams(conn, statement, params.count, params.types, params.values, params.lengths, params.formats,
            text_results ? 0 : 1))
        throw_libpq_failure(conn);
    return collect_results(conn);
}

/// Runs SQL without parameters through the simple query protocol, so that one string may hold
/// several statements (a schema script). Results are text: for execute(), which reads none.
TYPQ_DECL result_handle exec_script(PGconn* conn, const char* statements)
{
    if (!PQsendQuery(conn, statements))
        throw_libpq_failure(conn);
    return collect_results(conn);
}

#endif  // TYPQ_DEFINITIONS

/// The row count of the command's tag (INSERT, UPDATE, DELETE, SELECT, MERGE, COPY, ...), else 0.
inline std::uint64_t affected_rows(const PGresult* result)
{
    std::uint64_t count = 0;
    for (const char* digit = PQcmdTuples(const_cast<PGresult*>(result)); *digit >= '0' && *digit <= '9'; ++digit)
        count = count * 10 + static_cast<std::uint64_t>(*digit - '0');
    return count;
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_EXEC_HPP
