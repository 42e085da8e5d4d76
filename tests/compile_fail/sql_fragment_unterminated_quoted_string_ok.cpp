// SPDX-License-Identifier: BSL-1.0
// Control for sql_fragment_unterminated_quoted_string.cpp: the quote closed.

#include <typq/typq.hpp>

typq::sql_fragment fragment()
{
    return typq::sql_fragment("WHERE name = 'open'");
}
