// SPDX-License-Identifier: BSL-1.0
// 09_streams_and_cursors: rows read as they arrive, in constant memory (conn.stream), and a
// server-side cursor that keeps a statement's rows on the server for fetching in batches,
// scrolling and moving (conn.cursor).
//
// Run:  example_09_streams_and_cursors [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <cstdint>   // std::int64_t
#include <cstdlib>   // std::getenv
#include <iostream>  // std::cout, std::cerr
#include <vector>    // fetched rows

struct reading {
    std::int64_t sensor;
    double value;
};

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const char* conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};

        // A stream: one row at a time as the server sends it, however many there are.
        double total = 0;
        std::int64_t rows = 0;
        for (const reading& r : conn.stream<reading>(
                 "SELECT g % 10 AS sensor, g * 0.5::float8 AS value FROM generate_series(1, $1) g", 1'000'000)) {
            total += r.value;
            ++rows;
        }
        std::cout << "streamed " << rows << " rows, total " << total << '\n';

        // Leaving a stream early cancels the statement; the connection goes on at once.
        for (const std::int64_t n : conn.stream<std::int64_t>("SELECT g::int8 FROM generate_series(1, 100000000) g"))
            if (n == 3)
                break;
        std::cout << "after an early exit: " << conn.query_value<std::int32_t>("SELECT 42") << '\n';

        // A cursor lives in a transaction (or, with_hold, beyond it) and fetches on demand.
        typq::transaction tx{conn};
        auto cur = conn.cursor<reading>({.scrollable = true, .itersize = 250},
            "SELECT g AS sensor, g * 0.25::float8 AS value FROM generate_series(1, 1000) g");
        const std::vector<reading> first = cur.fetch(3);
        std::cout << "first three end at sensor " << first.back().sensor << '\n';
        cur.scroll(500, typq::scroll_mode::absolute);  // now on row 500
        std::cout << "after row 500: sensor " << cur.fetch_one()->sensor << '\n';
        std::cout << "skipped " << cur.move(100) << " rows\n";
        std::int64_t rest = 0;
        for (const reading& r : cur)  // the rest, 250 rows a fetch
            rest += r.sensor > 0 ? 1 : 0;
        std::cout << rest << " rows left\n";
        tx.commit();
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
