// SPDX-License-Identifier: BSL-1.0
// bench/client_pqxx.cpp: the workloads written the way libpqxx 6.4's documentation writes them:
// a pqxx::work per run, exec_params / exec_params1 with the values as arguments (libpqxx sends
// them as text), exec() for a query without parameters, fields read with row["name"].as<T>().
// A run-time number of parameters (the bulk insert) goes through make_dynamic_params, one
// container per column.

#include "common.hpp"

#include <pqxx/pqxx>

#include <cstddef>      // std::size_t
#include <span>         // rows to insert
#include <string>       // names, the bulk statement
#include <vector>       // rows, parameter columns

namespace bench {
namespace {

class pqxx_client final : public client {
public:
    explicit pqxx_client(const std::string& dsn) : conn_(dsn) { conn_.set_variable("search_path", "typq_bench"); }

    const char* name() const noexcept override { return "pqxx"; }

    checksum point(std::int64_t items, std::size_t count) override
    {
        pqxx::work w{conn_};
        checksum sum;
        for (std::size_t i = 0; i < count; ++i) {
            const std::int64_t id = 1 + static_cast<std::int64_t>(i) % items;
            const pqxx::row r = w.exec_params1(point_sql, id);
            const item row{r["id"].as<std::int64_t>(), r["name"].as<std::string>(), r["score"].as<double>()};
            sum.add(row);
        }
        w.commit();
        return sum;
    }

    std::vector<wide_row> wide() override
    {
        pqxx::work w{conn_};
        const pqxx::result result = w.exec(wide_sql);
        std::vector<wide_row> rows;
        rows.reserve(result.size());
        for (const auto& r : result)
            rows.push_back({r["id"].as<std::int64_t>(), r["score"].as<double>(), r["name"].as<std::string>(),
                r["ts_us"].as<std::int64_t>(), r["flag"].as<bool>()});
        w.commit();
        return rows;
    }

    void bulk_insert(std::span<const wide_row> rows) override
    {
        const std::string statement = bulk_insert_sql(rows_per_insert);
        std::vector<std::int64_t> ids;
        std::vector<double> scores;
        std::vector<const char*> names;
        std::vector<std::int64_t> timestamps;
        std::vector<bool> flags;
        pqxx::work w{conn_};
        for (std::size_t start = 0; start < rows.size(); start += rows_per_insert) {
            ids.clear();
            scores.clear();
            names.clear();
            timestamps.clear();
            flags.clear();
            for (const wide_row& row : rows.subspan(start, rows_per_insert)) {
                ids.push_back(row.id);
                scores.push_back(row.score);
                names.push_back(row.name.c_str());
                timestamps.push_back(row.ts_us);
                flags.push_back(row.flag);
            }
            w.exec_params0(statement, pqxx::prepare::make_dynamic_params(ids), pqxx::prepare::make_dynamic_params(scores),
                pqxx::prepare::make_dynamic_params(names), pqxx::prepare::make_dynamic_params(timestamps),
                pqxx::prepare::make_dynamic_params(flags));
        }
        w.commit();
    }

    void batch(std::span<const wide_row> rows) override
    {
        pqxx::work w{conn_};
        for (const wide_row& row : rows)
            w.exec_params0(batch_sql, row.id, row.score, row.name, row.ts_us, row.flag);
        w.commit();
    }

    // libpqxx's prepared statements, as its documentation writes them.
    checksum prepared(std::int64_t items, std::size_t count) override
    {
        conn_.prepare("point", point_sql);
        pqxx::work w{conn_};
        checksum sum;
        for (std::size_t i = 0; i < count; ++i) {
            const std::int64_t id = 1 + static_cast<std::int64_t>(i) % items;
            const pqxx::row r = w.exec_prepared1("point", id);
            item row;
            row.id = r["id"].as<std::int64_t>();
            row.name = r["name"].as<std::string>();
            row.score = r["score"].as<double>();
            sum.add(row);
        }
        w.commit();
        conn_.unprepare("point");
        return sum;
    }

    checksum stream(std::int64_t) override { return {}; }
    void many(std::span<const wide_row>) override {}
    bool runs(const std::string& workload) const override
    {
        return workload != "stream" && workload != "many" && workload != "copy_in" && workload != "copy_out";
    }
    void copy_in(std::span<const wide_row>) override {}
    checksum copy_out() override { return {}; }

private:
    pqxx::connection conn_;
};

}  // namespace

std::unique_ptr<client> make_pqxx_client(const std::string& dsn)
{
    return std::make_unique<pqxx_client>(dsn);
}

}  // namespace bench
