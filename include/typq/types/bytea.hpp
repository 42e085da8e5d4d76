// SPDX-License-Identifier: BSL-1.0
// typq/types/bytea.hpp: bytea as std::vector<std::byte>, and std::span<const std::byte> as a
// parameter or a view into a result (byteasend: the raw bytes).

#ifndef TYPQ_TYPES_BYTEA_HPP
#define TYPQ_TYPES_BYTEA_HPP

#include <typq/type.hpp>
#include <typq/detail/hex.hpp>

#include <cstddef>      // std::byte
#include <span>         // std::span
#include <string>       // the text form
#include <string_view>  // sql_type
#include <vector>       // std::vector

namespace typq {
namespace detail {

struct bytea_parameter {
    static constexpr std::string_view sql_type = "bytea";
    static constexpr oid param_oid = oid::bytea;
    static constexpr oid array_oid = oid::bytea_array;
    static constexpr bool accepts(oid column) noexcept { return column == oid::bytea; }
    static void encode(std::span<const std::byte> value, writer& out) { out.put_bytes(value.data(), value.size()); }
    // byteaout's hex form: \x and two lower-case digits a byte.
    static void encode_text(std::span<const std::byte> value, std::string& out)
    {
        out.reserve(out.size() + 2 + 2 * value.size());
        out += "\\x";
        for (const std::byte b : value)
            append_hex(out, static_cast<unsigned>(b), 2);
    }
};

}  // namespace detail

/// `std::vector<std::byte>` as `bytea` (OID 17): binary, the bytes as they are (`byteasend`);
/// reads bytea columns.
template <>
struct type<std::vector<std::byte>> : detail::bytea_parameter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void decode(value_view in, std::vector<std::byte>& out)
    {
        const auto bytes = in.bytes();
        out.assign(bytes.begin(), bytes.end());
    }
    /// @}
};

/// `std::span<const std::byte>` as `bytea`, as std::vector<std::byte> is. As a result, a view into
/// the result's memory: valid while the `typq::result` lives.
template <>
struct type<std::span<const std::byte>> : detail::bytea_parameter {
    /// True: a decoded span points into the result (see typq::type's `borrows`).
    static constexpr bool borrows = true;
    /// The adapter's `decode`, as typq::type describes it.
    static void decode(value_view in, std::span<const std::byte>& out) { out = in.bytes(); }
};

/// `std::span<std::byte>` as a `bytea` parameter (it cannot be read from a result: read
/// std::vector<std::byte> or std::span<const std::byte>).
template <>
struct type<std::span<std::byte>> : detail::bytea_parameter {};

}  // namespace typq

#endif  // TYPQ_TYPES_BYTEA_HPP
