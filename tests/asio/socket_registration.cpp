// SPDX-License-Identifier: BSL-1.0
// tests/asio/socket_registration.cpp: between statements, typq::async_connection's socket is
// registered with Asio's reactor for reading only. Asio's epoll reactor adds EPOLLOUT to a
// descriptor the first time the program waits for it to be writable (connecting does; so does a
// statement whose data fills the socket's buffer) and never takes it out; left there, every ACK from
// the server wakes the reactor for nothing (docs/performance.md, "The asynchronous connection").
// What the kernel has registered is read from /proc/self/fdinfo, the kernel's own account.

#include "asio_checks.hpp"

#include <sys/epoll.h>  // EPOLLOUT

#include <cstdint>     // std::int64_t
#include <filesystem>  // /proc/self/fdinfo
#include <fstream>     // reading an fdinfo file
#include <sstream>     // parsing its lines
#include <string>      // lines, a large parameter
#include <vector>      // registrations

namespace asio_socket_registration_test {

struct registration {
    int fd;
    unsigned events;
};

// Every descriptor registered with an epoll instance of this process, with its event mask: an
// epoll descriptor's fdinfo has a line `tfd: <fd> events: <hex mask> data: ...` for each.
inline std::vector<registration> epoll_registrations()
{
    std::vector<registration> found;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fdinfo")) {
        std::ifstream info(entry.path());
        std::string line;
        while (std::getline(info, line)) {
            if (line.rfind("tfd:", 0) != 0)
                continue;
            std::istringstream fields(line);
            std::string tfd;
            std::string events_label;
            registration r{};
            fields >> tfd >> r.fd >> events_label >> std::hex >> r.events;
            if (fields)
                found.push_back(r);
        }
    }
    return found;
}

// The registrations that include EPOLLOUT.
inline std::vector<registration> watched_for_writing()
{
    std::vector<registration> writing;
    for (const registration& r : epoll_registrations())
        if ((r.events & static_cast<unsigned>(EPOLLOUT)) != 0)
            writing.push_back(r);
    return writing;
}

}  // namespace asio_socket_registration_test

TEST_CASE("async connection: between statements the socket is watched for reading only", "[asio]")
{
    using namespace asio_socket_registration_test;
    asio_test::run([]() -> asio_test::asio::awaitable<void> {
        typq::async_connection conn = co_await asio_test::connect();  // connecting waits for writing
        const auto one = co_await conn.query_value<std::int32_t>("SELECT 1");
        CHECK(one == 1);
        CHECK_FALSE(epoll_registrations().empty());  // the reactor does watch the socket
        CHECK(watched_for_writing().empty());

        // 16 MB of parameter do not fit in the socket's buffer: the statement waits for writing
        // (and reading) until all of it is sent.
        const std::string large(16 * 1024 * 1024, 'x');
        const auto length = co_await conn.query_value<std::int64_t>("SELECT length($1::text)::int8", large);
        CHECK(length == static_cast<std::int64_t>(large.size()));
        const auto two = co_await conn.query_value<std::int32_t>("SELECT 2");
        CHECK(two == 2);
        CHECK(watched_for_writing().empty());
    });
}
