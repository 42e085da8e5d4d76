// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_range.cpp: typq::range<T> and typq::multirange<T> for the six subtypes (std::int32_t,
// std::int64_t, typq::numeric, std::chrono::sys_days, typq::timestamp, typq::timestamptz) from
// every range and multirange column each reads (typq/types/range.hpp), and std::vector of
// int4range from int4range[]. A decoded value keeps the invariants the class promises, re-encodes
// to a value that reads back equal (to the same bytes, from its own column and numeric aside:
// typq does not canonicalise) and prints without failing; a wider subtype reads the same bounds.

#include "fuzz.hpp"

#include <typq/types/array.hpp>
#include <typq/types/chrono.hpp>
#include <typq/types/numeric.hpp>
#include <typq/types/range.hpp>
#include <typq/types/scalar.hpp>  // range.hpp does not include it: int4range and int8range need it

#include <array>        // the values from each column
#include <chrono>       // std::chrono::sys_days
#include <cstdint>      // the integer subtypes
#include <iterator>     // std::size
#include <optional>     // bounds
#include <string>       // to_string()
#include <type_traits>  // std::is_same_v
#include <vector>       // arrays of ranges

namespace {

using typq::oid;

constexpr oid range_columns[] = {oid::int4range, oid::int8range, oid::numrange, oid::daterange, oid::tsrange, oid::tstzrange};
constexpr oid multirange_columns[] = {oid::int4multirange, oid::int8multirange, oid::nummultirange,
    oid::datemultirange, oid::tsmultirange, oid::tstzmultirange};

// Equal, and printed the same: numeric's == compares values, so 1.5 == 1.50; the text keeps the
// display scale, which must survive the round trip too.
template <class V>
bool same(const V& a, const V& b)
{
    return a == b && a.to_string() == b.to_string();
}

// Whether a range of T read from `column` re-encodes to exactly the bytes read: from its own
// column, when T's decoder takes only the form the server sends. numeric's takes others too (a
// display scale that hides digits, as numeric_recv does), and a wider subtype writes its own type.
template <class T>
constexpr bool canonical(oid column)
{
    return column == typq::type<typq::range<T>>::param_oid && !std::is_same_v<T, typq::numeric>;
}

// What typq::range promises of every value, however it was made.
template <class T>
void check_range(const typq::range<T>& r)
{
    const std::string text = r.to_string();
    if (r.empty()) {
        TYPQ_FUZZ_CHECK(!r.lower() && !r.upper() && !r.lower_inclusive() && !r.upper_inclusive());
        TYPQ_FUZZ_CHECK(!r.lower_unbounded() && !r.upper_unbounded());
        TYPQ_FUZZ_CHECK(text == "empty");
        return;
    }
    TYPQ_FUZZ_CHECK(r.lower_unbounded() == !r.lower() && r.upper_unbounded() == !r.upper());
    TYPQ_FUZZ_CHECK(r.lower() || !r.lower_inclusive());  // an unbounded side is never inclusive
    TYPQ_FUZZ_CHECK(r.upper() || !r.upper_inclusive());
    TYPQ_FUZZ_CHECK(!(r.lower() && r.upper() && *r.upper() < *r.lower()));
    TYPQ_FUZZ_CHECK(text.size() >= 3 && (text.front() == '[') == r.lower_inclusive()
        && (text.back() == ']') == r.upper_inclusive());
    // An inclusive bound is in the range unless the other bound shuts it out ([1,1) holds nothing).
    if (r.lower_inclusive() && (!r.upper() || *r.lower() < *r.upper() || r.upper_inclusive()))
        TYPQ_FUZZ_CHECK(r.contains(*r.lower()));
    if (r.upper_inclusive() && (!r.lower() || *r.lower() < *r.upper() || r.lower_inclusive()))
        TYPQ_FUZZ_CHECK(r.contains(*r.upper()));
    if (r.lower() && !r.lower_inclusive())
        TYPQ_FUZZ_CHECK(!r.contains(*r.lower()));
    if (r.upper() && !r.upper_inclusive())
        TYPQ_FUZZ_CHECK(!r.contains(*r.upper()));
}

// The range from every range column typq::range<T> reads, by column (as in range_columns); its
// own column's bytes come back exactly.
template <class T>
std::array<std::optional<typq::range<T>>, std::size(range_columns)> reads_range(const std::uint8_t* data, std::size_t size)
{
    using adapter = typq::type<typq::range<T>>;
    std::array<std::optional<typq::range<T>>, std::size(range_columns)> values;
    for (std::size_t i = 0; i < std::size(range_columns); ++i) {
        const oid column = range_columns[i];
        if (!adapter::accepts(column))
            continue;
        values[i] = typq_fuzz::round_trip<typq::range<T>>(data, size, column, canonical<T>(column), same<typq::range<T>>);
        if (values[i])
            check_range(*values[i]);
    }
    return values;
}

template <class T>
void reads_multirange(const std::uint8_t* data, std::size_t size)
{
    using adapter = typq::type<typq::multirange<T>>;
    for (const oid column : multirange_columns) {
        if (!adapter::accepts(column))
            continue;
        const auto value = typq_fuzz::round_trip<typq::multirange<T>>(data, size, column,
            canonical<T>(typq::detail::multirange_element_type(column)), same<typq::multirange<T>>);
        if (!value)
            continue;
        const std::string text = value->to_string();
        TYPQ_FUZZ_CHECK(text.front() == '{' && text.back() == '}');
        for (const auto& r : *value) {
            check_range(r);
            if (r.lower() && r.lower_inclusive())
                TYPQ_FUZZ_CHECK(!r.upper() || !(*r.lower() < *r.upper()) || value->contains(*r.lower()));
        }
    }
}

// A wider subtype reads the same range: same emptiness, inclusivity and bounds.
template <class Wide, class Narrow, class Convert>
void widens(const std::optional<typq::range<Narrow>>& narrow, const std::optional<typq::range<Wide>>& wide,
    Convert convert)
{
    TYPQ_FUZZ_CHECK(narrow.has_value() == wide.has_value());
    if (!narrow)
        return;
    TYPQ_FUZZ_CHECK(narrow->empty() == wide->empty());
    TYPQ_FUZZ_CHECK(narrow->lower_inclusive() == wide->lower_inclusive());
    TYPQ_FUZZ_CHECK(narrow->upper_inclusive() == wide->upper_inclusive());
    TYPQ_FUZZ_CHECK(narrow->lower().has_value() == wide->lower().has_value());
    TYPQ_FUZZ_CHECK(narrow->upper().has_value() == wide->upper().has_value());
    if (narrow->lower())
        TYPQ_FUZZ_CHECK(convert(*narrow->lower()) == *wide->lower());
    if (narrow->upper())
        TYPQ_FUZZ_CHECK(convert(*narrow->upper()) == *wide->upper());
    TYPQ_FUZZ_CHECK(narrow->to_string() == wide->to_string());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    constexpr std::size_t int4range = 0, int8range = 1;  // in range_columns
    const auto int4 = reads_range<std::int32_t>(data, size);
    const auto int8 = reads_range<std::int64_t>(data, size);
    const auto numeric = reads_range<typq::numeric>(data, size);
    reads_range<std::chrono::sys_days>(data, size);
    reads_range<typq::timestamp>(data, size);
    reads_range<typq::timestamptz>(data, size);

    widens(int4[int4range], int8[int4range], [](std::int32_t v) { return std::int64_t{v}; });
    widens(int4[int4range], numeric[int4range], [](std::int32_t v) { return typq::numeric(v); });
    widens(int8[int8range], numeric[int8range], [](std::int64_t v) { return typq::numeric(v); });

    reads_multirange<std::int32_t>(data, size);
    reads_multirange<std::int64_t>(data, size);
    reads_multirange<typq::numeric>(data, size);
    reads_multirange<std::chrono::sys_days>(data, size);
    reads_multirange<typq::timestamp>(data, size);
    reads_multirange<typq::timestamptz>(data, size);

    typq_fuzz::round_trip<std::vector<typq::range<std::int32_t>>>(data, size, oid::int4range_array, false);
    return 0;
}
