// SPDX-License-Identifier: BSL-1.0
// 10_dynamic_sql: SQL whose shape is known only at run time, composed safely: identifiers and
// literals quoted by typq (typq::format_sql), a filter with as many parameters as it needs
// (typq::params), and rows of any shape (typq::row), as a tool or an admin script reads them.
//
// Run:  example_10_dynamic_sql [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <cstddef>   // std::size_t
#include <cstdint>   // std::int32_t
#include <cstdlib>   // std::getenv
#include <iostream>  // std::cout, std::cerr
#include <string>    // column names chosen at run time
#include <vector>    // the filter's parts

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const char* conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};
        conn.execute("CREATE TEMP TABLE books (id int8 PRIMARY KEY, title text, author text, year int4)");
        conn.execute("INSERT INTO books VALUES (1, 'Dune', 'Herbert', 1965), (2, 'Emma', 'Austen', 1815), "
                     "(3, 'Ulysses', 'Joyce', 1922), (4, 'Beloved', 'Morrison', 1987)");

        // A column chosen at run time (from a UI, say) is an identifier: quoted, never pasted.
        const std::string sort_by = "year";
        const auto ordered = typq::format_sql("SELECT title FROM books ORDER BY {} DESC LIMIT $1",
                                              typq::identifier(sort_by));
        for (const std::string& title : conn.query<std::string>(ordered, 2))
            std::cout << title << '\n';

        // A filter with as many conditions as the user filled in: each value a parameter.
        typq::params values;
        std::vector<typq::sql_fragment> conditions;
        const auto where = [&](const char* column, const char* op, std::int32_t value) {
            values.push_back(value);
            conditions.push_back(typq::format_sql("{} {} {}", typq::identifier(column), typq::runtime(op),
                                                  typq::placeholder(values.size())));
        };
        where("year", ">", 1900);
        where("year", "<", 1970);
        const auto filtered = typq::format_sql("SELECT * FROM books WHERE {} ORDER BY id",
                                               typq::join(conditions, " AND "));

        // Rows of any shape: typq::row, read by column name and checked like a struct's field.
        for (const typq::row& r : conn.query<typq::row>(filtered, values))
            std::cout << r.get<std::string>("title") << " (" << r.get<std::int32_t>("year") << ")\n";

        // Every column of every row, whatever the table, as the server prints it.
        for (const typq::row& r : conn.query<typq::row>(typq::text_results, "SELECT * FROM books WHERE id = 1"))
            for (std::size_t i = 0; i < r.size(); ++i)
                std::cout << r.name(i) << " " << r.sql_type(i) << " = " << r.get<std::string>(i) << '\n';

        // Where the server takes no parameter (DDL, SET, NOTIFY), a value is a literal.
        conn.execute(typq::format_sql("COMMENT ON TABLE books IS {}", typq::literal("Reading list: it's short")));
        std::cout << conn.query_value<std::string>("SELECT obj_description('books'::regclass)") << '\n';
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
