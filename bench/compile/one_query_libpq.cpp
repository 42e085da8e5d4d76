// SPDX-License-Identifier: BSL-1.0
// bench/compile/one_query_libpq.cpp: one query into a struct with libpq alone (binary parameter
// and result), for bench/compile_time.sh.

#include <libpq-fe.h>

#include <cstdint>      // std::int64_t
#include <cstring>      // std::memcpy
#include <string>       // item::name

struct item {
    std::int64_t id;
    std::string name;
    double score;
};

namespace {

std::uint64_t load_u64(const char* p)
{
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}

}  // namespace

int main(int argc, char** argv)
{
    PGconn* conn = PQconnectdb(argc > 1 ? argv[1] : "");
    if (PQstatus(conn) != CONNECTION_OK) {
        PQfinish(conn);
        return 2;
    }
    const std::uint64_t id = __builtin_bswap64(1);
    const char* const values[1] = {reinterpret_cast<const char*>(&id)};
    const int lengths[1] = {8};
    const int formats[1] = {1};
    const Oid types[1] = {20};  // int8
    PGresult* r = PQexecParams(conn, "SELECT id, name, score FROM items WHERE id = $1", 1, types, values, lengths,
        formats, 1);
    item row{};
    const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQnfields(r) == 3
        && PQgetlength(r, 0, 0) == 8 && PQgetlength(r, 0, 2) == 8 && !PQgetisnull(r, 0, 1);
    if (ok) {
        row.id = static_cast<std::int64_t>(load_u64(PQgetvalue(r, 0, 0)));
        row.name.assign(PQgetvalue(r, 0, 1), static_cast<std::size_t>(PQgetlength(r, 0, 1)));
        const std::uint64_t bits = load_u64(PQgetvalue(r, 0, 2));
        std::memcpy(&row.score, &bits, 8);
    }
    PQclear(r);
    PQfinish(conn);
    return ok && !row.name.empty() ? 0 : 1;
}
