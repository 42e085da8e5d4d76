// SPDX-License-Identifier: BSL-1.0
// 04_named_parameters: when a struct is the only argument, :name placeholders take its fields.
// The same struct can then be written with :names and read back by column names.
//
// Run:  example_04_named_parameters [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <cstdint>   // std::int64_t
#include <cstdlib>   // std::getenv
#include <iostream>  // std::cout, std::cerr
#include <optional>  // std::optional
#include <string>    // std::string

struct account {
    std::int64_t id;
    std::string owner;
    std::optional<std::string> email;  // an empty optional is NULL
    std::int64_t balance;
};

// Any struct will do, for example one that holds a query's filters.
struct balance_range {
    std::int64_t low;
    std::int64_t high;
};

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const char* conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};
        conn.execute("CREATE TEMP TABLE accounts (id int8 PRIMARY KEY, owner text NOT NULL, email text,"
                     " balance int8 NOT NULL)");

        const account accounts[] = {{1, "ann", "ann@example.com", 120}, {2, "bob", std::nullopt, 40},
            {3, "cid", "cid@example.com", 75}};
        for (const account& a : accounts)
            conn.execute("INSERT INTO accounts VALUES (:id, :owner, :email, :balance)", a);

        account bob = conn.query_one<account>("SELECT * FROM accounts WHERE id = $1", 2);
        std::cout << "bob's email was " << bob.email.value_or("NULL") << '\n';

        // Only the fields the statement names are sent. A name that is not a field (:balanse) does
        // not compile, and neither does a $1 next to :names.
        bob.balance += 10;
        bob.email = "bob@example.com";
        const auto updated = conn.execute(
            "UPDATE accounts SET balance = :balance, email = coalesce(:email, email) WHERE id = :id", bob);
        std::cout << "updated " << updated << " row: " << bob.owner << " now has " << bob.balance << '\n';

        // :: is a cast, not a placeholder.
        const balance_range range{50, 100};
        for (const account& a : conn.query<account>(
                 "SELECT * FROM accounts WHERE balance BETWEEN :low::int8 AND :high ORDER BY balance", range))
            std::cout << a.owner << " <" << a.email.value_or("no email") << "> has " << a.balance << '\n';
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
