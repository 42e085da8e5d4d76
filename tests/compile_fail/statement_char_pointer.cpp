// expect: statement must be a string literal.*typq::runtime\(text\)
// SPDX-License-Identifier: BSL-1.0
// A pointer to text is not a statement either: its characters are unknown at compile time.
// Control: statement_char_pointer_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn, const char* text)
{
    conn.execute(text, 1);
}
