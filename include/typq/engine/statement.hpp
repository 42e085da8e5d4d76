// SPDX-License-Identifier: BSL-1.0
// typq/engine/statement.hpp: one statement, start to end, as an operation that never blocks:
// its parameters encoded (types the server defines looked up first), sent unprepared, prepared
// (once it has run often enough, or because it is a typq::prepared), its results collected, and
// its rows' column plan made or taken from the prepared statement. The one path every form of
// execute and query takes; the typed front ends only supply how to bind and how to plan.

#ifndef TYPQ_ENGINE_STATEMENT_HPP
#define TYPQ_ENGINE_STATEMENT_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/server_types.hpp>
#include <typq/type.hpp>
#include <typq/engine/bind.hpp>
#include <typq/engine/catalog.hpp>
#include <typq/engine/check.hpp>
#include <typq/engine/collect.hpp>
#include <typq/engine/io.hpp>
#include <typq/engine/plan.hpp>
#include <typq/engine/pq_handle.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/statement_cache.hpp>

#include <libpq-fe.h>

#include <cstddef>      // std::size_t
#include <memory>       // std::shared_ptr
#include <optional>     // the catalog lookup in progress
#include <string>       // the deallocation script
#include <string_view>  // SQLSTATEs
#include <utility>      // std::move

namespace typq::engine {

/// Encodes a statement's parameters into a bind buffer. A pass: it may be made again after types
/// it asked for were looked up (see type_misses).
struct binder {
    const void* context = nullptr;
    void (*bind)(const void* context, bind_buffer& out, const server_types& types) = nullptr;
    bool needs_types = true;  // some value's type is one the server defines (see detail::looked_up)
};

/// Makes the column plan of a row type (a pass, too), and copies plans to and from a prepared
/// statement, which keeps one per row type and result format.
struct planner {
    const void* key = nullptr;  // the row type and result format, as an address unique to them
    void* plan = nullptr;       // the column_plan<Row> to fill
    void (*make)(void* plan, const PGresult* source, const plan_source& how, const server_types& types) = nullptr;
    std::shared_ptr<const void> (*share)(const void* plan) = nullptr;
    void (*assign)(void* plan, const void* shared) = nullptr;
};

/// A statement prepared by the program (typq::prepared): its text and parameter types, and the
/// server's statement, replaced when DDL invalidates it (null until prepared again).
struct prepared_slot {
    std::string text;
    std::vector<Oid> types;
    std::shared_ptr<prepared_statement> statement;
    std::size_t generation = 0;  // the cache's generation when `statement` was prepared
    std::weak_ptr<session> owner;
};

/// What one statement is.
struct statement_request {
    const char* text = nullptr;  // NUL-terminated, as sent (a named statement: rewritten with $N)
    std::size_t size = 0;
    std::size_t text_hash = 0;   // basic_sql::hash() of the statement as written
    const char* source = nullptr;  // the string literal it was written as, if it was one
    bool script = false;         // no parameters: the simple query protocol, several statements allowed
    format results = format::binary;
    prepared_slot* prepared = nullptr;  // run as this prepared statement
    binder bind;
    planner plan;                // plan.make null: the rows are not read
    bool prepare_only = false;   // prepare and describe `prepared` (and plan), run nothing; one
                                 // prepared already is only planned
    bool unnamed = false;        // prepare it as the unnamed statement, which the next one replaces
    bool never_prepare = false;  // never prepare it automatically (FETCH, MOVE: they cannot be)
    bool prepare_now = false;    // prepare it (and cache it) now, whatever the count (execute_many)
    bool same_as_last = false;   // in a pipeline: the statement queued last, again (execute_many's rows)
};

/// How a statement is sent, as route_statement decides.
struct routing {
    enum class how : unsigned char { script, unprepared, prepared, prepare } way = how::unprepared;
    std::shared_ptr<prepared_statement> statement;  // prepared: the one it runs as
    bool cached = false;                            // it is (prepare: it will be) in the session's cache
};

/// Decides how `request`, bound to the session's parameters with key `key`, is sent: as a script,
/// unprepared, as the prepared statement the program or the cache has, or prepared now because
/// it has run prepare_threshold times.
TYPQ_DECL routing route_statement(session& s, const statement_request& request, const statement_key& key);

/// A new prepared statement for `text` and `types` (`unnamed`: the unnamed statement).
TYPQ_DECL std::shared_ptr<prepared_statement> new_statement(session& s, std::string_view text, const Oid* types,
    std::size_t count, bool unnamed);

/// Takes `statement`'s plan for `p`'s row type into `p`, when it has one.
inline bool reuse_plan(planner& p, const prepared_statement* statement)
{
    const void* made = statement ? statement->plan(p.key) : nullptr;
    if (made)
        p.assign(p.plan, made);
    return made != nullptr;
}

/// A pass that makes `p`'s plan: from `statement`'s description when it ran as a prepared
/// statement (the plan is then kept there too, once the pass counts), else from `result`.
inline void make_plan(planner& p, const prepared_statement* statement, const PGresult* result, format results,
    const server_types& types)
{
    p.make(p.plan, statement ? statement->description.get() : result, {results, statement != nullptr}, types);
}

/// Keeps `p`'s plan, made from `statement`'s description, for the statement's later runs.
inline void keep_plan(const planner& p, prepared_statement& statement)
{
    statement.plans.emplace_back(p.key, p.share(p.plan));
}

/// Forgets `statement`, whose run failed with `failed`, when that error says the statement is gone
/// or stale (see invalidates_statement): from the cache (`cached`, under `key`), or from the
/// program's typq::prepared (`prepared`), so that it is prepared again. True when it did.
TYPQ_DECL bool forget_invalidated(session& s, const PGresult* failed, prepared_statement& statement, bool cached,
    const statement_key& key, prepared_slot* prepared);

/// The error `result` reports means a statement typq prepared on this session is not on the server
/// connection any more (26000: prepared statement "..." does not exist), or that a name it made
/// is taken there (42P05: already exists): the server connection changed under the session, as
/// behind a pooler in transaction mode; or the program deallocated typq's statement by its name.
TYPQ_DECL bool statement_lost(const PGresult* result) noexcept;

/// After statement_lost(failed): the session stops preparing (session::stop_preparing), and, when
/// the statement cannot simply run again unprepared (inside a transaction block, which the
/// failure aborted; in a pipeline), this throws the server's error with a message that names the
/// cause and the option that avoids it.
[[noreturn]] TYPQ_DECL void throw_statement_lost(session& s, const PGresult* failed);

/// The error `result` reports means the statement prepared under this name is gone or stale:
/// DDL changed the columns it returns (0A000 "cached plan must not change result type"), or the
/// server no longer has it (26000).
TYPQ_DECL bool invalidates_statement(const PGresult* result) noexcept;

/// One statement as an operation: step() until io::none, then read result().
class statement_op {
public:
    statement_op(session& s, statement_request request) : session_(s), request_(std::move(request)) {}

    TYPQ_DECL io step(io ready);

    /// The statement's (successful) result; its plan is in the request's planner.
    [[nodiscard]] result_handle& result() noexcept { return result_; }
    /// What the plan's column names point into when it came from a prepared statement.
    [[nodiscard]] std::shared_ptr<const void>& plan_keeper() noexcept { return keeper_; }
    /// True when catalog queries ran after the statement was prepared (which replaced an
    /// unnamed prepared statement).
    [[nodiscard]] bool looked_up_after_prepare() const noexcept { return looked_up_after_prepare_; }

private:
    enum class stage : unsigned char {
        deallocate, bind, look_up, script, unprepared, prepare, prepare_unnamed, describe, execute, plan, done
    };

    TYPQ_DECL io prepare_unnamed(io ready);
    // After statement_lost(failed): run it unprepared (outside a transaction block, where the
    // failure left nothing behind), or throw.
    TYPQ_DECL stage lost(const PGresult* failed);

    TYPQ_DECL int send_deallocations();
    TYPQ_DECL int send_prepare();
    TYPQ_DECL stage finish_execution();
    [[nodiscard]] statement_key key() const noexcept
    {
        return {std::string_view(request_.text, request_.size), request_.text_hash, session_.params.types(),
            static_cast<std::size_t>(session_.params.count())};
    }

    session& session_;
    statement_request request_;
    stage stage_ = stage::deallocate;
    stage after_look_up_ = stage::bind;
    bool deallocating_ = false;
    bool cached_ = false;            // statement_ belongs to the session's cache
    bool retried_ = false;           // run again once after its prepared statement was invalidated
    bool looked_up_after_prepare_ = false;
    bool unnamed_sent_ = false;      // prepare_unnamed: Parse, Describe and the sync point are sent
    int unnamed_results_ = 0;        // prepare_unnamed: the commands whose results came
    result_handle unnamed_error_;    // prepare_unnamed: the first error
    int look_ups_ = 0;
    exchange command_;               // the current stage's command
    std::optional<catalog_op> look_up_;
    std::shared_ptr<prepared_statement> statement_;  // the prepared statement it runs as, if any
    result_handle result_;
    std::shared_ptr<const void> keeper_;
};

/// Runs a pass (binding, planning) that may ask for types the session has not looked up: with
/// them recorded instead, a pass that recorded any is discarded, whatever it did, and a catalog
/// lookup is started; true when the pass counts.
template <class Pass>
bool pass_with_types(session& s, std::optional<catalog_op>& look_up, int& look_ups, Pass&& pass)
{
    type_misses misses(s.registry.get());
    // The last allowed pass looks nothing up: what is still missing is then an error.
    const bool last = look_ups >= 8;
    const server_types types(s.registry.get(), last ? nullptr : &misses);
    try {
        pass(types);
    }
    catch (const conversion_error&) {
        if (misses.empty())
            throw;
    }
    if (misses.empty())
        return true;
    ++look_ups;
    look_up.emplace(s, std::move(misses.names()), std::move(misses.oids()));
    return false;
}

#if TYPQ_DEFINITIONS

TYPQ_DECL bool forget_invalidated(session& s, const PGresult* failed, prepared_statement& statement, bool cached,
    const statement_key& key, prepared_slot* prepared)
{
    if (!failed || !is_error_result(failed) || !invalidates_statement(failed) || PQstatus(s.native()) != CONNECTION_OK)
        return false;
    if (PQresultErrorField(failed, PG_DIAG_SQLSTATE) == std::string_view("26000"))
        statement.prepared = false;  // the server no longer has it: nothing to deallocate
    if (cached)
        s.statements.forget(key);
    if (prepared)
        prepared->statement.reset();
    return true;
}

TYPQ_DECL bool statement_lost(const PGresult* result) noexcept
{
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    return state && (std::string_view(state) == "26000" || std::string_view(state) == "42P05");
}

[[noreturn]] TYPQ_DECL void throw_statement_lost(session& s, const PGresult* failed)
{
    s.stop_preparing();
    if (PQstatus(s.native()) == CONNECTION_BAD)
        throw_broken(s.native(), failed);
    diagnostic d = read_diagnostic(failed);
    d.message_primary += ": a statement typq prepared on this connection is not on the server connection any "
                         "more, which happens behind a pooler in transaction mode (PgBouncer's pool_mode = "
                         "transaction hands each transaction any server connection); the connection prepares "
                         "nothing from now on. Connect with {.prepare_threshold = std::nullopt} behind such a pooler";
    if (PQtransactionStatus(s.native()) == PQTRANS_INERROR)
        d.message_primary += " (the transaction block is aborted: roll it back and run it again)";
    d.message_hint = "connection_options{.prepare_threshold = std::nullopt}; see docs/deployment.md";
    detail::throw_server_error(std::move(d));
}

TYPQ_DECL bool invalidates_statement(const PGresult* result) noexcept
{
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    if (!state)
        return false;
    const std::string_view sqlstate(state);
    if (sqlstate == "26000")
        return true;
    if (sqlstate != "0A000")
        return false;
    // The function that raises it, which a translated message does not change.
    const char* function = PQresultErrorField(result, PG_DIAG_SOURCE_FUNCTION);
    const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    return (function && std::string_view(function) == "RevalidateCachedQuery")
        || (message && std::string_view(message) == "cached plan must not change result type");
}

TYPQ_DECL int statement_op::send_deallocations()
{
    std::string script;
    for (const std::string& name : session_.deallocations->take()) {
        script += script.empty() ? "DEALLOCATE " : "; DEALLOCATE ";
        script += name;
    }
    return PQsendQuery(session_.native(), script.c_str());
}

TYPQ_DECL int statement_op::send_prepare()
{
    const statement_key k = key();
    if (request_.prepare_only)
        request_.prepared->types.assign(k.types, k.types + k.count);
    if (request_.prepared)
        statement_ = new_statement(session_, request_.prepared->text, request_.prepared->types.data(),
            request_.prepared->types.size(), request_.unnamed);
    else
        statement_ = new_statement(session_, k.text, k.types, k.count, false);
    return PQsendPrepare(session_.native(), statement_->name.c_str(), statement_->text.c_str(),
        static_cast<int>(statement_->types.size()), statement_->types.data());
}

TYPQ_DECL routing route_statement(session& s, const statement_request& request, const statement_key& key)
{
    routing r;
    if (request.script) {
        r.way = routing::how::script;
        return r;
    }
    if (request.prepared && !s.prepares() && !request.prepare_only) {
        // The session prepares nothing any more (stop_preparing): the program's statement runs
        // unprepared, with its text and parameter types, and its result is planned as it comes.
        if (request.prepared->statement)
            request.prepared->statement->prepared = false;  // on a server connection not ours to reach
        return r;
    }
    if (request.prepared) {
        r.statement = request.prepared->statement;
        if (r.statement && request.prepared->generation != s.statements.generation()) {
            r.statement->prepared = false;  // dropped by DISCARD ALL or DEALLOCATE ALL since
            r.statement.reset();
            request.prepared->statement.reset();
        }
        r.way = r.statement ? routing::how::prepared : routing::how::prepare;
        return r;
    }
    const connection_options& options = s.options();
    if (!options.prepare_threshold || options.statement_cache_size == 0 || request.never_prepare || !s.prepares())
        return r;
    const auto* found = s.statements.find(key, request.source);
    // A statement whose Parse was queued in a pipeline is usable only in the same segment (between
    // sync points) until its Parse is answered: an error before it would have skipped the Parse.
    if (found && !(*found)->prepared
        && (PQpipelineStatus(s.native()) == PQ_PIPELINE_OFF || (*found)->segment != s.pipeline_segments)) {
        s.statements.forget(key);
        found = nullptr;
    }
    if (found) {
        r.statement = *found;
        r.cached = true;
        r.way = routing::how::prepared;
    }
    else if (request.prepare_now || s.statements.count(key, options.prepare_threshold, options.statement_cache_size)) {
        r.cached = true;
        r.way = routing::how::prepare;
    }
    return r;
}

TYPQ_DECL std::shared_ptr<prepared_statement> new_statement(session& s, std::string_view text, const Oid* types,
    std::size_t count, bool unnamed)
{
    return std::make_shared<prepared_statement>(unnamed ? std::string() : s.next_statement_name(), std::string(text),
        std::vector<Oid>(types, types + count), s.deallocations);
}

TYPQ_DECL io statement_op::step(io ready)
{
    PGconn* conn = session_.native();
    for (;;) {
        switch (stage_) {
        case stage::deallocate:
            // Statements evicted or dropped since the last one are deallocated first, outside a
            // transaction block only: an error there (a statement the server no longer has)
            // would abort the program's transaction.
            if (!deallocating_) {
                if (session_.deallocations->pending() && !session_.prepares())
                    (void)session_.deallocations->take();  // on server connections not ours to reach
                if (!session_.deallocations->pending() || PQtransactionStatus(conn) != PQTRANS_IDLE) {
                    stage_ = stage::bind;
                    continue;
                }
                deallocating_ = true;
            }
            if (const io wanted = command_.step(session_, ready, [&] { return send_deallocations(); }); wanted != io::none)
                return wanted;
            (void)command_.results().take_unchecked();  // what failed there is already gone
            stage_ = stage::bind;
            continue;

        case stage::bind:
            if (request_.bind.bind && !request_.bind.needs_types)  // nothing to look up: one pass
                request_.bind.bind(request_.bind.context, session_.params, server_types(session_.registry.get()));
            else if (request_.bind.bind) {
                const bool bound = pass_with_types(session_, look_up_, look_ups_, [&](const server_types& types) {
                    request_.bind.bind(request_.bind.context, session_.params, types);
                });
                if (!bound) {
                    stage_ = stage::look_up;
                    after_look_up_ = stage::bind;
                    continue;
                }
            }
            else
                session_.params.start(0);
            check_message_sizes(session_.params, request_.size, 16);
            {
                routing r = route_statement(session_, request_, key());
                statement_ = std::move(r.statement);
                cached_ = r.cached;
                switch (r.way) {
                case routing::how::script: stage_ = stage::script; break;
                case routing::how::unprepared: stage_ = stage::unprepared; break;
                case routing::how::prepared: stage_ = request_.prepare_only ? stage::plan : stage::execute; break;
                case routing::how::prepare:
                    // The unnamed statement (a stream's or COPY's description), and the program's
                    // prepare() once the session prepares nothing: only described, in one exchange.
                    stage_ = request_.unnamed || (request_.prepare_only && !session_.prepares())
                        ? stage::prepare_unnamed : stage::prepare;
                    break;
                }
            }
            continue;

        case stage::look_up:
            if (const io wanted = look_up_->step(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            look_up_.reset();
            stage_ = after_look_up_;
            continue;

        case stage::script:
            if (const io wanted = command_.step(session_, ready, [&] { return PQsendQuery(conn, request_.text); });
                wanted != io::none)
                return wanted;
            if (command_.results().discarded_statements())
                session_.statements.clear_discarded();
            result_ = command_.results().take(conn);
            stage_ = stage::done;
            continue;

        case stage::unprepared: {
            bind_buffer& p = session_.params;
            if (const io wanted = command_.step(session_, ready, [&] {
                    return PQsendQueryParams(conn, request_.text, p.count(), p.types(), p.values(), p.lengths(),
                        p.formats(), static_cast<int>(request_.results));
                });
                wanted != io::none)
                return wanted;
            result_ = command_.results().take(conn);
            stage_ = stage::plan;
            continue;
        }

        case stage::prepare: {
            if (const io wanted = command_.step(session_, ready, [&] { return send_prepare(); }); wanted != io::none)
                return wanted;
            result_handle parsed = command_.results().take_unchecked();
            if (statement_lost(parsed.get())) {  // 42P05: the name is taken on this server connection
                statement_.reset();
                stage_ = lost(parsed.get());
                continue;
            }
            (void)check_result(conn, std::move(parsed));  // a statement that cannot be prepared fails here, uncached
            statement_->prepared = true;
            stage_ = stage::describe;
            continue;
        }

        case stage::prepare_unnamed:
            if (const io wanted = prepare_unnamed(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            if (request_.prepared)
                request_.prepared->statement = statement_;
            // Nothing runs the unnamed statement by name: a pooler could hand that exchange another
            // server connection, whose unnamed statement is another client's.
            stage_ = request_.prepare_only ? stage::plan : stage::unprepared;
            continue;

        case stage::describe: {
            if (const io wanted = command_.step(session_, ready,
                    [&] { return PQsendDescribePrepared(conn, statement_->name.c_str()); });
                wanted != io::none)
                return wanted;
            result_handle described = command_.results().take_unchecked();
            if (statement_lost(described.get())) {  // prepared a moment ago, on another server connection
                statement_->prepared = false;
                statement_.reset();
                stage_ = lost(described.get());
                continue;
            }
            statement_->description = check_result(conn, std::move(described));
            if (request_.prepared) {
                request_.prepared->statement = statement_;
                request_.prepared->generation = session_.statements.generation();
            }
            else if (cached_)
                session_.statements.add(key(), statement_, session_.options().statement_cache_size);
            stage_ = request_.prepare_only ? stage::plan : stage::execute;
            continue;
        }

        case stage::execute: {
            bind_buffer& p = session_.params;
            if (const io wanted = command_.step(session_, ready, [&] {
                    return PQsendQueryPrepared(conn, statement_->name.c_str(), p.count(), p.values(), p.lengths(),
                        p.formats(), static_cast<int>(request_.results));
                });
                wanted != io::none)
                return wanted;
            stage_ = finish_execution();
            continue;
        }

        case stage::plan:
            if (request_.plan.make) {
                planner& p = request_.plan;
                // A prepared statement keeps each row type's plan, made from its description.
                if (!reuse_plan(p, statement_.get())) {
                    const bool planned = pass_with_types(session_, look_up_, look_ups_, [&](const server_types& types) {
                        make_plan(p, statement_.get(), result_.get(), request_.results, types);
                    });
                    if (!planned) {
                        looked_up_after_prepare_ = statement_ != nullptr;
                        stage_ = stage::look_up;
                        after_look_up_ = stage::plan;
                        continue;
                    }
                    if (statement_)
                        keep_plan(p, *statement_);
                }
                if (statement_)
                    keeper_ = std::move(statement_);  // the statement is not needed any more
            }
            stage_ = stage::done;
            continue;

        case stage::done:
            return io::none;
        }
    }
}

// After a prepared statement ran: its result, or, when DDL invalidated the statement, the
// statement prepared again and run once more (outside a transaction block, where nothing the
// failed run did can remain; inside one the error reaches the program, whose transaction the
// server has aborted, and the next run prepares it again).
TYPQ_DECL statement_op::stage statement_op::finish_execution()
{
    result_handle failed = command_.results().take_unchecked();
    if (failed && is_success(PQresultStatus(failed.get()))) {
        result_ = std::move(failed);
        return stage::plan;
    }
    if (statement_lost(failed.get()) && PQstatus(session_.native()) == CONNECTION_OK) {
        statement_->prepared = false;
        statement_.reset();
        return lost(failed.get());
    }
    if (forget_invalidated(session_, failed.get(), *statement_, cached_, key(), request_.prepared)) {
        statement_.reset();
        if (!retried_ && PQtransactionStatus(session_.native()) == PQTRANS_IDLE) {
            retried_ = true;
            return stage::prepare;
        }
    }
    result_ = check_result(session_.native(), std::move(failed));
    return stage::plan;
}

TYPQ_DECL statement_op::stage statement_op::lost(const PGresult* failed)
{
    session_.stop_preparing();
    if (PQtransactionStatus(session_.native()) != PQTRANS_IDLE)
        throw_statement_lost(session_, failed);
    // Outside a transaction block a failed Parse, Describe or Bind ran nothing: the statement runs
    // now, once, unprepared (its parameters are still bound). The program's prepare() is described
    // as the unnamed statement instead.
    return request_.prepare_only ? stage::prepare_unnamed : stage::unprepared;
}

// Parse and Describe of the unnamed statement in one exchange: both, then one sync point, in
// libpq's pipeline mode. Behind a pooler in transaction mode two exchanges can reach two server
// connections, and the second would describe another client's unnamed statement.
TYPQ_DECL io statement_op::prepare_unnamed(io ready)
{
    PGconn* conn = session_.native();
    if (!unnamed_sent_) {
        const statement_key k = key();
        if (request_.prepare_only && request_.prepared)
            request_.prepared->types.assign(k.types, k.types + k.count);
        statement_ = request_.prepared
            ? new_statement(session_, request_.prepared->text, request_.prepared->types.data(),
                request_.prepared->types.size(), true)
            : new_statement(session_, k.text, k.types, k.count, true);
        if (!PQenterPipelineMode(conn))
            throw_libpq_failure(conn);
        unnamed_sent_ = true;
        unnamed_results_ = 0;
        session_.sent(PQsendPrepare(conn, "", statement_->text.c_str(), static_cast<int>(statement_->types.size()),
            statement_->types.data()));
        session_.sent(PQsendDescribePrepared(conn, ""));
        session_.sent(PQpipelineSync(conn));
    }
    for (;;) {
        result_handle next;
        if (const io wanted = next_result(conn, ready, next); wanted != io::none)
            return wanted;
        ready = io::none;
        if (!next) {
            if (PQstatus(conn) == CONNECTION_BAD)
                throw_broken(conn, unnamed_error_.get());
            ++unnamed_results_;  // one command's results have ended
            continue;
        }
        const ExecStatusType status = PQresultStatus(next.get());
        if (status == PGRES_PIPELINE_SYNC)
            break;
        if (is_error_result(next.get())) {
            if (!unnamed_error_)
                unnamed_error_ = std::move(next);
        }
        else if (unnamed_results_ == 1)
            statement_->description = std::move(next);
    }
    unnamed_sent_ = false;
    if (!PQexitPipelineMode(conn))
        throw_libpq_failure(conn);
    if (unnamed_error_)
        (void)check_result(conn, std::move(unnamed_error_));  // throws: the statement cannot be prepared
    return io::none;
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_STATEMENT_HPP
