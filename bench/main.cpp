// SPDX-License-Identifier: BSL-1.0
// bench/main.cpp: typq_bench, typq against raw libpq and libpqxx in one run.
//
//   typq_bench [--dsn DSN] [--workloads point,wide,bulk,batch,prepared,stream,many,copy_in,copy_out]
//              [--clients libpq,libpq-asio,typq,pqxx,typq-unprepared,typq-async]
//              [--point N] [--items N] [--wide N] [--bulk N] [--batch N] [--stream N] [--many N]
//              [--copy N] [--rounds N] [--warmup N] [--callgrind]
//
// The conninfo comes from --dsn, else TYPQ_BENCH_DSN. The program creates schema typq_bench and
// its tables (items, wide: reused when they already have the requested size; sink, batch), then
// for each workload runs warmup + rounds rounds; each round runs every client once, the order
// rotating from round to round. Each run is timed (wall: steady_clock; client CPU: the process's
// CPU time, CLOCK_PROCESS_CPUTIME_ID, user and kernel together: Linux splits the two by sampling
// at the timer tick, too coarsely for runs of a few hundred milliseconds) and checked: its
// checksum must equal the one the server computes over the same rows, otherwise the program stops
// with exit status 1. It prints one table of medians over the measured rounds and each client's
// ratio to raw libpq.
// The workloads prepared, stream and many are issue 9's: the point query prepared on the server
// (typq: automatically), 5,000,000 rows read one at a time (libpq: single-row mode), and 20,000
// inserts in one pipeline (libpq: pipeline mode; typq: execute_many); libpqxx 6.4 runs only the
// first. At the end the program prints its peak resident set size: run one client alone to read
// that client's (`--workloads stream --clients typq`).
// The workloads copy_in and copy_out are issue 12's: --copy rows (1,000,000) into table sink with
// binary COPY (libpq: framed by hand into 1 MB buffers), and table wide's rows read with binary
// COPY TO STDOUT (libpq, which has no decoder of COPY's rows: a single-row-mode SELECT of them).
//
// --callgrind: run under `valgrind --tool=callgrind --collect-atstart=no`; instrumentation is
// switched on only around the timed part of each run, so the counts are the workload's alone.

#include "common.hpp"

#include <libpq-fe.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define TYPQ_BENCH_COLLECT() CALLGRIND_TOGGLE_COLLECT
#else
#define TYPQ_BENCH_COLLECT() ((void)0)
#endif

#include <sys/resource.h>  // getrusage: peak resident set size
#include <time.h>       // clock_gettime, CLOCK_PROCESS_CPUTIME_ID

#include <algorithm>    // std::sort
#include <chrono>       // wall time
#include <cstdint>      // fixed-width integers
#include <cstdio>       // std::printf
#include <cstdlib>      // std::getenv, std::strtoull
#include <exception>    // std::exception
#include <functional>   // std::function: one run of one workload
#include <memory>       // std::unique_ptr
#include <span>         // rows to insert
#include <stdexcept>    // std::runtime_error
#include <string>       // options, SQL
#include <vector>       // samples, rows

namespace bench {

std::string bulk_insert_sql(std::size_t rows)
{
    std::string sql = "INSERT INTO sink (id, score, name, ts, flag) VALUES ";
    for (std::size_t k = 0; k < rows; ++k) {
        const auto p = [&](std::size_t column) { return "$" + std::to_string(column * rows + k + 1); };
        if (k > 0)
            sql += ", ";
        sql += "(" + p(0) + "::int8, " + p(1) + "::float8, " + p(2) + "::text, timestamptz 'epoch' + " + p(3)
            + "::int8 * interval '1 microsecond', " + p(4) + "::bool)";
    }
    return sql;
}

void checksum::add(const item& row) noexcept
{
    ++rows;
    id += static_cast<std::uint64_t>(row.id);
    score1024 += static_cast<std::uint64_t>(row.score * 1024);
    text += row.name.size();
}

void checksum::add(const wide_row& row) noexcept
{
    ++rows;
    id += static_cast<std::uint64_t>(row.id);
    score1024 += static_cast<std::uint64_t>(row.score * 1024);
    text += row.name.size();
    ts += static_cast<std::uint64_t>(row.ts_us);
    trues += row.flag ? 1 : 0;
}

std::string checksum::str() const
{
    return "rows=" + std::to_string(rows) + " id=" + std::to_string(id) + " score*1024=" + std::to_string(score1024)
        + " text=" + std::to_string(text) + " ts=" + std::to_string(ts) + " true=" + std::to_string(trues);
}

namespace {

struct options {
    std::string dsn;
    std::vector<std::string> workloads{"point", "wide", "bulk", "batch", "prepared", "stream", "many", "copy_in", "copy_out"};
    std::vector<std::string> clients{"libpq", "typq", "pqxx"};
    std::int64_t point = 20000;
    std::int64_t items = 10000;
    std::int64_t wide = 1000000;
    std::int64_t bulk = 1000000;
    std::int64_t batch = 20000;
    std::int64_t stream = 5000000;
    std::int64_t many = 20000;
    std::int64_t copy = 1000000;
    int rounds = 5;
    int warmup = 1;
    bool callgrind = false;
};

std::vector<std::string> split(const std::string& list)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t comma = list.find(',', start);
        const std::size_t end = comma == std::string::npos ? list.size() : comma;
        if (end > start)
            out.push_back(list.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

[[noreturn]] void usage(const char* why)
{
    std::fprintf(stderr,
        "typq_bench: %s\n"
        "usage: typq_bench [--dsn DSN] [--workloads point,wide,bulk,batch,prepared,stream,many,copy_in,copy_out]\n"
        "                  [--clients libpq,libpq-asio,typq,pqxx,typq-unprepared,typq-async]\n"
        "                  [--point N] [--items N] [--wide N] [--bulk N] [--batch N] [--stream N] [--many N]\n"
        "                  [--copy N]\n"
        "                  [--rounds N] [--warmup N] [--callgrind]\n",
        why);
    std::exit(2);
}

options parse(int argc, char** argv)
{
    options o;
    if (const char* env = std::getenv("TYPQ_BENCH_DSN"))
        o.dsn = env;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(("missing value after " + arg).c_str());
            return argv[++i];
        };
        const auto number = [&]() -> std::int64_t {
            const std::string text = value();
            char* end = nullptr;
            const long long n = std::strtoll(text.c_str(), &end, 10);
            if (end == text.c_str() || *end != '\0' || n < 0)
                usage(("not a count: " + arg + " " + text).c_str());
            return n;
        };
        if (arg == "--dsn")
            o.dsn = value();
        else if (arg == "--workloads")
            o.workloads = split(value());
        else if (arg == "--clients")
            o.clients = split(value());
        else if (arg == "--point")
            o.point = number();
        else if (arg == "--items")
            o.items = number();
        else if (arg == "--wide")
            o.wide = number();
        else if (arg == "--bulk")
            o.bulk = number();
        else if (arg == "--batch")
            o.batch = number();
        else if (arg == "--stream")
            o.stream = number();
        else if (arg == "--many")
            o.many = number();
        else if (arg == "--copy")
            o.copy = number();
        else if (arg == "--rounds")
            o.rounds = static_cast<int>(number());
        else if (arg == "--warmup")
            o.warmup = static_cast<int>(number());
        else if (arg == "--callgrind")
            o.callgrind = true;
        else if (arg == "--help" || arg == "-h")
            usage("help");
        else
            usage(("unknown option " + arg).c_str());
    }
    if (o.dsn.empty())
        usage("no server: give --dsn or set TYPQ_BENCH_DSN");
    for (const auto& w : o.workloads)
        if (w != "point" && w != "wide" && w != "bulk" && w != "batch" && w != "prepared" && w != "stream" && w != "many"
            && w != "copy_in" && w != "copy_out")
            usage(("unknown workload " + w).c_str());
    for (const auto& c : o.clients)
        if (c != "libpq" && c != "libpq-asio" && c != "typq" && c != "pqxx" && c != "typq-unprepared" && c != "typq-async")
            usage(("unknown client " + c).c_str());
    if (o.rounds < 1)
        usage("--rounds must be at least 1");
    if (o.items < 1)
        usage("--items must be at least 1");
    if (o.bulk % static_cast<std::int64_t>(rows_per_insert) != 0)
        usage(("--bulk must be a multiple of " + std::to_string(rows_per_insert) + " (rows per INSERT)").c_str());
    return o;
}

// The benchmark's own connection: setup, truncation and the server's checksums, never timed.
class admin {
public:
    explicit admin(const std::string& dsn) : conn_(PQconnectdb(dsn.c_str()))
    {
        if (PQstatus(conn_) != CONNECTION_OK) {
            const std::string message = std::string("cannot connect: ") + PQerrorMessage(conn_);
            PQfinish(conn_);
            throw std::runtime_error(message);
        }
        PQsetNoticeReceiver(conn_, [](void*, const PGresult*) {}, nullptr);
        run("CREATE SCHEMA IF NOT EXISTS typq_bench");
        run("SET search_path TO typq_bench");
    }
    admin(const admin&) = delete;
    admin& operator=(const admin&) = delete;
    ~admin() { PQfinish(conn_); }

    void run(const std::string& sql)
    {
        PGresult* r = PQexec(conn_, sql.c_str());
        const ExecStatusType status = PQresultStatus(r);
        PQclear(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            throw std::runtime_error("setup failed: " + sql.substr(0, 80) + ": " + PQerrorMessage(conn_));
    }

    // The first row of a query, as text.
    std::vector<std::string> row(const std::string& sql)
    {
        PGresult* r = PQexec(conn_, sql.c_str());
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1) {
            PQclear(r);
            throw std::runtime_error("query failed: " + sql.substr(0, 80) + ": " + PQerrorMessage(conn_));
        }
        std::vector<std::string> out;
        for (int c = 0; c < PQnfields(r); ++c)
            out.emplace_back(PQgetvalue(r, 0, c));
        PQclear(r);
        return out;
    }

    std::int64_t count_or_minus_one(const char* table)
    {
        const auto exists = row(std::string("SELECT to_regclass('typq_bench.") + table + "') IS NOT NULL");
        if (exists[0] != "t")
            return -1;
        return std::stoll(row(std::string("SELECT count(*) FROM ") + table)[0]);
    }

    // The same summary as bench::checksum, computed by the server; `from` supplies id, score,
    // name, ts_us and flag columns.
    checksum server_checksum(const std::string& from)
    {
        const std::string m = " % 18446744073709551616";
        const auto v = row("SELECT count(*), coalesce(sum(id)" + m + ", 0), coalesce(sum((score * 1024)::int8)" + m
            + ", 0), coalesce(sum(octet_length(name))" + m + ", 0), coalesce(sum(ts_us)" + m
            + ", 0), count(*) FILTER (WHERE flag) FROM " + from);
        const auto u = [](const std::string& s) { return std::strtoull(s.c_str(), nullptr, 10); };
        return {u(v[0]), u(v[1]), u(v[2]), u(v[3]), u(v[4]), u(v[5])};
    }

    int server_version() const { return PQserverVersion(conn_); }

private:
    PGconn* conn_;
};

const char* const wide_columns =
    "SELECT id, score, name, (extract(epoch FROM ts) * 1000000)::int8 AS ts_us, flag FROM ";

void setup(admin& db, const options& o)
{
    const auto wants = [&](const char* w) { return std::find(o.workloads.begin(), o.workloads.end(), w) != o.workloads.end(); };
    const std::string score = "(g % 1000) * 0.25::float8 + (g % 7)::float8 / 1024";
    if ((wants("point") || wants("prepared")) && db.count_or_minus_one("items") != o.items) {
        std::fprintf(stderr, "typq_bench: creating table items (%lld rows)\n", static_cast<long long>(o.items));
        db.run("DROP TABLE IF EXISTS items");
        db.run("CREATE TABLE items (id int8 PRIMARY KEY, name text NOT NULL, score float8 NOT NULL)");
        db.run("INSERT INTO items SELECT g, 'item ' || g || ' ' || left(md5(g::text), (g % 24)::int), " + score
            + " FROM generate_series(1::int8, " + std::to_string(o.items) + ") g");
        db.run("VACUUM ANALYZE items");
    }
    const std::string shape = "(id int8 NOT NULL, score float8 NOT NULL, name text NOT NULL, ts timestamptz NOT NULL, "
                              "flag bool NOT NULL)";
    if ((wants("wide") || wants("copy_out")) && db.count_or_minus_one("wide") != o.wide) {
        std::fprintf(stderr, "typq_bench: creating table wide (%lld rows)\n", static_cast<long long>(o.wide));
        db.run("DROP TABLE IF EXISTS wide");
        db.run("CREATE TABLE wide " + shape);
        db.run("INSERT INTO wide SELECT g, " + score + ", 'row ' || g || ' ' || left(md5(g::text), (g % 33)::int), "
               "timestamptz 'epoch' + (1700000000000000 + g * 1000003) * interval '1 microsecond', g % 3 = 0 "
               "FROM generate_series(1::int8, " + std::to_string(o.wide) + ") g");
        db.run("VACUUM ANALYZE wide");
    }
    if (wants("bulk") || wants("copy_in")) {
        db.run("DROP TABLE IF EXISTS sink");
        db.run("CREATE TABLE sink " + shape);
    }
    if (wants("batch") || wants("many")) {
        db.run("DROP TABLE IF EXISTS batch");
        db.run("CREATE TABLE batch " + shape);
    }
}

// The rows the insert workloads send: the same values the server generates for table wide.
std::vector<wide_row> make_rows(std::int64_t count)
{
    static const char hex[] = "0123456789abcdef";
    std::vector<wide_row> rows;
    rows.reserve(static_cast<std::size_t>(count));
    std::uint64_t state = 0x9e3779b97f4a7c15U;
    for (std::int64_t g = 1; g <= count; ++g) {
        std::string name = "row " + std::to_string(g) + " ";
        for (std::int64_t k = 0; k < g % 33; ++k) {
            state = state * 6364136223846793005U + 1442695040888963407U;
            name += hex[state >> 60];
        }
        rows.push_back({g, static_cast<double>(g % 1000) * 0.25 + static_cast<double>(g % 7) / 1024, std::move(name),
            1700000000000000 + g * 1000003, g % 3 == 0});
    }
    return rows;
}

checksum checksum_of(std::span<const wide_row> rows)
{
    checksum sum;
    for (const auto& row : rows)
        sum.add(row);
    return sum;
}

struct sample {
    double wall_ms;
    double cpu_ms;
};

double cpu_seconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// One workload for one client: prepare (untimed), the timed part, and the checksum of what it did
// (untimed).
struct run_steps {
    std::function<void()> prepare;
    std::function<void()> timed;
    std::function<checksum()> result;
};

struct row_of_table {
    std::string workload;
    std::string size;
    std::string client;
    double wall_ms;
    double cpu_ms;
    double cpu_min;
    double cpu_max;
};

}  // namespace
}  // namespace bench

int main(int argc, char** argv)
{
    using namespace bench;
    const options o = parse(argc, argv);
    try {
        admin db(o.dsn);
        setup(db, o);

        std::vector<std::unique_ptr<client>> clients;
        for (const auto& name : o.clients) {
            if (name == "libpq")
                clients.push_back(make_libpq_client(o.dsn));
            else if (name == "libpq-asio")
                clients.push_back(make_libpq_asio_client(o.dsn));
            else if (name == "typq")
                clients.push_back(make_typq_client(o.dsn));
            else if (name == "typq-unprepared")
                clients.push_back(make_typq_unprepared_client(o.dsn));
            else if (name == "typq-async")
                clients.push_back(make_typq_async_client(o.dsn));
            else
                clients.push_back(make_pqxx_client(o.dsn));
        }

        std::vector<wide_row> insert_rows;
        const auto wants = [&](const char* w) { return std::find(o.workloads.begin(), o.workloads.end(), w) != o.workloads.end(); };
        if (wants("bulk") || wants("batch") || wants("many") || wants("copy_in"))
            insert_rows = make_rows(std::max({wants("bulk") ? o.bulk : 0, wants("batch") ? o.batch : 0,
                wants("many") ? o.many : 0, wants("copy_in") ? o.copy : 0}));

        std::printf("typq_bench: server %d, %zu rows per bulk INSERT, %d warmup + %d measured rounds, clients rotate%s\n",
            db.server_version(), rows_per_insert, o.warmup, o.rounds, o.callgrind ? ", callgrind collection on" : "");
        std::fflush(stdout);

        std::vector<row_of_table> table;
        for (const auto& workload : o.workloads) {
            std::string size;
            checksum expected;
            if (workload == "point" || workload == "prepared") {
                size = std::to_string(o.point) + " queries";
                expected = db.server_checksum("(SELECT i.id, i.score, i.name, 0::int8 AS ts_us, false AS flag "
                                              "FROM generate_series(0, " + std::to_string(o.point - 1) + ") g "
                                              "JOIN items i ON i.id = 1 + g % " + std::to_string(o.items) + ") q");
            }
            else if (workload == "wide") {
                size = std::to_string(o.wide) + " rows";
                expected = db.server_checksum(std::string("(") + wide_columns + "wide) q");
            }
            else if (workload == "bulk") {
                size = std::to_string(o.bulk) + " rows";
                expected = checksum_of(std::span(insert_rows).first(static_cast<std::size_t>(o.bulk)));
            }
            else if (workload == "stream") {
                size = std::to_string(o.stream) + " rows";
                expected = db.server_checksum("(" + std::string(stream_sql).replace(std::string(stream_sql).find("$1::int8"),
                    8, std::to_string(o.stream) + "::int8") + ") q");
            }
            else if (workload == "many") {
                size = std::to_string(o.many) + " rows";
                expected = checksum_of(std::span(insert_rows).first(static_cast<std::size_t>(o.many)));
            }
            else if (workload == "copy_in") {
                size = std::to_string(o.copy) + " rows";
                expected = checksum_of(std::span(insert_rows).first(static_cast<std::size_t>(o.copy)));
            }
            else if (workload == "copy_out") {
                size = std::to_string(o.wide) + " rows";
                expected = db.server_checksum(std::string("(") + wide_columns + "wide) q");
            }
            else {
                size = std::to_string(o.batch) + " rows";
                expected = checksum_of(std::span(insert_rows).first(static_cast<std::size_t>(o.batch)));
            }

            std::vector<std::vector<sample>> samples(clients.size());
            for (int round = 0; round < o.warmup + o.rounds; ++round) {
                for (std::size_t k = 0; k < clients.size(); ++k) {
                    const std::size_t index = (static_cast<std::size_t>(round) + k) % clients.size();
                    client& c = *clients[index];
                    if (!c.runs(workload))
                        continue;
                    checksum got;
                    std::vector<wide_row> fetched;
                    run_steps steps;
                    if (workload == "point") {
                        steps.timed = [&] { got = c.point(o.items, static_cast<std::size_t>(o.point)); };
                        steps.result = [&] { return got; };
                    }
                    else if (workload == "prepared") {
                        steps.timed = [&] { got = c.prepared(o.items, static_cast<std::size_t>(o.point)); };
                        steps.result = [&] { return got; };
                    }
                    else if (workload == "stream") {
                        steps.timed = [&] { got = c.stream(o.stream); };
                        steps.result = [&] { return got; };
                    }
                    else if (workload == "copy_in") {
                        steps.prepare = [&] { db.run("TRUNCATE sink"); };
                        steps.timed = [&] { c.copy_in(std::span(insert_rows).first(static_cast<std::size_t>(o.copy))); };
                        steps.result = [&] { return db.server_checksum(std::string("(") + wide_columns + "sink) q"); };
                    }
                    else if (workload == "copy_out") {
                        steps.timed = [&] { got = c.copy_out(); };
                        steps.result = [&] { return got; };
                    }
                    else if (workload == "many") {
                        steps.prepare = [&] { db.run("TRUNCATE batch"); };
                        steps.timed = [&] { c.many(std::span(insert_rows).first(static_cast<std::size_t>(o.many))); };
                        steps.result = [&] { return db.server_checksum(std::string("(") + wide_columns + "batch) q"); };
                    }
                    else if (workload == "wide") {
                        steps.timed = [&] { fetched = c.wide(); };
                        steps.result = [&] { return checksum_of(fetched); };
                    }
                    else if (workload == "bulk") {
                        steps.prepare = [&] { db.run("TRUNCATE sink"); };
                        steps.timed = [&] { c.bulk_insert(std::span(insert_rows).first(static_cast<std::size_t>(o.bulk))); };
                        steps.result = [&] { return db.server_checksum(std::string("(") + wide_columns + "sink) q"); };
                    }
                    else {
                        steps.prepare = [&] { db.run("TRUNCATE batch"); };
                        steps.timed = [&] { c.batch(std::span(insert_rows).first(static_cast<std::size_t>(o.batch))); };
                        steps.result = [&] { return db.server_checksum(std::string("(") + wide_columns + "batch) q"); };
                    }

                    if (steps.prepare)
                        steps.prepare();
                    const auto wall0 = std::chrono::steady_clock::now();
                    const double cpu0 = cpu_seconds();
                    if (o.callgrind)
                        TYPQ_BENCH_COLLECT();
                    steps.timed();
                    if (o.callgrind)
                        TYPQ_BENCH_COLLECT();
                    const double cpu1 = cpu_seconds();
                    const auto wall1 = std::chrono::steady_clock::now();
                    const checksum sum = steps.result();
                    fetched = {};

                    if (!(sum == expected)) {
                        std::fprintf(stderr,
                            "typq_bench: FAILED: %s with %s: checksum %s\n"
                            "typq_bench:         expected (server)   %s\n",
                            workload.c_str(), c.name(), sum.str().c_str(), expected.str().c_str());
                        return 1;
                    }
                    const sample s{std::chrono::duration<double, std::milli>(wall1 - wall0).count(), (cpu1 - cpu0) * 1e3};
                    if (round >= o.warmup)
                        samples[index].push_back(s);
                    std::fprintf(stderr, "typq_bench: %-5s %-5s round %d%s: wall %9.1f ms  cpu %9.1f ms\n",
                        workload.c_str(), c.name(), round + 1 - o.warmup, round < o.warmup ? " (warmup)" : "", s.wall_ms,
                        s.cpu_ms);
                }
            }
            std::printf("checksum %-5s (every client, every run, equal to the server's): %s\n", workload.c_str(),
                expected.str().c_str());
            for (std::size_t i = 0; i < clients.size(); ++i) {
                if (samples[i].empty())
                    continue;
                std::vector<double> wall;
                std::vector<double> cpu;
                for (const auto& s : samples[i]) {
                    wall.push_back(s.wall_ms);
                    cpu.push_back(s.cpu_ms);
                }
                table.push_back({workload, size, clients[i]->name(), median(wall), median(cpu),
                    *std::min_element(cpu.begin(), cpu.end()), *std::max_element(cpu.begin(), cpu.end())});
            }
        }

        std::printf("\n| workload | size | client | wall ms | wall / libpq | client CPU ms | CPU / libpq | CPU min-max ms |\n"
                    "|---|---|---|--:|--:|--:|--:|--:|\n");
        for (const auto& r : table) {
            const row_of_table* base = nullptr;
            for (const auto& b : table)
                if (b.workload == r.workload && b.client == "libpq")
                    base = &b;
            char wall_ratio[32] = "-";
            char cpu_ratio[32] = "-";
            if (base) {
                std::snprintf(wall_ratio, sizeof wall_ratio, "%.2fx", r.wall_ms / base->wall_ms);
                std::snprintf(cpu_ratio, sizeof cpu_ratio, "%.2fx", r.cpu_ms / base->cpu_ms);
            }
            std::printf("| %s | %s | %s | %.1f | %s | %.1f | %s | %.1f-%.1f |\n", r.workload.c_str(), r.size.c_str(),
                r.client.c_str(), r.wall_ms, wall_ratio, r.cpu_ms, cpu_ratio, r.cpu_min, r.cpu_max);
        }
        std::printf("\nAll checksums equal across clients and equal to the server's.\n");
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        std::printf("peak resident set size of this process: %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024);
        return 0;
    }
    catch (const std::exception& e) {
        std::fprintf(stderr, "typq_bench: FAILED: %s\n", e.what());
        return 1;
    }
}
