// SPDX-License-Identifier: BSL-1.0
// tests/sql/lexer.cpp: typq::detail::scan_placeholders against PostgreSQL's lexical rules. Every
// case runs twice: in a constant expression, as basic_sql's consteval constructor runs the lexer,
// and at run time on a heap copy of the text, as typq::runtime does. The expectations on ambiguous
// input were checked against a PostgreSQL 15 server (PQprepare + PQdescribePrepared's nparams).

#include <typq/detail/sql_lexer.hpp>

#include <catch2/catch.hpp>

#include <array>        // fixed storage for what a constant expression collects
#include <cstddef>      // std::size_t
#include <string>       // heap copies: the run-time checks cannot be folded into constants
#include <string_view>  // the placeholders' text, error names

namespace sql_lexer_test {

using typq::detail::placeholder;
using typq::detail::placeholder_kind;
using typq::detail::scan_placeholders;
using typq::detail::sql_lex_error;

// What one scan found. `tokens()` is the placeholders' own text joined by spaces ("$1 :name"),
// which checks every offset and length in one readable comparison.
struct lexed {
    std::array<placeholder, 16> found{};
    std::size_t count = 0;
    sql_lex_error error = sql_lex_error::none;
    std::size_t error_offset = 0;
    std::array<char, 256> text{};
    std::size_t text_size = 0;

    [[nodiscard]] constexpr std::string_view tokens() const { return {text.data(), text_size}; }
};

constexpr void append(lexed& out, std::string_view s)
{
    for (const char c : s)
        if (out.text_size < out.text.size())
            out.text[out.text_size++] = c;
}

constexpr lexed lex(std::string_view sql)
{
    lexed out;
    const auto result = scan_placeholders(sql, [&out, sql](const placeholder& p) {
        if (out.count < out.found.size())
            out.found[out.count] = p;
        ++out.count;
        if (out.text_size != 0)
            append(out, " ");
        append(out, sql.substr(p.offset, p.length));
    });
    out.error = result.error;
    out.error_offset = result.offset;
    return out;
}

// Names, so that a failed CHECK prints a word rather than an unsigned char.
constexpr std::string_view name_of(sql_lex_error e)
{
    switch (e) {
    case sql_lex_error::none: return "none";
    case sql_lex_error::unterminated_quoted_string: return "unterminated_quoted_string";
    case sql_lex_error::unterminated_quoted_identifier: return "unterminated_quoted_identifier";
    case sql_lex_error::unterminated_dollar_quote: return "unterminated_dollar_quote";
    case sql_lex_error::unterminated_block_comment: return "unterminated_block_comment";
    case sql_lex_error::placeholder_number_too_large: return "placeholder_number_too_large";
    }
    return "?";
}

constexpr std::string_view name_of(placeholder_kind k)
{ return k == placeholder_kind::positional ? "positional" : "named"; }

// Lexing `sql` succeeds and finds exactly the placeholders spelled in `expected`.
#define CHECK_PLACEHOLDERS(sql, expected)                                        \
    do {                                                                         \
        STATIC_REQUIRE(lex(sql).error == sql_lex_error::none);                   \
        STATIC_REQUIRE(lex(sql).tokens() == std::string_view{expected});         \
        const std::string copy{sql};                                             \
        INFO("sql: " << copy);                                                   \
        const lexed at_run_time = lex(copy);                                     \
        CHECK(name_of(at_run_time.error) == "none");                             \
        CHECK(at_run_time.error_offset == copy.size());                          \
        CHECK(at_run_time.tokens() == std::string_view{expected});               \
    } while (false)

// Lexing `sql` fails with `error_` at `offset_`, after finding the placeholders in `expected`.
#define CHECK_LEX_ERROR(sql, error_, offset_, expected)                         \
    do {                                                                         \
        STATIC_REQUIRE(lex(sql).error == sql_lex_error::error_);                 \
        STATIC_REQUIRE(lex(sql).error_offset == (offset_));                      \
        STATIC_REQUIRE(lex(sql).tokens() == std::string_view{expected});         \
        const std::string copy{sql};                                             \
        INFO("sql: " << copy);                                                   \
        const lexed at_run_time = lex(copy);                                     \
        CHECK(name_of(at_run_time.error) == #error_);                            \
        CHECK(at_run_time.error_offset == (offset_));                            \
        CHECK(at_run_time.tokens() == std::string_view{expected});               \
    } while (false)

// The placeholder found at `index` has these fields.
#define CHECK_FOUND(sql, index, kind_, offset_, length_, number_, name_)             \
    do {                                                                             \
        STATIC_REQUIRE(lex(sql).found[index] ==                                      \
                       placeholder{placeholder_kind::kind_, offset_, length_, number_, name_}); \
        const std::string copy{sql};                                                 \
        INFO("sql: " << copy << ", placeholder " << (index));                        \
        const placeholder p = lex(copy).found[index];                                \
        CHECK(name_of(p.kind) == #kind_);                                            \
        CHECK(p.offset == (offset_));                                                \
        CHECK(p.length == (length_));                                                \
        CHECK(p.number == (number_));                                                \
        CHECK(p.name == std::string_view{name_});                                    \
    } while (false)

TEST_CASE("an empty or placeholder-free text has no placeholders", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("", "");
    CHECK_PLACEHOLDERS(" \n\t", "");
    CHECK_PLACEHOLDERS("SELECT 1", "");
    CHECK_PLACEHOLDERS("SELECT count(*) FROM users WHERE id > 10", "");
}

TEST_CASE("a dollar sign followed by digits is a positional placeholder", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("SELECT $1", "$1");
    CHECK_PLACEHOLDERS("INSERT INTO users(name, email) VALUES ($1, $2)", "$1 $2");
    CHECK_PLACEHOLDERS("SELECT $2, $1, $2", "$2 $1 $2");
    CHECK_PLACEHOLDERS("SELECT $1::int8+$2", "$1 $2");
    CHECK_PLACEHOLDERS("$1", "$1");

    SECTION("its fields give the offset of the '$', the token's length and N")
    {
        CHECK_FOUND("SELECT $1", 0, positional, 7, 2, 1u, "");
        CHECK_FOUND("SELECT $10", 0, positional, 7, 3, 10u, "");
        CHECK_FOUND("SELECT $1, $12", 1, positional, 11, 3, 12u, "");
        CHECK_FOUND("SELECT $007", 0, positional, 7, 4, 7u, "");
    }
    SECTION("$0 is reported with number 0, for the caller to reject")
    {
        CHECK_PLACEHOLDERS("SELECT $0", "$0");
        CHECK_FOUND("SELECT $0", 0, positional, 7, 2, 0u, "");
    }
    SECTION("numbers go up to 65535, PostgreSQL's limit on parameters")
    {
        CHECK_FOUND("SELECT $65535", 0, positional, 7, 6, 65535u, "");
        CHECK_LEX_ERROR("SELECT $65536", placeholder_number_too_large, 7, "");
        CHECK_LEX_ERROR("SELECT $1, $9999999999999999999", placeholder_number_too_large, 11, "$1");
        CHECK_LEX_ERROR("SELECT $4294967297", placeholder_number_too_large, 7, "");
    }
    SECTION("a '$' followed by anything but digits or a dollar-quote delimiter is passed over")
    {
        CHECK_PLACEHOLDERS("SELECT $", "");
        CHECK_PLACEHOLDERS("SELECT $ 1, $x $1", "$1");
    }
}

TEST_CASE("a '$' inside an identifier is not a placeholder", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("SELECT a$1 FROM t", "");
    CHECK_PLACEHOLDERS("SELECT a$1, $2", "$2");
    CHECK_PLACEHOLDERS("SELECT a$$1", "");
    CHECK_PLACEHOLDERS("SELECT _$1", "");
    CHECK_PLACEHOLDERS("SELECT x9$1", "");
    CHECK_PLACEHOLDERS("SELECT é$1", "");
    CHECK_PLACEHOLDERS("SELECT t.a$1, t.$1", "$1");
}

TEST_CASE("digits ending a parameter or a number do not glue the next '$' to them", "[sql][lexer]")
{
    // scan.l: {param} is \$[0-9]+ and {param_junk}/{integer_junk} only swallow a following
    // {identifier}, which cannot start with '$'. A PostgreSQL 15 server reports a syntax error
    // "at or near $2" for both, so it sees $2 as a token of its own.
    CHECK_PLACEHOLDERS("SELECT $1$2", "$1 $2");
    CHECK_FOUND("SELECT $1$2", 1, positional, 9, 2, 2u, "");
    CHECK_PLACEHOLDERS("SELECT 1$2", "$2");
    CHECK_PLACEHOLDERS("SELECT 1.5$2", "$2");
}

TEST_CASE("an identifier glued to a parameter or a number belongs to that token", "[sql][lexer]")
{
    // PostgreSQL 14 reads $1abc as $1 AS abc; 15 rejects it as trailing junk. Either way the
    // identifier, '$' included, hides any placeholder-looking text inside it.
    CHECK_PLACEHOLDERS("SELECT $1abc", "$1");
    CHECK_FOUND("SELECT $1abc", 0, positional, 7, 2, 1u, "");
    CHECK_PLACEHOLDERS("SELECT $1abc$2", "$1");
    CHECK_PLACEHOLDERS("SELECT $1_0", "$1");
    CHECK_PLACEHOLDERS("SELECT 1abc$2", "");
    CHECK_PLACEHOLDERS("SELECT 0x1F$2", "");

    SECTION("flex takes the longest match, so the identifier may start at an 'e' or an '_'")
    {
        CHECK_PLACEHOLDERS("SELECT 1e5$2", "");
        CHECK_PLACEHOLDERS("SELECT 1.5e5$2", "");
        CHECK_PLACEHOLDERS("SELECT 1_000$2", "");
        CHECK_PLACEHOLDERS("SELECT .1_9$2", "");
        CHECK_PLACEHOLDERS("SELECT 1e+5$2", "$2");
        CHECK_PLACEHOLDERS("SELECT 1.$2, .5$3", "$2 $3");
    }
}

TEST_CASE("a colon followed by an identifier is a named placeholder", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("INSERT INTO users(name, email) VALUES (:name, :email)", ":name :email");
    CHECK_PLACEHOLDERS("SELECT :a+:b", ":a :b");
    CHECK_PLACEHOLDERS(":x", ":x");
    CHECK_PLACEHOLDERS("SELECT f(a => :x)", ":x");
    CHECK_PLACEHOLDERS("SELECT x=:x", ":x");

    SECTION("its fields give the offset of the ':', the token's length and the name")
    {
        CHECK_FOUND("SELECT :email", 0, named, 7, 6, 0u, "email");
        CHECK_FOUND("SELECT :a, :_b9", 1, named, 11, 4, 0u, "_b9");
        CHECK_FOUND("SELECT :Name", 0, named, 7, 5, 0u, "Name");
    }
    SECTION("the name runs over identifier characters, non-ASCII bytes included")
    {
        CHECK_PLACEHOLDERS("SELECT :名前, :é", ":名前 :é");
        CHECK_FOUND("SELECT :é", 0, named, 7, 3, 0u, "é");
    }
    SECTION("a '$' in the name belongs to it, as it does to any identifier")
    {
        CHECK_PLACEHOLDERS("SELECT :a$1", ":a$1");
        CHECK_FOUND("SELECT :a$1", 0, named, 7, 4, 0u, "a$1");
    }
    SECTION("positional and named placeholders are both reported, in order")
    {
        CHECK_PLACEHOLDERS("SELECT $1, :a, $2", "$1 :a $2");
    }
}

TEST_CASE("casts and assignments are not named placeholders", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("SELECT x::int", "");
    CHECK_PLACEHOLDERS("SELECT x::text || :name", ":name");
    CHECK_PLACEHOLDERS("SELECT $1::text", "$1");
    CHECK_PLACEHOLDERS("SELECT :a::int", ":a");
    CHECK_PLACEHOLDERS("SELECT '1'::int", "");
    CHECK_PLACEHOLDERS("x := 1", "");
    CHECK_PLACEHOLDERS("x :=y", "");
    CHECK_PLACEHOLDERS("SELECT x ::\"y\"", "");
}

TEST_CASE("a colon not followed by an identifier start is passed over", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("SELECT arr[1:2]", "");
    CHECK_PLACEHOLDERS("SELECT arr[lo : hi]", "");
    CHECK_PLACEHOLDERS("SELECT :1, : a, :'a', :\"a\"", "");
    CHECK_PLACEHOLDERS("SELECT :", "");
}

TEST_CASE("a colon glued to an identifier, number or placeholder is not a placeholder", "[sql][lexer]")
{
    // Rewritten to $N, a name glued to an identifier would merge into it ("x$1") and vanish.
    CHECK_PLACEHOLDERS("SELECT arr[lo:hi]", "");
    CHECK_PLACEHOLDERS("SELECT x:a", "");
    CHECK_PLACEHOLDERS("SELECT arr[1:hi], arr[$1:hi]", "$1");
    CHECK_PLACEHOLDERS("SELECT arr[lo: hi], (:a), x = :b, x||:c", ":a :b :c");
}

TEST_CASE("line comments hide placeholders up to the end of the line", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("SELECT 1 -- $1\n, $2", "$2");
    CHECK_PLACEHOLDERS("-- $1\n$2", "$2");
    CHECK_PLACEHOLDERS("SELECT 1 -- $1 :a", "");
    CHECK_PLACEHOLDERS("SELECT 1 --$1\r$2", "$2");
    CHECK_PLACEHOLDERS("SELECT 1--$1\n-$2", "$2");
    CHECK_PLACEHOLDERS("SELECT 1 - -$1", "$1");
    CHECK_PLACEHOLDERS("SELECT 1 -- '\n$1", "$1");
}

TEST_CASE("block comments hide placeholders and nest", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("SELECT /* $1 */ $2", "$2");
    CHECK_PLACEHOLDERS("/* /* $1 */ $2 */ $3", "$3");
    CHECK_PLACEHOLDERS("SELECT /* a /* b /* $1 */ $2 */ $3 */ $4", "$4");
    CHECK_PLACEHOLDERS("SELECT /**/$1", "$1");
    CHECK_PLACEHOLDERS("SELECT /***/$1", "$1");
    CHECK_PLACEHOLDERS("SELECT /*/ $1 */ $2", "$2");
    CHECK_PLACEHOLDERS("SELECT /* ' \" $$ */ $1", "$1");
    CHECK_PLACEHOLDERS("SELECT 1*/*$1*/$2", "$2");
    CHECK_PLACEHOLDERS("SELECT 1 / $1 * $2", "$1 $2");
}

TEST_CASE("string literals hide placeholders and escape quotes by doubling", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("SELECT '$1'", "");
    CHECK_PLACEHOLDERS("SELECT '$1', $2", "$2");
    CHECK_PLACEHOLDERS("SELECT 'it''s $1'", "");
    CHECK_PLACEHOLDERS("SELECT 'it''s', $1", "$1");
    CHECK_PLACEHOLDERS("SELECT ''''||$1", "$1");
    CHECK_PLACEHOLDERS("SELECT ':name -- /*'", "");
    // standard_conforming_strings: a backslash is an ordinary character, so this string ends at
    // the second quote.
    CHECK_PLACEHOLDERS("SELECT 'C:\\' || $1", "$1");
}

TEST_CASE("escape strings also escape a quote with a backslash", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("SELECT E'\\'$1'", "");
    CHECK_PLACEHOLDERS("SELECT e'\\'$1'", "");
    CHECK_PLACEHOLDERS("SELECT E'\\'$1', $2", "$2");
    CHECK_PLACEHOLDERS("SELECT E'it''s $1'", "");
    CHECK_PLACEHOLDERS("SELECT E'\\\\' || $1", "$1");
    CHECK_PLACEHOLDERS("SELECT E'\\n$1\\t' || $2", "$2");

    SECTION("the E is a prefix only where an identifier could start")
    {
        // Read as an escape string, the literal would swallow "|| $1 ||" and leave z' unterminated.
        CHECK_PLACEHOLDERS("SELECT fooE'\\' || $1 || 'z'", "$1");
        CHECK_PLACEHOLDERS("SELECT 1E'\\' || $1 || 'z'", "$1");
        CHECK_PLACEHOLDERS("SELECT 1.e'\\' || $1 || 'z'", "$1");
        // 1e5 ends before the '.', so this e does start an escape string.
        CHECK_LEX_ERROR("SELECT 1e5.e'\\' || $1 || 'z'", unterminated_quoted_string, 27, "");
        CHECK_PLACEHOLDERS("SELECT $1E'\\' || $2 || 'z'", "$1 $2");
        CHECK_LEX_ERROR("SELECT \"q\"E'\\' || $1 || 'z'", unterminated_quoted_string, 26, "");
        CHECK_LEX_ERROR("SELECT (E'\\' || $1 || 'z'", unterminated_quoted_string, 24, "");
    }
}

TEST_CASE("string literals continued over a newline keep their kind", "[sql][lexer]")
{
    // scan.l's {quotecontinue}: 'a'<newline>'b' is one literal, and an escape string's
    // continuation still escapes. A PostgreSQL 15 server agrees on all four.
    CHECK_PLACEHOLDERS("SELECT E'a'\n'\\'' || $1 || ''", "$1");
    CHECK_PLACEHOLDERS("SELECT E'a' -- c\n -- d\n'\\'' || $1 || ''", "$1");
    CHECK_LEX_ERROR("SELECT E'a'  '\\'' || $1 || ''", unterminated_quoted_string, 13, "");
    CHECK_LEX_ERROR("SELECT 'a'\n'\\'' || $1 || ''", unterminated_quoted_string, 7, "");
    // Only whitespace and -- comments continue a literal; a block comment ends it.
    CHECK_LEX_ERROR("SELECT E'a'\n/**/'\\'' || $1 || ''", unterminated_quoted_string, 16, "");
    CHECK_PLACEHOLDERS("SELECT 'a'\n'b' || $1", "$1");
}

TEST_CASE("prefixed string literals hide placeholders like plain ones", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("SELECT B'01' || $1", "$1");
    CHECK_PLACEHOLDERS("SELECT b'$1', X'$1', x'$1', N'$1', n'$1'", "");
    CHECK_PLACEHOLDERS("SELECT U&'$1', u&'$1'", "");
    CHECK_PLACEHOLDERS("SELECT N'it''s $1'", "");
    // Unicode strings take no backslash-quote escape: this one ends at its second quote.
    CHECK_PLACEHOLDERS("SELECT U&'a\\' || $1", "$1");
    CHECK_PLACEHOLDERS("SELECT U&\"$1\", u&\"a\"\"$1\", $2", "$2");
    CHECK_PLACEHOLDERS("SELECT U & $1", "$1");
}

TEST_CASE("quoted identifiers hide placeholders and escape quotes by doubling", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("SELECT \"$1\"", "");
    CHECK_PLACEHOLDERS("SELECT \"a\"\"$1\"", "");
    CHECK_PLACEHOLDERS("SELECT \"a\"\"b\" = $1", "$1");
    CHECK_PLACEHOLDERS("SELECT \":name\", \"x\"::text", "");
    CHECK_PLACEHOLDERS("SELECT \"it's\", $1", "$1");
    CHECK_PLACEHOLDERS("SELECT \"a\"$1", "$1");
}

TEST_CASE("dollar-quoted strings hide placeholders up to the same delimiter", "[sql][lexer]")
{
    CHECK_PLACEHOLDERS("SELECT $$ $1 $$", "");
    CHECK_PLACEHOLDERS("SELECT $$ $1 $$, $2", "$2");
    CHECK_PLACEHOLDERS("SELECT $$$$, $1", "$1");
    CHECK_PLACEHOLDERS("SELECT $fn$ $1 $fn$ $2", "$2");
    CHECK_PLACEHOLDERS("SELECT $a$ $b$ $1 $a$", "");
    CHECK_PLACEHOLDERS("SELECT $a$ $1 $A$ $2 $a$ $3", "$3");
    CHECK_PLACEHOLDERS("SELECT $a$ x$$a$ $1", "$1");
    CHECK_PLACEHOLDERS("SELECT $a$ ' \" -- /* $a$ $1", "$1");
    CHECK_PLACEHOLDERS("SELECT $_x9$ $1 $_x9$", "");
    CHECK_PLACEHOLDERS("SELECT $é$ $1 $é$", "");
    CHECK_PLACEHOLDERS("SELECT $1$a$ $2 $a$", "$1");
    CHECK_PLACEHOLDERS("CREATE FUNCTION f(int) RETURNS int AS $body$ SELECT $1 $body$ LANGUAGE sql",
                       "");

    SECTION("a tag cannot start with a digit, so $1$ is a placeholder and a '$'")
    {
        CHECK_PLACEHOLDERS("SELECT $1$ $2", "$1 $2");
    }
    SECTION("a '$' inside an identifier starts no dollar quote")
    {
        CHECK_PLACEHOLDERS("SELECT a$b$, $1", "$1");
    }
}

TEST_CASE("an unterminated construct is an error at its start", "[sql][lexer]")
{
    CHECK_LEX_ERROR("SELECT 'abc", unterminated_quoted_string, 7, "");
    CHECK_LEX_ERROR("SELECT 'it''s", unterminated_quoted_string, 7, "");
    CHECK_LEX_ERROR("SELECT 'a\\'' || $1", unterminated_quoted_string, 7, "");
    CHECK_LEX_ERROR("SELECT E'abc\\'", unterminated_quoted_string, 7, "");
    CHECK_LEX_ERROR("SELECT E'abc\\", unterminated_quoted_string, 7, "");
    CHECK_LEX_ERROR("SELECT B'01", unterminated_quoted_string, 7, "");
    CHECK_LEX_ERROR("SELECT U&'x", unterminated_quoted_string, 7, "");
    CHECK_LEX_ERROR("SELECT \"abc", unterminated_quoted_identifier, 7, "");
    CHECK_LEX_ERROR("SELECT \"a\"\"", unterminated_quoted_identifier, 7, "");
    CHECK_LEX_ERROR("SELECT U&\"abc", unterminated_quoted_identifier, 7, "");
    CHECK_LEX_ERROR("SELECT $$abc", unterminated_dollar_quote, 7, "");
    CHECK_LEX_ERROR("SELECT $fn$ abc $fn", unterminated_dollar_quote, 7, "");
    CHECK_LEX_ERROR("SELECT $a$ abc $A$", unterminated_dollar_quote, 7, "");
    CHECK_LEX_ERROR("SELECT /* abc", unterminated_block_comment, 7, "");
    CHECK_LEX_ERROR("SELECT /* /* $1 */ $2", unterminated_block_comment, 7, "");
    CHECK_LEX_ERROR("SELECT /*/", unterminated_block_comment, 7, "");

    SECTION("placeholders before the error have been reported")
    {
        CHECK_LEX_ERROR("SELECT $1, :a, 'x", unterminated_quoted_string, 15, "$1 :a");
    }
    SECTION("the first error stops the scan")
    {
        CHECK_LEX_ERROR("SELECT 'x\n$1 \"", unterminated_quoted_string, 7, "");
    }
}

// The way basic_sql uses the lexer: from a consteval function, with a visitor of its own.
struct counter {
    bool ok = false;
    unsigned positional = 0;
    unsigned named = 0;
    unsigned highest = 0;

    constexpr void operator()(const placeholder& p)
    {
        if (p.kind == placeholder_kind::named) {
            ++named;
        } else {
            ++positional;
            highest = p.number > highest ? p.number : highest;
        }
    }
};

consteval counter count(std::string_view sql)
{
    counter c;
    c.ok = scan_placeholders(sql, c).error == sql_lex_error::none;
    return c;
}

TEST_CASE("the lexer runs in consteval code with any callable visitor", "[sql][lexer]")
{
    STATIC_REQUIRE(count("SELECT $1, $3, '$9' -- $8").ok);
    STATIC_REQUIRE(count("SELECT $1, $3, '$9' -- $8").positional == 2);
    STATIC_REQUIRE(count("SELECT $1, $3, '$9' -- $8").highest == 3);
    STATIC_REQUIRE(count("SELECT :a, :b::text").named == 2);

    counter c;
    const std::string sql{"SELECT $2, :a, $$ $7 $$"};
    CHECK(scan_placeholders(sql, c).error == sql_lex_error::none);
    CHECK(c.positional == 1);
    CHECK(c.named == 1);
    CHECK(c.highest == 2);
}

}  // namespace sql_lexer_test

// The file's own macros end with it (a unity batch goes on with the next file).
#undef CHECK_FOUND
#undef CHECK_LEX_ERROR
#undef CHECK_PLACEHOLDERS
