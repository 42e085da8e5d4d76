// SPDX-License-Identifier: BSL-1.0
// tests/types/misc_array.cpp: arrays (include/typq/types/array.hpp) of the types in
// include/typq/types/misc.hpp, money.hpp and bit.hpp: oid[], money[] and varbit[]. "char"[] is not
// supported on purpose: std::vector<char> is a byte buffer to most C++ code, not a "char"[] array.

#include "typq_test.hpp"

#include <typq/types/array.hpp>
#include <typq/types/bit.hpp>
#include <typq/types/misc.hpp>
#include <typq/types/money.hpp>

#include <cstdint>      // std::int64_t
#include <limits>       // the int8 limits
#include <optional>     // NULL elements
#include <string>       // text forms
#include <vector>       // arrays

namespace types_misc_array_test {

using bit_array = std::vector<std::optional<typq::bit_string>>;

struct catalog_arrays {
    std::vector<typq::oid> types;
    std::vector<typq::money> prices;
    bit_array masks;
};

TEST_CASE("oid[], money[] and varbit[] round-trip through the server", "[types][misc_array]")
{
    auto conn = typq_test::connect();
    conn.execute("SET lc_monetary = 'C'");

    SECTION("oid[]")
    {
        const std::vector<typq::oid> v{typq::oid::unspecified, typq::oid::int4, static_cast<typq::oid>(4294967295U)};
        CHECK(conn.query_value<std::string>("SELECT $1::text", v) == "{0,23,4294967295}");
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", v) == "oid[]");
        CHECK(conn.query_value<std::vector<typq::oid>>("SELECT $1", v) == v);
        CHECK(conn.query_value<std::vector<typq::oid>>("SELECT '{0,23,4294967295}'::oid[]") == v);
        CHECK(conn.query_value<std::vector<typq::oid>>("SELECT '{}'::oid[]").empty());
    }
    SECTION("money[]")
    {
        const std::vector<typq::money> v{typq::money{std::numeric_limits<std::int64_t>::min()}, typq::money{-1},
            typq::money{123456}, typq::money{std::numeric_limits<std::int64_t>::max()}};
        CHECK(conn.query_value<bool>(
            "SELECT $1 = ARRAY[-92233720368547758.08, -0.01, 1234.56, 92233720368547758.07]::money[]", v));
        CHECK(conn.query_value<std::string>("SELECT $1::text", v)
            == conn.query_value<std::string>(
                "SELECT ARRAY[-92233720368547758.08, -0.01, 1234.56, 92233720368547758.07]::money[]::text"));
        CHECK(conn.query_value<std::vector<typq::money>>("SELECT $1", v) == v);
        CHECK(conn.query_value<std::vector<typq::money>>("SELECT ARRAY[-0.01, 1234.56]::money[]")
            == std::vector<typq::money>{typq::money{-1}, typq::money{123456}});
    }
    SECTION("varbit[] with NULL and empty elements, and bit(n)[]")
    {
        const bit_array v{typq::bit_string::parse("101"), std::nullopt, typq::bit_string(), typq::bit_string::parse("111111111")};
        CHECK(conn.query_value<std::string>("SELECT $1::text", v) == "{101,NULL,\"\",111111111}");
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", v) == "bit varying[]");
        CHECK(conn.query_value<bit_array>("SELECT $1", v) == v);
        CHECK(conn.query_value<std::vector<typq::bit_string>>("SELECT ARRAY[B'10', B'01']::bit(2)[]")
            == std::vector<typq::bit_string>{typq::bit_string::parse("10"), typq::bit_string::parse("01")});
    }
    SECTION("as struct fields through a table")
    {
        conn.execute("CREATE TEMP TABLE t (types oid[], prices money[], masks varbit[])");
        const catalog_arrays row{{typq::oid::text, typq::oid::int8}, {typq::money{5}},
            {std::nullopt, typq::bit_string::parse("1")}};
        CHECK(conn.execute("INSERT INTO t VALUES (:types, :prices, :masks)", row) == 1);
        const auto back = conn.query_one<catalog_arrays>("SELECT masks, prices, types FROM t");
        CHECK(back.types == row.types);
        CHECK(back.prices == row.prices);
        CHECK(back.masks == row.masks);
    }
}

}  // namespace types_misc_array_test
