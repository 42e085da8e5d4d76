// SPDX-License-Identifier: BSL-1.0
// execute() without arguments takes a script, which may hold $1 where SQL has parameters of its
// own: a function body, PREPARE ... AS. (query() without arguments does not: see
// sql_error_query_placeholder_without_arguments.cpp.)

#include <typq/typq.hpp>

void run(typq::connection& conn)
{
    conn.execute("CREATE FUNCTION add1(int) RETURNS int LANGUAGE sql RETURN $1 + 1");
    conn.execute("PREPARE q(int8) AS SELECT $1");
    conn.execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1)");
}
