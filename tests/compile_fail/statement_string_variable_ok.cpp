// SPDX-License-Identifier: BSL-1.0
// Control for statement_string_variable.cpp: the same text, marked with typq::runtime().

#include <typq/typq.hpp>

#include <string>  // SQL built at run time

void run(typq::connection& conn, const std::string& text)
{
    conn.execute(typq::runtime(text), 1);
}
