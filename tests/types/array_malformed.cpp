// SPDX-License-Identifier: BSL-1.0
// tests/types/array_malformed.cpp: include/typq/types/array.hpp: every array decoder refuses
// bytes array_send never produces (a bad header, lengths past the end, trailing bytes, an
// unexpected element type), starting from the server's own bytes and breaking one field.

#include "typq_test.hpp"

#include <typq/types/array.hpp>

#include <array>        // std::array
#include <cstddef>      // std::byte, std::size_t
#include <cstdint>      // the fixed-width integers
#include <optional>     // NULL elements
#include <string>       // messages
#include <vector>       // std::vector

namespace types_array_malformed_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;

// Overwrites the 4 bytes at `offset` with `value`, big-endian.
bytes with_int32(bytes data, std::size_t offset, std::uint32_t value)
{
    for (std::size_t i = 0; i < 4; ++i)
        data.at(offset + i) = static_cast<std::byte>((value >> (8 * (3 - i))) & 0xFFU);
    return data;
}

bytes cut(bytes data, std::size_t size)
{
    data.resize(size);
    return data;
}

bytes append(bytes data, const bytes& more)
{
    data.insert(data.end(), more.begin(), more.end());
    return data;
}

// A broken version of a server-made value, and what the error says about it.
struct broken {
    bytes data;
    std::string reason;
};

// Decodes `data` as int4[] with each kind of array decoder; each must throw, saying `reason`.
void require_every_decoder_refuses(const bytes& data, const std::string& reason)
{
    const auto oid = typq::oid::int4_array;
    REQUIRE_THROWS_AS(typq_test::decode<std::vector<std::int32_t>>(data, oid), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<std::vector<std::int32_t>>(data, oid), Contains(reason));
    REQUIRE_THROWS_WITH(typq_test::decode<std::vector<std::optional<std::int64_t>>>(data, oid), Contains(reason));
    REQUIRE_THROWS_WITH((typq_test::decode<std::array<std::int32_t, 3>>(data, oid)), Contains(reason));
    REQUIRE_THROWS_WITH(typq_test::decode<typq::array<std::int32_t>>(data, oid), Contains(reason));
    REQUIRE_THROWS_WITH(typq_test::decode<typq::array<std::optional<std::int32_t>>>(data, oid), Contains(reason));
}

TEST_CASE("the server's own array bytes decode", "[types][array][malformed]")
{
    auto conn = typq_test::connect();
    const bytes good = conn.query_value<bytes>("SELECT array_send('{1,2,3}'::int4[])");
    CHECK(typq_test::decode<std::vector<std::int32_t>>(good, typq::oid::int4_array) == std::vector<std::int32_t>{1, 2, 3});
    CHECK((typq_test::decode<std::array<std::int32_t, 3>>(good, typq::oid::int4_array)
        == std::array<std::int32_t, 3>{1, 2, 3}));
    CHECK(typq_test::decode<typq::array<std::int32_t>>(good, typq::oid::int4_array) == typq::array<std::int32_t>({1, 2, 3}));
}

TEST_CASE("array decoders refuse a malformed header", "[types][array][malformed]")
{
    auto conn = typq_test::connect();
    // 1 dimension {3, lower bound 1}: header 20 bytes, then 3 x (4 + 4) bytes of elements.
    const bytes good = conn.query_value<bytes>("SELECT array_send('{1,2,3}'::int4[])");
    REQUIRE(good.size() == 44);

    const broken b = GENERATE_COPY(values<broken>({
        {bytes{}, "too short for its 12-byte header"},
        {cut(good, 11), "too short for its 12-byte header"},
        {with_int32(good, 0, 0xFFFFFFFFU), "array has -1 dimensions, expected 0 to 6"},
        {with_int32(good, 0, 7), "array has 7 dimensions"},
        {with_int32(good, 0, 0x80000000U), "dimensions, expected 0 to 6"},
        {with_int32(good, 4, 2), "has-null flag is 2, expected 0 or 1"},
        {with_int32(good, 4, 0xFFFFFFFFU), "has-null flag is -1"},
        {cut(good, 16), "too short for the header of 1 dimensions"},
        {with_int32(good, 0, 6), "too short for the header of 6 dimensions"},
        {with_int32(good, 12, 0xFFFFFFFFU), "array dimension 1 has length -1"},
        {with_int32(good, 12, 0x80000000U), "array dimension 1 has length -2147483648"},
        {with_int32(good, 16, 0x7FFFFFFFU), "its upper bound is past int4"},
        {with_int32(good, 12, 7), "array has 7 elements but only 24 bytes for them"},
        {with_int32(good, 12, 0x7FFFFFFFU), "more than 134217727 elements"},
    }));
    CAPTURE(b.data, b.reason);
    require_every_decoder_refuses(b.data, b.reason);
}

TEST_CASE("array decoders refuse dimensions whose product overflows", "[types][array][malformed]")
{
    // Two dimensions of 65536 (2^32 elements: 0 in 32-bit arithmetic), three of 2^11 (2^33).
    const bytes two = "00000002 00000000 00000017 00010000 00000001 00010000 00000001"_hex;
    const bytes three = "00000003 00000000 00000017 00000800 00000001 00000800 00000001 00000800 00000001"_hex;
    // Six of 2^31-1: the product overflows even 64 bits when unchecked.
    bytes six = "00000006 00000000 00000017"_hex;
    for (int d = 0; d < 6; ++d)
        six = append(six, "7fffffff 00000001"_hex);
    const bytes data = GENERATE_COPY(values({two, three, six}));
    CAPTURE(data);
    require_every_decoder_refuses(data, "more than 134217727 elements");
}

TEST_CASE("array decoders refuse elements past the end, bad lengths and trailing bytes", "[types][array][malformed]")
{
    auto conn = typq_test::connect();
    const bytes good = conn.query_value<bytes>("SELECT array_send('{1,2,3}'::int4[])");
    const bytes empty = conn.query_value<bytes>("SELECT array_send('{}'::int4[])");
    REQUIRE(empty.size() == 12);

    const broken b = GENERATE_COPY(values<broken>({
        // The first element says 5 bytes: it then eats the next length, and the last element is cut.
        {with_int32(good, 20, 5), "array element [0]"},
        {with_int32(good, 36, 0x7FFFFFFFU), "array element [2] is 2147483647 bytes, past the end"},
        {with_int32(good, 36, 5), "array element [2] is 5 bytes, past the end"},
        {with_int32(good, 28, 0xFFFFFFFEU), "array element [1] has length -2"},
        {with_int32(good, 28, 0x80000000U), "array element [1] has length -2147483648"},
        {cut(good, 42), "array element [2] is 4 bytes, past the end"},
        {cut(good, 38), "array element [2] is missing"},
        {cut(good, 36), "array element [2] is missing"},
        {cut(good, 28), "array has 3 elements but only 8 bytes for them"},
        {append(good, "00"_hex), "1 bytes after its last element"},
        {append(good, "00000004 00000009"_hex), "8 bytes after its last element"},
        {append(empty, "00000000"_hex), "4 bytes after its last element"},
        // An int4 element of 3 or 8 bytes: the element's own decoder fails, with its position.
        {append(cut(good, 36), "00000003 000009"_hex), "value is 3 bytes, expected 4 (array element [2])"},
        {append(cut(good, 36), "00000008 0000000000000009"_hex), "value is 8 bytes, expected 4 (array element [2])"},
    }));
    CAPTURE(b.data, b.reason);
    require_every_decoder_refuses(b.data, b.reason);
}

TEST_CASE("array decoders refuse an element type their element cannot read", "[types][array][malformed]")
{
    auto conn = typq_test::connect();
    const bytes text_array = conn.query_value<bytes>("SELECT array_send('{1,2,3}'::text[])");
    require_every_decoder_refuses(text_array, "array elements are text, which");
    const bytes int8_array = conn.query_value<bytes>("SELECT array_send('{1,2,3}'::int8[])");
    REQUIRE_THROWS_WITH(
        typq_test::decode<std::vector<std::int32_t>>(int8_array, typq::oid::int4_array), Contains("array elements are int8"));
    REQUIRE_THROWS_WITH((typq_test::decode<std::array<std::int32_t, 3>>(int8_array, typq::oid::int4_array)),
        Contains("array elements are int8"));
    REQUIRE_THROWS_WITH(typq_test::decode<typq::array<std::int32_t>>(int8_array, typq::oid::int4_array),
        Contains("array elements are int8"));
    CHECK(typq_test::decode<std::vector<std::int64_t>>(int8_array, typq::oid::int8_array) == std::vector<std::int64_t>{1, 2, 3});
    // Even the empty array says its element type.
    const bytes empty_text = conn.query_value<bytes>("SELECT array_send('{}'::text[])");
    REQUIRE_THROWS_WITH(
        typq_test::decode<std::vector<std::int32_t>>(empty_text, typq::oid::int4_array), Contains("array elements are text"));
    REQUIRE_THROWS_WITH(typq_test::decode<typq::array<std::int32_t>>(empty_text, typq::oid::int4_array),
        Contains("array elements are text"));

    // A wider element type widens, value by value: int2 elements into std::int64_t.
    const bytes int2_array = conn.query_value<bytes>("SELECT array_send('{1,-2}'::int2[])");
    CHECK(typq_test::decode<std::vector<std::int64_t>>(int2_array, typq::oid::int2_array) == std::vector<std::int64_t>{1, -2});
}

TEST_CASE("element decoders' checks name the element", "[types][array][malformed]")
{
    auto conn = typq_test::connect();

    SECTION("a bool byte boolsend never sends")
    {
        const bytes good = conn.query_value<bytes>("SELECT array_send('{t,f}'::bool[])");
        // Header 20 bytes, then [0] at 20 (length) / 24 (byte), [1] at 25 / 29.
        bytes bad = good;
        bad.at(29) = std::byte{2};
        REQUIRE_THROWS_AS(typq_test::decode<std::vector<bool>>(bad, typq::oid::boolean_array), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<std::vector<bool>>(bad, typq::oid::boolean_array),
            Contains("bool byte is 2") && Contains("(array element [1])"));
        REQUIRE_THROWS_WITH(typq_test::decode<typq::array<std::optional<bool>>>(bad, typq::oid::boolean_array),
            Contains("(array element [1])"));
    }
    SECTION("in two dimensions, with both subscripts")
    {
        const bytes good = conn.query_value<bytes>("SELECT array_send('{{1,2},{3,4}}'::int2[])");
        // Header 28 bytes, then four elements of 4 + 2 bytes: [1][0]'s length is at 28 + 12.
        REQUIRE(good.size() == 52);
        const bytes bad = with_int32(good, 40, 0xFFFFFFFFU);
        REQUIRE_THROWS_WITH(typq_test::decode<std::vector<std::vector<std::int16_t>>>(bad, typq::oid::int2_array),
            Contains("array element [1][0] is NULL"));
    }
    SECTION("through a result, with the column")
    {
        // Not malformed but refused: the message comes with the column and row, plus the element.
        REQUIRE_THROWS_WITH((void)conn.query_value<std::vector<std::int16_t>>("SELECT ARRAY[1, NULL]::int2[] AS pair"),
            Contains("\"pair\"") && Contains("array element [1] is NULL"));
    }
}

}  // namespace types_array_malformed_test
