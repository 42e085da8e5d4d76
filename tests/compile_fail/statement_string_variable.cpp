// expect: statement must be a string literal.*typq::runtime\(text\)
// SPDX-License-Identifier: BSL-1.0
// A std::string variable is not a statement: only a literal (checked at compile time) or
// typq::runtime(text) (checked at run time) is. Control: statement_string_variable_ok.cpp.

#include <typq/typq.hpp>

#include <string>  // SQL built at run time

void run(typq::connection& conn, const std::string& text)
{
    conn.execute(text, 1);
}
