// SPDX-License-Identifier: BSL-1.0
// tests/types/misc_bit.cpp: include/typq/types/bit.hpp: typq::bit_string for bit(n) and varbit,
// against the server's bit_send / varbit_send, its text form and its bit(n) length checks.

#include "typq_test.hpp"

#include <typq/types/bit.hpp>

#include <cstddef>      // std::byte, std::size_t
#include <cstdint>      // std::int32_t
#include <optional>     // NULL both ways
#include <span>         // bytes()
#include <string>       // text forms
#include <string_view>  // sql_type of the raw adapter
#include <vector>       // byte vectors

namespace types_misc_bit_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;

// 1000 bits with no period of 8: '1' where i is a multiple of 3 or of 7.
std::string thousand_bits()
{
    std::string text(1000, '0');
    for (std::size_t i = 0; i < text.size(); ++i)
        if (i % 3 == 0 || i % 7 == 0)
            text[i] = '1';
    return text;
}

bytes to_bytes(std::span<const std::byte> data) { return {data.begin(), data.end()}; }

// Bytes sent unchecked as a varbit parameter: what the server does with a value typq never sends.
struct raw_varbit {
    bytes data;
};

struct flags_row {
    std::int32_t id;
    typq::bit_string fixed;
    typq::bit_string varying;
    std::optional<typq::bit_string> maybe;
};

}  // namespace types_misc_bit_test

template <>
struct typq::type<types_misc_bit_test::raw_varbit> {
    static constexpr std::string_view sql_type = "varbit";
    static constexpr oid param_oid = oid::varbit;
    static void encode(const types_misc_bit_test::raw_varbit& value, writer& out)
    {
        out.put_bytes(value.data.data(), value.data.size());
    }
};

namespace types_misc_bit_test {

// --- the value type --------------------------------------------------------------------------------

TEST_CASE("typq::bit_string is a regular value with an adapter for bit and varbit", "[types][bit]")
{
    STATIC_REQUIRE(typq::encodable<typq::bit_string>);
    STATIC_REQUIRE(typq::decodable<typq::bit_string>);
    STATIC_REQUIRE(typq::type<typq::bit_string>::param_oid == typq::oid::varbit);
    STATIC_REQUIRE(typq::type<typq::bit_string>::array_oid == typq::oid::varbit_array);
    STATIC_REQUIRE(typq::encodable<std::optional<typq::bit_string>>);
    STATIC_REQUIRE(typq::decodable<std::optional<typq::bit_string>>);

    CHECK(typq::type<typq::bit_string>::accepts(typq::oid::bit));
    CHECK(typq::type<typq::bit_string>::accepts(typq::oid::varbit));
    CHECK_FALSE(typq::type<typq::bit_string>::accepts(typq::oid::bytea));
    CHECK_FALSE(typq::type<typq::bit_string>::accepts(typq::oid::text));

    const typq::bit_string empty;
    CHECK(empty.empty());
    CHECK(empty.size() == 0);
    CHECK(empty.bytes().empty());
    CHECK(empty.to_string().empty());
    CHECK(empty == typq::bit_string::parse(""));

    auto bits = typq::bit_string::parse("10110");
    CHECK(bits.size() == 5);
    CHECK(to_bytes(bits.bytes()) == "b0"_hex);
    CHECK(bits[0]);
    CHECK_FALSE(bits[1]);
    CHECK(bits[4] == false);
    CHECK(bits.to_string() == "10110");
    const auto copy = bits;
    bits.set(4);
    bits.set(0, false);
    CHECK(bits.to_string() == "00111");
    CHECK(to_bytes(bits.bytes()) == "38"_hex);
    CHECK(bits != copy);
    CHECK(copy == typq::bit_string::parse("10110"));

    // Same bits, different lengths: different strings.
    CHECK(typq::bit_string::parse("1") != typq::bit_string::parse("10"));
    CHECK(typq::bit_string(3) == typq::bit_string::parse("000"));
    CHECK(typq::bit_string(9, "ff 80"_hex).to_string() == "111111111");
    CHECK(typq::bit_string(0, ""_hex) == empty);
}

TEST_CASE("typq::bit_string refuses bad text, bad bytes and bad indexes", "[types][bit]")
{
    REQUIRE_THROWS_AS(typq::bit_string::parse("10a1"), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq::bit_string::parse("10a1"), Contains("character 2"));
    REQUIRE_THROWS_AS(typq::bit_string::parse("B'101'"), typq::conversion_error);
    REQUIRE_THROWS_AS(typq::bit_string::parse(" 1"), typq::conversion_error);

    REQUIRE_THROWS_AS(typq::bit_string(9, "ff"_hex), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq::bit_string(9, "ff"_hex), Contains("byte count does not match the bit count"));
    REQUIRE_THROWS_AS(typq::bit_string(8, "ff 00"_hex), typq::conversion_error);
    REQUIRE_THROWS_AS(typq::bit_string(0, "00"_hex), typq::conversion_error);
    REQUIRE_THROWS_AS(typq::bit_string(3, "f0"_hex), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq::bit_string(3, "f0"_hex), Contains("bits past the bit count are set"));
    REQUIRE_THROWS_AS(typq::bit_string(7, "01"_hex), typq::conversion_error);

    typq::bit_string bits(9);
    REQUIRE_THROWS_AS(bits.set(9), typq::usage_error);
    REQUIRE_THROWS_WITH(bits.set(9), Contains("bit 9") && Contains("9 bits"));
    CHECK(bits == typq::bit_string(9));
}

// --- against the server ----------------------------------------------------------------------------

TEST_CASE("bit strings round-trip through the server", "[types][bit]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "", "0", "1", "10110", "00000000", "11111111", "10000000",
        "000000001", "101010101", "1111111111111111", thousand_bits());
    const auto v = typq::bit_string::parse(text);
    CAPTURE(text.size(), text);

    SECTION("decodes the varbit the server parses")
    {
        CHECK(conn.query_value<typq::bit_string>("SELECT $1::varbit", text) == v);
    }
    SECTION("encodes the bytes the server's varbit_send produces")
    {
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT varbit_send($1::varbit)", text));
    }
    SECTION("the server reads the parameter as the same bits")
    {
        CHECK(conn.query_value<std::string>("SELECT $1::text", v) == text);
        CHECK(conn.query_value<bool>("SELECT $1 = $2::varbit", v, text));
        CHECK(conn.query_value<std::int32_t>("SELECT length($1)", v) == static_cast<std::int32_t>(text.size()));
        CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", v) == "bit varying");
    }
    SECTION("comes back as it went")
    {
        CHECK(conn.query_value<typq::bit_string>("SELECT $1", v) == v);
    }
    SECTION("as bit(n), which the server sends the same way")
    {
        if (text.empty())
            SUCCEED("bit(0) does not exist");
        else {
            const std::string n = std::to_string(text.size());
            CHECK(conn.query_value<typq::bit_string>(typq::runtime("SELECT $1::bit(" + n + ")"), text) == v);
            CHECK(typq_test::encode(v)
                == conn.query_value<bytes>(typq::runtime("SELECT bit_send($1::bit(" + n + "))"), text));
            CHECK(conn.query_value<typq::bit_string>(typq::runtime("SELECT $1::bit(" + n + ")"), v) == v);
        }
    }
}

TEST_CASE("bit results read from bit and varbit columns, expressions and NULL", "[types][bit]")
{
    auto conn = typq_test::connect();

    CHECK(conn.query_value<typq::bit_string>("SELECT B'101'") == typq::bit_string::parse("101"));
    CHECK(conn.query_value<typq::bit_string>("SELECT X'F0A'") == typq::bit_string::parse("111100001010"));
    CHECK(conn.query_value<typq::bit_string>("SELECT 5::bit(8)") == typq::bit_string::parse("00000101"));
    CHECK(conn.query_value<typq::bit_string>("SELECT B'1100' # B'1010'") == typq::bit_string::parse("0110"));
    CHECK(conn.query_value<typq::bit_string>("SELECT $1 || B'1'", typq::bit_string::parse("10"))
        == typq::bit_string::parse("101"));
    CHECK(conn.query_value<typq::bit_string>("SELECT ''::varbit").empty());

    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", std::optional<typq::bit_string>()));
    CHECK(conn.query_value<bool>("SELECT $1 IS NULL", std::optional<typq::bit_string>(typq::bit_string())) == false);
    CHECK(conn.query_value<std::optional<typq::bit_string>>("SELECT NULL::varbit") == std::nullopt);
    CHECK(conn.query_value<std::optional<typq::bit_string>>("SELECT NULL::bit(3)") == std::nullopt);
}

TEST_CASE("a varbit parameter fills bit(n) and varbit(n) columns, which check its length", "[types][bit]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE flags (id int4, fixed bit(5), varying varbit(8), maybe varbit)");
    const flags_row first{1, typq::bit_string::parse("10110"), typq::bit_string::parse("1"), std::nullopt};
    const flags_row second{2, typq::bit_string::parse("00001"), typq::bit_string::parse("11111111"),
        typq::bit_string::parse(thousand_bits())};
    CHECK(conn.execute("INSERT INTO flags VALUES (:id, :fixed, :varying, :maybe)", first) == 1);
    CHECK(conn.execute("INSERT INTO flags VALUES (:id, :fixed, :varying, :maybe)", second) == 1);

    const auto rows = conn.query<flags_row>("SELECT maybe, varying, fixed, id FROM flags ORDER BY id");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == 1);
    CHECK(rows[0].fixed == first.fixed);
    CHECK(rows[0].varying == first.varying);
    CHECK(rows[0].maybe == std::nullopt);
    CHECK(rows[1].fixed == second.fixed);
    CHECK(rows[1].varying == second.varying);
    CHECK(rows[1].maybe == second.maybe);
    CHECK(conn.query_value<std::string>("SELECT fixed::text FROM flags WHERE id = 1") == "10110");

    SECTION("a bit(n) column refuses another length: string_data_length_mismatch")
    {
        const auto short_bits = typq::bit_string::parse("101");
        REQUIRE_THROWS_AS(conn.execute("INSERT INTO flags (id, fixed) VALUES (3, $1)", short_bits), typq::data_exception);
        try {
            conn.execute("INSERT INTO flags (id, fixed) VALUES (3, $1)", typq::bit_string::parse("101101"));
            FAIL("the server accepted 6 bits into bit(5)");
        }
        catch (const typq::data_exception& e) {
            CHECK(e.sqlstate() == "22026");
            CHECK_THAT(e.what(), Contains("bit string length 6 does not match type bit(5)"));
        }
    }
    SECTION("a varbit(n) column refuses more than n bits: string_data_right_truncation")
    {
        const auto long_bits = typq::bit_string::parse("101010101");
        REQUIRE_THROWS_AS(conn.execute("INSERT INTO flags (id, varying) VALUES (3, $1)", long_bits),
            typq::string_data_right_truncation);
        REQUIRE_THROWS_WITH(conn.execute("INSERT INTO flags (id, varying) VALUES (3, $1)", long_bits),
            Contains("bit string too long for type bit varying(8)"));
    }
    SECTION("an explicit cast to bit(n) pads or truncates instead")
    {
        CHECK(conn.query_value<typq::bit_string>("SELECT $1::bit(5)", typq::bit_string::parse("101"))
            == typq::bit_string::parse("10100"));
        CHECK(conn.query_value<typq::bit_string>("SELECT $1::bit(2)", typq::bit_string::parse("101"))
            == typq::bit_string::parse("10"));
    }
}

TEST_CASE("the server's varbit_recv clears padding bits and refuses wrong byte counts", "[types][bit]")
{
    // What typq's bit_string never sends, for the record: the decoder's stricter checks are not
    // the server's, which cannot send such values.
    auto conn = typq_test::connect();

    CHECK(conn.query_value<bytes>("SELECT varbit_send($1)", raw_varbit{"00 00 00 03 ff"_hex}) == "00 00 00 03 e0"_hex);
    CHECK(conn.query_value<std::string>("SELECT $1::text", raw_varbit{"00 00 00 03 ff"_hex}) == "111");

    const auto [hex, sqlstate, message] = GENERATE(table<std::string, std::string, std::string>({
        {"00 00 00 09 ff", "08P01", "insufficient data left in message"},
        {"00 00 00 08 ff 00", "22P03", "incorrect binary data format in bind parameter 1"},
        {"ff ff ff ff", "22P03", "invalid length in external bit string"},
    }));
    CAPTURE(hex);
    const raw_varbit bad{typq_test::literals::operator""_hex(hex.data(), hex.size())};
    REQUIRE_THROWS_AS((void)conn.query_value<std::string>("SELECT $1::text", bad), typq::server_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<std::string>("SELECT $1::text", bad), Contains(message));
    try {
        (void)conn.query_value<std::string>("SELECT $1::text", bad);
    }
    catch (const typq::server_error& e) {
        CHECK(e.sqlstate() == sqlstate);
    }
    // An error in a bind parameter leaves the connection usable.
    CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);
}

TEST_CASE("malformed bit string values are refused", "[types][bit]")
{
    auto conn = typq_test::connect();
    const auto [hex, message] = GENERATE(table<std::string, std::string>({
        {"", "too short"},
        {"00 00 00", "too short"},
        {"ff ff ff ff", "bit count is -1"},
        {"80 00 00 00", "bit count is -2147483648"},
        {"00 00 00 09 ff", "byte count does not match the bit count (9 bits in 1 bytes)"},
        {"00 00 00 08 ff 00", "byte count does not match the bit count (8 bits in 2 bytes)"},
        {"00 00 00 00 00", "byte count does not match the bit count (0 bits in 1 bytes)"},
        {"00 00 00 01", "byte count does not match the bit count (1 bits in 0 bytes)"},
        {"00 00 00 03 f0", "bits past the bit count are set"},
        {"00 00 00 0f ff ff", "bits past the bit count are set"},
        {"7f ff ff ff 00", "byte count does not match the bit count"},
    }));
    CAPTURE(hex);
    const bytes data = typq_test::literals::operator""_hex(hex.data(), hex.size());

    for (const typq::oid column : {typq::oid::varbit, typq::oid::bit}) {
        REQUIRE_THROWS_AS(typq_test::decode<typq::bit_string>(data, column), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<typq::bit_string>(data, column), Contains(message));
    }

    // And well-formed values of the same shapes decode.
    CHECK(typq_test::decode<typq::bit_string>("00 00 00 00"_hex, typq::oid::varbit).empty());
    CHECK(typq_test::decode<typq::bit_string>("00 00 00 03 e0"_hex, typq::oid::bit) == typq::bit_string::parse("111"));

    REQUIRE_THROWS_AS((void)conn.query_value<typq::bit_string>("SELECT '\\x01'::bytea AS flags"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<typq::bit_string>("SELECT '\\x01'::bytea AS flags"),
        Contains("column \"flags\" (bytea)"));
    REQUIRE_THROWS_AS((void)conn.query_value<typq::bit_string>("SELECT NULL::varbit AS flags"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<typq::bit_string>("SELECT NULL::varbit AS flags"), Contains("NULL"));
}

}  // namespace types_misc_bit_test
