// expect: sql_error_unterminated_quoted_string(\(\)|')
// SPDX-License-Identifier: BSL-1.0
// A fragment is whole tokens: one that leaves a quote open would swallow what follows it.
// Control: sql_fragment_unterminated_quoted_string_ok.cpp.

#include <typq/typq.hpp>

typq::sql_fragment fragment()
{
    return typq::sql_fragment("WHERE name = 'open");
}
