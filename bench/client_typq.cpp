// SPDX-License-Identifier: BSL-1.0
// bench/client_typq.cpp: the workloads written the way typq's documentation writes them:
// query_one<item>, query<wide_row> into a std::vector built from the result's range, execute()
// with the values as arguments, typq::transaction around each run.

#include "common.hpp"

#include <typq/typq.hpp>

#include <chrono>       // timestamptz
#include <cstddef>      // std::size_t
#include <span>         // rows to insert
#include <string>       // the bulk statement
#include <string_view>  // COPY's text column
#include <utility>      // std::index_sequence
#include <vector>       // rows

namespace bench {
namespace {

// A row of table sink or wide with its timestamptz as typq reads and writes one.
struct copy_row {
    std::int64_t id;
    double score;
    std::string_view name;
    typq::timestamptz ts;
    bool flag;
};

// One multi-row INSERT of N rows. typq binds parameters from C++ arguments, so N rows become a
// pack of 5 * N arguments, column by column like the statement's placeholders. The statement is
// built at run time (its length depends on N), so it is typq::runtime and is checked when it runs.
template <std::size_t N>
void insert_rows(typq::connection& conn, const std::string& statement, const wide_row* rows)
{
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        conn.execute(typq::runtime(statement), rows[I].id..., rows[I].score..., rows[I].name..., rows[I].ts_us...,
            rows[I].flag...);
    }(std::make_index_sequence<N>{});
}

class typq_client final : public client {
public:
    typq_client(const std::string& dsn, const typq::connection_options& options, const char* name)
        : conn_(dsn, options), name_(name)
    {
        conn_.execute("SET search_path TO typq_bench");
    }

    const char* name() const noexcept override { return name_; }

    checksum point(std::int64_t items, std::size_t count) override
    {
        typq::transaction tx{conn_};
        checksum sum;
        for (std::size_t i = 0; i < count; ++i) {
            const std::int64_t id = 1 + static_cast<std::int64_t>(i) % items;
            const item row = conn_.query_one<item>(point_sql, id);
            sum.add(row);
        }
        tx.commit();
        return sum;
    }

    std::vector<wide_row> wide() override
    {
        typq::transaction tx{conn_};
        const auto result = conn_.query<wide_row>(wide_sql);
        std::vector<wide_row> rows(result.begin(), result.end());
        tx.commit();
        return rows;
    }

    void bulk_insert(std::span<const wide_row> rows) override
    {
        const std::string statement = bulk_insert_sql(rows_per_insert);
        typq::transaction tx{conn_};
        for (std::size_t start = 0; start < rows.size(); start += rows_per_insert)
            insert_rows<rows_per_insert>(conn_, statement, rows.data() + start);
        tx.commit();
    }

    void batch(std::span<const wide_row> rows) override
    {
        typq::transaction tx{conn_};
        for (const wide_row& row : rows)
            conn_.execute(batch_sql, row.id, row.score, row.name, row.ts_us, row.flag);
        tx.commit();
    }

    // The point query as written above: typq prepares it on the server by itself, after 5 runs.
    checksum prepared(std::int64_t items, std::size_t count) override { return point(items, count); }

    checksum stream(std::int64_t rows) override
    {
        typq::transaction tx{conn_};
        checksum sum;
        for (const wide_row& row : conn_.stream<wide_row>(stream_sql, rows))
            sum.add(row);
        tx.commit();
        return sum;
    }

    void many(std::span<const wide_row> rows) override
    {
        typq::transaction tx{conn_};
        (void)conn_.execute_many(batch_named_sql, rows);
        tx.commit();
    }

    void copy_in(std::span<const wide_row> rows) override
    {
        typq::transaction tx{conn_};
        typq::copy_writer<copy_row> writer = conn_.copy_in<copy_row>("sink");
        for (const wide_row& row : rows)
            writer.write({row.id, row.score, row.name, typq::timestamptz(std::chrono::microseconds(row.ts_us)), row.flag});
        (void)writer.finish();
        tx.commit();
    }

    checksum copy_out() override
    {
        typq::transaction tx{conn_};
        checksum sum;
        wide_row out;
        for (const copy_row& row : conn_.copy_out<copy_row>(copy_out_sql)) {
            out.id = row.id;
            out.score = row.score;
            out.name = row.name;
            out.ts_us = row.ts.time_since_epoch().count();
            out.flag = row.flag;
            sum.add(out);
        }
        tx.commit();
        return sum;
    }

private:
    typq::connection conn_;
    const char* name_;
};

}  // namespace

std::unique_ptr<client> make_typq_client(const std::string& dsn)
{
    return std::make_unique<typq_client>(dsn, typq::connection_options{}, "typq");
}

std::unique_ptr<client> make_typq_unprepared_client(const std::string& dsn)
{
    return std::make_unique<typq_client>(dsn, typq::connection_options{.prepare_threshold = std::nullopt}, "typq-unprepared");
}

}  // namespace bench
