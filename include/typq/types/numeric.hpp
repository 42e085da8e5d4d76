// SPDX-License-Identifier: BSL-1.0
// typq/types/numeric.hpp: typq::numeric, an exact decimal of any precision and scale kept in
// PostgreSQL's own form (sign, weight, display scale, base-10000 digits), and its binary adapter
// (numeric_send / numeric_recv).

#ifndef TYPQ_TYPES_NUMERIC_HPP
#define TYPQ_TYPES_NUMERIC_HPP

#include <typq/error.hpp>
#include <typq/type.hpp>
#include <typq/detail/hex.hpp>

#include <charconv>      // std::to_chars / std::from_chars: double conversions
#include <compare>       // std::weak_ordering
#include <concepts>      // std::integral, std::same_as
#include <cstddef>       // std::size_t
#include <cstdint>       // the wire's 16-bit fields
#include <limits>        // integer limits, quiet_NaN, infinity
#include <span>          // digits()
#include <string>        // to_string(), messages
#include <string_view>   // parse()
#include <system_error>  // std::errc
#include <type_traits>   // std::make_unsigned_t, std::is_signed_v
#include <utility>       // std::move
#include <vector>        // the digits

namespace typq {
namespace detail {

// Every integer type but bool and the character types, up to 64 bits.
template <class T>
concept numeric_integer = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char>
    && !std::same_as<T, wchar_t> && !std::same_as<T, char8_t> && !std::same_as<T, char16_t>
    && !std::same_as<T, char32_t> && sizeof(T) <= 8;

[[noreturn]] inline void throw_numeric_error(const std::string& message)
{
    throw conversion_error(message, conversion_site{{}, "numeric", {}, {}});
}

// C's isspace in the "C" locale, which numeric_in uses around the value.
constexpr bool numeric_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

constexpr bool numeric_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Floor division by 4 (a decimal exponent to its base-10000 group), also for negative numbers.
constexpr long long numeric_group_of(long long exponent) noexcept
{
    return exponent >= 0 ? exponent / 4 : -((-exponent + 3) / 4);
}

}  // namespace detail

/// An exact decimal number as PostgreSQL's `numeric` holds it: any value the server can store
/// (up to 131072 digits before the point and 16383 after), NaN, +Infinity and -Infinity. The
/// display scale is kept: `1.50` prints as `1.50`, yet equals `1.5` (comparisons are by value,
/// in PostgreSQL's order, where NaN equals NaN and is greater than everything, +Infinity included).
///
/// The representation is the wire's: a sign, a weight (the power of 10000 of the first digit)
/// and base-10000 digits without leading or trailing zero digits, so encoding and decoding only
/// copy. typq::numeric does no arithmetic; it carries values between C++ and the server.
///
/// Conversions: from any integer (exact), `parse` (what the server's `numeric_in` accepts),
/// `from_double` (the shortest decimal that reads back as the same double); to integers with
/// `to<I>()` (exact: an error when out of range or when a fraction would be lost), `round_to<I>()`
/// (half away from zero, like the server's cast to int8), `truncate_to<I>()` (toward zero), and
/// `to_double()` (the nearest double, possibly inexact).
class numeric {
public:
    /// The largest display scale (digits after the point) a value can have.
    static constexpr int max_scale = 16383;
    /// The most digits a value can have before the point.
    static constexpr int max_integer_digits = 131072;

    /// Zero, with scale 0.
    numeric() = default;

    /// `value` exactly, with scale 0.
    template <detail::numeric_integer I>
    explicit numeric(I value)
    {
        using magnitude_type = std::make_unsigned_t<I>;
        auto magnitude = static_cast<magnitude_type>(value);
        if constexpr (std::is_signed_v<I>)
            if (value < 0) {
                magnitude = static_cast<magnitude_type>(magnitude_type{0} - magnitude);
                sign_ = negative_sign;
            }
        set_magnitude(static_cast<std::uint64_t>(magnitude));
    }

    /// Reads `text` as the server's `numeric_in` does.
    /// That is: optional spaces, an optional sign, digits
    /// with an optional point (`12`, `1.50`, `.5`, `5.`), an optional exponent (`1e-5`, `2E+3`),
    /// optional spaces; or `NaN`, `Infinity`, `+Infinity`, `-Infinity`, `inf`, `+inf`, `-inf` in
    /// any case. The scale is the number of digits after the point, less the exponent (at least 0).
    /// @throws typq::conversion_error for anything else, and for values the server cannot hold
    ///         (more than 131072 digits before the point, a scale above 16383).
    [[nodiscard]] static numeric parse(std::string_view text);

    /// The shortest decimal that reads back as exactly `value` (`0.1` for 0.1, `0.30000000000000004`
    /// for 0.1 + 0.2); NaN and the infinities map to NaN and the infinities; -0.0 gives 0.
    /// The server's `float8::numeric` keeps only 15 significant digits instead.
    [[nodiscard]] static numeric from_double(double value);

    /// NaN, which PostgreSQL's numeric has (equal to itself, greater than every other value).
    [[nodiscard]] static numeric nan() noexcept { return numeric(special_tag{}, nan_sign); }
    /// +Infinity.
    [[nodiscard]] static numeric infinity() noexcept { return numeric(special_tag{}, positive_infinity_sign); }
    /// -Infinity.
    [[nodiscard]] static numeric negative_infinity() noexcept { return numeric(special_tag{}, negative_infinity_sign); }

    /// The text the server prints for the value (`numeric_out`): `-1.50`, `0.000`, `NaN`,
    /// `Infinity`, `-Infinity`; never an exponent.
    [[nodiscard]] std::string to_string() const;

    /// True for NaN.
    [[nodiscard]] bool is_nan() const noexcept { return sign_ == nan_sign; }
    /// +Infinity or -Infinity.
    [[nodiscard]] bool is_infinite() const noexcept
    {
        return sign_ == positive_infinity_sign || sign_ == negative_infinity_sign;
    }
    /// Neither NaN nor an infinity.
    [[nodiscard]] bool is_finite() const noexcept { return sign_ == positive_sign || sign_ == negative_sign; }
    /// True for zero, whatever its scale (`0.000`).
    [[nodiscard]] bool is_zero() const noexcept { return is_finite() && digits_.empty(); }
    /// -1 for a negative value or -Infinity, 1 for a positive value or +Infinity, 0 for zero and NaN.
    [[nodiscard]] int sign() const noexcept
    {
        if (sign_ == negative_sign || sign_ == negative_infinity_sign)
            return -1;
        if (sign_ == positive_infinity_sign || (sign_ == positive_sign && !digits_.empty()))
            return 1;
        return 0;
    }

    /// The display scale: digits shown after the point (2 for `1.50`); 0 for NaN and infinities.
    [[nodiscard]] int scale() const noexcept { return dscale_; }
    /// The power of 10000 of the first base-10000 digit (0 for zero and the special values).
    [[nodiscard]] int weight() const noexcept { return weight_; }
    /// The base-10000 digits, most significant first, without leading or trailing zeros (empty
    /// for zero and the special values).
    [[nodiscard]] std::span<const std::int16_t> digits() const noexcept { return digits_; }

    /// The value as integer `I`.
    /// @throws typq::conversion_error for NaN, an infinity, a value out of `I`'s range, or a value
    ///         with a non-zero fraction (use round_to or truncate_to to drop it).
    template <detail::numeric_integer I>
    [[nodiscard]] I to() const
    {
        const auto parts = integer_parts();
        if (parts.fraction)
            detail::throw_numeric_error("numeric value has a fractional part, which an integer cannot hold "
                                        "(use round_to or truncate_to)");
        return fit<I>(parts.magnitude, parts.overflow);
    }

    /// The value rounded to the nearest integer, halves away from zero (as the server's cast to int8).
    /// @throws typq::conversion_error for NaN, an infinity or a result out of `I`'s range.
    template <detail::numeric_integer I>
    [[nodiscard]] I round_to() const
    {
        auto parts = integer_parts();
        if (parts.round_up && !parts.overflow) {
            parts.overflow = parts.magnitude == std::numeric_limits<std::uint64_t>::max();
            ++parts.magnitude;
        }
        return fit<I>(parts.magnitude, parts.overflow);
    }

    /// The integer part, the fraction dropped (toward zero).
    /// @throws typq::conversion_error for NaN, an infinity or a result out of `I`'s range.
    template <detail::numeric_integer I>
    [[nodiscard]] I truncate_to() const
    {
        const auto parts = integer_parts();
        return fit<I>(parts.magnitude, parts.overflow);
    }

    /// The nearest double (so possibly inexact: 0.1 is not a double); NaN and the infinities map
    /// to theirs.
    /// @throws typq::conversion_error when the value is beyond double's range, or so small that it
    ///         would become 0 (as the server's cast to float8 refuses them).
    [[nodiscard]] double to_double() const;

    /// Equal values, whatever their scales: `1.5 == 1.50`; NaN equals NaN.
    friend bool operator==(const numeric& a, const numeric& b) noexcept { return compare(a, b) == 0; }
    /// PostgreSQL's order: -Infinity, the finite values, +Infinity, NaN.
    friend std::weak_ordering operator<=>(const numeric& a, const numeric& b) noexcept
    {
        const int order = compare(a, b);
        return order < 0 ? std::weak_ordering::less
            : order > 0  ? std::weak_ordering::greater
                         : std::weak_ordering::equivalent;
    }

private:
    friend struct type<numeric>;

    // numeric_send's sign words.
    static constexpr std::uint16_t positive_sign = 0x0000;
    static constexpr std::uint16_t negative_sign = 0x4000;
    static constexpr std::uint16_t nan_sign = 0xC000;
    static constexpr std::uint16_t positive_infinity_sign = 0xD000;
    static constexpr std::uint16_t negative_infinity_sign = 0xF000;
    static constexpr int digit_base = 10000;
    static constexpr int max_weight = 32767;

    struct special_tag {};
    numeric(special_tag, std::uint16_t special) noexcept : sign_(special) {}

    struct integer_view {
        std::uint64_t magnitude = 0;
        bool overflow = false;  // the integer part does not fit 64 bits
        bool fraction = false;  // a non-zero digit after the point
        bool round_up = false;  // the first digit after the point is 5 or more
    };

    // The base-10000 digit of power `group` (0 outside the stored digits).
    [[nodiscard]] int digit_at(long long group) const noexcept
    {
        const long long index = static_cast<long long>(weight_) - group;
        if (index < 0 || index >= static_cast<long long>(digits_.size()))
            return 0;
        return digits_[static_cast<std::size_t>(index)];
    }

    void set_magnitude(std::uint64_t magnitude)
    {
        int groups = 0;
        for (auto rest = magnitude; rest != 0; rest /= digit_base)
            ++groups;
        digits_.assign(static_cast<std::size_t>(groups), 0);
        for (auto i = groups; i-- > 0; magnitude /= digit_base)
            digits_[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(magnitude % digit_base);
        weight_ = static_cast<std::int16_t>(groups - 1);
        normalize();
    }

    // make_result's stripping: no leading or trailing zero digits; zero is positive with weight 0.
    void normalize()
    {
        std::size_t leading = 0;
        while (leading < digits_.size() && digits_[leading] == 0)
            ++leading;
        if (leading > 0) {
            digits_.erase(digits_.begin(), digits_.begin() + static_cast<std::ptrdiff_t>(leading));
            weight_ = static_cast<std::int16_t>(weight_ - static_cast<int>(leading));
        }
        while (!digits_.empty() && digits_.back() == 0)
            digits_.pop_back();
        if (digits_.empty()) {
            weight_ = 0;
            sign_ = positive_sign;
        }
    }

    [[nodiscard]] integer_view integer_parts() const
    {
        if (is_nan())
            detail::throw_numeric_error("cannot convert numeric NaN to an integer");
        if (is_infinite())
            detail::throw_numeric_error("cannot convert numeric infinity to an integer");
        integer_view parts;
        constexpr auto limit = std::numeric_limits<std::uint64_t>::max();
        for (long long group = weight_; group >= 0 && !parts.overflow; --group) {
            const auto digit = static_cast<std::uint64_t>(digit_at(group));
            if (parts.magnitude > (limit - digit) / digit_base)
                parts.overflow = true;
            else
                parts.magnitude = parts.magnitude * digit_base + digit;
        }
        // Digits are stripped of trailing zeros: a fraction exists when the last one is after the point.
        parts.fraction = !digits_.empty() && static_cast<long long>(weight_) - static_cast<long long>(digits_.size()) + 1 < 0;
        parts.round_up = digit_at(-1) >= digit_base / 2;
        return parts;
    }

    template <class I>
    [[nodiscard]] I fit(std::uint64_t magnitude, bool overflow) const
    {
        using unsigned_type = std::make_unsigned_t<I>;
        constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<I>::max());
        if (!overflow) {
            if (sign_ != negative_sign) {
                if (magnitude <= max)
                    return static_cast<I>(magnitude);
            }
            else if constexpr (std::is_signed_v<I>) {
                if (magnitude <= max + 1)  // |min| is max + 1
                    return static_cast<I>(static_cast<unsigned_type>(unsigned_type{0} - static_cast<unsigned_type>(magnitude)));
            }
            else if (magnitude == 0)
                return 0;
        }
        detail::throw_numeric_error("numeric value is out of range for a " + std::to_string(sizeof(I) * 8) + "-bit "
            + (std::is_signed_v<I> ? "signed" : "unsigned") + " integer");
    }

    // cmp_numerics: -1, 0 or 1.
    [[nodiscard]] static int compare(const numeric& a, const numeric& b) noexcept
    {
        const auto rank = [](const numeric& n) {
            switch (n.sign_) {
            case negative_infinity_sign: return 0;
            case positive_infinity_sign: return 2;
            case nan_sign: return 3;
            default: return 1;
            }
        };
        if (rank(a) != rank(b))
            return rank(a) < rank(b) ? -1 : 1;
        if (rank(a) != 1)
            return 0;
        if (a.sign() != b.sign())
            return a.sign() < b.sign() ? -1 : 1;
        if (a.digits_.empty())
            return 0;
        int magnitude = 0;  // |a| against |b|
        if (a.weight_ != b.weight_)
            magnitude = a.weight_ < b.weight_ ? -1 : 1;
        else {
            std::size_t i = 0;
            for (; i < a.digits_.size() && i < b.digits_.size() && magnitude == 0; ++i)
                if (a.digits_[i] != b.digits_[i])
                    magnitude = a.digits_[i] < b.digits_[i] ? -1 : 1;
            // Without trailing zeros, the longer of two equal prefixes is the larger magnitude.
            if (magnitude == 0 && a.digits_.size() != b.digits_.size())
                magnitude = a.digits_.size() < b.digits_.size() ? -1 : 1;
        }
        return a.sign_ == negative_sign ? -magnitude : magnitude;
    }

    std::vector<std::int16_t> digits_;
    std::int16_t weight_ = 0;
    std::uint16_t sign_ = positive_sign;
    std::uint16_t dscale_ = 0;
};

inline numeric numeric::parse(std::string_view text)
{
    const auto syntax_error = [] {
        detail::throw_numeric_error("invalid input syntax for type numeric (expected digits with an optional "
                                    "point and exponent, NaN, Infinity or -Infinity)");
    };
    std::size_t at = 0;
    const auto n = text.size();
    while (at < n && detail::numeric_space(text[at]))
        ++at;

    // numeric_in tries the special words first, in this order, by case-insensitive prefix.
    const auto starts_with = [&](std::string_view word) {
        if (n - at < word.size())
            return false;
        for (std::size_t i = 0; i < word.size(); ++i) {
            char c = text[at + i];
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
            char w = word[i];
            if (w >= 'A' && w <= 'Z')
                w = static_cast<char>(w - 'A' + 'a');
            if (c != w)
                return false;
        }
        return true;
    };
    const auto rest_is_space = [&](std::size_t from) {
        for (; from < n; ++from)
            if (!detail::numeric_space(text[from]))
                return false;
        return true;
    };
    struct special_word {
        std::string_view word;
        std::uint16_t sign;
    };
    constexpr special_word specials[] = {{"NaN", nan_sign}, {"Infinity", positive_infinity_sign},
        {"+Infinity", positive_infinity_sign}, {"-Infinity", negative_infinity_sign}, {"inf", positive_infinity_sign},
        {"+inf", positive_infinity_sign}, {"-inf", negative_infinity_sign}};
    for (const auto& special : specials)
        if (starts_with(special.word)) {
            if (!rest_is_space(at + special.word.size()))
                syntax_error();
            return numeric(special_tag{}, special.sign);
        }

    // set_var_from_str: sign, digits, point, digits (at least one digit in all), exponent.
    bool negative = false;
    if (at < n && (text[at] == '+' || text[at] == '-'))
        negative = text[at++] == '-';
    const auto integer_begin = at;
    while (at < n && detail::numeric_digit(text[at]))
        ++at;
    const auto integer_digits = text.substr(integer_begin, at - integer_begin);
    std::string_view fraction_digits;
    if (at < n && text[at] == '.') {
        const auto fraction_begin = ++at;
        while (at < n && detail::numeric_digit(text[at]))
            ++at;
        fraction_digits = text.substr(fraction_begin, at - fraction_begin);
    }
    if (integer_digits.empty() && fraction_digits.empty())
        syntax_error();
    long long exponent = 0;
    if (at < n && (text[at] == 'e' || text[at] == 'E')) {
        // The exponent is read with strtol: leading spaces, a sign, at least one digit.
        ++at;
        while (at < n && detail::numeric_space(text[at]))
            ++at;
        bool negative_exponent = false;
        if (at < n && (text[at] == '+' || text[at] == '-'))
            negative_exponent = text[at++] == '-';
        const auto exponent_begin = at;
        for (; at < n && detail::numeric_digit(text[at]); ++at)
            if (exponent < 4'000'000'000LL)  // saturates, like strtol
                exponent = exponent * 10 + (text[at] - '0');
        if (at == exponent_begin)
            syntax_error();
        if (negative_exponent)
            exponent = -exponent;
    }
    if (!rest_is_space(at))
        syntax_error();

    const auto overflow = [] {
        detail::throw_numeric_error("value overflows numeric format (at most 131072 digits before the point and "
                                    "16383 after)");
    };
    constexpr long long exponent_limit = std::numeric_limits<int>::max() / 2;
    if (exponent >= exponent_limit || exponent <= -exponent_limit)
        overflow();
    const long long scale = static_cast<long long>(fraction_digits.size()) - exponent;
    if (scale > max_scale)
        overflow();

    numeric result;
    result.dscale_ = static_cast<std::uint16_t>(scale < 0 ? 0 : scale);
    // All the digits as one sequence: digit i has decimal exponent `point - 1 - i`.
    const auto digit_count = integer_digits.size() + fraction_digits.size();
    const auto digit = [&](std::size_t i) {
        return i < integer_digits.size() ? integer_digits[i] - '0' : fraction_digits[i - integer_digits.size()] - '0';
    };
    std::size_t first = 0;
    while (first < digit_count && digit(first) == 0)
        ++first;
    std::size_t end = digit_count;
    while (end > first && digit(end - 1) == 0)
        --end;
    if (first == end)
        return result;  // zero, with its scale
    const long long point = static_cast<long long>(integer_digits.size()) + exponent;
    const long long top = point - 1 - static_cast<long long>(first);  // decimal exponent of the first digit
    const long long bottom = point - static_cast<long long>(end);     // of the last
    const long long weight = detail::numeric_group_of(top);
    if (weight > max_weight)
        overflow();
    const long long lowest = detail::numeric_group_of(bottom);
    constexpr int powers[] = {1, 10, 100, 1000};
    result.digits_.assign(static_cast<std::size_t>(weight - lowest + 1), 0);
    for (auto i = first; i < end; ++i) {
        const long long e = top - static_cast<long long>(i - first);
        const long long group = detail::numeric_group_of(e);
        auto& target = result.digits_[static_cast<std::size_t>(weight - group)];
        target = static_cast<std::int16_t>(target + digit(i) * powers[e - group * 4]);
    }
    result.weight_ = static_cast<std::int16_t>(weight);
    result.sign_ = negative ? negative_sign : positive_sign;
    result.normalize();
    return result;
}

inline numeric numeric::from_double(double value)
{
    if (value != value)
        return nan();
    if (value == std::numeric_limits<double>::infinity())
        return infinity();
    if (value == -std::numeric_limits<double>::infinity())
        return negative_infinity();
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (ec != std::errc{})
        detail::throw_numeric_error("cannot format a double");  // 64 bytes always suffice
    return parse(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

inline std::string numeric::to_string() const
{
    switch (sign_) {
    case nan_sign: return "NaN";
    case positive_infinity_sign: return "Infinity";
    case negative_infinity_sign: return "-Infinity";
    default: break;
    }
    std::string text;
    text.reserve((weight_ > 0 ? static_cast<std::size_t>(weight_) * 4 + 4 : 4) + dscale_ + 2);
    if (sign_ == negative_sign)
        text += '-';
    const auto put_group = [&](int digit, int count) {  // the first `count` of its 4 decimal digits
        const char decimals[4] = {static_cast<char>('0' + digit / 1000), static_cast<char>('0' + digit / 100 % 10),
            static_cast<char>('0' + digit / 10 % 10), static_cast<char>('0' + digit % 10)};
        text.append(decimals, static_cast<std::size_t>(count));
    };
    if (weight_ < 0)
        text += '0';
    else {
        const auto leading = std::to_string(digit_at(weight_));
        text += leading;
        for (long long group = weight_ - 1; group >= 0; --group)
            put_group(digit_at(group), 4);
    }
    if (dscale_ > 0) {
        text += '.';
        int remaining = dscale_;
        for (long long group = -1; remaining > 0; --group, remaining -= 4)
            put_group(digit_at(group), remaining < 4 ? remaining : 4);
    }
    return text;
}

inline double numeric::to_double() const
{
    switch (sign_) {
    case nan_sign: return std::numeric_limits<double>::quiet_NaN();
    case positive_infinity_sign: return std::numeric_limits<double>::infinity();
    case negative_infinity_sign: return -std::numeric_limits<double>::infinity();
    default: break;
    }
    const auto text = to_string();
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range)
        detail::throw_numeric_error("numeric value is out of range for double");
    if (ec != std::errc{} || end != text.data() + text.size())
        detail::throw_numeric_error("cannot convert numeric to double");
    return value;
}

/// typq::numeric as `numeric` (OID 1700): binary, `numeric_send`'s digit count, weight, sign and
/// display scale (16 bits each), then the base-10000 digits. Reads numeric columns, and int2, int4
/// and int8 columns too (every integer is exactly a numeric, of scale 0); every field of a numeric
/// value is checked as `numeric_recv` checks it.
template <>
struct type<numeric> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "numeric";
    static constexpr oid param_oid = oid::numeric;
    static constexpr oid array_oid = oid::numeric_array;

    static constexpr bool accepts(oid column) noexcept
    {
        return column == oid::numeric || column == oid::int2 || column == oid::int4 || column == oid::int8;
    }

    // numeric_send: ndigits, weight, sign, dscale (16 bits each), then the digits.
    static void encode(const numeric& value, writer& out)
    {
        out.put_be(static_cast<std::uint16_t>(value.digits_.size()));
        out.put_be(value.weight_);
        out.put_be(value.sign_);
        // For an infinity numeric_send reads the display scale out of the short header's flag
        // bits (0x1000 >> 7 = 32); numeric_recv ignores the field for NaN and infinities.
        out.put_be(static_cast<std::uint16_t>(value.is_infinite() ? 0x20 : value.dscale_));
        for (const auto digit : value.digits_)
            out.put_be(digit);
    }

    static void encode_text(const numeric& value, std::string& out) { out += value.to_string(); }

    // numeric_recv: every field checked, as the server checks it; digits the display scale hides
    // are dropped (trunc_var), and leading and trailing zero digits stripped.
    static void decode(value_view in, numeric& out)
    {
        if (in.type() != oid::numeric) {
            out = numeric(in.read_integer<std::int64_t>());
            return;
        }
        const auto field = [&](std::size_t offset) { return in.subview(offset, 2, in.type()).read_be<std::uint16_t>(); };
        if (in.size() < 8)
            in.fail("numeric value is " + std::to_string(in.size()) + " bytes, shorter than its 8-byte header");
        const std::size_t count = field(0);
        const auto weight = static_cast<std::int16_t>(field(2));
        const std::uint16_t sign = field(4);
        const std::uint16_t scale = field(6);
        if (in.size() != 8 + 2 * count)
            in.fail("numeric value is " + std::to_string(in.size()) + " bytes, but its header announces "
                + std::to_string(count) + " digits (" + std::to_string(8 + 2 * count) + " bytes)");
        if (sign != numeric::positive_sign && sign != numeric::negative_sign && sign != numeric::nan_sign
            && sign != numeric::positive_infinity_sign && sign != numeric::negative_infinity_sign) {
            in.fail("invalid numeric sign word 0x" + detail::to_hex(sign, 4));
        }
        if (scale > numeric::max_scale)
            in.fail("numeric display scale " + std::to_string(scale) + " is above 16383");
        std::vector<std::int16_t> digits(count);
        for (std::size_t i = 0; i < count; ++i) {
            const auto digit = static_cast<std::int16_t>(field(8 + 2 * i));
            if (digit < 0 || digit >= numeric::digit_base)
                in.fail("numeric digit " + std::to_string(i) + " is " + std::to_string(digit)
                    + ", not a base-10000 digit");
            digits[i] = digit;
        }
        if (sign == numeric::nan_sign || sign == numeric::positive_infinity_sign
            || sign == numeric::negative_infinity_sign) {
            out = numeric(numeric::special_tag{}, sign);
            return;
        }
        // trunc_var: keep (weight + 1) * 4 + dscale decimal digits.
        const long long kept = (static_cast<long long>(weight) + 1) * 4 + scale;
        if (kept <= 0)
            digits.clear();
        else if (const auto groups = static_cast<std::size_t>((kept + 3) / 4); groups <= digits.size()) {
            digits.resize(groups);
            if (const auto partial = static_cast<int>(kept % 4); partial > 0) {
                constexpr int dropped[] = {1, 1000, 100, 10};
                digits.back() = static_cast<std::int16_t>(digits.back() - digits.back() % dropped[partial]);
            }
        }
        numeric value;
        value.digits_ = std::move(digits);
        value.weight_ = weight;
        value.sign_ = sign;
        value.dscale_ = scale;
        value.normalize();
        out = std::move(value);
    }
    /// @}
};

}  // namespace typq

#endif  // TYPQ_TYPES_NUMERIC_HPP
