// SPDX-License-Identifier: BSL-1.0
// tests/types/fuzz_regressions.cpp: inputs the fuzz harnesses (fuzz/, tools/run-fuzz) found,
// each with the server's reading of the same bytes as the oracle. The reproducers themselves are
// kept in fuzz/regressions/<harness>/.

#include "typq_test.hpp"

#include <typq/types/array.hpp>

#include <cstddef>   // std::byte, std::size_t
#include <cstdint>   // the header's int4 fields
#include <optional>  // array_ndims of the empty array is NULL
#include <string>    // std::string elements
#include <vector>    // std::vector

namespace types_fuzz_regressions_test {

using bytes = std::vector<std::byte>;

// An int4[] value sent exactly as given, so that the server's array_recv reads bytes typq's
// encoder would never produce.
struct raw_int4_array {
    bytes value;
};

void put_int32(bytes& out, std::int32_t value)
{
    const auto bits = static_cast<std::uint32_t>(value);
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::byte>((bits >> shift) & 0xFFU));
}

// array_send's header for int4 elements, with the given lengths (lower bounds 1), and no element.
bytes int4_array_header(const std::vector<std::int32_t>& lengths)
{
    bytes out;
    put_int32(out, static_cast<std::int32_t>(lengths.size()));  // dimensions
    put_int32(out, 0);                                          // has-null flag
    put_int32(out, 23);                                         // int4
    for (const auto length : lengths) {
        put_int32(out, length);
        put_int32(out, 1);  // lower bound
    }
    return out;
}

}  // namespace types_fuzz_regressions_test

template <>
struct typq::type<types_fuzz_regressions_test::raw_int4_array> {
    static constexpr std::string_view sql_type = "int4[]";
    static constexpr oid param_oid = oid::int4_array;
    static void encode(const types_fuzz_regressions_test::raw_int4_array& v, writer& out)
    {
        out.put_bytes(v.value.data(), v.value.size());
    }
};

namespace types_fuzz_regressions_test {

// fuzz/regressions/array/zero_length_dimension_*: a dimension of length 0 next to others, which
// array_send never writes. The nested-vector decoder made one empty inner vector per outer
// element: {{},{},{}} for [3][0], and for [134217727][0] (28 bytes) 3 GB of empty vectors.
TEST_CASE("an array header with a zero-length dimension reads as the empty array, as the server reads it",
    "[types][fuzz]")
{
    auto conn = typq_test::connect();
    const auto lengths = GENERATE(values<std::vector<std::int32_t>>(
        {{3, 0}, {0, 3}, {1'000'000, 0}, {2, 0, 5}, {0, 0}, {7, 1, 0, 1, 1, 1}}));
    CAPTURE(lengths);
    const bytes data = int4_array_header(lengths);

    // The oracle: array_recv finds no elements and makes the empty array, with no dimensions.
    const raw_int4_array raw{data};
    REQUIRE(conn.query_value<std::int32_t>("SELECT cardinality($1)", raw) == 0);
    REQUIRE_FALSE(conn.query_value<std::optional<std::int32_t>>("SELECT array_ndims($1)", raw).has_value());
    REQUIRE(conn.query_value<bytes>("SELECT array_send($1)", raw)
        == conn.query_value<bytes>("SELECT array_send('{}'::int4[])"));

    const auto oid = typq::oid::int4_array;
    SECTION("nested vectors of as many levels are empty")
    {
        if (lengths.size() == 2) {
            CHECK(typq_test::decode<std::vector<std::vector<std::int32_t>>>(data, oid).empty());
            CHECK(typq_test::decode<std::vector<std::vector<std::optional<std::int64_t>>>>(data, oid).empty());
        }
        if (lengths.size() == 3)
            CHECK(typq_test::decode<std::vector<std::vector<std::vector<std::int32_t>>>>(data, oid).empty());
    }
    SECTION("a one-dimensional vector reads it as the empty array too")
    {
        // The server's value has no dimensions, so a vector of any rank reads it.
        CHECK(typq_test::decode<std::vector<std::int32_t>>(data, oid).empty());
    }
    SECTION("typq::array has no elements and no dimensions")
    {
        const auto value = typq_test::decode<typq::array<std::int32_t>>(data, oid);
        CHECK(value.empty());
        CHECK(value.ndims() == 0);
    }
}

}  // namespace types_fuzz_regressions_test
