// SPDX-License-Identifier: BSL-1.0
// typq/oid.hpp: the OIDs of PostgreSQL's built-in types, and their SQL names for messages.

#ifndef TYPQ_OID_HPP
#define TYPQ_OID_HPP

#include <cstdint>      // std::uint32_t
#include <string_view>  // sql_type_name()

namespace typq {

/// A PostgreSQL type OID. The enumerators are the built-in types, with the values of
/// PostgreSQL's `pg_type.dat` (fixed across server versions; this list was read from a
/// PostgreSQL 15 server's pg_type); any other value is a type only the server knows (an enum, a
/// composite, an extension's type). `char_` is the single-byte type PostgreSQL spells `"char"`.
enum class oid : std::uint32_t {
    unspecified = 0,  ///< no type: as a parameter's OID, the server infers the type
    boolean = 16,
    bytea = 17,
    char_ = 18,
    name = 19,
    int8 = 20,
    int2 = 21,
    int4 = 23,
    text = 25,
    oid = 26,
    json = 114,
    xml = 142,
    point = 600,
    cidr = 650,
    float4 = 700,
    float8 = 701,
    unknown = 705,
    macaddr8 = 774,
    money = 790,
    macaddr = 829,
    inet = 869,
    bpchar = 1042,
    varchar = 1043,
    date = 1082,
    time = 1083,
    timestamp = 1114,
    timestamptz = 1184,
    interval = 1186,
    timetz = 1266,
    bit = 1560,
    varbit = 1562,
    numeric = 1700,
    record = 2249,
    uuid = 2950,
    jsonb = 3802,
    int4range = 3904,
    numrange = 3906,
    tsrange = 3908,
    tstzrange = 3910,
    daterange = 3912,
    int8range = 3926,
    int4multirange = 4451,
    nummultirange = 4532,
    tsmultirange = 4533,
    tstzmultirange = 4534,
    datemultirange = 4535,
    int8multirange = 4536,
    // Arrays of the types above (pg_type.typarray), spelled <element>_array.
    xml_array = 143,
    json_array = 199,
    cidr_array = 651,
    macaddr8_array = 775,
    money_array = 791,
    boolean_array = 1000,
    bytea_array = 1001,
    char_array = 1002,
    name_array = 1003,
    int2_array = 1005,
    int4_array = 1007,
    text_array = 1009,
    bpchar_array = 1014,
    varchar_array = 1015,
    int8_array = 1016,
    point_array = 1017,
    float4_array = 1021,
    float8_array = 1022,
    oid_array = 1028,
    macaddr_array = 1040,
    inet_array = 1041,
    timestamp_array = 1115,
    date_array = 1182,
    time_array = 1183,
    timestamptz_array = 1185,
    interval_array = 1187,
    numeric_array = 1231,
    timetz_array = 1270,
    bit_array = 1561,
    varbit_array = 1563,
    record_array = 2287,
    uuid_array = 2951,
    jsonb_array = 3807,
    int4range_array = 3905,
    numrange_array = 3907,
    tsrange_array = 3909,
    tstzrange_array = 3911,
    daterange_array = 3913,
    int8range_array = 3927,
    int4multirange_array = 6150,
    nummultirange_array = 6151,
    tsmultirange_array = 6152,
    tstzmultirange_array = 6153,
    datemultirange_array = 6155,
    int8multirange_array = 6157,
};

/// The SQL name of a built-in type (`"int4"`, `"text[]"`: arrays as SQL writes them, not as the
/// catalog's `_text`), or an empty view for a type only the server knows.
[[nodiscard]] constexpr std::string_view sql_type_name(oid type) noexcept
{
    switch (type) {
    case oid::unspecified: return "unspecified";
    case oid::boolean: return "bool";
    case oid::bytea: return "bytea";
    case oid::char_: return "\"char\"";
    case oid::name: return "name";
    case oid::int8: return "int8";
    case oid::int2: return "int2";
    case oid::int4: return "int4";
    case oid::text: return "text";
    case oid::oid: return "oid";
    case oid::json: return "json";
    case oid::xml: return "xml";
    case oid::point: return "point";
    case oid::cidr: return "cidr";
    case oid::float4: return "float4";
    case oid::float8: return "float8";
    case oid::unknown: return "unknown";
    case oid::macaddr8: return "macaddr8";
    case oid::money: return "money";
    case oid::macaddr: return "macaddr";
    case oid::inet: return "inet";
    case oid::bpchar: return "bpchar";
    case oid::varchar: return "varchar";
    case oid::date: return "date";
    case oid::time: return "time";
    case oid::timestamp: return "timestamp";
    case oid::timestamptz: return "timestamptz";
    case oid::interval: return "interval";
    case oid::timetz: return "timetz";
    case oid::bit: return "bit";
    case oid::varbit: return "varbit";
    case oid::numeric: return "numeric";
    case oid::record: return "record";
    case oid::uuid: return "uuid";
    case oid::jsonb: return "jsonb";
    case oid::int4range: return "int4range";
    case oid::numrange: return "numrange";
    case oid::tsrange: return "tsrange";
    case oid::tstzrange: return "tstzrange";
    case oid::daterange: return "daterange";
    case oid::int8range: return "int8range";
    case oid::int4multirange: return "int4multirange";
    case oid::nummultirange: return "nummultirange";
    case oid::tsmultirange: return "tsmultirange";
    case oid::tstzmultirange: return "tstzmultirange";
    case oid::datemultirange: return "datemultirange";
    case oid::int8multirange: return "int8multirange";
    case oid::boolean_array: return "bool[]";
    case oid::bytea_array: return "bytea[]";
    case oid::char_array: return "\"char\"[]";
    case oid::name_array: return "name[]";
    case oid::int8_array: return "int8[]";
    case oid::int2_array: return "int2[]";
    case oid::int4_array: return "int4[]";
    case oid::text_array: return "text[]";
    case oid::oid_array: return "oid[]";
    case oid::json_array: return "json[]";
    case oid::xml_array: return "xml[]";
    case oid::point_array: return "point[]";
    case oid::cidr_array: return "cidr[]";
    case oid::float4_array: return "float4[]";
    case oid::float8_array: return "float8[]";
    case oid::macaddr8_array: return "macaddr8[]";
    case oid::money_array: return "money[]";
    case oid::macaddr_array: return "macaddr[]";
    case oid::inet_array: return "inet[]";
    case oid::bpchar_array: return "bpchar[]";
    case oid::varchar_array: return "varchar[]";
    case oid::date_array: return "date[]";
    case oid::time_array: return "time[]";
    case oid::timestamp_array: return "timestamp[]";
    case oid::timestamptz_array: return "timestamptz[]";
    case oid::interval_array: return "interval[]";
    case oid::timetz_array: return "timetz[]";
    case oid::bit_array: return "bit[]";
    case oid::varbit_array: return "varbit[]";
    case oid::numeric_array: return "numeric[]";
    case oid::record_array: return "record[]";
    case oid::uuid_array: return "uuid[]";
    case oid::jsonb_array: return "jsonb[]";
    case oid::int4range_array: return "int4range[]";
    case oid::numrange_array: return "numrange[]";
    case oid::tsrange_array: return "tsrange[]";
    case oid::tstzrange_array: return "tstzrange[]";
    case oid::daterange_array: return "daterange[]";
    case oid::int8range_array: return "int8range[]";
    case oid::int4multirange_array: return "int4multirange[]";
    case oid::nummultirange_array: return "nummultirange[]";
    case oid::tsmultirange_array: return "tsmultirange[]";
    case oid::tstzmultirange_array: return "tstzmultirange[]";
    case oid::datemultirange_array: return "datemultirange[]";
    case oid::int8multirange_array: return "int8multirange[]";
    }
    return {};
}

namespace detail {

/// The element type of a built-in array type (`oid::int4` for `oid::int4_array`), or
/// `oid::unspecified` for any other type.
constexpr oid array_element_type(oid array) noexcept
{
    switch (array) {
    case oid::xml_array: return oid::xml;
    case oid::json_array: return oid::json;
    case oid::cidr_array: return oid::cidr;
    case oid::macaddr8_array: return oid::macaddr8;
    case oid::money_array: return oid::money;
    case oid::boolean_array: return oid::boolean;
    case oid::bytea_array: return oid::bytea;
    case oid::char_array: return oid::char_;
    case oid::name_array: return oid::name;
    case oid::int2_array: return oid::int2;
    case oid::int4_array: return oid::int4;
    case oid::text_array: return oid::text;
    case oid::bpchar_array: return oid::bpchar;
    case oid::varchar_array: return oid::varchar;
    case oid::int8_array: return oid::int8;
    case oid::point_array: return oid::point;
    case oid::float4_array: return oid::float4;
    case oid::float8_array: return oid::float8;
    case oid::oid_array: return oid::oid;
    case oid::macaddr_array: return oid::macaddr;
    case oid::inet_array: return oid::inet;
    case oid::timestamp_array: return oid::timestamp;
    case oid::date_array: return oid::date;
    case oid::time_array: return oid::time;
    case oid::timestamptz_array: return oid::timestamptz;
    case oid::interval_array: return oid::interval;
    case oid::numeric_array: return oid::numeric;
    case oid::timetz_array: return oid::timetz;
    case oid::bit_array: return oid::bit;
    case oid::varbit_array: return oid::varbit;
    case oid::record_array: return oid::record;
    case oid::uuid_array: return oid::uuid;
    case oid::jsonb_array: return oid::jsonb;
    case oid::int4range_array: return oid::int4range;
    case oid::numrange_array: return oid::numrange;
    case oid::tsrange_array: return oid::tsrange;
    case oid::tstzrange_array: return oid::tstzrange;
    case oid::daterange_array: return oid::daterange;
    case oid::int8range_array: return oid::int8range;
    case oid::int4multirange_array: return oid::int4multirange;
    case oid::nummultirange_array: return oid::nummultirange;
    case oid::tsmultirange_array: return oid::tsmultirange;
    case oid::tstzmultirange_array: return oid::tstzmultirange;
    case oid::datemultirange_array: return oid::datemultirange;
    case oid::int8multirange_array: return oid::int8multirange;
    default: return oid::unspecified;
    }
}

}  // namespace detail

}  // namespace typq

#endif  // TYPQ_OID_HPP
