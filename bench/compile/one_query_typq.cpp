// SPDX-License-Identifier: BSL-1.0
// bench/compile/one_query_typq.cpp: one query into a struct with typq, for bench/compile_time.sh.
// Compiled against include/ and against the single header (single_include/): the same source.

#include <typq/typq.hpp>

#include <cstdint>      // std::int64_t
#include <string>       // item::name

struct item {
    std::int64_t id;
    std::string name;
    double score;
};

int main(int argc, char** argv)
{
    typq::connection conn(argc > 1 ? argv[1] : "");
    const auto row = conn.query_one<item>("SELECT id, name, score FROM items WHERE id = $1", std::int64_t{1});
    return row.name.empty() ? 1 : 0;
}
