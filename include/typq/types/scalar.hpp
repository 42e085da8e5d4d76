// SPDX-License-Identifier: BSL-1.0
// typq/types/scalar.hpp: bool, the signed integers and the floating-point types, in binary
// (boolsend, int2send/int4send/int8send, float4send/float8send).

#ifndef TYPQ_TYPES_SCALAR_HPP
#define TYPQ_TYPES_SCALAR_HPP

#include <typq/type.hpp>
#include <typq/detail/sql_text.hpp>

#include <concepts>     // std::signed_integral, std::same_as
#include <cstdint>      // std::int16_t...
#include <string>       // text forms
#include <string_view>  // sql_type

namespace typq {

/// `bool` as `bool` (OID 16): binary, one byte, 1 or 0 (`boolsend`); reads bool columns, and
/// refuses any other byte.
template <>
struct type<bool> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "bool";
    static constexpr oid param_oid = oid::boolean;
    static constexpr oid array_oid = oid::boolean_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::boolean; }
    static void encode(bool value, writer& out) { out.put_be(static_cast<std::uint8_t>(value ? 1 : 0)); }
    static void encode_text(bool value, std::string& out) { out += value ? "true" : "false"; }
    static void decode(value_view in, bool& out)
    {
        // boolrecv accepts any non-zero byte, but boolsend only ever sends 0 or 1.
        const auto byte = in.read_be<std::uint8_t>();
        if (byte > 1)
            in.fail("bool byte is " + std::to_string(byte) + ", expected 0 or 1");
        out = byte == 1;
    }
    /// @}
};

namespace detail {

// short, int, long and long long: every signed integer of PostgreSQL's widths, but not the
// character types, which are text rather than numbers.
template <class T>
concept pg_integer = std::signed_integral<T> && !std::same_as<T, char> && !std::same_as<T, signed char>
    && !std::same_as<T, wchar_t> && !std::same_as<T, char8_t> && !std::same_as<T, char16_t>
    && !std::same_as<T, char32_t> && (sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);

}  // namespace detail

/// int2, int4, int8 by the integer's size, binary: 2, 4 or 8 bytes, big-endian (`int2send`,
/// `int4send`, `int8send`). Results widen (an int4 column reads into std::int64_t,
/// an oid column into std::int64_t); narrowing is refused when the result's columns are checked.
template <detail::pg_integer T>
struct type<T> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr oid param_oid = sizeof(T) == 2 ? oid::int2 : sizeof(T) == 4 ? oid::int4 : oid::int8;
    static constexpr oid array_oid =
        sizeof(T) == 2 ? oid::int2_array : sizeof(T) == 4 ? oid::int4_array : oid::int8_array;
    static constexpr std::string_view sql_type = sql_type_name(param_oid);

    static constexpr bool accepts(oid column) noexcept
    {
        switch (column) {
        case oid::int2: return true;
        case oid::int4: return sizeof(T) >= 4;
        case oid::int8: return sizeof(T) == 8;
        case oid::oid: return sizeof(T) == 8;  // oid is unsigned 32-bit
        default: return false;
        }
    }
    static void encode(T value, writer& out) { out.put_be(value); }
    static void encode_text(T value, std::string& out) { detail::append_integer(out, value); }
    static void decode(value_view in, T& out) { out = in.read_integer<T>(); }
    /// @}
};

/// `float` as `float4` (OID 700): binary, the IEEE 754 single, big-endian (`float4send`); reads
/// float4 columns only (a float8 column is not narrowed).
template <>
struct type<float> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "float4";
    static constexpr oid param_oid = oid::float4;
    static constexpr oid array_oid = oid::float4_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::float4; }
    static void encode(float value, writer& out) { out.put_be(value); }
    static void encode_text(float value, std::string& out) { detail::append_float(out, value); }
    static void decode(value_view in, float& out) { out = in.read_be<float>(); }
    /// @}
};

/// `double` as `float8` (OID 701): binary, the IEEE 754 double, big-endian (`float8send`); float4
/// columns widen exactly into double.
template <>
struct type<double> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "float8";
    static constexpr oid param_oid = oid::float8;
    static constexpr oid array_oid = oid::float8_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::float8 || column == oid::float4; }
    static void encode(double value, writer& out) { out.put_be(value); }
    static void encode_text(double value, std::string& out) { detail::append_float(out, value); }
    static void decode(value_view in, double& out)
    {
        out = in.type() == oid::float4 ? static_cast<double>(in.read_be<float>()) : in.read_be<double>();
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_SCALAR_HPP
