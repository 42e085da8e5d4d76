// SPDX-License-Identifier: BSL-1.0
// typq/engine/check.hpp: what libpq's results and failures mean, written once: a result's status
// checked, the server's diagnostic read into an exception of its SQLSTATE's class, a lost
// connection told apart from a failed statement.

#ifndef TYPQ_ENGINE_CHECK_HPP
#define TYPQ_ENGINE_CHECK_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/engine/pq_handle.hpp>

#include <libpq-fe.h>

#include <cstdlib>      // std::atoi
#include <string>       // messages, diagnostic fields
#include <string_view>  // libpq's messages

namespace typq::engine {

/// libpq's message as one line (its lines joined by single spaces, no trailing newline).
TYPQ_DECL std::string libpq_message(const PGconn* conn);
/// Every field of the server's error report in `result`.
TYPQ_DECL diagnostic read_diagnostic(const PGresult* result);
/// Throws for a connection that can do no more work.
[[noreturn]] TYPQ_DECL void throw_broken(PGconn* conn, const PGresult* result);
/// Throws for a call into libpq that failed without a result.
[[noreturn]] TYPQ_DECL void throw_libpq_failure(PGconn* conn);
/// Throws for a result that is not a success (an error, an aborted pipeline statement).
[[noreturn]] TYPQ_DECL void throw_result_error(PGconn* conn, const PGresult* result);
TYPQ_DECL bool is_error_result(const PGresult* result) noexcept;

/// A result's status is one that carries a statement's success.
inline bool is_success(ExecStatusType status) noexcept
{
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_SINGLE_TUPLE
        || status == PGRES_EMPTY_QUERY;
}

/// Takes ownership of the result that matters and throws for anything but success.
inline result_handle check_result(PGconn* conn, result_handle result)
{
    if (!result)
        throw_libpq_failure(conn);
    if (!is_success(PQresultStatus(result.get())))
        throw_result_error(conn, result.get());
    return result;
}

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

/// Throws for a call into libpq that failed without a result: the connection was lost, or libpq
/// itself failed (out of memory, a busy connection).
[[noreturn]] TYPQ_DECL void throw_libpq_failure(PGconn* conn)
{
    if (PQstatus(conn) == CONNECTION_BAD)
        throw_broken(conn, nullptr);
    throw connection_error(libpq_message(conn), false, "");
}

[[noreturn]] TYPQ_DECL void throw_result_error(PGconn* conn, const PGresult* result)
{
    if (PQresultStatus(result) == PGRES_PIPELINE_ABORTED)
        throw pipeline_aborted("not run: an earlier statement in the pipeline failed, and the server skipped the "
                               "statements after it up to the next sync point");
    // A FATAL from the server (a terminated backend) arrives as an error result on a connection
    // that is now closed: that is a lost connection first, a server error second.
    if (PQstatus(conn) == CONNECTION_BAD)
        throw_broken(conn, result);
    if (const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE); sqlstate && *sqlstate)
        detail::throw_server_error(read_diagnostic(result));
    throw connection_error(libpq_message(conn), false, "");
}

TYPQ_DECL bool is_error_result(const PGresult* result) noexcept
{
    const ExecStatusType status = PQresultStatus(result);
    return status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR
        || status == PGRES_PIPELINE_ABORTED;
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_CHECK_HPP
