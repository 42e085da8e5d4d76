// SPDX-License-Identifier: BSL-1.0
// typq/types/enum.hpp: a C++ enumeration <-> a PostgreSQL enum, by label. The labels are the
// enumerators' names, read at compile time, or given by the user; the enum's OID is looked up
// once per connection from its SQL name.
//
//     enum class mood { sad, ok, happy };
//     template <> struct typq::type<mood> : typq::enum_type<mood, "mood"> {};

#ifndef TYPQ_TYPES_ENUM_HPP
#define TYPQ_TYPES_ENUM_HPP

#include <typq/error.hpp>
#include <typq/type.hpp>
#include <typq/detail/sql_name.hpp>
#include <typq/detail/type_name.hpp>

#include <array>        // the label table
#include <cstddef>      // std::size_t
#include <iterator>     // std::size
#include <limits>       // the probed range of values
#include <string>       // messages
#include <string_view>  // labels
#include <type_traits>  // std::is_enum_v, std::underlying_type_t
#include <utility>      // std::pair, std::index_sequence, std::cmp_less

namespace typq {

/// One enumerator and its PostgreSQL label.
template <class E>
using enum_label = std::pair<E, std::string_view>;

namespace detail {

// The compiler's spelling of V inside this function's name: "mood::happy" for an enumerator,
// "(mood)3" for a value that names none. g++: "... [with auto V = mood::happy; ...]";
// clang: "... [V = mood::happy]".
template <auto V>
consteval std::string_view enumerator_spelling()
{
    const std::string_view function = __PRETTY_FUNCTION__;
    const std::size_t start = function.find("V = ") + 4;
    std::size_t end = start;
    while (end < function.size() && function[end] != ';' && function[end] != ']')
        ++end;
    return function.substr(start, end - start);
}

// An enumerator's name without its scope ("happy"), or empty for a value that names none, which
// the compilers print as a cast ("(mood)3", "((anonymous namespace)::mood)3"): the text after the
// last ':' is an enumerator's name only if it is an identifier.
template <auto V>
consteval std::string_view enumerator_name()
{
    constexpr std::string_view spelling = enumerator_spelling<V>();
    const std::size_t colon = spelling.rfind(':');
    const std::string_view name = colon == std::string_view::npos ? spelling : spelling.substr(colon + 1);
    if (name.empty() || (name[0] >= '0' && name[0] <= '9'))
        return {};
    for (const char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return {};
    return name;
}

// The values probed for enumerators: -128 to 255, within the underlying type; none for a type
// that is not an enumeration (enum_type's static_assert then says why).
template <class E>
struct enum_probe {
    static constexpr long long low = 0;
    static constexpr std::size_t count = 0;
};
template <class E>
    requires std::is_enum_v<E>
struct enum_probe<E> {
    using limits = std::numeric_limits<std::underlying_type_t<E>>;
    static constexpr long long low = std::cmp_less(limits::min(), -128) ? -128 : static_cast<long long>(limits::min());
    static constexpr long long high = std::cmp_greater(limits::max(), 255) ? 255 : static_cast<long long>(limits::max());
    static constexpr std::size_t count = static_cast<std::size_t>(high - low + 1);
};

// The name of every probed value (empty where none), by expansion into an array: a fold over
// several hundred values would pass clang's default nesting limit.
template <class E, std::size_t... I>
consteval std::array<std::string_view, sizeof...(I)> probe_enumerators(std::index_sequence<I...>)
{
    return {enumerator_name<static_cast<E>(enum_probe<E>::low + static_cast<long long>(I))>()...};
}

template <class E>
inline constexpr auto probed_enumerators = probe_enumerators<E>(std::make_index_sequence<enum_probe<E>::count>{});

template <class E>
consteval std::size_t count_enumerators()
{
    std::size_t count = 0;
    for (const std::string_view name : probed_enumerators<E>)
        count += name.empty() ? 0U : 1U;
    return count;
}

template <class E>
consteval std::array<enum_label<E>, count_enumerators<E>()> list_enumerators()
{
    std::array<enum_label<E>, count_enumerators<E>()> labels{};
    if constexpr (std::is_enum_v<E>) {
        std::size_t next = 0;
        for (std::size_t i = 0; i < probed_enumerators<E>.size(); ++i)
            if (!probed_enumerators<E>[i].empty())
                labels[next++] = {static_cast<E>(enum_probe<E>::low + static_cast<long long>(i)), probed_enumerators<E>[i]};
    }
    return labels;
}

/// E's enumerators with their names as labels, in value order (enumerators from -128 to 255;
/// give labels explicitly for others).
template <class E>
inline constexpr auto enumerator_labels = list_enumerators<E>();

// Labels are unique, non-empty and fit in a PostgreSQL name (63 bytes); values are unique.
template <class Labels>
consteval bool valid_enum_labels(const Labels& labels)
{
    for (std::size_t i = 0; i < std::size(labels); ++i) {
        if (labels[i].second.empty() || labels[i].second.size() > 63)
            return false;
        for (std::size_t j = 0; j < i; ++j)
            if (labels[i].second == labels[j].second || labels[i].first == labels[j].first)
                return false;
    }
    return true;
}

}  // namespace detail

/// The adapter of a C++ enumeration `E` and the PostgreSQL enum named `Name`, by label; derive
/// `typq::type<E>` from it. Binary, the label's text (`enum_send`); the enum's OID is looked up
/// by name once per connection. `Labels` (a constexpr array of `typq::enum_label<E>` with static
/// storage) gives the labels; by default they are the enumerators' names.
///
///     inline constexpr typq::enum_label<color> color_labels[] = {{color::dark_blue, "dark blue"}, ...};
///     template <> struct typq::type<color> : typq::enum_type<color, "color", color_labels> {};
///
/// A value without a label cannot be sent, and a label without a value cannot be read: both are
/// typq::conversion_error. The server refuses a label it does not have (typq::invalid_text_representation).
template <class E, sql_name Name, const auto& Labels = detail::enumerator_labels<E>>
struct enum_type {
    static_assert(std::is_enum_v<E>, "typq::enum_type<E, Name>: E must be an enumeration");
    static_assert(std::size(Labels) > 0,
        "typq::enum_type<E, Name>: no labels: E has no enumerators from -128 to 255 (give the labels explicitly)");
    static_assert(detail::valid_enum_labels(Labels),
        "typq::enum_type<E, Name>: labels must be unique, 1 to 63 bytes long, with one label per value");

    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = Name.view();
    static constexpr bool lookup_oid = true;

    static void encode(E value, writer& out)
    {
        for (const auto& [enumerator, label] : Labels) {
            if (enumerator == value) {
                out.put_text(label);
                return;
            }
        }
        throw conversion_error(detail::type_name<E>() + " value "
                + std::to_string(static_cast<long long>(static_cast<std::underlying_type_t<E>>(value)))
                + " has no label in enum " + std::string(sql_type),
            conversion_site{{}, std::string(sql_type), {}, detail::type_name<E>()});
    }

    // enum_in reads the label.
    static void encode_text(E value, std::string& out)
    {
        writer to(out);
        encode(value, to);
    }

    static void decode(value_view in, E& out)
    {
        const std::string_view text = in.text();
        for (const auto& [enumerator, label] : Labels) {
            if (label == text) {
                out = enumerator;
                return;
            }
        }
        in.fail("label \"" + std::string(text) + "\" of enum " + std::string(sql_type) + " is not one of "
            + detail::type_name<E>() + "'s");
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_ENUM_HPP
