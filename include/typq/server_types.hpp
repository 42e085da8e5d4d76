// SPDX-License-Identifier: BSL-1.0
// typq/server_types.hpp: what a connection has learnt from the server's catalog about types whose
// OID only the server knows (enums, composites, domains, extension types such as hstore and
// citext). Adapters of such types name their SQL type; the connection looks each name and each
// unfamiliar column type up once, caches the answer, and hands adapters a `server_types` to read it.

#ifndef TYPQ_SERVER_TYPES_HPP
#define TYPQ_SERVER_TYPES_HPP

#include <typq/error.hpp>
#include <typq/oid.hpp>

#include <memory>       // std::shared_ptr: type_info nodes are shared by successive registries
#include <string>       // names
#include <string_view>  // lookups
#include <utility>      // std::pair
#include <vector>       // the registry's tables

namespace typq {

/// One attribute of a composite type, in the type's order.
struct type_attribute {
    std::string name;              ///< the attribute's name (`attname`)
    oid type = oid::unspecified;   ///< its type (`atttypid`)
};

/// The sort of a type (`pg_type.typtype`).
enum class type_kind : char {
    base = 'b',
    composite = 'c',
    domain = 'd',
    enumeration = 'e',
    pseudo = 'p',
    range = 'r',
    multirange = 'm',
};

/// What the server's catalog (`pg_type`) says about one type.
struct type_info {
    oid id = oid::unspecified;           ///< the type's OID
    std::string name;                    ///< as the server prints it (`format_type`): `mood`, `shop.mood`
    type_kind kind = type_kind::base;    ///< what sort of type it is (`typtype`)
    oid array = oid::unspecified;        ///< the array type of this type (`typarray`), if any
    oid element = oid::unspecified;      ///< for an array type, its element type
    oid base = oid::unspecified;         ///< for a domain, the type it constrains
    bool text_binary = false;            ///< its binary form is text's (`citext`, a varchar-like type)
    std::vector<type_attribute> attributes;  ///< for a composite type, its live attributes in order
};

/// An immutable snapshot of what a connection has looked up. A connection replaces its registry
/// (copy, then add) when it learns a type, so that a result keeps the snapshot it was planned
/// with and never sees the registry change under it.
class type_registry {
public:
    /// The type with OID `id`, or nullptr if it was not looked up.
    [[nodiscard]] const type_info* find(oid id) const noexcept
    {
        for (const auto& info : types_)
            if (info->id == id)
                return info.get();
        return nullptr;
    }

    /// Whether `name` (as an adapter spells it) was looked up, and what it named: `oid::unspecified`
    /// when the server has no such type.
    [[nodiscard]] const std::pair<std::string, oid>* find_name(std::string_view name) const noexcept
    {
        for (const auto& entry : names_)
            if (entry.first == name)
                return &entry;
        return nullptr;
    }

    /// True when `id` was looked up and the server has no such type.
    [[nodiscard]] bool is_missing(oid id) const noexcept
    {
        for (const oid missing : missing_)
            if (missing == id)
                return true;
        return false;
    }

    /// Records `info`, unless its OID is already known. For the connection, on a copy that
    /// becomes its new snapshot: a registry a result holds is never changed.
    void add(std::shared_ptr<const type_info> info)
    {
        if (!find(info->id))
            types_.push_back(std::move(info));
    }
    /// Records that `name` names the type `id` (`oid::unspecified`: no such type), unless `name`
    /// is already known. For the connection, as add() is.
    void add_name(std::string name, oid id)
    {
        if (!find_name(name))
            names_.emplace_back(std::move(name), id);
    }

    /// Records that the server has no type `id`. For the connection, as add() is.
    void add_missing(oid id)
    {
        if (!is_missing(id))
            missing_.push_back(id);
    }

private:
    std::vector<std::shared_ptr<const type_info>> types_;
    std::vector<std::pair<std::string, oid>> names_;
    std::vector<oid> missing_;
};

namespace detail {

/// Where a server_types turns for what its registry lacks (engine/catalog.hpp: it records the
/// misses, which a connection looks up before it makes the pass again). Adapters never see it.
class type_source {
public:
    /// Answers for `names` and `oids`: the registry to read them from (which may still lack them).
    virtual const type_registry* look_up(const std::vector<std::string_view>& names, const std::vector<oid>& oids) = 0;

protected:
    ~type_source() = default;
};

/// True for the OIDs typq knows statically (every built-in type in oid.hpp): they are never looked up.
constexpr bool is_builtin_type(oid id) noexcept { return id == oid::unspecified || !sql_type_name(id).empty(); }

}  // namespace detail

/// The types the server defines, as an adapter sees them while encoding (`writer::types()`),
/// checking a column (`accepts(oid, const server_types&)`) or decoding (`value_view::types()`).
/// While a statement's parameters are encoded and its result planned, a miss is recorded, looked
/// up on the server between statements (one catalog query, then cached for the connection's
/// life), and the encoding or planning made again; while rows are decoded nothing is looked up,
/// and a miss is simply nullptr. Built-in types are never looked up.
class server_types {
public:
    /// Knows nothing: what adapters see outside a connection.
    server_types() = default;
    /// Reads `registry` only (may be null).
    explicit server_types(const type_registry* registry) noexcept : registry_(registry) {}
    /// Reads `registry` and looks misses up through `source`.
    server_types(const type_registry* registry, detail::type_source* source) noexcept : registry_(registry), source_(source) {}

    /// What the server says about type `id`, or nullptr for a built-in type or one it does not know.
    [[nodiscard]] const type_info* find(oid id) const
    {
        if (detail::is_builtin_type(id))
            return nullptr;
        if (const type_info* info = registry_ ? registry_->find(id) : nullptr)
            return info;
        if (!source_ || (registry_ && registry_->is_missing(id)))
            return nullptr;
        registry_ = source_->look_up({}, {id});
        return registry_ ? registry_->find(id) : nullptr;
    }

    /// The type `name` resolves to on the server (`to_regtype(name)`: the search_path applies),
    /// or nullptr when the server has no such type.
    [[nodiscard]] const type_info* find(std::string_view name) const
    {
        const auto* entry = registry_ ? registry_->find_name(name) : nullptr;
        if (!entry && source_) {
            registry_ = source_->look_up({name}, {});
            entry = registry_ ? registry_->find_name(name) : nullptr;
        }
        if (!entry || entry->second == oid::unspecified)
            return nullptr;
        return registry_->find(entry->second);
    }

    /// Like find(name), but a type the server does not have is an error.
    /// @throws typq::conversion_error naming the type.
    [[nodiscard]] const type_info& get(std::string_view name) const
    {
        if (const type_info* info = find(name))
            return *info;
        if (!source_ && !(registry_ && registry_->find_name(name)))
            throw conversion_error("the OID of type \"" + std::string(name)
                    + "\" comes from the server: this value can only be sent or read through a connection",
                conversion_site{{}, std::string(name), {}, {}});
        throw conversion_error("type \"" + std::string(name) + "\" does not exist on the server (to_regtype('"
                + std::string(name) + "') is NULL: check the name, its schema and the search_path; a type created "
                + "after this connection looked for it needs connection::clear_type_cache())",
            conversion_site{{}, std::string(name), {}, {}});
    }

    /// The snapshot this reads (null when nothing was looked up yet), for what must keep a copy
    /// of it (typq::row).
    [[nodiscard]] const type_registry* registry() const noexcept { return registry_; }

    /// `id` with any domains over it removed: the type whose binary form a value of type `id` has.
    [[nodiscard]] oid strip_domains(oid id) const
    {
        for (int depth = 0; depth < 64; ++depth) {  // a domain chain cannot be cyclic; the bound is defensive
            const type_info* info = find(id);
            if (!info || info->kind != type_kind::domain)
                return id;
            id = info->base;
        }
        return id;
    }

private:
    mutable const type_registry* registry_ = nullptr;
    detail::type_source* source_ = nullptr;
};

namespace detail {
/// What adapters see when no connection is involved (typq_test::encode, a value_view made by hand).
inline const server_types no_server_types{};
}  // namespace detail

}  // namespace typq

#endif  // TYPQ_SERVER_TYPES_HPP
