// SPDX-License-Identifier: BSL-1.0
// bench/pool_throughput.cpp: issue 13's pool benchmark, typq's side. `--tasks` coroutines on one
// io_context thread share a typq::async_pool of `--pool` connections and run `--queries` point
// queries in all (each: take a connection, query_one<item>, give it back). Prints one line:
// queries, wall seconds, queries per second, client CPU (user + system of this process over the
// timed part) per query in microseconds. bench/pool_compare.sh runs it beside asyncpg's pool.
//
//   typq_pool_bench [--dsn DSN] [--tasks 64] [--pool 8] [--queries 100000]

#include <typq/asio.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>     // wall time
#include <cstdint>    // std::int64_t
#include <cstdio>     // std::printf
#include <cstdlib>    // std::getenv, std::strtoull
#include <exception>  // a task's failure
#include <string>     // arguments

#include <sys/resource.h>  // getrusage: the process's CPU time

namespace {

struct item {
    std::int64_t id;
    std::string name;
    double score;
};

double cpu_seconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

boost::asio::awaitable<void> task(typq::async_pool& pool, std::size_t& left, std::int64_t& checksum)
{
    while (left > 0) {
        const std::int64_t id = 1 + static_cast<std::int64_t>(left % 10000);
        --left;
        auto conn = co_await pool.connection();
        const item row = co_await conn->query_one<item>("SELECT id, name, score FROM pool_items WHERE id = $1", id);
        checksum += row.id;
    }
}

}  // namespace

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_BENCH_DSN");
    std::string dsn = env ? env : "";
    std::size_t tasks = 64, size = 8, queries = 100000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        const char* value = argv[i + 1];
        if (arg == "--dsn")
            dsn = value;
        else if (arg == "--tasks")
            tasks = std::strtoull(value, nullptr, 10);
        else if (arg == "--pool")
            size = std::strtoull(value, nullptr, 10);
        else if (arg == "--queries")
            queries = std::strtoull(value, nullptr, 10);
        else {
            std::fprintf(stderr, "usage: typq_pool_bench [--dsn DSN] [--tasks 64] [--pool 8] [--queries 100000]\n");
            return 2;
        }
    }
    try {
        {
            typq::connection setup(dsn);
            setup.execute("CREATE TABLE IF NOT EXISTS pool_items (id int8 PRIMARY KEY, name text NOT NULL, score float8 NOT NULL)");
            if (setup.query_value<std::int64_t>("SELECT count(*) FROM pool_items") != 10000) {
                setup.execute("TRUNCATE pool_items");
                setup.execute("INSERT INTO pool_items SELECT g, 'item ' || g, g * 0.25 FROM generate_series(1, 10000) g");
            }
        }
        boost::asio::io_context io{1};
        typq::async_pool pool(io.get_executor(), dsn, {.min_size = size, .max_size = size});
        std::exception_ptr failed;
        std::size_t left = queries;
        std::int64_t checksum = 0;
        double cpu_start = 0;
        std::chrono::steady_clock::time_point start;
        boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
            co_await pool.wait();
            cpu_start = cpu_seconds();
            start = std::chrono::steady_clock::now();
            std::size_t running = tasks;
            boost::asio::steady_timer all_done(io, std::chrono::steady_clock::time_point::max());
            for (std::size_t t = 0; t < tasks; ++t)
                boost::asio::co_spawn(io, task(pool, left, checksum), [&](std::exception_ptr e) {
                    if (e && !failed)
                        failed = e;
                    if (--running == 0)
                        all_done.cancel();
                });
            boost::system::error_code ignored;
            co_await all_done.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
            const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const double cpu = cpu_seconds() - cpu_start;
            std::printf("typq async_pool: %zu queries, %zu tasks, pool %zu: %.3f s, %.0f queries/s, client CPU %.2f us/query (checksum %lld)\n",
                queries, tasks, size, wall, static_cast<double>(queries) / wall, cpu * 1e6 / static_cast<double>(queries),
                static_cast<long long>(checksum));
            (void)co_await pool.close();
        }, [&](std::exception_ptr e) {
            if (e && !failed)
                failed = e;
        });
        io.run();
        if (failed)
            std::rethrow_exception(failed);
    }
    catch (const std::exception& e) {
        std::fprintf(stderr, "typq_pool_bench: %s\n", e.what());
        return 1;
    }
}
