// expect: statement_is_not_in_the_schema_header
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time under TYPQ_SCHEMA_STRICT: the generated header does not describe this
// statement (the tests' CMakeLists leaves this file out when it makes the header). Control: every
// other *_ok.cpp here, whose statements are all in it.

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    (void)conn.query_value<int>("SELECT 1 + 1");
}
