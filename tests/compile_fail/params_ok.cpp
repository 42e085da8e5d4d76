// SPDX-License-Identifier: BSL-1.0
// typq::params with a literal, runtime SQL and a composed fragment: the number of placeholders
// is checked when the statement runs, against the values.

#include <typq/typq.hpp>

#include <cstdint>   // ids
#include <optional>  // NULL
#include <string>    // runtime SQL
#include <vector>    // ids

void run(typq::connection& conn, const std::vector<std::int64_t>& ids, const std::string& text)
{
    typq::params ps;
    for (const std::int64_t id : ids)
        ps.push_back(id);
    ps.push_back(std::nullopt);
    (void)conn.query<std::int64_t>("SELECT id FROM t WHERE id IN ($1, $2)", ps);
    (void)conn.query<std::int64_t>(typq::runtime(text), ps);
    conn.execute(typq::format_sql("DELETE FROM {} WHERE id = $1", typq::identifier("t")), typq::params(1));
}
