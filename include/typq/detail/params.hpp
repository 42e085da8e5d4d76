// SPDX-License-Identifier: BSL-1.0
// typq/detail/params.hpp: encoding a statement's arguments into stack arrays of OIDs, lengths and
// formats plus one reusable byte buffer, the layout PQexecParams takes.

#ifndef TYPQ_DETAIL_PARAMS_HPP
#define TYPQ_DETAIL_PARAMS_HPP

#include <typq/error.hpp>
#include <typq/type.hpp>
#include <typq/detail/exec.hpp>
#include <typq/detail/type_name.hpp>

#include <libpq-fe.h>

#include <array>        // the per-parameter arrays
#include <climits>      // INT_MAX: libpq's lengths are int
#include <cstddef>      // std::size_t
#include <string>       // the byte buffer
#include <string_view>  // field names in messages

namespace typq::detail {

template <std::size_t N>
struct param_block {
    std::array<Oid, N> types{};
    std::array<const char*, N> values{};
    std::array<int, N> lengths{};
    std::array<int, N> formats{};
    std::array<std::size_t, N> offsets{};

    /// Points each value into `buffer`, now that it will not grow again.
    param_span finish(const std::string& buffer, std::size_t count) noexcept
    {
        for (std::size_t i = 0; i < count; ++i)
            values[i] = lengths[i] < 0 ? nullptr : buffer.data() + offsets[i];
        return {static_cast<int>(count), types.data(), values.data(), lengths.data(), formats.data()};
    }
};

// "parameter $2 (std::string)" or "parameter $1 (field "email" (std::string))".
template <class T>
std::string describe_parameter(std::size_t index, std::string_view field)
{
    std::string text = "parameter $" + std::to_string(index + 1) + " (";
    if (!field.empty()) {
        text += "field \"";
        text += field;
        text += "\", ";
    }
    return text + type_name<T>() + ")";
}

/// Encodes `value` as parameter `index`: NULL, or its bytes appended to `buffer` (text-format
/// parameters get the NUL terminator libpq expects). `types` resolves server-defined types.
template <class T, std::size_t N>
void encode_param(param_block<N>& block, std::size_t index, const T& value, std::string& buffer,
    const server_types& types, std::string_view field = {})
{
    using adapter = type<T>;
    block.formats[index] = static_cast<int>(param_format_of<T>());
    const std::size_t start = buffer.size();
    try {
        block.types[index] = static_cast<Oid>(param_oid_of<T>(types));
        if constexpr (sends_null<T>) {
            if (adapter::is_null(value)) {
                block.lengths[index] = -1;
                return;
            }
        }
        writer out(buffer, &types);
        adapter::encode(value, out);
    }
    catch (const conversion_error& e) {
        throw conversion_error(describe_parameter<T>(index, field) + ": " + e.what(),
            conversion_site{{}, e.sql_type(), std::string(field), type_name<T>()});
    }
    const std::size_t size = buffer.size() - start;
    if (size > static_cast<std::size_t>(INT_MAX))
        throw conversion_error(describe_parameter<T>(index, field) + " is larger than libpq can send (2 GiB)",
            conversion_site{{}, std::string(adapter::sql_type), std::string(field), type_name<T>()});
    if constexpr (param_format_of<T>() == format::text)
        buffer.push_back('\0');
    block.offsets[index] = start;
    block.lengths[index] = static_cast<int>(size);
}

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_PARAMS_HPP
