// SPDX-License-Identifier: BSL-1.0
// typq/row.hpp: typq::row, a row of any shape (conn.query<typq::row>(...)), read column by
// column with get<T>(index) or get<T>("name"), each checked as a struct's field would be: the
// equivalent of psycopg's dict_row, for tools, migrations and admin code.

#ifndef TYPQ_ROW_HPP
#define TYPQ_ROW_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/oid.hpp>
#include <typq/reflect.hpp>
#include <typq/server_types.hpp>
#include <typq/type.hpp>
#include <typq/detail/type_name.hpp>
#include <typq/engine/plan.hpp>

#include <libpq-fe.h>

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int32_t
#include <memory>       // std::shared_ptr: the columns, shared by every row of a result
#include <optional>     // find()
#include <string>       // the row's bytes, names, messages
#include <string_view>  // column names
#include <vector>       // columns and cells

namespace typq {

class row;

namespace detail {

/// What every row of one result shares: its columns, and what the connection knew of the types
/// only the server knows when the rows were planned (a copy: the rows outlive the connection's
/// snapshot).
struct row_columns {
    struct column {
        std::string name;
        oid type = oid::unspecified;
        format results = format::binary;
    };
    std::vector<column> columns;
    std::shared_ptr<const type_registry> registry;
};

/// The columns of `result` (or of a prepared statement's description), for typq::row. Looks up
/// what the server defines about each column's type (and its name, which adapters of enums and
/// extension types find their OID by), so that get<T> can check and decode later without asking.
TYPQ_DECL std::shared_ptr<const row_columns> plan_row_columns(const PGresult* result, const engine::plan_source& source,
    const server_types& types);

[[noreturn]] TYPQ_DECL void throw_row_usage(const std::string& message);
[[noreturn]] TYPQ_DECL void throw_row_mistyped(const decode_site& site, const server_types& types);
[[noreturn]] TYPQ_DECL void throw_row_text_only(const decode_site& site);

}  // namespace detail

/// One row of a result whose columns are known only at run time: `conn.query<typq::row>(sql)`,
/// also with query_one, query_opt, stream, cursor and pipelines, and with typq::text_results.
/// Read a column with `get<T>(index)` or `get<T>("name")`: its type is checked against T by the
/// rule a struct's field follows (an `int4` column reads into `std::int64_t`, not into
/// `std::int16_t`; NULL only into a `std::optional`), with the same typq::conversion_error.
///
/// A row owns a copy of its values and shares its column names with the other rows of its
/// result: it stays valid after the result and the connection are gone. Default-constructed, it
/// has no columns.
///
/// @par Example
/// ```
/// for (const typq::row& r : conn.query<typq::row>("SELECT * FROM users"))
///     std::cout << r.get<std::int64_t>("id") << ' ' << r.get<std::optional<std::string>>("email").value_or("-");
/// ```
class row {
public:
    /// A row with no columns.
    row() = default;

    /// The number of columns.
    [[nodiscard]] std::size_t size() const noexcept { return cells_.size(); }
    /// True when the row has no columns.
    [[nodiscard]] bool empty() const noexcept { return cells_.empty(); }

    /// Column `index`'s name, as the server sent it (`?column?` for an unnamed expression).
    /// @throws typq::usage_error when `index >= size()`.
    [[nodiscard]] std::string_view name(std::size_t index) const { return column(index).name; }

    /// Column `index`'s SQL type: `int4`, `text[]`, or for a type the server defines its name
    /// (`mood`).
    [[nodiscard]] std::string sql_type(std::size_t index) const
    {
        const server_types types(columns_->registry.get());
        return detail::describe_sql_type(column(index).type, &types);
    }

    /// Column `index`'s type OID, as the server described it.
    [[nodiscard]] oid type_oid(std::size_t index) const { return column(index).type; }

    /// The index of the column named `name`, or std::nullopt when there is none.
    /// @throws typq::usage_error when several columns have that name.
    [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const;

    /// Whether column `index` is NULL.
    /// @throws typq::usage_error when `index >= size()`.
    [[nodiscard]] bool is_null(std::size_t index) const
    {
        (void)column(index);
        return cells_[index].length < 0;
    }
    /// Whether the column named `name` is NULL.
    /// @throws typq::usage_error when no column, or more than one, has that name.
    [[nodiscard]] bool is_null(std::string_view name) const { return is_null(index_of(name)); }

    /// Column `index` as a T, checked as a struct's field of type T would be.
    /// @throws typq::conversion_error when the column's type does not fit T, when it is NULL and
    ///         T is no std::optional, or when its value does not fit T; typq::usage_error when
    ///         `index >= size()`.
    /// @par Lifetime  A T that borrows (`std::string_view`) points into this row.
    template <class T>
    [[nodiscard]] T get(std::size_t index) const
    {
        static_assert(detail::require_decodable<T>());
        const detail::row_columns::column& c = column(index);
        const detail::decode_site site{c.name, static_cast<int>(index), c.type, {}, -1, &detail::type_name<T>, nullptr};
        const server_types types(columns_->registry.get());
        if (c.results == format::text) {
            if constexpr (!engine::reads_text<T>)
                detail::throw_row_text_only(site);
        }
        else if (!detail::accepts<T>(c.type, types))
            detail::throw_row_mistyped(site, types);
        T out{};
        const cell& value = cells_[index];
        if (value.length < 0) {
            if constexpr (detail::receives_null<T>)
                type<T>::set_null(out);
            else
                engine::throw_null_error(site, static_cast<std::size_t>(row_));
            return out;
        }
        type<T>::decode(value_view(data_.data() + value.offset, static_cast<std::size_t>(value.length), c.type, &site,
                            static_cast<std::size_t>(row_), &types),
            out);
        return out;
    }

    /// The column named `name` as a T (see get(index)).
    /// @throws typq::usage_error when no column, or more than one, has that name.
    template <class T>
    [[nodiscard]] T get(std::string_view name) const
    {
        return get<T>(index_of(name));
    }

private:
    friend struct detail::row_traits<row>;

    struct cell {
        std::size_t offset = 0;
        std::int32_t length = -1;  // -1: NULL
    };

    const detail::row_columns::column& column(std::size_t index) const
    {
        if (index >= cells_.size())
            detail::throw_row_usage("typq::row: column " + std::to_string(index) + " of a row of "
                + std::to_string(cells_.size()) + " columns");
        return columns_->columns[index];
    }

    TYPQ_DECL std::size_t index_of(std::string_view name) const;

    // Row `index` of `result`: its values copied.
    TYPQ_DECL static row make(const PGresult* result, int index, const std::shared_ptr<const detail::row_columns>& columns);

    std::shared_ptr<const detail::row_columns> columns_;
    std::string data_;         // every non-NULL value's bytes, one after the other
    std::vector<cell> cells_;  // where each column's value is in data_
    int row_ = 0;              // its number in the result, for messages
};

namespace detail {

/// typq::row as a row type: its plan is its columns, its values are copied out of the result.
template <>
struct row_traits<row> {
    using value_type = row;
    static constexpr row_shape shape = row_shape::dynamic;
    static constexpr std::size_t size = 0;
    template <std::size_t I>
    using field_type = void;
    using plan_type = std::shared_ptr<const row_columns>;

    static plan_type plan(const PGresult* result, const engine::plan_source& source, const server_types& types)
    {
        return plan_row_columns(result, source, types);
    }
    static row decode(const PGresult* result, int index, const plan_type& columns)
    {
        return row::make(result, index, columns);
    }
};

}  // namespace detail

#if TYPQ_DEFINITIONS
namespace detail {

// Looks up what the server says about type `id` and what it is made of (array elements, domain
// bases, composite attributes), and by name those that adapters find by name (enums, extension
// types): what get<T> may need, since nothing is looked up once rows are read.
inline void learn_row_type(oid id, const server_types& types, int depth)
{
    if (depth > 16)
        return;
    const type_info* info = types.find(id);  // nullptr for a built-in type
    if (!info)
        return;
    if (info->element != oid::unspecified)
        learn_row_type(info->element, types, depth + 1);
    else if (info->kind != type_kind::composite)
        (void)types.find(std::string_view(info->name));
    if (info->base != oid::unspecified)
        learn_row_type(info->base, types, depth + 1);
    for (const type_attribute& attribute : info->attributes)
        learn_row_type(attribute.type, types, depth + 1);
}

TYPQ_DECL std::shared_ptr<const row_columns> plan_row_columns(const PGresult* result, const engine::plan_source& source,
    const server_types& types)
{
    auto planned = std::make_shared<row_columns>();
    const int count = PQnfields(result);
    planned->columns.reserve(static_cast<std::size_t>(count));
    for (int c = 0; c < count; ++c) {
        row_columns::column column;
        column.name = PQfname(result, c);
        column.type = static_cast<oid>(PQftype(result, c));
        // A description says nothing of the format: it is the one the statement runs with.
        column.results = source.described ? source.results : (PQfformat(result, c) == 0 ? format::text : format::binary);
        if (column.results == format::binary) {
            learn_row_type(column.type, types, 0);
            if (column.type == oid::record || column.type == oid::record_array)
                engine::look_up_record_column_types(result, c, types);
        }
        planned->columns.push_back(std::move(column));
    }
    if (const type_registry* known = types.registry())
        planned->registry = std::make_shared<const type_registry>(*known);
    return planned;
}

[[noreturn]] TYPQ_DECL void throw_row_usage(const std::string& message)
{
    throw usage_error(message);
}

[[noreturn]] TYPQ_DECL void throw_row_mistyped(const decode_site& site, const server_types& types)
{
    throw conversion_error("typq::row: " + describe_column(site.column, site.column_index, site.column_type, &types)
            + " cannot become " + describe_field(site),
        make_conversion_site(site, &types));
}

[[noreturn]] TYPQ_DECL void throw_row_text_only(const decode_site& site)
{
    throw conversion_error("typq::row: " + describe_column(site.column, site.column_index, site.column_type)
            + " was read with typq::text_results, as text: it reads into std::string or std::string_view, not "
            + describe_field(site),
        make_conversion_site(site));
}

}  // namespace detail

TYPQ_DECL std::optional<std::size_t> row::find(std::string_view name) const
{
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
        if (columns_->columns[i].name != name)
            continue;
        if (found)
            detail::throw_row_usage("typq::row: columns " + std::to_string(*found + 1) + " and " + std::to_string(i + 1)
                + " are both named \"" + std::string(name) + "\": read them by index");
        found = i;
    }
    return found;
}

TYPQ_DECL std::size_t row::index_of(std::string_view name) const
{
    if (const std::optional<std::size_t> found = find(name))
        return *found;
    std::string names;
    for (std::size_t i = 0; i < cells_.size(); ++i)
        names += (i == 0 ? "\"" : ", \"") + columns_->columns[i].name + "\"";
    detail::throw_row_usage("typq::row: no column is named \"" + std::string(name) + "\" (the columns: "
        + (names.empty() ? std::string("none") : names) + ")");
}

TYPQ_DECL row row::make(const PGresult* result, int index, const std::shared_ptr<const detail::row_columns>& columns)
{
    row made;
    made.columns_ = columns;
    made.row_ = index;
    const int count = PQnfields(result);
    std::size_t bytes = 0;
    for (int c = 0; c < count; ++c)
        bytes += static_cast<std::size_t>(PQgetlength(result, index, c));
    made.data_.reserve(bytes);
    made.cells_.resize(static_cast<std::size_t>(count));
    for (int c = 0; c < count; ++c) {
        cell& value = made.cells_[static_cast<std::size_t>(c)];
        if (PQgetisnull(result, index, c))
            continue;
        value.offset = made.data_.size();
        value.length = PQgetlength(result, index, c);
        made.data_.append(PQgetvalue(result, index, c), static_cast<std::size_t>(value.length));
    }
    return made;
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq

#endif  // TYPQ_ROW_HPP
