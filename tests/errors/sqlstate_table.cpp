// SPDX-License-Identifier: BSL-1.0
// tests/errors/sqlstate_table.cpp: typq::detail::sqlstate_classes, the one table from SQLSTATE to
// exception class. Every typq class is named after a PostgreSQL condition; the server says which
// code that condition name stands for (PL/pgSQL's RAISE ... USING ERRCODE = '<name>'), and
// throw_server_error must throw, for that code, the class of that name.

#include "error_checks.hpp"

#include <cstddef>      // std::size_t
#include <exception>    // std::exception_ptr
#include <memory>       // std::make_shared, for a table entry's raise function
#include <string>       // codes built at run time
#include <string_view>  // names and codes
#include <vector>       // the class conditions, for GENERATE

namespace errors_sqlstate_table_test {

using errors_test::class_name;
using errors_test::require_server_error;
using errors_test::require_usable;
using errors_test::rethrow;
using errors_test::thrown_by;

struct condition {
    std::string_view name;  // PostgreSQL's condition name (errcodes.txt), and typq's class name
    std::string_view code;  // its SQLSTATE
    bool is_class;          // names a whole SQLSTATE class (code "xx000")
    void (*require)(const std::exception_ptr&, std::string_view);  // require_server_error<class, base>
};

// For every class in error.hpp: its name, the class for its SQLSTATE class, its code.
#define TYPQ_TEST_CLASS(name, code) {#name, code, true, &require_server_error<typq::name, typq::name>}
#define TYPQ_TEST_CONDITION(name, base, code) {#name, code, false, &require_server_error<typq::name, typq::base>}

constexpr condition conditions[] = {
    TYPQ_TEST_CLASS(connection_exception, "08000"),
    TYPQ_TEST_CLASS(feature_not_supported, "0A000"),
    TYPQ_TEST_CLASS(cardinality_violation, "21000"),
    TYPQ_TEST_CLASS(data_exception, "22000"),
    TYPQ_TEST_CLASS(integrity_constraint_violation, "23000"),
    TYPQ_TEST_CLASS(invalid_cursor_state, "24000"),
    TYPQ_TEST_CLASS(invalid_transaction_state, "25000"),
    TYPQ_TEST_CLASS(invalid_authorization_specification, "28000"),
    TYPQ_TEST_CLASS(invalid_transaction_termination, "2D000"),
    TYPQ_TEST_CLASS(savepoint_exception, "3B000"),
    TYPQ_TEST_CLASS(invalid_catalog_name, "3D000"),
    TYPQ_TEST_CLASS(invalid_schema_name, "3F000"),
    TYPQ_TEST_CLASS(transaction_rollback, "40000"),
    TYPQ_TEST_CLASS(syntax_error_or_access_rule_violation, "42000"),
    TYPQ_TEST_CLASS(insufficient_resources, "53000"),
    TYPQ_TEST_CLASS(program_limit_exceeded, "54000"),
    TYPQ_TEST_CLASS(object_not_in_prerequisite_state, "55000"),
    TYPQ_TEST_CLASS(operator_intervention, "57000"),
    TYPQ_TEST_CLASS(system_error, "58000"),
    TYPQ_TEST_CLASS(plpgsql_error, "P0000"),
    TYPQ_TEST_CLASS(internal_error, "XX000"),

    TYPQ_TEST_CONDITION(protocol_violation, connection_exception, "08P01"),
    TYPQ_TEST_CONDITION(string_data_right_truncation, data_exception, "22001"),
    TYPQ_TEST_CONDITION(numeric_value_out_of_range, data_exception, "22003"),
    TYPQ_TEST_CONDITION(null_value_not_allowed, data_exception, "22004"),
    TYPQ_TEST_CONDITION(invalid_datetime_format, data_exception, "22007"),
    TYPQ_TEST_CONDITION(datetime_field_overflow, data_exception, "22008"),
    TYPQ_TEST_CONDITION(division_by_zero, data_exception, "22012"),
    TYPQ_TEST_CONDITION(character_not_in_repertoire, data_exception, "22021"),
    TYPQ_TEST_CONDITION(invalid_parameter_value, data_exception, "22023"),
    TYPQ_TEST_CONDITION(invalid_text_representation, data_exception, "22P02"),
    TYPQ_TEST_CONDITION(invalid_binary_representation, data_exception, "22P03"),
    TYPQ_TEST_CONDITION(untranslatable_character, data_exception, "22P05"),
    TYPQ_TEST_CONDITION(restrict_violation, integrity_constraint_violation, "23001"),
    TYPQ_TEST_CONDITION(not_null_violation, integrity_constraint_violation, "23502"),
    TYPQ_TEST_CONDITION(foreign_key_violation, integrity_constraint_violation, "23503"),
    TYPQ_TEST_CONDITION(unique_violation, integrity_constraint_violation, "23505"),
    TYPQ_TEST_CONDITION(check_violation, integrity_constraint_violation, "23514"),
    TYPQ_TEST_CONDITION(exclusion_violation, integrity_constraint_violation, "23P01"),
    TYPQ_TEST_CONDITION(active_sql_transaction, invalid_transaction_state, "25001"),
    TYPQ_TEST_CONDITION(read_only_sql_transaction, invalid_transaction_state, "25006"),
    TYPQ_TEST_CONDITION(no_active_sql_transaction, invalid_transaction_state, "25P01"),
    TYPQ_TEST_CONDITION(in_failed_sql_transaction, invalid_transaction_state, "25P02"),
    TYPQ_TEST_CONDITION(invalid_password, invalid_authorization_specification, "28P01"),
    TYPQ_TEST_CONDITION(serialization_failure, transaction_rollback, "40001"),
    TYPQ_TEST_CONDITION(deadlock_detected, transaction_rollback, "40P01"),
    TYPQ_TEST_CONDITION(insufficient_privilege, syntax_error_or_access_rule_violation, "42501"),
    TYPQ_TEST_CONDITION(syntax_error, syntax_error_or_access_rule_violation, "42601"),
    TYPQ_TEST_CONDITION(duplicate_column, syntax_error_or_access_rule_violation, "42701"),
    TYPQ_TEST_CONDITION(ambiguous_column, syntax_error_or_access_rule_violation, "42702"),
    TYPQ_TEST_CONDITION(undefined_column, syntax_error_or_access_rule_violation, "42703"),
    TYPQ_TEST_CONDITION(undefined_object, syntax_error_or_access_rule_violation, "42704"),
    TYPQ_TEST_CONDITION(duplicate_object, syntax_error_or_access_rule_violation, "42710"),
    TYPQ_TEST_CONDITION(datatype_mismatch, syntax_error_or_access_rule_violation, "42804"),
    TYPQ_TEST_CONDITION(undefined_function, syntax_error_or_access_rule_violation, "42883"),
    TYPQ_TEST_CONDITION(undefined_table, syntax_error_or_access_rule_violation, "42P01"),
    TYPQ_TEST_CONDITION(undefined_parameter, syntax_error_or_access_rule_violation, "42P02"),
    TYPQ_TEST_CONDITION(duplicate_table, syntax_error_or_access_rule_violation, "42P07"),
    TYPQ_TEST_CONDITION(indeterminate_datatype, syntax_error_or_access_rule_violation, "42P18"),
    TYPQ_TEST_CONDITION(too_many_connections, insufficient_resources, "53300"),
    TYPQ_TEST_CONDITION(object_in_use, object_not_in_prerequisite_state, "55006"),
    TYPQ_TEST_CONDITION(lock_not_available, object_not_in_prerequisite_state, "55P03"),
    TYPQ_TEST_CONDITION(query_canceled, operator_intervention, "57014"),
    TYPQ_TEST_CONDITION(admin_shutdown, operator_intervention, "57P01"),
    TYPQ_TEST_CONDITION(crash_shutdown, operator_intervention, "57P02"),
    TYPQ_TEST_CONDITION(cannot_connect_now, operator_intervention, "57P03"),
    TYPQ_TEST_CONDITION(raise_exception, plpgsql_error, "P0001"),
};

#undef TYPQ_TEST_CONDITION
#undef TYPQ_TEST_CLASS

constexpr std::size_t condition_count = sizeof(conditions) / sizeof(conditions[0]);
constexpr std::size_t table_size = sizeof(typq::detail::sqlstate_classes) / sizeof(typq::detail::sqlstate_classes[0]);

const condition* find_condition(std::string_view code)
{
    for (const auto& c : conditions)
        if (c.code == code)
            return &c;
    return nullptr;
}

// The conditions that stand for a whole SQLSTATE class.
std::vector<const condition*> class_conditions()
{
    std::vector<const condition*> out;
    for (const auto& c : conditions)
        if (c.is_class)
            out.push_back(&c);
    return out;
}

bool in_table(std::string_view code)
{
    for (const auto& entry : typq::detail::sqlstate_classes)
        if (entry.code == code)
            return true;
    return false;
}

// A diagnostic as the server would send it, with every field set, so that a lost field shows.
typq::diagnostic hand_made(std::string code)
{
    typq::diagnostic d;
    d.sqlstate = std::move(code);
    d.severity = "ERROR";
    d.message_primary = "hand-made failure";
    d.message_detail = "a detail";
    d.message_hint = "a hint";
    d.context = "a context";
    d.schema_name = "a_schema";
    d.table_name = "a_table";
    d.column_name = "a_column";
    d.datatype_name = "a_type";
    d.constraint_name = "a_constraint";
    d.internal_query = "SELECT internal";
    d.source_file = "file.c";
    d.source_function = "function";
    d.statement_position = 12;
    d.internal_position = 3;
    d.source_line = 99;
    return d;
}

void require_fields_kept(const std::exception_ptr& thrown, std::string_view code)
{
    try {
        rethrow(thrown);
    }
    catch (const typq::server_error& e) {
        const typq::diagnostic expected = hand_made(std::string(code));
        CHECK(e.sqlstate() == expected.sqlstate);
        CHECK(e.severity() == expected.severity);
        CHECK(e.message_primary() == expected.message_primary);
        CHECK(e.detail() == expected.message_detail);
        CHECK(e.hint() == expected.message_hint);
        CHECK(e.context() == expected.context);
        CHECK(e.schema_name() == expected.schema_name);
        CHECK(e.table_name() == expected.table_name);
        CHECK(e.column_name() == expected.column_name);
        CHECK(e.datatype_name() == expected.datatype_name);
        CHECK(e.constraint_name() == expected.constraint_name);
        CHECK(e.internal_query() == expected.internal_query);
        CHECK(e.diag().source_file == expected.source_file);
        CHECK(e.diag().source_function == expected.source_function);
        CHECK(e.statement_position() == expected.statement_position);
        CHECK(e.internal_position() == expected.internal_position);
        CHECK(e.diag().source_line == expected.source_line);
        CHECK(std::string_view(e.what()) == "hand-made failure (SQLSTATE " + std::string(code) + ")");
    }
}

TEST_CASE("every entry of the SQLSTATE table has its class here, and every class here an entry",
    "[errors][sqlstate_table]")
{
    CHECK(table_size == condition_count);
    for (const auto& entry : typq::detail::sqlstate_classes) {
        CAPTURE(entry.code);
        CHECK(find_condition(entry.code) != nullptr);
        CHECK(entry.code.size() == 5);
    }
    for (const auto& c : conditions) {
        CAPTURE(c.name, c.code);
        CHECK(in_table(c.code));
        CHECK(c.is_class == (c.code.substr(2) == "000"));
        // A condition's class has its entry too.
        CHECK(in_table(std::string(c.code.substr(0, 2)) + "000"));
    }
}

TEST_CASE("throw_server_error throws, for each code in the table, the class named after that code",
    "[errors][sqlstate_table]")
{
    const auto index = GENERATE(range(std::size_t{0}, table_size));
    const auto& entry = typq::detail::sqlstate_classes[index];
    const condition* c = find_condition(entry.code);
    CAPTURE(entry.code);
    REQUIRE(c != nullptr);
    CAPTURE(c->name);

    SECTION("through throw_server_error")
    {
        const auto thrown = thrown_by([&] { typq::detail::throw_server_error(hand_made(std::string(entry.code))); });
        c->require(thrown, entry.code);
        require_fields_kept(thrown, entry.code);
    }
    SECTION("through the entry's own raise function")
    {
        const auto thrown
            = thrown_by([&] { entry.raise(std::make_shared<const typq::diagnostic>(hand_made(std::string(entry.code)))); });
        c->require(thrown, entry.code);
        require_fields_kept(thrown, entry.code);
    }
}

TEST_CASE("throw_server_error throws the class's own class for a code of that class with no entry",
    "[errors][sqlstate_table]")
{
    const condition& c = *GENERATE(from_range(class_conditions()));
    CAPTURE(c.name);

    for (const std::string_view last : {"ZZZ", "999", "P99", "00Z"}) {
        const std::string code = std::string(c.code.substr(0, 2)) + std::string(last);
        CAPTURE(code);
        REQUIRE_FALSE(in_table(code));
        const auto thrown = thrown_by([&] { typq::detail::throw_server_error(hand_made(code)); });
        c.require(thrown, code);
        require_fields_kept(thrown, code);
    }
}

TEST_CASE("throw_server_error throws a plain server_error for a code of a class it does not know, or no code",
    "[errors][sqlstate_table]")
{
    SECTION("codes of classes without an entry")
    {
        const std::string code = GENERATE(as<std::string>{}, "00000", "01000", "0100C", "38001", "39004", "HV000",
            "F0000", "ZZ001", "99999", "2F005", "72000");
        CAPTURE(code);
        REQUIRE_FALSE(in_table(code.substr(0, 2) + "000"));
        const auto thrown = thrown_by([&] { typq::detail::throw_server_error(hand_made(code)); });
        require_server_error<typq::server_error, typq::server_error>(thrown, code);
        require_fields_kept(thrown, code);
    }
    SECTION("no code, or a code that is not five characters long")
    {
        const std::string code = GENERATE(as<std::string>{}, "", "2", "2350", "235050", "23505 ", "P000");
        CAPTURE(code);
        const auto thrown = thrown_by([&] { typq::detail::throw_server_error(hand_made(code)); });
        REQUIRE_THROWS_AS(rethrow(thrown), typq::server_error);
        REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("hand-made failure"));
        try {
            rethrow(thrown);
        }
        catch (const typq::server_error& e) {
            CHECK(class_name(e) == class_name<typq::server_error>());
            CHECK(e.sqlstate() == code);
        }
    }
    SECTION("no code and no message")
    {
        const auto thrown = thrown_by([] { typq::detail::throw_server_error(typq::diagnostic{}); });
        REQUIRE_THROWS_AS(rethrow(thrown), typq::server_error);
        REQUIRE_THROWS_WITH(rethrow(thrown), "server error");
    }
}

TEST_CASE("the server maps each condition name to the code whose class has that name", "[errors][sqlstate_table]")
{
    auto conn = typq_test::connect();
    for (const auto& c : conditions) {
        CAPTURE(c.name, c.code);
        const auto thrown = thrown_by([&] {
            conn.execute(typq::runtime("DO $$ BEGIN RAISE EXCEPTION 'raised as %', '" + std::string(c.name)
                + "' USING ERRCODE = '" + std::string(c.name) + "'; END $$"));
        });
        c.require(thrown, c.code);
        REQUIRE_THROWS_WITH(rethrow(thrown), Catch::Contains("raised as " + std::string(c.name)));
    }
    require_usable(conn);
}

}  // namespace errors_sqlstate_table_test
