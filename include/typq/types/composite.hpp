// SPDX-License-Identifier: BSL-1.0
// typq/types/composite.hpp: an aggregate struct <-> a PostgreSQL composite type (CREATE TYPE ...
// AS (...), or a table's row type), field by attribute name, in record_send's binary format.
//
//     struct address { std::string street; std::string city; std::optional<std::string> zip; };
//     template <> struct typq::type<address> : typq::composite_type<address, "address"> {};

#ifndef TYPQ_TYPES_COMPOSITE_HPP
#define TYPQ_TYPES_COMPOSITE_HPP

#include <typq/error.hpp>
#include <typq/reflect.hpp>
#include <typq/type.hpp>
#include <typq/types/text.hpp>
#include <typq/detail/field_names.hpp>
#include <typq/detail/sql_name.hpp>
#include <typq/detail/type_name.hpp>

#include <climits>      // INT32_MAX
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int32_t, std::uint32_t
#include <string>       // messages
#include <string_view>  // names
#include <type_traits>  // std::is_aggregate_v
#include <utility>      // std::index_sequence

namespace typq {
namespace detail {

inline constexpr std::size_t no_field = static_cast<std::size_t>(-1);

// The index of T's field named `name`, or no_field.
template <class T>
std::size_t composite_field_index(std::string_view name) noexcept
{
    constexpr auto& names = field_names<T>;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name)
            return i;
    return no_field;
}

// Calls f(field<I>) for the field at run-time index `index`.
template <class T, class F>
void with_composite_field(T& value, std::size_t index, F&& f)
{
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((I == index ? f(reflected_fields<std::remove_const_t<T>>::template field<I>(value)) : void()), ...);
    }(std::make_index_sequence<reflected_fields<std::remove_const_t<T>>::size>{});
}

// Whether the field at run-time `index` reads values of type `column`.
template <class T>
bool composite_field_accepts(std::size_t index, oid column, const server_types& types)
{
    bool fits = false;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((I == index ? void(fits = accepts<std::remove_cv_t<typename reflected_fields<T>::template field_type<I>>>(column, types)) : void()),
            ...);
    }(std::make_index_sequence<reflected_fields<T>::size>{});
    return fits;
}

// The binary form a value of `attribute`'s type takes fits what a field of wire type `wire` writes.
inline bool composite_wire_fits(oid wire, oid attribute, const server_types& types)
{
    const oid base = types.strip_domains(attribute);
    if (wire == base)
        return true;
    if (wire == oid::varbit && base == oid::bit)  // one binary form; bit_recv checks the length
        return true;
    return wire == oid::text && is_text_column(base, types);
}

[[noreturn]] inline void throw_composite_encode_error(std::string_view sql_type, const std::string& reason)
{
    throw conversion_error("cannot encode composite type " + std::string(sql_type) + ": " + reason,
        conversion_site{{}, std::string(sql_type), {}, {}});
}

// Reads record_send's format: int4 count, then per attribute its type OID, int4 length (-1 for
// NULL) and bytes. Checks every length before reading.
class composite_reader {
public:
    explicit composite_reader(value_view in) : in_(in)
    {
        const std::int32_t count = in.subview(0, 4, in.type()).read_be<std::int32_t>();
        if (count < 0 || static_cast<std::size_t>(count) > (in.size() - 4) / 8)
            in.fail("composite value has " + std::to_string(count) + " attributes in " + std::to_string(in.size())
                + " bytes");
        count_ = static_cast<std::size_t>(count);
    }

    [[nodiscard]] std::size_t count() const noexcept { return count_; }

    /// Attribute `index`'s type and bytes; false for NULL.
    bool next(std::size_t index, oid& type, value_view& value)
    {
        if (in_.size() - offset_ < 8)
            in_.fail("composite attribute " + std::to_string(index + 1) + " is missing: the value ends at byte "
                + std::to_string(in_.size()));
        type = static_cast<oid>(in_.subview(offset_, 4, in_.type()).read_be<std::uint32_t>());
        const std::int32_t length = in_.subview(offset_ + 4, 4, in_.type()).read_be<std::int32_t>();
        offset_ += 8;
        if (length == -1)
            return false;
        if (length < 0 || static_cast<std::size_t>(length) > in_.size() - offset_)
            in_.fail("composite attribute " + std::to_string(index + 1) + " has length " + std::to_string(length) + " with "
                + std::to_string(in_.size() - offset_) + " bytes left");
        value = in_.subview(offset_, static_cast<std::size_t>(length), in_.types().strip_domains(type));
        offset_ += static_cast<std::size_t>(length);
        return true;
    }

    void finish() const
    {
        if (offset_ != in_.size())
            in_.fail("composite value has " + std::to_string(in_.size() - offset_) + " bytes after its last attribute");
    }

private:
    value_view in_;
    std::size_t count_ = 0;
    std::size_t offset_ = 4;
};

}  // namespace detail

/// The adapter of aggregate struct `T` and the composite type named `Name` (as in SQL: `"address"`,
/// `"shop.address"`); derive `typq::type<T>` from it. Fields map to attributes by name, both ways,
/// and every attribute needs its field and every field its attribute.
///
/// - As a parameter, T is sent as `Name` (its OID and attributes are looked up once per
///   connection); each field's C++ type must send the attribute's type (or a domain over it).
/// - As a result column it reads `Name`, any other composite type with the same attribute names
///   (a table's row type), and an anonymous `record` (`ROW(...)`), whose attributes have no names
///   and map by position.
/// - Arrays (`std::vector<T>`) and composites nested in composites work the same way.
/// - Binary, in `record_send`'s form: the number of attributes, then each attribute's type OID,
///   its length as an int4 (-1 for NULL) and its binary form.
/// A struct with a composite adapter is one column as a row type: `query<address>("SELECT addr ...")`.
template <class T, sql_name Name>
struct composite_type {
    static_assert(std::is_aggregate_v<T> && std::is_class_v<T>, "typq::composite_type<T, Name>: T must be an aggregate struct");

    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = Name.view();
    static constexpr bool lookup_oid = true;
    /// @}
    /// The number of T's fields, which is the number of attributes the composite type must have.
    static constexpr std::size_t field_count = detail::reflected_fields<T>::size;

    /// `Name`, a composite type whose attributes are T's fields (by name, each readable by its
    /// field), or `record`.
    static bool accepts(oid column, const server_types& types)
    {
        if (column == oid::record) {
            // An anonymous record's attribute types show only in its values, which are decoded
            // without asking the server: look up the server-defined types of T's fields now.
            look_up_field_types(types);
            return true;
        }
        const type_info* info = types.find(column);
        if (!info || info->kind != type_kind::composite || info->attributes.size() != field_count)
            return false;
        for (const type_attribute& attribute : info->attributes) {
            const std::size_t field = detail::composite_field_index<T>(attribute.name);
            if (field == detail::no_field || !detail::composite_field_accepts<T>(field, attribute.type, types))
                return false;
        }
        return true;  // as many attributes as fields, each naming a field: every field is covered
    }

    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void encode(const T& value, writer& out)
    {
        const type_info& info = out.types().get(sql_type);
        if (info.kind != type_kind::composite)
            detail::throw_composite_encode_error(sql_type, "the server's type \"" + info.name + "\" is not a composite type");
        for (const std::string_view field : detail::field_names<T>) {
            bool found = false;
            for (const type_attribute& attribute : info.attributes)
                found = found || attribute.name == field;
            if (!found)
                detail::throw_composite_encode_error(sql_type, "field \"" + std::string(field) + "\" of "
                        + detail::type_name<T>() + " is not an attribute of " + info.name);
        }
        out.put_be(static_cast<std::int32_t>(info.attributes.size()));
        for (std::size_t a = 0; a < info.attributes.size(); ++a) {
            const type_attribute& attribute = info.attributes[a];
            const std::size_t index = detail::composite_field_index<T>(attribute.name);
            if (index == detail::no_field)
                detail::throw_composite_encode_error(sql_type, "attribute \"" + attribute.name + "\" of " + info.name
                        + " has no field in " + detail::type_name<T>());
            out.put_be(static_cast<std::uint32_t>(attribute.type));
            detail::with_composite_field(value, index, [&](const auto& field) {
                encode_attribute(field, attribute, out);
            });
        }
    }

    static void decode(value_view in, T& out)
    {
        detail::composite_reader reader(in);
        const type_info* info = in.type() == oid::record ? nullptr : in.types().find(in.type());
        if (in.type() != oid::record && (!info || info->kind != type_kind::composite))
            in.fail("the composite type of this value is unknown");
        if (reader.count() != field_count)
            in.fail("composite value has " + std::to_string(reader.count()) + " attributes, "
                + detail::type_name<T>() + " has " + std::to_string(field_count) + " fields");
        if (info && info->attributes.size() != field_count)
            in.fail("composite type " + info->name + " has " + std::to_string(info->attributes.size())
                + " attributes, " + detail::type_name<T>() + " has " + std::to_string(field_count) + " fields");
        for (std::size_t a = 0; a < field_count; ++a) {
            // In order by name when the names match; a record's attributes have none: by position.
            std::size_t index = a;
            if (info && detail::field_names<T>[a] != info->attributes[a].name) {
                index = detail::composite_field_index<T>(info->attributes[a].name);
                if (index == detail::no_field)
                    in.fail("attribute \"" + info->attributes[a].name + "\" of " + info->name + " has no field in "
                        + detail::type_name<T>());
            }
            oid type = oid::unspecified;
            value_view value(nullptr, 0, oid::unspecified);
            const bool present = reader.next(a, type, value);
            detail::with_composite_field(out, index, [&](auto& field) {
                decode_attribute(in, present, type, value, index, field);
            });
        }
        reader.finish();
    }
    /// @}

private:
    static void look_up_field_types(const server_types& types)
    {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (look_up_type<std::remove_cv_t<typename detail::reflected_fields<T>::template field_type<I>>>(types), ...);
        }(std::make_index_sequence<field_count>{});
    }

    template <class F>
    static void look_up_type(const server_types& types)
    {
        if constexpr (looked_up<F>)
            (void)types.find(typq::type<F>::sql_type);
    }

    template <class F>
    static void encode_attribute(const F& field, const type_attribute& attribute, writer& out)
    {
        const oid wire = detail::element_oid_of<F>(out.types());
        if (!detail::composite_wire_fits(wire, attribute.type, out.types()))
            detail::throw_composite_encode_error(sql_type, "field \"" + attribute.name + "\" (" + detail::type_name<F>()
                    + ") sends " + detail::describe_sql_type(wire) + ", but attribute \"" + attribute.name + "\" is "
                    + detail::describe_sql_type(attribute.type, &out.types()));
        try {
            out.put_value(field);
        }
        catch (const conversion_error& e) {
            detail::throw_composite_encode_error(sql_type, "field \"" + attribute.name + "\": " + e.what());
        }
    }

    template <class F>
    static void decode_attribute(value_view in, bool present, oid type, value_view value, std::size_t index, F& field)
    {
        const std::string name(detail::field_names<T>[index]);
        if (!present) {
            if constexpr (detail::receives_null<F>)
                typq::type<F>::set_null(field);
            else
                in.fail("attribute \"" + name + "\" is NULL, but field \"" + name + "\" (" + detail::type_name<F>()
                    + ") is not a std::optional");
            return;
        }
        if (!detail::accepts<F>(type, in.types()))
            in.fail("attribute \"" + name + "\" is " + detail::describe_sql_type(type, &in.types()) + ", which field \""
                + name + "\" (" + detail::type_name<F>() + ") cannot read");
        try {
            typq::type<F>::decode(value, field);
        }
        catch (const conversion_error& e) {
            throw conversion_error(std::string(e.what()) + " (attribute \"" + name + "\" of " + std::string(sql_type) + ")",
                conversion_site{e.column(), e.sql_type(), e.field(), e.cpp_type()});
        }
    }
};

}  // namespace typq

#endif  // TYPQ_TYPES_COMPOSITE_HPP
