// SPDX-License-Identifier: BSL-1.0
// tests/support/typq_test.hpp: what every test area shares: where the test server is, a
// connection to it, the bytes an adapter encodes, hex literals, and Catch2 printers (byte vectors,
// typq's value types).

#ifndef TYPQ_TEST_SUPPORT_TYPQ_TEST_HPP
#define TYPQ_TEST_SUPPORT_TYPQ_TEST_HPP

#include <typq/typq.hpp>

#include <catch2/catch.hpp>

#include <chrono>     // the printers of std::chrono::year_month_day and sys_days
#include <cstddef>    // std::byte
#include <cstdlib>    // std::getenv, std::system
#include <exception>  // thrown_by(): std::exception_ptr
#include <fstream>    // reading the fixture's dsn file
#include <iterator>   // std::istreambuf_iterator
#include <map>        // key=value files the fixture writes
#include <stdexcept>  // std::runtime_error when there is no server
#include <string>     // std::string
#include <string_view>  // hex literals
#include <utility>    // std::forward
#include <vector>     // byte vectors

namespace typq_test {

/// The conninfo of the test server: `TYPQ_TEST_DSN` when set and not empty, else the contents
/// (trimmed) of the file the CTest fixture `pg` writes (`TYPQ_TEST_DSN_FILE`, defined by
/// tests/CMakeLists.txt).
/// @throws std::runtime_error when there is neither: the tests must run through ctest.
inline std::string dsn()
{
    if (const char* env = std::getenv("TYPQ_TEST_DSN"); env != nullptr && *env != '\0')
        return env;

    std::string text;
#ifdef TYPQ_TEST_DSN_FILE
    const char* const file = TYPQ_TEST_DSN_FILE;
    if (std::ifstream in{file}; in)
        text.assign(std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{});
#else
    const char* const file = "(TYPQ_TEST_DSN_FILE not defined)";
#endif
    constexpr const char* space = " \t\r\n\f\v";
    const auto first = text.find_first_not_of(space);
    if (first == std::string::npos)
        throw std::runtime_error(std::string{"no test server: run the tests through ctest (its fixture "
                                             "`pg` starts a server and writes "}
                                 + file + "), or set TYPQ_TEST_DSN to a conninfo string");
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

/// The fixture's state directory: the directory of the dsn file (tests/CMakeLists.txt defines
/// TYPQ_TEST_DSN_FILE as STATE_DIR/dsn), where the fixture also writes what tests/reliability and
/// tests/deployment read.
inline std::string state_dir()
{
#ifdef TYPQ_TEST_DSN_FILE
    const std::string file = TYPQ_TEST_DSN_FILE;
    const auto slash = file.find_last_of('/');
    return slash == std::string::npos ? std::string(".") : file.substr(0, slash);
#else
    return ".";
#endif
}

/// The `key=value` lines of a file the fixture wrote, without comments (none when it is missing).
inline std::map<std::string, std::string> read_pairs(const std::string& path)
{
    std::map<std::string, std::string> values;
    std::ifstream in{path};
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#')
            continue;
        if (const auto eq = line.find('='); eq != std::string::npos)
            values[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return values;
}

/// The first line of a file the fixture wrote (empty when it is missing).
inline std::string first_line(const std::string& path)
{
    std::ifstream in{path};
    std::string line;
    std::getline(in, line);
    return line;
}

/// A quoted single argument for /bin/sh.
inline std::string shell_quote(const std::string& text)
{
    std::string out = "'";
    for (const char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// Runs tests/support/pg_fixture.sh (`script`, as the fixture names it) with `action` on the state
/// directory `dir`, its output on stderr, without TYPQ_TEST_DSN: a test's own servers are always
/// started, whatever server the others share. Returns the exit status (0: success).
inline int run_fixture(const std::string& script, const char* action, const std::string& dir)
{
    const std::string command =
        "env -u TYPQ_TEST_DSN bash " + shell_quote(script) + " " + action + " " + shell_quote(dir) + " >&2";
    return std::system(command.c_str());
}

/// A new connection to the test server.
inline typq::connection connect()
{
    return typq::connection(dsn());
}

/// A new connection to the test server with `options` (automatic preparation, statement cache).
inline typq::connection connect(const typq::connection_options& options)
{
    return typq::connection(dsn(), options);
}

/// The bytes typq's adapter for T sends for `value` (compare with the server's `<type>send($1)`).
template <class T>
std::vector<std::byte> encode(const T& value)
{
    std::string buffer;
    typq::writer out(buffer);
    typq::type<T>::encode(value, out);
    const auto* first = reinterpret_cast<const std::byte*>(buffer.data());
    return {first, first + buffer.size()};
}

/// Decodes `bytes` as a value of SQL type `column` with typq's adapter for T.
template <class T>
T decode(const std::vector<std::byte>& bytes, typq::oid column)
{
    T out{};
    typq::type<T>::decode(
        typq::value_view(reinterpret_cast<const char*>(bytes.data()), bytes.size(), column), out);
    return out;
}

/// Runs `f` and returns what it threw, or a null pointer when it threw nothing: for a failure that
/// can happen only once (a deadlock, a commit), caught once and then checked several ways.
template <class F>
std::exception_ptr thrown_by(F&& f)
{
    try {
        std::forward<F>(f)();
    }
    catch (...) {
        return std::current_exception();
    }
    return nullptr;
}

/// Throws `thrown` again; a null pointer (nothing was thrown) becomes a std::logic_error, which
/// fails the check that expected something else.
[[noreturn]] inline void rethrow(const std::exception_ptr& thrown)
{
    if (!thrown)
        throw std::logic_error("nothing was thrown");
    std::rethrow_exception(thrown);
}

namespace literals {

/// `"00 2a ff"_hex`: bytes from hex digits; spaces are ignored.
inline std::vector<std::byte> operator""_hex(const char* text, std::size_t size)
{
    const auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        throw std::invalid_argument("not a hex digit in a _hex literal");
    };
    std::vector<std::byte> out;
    int high = -1;
    for (char c : std::string_view(text, size)) {
        if (c == ' ')
            continue;
        if (high < 0)
            high = digit(c);
        else {
            out.push_back(static_cast<std::byte>(high * 16 + digit(c)));
            high = -1;
        }
    }
    if (high >= 0)
        throw std::invalid_argument("odd number of hex digits in a _hex literal");
    return out;
}

}  // namespace literals
}  // namespace typq_test

namespace Catch {

template <>
struct StringMaker<std::vector<std::byte>> {
    static std::string convert(const std::vector<std::byte>& bytes)
    {
        std::string text = "\"";
        for (std::size_t i = 0; i < bytes.size() && i < 64; ++i)
        {
            constexpr char digits[] = "0123456789abcdef";
            const auto v = std::to_integer<unsigned>(bytes[i]);
            text += i ? " " : "";
            text += digits[v >> 4];
            text += digits[v & 15];
        }
        if (bytes.size() > 64)
            text += " ... (" + std::to_string(bytes.size()) + " bytes)";
        return text + "\"_hex";
    }
};

// typq's value types, and std::chrono's that Catch would print as calendar text. Here, where every
// test file sees them first, rather than in the file that needed them: a printer that one file of a
// unity batch (TYPQ_TEST_UNITY) declared after another file used the type would not compile.

template <>
struct StringMaker<typq::numeric> {
    // A short description of a possibly huge value: its first 40 characters past 80.
    static std::string convert(const typq::numeric& value)
    {
        const std::string text = value.to_string();
        if (text.size() <= 80)
            return '"' + text + '"';
        return '"' + text.substr(0, 40) + "...\" (" + std::to_string(text.size()) + " characters)";
    }
};

template <>
struct StringMaker<typq::money> {
    static std::string convert(const typq::money& value) { return value.to_string(); }
};

template <>
struct StringMaker<typq::bit_string> {
    static std::string convert(const typq::bit_string& value) { return "B'" + value.to_string() + "'"; }
};

// (typq::multirange<T> is iterable: Catch prints it as a list of these.)
template <class T>
struct StringMaker<typq::range<T>> {
    static std::string convert(const typq::range<T>& v) { return v.to_string(); }
};

template <>
struct StringMaker<typq::time_of_day> {
    static std::string convert(const typq::time_of_day& v)
    {
        return "time_of_day{" + std::to_string(v.since_midnight().count()) + "us}";
    }
};

template <>
struct StringMaker<typq::time_of_day_tz> {
    static std::string convert(const typq::time_of_day_tz& v)
    {
        return "time_of_day_tz{" + std::to_string(v.time.since_midnight().count()) + "us, "
            + std::to_string(v.utc_offset.count()) + "s}";
    }
};

template <>
struct StringMaker<typq::interval> {
    static std::string convert(const typq::interval& v)
    {
        return "interval{" + std::to_string(v.months) + " months, " + std::to_string(v.days) + " days, "
            + std::to_string(v.microseconds) + "us}";
    }
};

template <>
struct StringMaker<std::chrono::year_month_day> {
    static std::string convert(const std::chrono::year_month_day& v)
    {
        return std::to_string(static_cast<int>(v.year())) + "-" + std::to_string(static_cast<unsigned>(v.month()))
            + "-" + std::to_string(static_cast<unsigned>(v.day()));
    }
};

// Days and microseconds since 1970, rather than Catch's calendar text (which overflows at the
// types' limits).
template <>
struct StringMaker<std::chrono::sys_days> {
    static std::string convert(const std::chrono::sys_days& v)
    {
        return "sys_days{" + std::to_string(v.time_since_epoch().count()) + "}";
    }
};

template <>
struct StringMaker<typq::timestamptz> {
    static std::string convert(const typq::timestamptz& v)
    {
        return "timestamptz{" + std::to_string(v.time_since_epoch().count()) + "us}";
    }
};

template <>
struct StringMaker<typq::timestamp> {
    static std::string convert(const typq::timestamp& v)
    {
        return "timestamp{" + std::to_string(v.time_since_epoch().count()) + "us}";
    }
};

}  // namespace Catch

#endif  // TYPQ_TEST_SUPPORT_TYPQ_TEST_HPP
