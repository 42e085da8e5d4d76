// SPDX-License-Identifier: BSL-1.0
// typq/copy.hpp: COPY in and out. typq::copy_writer<Row> writes structs into a table with binary
// COPY FROM STDIN, typq::copy_reader<Row> reads them from a query or table with binary COPY TO
// STDOUT; typq::raw_copy_writer and typq::raw_copy_reader move the bytes of any other COPY (csv,
// text). Made by conn.copy_in and conn.copy_out. Each value goes through the same encoders and
// decoders as parameters and results: binary COPY's tuple is a field count, then each field framed
// as writer::put_value frames a value inside an array or composite.

#ifndef TYPQ_COPY_HPP
#define TYPQ_COPY_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/reflect.hpp>
#include <typq/server_types.hpp>
#include <typq/sql.hpp>
#include <typq/type.hpp>
#include <typq/detail/copy_binary.hpp>
#include <typq/detail/pull_iterator.hpp>
#include <typq/detail/type_name.hpp>
#include <typq/detail/wire.hpp>
#include <typq/engine/copy.hpp>
#include <typq/engine/plan.hpp>
#include <typq/engine/poll.hpp>
#include <typq/engine/query.hpp>
#include <typq/engine/session.hpp>
#include <typq/types/composite.hpp>  // composite_wire_fits: what a value's wire type may fill
#include <typq/types/scalar.hpp>     // pg_integer: the integers a COPY converts

#include <libpq-fe.h>

#include <array>        // the copy plan
#include <cmath>        // std::isnan: a double that float4 holds exactly
#include <concepts>     // std::floating_point
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int16_t...
#include <initializer_list>  // copy_in's columns
#include <iterator>     // std::default_sentinel_t
#include <memory>       // std::unique_ptr, std::shared_ptr
#include <optional>     // fields that may be NULL; the operation
#include <ranges>       // write(range)
#include <string>       // the buffer, names, messages
#include <string_view>  // chunks
#include <type_traits>  // std::remove_cv_t
#include <utility>      // std::move

namespace typq {

class connection;

namespace detail {

/// How a field's values become its column's binary form: as they are (the field's wire type is the
/// column's), or converted exactly, value by value, to the column's integer or float type.
enum class copy_conversion : unsigned char { exact, int2, int4, int8, float4, float8 };

/// The conversion that writes values of T into a column of type `column`, or std::nullopt when
/// binary COPY cannot take them: it applies no casts, so the bytes must be the column's own
/// type's (a domain's base type's; text's for varchar, bpchar, name and citext), or an integer or
/// float the client converts exactly.
template <class T>
std::optional<copy_conversion> copy_conversion_for(oid column, const server_types& types)
{
    using value = nullable_base_t<T>;
    const oid base = types.strip_domains(column);
    if (composite_wire_fits(element_oid_of<T>(types), column, types))
        return copy_conversion::exact;
    if constexpr (pg_integer<value>) {
        switch (base) {
        case oid::int2: return copy_conversion::int2;
        case oid::int4: return copy_conversion::int4;
        case oid::int8: return copy_conversion::int8;
        default: break;
        }
    }
    if constexpr (std::same_as<value, float> || std::same_as<value, double>) {
        if (base == oid::float4)
            return copy_conversion::float4;
        if (base == oid::float8)
            return copy_conversion::float8;
    }
    return std::nullopt;
}

/// Where each of Row's fields goes: its column (in COPY's column list, which follows the fields),
/// and the conversion that writes it there.
template <class Row>
struct copy_in_plan {
    static constexpr std::size_t size = row_traits<Row>::size;
    std::array<copy_conversion, size> conversions{};
    std::array<oid, size> column_types{};
    std::array<std::string, size> columns;  // names, for messages
};

/// `field "id" (std::int64_t) of shop::user into column "id" (int4)`: for COPY's messages.
TYPQ_DECL std::string describe_copy_target(const engine::decode_site& field, const std::string& column, oid type,
    const server_types* types);

[[noreturn]] TYPQ_DECL void throw_copy_value_error(const engine::decode_site& field, const std::string& column, oid type,
    std::uint64_t row, const char* what, const server_types* types);

template <class Row, std::size_t I>
engine::decode_site copy_field_site()
{
    engine::decode_site site;
    site.field = row_field_name<Row, I>();
    site.field_index = static_cast<int>(I);
    site.field_type = &type_name<std::remove_cv_t<row_field_t<Row, I>>>;
    site.row_type = row_traits<Row>::shape == row_shape::scalar ? nullptr : &engine::row_type_name<Row>;
    return site;
}

/// Matches a description of the target columns (a probe `SELECT cols FROM table`, whose columns
/// are the COPY's, in its order) to Row's fields, by position, and decides each conversion.
/// @throws typq::conversion_error naming every field whose type its column cannot take.
template <class Row>
copy_in_plan<Row> plan_copy_in(const PGresult* description, const server_types& types)
{
    copy_in_plan<Row> plan;
    engine::plan_problems problems;
    const auto columns = static_cast<std::size_t>(PQnfields(description));
    if (columns != plan.size) {
        problems.add("the COPY has " + std::to_string(columns) + " column(s), the row type "
                + std::to_string(plan.size) + " field(s)",
            conversion_site{});
        problems.throw_if_any(&engine::row_type_name<Row>);
    }
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (
            [&] {
                using field = std::remove_cv_t<row_field_t<Row, I>>;
                const auto column_type = static_cast<oid>(PQftype(description, static_cast<int>(I)));
                plan.columns[I] = PQfname(description, static_cast<int>(I));
                plan.column_types[I] = column_type;
                if (const auto conversion = copy_conversion_for<field>(column_type, types))
                    plan.conversions[I] = *conversion;
                else {
                    const engine::decode_site site = copy_field_site<Row, I>();
                    problems.add(describe_copy_target(site, plan.columns[I], column_type, &types)
                            + ": the field sends " + describe_sql_type(element_oid_of<field>(types), &types)
                            + ", and binary COPY applies no casts",
                        conversion_site{plan.columns[I], describe_sql_type(column_type, &types), std::string(site.field),
                            type_name<field>()});
                }
            }(),
            ...);
    }(std::make_index_sequence<copy_in_plan<Row>::size>{});
    problems.throw_if_any(&engine::row_type_name<Row>);
    return plan;
}

template <class To, class From>
To copy_exact(const From& value, bool& exact)
{
    if constexpr (std::integral<From>) {
        exact = std::in_range<To>(value);
        return static_cast<To>(value);
    }
    else {
        const To converted = static_cast<To>(value);
        exact = static_cast<From>(converted) == value || std::isnan(value);
        return converted;
    }
}

/// Writes one field's value as its plan says. False when a conversion would change the value.
template <class T>
TYPQ_ALWAYS_INLINE bool put_copy_field(writer& out, const T& value, copy_conversion conversion)
{
    using value_type = nullable_base_t<T>;
    if constexpr (pg_integer<value_type> || std::same_as<value_type, float> || std::same_as<value_type, double>) {
        if (conversion != copy_conversion::exact) {
            if constexpr (!std::same_as<value_type, T>) {
                if (!value) {
                    out.put_be(std::int32_t{-1});
                    return true;
                }
            }
            const value_type& v = [&]() -> const value_type& {
                if constexpr (std::same_as<value_type, T>)
                    return value;
                else
                    return *value;
            }();
            bool exact = true;
            if constexpr (pg_integer<value_type>) {
                switch (conversion) {
                case copy_conversion::int2: out.put_value(copy_exact<std::int16_t>(v, exact)); break;
                case copy_conversion::int4: out.put_value(copy_exact<std::int32_t>(v, exact)); break;
                default: out.put_value(copy_exact<std::int64_t>(v, exact)); break;
                }
            }
            else if (conversion == copy_conversion::float4)
                out.put_value(copy_exact<float>(v, exact));
            else
                out.put_value(copy_exact<double>(v, exact));
            return exact;
        }
    }
    (void)conversion;
    out.put_value(value);
    return true;
}

[[noreturn]] TYPQ_DECL void throw_copy_encode_error(const conversion_error& e, const engine::decode_site& field,
    const std::string& column, oid type, std::uint64_t row, const server_types* types);

/// Appends one binary COPY tuple: the field count, then each field as its plan says.
/// @throws typq::conversion_error naming the row (1-based), field and column when a value cannot
///         be encoded, or would change on the way.
template <class Row>
void append_copy_tuple(writer& w, const typename row_traits<Row>::value_type& row, const copy_in_plan<Row>& plan,
    const server_types& types, std::uint64_t row_number)
{
    w.put_be(static_cast<std::int16_t>(copy_in_plan<Row>::size));
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (
            [&] {
                bool exact = true;
                try {
                    exact = put_copy_field(w, row_traits<Row>::template field<I>(row), plan.conversions[I]);
                }
                catch (const conversion_error& e) {
                    throw_copy_encode_error(e, copy_field_site<Row, I>(), plan.columns[I], plan.column_types[I],
                        row_number, &types);
                }
                if (!exact) [[unlikely]]
                    throw_copy_value_error(copy_field_site<Row, I>(), plan.columns[I], plan.column_types[I], row_number,
                        "its value does not fit the column's type exactly", &types);
            }(),
            ...);
    }(std::make_index_sequence<copy_in_plan<Row>::size>{});
}

// An address unique to each row type: the key of its COPY plan in a described table.
template <class Row>
inline constexpr char copy_plan_key = 0;

/// Where copy_in's plan for Row is made, as a statement_op planner.
template <class Row>
struct copy_in_planner {
    copy_in_plan<Row> plan;

    engine::planner make() noexcept
    {
        engine::planner p;
        p.key = &copy_plan_key<Row>;
        p.plan = &plan;
        p.make = [](void* out, const PGresult* source, const engine::plan_source&, const server_types& types) {
            *static_cast<copy_in_plan<Row>*>(out) = plan_copy_in<Row>(source, types);
        };
        p.share = [](const void* made) -> std::shared_ptr<const void> {
            return std::make_shared<const copy_in_plan<Row>>(*static_cast<const copy_in_plan<Row>*>(made));
        };
        p.assign = [](void* out, const void* shared) {
            *static_cast<copy_in_plan<Row>*>(out) = *static_cast<const copy_in_plan<Row>*>(shared);
        };
        return p;
    }
};

/// The COPY statements and probes of a typed copy, from the names the program gave.
struct copy_target {
    std::string table;    // quoted: "app"."users"
    std::string columns;  // quoted, comma-separated; empty: every column
};

/// `name` (`users`, `app.users`, `"Order Items"`: as in SQL, unquoted names folded to lower case)
/// quoted part by part.
/// @throws typq::usage_error when it is not a [schema.]table name.
TYPQ_DECL std::string quote_table_name(std::string_view name);

/// The quoted table name when `text` is one ([schema.]name, nothing else), else empty.
TYPQ_DECL std::string table_name_or_empty(std::string_view text);

/// `names` quoted and comma-separated.
TYPQ_DECL std::string quote_column_list(const std::string_view* names, std::size_t count);

/// COPY's column list for Row's fields: the field names (rows by name), reordered from
/// `columns` when the program gave them (they must then name the fields); the given columns
/// (rows by position); or every column (rows by position, none given).
/// @throws typq::usage_error when the given columns do not fit Row.
template <class Row>
std::string copy_column_list(std::initializer_list<std::string_view> columns)
{
    using traits = row_traits<Row>;
    if constexpr (traits::shape == row_shape::by_name) {
        constexpr auto& names = field_names<typename traits::value_type>;
        if (columns.size() != 0) {
            bool same = columns.size() == names.size();
            for (std::string_view name : names) {
                std::size_t found = 0;
                for (std::string_view column : columns)
                    found += column == name ? 1u : 0u;
                same = same && found == 1;
            }
            if (!same)
                throw usage_error("copy_in<" + engine::row_type_name<Row>()
                    + ">: the columns given must be the row type's field names, each once (its fields are written "
                      "by name); leave them out to write every field");
        }
        return quote_column_list(names.data(), names.size());
    }
    else {
        if (columns.size() == 0)
            return {};
        if (columns.size() != traits::size)
            throw usage_error("copy_in<" + engine::row_type_name<Row>() + ">: " + std::to_string(columns.size())
                + " column(s) given for a row type of " + std::to_string(traits::size) + " field(s)");
        return quote_column_list(columns.begin(), columns.size());
    }
}

/// What a typed COPY's row type must be, checked at compile time.
template <class Row>
constexpr void check_copy_row()
{
    static_assert(row_type<Row>, "typq: Row must be an aggregate struct, typq::by_position<T>, "
                                 "std::tuple<...>, or a type with a typq::type<T>");
    static_assert(row_traits<Row>::shape != row_shape::dynamic,
        "typq: binary COPY needs the row's types at compile time: copy typq::row with copy_in(sql)/copy_out(sql) "
        "in text or csv format");
}

/// The request of copy_in<Row>(table, columns), for both connections: the binary COPY FROM STDIN
/// and the probe that describes its columns.
/// @throws typq::usage_error for a malformed table name or column list.
template <class Row>
engine::copy_request copy_in_request(std::string_view table, std::initializer_list<std::string_view> columns)
{
    check_copy_row<Row>();
    static_assert([]<std::size_t... I>(std::index_sequence<I...>) {
        return (require_encodable<std::remove_cv_t<row_field_t<Row, I>>>() && ...);
    }(std::make_index_sequence<row_traits<Row>::size>{}));
    const std::string target = quote_table_name(table);
    const std::string list = copy_column_list<Row>(columns);
    engine::copy_request request;
    request.direction = engine::copy_direction::in;
    request.command = "COPY " + target + (list.empty() ? "" : " (" + list + ")") + " FROM STDIN (FORMAT binary)";
    request.describe = "SELECT " + (list.empty() ? std::string("*") : list) + " FROM " + target;
    return request;
}

/// A query for COPY (...) TO STDOUT: without the semicolons that may end it.
TYPQ_DECL std::string copy_query(std::string_view text);

/// The request of copy_out<Row>(query_or_table), for both connections: the binary COPY TO STDOUT
/// of the query (or of the table's columns named by Row's fields), which is described first.
template <class Row>
engine::copy_request copy_out_request(std::string_view query_or_table)
{
    check_copy_row<Row>();
    static_assert(require_row_decodable<Row>());
    std::string query;
    if (const std::string table = table_name_or_empty(query_or_table); !table.empty()) {
        std::string list = "*";
        if constexpr (row_traits<Row>::shape == row_shape::by_name) {
            constexpr auto& names = field_names<typename row_traits<Row>::value_type>;
            list = quote_column_list(names.data(), names.size());
        }
        query = "SELECT " + list + " FROM " + table;
    }
    else
        query = copy_query(query_or_table);
    engine::copy_request request;
    request.direction = engine::copy_direction::out;
    request.command = "COPY (\n" + query + "\n) TO STDOUT (FORMAT binary)";
    request.describe = std::move(query);
    return request;
}

/// The request of copy_in(sql) or copy_out(sql): `statement` as it is, once it is known to be one
/// COPY the given way.
/// @throws typq::usage_error when it is not (nothing was sent).
TYPQ_DECL engine::copy_request raw_copy_request(std::string_view statement, engine::copy_direction direction);

/// COPY FROM STDIN's data on the client: one chunk of it buffered, sent when it is full. The
/// buffer has room for a chunk and the row that fills it.
struct copy_data {
    std::string buffer = std::string(chunk_size + chunk_size / 4, '\0');
    std::size_t written = 0;  // the bytes of it to send (a writer over buffer and written adds them)

    [[nodiscard]] bool full() const noexcept { return written >= chunk_size; }

    /// Buffers as much of `data` as fills the chunk (all of it, when it fits); returns the rest.
    std::string_view take(std::string_view data)
    {
        const std::size_t room = chunk_size - std::min(written, chunk_size);
        const std::size_t taken = std::min(room == 0 ? chunk_size : room, data.size());
        writer out(buffer, written, nullptr);
        out.put_text(data.substr(0, taken));
        return data.substr(taken);
    }

    static constexpr std::size_t chunk_size = 128 * 1024;
};

/// What a typed COPY FROM STDIN adds to its data, for copy_writer and async_copy_writer: the plan
/// made when the COPY's columns were described, the types known then, binary COPY's framing.
template <class Row>
struct copy_encoder {
    copy_in_planner<Row> plan;  // filled while the COPY starts
    std::shared_ptr<const type_registry> registry;
    std::optional<server_types> types;
    std::uint64_t rows = 0;  // written so far

    /// Once the COPY takes data: the types it was planned with, and the header, into `data`.
    void started(const engine::session& s, copy_data& data)
    {
        registry = s.registry;
        types.emplace(registry.get());
        writer out(data.buffer, data.written, nullptr);
        out.put_text(copy_header);
    }

    /// Appends `row`'s tuple to `data`.
    /// @throws typq::conversion_error naming the row, field and column when a value cannot be
    ///         encoded: nothing of that row is written.
    void append(copy_data& data, const typename row_traits<Row>::value_type& row)
    {
        const std::size_t before = data.written;
        try {
            writer out(data.buffer, data.written, &*types);
            append_copy_tuple<Row>(out, row, plan.plan, *types, rows + 1);
        }
        catch (...) {
            data.written = before;
            throw;
        }
        ++rows;
    }

    /// Appends binary COPY's trailer, the last thing sent.
    static void end(copy_data& data)
    {
        writer out(data.buffer, data.written, nullptr);
        out.put_text(copy_trailer);
    }
};

/// What a typed COPY TO STDOUT does with the data it receives, for copy_reader and
/// async_copy_reader: framed into tuples, each decoded into Row by the plan made when the query
/// was described.
template <class Row>
struct copy_decoder {
    using value_type = typename row_traits<Row>::value_type;

    engine::row_plan<Row> plan;  // made when the query is described
    std::shared_ptr<const type_registry> registry;  // what the plan knew, for decoding
    std::optional<server_types> types;
    copy_binary_reader tuples{row_traits<Row>::size};

    /// Decodes the next whole tuple received into `out`; false when it needs more data (feed()).
    /// @throws typq::conversion_error for a value that does not fit its field.
    bool next(const engine::session& s, value_type& out)
    {
        if (!tuples.next())
            return false;
        if (!types) {  // planning is over once a row arrives
            registry = s.registry;
            types.emplace(registry.get());
        }
        out = engine::decode_cells<Row>(copy_tuple{tuples.cells(), tuples.tuples() - 1}, plan.plan, &*types);
        return true;
    }
    void feed(const char* data, std::size_t size) { tuples.feed(data, size); }
    /// At the end of the data. @throws unless it ended with its trailer, whole.
    void end() { tuples.finish(); }
};

/// COPY FROM STDIN's client side, for typed and raw writers: one chunk of rows buffered, sent
/// when it is full (and then waited for: the client holds one chunk, however slow the server);
/// ended by finish(), or aborted when destroyed without it.
class copy_sink : public copy_data {
public:
    /// Starts `request` under `hold` (which it keeps until the COPY has ended): after it returns
    /// the server takes data.
    TYPQ_DECL copy_sink(std::shared_ptr<engine::session> session, engine::copy_request request, const char* holder);
    copy_sink(const copy_sink&) = delete;
    copy_sink& operator=(const copy_sink&) = delete;
    /// Aborts the COPY when finish() was not called.
    TYPQ_DECL ~copy_sink();

    /// Sends the buffer when it holds a chunk's worth.
    void send_if_full()
    {
        if (full()) [[unlikely]]
            send();
    }
    /// Sends the buffer now.
    TYPQ_DECL void send();
    /// Sends the rest, ends the COPY, and returns the server's row count.
    TYPQ_DECL std::uint64_t finish();
    /// Ends the COPY with an error (nothing lands), if it is still going on.
    TYPQ_DECL void abort() noexcept;

    [[nodiscard]] engine::copy_op& op() noexcept { return *op_; }
    [[nodiscard]] engine::session& session() noexcept { return *session_; }
    [[nodiscard]] bool open() const noexcept { return op_ && hold_; }

private:
    TYPQ_DECL void check_open() const;

    std::shared_ptr<engine::session> session_;
    std::optional<engine::lease> hold_;
    std::optional<engine::copy_op> op_;
};

/// COPY TO STDOUT's client side, for typed and raw readers: the chunks the server sends, one at
/// a time; abandoned (cancelled, the rest dropped) when destroyed before the end.
class copy_source {
public:
    TYPQ_DECL copy_source(std::shared_ptr<engine::session> session, engine::copy_request request, const char* holder);
    copy_source(const copy_source&) = delete;
    copy_source& operator=(const copy_source&) = delete;
    TYPQ_DECL ~copy_source();

    /// The next chunk, or false at the end (the COPY has then ended, and the connection is free).
    /// @throws the COPY's error from the server.
    TYPQ_DECL bool next(const char*& data, std::size_t& size);

    [[nodiscard]] engine::copy_op& op() noexcept { return *op_; }
    [[nodiscard]] engine::session& session() noexcept { return *session_; }
    [[nodiscard]] std::uint64_t rows() const noexcept { return op_ ? op_->rows() : 0; }

private:
    std::shared_ptr<engine::session> session_;
    std::optional<engine::lease> hold_;
    std::optional<engine::copy_op> op_;
};

}  // namespace detail

/// Rows written into a table with binary COPY FROM STDIN (conn.copy_in<Row>("table")): the
/// fastest way to load many rows. Each value is encoded by its type's adapter, as a parameter
/// would be, and framed into large chunks; the target columns' types were checked against Row's
/// fields before the first byte was sent.
///
/// finish() ends the COPY and returns the rows the server took. Destroyed without finish() (an
/// exception, an early return), the COPY is aborted: no row of it lands, inside a transaction
/// block the transaction goes on (the COPY ran under a savepoint), and the connection stays
/// usable. Until then the connection is busy: other calls on it throw typq::usage_error.
///
/// @par Example
/// ```
/// typq::copy_writer<user> w = conn.copy_in<user>("users");
/// for (const user& u : users) w.write(u);
/// std::uint64_t n = w.finish();
/// ```
template <class Row>
class copy_writer {
    using traits = detail::row_traits<Row>;

public:
    /// What a row is: `Row` itself, or T for `typq::by_position<T>` (as typq::result's).
    using value_type = typename traits::value_type;

    /// Takes over `other`'s COPY; `other`'s write() and finish() then throw typq::usage_error.
    copy_writer(copy_writer&&) noexcept = default;
    copy_writer& operator=(copy_writer&&) = delete;

    /// Writes one row (sent once a chunk's worth of rows is buffered).
    /// @throws typq::conversion_error naming the row, field and column when a value cannot be
    ///         encoded (nothing of that row is written; the COPY goes on); typq::usage_error
    ///         after finish(); the server's error, or typq::connection_error, when a send fails.
    void write(const value_type& row)
    {
        check_open();
        state_->encode.append(*state_->sink, row);
        state_->sink->send_if_full();
    }

    /// Writes every row of `rows`, in order.
    template <std::ranges::input_range Rows>
        requires std::convertible_to<std::ranges::range_reference_t<Rows>, const value_type&>
    void write(Rows&& rows)
    {
        for (const value_type& row : rows)
            write(row);
    }

    /// Ends the COPY: returns the rows the server copied.
    /// @throws the server's error (typq::server_error's class for its SQLSTATE: a constraint, bad
    ///         data in a row) with nothing landed, the connection usable.
    std::uint64_t finish()
    {
        check_open();
        detail::copy_encoder<Row>::end(*state_->sink);
        return state_->sink->finish();
    }

    /// The rows written so far.
    [[nodiscard]] std::uint64_t written() const noexcept { return state_ ? state_->encode.rows : 0; }

private:
    friend class connection;

    // What a writer holds, at a fixed address: the operation points into it.
    struct state {
        detail::copy_encoder<Row> encode;  // its plan is filled while the sink starts
        std::optional<detail::copy_sink> sink;
    };

    // Starts `request` (describing the table with this writer's planner) and the binary stream.
    copy_writer(std::shared_ptr<engine::session> session, engine::copy_request request)
        : state_(std::make_unique<state>())
    {
        request.plan = state_->encode.plan.make();
        state_->sink.emplace(std::move(session), std::move(request), "a typq::copy_writer");
        state_->encode.started(state_->sink->session(), *state_->sink);
    }

    void check_open() const
    {
        if (!state_ || !state_->sink->open())
            throw usage_error("this typq::copy_writer has finished (or was moved from): start another COPY");
    }

    std::unique_ptr<state> state_;
};

/// Rows read from a query or table with binary COPY TO STDOUT (conn.copy_out<Row>(...)), as an
/// input range: decoded into Row by the same decoders as results, one row at a time as they
/// arrive, in constant memory. The query's columns were checked against Row before it ran.
/// Destroyed before its end, the COPY is cancelled and the rest dropped (inside a transaction
/// block, its savepoint rolled back). Until then the connection is busy.
/// @par Lifetime  `*it` is valid until the iteration moves on.
template <class Row>
class copy_reader {
    using traits = detail::row_traits<Row>;

public:
    /// What a row is: `Row` itself, or T for `typq::by_position<T>` (as typq::result's).
    using value_type = typename traits::value_type;

    /// Reading the next row throws the COPY's error, or a conversion_error for a value.
    using iterator = detail::pull_iterator<copy_reader, value_type>;

    /// Takes over `other`'s COPY; `other` is left empty.
    copy_reader(copy_reader&&) noexcept = default;
    copy_reader& operator=(copy_reader&&) = delete;

    /// Where the rows start: the first row is already read.
    [[nodiscard]] iterator begin() noexcept { return iterator(this); }
    /// The end: an iterator equals it once the COPY has no more rows.
    [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }

    /// The rows the server says it copied, once the end is reached.
    [[nodiscard]] std::uint64_t rows() const noexcept { return state_ && state_->source ? state_->source->rows() : 0; }

private:
    friend class connection;
    friend iterator;

    [[nodiscard]] const value_type& current() const noexcept { return current_; }
    [[nodiscard]] bool exhausted() const noexcept { return !has_row_ || !state_; }  // a moved-from range is empty

    // What a reader holds, at a fixed address: the operation points into it.
    struct state {
        detail::copy_decoder<Row> decode;  // its plan is made when the query is described
        std::optional<detail::copy_source> source;
    };

    // Starts `request` (describing the query with this reader's planner) and reads the first row.
    copy_reader(std::shared_ptr<engine::session> session, engine::copy_request request)
        : state_(std::make_unique<state>())
    {
        request.plan = state_->decode.plan.template make_planner<format::binary>();
        state_->source.emplace(std::move(session), std::move(request), "a typq::copy_reader");
        advance();
    }

    void advance()
    {
        has_row_ = false;
        state& s = *state_;
        while (!s.decode.next(s.source->session(), current_)) {
            const char* data = nullptr;
            std::size_t size = 0;
            if (!s.source->next(data, size)) {
                s.decode.end();
                return;
            }
            s.decode.feed(data, size);
        }
        has_row_ = true;
    }

    std::unique_ptr<state> state_;
    value_type current_{};
    bool has_row_ = false;
};

/// The bytes of any COPY ... FROM STDIN (conn.copy_in(sql)): csv, text, or binary framed by the
/// program. write() the data in pieces of any size, finish() at the end. Aborted when destroyed
/// without finish(), as a typq::copy_writer is.
class raw_copy_writer {
public:
    /// Takes over `other`'s COPY; `other`'s write() and finish() then throw typq::usage_error.
    raw_copy_writer(raw_copy_writer&&) noexcept = default;
    raw_copy_writer& operator=(raw_copy_writer&&) = delete;

    /// Writes `data` (sent once a chunk's worth is buffered).
    /// @throws typq::usage_error after finish(); the server's error or typq::connection_error
    ///         when a send fails.
    void write(std::string_view data)
    {
        check_open();
        while (!data.empty()) {
            data = sink_->take(data);
            sink_->send_if_full();
        }
    }

    /// Ends the COPY: returns the rows the server copied.
    /// @throws the server's error (bad data at a line, a constraint): nothing landed.
    std::uint64_t finish()
    {
        check_open();
        return sink_->finish();
    }

private:
    friend class connection;
    explicit raw_copy_writer(std::unique_ptr<detail::copy_sink> sink) : sink_(std::move(sink)) {}
    void check_open() const
    {
        if (!sink_ || !sink_->open())
            throw usage_error("this typq::raw_copy_writer has finished (or was moved from): start another COPY");
    }
    std::unique_ptr<detail::copy_sink> sink_;
};

/// The chunks of any COPY ... TO STDOUT (conn.copy_out(sql)), as an input range of
/// std::string_view: in text and csv formats one line each. A chunk is valid until the iteration
/// moves on. Destroyed before its end, the COPY is cancelled and the rest dropped.
class raw_copy_reader {
public:
    /// An input iterator whose `*it` is the current chunk; moving it on reads the next one and
    /// throws the COPY's error.
    using iterator = detail::pull_iterator<raw_copy_reader, std::string_view, std::string_view>;

    /// Takes over `other`'s COPY; `other` is left empty.
    raw_copy_reader(raw_copy_reader&&) noexcept = default;
    raw_copy_reader& operator=(raw_copy_reader&&) = delete;

    /// Where the chunks start: the first chunk is already read.
    [[nodiscard]] iterator begin() noexcept { return iterator(this); }
    /// The end: an iterator equals it once the COPY has no more data.
    [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }
    /// The rows the server says it copied, once the end is reached.
    [[nodiscard]] std::uint64_t rows() const noexcept { return source_ ? source_->rows() : 0; }

private:
    friend class connection;
    friend iterator;
    explicit raw_copy_reader(std::unique_ptr<detail::copy_source> source) : source_(std::move(source)) { advance(); }

    [[nodiscard]] std::string_view current() const noexcept { return current_; }
    [[nodiscard]] bool exhausted() const noexcept { return !has_chunk_ || !source_; }  // a moved-from range is empty

    void advance()
    {
        const char* data = nullptr;
        std::size_t size = 0;
        has_chunk_ = source_->next(data, size);
        current_ = has_chunk_ ? std::string_view(data, size) : std::string_view();
    }

    std::unique_ptr<detail::copy_source> source_;
    std::string_view current_;
    bool has_chunk_ = false;
};

#if TYPQ_DEFINITIONS
namespace detail {

TYPQ_DECL std::string describe_copy_target(const engine::decode_site& field, const std::string& column, oid type,
    const server_types* types)
{
    return describe_field(field) + " into " + describe_column(column, field.field_index, type, types);
}

[[noreturn]] TYPQ_DECL void throw_copy_value_error(const engine::decode_site& field, const std::string& column, oid type,
    std::uint64_t row, const char* what, const server_types* types)
{
    throw conversion_error("cannot copy row " + std::to_string(row) + ", " + describe_copy_target(field, column, type, types)
            + ": " + what,
        conversion_site{column, describe_sql_type(type, types), std::string(field.field),
            field.field_type ? field.field_type() : std::string()});
}

[[noreturn]] TYPQ_DECL void throw_copy_encode_error(const conversion_error& e, const engine::decode_site& field,
    const std::string& column, oid type, std::uint64_t row, const server_types* types)
{
    throw_copy_value_error(field, column, type, row, e.what(), types);
}

TYPQ_DECL std::string quote_table_name(std::string_view name)
{
    std::string quoted = table_name_or_empty(name);
    if (quoted.empty()) {
        std::string shown;  // control characters (a NUL) spelt out, so that the message shows them
        for (const char c : name) {
            if (static_cast<unsigned char>(c) < 0x20) {
                static constexpr char hex[] = "0123456789abcdef";
                shown += "\\x";
                shown += hex[static_cast<unsigned char>(c) >> 4];
                shown += hex[static_cast<unsigned char>(c) & 0xF];
            }
            else
                shown += c;
        }
        throw usage_error("\"" + shown
            + "\" is not a table name: write it as in SQL, [schema.]table, with double quotes around a name that "
              "needs them (\"\\\"Order Items\\\"\")");
    }
    return quoted;
}

TYPQ_DECL std::string table_name_or_empty(std::string_view text)
{
    std::size_t begin = 0;
    std::size_t end = text.size();
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (begin < end && space(text[begin]))
        ++begin;
    while (end > begin && space(text[end - 1]))
        --end;
    const std::string_view name = text.substr(begin, end - begin);
    if (name.empty() || name.find('\0') != std::string_view::npos || !is_utf8(name))
        return {};
    std::string out;
    std::size_t i = 0;
    if (!read_identifier(name, i, out))
        return {};
    if (i < name.size() && name[i] == '.') {
        ++i;
        out += '.';
        if (!read_identifier(name, i, out))
            return {};
    }
    return i == name.size() ? out : std::string();
}

TYPQ_DECL std::string quote_column_list(const std::string_view* names, std::size_t count)
{
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
        if (i > 0)
            out += ", ";
        out += identifier(names[i]).text();
    }
    return out;
}

TYPQ_DECL std::string copy_query(std::string_view text)
{
    while (!text.empty() && (text.back() == ';' || text.back() == ' ' || text.back() == '\n' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return std::string(text);
}

TYPQ_DECL engine::copy_request raw_copy_request(std::string_view statement, engine::copy_direction direction)
{
    const client_copy wanted = direction == engine::copy_direction::in ? client_copy::from_stdin : client_copy::to_stdout;
    if (classify_client_copy(statement) != wanted)
        throw usage_error(std::string(direction == engine::copy_direction::in
                                  ? "copy_in(sql) runs one COPY ... FROM STDIN statement"
                                  : "copy_out(sql) runs one COPY ... TO STDOUT statement")
            + ", and this is not one (another statement, several, or a COPY to or from a file): nothing was sent");
    engine::copy_request request;
    request.direction = direction;
    request.command.assign(statement);
    return request;
}

TYPQ_DECL copy_sink::copy_sink(std::shared_ptr<engine::session> session, engine::copy_request request,
    const char* holder)
    : session_(std::move(session))
{
    hold_.emplace(*session_, holder);
    op_.emplace(*session_, std::move(request));
    engine::run(session_->native(), *op_);  // to the point where the server takes data
}

TYPQ_DECL copy_sink::~copy_sink()
{
    abort();
}

TYPQ_DECL void copy_sink::check_open() const
{
    if (!op_ || !hold_)
        throw usage_error("this COPY has ended");
}

TYPQ_DECL void copy_sink::send()
{
    check_open();
    if (written == 0)
        return;
    try {
        op_->put(buffer.data(), written);
        engine::run(session_->native(), *op_);
    }
    catch (...) {
        if (op_->finished())
            hold_.reset();
        throw;
    }
    written = 0;
    if (!op_->accepting()) {
        // The server ended the COPY early (its results say why): end it, and throw its error.
        (void)finish();
        throw usage_error("the server ended the COPY before its end");
    }
}

TYPQ_DECL std::uint64_t copy_sink::finish()
{
    check_open();
    try {
        if (written != 0 && op_->accepting()) {
            op_->put(buffer.data(), written);
            engine::run(session_->native(), *op_);
        }
        written = 0;
        if (op_->accepting())
            op_->end();
        engine::run(session_->native(), *op_);
    }
    catch (...) {
        if (op_->finished())
            hold_.reset();
        throw;
    }
    hold_.reset();
    session_->rethrow_notice_failure();
    return op_->rows();
}

TYPQ_DECL void copy_sink::abort() noexcept
{
    if (!op_ || !hold_)
        return;
    if (!op_->finished()) {
        op_->abort("typq: the COPY was aborted by the client (a typq::copy_writer destroyed without finish())");
        try {
            engine::run(session_->native(), *op_);
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the lease, released next, drains or closes the connection
        }
    }
    hold_.reset();
}

TYPQ_DECL copy_source::copy_source(std::shared_ptr<engine::session> session, engine::copy_request request,
    const char* holder)
    : session_(std::move(session))
{
    hold_.emplace(*session_, holder);
    op_.emplace(*session_, std::move(request));
}

TYPQ_DECL copy_source::~copy_source()
{
    if (!op_ || !hold_ || op_->finished())
        return;
    op_->abandon();
    try {
        engine::run(session_->native(), *op_);
    }
    catch (...) {  // NOLINT(bugprone-empty-catch): the lease, released next, drains or closes the connection
    }
}

TYPQ_DECL bool copy_source::next(const char*& data, std::size_t& size)
{
    if (!hold_)
        return false;
    try {
        engine::run(session_->native(), *op_);
    }
    catch (...) {
        if (op_->finished())
            hold_.reset();
        throw;
    }
    if (op_->chunk()) {
        data = op_->chunk();
        size = op_->chunk_size();
        return true;
    }
    hold_.reset();  // ended: the connection is free again
    session_->rethrow_notice_failure();
    return false;
}

}  // namespace detail
#endif  // TYPQ_DEFINITIONS

}  // namespace typq

#endif  // TYPQ_COPY_HPP
