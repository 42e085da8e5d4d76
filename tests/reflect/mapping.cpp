// SPDX-License-Identifier: BSL-1.0
// tests/reflect/mapping.cpp: how result columns map to a row type (a struct by field name,
// typq::by_position<T>, std::tuple, a scalar), and the one conversion_error that names every
// column that does not fit, checked once per result before any row.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <cstdint>   // std::int32_t, std::int64_t
#include <optional>  // optional fields
#include <string>    // text fields, messages
#include <tuple>     // tuple rows
#include <type_traits>  // std::remove_cvref_t
#include <vector>    // collected rows

namespace reflect_mapping_test {

struct person {
    std::int32_t id;
    std::string name;
    std::int32_t age;
};

struct contact {
    std::int64_t id;
    std::string name;
    std::optional<std::string> email;
};

struct point {
    double x;
    double y;
};

bool operator==(const person& a, const person& b)
{
    return a.id == b.id && a.name == b.name && a.age == b.age;
}

}  // namespace reflect_mapping_test

namespace Catch {
template <>
struct StringMaker<reflect_mapping_test::person> {
    static std::string convert(const reflect_mapping_test::person& p)
    {
        return "person{" + std::to_string(p.id) + ", \"" + p.name + "\", " + std::to_string(p.age) + "}";
    }
};
}  // namespace Catch

namespace reflect_mapping_test {

TEST_CASE("a struct maps by field name whatever the order of the SELECT list", "[reflect][mapping]")
{
    auto conn = typq_test::connect();
    const person expected{7, "ann", 31};

    const auto order = GENERATE(as<std::string>{}, "id, name, age", "age, name, id", "name, age, id", "age, id, name");
    CAPTURE(order);
    const auto rows = conn.query<person>(typq::runtime("SELECT " + order + " FROM (SELECT 7 AS id, 'ann'::text AS name, "
                                                                            "31 AS age) AS t"));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0] == expected);
    CHECK(conn.query_one<person>(typq::runtime("SELECT " + order + " FROM (SELECT 7 AS id, 'ann'::text AS name, "
                                                                   "31 AS age) AS t"))
        == expected);
}

TEST_CASE("a struct maps many rows, widening int4 into std::int64_t and NULL into std::optional", "[reflect][mapping]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE contacts (email text, id int4, name varchar(20))");
    conn.execute("INSERT INTO contacts VALUES ('a@x', 1, 'ann'), (NULL, 2, 'bob')");
    std::vector<contact> rows;
    for (const contact& c : conn.query<contact>("SELECT * FROM contacts ORDER BY id"))
        rows.push_back(c);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == 1);
    CHECK(rows[0].name == "ann");
    CHECK(rows[0].email == std::optional<std::string>("a@x"));
    CHECK(rows[1].id == 2);
    CHECK(rows[1].name == "bob");
    CHECK(rows[1].email == std::nullopt);
}

TEST_CASE("typq::by_position maps columns by position and ignores their names", "[reflect][mapping]")
{
    auto conn = typq_test::connect();
    const auto p = conn.query_one<typq::by_position<person>>("SELECT 3 AS age, 'cy'::text AS id, 44 AS whatever");
    CHECK(p == person{3, "cy", 44});

    const auto pt = conn.query_one<typq::by_position<point>>("SELECT 1.5::float8 AS y, -2::float8 AS x");
    CHECK(pt.x == 1.5);
    CHECK(pt.y == -2.0);

    const auto rows = conn.query<typq::by_position<point>>("SELECT g::float8, (g * 2)::float8 FROM generate_series(1, 3) g");
    STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(rows)>::value_type, point>);
    REQUIRE(rows.size() == 3);
    CHECK(rows[2].x == 3.0);
    CHECK(rows[2].y == 6.0);

    SECTION("a different number of columns is a conversion_error")
    {
        REQUIRE_THROWS_AS((void)conn.query_one<typq::by_position<point>>("SELECT 1::float8"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<typq::by_position<point>>("SELECT 1::float8"),
            Catch::Contains("1 column(s)") && Catch::Contains("reflect_mapping_test::point"));
        REQUIRE_THROWS_AS((void)conn.query_one<typq::by_position<point>>("SELECT 1::float8, 2::float8, 3::float8"),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<typq::by_position<point>>("SELECT 1::float8, 2::float8, 3::float8"),
            Catch::Contains("3 column(s)"));
    }
    SECTION("a column of the wrong type names the column, its type, the field and its type")
    {
        REQUIRE_THROWS_AS((void)conn.query_one<typq::by_position<person>>("SELECT 1, 2, 3"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<typq::by_position<person>>("SELECT 1, 2 AS two, 3"),
            Catch::Contains("column \"two\" (int4) cannot become field \"name\" (std::string) of reflect_mapping_test::person"));
    }
}

TEST_CASE("a std::tuple maps columns by position", "[reflect][mapping]")
{
    auto conn = typq_test::connect();
    using row = std::tuple<std::string, std::int64_t, std::optional<double>>;
    CHECK(conn.query_one<row>("SELECT 'a' AS z, 2::int8 AS y, NULL::float8 AS x") == row("a", 2, std::nullopt));
    CHECK(conn.query_one<std::tuple<std::int32_t>>("SELECT 5") == std::tuple<std::int32_t>(5));

    SECTION("a different number of columns is a conversion_error")
    {
        REQUIRE_THROWS_AS((void)conn.query_one<row>("SELECT 'a', 2::int8"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<row>("SELECT 'a', 2::int8"), Catch::Contains("2 column(s)"));
    }
    SECTION("a column of the wrong type names the column, its type, the element and its type")
    {
        REQUIRE_THROWS_AS((void)conn.query_one<row>("SELECT 'a', 'b'::text AS second, 1.0::float8"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<row>("SELECT 'a', 'b'::text AS second, 1.0::float8"),
            Catch::Contains("column \"second\" (text)") && Catch::Contains("(std::int64_t)")
                && Catch::Contains("std::tuple<std::string, std::int64_t, std::optional<double>>"));
    }
}

TEST_CASE("a scalar row type reads the one column", "[reflect][mapping]")
{
    auto conn = typq_test::connect();
    std::vector<std::string> names;
    for (const std::string& s : conn.query<std::string>("SELECT chr(64 + g) FROM generate_series(1, 3) g ORDER BY g"))
        names.push_back(s);
    CHECK(names == std::vector<std::string>{"A", "B", "C"});

    SECTION("a column of the wrong type names the column, its type and the C++ type")
    {
        REQUIRE_THROWS_AS((void)conn.query<std::int32_t>("SELECT 'x'::text AS label"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query<std::int32_t>("SELECT 'x'::text AS label"),
            Catch::Contains("column \"label\" (text) cannot become std::int32_t"));
    }
    SECTION("two columns are a conversion_error")
    {
        REQUIRE_THROWS_AS((void)conn.query<std::int32_t>("SELECT 1, 2"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query<std::int32_t>("SELECT 1, 2"), Catch::Contains("2 column(s)"));
    }
}

TEST_CASE("a column whose type cannot become its field is a conversion_error naming both sides", "[reflect][mapping]")
{
    auto conn = typq_test::connect();

    SECTION("text into std::int32_t")
    {
        REQUIRE_THROWS_AS((void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name, '31'::text AS age"),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name, '31'::text AS age"),
            Catch::Contains(
                "column \"age\" (text) cannot become field \"age\" (std::int32_t) of reflect_mapping_test::person"));
    }
    SECTION("int8 into std::int32_t is narrowing, refused")
    {
        REQUIRE_THROWS_AS((void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name, 31::int8 AS age"),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name, 31::int8 AS age"),
            Catch::Contains(
                "column \"age\" (int8) cannot become field \"age\" (std::int32_t) of reflect_mapping_test::person"));
    }
    SECTION("int4 into std::string")
    {
        REQUIRE_THROWS_WITH((void)conn.query<person>("SELECT 1 AS id, 2 AS name, 3 AS age"),
            Catch::Contains(
                "column \"name\" (int4) cannot become field \"name\" (std::string) of reflect_mapping_test::person"));
    }
    SECTION("int4 into std::optional<std::string>")
    {
        REQUIRE_THROWS_WITH((void)conn.query<contact>("SELECT 1 AS id, 'a'::text AS name, 3 AS email"),
            Catch::Contains("column \"email\" (int4) cannot become field \"email\" (std::optional<std::string>) of "
                            "reflect_mapping_test::contact"));
    }
    SECTION("the exception's accessors are filled")
    {
        try {
            (void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name, '31'::text AS age");
            FAIL("a text column became an std::int32_t field");
        }
        catch (const typq::conversion_error& e) {
            CHECK(e.column() == "age");
            CHECK(e.sql_type() == "text");
            CHECK(e.field() == "age");
            CHECK(e.cpp_type() == "std::int32_t");
        }
    }
}

TEST_CASE("a missing column is a conversion_error naming the field and its type", "[reflect][mapping]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_AS((void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name"),
        Catch::Contains("\"age\"") && Catch::Contains("(std::int32_t)") && Catch::Contains("reflect_mapping_test::person"));
    try {
        (void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name");
        FAIL("a result without an age column became a person");
    }
    catch (const typq::conversion_error& e) {
        CHECK(e.column().empty());
        CHECK(e.field() == "age");
        CHECK(e.cpp_type() == "std::int32_t");
    }
}

TEST_CASE("an extra column is a conversion_error naming the column and its type", "[reflect][mapping]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_AS((void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name, 3 AS age, 2.5::float8 AS height"),
        typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name, 3 AS age, 2.5::float8 AS height"),
        Catch::Contains("column \"height\" (float8)") && Catch::Contains("reflect_mapping_test::person"));
    try {
        (void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name, 3 AS age, 2.5::float8 AS height");
        FAIL("a result with an extra column became a person");
    }
    catch (const typq::conversion_error& e) {
        CHECK(e.column() == "height");
        CHECK(e.sql_type() == "float8");
        CHECK(e.field().empty());
    }
}

TEST_CASE("two columns with a field's name are a conversion_error naming the column, its types and the field",
    "[reflect][mapping]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_AS((void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name, 3 AS age, 4::int8 AS age"),
        typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name, 3 AS age, 4::int8 AS age"),
        Catch::Contains("\"age\"") && Catch::Contains("(std::int32_t)") && Catch::Contains("reflect_mapping_test::person"));
    // Both columns' SQL types, so that the reader can tell which of the two is meant.
    CHECK_THROWS_WITH((void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name, 3 AS age, 4::int8 AS age"),
        Catch::Contains("(int4)") && Catch::Contains("(int8)"));
    try {
        (void)conn.query<person>("SELECT 1 AS id, 'ann'::text AS name, 3 AS age, 4::int8 AS age");
        FAIL("a result with two age columns became a person");
    }
    catch (const typq::conversion_error& e) {
        CHECK(e.column() == "age");
        CHECK((e.sql_type() == "int4" || e.sql_type() == "int8"));
        CHECK(e.field() == "age");
        CHECK(e.cpp_type() == "std::int32_t");
    }
}

TEST_CASE("a result with several problems names all of them in one conversion_error", "[reflect][mapping]")
{
    auto conn = typq_test::connect();
    // id: wrong type; name: missing; age: fine; nickname: extra.
    const auto query = [&] {
        return conn.query<person>("SELECT 'x'::text AS id, 3 AS age, 'z'::text AS nickname");
    };
    REQUIRE_THROWS_AS((void)query(), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)query(),
        Catch::Contains("column \"id\" (text) cannot become field \"id\" (std::int32_t)")
            && Catch::Contains("field \"name\" (std::string)") && Catch::Contains("column \"nickname\" (text)")
            && !Catch::Contains("\"age\""));
    try {
        (void)query();
        FAIL("a mismatched result became persons");
    }
    catch (const typq::conversion_error& e) {
        // The accessors describe the first problem.
        CHECK(e.column() == "id");
        CHECK(e.sql_type() == "text");
        CHECK(e.field() == "id");
        CHECK(e.cpp_type() == "std::int32_t");
    }
}

TEST_CASE("columns are checked once per result, before any row", "[reflect][mapping]")
{
    auto conn = typq_test::connect();

    SECTION("a mismatch is reported for a result with no rows: query")
    {
        REQUIRE_THROWS_AS((void)conn.query<person>("SELECT 1 AS id, 'a'::text AS name, 'x'::text AS age WHERE false"),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query<person>("SELECT 1 AS id, 'a'::text AS name, 'x'::text AS age WHERE false"),
            Catch::Contains("column \"age\" (text)"));
        REQUIRE_THROWS_AS((void)conn.query<person>("SELECT 1 AS id, 'a'::text AS name WHERE false"), typq::conversion_error);
    }
    SECTION("a mismatch is reported for a result with no rows: query_opt")
    {
        REQUIRE_THROWS_AS((void)conn.query_opt<person>("SELECT 1 AS id, 'a'::text AS name, 'x'::text AS age WHERE false"),
            typq::conversion_error);
    }
    SECTION("a mismatch is reported for a result with no rows: query_one")
    {
        REQUIRE_THROWS_AS((void)conn.query_one<person>("SELECT 1 AS id, 'a'::text AS name, 'x'::text AS age WHERE false"),
            typq::conversion_error);
    }
    SECTION("a mismatch is reported for a result with no rows: query_value")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 'x'::text WHERE false"), typq::conversion_error);
    }
    SECTION("a mismatch is reported before a NULL in the first row")
    {
        REQUIRE_THROWS_WITH((void)conn.query_one<person>("SELECT NULL::int4 AS id, 'a'::text AS name, 'x'::text AS age"),
            Catch::Contains("column \"age\" (text)") && !Catch::Contains("NULL"));
    }
    SECTION("a mismatch is reported for a result of many rows, once")
    {
        REQUIRE_THROWS_WITH(
            (void)conn.query<person>("SELECT g AS id, 'a'::text AS name, 'x'::text AS age FROM generate_series(1, 1000) g"),
            Catch::Contains("column \"age\" (text)"));
        try {
            (void)conn.query<person>("SELECT g AS id, 'a'::text AS name, 'x'::text AS age FROM generate_series(1, 1000) g");
        }
        catch (const typq::conversion_error& e) {
            // One problem, said once; not once per row.
            const std::string message = e.what();
            CAPTURE(message);
            const auto first = message.find("column \"age\"");
            REQUIRE(first != std::string::npos);
            CHECK(message.find("column \"age\"", first + 1) == std::string::npos);
            CHECK(message.find("at row") == std::string::npos);
        }
    }
}

TEST_CASE("a NULL into a non-optional field names the column, the row and the field", "[reflect][mapping]")
{
    auto conn = typq_test::connect();
    const auto rows = conn.query<person>(
        "SELECT * FROM (VALUES (1, 'ann'::text, 30), (2, NULL, 40), (3, 'cy', NULL)) AS t(id, name, age) ORDER BY id");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == person{1, "ann", 30});

    REQUIRE_THROWS_AS((void)rows[1], typq::conversion_error);
    REQUIRE_THROWS_WITH((void)rows[1],
        Catch::Contains("column \"name\" (text)") && Catch::Contains("row 1")
            && Catch::Contains("field \"name\" (std::string) of reflect_mapping_test::person"));
    REQUIRE_THROWS_WITH((void)rows[2],
        Catch::Contains("column \"age\" (int4)") && Catch::Contains("row 2")
            && Catch::Contains("field \"age\" (std::int32_t) of reflect_mapping_test::person"));
    try {
        (void)rows[2];
        FAIL("NULL became an std::int32_t");
    }
    catch (const typq::conversion_error& e) {
        CHECK(e.column() == "age");
        CHECK(e.sql_type() == "int4");
        CHECK(e.field() == "age");
        CHECK(e.cpp_type() == "std::int32_t");
    }

    SECTION("through query_one")
    {
        REQUIRE_THROWS_AS((void)conn.query_one<person>("SELECT 1 AS id, NULL::text AS name, 2 AS age"),
            typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<person>("SELECT 1 AS id, NULL::text AS name, 2 AS age"),
            Catch::Contains("column \"name\" (text) is NULL at row 0")
                && Catch::Contains("field \"name\" (std::string) of reflect_mapping_test::person"));
    }
    SECTION("into a std::optional field it is nullopt")
    {
        const auto c = conn.query_one<contact>("SELECT 1 AS id, 'a'::text AS name, NULL::text AS email");
        CHECK(c.email == std::nullopt);
    }
}

}  // namespace reflect_mapping_test
