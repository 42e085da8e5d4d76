// SPDX-License-Identifier: BSL-1.0
// 06_custom_type: your own types as parameters and columns. A specialisation of typq::type<T> maps a
// struct to PostgreSQL's point; typq::type_as reuses int8's adapter for a strong typedef.
//
// Run:  example_06_custom_type [conninfo]   (else TYPQ_DSN, else libpq's PG* variables)

#include <typq/typq.hpp>

#include <cstdint>      // std::int64_t
#include <cstdlib>      // std::getenv
#include <iostream>     // std::cout, std::cerr
#include <string>       // std::string, std::to_string
#include <string_view>  // sql_type

namespace geo {
struct point {
    double x;
    double y;
};
}  // namespace geo

// PostgreSQL's point in binary (point_send): x then y, each a float8 in network byte order.
template <>
struct typq::type<geo::point> {
    static constexpr std::string_view sql_type = "point";
    static constexpr oid param_oid = static_cast<oid>(600);  // point's OID in pg_type

    static constexpr bool accepts(oid column) noexcept { return column == param_oid; }
    static void encode(const geo::point& p, writer& out)
    {
        out.put_be(p.x);
        out.put_be(p.y);
    }
    static void decode(value_view in, geo::point& out)  // never trust the bytes: check, then read
    {
        if (in.size() != 16)
            in.fail("a point is 16 bytes, not " + std::to_string(in.size()));
        out.x = in.subview(0, 8, oid::float8).read_be<double>();
        out.y = in.subview(8, 8, oid::float8).read_be<double>();
    }
};

// A strong typedef: a user_id is not interchangeable with other integers, but travels as int8.
enum class user_id : std::int64_t {};
template <>
struct typq::type<user_id> : typq::type_as<user_id, std::int64_t> {};

struct place {
    user_id owner;
    std::string name;
    geo::point location;
};

int main(int argc, char** argv)
{
    const char* env = std::getenv("TYPQ_DSN");
    const char* conninfo = argc > 1 ? argv[1] : env ? env : "";
    try {
        typq::connection conn{conninfo};
        conn.execute("CREATE TEMP TABLE places (owner int8, name text, location point)");

        const user_id owner{7};
        conn.execute("INSERT INTO places VALUES (:owner, :name, :location)", place{owner, "home", {0.5, 1.5}});
        conn.execute("INSERT INTO places VALUES ($1, $2, $3)", owner, "work", geo::point{3.5, 5.5});

        for (const place& p : conn.query<place>("SELECT * FROM places WHERE owner = $1 ORDER BY name", owner))
            std::cout << p.name << " of user " << static_cast<std::int64_t>(p.owner) << " is at " << p.location.x
                      << ", " << p.location.y << '\n';

        // The server computes with the values typq sent: <-> is the distance between two points.
        const geo::point a{0, 0}, b{3, 4};
        std::cout << "distance: " << conn.query_value<double>("SELECT $1 <-> $2", a, b) << '\n';
        std::cout << "as text: " << conn.query_value<std::string>("SELECT $1::text", b) << '\n';

        // A column the adapter does not accept is refused before any row is read.
        try {
            (void)conn.query_value<geo::point>("SELECT box '((0,0),(1,1))'");
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
