// SPDX-License-Identifier: BSL-1.0
// 07_realistic_table: a table with the types an application really has (an enum, money, a
// timestamp with time zone, a time of day, jsonb, a text array, a composite address, a range)
// mapped to one struct, written with named parameters and read back by column name.
//
// Run:  example_07_realistic_table [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <chrono>       // the timestamps
#include <cstdint>      // std::int64_t
#include <cstdlib>      // std::getenv
#include <iostream>     // std::cout, std::cerr
#include <optional>     // NULL-able columns
#include <string>       // text
#include <vector>       // arrays

namespace shop {

// A PostgreSQL enum: the labels are the enumerators' names.
enum class order_status { pending, paid, shipped, cancelled };

// A PostgreSQL composite type, field by attribute name.
struct address {
    std::string street;
    std::string city;
    std::optional<std::string> postcode;
};

struct order {
    std::int64_t id;
    std::string customer;
    order_status status;
    typq::money total;
    typq::timestamptz placed_at;
    std::optional<typq::time_of_day> deliver_after;  // a time of day, or NULL: any time
    typq::jsonb items;
    std::vector<std::string> tags;
    address ship_to;
    typq::range<std::int32_t> quantity_band;
};

}  // namespace shop

// The two server-defined types name their SQL type; a connection looks their OIDs up once.
template <>
struct typq::type<shop::order_status> : typq::enum_type<shop::order_status, "order_status"> {};
template <>
struct typq::type<shop::address> : typq::composite_type<shop::address, "address"> {};

namespace {

const char* status_name(shop::order_status status)
{
    switch (status) {
    case shop::order_status::pending: return "pending";
    case shop::order_status::paid: return "paid";
    case shop::order_status::shipped: return "shipped";
    case shop::order_status::cancelled: return "cancelled";
    }
    return "?";
}

}  // namespace

int main(int argc, char** argv)
{
    using namespace std::chrono;
    const char* env = std::getenv("TYPQ_DSN");
    const char* conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};
        // Temporary types and table: the example leaves nothing behind in the database.
        conn.execute(R"(
            CREATE TYPE pg_temp.order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
            CREATE TYPE pg_temp.address AS (street text, city varchar(60), postcode varchar(10));
            CREATE TEMP TABLE orders (
                id            bigint PRIMARY KEY,
                customer      text NOT NULL,
                status        order_status NOT NULL DEFAULT 'pending',
                total         money NOT NULL,
                placed_at     timestamptz NOT NULL,
                deliver_after time,
                items         jsonb NOT NULL,
                tags          text[] NOT NULL DEFAULT '{}',
                ship_to       address NOT NULL,
                quantity_band int4range NOT NULL
            ))");

        const shop::order first{1, "Ada", shop::order_status::paid, typq::money{12'550},
            sys_days{2026y / November / 24d} + 9h + 30min, typq::time_of_day{14h},
            typq::jsonb{R"([{"sku": "tea-01", "qty": 2}, {"sku": "mug-07", "qty": 1}])"}, {"gift", "fragile"},
            {"1 Analytical Row", "London", "N1 9GU"}, typq::range<std::int32_t>(1, 10)};
        const shop::order second{2, "Grace", shop::order_status::pending, typq::money{999},
            sys_days{2026y / November / 25d} + 17h, std::nullopt, typq::jsonb{R"([{"sku": "cobol-book", "qty": 1}])"}, {},
            {"9 Compiler Lane", "Arlington", std::nullopt}, typq::range<std::int32_t>(1, std::nullopt)};

        // One struct, every column: named parameters bind from its fields.
        for (const shop::order& o : {first, second})
            conn.execute("INSERT INTO orders VALUES (:id, :customer, :status, :total, :placed_at, :deliver_after, "
                         ":items, :tags, :ship_to, :quantity_band)",
                o);

        // The server works with what typq sent: compare an enum, index a composite, search an array.
        conn.execute("UPDATE orders SET status = $1 WHERE status = $2 AND (ship_to).city = $3 AND $4 = ANY (tags)",
            shop::order_status::shipped, shop::order_status::paid, "London", "gift");

        for (const shop::order& o : conn.query<shop::order>("SELECT * FROM orders ORDER BY id")) {
            std::cout << "order " << o.id << " for " << o.customer << ": " << status_name(o.status) << ", "
                      << o.total.to_string() << ", placed " << o.placed_at.time_since_epoch().count() / 1'000'000
                      << " s after 1970, to " << o.ship_to.street << ", " << o.ship_to.city << ' '
                      << o.ship_to.postcode.value_or("(no postcode)") << ", quantities " << o.quantity_band.to_string()
                      << ", " << o.tags.size() << " tag(s), items " << o.items.text() << '\n';
            if (o.deliver_after)
                std::cout << "  deliver after " << duration_cast<hours>(o.deliver_after->since_midnight()).count()
                          << ":00\n";
        }

        // The enum's order is the server's: shipped sorts after pending, as declared.
        const auto statuses = conn.query_value<std::vector<shop::order_status>>(
            "SELECT array_agg(status ORDER BY status) FROM orders");
        std::cout << "statuses in enum order:";
        for (const shop::order_status s : statuses)
            std::cout << ' ' << status_name(s);
        std::cout << '\n';

        // A label the C++ enum does not have is refused, naming it, before any row is returned.
        conn.execute("ALTER TYPE order_status ADD VALUE 'refunded'");
        conn.execute("UPDATE orders SET status = 'refunded' WHERE id = 2");
        try {
            (void)conn.query<shop::order>("SELECT * FROM orders ORDER BY id")[1];
        }
        catch (const typq::conversion_error& e) {
            std::cout << "refused: " << e.what() << '\n';
        }
    }
    catch (const typq::error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
