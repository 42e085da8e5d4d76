// SPDX-License-Identifier: BSL-1.0
// typq/types/optional.hpp: NULL. std::optional<T> is NULL when empty, both ways; std::nullopt is
// a NULL parameter whose type the server infers.

#ifndef TYPQ_TYPES_OPTIONAL_HPP
#define TYPQ_TYPES_OPTIONAL_HPP

#include <typq/type.hpp>

#include <optional>     // std::optional, std::nullopt_t
#include <string>       // text forms
#include <string_view>  // sql_type
#include <utility>      // std::move

namespace typq {
namespace detail {

template <class T>
struct optional_encoding {};

template <encodable T>
struct optional_encoding<T> : param_oid_like<T>, element_oid_like<T> {
    static constexpr format param_format = param_format_of<T>();
    static void encode(const std::optional<T>& value, writer& out) { type<T>::encode(*value, out); }
    static void encode_text(const std::optional<T>& value, std::string& out)
        requires text_encodable<T>
    {
        type<T>::encode_text(*value, out);
    }
};

template <class T>
struct optional_decoding {};
template <class T>
    requires requires { typename type<T>::parameter_only; }
struct optional_decoding<T> {
    using parameter_only = typename type<T>::parameter_only;  // its message, for std::optional<T> too
};

template <decodable T>
struct optional_decoding<T> {
    static bool accepts(oid column, const server_types& types) { return detail::accepts<T>(column, types); }
    static void decode(value_view in, std::optional<T>& out)
    {
        T value{};
        type<T>::decode(in, value);
        out = std::move(value);
    }
};

}  // namespace detail

/// The parameter and result encodings of T, plus NULL. The row decoder and the parameter
/// encoder call `is_null` / `set_null`; `encode` and `decode` only see values.
template <class T>
    requires detail::has_type<T>
struct type<std::optional<T>> : detail::optional_encoding<T>, detail::optional_decoding<T> {
    /// T's SQL type.
    static constexpr std::string_view sql_type = type<T>::sql_type;
    /// As T's: an optional view still points into the result.
    static constexpr bool borrows = detail::borrows<T>();

    /// True for an empty optional: the parameter is sent as NULL.
    static constexpr bool is_null(const std::optional<T>& value) noexcept { return !value.has_value(); }
    /// Empties `value`: what a NULL column becomes.
    static constexpr void set_null(std::optional<T>& value) noexcept { value.reset(); }
};

/// NULL, with OID 0 so that the server infers the type from the statement.
template <>
struct type<std::nullopt_t> {
    /// "unknown": the server decides.
    static constexpr std::string_view sql_type = "unknown";
    /// oid::unspecified (0): the server infers the type.
    static constexpr oid param_oid = oid::unspecified;

    /// Always true: std::nullopt is always sent as NULL.
    static constexpr bool is_null(std::nullopt_t) noexcept { return true; }
    /// Never called (is_null is always true); writes nothing.
    static void encode(std::nullopt_t, writer&) {}
};

}  // namespace typq

#endif  // TYPQ_TYPES_OPTIONAL_HPP
