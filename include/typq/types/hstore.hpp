// SPDX-License-Identifier: BSL-1.0
// typq/types/hstore.hpp: the hstore extension's key/value maps <-> a map of optional strings
// (`std::map<std::string, std::optional<std::string>>`, `std::unordered_map<...>`, or any map
// with those key and mapped types), in hstore_send's binary format. The OID of hstore is looked
// up on the server, which must have the extension (`CREATE EXTENSION hstore`).

#ifndef TYPQ_TYPES_HSTORE_HPP
#define TYPQ_TYPES_HSTORE_HPP

#include <typq/error.hpp>
#include <typq/type.hpp>
#include <typq/detail/sql_text.hpp>

#include <climits>      // INT32_MAX
#include <concepts>     // std::same_as
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int32_t
#include <optional>     // values may be NULL
#include <string>       // keys and values
#include <string_view>  // sql_type
#include <utility>      // std::move

namespace typq {
namespace detail {

/// A map from std::string to std::optional<std::string> (std::map, std::unordered_map...).
template <class M>
concept hstore_map = std::same_as<typename M::key_type, std::string>
    && std::same_as<typename M::mapped_type, std::optional<std::string>>
    && requires(M map, const M& view, std::string key, std::optional<std::string> value) {
           { map.emplace(std::move(key), std::move(value)).second } -> std::convertible_to<bool>;
           view.begin();
           view.end();
           { view.size() } -> std::convertible_to<std::size_t>;
           map.clear();
       };

inline void put_hstore_text(writer& out, std::string_view text, const char* what)
{
    if (text.find('\0') != std::string_view::npos)
        throw conversion_error(std::string("hstore ") + what + " contains a NUL byte, which PostgreSQL text cannot hold",
            conversion_site{{}, "hstore", {}, {}});
    if (text.size() > static_cast<std::size_t>(INT32_MAX))
        throw conversion_error(std::string("hstore ") + what + " is too large", conversion_site{{}, "hstore", {}, {}});
    out.put_be(static_cast<std::int32_t>(text.size()));
    out.put_text(text);
}

// Reads one length-prefixed string at `offset`; false for NULL (length -1).
inline bool read_hstore_text(value_view in, std::size_t& offset, std::string& out, const char* what)
{
    if (in.size() - offset < 4)
        in.fail(std::string("hstore ") + what + " is missing: the value ends at byte " + std::to_string(in.size()));
    const std::int32_t length = in.subview(offset, 4, in.type()).read_be<std::int32_t>();
    offset += 4;
    if (length == -1)
        return false;
    if (length < 0 || static_cast<std::size_t>(length) > in.size() - offset)
        in.fail(std::string("hstore ") + what + " has length " + std::to_string(length) + " with "
            + std::to_string(in.size() - offset) + " bytes left");
    out.assign(in.data() + offset, static_cast<std::size_t>(length));
    offset += static_cast<std::size_t>(length);
    return true;
}

}  // namespace detail

/// A map of std::string to std::optional<std::string> (std::map, std::unordered_map...) as the
/// hstore extension's `hstore`, both ways: keys are strings, values strings or NULL (std::nullopt).
/// Binary, in `hstore_send`'s form: the number of pairs, then each key and value as an int4 length
/// (-1 for a NULL value) and its text. hstore's OID is looked up by name once per connection.
/// @throws typq::conversion_error for a NUL byte in a key or value, a NULL key or a repeated key
///         from the server, or malformed bytes.
template <class M>
    requires detail::hstore_map<M>
struct type<M> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "hstore";
    static constexpr bool lookup_oid = true;

    static void encode(const M& value, writer& out)
    {
        if (value.size() > static_cast<std::size_t>(INT32_MAX))
            throw conversion_error("hstore has too many pairs", conversion_site{{}, "hstore", {}, {}});
        out.put_be(static_cast<std::int32_t>(value.size()));
        for (const auto& [key, mapped] : value) {
            detail::put_hstore_text(out, key, "key");
            if (mapped)
                detail::put_hstore_text(out, *mapped, "value");
            else
                out.put_be(std::int32_t{-1});
        }
    }

    // hstore_out's form: "key"=>"value" or "key"=>NULL, pairs separated by ", ".
    static void encode_text(const M& value, std::string& out)
    {
        bool first = true;
        for (const auto& [key, mapped] : value) {
            if (!first)
                out += ", ";
            first = false;
            detail::append_double_quoted(out, key);
            out += "=>";
            if (mapped)
                detail::append_double_quoted(out, *mapped);
            else
                out += "NULL";
        }
    }

    static void decode(value_view in, M& out)
    {
        const std::int32_t count = in.subview(0, 4, in.type()).read_be<std::int32_t>();
        // Each pair takes at least 8 bytes (two lengths): a count the bytes cannot back is refused
        // before anything is allocated.
        if (count < 0 || static_cast<std::size_t>(count) > (in.size() - 4) / 8)
            in.fail("hstore has " + std::to_string(count) + " pairs in " + std::to_string(in.size()) + " bytes");
        out.clear();
        std::size_t offset = 4;
        for (std::int32_t i = 0; i < count; ++i) {
            std::string key;
            if (!detail::read_hstore_text(in, offset, key, "key"))
                in.fail("hstore key " + std::to_string(i + 1) + " is NULL");
            std::string value;
            std::optional<std::string> mapped;
            if (detail::read_hstore_text(in, offset, value, "value"))
                mapped = std::move(value);
            if (!out.emplace(std::move(key), std::move(mapped)).second)
                in.fail("hstore key " + std::to_string(i + 1) + " is repeated");
        }
        if (offset != in.size())
            in.fail("hstore has " + std::to_string(in.size() - offset) + " bytes after its last pair");
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_HSTORE_HPP
