// SPDX-License-Identifier: BSL-1.0
// LISTEN/NOTIFY: listen, unlisten, notify, wait_notification, notifications (issue 12).

#include "typq_test.hpp"

#include <atomic>   // the signal sender's stop flag
#include <chrono>   // timeouts
#include <cstdint>  // std::int32_t
#include <string>   // channels and payloads
#include <thread>   // the sender during a long query, the canceller
#include <vector>   // several notifications

#include <pthread.h>  // pthread_kill: a signal for the waiting thread
#include <signal.h>   // sigaction

namespace io_notifications_test {

using namespace std::chrono_literals;

// Time on a steady clock, for bounds that are generous: these are not timing tests.
std::chrono::milliseconds since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

TEST_CASE("notify reaches a listening connection with the sender's pid", "[io][notify]")
{
    auto listener = typq_test::connect();
    auto sender = typq_test::connect();
    listener.listen("typq_jobs");
    sender.notify("typq_jobs", "42");

    const auto got = listener.wait_notification(10s);
    REQUIRE(got);
    CHECK(got->channel == "typq_jobs");
    CHECK(got->payload == "42");
    CHECK(got->backend_pid == sender.backend_pid());
    CHECK(listener.notifications().empty());
}

TEST_CASE("a connection receives its own notifications", "[io][notify]")
{
    auto conn = typq_test::connect();
    conn.listen("typq_self");
    conn.notify("typq_self", "me");
    // NOTIFY outside a transaction block is delivered as its statement ends: libpq has queued it
    // while the statement ran, so no waiting is needed.
    const auto got = conn.wait_notification(0s);
    REQUIRE(got);
    CHECK(got->payload == "me");
    CHECK(got->backend_pid == conn.backend_pid());
}

TEST_CASE("payloads with quotes and unicode and empty payloads arrive as sent", "[io][notify]")
{
    auto conn = typq_test::connect();
    conn.listen("typq_payloads");
    const std::vector<std::string> payloads = {"it's \"quoted\"; DROP TABLE x; --", "\xC3\xA9t\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80",
        "", "$$ dollar $$ \\ backslash", std::string(7000, 'x')};
    for (const std::string& payload : payloads)
        conn.notify("typq_payloads", payload);
    const std::vector<typq::notification> got = conn.notifications();
    REQUIRE(got.size() == payloads.size());
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        CHECK(got[i].channel == "typq_payloads");
        CHECK(got[i].payload == payloads[i]);
    }
    conn.notify("typq_payloads");  // no payload at all
    const auto none = conn.wait_notification(5s);
    REQUIRE(none);
    CHECK(none->payload.empty());
}

TEST_CASE("channel names that need quoting are exact names", "[io][notify]")
{
    auto listener = typq_test::connect();
    auto sender = typq_test::connect();
    const std::vector<std::string> channels = {"Typq_Upper", "typq with spaces", "typq \"quoted\" name", "select",
        "typq_\xC3\xA9"};
    for (const std::string& channel : channels)
        listener.listen(channel);
    for (const std::string& channel : channels)
        sender.notify(channel, channel + "!");
    sender.notify("typq_upper", "not listened to: the listener's channel is Typq_Upper");

    std::vector<typq::notification> got;
    while (got.size() < channels.size()) {
        const auto one = listener.wait_notification(10s);
        REQUIRE(one);
        got.push_back(*one);
    }
    for (std::size_t i = 0; i < channels.size(); ++i) {
        CHECK(got[i].channel == channels[i]);
        CHECK(got[i].payload == channels[i] + "!");
    }
    // The server's own view of what the listener listens to.
    const auto listened = listener.query<std::string>("SELECT pg_listening_channels() ORDER BY 1");
    CHECK(std::vector<std::string>(listened.begin(), listened.end()).size() == channels.size());
    CHECK_FALSE(listener.wait_notification(200ms));
    CHECK_THROWS_AS(listener.listen(""), typq::usage_error);
}

TEST_CASE("several queued notifications come out in the order they were sent", "[io][notify]")
{
    auto listener = typq_test::connect();
    auto sender = typq_test::connect();
    listener.listen("typq_order_a");
    listener.listen("typq_order_b");
    {
        typq::transaction tx{sender};
        for (int i = 0; i < 20; ++i)
            sender.notify(i % 2 == 0 ? "typq_order_a" : "typq_order_b", std::to_string(i));
        tx.commit();
    }
    // Arrived while the listener ran other statements: queued by libpq, kept by typq.
    CHECK(listener.query_value<std::int32_t>("SELECT 1") == 1);
    listener.execute("SELECT pg_sleep(0.2)");
    std::vector<typq::notification> got;
    while (got.size() < 20) {
        const auto one = listener.wait_notification(10s);
        REQUIRE(one);
        got.push_back(*one);
    }
    for (int i = 0; i < 20; ++i) {
        CHECK(got[static_cast<std::size_t>(i)].payload == std::to_string(i));
        CHECK(got[static_cast<std::size_t>(i)].channel == (i % 2 == 0 ? "typq_order_a" : "typq_order_b"));
    }
}

TEST_CASE("a notification sent during a long query is delivered after it", "[io][notify]")
{
    auto listener = typq_test::connect();
    auto sender = typq_test::connect();
    listener.listen("typq_during");
    std::thread send([&sender] {
        std::this_thread::sleep_for(200ms);
        sender.notify("typq_during", "while you slept");
    });
    listener.execute("SELECT pg_sleep(1)");
    send.join();
    // The server sends it once the listener's query has ended; it may already be queued.
    const auto got = listener.wait_notification(10s);
    REQUIRE(got);
    CHECK(got->payload == "while you slept");
    CHECK(got->backend_pid == sender.backend_pid());
}

TEST_CASE("a notification inside a transaction block waits for its commit", "[io][notify]")
{
    auto listener = typq_test::connect();
    auto sender = typq_test::connect();
    listener.listen("typq_tx");
    {
        typq::transaction tx{sender};
        sender.notify("typq_tx", "rolled back");
    }
    CHECK_FALSE(listener.wait_notification(300ms));
    {
        typq::transaction tx{sender};
        sender.notify("typq_tx", "committed");
        CHECK_FALSE(listener.wait_notification(300ms));
        tx.commit();
    }
    const auto got = listener.wait_notification(10s);
    REQUIRE(got);
    CHECK(got->payload == "committed");
}

TEST_CASE("a timeout without a notification returns nullopt after about the timeout", "[io][notify]")
{
    auto conn = typq_test::connect();
    conn.listen("typq_quiet");

    auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(conn.wait_notification(300ms));
    const auto waited = since(start);
    CHECK(waited >= 290ms);
    CHECK(waited < 5s);

    start = std::chrono::steady_clock::now();
    CHECK_FALSE(conn.wait_notification(0s));
    CHECK_FALSE(conn.wait_notification(-5s));
    CHECK_FALSE(conn.wait_notification(std::chrono::microseconds(1)));
    CHECK(since(start) < 2s);
    CHECK(conn.notifications().empty());

    // The connection is still usable.
    CHECK(conn.query_value<std::int32_t>("SELECT 7") == 7);
}

TEST_CASE("signals during a wait do not end it early", "[io][notify]")
{
    // A handler without SA_RESTART: poll() fails with EINTR each time the signal lands.
    struct sigaction quiet{};
    quiet.sa_handler = [](int) {};
    sigemptyset(&quiet.sa_mask);
    struct sigaction before{};
    REQUIRE(sigaction(SIGUSR1, &quiet, &before) == 0);

    auto conn = typq_test::connect();
    conn.listen("typq_signals");
    const pthread_t waiter = pthread_self();
    std::atomic<bool> done{false};
    std::thread poke([&] {
        for (int i = 0; i < 20 && !done; ++i) {
            std::this_thread::sleep_for(20ms);
            (void)pthread_kill(waiter, SIGUSR1);
        }
    });
    const auto start = std::chrono::steady_clock::now();
    const auto got = conn.wait_notification(600ms);
    const auto waited = since(start);
    done = true;
    poke.join();
    (void)sigaction(SIGUSR1, &before, nullptr);
    CHECK_FALSE(got);
    CHECK(waited >= 590ms);
    CHECK(waited < 10s);
}

TEST_CASE("a huge timeout is a wait without deadline that cancel ends", "[io][notify]")
{
    auto conn = typq_test::connect();
    conn.listen("typq_forever");
    const typq::canceller stop = conn.canceller();
    std::thread later([&stop] {
        std::this_thread::sleep_for(300ms);
        // Until the wait has begun, cancel() finds nothing to cancel.
        while (!stop.cancel())
            std::this_thread::sleep_for(10ms);
    });
    const auto start = std::chrono::steady_clock::now();
    const auto got = conn.wait_notification(std::chrono::hours::max());
    later.join();
    CHECK_FALSE(got);
    CHECK(since(start) >= 250ms);
    CHECK(since(start) < 30s);
    // Nothing was sent to the server: the next statement runs, not cancelled.
    CHECK(conn.query_value<std::int32_t>("SELECT 8") == 8);
    conn.notify("typq_forever", "after");
    const auto after = conn.wait_notification();
    REQUIRE(after);
    CHECK(after->payload == "after");
}

TEST_CASE("unlisten stops delivery and unlisten_all stops every channel", "[io][notify]")
{
    auto listener = typq_test::connect();
    auto sender = typq_test::connect();
    listener.listen("typq_u1");
    listener.listen("typq_u2");
    listener.listen("*");  // a channel named *, not every channel

    listener.unlisten("typq_u1");
    sender.notify("typq_u1", "gone");
    sender.notify("typq_u2", "still");
    const auto got = listener.wait_notification(10s);
    REQUIRE(got);
    CHECK(got->channel == "typq_u2");
    CHECK_FALSE(listener.wait_notification(200ms));

    listener.unlisten("*");  // only the channel named *
    sender.notify("typq_u2", "again");
    REQUIRE(listener.wait_notification(10s));

    listener.unlisten_all();
    sender.notify("typq_u2", "nobody");
    CHECK_FALSE(listener.wait_notification(300ms));
    CHECK(listener.query_value<std::int64_t>("SELECT count(*) FROM pg_listening_channels()") == 0);
}

TEST_CASE("wait_notification on a busy connection is a usage error", "[io][notify]")
{
    auto conn = typq_test::connect();
    conn.listen("typq_busy");
    conn.execute("CREATE TEMP TABLE typq_busy_rows AS SELECT generate_series(1, 10) AS n");
    auto rows = conn.stream<std::int32_t>("SELECT n FROM typq_busy_rows ORDER BY n");
    CHECK_THROWS_AS((void)conn.wait_notification(0s), typq::usage_error);
    CHECK_THROWS_AS((void)conn.notifications(), typq::usage_error);
    int seen = 0;
    for (std::int32_t n : rows)
        seen += n > 0 ? 1 : 0;
    CHECK(seen == 10);
    CHECK_FALSE(conn.wait_notification(0s));

    // Another thread's wait while this one waits.
    std::thread other([&conn] {
        std::this_thread::sleep_for(100ms);
        CHECK_THROWS_AS((void)conn.wait_notification(0s), typq::usage_error);
        (void)conn.cancel();
    });
    CHECK_FALSE(conn.wait_notification(20s));
    other.join();
}

TEST_CASE("a connection lost while waiting is a connection error", "[io][notify]")
{
    auto listener = typq_test::connect();
    auto killer = typq_test::connect();
    listener.listen("typq_lost");
    const int pid = listener.backend_pid();
    std::thread kill([&killer, pid] {
        std::this_thread::sleep_for(200ms);
        (void)killer.query_value<bool>("SELECT pg_terminate_backend($1)", pid);
    });
    try {
        (void)listener.wait_notification(30s);
        FAIL("the wait returned");
    }
    catch (const typq::connection_error& e) {
        CHECK(e.broken());
        CHECK(e.sqlstate() == "57P01");
    }
    kill.join();
    CHECK(listener.state() == typq::connection_state::broken);
    CHECK_THROWS_AS((void)listener.wait_notification(0s), typq::connection_error);
    CHECK_THROWS_AS((void)listener.notifications(), typq::connection_error);
}

TEST_CASE("a closed or moved-from connection refuses to wait", "[io][notify]")
{
    auto conn = typq_test::connect();
    auto moved = std::move(conn);
    CHECK_THROWS_AS((void)conn.wait_notification(0s), typq::connection_error);  // NOLINT(bugprone-use-after-move)
    moved.listen("typq_moved");
    moved.notify("typq_moved", "follows the move");
    const auto got = moved.wait_notification(5s);
    REQUIRE(got);
    CHECK(got->payload == "follows the move");
    moved.close();
    CHECK_THROWS_AS((void)moved.wait_notification(0s), typq::connection_error);
}

}  // namespace io_notifications_test
