// SPDX-License-Identifier: BSL-1.0
// typq 0.1.0: the single-header form of typq, GENERATED from include/ by tools/amalgamate.py.
// DO NOT EDIT BY HAND: edit the headers under include/typq/, then regenerate with
//     python3 tools/amalgamate.py
// Build with -std=c++20, libpq's include directory and -lpq, Boost 1.81 headers visible.

// ----- begin <typq/typq.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/typq.hpp: the umbrella header; includes every public header of typq.

#ifndef TYPQ_TYPQ_HPP
#define TYPQ_TYPQ_HPP

/// @mainpage typq API reference
///
/// typq is a header-only C++20 PostgreSQL client on libpq: parameters and results travel in
/// PostgreSQL's binary format, aggregate structs become rows by field name, and SQL literals are
/// checked at compile time against the arguments given with them. This reference is generated
/// from the public headers' comments (`doxygen docs/Doxyfile`); the guides are README.md and the
/// pages under docs/, starting with docs/tutorial.md.
///
/// @par Where to start
/// - typq::connection: connecting, execute, query, query_one, query_opt, query_value, prepare,
///   stream, cursor, pipelines (typq::pipeline), COPY, LISTEN/NOTIFY; `#include <typq/typq.hpp>`.
/// - What rows become: a struct by field name, typq::by_position, typq::ignoring_extra, a
///   std::tuple, one column, or a typq::row; all of one statement in a typq::result.
/// - typq::transaction: BEGIN and COMMIT, savepoints when nested.
/// - typq::type: the adapter between a C++ type and a SQL type, specialised for every type typq
///   reads and sends; typq::type_as, typq::enum_type and typq::composite_type for your own types.
/// - SQL built at run time: typq::runtime, typq::format_sql, typq::identifier, typq::literal,
///   typq::params.
/// - Errors: typq::error and the classes under it; typq::server_error has a class per SQLSTATE
///   class and for the common conditions (typq::unique_violation is a
///   typq::integrity_constraint_violation), and typq::conversion_error, typq::connection_error
///   and typq::usage_error say what went wrong on the client's side.
/// - typq::pool; with `#include <typq/asio.hpp>`, typq::async_connection and typq::async_pool.
///
/// @par Threads
/// A typq::connection is used by one thread at a time: a statement started from a second thread
/// while one runs is refused with typq::usage_error, and only connection::cancel() (or a
/// typq::canceller) may be used from another thread meanwhile. A typq::pool is safe to use from
/// many threads; each connection it lends is used as any connection is. A typq::async_connection
/// is bound to the executor it connected with and runs one operation at a time; a
/// typq::async_pool may be used from the threads that run its io_context, and its background
/// work and connections run on the executor it was made with. Exceptions are cheap to copy and
/// share nothing mutable, so one may be handed to another thread.
///
/// @par Lifetimes
/// Values returned by query_one, query_opt and query_value own their data. A typq::result
/// decodes each row when it is read: fields of borrowing types (`std::string_view`,
/// `std::span<const std::byte>`) point into the result, and query_one and friends refuse them.
/// A typq::row owns a copy of its values. The current row of a typq::stream, typq::cursor or
/// typq::copy_reader is valid until the iteration moves on. Objects made from a connection
/// lent by a pool (transactions, streams, cursors, prepared statements) must not outlive the
/// lease: the next user has the connection by then.

/// @namespace typq
/// Everything typq offers. Names in its `detail` and `engine` namespaces are the implementation:
/// they change freely and are left out of this reference.

// ----- begin <typq/config.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/config.hpp: compiler feature checks and the separate-compilation switch; includes nothing
// from typq.

#ifndef TYPQ_CONFIG_HPP
#define TYPQ_CONFIG_HPP

/// @file
/// Compiler checks (C++20, g++ 12 or clang 14 and later: older ones stop with an `#error`) and
/// the one switch a program may set. By default typq is header-only: its non-template functions
/// are inline. A program that defines `TYPQ_SEPARATE_COMPILATION` in every translation unit
/// compiles them once instead, in the one translation unit that also defines
/// `TYPQ_IMPLEMENTATION` before it includes `<typq/typq.hpp>` (as Boost.Asio's
/// `BOOST_ASIO_SEPARATE_COMPILATION`). The other macros here are typq's own.

#if !defined(__cplusplus) || __cplusplus < 202002L
#error "typq needs C++20 (-std=c++20)"
#endif

#if defined(__clang__)
#if __clang_major__ < 14
#error "typq needs clang 14 or newer"
#endif
#elif defined(__GNUC__)
#if __GNUC__ < 12
#error "typq needs g++ 12 or newer"
#endif
#endif

// Where typq's non-template functions are compiled. By default typq is header-only: they are
// inline, and every translation unit that uses one compiles it. Defining TYPQ_SEPARATE_COMPILATION
// for the whole program declares them only; they are then compiled once, in the one translation
// unit that defines TYPQ_IMPLEMENTATION before it includes <typq/typq.hpp>. Templates stay in the
// headers either way. (The model is Boost.Asio's BOOST_ASIO_SEPARATE_COMPILATION.)
#if defined(TYPQ_SEPARATE_COMPILATION)
#define TYPQ_DECL
#if defined(TYPQ_IMPLEMENTATION)
#define TYPQ_DEFINITIONS 1
#else
#define TYPQ_DEFINITIONS 0
#endif
#else
#define TYPQ_DECL inline
#define TYPQ_DEFINITIONS 1
#endif

// For the few functions on the hot path of every row whose inlining decides the speed of a wide
// fetch, where g++ 12's heuristics are known to flip with unrelated changes elsewhere in the
// translation unit (measured with bench/callgrind.sh: a call per field cost 5% of a wide fetch).
#if defined(__GNUC__) || defined(__clang__)
#define TYPQ_ALWAYS_INLINE [[gnu::always_inline]] inline
#else
#define TYPQ_ALWAYS_INLINE inline
#endif

#endif  // TYPQ_CONFIG_HPP
// ----- end <typq/config.hpp> -----
// ----- begin <typq/version.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/version.hpp: the library version; CMake reads it from here.

#ifndef TYPQ_VERSION_HPP
#define TYPQ_VERSION_HPP

/// @file
/// The library version, as three macros (CMakeLists.txt reads the project's version from them).

/// The major version.
#define TYPQ_VERSION_MAJOR 0
/// The minor version.
#define TYPQ_VERSION_MINOR 1
/// The patch version.
#define TYPQ_VERSION_PATCH 0

#endif  // TYPQ_VERSION_HPP
// ----- end <typq/version.hpp> -----
// ----- begin <typq/fwd.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/fwd.hpp: declarations only, for users' headers that name typq types without using them.

#ifndef TYPQ_FWD_HPP
#define TYPQ_FWD_HPP

namespace typq {

class connection;
class transaction;
template <class Row>
class result;
template <class T>
struct type;
template <class T>
struct by_position;
template <class T>
struct ignoring_extra;
class row;
class params;
class sql_fragment;
class error;

}  // namespace typq

#endif  // TYPQ_FWD_HPP
// ----- end <typq/fwd.hpp> -----
// ----- begin <typq/oid.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/oid.hpp: the OIDs of PostgreSQL's built-in types, and their SQL names for messages.

#ifndef TYPQ_OID_HPP
#define TYPQ_OID_HPP

#include <cstdint>      // std::uint32_t
#include <string_view>  // sql_type_name()

namespace typq {

/// A PostgreSQL type OID. The enumerators are the built-in types, with the values of
/// PostgreSQL's `pg_type.dat` (fixed across server versions; this list was read from a
/// PostgreSQL 15 server's pg_type); any other value is a type only the server knows (an enum, a
/// composite, an extension's type). `char_` is the single-byte type PostgreSQL spells `"char"`.
enum class oid : std::uint32_t {
    unspecified = 0,  ///< no type: as a parameter's OID, the server infers the type
    boolean = 16,
    bytea = 17,
    char_ = 18,
    name = 19,
    int8 = 20,
    int2 = 21,
    int4 = 23,
    text = 25,
    oid = 26,
    json = 114,
    xml = 142,
    point = 600,
    cidr = 650,
    float4 = 700,
    float8 = 701,
    unknown = 705,
    macaddr8 = 774,
    money = 790,
    macaddr = 829,
    inet = 869,
    bpchar = 1042,
    varchar = 1043,
    date = 1082,
    time = 1083,
    timestamp = 1114,
    timestamptz = 1184,
    interval = 1186,
    timetz = 1266,
    bit = 1560,
    varbit = 1562,
    numeric = 1700,
    record = 2249,
    uuid = 2950,
    jsonb = 3802,
    int4range = 3904,
    numrange = 3906,
    tsrange = 3908,
    tstzrange = 3910,
    daterange = 3912,
    int8range = 3926,
    int4multirange = 4451,
    nummultirange = 4532,
    tsmultirange = 4533,
    tstzmultirange = 4534,
    datemultirange = 4535,
    int8multirange = 4536,
    // Arrays of the types above (pg_type.typarray), spelled <element>_array.
    xml_array = 143,
    json_array = 199,
    cidr_array = 651,
    macaddr8_array = 775,
    money_array = 791,
    boolean_array = 1000,
    bytea_array = 1001,
    char_array = 1002,
    name_array = 1003,
    int2_array = 1005,
    int4_array = 1007,
    text_array = 1009,
    bpchar_array = 1014,
    varchar_array = 1015,
    int8_array = 1016,
    point_array = 1017,
    float4_array = 1021,
    float8_array = 1022,
    oid_array = 1028,
    macaddr_array = 1040,
    inet_array = 1041,
    timestamp_array = 1115,
    date_array = 1182,
    time_array = 1183,
    timestamptz_array = 1185,
    interval_array = 1187,
    numeric_array = 1231,
    timetz_array = 1270,
    bit_array = 1561,
    varbit_array = 1563,
    record_array = 2287,
    uuid_array = 2951,
    jsonb_array = 3807,
    int4range_array = 3905,
    numrange_array = 3907,
    tsrange_array = 3909,
    tstzrange_array = 3911,
    daterange_array = 3913,
    int8range_array = 3927,
    int4multirange_array = 6150,
    nummultirange_array = 6151,
    tsmultirange_array = 6152,
    tstzmultirange_array = 6153,
    datemultirange_array = 6155,
    int8multirange_array = 6157,
};

/// The SQL name of a built-in type (`"int4"`, `"text[]"`: arrays as SQL writes them, not as the
/// catalog's `_text`), or an empty view for a type only the server knows.
[[nodiscard]] constexpr std::string_view sql_type_name(oid type) noexcept
{
    switch (type) {
    case oid::unspecified: return "unspecified";
    case oid::boolean: return "bool";
    case oid::bytea: return "bytea";
    case oid::char_: return "\"char\"";
    case oid::name: return "name";
    case oid::int8: return "int8";
    case oid::int2: return "int2";
    case oid::int4: return "int4";
    case oid::text: return "text";
    case oid::oid: return "oid";
    case oid::json: return "json";
    case oid::xml: return "xml";
    case oid::point: return "point";
    case oid::cidr: return "cidr";
    case oid::float4: return "float4";
    case oid::float8: return "float8";
    case oid::unknown: return "unknown";
    case oid::macaddr8: return "macaddr8";
    case oid::money: return "money";
    case oid::macaddr: return "macaddr";
    case oid::inet: return "inet";
    case oid::bpchar: return "bpchar";
    case oid::varchar: return "varchar";
    case oid::date: return "date";
    case oid::time: return "time";
    case oid::timestamp: return "timestamp";
    case oid::timestamptz: return "timestamptz";
    case oid::interval: return "interval";
    case oid::timetz: return "timetz";
    case oid::bit: return "bit";
    case oid::varbit: return "varbit";
    case oid::numeric: return "numeric";
    case oid::record: return "record";
    case oid::uuid: return "uuid";
    case oid::jsonb: return "jsonb";
    case oid::int4range: return "int4range";
    case oid::numrange: return "numrange";
    case oid::tsrange: return "tsrange";
    case oid::tstzrange: return "tstzrange";
    case oid::daterange: return "daterange";
    case oid::int8range: return "int8range";
    case oid::int4multirange: return "int4multirange";
    case oid::nummultirange: return "nummultirange";
    case oid::tsmultirange: return "tsmultirange";
    case oid::tstzmultirange: return "tstzmultirange";
    case oid::datemultirange: return "datemultirange";
    case oid::int8multirange: return "int8multirange";
    case oid::boolean_array: return "bool[]";
    case oid::bytea_array: return "bytea[]";
    case oid::char_array: return "\"char\"[]";
    case oid::name_array: return "name[]";
    case oid::int8_array: return "int8[]";
    case oid::int2_array: return "int2[]";
    case oid::int4_array: return "int4[]";
    case oid::text_array: return "text[]";
    case oid::oid_array: return "oid[]";
    case oid::json_array: return "json[]";
    case oid::xml_array: return "xml[]";
    case oid::point_array: return "point[]";
    case oid::cidr_array: return "cidr[]";
    case oid::float4_array: return "float4[]";
    case oid::float8_array: return "float8[]";
    case oid::macaddr8_array: return "macaddr8[]";
    case oid::money_array: return "money[]";
    case oid::macaddr_array: return "macaddr[]";
    case oid::inet_array: return "inet[]";
    case oid::bpchar_array: return "bpchar[]";
    case oid::varchar_array: return "varchar[]";
    case oid::date_array: return "date[]";
    case oid::time_array: return "time[]";
    case oid::timestamp_array: return "timestamp[]";
    case oid::timestamptz_array: return "timestamptz[]";
    case oid::interval_array: return "interval[]";
    case oid::timetz_array: return "timetz[]";
    case oid::bit_array: return "bit[]";
    case oid::varbit_array: return "varbit[]";
    case oid::numeric_array: return "numeric[]";
    case oid::record_array: return "record[]";
    case oid::uuid_array: return "uuid[]";
    case oid::jsonb_array: return "jsonb[]";
    case oid::int4range_array: return "int4range[]";
    case oid::numrange_array: return "numrange[]";
    case oid::tsrange_array: return "tsrange[]";
    case oid::tstzrange_array: return "tstzrange[]";
    case oid::daterange_array: return "daterange[]";
    case oid::int8range_array: return "int8range[]";
    case oid::int4multirange_array: return "int4multirange[]";
    case oid::nummultirange_array: return "nummultirange[]";
    case oid::tsmultirange_array: return "tsmultirange[]";
    case oid::tstzmultirange_array: return "tstzmultirange[]";
    case oid::datemultirange_array: return "datemultirange[]";
    case oid::int8multirange_array: return "int8multirange[]";
    }
    return {};
}

namespace detail {

/// The element type of a built-in array type (`oid::int4` for `oid::int4_array`), or
/// `oid::unspecified` for any other type.
constexpr oid array_element_type(oid array) noexcept
{
    switch (array) {
    case oid::xml_array: return oid::xml;
    case oid::json_array: return oid::json;
    case oid::cidr_array: return oid::cidr;
    case oid::macaddr8_array: return oid::macaddr8;
    case oid::money_array: return oid::money;
    case oid::boolean_array: return oid::boolean;
    case oid::bytea_array: return oid::bytea;
    case oid::char_array: return oid::char_;
    case oid::name_array: return oid::name;
    case oid::int2_array: return oid::int2;
    case oid::int4_array: return oid::int4;
    case oid::text_array: return oid::text;
    case oid::bpchar_array: return oid::bpchar;
    case oid::varchar_array: return oid::varchar;
    case oid::int8_array: return oid::int8;
    case oid::point_array: return oid::point;
    case oid::float4_array: return oid::float4;
    case oid::float8_array: return oid::float8;
    case oid::oid_array: return oid::oid;
    case oid::macaddr_array: return oid::macaddr;
    case oid::inet_array: return oid::inet;
    case oid::timestamp_array: return oid::timestamp;
    case oid::date_array: return oid::date;
    case oid::time_array: return oid::time;
    case oid::timestamptz_array: return oid::timestamptz;
    case oid::interval_array: return oid::interval;
    case oid::numeric_array: return oid::numeric;
    case oid::timetz_array: return oid::timetz;
    case oid::bit_array: return oid::bit;
    case oid::varbit_array: return oid::varbit;
    case oid::record_array: return oid::record;
    case oid::uuid_array: return oid::uuid;
    case oid::jsonb_array: return oid::jsonb;
    case oid::int4range_array: return oid::int4range;
    case oid::numrange_array: return oid::numrange;
    case oid::tsrange_array: return oid::tsrange;
    case oid::tstzrange_array: return oid::tstzrange;
    case oid::daterange_array: return oid::daterange;
    case oid::int8range_array: return oid::int8range;
    case oid::int4multirange_array: return oid::int4multirange;
    case oid::nummultirange_array: return oid::nummultirange;
    case oid::tsmultirange_array: return oid::tsmultirange;
    case oid::tstzmultirange_array: return oid::tstzmultirange;
    case oid::datemultirange_array: return oid::datemultirange;
    case oid::int8multirange_array: return oid::int8multirange;
    default: return oid::unspecified;
    }
}

}  // namespace detail

}  // namespace typq

#endif  // TYPQ_OID_HPP
// ----- end <typq/oid.hpp> -----
// ----- begin <typq/error.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/error.hpp: the exception hierarchy, and the one table that maps SQLSTATE codes to classes.

#ifndef TYPQ_ERROR_HPP
#define TYPQ_ERROR_HPP


#include <memory>       // std::shared_ptr: exceptions stay cheap and nothrow to copy
#include <stdexcept>    // std::runtime_error
#include <string>       // messages and diagnostic fields
#include <string_view>  // SQLSTATE codes in the table
#include <utility>      // std::move

namespace typq {

/// The base of every exception typq throws. Exceptions are cheap and nothrow to copy (their data
/// is shared and immutable), so a copy may be handed to another thread.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The client could not talk to the server: connecting failed, or the connection was lost or is
/// closed. `broken()` says whether the connection object is now unusable.
class connection_error : public error {
public:
    /// An error with `message` as what(); `broken` says whether the connection is now unusable,
    /// `sqlstate` is the code the server sent as it closed the connection, if it sent one.
    connection_error(const std::string& message, bool broken, const std::string& sqlstate = {})
        : error(message), broken_(broken), sqlstate_(std::make_shared<const std::string>(sqlstate))
    {
    }
    /// True when the connection can do no more work and must be closed (or a new one opened).
    [[nodiscard]] bool broken() const noexcept { return broken_; }
    /// The SQLSTATE the server sent as it closed the connection (57P01 when the backend was
    /// terminated), or empty when the connection just went away.
    [[nodiscard]] const std::string& sqlstate() const noexcept { return *sqlstate_; }

private:
    bool broken_;
    std::shared_ptr<const std::string> sqlstate_;
};

/// The program asked for something that cannot be done: placeholders and arguments that disagree
/// in runtime SQL, committing a transaction that is not the innermost, and the like.
/// Nothing was sent to the server, or what was sent was rolled back.
class usage_error : public error {
public:
    using error::error;
};

/// A statement queued in a typq::pipeline was not run: an earlier statement before the same sync
/// point failed, and the server skipped everything after it up to that sync point (the earlier
/// statement's handle has its error). The pipeline goes on after the sync point.
class pipeline_aborted : public error {
public:
    using error::error;
};

/// A query that must return rows returned a different number of them.
class row_count_error : public error {
public:
    using error::error;
};
/// `query_one` or `query_value` found no row.
class no_rows : public row_count_error {
public:
    using row_count_error::row_count_error;
};
/// `query_one`, `query_opt` or `query_value` found more than one row.
class too_many_rows : public row_count_error {
public:
    using row_count_error::row_count_error;
};

/// Where a conversion between a result column (or parameter) and a C++ value failed.
struct conversion_site {
    std::string column;    ///< the column's name, or empty when there is no such column
    std::string sql_type;  ///< the column's SQL type, e.g. "int8"
    std::string field;     ///< the field (or tuple element) it maps to, or empty
    std::string cpp_type;  ///< the C++ type of that field
};

/// A value could not become the C++ type asked for (or a result's columns do not fit the row
/// type): a type mismatch, NULL into a non-optional field, a value out of range, malformed bytes.
class conversion_error : public error {
public:
    /// An error with `message` as what() (one sentence naming the column, its SQL type, the field
    /// and its C++ type), and `site`, what the accessors return.
    conversion_error(const std::string& message, conversion_site site)
        : error(message), site_(std::make_shared<const conversion_site>(std::move(site)))
    {
    }
    /// The column's name, or empty when the value was not a result column's (a parameter).
    [[nodiscard]] const std::string& column() const noexcept { return site_->column; }
    /// The column's (or value's) SQL type, e.g. "int8", or empty when unknown.
    [[nodiscard]] const std::string& sql_type() const noexcept { return site_->sql_type; }
    /// The name of the field it maps to, or empty for a tuple element or a one-column row.
    [[nodiscard]] const std::string& field() const noexcept { return site_->field; }
    /// The C++ type it was to become, or empty when unknown.
    [[nodiscard]] const std::string& cpp_type() const noexcept { return site_->cpp_type; }

private:
    std::shared_ptr<const conversion_site> site_;
};

/// Every field of a server's error report (see PostgreSQL's "Error and Notice Message Fields").
/// Absent fields are empty; absent positions and line are 0.
struct diagnostic {
    std::string sqlstate;         ///< the five-character SQLSTATE code, e.g. "23505"
    std::string severity;         ///< ERROR, FATAL or PANIC (never localised)
    std::string message_primary;  ///< the primary message, one line
    std::string message_detail;   ///< more detail; may quote the row's values (kept out of what())
    std::string message_hint;     ///< a suggestion of what to do about it
    std::string context;          ///< where it happened: a call stack of functions and internal queries, one a line
    std::string schema_name;      ///< the schema of the object concerned
    std::string table_name;       ///< the table concerned
    std::string column_name;      ///< the column concerned
    std::string datatype_name;    ///< the data type concerned
    std::string constraint_name;  ///< the constraint that was violated
    std::string internal_query;   ///< the failed internally generated statement (e.g. a PL/pgSQL function's)
    std::string source_file;      ///< the server's source file that reported the error
    std::string source_function;  ///< the server's source function that reported the error
    int statement_position = 0;  ///< 1-based character index into the statement
    int internal_position = 0;   ///< 1-based character index into `internal_query`
    int source_line = 0;         ///< the line in `source_file`
};

/// The server reported an error. `sqlstate()` says which; every diagnostic field is kept.
/// Common SQLSTATEs have classes of their own, under classes for their SQLSTATE class
/// (`unique_violation` under `integrity_constraint_violation`), so callers catch what they handle.
class server_error : public error {
public:
    /// The error for the report `diag` (not null); what() is its primary message and SQLSTATE.
    /// typq throws the class `diag->sqlstate` maps to, never server_error itself when one does.
    explicit server_error(std::shared_ptr<const diagnostic> diag)
        : error(describe(*diag)), diag_(std::move(diag))
    {
    }
    /// Every field of the report, including those without an accessor of their own.
    [[nodiscard]] const diagnostic& diag() const noexcept { return *diag_; }
    /// The five-character SQLSTATE code, e.g. "40001".
    [[nodiscard]] const std::string& sqlstate() const noexcept { return diag_->sqlstate; }
    /// ERROR, FATAL or PANIC (never localised).
    [[nodiscard]] const std::string& severity() const noexcept { return diag_->severity; }
    /// The primary message, as in what() without the SQLSTATE.
    [[nodiscard]] const std::string& message_primary() const noexcept { return diag_->message_primary; }
    /// The DETAIL line, or empty. It may quote the row's values, which is why what() leaves it out.
    [[nodiscard]] const std::string& detail() const noexcept { return diag_->message_detail; }
    /// The HINT line, or empty.
    [[nodiscard]] const std::string& hint() const noexcept { return diag_->message_hint; }
    /// The CONTEXT lines (functions and internal queries the error happened in), or empty.
    [[nodiscard]] const std::string& context() const noexcept { return diag_->context; }
    /// The schema of the object concerned, or empty.
    [[nodiscard]] const std::string& schema_name() const noexcept { return diag_->schema_name; }
    /// The table concerned, or empty.
    [[nodiscard]] const std::string& table_name() const noexcept { return diag_->table_name; }
    /// The column concerned, or empty.
    [[nodiscard]] const std::string& column_name() const noexcept { return diag_->column_name; }
    /// The data type concerned, or empty.
    [[nodiscard]] const std::string& datatype_name() const noexcept { return diag_->datatype_name; }
    /// The constraint that was violated (a unique_violation's index, a check_violation's check), or empty.
    [[nodiscard]] const std::string& constraint_name() const noexcept { return diag_->constraint_name; }
    /// The failed internally generated statement (e.g. one a PL/pgSQL function ran), or empty.
    [[nodiscard]] const std::string& internal_query() const noexcept { return diag_->internal_query; }
    /// Where in the statement the error is, as a 1-based character index, or 0.
    [[nodiscard]] int statement_position() const noexcept { return diag_->statement_position; }
    /// Where in internal_query() the error is, as a 1-based character index, or 0.
    [[nodiscard]] int internal_position() const noexcept { return diag_->internal_position; }

private:
    // The primary message and the code; DETAIL stays out of what() because it often quotes
    // the row's values (`Key (email)=(...) already exists`), which may be secrets.
    static std::string describe(const diagnostic& d)
    {
        std::string text = d.message_primary.empty() ? std::string("server error") : d.message_primary;
        if (!d.sqlstate.empty()) {
            text += " (SQLSTATE ";
            text += d.sqlstate;
            text += ')';
        }
        return text;
    }

    std::shared_ptr<const diagnostic> diag_;
};

// SQLSTATE classes (the first two characters of the code), then the conditions typq names.
// Spelled as PostgreSQL's errcodes.txt spells them. The API reference documents each class from
// this macro's comment (doxygen expands the macro) and the `///<` SQLSTATE after each use; the
// comment is a block comment because a `//` comment would swallow the rest of the macro.
#define TYPQ_DETAIL_SERVER_ERROR(name, base)                                                         \
    /** @details Thrown when the server reports this SQLSTATE; it derives from `base`, so a handler  \
        for `base` catches it too. A code maps to its own class, else to its SQLSTATE class's, else \
        to typq::server_error, whose accessors hold every field of the server's report. */          \
    class name : public base {                                                                      \
    public:                                                                                         \
        using base::base;                                                                           \
    };

TYPQ_DETAIL_SERVER_ERROR(connection_exception, server_error)                   ///< SQLSTATE class 08: codes 08xxx.
TYPQ_DETAIL_SERVER_ERROR(feature_not_supported, server_error)                  ///< SQLSTATE class 0A: codes 0Axxx.
TYPQ_DETAIL_SERVER_ERROR(cardinality_violation, server_error)                  ///< SQLSTATE class 21: codes 21xxx.
TYPQ_DETAIL_SERVER_ERROR(data_exception, server_error)                         ///< SQLSTATE class 22: codes 22xxx.
TYPQ_DETAIL_SERVER_ERROR(integrity_constraint_violation, server_error)         ///< SQLSTATE class 23: codes 23xxx.
TYPQ_DETAIL_SERVER_ERROR(invalid_cursor_state, server_error)                   ///< SQLSTATE class 24: codes 24xxx.
TYPQ_DETAIL_SERVER_ERROR(invalid_transaction_state, server_error)              ///< SQLSTATE class 25: codes 25xxx.
TYPQ_DETAIL_SERVER_ERROR(invalid_authorization_specification, server_error)    ///< SQLSTATE class 28: codes 28xxx.
TYPQ_DETAIL_SERVER_ERROR(invalid_transaction_termination, server_error)        ///< SQLSTATE class 2D: codes 2Dxxx.
TYPQ_DETAIL_SERVER_ERROR(savepoint_exception, server_error)                    ///< SQLSTATE class 3B: codes 3Bxxx.
TYPQ_DETAIL_SERVER_ERROR(invalid_catalog_name, server_error)                   ///< SQLSTATE class 3D: codes 3Dxxx.
TYPQ_DETAIL_SERVER_ERROR(invalid_schema_name, server_error)                    ///< SQLSTATE class 3F: codes 3Fxxx.
TYPQ_DETAIL_SERVER_ERROR(transaction_rollback, server_error)                   ///< SQLSTATE class 40: codes 40xxx.
TYPQ_DETAIL_SERVER_ERROR(syntax_error_or_access_rule_violation, server_error)  ///< SQLSTATE class 42: codes 42xxx.
TYPQ_DETAIL_SERVER_ERROR(insufficient_resources, server_error)                 ///< SQLSTATE class 53: codes 53xxx.
TYPQ_DETAIL_SERVER_ERROR(program_limit_exceeded, server_error)                 ///< SQLSTATE class 54: codes 54xxx.
TYPQ_DETAIL_SERVER_ERROR(object_not_in_prerequisite_state, server_error)       ///< SQLSTATE class 55: codes 55xxx.
TYPQ_DETAIL_SERVER_ERROR(operator_intervention, server_error)                  ///< SQLSTATE class 57: codes 57xxx.
TYPQ_DETAIL_SERVER_ERROR(system_error, server_error)                           ///< SQLSTATE class 58: codes 58xxx.
TYPQ_DETAIL_SERVER_ERROR(plpgsql_error, server_error)                          ///< SQLSTATE class P0: codes P0xxx.
TYPQ_DETAIL_SERVER_ERROR(internal_error, server_error)                         ///< SQLSTATE class XX: codes XXxxx.

TYPQ_DETAIL_SERVER_ERROR(protocol_violation, connection_exception)                    ///< SQLSTATE 08P01.
TYPQ_DETAIL_SERVER_ERROR(string_data_right_truncation, data_exception)                ///< SQLSTATE 22001.
TYPQ_DETAIL_SERVER_ERROR(numeric_value_out_of_range, data_exception)                  ///< SQLSTATE 22003.
TYPQ_DETAIL_SERVER_ERROR(null_value_not_allowed, data_exception)                      ///< SQLSTATE 22004.
TYPQ_DETAIL_SERVER_ERROR(invalid_datetime_format, data_exception)                     ///< SQLSTATE 22007.
TYPQ_DETAIL_SERVER_ERROR(datetime_field_overflow, data_exception)                     ///< SQLSTATE 22008.
TYPQ_DETAIL_SERVER_ERROR(division_by_zero, data_exception)                            ///< SQLSTATE 22012.
TYPQ_DETAIL_SERVER_ERROR(character_not_in_repertoire, data_exception)                 ///< SQLSTATE 22021.
TYPQ_DETAIL_SERVER_ERROR(invalid_parameter_value, data_exception)                     ///< SQLSTATE 22023.
TYPQ_DETAIL_SERVER_ERROR(invalid_text_representation, data_exception)                 ///< SQLSTATE 22P02.
TYPQ_DETAIL_SERVER_ERROR(invalid_binary_representation, data_exception)               ///< SQLSTATE 22P03.
TYPQ_DETAIL_SERVER_ERROR(untranslatable_character, data_exception)                    ///< SQLSTATE 22P05.
TYPQ_DETAIL_SERVER_ERROR(restrict_violation, integrity_constraint_violation)          ///< SQLSTATE 23001.
TYPQ_DETAIL_SERVER_ERROR(not_null_violation, integrity_constraint_violation)          ///< SQLSTATE 23502.
TYPQ_DETAIL_SERVER_ERROR(foreign_key_violation, integrity_constraint_violation)       ///< SQLSTATE 23503.
TYPQ_DETAIL_SERVER_ERROR(unique_violation, integrity_constraint_violation)            ///< SQLSTATE 23505.
TYPQ_DETAIL_SERVER_ERROR(check_violation, integrity_constraint_violation)             ///< SQLSTATE 23514.
TYPQ_DETAIL_SERVER_ERROR(exclusion_violation, integrity_constraint_violation)         ///< SQLSTATE 23P01.
TYPQ_DETAIL_SERVER_ERROR(active_sql_transaction, invalid_transaction_state)           ///< SQLSTATE 25001.
TYPQ_DETAIL_SERVER_ERROR(read_only_sql_transaction, invalid_transaction_state)        ///< SQLSTATE 25006.
TYPQ_DETAIL_SERVER_ERROR(no_active_sql_transaction, invalid_transaction_state)        ///< SQLSTATE 25P01.
TYPQ_DETAIL_SERVER_ERROR(in_failed_sql_transaction, invalid_transaction_state)        ///< SQLSTATE 25P02.
TYPQ_DETAIL_SERVER_ERROR(invalid_password, invalid_authorization_specification)       ///< SQLSTATE 28P01.
TYPQ_DETAIL_SERVER_ERROR(serialization_failure, transaction_rollback)                 ///< SQLSTATE 40001.
TYPQ_DETAIL_SERVER_ERROR(deadlock_detected, transaction_rollback)                     ///< SQLSTATE 40P01.
TYPQ_DETAIL_SERVER_ERROR(insufficient_privilege, syntax_error_or_access_rule_violation)  ///< SQLSTATE 42501.
TYPQ_DETAIL_SERVER_ERROR(syntax_error, syntax_error_or_access_rule_violation)         ///< SQLSTATE 42601.
TYPQ_DETAIL_SERVER_ERROR(duplicate_column, syntax_error_or_access_rule_violation)     ///< SQLSTATE 42701.
TYPQ_DETAIL_SERVER_ERROR(ambiguous_column, syntax_error_or_access_rule_violation)     ///< SQLSTATE 42702.
TYPQ_DETAIL_SERVER_ERROR(undefined_column, syntax_error_or_access_rule_violation)     ///< SQLSTATE 42703.
TYPQ_DETAIL_SERVER_ERROR(undefined_object, syntax_error_or_access_rule_violation)     ///< SQLSTATE 42704.
TYPQ_DETAIL_SERVER_ERROR(duplicate_object, syntax_error_or_access_rule_violation)     ///< SQLSTATE 42710.
TYPQ_DETAIL_SERVER_ERROR(datatype_mismatch, syntax_error_or_access_rule_violation)    ///< SQLSTATE 42804.
TYPQ_DETAIL_SERVER_ERROR(undefined_function, syntax_error_or_access_rule_violation)   ///< SQLSTATE 42883.
TYPQ_DETAIL_SERVER_ERROR(undefined_table, syntax_error_or_access_rule_violation)      ///< SQLSTATE 42P01.
TYPQ_DETAIL_SERVER_ERROR(undefined_parameter, syntax_error_or_access_rule_violation)  ///< SQLSTATE 42P02.
TYPQ_DETAIL_SERVER_ERROR(duplicate_table, syntax_error_or_access_rule_violation)      ///< SQLSTATE 42P07.
TYPQ_DETAIL_SERVER_ERROR(indeterminate_datatype, syntax_error_or_access_rule_violation)  ///< SQLSTATE 42P18.
TYPQ_DETAIL_SERVER_ERROR(too_many_connections, insufficient_resources)                ///< SQLSTATE 53300.
TYPQ_DETAIL_SERVER_ERROR(object_in_use, object_not_in_prerequisite_state)             ///< SQLSTATE 55006.
TYPQ_DETAIL_SERVER_ERROR(lock_not_available, object_not_in_prerequisite_state)        ///< SQLSTATE 55P03.
TYPQ_DETAIL_SERVER_ERROR(query_canceled, operator_intervention)                       ///< SQLSTATE 57014.
TYPQ_DETAIL_SERVER_ERROR(admin_shutdown, operator_intervention)                       ///< SQLSTATE 57P01.
TYPQ_DETAIL_SERVER_ERROR(crash_shutdown, operator_intervention)                       ///< SQLSTATE 57P02.
TYPQ_DETAIL_SERVER_ERROR(cannot_connect_now, operator_intervention)                   ///< SQLSTATE 57P03.
TYPQ_DETAIL_SERVER_ERROR(raise_exception, plpgsql_error)                              ///< SQLSTATE P0001.

#undef TYPQ_DETAIL_SERVER_ERROR

namespace detail {

/// Throws the class that `diag.sqlstate` maps to (see `sqlstate_classes`).
[[noreturn]] TYPQ_DECL void throw_server_error(diagnostic diag);

// The table and the code that throws each class: instantiating all 67 classes is the largest
// part of typq's non-template code, compiled once under TYPQ_SEPARATE_COMPILATION.
template <class Error>
[[noreturn]] void raise_server_error(std::shared_ptr<const diagnostic> diag)
{
    throw Error(std::move(diag));
}

#if TYPQ_DEFINITIONS

struct sqlstate_class_entry {
    std::string_view code;  // five characters; "xx000" stands for the whole class xx
    void (*raise)(std::shared_ptr<const diagnostic>);
};

// The one table from SQLSTATE to exception class. An exact code wins; otherwise the class
// entry ("23000") for the code's first two characters; otherwise plain server_error.
inline constexpr sqlstate_class_entry sqlstate_classes[] = {
    {"08000", &raise_server_error<connection_exception>},
    {"08P01", &raise_server_error<protocol_violation>},
    {"0A000", &raise_server_error<feature_not_supported>},
    {"21000", &raise_server_error<cardinality_violation>},
    {"22000", &raise_server_error<data_exception>},
    {"22001", &raise_server_error<string_data_right_truncation>},
    {"22003", &raise_server_error<numeric_value_out_of_range>},
    {"22004", &raise_server_error<null_value_not_allowed>},
    {"22007", &raise_server_error<invalid_datetime_format>},
    {"22008", &raise_server_error<datetime_field_overflow>},
    {"22012", &raise_server_error<division_by_zero>},
    {"22021", &raise_server_error<character_not_in_repertoire>},
    {"22023", &raise_server_error<invalid_parameter_value>},
    {"22P02", &raise_server_error<invalid_text_representation>},
    {"22P03", &raise_server_error<invalid_binary_representation>},
    {"22P05", &raise_server_error<untranslatable_character>},
    {"23000", &raise_server_error<integrity_constraint_violation>},
    {"23001", &raise_server_error<restrict_violation>},
    {"23502", &raise_server_error<not_null_violation>},
    {"23503", &raise_server_error<foreign_key_violation>},
    {"23505", &raise_server_error<unique_violation>},
    {"23514", &raise_server_error<check_violation>},
    {"23P01", &raise_server_error<exclusion_violation>},
    {"24000", &raise_server_error<invalid_cursor_state>},
    {"25000", &raise_server_error<invalid_transaction_state>},
    {"25001", &raise_server_error<active_sql_transaction>},
    {"25006", &raise_server_error<read_only_sql_transaction>},
    {"25P01", &raise_server_error<no_active_sql_transaction>},
    {"25P02", &raise_server_error<in_failed_sql_transaction>},
    {"28000", &raise_server_error<invalid_authorization_specification>},
    {"28P01", &raise_server_error<invalid_password>},
    {"2D000", &raise_server_error<invalid_transaction_termination>},
    {"3B000", &raise_server_error<savepoint_exception>},
    {"3D000", &raise_server_error<invalid_catalog_name>},
    {"3F000", &raise_server_error<invalid_schema_name>},
    {"40000", &raise_server_error<transaction_rollback>},
    {"40001", &raise_server_error<serialization_failure>},
    {"40P01", &raise_server_error<deadlock_detected>},
    {"42000", &raise_server_error<syntax_error_or_access_rule_violation>},
    {"42501", &raise_server_error<insufficient_privilege>},
    {"42601", &raise_server_error<syntax_error>},
    {"42701", &raise_server_error<duplicate_column>},
    {"42702", &raise_server_error<ambiguous_column>},
    {"42703", &raise_server_error<undefined_column>},
    {"42704", &raise_server_error<undefined_object>},
    {"42710", &raise_server_error<duplicate_object>},
    {"42804", &raise_server_error<datatype_mismatch>},
    {"42883", &raise_server_error<undefined_function>},
    {"42P01", &raise_server_error<undefined_table>},
    {"42P02", &raise_server_error<undefined_parameter>},
    {"42P07", &raise_server_error<duplicate_table>},
    {"42P18", &raise_server_error<indeterminate_datatype>},
    {"53000", &raise_server_error<insufficient_resources>},
    {"53300", &raise_server_error<too_many_connections>},
    {"54000", &raise_server_error<program_limit_exceeded>},
    {"55000", &raise_server_error<object_not_in_prerequisite_state>},
    {"55006", &raise_server_error<object_in_use>},
    {"55P03", &raise_server_error<lock_not_available>},
    {"57000", &raise_server_error<operator_intervention>},
    {"57014", &raise_server_error<query_canceled>},
    {"57P01", &raise_server_error<admin_shutdown>},
    {"57P02", &raise_server_error<crash_shutdown>},
    {"57P03", &raise_server_error<cannot_connect_now>},
    {"58000", &raise_server_error<system_error>},
    {"P0000", &raise_server_error<plpgsql_error>},
    {"P0001", &raise_server_error<raise_exception>},
    {"XX000", &raise_server_error<internal_error>},
};

[[noreturn]] TYPQ_DECL void throw_server_error(diagnostic diag)
{
    auto shared = std::make_shared<const diagnostic>(std::move(diag));
    const std::string_view code = shared->sqlstate;
    if (code.size() == 5) {
        for (const auto& entry : sqlstate_classes)
            if (entry.code == code)
                entry.raise(std::move(shared));
        for (const auto& entry : sqlstate_classes)
            if (entry.code.substr(0, 2) == code.substr(0, 2) && entry.code.substr(2) == "000")
                entry.raise(std::move(shared));
    }
    throw server_error(std::move(shared));
}

#endif  // TYPQ_DEFINITIONS

}  // namespace detail
}  // namespace typq

#endif  // TYPQ_ERROR_HPP
// ----- end <typq/error.hpp> -----
// ----- begin <typq/server_types.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/server_types.hpp: what a connection has learnt from the server's catalog about types whose
// OID only the server knows (enums, composites, domains, extension types such as hstore and
// citext). Adapters of such types name their SQL type; the connection looks each name and each
// unfamiliar column type up once, caches the answer, and hands adapters a `server_types` to read it.

#ifndef TYPQ_SERVER_TYPES_HPP
#define TYPQ_SERVER_TYPES_HPP


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
// ----- end <typq/server_types.hpp> -----
// ----- begin <typq/type.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/type.hpp: the extension point typq::type<T>, the encodable/decodable concepts, and the
// two things an adapter works with: `writer` (encoding) and `value_view` (checked decoding).

#ifndef TYPQ_TYPE_HPP
#define TYPQ_TYPE_HPP

// ----- begin <typq/detail/wire.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/detail/wire.hpp: big-endian (network order) loads and stores of the wire's fixed-size
// values. Callers check lengths first; these only move bytes.

#ifndef TYPQ_DETAIL_WIRE_HPP
#define TYPQ_DETAIL_WIRE_HPP

#include <bit>          // std::bit_cast, std::endian
#include <concepts>     // std::integral, std::floating_point
#include <cstddef>      // std::size_t
#include <cstdint>      // fixed-width unsigned carriers
#include <cstring>      // std::memcpy
#include <type_traits>  // std::make_unsigned_t
#include <utility>      // std::index_sequence

namespace typq::detail {

template <class T>
concept wire_scalar = std::integral<T> || std::floating_point<T>;

// The unsigned integer with T's size: the carrier that byte swapping and bit_cast work on.
template <class T>
using wire_carrier_t = std::conditional_t<sizeof(T) == 1, std::uint8_t,
    std::conditional_t<sizeof(T) == 2, std::uint16_t,
        std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;

// The carrier's bytes in big-endian order (a no-op on a big-endian machine).
template <class Carrier>
[[nodiscard]] constexpr Carrier to_big_endian(Carrier bits) noexcept
{
    if constexpr (std::endian::native == std::endian::big || sizeof(Carrier) == 1)
        return bits;
    else if constexpr (sizeof(Carrier) == 2)
        return __builtin_bswap16(bits);
    else if constexpr (sizeof(Carrier) == 4)
        return __builtin_bswap32(bits);
    else
        return __builtin_bswap64(bits);
}

// At run time one memcpy of the swapped carrier: one load or store and one bswap, inlined
// wherever it is used (g++ 12 kept the byte-by-byte fold, still used at compile time, as a call
// of its own in some callers). memcpy, because `out` and `in` need not be aligned.

/// Writes `value` as sizeof(T) big-endian bytes at `out`.
template <wire_scalar T>
constexpr void store_be(char* out, T value) noexcept
{
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    const auto bits = std::bit_cast<wire_carrier_t<T>>(value);
    if (std::is_constant_evaluated()) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((out[I] = static_cast<char>(static_cast<unsigned char>(bits >> (8 * (sizeof(T) - 1 - I))))), ...);
        }(std::make_index_sequence<sizeof(T)>{});
        return;
    }
    const wire_carrier_t<T> big = to_big_endian(bits);
    std::memcpy(out, &big, sizeof(T));
}

/// Reads sizeof(T) big-endian bytes at `in` as a T.
template <wire_scalar T>
[[nodiscard]] constexpr T load_be(const char* in) noexcept
{
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    using carrier = wire_carrier_t<T>;
    if (std::is_constant_evaluated()) {
        return [in]<std::size_t... I>(std::index_sequence<I...>) {
            return std::bit_cast<T>(static_cast<carrier>(
                ((static_cast<carrier>(static_cast<unsigned char>(in[I])) << (8 * (sizeof(T) - 1 - I))) | ...)));
        }(std::make_index_sequence<sizeof(T)>{});
    }
    carrier big;
    std::memcpy(&big, in, sizeof(T));
    return std::bit_cast<T>(to_big_endian(big));
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_WIRE_HPP
// ----- end <typq/detail/wire.hpp> -----

#include <array>        // value_view::read_bytes()
#include <cstdint>      // INT32_MAX: a framed value's length
#include <concepts>     // std::integral, std::same_as
#include <cstddef>      // std::byte, std::size_t
#include <span>         // value_view::bytes()
#include <cstring>      // std::memcpy: the writer's pieces
#include <optional>     // nullable_base: std::optional<U> is U or NULL
#include <string>       // the encode buffer, messages
#include <string_view>  // value_view::text(), type names
#include <utility>      // std::in_range

namespace typq {

/// How a parameter travels: PostgreSQL's text or binary format codes.
enum class format : int { text = 0, binary = 1 };

/// The adapter between C++ type `T` and PostgreSQL, chosen at compile time. Specialise it for your
/// own types (see examples/06_custom_type.cpp and STYLE.md section 4); typq's own adapters under
/// `typq/types/` are written the same way. Members, all static:
///
/// - `sql_type`: the SQL type's name, for messages (`"int8"`).
/// - `param_oid`: the OID sent with a parameter of this type (`oid::unspecified` lets the server infer it).
///   For a type whose OID only the server knows (an enum, a composite, an extension's type),
///   declare `static constexpr bool lookup_oid = true;` instead: the connection looks `sql_type` up
///   (`to_regtype`, so a schema may be named and the search_path applies) once, and caches it.
/// - `param_format` (optional, default `format::binary`): `format::text` sends the encoded bytes as text.
/// - `encode(const T&, writer&)`: appends the value's wire form.
/// - `accepts(oid) -> bool`: which result column types `decode` can read (checked once per result).
///   `accepts(oid, const server_types&)` instead, for an adapter that asks the server's catalog
///   (composites, arrays); a `lookup_oid` type without either reads columns of exactly its type.
///   A domain over a type an adapter reads is read too: typq removes domains first.
/// - `decode(value_view, T&)`: reads a non-NULL value; reads only through `value_view`'s checked readers.
/// - `borrows` (optional, default false): true when a decoded value points into the result
///   (`std::string_view`); such types cannot leave the result they came from.
/// - `array_oid` (optional): the OID of the SQL array of this type; present, `std::vector<T>` and
///   friends can be arrays of it. `element_oid` (optional, default `param_oid`): the element type
///   written inside a binary array, for types whose `param_oid` leaves the type to the server.
/// - `encode_text(const T&, std::string&)` (optional): appends the value's text form, what the
///   server's `*in` function for `sql_type` reads back as the same value (`2024-01-02` for a
///   date). typq::literal needs it (and arrays, ranges and hstore values of T, for theirs).
///
/// NULL never reaches `encode` or `decode`: `std::optional<T>` (typq/types/optional.hpp) owns it.
template <class T>
struct type;

namespace detail {

/// T, or for a std::optional<U> (U or NULL), U: the type whose adapter writes and reads the values
/// (an array's elements, a COPY field's values, a field the schema check looks at).
template <class T>
struct nullable_base {
    using type = T;
};
template <class T>
struct nullable_base<std::optional<T>> {
    using type = T;
};
template <class T>
using nullable_base_t = typename nullable_base<T>::type;

/// Instantiated, and so named by the compiler's error, when a C++ type has no typq::type<T>.
template <class T>
struct no_type_for;

template <class T>
concept has_type = requires { sizeof(type<T>); };

/// Where a decoded value comes from, for error messages; built once per result.
struct decode_site {
    std::string_view column;        // the column's name
    int column_index = -1;          // 0-based
    oid column_type = oid::unspecified;
    std::string_view field;         // the field's name, or empty for a tuple element or a scalar row
    int field_index = -1;           // 0-based position in the row type
    std::string (*field_type)() = nullptr;  // the field's C++ type
    std::string (*row_type)() = nullptr;    // the row type, or nullptr for a scalar row
};

/// "int4"; for a type only the server knows, its name when `types` knows it ("mood"), else
/// "type 16384".
TYPQ_DECL std::string describe_sql_type(oid type, const server_types* types = nullptr);

/// `column "age" (int4)`, or `column 2 (int4)` when the column has no name.
TYPQ_DECL std::string describe_column(std::string_view name, int index, oid type, const server_types* types = nullptr);

/// `field "age" (std::int32_t) of shop::person`, `element 2 (std::string) of std::tuple<...>`,
/// or just `std::int64_t` for a one-column scalar row.
TYPQ_DECL std::string describe_field(const decode_site& site);

TYPQ_DECL conversion_site make_conversion_site(const decode_site& site, const server_types* types = nullptr);

[[noreturn]] TYPQ_DECL void throw_decode_error(const decode_site* site, oid type, std::size_t row, std::string_view reason,
    const server_types* types);

}  // namespace detail

// Messages: compiled once under TYPQ_SEPARATE_COMPILATION.
#if TYPQ_DEFINITIONS
namespace detail {

TYPQ_DECL std::string describe_sql_type(oid type, const server_types* types)
{
    const std::string_view name = sql_type_name(type);
    if (!name.empty())
        return std::string(name);
    if (const type_info* info = types ? types->find(type) : nullptr)
        return info->name;
    return "type " + std::to_string(static_cast<std::uint32_t>(type));
}

TYPQ_DECL std::string describe_column(std::string_view name, int index, oid type, const server_types* types)
{
    std::string text = "column ";
    if (name.empty() || name == "?column?")
        text += std::to_string(index + 1);
    else {
        text += '"';
        text += name;
        text += '"';
    }
    return text + " (" + describe_sql_type(type, types) + ")";
}

TYPQ_DECL std::string describe_field(const decode_site& site)
{
    const std::string field_type = site.field_type ? site.field_type() : std::string("?");
    if (!site.row_type)
        return field_type;
    std::string text;
    if (!site.field.empty()) {
        text = "field \"";
        text += site.field;
        text += '"';
    }
    else
        text = "element " + std::to_string(site.field_index);
    return text + " (" + field_type + ") of " + site.row_type();
}

TYPQ_DECL conversion_site make_conversion_site(const decode_site& site, const server_types* types)
{
    return {std::string(site.column), site.column_index < 0 ? std::string() : describe_sql_type(site.column_type, types),
        std::string(site.field), site.field_type ? site.field_type() : std::string()};
}

[[noreturn]] TYPQ_DECL void throw_decode_error(const decode_site* site, oid type, std::size_t row, std::string_view reason,
    const server_types* types)
{
    if (!site)
        throw conversion_error("cannot decode a " + describe_sql_type(type, types) + " value: " + std::string(reason),
            conversion_site{{}, describe_sql_type(type, types), {}, {}});
    throw conversion_error("cannot read " + describe_column(site->column, site->column_index, site->column_type, types)
            + " into " + describe_field(*site) + " at row " + std::to_string(row) + ": " + std::string(reason),
        make_conversion_site(*site, types));
}

}  // namespace detail
#endif  // TYPQ_DEFINITIONS

/// Appends a parameter's wire form to the connection's reusable buffer.
class writer {
public:
    /// Appends to `out`, which holds exactly what was written at every moment; `types` (when
    /// encoding through a connection) resolves server-defined types.
    explicit writer(std::string& out, const server_types* types = nullptr) noexcept
        : out_(&out), types_(types), used_(out.size())
    {
    }

    /// For typq's own buffers, written in many small pieces (parameters, COPY rows): `out` is
    /// longer than what is written, whose length is `written` (set when the writer is destroyed),
    /// so that a piece is a store into room already there rather than a call of
    /// std::string::append. The owner keeps the room from writer to writer.
    writer(std::string& out, std::size_t& written, const server_types* types) noexcept
        : out_(&out), types_(types), used_(written), written_(&written)
    {
    }

    writer(const writer&) = delete;
    writer& operator=(const writer&) = delete;
    /// With the owner's count (the constructor for typq's own buffers): sets it to what was written.
    ~writer()
    {
        if (written_)
            *written_ = used_;
    }

    /// The server's types, for adapters of types only the server knows (enums, composites).
    [[nodiscard]] const server_types& types() const noexcept { return types_ ? *types_ : detail::no_server_types; }

    /// Appends the `size` bytes at `data` as they are.
    void put_bytes(const void* data, std::size_t size)
    {
        if (size != 0)
            std::memcpy(extend(size), data, size);
    }
    /// Appends the bytes of `text` as they are (no terminating NUL, no length).
    void put_text(std::string_view text) { put_bytes(text.data(), text.size()); }

    /// Appends `value` in network byte order (`int4send`, `float8send`, ...).
    template <detail::wire_scalar T>
    TYPQ_ALWAYS_INLINE void put_be(T value)
    {
        detail::store_be(extend(sizeof(T)), value);
    }

    /// Appends `value` framed as binary arrays, composites, ranges and COPY rows frame a value
    /// inside another: its byte count as an int4, then its bytes; for NULL (an empty
    /// std::optional, std::nullopt) the count -1 and nothing else. The value is encoded in
    /// place, after a count that is filled in once its size is known.
    /// @throws typq::conversion_error from T's adapter, or when the value is 2 GiB or larger.
    template <class T>
    void put_value(const T& value);

    /// Appends `value`'s bytes alone, unframed, and returns their count; for NULL, -1 and
    /// nothing. For a frame kept apart from the bytes: libpq takes parameters' lengths in an
    /// array of their own.
    /// @throws as put_value.
    template <class T>
    std::int32_t put_bare(const T& value);

    /// The bytes written so far: where the next value starts.
    [[nodiscard]] std::size_t size() const noexcept { return used_; }

private:
    // Room for `n` more bytes, counted as written: where to write them.
    TYPQ_ALWAYS_INLINE char* extend(std::size_t n)
    {
        if (out_->size() - used_ < n) [[unlikely]]
            grow(n);
        char* at = out_->data() + used_;
        used_ += n;
        return at;
    }
    // Makes the string at least `n` bytes longer than what is written; a writer with room takes
    // all that the allocation gave (the string's growth doubles it, so that is amortised).
    TYPQ_DECL void grow(std::size_t n);
    // Forgets what was written after `at`.
    void cut(std::size_t at) noexcept
    {
        used_ = at;
        if (!written_)
            out_->resize(at);
    }

    // put_value's and put_bare's one way to encode a value: T's adapter appends its bytes from
    // `at`, and what a failing adapter wrote is removed; the length is checked, and returned.
    template <class T>
    std::int32_t encode_from(const T& value, std::size_t at);
    [[noreturn]] TYPQ_DECL void value_too_large(std::size_t at, std::size_t size);

    std::string* out_;
    const server_types* types_;
    std::size_t used_;                 // bytes of *out_ written: its size, unless it has room
    std::size_t* written_ = nullptr;  // the owner's count of them, when it has room
};

#if TYPQ_DEFINITIONS
TYPQ_DECL void writer::grow(std::size_t n)
{
    out_->resize(used_ + n);
    if (written_)
        out_->resize(out_->capacity());
}

[[noreturn]] TYPQ_DECL void writer::value_too_large(std::size_t at, std::size_t size)
{
    cut(at);
    throw conversion_error("a value of " + std::to_string(size) + " bytes is more than an int4 length can count",
        conversion_site{});
}
#endif  // TYPQ_DEFINITIONS

/// One non-NULL value of a result column, as the server sent it. Every reader checks length and
/// range first and reports a problem through `fail`, which throws `typq::conversion_error` naming
/// the column, its SQL type, the field, its C++ type and the row.
class value_view {
public:
    /// The `size` bytes at `data`, a value of type `type`; it does not copy them, and they must
    /// outlive the view. The last three parameters are typq's own: where the value came from (for
    /// messages: the default names no column) and the server's types; a test of an adapter passes
    /// only the first three.
    constexpr value_view(const char* data, std::size_t size, oid type, const detail::decode_site* site = nullptr,
        std::size_t row = 0, const server_types* types = nullptr) noexcept
        : data_(data), size_(size), type_(type), site_(site), row_(row), types_(types)
    {
    }

    /// The number of bytes.
    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    /// The bytes, unchecked: valid while the result they belong to lives.
    [[nodiscard]] constexpr const char* data() const noexcept { return data_; }
    /// The column's type OID, as the server described it.
    [[nodiscard]] constexpr oid type() const noexcept { return type_; }
    /// The bytes as std::byte, unchecked: valid while the result they belong to lives.
    [[nodiscard]] std::span<const std::byte> bytes() const noexcept
    {
        return {reinterpret_cast<const std::byte*>(data_), size_};
    }
    /// The bytes as text (for types whose binary form is text), unchecked: valid while the result
    /// they belong to lives.
    [[nodiscard]] constexpr std::string_view text() const noexcept { return {data_, size_}; }
    /// What the connection learnt about server-defined types before these rows were decoded
    /// (nothing is looked up while decoding: an unknown type is just not found).
    [[nodiscard]] const server_types& types() const noexcept { return types_ ? *types_ : detail::no_server_types; }

    /// The value as exactly sizeof(T) big-endian bytes.
    template <detail::wire_scalar T>
    [[nodiscard]] T read_be() const
    {
        if (size_ != sizeof(T))
            fail_size(sizeof(T));
        return detail::load_be<T>(data_);
    }

    /// The value as exactly N raw bytes (uuid, macaddr: fixed-size values sent as they are).
    template <std::size_t N>
    [[nodiscard]] std::array<std::byte, N> read_bytes() const
    {
        if (size_ != N)
            fail_size(N);
        std::array<std::byte, N> out{};
        for (std::size_t i = 0; i < N; ++i)
            out[i] = static_cast<std::byte>(data_[i]);
        return out;
    }

    /// An integer column (int2, int4, int8 or oid, by the column's type) as `I`; a value that
    /// does not fit in `I` fails rather than being truncated.
    template <std::integral I>
    [[nodiscard]] I read_integer() const
    {
        switch (type_) {
        case oid::int2: return fit<I>(read_be<std::int16_t>());
        case oid::int4: return fit<I>(read_be<std::int32_t>());
        case oid::int8: return fit<I>(read_be<std::int64_t>());
        case oid::oid: return fit<I>(read_be<std::uint32_t>());
        default: fail("not an integer column");
        }
    }

    /// The `size` bytes at `offset`, as a value of type `type` from the same place (for adapters
    /// of values made of parts: a point's coordinates, an array's elements); errors raised from it
    /// still name the column, field and row. Fails when the bytes are not all there.
    [[nodiscard]] value_view subview(std::size_t offset, std::size_t size, oid type) const
    {
        if (offset > size_ || size > size_ - offset)
            fail("value is " + std::to_string(size_) + " bytes, too short for " + std::to_string(size)
                + " bytes at offset " + std::to_string(offset));
        return value_view(data_ + offset, size, type, site_, row_, types_);
    }

    /// Throws `typq::conversion_error` with `reason` and where this value came from.
    [[noreturn]] void fail(std::string_view reason) const
    {
        detail::throw_decode_error(site_, type_, row_, reason, types_);
    }

private:
    // Out of line, so that read_be stays small enough to inline into every decoder.
    [[noreturn]] void fail_size(std::size_t expected) const
    {
        fail("value is " + std::to_string(size_) + " bytes, expected " + std::to_string(expected));
    }

    template <class To, class From>
    To fit(From value) const
    {
        if (!std::in_range<To>(value))
            fail("value " + std::to_string(value) + " is out of range");
        return static_cast<To>(value);
    }

    const char* data_;
    std::size_t size_;
    oid type_;
    const detail::decode_site* site_;
    std::size_t row_;
    const server_types* types_;
};

/// `T`'s OID comes from the server: its adapter declares `lookup_oid = true` (an enum, a composite).
template <class T>
concept looked_up = requires { requires type<T>::lookup_oid; };

/// `T` can be sent as a parameter.
template <class T>
concept encodable = detail::has_type<T> && requires(const T& value, writer& out) { type<T>::encode(value, out); }
    && (looked_up<T> || requires { { type<T>::param_oid } -> std::convertible_to<oid>; });

/// `T`'s adapter writes a value's text form (`encode_text`): typq::literal can render it.
template <class T>
concept text_encodable = detail::has_type<T> && requires(const T& value, std::string& out) { type<T>::encode_text(value, out); };

/// `T` can be read from a result column.
template <class T>
concept decodable = detail::has_type<T> && requires(value_view in, T& out) { type<T>::decode(in, out); }
    && (looked_up<T> || requires(oid column) { { type<T>::accepts(column) } -> std::same_as<bool>; }
        || requires(oid column, const server_types& types) { { type<T>::accepts(column, types) } -> std::same_as<bool>; });

namespace detail {

// What T's adapter itself says of `column`: its accepts(), or for a lookup_oid type without one,
// whether `column` is the type its sql_type names.
template <class T>
bool adapter_accepts(oid column, const server_types& types)
{
    using adapter = type<T>;
    if constexpr (requires { { adapter::accepts(column, types) } -> std::same_as<bool>; })
        return adapter::accepts(column, types);
    else if constexpr (requires { { adapter::accepts(column) } -> std::same_as<bool>; })
        return adapter::accepts(column);
    else {
        const type_info* info = types.find(adapter::sql_type);
        return info && info->id == column;
    }
}

// A domain over a type T reads; kept out of the common path, where the column fits directly.
template <class T>
bool accepts_domain(oid column, const server_types& types)
{
    if (is_builtin_type(column))
        return false;
    const oid base = types.strip_domains(column);
    return base != column && adapter_accepts<T>(base, types);
}

/// Whether T's adapter reads a column of type `column`: its own accepts(), or for a lookup_oid
/// type without one, the type its sql_type names; and a domain over anything it reads.
template <class T>
bool accepts(oid column, const server_types& types)
{
    return adapter_accepts<T>(column, types) || accepts_domain<T>(column, types);
}

/// The OID a parameter of type T is sent with: its adapter's param_oid, or the server's OID for
/// its sql_type.
template <class T>
oid param_oid_of(const server_types& types)
{
    if constexpr (looked_up<T>)
        return types.get(type<T>::sql_type).id;
    else
        return type<T>::param_oid;
}

/// The exact type a value of T is written as inside a binary array or composite: its adapter's
/// `element_oid` (declared by adapters whose parameters leave the type to the server, such as
/// strings), else param_oid_of.
template <class T>
oid element_oid_of(const server_types& types)
{
    if constexpr (requires { type<T>::element_oid; })
        return type<T>::element_oid;
    else
        return param_oid_of<T>(types);
}

/// `param_oid`, or `lookup_oid`, as T's adapter has it: for adapters that forward to T's.
template <class T>
struct param_oid_like {
    static constexpr oid param_oid = type<T>::param_oid;
};
template <class T>
    requires looked_up<T>
struct param_oid_like<T> {
    static constexpr bool lookup_oid = true;
};

/// `element_oid`, when T's adapter has one: for adapters that forward to T's.
template <class T>
struct element_oid_like {};
template <class T>
    requires requires { type<T>::element_oid; }
struct element_oid_like<T> {
    static constexpr oid element_oid = type<T>::element_oid;
};

template <class T>
consteval format param_format_of()
{
    if constexpr (requires { type<T>::param_format; })
        return type<T>::param_format;
    else
        return format::binary;
}

// Types that can be NULL: a parameter asks `is_null`, the row decoder calls `set_null`.
template <class T>
concept sends_null = requires(const T& value) {
    { type<T>::is_null(value) } -> std::same_as<bool>;
};

template <class T>
concept receives_null = requires(T& value) { type<T>::set_null(value); };

template <class T>
consteval bool borrows()
{
    if constexpr (requires { type<T>::borrows; })
        return type<T>::borrows;
    else
        return false;
}

/// True for an encodable T; for a T without an adapter, instantiates no_type_for<T> so that the
/// compiler's first error line names the type.
template <class T>
consteval bool require_encodable()
{
    if constexpr (!has_type<T>)
        return sizeof(no_type_for<T>) != 0;
    else {
        static_assert(encodable<T>, "typq::type<T> exists but cannot encode: it needs param_oid and encode()");
        return true;
    }
}

/// False, for a static_assert that fails only when its template is instantiated.
template <class T>
inline constexpr bool always_false = false;

/// True for a decodable T. For a T without an adapter, instantiates no_type_for<T>; for a
/// parameter-only adapter that declares `using parameter_only = X;`, instantiates X, whose
/// static_assert says what to read such columns into instead.
template <class T>
consteval bool require_decodable()
{
    if constexpr (!has_type<T>)
        return sizeof(no_type_for<T>) != 0;
    else if constexpr (requires { typename type<T>::parameter_only; })
        return sizeof(typename type<T>::parameter_only) != 0;
    else {
        static_assert(decodable<T>, "typq: this type is a parameter type only: its typq::type<T> has no accepts() "
                                    "and decode(), so it cannot be read from a result column (see the table of types "
                                    "in docs/types.md for what reads each column type)");
        return true;
    }
}

}  // namespace detail

template <class T>
TYPQ_ALWAYS_INLINE std::int32_t writer::encode_from(const T& value, std::size_t at)
{
    static_assert(detail::require_encodable<T>());
    const std::size_t start = used_;
    try {
        type<T>::encode(value, *this);
    }
    catch (...) {
        cut(at);  // what the value wrote is not a value: leave no half of it behind
        throw;
    }
    const std::size_t size = used_ - start;
    // int4 counts it; the server's own limit on a value (1 GiB) is lower still.
    if (size > static_cast<std::size_t>(INT32_MAX)) [[unlikely]]
        value_too_large(at, size);
    return static_cast<std::int32_t>(size);
}

template <class T>
TYPQ_ALWAYS_INLINE void writer::put_value(const T& value)
{
    if constexpr (detail::sends_null<T>) {
        if (type<T>::is_null(value)) {
            put_be(std::int32_t{-1});
            return;
        }
    }
    const std::size_t at = used_;
    (void)extend(4);  // the length, filled in once the value is written
    const std::int32_t size = encode_from(value, at);
    detail::store_be(out_->data() + at, size);
}

template <class T>
std::int32_t writer::put_bare(const T& value)
{
    if constexpr (detail::sends_null<T>) {
        if (type<T>::is_null(value))
            return -1;
    }
    return encode_from(value, used_);
}

/// Reuses `type<Base>` for a type that converts to and from `Base` with static_cast: a strong
/// typedef such as `enum class user_id : std::int64_t {}`.
/// @par Example
/// `template <> struct typq::type<user_id> : typq::type_as<user_id, std::int64_t> {};`
template <class T, class Base>
struct type_as : detail::param_oid_like<Base> {
    /// @{
    /// Part of the adapter contract (typq::type says what each member does): `Base`'s, converting with static_cast.
    static constexpr std::string_view sql_type = type<Base>::sql_type;
    static constexpr format param_format = detail::param_format_of<Base>();
    static constexpr bool borrows = detail::borrows<Base>();  // a view stays a view

    static constexpr bool accepts(oid column) noexcept
        requires requires(oid c) { type<Base>::accepts(c); }
    {
        return type<Base>::accepts(column);
    }
    static bool accepts(oid column, const server_types& types) { return detail::accepts<Base>(column, types); }
    static void encode(const T& value, writer& out) { type<Base>::encode(static_cast<Base>(value), out); }
    static void encode_text(const T& value, std::string& out)
        requires text_encodable<Base>
    {
        type<Base>::encode_text(static_cast<Base>(value), out);
    }
    static void decode(value_view in, T& out)
    {
        Base base{};
        type<Base>::decode(in, base);
        out = static_cast<T>(base);
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPE_HPP
// ----- end <typq/type.hpp> -----
// ----- begin <typq/types/scalar.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/scalar.hpp: bool, the signed integers and the floating-point types, in binary
// (boolsend, int2send/int4send/int8send, float4send/float8send).

#ifndef TYPQ_TYPES_SCALAR_HPP
#define TYPQ_TYPES_SCALAR_HPP

// ----- begin <typq/detail/sql_text.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/detail/sql_text.hpp: values and names as SQL text, for typq::literal and
// typq::identifier and for adapters' text forms (encode_text): numbers in their shortest exact
// decimal form, quoting inside a value's text (array elements, hstore entries), and quoted
// literals and identifiers by PostgreSQL's rules for a UTF-8 client with
// standard_conforming_strings on, which is what typq always has.

#ifndef TYPQ_DETAIL_SQL_TEXT_HPP
#define TYPQ_DETAIL_SQL_TEXT_HPP

// ----- begin <typq/detail/sql_type_name.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/detail/sql_type_name.hpp: a SQL type's name (`mood`, `shop."Mood"`, `int4[]`, `double
// precision`) read as the server reads one, into a spelling that to_regtype() cannot fail on:
// every identifier quoted, SQL's keyword names replaced by the catalog's. to_regtype() answers
// NULL for a type it does not find, but raises an error (which would abort the transaction) for
// a name it cannot parse; typq looks names up only in this spelling, and refuses the others.

#ifndef TYPQ_DETAIL_SQL_TYPE_NAME_HPP
#define TYPQ_DETAIL_SQL_TYPE_NAME_HPP

#include <optional>     // no spelling for a malformed name
#include <string>       // the spelling
#include <string_view>  // the name

namespace typq::detail {

// SQL's type names that are keywords (several words, or words that are no catalog name), and the
// catalog's name for each (PostgreSQL's gram.y, SimpleTypename).
struct sql_type_alias {
    std::string_view sql;
    std::string_view catalog;
};
inline constexpr sql_type_alias sql_type_aliases[] = {
    {"int", "int4"}, {"integer", "int4"}, {"smallint", "int2"}, {"bigint", "int8"}, {"real", "float4"},
    {"float", "float8"}, {"double precision", "float8"}, {"boolean", "bool"}, {"decimal", "numeric"},
    {"dec", "numeric"}, {"char", "bpchar"}, {"character", "bpchar"}, {"nchar", "bpchar"},
    {"national char", "bpchar"}, {"national character", "bpchar"}, {"char varying", "varchar"},
    {"character varying", "varchar"}, {"nchar varying", "varchar"}, {"national char varying", "varchar"},
    {"national character varying", "varchar"}, {"bit varying", "varbit"},
    {"timestamp without time zone", "timestamp"}, {"timestamp with time zone", "timestamptz"},
    {"time without time zone", "time"}, {"time with time zone", "timetz"},
};

// `a` equals `b` (lower case, single spaces) ignoring ASCII case, with any run of spaces in `a`
// matching one space.
inline bool same_words(std::string_view a, std::string_view b) noexcept
{
    std::size_t i = 0;
    for (std::size_t k = 0; k < b.size(); ++k) {
        if (b[k] == ' ') {
            if (i == a.size() || a[i] != ' ')
                return false;
            while (i < a.size() && a[i] == ' ')
                ++i;
            continue;
        }
        if (i == a.size())
            return false;
        const char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
        if (c != b[k])
            return false;
        ++i;
    }
    return i == a.size();
}

// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
inline bool is_utf8(std::string_view text) noexcept
{
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        unsigned min = 0;
        unsigned code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            length = 2;
            min = 0x80;
            code = c & 0x1Fu;
        }
        else if ((c & 0xF0) == 0xE0) {
            length = 3;
            min = 0x800;
            code = c & 0x0Fu;
        }
        else if ((c & 0xF8) == 0xF0) {
            length = 4;
            min = 0x10000;
            code = c & 0x07u;
        }
        else
            return false;
        if (text.size() - i < length)
            return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80)
                return false;
            code = (code << 6) | (next & 0x3Fu);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return false;
        i += length;
    }
    return true;
}

// One identifier at `i`, as the server reads it: "quoted" (with "" for a quote) as it is, or
// unquoted folded to lower case (ASCII letters only, as the server folds in UTF-8). Gives its
// characters, as the catalog keeps them, to `put` one by one, and leaves `i` after it; false when
// there is none ("" is none, nor is an unterminated quote). The one reader of SQL identifiers:
// for to_regtype()'s spelling here, and for the compile-time schema check, which compares an
// adapter's SQL type name with the catalog's.
template <class Put>
constexpr bool scan_identifier(std::string_view name, std::size_t& i, Put&& put)
{
    if (i < name.size() && name[i] == '"') {
        bool any = false;
        for (++i; i < name.size(); ++i) {
            if (name[i] == '"') {
                if (i + 1 == name.size() || name[i + 1] != '"') {
                    ++i;
                    return any;
                }
                ++i;  // "" is one "
            }
            put(name[i]);
            any = true;
        }
        return false;  // unterminated
    }
    const auto start_char = [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u >= 0x80;
    };
    if (i == name.size() || !start_char(name[i]))
        return false;
    for (; i < name.size() && (start_char(name[i]) || (name[i] >= '0' && name[i] <= '9') || name[i] == '$'); ++i)
        put(name[i] >= 'A' && name[i] <= 'Z' ? static_cast<char>(name[i] - 'A' + 'a') : name[i]);
    return true;
}

// One identifier at `i` (scan_identifier), appended to `out` quoted; false when there is none.
inline bool read_identifier(std::string_view name, std::size_t& i, std::string& out)
{
    out += '"';
    const bool read = scan_identifier(name, i, [&](char c) {
        out += c;
        if (c == '"')
            out += '"';
    });
    out += '"';
    return read;
}

/// `name` in a spelling to_regtype() reads without error, or std::nullopt when `name` is not a
/// type name: `[schema.]type` (identifiers quoted or not) or one of SQL's keyword names such as
/// `double precision`, then any number of `[]` (or `[N]`). Type modifiers (`varchar(10)`) are
/// refused: they are no part of a type's OID.
inline std::optional<std::string> regtype_spelling(std::string_view name)
{
    if (name.empty() || name.size() > 1024 || name.find('\0') != std::string_view::npos || !is_utf8(name))
        return std::nullopt;
    // The array suffixes, from the end.
    std::size_t end = name.size();
    std::size_t dimensions = 0;
    while (end > 0 && name[end - 1] == ']') {
        std::size_t open = end - 1;
        while (open > 0 && name[open - 1] >= '0' && name[open - 1] <= '9')
            --open;
        if (open == 0 || name[open - 1] != '[')
            return std::nullopt;
        end = open - 1;
        ++dimensions;
    }
    const std::string_view base = name.substr(0, end);
    std::string out;
    bool alias = false;
    for (const sql_type_alias& a : sql_type_aliases) {
        if (same_words(base, a.sql)) {
            out = "\"pg_catalog\".\"" + std::string(a.catalog) + "\"";
            alias = true;
            break;
        }
    }
    if (!alias) {
        std::size_t i = 0;
        if (!read_identifier(base, i, out))
            return std::nullopt;
        if (i < base.size() && base[i] == '.') {
            ++i;
            out += '.';
            if (!read_identifier(base, i, out))
                return std::nullopt;
        }
        if (i != base.size())
            return std::nullopt;
    }
    for (std::size_t d = 0; d < dimensions; ++d)
        out += "[]";
    return out;
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_SQL_TYPE_NAME_HPP
// ----- end <typq/detail/sql_type_name.hpp> -----

#include <charconv>     // std::to_chars: exact and shortest
#include <concepts>     // std::integral, std::floating_point
#include <limits>       // infinity
#include <string>       // the text
#include <string_view>  // what is quoted

namespace typq::detail {

/// Appends `value` in decimal (what int2in/int4in/int8in/oidin read).
template <std::integral I>
void append_integer(std::string& out, I value)
{
    char digits[24];
    const auto done = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, done.ptr);
}

/// Appends `value` as float4in/float8in read it back exactly: the shortest decimal that rounds
/// to it, or `NaN`, `Infinity`, `-Infinity`.
template <std::floating_point F>
void append_float(std::string& out, F value)
{
    if (value != value) {  // NaN
        out += "NaN";
        return;
    }
    if (value == std::numeric_limits<F>::infinity() || value == -std::numeric_limits<F>::infinity()) {
        out += value < 0 ? "-Infinity" : "Infinity";
        return;
    }
    char digits[64];
    const auto done = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, done.ptr);
}

/// Appends `text` in double quotes, with a backslash before each `"` and `\` (an array element's
/// quoting, array_out; an hstore key or value's, hstore_out).
inline void append_double_quoted(std::string& out, std::string_view text)
{
    out += '"';
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
}

/// Appends `text` as an element of an array's text form: as it is, or double-quoted when
/// array_in would read it otherwise (empty, `NULL` in any case, or holding white space, a quote,
/// a backslash, a brace or the delimiter `,`), as array_out does.
inline void append_array_element(std::string& out, std::string_view text)
{
    bool quote = text.empty() || (text.size() == 4 && same_words(text, "null"));
    for (const char c : text)
        quote = quote || c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || c == ' ' || c == '\t'
            || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    if (quote)
        append_double_quoted(out, text);
    else
        out += text;
}

/// Text that a literal or an identifier cannot hold: a NUL byte, or bytes that are not UTF-8.
/// Returns a reason, or nullptr when `text` is fine.
inline const char* unquotable(std::string_view text) noexcept
{
    if (text.find('\0') != std::string_view::npos)
        return "has a NUL byte, which PostgreSQL text cannot hold";
    if (!is_utf8(text))
        return "is not valid UTF-8 (typq's client encoding)";
    return nullptr;
}

/// Appends `text` as a SQL string literal, '...' with each quote doubled: with
/// standard_conforming_strings on (always, for typq) a backslash is an ordinary character.
/// @throws typq::conversion_error when `text` has a NUL byte or is not UTF-8.
inline void append_quoted_literal(std::string& out, std::string_view text, std::string_view sql_type)
{
    if (const char* reason = unquotable(text))
        throw conversion_error(std::string("typq::literal: the value's text ") + reason,
            conversion_site{{}, std::string(sql_type), {}, {}});
    out += '\'';
    for (const char c : text) {
        if (c == '\'')
            out += '\'';
        out += c;
    }
    out += '\'';
}

/// Appends `name` as a quoted identifier, "..." with each quote doubled: always quoted, so that
/// case, spaces and reserved words are kept as they are.
/// @throws typq::usage_error when `name` is empty, has a NUL byte or is not UTF-8.
inline void append_quoted_identifier(std::string& out, std::string_view name)
{
    const char* reason = name.empty() ? "is empty, which no identifier is" : unquotable(name);
    if (reason)
        throw usage_error(std::string("typq::identifier: the name ") + reason);
    out += '"';
    for (const char c : name) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_SQL_TEXT_HPP
// ----- end <typq/detail/sql_text.hpp> -----

#include <concepts>     // std::signed_integral, std::same_as
#include <cstdint>      // std::int16_t...
#include <string>       // text forms
#include <string_view>  // sql_type

namespace typq {

/// `bool` as `bool` (OID 16): binary, one byte, 1 or 0 (`boolsend`); reads bool columns, and
/// refuses any other byte.
template <>
struct type<bool> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "bool";
    static constexpr oid param_oid = oid::boolean;
    static constexpr oid array_oid = oid::boolean_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::boolean; }
    static void encode(bool value, writer& out) { out.put_be(static_cast<std::uint8_t>(value ? 1 : 0)); }
    static void encode_text(bool value, std::string& out) { out += value ? "true" : "false"; }
    static void decode(value_view in, bool& out)
    {
        // boolrecv accepts any non-zero byte, but boolsend only ever sends 0 or 1.
        const auto byte = in.read_be<std::uint8_t>();
        if (byte > 1)
            in.fail("bool byte is " + std::to_string(byte) + ", expected 0 or 1");
        out = byte == 1;
    }
    /// @}
};

namespace detail {

// short, int, long and long long: every signed integer of PostgreSQL's widths, but not the
// character types, which are text rather than numbers.
template <class T>
concept pg_integer = std::signed_integral<T> && !std::same_as<T, char> && !std::same_as<T, signed char>
    && !std::same_as<T, wchar_t> && !std::same_as<T, char8_t> && !std::same_as<T, char16_t>
    && !std::same_as<T, char32_t> && (sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);

}  // namespace detail

/// int2, int4, int8 by the integer's size, binary: 2, 4 or 8 bytes, big-endian (`int2send`,
/// `int4send`, `int8send`). Results widen (an int4 column reads into std::int64_t,
/// an oid column into std::int64_t); narrowing is refused when the result's columns are checked.
template <detail::pg_integer T>
struct type<T> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr oid param_oid = sizeof(T) == 2 ? oid::int2 : sizeof(T) == 4 ? oid::int4 : oid::int8;
    static constexpr oid array_oid =
        sizeof(T) == 2 ? oid::int2_array : sizeof(T) == 4 ? oid::int4_array : oid::int8_array;
    static constexpr std::string_view sql_type = sql_type_name(param_oid);

    static constexpr bool accepts(oid column) noexcept
    {
        switch (column) {
        case oid::int2: return true;
        case oid::int4: return sizeof(T) >= 4;
        case oid::int8: return sizeof(T) == 8;
        case oid::oid: return sizeof(T) == 8;  // oid is unsigned 32-bit
        default: return false;
        }
    }
    static void encode(T value, writer& out) { out.put_be(value); }
    static void encode_text(T value, std::string& out) { detail::append_integer(out, value); }
    static void decode(value_view in, T& out) { out = in.read_integer<T>(); }
    /// @}
};

/// `float` as `float4` (OID 700): binary, the IEEE 754 single, big-endian (`float4send`); reads
/// float4 columns only (a float8 column is not narrowed).
template <>
struct type<float> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "float4";
    static constexpr oid param_oid = oid::float4;
    static constexpr oid array_oid = oid::float4_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::float4; }
    static void encode(float value, writer& out) { out.put_be(value); }
    static void encode_text(float value, std::string& out) { detail::append_float(out, value); }
    static void decode(value_view in, float& out) { out = in.read_be<float>(); }
    /// @}
};

/// `double` as `float8` (OID 701): binary, the IEEE 754 double, big-endian (`float8send`); float4
/// columns widen exactly into double.
template <>
struct type<double> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "float8";
    static constexpr oid param_oid = oid::float8;
    static constexpr oid array_oid = oid::float8_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::float8 || column == oid::float4; }
    static void encode(double value, writer& out) { out.put_be(value); }
    static void encode_text(double value, std::string& out) { detail::append_float(out, value); }
    static void decode(value_view in, double& out)
    {
        out = in.type() == oid::float4 ? static_cast<double>(in.read_be<float>()) : in.read_be<double>();
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_SCALAR_HPP
// ----- end <typq/types/scalar.hpp> -----
// ----- begin <typq/types/text.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/text.hpp: strings. As parameters they travel as text with OID 0 (unspecified), so
// the server infers their type from the statement: a string can feed a date, json or enum column,
// as in psycopg. As results they read text-like columns, whose binary form is the text itself
// (text, varchar, bpchar, name, and server-defined ones such as citext).

#ifndef TYPQ_TYPES_TEXT_HPP
#define TYPQ_TYPES_TEXT_HPP


#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

namespace typq {
namespace detail {

inline constexpr bool is_text_column(oid column) noexcept
{
    return column == oid::text || column == oid::varchar || column == oid::bpchar || column == oid::name
        || column == oid::unknown;
}

// Also a server-defined type whose binary form is text's: citext, or another extension's.
inline bool is_text_column(oid column, const server_types& types)
{
    if (is_text_column(column))
        return true;
    const type_info* info = types.find(column);
    return info && info->text_binary;
}

// PostgreSQL text cannot hold NUL; libpq would silently cut a text parameter at the first one.
inline void encode_text(std::string_view text, writer& out)
{
    if (const auto at = text.find('\0'); at != std::string_view::npos)
        throw conversion_error("text contains a NUL byte at offset " + std::to_string(at)
                + ", which PostgreSQL text cannot hold (send binary data as bytea)",
            conversion_site{{}, "text", {}, {}});
    out.put_text(text);
}

struct text_parameter {
    static constexpr std::string_view sql_type = "text";
    static constexpr oid param_oid = oid::unspecified;
    static constexpr format param_format = format::text;
    // Inside a binary array the element type must be exact: text[] of text.
    static constexpr oid array_oid = oid::text_array;
    static constexpr oid element_oid = oid::text;
};

}  // namespace detail

/// `std::string` as text: a parameter is sent in text format with OID 0, so the server infers its
/// type from the statement; a result reads text, varchar, bpchar, name and unknown columns, and
/// server-defined types whose binary form is their text (citext). A NUL byte in a parameter throws
/// typq::conversion_error: PostgreSQL text cannot hold one.
template <>
struct type<std::string> : detail::text_parameter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr bool accepts(oid column) noexcept { return detail::is_text_column(column); }
    static bool accepts(oid column, const server_types& types) { return detail::is_text_column(column, types); }
    static void encode(const std::string& value, writer& out) { detail::encode_text(value, out); }
    static void encode_text(const std::string& value, std::string& out) { out += value; }
    static void decode(value_view in, std::string& out) { out.assign(in.data(), in.size()); }
    /// @}
};

/// `std::string_view` as text, as std::string is. As a result, a view into the result's memory:
/// valid while the `typq::result` lives, so `query_one` and friends, which return values that
/// outlive their result, refuse it.
template <>
struct type<std::string_view> : detail::text_parameter {
    /// True: a decoded view points into the result (see typq::type's `borrows`).
    static constexpr bool borrows = true;
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr bool accepts(oid column) noexcept { return detail::is_text_column(column); }
    static bool accepts(oid column, const server_types& types) { return detail::is_text_column(column, types); }
    static void encode(std::string_view value, writer& out) { detail::encode_text(value, out); }
    static void encode_text(std::string_view value, std::string& out) { out += value; }
    static void decode(value_view in, std::string_view& out) { out = in.text(); }
    /// @}
};

/// A NUL-terminated string, as a parameter only (text, as std::string). A null pointer throws
/// typq::conversion_error (use std::nullopt for NULL).
template <>
struct type<const char*> : detail::text_parameter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void encode(const char* value, writer& out)
    {
        if (!value)
            throw conversion_error("null const char* (use std::nullopt to send NULL)", conversion_site{{}, "text", {}, {}});
        out.put_text(value);
    }
    static void encode_text(const char* value, std::string& out)
    {
        std::string text;
        writer to(text);
        encode(value, to);
        out += text;
    }
    /// @}
};

/// A NUL-terminated string, as `const char*`.
template <>
struct type<char*> : type<const char*> {};

/// A character array, such as a string literal or a C buffer: the text up to its first NUL,
/// which may be followed only by more NULs (the buffer's unused end). Text after a NUL
/// (`"ab\0cd"`) is refused rather than cut, with typq::conversion_error. A parameter only (text, as
/// std::string).
template <std::size_t N>
struct type<char[N]> : detail::text_parameter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void encode(const char (&value)[N], writer& out)
    {
        std::size_t size = 0;
        while (size < N && value[size] != '\0')
            ++size;
        for (std::size_t rest = size; rest < N; ++rest)
            if (value[rest] != '\0')
                detail::encode_text(std::string_view(value, N), out);  // throws: names the NUL's offset
        out.put_text(std::string_view(value, size));
    }
    static void encode_text(const char (&value)[N], std::string& out)
    {
        std::string text;
        writer to(text);
        encode(value, to);
        out += text;
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_TEXT_HPP
// ----- end <typq/types/text.hpp> -----
// ----- begin <typq/types/bytea.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/bytea.hpp: bytea as std::vector<std::byte>, and std::span<const std::byte> as a
// parameter or a view into a result (byteasend: the raw bytes).

#ifndef TYPQ_TYPES_BYTEA_HPP
#define TYPQ_TYPES_BYTEA_HPP

// ----- begin <typq/detail/hex.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/detail/hex.hpp: hexadecimal digits, both ways, for the adapters that parse or print them
// (uuid, inet, macaddr) and for messages that show a byte or a word in hex.

#ifndef TYPQ_DETAIL_HEX_HPP
#define TYPQ_DETAIL_HEX_HPP

#include <string>  // append_hex, to_hex

namespace typq::detail {

/// 0..15 for a hex digit of either case, -1 otherwise.
constexpr int hex_digit(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// The lower-case digit of `value` & 15.
constexpr char lower_hex_digit(unsigned value) noexcept { return "0123456789abcdef"[value & 15U]; }

/// Appends the `digits` lowest hex digits of `value`, lower case, most significant first.
inline void append_hex(std::string& out, unsigned value, int digits)
{
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
        out += lower_hex_digit(value >> shift);
}

/// The `digits` lowest hex digits of `value`, lower case: `to_hex(0x2a, 2)` is "2a".
inline std::string to_hex(unsigned value, int digits)
{
    std::string out;
    append_hex(out, value, digits);
    return out;
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_HEX_HPP
// ----- end <typq/detail/hex.hpp> -----

#include <cstddef>      // std::byte
#include <span>         // std::span
#include <string>       // the text form
#include <string_view>  // sql_type
#include <vector>       // std::vector

namespace typq {
namespace detail {

struct bytea_parameter {
    static constexpr std::string_view sql_type = "bytea";
    static constexpr oid param_oid = oid::bytea;
    static constexpr oid array_oid = oid::bytea_array;
    static constexpr bool accepts(oid column) noexcept { return column == oid::bytea; }
    static void encode(std::span<const std::byte> value, writer& out) { out.put_bytes(value.data(), value.size()); }
    // byteaout's hex form: \x and two lower-case digits a byte.
    static void encode_text(std::span<const std::byte> value, std::string& out)
    {
        out.reserve(out.size() + 2 + 2 * value.size());
        out += "\\x";
        for (const std::byte b : value)
            append_hex(out, static_cast<unsigned>(b), 2);
    }
};

}  // namespace detail

/// `std::vector<std::byte>` as `bytea` (OID 17): binary, the bytes as they are (`byteasend`);
/// reads bytea columns.
template <>
struct type<std::vector<std::byte>> : detail::bytea_parameter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void decode(value_view in, std::vector<std::byte>& out)
    {
        const auto bytes = in.bytes();
        out.assign(bytes.begin(), bytes.end());
    }
    /// @}
};

/// `std::span<const std::byte>` as `bytea`, as std::vector<std::byte> is. As a result, a view into
/// the result's memory: valid while the `typq::result` lives.
template <>
struct type<std::span<const std::byte>> : detail::bytea_parameter {
    /// True: a decoded span points into the result (see typq::type's `borrows`).
    static constexpr bool borrows = true;
    /// The adapter's `decode`, as typq::type describes it.
    static void decode(value_view in, std::span<const std::byte>& out) { out = in.bytes(); }
};

/// `std::span<std::byte>` as a `bytea` parameter (it cannot be read from a result: read
/// std::vector<std::byte> or std::span<const std::byte>).
template <>
struct type<std::span<std::byte>> : detail::bytea_parameter {};

}  // namespace typq

#endif  // TYPQ_TYPES_BYTEA_HPP
// ----- end <typq/types/bytea.hpp> -----
// ----- begin <typq/types/optional.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/optional.hpp: NULL. std::optional<T> is NULL when empty, both ways; std::nullopt is
// a NULL parameter whose type the server infers.

#ifndef TYPQ_TYPES_OPTIONAL_HPP
#define TYPQ_TYPES_OPTIONAL_HPP


#include <optional>     // std::optional, std::nullopt_t
#include <string>       // text forms
#include <string_view>  // sql_type
#include <utility>      // std::move

namespace typq {
namespace detail {

template <class T>
struct optional_encoding {};

template <encodable T>
struct optional_encoding<T> : param_oid_like<T>, element_oid_like<T> {
    static constexpr format param_format = param_format_of<T>();
    static void encode(const std::optional<T>& value, writer& out) { type<T>::encode(*value, out); }
    static void encode_text(const std::optional<T>& value, std::string& out)
        requires text_encodable<T>
    {
        type<T>::encode_text(*value, out);
    }
};

template <class T>
struct optional_decoding {};
template <class T>
    requires requires { typename type<T>::parameter_only; }
struct optional_decoding<T> {
    using parameter_only = typename type<T>::parameter_only;  // its message, for std::optional<T> too
};

template <decodable T>
struct optional_decoding<T> {
    static bool accepts(oid column, const server_types& types) { return detail::accepts<T>(column, types); }
    static void decode(value_view in, std::optional<T>& out)
    {
        T value{};
        type<T>::decode(in, value);
        out = std::move(value);
    }
};

}  // namespace detail

/// The parameter and result encodings of T, plus NULL. The row decoder and the parameter
/// encoder call `is_null` / `set_null`; `encode` and `decode` only see values.
template <class T>
    requires detail::has_type<T>
struct type<std::optional<T>> : detail::optional_encoding<T>, detail::optional_decoding<T> {
    /// T's SQL type.
    static constexpr std::string_view sql_type = type<T>::sql_type;
    /// As T's: an optional view still points into the result.
    static constexpr bool borrows = detail::borrows<T>();

    /// True for an empty optional: the parameter is sent as NULL.
    static constexpr bool is_null(const std::optional<T>& value) noexcept { return !value.has_value(); }
    /// Empties `value`: what a NULL column becomes.
    static constexpr void set_null(std::optional<T>& value) noexcept { value.reset(); }
};

/// NULL, with OID 0 so that the server infers the type from the statement.
template <>
struct type<std::nullopt_t> {
    /// "unknown": the server decides.
    static constexpr std::string_view sql_type = "unknown";
    /// oid::unspecified (0): the server infers the type.
    static constexpr oid param_oid = oid::unspecified;

    /// Always true: std::nullopt is always sent as NULL.
    static constexpr bool is_null(std::nullopt_t) noexcept { return true; }
    /// Never called (is_null is always true); writes nothing.
    static void encode(std::nullopt_t, writer&) {}
};

}  // namespace typq

#endif  // TYPQ_TYPES_OPTIONAL_HPP
// ----- end <typq/types/optional.hpp> -----
// ----- begin <typq/types/numeric.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/numeric.hpp: typq::numeric, an exact decimal of any precision and scale kept in
// PostgreSQL's own form (sign, weight, display scale, base-10000 digits), and its binary adapter
// (numeric_send / numeric_recv).

#ifndef TYPQ_TYPES_NUMERIC_HPP
#define TYPQ_TYPES_NUMERIC_HPP


#include <charconv>      // std::to_chars / std::from_chars: double conversions
#include <compare>       // std::weak_ordering
#include <concepts>      // std::integral, std::same_as
#include <cstddef>       // std::size_t
#include <cstdint>       // the wire's 16-bit fields
#include <limits>        // integer limits, quiet_NaN, infinity
#include <span>          // digits()
#include <string>        // to_string(), messages
#include <string_view>   // parse()
#include <system_error>  // std::errc
#include <type_traits>   // std::make_unsigned_t, std::is_signed_v
#include <utility>       // std::move
#include <vector>        // the digits

namespace typq {
namespace detail {

// Every integer type but bool and the character types, up to 64 bits.
template <class T>
concept numeric_integer = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char>
    && !std::same_as<T, wchar_t> && !std::same_as<T, char8_t> && !std::same_as<T, char16_t>
    && !std::same_as<T, char32_t> && sizeof(T) <= 8;

[[noreturn]] inline void throw_numeric_error(const std::string& message)
{
    throw conversion_error(message, conversion_site{{}, "numeric", {}, {}});
}

// C's isspace in the "C" locale, which numeric_in uses around the value.
constexpr bool numeric_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

constexpr bool numeric_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Floor division by 4 (a decimal exponent to its base-10000 group), also for negative numbers.
constexpr long long numeric_group_of(long long exponent) noexcept
{
    return exponent >= 0 ? exponent / 4 : -((-exponent + 3) / 4);
}

}  // namespace detail

/// An exact decimal number as PostgreSQL's `numeric` holds it: any value the server can store
/// (up to 131072 digits before the point and 16383 after), NaN, +Infinity and -Infinity. The
/// display scale is kept: `1.50` prints as `1.50`, yet equals `1.5` (comparisons are by value,
/// in PostgreSQL's order, where NaN equals NaN and is greater than everything, +Infinity included).
///
/// The representation is the wire's: a sign, a weight (the power of 10000 of the first digit)
/// and base-10000 digits without leading or trailing zero digits, so encoding and decoding only
/// copy. typq::numeric does no arithmetic; it carries values between C++ and the server.
///
/// Conversions: from any integer (exact), `parse` (what the server's `numeric_in` accepts),
/// `from_double` (the shortest decimal that reads back as the same double); to integers with
/// `to<I>()` (exact: an error when out of range or when a fraction would be lost), `round_to<I>()`
/// (half away from zero, like the server's cast to int8), `truncate_to<I>()` (toward zero), and
/// `to_double()` (the nearest double, possibly inexact).
class numeric {
public:
    /// The largest display scale (digits after the point) a value can have.
    static constexpr int max_scale = 16383;
    /// The most digits a value can have before the point.
    static constexpr int max_integer_digits = 131072;

    /// Zero, with scale 0.
    numeric() = default;

    /// `value` exactly, with scale 0.
    template <detail::numeric_integer I>
    explicit numeric(I value)
    {
        using magnitude_type = std::make_unsigned_t<I>;
        auto magnitude = static_cast<magnitude_type>(value);
        if constexpr (std::is_signed_v<I>)
            if (value < 0) {
                magnitude = static_cast<magnitude_type>(magnitude_type{0} - magnitude);
                sign_ = negative_sign;
            }
        set_magnitude(static_cast<std::uint64_t>(magnitude));
    }

    /// Reads `text` as the server's `numeric_in` does.
    /// That is: optional spaces, an optional sign, digits
    /// with an optional point (`12`, `1.50`, `.5`, `5.`), an optional exponent (`1e-5`, `2E+3`),
    /// optional spaces; or `NaN`, `Infinity`, `+Infinity`, `-Infinity`, `inf`, `+inf`, `-inf` in
    /// any case. The scale is the number of digits after the point, less the exponent (at least 0).
    /// @throws typq::conversion_error for anything else, and for values the server cannot hold
    ///         (more than 131072 digits before the point, a scale above 16383).
    [[nodiscard]] static numeric parse(std::string_view text);

    /// The shortest decimal that reads back as exactly `value` (`0.1` for 0.1, `0.30000000000000004`
    /// for 0.1 + 0.2); NaN and the infinities map to NaN and the infinities; -0.0 gives 0.
    /// The server's `float8::numeric` keeps only 15 significant digits instead.
    [[nodiscard]] static numeric from_double(double value);

    /// NaN, which PostgreSQL's numeric has (equal to itself, greater than every other value).
    [[nodiscard]] static numeric nan() noexcept { return numeric(special_tag{}, nan_sign); }
    /// +Infinity.
    [[nodiscard]] static numeric infinity() noexcept { return numeric(special_tag{}, positive_infinity_sign); }
    /// -Infinity.
    [[nodiscard]] static numeric negative_infinity() noexcept { return numeric(special_tag{}, negative_infinity_sign); }

    /// The text the server prints for the value (`numeric_out`): `-1.50`, `0.000`, `NaN`,
    /// `Infinity`, `-Infinity`; never an exponent.
    [[nodiscard]] std::string to_string() const;

    /// True for NaN.
    [[nodiscard]] bool is_nan() const noexcept { return sign_ == nan_sign; }
    /// +Infinity or -Infinity.
    [[nodiscard]] bool is_infinite() const noexcept
    {
        return sign_ == positive_infinity_sign || sign_ == negative_infinity_sign;
    }
    /// Neither NaN nor an infinity.
    [[nodiscard]] bool is_finite() const noexcept { return sign_ == positive_sign || sign_ == negative_sign; }
    /// True for zero, whatever its scale (`0.000`).
    [[nodiscard]] bool is_zero() const noexcept { return is_finite() && digits_.empty(); }
    /// -1 for a negative value or -Infinity, 1 for a positive value or +Infinity, 0 for zero and NaN.
    [[nodiscard]] int sign() const noexcept
    {
        if (sign_ == negative_sign || sign_ == negative_infinity_sign)
            return -1;
        if (sign_ == positive_infinity_sign || (sign_ == positive_sign && !digits_.empty()))
            return 1;
        return 0;
    }

    /// The display scale: digits shown after the point (2 for `1.50`); 0 for NaN and infinities.
    [[nodiscard]] int scale() const noexcept { return dscale_; }
    /// The power of 10000 of the first base-10000 digit (0 for zero and the special values).
    [[nodiscard]] int weight() const noexcept { return weight_; }
    /// The base-10000 digits, most significant first, without leading or trailing zeros (empty
    /// for zero and the special values).
    [[nodiscard]] std::span<const std::int16_t> digits() const noexcept { return digits_; }

    /// The value as integer `I`.
    /// @throws typq::conversion_error for NaN, an infinity, a value out of `I`'s range, or a value
    ///         with a non-zero fraction (use round_to or truncate_to to drop it).
    template <detail::numeric_integer I>
    [[nodiscard]] I to() const
    {
        const auto parts = integer_parts();
        if (parts.fraction)
            detail::throw_numeric_error("numeric value has a fractional part, which an integer cannot hold "
                                        "(use round_to or truncate_to)");
        return fit<I>(parts.magnitude, parts.overflow);
    }

    /// The value rounded to the nearest integer, halves away from zero (as the server's cast to int8).
    /// @throws typq::conversion_error for NaN, an infinity or a result out of `I`'s range.
    template <detail::numeric_integer I>
    [[nodiscard]] I round_to() const
    {
        auto parts = integer_parts();
        if (parts.round_up && !parts.overflow) {
            parts.overflow = parts.magnitude == std::numeric_limits<std::uint64_t>::max();
            ++parts.magnitude;
        }
        return fit<I>(parts.magnitude, parts.overflow);
    }

    /// The integer part, the fraction dropped (toward zero).
    /// @throws typq::conversion_error for NaN, an infinity or a result out of `I`'s range.
    template <detail::numeric_integer I>
    [[nodiscard]] I truncate_to() const
    {
        const auto parts = integer_parts();
        return fit<I>(parts.magnitude, parts.overflow);
    }

    /// The nearest double (so possibly inexact: 0.1 is not a double); NaN and the infinities map
    /// to theirs.
    /// @throws typq::conversion_error when the value is beyond double's range, or so small that it
    ///         would become 0 (as the server's cast to float8 refuses them).
    [[nodiscard]] double to_double() const;

    /// Equal values, whatever their scales: `1.5 == 1.50`; NaN equals NaN.
    friend bool operator==(const numeric& a, const numeric& b) noexcept { return compare(a, b) == 0; }
    /// PostgreSQL's order: -Infinity, the finite values, +Infinity, NaN.
    friend std::weak_ordering operator<=>(const numeric& a, const numeric& b) noexcept
    {
        const int order = compare(a, b);
        return order < 0 ? std::weak_ordering::less
            : order > 0  ? std::weak_ordering::greater
                         : std::weak_ordering::equivalent;
    }

private:
    friend struct type<numeric>;

    // numeric_send's sign words.
    static constexpr std::uint16_t positive_sign = 0x0000;
    static constexpr std::uint16_t negative_sign = 0x4000;
    static constexpr std::uint16_t nan_sign = 0xC000;
    static constexpr std::uint16_t positive_infinity_sign = 0xD000;
    static constexpr std::uint16_t negative_infinity_sign = 0xF000;
    static constexpr int digit_base = 10000;
    static constexpr int max_weight = 32767;

    struct special_tag {};
    numeric(special_tag, std::uint16_t special) noexcept : sign_(special) {}

    struct integer_view {
        std::uint64_t magnitude = 0;
        bool overflow = false;  // the integer part does not fit 64 bits
        bool fraction = false;  // a non-zero digit after the point
        bool round_up = false;  // the first digit after the point is 5 or more
    };

    // The base-10000 digit of power `group` (0 outside the stored digits).
    [[nodiscard]] int digit_at(long long group) const noexcept
    {
        const long long index = static_cast<long long>(weight_) - group;
        if (index < 0 || index >= static_cast<long long>(digits_.size()))
            return 0;
        return digits_[static_cast<std::size_t>(index)];
    }

    void set_magnitude(std::uint64_t magnitude)
    {
        int groups = 0;
        for (auto rest = magnitude; rest != 0; rest /= digit_base)
            ++groups;
        digits_.assign(static_cast<std::size_t>(groups), 0);
        for (auto i = groups; i-- > 0; magnitude /= digit_base)
            digits_[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(magnitude % digit_base);
        weight_ = static_cast<std::int16_t>(groups - 1);
        normalize();
    }

    // make_result's stripping: no leading or trailing zero digits; zero is positive with weight 0.
    void normalize()
    {
        std::size_t leading = 0;
        while (leading < digits_.size() && digits_[leading] == 0)
            ++leading;
        if (leading > 0) {
            digits_.erase(digits_.begin(), digits_.begin() + static_cast<std::ptrdiff_t>(leading));
            weight_ = static_cast<std::int16_t>(weight_ - static_cast<int>(leading));
        }
        while (!digits_.empty() && digits_.back() == 0)
            digits_.pop_back();
        if (digits_.empty()) {
            weight_ = 0;
            sign_ = positive_sign;
        }
    }

    [[nodiscard]] integer_view integer_parts() const
    {
        if (is_nan())
            detail::throw_numeric_error("cannot convert numeric NaN to an integer");
        if (is_infinite())
            detail::throw_numeric_error("cannot convert numeric infinity to an integer");
        integer_view parts;
        constexpr auto limit = std::numeric_limits<std::uint64_t>::max();
        for (long long group = weight_; group >= 0 && !parts.overflow; --group) {
            const auto digit = static_cast<std::uint64_t>(digit_at(group));
            if (parts.magnitude > (limit - digit) / digit_base)
                parts.overflow = true;
            else
                parts.magnitude = parts.magnitude * digit_base + digit;
        }
        // Digits are stripped of trailing zeros: a fraction exists when the last one is after the point.
        parts.fraction = !digits_.empty() && static_cast<long long>(weight_) - static_cast<long long>(digits_.size()) + 1 < 0;
        parts.round_up = digit_at(-1) >= digit_base / 2;
        return parts;
    }

    template <class I>
    [[nodiscard]] I fit(std::uint64_t magnitude, bool overflow) const
    {
        using unsigned_type = std::make_unsigned_t<I>;
        constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<I>::max());
        if (!overflow) {
            if (sign_ != negative_sign) {
                if (magnitude <= max)
                    return static_cast<I>(magnitude);
            }
            else if constexpr (std::is_signed_v<I>) {
                if (magnitude <= max + 1)  // |min| is max + 1
                    return static_cast<I>(static_cast<unsigned_type>(unsigned_type{0} - static_cast<unsigned_type>(magnitude)));
            }
            else if (magnitude == 0)
                return 0;
        }
        detail::throw_numeric_error("numeric value is out of range for a " + std::to_string(sizeof(I) * 8) + "-bit "
            + (std::is_signed_v<I> ? "signed" : "unsigned") + " integer");
    }

    // cmp_numerics: -1, 0 or 1.
    [[nodiscard]] static int compare(const numeric& a, const numeric& b) noexcept
    {
        const auto rank = [](const numeric& n) {
            switch (n.sign_) {
            case negative_infinity_sign: return 0;
            case positive_infinity_sign: return 2;
            case nan_sign: return 3;
            default: return 1;
            }
        };
        if (rank(a) != rank(b))
            return rank(a) < rank(b) ? -1 : 1;
        if (rank(a) != 1)
            return 0;
        if (a.sign() != b.sign())
            return a.sign() < b.sign() ? -1 : 1;
        if (a.digits_.empty())
            return 0;
        int magnitude = 0;  // |a| against |b|
        if (a.weight_ != b.weight_)
            magnitude = a.weight_ < b.weight_ ? -1 : 1;
        else {
            std::size_t i = 0;
            for (; i < a.digits_.size() && i < b.digits_.size() && magnitude == 0; ++i)
                if (a.digits_[i] != b.digits_[i])
                    magnitude = a.digits_[i] < b.digits_[i] ? -1 : 1;
            // Without trailing zeros, the longer of two equal prefixes is the larger magnitude.
            if (magnitude == 0 && a.digits_.size() != b.digits_.size())
                magnitude = a.digits_.size() < b.digits_.size() ? -1 : 1;
        }
        return a.sign_ == negative_sign ? -magnitude : magnitude;
    }

    std::vector<std::int16_t> digits_;
    std::int16_t weight_ = 0;
    std::uint16_t sign_ = positive_sign;
    std::uint16_t dscale_ = 0;
};

inline numeric numeric::parse(std::string_view text)
{
    const auto syntax_error = [] {
        detail::throw_numeric_error("invalid input syntax for type numeric (expected digits with an optional "
                                    "point and exponent, NaN, Infinity or -Infinity)");
    };
    std::size_t at = 0;
    const auto n = text.size();
    while (at < n && detail::numeric_space(text[at]))
        ++at;

    // numeric_in tries the special words first, in this order, by case-insensitive prefix.
    const auto starts_with = [&](std::string_view word) {
        if (n - at < word.size())
            return false;
        for (std::size_t i = 0; i < word.size(); ++i) {
            char c = text[at + i];
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
            char w = word[i];
            if (w >= 'A' && w <= 'Z')
                w = static_cast<char>(w - 'A' + 'a');
            if (c != w)
                return false;
        }
        return true;
    };
    const auto rest_is_space = [&](std::size_t from) {
        for (; from < n; ++from)
            if (!detail::numeric_space(text[from]))
                return false;
        return true;
    };
    struct special_word {
        std::string_view word;
        std::uint16_t sign;
    };
    constexpr special_word specials[] = {{"NaN", nan_sign}, {"Infinity", positive_infinity_sign},
        {"+Infinity", positive_infinity_sign}, {"-Infinity", negative_infinity_sign}, {"inf", positive_infinity_sign},
        {"+inf", positive_infinity_sign}, {"-inf", negative_infinity_sign}};
    for (const auto& special : specials)
        if (starts_with(special.word)) {
            if (!rest_is_space(at + special.word.size()))
                syntax_error();
            return numeric(special_tag{}, special.sign);
        }

    // set_var_from_str: sign, digits, point, digits (at least one digit in all), exponent.
    bool negative = false;
    if (at < n && (text[at] == '+' || text[at] == '-'))
        negative = text[at++] == '-';
    const auto integer_begin = at;
    while (at < n && detail::numeric_digit(text[at]))
        ++at;
    const auto integer_digits = text.substr(integer_begin, at - integer_begin);
    std::string_view fraction_digits;
    if (at < n && text[at] == '.') {
        const auto fraction_begin = ++at;
        while (at < n && detail::numeric_digit(text[at]))
            ++at;
        fraction_digits = text.substr(fraction_begin, at - fraction_begin);
    }
    if (integer_digits.empty() && fraction_digits.empty())
        syntax_error();
    long long exponent = 0;
    if (at < n && (text[at] == 'e' || text[at] == 'E')) {
        // The exponent is read with strtol: leading spaces, a sign, at least one digit.
        ++at;
        while (at < n && detail::numeric_space(text[at]))
            ++at;
        bool negative_exponent = false;
        if (at < n && (text[at] == '+' || text[at] == '-'))
            negative_exponent = text[at++] == '-';
        const auto exponent_begin = at;
        for (; at < n && detail::numeric_digit(text[at]); ++at)
            if (exponent < 4'000'000'000LL)  // saturates, like strtol
                exponent = exponent * 10 + (text[at] - '0');
        if (at == exponent_begin)
            syntax_error();
        if (negative_exponent)
            exponent = -exponent;
    }
    if (!rest_is_space(at))
        syntax_error();

    const auto overflow = [] {
        detail::throw_numeric_error("value overflows numeric format (at most 131072 digits before the point and "
                                    "16383 after)");
    };
    constexpr long long exponent_limit = std::numeric_limits<int>::max() / 2;
    if (exponent >= exponent_limit || exponent <= -exponent_limit)
        overflow();
    const long long scale = static_cast<long long>(fraction_digits.size()) - exponent;
    if (scale > max_scale)
        overflow();

    numeric result;
    result.dscale_ = static_cast<std::uint16_t>(scale < 0 ? 0 : scale);
    // All the digits as one sequence: digit i has decimal exponent `point - 1 - i`.
    const auto digit_count = integer_digits.size() + fraction_digits.size();
    const auto digit = [&](std::size_t i) {
        return i < integer_digits.size() ? integer_digits[i] - '0' : fraction_digits[i - integer_digits.size()] - '0';
    };
    std::size_t first = 0;
    while (first < digit_count && digit(first) == 0)
        ++first;
    std::size_t end = digit_count;
    while (end > first && digit(end - 1) == 0)
        --end;
    if (first == end)
        return result;  // zero, with its scale
    const long long point = static_cast<long long>(integer_digits.size()) + exponent;
    const long long top = point - 1 - static_cast<long long>(first);  // decimal exponent of the first digit
    const long long bottom = point - static_cast<long long>(end);     // of the last
    const long long weight = detail::numeric_group_of(top);
    if (weight > max_weight)
        overflow();
    const long long lowest = detail::numeric_group_of(bottom);
    constexpr int powers[] = {1, 10, 100, 1000};
    result.digits_.assign(static_cast<std::size_t>(weight - lowest + 1), 0);
    for (auto i = first; i < end; ++i) {
        const long long e = top - static_cast<long long>(i - first);
        const long long group = detail::numeric_group_of(e);
        auto& target = result.digits_[static_cast<std::size_t>(weight - group)];
        target = static_cast<std::int16_t>(target + digit(i) * powers[e - group * 4]);
    }
    result.weight_ = static_cast<std::int16_t>(weight);
    result.sign_ = negative ? negative_sign : positive_sign;
    result.normalize();
    return result;
}

inline numeric numeric::from_double(double value)
{
    if (value != value)
        return nan();
    if (value == std::numeric_limits<double>::infinity())
        return infinity();
    if (value == -std::numeric_limits<double>::infinity())
        return negative_infinity();
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (ec != std::errc{})
        detail::throw_numeric_error("cannot format a double");  // 64 bytes always suffice
    return parse(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

inline std::string numeric::to_string() const
{
    switch (sign_) {
    case nan_sign: return "NaN";
    case positive_infinity_sign: return "Infinity";
    case negative_infinity_sign: return "-Infinity";
    default: break;
    }
    std::string text;
    text.reserve((weight_ > 0 ? static_cast<std::size_t>(weight_) * 4 + 4 : 4) + dscale_ + 2);
    if (sign_ == negative_sign)
        text += '-';
    const auto put_group = [&](int digit, int count) {  // the first `count` of its 4 decimal digits
        const char decimals[4] = {static_cast<char>('0' + digit / 1000), static_cast<char>('0' + digit / 100 % 10),
            static_cast<char>('0' + digit / 10 % 10), static_cast<char>('0' + digit % 10)};
        text.append(decimals, static_cast<std::size_t>(count));
    };
    if (weight_ < 0)
        text += '0';
    else {
        const auto leading = std::to_string(digit_at(weight_));
        text += leading;
        for (long long group = weight_ - 1; group >= 0; --group)
            put_group(digit_at(group), 4);
    }
    if (dscale_ > 0) {
        text += '.';
        int remaining = dscale_;
        for (long long group = -1; remaining > 0; --group, remaining -= 4)
            put_group(digit_at(group), remaining < 4 ? remaining : 4);
    }
    return text;
}

inline double numeric::to_double() const
{
    switch (sign_) {
    case nan_sign: return std::numeric_limits<double>::quiet_NaN();
    case positive_infinity_sign: return std::numeric_limits<double>::infinity();
    case negative_infinity_sign: return -std::numeric_limits<double>::infinity();
    default: break;
    }
    const auto text = to_string();
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range)
        detail::throw_numeric_error("numeric value is out of range for double");
    if (ec != std::errc{} || end != text.data() + text.size())
        detail::throw_numeric_error("cannot convert numeric to double");
    return value;
}

/// typq::numeric as `numeric` (OID 1700): binary, `numeric_send`'s digit count, weight, sign and
/// display scale (16 bits each), then the base-10000 digits. Reads numeric columns, and int2, int4
/// and int8 columns too (every integer is exactly a numeric, of scale 0); every field of a numeric
/// value is checked as `numeric_recv` checks it.
template <>
struct type<numeric> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "numeric";
    static constexpr oid param_oid = oid::numeric;
    static constexpr oid array_oid = oid::numeric_array;

    static constexpr bool accepts(oid column) noexcept
    {
        return column == oid::numeric || column == oid::int2 || column == oid::int4 || column == oid::int8;
    }

    // numeric_send: ndigits, weight, sign, dscale (16 bits each), then the digits.
    static void encode(const numeric& value, writer& out)
    {
        out.put_be(static_cast<std::uint16_t>(value.digits_.size()));
        out.put_be(value.weight_);
        out.put_be(value.sign_);
        // For an infinity numeric_send reads the display scale out of the short header's flag
        // bits (0x1000 >> 7 = 32); numeric_recv ignores the field for NaN and infinities.
        out.put_be(static_cast<std::uint16_t>(value.is_infinite() ? 0x20 : value.dscale_));
        for (const auto digit : value.digits_)
            out.put_be(digit);
    }

    static void encode_text(const numeric& value, std::string& out) { out += value.to_string(); }

    // numeric_recv: every field checked, as the server checks it; digits the display scale hides
    // are dropped (trunc_var), and leading and trailing zero digits stripped.
    static void decode(value_view in, numeric& out)
    {
        if (in.type() != oid::numeric) {
            out = numeric(in.read_integer<std::int64_t>());
            return;
        }
        const auto field = [&](std::size_t offset) { return in.subview(offset, 2, in.type()).read_be<std::uint16_t>(); };
        if (in.size() < 8)
            in.fail("numeric value is " + std::to_string(in.size()) + " bytes, shorter than its 8-byte header");
        const std::size_t count = field(0);
        const auto weight = static_cast<std::int16_t>(field(2));
        const std::uint16_t sign = field(4);
        const std::uint16_t scale = field(6);
        if (in.size() != 8 + 2 * count)
            in.fail("numeric value is " + std::to_string(in.size()) + " bytes, but its header announces "
                + std::to_string(count) + " digits (" + std::to_string(8 + 2 * count) + " bytes)");
        if (sign != numeric::positive_sign && sign != numeric::negative_sign && sign != numeric::nan_sign
            && sign != numeric::positive_infinity_sign && sign != numeric::negative_infinity_sign) {
            in.fail("invalid numeric sign word 0x" + detail::to_hex(sign, 4));
        }
        if (scale > numeric::max_scale)
            in.fail("numeric display scale " + std::to_string(scale) + " is above 16383");
        std::vector<std::int16_t> digits(count);
        for (std::size_t i = 0; i < count; ++i) {
            const auto digit = static_cast<std::int16_t>(field(8 + 2 * i));
            if (digit < 0 || digit >= numeric::digit_base)
                in.fail("numeric digit " + std::to_string(i) + " is " + std::to_string(digit)
                    + ", not a base-10000 digit");
            digits[i] = digit;
        }
        if (sign == numeric::nan_sign || sign == numeric::positive_infinity_sign
            || sign == numeric::negative_infinity_sign) {
            out = numeric(numeric::special_tag{}, sign);
            return;
        }
        // trunc_var: keep (weight + 1) * 4 + dscale decimal digits.
        const long long kept = (static_cast<long long>(weight) + 1) * 4 + scale;
        if (kept <= 0)
            digits.clear();
        else if (const auto groups = static_cast<std::size_t>((kept + 3) / 4); groups <= digits.size()) {
            digits.resize(groups);
            if (const auto partial = static_cast<int>(kept % 4); partial > 0) {
                constexpr int dropped[] = {1, 1000, 100, 10};
                digits.back() = static_cast<std::int16_t>(digits.back() - digits.back() % dropped[partial]);
            }
        }
        numeric value;
        value.digits_ = std::move(digits);
        value.weight_ = weight;
        value.sign_ = sign;
        value.dscale_ = scale;
        value.normalize();
        out = std::move(value);
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_NUMERIC_HPP
// ----- end <typq/types/numeric.hpp> -----
// ----- begin <typq/types/chrono.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/chrono.hpp: date and time on std::chrono, in binary (date_send, time_send,
// timetz_send, timestamp_send, timestamptz_send, interval_send): typq::timestamptz,
// typq::timestamp, typq::time_of_day, typq::time_of_day_tz, typq::interval, and adapters for
// std::chrono::sys_days, year_month_day, sys_time / local_time and duration. The only typq header
// that includes <chrono>.

#ifndef TYPQ_TYPES_CHRONO_HPP
#define TYPQ_TYPES_CHRONO_HPP


#include <chrono>       // the C++ side of every type here
#include <compare>      // operator<=>
#include <concepts>     // std::signed_integral
#include <cstdint>      // the wire's int4 and int8 fields
#include <limits>       // the infinities' wire values
#include <ratio>        // std::micro, std::ratio_divide
#include <string>       // messages
#include <string_view>  // sql_type, names in messages
#include <type_traits>  // std::false_type
#include <utility>      // std::in_range

namespace typq {

/// A `timestamptz`: an instant, microseconds since 1970-01-01 00:00:00 UTC. PostgreSQL stores
/// and sends a timestamptz as UTC; the session's `TimeZone` changes only how the server prints
/// and parses text, so a typq::timestamptz means the same instant whatever `SET TimeZone` says.
///
/// - `infinity` is `typq::timestamptz::max()` and `-infinity` is `typq::timestamptz::min()`, both
///   ways. Both are outside the finite values typq reads or writes.
/// - Finite values run from 4714-11-24 00:00:00 BC (PostgreSQL's first) to
///   294247-01-10 04:00:54.775806 UTC (one microsecond before `max()`, the last instant this
///   type holds besides infinity): the server's later values, up to 294276-12-31 23:59:59.999999,
///   are a `typq::conversion_error` when read, never wrapped.
/// - As parameters, `std::chrono::sys_time<D>` of other integer durations (`seconds`,
///   `milliseconds`, `nanoseconds`...) are sent exactly: a sub-microsecond remainder is a
///   `typq::conversion_error`, never rounded, and each type's `max()`/`min()` is ±infinity.
///   `sys_days` is a `date` (see below).
using timestamptz = std::chrono::sys_time<std::chrono::microseconds>;

/// A `timestamp` (without time zone): a wall-clock date and time in no particular zone,
/// microseconds since 1970-01-01 00:00:00 on `std::chrono::local_t`. `infinity`/`-infinity` are
/// `max()`/`min()` and the range is as for typq::timestamptz; other `local_time<D>` are parameters
/// as `sys_time<D>` are for timestamptz.
using timestamp = std::chrono::local_time<std::chrono::microseconds>;

namespace detail {

// PostgreSQL's epoch (POSTGRES_EPOCH_JDATE, 2000-01-01) on std::chrono's (1970-01-01).
inline constexpr std::int64_t pg_epoch_days =
    std::chrono::sys_days{std::chrono::year{2000} / 1 / 1}.time_since_epoch().count();
inline constexpr std::int64_t usecs_per_day = 86'400'000'000;
inline constexpr std::int64_t pg_epoch_usecs = pg_epoch_days * usecs_per_day;

// datatype/timestamp.h: dates run from Julian day 0 (DATETIME_MIN_JULIAN, 4714-11-24 BC) to
// DATE_END_JULIAN (5874898-01-01) exclusive, in days from 2000-01-01; timestamps from
// MIN_TIMESTAMP to END_TIMESTAMP (294277-01-01) exclusive, in microseconds. DATEVAL_NOBEGIN /
// DATEVAL_NOEND and DT_NOBEGIN / DT_NOEND are the infinities.
inline constexpr std::int32_t date_min = -2'451'545;
inline constexpr std::int32_t date_end = 2'147'483'494 - 2'451'545;
inline constexpr std::int64_t timestamp_min = -211'813'488'000'000'000;
inline constexpr std::int64_t timestamp_end = 9'223'371'331'200'000'000;
// timetz_recv refuses a zone displacement of TZDISP_LIMIT seconds or more (16 hours).
inline constexpr std::int32_t zone_limit = 16 * 3600;

// Every C++ microsecond count that is not max() maps below END_TIMESTAMP, so encoders check only
// the lower end; decoders refuse the server's values past the C++ range.
static_assert(std::numeric_limits<std::int64_t>::max() - pg_epoch_usecs < timestamp_end);
// sys_days::max()/min() lie outside the server's finite dates, so reading them as ±infinity
// hides no date.
static_assert(std::chrono::sys_days::max().time_since_epoch().count() >= date_end + pg_epoch_days);
static_assert(std::chrono::sys_days::min().time_since_epoch().count() < date_min + pg_epoch_days);

template <class D>
struct is_duration : std::false_type {};
template <class Rep, class Period>
struct is_duration<std::chrono::duration<Rep, Period>> : std::true_type {};

/// A duration with a signed integer count of at most 64 bits whose tick is a whole number of
/// microseconds or a whole fraction of one: it converts to and from microseconds exactly or not
/// at all, never by rounding.
template <class D>
concept wire_duration = is_duration<D>::value && std::signed_integral<typename D::rep>
    && sizeof(typename D::rep) <= 8
    && (std::ratio_divide<typename D::period, std::micro>::num == 1
        || std::ratio_divide<typename D::period, std::micro>::den == 1);

enum class duration_cast_result { exact, inexact, out_of_range };

// `count` units of one clock period as units of another, exactly: `Ratio` is the old period
// over the new one (a whole multiple, or a whole fraction such as 1/1000).
template <class Ratio>
constexpr duration_cast_result rescale_exactly(std::int64_t count, std::int64_t& out) noexcept
{
    if constexpr (Ratio::den == 1) {
        constexpr std::int64_t factor = Ratio::num;
        if (count > std::numeric_limits<std::int64_t>::max() / factor
            || count < std::numeric_limits<std::int64_t>::min() / factor)
            return duration_cast_result::out_of_range;
        out = count * factor;
    }
    else {
        constexpr std::int64_t divisor = Ratio::den;
        if (count % divisor != 0)
            return duration_cast_result::inexact;
        out = count / divisor;
    }
    return duration_cast_result::exact;
}

// `d` in microseconds, exactly.
template <class Rep, class Period>
constexpr duration_cast_result to_microseconds(std::chrono::duration<Rep, Period> d, std::int64_t& out) noexcept
{
    return rescale_exactly<std::ratio_divide<Period, std::micro>>(d.count(), out);
}

// `usecs` microseconds as a D, exactly.
template <class D>
constexpr duration_cast_result from_microseconds(std::int64_t usecs, D& out) noexcept
{
    std::int64_t count = 0;
    if (const auto rescaled = rescale_exactly<std::ratio_divide<std::micro, typename D::period>>(usecs, count);
        rescaled != duration_cast_result::exact)
        return rescaled;
    if (!std::in_range<typename D::rep>(count))
        return duration_cast_result::out_of_range;
    out = D{static_cast<typename D::rep>(count)};
    return duration_cast_result::exact;
}

// A C++ value that has no SQL value of its type. The message never shows the value (parameters
// can be secrets).
[[noreturn]] inline void throw_chrono_error(std::string_view sql_type, std::string_view cpp_type, std::string_view reason)
{
    throw conversion_error("cannot send a " + std::string(cpp_type) + " as " + std::string(sql_type) + ": "
            + std::string(reason),
        conversion_site{{}, std::string(sql_type), {}, std::string(cpp_type)});
}

// --- text, as the server prints it with DateStyle ISO (and reads it whatever the DateStyle) -----

inline void append_digits(std::string& out, long long value, int width)
{
    std::string digits = std::to_string(value);
    if (digits.size() < static_cast<std::size_t>(width))
        out.append(static_cast<std::size_t>(width) - digits.size(), '0');
    out += digits;
}

// `days` from 1970-01-01 as ISO `YYYY-MM-DD`, with the year of the proleptic Gregorian calendar
// (H. Hinnant's civil_from_days, on 64 bits: the server's dates reach the year 5874897).
// Returns whether the date is BC, which the server prints after the whole value.
inline bool append_iso_date(std::string& out, long long days)
{
    days += 719468;
    const long long era = (days >= 0 ? days : days - 146096) / 146097;
    const long long doe = days - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long long mp = (5 * doy + 2) / 153;
    const long long day = doy - (153 * mp + 2) / 5 + 1;
    const long long month = mp < 10 ? mp + 3 : mp - 9;
    const long long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    append_digits(out, year > 0 ? year : 1 - year, 4);
    out += '-';
    append_digits(out, month, 2);
    out += '-';
    append_digits(out, day, 2);
    return year <= 0;
}

// `usecs` (0 to 24 hours) as `HH:MM:SS[.ffffff]`.
inline void append_time_of_day(std::string& out, long long usecs)
{
    append_digits(out, usecs / 3'600'000'000, 2);
    out += ':';
    append_digits(out, usecs / 60'000'000 % 60, 2);
    out += ':';
    append_digits(out, usecs / 1'000'000 % 60, 2);
    if (long long fraction = usecs % 1'000'000; fraction != 0) {
        int width = 6;
        while (fraction % 10 == 0) {
            fraction /= 10;
            --width;
        }
        out += '.';
        append_digits(out, fraction, width);
    }
}

// Microseconds from 1970-01-01 as `YYYY-MM-DD HH:MM:SS[.ffffff]`, trailing zeros dropped.
inline bool append_iso_timestamp(std::string& out, long long usecs)
{
    long long days = usecs / usecs_per_day;
    long long rest = usecs % usecs_per_day;
    if (rest < 0) {
        rest += usecs_per_day;
        --days;
    }
    const bool bc = append_iso_date(out, days);
    out += ' ';
    append_time_of_day(out, rest);
    return bc;
}

// An interval's three parts as interval_in reads them, each with its sign, so that
// IntervalStyle sql_standard (where a leading minus applies to the unsigned fields after it)
// reads the same value: `+14 mons -3 days +14706789000 microseconds`.
inline void append_interval(std::string& out, std::int64_t months, std::int64_t days, std::int64_t usecs)
{
    const auto part = [&out](std::int64_t value, const char* unit) {
        if (value >= 0)
            out += '+';
        out += std::to_string(value);
        out += unit;
    };
    part(months, " mons ");
    part(days, " days ");
    part(usecs, " microseconds");
}

// --- date ---------------------------------------------------------------------------------------

// A finite day count from 1970-01-01 that the server has as a date.
inline void check_date_days(std::int64_t days_since_1970, std::string_view cpp_type)
{
    if (days_since_1970 < date_min + pg_epoch_days || days_since_1970 >= date_end + pg_epoch_days)
        throw_chrono_error("date", cpp_type, "outside PostgreSQL's dates, 4714-11-24 BC to 5874897-12-31");
}

// A finite day count from 1970-01-01 as date_send's int4 (days from 2000-01-01).
inline void encode_date_days(std::int64_t days_since_1970, std::string_view cpp_type, writer& out)
{
    check_date_days(days_since_1970, cpp_type);
    out.put_be(static_cast<std::int32_t>(days_since_1970 - pg_epoch_days));
}

// The same day as date_in reads it: `2024-01-02`, `4714-11-24 BC`.
inline void encode_date_days_text(std::int64_t days_since_1970, std::string_view cpp_type, std::string& out)
{
    check_date_days(days_since_1970, cpp_type);
    if (append_iso_date(out, days_since_1970))
        out += " BC";
}

// date_recv's checks: the int4, then either an infinity or a day within the server's range.
// Returns days from 1970-01-01, or INT32_MIN / INT32_MAX for -infinity / infinity.
inline std::int64_t decode_date_days(value_view in)
{
    const auto days = in.read_be<std::int32_t>();
    if (days == std::numeric_limits<std::int32_t>::min() || days == std::numeric_limits<std::int32_t>::max())
        return days;
    if (days < date_min || days >= date_end)
        in.fail("date " + std::to_string(days) + " days from 2000-01-01 is outside PostgreSQL's dates");
    return days + pg_epoch_days;
}

struct date_adapter {
    static constexpr std::string_view sql_type = "date";
    static constexpr oid param_oid = oid::date;
    static constexpr oid array_oid = oid::date_array;
    static constexpr bool accepts(oid column) noexcept { return column == oid::date; }
};

// --- timestamp and timestamptz --------------------------------------------------------------------

// A finite microsecond count from 1970-01-01 that the server has as a timestamp (every count
// that is not max() is before its last one).
inline void check_timestamp_usecs(std::int64_t usecs_since_1970, std::string_view sql_type, std::string_view cpp_type)
{
    if (usecs_since_1970 < timestamp_min + pg_epoch_usecs)
        throw_chrono_error(sql_type, cpp_type, "before PostgreSQL's first timestamp, 4714-11-24 00:00:00 BC");
}

// A finite microsecond count from 1970-01-01 as timestamp_send's int8 (from 2000-01-01).
inline void encode_timestamp_usecs(std::int64_t usecs_since_1970, std::string_view sql_type, std::string_view cpp_type,
    writer& out)
{
    check_timestamp_usecs(usecs_since_1970, sql_type, cpp_type);
    out.put_be(usecs_since_1970 - pg_epoch_usecs);
}

// timestamp_recv's checks, then the C++ range. Returns microseconds from 1970-01-01, or
// INT64_MIN / INT64_MAX for -infinity / infinity.
inline std::int64_t decode_timestamp_usecs(value_view in, std::string_view cpp_type)
{
    constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
    constexpr auto highest = std::numeric_limits<std::int64_t>::max();
    const auto usecs = in.read_be<std::int64_t>();
    if (usecs == lowest || usecs == highest)
        return usecs;
    if (usecs < timestamp_min || usecs >= timestamp_end)
        in.fail("timestamp " + std::to_string(usecs) + " microseconds from 2000-01-01 is outside PostgreSQL's timestamps");
    // One microsecond before max(), which means infinity.
    if (usecs >= highest - pg_epoch_usecs)
        in.fail("timestamp is after 294247-01-10 04:00:54.775806, the last that " + std::string(cpp_type) + " holds");
    return usecs + pg_epoch_usecs;
}

template <class Clock>
struct timestamp_names;
template <>
struct timestamp_names<std::chrono::system_clock> {
    static constexpr std::string_view sql_type = "timestamptz";
    static constexpr oid param_oid = oid::timestamptz;
    static constexpr oid array_oid = oid::timestamptz_array;
    static constexpr std::string_view cpp_type = "std::chrono::sys_time";
};
template <>
struct timestamp_names<std::chrono::local_t> {
    static constexpr std::string_view sql_type = "timestamp";
    static constexpr oid param_oid = oid::timestamp;
    static constexpr oid array_oid = oid::timestamp_array;
    static constexpr std::string_view cpp_type = "std::chrono::local_time";
};

// What a column cannot be read into: a time point of another precision than microseconds. Named
// by the adapter (`parameter_only`), so that reading one fails with this message.
template <class Clock, class Duration>
struct read_as_microseconds {
    static_assert(std::same_as<Clock, std::chrono::local_t> || always_false<Duration>,
        "typq: a timestamptz column is read into typq::timestamptz (std::chrono::sys_time<std::chrono::microseconds>"
        "), not into a std::chrono::sys_time of another precision (std::chrono::system_clock::time_point is "
        "sys_time<nanoseconds>): read typq::timestamptz, then convert (a sys_time<nanoseconds> holds it exactly). "
        "As a parameter, a time point with nanoseconds must be rounded first: "
        "std::chrono::round<std::chrono::microseconds>(t)");
    static_assert(std::same_as<Clock, std::chrono::system_clock> || always_false<Duration>,
        "typq: a timestamp column is read into typq::timestamp (std::chrono::local_time<std::chrono::microseconds>"
        "), not into a std::chrono::local_time of another precision: read typq::timestamp, then convert. As a "
        "parameter, a time point with nanoseconds must be rounded first: "
        "std::chrono::round<std::chrono::microseconds>(t)");
};

// Any time point of an exact duration as a parameter: max()/min() are ±infinity, others exact.
template <class Clock, class Duration>
struct timestamp_encoding : timestamp_names<Clock> {
    using time_point = std::chrono::time_point<Clock, Duration>;

    static void encode(const time_point& value, writer& out)
    {
        using names = timestamp_names<Clock>;
        if (value == time_point::max())
            return out.put_be(std::numeric_limits<std::int64_t>::max());
        if (value == time_point::min())
            return out.put_be(std::numeric_limits<std::int64_t>::min());
        encode_timestamp_usecs(exact_usecs(value), names::sql_type, names::cpp_type, out);
    }

    // timestamp_in's form: `2024-01-02 03:04:05.000006`, with `+00` for a timestamptz (read the
    // same whatever the session's TimeZone), ` BC` before year 1, or `infinity`.
    static void encode_text(const time_point& value, std::string& out)
    {
        using names = timestamp_names<Clock>;
        if (value == time_point::max()) {
            out += "infinity";
            return;
        }
        if (value == time_point::min()) {
            out += "-infinity";
            return;
        }
        const std::int64_t usecs = exact_usecs(value);
        check_timestamp_usecs(usecs, names::sql_type, names::cpp_type);
        const bool bc = append_iso_timestamp(out, usecs);
        if constexpr (std::same_as<Clock, std::chrono::system_clock>)
            out += "+00";
        if (bc)
            out += " BC";
    }

private:
    // A finite value in microseconds from 1970-01-01, exactly.
    static std::int64_t exact_usecs(const time_point& value)
    {
        using names = timestamp_names<Clock>;
        std::int64_t usecs = 0;
        switch (to_microseconds(value.time_since_epoch(), usecs)) {
        case duration_cast_result::exact: break;
        case duration_cast_result::inexact:
            throw_chrono_error(names::sql_type, names::cpp_type,
                "it has a part below a microsecond, which PostgreSQL cannot hold: round it first, "
                "std::chrono::round<std::chrono::microseconds>(t) (to the nearest microsecond, as the server "
                "rounds text), or std::chrono::floor<std::chrono::microseconds>(t) to truncate");
        case duration_cast_result::out_of_range:
            throw_chrono_error(names::sql_type, names::cpp_type, "outside PostgreSQL's timestamps");
        }
        return usecs;
    }
};

// The microsecond time points, read as well as written.
template <class Clock>
struct timestamp_adapter : timestamp_encoding<Clock, std::chrono::microseconds> {
    using time_point = std::chrono::time_point<Clock, std::chrono::microseconds>;

    static constexpr bool accepts(oid column) noexcept { return column == timestamp_names<Clock>::param_oid; }
    static void decode(value_view in, time_point& out)
    {
        const auto usecs = decode_timestamp_usecs(in, timestamp_names<Clock>::cpp_type);
        if (usecs == std::numeric_limits<std::int64_t>::max())
            out = time_point::max();
        else if (usecs == std::numeric_limits<std::int64_t>::min())
            out = time_point::min();
        else
            out = time_point{std::chrono::microseconds{usecs}};
    }
};

// Time points that are timestamps rather than dates: exact durations other than days.
template <class D>
concept timestamp_duration = wire_duration<D> && !std::same_as<D, std::chrono::days>;

}  // namespace detail

// --- date -----------------------------------------------------------------------------------------

/// `date` (OID 1082) <-> `std::chrono::sys_days`, binary: an int4 count of days since
/// 2000-01-01 (`date_send`). `infinity` is `sys_days::max()`, `-infinity` is
/// `sys_days::min()` (both far outside the server's finite dates, 4714-11-24 BC to
/// 5874897-12-31). Other days are sent as they are, or refused with `typq::conversion_error`
/// when the server has no such date.
template <>
struct type<std::chrono::sys_days> : detail::date_adapter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void encode(const std::chrono::sys_days& value, writer& out)
    {
        if (value == std::chrono::sys_days::max())
            return out.put_be(std::numeric_limits<std::int32_t>::max());
        if (value == std::chrono::sys_days::min())
            return out.put_be(std::numeric_limits<std::int32_t>::min());
        detail::encode_date_days(value.time_since_epoch().count(), "std::chrono::sys_days", out);
    }
    static void encode_text(const std::chrono::sys_days& value, std::string& out)
    {
        if (value == std::chrono::sys_days::max())
            out += "infinity";
        else if (value == std::chrono::sys_days::min())
            out += "-infinity";
        else
            detail::encode_date_days_text(value.time_since_epoch().count(), "std::chrono::sys_days", out);
    }
    static void decode(value_view in, std::chrono::sys_days& out)
    {
        const auto days = detail::decode_date_days(in);
        if (days == std::numeric_limits<std::int32_t>::max())
            out = std::chrono::sys_days::max();
        else if (days == std::numeric_limits<std::int32_t>::min())
            out = std::chrono::sys_days::min();
        else
            out = std::chrono::sys_days{std::chrono::days{days}};
    }
    /// @}
};

/// `date` <-> `std::chrono::local_days`, as `sys_days` (a date names no zone either way), in the
/// same binary form.
template <>
struct type<std::chrono::local_days> : detail::date_adapter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void encode(const std::chrono::local_days& value, writer& out)
    {
        type<std::chrono::sys_days>::encode(std::chrono::sys_days{value.time_since_epoch()}, out);
    }
    static void encode_text(const std::chrono::local_days& value, std::string& out)
    {
        type<std::chrono::sys_days>::encode_text(std::chrono::sys_days{value.time_since_epoch()}, out);
    }
    static void decode(value_view in, std::chrono::local_days& out)
    {
        std::chrono::sys_days day;
        type<std::chrono::sys_days>::decode(in, day);
        out = std::chrono::local_days{day.time_since_epoch()};
    }
    /// @}
};

/// `date` <-> `std::chrono::year_month_day` (proleptic Gregorian; 1 BC is year 0, 4714 BC is
/// year -4713), in `date_send`'s binary form, as `sys_days`. A `year_month_day` holds years
/// -32767 to 32767 and no infinity: later or earlier dates and ±infinity are a
/// `typq::conversion_error` when read (read them as `sys_days`), and a date that is not `ok()` is
/// one when sent.
template <>
struct type<std::chrono::year_month_day> : detail::date_adapter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void encode(const std::chrono::year_month_day& value, writer& out)
    {
        if (!value.ok())
            detail::throw_chrono_error("date", "std::chrono::year_month_day", "it is not a valid date (ok() is false)");
        detail::encode_date_days(std::chrono::sys_days{value}.time_since_epoch().count(), "std::chrono::year_month_day", out);
    }
    static void encode_text(const std::chrono::year_month_day& value, std::string& out)
    {
        if (!value.ok())
            detail::throw_chrono_error("date", "std::chrono::year_month_day", "it is not a valid date (ok() is false)");
        detail::encode_date_days_text(std::chrono::sys_days{value}.time_since_epoch().count(),
            "std::chrono::year_month_day", out);
    }
    static void decode(value_view in, std::chrono::year_month_day& out)
    {
        using namespace std::chrono;
        constexpr auto first = sys_days{year::min() / January / 1}.time_since_epoch().count();
        constexpr auto last = sys_days{year::max() / December / 31}.time_since_epoch().count();
        const auto days = detail::decode_date_days(in);
        if (days == std::numeric_limits<std::int32_t>::max() || days == std::numeric_limits<std::int32_t>::min())
            in.fail("infinity has no std::chrono::year_month_day (read it as std::chrono::sys_days)");
        if (days < first || days > last)
            in.fail("date is outside the years -32767 to 32767 that std::chrono::year_month_day holds");
        out = year_month_day{sys_days{std::chrono::days{days}}};
    }
    /// @}
};

// --- timestamptz and timestamp ----------------------------------------------------------------------

/// `timestamptz` (OID 1184) <-> typq::timestamptz (`sys_time<microseconds>`), binary: an int8
/// count of microseconds since 2000-01-01 00:00:00 UTC (`timestamptz_send`). See typq::timestamptz
/// for infinity, the range and the session `TimeZone`.
template <>
struct type<timestamptz> : detail::timestamp_adapter<std::chrono::system_clock> {};

/// `timestamp` (OID 1114) <-> typq::timestamp (`local_time<microseconds>`), binary: an int8 count
/// of microseconds since 2000-01-01 00:00:00 (`timestamp_send`). See typq::timestamp.
template <>
struct type<timestamp> : detail::timestamp_adapter<std::chrono::local_t> {};

/// `std::chrono::sys_time<D>` parameters of other exact durations (seconds, milliseconds,
/// nanoseconds...), as `timestamptz`: sent exactly or refused (see typq::timestamptz).
/// They are parameters only: a column is read into typq::timestamptz (a `system_clock::now()` is
/// sent as `std::chrono::round<std::chrono::microseconds>(std::chrono::system_clock::now())`).
template <detail::timestamp_duration Duration>
    requires(!std::same_as<Duration, std::chrono::microseconds>)
struct type<std::chrono::time_point<std::chrono::system_clock, Duration>>
    : detail::timestamp_encoding<std::chrono::system_clock, Duration> {
    /// Marks the adapter as a parameter's only: reading a column into this type fails to compile,
    /// with a message that says to read typq::timestamptz.
    using parameter_only = detail::read_as_microseconds<std::chrono::system_clock, Duration>;
};

/// `std::chrono::local_time<D>` parameters of other exact durations, as `timestamp`.
template <detail::timestamp_duration Duration>
    requires(!std::same_as<Duration, std::chrono::microseconds>)
struct type<std::chrono::time_point<std::chrono::local_t, Duration>>
    : detail::timestamp_encoding<std::chrono::local_t, Duration> {
    /// Marks the adapter as a parameter's only: reading a column into this type fails to compile,
    /// with a message that says to read typq::timestamp.
    using parameter_only = detail::read_as_microseconds<std::chrono::local_t, Duration>;
};

// --- time -------------------------------------------------------------------------------------------

/// A `time` (of day, without time zone): microseconds since midnight, from 00:00:00 to 24:00:00
/// inclusive, as PostgreSQL allows.
class time_of_day {
public:
    /// Midnight, 00:00:00.
    constexpr time_of_day() noexcept = default;

    /// The time `since_midnight` after midnight (hours, minutes, seconds and microseconds convert
    /// implicitly; finer durations need an explicit, rounding `std::chrono::duration_cast`).
    /// @throws typq::conversion_error unless 0 <= since_midnight <= 24h.
    constexpr explicit time_of_day(std::chrono::microseconds since_midnight) : since_midnight_(since_midnight)
    {
        if (since_midnight < std::chrono::microseconds{0} || since_midnight > std::chrono::hours{24})
            out_of_range();
    }

    /// The time of day `hms` (its `to_duration()` after midnight).
    /// @throws typq::conversion_error when `hms` is negative or beyond 24:00:00.
    constexpr explicit time_of_day(const std::chrono::hh_mm_ss<std::chrono::microseconds>& hms)
        : time_of_day(hms.to_duration())
    {
    }

    /// 24:00:00, the end of the day, which PostgreSQL's `time` includes.
    [[nodiscard]] static constexpr time_of_day end_of_day() noexcept
    {
        time_of_day end;
        end.since_midnight_ = std::chrono::hours{24};
        return end;
    }

    /// Microseconds since midnight, 0 to 86'400'000'000.
    [[nodiscard]] constexpr std::chrono::microseconds since_midnight() const noexcept { return since_midnight_; }

    /// As `std::chrono::hh_mm_ss`. 24:00:00 becomes the `hh_mm_ss` of the duration 24h, whose
    /// `hours()` is 24: a valid `hh_mm_ss` but not a time of day that `is_am`/`make12` handle.
    [[nodiscard]] constexpr std::chrono::hh_mm_ss<std::chrono::microseconds> to_hh_mm_ss() const noexcept
    {
        return std::chrono::hh_mm_ss<std::chrono::microseconds>{since_midnight_};
    }
    /// As to_hh_mm_ss().
    constexpr explicit operator std::chrono::hh_mm_ss<std::chrono::microseconds>() const noexcept
    {
        return to_hh_mm_ss();
    }

    /// Equal when the times are.
    friend constexpr bool operator==(const time_of_day&, const time_of_day&) noexcept = default;
    /// Earlier times first; 24:00:00 is last.
    friend constexpr std::strong_ordering operator<=>(const time_of_day& a, const time_of_day& b) noexcept
    {
        return a.since_midnight_.count() <=> b.since_midnight_.count();
    }

private:
    [[noreturn]] static void out_of_range()
    {
        throw conversion_error("a typq::time_of_day must be between 00:00:00 and 24:00:00",
            conversion_site{{}, "time", {}, "typq::time_of_day"});
    }

    std::chrono::microseconds since_midnight_{0};
};

namespace detail {

// time_recv's range: 0 to USECS_PER_DAY inclusive.
inline time_of_day decode_time_of_day(value_view in)
{
    const auto usecs = in.read_be<std::int64_t>();
    if (usecs < 0 || usecs > usecs_per_day)
        in.fail("time " + std::to_string(usecs) + " microseconds is outside 00:00:00 to 24:00:00");
    return time_of_day{std::chrono::microseconds{usecs}};
}

}  // namespace detail

/// `time` (OID 1083) <-> typq::time_of_day, 00:00:00 to 24:00:00, binary: an int8 count of
/// microseconds since midnight (`time_send`); a value outside that range is refused when read.
template <>
struct type<time_of_day> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "time";
    static constexpr oid param_oid = oid::time;
    static constexpr oid array_oid = oid::time_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::time; }
    static void encode(const time_of_day& value, writer& out) { out.put_be(value.since_midnight().count()); }
    static void encode_text(const time_of_day& value, std::string& out)
    {
        detail::append_time_of_day(out, value.since_midnight().count());
    }
    static void decode(value_view in, time_of_day& out) { out = detail::decode_time_of_day(in); }
    /// @}
};

// --- timetz -----------------------------------------------------------------------------------------

/// A `timetz`: a time of day and its offset from UTC, positive east of Greenwich (`12:00+05:30`
/// is {12:00, +19800s}). PostgreSQL allows offsets up to 15:59:59 either way, to the second.
/// Equal when both members are equal (as the server's `=` on timetz is not: it compares the
/// instants first); no ordering, since member order is not the server's.
struct time_of_day_tz {
    /// The time of day, local to the offset.
    time_of_day time;
    /// The offset from UTC, positive east of Greenwich; less than 16 hours either way.
    std::chrono::seconds utc_offset{0};

    /// Equal when both the times and the offsets are.
    friend constexpr bool operator==(const time_of_day_tz&, const time_of_day_tz&) noexcept = default;
};

/// `timetz` (OID 1266) <-> typq::time_of_day_tz, binary: the time as an int8 count of microseconds,
/// then the zone as an int4 count of seconds west of UTC (`timetz_send`: the offset's opposite).
/// An offset of 16 hours or more is a `typq::conversion_error`, both ways.
template <>
struct type<time_of_day_tz> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "timetz";
    static constexpr oid param_oid = oid::timetz;
    static constexpr oid array_oid = oid::timetz_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::timetz; }
    static void encode(const time_of_day_tz& value, writer& out)
    {
        const auto offset = value.utc_offset.count();
        if (offset <= -detail::zone_limit || offset >= detail::zone_limit)
            detail::throw_chrono_error("timetz", "typq::time_of_day_tz", "its UTC offset is 16 hours or more");
        out.put_be(value.time.since_midnight().count());
        // timetz_send's zone is in seconds west of UTC: the offset's opposite.
        out.put_be(static_cast<std::int32_t>(-offset));
    }
    // timetz_in's form: the time, then the offset east of UTC, `12:00:00+05:30:00`.
    static void encode_text(const time_of_day_tz& value, std::string& out)
    {
        const auto offset = value.utc_offset.count();
        if (offset <= -detail::zone_limit || offset >= detail::zone_limit)
            detail::throw_chrono_error("timetz", "typq::time_of_day_tz", "its UTC offset is 16 hours or more");
        detail::append_time_of_day(out, value.time.since_midnight().count());
        const long long east = offset < 0 ? -offset : offset;
        out += offset < 0 ? '-' : '+';
        detail::append_digits(out, east / 3600, 2);
        out += ':';
        detail::append_digits(out, east / 60 % 60, 2);
        out += ':';
        detail::append_digits(out, east % 60, 2);
    }
    static void decode(value_view in, time_of_day_tz& out)
    {
        if (in.size() != 12)
            in.fail("value is " + std::to_string(in.size()) + " bytes, expected 12");
        const auto time = detail::decode_time_of_day(in.subview(0, 8, oid::timetz));
        const auto zone = in.subview(8, 4, oid::timetz).read_be<std::int32_t>();
        if (zone <= -detail::zone_limit || zone >= detail::zone_limit)
            in.fail("time zone displacement " + std::to_string(zone) + " seconds is 16 hours or more");
        out = time_of_day_tz{time, std::chrono::seconds{-zone}};
    }
    /// @}
};

// --- interval ---------------------------------------------------------------------------------------

/// An `interval` as PostgreSQL keeps it: months, days and microseconds, each with its own sign
/// (`1 year 2 mons -3 days 04:05:06.789` is {14, -3, 14'706'789'000}). The parts are not
/// normalised: a day is not always 24 hours, nor a month 30 days, so equality is member by member
/// (the server's `=` normalises) and there is no ordering.
struct interval {
    /// Months (a year is 12).
    std::int32_t months = 0;
    /// Days, not converted to or from hours.
    std::int32_t days = 0;
    /// The time part, in microseconds.
    std::int64_t microseconds = 0;

    /// Member by member: `1 day` is not `24:00:00` here.
    friend constexpr bool operator==(const interval&, const interval&) noexcept = default;
};

/// `interval` (OID 1186) <-> typq::interval, every value, binary: the microseconds (int8), days
/// (int4), months (int4), as `interval_send` orders them.
template <>
struct type<interval> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "interval";
    static constexpr oid param_oid = oid::interval;
    static constexpr oid array_oid = oid::interval_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::interval; }
    static void encode(const interval& value, writer& out)
    {
        out.put_be(value.microseconds);
        out.put_be(value.days);
        out.put_be(value.months);
    }
    static void encode_text(const interval& value, std::string& out)
    {
        detail::append_interval(out, value.months, value.days, value.microseconds);
    }
    static void decode(value_view in, interval& out)
    {
        // interval_send: time (int8), day (int4), month (int4).
        if (in.size() != 16)
            in.fail("value is " + std::to_string(in.size()) + " bytes, expected 16");
        out.microseconds = in.subview(0, 8, oid::interval).read_be<std::int64_t>();
        out.days = in.subview(8, 4, oid::interval).read_be<std::int32_t>();
        out.months = in.subview(12, 4, oid::interval).read_be<std::int32_t>();
    }
    /// @}
};

/// `interval` <-> `std::chrono::duration` of an integer count (`seconds`, `microseconds`,
/// `nanoseconds`, `hours`...), in `interval_send`'s binary form. Sent as the interval's time part
/// alone (`std::chrono::days{3}` is `72:00:00`, which the server's `=` finds equal to `3 days`).
/// Read only from intervals without months or days, and only when the value fits the duration
/// exactly; anything else is a `typq::conversion_error` (read such intervals as typq::interval).
template <detail::wire_duration Duration>
struct type<Duration> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "interval";
    static constexpr oid param_oid = oid::interval;
    static constexpr oid array_oid = oid::interval_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::interval; }
    static void encode(const Duration& value, writer& out)
    {
        type<interval>::encode(interval{0, 0, exact_usecs(value)}, out);
    }
    static void encode_text(const Duration& value, std::string& out)
    {
        type<interval>::encode_text(interval{0, 0, exact_usecs(value)}, out);
    }
    static void decode(value_view in, Duration& out)
    {
        interval value;
        type<interval>::decode(in, value);
        if (value.months != 0 || value.days != 0)
            in.fail("interval has months or days, which a std::chrono::duration cannot hold (read it as typq::interval)");
        switch (detail::from_microseconds(value.microseconds, out)) {
        case detail::duration_cast_result::exact: break;
        case detail::duration_cast_result::inexact:
            in.fail("interval is not a whole number of the std::chrono::duration's ticks");
        case detail::duration_cast_result::out_of_range:
            in.fail("interval is outside the std::chrono::duration's range");
        }
    }
    /// @}

private:
    static std::int64_t exact_usecs(const Duration& value)
    {
        std::int64_t usecs = 0;
        switch (detail::to_microseconds(value, usecs)) {
        case detail::duration_cast_result::exact: break;
        case detail::duration_cast_result::inexact:
            detail::throw_chrono_error("interval", "std::chrono::duration", "it has a part below a microsecond, "
                                                                            "which PostgreSQL cannot hold");
        case detail::duration_cast_result::out_of_range:
            detail::throw_chrono_error("interval", "std::chrono::duration", "it is too long for an interval");
        }
        return usecs;
    }
};

}  // namespace typq

#endif  // TYPQ_TYPES_CHRONO_HPP
// ----- end <typq/types/chrono.hpp> -----
// ----- begin <typq/types/array.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/array.hpp: PostgreSQL arrays in binary (array_send / array_recv) of every type whose
// adapter declares `array_oid`: std::vector<T> and std::array<T, N>, nested for more dimensions,
// std::optional<T> elements for NULLs, and typq::array<T>, which keeps the dimensions' lower bounds.

#ifndef TYPQ_TYPES_ARRAY_HPP
#define TYPQ_TYPES_ARRAY_HPP

// ----- begin <typq/detail/type_name.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/detail/type_name.hpp: readable C++ type names for error messages ("std::int32_t",
// "std::optional<std::string>"). Built only when an error is thrown, so plain std::string is fine.

#ifndef TYPQ_DETAIL_TYPE_NAME_HPP
#define TYPQ_DETAIL_TYPE_NAME_HPP

#include <cstddef>      // std::byte
#include <cstdint>      // the fixed-width names
#include <optional>     // std::optional's name
#include <string>       // the names
#include <string_view>  // __PRETTY_FUNCTION__ slices
#include <tuple>        // std::tuple's name
#include <vector>       // std::vector's name

namespace typq::detail {

template <class T>
consteval std::string_view pretty_type_text()
{
    return __PRETTY_FUNCTION__;
}

// g++ 12 prints "... [with T = double; std::string_view = ...]", clang 14 "... [T = double]":
// measure where the name starts and how much follows it once, on a type whose spelling is known.
inline constexpr std::string_view type_name_calibration = pretty_type_text<double>();
inline constexpr std::size_t type_name_prefix = type_name_calibration.find("double");
inline constexpr std::size_t type_name_suffix =
    type_name_calibration.size() - type_name_prefix - std::string_view("double").size();

template <class T>
consteval std::string_view compiler_type_name()
{
    constexpr std::string_view text = pretty_type_text<T>();
    return text.substr(type_name_prefix, text.size() - type_name_prefix - type_name_suffix);
}

static_assert(compiler_type_name<unsigned char>() == "unsigned char",
    "typq: this compiler spells __PRETTY_FUNCTION__ differently; type names would be wrong");

template <class T>
struct type_name_of {
    static std::string name()
    {
        std::string text(compiler_type_name<T>());
        // libstdc++ spells std::string in full; say it the way users write it.
        for (std::string_view long_name :
            {std::string_view("std::__cxx11::basic_string<char>"), std::string_view("std::basic_string<char>")}) {
            for (auto at = text.find(long_name); at != std::string::npos; at = text.find(long_name, at))
                text.replace(at, long_name.size(), "std::string");
        }
        return text;
    }
};

template <class T>
std::string type_name()
{
    return type_name_of<T>::name();
}

// The fixed-width integers print as int/long on this platform; users wrote std::int32_t.
template <> struct type_name_of<std::int16_t> { static std::string name() { return "std::int16_t"; } };
template <> struct type_name_of<std::int32_t> { static std::string name() { return "std::int32_t"; } };
template <> struct type_name_of<std::int64_t> { static std::string name() { return "std::int64_t"; } };
template <> struct type_name_of<std::string> { static std::string name() { return "std::string"; } };
template <> struct type_name_of<std::string_view> { static std::string name() { return "std::string_view"; } };
template <> struct type_name_of<std::byte> { static std::string name() { return "std::byte"; } };

template <class T>
struct type_name_of<std::optional<T>> {
    static std::string name() { return "std::optional<" + type_name<T>() + ">"; }
};
template <class T>
struct type_name_of<std::vector<T>> {
    static std::string name() { return "std::vector<" + type_name<T>() + ">"; }
};
template <class... T>
struct type_name_of<std::tuple<T...>> {
    static std::string name()
    {
        std::string text = "std::tuple<";
        bool first = true;
        ((text += (first ? "" : ", ") + type_name<T>(), first = false), ...);
        return text + ">";
    }
};

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_TYPE_NAME_HPP
// ----- end <typq/detail/type_name.hpp> -----

#include <array>             // std::array adapter, fixed-size header fields
#include <concepts>          // std::same_as
#include <cstddef>           // std::byte, std::size_t
#include <cstdint>           // std::int32_t, std::uint64_t
#include <initializer_list>  // typq::array::at
#include <optional>          // std::optional elements
#include <string>            // messages, text forms
#include <string_view>       // sql_type
#include <type_traits>       // std::is_same_v
#include <utility>           // std::move
#include <vector>            // std::vector adapter, typq::array storage

namespace typq {

/// One dimension of a `typq::array`: how many elements it has and the subscript of its first one
/// (PostgreSQL's `array_length(a, d)` and `array_lower(a, d)`).
struct array_dimension {
    /// The number of elements along this dimension.
    std::int32_t length = 0;
    /// The subscript of the first of them (1 unless the array says otherwise).
    std::int32_t lower_bound = 1;

    /// Equal when the lengths and the lower bounds are.
    friend bool operator==(const array_dimension&, const array_dimension&) = default;
};

namespace detail {

// PostgreSQL's MAXDIM and MaxArraySize (utils/array.h): the most dimensions and elements an array has.
inline constexpr int array_max_dimensions = 6;
inline constexpr std::uint64_t array_max_elements = 0x3fffffffU / 8U;  // MaxAllocSize / sizeof(Datum)

/// A type that can be one element of an array: its adapter (or, for std::optional<U>, U's)
/// declares `array_oid`, or has its OID looked up on the server (which knows its array type too).
/// std::vector<std::byte> is one (bytea), std::vector<int> is not.
template <class T>
concept array_scalar = requires { type<nullable_base_t<T>>::array_oid; }
    || (looked_up<nullable_base_t<T>> && !requires { type<nullable_base_t<T>>::is_array_adapter; });

// The shape of a C++ array type: `rank` nested std::vector / std::array levels around a scalar.
template <class T>
struct array_shape {
    static constexpr bool valid = array_scalar<T>;
    static constexpr int rank = 0;
    using scalar = T;
};

template <class U>
    requires(!array_scalar<std::vector<U>>)
struct array_shape<std::vector<U>> {
    static constexpr bool valid = array_shape<U>::valid;
    static constexpr int rank = array_shape<U>::rank + 1;
    static constexpr bool resizable = true;
    static constexpr std::size_t extent = 0;
    using scalar = typename array_shape<U>::scalar;
    using value_type = U;
};

template <class U, std::size_t N>
    requires(!array_scalar<std::array<U, N>>)
struct array_shape<std::array<U, N>> {
    static constexpr bool valid = array_shape<U>::valid;
    static constexpr int rank = array_shape<U>::rank + 1;
    static constexpr bool resizable = false;
    static constexpr std::size_t extent = N;
    using scalar = typename array_shape<U>::scalar;
    using value_type = U;
};

/// What std::vector<T> and std::array<T, N> can hold to be a PostgreSQL array: a scalar, or
/// more vectors and std::arrays around one, at most 6 dimensions deep in all.
template <class T>
concept array_element = array_shape<T>::valid && array_shape<T>::rank < array_max_dimensions;

// "int4[]" from "int4", at compile time.
template <class Base>
struct array_sql_type {
    static constexpr std::string_view element = type<Base>::sql_type;
    static constexpr auto text = [] {
        std::array<char, element.size() + 2> out{};
        for (std::size_t i = 0; i < element.size(); ++i)
            out[i] = element[i];
        out[element.size()] = '[';
        out[element.size() + 1] = ']';
        return out;
    }();
    static constexpr std::string_view value{text.data(), text.size()};
};

/// The array's header, as array_send writes it: dimensions, element type, each dimension's length
/// and lower bound; then `count` elements from `offset`.
struct array_header {
    int dimensions = 0;
    oid element = oid::unspecified;
    std::array<std::int32_t, array_max_dimensions> lengths{};
    std::array<std::int32_t, array_max_dimensions> lower_bounds{};
    std::size_t count = 0;
    std::size_t offset = 0;
};

// `[2]`, or `[1][0]` in two dimensions: an element's C++ subscripts (0-based) from its
// row-major position.
inline std::string describe_array_position(std::size_t index, const array_header& header)
{
    std::array<std::size_t, array_max_dimensions> subscripts{};
    for (int d = header.dimensions; d-- > 0;) {
        const auto length = static_cast<std::size_t>(header.lengths[static_cast<std::size_t>(d)]);
        subscripts[static_cast<std::size_t>(d)] = length == 0 ? 0 : index % length;
        index = length == 0 ? 0 : index / length;
    }
    std::string text;
    for (int d = 0; d < header.dimensions || d == 0; ++d)
        text += "[" + std::to_string(subscripts[static_cast<std::size_t>(d)]) + "]";
    return text;
}

// An element adapter's error, rethrown with which element it was about.
[[noreturn]] inline void rethrow_for_array_element(const conversion_error& e, std::size_t index, const array_header& header)
{
    throw conversion_error(std::string(e.what()) + " (array element " + describe_array_position(index, header) + ")",
        conversion_site{e.column(), e.sql_type(), e.field(), e.cpp_type()});
}

inline std::int32_t read_array_int32(value_view in, std::size_t offset)
{
    return in.subview(offset, 4, in.type()).read_be<std::int32_t>();
}

/// Reads and checks the header (array_recv): 0 to 6 dimensions, a has-null flag of 0 or 1, no
/// negative length, no upper bound past int4, at most MaxArraySize elements, and no more
/// elements than the bytes left could hold (each takes at least its 4-byte length), so that
/// nothing is allocated for a count the value cannot back.
inline array_header read_array_header(value_view in)
{
    array_header header;
    if (in.size() < 12)
        in.fail("array is " + std::to_string(in.size()) + " bytes, too short for its 12-byte header");
    const std::int32_t dimensions = read_array_int32(in, 0);
    if (dimensions < 0 || dimensions > array_max_dimensions)
        in.fail("array has " + std::to_string(dimensions) + " dimensions, expected 0 to "
            + std::to_string(array_max_dimensions));
    const std::int32_t flags = read_array_int32(in, 4);
    if (flags != 0 && flags != 1)
        in.fail("array has-null flag is " + std::to_string(flags) + ", expected 0 or 1");
    header.element = static_cast<oid>(in.subview(8, 4, in.type()).read_be<std::uint32_t>());
    header.dimensions = dimensions;
    header.offset = 12 + 8 * static_cast<std::size_t>(dimensions);
    if (in.size() < header.offset)
        in.fail("array is " + std::to_string(in.size()) + " bytes, too short for the header of "
            + std::to_string(dimensions) + " dimensions (" + std::to_string(header.offset) + " bytes)");

    std::uint64_t count = dimensions == 0 ? 0 : 1;
    for (std::size_t d = 0; d < static_cast<std::size_t>(dimensions); ++d) {
        const std::int32_t length = read_array_int32(in, 12 + 8 * d);
        const std::int32_t lower_bound = read_array_int32(in, 16 + 8 * d);
        const std::string which = "array dimension " + std::to_string(d + 1);
        if (length < 0)
            in.fail(which + " has length " + std::to_string(length));
        if (static_cast<std::int64_t>(lower_bound) + length - 1 > INT32_MAX)
            in.fail(which + " has lower bound " + std::to_string(lower_bound) + " and length "
                + std::to_string(length) + ": its upper bound is past int4");
        // count <= MaxArraySize < 2^27 and length < 2^31 here: the product fits in 64 bits.
        count *= static_cast<std::uint64_t>(length);
        if (count > array_max_elements)
            in.fail("array has more than " + std::to_string(array_max_elements) + " elements, PostgreSQL's limit");
        header.lengths[d] = length;
        header.lower_bounds[d] = lower_bound;
    }
    if (count > (in.size() - header.offset) / 4)
        in.fail("array has " + std::to_string(count) + " elements but only " + std::to_string(in.size() - header.offset)
            + " bytes for them");
    header.count = static_cast<std::size_t>(count);
    // A dimension of length 0 makes the empty array, whatever the others say (array_recv reads
    // it as '{}'): keeping them would make empty nested vectors of those lengths.
    if (count == 0)
        header.dimensions = 0;
    return header;
}

/// Walks the elements after the header, one length-prefixed value (or NULL) at a time.
class array_reader {
public:
    array_reader(value_view in, const array_header& header) noexcept
        : in_(in), header_(&header), offset_(header.offset)
    {
    }

    /// The next element's bytes, typed as the header's element type; false for NULL.
    bool next(value_view& element)
    {
        index_ = next_index_++;
        if (in_.size() - offset_ < 4)
            fail("is missing: the array ends at byte " + std::to_string(in_.size()));
        const std::int32_t length = read_array_int32(in_, offset_);
        offset_ += 4;
        if (length == -1)
            return false;
        if (length < 0)
            fail("has length " + std::to_string(length));
        if (static_cast<std::size_t>(length) > in_.size() - offset_)
            fail("is " + std::to_string(length) + " bytes, past the end of the array (" + std::to_string(in_.size() - offset_)
                + " bytes left)");
        element = in_.subview(offset_, static_cast<std::size_t>(length), header_->element);
        offset_ += static_cast<std::size_t>(length);
        return true;
    }

    [[noreturn]] void fail(std::string_view what) const
    {
        in_.fail("array element " + describe_array_position(index_, *header_) + " " + std::string(what));
    }

    [[noreturn]] void rethrow(const conversion_error& e) const { rethrow_for_array_element(e, index_, *header_); }

    /// After the last element: nothing may follow it.
    void finish() const
    {
        if (offset_ != in_.size())
            in_.fail("array has " + std::to_string(in_.size() - offset_) + " bytes after its last element");
    }

private:
    value_view in_;
    const array_header* header_;
    std::size_t offset_;
    std::size_t index_ = 0;
    std::size_t next_index_ = 0;
};

template <class Scalar>
void decode_array_element(array_reader& reader, Scalar& out)
{
    value_view element(nullptr, 0, oid::unspecified);
    if (!reader.next(element)) {
        if constexpr (receives_null<Scalar>) {
            type<Scalar>::set_null(out);
            return;
        }
        else
            reader.fail("is NULL, but " + type_name<Scalar>() + " cannot hold NULL (use std::optional<"
                + type_name<Scalar>() + ">)");
    }
    try {
        type<Scalar>::decode(element, out);
    }
    catch (const conversion_error& e) {
        reader.rethrow(e);
    }
}

// std::vector<bool> hands out proxies: decode into a bool, then store it.
template <class Scalar, class Container>
void decode_array_element_at(array_reader& reader, Container& out, std::size_t i)
{
    if constexpr (std::is_same_v<Container, std::vector<bool>>) {
        bool value = false;
        decode_array_element(reader, value);
        out[i] = value;
    }
    else
        decode_array_element<Scalar>(reader, out[i]);
}

// Checks that Scalar reads the header's element type, then replaces a domain element type by
// its base type, whose binary form the elements have.
template <class Scalar>
void check_array_element_type(value_view in, array_header& header)
{
    using base = nullable_base_t<Scalar>;
    if (!accepts<base>(header.element, in.types()))
        in.fail("array elements are " + describe_sql_type(header.element, &in.types()) + ", which " + type_name<Scalar>()
            + " cannot read");
    header.element = in.types().strip_domains(header.element);
}

// The first dimension (from `level`) whose length a std::array level cannot take (level -1: none).
struct array_extent_mismatch_at {
    int level = -1;
    std::size_t extent = 0;
};

template <class C>
array_extent_mismatch_at array_extent_mismatch(const array_header& header, int level)
{
    using shape = array_shape<C>;
    if constexpr (!shape::resizable) {
        if (static_cast<std::size_t>(header.lengths[static_cast<std::size_t>(level)]) != shape::extent)
            return {level, shape::extent};
    }
    if constexpr (array_shape<typename shape::value_type>::rank > 0)
        return array_extent_mismatch<typename shape::value_type>(header, level + 1);
    else
        return {};
}

template <class C>
void fill_array(C& out, const array_header& header, int level, array_reader& reader)
{
    using shape = array_shape<C>;
    using value_type = typename shape::value_type;
    const auto length = static_cast<std::size_t>(header.lengths[static_cast<std::size_t>(level)]);
    if constexpr (shape::resizable) {
        out.clear();
        out.resize(length);
    }
    for (std::size_t i = 0; i < length; ++i) {
        if constexpr (array_shape<value_type>::rank > 0)
            fill_array(out[i], header, level + 1, reader);
        else
            decode_array_element_at<value_type>(reader, out, i);
    }
}

/// Decodes into nested std::vector / std::array levels: the array must have as many dimensions
/// (or none: the empty array), and each std::array level exactly its extent. Lower bounds are
/// not kept.
template <class C>
void decode_nested_array(value_view in, C& out)
{
    using shape = array_shape<C>;
    array_header header = read_array_header(in);
    check_array_element_type<typename shape::scalar>(in, header);
    array_reader reader(in, header);
    if (header.dimensions == 0) {
        reader.finish();
        if constexpr (shape::resizable)
            out.clear();
        else if constexpr (shape::extent != 0)
            in.fail("array is empty, but " + type_name<C>() + " takes " + std::to_string(shape::extent) + " elements");
        return;
    }
    if (header.dimensions != shape::rank)
        in.fail("array has " + std::to_string(header.dimensions) + " dimension(s), but " + type_name<C>() + " has "
            + std::to_string(shape::rank));
    if (const auto mismatch = array_extent_mismatch<C>(header, 0); mismatch.level >= 0)
        in.fail("array dimension " + std::to_string(mismatch.level + 1) + " has length "
            + std::to_string(header.lengths[static_cast<std::size_t>(mismatch.level)]) + ", but " + type_name<C>()
            + " takes " + std::to_string(mismatch.extent) + " there");
    fill_array(out, header, 0, reader);
    reader.finish();
}

/// Writes array_send's header: `dimensions` lengths with their lower bounds (none for the empty array).
inline void write_array_header(writer& out, const array_header& header, bool has_null)
{
    out.put_be(static_cast<std::int32_t>(header.dimensions));
    out.put_be(static_cast<std::int32_t>(has_null ? 1 : 0));
    out.put_be(static_cast<std::uint32_t>(header.element));
    for (std::size_t d = 0; d < static_cast<std::size_t>(header.dimensions); ++d) {
        out.put_be(header.lengths[d]);
        out.put_be(header.lower_bounds[d]);
    }
}

[[noreturn]] inline void throw_array_encode_error(std::string_view sql_type, const std::string& reason)
{
    throw conversion_error("cannot encode " + std::string(sql_type) + ": " + reason,
        conversion_site{{}, std::string(sql_type), {}, {}});
}

/// The element type written in an array's header, when it is known at compile time:
/// `element_oid` when the element's adapter declares one, else its `param_oid`; unspecified for
/// a type looked up on the server (element_oid_of gives it at run time).
template <class Base>
consteval oid array_element_oid()
{
    if constexpr (requires { type<Base>::element_oid; })
        return type<Base>::element_oid;
    else if constexpr (looked_up<Base>)
        return oid::unspecified;
    else
        return type<Base>::param_oid;
}

/// Appends one element, framed (its length first, -1 for NULL).
template <class Scalar>
void encode_array_element(const Scalar& value, writer& out, std::size_t index, const array_header& header)
{
    try {
        out.put_value(value);
    }
    catch (const conversion_error& e) {
        rethrow_for_array_element(e, index, header);
    }
}

// Each level's length, from the first element at each level (0 below an empty level).
template <class C>
void measure_array(const C& value, std::array<std::size_t, array_max_dimensions>& lengths, std::size_t level)
{
    lengths[level] = value.size();
    if constexpr (array_shape<typename array_shape<C>::value_type>::rank > 0) {
        if (!value.empty())
            measure_array(*value.begin(), lengths, level + 1);
    }
}

// Every container at `level` has lengths[level] elements; else the first that does not is named.
template <class C>
void check_rectangular(const C& value, const std::array<std::size_t, array_max_dimensions>& lengths, std::size_t level,
    std::array<std::size_t, array_max_dimensions>& path, std::string_view sql_type)
{
    using value_type = typename array_shape<C>::value_type;
    if (value.size() != lengths[level]) {
        std::string where;
        std::string first;
        for (std::size_t d = 0; d < level; ++d) {
            where += "[" + std::to_string(path[d]) + "]";
            first += "[0]";
        }
        throw_array_encode_error(sql_type, "the nested containers are not rectangular: element " + where + " has "
                + std::to_string(value.size()) + " elements, but element " + first + " has "
                + std::to_string(lengths[level]));
    }
    if constexpr (array_shape<value_type>::rank > 0) {
        if constexpr (array_shape<value_type>::resizable || array_shape<value_type>::rank > 1) {
            std::size_t i = 0;
            for (const auto& inner : value) {
                path[level] = i++;
                check_rectangular(inner, lengths, level + 1, path, sql_type);
            }
        }
    }
}

// Calls f(element) on every scalar, in row-major order.
template <class C, class F>
void for_each_array_scalar(const C& value, F& f)
{
    using value_type = typename array_shape<C>::value_type;
    for (const auto& inner : value) {
        if constexpr (array_shape<value_type>::rank > 0)
            for_each_array_scalar(inner, f);
        else
            f(static_cast<const value_type&>(inner));
    }
}

template <class Scalar, class Elements>
bool array_has_null(const Elements& elements)
{
    bool has_null = false;
    if constexpr (sends_null<Scalar>) {
        auto check = [&](const Scalar& value) { has_null = has_null || type<Scalar>::is_null(value); };
        for_each_array_scalar(elements, check);
    }
    return has_null;
}

/// Encodes nested std::vector / std::array levels: rectangular (checked), lower bounds 1; an
/// array with no elements is sent as the empty array (no dimensions), as array_send does.
template <class C>
void encode_nested_array(const C& value, writer& out)
{
    using shape = array_shape<C>;
    using scalar = typename shape::scalar;
    using base = nullable_base_t<scalar>;
    constexpr std::string_view sql_type = array_sql_type<base>::value;

    std::array<std::size_t, array_max_dimensions> lengths{};
    measure_array(value, lengths, 0);
    std::array<std::size_t, array_max_dimensions> path{};
    check_rectangular(value, lengths, 0, path, sql_type);

    array_header header;
    header.element = element_oid_of<base>(out.types());
    std::size_t count = 1;
    for (std::size_t d = 0; d < static_cast<std::size_t>(shape::rank); ++d) {
        if (lengths[d] > static_cast<std::size_t>(INT32_MAX))
            throw_array_encode_error(sql_type, "array dimension " + std::to_string(d + 1) + " has "
                    + std::to_string(lengths[d]) + " elements, more than int4 can count");
        header.lengths[d] = static_cast<std::int32_t>(lengths[d]);
        header.lower_bounds[d] = 1;
        count *= lengths[d];
    }
    header.dimensions = count == 0 ? 0 : shape::rank;
    write_array_header(out, header, array_has_null<scalar>(value));
    if (count == 0)
        return;

    std::size_t index = 0;
    auto put = [&](const scalar& element) { encode_array_element<scalar>(element, out, index++, header); };
    for_each_array_scalar(value, put);
}

// One element in an array's text form: NULL, or its text form, quoted as array_out quotes.
template <class Scalar>
void append_array_scalar_text(const Scalar& value, std::string& out)
{
    using base = nullable_base_t<Scalar>;
    std::string text;
    if constexpr (std::same_as<Scalar, base>)
        type<base>::encode_text(value, text);
    else if (!value) {
        out += "NULL";
        return;
    }
    else
        type<base>::encode_text(*value, text);
    append_array_element(out, text);
}

// One level of nested containers as array_in reads it: `{a,b}`, `{{1,2},{3,4}}`.
template <class C>
void append_array_level_text(const C& value, std::string& out)
{
    using value_type = typename array_shape<C>::value_type;
    out += '{';
    bool first = true;
    for (const auto& inner : value) {
        if (!first)
            out += ',';
        first = false;
        if constexpr (array_shape<value_type>::rank > 0)
            append_array_level_text(inner, out);
        else
            append_array_scalar_text<value_type>(static_cast<const value_type&>(inner), out);
    }
    out += '}';
}

/// Nested std::vector / std::array levels in array_in's text form; rectangular (checked), and
/// `{}` when there are no elements, as for the binary form.
template <class C>
void encode_nested_array_text(const C& value, std::string& out)
{
    using base = nullable_base_t<typename array_shape<C>::scalar>;
    constexpr std::string_view sql_type = array_sql_type<base>::value;
    std::array<std::size_t, array_max_dimensions> lengths{};
    measure_array(value, lengths, 0);
    std::array<std::size_t, array_max_dimensions> path{};
    check_rectangular(value, lengths, 0, path, sql_type);
    std::size_t count = 1;
    for (std::size_t d = 0; d < static_cast<std::size_t>(array_shape<C>::rank); ++d)
        count *= lengths[d];
    if (count == 0)
        out += "{}";
    else
        append_array_level_text(value, out);
}

// The parts of an array adapter that exist when the element can be sent / read.
template <class C, class Scalar>
struct array_encoding {};

template <class C, class Scalar>
    requires encodable<Scalar>
struct array_encoding<C, Scalar> {
    static_assert(array_element_oid<nullable_base_t<Scalar>>() != oid::unspecified || looked_up<nullable_base_t<Scalar>>,
        "typq: an array element needs a known type OID: declare element_oid (or param_oid) in its typq::type");
    static_assert(param_format_of<nullable_base_t<Scalar>>() == format::binary
            || requires { type<nullable_base_t<Scalar>>::element_oid; },
        "typq: an element sent as text can be an array element only if its typq::type declares element_oid "
        "(its text is then the binary form of that type, as for text)");

    static constexpr oid param_oid = type<nullable_base_t<Scalar>>::array_oid;
};

// An array of a type looked up on the server is looked up too, by its name ("mood[]").
template <class C, class Scalar>
    requires encodable<Scalar> && looked_up<nullable_base_t<Scalar>>
struct array_encoding<C, Scalar> {
    static constexpr bool lookup_oid = true;
};

template <class C, class Scalar>
struct array_decoding {};

template <class C, class Scalar>
    requires decodable<Scalar>
struct array_decoding<C, Scalar> {
    /// The element adapter's array type, or an array of any element type it reads (an int4[]
    /// into std::vector<std::int64_t>; a server-defined array, such as an array of a domain, the
    /// server describes). Each value's header is checked again.
    static bool accepts(oid column, const server_types& types)
    {
        using base = nullable_base_t<Scalar>;
        if constexpr (!looked_up<base>) {
            if (column == type<base>::array_oid)
                return true;
        }
        oid element = array_element_type(column);
        if (element == oid::unspecified) {
            const type_info* info = types.find(column);
            if (!info)
                return false;
            element = info->element;
        }
        return element != oid::unspecified && detail::accepts<base>(element, types);
    }
};

template <class Scalar>
struct array_adapter_base {
    // An array of a looked-up type is looked up too, but is not itself an element type.
    static constexpr bool is_array_adapter = true;
    // What an element is read as (std::optional removed): for the compile-time schema check.
    using element_type = nullable_base_t<Scalar>;
    static constexpr std::string_view sql_type = array_sql_type<nullable_base_t<Scalar>>::value;
    static constexpr bool borrows = detail::borrows<Scalar>();
};

/// The adapter of nested std::vector / std::array levels `C` around the element type `Scalar`.
/// (Scalar is given rather than read from array_shape<C>: whether array_shape<C> is a level asks
/// whether type<C> declares array_oid, which instantiates this class.)
template <class C, class Scalar>
struct nested_array_adapter : array_adapter_base<Scalar>, array_encoding<C, Scalar>, array_decoding<C, Scalar> {
    static void encode(const C& value, writer& out)
        requires encodable<Scalar>
    {
        encode_nested_array(value, out);
    }
    static void encode_text(const C& value, std::string& out)
        requires text_encodable<nullable_base_t<Scalar>>
    {
        encode_nested_array_text(value, out);
    }
    static void decode(value_view in, C& out)
        requires decodable<Scalar>
    {
        decode_nested_array(in, out);
    }
};

}  // namespace detail

/// A PostgreSQL array as PostgreSQL keeps it: its elements in row-major order, and each
/// dimension's length and lower bound (``'[0:2]={1,2,3}'`` has one dimension {3, 0}). For arrays
/// whose subscripts matter; std::vector<T> reads the same arrays without them. `T` is an element
/// type (its typq::type declares `array_oid`), or a std::optional of one for NULLs.
///
/// An array with no elements has no dimensions, as in PostgreSQL (the constructors drop them).
/// @throws typq::usage_error from the constructors when the dimensions do not describe the
///         elements: more than 6, a negative length, an upper bound past int4, or a product of the
///         lengths that is not the number of elements.
template <class T>
class array {
    static_assert(detail::array_scalar<T>,
        "typq::array<T>: T must be an array element type (its typq::type declares array_oid) or a std::optional of one; "
        "the dimensions are given to the constructor, not nested in T");

public:
    /// The element type, T.
    using value_type = T;
    /// std::size_t.
    using size_type = std::size_t;
    /// A reference to an element.
    using reference = typename std::vector<T>::reference;
    /// A reference to a const element.
    using const_reference = typename std::vector<T>::const_reference;
    /// An iterator over the elements in row-major order.
    using iterator = typename std::vector<T>::iterator;
    /// A const iterator over the elements in row-major order.
    using const_iterator = typename std::vector<T>::const_iterator;

    /// The empty array.
    array() = default;

    /// A one-dimensional array whose first subscript is `lower_bound`.
    explicit array(std::vector<T> elements, std::int32_t lower_bound = 1) : elements_(std::move(elements))
    {
        if (elements_.empty())
            return;
        if (elements_.size() > static_cast<std::size_t>(INT32_MAX))
            throw usage_error("typq::array: " + std::to_string(elements_.size()) + " elements, more than int4 can count");
        dimensions_.push_back({static_cast<std::int32_t>(elements_.size()), lower_bound});
        check();
    }

    /// `elements` in row-major order (the last dimension varies fastest) over `dimensions`.
    array(std::vector<T> elements, std::vector<array_dimension> dimensions)
        : elements_(std::move(elements)), dimensions_(std::move(dimensions))
    {
        check();
    }

    /// Each dimension's length and lower bound, outermost first; none for the empty array.
    [[nodiscard]] const std::vector<array_dimension>& dimensions() const noexcept { return dimensions_; }
    /// The number of dimensions (PostgreSQL's `array_ndims`, but 0 rather than NULL when empty).
    [[nodiscard]] std::size_t ndims() const noexcept { return dimensions_.size(); }
    /// Every element, in row-major order.
    [[nodiscard]] const std::vector<T>& elements() const noexcept { return elements_; }

    /// The number of elements, in all dimensions.
    [[nodiscard]] std::size_t size() const noexcept { return elements_.size(); }
    /// True when there are no elements (and so no dimensions).
    [[nodiscard]] bool empty() const noexcept { return elements_.empty(); }
    /// The element at row-major position `index` (0-based, whatever the lower bounds); `index`
    /// must be below size().
    [[nodiscard]] const_reference operator[](std::size_t index) const { return elements_[index]; }
    /// The element at row-major position `index`, to change it; `index` must be below size().
    [[nodiscard]] reference operator[](std::size_t index) { return elements_[index]; }

    /// The element at PostgreSQL's subscripts, one per dimension, counted from each lower bound
    /// (`a[0]` of ``'[0:2]={1,2,3}'`` is `at({0})`).
    /// @throws typq::usage_error for the wrong number of subscripts or one out of bounds.
    [[nodiscard]] const_reference at(std::initializer_list<std::int32_t> subscripts) const
    {
        if (subscripts.size() != dimensions_.size())
            throw usage_error("typq::array::at: " + std::to_string(subscripts.size()) + " subscript(s) for an array of "
                + std::to_string(dimensions_.size()) + " dimension(s)");
        std::size_t index = 0;
        std::size_t d = 0;
        for (const std::int32_t subscript : subscripts) {
            const array_dimension& dimension = dimensions_[d++];
            const std::int64_t offset = static_cast<std::int64_t>(subscript) - dimension.lower_bound;
            if (offset < 0 || offset >= dimension.length)
                throw usage_error("typq::array::at: subscript " + std::to_string(subscript) + " is outside dimension "
                    + std::to_string(d) + " [" + std::to_string(dimension.lower_bound) + ":"
                    + std::to_string(static_cast<std::int64_t>(dimension.lower_bound) + dimension.length - 1) + "]");
            index = index * static_cast<std::size_t>(dimension.length) + static_cast<std::size_t>(offset);
        }
        return elements_[index];
    }

    /// The first element in row-major order.
    [[nodiscard]] const_iterator begin() const noexcept { return elements_.begin(); }
    /// Past the last element.
    [[nodiscard]] const_iterator end() const noexcept { return elements_.end(); }
    /// The first element in row-major order, to change the elements.
    [[nodiscard]] iterator begin() noexcept { return elements_.begin(); }
    /// Past the last element.
    [[nodiscard]] iterator end() noexcept { return elements_.end(); }

    /// Equal when the elements and the dimensions (lengths and lower bounds) are.
    friend bool operator==(const array&, const array&) = default;

private:
    void check()
    {
        if (dimensions_.size() > static_cast<std::size_t>(detail::array_max_dimensions))
            throw usage_error("typq::array: " + std::to_string(dimensions_.size()) + " dimensions, PostgreSQL allows "
                + std::to_string(detail::array_max_dimensions));
        std::uint64_t count = dimensions_.empty() ? 0 : 1;
        for (std::size_t d = 0; d < dimensions_.size(); ++d) {
            const array_dimension& dimension = dimensions_[d];
            if (dimension.length < 0)
                throw usage_error("typq::array: dimension " + std::to_string(d + 1) + " has length "
                    + std::to_string(dimension.length));
            if (static_cast<std::int64_t>(dimension.lower_bound) + dimension.length - 1 > INT32_MAX)
                throw usage_error("typq::array: dimension " + std::to_string(d + 1) + "'s upper bound is past int4");
            // Stop growing once past the elements: the product cannot overflow.
            if (count <= elements_.size())
                count *= static_cast<std::uint64_t>(dimension.length);
            else if (dimension.length == 0)
                count = 0;
        }
        if (count != elements_.size())
            throw usage_error("typq::array: the dimensions hold " + std::to_string(count) + " elements, but "
                + std::to_string(elements_.size()) + " were given");
        if (elements_.empty())
            dimensions_.clear();
    }

    std::vector<T> elements_;
    std::vector<array_dimension> dimensions_;
};

namespace detail {

template <class T>
void encode_typq_array(const typq::array<T>& value, writer& out)
{
    using base = nullable_base_t<T>;
    array_header header;
    header.element = element_oid_of<base>(out.types());
    header.dimensions = static_cast<int>(value.ndims());
    for (std::size_t d = 0; d < value.ndims(); ++d) {
        header.lengths[d] = value.dimensions()[d].length;
        header.lower_bounds[d] = value.dimensions()[d].lower_bound;
    }
    bool has_null = false;
    if constexpr (sends_null<T>) {
        for (const auto& element : value.elements())
            has_null = has_null || type<T>::is_null(element);
    }
    write_array_header(out, header, has_null);
    std::size_t index = 0;
    for (const auto& element : value.elements())
        encode_array_element<T>(element, out, index++, header);
}

// typq::array<T> in array_in's text form, with its bounds first (`[0:2]={1,2,3}`) unless every
// lower bound is 1.
template <class T>
void encode_typq_array_text(const typq::array<T>& value, std::string& out)
{
    if (value.empty()) {
        out += "{}";
        return;
    }
    bool default_bounds = true;
    for (const array_dimension& dimension : value.dimensions())
        default_bounds = default_bounds && dimension.lower_bound == 1;
    if (!default_bounds) {
        for (const array_dimension& dimension : value.dimensions()) {
            out += '[';
            out += std::to_string(dimension.lower_bound);
            out += ':';
            out += std::to_string(static_cast<std::int64_t>(dimension.lower_bound) + dimension.length - 1);
            out += ']';
        }
        out += '=';
    }
    std::size_t next = 0;
    const auto level = [&](const auto& self, std::size_t d) -> void {
        out += '{';
        for (std::int32_t i = 0; i < value.dimensions()[d].length; ++i) {
            if (i > 0)
                out += ',';
            if (d + 1 < value.ndims())
                self(self, d + 1);
            else
                append_array_scalar_text<T>(value.elements()[next++], out);
        }
        out += '}';
    };
    level(level, 0);
}

template <class T>
void decode_typq_array(value_view in, typq::array<T>& out)
{
    array_header header = read_array_header(in);
    check_array_element_type<T>(in, header);
    std::vector<array_dimension> dimensions;
    for (std::size_t d = 0; d < static_cast<std::size_t>(header.dimensions); ++d)
        dimensions.push_back({header.lengths[d], header.lower_bounds[d]});
    std::vector<T> elements(header.count);
    array_reader reader(in, header);
    for (std::size_t i = 0; i < header.count; ++i)
        decode_array_element_at<T>(reader, elements, i);
    reader.finish();
    out = typq::array<T>(std::move(elements), std::move(dimensions));
}

template <class T>
struct typq_array_adapter : array_adapter_base<T>, array_encoding<typq::array<T>, T>, array_decoding<typq::array<T>, T> {
    static void encode(const typq::array<T>& value, writer& out)
        requires encodable<T>
    {
        encode_typq_array(value, out);
    }
    static void encode_text(const typq::array<T>& value, std::string& out)
        requires text_encodable<nullable_base_t<T>>
    {
        encode_typq_array_text(value, out);
    }
    static void decode(value_view in, typq::array<T>& out)
        requires decodable<T>
    {
        decode_typq_array(in, out);
    }
};

}  // namespace detail

/// PostgreSQL arrays as std::vector: one dimension, or more with nested vectors (and std::arrays),
/// which must be rectangular; std::optional<T> elements for NULLs. Binary, in `array_send`'s form:
/// the number of dimensions, a has-NULLs flag, the element type's OID, each dimension's length and
/// lower bound, then each element as an int4 length (-1 for NULL) and its binary form. As a
/// parameter, the array type of T (its adapter's `array_oid`). Lower bounds are not kept
/// (``'[0:2]={1,2,3}'`` reads as {1, 2, 3}; use typq::array<T> to keep them) and are sent as 1.
/// std::vector<std::byte> is not an array: it is bytea (typq/types/bytea.hpp).
/// @throws typq::conversion_error when encoding ragged nested vectors; when decoding a NULL
///         element into a T that is not a std::optional, an array of another number of
///         dimensions, or malformed bytes.
template <class T>
    requires(!std::same_as<T, std::byte> && detail::array_element<T>)
struct type<std::vector<T>> : detail::nested_array_adapter<std::vector<T>, typename detail::array_shape<T>::scalar> {};

/// A PostgreSQL array of exactly N elements (per dimension, when nested), in the binary form
/// std::vector uses; any other length is a conversion_error when decoding.
template <class T, std::size_t N>
    requires detail::array_element<T>
struct type<std::array<T, N>> : detail::nested_array_adapter<std::array<T, N>, typename detail::array_shape<T>::scalar> {};

/// typq::array<T> as T's array type, with its dimensions and lower bounds, both ways, in the binary
/// form std::vector uses.
template <class T>
    requires detail::array_scalar<T>
struct type<array<T>> : detail::typq_array_adapter<T> {};

}  // namespace typq

#endif  // TYPQ_TYPES_ARRAY_HPP
// ----- end <typq/types/array.hpp> -----
// ----- begin <typq/types/range.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/range.hpp: typq::range<T> and typq::multirange<T> for the built-in range types
// (int4range, int8range, numrange, daterange, tsrange, tstzrange and their multiranges), in
// binary (range_send / range_recv, multirange_send / multirange_recv).

#ifndef TYPQ_TYPES_RANGE_HPP
#define TYPQ_TYPES_RANGE_HPP


#include <cstddef>           // std::size_t
#include <cstdint>           // the wire's flags byte and lengths, the integer subtypes
#include <initializer_list>  // multirange's constructor
#include <limits>            // INT32_MAX checks
#include <optional>          // bounds: std::nullopt is unbounded
#include <string>            // to_string(), messages
#include <string_view>       // sql_type, bounds literals
#include <utility>           // std::move
#include <vector>            // multirange storage

namespace typq {
namespace detail {

// range_send's flags byte (utils/rangetypes.h). RANGE_LB_NULL (0x20), RANGE_UB_NULL (0x40) and
// RANGE_CONTAIN_EMPTY (0x80) are never sent for a value.
inline constexpr std::uint8_t range_empty = 0x01;
inline constexpr std::uint8_t range_lb_inc = 0x02;
inline constexpr std::uint8_t range_ub_inc = 0x04;
inline constexpr std::uint8_t range_lb_inf = 0x08;
inline constexpr std::uint8_t range_ub_inf = 0x10;
inline constexpr std::uint8_t range_known_flags = 0x1F;

// The six built-in range types, by subtype: the range, its array and its multirange.
template <class T>
inline constexpr bool range_subtype_unknown = false;

template <class T>
struct range_subtype {
    static_assert(range_subtype_unknown<T>,
        "typq::range<T> and typq::multirange<T> hold the subtype of a built-in range type: std::int32_t "
        "(int4range), std::int64_t (int8range), typq::numeric (numrange), std::chrono::sys_days (daterange), "
        "typq::timestamp (tsrange) or typq::timestamptz (tstzrange)");
};
template <>
struct range_subtype<std::int32_t> {
    static constexpr std::string_view range_sql_type = "int4range";
    static constexpr std::string_view multirange_sql_type = "int4multirange";
    static constexpr oid range_oid = oid::int4range, range_array_oid = oid::int4range_array;
    static constexpr oid multirange_oid = oid::int4multirange, multirange_array_oid = oid::int4multirange_array;
};
template <>
struct range_subtype<std::int64_t> {
    static constexpr std::string_view range_sql_type = "int8range";
    static constexpr std::string_view multirange_sql_type = "int8multirange";
    static constexpr oid range_oid = oid::int8range, range_array_oid = oid::int8range_array;
    static constexpr oid multirange_oid = oid::int8multirange, multirange_array_oid = oid::int8multirange_array;
};
template <>
struct range_subtype<numeric> {
    static constexpr std::string_view range_sql_type = "numrange";
    static constexpr std::string_view multirange_sql_type = "nummultirange";
    static constexpr oid range_oid = oid::numrange, range_array_oid = oid::numrange_array;
    static constexpr oid multirange_oid = oid::nummultirange, multirange_array_oid = oid::nummultirange_array;
};
template <>
struct range_subtype<std::chrono::sys_days> {
    static constexpr std::string_view range_sql_type = "daterange";
    static constexpr std::string_view multirange_sql_type = "datemultirange";
    static constexpr oid range_oid = oid::daterange, range_array_oid = oid::daterange_array;
    static constexpr oid multirange_oid = oid::datemultirange, multirange_array_oid = oid::datemultirange_array;
};
template <>
struct range_subtype<timestamp> {
    static constexpr std::string_view range_sql_type = "tsrange";
    static constexpr std::string_view multirange_sql_type = "tsmultirange";
    static constexpr oid range_oid = oid::tsrange, range_array_oid = oid::tsrange_array;
    static constexpr oid multirange_oid = oid::tsmultirange, multirange_array_oid = oid::tsmultirange_array;
};
template <>
struct range_subtype<timestamptz> {
    static constexpr std::string_view range_sql_type = "tstzrange";
    static constexpr std::string_view multirange_sql_type = "tstzmultirange";
    static constexpr oid range_oid = oid::tstzrange, range_array_oid = oid::tstzrange_array;
    static constexpr oid multirange_oid = oid::tstzmultirange, multirange_array_oid = oid::tstzmultirange_array;
};

// The subtype of a built-in range type, or oid::unspecified.
constexpr oid range_element_type(oid range) noexcept
{
    switch (range) {
    case oid::int4range: return oid::int4;
    case oid::int8range: return oid::int8;
    case oid::numrange: return oid::numeric;
    case oid::daterange: return oid::date;
    case oid::tsrange: return oid::timestamp;
    case oid::tstzrange: return oid::timestamptz;
    default: return oid::unspecified;
    }
}

// The range type of a built-in multirange type, or oid::unspecified.
constexpr oid multirange_element_type(oid multirange) noexcept
{
    switch (multirange) {
    case oid::int4multirange: return oid::int4range;
    case oid::int8multirange: return oid::int8range;
    case oid::nummultirange: return oid::numrange;
    case oid::datemultirange: return oid::daterange;
    case oid::tsmultirange: return oid::tsrange;
    case oid::tstzmultirange: return oid::tstzrange;
    default: return oid::unspecified;
    }
}

// A part's error (a bound, a multirange's range), rethrown with which part it was about.
[[noreturn]] inline void rethrow_range_part_error(const conversion_error& e, const std::string& part)
{
    throw conversion_error(std::string(e.what()) + " (" + part + ")",
        conversion_site{e.column(), e.sql_type(), e.field(), e.cpp_type()});
}

[[noreturn]] inline void throw_range_error(std::string_view sql_type, const std::string& reason)
{
    throw conversion_error(std::string(reason), conversion_site{{}, std::string(sql_type), {}, {}});
}

// --- bound text, as the server prints it (DateStyle ISO, TimeZone UTC) ---------------------------

// range_bound_escape: a bound is double-quoted when it is empty or has a quote, a backslash, a
// parenthesis, a bracket, a comma or white space; quotes and backslashes are then doubled.
inline std::string range_bound_escape(const std::string& text)
{
    bool quote = text.empty();
    for (const char c : text)
        quote = quote || c == '"' || c == '\\' || c == '(' || c == ')' || c == '[' || c == ']' || c == ','
            || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    if (!quote)
        return text;
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out += c;
        out += c;
    }
    return out + '"';
}

inline std::string range_bound_text(std::int32_t value) { return std::to_string(value); }
inline std::string range_bound_text(std::int64_t value) { return std::to_string(value); }
inline std::string range_bound_text(const numeric& value) { return value.to_string(); }
inline std::string range_bound_text(std::chrono::sys_days value)
{
    if (value == std::chrono::sys_days::max())
        return "infinity";
    if (value == std::chrono::sys_days::min())
        return "-infinity";
    std::string out;
    if (append_iso_date(out, value.time_since_epoch().count()))
        out += " BC";
    return out;
}
inline std::string range_bound_text(timestamp value)
{
    if (value == timestamp::max())
        return "infinity";
    if (value == timestamp::min())
        return "-infinity";
    std::string out;
    if (append_iso_timestamp(out, value.time_since_epoch().count()))
        out += " BC";
    return out;
}
inline std::string range_bound_text(timestamptz value)
{
    if (value == timestamptz::max())
        return "infinity";
    if (value == timestamptz::min())
        return "-infinity";
    std::string out;
    const bool bc = append_iso_timestamp(out, value.time_since_epoch().count());
    out += "+00";
    if (bc)
        out += " BC";
    return out;
}

}  // namespace detail

/// Whether each bound of a typq::range is inclusive: from the server's spelling, `"[)"` (the
/// default, as `int4range(1, 5)`), `"[]"`, `"(]"` or `"()"`, checked at compile time, or from two
/// flags.
struct range_bounds {
    /// `[`: the lower bound is in the range.
    bool lower_inclusive = true;
    /// `]`: the upper bound is in the range.
    bool upper_inclusive = false;

    /// `"[)"`.
    constexpr range_bounds() noexcept = default;
    /// From the two flags.
    constexpr range_bounds(bool lower_inclusive_, bool upper_inclusive_) noexcept
        : lower_inclusive(lower_inclusive_), upper_inclusive(upper_inclusive_)
    {
    }
    /// From the server's spelling, `"[)"`, `"[]"`, `"(]"` or `"()"`; anything else fails to compile
    /// (the error names `range_bounds_must_be_brackets_or_parentheses`).
    consteval range_bounds(const char (&text)[3])
        : lower_inclusive(text[0] == '['), upper_inclusive(text[1] == ']')
    {
        if ((text[0] != '[' && text[0] != '(') || (text[1] != ']' && text[1] != ')'))
            range_bounds_must_be_brackets_or_parentheses();
    }

    /// Equal when both flags are.
    friend constexpr bool operator==(const range_bounds&, const range_bounds&) noexcept = default;

private:
    // Called only for a bad literal, so that the compiler's error names the problem.
    static void range_bounds_must_be_brackets_or_parentheses() {}
};

/// A value of one of PostgreSQL's built-in range types: `int4range` (T = std::int32_t),
/// `int8range` (std::int64_t), `numrange` (typq::numeric), `daterange` (std::chrono::sys_days),
/// `tsrange` (typq::timestamp) or `tstzrange` (typq::timestamptz).
///
/// A range is empty, or has a lower and an upper bound, each either unbounded (`std::nullopt`) or
/// a value that is inclusive or exclusive. An unbounded side is never inclusive (the server
/// prints `[,5]` as `(,5]`), and the constructor clears the flag as the server does.
///
/// Equality is structural, as stored: `[1,3]` and `[1,4)` are different typq::range<int> values,
/// while the server canonicalises the discrete types (int4range, int8range, daterange) to `[)`
/// form, so `[1,3]` sent comes back `[1,4)`, and `[1,1)` or `(1,2)` come back empty. typq does
/// not canonicalise: compare what the server returned with what it returned.
///
/// @par Example
/// `typq::range<int>(1, 10)` is `[1,10)`; `typq::range<int>(std::nullopt, 5, "(]")` is `(,5]`;
/// `typq::range<int>()` is `empty`.
template <class T>
class range {
    // For any other T, range_subtype's static_assert names the six subtypes.
    static_assert(sizeof(detail::range_subtype<T>) > 0);

public:
    /// The subtype, `T`.
    using value_type = T;

    /// The empty range.
    range() = default;

    /// The range from `lower` to `upper` (`std::nullopt`: unbounded on that side), with `bounds`.
    /// @throws typq::conversion_error when both bounds are there and `lower` is above `upper`
    ///         (the server's "range lower bound must be less than or equal to range upper bound").
    range(std::optional<T> lower, std::optional<T> upper, range_bounds bounds = {})
        : empty_(false), lower_(std::move(lower)), upper_(std::move(upper)),
          lower_inclusive_(lower_ && bounds.lower_inclusive), upper_inclusive_(upper_ && bounds.upper_inclusive)
    {
        if (lower_ && upper_ && *upper_ < *lower_)
            detail::throw_range_error(detail::range_subtype<T>::range_sql_type,
                "range lower bound must be less than or equal to range upper bound");
    }

    /// `empty`, PostgreSQL's empty range: it contains nothing and has no bounds.
    [[nodiscard]] bool empty() const noexcept { return empty_; }
    /// The lower bound; `std::nullopt` when there is none (unbounded, or an empty range).
    [[nodiscard]] const std::optional<T>& lower() const noexcept { return lower_; }
    /// The upper bound; `std::nullopt` when there is none (unbounded, or an empty range).
    [[nodiscard]] const std::optional<T>& upper() const noexcept { return upper_; }
    /// `[`: the lower bound is in the range (false when unbounded or empty).
    [[nodiscard]] bool lower_inclusive() const noexcept { return lower_inclusive_; }
    /// `]`: the upper bound is in the range (false when unbounded or empty).
    [[nodiscard]] bool upper_inclusive() const noexcept { return upper_inclusive_; }
    /// No lower bound: the range reaches down without end (false for an empty range).
    [[nodiscard]] bool lower_unbounded() const noexcept { return !empty_ && !lower_; }
    /// No upper bound: the range reaches up without end (false for an empty range).
    [[nodiscard]] bool upper_unbounded() const noexcept { return !empty_ && !upper_; }

    /// Whether `value` is in the range, as the server's `@>` says: never for an empty range.
    [[nodiscard]] bool contains(const T& value) const
    {
        if (empty_)
            return false;
        if (lower_ && (lower_inclusive_ ? value < *lower_ : !(*lower_ < value)))
            return false;
        if (upper_ && (upper_inclusive_ ? *upper_ < value : !(value < *upper_)))
            return false;
        return true;
    }

    /// The range as the server prints it with `DateStyle` ISO and `TimeZone` UTC: `[1,4)`,
    /// `(,5]`, `empty`, `["2020-01-01 10:00:00",infinity)`; timestamptz bounds in UTC (`+00`).
    [[nodiscard]] std::string to_string() const
    {
        if (empty_)
            return "empty";
        std::string out = lower_inclusive_ ? "[" : "(";
        if (lower_)
            out += detail::range_bound_escape(detail::range_bound_text(*lower_));
        out += ',';
        if (upper_)
            out += detail::range_bound_escape(detail::range_bound_text(*upper_));
        out += upper_inclusive_ ? ']' : ')';
        return out;
    }

    /// Structurally equal: both empty, or the same bounds with the same inclusivity (no
    /// canonicalisation: `[1,3]` != `[1,4)`).
    friend bool operator==(const range&, const range&) = default;

private:
    bool empty_ = true;
    std::optional<T> lower_;
    std::optional<T> upper_;
    bool lower_inclusive_ = false;
    bool upper_inclusive_ = false;
};

/// A value of a built-in multirange type (`int4multirange` ... `tstzmultirange`): an ordered list
/// of typq::range<T>. The server sorts, merges and drops empty ranges (`{[3,4),[1,2),[2,3)}` comes
/// back `{[1,4)}`); typq keeps the ranges as given, so `==` compares the lists as stored.
template <class T>
class multirange {
    static_assert(sizeof(detail::range_subtype<T>) > 0);

public:
    /// A typq::range<T>.
    using value_type = range<T>;
    /// An iterator over the ranges (read-only).
    using const_iterator = typename std::vector<range<T>>::const_iterator;
    /// As const_iterator: the ranges are changed only by push_back.
    using iterator = const_iterator;
    /// std::size_t.
    using size_type = std::size_t;

    /// `{}`, no ranges.
    multirange() = default;
    /// The `ranges`, in the order given.
    multirange(std::initializer_list<range<T>> ranges) : ranges_(ranges) {}
    /// The `ranges`, in the order given.
    explicit multirange(std::vector<range<T>> ranges) : ranges_(std::move(ranges)) {}

    /// The ranges, as stored.
    [[nodiscard]] const std::vector<range<T>>& ranges() const noexcept { return ranges_; }
    /// The first range.
    [[nodiscard]] const_iterator begin() const noexcept { return ranges_.begin(); }
    /// Past the last range.
    [[nodiscard]] const_iterator end() const noexcept { return ranges_.end(); }
    /// The number of ranges.
    [[nodiscard]] std::size_t size() const noexcept { return ranges_.size(); }
    /// True when there are no ranges (the empty multirange, `{}`).
    [[nodiscard]] bool empty() const noexcept { return ranges_.empty(); }
    /// Range `i`; `i` must be below size().
    [[nodiscard]] const range<T>& operator[](std::size_t i) const noexcept { return ranges_[i]; }
    /// Appends `r` (empty ranges included: the server drops them).
    void push_back(range<T> r) { ranges_.push_back(std::move(r)); }

    /// Whether any of the ranges contains `value`.
    [[nodiscard]] bool contains(const T& value) const
    {
        for (const auto& r : ranges_)
            if (r.contains(value))
                return true;
        return false;
    }

    /// `{[1,3),[5,7)}`, each range as range::to_string prints it.
    [[nodiscard]] std::string to_string() const
    {
        std::string out = "{";
        for (std::size_t i = 0; i < ranges_.size(); ++i) {
            if (i > 0)
                out += ',';
            out += ranges_[i].to_string();
        }
        return out + '}';
    }

    /// Equal when the lists of ranges are, range by range (no canonicalisation).
    friend bool operator==(const multirange&, const multirange&) = default;

private:
    std::vector<range<T>> ranges_;
};

namespace detail {

// One length-prefixed value (a range bound, a multirange's range): `what` names it in messages.
// Returns its bytes, typed `type`, and moves `offset` past them.
inline value_view read_range_part(value_view in, std::size_t& offset, oid type, std::string_view what)
{
    if (in.size() - offset < 4)
        in.fail(std::string(what) + " is missing: the value ends at byte " + std::to_string(in.size()));
    const auto length = in.subview(offset, 4, in.type()).read_be<std::int32_t>();
    offset += 4;
    if (length < 0)
        in.fail(std::string(what) + " has length " + std::to_string(length));
    if (static_cast<std::size_t>(length) > in.size() - offset)
        in.fail(std::string(what) + " is " + std::to_string(length) + " bytes, past the end of the value ("
            + std::to_string(in.size() - offset) + " bytes left)");
    const value_view part = in.subview(offset, static_cast<std::size_t>(length), type);
    offset += static_cast<std::size_t>(length);
    return part;
}

}  // namespace detail

/// typq::range<T> as T's range type (`int4range` for typq::range<std::int32_t>), binary: range_send's
/// flags byte, then each bound there is as an int4 length and T's binary form. Reads
/// its own range type, and those of subtypes T widens exactly: typq::range<std::int64_t> reads
/// int4range too, typq::range<typq::numeric> reads int4range and int8range. Narrowing
/// (int8range into typq::range<std::int32_t>) is refused when the result's columns are checked.
template <class T>
struct type<range<T>> {
    /// What typq knows of T as a range subtype (its range and multirange types' names and OIDs).
    using subtype = detail::range_subtype<T>;
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = subtype::range_sql_type;
    static constexpr oid param_oid = subtype::range_oid;
    static constexpr oid array_oid = subtype::range_array_oid;

    static constexpr bool accepts(oid column) noexcept
    {
        if (column == param_oid)
            return true;
        const oid element = detail::range_element_type(column);
        return element != oid::unspecified && type<T>::accepts(element);
    }

    // range_in reads what range_out prints (see range::to_string).
    static void encode_text(const range<T>& value, std::string& out) { out += value.to_string(); }

    static void encode(const range<T>& value, writer& out)
    {
        std::uint8_t flags = 0;
        if (value.empty())
            flags = detail::range_empty;
        else {
            const auto add = [&flags](bool set, std::uint8_t flag) {
                flags = static_cast<std::uint8_t>(set ? flags | flag : flags);
            };
            add(value.lower_inclusive(), detail::range_lb_inc);
            add(value.upper_inclusive(), detail::range_ub_inc);
            add(!value.lower(), detail::range_lb_inf);
            add(!value.upper(), detail::range_ub_inf);
        }
        out.put_be(flags);
        if (value.lower())
            out.put_value(*value.lower());
        if (value.upper())
            out.put_value(*value.upper());
    }

    // range_recv, checked: the flags byte, no unknown flag, nothing after `empty`, each present
    // bound's length within the value, nothing after the upper bound, lower <= upper.
    static void decode(value_view in, range<T>& out)
    {
        if (in.size() < 1)
            in.fail("range value is 0 bytes, too short for its flags byte");
        const auto flags = in.subview(0, 1, in.type()).read_be<std::uint8_t>();
        if ((flags & ~detail::range_known_flags) != 0)
            in.fail("range flags 0x" + detail::to_hex(flags, 2) + " have unknown bits");
        if ((flags & detail::range_empty) != 0) {
            if (flags != detail::range_empty)
                in.fail("range flags 0x" + detail::to_hex(flags, 2) + " mark an empty range that has bounds");
            if (in.size() != 1)
                in.fail("empty range has " + std::to_string(in.size() - 1) + " bytes after its flags byte");
            out = range<T>();
            return;
        }
        if ((flags & detail::range_lb_inf) != 0 && (flags & detail::range_lb_inc) != 0)
            in.fail("range flags 0x" + detail::to_hex(flags, 2) + " mark an unbounded lower bound inclusive");
        if ((flags & detail::range_ub_inf) != 0 && (flags & detail::range_ub_inc) != 0)
            in.fail("range flags 0x" + detail::to_hex(flags, 2) + " mark an unbounded upper bound inclusive");

        const oid element = element_type(in.type());
        std::size_t offset = 1;
        std::optional<T> lower;
        std::optional<T> upper;
        if ((flags & detail::range_lb_inf) == 0)
            decode_bound(detail::read_range_part(in, offset, element, "range lower bound"), lower.emplace(), "lower");
        if ((flags & detail::range_ub_inf) == 0)
            decode_bound(detail::read_range_part(in, offset, element, "range upper bound"), upper.emplace(), "upper");
        if (offset != in.size())
            in.fail("range has " + std::to_string(in.size() - offset) + " bytes after its bounds");
        if (lower && upper && *upper < *lower)
            in.fail("range lower bound is above its upper bound");
        out = range<T>(std::move(lower), std::move(upper),
            range_bounds{(flags & detail::range_lb_inc) != 0, (flags & detail::range_ub_inc) != 0});
    }
    /// @}

private:
    // The subtype adapter's error, rethrown saying which bound it was about.
    static void decode_bound(value_view bound, T& out, std::string_view which)
    {
        try {
            type<T>::decode(bound, out);
        }
        catch (const conversion_error& e) {
            detail::rethrow_range_part_error(e, std::string(sql_type) + " " + std::string(which) + " bound");
        }
    }

    static constexpr oid element_type(oid column) noexcept
    {
        const oid element = detail::range_element_type(column);
        return element == oid::unspecified ? type<T>::param_oid : element;
    }
};

/// typq::multirange<T> as T's multirange type (`int4multirange` for typq::multirange<std::int32_t>),
/// binary: multirange_send's int4 count of ranges, then each as an int4 length and range_send's
/// form; reads the multiranges whose ranges typq::range<T> reads.
template <class T>
struct type<multirange<T>> {
    /// What typq knows of T as a range subtype (its range and multirange types' names and OIDs).
    using subtype = detail::range_subtype<T>;
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = subtype::multirange_sql_type;
    static constexpr oid param_oid = subtype::multirange_oid;
    static constexpr oid array_oid = subtype::multirange_array_oid;

    static constexpr bool accepts(oid column) noexcept
    {
        if (column == param_oid)
            return true;
        const oid element = detail::multirange_element_type(column);
        return element != oid::unspecified && type<range<T>>::accepts(element);
    }

    static void encode_text(const multirange<T>& value, std::string& out) { out += value.to_string(); }

    static void encode(const multirange<T>& value, writer& out)
    {
        if (value.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
            detail::throw_range_error(sql_type, "a " + std::string(sql_type) + " of " + std::to_string(value.size())
                    + " ranges has more than int4 can count");
        out.put_be(static_cast<std::int32_t>(value.size()));
        for (const auto& r : value)
            out.put_value(r);
    }

    // multirange_recv, checked: a count that the bytes can back (each range takes at least its
    // 4-byte length and its flags byte), each range's length within the value, nothing after.
    static void decode(value_view in, multirange<T>& out)
    {
        if (in.size() < 4)
            in.fail("multirange value is " + std::to_string(in.size()) + " bytes, too short for its 4-byte count");
        const auto count = in.subview(0, 4, in.type()).read_be<std::int32_t>();
        if (count < 0)
            in.fail("multirange has " + std::to_string(count) + " ranges");
        if (static_cast<std::size_t>(count) > (in.size() - 4) / 5)
            in.fail("multirange has " + std::to_string(count) + " ranges but only " + std::to_string(in.size() - 4)
                + " bytes for them");
        const oid element = detail::multirange_element_type(in.type()) == oid::unspecified
            ? type<range<T>>::param_oid
            : detail::multirange_element_type(in.type());
        std::vector<range<T>> ranges(static_cast<std::size_t>(count));
        std::size_t offset = 4;
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            const std::string what = "multirange range " + std::to_string(i);
            const value_view part = detail::read_range_part(in, offset, element, what);
            try {
                type<range<T>>::decode(part, ranges[i]);
            }
            catch (const conversion_error& e) {
                detail::rethrow_range_part_error(e, std::string(sql_type) + " range " + std::to_string(i));
            }
        }
        if (offset != in.size())
            in.fail("multirange has " + std::to_string(in.size() - offset) + " bytes after its last range");
        out = multirange<T>(std::move(ranges));
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_RANGE_HPP
// ----- end <typq/types/range.hpp> -----
// ----- begin <typq/types/uuid.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/uuid.hpp: typq::uuid and its binary adapter (uuid_send / uuid_recv: the 16 bytes in
// network order).

#ifndef TYPQ_TYPES_UUID_HPP
#define TYPQ_TYPES_UUID_HPP


#include <array>        // std::array storage
#include <compare>      // std::strong_ordering
#include <cstddef>      // std::byte, std::size_t
#include <string>       // to_string(), messages
#include <string_view>  // parse()

namespace typq {
namespace detail {

[[noreturn]] inline void throw_uuid_parse_error(std::string_view reason, std::size_t offset)
{
    throw conversion_error("invalid uuid text: " + std::string(reason) + " at offset " + std::to_string(offset),
        conversion_site{{}, "uuid", {}, {}});
}

}  // namespace detail

/// A UUID: 16 bytes in network order, as PostgreSQL's uuid holds them. A default-constructed
/// uuid is the nil UUID (all zeros). Ordering is byte by byte, the same as the server's.
class uuid {
public:
    /// The 16 bytes, in network order.
    using bytes_type = std::array<std::byte, 16>;

    /// The nil UUID, 00000000-0000-0000-0000-000000000000.
    constexpr uuid() noexcept = default;
    /// The UUID whose 16 bytes, in network order, are `bytes`.
    constexpr explicit uuid(const bytes_type& bytes) noexcept : bytes_(bytes) {}

    /// The nil UUID.
    [[nodiscard]] static constexpr uuid nil() noexcept { return uuid(); }

    /// Parses what the server's uuid_in accepts: 32 hex digits of either case, with an optional
    /// hyphen after any group of four (so the canonical 8-4-4-4-12 form and the form without
    /// hyphens), optionally in braces `{...}`. No spaces.
    /// @throws typq::conversion_error for anything else.
    [[nodiscard]] static constexpr uuid parse(std::string_view text)
    {
        // Followed step by step from string_to_uuid (src/backend/utils/adt/uuid.c).
        std::size_t at = 0;
        const bool braces = !text.empty() && text[0] == '{';
        if (braces)
            ++at;
        bytes_type bytes{};
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            if (text.size() - at < 2)
                detail::throw_uuid_parse_error("too few hex digits", at);
            const int high = detail::hex_digit(text[at]);
            const int low = detail::hex_digit(text[at + 1]);
            if (high < 0 || low < 0)
                detail::throw_uuid_parse_error("expected a hex digit", high < 0 ? at : at + 1);
            bytes[i] = static_cast<std::byte>(high * 16 + low);
            at += 2;
            if (at < text.size() && text[at] == '-' && i % 2 == 1 && i < bytes.size() - 1)
                ++at;
        }
        if (braces) {
            if (at == text.size() || text[at] != '}')
                detail::throw_uuid_parse_error("expected '}'", at);
            ++at;
        }
        if (at != text.size())
            detail::throw_uuid_parse_error("unexpected character after the uuid", at);
        return uuid(bytes);
    }

    /// The canonical form, lower case: `a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11` (as uuid_out).
    [[nodiscard]] std::string to_string() const
    {
        std::string text;
        text.reserve(36);
        for (std::size_t i = 0; i < bytes_.size(); ++i) {
            if (i == 4 || i == 6 || i == 8 || i == 10)
                text += '-';
            detail::append_hex(text, std::to_integer<unsigned>(bytes_[i]), 2);
        }
        return text;
    }

    /// The 16 bytes, in network order.
    [[nodiscard]] constexpr const bytes_type& bytes() const noexcept { return bytes_; }
    /// True for the nil UUID (all zeros).
    [[nodiscard]] constexpr bool is_nil() const noexcept { return *this == uuid(); }

    /// Equal when all 16 bytes are.
    friend constexpr bool operator==(const uuid&, const uuid&) noexcept = default;
    /// Byte by byte, as unsigned values: the server's order for uuid.
    friend constexpr std::strong_ordering operator<=>(const uuid& a, const uuid& b) noexcept
    {
        for (std::size_t i = 0; i < a.bytes_.size(); ++i)
            if (a.bytes_[i] != b.bytes_[i])
                return std::to_integer<unsigned>(a.bytes_[i]) <=> std::to_integer<unsigned>(b.bytes_[i]);
        return std::strong_ordering::equal;
    }

private:
    bytes_type bytes_{};
};

/// typq::uuid as `uuid` (OID 2950): binary, the 16 bytes as they are (`uuid_send`); reads uuid
/// columns.
template <>
struct type<uuid> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "uuid";
    static constexpr oid param_oid = oid::uuid;
    static constexpr oid array_oid = oid::uuid_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::uuid; }
    static void encode(const uuid& value, writer& out) { out.put_bytes(value.bytes().data(), value.bytes().size()); }
    static void encode_text(const uuid& value, std::string& out) { out += value.to_string(); }
    static void decode(value_view in, uuid& out) { out = uuid(in.read_bytes<16>()); }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_UUID_HPP
// ----- end <typq/types/uuid.hpp> -----
// ----- begin <typq/types/json.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/json.hpp: typq::json and typq::jsonb, a JSON document's text, in binary
// (json_send: the text; jsonb_send: a version byte, 1, then the text).

#ifndef TYPQ_TYPES_JSON_HPP
#define TYPQ_TYPES_JSON_HPP


#include <cstdint>      // the jsonb version byte
#include <string>       // the document text
#include <string_view>  // sql_type, views of the text
#include <utility>      // std::move

namespace typq {
namespace detail {

// The only jsonb binary format version so far (jsonb_send, jsonb_recv in
// src/backend/utils/adt/jsonb.c).
inline constexpr std::uint8_t jsonb_version = 1;

// The document text of a json or jsonb value: json's binary form is the text itself, jsonb's is
// the version byte followed by the text.
inline std::string_view json_document_text(value_view in)
{
    if (in.type() != oid::jsonb)
        return in.text();
    if (in.size() == 0)
        in.fail("jsonb value is empty, expected a version byte");
    const auto version = static_cast<std::uint8_t>(in.data()[0]);
    if (version != jsonb_version)
        in.fail("jsonb version byte is " + std::to_string(version) + ", expected 1");
    return in.text().substr(1);
}

inline constexpr bool is_json_column(oid column) noexcept { return column == oid::json || column == oid::jsonb; }

}  // namespace detail

/// A JSON document as text, sent as json: the server checks it and keeps it as written
/// (whitespace, key order and duplicate keys included). Reads json and jsonb columns.
/// A default-constructed value has empty text, which the server refuses as json.
class json {
public:
    /// Empty text (not a valid document).
    json() = default;
    /// The document `text`, unchecked: the server checks it when it is sent.
    explicit json(std::string text) noexcept : text_(std::move(text)) {}

    /// The document's text.
    [[nodiscard]] const std::string& text() const noexcept { return text_; }

    /// Equal when the texts are (not a comparison of documents).
    friend bool operator==(const json&, const json&) = default;

private:
    std::string text_;
};

/// A JSON document as text, sent as jsonb: the server parses it into its own form, so what comes
/// back is normalised (keys sorted by length then bytes, the last duplicate kept, its own
/// whitespace). Reads jsonb and json columns. `==` compares the texts, not the documents.
class jsonb {
public:
    /// Empty text (not a valid document).
    jsonb() = default;
    /// The document `text`, unchecked: the server checks it when it is sent.
    explicit jsonb(std::string text) noexcept : text_(std::move(text)) {}

    /// The document's text.
    [[nodiscard]] const std::string& text() const noexcept { return text_; }

    /// Equal when the texts are (not a comparison of documents).
    friend bool operator==(const jsonb&, const jsonb&) = default;

private:
    std::string text_;
};

/// typq::json as `json` (OID 114): binary, the text itself (`json_send`); reads json and jsonb
/// columns (jsonb's version byte checked and dropped).
template <>
struct type<json> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "json";
    static constexpr oid param_oid = oid::json;
    static constexpr oid array_oid = oid::json_array;

    static constexpr bool accepts(oid column) noexcept { return detail::is_json_column(column); }
    static void encode(const json& value, writer& out) { out.put_text(value.text()); }
    static void encode_text(const json& value, std::string& out) { out += value.text(); }
    static void decode(value_view in, json& out) { out = json(std::string(detail::json_document_text(in))); }
    /// @}
};

/// typq::jsonb as `jsonb` (OID 3802): binary, a version byte (1) then the text (`jsonb_send`);
/// reads jsonb and json columns, and refuses a jsonb version other than 1.
template <>
struct type<jsonb> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "jsonb";
    static constexpr oid param_oid = oid::jsonb;
    static constexpr oid array_oid = oid::jsonb_array;

    static constexpr bool accepts(oid column) noexcept { return detail::is_json_column(column); }
    static void encode(const jsonb& value, writer& out)
    {
        out.put_be(detail::jsonb_version);
        out.put_text(value.text());
    }
    static void encode_text(const jsonb& value, std::string& out) { out += value.text(); }
    static void decode(value_view in, jsonb& out) { out = jsonb(std::string(detail::json_document_text(in))); }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_JSON_HPP
// ----- end <typq/types/json.hpp> -----
// ----- begin <typq/types/network.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/network.hpp: typq::inet, typq::cidr, typq::macaddr and typq::macaddr8 and their
// binary adapters (inet_send / cidr_send: family, prefix bits, is_cidr, address length, address;
// macaddr_send / macaddr8_send: the 6 or 8 bytes).

#ifndef TYPQ_TYPES_NETWORK_HPP
#define TYPQ_TYPES_NETWORK_HPP


#include <array>        // address storage
#include <compare>      // std::strong_ordering
#include <cstddef>      // std::byte, std::size_t
#include <cstdint>      // std::uint8_t, std::uint16_t
#include <span>         // address()
#include <string>       // to_string(), messages
#include <string_view>  // parse()

namespace typq {
namespace detail {

// PostgreSQL's own address family codes on the wire, PGSQL_AF_INET (AF_INET + 0) and
// PGSQL_AF_INET6 (AF_INET + 1) from src/include/utils/inet.h, whatever the platform's AF_INET6 is.
inline constexpr std::uint8_t pgsql_af_inet = 2;
inline constexpr std::uint8_t pgsql_af_inet6 = 3;

// An IP address and prefix length: what inet and cidr hold.
struct ip_value {
    std::array<std::byte, 16> bytes{};  // network order; IPv4 uses the first 4, the rest stay 0
    std::uint8_t bits = 32;
    bool v6 = false;

    [[nodiscard]] constexpr int max_bits() const noexcept { return v6 ? 128 : 32; }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return v6 ? 16 : 4; }

    friend constexpr bool operator==(const ip_value&, const ip_value&) noexcept = default;
};

[[noreturn]] inline void throw_network_error(std::string_view sql_type, const std::string& reason)
{
    throw conversion_error(reason, conversion_site{{}, std::string(sql_type), {}, {}});
}

constexpr unsigned byte_value(std::byte b) noexcept { return std::to_integer<unsigned>(b); }

// The bits of byte `index` of an address that lie beyond the first `bits` (the host part).
constexpr unsigned host_mask(std::size_t index, int bits) noexcept
{
    const int first = static_cast<int>(index) * 8;
    if (bits >= first + 8)
        return 0;
    if (bits <= first)
        return 0xffU;
    return 0xffU >> (bits - first);
}

// addressOK in network.c: no bit set to the right of the prefix.
constexpr bool host_bits_zero(const ip_value& v) noexcept
{
    for (std::size_t i = 0; i < v.size(); ++i)
        if ((byte_value(v.bytes[i]) & host_mask(i, v.bits)) != 0)
            return false;
    return true;
}

// bitncmp in network.c: compares the first `bits` bits of two addresses.
constexpr std::strong_ordering compare_prefix(const ip_value& a, const ip_value& b, int bits) noexcept
{
    for (std::size_t i = 0; i < 16 && bits > static_cast<int>(i) * 8; ++i) {
        const unsigned keep = 0xffU & ~host_mask(i, bits);
        const unsigned x = byte_value(a.bytes[i]) & keep;
        const unsigned y = byte_value(b.bytes[i]) & keep;
        if (x != y)
            return x <=> y;
    }
    return std::strong_ordering::equal;
}

// network_cmp_internal in network.c: IPv4 before IPv6; then the common prefix, the prefix length,
// the whole address.
constexpr std::strong_ordering compare_ip(const ip_value& a, const ip_value& b) noexcept
{
    if (a.v6 != b.v6)
        return a.v6 ? std::strong_ordering::greater : std::strong_ordering::less;
    if (const auto order = compare_prefix(a, b, a.bits < b.bits ? a.bits : b.bits); order != 0)
        return order;
    if (a.bits != b.bits)
        return a.bits <=> b.bits;
    return compare_prefix(a, b, a.max_bits());
}

inline ip_value make_ip(std::span<const std::byte> address, bool v6, int prefix_length, std::string_view sql_type)
{
    ip_value v;
    v.v6 = v6;
    if (prefix_length < 0 || prefix_length > v.max_bits())
        throw_network_error(sql_type, "prefix length " + std::to_string(prefix_length) + " is out of range for an "
                + (v6 ? "IPv6" : "IPv4") + " address (0 to " + std::to_string(v.max_bits()) + ")");
    v.bits = static_cast<std::uint8_t>(prefix_length);
    for (std::size_t i = 0; i < address.size(); ++i)
        v.bytes[i] = address[i];
    return v;
}

inline void require_host_bits_zero(const ip_value& v)
{
    if (!host_bits_zero(v))
        throw_network_error("cidr", "cidr value has bits set to the right of its /" + std::to_string(v.bits)
                + " prefix (use typq::inet, or inet::network())");
}

// Dotted-quad IPv4, as inet_in reads it: decimal octets of 1 to 3 digits, each at most 255.
// A plain IPv4 address has all four and may have leading zeros (`010.0.0.1` is 10.0.0.1); the
// IPv4 tail of an IPv6 address has no leading zeros but may stop early, the missing octets zero
// (`::1.2.3` is ::1.2.3.0), as the server has it.
constexpr bool parse_ipv4(std::string_view text, std::byte* out, bool in_ipv6) noexcept
{
    const bool leading_zeros = !in_ipv6;
    std::size_t at = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (in_ipv6 && at == text.size()) {
                for (; part < 4; ++part)
                    out[part] = std::byte{0};
                break;
            }
            if (at == text.size() || text[at] != '.')
                return false;
            ++at;
        }
        unsigned value = 0;
        std::size_t digits = 0;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9' && digits < 3) {
            if (digits == 1 && value == 0 && !leading_zeros)
                return false;
            value = value * 10 + static_cast<unsigned>(text[at] - '0');
            ++at;
            ++digits;
        }
        if (digits == 0 || value > 255)
            return false;
        out[part] = static_cast<std::byte>(value);
    }
    return at == text.size();
}

// RFC 4291 text: eight groups of 1 to 4 hex digits, at most one `::` for one or more zero groups,
// optionally a dotted IPv4 address in place of the last two groups.
constexpr bool parse_ipv6(std::string_view text, std::byte* out) noexcept
{
    std::uint16_t words[8] = {};
    int count = 0;
    int gap = -1;  // where `::` stands, in groups
    std::size_t at = 0;
    if (text.size() >= 2 && text[0] == ':' && text[1] == ':') {
        gap = 0;
        at = 2;
    }
    while (at < text.size()) {
        if (text.substr(at).find(':') == std::string_view::npos && text.substr(at).find('.') != std::string_view::npos) {
            std::byte v4[4] = {};
            if (count > 6 || !parse_ipv4(text.substr(at), v4, true))
                return false;
            words[count++] = static_cast<std::uint16_t>(byte_value(v4[0]) << 8 | byte_value(v4[1]));
            words[count++] = static_cast<std::uint16_t>(byte_value(v4[2]) << 8 | byte_value(v4[3]));
            at = text.size();
            break;
        }
        unsigned value = 0;
        std::size_t digits = 0;
        for (; at < text.size() && hex_digit(text[at]) >= 0; ++at, ++digits) {
            if (digits == 4)
                return false;
            value = value * 16 + static_cast<unsigned>(hex_digit(text[at]));
        }
        if (digits == 0 || count == 8)
            return false;
        words[count++] = static_cast<std::uint16_t>(value);
        if (at == text.size())
            break;
        if (text[at] != ':' || ++at == text.size())
            return false;
        if (text[at] == ':') {
            if (gap >= 0)
                return false;
            gap = count;
            ++at;
        }
    }
    if (gap < 0 ? count != 8 : count > 7)
        return false;
    std::uint16_t full[8] = {};
    const int zeros = 8 - count;
    for (int i = 0, j = 0; i < count; ++i, ++j) {
        if (i == gap)
            j += zeros;
        full[j] = words[i];
    }
    for (int i = 0; i < 8; ++i) {
        out[2 * i] = static_cast<std::byte>(full[i] >> 8);
        out[2 * i + 1] = static_cast<std::byte>(full[i] & 0xffU);
    }
    return true;
}

// inet_in / cidr_in for the forms the server prints: an address, then optionally `/bits` (decimal,
// no leading zeros). Without `/bits` the prefix is the whole address.
inline ip_value parse_ip(std::string_view text, bool cidr)
{
    const std::string_view sql_type = cidr ? "cidr" : "inet";
    const auto invalid = [&]() { throw_network_error(sql_type, "invalid " + std::string(sql_type) + " text"); };
    ip_value v;
    const auto slash = text.find('/');
    const std::string_view address = text.substr(0, slash);
    v.v6 = address.find(':') != std::string_view::npos;
    if (!(v.v6 ? parse_ipv6(address, v.bytes.data()) : parse_ipv4(address, v.bytes.data(), false)))
        invalid();
    int bits = v.max_bits();
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0'))
            invalid();
        bits = 0;
        for (const char c : digits) {
            if (c < '0' || c > '9')
                invalid();
            bits = bits * 10 + (c - '0');
        }
        if (bits > v.max_bits())
            invalid();
    }
    v.bits = static_cast<std::uint8_t>(bits);
    if (cidr)
        require_host_bits_zero(v);
    return v;
}

// inet_out / cidr_out (pg_inet_net_ntop in src/port/inet_net_ntop.c, as PostgreSQL 15 has it):
// IPv4 as four decimal octets; IPv6 in lower-case hex with the longest run of two or more zero
// groups (the first such) as `::`, and ::a.b.c.d / ::ffff:a.b.c.d for IPv4-compatible and mapped
// addresses. `/bits` follows unless the prefix is the whole address; a cidr always has it.
inline std::string format_ip(const ip_value& v, bool cidr)
{
    std::string text;
    const auto append_ipv4 = [&](std::size_t from) {
        for (std::size_t i = from; i < from + 4; ++i) {
            if (i != from)
                text += '.';
            text += std::to_string(byte_value(v.bytes[i]));
        }
    };
    if (!v.v6)
        append_ipv4(0);
    else {
        unsigned words[8] = {};
        for (std::size_t i = 0; i < 8; ++i)
            words[i] = byte_value(v.bytes[2 * i]) << 8 | byte_value(v.bytes[2 * i + 1]);
        int best = -1;
        int best_len = 0;
        for (int i = 0; i < 8;) {
            if (words[i] != 0) {
                ++i;
                continue;
            }
            int len = 0;
            while (i + len < 8 && words[i + len] == 0)
                ++len;
            if (len > best_len) {
                best = i;
                best_len = len;
            }
            i += len;
        }
        if (best_len < 2)
            best = -1;
        for (int i = 0; i < 8; ++i) {
            if (best >= 0 && i >= best && i < best + best_len) {
                if (i == best)
                    text += ':';
                continue;
            }
            if (i != 0)
                text += ':';
            if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffffU))) {
                append_ipv4(12);
                break;
            }
            bool started = false;
            for (int shift = 12; shift >= 0; shift -= 4) {
                const unsigned digit = words[i] >> shift & 15U;
                if (digit != 0 || started || shift == 0) {
                    text += lower_hex_digit(digit);
                    started = true;
                }
            }
        }
        if (best >= 0 && best + best_len == 8)
            text += ':';
    }
    if (cidr || v.bits != v.max_bits()) {
        text += '/';
        text += std::to_string(v.bits);
    }
    return text;
}

// inet_send / cidr_send: family, bits, is_cidr, address length, the address.
inline void encode_ip(const ip_value& v, bool cidr, writer& out)
{
    out.put_be(v.v6 ? pgsql_af_inet6 : pgsql_af_inet);
    out.put_be(v.bits);
    out.put_be(static_cast<std::uint8_t>(cidr ? 1 : 0));
    out.put_be(static_cast<std::uint8_t>(v.size()));
    out.put_bytes(v.bytes.data(), v.size());
}

// inet_recv's checks, and a few more: every field in range, the length exact, no host bits in a
// cidr value (nor in anything read into typq::cidr).
inline ip_value decode_ip(value_view in, bool into_cidr)
{
    const auto header = in.subview(0, 4, in.type()).bytes();
    const unsigned family = byte_value(header[0]);
    const unsigned bits = byte_value(header[1]);
    const unsigned is_cidr = byte_value(header[2]);
    const unsigned length = byte_value(header[3]);
    ip_value v;
    if (family != pgsql_af_inet && family != pgsql_af_inet6)
        in.fail("address family is " + std::to_string(family) + ", expected 2 (IPv4) or 3 (IPv6)");
    v.v6 = family == pgsql_af_inet6;
    if (bits > static_cast<unsigned>(v.max_bits()))
        in.fail("prefix length is " + std::to_string(bits) + ", more than " + std::to_string(v.max_bits()));
    if (is_cidr > 1)
        in.fail("is_cidr byte is " + std::to_string(is_cidr) + ", expected 0 or 1");
    if (length != v.size())
        in.fail("address length is " + std::to_string(length) + ", expected " + std::to_string(v.size()));
    if (in.size() != 4 + v.size())
        in.fail("value is " + std::to_string(in.size()) + " bytes, expected " + std::to_string(4 + v.size()));
    const auto address = in.bytes().subspan(4);
    for (std::size_t i = 0; i < v.size(); ++i)
        v.bytes[i] = address[i];
    v.bits = static_cast<std::uint8_t>(bits);
    if ((is_cidr == 1 || into_cidr) && !host_bits_zero(v))
        in.fail("cidr value has bits set to the right of its /" + std::to_string(bits) + " prefix");
    return v;
}

}  // namespace detail

/// An IP network, PostgreSQL's cidr: an IPv4 or IPv6 network address whose bits after the
/// prefix length are all zero (a value with host bits set is refused, never masked). The default
/// is 0.0.0.0/32. Ordering is the server's (IPv4 first, then by network, then by prefix length).
class cidr {
public:
    /// An IPv4 address, in network order.
    using ipv4_bytes = std::array<std::byte, 4>;
    /// An IPv6 address, in network order.
    using ipv6_bytes = std::array<std::byte, 16>;

    /// 0.0.0.0/32.
    cidr() = default;

    /// The IPv4 network `address`/`prefix_length`.
    /// @throws typq::conversion_error when `prefix_length` is not in 0..32 or host bits are set.
    [[nodiscard]] static cidr ipv4(const ipv4_bytes& address, int prefix_length = 32)
    {
        return cidr(detail::make_ip(address, false, prefix_length, "cidr"));
    }
    /// The IPv6 network `address`/`prefix_length`.
    /// @throws typq::conversion_error when `prefix_length` is not in 0..128 or host bits are set.
    [[nodiscard]] static cidr ipv6(const ipv6_bytes& address, int prefix_length = 128)
    {
        return cidr(detail::make_ip(address, true, prefix_length, "cidr"));
    }
    /// Parses `10.0.0.0/8`, `2001:db8::/32`; without `/bits` the prefix is the whole address.
    /// The classful abbreviations cidr_in also takes (`10/8`, `192.168.1`) are not supported.
    /// @throws typq::conversion_error for other text, or host bits set.
    [[nodiscard]] static cidr parse(std::string_view text) { return cidr(detail::parse_ip(text, true)); }

    /// The server's text: `10.0.0.0/8`, `2001:db8::/32`, always with the prefix length.
    [[nodiscard]] std::string to_string() const { return detail::format_ip(value_, true); }

    /// True for an IPv4 network.
    [[nodiscard]] bool is_ipv4() const noexcept { return !value_.v6; }
    /// True for an IPv6 network.
    [[nodiscard]] bool is_ipv6() const noexcept { return value_.v6; }
    /// The number of network bits: 0..32 for IPv4, 0..128 for IPv6.
    [[nodiscard]] int prefix_length() const noexcept { return value_.bits; }
    /// The network address: 4 bytes for IPv4, 16 for IPv6, in network order.
    [[nodiscard]] std::span<const std::byte> address() const noexcept { return {value_.bytes.data(), value_.size()}; }

    /// Equal when the family, address and prefix length are.
    friend bool operator==(const cidr&, const cidr&) noexcept = default;
    /// The server's order: IPv4 before IPv6, then by network, then by prefix length.
    friend std::strong_ordering operator<=>(const cidr& a, const cidr& b) noexcept
    {
        return detail::compare_ip(a.value_, b.value_);
    }

private:
    explicit cidr(const detail::ip_value& value) : value_(value) { detail::require_host_bits_zero(value_); }

    detail::ip_value value_;
};

/// An IP host address with the prefix length of its network, PostgreSQL's inet: IPv4 or IPv6.
/// The default is 0.0.0.0 (/32). Every cidr is an inet (the conversion is implicit); ordering is
/// the server's, so an inet and a cidr compare as the server compares them.
class inet {
public:
    /// An IPv4 address, in network order.
    using ipv4_bytes = std::array<std::byte, 4>;
    /// An IPv6 address, in network order.
    using ipv6_bytes = std::array<std::byte, 16>;

    /// 0.0.0.0 (/32).
    inet() = default;
    /// The network's address and prefix length; implicit, as the server casts cidr to inet.
    inet(const cidr& network) noexcept  // implicit, as the server casts cidr to inet
    {
        value_.v6 = network.is_ipv6();
        value_.bits = static_cast<std::uint8_t>(network.prefix_length());
        const auto address = network.address();
        for (std::size_t i = 0; i < address.size(); ++i)
            value_.bytes[i] = address[i];
    }

    /// The IPv4 host `address` in a network of `prefix_length` bits.
    /// @throws typq::conversion_error when `prefix_length` is not in 0..32.
    [[nodiscard]] static inet ipv4(const ipv4_bytes& address, int prefix_length = 32)
    {
        return inet(detail::make_ip(address, false, prefix_length, "inet"));
    }
    /// The IPv6 host `address` in a network of `prefix_length` bits.
    /// @throws typq::conversion_error when `prefix_length` is not in 0..128.
    [[nodiscard]] static inet ipv6(const ipv6_bytes& address, int prefix_length = 128)
    {
        return inet(detail::make_ip(address, true, prefix_length, "inet"));
    }
    /// Parses `192.168.0.1`, `192.168.0.1/24`, `::1`, `2001:DB8::1/64`, `::%ffff:1.2.3.4`: what
    /// inet_in accepts and inet_out prints (no spaces, no leading zeros in `/bits`).
    /// @throws typq::conversion_error for other text.
    [[nodiscard]] static inet parse(std::string_view text) { return inet(detail::parse_ip(text, false)); }

    /// The server's text: `192.168.0.1/24`, `::1` (no `/bits` when the prefix is the whole address).
    [[nodiscard]] std::string to_string() const { return detail::format_ip(value_, false); }

    /// True for an IPv4 address.
    [[nodiscard]] bool is_ipv4() const noexcept { return !value_.v6; }
    /// True for an IPv6 address.
    [[nodiscard]] bool is_ipv6() const noexcept { return value_.v6; }
    /// The number of network bits: 0..32 for IPv4, 0..128 for IPv6.
    [[nodiscard]] int prefix_length() const noexcept { return value_.bits; }
    /// The host address: 4 bytes for IPv4, 16 for IPv6, in network order.
    [[nodiscard]] std::span<const std::byte> address() const noexcept { return {value_.bytes.data(), value_.size()}; }

    /// The network: the address with its host bits cleared, as the server's network(inet).
    [[nodiscard]] cidr network() const
    {
        auto address = value_.bytes;
        for (std::size_t i = 0; i < address.size(); ++i)
            address[i] &= static_cast<std::byte>(0xffU & ~detail::host_mask(i, value_.bits));
        if (value_.v6)
            return cidr::ipv6(address, value_.bits);
        return cidr::ipv4({address[0], address[1], address[2], address[3]}, value_.bits);
    }

    /// Equal when the family, address and prefix length are.
    friend bool operator==(const inet&, const inet&) noexcept = default;
    /// The server's order: IPv4 before IPv6, then by network, then by prefix length, then by
    /// address.
    friend std::strong_ordering operator<=>(const inet& a, const inet& b) noexcept
    {
        return detail::compare_ip(a.value_, b.value_);
    }

private:
    explicit inet(const detail::ip_value& value) noexcept : value_(value) {}

    detail::ip_value value_;
};

namespace detail {

[[noreturn]] inline void throw_mac_parse_error(std::string_view sql_type)
{
    throw_network_error(sql_type, "invalid " + std::string(sql_type) + " text");
}

// `text` as `groups` groups of hex digits separated by `separator` (none when '\0'), each of
// exactly `width` digits, or of 1 to 2 digits when `width` is 0; the digits, padded to two per
// group in that case, fill `out` (`size` bytes).
constexpr bool parse_mac_pattern(std::string_view text, int groups, std::size_t width, char separator,
    std::byte* out, std::size_t size) noexcept
{
    char digits[16] = {};
    std::size_t count = 0;
    std::size_t at = 0;
    for (int g = 0; g < groups; ++g) {
        if (g > 0) {
            if (at == text.size() || text[at] != separator)
                return false;
            ++at;
        }
        std::size_t n = 0;
        while (at + n < text.size() && hex_digit(text[at + n]) >= 0)
            ++n;
        if (width == 0 ? (n < 1 || n > 2) : n != width)
            return false;
        if (count + (width == 0 ? 2 : n) > 2 * size)
            return false;
        if (width == 0 && n == 1)
            digits[count++] = '0';
        for (std::size_t i = 0; i < n; ++i)
            digits[count++] = text[at + i];
        at += n;
    }
    if (at != text.size() || count != 2 * size)
        return false;
    for (std::size_t i = 0; i < size; ++i)
        out[i] = static_cast<std::byte>(hex_digit(digits[2 * i]) * 16 + hex_digit(digits[2 * i + 1]));
    return true;
}

template <std::size_t N>
std::string format_mac(const std::array<std::byte, N>& bytes)
{
    std::string text;
    for (std::size_t i = 0; i < N; ++i) {
        if (i != 0)
            text += ':';
        append_hex(text, byte_value(bytes[i]), 2);
    }
    return text;
}

template <std::size_t N>
constexpr std::strong_ordering compare_bytes(const std::array<std::byte, N>& a, const std::array<std::byte, N>& b) noexcept
{
    for (std::size_t i = 0; i < N; ++i)
        if (a[i] != b[i])
            return byte_value(a[i]) <=> byte_value(b[i]);
    return std::strong_ordering::equal;
}

}  // namespace detail

/// A MAC address (EUI-48), PostgreSQL's macaddr: 6 bytes. Ordering is byte by byte, as the server's.
class macaddr {
public:
    /// The 6 bytes, in transmission order.
    using bytes_type = std::array<std::byte, 6>;

    /// 00:00:00:00:00:00.
    constexpr macaddr() noexcept = default;
    /// The address whose bytes are `bytes`.
    constexpr explicit macaddr(const bytes_type& bytes) noexcept : bytes_(bytes) {}

    /// Parses the formats macaddr_in accepts: `08:00:2b:01:02:03`, `08-00-2b-01-02-03` (these
    /// two also with 1-digit groups), `08002b:010203`, `08002b-010203`, `0800.2b01.0203`,
    /// `0800-2b01-0203`, `08002b010203`; hex digits of either case, no spaces.
    /// @throws typq::conversion_error for other text.
    [[nodiscard]] static macaddr parse(std::string_view text)
    {
        struct pattern {
            int groups;
            std::size_t width;
            char separator;
        };
        constexpr pattern patterns[] = {{6, 0, ':'}, {6, 0, '-'}, {2, 6, ':'}, {2, 6, '-'}, {3, 4, '.'},
            {3, 4, '-'}, {1, 12, '\0'}};
        bytes_type bytes{};
        for (const pattern& p : patterns)
            if (detail::parse_mac_pattern(text, p.groups, p.width, p.separator, bytes.data(), bytes.size()))
                return macaddr(bytes);
        detail::throw_mac_parse_error("macaddr");
    }

    /// The server's text: `08:00:2b:01:02:03`.
    [[nodiscard]] std::string to_string() const { return detail::format_mac(bytes_); }
    /// The 6 bytes.
    [[nodiscard]] constexpr const bytes_type& bytes() const noexcept { return bytes_; }

    /// Equal when the bytes are.
    friend constexpr bool operator==(const macaddr&, const macaddr&) noexcept = default;
    /// Byte by byte, as unsigned values: the server's order.
    friend constexpr std::strong_ordering operator<=>(const macaddr& a, const macaddr& b) noexcept
    {
        return detail::compare_bytes(a.bytes_, b.bytes_);
    }

private:
    bytes_type bytes_{};
};

/// A MAC address in EUI-64 form, PostgreSQL's macaddr8: 8 bytes. Ordering is byte by byte.
class macaddr8 {
public:
    /// The 8 bytes, in transmission order.
    using bytes_type = std::array<std::byte, 8>;

    /// 00:00:00:00:00:00:00:00.
    constexpr macaddr8() noexcept = default;
    /// The address whose bytes are `bytes`.
    constexpr explicit macaddr8(const bytes_type& bytes) noexcept : bytes_(bytes) {}
    /// The EUI-48 address in EUI-64 form, FF:FE inserted in the middle (the server's
    /// macaddr-to-macaddr8 cast).
    constexpr explicit macaddr8(const macaddr& mac) noexcept
        : bytes_{mac.bytes()[0], mac.bytes()[1], mac.bytes()[2], std::byte{0xff}, std::byte{0xfe}, mac.bytes()[3],
            mac.bytes()[4], mac.bytes()[5]}
    {
    }

    /// Parses 8 (or 6, converted as the macaddr constructor does) pairs of hex digits, optionally
    /// separated by colons, hyphens or dots, one kind throughout (as macaddr8_in): `08:00:2b:01:02:03:04:05`,
    /// `08002b:0102030405`, `0800.2b01.0203.0405`, `08002b0102030405`; no spaces.
    /// @throws typq::conversion_error for other text.
    [[nodiscard]] static macaddr8 parse(std::string_view text)
    {
        std::byte bytes[8] = {};
        std::size_t count = 0;
        char separator = '\0';
        std::size_t at = 0;
        while (at < text.size()) {
            if (count > 0) {
                const char c = text[at];
                if (c == ':' || c == '-' || c == '.') {
                    if (separator != '\0' && separator != c)
                        detail::throw_mac_parse_error("macaddr8");
                    separator = c;
                    ++at;
                }
            }
            if (count == 8 || text.size() - at < 2)
                detail::throw_mac_parse_error("macaddr8");
            const int high = detail::hex_digit(text[at]);
            const int low = detail::hex_digit(text[at + 1]);
            if (high < 0 || low < 0)
                detail::throw_mac_parse_error("macaddr8");
            bytes[count++] = static_cast<std::byte>(high * 16 + low);
            at += 2;
        }
        if (count == 6)
            return macaddr8(macaddr({bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]}));
        if (count != 8)
            detail::throw_mac_parse_error("macaddr8");
        return macaddr8({bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]});
    }

    /// The server's text: `08:00:2b:ff:fe:01:02:03`.
    [[nodiscard]] std::string to_string() const { return detail::format_mac(bytes_); }
    /// The 8 bytes.
    [[nodiscard]] constexpr const bytes_type& bytes() const noexcept { return bytes_; }

    /// Equal when the bytes are.
    friend constexpr bool operator==(const macaddr8&, const macaddr8&) noexcept = default;
    /// Byte by byte, as unsigned values: the server's order.
    friend constexpr std::strong_ordering operator<=>(const macaddr8& a, const macaddr8& b) noexcept
    {
        return detail::compare_bytes(a.bytes_, b.bytes_);
    }

private:
    bytes_type bytes_{};
};

namespace detail {

// inet and cidr share inet_send's format; they differ only in the is_cidr flag, which the
// decoder also checks, and in which columns they read.
template <class Address, bool IsCidr>
struct ip_adapter {
    static void encode(const Address& value, writer& out)
    {
        ip_value v;
        v.v6 = value.is_ipv6();
        v.bits = static_cast<std::uint8_t>(value.prefix_length());
        const auto address = value.address();
        for (std::size_t i = 0; i < address.size(); ++i)
            v.bytes[i] = address[i];
        encode_ip(v, IsCidr, out);
    }
    static void encode_text(const Address& value, std::string& out) { out += value.to_string(); }
    static void decode(value_view in, Address& out)
    {
        const ip_value v = decode_ip(in, IsCidr);
        out = v.v6 ? Address::ipv6(v.bytes, v.bits)
                   : Address::ipv4({v.bytes[0], v.bytes[1], v.bytes[2], v.bytes[3]}, v.bits);
    }
};

}  // namespace detail

/// typq::inet as `inet` (OID 869): binary, `inet_send`'s family, prefix length, is_cidr flag (0),
/// address length and address bytes; reads inet and cidr columns (every cidr is an inet).
template <>
struct type<inet> : detail::ip_adapter<inet, false> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "inet";
    static constexpr oid param_oid = oid::inet;
    static constexpr oid array_oid = oid::inet_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::inet || column == oid::cidr; }
    /// @}
};

/// typq::cidr as `cidr` (OID 650): binary, as typq::inet with the is_cidr flag 1; reads cidr
/// columns only (an inet column's values may have host bits set: read them into typq::inet).
template <>
struct type<cidr> : detail::ip_adapter<cidr, true> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "cidr";
    static constexpr oid param_oid = oid::cidr;
    static constexpr oid array_oid = oid::cidr_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::cidr; }
    /// @}
};

/// typq::macaddr as `macaddr` (OID 829): binary, the 6 bytes (`macaddr_send`); reads macaddr
/// columns.
template <>
struct type<macaddr> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "macaddr";
    static constexpr oid param_oid = oid::macaddr;
    static constexpr oid array_oid = oid::macaddr_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::macaddr; }
    static void encode(const macaddr& value, writer& out) { out.put_bytes(value.bytes().data(), value.bytes().size()); }
    static void encode_text(const macaddr& value, std::string& out) { out += value.to_string(); }
    static void decode(value_view in, macaddr& out) { out = macaddr(in.read_bytes<6>()); }
    /// @}
};

/// typq::macaddr8 as `macaddr8` (OID 774): binary, the 8 bytes (`macaddr8_send`); reads macaddr8
/// columns.
template <>
struct type<macaddr8> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "macaddr8";
    static constexpr oid param_oid = oid::macaddr8;
    static constexpr oid array_oid = oid::macaddr8_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::macaddr8; }
    static void encode(const macaddr8& value, writer& out) { out.put_bytes(value.bytes().data(), value.bytes().size()); }
    static void encode_text(const macaddr8& value, std::string& out) { out += value.to_string(); }
    static void decode(value_view in, macaddr8& out) { out = macaddr8(in.read_bytes<8>()); }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_NETWORK_HPP
// ----- end <typq/types/network.hpp> -----
// ----- begin <typq/types/misc.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/misc.hpp: typq::oid as the oid type (oidsend: 4 bytes, unsigned), also reading the
// reg* alias types (regclass, regtype...); and `char` as PostgreSQL's single-byte "char" type
// (charsend: one byte), which is not text.

#ifndef TYPQ_TYPES_MISC_HPP
#define TYPQ_TYPES_MISC_HPP


#include <cstdint>      // std::uint8_t, std::uint32_t
#include <string>       // text forms
#include <string_view>  // sql_type

namespace typq {
namespace detail {

// The OID alias types: each one's send and receive functions are oidsend and oidrecv (4 bytes,
// unsigned), so they read as typq::oid. Their values are fixed in pg_type.dat.
inline constexpr bool is_oid_alias_column(oid column) noexcept
{
    switch (static_cast<std::uint32_t>(column)) {
    case 24:    // regproc
    case 2202:  // regprocedure
    case 2203:  // regoper
    case 2204:  // regoperator
    case 2205:  // regclass
    case 2206:  // regtype
    case 3734:  // regconfig
    case 3769:  // regdictionary
    case 4089:  // regnamespace
    case 4096:  // regrole
    case 4191:  // regcollation
        return true;
    default: return false;
    }
}

}  // namespace detail

/// typq::oid as the `oid` type (OID 26), both ways: binary, 4 bytes, unsigned, big-endian
/// (`oidsend`). Result columns of the reg* types (`regclass`, `regtype`,
/// `regproc`, ...) read too: their binary form is the OID itself, so
/// ``query_value<typq::oid>("SELECT 'pg_class'::%regclass")`` gives the table's OID.
template <>
struct type<oid> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "oid";
    static constexpr oid param_oid = oid::oid;
    static constexpr oid array_oid = oid::oid_array;

    static constexpr bool accepts(oid column) noexcept
    {
        return column == oid::oid || detail::is_oid_alias_column(column);
    }
    static void encode(oid value, writer& out) { out.put_be(static_cast<std::uint32_t>(value)); }
    static void encode_text(oid value, std::string& out) { detail::append_integer(out, static_cast<std::uint32_t>(value)); }
    static void decode(value_view in, oid& out) { out = static_cast<oid>(in.read_be<std::uint32_t>()); }
    /// @}
};

/// `char` as PostgreSQL's internal single-byte type `"char"` (OID 18, the type of pg_class's
/// relkind): binary, the byte itself (`charsend`). Not text: any byte value travels unchanged,
/// and ``'\0'`` is the server's empty `"char"` (``''``).
/// For a one-character string use `std::string` (text, varchar, char(1)); `signed char`,
/// `unsigned char` and `std::int8_t` have no adapter.
template <>
struct type<char> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "\"char\"";
    static constexpr oid param_oid = oid::char_;
    // No array_oid on purpose: std::vector<char> is a byte buffer to most C++ code (send bytes as
    // std::vector<std::byte>), so it must not quietly become a "char"[] array.

    static constexpr bool accepts(oid column) noexcept { return column == oid::char_; }
    static void encode(char value, writer& out) { out.put_be(static_cast<std::uint8_t>(value)); }
    // charin's forms: the byte itself, '' for 0, and \ooo (octal) for a byte past ASCII, which
    // alone would not be UTF-8.
    static void encode_text(char value, std::string& out)
    {
        const auto byte = static_cast<unsigned char>(value);
        if (byte == 0)
            return;
        if (byte < 0x80) {
            out += value;
            return;
        }
        out += '\\';
        out += static_cast<char>('0' + (byte >> 6));
        out += static_cast<char>('0' + ((byte >> 3) & 7));
        out += static_cast<char>('0' + (byte & 7));
    }
    static void decode(value_view in, char& out)
    {
        // charsend always sends exactly one byte (0 for the empty "char"); charrecv refuses fewer.
        out = static_cast<char>(in.read_be<std::uint8_t>());
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_MISC_HPP
// ----- end <typq/types/misc.hpp> -----
// ----- begin <typq/types/money.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/money.hpp: typq::money, the server's money type as its 64-bit count of the smallest
// currency unit (cash_send / cash_recv: one big-endian int8).

#ifndef TYPQ_TYPES_MONEY_HPP
#define TYPQ_TYPES_MONEY_HPP


#include <compare>      // operator<=>
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t, std::uint64_t
#include <string>       // to_string()
#include <string_view>  // sql_type

namespace typq {

/// A `money` value: the server's 64-bit integer count of the currency's smallest unit, here
/// called cents. The binary form carries only that integer; the server's `lc_monetary` setting
/// decides how many of its digits are fractional in money's text form (2 in the C locale and most
/// others). typq assumes 2: `money{123456}` is `$1,234.56` under ``lc_monetary = 'C'``.
/// Every int8 value is a valid money, from -92233720368547758.08 to 92233720368547758.07.
struct money {
    /// The value in the currency's smallest unit: 123456 is 1,234.56 with 2 fractional digits.
    std::int64_t cents = 0;

    /// The server's text form under ``lc_monetary = 'C'``: `$1,234.56`, `-$0.01`, `$0.00`.
    [[nodiscard]] std::string to_string() const
    {
        // cash_out with the C locale's defaults: '$', ',' between groups of three digits, '.'
        // before two fractional digits, '-' before everything for a negative value.
        std::uint64_t rest = cents < 0 ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
        char reversed[32];  // 19 digits, 6 separators and the point at most
        std::size_t size = 0;
        const auto digit = [&] {
            reversed[size++] = static_cast<char>('0' + rest % 10);
            rest /= 10;
        };
        digit();
        digit();
        reversed[size++] = '.';
        for (int in_group = 0;; ++in_group) {
            if (in_group == 3) {
                reversed[size++] = ',';
                in_group = 0;
            }
            digit();
            if (rest == 0)
                break;
        }
        std::string text = cents < 0 ? "-$" : "$";
        while (size > 0)
            text += reversed[--size];
        return text;
    }

    /// Equal when the counts are.
    friend constexpr bool operator==(const money&, const money&) = default;
    /// Ordered by the count.
    friend constexpr std::strong_ordering operator<=>(const money&, const money&) = default;
};

/// typq::money as `money` (OID 790): binary, the count as a big-endian int8 (`cash_send`); reads
/// money columns.
template <>
struct type<money> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "money";
    static constexpr oid param_oid = oid::money;
    static constexpr oid array_oid = oid::money_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::money; }
    static void encode(const money& value, writer& out) { out.put_be(value.cents); }
    // cash_in's plainest form, `-1234.56`: no currency symbol or group separators, two
    // fractional digits (as typq assumes everywhere: lc_monetary's C locale).
    static void encode_text(const money& value, std::string& out)
    {
        const auto magnitude = value.cents < 0 ? 0 - static_cast<std::uint64_t>(value.cents) : static_cast<std::uint64_t>(value.cents);
        if (value.cents < 0)
            out += '-';
        detail::append_integer(out, magnitude / 100);
        out += '.';
        out += static_cast<char>('0' + magnitude / 10 % 10);
        out += static_cast<char>('0' + magnitude % 10);
    }
    static void decode(value_view in, money& out) { out.cents = in.read_be<std::int64_t>(); }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_MONEY_HPP
// ----- end <typq/types/money.hpp> -----
// ----- begin <typq/types/bit.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/bit.hpp: typq::bit_string for bit(n) and bit varying (bit_send / varbit_send: the
// bit count as an int4, then the bits packed most significant first, the last byte's unused low
// bits zero).

#ifndef TYPQ_TYPES_BIT_HPP
#define TYPQ_TYPES_BIT_HPP


#include <cstddef>      // std::byte, std::size_t
#include <cstdint>      // std::int32_t
#include <limits>       // the int4 bit count's limit
#include <span>         // bytes()
#include <string>       // to_string(), messages
#include <string_view>  // parse()
#include <vector>       // the packed bits

namespace typq {
namespace detail {

inline constexpr std::size_t bit_byte_count(std::size_t bits) noexcept { return bits / 8 + (bits % 8 != 0 ? 1 : 0); }

// Why `bytes` cannot hold `size` bits packed as the server packs them, or nullptr when they can:
// exactly the bytes the bits need, and the last byte's unused low bits zero (bit_send sends
// them so; bit_recv clears them rather than refusing them).
inline const char* bit_string_problem(std::size_t size, std::span<const std::byte> bytes) noexcept
{
    if (bytes.size() != bit_byte_count(size))
        return "the byte count does not match the bit count";
    if (const std::size_t used = size % 8; used != 0) {
        const auto unused = static_cast<std::byte>(0xffU >> used);
        if ((bytes.back() & unused) != std::byte{0})
            return "bits past the bit count are set";
    }
    return nullptr;
}

}  // namespace detail

/// A string of bits, as in `bit(n)` and `bit varying(n)` (`varbit`) columns: `size()` bits,
/// stored packed most significant bit first, as the server stores them. Bits past `size()` in
/// the last byte are always zero, so `==` compares the bits alone.
/// @par Example
/// `auto flags = typq::bit_string::parse("10110"); flags[0] == true; flags.to_string() == "10110";`
class bit_string {
public:
    /// The empty bit string.
    bit_string() = default;

    /// `size` zero bits.
    explicit bit_string(std::size_t size) : size_(size), bytes_(detail::bit_byte_count(size)) {}

    /// `size` bits packed in `bytes`, most significant bit of `bytes[0]` first.
    /// @throws typq::conversion_error when `bytes` is not exactly the `(size + 7) / 8` bytes the
    ///         bits need, or sets a bit past `size`.
    bit_string(std::size_t size, std::span<const std::byte> bytes) : size_(size), bytes_(bytes.begin(), bytes.end())
    {
        if (const char* problem = detail::bit_string_problem(size, bytes))
            throw conversion_error(problem, conversion_site{{}, "varbit", {}, {}});
    }

    /// Bits from their text form, as the server prints a bit string: `"10110"` (no ``B'...'``).
    /// @throws typq::conversion_error on a character other than '0' and '1'.
    [[nodiscard]] static bit_string parse(std::string_view text)
    {
        bit_string bits(text.size());
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] != '0' && text[i] != '1')
                throw conversion_error("not a bit string: character " + std::to_string(i)
                        + " is not '0' or '1'",
                    conversion_site{{}, "varbit", {}, {}});
            if (text[i] == '1')
                bits.bytes_[i / 8] |= mask(i);
        }
        return bits;
    }

    /// The bits as '0' and '1' characters, as the server prints them cast to text.
    [[nodiscard]] std::string to_string() const
    {
        std::string text(size_, '0');
        for (std::size_t i = 0; i < size_; ++i)
            if ((*this)[i])
                text[i] = '1';
        return text;
    }

    /// The number of bits.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    /// True when there are no bits.
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

    /// Bit `i`, counted from the first (leftmost in the text form). `i` must be below `size()`.
    [[nodiscard]] bool operator[](std::size_t i) const noexcept { return (bytes_[i / 8] & mask(i)) != std::byte{0}; }

    /// Sets bit `i` to `value`.
    /// @throws typq::usage_error when `i` is not below `size()`.
    void set(std::size_t i, bool value = true)
    {
        if (i >= size_)
            throw usage_error("bit " + std::to_string(i) + " is past the end of a bit string of "
                + std::to_string(size_) + " bits");
        if (value)
            bytes_[i / 8] |= mask(i);
        else
            bytes_[i / 8] &= ~mask(i);
    }

    /// The packed bits: `(size() + 7) / 8` bytes, most significant bit first, unused bits zero.
    [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return bytes_; }

    /// Equal when the sizes and the bits are.
    friend bool operator==(const bit_string&, const bit_string&) = default;

private:
    static constexpr std::byte mask(std::size_t i) noexcept { return static_cast<std::byte>(0x80U >> (i % 8)); }

    std::size_t size_ = 0;
    std::vector<std::byte> bytes_;
};

/// typq::bit_string, binary: the bit count as an int4, then the packed bits (`varbit_send`). As a
/// parameter, `varbit` (OID 1562): the server casts it to a `bit(n)` column's type on assignment, and
/// refuses a length other than n (SQLSTATE 22026, typq::data_exception). Reads `bit` and `varbit`
/// columns.
template <>
struct type<bit_string> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "varbit";
    static constexpr oid param_oid = oid::varbit;
    static constexpr oid array_oid = oid::varbit_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::varbit || column == oid::bit; }

    static void encode(const bit_string& value, writer& out)
    {
        if (value.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
            throw conversion_error("a bit string of " + std::to_string(value.size())
                    + " bits is longer than PostgreSQL's int4 bit count allows",
                conversion_site{{}, "varbit", {}, {}});
        out.put_be(static_cast<std::int32_t>(value.size()));
        out.put_bytes(value.bytes().data(), value.bytes().size());
    }

    static void encode_text(const bit_string& value, std::string& out) { out += value.to_string(); }

    static void decode(value_view in, bit_string& out)
    {
        // bit_recv / varbit_recv: an int4 bit count, never negative, then exactly the bytes it needs.
        const auto count = in.subview(0, 4, oid::int4).read_be<std::int32_t>();
        if (count < 0)
            in.fail("bit count is " + std::to_string(count) + ", expected at least 0");
        const auto bits = in.subview(4, in.size() - 4, in.type());
        const auto size = static_cast<std::size_t>(count);
        if (const char* problem = detail::bit_string_problem(size, bits.bytes()))
            in.fail(std::string(problem) + " (" + std::to_string(count) + " bits in " + std::to_string(bits.size())
                + " bytes)");
        out = bit_string(size, bits.bytes());
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_BIT_HPP
// ----- end <typq/types/bit.hpp> -----
// ----- begin <typq/types/enum.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/enum.hpp: a C++ enumeration <-> a PostgreSQL enum, by label. The labels are the
// enumerators' names, read at compile time, or given by the user; the enum's OID is looked up
// once per connection from its SQL name.
//
//     enum class mood { sad, ok, happy };
//     template <> struct typq::type<mood> : typq::enum_type<mood, "mood"> {};

#ifndef TYPQ_TYPES_ENUM_HPP
#define TYPQ_TYPES_ENUM_HPP

// ----- begin <typq/detail/sql_name.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/detail/sql_name.hpp: typq::sql_name, a string literal as a template argument, so that an
// adapter can be declared with the SQL type it maps to: `typq::enum_type<mood, "mood">`.

#ifndef TYPQ_DETAIL_SQL_NAME_HPP
#define TYPQ_DETAIL_SQL_NAME_HPP

#include <cstddef>      // std::size_t
#include <string_view>  // view()

namespace typq {

/// The name of a SQL type, given as a template argument (`"mood"`, `"shop.address"`); the
/// connection looks it up with `to_regtype`, so it is written as in SQL (quote mixed-case names:
/// `"\"Mood\""`).
template <std::size_t N>
struct sql_name {
    char text[N] = {};

    consteval sql_name(const char (&literal)[N]) noexcept  // NOLINT: implicit, from the literal
    {
        for (std::size_t i = 0; i < N; ++i)
            text[i] = literal[i];
    }

    [[nodiscard]] constexpr std::string_view view() const noexcept { return {text, N - 1}; }
};

}  // namespace typq

#endif  // TYPQ_DETAIL_SQL_NAME_HPP
// ----- end <typq/detail/sql_name.hpp> -----

#include <array>        // the label table
#include <cstddef>      // std::size_t
#include <iterator>     // std::size
#include <limits>       // the probed range of values
#include <string>       // messages
#include <string_view>  // labels
#include <type_traits>  // std::is_enum_v, std::underlying_type_t
#include <utility>      // std::pair, std::index_sequence, std::cmp_less

namespace typq {

/// One enumerator and its PostgreSQL label.
template <class E>
using enum_label = std::pair<E, std::string_view>;

namespace detail {

// The compiler's spelling of V inside this function's name: "mood::happy" for an enumerator,
// "(mood)3" for a value that names none. g++: "... [with auto V = mood::happy; ...]";
// clang: "... [V = mood::happy]".
template <auto V>
consteval std::string_view enumerator_spelling()
{
    const std::string_view function = __PRETTY_FUNCTION__;
    const std::size_t start = function.find("V = ") + 4;
    std::size_t end = start;
    while (end < function.size() && function[end] != ';' && function[end] != ']')
        ++end;
    return function.substr(start, end - start);
}

// An enumerator's name without its scope ("happy"), or empty for a value that names none, which
// the compilers print as a cast ("(mood)3", "((anonymous namespace)::mood)3"): the text after the
// last ':' is an enumerator's name only if it is an identifier.
template <auto V>
consteval std::string_view enumerator_name()
{
    constexpr std::string_view spelling = enumerator_spelling<V>();
    const std::size_t colon = spelling.rfind(':');
    const std::string_view name = colon == std::string_view::npos ? spelling : spelling.substr(colon + 1);
    if (name.empty() || (name[0] >= '0' && name[0] <= '9'))
        return {};
    for (const char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return {};
    return name;
}

// The values probed for enumerators: -128 to 255, within the underlying type; none for a type
// that is not an enumeration (enum_type's static_assert then says why).
template <class E>
struct enum_probe {
    static constexpr long long low = 0;
    static constexpr std::size_t count = 0;
};
template <class E>
    requires std::is_enum_v<E>
struct enum_probe<E> {
    using limits = std::numeric_limits<std::underlying_type_t<E>>;
    static constexpr long long low = std::cmp_less(limits::min(), -128) ? -128 : static_cast<long long>(limits::min());
    static constexpr long long high = std::cmp_greater(limits::max(), 255) ? 255 : static_cast<long long>(limits::max());
    static constexpr std::size_t count = static_cast<std::size_t>(high - low + 1);
};

// The name of every probed value (empty where none), by expansion into an array: a fold over
// several hundred values would pass clang's default nesting limit.
template <class E, std::size_t... I>
consteval std::array<std::string_view, sizeof...(I)> probe_enumerators(std::index_sequence<I...>)
{
    return {enumerator_name<static_cast<E>(enum_probe<E>::low + static_cast<long long>(I))>()...};
}

template <class E>
inline constexpr auto probed_enumerators = probe_enumerators<E>(std::make_index_sequence<enum_probe<E>::count>{});

template <class E>
consteval std::size_t count_enumerators()
{
    std::size_t count = 0;
    for (const std::string_view name : probed_enumerators<E>)
        count += name.empty() ? 0U : 1U;
    return count;
}

template <class E>
consteval std::array<enum_label<E>, count_enumerators<E>()> list_enumerators()
{
    std::array<enum_label<E>, count_enumerators<E>()> labels{};
    if constexpr (std::is_enum_v<E>) {
        std::size_t next = 0;
        for (std::size_t i = 0; i < probed_enumerators<E>.size(); ++i)
            if (!probed_enumerators<E>[i].empty())
                labels[next++] = {static_cast<E>(enum_probe<E>::low + static_cast<long long>(i)), probed_enumerators<E>[i]};
    }
    return labels;
}

/// E's enumerators with their names as labels, in value order (enumerators from -128 to 255;
/// give labels explicitly for others).
template <class E>
inline constexpr auto enumerator_labels = list_enumerators<E>();

// Labels are unique, non-empty and fit in a PostgreSQL name (63 bytes); values are unique.
template <class Labels>
consteval bool valid_enum_labels(const Labels& labels)
{
    for (std::size_t i = 0; i < std::size(labels); ++i) {
        if (labels[i].second.empty() || labels[i].second.size() > 63)
            return false;
        for (std::size_t j = 0; j < i; ++j)
            if (labels[i].second == labels[j].second || labels[i].first == labels[j].first)
                return false;
    }
    return true;
}

}  // namespace detail

/// The adapter of a C++ enumeration `E` and the PostgreSQL enum named `Name`, by label; derive
/// `typq::type<E>` from it. Binary, the label's text (`enum_send`); the enum's OID is looked up
/// by name once per connection. `Labels` (a constexpr array of `typq::enum_label<E>` with static
/// storage) gives the labels; by default they are the enumerators' names.
///
///     inline constexpr typq::enum_label<color> color_labels[] = {{color::dark_blue, "dark blue"}, ...};
///     template <> struct typq::type<color> : typq::enum_type<color, "color", color_labels> {};
///
/// A value without a label cannot be sent, and a label without a value cannot be read: both are
/// typq::conversion_error. The server refuses a label it does not have (typq::invalid_text_representation).
template <class E, sql_name Name, const auto& Labels = detail::enumerator_labels<E>>
struct enum_type {
    static_assert(std::is_enum_v<E>, "typq::enum_type<E, Name>: E must be an enumeration");
    static_assert(std::size(Labels) > 0,
        "typq::enum_type<E, Name>: no labels: E has no enumerators from -128 to 255 (give the labels explicitly)");
    static_assert(detail::valid_enum_labels(Labels),
        "typq::enum_type<E, Name>: labels must be unique, 1 to 63 bytes long, with one label per value");

    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = Name.view();
    static constexpr bool lookup_oid = true;

    static void encode(E value, writer& out)
    {
        for (const auto& [enumerator, label] : Labels) {
            if (enumerator == value) {
                out.put_text(label);
                return;
            }
        }
        throw conversion_error(detail::type_name<E>() + " value "
                + std::to_string(static_cast<long long>(static_cast<std::underlying_type_t<E>>(value)))
                + " has no label in enum " + std::string(sql_type),
            conversion_site{{}, std::string(sql_type), {}, detail::type_name<E>()});
    }

    // enum_in reads the label.
    static void encode_text(E value, std::string& out)
    {
        writer to(out);
        encode(value, to);
    }

    static void decode(value_view in, E& out)
    {
        const std::string_view text = in.text();
        for (const auto& [enumerator, label] : Labels) {
            if (label == text) {
                out = enumerator;
                return;
            }
        }
        in.fail("label \"" + std::string(text) + "\" of enum " + std::string(sql_type) + " is not one of "
            + detail::type_name<E>() + "'s");
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_ENUM_HPP
// ----- end <typq/types/enum.hpp> -----
// ----- begin <typq/types/composite.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/composite.hpp: an aggregate struct <-> a PostgreSQL composite type (CREATE TYPE ...
// AS (...), or a table's row type), field by attribute name, in record_send's binary format.
//
//     struct address { std::string street; std::string city; std::optional<std::string> zip; };
//     template <> struct typq::type<address> : typq::composite_type<address, "address"> {};

#ifndef TYPQ_TYPES_COMPOSITE_HPP
#define TYPQ_TYPES_COMPOSITE_HPP

// ----- begin <typq/reflect.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/reflect.hpp: the shapes a row can take (an aggregate by field name, typq::by_position<T>,
// std::tuple, or one scalar) and uniform access to their fields. The only header that uses
// Boost.PFR directly, besides detail/field_names.hpp.

#ifndef TYPQ_REFLECT_HPP
#define TYPQ_REFLECT_HPP

// ----- begin <typq/detail/field_names.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/detail/field_names.hpp: the names of an aggregate's fields at compile time.
//
// Boost 1.81's PFR has no get_name, so the names are read from __PRETTY_FUNCTION__ of a function
// template instantiated on a pointer to the field of a never-defined object (DESIGN.md, principle 5;
// STYLE.md section 5). Works on g++ 12 and clang 14; a compiler that prints differently stops the
// build at the static_assert below instead of mapping columns wrongly.
// Unsupported: local classes, reference members, bit-fields.

#ifndef TYPQ_DETAIL_FIELD_NAMES_HPP
#define TYPQ_DETAIL_FIELD_NAMES_HPP

#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

#include <array>        // the names' storage and the per-type list
#include <cstddef>      // std::size_t
#include <string_view>  // the names
#include <utility>      // std::index_sequence

namespace typq::detail {

template <class T>
struct phantom_holder {
    T value;
};

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wundefined-var-template"
// For a row struct in an anonymous namespace, phantom<T> has internal linkage; it is still only
// named in constant expressions, never defined or used at run time.
#pragma clang diagnostic ignored "-Wundefined-internal"
#endif

// Declared, never defined: only its fields' addresses are taken, in constant expressions.
// A run-time use would be a link error, by design.
template <class T>
extern const phantom_holder<T> phantom;

// clang 14 rejects a pointer to a subobject as a template argument; wrapped in a class type it passes.
template <class Pointer>
struct field_pointer_wrapper {
    Pointer pointer;
};

template <class T, std::size_t I>
consteval auto field_pointer()
{
    const auto* pointer = &boost::pfr::get<I>(phantom<T>.value);
    return field_pointer_wrapper<decltype(pointer)>{pointer};
}

template <auto Wrapped>
consteval std::string_view pretty_field_text()
{
    return __PRETTY_FUNCTION__;
}

template <class T, std::size_t I>
consteval std::string_view field_text()
{
    return pretty_field_text<field_pointer<T, I>()>();
}

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

struct field_name_calibration {
    int typq_calibration_field;
};

// g++ 12: "...{(& phantom<...>.phantom_holder<...>::value.ns::row::email)}; ...]"
// clang 14: "...[Wrapped = {&phantom.value.email}]"
// The text after the name is the same for every field; the name starts after the last
// separator character (':' for g++, '.' for clang) before it.
inline constexpr std::string_view field_name_calibration_name = "typq_calibration_field";
inline constexpr std::string_view field_name_calibration_text = field_text<field_name_calibration, 0>();
inline constexpr std::size_t field_name_suffix = field_name_calibration_text.size()
    - field_name_calibration_text.find(field_name_calibration_name) - field_name_calibration_name.size();
inline constexpr char field_name_separator =
    field_name_calibration_text[field_name_calibration_text.find(field_name_calibration_name) - 1];

template <class T, std::size_t I>
consteval std::string_view extract_field_name()
{
    constexpr std::string_view text = field_text<T, I>();
    constexpr std::size_t end = text.size() - field_name_suffix;
    constexpr std::size_t start = text.rfind(field_name_separator, end - 1) + 1;
    return text.substr(start, end - start);
}

// Only the names reach the binary, not the whole __PRETTY_FUNCTION__ texts.
template <class T, std::size_t I>
struct field_name_storage {
    static constexpr std::string_view extracted = extract_field_name<T, I>();
    static constexpr auto chars = [] {
        std::array<char, extracted.size() + 1> out{};
        for (std::size_t i = 0; i < extracted.size(); ++i)
            out[i] = extracted[i];
        return out;
    }();
};

/// The name of the I-th field of aggregate T.
template <class T, std::size_t I>
inline constexpr std::string_view field_name{
    field_name_storage<T, I>::chars.data(), field_name_storage<T, I>::extracted.size()};

template <class T, std::size_t... I>
consteval std::array<std::string_view, sizeof...(I)> make_field_names(std::index_sequence<I...>)
{
    return {field_name<T, I>...};
}

/// The names of all fields of aggregate T, in declaration order.
template <class T>
inline constexpr auto field_names =
    make_field_names<T>(std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});

namespace field_name_check {
struct two_fields {
    int alpha;
    double beta_2;
};
}  // namespace field_name_check

static_assert(field_names<field_name_check::two_fields>[0] == "alpha" &&
        field_names<field_name_check::two_fields>[1] == "beta_2",
    "typq: this compiler prints __PRETTY_FUNCTION__ in a way typq cannot read field names from");

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_FIELD_NAMES_HPP
// ----- end <typq/detail/field_names.hpp> -----

#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

#include <array>        // field name lists
#include <cstddef>      // std::size_t
#include <string_view>  // field names
#include <tuple>        // std::tuple rows
#include <type_traits>  // std::is_aggregate_v

namespace typq {

/// A row type that maps the columns to `T`'s fields by position instead of by name:
/// `conn.query<typq::by_position<point>>("SELECT 1, 2")` yields `point`s.
template <class T>
struct by_position {
    /// The struct the rows become, `T`.
    using type = T;
};

/// A row type that maps columns to `T`'s fields by name, as `T` alone does, but ignores columns
/// that no field names: `conn.query<typq::ignoring_extra<user>>("SELECT * FROM users")` reads a
/// table's rows into a struct of some of its columns. A field without its column, two columns of
/// one field's name, and a column that does not fit its field are still errors. (`T` alone is
/// strict: a column without a field is an error too, so that a renamed or added column is seen.)
template <class T>
struct ignoring_extra {
    /// The struct the rows become, `T`.
    using type = T;
};

namespace detail {

template <class T>
inline constexpr bool is_tuple = false;
template <class... T>
inline constexpr bool is_tuple<std::tuple<T...>> = true;

template <class T>
inline constexpr bool is_by_position = false;
template <class T>
inline constexpr bool is_by_position<by_position<T>> = true;
template <class T>
inline constexpr bool is_ignoring_extra = false;
template <class T>
inline constexpr bool is_ignoring_extra<ignoring_extra<T>> = true;

/// A struct whose fields typq reflects: an aggregate class with no typq::type of its own.
template <class T>
concept reflected_struct = std::is_class_v<T> && std::is_aggregate_v<T> && !has_type<T> && !is_tuple<T>
    && !is_by_position<T> && !is_ignoring_extra<T>;

/// `dynamic`: a row whose columns are known only at run time (typq::row); its traits make its
/// plan (`plan`) and its values (`decode`) themselves, and it has no fields (size 0).
enum class row_shape { scalar, tuple, by_position, by_name, dynamic };

/// What a row type `Row` means: the value each row becomes, its fields, and how columns map.
template <class Row>
struct row_traits;

template <class Row>
    requires has_type<Row>
struct row_traits<Row> {
    using value_type = Row;
    static constexpr row_shape shape = row_shape::scalar;
    static constexpr std::size_t size = 1;
    template <std::size_t I>
    using field_type = Row;
    template <std::size_t I>
    static constexpr Row& field(Row& row) noexcept { return row; }
    template <std::size_t I>
    static constexpr const Row& field(const Row& row) noexcept { return row; }
};

template <class... T>
struct row_traits<std::tuple<T...>> {
    using value_type = std::tuple<T...>;
    static constexpr row_shape shape = row_shape::tuple;
    static constexpr std::size_t size = sizeof...(T);
    template <std::size_t I>
    using field_type = std::tuple_element_t<I, value_type>;
    template <std::size_t I>
    static constexpr auto& field(value_type& row) noexcept { return std::get<I>(row); }
    template <std::size_t I>
    static constexpr const auto& field(const value_type& row) noexcept { return std::get<I>(row); }
};

template <class T>
struct reflected_fields {
    using value_type = T;
    static constexpr std::size_t size = boost::pfr::tuple_size_v<T>;
    template <std::size_t I>
    using field_type = boost::pfr::tuple_element_t<I, T>;
    template <std::size_t I>
    static constexpr auto& field(T& row) noexcept { return boost::pfr::get<I>(row); }
    template <std::size_t I>
    static constexpr const auto& field(const T& row) noexcept { return boost::pfr::get<I>(row); }
};

template <reflected_struct T>
struct row_traits<by_position<T>> : reflected_fields<T> {
    static constexpr row_shape shape = row_shape::by_position;
};

template <reflected_struct T>
struct row_traits<T> : reflected_fields<T> {
    static constexpr row_shape shape = row_shape::by_name;
};

template <reflected_struct T>
struct row_traits<ignoring_extra<T>> : reflected_fields<T> {
    static constexpr row_shape shape = row_shape::by_name;
    static constexpr bool ignores_extra_columns = true;
};

/// Columns that no field names are ignored (typq::ignoring_extra), not an error.
template <class Row>
inline constexpr bool ignores_extra_columns = requires { requires row_traits<Row>::ignores_extra_columns; };

/// A row type typq can decode: one of the four shapes, whatever its field types.
template <class Row>
concept row_type = requires { row_traits<Row>::shape; };

template <class Row, std::size_t I>
using row_field_t = typename row_traits<Row>::template field_type<I>;

/// The name of field I, or empty for a tuple element or a scalar.
template <class Row, std::size_t I>
consteval std::string_view row_field_name()
{
    if constexpr (row_traits<Row>::shape == row_shape::by_name || row_traits<Row>::shape == row_shape::by_position)
        return field_name<typename row_traits<Row>::value_type, I>;
    else
        return {};
}

/// True when some field of Row points into the result it was read from (std::string_view...).
template <class Row>
consteval bool row_borrows()
{
    return []<std::size_t... I>(std::index_sequence<I...>) {
        return (borrows<std::remove_cv_t<row_field_t<Row, I>>>() || ...);
    }(std::make_index_sequence<row_traits<Row>::size>{});
}

/// Every field decodable (each missing adapter is named by its no_type_for<T> error).
template <class Row>
consteval bool require_row_decodable()
{
    return []<std::size_t... I>(std::index_sequence<I...>) {
        return (require_decodable<std::remove_cv_t<row_field_t<Row, I>>>() && ...);
    }(std::make_index_sequence<row_traits<Row>::size>{});
}

}  // namespace detail
}  // namespace typq

#endif  // TYPQ_REFLECT_HPP
// ----- end <typq/reflect.hpp> -----

#include <climits>      // INT32_MAX
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int32_t, std::uint32_t
#include <string>       // messages
#include <string_view>  // names
#include <type_traits>  // std::is_aggregate_v
#include <utility>      // std::index_sequence

namespace typq {
namespace detail {

inline constexpr std::size_t no_field = static_cast<std::size_t>(-1);

// The index of T's field named `name`, or no_field.
template <class T>
std::size_t composite_field_index(std::string_view name) noexcept
{
    constexpr auto& names = field_names<T>;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name)
            return i;
    return no_field;
}

// Calls f(field<I>) for the field at run-time index `index`.
template <class T, class F>
void with_composite_field(T& value, std::size_t index, F&& f)
{
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((I == index ? f(reflected_fields<std::remove_const_t<T>>::template field<I>(value)) : void()), ...);
    }(std::make_index_sequence<reflected_fields<std::remove_const_t<T>>::size>{});
}

// Whether the field at run-time `index` reads values of type `column`.
template <class T>
bool composite_field_accepts(std::size_t index, oid column, const server_types& types)
{
    bool fits = false;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((I == index ? void(fits = accepts<std::remove_cv_t<typename reflected_fields<T>::template field_type<I>>>(column, types)) : void()),
            ...);
    }(std::make_index_sequence<reflected_fields<T>::size>{});
    return fits;
}

// The binary form a value of `attribute`'s type takes fits what a field of wire type `wire` writes.
inline bool composite_wire_fits(oid wire, oid attribute, const server_types& types)
{
    const oid base = types.strip_domains(attribute);
    if (wire == base)
        return true;
    if (wire == oid::varbit && base == oid::bit)  // one binary form; bit_recv checks the length
        return true;
    return wire == oid::text && is_text_column(base, types);
}

[[noreturn]] inline void throw_composite_encode_error(std::string_view sql_type, const std::string& reason)
{
    throw conversion_error("cannot encode composite type " + std::string(sql_type) + ": " + reason,
        conversion_site{{}, std::string(sql_type), {}, {}});
}

// Reads record_send's format: int4 count, then per attribute its type OID, int4 length (-1 for
// NULL) and bytes. Checks every length before reading.
class composite_reader {
public:
    explicit composite_reader(value_view in) : in_(in)
    {
        const std::int32_t count = in.subview(0, 4, in.type()).read_be<std::int32_t>();
        if (count < 0 || static_cast<std::size_t>(count) > (in.size() - 4) / 8)
            in.fail("composite value has " + std::to_string(count) + " attributes in " + std::to_string(in.size())
                + " bytes");
        count_ = static_cast<std::size_t>(count);
    }

    [[nodiscard]] std::size_t count() const noexcept { return count_; }

    /// Attribute `index`'s type and bytes; false for NULL.
    bool next(std::size_t index, oid& type, value_view& value)
    {
        if (in_.size() - offset_ < 8)
            in_.fail("composite attribute " + std::to_string(index + 1) + " is missing: the value ends at byte "
                + std::to_string(in_.size()));
        type = static_cast<oid>(in_.subview(offset_, 4, in_.type()).read_be<std::uint32_t>());
        const std::int32_t length = in_.subview(offset_ + 4, 4, in_.type()).read_be<std::int32_t>();
        offset_ += 8;
        if (length == -1)
            return false;
        if (length < 0 || static_cast<std::size_t>(length) > in_.size() - offset_)
            in_.fail("composite attribute " + std::to_string(index + 1) + " has length " + std::to_string(length) + " with "
                + std::to_string(in_.size() - offset_) + " bytes left");
        value = in_.subview(offset_, static_cast<std::size_t>(length), in_.types().strip_domains(type));
        offset_ += static_cast<std::size_t>(length);
        return true;
    }

    void finish() const
    {
        if (offset_ != in_.size())
            in_.fail("composite value has " + std::to_string(in_.size() - offset_) + " bytes after its last attribute");
    }

private:
    value_view in_;
    std::size_t count_ = 0;
    std::size_t offset_ = 4;
};

}  // namespace detail

/// The adapter of aggregate struct `T` and the composite type named `Name` (as in SQL: `"address"`,
/// `"shop.address"`); derive `typq::type<T>` from it. Fields map to attributes by name, both ways,
/// and every attribute needs its field and every field its attribute.
///
/// - As a parameter, T is sent as `Name` (its OID and attributes are looked up once per
///   connection); each field's C++ type must send the attribute's type (or a domain over it).
/// - As a result column it reads `Name`, any other composite type with the same attribute names
///   (a table's row type), and an anonymous `record` (`ROW(...)`), whose attributes have no names
///   and map by position.
/// - Arrays (`std::vector<T>`) and composites nested in composites work the same way.
/// - Binary, in `record_send`'s form: the number of attributes, then each attribute's type OID,
///   its length as an int4 (-1 for NULL) and its binary form.
/// A struct with a composite adapter is one column as a row type: `query<address>("SELECT addr ...")`.
template <class T, sql_name Name>
struct composite_type {
    static_assert(std::is_aggregate_v<T> && std::is_class_v<T>, "typq::composite_type<T, Name>: T must be an aggregate struct");

    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = Name.view();
    static constexpr bool lookup_oid = true;
    /// @}
    /// The number of T's fields, which is the number of attributes the composite type must have.
    static constexpr std::size_t field_count = detail::reflected_fields<T>::size;

    /// `Name`, a composite type whose attributes are T's fields (by name, each readable by its
    /// field), or `record`.
    static bool accepts(oid column, const server_types& types)
    {
        if (column == oid::record) {
            // An anonymous record's attribute types show only in its values, which are decoded
            // without asking the server: look up the server-defined types of T's fields now.
            look_up_field_types(types);
            return true;
        }
        const type_info* info = types.find(column);
        if (!info || info->kind != type_kind::composite || info->attributes.size() != field_count)
            return false;
        for (const type_attribute& attribute : info->attributes) {
            const std::size_t field = detail::composite_field_index<T>(attribute.name);
            if (field == detail::no_field || !detail::composite_field_accepts<T>(field, attribute.type, types))
                return false;
        }
        return true;  // as many attributes as fields, each naming a field: every field is covered
    }

    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void encode(const T& value, writer& out)
    {
        const type_info& info = out.types().get(sql_type);
        if (info.kind != type_kind::composite)
            detail::throw_composite_encode_error(sql_type, "the server's type \"" + info.name + "\" is not a composite type");
        for (const std::string_view field : detail::field_names<T>) {
            bool found = false;
            for (const type_attribute& attribute : info.attributes)
                found = found || attribute.name == field;
            if (!found)
                detail::throw_composite_encode_error(sql_type, "field \"" + std::string(field) + "\" of "
                        + detail::type_name<T>() + " is not an attribute of " + info.name);
        }
        out.put_be(static_cast<std::int32_t>(info.attributes.size()));
        for (std::size_t a = 0; a < info.attributes.size(); ++a) {
            const type_attribute& attribute = info.attributes[a];
            const std::size_t index = detail::composite_field_index<T>(attribute.name);
            if (index == detail::no_field)
                detail::throw_composite_encode_error(sql_type, "attribute \"" + attribute.name + "\" of " + info.name
                        + " has no field in " + detail::type_name<T>());
            out.put_be(static_cast<std::uint32_t>(attribute.type));
            detail::with_composite_field(value, index, [&](const auto& field) {
                encode_attribute(field, attribute, out);
            });
        }
    }

    static void decode(value_view in, T& out)
    {
        detail::composite_reader reader(in);
        const type_info* info = in.type() == oid::record ? nullptr : in.types().find(in.type());
        if (in.type() != oid::record && (!info || info->kind != type_kind::composite))
            in.fail("the composite type of this value is unknown");
        if (reader.count() != field_count)
            in.fail("composite value has " + std::to_string(reader.count()) + " attributes, "
                + detail::type_name<T>() + " has " + std::to_string(field_count) + " fields");
        if (info && info->attributes.size() != field_count)
            in.fail("composite type " + info->name + " has " + std::to_string(info->attributes.size())
                + " attributes, " + detail::type_name<T>() + " has " + std::to_string(field_count) + " fields");
        for (std::size_t a = 0; a < field_count; ++a) {
            // In order by name when the names match; a record's attributes have none: by position.
            std::size_t index = a;
            if (info && detail::field_names<T>[a] != info->attributes[a].name) {
                index = detail::composite_field_index<T>(info->attributes[a].name);
                if (index == detail::no_field)
                    in.fail("attribute \"" + info->attributes[a].name + "\" of " + info->name + " has no field in "
                        + detail::type_name<T>());
            }
            oid type = oid::unspecified;
            value_view value(nullptr, 0, oid::unspecified);
            const bool present = reader.next(a, type, value);
            detail::with_composite_field(out, index, [&](auto& field) {
                decode_attribute(in, present, type, value, index, field);
            });
        }
        reader.finish();
    }
    /// @}

private:
    static void look_up_field_types(const server_types& types)
    {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (look_up_type<std::remove_cv_t<typename detail::reflected_fields<T>::template field_type<I>>>(types), ...);
        }(std::make_index_sequence<field_count>{});
    }

    template <class F>
    static void look_up_type(const server_types& types)
    {
        if constexpr (looked_up<F>)
            (void)types.find(typq::type<F>::sql_type);
    }

    template <class F>
    static void encode_attribute(const F& field, const type_attribute& attribute, writer& out)
    {
        const oid wire = detail::element_oid_of<F>(out.types());
        if (!detail::composite_wire_fits(wire, attribute.type, out.types()))
            detail::throw_composite_encode_error(sql_type, "field \"" + attribute.name + "\" (" + detail::type_name<F>()
                    + ") sends " + detail::describe_sql_type(wire) + ", but attribute \"" + attribute.name + "\" is "
                    + detail::describe_sql_type(attribute.type, &out.types()));
        try {
            out.put_value(field);
        }
        catch (const conversion_error& e) {
            detail::throw_composite_encode_error(sql_type, "field \"" + attribute.name + "\": " + e.what());
        }
    }

    template <class F>
    static void decode_attribute(value_view in, bool present, oid type, value_view value, std::size_t index, F& field)
    {
        const std::string name(detail::field_names<T>[index]);
        if (!present) {
            if constexpr (detail::receives_null<F>)
                typq::type<F>::set_null(field);
            else
                in.fail("attribute \"" + name + "\" is NULL, but field \"" + name + "\" (" + detail::type_name<F>()
                    + ") is not a std::optional");
            return;
        }
        if (!detail::accepts<F>(type, in.types()))
            in.fail("attribute \"" + name + "\" is " + detail::describe_sql_type(type, &in.types()) + ", which field \""
                + name + "\" (" + detail::type_name<F>() + ") cannot read");
        try {
            typq::type<F>::decode(value, field);
        }
        catch (const conversion_error& e) {
            throw conversion_error(std::string(e.what()) + " (attribute \"" + name + "\" of " + std::string(sql_type) + ")",
                conversion_site{e.column(), e.sql_type(), e.field(), e.cpp_type()});
        }
    }
};

}  // namespace typq

#endif  // TYPQ_TYPES_COMPOSITE_HPP
// ----- end <typq/types/composite.hpp> -----
// ----- begin <typq/types/hstore.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/types/hstore.hpp: the hstore extension's key/value maps <-> a map of optional strings
// (`std::map<std::string, std::optional<std::string>>`, `std::unordered_map<...>`, or any map
// with those key and mapped types), in hstore_send's binary format. The OID of hstore is looked
// up on the server, which must have the extension (`CREATE EXTENSION hstore`).

#ifndef TYPQ_TYPES_HSTORE_HPP
#define TYPQ_TYPES_HSTORE_HPP


#include <climits>      // INT32_MAX
#include <concepts>     // std::same_as
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int32_t
#include <optional>     // values may be NULL
#include <string>       // keys and values
#include <string_view>  // sql_type
#include <utility>      // std::move

namespace typq {
namespace detail {

/// A map from std::string to std::optional<std::string> (std::map, std::unordered_map...).
template <class M>
concept hstore_map = std::same_as<typename M::key_type, std::string>
    && std::same_as<typename M::mapped_type, std::optional<std::string>>
    && requires(M map, const M& view, std::string key, std::optional<std::string> value) {
           { map.emplace(std::move(key), std::move(value)).second } -> std::convertible_to<bool>;
           view.begin();
           view.end();
           { view.size() } -> std::convertible_to<std::size_t>;
           map.clear();
       };

inline void put_hstore_text(writer& out, std::string_view text, const char* what)
{
    if (text.find('\0') != std::string_view::npos)
        throw conversion_error(std::string("hstore ") + what + " contains a NUL byte, which PostgreSQL text cannot hold",
            conversion_site{{}, "hstore", {}, {}});
    if (text.size() > static_cast<std::size_t>(INT32_MAX))
        throw conversion_error(std::string("hstore ") + what + " is too large", conversion_site{{}, "hstore", {}, {}});
    out.put_be(static_cast<std::int32_t>(text.size()));
    out.put_text(text);
}

// Reads one length-prefixed string at `offset`; false for NULL (length -1).
inline bool read_hstore_text(value_view in, std::size_t& offset, std::string& out, const char* what)
{
    if (in.size() - offset < 4)
        in.fail(std::string("hstore ") + what + " is missing: the value ends at byte " + std::to_string(in.size()));
    const std::int32_t length = in.subview(offset, 4, in.type()).read_be<std::int32_t>();
    offset += 4;
    if (length == -1)
        return false;
    if (length < 0 || static_cast<std::size_t>(length) > in.size() - offset)
        in.fail(std::string("hstore ") + what + " has length " + std::to_string(length) + " with "
            + std::to_string(in.size() - offset) + " bytes left");
    out.assign(in.data() + offset, static_cast<std::size_t>(length));
    offset += static_cast<std::size_t>(length);
    return true;
}

}  // namespace detail

/// A map of std::string to std::optional<std::string> (std::map, std::unordered_map...) as the
/// hstore extension's `hstore`, both ways: keys are strings, values strings or NULL (std::nullopt).
/// Binary, in `hstore_send`'s form: the number of pairs, then each key and value as an int4 length
/// (-1 for a NULL value) and its text. hstore's OID is looked up by name once per connection.
/// @throws typq::conversion_error for a NUL byte in a key or value, a NULL key or a repeated key
///         from the server, or malformed bytes.
template <class M>
    requires detail::hstore_map<M>
struct type<M> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "hstore";
    static constexpr bool lookup_oid = true;

    static void encode(const M& value, writer& out)
    {
        if (value.size() > static_cast<std::size_t>(INT32_MAX))
            throw conversion_error("hstore has too many pairs", conversion_site{{}, "hstore", {}, {}});
        out.put_be(static_cast<std::int32_t>(value.size()));
        for (const auto& [key, mapped] : value) {
            detail::put_hstore_text(out, key, "key");
            if (mapped)
                detail::put_hstore_text(out, *mapped, "value");
            else
                out.put_be(std::int32_t{-1});
        }
    }

    // hstore_out's form: "key"=>"value" or "key"=>NULL, pairs separated by ", ".
    static void encode_text(const M& value, std::string& out)
    {
        bool first = true;
        for (const auto& [key, mapped] : value) {
            if (!first)
                out += ", ";
            first = false;
            detail::append_double_quoted(out, key);
            out += "=>";
            if (mapped)
                detail::append_double_quoted(out, *mapped);
            else
                out += "NULL";
        }
    }

    static void decode(value_view in, M& out)
    {
        const std::int32_t count = in.subview(0, 4, in.type()).read_be<std::int32_t>();
        // Each pair takes at least 8 bytes (two lengths): a count the bytes cannot back is refused
        // before anything is allocated.
        if (count < 0 || static_cast<std::size_t>(count) > (in.size() - 4) / 8)
            in.fail("hstore has " + std::to_string(count) + " pairs in " + std::to_string(in.size()) + " bytes");
        out.clear();
        std::size_t offset = 4;
        for (std::int32_t i = 0; i < count; ++i) {
            std::string key;
            if (!detail::read_hstore_text(in, offset, key, "key"))
                in.fail("hstore key " + std::to_string(i + 1) + " is NULL");
            std::string value;
            std::optional<std::string> mapped;
            if (detail::read_hstore_text(in, offset, value, "value"))
                mapped = std::move(value);
            if (!out.emplace(std::move(key), std::move(mapped)).second)
                in.fail("hstore key " + std::to_string(i + 1) + " is repeated");
        }
        if (offset != in.size())
            in.fail("hstore has " + std::to_string(in.size() - offset) + " bytes after its last pair");
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_HSTORE_HPP
// ----- end <typq/types/hstore.hpp> -----
// ----- begin <typq/sql.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/sql.hpp: SQL statements checked at compile time against their arguments, in the style of
// fmt::format_string; typq::runtime() for SQL built at run time, checked the same way at run time;
// typq::script, what execute() runs without arguments; and safe composition of SQL text at run
// time (typq::sql_fragment, typq::identifier, typq::literal, typq::format_sql, typq::join).

#ifndef TYPQ_SQL_HPP
#define TYPQ_SQL_HPP

// ----- begin <typq/detail/schema_check.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/detail/schema_check.hpp: the compile-time check of a string-literal statement against the
// description a header generated by typq-schema holds (typq/schema.hpp, docs/schema.md): each
// argument against its parameter's type, each result column against the field that reads it.
// It answers earlier than the run-time check, never differently: it rejects only what the run-time
// check would reject too (a C++ type whose adapter decides at run time is let through), and the
// run-time check still runs.

#ifndef TYPQ_DETAIL_SCHEMA_CHECK_HPP
#define TYPQ_DETAIL_SCHEMA_CHECK_HPP

// ----- begin <typq/schema.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/schema.hpp: what a header generated by typq-schema is made of. The tool describes each
// statement of a program against a development database; the header it writes holds those
// descriptions as compile-time (consteval) code, and with `TYPQ_SCHEMA_HEADER` naming it, typq checks every
// string-literal statement against them at compile time (docs/schema.md).

#ifndef TYPQ_SCHEMA_HPP
#define TYPQ_SCHEMA_HPP


#include <cstddef>           // std::size_t: the statement hash
#include <initializer_list>  // a parameter's convertible types
#include <string_view>       // names

namespace typq::schema {

/// A type the server defines (an enum, a composite, a domain, an extension's type, an array of
/// one), as the generated header records it: what the compile-time check needs to decide whether
/// a C++ type reads or writes it without asking the server.
struct type_entry {
    unsigned id = 0;                       ///< `pg_type.oid`; 0 ends the generated list
    std::string_view name;                 ///< as the server prints it (`format_type`): `mood`, `shop.mood`
    std::string_view schema;               ///< the schema it is in (`nspname`)
    std::string_view type_name;            ///< its name in that schema (`typname`)
    type_kind kind = type_kind::base;      ///< what sort of type it is (`typtype`)
    unsigned element = 0;                  ///< for an array type, its element type; else 0
    unsigned base = 0;                     ///< for a domain, the type it constrains; else 0
};

/// What a generated `typq_schema::describe` tells about one statement, call by call: its
/// parameters in order, then its result columns in order. typq's compile-time check implements
/// it; a program has no reason to.
class reader {
public:
    /// Parameter `$number` is of type `type` (`type_name` as the server prints it); the server
    /// converts values of the types in `converts_from` to it (implicit and assignment casts).
    virtual consteval void parameter(int number, unsigned type, std::string_view type_name,
        std::initializer_list<unsigned> converts_from) = 0;
    /// The next result column is called `name` and is of type `type`; `nullable` is false only for
    /// a column of a table declared NOT NULL.
    virtual consteval void column(std::string_view name, unsigned type, std::string_view type_name, bool nullable) = 0;

protected:
    /// @{
    /// For the checker that implements it; not destroyed through a reader.
    constexpr reader() = default;
    constexpr reader(const reader&) = default;
    constexpr reader& operator=(const reader&) = default;
    constexpr ~reader() = default;
    /// @}
};

}  // namespace typq::schema

#endif  // TYPQ_SCHEMA_HPP
// ----- end <typq/schema.hpp> -----

#include <cstddef>           // std::size_t
#include <cstdint>           // std::uint16_t: a named statement's fields
#include <initializer_list>  // a parameter's convertible types
#include <string_view>       // names
#include <type_traits>       // std::integral_constant
#include <utility>           // std::index_sequence

// With TYPQ_SCHEMA_HEADER naming a header typq-schema wrote, statements are checked against it.
#if defined(TYPQ_SCHEMA_HEADER)
#include TYPQ_SCHEMA_HEADER
#endif

/// A name as a template argument, so that the compiler's message names the field:
/// `Field = typq::schema_error::field<6>{"email"}`.
namespace typq::schema_error {

template <std::size_t N>
struct field {
    char name[N];
};

// A statement that fails the check calls one of these: they are not constexpr, so the compiler
// stops, and its message names the function (the problem) with the field, its C++ type and the
// row type as template arguments, above a note with the generated `r.column(...)` or
// `r.parameter(...)` call that names the column or parameter and its SQL type.
inline void statement_is_not_in_the_schema_header() {}
template <field Field, class FieldType, class Row>
void field_has_no_column()
{
}
template <class Row>
void column_has_no_field()
{
}
template <field Field, class FieldType, class Row>
void two_columns_for_one_field()
{
}
template <field Field, class FieldType, class Row>
void field_cannot_read_its_column()
{
}
template <field Field, class FieldType, class Row>
void non_optional_field_over_nullable_column()
{
}
template <std::size_t Parameter, class Argument>
void argument_type_is_not_the_parameter_type()
{
}
template <field Field, class FieldType, class Struct>
void field_type_is_not_the_parameter_type()
{
}

}  // namespace typq::schema_error

namespace typq {
class params;
}  // namespace typq

namespace typq::detail {

/// True when typq checks statements against a generated header.
#if defined(TYPQ_SCHEMA_HEADER)
inline constexpr bool schema_checked = true;
#else
inline constexpr bool schema_checked = false;
#endif

#if defined(TYPQ_SCHEMA_STRICT)
inline constexpr bool schema_strict = true;
#else
inline constexpr bool schema_strict = false;
#endif

// The label of field I of Row (empty for a tuple element or a scalar row).
template <class Row, std::size_t I>
constexpr auto schema_field_label()
{
    constexpr std::string_view name = row_field_name<Row, I>();
    schema_error::field<name.size() + 1> label{};
    for (std::size_t i = 0; i < name.size(); ++i)
        label.name[i] = name[i];
    return label;
}

// Calls one of schema_error's functions when the check runs at compile time (always, in typq:
// the statement's consteval constructor runs it). Fields are named by template argument for g++,
// which prints the arguments of the calls that led here as written; `field` again as an argument
// for clang, which prints their values.
#define TYPQ_SCHEMA_FAIL(call) \
    do {                       \
        if (std::is_constant_evaluated()) \
            call;              \
    } while (false)

/// What the generated header says of a type that is not built in, or nullptr.
constexpr const schema::type_entry* find_schema_type([[maybe_unused]] unsigned id) noexcept
{
#if defined(TYPQ_SCHEMA_HEADER)
    for (const schema::type_entry* entry = typq_schema::types; entry->id != 0; ++entry)
        if (entry->id == id)
            return entry;
#endif
    return nullptr;
}

// The identifier at `i` of `written` (scan_identifier: quoted as it is, unquoted folded to lower
// case, as the server reads it) is `actual`, as the catalog keeps it; `i` is left after it.
constexpr bool identifier_is(std::string_view written, std::size_t& i, std::string_view actual) noexcept
{
    std::size_t matched = 0;
    bool same = true;
    const bool read = scan_identifier(written, i, [&](char c) {
        same = same && matched < actual.size() && actual[matched] == c;
        ++matched;
    });
    return read && same && matched == actual.size();
}

// The type `written` (an adapter's sql_type: `mood`, `shop.mood`, `"Mood"`) is `entry`. An
// unqualified name is compared with the type's own name only: the search_path decides which
// schema it means, as it will when the connection looks it up.
constexpr bool sql_type_is(std::string_view written, const schema::type_entry& entry) noexcept
{
    std::size_t i = 0;
    if (identifier_is(written, i, entry.type_name) && i == written.size())
        return true;
    i = 0;
    if (!identifier_is(written, i, entry.schema) || i == written.size() || written[i] != '.')
        return false;
    ++i;
    return identifier_is(written, i, entry.type_name) && i == written.size();
}

template <class T>
concept constant_accepts = requires { typename std::integral_constant<bool, type<T>::accepts(oid::int4)>; };

template <class T>
concept array_adapter = requires {
    requires type<T>::is_array_adapter;
    typename type<T>::element_type;
};

// The element type of array type `id`, or 0 when it is not an array.
constexpr unsigned schema_array_element(unsigned id) noexcept
{
    if (const oid builtin = array_element_type(static_cast<oid>(id)); builtin != oid::unspecified)
        return static_cast<unsigned>(builtin);
    const schema::type_entry* entry = find_schema_type(id);
    return entry ? entry->element : 0;
}

/// False when a field of type T certainly cannot read a column of type `column`, by the rules of
/// the run-time check (detail::accepts): the adapter's accepts(), a domain over a type it reads,
/// a server-defined type by the name its adapter gives. True when it can, or when only the
/// server's catalog could tell (an adapter that asks it, for a type the header does not cover):
/// the run-time check decides those.
template <class T>
constexpr bool schema_reads(unsigned column, int depth = 0)
{
    using U = nullable_base_t<T>;
    if (depth > 8)
        return true;
    const schema::type_entry* entry = find_schema_type(column);
    if (entry && entry->kind == type_kind::domain && entry->base != 0 && schema_reads<U>(entry->base, depth + 1))
        return true;
    if constexpr (array_adapter<U>) {
        const unsigned element = schema_array_element(column);
        return element != 0 && schema_reads<typename type<U>::element_type>(element, depth + 1);
    }
    else if constexpr (looked_up<U>) {
        if (column == static_cast<unsigned>(oid::record))
            return true;  // an anonymous record: its attributes show only in its values
        return entry ? sql_type_is(type<U>::sql_type, *entry) : is_builtin_type(static_cast<oid>(column)) ? false : true;
    }
    else if constexpr (constant_accepts<U>) {
        if (type<U>::accepts(static_cast<oid>(column)))
            return true;
        // An adapter that also asks the catalog may read a type the header knows nothing of.
        if constexpr (requires(oid c, const server_types& types) { type<U>::accepts(c, types); })
            return !is_builtin_type(static_cast<oid>(column)) && !entry;
        return false;
    }
    else
        return true;  // its adapter decides only with the server's catalog
}

// The pseudo-types a parameter may be described as when the server leaves its type open.
constexpr bool open_parameter_type(unsigned id) noexcept
{
    switch (id) {
    case 705:   // unknown
    case 2276:  // any
    case 2277:  // anyarray
    case 2283:  // anyelement
    case 2776:  // anynonarray
    case 3500:  // anyenum
    case 3831:  // anyrange
    case 4537:  // anymultirange
    case 5077:  // anycompatible
    case 5078:  // anycompatiblearray
    case 5079:  // anycompatiblenonarray
    case 5080:  // anycompatiblerange
    case 4538:  // anycompatiblemultirange
        return true;
    default: return false;
    }
}

/// False when the server certainly refuses an argument of C++ type T for a parameter of type
/// `parameter`: typq sends T with its adapter's OID, and the server converts values of only the
/// types in `converts_from` (implicit and assignment casts) to the parameter's type. A value whose
/// type the server infers (a string, sent as text with no OID), NULL, and arrays (the server
/// converts them element by element, which the header does not record) pass.
template <class T>
constexpr bool schema_writes(unsigned parameter, std::initializer_list<unsigned> converts_from)
{
    using U = nullable_base_t<T>;
    if (open_parameter_type(parameter))
        return true;
    if constexpr (sends_null<U> && !requires { type<U>::param_oid; })
        return true;  // std::nullopt
    else if constexpr (looked_up<U>) {
        const schema::type_entry* entry = find_schema_type(parameter);
        if (entry && entry->kind == type_kind::domain && entry->base != 0)
            entry = find_schema_type(entry->base);
        return entry ? entry->element != 0 || sql_type_is(type<U>::sql_type, *entry) || type<U>::sql_type.ends_with("[]")
                     : !is_builtin_type(static_cast<oid>(parameter));
    }
    else {
        const auto sent = static_cast<unsigned>(type<U>::param_oid);
        if (sent == 0 || sent == parameter)
            return true;
        for (const unsigned from : converts_from)
            if (from == sent)
                return true;
        return schema_array_element(sent) != 0 && schema_array_element(parameter) != 0;
    }
}

/// The reader the statement's consteval constructor hands to the generated `describe`: checks
/// each parameter against its argument (Args, as basic_sql has them; `fields` maps a named
/// statement's parameters to the struct's fields) and, for a Row other than void, each column
/// against the field that reads it.
template <class Row, class... Args>
class schema_checker final : public schema::reader {
public:
    constexpr schema_checker(const std::uint16_t* fields, const bool* cast, std::size_t parameters) noexcept
        : fields_(fields), cast_(cast), parameters_(parameters)
    {
    }

    consteval void parameter(int number, unsigned type, std::string_view type_name,
        std::initializer_list<unsigned> converts_from) override
    {
        (void)type_name;
        // A parameter the statement as typq read it does not have: the placeholders were checked
        // against the arguments already, and the run-time check compares the server's count.
        if (number < 1 || static_cast<std::size_t>(number) > parameters_)
            return;
        if (cast_[number])
            return;  // the statement casts it: the server converts to the cast's type what typq sends
        if constexpr (sizeof...(Args) == 1 && (std::is_same_v<Args, params> && ...)) {
            (void)number, (void)type, (void)converts_from;  // the values' types are known only at run time
        }
        else if constexpr (sizeof...(Args) == 1 && (reflected_struct<Args> && ...))  // binds :name placeholders
            check_named<Args...>(static_cast<std::size_t>(fields_[number - 1]), type, converts_from);
        else
            check_positional(number, type, converts_from, std::index_sequence_for<Args...>{});
    }

    consteval void column(std::string_view name, unsigned type, std::string_view type_name, bool nullable) override
    {
        (void)type_name;
        if constexpr (!std::is_void_v<Row>) {
            if constexpr (row_traits<Row>::shape == row_shape::by_name)
                by_name(name, type, nullable);
            else if constexpr (row_traits<Row>::shape != row_shape::dynamic) {
                if (columns_ >= row_traits<Row>::size)
                    TYPQ_SCHEMA_FAIL(schema_error::column_has_no_field<Row>());
                else
                    check_field(columns_, name, type, nullable, std::make_index_sequence<row_traits<Row>::size>{});
            }
            ++columns_;
        }
        else
            (void)name, (void)type, (void)nullable;
    }

    /// After the last column: a field no column fed.
    constexpr void finish()
    {
        if constexpr (!std::is_void_v<Row>) {
            if constexpr (row_traits<Row>::shape != row_shape::dynamic)
                missing(std::make_index_sequence<row_traits<Row>::size>{});
        }
    }

private:
    template <std::size_t... I>
    constexpr void check_positional([[maybe_unused]] int number, [[maybe_unused]] unsigned type,
        [[maybe_unused]] std::initializer_list<unsigned> converts_from, std::index_sequence<I...>)
    {
        ((static_cast<int>(I) + 1 == number ? check_argument<I + 1, Args>(type, converts_from) : void()), ...);
    }

    template <class Struct>
    constexpr void check_named(std::size_t field, unsigned type, std::initializer_list<unsigned> converts_from)
    {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((I == field ? check_named_argument<Struct, I>(type, converts_from) : void()), ...);
        }(std::make_index_sequence<reflected_fields<Struct>::size>{});
    }

    template <class Struct, std::size_t I>
    static constexpr void check_named_argument(unsigned type, std::initializer_list<unsigned> converts_from)
    {
        using field = std::remove_cv_t<typename reflected_fields<Struct>::template field_type<I>>;
        if (!schema_writes<field>(type, converts_from))
            TYPQ_SCHEMA_FAIL((schema_error::field_type_is_not_the_parameter_type<schema_field_label<Struct, I>(), field, Struct>()));
    }

    template <std::size_t Parameter, class Argument>
    static constexpr void check_argument(unsigned type, std::initializer_list<unsigned> converts_from)
    {
        if (!schema_writes<std::remove_cvref_t<Argument>>(type, converts_from))
            TYPQ_SCHEMA_FAIL((schema_error::argument_type_is_not_the_parameter_type<Parameter, std::remove_cvref_t<Argument>>()));
    }

    constexpr void by_name(std::string_view name, unsigned type, bool nullable)
    {
        using value = typename row_traits<Row>::value_type;
        constexpr auto& names = field_names<value>;
        std::size_t field = names.size();
        for (std::size_t i = 0; i < names.size(); ++i)
            if (names[i] == name)
                field = i;
        if (field == names.size()) {
            if (!ignores_extra_columns<Row>)
                TYPQ_SCHEMA_FAIL(schema_error::column_has_no_field<Row>());
            return;
        }
        check_field(field, name, type, nullable, std::make_index_sequence<row_traits<Row>::size>{});
    }

    template <std::size_t... I>
    constexpr void check_field(std::size_t field, std::string_view name, unsigned type, bool nullable, std::index_sequence<I...>)
    {
        ((I == field ? check_field<I>(name, type, nullable) : void()), ...);
    }

    template <std::size_t I>
    constexpr void check_field(std::string_view column, unsigned type, bool nullable)
    {
        using field = std::remove_cv_t<row_field_t<Row, I>>;
        (void)column;
        if (seen_[I])
            TYPQ_SCHEMA_FAIL((schema_error::two_columns_for_one_field<schema_field_label<Row, I>(), field, Row>()));
        seen_[I] = true;
        if (!schema_reads<field>(type))
            TYPQ_SCHEMA_FAIL((schema_error::field_cannot_read_its_column<schema_field_label<Row, I>(), field, Row>()));
        if (nullable && !receives_null<field>)
            TYPQ_SCHEMA_FAIL((schema_error::non_optional_field_over_nullable_column<schema_field_label<Row, I>(), field, Row>()));
    }

    template <std::size_t... I>
    constexpr void missing(std::index_sequence<I...>)
    {
        ((seen_[I] ? void() : report_missing<I>()), ...);
    }

    template <std::size_t I>
    static constexpr void report_missing()
    {
        TYPQ_SCHEMA_FAIL((schema_error::field_has_no_column<schema_field_label<Row, I>(), std::remove_cv_t<row_field_t<Row, I>>, Row>()));
    }

    static constexpr std::size_t field_count()
    {
        if constexpr (std::is_void_v<Row>)
            return 0;
        else
            return row_traits<Row>::size;
    }

    const std::uint16_t* fields_;  // a named statement's parameters: the struct's field of each
    const bool* cast_;             // indexed by parameter number: the statement casts it
    std::size_t parameters_;       // how many parameters the statement has, as typq read it
    std::size_t columns_ = 0;
    bool seen_[field_count() + 1] = {};
};

/// Looks the statement up in the generated header and checks it (schema_checker); without the
/// header, does nothing. A statement the header lacks is let through, or with TYPQ_SCHEMA_STRICT
/// fails to compile.
// Where typq's own headers are: this file's name, less `detail/schema_check.hpp` (or, in the
// single header, `typq.hpp`, the whole of typq).
constexpr std::string_view typq_headers() noexcept
{
    constexpr std::string_view here = __builtin_FILE();
    for (const std::string_view own : {std::string_view("detail/schema_check.hpp"), std::string_view("typq.hpp")})
        if (here.ends_with(own))
            return here.substr(0, here.size() - own.size());
    return here;
}

/// A statement written in typq's own headers (a large object's `SELECT lo_open($1, $2)`): the
/// program's header does not describe those, and the check leaves them alone.
constexpr bool typq_own_statement(std::string_view file) noexcept
{
    return file.starts_with(typq_headers());
}

template <class Row, class... Args>
consteval void check_against_schema([[maybe_unused]] std::string_view file, [[maybe_unused]] std::size_t hash, [[maybe_unused]] std::string_view text,
    [[maybe_unused]] const std::uint16_t* fields, [[maybe_unused]] const bool* cast, [[maybe_unused]] std::size_t parameters)
{
#if defined(TYPQ_SCHEMA_HEADER)
    if (typq_own_statement(file))
        return;
    schema_checker<Row, Args...> checker(fields, cast, parameters);
    if (!typq_schema::describe(hash, text, checker)) {
        if (schema_strict)
            TYPQ_SCHEMA_FAIL(schema_error::statement_is_not_in_the_schema_header());
        return;
    }
    checker.finish();
#endif
}

#undef TYPQ_SCHEMA_FAIL

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_SCHEMA_CHECK_HPP
// ----- end <typq/detail/schema_check.hpp> -----
// ----- begin <typq/detail/sql_lexer.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/detail/sql_lexer.hpp: finds the $N and :name placeholders in SQL text, skipping comments,
// string literals, quoted identifiers and dollar-quoted strings as PostgreSQL's lexer does.

#ifndef TYPQ_DETAIL_SQL_LEXER_HPP
#define TYPQ_DETAIL_SQL_LEXER_HPP

#include <cstddef>      // std::size_t offsets and lengths
#include <string_view>  // the SQL text; placeholder names are views into it

namespace typq::detail {

enum class placeholder_kind : unsigned char { positional, named };

struct placeholder {
    placeholder_kind kind;
    std::size_t offset;     // index of the '$' or ':' in the SQL text
    std::size_t length;     // characters of the whole token ("$12" is 3, ":email" is 6)
    unsigned number;        // positional only: the N of $N (1-based); 0 for named
    std::string_view name;  // named only: the identifier after ':' ("email"); empty for positional

    friend constexpr bool operator==(const placeholder&, const placeholder&) = default;
};

enum class sql_lex_error : unsigned char {
    none,
    unterminated_quoted_string,      // '...' or E'...' (also B'', X'', N'', U&'')
    unterminated_quoted_identifier,  // "..." (also U&"...")
    unterminated_dollar_quote,       // $tag$ ... (no closing $tag$)
    unterminated_block_comment,      // /* ... (comments nest in PostgreSQL)
    placeholder_number_too_large,    // $N with N > 65535 (PostgreSQL's limit on parameters)
};

// offset: where the bad construct starts (its prefix letter for E'', B'', U&'' ...);
// sql.size() when error is none.
struct sql_lex_result {
    sql_lex_error error;
    std::size_t offset;

    friend constexpr bool operator==(const sql_lex_result&, const sql_lex_result&) = default;
};

// The rules below follow the token boundaries of PostgreSQL 16's src/backend/parser/scan.l (15
// differs only in lacking '_' in numbers); each helper names the scan.l rule it mirrors. The
// scanner only needs to know where tokens end, never what they mean, so it works on bytes and
// never allocates.
namespace sql_lexer {

// Bind and Parse messages carry the parameter count as an Int16, and the server refuses more
// than 65535 parameters; a larger $N can never be bound.
inline constexpr unsigned max_parameter_number = 65535;

// Returned by the skip_* helpers when the input ends inside the construct.
inline constexpr std::size_t unterminated = std::string_view::npos;

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// scan.l's ident_start and dolq_start: [A-Za-z\200-\377_]. Every byte >= 0x80 counts, whatever
// the encoding, exactly as in the server (all server encodings are ASCII-safe).
constexpr bool is_ident_start(char c) noexcept
{
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u >= 0x80;
}

// scan.l's dolq_cont: a dollar-quote tag cannot contain '$'.
constexpr bool is_tag_cont(char c) noexcept { return is_ident_start(c) || is_digit(c); }

// scan.l's ident_cont: identifiers may contain '$', so "a$1" is one identifier, not a and $1.
constexpr bool is_ident_cont(char c) noexcept { return is_tag_cont(c) || c == '$'; }

// scan.l's {newline} is [\n\r]: a "--" comment also ends at a lone '\r'.
constexpr bool is_newline(char c) noexcept { return c == '\n' || c == '\r'; }

// scan.l's {space}.
constexpr bool is_space(char c) noexcept
{ return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The rest of an identifier from `i` (its first character already read).
constexpr std::size_t skip_ident_cont(std::string_view sql, std::size_t i) noexcept
{
    while (i < sql.size() && is_ident_cont(sql[i]))
        ++i;
    return i;
}

// scan.l's {decinteger}: digits, with single underscores between them (PostgreSQL 16).
// `i` is at a digit.
constexpr std::size_t skip_decinteger(std::string_view sql, std::size_t i) noexcept
{
    ++i;
    while (i < sql.size()) {
        if (is_digit(sql[i]))
            ++i;
        else if (sql[i] == '_' && i + 1 < sql.size() && is_digit(sql[i + 1]))
            i += 2;
        else
            break;
    }
    return i;
}

// The end of an identifier glued at `i`, if one starts there: scan.l's {..._junk} rules.
constexpr std::size_t skip_glued_identifier(std::string_view sql, std::size_t i) noexcept
{ return i < sql.size() && is_ident_start(sql[i]) ? skip_ident_cont(sql, i + 1) : i; }

// The end of a {decinteger} at `i` (a digit) with an identifier glued to it, if any. Flex takes
// the longest match, and an identifier may start at an '_' as well as at a letter, so it starts
// right after the first run of digits: "1_000$1" is 1 and the identifier _000$1.
constexpr std::size_t skip_decinteger_glued(std::string_view sql, std::size_t i) noexcept
{
    while (i < sql.size() && is_digit(sql[i]))
        ++i;
    return skip_glued_identifier(sql, i);
}

// A number token, as flex picks it: the longest of {decinteger}, {numeric}, {real} and their
// junk forms {integer_junk}, {numeric_junk}, {real_junk} (a number with an identifier glued to
// it, which the server rejects, but whose extent still decides what follows). The glued
// identifier swallows '$': "1e9$1", "1_000$1", ".1_9$1" and "1abc$1" are each one token, while
// "1e+9$1", "1.5$1" and "1$1" end before the '$'. In "1E'x'" and "1.e'x'" the E is swallowed
// too, so no escape string starts. `i` is at a digit, or at a '.' before a digit.
constexpr std::size_t skip_number(std::string_view sql, std::size_t i) noexcept
{
    const auto at = [sql](std::size_t k) noexcept { return k < sql.size() ? sql[k] : '\0'; };
    std::size_t longest = i;
    const auto consider = [&longest](std::size_t end) noexcept {
        longest = end > longest ? end : longest;
    };
    std::size_t mantissa = i;  // the end of the {decinteger} or {numeric} an exponent may follow
    if (sql[i] == '.') {
        consider(skip_decinteger_glued(sql, i + 1));
        mantissa = skip_decinteger(sql, i + 1);
    } else {
        consider(skip_decinteger_glued(sql, i));
        mantissa = skip_decinteger(sql, i);
        // {numeric}, unless {numericfail} applies: "1..10" is 1, "..", 10.
        if (at(mantissa) == '.' && at(mantissa + 1) != '.') {
            ++mantissa;
            if (is_digit(at(mantissa))) {
                consider(skip_decinteger_glued(sql, mantissa));
                mantissa = skip_decinteger(sql, mantissa);
            } else {
                consider(skip_glued_identifier(sql, mantissa));
            }
        }
    }
    if (at(mantissa) == 'E' || at(mantissa) == 'e') {
        const bool signed_exponent = at(mantissa + 1) == '+' || at(mantissa + 1) == '-';
        const std::size_t exponent = signed_exponent ? mantissa + 2 : mantissa + 1;
        if (is_digit(at(exponent)))
            consider(skip_decinteger_glued(sql, exponent));
    }
    return longest;
}

// scan.l's {comment}: "--" up to, not including, the newline. `i` is at the first '-'.
constexpr std::size_t skip_line_comment(std::string_view sql, std::size_t i) noexcept
{
    i += 2;
    while (i < sql.size() && !is_newline(sql[i]))
        ++i;
    return i;
}

// scan.l's <xc> state: every "/*" opens a level (xcdepth), every "*/" closes one. The '*' of an
// opener is never reused as the '*' of a closer, so "/*/" stays open. `i` is at the first '/'.
constexpr std::size_t skip_block_comment(std::string_view sql, std::size_t i) noexcept
{
    std::size_t depth = 0;
    i += 2;
    while (i + 1 < sql.size()) {
        if (sql[i] == '/' && sql[i + 1] == '*') {
            ++depth;
            i += 2;
        } else if (sql[i] == '*' && sql[i + 1] == '/') {
            if (depth == 0)
                return i + 2;
            --depth;
            i += 2;
        } else {
            ++i;
        }
    }
    return unterminated;
}

// scan.l's {quotecontinue}: after a closing quote, whitespace and "--" comments that include at
// least one newline, then a quote, continue the same literal ('a'\n'b' is 'ab'). Returns the
// index of that quote, or `unterminated` when the literal really ended at `i`.
constexpr std::size_t find_quote_continue(std::string_view sql, std::size_t i) noexcept
{
    bool saw_newline = false;
    while (i < sql.size()) {
        if (is_space(sql[i])) {
            saw_newline = saw_newline || is_newline(sql[i]);
            ++i;
        } else if (sql[i] == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            i = skip_line_comment(sql, i);
        } else {
            break;
        }
    }
    return saw_newline && i < sql.size() && sql[i] == '\'' ? i : unterminated;
}

// scan.l's <xq> and <xe> states (<xb>, <xh>, <xus> read the same for our purpose). "''" is a
// quote; with `backslash_escapes` (E'...') a backslash also takes the next byte, so E'it\'s' is one
// string. standard_conforming_strings is on (the default since 9.1, and what libpq's
// PQescapeLiteral assumes too): in '...' a backslash is an ordinary character. A continued
// literal stays in the state it began in: E'a'\n'\'' is still an escape string, which matters
// because the continuation's backslashes keep escaping. `i` is at the opening quote.
constexpr std::size_t skip_quoted_string(std::string_view sql, std::size_t i,
                                         bool backslash_escapes) noexcept
{
    ++i;
    while (i < sql.size()) {
        const char c = sql[i];
        if (c == '\\' && backslash_escapes) {
            i += 2;
        } else if (c == '\'') {
            if (i + 1 < sql.size() && sql[i + 1] == '\'') {
                i += 2;
            } else {
                const std::size_t next = find_quote_continue(sql, i + 1);
                if (next == unterminated)
                    return i + 1;
                i = next + 1;
            }
        } else {
            ++i;
        }
    }
    return unterminated;
}

// scan.l's <xd> state: "..." with "" as a quote. `i` is at the opening quote.
constexpr std::size_t skip_quoted_identifier(std::string_view sql, std::size_t i) noexcept
{
    ++i;
    while (i < sql.size()) {
        if (sql[i] != '"')
            ++i;
        else if (i + 1 < sql.size() && sql[i + 1] == '"')
            i += 2;
        else
            return i + 1;
    }
    return unterminated;
}

// scan.l's {dolqdelim}: '$', an optional tag that cannot start with a digit, '$'. Returns the
// delimiter's length, or 0 when `i` does not start one (scan.l's {dolqfailed}: the '$' is then
// an ordinary character).
constexpr std::size_t dollar_delimiter_length(std::string_view sql, std::size_t i) noexcept
{
    std::size_t j = i + 1;
    if (j < sql.size() && is_ident_start(sql[j])) {
        ++j;
        while (j < sql.size() && is_tag_cont(sql[j]))
            ++j;
    }
    return j < sql.size() && sql[j] == '$' ? j + 1 - i : 0;
}

// scan.l's <xdolq> state: the body is opaque and ends at the first occurrence of the very same
// delimiter. scan.l tries a delimiter at every '$' of the body (putting back the last '$' of a
// mismatch, as in $a$ x$$a$), which is the same as a plain substring search.
constexpr std::size_t skip_dollar_quote(std::string_view sql, std::size_t i,
                                        std::size_t delimiter_length) noexcept
{
    const std::string_view delimiter = sql.substr(i, delimiter_length);
    const std::size_t close = sql.find(delimiter, i + delimiter_length);
    return close == std::string_view::npos ? unterminated : close + delimiter_length;
}

}  // namespace sql_lexer

// Scans `sql` once, calling `visit(const placeholder&)` for every placeholder that is outside
// comments, string literals, quoted identifiers and dollar-quoted strings, in order. constexpr,
// no allocation: basic_sql's consteval constructor and typq::runtime run the same code.
//
// Token boundaries are PostgreSQL's (scan.l), so a '$' or ':' inside another token never counts:
// - "a$1" is one identifier, and "1abc$2" and "1e9$2" are one (junk) number token each: none
//   holds a placeholder. "$1$2" holds $1 and $2, and "1$2" holds $2: digits that end a parameter
//   or a number do not glue the next '$' to them ({param_junk} and {integer_junk} only swallow
//   what starts like an identifier, and '$' does not).
// - "$1abc" reports $1 (length 2) and skips "abc" as one identifier, '$' included: PostgreSQL 14
//   reads $1 AS abc, 15 and later reject it as trailing junk; either way "abc$2" holds nothing.
// - E'...' is an escape string only where an identifier could start: "fooE'x'", "1E'x'",
//   "1.e'x'" and "$1E'x'" end in an ordinary string.
// - ":name" needs an identifier start after the ':'; the name runs to the end of the identifier,
//   '$' included (":a$1" is named "a$1", the one identifier the server would see). "::" (cast) and
//   ":=" are skipped whole, so "x::text" has none. A ':' before a digit, a quote or a space is
//   passed over ("arr[1:2]" has none), and so is a ':' glued to the end of an identifier, number
//   or placeholder ("arr[lo:hi]", "x:a" have none, as in SQLAlchemy): rewritten to "x$1" such a
//   name would become part of the identifier and silently vanish.
// - $0 is reported with number 0; the caller rejects it.
// The scan stops at the first error, after visiting the placeholders before it; a $N beyond 65535
// is an error and is not visited.
//
// `standard_strings` is the server's standard_conforming_strings: off, a backslash escapes the
// next byte in '...' (and N'...') strings too, as in E'...'. `word` is called with every
// identifier or keyword outside quotes and comments, and with ";", "{" or "}" at each of those
// characters there.
template <class Visit, class Word>
[[nodiscard]] constexpr sql_lex_result scan_sql(std::string_view sql, Visit&& visit, Word&& word,
                                                bool standard_strings = true)
{
    namespace lex = sql_lexer;
    const std::size_t size = sql.size();
    // The byte `k` after `i`, or '\0' past the end: every test below looks for a non-NUL byte.
    const auto at = [sql, size](std::size_t i, std::size_t k) noexcept {
        return i + k < size ? sql[i + k] : '\0';
    };

    std::size_t i = 0;
    while (i < size) {
        const char c = sql[i];
        if (c == '-' && at(i, 1) == '-') {
            i = lex::skip_line_comment(sql, i);
        } else if (c == '/' && at(i, 1) == '*') {
            const std::size_t end = lex::skip_block_comment(sql, i);
            if (end == lex::unterminated)
                return {sql_lex_error::unterminated_block_comment, i};
            i = end;
        } else if (c == '\'') {
            const std::size_t end = lex::skip_quoted_string(sql, i, !standard_strings);
            if (end == lex::unterminated)
                return {sql_lex_error::unterminated_quoted_string, i};
            i = end;
        } else if (c == '"') {
            const std::size_t end = lex::skip_quoted_identifier(sql, i);
            if (end == lex::unterminated)
                return {sql_lex_error::unterminated_quoted_identifier, i};
            i = end;
        } else if (c == '$' && lex::is_digit(at(i, 1))) {
            // scan.l's {param}: '$' and decimal digits (no underscores, unlike numbers).
            std::size_t end = i + 1;
            unsigned number = 0;
            bool too_large = false;
            while (end < size && lex::is_digit(sql[end])) {
                // Stop accumulating once past the limit, so that no digit string can overflow.
                if (!too_large) {
                    number = number * 10 + static_cast<unsigned>(sql[end] - '0');
                    too_large = number > lex::max_parameter_number;
                }
                ++end;
            }
            if (too_large)
                return {sql_lex_error::placeholder_number_too_large, i};
            const placeholder found{placeholder_kind::positional, i, end - i, number, {}};
            visit(found);
            // scan.l's {param_junk}: an identifier glued to the digits belongs to this token.
            i = lex::skip_glued_identifier(sql, end);
        } else if (c == '$') {
            const std::size_t delimiter = lex::dollar_delimiter_length(sql, i);
            if (delimiter == 0) {
                ++i;
            } else {
                const std::size_t end = lex::skip_dollar_quote(sql, i, delimiter);
                if (end == lex::unterminated)
                    return {sql_lex_error::unterminated_dollar_quote, i};
                i = end;
            }
        } else if (c == ':') {
            const char next = at(i, 1);
            if (next == ':' || next == '=') {
                i += 2;  // scan.l's {typecast} and {colon_equals}: never a placeholder
            } else if (lex::is_ident_start(next) && !(i > 0 && lex::is_ident_cont(sql[i - 1]))) {
                const std::size_t end = lex::skip_ident_cont(sql, i + 2);
                const std::string_view name = sql.substr(i + 1, end - i - 1);
                const placeholder found{placeholder_kind::named, i, end - i, 0u, name};
                visit(found);
                i = end;
            } else {
                ++i;
            }
        } else if (lex::is_digit(c) || (c == '.' && lex::is_digit(at(i, 1)))) {
            i = lex::skip_number(sql, i);
        } else if (lex::is_ident_start(c)) {
            // Literal prefixes count only here, at the start of an identifier (scan.l's xestart,
            // xbstart, xhstart, xnstart, xusstart, xuistart win over {identifier} by length).
            const char next = at(i, 1);
            const bool escape = (c == 'E' || c == 'e') && next == '\'';
            const bool plain = next == '\''
                && (c == 'B' || c == 'b' || c == 'X' || c == 'x' || c == 'N' || c == 'n');
            const bool unicode = (c == 'U' || c == 'u') && next == '&'
                && (at(i, 2) == '\'' || at(i, 2) == '"');
            if (escape || plain || (unicode && at(i, 2) == '\'')) {
                const std::size_t quote = unicode ? i + 2 : i + 1;
                const bool national = c == 'N' || c == 'n';
                const std::size_t end = lex::skip_quoted_string(sql, quote, escape || (national && !standard_strings));
                if (end == lex::unterminated)
                    return {sql_lex_error::unterminated_quoted_string, i};
                i = end;
            } else if (unicode) {
                const std::size_t end = lex::skip_quoted_identifier(sql, i + 2);
                if (end == lex::unterminated)
                    return {sql_lex_error::unterminated_quoted_identifier, i};
                i = end;
            } else {
                const std::size_t end = lex::skip_ident_cont(sql, i + 1);
                word(sql.substr(i, end - i));
                i = end;
            }
        } else {
            // No SQL token contains '{' or '}' (the server rejects them outside quotes): they
            // are reported for typq::format_sql's slots.
            if (c == ';' || c == '{' || c == '}')
                word(sql.substr(i, 1));
            ++i;
        }
    }
    return {sql_lex_error::none, size};
}

// scan_sql for the placeholders alone.
template <class Visit>
[[nodiscard]] constexpr sql_lex_result scan_placeholders(std::string_view sql, Visit&& visit,
                                                         bool standard_strings = true)
{
    return scan_sql(sql, visit, [](std::string_view) {}, standard_strings);
}

// True when the unquoted word `w` is `keyword` (lower case), as the server folds case.
[[nodiscard]] constexpr bool is_keyword(std::string_view w, std::string_view keyword) noexcept
{
    if (w.size() != keyword.size())
        return false;
    for (std::size_t k = 0; k < w.size(); ++k) {
        const char c = w[k] >= 'A' && w[k] <= 'Z' ? static_cast<char>(w[k] - 'A' + 'a') : w[k];
        if (c != keyword[k])
            return false;
    }
    return true;
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_SQL_LEXER_HPP
// ----- end <typq/detail/sql_lexer.hpp> -----

#include <array>        // parameter order of named statements, a format's parts
#include <bit>          // std::endian: the statement hash's words
#include <concepts>     // std::same_as, std::integral
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint16_t
#include <cstring>      // std::memcpy: the statement hash's words
#include <iterator>     // std::begin, std::end: join()'s parts
#include <optional>     // a fragment's own text
#include <string>       // runtime SQL, rewritten statements, composed text
#include <string_view>  // the statement text
#include <type_traits>  // std::is_constant_evaluated, std::type_identity_t
#include <utility>      // std::move
#include <vector>       // the placeholders a typq::params statement uses

namespace typq {

/// SQL text built at run time, opting out of the compile-time check: `typq::runtime(text)`.
/// Placeholders and arguments are then checked when the statement runs, by the same rules.
class runtime_sql {
public:
    /// Takes `text` as it is: nothing is checked until a statement is made of it.
    explicit runtime_sql(std::string text) : text_(std::move(text)) {}
    /// The text.
    [[nodiscard]] const std::string& text() const noexcept { return text_; }

private:
    std::string text_;
};

/// Marks SQL built at run time: `conn.query<T>(typq::runtime(text), args...)`.
[[nodiscard]] inline runtime_sql runtime(std::string text)
{
    return runtime_sql(std::move(text));
}

class params;
class sql_fragment;
namespace detail {
struct fragment_access;
}  // namespace detail


namespace detail {

// A failed compile-time check calls one of these: they are not constexpr, so the compiler stops
// and its first error line names the function, which names the problem.
inline void sql_error_placeholder_zero() {}
inline void sql_error_more_placeholders_than_arguments() {}
inline void sql_error_more_arguments_than_placeholders() {}
inline void sql_error_gap_in_placeholders() {}
inline void sql_error_positional_placeholder_with_named_arguments() {}
inline void sql_error_name_is_not_a_field() {}
inline void sql_error_nul_in_statement() {}
inline void sql_error_statement_is_not_nul_terminated() {}
inline void sql_error_unterminated_quoted_string() {}
inline void sql_error_unterminated_quoted_identifier() {}
inline void sql_error_unterminated_dollar_quote() {}
inline void sql_error_unterminated_block_comment() {}
inline void sql_error_placeholder_number_too_large() {}
inline void sql_error_format_unmatched_brace() {}
inline void sql_error_format_more_slots_than_parts() {}
inline void sql_error_format_more_parts_than_slots() {}
inline void sql_error_format_mixes_automatic_and_numbered_slots() {}
inline void sql_error_format_part_never_used() {}

enum class sql_problem : unsigned char {
    placeholder_zero,
    more_placeholders_than_arguments,
    more_arguments_than_placeholders,
    gap_in_placeholders,
    positional_placeholder_with_named_arguments,
    name_is_not_a_field,
    nul_in_statement,
    statement_is_not_nul_terminated,
    unterminated_quoted_string,
    unterminated_quoted_identifier,
    unterminated_dollar_quote,
    unterminated_block_comment,
    placeholder_number_too_large,
    format_unmatched_brace,
    format_more_slots_than_parts,
    format_more_parts_than_slots,
    format_mixes_automatic_and_numbered_slots,
    format_part_never_used,
};

// What a problem is about, for its run-time message: `offset` of the offending text; `number`,
// the N of the $N (or the argument, or the part) concerned; `given`, how many arguments (or
// parts) there are.
struct sql_problem_site {
    std::size_t offset = 0;
    std::size_t number = 0;
    std::size_t given = 0;
};

// "1 argument", "no arguments", "3 parts".
inline std::string count_of(std::size_t n, const char* noun)
{
    if (n == 0)
        return std::string("no ") + noun + "s";
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// One sentence for a run-time SQL check that failed.
inline std::string describe_sql_problem(sql_problem problem, const sql_problem_site& site)
{
    const std::string at = " at offset " + std::to_string(site.offset);
    const std::string n = std::to_string(site.number);
    switch (problem) {
    case sql_problem::placeholder_zero: return "$0" + at + " is not a placeholder: they start at $1";
    case sql_problem::more_placeholders_than_arguments:
        return "the statement uses $" + n + " (" + at.substr(1) + "), but " + count_of(site.given, "argument")
            + (site.given == 1 ? " was" : " were") + " given";
    case sql_problem::more_arguments_than_placeholders:
        return count_of(site.given, "argument") + (site.given == 1 ? " was" : " were") + " given, but "
            + (site.number == 1 ? std::string("the statement has no placeholders")
                                : "the statement's placeholders end at $" + std::to_string(site.number - 1))
            + ": argument " + n + " has no placeholder $" + n;
    case sql_problem::gap_in_placeholders:
        return "the placeholders skip $" + n + ", so argument " + n + " of " + std::to_string(site.given)
            + " is never used";
    case sql_problem::positional_placeholder_with_named_arguments:
        return "the $N placeholder" + at + " cannot be bound: a struct argument binds :name placeholders";
    case sql_problem::name_is_not_a_field: return "the :name placeholder" + at + " is not a field of the argument";
    case sql_problem::nul_in_statement: return "the statement has a NUL byte" + at;
    case sql_problem::statement_is_not_nul_terminated: return "the statement is not NUL-terminated";
    case sql_problem::unterminated_quoted_string: return "the quoted string" + at + " is not closed";
    case sql_problem::unterminated_quoted_identifier: return "the quoted identifier" + at + " is not closed";
    case sql_problem::unterminated_dollar_quote: return "the dollar-quoted string" + at + " is not closed";
    case sql_problem::unterminated_block_comment: return "the /* comment" + at + " is not closed";
    case sql_problem::placeholder_number_too_large: return "the placeholder" + at + " is above $65535";
    case sql_problem::format_unmatched_brace:
        return "the brace" + at + " is neither {} nor {N}: in a format, braces outside quotes and comments mark "
            + "where a part goes";
    case sql_problem::format_more_slots_than_parts:
        return "the slot" + at + " takes part {" + n + "} (parts count from {0}), but " + count_of(site.given, "part")
            + (site.given == 1 ? " was" : " were") + " given";
    case sql_problem::format_more_parts_than_slots:
        return count_of(site.given, "part") + (site.given == 1 ? " was" : " were") + " given, but the format has "
            + (site.number == 0 ? std::string("no {} or {N}") : "only " + count_of(site.number, "slot") + " for them");
    case sql_problem::format_mixes_automatic_and_numbered_slots:
        return "the format mixes {} and {N}" + at + ": use one or the other";
    case sql_problem::format_part_never_used:
        return "part {" + n + "} of the " + count_of(site.given, "part") + " is never used: the format has no {"
            + n + "}";
    }
    return "the statement is invalid";
}

// At compile time: stop the build with the problem's name. At run time: a usage_error.
constexpr void report_sql_problem(sql_problem problem, const sql_problem_site& site)
{
    if (std::is_constant_evaluated()) {
        switch (problem) {
        case sql_problem::placeholder_zero: sql_error_placeholder_zero(); break;
        case sql_problem::more_placeholders_than_arguments: sql_error_more_placeholders_than_arguments(); break;
        case sql_problem::more_arguments_than_placeholders: sql_error_more_arguments_than_placeholders(); break;
        case sql_problem::gap_in_placeholders: sql_error_gap_in_placeholders(); break;
        case sql_problem::positional_placeholder_with_named_arguments:
            sql_error_positional_placeholder_with_named_arguments();
            break;
        case sql_problem::name_is_not_a_field: sql_error_name_is_not_a_field(); break;
        case sql_problem::nul_in_statement: sql_error_nul_in_statement(); break;
        case sql_problem::statement_is_not_nul_terminated: sql_error_statement_is_not_nul_terminated(); break;
        case sql_problem::unterminated_quoted_string: sql_error_unterminated_quoted_string(); break;
        case sql_problem::unterminated_quoted_identifier: sql_error_unterminated_quoted_identifier(); break;
        case sql_problem::unterminated_dollar_quote: sql_error_unterminated_dollar_quote(); break;
        case sql_problem::unterminated_block_comment: sql_error_unterminated_block_comment(); break;
        case sql_problem::placeholder_number_too_large: sql_error_placeholder_number_too_large(); break;
        case sql_problem::format_unmatched_brace: sql_error_format_unmatched_brace(); break;
        case sql_problem::format_more_slots_than_parts: sql_error_format_more_slots_than_parts(); break;
        case sql_problem::format_more_parts_than_slots: sql_error_format_more_parts_than_slots(); break;
        case sql_problem::format_mixes_automatic_and_numbered_slots:
            sql_error_format_mixes_automatic_and_numbered_slots();
            break;
        case sql_problem::format_part_never_used: sql_error_format_part_never_used(); break;
        }
    }
    else
        throw usage_error((problem >= sql_problem::format_unmatched_brace ? "invalid SQL format: "
                                                                           : "invalid SQL statement: ")
            + describe_sql_problem(problem, site));
}

constexpr void report_sql_problem(sql_problem problem, std::size_t offset)
{
    report_sql_problem(problem, sql_problem_site{offset, 0, 0});
}

constexpr sql_problem lex_problem(sql_lex_error error) noexcept
{
    switch (error) {
    case sql_lex_error::unterminated_quoted_identifier: return sql_problem::unterminated_quoted_identifier;
    case sql_lex_error::unterminated_dollar_quote: return sql_problem::unterminated_dollar_quote;
    case sql_lex_error::unterminated_block_comment: return sql_problem::unterminated_block_comment;
    case sql_lex_error::placeholder_number_too_large: return sql_problem::placeholder_number_too_large;
    default: return sql_problem::unterminated_quoted_string;
    }
}

// A statement's hash, what a connection's statement cache finds it by (the cache compares the
// text on a hit, so the hash needs to spread, not to resist an adversary). Eight bytes per step:
// a runtime statement is hashed on every call, and a bulk INSERT's text runs to kilobytes, where
// FNV-1a's byte at a time cost 7% of the whole statement. A word is one memcpy at run time on a
// little-endian machine and the same bytes assembled by shifts at compile time, so that a literal
// and typq::runtime of the same text hash alike.
constexpr std::size_t sql_hash(std::string_view text) noexcept
{
    constexpr std::uint64_t multiplier = 0x9E3779B97F4A7C15ull;
    const auto mix = [](std::uint64_t h, std::uint64_t word) noexcept {
        h = (h ^ word) * multiplier;
        return h ^ (h >> 29);
    };
    const auto word_at = [&](std::size_t at, std::size_t bytes) noexcept {
        std::uint64_t word = 0;
        if constexpr (std::endian::native == std::endian::little) {
            if (!std::is_constant_evaluated()) {
                std::memcpy(&word, text.data() + at, bytes);
                return word;
            }
        }
        for (std::size_t i = 0; i < bytes; ++i)
            word |= std::uint64_t{static_cast<unsigned char>(text[at + i])} << (8 * i);
        return word;
    };
    std::uint64_t h = mix(0xCBF29CE484222325ull, text.size());
    std::size_t at = 0;
    for (; text.size() - at >= 8; at += 8)
        h = mix(h, word_at(at, 8));
    if (at < text.size())
        h = mix(h, word_at(at, text.size() - at));
    return static_cast<std::size_t>(h);
}

// Scans a statement once: its placeholders go to `visit`; a lexical error (an unclosed quote or
// comment, a NUL byte) is reported (report_sql_problem); the result says whether the statement
// is a COPY ... FROM STDIN or TO STDOUT, which needs COPY's own protocol.
template <class Visit>
constexpr bool scan_statement(std::string_view text, Visit&& visit)
{
    // find() is memchr at run time, where runtime statements are checked on every call.
    if (const std::size_t at = text.find('\0'); at != std::string_view::npos)
        report_sql_problem(sql_problem::nul_in_statement, at);
    // The first word of each statement, and whether a COPY statement names STDIN or STDOUT.
    bool first = true;
    bool copy = false;
    bool copies = false;
    const auto word = [&](std::string_view w) {
        if (w == ";") {
            first = true;
            copy = false;
            return;
        }
        if (w == "{" || w == "}")  // no SQL token; a format's slot
            return;
        if (first)
            copy = is_keyword(w, "copy");
        else if (copy && (is_keyword(w, "stdin") || is_keyword(w, "stdout")))
            copies = true;
        first = false;
    };
    const auto lexed = scan_sql(text, visit, word);
    if (lexed.error != sql_lex_error::none)
        report_sql_problem(lex_problem(lexed.error), lexed.offset);
    return copies;
}

/// What a statement given to copy_in(sql) or copy_out(sql) is.
enum class client_copy : unsigned char {
    none,        ///< not one COPY ... FROM STDIN or TO STDOUT (another statement, several, a file)
    from_stdin,  ///< one COPY ... FROM STDIN
    to_stdout,   ///< one COPY ... TO STDOUT
};

/// Classifies `text` by its words (outside quotes and comments): one statement that starts with
/// COPY and names STDIN or STDOUT, else none.
constexpr client_copy classify_client_copy(std::string_view text)
{
    int statements = 0;
    bool first = true;
    bool copy = false;
    bool other = false;
    client_copy found = client_copy::none;
    const auto word = [&](std::string_view w) {
        if (w == ";") {
            first = true;
            return;
        }
        if (first) {
            ++statements;
            copy = is_keyword(w, "copy");
            other = other || !copy;
        }
        else if (copy && is_keyword(w, "stdin"))
            found = client_copy::from_stdin;
        else if (copy && is_keyword(w, "stdout"))
            found = client_copy::to_stdout;
        first = false;
    };
    if (text.find('\0') != std::string_view::npos
        || scan_sql(text, [](const placeholder&) {}, word).error != sql_lex_error::none || statements != 1 || other)
        return client_copy::none;
    return found;
}

/// A lone aggregate argument binds `:name` placeholders from its fields.
template <class... Args>
inline constexpr bool binds_by_name = false;
template <class T>
inline constexpr bool binds_by_name<T> = reflected_struct<T>;

// How many parameters a statement can have: one per argument, or one per field.
template <class... Args>
inline constexpr std::size_t max_parameters = sizeof...(Args);
template <class T>
    requires reflected_struct<T>
inline constexpr std::size_t max_parameters<T> = reflected_fields<T>::size;

/// The index of the field of T called `name`, or -1.
template <class T>
constexpr int field_index(std::string_view name) noexcept
{
    constexpr auto& names = field_names<T>;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name)
            return static_cast<int>(i);
    return -1;
}

/// The only argument is a typq::params: a parameter list whose length is known at run time.
template <class... Args>
inline constexpr bool is_params = false;
template <>
inline constexpr bool is_params<params> = true;

template <class... Args>
consteval bool require_arguments_encodable()
{
    if constexpr (is_params<Args...>)
        return true;  // each value was checked as it was added
    else if constexpr (binds_by_name<Args...>) {
        using row = row_traits<Args...>;
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (require_encodable<std::remove_cv_t<typename row::template field_type<I>>>() && ...);
        }(std::make_index_sequence<row::size>{});
    }
    else
        return (require_encodable<Args>() && ...);
}

}  // namespace detail

/// A piece of SQL text that is safe to put into a statement: a string literal from the program
/// (checked at compile time to be whole tokens: no quote or comment left open), text the program
/// vouches for (`typq::sql_fragment(typq::runtime(text))`), or what typq composes
/// (typq::identifier, typq::literal, typq::placeholder, typq::join, typq::format_sql). A fragment
/// can be run wherever `typq::runtime(text)` can (`conn.query<T>(fragment, args...)`, checked
/// against the arguments when it runs), or go into a larger fragment with format_sql.
///
/// typq's text is UTF-8 (the client encoding is always UTF8) and follows
/// `standard_conforming_strings = on` (PostgreSQL's default since 9.1): identifiers and literals
/// are quoted for exactly that, and need no connection.
class sql_fragment {
public:
    /// No text.
    constexpr sql_fragment() noexcept = default;

    /// SQL written in the program, checked at compile time: no quoted string, quoted identifier,
    /// dollar quote or comment may be left open, and no NUL byte may appear.
    template <std::size_t N>
    consteval sql_fragment(const char (&text)[N]) : literal_(text, N - 1)
    {
        if (text[N - 1] != '\0')
            detail::report_sql_problem(detail::sql_problem::statement_is_not_nul_terminated, N - 1);
        (void)detail::scan_statement(literal_, [](const detail::placeholder&) {});
    }

    /// SQL built at run time that the program vouches for, checked as a literal is.
    /// @throws typq::usage_error when a quote or comment is left open, or for a NUL byte.
    explicit sql_fragment(const runtime_sql& sql) : owned_(sql.text())
    {
        (void)detail::scan_statement(*owned_, [](const detail::placeholder&) {});
    }

    /// The text. Valid while the fragment lives and is not changed (a literal's, for ever).
    [[nodiscard]] std::string_view text() const noexcept { return owned_ ? std::string_view(*owned_) : literal_; }
    /// The text, NUL-terminated.
    [[nodiscard]] const char* c_str() const noexcept { return owned_ ? owned_->c_str() : literal_.data(); }
    /// True when the text is empty.
    [[nodiscard]] bool empty() const noexcept { return text().empty(); }

    /// Appends `other`'s text.
    sql_fragment& operator+=(const sql_fragment& other)
    {
        if (!owned_)
            owned_.emplace(literal_);
        owned_->append(other.text());
        return *this;
    }
    /// `a`'s text followed by `b`'s.
    [[nodiscard]] friend sql_fragment operator+(sql_fragment a, const sql_fragment& b)
    {
        a += b;
        return a;
    }
    /// Equal when the texts are, byte for byte.
    [[nodiscard]] friend bool operator==(const sql_fragment& a, const sql_fragment& b) noexcept
    {
        return a.text() == b.text();
    }

private:
    friend struct detail::fragment_access;

    // Text typq composed itself (quoted identifiers and literals, formats filled in).
    struct trusted_t {};
    sql_fragment(trusted_t, std::string text) : owned_(std::move(text)) {}

    std::string_view literal_ = "";    // a literal's text, which lives as long as the program
    std::optional<std::string> owned_;  // else the fragment's own text
};

namespace detail {
// What typq's own composers use to make fragments of text they quoted themselves.
struct fragment_access {
    static sql_fragment trusted(std::string text) { return sql_fragment(sql_fragment::trusted_t{}, std::move(text)); }
};
}  // namespace detail

/// A SQL statement whose placeholders have been checked against the argument types `Args`:
/// `$1..$N` must be exactly the N arguments, with no gap and no extra; or, when the only argument
/// is a struct, every `:name` must be one of its fields (bound in order of first appearance).
/// Placeholders inside comments, quoted strings, quoted identifiers and dollar quotes don't count,
/// and `::` casts are not names; nor is a `:` glued to the end of a word (`arr[lo:hi]` is a slice).
/// With a typq::params as the only argument, the number of values is known only when the
/// statement runs, so `$1..$N` are checked then, against its size.
template <class... Args>
class basic_sql {
public:
    /// The statement binds `:name` placeholders to the fields of its one struct argument.
    static constexpr bool named = detail::binds_by_name<Args...>;
    /// The arguments are one typq::params, counted when the statement runs.
    static constexpr bool counted_at_run_time = detail::is_params<Args...>;

    /// Checks a string literal at compile time; a mismatch does not compile. With a header
    /// generated by typq-schema (`TYPQ_SCHEMA_HEADER`), also each argument against the type the
    /// server gives its parameter (docs/schema.md).
    /// (`file` is where the statement is written: typq's own statements are not checked
    /// against the header.)
    template <std::size_t N>
    consteval basic_sql(const char (&text)[N], const char* file = __builtin_FILE())
        : basic_sql(std::type_identity<void>{}, text, file)
    {
    }

    /// Checks SQL built at run time. @throws typq::usage_error when placeholders and arguments disagree.
    /// @par Lifetime  The statement points into `sql`'s text: in `conn.query(typq::runtime(text), ...)`
    ///      the temporary lives to the end of the call, but a basic_sql kept in a variable must not
    ///      outlive the runtime_sql it was made from.
    basic_sql(const runtime_sql& sql) : text_(sql.text().c_str()), size_(sql.text().size())
    {
        static_assert(detail::require_arguments_encodable<Args...>());
        check();
    }

    /// Checks a composed fragment (typq::format_sql...) as runtime SQL.
    /// @par Lifetime  As for runtime SQL: the statement points into the fragment's text.
    basic_sql(const sql_fragment& sql) : text_(sql.c_str()), size_(sql.text().size())
    {
        static_assert(detail::require_arguments_encodable<Args...>());
        check();
    }

    /// Not a statement: a string that is not a literal. SQL built at run time is marked with
    /// typq::runtime(text) (or composed with typq::format_sql), and then checked when it runs.
    template <class S>
        requires(!std::is_array_v<std::remove_cvref_t<S>> && std::is_convertible_v<const S&, std::string_view>)
    basic_sql(const S&)
    {
        static_assert(detail::always_false<S>, "typq: the statement must be a string literal (checked at compile "
                                               "time); for SQL built at run time write typq::runtime(text), or "
                                               "compose it with typq::format_sql (both checked when they run)");
    }

    /// The statement, NUL-terminated.
    [[nodiscard]] constexpr const char* c_str() const noexcept { return text_; }
    /// The statement as written (`:name` placeholders included; typq sends them as `$N`).
    [[nodiscard]] constexpr std::string_view text() const noexcept { return {text_, size_}; }

    /// The number of parameters the statement binds (for a typq::params, that of the statement
    /// as written is known only when it runs: see check_count).
    [[nodiscard]] constexpr std::size_t parameter_count() const noexcept { return named ? count_ : sizeof...(Args); }

    /// True for a string literal, whose text lives (unchanged) as long as the program.
    [[nodiscard]] constexpr bool is_literal() const noexcept { return literal_; }

    /// A hash of the statement's text, computed with the check (at compile time for a literal):
    /// what a connection's statement cache finds it by.
    [[nodiscard]] constexpr std::size_t hash() const noexcept { return hash_; }

    /// Named statements: the field that parameter `$k+1` takes its value from.
    [[nodiscard]] constexpr std::size_t parameter_field(std::size_t k) const noexcept { return fields_[k]; }

    /// A typq::params statement: checks that its placeholders are exactly $1..$`arguments`, by
    /// the rules for runtime SQL.
    /// @throws typq::usage_error when they are not.
    void check_count(std::size_t arguments) const
        requires counted_at_run_time
    {
        std::vector<bool> seen(arguments + 1);
        const auto visit = [&](const detail::placeholder& p) {
            if (p.kind != detail::placeholder_kind::positional)
                return;  // without a struct argument a ':' word is SQL (an array slice)
            if (p.number == 0)
                detail::report_sql_problem(detail::sql_problem::placeholder_zero, p.offset);
            else if (p.number > arguments)
                detail::report_sql_problem(detail::sql_problem::more_placeholders_than_arguments,
                    {p.offset, p.number, arguments});
            else
                seen[p.number] = true;
        };
        (void)detail::scan_sql(text(), visit, [](std::string_view) {});
        report_unused(seen, arguments);
    }

    /// Named statements: the statement with each `:name` replaced by its `$k`, appended to `out`.
    ///
    /// `standard_strings` is the server's standard_conforming_strings. The statement was checked
    /// by PostgreSQL's default rules (on); with it off, a backslash in '...' escapes the next
    /// character, so the statement is read again by those rules, and a statement whose `:name`
    /// placeholders then differ (a `:name` that turns out to be inside a string) is refused.
    /// @throws typq::usage_error for such a statement.
    void write_positional(std::string& out, bool standard_strings = true) const
    {
        std::size_t copied = 0;
        std::array<bool, max_parameters + 1> seen{};
        std::size_t distinct = 0;
        bool differs = false;
        const auto rewrite = [&](const detail::placeholder& p) {
            if (p.kind != detail::placeholder_kind::named || differs)
                return;
            const int field = detail::field_index<Args...>(p.name);
            std::size_t k = 0;
            while (field >= 0 && k < count_ && fields_[k] != static_cast<std::uint16_t>(field))
                ++k;
            if (field < 0 || k == count_) {
                differs = true;
                return;
            }
            if (!seen[k]) {
                seen[k] = true;
                ++distinct;
            }
            out.append(text_ + copied, p.offset - copied);
            out += '$';
            out += std::to_string(k + 1);
            copied = p.offset + p.length;
        };
        const auto lexed = detail::scan_placeholders(text(), rewrite, standard_strings);
        if (differs || distinct != count_ || lexed.error != detail::sql_lex_error::none)
            throw usage_error("with standard_conforming_strings off, the server reads this statement's backslashes "
                              "in '...' strings as escapes, and its :name placeholders differ from what typq checked: "
                              "write the string as E'...', or SET standard_conforming_strings TO on");
        out.append(text_ + copied, size_ - copied);
    }

    /// True when the statement is a COPY ... FROM STDIN or TO STDOUT, which needs COPY's own
    /// protocol.
    [[nodiscard]] constexpr bool copies_through_client() const noexcept { return copy_; }

private:
    template <class Row, class... A>
    friend class basic_row_sql;

    // The literal's check, and with a generated header its schema check, the columns against Row
    // (void: none) as well: typq::basic_row_sql passes its Row.
    template <class Row, std::size_t N>
    consteval basic_sql(std::type_identity<Row>, const char (&text)[N], [[maybe_unused]] const char* file)
        : text_(text), size_(N - 1), literal_(true)
    {
        // Here, not in the class body: overload resolution instantiates basic_sql for argument
        // lists that are not statements (the typq::text_results forms), and must not fail there.
        static_assert(detail::require_arguments_encodable<Args...>());
        if (text[N - 1] != '\0')
            detail::report_sql_problem(detail::sql_problem::statement_is_not_nul_terminated, N - 1);
        check();
        // COPY ... FROM STDIN / TO STDOUT has COPY's shape, not a result's: typq-schema leaves it out.
        if constexpr (detail::schema_checked) {
            if (!copy_)
                detail::check_against_schema<Row, Args...>(file, hash_, this->text(), fields_.data(),
                    explicitly_cast_parameters().data(), counted_at_run_time ? 0 : parameter_count());
        }
    }

    static constexpr std::size_t max_parameters = detail::max_parameters<Args...>;

    // Which parameters the statement casts where it uses them (`$1::text`, `:name::int8`): the
    // server infers such a parameter's type from the cast, and converts to it whatever typq sends.
    constexpr std::array<bool, max_parameters + 1> explicitly_cast_parameters() const
    {
        std::array<bool, max_parameters + 1> cast{};
        const std::string_view all = text();
        const auto visit = [&](const detail::placeholder& p) {
            std::size_t k = p.number;
            if constexpr (named) {
                if (p.kind != detail::placeholder_kind::named)
                    return;
                const int field = detail::field_index<Args...>(p.name);
                for (k = 0; k < count_ && fields_[k] != static_cast<std::uint16_t>(field); ++k) {
                }
                ++k;
            }
            else if (p.kind != detail::placeholder_kind::positional)
                return;
            std::size_t at = p.offset + p.length;
            while (at < all.size() && (all[at] == ' ' || all[at] == '\t' || all[at] == '\n' || all[at] == '\r'))
                ++at;
            if (k < cast.size() && all.substr(at, 2) == "::")
                cast[k] = true;
        };
        (void)detail::scan_placeholders(all, visit);
        return cast;
    }

    constexpr void check()
    {
        hash_ = detail::sql_hash(text());
        std::array<bool, max_parameters + 1> seen{};
        const auto visit = [&](const detail::placeholder& p) {
            if constexpr (counted_at_run_time) {
                (void)p;  // checked against the values when the statement runs (check_count)
            }
            else if (p.kind == detail::placeholder_kind::positional) {
                if constexpr (named)
                    detail::report_sql_problem(detail::sql_problem::positional_placeholder_with_named_arguments, p.offset);
                else if (p.number == 0)
                    detail::report_sql_problem(detail::sql_problem::placeholder_zero, p.offset);
                else if (p.number > max_parameters)
                    detail::report_sql_problem(detail::sql_problem::more_placeholders_than_arguments,
                        {p.offset, p.number, max_parameters});
                else
                    seen[p.number] = true;
            }
            else if constexpr (named) {
                const int field = detail::field_index<Args...>(p.name);
                if (field < 0)
                    detail::report_sql_problem(detail::sql_problem::name_is_not_a_field, p.offset);
                else if (!seen[static_cast<std::size_t>(field)]) {
                    seen[static_cast<std::size_t>(field)] = true;
                    fields_[count_++] = static_cast<std::uint16_t>(field);
                }
            }
            // Without a struct argument a ':' word is SQL (an array slice), not a placeholder.
        };
        copy_ = detail::scan_statement(text(), visit);
        if constexpr (!named && !counted_at_run_time)
            report_unused(seen, max_parameters);
    }

    // Reports the first argument (1..`arguments`) whose $N the statement lacks: a gap when a
    // later one is used, else an argument too many.
    template <class Seen>
    static constexpr void report_unused(const Seen& seen, std::size_t arguments)
    {
        for (std::size_t i = 1; i <= arguments; ++i) {
            if (seen[i])
                continue;
            bool later = false;
            for (std::size_t j = i + 1; j <= arguments && !later; ++j)
                later = seen[j];
            detail::report_sql_problem(later ? detail::sql_problem::gap_in_placeholders
                                             : detail::sql_problem::more_arguments_than_placeholders,
                {0, i, arguments});
            return;
        }
    }

    const char* text_ = nullptr;
    std::size_t size_ = 0;
    std::size_t hash_ = 0;
    bool literal_ = false;
    bool copy_ = false;
    std::array<std::uint16_t, max_parameters> fields_{};
    std::uint16_t count_ = 0;
};

/// The statement parameter of `execute` and `query*`: `Args` are deduced from the arguments alone,
/// and the literal is checked against them at compile time.
template <class... Args>
using sql = std::type_identity_t<basic_sql<std::remove_cvref_t<Args>...>>;

/// A statement whose rows become `Row`s: a typq::basic_sql that, with a header generated by
/// typq-schema (`TYPQ_SCHEMA_HEADER`), also checks its result columns against Row's fields at
/// compile time (docs/schema.md). It holds the basic_sql<Args...> it was checked as (sql()).
/// (Holds rather than derives: clang 14 crashes generating code for a consteval-made object of a
/// class with a base.)
template <class Row, class... Args>
class basic_row_sql {
public:
    /// Checks a string literal at compile time, as basic_sql does, and with a generated header
    /// its columns against Row.
    template <std::size_t N>
    consteval basic_row_sql(const char (&text)[N], const char* file = __builtin_FILE())
        : sql_(std::type_identity<Row>{}, text, file)
    {
    }
    /// A statement already checked against the arguments (`typq::sql<int> s = "..."` kept in a
    /// variable): its columns are checked when it runs, not against the generated header.
    constexpr basic_row_sql(const basic_sql<Args...>& sql) noexcept : sql_(sql) {}
    /// SQL built at run time, checked when it runs, as basic_sql's.
    basic_row_sql(const runtime_sql& sql) : sql_(sql) {}
    /// A composed fragment, as basic_sql's.
    basic_row_sql(const sql_fragment& sql) : sql_(sql) {}
    /// Not a statement, as basic_sql's: a string that is not a literal does not compile.
    template <class S>
        requires(!std::is_array_v<std::remove_cvref_t<S>> && std::is_convertible_v<const S&, std::string_view>)
    basic_row_sql(const S& text) : sql_(text)
    {
    }

    /// The statement, as checked against the arguments.
    [[nodiscard]] constexpr const basic_sql<Args...>& sql() const noexcept { return sql_; }

private:
    basic_sql<Args...> sql_;
};

/// The statement parameter of the forms that read rows (`query<Row>`, `query_one`, `stream`...):
/// typq::sql, and the columns checked against Row with a generated header.
template <class Row, class... Args>
using row_sql = std::type_identity_t<basic_row_sql<Row, std::remove_cvref_t<Args>...>>;

/// What `execute()` runs when it has no arguments: a script, sent as it is by the simple query
/// protocol. It may hold several statements separated by `;`, and any SQL at all: `$1` in a
/// function body or in `PREPARE q(int8) AS SELECT $1` is SQL there, not a placeholder of typq's.
/// A literal is still checked at compile time for what would make it unreadable (a quote or
/// comment left open, a NUL byte), runtime SQL when it runs. (`query()` without arguments, by
/// contrast, runs one statement by the extended protocol, where `$1` needs a value: it does not
/// compile, or throws typq::usage_error at run time.)
class script {
public:
    /// Checks a string literal at compile time: an open quote or comment does not compile.
    template <std::size_t N>
    consteval script(const char (&text)[N]) : text_(text), size_(N - 1), literal_(true)
    {
        if (text[N - 1] != '\0')
            detail::report_sql_problem(detail::sql_problem::statement_is_not_nul_terminated, N - 1);
        check();
    }
    /// Checks SQL built at run time.
    /// @throws typq::usage_error when a quote or comment is left open, or for a NUL byte.
    /// @par Lifetime  As for basic_sql: the script points into `sql`'s text.
    script(const runtime_sql& sql) : text_(sql.text().c_str()), size_(sql.text().size()) { check(); }
    /// Checks a composed fragment as runtime SQL.
    /// @throws typq::usage_error when a quote or comment is left open, or for a NUL byte.
    /// @par Lifetime  The script points into the fragment's text.
    script(const sql_fragment& sql) : text_(sql.c_str()), size_(sql.text().size()) { check(); }
    /// A statement checked for no arguments is a script too.
    script(const basic_sql<>& statement) : text_(statement.c_str()), size_(statement.text().size()),
        literal_(statement.is_literal())
    {
        check();
    }

    /// Not a script: see basic_sql's constructor from a string.
    template <class S>
        requires(!std::is_array_v<std::remove_cvref_t<S>> && std::is_convertible_v<const S&, std::string_view>)
    script(const S&)
    {
        static_assert(detail::always_false<S>, "typq: the statement must be a string literal (checked at compile "
                                               "time); for SQL built at run time write typq::runtime(text), or "
                                               "compose it with typq::format_sql (both checked when they run)");
    }

    /// The script, NUL-terminated.
    [[nodiscard]] constexpr const char* c_str() const noexcept { return text_; }
    /// The script.
    [[nodiscard]] constexpr std::string_view text() const noexcept { return {text_, size_}; }
    /// True for a string literal, whose text lives (unchanged) as long as the program.
    [[nodiscard]] constexpr bool is_literal() const noexcept { return literal_; }
    /// A hash of the text, computed once (for typq's statement cache).
    [[nodiscard]] constexpr std::size_t hash() const noexcept { return hash_; }
    /// True when a statement of the script is a COPY ... FROM STDIN or TO STDOUT.
    [[nodiscard]] constexpr bool copies_through_client() const noexcept { return copy_; }

private:
    constexpr void check()
    {
        hash_ = detail::sql_hash(text());
        copy_ = detail::scan_statement(text(), [](const detail::placeholder&) {});
    }

    const char* text_ = nullptr;
    std::size_t size_ = 0;
    std::size_t hash_ = 0;
    bool literal_ = false;
    bool copy_ = false;
};

/// The statement parameter of `execute`: with arguments a checked statement (see typq::sql),
/// without any a typq::script.
template <class... Args>
using execute_sql = std::type_identity_t<
    std::conditional_t<sizeof...(Args) == 0, script, basic_sql<std::remove_cvref_t<Args>...>>>;

// --- safe composition -------------------------------------------------------------------------------

/// `name` as a quoted identifier: `"users"`, `"Order Items"`, `"select"`, `"a""b"`. Always
/// quoted, so that it means exactly that name: case is kept (`identifier("Users")` is not the
/// table `users`), and a reserved word or any character is fine. Names longer than 63 bytes are
/// cut by the server (with a NOTICE), as for any identifier.
/// @throws typq::usage_error for an empty name, a NUL byte, or bytes that are not UTF-8.
[[nodiscard]] TYPQ_DECL sql_fragment identifier(std::string_view name);

/// A qualified name, each part quoted as identifier(name) quotes it.
/// `identifier("app", "users")` is `"app"."users"`.
/// @throws typq::usage_error as identifier(name) does, for either part.
[[nodiscard]] TYPQ_DECL sql_fragment identifier(std::string_view schema, std::string_view name);
/// A name qualified twice, each part quoted as identifier(name) quotes it.
/// `identifier("app", "users", "id")` is `"app"."users"."id"`, a column of that table.
/// @throws typq::usage_error as identifier(name) does, for any part.
[[nodiscard]] TYPQ_DECL sql_fragment identifier(std::string_view schema, std::string_view table, std::string_view name);

/// `$n`, the placeholder of the `n`th parameter, for composing a statement whose parameters are
/// counted at run time (see typq::params).
/// @throws typq::usage_error unless 1 <= n <= 65535.
[[nodiscard]] TYPQ_DECL sql_fragment placeholder(std::size_t n);

namespace detail {

template <class T>
inline constexpr bool is_std_optional = false;
template <class T>
inline constexpr bool is_std_optional<std::optional<T>> = true;

// A type sent as text with no type (strings): the server gives it the type the place needs.
template <class T>
concept untyped_text = param_format_of<T>() == format::text && requires { requires type<T>::param_oid == oid::unspecified; };

// Appends `value` as a SQL literal (see typq::literal).
template <class T>
void append_literal(const T& value, std::string& out)
{
    if constexpr (sends_null<T>) {
        if (type<T>::is_null(value)) {
            out += "NULL";
            return;
        }
    }
    if constexpr (std::same_as<T, std::nullopt_t>)
        return;  // is_null above
    else if constexpr (is_std_optional<T>)
        append_literal(*value, out);
    else if constexpr (std::same_as<T, bool>)
        out += value ? "true" : "false";
    else if constexpr (std::integral<T> && !std::same_as<T, char> && requires { type<T>::param_oid; }) {
        // A space before the minus, so that no `-` in front of it makes a `--` comment.
        if (value < 0)
            out += ' ';
        append_integer(out, value);
    }
    else {
        static_assert(text_encodable<T>,
            "typq::literal: this type has no text form (its typq::type<T> has no encode_text). A composite has "
            "none: the order of its attributes is known only to the server. Send such a value as a parameter ($N)");
        std::string text;
        type<T>::encode_text(value, text);
        append_quoted_literal(out, text, type<T>::sql_type);
        // Strings stay untyped, as string parameters are: the server gives them the type the
        // place needs (SET, NOTIFY and COPY options take no casts).
        if constexpr (!untyped_text<T>) {
            out += "::";
            out += type<T>::sql_type;
        }
    }
}

// The parts format_sql takes: composed fragments, and runtime SQL the program vouches for.
template <class T>
concept sql_part = std::same_as<T, sql_fragment> || std::same_as<T, runtime_sql>;

inline std::string_view sql_part_text(const sql_fragment& part) noexcept { return part.text(); }
inline std::string_view sql_part_text(const runtime_sql& part)
{
    (void)scan_statement(part.text(), [](const placeholder&) {});  // whole tokens, as a fragment's
    return part.text();
}

}  // namespace detail

/// `value` as a SQL literal, for the places where the server takes no parameter: DDL (`DEFAULT`,
/// `CHECK`), `SET`, `NOTIFY`'s payload, COPY's options, `CREATE ... AS` bodies. Strings become
/// ``'...'`` with each quote doubled (typq's strings are UTF-8, and standard_conforming_strings
/// is on: a backslash is an ordinary character, so no ``E''`` is needed, and no connection is);
/// they stay untyped, as string parameters are. Integers are bare numbers (a negative one with a
/// space before its minus, so that `x-{}` cannot become a `--` comment), `bool` is `true` or
/// `false`, NULL (an empty std::optional, std::nullopt) is `NULL`, and any other value is its
/// text form with a cast, ``'2024-01-02'::%date``, ``'{1,2}'::%int4[]``, ``'happy'::%mood``, read back by
/// the server as exactly the same value. Prefer parameters wherever the server takes them.
/// @throws typq::conversion_error when the value's text has a NUL byte or is not UTF-8, or when
///         the value has no SQL value (as for a parameter: a date past the server's, a time
///         point with nanoseconds).
template <class T>
[[nodiscard]] sql_fragment literal(const T& value)
{
    static_assert(detail::require_encodable<T>());
    std::string out;
    detail::append_literal(value, out);
    return detail::fragment_access::trusted(std::move(out));
}

/// `parts` one after another with `separator` between them: `typq::join(columns, ", ")` for a
/// column list. Each part must be a typq::sql_fragment (typq::identifier, typq::literal...).
template <class Range>
[[nodiscard]] sql_fragment join(const Range& parts, const sql_fragment& separator)
{
    std::string out;
    bool first = true;
    for (const auto& part : parts) {
        static_assert(std::is_convertible_v<decltype(part), const sql_fragment&>,
            "typq::join: the parts must be typq::sql_fragment (typq::identifier(name), typq::literal(value), ...)");
        if (!first)
            out += separator.text();
        first = false;
        out += static_cast<const sql_fragment&>(part).text();
    }
    return detail::fragment_access::trusted(std::move(out));
}

/// The format of typq::format_sql: SQL with `{}` (or `{0}`, `{1}`...) where each part goes,
/// checked at compile time against the parts given (or, from typq::runtime(text), when it runs).
/// Braces count only outside quoted strings, quoted identifiers, dollar quotes and comments,
/// where SQL has no use for them: ``'{1,2}'::%int[]`` is an array literal, not a slot, and a format
/// needs no escapes. `{}` and `{N}` do not mix; with `{N}` a part may be used more than once,
/// and each must be used.
template <class... Parts>
class basic_sql_format {
public:
    /// Checks a string literal against the parts at compile time: a mismatch does not compile.
    template <std::size_t N>
    consteval basic_sql_format(const char (&text)[N]) : text_(text, N - 1)
    {
        static_assert((detail::sql_part<Parts> && ...),
            "typq::format_sql: each part must be a typq::sql_fragment (typq::identifier(name), typq::literal(value), "
            "typq::join(...), typq::sql_fragment(\"SQL\")) or typq::runtime(text): a value belongs in a $N "
            "parameter, or in typq::literal, never in the text as it is");
        if (text[N - 1] != '\0')
            detail::report_sql_problem(detail::sql_problem::statement_is_not_nul_terminated, N - 1);
        scan([](std::size_t, std::size_t, std::size_t) {});
    }

    /// A format built at run time. @throws typq::usage_error when it does not fit the parts.
    basic_sql_format(const runtime_sql& format) : text_(format.text())
    {
        static_assert((detail::sql_part<Parts> && ...),
            "typq::format_sql: each part must be a typq::sql_fragment or typq::runtime(text)");
        scan([](std::size_t, std::size_t, std::size_t) {});
    }

    /// The format's text.
    [[nodiscard]] constexpr std::string_view text() const noexcept { return text_; }

    /// Calls `slot(offset, length, part)` for each slot, in order of the text.
    template <class Slot>
    constexpr void scan(Slot&& slot) const
    {
        constexpr std::size_t parts = sizeof...(Parts);
        std::array<bool, parts + 1> used{};
        std::size_t automatic = 0;
        bool numbered = false;
        std::size_t closes_at = std::string_view::npos;  // the '}' of the slot just read
        const auto brace = [&](std::string_view w) {
            if (w != "{" && w != "}")
                return;
            const auto at = static_cast<std::size_t>(w.data() - text_.data());
            if (w == "}") {
                if (at != closes_at)
                    detail::report_sql_problem(detail::sql_problem::format_unmatched_brace, at);
                return;
            }
            std::size_t end = at + 1;
            std::size_t number = 0;
            while (end < text_.size() && detail::sql_lexer::is_digit(text_[end]) && number <= parts) {
                number = number * 10 + static_cast<std::size_t>(text_[end] - '0');
                ++end;
            }
            if (end == text_.size() || text_[end] != '}') {
                detail::report_sql_problem(detail::sql_problem::format_unmatched_brace, at);
                return;
            }
            closes_at = end;
            const bool digits = end > at + 1;
            if (digits ? automatic > 0 : numbered)
                detail::report_sql_problem(detail::sql_problem::format_mixes_automatic_and_numbered_slots, at);
            numbered = digits;
            const std::size_t part = digits ? number : automatic++;
            if (part >= parts)
                detail::report_sql_problem(detail::sql_problem::format_more_slots_than_parts, {at, part, parts});
            else {
                used[part] = true;
                slot(at, end + 1 - at, part);
            }
        };
        if (const std::size_t at = text_.find('\0'); at != std::string_view::npos)
            detail::report_sql_problem(detail::sql_problem::nul_in_statement, at);
        const auto lexed = detail::scan_sql(text_, [](const detail::placeholder&) {}, brace);
        if (lexed.error != detail::sql_lex_error::none)
            detail::report_sql_problem(detail::lex_problem(lexed.error), lexed.offset);
        if (!numbered && automatic < parts)
            detail::report_sql_problem(detail::sql_problem::format_more_parts_than_slots, {0, automatic, parts});
        for (std::size_t i = 0; numbered && i < parts; ++i)
            if (!used[i])
                detail::report_sql_problem(detail::sql_problem::format_part_never_used, {0, i, parts});
    }

private:
    std::string_view text_;
};

/// The format parameter of typq::format_sql: `Parts` are deduced from the parts alone.
template <class... Parts>
using sql_format = std::type_identity_t<basic_sql_format<std::remove_cvref_t<Parts>...>>;

/// SQL composed at run time, safely: `format`'s `{}` slots filled with `parts`, each a
/// typq::sql_fragment (typq::identifier, typq::literal, typq::placeholder, typq::join, another
/// format_sql) or typq::runtime(text) that the program vouches for. The result runs wherever
/// typq::runtime(text) does, checked against its arguments when it runs, or goes into a larger
/// format. The format is checked at compile time (see basic_sql_format).
/// @par Example
/// ```
/// auto q = typq::format_sql("SELECT id, name FROM {} ORDER BY {} LIMIT $1",
///                           typq::identifier("app", "users"), typq::identifier(column));
/// for (const user& u : conn.query<user>(q, 10)) ...
/// ```
template <class... Parts>
[[nodiscard]] sql_fragment format_sql(sql_format<Parts...> format, const Parts&... parts)
{
    const std::array<std::string_view, sizeof...(Parts)> texts{detail::sql_part_text(parts)...};
    const std::string_view text = format.text();
    std::string out;
    std::size_t copied = 0;
    format.scan([&](std::size_t at, std::size_t length, std::size_t part) {
        out.append(text.substr(copied, at - copied));
        out.append(texts[part]);
        copied = at + length;
    });
    out.append(text.substr(copied));
    return detail::fragment_access::trusted(std::move(out));
}

#if TYPQ_DEFINITIONS

TYPQ_DECL sql_fragment identifier(std::string_view name)
{
    std::string out;
    detail::append_quoted_identifier(out, name);
    return detail::fragment_access::trusted(std::move(out));
}

TYPQ_DECL sql_fragment identifier(std::string_view schema, std::string_view name)
{
    std::string out;
    detail::append_quoted_identifier(out, schema);
    out += '.';
    detail::append_quoted_identifier(out, name);
    return detail::fragment_access::trusted(std::move(out));
}

TYPQ_DECL sql_fragment identifier(std::string_view schema, std::string_view table, std::string_view name)
{
    std::string out;
    detail::append_quoted_identifier(out, schema);
    out += '.';
    detail::append_quoted_identifier(out, table);
    out += '.';
    detail::append_quoted_identifier(out, name);
    return detail::fragment_access::trusted(std::move(out));
}

TYPQ_DECL sql_fragment placeholder(std::size_t n)
{
    if (n == 0 || n > detail::sql_lexer::max_parameter_number)
        throw usage_error("typq::placeholder(" + std::to_string(n) + "): placeholders are $1 to $65535");
    return detail::fragment_access::trusted("$" + std::to_string(n));
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq

#endif  // TYPQ_SQL_HPP
// ----- end <typq/sql.hpp> -----
// ----- begin <typq/params.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/params.hpp: typq::params, a list of parameter values whose number is known only at run
// time (a filter built from a form, an IN-list), bound through the same encoders as a variadic
// argument list.

#ifndef TYPQ_PARAMS_HPP
#define TYPQ_PARAMS_HPP

// ----- begin <typq/engine/bind.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/bind.hpp: a statement's parameters, encoded once into one reusable byte buffer,
// with the arrays of OIDs, lengths and formats that libpq's PQsend* functions take.

#ifndef TYPQ_ENGINE_BIND_HPP
#define TYPQ_ENGINE_BIND_HPP


#include <libpq-fe.h>

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int32_t
#include <string>       // the byte buffer, messages
#include <string_view>  // field names in messages
#include <vector>       // the per-parameter arrays

namespace typq::engine {

/// The largest message the server reads (PQ_LARGE_MESSAGE_LIMIT in its pqcomm.h: 1 GiB - 2,
/// length word included). A longer Bind or Parse message makes it drop the session, so typq
/// refuses such a statement before anything is sent.
inline constexpr std::size_t max_message_size = 0x3FFFFFFE;

/// The Bind protocol message counts parameters in an int16.
inline constexpr std::size_t max_parameters = 65535;

/// A statement's parameters, encoded: each value's bytes in one buffer (writer::put_bare), its
/// length in the array libpq reads lengths from, with the other arrays libpq reads. Reused from
/// statement to statement, so that a statement allocates nothing once the buffers have grown.
class bind_buffer {
public:
    /// Starts a statement of `count` parameters, each then set once, in order.
    void start(std::size_t count)
    {
        written_ = 0;  // the buffer keeps its length: room for the next values
        oids_.resize(count);
        lengths_.resize(count);
        formats_.resize(count);
        offsets_.resize(count);
        text_values_ = 0;
    }

    /// Encodes `value` as parameter `index` with its typq::type; `types` resolves types only the
    /// server knows, and `field` names the struct field a named statement took it from.
    /// @throws typq::conversion_error naming the parameter when the value cannot be encoded.
    template <class T>
    TYPQ_ALWAYS_INLINE void set(std::size_t index, const T& value, const server_types& types, std::string_view field = {})
    {
        const std::size_t start = written_;
        std::int32_t length = -1;
        try {
            oids_[index] = static_cast<Oid>(detail::param_oid_of<T>(types));
            writer out(bytes_, written_, &types);
            length = out.put_bare(value);
            // libpq reads a text-format parameter up to its NUL.
            if constexpr (detail::param_format_of<T>() == format::text) {
                if (length >= 0) {
                    out.put_be(char{0});
                    ++text_values_;
                }
            }
        }
        catch (const conversion_error& e) {
            throw_parameter_error(e, index, field, &detail::type_name<T>, type<T>::sql_type);
        }
        lengths_[index] = length;
        formats_[index] = static_cast<int>(detail::param_format_of<T>());
        offsets_[index] = start;
    }

    /// Sets parameter `index` to a NULL of type T: all that preparing a statement for T needs.
    template <class T>
    void set_null(std::size_t index, const server_types& types, std::string_view field = {})
    {
        try {
            oids_[index] = static_cast<Oid>(detail::param_oid_of<T>(types));
        }
        catch (const conversion_error& e) {
            throw_parameter_error(e, index, field, &detail::type_name<T>, type<T>::sql_type);
        }
        lengths_[index] = -1;
        formats_[index] = static_cast<int>(detail::param_format_of<T>());
        offsets_[index] = written_;
    }

    [[nodiscard]] int count() const noexcept { return static_cast<int>(oids_.size()); }
    [[nodiscard]] const Oid* types() const noexcept { return oids_.data(); }
    [[nodiscard]] const int* lengths() const noexcept { return lengths_.data(); }
    [[nodiscard]] const int* formats() const noexcept { return formats_.data(); }

    /// Each value's address in the buffer (null for NULL), once no value will be added.
    [[nodiscard]] const char* const* values()
    {
        values_.resize(offsets_.size());
        for (std::size_t i = 0; i < offsets_.size(); ++i)
            values_[i] = lengths_[i] < 0 ? nullptr : bytes_.data() + offsets_[i];
        return values_.data();
    }

    /// The size of the Bind message these parameters make for a statement name of
    /// `statement_name_size` bytes, as the server counts it: each value is its int4 length and
    /// its bytes (the buffer's, less the NULs after text values); one result format code.
    [[nodiscard]] std::size_t bind_message_size(std::size_t statement_name_size) const noexcept
    {
        return 4 + 1 + (statement_name_size + 1) + 2 + 2 * formats_.size() + 2 + 4 * lengths_.size()
            + (written_ - text_values_) + 2 + 2;
    }

    /// Keeps the buffers for the next statement, but not one-off huge ones.
    void trim() noexcept
    {
        if (bytes_.capacity() > (std::size_t{1} << 20)) {
            std::string().swap(bytes_);
            written_ = 0;
        }
    }

private:
    [[noreturn]] TYPQ_DECL static void throw_parameter_error(const conversion_error& e, std::size_t index,
        std::string_view field, std::string (*cpp_type)(), std::string_view sql_type);

    std::string bytes_;          // the values, then room for more
    std::size_t written_ = 0;    // the values' bytes
    std::vector<Oid> oids_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
    std::vector<std::size_t> offsets_;
    std::vector<const char*> values_;
    std::size_t text_values_ = 0;  // NULs after text values, which the message does not carry
};

[[noreturn]] TYPQ_DECL void throw_message_too_large(const bind_buffer& params, std::size_t statement_size,
    std::size_t name_size);

/// Refuses, before anything is sent, a statement that the protocol cannot carry or the server
/// would drop the connection for: more than 65,535 parameters, or a Bind or Parse message of
/// 1 GiB or more.
/// @throws typq::usage_error saying which limit and by how much.
inline void check_message_sizes(const bind_buffer& params, std::size_t statement_size, std::size_t name_size)
{
    const auto count = static_cast<std::size_t>(params.count());
    if (count > max_parameters || params.bind_message_size(name_size) > max_message_size
        || 4 + (name_size + 1) + (statement_size + 1) + 2 + 4 * count > max_message_size) [[unlikely]]
        throw_message_too_large(params, statement_size, name_size);
}

#if TYPQ_DEFINITIONS

[[noreturn]] TYPQ_DECL void bind_buffer::throw_parameter_error(const conversion_error& e, std::size_t index,
    std::string_view field, std::string (*cpp_type)(), std::string_view sql_type)
{
    // "parameter $2 (std::string)" or "parameter $1 (field "email", std::string)".
    std::string where = "parameter $" + std::to_string(index + 1) + " (";
    if (!field.empty()) {
        where += "field \"";
        where += field;
        where += "\", ";
    }
    const std::string type = cpp_type();
    where += type + ")";
    // The adapter's SQL type when the error does not name one (a value too large to frame).
    throw conversion_error(where + ": " + e.what(),
        conversion_site{{}, e.sql_type().empty() ? std::string(sql_type) : e.sql_type(), std::string(field), type});
}

[[noreturn]] TYPQ_DECL void throw_message_too_large(const bind_buffer& params, std::size_t statement_size,
    std::size_t name_size)
{
    if (static_cast<std::size_t>(params.count()) > max_parameters)
        throw usage_error("the statement has " + std::to_string(params.count())
            + " parameters; PostgreSQL's protocol carries at most 65535: nothing was sent");
    if (const std::size_t bind = params.bind_message_size(name_size); bind > max_message_size)
        throw usage_error("the statement's parameters take " + std::to_string(bind)
            + " bytes in one message; PostgreSQL refuses a message of 1 GiB or more (and drops the connection): "
              "nothing was sent");
    throw usage_error("the statement's text takes " + std::to_string(statement_size + name_size)
        + " bytes in one message; PostgreSQL refuses a message of 1 GiB or more: nothing was sent");
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_BIND_HPP
// ----- end <typq/engine/bind.hpp> -----

#include <cstddef>      // std::size_t, std::byte
#include <memory>       // std::unique_ptr: each value
#include <optional>     // std::nullopt_t
#include <span>         // byte views, stored as vectors
#include <string>       // strings and views of them, stored as std::string
#include <string_view>  // stored as std::string
#include <type_traits>  // std::decay_t
#include <utility>      // std::move, std::forward
#include <vector>       // the values

namespace typq {

class params;

namespace detail {

// What a params keeps of a value of type T: its own copy, so that nothing it was given can
// dangle. Views and pointers to text become std::string, views of bytes std::vector<std::byte>.
template <class T>
struct param_storage {
    using type = T;
};
template <>
struct param_storage<const char*> {
    using type = std::string;
};
template <>
struct param_storage<char*> {
    using type = std::string;
};
template <>
struct param_storage<std::string_view> {
    using type = std::string;
};
template <>
struct param_storage<std::span<const std::byte>> {
    using type = std::vector<std::byte>;
};
template <>
struct param_storage<std::span<std::byte>> {
    using type = std::vector<std::byte>;
};
template <class T>
using param_storage_t = typename param_storage<std::decay_t<T>>::type;  // decay: char[N] is const char*

}  // namespace detail

/// Parameter values collected at run time, for a statement whose number of placeholders is known
/// only then: pass one as the only argument, `conn.query<T>(typq::runtime(text), ps)` (or with a
/// typq::format_sql fragment, or a literal), and its values bind `$1..$N` in order. The statement
/// is checked when it runs: its placeholders must be exactly `$1..$size()`, by the same rules as
/// runtime SQL (typq::usage_error otherwise), and more than 65,535 values (the protocol's limit)
/// are refused before anything is sent.
///
/// Any type that can be a parameter can be added, NULLs included (`std::nullopt`, an empty
/// `std::optional`); each value is encoded as it would be as an argument of its own. A params
/// owns copies of its values: strings and byte views are copied into `std::string` and
/// `std::vector<std::byte>`. Copyable and movable.
///
/// @par Example
/// ```
/// typq::params ps;
/// std::string in;
/// for (std::int64_t id : ids) {
///     ps.push_back(id);
///     in += (in.empty() ? "$" : ", $") + std::to_string(ps.size());
/// }
/// auto rows = conn.query<user>(typq::runtime("SELECT * FROM users WHERE id IN (" + in + ")"), ps);
/// ```
class params {
public:
    /// No values.
    params() = default;

    /// A list of `values`, in order.
    template <class... T>
        requires(sizeof...(T) > 0 && (!std::is_same_v<std::remove_cvref_t<T>, params> && ...))
    explicit params(T&&... values)
    {
        values_.reserve(sizeof...(T));
        (push_back(std::forward<T>(values)), ...);
    }

    /// A copy of every value of `other`.
    params(const params& other) : needs_types_(other.needs_types_)
    {
        values_.reserve(other.values_.size());
        for (const auto& value : other.values_)
            values_.push_back(value->clone());
    }
    /// Replaces the values with copies of `other`'s.
    params& operator=(const params& other)
    {
        if (this != &other)
            *this = params(other);
        return *this;
    }
    /// Takes `other`'s values, leaving it valid but unspecified (clear() it to reuse it).
    params(params&&) noexcept = default;
    /// Takes `other`'s values, as the move constructor does.
    params& operator=(params&&) noexcept = default;
    ~params() = default;

    /// Appends `value` as the next parameter (`$size()` once added).
    template <class T>
    void push_back(T&& value)
    {
        using stored = detail::param_storage_t<T>;
        static_assert(!std::is_same_v<stored, params>, "typq: a typq::params cannot hold another typq::params");
        static_assert(detail::require_encodable<stored>());
        values_.push_back(std::make_unique<holder<stored>>(store(std::forward<T>(value))));
        needs_types_ = needs_types_ || looked_up<stored>;
    }

    /// The number of values: the statement's placeholders must be `$1..$size()`.
    [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }
    /// True when there are no values.
    [[nodiscard]] bool empty() const noexcept { return values_.empty(); }
    /// Makes room for `count` values (as std::vector::reserve).
    void reserve(std::size_t count) { values_.reserve(count); }
    /// Removes every value.
    void clear() noexcept
    {
        values_.clear();
        needs_types_ = false;
    }

    /// Encodes every value into `out`, in order (engine code: see engine::bind_arguments).
    /// @throws typq::conversion_error naming the parameter ($N) that cannot be encoded.
    void bind(engine::bind_buffer& out, const server_types& types) const
    {
        out.start(values_.size());
        for (std::size_t i = 0; i < values_.size(); ++i)
            values_[i]->set(out, i, types);
    }

    /// Whether a value's type is one only the server knows (an enum, a composite...), whose OID
    /// binding looks up.
    [[nodiscard]] bool needs_types() const noexcept { return needs_types_; }

private:
    // The copy a params keeps of `v` (see detail::param_storage).
    template <class T>
    static detail::param_storage_t<T> store(T&& v)
    {
        using given = std::remove_cvref_t<T>;
        if constexpr (std::is_array_v<given>) {
            // A character array as its adapter sends it: up to its unused end of NULs (a NUL
            // before other text stays, and is refused when the statement is bound).
            std::string text(v, std::extent_v<given>);
            text.erase(text.find_last_not_of('\0') + 1);
            return text;
        }
        else if constexpr (std::is_pointer_v<given>) {
            if (!v)
                throw conversion_error("null const char* (use std::nullopt to send NULL)",
                    conversion_site{{}, "text", {}, {}});
            return std::string(v);
        }
        else if constexpr (std::is_same_v<detail::param_storage_t<T>, given>)
            return std::forward<T>(v);
        else if constexpr (std::is_same_v<given, std::string_view>)
            return std::string(v);
        else
            return std::vector<std::byte>(v.begin(), v.end());
    }

    struct entry {
        entry() = default;
        entry(const entry&) = delete;
        entry& operator=(const entry&) = delete;
        virtual ~entry() = default;
        virtual void set(engine::bind_buffer& out, std::size_t index, const server_types& types) const = 0;
        [[nodiscard]] virtual std::unique_ptr<entry> clone() const = 0;
    };
    template <class T>
    struct holder final : entry {
        explicit holder(T v) : stored(std::move(v)) {}
        void set(engine::bind_buffer& out, std::size_t index, const server_types& types) const override
        {
            out.set(index, stored, types);
        }
        [[nodiscard]] std::unique_ptr<entry> clone() const override { return std::make_unique<holder>(stored); }
        T stored;
    };

    std::vector<std::unique_ptr<entry>> values_;
    bool needs_types_ = false;
};

}  // namespace typq

#endif  // TYPQ_PARAMS_HPP
// ----- end <typq/params.hpp> -----
// ----- begin <typq/result.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/result.hpp: typed results. A result<Row> owns one PGresult and is a random-access range
// of Row values; the column plan (which column feeds which field, and whether its type fits) is
// made once per result, or once per prepared statement, so that decoding a row is straight-line
// code with no lookups. Also the rules on how many rows a statement must return.

#ifndef TYPQ_RESULT_HPP
#define TYPQ_RESULT_HPP

// ----- begin <typq/engine/plan.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/plan.hpp: the column plan, which says which column feeds each field of a row type
// and checks every column's type against its field once, and the row decoder that follows it
// with no lookups. A plan is made from a result, or from a prepared statement's description
// before any result exists, and is then reused for every result of that statement.

#ifndef TYPQ_ENGINE_PLAN_HPP
#define TYPQ_ENGINE_PLAN_HPP


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
// ----- end <typq/engine/plan.hpp> -----
// ----- begin <typq/engine/pq_handle.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/pq_handle.hpp: ownership of libpq's PGconn, PGresult and PGcancel from their first
// line, so that a throw leaves nothing behind.

#ifndef TYPQ_ENGINE_PQ_HANDLE_HPP
#define TYPQ_ENGINE_PQ_HANDLE_HPP

#include <libpq-fe.h>

#include <memory>  // std::unique_ptr

namespace typq::engine {

struct pq_result_deleter {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using result_handle = std::unique_ptr<PGresult, pq_result_deleter>;

struct pq_conn_deleter {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
using conn_handle = std::unique_ptr<PGconn, pq_conn_deleter>;

struct pq_cancel_deleter {
    void operator()(PGcancel* cancel) const noexcept { PQfreeCancel(cancel); }
};
using cancel_handle = std::unique_ptr<PGcancel, pq_cancel_deleter>;

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_PQ_HANDLE_HPP
// ----- end <typq/engine/pq_handle.hpp> -----

#include <libpq-fe.h>

#include <compare>      // iterator ordering
#include <cstddef>      // std::size_t, std::ptrdiff_t
#include <cstdint>      // std::uint64_t
#include <iterator>     // iterator tags
#include <memory>       // std::shared_ptr: the type registry a result keeps
#include <optional>     // optional_row
#include <string>       // messages
#include <utility>      // std::move
#include <vector>       // to_vector()

namespace typq {

/// Asks for a statement's results in text format: `conn.query<Row>(typq::text_results, sql, args...)`.
/// For types with no binary form (extension types such as contrib's `cube`): every column,
/// whatever its type, is read as the text the server prints for it, so `Row`'s fields must be
/// strings (`std::string`, `std::string_view`, or `std::optional` of one). Parameters are sent as
/// usual. The other forms of execute/query read binary results, and a column of a type without
/// binary output makes the server refuse the statement (`typq::undefined_function`).
struct text_results_t {
    /// Explicit, so that `{}` is never taken for the tag.
    explicit text_results_t() = default;
};
/// The tag that asks for results in text format (see typq::text_results_t).
inline constexpr text_results_t text_results{};

namespace detail {

/// The row count of the command's tag (INSERT, UPDATE, DELETE, SELECT, MERGE, COPY, ...), else 0.
inline std::uint64_t affected_rows(const PGresult* result)
{
    std::uint64_t count = 0;
    for (const char* digit = PQcmdTuples(const_cast<PGresult*>(result)); *digit >= '0' && *digit <= '9'; ++digit)
        count = count * 10 + static_cast<std::uint64_t>(*digit - '0');
    return count;
}

/// Throws no_rows or too_many_rows: `function` ("query_one") expected `wanted` ("exactly one
/// row"), and the statement returned `rows`.
[[noreturn]] TYPQ_DECL void throw_row_count(const char* function, const char* wanted, int rows);

#if TYPQ_DEFINITIONS
[[noreturn]] TYPQ_DECL void throw_row_count(const char* function, const char* wanted, int rows)
{
    const std::string message = std::string(function) + " expected " + wanted + ", the statement returned "
        + std::to_string(rows);
    if (rows == 0)
        throw no_rows(message);
    throw too_many_rows(message);
}
#endif  // TYPQ_DEFINITIONS

/// The only row of `rows`, decoded by `plan`.
/// @throws typq::no_rows, typq::too_many_rows naming `function` unless there is exactly one.
template <class Row>
typename row_traits<Row>::value_type one_row(const PGresult* rows, const engine::column_plan<Row>& plan,
    const server_types& types, const char* function)
{
    if (const int count = PQntuples(rows); count != 1)
        throw_row_count(function, "exactly one row", count);
    return engine::decode_row<Row>(rows, 0, plan, &types);
}

/// The row of `rows`, or std::nullopt when there is none.
/// @throws typq::too_many_rows when there are more.
template <class Row>
std::optional<typename row_traits<Row>::value_type> optional_row(const PGresult* rows,
    const engine::column_plan<Row>& plan, const server_types& types)
{
    const int count = PQntuples(rows);
    if (count == 0)
        return std::nullopt;
    if (count != 1)
        throw_row_count("query_opt", "at most one row", count);
    return engine::decode_row<Row>(rows, 0, plan, &types);
}

}  // namespace detail

/// The rows of one statement, each decoded into `Row`'s value type on access: a struct mapped by
/// field name, `typq::by_position<T>`, a `std::tuple` (by position), one scalar column, or a
/// typq::row. Iterable any number of times. Moving it keeps borrowed views valid but not
/// iterators; destroying it ends both.
///
/// A result holds the rows as the server sent them and decodes a row each time it is read, so
/// that a million rows are not held twice; `*it` and `r[i]` therefore return a new value, not a
/// reference into the result. Write `for (const user& u : conn.query<user>(...))` (or
/// `const auto&`, `auto&&`, `auto`): `for (auto& u : ...)` does not compile, because a
/// non-const reference cannot bind to that value. `std::vector<user> v(r.begin(), r.end())`
/// allocates once: the iterator's category is random access (as `std::vector<bool>`'s is,
/// with a value for a reference), so the vector takes the size first; `to_vector()` says the
/// same thing in one call.
/// @par Lifetime  Rows are decoded on each access and own their data, except borrowed fields
///      (`std::string_view`, `std::span<const std::byte>`), which point into this result.
template <class Row>
class result {
    using traits = detail::row_traits<Row>;

public:
    /// What a row decodes into: `Row` itself, or T for `typq::by_position<T>` and
    /// `typq::ignoring_extra<T>`.
    using value_type = typename traits::value_type;
    /// std::size_t.
    using size_type = std::size_t;

    /// A random-access iterator over the rows whose `*it` decodes the row and returns it by value
    /// (see typq::result). Valid while the result lives and is not moved.
    /// @throws typq::conversion_error from `*it` and `it[n]` when a value cannot be decoded.
    class iterator {
    public:
        /// @{
        /// The iterator's types, as the standard's iterator concepts ask for them.
        using iterator_concept = std::random_access_iterator_tag;
        // Random access although operator* returns a value, as std::vector<bool>'s iterator does:
        // so that algorithms and containers that take an iterator pair (std::vector's
        // constructor) measure the distance and allocate once. Algorithms that assign through
        // `*it` (std::sort) do not compile, as for any read-only range.
        using iterator_category = std::random_access_iterator_tag;
        using value_type = typename traits::value_type;
        using difference_type = std::ptrdiff_t;
        using reference = value_type;
        using pointer = void;
        /// @}

        /// A singular iterator, to assign to.
        iterator() = default;
        /// The row decoded (a new value each time).
        [[nodiscard]] value_type operator*() const { return owner_->row(row_); }
        /// The row `n` rows on, decoded.
        [[nodiscard]] value_type operator[](difference_type n) const { return owner_->row(row_ + static_cast<int>(n)); }
        /// @{
        /// Moves by rows, compares and measures positions, as a random-access iterator does.
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
        /// @}

    private:
        friend class result;
        iterator(const result* owner, int row) noexcept : owner_(owner), row_(row) {}
        const result* owner_ = nullptr;
        int row_ = 0;
    };

    /// typq's own (a result comes from a connection's `query`): takes a successful result and
    /// checks its columns against `Row` once (with
    /// `format::text`, a result in text format: see typq::text_results).
    /// @throws typq::conversion_error when the columns do not fit `Row`.
    explicit result(engine::result_handle handle, format results = format::binary)
        : handle_(std::move(handle)), plan_(engine::plan_columns<Row>(handle_.get(), {results, false})),
          rows_(PQntuples(handle_.get()))
    {
    }

    /// typq's own: takes a successful result and the plan already made for it (from it, or from
    /// its prepared statement's description, which `keep` keeps alive: the plan's column names
    /// point into it); `registry` is what the connection knew of server types when the plan was
    /// made, for decoding the rows.
    result(engine::result_handle handle, const engine::column_plan<Row>& plan, std::shared_ptr<const type_registry> registry,
        std::shared_ptr<const void> keep = {}) noexcept
        : handle_(std::move(handle)), plan_(plan), rows_(PQntuples(handle_.get())), registry_(std::move(registry)),
          keep_(std::move(keep))
    {
    }

    /// The number of rows.
    [[nodiscard]] size_type size() const noexcept { return static_cast<size_type>(rows_); }
    /// True when there are no rows.
    [[nodiscard]] bool empty() const noexcept { return rows_ == 0; }
    /// The first row.
    [[nodiscard]] iterator begin() const noexcept { return {this, 0}; }
    /// Past the last row.
    [[nodiscard]] iterator end() const noexcept { return {this, rows_}; }

    /// Row `index`, decoded. @throws typq::usage_error when `index >= size()`.
    [[nodiscard]] value_type operator[](size_type index) const
    {
        if (index >= size())
            throw usage_error("row " + std::to_string(index) + " of a result with " + std::to_string(rows_) + " rows");
        return row(static_cast<int>(index));
    }

    /// Every row, decoded, in one vector allocated once.
    [[nodiscard]] std::vector<value_type> to_vector() const
    {
        std::vector<value_type> rows;
        rows.reserve(size());
        for (int i = 0; i < rows_; ++i)
            rows.push_back(row(i));
        return rows;
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
        return engine::decode_row<Row>(handle_.get(), index, plan_, &types);
    }

    engine::result_handle handle_;
    engine::column_plan<Row> plan_;
    int rows_;
    std::shared_ptr<const type_registry> registry_;  // null until the connection looked a type up
    std::shared_ptr<const void> keep_;               // what plan_'s column names point into, if not handle_
};

}  // namespace typq

#endif  // TYPQ_RESULT_HPP
// ----- end <typq/result.hpp> -----
// ----- begin <typq/row.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/row.hpp: typq::row, a row of any shape (conn.query<typq::row>(...)), read column by
// column with get<T>(index) or get<T>("name"), each checked as a struct's field would be: the
// equivalent of psycopg's dict_row, for tools, migrations and admin code.

#ifndef TYPQ_ROW_HPP
#define TYPQ_ROW_HPP


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
// ----- end <typq/row.hpp> -----
// ----- begin <typq/connection_options.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/connection_options.hpp: typq::connection_options, what a connection does beyond what its
// conninfo string says, given with designated initializers.

#ifndef TYPQ_CONNECTION_OPTIONS_HPP
#define TYPQ_CONNECTION_OPTIONS_HPP

#include <cstddef>   // std::size_t
#include <optional>  // prepare_threshold

namespace typq {

/// How a connection treats the statements it runs, as psycopg's connection does:
/// `typq::connection conn{"postgresql:///app", {.prepare_threshold = 0, .statement_cache_size = 64}};`
struct connection_options {
    /// How many times a statement runs unprepared before typq prepares it on the server (a SQL
    /// text with the same parameter types; the run after that many is prepared, and later runs
    /// skip the server's parse and plan). 0 prepares every statement when it first runs;
    /// std::nullopt never prepares one automatically, which is what a PgBouncer in transaction
    /// mode needs (a prepared statement lives in one server session). Scripts (execute() without
    /// arguments) are never prepared.
    std::optional<std::size_t> prepare_threshold = 5;

    /// How many automatically prepared statements a connection keeps; the least recently used
    /// is deallocated on the server when another needs its place. As many statement texts are
    /// counted towards prepare_threshold.
    std::size_t statement_cache_size = 128;
};

}  // namespace typq

#endif  // TYPQ_CONNECTION_OPTIONS_HPP
// ----- end <typq/connection_options.hpp> -----
// ----- begin <typq/prepared.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/prepared.hpp: typq::prepared<Args...>, a statement the program prepared on one connection
// with connection::prepare, run by passing it in place of the SQL.

#ifndef TYPQ_PREPARED_HPP
#define TYPQ_PREPARED_HPP

// ----- begin <typq/engine/statement.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/statement.hpp: one statement, start to end, as an operation that never blocks:
// its parameters encoded (types the server defines looked up first), sent unprepared, prepared
// (once it has run often enough, or because it is a typq::prepared), its results collected, and
// its rows' column plan made or taken from the prepared statement. The one path every form of
// execute and query takes; the typed front ends only supply how to bind and how to plan.

#ifndef TYPQ_ENGINE_STATEMENT_HPP
#define TYPQ_ENGINE_STATEMENT_HPP

// ----- begin <typq/engine/catalog.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/catalog.hpp: types looked up in the server's catalog, between statements. Encoding a
// statement's parameters, or planning a result's columns, is a pass that records the types the
// session's registry lacks instead of asking the server there and then (type_misses); when a pass
// recorded any, the operation runs a catalog_op (names with to_regtype, OIDs in pg_type and
// pg_attribute, one query each) and makes the pass again. So no lookup ever happens in the middle
// of a statement, and the synchronous and asynchronous drivers run lookups the same way.

#ifndef TYPQ_ENGINE_CATALOG_HPP
#define TYPQ_ENGINE_CATALOG_HPP

// ----- begin <typq/engine/collect.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/collect.hpp: the results of one command sent outside pipeline mode, read without
// blocking: the one that matters is kept (the first error, else the last result), and a COPY
// that the command started where no COPY was expected is ended so that the connection stays
// usable, with an error that says what happened to it.

#ifndef TYPQ_ENGINE_COLLECT_HPP
#define TYPQ_ENGINE_COLLECT_HPP

// ----- begin <typq/engine/check.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/check.hpp: what libpq's results and failures mean, written once: a result's status
// checked, the server's diagnostic read into an exception of its SQLSTATE's class, a lost
// connection told apart from a failed statement.

#ifndef TYPQ_ENGINE_CHECK_HPP
#define TYPQ_ENGINE_CHECK_HPP


#include <libpq-fe.h>

#include <cstdlib>      // std::atoi
#include <string>       // messages, diagnostic fields
#include <string_view>  // libpq's messages

namespace typq::engine {

/// libpq's message as one line (its lines joined by single spaces, no trailing newline).
TYPQ_DECL std::string libpq_message(const PGconn* conn);
/// Every field of the server's error report in `result`.
TYPQ_DECL diagnostic read_diagnostic(const PGresult* result);
/// Throws for a connection that can do no more work.
[[noreturn]] TYPQ_DECL void throw_broken(PGconn* conn, const PGresult* result);
/// Throws for a call into libpq that failed without a result.
[[noreturn]] TYPQ_DECL void throw_libpq_failure(PGconn* conn);
/// Throws for a result that is not a success (an error, an aborted pipeline statement).
[[noreturn]] TYPQ_DECL void throw_result_error(PGconn* conn, const PGresult* result);
TYPQ_DECL bool is_error_result(const PGresult* result) noexcept;

/// A result's status is one that carries a statement's success.
inline bool is_success(ExecStatusType status) noexcept
{
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_SINGLE_TUPLE
        || status == PGRES_EMPTY_QUERY;
}

/// Takes ownership of the result that matters and throws for anything but success.
inline result_handle check_result(PGconn* conn, result_handle result)
{
    if (!result)
        throw_libpq_failure(conn);
    if (!is_success(PQresultStatus(result.get())))
        throw_result_error(conn, result.get());
    return result;
}

#if TYPQ_DEFINITIONS

/// libpq's message as one line: its lines ("...failed: Connection refused\n\tIs the server
/// running...?\n") joined by single spaces, with no trailing newline.
TYPQ_DECL std::string libpq_message(const PGconn* conn)
{
    const std::string_view text = conn ? PQerrorMessage(conn) : "out of memory";
    std::string line;
    bool space = false;
    for (const char c : text) {
        if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
            space = !line.empty();
            continue;
        }
        if (space)
            line += ' ';
        space = false;
        line += c;
    }
    return line.empty() ? std::string("unknown libpq error") : line;
}

TYPQ_DECL diagnostic read_diagnostic(const PGresult* result)
{
    const auto field = [result](int code) {
        const char* value = PQresultErrorField(result, code);
        return value ? std::string(value) : std::string();
    };
    diagnostic d;
    d.sqlstate = field(PG_DIAG_SQLSTATE);
    d.severity = field(PG_DIAG_SEVERITY_NONLOCALIZED);
    d.message_primary = field(PG_DIAG_MESSAGE_PRIMARY);
    d.message_detail = field(PG_DIAG_MESSAGE_DETAIL);
    d.message_hint = field(PG_DIAG_MESSAGE_HINT);
    d.context = field(PG_DIAG_CONTEXT);
    d.schema_name = field(PG_DIAG_SCHEMA_NAME);
    d.table_name = field(PG_DIAG_TABLE_NAME);
    d.column_name = field(PG_DIAG_COLUMN_NAME);
    d.datatype_name = field(PG_DIAG_DATATYPE_NAME);
    d.constraint_name = field(PG_DIAG_CONSTRAINT_NAME);
    d.internal_query = field(PG_DIAG_INTERNAL_QUERY);
    d.source_file = field(PG_DIAG_SOURCE_FILE);
    d.source_function = field(PG_DIAG_SOURCE_FUNCTION);
    d.statement_position = std::atoi(field(PG_DIAG_STATEMENT_POSITION).c_str());
    d.internal_position = std::atoi(field(PG_DIAG_INTERNAL_POSITION).c_str());
    d.source_line = std::atoi(field(PG_DIAG_SOURCE_LINE).c_str());
    return d;
}

/// Throws for a connection that can do no more work.
[[noreturn]] TYPQ_DECL void throw_broken(PGconn* conn, const PGresult* result)
{
    std::string message = "connection to the server was lost: ";
    const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    message += primary ? std::string(primary) : libpq_message(conn);
    const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    throw connection_error(message, true, sqlstate ? sqlstate : "");
}

/// Throws for a call into libpq that failed without a result: the connection was lost, or libpq
/// itself failed (out of memory, a busy connection).
[[noreturn]] TYPQ_DECL void throw_libpq_failure(PGconn* conn)
{
    if (PQstatus(conn) == CONNECTION_BAD)
        throw_broken(conn, nullptr);
    throw connection_error(libpq_message(conn), false, "");
}

[[noreturn]] TYPQ_DECL void throw_result_error(PGconn* conn, const PGresult* result)
{
    if (PQresultStatus(result) == PGRES_PIPELINE_ABORTED)
        throw pipeline_aborted("not run: an earlier statement in the pipeline failed, and the server skipped the "
                               "statements after it up to the next sync point");
    // A FATAL from the server (a terminated backend) arrives as an error result on a connection
    // that is now closed: that is a lost connection first, a server error second.
    if (PQstatus(conn) == CONNECTION_BAD)
        throw_broken(conn, result);
    if (const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE); sqlstate && *sqlstate)
        detail::throw_server_error(read_diagnostic(result));
    throw connection_error(libpq_message(conn), false, "");
}

TYPQ_DECL bool is_error_result(const PGresult* result) noexcept
{
    const ExecStatusType status = PQresultStatus(result);
    return status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR
        || status == PGRES_PIPELINE_ABORTED;
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_CHECK_HPP
// ----- end <typq/engine/check.hpp> -----
// ----- begin <typq/engine/io.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/io.hpp: what an operation waits for, and the non-blocking step every operation
// takes after it has queued something with a PQsend* call: send what is queued, read what has
// arrived, and take the next result only when libpq has it whole.
//
// Operations never block. Each is a small state machine whose step(ready) does what it can and
// returns what it waits for next; a driver waits for that on the socket (poll() for
// typq::connection) and calls step again with what became ready. psycopg 3 is built the same way
// (its generators and wait functions), and so is Boost.MySQL (a sans-I/O core driven by its sync
// and async functions).

#ifndef TYPQ_ENGINE_IO_HPP
#define TYPQ_ENGINE_IO_HPP


#include <libpq-fe.h>

namespace typq::engine {

/// What an operation waits for before it can go on, and what a driver found ready.
enum class io : unsigned char {
    none = 0,        ///< nothing: the operation has finished (or, for a stream, has a result)
    read = 1,        ///< the socket to have data
    write = 2,       ///< the socket to take data
    read_write = 3,  ///< either: output is pending, and input must be read meanwhile
};

[[nodiscard]] constexpr bool includes(io set, io what) noexcept
{
    return (static_cast<unsigned>(set) & static_cast<unsigned>(what)) != 0;
}

/// Reads what arrived when the socket was readable. libpq keeps it until results are taken.
/// A failure is left for the next result to report (libpq turns a lost connection into an error
/// result with the server's last words, which PQgetResult then returns without blocking).
inline void consume_input(PGconn* conn, io ready) noexcept
{
    if (includes(ready, io::read))
        (void)PQconsumeInput(conn);
}

/// Sends what libpq has queued, without blocking: io::none once all of it is sent, else what to
/// wait for (read too, so that a server that is itself blocked writing to us can go on).
/// @throws typq::connection_error when the connection was lost.
inline io flush(PGconn* conn)
{
    const int pending = PQflush(conn);
    if (pending > 0)
        return io::read_write;
    if (pending < 0 && PQstatus(conn) != CONNECTION_BAD)
        throw_libpq_failure(conn);
    return io::none;  // sent; or lost, which the next result says
}

/// The next result of what was sent, when libpq has it whole: io::none with `out` set (null at
/// the end of a command's results), else what to wait for. Outside pipeline mode, a command's
/// results end with null; in pipeline mode each queued command's do, and a sync point gives one
/// PGRES_PIPELINE_SYNC result with no null after it. Always inlined: a stream takes it once a row,
/// and g++ stops inlining it into stream_op::step once the engine has a few more callers (measured:
/// +21 instructions a streamed row when it did).
TYPQ_ALWAYS_INLINE io next_result(PGconn* conn, io ready, result_handle& out)
{
    consume_input(conn, ready);
    if (PQstatus(conn) != CONNECTION_BAD) {
        if (const io pending = flush(conn); pending != io::none)
            return pending;
        if (PQisBusy(conn))
            return io::read;
    }
    // Not busy, or the connection is lost: then libpq has closed the socket, and PQgetResult
    // returns the error (and the server's FATAL report, if one came) without waiting.
    out.reset(PQgetResult(conn));
    return io::none;
}

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_IO_HPP
// ----- end <typq/engine/io.hpp> -----
// ----- begin <typq/engine/session.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/session.hpp: everything a connection to the server is, except how it waits: the
// libpq connection in non-blocking mode, the server types and statements it has learnt, the
// buffers its statements reuse, and the flag that keeps two users from running statements on it
// at once. typq::connection owns one through a shared pointer, so that what refers to the
// session (a transaction, a prepared statement, a stream) follows the connection when it moves.

#ifndef TYPQ_ENGINE_SESSION_HPP
#define TYPQ_ENGINE_SESSION_HPP

// ----- begin <typq/notice.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/notice.hpp: typq::notice, a message the server sends beside a statement's result (NOTICE,
// WARNING, INFO, DEBUG, LOG), as a connection's notice handler receives it (conn.on_notice).

#ifndef TYPQ_NOTICE_HPP
#define TYPQ_NOTICE_HPP

#include <functional>  // notice_handler
#include <string>      // the fields

namespace typq {

/// A notice from the server: `RAISE NOTICE` in PL/pgSQL, "table does not exist, skipping" from
/// `DROP TABLE IF EXISTS`, a WARNING such as "there is no transaction in progress". Absent fields
/// are empty. Also what libpq itself reports as a notice (its own messages have no SQLSTATE).
struct notice {
    std::string severity;  ///< NOTICE, WARNING, INFO, DEBUG, LOG (never localised); FATAL when
                           ///< the server closes the connection while nothing runs
    std::string sqlstate;  ///< 00000 for a plain RAISE NOTICE, 01xxx for warnings
    std::string message;   ///< the primary message
    std::string detail;    ///< DETAIL, if the server sent one
    std::string hint;      ///< HINT, if the server sent one
};

/// What conn.on_notice() takes. It runs in the thread that runs the statement, inside libpq,
/// while the connection is busy with that statement.
using notice_handler = std::function<void(const notice&)>;

}  // namespace typq

#endif  // TYPQ_NOTICE_HPP
// ----- end <typq/notice.hpp> -----
// ----- begin <typq/engine/poll.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/poll.hpp: the synchronous driver. It steps an operation and, whenever the operation
// waits for the socket, waits with poll(): typq::connection runs every operation this way. (The
// asynchronous driver steps the same operations and waits with Asio instead.)

#ifndef TYPQ_ENGINE_POLL_HPP
#define TYPQ_ENGINE_POLL_HPP


#include <libpq-fe.h>

#include <cerrno>    // EINTR
#include <cstring>   // std::strerror
#include <ctime>     // clock_gettime: time left before a deadline
#include <poll.h>    // poll

namespace typq::engine {

/// Milliseconds on a monotonic clock, for deadlines.
inline long long monotonic_ms() noexcept
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<long long>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

/// Waits until the connection's socket is ready for `what`, or until `deadline_ms` (a
/// monotonic_ms() value; negative: no deadline). Returns what became ready; io::none when the
/// deadline passed, or when `wake_fd` (if not negative) became readable: someone wants the wait
/// to end (session::cancel() during a wait for notifications). An error or hang-up on the socket
/// counts as readable: reading then finds it. Interrupted by a signal (EINTR), it goes on waiting
/// for what is left until the deadline.
/// @throws typq::connection_error when the connection has no socket or poll() fails.
TYPQ_DECL io wait_socket(PGconn* conn, io what, long long deadline_ms = -1, int wake_fd = -1);

/// Steps `op` to its end on `conn`, waiting with poll() whenever it waits for the socket.
template <class Op>
void run(PGconn* conn, Op& op)
{
    io ready = io::none;
    for (io wanted = op.step(ready); wanted != io::none; wanted = op.step(ready))
        ready = wait_socket(conn, wanted);
}

#if TYPQ_DEFINITIONS

TYPQ_DECL io wait_socket(PGconn* conn, io what, long long deadline_ms, int wake_fd)
{
    const int socket = PQsocket(conn);
    if (socket < 0)
        throw connection_error("connection to the server was lost: " + libpq_message(conn), true);
    pollfd fds[2]{};
    pollfd& fd = fds[0];
    fd.fd = socket;
    fd.events = static_cast<short>((includes(what, io::read) ? POLLIN : 0) | (includes(what, io::write) ? POLLOUT : 0));
    fds[1].fd = wake_fd;
    fds[1].events = POLLIN;
    const nfds_t count = wake_fd >= 0 ? 2 : 1;
    for (;;) {
        int timeout = -1;
        if (deadline_ms >= 0) {
            const long long left = deadline_ms - monotonic_ms();
            if (left <= 0)
                return io::none;
            timeout = left > 1000000000 ? 1000000000 : static_cast<int>(left);
        }
        const int ready = ::poll(fds, count, timeout);
        if (ready > 0 && fds[1].revents != 0)
            return io::none;
        if (ready > 0) {
            unsigned got = 0;
            if ((fd.revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) != 0)
                got |= static_cast<unsigned>(io::read);
            if ((fd.revents & POLLOUT) != 0)
                got |= static_cast<unsigned>(io::write);
            return static_cast<io>(got);
        }
        if (ready == 0)
            return io::none;
        if (errno != EINTR)
            throw connection_error(std::string("cannot wait for the server: poll() failed: ") + std::strerror(errno),
                false);
    }
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_POLL_HPP
// ----- end <typq/engine/poll.hpp> -----
// ----- begin <typq/engine/statement_cache.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/statement_cache.hpp: statements a session has prepared on the server (each with
// the server's description of it and the column plans made from that), and the cache that
// prepares a statement once it has run often enough (psycopg's prepare_threshold), keeping the
// most recently used.

#ifndef TYPQ_ENGINE_STATEMENT_CACHE_HPP
#define TYPQ_ENGINE_STATEMENT_CACHE_HPP


#include <libpq-fe.h>

#include <atomic>         // whether deallocations are pending
#include <cstddef>        // std::size_t
#include <cstring>        // std::memcmp
#include <exception>      // std::exception_ptr
#include <iterator>       // std::prev
#include <list>           // the recency order
#include <memory>         // std::shared_ptr, std::weak_ptr
#include <mutex>          // the deallocation queue may be fed from another thread
#include <optional>       // the threshold
#include <string>         // statement names and texts
#include <string_view>    // keys
#include <unordered_map>  // the index
#include <utility>        // std::pair, std::move
#include <vector>         // parameter types, plans, names

namespace typq::engine {

/// Names of prepared statements to deallocate on the server the next time the session is free to
/// (outside a transaction block). Fed by the destructor of a prepared_statement, which may run in
/// whichever thread drops the last result that kept it, hence the mutex.
class deallocation_queue {
public:
    void push(std::string name)
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        names_.push_back(std::move(name));
        pending_.store(true, std::memory_order_release);
    }
    /// Takes every queued name.
    [[nodiscard]] std::vector<std::string> take()
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        pending_.store(false, std::memory_order_relaxed);
        return std::move(names_);
    }
    /// Whether names are queued: one load, on every statement's way.
    [[nodiscard]] bool pending() const noexcept { return pending_.load(std::memory_order_acquire); }

private:
    std::mutex mutex_;
    std::vector<std::string> names_;
    std::atomic<bool> pending_{false};
};

/// One statement prepared on the server: what Parse was given, what Describe answered, and the
/// column plans made from that answer for each row type read from it (each plan's column names
/// point into `description`, so whoever keeps a plan keeps this object). When the last owner lets
/// go, the statement is queued for deallocation on its session, if the session still exists.
struct prepared_statement {
    prepared_statement(std::string statement_name, std::string statement_text, std::vector<Oid> parameter_types,
        std::weak_ptr<deallocation_queue> queue)
        : name(std::move(statement_name)), text(std::move(statement_text)), types(std::move(parameter_types)),
          deallocations(std::move(queue))
    {
    }
    prepared_statement(const prepared_statement&) = delete;
    prepared_statement& operator=(const prepared_statement&) = delete;
    ~prepared_statement()
    {
        if (!prepared)
            return;
        if (const auto queue = deallocations.lock()) {
            try {
                queue->push(std::move(name));
            }
            catch (...) {  // NOLINT(bugprone-empty-catch): out of memory; the server frees it at disconnect
            }
        }
    }

    /// The plan made for `key` (a row type and result format), or null.
    [[nodiscard]] const void* plan(const void* key) const noexcept
    {
        for (const auto& [k, p] : plans)
            if (k == key)
                return p.get();
        return nullptr;
    }

    std::string name;
    std::string text;
    std::vector<Oid> types;
    result_handle description;  // PQdescribePrepared's answer: the result columns
    std::vector<std::pair<const void*, std::shared_ptr<const void>>> plans;
    bool prepared = false;       // the server has it (Parse succeeded)
    std::size_t segment = 0;     // queued in a pipeline: the segment (between sync points) of its Parse
    std::exception_ptr parse_error;  // queued in a pipeline: why its Parse failed
    std::weak_ptr<deallocation_queue> deallocations;
};

/// What identifies a statement in the cache: its text and its parameters' types (the same text
/// with other types is another statement to the server).
/// `text_hash` is the hash of the statement as written (basic_sql::hash(), computed when it was
/// checked), which equal keys share by definition: a named statement is keyed by its rewritten
/// text but hashed by its original one.
struct statement_key {
    std::string_view text;
    std::size_t text_hash = 0;
    const Oid* types = nullptr;
    std::size_t count = 0;

    friend bool operator==(const statement_key& a, const statement_key& b) noexcept
    {
        return a.text_hash == b.text_hash && a.count == b.count && a.text == b.text
            && (a.count == 0 || std::memcmp(a.types, b.types, a.count * sizeof(Oid)) == 0);
    }
};

struct statement_key_hash {
    std::size_t operator()(const statement_key& key) const noexcept
    {
        std::size_t hash = key.text_hash;
        for (std::size_t i = 0; i < key.count; ++i)
            hash = hash * 31 + key.types[i];
        return hash;
    }
};

/// A least-recently-used map from statement_key to V, holding at most `capacity` entries. Keys
/// point into the entries' own copies of the text and types.
template <class V>
class statement_lru {
public:
    struct entry {
        std::string text;
        std::size_t text_hash;
        std::vector<Oid> types;
        V value;
        const char* source = nullptr;  // the string literal last found to name it, if any
        [[nodiscard]] statement_key key() const noexcept { return {text, text_hash, types.data(), types.size()}; }
    };

    /// The entry for `key`, made the most recent; null when absent.
    [[nodiscard]] entry* find(const statement_key& key)
    {
        const auto found = index_.find(key);
        if (found == index_.end())
            return nullptr;
        if (found->second != order_.begin())
            order_.splice(order_.begin(), order_, found->second);
        return &*found->second;
    }

    /// The most recent entry, or null.
    [[nodiscard]] entry* front() noexcept { return order_.empty() ? nullptr : &order_.front(); }

    /// Adds `key` with `value` as the most recent entry (it must be absent), evicting the least
    /// recent beyond `capacity`.
    entry& insert(const statement_key& key, V value, std::size_t capacity)
    {
        order_.push_front(
            entry{std::string(key.text), key.text_hash, std::vector<Oid>(key.types, key.types + key.count), std::move(value)});
        index_.emplace(order_.front().key(), order_.begin());
        while (order_.size() > capacity && order_.size() > 1)
            erase(std::prev(order_.end()));
        return order_.front();
    }

    void erase(const statement_key& key)
    {
        if (const auto found = index_.find(key); found != index_.end())
            erase(found->second);
    }

    void clear() noexcept
    {
        index_.clear();
        order_.clear();
    }

    [[nodiscard]] std::size_t size() const noexcept { return order_.size(); }

    template <class F>
    void for_each(F f)
    {
        for (entry& e : order_)
            f(e.value);
    }

private:
    using iterator = typename std::list<entry>::iterator;
    void erase(iterator at)
    {
        index_.erase(at->key());
        order_.erase(at);
    }

    std::list<entry> order_;  // most recent first
    std::unordered_map<statement_key, iterator, statement_key_hash> index_;
};

/// The automatic preparation of a session's statements: how often each statement text has run,
/// and the statements prepared once that reached the threshold.
class statement_cache {
public:
    /// The prepared statement for `key`, or null (then count() says whether to prepare it).
    /// `source` is the string literal the statement was written as, or null: a statement run
    /// again from the same literal, with the same parameter types, is found without hashing or
    /// comparing its text (a literal's text never changes).
    [[nodiscard]] const std::shared_ptr<prepared_statement>* find(const statement_key& key, const char* source)
    {
        if (auto* last = prepared_.front(); source && last && last->source == source
            && last->types.size() == key.count
            && (key.count == 0 || std::memcmp(last->types.data(), key.types, key.count * sizeof(Oid)) == 0))
            return &last->value;
        auto* entry = prepared_.find(key);
        if (!entry)
            return nullptr;
        entry->source = source;
        return &entry->value;
    }

    /// Counts one more run of `key`; true when it should be prepared now.
    bool count(const statement_key& key, const std::optional<std::size_t>& threshold, std::size_t capacity)
    {
        if (!threshold || capacity == 0)
            return false;
        if (*threshold == 0)
            return true;
        auto* entry = counts_.find(key);
        if (!entry) {
            counts_.insert(key, 1, capacity);
            return false;
        }
        if (entry->value < *threshold) {
            ++entry->value;
            return false;
        }
        counts_.erase(key);
        return true;
    }

    /// Keeps `statement`, now prepared, under `key`.
    void add(const statement_key& key, std::shared_ptr<prepared_statement> statement, std::size_t capacity)
    {
        prepared_.insert(key, std::move(statement), capacity);
    }

    /// Forgets `key`'s statement (it was invalidated); it is deallocated when no result keeps it.
    void forget(const statement_key& key) { prepared_.erase(key); }

    /// Forgets every statement; they are deallocated when no result keeps them.
    void clear() noexcept
    {
        prepared_.clear();
        counts_.clear();
    }

    /// Forgets every statement, which the server has already dropped (DISCARD ALL, DEALLOCATE
    /// ALL): none is deallocated, and the program's typq::prepared statements are prepared again.
    void clear_discarded() noexcept
    {
        prepared_.for_each([](std::shared_ptr<prepared_statement>& statement) { statement->prepared = false; });
        clear();
        ++generation_;
    }

    /// How many times the server dropped every prepared statement: a typq::prepared made before
    /// the last time is prepared again before it runs.
    [[nodiscard]] std::size_t generation() const noexcept { return generation_; }

    [[nodiscard]] std::size_t size() const noexcept { return prepared_.size(); }

private:
    statement_lru<std::shared_ptr<prepared_statement>> prepared_;
    statement_lru<std::size_t> counts_;
    std::size_t generation_ = 0;
};

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_STATEMENT_CACHE_HPP
// ----- end <typq/engine/statement_cache.hpp> -----

#include <libpq-fe.h>

#include <atomic>       // the busy state, shared with cancel() in other threads
#include <cerrno>       // errno, when the wake pipe cannot be made
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uintptr_t: a fallback for the statement names' random digits
#include <cstring>      // std::strerror
#include <exception>    // the exception a notice handler threw, kept until its statement ends
#include <memory>       // std::shared_ptr
#include <string>       // conninfo, statement names, reasons
#include <string_view>  // conninfo
#include <thread>       // std::this_thread::yield while a cancel request is sent
#include <utility>      // std::move

#include <fcntl.h>      // fcntl: the wake pipe is non-blocking and close-on-exec
#include <unistd.h>     // pipe, read, write, close: the wake pipe; getentropy, getpid: statement names

namespace typq::engine {

/// What an abandoned operation still has to do (a stream's rows to drop, its savepoint to roll
/// back), kept by an asynchronous session (session::leftover) for its next operation to finish
/// first, since a destructor cannot wait.
class leftover {
public:
    leftover() = default;
    leftover(const leftover&) = delete;
    leftover& operator=(const leftover&) = delete;
    virtual ~leftover() = default;
    virtual io step(io ready) = 0;
    /// Whether the command still running is cancelled first: an abandoned stream's or COPY's is
    /// (its rest is dropped), an abandoned pipeline's is not (its statements run, as those of a
    /// pipeline closed by an exception do).
    [[nodiscard]] virtual bool cancels() const noexcept { return true; }
};

/// What a session is doing, as one atomic value: cancel() in another thread reads and changes it.
enum class activity : unsigned char {
    idle,        ///< free for the next operation
    busy,        ///< an operation (or a stream, a pipeline) holds the session
    cancelling,  ///< busy, and cancel() is sending a cancel request (or waking a wait) right now
    waiting,     ///< busy, waiting for a notification: cancel() wakes it instead of asking the server
};

class session {
public:
    explicit session(const connection_options& options) : options_(options) {}
    session(const session&) = delete;
    session& operator=(const session&) = delete;
    TYPQ_DECL ~session();

    /// Connects (blocking, with libpq's connect_timeout), then puts the connection in non-blocking
    /// mode: from here on every operation waits through a driver.
    /// @throws typq::connection_error when the connection cannot be made.
    TYPQ_DECL void connect(std::string_view conninfo);

    /// The non-blocking way to connect, for an asynchronous driver: start_connect() begins
    /// (PQconnectStartParams), then connect_step() until it returns io::none, waiting on native()'s
    /// socket (which may change between steps: libpq tries host after host) for what it returns.
    /// The session is then connected as by connect(). libpq does not apply connect_timeout here:
    /// the driver does.
    /// @throws typq::connection_error when the connection cannot be made.
    TYPQ_DECL void start_connect(std::string_view conninfo);
    TYPQ_DECL io connect_step();

    /// Closes the connection; what still refers to the session then finds it closed.
    TYPQ_DECL void close() noexcept;

    [[nodiscard]] PGconn* native() const noexcept { return conn_.get(); }
    [[nodiscard]] bool closed() const noexcept { return !conn_ && broken_.empty(); }
    /// Lost, or closed by typq because its state could not be known any more.
    [[nodiscard]] bool broken() const noexcept
    {
        return !broken_.empty() || (conn_ && PQstatus(conn_.get()) != CONNECTION_OK);
    }

    /// The connection, when it can run a statement now.
    /// @throws typq::connection_error when it is closed or broken; typq::usage_error when a
    ///         statement changed client_encoding away from UTF8, which typq reads and writes, or
    ///         when the connection is in libpq's pipeline mode outside a typq::pipeline.
    [[nodiscard]] PGconn* usable() const
    {
        PGconn* conn = conn_.get();
        if (!conn || PQstatus(conn) != CONNECTION_OK || PQclientEncoding(conn) != utf8_
            || PQpipelineStatus(conn) != PQ_PIPELINE_OFF)
            refuse();
        return conn;
    }

    /// The connection, for what only reads its state (backend PID, server version, host): works
    /// in pipeline mode and while a statement runs.
    /// @throws typq::connection_error when it is closed or broken.
    [[nodiscard]] PGconn* open() const
    {
        if (!broken_.empty())
            throw connection_error("the connection is broken: " + broken_, true);
        if (!conn_)
            throw connection_error("the connection is closed", true);
        if (PQstatus(conn_.get()) != CONNECTION_OK)
            throw connection_error("the connection is broken: " + libpq_message(conn_.get()), true);
        return conn_.get();
    }

    /// Closes the connection after a failure that leaves its protocol state unknown (libpq failed
    /// half way through queueing a statement): nothing of a half-sent statement may reach the
    /// server with the next one. The session then reports itself broken, with `reason`.
    TYPQ_DECL void mark_broken(std::string reason) noexcept;

    /// After a PQsend* call: a failure closes the connection, because libpq may already have
    /// queued part of the statement, which would otherwise go out with the next one.
    /// @throws typq::connection_error (broken) when `ok` is 0.
    void sent(int ok)
    {
#ifdef TYPQ_TEST_FAULTS
        // Tests make a send fail after libpq queued the whole statement, as an allocation that
        // fails half way through would.
        if (ok && test_fail_next_send_) {
            test_fail_next_send_ = false;
            ok = 0;
        }
#endif
        if (!ok)
            send_failed();
    }

#ifdef TYPQ_TEST_FAULTS
    void test_fail_next_send() noexcept { test_fail_next_send_ = true; }
#endif

    /// Closes the connection after a PQsend* call failed, and says so.
    /// @throws typq::connection_error (broken), always.
    [[noreturn]] TYPQ_DECL void send_failed();

    [[nodiscard]] const connection_options& options() const noexcept { return options_; }

    /// The server's standard_conforming_strings (on unless a statement turned it off).
    [[nodiscard]] bool standard_strings() const noexcept
    {
        const char* value = conn_ ? PQparameterStatus(conn_.get(), "standard_conforming_strings") : nullptr;
        return !value || value[1] != 'f';  // "on" or "off"
    }

    /// A name for the next statement this session prepares: `typq_<16 random hex digits>_<n>`, the
    /// digits drawn once per session. Unique across sessions, not only within one: behind a
    /// pooler in transaction mode (PgBouncer) sessions share server connections, and a name that
    /// another client also used would run that client's statement, or fail to prepare (42P05).
    TYPQ_DECL std::string next_statement_name();

    /// Whether the session may still prepare statements on the server (see stop_preparing).
    [[nodiscard]] bool prepares() const noexcept { return !preparing_stopped_; }

    /// From here on the session prepares nothing, automatically or for the program's
    /// typq::prepared, which then run unprepared (their text and parameter types sent each time):
    /// a statement it had prepared is gone without typq or the program dropping it (SQLSTATE 26000),
    /// which is what a pooler in transaction mode (PgBouncer) causes when it hands the next
    /// transaction another server connection. The statements it kept are forgotten, none is
    /// deallocated (the server connections they were prepared on are not this one's to reach).
    TYPQ_DECL void stop_preparing() noexcept;

    /// Sends a cancel request for the operation in progress, if there is one; the next operation
    /// does not start until the request has been delivered, so that it cannot be cancelled
    /// instead. True when a request was sent. Safe to call from any thread.
    /// @throws typq::connection_error when the request cannot be sent.
    TYPQ_DECL bool cancel();

    // --- notices and notifications ----------------------------------------------------------

    /// Replaces the notice handler (an empty one: none). Not while another thread runs a statement
    /// on the session; from inside the handler itself is fine.
    void set_notice_handler(notice_handler handler)
    {
        notice_handler_ = handler ? std::make_shared<const notice_handler>(std::move(handler)) : nullptr;
    }

    /// Rethrows (once) the first exception a notice handler threw during the operation that holds
    /// the lease. Called where an operation has ENDED (run_statement, a stream's or pipeline's end
    /// points, COPY's end points): libpq is C and calls the handler from inside PQgetResult or
    /// PQconsumeInput, so the exception cannot leave the handler there; the statement's effects
    /// stand. A failure an operation never rethrew (it failed with its own error) is dropped when
    /// the next lease is taken.
    void rethrow_notice_failure()
    {
        if (notice_failure_) [[unlikely]] {
            std::exception_ptr failure = std::move(notice_failure_);
            notice_failure_ = nullptr;
            std::rethrow_exception(failure);
        }
    }

    /// For wait_notification: marks the session as waiting (cancel() then wakes the wait instead
    /// of asking the server) and returns the descriptor that becomes readable when it does. The
    /// caller holds the lease and calls end_wait() afterwards, whatever happens.
    /// @throws typq::connection_error when the wake pipe cannot be made.
    TYPQ_DECL int begin_wait();
    /// Ends what begin_wait() began; true when cancel() woke the wait.
    TYPQ_DECL bool end_wait() noexcept;

    /// What the server said as it closed the connection (a FATAL message while nothing ran, which
    /// libpq hands to the notice receiver): "terminating connection due to administrator command"
    /// and 57P01. Empty when it said nothing.
    [[nodiscard]] const std::string& farewell() const noexcept { return farewell_; }
    [[nodiscard]] const std::string& farewell_sqlstate() const noexcept { return farewell_sqlstate_; }

    // The session's state that its operations read and write (engine code only).
    std::shared_ptr<const type_registry> registry;  // server-defined types looked up so far; null: none
    bind_buffer params;                            // every statement's parameters, reused
    std::string text;                              // a named statement rewritten with $N
    statement_cache statements;                    // automatically prepared statements
    std::shared_ptr<deallocation_queue> deallocations = std::make_shared<deallocation_queue>();
    std::size_t transaction_depth = 0;             // open typq::transaction objects (>1: savepoints)
    std::size_t cursors_named = 0;                 // for the next typq::cursor's name
    std::size_t pipeline_segments = 0;             // sync points sent in pipelines so far
    // Driven by an asynchronous driver (typq::async_connection), whose thread must never wait for a
    // round trip: a lease released while a command is still in progress then leaves it for the
    // next operation to cancel and drain (`abandoned`), instead of draining it with poll().
    bool drain_later = false;
    bool abandoned = false;                        // see drain_later
    // Asynchronous too: the depth of a transaction whose coroutine let it go without ending it
    // (0: none), which the next operation rolls back before anything else (typq::async_transaction).
    std::size_t abandoned_transaction = 0;
    // Asynchronous too: an abandoned operation's rest, finished (after a cancel request) before
    // the next operation.
    std::unique_ptr<leftover> leftovers;

private:
    friend class lease;

    [[noreturn]] TYPQ_DECL void refuse() const;
    // What connect() and connect_step() do once libpq has connected.
    TYPQ_DECL void connected();
    // libpq's notice receiver; `self` is the session, which never moves (it is owned through a
    // shared_ptr) and outlives its PGconn.
    TYPQ_DECL static void receive_notice(void* self, const PGresult* result) noexcept;

    // Declared before conn_, so that they outlive it: libpq may call the receiver until then.
    std::shared_ptr<const notice_handler> notice_handler_;  // null: notices are dropped
    std::exception_ptr notice_failure_;                     // the first exception a handler threw
    std::string farewell_;                                  // see farewell()
    std::string farewell_sqlstate_;
    int wake_[2] = {-1, -1};                                // cancel() writes; a wait polls; made at the first wait
    conn_handle conn_;
    cancel_handle cancel_;        // what cancel() sends; made when connecting
    std::string broken_;          // why typq closed the connection; empty unless it did
    int utf8_ = -1;               // libpq's number for UTF8 (pg_char_to_encoding)
    connection_options options_;
    std::size_t statements_named_ = 0;
    std::string statement_prefix_;  // "typq_<16 hex digits>_", made for the first name
    bool preparing_stopped_ = false;
    std::atomic<activity> activity_{activity::idle};
    std::atomic<const char*> holder_{nullptr};  // what holds the session, for the busy message
#ifdef TYPQ_TEST_FAULTS
    bool test_fail_next_send_ = false;
#endif
};

/// Holds a session for one operation (or for a stream or pipeline's life): refuses a second user
/// while it is held, and leaves the session clean when it is released: a command still in
/// progress (an operation abandoned half way, by an exception) is cancelled and drained, or the
/// connection is marked broken when that fails.
class lease {
public:
    /// @throws typq::usage_error when something else holds the session: another thread, or a
    ///         stream or pipeline still open on it.
    TYPQ_DECL lease(session& s, const char* holder);
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    TYPQ_DECL ~lease();

    [[nodiscard]] session& owner() const noexcept { return *session_; }

private:
    session* session_;
};

/// What is left of a cancelled or abandoned command, read and dropped, as an operation: a COPY
/// that was receiving data is ended (CopyFail), one that was sending it read to its end, a pipeline
/// closed with one more sync point. It finishes (io::none) once libpq is idle again, or the
/// connection is lost: drained() then says which. Both drivers run it after a cancel request.
class drain_op {
public:
    explicit drain_op(session& s) noexcept : session_(s) {}
    TYPQ_DECL io step(io ready);
    /// The connection is usable and no command is in progress.
    [[nodiscard]] TYPQ_DECL bool drained() const noexcept;

private:
    session& session_;
    bool started_ = false;
    bool copying_out_ = false;  // reading and dropping a COPY TO STDOUT's data
};

// How long an abandoned command may take to end once cancelled, before the connection is closed.
inline constexpr long long drain_timeout_ms = 30000;

/// Cancels a command abandoned half way and runs drain_op with poll() and a deadline; false when
/// the connection could not be brought back to idle in time (then it is marked broken).
TYPQ_DECL bool drain(session& s) noexcept;

#if TYPQ_DEFINITIONS

namespace detail_connect {
// libpq's parameters for a conninfo string or URI. expand_dbname=1: the "dbname" value is parsed as
// a whole conninfo string or URI; the client_encoding after it overrides any the string names.
inline constexpr const char* keywords[] = {"dbname", "client_encoding", nullptr};
}  // namespace detail_connect

TYPQ_DECL void session::connect(std::string_view conninfo)
{
    const std::string info(conninfo);
    const char* const values[] = {info.c_str(), "UTF8", nullptr};
    conn_.reset(PQconnectdbParams(detail_connect::keywords, values, 1));
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK)
        throw connection_error(libpq_message(conn_.get()), true);
    connected();
}

TYPQ_DECL void session::start_connect(std::string_view conninfo)
{
    const std::string info(conninfo);
    const char* const values[] = {info.c_str(), "UTF8", nullptr};
    conn_.reset(PQconnectStartParams(detail_connect::keywords, values, 1));
    if (!conn_ || PQstatus(conn_.get()) == CONNECTION_BAD)
        throw connection_error(libpq_message(conn_.get()), true);
}

TYPQ_DECL io session::connect_step()
{
    switch (PQconnectPoll(conn_.get())) {
    case PGRES_POLLING_READING: return io::read;
    case PGRES_POLLING_WRITING: return io::write;
    case PGRES_POLLING_OK:
        connected();
        return io::none;
    default: {
        const std::string message = libpq_message(conn_.get());
        conn_.reset();
        throw connection_error(message, true);
    }
    }
}

TYPQ_DECL void session::connected()
{
    // libpq prints notices (NOTICE, WARNING) to stderr by default; a library must not.
    // Without a handler the receiver drops them.
    PQsetNoticeReceiver(conn_.get(), &session::receive_notice, this);
    if (PQsetnonblocking(conn_.get(), 1) != 0)
        throw connection_error("cannot put the connection in non-blocking mode: " + libpq_message(conn_.get()), true);
    utf8_ = PQclientEncoding(conn_.get());
    // Made now, while no other thread can be using the connection: cancel() only sends it.
    cancel_.reset(PQgetCancel(conn_.get()));
}

TYPQ_DECL session::~session()
{
    conn_.reset();  // first: libpq may still hand it a notice
    for (const int fd : wake_)
        if (fd >= 0)
            (void)::close(fd);
}

TYPQ_DECL void session::receive_notice(void* self, const PGresult* result) noexcept
{
    session& s = *static_cast<session*>(self);
    const auto field = [result](int code) {
        const char* value = PQresultErrorField(result, code);
        return value ? std::string(value) : std::string();
    };
    try {
        std::string severity = field(PG_DIAG_SEVERITY_NONLOCALIZED);
        if (severity.empty())
            severity = field(PG_DIAG_SEVERITY);
        if (severity == "FATAL" || severity == "PANIC") {
            // The server is closing the connection while nothing ran (pg_terminate_backend, a
            // shutdown): the next call finds it lost, and says why with this.
            s.farewell_ = field(PG_DIAG_MESSAGE_PRIMARY);
            s.farewell_sqlstate_ = field(PG_DIAG_SQLSTATE);
        }
        if (!s.notice_handler_)
            return;
        // A copy: the handler may replace or clear itself (conn.on_notice) while it runs.
        const std::shared_ptr<const notice_handler> handler = s.notice_handler_;
        const notice n{std::move(severity), field(PG_DIAG_SQLSTATE), field(PG_DIAG_MESSAGE_PRIMARY),
            field(PG_DIAG_MESSAGE_DETAIL), field(PG_DIAG_MESSAGE_HINT)};
        (*handler)(n);
    }
    catch (...) {
        // libpq is C: nothing may unwind through it. The operation rethrows it once it has ended.
        if (!s.notice_failure_)
            s.notice_failure_ = std::current_exception();
    }
}

TYPQ_DECL int session::begin_wait()
{
    if (wake_[0] < 0) {
        int fds[2] = {-1, -1};
        if (::pipe(fds) != 0)
            throw connection_error(std::string("cannot wait for notifications: pipe() failed: ") + std::strerror(errno),
                false);
        for (const int fd : fds) {
            (void)::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
            (void)::fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
        wake_[0] = fds[0];
        wake_[1] = fds[1];
    }
    // A wake-up left over from an earlier wait (cancel() raced with its end) is not for this one.
    char sink[64];
    while (::read(wake_[0], sink, sizeof sink) > 0) {
    }
    // From here cancel() wakes this wait: busy -> waiting, once a cancel being sent is done.
    activity expected = activity::busy;
    while (!activity_.compare_exchange_weak(expected, activity::waiting, std::memory_order_acq_rel)) {
        expected = activity::busy;
        std::this_thread::yield();
    }
    return wake_[0];
}

TYPQ_DECL bool session::end_wait() noexcept
{
    // waiting -> busy, once a wake-up being written is done: it then belongs to this wait.
    activity expected = activity::waiting;
    while (!activity_.compare_exchange_weak(expected, activity::busy, std::memory_order_acq_rel)) {
        expected = activity::waiting;
        std::this_thread::yield();
    }
    char sink[64];
    bool woken = false;
    while (::read(wake_[0], sink, sizeof sink) > 0)
        woken = true;
    return woken;
}

TYPQ_DECL void session::close() noexcept
{
    cancel_.reset();
    conn_.reset();
    statements.clear();
    (void)deallocations->take();  // the server forgets them with the session
}

TYPQ_DECL std::string session::next_statement_name()
{
    if (statement_prefix_.empty()) {
        // getentropy: the kernel's random bytes (never blocks once the system has booted). Should it
        // fail, the session's address and the process id still tell this process's sessions apart.
        unsigned long long nonce = 0;
        if (::getentropy(&nonce, sizeof nonce) != 0)
            nonce = static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(this))
                ^ (static_cast<unsigned long long>(::getpid()) << 40);
        constexpr char digits[] = "0123456789abcdef";
        statement_prefix_ = "typq_";
        for (int shift = 60; shift >= 0; shift -= 4)
            statement_prefix_ += digits[(nonce >> shift) & 15];
        statement_prefix_ += '_';
    }
    return statement_prefix_ + std::to_string(++statements_named_);
}

TYPQ_DECL void session::stop_preparing() noexcept
{
    preparing_stopped_ = true;
    statements.clear_discarded();  // nothing to deallocate; the program's typq::prepared re-route
    (void)deallocations->take();
}

TYPQ_DECL void session::mark_broken(std::string reason) noexcept
{
    broken_ = std::move(reason);
    if (broken_.empty())
        broken_ = "the connection was closed after a failure";
    cancel_.reset();
    conn_.reset();
    statements.clear();
    (void)deallocations->take();
}

[[noreturn]] TYPQ_DECL void session::refuse() const
{
    // A stream or pipeline that holds the session explains the state better than libpq does.
    if (const char* other = holder_.load(); other && std::string_view(other) != "a statement")
        throw usage_error(std::string(other) + " is still open on this connection: finish it (or destroy it) "
            + "before running anything else on the connection");
    (void)open();  // closed or broken: says which
    if (PQpipelineStatus(conn_.get()) != PQ_PIPELINE_OFF)
        throw usage_error("the connection is in libpq's pipeline mode, entered through native_handle(): typq "
                          "runs statements in pipeline mode only through a typq::pipeline");
    const char* encoding = PQparameterStatus(conn_.get(), "client_encoding");
    throw usage_error(std::string("the connection's client_encoding is ") + (encoding ? encoding : "?")
        + ": typq sends and reads text only as UTF8, so it runs nothing on this connection (SET client_encoding "
          "TO 'UTF8' cannot run either: open a new connection)");
}

[[noreturn]] TYPQ_DECL void session::send_failed()
{
    const std::string reason = "sending a statement failed (" + libpq_message(conn_.get())
        + "); the connection was closed, since part of the statement may have been queued";
    mark_broken(reason);
    throw connection_error(reason, true);
}

TYPQ_DECL bool session::cancel()
{
    activity expected = activity_.load();
    do {
        if (expected != activity::busy && expected != activity::waiting)
            return false;  // nothing in progress: a request now could only cancel a later statement
    } while (!activity_.compare_exchange_weak(expected, activity::cancelling, std::memory_order_acq_rel));
    if (expected == activity::waiting) {
        // A wait for notifications runs nothing on the server: wake the waiting thread instead.
        // The pipe outlives this call (it is closed with the session, which the caller holds).
        const char byte = 1;
        (void)::write(wake_[1], &byte, 1);  // full: a wake-up is already pending
        activity_.store(activity::waiting, std::memory_order_release);
        return true;
    }
    char message[256] = {};
    const bool sent = cancel_ && PQcancel(cancel_.get(), message, static_cast<int>(sizeof message));
    activity_.store(activity::busy);
    if (!cancel_)
        throw connection_error("cannot cancel: the connection is closed", true);
    if (!sent)
        throw connection_error(std::string("cannot send the cancel request: ") + message, false);
    return true;
}

TYPQ_DECL lease::lease(session& s, const char* holder) : session_(&s)
{
    activity expected = activity::idle;
    if (!s.activity_.compare_exchange_strong(expected, activity::busy, std::memory_order_acquire)) {
        const char* other = s.holder_.load();
        if (other && std::string_view(other) != "a statement")
            throw usage_error(std::string(other) + " is still open on this connection: finish it (or destroy it) "
                + "before running anything else on the connection");
        throw usage_error("this connection is running a statement for another thread (or, for a "
                          "typq::async_connection, another coroutine): a connection runs one statement at a time "
                          "(only cancel() may be called from another thread; share connections through a pool)");
    }
    s.holder_.store(holder);
    if (s.notice_failure_) [[unlikely]]
        s.notice_failure_ = nullptr;  // one an earlier operation never rethrew (it failed on its own)
}

TYPQ_DECL lease::~lease()
{
    session& s = *session_;
    // PQTRANS_ACTIVE: libpq is not idle, so a command was abandoned before its results were read.
    if (PGconn* conn = s.native(); conn && PQtransactionStatus(conn) == PQTRANS_ACTIVE) {
        if (s.drain_later)
            s.abandoned = true;  // the asynchronous driver's next operation drains it
        else
            (void)drain(s);
    }
    s.holder_.store(nullptr);
    // A cancel request being sent for this operation must be delivered before the next one starts.
    activity expected = activity::busy;
    while (!s.activity_.compare_exchange_weak(expected, activity::idle, std::memory_order_release)) {
        expected = activity::busy;
        std::this_thread::yield();
    }
}

TYPQ_DECL io drain_op::step(io ready)
{
    PGconn* conn = session_.native();
    if (!conn)
        return io::none;
    if (!started_) {
        started_ = true;
        // A pipeline ends only at a sync point: one more makes sure there is one after the last
        // statement queued.
        if (PQpipelineStatus(conn) != PQ_PIPELINE_OFF)
            (void)PQpipelineSync(conn);
    }
    for (;;) {
        if (copying_out_) {
            consume_input(conn, ready);
            ready = io::none;
            char* row = nullptr;
            const int got = PQgetCopyData(conn, &row, 1);
            if (got > 0) {
                PQfreemem(row);
                continue;
            }
            if (got == 0)
                return io::read;
            copying_out_ = false;  // the end (or a failure): the COPY's results follow
            continue;
        }
        result_handle result;
        if (const io wanted = next_result(conn, ready, result); wanted != io::none)
            return wanted;
        ready = io::none;
        if (result) {
            const ExecStatusType status = PQresultStatus(result.get());
            if (status == PGRES_COPY_IN)
                (void)PQputCopyEnd(conn, "abandoned by the client");
            else if (status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH)
                copying_out_ = true;
            continue;
        }
        if (PQstatus(conn) == CONNECTION_BAD)
            return io::none;
        if (PQpipelineStatus(conn) != PQ_PIPELINE_OFF && !PQexitPipelineMode(conn))
            continue;
        if (PQtransactionStatus(conn) != PQTRANS_ACTIVE)
            return io::none;
    }
}

TYPQ_DECL bool drain_op::drained() const noexcept
{
    PGconn* conn = session_.native();
    return conn && PQstatus(conn) == CONNECTION_OK && PQpipelineStatus(conn) == PQ_PIPELINE_OFF
        && PQtransactionStatus(conn) != PQTRANS_ACTIVE;
}

TYPQ_DECL bool drain(session& s) noexcept
{
    PGconn* conn = s.native();
    if (!conn)
        return true;
    std::string why = "a statement abandoned half way could not be ended";
    try {
        const long long deadline = monotonic_ms() + drain_timeout_ms;
        (void)s.cancel();
        drain_op op(s);
        io ready = io::none;
        for (io wanted = op.step(ready); wanted != io::none; wanted = op.step(ready)) {
            ready = wait_socket(conn, wanted, deadline);
            if (ready == io::none) {
                why += " within " + std::to_string(drain_timeout_ms / 1000) + " s";
                break;
            }
        }
        if (op.drained())
            return true;
    }
    catch (const std::exception& e) {
        why += std::string(": ") + e.what();
    }
    catch (...) {  // NOLINT(bugprone-empty-catch): closing the connection below is the answer
    }
    s.mark_broken(why);
    return false;
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_SESSION_HPP
// ----- end <typq/engine/session.hpp> -----

#include <libpq-fe.h>

#include <string>       // messages
#include <string_view>  // command tags

namespace typq::engine {

/// Collects one command's results. step() until io::none, then take() (or take_any()).
class collect {
public:
    /// Reads what it can; io::none once the command's results have all arrived.
    TYPQ_DECL io step(PGconn* conn, io ready);

    /// Takes a result of the command that the caller read itself, as step() would have (a COPY
    /// it started is then ended by the next step()).
    TYPQ_DECL void adopt(result_handle next);

    /// The result that matters: the first error, else the last result (PQexec keeps the last
    /// even after an error, but when the server ends a session the last is libpq's own "server
    /// closed the connection", and the server's reason would be lost).
    /// @throws typq::server_error (its SQLSTATE's class) for an error, typq::connection_error for
    ///         a lost connection, typq::usage_error for a COPY the command started.
    TYPQ_DECL result_handle take(PGconn* conn);

    /// The result that matters, unchecked (an error result is returned, not thrown).
    [[nodiscard]] result_handle take_unchecked() noexcept { return static_cast<result_handle&&>(kept_); }

    /// True when a statement of the command dropped every prepared statement of the session
    /// (DISCARD ALL, DEALLOCATE ALL).
    [[nodiscard]] bool discarded_statements() const noexcept { return discarded_; }

    /// What a COPY the command started became (reported by take()).
    enum class copy : unsigned char { none, in_ended, out_discarded, both_refused };

private:
    TYPQ_DECL io end_copy(PGconn* conn, io ready);

    result_handle kept_;
    copy copy_ = copy::none;
    bool in_copy_ = false;
    bool discarded_ = false;
};

/// One command of an operation's stage: sent at the first step, then its results collected.
class exchange {
public:
    /// Sends with `send` (which makes a PQsend* call and returns its result) the first time;
    /// io::none once the command's results are all in (`ready` is then spent: set to io::none),
    /// and the next step() sends again.
    template <class Send>
    io step(session& s, io& ready, Send&& send)
    {
        if (!sent_) {
            s.sent(send());
            sent_ = true;
            results_ = collect();
        }
        const io wanted = results_.step(s.native(), ready);
        if (wanted == io::none) {
            ready = io::none;
            sent_ = false;
        }
        return wanted;
    }

    [[nodiscard]] collect& results() noexcept { return results_; }

private:
    collect results_;
    bool sent_ = false;
};

#if TYPQ_DEFINITIONS

TYPQ_DECL io collect::step(PGconn* conn, io ready)
{
    for (;;) {
        if (in_copy_) {
            if (const io wanted = end_copy(conn, ready); wanted != io::none)
                return wanted;
            ready = io::none;
        }
        result_handle next;
        if (const io wanted = next_result(conn, ready, next); wanted != io::none)
            return wanted;
        ready = io::none;
        if (!next)
            return io::none;
        adopt(static_cast<result_handle&&>(next));
    }
}

TYPQ_DECL void collect::adopt(result_handle next)
{
    switch (PQresultStatus(next.get())) {
    case PGRES_COPY_IN:
        copy_ = copy::in_ended;
        in_copy_ = true;
        return;
    case PGRES_COPY_OUT:
        copy_ = copy::out_discarded;
        in_copy_ = true;
        return;
    case PGRES_COPY_BOTH:
        copy_ = copy::both_refused;
        in_copy_ = true;
        return;
    case PGRES_COMMAND_OK:
        if (const char* tag = PQcmdStatus(next.get()); tag[0] == 'D')
            discarded_ = discarded_ || std::string_view(tag) == "DISCARD ALL" || std::string_view(tag) == "DEALLOCATE ALL";
        break;
    default:
        break;
    }
    if (!kept_ || !is_error_result(kept_.get()))
        kept_ = static_cast<result_handle&&>(next);
}

// Ends a COPY nobody asked for. COPY FROM STDIN is refused with an error (nothing is copied);
// the rows of COPY TO STDOUT are read and dropped.
TYPQ_DECL io collect::end_copy(PGconn* conn, io ready)
{
    consume_input(conn, ready);
    if (copy_ == copy::in_ended) {
        const int sent = PQputCopyEnd(conn, "typq: COPY FROM STDIN cannot run through execute() or query()");
        if (sent == 0)
            return io::write;
        in_copy_ = false;
        return io::none;  // the error it causes comes as the command's next result
    }
    for (char* row = nullptr;;) {
        const int got = PQgetCopyData(conn, &row, 1);
        if (got > 0) {
            PQfreemem(row);
            continue;
        }
        if (got == 0)
            return io::read;
        in_copy_ = false;  // -1: done; -2: failed, and the next result says why
        return io::none;
    }
}

TYPQ_DECL result_handle collect::take(PGconn* conn)
{
    if (copy_ == copy::none || PQstatus(conn) == CONNECTION_BAD)
        return check_result(conn, static_cast<result_handle&&>(kept_));
    if (copy_ == copy::in_ended)
        throw usage_error("a COPY ... FROM STDIN cannot run through execute() or query(): typq ended it with an "
                          "error, so nothing was copied (a transaction it ran in is now aborted, and the statements "
                          "after it in the same script did not run)");
    std::string message = "a COPY ... TO STDOUT cannot run through execute() or query(): typq read its rows and "
                          "dropped them (the statements after it in the same script did run";
    if (kept_ && is_error_result(kept_.get()))
        message += std::string(", and one failed: ") + PQresultErrorMessage(kept_.get());
    throw usage_error(message + ")");
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_COLLECT_HPP
// ----- end <typq/engine/collect.hpp> -----

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
// ----- end <typq/engine/catalog.hpp> -----

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
// ----- end <typq/engine/statement.hpp> -----

#include <memory>  // std::shared_ptr
#include <string>  // the statement's text

namespace typq {

class connection;
namespace engine {
struct front;
}

/// A statement prepared on the server by `conn.prepare<Args...>(sql)`: the server has parsed it
/// and described its result once, and runs it with `Args` (converted from the arguments given)
/// without parsing or planning it again. Pass it in place of the SQL to execute, query,
/// query_one, query_opt and query_value of the connection that prepared it. A row type is
/// checked against the statement's columns on its first use with that row type, then never again.
///
/// Copies share the one server statement; it is deallocated when the last copy (and the last
/// result read through it) is gone. When DDL changes the statement's result columns, the
/// statement is prepared again: outside a transaction block the run that found out is retried
/// once, inside one its error (the server's) reaches the caller.
///
/// @par Example
/// ```
/// auto by_id = conn.prepare<std::int64_t>("SELECT id, name FROM users WHERE id = $1");
/// user u = conn.query_one<user>(by_id, 42);
/// ```
template <class... Args>
class prepared {
public:
    /// The statement as the server has it (named placeholders rewritten as $N).
    [[nodiscard]] const std::string& text() const noexcept { return slot_->text; }
    /// The name the server knows it by, or empty while it is not prepared (after invalidation).
    [[nodiscard]] std::string name() const { return slot_->statement ? slot_->statement->name : std::string(); }

private:
    friend class connection;
    friend struct engine::front;
    prepared(const basic_sql<Args...>& statement, std::shared_ptr<engine::prepared_slot> slot)
        : statement_(statement), slot_(std::move(slot))
    {
    }

    // The checked statement, for its named parameters' fields; its text is not read again (it
    // may have pointed into a typq::runtime string that is gone): slot_ has the text.
    basic_sql<Args...> statement_;
    std::shared_ptr<engine::prepared_slot> slot_;
};

}  // namespace typq

#endif  // TYPQ_PREPARED_HPP
// ----- end <typq/prepared.hpp> -----
// ----- begin <typq/stream.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/stream.hpp: typq::stream<Row>, the rows of one statement read one at a time as they
// arrive, in constant memory (conn.stream<Row>(sql, args...)).

#ifndef TYPQ_STREAM_HPP
#define TYPQ_STREAM_HPP

// ----- begin <typq/detail/pull_iterator.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/detail/pull_iterator.hpp: the iterator of every range whose values are read from the server
// as the iteration reaches them (a stream, a cursor, a COPY reader): an input iterator that asks
// its range for the current value, to move on, and whether it has ended.

#ifndef TYPQ_DETAIL_PULL_ITERATOR_HPP
#define TYPQ_DETAIL_PULL_ITERATOR_HPP

#include <cstddef>      // std::ptrdiff_t
#include <iterator>     // std::default_sentinel_t, std::input_iterator_tag
#include <memory>       // std::addressof
#include <type_traits>  // std::is_reference_v

namespace typq::detail {

/// An input iterator over `Range`, which has (accessible to this class) `current()` returning
/// `Reference`, `advance()`, and `exhausted()`. Ends at std::default_sentinel.
template <class Range, class Value, class Reference = const Value&>
class pull_iterator {
public:
    using iterator_concept = std::input_iterator_tag;
    using iterator_category = std::input_iterator_tag;
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using reference = Reference;

    pull_iterator() = default;
    explicit pull_iterator(Range* range) noexcept : range_(range) {}

    [[nodiscard]] reference operator*() const noexcept { return range_->current(); }
    [[nodiscard]] const Value* operator->() const noexcept
        requires std::is_reference_v<Reference>
    {
        return std::addressof(range_->current());
    }
    /// Reads the next value. @throws what reading it throws (the statement's error, a
    ///         conversion_error for a value).
    pull_iterator& operator++()
    {
        range_->advance();
        return *this;
    }
    void operator++(int) { ++*this; }
    [[nodiscard]] friend bool operator==(const pull_iterator& it, std::default_sentinel_t) noexcept { return it.at_end(); }

private:
    // A member, so that the range's friendship with this class covers it.
    [[nodiscard]] bool at_end() const noexcept { return !range_ || range_->exhausted(); }

    Range* range_ = nullptr;
};

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_PULL_ITERATOR_HPP
// ----- end <typq/detail/pull_iterator.hpp> -----
// ----- begin <typq/engine/query.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/query.hpp: what the typed front ends (typq::connection, and later the asynchronous
// connection) give the one statement path: a binder made from a checked statement and its
// arguments, a planner made for a row type, and the rules that turn a statement's result into
// what query_one, query_opt and query_value return. Templates stay this thin; the rest is
// statement_op's.

#ifndef TYPQ_ENGINE_QUERY_HPP
#define TYPQ_ENGINE_QUERY_HPP


#include <libpq-fe.h>

#include <cstddef>   // std::size_t
#include <memory>    // std::make_shared
#include <optional>  // query_opt
#include <utility>   // std::index_sequence

namespace typq::engine {

/// Whether binding values of these types may ask for types the server defines (an enum, a
/// composite, hstore, an array of one: their adapters declare lookup_oid, and are the only ones
/// that consult the server's types while encoding). When none may, binding is one pass.
template <class... Args>
consteval bool binds_server_types()
{
    if constexpr (detail::binds_by_name<Args...>) {
        using traits = detail::row_traits<Args...>;
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (looked_up<std::remove_cv_t<typename traits::template field_type<I>>> || ...);
        }(std::make_index_sequence<traits::size>{});
    }
    else
        return (looked_up<Args> || ...);
}

/// A callable that binds a statement's parameters, and whether it may need server types.
template <class F>
struct bound_arguments {
    F bind;
    bool needs_types;
    void operator()(bind_buffer& out, const server_types& types) const { bind(out, types); }
};

/// A binder that calls `bind` (a callable taking bind_buffer& and const server_types&, or a
/// bound_arguments), which must outlive it.
template <class Bind>
binder make_binder(const Bind& bind) noexcept
{
    bool needs_types = true;
    if constexpr (requires { bind.needs_types; })
        needs_types = bind.needs_types;
    return {&bind,
        [](const void* context, bind_buffer& out, const server_types& types) { (*static_cast<const Bind*>(context))(out, types); },
        needs_types};
}

/// Whether binding `args` may ask for types the server defines: known at compile time, except
/// for a typq::params, whose values say.
template <class... Args>
bool arguments_need_types(const Args&... args)
{
    if constexpr (basic_sql<std::remove_cvref_t<Args>...>::counted_at_run_time)
        return (args.needs_types(), ...);
    else {
        ((void)args, ...);
        return binds_server_types<std::remove_cvref_t<Args>...>();
    }
}

/// Binds `args` to `statement`: in order for $N, or a struct's fields for :name, or the values
/// of a typq::params (after checking that the statement's placeholders are `$1..$N` for its N
/// values; past the protocol's limit, check_message_sizes reports the count instead).
template <class... Args>
auto bind_arguments(const basic_sql<std::remove_cvref_t<Args>...>& statement, const Args&... args)
{
    auto bind = [&statement, &args...](bind_buffer& out, const server_types& types) {
        if constexpr (basic_sql<std::remove_cvref_t<Args>...>::counted_at_run_time) {
            const auto& values = (args, ...);
            if (values.size() <= max_parameters)
                statement.check_count(values.size());
            values.bind(out, types);
        }
        else if constexpr (basic_sql<std::remove_cvref_t<Args>...>::named) {
            using traits = detail::row_traits<std::remove_cvref_t<Args>...>;
            using row_type = typename traits::value_type;
            const auto& row = (args, ...);
            const std::size_t count = statement.parameter_count();
            out.start(count);
            for (std::size_t k = 0; k < count; ++k) {
                const std::size_t field = statement.parameter_field(k);
                [&]<std::size_t... I>(std::index_sequence<I...>) {
                    ((I == field ? out.set(k, traits::template field<I>(row), types, detail::field_name<row_type, I>)
                                 : void()),
                        ...);
                }(std::make_index_sequence<traits::size>{});
            }
        }
        else {
            (void)statement;  // positional: the statement says nothing more than the arguments do
            out.start(sizeof...(Args));
            std::size_t k = 0;
            (out.set(k++, args, types), ...);
        }
    };
    return bound_arguments<decltype(bind)>{bind, arguments_need_types(args...)};
}

/// Binds NULLs of the types a statement's parameters have (see bind_arguments).
template <class... Args>
auto bind_types(const basic_sql<Args...>& statement)
{
    return [&statement](bind_buffer& out, const server_types& types) {
        if constexpr (basic_sql<Args...>::named) {
            using traits = detail::row_traits<Args...>;
            const std::size_t count = statement.parameter_count();
            out.start(count);
            for (std::size_t k = 0; k < count; ++k) {
                const std::size_t field = statement.parameter_field(k);
                [&]<std::size_t... I>(std::index_sequence<I...>) {
                    ((I == field ? out.set_null<std::remove_cv_t<typename traits::template field_type<I>>>(k, types,
                                       detail::field_name<Args..., I>)
                                 : void()),
                        ...);
                }(std::make_index_sequence<traits::size>{});
            }
        }
        else {
            (void)statement;
            out.start(sizeof...(Args));
            std::size_t k = 0;
            (out.set_null<Args>(k++, types), ...);
        }
    };
}

/// Refuses a COPY ... FROM STDIN or TO STDOUT outside COPY's own API, before anything is sent.
[[noreturn]] TYPQ_DECL void throw_copy_refused();

#if TYPQ_DEFINITIONS
[[noreturn]] TYPQ_DECL void throw_copy_refused()
{
    throw usage_error("a COPY ... FROM STDIN or TO STDOUT statement needs COPY's own protocol and cannot run through "
                      "execute(), query(), stream(), a cursor or a pipeline: nothing was sent (use conn.copy_in() or "
                      "conn.copy_out())");
}
#endif  // TYPQ_DEFINITIONS

/// The request for `statement`: its text as sent (a named statement is rewritten with $N into
/// the session's buffer, which the caller's lease keeps to itself) and its binder.
template <class... Args>
statement_request make_request(session& s, const basic_sql<Args...>& statement, const binder& bind, format results)
{
    if (statement.copies_through_client())
        throw_copy_refused();
    statement_request request;
    if constexpr (basic_sql<Args...>::named) {
        s.text.clear();
        statement.write_positional(s.text, s.standard_strings());
        request.text = s.text.c_str();
        request.size = s.text.size();
    }
    else {
        request.text = statement.c_str();
        request.size = statement.text().size();
    }
    request.text_hash = statement.hash();
    request.source = statement.is_literal() ? statement.c_str() : nullptr;
    request.results = results;
    request.bind = bind;
    return request;
}

// An address unique to each row type and result format: the key of its plans in a prepared
// statement.
template <class Row, format Results>
inline constexpr char plan_key = 0;

/// Where a statement's column plan for `Row` is made.
template <class Row>
struct row_plan {
    column_plan<Row> plan;

    template <format Results>
    planner make_planner() noexcept
    {
        planner p;
        p.key = &plan_key<Row, Results>;
        p.plan = &plan;
        p.make = [](void* out, const PGresult* source, const plan_source& how, const server_types& types) {
            *static_cast<column_plan<Row>*>(out) = plan_columns<Row>(source, how, types);
        };
        p.share = [](const void* made) -> std::shared_ptr<const void> {
            return std::make_shared<const column_plan<Row>>(*static_cast<const column_plan<Row>*>(made));
        };
        p.assign = [](void* out, const void* shared) {
            *static_cast<column_plan<Row>*>(out) = *static_cast<const column_plan<Row>*>(shared);
        };
        return p;
    }
};

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_QUERY_HPP
// ----- end <typq/engine/query.hpp> -----
// ----- begin <typq/engine/stream.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/stream.hpp: a statement whose rows arrive one at a time (libpq's single-row mode),
// in constant memory. It is described and planned before it runs (as the unnamed prepared
// statement, so that types the server defines can still be looked up), then its text is run; each step that
// ends with a row leaves it for the caller. Inside a transaction block it runs under a savepoint,
// so that a stream abandoned half way can be undone without aborting the transaction.

#ifndef TYPQ_ENGINE_STREAM_HPP
#define TYPQ_ENGINE_STREAM_HPP

// ----- begin <typq/engine/savepoint.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/savepoint.hpp: the savepoint an operation that can be abandoned half way runs under
// inside a transaction block (a stream, a COPY): abandoning it then undoes what it did without
// aborting the program's transaction. Outside a transaction block none is made: the statement is
// its own transaction there.

#ifndef TYPQ_ENGINE_SAVEPOINT_HPP
#define TYPQ_ENGINE_SAVEPOINT_HPP


#include <libpq-fe.h>

namespace typq::engine {

/// The three commands of one savepoint's life.
struct savepoint_commands {
    const char* make;
    const char* release;
    const char* roll_back;  // rolls back to it and releases it
};

inline constexpr savepoint_commands stream_savepoint{"SAVEPOINT typq_stream", "RELEASE SAVEPOINT typq_stream",
    "ROLLBACK TO SAVEPOINT typq_stream; RELEASE SAVEPOINT typq_stream"};
inline constexpr savepoint_commands copy_savepoint{"SAVEPOINT typq_copy", "RELEASE SAVEPOINT typq_copy",
    "ROLLBACK TO SAVEPOINT typq_copy; RELEASE SAVEPOINT typq_copy"};

/// An operation's savepoint, as steps: each returns io::none when its command is done (`ready` is
/// then spent), else what to wait for. release() and roll_back() do nothing when none was made.
class savepoint_step {
public:
    explicit constexpr savepoint_step(const savepoint_commands& commands) noexcept : commands_(&commands) {}

    /// Makes the savepoint when the session is inside a transaction block.
    /// @throws the server's error for the command (the session is then in an aborted block).
    io make(session& s, io& ready)
    {
        if (!active_) {
            if (PQtransactionStatus(s.native()) != PQTRANS_INTRANS)
                return io::none;
            active_ = true;
        }
        return run(s, ready, commands_->make);
    }

    io release(session& s, io& ready) { return active_ ? run(s, ready, commands_->release) : io::none; }
    io roll_back(session& s, io& ready) { return active_ ? run(s, ready, commands_->roll_back) : io::none; }

    /// A savepoint was made (the operation runs inside a transaction block).
    [[nodiscard]] bool active() const noexcept { return active_; }

private:
    io run(session& s, io& ready, const char* command)
    {
        const io wanted = command_.step(s, ready, [&] { return PQsendQuery(s.native(), command); });
        if (wanted == io::none) {
            if (command != commands_->make)
                active_ = false;  // released or rolled back: gone, whatever the result says
            (void)command_.results().take(s.native());
        }
        return wanted;
    }

    const savepoint_commands* commands_;
    exchange command_;
    bool active_ = false;
};

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_SAVEPOINT_HPP
// ----- end <typq/engine/savepoint.hpp> -----

#include <libpq-fe.h>

#include <optional>  // the describing statement
#include <utility>   // std::move

namespace typq::engine {

/// One statement's rows, one at a time. step() until io::none: then row() is the next row, or
/// null once the statement has ended. abandon() turns what is left into cancelling it.
class stream_op {
public:
    /// `request` says what to run (text, binder, planner); its binder and text are used only
    /// until the first step that returns io::none.
    TYPQ_DECL stream_op(session& s, statement_request request);

    TYPQ_DECL io step(io ready);

    /// The row the last step ended with (a PGRES_SINGLE_TUPLE result), or null at the end.
    [[nodiscard]] const PGresult* row() const noexcept { return row_.get(); }
    [[nodiscard]] bool finished() const noexcept { return stage_ == stage::done; }

    /// From here on, step() ends the statement early: it is cancelled and its rows dropped, and
    /// inside a transaction block what it did is rolled back to its savepoint. `send_cancel`
    /// false: the caller sends the cancel request (an asynchronous driver, off its thread, since
    /// PQcancel blocks).
    TYPQ_DECL void abandon(bool send_cancel = true) noexcept;

private:
    enum class stage : unsigned char { savepoint, describe, send, rows, release, abandoned, roll_back, done };

    session& session_;
    statement_request request_;
    prepared_slot unnamed_;             // the statement, described as the unnamed prepared statement
    std::optional<statement_op> describe_;
    savepoint_step savepoint_{stream_savepoint};
    result_handle row_;
    result_handle error_;                // an error result, thrown once the command's results end
    stage stage_ = stage::savepoint;
};

#if TYPQ_DEFINITIONS

TYPQ_DECL stream_op::stream_op(session& s, statement_request request) : session_(s), request_(std::move(request))
{
    unnamed_.text.assign(request_.text, request_.size);
}

TYPQ_DECL io stream_op::step(io ready)
{
    PGconn* conn = session_.native();
    if (!conn && stage_ != stage::done) {
        // Closed under it (conn.close(), a pool that took its connection back): libpq would
        // report no more results, which would read as the end.
        stage_ = stage::done;
        throw connection_error("the connection was closed while a stream on it was still open", true);
    }
    for (;;) {
        switch (stage_) {
        case stage::savepoint:
            if (const io wanted = savepoint_.make(session_, ready); wanted != io::none)
                return wanted;
            stage_ = stage::describe;
            continue;

        case stage::describe: {
            if (!describe_) {
                statement_request describing = request_;
                describing.prepared = &unnamed_;
                describing.prepare_only = true;
                describing.unnamed = true;
                describe_.emplace(session_, describing);
            }
            if (const io wanted = describe_->step(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            describe_.reset();
            stage_ = stage::send;
            continue;
        }

        case stage::send: {
            // The parameters the describing statement bound are still in the session's buffer. The
            // text goes again (Parse, Bind, Execute in one exchange), not a Bind of the unnamed
            // statement just described: catalog queries may have replaced it since, and behind a
            // pooler in transaction mode this exchange may reach another server connection, whose
            // unnamed statement is another client's.
            bind_buffer& p = session_.params;
            const int format = static_cast<int>(request_.results);
            session_.sent(PQsendQueryParams(conn, unnamed_.text.c_str(), p.count(), p.types(), p.values(), p.lengths(),
                p.formats(), format));
            if (!PQsetSingleRowMode(conn))
                throw_libpq_failure(conn);
            stage_ = stage::rows;
            continue;
        }

        case stage::rows: {
            row_.reset();
            result_handle next;
            if (const io wanted = next_result(conn, ready, next); wanted != io::none)
                return wanted;
            ready = io::none;
            if (next && PQresultStatus(next.get()) == PGRES_SINGLE_TUPLE && !error_) {
                row_ = std::move(next);
                return io::none;
            }
            if (next) {
                if (is_error_result(next.get()) && !error_)
                    error_ = std::move(next);
                else if (PQresultStatus(next.get()) == PGRES_COPY_IN || PQresultStatus(next.get()) == PGRES_COPY_OUT)
                    throw usage_error("a COPY statement cannot run through stream()");  // refused by the server in single-row mode; defensive
                continue;  // the end of the rows (PGRES_TUPLES_OK, or a command's status): its null follows
            }
            if (error_) {
                stage_ = stage::done;
                (void)check_result(conn, std::move(error_));  // throws
            }
            stage_ = stage::release;
            continue;
        }

        case stage::release:
            if (const io wanted = savepoint_.release(session_, ready); wanted != io::none)
                return wanted;
            stage_ = stage::done;
            continue;

        case stage::abandoned: {
            // The statement was cancelled (or had ended): drop what is left of it, then undo it.
            result_handle next;
            if (const io wanted = next_result(conn, ready, next); wanted != io::none)
                return wanted;
            ready = io::none;
            if (!next)
                stage_ = stage::roll_back;
            continue;
        }

        case stage::roll_back:
            if (const io wanted = savepoint_.roll_back(session_, ready); wanted != io::none)
                return wanted;
            stage_ = stage::done;
            continue;

        case stage::done:
            row_.reset();
            return io::none;
        }
    }
}

TYPQ_DECL void stream_op::abandon(bool send_cancel) noexcept
{
    row_.reset();
    if (stage_ == stage::rows) {
        try {
            if (send_cancel)
                (void)session_.cancel();
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the statement then runs to its end, and is dropped
        }
        stage_ = stage::abandoned;
    }
    else if (stage_ != stage::done && stage_ != stage::release)
        stage_ = stage::done;  // nothing of it runs yet, or it is being released: let that end
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_STREAM_HPP
// ----- end <typq/engine/stream.hpp> -----

#include <iterator>  // std::default_sentinel_t
#include <memory>    // std::unique_ptr, std::shared_ptr
#include <optional>  // the operation, made once the request is known
#include <utility>   // std::move

namespace typq {

class connection;

/// The rows of one statement as an input range, read from the server one at a time (libpq's
/// single-row mode) and decoded into `Row` as the iteration reaches them: memory stays constant
/// however many rows there are. Made by `conn.stream<Row>(sql, args...)`.
///
/// The statement is described and its columns checked against `Row` before it runs. Until the
/// stream is read to its end (or destroyed) the connection is busy: other calls on it throw
/// typq::usage_error. A server
/// error after some rows (a division by zero at row 100,001) is thrown from the iteration, after
/// the rows before it. Destroying the stream before its end cancels the statement and drops its
/// remaining rows; inside a transaction block the statement ran under a savepoint, which is
/// rolled back, so the transaction goes on. Outside one, a statement that had already finished
/// when it was cancelled stays done. An exception thrown by the connection's notice handler
/// (conn.on_notice) while the rows arrive is thrown from the iteration that reaches the end.
///
/// @par Example
/// ```
/// for (const user& u : conn.stream<user>("SELECT id, name FROM users WHERE id > $1", 0))
///     std::cout << u.name << '\n';
/// ```
/// @par Lifetime  `*it` is valid until the iteration moves on.
template <class Row>
class stream {
    using traits = detail::row_traits<Row>;

public:
    /// What a row is: `Row` itself, or T for `typq::by_position<T>` (as typq::result's).
    using value_type = typename traits::value_type;

    /// Reading the next row throws the statement's error, when it fails after the rows so far.
    using iterator = detail::pull_iterator<stream, value_type>;

    /// Takes over `other`'s statement; `other` is left empty.
    stream(stream&&) noexcept = default;
    stream& operator=(stream&&) = delete;
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;

    /// Cancels the statement when its rows have not all been read (see the class comment).
    ~stream()
    {
        if (!state_ || !state_->op || state_->op->finished())
            return;
        state_->op->abandon();
        try {
            engine::run(state_->session->native(), *state_->op);
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the lease, released next, drains or closes the connection
        }
    }

    /// Where the rows start: the first row is already read. Calling it again continues where
    /// the iteration is.
    [[nodiscard]] iterator begin() noexcept { return iterator(this); }
    /// The end: an iterator equals it once the statement has no more rows.
    [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }

private:
    friend class connection;
    friend iterator;

    [[nodiscard]] const value_type& current() const noexcept { return current_; }
    [[nodiscard]] bool exhausted() const noexcept { return !has_row_ || !state_; }  // a moved-from range is empty

    // What a stream holds, at a fixed address: its operation points into it.
    struct state {
        explicit state(std::shared_ptr<engine::session> s) : session(std::move(s))
        {
            hold.emplace(*session, "a typq::stream");
        }
        std::shared_ptr<engine::session> session;
        std::optional<engine::lease> hold;  // until the statement has ended
        engine::row_plan<Row> plan;
        std::optional<engine::stream_op> op;
        std::shared_ptr<const type_registry> registry;  // what the plan knew, for decoding
    };

    explicit stream(std::shared_ptr<engine::session> session)
        : state_(std::make_unique<state>(std::move(session)))
    {
    }

    // Starts `request` (whose binder is used only here) and reads the first row.
    void start(engine::statement_request request)
    {
        request.plan = state_->plan.template make_planner<format::binary>();
        state_->op.emplace(*state_->session, std::move(request));
        advance();
    }

    void advance()
    {
        has_row_ = false;
        try {
            engine::run(state_->session->native(), *state_->op);
        }
        catch (...) {
            if (state_->op->finished())  // failed after its last row: the connection is free again
                state_->hold.reset();
            throw;
        }
        if (!state_->op->row()) {
            state_->hold.reset();  // the statement has ended: the connection is free again
            state_->session->rethrow_notice_failure();
            return;
        }
        if (!state_->registry)  // what the plan knew: planning is over once a row arrives
            state_->registry = state_->session->registry;
        const server_types types(state_->registry.get());
        current_ = engine::decode_row<Row>(state_->op->row(), 0, state_->plan.plan, &types);
        has_row_ = true;
    }

    std::unique_ptr<state> state_;
    value_type current_{};
    bool has_row_ = false;
};

}  // namespace typq

#endif  // TYPQ_STREAM_HPP
// ----- end <typq/stream.hpp> -----
// ----- begin <typq/cursor.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/cursor.hpp: typq::cursor<Row>, a named server-side cursor (DECLARE ... CURSOR): the server
// keeps the statement's rows, and the program fetches them in batches, scrolls and moves.

#ifndef TYPQ_CURSOR_HPP
#define TYPQ_CURSOR_HPP

// ----- begin <typq/engine/sync.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/sync.hpp: how the synchronous connection (and what works through it: transactions,
// cursors) runs a statement: one statement_op, driven to its end with poll().

#ifndef TYPQ_ENGINE_SYNC_HPP
#define TYPQ_ENGINE_SYNC_HPP


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
// ----- end <typq/engine/sync.hpp> -----

#include <libpq-fe.h>

#include <cstddef>      // std::size_t, std::ptrdiff_t
#include <cstdint>      // std::int64_t
#include <iterator>     // std::default_sentinel_t
#include <memory>       // std::shared_ptr
#include <optional>     // fetch_one
#include <string>       // the cursor's name and statements
#include <utility>      // std::move
#include <vector>       // fetched rows

namespace typq {

class connection;

/// How a cursor is declared (psycopg's ServerCursor arguments).
struct cursor_options {
    /// SCROLL (true: it can move backwards), NO SCROLL (false), or the server's default (unset:
    /// backwards only when the plan allows it cheaply).
    std::optional<bool> scrollable = std::nullopt;
    /// WITH HOLD: the cursor outlives the transaction that declared it (the server then keeps its
    /// rows) and is usable outside a transaction block; without it, it needs an open one.
    bool with_hold = false;
    /// How many rows iterating the cursor fetches at a time.
    std::size_t itersize = 100;
};

/// Where scroll() counts from: the current position, or the start (row 1 is the first row).
enum class scroll_mode { relative, absolute };

namespace detail {
// What typq::cursor and typq::async_cursor share: the statements they send, and how a fetched
// result becomes rows. They differ only in how a statement runs.

// DECLARE `name` ... CURSOR ... FOR the statement of `request` (whose text it replaces; keep the
// returned string while the request runs).
// @throws typq::usage_error without with_hold outside a transaction block.
inline std::string declare_cursor(PGconn* conn, const std::string& name, const cursor_options& options,
    engine::statement_request& request)
{
    if (!options.with_hold && PQtransactionStatus(conn) != PQTRANS_INTRANS)
        throw usage_error("a cursor without with_hold lives in a transaction block: open a typq::transaction "
                          "first, or declare it with {.with_hold = true}");
    std::string text = "DECLARE " + name;
    if (options.scrollable)
        text += *options.scrollable ? " SCROLL" : " NO SCROLL";
    text += " CURSOR";
    if (options.with_hold)
        text += " WITH HOLD";
    text += " FOR ";
    text.append(request.text, request.size);
    request.text = text.c_str();
    request.size = text.size();
    request.never_prepare = true;
    return text;
}

inline std::string fetch_forward(const std::string& name, std::size_t count)
{
    return "FETCH FORWARD " + std::to_string(count) + " FROM " + name;
}
inline std::string fetch_next(const std::string& name) { return "FETCH NEXT FROM " + name; }
inline std::string fetch_all(const std::string& name) { return "FETCH ALL FROM " + name; }
inline std::string scroll_cursor(const std::string& name, std::int64_t value, scroll_mode mode)
{
    return "MOVE " + std::string(mode == scroll_mode::relative ? "RELATIVE " : "ABSOLUTE ") + std::to_string(value)
        + " FROM " + name;
}
inline std::string move_cursor(const std::string& name, std::int64_t count)
{
    return (count < 0 ? "MOVE BACKWARD " + std::to_string(-count) : "MOVE FORWARD " + std::to_string(count)) + " FROM "
        + name;
}

// Closing: inside a transaction block the cursor may be gone with an earlier transaction, so its
// CLOSE must not be able to abort this one (a savepoint around it, rolled back when it fails).
inline std::string close_in_transaction(const std::string& name)
{
    return "SAVEPOINT typq_cursor; CLOSE " + name + "; RELEASE SAVEPOINT typq_cursor";
}
inline constexpr char close_failed[] = "ROLLBACK TO SAVEPOINT typq_cursor; RELEASE SAVEPOINT typq_cursor";

// The rows of a cursor's fetches: planned by the first one (checked against Row), whose result
// the plan's column names point into, and decoded by that plan afterwards.
template <class Row>
class cursor_rows {
public:
    using value_type = typename row_traits<Row>::value_type;

    // The request for a FETCH (keep `statement` while it runs).
    engine::statement_request request(const std::string& statement)
    {
        engine::statement_request r;
        r.text = statement.c_str();
        r.size = statement.size();
        r.never_prepare = true;
        if (!planned_)
            r.plan = plan_.template make_planner<format::binary>();
        return r;
    }

    // The rows of a FETCH that ran (`s`: its session, for the types the plan knew).
    std::vector<value_type> take(engine::ran&& done, const engine::session& s)
    {
        const PGresult* rows = done.result.get();
        if (!planned_) {
            // The plan's column names point into the first fetch's result: keep it.
            description_ = std::shared_ptr<const PGresult>(done.result.release(), [](const PGresult* r) {
                PQclear(const_cast<PGresult*>(r));
            });
            registry_ = s.registry;
            planned_ = true;
        }
        const server_types types(registry_.get());
        std::vector<value_type> out;
        out.reserve(static_cast<std::size_t>(PQntuples(rows)));
        for (int row = 0; row < PQntuples(rows); ++row)
            out.push_back(engine::decode_row<Row>(rows, row, plan_.plan, &types));
        return out;
    }

private:
    engine::row_plan<Row> plan_;
    std::shared_ptr<const PGresult> description_;  // the first fetch's result, which plan_ names point into
    std::shared_ptr<const type_registry> registry_;
    bool planned_ = false;
};
}  // namespace detail

/// A named cursor on the server, made by `conn.cursor<Row>(sql, args...)`: the statement runs on
/// the server, which keeps its rows; fetch() reads them in batches, and the connection is free
/// for other statements in between. The first fetch checks the columns against `Row`; later
/// ones are decoded by the same plan. Iterating it fetches `itersize` rows at a time.
///
/// Without `with_hold` the cursor lives in the transaction that declared it (and cannot be
/// declared outside one); with it, until it is closed. close() and the destructor close it on
/// the server (never touching a later transaction if it is already gone).
///
/// @par Example
/// ```
/// typq::transaction tx{conn};
/// auto cur = conn.cursor<user>("SELECT id, name FROM users WHERE id > $1", 0);
/// std::vector<user> first = cur.fetch(100);
/// for (const user& u : cur) ...   // the rest, 100 at a time
/// ```
template <class Row>
class cursor {
    using traits = detail::row_traits<Row>;

public:
    /// What a row is: `Row` itself, or T for `typq::by_position<T>` (as typq::result's).
    using value_type = typename traits::value_type;

    /// An input iterator over the rows left; moving it on fetches `itersize` rows at a time and
    /// throws what fetch() throws.
    using iterator = detail::pull_iterator<cursor, value_type>;

    /// Takes over `other`'s cursor; `other` may then only be destroyed.
    cursor(cursor&& other) noexcept = default;
    cursor& operator=(cursor&&) = delete;
    cursor(const cursor&) = delete;
    cursor& operator=(const cursor&) = delete;
    /// Closes the cursor on the server, as close() does.
    ~cursor() { close(); }

    /// The cursor's name on the server.
    [[nodiscard]] const std::string& name() const noexcept { return name_; }

    /// The next `count` rows (fewer at the end; none after it).
    /// @throws typq::conversion_error on the first fetch when the columns do not fit `Row`.
    [[nodiscard]] std::vector<value_type> fetch(std::size_t count)
    {
        if (count == 0)  // FETCH FORWARD 0 would fetch the current row again
            return {};
        return fetch_rows(detail::fetch_forward(name_, count));
    }

    /// The next row, or std::nullopt at the end.
    [[nodiscard]] std::optional<value_type> fetch_one()
    {
        std::vector<value_type> rows = fetch_rows(detail::fetch_next(name_));
        if (rows.empty())
            return std::nullopt;
        return std::move(rows.front());
    }

    /// Every row left.
    [[nodiscard]] std::vector<value_type> fetch_all() { return fetch_rows(detail::fetch_all(name_)); }

    /// Moves the position without reading rows: by `value` rows (negative: backwards, which
    /// needs `scrollable`), or to row `value` (0: before the first row; negative: from the end).
    void scroll(std::int64_t value, scroll_mode mode = scroll_mode::relative)
    {
        (void)move_rows(detail::scroll_cursor(name_, value, mode));
    }

    /// Skips `count` rows forward (negative: backward) and returns how many there were.
    std::uint64_t move(std::int64_t count)
    {
        if (count == 0)  // MOVE FORWARD 0 would count the current row
            return 0;
        return move_rows(detail::move_cursor(name_, count));
    }

    /// Reads the rest of the rows, `itersize` at a time.
    [[nodiscard]] iterator begin()
    {
        refill();
        return iterator(this);
    }
    /// The end: an iterator equals it once the cursor has no more rows.
    [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }

    /// Closes the cursor on the server. Closing twice, or after the transaction that held it
    /// ended, is harmless. Never throws: a cursor that cannot be closed goes with the session.
    void close() noexcept
    {
        if (!session_ || closed_)
            return;
        closed_ = true;
        try {
            PGconn* conn = session_->native();
            if (!conn || session_->broken())
                return;
            const PGTransactionStatusType status = PQtransactionStatus(conn);
            if (status == PQTRANS_INTRANS) {
                try {
                    run_script(detail::close_in_transaction(name_));
                }
                catch (const server_error&) {
                    run_script(detail::close_failed);
                }
            }
            else if (status == PQTRANS_IDLE && options_.with_hold)
                run_script("CLOSE " + name_);
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the server closes it with the session
        }
    }

private:
    friend class connection;
    friend iterator;

    [[nodiscard]] const value_type& current() const noexcept { return batch_[next_]; }
    [[nodiscard]] bool exhausted() const noexcept { return next_ >= batch_.size(); }
    void advance()
    {
        ++next_;
        refill();
    }

    cursor(std::shared_ptr<engine::session> session, const cursor_options& options)
        : session_(std::move(session)), options_(options), name_("typq_cursor_" + std::to_string(++session_->cursors_named))
    {
    }

    // DECLARE ... FOR the statement of `request`, whose binder is used only here. The caller
    // holds the session's lease.
    void declare(engine::statement_request request)
    {
        const std::string text = detail::declare_cursor(session_->usable(), name_, options_, request);
        (void)engine::run_statement(*session_, std::move(request));
    }

    std::vector<value_type> fetch_rows(const std::string& statement)
    {
        if (closed_)
            throw usage_error("the cursor " + name_ + " is closed");
        (void)session_->usable();
        engine::lease hold(*session_, "a statement");
        return rows_.take(engine::run_statement(*session_, rows_.request(statement)), *session_);
    }

    std::uint64_t move_rows(const std::string& statement)
    {
        if (closed_)
            throw usage_error("the cursor " + name_ + " is closed");
        (void)session_->usable();
        engine::lease hold(*session_, "a statement");
        return detail::affected_rows(engine::run_script(*session_, statement.c_str(), statement.size()).get());
    }

    void run_script(const std::string& statement)
    {
        (void)session_->usable();
        engine::lease hold(*session_, "a statement");
        (void)engine::run_script(*session_, statement.c_str(), statement.size());
    }

    // The next batch, once the current one has been read.
    void refill()
    {
        if (next_ < batch_.size())
            return;
        batch_ = fetch(options_.itersize == 0 ? 1 : options_.itersize);
        next_ = 0;
    }

    std::shared_ptr<engine::session> session_;
    cursor_options options_;
    std::string name_;
    detail::cursor_rows<Row> rows_;
    std::vector<value_type> batch_;  // the rows iteration has fetched
    std::size_t next_ = 0;
    bool closed_ = false;
};

}  // namespace typq

#endif  // TYPQ_CURSOR_HPP
// ----- end <typq/cursor.hpp> -----
// ----- begin <typq/copy.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/copy.hpp: COPY in and out. typq::copy_writer<Row> writes structs into a table with binary
// COPY FROM STDIN, typq::copy_reader<Row> reads them from a query or table with binary COPY TO
// STDOUT; typq::raw_copy_writer and typq::raw_copy_reader move the bytes of any other COPY (csv,
// text). Made by conn.copy_in and conn.copy_out. Each value goes through the same encoders and
// decoders as parameters and results: binary COPY's tuple is a field count, then each field framed
// as writer::put_value frames a value inside an array or composite.

#ifndef TYPQ_COPY_HPP
#define TYPQ_COPY_HPP

// ----- begin <typq/detail/copy_binary.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/detail/copy_binary.hpp: PostgreSQL's binary COPY format (the "Binary Format" section of
// the COPY reference page): a header, then one tuple per row (an int16 field count, then each
// field as an int32 length, -1 for NULL, and its bytes, as the type's send function makes them),
// then an int16 -1. Writing a tuple's fields is writer::put_value's framing; this header has the
// header and trailer, and the reader that splits a stream of bytes from the server back into tuples. Pure: no
// libpq, so that a fuzzer can feed it anything.

#ifndef TYPQ_DETAIL_COPY_BINARY_HPP
#define TYPQ_DETAIL_COPY_BINARY_HPP


#include <cstddef>      // std::size_t
#include <cstdint>      // std::int16_t, std::int32_t
#include <string>       // the buffer of a tuple split across chunks, messages
#include <string_view>  // the signature
#include <vector>       // a tuple's cells

namespace typq::detail {

/// The 11 bytes a binary COPY stream starts with.
inline constexpr std::string_view copy_signature{"PGCOPY\n\xff\r\n\0", 11};

/// The header of a binary COPY stream typq writes: the signature, flags 0 (no OIDs), and a header
/// extension of 0 bytes.
inline constexpr std::string_view copy_header{"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0", 19};

/// The int16 -1 that ends a binary COPY stream's tuples.
inline constexpr std::string_view copy_trailer{"\xff\xff", 2};

/// One field of a tuple: its bytes, or NULL (`length` -1).
struct copy_cell {
    const char* data = nullptr;
    std::int32_t length = -1;
};

/// One tuple's cells as the row decoder reads them (engine::decode_cells).
struct copy_tuple {
    const copy_cell* cells;
    std::size_t row;  // 0-based, for messages
    [[nodiscard]] bool is_null(int column) const noexcept { return cells[column].length < 0; }
    [[nodiscard]] const char* data(int column) const noexcept { return cells[column].data; }
    [[nodiscard]] std::size_t size(int column) const noexcept { return static_cast<std::size_t>(cells[column].length); }
    [[nodiscard]] std::size_t index() const noexcept { return row; }
};

/// Splits a binary COPY stream into tuples, from chunks of any size as they arrive (the server
/// sends one row per CopyData message, but nothing here relies on it). A tuple that lies whole in
/// the chunk fed last is read in place; one split across chunks is first gathered in a buffer.
///
/// feed() a chunk, then next() until it returns false; the cells of the tuple next() read stay
/// valid until the next call of next() or feed(). finish() at the end of the stream.
/// @throws typq::conversion_error for anything that is not a well-formed binary COPY stream
///         of `columns` fields per tuple, saying what and at which byte of the stream.
class copy_binary_reader {
public:
    /// `columns`: the field count every tuple must have.
    explicit copy_binary_reader(std::size_t columns) : cells_(columns) {}

    /// Gives the reader the next `size` bytes of the stream, which must stay valid until next()
    /// has returned false (what it has not read by then, it keeps).
    TYPQ_DECL void feed(const char* data, std::size_t size);

    /// Reads the next whole tuple into cells(): false when the bytes fed so far hold none (or the
    /// stream's end: see ended()).
    TYPQ_DECL bool next();

    /// The fields of the tuple next() read last.
    [[nodiscard]] const copy_cell* cells() const noexcept { return cells_.data(); }
    [[nodiscard]] std::size_t columns() const noexcept { return cells_.size(); }

    /// The tuples read so far.
    [[nodiscard]] std::uint64_t tuples() const noexcept { return tuples_; }

    /// True once the trailer (field count -1) was read.
    [[nodiscard]] bool ended() const noexcept { return stage_ == stage::ended; }

    /// Checks, once the server says the stream is over, that it ended whole: a trailer, and no
    /// byte left over.
    TYPQ_DECL void finish() const;

private:
    enum class stage : unsigned char { header, tuples, ended };

    // Reads what it can from [data, data + size): how many bytes it used, or 0 when the bytes
    // there do not hold the next whole piece (header or tuple).
    TYPQ_DECL std::size_t read(const char* data, std::size_t size);
    [[noreturn]] TYPQ_DECL void malformed(const std::string& what, std::size_t offset) const;

    std::vector<copy_cell> cells_;
    std::string pending_;             // the start of a piece split across chunks
    std::size_t pending_used_ = 0;    // bytes of pending_ already read
    const char* chunk_ = nullptr;     // the chunk fed last, when it is read in place
    std::size_t chunk_size_ = 0;
    std::size_t chunk_used_ = 0;
    std::uint64_t consumed_ = 0;      // bytes of the stream read before the current piece
    std::uint64_t tuples_ = 0;
    stage stage_ = stage::header;
};

#if TYPQ_DEFINITIONS

TYPQ_DECL void copy_binary_reader::feed(const char* data, std::size_t size)
{
    chunk_ = nullptr;
    chunk_size_ = chunk_used_ = 0;
    if (stage_ == stage::ended && size > 0)
        malformed("data after the end of the tuples", consumed_);
    if (pending_used_ == pending_.size()) {
        pending_.clear();
        pending_used_ = 0;
        chunk_ = data;
        chunk_size_ = size;
        return;
    }
    // The start of a piece is waiting for its rest: keep only that start, so that the buffer
    // holds one piece, however long the stream.
    pending_.erase(0, pending_used_);
    pending_used_ = 0;
    pending_.append(data, size);
}

TYPQ_DECL bool copy_binary_reader::next()
{
    for (;;) {
        if (stage_ == stage::ended)
            return false;
        const stage before = stage_;
        std::size_t used = 0;
        if (pending_used_ < pending_.size()) {
            used = read(pending_.data() + pending_used_, pending_.size() - pending_used_);
            if (used == 0)
                return false;
            pending_used_ += used;
            if (pending_used_ == pending_.size() && before != stage::tuples) {
                pending_.clear();
                pending_used_ = 0;
            }
        }
        else {
            if (chunk_used_ == chunk_size_)
                return false;
            used = read(chunk_ + chunk_used_, chunk_size_ - chunk_used_);
            if (used == 0) {
                // The start of a piece whose rest is still to come: kept, for the chunk goes
                // away once next() has returned false.
                pending_.assign(chunk_ + chunk_used_, chunk_size_ - chunk_used_);
                pending_used_ = 0;
                chunk_used_ = chunk_size_;
                return false;
            }
            chunk_used_ += used;
        }
        consumed_ += used;
        if (before == stage::tuples && stage_ == stage::tuples)
            return true;
    }
}

TYPQ_DECL std::size_t copy_binary_reader::read(const char* data, std::size_t size)
{
    if (stage_ == stage::header) {
        if (size < copy_signature.size() + 8)
            return 0;
        if (std::string_view(data, copy_signature.size()) != copy_signature)
            malformed("the stream does not start with the binary COPY signature", 0);
        const auto flags = load_be<std::uint32_t>(data + 11);
        // Bit 16 says each tuple carries an OID; bits 17 to 31 are critical bits a reader must
        // refuse when it does not know them. Bits 0 to 15 may be ignored.
        if ((flags >> 16) != 0)
            malformed("the header's flags are " + std::to_string(flags) + " (tuples with OIDs, or unknown critical "
                    "flags)",
                11);
        const auto extension = load_be<std::int32_t>(data + 15);
        if (extension < 0)
            malformed("the header extension's length is " + std::to_string(extension), 15);
        const std::size_t whole = 19 + static_cast<std::size_t>(extension);
        if (size < whole)
            return 0;
        stage_ = stage::tuples;
        return whole;
    }
    if (size < 2)
        return 0;
    const auto count = load_be<std::int16_t>(data);
    if (count == -1) {
        stage_ = stage::ended;
        return 2;
    }
    if (count < 0 || static_cast<std::size_t>(count) != cells_.size())
        malformed("tuple " + std::to_string(tuples_ + 1) + " has " + std::to_string(count) + " fields, expected "
                + std::to_string(cells_.size()),
            0);
    std::size_t at = 2;
    for (copy_cell& cell : cells_) {
        if (size - at < 4)
            return 0;
        const auto length = load_be<std::int32_t>(data + at);
        if (length < -1)
            malformed("field " + std::to_string(&cell - cells_.data() + 1) + " of tuple " + std::to_string(tuples_ + 1)
                    + " has length " + std::to_string(length),
                at);
        at += 4;
        cell.length = length;
        cell.data = data + at;
        if (length < 0)
            continue;
        if (size - at < static_cast<std::size_t>(length))
            return 0;
        at += static_cast<std::size_t>(length);
    }
    ++tuples_;
    return at;
}

TYPQ_DECL void copy_binary_reader::finish() const
{
    const std::size_t left = (pending_.size() - pending_used_) + (chunk_size_ - chunk_used_);
    if (stage_ != stage::ended)
        malformed(left == 0 ? std::string("the stream ended without its trailer")
                            : "the stream ended in the middle of " + std::string(stage_ == stage::header ? "the header" : "a tuple")
                    + " (" + std::to_string(left) + " bytes left over)",
            0);
    if (left > 0)
        malformed(std::to_string(left) + " bytes after the end of the tuples", 0);
}

[[noreturn]] TYPQ_DECL void copy_binary_reader::malformed(const std::string& what, std::size_t offset) const
{
    throw conversion_error("malformed binary COPY data from the server at byte "
            + std::to_string(consumed_ + offset) + ": " + what,
        conversion_site{});
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_COPY_BINARY_HPP
// ----- end <typq/detail/copy_binary.hpp> -----
// ----- begin <typq/engine/copy.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/copy.hpp: one COPY ... FROM STDIN or TO STDOUT as an operation that never blocks.
// A typed COPY first describes what it reads or writes (a query, or a probe `SELECT cols FROM
// table`) as a statement, so that its columns are planned and server types looked up before the
// COPY starts; then the COPY is sent and its data streamed: bytes the caller hands over are sent
// with bounded memory (each chunk flushed before the next is taken), chunks the server sends are
// handed out one at a time. Inside a transaction block it runs under a savepoint, so that an
// aborted or abandoned COPY leaves the transaction going on; outside one the COPY is its own
// transaction, and an aborted one lands nothing.

#ifndef TYPQ_ENGINE_COPY_HPP
#define TYPQ_ENGINE_COPY_HPP


#include <libpq-fe.h>

#include <cstddef>   // std::size_t
#include <cstdint>   // std::uint64_t
#include <memory>    // the chunk the server sent
#include <optional>  // the describing statement
#include <string>    // the COPY statement, messages
#include <utility>   // std::move

namespace typq::engine {

/// Which way a COPY's data goes.
enum class copy_direction : unsigned char {
    in,   ///< COPY ... FROM STDIN: the client sends
    out,  ///< COPY ... TO STDOUT: the server sends
};

/// What one COPY is.
struct copy_request {
    std::string command;  // the COPY statement, sent as a simple query
    copy_direction direction = copy_direction::in;
    // When not empty, a statement described (and planned, by `plan`) first, as the unnamed
    // statement, and never run: the query a COPY TO STDOUT reads, or a probe `SELECT cols FROM
    // table` that has a COPY FROM STDIN's columns. Described anew for every COPY: a description
    // kept from an earlier one would not see DDL since (a column whose type changed would be
    // written in its old type's binary form), and asking the server whether it is still good
    // costs the same round trip as describing it.
    std::string describe;
    planner plan;
};

/// A chunk of COPY data that libpq allocated.
struct copy_chunk_free {
    void operator()(char* p) const noexcept { PQfreemem(p); }
};

/// One COPY. step() until io::none, then, by what it is doing:
/// - COPY FROM STDIN: accepting() is true: put() a chunk, or end() or abort(), and step again;
/// - COPY TO STDOUT: chunk() is the next chunk the server sent, or null at the end;
/// finished() once it has ended (rows() then says how many rows the server copied).
class copy_op {
public:
    TYPQ_DECL copy_op(session& s, copy_request request);

    TYPQ_DECL io step(io ready);

    /// COPY FROM STDIN: the next steps send `size` bytes at `data`, which must stay valid until a
    /// step returns io::none; that step returns only once they have left the client.
    void put(const char* data, std::size_t size) noexcept
    {
        data_ = data;
        size_ = size;
        stage_ = stage::sending;
    }
    /// COPY FROM STDIN: the next steps end it (the server then says whether all went in).
    void end() noexcept { stage_ = stage::ending; }
    /// COPY FROM STDIN: the next steps end it with an error (`reason`, static text): nothing it
    /// sent lands, and inside a transaction block its savepoint is rolled back.
    TYPQ_DECL void abort(const char* reason) noexcept;

    /// COPY TO STDOUT: from here on step() ends it early: cancelled, the rest of its data dropped,
    /// and inside a transaction block its savepoint rolled back. `send_cancel` false: the caller
    /// sends the cancel request (an asynchronous driver, off its thread, since PQcancel blocks).
    TYPQ_DECL void abandon(bool send_cancel = true) noexcept;

    /// COPY FROM STDIN: it takes data (or end(), abort()) now.
    [[nodiscard]] bool accepting() const noexcept { return stage_ == stage::data && request_.direction == copy_direction::in; }
    /// COPY TO STDOUT: the chunk the last step ended with (one row, in binary and text formats),
    /// valid until the next step; null at the end.
    [[nodiscard]] const char* chunk() const noexcept { return chunk_.get(); }
    [[nodiscard]] std::size_t chunk_size() const noexcept { return chunk_size_; }
    [[nodiscard]] bool finished() const noexcept { return stage_ == stage::done; }
    /// The rows the server says it copied (its "COPY n" tag), once finished.
    [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }
    /// What the description's plan's column names point into (the described statement).
    [[nodiscard]] std::shared_ptr<const void>& plan_keeper() noexcept { return keeper_; }

private:
    enum class stage : unsigned char {
        savepoint, describe, send, start, data, sending, ending, aborting, results, release, abandoned, roll_back, done
    };

    TYPQ_DECL io send_data(io ready);
    TYPQ_DECL io read_data(io ready);
    TYPQ_DECL void results_ended();
    [[noreturn]] TYPQ_DECL void throw_not_a_copy() const;

    session& session_;
    copy_request request_;
    prepared_slot unnamed_;  // the description, as the unnamed prepared statement
    std::optional<statement_request> describing_;
    std::optional<statement_op> describe_;
    std::shared_ptr<const void> keeper_;
    savepoint_step savepoint_{copy_savepoint};
    collect results_;
    std::unique_ptr<char, copy_chunk_free> chunk_;
    std::size_t chunk_size_ = 0;
    const char* data_ = nullptr;
    std::size_t size_ = 0;
    std::uint64_t rows_ = 0;
    const char* abort_reason_ = nullptr;
    stage stage_ = stage::savepoint;
    bool flushing_ = false;     // the chunk is queued in libpq: flush it
    bool failed_start_ = false; // the command did not start the COPY asked for (see throw_not_a_copy)
    bool ended_early_ = false;  // aborted or abandoned: results are dropped, the savepoint rolled back
};

#if TYPQ_DEFINITIONS

TYPQ_DECL copy_op::copy_op(session& s, copy_request request) : session_(s), request_(std::move(request))
{
    if (request_.describe.empty())
        return;
    unnamed_.text = request_.describe;
    statement_request& r = describing_.emplace();
    r.text = unnamed_.text.c_str();
    r.size = unnamed_.text.size();
    r.prepared = &unnamed_;
    r.unnamed = true;
    r.prepare_only = true;
    r.never_prepare = true;
    r.plan = request_.plan;
}


TYPQ_DECL io copy_op::step(io ready)
{
    PGconn* conn = session_.native();
    if (!conn && stage_ != stage::done) {
        // Closed under it (conn.close(), a pool that took its connection back): libpq would
        // report no more results, which would read as the end.
        stage_ = stage::done;
        throw connection_error("the connection was closed while a COPY on it was still open", true);
    }
    for (;;) {
        switch (stage_) {
        case stage::savepoint:
            if (const io wanted = savepoint_.make(session_, ready); wanted != io::none)
                return wanted;
            stage_ = describing_ ? stage::describe : stage::send;
            continue;

        case stage::describe:
            if (!describe_)
                describe_.emplace(session_, *describing_);
            if (const io wanted = describe_->step(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            keeper_ = std::move(describe_->plan_keeper());
            describe_.reset();
            stage_ = stage::send;
            continue;

        case stage::send:
            session_.sent(PQsendQuery(conn, request_.command.c_str()));
            stage_ = stage::start;
            continue;

        case stage::start: {
            result_handle first;
            if (const io wanted = next_result(conn, ready, first); wanted != io::none)
                return wanted;
            ready = io::none;
            const ExecStatusType status = first ? PQresultStatus(first.get()) : PGRES_EMPTY_QUERY;
            if ((status == PGRES_COPY_IN && request_.direction == copy_direction::in)
                || (status == PGRES_COPY_OUT && request_.direction == copy_direction::out)) {
                if (ended_early_)  // aborted or abandoned before it started
                    stage_ = request_.direction == copy_direction::in ? stage::aborting : stage::abandoned;
                else
                    stage_ = stage::data;
                if (stage_ == stage::data && request_.direction == copy_direction::in)
                    return io::none;  // ready for data
                continue;
            }
            // An error, a COPY the other way, or no COPY: the collector ends what the command
            // started, and the results say what happened.
            failed_start_ = !first || !is_error_result(first.get());
            if (first)
                results_.adopt(std::move(first));
            stage_ = stage::results;
            continue;
        }

        case stage::data:
            if (request_.direction == copy_direction::in)
                return io::none;  // waits for put(), end() or abort()
            if (const io wanted = read_data(ready); wanted != io::none)
                return wanted;
            if (chunk_)
                return io::none;
            ready = io::none;
            stage_ = stage::results;
            continue;

        case stage::sending:
            if (const io wanted = send_data(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            if (stage_ == stage::sending) {
                stage_ = stage::data;
                return io::none;
            }
            continue;  // the server ended the COPY: its results say why

        case stage::ending:
        case stage::aborting: {
            consume_input(conn, ready);
            if (!flushing_) {
                const int ended = PQputCopyEnd(conn, stage_ == stage::aborting ? abort_reason_ : nullptr);
                if (ended == 0)
                    return io::write;
                if (ended < 0 && PQstatus(conn) == CONNECTION_BAD)
                    throw_libpq_failure(conn);
                flushing_ = ended > 0;
                if (!flushing_) {  // the COPY had ended already: its results say why
                    stage_ = stage::results;
                    continue;
                }
            }
            if (const io wanted = flush(conn); wanted != io::none)
                return wanted;
            flushing_ = false;
            ready = io::none;
            stage_ = stage::results;
            continue;
        }

        case stage::results:
            if (const io wanted = results_.step(conn, ready); wanted != io::none)
                return wanted;
            ready = io::none;
            results_ended();  // throws the COPY's error
            continue;

        case stage::release:
            if (const io wanted = savepoint_.release(session_, ready); wanted != io::none)
                return wanted;
            stage_ = stage::done;
            continue;

        case stage::abandoned: {
            // Cancelled: drop the rest of the data, then the results.
            if (const io wanted = read_data(ready); wanted != io::none)
                return wanted;
            ready = io::none;
            if (!chunk_)
                stage_ = stage::results;
            continue;
        }

        case stage::roll_back:
            if (const io wanted = savepoint_.roll_back(session_, ready); wanted != io::none)
                return wanted;
            stage_ = stage::done;
            continue;

        case stage::done:
            chunk_.reset();
            if (failed_start_) {
                failed_start_ = false;
                throw_not_a_copy();
            }
            return io::none;
        }
    }
}

// Sends the caller's chunk, then waits until libpq has sent it: what the client holds stays one
// chunk, however slow the server.
TYPQ_DECL io copy_op::send_data(io ready)
{
    PGconn* conn = session_.native();
    consume_input(conn, ready);
    if (!flushing_) {
        const int queued = PQputCopyData(conn, data_, static_cast<int>(size_));
        if (queued == 0)
            return io::write;  // libpq's buffer is full: wait until the socket takes some
        if (queued < 0) {
            if (PQstatus(conn) == CONNECTION_BAD)
                throw_libpq_failure(conn);
            stage_ = stage::results;  // the COPY is over on libpq's side: the results say why
            return io::none;
        }
        flushing_ = true;
    }
    if (const io wanted = flush(conn); wanted != io::none)
        return wanted;
    flushing_ = false;
    if (PQstatus(conn) == CONNECTION_BAD)
        throw_libpq_failure(conn);
    return io::none;
}

// The next chunk the server sent into chunk_, or none (null) once the data has ended.
TYPQ_DECL io copy_op::read_data(io ready)
{
    PGconn* conn = session_.native();
    chunk_.reset();
    chunk_size_ = 0;
    for (;;) {
        char* data = nullptr;
        const int got = PQgetCopyData(conn, &data, 1);
        if (got > 0) {
            chunk_.reset(data);
            chunk_size_ = static_cast<std::size_t>(got);
            if (stage_ != stage::abandoned)
                return io::none;
            chunk_.reset();
            continue;
        }
        if (got == 0) {
            if (includes(ready, io::read)) {
                ready = io::none;
                if (PQconsumeInput(conn))
                    continue;
            }
            if (PQstatus(conn) == CONNECTION_BAD)
                return io::none;  // PQgetResult reports it
            return io::read;
        }
        return io::none;  // -1: the data has ended; -2: it failed, and the results say why
    }
}

// After the command's results: the COPY's row count, or its error; then the savepoint's end.
TYPQ_DECL void copy_op::results_ended()
{
    result_handle last = results_.take_unchecked();
    PGconn* conn = session_.native();
    if (ended_early_ || failed_start_) {
        // Aborted or abandoned (the error that says so is expected), or not the COPY asked for
        // (the usage_error comes once the savepoint is rolled back): what it did is undone.
        if (PQstatus(conn) == CONNECTION_BAD)
            (void)check_result(conn, std::move(last));  // throws connection_error
        stage_ = stage::roll_back;
        return;
    }
    if (!last || is_error_result(last.get()) || PQstatus(conn) == CONNECTION_BAD) {
        stage_ = stage::done;
        // The transaction block, if any, is aborted, as by any failing statement; its savepoint
        // goes with it.
        (void)check_result(conn, std::move(last));  // throws
    }
    rows_ = detail::affected_rows(last.get());
    stage_ = stage::release;
}

[[noreturn]] TYPQ_DECL void copy_op::throw_not_a_copy() const
{
    const char* wanted = request_.direction == copy_direction::in ? "copy_in() runs a COPY ... FROM STDIN"
                                                                  : "copy_out() runs a COPY ... TO STDOUT";
    throw usage_error(std::string(wanted) + "; the statement it was given is not one (typq ended whatever it started: "
        + "a COPY ... FROM STDIN with an error, so nothing was copied; the rows of a COPY ... TO STDOUT were dropped)");
}

TYPQ_DECL void copy_op::abort(const char* reason) noexcept
{
    abort_reason_ = reason;
    switch (stage_) {
    case stage::data:
    case stage::sending:
        // A chunk is whole in libpq's buffer or not there at all: the end goes after it.
        flushing_ = false;
        ended_early_ = true;
        stage_ = stage::aborting;
        break;
    case stage::start:
        ended_early_ = true;  // ended as soon as it starts
        break;
    case stage::savepoint:
    case stage::describe:
    case stage::send:
        stage_ = stage::done;  // the COPY is not sent: the lease ends what a stage left
        break;
    default:
        break;  // ending already: let it end
    }
}

TYPQ_DECL void copy_op::abandon(bool send_cancel) noexcept
{
    chunk_.reset();
    switch (stage_) {
    case stage::data:
    case stage::start:
        try {
            if (send_cancel)
                (void)session_.cancel();
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the COPY then runs to its end, and is dropped
        }
        ended_early_ = true;
        if (stage_ == stage::data)
            stage_ = stage::abandoned;
        break;
    case stage::savepoint:
    case stage::describe:
    case stage::send:
        stage_ = stage::done;
        break;
    default:
        break;
    }
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_COPY_HPP
// ----- end <typq/engine/copy.hpp> -----

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
// ----- end <typq/copy.hpp> -----
// ----- begin <typq/notification.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/notification.hpp: typq::notification, one message sent with NOTIFY (or pg_notify) to a
// channel the connection listens on (conn.listen, conn.wait_notification).

#ifndef TYPQ_NOTIFICATION_HPP
#define TYPQ_NOTIFICATION_HPP

#include <string>  // channel and payload

namespace typq {

/// One notification, as the server delivered it to a listening connection.
struct notification {
    std::string channel;  ///< the channel's exact name (case kept, as listen() was given it)
    std::string payload;  ///< empty when none was sent
    int backend_pid = 0;  ///< the sending session's server process (connection::backend_pid())

    /// Equal when the channels, payloads and sending processes are.
    friend bool operator==(const notification&, const notification&) = default;
};

}  // namespace typq

#endif  // TYPQ_NOTIFICATION_HPP
// ----- end <typq/notification.hpp> -----
// ----- begin <typq/connection.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/connection.hpp: typq::connection: opening and closing, its state, and the execute/query
// family that binds typed parameters and reads typed rows, both in binary format. Every statement
// runs through the engine (typq/engine/): the connection only supplies the driver that waits,
// poll() on its socket.

#ifndef TYPQ_CONNECTION_HPP
#define TYPQ_CONNECTION_HPP

// ----- begin <typq/engine/front.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/front.hpp: what both connections do to turn a call into a statement_request:
// binding the arguments of a checked statement or of a typq::prepared, the request for either, and
// the request that prepares one. typq::connection (which waits with poll()) and
// typq::async_connection (which waits with Asio) differ only in how they run the request.

#ifndef TYPQ_ENGINE_FRONT_HPP
#define TYPQ_ENGINE_FRONT_HPP


#include <memory>   // std::shared_ptr
#include <utility>  // std::move

namespace typq::detail {
template <class Statement>
inline constexpr bool is_prepared = false;
template <class... P>
inline constexpr bool is_prepared<prepared<P...>> = true;
}  // namespace typq::detail

namespace typq::engine {

struct front {
    /// The binding of `args` to `statement` (a checked statement, or a typq::prepared's). It refers
    /// to both: keep them, and it, until the statement has run.
    template <class Statement, class... Args>
    static auto binding(const Statement& statement, const Args&... args)
    {
        if constexpr (detail::is_prepared<Statement>)
            return bind_arguments(statement.statement_, args...);
        else
            return bind_arguments(statement, args...);
    }

    /// The request for a checked statement on `s`.
    template <class... Args>
    static statement_request request(const std::shared_ptr<session>& s, const basic_sql<Args...>& statement,
        const binder& bind, format results)
    {
        return make_request(*s, statement, bind, results);
    }

    /// The request for a statement the program prepared on `s`.
    /// @throws typq::usage_error when another connection prepared it.
    template <class... P>
    static statement_request request(const std::shared_ptr<session>& s, const prepared<P...>& statement,
        const binder& bind, format results)
    {
        if (statement.slot_->owner.lock() != s)
            throw usage_error("a typq::prepared statement runs only on the connection that prepared it");
        statement_request request;
        request.text = statement.slot_->text.c_str();
        request.size = statement.slot_->text.size();
        request.prepared = statement.slot_.get();
        request.bind = bind;
        request.results = results;
        return request;
    }

    /// The request that prepares `statement` on `s` into `slot` (made here), with `bind` (from
    /// bind_types(statement)) for its parameters' types; once it has run, prepared() makes the
    /// program's handle.
    template <class... Args>
    static statement_request preparing(const std::shared_ptr<session>& s, const basic_sql<Args...>& statement,
        const binder& bind, std::shared_ptr<prepared_slot>& slot)
    {
        slot = std::make_shared<prepared_slot>();
        statement_request request = make_request(*s, statement, bind, format::binary);
        slot->text.assign(request.text, request.size);
        slot->owner = s;
        request.prepared = slot.get();
        request.prepare_only = true;
        return request;
    }

    template <class... Args>
    static prepared<Args...> made(const basic_sql<Args...>& statement, std::shared_ptr<prepared_slot> slot)
    {
        return prepared<Args...>(statement, std::move(slot));
    }
};

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_FRONT_HPP
// ----- end <typq/engine/front.hpp> -----
// ----- begin <typq/engine/many.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/many.hpp: execute_many as one operation: a statement prepared once and run for each
// row of a range, every run queued in one pipeline with one sync point at the end. Both
// connections run it, each with its own driver.

#ifndef TYPQ_ENGINE_MANY_HPP
#define TYPQ_ENGINE_MANY_HPP

// ----- begin <typq/engine/pipeline.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/pipeline.hpp: statements in libpq's pipeline mode. Statements are queued without
// waiting for each other's results (libpq coalesces them into few socket writes), sync points
// end implicit transactions, and results are read in order as they arrive and handed to each
// statement's pending state. Bound and planned by the same code as a statement run alone;
// types the server defines are looked up with catalog queries queued in the pipeline itself.

#ifndef TYPQ_ENGINE_PIPELINE_HPP
#define TYPQ_ENGINE_PIPELINE_HPP


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
// ----- end <typq/engine/pipeline.hpp> -----

#include <cstdint>      // std::uint64_t
#include <exception>    // the unencodable row's error
#include <iterator>     // std::begin, std::end
#include <memory>       // std::shared_ptr
#include <optional>     // the row being queued and its binding
#include <tuple>        // tuple rows
#include <type_traits>  // std::remove_cvref_t
#include <utility>      // std::move

namespace typq::detail {

// The statement execute_many takes for rows of type Row: bound by :name from a struct's fields,
// or by $N from a tuple's elements.
template <class Row>
struct statement_for_rows {
    using type = basic_sql<Row>;
};
template <class... T>
struct statement_for_rows<std::tuple<T...>> {
    using type = basic_sql<std::remove_cvref_t<T>...>;
};
template <class Rows>
using statement_for_rows_t =
    typename statement_for_rows<std::remove_cvref_t<decltype(*std::begin(std::declval<const Rows&>()))>>::type;

// execute_many's outcome: the rows every statement affected, and the first error.
class many_count final : public engine::pending_state {
public:
    void complete(engine::result_handle&& result, const std::shared_ptr<const type_registry>&,
        const std::shared_ptr<const void>&) override
    {
        total += affected_rows(result.get());
    }
    std::uint64_t total = 0;
};

}  // namespace typq::detail

namespace typq::engine {

/// One attempt of execute_many: step() to its end, then total(). The caller holds the lease.
template <class Rows>
class many_op {
    using statement_type = detail::statement_for_rows_t<Rows>;
    using iterator = decltype(std::begin(std::declval<const Rows&>()));
    using reference = decltype(*std::declval<iterator&>());

    // The row being queued, kept while its binding (which refers to it) may be used: a range that
    // makes its rows as it goes yields values, not references.
    struct current {
        explicit current(reference r) : row(static_cast<reference>(r)) {}
        reference row;
    };

    static auto bind_row(const statement_type& statement, const std::remove_cvref_t<reference>& row)
    {
        if constexpr (detail::is_tuple<std::remove_cvref_t<reference>>)
            return std::apply([&](const auto&... values) { return bind_arguments(statement, values...); }, row);
        else
            return bind_arguments(statement, row);
    }
    using binding = decltype(bind_row(std::declval<const statement_type&>(),
        std::declval<const std::remove_cvref_t<reference>&>()));

public:
    many_op(session& s, const statement_type& statement, const Rows& rows)
        : statement_(statement), pipeline_(s), session_(s), next_(std::begin(rows)), end_(std::end(rows))
    {
        // The statement's text (a named one rewritten) once; each row only binds its values.
        request_ = make_request(s, statement, {}, format::binary);
        request_.prepare_now = true;
    }

    io step(io ready)
    {
        for (;;) {
            if (running_) {
                try {
                    if (const io wanted = pipeline_.step(ready); wanted != io::none)
                        return wanted;
                }
                catch (const conversion_error&) {
                    if (stage_ != stage::rows)
                        throw;
                    // The row is encoded as it is queued (after the types it needs are looked up).
                    unencodable_ = std::current_exception();
                    stage_ = stage::abandon;
                }
                ready = io::none;
                running_ = false;
                bound_.reset();
                row_.reset();
            }
            switch (stage_) {
            case stage::rows:
                if (next_ == end_) {
                    stage_ = stage::finish;
                    continue;
                }
                row_.emplace(*next_);
                bound_.emplace(bind_row(statement_, row_->row));
                request_.bind = make_binder(*bound_);
                pipeline_.queue(request_, counted_);
                ++next_;
                request_.same_as_last = true;
                running_ = true;
                continue;
            case stage::abandon: {
                // What is already queued must not land: a statement that fails makes the server
                // skip the rest and roll the implicit transaction back (or abort the block).
                static constexpr char failing_text[] = "SELECT 'typq: execute_many abandoned: a row could not be encoded'::int4";
                statement_request failing;
                failing.text = failing_text;
                failing.size = sizeof failing_text - 1;
                failing.never_prepare = true;
                pipeline_.queue(std::move(failing), std::make_shared<detail::many_count>());
                stage_ = stage::finish;
                running_ = true;
                continue;
            }
            case stage::finish:
                pipeline_.finish();
                stage_ = stage::done;
                running_ = true;
                continue;
            case stage::done:
                return io::none;
            }
        }
    }

    /// The rows every run affected, once step() has finished.
    /// @throws the first run's error, the unencodable row's typq::conversion_error, or what a
    ///         notice handler threw.
    std::uint64_t total()
    {
        if (unencodable_)
            std::rethrow_exception(unencodable_);
        if (counted_->error())
            std::rethrow_exception(counted_->error());
        session_.rethrow_notice_failure();
        return counted_->total;
    }

private:
    enum class stage : unsigned char { rows, abandon, finish, done };

    const statement_type& statement_;
    pipeline_op pipeline_;
    session& session_;
    iterator next_;
    iterator end_;
    statement_request request_;
    std::shared_ptr<detail::many_count> counted_ = std::make_shared<detail::many_count>();
    std::optional<current> row_;
    std::optional<binding> bound_;
    std::exception_ptr unencodable_;
    stage stage_ = stage::rows;
    bool running_ = false;
};

/// Whether execute_many's failure `e` says its prepared statement was stale after DDL, so that
/// (outside a transaction block, where nothing of the attempt landed) it is run once more.
inline bool stale_statement(const server_error& e)
{
    return e.sqlstate() == "26000" || (e.sqlstate() == "0A000" && e.diag().source_function == "RevalidateCachedQuery");
}

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_MANY_HPP
// ----- end <typq/engine/many.hpp> -----
// ----- begin <typq/engine/notify.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/engine/notify.hpp: notifications (LISTEN/NOTIFY) on a session. libpq queues every
// notification that arrives, during a statement or between statements, until PQnotifies takes
// it: typq takes them only here, so none is ever dropped, and they come out in arrival order.
// notification_op reads what has arrived without blocking; the synchronous wait drives it with
// poll(), a deadline, and a wake pipe through which session::cancel() ends the wait.

#ifndef TYPQ_ENGINE_NOTIFY_HPP
#define TYPQ_ENGINE_NOTIFY_HPP


#include <libpq-fe.h>

#include <chrono>    // timeouts
#include <optional>  // a wait that ends without a notification
#include <string>    // the lost connection's message
#include <vector>    // notifications()

namespace typq::engine {

/// The oldest notification libpq has queued, taken off its queue; std::nullopt when none is.
TYPQ_DECL std::optional<notification> take_notification(PGconn* conn);

/// Throws for a connection found lost while no statement ran, with what the server said as it
/// closed it (a terminated backend: 57P01), if it said anything.
/// @throws typq::connection_error, always.
[[noreturn]] TYPQ_DECL void throw_lost(session& s);

/// Waits for one notification, without blocking: step() returns io::none once it has one
/// (result()), else io::read. The first step reads nothing new when libpq has one queued; each
/// step reads what has arrived (other messages, such as ParameterStatus, are taken in passing).
/// The caller holds the session's lease.
class notification_op {
public:
    explicit notification_op(session& s) noexcept : session_(s) {}

    /// @throws typq::connection_error when the connection is lost; what a notice handler threw
    ///         while input was read (session::rethrow_notice_failure: the notification that came
    ///         with it stays queued).
    TYPQ_DECL io step(io ready);

    [[nodiscard]] std::optional<notification>& result() noexcept { return got_; }

private:
    session& session_;
    std::optional<notification> got_;
};

/// A monotonic_ms() deadline `timeout` from now, rounded up to a millisecond; -1 (none) for a
/// timeout of more than about 30 years (duration::max() and the like), now for zero or less.
template <class Rep, class Period>
long long deadline_after(std::chrono::duration<Rep, Period> timeout) noexcept
{
    // In double: no duration type can overflow it.
    const double ms = std::chrono::duration<double, std::milli>(timeout).count();
    const long long now = monotonic_ms();
    if (!(ms > 0))
        return now;
    if (ms > 1e12)
        return -1;
    const auto whole = static_cast<long long>(ms);
    return now + whole + (static_cast<double>(whole) < ms ? 1 : 0);
}

/// Takes the session's lease and returns the first notification that libpq has queued or that
/// arrives before `deadline_ms` (a monotonic_ms() value; -1: none). std::nullopt when the
/// deadline passes first, or when session::cancel() (from another thread) ends the wait.
/// @throws typq::usage_error when something else holds the session; typq::connection_error
///         when the connection is closed or lost; what a notice handler threw meanwhile.
TYPQ_DECL std::optional<notification> wait_notification(session& s, long long deadline_ms);

/// Takes the session's lease and returns every notification that has arrived, oldest first,
/// without waiting (it reads what the socket already holds).
/// @throws as wait_notification.
TYPQ_DECL std::vector<notification> take_notifications(session& s);

#if TYPQ_DEFINITIONS

TYPQ_DECL std::optional<notification> take_notification(PGconn* conn)
{
    PGnotify* got = PQnotifies(conn);
    if (!got)
        return std::nullopt;
    struct freer {
        PGnotify* p;
        ~freer() { PQfreemem(p); }
    } owner{got};
    return notification{got->relname ? got->relname : "", got->extra ? got->extra : "", got->be_pid};
}

[[noreturn]] TYPQ_DECL void throw_lost(session& s)
{
    PGconn* conn = s.native();
    if (conn && PQstatus(conn) != CONNECTION_BAD)
        throw connection_error(libpq_message(conn), false);  // libpq itself failed (out of memory)
    std::string message = "connection to the server was lost: ";
    message += s.farewell().empty() ? (conn ? libpq_message(conn) : std::string("closed")) : s.farewell();
    throw connection_error(message, true, s.farewell_sqlstate());
}

TYPQ_DECL io notification_op::step(io)
{
    PGconn* conn = session_.native();
    if ((got_ = take_notification(conn)))
        return io::none;
    const bool read = PQconsumeInput(conn) != 0;
    session_.rethrow_notice_failure();
    if ((got_ = take_notification(conn)))
        return io::none;
    if (!read)
        throw_lost(session_);
    return io::read;
}

TYPQ_DECL std::optional<notification> wait_notification(session& s, long long deadline_ms)
{
    PGconn* conn = s.usable();
    lease hold(s, "a statement");
    // From here to the end, cancel() wakes this thread (it sends nothing to the server).
    struct waiting {
        session& s;
        int wake;
        explicit waiting(session& w) : s(w), wake(w.begin_wait()) {}
        waiting(const waiting&) = delete;
        waiting& operator=(const waiting&) = delete;
        ~waiting() { (void)s.end_wait(); }
    } wait(s);
    notification_op op(s);
    io ready = io::none;
    for (io wanted = op.step(ready); wanted != io::none; wanted = op.step(ready)) {
        ready = wait_socket(conn, wanted, deadline_ms, wait.wake);
        if (ready == io::none)
            return std::nullopt;  // the deadline passed, or cancel() woke the wait
    }
    return std::move(op.result());
}

TYPQ_DECL std::vector<notification> take_notifications(session& s)
{
    PGconn* conn = s.usable();
    lease hold(s, "a statement");
    const bool read = PQconsumeInput(conn) != 0;
    s.rethrow_notice_failure();
    std::vector<notification> got;
    while (std::optional<notification> one = take_notification(conn))
        got.push_back(std::move(*one));
    // Lost: what arrived before is returned; the next call finds the connection broken.
    if (!read && got.empty())
        throw_lost(s);
    return got;
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_NOTIFY_HPP
// ----- end <typq/engine/notify.hpp> -----

#include <libpq-fe.h>

#include <chrono>       // wait_notification's timeout
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <memory>       // std::shared_ptr: the session
#include <optional>     // query_opt, parameter_status
#include <string>       // names
#include <string_view>  // conninfo, names
#include <initializer_list>  // copy_in's columns
#include <iterator>     // std::begin, std::end: execute_many's rows
#include <tuple>        // tuple rows of execute_many
#include <type_traits>  // std::type_identity_t
#include <utility>      // std::move
#include <vector>       // notifications()

namespace typq {

class transaction;

class pipeline;

/// Cancels the statement a connection is running, from any thread (connection::canceller()).
/// Copyable; holds no connection alive.
class canceller {
public:
    /// A canceller of no connection: cancel() does nothing and returns false.
    canceller() = default;
    /// As connection::cancel(): sends a cancel request if the connection runs a statement now.
    /// @returns whether a request was sent (false too when the connection is gone).
    /// @throws typq::connection_error when the request cannot be sent.
    bool cancel() const
    {
        const std::shared_ptr<engine::session> s = session_.lock();
        return s && !s->closed() && s->cancel();
    }

private:
    friend class connection;
    explicit canceller(std::weak_ptr<engine::session> session) noexcept : session_(std::move(session)) {}
    std::weak_ptr<engine::session> session_;
};

/// What a connection can do now.
enum class connection_state {
    open,    ///< connected and usable
    closed,  ///< closed by close(), or moved from
    broken,  ///< the connection to the server was lost; only close() or destruction remain
};

/// The server-side transaction state, as libpq reports it (psycopg's TransactionStatus).
enum class transaction_status {
    idle,            ///< no transaction open
    active,          ///< a command is in progress
    in_transaction,  ///< inside a transaction block
    in_error,        ///< inside a failed transaction block: only ROLLBACK will work
    unknown,         ///< the connection is closed or broken
};

namespace detail {
// query_one, query_opt and query_value return rows that outlive their result: no views into it.
template <class Row>
constexpr void require_owning_row()
{
    static_assert(!row_borrows<Row>(),
        "typq: this row type has a std::string_view or std::span field, which would point into a result "
        "destroyed on return: use std::string / std::vector<std::byte>, or query<Row>() and keep the result");
}

// What state() and transaction_status() say, for both connections (and the pools).
inline connection_state state_of(const engine::session* s) noexcept
{
    if (!s || s->closed())
        return connection_state::closed;
    return s->broken() ? connection_state::broken : connection_state::open;
}

inline transaction_status transaction_status_of(PGconn* conn) noexcept
{
    if (!conn)
        return transaction_status::unknown;
    switch (PQtransactionStatus(conn)) {
    case PQTRANS_IDLE: return transaction_status::idle;
    case PQTRANS_ACTIVE: return transaction_status::active;
    case PQTRANS_INTRANS: return transaction_status::in_transaction;
    case PQTRANS_INERROR: return transaction_status::in_error;
    default: return transaction_status::unknown;
    }
}
}  // namespace detail

/// One connection to a PostgreSQL server. Move-only; closes in its destructor. Used by one thread
/// at a time (a second thread's statement is refused with typq::usage_error); only cancel() may
/// be called from another thread while a statement runs.
///
/// Parameters travel in binary with the OID their C++ type implies, except strings, which travel
/// as text with OID 0 so that the server infers their type. Results are read in binary.
/// A statement run often enough is prepared on the server (see connection_options).
class connection {
public:
    /// Connects with a conninfo string (`"host=db dbname=app"`) or URI (`"postgresql:///app"`);
    /// libpq's `PG*` environment variables fill in what it leaves out (`""` uses only them).
    /// The client encoding is always UTF-8.
    /// @throws typq::connection_error when the connection cannot be made.
    explicit connection(std::string_view conninfo, const connection_options& options = {});

    /// Moves the connection; what refers to it (a typq::transaction, a typq::prepared) follows it.
    connection(connection&&) noexcept = default;
    /// Closes this connection, then takes `other`'s.
    connection& operator=(connection&& other) noexcept
    {
        if (this != &other) {
            if (!alias_)
                close();
            session_ = std::move(other.session_);
            alias_ = other.alias_;
        }
        return *this;
    }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    /// Closes the connection, as close() does.
    ~connection()
    {
        if (!alias_)
            close();
    }

    /// Closes the connection; a closed connection refuses further work. Closing twice is harmless.
    void close() noexcept
    {
        if (session_)
            session_->close();
    }

    /// Asks the server to cancel the statement this connection is running, if any; the statement
    /// then fails with typq::query_canceled in the thread that runs it. The one member function
    /// that may be called from another thread while a statement runs (not while the connection
    /// object itself is moved or destroyed: for that, hold a canceller()). A request is sent only
    /// while a statement runs, and the next statement waits until it has been delivered, so a
    /// cancel never lands on a later statement; between statements cancel() does nothing and
    /// returns false. A statement that ends as the request arrives is not cancelled. During
    /// wait_notification() it sends nothing to the server: it ends the wait (std::nullopt).
    /// @returns whether a cancel request was sent (or a wait ended).
    /// @throws typq::connection_error when the connection is closed or the request cannot be sent.
    bool cancel() const;

    /// A handle for cancel() that another thread can keep and use whatever happens to this
    /// connection object (moved, reassigned, destroyed: then it does nothing).
    [[nodiscard]] typq::canceller canceller() const noexcept;

    /// Whether the connection is open, closed, or broken (lost: it refuses further work).
    [[nodiscard]] connection_state state() const noexcept { return detail::state_of(session_.get()); }

    /// The server-side transaction state, as libpq last saw it (`unknown` when closed or broken).
    [[nodiscard]] typq::transaction_status transaction_status() const noexcept
    {
        return detail::transaction_status_of(native_handle());
    }

    /// The server's version as a number: 150018 for 15.18.
    [[nodiscard]] int server_version() const { return PQserverVersion(open_handle()); }

    /// The process ID of the server process serving this connection.
    [[nodiscard]] int backend_pid() const { return PQbackendPID(open_handle()); }

    /// The host this connection reached (libpq's PQhost): of a conninfo that names several
    /// (`host=db1,db2`), the one it connected to; a directory for a unix socket (`/run/postgresql`).
    /// @throws typq::connection_error when the connection is closed or broken.
    [[nodiscard]] std::string host() const { return libpq_text(PQhost(open_handle())); }

    /// The IP address this connection reached (PQhostaddr), or empty for a unix socket.
    [[nodiscard]] std::string hostaddr() const { return libpq_text(PQhostaddr(open_handle())); }

    /// The port of the server this connection reached (PQport): of several in the conninfo, the one
    /// it connected to.
    [[nodiscard]] int port() const;

    /// The database this connection is to (PQdb).
    [[nodiscard]] std::string dbname() const { return libpq_text(PQdb(open_handle())); }

    /// The role this connection logged in as (PQuser). `SET ROLE` does not change it: ask the
    /// server (`SELECT current_user`) for the role statements run as.
    [[nodiscard]] std::string user() const { return libpq_text(PQuser(open_handle())); }

    /// Whether the server is a hot standby (read-only, in recovery), as it reports it now
    /// (the `in_hot_standby` parameter, PostgreSQL 14 and later; libpq's `target_session_attrs`
    /// chooses a server by it). It changes when a standby is promoted.
    /// @throws typq::usage_error when the server does not report it (before PostgreSQL 14).
    [[nodiscard]] bool in_hot_standby() const;

    /// A parameter the server reports (`"server_version"`, `"TimeZone"`, `"client_encoding"`,
    /// `"standard_conforming_strings"`...), or std::nullopt when it reports no such parameter.
    [[nodiscard]] std::optional<std::string> parameter_status(std::string_view name) const
    {
        const char* value = PQparameterStatus(open_handle(), std::string(name).c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
    }

    /// What the server says about type `name` (`"mood"`, `"shop.address"`, `"hstore"`; the
    /// search_path applies), looked up once and cached like the types adapters name; std::nullopt
    /// when there is no such type. The lookup never fails on the server (so never aborts a
    /// transaction): a malformed name is refused first.
    /// @throws typq::usage_error when `name` is not a type name (see detail::regtype_spelling).
    [[nodiscard]] std::optional<type_info> lookup_type(std::string_view name);

    /// Forgets the server-defined types looked up so far (their OIDs, attributes): call it after
    /// dropping and re-creating a type that this connection has used, whose OID has changed.
    void clear_type_cache() noexcept
    {
        if (session_)
            session_->registry.reset();
    }

    // --- LISTEN/NOTIFY and notices ---------------------------------------------------------------
    // Channel names are exact strings: listen("Jobs") and notify("Jobs", ...) meet, and neither
    // meets "jobs". libpq queues what arrives during other statements; typq takes notifications
    // off that queue only in wait_notification() and notifications(), so none is dropped.

    /// LISTEN on `channel` (quoted as an identifier: any name, case kept). Inside a transaction
    /// block it takes effect at COMMIT. Listening twice is harmless.
    /// @throws typq::usage_error for an empty name or a NUL byte; as execute().
    void listen(std::string_view channel) { (void)execute(sql_fragment("LISTEN ") + identifier(channel)); }

    /// UNLISTEN `channel` (quoted likewise: "*" is a channel named `*`, not every channel).
    /// Notifications already queued stay queued.
    void unlisten(std::string_view channel) { (void)execute(sql_fragment("UNLISTEN ") + identifier(channel)); }

    /// UNLISTEN *: stops listening on every channel.
    void unlisten_all() { (void)execute("UNLISTEN *"); }

    /// Sends `payload` to `channel` (pg_notify, with both as parameters: any text is safe). Inside
    /// a transaction block it is delivered at COMMIT, and never after a rollback; the server
    /// drops a notification equal to one already sent in the same transaction. A connection that
    /// listens on `channel` receives its own notifications too.
    /// @throws typq::server_error (invalid_parameter_value) for an empty channel, a channel name
    ///         longer than 63 bytes or a payload of 8000 bytes or more; as execute().
    void notify(std::string_view channel, std::string_view payload = {})
    {
        (void)execute("SELECT pg_notify($1, $2)", channel, payload);
    }

    /// The next notification: first those libpq queued while other statements ran, oldest first;
    /// else the first to arrive within `timeout` (poll() on the socket with a monotonic deadline;
    /// other messages from the server and signals (EINTR) do not end the wait early). A timeout
    /// of zero only reads what has already arrived. std::nullopt when the timeout passes, or when
    /// cancel() is called from another thread (or through a canceller()) during the wait: the way
    /// to stop a waiting thread. The connection is busy meanwhile, like during a statement.
    /// @throws typq::usage_error when another thread or an open stream or pipeline holds the
    ///         connection; typq::connection_error when it is closed or lost (terminated by the
    ///         server: sqlstate() 57P01); what the notice handler threw while the wait read input
    ///         (a notification read with it stays queued for the next call).
    template <class Rep, class Period>
    [[nodiscard]] std::optional<notification> wait_notification(std::chrono::duration<Rep, Period> timeout)
    {
        return engine::wait_notification(usable_session(), engine::deadline_after(timeout));
    }

    /// As above, with no timeout: waits until a notification arrives, or until cancel() ends the
    /// wait (then std::nullopt).
    [[nodiscard]] std::optional<notification> wait_notification()
    {
        return engine::wait_notification(usable_session(), -1);
    }

    /// Every notification that has arrived, oldest first, without waiting: those libpq queued
    /// during other statements and those the socket already holds. Empty when there are none.
    /// @throws as wait_notification().
    [[nodiscard]] std::vector<notification> notifications() { return engine::take_notifications(usable_session()); }

    /// Sends the server's notices for this connection (NOTICE, WARNING, and INFO, DEBUG, LOG when
    /// the server is set to send them: client_min_messages) to `handler`, replacing the previous
    /// one; an empty handler (`nullptr`) clears it. Without a handler notices are dropped: nothing
    /// is printed (libpq's default would print them to stderr).
    ///
    /// The handler runs in the thread that runs the statement, inside libpq, while the connection
    /// is busy: it must not run statements on this connection (typq::usage_error), but may call
    /// on_notice(). When it throws, libpq (C code) cannot pass the exception on: typq keeps the
    /// first one, lets the statement run to its end, and throws it from the call that ran the
    /// statement; the statement's effects stand (committed, if it was outside a transaction
    /// block), and the connection stays usable. A statement that fails with its own error throws
    /// that error instead. Streams throw it when their end is reached, pipelines from the next
    /// pending::get().
    /// @throws typq::connection_error when the connection was moved from.
    void on_notice(notice_handler handler)
    {
        if (!session_)
            throw connection_error("the connection is closed", true);
        session_->set_notice_handler(std::move(handler));
    }

#ifdef TYPQ_TEST_FAULTS
    /// Tests only: the next statement's send fails after libpq has queued it whole.
    void test_fail_next_send() { usable_session().test_fail_next_send(); }
#endif

    /// The libpq connection, for what typq does not wrap; owned by this object. It is in
    /// non-blocking mode (PQsetnonblocking).
    [[nodiscard]] PGconn* native_handle() const noexcept { return session_ ? session_->native() : nullptr; }

    /// Prepares `statement` on the server for parameters of types `Args` (converted from the
    /// arguments given when it runs), and describes its result; see typq::prepared.
    /// @throws typq::server_error when the server cannot prepare it (a syntax error, a missing table).
    template <class... Args>
    [[nodiscard]] prepared<Args...> prepare(std::type_identity_t<basic_sql<Args...>> statement);

    /// Runs `statement` with `args` and returns the number of rows it affected (0 for commands
    /// without a count).
    ///
    /// Without arguments the statement is a typq::script, sent as it is by the simple query
    /// protocol: it may hold several statements, and any SQL (`$1` in a function body or a
    /// `PREPARE ... AS` is the server's, not a placeholder); the count is the last statement's.
    /// A `$1` meant for an argument that was forgotten is then the server's error
    /// (typq::undefined_parameter), where with arguments it would not have compiled.
    /// @throws typq::server_error (or a subclass for its SQLSTATE), typq::connection_error,
    ///         typq::conversion_error when an argument cannot be encoded.
    template <class... Args>
    std::uint64_t execute(execute_sql<Args...> statement, Args&&... args)
    {
        if constexpr (sizeof...(Args) == 0)
            return run_script(statement);
        else
            return affected(statement, args...);
    }

    /// Runs `statement` and returns its rows as a range of `Row` (a struct mapped by field name,
    /// `typq::by_position<T>`, a `std::tuple`, or one scalar column).
    /// @throws typq::conversion_error when the columns do not fit `Row` (checked once, before any row).
    template <class Row, class... Args>
    [[nodiscard]] result<Row> query(row_sql<Row, Args...> statement, Args&&... args)
    {
        return rows<Row, format::binary>(statement.sql(), args...);
    }

    /// Runs `statement` and returns its only row.
    /// @throws typq::no_rows, typq::too_many_rows unless exactly one row comes back;
    ///         typq::conversion_error when a column does not fit its field.
    /// @par Lifetime  The returned value owns its data; nothing refers into the PGresult.
    template <class Row, class... Args>
    [[nodiscard]] typename detail::row_traits<Row>::value_type query_one(row_sql<Row, Args...> statement, Args&&... args)
    {
        return one<Row, format::binary>("query_one", statement.sql(), args...);
    }

    /// Runs `statement` and returns its row, or std::nullopt when it returns none.
    /// @throws typq::too_many_rows when more than one row comes back.
    template <class Row, class... Args>
    [[nodiscard]] std::optional<typename detail::row_traits<Row>::value_type> query_opt(row_sql<Row, Args...> statement, Args&&... args)
    {
        return optional<Row, format::binary>(statement.sql(), args...);
    }

    /// Runs `statement` and returns the value of its only column of its only row.
    /// @throws typq::no_rows, typq::too_many_rows unless exactly one row comes back;
    ///         typq::conversion_error unless there is exactly one column and it fits `T`
    ///         (NULL fits only a std::optional).
    template <class T, class... Args>
    [[nodiscard]] T query_value(row_sql<T, Args...> statement, Args&&... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column into a type with a typq::type<T>; "
                                           "use query_one<T> for a row");
        return one<T, format::binary>("query_value", statement.sql(), args...);
    }

    /// @{
    /// The forms above with results in text format, for column types that have no binary form;
    /// `Row`'s fields must be strings (see typq::text_results). They throw what the binary forms
    /// throw.
    template <class Row, class... Args>
    [[nodiscard]] result<Row> query(text_results_t, sql<Args...> statement, Args&&... args)
    {
        check_text_row<Row>();
        return rows<Row, format::text>(statement, args...);
    }
    template <class Row, class... Args>
    [[nodiscard]] typename detail::row_traits<Row>::value_type query_one(text_results_t, sql<Args...> statement, Args&&... args)
    {
        check_text_row<Row>();
        return one<Row, format::text>("query_one", statement, args...);
    }
    template <class Row, class... Args>
    [[nodiscard]] std::optional<typename detail::row_traits<Row>::value_type> query_opt(
        text_results_t, sql<Args...> statement, Args&&... args)
    {
        check_text_row<Row>();
        return optional<Row, format::text>(statement, args...);
    }
    template <class T, class... Args>
    [[nodiscard]] T query_value(text_results_t, sql<Args...> statement, Args&&... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column; use query_one<T> for a row");
        check_text_row<T>();
        return one<T, format::text>("query_value", statement, args...);
    }
    /// @}

    /// Runs `statement` and returns its rows as they arrive, one at a time, in constant memory;
    /// see typq::stream. The connection is busy until the stream is destroyed or read to its end.
    /// @throws typq::conversion_error when the columns do not fit `Row` (checked before it runs).
    template <class Row, class... Args>
    [[nodiscard]] typq::stream<Row> stream(row_sql<Row, Args...> statement, Args&&... args)
    {
        static_assert(detail::row_type<Row>, "typq: Row must be an aggregate struct, typq::by_position<T>, "
                                             "std::tuple<...>, or a type with a typq::type<T>");
        typq::stream<Row> rows(usable_shared_session());
        const auto bind = binding(statement.sql(), args...);
        rows.start(request_for(statement.sql(), engine::make_binder(bind), format::binary));
        return rows;
    }

    // --- COPY ------------------------------------------------------------------------------

    /// Starts a binary COPY of `Row`s into `table` (`users`, `app.users`, `"Order Items"`: as in
    /// SQL); see typq::copy_writer. A struct's fields are written by name into the columns of the
    /// same names (`columns`, if given, must name the same columns); a tuple's or
    /// typq::by_position's by position into `columns` (every column when none are given). The
    /// columns are described (one round trip) and each column's type checked against its field
    /// before anything is sent: binary COPY applies no casts, so a value's type must be its
    /// column's (or its domain's base type), text for varchar/bpchar/name/citext, or an integer or
    /// float converted exactly (an out-of-range value is an error for its row).
    /// @throws typq::conversion_error naming every field whose column cannot take it;
    ///         typq::usage_error for a malformed table name or column list; the server's error
    ///         (no such table, column or permission).
    template <class Row>
    [[nodiscard]] copy_writer<Row> copy_in(std::string_view table, std::initializer_list<std::string_view> columns = {})
    {
        return copy_writer<Row>(usable_shared_session(), detail::copy_in_request<Row>(table, columns));
    }

    /// Reads `Row`s with a binary COPY ... TO STDOUT of a query or of a table; see
    /// typq::copy_reader. A query is any statement COPY can read (`SELECT ...`, `TABLE t`); a table
    /// is a bare name, schema-qualified or not, whose columns are named by Row's fields for a
    /// struct (every column otherwise). The query is described and its columns checked against
    /// Row before it runs. COPY takes no parameters: compose values in with typq::format_sql and
    /// typq::literal.
    /// @throws typq::conversion_error when the columns do not fit `Row`; the server's error.
    template <class Row>
    [[nodiscard]] copy_reader<Row> copy_out(sql<> query_or_table)
    {
        return copy_reader<Row>(usable_shared_session(), detail::copy_out_request<Row>(query_or_table.text()));
    }

    /// Starts a COPY ... FROM STDIN of any format (`COPY t FROM STDIN (FORMAT csv)`), whose bytes
    /// the program writes; see typq::raw_copy_writer.
    /// @throws typq::usage_error (after ending what it started) when `statement` is not a COPY
    ///         FROM STDIN; the server's error.
    [[nodiscard]] raw_copy_writer copy_in(sql<> statement)
    {
        engine::copy_request request = detail::raw_copy_request(statement.text(), engine::copy_direction::in);
        return raw_copy_writer(std::make_unique<detail::copy_sink>(usable_shared_session(), std::move(request),
            "a typq::raw_copy_writer"));
    }

    /// Starts a COPY ... TO STDOUT of any format (`COPY t TO STDOUT (FORMAT csv, HEADER)`), whose
    /// bytes the program reads chunk by chunk; see typq::raw_copy_reader.
    /// @throws as copy_in(sql).
    [[nodiscard]] raw_copy_reader copy_out(sql<> statement)
    {
        engine::copy_request request = detail::raw_copy_request(statement.text(), engine::copy_direction::out);
        return raw_copy_reader(std::make_unique<detail::copy_source>(usable_shared_session(), std::move(request),
            "a typq::raw_copy_reader"));
    }

    /// Runs `statement` once for each of `rows` and returns the total of rows affected. `rows` is
    /// a range of structs (the statement binds their fields by `:name`) or of std::tuple (by
    /// `$N`). The statement is prepared once, and every run is sent in one pipeline with one
    /// sync point at the end, so it costs about one round trip in all.
    ///
    /// Atomic: outside a transaction block the runs form one implicit transaction, so that when
    /// one fails none of them lands; inside one, a failing run aborts the transaction, as any
    /// failing statement does. A row that cannot be encoded (found while the runs before it are
    /// already sent) makes the server fail them on purpose, with the same effect. When DDL has
    /// made the prepared statement stale, outside a transaction block the whole batch is run again
    /// once, prepared anew (`rows` is read twice then: it must be a range that can be).
    /// @throws the first run's error (typq::server_error with its SQLSTATE's class), or the
    ///         typq::conversion_error of the row that could not be encoded.
    template <class Rows>
    std::uint64_t execute_many(std::type_identity_t<detail::statement_for_rows_t<Rows>> statement, const Rows& rows);

    /// @{
    /// Declares a server-side cursor for `statement`, with `options` (none by default); see
    /// typq::cursor. Without `with_hold` it needs an open transaction block.
    /// @throws typq::usage_error without with_hold outside a transaction block;
    ///         typq::conversion_error when the columns do not fit `Row`; the server's error.
    template <class Row, class... Args>
    [[nodiscard]] typq::cursor<Row> cursor(row_sql<Row, Args...> statement, Args&&... args)
    {
        return cursor<Row>(cursor_options{}, statement, std::forward<Args>(args)...);
    }
    template <class Row, class... Args>
    [[nodiscard]] typq::cursor<Row> cursor(const cursor_options& options, row_sql<Row, Args...> statement, Args&&... args)
    {
        static_assert(detail::row_type<Row>, "typq: Row must be an aggregate struct, typq::by_position<T>, "
                                             "std::tuple<...>, or a type with a typq::type<T>");
        typq::cursor<Row> declared(usable_shared_session(), options);
        engine::lease hold(*session_, "a statement");
        const auto bind = binding(statement.sql(), args...);
        declared.declare(request_for(statement.sql(), engine::make_binder(bind), format::binary));
        return declared;
    }
    /// @}

    /// @{
    /// The forms above, running a statement this connection prepared (see prepare()); the
    /// arguments convert to its parameter types. They throw what the forms above throw.
    /// @throws typq::usage_error when another connection prepared it.
    template <class... P>
    std::uint64_t execute(const prepared<P...>& statement, const std::type_identity_t<P>&... args)
    {
        return affected(statement, args...);
    }
    template <class Row, class... P>
    [[nodiscard]] result<Row> query(const prepared<P...>& statement, const std::type_identity_t<P>&... args)
    {
        return rows<Row, format::binary>(statement, args...);
    }
    template <class Row, class... P>
    [[nodiscard]] typename detail::row_traits<Row>::value_type query_one(const prepared<P...>& statement,
        const std::type_identity_t<P>&... args)
    {
        return one<Row, format::binary>("query_one", statement, args...);
    }
    template <class Row, class... P>
    [[nodiscard]] std::optional<typename detail::row_traits<Row>::value_type> query_opt(const prepared<P...>& statement,
        const std::type_identity_t<P>&... args)
    {
        return optional<Row, format::binary>(statement, args...);
    }
    template <class T, class... P>
    [[nodiscard]] T query_value(const prepared<P...>& statement, const std::type_identity_t<P>&... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column; use query_one<T> for a row");
        return one<T, format::binary>("query_value", statement, args...);
    }
    /// @}

private:
    friend class transaction;
    friend class pipeline;
    friend class large_object;

    // Another connection object for this one's session, which does not close it when destroyed:
    // for what runs statements through the connection's own interface and must follow the
    // connection when it moves (a typq::large_object). Once the session is closed, its calls
    // throw typq::connection_error.
    [[nodiscard]] connection alias() const
    {
        connection other(session_);
        other.alias_ = true;
        return other;
    }
    explicit connection(std::shared_ptr<engine::session> session) noexcept : session_(std::move(session)) {}

    // The session, connected and able to run a statement. @throws as session::usable().
    engine::session& usable_session() const
    {
        if (!session_)
            throw connection_error("the connection is closed", true);
        (void)session_->usable();
        return *session_;
    }
    const std::shared_ptr<engine::session>& usable_shared_session() const
    {
        (void)usable_session();
        return session_;
    }
    // The libpq connection, for what only reads its state. @throws when closed or broken.
    TYPQ_DECL PGconn* open_handle() const;
    static std::string libpq_text(const char* text) { return text ? std::string(text) : std::string(); }

    template <class Row>
    static constexpr void check_text_row()
    {
        static_assert(engine::row_reads_text<Row>(),
            "typq: with typq::text_results every column arrives as text: the row's fields must be std::string, "
            "std::string_view or std::optional of one");
    }

    template <class Row>
    static constexpr void check_owning()
    {
        detail::require_owning_row<Row>();
    }

    // Runs `request` to its end with the poll() driver. The caller holds the session's lease.
    engine::ran run(engine::statement_request& request) { return engine::run_statement(*session_, std::move(request)); }

    // The request for a checked statement with its arguments, or for a prepared statement.
    template <class Statement>
    engine::statement_request request_for(const Statement& statement, const engine::binder& bind, format results)
    {
        return engine::front::request(session_, statement, bind, results);
    }

    template <class Statement, class... Args>
    static auto binding(const Statement& statement, const Args&... args)
    {
        return engine::front::binding(statement, args...);
    }

    template <class Statement, class... Args>
    std::uint64_t affected(const Statement& statement, const Args&... args)
    {
        engine::lease hold(usable_session(), "a statement");
        const auto bind = binding(statement, args...);
        engine::statement_request request = request_for(statement, engine::make_binder(bind), format::binary);
        return detail::affected_rows(run(request).result.get());
    }

    std::uint64_t run_script(const script& statement)
    {
        engine::lease hold(usable_session(), "a statement");
        if (statement.copies_through_client())
            engine::throw_copy_refused();
        engine::statement_request request;
        request.text = statement.c_str();
        request.size = statement.text().size();
        request.text_hash = statement.hash();
        request.source = statement.is_literal() ? statement.c_str() : nullptr;
        request.script = true;
        return detail::affected_rows(run(request).result.get());
    }

    template <class Row, format Results, class Statement, class... Args>
    result<Row> rows(const Statement& statement, const Args&... args)
    {
        static_assert(detail::row_type<Row>, "typq: Row must be an aggregate struct, typq::by_position<T>, "
                                             "std::tuple<...>, or a type with a typq::type<T>");
        engine::lease hold(usable_session(), "a statement");
        const auto bind = binding(statement, args...);
        engine::row_plan<Row> plan;
        engine::statement_request request = request_for(statement, engine::make_binder(bind), Results);
        request.plan = plan.template make_planner<Results>();
        engine::ran done = run(request);
        return result<Row>(std::move(done.result), plan.plan, session_->registry, std::move(done.keeper));
    }

    template <class Row, format Results, class Statement, class... Args>
    typename detail::row_traits<Row>::value_type one(const char* function, const Statement& statement, const Args&... args)
    {
        check_owning<Row>();
        engine::lease hold(usable_session(), "a statement");
        const auto bind = binding(statement, args...);
        engine::row_plan<Row> plan;
        engine::statement_request request = request_for(statement, engine::make_binder(bind), Results);
        request.plan = plan.template make_planner<Results>();
        const engine::ran done = run(request);
        const server_types types(session_->registry.get());
        return detail::one_row<Row>(done.result.get(), plan.plan, types, function);
    }

    template <class Row, format Results, class Statement, class... Args>
    std::optional<typename detail::row_traits<Row>::value_type> optional(const Statement& statement, const Args&... args)
    {
        check_owning<Row>();
        engine::lease hold(usable_session(), "a statement");
        const auto bind = binding(statement, args...);
        engine::row_plan<Row> plan;
        engine::statement_request request = request_for(statement, engine::make_binder(bind), Results);
        request.plan = plan.template make_planner<Results>();
        const engine::ran done = run(request);
        const server_types types(session_->registry.get());
        return detail::optional_row<Row>(done.result.get(), plan.plan, types);
    }

    std::shared_ptr<engine::session> session_;  // null once moved from
    bool alias_ = false;                         // see alias()
};

template <class... Args>
prepared<Args...> connection::prepare(std::type_identity_t<basic_sql<Args...>> statement)
{
    engine::lease hold(usable_session(), "a statement");
    std::shared_ptr<engine::prepared_slot> slot;
    const auto bind = engine::bind_types(statement);
    engine::statement_request request = engine::front::preparing(session_, statement, engine::make_binder(bind), slot);
    (void)run(request);
    return engine::front::made(statement, std::move(slot));
}

template <class Rows>
std::uint64_t connection::execute_many(std::type_identity_t<detail::statement_for_rows_t<Rows>> statement, const Rows& rows)
{
    engine::lease hold(usable_session(), "a statement");
    // Outside a transaction block, a run that found its prepared statement stale after DDL is
    // retried once, prepared again: nothing of the first attempt landed (it was atomic).
    for (int attempt = 0;; ++attempt) {
        const bool idle = PQtransactionStatus(session_->native()) == PQTRANS_IDLE;
        try {
            engine::many_op<Rows> op(*session_, statement, rows);
            engine::run(session_->native(), op);
            return op.total();
        }
        catch (const server_error& e) {
            if (!engine::stale_statement(e) || !idle || attempt > 0
                || PQtransactionStatus(session_->native()) != PQTRANS_IDLE)
                throw;
        }
    }
}

// Compiled once under TYPQ_SEPARATE_COMPILATION.
#if TYPQ_DEFINITIONS

TYPQ_DECL connection::connection(std::string_view conninfo, const connection_options& options)
    : session_(std::make_shared<engine::session>(options))
{
    session_->connect(conninfo);
}

TYPQ_DECL PGconn* connection::open_handle() const
{
    if (!session_)
        throw connection_error("the connection is closed", true);
    return session_->open();
}

TYPQ_DECL std::optional<type_info> connection::lookup_type(std::string_view name)
{
    if (!detail::regtype_spelling(name))
        throw usage_error("lookup_type: not a type name: write [schema.]name, quoting an identifier as in SQL "
                          "(\"Mood\"), optionally followed by [] (type modifiers such as (10) are no part of a type)");
    engine::lease hold(usable_session(), "a statement");
    if (!session_->registry || !session_->registry->find_name(name)) {
        engine::catalog_op look_up(*session_, {std::string(name)}, {});
        engine::run(session_->native(), look_up);
    }
    const server_types types(session_->registry.get());
    const type_info* info = types.find(name);
    return info ? std::optional<type_info>(*info) : std::nullopt;
}

TYPQ_DECL int connection::port() const
{
    const char* text = PQport(open_handle());
    int port = 0;
    for (const char* digit = text; digit && *digit >= '0' && *digit <= '9' && port < 65536; ++digit)
        port = port * 10 + (*digit - '0');
    return port;
}

TYPQ_DECL bool connection::in_hot_standby() const
{
    const char* value = PQparameterStatus(open_handle(), "in_hot_standby");
    if (!value)
        throw usage_error("the server does not report whether it is a hot standby (in_hot_standby, PostgreSQL 14 "
                          "and later): ask it with SELECT pg_is_in_recovery()");
    return std::string_view(value) == "on";
}

TYPQ_DECL bool connection::cancel() const
{
    if (!session_ || session_->closed())
        throw connection_error("cannot cancel: the connection is closed", true);
    return session_->cancel();
}

TYPQ_DECL typq::canceller connection::canceller() const noexcept
{
    return typq::canceller(session_);
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq

#endif  // TYPQ_CONNECTION_HPP
// ----- end <typq/connection.hpp> -----
// ----- begin <typq/pipeline.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/pipeline.hpp: typq::pipeline, statements sent without waiting for each other's results
// (libpq's pipeline mode), and typq::pending<T>, the handle on one statement's outcome.

#ifndef TYPQ_PIPELINE_HPP
#define TYPQ_PIPELINE_HPP


#include <cstdint>    // std::uint64_t
#include <exception>  // std::rethrow_exception
#include <memory>     // std::shared_ptr
#include <optional>   // the value of a pending
#include <utility>    // std::move

namespace typq {

class pipeline;

namespace detail {

// What pending handles know of their pipeline: null once it has ended.
struct pipeline_token {
    pipeline* owner = nullptr;
};

template <class T>
class pending_value : public engine::pending_state {
public:
    std::optional<T> value;

protected:
    void set(T made)
    {
        value.emplace(std::move(made));
        finish();
    }
};

// execute(): the rows affected.
class pending_count final : public pending_value<std::uint64_t> {
public:
    void complete(engine::result_handle&& result, const std::shared_ptr<const type_registry>&,
        const std::shared_ptr<const void>&) override
    {
        set(affected_rows(result.get()));
    }
};

enum class pending_form : unsigned char { rows, one, optional, value };

template <class Row, pending_form Form>
using pending_form_t = std::conditional_t<Form == pending_form::rows, result<Row>,
    std::conditional_t<Form == pending_form::optional, std::optional<typename row_traits<Row>::value_type>,
        typename row_traits<Row>::value_type>>;

// query<Row>(), query_one, query_opt, query_value: the rows, planned for Row.
template <class Row, pending_form Form>
class pending_rows final : public pending_value<pending_form_t<Row, Form>> {
public:
    pending_rows() { this->plan = storage_.template make_planner<format::binary>(); }

    void complete(engine::result_handle&& result, const std::shared_ptr<const type_registry>& registry,
        const std::shared_ptr<const void>& keeper) override
    {
        if constexpr (Form == pending_form::rows)
            this->set(typq::result<Row>(std::move(result), storage_.plan, registry, keeper));
        else {
            const server_types types(registry.get());
            if constexpr (Form == pending_form::optional)
                this->set(detail::optional_row<Row>(result.get(), storage_.plan, types));
            else
                this->set(detail::one_row<Row>(result.get(), storage_.plan, types,
                    Form == pending_form::one ? "query_one" : "query_value"));
        }
    }

private:
    engine::row_plan<Row> storage_;
};

/// What pending::get() (and async_pending::get()) returns once the outcome is in: the value
/// (moved out: once), or the statement's error. `open` is the session while the pipeline is open:
/// an exception its notice handler threw comes next.
template <class T>
T take_pending(pending_value<T>& state, engine::session* open)
{
    if (state.error())
        std::rethrow_exception(state.error());
    if (open)
        open->rethrow_notice_failure();
    if (!state.value)
        throw usage_error("pending::get() returns the value once, and it was already taken");
    T value = std::move(*state.value);
    state.value.reset();
    return value;
}

}  // namespace detail

/// The outcome of one statement queued in a typq::pipeline: its value or its error, delivered
/// by get() once the result has arrived (get() waits for it: it asks the server for what it has
/// so far, without a sync point).
template <class T>
class pending {
public:
    /// The statement's value (moved out: once).
    /// @throws the statement's error: a typq::server_error, typq::pipeline_aborted when an earlier
    ///         statement before the same sync point failed, typq::conversion_error when the rows
    ///         do not fit; typq::usage_error when get() already returned the value. Else what
    ///         the connection's notice handler threw while results were read (the statements
    ///         read so far have ended; this one's value stays, for the next get()).
    [[nodiscard]] T get();

    /// True once the outcome has arrived (get() then does not wait).
    [[nodiscard]] bool ready() const noexcept { return state_->finished(); }

private:
    friend class pipeline;
    pending(std::shared_ptr<detail::pending_value<T>> state, std::shared_ptr<detail::pipeline_token> token)
        : state_(std::move(state)), token_(std::move(token))
    {
    }

    std::shared_ptr<detail::pending_value<T>> state_;
    std::shared_ptr<detail::pipeline_token> token_;
};

/// libpq's pipeline mode on `conn` for this object's life: statements are queued without
/// waiting for each other (libpq coalesces them into few socket writes; results are read while
/// more are sent, so a long pipeline cannot deadlock), each returning a typq::pending handle.
///
/// sync() marks a sync point: the statements since the previous one form one implicit
/// transaction when no transaction block is open, and when one fails the server skips the rest
/// of them (their handles throw typq::pipeline_aborted); the pipeline and the connection go on
/// after the sync point. Leaving the scope, by an exception too, adds a sync point, reads every
/// result (errors of statements whose handles were dropped are not reported) and leaves
/// pipeline mode. While the pipeline is open, the connection's own execute/query refuse to run.
/// An exception thrown by the connection's notice handler is thrown by the next pending::get();
/// when none comes, the pipeline's end drops it (a destructor does not throw).
///
/// @par Example
/// ```
/// typq::pipeline p{conn};
/// typq::pending<user> a = p.query_one<user>("SELECT id, name FROM users WHERE id = $1", 1);
/// typq::pending<std::uint64_t> n = p.execute("UPDATE users SET seen = now() WHERE id = $1", 2);
/// p.sync();
/// user got = a.get();
/// ```
class pipeline {
public:
    /// Enters pipeline mode. @throws typq::usage_error when something else holds the connection.
    explicit pipeline(connection& conn)
        : session_(conn.usable_shared_session()), hold_(*session_, "a typq::pipeline"), op_(*session_),
          token_(std::make_shared<detail::pipeline_token>(detail::pipeline_token{this}))
    {
    }
    pipeline(const pipeline&) = delete;
    pipeline& operator=(const pipeline&) = delete;

    /// Syncs, reads every result, leaves pipeline mode. Never throws.
    ~pipeline()
    {
        token_->owner = nullptr;
        try {
            op_.finish();
            engine::run(session_->native(), op_);
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): the lease, released next, drains or closes the connection
        }
    }

    /// Queues `statement`; its handle gives the number of rows it affected.
    template <class... Args>
    [[nodiscard]] pending<std::uint64_t> execute(sql<Args...> statement, Args&&... args)
    {
        return queue(std::make_shared<detail::pending_count>(), statement, args...);
    }

    /// Queues `statement`; its handle gives its rows as a typq::result<Row>.
    template <class Row, class... Args>
    [[nodiscard]] pending<result<Row>> query(row_sql<Row, Args...> statement, Args&&... args)
    {
        return queue(std::make_shared<detail::pending_rows<Row, detail::pending_form::rows>>(), statement.sql(), args...);
    }

    /// Queues `statement`; its handle gives its only row (typq::no_rows, typq::too_many_rows).
    template <class Row, class... Args>
    [[nodiscard]] pending<typename detail::row_traits<Row>::value_type> query_one(row_sql<Row, Args...> statement, Args&&... args)
    {
        return queue(std::make_shared<detail::pending_rows<Row, detail::pending_form::one>>(), statement.sql(), args...);
    }

    /// Queues `statement`; its handle gives its row or std::nullopt (typq::too_many_rows).
    template <class Row, class... Args>
    [[nodiscard]] pending<std::optional<typename detail::row_traits<Row>::value_type>> query_opt(row_sql<Row, Args...> statement,
        Args&&... args)
    {
        return queue(std::make_shared<detail::pending_rows<Row, detail::pending_form::optional>>(), statement.sql(), args...);
    }

    /// Queues `statement`; its handle gives the value of its only column of its only row.
    template <class T, class... Args>
    [[nodiscard]] pending<T> query_value(row_sql<T, Args...> statement, Args&&... args)
    {
        static_assert(detail::has_type<T>, "typq: query_value<T> reads one column; use query_one<T> for a row");
        return queue(std::make_shared<detail::pending_rows<T, detail::pending_form::value>>(), statement.sql(), args...);
    }

    /// Marks a sync point (see the class comment) and sends what is queued.
    void sync() { op_.sync(); }

private:
    template <class T>
    friend class pending;

    template <class State, class... Args>
    auto queue(std::shared_ptr<State> state, const basic_sql<std::remove_cvref_t<Args>...>& statement, const Args&... args)
    {
        using value_type = typename decltype(state->value)::value_type;
        const auto bind = engine::bind_arguments(statement, args...);
        op_.queue(engine::make_request(*session_, statement, engine::make_binder(bind), format::binary), state);
        engine::run(session_->native(), op_);
        return pending<value_type>(std::move(state), token_);
    }

    void wait(const engine::pending_state& state)
    {
        op_.wait_for(state);
        engine::run(session_->native(), op_);
    }

    std::shared_ptr<engine::session> session_;
    engine::lease hold_;
    engine::pipeline_op op_;
    std::shared_ptr<detail::pipeline_token> token_;
};

template <class T>
T pending<T>::get()
{
    if (!state_->finished()) {
        if (!token_->owner)
            throw usage_error("the pipeline ended before this statement's result arrived");
        token_->owner->wait(*state_);
    }
    return detail::take_pending(*state_, token_->owner ? token_->owner->session_.get() : nullptr);
}

}  // namespace typq

#endif  // TYPQ_PIPELINE_HPP
// ----- end <typq/pipeline.hpp> -----
// ----- begin <typq/transaction.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/transaction.hpp: RAII transactions; nested on one connection they are savepoints.

#ifndef TYPQ_TRANSACTION_HPP
#define TYPQ_TRANSACTION_HPP


#include <libpq-fe.h>

#include <cstddef>      // std::size_t
#include <memory>       // std::shared_ptr: the session; std::make_shared for the client-side diagnostic
#include <optional>     // transaction_options::isolation
#include <string>       // statements
#include <string_view>  // command tags

namespace typq {

/// SQL isolation levels (PostgreSQL runs read_uncommitted as read_committed).
enum class isolation_level { read_uncommitted, read_committed, repeatable_read, serializable };

/// How a top-level transaction starts; unset members take the session's defaults.
struct transaction_options {
    std::optional<isolation_level> isolation = std::nullopt;  ///< the isolation level; unset: the session's
    bool read_only = false;                                   ///< READ ONLY: the transaction cannot write
    bool deferrable = false;  ///< with serializable and read_only: waits for a safe snapshot
};

namespace detail {
// What typq::transaction and typq::async_transaction share: the statements they run and the
// rules they keep.

// BEGIN with the options' characteristics.
inline std::string begin_statement(const transaction_options& options)
{
    std::string statement = "BEGIN";
    const char* separator = " ";
    if (options.isolation) {
        statement += separator;
        statement += "ISOLATION LEVEL ";
        switch (*options.isolation) {
        case isolation_level::read_uncommitted: statement += "READ UNCOMMITTED"; break;
        case isolation_level::read_committed: statement += "READ COMMITTED"; break;
        case isolation_level::repeatable_read: statement += "REPEATABLE READ"; break;
        case isolation_level::serializable: statement += "SERIALIZABLE"; break;
        }
        separator = ", ";
    }
    if (options.read_only) {
        statement += separator;
        statement += "READ ONLY";
        separator = ", ";
    }
    if (options.deferrable) {
        statement += separator;
        statement += "DEFERRABLE";
    }
    return statement;
}

inline constexpr const char* transaction_ended_by_hand =
    "the transaction was ended by a COMMIT or ROLLBACK statement outside typq::transaction";

// The savepoint of the transaction at `depth` (2 and deeper).
inline std::string savepoint_name(std::size_t depth) { return "typq_savepoint_" + std::to_string(depth - 1); }

// A nested transaction sets nothing of its own.
inline void check_nested_options(const transaction_options& options)
{
    if (options.isolation || options.read_only || options.deferrable)
        throw usage_error("a nested typq::transaction is a savepoint and cannot set isolation, read_only or deferrable");
}

// COMMIT answered ROLLBACK: the transaction had failed, and nothing was committed.
[[noreturn]] inline void throw_commit_rolled_back()
{
    diagnostic d;
    d.sqlstate = "25P02";
    d.severity = "ERROR";
    d.message_primary = "the transaction was aborted by an earlier error and has been rolled back; nothing was committed";
    raise_server_error<in_failed_sql_transaction>(std::make_shared<const diagnostic>(std::move(d)));
}
}  // namespace detail

/// A transaction on `conn`: BEGIN in the constructor, COMMIT with commit(), ROLLBACK in the
/// destructor unless committed or rolled back. Constructed while another typq::transaction is open
/// on the same connection, it is a savepoint (SAVEPOINT / RELEASE / ROLLBACK TO) inside it.
/// Only the innermost open transaction may commit or roll back. A transaction follows its
/// connection when the connection moves; once the connection is closed (or destroyed), the
/// server has rolled the transaction back, and the transaction object does nothing more.
///
/// @par Example
/// ```
/// typq::transaction tx{conn};
/// conn.execute("UPDATE accounts SET balance = balance - $1 WHERE id = $2", 100, from);
/// conn.execute("UPDATE accounts SET balance = balance + $1 WHERE id = $2", 100, to);
/// tx.commit();
/// ```
class transaction {
public:
    /// @throws typq::usage_error when a transaction was begun on `conn` outside typq::transaction,
    ///         or when a nested transaction asks for options (a savepoint cannot change them).
    explicit transaction(connection& conn, transaction_options options = {})
        : session_(conn.session_), depth_(session_ ? session_->transaction_depth + 1 : 1)
    {
        PGconn* handle = conn.usable_session().native();
        if (depth_ == 1) {
            if (PQtransactionStatus(handle) != PQTRANS_IDLE)
                throw usage_error("a transaction is already open on this connection, begun outside typq::transaction");
            run(begin_statement(options));
        }
        else {
            detail::check_nested_options(options);
            if (PQtransactionStatus(handle) == PQTRANS_IDLE)
                throw usage_error(ended_by_hand);
            run("SAVEPOINT " + savepoint_name());
        }
        session_->transaction_depth = depth_;
        active_ = true;
    }

    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;

    /// Rolls back unless committed or rolled back, together with any nested transaction still
    /// open (their objects then find themselves ended). Never throws: a rollback that fails
    /// leaves the server to end the transaction when the connection closes.
    ~transaction()
    {
        if (!active_)
            return;
        active_ = false;
        if (session_->transaction_depth < depth_)
            return;  // an enclosing transaction already ended this one
        session_->transaction_depth = depth_ - 1;
        try {
            roll_back_to_start();
        }
        catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
        }
    }

    /// Commits (or, for a savepoint, releases it into the enclosing transaction).
    /// @throws typq::in_failed_sql_transaction when an earlier statement failed: the server rolled
    ///         the transaction back instead, and nothing was committed;
    ///         typq::server_error when COMMIT itself fails (a deferred constraint);
    ///         typq::usage_error when this is not the innermost open transaction.
    void commit()
    {
        require_innermost("commit");
        require_open_on_server();
        if (depth_ > 1) {
            run("RELEASE SAVEPOINT " + savepoint_name());  // fails in an aborted transaction: rollback() still can
            end();
            return;
        }
        // Whatever COMMIT answers, the transaction is over: if it fails (a deferred constraint, a
        // cancel request that lands on it) and leaves a transaction open, it is rolled back.
        end();
        engine::result_handle tag;
        try {
            tag = run("COMMIT");
        }
        catch (const connection_error&) {
            throw;
        }
        catch (...) {
            close_on_server();
            throw;
        }
        if (std::string_view(PQcmdStatus(tag.get())) == "ROLLBACK")
            detail::throw_commit_rolled_back();
    }

    /// Rolls back (for a savepoint, everything since it; the enclosing transaction goes on).
    /// @throws typq::usage_error when this is not the innermost open transaction.
    void rollback()
    {
        require_innermost("rollback");
        require_open_on_server();
        end();
        roll_back_to_start();
    }

    /// True until commit() or rollback().
    [[nodiscard]] bool active() const noexcept { return active_; }
    /// True for a nested transaction, which is a savepoint.
    [[nodiscard]] bool is_savepoint() const noexcept { return depth_ > 1; }

private:
    static std::string begin_statement(const transaction_options& options) { return detail::begin_statement(options); }

    static constexpr const char* ended_by_hand = detail::transaction_ended_by_hand;

    std::string savepoint_name() const { return detail::savepoint_name(depth_); }

    void roll_back_to_start()
    {
        if (PQtransactionStatus(session_->usable()) == PQTRANS_IDLE)
            return;  // ended by hand: nothing is left to roll back
        if (depth_ > 1) {
            try {
                run("ROLLBACK TO SAVEPOINT " + savepoint_name());
                run("RELEASE SAVEPOINT " + savepoint_name());
                return;
            }
            catch (const connection_error&) {
                throw;
            }
            catch (const server_error&) {
                // A cancel request landed on it: the enclosing transaction is aborted now, which
                // its own end handles.
                return;
            }
        }
        close_on_server();
    }

    // Rolls back until no transaction block is open, whatever a cancel request that lands on the
    // ROLLBACK does (it can be cancelled too; the next one finds nothing running to cancel).
    void close_on_server()
    {
        for (int attempt = 0; attempt < 3; ++attempt) {
            if (PQtransactionStatus(session_->usable()) == PQTRANS_IDLE)
                return;
            try {
                run("ROLLBACK");
                return;
            }
            catch (const query_canceled&) {
                if (attempt == 2)
                    throw;
            }
        }
    }

    // libpq tracks the server's transaction state from every reply: no round trip. On a closed
    // or broken connection the transaction is over too (the server rolls it back).
    void require_open_on_server()
    {
        PGconn* handle = nullptr;
        try {
            handle = session_->usable();
        }
        catch (const connection_error&) {
            end();
            throw;
        }
        if (PQtransactionStatus(handle) == PQTRANS_IDLE) {
            end();
            throw usage_error(ended_by_hand);
        }
    }

    engine::result_handle run(const std::string& statement)
    {
        (void)session_->usable();
        engine::lease hold(*session_, "a statement");
        return engine::run_script(*session_, statement.c_str(), statement.size());
    }

    void require_innermost(const char* operation) const
    {
        if (!active_)
            throw usage_error(std::string("cannot ") + operation + " a transaction that has already ended");
        if (session_->transaction_depth < depth_)
            throw usage_error(std::string("cannot ") + operation + " a transaction that its enclosing transaction ended");
        if (session_->transaction_depth > depth_)
            throw usage_error(std::string("cannot ") + operation + " a transaction while a nested one is still open");
    }

    void end() noexcept
    {
        active_ = false;
        session_->transaction_depth = depth_ - 1;
    }

    std::shared_ptr<engine::session> session_;
    std::size_t depth_;
    bool active_ = false;
};

}  // namespace typq

#endif  // TYPQ_TRANSACTION_HPP
// ----- end <typq/transaction.hpp> -----
// ----- begin <typq/large_object.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/large_object.hpp: typq::large_object, an open large object (the server's pg_largeobject)
// read, written, sought and truncated through a descriptor that lives in a transaction block;
// and typq::file_error, for import_file and export_file.
//
// Every operation is one ordinary statement over the server's SQL functions (lo_create, lo_open,
// loread, lowrite, lo_lseek64, lo_tell64, lo_truncate64, lo_close, lo_unlink), with typed binary
// parameters, through the connection's one statement path. libpq's own lo_* functions are not
// used: they run through the fast-path interface, which blocks and which the engine cannot step.

#ifndef TYPQ_LARGE_OBJECT_HPP
#define TYPQ_LARGE_OBJECT_HPP


#include <cerrno>        // errno after a failed file operation
#include <cstddef>       // std::byte, std::size_t
#include <cstdint>       // std::int32_t, std::int64_t, std::uint32_t
#include <cstdio>        // std::FILE: import_file and export_file
#include <cstring>       // std::memcpy: read into a caller's buffer
#include <memory>        // std::shared_ptr: file_error's path
#include <span>          // byte spans
#include <string>        // paths, messages
#include <string_view>   // write(text)
#include <system_error>  // std::error_code: file_error
#include <tuple>         // create()'s one row: the OID and the descriptor
#include <optional>      // the connection, until closed
#include <utility>       // std::exchange
#include <vector>        // read()'s bytes

namespace typq {

/// A local file could not be opened, read or written by typq::large_object::import_file or
/// export_file. `path()` is the file, `code()` the system's reason (errno).
class file_error : public error {
public:
    /// An error whose what() is `what`, the quoted `path` and `code`'s message.
    file_error(const std::string& what, std::string path, std::error_code code)
        : error(what + " \"" + path + "\": " + code.message()),
          path_(std::make_shared<const std::string>(std::move(path))), code_(code)
    {
    }
    /// The file's path, as it was given.
    [[nodiscard]] const std::string& path() const noexcept { return *path_; }
    /// Why: `code() == std::errc::no_such_file_or_directory`, and the like.
    [[nodiscard]] std::error_code code() const noexcept { return code_; }

private:
    std::shared_ptr<const std::string> path_;
    std::error_code code_;
};

/// An open large object: a value of up to 4 TB kept by the server (pg_largeobject), named by an
/// OID, read and written a part at a time like a file. Made by create() or open(); closed by
/// close(), by its destructor, or by the end of its transaction.
///
/// A large object's descriptor is valid only in the transaction block in which it was opened,
/// so create(), open() and every member function need one (a typq::transaction, or a BEGIN of
/// the program's own): outside one they throw typq::usage_error and send nothing. Once the
/// transaction has ended, the object refuses further work (typq::usage_error) and its destructor
/// sends nothing. Only unlink(), import_file() and export_file() also work outside a
/// transaction block. The server's errors (a large object that does not exist, a write through
/// a descriptor opened for reading, a permission) are thrown as typq::server_error subclasses,
/// and abort the transaction, as any failing statement does.
///
/// Each operation is one statement (one round trip); a read or write larger than 1 MiB is split
/// into statements of 1 MiB, so that no message comes near the protocol's 1 GB limit.
///
/// @par Lifetime  The object refers to the connection's session, as a typq::transaction does: it
///      follows the connection when it moves, and once the connection is closed (or destroyed)
///      its calls throw typq::connection_error and its destructor sends nothing. Move-only. Do not use it after its transaction has ended and a
///      new one has begun on the connection: the descriptor's number may by then belong to a
///      large object opened in the new transaction (typq cannot tell the two transactions apart;
///      it catches only the time in between, when no transaction is open).
///
/// @par Example
/// ```
/// typq::transaction tx{conn};
/// auto lo = typq::large_object::create(conn);
/// lo.write("hello, large object");
/// lo.seek(7);
/// std::vector<std::byte> part = lo.read(5);      // "large"
/// const typq::oid id = lo.oid();                 // keep it in a table's oid column
/// lo.close();
/// tx.commit();
/// ```
class large_object {
public:
    /// How a large object is opened (lo_open's INV_READ and INV_WRITE flags).
    enum class mode : std::int32_t {
        /// Reading only, as of the transaction's snapshot when it was opened: writes made later,
        /// by this transaction or by others, are not seen. A write is the server's error.
        read = 0x40000,
        /// Reading and writing (the server lets a descriptor opened for writing read too); reads
        /// see the latest committed data and this transaction's writes.
        write = 0x20000,
        /// Reading and writing, as `write`.
        read_write = 0x60000,
    };

    /// Where seek() counts from (lo_lseek64's SEEK_SET, SEEK_CUR and SEEK_END).
    enum class whence : std::int32_t {
        set = 0,      ///< from the start
        current = 1,  ///< from the current position
        end = 2,      ///< from the end
    };

    /// Creates a new, empty large object and opens it for reading and writing, in one round trip.
    /// `wanted` asks for that OID; by default (`typq::oid::unspecified`) the server picks a free
    /// one. The new object exists only once its transaction commits.
    /// @throws typq::usage_error outside a transaction block; typq::unique_violation (on
    ///         pg_largeobject_metadata's index) when `wanted` is already a large object's OID;
    ///         as connection::execute().
    [[nodiscard]] static large_object create(connection& conn, typq::oid wanted = typq::oid::unspecified);

    /// Opens large object `id` in `how` mode.
    /// @throws typq::usage_error outside a transaction block; typq::undefined_object when there
    ///         is no large object `id` (this aborts the transaction); typq::insufficient_privilege
    ///         without the right to read it (or, for writing, to update it); as connection::execute().
    [[nodiscard]] static large_object open(connection& conn, typq::oid id, mode how);

    /// Deletes large object `id` (lo_unlink), in the open transaction block or, outside one, at
    /// once. Descriptors open on it in this transaction must not be used afterwards.
    /// @throws typq::undefined_object when there is no large object `id`;
    ///         typq::insufficient_privilege unless the role owns it; as connection::execute().
    static void unlink(connection& conn, typq::oid id);

    /// Makes a new large object from the local file at `path` (the client's file system) and
    /// returns its OID. The file is read 1 MiB at a time and written with write(). Not the
    /// server's SQL function lo_import, which reads a file on the server's machine, with the
    /// server's permissions. Inside a transaction block the object is created in it; outside
    /// one import_file runs a transaction of its own and commits it. When the file cannot be
    /// read to its end, the half-made object is deleted again (unless the transaction is already
    /// aborted, when it goes with it). `path` may be a std::filesystem::path (on POSIX it converts).
    /// @throws typq::file_error when the file cannot be opened or read; as create() and write().
    [[nodiscard]] static typq::oid import_file(connection& conn, const std::string& path);

    /// Writes large object `id` into the local file at `path` (created, or truncated first),
    /// 1 MiB a statement. Not the server's lo_export, which writes on the server's machine.
    /// Inside a transaction block it reads in that transaction; outside one, in one of its own.
    /// The object is opened before the file, so that a missing object leaves an existing file
    /// alone; when the object cannot be read to its end, or the file written, the partial file
    /// is removed.
    /// @throws typq::file_error when the file cannot be created or written; as open() and read().
    static void export_file(connection& conn, typq::oid id, const std::string& path);

    /// Takes `other`'s open object; `other` is left closed.
    large_object(large_object&& other) noexcept
        : conn_(std::exchange(other.conn_, std::nullopt)), id_(other.id_), descriptor_(other.descriptor_)
    {
    }
    /// Closes this object (quietly, as the destructor does), then takes `other`'s.
    large_object& operator=(large_object&& other) noexcept
    {
        if (this != &other) {
            close_quietly();
            conn_ = std::exchange(other.conn_, std::nullopt);
            id_ = other.id_;
            descriptor_ = other.descriptor_;
        }
        return *this;
    }
    large_object(const large_object&) = delete;
    large_object& operator=(const large_object&) = delete;

    /// Closes the descriptor if it is still open and its transaction goes on (in a transaction
    /// block that an error aborted, or once the connection is closed, there is nothing to close:
    /// the server closes it with the transaction). Never throws; a close that fails is ignored.
    ~large_object() { close_quietly(); }

    /// The large object's OID: what a table stores to find it again. Valid after close() too.
    [[nodiscard]] typq::oid oid() const noexcept { return id_; }

    /// Whether the descriptor is open: false after close(), after moving from, and once an
    /// operation has found that its transaction ended.
    [[nodiscard]] bool is_open() const noexcept { return conn_.has_value(); }

    /// Reads up to `max` bytes from the current position, which moves past them: fewer at the
    /// end of the object, none once there. A `max` beyond the end reads the rest: the vector
    /// is allocated once, for what came back, whatever `max` was.
    /// @throws typq::usage_error when closed or outside its transaction; as connection::execute().
    [[nodiscard]] std::vector<std::byte> read(std::size_t max);

    /// Reads into `buffer` (up to its size) from the current position, which moves past what was
    /// read, and returns how many bytes were read: fewer than `buffer.size()` only at the end.
    /// @throws as read(max).
    std::size_t read(std::span<std::byte> buffer);

    /// Writes `bytes` at the current position (overwriting, or extending the object), which
    /// moves past them. Writing past the end leaves a hole that reads as zeros.
    /// @throws typq::usage_error when closed or outside its transaction;
    ///         typq::object_not_in_prerequisite_state when it was opened in mode::read;
    ///         as connection::execute().
    void write(std::span<const std::byte> bytes);

    /// Writes the bytes of `text`, as write(bytes).
    void write(std::string_view text) { write(std::as_bytes(std::span<const char>(text.data(), text.size()))); }

    /// Moves the current position to `offset` counted from `from`, and returns the new position
    /// (from the start). Past the end is allowed (a later write leaves a hole).
    /// @throws typq::invalid_parameter_value (server side, aborting the transaction) when the
    ///         position would be negative or beyond the 4 TB limit; as read(max).
    std::int64_t seek(std::int64_t offset, whence from = whence::set);

    /// The current position, from the start.
    /// @throws as read(max).
    [[nodiscard]] std::int64_t tell();

    /// Cuts the object to `size` bytes, or extends it with zeros to that size; the current
    /// position does not change.
    /// @throws typq::usage_error when `size` is negative (nothing is sent); as write().
    void truncate(std::int64_t size);

    /// Closes the descriptor (lo_close). Closing a closed object does nothing; so does closing
    /// one whose transaction has ended or been aborted by an error (the descriptor is gone, or
    /// goes with the rollback), except that the object is closed from then on.
    /// @throws as connection::execute().
    void close();

private:
    // Statements move at most this much data each (loread's count and lowrite's bytea), far
    // from the 1 GB limit of a protocol message and of a bytea.
    static constexpr std::size_t transfer_size = std::size_t{1} << 20;
    static_assert(transfer_size <= 0x7fffffff, "loread's count is an int4");

    large_object(const connection& conn, typq::oid id, std::int32_t descriptor) noexcept
        : conn_(conn.alias()), id_(id), descriptor_(descriptor)
    {
    }

    // Throws typq::usage_error unless `conn` is in a transaction block (aborted or not: in an
    // aborted one the server's own error says what is wrong). A closed or broken connection
    // passes, for the statement to throw typq::connection_error.
    static void require_transaction_block(const connection& conn, const char* function);
    // The connection, once the descriptor is known to be open and its transaction still on;
    // else the object is closed and typq::usage_error thrown.
    connection& usable(const char* function);
    // `bytes`, loread's answer, unless the server sent more than `asked` (typq::conversion_error).
    static std::span<const std::byte> checked_read(std::span<const std::byte> bytes, std::size_t asked);
    // One loread of `count` (at most transfer_size) bytes into `into`; returns how many came.
    std::size_t read_some(connection& conn, std::byte* into, std::size_t count);
    void close_quietly() noexcept;

    // The part of import_file and export_file that runs in a transaction block.
    static typq::oid import_in_transaction(connection& conn, std::FILE* file, const std::string& path);
    static void export_in_transaction(connection& conn, typq::oid id, const std::string& path);

    // The connection's session, through a connection object of its own (connection::alias()),
    // so that the object follows the connection when it moves; empty once closed.
    std::optional<connection> conn_;
    typq::oid id_ = typq::oid::unspecified;
    std::int32_t descriptor_ = -1;
};

// Compiled once under TYPQ_SEPARATE_COMPILATION.
#if TYPQ_DEFINITIONS

namespace detail {

// A file from std::fopen, closed in the destructor unless closed (and checked) before.
class owned_file {
public:
    owned_file(const std::string& path, const char* how, const char* doing) : file_(std::fopen(path.c_str(), how))
    {
        if (!file_)
            throw file_error(doing, path, std::error_code(errno, std::generic_category()));
    }
    owned_file(const owned_file&) = delete;
    owned_file& operator=(const owned_file&) = delete;
    ~owned_file()
    {
        if (file_)
            (void)std::fclose(file_);
    }
    [[nodiscard]] std::FILE* get() const noexcept { return file_; }
    // Closes the file and says whether everything written reached it (fclose flushes).
    bool close() noexcept
    {
        std::FILE* file = std::exchange(file_, nullptr);
        return std::fclose(file) == 0;
    }

private:
    std::FILE* file_;
};

// errno as a std::error_code, or EIO when the C library set none.
inline std::error_code last_file_error() noexcept
{
    return std::error_code(errno != 0 ? errno : EIO, std::generic_category());
}

}  // namespace detail

TYPQ_DECL void large_object::require_transaction_block(const connection& conn, const char* function)
{
    if (conn.transaction_status() == typq::transaction_status::idle)
        throw usage_error(std::string("large_object::") + function
                          + ": a large object is used inside a transaction block (its descriptor lasts until the "
                            "transaction ends): open a typq::transaction first");
}

TYPQ_DECL connection& large_object::usable(const char* function)
{
    if (!conn_)
        throw usage_error(std::string("large_object::") + function + ": the large object "
                          + std::to_string(static_cast<std::uint32_t>(id_)) + " is not open");
    if (conn_->transaction_status() == typq::transaction_status::idle) {
        conn_.reset();  // its descriptor is gone with the transaction
        throw usage_error(std::string("large_object::") + function + ": the transaction in which large object "
                          + std::to_string(static_cast<std::uint32_t>(id_))
                          + " was opened has ended, and its descriptor with it: open it again in a new transaction");
    }
    return *conn_;
}

TYPQ_DECL large_object large_object::create(connection& conn, typq::oid wanted)
{
    require_transaction_block(conn, "create");
    const auto [id, descriptor] = conn.query_one<std::tuple<typq::oid, std::int32_t>>(
        "SELECT created, lo_open(created, $2) FROM lo_create($1) AS created", wanted,
        static_cast<std::int32_t>(mode::read_write));
    return large_object(conn, id, descriptor);
}

TYPQ_DECL large_object large_object::open(connection& conn, typq::oid id, mode how)
{
    require_transaction_block(conn, "open");
    const auto descriptor = conn.query_value<std::int32_t>("SELECT lo_open($1, $2)", id, static_cast<std::int32_t>(how));
    return large_object(conn, id, descriptor);
}

TYPQ_DECL void large_object::unlink(connection& conn, typq::oid id)
{
    (void)conn.query_value<std::int32_t>("SELECT lo_unlink($1)", id);
}

TYPQ_DECL std::span<const std::byte> large_object::checked_read(std::span<const std::byte> bytes, std::size_t asked)
{
    if (bytes.size() > asked)  // never trust the wire: the caller has room for `asked`
        throw conversion_error("loread returned " + std::to_string(bytes.size()) + " bytes where at most "
                                   + std::to_string(asked) + " were asked for",
            conversion_site{"loread", "bytea", "", "std::span<std::byte>"});
    return bytes;
}

TYPQ_DECL std::size_t large_object::read_some(connection& conn, std::byte* into, std::size_t count)
{
    // The bytes are copied straight out of the result (a view into it), not through a vector.
    const auto got = conn.query<std::span<const std::byte>>("SELECT loread($1, $2)", descriptor_,
        static_cast<std::int32_t>(count));
    const std::span<const std::byte> bytes = checked_read(got[0], count);
    if (!bytes.empty())
        std::memcpy(into, bytes.data(), bytes.size());
    return bytes.size();
}

TYPQ_DECL std::vector<std::byte> large_object::read(std::size_t max)
{
    connection& conn = usable("read");
    // The results are kept until the last has come, and then copied once into a vector of the
    // exact size: growing a vector as they came would copy and zero-fill most bytes twice.
    std::vector<result<std::span<const std::byte>>> parts;
    std::size_t total = 0;
    while (total < max) {
        const std::size_t ask = max - total < transfer_size ? max - total : transfer_size;
        parts.push_back(conn.query<std::span<const std::byte>>("SELECT loread($1, $2)", descriptor_,
            static_cast<std::int32_t>(ask)));
        const std::size_t got = checked_read(parts.back()[0], ask).size();
        total += got;
        if (got < ask)
            break;  // the end of the object
    }
    std::vector<std::byte> out;
    out.reserve(total);
    for (const auto& part : parts) {
        const std::span<const std::byte> bytes = part[0];
        out.insert(out.end(), bytes.begin(), bytes.end());
    }
    return out;
}

TYPQ_DECL std::size_t large_object::read(std::span<std::byte> buffer)
{
    connection& conn = usable("read");
    std::size_t done = 0;
    while (done < buffer.size()) {
        const std::size_t ask = buffer.size() - done < transfer_size ? buffer.size() - done : transfer_size;
        const std::size_t got = read_some(conn, buffer.data() + done, ask);
        done += got;
        if (got < ask)
            break;
    }
    return done;
}

TYPQ_DECL void large_object::write(std::span<const std::byte> bytes)
{
    connection& conn = usable("write");
    while (!bytes.empty()) {
        const std::span<const std::byte> part = bytes.first(bytes.size() < transfer_size ? bytes.size() : transfer_size);
        const auto written = conn.query_value<std::int32_t>("SELECT lowrite($1, $2)", descriptor_, part);
        if (written < 0 || static_cast<std::size_t>(written) != part.size())
            throw conversion_error("lowrite wrote " + std::to_string(written) + " bytes of "
                                       + std::to_string(part.size()),
                conversion_site{"lowrite", "int4", "", "std::int32_t"});
        bytes = bytes.subspan(part.size());
    }
}

TYPQ_DECL std::int64_t large_object::seek(std::int64_t offset, whence from)
{
    connection& conn = usable("seek");
    return conn.query_value<std::int64_t>("SELECT lo_lseek64($1, $2, $3)", descriptor_, offset,
        static_cast<std::int32_t>(from));
}

TYPQ_DECL std::int64_t large_object::tell()
{
    connection& conn = usable("tell");
    return conn.query_value<std::int64_t>("SELECT lo_tell64($1)", descriptor_);
}

TYPQ_DECL void large_object::truncate(std::int64_t size)
{
    if (size < 0)
        throw usage_error("large_object::truncate: the size " + std::to_string(size) + " is negative");
    connection& conn = usable("truncate");
    (void)conn.query_value<std::int32_t>("SELECT lo_truncate64($1, $2)", descriptor_, size);
}

TYPQ_DECL void large_object::close()
{
    std::optional<connection> conn = std::exchange(conn_, std::nullopt);  // whatever lo_close says, it is not used again
    if (conn && conn->transaction_status() != typq::transaction_status::idle
        && conn->transaction_status() != typq::transaction_status::in_error)
        (void)conn->query_value<std::int32_t>("SELECT lo_close($1)", descriptor_);
}

TYPQ_DECL void large_object::close_quietly() noexcept
{
    std::optional<connection> conn = std::exchange(conn_, std::nullopt);
    if (!conn || conn->state() != connection_state::open
        || conn->transaction_status() != typq::transaction_status::in_transaction)
        return;
    try {
        (void)conn->query_value<std::int32_t>("SELECT lo_close($1)", descriptor_);
    }
    catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
}

TYPQ_DECL typq::oid large_object::import_in_transaction(connection& conn, std::FILE* file, const std::string& path)
{
    large_object lo = create(conn);
    try {
        std::vector<std::byte> chunk(transfer_size);
        for (;;) {
            errno = 0;
            const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), file);
            if (got < chunk.size() && std::ferror(file))
                throw file_error("cannot read", path, detail::last_file_error());
            lo.write(std::span<const std::byte>(chunk.data(), got));
            if (got < chunk.size())
                break;
        }
        lo.close();
    }
    catch (...) {
        // The half-made object goes: deleted here, or with the aborted transaction.
        if (conn.transaction_status() == typq::transaction_status::in_transaction) {
            try {
                lo.close();
                unlink(conn, lo.oid());
            }
            catch (...) {  // NOLINT(bugprone-empty-catch): the first error is the one to report
            }
        }
        throw;
    }
    return lo.oid();
}

TYPQ_DECL void large_object::export_in_transaction(connection& conn, typq::oid id, const std::string& path)
{
    // The object first: a missing one must not cost the file that was at `path`.
    large_object lo = open(conn, id, mode::read);
    detail::owned_file file(path, "wb", "cannot open for writing");
    try {
        std::vector<std::byte> chunk(transfer_size);
        for (;;) {
            const std::size_t got = lo.read(std::span<std::byte>(chunk));
            errno = 0;
            if (got > 0 && std::fwrite(chunk.data(), 1, got, file.get()) != got)
                throw file_error("cannot write", path, detail::last_file_error());
            if (got < chunk.size())
                break;
        }
        errno = 0;
        if (!file.close())
            throw file_error("cannot write", path, detail::last_file_error());
    }
    catch (...) {
        if (file.get())
            (void)file.close();
        (void)std::remove(path.c_str());  // no partial copy is left behind
        throw;
    }
    lo.close();
}

TYPQ_DECL typq::oid large_object::import_file(connection& conn, const std::string& path)
{
    detail::owned_file file(path, "rb", "cannot open for reading");
    if (conn.transaction_status() != typq::transaction_status::idle)
        return import_in_transaction(conn, file.get(), path);
    typq::transaction tx{conn};
    const typq::oid id = import_in_transaction(conn, file.get(), path);
    tx.commit();
    return id;
}

TYPQ_DECL void large_object::export_file(connection& conn, typq::oid id, const std::string& path)
{
    if (conn.transaction_status() != typq::transaction_status::idle) {
        export_in_transaction(conn, id, path);
        return;
    }
    typq::transaction tx{conn};
    export_in_transaction(conn, id, path);
    tx.commit();
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq

#endif  // TYPQ_LARGE_OBJECT_HPP
// ----- end <typq/large_object.hpp> -----
// ----- begin <typq/pool_options.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/pool_options.hpp: what typq::pool and typq::async_pool are given and report: their options
// (a struct for designated initializers), their statistics, and the errors of acquiring.

#ifndef TYPQ_POOL_OPTIONS_HPP
#define TYPQ_POOL_OPTIONS_HPP


#include <chrono>      // durations in the options and statistics
#include <cstddef>     // std::size_t
#include <cstdint>     // std::uint64_t counters
#include <functional>  // std::function: the configure, check and reset hooks
#include <string>      // messages

namespace typq {

/// How a pool waits before trying again after a connection attempt failed: `initial`, then
/// `factor` times the previous delay, at most `max_delay`; each delay is spread by up to
/// `jitter` (a fraction) either way, so that pools that lost the same server do not all come
/// back at the same instant. A success resets the delay. The pool never gives up: requests
/// meanwhile fail with typq::pool_timeout, which names the last failure.
struct reconnect_backoff {
    std::chrono::milliseconds initial = std::chrono::seconds(1);  ///< must be positive
    double factor = 2.0;                                          ///< at least 1
    std::chrono::milliseconds max_delay = std::chrono::seconds(60);  ///< the longest delay, before jitter
    double jitter = 0.1;  ///< in [0, 1)
};

/// The options of a pool, for designated initializers; `Hook` is how it calls the program back
/// (typq::pool_options for typq::pool). Durations of zero mean "no limit" where said.
/// `typq::pool pool{"postgresql:///app", {.min_size = 2, .max_size = 16}};`
template <class Hook>
struct basic_pool_options {
    /// Connections the pool keeps open, made in the background when the pool opens and whenever
    /// one is lost or expires.
    std::size_t min_size = 4;
    /// Connections it may open when requests wait; 0: as many as min_size.
    std::size_t max_size = 0;
    /// How long connection() waits before it throws typq::pool_timeout.
    std::chrono::milliseconds timeout = std::chrono::seconds(30);
    /// How many requests may wait at once; one more throws typq::too_many_requests. 0: no limit.
    std::size_t max_waiting = 0;
    /// A connection is closed and replaced after this long (less up to 5%, at random, so that
    /// connections made together do not expire together): when it comes back, or while idle.
    /// 0: never.
    std::chrono::milliseconds max_lifetime = std::chrono::hours(1);
    /// A connection left idle this long is closed, as long as more than min_size are open.
    /// 0: never.
    std::chrono::milliseconds max_idle = std::chrono::minutes(10);
    /// How many connection attempts run at once (typq::pool: its worker threads).
    std::size_t max_connecting = 2;
    /// The delays between failed connection attempts.
    reconnect_backoff reconnect{};
    /// The options of every connection the pool makes.
    typq::connection_options connection{};
    /// Runs on each new connection before its first use (`SET` parameters, prepare statements,
    /// register types). A throw, or a connection left in a transaction block, discards it and
    /// counts as a failed attempt.
    Hook configure{};
    /// Runs on a connection before it is handed out; a throw discards it and the pool takes
    /// another. Empty: no check beyond the pool's own (see docs/pool.md).
    Hook check{};
    /// Runs on a connection that comes back, after an open transaction has been rolled back; a
    /// throw, or a connection left in a transaction block, discards it.
    Hook reset{};
};

/// typq::pool's options; its hooks run in the pool's threads and the program's, possibly several
/// at once.
using pool_options = basic_pool_options<std::function<void(connection&)>>;

/// A pool's counters (pool::stats()); sizes are as of the call, counters since the pool opened.
struct pool_stats {
    std::size_t min_size = 0;    ///< the pool's min_size option
    std::size_t max_size = 0;    ///< the pool's max_size (its min_size when the option is 0)
    std::size_t size = 0;        ///< connections open: idle + in use
    std::size_t idle = 0;        ///< ready to be handed out
    std::size_t in_use = 0;      ///< lent out
    std::size_t connecting = 0;  ///< attempts in progress
    std::size_t waiting = 0;     ///< requests waiting for a connection
    std::uint64_t connections_made = 0;     ///< opened (and configured) successfully
    std::uint64_t connect_failures = 0;     ///< attempts that failed, configure included
    std::uint64_t connections_lost = 0;     ///< discarded: broken, failed a check, rollback or reset
    std::uint64_t connections_expired = 0;  ///< closed for max_lifetime or max_idle
    std::uint64_t acquisitions = 0;         ///< connections handed out
    std::uint64_t queued = 0;               ///< of those, how many had to wait
    std::chrono::nanoseconds total_wait{};  ///< their time from request to handing out, summed
    std::uint64_t timeouts = 0;             ///< requests that failed with typq::pool_timeout
    std::uint64_t rejected = 0;             ///< requests refused with typq::too_many_requests
};

/// A pool could not hand out a connection.
class pool_error : public error {
public:
    using error::error;
};

/// No connection became free within the timeout (or, from pool::wait(), the pool did not reach
/// min_size connections). what() says how long it waited, the pool's sizes, and the last
/// failed connection attempt if the pool cannot connect.
class pool_timeout : public pool_error {
public:
    /// An error with `message` as what(), after waiting `waited`.
    pool_timeout(const std::string& message, std::chrono::nanoseconds waited)
        : pool_error(message), waited_(waited)
    {
    }
    /// How long the request waited.
    [[nodiscard]] std::chrono::nanoseconds waited() const noexcept { return waited_; }

private:
    std::chrono::nanoseconds waited_;
};

/// A request found max_waiting requests already waiting, and was refused at once.
class too_many_requests : public pool_error {
public:
    using pool_error::pool_error;
};

/// The pool is closed: requests that waited, and every later one, fail with this.
class pool_closed : public pool_error {
public:
    using pool_error::pool_error;
};

}  // namespace typq

#endif  // TYPQ_POOL_OPTIONS_HPP
// ----- end <typq/pool_options.hpp> -----
// ----- begin <typq/pool.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/pool.hpp: typq::pool, a pool of connections for threads: requests wait on a condition
// variable, worker threads owned by the pool make and expire connections; every decision about
// sizes, expiry, backoff and order is typq/detail/pool_core.hpp's, shared with typq::async_pool.

#ifndef TYPQ_POOL_HPP
#define TYPQ_POOL_HPP

// ----- begin <typq/detail/pool_core.hpp> -----
// SPDX-License-Identifier: BSL-1.0
// typq/detail/pool_core.hpp: what typq::pool and typq::async_pool share and that does not depend
// on how one waits: the idle connections, the sizes and counters, when a connection expires,
// when to make one and how long to back off after a failure, the max_waiting rule, and the queue
// of requests served in FIFO order. Every decision is here; a pool only waits (a condition
// variable, an Asio timer or channel), runs connections' I/O and the program's hooks, and calls
// back.
//
// Concurrency: one mutex, held only for bookkeeping, never for I/O or a hook. Every member that
// takes a `locked&` must be called with it held (the pool gets it from lock() and may wait on a
// condition variable with it). Connections that the core lets go are put into a `dropped` vector
// the caller owns, so that they are closed (a network write) after the lock is released.
//
// Connection: move-constructible, with state() and transaction_status() returning enums with the
// enumerators of typq::connection_state and typq::transaction_status, and native_handle() giving
// the PGconn* (typq::connection, typq::async_connection).
//
// Waiter: what a queued request waits with, constructed from the request's extra arguments, with
// `void wake() noexcept`. The core calls wake() with the lock held once the request is done
// (granted a connection, or failed): it must not block nor call into the core, and must be seen
// by a requester that has not begun to wait yet (a condition variable waited on with a predicate
// under the same lock, a buffered channel, a posted completion).

#ifndef TYPQ_DETAIL_POOL_CORE_HPP
#define TYPQ_DETAIL_POOL_CORE_HPP


#include <libpq-fe.h>

#include <chrono>     // steady_clock, deadlines
#include <cerrno>     // EINTR from poll
#include <cstddef>    // std::size_t
#include <cstdint>    // the jitter generator's state
#include <deque>      // the idle connections
#include <exception>  // std::exception_ptr: the failure a waiting request is given
#include <mutex>      // std::mutex, std::unique_lock
#include <optional>   // a grant
#include <poll.h>     // poll: unread input on an idle connection's socket
#include <string>     // messages
#include <utility>    // std::move, std::forward
#include <vector>     // connections dropped under the lock, closed after it

namespace typq::detail {

using pool_clock = std::chrono::steady_clock;

// Spread for delays and lifetimes (splitmix64): only to keep pools and connections from acting in
// step, nothing secret.
class pool_jitter {
public:
    explicit pool_jitter(std::uint64_t seed) noexcept : state_(seed) {}
    // A number in [0, 1).
    double next() noexcept
    {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        return static_cast<double>(z >> 11) * 0x1.0p-53;
    }

private:
    std::uint64_t state_;
};

// Whether the server has sent something on an idle connection's socket. Between statements it
// sends nothing unasked except notifications, notices and, when it ends the session (the backend
// terminated, the server shut down), its last error and end-of-file: so a connection with unread
// input is worth a round trip before it is handed out, and one without is as good as the pool can
// know without one. One poll() that does not wait; nothing is read.
inline bool has_unread_input(PGconn* conn) noexcept
{
    const int socket = conn ? PQsocket(conn) : -1;
    if (socket < 0)
        return true;
    pollfd fd{};
    fd.fd = socket;
    fd.events = POLLIN;
    for (;;) {
        const int ready = ::poll(&fd, 1, 0);
        if (ready >= 0)
            return ready > 0;
        if (errno != EINTR)
            return true;  // a round trip will say what is wrong
    }
}

template <class Connection, class Waiter>
class pool_core {
public:
    using clock = pool_clock;
    using time_point = clock::time_point;
    using duration = clock::duration;
    using locked = std::unique_lock<std::mutex>;

    /// A connection the pool owns, with what the pool knows of it.
    struct entry {
        Connection conn;
        time_point expires;     // max_lifetime, with its jitter; time_point::max(): never
        time_point idle_since;  // when it was made or last came back
    };

    /// One request for a connection, owned by the requester (on its stack, in its coroutine
    /// frame) and queued in the core while it waits. It must not be destroyed while queued: a
    /// requester that stops waiting calls take(), then timed_out() or withdraw().
    class request {
    public:
        /// `now`: when the request was made (its wait and its timeout count from then);
        /// `args`: the waiter's.
        template <class... Args>
        explicit request(time_point now, Args&&... args)
            : waiter(std::forward<Args>(args)...), start_(now), since_(now)
        {
        }
        request(const request&) = delete;
        request& operator=(const request&) = delete;

        /// Whether the wait is over: a connection was granted, or the request failed (the pool
        /// closed). With the lock held.
        [[nodiscard]] bool done() const noexcept { return granted_.has_value() || failure_ != nullptr; }
        /// When the request was made.
        [[nodiscard]] time_point started() const noexcept { return start_; }

        Waiter waiter;

    private:
        friend class pool_core;
        std::optional<entry> granted_;
        std::exception_ptr failure_;
        request* prev_ = nullptr;  // the FIFO of waiting requests, linked through the requests
        request* next_ = nullptr;
        bool queued_ = false;
        bool admitted_ = false;      // has been queued: past max_waiting, first in line when it comes back
        bool waited_ = false;        // had to wait (counts among the queued acquisitions)
        bool counted_ = false;       // counted among the acquisitions
        bool queue_counted_ = false; // counted among the queued ones
        time_point start_;
        time_point since_;  // from when the wait still to be added to total_wait counts
    };

    /// What acquire() found.
    struct acquired {
        std::optional<entry> conn;  ///< a connection to vet and hand out; empty: the request is queued
        bool kick = false;          ///< the background has new work (call next_chore() soon)
    };

    /// What the background is to do next (next_chore()).
    struct chore {
        bool stop = false;     ///< the pool is closed: the background ends
        bool connect = false;  ///< make one connection, then report connected() or connect_failed()
        bool more = false;     ///< another attempt may start at once (wake a second worker)
        time_point wake_at = time_point::max();  ///< call next_chore() again by then, or when kicked
    };

    /// What to do with a connection that comes back (on_return()).
    enum class comeback {
        keep,       ///< idle and open: ready for the next user
        roll_back,  ///< inside a transaction block: ROLLBACK, then look again
        discard,    ///< broken, closed, or a statement still running: close it
    };

    /// What to do with an idle connection before handing it out (vet()).
    enum class verdict {
        ready,    ///< hand it out (after the program's check, if any)
        probe,    ///< the server sent something unasked: a round trip (an empty query) decides
        discard,  ///< close it and take another
    };

    /// Takes the options' numbers (the hooks stay with the pool).
    /// @throws typq::usage_error when the sizes, durations or backoff make no sense.
    template <class Options>
    explicit pool_core(const Options& options)
        : min_size_(options.min_size),
          max_size_(options.max_size == 0 ? options.min_size : options.max_size),
          max_waiting_(options.max_waiting),
          max_connecting_(options.max_connecting),
          timeout_(capped(options.timeout)),
          max_lifetime_(capped(options.max_lifetime)),
          max_idle_(capped(options.max_idle)),
          reconnect_(options.reconnect),
          jitter_(seed())
    {
        if (max_size_ == 0)
            throw usage_error("typq::pool: max_size must be at least 1 (0 means min_size, which is 0 too)");
        if (max_size_ < min_size_)
            throw usage_error("typq::pool: max_size (" + std::to_string(max_size_) + ") is less than min_size ("
                + std::to_string(min_size_) + ")");
        if (max_connecting_ == 0)
            throw usage_error("typq::pool: max_connecting must be at least 1");
        if (options.timeout.count() < 0 || options.max_lifetime.count() < 0 || options.max_idle.count() < 0)
            throw usage_error("typq::pool: timeout, max_lifetime and max_idle cannot be negative");
        if (reconnect_.initial.count() <= 0 || reconnect_.max_delay < reconnect_.initial
            || !(reconnect_.factor >= 1.0) || !(reconnect_.jitter >= 0.0 && reconnect_.jitter < 1.0))
            throw usage_error("typq::pool: reconnect needs initial > 0, max_delay >= initial, factor >= 1 and "
                              "jitter in [0, 1)");
    }

    pool_core(const pool_core&) = delete;
    pool_core& operator=(const pool_core&) = delete;

    /// The lock every other member needs.
    [[nodiscard]] locked lock() { return locked(mutex_); }

    /// How long a request waits by default (the options' timeout).
    [[nodiscard]] duration timeout() const noexcept { return timeout_; }

    /// `now` + `timeout`, saturated (a timeout of milliseconds::max() means "no timeout" rather
    /// than an overflow).
    [[nodiscard]] static time_point deadline(time_point now, std::chrono::milliseconds timeout) noexcept
    {
        if (timeout.count() <= 0)
            return now;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(time_point::max() - now);
        return timeout >= left ? time_point::max() : now + timeout;
    }

    // --- acquiring -------------------------------------------------------------------------

    /// Serves `r` at once from the idle connections (the most recently returned first; those
    /// past max_lifetime are dropped on the way), or queues it. A request that comes back after
    /// its connection failed vetting keeps its place: it goes first in the queue, and max_waiting
    /// does not apply again.
    /// @throws typq::pool_closed; typq::too_many_requests when max_waiting requests wait.
    acquired acquire(locked&, request& r, time_point now, std::vector<entry>& dropped)
    {
        if (closed_)
            throw pool_closed("typq::pool: the pool is closed");
        acquired out;
        while (!idle_.empty()) {
            entry e = std::move(idle_.back());
            idle_.pop_back();
            if (now >= e.expires) {
                ++expired_;
                drop(std::move(e), dropped);
                out.kick = true;
                continue;
            }
            granted(r, now);
            out.conn.emplace(std::move(e));
            return out;
        }
        if (!r.admitted_ && max_waiting_ != 0 && waiting_ >= max_waiting_) {
            ++rejected_;
            throw too_many_requests("typq::pool: " + std::to_string(waiting_) + " requests already wait for a "
                "connection (max_waiting " + std::to_string(max_waiting_) + "; " + describe() + ")");
        }
        enqueue(r, r.admitted_);
        r.admitted_ = true;
        r.waited_ = true;
        out.kick = out.kick || background_due(now);
        return out;
    }

    /// After a wait: the connection granted to `r`, or std::nullopt while none is (then the
    /// request is still queued: wait again, or give up with timed_out() or withdraw()).
    /// @throws what the request failed with (typq::pool_closed).
    std::optional<entry> take(locked&, request& r)
    {
        if (r.failure_) {
            std::exception_ptr failure = r.failure_;
            r.failure_ = nullptr;
            std::rethrow_exception(failure);
        }
        std::optional<entry> out = std::move(r.granted_);
        r.granted_.reset();
        return out;
    }

    /// Gives up a request that is still queued (a cancelled coroutine), without counting a
    /// timeout; returns what was granted to it meanwhile, which the caller uses or release()s.
    std::optional<entry> withdraw(locked&, request& r)
    {
        unlink(r);
        r.failure_ = nullptr;
        std::optional<entry> out = std::move(r.granted_);
        r.granted_.reset();
        return out;
    }

    /// Gives up a request whose time is up (after take() found nothing): the error to throw.
    [[nodiscard]] pool_timeout timed_out(locked&, request& r, time_point now)
    {
        unlink(r);  // first: the request must leave the queue even if building the message throws
        ++timeouts_;
        const auto waited = now - r.start_;
        std::string message = "typq::pool: no connection was free within the timeout: waited " + milliseconds(waited)
            + " (" + describe(1) + ")";  // the sizes while it waited, itself among the waiting
        if (!last_error_.empty())
            message += "; the last attempt to connect failed: " + last_error_;
        return pool_timeout(message, std::chrono::duration_cast<std::chrono::nanoseconds>(waited));
    }

    /// Whether an idle connection may be handed out, as far as the pool can tell without a
    /// round trip. No lock needed: the caller holds the connection.
    [[nodiscard]] static verdict vet(const Connection& c) noexcept
    {
        if (on_return(c) != comeback::keep)
            return verdict::discard;
        return has_unread_input(c.native_handle()) ? verdict::probe : verdict::ready;
    }

    // --- returning -------------------------------------------------------------------------

    /// What a connection coming back needs before another user may have it. No lock needed.
    [[nodiscard]] static comeback on_return(const Connection& c) noexcept
    {
        using state = decltype(c.state());
        using status = decltype(c.transaction_status());
        if (c.state() != state::open)
            return comeback::discard;
        switch (c.transaction_status()) {
        case status::idle: return comeback::keep;
        case status::in_transaction:
        case status::in_error: return comeback::roll_back;
        default: return comeback::discard;  // active: a statement was abandoned; unknown
        }
    }

    /// A connection comes back from a user (or from vetting): `fit` when it is ready for the
    /// next one (on_return() said keep, after any rollback and the reset hook). It goes to the
    /// first waiting request, else to the idle connections; it is dropped when unfit (counted
    /// lost), past max_lifetime (expired) or when the pool is closed.
    /// @returns whether the background has new work (a replacement, an earlier expiry).
    bool release(locked&, entry&& e, bool fit, time_point now, std::vector<entry>& dropped)
    {
        if (closed_) {
            drop(std::move(e), dropped);
            return false;
        }
        if (!fit || now >= e.expires) {
            ++(fit ? expired_ : lost_);
            drop(std::move(e), dropped);
            return background_due(now);
        }
        e.idle_since = now;
        if (head_) {
            hand_over(std::move(e), now);
            return false;
        }
        idle_.push_back(std::move(e));
        return due_before_wake(earlier(idle_.back().expires, idle_due(idle_.back())));
    }

    // --- the background ----------------------------------------------------------------------

    /// What the background is to do now: connections past max_lifetime, or idle for max_idle
    /// beyond min_size, go into `dropped`; a connection is to be made when fewer are open or
    /// being made than min_size or than the requests need (up to max_size), unless
    /// max_connecting attempts run or a failure's backoff has not passed.
    chore next_chore(locked&, time_point now, std::vector<entry>& dropped)
    {
        chore out;
        if (closed_) {
            out.stop = true;
            return out;
        }
        for (auto it = idle_.begin(); it != idle_.end();) {
            const bool too_old = now >= it->expires;
            if (too_old || (max_idle_.count() > 0 && open_ > min_size_ && now - it->idle_since >= max_idle_)) {
                ++expired_;
                --open_;
                dropped.push_back(std::move(*it));
                it = idle_.erase(it);
                continue;
            }
            ++it;
        }
        for (const entry& e : idle_) {
            out.wake_at = earlier(out.wake_at, e.expires);
            out.wake_at = earlier(out.wake_at, idle_due(e));
        }
        const std::size_t missing = this->missing();
        if (missing > 0 && connecting_ < max_connecting_) {
            if (now >= next_attempt_) {
                ++connecting_;
                out.connect = true;
                out.more = missing > 1 && connecting_ < max_connecting_;
            }
            else
                out.wake_at = earlier(out.wake_at, next_attempt_);
        }
        wake_at_ = out.wake_at;
        return out;
    }

    /// A connection attempt that next_chore() started succeeded: the connection goes to the
    /// first waiting request, else to the idle ones (dropped if the pool closed meanwhile).
    /// @returns whether the background should look again before it planned to.
    bool connected(locked&, Connection&& c, time_point now, std::vector<entry>& dropped)
    {
        --connecting_;
        ++made_;
        delay_ = duration::zero();
        next_attempt_ = now;
        last_error_.clear();
        entry e{std::move(c), lifetime_end(now), now};
        if (closed_) {
            dropped.push_back(std::move(e));
            return false;
        }
        ++open_;
        if (head_) {
            hand_over(std::move(e), now);
            return background_due(now);
        }
        idle_.push_back(std::move(e));
        const bool due = due_before_wake(earlier(idle_.back().expires, idle_due(idle_.back())));
        return background_due(now) || due;
    }

    /// A connection attempt that next_chore() started failed (`why`: its message): the next
    /// one waits for the backoff.
    /// @returns whether the background should look again before it planned to.
    bool connect_failed(locked&, std::string why, time_point now)
    {
        --connecting_;
        ++connect_failures_;
        last_error_ = std::move(why);
        const duration initial = capped(reconnect_.initial);
        const duration most = capped(reconnect_.max_delay);
        if (delay_ == duration::zero())
            delay_ = initial;
        else {
            // In double: a large factor must saturate at max_delay, not overflow.
            const double grown = static_cast<double>(delay_.count()) * reconnect_.factor;
            delay_ = grown < static_cast<double>(most.count()) ? duration(static_cast<duration::rep>(grown)) : most;
        }
        next_attempt_ = now + scaled(delay_, 1.0 + reconnect_.jitter * (2.0 * jitter_.next() - 1.0));
        return missing() > 0 && due_before_wake(next_attempt_);
    }

    // --- closing and reporting ---------------------------------------------------------------

    /// Closes the pool: idle connections go into `dropped`, waiting requests fail with
    /// typq::pool_closed, later requests too; connections in use are dropped as they come back.
    void close(locked&, std::vector<entry>& dropped)
    {
        if (closed_)
            return;
        closed_ = true;
        while (!idle_.empty()) {
            drop(std::move(idle_.back()), dropped);
            idle_.pop_back();
        }
        const std::exception_ptr failure =
            std::make_exception_ptr(pool_closed("typq::pool: the pool was closed while the request waited"));
        while (head_) {
            request& r = *head_;
            unlink(r);
            r.failure_ = failure;
            r.waiter.wake();
        }
    }

    [[nodiscard]] bool closed(const locked&) const noexcept { return closed_; }
    /// Connections lent out (granted and not yet back).
    [[nodiscard]] std::size_t in_use(const locked&) const noexcept { return open_ - idle_.size(); }
    /// Whether min_size connections are open.
    [[nodiscard]] bool ready(const locked&) const noexcept { return open_ >= min_size_; }

    /// The error pool::wait() throws when min_size was not reached in time.
    [[nodiscard]] pool_timeout not_ready(const locked&, duration waited) const
    {
        std::string message = "typq::pool: min_size (" + std::to_string(min_size_) + ") connections were not open "
            "within " + milliseconds(waited) + " (" + describe() + ")";
        if (!last_error_.empty())
            message += "; the last attempt to connect failed: " + last_error_;
        return pool_timeout(message, std::chrono::duration_cast<std::chrono::nanoseconds>(waited));
    }

    [[nodiscard]] pool_stats stats(const locked&) const
    {
        pool_stats s;
        s.min_size = min_size_;
        s.max_size = max_size_;
        s.size = open_;
        s.idle = idle_.size();
        s.in_use = open_ - idle_.size();
        s.connecting = connecting_;
        s.waiting = waiting_;
        s.connections_made = made_;
        s.connect_failures = connect_failures_;
        s.connections_lost = lost_;
        s.connections_expired = expired_;
        s.acquisitions = acquisitions_;
        s.queued = queued_;
        s.total_wait = std::chrono::duration_cast<std::chrono::nanoseconds>(total_wait_);
        s.timeouts = timeouts_;
        s.rejected = rejected_;
        return s;
    }

private:
    static std::uint64_t seed() noexcept
    {
        return static_cast<std::uint64_t>(clock::now().time_since_epoch().count());
    }

    // A duration from the options, at most about a century: a huge value means "never", and
    // must not overflow the clock's nanoseconds (nor time_point arithmetic on them).
    static duration capped(std::chrono::milliseconds d) noexcept
    {
        constexpr std::chrono::milliseconds century = std::chrono::hours(24 * 365 * 100);
        return d > century ? duration(century) : duration(d);
    }

    static duration scaled(duration d, double factor) noexcept
    {
        return std::chrono::duration_cast<duration>(std::chrono::duration<double, duration::period>(d) * factor);
    }

    static std::string milliseconds(duration d)
    {
        return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
    }

    // The pool's sizes, for messages; `gone`: requests that just left the queue, counted as waiting.
    std::string describe(std::size_t gone = 0) const
    {
        return "pool of " + std::to_string(min_size_) + " to " + std::to_string(max_size_) + " connections: "
            + std::to_string(open_ - idle_.size()) + " in use, " + std::to_string(idle_.size()) + " idle, "
            + std::to_string(connecting_) + " being made, " + std::to_string(waiting_ + gone) + " waiting";
    }

    time_point lifetime_end(time_point now) noexcept
    {
        if (max_lifetime_.count() == 0)
            return time_point::max();
        // Up to 5% less, as psycopg_pool does: connections made together expire apart.
        return now + scaled(max_lifetime_, 1.0 - 0.05 * jitter_.next());
    }

    // When an idle connection is to be closed for max_idle, if more than min_size are open then.
    time_point idle_due(const entry& e) const noexcept
    {
        if (max_idle_.count() == 0 || open_ <= min_size_)
            return time_point::max();
        return e.idle_since + max_idle_;
    }

    // Connections to make now: enough for min_size, and for every request waiting (up to max_size).
    std::size_t missing() const noexcept
    {
        const std::size_t demand = open_ - idle_.size() + waiting_;
        const std::size_t floor = demand > min_size_ ? demand : min_size_;
        const std::size_t wanted = floor < max_size_ ? floor : max_size_;
        const std::size_t have = open_ + connecting_;
        return wanted > have ? wanted - have : 0;
    }

    bool background_due(time_point now) noexcept
    {
        return missing() > 0 && connecting_ < max_connecting_ && now >= next_attempt_;
    }

    // Whether the background sleeps past `due`; if so it is about to be woken, and will look again.
    bool due_before_wake(time_point due) noexcept
    {
        if (due >= wake_at_)
            return false;
        wake_at_ = due;
        return true;
    }

    // Lets go of a connection the pool counted as open; the caller closes it after the lock.
    void drop(entry&& e, std::vector<entry>& dropped)
    {
        --open_;
        dropped.push_back(std::move(e));
    }

    // Counts a grant to `r`: one acquisition per request (a request whose connection failed
    // vetting is granted again), and the wait since the request or since its last grant.
    void granted(request& r, time_point now) noexcept
    {
        if (!r.counted_) {
            r.counted_ = true;
            ++acquisitions_;
        }
        if (r.waited_ && !r.queue_counted_) {
            r.queue_counted_ = true;
            ++queued_;
        }
        total_wait_ += now - r.since_;
        r.since_ = now;
    }

    // A connection ready for a user: to the request that has waited longest, else idle.
    void hand_over(entry&& e, time_point now)
    {
        if (request* r = head_) {
            unlink(*r);
            granted(*r, now);
            r->granted_.emplace(std::move(e));
            r->waiter.wake();
            return;
        }
        idle_.push_back(std::move(e));
    }

    void enqueue(request& r, bool front) noexcept
    {
        r.queued_ = true;
        ++waiting_;
        if (front) {
            r.prev_ = nullptr;
            r.next_ = head_;
            (head_ ? head_->prev_ : tail_) = &r;
            head_ = &r;
        }
        else {
            r.next_ = nullptr;
            r.prev_ = tail_;
            (tail_ ? tail_->next_ : head_) = &r;
            tail_ = &r;
        }
    }

    void unlink(request& r) noexcept
    {
        if (!r.queued_)
            return;
        (r.prev_ ? r.prev_->next_ : head_) = r.next_;
        (r.next_ ? r.next_->prev_ : tail_) = r.prev_;
        r.prev_ = r.next_ = nullptr;
        r.queued_ = false;
        --waiting_;
    }

    static time_point earlier(time_point a, time_point b) noexcept { return b < a ? b : a; }

    std::mutex mutex_;
    std::deque<entry> idle_;  // the most recently returned at the back, handed out first
    request* head_ = nullptr;
    request* tail_ = nullptr;
    std::size_t waiting_ = 0;
    std::size_t open_ = 0;  // idle, in use, or granted and not yet taken
    std::size_t connecting_ = 0;
    bool closed_ = false;

    const std::size_t min_size_;
    const std::size_t max_size_;
    const std::size_t max_waiting_;
    const std::size_t max_connecting_;
    const duration timeout_;
    const duration max_lifetime_;
    const duration max_idle_;
    const reconnect_backoff reconnect_;

    duration delay_ = duration::zero();  // the last backoff; zero after a success
    time_point next_attempt_{};          // no attempt starts before
    time_point wake_at_ = time_point::max();  // when the background next looks, unless kicked
    std::string last_error_;             // why the last attempt failed; empty after a success
    pool_jitter jitter_;

    std::uint64_t made_ = 0;
    std::uint64_t connect_failures_ = 0;
    std::uint64_t lost_ = 0;
    std::uint64_t expired_ = 0;
    std::uint64_t acquisitions_ = 0;
    std::uint64_t queued_ = 0;
    duration total_wait_ = duration::zero();
    std::uint64_t timeouts_ = 0;
    std::uint64_t rejected_ = 0;
};

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_POOL_CORE_HPP
// ----- end <typq/detail/pool_core.hpp> -----

#include <chrono>              // timeouts
#include <condition_variable>  // requests and workers wait on the core's mutex
#include <cstddef>             // std::size_t
#include <exception>           // std::exception: messages of failed connection attempts
#include <memory>              // std::shared_ptr: the state leases share with the pool
#include <mutex>               // joining the workers once
#include <optional>            // a lease's connection
#include <string>              // conninfo, messages
#include <string_view>         // conninfo
#include <thread>              // the worker threads
#include <utility>             // std::move
#include <vector>              // workers; connections closed after the lock

namespace typq {

namespace detail {

// A request of typq::pool waits on its own condition variable, with the core's mutex.
struct pool_thread_waiter {
    std::condition_variable ready;
    void wake() noexcept { ready.notify_one(); }
};

// What a typq::pool, its worker threads and its leases share. Leases hold it, so that a lease
// that outlives its pool still has somewhere to return to (the connection is then closed).
class pool_state {
public:
    using core_type = pool_core<connection, pool_thread_waiter>;
    using entry = core_type::entry;
    using clock = core_type::clock;

    pool_state(std::string info, const pool_options& given) : core(given), conninfo(std::move(info)), options(given) {}

    // A connection vetted for the next user, waiting up to `timeout`.
    // @throws typq::pool_timeout, typq::too_many_requests, typq::pool_closed.
    TYPQ_DECL entry acquire(std::chrono::milliseconds timeout);
    // A lease's connection comes back: rolled back, reset, then idle (or to a waiting request),
    // or closed and replaced.
    TYPQ_DECL void give_back(entry&& e) noexcept;
    // Gives `e` to the core (`fit` for another user or not) and closes what the core lets go.
    TYPQ_DECL void put_back(entry&& e, bool fit) noexcept;
    // A worker thread's life: make connections, close expired ones, until the pool closes.
    TYPQ_DECL void work() noexcept;

    core_type core;
    const std::string conninfo;
    const pool_options options;
    std::condition_variable background;  // worker threads sleep here
    std::condition_variable changed;     // close() and wait(): a connection was made or came back

private:
    TYPQ_DECL void connect_one() noexcept;
    TYPQ_DECL bool ready_for_next(connection& c) const noexcept;
    TYPQ_DECL bool fit_to_hand_out(connection& c) const noexcept;
};

}  // namespace detail

/// A pool of connections to one server, safe to use from many threads. It opens min_size
/// connections in the background when it is made, lends them out with connection(), takes them
/// back when the lease ends (rolling back what the user left open), replaces those that are
/// lost, grows up to max_size while requests wait and shrinks back after max_idle. See
/// docs/pool.md.
///
/// `typq::pool pool{"postgresql:///app", {.min_size = 2, .max_size = 16}};`
/// `{ auto c = pool.connection(); c->execute("..."); }`
///
/// Neither copyable nor movable (its threads refer to it); hold it in a std::unique_ptr to move
/// it. Destroying it closes it without waiting for leases (see close()).
class pool {
public:
    class lease;

    /// Opens the pool: starts its worker threads (at most max_connecting), which connect with
    /// `conninfo` (as typq::connection does) until min_size connections are open. Connecting
    /// happens in the background: a server that cannot be reached makes requests time out
    /// (typq::pool_timeout says why), not this constructor fail; wait() waits for min_size.
    /// @throws typq::usage_error when the options make no sense (max_size < min_size, ...).
    TYPQ_DECL explicit pool(std::string_view conninfo, const pool_options& options = {});

    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;

    /// close(0): stops at once; leases still out close their connections when they end.
    TYPQ_DECL ~pool();

    /// Lends a connection, waiting up to the options' timeout for one: the lease gives it back
    /// when destroyed. Requests are served in the order they came. A connection handed out is
    /// open, outside any transaction block, and has passed the options' check; the pool
    /// discards those that fail and takes another.
    /// @throws typq::pool_timeout when none is free in time (what() gives the wait, the pool's
    ///         sizes and the last failed connection attempt); typq::too_many_requests when
    ///         max_waiting requests already wait; typq::pool_closed after close().
    [[nodiscard]] lease connection();

    /// As connection(), waiting up to `timeout`.
    [[nodiscard]] lease connection(std::chrono::milliseconds timeout);

    /// Blocks until min_size connections are open (psycopg_pool's wait()), for startup and tests.
    /// @throws typq::pool_timeout when they are not within `timeout` (the pool stays open and
    ///         keeps trying); typq::pool_closed.
    TYPQ_DECL void wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));

    /// Closes the pool: requests that wait and every later one fail with typq::pool_closed, idle
    /// connections are closed, and it waits up to `timeout` for the leases still out to end
    /// (their connections are closed as they come back, also after the timeout: the pool never
    /// closes a connection another thread is using), then stops its worker threads. Closing
    /// twice is harmless.
    /// @returns whether every lease had ended.
    TYPQ_DECL bool close(std::chrono::milliseconds timeout = std::chrono::seconds(5));

    /// Sizes and counters, as of now.
    [[nodiscard]] TYPQ_DECL pool_stats stats() const;

    /// A check for pool_options::check: one round trip (an empty query, which the server
    /// answers without parsing or planning anything). It finds a connection whose server went
    /// away without closing it (a network cut, a crashed host), which the pool's own check,
    /// free of round trips, cannot see; it costs a round trip per acquisition.
    /// `typq::pool pool{dsn, {.check = typq::pool::check_connection}};`
    /// @throws typq::connection_error when the connection is lost.
    static void check_connection(typq::connection& c) { (void)c.execute(""); }

private:
    TYPQ_DECL void stop() noexcept;

    std::shared_ptr<detail::pool_state> state_;
    std::mutex join_;  // close() may be called from several threads: the workers are joined once
    std::vector<std::thread> workers_;
};

/// A connection lent by a typq::pool, used through `->` and `*` as a `typq::connection&`; it
/// goes back to the pool when the lease is destroyed (or release()d). Move-only.
///
/// What comes back: a transaction block left open (or failed) is rolled back; a connection that
/// is broken, still runs a statement (a stream or COPY left unfinished outlives the lease), or
/// whose rollback or reset fails is closed and replaced in the background, never lent again.
/// Objects that refer to the connection (transactions, streams, cursors, prepared statements)
/// must not outlive the lease: the next user has the connection by then.
class pool::lease {
public:
    /// An empty lease, which holds no connection.
    lease() noexcept = default;
    /// Takes `other`'s connection; `other` is left empty.
    lease(lease&& other) noexcept : state_(std::move(other.state_)), entry_(std::move(other.entry_))
    {
        other.entry_.reset();
    }
    /// Gives back this lease's connection, then takes `other`'s.
    lease& operator=(lease&& other) noexcept
    {
        if (this != &other) {
            release();
            state_ = std::move(other.state_);
            entry_ = std::move(other.entry_);
            other.entry_.reset();
        }
        return *this;
    }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    /// Gives the connection back, as release() does.
    ~lease() { release(); }

    // As std::unique_ptr's, a lease's constness is not its connection's.
    /// The connection; the lease must hold one.
    [[nodiscard]] typq::connection& operator*() const noexcept { return entry_->conn; }
    /// The connection's members; the lease must hold one.
    [[nodiscard]] typq::connection* operator->() const noexcept { return &entry_->conn; }
    /// Whether it holds a connection (not moved from nor released).
    [[nodiscard]] explicit operator bool() const noexcept { return entry_.has_value(); }

    /// Gives the connection back now, as the destructor does; the lease is then empty.
    void release() noexcept
    {
        if (entry_) {
            detail::pool_state::entry back = std::move(*entry_);
            entry_.reset();
            state_->give_back(std::move(back));
        }
        state_.reset();
    }

private:
    friend class pool;
    lease(std::shared_ptr<detail::pool_state> state, detail::pool_state::entry&& e)
        : state_(std::move(state)), entry_(std::move(e))
    {
    }

    std::shared_ptr<detail::pool_state> state_;
    mutable std::optional<detail::pool_state::entry> entry_;
};

inline pool::lease pool::connection()
{
    return connection(state_->options.timeout);
}

inline pool::lease pool::connection(std::chrono::milliseconds timeout)
{
    return lease(state_, state_->acquire(timeout));
}

// Compiled once under TYPQ_SEPARATE_COMPILATION.
#if TYPQ_DEFINITIONS

TYPQ_DECL pool::pool(std::string_view conninfo, const pool_options& options)
    : state_(std::make_shared<detail::pool_state>(std::string(conninfo), options))
{
    const std::size_t max_size = options.max_size == 0 ? options.min_size : options.max_size;
    const std::size_t count = options.max_connecting < max_size ? options.max_connecting : max_size;
    try {
        workers_.reserve(count);
        for (std::size_t i = 0; i < count; ++i)
            workers_.emplace_back([state = state_.get()] { state->work(); });
    }
    catch (...) {
        stop();
        throw;
    }
}

TYPQ_DECL pool::~pool()
{
    stop();
}

TYPQ_DECL void pool::stop() noexcept
{
    try {
        (void)close(std::chrono::milliseconds(0));
    }
    catch (...) {  // a mutex that cannot be locked: nothing better to do in a destructor
    }
}

TYPQ_DECL void pool::wait(std::chrono::milliseconds timeout)
{
    detail::pool_state& s = *state_;
    const auto start = detail::pool_state::clock::now();
    auto lock = s.core.lock();
    const auto done = [&] { return s.core.closed(lock) || s.core.ready(lock); };
    const auto deadline = detail::pool_state::core_type::deadline(start, timeout);
    if (deadline == detail::pool_state::clock::time_point::max())
        s.changed.wait(lock, done);
    else
        (void)s.changed.wait_until(lock, deadline, done);
    if (s.core.closed(lock))
        throw pool_closed("typq::pool: the pool is closed");
    if (!s.core.ready(lock))
        throw s.core.not_ready(lock, detail::pool_state::clock::now() - start);
}

TYPQ_DECL bool pool::close(std::chrono::milliseconds timeout)
{
    detail::pool_state& s = *state_;
    std::vector<detail::pool_state::entry> dropped;
    bool all_back = false;
    {
        auto lock = s.core.lock();
        s.core.close(lock, dropped);
        s.background.notify_all();
        const auto deadline = detail::pool_state::core_type::deadline(detail::pool_state::clock::now(), timeout);
        const auto back = [&] { return s.core.in_use(lock) == 0; };
        if (deadline == detail::pool_state::clock::time_point::max())
            s.changed.wait(lock, back);
        else
            (void)s.changed.wait_until(lock, deadline, back);
        all_back = back();
    }
    dropped.clear();  // closes the idle connections, outside the lock
    const std::lock_guard<std::mutex> joining(join_);
    for (std::thread& worker : workers_)
        if (worker.joinable())
            worker.join();
    return all_back;
}

TYPQ_DECL pool_stats pool::stats() const
{
    auto lock = state_->core.lock();
    return state_->core.stats(lock);
}

namespace detail {

TYPQ_DECL pool_state::entry pool_state::acquire(std::chrono::milliseconds timeout)
{
    const clock::time_point start = clock::now();
    const clock::time_point deadline = core_type::deadline(start, timeout);
    core_type::request request(start);
    std::vector<entry> dropped;  // destroyed after the lock: closes what the core let go
    for (;;) {
        std::optional<entry> got;
        {
            auto lock = core.lock();
            core_type::acquired found = core.acquire(lock, request, clock::now(), dropped);
            if (found.kick)
                background.notify_one();
            got = std::move(found.conn);
            if (!got) {
                const auto done = [&] { return request.done(); };
                if (deadline == clock::time_point::max())
                    request.waiter.ready.wait(lock, done);
                else
                    (void)request.waiter.ready.wait_until(lock, deadline, done);
                got = core.take(lock, request);
                if (!got)
                    throw core.timed_out(lock, request, clock::now());
            }
        }
        dropped.clear();
        if (fit_to_hand_out(got->conn))
            return std::move(*got);
        // Discarded (and replaced in the background); this request takes the next connection,
        // first in line, within what is left of its timeout.
        put_back(std::move(*got), false);
    }
}

TYPQ_DECL bool pool_state::fit_to_hand_out(connection& c) const noexcept
{
    switch (core_type::vet(c)) {
    case core_type::verdict::discard: return false;
    case core_type::verdict::probe:
        try {
            pool::check_connection(c);
        }
        catch (...) {
            return false;
        }
        if (core_type::on_return(c) != core_type::comeback::keep)
            return false;
        break;
    case core_type::verdict::ready: break;
    }
    if (!options.check)
        return true;
    try {
        options.check(c);
    }
    catch (...) {
        return false;
    }
    return core_type::on_return(c) == core_type::comeback::keep;
}

TYPQ_DECL bool pool_state::ready_for_next(connection& c) const noexcept
{
    core_type::comeback what = core_type::on_return(c);
    if (what == core_type::comeback::roll_back) {
        try {
            (void)c.execute("ROLLBACK");
        }
        catch (...) {
            return false;
        }
        what = core_type::on_return(c);
    }
    if (what != core_type::comeback::keep)
        return false;
    if (!options.reset)
        return true;
    try {
        options.reset(c);
    }
    catch (...) {
        return false;
    }
    return core_type::on_return(c) == core_type::comeback::keep;
}

TYPQ_DECL void pool_state::give_back(entry&& e) noexcept
{
    const bool fit = ready_for_next(e.conn);
    put_back(std::move(e), fit);
}

TYPQ_DECL void pool_state::put_back(entry&& e, bool fit) noexcept
{
    std::vector<entry> dropped;  // destroyed after the lock: closes what the core let go
    try {
        auto lock = core.lock();
        if (core.release(lock, std::move(e), fit, clock::now(), dropped))
            background.notify_one();
        if (core.closed(lock))
            changed.notify_all();  // close() may be waiting for this connection
    }
    catch (...) {  // std::bad_alloc keeping a connection to close: `e` closes it instead
    }
}

TYPQ_DECL void pool_state::work() noexcept
{
    std::vector<entry> dropped;
    try {
        auto lock = core.lock();
        for (;;) {
            const core_type::chore chore = core.next_chore(lock, clock::now(), dropped);
            if (chore.stop)
                break;
            if (chore.more)
                background.notify_one();
            if (chore.connect || !dropped.empty()) {
                lock.unlock();
                dropped.clear();
                if (chore.connect)
                    connect_one();
                lock.lock();
                continue;
            }
            if (chore.wake_at == clock::time_point::max())
                background.wait(lock);
            else
                (void)background.wait_until(lock, chore.wake_at);
        }
    }
    catch (...) {  // the mutex or memory failed: this worker ends; close() still joins it
    }
}

TYPQ_DECL void pool_state::connect_one() noexcept
{
    std::optional<connection> made;
    std::string why;
    const char* stage = "";
    try {
        connection c(conninfo, options.connection);
        if (options.configure) {
            stage = "configure: ";
            options.configure(c);
            if (core_type::on_return(c) != core_type::comeback::keep)
                why = "configure left the connection in a transaction block (or broken); it was closed";
        }
        if (why.empty())
            made.emplace(std::move(c));
    }
    catch (const std::exception& e) {
        why = std::string(stage) + e.what();
    }
    catch (...) {
        why = std::string(stage) + "an exception that is not a std::exception";
    }
    std::vector<entry> dropped;
    try {
        auto lock = core.lock();
        const clock::time_point now = clock::now();
        const bool kick = made ? core.connected(lock, std::move(*made), now, dropped)
                               : core.connect_failed(lock, std::move(why), now);
        if (kick)
            background.notify_one();
        changed.notify_all();  // wait() may be waiting for min_size
    }
    catch (...) {  // as in give_back()
    }
}

}  // namespace detail

#endif  // TYPQ_DEFINITIONS

}  // namespace typq

#endif  // TYPQ_POOL_HPP
// ----- end <typq/pool.hpp> -----

#endif  // TYPQ_TYPQ_HPP
// ----- end <typq/typq.hpp> -----
