// SPDX-License-Identifier: BSL-1.0
// typq/error.hpp: the exception hierarchy, and the one table that maps SQLSTATE codes to classes.

#ifndef TYPQ_ERROR_HPP
#define TYPQ_ERROR_HPP

#include <typq/config.hpp>

#include <memory>       // std::shared_ptr: exceptions stay cheap and nothrow to copy
#include <stdexcept>    // std::runtime_error
#include <string>       // messages and diagnostic fields
#include <string_view>  // SQLSTATE codes in the table
#include <utility>      // std::move

namespace typq {

/// The base of every exception typq throws. Exceptions are cheap and nothrow to copy (their data
/// is shared and immutable), so a copy may be handed to another thread.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The client could not talk to the server: connecting failed, or the connection was lost or is
/// closed. `broken()` says whether the connection object is now unusable.
class connection_error : public error {
public:
    /// An error with `message` as what(); `broken` says whether the connection is now unusable,
    /// `sqlstate` is the code the server sent as it closed the connection, if it sent one.
    connection_error(const std::string& message, bool broken, const std::string& sqlstate = {})
        : error(message), broken_(broken), sqlstate_(std::make_shared<const std::string>(sqlstate))
    {
    }
    /// True when the connection can do no more work and must be closed (or a new one opened).
    [[nodiscard]] bool broken() const noexcept { return broken_; }
    /// The SQLSTATE the server sent as it closed the connection (57P01 when the backend was
    /// terminated), or empty when the connection just went away.
    [[nodiscard]] const std::string& sqlstate() const noexcept { return *sqlstate_; }

private:
    bool broken_;
    std::shared_ptr<const std::string> sqlstate_;
};

/// The program asked for something that cannot be done: placeholders and arguments that disagree
/// in runtime SQL, committing a transaction that is not the innermost, and the like.
/// Nothing was sent to the server, or what was sent was rolled back.
class usage_error : public error {
public:
    using error::error;
};

/// A statement queued in a typq::pipeline was not run: an earlier statement before the same sync
/// point failed, and the server skipped everything after it up to that sync point (the earlier
/// statement's handle has its error). The pipeline goes on after the sync point.
class pipeline_aborted : public error {
public:
    using error::error;
};

/// A query that must return rows returned a different number of them.
class row_count_error : public error {
public:
    using error::error;
};
/// `query_one` or `query_value` found no row.
class no_rows : public row_count_error {
public:
    using row_count_error::row_count_error;
};
/// `query_one`, `query_opt` or `query_value` found more than one row.
class too_many_rows : public row_count_error {
public:
    using row_count_error::row_count_error;
};

/// Where a conversion between a result column (or parameter) and a C++ value failed.
struct conversion_site {
    std::string column;    ///< the column's name, or empty when there is no such column
    std::string sql_type;  ///< the column's SQL type, e.g. "int8"
    std::string field;     ///< the field (or tuple element) it maps to, or empty
    std::string cpp_type;  ///< the C++ type of that field
};

/// A value could not become the C++ type asked for (or a result's columns do not fit the row
/// type): a type mismatch, NULL into a non-optional field, a value out of range, malformed bytes.
class conversion_error : public error {
public:
    /// An error with `message` as what() (one sentence naming the column, its SQL type, the field
    /// and its C++ type), and `site`, what the accessors return.
    conversion_error(const std::string& message, conversion_site site)
        : error(message), site_(std::make_shared<const conversion_site>(std::move(site)))
    {
    }
    /// The column's name, or empty when the value was not a result column's (a parameter).
    [[nodiscard]] const std::string& column() const noexcept { return site_->column; }
    /// The column's (or value's) SQL type, e.g. "int8", or empty when unknown.
    [[nodiscard]] const std::string& sql_type() const noexcept { return site_->sql_type; }
    /// The name of the field it maps to, or empty for a tuple element or a one-column row.
    [[nodiscard]] const std::string& field() const noexcept { return site_->field; }
    /// The C++ type it was to become, or empty when unknown.
    [[nodiscard]] const std::string& cpp_type() const noexcept { return site_->cpp_type; }

private:
    std::shared_ptr<const conversion_site> site_;
};

/// Every field of a server's error report (see PostgreSQL's "Error and Notice Message Fields").
/// Absent fields are empty; absent positions and line are 0.
struct diagnostic {
    std::string sqlstate;         ///< the five-character SQLSTATE code, e.g. "23505"
    std::string severity;         ///< ERROR, FATAL or PANIC (never localised)
    std::string message_primary;  ///< the primary message, one line
    std::string message_detail;   ///< more detail; may quote the row's values (kept out of what())
    std::string message_hint;     ///< a suggestion of what to do about it
    std::string context;          ///< where it happened: a call stack of functions and internal queries, one a line
    std::string schema_name;      ///< the schema of the object concerned
    std::string table_name;       ///< the table concerned
    std::string column_name;      ///< the column concerned
    std::string datatype_name;    ///< the data type concerned
    std::string constraint_name;  ///< the constraint that was violated
    std::string internal_query;   ///< the failed internally generated statement (e.g. a PL/pgSQL function's)
    std::string source_file;      ///< the server's source file that reported the error
    std::string source_function;  ///< the server's source function that reported the error
    int statement_position = 0;  ///< 1-based character index into the statement
    int internal_position = 0;   ///< 1-based character index into `internal_query`
    int source_line = 0;         ///< the line in `source_file`
};

/// The server reported an error. `sqlstate()` says which; every diagnostic field is kept.
/// Common SQLSTATEs have classes of their own, under classes for their SQLSTATE class
/// (`unique_violation` under `integrity_constraint_violation`), so callers catch what they handle.
class server_error : public error {
public:
    /// The error for the report `diag` (not null); what() is its primary message and SQLSTATE.
    /// typq throws the class `diag->sqlstate` maps to, never server_error itself when one does.
    explicit server_error(std::shared_ptr<const diagnostic> diag)
        : error(describe(*diag)), diag_(std::move(diag))
    {
    }
    /// Every field of the report, including those without an accessor of their own.
    [[nodiscard]] const diagnostic& diag() const noexcept { return *diag_; }
    /// The five-character SQLSTATE code, e.g. "40001".
    [[nodiscard]] const std::string& sqlstate() const noexcept { return diag_->sqlstate; }
    /// ERROR, FATAL or PANIC (never localised).
    [[nodiscard]] const std::string& severity() const noexcept { return diag_->severity; }
    /// The primary message, as in what() without the SQLSTATE.
    [[nodiscard]] const std::string& message_primary() const noexcept { return diag_->message_primary; }
    /// The DETAIL line, or empty. It may quote the row's values, which is why what() leaves it out.
    [[nodiscard]] const std::string& detail() const noexcept { return diag_->message_detail; }
    /// The HINT line, or empty.
    [[nodiscard]] const std::string& hint() const noexcept { return diag_->message_hint; }
    /// The CONTEXT lines (functions and internal queries the error happened in), or empty.
    [[nodiscard]] const std::string& context() const noexcept { return diag_->context; }
    /// The schema of the object concerned, or empty.
    [[nodiscard]] const std::string& schema_name() const noexcept { return diag_->schema_name; }
    /// The table concerned, or empty.
    [[nodiscard]] const std::string& table_name() const noexcept { return diag_->table_name; }
    /// The column concerned, or empty.
    [[nodiscard]] const std::string& column_name() const noexcept { return diag_->column_name; }
    /// The data type concerned, or empty.
    [[nodiscard]] const std::string& datatype_name() const noexcept { return diag_->datatype_name; }
    /// The constraint that was violated (a unique_violation's index, a check_violation's check), or empty.
    [[nodiscard]] const std::string& constraint_name() const noexcept { return diag_->constraint_name; }
    /// The failed internally generated statement (e.g. one a PL/pgSQL function ran), or empty.
    [[nodiscard]] const std::string& internal_query() const noexcept { return diag_->internal_query; }
    /// Where in the statement the error is, as a 1-based character index, or 0.
    [[nodiscard]] int statement_position() const noexcept { return diag_->statement_position; }
    /// Where in internal_query() the error is, as a 1-based character index, or 0.
    [[nodiscard]] int internal_position() const noexcept { return diag_->internal_position; }

private:
    // The primary message and the code; DETAIL stays out of what() because it often quotes
    // the row's values (`Key (email)=(...) already exists`), which may be secrets.
    static std::string describe(const diagnostic& d)
    {
        std::string text = d.message_primary.empty() ? std::string("server error") : d.message_primary;
        if (!d.sqlstate.empty()) {
            text += " (SQLSTATE ";
            text += d.sqlstate;
            text += ')';
        }
        return text;
    }

    std::shared_ptr<const diagnostic> diag_;
};

// SQLSTATE classes (the first two characters of the code), then the conditions typq names.
// Spelled as PostgreSQL's errcodes.txt spells them. The API reference documents each class from
// this macro's comment (doxygen expands the macro) and the `///<` SQLSTATE after each use; the
// comment is a block comment because a `//` comment would swallow the rest of the macro.
#define TYPQ_DETAIL_SERVER_ERROR(name, base)                                                         \
    /** @details Thrown when the server reports this SQLSTATE; it derives from `base`, so a handler  \
        for `base` catches it too. A code maps to its own class, else to its SQLSTATE class's, else \
        to typq::server_error, whose accessors hold every field of the server's report. */          \
    class name : public base {                                                                      \
    public:                                                                                         \
        using base::base;                                                                           \
    };

TYPQ_DETAIL_SERVER_ERROR(connection_exception, server_error)                   ///< SQLSTATE class 08: codes 08xxx.
TYPQ_DETAIL_SERVER_ERROR(feature_not_supported, server_error)                  ///< SQLSTATE class 0A: codes 0Axxx.
TYPQ_DETAIL_SERVER_ERROR(cardinality_violation, server_error)                  ///< SQLSTATE class 21: codes 21xxx.
TYPQ_DETAIL_SERVER_ERROR(data_exception, server_error)                         ///< SQLSTATE class 22: codes 22xxx.
TYPQ_DETAIL_SERVER_ERROR(integrity_constraint_violation, server_error)         ///< SQLSTATE class 23: codes 23xxx.
TYPQ_DETAIL_SERVER_ERROR(invalid_cursor_state, server_error)                   ///< SQLSTATE class 24: codes 24xxx.
TYPQ_DETAIL_SERVER_ERROR(invalid_transaction_state, server_error)              ///< SQLSTATE class 25: codes 25xxx.
TYPQ_DETAIL_SERVER_ERROR(invalid_authorization_specification, server_error)    ///< SQLSTATE class 28: codes 28xxx.
TYPQ_DETAIL_SERVER_ERROR(invalid_transaction_termination, server_error)        ///< SQLSTATE class 2D: codes 2Dxxx.
TYPQ_DETAIL_SERVER_ERROR(savepoint_exception, server_error)                    ///< SQLSTATE class 3B: codes 3Bxxx.
TYPQ_DETAIL_SERVER_ERROR(invalid_catalog_name, server_error)                   ///< SQLSTATE class 3D: codes 3Dxxx.
TYPQ_DETAIL_SERVER_ERROR(invalid_schema_name, server_error)                    ///< SQLSTATE class 3F: codes 3Fxxx.
TYPQ_DETAIL_SERVER_ERROR(transaction_rollback, server_error)                   ///< SQLSTATE class 40: codes 40xxx.
TYPQ_DETAIL_SERVER_ERROR(syntax_error_or_access_rule_violation, server_error)  ///< SQLSTATE class 42: codes 42xxx.
TYPQ_DETAIL_SERVER_ERROR(insufficient_resources, server_error)                 ///< SQLSTATE class 53: codes 53xxx.
TYPQ_DETAIL_SERVER_ERROR(program_limit_exceeded, server_error)                 ///< SQLSTATE class 54: codes 54xxx.
TYPQ_DETAIL_SERVER_ERROR(object_not_in_prerequisite_state, server_error)       ///< SQLSTATE class 55: codes 55xxx.
TYPQ_DETAIL_SERVER_ERROR(operator_intervention, server_error)                  ///< SQLSTATE class 57: codes 57xxx.
TYPQ_DETAIL_SERVER_ERROR(system_error, server_error)                           ///< SQLSTATE class 58: codes 58xxx.
TYPQ_DETAIL_SERVER_ERROR(plpgsql_error, server_error)                          ///< SQLSTATE class P0: codes P0xxx.
TYPQ_DETAIL_SERVER_ERROR(internal_error, server_error)                         ///< SQLSTATE class XX: codes XXxxx.

TYPQ_DETAIL_SERVER_ERROR(protocol_violation, connection_exception)                    ///< SQLSTATE 08P01.
TYPQ_DETAIL_SERVER_ERROR(string_data_right_truncation, data_exception)                ///< SQLSTATE 22001.
TYPQ_DETAIL_SERVER_ERROR(numeric_value_out_of_range, data_exception)                  ///< SQLSTATE 22003.
TYPQ_DETAIL_SERVER_ERROR(null_value_not_allowed, data_exception)                      ///< SQLSTATE 22004.
TYPQ_DETAIL_SERVER_ERROR(invalid_datetime_format, data_exception)                     ///< SQLSTATE 22007.
TYPQ_DETAIL_SERVER_ERROR(datetime_field_overflow, data_exception)                     ///< SQLSTATE 22008.
TYPQ_DETAIL_SERVER_ERROR(division_by_zero, data_exception)                            ///< SQLSTATE 22012.
TYPQ_DETAIL_SERVER_ERROR(character_not_in_repertoire, data_exception)                 ///< SQLSTATE 22021.
TYPQ_DETAIL_SERVER_ERROR(invalid_parameter_value, data_exception)                     ///< SQLSTATE 22023.
TYPQ_DETAIL_SERVER_ERROR(invalid_text_representation, data_exception)                 ///< SQLSTATE 22P02.
TYPQ_DETAIL_SERVER_ERROR(invalid_binary_representation, data_exception)               ///< SQLSTATE 22P03.
TYPQ_DETAIL_SERVER_ERROR(untranslatable_character, data_exception)                    ///< SQLSTATE 22P05.
TYPQ_DETAIL_SERVER_ERROR(restrict_violation, integrity_constraint_violation)          ///< SQLSTATE 23001.
TYPQ_DETAIL_SERVER_ERROR(not_null_violation, integrity_constraint_violation)          ///< SQLSTATE 23502.
TYPQ_DETAIL_SERVER_ERROR(foreign_key_violation, integrity_constraint_violation)       ///< SQLSTATE 23503.
TYPQ_DETAIL_SERVER_ERROR(unique_violation, integrity_constraint_violation)            ///< SQLSTATE 23505.
TYPQ_DETAIL_SERVER_ERROR(check_violation, integrity_constraint_violation)             ///< SQLSTATE 23514.
TYPQ_DETAIL_SERVER_ERROR(exclusion_violation, integrity_constraint_violation)         ///< SQLSTATE 23P01.
TYPQ_DETAIL_SERVER_ERROR(active_sql_transaction, invalid_transaction_state)           ///< SQLSTATE 25001.
TYPQ_DETAIL_SERVER_ERROR(read_only_sql_transaction, invalid_transaction_state)        ///< SQLSTATE 25006.
TYPQ_DETAIL_SERVER_ERROR(no_active_sql_transaction, invalid_transaction_state)        ///< SQLSTATE 25P01.
TYPQ_DETAIL_SERVER_ERROR(in_failed_sql_transaction, invalid_transaction_state)        ///< SQLSTATE 25P02.
TYPQ_DETAIL_SERVER_ERROR(invalid_password, invalid_authorization_specification)       ///< SQLSTATE 28P01.
TYPQ_DETAIL_SERVER_ERROR(serialization_failure, transaction_rollback)                 ///< SQLSTATE 40001.
TYPQ_DETAIL_SERVER_ERROR(deadlock_detected, transaction_rollback)                     ///< SQLSTATE 40P01.
TYPQ_DETAIL_SERVER_ERROR(insufficient_privilege, syntax_error_or_access_rule_violation)  ///< SQLSTATE 42501.
TYPQ_DETAIL_SERVER_ERROR(syntax_error, syntax_error_or_access_rule_violation)         ///< SQLSTATE 42601.
TYPQ_DETAIL_SERVER_ERROR(duplicate_column, syntax_error_or_access_rule_violation)     ///< SQLSTATE 42701.
TYPQ_DETAIL_SERVER_ERROR(ambiguous_column, syntax_error_or_access_rule_violation)     ///< SQLSTATE 42702.
TYPQ_DETAIL_SERVER_ERROR(undefined_column, syntax_error_or_access_rule_violation)     ///< SQLSTATE 42703.
TYPQ_DETAIL_SERVER_ERROR(undefined_object, syntax_error_or_access_rule_violation)     ///< SQLSTATE 42704.
TYPQ_DETAIL_SERVER_ERROR(duplicate_object, syntax_error_or_access_rule_violation)     ///< SQLSTATE 42710.
TYPQ_DETAIL_SERVER_ERROR(datatype_mismatch, syntax_error_or_access_rule_violation)    ///< SQLSTATE 42804.
TYPQ_DETAIL_SERVER_ERROR(undefined_function, syntax_error_or_access_rule_violation)   ///< SQLSTATE 42883.
TYPQ_DETAIL_SERVER_ERROR(undefined_table, syntax_error_or_access_rule_violation)      ///< SQLSTATE 42P01.
TYPQ_DETAIL_SERVER_ERROR(undefined_parameter, syntax_error_or_access_rule_violation)  ///< SQLSTATE 42P02.
TYPQ_DETAIL_SERVER_ERROR(duplicate_table, syntax_error_or_access_rule_violation)      ///< SQLSTATE 42P07.
TYPQ_DETAIL_SERVER_ERROR(indeterminate_datatype, syntax_error_or_access_rule_violation)  ///< SQLSTATE 42P18.
TYPQ_DETAIL_SERVER_ERROR(too_many_connections, insufficient_resources)                ///< SQLSTATE 53300.
TYPQ_DETAIL_SERVER_ERROR(object_in_use, object_not_in_prerequisite_state)             ///< SQLSTATE 55006.
TYPQ_DETAIL_SERVER_ERROR(lock_not_available, object_not_in_prerequisite_state)        ///< SQLSTATE 55P03.
TYPQ_DETAIL_SERVER_ERROR(query_canceled, operator_intervention)                       ///< SQLSTATE 57014.
TYPQ_DETAIL_SERVER_ERROR(admin_shutdown, operator_intervention)                       ///< SQLSTATE 57P01.
TYPQ_DETAIL_SERVER_ERROR(crash_shutdown, operator_intervention)                       ///< SQLSTATE 57P02.
TYPQ_DETAIL_SERVER_ERROR(cannot_connect_now, operator_intervention)                   ///< SQLSTATE 57P03.
TYPQ_DETAIL_SERVER_ERROR(raise_exception, plpgsql_error)                              ///< SQLSTATE P0001.

#undef TYPQ_DETAIL_SERVER_ERROR

namespace detail {

/// Throws the class that `diag.sqlstate` maps to (see `sqlstate_classes`).
[[noreturn]] TYPQ_DECL void throw_server_error(diagnostic diag);

// The table and the code that throws each class: instantiating all 67 classes is the largest
// part of typq's non-template code, compiled once under TYPQ_SEPARATE_COMPILATION.
template <class Error>
[[noreturn]] void raise_server_error(std::shared_ptr<const diagnostic> diag)
{
    throw Error(std::move(diag));
}

#if TYPQ_DEFINITIONS

struct sqlstate_class_entry {
    std::string_view code;  // five characters; "xx000" stands for the whole class xx
    void (*raise)(std::shared_ptr<const diagnostic>);
};

// The one table from SQLSTATE to exception class. An exact code wins; otherwise the class
// entry ("23000") for the code's first two characters; otherwise plain server_error.
inline constexpr sqlstate_class_entry sqlstate_classes[] = {
    {"08000", &raise_server_error<connection_exception>},
    {"08P01", &raise_server_error<protocol_violation>},
    {"0A000", &raise_server_error<feature_not_supported>},
    {"21000", &raise_server_error<cardinality_violation>},
    {"22000", &raise_server_error<data_exception>},
    {"22001", &raise_server_error<string_data_right_truncation>},
    {"22003", &raise_server_error<numeric_value_out_of_range>},
    {"22004", &raise_server_error<null_value_not_allowed>},
    {"22007", &raise_server_error<invalid_datetime_format>},
    {"22008", &raise_server_error<datetime_field_overflow>},
    {"22012", &raise_server_error<division_by_zero>},
    {"22021", &raise_server_error<character_not_in_repertoire>},
    {"22023", &raise_server_error<invalid_parameter_value>},
    {"22P02", &raise_server_error<invalid_text_representation>},
    {"22P03", &raise_server_error<invalid_binary_representation>},
    {"22P05", &raise_server_error<untranslatable_character>},
    {"23000", &raise_server_error<integrity_constraint_violation>},
    {"23001", &raise_server_error<restrict_violation>},
    {"23502", &raise_server_error<not_null_violation>},
    {"23503", &raise_server_error<foreign_key_violation>},
    {"23505", &raise_server_error<unique_violation>},
    {"23514", &raise_server_error<check_violation>},
    {"23P01", &raise_server_error<exclusion_violation>},
    {"24000", &raise_server_error<invalid_cursor_state>},
    {"25000", &raise_server_error<invalid_transaction_state>},
    {"25001", &raise_server_error<active_sql_transaction>},
    {"25006", &raise_server_error<read_only_sql_transaction>},
    {"25P01", &raise_server_error<no_active_sql_transaction>},
    {"25P02", &raise_server_error<in_failed_sql_transaction>},
    {"28000", &raise_server_error<invalid_authorization_specification>},
    {"28P01", &raise_server_error<invalid_password>},
    {"2D000", &raise_server_error<invalid_transaction_termination>},
    {"3B000", &raise_server_error<savepoint_exception>},
    {"3D000", &raise_server_error<invalid_catalog_name>},
    {"3F000", &raise_server_error<invalid_schema_name>},
    {"40000", &raise_server_error<transaction_rollback>},
    {"40001", &raise_server_error<serialization_failure>},
    {"40P01", &raise_server_error<deadlock_detected>},
    {"42000", &raise_server_error<syntax_error_or_access_rule_violation>},
    {"42501", &raise_server_error<insufficient_privilege>},
    {"42601", &raise_server_error<syntax_error>},
    {"42701", &raise_server_error<duplicate_column>},
    {"42702", &raise_server_error<ambiguous_column>},
    {"42703", &raise_server_error<undefined_column>},
    {"42704", &raise_server_error<undefined_object>},
    {"42710", &raise_server_error<duplicate_object>},
    {"42804", &raise_server_error<datatype_mismatch>},
    {"42883", &raise_server_error<undefined_function>},
    {"42P01", &raise_server_error<undefined_table>},
    {"42P02", &raise_server_error<undefined_parameter>},
    {"42P07", &raise_server_error<duplicate_table>},
    {"42P18", &raise_server_error<indeterminate_datatype>},
    {"53000", &raise_server_error<insufficient_resources>},
    {"53300", &raise_server_error<too_many_connections>},
    {"54000", &raise_server_error<program_limit_exceeded>},
    {"55000", &raise_server_error<object_not_in_prerequisite_state>},
    {"55006", &raise_server_error<object_in_use>},
    {"55P03", &raise_server_error<lock_not_available>},
    {"57000", &raise_server_error<operator_intervention>},
    {"57014", &raise_server_error<query_canceled>},
    {"57P01", &raise_server_error<admin_shutdown>},
    {"57P02", &raise_server_error<crash_shutdown>},
    {"57P03", &raise_server_error<cannot_connect_now>},
    {"58000", &raise_server_error<system_error>},
    {"P0000", &raise_server_error<plpgsql_error>},
    {"P0001", &raise_server_error<raise_exception>},
    {"XX000", &raise_server_error<internal_error>},
};

[[noreturn]] TYPQ_DECL void throw_server_error(diagnostic diag)
{
    auto shared = std::make_shared<const diagnostic>(std::move(diag));
    const std::string_view code = shared->sqlstate;
    if (code.size() == 5) {
        for (const auto& entry : sqlstate_classes)
            if (entry.code == code)
                entry.raise(std::move(shared));
        for (const auto& entry : sqlstate_classes)
            if (entry.code.substr(0, 2) == code.substr(0, 2) && entry.code.substr(2) == "000")
                entry.raise(std::move(shared));
    }
    throw server_error(std::move(shared));
}

#endif  // TYPQ_DEFINITIONS

}  // namespace detail
}  // namespace typq

#endif  // TYPQ_ERROR_HPP
