// SPDX-License-Identifier: BSL-1.0
// bench/client_libpq.cpp: the baseline, raw libpq written for speed: PQexecParams with binary
// parameters and binary results, columns by index, big-endian decoding by hand, rows built in
// place in a reserved vector. It makes the checks typq makes (result status, row and column
// count, NULL, value length), inline, but not typq's once-per-result column name and type checks.
//
// libpq-asio: the same point queries with libpq in non-blocking mode, each result awaited with
// Boost.Asio in one C++20 coroutine on a single-threaded io_context (as_tuple(deferred) waits on
// the socket, the cheapest way a coroutine awaits an Asio operation). No client on Asio can pay
// less per query: the difference to libpq is what an Asio wait costs, and typq-async's difference
// to libpq-asio is typq's own.

#include "common.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <libpq-fe.h>

#include <unistd.h>     // dup: the socket Asio waits on

#include <cstdint>      // fixed-width integers
#include <exception>    // a coroutine's failure, rethrown on the caller's thread
#include <stdexcept>    // std::logic_error: workloads libpq-asio does not run
#include <cstring>      // std::memcpy
#include <stdexcept>    // std::runtime_error
#include <string>       // messages, buffers
#include <vector>       // rows, parameter arrays

namespace bench {
namespace {

// PostgreSQL type OIDs (pg_type.h is not part of libpq's public headers).
constexpr Oid bool_oid = 16;
constexpr Oid int8_oid = 20;
constexpr Oid text_oid = 25;
constexpr Oid float8_oid = 701;

[[noreturn]] void fail(PGconn* conn, const char* what)
{
    throw std::runtime_error(std::string("libpq client: ") + what + ": " + PQerrorMessage(conn));
}

std::uint64_t load_u64(const char* p) noexcept
{
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}

void store_u64(char* p, std::uint64_t v) noexcept
{
    v = __builtin_bswap64(v);
    std::memcpy(p, &v, 8);
}

std::int64_t get_int8(const PGresult* r, int row, int col)
{
    if (PQgetisnull(r, row, col) || PQgetlength(r, row, col) != 8)
        throw std::runtime_error("libpq client: bad int8 value");
    return static_cast<std::int64_t>(load_u64(PQgetvalue(r, row, col)));
}

double get_float8(const PGresult* r, int row, int col)
{
    if (PQgetisnull(r, row, col) || PQgetlength(r, row, col) != 8)
        throw std::runtime_error("libpq client: bad float8 value");
    const std::uint64_t bits = load_u64(PQgetvalue(r, row, col));
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
}

bool get_bool(const PGresult* r, int row, int col)
{
    if (PQgetisnull(r, row, col) || PQgetlength(r, row, col) != 1)
        throw std::runtime_error("libpq client: bad bool value");
    return *PQgetvalue(r, row, col) != 0;
}

void get_text(const PGresult* r, int row, int col, std::string& out)
{
    if (PQgetisnull(r, row, col))
        throw std::runtime_error("libpq client: NULL text value");
    out.assign(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
}

// One point query's result: checked as typq checks it, decoded into a fresh item (as typq's
// query_one and libpqxx give: a reused one would keep the name's heap buffer from query to query),
// added to `sum`, cleared. Inlined, as the code it replaced was: the baseline keeps its figures.
[[gnu::always_inline]] inline void add_point_row(PGconn* conn, PGresult* r, checksum& sum, const char* what)
{
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || PQnfields(r) != 3) {
        PQclear(r);
        fail(conn, what);
    }
    item row;
    row.id = get_int8(r, 0, 0);
    get_text(r, 0, 1, row.name);
    row.score = get_float8(r, 0, 2);
    PQclear(r);
    sum.add(row);
}

// A connection to `dsn` with the benchmark's schema first on the search path.
PGconn* connect_to_bench(const std::string& dsn, const char* client)
{
    PGconn* conn = PQconnectdb(dsn.c_str());
    PGresult* r = PQstatus(conn) == CONNECTION_OK ? PQexec(conn, "SET search_path TO typq_bench") : nullptr;
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        const std::string message = std::string(client) + " client: connect: " + PQerrorMessage(conn);
        PQfinish(conn);
        throw std::runtime_error(message);
    }
    return conn;
}

class libpq_client final : public client {
public:
    explicit libpq_client(const std::string& dsn) : conn_(connect_to_bench(dsn, "libpq")) {}
    ~libpq_client() override { PQfinish(conn_); }

    const char* name() const noexcept override { return "libpq"; }

    checksum point(std::int64_t items, std::size_t count) override
    {
        command("BEGIN");
        checksum sum;
        char id_bytes[8];
        const Oid types[1] = {int8_oid};
        const char* const values[1] = {id_bytes};
        const int lengths[1] = {8};
        const int formats[1] = {1};
        for (std::size_t i = 0; i < count; ++i) {
            store_u64(id_bytes, static_cast<std::uint64_t>(1 + static_cast<std::int64_t>(i) % items));
            PGresult* r = PQexecParams(conn_, point_sql, 1, types, values, lengths, formats, 1);
            add_point_row(conn_, r, sum, "point query");
        }
        command("COMMIT");
        return sum;
    }

    std::vector<wide_row> wide() override
    {
        command("BEGIN");
        PGresult* r = PQexecParams(conn_, wide_sql, 0, nullptr, nullptr, nullptr, nullptr, 1);
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQnfields(r) != 5) {
            PQclear(r);
            fail(conn_, "wide fetch");
        }
        const int n = PQntuples(r);
        std::vector<wide_row> rows;
        try {
            rows.reserve(static_cast<std::size_t>(n));
            for (int i = 0; i < n; ++i) {
                wide_row& row = rows.emplace_back();
                row.id = get_int8(r, i, 0);
                row.score = get_float8(r, i, 1);
                get_text(r, i, 2, row.name);
                row.ts_us = get_int8(r, i, 3);
                row.flag = get_bool(r, i, 4);
            }
        }
        catch (...) {
            PQclear(r);
            throw;
        }
        PQclear(r);
        command("COMMIT");
        return rows;
    }

    void bulk_insert(std::span<const wide_row> rows) override
    {
        constexpr std::size_t n = rows_per_insert;
        constexpr std::size_t params = 5 * n;
        const std::string sql = bulk_insert_sql(n);
        std::vector<Oid> types(params);
        std::vector<int> lengths(params);
        std::vector<int> formats(params, 1);
        std::vector<const char*> values(params);
        std::vector<std::size_t> offsets(params);
        for (std::size_t k = 0; k < n; ++k) {
            types[k] = int8_oid;
            types[n + k] = float8_oid;
            types[2 * n + k] = text_oid;
            types[3 * n + k] = int8_oid;
            types[4 * n + k] = bool_oid;
        }
        std::string buffer;
        command("BEGIN");
        for (std::size_t start = 0; start < rows.size(); start += n) {
            buffer.clear();
            const auto put = [&](std::size_t param, const char* data, std::size_t size) {
                offsets[param] = buffer.size();
                lengths[param] = static_cast<int>(size);
                buffer.append(data, size);
            };
            for (std::size_t k = 0; k < n; ++k) {
                const wide_row& row = rows[start + k];
                char bytes[8];
                store_u64(bytes, static_cast<std::uint64_t>(row.id));
                put(k, bytes, 8);
                std::uint64_t bits;
                std::memcpy(&bits, &row.score, 8);
                store_u64(bytes, bits);
                put(n + k, bytes, 8);
                put(2 * n + k, row.name.data(), row.name.size());
                store_u64(bytes, static_cast<std::uint64_t>(row.ts_us));
                put(3 * n + k, bytes, 8);
                const char flag = row.flag ? 1 : 0;
                put(4 * n + k, &flag, 1);
            }
            for (std::size_t p = 0; p < params; ++p)
                values[p] = buffer.data() + offsets[p];
            PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(params), types.data(), values.data(),
                lengths.data(), formats.data(), 1);
            const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
            if (!ok)
                fail(conn_, "bulk insert");
        }
        command("COMMIT");
    }

    void batch(std::span<const wide_row> rows) override
    {
        const Oid types[5] = {int8_oid, float8_oid, text_oid, int8_oid, bool_oid};
        const int formats[5] = {1, 1, 1, 1, 1};
        char id[8];
        char score[8];
        char ts[8];
        char flag;
        const char* values[5] = {id, score, nullptr, ts, &flag};
        int lengths[5] = {8, 8, 0, 8, 1};
        command("BEGIN");
        for (const wide_row& row : rows) {
            store_u64(id, static_cast<std::uint64_t>(row.id));
            std::uint64_t bits;
            std::memcpy(&bits, &row.score, 8);
            store_u64(score, bits);
            values[2] = row.name.data();
            lengths[2] = static_cast<int>(row.name.size());
            store_u64(ts, static_cast<std::uint64_t>(row.ts_us));
            flag = row.flag ? 1 : 0;
            PGresult* r = PQexecParams(conn_, batch_sql, 5, types, values, lengths, formats, 1);
            const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
            if (!ok)
                fail(conn_, "batch insert");
        }
        command("COMMIT");
    }

    checksum prepared(std::int64_t items, std::size_t count) override
    {
        const Oid types[1] = {int8_oid};
        PGresult* p = PQprepare(conn_, "point", point_sql, 1, types);
        const bool prepared_ok = PQresultStatus(p) == PGRES_COMMAND_OK;
        PQclear(p);
        if (!prepared_ok)
            fail(conn_, "prepare");
        command("BEGIN");
        checksum sum;
        char id_bytes[8];
        const char* const values[1] = {id_bytes};
        const int lengths[1] = {8};
        const int formats[1] = {1};
        for (std::size_t i = 0; i < count; ++i) {
            store_u64(id_bytes, static_cast<std::uint64_t>(1 + static_cast<std::int64_t>(i) % items));
            PGresult* r = PQexecPrepared(conn_, "point", 1, values, lengths, formats, 1);
            add_point_row(conn_, r, sum, "prepared point query");
        }
        command("COMMIT");
        command("DEALLOCATE point");
        return sum;
    }

    // Single-row mode: one PGresult per row, each decoded and dropped before the next.
    checksum stream(std::int64_t rows) override
    {
        command("BEGIN");
        char count[8];
        store_u64(count, static_cast<std::uint64_t>(rows));
        const Oid types[1] = {int8_oid};
        const char* const values[1] = {count};
        const int lengths[1] = {8};
        const int formats[1] = {1};
        if (!PQsendQueryParams(conn_, stream_sql, 1, types, values, lengths, formats, 1) || !PQsetSingleRowMode(conn_))
            fail(conn_, "stream");
        const checksum sum = single_rows("stream", 0);
        command("COMMIT");
        return sum;
    }

    // Pipeline mode: the unnamed statement prepared once, every row sent (libpq flushes its
    // buffer as it fills, reading what arrives meanwhile), one sync point, then the results.
    void many(std::span<const wide_row> rows) override
    {
        const Oid types[5] = {int8_oid, float8_oid, text_oid, int8_oid, bool_oid};
        const int formats[5] = {1, 1, 1, 1, 1};
        char id[8];
        char score[8];
        char ts[8];
        char flag;
        const char* values[5] = {id, score, nullptr, ts, &flag};
        int lengths[5] = {8, 8, 0, 8, 1};
        command("BEGIN");
        if (!PQenterPipelineMode(conn_) || !PQsendPrepare(conn_, "", batch_sql, 5, types))
            fail(conn_, "pipeline");
        for (const wide_row& row : rows) {
            store_u64(id, static_cast<std::uint64_t>(row.id));
            std::uint64_t bits;
            std::memcpy(&bits, &row.score, 8);
            store_u64(score, bits);
            values[2] = row.name.data();
            lengths[2] = static_cast<int>(row.name.size());
            store_u64(ts, static_cast<std::uint64_t>(row.ts_us));
            flag = row.flag ? 1 : 0;
            if (!PQsendQueryPrepared(conn_, "", 5, values, lengths, formats, 1))
                fail(conn_, "pipeline send");
        }
        if (!PQpipelineSync(conn_))
            fail(conn_, "pipeline sync");
        bool ok = true;
        for (std::size_t k = 0; k < rows.size() + 1; ++k) {  // the Prepare's result, then each row's
            PGresult* r = PQgetResult(conn_);
            ok = ok && r && PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
            PQclear(PQgetResult(conn_));  // the null after each
        }
        PGresult* sync = PQgetResult(conn_);
        ok = ok && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
        PQclear(sync);
        if (!ok || !PQexitPipelineMode(conn_))
            fail(conn_, "pipeline results");
        command("COMMIT");
    }

    // Binary COPY written for speed: the rows framed by hand into one large buffer, sent with a
    // PQputCopyData call per megabyte.
    void copy_in(std::span<const wide_row> rows) override
    {
        command("BEGIN");
        PGresult* started = PQexec(conn_, "COPY sink (id, score, name, ts, flag) FROM STDIN (FORMAT binary)");
        const bool in = PQresultStatus(started) == PGRES_COPY_IN;
        PQclear(started);
        if (!in)
            fail(conn_, "COPY FROM STDIN");
        std::string buffer;
        buffer.reserve((1 << 20) + 4096);
        buffer.append("PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0", 19);
        const auto put32 = [&](std::uint32_t v) {
            const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                static_cast<char>(v)};
            buffer.append(bytes, 4);
        };
        const auto put64 = [&](std::uint64_t v) {
            char bytes[8];
            store_u64(bytes, v);
            buffer.append(bytes, 8);
        };
        const auto send = [&] {
            if (PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1)
                fail(conn_, "PQputCopyData");
            buffer.clear();
        };
        for (const wide_row& row : rows) {
            buffer.append("\0\5", 2);
            put32(8);
            put64(static_cast<std::uint64_t>(row.id));
            put32(8);
            std::uint64_t bits;
            std::memcpy(&bits, &row.score, 8);
            put64(bits);
            put32(static_cast<std::uint32_t>(row.name.size()));
            buffer.append(row.name);
            put32(8);
            put64(static_cast<std::uint64_t>(row.ts_us - unix_to_postgres_epoch_us));
            put32(1);
            buffer.push_back(row.flag ? 1 : 0);
            if (buffer.size() >= (1 << 20))
                send();
        }
        buffer.append("\xff\xff", 2);
        send();
        if (PQputCopyEnd(conn_, nullptr) != 1)
            fail(conn_, "PQputCopyEnd");
        bool ok = true;
        while (PGresult* r = PQgetResult(conn_)) {
            ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
        }
        if (!ok)
            fail(conn_, "COPY");
        command("COMMIT");
    }

    // libpq has no decoder for COPY's rows: the same rows through single-row mode.
    checksum copy_out() override
    {
        command("BEGIN");
        if (!PQsendQueryParams(conn_, copy_out_sql, 0, nullptr, nullptr, nullptr, nullptr, 1) || !PQsetSingleRowMode(conn_))
            fail(conn_, "copy_out");
        const checksum sum = single_rows("copy_out", unix_to_postgres_epoch_us);
        command("COMMIT");
        return sum;
    }

private:
    // The rows of a statement sent in single-row mode, wide_row's shape; `ts_offset` is added to
    // the fourth column (a timestamptz counts from 2000, ts_us from 1970).
    checksum single_rows(const char* what, std::int64_t ts_offset)
    {
        checksum sum;
        wide_row row;
        bool failed = false;
        while (PGresult* r = PQgetResult(conn_)) {
            const ExecStatusType status = PQresultStatus(r);
            if (status == PGRES_SINGLE_TUPLE && PQnfields(r) == 5) {
                row.id = get_int8(r, 0, 0);
                row.score = get_float8(r, 0, 1);
                get_text(r, 0, 2, row.name);
                row.ts_us = get_int8(r, 0, 3) + ts_offset;
                row.flag = get_bool(r, 0, 4);
                sum.add(row);
            }
            else if (status != PGRES_TUPLES_OK)
                failed = true;
            PQclear(r);
        }
        if (failed)
            fail(conn_, what);
        return sum;
    }

    void command(const char* sql)
    {
        PGresult* r = PQexec(conn_, sql);
        const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok)
            fail(conn_, sql);
    }

    PGconn* conn_;
};

class libpq_asio_client final : public client {
public:
    explicit libpq_asio_client(const std::string& dsn) : conn_(connect_to_bench(dsn, "libpq-asio"))
    {
        if (PQsetnonblocking(conn_, 1) != 0) {
            PQfinish(conn_);
            throw std::runtime_error("libpq-asio client: PQsetnonblocking failed");
        }
        socket_.assign(::dup(PQsocket(conn_)));
    }
    ~libpq_asio_client() override
    {
        socket_.close();
        PQfinish(conn_);
    }

    const char* name() const noexcept override { return "libpq-asio"; }

    checksum point(std::int64_t items, std::size_t count) override { return queries(items, count, false); }
    checksum prepared(std::int64_t items, std::size_t count) override { return queries(items, count, true); }

    bool runs(const std::string& workload) const override { return workload == "point" || workload == "prepared"; }

    std::vector<wide_row> wide() override { throw std::logic_error("libpq-asio runs point and prepared only"); }
    void bulk_insert(std::span<const wide_row>) override { throw std::logic_error("libpq-asio runs point and prepared only"); }
    void batch(std::span<const wide_row>) override { throw std::logic_error("libpq-asio runs point and prepared only"); }
    checksum stream(std::int64_t) override { throw std::logic_error("libpq-asio runs point and prepared only"); }
    void many(std::span<const wide_row>) override { throw std::logic_error("libpq-asio runs point and prepared only"); }
    void copy_in(std::span<const wide_row>) override { throw std::logic_error("libpq-asio runs point and prepared only"); }
    checksum copy_out() override { throw std::logic_error("libpq-asio runs point and prepared only"); }

private:
    checksum queries(std::int64_t items, std::size_t count, bool prepare)
    {
        const Oid types[1] = {int8_oid};
        if (prepare)
            command_sync(PQprepare(conn_, "point", point_sql, 1, types), "prepare");
        command_sync(PQexec(conn_, "BEGIN"), "BEGIN");
        checksum sum;
        std::exception_ptr failure;
        boost::asio::co_spawn(io_, loop(items, count, prepare, sum), [&](std::exception_ptr e) { failure = std::move(e); });
        io_.restart();
        io_.run();
        if (failure)
            std::rethrow_exception(failure);
        command_sync(PQexec(conn_, "COMMIT"), "COMMIT");
        if (prepare)
            command_sync(PQexec(conn_, "DEALLOCATE point"), "DEALLOCATE");
        return sum;
    }

    // Every query: sent (libpq writes it at once, outside pipeline mode), then one wait on the
    // socket for each time libpq has no whole result yet.
    boost::asio::awaitable<void> loop(std::int64_t items, std::size_t count, bool prepare, checksum& sum)
    {
        char id_bytes[8];
        const Oid types[1] = {int8_oid};
        const char* const values[1] = {id_bytes};
        const int lengths[1] = {8};
        const int formats[1] = {1};
        for (std::size_t i = 0; i < count; ++i) {
            store_u64(id_bytes, static_cast<std::uint64_t>(1 + static_cast<std::int64_t>(i) % items));
            const int sent = prepare ? PQsendQueryPrepared(conn_, "point", 1, values, lengths, formats, 1)
                                     : PQsendQueryParams(conn_, point_sql, 1, types, values, lengths, formats, 1);
            if (!sent || PQflush(conn_) != 0)
                fail(conn_, "point query: send");
            PGresult* r = nullptr;
            for (;;) {
                while (PQisBusy(conn_)) {
                    auto [failed] = co_await socket_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                        boost::asio::as_tuple(boost::asio::deferred));
                    if (failed || !PQconsumeInput(conn_))
                        fail(conn_, "point query: wait");
                }
                PGresult* next = PQgetResult(conn_);
                if (next == nullptr)
                    break;
                PQclear(r);
                r = next;
            }
            add_point_row(conn_, r, sum, "point query");
        }
    }

    void command_sync(PGresult* r, const char* what)
    {
        const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok)
            fail(conn_, what);
    }

    PGconn* conn_;
    boost::asio::io_context io_{1};
    boost::asio::posix::stream_descriptor socket_{io_};
};

}  // namespace

std::unique_ptr<client> make_libpq_client(const std::string& dsn)
{
    return std::make_unique<libpq_client>(dsn);
}

std::unique_ptr<client> make_libpq_asio_client(const std::string& dsn)
{
    return std::make_unique<libpq_asio_client>(dsn);
}

}  // namespace bench
