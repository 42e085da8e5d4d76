// SPDX-License-Identifier: BSL-1.0
// typq/result.hpp: typed results. A result<Row> owns one PGresult and is a random-access range
// of Row values; the column plan (which column feeds which field, and whether its type fits) is
// built once per result, so that decoding a row is straight-line code with no lookups.

#ifndef TYPQ_RESULT_HPP
#define TYPQ_RESULT_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/reflect.hpp>
#include <typq/type.hpp>
#include <typq/detail/exec.hpp>
#include <typq/detail/pq_handle.hpp>
#include <typq/detail/type_name.hpp>

#include <libpq-fe.h>

#include <array>        // the column plan
#include <compare>      // iterator ordering
#include <cstddef>      // std::size_t, std::ptrdiff_t
#include <cstdint>      // std::uint64_t
#include <iterator>     // iterator tags
#include <memory>       // std::shared_ptr: the type registry a result keeps
#include <optional>     // text_results rows may have optional strings
#include <string>       // mismatch messages
#include <string_view>  // column names
#include <type_traits>  // std::is_same_v
#include <utility>      // std::move, std::index_sequence

namespace typq {

/// Asks for a statement's results in text format: `conn.query<Row>(typq::text_results, sql, args...)`.
/// For types with no binary form (extension types such as contrib's `cube`): every column,
/// whatever its type, is read as the text the server prints for it, so `Row`'s fields must be
/// strings (`std::string`, `std::string_view`, or `std::optional` of one). Parameters are sent as
/// usual. The other forms of execute/query read binary results, and a column of a type without
/// binary output makes the server refuse the statement (`typq::undefined_function`).
struct text_results_t {
    explicit text_results_t() = default;
};
inline constexpr text_results_t text_results{};

namespace detail {

/// Which column feeds each field of Row, and the context for its error messages.
template <class Row>
struct column_plan {
    static constexpr std::size_t size = row_traits<Row>::size;
    std::array<int, size> columns{};
    std::array<decode_site, size> sites{};
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
TYPQ_DECL bool check_column(const PGresult* result, int column, bool in_order, bool text, decode_site& site,
    plan_problems& problems, const server_types& types);

TYPQ_DECL void report_mistyped_column(const decode_site& site, plan_problems& problems, const server_types& types);

template <class Row, std::size_t I>
void plan_field(const PGresult* result, column_plan<Row>& plan, plan_problems& problems, bool in_order, bool text,
    const server_types& types)
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
    if (check_column(result, column, in_order, text, site, problems, types) && !text
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

[[noreturn]] TYPQ_DECL void throw_null_error(const decode_site& site, int row)
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

TYPQ_DECL bool check_column(const PGresult* result, int column, bool in_order, bool text, decode_site& site,
    plan_problems& problems, const server_types& types)
{
    site.column = in_order ? site.field : std::string_view(PQfname(result, column));
    site.column_index = column;
    site.column_type = static_cast<oid>(PQftype(result, column));
    if (!text && (site.column_type == oid::record || site.column_type == oid::record_array))
        look_up_record_column_types(result, column, types);
    if (PQfformat(result, column) == (text ? 0 : 1))
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

/// Matches the result's columns to Row's fields and checks every column's type, once. With
/// `text`, the columns are in text format and any type's text fits a string field. `types`
/// looks up column types only the server knows (enums, composites, citext...).
/// @throws conversion_error naming every missing, extra, ambiguous or mistyped column.
template <class Row>
column_plan<Row> plan_columns(const PGresult* result, bool text = false, const server_types& types = no_server_types)
{
    static_assert(require_row_decodable<Row>());
    using traits = row_traits<Row>;
    column_plan<Row> plan;
    plan_problems problems;
    bool in_order = false;
    if constexpr (traits::shape == row_shape::by_name)
        in_order = columns_in_field_order<Row>(result);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (plan_field<Row, I>(result, plan, problems, in_order, text, types), ...);
    }(std::make_index_sequence<traits::size>{});

    const int columns = PQnfields(result);
    if constexpr (traits::shape == row_shape::by_name) {
        constexpr auto& names = field_names<typename traits::value_type>;
        for (int c = 0; !in_order && c < columns; ++c) {  // in field order, every column has its field
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

[[noreturn]] TYPQ_DECL void throw_null_error(const decode_site& site, int row);

template <class Row, std::size_t I, class Field>
void decode_field(const PGresult* result, int row, const column_plan<Row>& plan, Field& field, const server_types* types)
{
    const int column = plan.columns[I];
    if (PQgetisnull(result, row, column)) {
        if constexpr (receives_null<Field>)
            type<Field>::set_null(field);
        else
            throw_null_error(plan.sites[I], row);
        return;
    }
    type<Field>::decode(value_view(PQgetvalue(result, row, column), static_cast<std::size_t>(PQgetlength(result, row, column)),
                            plan.sites[I].column_type, &plan.sites[I], static_cast<std::size_t>(row), types),
        field);
}

/// Decodes row `row` of `result` into a fresh value, following `plan`; `types` is what the
/// plan learnt about server-defined types (may be null when it learnt nothing).
template <class Row>
typename row_traits<Row>::value_type decode_row(const PGresult* result, int row, const column_plan<Row>& plan,
    const server_types* types = nullptr)
{
    using traits = row_traits<Row>;
    typename traits::value_type out{};
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (decode_field<Row, I>(result, row, plan, traits::template field<I>(out), types), ...);
    }(std::make_index_sequence<traits::size>{});
    return out;
}

}  // namespace detail

/// The rows of one statement, each decoded into `Row`'s value type on access: a struct mapped by
/// field name, `typq::by_position<T>`, a `std::tuple` (by position), or one scalar column.
/// Iterable any number of times. Moving it keeps borrowed views valid but not iterators;
/// destroying it ends both.
/// @par Lifetime  Rows are decoded on each access and own their data, except borrowed fields
///      (`std::string_view`, `std::span<const std::byte>`), which point into this result.
template <class Row>
class result {
    using traits = detail::row_traits<Row>;

public:
    using value_type = typename traits::value_type;
    using size_type = std::size_t;

    class iterator {
    public:
        using iterator_concept = std::random_access_iterator_tag;
        using iterator_category = std::input_iterator_tag;  // operator* returns a value
        using value_type = typename traits::value_type;
        using difference_type = std::ptrdiff_t;
        using reference = value_type;

        iterator() = default;
        [[nodiscard]] value_type operator*() const { return owner_->row(row_); }
        [[nodiscard]] value_type operator[](difference_type n) const { return owner_->row(row_ + static_cast<int>(n)); }
        iterator& operator++() noexcept { ++row_; return *this; }
        iterator operator++(int) noexcept { auto old = *this; ++row_; return old; }
        iterator& operator--() noexcept { --row_; return *this; }
        iterator operator--(int) noexcept { auto old = *this; --row_; return old; }
        iterator& operator+=(difference_type n) noexcept { row_ += static_cast<int>(n); return *this; }
        iterator& operator-=(difference_type n) noexcept { row_ -= static_cast<int>(n); return *this; }
        [[nodiscard]] friend iterator operator+(iterator it, difference_type n) noexcept { return it += n; }
        [[nodiscard]] friend iterator operator+(difference_type n, iterator it) noexcept { return it += n; }
        [[nodiscard]] friend iterator operator-(iterator it, difference_type n) noexcept { return it -= n; }
        [[nodiscard]] friend difference_type operator-(const iterator& a, const iterator& b) noexcept { return a.row_ - b.row_; }
        [[nodiscard]] friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.row_ == b.row_; }
        [[nodiscard]] friend auto operator<=>(const iterator& a, const iterator& b) noexcept { return a.row_ <=> b.row_; }

    private:
        friend class result;
        iterator(const result* owner, int row) noexcept : owner_(owner), row_(row) {}
        const result* owner_ = nullptr;
        int row_ = 0;
    };

    /// Takes a successful result and checks its columns against `Row` once (`text`: a result
    /// in text format, see typq::text_results).
    /// @throws typq::conversion_error when the columns do not fit `Row`.
    explicit result(detail::result_handle handle, bool text = false)
        : handle_(std::move(handle)), plan_(detail::plan_columns<Row>(handle_.get(), text)), rows_(PQntuples(handle_.get()))
    {
    }

    /// The same, looking server-defined column types up through `types` (a connection's), and
    /// keeping `registry` (read after planning: what the plan learnt) for decoding the rows.
    result(detail::result_handle handle, bool text, const server_types& types,
        const std::shared_ptr<const type_registry>& registry)
        : handle_(std::move(handle)), plan_(detail::plan_columns<Row>(handle_.get(), text, types)),
          rows_(PQntuples(handle_.get())), registry_(registry)
    {
    }

    [[nodiscard]] size_type size() const noexcept { return static_cast<size_type>(rows_); }
    [[nodiscard]] bool empty() const noexcept { return rows_ == 0; }
    [[nodiscard]] iterator begin() const noexcept { return {this, 0}; }
    [[nodiscard]] iterator end() const noexcept { return {this, rows_}; }

    /// Row `index`, decoded. @throws typq::usage_error when `index >= size()`.
    [[nodiscard]] value_type operator[](size_type index) const
    {
        if (index >= size())
            throw usage_error("row " + std::to_string(index) + " of a result with " + std::to_string(rows_) + " rows");
        return row(static_cast<int>(index));
    }

    /// The count in the command tag: rows returned, or rows changed by INSERT/UPDATE/DELETE ... RETURNING.
    [[nodiscard]] std::uint64_t affected_rows() const noexcept { return detail::affected_rows(handle_.get()); }

    /// The libpq result, for what typq does not wrap. Owned by this object.
    [[nodiscard]] const PGresult* native_handle() const noexcept { return handle_.get(); }

private:
    value_type row(int index) const
    {
        // One call site, so that the row decoder inlines into the caller's loop.
        const server_types types(registry_.get());
        return detail::decode_row<Row>(handle_.get(), index, plan_, &types);
    }

    detail::result_handle handle_;
    detail::column_plan<Row> plan_;
    int rows_;
    std::shared_ptr<const type_registry> registry_;  // null until the connection looked a type up
};

}  // namespace typq

#endif  // TYPQ_RESULT_HPP
