// SPDX-License-Identifier: BSL-1.0
// Large objects: typq::large_object's create, open, read, write, seek, tell, truncate, close,
// unlink, import_file and export_file, checked against what the server says (issue 12).

#include "typq_test.hpp"

#include <algorithm>     // std::mismatch
#include <atomic>        // unique temporary file names
#include <cstddef>       // std::byte
#include <cstdint>       // std::int64_t, std::uint32_t, std::uint64_t
#include <cstring>       // std::memcpy: the pattern
#include <filesystem>    // temporary files
#include <fstream>       // writing and reading them
#include <iterator>      // std::istreambuf_iterator
#include <optional>      // an object kept past its transaction
#include <span>          // read into a buffer
#include <string>        // text contents
#include <string_view>   // expected contents
#include <system_error>  // std::errc
#include <utility>       // std::move
#include <vector>        // bytes

#include <unistd.h>  // getpid: temporary file names of this process

namespace io_large_objects_test {

using lo = typq::large_object;

std::vector<std::byte> bytes_of(std::string_view text)
{
    const auto view = std::as_bytes(std::span<const char>(text.data(), text.size()));
    return {view.begin(), view.end()};
}

// `size` bytes of a repeatable pseudo-random pattern (xorshift64), every byte value included.
std::vector<std::byte> pattern(std::size_t size, std::uint64_t seed = 88172645463325252u)
{
    std::vector<std::byte> out(size);
    std::uint64_t x = seed;
    for (std::size_t i = 0; i < size; i += sizeof x) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::memcpy(out.data() + i, &x, std::min(sizeof x, size - i));
    }
    return out;
}

// The index of the first byte where `a` and `b` differ, or their size when they are equal (a
// check that prints an index, not 100 MB).
std::size_t first_difference(const std::vector<std::byte>& a, const std::vector<std::byte>& b)
{
    if (a.size() != b.size())
        return std::min(a.size(), b.size());
    return static_cast<std::size_t>(std::mismatch(a.begin(), a.end(), b.begin()).first - a.begin());
}

// Whether the server has large object `id` (its catalog, seen from a new statement).
bool exists(typq::connection& conn, typq::oid id)
{
    return conn.query_value<std::int64_t>("SELECT count(*) FROM pg_largeobject_metadata WHERE oid = $1", id) == 1;
}

// A path for a temporary file, removed with the object.
class temp_path {
public:
    temp_path()
    {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path()
            / ("typq_lo_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + ".bin");
    }
    temp_path(const temp_path&) = delete;
    temp_path& operator=(const temp_path&) = delete;
    ~temp_path()
    {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }
    std::string string() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, const std::vector<std::byte>& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

std::vector<std::byte> read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return bytes_of(text);
}

TEST_CASE("a large object is written, sought, read, told and truncated as the server sees it", "[io][large_object]")
{
    auto conn = typq_test::connect();
    typq::transaction tx{conn};
    lo object = lo::create(conn);
    const typq::oid id = object.oid();
    CHECK(object.is_open());
    CHECK(static_cast<std::uint32_t>(id) != 0);
    CHECK(conn.query_value<std::vector<std::byte>>("SELECT lo_get($1)", id).empty());

    object.write("hello, large object");
    CHECK(object.tell() == 19);
    CHECK(conn.query_value<std::vector<std::byte>>("SELECT lo_get($1)", id) == bytes_of("hello, large object"));

    CHECK(object.seek(7) == 7);
    CHECK(object.read(5) == bytes_of("large"));
    CHECK(object.tell() == 12);
    CHECK(object.seek(1, lo::whence::current) == 13);
    CHECK(object.seek(-6, lo::whence::end) == 13);
    CHECK(object.read(100) == bytes_of("object"));  // fewer at the end
    CHECK(object.read(100).empty());                // none once there
    CHECK(object.read(0).empty());

    SECTION("writing overwrites in place and past the end leaves zeros")
    {
        object.seek(0);
        object.write(bytes_of("HELLO"));
        CHECK(object.tell() == 5);
        object.seek(21);
        object.write("!");
        CHECK(conn.query_value<std::vector<std::byte>>("SELECT lo_get($1)", id)
              == bytes_of(std::string_view("HELLO, large object\0\0!", 22)));
        CHECK(conn.query_value<std::int32_t>("SELECT length(lo_get($1))", id) == 22);
    }

    SECTION("truncate cuts or extends with zeros and leaves the position")
    {
        object.seek(3);
        object.truncate(5);
        CHECK(object.tell() == 3);
        CHECK(conn.query_value<std::vector<std::byte>>("SELECT lo_get($1)", id) == bytes_of("hello"));
        object.truncate(8);
        CHECK(conn.query_value<std::vector<std::byte>>("SELECT lo_get($1)", id)
              == bytes_of(std::string_view("hello\0\0\0", 8)));
        CHECK(object.seek(0, lo::whence::end) == 8);
        object.truncate(0);
        CHECK(conn.query_value<std::int32_t>("SELECT length(lo_get($1))", id) == 0);
    }

    SECTION("read into a buffer fills it and says how much came")
    {
        object.seek(0);
        std::vector<std::byte> buffer(5);
        CHECK(object.read(std::span<std::byte>(buffer)) == 5);
        CHECK(buffer == bytes_of("hello"));
        std::vector<std::byte> rest(64, std::byte{0x55});
        CHECK(object.read(std::span<std::byte>(rest)) == 14);
        CHECK(std::vector<std::byte>(rest.begin(), rest.begin() + 14) == bytes_of(", large object"));
        CHECK(rest[14] == std::byte{0x55});  // nothing written past what came
        CHECK(object.read(std::span<std::byte>(rest)) == 0);
    }

    SECTION("after close the object refuses work, and it lasts once committed")
    {
        object.close();
        CHECK_FALSE(object.is_open());
        CHECK(object.oid() == id);
        CHECK_NOTHROW(object.close());
        REQUIRE_THROWS_AS(object.read(1), typq::usage_error);
        REQUIRE_THROWS_WITH(object.tell(), Catch::Contains("is not open"));
        tx.commit();

        typq::transaction again{conn};
        lo reader = lo::open(conn, id, lo::mode::read);
        CHECK(reader.read(1000) == bytes_of("hello, large object"));
        reader.close();
        lo::unlink(conn, id);
        again.commit();
        CHECK_FALSE(exists(conn, id));
    }
}

TEST_CASE("large objects are refused outside a transaction block, before anything is sent", "[io][large_object]")
{
    auto conn = typq_test::connect();
    REQUIRE_THROWS_AS(lo::create(conn), typq::usage_error);
    REQUIRE_THROWS_WITH(lo::create(conn), Catch::Contains("transaction block"));
    REQUIRE_THROWS_AS(lo::open(conn, typq::oid{1}, lo::mode::read), typq::usage_error);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);

    SECTION("an object whose transaction ended refuses work and closes without a word")
    {
        typq::oid id{};
        std::optional<lo> left;
        {
            typq::transaction tx{conn};
            left.emplace(lo::create(conn));
            id = left->oid();
            left->write("kept");
            tx.commit();
        }
        CHECK(left->is_open());  // it cannot know yet
        REQUIRE_THROWS_AS(left->write("more"), typq::usage_error);
        REQUIRE_THROWS_WITH(left->read(1), Catch::Contains("not open"));
        CHECK_FALSE(left->is_open());
        CHECK_NOTHROW(left->close());
        left.reset();
        CHECK(conn.query_value<std::vector<std::byte>>("SELECT lo_get($1)", id) == bytes_of("kept"));
        lo::unlink(conn, id);  // outside a transaction block: at once
        CHECK_FALSE(exists(conn, id));
    }

    SECTION("a closed connection is a connection error")
    {
        conn.close();
        REQUIRE_THROWS_AS(lo::create(conn), typq::connection_error);
    }
}

TEST_CASE("opening a large object that does not exist is the server's error and aborts the transaction",
    "[io][large_object]")
{
    auto conn = typq_test::connect();
    // An OID that is no large object: one just made, then deleted.
    typq::oid missing{};
    {
        typq::transaction tx{conn};
        missing = lo::create(conn).oid();
        lo::unlink(conn, missing);
        tx.commit();
    }
    typq::transaction tx{conn};
    const auto thrown = typq_test::thrown_by([&] { (void)lo::open(conn, missing, lo::mode::read); });
    REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::undefined_object);
    REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Catch::Contains("does not exist"));
    try {
        typq_test::rethrow(thrown);
    }
    catch (const typq::server_error& e) {
        CHECK(e.sqlstate() == "42704");
    }
    CHECK(conn.transaction_status() == typq::transaction_status::in_error);
    REQUIRE_THROWS_AS(lo::create(conn), typq::in_failed_sql_transaction);
    tx.rollback();
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(conn.query_value<std::int32_t>("SELECT 1") == 1);

    SECTION("and unlink of one is the same error")
    {
        REQUIRE_THROWS_AS(lo::unlink(conn, missing), typq::undefined_object);
    }
}

TEST_CASE("a large object opened for reading refuses writes and reads its snapshot", "[io][large_object]")
{
    auto conn = typq_test::connect();
    typq::oid id{};
    {
        typq::transaction tx{conn};
        lo made = lo::create(conn);
        made.write("original");
        id = made.oid();
        tx.commit();
    }

    SECTION("a write through a read descriptor is the server's error")
    {
        typq::transaction tx{conn};
        lo reader = lo::open(conn, id, lo::mode::read);
        const auto thrown = typq_test::thrown_by([&] { reader.write("no"); });
        REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::object_not_in_prerequisite_state);
        REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Catch::Contains("not opened for writing"));
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
        CHECK_NOTHROW(reader.close());  // nothing to close in an aborted transaction
        CHECK_FALSE(reader.is_open());
        tx.rollback();
        CHECK(conn.query_value<std::vector<std::byte>>("SELECT lo_get($1)", id) == bytes_of("original"));
    }

    SECTION("mode read sees the object as it was when opened; mode write sees the latest")
    {
        typq::transaction tx{conn};
        lo reader = lo::open(conn, id, lo::mode::read);
        lo writer = lo::open(conn, id, lo::mode::write);
        writer.write("ORIG");
        CHECK(reader.read(100) == bytes_of("original"));
        writer.seek(0);
        CHECK(writer.read(100) == bytes_of("ORIGinal"));
        lo both = lo::open(conn, id, lo::mode::read_write);
        CHECK(both.read(100) == bytes_of("ORIGinal"));
    }

    lo::unlink(conn, id);
}

TEST_CASE("the destructor closes the descriptor on the server, and a moved-from object is closed",
    "[io][large_object]")
{
    auto conn = typq_test::connect();
    typq::transaction tx{conn};
    // The server numbers descriptors from 0 in each transaction: lo_close(0) from SQL tells
    // whether descriptor 0 is open (it succeeds) or not (undefined_object).
    const auto descriptor_0_open = [&] {
        typq::transaction savepoint{conn};
        try {
            (void)conn.query_value<std::int64_t>("SELECT lo_tell64(0)");
            return true;
        }
        catch (const typq::undefined_object&) {
            savepoint.rollback();
            return false;
        }
    };
    CHECK_FALSE(descriptor_0_open());
    {
        lo first = lo::create(conn);
        CHECK(descriptor_0_open());
        lo second = std::move(first);
        CHECK_FALSE(first.is_open());  // NOLINT(bugprone-use-after-move): moved-from is closed
        CHECK(second.is_open());
        first.close();  // does nothing
        CHECK(descriptor_0_open());
    }
    CHECK_FALSE(descriptor_0_open());

    lo assigned = lo::create(conn);  // descriptor 0 again
    assigned = lo::create(conn);     // descriptor 1; 0 is closed by the assignment
    CHECK_FALSE(descriptor_0_open());
    CHECK(assigned.is_open());
}

TEST_CASE("an object follows its connection when it moves, and a closed connection is a connection_error",
    "[io][large_object]")
{
    std::vector<typq::connection> connections;
    connections.push_back(typq_test::connect());
    typq::transaction tx{connections.back()};
    lo object = lo::create(connections.back());
    object.write("xyz");
    // Reallocating the vector moves the connection and destroys the object it was in.
    for (int i = 0; i < 8; ++i)
        connections.push_back(typq_test::connect());
    CHECK(object.tell() == 3);
    CHECK(object.seek(0) == 0);
    CHECK(object.read(10) == bytes_of("xyz"));
    CHECK(connections.front().transaction_status() == typq::transaction_status::in_transaction);

    connections.front().close();
    REQUIRE_THROWS_AS(object.tell(), typq::connection_error);
    CHECK(object.is_open());  // its destructor sends nothing: the connection is closed
}

TEST_CASE("create with a wanted OID uses it, and one already taken is the server's error", "[io][large_object]")
{
    auto conn = typq_test::connect();
    typq::oid free_id{};
    {
        // A free OID: one the server picks, in a transaction rolled back.
        typq::transaction tx{conn};
        free_id = conn.query_value<typq::oid>("SELECT lo_create(0)");
    }
    {
        typq::transaction tx{conn};
        lo made = lo::create(conn, free_id);
        CHECK(made.oid() == free_id);
        CHECK(exists(conn, free_id));
        made.close();
        tx.commit();
    }
    {
        typq::transaction tx{conn};
        const auto thrown = typq_test::thrown_by([&] { (void)lo::create(conn, free_id); });
        REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::unique_violation);
        try {
            typq_test::rethrow(thrown);
        }
        catch (const typq::unique_violation& e) {
            CHECK(e.constraint_name() == "pg_largeobject_metadata_oid_index");
        }
    }
    lo::unlink(conn, free_id);
}

TEST_CASE("seek and truncate check their bounds", "[io][large_object]")
{
    auto conn = typq_test::connect();
    typq::transaction tx{conn};
    lo object = lo::create(conn);
    object.write("0123456789");

    SECTION("a negative size is refused before anything is sent")
    {
        REQUIRE_THROWS_AS(object.truncate(-1), typq::usage_error);
        REQUIRE_THROWS_WITH(object.truncate(-1), Catch::Contains("negative"));
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        CHECK(object.tell() == 10);
    }

    SECTION("a negative position is the server's error")
    {
        REQUIRE_THROWS_AS(object.seek(-11, lo::whence::end), typq::invalid_parameter_value);
        CHECK(conn.transaction_status() == typq::transaction_status::in_error);
    }

    SECTION("positions beyond 2 GB work (64-bit offsets)")
    {
        const std::int64_t far = std::int64_t{5} << 30;  // 5 GB: a hole, no data
        CHECK(object.seek(far) == far);
        CHECK(object.tell() == far);
        object.write("x");
        CHECK(object.seek(0, lo::whence::end) == far + 1);
        object.truncate(far - 1);
        CHECK(object.seek(0, lo::whence::end) == far - 1);
    }
}

TEST_CASE("after a rollback a large object made in the transaction does not exist", "[io][large_object]")
{
    auto conn = typq_test::connect();
    typq::oid id{};
    {
        typq::transaction tx{conn};
        lo object = lo::create(conn);
        object.write(pattern(3 << 20));
        id = object.oid();
        CHECK(exists(conn, id));
    }  // rolled back; the object's destructor closed it first
    CHECK_FALSE(exists(conn, id));
    typq::transaction tx{conn};
    REQUIRE_THROWS_AS(lo::open(conn, id, lo::mode::read), typq::undefined_object);
}

TEST_CASE("unlink removes a large object, as pg_largeobject_metadata says", "[io][large_object]")
{
    auto conn = typq_test::connect();
    typq::oid id{};
    {
        typq::transaction tx{conn};
        id = lo::create(conn).oid();
        tx.commit();
    }
    REQUIRE(exists(conn, id));

    SECTION("outside a transaction block, at once")
    {
        lo::unlink(conn, id);
        CHECK_FALSE(exists(conn, id));
    }

    SECTION("inside one, with it: a rollback keeps the object")
    {
        {
            typq::transaction tx{conn};
            lo::unlink(conn, id);
            CHECK_FALSE(exists(conn, id));
        }
        CHECK(exists(conn, id));
        {
            typq::transaction tx{conn};
            lo::unlink(conn, id);
            tx.commit();
        }
        CHECK_FALSE(exists(conn, id));
    }
    REQUIRE_THROWS_AS(lo::unlink(conn, id), typq::undefined_object);
}

TEST_CASE("import_file and export_file copy a local file through a large object", "[io][large_object]")
{
    auto conn = typq_test::connect();
    const std::vector<std::byte> content = pattern((5 << 20) / 2 + 7);  // 2.5 MiB and a bit: three chunks
    temp_path source;
    write_file(source.path(), content);

    SECTION("outside a transaction block each runs in one of its own")
    {
        const typq::oid id = lo::import_file(conn, source.path());  // a std::filesystem::path converts
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        REQUIRE(exists(conn, id));
        CHECK(conn.query_value<std::int64_t>("SELECT length(lo_get($1))", id) == static_cast<std::int64_t>(content.size()));
        CHECK(conn.query_value<bool>("SELECT lo_get($1) = $2", id, std::span<const std::byte>(content)));

        temp_path target;
        lo::export_file(conn, id, target.string());
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(first_difference(read_file(target.path()), content) == content.size());
        lo::unlink(conn, id);
    }

    SECTION("inside one, in it: a rollback takes the import back")
    {
        typq::oid id{};
        {
            typq::transaction tx{conn};
            id = lo::import_file(conn, source.string());
            CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
            temp_path target;
            lo::export_file(conn, id, target.string());
            CHECK(first_difference(read_file(target.path()), content) == content.size());
        }
        CHECK_FALSE(exists(conn, id));
    }

    SECTION("an empty file makes an empty object")
    {
        temp_path empty;
        write_file(empty.path(), {});
        const typq::oid id = lo::import_file(conn, empty.string());
        CHECK(conn.query_value<std::int64_t>("SELECT length(lo_get($1))", id) == 0);
        temp_path target;
        lo::export_file(conn, id, target.string());
        CHECK(std::filesystem::file_size(target.path()) == 0);
        lo::unlink(conn, id);
    }

    SECTION("a file that cannot be opened is a file_error naming it, and nothing is made")
    {
        const std::string missing = source.string() + ".missing";
        const auto thrown = typq_test::thrown_by([&] { (void)lo::import_file(conn, missing); });
        REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::file_error);
        REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Catch::Contains("\"" + missing + "\""));
        try {
            typq_test::rethrow(thrown);
        }
        catch (const typq::file_error& e) {
            CHECK(e.path() == missing);
            CHECK(e.code() == std::errc::no_such_file_or_directory);
        }
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
    }

    SECTION("a file that cannot be read to its end leaves no object behind")
    {
        // A directory opens, and then cannot be read (EISDIR): the object is made first.
        const std::string directory = std::filesystem::temp_directory_path().string();
        const auto thrown = typq_test::thrown_by([&] { (void)lo::import_file(conn, directory); });
        REQUIRE_THROWS_AS(typq_test::rethrow(thrown), typq::file_error);
        REQUIRE_THROWS_WITH(typq_test::rethrow(thrown), Catch::Contains("cannot read"));
        CHECK(conn.transaction_status() == typq::transaction_status::idle);

        // Inside a transaction block, the transaction goes on without the half-made object
        // (none of the rows it sees was made by this transaction).
        typq::transaction tx{conn};
        REQUIRE_THROWS_AS(lo::import_file(conn, directory), typq::file_error);
        CHECK(conn.transaction_status() == typq::transaction_status::in_transaction);
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM pg_largeobject_metadata "
                                             "WHERE xmin::text = pg_current_xact_id()::text")
              == 0);
        const typq::oid id = lo::import_file(conn, source.string());
        CHECK(conn.query_value<std::int64_t>("SELECT count(*) FROM pg_largeobject_metadata "
                                             "WHERE xmin::text = pg_current_xact_id()::text")
              == 1);
        CHECK(exists(conn, id));
    }

    SECTION("exporting to a directory that does not exist is a file_error")
    {
        const typq::oid id = lo::import_file(conn, source.string());
        const std::string nowhere = source.string() + ".d/out.bin";
        REQUIRE_THROWS_AS(lo::export_file(conn, id, nowhere), typq::file_error);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        lo::unlink(conn, id);
    }

    SECTION("exporting an object that does not exist leaves the file that was there")
    {
        typq::oid missing{};
        {
            typq::transaction tx{conn};
            missing = lo::create(conn).oid();
        }  // rolled back: no such object
        REQUIRE_THROWS_AS(lo::export_file(conn, missing, source.string()), typq::undefined_object);
        CHECK(conn.transaction_status() == typq::transaction_status::idle);
        CHECK(first_difference(read_file(source.path()), content) == content.size());
    }
}

TEST_CASE("a 100 MB large object round-trips", "[io][large_object]")
{
    auto conn = typq_test::connect();
    const std::size_t size = std::size_t{100} << 20;
    const std::vector<std::byte> content = pattern(size);
    typq::transaction tx{conn};
    lo object = lo::create(conn);
    const typq::oid id = object.oid();

    // Written in uneven parts, each split by write() into statements of 1 MiB.
    const std::span<const std::byte> all(content);
    const std::size_t first = (std::size_t{37} << 20) + 12345;
    object.write(all.first(first));
    object.write(all.subspan(first, 1));
    object.write(all.subspan(first + 1));
    CHECK(object.tell() == static_cast<std::int64_t>(size));

    // The server's own bytes at the edges of the parts and of write()'s statements; the last
    // byte is at size - 1 and nothing comes after it.
    for (const std::size_t at : {std::size_t{0}, (std::size_t{1} << 20) - 3, first - 2, first + 1, size - 10, size - 1}) {
        CAPTURE(at);
        const std::size_t count = std::min<std::size_t>(10, size - at);
        const std::vector<std::byte> expected(content.begin() + static_cast<std::ptrdiff_t>(at),
            content.begin() + static_cast<std::ptrdiff_t>(at + count));
        CHECK(conn.query_value<std::vector<std::byte>>("SELECT lo_get($1, $2, 10)", id, static_cast<std::int64_t>(at))
              == expected);
    }

    // Read back whole, asking for more than there is: what there is comes.
    object.seek(0);
    const std::vector<std::byte> back = object.read(size + 1);
    REQUIRE(back.size() == size);
    CHECK(first_difference(back, content) == size);
    CHECK(object.read(1).empty());

    // Into a buffer, across statements, from an odd place.
    const std::size_t from = (std::size_t{61} << 20) + 333;
    CHECK(object.seek(static_cast<std::int64_t>(from)) == static_cast<std::int64_t>(from));
    std::vector<std::byte> buffer((std::size_t{3} << 20) + 5);
    CHECK(object.read(std::span<std::byte>(buffer)) == buffer.size());
    const std::vector<std::byte> expected(content.begin() + static_cast<std::ptrdiff_t>(from),
        content.begin() + static_cast<std::ptrdiff_t>(from + buffer.size()));
    CHECK(first_difference(buffer, expected) == buffer.size());
}

}  // namespace io_large_objects_test
