// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_chrono.cpp: date, timestamp, timestamptz, time, timetz and interval, into every C++ type
// that reads them (typq/types/chrono.hpp). Each accepted value re-encodes to the same bytes.

#include "fuzz.hpp"

#include <typq/types/chrono.hpp>

#include <chrono>  // the C++ types

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using typq::oid;
    namespace chrono = std::chrono;

    const auto days = typq_fuzz::round_trip<chrono::sys_days>(data, size, oid::date, true);
    typq_fuzz::round_trip<chrono::local_days>(data, size, oid::date, true);
    // year_month_day reads the finite dates of its years, the same days as sys_days.
    if (const auto ymd = typq_fuzz::round_trip<chrono::year_month_day>(data, size, oid::date, true)) {
        TYPQ_FUZZ_CHECK(ymd->ok());
        TYPQ_FUZZ_CHECK(days && chrono::sys_days{*ymd} == *days);
    }

    typq_fuzz::round_trip<typq::timestamptz>(data, size, oid::timestamptz, true);
    typq_fuzz::round_trip<typq::timestamp>(data, size, oid::timestamp, true);

    if (const auto time = typq_fuzz::round_trip<typq::time_of_day>(data, size, oid::time, true))
        TYPQ_FUZZ_CHECK(time->since_midnight() >= chrono::microseconds{0} && time->since_midnight() <= chrono::hours{24});
    typq_fuzz::round_trip<typq::time_of_day_tz>(data, size, oid::timetz, true);

    const auto interval = typq_fuzz::round_trip<typq::interval>(data, size, oid::interval, true);
    // A duration reads an interval of time alone, exactly or not at all.
    if (const auto usecs = typq_fuzz::round_trip<chrono::microseconds>(data, size, oid::interval, true)) {
        TYPQ_FUZZ_CHECK(interval && interval->months == 0 && interval->days == 0 && interval->microseconds == usecs->count());
    }
    if (const auto ns = typq_fuzz::round_trip<chrono::nanoseconds>(data, size, oid::interval, true))
        TYPQ_FUZZ_CHECK(interval && ns->count() == interval->microseconds * 1000);
    if (const auto s = typq_fuzz::round_trip<chrono::seconds>(data, size, oid::interval, true))
        TYPQ_FUZZ_CHECK(interval && s->count() * 1'000'000 == interval->microseconds);
    typq_fuzz::round_trip<chrono::hours>(data, size, oid::interval, true);
    typq_fuzz::round_trip<chrono::duration<std::int32_t, std::milli>>(data, size, oid::interval, true);
    return 0;
}
