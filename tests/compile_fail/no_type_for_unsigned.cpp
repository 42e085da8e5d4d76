// expect: no_type_for<unsigned int>
// SPDX-License-Identifier: BSL-1.0
// PostgreSQL has no unsigned integers, so typq has no adapter for them: an `unsigned` parameter is
// rejected with no_type_for<unsigned int>. Control: no_type_for_unsigned_ok.cpp.

#include <typq/typq.hpp>

void run(typq::connection& conn, unsigned count)
{
    conn.execute("SELECT $1", count);
}
