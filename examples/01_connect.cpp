// SPDX-License-Identifier: BSL-1.0
// 01_connect: open a connection and ask the server about itself.
//
// Run:  example_01_connect [conninfo]
// The conninfo is a libpq string or URI ("host=localhost dbname=app", "postgresql:///app"). Without
// one, TYPQ_DSN is used if set, else an empty string, so that libpq's PG* variables apply.

#include <typq/typq.hpp>

#include <cstdint>   // std::int32_t
#include <cstdlib>   // std::getenv
#include <iostream>  // std::cout, std::cerr
#include <string>    // std::string

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const char* conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};  // throws typq::connection_error if the server is not there

        // What libpq learnt while connecting: no round trip.
        std::cout << "server_version():  " << conn.server_version() << '\n';  // 150018 for 15.18
        std::cout << "server_version:    " << conn.parameter_status("server_version").value_or("?") << '\n';
        std::cout << "client_encoding:   " << conn.parameter_status("client_encoding").value_or("?") << '\n';
        std::cout << "backend_pid():     " << conn.backend_pid() << '\n';

        // Or ask the server with a query.
        const auto database = conn.query_value<std::string>("SELECT current_database()");
        const auto pid = conn.query_value<std::int32_t>("SELECT pg_backend_pid()");
        std::cout << "current_database:  " << database << '\n';
        std::cout << "pg_backend_pid():  " << pid << '\n';

        conn.close();  // the destructor would close it too
        const bool closed = conn.state() == typq::connection_state::closed;
        std::cout << "closed:            " << std::boolalpha << closed << '\n';
    }
    catch (const typq::server_error& e) {
        std::cerr << "server error " << e.sqlstate() << ": " << e.what() << '\n';
        return 1;
    }
    catch (const typq::error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
}
