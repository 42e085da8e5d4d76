// SPDX-License-Identifier: BSL-1.0
// typq/types/json.hpp: typq::json and typq::jsonb, a JSON document's text, in binary
// (json_send: the text; jsonb_send: a version byte, 1, then the text).

#ifndef TYPQ_TYPES_JSON_HPP
#define TYPQ_TYPES_JSON_HPP

#include <typq/type.hpp>

#include <cstdint>      // the jsonb version byte
#include <string>       // the document text
#include <string_view>  // sql_type, views of the text
#include <utility>      // std::move

namespace typq {
namespace detail {

// The only jsonb binary format version so far (jsonb_send, jsonb_recv in
// src/backend/utils/adt/jsonb.c).
inline constexpr std::uint8_t jsonb_version = 1;

// The document text of a json or jsonb value: json's binary form is the text itself, jsonb's is
// the version byte followed by the text.
inline std::string_view json_document_text(value_view in)
{
    if (in.type() != oid::jsonb)
        return in.text();
    if (in.size() == 0)
        in.fail("jsonb value is empty, expected a version byte");
    const auto version = static_cast<std::uint8_t>(in.data()[0]);
    if (version != jsonb_version)
        in.fail("jsonb version byte is " + std::to_string(version) + ", expected 1");
    return in.text().substr(1);
}

inline constexpr bool is_json_column(oid column) noexcept { return column == oid::json || column == oid::jsonb; }

}  // namespace detail

/// A JSON document as text, sent as json: the server checks it and keeps it as written
/// (whitespace, key order and duplicate keys included). Reads json and jsonb columns.
/// A default-constructed value has empty text, which the server refuses as json.
class json {
public:
    /// Empty text (not a valid document).
    json() = default;
    /// The document `text`, unchecked: the server checks it when it is sent.
    explicit json(std::string text) noexcept : text_(std::move(text)) {}

    /// The document's text.
    [[nodiscard]] const std::string& text() const noexcept { return text_; }

    /// Equal when the texts are (not a comparison of documents).
    friend bool operator==(const json&, const json&) = default;

private:
    std::string text_;
};

/// A JSON document as text, sent as jsonb: the server parses it into its own form, so what comes
/// back is normalised (keys sorted by length then bytes, the last duplicate kept, its own
/// whitespace). Reads jsonb and json columns. `==` compares the texts, not the documents.
class jsonb {
public:
    /// Empty text (not a valid document).
    jsonb() = default;
    /// The document `text`, unchecked: the server checks it when it is sent.
    explicit jsonb(std::string text) noexcept : text_(std::move(text)) {}

    /// The document's text.
    [[nodiscard]] const std::string& text() const noexcept { return text_; }

    /// Equal when the texts are (not a comparison of documents).
    friend bool operator==(const jsonb&, const jsonb&) = default;

private:
    std::string text_;
};

/// typq::json as `json` (OID 114): binary, the text itself (`json_send`); reads json and jsonb
/// columns (jsonb's version byte checked and dropped).
template <>
struct type<json> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "json";
    static constexpr oid param_oid = oid::json;
    static constexpr oid array_oid = oid::json_array;

    static constexpr bool accepts(oid column) noexcept { return detail::is_json_column(column); }
    static void encode(const json& value, writer& out) { out.put_text(value.text()); }
    static void encode_text(const json& value, std::string& out) { out += value.text(); }
    static void decode(value_view in, json& out) { out = json(std::string(detail::json_document_text(in))); }
    /// @}
};

/// typq::jsonb as `jsonb` (OID 3802): binary, a version byte (1) then the text (`jsonb_send`);
/// reads jsonb and json columns, and refuses a jsonb version other than 1.
template <>
struct type<jsonb> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "jsonb";
    static constexpr oid param_oid = oid::jsonb;
    static constexpr oid array_oid = oid::jsonb_array;

    static constexpr bool accepts(oid column) noexcept { return detail::is_json_column(column); }
    static void encode(const jsonb& value, writer& out)
    {
        out.put_be(detail::jsonb_version);
        out.put_text(value.text());
    }
    static void encode_text(const jsonb& value, std::string& out) { out += value.text(); }
    static void decode(value_view in, jsonb& out) { out = jsonb(std::string(detail::json_document_text(in))); }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_JSON_HPP
