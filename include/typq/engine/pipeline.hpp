// SPDX-License-Identifier: BSL-1.0
// typq/engine/pipeline.hpp: statements in libpq's pipeline mode. Statements are queued without
// waiting for each other's results (libpq coalesces them into few socket writes), sync points
// end implicit transactions, and results are read in order as they arrive and handed to each
// statement's pending state. Bound and planned by the same code as a statement run alone;
// types the server defines are looked up with catalog queries queued in the pipeline itself.

#ifndef TYPQ_ENGINE_PIPELINE_HPP
#define TYPQ_ENGINE_PIPELINE_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/server_types.hpp>
#include <typq/engine/bind.hpp>
#include <typq/engine/catalog.hpp>
#include <typq/engine/check.hpp>
#include <typq/engine/io.hpp>
#include <typq/engine/pq_handle.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/statement.hpp>
#include <typq/engine/statement_cache.hpp>

#include <libpq-fe.h>

#include <cstddef>    // std::size_t
#include <deque>      // the statements whose results are awaited
#include <exception>  // std::exception_ptr
#include <memory>     // std::shared_ptr
#include <optional>   // the lookup in progress
#include <string>     // lookup queries
#include <utility>    // std::move
#include <vector>     // parked statements, misses

namespace typq::engine {

/// Where a pipelined statement's outcome goes (its typq::pending's state). The pipeline plans its
/// rows with `plan` (unless `plan.make` is null: no rows are read) and then calls complete(), or
/// fail() with its error.
class pending_state {
public:
    /// Makes the statement's value from its successful result, planned.
    virtual void complete(result_handle&& result, const std::shared_ptr<const type_registry>& registry,
        const std::shared_ptr<const void>& keeper) = 0;

    /// Keeps the first error.
    void fail(std::exception_ptr error) noexcept
    {
        if (!error_)
            error_ = std::move(error);
        finished_ = true;
    }

    [[nodiscard]] bool finished() const noexcept { return finished_; }
    [[nodiscard]] const std::exception_ptr& error() const noexcept { return error_; }

    planner plan;
    format results = format::binary;

protected:
    pending_state() = default;
    pending_state(const pending_state&) = delete;
    pending_state& operator=(const pending_state&) = delete;
    ~pending_state() = default;

    void finish() noexcept { finished_ = true; }

private:
    std::exception_ptr error_;
    bool finished_ = false;
};

/// Statements in pipeline mode on a session (which the caller holds with a lease). Each command
/// (queue, wait_for, finish) is followed by step() until io::none; sync() needs none.
class pipeline_op {
public:
    /// Enters pipeline mode. @throws typq::usage_error when the session is not idle.
    TYPQ_DECL explicit pipeline_op(session& s);
    pipeline_op(const pipeline_op&) = delete;
    pipeline_op& operator=(const pipeline_op&) = delete;
    ~pipeline_op() = default;

    /// Queues `request` (its binder is used only while it is queued), whose outcome goes to
    /// `target`.
    void queue(statement_request request, std::shared_ptr<pending_state> target)
    {
        request_ = std::move(request);
        target_ = std::move(target);
        command_ = command::queue;
    }

    /// Reads results until `target`'s is in (asking the server to send what it has: a flush
    /// request, or the sync point the caller gave).
    void wait_for(const pending_state& target)
    {
        waited_ = &target;
        command_ = command::wait;
    }

    /// Ends the pipeline: a sync point after the last statement, every result read, pipeline
    /// mode left. Results nobody waits for are handed to their states all the same.
    void finish() noexcept { command_ = command::finish; }

    /// Marks a sync point: the statements since the last one form one implicit transaction (when
    /// no transaction block is open), and an error skips the rest of them only.
    TYPQ_DECL void sync();

    TYPQ_DECL io step(io ready);

    /// Statements queued and not yet answered.
    [[nodiscard]] std::size_t in_flight() const noexcept { return slots_.size() + parked_.size(); }

private:
    enum class command : unsigned char { none, queue, wait, finish };

    struct slot {
        enum class kind : unsigned char { statement, prepare, describe, look_up, sync } what = kind::statement;
        std::shared_ptr<pending_state> target;          // statement: where its outcome goes
        std::shared_ptr<prepared_statement> statement;  // the prepared statement it ran as, prepares, describes
        std::size_t text_hash = 0;                      // its cache key's, to forget it when it fails
        bool cached = false;
        prepared_slot* prepared = nullptr;              // the program's typq::prepared it ran as, if any
        result_handle result;                           // the one that matters, once its results are in
    };

    // The channel through which catalog lookups travel: queued in the pipeline, with a flush
    // request, and read in turn with everything queued before them.
    class channel final : public query_channel {
    public:
        explicit channel(pipeline_op& owner) noexcept : owner_(owner) {}
        TYPQ_DECL void send(const char* statement, const std::string& parameter) override;
        TYPQ_DECL io step(io ready) override;
        TYPQ_DECL result_handle take() override;

    private:
        pipeline_op& owner_;
    };

    TYPQ_DECL io queue_step(io ready);
    TYPQ_DECL void send_statement();
    TYPQ_DECL io read_one(io ready);
    TYPQ_DECL void complete(slot& s);
    TYPQ_DECL void complete_statement(slot& s);
    TYPQ_DECL void request_flush();
    TYPQ_DECL void fail_parked(const std::exception_ptr& error) noexcept;
    // Adds what a pass missed to what the next lookup asks for.
    TYPQ_DECL void defer_look_up(type_misses& misses);

    session& session_;
    PGconn* conn_;
    channel channel_;
    std::deque<slot> slots_;             // in the order their results come
    std::vector<slot> parked_;           // results that wait for a lookup of their types
    type_misses misses_{nullptr};        // what parked results and binding asked for
    std::optional<catalog_op> look_up_;
    bool look_up_answered_ = false;      // the channel's query has its result
    result_handle look_up_result_;
    command command_ = command::none;
    statement_request request_;
    std::shared_ptr<pending_state> target_;
    const pending_state* waited_ = nullptr;
    bool unsynced_ = false;              // statements were queued after the last sync point
    bool unflushed_ = false;             // ... and after the last sync point or flush request
    std::size_t unsent_ = 0;             // about how many bytes were queued since the last full flush
    bool flushing_ = false;              // the queued statement is sent; what is queued is flushing
    static constexpr std::size_t flush_size = 32768;
    std::optional<routing> last_route_;  // how the last statement was sent (for same_as_last)
};

#if TYPQ_DEFINITIONS

TYPQ_DECL pipeline_op::pipeline_op(session& s) : session_(s), conn_(s.native()), channel_(*this)
{
    if (!PQenterPipelineMode(conn_))
        throw usage_error("cannot enter pipeline mode: " + libpq_message(conn_));
}

TYPQ_DECL void pipeline_op::sync()
{
    session_.sent(PQpipelineSync(conn_));
    ++session_.pipeline_segments;
    slot s;
    s.what = slot::kind::sync;
    slots_.push_back(std::move(s));
    unsynced_ = false;
    unflushed_ = false;
}

TYPQ_DECL void pipeline_op::request_flush()
{
    if (!unflushed_)
        return;
    session_.sent(PQsendFlushRequest(conn_));
    unflushed_ = false;
}

TYPQ_DECL io pipeline_op::step(io ready)
{
    for (;;) {
        // Types that binding or a result's plan asked for come first: looked up through the
        // pipeline, then the parked results are planned again.
        if (look_up_) {
            try {
                if (const io wanted = look_up_->step(ready); wanted != io::none)
                    return wanted;
            }
            catch (...) {
                // Most likely an earlier statement failed and the server skipped the lookup: the
                // statements that waited for it fail the same way, and so does one being queued
                // (it would have been skipped too).
                look_up_.reset();
                fail_parked(std::current_exception());
                if (command_ == command::queue) {
                    command_ = command::none;
                    target_->fail(std::current_exception());
                    target_.reset();
                }
                continue;
            }
            ready = io::none;
            look_up_.reset();
            std::vector<slot> parked;
            parked.swap(parked_);
            for (slot& s : parked)
                complete_statement(s);
            continue;
        }
        if (!misses_.empty()) {
            look_up_.emplace(session_, std::move(misses_.names()), std::move(misses_.oids()), &channel_);
            misses_ = type_misses(nullptr);
            continue;
        }
        switch (command_) {
        case command::none:
            return io::none;
        case command::queue:
            if (const io wanted = queue_step(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            continue;  // done, or types to look up first
        case command::wait:
            if (waited_->finished()) {
                command_ = command::none;
                return io::none;
            }
            request_flush();
            break;
        case command::finish:
            if (unsynced_)
                sync();
            if (slots_.empty() && parked_.empty()) {
                command_ = command::none;
                if (!PQexitPipelineMode(conn_))
                    throw_libpq_failure(conn_);
                return io::none;
            }
            break;
        }
        if (slots_.empty()) {  // a parked result waits for a lookup that failed to start: nothing more comes
            fail_parked(std::make_exception_ptr(connection_error("the pipeline ended before this result arrived", false)));
            continue;
        }
        if (const io wanted = read_one(ready); wanted != io::none)
            return wanted;
        ready = io::none;
    }
}

// Binds and sends the queued statement; after a lookup its binding is made again.
TYPQ_DECL io pipeline_op::queue_step(io ready)
{
    if (flushing_) {
        // What was queued goes out in one write of about flush_size bytes. When the socket takes
        // no more, wait until it does, reading the results that arrive meanwhile: a server blocked
        // writing them to us would never read what we send.
        consume_input(conn_, ready);  // libpq keeps them; they are handed on when they are waited for
        if (const io pending = flush(conn_); pending != io::none)
            return pending;
        flushing_ = false;
        unsent_ = 0;
        command_ = command::none;
        return io::none;
    }
    bool bound = true;
    if (request_.bind.bind && !request_.bind.needs_types)  // nothing to look up: one pass
        request_.bind.bind(request_.bind.context, session_.params, server_types(session_.registry.get()));
    else if (request_.bind.bind) {
        type_misses misses(session_.registry.get());
        const server_types types(session_.registry.get(), &misses);
        try {
            request_.bind.bind(request_.bind.context, session_.params, types);
        }
        catch (const conversion_error&) {
            if (misses.empty())
                throw;
        }
        if (!misses.empty()) {
            defer_look_up(misses);
            bound = false;
        }
    }
    else
        session_.params.start(0);
    if (!bound)
        return io::none;  // step() looks the types up, then comes back here
    check_message_sizes(session_.params, request_.size, 16);
    send_statement();
    // libpq would flush by itself at 64 KiB, and again at every statement while the socket is
    // full: typq flushes first, at half that, and waits when the socket is full.
    unsent_ += session_.params.bind_message_size(16) + 32;
    if (unsent_ < flush_size) {
        command_ = command::none;
        return io::none;
    }
    flushing_ = true;
    return queue_step(io::none);
}

TYPQ_DECL void pipeline_op::send_statement()
{
    bind_buffer& p = session_.params;
    const statement_key key{std::string_view(request_.text, request_.size), request_.text_hash, p.types(),
        static_cast<std::size_t>(p.count())};
    // The statement queued last, again: routed as it was (its rows bind values of the same types).
    routing r;
    if (request_.same_as_last && last_route_) {
        r = *last_route_;
        if (r.way == routing::how::prepare)
            r.way = routing::how::prepared;
    }
    else
        r = route_statement(session_, request_, key);
    const int format = static_cast<int>(request_.results);
    slot s;
    s.target = std::move(target_);
    s.text_hash = request_.text_hash;
    s.cached = r.cached;
    s.prepared = request_.prepared;
    switch (r.way) {
    case routing::how::script:
    case routing::how::unprepared:
        session_.sent(PQsendQueryParams(conn_, request_.text, p.count(), p.types(), p.values(), p.lengths(),
            p.formats(), format));
        break;
    case routing::how::prepare: {
        auto statement = request_.prepared
            ? new_statement(session_, request_.prepared->text, request_.prepared->types.data(),
                request_.prepared->types.size(), false)
            : new_statement(session_, key.text, key.types, key.count, false);
        statement->segment = session_.pipeline_segments;
        session_.sent(PQsendPrepare(conn_, statement->name.c_str(), statement->text.c_str(),
            static_cast<int>(statement->types.size()), statement->types.data()));
        slot prepare;
        prepare.what = slot::kind::prepare;
        prepare.statement = statement;
        prepare.text_hash = request_.text_hash;
        prepare.cached = r.cached;
        slots_.push_back(std::move(prepare));
        session_.sent(PQsendDescribePrepared(conn_, statement->name.c_str()));
        slot describe;
        describe.what = slot::kind::describe;
        describe.statement = statement;
        slots_.push_back(std::move(describe));
        // Later statements in this pipeline run it by name: Parse comes first on the wire.
        if (request_.prepared) {
            request_.prepared->statement = statement;
            request_.prepared->generation = session_.statements.generation();
        }
        else if (r.cached)
            session_.statements.add(key, statement, session_.options().statement_cache_size);
        r.statement = std::move(statement);
        [[fallthrough]];
    }
    case routing::how::prepared:
        session_.sent(PQsendQueryPrepared(conn_, r.statement->name.c_str(), p.count(), p.values(), p.lengths(),
            p.formats(), format));
        s.statement = std::move(r.statement);
        break;
    }
    last_route_ = routing{r.way, s.statement, r.cached};
    slots_.push_back(std::move(s));
    unsynced_ = true;
    unflushed_ = true;
}

// Reads a result, or the end of one statement's results, and hands what is complete on.
TYPQ_DECL io pipeline_op::read_one(io ready)
{
    result_handle next;
    if (const io wanted = next_result(conn_, ready, next); wanted != io::none)
        return wanted;
    slot& front = slots_.front();
    if (front.what == slot::kind::sync) {
        // PGRES_PIPELINE_SYNC (no null follows it); null: the connection was lost before it.
        slots_.pop_front();
        return io::none;
    }
    while (next) {
        // The one that matters: the first error, else the last.
        if (!front.result || !is_error_result(front.result.get()))
            front.result = std::move(next);
        // After a command's result, libpq in pipeline mode is idle until its null is taken: that
        // comes at once (asking PQisBusy first would parse the next message's header twice).
        if (PQstatus(conn_) == CONNECTION_BAD || PQresultStatus(front.result.get()) == PGRES_COPY_IN
            || PQresultStatus(front.result.get()) == PGRES_COPY_OUT)
            return io::none;
        next.reset(PQgetResult(conn_));
    }
    complete(front);  // may move it to parked_
    slots_.pop_front();
    return io::none;
}

TYPQ_DECL void pipeline_op::complete(slot& s)
{
    const PGresult* result = s.result.get();
    switch (s.what) {
    case slot::kind::statement:
        complete_statement(s);
        return;
    case slot::kind::prepare:
        if (result && PQresultStatus(result) == PGRES_COMMAND_OK) {
            s.statement->prepared = true;
            return;
        }
        if (s.cached)
            session_.statements.forget({s.statement->text, s.text_hash, s.statement->types.data(), s.statement->types.size()});
        // The statement's own run is then skipped (pipeline_aborted): it reports this instead.
        if (result && PQresultStatus(result) != PGRES_PIPELINE_ABORTED) {
            try {
                if (statement_lost(result) && PQstatus(conn_) == CONNECTION_OK)
                    throw_statement_lost(session_, result);  // 42P05: its name is taken there
                (void)check_result(conn_, std::move(s.result));
            }
            catch (...) {
                s.statement->parse_error = std::current_exception();
            }
        }
        return;
    case slot::kind::describe:
        if (result && PQresultStatus(result) == PGRES_COMMAND_OK)
            s.statement->description = std::move(s.result);
        return;
    case slot::kind::look_up:
        look_up_result_ = std::move(s.result);
        look_up_answered_ = true;
        return;
    case slot::kind::sync:
        return;
    }
}

TYPQ_DECL void pipeline_op::complete_statement(slot& s)
{
    pending_state& target = *s.target;
    try {
        if (!s.result)
            throw connection_error("connection to the server was lost: " + libpq_message(conn_), true);
        if (s.statement) {
            if (s.statement->parse_error && PQresultStatus(s.result.get()) == PGRES_PIPELINE_ABORTED)
                std::rethrow_exception(s.statement->parse_error);
            // Prepared before this pipeline, on a server connection that is not this one any more
            // (a pooler in transaction mode): the session prepares nothing from now on.
            if (statement_lost(s.result.get()) && PQstatus(conn_) == CONNECTION_OK) {
                s.statement->prepared = false;
                throw_statement_lost(session_, s.result.get());
            }
            (void)forget_invalidated(session_, s.result.get(), *s.statement, s.cached,
                {s.statement->text, s.text_hash, s.statement->types.data(), s.statement->types.size()}, s.prepared);
        }
        result_handle result = check_result(conn_, std::move(s.result));
        planner& p = target.plan;
        // A statement prepared in this pipeline whose Parse failed has no description; its own
        // run failed too (aborted), so only a described statement gets here.
        prepared_statement* statement = s.statement && s.statement->description ? s.statement.get() : nullptr;
        if (p.make && !reuse_plan(p, statement)) {
            type_misses misses(session_.registry.get());
            const server_types types(session_.registry.get(), &misses);
            try {
                make_plan(p, statement, result.get(), target.results, types);
            }
            catch (const conversion_error&) {
                if (misses.empty())
                    throw;
            }
            if (!misses.empty()) {
                defer_look_up(misses);
                s.result = std::move(result);
                parked_.push_back(std::move(s));
                return;
            }
            if (statement)
                keep_plan(p, *statement);
        }
        static const std::shared_ptr<const void> no_keeper;
        if (statement)
            target.complete(std::move(result), session_.registry, s.statement);
        else
            target.complete(std::move(result), session_.registry, no_keeper);
    }
    catch (...) {
        target.fail(std::current_exception());
    }
}

TYPQ_DECL void pipeline_op::defer_look_up(type_misses& misses)
{
    for (const std::string& name : misses.names())
        (void)misses_.look_up({name}, {});
    (void)misses_.look_up({}, misses.oids());
}

TYPQ_DECL void pipeline_op::fail_parked(const std::exception_ptr& error) noexcept
{
    for (slot& s : parked_)
        s.target->fail(error);
    parked_.clear();
}

TYPQ_DECL void pipeline_op::channel::send(const char* statement, const std::string& parameter)
{
    pipeline_op& p = owner_;
    const char* const values[] = {parameter.c_str()};
    p.session_.sent(PQsendQueryParams(p.conn_, statement, 1, nullptr, values, nullptr, nullptr, 0));
    slot s;
    s.what = slot::kind::look_up;
    p.slots_.push_back(std::move(s));
    p.unsynced_ = true;
    p.unflushed_ = true;
    p.request_flush();
    p.look_up_answered_ = false;
}

TYPQ_DECL io pipeline_op::channel::step(io ready)
{
    pipeline_op& p = owner_;
    while (!p.look_up_answered_) {
        if (p.slots_.empty())
            throw connection_error("the pipeline lost a catalog query's result", false);
        if (const io wanted = p.read_one(ready); wanted != io::none)
            return wanted;
        ready = io::none;
    }
    return io::none;
}

TYPQ_DECL result_handle pipeline_op::channel::take()
{
    pipeline_op& p = owner_;
    result_handle result = std::move(p.look_up_result_);
    if (result && PQresultStatus(result.get()) == PGRES_PIPELINE_ABORTED)
        throw pipeline_aborted("the types this statement needs could not be looked up: an earlier statement in the "
                               "pipeline failed, and the server skips everything up to the next sync point");
    return check_result(p.conn_, std::move(result));
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_PIPELINE_HPP
