// SPDX-License-Identifier: BSL-1.0
// tests/core/query.cpp: query's result as a random-access range, and the row-count contracts of
// query_one, query_opt and query_value.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <algorithm>  // std::ranges algorithms
#include <cstdint>    // std::int32_t, std::int64_t
#include <iterator>   // iterator concepts
#include <numeric>    // std::accumulate
#include <optional>   // query_opt, NULL
#include <ranges>     // range concepts, std::ranges::distance
#include <string>     // text columns
#include <tuple>      // rows as tuples
#include <vector>     // collected rows

namespace core_query_test {

using ints = typq::result<std::int32_t>;

std::vector<std::int32_t> collect(const ints& rows)
{
    std::vector<std::int32_t> out;
    for (const std::int32_t v : rows)
        out.push_back(v);
    return out;
}

TEST_CASE("a result is a sized random-access range", "[core][query]")
{
    STATIC_REQUIRE(std::random_access_iterator<ints::iterator>);
    STATIC_REQUIRE(std::ranges::random_access_range<ints>);
    STATIC_REQUIRE(std::ranges::random_access_range<const ints>);
    STATIC_REQUIRE(std::ranges::sized_range<ints>);
    STATIC_REQUIRE(std::ranges::common_range<ints>);
    STATIC_REQUIRE(std::same_as<std::ranges::range_value_t<ints>, std::int32_t>);
    STATIC_REQUIRE(std::same_as<ints::value_type, std::int32_t>);
}

TEST_CASE("a result knows its size and whether it is empty", "[core][query]")
{
    auto conn = typq_test::connect();
    const auto n = GENERATE(0, 1, 2, 17);
    CAPTURE(n);
    const auto rows = conn.query<std::int32_t>("SELECT g FROM generate_series(1, $1) g", n);
    CHECK(rows.size() == static_cast<std::size_t>(n));
    CHECK(rows.empty() == (n == 0));
    CHECK(rows.end() - rows.begin() == n);
    CHECK((rows.begin() == rows.end()) == (n == 0));
    CHECK(rows.affected_rows() == static_cast<std::uint64_t>(n));
}

TEST_CASE("a result can be iterated twice and gives the same rows", "[core][query]")
{
    auto conn = typq_test::connect();
    const auto rows = conn.query<std::tuple<std::int32_t, std::string>>(
        "SELECT g, 'row ' || g FROM generate_series(1, 5) g ORDER BY g");
    std::vector<std::tuple<std::int32_t, std::string>> first;
    for (const auto& row : rows)
        first.push_back(row);
    std::vector<std::tuple<std::int32_t, std::string>> second;
    for (const auto& row : rows)
        second.push_back(row);
    REQUIRE(first.size() == 5);
    CHECK(first == second);
    CHECK(first[2] == std::tuple<std::int32_t, std::string>(3, "row 3"));
}

TEST_CASE("a result gives random access by index, and an index past the end is a usage_error", "[core][query]")
{
    auto conn = typq_test::connect();
    const auto rows = conn.query<std::int32_t>("SELECT g * 10 FROM generate_series(1, 3) g ORDER BY g");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == 10);
    CHECK(rows[2] == 30);
    CHECK(rows[1] == 20);

    const auto index = GENERATE(as<std::size_t>{}, 3, 4, 1000, static_cast<std::size_t>(-1));
    CAPTURE(index);
    REQUIRE_THROWS_AS((void)rows[index], typq::usage_error);
    REQUIRE_THROWS_WITH((void)rows[index], Catch::Contains("row " + std::to_string(index)));

    SECTION("on an empty result too")
    {
        const auto none = conn.query<std::int32_t>("SELECT 1 WHERE false");
        REQUIRE_THROWS_AS((void)none[0], typq::usage_error);
        REQUIRE_THROWS_WITH((void)none[0], Catch::Contains("0 rows"));
    }
}

TEST_CASE("result iterators support random-access arithmetic", "[core][query]")
{
    auto conn = typq_test::connect();
    const auto rows = conn.query<std::int32_t>("SELECT g FROM generate_series(0, 9) g ORDER BY g");
    REQUIRE(rows.size() == 10);

    auto it = rows.begin();
    CHECK(*it == 0);
    CHECK(*(it + 3) == 3);
    CHECK(*(3 + it) == 3);
    CHECK(it[7] == 7);
    it += 5;
    CHECK(*it == 5);
    it -= 2;
    CHECK(*it == 3);
    CHECK(*it++ == 3);
    CHECK(*it == 4);
    CHECK(*++it == 5);
    CHECK(*it-- == 5);
    CHECK(*--it == 3);
    CHECK(*(rows.end() - 1) == 9);
    CHECK(rows.end() - rows.begin() == 10);
    CHECK(rows.begin() - rows.end() == -10);
    CHECK(it - rows.begin() == 3);
    CHECK(rows.begin() < it);
    CHECK(it <= it);
    CHECK(rows.end() > it);
    CHECK(it != rows.begin());
    CHECK(rows.begin() + 10 == rows.end());
    CHECK(typq::result<std::int32_t>::iterator() == typq::result<std::int32_t>::iterator());
}

TEST_CASE("a std::vector can be built from a result's begin() and end()", "[core][query]")
{
    auto conn = typq_test::connect();
    const auto rows = conn.query<std::int32_t>("SELECT g FROM generate_series(1, 6) g ORDER BY g");
    const std::vector<std::int32_t> values(rows.begin(), rows.end());
    CHECK(values == std::vector<std::int32_t>{1, 2, 3, 4, 5, 6});
    CHECK(values == collect(rows));
}

TEST_CASE("std::ranges algorithms work on a result", "[core][query]")
{
    auto conn = typq_test::connect();
    const auto rows = conn.query<std::int32_t>("SELECT g FROM generate_series(1, 8) g ORDER BY g");

    CHECK(std::ranges::distance(rows) == 8);
    CHECK(std::ranges::size(rows) == 8);
    CHECK(std::ranges::count_if(rows, [](std::int32_t v) { return v % 2 == 0; }) == 4);
    CHECK(*std::ranges::find(rows, 5) == 5);
    CHECK(std::ranges::find(rows, 99) == rows.end());
    CHECK(std::ranges::max(rows) == 8);
    CHECK(std::ranges::is_sorted(rows));
    CHECK(*std::ranges::lower_bound(rows, 6) == 6);
    CHECK(std::ranges::binary_search(rows, 3));

    std::vector<std::int32_t> squares;
    std::ranges::transform(rows, std::back_inserter(squares), [](std::int32_t v) { return v * v; });
    CHECK(squares == std::vector<std::int32_t>{1, 4, 9, 16, 25, 36, 49, 64});

    // (No range adaptors: clang 14 cannot compile libstdc++ 12's views, even over a std::vector.)
    std::vector<std::int32_t> reversed;
    std::ranges::reverse_copy(rows, std::back_inserter(reversed));
    CHECK(reversed == std::vector<std::int32_t>{8, 7, 6, 5, 4, 3, 2, 1});
}

TEST_CASE("a result of 100,000 rows holds every row", "[core][query]")
{
    auto conn = typq_test::connect();
    const auto rows = conn.query<std::tuple<std::int32_t, std::string>>(
        "SELECT g, md5(g::text) FROM generate_series(1, 100000) g ORDER BY g");
    REQUIRE(rows.size() == 100000);

    std::int64_t sum = 0;
    std::int64_t text_bytes = 0;
    std::int32_t expected = 1;
    bool in_order = true;
    for (const auto& [id, hash] : rows) {
        in_order = in_order && id == expected++;
        sum += id;
        text_bytes += static_cast<std::int64_t>(hash.size());
    }
    CHECK(in_order);
    CHECK(sum == conn.query_value<std::int64_t>("SELECT sum(g) FROM generate_series(1, 100000) g"));
    CHECK(text_bytes == conn.query_value<std::int64_t>("SELECT sum(octet_length(md5(g::text))) FROM generate_series(1, 100000) g"));
    CHECK(std::get<1>(rows[99999]) == conn.query_value<std::string>("SELECT md5('100000')"));
}

TEST_CASE("query_one returns exactly one row, else a row_count_error", "[core][query]")
{
    auto conn = typq_test::connect();

    SECTION("one row")
    {
        CHECK(conn.query_one<std::tuple<std::int32_t, std::string>>("SELECT 7, 'seven'")
            == std::tuple<std::int32_t, std::string>(7, "seven"));
    }
    SECTION("no row")
    {
        REQUIRE_THROWS_AS((void)conn.query_one<std::int32_t>("SELECT 1 WHERE false"), typq::no_rows);
        REQUIRE_THROWS_AS((void)conn.query_one<std::int32_t>("SELECT 1 WHERE false"), typq::row_count_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<std::int32_t>("SELECT 1 WHERE false"), Catch::Contains("returned 0"));
    }
    SECTION("two rows")
    {
        REQUIRE_THROWS_AS((void)conn.query_one<std::int32_t>("SELECT 1 UNION ALL SELECT 2"), typq::too_many_rows);
        REQUIRE_THROWS_AS((void)conn.query_one<std::int32_t>("SELECT 1 UNION ALL SELECT 2"), typq::row_count_error);
        REQUIRE_THROWS_WITH((void)conn.query_one<std::int32_t>("SELECT 1 UNION ALL SELECT 2"), Catch::Contains("returned 2"));
    }
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
}

TEST_CASE("query_opt returns nullopt for no row, the row for one, and too_many_rows for more", "[core][query]")
{
    auto conn = typq_test::connect();

    SECTION("no row")
    {
        CHECK(conn.query_opt<std::int32_t>("SELECT 1 WHERE false") == std::nullopt);
    }
    SECTION("one row")
    {
        CHECK(conn.query_opt<std::int32_t>("SELECT $1::int4", 5) == std::optional<std::int32_t>(5));
    }
    SECTION("one row whose value is NULL, read as a std::optional")
    {
        const auto row = conn.query_opt<std::optional<std::int32_t>>("SELECT NULL::int4");
        REQUIRE(row.has_value());
        CHECK(*row == std::nullopt);
    }
    SECTION("two rows")
    {
        REQUIRE_THROWS_AS((void)conn.query_opt<std::int32_t>("SELECT 1 UNION ALL SELECT 2"), typq::too_many_rows);
        REQUIRE_THROWS_AS((void)conn.query_opt<std::int32_t>("SELECT 1 UNION ALL SELECT 2"), typq::row_count_error);
        REQUIRE_THROWS_WITH((void)conn.query_opt<std::int32_t>("SELECT 1 UNION ALL SELECT 2"), Catch::Contains("returned 2"));
    }
}

TEST_CASE("query_value reads the one column of the one row", "[core][query]")
{
    auto conn = typq_test::connect();

    SECTION("one row, one column")
    {
        CHECK(conn.query_value<std::int64_t>("SELECT 40::int8 + $1", std::int64_t{2}) == 42);
        CHECK(conn.query_value<std::string>("SELECT 'a' || 'b'") == "ab");
    }
    SECTION("more than one column is a conversion_error")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 1, 2"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>("SELECT 1, 2"), Catch::Contains("2 column"));
    }
    SECTION("no column is a conversion_error")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>("SELECT"), Catch::Contains("0 column"));
    }
    SECTION("no row is no_rows, more than one row is too_many_rows")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 1 WHERE false"), typq::no_rows);
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 1 UNION ALL SELECT 2"), typq::too_many_rows);
    }
    SECTION("a column of another type is a conversion_error naming both types")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT 'x'::text"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>("SELECT 'x'::text"),
            Catch::Contains("(text)") && Catch::Contains("std::int32_t"));
    }
    SECTION("NULL into T is a conversion_error")
    {
        REQUIRE_THROWS_AS((void)conn.query_value<std::int32_t>("SELECT NULL::int4"), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<std::int32_t>("SELECT NULL::int4"),
            Catch::Contains("NULL") && Catch::Contains("std::int32_t"));
    }
    SECTION("NULL into std::optional<T> is nullopt")
    {
        CHECK(conn.query_value<std::optional<std::int32_t>>("SELECT NULL::int4") == std::nullopt);
        CHECK(conn.query_value<std::optional<std::int32_t>>("SELECT 3::int4") == std::optional<std::int32_t>(3));
    }
}

}  // namespace core_query_test
