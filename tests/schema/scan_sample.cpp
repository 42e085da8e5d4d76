// SPDX-License-Identifier: BSL-1.0
// tests/schema/scan_sample.cpp: what tools/typq-schema-scan.py must list, and must not, for CTest's
// schema.scan (scan_sample.expected is the exact list). It is parsed, never compiled or run.
// The lines marked "listed" are in the list; those marked "not listed" must not be.

#include "scan_sample.hpp"
#include "scan_sample.hpp"

#include <typq/asio.hpp>
#include <typq/typq.hpp>

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

namespace scan_sample {

struct user {
    std::int64_t id;
    std::string name;
};

#define SCAN_SAMPLE_BY_NAME "SELECT id FROM users WHERE name = $1"
#define SCAN_SAMPLE_RUN(conn, statement, value) (conn).execute(statement, value)

void sync_forms(typq::connection& conn, const std::string& built)
{
    conn.execute("INSERT INTO users (name) VALUES ($1)", std::string("ann"));   // listed
    auto all = conn.query<user>("SELECT id, name FROM users");                 // listed
    auto one = conn.query_one<user>("SELECT id, name FROM users WHERE id = $1", 1);  // listed
    auto maybe = conn.query_opt<user>("SELECT id, name FROM users WHERE name = :name", user{0, "bo"});  // listed
    auto n = conn.query_value<std::int64_t>("SELECT count(*) "
                                            "FROM users "
                                            "WHERE id > $1", 0);             // listed, concatenated
    for (const user& u : conn.stream<user>("SELECT id, name FROM users ORDER BY id"))  // listed
        (void)u;
    auto cur = conn.cursor<user>("SELECT id, name FROM users WHERE id < $1", 100);  // listed
    auto by_id = conn.prepare<std::int64_t>("SELECT name FROM users WHERE id = $1");  // listed
    auto raw = conn.query<std::string>(R"sql(SELECT 'a\b' || "name" FROM users)sql");  // listed, raw
    auto escaped = conn.query<std::string>("SELECT E'tab\\there',\t'\"q\"'\n  FROM users\r\n");  // listed
    auto utf8 = conn.query_value<std::string>("SELECT 'café', '\x41\101\u00e9\U0001F600\?\'\'s'");  // listed, UTF-8
    auto commented = conn.query<std::int64_t>("SELECT 1 /* not $1 */ -- nor $2");  // listed, no parameters
    auto from_macro = conn.query<std::int64_t>(SCAN_SAMPLE_BY_NAME, std::string("cy"));  // listed, at the macro
    SCAN_SAMPLE_RUN(conn, "DELETE FROM users WHERE id = $1", 7);              // listed, at the macro
    std::vector<std::tuple<std::int64_t, std::string>> rows;
    conn.execute_many("INSERT INTO users VALUES ($1, $2)", rows);             // listed
    typq::sql<std::int64_t> kept = "SELECT name FROM users WHERE id = $1";   // listed
    auto also = conn.execute(kept, std::int64_t{1});

    conn.execute("CREATE TEMP TABLE users (id int8, name text)");             // not listed: a script
    auto at_run_time = conn.query<std::string>(typq::runtime("SELECT name FROM users"));  // not listed
    auto built_too = conn.query<std::string>(typq::runtime(built));
    typq::sql_fragment order = "ORDER BY id";                                 // not listed: a fragment
    auto composed = conn.query<user>(typq::format_sql("SELECT id, name FROM users {}", order));  // not listed
    std::string plain = "SELECT 'just a string'";                             // not listed
    (void)all, (void)one, (void)maybe, (void)n, (void)cur, (void)by_id, (void)raw, (void)escaped, (void)utf8;
    (void)commented, (void)from_macro, (void)also, (void)at_run_time, (void)built_too, (void)composed, (void)plain;
}

void pipelined(typq::connection& conn)
{
    typq::pipeline p{conn};
    auto a = p.execute("UPDATE users SET name = $1 WHERE id = $2", std::string("di"), 2);  // listed
    auto b = p.query<user>("SELECT id, name FROM users");                  // listed
    auto c = p.query_value<std::int64_t>("SELECT count(*) FROM users");    // listed
    (void)a, (void)b, (void)c;
}

boost::asio::awaitable<void> asynchronous(typq::async_connection& conn)
{
    auto users = co_await conn.query<user>("SELECT id, name FROM users WHERE id > $1", 0);  // listed once
    (void)co_await conn.execute("UPDATE users SET name = upper(name) WHERE id = $1", 3);  // listed
    (void)co_await conn.execute("VACUUM users");                             // not listed: a script
    (void)users;
}

// In a template, a call that depends on T is resolved per instantiation, which libclang does not
// show: the scanner warns and leaves it out. A call that does not depend on T is listed.
template <class T>
void generic(typq::connection& conn, const T& value)
{
    conn.execute("UPDATE users SET name = $1", value);                      // not listed: a warning
    auto names = conn.query<std::string>("SELECT name FROM users");        // listed
    (void)names;
}

#undef SCAN_SAMPLE_BY_NAME
#undef SCAN_SAMPLE_RUN

}  // namespace scan_sample
