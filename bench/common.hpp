// SPDX-License-Identifier: BSL-1.0
// bench/common.hpp: what the three clients of typq_bench share: the row types, the SQL (one text
// for all three clients), the checksums, and the interface each client implements.
//
// Every client runs the same statements over the extended query protocol (except libpqxx's
// exec() of the wide query, its idiom for a query without parameters), inside one transaction
// per run, so that the server does the same work for each and differences in client CPU are the
// clients' own.

#ifndef TYPQ_BENCH_COMMON_HPP
#define TYPQ_BENCH_COMMON_HPP

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t, std::uint64_t
#include <memory>       // std::unique_ptr
#include <span>         // rows to insert
#include <string>       // names, SQL
#include <vector>       // fetched rows

#ifndef TYPQ_BENCH_ROWS_PER_INSERT
#define TYPQ_BENCH_ROWS_PER_INSERT 100
#endif

namespace bench {

/// Rows per multi-row INSERT in the bulk workload. A compile-time constant because typq binds a
/// statement's parameters from a C++ argument pack: the typq client expands 5 * N arguments.
inline constexpr std::size_t rows_per_insert = TYPQ_BENCH_ROWS_PER_INSERT;

/// A row of the point workload.
struct item {
    std::int64_t id;
    std::string name;
    double score;
};

/// A row of the wide fetch, bulk insert and batch workloads. typq has no timestamptz adapter yet,
/// so the timestamptz column travels as int8 microseconds since 1970 in every client.
struct wide_row {
    std::int64_t id;
    double score;
    std::string name;
    std::int64_t ts_us;
    bool flag;
};

// The statements, the same text for every client. The tables live in schema typq_bench; each
// client sets its search_path once when it connects.
inline constexpr char point_sql[] = "SELECT id, name, score FROM items WHERE id = $1";

inline constexpr char wide_sql[] =
    "SELECT id, score, name, (extract(epoch FROM ts) * 1000000)::int8 AS ts_us, flag FROM wide";

inline constexpr char batch_sql[] =
    "INSERT INTO batch (id, score, name, ts, flag) VALUES ($1::int8, $2::float8, $3::text, "
    "timestamptz 'epoch' + $4::int8 * interval '1 microsecond', $5::bool)";

/// batch_sql with named placeholders, for a client that binds a struct's fields: typq rewrites
/// it into exactly batch_sql's text.
inline constexpr char batch_named_sql[] =
    "INSERT INTO batch (id, score, name, ts, flag) VALUES (:id::int8, :score::float8, :name::text, "
    "timestamptz 'epoch' + :ts_us::int8 * interval '1 microsecond', :flag::bool)";

/// `$1` rows of wide's shape made by the server, for the stream workload (no table to fill).
inline constexpr char stream_sql[] =
    "SELECT g AS id, (g % 1000) * 0.25::float8 + (g % 7)::float8 / 1024 AS score, 'row ' || g AS name, "
    "1700000000000000 + g * 1000003 AS ts_us, g % 3 = 0 AS flag FROM generate_series(1::int8, $1::int8) g";

/// The rows of the copy_out workload: table wide, its timestamptz column as it is.
inline constexpr char copy_out_sql[] = "SELECT id, score, name, ts, flag FROM wide";

/// A timestamptz's binary form counts microseconds from 2000-01-01; ts_us counts them from 1970.
inline constexpr std::int64_t unix_to_postgres_epoch_us = 946684800000000;

/// The multi-row INSERT for `rows` rows. Parameters are numbered column by column ($1..$N are the
/// ids, $N+1..$2N the scores, ...), which is how libpqxx 6.4 passes a run-time number of
/// parameters (one make_dynamic_params per column).
std::string bulk_insert_sql(std::size_t rows);

/// A summary of a workload's results: every client must produce the same one, and it must match
/// what the server computes over the same rows. Sums wrap modulo 2^64.
struct checksum {
    std::uint64_t rows = 0;
    std::uint64_t id = 0;
    std::uint64_t score1024 = 0;  // sum of score * 1024 (scores are multiples of 1/1024)
    std::uint64_t text = 0;       // total length of the text column, in bytes
    std::uint64_t ts = 0;         // sum of ts_us
    std::uint64_t trues = 0;      // count of flag = true

    void add(const item& row) noexcept;
    void add(const wide_row& row) noexcept;
    [[nodiscard]] std::string str() const;
    friend bool operator==(const checksum&, const checksum&) = default;
};

/// One client library: a connection opened in its constructor, and the four workloads.
class client {
public:
    client() = default;
    client(const client&) = delete;
    client& operator=(const client&) = delete;
    virtual ~client() = default;

    [[nodiscard]] virtual const char* name() const noexcept = 0;

    /// `count` sequential `point_sql` queries for ids 1 + i % items; a checksum of the items read.
    virtual checksum point(std::int64_t items, std::size_t count) = 0;
    /// `wide_sql` into a vector of wide_row.
    virtual std::vector<wide_row> wide() = 0;
    /// `rows` into table sink, rows_per_insert at a time (rows.size() is a multiple of it).
    virtual void bulk_insert(std::span<const wide_row> rows) = 0;
    /// `rows` into table batch, one `batch_sql` each.
    virtual void batch(std::span<const wide_row> rows) = 0;

    /// point(), with point_sql run as a statement prepared on the server.
    virtual checksum prepared(std::int64_t items, std::size_t count) = 0;
    /// `stream_sql` for `rows` rows, read one row at a time as they arrive (constant memory).
    virtual checksum stream(std::int64_t rows) = 0;
    /// `rows` into table batch, `batch_sql` each, sent in one pipeline with one sync point.
    virtual void many(std::span<const wide_row> rows) = 0;

    /// `rows` into table sink (whose ts is a timestamptz: ts_us microseconds since 1970) with a
    /// binary COPY FROM STDIN (libpq: rows framed by hand into large buffers).
    virtual void copy_in(std::span<const wide_row> rows) = 0;
    /// Table wide's rows, `copy_out_sql` (ts read as the timestamptz it is), read one at a time:
    /// typq with a binary COPY TO STDOUT, libpq with a single-row-mode SELECT of the same query.
    virtual checksum copy_out() = 0;

    /// Whether the client has a way to run `workload` (libpqxx 6.4 has no single-row mode or
    /// libpq pipeline).
    [[nodiscard]] virtual bool runs(const std::string& workload) const { return !workload.empty(); }
};

std::unique_ptr<client> make_libpq_client(const std::string& dsn);
/// Raw libpq awaited with Boost.Asio (point and prepared only): the least an Asio client can pay.
std::unique_ptr<client> make_libpq_asio_client(const std::string& dsn);
std::unique_ptr<client> make_typq_client(const std::string& dsn);
/// typq with automatic preparation off (connection_options{.prepare_threshold = std::nullopt}).
std::unique_ptr<client> make_typq_unprepared_client(const std::string& dsn);
std::unique_ptr<client> make_pqxx_client(const std::string& dsn);
/// typq::async_connection on a single-threaded io_context: point and prepared only.
std::unique_ptr<client> make_typq_async_client(const std::string& dsn);

}  // namespace bench

#endif  // TYPQ_BENCH_COMMON_HPP
