// SPDX-License-Identifier: BSL-1.0
// 03_rows_as_structs: rows read into plain structs (columns matched to fields by name), with
// query, query_one, query_opt and query_value; tuples and structured bindings.
//
// Run:  example_03_rows_as_structs [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <cstdint>   // std::int32_t, std::int64_t
#include <cstdlib>   // std::getenv
#include <iostream>  // std::cout, std::cerr
#include <optional>  // std::optional
#include <string>    // std::string
#include <tuple>     // std::tuple

// Any aggregate works: no macro, no registration. A NULL column needs a std::optional field.
struct book {
    std::int64_t id;
    std::string title;
    std::optional<std::string> subtitle;
    std::int32_t published;
};

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const char* conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};
        conn.execute("CREATE TEMP TABLE books (id int8 PRIMARY KEY, title text NOT NULL, subtitle text,"
                     " published int4 NOT NULL);"
                     "INSERT INTO books VALUES (1, 'Dune', NULL, 1965), (2, 'Neuromancer', NULL, 1984),"
                     " (3, 'Hyperion', 'The first Cantos', 1989)");

        // query<T>: every row, checked against T's fields once; the column order does not matter.
        for (const book& b : conn.query<book>("SELECT published, title, id, subtitle FROM books ORDER BY id"))
            std::cout << b.id << ". " << b.title << " (" << b.published << ")"
                      << (b.subtitle ? " - " + *b.subtitle : "") << '\n';

        // query_one<T>: exactly one row (else typq::no_rows or typq::too_many_rows).
        const book dune = conn.query_one<book>("SELECT * FROM books WHERE title = $1", "Dune");
        std::cout << "query_one: " << dune.title << " has id " << dune.id << '\n';

        // query_opt<T>: zero or one row.
        const std::optional<book> missing = conn.query_opt<book>("SELECT * FROM books WHERE id = $1", 42);
        std::cout << "query_opt: id 42 " << (missing ? "found" : "not found") << '\n';

        // query_value<T>: the one column of the one row. count(*) is int8, so std::int64_t.
        const auto n = conn.query_value<std::int64_t>("SELECT count(*) FROM books WHERE published < $1", 1988);
        std::cout << "query_value: " << n << " books before 1988\n";

        // Tuples map columns by position; structured bindings unpack tuples and structs alike.
        using title_year = std::tuple<std::string, std::int32_t>;
        const auto rows = conn.query<title_year>("SELECT title, published FROM books ORDER BY published DESC");
        for (const auto& [title, year] : rows)
            std::cout << title << ", " << year << '\n';
        const auto [id, title, subtitle, year] = conn.query_one<book>("SELECT * FROM books WHERE id = 3");
        std::cout << id << ": " << title << ": " << subtitle.value_or("") << " (" << year << ")\n";

        // Columns that do not fit the struct are one error, before any row is read.
        try {
            (void)conn.query<book>("SELECT id, title, published::text FROM books");
        }
        catch (const typq::conversion_error& e) {
            std::cout << e.what() << '\n';
        }
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
