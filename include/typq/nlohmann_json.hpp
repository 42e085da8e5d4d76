// SPDX-License-Identifier: BSL-1.0
// typq/nlohmann_json.hpp: an opt-in bridge that maps nlohmann::json (and nlohmann::ordered_json)
// to json and jsonb columns directly. Not included by <typq/typq.hpp>: it needs nlohmann's
// JSON for Modern C++ (3.x, Debian's nlohmann-json3-dev) on the include path.

#ifndef TYPQ_NLOHMANN_JSON_HPP
#define TYPQ_NLOHMANN_JSON_HPP

#include <typq/error.hpp>
#include <typq/type.hpp>
#include <typq/types/json.hpp>

#include <nlohmann/json.hpp>

#include <string>       // the dumped document
#include <string_view>  // sql_type, the column's text
#include <utility>      // std::move

namespace typq {
namespace detail {

// A nlohmann::basic_json as jsonb: sent as jsonb (version byte, then the compact UTF-8 dump),
// read from json or jsonb columns by parsing their text.
template <class Json>
struct nlohmann_json_adapter {
    static constexpr std::string_view sql_type = "jsonb";
    static constexpr oid param_oid = oid::jsonb;
    static constexpr oid array_oid = oid::jsonb_array;

    static constexpr bool accepts(oid column) noexcept { return is_json_column(column); }

    static void encode(const Json& value, writer& out)
    {
        std::string text;
        encode_text(value, text);
        out.put_be(jsonb_version);
        out.put_text(text);
    }

    // jsonb_in reads the document.
    static void encode_text(const Json& value, std::string& out)
    {
        try {
            out += value.dump();  // strict: a string that is not valid UTF-8 throws type_error 316
        }
        catch (const typename Json::type_error& e) {
            throw conversion_error(std::string("cannot send a nlohmann::json value as jsonb: ") + e.what(),
                conversion_site{{}, "jsonb", {}, {}});
        }
    }

    static void decode(value_view in, Json& out)
    {
        const std::string_view text = json_document_text(in);
        Json parsed = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded())
            in.fail("nlohmann::json cannot parse the document");
        out = std::move(parsed);
    }
};

}  // namespace detail

/// nlohmann::json as a jsonb parameter, and from a json or jsonb column. Numbers follow
/// nlohmann's rules: integers within 64 bits stay exact, others become double (precision beyond
/// a double is lost); a number too large for a double is an error.
/// @throws typq::conversion_error when a string in the value is not valid UTF-8 (encoding), or
///         when the column's text cannot be parsed (decoding).
template <>
struct type<nlohmann::json> : detail::nlohmann_json_adapter<nlohmann::json> {};

/// nlohmann::ordered_json, the same way; note that jsonb columns come back with the server's key
/// order (sorted), json columns with the order written.
template <>
struct type<nlohmann::ordered_json> : detail::nlohmann_json_adapter<nlohmann::ordered_json> {};

}  // namespace typq

#endif  // TYPQ_NLOHMANN_JSON_HPP
