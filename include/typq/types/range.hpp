// SPDX-License-Identifier: BSL-1.0
// typq/types/range.hpp: typq::range<T> and typq::multirange<T> for the built-in range types
// (int4range, int8range, numrange, daterange, tsrange, tstzrange and their multiranges), in
// binary (range_send / range_recv, multirange_send / multirange_recv).

#ifndef TYPQ_TYPES_RANGE_HPP
#define TYPQ_TYPES_RANGE_HPP

#include <typq/error.hpp>
#include <typq/type.hpp>
#include <typq/types/chrono.hpp>
#include <typq/types/numeric.hpp>
#include <typq/types/scalar.hpp>  // the int4range and int8range subtypes
#include <typq/detail/hex.hpp>

#include <cstddef>           // std::size_t
#include <cstdint>           // the wire's flags byte and lengths, the integer subtypes
#include <initializer_list>  // multirange's constructor
#include <limits>            // INT32_MAX checks
#include <optional>          // bounds: std::nullopt is unbounded
#include <string>            // to_string(), messages
#include <string_view>       // sql_type, bounds literals
#include <utility>           // std::move
#include <vector>            // multirange storage

namespace typq {
namespace detail {

// range_send's flags byte (utils/rangetypes.h). RANGE_LB_NULL (0x20), RANGE_UB_NULL (0x40) and
// RANGE_CONTAIN_EMPTY (0x80) are never sent for a value.
inline constexpr std::uint8_t range_empty = 0x01;
inline constexpr std::uint8_t range_lb_inc = 0x02;
inline constexpr std::uint8_t range_ub_inc = 0x04;
inline constexpr std::uint8_t range_lb_inf = 0x08;
inline constexpr std::uint8_t range_ub_inf = 0x10;
inline constexpr std::uint8_t range_known_flags = 0x1F;

// The six built-in range types, by subtype: the range, its array and its multirange.
template <class T>
inline constexpr bool range_subtype_unknown = false;

template <class T>
struct range_subtype {
    static_assert(range_subtype_unknown<T>,
        "typq::range<T> and typq::multirange<T> hold the subtype of a built-in range type: std::int32_t "
        "(int4range), std::int64_t (int8range), typq::numeric (numrange), std::chrono::sys_days (daterange), "
        "typq::timestamp (tsrange) or typq::timestamptz (tstzrange)");
};
template <>
struct range_subtype<std::int32_t> {
    static constexpr std::string_view range_sql_type = "int4range";
    static constexpr std::string_view multirange_sql_type = "int4multirange";
    static constexpr oid range_oid = oid::int4range, range_array_oid = oid::int4range_array;
    static constexpr oid multirange_oid = oid::int4multirange, multirange_array_oid = oid::int4multirange_array;
};
template <>
struct range_subtype<std::int64_t> {
    static constexpr std::string_view range_sql_type = "int8range";
    static constexpr std::string_view multirange_sql_type = "int8multirange";
    static constexpr oid range_oid = oid::int8range, range_array_oid = oid::int8range_array;
    static constexpr oid multirange_oid = oid::int8multirange, multirange_array_oid = oid::int8multirange_array;
};
template <>
struct range_subtype<numeric> {
    static constexpr std::string_view range_sql_type = "numrange";
    static constexpr std::string_view multirange_sql_type = "nummultirange";
    static constexpr oid range_oid = oid::numrange, range_array_oid = oid::numrange_array;
    static constexpr oid multirange_oid = oid::nummultirange, multirange_array_oid = oid::nummultirange_array;
};
template <>
struct range_subtype<std::chrono::sys_days> {
    static constexpr std::string_view range_sql_type = "daterange";
    static constexpr std::string_view multirange_sql_type = "datemultirange";
    static constexpr oid range_oid = oid::daterange, range_array_oid = oid::daterange_array;
    static constexpr oid multirange_oid = oid::datemultirange, multirange_array_oid = oid::datemultirange_array;
};
template <>
struct range_subtype<timestamp> {
    static constexpr std::string_view range_sql_type = "tsrange";
    static constexpr std::string_view multirange_sql_type = "tsmultirange";
    static constexpr oid range_oid = oid::tsrange, range_array_oid = oid::tsrange_array;
    static constexpr oid multirange_oid = oid::tsmultirange, multirange_array_oid = oid::tsmultirange_array;
};
template <>
struct range_subtype<timestamptz> {
    static constexpr std::string_view range_sql_type = "tstzrange";
    static constexpr std::string_view multirange_sql_type = "tstzmultirange";
    static constexpr oid range_oid = oid::tstzrange, range_array_oid = oid::tstzrange_array;
    static constexpr oid multirange_oid = oid::tstzmultirange, multirange_array_oid = oid::tstzmultirange_array;
};

// The subtype of a built-in range type, or oid::unspecified.
constexpr oid range_element_type(oid range) noexcept
{
    switch (range) {
    case oid::int4range: return oid::int4;
    case oid::int8range: return oid::int8;
    case oid::numrange: return oid::numeric;
    case oid::daterange: return oid::date;
    case oid::tsrange: return oid::timestamp;
    case oid::tstzrange: return oid::timestamptz;
    default: return oid::unspecified;
    }
}

// The range type of a built-in multirange type, or oid::unspecified.
constexpr oid multirange_element_type(oid multirange) noexcept
{
    switch (multirange) {
    case oid::int4multirange: return oid::int4range;
    case oid::int8multirange: return oid::int8range;
    case oid::nummultirange: return oid::numrange;
    case oid::datemultirange: return oid::daterange;
    case oid::tsmultirange: return oid::tsrange;
    case oid::tstzmultirange: return oid::tstzrange;
    default: return oid::unspecified;
    }
}

// A part's error (a bound, a multirange's range), rethrown with which part it was about.
[[noreturn]] inline void rethrow_range_part_error(const conversion_error& e, const std::string& part)
{
    throw conversion_error(std::string(e.what()) + " (" + part + ")",
        conversion_site{e.column(), e.sql_type(), e.field(), e.cpp_type()});
}

[[noreturn]] inline void throw_range_error(std::string_view sql_type, const std::string& reason)
{
    throw conversion_error(std::string(reason), conversion_site{{}, std::string(sql_type), {}, {}});
}

// --- bound text, as the server prints it (DateStyle ISO, TimeZone UTC) ---------------------------

// range_bound_escape: a bound is double-quoted when it is empty or has a quote, a backslash, a
// parenthesis, a bracket, a comma or white space; quotes and backslashes are then doubled.
inline std::string range_bound_escape(const std::string& text)
{
    bool quote = text.empty();
    for (const char c : text)
        quote = quote || c == '"' || c == '\\' || c == '(' || c == ')' || c == '[' || c == ']' || c == ','
            || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    if (!quote)
        return text;
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out += c;
        out += c;
    }
    return out + '"';
}

inline std::string range_bound_text(std::int32_t value) { return std::to_string(value); }
inline std::string range_bound_text(std::int64_t value) { return std::to_string(value); }
inline std::string range_bound_text(const numeric& value) { return value.to_string(); }
inline std::string range_bound_text(std::chrono::sys_days value)
{
    if (value == std::chrono::sys_days::max())
        return "infinity";
    if (value == std::chrono::sys_days::min())
        return "-infinity";
    std::string out;
    if (append_iso_date(out, value.time_since_epoch().count()))
        out += " BC";
    return out;
}
inline std::string range_bound_text(timestamp value)
{
    if (value == timestamp::max())
        return "infinity";
    if (value == timestamp::min())
        return "-infinity";
    std::string out;
    if (append_iso_timestamp(out, value.time_since_epoch().count()))
        out += " BC";
    return out;
}
inline std::string range_bound_text(timestamptz value)
{
    if (value == timestamptz::max())
        return "infinity";
    if (value == timestamptz::min())
        return "-infinity";
    std::string out;
    const bool bc = append_iso_timestamp(out, value.time_since_epoch().count());
    out += "+00";
    if (bc)
        out += " BC";
    return out;
}

}  // namespace detail

/// Whether each bound of a typq::range is inclusive: from the server's spelling, `"[)"` (the
/// default, as `int4range(1, 5)`), `"[]"`, `"(]"` or `"()"`, checked at compile time, or from two
/// flags.
struct range_bounds {
    /// `[`: the lower bound is in the range.
    bool lower_inclusive = true;
    /// `]`: the upper bound is in the range.
    bool upper_inclusive = false;

    /// `"[)"`.
    constexpr range_bounds() noexcept = default;
    /// From the two flags.
    constexpr range_bounds(bool lower_inclusive_, bool upper_inclusive_) noexcept
        : lower_inclusive(lower_inclusive_), upper_inclusive(upper_inclusive_)
    {
    }
    /// From the server's spelling, `"[)"`, `"[]"`, `"(]"` or `"()"`; anything else fails to compile
    /// (the error names `range_bounds_must_be_brackets_or_parentheses`).
    consteval range_bounds(const char (&text)[3])
        : lower_inclusive(text[0] == '['), upper_inclusive(text[1] == ']')
    {
        if ((text[0] != '[' && text[0] != '(') || (text[1] != ']' && text[1] != ')'))
            range_bounds_must_be_brackets_or_parentheses();
    }

    /// Equal when both flags are.
    friend constexpr bool operator==(const range_bounds&, const range_bounds&) noexcept = default;

private:
    // Called only for a bad literal, so that the compiler's error names the problem.
    static void range_bounds_must_be_brackets_or_parentheses() {}
};

/// A value of one of PostgreSQL's built-in range types: `int4range` (T = std::int32_t),
/// `int8range` (std::int64_t), `numrange` (typq::numeric), `daterange` (std::chrono::sys_days),
/// `tsrange` (typq::timestamp) or `tstzrange` (typq::timestamptz).
///
/// A range is empty, or has a lower and an upper bound, each either unbounded (`std::nullopt`) or
/// a value that is inclusive or exclusive. An unbounded side is never inclusive (the server
/// prints `[,5]` as `(,5]`), and the constructor clears the flag as the server does.
///
/// Equality is structural, as stored: `[1,3]` and `[1,4)` are different typq::range<int> values,
/// while the server canonicalises the discrete types (int4range, int8range, daterange) to `[)`
/// form, so `[1,3]` sent comes back `[1,4)`, and `[1,1)` or `(1,2)` come back empty. typq does
/// not canonicalise: compare what the server returned with what it returned.
///
/// @par Example
/// `typq::range<int>(1, 10)` is `[1,10)`; `typq::range<int>(std::nullopt, 5, "(]")` is `(,5]`;
/// `typq::range<int>()` is `empty`.
template <class T>
class range {
    // For any other T, range_subtype's static_assert names the six subtypes.
    static_assert(sizeof(detail::range_subtype<T>) > 0);

public:
    /// The subtype, `T`.
    using value_type = T;

    /// The empty range.
    range() = default;

    /// The range from `lower` to `upper` (`std::nullopt`: unbounded on that side), with `bounds`.
    /// @throws typq::conversion_error when both bounds are there and `lower` is above `upper`
    ///         (the server's "range lower bound must be less than or equal to range upper bound").
    range(std::optional<T> lower, std::optional<T> upper, range_bounds bounds = {})
        : empty_(false), lower_(std::move(lower)), upper_(std::move(upper)),
          lower_inclusive_(lower_ && bounds.lower_inclusive), upper_inclusive_(upper_ && bounds.upper_inclusive)
    {
        if (lower_ && upper_ && *upper_ < *lower_)
            detail::throw_range_error(detail::range_subtype<T>::range_sql_type,
                "range lower bound must be less than or equal to range upper bound");
    }

    /// `empty`, PostgreSQL's empty range: it contains nothing and has no bounds.
    [[nodiscard]] bool empty() const noexcept { return empty_; }
    /// The lower bound; `std::nullopt` when there is none (unbounded, or an empty range).
    [[nodiscard]] const std::optional<T>& lower() const noexcept { return lower_; }
    /// The upper bound; `std::nullopt` when there is none (unbounded, or an empty range).
    [[nodiscard]] const std::optional<T>& upper() const noexcept { return upper_; }
    /// `[`: the lower bound is in the range (false when unbounded or empty).
    [[nodiscard]] bool lower_inclusive() const noexcept { return lower_inclusive_; }
    /// `]`: the upper bound is in the range (false when unbounded or empty).
    [[nodiscard]] bool upper_inclusive() const noexcept { return upper_inclusive_; }
    /// No lower bound: the range reaches down without end (false for an empty range).
    [[nodiscard]] bool lower_unbounded() const noexcept { return !empty_ && !lower_; }
    /// No upper bound: the range reaches up without end (false for an empty range).
    [[nodiscard]] bool upper_unbounded() const noexcept { return !empty_ && !upper_; }

    /// Whether `value` is in the range, as the server's `@>` says: never for an empty range.
    [[nodiscard]] bool contains(const T& value) const
    {
        if (empty_)
            return false;
        if (lower_ && (lower_inclusive_ ? value < *lower_ : !(*lower_ < value)))
            return false;
        if (upper_ && (upper_inclusive_ ? *upper_ < value : !(value < *upper_)))
            return false;
        return true;
    }

    /// The range as the server prints it with `DateStyle` ISO and `TimeZone` UTC: `[1,4)`,
    /// `(,5]`, `empty`, `["2020-01-01 10:00:00",infinity)`; timestamptz bounds in UTC (`+00`).
    [[nodiscard]] std::string to_string() const
    {
        if (empty_)
            return "empty";
        std::string out = lower_inclusive_ ? "[" : "(";
        if (lower_)
            out += detail::range_bound_escape(detail::range_bound_text(*lower_));
        out += ',';
        if (upper_)
            out += detail::range_bound_escape(detail::range_bound_text(*upper_));
        out += upper_inclusive_ ? ']' : ')';
        return out;
    }

    /// Structurally equal: both empty, or the same bounds with the same inclusivity (no
    /// canonicalisation: `[1,3]` != `[1,4)`).
    friend bool operator==(const range&, const range&) = default;

private:
    bool empty_ = true;
    std::optional<T> lower_;
    std::optional<T> upper_;
    bool lower_inclusive_ = false;
    bool upper_inclusive_ = false;
};

/// A value of a built-in multirange type (`int4multirange` ... `tstzmultirange`): an ordered list
/// of typq::range<T>. The server sorts, merges and drops empty ranges (`{[3,4),[1,2),[2,3)}` comes
/// back `{[1,4)}`); typq keeps the ranges as given, so `==` compares the lists as stored.
template <class T>
class multirange {
    static_assert(sizeof(detail::range_subtype<T>) > 0);

public:
    /// A typq::range<T>.
    using value_type = range<T>;
    /// An iterator over the ranges (read-only).
    using const_iterator = typename std::vector<range<T>>::const_iterator;
    /// As const_iterator: the ranges are changed only by push_back.
    using iterator = const_iterator;
    /// std::size_t.
    using size_type = std::size_t;

    /// `{}`, no ranges.
    multirange() = default;
    /// The `ranges`, in the order given.
    multirange(std::initializer_list<range<T>> ranges) : ranges_(ranges) {}
    /// The `ranges`, in the order given.
    explicit multirange(std::vector<range<T>> ranges) : ranges_(std::move(ranges)) {}

    /// The ranges, as stored.
    [[nodiscard]] const std::vector<range<T>>& ranges() const noexcept { return ranges_; }
    /// The first range.
    [[nodiscard]] const_iterator begin() const noexcept { return ranges_.begin(); }
    /// Past the last range.
    [[nodiscard]] const_iterator end() const noexcept { return ranges_.end(); }
    /// The number of ranges.
    [[nodiscard]] std::size_t size() const noexcept { return ranges_.size(); }
    /// True when there are no ranges (the empty multirange, `{}`).
    [[nodiscard]] bool empty() const noexcept { return ranges_.empty(); }
    /// Range `i`; `i` must be below size().
    [[nodiscard]] const range<T>& operator[](std::size_t i) const noexcept { return ranges_[i]; }
    /// Appends `r` (empty ranges included: the server drops them).
    void push_back(range<T> r) { ranges_.push_back(std::move(r)); }

    /// Whether any of the ranges contains `value`.
    [[nodiscard]] bool contains(const T& value) const
    {
        for (const auto& r : ranges_)
            if (r.contains(value))
                return true;
        return false;
    }

    /// `{[1,3),[5,7)}`, each range as range::to_string prints it.
    [[nodiscard]] std::string to_string() const
    {
        std::string out = "{";
        for (std::size_t i = 0; i < ranges_.size(); ++i) {
            if (i > 0)
                out += ',';
            out += ranges_[i].to_string();
        }
        return out + '}';
    }

    /// Equal when the lists of ranges are, range by range (no canonicalisation).
    friend bool operator==(const multirange&, const multirange&) = default;

private:
    std::vector<range<T>> ranges_;
};

namespace detail {

// One length-prefixed value (a range bound, a multirange's range): `what` names it in messages.
// Returns its bytes, typed `type`, and moves `offset` past them.
inline value_view read_range_part(value_view in, std::size_t& offset, oid type, std::string_view what)
{
    if (in.size() - offset < 4)
        in.fail(std::string(what) + " is missing: the value ends at byte " + std::to_string(in.size()));
    const auto length = in.subview(offset, 4, in.type()).read_be<std::int32_t>();
    offset += 4;
    if (length < 0)
        in.fail(std::string(what) + " has length " + std::to_string(length));
    if (static_cast<std::size_t>(length) > in.size() - offset)
        in.fail(std::string(what) + " is " + std::to_string(length) + " bytes, past the end of the value ("
            + std::to_string(in.size() - offset) + " bytes left)");
    const value_view part = in.subview(offset, static_cast<std::size_t>(length), type);
    offset += static_cast<std::size_t>(length);
    return part;
}

}  // namespace detail

/// typq::range<T> as T's range type (`int4range` for typq::range<std::int32_t>), binary: range_send's
/// flags byte, then each bound there is as an int4 length and T's binary form. Reads
/// its own range type, and those of subtypes T widens exactly: typq::range<std::int64_t> reads
/// int4range too, typq::range<typq::numeric> reads int4range and int8range. Narrowing
/// (int8range into typq::range<std::int32_t>) is refused when the result's columns are checked.
template <class T>
struct type<range<T>> {
    /// What typq knows of T as a range subtype (its range and multirange types' names and OIDs).
    using subtype = detail::range_subtype<T>;
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = subtype::range_sql_type;
    static constexpr oid param_oid = subtype::range_oid;
    static constexpr oid array_oid = subtype::range_array_oid;

    static constexpr bool accepts(oid column) noexcept
    {
        if (column == param_oid)
            return true;
        const oid element = detail::range_element_type(column);
        return element != oid::unspecified && type<T>::accepts(element);
    }

    // range_in reads what range_out prints (see range::to_string).
    static void encode_text(const range<T>& value, std::string& out) { out += value.to_string(); }

    static void encode(const range<T>& value, writer& out)
    {
        std::uint8_t flags = 0;
        if (value.empty())
            flags = detail::range_empty;
        else {
            const auto add = [&flags](bool set, std::uint8_t flag) {
                flags = static_cast<std::uint8_t>(set ? flags | flag : flags);
            };
            add(value.lower_inclusive(), detail::range_lb_inc);
            add(value.upper_inclusive(), detail::range_ub_inc);
            add(!value.lower(), detail::range_lb_inf);
            add(!value.upper(), detail::range_ub_inf);
        }
        out.put_be(flags);
        if (value.lower())
            out.put_value(*value.lower());
        if (value.upper())
            out.put_value(*value.upper());
    }

    // range_recv, checked: the flags byte, no unknown flag, nothing after `empty`, each present
    // bound's length within the value, nothing after the upper bound, lower <= upper.
    static void decode(value_view in, range<T>& out)
    {
        if (in.size() < 1)
            in.fail("range value is 0 bytes, too short for its flags byte");
        const auto flags = in.subview(0, 1, in.type()).read_be<std::uint8_t>();
        if ((flags & ~detail::range_known_flags) != 0)
            in.fail("range flags 0x" + detail::to_hex(flags, 2) + " have unknown bits");
        if ((flags & detail::range_empty) != 0) {
            if (flags != detail::range_empty)
                in.fail("range flags 0x" + detail::to_hex(flags, 2) + " mark an empty range that has bounds");
            if (in.size() != 1)
                in.fail("empty range has " + std::to_string(in.size() - 1) + " bytes after its flags byte");
            out = range<T>();
            return;
        }
        if ((flags & detail::range_lb_inf) != 0 && (flags & detail::range_lb_inc) != 0)
            in.fail("range flags 0x" + detail::to_hex(flags, 2) + " mark an unbounded lower bound inclusive");
        if ((flags & detail::range_ub_inf) != 0 && (flags & detail::range_ub_inc) != 0)
            in.fail("range flags 0x" + detail::to_hex(flags, 2) + " mark an unbounded upper bound inclusive");

        const oid element = element_type(in.type());
        std::size_t offset = 1;
        std::optional<T> lower;
        std::optional<T> upper;
        if ((flags & detail::range_lb_inf) == 0)
            decode_bound(detail::read_range_part(in, offset, element, "range lower bound"), lower.emplace(), "lower");
        if ((flags & detail::range_ub_inf) == 0)
            decode_bound(detail::read_range_part(in, offset, element, "range upper bound"), upper.emplace(), "upper");
        if (offset != in.size())
            in.fail("range has " + std::to_string(in.size() - offset) + " bytes after its bounds");
        if (lower && upper && *upper < *lower)
            in.fail("range lower bound is above its upper bound");
        out = range<T>(std::move(lower), std::move(upper),
            range_bounds{(flags & detail::range_lb_inc) != 0, (flags & detail::range_ub_inc) != 0});
    }
    /// @}

private:
    // The subtype adapter's error, rethrown saying which bound it was about.
    static void decode_bound(value_view bound, T& out, std::string_view which)
    {
        try {
            type<T>::decode(bound, out);
        }
        catch (const conversion_error& e) {
            detail::rethrow_range_part_error(e, std::string(sql_type) + " " + std::string(which) + " bound");
        }
    }

    static constexpr oid element_type(oid column) noexcept
    {
        const oid element = detail::range_element_type(column);
        return element == oid::unspecified ? type<T>::param_oid : element;
    }
};

/// typq::multirange<T> as T's multirange type (`int4multirange` for typq::multirange<std::int32_t>),
/// binary: multirange_send's int4 count of ranges, then each as an int4 length and range_send's
/// form; reads the multiranges whose ranges typq::range<T> reads.
template <class T>
struct type<multirange<T>> {
    /// What typq knows of T as a range subtype (its range and multirange types' names and OIDs).
    using subtype = detail::range_subtype<T>;
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = subtype::multirange_sql_type;
    static constexpr oid param_oid = subtype::multirange_oid;
    static constexpr oid array_oid = subtype::multirange_array_oid;

    static constexpr bool accepts(oid column) noexcept
    {
        if (column == param_oid)
            return true;
        const oid element = detail::multirange_element_type(column);
        return element != oid::unspecified && type<range<T>>::accepts(element);
    }

    static void encode_text(const multirange<T>& value, std::string& out) { out += value.to_string(); }

    static void encode(const multirange<T>& value, writer& out)
    {
        if (value.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
            detail::throw_range_error(sql_type, "a " + std::string(sql_type) + " of " + std::to_string(value.size())
                    + " ranges has more than int4 can count");
        out.put_be(static_cast<std::int32_t>(value.size()));
        for (const auto& r : value)
            out.put_value(r);
    }

    // multirange_recv, checked: a count that the bytes can back (each range takes at least its
    // 4-byte length and its flags byte), each range's length within the value, nothing after.
    static void decode(value_view in, multirange<T>& out)
    {
        if (in.size() < 4)
            in.fail("multirange value is " + std::to_string(in.size()) + " bytes, too short for its 4-byte count");
        const auto count = in.subview(0, 4, in.type()).read_be<std::int32_t>();
        if (count < 0)
            in.fail("multirange has " + std::to_string(count) + " ranges");
        if (static_cast<std::size_t>(count) > (in.size() - 4) / 5)
            in.fail("multirange has " + std::to_string(count) + " ranges but only " + std::to_string(in.size() - 4)
                + " bytes for them");
        const oid element = detail::multirange_element_type(in.type()) == oid::unspecified
            ? type<range<T>>::param_oid
            : detail::multirange_element_type(in.type());
        std::vector<range<T>> ranges(static_cast<std::size_t>(count));
        std::size_t offset = 4;
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            const std::string what = "multirange range " + std::to_string(i);
            const value_view part = detail::read_range_part(in, offset, element, what);
            try {
                type<range<T>>::decode(part, ranges[i]);
            }
            catch (const conversion_error& e) {
                detail::rethrow_range_part_error(e, std::string(sql_type) + " range " + std::to_string(i));
            }
        }
        if (offset != in.size())
            in.fail("multirange has " + std::to_string(in.size() - offset) + " bytes after its last range");
        out = multirange<T>(std::move(ranges));
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_RANGE_HPP
