// SPDX-License-Identifier: BSL-1.0
// bench/compile/one_query_pqxx.cpp: one query into a struct with libpqxx 6.4, for
// bench/compile_time.sh.

#include <pqxx/pqxx>

#include <cstdint>      // std::int64_t
#include <string>       // item::name

struct item {
    std::int64_t id;
    std::string name;
    double score;
};

int main(int argc, char** argv)
{
    pqxx::connection conn(argc > 1 ? argv[1] : "");
    pqxx::work w(conn);
    const pqxx::row r = w.exec_params1("SELECT id, name, score FROM items WHERE id = $1", std::int64_t{1});
    const item row{r["id"].as<std::int64_t>(), r["name"].as<std::string>(), r["score"].as<double>()};
    w.commit();
    return row.name.empty() ? 1 : 0;
}
