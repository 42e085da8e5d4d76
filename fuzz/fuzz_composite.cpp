// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_composite.cpp: structs with a typq::composite_type adapter (typq/types/composite.hpp) read
// from an anonymous `record` column (record_send's form of ROW(...): attributes by position, each
// with its type OID), which needs no connection, from arrays of records, and from named composite
// types that a hand-made type registry describes (attributes by name, in another order, one a
// domain). The fields are int4, text or NULL, int4[], a nested composite, an int4range and an
// optional nested composite. A record is written again here in record_send's form, from each
// field's own encoder; a named type is written by typq with the registry; either way what was
// read reads back equal.

#include "fuzz.hpp"

#include <typq/server_types.hpp>
#include <typq/types/array.hpp>
#include <typq/types/composite.hpp>
#include <typq/types/optional.hpp>
#include <typq/types/range.hpp>
#include <typq/types/scalar.hpp>
#include <typq/types/text.hpp>

#include <cstdint>   // int4 fields
#include <memory>    // the registry's type_info nodes
#include <optional>  // NULL fields
#include <string>    // text fields
#include <utility>   // std::move
#include <vector>    // int4[] fields

namespace typq_fuzz_composite {

struct inner {
    std::int32_t id = 0;
    std::optional<std::string> note;
    friend bool operator==(const inner&, const inner&) = default;
};

struct outer {
    std::int32_t n = 0;
    std::optional<std::string> name;
    std::vector<std::int32_t> list;
    inner nested;
    typq::range<std::int32_t> span;
    std::optional<inner> maybe;
    friend bool operator==(const outer&, const outer&) = default;
};

}  // namespace typq_fuzz_composite

using typq_fuzz_composite::inner;
using typq_fuzz_composite::outer;

template <>
struct typq::type<inner> : typq::composite_type<inner, "fuzz_inner"> {};
template <>
struct typq::type<outer> : typq::composite_type<outer, "fuzz_outer"> {};

namespace {

using typq::oid;

// record_send's form, written here: the count, then each attribute's type OID, length (-1: NULL)
// and bytes, from the field's own encoder.
class record_writer {
public:
    explicit record_writer(std::int32_t count) { out_.put_be(count); }

    template <class F>
    record_writer& field(oid type, const F& value)
    {
        out_.put_be(static_cast<std::uint32_t>(type));
        return put_part(typq_fuzz::encode(value));
    }

    // An attribute whose bytes are already written (a nested record).
    record_writer& raw(oid type, const std::string& part)
    {
        out_.put_be(static_cast<std::uint32_t>(type));
        return put_part(part);
    }

    record_writer& null(oid type)
    {
        out_.put_be(static_cast<std::uint32_t>(type));
        out_.put_be(std::int32_t{-1});
        return *this;
    }

    template <class F>
    record_writer& optional(oid type, const std::optional<F>& value)
    {
        return value ? field(type, *value) : null(type);
    }

    [[nodiscard]] const std::string& bytes() const noexcept { return bytes_; }

private:
    record_writer& put_part(const std::string& part)
    {
        out_.put_be(static_cast<std::int32_t>(part.size()));
        out_.put_bytes(part.data(), part.size());
        return *this;
    }

    std::string bytes_;
    typq::writer out_{bytes_};
};

std::string record_of(const inner& value)
{
    return record_writer(2).field(oid::int4, value.id).optional(oid::text, value.note).bytes();
}

std::string record_of(const outer& value)
{
    record_writer out(6);
    out.field(oid::int4, value.n).optional(oid::text, value.name).field(oid::int4_array, value.list);
    out.raw(oid::record, record_of(value.nested)).field(oid::int4range, value.span);
    if (value.maybe)
        out.raw(oid::record, record_of(*value.maybe));
    else
        out.null(oid::record);
    return out.bytes();
}

// Whether typq can send the value: text with a NUL byte, which the server never sends, reads but
// is refused when sent.
bool has_nul(const std::optional<std::string>& text)
{
    return text && text->find('\0') != std::string::npos;
}

bool sendable(const inner& value)
{
    return !has_nul(value.note);
}

bool sendable(const outer& value)
{
    return !has_nul(value.name) && sendable(value.nested) && (!value.maybe || sendable(*value.maybe));
}

// T from a record column; written again as a record, it reads back equal.
template <class T>
void reads_record(const std::uint8_t* data, std::size_t size)
{
    const auto value = typq_fuzz::decode<T>(data, size, oid::record);
    // Without server_types, a named composite type (fuzz_inner's OID below) is unknown: refused.
    TYPQ_FUZZ_CHECK(!typq_fuzz::decode<T>(data, size, static_cast<oid>(16384)));
    if (!value || !sendable(*value))
        return;
    const std::string bytes = record_of(*value);
    const auto again = typq_fuzz::decode<T>(typq_fuzz::view(bytes, oid::record));
    TYPQ_FUZZ_CHECK(again && *again == *value);
}

// Named composite types, as a connection's catalog lookup would describe them, with OIDs of the
// harness's own: the attributes are in another order than the fields (they map by name), and `n`
// is a domain over int4. fuzz_inner_renamed has an attribute that names no field of inner.
constexpr auto fuzz_inner_oid = static_cast<oid>(16384);
constexpr auto fuzz_outer_oid = static_cast<oid>(16385);
constexpr auto fuzz_inner_renamed_oid = static_cast<oid>(16386);
constexpr auto fuzz_int_oid = static_cast<oid>(16390);

typq::type_info named_type(oid id, std::string name, typq::type_kind kind)
{
    typq::type_info info;
    info.id = id;
    info.name = std::move(name);
    info.kind = kind;
    return info;
}

typq::type_info composite(oid id, std::string name, std::vector<typq::type_attribute> attributes)
{
    typq::type_info info = named_type(id, std::move(name), typq::type_kind::composite);
    info.attributes = std::move(attributes);
    return info;
}

const typq::type_registry& registry()
{
    static const typq::type_registry types = [] {
        typq::type_registry out;
        const auto add = [&](typq::type_info info) { out.add(std::make_shared<const typq::type_info>(std::move(info))); };
        typq::type_info domain = named_type(fuzz_int_oid, "fuzz_int", typq::type_kind::domain);
        domain.base = oid::int4;
        add(std::move(domain));
        add(composite(fuzz_inner_oid, "fuzz_inner", {{"note", oid::text}, {"id", oid::int4}}));
        add(composite(fuzz_outer_oid, "fuzz_outer",
            {{"span", oid::int4range}, {"n", fuzz_int_oid}, {"name", oid::text}, {"maybe", fuzz_inner_oid},
                {"list", oid::int4_array}, {"nested", fuzz_inner_oid}}));
        add(composite(fuzz_inner_renamed_oid, "fuzz_inner_renamed", {{"note", oid::text}, {"ident", oid::int4}}));
        out.add_name("fuzz_inner", fuzz_inner_oid);
        out.add_name("fuzz_outer", fuzz_outer_oid);
        return out;
    }();
    return types;
}

// T from its named type's column, with the registry: attributes map to fields by name. What it
// reads, encoded by typq as that named type (which needs only the registry), reads back equal.
template <class T>
void reads_named(const std::uint8_t* data, std::size_t size, oid column)
{
    const typq::server_types types(&registry());
    TYPQ_FUZZ_CHECK(typq::type<T>::accepts(column, types));
    const auto value = typq_fuzz::decode<T>(
        typq::value_view(reinterpret_cast<const char*>(data), size, column, nullptr, 0, &types));
    if (!value || !sendable(*value))
        return;
    std::string bytes;
    typq::writer out(bytes, &types);
    typq::type<T>::encode(*value, out);
    const auto again = typq_fuzz::decode<T>(typq::value_view(bytes.data(), bytes.size(), column, nullptr, 0, &types));
    TYPQ_FUZZ_CHECK(again && *again == *value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    reads_record<outer>(data, size);
    reads_record<inner>(data, size);
    reads_named<outer>(data, size, fuzz_outer_oid);
    reads_named<inner>(data, size, fuzz_inner_oid);
    // An attribute that names no field: never read.
    const typq::server_types types(&registry());
    TYPQ_FUZZ_CHECK(!typq::type<inner>::accepts(fuzz_inner_renamed_oid, types));
    TYPQ_FUZZ_CHECK(!typq_fuzz::decode<inner>(
        typq::value_view(reinterpret_cast<const char*>(data), size, fuzz_inner_renamed_oid, nullptr, 0, &types)));
    // Arrays of records: the elements are read as records.
    typq_fuzz::decode<std::vector<inner>>(data, size, oid::record_array);
    typq_fuzz::decode<std::vector<std::optional<outer>>>(data, size, oid::record_array);
    return 0;
}
