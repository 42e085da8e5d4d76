// SPDX-License-Identifier: BSL-1.0
// tests/types/network.cpp: include/typq/types/network.hpp: typq::inet, typq::cidr, typq::macaddr and
// typq::macaddr8 against the server's inet_send / cidr_send / macaddr_send / macaddr8_send, its
// text output, its input checks and its ORDER BY.

#include "typq_test.hpp"

#include <typq/types/network.hpp>

#include <cstddef>      // std::byte, std::size_t
#include <cstdint>      // std::int32_t
#include <optional>     // std::optional
#include <string>       // texts
#include <vector>       // bytes, collected rows

namespace types_network_test {

using namespace typq_test::literals;
using Catch::Contains;
using bytes = std::vector<std::byte>;

struct host_row {
    std::int32_t id;
    typq::inet address;
    typq::cidr network;
    std::optional<typq::macaddr> mac;
    std::optional<typq::macaddr8> mac8;
};

TEST_CASE("network types are regular value types with adapters", "[types][concepts]")
{
    STATIC_REQUIRE(typq::encodable<typq::inet>);
    STATIC_REQUIRE(typq::decodable<typq::inet>);
    STATIC_REQUIRE(typq::encodable<typq::cidr>);
    STATIC_REQUIRE(typq::decodable<typq::cidr>);
    STATIC_REQUIRE(typq::encodable<typq::macaddr>);
    STATIC_REQUIRE(typq::decodable<typq::macaddr>);
    STATIC_REQUIRE(typq::encodable<typq::macaddr8>);
    STATIC_REQUIRE(typq::decodable<typq::macaddr8>);
    STATIC_REQUIRE(typq::decodable<std::optional<typq::inet>>);
    STATIC_REQUIRE(typq::type<typq::inet>::param_oid == typq::oid::inet);
    STATIC_REQUIRE(typq::type<typq::cidr>::param_oid == typq::oid::cidr);
    STATIC_REQUIRE(typq::type<typq::macaddr>::param_oid == typq::oid::macaddr);
    STATIC_REQUIRE(typq::type<typq::macaddr8>::param_oid == typq::oid::macaddr8);
    STATIC_REQUIRE(typq::type<typq::inet>::array_oid == typq::oid::inet_array);
    STATIC_REQUIRE(typq::type<typq::cidr>::array_oid == typq::oid::cidr_array);
    STATIC_REQUIRE(typq::type<typq::macaddr>::array_oid == typq::oid::macaddr_array);
    STATIC_REQUIRE(typq::type<typq::macaddr8>::array_oid == typq::oid::macaddr8_array);
    // inet reads cidr columns too; cidr reads only cidr.
    STATIC_REQUIRE(typq::type<typq::inet>::accepts(typq::oid::cidr));
    STATIC_REQUIRE(!typq::type<typq::cidr>::accepts(typq::oid::inet));

    CHECK(typq::inet().to_string() == "0.0.0.0");
    CHECK(typq::cidr().to_string() == "0.0.0.0/32");
    CHECK(typq::macaddr().to_string() == "00:00:00:00:00:00");
    CHECK(typq::macaddr8().to_string() == "00:00:00:00:00:00:00:00");
}

TEST_CASE("inet round-trips through the server and prints as it does", "[types][inet]")
{
    auto conn = typq_test::connect();
    // Each as the server prints it.
    const std::string text = GENERATE(as<std::string>{}, "192.168.0.1/24", "0.0.0.0/0", "0.0.0.0", "255.255.255.255",
        "10.0.0.1", "127.0.0.1/8", "1.2.3.4/31", "1.2.3.4/1", "::1", "::", "::/0", "::1/127", "2001:db8::1/64",
        "fe80::1:2:3:4", "::ffff:1.2.3.4", "::1.2.3.4", "::ffff:1.2.3.4/120", "::ffff:0.0.0.0", "1:0:0:2::3",
        "::1:0:0:0", "1::", "1:2:3:4:5:6:7:8", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "0:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:0:8", "::102", "2001:db8::1:0:0:1", "2001:db8:0:1:1:1:1:1/17", "::2:0:0", "abcd:ef01::/127");
    CAPTURE(text);
    const auto v = typq::inet::parse(text);

    SECTION("to_string is the server's text")
    {
        CHECK(v.to_string() == text);
        CHECK(conn.query_value<std::string>("SELECT format('%s', $1::inet)", v) == text);
        CHECK(conn.query_value<std::string>("SELECT format('%s', $1::text::inet)", text) == text);
    }
    SECTION("encodes the bytes the server's inet_send produces")
    {
        CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT inet_send($1::text::inet)", text));
    }
    SECTION("decodes what the server parses")
    {
        CHECK(conn.query_value<typq::inet>("SELECT $1::text::inet", text) == v);
        CHECK(conn.query_value<bool>("SELECT $1 = $2::text::inet", v, text));
        CHECK(conn.query_value<typq::inet>("SELECT $1", v) == v);
    }
    SECTION("its parts are the server's")
    {
        CHECK(v.prefix_length() == conn.query_value<std::int32_t>("SELECT masklen($1)", v));
        CHECK(v.is_ipv6() == (conn.query_value<std::int32_t>("SELECT family($1)", v) == 6));
        CHECK(v.is_ipv4() != v.is_ipv6());
        CHECK(v.address().size() == (v.is_ipv6() ? 16U : 4U));
        CHECK(v.network() == conn.query_value<typq::cidr>("SELECT network($1)", v));
        CHECK(v.network().to_string() == conn.query_value<std::string>("SELECT format('%s', network($1))", v));
    }
}

TEST_CASE("inet::parse reads other spellings the server accepts", "[types][inet]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "010.000.0.001", "1.2.3.4/32", "2001:DB8::A/64",
        "0:0:0:0:0:0:0:1", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "::FFFF:1.2.3.4", "0000:0000::0000:0001/128",
        "1:2:3:4:5:6:1.2.3.4", "::0.0.1.2", "1.2.3.4/0", "::1.2.3", "1:2:3:4:5:6:1.2", "::ffff:1.2.3/104");
    CAPTURE(text);
    const auto v = typq::inet::parse(text);
    CHECK(v.to_string() == conn.query_value<std::string>("SELECT format('%s', $1::text::inet)", text));
    CHECK(v == conn.query_value<typq::inet>("SELECT $1::text::inet", text));
}

TEST_CASE("inet::parse refuses what the server refuses", "[types][inet]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "", "1.2.3", "1.2.3.256", "1.2.3.4.5", "1.2.3.4/33",
        "1.2.3.4/033", "1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/a", " 1.2.3.4", "1.2.3.4 ", "1..2.3", "1.2.3.1000", "::1/129",
        "12345::", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "::ffff:01.2.3.4", "0:0:0:0:0:0:0:0:0", ":1::", "1:",
        "1:2", "::1.2.3.4:5", "g::", "1:2:3:4:5:6:7:8::", "::1.2.3.", "::1.2.3.4.5", "1:2:3:4:5:6:7:1.2.3.4", "localhost", "/24");
    CAPTURE(text);

    REQUIRE_THROWS_AS((void)typq::inet::parse(text), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)typq::inet::parse(text), Contains("invalid inet text"));
    REQUIRE_THROWS_AS((void)conn.query_value<typq::inet>("SELECT $1::text::inet", text),
        typq::invalid_text_representation);
}

TEST_CASE("inet's text is inet_out's, which the cast to text is not", "[types][inet]")
{
    auto conn = typq_test::connect();
    // format('%s') and text results use inet_out; the cast ::text is text(inet), which always
    // shows the prefix length.
    const auto v = typq::inet::parse("::1");
    CHECK(v.to_string() == "::1");
    CHECK(conn.query_value<std::string>("SELECT format('%s', $1)", v) == "::1");
    CHECK(conn.query_value<std::string>("SELECT $1::text", v) == "::1/128");
    CHECK(conn.query_value<std::string>("SELECT abbrev($1)", v) == "::1");
}

TEST_CASE("typq's parsers refuse some sloppy spellings the server lets through", "[types][network]")
{
    auto conn = typq_test::connect();
    // macaddr_in's sscanf reads a short last group ("0" as 00); macaddr8_in ignores a lone
    // trailing digit. typq refuses both rather than guess.
    CHECK(conn.query_value<std::string>("SELECT '08002b01020'::macaddr::text") == "08:00:2b:01:02:00");
    REQUIRE_THROWS_AS((void)typq::macaddr::parse("08002b01020"), typq::conversion_error);
    CHECK(conn.query_value<std::string>("SELECT '08002b01020304050'::macaddr8::text") == "08:00:2b:01:02:03:04:05");
    REQUIRE_THROWS_AS((void)typq::macaddr8::parse("08002b01020304050"), typq::conversion_error);
    // Spaces around the address, which the server skips.
    CHECK(conn.query_value<std::string>("SELECT ' 08:00:2b:01:02:03 '::macaddr::text") == "08:00:2b:01:02:03");
    REQUIRE_THROWS_AS((void)typq::macaddr::parse(" 08:00:2b:01:02:03 "), typq::conversion_error);
    // Empty octets in the IPv4 tail of an IPv6 address, which the server reads as zero.
    CHECK(conn.query_value<std::string>("SELECT format('%s', '::1..3'::inet)") == "::1.0.3.0");
    REQUIRE_THROWS_AS((void)typq::inet::parse("::1..3"), typq::conversion_error);
}

TEST_CASE("cidr round-trips through the server and always prints its prefix", "[types][cidr]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "10.0.0.0/8", "0.0.0.0/0", "192.168.1.0/24", "1.2.3.4/32",
        "128.0.0.0/1", "255.255.255.254/31", "::/0", "2001:db8::/32", "::1/128", "::ffff:1.2.3.0/120",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "8000::/1", "fe80::/10");
    CAPTURE(text);
    const auto v = typq::cidr::parse(text);

    CHECK(v.to_string() == text);
    CHECK(conn.query_value<std::string>("SELECT format('%s', $1::cidr)", v) == text);
    CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT cidr_send($1::text::cidr)", text));
    CHECK(conn.query_value<typq::cidr>("SELECT $1::text::cidr", text) == v);
    CHECK(conn.query_value<typq::cidr>("SELECT $1", v) == v);
    // A cidr column reads into typq::inet, which prints it as inet does.
    const auto as_inet = conn.query_value<typq::inet>("SELECT $1::text::cidr", text);
    CHECK(as_inet == typq::inet(v));
    CHECK(as_inet.to_string() == conn.query_value<std::string>("SELECT format('%s', $1::text::cidr::inet)", text));
    CHECK(typq_test::encode(typq::inet(v)) == conn.query_value<bytes>("SELECT inet_send($1::text::cidr)", text));
}

TEST_CASE("cidr without a prefix length is the whole address, as cidr_in has it", "[types][cidr]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "10.0.0.0", "10.1.2.3", "::1", "2001:db8::");
    CAPTURE(text);
    CHECK(typq::cidr::parse(text).to_string() == conn.query_value<std::string>("SELECT format('%s', $1::text::cidr)", text));
}

TEST_CASE("a cidr with host bits set is refused, not masked", "[types][cidr]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "1.2.3.4/24", "10.0.0.1/8", "0.0.0.1/0", "::1/64",
        "2001:db8::1/32", "128.0.0.0/0");
    CAPTURE(text);

    REQUIRE_THROWS_AS((void)typq::cidr::parse(text), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)typq::cidr::parse(text), Contains("bits set to the right"));
    REQUIRE_THROWS_AS((void)conn.query_value<typq::cidr>("SELECT $1::text::cidr", text),
        typq::invalid_text_representation);
    // As an inet it is fine, and its network() is the cidr.
    const auto host = typq::inet::parse(text);
    CHECK(host.network().to_string() == conn.query_value<std::string>("SELECT format('%s', network($1::text::inet))", text));
}

TEST_CASE("inet and cidr built from bytes check the prefix length and host bits", "[types][cidr]")
{
    auto conn = typq_test::connect();
    const typq::inet::ipv4_bytes v4{std::byte{192}, std::byte{168}, std::byte{0}, std::byte{1}};
    typq::inet::ipv6_bytes v6{};
    v6[15] = std::byte{1};

    CHECK(typq::inet::ipv4(v4, 24).to_string() == "192.168.0.1/24");
    CHECK(typq::inet::ipv4(v4).to_string() == "192.168.0.1");
    CHECK(typq::inet::ipv6(v6).to_string() == "::1");
    CHECK(typq::inet::ipv6(v6, 0).to_string() == "::1/0");
    CHECK(typq::cidr::ipv4({std::byte{10}, std::byte{0}, std::byte{0}, std::byte{0}}, 8).to_string() == "10.0.0.0/8");
    CHECK(typq::cidr::ipv6(v6).to_string() == "::1/128");
    CHECK(conn.query_value<std::string>("SELECT $1::text", typq::inet::ipv4(v4, 24)) == "192.168.0.1/24");

    REQUIRE_THROWS_AS(typq::inet::ipv4(v4, 33), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq::inet::ipv4(v4, 33), Contains("prefix length 33 is out of range for an IPv4 address"));
    REQUIRE_THROWS_AS(typq::inet::ipv4(v4, -1), typq::conversion_error);
    REQUIRE_THROWS_AS(typq::inet::ipv6(v6, 129), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq::inet::ipv6(v6, 129), Contains("(0 to 128)"));
    REQUIRE_THROWS_AS(typq::cidr::ipv4(v4, 24), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq::cidr::ipv4(v4, 24), Contains("bits set to the right of its /24 prefix"));
    REQUIRE_THROWS_AS(typq::cidr::ipv6(v6, 127), typq::conversion_error);
    REQUIRE_THROWS_AS(typq::cidr::ipv4(v4, 33), typq::conversion_error);
}

TEST_CASE("inet and cidr ordering agrees with the server's ORDER BY", "[types][inet]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (a inet, c cidr)");
    conn.execute("INSERT INTO t (a) VALUES ('0.0.0.0/0'), ('0.0.0.0'), ('10.0.0.1'), ('10.0.0.1/8'), ('10.0.0.0/8'), "
                 "('10.0.0.2/8'), ('10.0.0.0/7'), ('9.255.255.255'), ('192.168.0.1/24'), ('192.168.0.1/16'), "
                 "('255.255.255.255'), ('::'), ('::/0'), ('::1'), ('::ffff:1.2.3.4'), ('2001:db8::1/64'), "
                 "('2001:db8::/32'), ('2001:db8::2/64'), ('ffff::/16'), ('ff00::/8'), ('128.0.0.0/1'), ('127.0.0.1/1')");
    conn.execute("INSERT INTO t (c) SELECT network(a) FROM t");
    const auto hosts = conn.query<typq::inet>("SELECT a FROM t WHERE a IS NOT NULL ORDER BY a");
    REQUIRE(hosts.size() == 22);
    for (std::size_t i = 1; i < hosts.size(); ++i) {
        CAPTURE(hosts[i - 1].to_string(), hosts[i].to_string());
        CHECK(hosts[i - 1] < hosts[i]);
        CHECK(conn.query_value<bool>("SELECT $1 < $2", hosts[i - 1], hosts[i]));
    }
    const auto networks = conn.query<typq::cidr>("SELECT DISTINCT c FROM t WHERE c IS NOT NULL ORDER BY c");
    for (std::size_t i = 1; i < networks.size(); ++i) {
        CAPTURE(networks[i - 1].to_string(), networks[i].to_string());
        CHECK(networks[i - 1] < networks[i]);
    }
    CHECK(typq::inet::parse("10.0.0.0/8") == typq::inet(typq::cidr::parse("10.0.0.0/8")));
}

TEST_CASE("network values as std::optional and struct fields", "[types][inet]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (id int4, address inet, network cidr, mac macaddr, mac8 macaddr8)");
    const auto address = typq::inet::parse("192.168.0.1/24");
    const auto mac = typq::macaddr::parse("08:00:2b:01:02:03");
    CHECK(conn.execute("INSERT INTO t VALUES (1, $1, $2, $3, $4), (2, $1, $2, NULL, NULL)", address, address.network(),
              std::optional<typq::macaddr>(mac), std::optional<typq::macaddr8>(typq::macaddr8(mac)))
        == 2);
    const auto rows = conn.query<host_row>("SELECT id, address, network, mac, mac8 FROM t ORDER BY id");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].address == address);
    CHECK(rows[0].network.to_string() == "192.168.0.0/24");
    CHECK(rows[0].mac == mac);
    CHECK(rows[0].mac8 == typq::macaddr8::parse("08:00:2b:ff:fe:01:02:03"));
    CHECK(rows[1].mac == std::nullopt);
    CHECK(rows[1].mac8 == std::nullopt);
    CHECK(conn.query_value<std::optional<typq::inet>>("SELECT NULL::inet") == std::nullopt);
    CHECK(conn.query_value<bool>("SELECT $1::cidr IS NULL", std::optional<typq::cidr>()));
}

TEST_CASE("inet and cidr parameters are typed inet and cidr", "[types][inet]")
{
    auto conn = typq_test::connect();
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", typq::inet()) == "inet");
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", typq::cidr()) == "cidr");
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", typq::macaddr()) == "macaddr");
    CHECK(conn.query_value<std::string>("SELECT pg_typeof($1)::text", typq::macaddr8()) == "macaddr8");
    // An inet column is not read into typq::cidr: its values may have host bits.
    REQUIRE_THROWS_AS((void)conn.query_value<typq::cidr>("SELECT '10.0.0.0/8'::inet AS col"), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)conn.query_value<typq::cidr>("SELECT '10.0.0.0/8'::inet AS col"),
        Contains("column \"col\" (inet)"));
    REQUIRE_THROWS_AS((void)conn.query_value<typq::inet>("SELECT '10.0.0.1'::text AS col"), typq::conversion_error);
    REQUIRE_THROWS_AS((void)conn.query_value<typq::macaddr>("SELECT '08:00:2b:01:02:03'::macaddr8 AS col"),
        typq::conversion_error);
}

TEST_CASE("inet and cidr decoding checks every field", "[types][inet]")
{
    CHECK(typq_test::decode<typq::inet>("02 18 00 04 c0 a8 00 01"_hex, typq::oid::inet).to_string() == "192.168.0.1/24");
    CHECK(typq_test::decode<typq::inet>("02 08 01 04 0a 00 00 00"_hex, typq::oid::cidr).to_string() == "10.0.0.0/8");
    CHECK(typq_test::decode<typq::cidr>("02 08 01 04 0a 00 00 00"_hex, typq::oid::cidr).to_string() == "10.0.0.0/8");
    CHECK(typq_test::decode<typq::inet>("03 80 00 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"_hex,
              typq::oid::inet)
              .to_string()
        == "::1");

    const auto [data, reason] = GENERATE(table<bytes, std::string>({
        {""_hex, "value is 0 bytes, too short for 4 bytes"},
        {"02 20 00"_hex, "value is 3 bytes, too short for 4 bytes"},
        {"00 20 00 04 01 02 03 04"_hex, "address family is 0, expected 2 (IPv4) or 3 (IPv6)"},
        {"04 20 00 04 01 02 03 04"_hex, "address family is 4"},
        {"0a 80 00 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"_hex, "address family is 10"},
        {"02 21 00 04 01 02 03 04"_hex, "prefix length is 33, more than 32"},
        {"02 ff 00 04 01 02 03 04"_hex, "prefix length is 255, more than 32"},
        {"03 81 00 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"_hex, "prefix length is 129, more than 128"},
        {"02 20 02 04 01 02 03 04"_hex, "is_cidr byte is 2, expected 0 or 1"},
        {"02 20 00 10 01 02 03 04"_hex, "address length is 16, expected 4"},
        {"02 20 00 00"_hex, "address length is 0, expected 4"},
        {"03 80 00 04 01 02 03 04"_hex, "address length is 4, expected 16"},
        {"02 20 00 04 01 02 03"_hex, "value is 7 bytes, expected 8"},
        {"02 20 00 04 01 02 03 04 05"_hex, "value is 9 bytes, expected 8"},
        {"03 80 00 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"_hex, "value is 19 bytes, expected 20"},
        {"03 80 00 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00"_hex, "value is 21 bytes, expected 20"},
        {"02 18 01 04 01 02 03 04"_hex, "cidr value has bits set to the right of its /24 prefix"},
        {"03 40 01 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"_hex, "bits set to the right of its /64"},
    }));
    CAPTURE(data);
    for (const auto column : {typq::oid::inet, typq::oid::cidr}) {
        REQUIRE_THROWS_AS(typq_test::decode<typq::inet>(data, column), typq::conversion_error);
        REQUIRE_THROWS_WITH(typq_test::decode<typq::inet>(data, column), Contains(reason));
    }
    REQUIRE_THROWS_AS(typq_test::decode<typq::cidr>(data, typq::oid::cidr), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<typq::cidr>(data, typq::oid::cidr), Contains(reason));
}

TEST_CASE("typq::cidr refuses host bits even when the value says it is not a cidr", "[types][cidr]")
{
    const bytes host = "02 18 00 04 c0 a8 00 01"_hex;  // 192.168.0.1/24 as inet_send sends it
    CHECK(typq_test::decode<typq::inet>(host, typq::oid::inet).to_string() == "192.168.0.1/24");
    REQUIRE_THROWS_AS(typq_test::decode<typq::cidr>(host, typq::oid::cidr), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<typq::cidr>(host, typq::oid::cidr), Contains("bits set to the right of its /24"));
}

TEST_CASE("macaddr round-trips through the server", "[types][macaddr]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "08:00:2b:01:02:03", "00:00:00:00:00:00",
        "ff:ff:ff:ff:ff:ff", "ab:cd:ef:01:23:45");
    CAPTURE(text);
    const auto v = typq::macaddr::parse(text);

    CHECK(v.to_string() == text);
    CHECK(conn.query_value<std::string>("SELECT $1::macaddr::text", v) == text);
    CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT macaddr_send($1::text::macaddr)", text));
    CHECK(conn.query_value<typq::macaddr>("SELECT $1::text::macaddr", text) == v);
    CHECK(conn.query_value<typq::macaddr>("SELECT $1", v) == v);

    SECTION("and as macaddr8, with FF:FE in the middle")
    {
        const typq::macaddr8 eight(v);
        CHECK(eight.to_string() == conn.query_value<std::string>("SELECT $1::macaddr8::text", v));
        CHECK(eight == conn.query_value<typq::macaddr8>("SELECT $1::macaddr8", v));
        CHECK(typq::macaddr8::parse(text) == eight);
        CHECK(typq_test::encode(eight) == conn.query_value<bytes>("SELECT macaddr8_send($1::text::macaddr8)", text));
    }
}

TEST_CASE("macaddr::parse reads the formats macaddr_in documents", "[types][macaddr]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "08:00:2b:01:02:03", "08-00-2b-01-02-03", "08002b:010203",
        "08002b-010203", "0800.2b01.0203", "0800-2b01-0203", "08002b010203", "08:00:2B:01:02:03", "8:0:2b:1:2:3",
        "8-0-2b-1-2-3");
    CAPTURE(text);
    const auto v = typq::macaddr::parse(text);
    CHECK(v.to_string() == "08:00:2b:01:02:03");
    CHECK(v.to_string() == conn.query_value<std::string>("SELECT $1::text::macaddr::text", text));
}

TEST_CASE("macaddr::parse refuses what the server refuses", "[types][macaddr]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "", "08:00:2b:01:02", "08:00:2b:01:02:03:04",
        "08002b0102030", "08:00-2b:01:02:03", "0800:2b01:0203", "g8:00:2b:01:02:03",
        "08:00:2b:01:02:1000", "08.00.2b.01.02.03", "08002b.010203", "0800.2b01-0203", "08:00:2b:01:02:03:");
    CAPTURE(text);
    REQUIRE_THROWS_AS((void)typq::macaddr::parse(text), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)typq::macaddr::parse(text), Contains("invalid macaddr text"));
    // 22P02, or 22003 for an octet over 255: both data exceptions.
    REQUIRE_THROWS_AS((void)conn.query_value<typq::macaddr>("SELECT $1::text::macaddr", text), typq::data_exception);
}

TEST_CASE("macaddr8 round-trips through the server", "[types][macaddr8]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "08:00:2b:01:02:03:04:05", "00:00:00:00:00:00:00:00",
        "ff:ff:ff:ff:ff:ff:ff:ff", "08:00:2b:ff:fe:01:02:03");
    CAPTURE(text);
    const auto v = typq::macaddr8::parse(text);

    CHECK(v.to_string() == text);
    CHECK(conn.query_value<std::string>("SELECT $1::macaddr8::text", v) == text);
    CHECK(typq_test::encode(v) == conn.query_value<bytes>("SELECT macaddr8_send($1::text::macaddr8)", text));
    CHECK(conn.query_value<typq::macaddr8>("SELECT $1::text::macaddr8", text) == v);
    CHECK(conn.query_value<typq::macaddr8>("SELECT $1", v) == v);
}

TEST_CASE("macaddr8::parse reads the formats macaddr8_in accepts", "[types][macaddr8]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "08:00:2b:01:02:03:04:05", "08-00-2b-01-02-03-04-05",
        "08002b:0102030405", "08002b-0102030405", "0800.2b01.0203.0405", "0800-2b01-0203-0405", "08002b01:02030405",
        "08002b0102030405", "08:00:2B:01:02:03:04:05", "08:00:2b:01:02:03", "08002b010203", "0800.2b01.0203");
    CAPTURE(text);
    const auto v = typq::macaddr8::parse(text);
    CHECK(v.to_string() == conn.query_value<std::string>("SELECT $1::text::macaddr8::text", text));
}

TEST_CASE("macaddr8::parse refuses what the server refuses", "[types][macaddr8]")
{
    auto conn = typq_test::connect();
    const std::string text = GENERATE(as<std::string>{}, "", "08:00:2b:01:02:03:04", "08:00:2b:01:02:03:04:05:06",
        "08:00-2b:01:02:03:04:05", "08:00:2b:01:02:03:04:0g", "8:0:2b:1:2:3:4:5", "0800::2b01",
        ":08:00:2b:01:02:03:04:05");
    CAPTURE(text);
    REQUIRE_THROWS_AS((void)typq::macaddr8::parse(text), typq::conversion_error);
    REQUIRE_THROWS_WITH((void)typq::macaddr8::parse(text), Contains("invalid macaddr8 text"));
    REQUIRE_THROWS_AS((void)conn.query_value<typq::macaddr8>("SELECT $1::text::macaddr8", text),
        typq::invalid_text_representation);
}

TEST_CASE("macaddr and macaddr8 ordering agrees with the server's ORDER BY", "[types][macaddr]")
{
    auto conn = typq_test::connect();
    conn.execute("CREATE TEMP TABLE t (m macaddr)");
    conn.execute("INSERT INTO t VALUES ('00:00:00:00:00:00'), ('00:00:00:00:00:01'), ('00:00:00:00:00:80'), "
                 "('00:00:00:ff:00:00'), ('00:00:01:00:00:00'), ('7f:ff:ff:ff:ff:ff'), ('80:00:00:00:00:00'), "
                 "('ff:ff:ff:ff:ff:ff'), ('08:00:2b:01:02:03')");
    const auto macs = conn.query<typq::macaddr>("SELECT m FROM t ORDER BY m");
    REQUIRE(macs.size() == 9);
    for (std::size_t i = 1; i < macs.size(); ++i) {
        CAPTURE(macs[i - 1].to_string(), macs[i].to_string());
        CHECK(macs[i - 1] < macs[i]);
    }
    const auto macs8 = conn.query<typq::macaddr8>("SELECT m::macaddr8 FROM t ORDER BY m::macaddr8");
    REQUIRE(macs8.size() == 9);
    for (std::size_t i = 1; i < macs8.size(); ++i) {
        CAPTURE(macs8[i - 1].to_string(), macs8[i].to_string());
        CHECK(macs8[i - 1] < macs8[i]);
    }
}

TEST_CASE("macaddr and macaddr8 decoding checks the length", "[types][macaddr]")
{
    CHECK(typq_test::decode<typq::macaddr>("08 00 2b 01 02 03"_hex, typq::oid::macaddr).to_string()
        == "08:00:2b:01:02:03");
    CHECK(typq_test::decode<typq::macaddr8>("08 00 2b 01 02 03 04 05"_hex, typq::oid::macaddr8).to_string()
        == "08:00:2b:01:02:03:04:05");

    const bytes bad = GENERATE(as<bytes>{}, ""_hex, "08"_hex, "08 00 2b 01 02"_hex, "08 00 2b 01 02 03 04"_hex,
        "08 00 2b 01 02 03 04 05 06"_hex);
    CAPTURE(bad);
    REQUIRE_THROWS_AS(typq_test::decode<typq::macaddr8>(bad, typq::oid::macaddr8), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<typq::macaddr8>(bad, typq::oid::macaddr8),
        Contains(std::to_string(bad.size()) + " bytes, expected 8"));
    REQUIRE_THROWS_AS(typq_test::decode<typq::macaddr>(bad, typq::oid::macaddr), typq::conversion_error);
    REQUIRE_THROWS_WITH(typq_test::decode<typq::macaddr>(bad, typq::oid::macaddr),
        Contains(std::to_string(bad.size()) + " bytes, expected 6"));
}

}  // namespace types_network_test
