// SPDX-License-Identifier: BSL-1.0
// 15_todo: the program docs/tutorial.md builds, a small to-do list that puts the first examples
// together: a table, a struct for its rows, parameters, a transaction, and an error the program
// expects and handles. (A temporary table, so that it leaves nothing behind.)
//
// Run:  example_15_todo [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <cstdint>   // std::int64_t
#include <cstdlib>   // std::getenv
#include <iostream>  // std::cout, std::cerr
#include <optional>  // a task's note, which may be NULL
#include <string>    // titles

// One row of the tasks table: the columns map to the fields by name.
struct task {
    std::int64_t id;
    std::string title;
    std::optional<std::string> note;  // NULL <-> std::nullopt
    bool done;
};

// Adds a task and returns the id the server gave it.
std::int64_t add(typq::connection& conn, const std::string& title, const std::optional<std::string>& note = {})
{
    return conn.query_value<std::int64_t>("INSERT INTO tasks (title, note) VALUES ($1, $2) RETURNING id", title, note);
}

void print(typq::connection& conn)
{
    for (const task& t : conn.query<task>("SELECT id, title, note, done FROM tasks ORDER BY id"))
        std::cout << (t.done ? "[x] " : "[ ] ") << t.id << ' ' << t.title << (t.note ? " (" + *t.note + ")" : "")
                  << '\n';
}

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const char* conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};
        conn.execute("CREATE TEMP TABLE tasks (id int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                     " title text NOT NULL UNIQUE, note text, done bool NOT NULL DEFAULT false)");

        const std::int64_t milk = add(conn, "buy milk");
        const std::int64_t report = add(conn, "write the report", "due Friday");
        add(conn, "call the plumber");

        // The milk is bought and the report is cancelled: both changes, or neither.
        {
            typq::transaction tx{conn};
            conn.execute("UPDATE tasks SET done = true WHERE id = $1", milk);
            conn.execute("DELETE FROM tasks WHERE id = $1", report);
            tx.commit();
        }
        print(conn);

        // The same title twice: the table refuses it, and the program says why and goes on.
        try {
            add(conn, "buy milk");
        }
        catch (const typq::unique_violation& e) {
            std::cout << "not added: " << e.what() << '\n';
        }

        const auto left = conn.query_value<std::int64_t>("SELECT count(*) FROM tasks WHERE NOT done");
        std::cout << left << " task(s) left\n";
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
