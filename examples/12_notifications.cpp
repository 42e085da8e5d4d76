// SPDX-License-Identifier: BSL-1.0
// 12_notifications: LISTEN/NOTIFY between two connections (a worker that waits for jobs, with a
// timeout, and a thread that can stop it), and the server's notices (RAISE NOTICE, warnings)
// sent to a handler instead of being dropped.
//
// Run:  example_12_notifications [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <chrono>    // timeouts
#include <cstdlib>   // std::getenv
#include <iostream>  // std::cout, std::cerr
#include <optional>  // what a wait returns
#include <string>    // conninfo
#include <thread>    // the thread that stops the worker

int main(int argc, char** argv)
{
    using namespace std::chrono_literals;
    const char* env = std::getenv("TYPQ_DSN");
    const std::string conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection worker{conninfo};
        typq::connection client{conninfo};

        // The channel is quoted as an identifier: any name, case kept. The payload is a parameter.
        worker.listen("Jobs");
        client.notify("Jobs", "resize image 42");
        client.notify("Jobs", "it's \"any\" text");

        // Notifications come out in order; nullopt when the timeout passes without one.
        while (std::optional<typq::notification> job = worker.wait_notification(1s))
            std::cout << "job on " << job->channel << ": " << job->payload << " (from pid " << job->backend_pid
                      << ")\n";

        // Those that arrive while the worker runs other statements are queued, never dropped.
        client.notify("Jobs", "queued while busy");
        worker.execute("SELECT pg_sleep(0.1)");
        for (const typq::notification& n : worker.notifications())
            std::cout << "queued: " << n.payload << '\n';

        // Another thread stops a worker that waits with no timeout: cancel() ends the wait.
        std::thread stopper([stop = worker.canceller()] {
            std::this_thread::sleep_for(200ms);
            while (!stop.cancel())  // false until the wait has begun
                std::this_thread::sleep_for(10ms);
        });
        const std::optional<typq::notification> none = worker.wait_notification();
        stopper.join();
        std::cout << "stopped waiting: " << (none ? "a job" : "no job") << '\n';
        worker.unlisten_all();

        // Notices go to a handler; without one they are dropped (nothing is printed).
        worker.on_notice([](const typq::notice& n) {
            std::cout << n.severity << " " << n.sqlstate << ": " << n.message << '\n';
        });
        worker.execute("DO $$ BEGIN RAISE NOTICE 'cleaning up'; RAISE WARNING 'disk almost full'; END $$");
        worker.execute("DROP TABLE IF EXISTS no_such_table");
        worker.on_notice(nullptr);
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
