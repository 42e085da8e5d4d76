// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_sql_lexer.cpp: the SQL placeholder lexer (typq/detail/sql_lexer.hpp) through its run-time
// entry, typq::runtime(text) checked by basic_sql (typq/sql.hpp), on any text.
// - A statement is accepted or refused with typq::usage_error, nothing else.
// - Every placeholder found lies inside the text, in order, without overlaps, starts with '$' or
//   ':' and spells its number or name.
// - A named statement rewritten to $N form (what typq sends) holds exactly $1..$count, one for
//   every :name, and nothing else changes.

#include "fuzz.hpp"

#include <typq/sql.hpp>
#include <typq/types/scalar.hpp>
#include <typq/detail/sql_lexer.hpp>

#include <cstddef>      // std::size_t
#include <string>       // the statement
#include <string_view>  // placeholder names
#include <vector>       // placeholders found

namespace {

struct row {
    int id;
    int name;
    int a;
};

struct found {
    std::vector<typq::detail::placeholder> placeholders;
    typq::detail::sql_lex_result result;
};

found scan(std::string_view sql)
{
    found out;
    out.result = typq::detail::scan_placeholders(sql, [&](const typq::detail::placeholder& p) {
        out.placeholders.push_back(p);
    });
    return out;
}

void check_placeholders(std::string_view sql, const found& f)
{
    using typq::detail::placeholder_kind;
    TYPQ_FUZZ_CHECK(f.result.offset <= sql.size());
    if (f.result.error == typq::detail::sql_lex_error::none)
        TYPQ_FUZZ_CHECK(f.result.offset == sql.size());
    std::size_t end = 0;
    for (const auto& p : f.placeholders) {
        TYPQ_FUZZ_CHECK(p.offset >= end && p.length >= 2 && p.offset + p.length <= sql.size());
        end = p.offset + p.length;
        const std::string_view token = sql.substr(p.offset, p.length);
        if (p.kind == placeholder_kind::positional) {
            TYPQ_FUZZ_CHECK(token[0] == '$' && p.name.empty());
            unsigned number = 0;
            for (const char c : token.substr(1)) {
                TYPQ_FUZZ_CHECK(c >= '0' && c <= '9');
                number = number * 10 + static_cast<unsigned>(c - '0');
                TYPQ_FUZZ_CHECK(number <= 65535 || (number == 0 && c == '0'));
            }
            TYPQ_FUZZ_CHECK(number == p.number);
        }
        else {
            TYPQ_FUZZ_CHECK(token[0] == ':' && p.number == 0 && p.name == token.substr(1));
            TYPQ_FUZZ_CHECK(p.name.data() == sql.data() + p.offset + 1);
        }
    }
    if (f.result.error != typq::detail::sql_lex_error::none)
        TYPQ_FUZZ_CHECK(end <= f.result.offset);
}

template <class Statement>
bool accepted(const std::string& text)
{
    try {
        const Statement statement(typq::runtime(text));
        (void)statement;
        return true;
    }
    catch (const typq::usage_error&) {
        return false;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(typq_fuzz::bytes_of(data, size));
    const found original = scan(text);
    check_placeholders(text, original);

    // Positional statements of 0 to 3 arguments: accepted exactly when the lexer found no error,
    // no NUL, and the $N are 1..N.
    (void)accepted<typq::basic_sql<>>(text);
    (void)accepted<typq::basic_sql<int>>(text);
    (void)accepted<typq::basic_sql<int, int>>(text);
    (void)accepted<typq::basic_sql<int, int, int>>(text);

    // Named: a struct argument binds :id, :name, :a.
    if (!accepted<typq::basic_sql<row>>(text))
        return 0;
    // basic_sql points into the runtime_sql's string: that must outlive it.
    const typq::runtime_sql source = typq::runtime(text);
    const typq::basic_sql<row> statement(source);
    std::string rewritten;
    statement.write_positional(rewritten);
    const found after = scan(rewritten);
    check_placeholders(rewritten, after);
    TYPQ_FUZZ_CHECK(after.result.error == typq::detail::sql_lex_error::none);
    std::size_t named = 0;
    for (const auto& p : original.placeholders)
        named += p.kind == typq::detail::placeholder_kind::named ? 1 : 0;
    TYPQ_FUZZ_CHECK(after.placeholders.size() == named);
    std::size_t highest = 0;
    for (const auto& p : after.placeholders) {
        TYPQ_FUZZ_CHECK(p.kind == typq::detail::placeholder_kind::positional);
        TYPQ_FUZZ_CHECK(p.number >= 1 && p.number <= statement.parameter_count());
        // Numbered in order of first appearance: each is at most one above the highest so far.
        TYPQ_FUZZ_CHECK(p.number <= highest + 1);
        highest = p.number > highest ? p.number : highest;
    }
    TYPQ_FUZZ_CHECK(highest == statement.parameter_count());
    return 0;
}
