// SPDX-License-Identifier: BSL-1.0
// 05_transactions: typq::transaction commits with commit() and rolls back otherwise; nested, it is a
// savepoint; options choose the isolation level; a failed statement throws a class you can catch.
//
// Run:  example_05_transactions [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <cstdint>   // std::int64_t
#include <cstdlib>   // std::getenv
#include <iostream>  // std::cout, std::cerr
#include <string>    // std::string

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const char* conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};
        conn.execute("CREATE TEMP TABLE accounts (owner text PRIMARY KEY, balance int8 NOT NULL);"
                     "INSERT INTO accounts VALUES ('ann', 100), ('bob', 0)");
        const auto balances = [&conn] {
            return conn.query_value<std::string>(
                "SELECT string_agg(owner || ' ' || balance, ', ' ORDER BY owner) FROM accounts");
        };

        {   // BEGIN ... COMMIT
            typq::transaction tx{conn};
            conn.execute("UPDATE accounts SET balance = balance - $1 WHERE owner = $2", 30, "ann");
            conn.execute("UPDATE accounts SET balance = balance + $1 WHERE owner = $2", 30, "bob");
            tx.commit();
        }
        std::cout << "committed:   " << balances() << '\n';

        {   // No commit(): the destructor rolls back (as it does when an exception leaves the scope).
            typq::transaction tx{conn};
            conn.execute("DELETE FROM accounts");
        }
        std::cout << "rolled back: " << balances() << '\n';

        {   // Nested: SAVEPOINT; its rollback undoes only its own work.
            typq::transaction tx{conn};
            conn.execute("UPDATE accounts SET balance = balance + 1");
            {
                typq::transaction inner{conn};
                conn.execute("UPDATE accounts SET balance = 0");
                inner.rollback();
            }
            tx.commit();
        }
        std::cout << "savepoint:   " << balances() << '\n';

        {   // Isolation level, read-only.
            typq::transaction tx{conn, {.isolation = typq::isolation_level::serializable, .read_only = true}};
            std::cout << "isolation:   " << conn.query_value<std::string>("SHOW transaction_isolation") << '\n';
            tx.commit();
        }

        // Errors have classes named after their SQLSTATE. Catching one inside a savepoint keeps the
        // enclosing transaction usable.
        typq::transaction tx{conn};
        try {
            typq::transaction attempt{conn};
            conn.execute("INSERT INTO accounts VALUES ($1, $2)", "ann", 5);
            attempt.commit();
        }
        catch (const typq::unique_violation& e) {
            std::cout << "unique_violation " << e.sqlstate() << " on " << e.constraint_name() << '\n';
        }
        conn.execute("INSERT INTO accounts VALUES ($1, $2)", "cid", 5);
        tx.commit();
        std::cout << "finally:     " << balances() << '\n';
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
