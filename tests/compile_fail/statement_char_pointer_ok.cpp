// SPDX-License-Identifier: BSL-1.0
// Control for statement_char_pointer.cpp: the same text, marked with typq::runtime().

#include <typq/typq.hpp>

void run(typq::connection& conn, const char* text)
{
    conn.execute(typq::runtime(text), 1);
}
