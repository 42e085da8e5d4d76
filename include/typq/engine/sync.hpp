// SPDX-License-Identifier: BSL-1.0
// typq/engine/sync.hpp: how the synchronous connection (and what works through it: transactions,
// cursors) runs a statement: one statement_op, driven to its end with poll().

#ifndef TYPQ_ENGINE_SYNC_HPP
#define TYPQ_ENGINE_SYNC_HPP

#include <typq/config.hpp>
#include <typq/engine/poll.hpp>
#include <typq/engine/pq_handle.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/statement.hpp>

#include <memory>   // std::shared_ptr
#include <utility>  // std::move

namespace typq::engine {

/// What running a statement left: its result, and what its plan's column names point into when
/// the plan came from a prepared statement.
struct ran {
    result_handle result;
    std::shared_ptr<const void> keeper;
};

/// Runs `request` on `s` to its end with the poll() driver. The caller holds the session's lease.
/// @throws the statement's error; else, once it has ended (its effects stand), what a notice
///         handler threw while it ran (session::rethrow_notice_failure).
TYPQ_DECL ran run_statement(session& s, statement_request request);

/// Runs a script (no parameters, the simple query protocol) the same way.
inline result_handle run_script(session& s, const char* text, std::size_t size)
{
    statement_request request;
    request.text = text;
    request.size = size;
    request.script = true;
    return std::move(run_statement(s, std::move(request)).result);
}

#if TYPQ_DEFINITIONS
TYPQ_DECL ran run_statement(session& s, statement_request request)
{
    statement_op op(s, std::move(request));
    run(s.native(), op);
    s.rethrow_notice_failure();
    return {std::move(op.result()), std::move(op.plan_keeper())};
}
#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_SYNC_HPP
