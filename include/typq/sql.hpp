// SPDX-License-Identifier: BSL-1.0
// typq/sql.hpp: SQL statements checked at compile time against their arguments, in the style of
// fmt::format_string; typq::runtime() for SQL built at run time, checked the same way at run time;
// typq::script, what execute() runs without arguments; and safe composition of SQL text at run
// time (typq::sql_fragment, typq::identifier, typq::literal, typq::format_sql, typq::join).

#ifndef TYPQ_SQL_HPP
#define TYPQ_SQL_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/reflect.hpp>
#include <typq/type.hpp>
#include <typq/detail/field_names.hpp>
#include <typq/detail/schema_check.hpp>
#include <typq/detail/sql_lexer.hpp>
#include <typq/detail/sql_text.hpp>

#include <array>        // parameter order of named statements, a format's parts
#include <bit>          // std::endian: the statement hash's words
#include <concepts>     // std::same_as, std::integral
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint16_t
#include <cstring>      // std::memcpy: the statement hash's words
#include <iterator>     // std::begin, std::end: join()'s parts
#include <optional>     // a fragment's own text
#include <string>       // runtime SQL, rewritten statements, composed text
#include <string_view>  // the statement text
#include <type_traits>  // std::is_constant_evaluated, std::type_identity_t
#include <utility>      // std::move
#include <vector>       // the placeholders a typq::params statement uses

namespace typq {

/// SQL text built at run time, opting out of the compile-time check: `typq::runtime(text)`.
/// Placeholders and arguments are then checked when the statement runs, by the same rules.
class runtime_sql {
public:
    /// Takes `text` as it is: nothing is checked until a statement is made of it.
    explicit runtime_sql(std::string text) : text_(std::move(text)) {}
    /// The text.
    [[nodiscard]] const std::string& text() const noexcept { return text_; }

private:
    std::string text_;
};

/// Marks SQL built at run time: `conn.query<T>(typq::runtime(text), args...)`.
[[nodiscard]] inline runtime_sql runtime(std::string text)
{
    return runtime_sql(std::move(text));
}

class params;
class sql_fragment;
namespace detail {
struct fragment_access;
}  // namespace detail


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
inline void sql_error_format_unmatched_brace() {}
inline void sql_error_format_more_slots_than_parts() {}
inline void sql_error_format_more_parts_than_slots() {}
inline void sql_error_format_mixes_automatic_and_numbered_slots() {}
inline void sql_error_format_part_never_used() {}

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
    format_unmatched_brace,
    format_more_slots_than_parts,
    format_more_parts_than_slots,
    format_mixes_automatic_and_numbered_slots,
    format_part_never_used,
};

// What a problem is about, for its run-time message: `offset` of the offending text; `number`,
// the N of the $N (or the argument, or the part) concerned; `given`, how many arguments (or
// parts) there are.
struct sql_problem_site {
    std::size_t offset = 0;
    std::size_t number = 0;
    std::size_t given = 0;
};

// "1 argument", "no arguments", "3 parts".
inline std::string count_of(std::size_t n, const char* noun)
{
    if (n == 0)
        return std::string("no ") + noun + "s";
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// One sentence for a run-time SQL check that failed.
inline std::string describe_sql_problem(sql_problem problem, const sql_problem_site& site)
{
    const std::string at = " at offset " + std::to_string(site.offset);
    const std::string n = std::to_string(site.number);
    switch (problem) {
    case sql_problem::placeholder_zero: return "$0" + at + " is not a placeholder: they start at $1";
    case sql_problem::more_placeholders_than_arguments:
        return "the statement uses $" + n + " (" + at.substr(1) + "), but " + count_of(site.given, "argument")
            + (site.given == 1 ? " was" : " were") + " given";
    case sql_problem::more_arguments_than_placeholders:
        return count_of(site.given, "argument") + (site.given == 1 ? " was" : " were") + " given, but "
            + (site.number == 1 ? std::string("the statement has no placeholders")
                                : "the statement's placeholders end at $" + std::to_string(site.number - 1))
            + ": argument " + n + " has no placeholder $" + n;
    case sql_problem::gap_in_placeholders:
        return "the placeholders skip $" + n + ", so argument " + n + " of " + std::to_string(site.given)
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
    case sql_problem::format_unmatched_brace:
        return "the brace" + at + " is neither {} nor {N}: in a format, braces outside quotes and comments mark "
            + "where a part goes";
    case sql_problem::format_more_slots_than_parts:
        return "the slot" + at + " takes part {" + n + "} (parts count from {0}), but " + count_of(site.given, "part")
            + (site.given == 1 ? " was" : " were") + " given";
    case sql_problem::format_more_parts_than_slots:
        return count_of(site.given, "part") + (site.given == 1 ? " was" : " were") + " given, but the format has "
            + (site.number == 0 ? std::string("no {} or {N}") : "only " + count_of(site.number, "slot") + " for them");
    case sql_problem::format_mixes_automatic_and_numbered_slots:
        return "the format mixes {} and {N}" + at + ": use one or the other";
    case sql_problem::format_part_never_used:
        return "part {" + n + "} of the " + count_of(site.given, "part") + " is never used: the format has no {"
            + n + "}";
    }
    return "the statement is invalid";
}

// At compile time: stop the build with the problem's name. At run time: a usage_error.
constexpr void report_sql_problem(sql_problem problem, const sql_problem_site& site)
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
        case sql_problem::format_unmatched_brace: sql_error_format_unmatched_brace(); break;
        case sql_problem::format_more_slots_than_parts: sql_error_format_more_slots_than_parts(); break;
        case sql_problem::format_more_parts_than_slots: sql_error_format_more_parts_than_slots(); break;
        case sql_problem::format_mixes_automatic_and_numbered_slots:
            sql_error_format_mixes_automatic_and_numbered_slots();
            break;
        case sql_problem::format_part_never_used: sql_error_format_part_never_used(); break;
        }
    }
    else
        throw usage_error((problem >= sql_problem::format_unmatched_brace ? "invalid SQL format: "
                                                                           : "invalid SQL statement: ")
            + describe_sql_problem(problem, site));
}

constexpr void report_sql_problem(sql_problem problem, std::size_t offset)
{
    report_sql_problem(problem, sql_problem_site{offset, 0, 0});
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

// A statement's hash, what a connection's statement cache finds it by (the cache compares the
// text on a hit, so the hash needs to spread, not to resist an adversary). Eight bytes per step:
// a runtime statement is hashed on every call, and a bulk INSERT's text runs to kilobytes, where
// FNV-1a's byte at a time cost 7% of the whole statement. A word is one memcpy at run time on a
// little-endian machine and the same bytes assembled by shifts at compile time, so that a literal
// and typq::runtime of the same text hash alike.
constexpr std::size_t sql_hash(std::string_view text) noexcept
{
    constexpr std::uint64_t multiplier = 0x9E3779B97F4A7C15ull;
    const auto mix = [](std::uint64_t h, std::uint64_t word) noexcept {
        h = (h ^ word) * multiplier;
        return h ^ (h >> 29);
    };
    const auto word_at = [&](std::size_t at, std::size_t bytes) noexcept {
        std::uint64_t word = 0;
        if constexpr (std::endian::native == std::endian::little) {
            if (!std::is_constant_evaluated()) {
                std::memcpy(&word, text.data() + at, bytes);
                return word;
            }
        }
        for (std::size_t i = 0; i < bytes; ++i)
            word |= std::uint64_t{static_cast<unsigned char>(text[at + i])} << (8 * i);
        return word;
    };
    std::uint64_t h = mix(0xCBF29CE484222325ull, text.size());
    std::size_t at = 0;
    for (; text.size() - at >= 8; at += 8)
        h = mix(h, word_at(at, 8));
    if (at < text.size())
        h = mix(h, word_at(at, text.size() - at));
    return static_cast<std::size_t>(h);
}

// Scans a statement once: its placeholders go to `visit`; a lexical error (an unclosed quote or
// comment, a NUL byte) is reported (report_sql_problem); the result says whether the statement
// is a COPY ... FROM STDIN or TO STDOUT, which needs COPY's own protocol.
template <class Visit>
constexpr bool scan_statement(std::string_view text, Visit&& visit)
{
    // find() is memchr at run time, where runtime statements are checked on every call.
    if (const std::size_t at = text.find('\0'); at != std::string_view::npos)
        report_sql_problem(sql_problem::nul_in_statement, at);
    // The first word of each statement, and whether a COPY statement names STDIN or STDOUT.
    bool first = true;
    bool copy = false;
    bool copies = false;
    const auto word = [&](std::string_view w) {
        if (w == ";") {
            first = true;
            copy = false;
            return;
        }
        if (w == "{" || w == "}")  // no SQL token; a format's slot
            return;
        if (first)
            copy = is_keyword(w, "copy");
        else if (copy && (is_keyword(w, "stdin") || is_keyword(w, "stdout")))
            copies = true;
        first = false;
    };
    const auto lexed = scan_sql(text, visit, word);
    if (lexed.error != sql_lex_error::none)
        report_sql_problem(lex_problem(lexed.error), lexed.offset);
    return copies;
}

/// What a statement given to copy_in(sql) or copy_out(sql) is.
enum class client_copy : unsigned char {
    none,        ///< not one COPY ... FROM STDIN or TO STDOUT (another statement, several, a file)
    from_stdin,  ///< one COPY ... FROM STDIN
    to_stdout,   ///< one COPY ... TO STDOUT
};

/// Classifies `text` by its words (outside quotes and comments): one statement that starts with
/// COPY and names STDIN or STDOUT, else none.
constexpr client_copy classify_client_copy(std::string_view text)
{
    int statements = 0;
    bool first = true;
    bool copy = false;
    bool other = false;
    client_copy found = client_copy::none;
    const auto word = [&](std::string_view w) {
        if (w == ";") {
            first = true;
            return;
        }
        if (first) {
            ++statements;
            copy = is_keyword(w, "copy");
            other = other || !copy;
        }
        else if (copy && is_keyword(w, "stdin"))
            found = client_copy::from_stdin;
        else if (copy && is_keyword(w, "stdout"))
            found = client_copy::to_stdout;
        first = false;
    };
    if (text.find('\0') != std::string_view::npos
        || scan_sql(text, [](const placeholder&) {}, word).error != sql_lex_error::none || statements != 1 || other)
        return client_copy::none;
    return found;
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

/// The only argument is a typq::params: a parameter list whose length is known at run time.
template <class... Args>
inline constexpr bool is_params = false;
template <>
inline constexpr bool is_params<params> = true;

template <class... Args>
consteval bool require_arguments_encodable()
{
    if constexpr (is_params<Args...>)
        return true;  // each value was checked as it was added
    else if constexpr (binds_by_name<Args...>) {
        using row = row_traits<Args...>;
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (require_encodable<std::remove_cv_t<typename row::template field_type<I>>>() && ...);
        }(std::make_index_sequence<row::size>{});
    }
    else
        return (require_encodable<Args>() && ...);
}

}  // namespace detail

/// A piece of SQL text that is safe to put into a statement: a string literal from the program
/// (checked at compile time to be whole tokens: no quote or comment left open), text the program
/// vouches for (`typq::sql_fragment(typq::runtime(text))`), or what typq composes
/// (typq::identifier, typq::literal, typq::placeholder, typq::join, typq::format_sql). A fragment
/// can be run wherever `typq::runtime(text)` can (`conn.query<T>(fragment, args...)`, checked
/// against the arguments when it runs), or go into a larger fragment with format_sql.
///
/// typq's text is UTF-8 (the client encoding is always UTF8) and follows
/// `standard_conforming_strings = on` (PostgreSQL's default since 9.1): identifiers and literals
/// are quoted for exactly that, and need no connection.
class sql_fragment {
public:
    /// No text.
    constexpr sql_fragment() noexcept = default;

    /// SQL written in the program, checked at compile time: no quoted string, quoted identifier,
    /// dollar quote or comment may be left open, and no NUL byte may appear.
    template <std::size_t N>
    consteval sql_fragment(const char (&text)[N]) : literal_(text, N - 1)
    {
        if (text[N - 1] != '\0')
            detail::report_sql_problem(detail::sql_problem::statement_is_not_nul_terminated, N - 1);
        (void)detail::scan_statement(literal_, [](const detail::placeholder&) {});
    }

    /// SQL built at run time that the program vouches for, checked as a literal is.
    /// @throws typq::usage_error when a quote or comment is left open, or for a NUL byte.
    explicit sql_fragment(const runtime_sql& sql) : owned_(sql.text())
    {
        (void)detail::scan_statement(*owned_, [](const detail::placeholder&) {});
    }

    /// The text. Valid while the fragment lives and is not changed (a literal's, for ever).
    [[nodiscard]] std::string_view text() const noexcept { return owned_ ? std::string_view(*owned_) : literal_; }
    /// The text, NUL-terminated.
    [[nodiscard]] const char* c_str() const noexcept { return owned_ ? owned_->c_str() : literal_.data(); }
    /// True when the text is empty.
    [[nodiscard]] bool empty() const noexcept { return text().empty(); }

    /// Appends `other`'s text.
    sql_fragment& operator+=(const sql_fragment& other)
    {
        if (!owned_)
            owned_.emplace(literal_);
        owned_->append(other.text());
        return *this;
    }
    /// `a`'s text followed by `b`'s.
    [[nodiscard]] friend sql_fragment operator+(sql_fragment a, const sql_fragment& b)
    {
        a += b;
        return a;
    }
    /// Equal when the texts are, byte for byte.
    [[nodiscard]] friend bool operator==(const sql_fragment& a, const sql_fragment& b) noexcept
    {
        return a.text() == b.text();
    }

private:
    friend struct detail::fragment_access;

    // Text typq composed itself (quoted identifiers and literals, formats filled in).
    struct trusted_t {};
    sql_fragment(trusted_t, std::string text) : owned_(std::move(text)) {}

    std::string_view literal_ = "";    // a literal's text, which lives as long as the program
    std::optional<std::string> owned_;  // else the fragment's own text
};

namespace detail {
// What typq's own composers use to make fragments of text they quoted themselves.
struct fragment_access {
    static sql_fragment trusted(std::string text) { return sql_fragment(sql_fragment::trusted_t{}, std::move(text)); }
};
}  // namespace detail

/// A SQL statement whose placeholders have been checked against the argument types `Args`:
/// `$1..$N` must be exactly the N arguments, with no gap and no extra; or, when the only argument
/// is a struct, every `:name` must be one of its fields (bound in order of first appearance).
/// Placeholders inside comments, quoted strings, quoted identifiers and dollar quotes don't count,
/// and `::` casts are not names; nor is a `:` glued to the end of a word (`arr[lo:hi]` is a slice).
/// With a typq::params as the only argument, the number of values is known only when the
/// statement runs, so `$1..$N` are checked then, against its size.
template <class... Args>
class basic_sql {
public:
    /// The statement binds `:name` placeholders to the fields of its one struct argument.
    static constexpr bool named = detail::binds_by_name<Args...>;
    /// The arguments are one typq::params, counted when the statement runs.
    static constexpr bool counted_at_run_time = detail::is_params<Args...>;

    /// Checks a string literal at compile time; a mismatch does not compile. With a header
    /// generated by typq-schema (`TYPQ_SCHEMA_HEADER`), also each argument against the type the
    /// server gives its parameter (docs/schema.md).
    /// (`file` is where the statement is written: typq's own statements are not checked
    /// against the header.)
    template <std::size_t N>
    consteval basic_sql(const char (&text)[N], const char* file = __builtin_FILE())
        : basic_sql(std::type_identity<void>{}, text, file)
    {
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

    /// Checks a composed fragment (typq::format_sql...) as runtime SQL.
    /// @par Lifetime  As for runtime SQL: the statement points into the fragment's text.
    basic_sql(const sql_fragment& sql) : text_(sql.c_str()), size_(sql.text().size())
    {
        static_assert(detail::require_arguments_encodable<Args...>());
        check();
    }

    /// Not a statement: a string that is not a literal. SQL built at run time is marked with
    /// typq::runtime(text) (or composed with typq::format_sql), and then checked when it runs.
    template <class S>
        requires(!std::is_array_v<std::remove_cvref_t<S>> && std::is_convertible_v<const S&, std::string_view>)
    basic_sql(const S&)
    {
        static_assert(detail::always_false<S>, "typq: the statement must be a string literal (checked at compile "
                                               "time); for SQL built at run time write typq::runtime(text), or "
                                               "compose it with typq::format_sql (both checked when they run)");
    }

    /// The statement, NUL-terminated.
    [[nodiscard]] constexpr const char* c_str() const noexcept { return text_; }
    /// The statement as written (`:name` placeholders included; typq sends them as `$N`).
    [[nodiscard]] constexpr std::string_view text() const noexcept { return {text_, size_}; }

    /// The number of parameters the statement binds (for a typq::params, that of the statement
    /// as written is known only when it runs: see check_count).
    [[nodiscard]] constexpr std::size_t parameter_count() const noexcept { return named ? count_ : sizeof...(Args); }

    /// True for a string literal, whose text lives (unchanged) as long as the program.
    [[nodiscard]] constexpr bool is_literal() const noexcept { return literal_; }

    /// A hash of the statement's text, computed with the check (at compile time for a literal):
    /// what a connection's statement cache finds it by.
    [[nodiscard]] constexpr std::size_t hash() const noexcept { return hash_; }

    /// Named statements: the field that parameter `$k+1` takes its value from.
    [[nodiscard]] constexpr std::size_t parameter_field(std::size_t k) const noexcept { return fields_[k]; }

    /// A typq::params statement: checks that its placeholders are exactly $1..$`arguments`, by
    /// the rules for runtime SQL.
    /// @throws typq::usage_error when they are not.
    void check_count(std::size_t arguments) const
        requires counted_at_run_time
    {
        std::vector<bool> seen(arguments + 1);
        const auto visit = [&](const detail::placeholder& p) {
            if (p.kind != detail::placeholder_kind::positional)
                return;  // without a struct argument a ':' word is SQL (an array slice)
            if (p.number == 0)
                detail::report_sql_problem(detail::sql_problem::placeholder_zero, p.offset);
            else if (p.number > arguments)
                detail::report_sql_problem(detail::sql_problem::more_placeholders_than_arguments,
                    {p.offset, p.number, arguments});
            else
                seen[p.number] = true;
        };
        (void)detail::scan_sql(text(), visit, [](std::string_view) {});
        report_unused(seen, arguments);
    }

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
    template <class Row, class... A>
    friend class basic_row_sql;

    // The literal's check, and with a generated header its schema check, the columns against Row
    // (void: none) as well: typq::basic_row_sql passes its Row.
    template <class Row, std::size_t N>
    consteval basic_sql(std::type_identity<Row>, const char (&text)[N], [[maybe_unused]] const char* file)
        : text_(text), size_(N - 1), literal_(true)
    {
        // Here, not in the class body: overload resolution instantiates basic_sql for argument
        // lists that are not statements (the typq::text_results forms), and must not fail there.
        static_assert(detail::require_arguments_encodable<Args...>());
        if (text[N - 1] != '\0')
            detail::report_sql_problem(detail::sql_problem::statement_is_not_nul_terminated, N - 1);
        check();
        // COPY ... FROM STDIN / TO STDOUT has COPY's shape, not a result's: typq-schema leaves it out.
        if constexpr (detail::schema_checked) {
            if (!copy_)
                detail::check_against_schema<Row, Args...>(file, hash_, this->text(), fields_.data(),
                    explicitly_cast_parameters().data(), counted_at_run_time ? 0 : parameter_count());
        }
    }

    static constexpr std::size_t max_parameters = detail::max_parameters<Args...>;

    // Which parameters the statement casts where it uses them (`$1::text`, `:name::int8`): the
    // server infers such a parameter's type from the cast, and converts to it whatever typq sends.
    constexpr std::array<bool, max_parameters + 1> explicitly_cast_parameters() const
    {
        std::array<bool, max_parameters + 1> cast{};
        const std::string_view all = text();
        const auto visit = [&](const detail::placeholder& p) {
            std::size_t k = p.number;
            if constexpr (named) {
                if (p.kind != detail::placeholder_kind::named)
                    return;
                const int field = detail::field_index<Args...>(p.name);
                for (k = 0; k < count_ && fields_[k] != static_cast<std::uint16_t>(field); ++k) {
                }
                ++k;
            }
            else if (p.kind != detail::placeholder_kind::positional)
                return;
            std::size_t at = p.offset + p.length;
            while (at < all.size() && (all[at] == ' ' || all[at] == '\t' || all[at] == '\n' || all[at] == '\r'))
                ++at;
            if (k < cast.size() && all.substr(at, 2) == "::")
                cast[k] = true;
        };
        (void)detail::scan_placeholders(all, visit);
        return cast;
    }

    constexpr void check()
    {
        hash_ = detail::sql_hash(text());
        std::array<bool, max_parameters + 1> seen{};
        const auto visit = [&](const detail::placeholder& p) {
            if constexpr (counted_at_run_time) {
                (void)p;  // checked against the values when the statement runs (check_count)
            }
            else if (p.kind == detail::placeholder_kind::positional) {
                if constexpr (named)
                    detail::report_sql_problem(detail::sql_problem::positional_placeholder_with_named_arguments, p.offset);
                else if (p.number == 0)
                    detail::report_sql_problem(detail::sql_problem::placeholder_zero, p.offset);
                else if (p.number > max_parameters)
                    detail::report_sql_problem(detail::sql_problem::more_placeholders_than_arguments,
                        {p.offset, p.number, max_parameters});
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
        copy_ = detail::scan_statement(text(), visit);
        if constexpr (!named && !counted_at_run_time)
            report_unused(seen, max_parameters);
    }

    // Reports the first argument (1..`arguments`) whose $N the statement lacks: a gap when a
    // later one is used, else an argument too many.
    template <class Seen>
    static constexpr void report_unused(const Seen& seen, std::size_t arguments)
    {
        for (std::size_t i = 1; i <= arguments; ++i) {
            if (seen[i])
                continue;
            bool later = false;
            for (std::size_t j = i + 1; j <= arguments && !later; ++j)
                later = seen[j];
            detail::report_sql_problem(later ? detail::sql_problem::gap_in_placeholders
                                             : detail::sql_problem::more_arguments_than_placeholders,
                {0, i, arguments});
            return;
        }
    }

    const char* text_ = nullptr;
    std::size_t size_ = 0;
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

/// A statement whose rows become `Row`s: a typq::basic_sql that, with a header generated by
/// typq-schema (`TYPQ_SCHEMA_HEADER`), also checks its result columns against Row's fields at
/// compile time (docs/schema.md). It holds the basic_sql<Args...> it was checked as (sql()).
/// (Holds rather than derives: clang 14 crashes generating code for a consteval-made object of a
/// class with a base.)
template <class Row, class... Args>
class basic_row_sql {
public:
    /// Checks a string literal at compile time, as basic_sql does, and with a generated header
    /// its columns against Row.
    template <std::size_t N>
    consteval basic_row_sql(const char (&text)[N], const char* file = __builtin_FILE())
        : sql_(std::type_identity<Row>{}, text, file)
    {
    }
    /// A statement already checked against the arguments (`typq::sql<int> s = "..."` kept in a
    /// variable): its columns are checked when it runs, not against the generated header.
    constexpr basic_row_sql(const basic_sql<Args...>& sql) noexcept : sql_(sql) {}
    /// SQL built at run time, checked when it runs, as basic_sql's.
    basic_row_sql(const runtime_sql& sql) : sql_(sql) {}
    /// A composed fragment, as basic_sql's.
    basic_row_sql(const sql_fragment& sql) : sql_(sql) {}
    /// Not a statement, as basic_sql's: a string that is not a literal does not compile.
    template <class S>
        requires(!std::is_array_v<std::remove_cvref_t<S>> && std::is_convertible_v<const S&, std::string_view>)
    basic_row_sql(const S& text) : sql_(text)
    {
    }

    /// The statement, as checked against the arguments.
    [[nodiscard]] constexpr const basic_sql<Args...>& sql() const noexcept { return sql_; }

private:
    basic_sql<Args...> sql_;
};

/// The statement parameter of the forms that read rows (`query<Row>`, `query_one`, `stream`...):
/// typq::sql, and the columns checked against Row with a generated header.
template <class Row, class... Args>
using row_sql = std::type_identity_t<basic_row_sql<Row, std::remove_cvref_t<Args>...>>;

/// What `execute()` runs when it has no arguments: a script, sent as it is by the simple query
/// protocol. It may hold several statements separated by `;`, and any SQL at all: `$1` in a
/// function body or in `PREPARE q(int8) AS SELECT $1` is SQL there, not a placeholder of typq's.
/// A literal is still checked at compile time for what would make it unreadable (a quote or
/// comment left open, a NUL byte), runtime SQL when it runs. (`query()` without arguments, by
/// contrast, runs one statement by the extended protocol, where `$1` needs a value: it does not
/// compile, or throws typq::usage_error at run time.)
class script {
public:
    /// Checks a string literal at compile time: an open quote or comment does not compile.
    template <std::size_t N>
    consteval script(const char (&text)[N]) : text_(text), size_(N - 1), literal_(true)
    {
        if (text[N - 1] != '\0')
            detail::report_sql_problem(detail::sql_problem::statement_is_not_nul_terminated, N - 1);
        check();
    }
    /// Checks SQL built at run time.
    /// @throws typq::usage_error when a quote or comment is left open, or for a NUL byte.
    /// @par Lifetime  As for basic_sql: the script points into `sql`'s text.
    script(const runtime_sql& sql) : text_(sql.text().c_str()), size_(sql.text().size()) { check(); }
    /// Checks a composed fragment as runtime SQL.
    /// @throws typq::usage_error when a quote or comment is left open, or for a NUL byte.
    /// @par Lifetime  The script points into the fragment's text.
    script(const sql_fragment& sql) : text_(sql.c_str()), size_(sql.text().size()) { check(); }
    /// A statement checked for no arguments is a script too.
    script(const basic_sql<>& statement) : text_(statement.c_str()), size_(statement.text().size()),
        literal_(statement.is_literal())
    {
        check();
    }

    /// Not a script: see basic_sql's constructor from a string.
    template <class S>
        requires(!std::is_array_v<std::remove_cvref_t<S>> && std::is_convertible_v<const S&, std::string_view>)
    script(const S&)
    {
        static_assert(detail::always_false<S>, "typq: the statement must be a string literal (checked at compile "
                                               "time); for SQL built at run time write typq::runtime(text), or "
                                               "compose it with typq::format_sql (both checked when they run)");
    }

    /// The script, NUL-terminated.
    [[nodiscard]] constexpr const char* c_str() const noexcept { return text_; }
    /// The script.
    [[nodiscard]] constexpr std::string_view text() const noexcept { return {text_, size_}; }
    /// True for a string literal, whose text lives (unchanged) as long as the program.
    [[nodiscard]] constexpr bool is_literal() const noexcept { return literal_; }
    /// A hash of the text, computed once (for typq's statement cache).
    [[nodiscard]] constexpr std::size_t hash() const noexcept { return hash_; }
    /// True when a statement of the script is a COPY ... FROM STDIN or TO STDOUT.
    [[nodiscard]] constexpr bool copies_through_client() const noexcept { return copy_; }

private:
    constexpr void check()
    {
        hash_ = detail::sql_hash(text());
        copy_ = detail::scan_statement(text(), [](const detail::placeholder&) {});
    }

    const char* text_ = nullptr;
    std::size_t size_ = 0;
    std::size_t hash_ = 0;
    bool literal_ = false;
    bool copy_ = false;
};

/// The statement parameter of `execute`: with arguments a checked statement (see typq::sql),
/// without any a typq::script.
template <class... Args>
using execute_sql = std::type_identity_t<
    std::conditional_t<sizeof...(Args) == 0, script, basic_sql<std::remove_cvref_t<Args>...>>>;

// --- safe composition -------------------------------------------------------------------------------

/// `name` as a quoted identifier: `"users"`, `"Order Items"`, `"select"`, `"a""b"`. Always
/// quoted, so that it means exactly that name: case is kept (`identifier("Users")` is not the
/// table `users`), and a reserved word or any character is fine. Names longer than 63 bytes are
/// cut by the server (with a NOTICE), as for any identifier.
/// @throws typq::usage_error for an empty name, a NUL byte, or bytes that are not UTF-8.
[[nodiscard]] TYPQ_DECL sql_fragment identifier(std::string_view name);

/// A qualified name, each part quoted as identifier(name) quotes it.
/// `identifier("app", "users")` is `"app"."users"`.
/// @throws typq::usage_error as identifier(name) does, for either part.
[[nodiscard]] TYPQ_DECL sql_fragment identifier(std::string_view schema, std::string_view name);
/// A name qualified twice, each part quoted as identifier(name) quotes it.
/// `identifier("app", "users", "id")` is `"app"."users"."id"`, a column of that table.
/// @throws typq::usage_error as identifier(name) does, for any part.
[[nodiscard]] TYPQ_DECL sql_fragment identifier(std::string_view schema, std::string_view table, std::string_view name);

/// `$n`, the placeholder of the `n`th parameter, for composing a statement whose parameters are
/// counted at run time (see typq::params).
/// @throws typq::usage_error unless 1 <= n <= 65535.
[[nodiscard]] TYPQ_DECL sql_fragment placeholder(std::size_t n);

namespace detail {

template <class T>
inline constexpr bool is_std_optional = false;
template <class T>
inline constexpr bool is_std_optional<std::optional<T>> = true;

// A type sent as text with no type (strings): the server gives it the type the place needs.
template <class T>
concept untyped_text = param_format_of<T>() == format::text && requires { requires type<T>::param_oid == oid::unspecified; };

// Appends `value` as a SQL literal (see typq::literal).
template <class T>
void append_literal(const T& value, std::string& out)
{
    if constexpr (sends_null<T>) {
        if (type<T>::is_null(value)) {
            out += "NULL";
            return;
        }
    }
    if constexpr (std::same_as<T, std::nullopt_t>)
        return;  // is_null above
    else if constexpr (is_std_optional<T>)
        append_literal(*value, out);
    else if constexpr (std::same_as<T, bool>)
        out += value ? "true" : "false";
    else if constexpr (std::integral<T> && !std::same_as<T, char> && requires { type<T>::param_oid; }) {
        // A space before the minus, so that no `-` in front of it makes a `--` comment.
        if (value < 0)
            out += ' ';
        append_integer(out, value);
    }
    else {
        static_assert(text_encodable<T>,
            "typq::literal: this type has no text form (its typq::type<T> has no encode_text). A composite has "
            "none: the order of its attributes is known only to the server. Send such a value as a parameter ($N)");
        std::string text;
        type<T>::encode_text(value, text);
        append_quoted_literal(out, text, type<T>::sql_type);
        // Strings stay untyped, as string parameters are: the server gives them the type the
        // place needs (SET, NOTIFY and COPY options take no casts).
        if constexpr (!untyped_text<T>) {
            out += "::";
            out += type<T>::sql_type;
        }
    }
}

// The parts format_sql takes: composed fragments, and runtime SQL the program vouches for.
template <class T>
concept sql_part = std::same_as<T, sql_fragment> || std::same_as<T, runtime_sql>;

inline std::string_view sql_part_text(const sql_fragment& part) noexcept { return part.text(); }
inline std::string_view sql_part_text(const runtime_sql& part)
{
    (void)scan_statement(part.text(), [](const placeholder&) {});  // whole tokens, as a fragment's
    return part.text();
}

}  // namespace detail

/// `value` as a SQL literal, for the places where the server takes no parameter: DDL (`DEFAULT`,
/// `CHECK`), `SET`, `NOTIFY`'s payload, COPY's options, `CREATE ... AS` bodies. Strings become
/// ``'...'`` with each quote doubled (typq's strings are UTF-8, and standard_conforming_strings
/// is on: a backslash is an ordinary character, so no ``E''`` is needed, and no connection is);
/// they stay untyped, as string parameters are. Integers are bare numbers (a negative one with a
/// space before its minus, so that `x-{}` cannot become a `--` comment), `bool` is `true` or
/// `false`, NULL (an empty std::optional, std::nullopt) is `NULL`, and any other value is its
/// text form with a cast, ``'2024-01-02'::%date``, ``'{1,2}'::%int4[]``, ``'happy'::%mood``, read back by
/// the server as exactly the same value. Prefer parameters wherever the server takes them.
/// @throws typq::conversion_error when the value's text has a NUL byte or is not UTF-8, or when
///         the value has no SQL value (as for a parameter: a date past the server's, a time
///         point with nanoseconds).
template <class T>
[[nodiscard]] sql_fragment literal(const T& value)
{
    static_assert(detail::require_encodable<T>());
    std::string out;
    detail::append_literal(value, out);
    return detail::fragment_access::trusted(std::move(out));
}

/// `parts` one after another with `separator` between them: `typq::join(columns, ", ")` for a
/// column list. Each part must be a typq::sql_fragment (typq::identifier, typq::literal...).
template <class Range>
[[nodiscard]] sql_fragment join(const Range& parts, const sql_fragment& separator)
{
    std::string out;
    bool first = true;
    for (const auto& part : parts) {
        static_assert(std::is_convertible_v<decltype(part), const sql_fragment&>,
            "typq::join: the parts must be typq::sql_fragment (typq::identifier(name), typq::literal(value), ...)");
        if (!first)
            out += separator.text();
        first = false;
        out += static_cast<const sql_fragment&>(part).text();
    }
    return detail::fragment_access::trusted(std::move(out));
}

/// The format of typq::format_sql: SQL with `{}` (or `{0}`, `{1}`...) where each part goes,
/// checked at compile time against the parts given (or, from typq::runtime(text), when it runs).
/// Braces count only outside quoted strings, quoted identifiers, dollar quotes and comments,
/// where SQL has no use for them: ``'{1,2}'::%int[]`` is an array literal, not a slot, and a format
/// needs no escapes. `{}` and `{N}` do not mix; with `{N}` a part may be used more than once,
/// and each must be used.
template <class... Parts>
class basic_sql_format {
public:
    /// Checks a string literal against the parts at compile time: a mismatch does not compile.
    template <std::size_t N>
    consteval basic_sql_format(const char (&text)[N]) : text_(text, N - 1)
    {
        static_assert((detail::sql_part<Parts> && ...),
            "typq::format_sql: each part must be a typq::sql_fragment (typq::identifier(name), typq::literal(value), "
            "typq::join(...), typq::sql_fragment(\"SQL\")) or typq::runtime(text): a value belongs in a $N "
            "parameter, or in typq::literal, never in the text as it is");
        if (text[N - 1] != '\0')
            detail::report_sql_problem(detail::sql_problem::statement_is_not_nul_terminated, N - 1);
        scan([](std::size_t, std::size_t, std::size_t) {});
    }

    /// A format built at run time. @throws typq::usage_error when it does not fit the parts.
    basic_sql_format(const runtime_sql& format) : text_(format.text())
    {
        static_assert((detail::sql_part<Parts> && ...),
            "typq::format_sql: each part must be a typq::sql_fragment or typq::runtime(text)");
        scan([](std::size_t, std::size_t, std::size_t) {});
    }

    /// The format's text.
    [[nodiscard]] constexpr std::string_view text() const noexcept { return text_; }

    /// Calls `slot(offset, length, part)` for each slot, in order of the text.
    template <class Slot>
    constexpr void scan(Slot&& slot) const
    {
        constexpr std::size_t parts = sizeof...(Parts);
        std::array<bool, parts + 1> used{};
        std::size_t automatic = 0;
        bool numbered = false;
        std::size_t closes_at = std::string_view::npos;  // the '}' of the slot just read
        const auto brace = [&](std::string_view w) {
            if (w != "{" && w != "}")
                return;
            const auto at = static_cast<std::size_t>(w.data() - text_.data());
            if (w == "}") {
                if (at != closes_at)
                    detail::report_sql_problem(detail::sql_problem::format_unmatched_brace, at);
                return;
            }
            std::size_t end = at + 1;
            std::size_t number = 0;
            while (end < text_.size() && detail::sql_lexer::is_digit(text_[end]) && number <= parts) {
                number = number * 10 + static_cast<std::size_t>(text_[end] - '0');
                ++end;
            }
            if (end == text_.size() || text_[end] != '}') {
                detail::report_sql_problem(detail::sql_problem::format_unmatched_brace, at);
                return;
            }
            closes_at = end;
            const bool digits = end > at + 1;
            if (digits ? automatic > 0 : numbered)
                detail::report_sql_problem(detail::sql_problem::format_mixes_automatic_and_numbered_slots, at);
            numbered = digits;
            const std::size_t part = digits ? number : automatic++;
            if (part >= parts)
                detail::report_sql_problem(detail::sql_problem::format_more_slots_than_parts, {at, part, parts});
            else {
                used[part] = true;
                slot(at, end + 1 - at, part);
            }
        };
        if (const std::size_t at = text_.find('\0'); at != std::string_view::npos)
            detail::report_sql_problem(detail::sql_problem::nul_in_statement, at);
        const auto lexed = detail::scan_sql(text_, [](const detail::placeholder&) {}, brace);
        if (lexed.error != detail::sql_lex_error::none)
            detail::report_sql_problem(detail::lex_problem(lexed.error), lexed.offset);
        if (!numbered && automatic < parts)
            detail::report_sql_problem(detail::sql_problem::format_more_parts_than_slots, {0, automatic, parts});
        for (std::size_t i = 0; numbered && i < parts; ++i)
            if (!used[i])
                detail::report_sql_problem(detail::sql_problem::format_part_never_used, {0, i, parts});
    }

private:
    std::string_view text_;
};

/// The format parameter of typq::format_sql: `Parts` are deduced from the parts alone.
template <class... Parts>
using sql_format = std::type_identity_t<basic_sql_format<std::remove_cvref_t<Parts>...>>;

/// SQL composed at run time, safely: `format`'s `{}` slots filled with `parts`, each a
/// typq::sql_fragment (typq::identifier, typq::literal, typq::placeholder, typq::join, another
/// format_sql) or typq::runtime(text) that the program vouches for. The result runs wherever
/// typq::runtime(text) does, checked against its arguments when it runs, or goes into a larger
/// format. The format is checked at compile time (see basic_sql_format).
/// @par Example
/// ```
/// auto q = typq::format_sql("SELECT id, name FROM {} ORDER BY {} LIMIT $1",
///                           typq::identifier("app", "users"), typq::identifier(column));
/// for (const user& u : conn.query<user>(q, 10)) ...
/// ```
template <class... Parts>
[[nodiscard]] sql_fragment format_sql(sql_format<Parts...> format, const Parts&... parts)
{
    const std::array<std::string_view, sizeof...(Parts)> texts{detail::sql_part_text(parts)...};
    const std::string_view text = format.text();
    std::string out;
    std::size_t copied = 0;
    format.scan([&](std::size_t at, std::size_t length, std::size_t part) {
        out.append(text.substr(copied, at - copied));
        out.append(texts[part]);
        copied = at + length;
    });
    out.append(text.substr(copied));
    return detail::fragment_access::trusted(std::move(out));
}

#if TYPQ_DEFINITIONS

TYPQ_DECL sql_fragment identifier(std::string_view name)
{
    std::string out;
    detail::append_quoted_identifier(out, name);
    return detail::fragment_access::trusted(std::move(out));
}

TYPQ_DECL sql_fragment identifier(std::string_view schema, std::string_view name)
{
    std::string out;
    detail::append_quoted_identifier(out, schema);
    out += '.';
    detail::append_quoted_identifier(out, name);
    return detail::fragment_access::trusted(std::move(out));
}

TYPQ_DECL sql_fragment identifier(std::string_view schema, std::string_view table, std::string_view name)
{
    std::string out;
    detail::append_quoted_identifier(out, schema);
    out += '.';
    detail::append_quoted_identifier(out, table);
    out += '.';
    detail::append_quoted_identifier(out, name);
    return detail::fragment_access::trusted(std::move(out));
}

TYPQ_DECL sql_fragment placeholder(std::size_t n)
{
    if (n == 0 || n > detail::sql_lexer::max_parameter_number)
        throw usage_error("typq::placeholder(" + std::to_string(n) + "): placeholders are $1 to $65535");
    return detail::fragment_access::trusted("$" + std::to_string(n));
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq

#endif  // TYPQ_SQL_HPP
