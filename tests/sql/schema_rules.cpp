// SPDX-License-Identifier: BSL-1.0
// tests/sql/schema_rules.cpp: the compile-time schema check (typq/detail/schema_check.hpp) reads
// and writes types by the run-time check's rules. For every built-in type OID and a range of C++
// types, schema_reads<T>(column) must say what detail::accepts<T> says at run time (the header
// adds nothing for a built-in type); and the rules of the names of server-defined types and of
// arguments against parameters. No server: these are the functions the consteval check calls.

#include "typq_test.hpp"

#include <typq/detail/schema_check.hpp>

#include <array>    // std::array: element types
#include <chrono>   // the date and time types
#include <cstddef>  // std::byte
#include <cstdint>  // the fixed-width integers
#include <optional> // nullable fields
#include <string>   // text
#include <vector>   // arrays

namespace sql_schema_rules_test {

using typq::oid;
using typq::detail::schema_reads;
using typq::detail::schema_writes;

// Every OID typq knows as built in (oid.hpp's enumerators: sql_type_name names each).
std::vector<unsigned> builtin_oids()
{
    std::vector<unsigned> out;
    for (unsigned id = 1; id < 20000; ++id)
        if (!typq::sql_type_name(static_cast<oid>(id)).empty())
            out.push_back(id);
    return out;
}

template <class T>
void check_same_as_run_time()
{
    const typq::server_types none;
    for (const unsigned id : builtin_oids()) {
        INFO(typq::detail::type_name<T>() << " over " << typq::sql_type_name(static_cast<oid>(id)));
        CHECK(schema_reads<T>(id) == typq::detail::accepts<T>(static_cast<oid>(id), none));
    }
}

// The check runs these in a consteval constructor: each branch must be a constant expression.
static_assert(schema_reads<std::int64_t>(23) && !schema_reads<std::int32_t>(20));
static_assert(!schema_reads<std::string>(23) && schema_reads<std::string>(0x80000001u));  // catalog-asking branch
static_assert(schema_reads<std::vector<std::string>>(1009) && !schema_reads<std::vector<std::int32_t>>(1009));
static_assert(schema_writes<std::int32_t>(20, {21, 23}) && !schema_writes<bool>(20, {21, 23}));

TEST_CASE("schema check: a field reads a built-in column exactly when the run-time check says it does")
{
    check_same_as_run_time<bool>();
    check_same_as_run_time<std::int16_t>();
    check_same_as_run_time<std::int32_t>();
    check_same_as_run_time<std::int64_t>();
    check_same_as_run_time<float>();
    check_same_as_run_time<double>();
    check_same_as_run_time<std::string>();
    check_same_as_run_time<std::string_view>();
    check_same_as_run_time<std::optional<std::string>>();
    check_same_as_run_time<std::optional<std::int64_t>>();
    check_same_as_run_time<typq::numeric>();
    check_same_as_run_time<std::vector<std::byte>>();
    check_same_as_run_time<typq::uuid>();
    check_same_as_run_time<std::chrono::year_month_day>();
    check_same_as_run_time<std::chrono::sys_time<std::chrono::microseconds>>();
    check_same_as_run_time<std::vector<std::int32_t>>();
    check_same_as_run_time<std::vector<std::int64_t>>();
    check_same_as_run_time<std::vector<std::optional<std::string>>>();
    check_same_as_run_time<std::vector<std::vector<double>>>();
    check_same_as_run_time<std::array<std::int32_t, 3>>();
    check_same_as_run_time<typq::array<std::int32_t>>();
    check_same_as_run_time<typq::json>();
}

TEST_CASE("schema check: an adapter's SQL type name against the catalog's schema and name")
{
    const typq::schema::type_entry mood{0x80000001u, "shop.mood", "shop", "mood", typq::type_kind::enumeration, 0, 0};
    const typq::schema::type_entry upper{0x80000002u, "\"Mood\"", "public", "Mood", typq::type_kind::enumeration, 0, 0};
    using typq::detail::sql_type_is;
    CHECK(sql_type_is("mood", mood));
    CHECK(sql_type_is("MOOD", mood));  // unquoted: folded to lower case, as the server reads it
    CHECK(sql_type_is("shop.mood", mood));
    CHECK(sql_type_is("\"shop\".\"mood\"", mood));
    CHECK_FALSE(sql_type_is("other.mood", mood));
    CHECK_FALSE(sql_type_is("moods", mood));
    CHECK_FALSE(sql_type_is("\"Mood\"", mood));
    CHECK(sql_type_is("\"Mood\"", upper));
    CHECK_FALSE(sql_type_is("Mood", upper));  // folded to mood
    CHECK(sql_type_is("public.\"Mood\"", upper));
}

TEST_CASE("schema check: an argument against its parameter's type and the casts the server makes to it")
{
    // int4 -> int8 is an implicit cast: the list the header gives int8 has it.
    CHECK(schema_writes<std::int32_t>(20, {20, 21, 23}));
    CHECK(schema_writes<std::int64_t>(20, {20, 21, 23}));
    CHECK_FALSE(schema_writes<bool>(20, {20, 21, 23}));
    CHECK_FALSE(schema_writes<double>(20, {20, 21, 23}));
    CHECK(schema_writes<std::optional<std::int32_t>>(20, {20, 21, 23}));
    // Strings and NULL are sent without a type: the server reads them as the parameter's.
    CHECK(schema_writes<std::string>(20, {20}));
    CHECK(schema_writes<std::string_view>(1082, {1082}));
    CHECK(schema_writes<std::nullopt_t>(20, {20}));
    // A parameter whose type the server leaves open (anyelement), and arrays (element by element).
    CHECK(schema_writes<bool>(2283, {}));
    CHECK(schema_writes<std::vector<std::int32_t>>(1016, {1016}));
    CHECK_FALSE(schema_writes<std::vector<std::int32_t>>(20, {20, 21, 23}));
}

}  // namespace sql_schema_rules_test
