// SPDX-License-Identifier: BSL-1.0
// bench/compile/one_query_typq_separate.cpp: the one-query program of one_query_typq.cpp as a
// compile-time-conscious project writes it: only the header it uses, and typq's non-template code
// compiled once elsewhere (bench/compile_time.sh builds it with -DTYPQ_SEPARATE_COMPILATION; the
// program links with one translation unit that defines TYPQ_IMPLEMENTATION, see typq/config.hpp).

#include <typq/connection.hpp>

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
