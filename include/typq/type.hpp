// SPDX-License-Identifier: BSL-1.0
// typq/type.hpp: the extension point typq::type<T>, the encodable/decodable concepts, and the
// two things an adapter works with: `writer` (encoding) and `value_view` (checked decoding).

#ifndef TYPQ_TYPE_HPP
#define TYPQ_TYPE_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/oid.hpp>
#include <typq/server_types.hpp>
#include <typq/detail/wire.hpp>

#include <array>        // value_view::read_bytes()
#include <cstdint>      // INT32_MAX: a framed value's length
#include <concepts>     // std::integral, std::same_as
#include <cstddef>      // std::byte, std::size_t
#include <span>         // value_view::bytes()
#include <cstring>      // std::memcpy: the writer's pieces
#include <optional>     // nullable_base: std::optional<U> is U or NULL
#include <string>       // the encode buffer, messages
#include <string_view>  // value_view::text(), type names
#include <utility>      // std::in_range

namespace typq {

/// How a parameter travels: PostgreSQL's text or binary format codes.
enum class format : int { text = 0, binary = 1 };

/// The adapter between C++ type `T` and PostgreSQL, chosen at compile time. Specialise it for your
/// own types (see examples/06_custom_type.cpp and STYLE.md section 4); typq's own adapters under
/// `typq/types/` are written the same way. Members, all static:
///
/// - `sql_type`: the SQL type's name, for messages (`"int8"`).
/// - `param_oid`: the OID sent with a parameter of this type (`oid::unspecified` lets the server infer it).
///   For a type whose OID only the server knows (an enum, a composite, an extension's type),
///   declare `static constexpr bool lookup_oid = true;` instead: the connection looks `sql_type` up
///   (`to_regtype`, so a schema may be named and the search_path applies) once, and caches it.
/// - `param_format` (optional, default `format::binary`): `format::text` sends the encoded bytes as text.
/// - `encode(const T&, writer&)`: appends the value's wire form.
/// - `accepts(oid) -> bool`: which result column types `decode` can read (checked once per result).
///   `accepts(oid, const server_types&)` instead, for an adapter that asks the server's catalog
///   (composites, arrays); a `lookup_oid` type without either reads columns of exactly its type.
///   A domain over a type an adapter reads is read too: typq removes domains first.
/// - `decode(value_view, T&)`: reads a non-NULL value; reads only through `value_view`'s checked readers.
/// - `borrows` (optional, default false): true when a decoded value points into the result
///   (`std::string_view`); such types cannot leave the result they came from.
/// - `array_oid` (optional): the OID of the SQL array of this type; present, `std::vector<T>` and
///   friends can be arrays of it. `element_oid` (optional, default `param_oid`): the element type
///   written inside a binary array, for types whose `param_oid` leaves the type to the server.
/// - `encode_text(const T&, std::string&)` (optional): appends the value's text form, what the
///   server's `*in` function for `sql_type` reads back as the same value (`2024-01-02` for a
///   date). typq::literal needs it (and arrays, ranges and hstore values of T, for theirs).
///
/// NULL never reaches `encode` or `decode`: `std::optional<T>` (typq/types/optional.hpp) owns it.
template <class T>
struct type;

namespace detail {

/// T, or for a std::optional<U> (U or NULL), U: the type whose adapter writes and reads the values
/// (an array's elements, a COPY field's values, a field the schema check looks at).
template <class T>
struct nullable_base {
    using type = T;
};
template <class T>
struct nullable_base<std::optional<T>> {
    using type = T;
};
template <class T>
using nullable_base_t = typename nullable_base<T>::type;

/// Instantiated, and so named by the compiler's error, when a C++ type has no typq::type<T>.
template <class T>
struct no_type_for;

template <class T>
concept has_type = requires { sizeof(type<T>); };

/// Where a decoded value comes from, for error messages; built once per result.
struct decode_site {
    std::string_view column;        // the column's name
    int column_index = -1;          // 0-based
    oid column_type = oid::unspecified;
    std::string_view field;         // the field's name, or empty for a tuple element or a scalar row
    int field_index = -1;           // 0-based position in the row type
    std::string (*field_type)() = nullptr;  // the field's C++ type
    std::string (*row_type)() = nullptr;    // the row type, or nullptr for a scalar row
};

/// "int4"; for a type only the server knows, its name when `types` knows it ("mood"), else
/// "type 16384".
TYPQ_DECL std::string describe_sql_type(oid type, const server_types* types = nullptr);

/// `column "age" (int4)`, or `column 2 (int4)` when the column has no name.
TYPQ_DECL std::string describe_column(std::string_view name, int index, oid type, const server_types* types = nullptr);

/// `field "age" (std::int32_t) of shop::person`, `element 2 (std::string) of std::tuple<...>`,
/// or just `std::int64_t` for a one-column scalar row.
TYPQ_DECL std::string describe_field(const decode_site& site);

TYPQ_DECL conversion_site make_conversion_site(const decode_site& site, const server_types* types = nullptr);

[[noreturn]] TYPQ_DECL void throw_decode_error(const decode_site* site, oid type, std::size_t row, std::string_view reason,
    const server_types* types);

}  // namespace detail

// Messages: compiled once under TYPQ_SEPARATE_COMPILATION.
#if TYPQ_DEFINITIONS
namespace detail {

TYPQ_DECL std::string describe_sql_type(oid type, const server_types* types)
{
    const std::string_view name = sql_type_name(type);
    if (!name.empty())
        return std::string(name);
    if (const type_info* info = types ? types->find(type) : nullptr)
        return info->name;
    return "type " + std::to_string(static_cast<std::uint32_t>(type));
}

TYPQ_DECL std::string describe_column(std::string_view name, int index, oid type, const server_types* types)
{
    std::string text = "column ";
    if (name.empty() || name == "?column?")
        text += std::to_string(index + 1);
    else {
        text += '"';
        text += name;
        text += '"';
    }
    return text + " (" + describe_sql_type(type, types) + ")";
}

TYPQ_DECL std::string describe_field(const decode_site& site)
{
    const std::string field_type = site.field_type ? site.field_type() : std::string("?");
    if (!site.row_type)
        return field_type;
    std::string text;
    if (!site.field.empty()) {
        text = "field \"";
        text += site.field;
        text += '"';
    }
    else
        text = "element " + std::to_string(site.field_index);
    return text + " (" + field_type + ") of " + site.row_type();
}

TYPQ_DECL conversion_site make_conversion_site(const decode_site& site, const server_types* types)
{
    return {std::string(site.column), site.column_index < 0 ? std::string() : describe_sql_type(site.column_type, types),
        std::string(site.field), site.field_type ? site.field_type() : std::string()};
}

[[noreturn]] TYPQ_DECL void throw_decode_error(const decode_site* site, oid type, std::size_t row, std::string_view reason,
    const server_types* types)
{
    if (!site)
        throw conversion_error("cannot decode a " + describe_sql_type(type, types) + " value: " + std::string(reason),
            conversion_site{{}, describe_sql_type(type, types), {}, {}});
    throw conversion_error("cannot read " + describe_column(site->column, site->column_index, site->column_type, types)
            + " into " + describe_field(*site) + " at row " + std::to_string(row) + ": " + std::string(reason),
        make_conversion_site(*site, types));
}

}  // namespace detail
#endif  // TYPQ_DEFINITIONS

/// Appends a parameter's wire form to the connection's reusable buffer.
class writer {
public:
    /// Appends to `out`, which holds exactly what was written at every moment; `types` (when
    /// encoding through a connection) resolves server-defined types.
    explicit writer(std::string& out, const server_types* types = nullptr) noexcept
        : out_(&out), types_(types), used_(out.size())
    {
    }

    /// For typq's own buffers, written in many small pieces (parameters, COPY rows): `out` is
    /// longer than what is written, whose length is `written` (set when the writer is destroyed),
    /// so that a piece is a store into room already there rather than a call of
    /// std::string::append. The owner keeps the room from writer to writer.
    writer(std::string& out, std::size_t& written, const server_types* types) noexcept
        : out_(&out), types_(types), used_(written), written_(&written)
    {
    }

    writer(const writer&) = delete;
    writer& operator=(const writer&) = delete;
    /// With the owner's count (the constructor for typq's own buffers): sets it to what was written.
    ~writer()
    {
        if (written_)
            *written_ = used_;
    }

    /// The server's types, for adapters of types only the server knows (enums, composites).
    [[nodiscard]] const server_types& types() const noexcept { return types_ ? *types_ : detail::no_server_types; }

    /// Appends the `size` bytes at `data` as they are.
    void put_bytes(const void* data, std::size_t size)
    {
        if (size != 0)
            std::memcpy(extend(size), data, size);
    }
    /// Appends the bytes of `text` as they are (no terminating NUL, no length).
    void put_text(std::string_view text) { put_bytes(text.data(), text.size()); }

    /// Appends `value` in network byte order (`int4send`, `float8send`, ...).
    template <detail::wire_scalar T>
    TYPQ_ALWAYS_INLINE void put_be(T value)
    {
        detail::store_be(extend(sizeof(T)), value);
    }

    /// Appends `value` framed as binary arrays, composites, ranges and COPY rows frame a value
    /// inside another: its byte count as an int4, then its bytes; for NULL (an empty
    /// std::optional, std::nullopt) the count -1 and nothing else. The value is encoded in
    /// place, after a count that is filled in once its size is known.
    /// @throws typq::conversion_error from T's adapter, or when the value is 2 GiB or larger.
    template <class T>
    void put_value(const T& value);

    /// Appends `value`'s bytes alone, unframed, and returns their count; for NULL, -1 and
    /// nothing. For a frame kept apart from the bytes: libpq takes parameters' lengths in an
    /// array of their own.
    /// @throws as put_value.
    template <class T>
    std::int32_t put_bare(const T& value);

    /// The bytes written so far: where the next value starts.
    [[nodiscard]] std::size_t size() const noexcept { return used_; }

private:
    // Room for `n` more bytes, counted as written: where to write them.
    TYPQ_ALWAYS_INLINE char* extend(std::size_t n)
    {
        if (out_->size() - used_ < n) [[unlikely]]
            grow(n);
        char* at = out_->data() + used_;
        used_ += n;
        return at;
    }
    // Makes the string at least `n` bytes longer than what is written; a writer with room takes
    // all that the allocation gave (the string's growth doubles it, so that is amortised).
    TYPQ_DECL void grow(std::size_t n);
    // Forgets what was written after `at`.
    void cut(std::size_t at) noexcept
    {
        used_ = at;
        if (!written_)
            out_->resize(at);
    }

    // put_value's and put_bare's one way to encode a value: T's adapter appends its bytes from
    // `at`, and what a failing adapter wrote is removed; the length is checked, and returned.
    template <class T>
    std::int32_t encode_from(const T& value, std::size_t at);
    [[noreturn]] TYPQ_DECL void value_too_large(std::size_t at, std::size_t size);

    std::string* out_;
    const server_types* types_;
    std::size_t used_;                 // bytes of *out_ written: its size, unless it has room
    std::size_t* written_ = nullptr;  // the owner's count of them, when it has room
};

#if TYPQ_DEFINITIONS
TYPQ_DECL void writer::grow(std::size_t n)
{
    out_->resize(used_ + n);
    if (written_)
        out_->resize(out_->capacity());
}

[[noreturn]] TYPQ_DECL void writer::value_too_large(std::size_t at, std::size_t size)
{
    cut(at);
    throw conversion_error("a value of " + std::to_string(size) + " bytes is more than an int4 length can count",
        conversion_site{});
}
#endif  // TYPQ_DEFINITIONS

/// One non-NULL value of a result column, as the server sent it. Every reader checks length and
/// range first and reports a problem through `fail`, which throws `typq::conversion_error` naming
/// the column, its SQL type, the field, its C++ type and the row.
class value_view {
public:
    /// The `size` bytes at `data`, a value of type `type`; it does not copy them, and they must
    /// outlive the view. The last three parameters are typq's own: where the value came from (for
    /// messages: the default names no column) and the server's types; a test of an adapter passes
    /// only the first three.
    constexpr value_view(const char* data, std::size_t size, oid type, const detail::decode_site* site = nullptr,
        std::size_t row = 0, const server_types* types = nullptr) noexcept
        : data_(data), size_(size), type_(type), site_(site), row_(row), types_(types)
    {
    }

    /// The number of bytes.
    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    /// The bytes, unchecked: valid while the result they belong to lives.
    [[nodiscard]] constexpr const char* data() const noexcept { return data_; }
    /// The column's type OID, as the server described it.
    [[nodiscard]] constexpr oid type() const noexcept { return type_; }
    /// The bytes as std::byte, unchecked: valid while the result they belong to lives.
    [[nodiscard]] std::span<const std::byte> bytes() const noexcept
    {
        return {reinterpret_cast<const std::byte*>(data_), size_};
    }
    /// The bytes as text (for types whose binary form is text), unchecked: valid while the result
    /// they belong to lives.
    [[nodiscard]] constexpr std::string_view text() const noexcept { return {data_, size_}; }
    /// What the connection learnt about server-defined types before these rows were decoded
    /// (nothing is looked up while decoding: an unknown type is just not found).
    [[nodiscard]] const server_types& types() const noexcept { return types_ ? *types_ : detail::no_server_types; }

    /// The value as exactly sizeof(T) big-endian bytes.
    template <detail::wire_scalar T>
    [[nodiscard]] T read_be() const
    {
        if (size_ != sizeof(T))
            fail_size(sizeof(T));
        return detail::load_be<T>(data_);
    }

    /// The value as exactly N raw bytes (uuid, macaddr: fixed-size values sent as they are).
    template <std::size_t N>
    [[nodiscard]] std::array<std::byte, N> read_bytes() const
    {
        if (size_ != N)
            fail_size(N);
        std::array<std::byte, N> out{};
        for (std::size_t i = 0; i < N; ++i)
            out[i] = static_cast<std::byte>(data_[i]);
        return out;
    }

    /// An integer column (int2, int4, int8 or oid, by the column's type) as `I`; a value that
    /// does not fit in `I` fails rather than being truncated.
    template <std::integral I>
    [[nodiscard]] I read_integer() const
    {
        switch (type_) {
        case oid::int2: return fit<I>(read_be<std::int16_t>());
        case oid::int4: return fit<I>(read_be<std::int32_t>());
        case oid::int8: return fit<I>(read_be<std::int64_t>());
        case oid::oid: return fit<I>(read_be<std::uint32_t>());
        default: fail("not an integer column");
        }
    }

    /// The `size` bytes at `offset`, as a value of type `type` from the same place (for adapters
    /// of values made of parts: a point's coordinates, an array's elements); errors raised from it
    /// still name the column, field and row. Fails when the bytes are not all there.
    [[nodiscard]] value_view subview(std::size_t offset, std::size_t size, oid type) const
    {
        if (offset > size_ || size > size_ - offset)
            fail("value is " + std::to_string(size_) + " bytes, too short for " + std::to_string(size)
                + " bytes at offset " + std::to_string(offset));
        return value_view(data_ + offset, size, type, site_, row_, types_);
    }

    /// Throws `typq::conversion_error` with `reason` and where this value came from.
    [[noreturn]] void fail(std::string_view reason) const
    {
        detail::throw_decode_error(site_, type_, row_, reason, types_);
    }

private:
    // Out of line, so that read_be stays small enough to inline into every decoder.
    [[noreturn]] void fail_size(std::size_t expected) const
    {
        fail("value is " + std::to_string(size_) + " bytes, expected " + std::to_string(expected));
    }

    template <class To, class From>
    To fit(From value) const
    {
        if (!std::in_range<To>(value))
            fail("value " + std::to_string(value) + " is out of range");
        return static_cast<To>(value);
    }

    const char* data_;
    std::size_t size_;
    oid type_;
    const detail::decode_site* site_;
    std::size_t row_;
    const server_types* types_;
};

/// `T`'s OID comes from the server: its adapter declares `lookup_oid = true` (an enum, a composite).
template <class T>
concept looked_up = requires { requires type<T>::lookup_oid; };

/// `T` can be sent as a parameter.
template <class T>
concept encodable = detail::has_type<T> && requires(const T& value, writer& out) { type<T>::encode(value, out); }
    && (looked_up<T> || requires { { type<T>::param_oid } -> std::convertible_to<oid>; });

/// `T`'s adapter writes a value's text form (`encode_text`): typq::literal can render it.
template <class T>
concept text_encodable = detail::has_type<T> && requires(const T& value, std::string& out) { type<T>::encode_text(value, out); };

/// `T` can be read from a result column.
template <class T>
concept decodable = detail::has_type<T> && requires(value_view in, T& out) { type<T>::decode(in, out); }
    && (looked_up<T> || requires(oid column) { { type<T>::accepts(column) } -> std::same_as<bool>; }
        || requires(oid column, const server_types& types) { { type<T>::accepts(column, types) } -> std::same_as<bool>; });

namespace detail {

// What T's adapter itself says of `column`: its accepts(), or for a lookup_oid type without one,
// whether `column` is the type its sql_type names.
template <class T>
bool adapter_accepts(oid column, const server_types& types)
{
    using adapter = type<T>;
    if constexpr (requires { { adapter::accepts(column, types) } -> std::same_as<bool>; })
        return adapter::accepts(column, types);
    else if constexpr (requires { { adapter::accepts(column) } -> std::same_as<bool>; })
        return adapter::accepts(column);
    else {
        const type_info* info = types.find(adapter::sql_type);
        return info && info->id == column;
    }
}

// A domain over a type T reads; kept out of the common path, where the column fits directly.
template <class T>
bool accepts_domain(oid column, const server_types& types)
{
    if (is_builtin_type(column))
        return false;
    const oid base = types.strip_domains(column);
    return base != column && adapter_accepts<T>(base, types);
}

/// Whether T's adapter reads a column of type `column`: its own accepts(), or for a lookup_oid
/// type without one, the type its sql_type names; and a domain over anything it reads.
template <class T>
bool accepts(oid column, const server_types& types)
{
    return adapter_accepts<T>(column, types) || accepts_domain<T>(column, types);
}

/// The OID a parameter of type T is sent with: its adapter's param_oid, or the server's OID for
/// its sql_type.
template <class T>
oid param_oid_of(const server_types& types)
{
    if constexpr (looked_up<T>)
        return types.get(type<T>::sql_type).id;
    else
        return type<T>::param_oid;
}

/// The exact type a value of T is written as inside a binary array or composite: its adapter's
/// `element_oid` (declared by adapters whose parameters leave the type to the server, such as
/// strings), else param_oid_of.
template <class T>
oid element_oid_of(const server_types& types)
{
    if constexpr (requires { type<T>::element_oid; })
        return type<T>::element_oid;
    else
        return param_oid_of<T>(types);
}

/// `param_oid`, or `lookup_oid`, as T's adapter has it: for adapters that forward to T's.
template <class T>
struct param_oid_like {
    static constexpr oid param_oid = type<T>::param_oid;
};
template <class T>
    requires looked_up<T>
struct param_oid_like<T> {
    static constexpr bool lookup_oid = true;
};

/// `element_oid`, when T's adapter has one: for adapters that forward to T's.
template <class T>
struct element_oid_like {};
template <class T>
    requires requires { type<T>::element_oid; }
struct element_oid_like<T> {
    static constexpr oid element_oid = type<T>::element_oid;
};

template <class T>
consteval format param_format_of()
{
    if constexpr (requires { type<T>::param_format; })
        return type<T>::param_format;
    else
        return format::binary;
}

// Types that can be NULL: a parameter asks `is_null`, the row decoder calls `set_null`.
template <class T>
concept sends_null = requires(const T& value) {
    { type<T>::is_null(value) } -> std::same_as<bool>;
};

template <class T>
concept receives_null = requires(T& value) { type<T>::set_null(value); };

template <class T>
consteval bool borrows()
{
    if constexpr (requires { type<T>::borrows; })
        return type<T>::borrows;
    else
        return false;
}

/// True for an encodable T; for a T without an adapter, instantiates no_type_for<T> so that the
/// compiler's first error line names the type.
template <class T>
consteval bool require_encodable()
{
    if constexpr (!has_type<T>)
        return sizeof(no_type_for<T>) != 0;
    else {
        static_assert(encodable<T>, "typq::type<T> exists but cannot encode: it needs param_oid and encode()");
        return true;
    }
}

/// False, for a static_assert that fails only when its template is instantiated.
template <class T>
inline constexpr bool always_false = false;

/// True for a decodable T. For a T without an adapter, instantiates no_type_for<T>; for a
/// parameter-only adapter that declares `using parameter_only = X;`, instantiates X, whose
/// static_assert says what to read such columns into instead.
template <class T>
consteval bool require_decodable()
{
    if constexpr (!has_type<T>)
        return sizeof(no_type_for<T>) != 0;
    else if constexpr (requires { typename type<T>::parameter_only; })
        return sizeof(typename type<T>::parameter_only) != 0;
    else {
        static_assert(decodable<T>, "typq: this type is a parameter type only: its typq::type<T> has no accepts() "
                                    "and decode(), so it cannot be read from a result column (see the table of types "
                                    "in docs/types.md for what reads each column type)");
        return true;
    }
}

}  // namespace detail

template <class T>
TYPQ_ALWAYS_INLINE std::int32_t writer::encode_from(const T& value, std::size_t at)
{
    static_assert(detail::require_encodable<T>());
    const std::size_t start = used_;
    try {
        type<T>::encode(value, *this);
    }
    catch (...) {
        cut(at);  // what the value wrote is not a value: leave no half of it behind
        throw;
    }
    const std::size_t size = used_ - start;
    // int4 counts it; the server's own limit on a value (1 GiB) is lower still.
    if (size > static_cast<std::size_t>(INT32_MAX)) [[unlikely]]
        value_too_large(at, size);
    return static_cast<std::int32_t>(size);
}

template <class T>
TYPQ_ALWAYS_INLINE void writer::put_value(const T& value)
{
    if constexpr (detail::sends_null<T>) {
        if (type<T>::is_null(value)) {
            put_be(std::int32_t{-1});
            return;
        }
    }
    const std::size_t at = used_;
    (void)extend(4);  // the length, filled in once the value is written
    const std::int32_t size = encode_from(value, at);
    detail::store_be(out_->data() + at, size);
}

template <class T>
std::int32_t writer::put_bare(const T& value)
{
    if constexpr (detail::sends_null<T>) {
        if (type<T>::is_null(value))
            return -1;
    }
    return encode_from(value, used_);
}

/// Reuses `type<Base>` for a type that converts to and from `Base` with static_cast: a strong
/// typedef such as `enum class user_id : std::int64_t {}`.
/// @par Example
/// `template <> struct typq::type<user_id> : typq::type_as<user_id, std::int64_t> {};`
template <class T, class Base>
struct type_as : detail::param_oid_like<Base> {
    /// @{
    /// Part of the adapter contract (typq::type says what each member does): `Base`'s, converting with static_cast.
    static constexpr std::string_view sql_type = type<Base>::sql_type;
    static constexpr format param_format = detail::param_format_of<Base>();
    static constexpr bool borrows = detail::borrows<Base>();  // a view stays a view

    static constexpr bool accepts(oid column) noexcept
        requires requires(oid c) { type<Base>::accepts(c); }
    {
        return type<Base>::accepts(column);
    }
    static bool accepts(oid column, const server_types& types) { return detail::accepts<Base>(column, types); }
    static void encode(const T& value, writer& out) { type<Base>::encode(static_cast<Base>(value), out); }
    static void encode_text(const T& value, std::string& out)
        requires text_encodable<Base>
    {
        type<Base>::encode_text(static_cast<Base>(value), out);
    }
    static void decode(value_view in, T& out)
    {
        Base base{};
        type<Base>::decode(in, base);
        out = static_cast<T>(base);
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPE_HPP
