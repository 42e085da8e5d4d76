// SPDX-License-Identifier: BSL-1.0
// tests/asio/copy.cpp: COPY on a typq::async_connection: async_copy_writer and async_copy_reader
// of structs and tuples, the raw writer and reader of csv; the checks made before anything is
// sent, the server's errors, a busy connection; writers and readers let go before their end
// (aborted or cancelled by the next operation, only their savepoint rolled back inside a
// transaction); a reader cancelled through Asio. The oracle (a synchronous connection) says what
// the server holds.

#include "asio_checks.hpp"

#include <algorithm>  // std::sort
#include <cstdint>   // std::int32_t, std::int64_t
#include <optional>  // NULLs
#include <string>    // notes, csv
#include <tuple>     // rows by position
#include <vector>    // rows

namespace asio_copy_test {

using asio_test::asio::awaitable;
using asio_test::connect;
using asio_test::describe;
using asio_test::is_a;
using asio_test::is_exactly;
using asio_test::run;
using asio_test::shared_table;
using asio_test::thrown_by;
using namespace std::chrono_literals;

// The shared table's columns: id int4 PRIMARY KEY, note text.
struct entry {
    std::int32_t id;
    std::optional<std::string> note;
};
// id as a double: binary COPY cannot write it into an int4 column.
struct wrong {
    double id;
    std::optional<std::string> note;
};
// id as an int8: converted exactly into the int4 column, when it fits.
struct wide {
    std::int64_t id;
    std::optional<std::string> note;
};

TEST_CASE("async copy_in writes structs, async copy_out reads them back, as the server counts them", "[asio][copy]")
{
    shared_table table("asio_copy_round_trip");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        std::vector<entry> rows;
        for (std::int32_t i = 1; i <= 20000; ++i)  // several chunks of 128 KiB
            rows.push_back({i, i % 7 == 0 ? std::nullopt : std::optional<std::string>("note " + std::to_string(i))});
        auto writer = co_await conn.copy_in<entry>(table.name());
        co_await writer.write(rows);
        const entry last{20001, std::string(300000, 'x')};  // bigger than a chunk by itself
        co_await writer.write(last);
        CHECK(writer.written() == 20001);
        const std::uint64_t copied = co_await writer.finish();
        CHECK(copied == 20001);

        const auto counted = table.oracle().query_one<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>>(
            table.sql("SELECT count(*), sum(id)::int8, count(note), sum(length(note))::int8 FROM {t}"));
        CHECK(std::get<0>(counted) == 20001);
        CHECK(std::get<1>(counted) == std::int64_t{20001} * 20002 / 2);
        CHECK(std::get<2>(counted) == 20001 - 20000 / 7);

        auto reader = co_await conn.copy_out<entry>(table.sql("SELECT id, note FROM {t} ORDER BY id"));
        std::int32_t expected = 1;
        bool same = true;
        std::int64_t note_bytes = 0;
        while (const entry* row = co_await reader.next()) {
            same = same && row->id == expected && row->note.has_value() == (expected % 7 != 0);
            note_bytes += row->note ? static_cast<std::int64_t>(row->note->size()) : 0;
            ++expected;
        }
        CHECK(same);
        CHECK(expected == 20002);
        CHECK(note_bytes == std::get<3>(counted));
        CHECK(reader.rows() == 20001);
        const entry* after = co_await reader.next();  // the end again
        CHECK(after == nullptr);
        const auto free = co_await conn.query_value<std::int32_t>("SELECT 1");  // the connection is free
        CHECK(free == 1);
        co_return;
    });
}

TEST_CASE("async copy_in of tuples into the columns given, and copy_out of a table by position", "[asio][copy]")
{
    shared_table table("asio_copy_tuples");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        // Started outside the co_await expression: g++ 12 cannot compile a braced list inside one.
        auto starting = conn.copy_in<std::tuple<std::string, std::int32_t>>(table.name(), {"note", "id"});
        auto writer = co_await std::move(starting);
        const std::tuple<std::string, std::int32_t> a{"a", 1};
        const std::tuple<std::string, std::int32_t> b{"b", 2};
        co_await writer.write(a);
        co_await writer.write(b);
        const std::uint64_t n = co_await writer.finish();
        CHECK(n == 2);
        auto reader = co_await conn.copy_out<std::tuple<std::int32_t, std::string>>(typq::runtime(table.name()));
        std::vector<std::tuple<std::int32_t, std::string>> got;
        while (const auto* row = co_await reader.next())
            got.push_back(*row);
        std::sort(got.begin(), got.end());
        std::vector<std::tuple<std::int32_t, std::string>> want;
        want.emplace_back(1, "a");
        want.emplace_back(2, "b");
        CHECK(got == want);
        co_return;
    });
}

TEST_CASE("async copy: the checks made before anything is sent, and the server's errors, leave the connection usable",
    "[asio][copy]")
{
    shared_table table("asio_copy_errors");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        // A field whose column cannot take it: refused before the COPY starts.
        const std::exception_ptr refused = co_await thrown_by(conn.copy_in<wrong>(table.name()));
        CHECK(is_exactly<typq::conversion_error>(refused));
        CHECK_THAT(describe(refused), Catch::Contains("id"));
        // A table name that is not one: nothing is sent.
        const std::exception_ptr malformed = co_await thrown_by(conn.copy_in<entry>("no such; table"));
        CHECK(is_exactly<typq::usage_error>(malformed));
        // No such table: the server's error class.
        const std::exception_ptr missing = co_await thrown_by(conn.copy_in<entry>("typq_no_such_table"));
        CHECK(is_exactly<typq::undefined_table>(missing));
        // copy_in(sql) of something else than a COPY FROM STDIN.
        const std::exception_ptr not_copy = co_await thrown_by(conn.copy_in("SELECT 1"));
        CHECK(is_exactly<typq::usage_error>(not_copy));
        const std::exception_ptr not_out = co_await thrown_by(conn.copy_out(table.sql("COPY {t} FROM STDIN")));
        CHECK(is_exactly<typq::usage_error>(not_out));
        // Columns of a query that do not fit the row: before the query runs.
        const std::exception_ptr unfit = co_await thrown_by(conn.copy_out<entry>("SELECT 'x'::text AS id, 1 AS note"));
        CHECK(is_exactly<typq::conversion_error>(unfit));

        // A value out of its column's range: that row's write throws, the COPY goes on.
        {
            auto writer = co_await conn.copy_in<wide>(table.name());
            const wide fits{1, "one"};
            const wide too_big{std::int64_t{1} << 40, "too big"};
            const wide also_fits{2, "two"};
            co_await writer.write(fits);
            const std::exception_ptr range = co_await thrown_by(writer.write(too_big));
            CHECK(is_exactly<typq::conversion_error>(range));
            CHECK_THAT(describe(range), Catch::Contains("row 2"));
            co_await writer.write(also_fits);
            const std::uint64_t n = co_await writer.finish();
            CHECK(n == 2);
        }
        CHECK(table.ids() == std::vector<std::int32_t>{1, 2});

        // A duplicate key: the server's error at finish(), nothing of this COPY lands.
        {
            auto writer = co_await conn.copy_in<entry>(table.name());
            const entry fresh{3, "three"};
            const entry duplicate{1, "again"};
            co_await writer.write(fresh);
            co_await writer.write(duplicate);
            const std::exception_ptr failed = co_await thrown_by(writer.finish());
            CHECK(is_exactly<typq::unique_violation>(failed));
        }
        CHECK(table.ids() == std::vector<std::int32_t>{1, 2});
        CHECK(conn.transaction_status() == typq::transaction_status::idle);

        // Bad csv at line 2: the server's error, nothing lands.
        {
            auto writer = co_await conn.copy_in(table.sql("COPY {t} (id, note) FROM STDIN (FORMAT csv)"));
            co_await writer.write("10,ten\n");
            co_await writer.write("eleven,11\n");
            const std::exception_ptr failed = co_await thrown_by(writer.finish());
            CHECK(is_exactly<typq::invalid_text_representation>(failed));
        }
        CHECK(table.ids() == std::vector<std::int32_t>{1, 2});
        const auto one = co_await conn.query_value<std::int32_t>("SELECT 1");
        CHECK(one == 1);
        co_return;
    });
}

TEST_CASE("async raw copy: csv in many pieces with quotes and newlines, and out one line per chunk", "[asio][copy]")
{
    shared_table table("asio_copy_raw");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        std::string csv = "id,note\n1,\"with, comma\"\n2,\"two\nlines\"\n3,\"a \"\"quote\"\"\"\n";
        for (int i = 4; i <= 30000; ++i)
            csv += std::to_string(i) + ",row " + std::to_string(i) + "\n";
        auto writer = co_await conn.copy_in(table.sql("COPY {t} (id, note) FROM STDIN (FORMAT csv, HEADER)"));
        for (std::size_t at = 0; at < csv.size(); at += 1000) {
            const std::string piece = csv.substr(at, 1000);
            co_await writer.write(piece);
        }
        const std::uint64_t n = co_await writer.finish();
        CHECK(n == 30000);
        const auto notes = table.oracle().query<std::string>(table.sql("SELECT note FROM {t} WHERE id <= 3 ORDER BY id")).to_vector();
        CHECK(notes == std::vector<std::string>{"with, comma", "two\nlines", "a \"quote\""});

        auto reader = co_await conn.copy_out(table.sql("COPY (SELECT id, note FROM {t} WHERE id <= 3 ORDER BY id) TO STDOUT (FORMAT csv)"));
        std::vector<std::string> chunks;
        while (const std::optional<std::string_view> chunk = co_await reader.next())
            chunks.emplace_back(*chunk);
        CHECK(chunks == std::vector<std::string>{"1,\"with, comma\"\n", "2,\"two\nlines\"\n", "3,\"a \"\"quote\"\"\"\n"});
        CHECK(reader.rows() == 3);
        co_return;
    });
}

TEST_CASE("while an async COPY is open the connection refuses other work, and takes it after", "[asio][copy]")
{
    shared_table table("asio_copy_busy");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        auto writer = co_await conn.copy_in<entry>(table.name());
        const std::exception_ptr busy = co_await thrown_by(conn.query_value<std::int32_t>("SELECT 1"));
        CHECK(is_exactly<typq::usage_error>(busy));
        CHECK_THAT(describe(busy), Catch::Contains("async_copy_writer"));
        const entry row{1, "one"};
        co_await writer.write(row);
        (void)co_await writer.finish();
        const std::exception_ptr finished = co_await thrown_by(writer.finish());
        CHECK(is_exactly<typq::usage_error>(finished));
        auto reader = co_await conn.copy_out<entry>(typq::runtime(table.name()));
        const std::exception_ptr busy_out = co_await thrown_by(conn.execute("SELECT 1"));
        CHECK(is_exactly<typq::usage_error>(busy_out));
        while (co_await reader.next() != nullptr) {
        }
        const auto n = co_await conn.query_value<std::int64_t>(table.sql("SELECT count(*) FROM {t}"));
        CHECK(n == 1);
        co_return;
    });
}

TEST_CASE("async copy writers and readers let go before their end are ended by the next operation, inside a transaction "
          "only their savepoint is rolled back",
    "[asio][copy][abandon]")
{
    shared_table table("asio_copy_abandon");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        {
            auto writer = co_await conn.copy_in<entry>(table.name());
            std::vector<entry> rows;
            for (std::int32_t i = 1; i <= 50000; ++i)  // some of it already sent
                rows.push_back({i, "abandoned"});
            co_await writer.write(rows);
        }  // no finish(): aborted
        CHECK(conn.transaction_status() == typq::transaction_status::active);  // still in COPY
        const auto zero = co_await conn.query_value<std::int64_t>(table.sql("SELECT count(*) FROM {t}"));
        CHECK(zero == 0);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(table.ids().empty());

        {
            auto reader = co_await conn.copy_out<std::int64_t>("SELECT g FROM generate_series(1, 100000000) g");
            for (int i = 0; i < 3; ++i)
                (void)co_await reader.next();
        }  // cancelled by the next operation, not read to its end
        const auto started = asio_test::test_clock::now();
        const auto nine = co_await conn.query_value<std::int32_t>("SELECT 9");
        CHECK(nine == 9);
        CHECK(asio_test::test_clock::now() - started < 5s);
        CHECK(asio_test::backend_state(table.oracle(), pid) == "idle");

        auto tx = co_await conn.begin();
        (void)co_await conn.execute(table.sql("INSERT INTO {t} (id) VALUES (1)"));
        {
            auto writer = co_await conn.copy_in<entry>(table.name());
            const entry row{2, "aborted"};
            co_await writer.write(row);
        }
        {
            auto reader = co_await conn.copy_out<std::int64_t>("SELECT g FROM generate_series(1, 100000000) g");
            (void)co_await reader.next();
        }
        (void)co_await conn.execute(table.sql("INSERT INTO {t} (id) VALUES (3)"));  // the transaction goes on
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        co_await tx.commit();
        CHECK(table.ids() == std::vector<std::int32_t>{1, 3});
        co_return;
    });
}

TEST_CASE("an async copy_out cancelled through Asio ends as cancelled on the server, and the connection goes on",
    "[asio][copy][cancel]")
{
    shared_table table("asio_copy_cancel");
    run([&]() -> awaitable<void> {
        auto conn = co_await connect();
        const int pid = conn.backend_pid();
        const auto started = asio_test::test_clock::now();
        // copy_out reads the first row, as connection::copy_out does: the time runs out there.
        std::optional<typq::async_copy_reader<std::string>> reader
            = co_await typq::within(conn.copy_out<std::string>("SELECT pg_sleep(30)::text"), 300ms);
        CHECK(!reader.has_value());
        CHECK(asio_test::test_clock::now() - started < 10s);
        const auto one = co_await conn.query_value<std::int32_t>("SELECT 1");
        CHECK(one == 1);
        CHECK(asio_test::backend_state(table.oracle(), pid) == "idle");
        co_return;
    });
}

}  // namespace asio_copy_test
