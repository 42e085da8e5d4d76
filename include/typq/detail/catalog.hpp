// SPDX-License-Identifier: BSL-1.0
// typq/detail/catalog.hpp: looking types up in the server's catalog for a connection's
// server_types: names with to_regtype, OIDs in pg_type and pg_attribute, each in one query.

#ifndef TYPQ_DETAIL_CATALOG_HPP
#define TYPQ_DETAIL_CATALOG_HPP

#include <typq/config.hpp>
#include <typq/server_types.hpp>
#include <typq/detail/exec.hpp>

#include <libpq-fe.h>

#include <cstdint>      // std::uint32_t
#include <cstdlib>      // std::strtoul
#include <memory>       // std::shared_ptr
#include <string>       // the array literals
#include <string_view>  // names
#include <vector>       // the lists

namespace typq::detail {

/// A connection's type_source: looks misses up with catalog queries and replaces the
/// connection's registry with a copy that has the answers.
class catalog_source final : public type_source {
public:
    catalog_source(PGconn* conn, std::shared_ptr<const type_registry>& registry) noexcept
        : conn_(conn), registry_(&registry)
    {
    }

    // Declared inline when header-only, so that it is no key function and the vtable is emitted
    // only where a catalog_source is made; under TYPQ_SEPARATE_COMPILATION it is the key function.
    TYPQ_DECL const type_registry* look_up(const std::vector<std::string_view>& names, const std::vector<oid>& oids) override;

private:
    // Adds `id` to `wanted` when it is a type typq does not know and the registry has not seen.
    TYPQ_DECL static void want(const type_registry& registry, std::vector<oid>& wanted, oid id);
    TYPQ_DECL void read_types(type_registry& registry, const std::vector<oid>& asked, std::vector<oid>& wanted);

    PGconn* conn_;
    std::shared_ptr<const type_registry>* registry_;
};

/// A statement's view of the server's types: the connection's registry, with misses looked up in
/// the catalog. Neither copied nor moved: its server_types points at its catalog_source.
class catalog_lookup {
public:
    catalog_lookup(PGconn* conn, std::shared_ptr<const type_registry>& registry) noexcept
        : source_(conn, registry), types_(registry.get(), &source_)
    {
    }
    catalog_lookup(const catalog_lookup&) = delete;
    catalog_lookup& operator=(const catalog_lookup&) = delete;
    ~catalog_lookup() = default;

    [[nodiscard]] const server_types& types() const noexcept { return types_; }

private:
    catalog_source source_;
    server_types types_;
};

// The catalog queries: compiled once under TYPQ_SEPARATE_COMPILATION (look_up is the class's
// key function, so its vtable goes with it).
#if TYPQ_DEFINITIONS

// `{"a","b\"c"}`: a text[] literal, every element quoted.
TYPQ_DECL std::string text_array_literal(const std::vector<std::string_view>& items)
{
    std::string text = "{";
    for (const std::string_view item : items) {
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

// Runs a catalog query with one text parameter; text results.
TYPQ_DECL result_handle catalog_query(PGconn* conn, const char* statement, const std::string& parameter)
{
    const char* const values[] = {parameter.c_str()};
    return exec_params(conn, statement, param_span{1, nullptr, values, nullptr, nullptr}, true);
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

TYPQ_DECL const type_registry* catalog_source::look_up(const std::vector<std::string_view>& names,
    const std::vector<oid>& oids)
{
    auto next = *registry_ ? std::make_shared<type_registry>(**registry_) : std::make_shared<type_registry>();
    std::vector<oid> wanted;
    for (const oid id : oids)
        want(*next, wanted, id);
    if (!names.empty()) {
        const result_handle found = catalog_query(conn_,
            "SELECT n, coalesce(to_regtype(n)::oid, 0) FROM unnest($1::text[]) AS n", text_array_literal(names));
        for (int row = 0; row < PQntuples(found.get()); ++row) {
            const oid id = catalog_oid(found.get(), row, 1);
            next->add_name(PQgetvalue(found.get(), row, 0), id);
            if (id != oid::unspecified && !next->find(id))  // a name may name a built-in type too
                wanted.push_back(id);
        }
    }
    // Each round also asks for the types the last round's refer to; a chain of nested
    // composites and domains is short, and the bound keeps a hostile catalog finite.
    for (int round = 0; round < 32 && !wanted.empty(); ++round) {
        std::vector<oid> asked;
        asked.swap(wanted);
        read_types(*next, asked, wanted);
    }
    *registry_ = next;
    return next.get();
}

TYPQ_DECL void catalog_source::want(const type_registry& registry, std::vector<oid>& wanted, oid id)
{
    if (is_builtin_type(id) || registry.find(id) || registry.is_missing(id))
        return;
    for (const oid already : wanted)
        if (already == id)
            return;
    wanted.push_back(id);
}

TYPQ_DECL void catalog_source::read_types(type_registry& registry, const std::vector<oid>& asked, std::vector<oid>& wanted)
{
    const result_handle found = catalog_query(conn_,
        "SELECT t.oid, format_type(t.oid, NULL), t.typtype, t.typarray, "
        "CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE 0 END, t.typbasetype, "
        "coalesce((SELECT p.prosrc FROM pg_proc p WHERE p.oid = t.typsend), ''), a.attname, a.atttypid "
        "FROM pg_type t LEFT JOIN pg_attribute a "
        "ON a.attrelid = t.typrelid AND t.typrelid <> 0 AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE t.oid = ANY ($1::oid[]) ORDER BY t.oid, a.attnum",
        oid_array_literal(asked));
    const PGresult* rows = found.get();
    std::shared_ptr<type_info> info;
    const auto finish = [&] {
        if (!info)
            return;
        want(registry, wanted, info->element);
        want(registry, wanted, info->base);
        for (const type_attribute& attribute : info->attributes)
            want(registry, wanted, attribute.type);
        registry.add(std::move(info));
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
    for (const oid id : asked)
        if (!registry.find(id))
            registry.add_missing(id);
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_CATALOG_HPP
