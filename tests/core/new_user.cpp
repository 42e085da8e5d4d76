// SPDX-License-Identifier: BSL-1.0
// tests/core/new_user.cpp: what a new user trips on (issue 11): query_value's errors name
// query_value, array types are named as SQL writes them, a result can be copied into a vector
// with one allocation and looped over with any const reference, and a
// std::chrono::system_clock::now() is sent once rounded to microseconds.

#include "typq_test.hpp"

#include <catch2/catch.hpp>

#include <chrono>    // system_clock, round
#include <cstddef>   // std::size_t
#include <cstdint>   // std::int64_t
#include <iterator>  // iterator categories and concepts
#include <memory>    // std::allocator
#include <string>    // rows
#include <tuple>     // tuple rows
#include <vector>    // copies of results

namespace core_new_user_test {

struct item {
    std::int64_t id;
    std::string name;
};

// An allocator that counts the allocations made through it.
template <class T>
struct counting_allocator {
    using value_type = T;
    std::size_t* count;

    explicit counting_allocator(std::size_t* c) noexcept : count(c) {}
    template <class U>
    counting_allocator(const counting_allocator<U>& other) noexcept : count(other.count) {}

    T* allocate(std::size_t n)
    {
        ++*count;
        return std::allocator<T>().allocate(n);
    }
    void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>().deallocate(p, n); }

    template <class U>
    friend bool operator==(const counting_allocator& a, const counting_allocator<U>& b) noexcept
    {
        return a.count == b.count;
    }
};

TEST_CASE("query_value's row-count errors name query_value, in every form", "[core][messages]")
{
    auto conn = typq_test::connect();
    const auto none = Catch::Contains("query_value expected exactly one row, the statement returned 0");
    const auto two = Catch::Contains("query_value expected exactly one row, the statement returned 2");

    REQUIRE_THROWS_AS((void)conn.query_value<std::int64_t>("SELECT 1::int8 WHERE false"), typq::no_rows);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int64_t>("SELECT 1::int8 WHERE false"), none);
    REQUIRE_THROWS_AS((void)conn.query_value<std::int64_t>("SELECT 1::int8 FROM generate_series(1, 2)"),
        typq::too_many_rows);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int64_t>("SELECT 1::int8 FROM generate_series(1, 2)"), two);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::string>(typq::text_results, "SELECT 'x' WHERE false"), none);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int64_t>(typq::runtime("SELECT 1::int8 WHERE false")), none);

    auto prepared = conn.prepare<std::int32_t>("SELECT g::int8 FROM generate_series(1, $1) g");
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int64_t>(prepared, 0), none);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::int64_t>(prepared, 2), two);

    typq::pipeline p{conn};
    auto empty = p.query_value<std::int64_t>("SELECT 1::int8 WHERE false");
    p.sync();
    REQUIRE_THROWS_WITH((void)empty.get(), none);

    // query_one and query_opt name themselves too.
    REQUIRE_THROWS_WITH(p.query_one<item>("SELECT 1::int8 AS id, 'a' AS name WHERE false").get(),
        Catch::Contains("query_one expected exactly one row"));
}

TEST_CASE("array types are named as SQL writes them, text[] rather than _text", "[core][messages]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_WITH((void)conn.query_value<std::vector<std::int64_t>>("SELECT ARRAY['a']::text[]"),
        Catch::Contains("(text[]) cannot become") && !Catch::Contains("_text"));
    REQUIRE_THROWS_WITH((void)conn.query<item>("SELECT 1::int8 AS id, ARRAY['x']::varchar[] AS name"),
        Catch::Contains("column \"name\" (varchar[]) cannot become field \"name\" (std::string) of"));
    CHECK(typq::sql_type_name(typq::oid::int4_array) == "int4[]");
    CHECK(typq::sql_type_name(typq::oid::char_array) == "\"char\"[]");
    CHECK(typq::sql_type_name(typq::oid::int4) == "int4");
}

TEST_CASE("a result's iterators are random access, so a vector made from them allocates once", "[core][result]")
{
    using iterator = typq::result<item>::iterator;
    STATIC_REQUIRE(std::random_access_iterator<iterator>);
    STATIC_REQUIRE(std::is_same_v<std::iterator_traits<iterator>::iterator_category, std::random_access_iterator_tag>);

    auto conn = typq_test::connect();
    const auto rows = conn.query<item>("SELECT g::int8 AS id, 'item ' || g AS name FROM generate_series(1, 1000) g");
    REQUIRE(rows.size() == 1000);

    std::size_t allocations = 0;
    const std::vector<item, counting_allocator<item>> copied(rows.begin(), rows.end(),
        counting_allocator<item>(&allocations));
    CHECK(allocations == 1);
    REQUIRE(copied.size() == 1000);
    CHECK(copied[999].id == 1000);
    CHECK(copied[999].name == "item 1000");

    const std::vector<item> plain(rows.begin(), rows.end());
    CHECK(plain.capacity() == 1000);
    const std::vector<item> direct = rows.to_vector();
    CHECK(direct.capacity() == 1000);
    CHECK(direct.back().name == "item 1000");

    // Read backwards too: std::reverse_iterator returns each value, nothing dangles.
    const auto last = std::make_reverse_iterator(rows.end());
    CHECK((*last).id == 1000);
    CHECK(last[999].id == 1);
}

TEST_CASE("a result is looped over with const auto&, auto&& or auto (auto& does not compile)", "[core][result]")
{
    auto conn = typq_test::connect();
    std::int64_t sum = 0;
    for (const auto& r : conn.query<item>("SELECT g::int8 AS id, '' AS name FROM generate_series(1, 3) g"))
        sum += r.id;
    for (auto&& r : conn.query<item>("SELECT g::int8 AS id, '' AS name FROM generate_series(1, 3) g"))
        sum += r.id;
    for (auto r : conn.query<std::tuple<std::int64_t>>("SELECT g::int8 FROM generate_series(1, 3) g"))
        sum += std::get<0>(r);
    CHECK(sum == 18);
    // tests/compile_fail/result_loop_non_const_reference.cpp: `for (auto& r : ...)` is refused.
}

TEST_CASE("system_clock::now() is sent once rounded to microseconds, as the server rounds text", "[core][chrono]")
{
    auto conn = typq_test::connect();
    using namespace std::chrono;

    SECTION("sent as it is, a time point with nanoseconds is refused, and the message says what to write")
    {
        const sys_time<nanoseconds> t{nanoseconds{1'700'000'000'123'456'789}};
        REQUIRE_THROWS_AS((void)conn.query_value<typq::timestamptz>("SELECT $1", t), typq::conversion_error);
        REQUIRE_THROWS_WITH((void)conn.query_value<typq::timestamptz>("SELECT $1", t),
            Catch::Contains("std::chrono::round<std::chrono::microseconds>(t)"));
    }
    SECTION("rounded, it is the instant the server makes of the same text")
    {
        const auto t = GENERATE(values<std::int64_t>({1'700'000'000'123'456'789, 1'700'000'000'123'456'101,
            -1'000'000'001, 1'700'000'000'999'999'600}));
        CAPTURE(t);
        const sys_time<nanoseconds> point{nanoseconds{t}};
        const typq::timestamptz rounded = round<microseconds>(point);
        // The same instant as text with all nine digits: timestamptz_in rounds it to microseconds.
        const auto whole = floor<std::chrono::seconds>(point);
        std::string digits = std::to_string((point - whole).count());
        digits.insert(0, 9 - digits.size(), '0');
        const auto server = conn.query_value<typq::timestamptz>(
            "SELECT (to_char(to_timestamp($1::float8) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '.' || $2 "
            "|| '+00')::timestamptz",
            whole.time_since_epoch().count(), digits);
        CHECK(rounded == conn.query_value<typq::timestamptz>("SELECT $1::timestamptz", rounded));
        CHECK(rounded == server);
    }
    SECTION("system_clock::now(), rounded")
    {
        const typq::timestamptz now = round<microseconds>(system_clock::now());
        CHECK(conn.query_value<typq::timestamptz>("SELECT $1", now) == now);
    }
}

}  // namespace core_new_user_test
