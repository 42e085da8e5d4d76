// SPDX-License-Identifier: BSL-1.0
// typq/sql.hpp: SQL statements checked at compile time against their arguments, in the style of
// fmt::format_string; typq::runtime() for SQL built at run time, checked the same way at run time.

#ifndef TYPQ_SQL_HPP
#define TYPQ_SQL_HPP

#include <typq/error.hpp>
#include <typq/reflect.hpp>
#include <typq/type.hpp>
#include <typq/detail/field_names.hpp>
#include <typq/detail/sql_lexer.hpp>

#include <array>        // parameter order of named statements
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint16_t
#include <string>       // runtime SQL, rewritten statements
#include <string_view>  // the statement text
#include <type_traits>  // std::is_constant_evaluated, std::type_identity_t
#include <utility>      // std::move

namespace typq {

/// SQL text built at run time, opting out of the compile-time check: `typq::runtime(text)`.
/// Placeholders and arguments are then checked when the statement runs, by the same rules.
class runtime_sql {
public:
    explicit runtime_sql(std::string text) : text_(std::move(text)) {}
    [[nodiscard]] const std::string& text() const noexcept { return text_; }

private:
    std::string text_;
};

/// Marks SQL built at run time: `conn.query<T>(typq::runtime(text), args...)`.
[[nodiscard]] inline runtime_sql runtime(std::string text)
{
    return runtime_sql(std::move(text));
}

namespace detail {

// A failed compile-time check calls one of these: they are not constexpr, so the compiler stops
// and its first error line names the function, which names the problem.
inline void sql_error_placeholder_zero() {}
inline void sql_error_more_placeholders_than_arguments() {}
inline void sql_error_more_arguments_than_placeholders() {}
inline void sql_error_gap_in_placeholders() {}
inline void sql_error_positional_placeholder_with_named_arguments() {}
inline void sql_error_name_is_not_a_field() {}
inline void sql_error_nul_in_statement() {}
inline void sql_error_statement_is_not_nul_terminated() {}
inline void sql_error_unterminated_quoted_string() {}
inline void sql_error_unterminated_quoted_identifier() {}
inline void sql_error_unterminated_dollar_quote() {}
inline void sql_error_unterminated_block_comment() {}
inline void sql_error_placeholder_number_too_large() {}

enum class sql_problem : unsigned char {
    placeholder_zero,
    more_placeholders_than_arguments,
    more_arguments_than_placeholders,
    gap_in_placeholders,
    positional_placeholder_with_named_arguments,
    name_is_not_a_field,
    nul_in_statement,
    statement_is_not_nul_terminated,
    unterminated_quoted_string,
    unterminated_quoted_identifier,
    unterminated_dollar_quote,
    unterminated_block_comment,
    placeholder_number_too_large,
};

// One sentence for a run-time SQL check that failed; `where` is the offset of the offending
// text, or for the argument problems the argument's number.
inline std::string describe_sql_problem(sql_problem problem, std::size_t where)
{
    const std::string at = " at offset " + std::to_string(where);
    switch (problem) {
    case sql_problem::placeholder_zero: return "$0" + at + " is not a placeholder: they start at $1";
    case sql_problem::more_placeholders_than_arguments: return "the placeholder" + at + " has no argument";
    case sql_problem::more_arguments_than_placeholders:
        return "argument " + std::to_string(where) + " has no placeholder $" + std::to_string(where);
    case sql_problem::gap_in_placeholders:
        return "the placeholders skip $" + std::to_string(where) + ", so argument " + std::to_string(where)
            + " is never used";
    case sql_problem::positional_placeholder_with_named_arguments:
        return "the $N placeholder" + at + " cannot be bound: a struct argument binds :name placeholders";
    case sql_problem::name_is_not_a_field: return "the :name placeholder" + at + " is not a field of the argument";
    case sql_problem::nul_in_statement: return "the statement has a NUL byte" + at;
    case sql_problem::statement_is_not_nul_terminated: return "the statement is not NUL-terminated";
    case sql_problem::unterminated_quoted_string: return "the quoted string" + at + " is not closed";
    case sql_problem::unterminated_quoted_identifier: return "the quoted identifier" + at + " is not closed";
    case sql_problem::unterminated_dollar_quote: return "the dollar-quoted string" + at + " is not closed";
    case sql_problem::unterminated_block_comment: return "the /* comment" + at + " is not closed";
    case sql_problem::placeholder_number_too_large: return "the placeholder" + at + " is above $65535";
    }
    return "the statement is invalid";
}

// At compile time: stop the build with the problem's name. At run time: a usage_error.
constexpr void report_sql_problem(sql_problem problem, std::size_t where)
{
    if (std::is_constant_evaluated()) {
        switch (problem) {
        case sql_problem::placeholder_zero: sql_error_placeholder_zero(); break;
        case sql_problem::more_placeholders_than_arguments: sql_error_more_placeholders_than_arguments(); break;
        case sql_problem::more_arguments_than_placeholders: sql_error_more_arguments_than_placeholders(); break;
        case sql_problem::gap_in_placeholders: sql_error_gap_in_placeholders(); break;
        case sql_problem::positional_placeholder_with_named_arguments:
            sql_error_positional_placeholder_with_named_arguments();
            break;
        case sql_problem::name_is_not_a_field: sql_error_name_is_not_a_field(); break;
        case sql_problem::nul_in_statement: sql_error_nul_in_statement(); break;
        case sql_problem::statement_is_not_nul_terminated: sql_error_statement_is_not_nul_terminated(); break;
        case sql_problem::unterminated_quoted_string: sql_error_unterminated_quoted_string(); break;
        case sql_problem::unterminated_quoted_identifier: sql_error_unterminated_quoted_identifier(); break;
        case sql_problem::unterminated_dollar_quote: sql_error_unterminated_dollar_quote(); break;
        case sql_problem::unterminated_block_comment: sql_error_unterminated_block_comment(); break;
        case sql_problem::placeholder_number_too_large: sql_error_placeholder_number_too_large(); break;
        }
    }
    else
        throw usage_error("invalid SQL statement: " + describe_sql_problem(problem, where));
}

constexpr sql_problem lex_problem(sql_lex_error error) noexcept
{
    switch (error) {
    case sql_lex_error::unterminated_quoted_identifier: return sql_problem::unterminated_quoted_identifier;
    case sql_lex_error::unterminated_dollar_quote: return sql_problem::unterminated_dollar_quote;
    case sql_lex_error::unterminated_block_comment: return sql_problem::unterminated_block_comment;
    case sql_lex_error::placeholder_number_too_large: return sql_problem::placeholder_number_too_large;
    default: return sql_problem::unterminated_quoted_string;
    }
}

/// A lone aggregate argument binds `:name` placeholders from its fields.
template <class... Args>
inline constexpr bool binds_by_name = false;
template <class T>
inline constexpr bool binds_by_name<T> = reflected_struct<T>;

// How many parameters a statement can have: one per argument, or one per field.
template <class... Args>
inline constexpr std::size_t max_parameters = sizeof...(Args);
template <class T>
    requires reflected_struct<T>
inline constexpr std::size_t max_parameters<T> = reflected_fields<T>::size;

/// The index of the field of T called `name`, or -1.
template <class T>
constexpr int field_index(std::string_view name) noexcept
{
    constexpr auto& names = field_names<T>;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name)
            return static_cast<int>(i);
    return -1;
}

template <class... Args>
consteval bool require_arguments_encodable()
{
    if constexpr (binds_by_name<Args...>) {
        using row = row_traits<Args...>;
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (require_encodable<std::remove_cv_t<typename row::template field_type<I>>>() && ...);
        }(std::make_index_sequence<row::size>{});
    }
    else
        return (require_encodable<Args>() && ...);
}

}  // namespace detail

/// A SQL statement whose placeholders have been checked against the argument types `Args`:
/// `$1..$N` must be exactly the N arguments, with no gap and no extra; or, when the only argument
/// is a struct, every `:name` must be one of its fields (bound in order of first appearance).
/// Placeholders inside comments, quoted strings, quoted identifiers and dollar quotes don't count,
/// and `::` casts are not names; nor is a `:` glued to the end of a word (`arr[lo:hi]` is a slice).
template <class... Args>
class basic_sql {
public:
    static constexpr bool named = detail::binds_by_name<Args...>;

    /// Checks a string literal at compile time; a mismatch does not compile.
    template <std::size_t N>
    consteval basic_sql(const char (&text)[N]) : text_(text), size_(N - 1), literal_(true)
    {
        // Here, not in the class body: overload resolution instantiates basic_sql for argument
        // lists that are not statements (the typq::text_results forms), and must not fail there.
        static_assert(detail::require_arguments_encodable<Args...>());
        if (text[N - 1] != '\0')
            detail::report_sql_problem(detail::sql_problem::statement_is_not_nul_terminated, N - 1);
        check();
    }

    /// Checks SQL built at run time. @throws typq::usage_error when placeholders and arguments disagree.
    /// @par Lifetime  The statement points into `sql`'s text: in `conn.query(typq::runtime(text), ...)`
    ///      the temporary lives to the end of the call, but a basic_sql kept in a variable must not
    ///      outlive the runtime_sql it was made from.
    basic_sql(const runtime_sql& sql) : text_(sql.text().c_str()), size_(sql.text().size())
    {
        static_assert(detail::require_arguments_encodable<Args...>());
        check();
    }

    /// The statement, NUL-terminated.
    [[nodiscard]] constexpr const char* c_str() const noexcept { return text_; }
    [[nodiscard]] constexpr std::string_view text() const noexcept { return {text_, size_}; }

    /// The number of parameters the statement binds.
    [[nodiscard]] constexpr std::size_t parameter_count() const noexcept { return named ? count_ : sizeof...(Args); }

    /// True for a string literal, whose text lives (unchanged) as long as the program.
    [[nodiscard]] constexpr bool is_literal() const noexcept { return literal_; }

    /// A hash of the statement's text, computed with the check (at compile time for a literal):
    /// what a connection's statement cache finds it by.
    [[nodiscard]] constexpr std::size_t hash() const noexcept { return hash_; }

    /// Named statements: the field that parameter `$k+1` takes its value from.
    [[nodiscard]] constexpr std::size_t parameter_field(std::size_t k) const noexcept { return fields_[k]; }

    /// Named statements: the statement with each `:name` replaced by its `$k`, appended to `out`.
    ///
    /// `standard_strings` is the server's standard_conforming_strings. The statement was checked
    /// by PostgreSQL's default rules (on); with it off, a backslash in '...' escapes the next
    /// character, so the statement is read again by those rules, and a statement whose `:name`
    /// placeholders then differ (a `:name` that turns out to be inside a string) is refused.
    /// @throws typq::usage_error for such a statement.
    void write_positional(std::string& out, bool standard_strings = true) const
    {
        std::size_t copied = 0;
        std::array<bool, max_parameters + 1> seen{};
        std::size_t distinct = 0;
        bool differs = false;
        const auto rewrite = [&](const detail::placeholder& p) {
            if (p.kind != detail::placeholder_kind::named || differs)
                return;
            const int field = detail::field_index<Args...>(p.name);
            std::size_t k = 0;
            while (field >= 0 && k < count_ && fields_[k] != static_cast<std::uint16_t>(field))
                ++k;
            if (field < 0 || k == count_) {
                differs = true;
                return;
            }
            if (!seen[k]) {
                seen[k] = true;
                ++distinct;
            }
            out.append(text_ + copied, p.offset - copied);
            out += '$';
            out += std::to_string(k + 1);
            copied = p.offset + p.length;
        };
        const auto lexed = detail::scan_placeholders(text(), rewrite, standard_strings);
        if (differs || distinct != count_ || lexed.error != detail::sql_lex_error::none)
            throw usage_error("with standard_conforming_strings off, the server reads this statement's backslashes "
                              "in '...' strings as escapes, and its :name placeholders differ from what typq checked: "
                              "write the string as E'...', or SET standard_conforming_strings TO on");
        out.append(text_ + copied, size_ - copied);
    }

    /// True when the statement is a COPY ... FROM STDIN or TO STDOUT, which needs COPY's own
    /// protocol.
    [[nodiscard]] constexpr bool copies_through_client() const noexcept { return copy_; }

private:
    static constexpr std::size_t max_parameters = detail::max_parameters<Args...>;

    constexpr void check()
    {
        // FNV-1a, 64 bits.
        std::uint64_t h = 14695981039346656037ull;
        for (const char c : text()) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ull;
        }
        hash_ = static_cast<std::size_t>(h);

        // find() is memchr at run time, where typq::runtime statements are checked on every call.
        if (const std::size_t at = text().find('\0'); at != std::string_view::npos)
            detail::report_sql_problem(detail::sql_problem::nul_in_statement, at);

        std::array<bool, max_parameters + 1> seen{};
        const auto visit = [&](const detail::placeholder& p) {
            if (p.kind == detail::placeholder_kind::positional) {
                if constexpr (named)
                    detail::report_sql_problem(detail::sql_problem::positional_placeholder_with_named_arguments, p.offset);
                else if (p.number == 0)
                    detail::report_sql_problem(detail::sql_problem::placeholder_zero, p.offset);
                else if (p.number > max_parameters)
                    detail::report_sql_problem(detail::sql_problem::more_placeholders_than_arguments, p.offset);
                else
                    seen[p.number] = true;
            }
            else if constexpr (named) {
                const int field = detail::field_index<Args...>(p.name);
                if (field < 0)
                    detail::report_sql_problem(detail::sql_problem::name_is_not_a_field, p.offset);
                else if (!seen[static_cast<std::size_t>(field)]) {
                    seen[static_cast<std::size_t>(field)] = true;
                    fields_[count_++] = static_cast<std::uint16_t>(field);
                }
            }
            // Without a struct argument a ':' word is SQL (an array slice), not a placeholder.
        };
        // The first word of each statement, and whether a COPY statement names STDIN or STDOUT.
        bool first = true;
        bool copy = false;
        const auto word = [&](std::string_view w) {
            if (w == ";") {
                first = true;
                copy = false;
                return;
            }
            if (first)
                copy = detail::is_keyword(w, "copy");
            else if (copy && (detail::is_keyword(w, "stdin") || detail::is_keyword(w, "stdout")))
                copy_ = true;
            first = false;
        };
        const auto lexed = detail::scan_sql(text(), visit, word);
        if (lexed.error != detail::sql_lex_error::none)
            detail::report_sql_problem(detail::lex_problem(lexed.error), lexed.offset);

        if constexpr (!named) {
            for (std::size_t i = 1; i <= max_parameters; ++i) {
                if (seen[i])
                    continue;
                bool later = false;
                for (std::size_t j = i + 1; j <= max_parameters; ++j)
                    later = later || seen[j];
                detail::report_sql_problem(later ? detail::sql_problem::gap_in_placeholders
                                                 : detail::sql_problem::more_arguments_than_placeholders,
                    i);
                return;
            }
        }
    }

    const char* text_;
    std::size_t size_;
    std::size_t hash_ = 0;
    bool literal_ = false;
    bool copy_ = false;
    std::array<std::uint16_t, max_parameters> fields_{};
    std::uint16_t count_ = 0;
};

/// The statement parameter of `execute` and `query*`: `Args` are deduced from the arguments alone,
/// and the literal is checked against them at compile time.
template <class... Args>
using sql = std::type_identity_t<basic_sql<std::remove_cvref_t<Args>...>>;

}  // namespace typq

#endif  // TYPQ_SQL_HPP
