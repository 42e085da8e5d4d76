// SPDX-License-Identifier: BSL-1.0
// typq/types/array.hpp: PostgreSQL arrays in binary (array_send / array_recv) of every type whose
// adapter declares `array_oid`: std::vector<T> and std::array<T, N>, nested for more dimensions,
// std::optional<T> elements for NULLs, and typq::array<T>, which keeps the dimensions' lower bounds.

#ifndef TYPQ_TYPES_ARRAY_HPP
#define TYPQ_TYPES_ARRAY_HPP

#include <typq/error.hpp>
#include <typq/type.hpp>
#include <typq/types/optional.hpp>
#include <typq/detail/sql_text.hpp>
#include <typq/detail/type_name.hpp>

#include <array>             // std::array adapter, fixed-size header fields
#include <concepts>          // std::same_as
#include <cstddef>           // std::byte, std::size_t
#include <cstdint>           // std::int32_t, std::uint64_t
#include <initializer_list>  // typq::array::at
#include <optional>          // std::optional elements
#include <string>            // messages, text forms
#include <string_view>       // sql_type
#include <type_traits>       // std::is_same_v
#include <utility>           // std::move
#include <vector>            // std::vector adapter, typq::array storage

namespace typq {

/// One dimension of a `typq::array`: how many elements it has and the subscript of its first one
/// (PostgreSQL's `array_length(a, d)` and `array_lower(a, d)`).
struct array_dimension {
    /// The number of elements along this dimension.
    std::int32_t length = 0;
    /// The subscript of the first of them (1 unless the array says otherwise).
    std::int32_t lower_bound = 1;

    /// Equal when the lengths and the lower bounds are.
    friend bool operator==(const array_dimension&, const array_dimension&) = default;
};

namespace detail {

// PostgreSQL's MAXDIM and MaxArraySize (utils/array.h): the most dimensions and elements an array has.
inline constexpr int array_max_dimensions = 6;
inline constexpr std::uint64_t array_max_elements = 0x3fffffffU / 8U;  // MaxAllocSize / sizeof(Datum)

/// A type that can be one element of an array: its adapter (or, for std::optional<U>, U's)
/// declares `array_oid`, or has its OID looked up on the server (which knows its array type too).
/// std::vector<std::byte> is one (bytea), std::vector<int> is not.
template <class T>
concept array_scalar = requires { type<nullable_base_t<T>>::array_oid; }
    || (looked_up<nullable_base_t<T>> && !requires { type<nullable_base_t<T>>::is_array_adapter; });

// The shape of a C++ array type: `rank` nested std::vector / std::array levels around a scalar.
template <class T>
struct array_shape {
    static constexpr bool valid = array_scalar<T>;
    static constexpr int rank = 0;
    using scalar = T;
};

template <class U>
    requires(!array_scalar<std::vector<U>>)
struct array_shape<std::vector<U>> {
    static constexpr bool valid = array_shape<U>::valid;
    static constexpr int rank = array_shape<U>::rank + 1;
    static constexpr bool resizable = true;
    static constexpr std::size_t extent = 0;
    using scalar = typename array_shape<U>::scalar;
    using value_type = U;
};

template <class U, std::size_t N>
    requires(!array_scalar<std::array<U, N>>)
struct array_shape<std::array<U, N>> {
    static constexpr bool valid = array_shape<U>::valid;
    static constexpr int rank = array_shape<U>::rank + 1;
    static constexpr bool resizable = false;
    static constexpr std::size_t extent = N;
    using scalar = typename array_shape<U>::scalar;
    using value_type = U;
};

/// What std::vector<T> and std::array<T, N> can hold to be a PostgreSQL array: a scalar, or
/// more vectors and std::arrays around one, at most 6 dimensions deep in all.
template <class T>
concept array_element = array_shape<T>::valid && array_shape<T>::rank < array_max_dimensions;

// "int4[]" from "int4", at compile time.
template <class Base>
struct array_sql_type {
    static constexpr std::string_view element = type<Base>::sql_type;
    static constexpr auto text = [] {
        std::array<char, element.size() + 2> out{};
        for (std::size_t i = 0; i < element.size(); ++i)
            out[i] = element[i];
        out[element.size()] = '[';
        out[element.size() + 1] = ']';
        return out;
    }();
    static constexpr std::string_view value{text.data(), text.size()};
};

/// The array's header, as array_send writes it: dimensions, element type, each dimension's length
/// and lower bound; then `count` elements from `offset`.
struct array_header {
    int dimensions = 0;
    oid element = oid::unspecified;
    std::array<std::int32_t, array_max_dimensions> lengths{};
    std::array<std::int32_t, array_max_dimensions> lower_bounds{};
    std::size_t count = 0;
    std::size_t offset = 0;
};

// `[2]`, or `[1][0]` in two dimensions: an element's C++ subscripts (0-based) from its
// row-major position.
inline std::string describe_array_position(std::size_t index, const array_header& header)
{
    std::array<std::size_t, array_max_dimensions> subscripts{};
    for (int d = header.dimensions; d-- > 0;) {
        const auto length = static_cast<std::size_t>(header.lengths[static_cast<std::size_t>(d)]);
        subscripts[static_cast<std::size_t>(d)] = length == 0 ? 0 : index % length;
        index = length == 0 ? 0 : index / length;
    }
    std::string text;
    for (int d = 0; d < header.dimensions || d == 0; ++d)
        text += "[" + std::to_string(subscripts[static_cast<std::size_t>(d)]) + "]";
    return text;
}

// An element adapter's error, rethrown with which element it was about.
[[noreturn]] inline void rethrow_for_array_element(const conversion_error& e, std::size_t index, const array_header& header)
{
    throw conversion_error(std::string(e.what()) + " (array element " + describe_array_position(index, header) + ")",
        conversion_site{e.column(), e.sql_type(), e.field(), e.cpp_type()});
}

inline std::int32_t read_array_int32(value_view in, std::size_t offset)
{
    return in.subview(offset, 4, in.type()).read_be<std::int32_t>();
}

/// Reads and checks the header (array_recv): 0 to 6 dimensions, a has-null flag of 0 or 1, no
/// negative length, no upper bound past int4, at most MaxArraySize elements, and no more
/// elements than the bytes left could hold (each takes at least its 4-byte length), so that
/// nothing is allocated for a count the value cannot back.
inline array_header read_array_header(value_view in)
{
    array_header header;
    if (in.size() < 12)
        in.fail("array is " + std::to_string(in.size()) + " bytes, too short for its 12-byte header");
    const std::int32_t dimensions = read_array_int32(in, 0);
    if (dimensions < 0 || dimensions > array_max_dimensions)
        in.fail("array has " + std::to_string(dimensions) + " dimensions, expected 0 to "
            + std::to_string(array_max_dimensions));
    const std::int32_t flags = read_array_int32(in, 4);
    if (flags != 0 && flags != 1)
        in.fail("array has-null flag is " + std::to_string(flags) + ", expected 0 or 1");
    header.element = static_cast<oid>(in.subview(8, 4, in.type()).read_be<std::uint32_t>());
    header.dimensions = dimensions;
    header.offset = 12 + 8 * static_cast<std::size_t>(dimensions);
    if (in.size() < header.offset)
        in.fail("array is " + std::to_string(in.size()) + " bytes, too short for the header of "
            + std::to_string(dimensions) + " dimensions (" + std::to_string(header.offset) + " bytes)");

    std::uint64_t count = dimensions == 0 ? 0 : 1;
    for (std::size_t d = 0; d < static_cast<std::size_t>(dimensions); ++d) {
        const std::int32_t length = read_array_int32(in, 12 + 8 * d);
        const std::int32_t lower_bound = read_array_int32(in, 16 + 8 * d);
        const std::string which = "array dimension " + std::to_string(d + 1);
        if (length < 0)
            in.fail(which + " has length " + std::to_string(length));
        if (static_cast<std::int64_t>(lower_bound) + length - 1 > INT32_MAX)
            in.fail(which + " has lower bound " + std::to_string(lower_bound) + " and length "
                + std::to_string(length) + ": its upper bound is past int4");
        // count <= MaxArraySize < 2^27 and length < 2^31 here: the product fits in 64 bits.
        count *= static_cast<std::uint64_t>(length);
        if (count > array_max_elements)
            in.fail("array has more than " + std::to_string(array_max_elements) + " elements, PostgreSQL's limit");
        header.lengths[d] = length;
        header.lower_bounds[d] = lower_bound;
    }
    if (count > (in.size() - header.offset) / 4)
        in.fail("array has " + std::to_string(count) + " elements but only " + std::to_string(in.size() - header.offset)
            + " bytes for them");
    header.count = static_cast<std::size_t>(count);
    // A dimension of length 0 makes the empty array, whatever the others say (array_recv reads
    // it as '{}'): keeping them would make empty nested vectors of those lengths.
    if (count == 0)
        header.dimensions = 0;
    return header;
}

/// Walks the elements after the header, one length-prefixed value (or NULL) at a time.
class array_reader {
public:
    array_reader(value_view in, const array_header& header) noexcept
        : in_(in), header_(&header), offset_(header.offset)
    {
    }

    /// The next element's bytes, typed as the header's element type; false for NULL.
    bool next(value_view& element)
    {
        index_ = next_index_++;
        if (in_.size() - offset_ < 4)
            fail("is missing: the array ends at byte " + std::to_string(in_.size()));
        const std::int32_t length = read_array_int32(in_, offset_);
        offset_ += 4;
        if (length == -1)
            return false;
        if (length < 0)
            fail("has length " + std::to_string(length));
        if (static_cast<std::size_t>(length) > in_.size() - offset_)
            fail("is " + std::to_string(length) + " bytes, past the end of the array (" + std::to_string(in_.size() - offset_)
                + " bytes left)");
        element = in_.subview(offset_, static_cast<std::size_t>(length), header_->element);
        offset_ += static_cast<std::size_t>(length);
        return true;
    }

    [[noreturn]] void fail(std::string_view what) const
    {
        in_.fail("array element " + describe_array_position(index_, *header_) + " " + std::string(what));
    }

    [[noreturn]] void rethrow(const conversion_error& e) const { rethrow_for_array_element(e, index_, *header_); }

    /// After the last element: nothing may follow it.
    void finish() const
    {
        if (offset_ != in_.size())
            in_.fail("array has " + std::to_string(in_.size() - offset_) + " bytes after its last element");
    }

private:
    value_view in_;
    const array_header* header_;
    std::size_t offset_;
    std::size_t index_ = 0;
    std::size_t next_index_ = 0;
};

template <class Scalar>
void decode_array_element(array_reader& reader, Scalar& out)
{
    value_view element(nullptr, 0, oid::unspecified);
    if (!reader.next(element)) {
        if constexpr (receives_null<Scalar>) {
            type<Scalar>::set_null(out);
            return;
        }
        else
            reader.fail("is NULL, but " + type_name<Scalar>() + " cannot hold NULL (use std::optional<"
                + type_name<Scalar>() + ">)");
    }
    try {
        type<Scalar>::decode(element, out);
    }
    catch (const conversion_error& e) {
        reader.rethrow(e);
    }
}

// std::vector<bool> hands out proxies: decode into a bool, then store it.
template <class Scalar, class Container>
void decode_array_element_at(array_reader& reader, Container& out, std::size_t i)
{
    if constexpr (std::is_same_v<Container, std::vector<bool>>) {
        bool value = false;
        decode_array_element(reader, value);
        out[i] = value;
    }
    else
        decode_array_element<Scalar>(reader, out[i]);
}

// Checks that Scalar reads the header's element type, then replaces a domain element type by
// its base type, whose binary form the elements have.
template <class Scalar>
void check_array_element_type(value_view in, array_header& header)
{
    using base = nullable_base_t<Scalar>;
    if (!accepts<base>(header.element, in.types()))
        in.fail("array elements are " + describe_sql_type(header.element, &in.types()) + ", which " + type_name<Scalar>()
            + " cannot read");
    header.element = in.types().strip_domains(header.element);
}

// The first dimension (from `level`) whose length a std::array level cannot take (level -1: none).
struct array_extent_mismatch_at {
    int level = -1;
    std::size_t extent = 0;
};

template <class C>
array_extent_mismatch_at array_extent_mismatch(const array_header& header, int level)
{
    using shape = array_shape<C>;
    if constexpr (!shape::resizable) {
        if (static_cast<std::size_t>(header.lengths[static_cast<std::size_t>(level)]) != shape::extent)
            return {level, shape::extent};
    }
    if constexpr (array_shape<typename shape::value_type>::rank > 0)
        return array_extent_mismatch<typename shape::value_type>(header, level + 1);
    else
        return {};
}

template <class C>
void fill_array(C& out, const array_header& header, int level, array_reader& reader)
{
    using shape = array_shape<C>;
    using value_type = typename shape::value_type;
    const auto length = static_cast<std::size_t>(header.lengths[static_cast<std::size_t>(level)]);
    if constexpr (shape::resizable) {
        out.clear();
        out.resize(length);
    }
    for (std::size_t i = 0; i < length; ++i) {
        if constexpr (array_shape<value_type>::rank > 0)
            fill_array(out[i], header, level + 1, reader);
        else
            decode_array_element_at<value_type>(reader, out, i);
    }
}

/// Decodes into nested std::vector / std::array levels: the array must have as many dimensions
/// (or none: the empty array), and each std::array level exactly its extent. Lower bounds are
/// not kept.
template <class C>
void decode_nested_array(value_view in, C& out)
{
    using shape = array_shape<C>;
    array_header header = read_array_header(in);
    check_array_element_type<typename shape::scalar>(in, header);
    array_reader reader(in, header);
    if (header.dimensions == 0) {
        reader.finish();
        if constexpr (shape::resizable)
            out.clear();
        else if constexpr (shape::extent != 0)
            in.fail("array is empty, but " + type_name<C>() + " takes " + std::to_string(shape::extent) + " elements");
        return;
    }
    if (header.dimensions != shape::rank)
        in.fail("array has " + std::to_string(header.dimensions) + " dimension(s), but " + type_name<C>() + " has "
            + std::to_string(shape::rank));
    if (const auto mismatch = array_extent_mismatch<C>(header, 0); mismatch.level >= 0)
        in.fail("array dimension " + std::to_string(mismatch.level + 1) + " has length "
            + std::to_string(header.lengths[static_cast<std::size_t>(mismatch.level)]) + ", but " + type_name<C>()
            + " takes " + std::to_string(mismatch.extent) + " there");
    fill_array(out, header, 0, reader);
    reader.finish();
}

/// Writes array_send's header: `dimensions` lengths with their lower bounds (none for the empty array).
inline void write_array_header(writer& out, const array_header& header, bool has_null)
{
    out.put_be(static_cast<std::int32_t>(header.dimensions));
    out.put_be(static_cast<std::int32_t>(has_null ? 1 : 0));
    out.put_be(static_cast<std::uint32_t>(header.element));
    for (std::size_t d = 0; d < static_cast<std::size_t>(header.dimensions); ++d) {
        out.put_be(header.lengths[d]);
        out.put_be(header.lower_bounds[d]);
    }
}

[[noreturn]] inline void throw_array_encode_error(std::string_view sql_type, const std::string& reason)
{
    throw conversion_error("cannot encode " + std::string(sql_type) + ": " + reason,
        conversion_site{{}, std::string(sql_type), {}, {}});
}

/// The element type written in an array's header, when it is known at compile time:
/// `element_oid` when the element's adapter declares one, else its `param_oid`; unspecified for
/// a type looked up on the server (element_oid_of gives it at run time).
template <class Base>
consteval oid array_element_oid()
{
    if constexpr (requires { type<Base>::element_oid; })
        return type<Base>::element_oid;
    else if constexpr (looked_up<Base>)
        return oid::unspecified;
    else
        return type<Base>::param_oid;
}

/// Appends one element, framed (its length first, -1 for NULL).
template <class Scalar>
void encode_array_element(const Scalar& value, writer& out, std::size_t index, const array_header& header)
{
    try {
        out.put_value(value);
    }
    catch (const conversion_error& e) {
        rethrow_for_array_element(e, index, header);
    }
}

// Each level's length, from the first element at each level (0 below an empty level).
template <class C>
void measure_array(const C& value, std::array<std::size_t, array_max_dimensions>& lengths, std::size_t level)
{
    lengths[level] = value.size();
    if constexpr (array_shape<typename array_shape<C>::value_type>::rank > 0) {
        if (!value.empty())
            measure_array(*value.begin(), lengths, level + 1);
    }
}

// Every container at `level` has lengths[level] elements; else the first that does not is named.
template <class C>
void check_rectangular(const C& value, const std::array<std::size_t, array_max_dimensions>& lengths, std::size_t level,
    std::array<std::size_t, array_max_dimensions>& path, std::string_view sql_type)
{
    using value_type = typename array_shape<C>::value_type;
    if (value.size() != lengths[level]) {
        std::string where;
        std::string first;
        for (std::size_t d = 0; d < level; ++d) {
            where += "[" + std::to_string(path[d]) + "]";
            first += "[0]";
        }
        throw_array_encode_error(sql_type, "the nested containers are not rectangular: element " + where + " has "
                + std::to_string(value.size()) + " elements, but element " + first + " has "
                + std::to_string(lengths[level]));
    }
    if constexpr (array_shape<value_type>::rank > 0) {
        if constexpr (array_shape<value_type>::resizable || array_shape<value_type>::rank > 1) {
            std::size_t i = 0;
            for (const auto& inner : value) {
                path[level] = i++;
                check_rectangular(inner, lengths, level + 1, path, sql_type);
            }
        }
    }
}

// Calls f(element) on every scalar, in row-major order.
template <class C, class F>
void for_each_array_scalar(const C& value, F& f)
{
    using value_type = typename array_shape<C>::value_type;
    for (const auto& inner : value) {
        if constexpr (array_shape<value_type>::rank > 0)
            for_each_array_scalar(inner, f);
        else
            f(static_cast<const value_type&>(inner));
    }
}

template <class Scalar, class Elements>
bool array_has_null(const Elements& elements)
{
    bool has_null = false;
    if constexpr (sends_null<Scalar>) {
        auto check = [&](const Scalar& value) { has_null = has_null || type<Scalar>::is_null(value); };
        for_each_array_scalar(elements, check);
    }
    return has_null;
}

/// Encodes nested std::vector / std::array levels: rectangular (checked), lower bounds 1; an
/// array with no elements is sent as the empty array (no dimensions), as array_send does.
template <class C>
void encode_nested_array(const C& value, writer& out)
{
    using shape = array_shape<C>;
    using scalar = typename shape::scalar;
    using base = nullable_base_t<scalar>;
    constexpr std::string_view sql_type = array_sql_type<base>::value;

    std::array<std::size_t, array_max_dimensions> lengths{};
    measure_array(value, lengths, 0);
    std::array<std::size_t, array_max_dimensions> path{};
    check_rectangular(value, lengths, 0, path, sql_type);

    array_header header;
    header.element = element_oid_of<base>(out.types());
    std::size_t count = 1;
    for (std::size_t d = 0; d < static_cast<std::size_t>(shape::rank); ++d) {
        if (lengths[d] > static_cast<std::size_t>(INT32_MAX))
            throw_array_encode_error(sql_type, "array dimension " + std::to_string(d + 1) + " has "
                    + std::to_string(lengths[d]) + " elements, more than int4 can count");
        header.lengths[d] = static_cast<std::int32_t>(lengths[d]);
        header.lower_bounds[d] = 1;
        count *= lengths[d];
    }
    header.dimensions = count == 0 ? 0 : shape::rank;
    write_array_header(out, header, array_has_null<scalar>(value));
    if (count == 0)
        return;

    std::size_t index = 0;
    auto put = [&](const scalar& element) { encode_array_element<scalar>(element, out, index++, header); };
    for_each_array_scalar(value, put);
}

// One element in an array's text form: NULL, or its text form, quoted as array_out quotes.
template <class Scalar>
void append_array_scalar_text(const Scalar& value, std::string& out)
{
    using base = nullable_base_t<Scalar>;
    std::string text;
    if constexpr (std::same_as<Scalar, base>)
        type<base>::encode_text(value, text);
    else if (!value) {
        out += "NULL";
        return;
    }
    else
        type<base>::encode_text(*value, text);
    append_array_element(out, text);
}

// One level of nested containers as array_in reads it: `{a,b}`, `{{1,2},{3,4}}`.
template <class C>
void append_array_level_text(const C& value, std::string& out)
{
    using value_type = typename array_shape<C>::value_type;
    out += '{';
    bool first = true;
    for (const auto& inner : value) {
        if (!first)
            out += ',';
        first = false;
        if constexpr (array_shape<value_type>::rank > 0)
            append_array_level_text(inner, out);
        else
            append_array_scalar_text<value_type>(static_cast<const value_type&>(inner), out);
    }
    out += '}';
}

/// Nested std::vector / std::array levels in array_in's text form; rectangular (checked), and
/// `{}` when there are no elements, as for the binary form.
template <class C>
void encode_nested_array_text(const C& value, std::string& out)
{
    using base = nullable_base_t<typename array_shape<C>::scalar>;
    constexpr std::string_view sql_type = array_sql_type<base>::value;
    std::array<std::size_t, array_max_dimensions> lengths{};
    measure_array(value, lengths, 0);
    std::array<std::size_t, array_max_dimensions> path{};
    check_rectangular(value, lengths, 0, path, sql_type);
    std::size_t count = 1;
    for (std::size_t d = 0; d < static_cast<std::size_t>(array_shape<C>::rank); ++d)
        count *= lengths[d];
    if (count == 0)
        out += "{}";
    else
        append_array_level_text(value, out);
}

// The parts of an array adapter that exist when the element can be sent / read.
template <class C, class Scalar>
struct array_encoding {};

template <class C, class Scalar>
    requires encodable<Scalar>
struct array_encoding<C, Scalar> {
    static_assert(array_element_oid<nullable_base_t<Scalar>>() != oid::unspecified || looked_up<nullable_base_t<Scalar>>,
        "typq: an array element needs a known type OID: declare element_oid (or param_oid) in its typq::type");
    static_assert(param_format_of<nullable_base_t<Scalar>>() == format::binary
            || requires { type<nullable_base_t<Scalar>>::element_oid; },
        "typq: an element sent as text can be an array element only if its typq::type declares element_oid "
        "(its text is then the binary form of that type, as for text)");

    static constexpr oid param_oid = type<nullable_base_t<Scalar>>::array_oid;
};

// An array of a type looked up on the server is looked up too, by its name ("mood[]").
template <class C, class Scalar>
    requires encodable<Scalar> && looked_up<nullable_base_t<Scalar>>
struct array_encoding<C, Scalar> {
    static constexpr bool lookup_oid = true;
};

template <class C, class Scalar>
struct array_decoding {};

template <class C, class Scalar>
    requires decodable<Scalar>
struct array_decoding<C, Scalar> {
    /// The element adapter's array type, or an array of any element type it reads (an int4[]
    /// into std::vector<std::int64_t>; a server-defined array, such as an array of a domain, the
    /// server describes). Each value's header is checked again.
    static bool accepts(oid column, const server_types& types)
    {
        using base = nullable_base_t<Scalar>;
        if constexpr (!looked_up<base>) {
            if (column == type<base>::array_oid)
                return true;
        }
        oid element = array_element_type(column);
        if (element == oid::unspecified) {
            const type_info* info = types.find(column);
            if (!info)
                return false;
            element = info->element;
        }
        return element != oid::unspecified && detail::accepts<base>(element, types);
    }
};

template <class Scalar>
struct array_adapter_base {
    // An array of a looked-up type is looked up too, but is not itself an element type.
    static constexpr bool is_array_adapter = true;
    // What an element is read as (std::optional removed): for the compile-time schema check.
    using element_type = nullable_base_t<Scalar>;
    static constexpr std::string_view sql_type = array_sql_type<nullable_base_t<Scalar>>::value;
    static constexpr bool borrows = detail::borrows<Scalar>();
};

/// The adapter of nested std::vector / std::array levels `C` around the element type `Scalar`.
/// (Scalar is given rather than read from array_shape<C>: whether array_shape<C> is a level asks
/// whether type<C> declares array_oid, which instantiates this class.)
template <class C, class Scalar>
struct nested_array_adapter : array_adapter_base<Scalar>, array_encoding<C, Scalar>, array_decoding<C, Scalar> {
    static void encode(const C& value, writer& out)
        requires encodable<Scalar>
    {
        encode_nested_array(value, out);
    }
    static void encode_text(const C& value, std::string& out)
        requires text_encodable<nullable_base_t<Scalar>>
    {
        encode_nested_array_text(value, out);
    }
    static void decode(value_view in, C& out)
        requires decodable<Scalar>
    {
        decode_nested_array(in, out);
    }
};

}  // namespace detail

/// A PostgreSQL array as PostgreSQL keeps it: its elements in row-major order, and each
/// dimension's length and lower bound (``'[0:2]={1,2,3}'`` has one dimension {3, 0}). For arrays
/// whose subscripts matter; std::vector<T> reads the same arrays without them. `T` is an element
/// type (its typq::type declares `array_oid`), or a std::optional of one for NULLs.
///
/// An array with no elements has no dimensions, as in PostgreSQL (the constructors drop them).
/// @throws typq::usage_error from the constructors when the dimensions do not describe the
///         elements: more than 6, a negative length, an upper bound past int4, or a product of the
///         lengths that is not the number of elements.
template <class T>
class array {
    static_assert(detail::array_scalar<T>,
        "typq::array<T>: T must be an array element type (its typq::type declares array_oid) or a std::optional of one; "
        "the dimensions are given to the constructor, not nested in T");

public:
    /// The element type, T.
    using value_type = T;
    /// std::size_t.
    using size_type = std::size_t;
    /// A reference to an element.
    using reference = typename std::vector<T>::reference;
    /// A reference to a const element.
    using const_reference = typename std::vector<T>::const_reference;
    /// An iterator over the elements in row-major order.
    using iterator = typename std::vector<T>::iterator;
    /// A const iterator over the elements in row-major order.
    using const_iterator = typename std::vector<T>::const_iterator;

    /// The empty array.
    array() = default;

    /// A one-dimensional array whose first subscript is `lower_bound`.
    explicit array(std::vector<T> elements, std::int32_t lower_bound = 1) : elements_(std::move(elements))
    {
        if (elements_.empty())
            return;
        if (elements_.size() > static_cast<std::size_t>(INT32_MAX))
            throw usage_error("typq::array: " + std::to_string(elements_.size()) + " elements, more than int4 can count");
        dimensions_.push_back({static_cast<std::int32_t>(elements_.size()), lower_bound});
        check();
    }

    /// `elements` in row-major order (the last dimension varies fastest) over `dimensions`.
    array(std::vector<T> elements, std::vector<array_dimension> dimensions)
        : elements_(std::move(elements)), dimensions_(std::move(dimensions))
    {
        check();
    }

    /// Each dimension's length and lower bound, outermost first; none for the empty array.
    [[nodiscard]] const std::vector<array_dimension>& dimensions() const noexcept { return dimensions_; }
    /// The number of dimensions (PostgreSQL's `array_ndims`, but 0 rather than NULL when empty).
    [[nodiscard]] std::size_t ndims() const noexcept { return dimensions_.size(); }
    /// Every element, in row-major order.
    [[nodiscard]] const std::vector<T>& elements() const noexcept { return elements_; }

    /// The number of elements, in all dimensions.
    [[nodiscard]] std::size_t size() const noexcept { return elements_.size(); }
    /// True when there are no elements (and so no dimensions).
    [[nodiscard]] bool empty() const noexcept { return elements_.empty(); }
    /// The element at row-major position `index` (0-based, whatever the lower bounds); `index`
    /// must be below size().
    [[nodiscard]] const_reference operator[](std::size_t index) const { return elements_[index]; }
    /// The element at row-major position `index`, to change it; `index` must be below size().
    [[nodiscard]] reference operator[](std::size_t index) { return elements_[index]; }

    /// The element at PostgreSQL's subscripts, one per dimension, counted from each lower bound
    /// (`a[0]` of ``'[0:2]={1,2,3}'`` is `at({0})`).
    /// @throws typq::usage_error for the wrong number of subscripts or one out of bounds.
    [[nodiscard]] const_reference at(std::initializer_list<std::int32_t> subscripts) const
    {
        if (subscripts.size() != dimensions_.size())
            throw usage_error("typq::array::at: " + std::to_string(subscripts.size()) + " subscript(s) for an array of "
                + std::to_string(dimensions_.size()) + " dimension(s)");
        std::size_t index = 0;
        std::size_t d = 0;
        for (const std::int32_t subscript : subscripts) {
            const array_dimension& dimension = dimensions_[d++];
            const std::int64_t offset = static_cast<std::int64_t>(subscript) - dimension.lower_bound;
            if (offset < 0 || offset >= dimension.length)
                throw usage_error("typq::array::at: subscript " + std::to_string(subscript) + " is outside dimension "
                    + std::to_string(d) + " [" + std::to_string(dimension.lower_bound) + ":"
                    + std::to_string(static_cast<std::int64_t>(dimension.lower_bound) + dimension.length - 1) + "]");
            index = index * static_cast<std::size_t>(dimension.length) + static_cast<std::size_t>(offset);
        }
        return elements_[index];
    }

    /// The first element in row-major order.
    [[nodiscard]] const_iterator begin() const noexcept { return elements_.begin(); }
    /// Past the last element.
    [[nodiscard]] const_iterator end() const noexcept { return elements_.end(); }
    /// The first element in row-major order, to change the elements.
    [[nodiscard]] iterator begin() noexcept { return elements_.begin(); }
    /// Past the last element.
    [[nodiscard]] iterator end() noexcept { return elements_.end(); }

    /// Equal when the elements and the dimensions (lengths and lower bounds) are.
    friend bool operator==(const array&, const array&) = default;

private:
    void check()
    {
        if (dimensions_.size() > static_cast<std::size_t>(detail::array_max_dimensions))
            throw usage_error("typq::array: " + std::to_string(dimensions_.size()) + " dimensions, PostgreSQL allows "
                + std::to_string(detail::array_max_dimensions));
        std::uint64_t count = dimensions_.empty() ? 0 : 1;
        for (std::size_t d = 0; d < dimensions_.size(); ++d) {
            const array_dimension& dimension = dimensions_[d];
            if (dimension.length < 0)
                throw usage_error("typq::array: dimension " + std::to_string(d + 1) + " has length "
                    + std::to_string(dimension.length));
            if (static_cast<std::int64_t>(dimension.lower_bound) + dimension.length - 1 > INT32_MAX)
                throw usage_error("typq::array: dimension " + std::to_string(d + 1) + "'s upper bound is past int4");
            // Stop growing once past the elements: the product cannot overflow.
            if (count <= elements_.size())
                count *= static_cast<std::uint64_t>(dimension.length);
            else if (dimension.length == 0)
                count = 0;
        }
        if (count != elements_.size())
            throw usage_error("typq::array: the dimensions hold " + std::to_string(count) + " elements, but "
                + std::to_string(elements_.size()) + " were given");
        if (elements_.empty())
            dimensions_.clear();
    }

    std::vector<T> elements_;
    std::vector<array_dimension> dimensions_;
};

namespace detail {

template <class T>
void encode_typq_array(const typq::array<T>& value, writer& out)
{
    using base = nullable_base_t<T>;
    array_header header;
    header.element = element_oid_of<base>(out.types());
    header.dimensions = static_cast<int>(value.ndims());
    for (std::size_t d = 0; d < value.ndims(); ++d) {
        header.lengths[d] = value.dimensions()[d].length;
        header.lower_bounds[d] = value.dimensions()[d].lower_bound;
    }
    bool has_null = false;
    if constexpr (sends_null<T>) {
        for (const auto& element : value.elements())
            has_null = has_null || type<T>::is_null(element);
    }
    write_array_header(out, header, has_null);
    std::size_t index = 0;
    for (const auto& element : value.elements())
        encode_array_element<T>(element, out, index++, header);
}

// typq::array<T> in array_in's text form, with its bounds first (`[0:2]={1,2,3}`) unless every
// lower bound is 1.
template <class T>
void encode_typq_array_text(const typq::array<T>& value, std::string& out)
{
    if (value.empty()) {
        out += "{}";
        return;
    }
    bool default_bounds = true;
    for (const array_dimension& dimension : value.dimensions())
        default_bounds = default_bounds && dimension.lower_bound == 1;
    if (!default_bounds) {
        for (const array_dimension& dimension : value.dimensions()) {
            out += '[';
            out += std::to_string(dimension.lower_bound);
            out += ':';
            out += std::to_string(static_cast<std::int64_t>(dimension.lower_bound) + dimension.length - 1);
            out += ']';
        }
        out += '=';
    }
    std::size_t next = 0;
    const auto level = [&](const auto& self, std::size_t d) -> void {
        out += '{';
        for (std::int32_t i = 0; i < value.dimensions()[d].length; ++i) {
            if (i > 0)
                out += ',';
            if (d + 1 < value.ndims())
                self(self, d + 1);
            else
                append_array_scalar_text<T>(value.elements()[next++], out);
        }
        out += '}';
    };
    level(level, 0);
}

template <class T>
void decode_typq_array(value_view in, typq::array<T>& out)
{
    array_header header = read_array_header(in);
    check_array_element_type<T>(in, header);
    std::vector<array_dimension> dimensions;
    for (std::size_t d = 0; d < static_cast<std::size_t>(header.dimensions); ++d)
        dimensions.push_back({header.lengths[d], header.lower_bounds[d]});
    std::vector<T> elements(header.count);
    array_reader reader(in, header);
    for (std::size_t i = 0; i < header.count; ++i)
        decode_array_element_at<T>(reader, elements, i);
    reader.finish();
    out = typq::array<T>(std::move(elements), std::move(dimensions));
}

template <class T>
struct typq_array_adapter : array_adapter_base<T>, array_encoding<typq::array<T>, T>, array_decoding<typq::array<T>, T> {
    static void encode(const typq::array<T>& value, writer& out)
        requires encodable<T>
    {
        encode_typq_array(value, out);
    }
    static void encode_text(const typq::array<T>& value, std::string& out)
        requires text_encodable<nullable_base_t<T>>
    {
        encode_typq_array_text(value, out);
    }
    static void decode(value_view in, typq::array<T>& out)
        requires decodable<T>
    {
        decode_typq_array(in, out);
    }
};

}  // namespace detail

/// PostgreSQL arrays as std::vector: one dimension, or more with nested vectors (and std::arrays),
/// which must be rectangular; std::optional<T> elements for NULLs. Binary, in `array_send`'s form:
/// the number of dimensions, a has-NULLs flag, the element type's OID, each dimension's length and
/// lower bound, then each element as an int4 length (-1 for NULL) and its binary form. As a
/// parameter, the array type of T (its adapter's `array_oid`). Lower bounds are not kept
/// (``'[0:2]={1,2,3}'`` reads as {1, 2, 3}; use typq::array<T> to keep them) and are sent as 1.
/// std::vector<std::byte> is not an array: it is bytea (typq/types/bytea.hpp).
/// @throws typq::conversion_error when encoding ragged nested vectors; when decoding a NULL
///         element into a T that is not a std::optional, an array of another number of
///         dimensions, or malformed bytes.
template <class T>
    requires(!std::same_as<T, std::byte> && detail::array_element<T>)
struct type<std::vector<T>> : detail::nested_array_adapter<std::vector<T>, typename detail::array_shape<T>::scalar> {};

/// A PostgreSQL array of exactly N elements (per dimension, when nested), in the binary form
/// std::vector uses; any other length is a conversion_error when decoding.
template <class T, std::size_t N>
    requires detail::array_element<T>
struct type<std::array<T, N>> : detail::nested_array_adapter<std::array<T, N>, typename detail::array_shape<T>::scalar> {};

/// typq::array<T> as T's array type, with its dimensions and lower bounds, both ways, in the binary
/// form std::vector uses.
template <class T>
    requires detail::array_scalar<T>
struct type<array<T>> : detail::typq_array_adapter<T> {};

}  // namespace typq

#endif  // TYPQ_TYPES_ARRAY_HPP
