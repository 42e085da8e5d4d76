// SPDX-License-Identifier: BSL-1.0
// typq/types/chrono.hpp: date and time on std::chrono, in binary (date_send, time_send,
// timetz_send, timestamp_send, timestamptz_send, interval_send): typq::timestamptz,
// typq::timestamp, typq::time_of_day, typq::time_of_day_tz, typq::interval, and adapters for
// std::chrono::sys_days, year_month_day, sys_time / local_time and duration. The only typq header
// that includes <chrono>.

#ifndef TYPQ_TYPES_CHRONO_HPP
#define TYPQ_TYPES_CHRONO_HPP

#include <typq/error.hpp>
#include <typq/type.hpp>

#include <chrono>       // the C++ side of every type here
#include <compare>      // operator<=>
#include <concepts>     // std::signed_integral
#include <cstdint>      // the wire's int4 and int8 fields
#include <limits>       // the infinities' wire values
#include <ratio>        // std::micro, std::ratio_divide
#include <string>       // messages
#include <string_view>  // sql_type, names in messages
#include <type_traits>  // std::false_type
#include <utility>      // std::in_range

namespace typq {

/// A `timestamptz`: an instant, microseconds since 1970-01-01 00:00:00 UTC. PostgreSQL stores
/// and sends a timestamptz as UTC; the session's `TimeZone` changes only how the server prints
/// and parses text, so a typq::timestamptz means the same instant whatever `SET TimeZone` says.
///
/// - `infinity` is `typq::timestamptz::max()` and `-infinity` is `typq::timestamptz::min()`, both
///   ways. Both are outside the finite values typq reads or writes.
/// - Finite values run from 4714-11-24 00:00:00 BC (PostgreSQL's first) to
///   294247-01-10 04:00:54.775806 UTC (one microsecond before `max()`, the last instant this
///   type holds besides infinity): the server's later values, up to 294276-12-31 23:59:59.999999,
///   are a `typq::conversion_error` when read, never wrapped.
/// - As parameters, `std::chrono::sys_time<D>` of other integer durations (`seconds`,
///   `milliseconds`, `nanoseconds`...) are sent exactly: a sub-microsecond remainder is a
///   `typq::conversion_error`, never rounded, and each type's `max()`/`min()` is ±infinity.
///   `sys_days` is a `date` (see below).
using timestamptz = std::chrono::sys_time<std::chrono::microseconds>;

/// A `timestamp` (without time zone): a wall-clock date and time in no particular zone,
/// microseconds since 1970-01-01 00:00:00 on `std::chrono::local_t`. `infinity`/`-infinity` are
/// `max()`/`min()` and the range is as for typq::timestamptz; other `local_time<D>` are parameters
/// as `sys_time<D>` are for timestamptz.
using timestamp = std::chrono::local_time<std::chrono::microseconds>;

namespace detail {

// PostgreSQL's epoch (POSTGRES_EPOCH_JDATE, 2000-01-01) on std::chrono's (1970-01-01).
inline constexpr std::int64_t pg_epoch_days =
    std::chrono::sys_days{std::chrono::year{2000} / 1 / 1}.time_since_epoch().count();
inline constexpr std::int64_t usecs_per_day = 86'400'000'000;
inline constexpr std::int64_t pg_epoch_usecs = pg_epoch_days * usecs_per_day;

// datatype/timestamp.h: dates run from Julian day 0 (DATETIME_MIN_JULIAN, 4714-11-24 BC) to
// DATE_END_JULIAN (5874898-01-01) exclusive, in days from 2000-01-01; timestamps from
// MIN_TIMESTAMP to END_TIMESTAMP (294277-01-01) exclusive, in microseconds. DATEVAL_NOBEGIN /
// DATEVAL_NOEND and DT_NOBEGIN / DT_NOEND are the infinities.
inline constexpr std::int32_t date_min = -2'451'545;
inline constexpr std::int32_t date_end = 2'147'483'494 - 2'451'545;
inline constexpr std::int64_t timestamp_min = -211'813'488'000'000'000;
inline constexpr std::int64_t timestamp_end = 9'223'371'331'200'000'000;
// timetz_recv refuses a zone displacement of TZDISP_LIMIT seconds or more (16 hours).
inline constexpr std::int32_t zone_limit = 16 * 3600;

// Every C++ microsecond count that is not max() maps below END_TIMESTAMP, so encoders check only
// the lower end; decoders refuse the server's values past the C++ range.
static_assert(std::numeric_limits<std::int64_t>::max() - pg_epoch_usecs < timestamp_end);
// sys_days::max()/min() lie outside the server's finite dates, so reading them as ±infinity
// hides no date.
static_assert(std::chrono::sys_days::max().time_since_epoch().count() >= date_end + pg_epoch_days);
static_assert(std::chrono::sys_days::min().time_since_epoch().count() < date_min + pg_epoch_days);

template <class D>
struct is_duration : std::false_type {};
template <class Rep, class Period>
struct is_duration<std::chrono::duration<Rep, Period>> : std::true_type {};

/// A duration with a signed integer count of at most 64 bits whose tick is a whole number of
/// microseconds or a whole fraction of one: it converts to and from microseconds exactly or not
/// at all, never by rounding.
template <class D>
concept wire_duration = is_duration<D>::value && std::signed_integral<typename D::rep>
    && sizeof(typename D::rep) <= 8
    && (std::ratio_divide<typename D::period, std::micro>::num == 1
        || std::ratio_divide<typename D::period, std::micro>::den == 1);

enum class duration_cast_result { exact, inexact, out_of_range };

// `count` units of one clock period as units of another, exactly: `Ratio` is the old period
// over the new one (a whole multiple, or a whole fraction such as 1/1000).
template <class Ratio>
constexpr duration_cast_result rescale_exactly(std::int64_t count, std::int64_t& out) noexcept
{
    if constexpr (Ratio::den == 1) {
        constexpr std::int64_t factor = Ratio::num;
        if (count > std::numeric_limits<std::int64_t>::max() / factor
            || count < std::numeric_limits<std::int64_t>::min() / factor)
            return duration_cast_result::out_of_range;
        out = count * factor;
    }
    else {
        constexpr std::int64_t divisor = Ratio::den;
        if (count % divisor != 0)
            return duration_cast_result::inexact;
        out = count / divisor;
    }
    return duration_cast_result::exact;
}

// `d` in microseconds, exactly.
template <class Rep, class Period>
constexpr duration_cast_result to_microseconds(std::chrono::duration<Rep, Period> d, std::int64_t& out) noexcept
{
    return rescale_exactly<std::ratio_divide<Period, std::micro>>(d.count(), out);
}

// `usecs` microseconds as a D, exactly.
template <class D>
constexpr duration_cast_result from_microseconds(std::int64_t usecs, D& out) noexcept
{
    std::int64_t count = 0;
    if (const auto rescaled = rescale_exactly<std::ratio_divide<std::micro, typename D::period>>(usecs, count);
        rescaled != duration_cast_result::exact)
        return rescaled;
    if (!std::in_range<typename D::rep>(count))
        return duration_cast_result::out_of_range;
    out = D{static_cast<typename D::rep>(count)};
    return duration_cast_result::exact;
}

// A C++ value that has no SQL value of its type. The message never shows the value (parameters
// can be secrets).
[[noreturn]] inline void throw_chrono_error(std::string_view sql_type, std::string_view cpp_type, std::string_view reason)
{
    throw conversion_error("cannot send a " + std::string(cpp_type) + " as " + std::string(sql_type) + ": "
            + std::string(reason),
        conversion_site{{}, std::string(sql_type), {}, std::string(cpp_type)});
}

// --- text, as the server prints it with DateStyle ISO (and reads it whatever the DateStyle) -----

inline void append_digits(std::string& out, long long value, int width)
{
    std::string digits = std::to_string(value);
    if (digits.size() < static_cast<std::size_t>(width))
        out.append(static_cast<std::size_t>(width) - digits.size(), '0');
    out += digits;
}

// `days` from 1970-01-01 as ISO `YYYY-MM-DD`, with the year of the proleptic Gregorian calendar
// (H. Hinnant's civil_from_days, on 64 bits: the server's dates reach the year 5874897).
// Returns whether the date is BC, which the server prints after the whole value.
inline bool append_iso_date(std::string& out, long long days)
{
    days += 719468;
    const long long era = (days >= 0 ? days : days - 146096) / 146097;
    const long long doe = days - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long long mp = (5 * doy + 2) / 153;
    const long long day = doy - (153 * mp + 2) / 5 + 1;
    const long long month = mp < 10 ? mp + 3 : mp - 9;
    const long long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    append_digits(out, year > 0 ? year : 1 - year, 4);
    out += '-';
    append_digits(out, month, 2);
    out += '-';
    append_digits(out, day, 2);
    return year <= 0;
}

// `usecs` (0 to 24 hours) as `HH:MM:SS[.ffffff]`.
inline void append_time_of_day(std::string& out, long long usecs)
{
    append_digits(out, usecs / 3'600'000'000, 2);
    out += ':';
    append_digits(out, usecs / 60'000'000 % 60, 2);
    out += ':';
    append_digits(out, usecs / 1'000'000 % 60, 2);
    if (long long fraction = usecs % 1'000'000; fraction != 0) {
        int width = 6;
        while (fraction % 10 == 0) {
            fraction /= 10;
            --width;
        }
        out += '.';
        append_digits(out, fraction, width);
    }
}

// Microseconds from 1970-01-01 as `YYYY-MM-DD HH:MM:SS[.ffffff]`, trailing zeros dropped.
inline bool append_iso_timestamp(std::string& out, long long usecs)
{
    long long days = usecs / usecs_per_day;
    long long rest = usecs % usecs_per_day;
    if (rest < 0) {
        rest += usecs_per_day;
        --days;
    }
    const bool bc = append_iso_date(out, days);
    out += ' ';
    append_time_of_day(out, rest);
    return bc;
}

// An interval's three parts as interval_in reads them, each with its sign, so that
// IntervalStyle sql_standard (where a leading minus applies to the unsigned fields after it)
// reads the same value: `+14 mons -3 days +14706789000 microseconds`.
inline void append_interval(std::string& out, std::int64_t months, std::int64_t days, std::int64_t usecs)
{
    const auto part = [&out](std::int64_t value, const char* unit) {
        if (value >= 0)
            out += '+';
        out += std::to_string(value);
        out += unit;
    };
    part(months, " mons ");
    part(days, " days ");
    part(usecs, " microseconds");
}

// --- date ---------------------------------------------------------------------------------------

// A finite day count from 1970-01-01 that the server has as a date.
inline void check_date_days(std::int64_t days_since_1970, std::string_view cpp_type)
{
    if (days_since_1970 < date_min + pg_epoch_days || days_since_1970 >= date_end + pg_epoch_days)
        throw_chrono_error("date", cpp_type, "outside PostgreSQL's dates, 4714-11-24 BC to 5874897-12-31");
}

// A finite day count from 1970-01-01 as date_send's int4 (days from 2000-01-01).
inline void encode_date_days(std::int64_t days_since_1970, std::string_view cpp_type, writer& out)
{
    check_date_days(days_since_1970, cpp_type);
    out.put_be(static_cast<std::int32_t>(days_since_1970 - pg_epoch_days));
}

// The same day as date_in reads it: `2024-01-02`, `4714-11-24 BC`.
inline void encode_date_days_text(std::int64_t days_since_1970, std::string_view cpp_type, std::string& out)
{
    check_date_days(days_since_1970, cpp_type);
    if (append_iso_date(out, days_since_1970))
        out += " BC";
}

// date_recv's checks: the int4, then either an infinity or a day within the server's range.
// Returns days from 1970-01-01, or INT32_MIN / INT32_MAX for -infinity / infinity.
inline std::int64_t decode_date_days(value_view in)
{
    const auto days = in.read_be<std::int32_t>();
    if (days == std::numeric_limits<std::int32_t>::min() || days == std::numeric_limits<std::int32_t>::max())
        return days;
    if (days < date_min || days >= date_end)
        in.fail("date " + std::to_string(days) + " days from 2000-01-01 is outside PostgreSQL's dates");
    return days + pg_epoch_days;
}

struct date_adapter {
    static constexpr std::string_view sql_type = "date";
    static constexpr oid param_oid = oid::date;
    static constexpr oid array_oid = oid::date_array;
    static constexpr bool accepts(oid column) noexcept { return column == oid::date; }
};

// --- timestamp and timestamptz --------------------------------------------------------------------

// A finite microsecond count from 1970-01-01 that the server has as a timestamp (every count
// that is not max() is before its last one).
inline void check_timestamp_usecs(std::int64_t usecs_since_1970, std::string_view sql_type, std::string_view cpp_type)
{
    if (usecs_since_1970 < timestamp_min + pg_epoch_usecs)
        throw_chrono_error(sql_type, cpp_type, "before PostgreSQL's first timestamp, 4714-11-24 00:00:00 BC");
}

// A finite microsecond count from 1970-01-01 as timestamp_send's int8 (from 2000-01-01).
inline void encode_timestamp_usecs(std::int64_t usecs_since_1970, std::string_view sql_type, std::string_view cpp_type,
    writer& out)
{
    check_timestamp_usecs(usecs_since_1970, sql_type, cpp_type);
    out.put_be(usecs_since_1970 - pg_epoch_usecs);
}

// timestamp_recv's checks, then the C++ range. Returns microseconds from 1970-01-01, or
// INT64_MIN / INT64_MAX for -infinity / infinity.
inline std::int64_t decode_timestamp_usecs(value_view in, std::string_view cpp_type)
{
    constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
    constexpr auto highest = std::numeric_limits<std::int64_t>::max();
    const auto usecs = in.read_be<std::int64_t>();
    if (usecs == lowest || usecs == highest)
        return usecs;
    if (usecs < timestamp_min || usecs >= timestamp_end)
        in.fail("timestamp " + std::to_string(usecs) + " microseconds from 2000-01-01 is outside PostgreSQL's timestamps");
    // One microsecond before max(), which means infinity.
    if (usecs >= highest - pg_epoch_usecs)
        in.fail("timestamp is after 294247-01-10 04:00:54.775806, the last that " + std::string(cpp_type) + " holds");
    return usecs + pg_epoch_usecs;
}

template <class Clock>
struct timestamp_names;
template <>
struct timestamp_names<std::chrono::system_clock> {
    static constexpr std::string_view sql_type = "timestamptz";
    static constexpr oid param_oid = oid::timestamptz;
    static constexpr oid array_oid = oid::timestamptz_array;
    static constexpr std::string_view cpp_type = "std::chrono::sys_time";
};
template <>
struct timestamp_names<std::chrono::local_t> {
    static constexpr std::string_view sql_type = "timestamp";
    static constexpr oid param_oid = oid::timestamp;
    static constexpr oid array_oid = oid::timestamp_array;
    static constexpr std::string_view cpp_type = "std::chrono::local_time";
};

// What a column cannot be read into: a time point of another precision than microseconds. Named
// by the adapter (`parameter_only`), so that reading one fails with this message.
template <class Clock, class Duration>
struct read_as_microseconds {
    static_assert(std::same_as<Clock, std::chrono::local_t> || always_false<Duration>,
        "typq: a timestamptz column is read into typq::timestamptz (std::chrono::sys_time<std::chrono::microseconds>"
        "), not into a std::chrono::sys_time of another precision (std::chrono::system_clock::time_point is "
        "sys_time<nanoseconds>): read typq::timestamptz, then convert (a sys_time<nanoseconds> holds it exactly). "
        "As a parameter, a time point with nanoseconds must be rounded first: "
        "std::chrono::round<std::chrono::microseconds>(t)");
    static_assert(std::same_as<Clock, std::chrono::system_clock> || always_false<Duration>,
        "typq: a timestamp column is read into typq::timestamp (std::chrono::local_time<std::chrono::microseconds>"
        "), not into a std::chrono::local_time of another precision: read typq::timestamp, then convert. As a "
        "parameter, a time point with nanoseconds must be rounded first: "
        "std::chrono::round<std::chrono::microseconds>(t)");
};

// Any time point of an exact duration as a parameter: max()/min() are ±infinity, others exact.
template <class Clock, class Duration>
struct timestamp_encoding : timestamp_names<Clock> {
    using time_point = std::chrono::time_point<Clock, Duration>;

    static void encode(const time_point& value, writer& out)
    {
        using names = timestamp_names<Clock>;
        if (value == time_point::max())
            return out.put_be(std::numeric_limits<std::int64_t>::max());
        if (value == time_point::min())
            return out.put_be(std::numeric_limits<std::int64_t>::min());
        encode_timestamp_usecs(exact_usecs(value), names::sql_type, names::cpp_type, out);
    }

    // timestamp_in's form: `2024-01-02 03:04:05.000006`, with `+00` for a timestamptz (read the
    // same whatever the session's TimeZone), ` BC` before year 1, or `infinity`.
    static void encode_text(const time_point& value, std::string& out)
    {
        using names = timestamp_names<Clock>;
        if (value == time_point::max()) {
            out += "infinity";
            return;
        }
        if (value == time_point::min()) {
            out += "-infinity";
            return;
        }
        const std::int64_t usecs = exact_usecs(value);
        check_timestamp_usecs(usecs, names::sql_type, names::cpp_type);
        const bool bc = append_iso_timestamp(out, usecs);
        if constexpr (std::same_as<Clock, std::chrono::system_clock>)
            out += "+00";
        if (bc)
            out += " BC";
    }

private:
    // A finite value in microseconds from 1970-01-01, exactly.
    static std::int64_t exact_usecs(const time_point& value)
    {
        using names = timestamp_names<Clock>;
        std::int64_t usecs = 0;
        switch (to_microseconds(value.time_since_epoch(), usecs)) {
        case duration_cast_result::exact: break;
        case duration_cast_result::inexact:
            throw_chrono_error(names::sql_type, names::cpp_type,
                "it has a part below a microsecond, which PostgreSQL cannot hold: round it first, "
                "std::chrono::round<std::chrono::microseconds>(t) (to the nearest microsecond, as the server "
                "rounds text), or std::chrono::floor<std::chrono::microseconds>(t) to truncate");
        case duration_cast_result::out_of_range:
            throw_chrono_error(names::sql_type, names::cpp_type, "outside PostgreSQL's timestamps");
        }
        return usecs;
    }
};

// The microsecond time points, read as well as written.
template <class Clock>
struct timestamp_adapter : timestamp_encoding<Clock, std::chrono::microseconds> {
    using time_point = std::chrono::time_point<Clock, std::chrono::microseconds>;

    static constexpr bool accepts(oid column) noexcept { return column == timestamp_names<Clock>::param_oid; }
    static void decode(value_view in, time_point& out)
    {
        const auto usecs = decode_timestamp_usecs(in, timestamp_names<Clock>::cpp_type);
        if (usecs == std::numeric_limits<std::int64_t>::max())
            out = time_point::max();
        else if (usecs == std::numeric_limits<std::int64_t>::min())
            out = time_point::min();
        else
            out = time_point{std::chrono::microseconds{usecs}};
    }
};

// Time points that are timestamps rather than dates: exact durations other than days.
template <class D>
concept timestamp_duration = wire_duration<D> && !std::same_as<D, std::chrono::days>;

}  // namespace detail

// --- date -----------------------------------------------------------------------------------------

/// `date` (OID 1082) <-> `std::chrono::sys_days`, binary: an int4 count of days since
/// 2000-01-01 (`date_send`). `infinity` is `sys_days::max()`, `-infinity` is
/// `sys_days::min()` (both far outside the server's finite dates, 4714-11-24 BC to
/// 5874897-12-31). Other days are sent as they are, or refused with `typq::conversion_error`
/// when the server has no such date.
template <>
struct type<std::chrono::sys_days> : detail::date_adapter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void encode(const std::chrono::sys_days& value, writer& out)
    {
        if (value == std::chrono::sys_days::max())
            return out.put_be(std::numeric_limits<std::int32_t>::max());
        if (value == std::chrono::sys_days::min())
            return out.put_be(std::numeric_limits<std::int32_t>::min());
        detail::encode_date_days(value.time_since_epoch().count(), "std::chrono::sys_days", out);
    }
    static void encode_text(const std::chrono::sys_days& value, std::string& out)
    {
        if (value == std::chrono::sys_days::max())
            out += "infinity";
        else if (value == std::chrono::sys_days::min())
            out += "-infinity";
        else
            detail::encode_date_days_text(value.time_since_epoch().count(), "std::chrono::sys_days", out);
    }
    static void decode(value_view in, std::chrono::sys_days& out)
    {
        const auto days = detail::decode_date_days(in);
        if (days == std::numeric_limits<std::int32_t>::max())
            out = std::chrono::sys_days::max();
        else if (days == std::numeric_limits<std::int32_t>::min())
            out = std::chrono::sys_days::min();
        else
            out = std::chrono::sys_days{std::chrono::days{days}};
    }
    /// @}
};

/// `date` <-> `std::chrono::local_days`, as `sys_days` (a date names no zone either way), in the
/// same binary form.
template <>
struct type<std::chrono::local_days> : detail::date_adapter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void encode(const std::chrono::local_days& value, writer& out)
    {
        type<std::chrono::sys_days>::encode(std::chrono::sys_days{value.time_since_epoch()}, out);
    }
    static void encode_text(const std::chrono::local_days& value, std::string& out)
    {
        type<std::chrono::sys_days>::encode_text(std::chrono::sys_days{value.time_since_epoch()}, out);
    }
    static void decode(value_view in, std::chrono::local_days& out)
    {
        std::chrono::sys_days day;
        type<std::chrono::sys_days>::decode(in, day);
        out = std::chrono::local_days{day.time_since_epoch()};
    }
    /// @}
};

/// `date` <-> `std::chrono::year_month_day` (proleptic Gregorian; 1 BC is year 0, 4714 BC is
/// year -4713), in `date_send`'s binary form, as `sys_days`. A `year_month_day` holds years
/// -32767 to 32767 and no infinity: later or earlier dates and ±infinity are a
/// `typq::conversion_error` when read (read them as `sys_days`), and a date that is not `ok()` is
/// one when sent.
template <>
struct type<std::chrono::year_month_day> : detail::date_adapter {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static void encode(const std::chrono::year_month_day& value, writer& out)
    {
        if (!value.ok())
            detail::throw_chrono_error("date", "std::chrono::year_month_day", "it is not a valid date (ok() is false)");
        detail::encode_date_days(std::chrono::sys_days{value}.time_since_epoch().count(), "std::chrono::year_month_day", out);
    }
    static void encode_text(const std::chrono::year_month_day& value, std::string& out)
    {
        if (!value.ok())
            detail::throw_chrono_error("date", "std::chrono::year_month_day", "it is not a valid date (ok() is false)");
        detail::encode_date_days_text(std::chrono::sys_days{value}.time_since_epoch().count(),
            "std::chrono::year_month_day", out);
    }
    static void decode(value_view in, std::chrono::year_month_day& out)
    {
        using namespace std::chrono;
        constexpr auto first = sys_days{year::min() / January / 1}.time_since_epoch().count();
        constexpr auto last = sys_days{year::max() / December / 31}.time_since_epoch().count();
        const auto days = detail::decode_date_days(in);
        if (days == std::numeric_limits<std::int32_t>::max() || days == std::numeric_limits<std::int32_t>::min())
            in.fail("infinity has no std::chrono::year_month_day (read it as std::chrono::sys_days)");
        if (days < first || days > last)
            in.fail("date is outside the years -32767 to 32767 that std::chrono::year_month_day holds");
        out = year_month_day{sys_days{std::chrono::days{days}}};
    }
    /// @}
};

// --- timestamptz and timestamp ----------------------------------------------------------------------

/// `timestamptz` (OID 1184) <-> typq::timestamptz (`sys_time<microseconds>`), binary: an int8
/// count of microseconds since 2000-01-01 00:00:00 UTC (`timestamptz_send`). See typq::timestamptz
/// for infinity, the range and the session `TimeZone`.
template <>
struct type<timestamptz> : detail::timestamp_adapter<std::chrono::system_clock> {};

/// `timestamp` (OID 1114) <-> typq::timestamp (`local_time<microseconds>`), binary: an int8 count
/// of microseconds since 2000-01-01 00:00:00 (`timestamp_send`). See typq::timestamp.
template <>
struct type<timestamp> : detail::timestamp_adapter<std::chrono::local_t> {};

/// `std::chrono::sys_time<D>` parameters of other exact durations (seconds, milliseconds,
/// nanoseconds...), as `timestamptz`: sent exactly or refused (see typq::timestamptz).
/// They are parameters only: a column is read into typq::timestamptz (a `system_clock::now()` is
/// sent as `std::chrono::round<std::chrono::microseconds>(std::chrono::system_clock::now())`).
template <detail::timestamp_duration Duration>
    requires(!std::same_as<Duration, std::chrono::microseconds>)
struct type<std::chrono::time_point<std::chrono::system_clock, Duration>>
    : detail::timestamp_encoding<std::chrono::system_clock, Duration> {
    /// Marks the adapter as a parameter's only: reading a column into this type fails to compile,
    /// with a message that says to read typq::timestamptz.
    using parameter_only = detail::read_as_microseconds<std::chrono::system_clock, Duration>;
};

/// `std::chrono::local_time<D>` parameters of other exact durations, as `timestamp`.
template <detail::timestamp_duration Duration>
    requires(!std::same_as<Duration, std::chrono::microseconds>)
struct type<std::chrono::time_point<std::chrono::local_t, Duration>>
    : detail::timestamp_encoding<std::chrono::local_t, Duration> {
    /// Marks the adapter as a parameter's only: reading a column into this type fails to compile,
    /// with a message that says to read typq::timestamp.
    using parameter_only = detail::read_as_microseconds<std::chrono::local_t, Duration>;
};

// --- time -------------------------------------------------------------------------------------------

/// A `time` (of day, without time zone): microseconds since midnight, from 00:00:00 to 24:00:00
/// inclusive, as PostgreSQL allows.
class time_of_day {
public:
    /// Midnight, 00:00:00.
    constexpr time_of_day() noexcept = default;

    /// The time `since_midnight` after midnight (hours, minutes, seconds and microseconds convert
    /// implicitly; finer durations need an explicit, rounding `std::chrono::duration_cast`).
    /// @throws typq::conversion_error unless 0 <= since_midnight <= 24h.
    constexpr explicit time_of_day(std::chrono::microseconds since_midnight) : since_midnight_(since_midnight)
    {
        if (since_midnight < std::chrono::microseconds{0} || since_midnight > std::chrono::hours{24})
            out_of_range();
    }

    /// The time of day `hms` (its `to_duration()` after midnight).
    /// @throws typq::conversion_error when `hms` is negative or beyond 24:00:00.
    constexpr explicit time_of_day(const std::chrono::hh_mm_ss<std::chrono::microseconds>& hms)
        : time_of_day(hms.to_duration())
    {
    }

    /// 24:00:00, the end of the day, which PostgreSQL's `time` includes.
    [[nodiscard]] static constexpr time_of_day end_of_day() noexcept
    {
        time_of_day end;
        end.since_midnight_ = std::chrono::hours{24};
        return end;
    }

    /// Microseconds since midnight, 0 to 86'400'000'000.
    [[nodiscard]] constexpr std::chrono::microseconds since_midnight() const noexcept { return since_midnight_; }

    /// As `std::chrono::hh_mm_ss`. 24:00:00 becomes the `hh_mm_ss` of the duration 24h, whose
    /// `hours()` is 24: a valid `hh_mm_ss` but not a time of day that `is_am`/`make12` handle.
    [[nodiscard]] constexpr std::chrono::hh_mm_ss<std::chrono::microseconds> to_hh_mm_ss() const noexcept
    {
        return std::chrono::hh_mm_ss<std::chrono::microseconds>{since_midnight_};
    }
    /// As to_hh_mm_ss().
    constexpr explicit operator std::chrono::hh_mm_ss<std::chrono::microseconds>() const noexcept
    {
        return to_hh_mm_ss();
    }

    /// Equal when the times are.
    friend constexpr bool operator==(const time_of_day&, const time_of_day&) noexcept = default;
    /// Earlier times first; 24:00:00 is last.
    friend constexpr std::strong_ordering operator<=>(const time_of_day& a, const time_of_day& b) noexcept
    {
        return a.since_midnight_.count() <=> b.since_midnight_.count();
    }

private:
    [[noreturn]] static void out_of_range()
    {
        throw conversion_error("a typq::time_of_day must be between 00:00:00 and 24:00:00",
            conversion_site{{}, "time", {}, "typq::time_of_day"});
    }

    std::chrono::microseconds since_midnight_{0};
};

namespace detail {

// time_recv's range: 0 to USECS_PER_DAY inclusive.
inline time_of_day decode_time_of_day(value_view in)
{
    const auto usecs = in.read_be<std::int64_t>();
    if (usecs < 0 || usecs > usecs_per_day)
        in.fail("time " + std::to_string(usecs) + " microseconds is outside 00:00:00 to 24:00:00");
    return time_of_day{std::chrono::microseconds{usecs}};
}

}  // namespace detail

/// `time` (OID 1083) <-> typq::time_of_day, 00:00:00 to 24:00:00, binary: an int8 count of
/// microseconds since midnight (`time_send`); a value outside that range is refused when read.
template <>
struct type<time_of_day> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "time";
    static constexpr oid param_oid = oid::time;
    static constexpr oid array_oid = oid::time_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::time; }
    static void encode(const time_of_day& value, writer& out) { out.put_be(value.since_midnight().count()); }
    static void encode_text(const time_of_day& value, std::string& out)
    {
        detail::append_time_of_day(out, value.since_midnight().count());
    }
    static void decode(value_view in, time_of_day& out) { out = detail::decode_time_of_day(in); }
    /// @}
};

// --- timetz -----------------------------------------------------------------------------------------

/// A `timetz`: a time of day and its offset from UTC, positive east of Greenwich (`12:00+05:30`
/// is {12:00, +19800s}). PostgreSQL allows offsets up to 15:59:59 either way, to the second.
/// Equal when both members are equal (as the server's `=` on timetz is not: it compares the
/// instants first); no ordering, since member order is not the server's.
struct time_of_day_tz {
    /// The time of day, local to the offset.
    time_of_day time;
    /// The offset from UTC, positive east of Greenwich; less than 16 hours either way.
    std::chrono::seconds utc_offset{0};

    /// Equal when both the times and the offsets are.
    friend constexpr bool operator==(const time_of_day_tz&, const time_of_day_tz&) noexcept = default;
};

/// `timetz` (OID 1266) <-> typq::time_of_day_tz, binary: the time as an int8 count of microseconds,
/// then the zone as an int4 count of seconds west of UTC (`timetz_send`: the offset's opposite).
/// An offset of 16 hours or more is a `typq::conversion_error`, both ways.
template <>
struct type<time_of_day_tz> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "timetz";
    static constexpr oid param_oid = oid::timetz;
    static constexpr oid array_oid = oid::timetz_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::timetz; }
    static void encode(const time_of_day_tz& value, writer& out)
    {
        const auto offset = value.utc_offset.count();
        if (offset <= -detail::zone_limit || offset >= detail::zone_limit)
            detail::throw_chrono_error("timetz", "typq::time_of_day_tz", "its UTC offset is 16 hours or more");
        out.put_be(value.time.since_midnight().count());
        // timetz_send's zone is in seconds west of UTC: the offset's opposite.
        out.put_be(static_cast<std::int32_t>(-offset));
    }
    // timetz_in's form: the time, then the offset east of UTC, `12:00:00+05:30:00`.
    static void encode_text(const time_of_day_tz& value, std::string& out)
    {
        const auto offset = value.utc_offset.count();
        if (offset <= -detail::zone_limit || offset >= detail::zone_limit)
            detail::throw_chrono_error("timetz", "typq::time_of_day_tz", "its UTC offset is 16 hours or more");
        detail::append_time_of_day(out, value.time.since_midnight().count());
        const long long east = offset < 0 ? -offset : offset;
        out += offset < 0 ? '-' : '+';
        detail::append_digits(out, east / 3600, 2);
        out += ':';
        detail::append_digits(out, east / 60 % 60, 2);
        out += ':';
        detail::append_digits(out, east % 60, 2);
    }
    static void decode(value_view in, time_of_day_tz& out)
    {
        if (in.size() != 12)
            in.fail("value is " + std::to_string(in.size()) + " bytes, expected 12");
        const auto time = detail::decode_time_of_day(in.subview(0, 8, oid::timetz));
        const auto zone = in.subview(8, 4, oid::timetz).read_be<std::int32_t>();
        if (zone <= -detail::zone_limit || zone >= detail::zone_limit)
            in.fail("time zone displacement " + std::to_string(zone) + " seconds is 16 hours or more");
        out = time_of_day_tz{time, std::chrono::seconds{-zone}};
    }
    /// @}
};

// --- interval ---------------------------------------------------------------------------------------

/// An `interval` as PostgreSQL keeps it: months, days and microseconds, each with its own sign
/// (`1 year 2 mons -3 days 04:05:06.789` is {14, -3, 14'706'789'000}). The parts are not
/// normalised: a day is not always 24 hours, nor a month 30 days, so equality is member by member
/// (the server's `=` normalises) and there is no ordering.
struct interval {
    /// Months (a year is 12).
    std::int32_t months = 0;
    /// Days, not converted to or from hours.
    std::int32_t days = 0;
    /// The time part, in microseconds.
    std::int64_t microseconds = 0;

    /// Member by member: `1 day` is not `24:00:00` here.
    friend constexpr bool operator==(const interval&, const interval&) noexcept = default;
};

/// `interval` (OID 1186) <-> typq::interval, every value, binary: the microseconds (int8), days
/// (int4), months (int4), as `interval_send` orders them.
template <>
struct type<interval> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "interval";
    static constexpr oid param_oid = oid::interval;
    static constexpr oid array_oid = oid::interval_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::interval; }
    static void encode(const interval& value, writer& out)
    {
        out.put_be(value.microseconds);
        out.put_be(value.days);
        out.put_be(value.months);
    }
    static void encode_text(const interval& value, std::string& out)
    {
        detail::append_interval(out, value.months, value.days, value.microseconds);
    }
    static void decode(value_view in, interval& out)
    {
        // interval_send: time (int8), day (int4), month (int4).
        if (in.size() != 16)
            in.fail("value is " + std::to_string(in.size()) + " bytes, expected 16");
        out.microseconds = in.subview(0, 8, oid::interval).read_be<std::int64_t>();
        out.days = in.subview(8, 4, oid::interval).read_be<std::int32_t>();
        out.months = in.subview(12, 4, oid::interval).read_be<std::int32_t>();
    }
    /// @}
};

/// `interval` <-> `std::chrono::duration` of an integer count (`seconds`, `microseconds`,
/// `nanoseconds`, `hours`...), in `interval_send`'s binary form. Sent as the interval's time part
/// alone (`std::chrono::days{3}` is `72:00:00`, which the server's `=` finds equal to `3 days`).
/// Read only from intervals without months or days, and only when the value fits the duration
/// exactly; anything else is a `typq::conversion_error` (read such intervals as typq::interval).
template <detail::wire_duration Duration>
struct type<Duration> {
    /// @{
    /// Part of the adapter contract: typq::type says what each member does.
    static constexpr std::string_view sql_type = "interval";
    static constexpr oid param_oid = oid::interval;
    static constexpr oid array_oid = oid::interval_array;

    static constexpr bool accepts(oid column) noexcept { return column == oid::interval; }
    static void encode(const Duration& value, writer& out)
    {
        type<interval>::encode(interval{0, 0, exact_usecs(value)}, out);
    }
    static void encode_text(const Duration& value, std::string& out)
    {
        type<interval>::encode_text(interval{0, 0, exact_usecs(value)}, out);
    }
    static void decode(value_view in, Duration& out)
    {
        interval value;
        type<interval>::decode(in, value);
        if (value.months != 0 || value.days != 0)
            in.fail("interval has months or days, which a std::chrono::duration cannot hold (read it as typq::interval)");
        switch (detail::from_microseconds(value.microseconds, out)) {
        case detail::duration_cast_result::exact: break;
        case detail::duration_cast_result::inexact:
            in.fail("interval is not a whole number of the std::chrono::duration's ticks");
        case detail::duration_cast_result::out_of_range:
            in.fail("interval is outside the std::chrono::duration's range");
        }
    }
    /// @}

private:
    static std::int64_t exact_usecs(const Duration& value)
    {
        std::int64_t usecs = 0;
        switch (detail::to_microseconds(value, usecs)) {
        case detail::duration_cast_result::exact: break;
        case detail::duration_cast_result::inexact:
            detail::throw_chrono_error("interval", "std::chrono::duration", "it has a part below a microsecond, "
                                                                            "which PostgreSQL cannot hold");
        case detail::duration_cast_result::out_of_range:
            detail::throw_chrono_error("interval", "std::chrono::duration", "it is too long for an interval");
        }
        return usecs;
    }
};

}  // namespace typq

#endif  // TYPQ_TYPES_CHRONO_HPP
