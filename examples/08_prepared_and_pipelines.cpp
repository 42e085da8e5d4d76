// SPDX-License-Identifier: BSL-1.0
// 08_prepared_and_pipelines: statements the server parses once (conn.prepare, and automatic
// preparation after a few runs), statements sent without waiting for each other (typq::pipeline),
// and a batch of inserts in one round trip (execute_many).
//
// Run:  example_08_prepared_and_pipelines [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <cstdint>   // std::int64_t
#include <cstdlib>   // std::getenv
#include <iostream>  // std::cout, std::cerr
#include <string>    // std::string
#include <vector>    // the batch

struct book {
    std::int64_t id;
    std::string title;
};

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const char* conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        // A statement run 5 times is prepared on its 6th run ({.prepare_threshold = 0}: at once;
        // std::nullopt: never, for PgBouncer in transaction mode).
        typq::connection conn{conninfo, {.prepare_threshold = 5, .statement_cache_size = 64}};
        conn.execute("CREATE TEMP TABLE books (id int8 PRIMARY KEY, title text NOT NULL)");

        // execute_many: one prepared statement, every row in one pipeline, one round trip; atomic.
        const std::vector<book> shelf{{1, "Dune"}, {2, "Emma"}, {3, "Ulysses"}, {4, "Beloved"}};
        const std::uint64_t added = conn.execute_many("INSERT INTO books VALUES (:id, :title)", shelf);
        std::cout << "inserted " << added << " books\n";

        // prepare: parsed and described once; the row type is checked on first use.
        auto by_id = conn.prepare<std::int64_t>("SELECT id, title FROM books WHERE id = $1");
        const book emma = conn.query_one<book>(by_id, 2);
        std::cout << emma.id << ": " << emma.title << " (statement " << by_id.name() << ")\n";

        {   // A pipeline: statements go out without waiting; get() delivers each one's outcome.
            typq::pipeline p{conn};
            typq::pending<std::uint64_t> renamed = p.execute("UPDATE books SET title = upper(title) WHERE id < $1", 3);
            typq::pending<book> first = p.query_one<book>("SELECT id, title FROM books WHERE id = $1", 1);
            typq::pending<std::int64_t> count = p.query_value<std::int64_t>("SELECT count(*) FROM books");
            p.sync();  // a sync point: the statements before it were one implicit transaction
            typq::pending<std::int64_t> missing = p.query_value<std::int64_t>("SELECT id FROM books WHERE id = 99");
            std::cout << "renamed " << renamed.get() << ", first is " << first.get().title << ", " << count.get()
                      << " in all\n";
            try {
                (void)missing.get();
            }
            catch (const typq::no_rows& e) {
                std::cout << "no book 99: " << e.what() << '\n';
            }
        }   // leaving the scope syncs, reads what is left and ends pipeline mode

        // Statements run often enough were prepared on the server by typq itself.
        for (int round = 0; round < 6; ++round)
            (void)conn.query_value<std::string>("SELECT title FROM books WHERE id = $1", std::int64_t{3});
        std::cout << "prepared on the server: "
                  << conn.query_value<std::int64_t>("SELECT count(*) FROM pg_prepared_statements") << '\n';
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
