// SPDX-License-Identifier: BSL-1.0
// typq/engine/plan.hpp: the column plan, which says which column feeds each field of a row type
// and checks every column's type against its field once, and the row decoder that follows it
// with no lookups. A plan is made from a result, or from a prepared statement's description
// before any result exists, and is then reused for every result of that statement.

#ifndef TYPQ_ENGINE_PLAN_HPP
#define TYPQ_ENGINE_PLAN_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/reflect.hpp>
#include <typq/server_types.hpp>
#include <typq/type.hpp>
#include <typq/detail/type_name.hpp>
#include <typq/detail/wire.hpp>

#include <libpq-fe.h>

#include <array>        // the column plan
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int32_t
#include <memory>       // std::unique_ptr: the problems found
#include <optional>     // text rows may have optional strings
#include <string>       // mismatch messages
#include <string_view>  // column names
#include <type_traits>  // std::is_same_v
#include <utility>      // std::move, std::index_sequence

namespace typq::engine {

using detail::accepts_domain;
using detail::adapter_accepts;
using detail::decode_site;
using detail::describe_column;
using detail::describe_field;
using detail::describe_sql_type;
using detail::field_names;
using detail::ignores_extra_columns;
using detail::load_be;
using detail::make_conversion_site;
using detail::receives_null;
using detail::row_field_name;
using detail::row_field_t;
using detail::row_shape;
using detail::row_traits;
using detail::type_name;


/// What a plan is made from: a result, or a prepared statement's description (which has the
/// columns but no rows, and says nothing of their format); and the format the rows arrive in.
struct plan_source {
    format results = format::binary;
    bool described = false;
};

/// Which column feeds each field of Row, and the context for its error messages.
template <class Row>
struct column_plan {
    static constexpr std::size_t size = row_traits<Row>::size;
    std::array<int, size> columns{};
    std::array<decode_site, size> sites{};
};

/// For a row whose shape is known only at run time (typq::row): what its traits made of the
/// columns.
template <class Row>
    requires(row_traits<Row>::shape == row_shape::dynamic)
struct column_plan<Row> {
    static constexpr std::size_t size = 0;
    typename row_traits<Row>::plan_type columns{};
};

template <class Row>
std::string row_type_name()
{
    return type_name<typename row_traits<Row>::value_type>();
}

// Collects every problem of a column plan, so that one error names them all.
class plan_problems {
public:
    TYPQ_DECL void add(std::string problem, const conversion_site& site);
    // Takes the row type's name as a function, called only to throw: building the name (a
    // std::string) for every result cost more than the rest of a one-row plan.
    void throw_if_any(std::string (*row_type)()) const
    {
        if (found_)
            throw_all(row_type);
    }

private:
    struct found {
        std::string text;
        conversion_site first;
    };
    [[noreturn]] TYPQ_DECL void throw_all(std::string (*row_type)()) const;

    // Made at the first problem: a plan that fits (nearly every one) builds no strings.
    std::unique_ptr<found> found_;
};

// `column 3 "age" (int4)`: with its position, to tell apart columns of the same name.
TYPQ_DECL std::string describe_numbered_column(const PGresult* result, int column);

// A column name (NUL-terminated) equals a field name, compared without strlen: a shorter column
// name differs at its NUL, which no field name contains, so nothing past it is read.
inline bool column_is_named(const char* column, std::string_view name) noexcept
{
    for (const char c : name)
        if (*column++ != c)
            return false;
    return *column == '\0';
}

// True when the result's columns are exactly Row's fields, named as they are and in their order:
// then every column has its field and no name repeats (field names are distinct), so the plan
// needs no search by name.
template <class Row>
bool columns_in_field_order(const PGresult* result)
{
    constexpr auto& names = field_names<typename row_traits<Row>::value_type>;
    if (PQnfields(result) != static_cast<int>(names.size()))
        return false;
    for (std::size_t c = 0; c < names.size(); ++c)
        if (!column_is_named(PQfname(result, static_cast<int>(c)), names[c]))
            return false;
    return true;
}

template <class T>
inline constexpr bool reads_text = std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>;
template <class T>
inline constexpr bool reads_text<std::optional<T>> = reads_text<T>;

/// Every field of Row can hold a column's text (the typq::text_results form).
template <class Row>
consteval bool row_reads_text()
{
    return []<std::size_t... I>(std::index_sequence<I...>) {
        return (reads_text<std::remove_cv_t<row_field_t<Row, I>>> && ...);
    }(std::make_index_sequence<row_traits<Row>::size>{});
}

// Looks up the server-defined types named inside an anonymous record value (`ROW(...)`): its
// attribute types show only in the values, and rows decoded later cannot ask the server. Stops
// quietly at malformed bytes: decoding reports them.
TYPQ_DECL void look_up_record_types(const char* data, std::size_t size, const server_types& types, int depth);

// The same for every value of a record or record[] column in binary format.
TYPQ_DECL void look_up_record_column_types(const PGresult* result, int column, const server_types& types);

// The column named as `site`'s field, or -1 after reporting it missing or ambiguous.
TYPQ_DECL int find_column_for(const PGresult* result, decode_site& site, plan_problems& problems);

// Points `site` at `column` and checks the column's format; false (reported) when it is wrong.
TYPQ_DECL bool check_column(const PGresult* result, int column, bool in_order, const plan_source& source,
    decode_site& site, plan_problems& problems, const server_types& types);

TYPQ_DECL void report_mistyped_column(const decode_site& site, plan_problems& problems, const server_types& types);

template <class Row, std::size_t I>
void plan_field(const PGresult* result, column_plan<Row>& plan, plan_problems& problems, bool in_order,
    const plan_source& source, const server_types& types)
{
    using traits = row_traits<Row>;
    using field = std::remove_cv_t<row_field_t<Row, I>>;

    decode_site& site = plan.sites[I];
    site.field = row_field_name<Row, I>();
    site.field_index = static_cast<int>(I);
    site.field_type = &type_name<field>;
    site.row_type = traits::shape == row_shape::scalar ? nullptr : &row_type_name<Row>;

    int column = static_cast<int>(I);
    if constexpr (traits::shape == row_shape::by_name) {
        if (!in_order)
            column = find_column_for(result, site, problems);
    }
    else if (column >= PQnfields(result))
        column = -1;  // the column count mismatch is reported once, by plan_columns
    if (column < 0)
        return;
    plan.columns[I] = column;
    // The adapter's own answer inline: the common case costs no call.
    if (check_column(result, column, in_order, source, site, problems, types) && source.results == format::binary
        && !adapter_accepts<field>(site.column_type, types) && !accepts_domain<field>(site.column_type, types))
        report_mistyped_column(site, problems, types);
}

#if TYPQ_DEFINITIONS

TYPQ_DECL std::string describe_numbered_column(const PGresult* result, int column)
{
    return "column " + std::to_string(column + 1) + " \"" + PQfname(result, column) + "\" ("
        + describe_sql_type(static_cast<oid>(PQftype(result, column))) + ")";
}

TYPQ_DECL void look_up_record_types(const char* data, std::size_t size, const server_types& types, int depth)
{
    if (depth > 16 || size < 4)
        return;
    const auto count = load_be<std::int32_t>(data);
    std::size_t offset = 4;
    for (std::int32_t i = 0; i < count && size - offset >= 8; ++i) {
        const auto type = static_cast<oid>(load_be<std::uint32_t>(data + offset));
        const auto length = load_be<std::int32_t>(data + offset + 4);
        offset += 8;
        (void)types.find(type);  // built-in types return at once
        if (length < 0)
            continue;
        if (static_cast<std::size_t>(length) > size - offset)
            return;
        if (type == oid::record)
            look_up_record_types(data + offset, static_cast<std::size_t>(length), types, depth + 1);
        offset += static_cast<std::size_t>(length);
    }
}

TYPQ_DECL void look_up_record_column_types(const PGresult* result, int column, const server_types& types)
{
    const auto type = static_cast<oid>(PQftype(result, column));
    if (PQfformat(result, column) != 1)
        return;
    for (int row = 0; row < PQntuples(result); ++row) {
        if (PQgetisnull(result, row, column))
            continue;
        const char* data = PQgetvalue(result, row, column);
        const auto size = static_cast<std::size_t>(PQgetlength(result, row, column));
        if (type == oid::record) {
            look_up_record_types(data, size, types, 0);
            continue;
        }
        // record[]: skip array_send's header (ndim, flags, element type, ndim x (length, lower
        // bound)), then length-prefixed elements.
        if (size < 12)
            continue;
        const auto dimensions = load_be<std::int32_t>(data);
        if (dimensions < 0 || dimensions > 6 || size < 12 + 8 * static_cast<std::size_t>(dimensions))
            continue;
        for (std::size_t offset = 12 + 8 * static_cast<std::size_t>(dimensions); size - offset >= 4;) {
            const auto length = load_be<std::int32_t>(data + offset);
            offset += 4;
            if (length < 0)
                continue;
            if (static_cast<std::size_t>(length) > size - offset)
                break;
            look_up_record_types(data + offset, static_cast<std::size_t>(length), types, 0);
            offset += static_cast<std::size_t>(length);
        }
    }
}

[[noreturn]] TYPQ_DECL void throw_null_error(const decode_site& site, std::size_t row)
{
    throw conversion_error(describe_column(site.column, site.column_index, site.column_type) + " is NULL at row "
            + std::to_string(row) + ", but " + describe_field(site) + " is not a std::optional",
        make_conversion_site(site));
}

TYPQ_DECL void plan_problems::add(std::string problem, const conversion_site& site)
{
    if (!found_) {
        found_ = std::make_unique<found>(found{std::move(problem), site});
        return;
    }
    found_->text += "; ";
    found_->text += problem;
}

[[noreturn]] TYPQ_DECL void plan_problems::throw_all(std::string (*row_type)()) const
{
    throw conversion_error("result does not fit " + row_type() + ": " + found_->text, found_->first);
}

TYPQ_DECL int find_column_for(const PGresult* result, decode_site& site, plan_problems& problems)
{
    int column = -1;
    std::string ambiguous;
    for (int c = 0; c < PQnfields(result); ++c) {
        if (std::string_view(PQfname(result, c)) != site.field)
            continue;
        if (column >= 0)
            ambiguous += (ambiguous.empty() ? describe_numbered_column(result, column) : std::string()) + " and "
                + describe_numbered_column(result, c);
        else
            column = c;
    }
    if (!ambiguous.empty()) {
        site.column = PQfname(result, column);
        site.column_index = column;
        site.column_type = static_cast<oid>(PQftype(result, column));
        problems.add(ambiguous + " match " + describe_field(site), make_conversion_site(site));
        return -1;
    }
    if (column < 0)
        problems.add("no column for field \"" + std::string(site.field) + "\" (" + site.field_type() + ")",
            make_conversion_site(site));
    return column;
}

TYPQ_DECL bool check_column(const PGresult* result, int column, bool in_order, const plan_source& source,
    decode_site& site, plan_problems& problems, const server_types& types)
{
    site.column = in_order ? site.field : std::string_view(PQfname(result, column));
    site.column_index = column;
    site.column_type = static_cast<oid>(PQftype(result, column));
    const bool text = source.results == format::text;
    if (!text && (site.column_type == oid::record || site.column_type == oid::record_array))
        look_up_record_column_types(result, column, types);
    // A description (of a prepared statement) says text for every column: the format is chosen
    // when the statement runs.
    if (source.described || PQfformat(result, column) == (text ? 0 : 1))
        return true;
    problems.add(describe_column(site.column, column, site.column_type, &types) + " is in " + (text ? "binary" : "text")
            + " format",
        make_conversion_site(site));
    return false;
}

TYPQ_DECL void report_mistyped_column(const decode_site& site, plan_problems& problems, const server_types& types)
{
    problems.add(describe_column(site.column, site.column_index, site.column_type, &types) + " cannot become "
            + describe_field(site),
        make_conversion_site(site, &types));
}

#endif  // TYPQ_DEFINITIONS

/// Matches the result's (or description's) columns to Row's fields and checks every column's
/// type, once. For rows in text format, any type's text fits a string field. `types` answers for
/// column types only the server knows (enums, composites, citext...).
/// @throws conversion_error naming every missing, extra, ambiguous or mistyped column.
template <class Row>
    requires(row_traits<Row>::shape != row_shape::dynamic)
column_plan<Row> plan_columns(const PGresult* result, const plan_source& source = {},
    const server_types& types = detail::no_server_types)
{
    static_assert(detail::require_row_decodable<Row>());
    using traits = row_traits<Row>;
    column_plan<Row> plan;
    plan_problems problems;
    bool in_order = false;
    if constexpr (traits::shape == row_shape::by_name)
        in_order = columns_in_field_order<Row>(result);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (plan_field<Row, I>(result, plan, problems, in_order, source, types), ...);
    }(std::make_index_sequence<traits::size>{});

    const int columns = PQnfields(result);
    if constexpr (traits::shape == row_shape::by_name) {
        constexpr auto& names = field_names<typename traits::value_type>;
        for (int c = 0; !in_order && !ignores_extra_columns<Row> && c < columns; ++c) {  // in field order, every column has its field
            const std::string_view column = PQfname(result, c);
            bool used = false;
            for (std::string_view name : names)
                used = used || name == column;
            if (!used)
                problems.add(describe_column(column, c, static_cast<oid>(PQftype(result, c))) + " has no field",
                    conversion_site{std::string(column), describe_sql_type(static_cast<oid>(PQftype(result, c))), {}, {}});
        }
    }
    else if (columns != static_cast<int>(traits::size)) {
        problems.add("the result has " + std::to_string(columns) + " column(s), the row type "
                + std::to_string(traits::size),
            conversion_site{});
    }
    problems.throw_if_any(&row_type_name<Row>);
    return plan;
}

/// The plan of a row of run-time shape: its traits' own.
template <class Row>
    requires(row_traits<Row>::shape == row_shape::dynamic)
column_plan<Row> plan_columns(const PGresult* result, const plan_source& source = {},
    const server_types& types = detail::no_server_types)
{
    return {row_traits<Row>::plan(result, source, types)};
}

[[noreturn]] TYPQ_DECL void throw_null_error(const decode_site& site, std::size_t row);

/// The values of row `row` of a PGresult, as the row decoder reads them.
struct result_cells {
    const PGresult* result;
    int row;
    [[nodiscard]] bool is_null(int column) const noexcept { return PQgetisnull(result, row, column) != 0; }
    [[nodiscard]] const char* data(int column) const noexcept { return PQgetvalue(result, row, column); }
    [[nodiscard]] std::size_t size(int column) const noexcept
    {
        return static_cast<std::size_t>(PQgetlength(result, row, column));
    }
    [[nodiscard]] std::size_t index() const noexcept { return static_cast<std::size_t>(row); }
};

/// Decodes the value a plan says feeds field I from `cells` (a result's row, or a binary COPY
/// tuple: anything with is_null, data and size by column, and the row's index).
template <class Row, std::size_t I, class Field, class Cells>
TYPQ_ALWAYS_INLINE void decode_field(const Cells& cells, const column_plan<Row>& plan, Field& field,
    const server_types* types)
{
    const int column = plan.columns[I];
    if (cells.is_null(column)) {
        if constexpr (receives_null<Field>)
            type<Field>::set_null(field);
        else
            throw_null_error(plan.sites[I], cells.index());
        return;
    }
    type<Field>::decode(
        value_view(cells.data(column), cells.size(column), plan.sites[I].column_type, &plan.sites[I], cells.index(), types),
        field);
}

// Every field of `out`, in order (a function, not a lambda, so that it can be forced inline).
template <class Row, class Cells, std::size_t... I>
TYPQ_ALWAYS_INLINE void decode_fields(const Cells& cells, const column_plan<Row>& plan,
    typename row_traits<Row>::value_type& out, const server_types* types, std::index_sequence<I...>)
{
    (decode_field<Row, I>(cells, plan, row_traits<Row>::template field<I>(out), types), ...);
}

/// Decodes one row from `cells` into a fresh value, following `plan`; `types` is what the plan
/// learnt about server-defined types (may be null when it learnt nothing).
template <class Row, class Cells>
    requires(row_traits<Row>::shape != row_shape::dynamic)
TYPQ_ALWAYS_INLINE typename row_traits<Row>::value_type decode_cells(const Cells& cells, const column_plan<Row>& plan,
    const server_types* types = nullptr)
{
    typename row_traits<Row>::value_type out{};
    decode_fields<Row>(cells, plan, out, types, std::make_index_sequence<row_traits<Row>::size>{});
    return out;
}

/// Decodes row `row` of `result` into a fresh value, following `plan`.
template <class Row>
    requires(row_traits<Row>::shape != row_shape::dynamic)
TYPQ_ALWAYS_INLINE typename row_traits<Row>::value_type decode_row(const PGresult* result, int row,
    const column_plan<Row>& plan, const server_types* types = nullptr)
{
    return decode_cells<Row>(result_cells{result, row}, plan, types);
}

/// Row `row` of a row type of run-time shape: its traits' own.
template <class Row>
    requires(row_traits<Row>::shape == row_shape::dynamic)
typename row_traits<Row>::value_type decode_row(const PGresult* result, int row, const column_plan<Row>& plan,
    const server_types* = nullptr)
{
    return row_traits<Row>::decode(result, row, plan.columns);
}

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_PLAN_HPP
