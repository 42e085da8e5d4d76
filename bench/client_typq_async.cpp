// SPDX-License-Identifier: BSL-1.0
// bench/client_typq_async.cpp: the point query through typq::async_connection, one coroutine on a
// single-threaded io_context, written as docs/async.md writes it: co_await query_one<item>. Compared
// with the synchronous typq client in the same run (issue 13's target: client CPU within 1.15x).

#include "common.hpp"

#include <typq/asio.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>  // a workload's failure, rethrown on the caller's thread
#include <memory>     // std::unique_ptr
#include <optional>   // the connection, made in a coroutine
#include <stdexcept>  // std::logic_error: workloads this client does not run
#include <string>     // the DSN
#include <utility>    // std::move

namespace bench {
namespace {

class typq_async_client final : public client {
public:
    explicit typq_async_client(const std::string& dsn)
    {
        run([&]() -> boost::asio::awaitable<void> {
            conn_.emplace(co_await typq::async_connection::connect(dsn));
            (void)co_await conn_->execute("SET search_path TO typq_bench");
        });
    }

    const char* name() const noexcept override { return "typq-async"; }

    checksum point(std::int64_t items, std::size_t count) override
    {
        checksum sum;
        run([&]() -> boost::asio::awaitable<void> {
            typq::async_connection& conn = *conn_;
            typq::async_transaction tx = co_await conn.begin();
            for (std::size_t i = 0; i < count; ++i) {
                const std::int64_t id = 1 + static_cast<std::int64_t>(i) % items;
                sum.add(co_await conn.query_one<item>(point_sql, id));
            }
            co_await tx.commit();
        });
        return sum;
    }

    checksum prepared(std::int64_t items, std::size_t count) override { return point(items, count); }

    bool runs(const std::string& workload) const override { return workload == "point" || workload == "prepared"; }

    std::vector<wide_row> wide() override { throw std::logic_error("typq-async runs point and prepared only"); }
    void bulk_insert(std::span<const wide_row>) override { throw std::logic_error("typq-async runs point and prepared only"); }
    void batch(std::span<const wide_row>) override { throw std::logic_error("typq-async runs point and prepared only"); }
    checksum stream(std::int64_t) override { throw std::logic_error("typq-async runs point and prepared only"); }
    void many(std::span<const wide_row>) override { throw std::logic_error("typq-async runs point and prepared only"); }
    void copy_in(std::span<const wide_row>) override { throw std::logic_error("typq-async runs point and prepared only"); }
    checksum copy_out() override { throw std::logic_error("typq-async runs point and prepared only"); }

private:
    // Runs `body` to its end on the client's io_context, on this thread.
    template <class Body>
    void run(Body body)
    {
        std::exception_ptr failure;
        boost::asio::co_spawn(io_, body(), [&](std::exception_ptr e) { failure = std::move(e); });
        io_.restart();
        io_.run();
        if (failure)
            std::rethrow_exception(failure);
    }

    boost::asio::io_context io_{1};
    std::optional<typq::async_connection> conn_;
};

}  // namespace

std::unique_ptr<client> make_typq_async_client(const std::string& dsn)
{
    return std::make_unique<typq_async_client>(dsn);
}

}  // namespace bench
