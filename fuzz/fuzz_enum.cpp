// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_enum.cpp: C++ enumerations with a typq::enum_type adapter (typq/types/enum.hpp) from an
// enum column, whose binary form is the label's text (enum_send). An enum's OID is looked up from
// a connection, but decoding needs none: the harness gives the column an OID of its own. The
// labels are the enumerators' names (probed at compile time) or given explicitly. A value is read
// exactly when the bytes are one of its labels, and encodes to those bytes again.

#include "fuzz.hpp"

#include <typq/types/enum.hpp>

#include <cstdint>      // underlying types
#include <string_view>  // labels

namespace typq_fuzz_enum {

// Labels from the enumerators' names, in value order.
enum class mood { sad, ok, happy };
// Names at the ends of the probed range, -128 and 127, and a gap.
enum class edge : signed char { lowest = -128, zero = 0, highest = 127 };
// Explicit labels: spaces, quotes, UTF-8, a prefix of another label, 63 bytes (the longest).
enum class color : std::uint16_t { dark_blue = 1000, red = 0, green, green_yellow, gruesse, longest };

inline constexpr typq::enum_label<color> color_labels[] = {
    {color::dark_blue, "dark blue"},
    {color::red, "Red \"quoted\""},
    {color::green, "green"},
    {color::green_yellow, "green-yellow"},
    {color::gruesse, "grüße 🐘"},
    {color::longest, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"},
};

}  // namespace typq_fuzz_enum

using typq_fuzz_enum::color;
using typq_fuzz_enum::edge;
using typq_fuzz_enum::mood;

template <>
struct typq::type<mood> : typq::enum_type<mood, "fuzz_mood"> {};
template <>
struct typq::type<edge> : typq::enum_type<edge, "fuzz_edge"> {};
template <>
struct typq::type<color> : typq::enum_type<color, "fuzz_color", typq_fuzz_enum::color_labels> {};

namespace {

// The OID a connection would have found for the enum: any OID, for the decoder does not look.
constexpr auto enum_oid = static_cast<typq::oid>(16386);

// E reads the bytes exactly when they are one of its labels (of `labels`), as that label's
// enumerator, which encodes to the same bytes.
template <class E, class Labels>
void reads(const std::uint8_t* data, std::size_t size, const Labels& labels)
{
    const std::string_view text = typq_fuzz::bytes_of(data, size);
    const auto value = typq_fuzz::decode<E>(data, size, enum_oid);
    bool is_label = false;
    for (const auto& [enumerator, label] : labels) {
        if (label == text) {
            is_label = true;
            TYPQ_FUZZ_CHECK(value && *value == enumerator);
        }
    }
    TYPQ_FUZZ_CHECK(value.has_value() == is_label);
    if (value)
        TYPQ_FUZZ_CHECK(typq_fuzz::encode(*value) == text);
}

// The labels the enumerators' names give, written out: the oracle for the compile-time probe.
constexpr typq::enum_label<mood> mood_labels[] = {{mood::sad, "sad"}, {mood::ok, "ok"}, {mood::happy, "happy"}};
constexpr typq::enum_label<edge> edge_labels[] = {{edge::lowest, "lowest"}, {edge::zero, "zero"}, {edge::highest, "highest"}};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    reads<mood>(data, size, mood_labels);
    reads<edge>(data, size, edge_labels);
    reads<color>(data, size, typq_fuzz_enum::color_labels);
    return 0;
}
