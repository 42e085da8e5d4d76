// SPDX-License-Identifier: BSL-1.0
// 16_schema_check: statements checked at compile time against the database schema. The build
// defines TYPQ_SCHEMA_HEADER as examples/schema_check/schema.hpp, which typq-schema generated from
// examples/schema_check/schema.sql and this file's statements (examples/CMakeLists.txt, target
// example_16_schema_header; docs/schema.md). Every statement below is checked when it compiles: its
// arguments against the types the server gives its parameters, its columns against the row's
// fields (names, types, and NULL only into std::optional). Try it: make customer.name an integer
// in schema.sql, regenerate the header, rebuild, and the compiler names `name` in customer_row.
//
// Run:  example_16_schema_check [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)
// The example creates its tables inside a transaction that it rolls back: the database is left
// as it was.

#include <typq/typq.hpp>

#include <cstdint>   // std::int64_t
#include <cstdlib>   // std::getenv
#include <fstream>   // schema.sql
#include <iostream>  // std::cout, std::cerr
#include <iterator>  // std::istreambuf_iterator
#include <optional>  // std::optional
#include <stdexcept> // std::runtime_error
#include <string>    // std::string

enum class order_status { open, paid, shipped };
template <>
struct typq::type<order_status> : typq::enum_type<order_status, "order_status"> {};

struct customer_row {
    std::int64_t id;
    std::string email;
    std::string name;
    std::optional<std::string> phone;  // the column may be NULL: a plain std::string does not compile
};

struct new_order {
    std::int64_t customer_id;
    order_status status;
    typq::numeric total;
};

struct order_line {
    std::int64_t id;
    std::string customer;
    order_status status;
    typq::numeric total;
    std::optional<std::string> note;
};

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const char* conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};
        typq::transaction tx{conn};  // never committed: the tables go when it rolls back

        std::ifstream file(TYPQ_EXAMPLE_SCHEMA_SQL);
        const std::string schema{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
        if (schema.empty())
            throw std::runtime_error("cannot read " TYPQ_EXAMPLE_SCHEMA_SQL);
        conn.execute(typq::runtime(schema));

        // INSERT ... RETURNING: the argument types against the parameters, the column against std::int64_t.
        const auto ada = conn.query_value<std::int64_t>(
            "INSERT INTO customer (email, name, phone) VALUES ($1, $2, $3) RETURNING id", "ada@example.org", "Ada",
            std::optional<std::string>());
        const auto alan = conn.query_value<std::int64_t>(
            "INSERT INTO customer (email, name, phone) VALUES ($1, $2, $3) RETURNING id", "alan@example.org", "Alan",
            std::optional<std::string>("+44 161 555 0100"));

        // Named parameters: each field against the parameter it binds.
        for (const new_order& o : {new_order{ada, order_status::paid, typq::numeric::parse("19.90")},
                 new_order{ada, order_status::open, typq::numeric::parse("5.00")},
                 new_order{alan, order_status::shipped, typq::numeric::parse("120.00")}})
            conn.execute("INSERT INTO orders (customer_id, status, total) VALUES (:customer_id, :status, :total)", o);

        const customer_row c = conn.query_one<customer_row>("SELECT id, email, name, phone FROM customer WHERE email = $1",
            "alan@example.org");
        std::cout << c.name << " <" << c.email << ">, phone " << c.phone.value_or("none") << '\n';

        // A join: every column traced to its table; o.note may be NULL, so its field is optional.
        for (const order_line& line : conn.query<order_line>(
                 "SELECT o.id, c.name AS customer, o.status, o.total, o.note FROM orders o JOIN customer c ON c.id = "
                 "o.customer_id ORDER BY o.id"))
            std::cout << "order " << line.id << ": " << line.customer << ", " << line.total.to_string()
                      << (line.status == order_status::shipped ? " (shipped)" : "") << '\n';

        // An aggregate may be NULL (no rows): the header says so, and std::optional is required.
        const auto paid = conn.query_value<std::optional<typq::numeric>>(
            "SELECT sum(total) FROM orders WHERE status = $1", order_status::paid);
        std::cout << "paid: " << (paid ? paid->to_string() : "nothing") << '\n';
    }
    catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
}
