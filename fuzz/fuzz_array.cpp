// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_array.cpp: PostgreSQL arrays (array_send's form) into std::vector, nested vectors,
// std::array, std::optional elements and typq::array (typq/types/array.hpp), over int2/int4/int8,
// float8, bool, text, bytea, numeric, uuid and timestamptz elements. The header names the element
// type, so every C++ type tries the same bytes and refuses, with conversion_error, those it cannot
// read. What one reads re-encodes to an array that reads back equal.

#include "fuzz.hpp"

#include <typq/types/array.hpp>
#include <typq/types/bytea.hpp>
#include <typq/types/chrono.hpp>
#include <typq/types/numeric.hpp>
#include <typq/types/optional.hpp>
#include <typq/types/scalar.hpp>
#include <typq/types/text.hpp>
#include <typq/types/uuid.hpp>

#include <array>     // std::array
#include <cstddef>   // std::byte
#include <cstdint>   // element widths
#include <optional>  // NULL elements
#include <string>    // text elements
#include <vector>    // std::vector

namespace {

template <class T>
using opt = std::optional<T>;

// The element type array_send writes at bytes 8..11 of the header, or 0 when there is no header.
typq::oid header_element(const std::uint8_t* data, std::size_t size)
{
    if (size < 12)
        return typq::oid::unspecified;
    return static_cast<typq::oid>(std::uint32_t{data[8]} << 24 | std::uint32_t{data[9]} << 16
        | std::uint32_t{data[10]} << 8 | std::uint32_t{data[11]});
}

// Which C++ types try the bytes: those whose element type `Element` reads the header's element
// type, so that the fuzzer's time goes to arrays a type can read. Headers of no element type
// here go to the first type alone, which refuses them (and covers that path).
struct chooser {
    typq::oid element;
    bool any_reads = false;

    template <class Element>
    bool wants()
    {
        if (!typq::type<Element>::accepts(element))
            return false;
        any_reads = true;
        return true;
    }
};

template <class T, class Equal>
void reads(const std::uint8_t* data, std::size_t size, bool wanted, Equal equal)
{
    if (wanted)
        typq_fuzz::round_trip<T>(data, size, typq::type<T>::param_oid, false, equal);
}

// T holds elements of type Element (std::optional<Element> too).
template <class T, class Element>
void reads(chooser& choose, const std::uint8_t* data, std::size_t size)
{
    reads<T>(data, size, choose.wants<Element>(), [](const T& a, const T& b) { return a == b; });
}

// Doubles compare by their bytes: NaN != NaN, yet it must come back as NaN.
void reads_doubles(chooser& choose, const std::uint8_t* data, std::size_t size)
{
    using doubles = std::vector<double>;
    reads<doubles>(data, size, choose.wants<double>(),
        [](const doubles& a, const doubles& b) { return typq_fuzz::encode(a) == typq_fuzz::encode(b); });
}

// typq::array keeps the dimensions: the number of elements is their product, and every element
// is reachable through at() at the lower bounds.
template <class T, class Element>
void reads_typq_array(chooser& choose, const std::uint8_t* data, std::size_t size)
{
    if (!choose.wants<Element>())
        return;
    const auto value = typq_fuzz::round_trip<typq::array<T>>(data, size, typq::type<typq::array<T>>::param_oid, false);
    if (!value)
        return;
    std::size_t count = value->ndims() == 0 ? 0 : 1;
    for (const auto& dimension : value->dimensions()) {
        TYPQ_FUZZ_CHECK(dimension.length > 0);
        count *= static_cast<std::size_t>(dimension.length);
    }
    TYPQ_FUZZ_CHECK(count == value->size());
    if (value->ndims() == 1)
        TYPQ_FUZZ_CHECK(&value->at({value->dimensions()[0].lower_bound}) == &(*value)[0]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    chooser choose{header_element(data, size)};
    reads<std::vector<std::int32_t>, std::int32_t>(choose, data, size);
    reads<std::vector<std::int64_t>, std::int64_t>(choose, data, size);  // int2[], int4[] and int8[]
    reads<std::vector<opt<std::int16_t>>, std::int16_t>(choose, data, size);
    reads_doubles(choose, data, size);
    reads<std::vector<bool>, bool>(choose, data, size);
    reads<std::vector<std::string>, std::string>(choose, data, size);
    reads<std::vector<opt<std::string>>, std::string>(choose, data, size);
    reads<std::vector<std::vector<std::byte>>, std::vector<std::byte>>(choose, data, size);
    reads<std::vector<opt<typq::numeric>>, typq::numeric>(choose, data, size);
    reads<std::vector<typq::uuid>, typq::uuid>(choose, data, size);
    reads<std::vector<opt<typq::timestamptz>>, typq::timestamptz>(choose, data, size);

    reads<std::vector<std::vector<std::int32_t>>, std::int32_t>(choose, data, size);
    reads<std::vector<std::vector<opt<std::string>>>, std::string>(choose, data, size);
    reads<std::vector<std::vector<std::vector<opt<std::int64_t>>>>, std::int64_t>(choose, data, size);
    reads<std::array<std::int32_t, 3>, std::int32_t>(choose, data, size);
    reads<std::array<std::array<opt<std::int32_t>, 2>, 2>, std::int32_t>(choose, data, size);
    reads<std::vector<std::array<std::string, 2>>, std::string>(choose, data, size);

    reads_typq_array<opt<std::int32_t>, std::int32_t>(choose, data, size);
    reads_typq_array<std::int64_t, std::int64_t>(choose, data, size);
    reads_typq_array<opt<std::string>, std::string>(choose, data, size);
    reads_typq_array<typq::numeric, typq::numeric>(choose, data, size);

    // No type here reads this header (or there is none): one decoder refuses it.
    if (!choose.any_reads)
        typq_fuzz::round_trip<std::vector<std::int32_t>>(data, size, typq::oid::int4_array, false);
    return 0;
}
