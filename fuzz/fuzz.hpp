// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz.hpp: what every libFuzzer harness shares. A harness hands the fuzzer's bytes to typq's
// decoders (typq::type<T>::decode on a value_view of a given column OID), exactly as a result's
// value reaches them. A decoder may refuse the bytes only with typq::conversion_error; anything
// else (another exception, a sanitizer report, a failed property check) is a finding.

#ifndef TYPQ_FUZZ_FUZZ_HPP
#define TYPQ_FUZZ_FUZZ_HPP

#include <typq/error.hpp>
#include <typq/oid.hpp>
#include <typq/type.hpp>

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t, the fuzzer's bytes
#include <cstdio>       // std::fprintf: the finding's message
#include <cstdlib>      // std::abort: libFuzzer saves the input that aborted
#include <cstring>      // std::memcmp
#include <optional>     // a decode that was refused
#include <string>       // encoded bytes
#include <string_view>  // byte views

namespace typq_fuzz {

/// Reports a broken property and aborts, so that libFuzzer keeps the input as a crash.
[[noreturn]] inline void finding(const char* what, const char* file, int line)
{
    std::fprintf(stderr, "typq fuzz finding: %s (%s:%d)\n", what, file, line);
    std::fflush(stderr);
    std::abort();
}

/// The value as a result column of type `column` holds it. The one place that builds a
/// value_view: the decoders see exactly what typq's row decoder hands them.
inline typq::value_view view(const std::uint8_t* data, std::size_t size, typq::oid column) noexcept
{
    return typq::value_view(reinterpret_cast<const char*>(data), size, column);
}

inline typq::value_view view(std::string_view bytes, typq::oid column) noexcept
{
    return typq::value_view(bytes.data(), bytes.size(), column);
}

/// typq's decoder for T on the bytes, or nothing when it refuses them with conversion_error (the
/// only refusal a decoder may make); any other exception escapes to libFuzzer, a finding.
template <class T>
std::optional<T> decode(typq::value_view in)
{
    T out{};
    try {
        typq::type<T>::decode(in, out);
    }
    catch (const typq::conversion_error&) {
        return std::nullopt;
    }
    return out;
}

template <class T>
std::optional<T> decode(const std::uint8_t* data, std::size_t size, typq::oid column)
{
    return decode<T>(view(data, size, column));
}

/// The bytes typq sends for `value`.
template <class T>
std::string encode(const T& value)
{
    std::string bytes;
    typq::writer out(bytes);
    typq::type<T>::encode(value, out);
    return bytes;
}

/// The input bytes, as a string_view, for comparisons with encoded bytes.
inline std::string_view bytes_of(const std::uint8_t* data, std::size_t size) noexcept
{
    return size == 0 ? std::string_view() : std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace typq_fuzz

/// A property of typq's decoders that must hold for every input.
#define TYPQ_FUZZ_CHECK(condition)                                        \
    do {                                                                  \
        if (!(condition))                                                 \
            ::typq_fuzz::finding(#condition, __FILE__, __LINE__);         \
    } while (false)

namespace typq_fuzz {

/// Decodes the bytes as T from a `column` column; when that works: encoding the value gives bytes
/// that decode, as T's own parameter type, to an equal value (decode(encode(x)) == x, by `equal`),
/// and, when `canonical`,
/// exactly the input bytes (the decoder accepts only the form the server's *send function
/// produces, which typq's encoder also produces). Returns the decoded value.
template <class T, class Equal>
std::optional<T> round_trip(const std::uint8_t* data, std::size_t size, typq::oid column, bool canonical, Equal equal)
{
    auto value = decode<T>(data, size, column);
    if (!value)
        return value;
    std::string bytes;
    try {
        bytes = encode(*value);
    }
    catch (const typq::conversion_error&) {
        // A value the server can never send, which typq reads but will not send back: text with
        // a NUL byte (the text harness checks that this is the only such case for text).
        return value;
    }
    if (canonical)
        TYPQ_FUZZ_CHECK(bytes == bytes_of(data, size));
    const auto again = decode<T>(view(bytes, typq::type<T>::param_oid));
    TYPQ_FUZZ_CHECK(again.has_value());
    TYPQ_FUZZ_CHECK(equal(*value, *again));
    return value;
}

template <class T>
std::optional<T> round_trip(const std::uint8_t* data, std::size_t size, typq::oid column, bool canonical)
{
    return round_trip<T>(data, size, column, canonical, [](const T& a, const T& b) { return a == b; });
}

}  // namespace typq_fuzz

#endif  // TYPQ_FUZZ_FUZZ_HPP
