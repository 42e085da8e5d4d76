// SPDX-License-Identifier: BSL-1.0
// 11_copy: loading and reading many rows with COPY. Structs go in and out in PostgreSQL's binary
// COPY format (the columns' types checked against the fields first); any other format (csv,
// text) is raw bytes. A COPY that is not finished lands nothing, and the connection goes on.
//
// Run:  example_11_copy [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <chrono>    // the measurements' timestamps
#include <cstdint>   // std::int64_t
#include <cstdlib>   // std::getenv
#include <iostream>  // std::cout, std::cerr
#include <optional>  // a nullable column
#include <string>    // conninfo, names
#include <vector>    // rows to load

struct measurement {
    std::int64_t id;
    std::string sensor;
    double value;
    std::optional<std::string> note;  // NULL when empty
    typq::timestamptz taken;
};

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const std::string conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};
        conn.execute("DROP TABLE IF EXISTS pg_temp.measurements");  // pg_temp: never a permanent table
        conn.execute("CREATE TEMPORARY TABLE measurements (id int4 PRIMARY KEY, sensor text NOT NULL, value float8, "
                     "note varchar(40), taken timestamptz)");

        // Binary COPY in: the fields go into the columns of the same names. id is an int4
        // column: the int64 field is converted exactly (a value out of int4's range would be an
        // error for its row), and std::string fills the varchar.
        const typq::timestamptz start = std::chrono::round<std::chrono::microseconds>(std::chrono::system_clock::now());
        std::vector<measurement> rows;
        for (std::int64_t i = 1; i <= 10000; ++i)
            rows.push_back({i, "sensor-" + std::to_string(i % 3), static_cast<double>(i) / 4,
                i % 1000 == 0 ? std::optional<std::string>("checked") : std::nullopt, start + std::chrono::seconds(i)});
        typq::copy_writer<measurement> writer = conn.copy_in<measurement>("measurements");
        writer.write(rows);
        std::cout << "copied in: " << writer.finish() << " rows\n";

        // Binary COPY out of a query: its columns are checked against the struct before it runs,
        // and rows arrive one at a time, in constant memory.
        double total = 0;
        for (const measurement& m : conn.copy_out<measurement>(
                 "SELECT id, sensor, value, note, taken FROM measurements WHERE note IS NOT NULL ORDER BY id"))
            total += m.value;
        std::cout << "checked values add up to " << total << '\n';

        // A writer destroyed without finish() aborts its COPY: nothing of it lands.
        {
            typq::copy_writer<measurement> aborted = conn.copy_in<measurement>("measurements");
            aborted.write(measurement{20000, "sensor-x", 1, std::nullopt, start});
        }
        std::cout << "after the aborted COPY: " << conn.query_value<std::int64_t>("SELECT count(*) FROM measurements")
                  << " rows\n";

        // A row the table refuses fails the whole COPY with the server's error; nothing lands.
        try {
            typq::copy_writer<measurement> again = conn.copy_in<measurement>("measurements");
            again.write(measurement{10001, "sensor-y", 2, std::nullopt, start});
            again.write(measurement{1, "sensor-y", 3, std::nullopt, start});  // id 1 exists
            again.finish();
        }
        catch (const typq::unique_violation& e) {
            std::cout << "refused: " << e.what() << '\n';
        }

        // Raw COPY in any other format: csv in, csv out.
        typq::raw_copy_writer csv = conn.copy_in("COPY measurements (id, sensor, value) FROM STDIN (FORMAT csv)");
        csv.write("20001,\"sensor, quoted\",1.5\n");
        csv.write("20002,sensor-z,2.5\n");
        std::cout << "csv rows in: " << csv.finish() << '\n';
        for (std::string_view line :
            conn.copy_out("COPY (SELECT id, sensor, value FROM measurements WHERE id > 20000 ORDER BY id) TO STDOUT "
                          "(FORMAT csv, HEADER)"))
            std::cout << "csv: " << line;
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
