// expect: field_cannot_read_its_column.*account_tags
// SPDX-License-Identifier: BSL-1.0
// Rejected at compile time: column tags is text[], and std::vector<int> reads arrays of integers
// only. Control: schema_array_column_ok.cpp.

#include <typq/typq.hpp>

#include <cstdint>
#include <vector>

struct account_tags {
    std::int64_t id;
    std::vector<int> tags;
};

void run(typq::connection& conn)
{
    (void)conn.query<account_tags>("SELECT id, tags FROM account");
}
