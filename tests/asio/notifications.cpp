// SPDX-License-Identifier: BSL-1.0
// tests/asio/notifications.cpp: LISTEN/NOTIFY on an async_connection: wait_notification() for one
// the oracle sends (before the wait, during another statement, while the wait is suspended), a
// wait bounded by a timer (it ends with std::nullopt and the connection goes on), notifications()
// without waiting, notify() itself.

#include "asio_checks.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <cstdint>   // std::int32_t
#include <optional>  // a wait that ends without one
#include <string>    // channels, payloads
#include <thread>    // cancel() from another thread
#include <vector>    // notifications()

namespace asio_notifications_test {

using namespace boost::asio::experimental::awaitable_operators;
using asio_test::asio::awaitable;
using asio_test::connect;
using asio_test::describe;
using asio_test::run;
using asio_test::test_clock;
using asio_test::unique_name;
using namespace std::chrono_literals;
namespace asio = boost::asio;

TEST_CASE("wait_notification returns what the oracle sends, in order, whenever it was sent", "[asio][notify]")
{
    auto oracle = typq_test::connect();
    const std::string channel = unique_name("Channel");
    const auto send = [&](const std::string& payload) {
        (void)oracle.execute("SELECT pg_notify($1, $2)", channel, payload);
    };
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        co_await conn.listen(channel);

        // Sent before the wait.
        send("before");
        const auto first = co_await conn.wait_notification();
        REQUIRE(first);
        CHECK(first->channel == channel);
        CHECK(first->payload == "before");
        CHECK(first->backend_pid == oracle.backend_pid());

        // Sent while another statement runs: kept for the next wait, which returns at once.
        send("during 1");
        send("during 2");
        const auto busy = co_await conn.query_value<std::int32_t>("SELECT 1 FROM pg_sleep(0.05)");
        CHECK(busy == 1);
        const auto started = test_clock::now();
        const auto second = co_await conn.wait_notification();
        const auto third = co_await conn.wait_notification();
        CHECK(test_clock::now() - started < 1s);
        REQUIRE(second);
        REQUIRE(third);
        CHECK(second->payload == "during 1");
        CHECK(third->payload == "during 2");

        // Sent while the wait is suspended.
        const auto send_later = [&]() -> awaitable<void> {
            co_await asio_test::sleep_for(100ms);
            send("later");
        };
        const auto later = co_await (conn.wait_notification() && send_later());
        REQUIRE(later);
        CHECK(later->payload == "later");

        // notify() from the connection itself, and notifications() without waiting.
        co_await conn.notify(channel, "self");
        co_await asio_test::sleep_for(50ms);
        send("other");
        co_await asio_test::sleep_for(50ms);
        std::vector<typq::notification> got = conn.notifications();
        for (int i = 0; i < 50 && got.size() < 2; ++i) {
            co_await asio_test::sleep_for(20ms);
            for (auto& n : conn.notifications())
                got.push_back(std::move(n));
        }
        REQUIRE(got.size() == 2);
        CHECK(got[0].payload == "self");
        CHECK(got[0].backend_pid == conn.backend_pid());
        CHECK(got[1].payload == "other");

        co_await conn.unlisten(channel);
        send("unheard");
        const auto sum = co_await conn.query_value<std::int32_t>("SELECT 2 + 2");
        CHECK(sum == 4);
        CHECK(conn.notifications().empty());
        co_return;
    });
}

TEST_CASE("a wait raced with a timer ends with std::nullopt and leaves the connection usable", "[asio][notify][cancel]")
{
    auto oracle = typq_test::connect();
    const std::string channel = unique_name("timed");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        co_await conn.listen(channel);
        const int pid = conn.backend_pid();

        SECTION("awaitable_operators: the timer wins")
        {
            asio::steady_timer timer(co_await asio::this_coro::executor, 100ms);
            const auto started = test_clock::now();
            const auto ended = co_await (conn.wait_notification() || timer.async_wait(asio::use_awaitable));
            const auto elapsed = test_clock::now() - started;
            CHECK(ended.index() == 1);
            CHECK(elapsed >= 90ms);
            CHECK(elapsed < 2s);
        }
        SECTION("a cancellation_signal: the wait itself returns std::nullopt")
        {
            asio::cancellation_signal signal;
            bool finished = false;
            std::exception_ptr thrown;
            std::optional<typq::notification> got{typq::notification{"not set", "", 0}};
            asio::co_spawn(co_await asio::this_coro::executor, conn.wait_notification(),
                asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e, std::optional<typq::notification> n) {
                    thrown = std::move(e);
                    got = std::move(n);
                    finished = true;
                }));
            co_await asio_test::sleep_for(100ms);
            CHECK_FALSE(finished);
            signal.emit(asio::cancellation_type::terminal);
            for (int i = 0; i < 100 && !finished; ++i)
                co_await asio_test::sleep_for(10ms);
            REQUIRE(finished);
            CAPTURE(describe(thrown));
            CHECK_FALSE(thrown);
            CHECK(got == std::nullopt);
        }
        // The wait sent nothing: the backend is idle, the connection runs statements.
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(asio_test::backend_state(oracle, pid) == "idle");
        const auto sum = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        CHECK(sum == 42);
        // And is still listening: nothing was lost.
        (void)oracle.execute("SELECT pg_notify($1, 'after')", channel);
        const auto after = co_await conn.wait_notification();
        REQUIRE(after);
        CHECK(after->payload == "after");
        co_return;
    });
}

TEST_CASE("cancel() from another thread ends a wait for a notification, as connection::cancel() does",
    "[asio][notify][cancel][thread]")
{
    // async_connection::cancel() is documented "as connection::cancel()", which says: during
    // wait_notification() it sends nothing to the server, it ends the wait (std::nullopt).
    auto oracle = typq_test::connect();
    const std::string channel = unique_name("woken");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        co_await conn.listen(channel);
        bool sent = false;
        std::thread canceller([&] {
            std::this_thread::sleep_for(200ms);
            sent = conn.cancel();
        });
        asio::steady_timer bound(co_await asio::this_coro::executor, 1500ms);
        const auto started = test_clock::now();
        const auto ended = co_await (conn.wait_notification() || bound.async_wait(asio::use_awaitable));
        const auto elapsed = test_clock::now() - started;
        canceller.join();
        CHECK(sent);
        CHECK(ended.index() == 0);  // the wait ended, not the 1.5 s bound
        if (ended.index() == 0)
            CHECK(std::get<0>(ended) == std::nullopt);
        CHECK(elapsed < 1s);
        const auto sum = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
        CHECK(sum == 42);
        co_return;
    });
}

}  // namespace asio_notifications_test
