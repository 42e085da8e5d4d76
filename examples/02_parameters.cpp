// SPDX-License-Identifier: BSL-1.0
// 02_parameters: execute() with $1..$N parameters, NULL, the count of affected rows, and SQL built
// at run time with typq::format_sql() and typq::runtime().
//
// Run:  example_02_parameters [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <cstdint>   // std::int32_t
#include <cstdlib>   // std::getenv
#include <iostream>  // std::cout, std::cerr
#include <optional>  // std::optional, std::nullopt
#include <string>    // std::string

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const char* conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};
        // Without arguments, execute() sends the text as it is (it may hold several statements).
        conn.execute("CREATE TEMP TABLE notes (id int4 GENERATED ALWAYS AS IDENTITY, title text NOT NULL,"
                     " body text, stars int4)");

        // $1..$N take the arguments in order, typed by their C++ types (strings travel as text that the
        // server converts). The literal is checked as this compiles: "VALUES ($1, $2, $4)" would not.
        conn.execute("INSERT INTO notes (title, body, stars) VALUES ($1, $2, $3)", "groceries", "milk", 4);

        // NULL: std::nullopt, or an empty std::optional.
        const std::optional<std::string> none;
        const std::optional<std::int32_t> three = 3;
        conn.execute("INSERT INTO notes (title, body, stars) VALUES ($1, $2, $3)", "empty", none, std::nullopt);
        conn.execute("INSERT INTO notes (title, body, stars) VALUES ($1, $2, $3)", "ideas", "tests", three);

        // execute() returns the number of rows the statement affected.
        const auto starred = conn.execute("UPDATE notes SET stars = stars + 1 WHERE stars >= $1", 4);
        std::cout << "starred " << starred << " note(s)\n";
        const auto nulls = conn.query_value<std::int64_t>("SELECT count(*) FROM notes WHERE stars IS NULL");
        std::cout << nulls << " note(s) without stars\n";

        // SQL built at run time is not checked when compiling: typq::format_sql composes it with
        // names quoted as identifiers (never pasted in), and its placeholders are checked against
        // the arguments when it runs, as those of typq::runtime(text) are.
        for (const std::string column : {"title", "stars"}) {
            const auto statement = typq::format_sql("SELECT title FROM notes WHERE stars > $1 ORDER BY {}",
                                                    typq::identifier(column));
            std::cout << "by " << column << ':';
            for (const std::string& title : conn.query<std::string>(statement, 0))
                std::cout << ' ' << title;
            std::cout << '\n';
        }
        try {
            conn.execute(typq::runtime("DELETE FROM notes WHERE stars < $1 OR title = $2"), 3);
        }
        catch (const typq::usage_error& e) {  // nothing was sent to the server
            std::cout << "runtime SQL refused: " << e.what() << '\n';
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
