// SPDX-License-Identifier: BSL-1.0
// typq/engine/catalog.hpp: types looked up in the server's catalog, between statements. Encoding a
// statement's parameters, or planning a result's columns, is a pass that records the types the
// session's registry lacks instead of asking the server there and then (type_misses); when a pass
// recorded any, the operation runs a catalog_op (names with to_regtype, OIDs in pg_type and
// pg_attribute, one query each) and makes the pass again. So no lookup ever happens in the middle
// of a statement, and the synchronous and asynchronous drivers run lookups the same way.

#ifndef TYPQ_ENGINE_CATALOG_HPP
#define TYPQ_ENGINE_CATALOG_HPP

#include <typq/config.hpp>
#include <typq/server_types.hpp>
#include <typq/detail/sql_type_name.hpp>
#include <typq/engine/collect.hpp>
#include <typq/engine/io.hpp>
#include <typq/engine/session.hpp>

#include <libpq-fe.h>

#include <cstdint>      // std::uint32_t
#include <cstdlib>      // std::strtoul
#include <memory>       // std::shared_ptr
#include <string>       // names, the array literals
#include <string_view>  // names
#include <vector>       // the lists

namespace typq::engine {

/// A pass's source of server types: answers from the registry it was made with, and records what
/// the registry lacks (a built-in type is never looked up; a type already found missing is not
/// asked for again). A pass that recorded anything is made again after a catalog_op.
class type_misses final : public detail::type_source {
public:
    explicit type_misses(const type_registry* registry) noexcept : registry_(registry) {}

    // Declared inline when header-only, so that it is no key function and the vtable is emitted
    // only where a type_misses is made; under TYPQ_SEPARATE_COMPILATION it is the key function.
    TYPQ_DECL const type_registry* look_up(const std::vector<std::string_view>& names, const std::vector<oid>& oids) override;

    [[nodiscard]] bool empty() const noexcept { return names_.empty() && oids_.empty(); }
    [[nodiscard]] std::vector<std::string>& names() noexcept { return names_; }
    [[nodiscard]] std::vector<oid>& oids() noexcept { return oids_; }

private:
    const type_registry* registry_;
    std::vector<std::string> names_;
    std::vector<oid> oids_;
};

/// How a catalog_op's queries travel: each on its own between statements (the default), or
/// queued in a pipeline with the statements around it.
class query_channel {
public:
    /// Sends `statement` with one text parameter, text results.
    virtual void send(const char* statement, const std::string& parameter) = 0;
    /// io::none once its result is here.
    virtual io step(io ready) = 0;
    /// Its result. @throws its error.
    virtual result_handle take() = 0;

protected:
    ~query_channel() = default;
};

/// Looks `names` and `oids` up in the catalog, with the types they refer to (array elements,
/// domain bases, composite attributes), and replaces the session's registry with a copy that has
/// the answers. Runs between statements (or queued in a pipeline, through `channel`); one query
/// per round, with text parameters and results.
class catalog_op {
public:
    TYPQ_DECL catalog_op(session& s, std::vector<std::string> names, std::vector<oid> oids,
        query_channel* channel = nullptr);
    catalog_op(const catalog_op&) = delete;
    catalog_op& operator=(const catalog_op&) = delete;
    ~catalog_op() = default;

    TYPQ_DECL io step(io ready);

private:
    enum class stage : unsigned char { names, types, done };

    // The default channel: the query alone, its results collected.
    class direct final : public query_channel {
    public:
        explicit direct(session& s) noexcept : session_(s) {}
        TYPQ_DECL void send(const char* statement, const std::string& parameter) override;
        io step(io ready) override { return results_.step(session_.native(), ready); }
        result_handle take() override { return results_.take(session_.native()); }

    private:
        session& session_;
        collect results_;
    };

    void send(const char* statement, const std::string& parameter) { channel_->send(statement, parameter); }
    TYPQ_DECL void read_names(const PGresult* found);
    TYPQ_DECL void read_types(const PGresult* found);
    TYPQ_DECL void want(oid id);

    session& session_;
    direct direct_;
    query_channel* channel_;
    std::shared_ptr<type_registry> next_;  // the registry being made
    std::vector<std::string> names_;
    std::vector<oid> wanted_;  // asked for in the next round
    std::vector<oid> asked_;   // asked for in this round
    stage stage_ = stage::names;
    int rounds_ = 0;
};

// The catalog queries: compiled once under TYPQ_SEPARATE_COMPILATION (look_up is the class's
// key function, so its vtable goes with it).
#if TYPQ_DEFINITIONS

TYPQ_DECL const type_registry* type_misses::look_up(const std::vector<std::string_view>& names, const std::vector<oid>& oids)
{
    for (const std::string_view name : names) {
        bool known = false;
        for (const std::string& already : names_)
            known = known || already == name;
        if (!known)
            names_.emplace_back(name);
    }
    for (const oid id : oids) {
        bool known = false;
        for (const oid already : oids_)
            known = known || already == id;
        if (!known)
            oids_.push_back(id);
    }
    return registry_;
}

// `{"a","b\"c"}`: a text[] literal, every element quoted.
TYPQ_DECL std::string text_array_literal(const std::vector<std::string>& items)
{
    std::string text = "{";
    for (const std::string& item : items) {
        if (text.size() > 1)
            text += ',';
        text += '"';
        for (const char c : item) {
            if (c == '"' || c == '\\')
                text += '\\';
            text += c;
        }
        text += '"';
    }
    return text + "}";
}

TYPQ_DECL std::string oid_array_literal(const std::vector<oid>& items)
{
    std::string text = "{";
    for (const oid item : items) {
        if (text.size() > 1)
            text += ',';
        text += std::to_string(static_cast<std::uint32_t>(item));
    }
    return text + "}";
}

TYPQ_DECL oid catalog_oid(const PGresult* result, int row, int column)
{
    return static_cast<oid>(static_cast<std::uint32_t>(std::strtoul(PQgetvalue(result, row, column), nullptr, 10)));
}

// The type names whose binary send functions write the text itself.
TYPQ_DECL bool is_text_send_function(std::string_view name) noexcept
{
    return name == "textsend" || name == "varcharsend" || name == "bpcharsend" || name == "namesend";
}

TYPQ_DECL catalog_op::catalog_op(session& s, std::vector<std::string> names, std::vector<oid> oids,
    query_channel* channel)
    : session_(s), direct_(s), channel_(channel ? channel : &direct_),
      next_(s.registry ? std::make_shared<type_registry>(*s.registry) : std::make_shared<type_registry>()),
      names_(std::move(names))
{
    for (const oid id : oids)
        want(id);
    // Each name in a spelling to_regtype cannot fail on; a name that has none names no type.
    std::vector<std::string> spellings;
    std::vector<std::string> asked;
    for (std::string& name : names_) {
        if (auto spelling = detail::regtype_spelling(name)) {
            spellings.push_back(std::move(*spelling));
            asked.push_back(std::move(name));
        }
        else
            next_->add_name(std::move(name), oid::unspecified);
    }
    names_ = std::move(asked);
    if (names_.empty())
        stage_ = stage::types;
    else
        send("SELECT coalesce(to_regtype(n)::oid, 0) FROM unnest($1::text[]) WITH ORDINALITY AS u(n, i) ORDER BY i",
            text_array_literal(spellings));
}

TYPQ_DECL void catalog_op::direct::send(const char* statement, const std::string& parameter)
{
    const char* const values[] = {parameter.c_str()};
    session_.sent(PQsendQueryParams(session_.usable(), statement, 1, nullptr, values, nullptr, nullptr, 0));
    results_ = collect();
}

TYPQ_DECL io catalog_op::step(io ready)
{
    for (;;) {
        switch (stage_) {
        case stage::names:
            if (const io wanted = channel_->step(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            read_names(channel_->take().get());
            stage_ = stage::types;
            continue;
        case stage::types:
            // Each round also asks for the types the last round's refer to; a chain of nested
            // composites and domains is short, and the bound keeps a hostile catalog finite.
            if (asked_.empty()) {
                if (wanted_.empty() || rounds_ == 32) {
                    session_.registry = next_;
                    stage_ = stage::done;
                    continue;
                }
                ++rounds_;
                asked_.swap(wanted_);
                send("SELECT t.oid, format_type(t.oid, NULL), t.typtype, t.typarray, "
                     "CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE 0 END, t.typbasetype, "
                     "coalesce((SELECT p.prosrc FROM pg_proc p WHERE p.oid = t.typsend), ''), a.attname, a.atttypid "
                     "FROM pg_type t LEFT JOIN pg_attribute a "
                     "ON a.attrelid = t.typrelid AND t.typrelid <> 0 AND a.attnum > 0 AND NOT a.attisdropped "
                     "WHERE t.oid = ANY ($1::oid[]) ORDER BY t.oid, a.attnum",
                    oid_array_literal(asked_));
            }
            if (const io wanted = channel_->step(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            read_types(channel_->take().get());
            asked_.clear();
            continue;
        case stage::done:
            return io::none;
        }
    }
}

TYPQ_DECL void catalog_op::read_names(const PGresult* found)
{
    for (int row = 0; row < PQntuples(found) && static_cast<std::size_t>(row) < names_.size(); ++row) {
        const oid id = catalog_oid(found, row, 0);
        next_->add_name(names_[static_cast<std::size_t>(row)], id);
        if (id != oid::unspecified && !next_->find(id))  // a name may name a built-in type too
            wanted_.push_back(id);
    }
}

TYPQ_DECL void catalog_op::want(oid id)
{
    if (detail::is_builtin_type(id) || next_->find(id) || next_->is_missing(id))
        return;
    for (const oid already : wanted_)
        if (already == id)
            return;
    wanted_.push_back(id);
}

TYPQ_DECL void catalog_op::read_types(const PGresult* rows)
{
    std::shared_ptr<type_info> info;
    const auto finish = [&] {
        if (!info)
            return;
        want(info->element);
        want(info->base);
        for (const type_attribute& attribute : info->attributes)
            want(attribute.type);
        next_->add(std::move(info));
        info.reset();
    };
    for (int row = 0; row < PQntuples(rows); ++row) {
        const oid id = catalog_oid(rows, row, 0);
        if (!info || info->id != id) {
            finish();
            info = std::make_shared<type_info>();
            info->id = id;
            info->name = PQgetvalue(rows, row, 1);
            info->kind = static_cast<type_kind>(PQgetvalue(rows, row, 2)[0]);
            info->array = catalog_oid(rows, row, 3);
            info->element = catalog_oid(rows, row, 4);
            info->base = catalog_oid(rows, row, 5);
            info->text_binary = is_text_send_function(PQgetvalue(rows, row, 6));
        }
        if (!PQgetisnull(rows, row, 7))
            info->attributes.push_back({PQgetvalue(rows, row, 7), catalog_oid(rows, row, 8)});
    }
    finish();
    for (const oid id : asked_)
        if (!next_->find(id))
            next_->add_missing(id);
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_CATALOG_HPP
