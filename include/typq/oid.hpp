// SPDX-License-Identifier: BSL-1.0
// typq/oid.hpp: the OIDs of PostgreSQL's built-in types, and their SQL names for messages.

#ifndef TYPQ_OID_HPP
#define TYPQ_OID_HPP

#include <cstdint>      // std::uint32_t
#include <string_view>  // sql_type_name()

namespace typq {

/// A PostgreSQL type OID. The enumerators are the built-in types, with the values of
/// PostgreSQL's `pg_type.dat` (they are fixed across server versions); any other value is a
/// type only the server knows (an enum, a composite, an extension's type).
enum class oid : std::uint32_t {
    unspecified = 0,  ///< no type: as a parameter's OID, the server infers the type
    boolean = 16,
    bytea = 17,
    name = 19,
    int8 = 20,
    int2 = 21,
    int4 = 23,
    text = 25,
    oid = 26,
    json = 114,
    xml = 142,
    float4 = 700,
    float8 = 701,
    unknown = 705,
    bpchar = 1042,
    varchar = 1043,
    date = 1082,
    time = 1083,
    timestamp = 1114,
    timestamptz = 1184,
    interval = 1186,
    timetz = 1266,
    numeric = 1700,
    uuid = 2950,
    jsonb = 3802,
};

/// The SQL name of a built-in type (`"int4"`), or an empty view for a type only the server knows.
[[nodiscard]] constexpr std::string_view sql_type_name(oid type) noexcept
{
    switch (type) {
    case oid::unspecified: return "unspecified";
    case oid::boolean: return "bool";
    case oid::bytea: return "bytea";
    case oid::name: return "name";
    case oid::int8: return "int8";
    case oid::int2: return "int2";
    case oid::int4: return "int4";
    case oid::text: return "text";
    case oid::oid: return "oid";
    case oid::json: return "json";
    case oid::xml: return "xml";
    case oid::float4: return "float4";
    case oid::float8: return "float8";
    case oid::unknown: return "unknown";
    case oid::bpchar: return "bpchar";
    case oid::varchar: return "varchar";
    case oid::date: return "date";
    case oid::time: return "time";
    case oid::timestamp: return "timestamp";
    case oid::timestamptz: return "timestamptz";
    case oid::interval: return "interval";
    case oid::timetz: return "timetz";
    case oid::numeric: return "numeric";
    case oid::uuid: return "uuid";
    case oid::jsonb: return "jsonb";
    }
    return {};
}

}  // namespace typq

#endif  // TYPQ_OID_HPP
