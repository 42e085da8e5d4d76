// SPDX-License-Identifier: BSL-1.0
// Control: every form that reads rows is checked against the header and compiles when the row
// fits: tuples and typq::by_position by position, a scalar, typq::row (not checked: its columns
// are known at run time), streams, cursors, pipelines, prepared statements, typq::params.

#include <typq/typq.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

struct account_pair {
    std::int64_t key;
    std::string mail;
};

void run(typq::connection& conn)
{
    (void)conn.query<std::tuple<std::int64_t, std::string>>("SELECT id, email FROM account WHERE id > $1", 0);
    (void)conn.query<typq::by_position<account_pair>>("SELECT id, email FROM account WHERE id > $1", 0);
    (void)conn.query<typq::row>("SELECT * FROM account");
    for (const auto& [id, email] : conn.stream<std::tuple<std::int64_t, std::string>>("SELECT id, email FROM account"))
        (void)id, (void)email;
    auto cursor = conn.cursor<std::int64_t>("SELECT id FROM account ORDER BY id");
    (void)cursor;
    auto lookup = conn.prepare<std::int64_t>("SELECT email FROM account WHERE id = $1");
    (void)lookup;
    typq::params values;
    values.push_back(std::int64_t{1});
    (void)conn.query_opt<std::string>("SELECT email FROM account WHERE id = $1", values);
    typq::pipeline p(conn);
    auto email = p.query_one<std::string>("SELECT email FROM account WHERE id = $1", std::int64_t{1});
    p.sync();
    (void)email;
}
