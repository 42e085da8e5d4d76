// SPDX-License-Identifier: BSL-1.0
// typq/large_object.hpp: typq::large_object, an open large object (the server's pg_largeobject)
// read, written, sought and truncated through a descriptor that lives in a transaction block;
// and typq::file_error, for import_file and export_file.
//
// Every operation is one ordinary statement over the server's SQL functions (lo_create, lo_open,
// loread, lowrite, lo_lseek64, lo_tell64, lo_truncate64, lo_close, lo_unlink), with typed binary
// parameters, through the connection's one statement path. libpq's own lo_* functions are not
// used: they run through the fast-path interface, which blocks and which the engine cannot step.

#ifndef TYPQ_LARGE_OBJECT_HPP
#define TYPQ_LARGE_OBJECT_HPP

#include <typq/config.hpp>
#include <typq/connection.hpp>
#include <typq/error.hpp>
#include <typq/oid.hpp>
#include <typq/transaction.hpp>
#include <typq/types/bytea.hpp>
#include <typq/types/misc.hpp>
#include <typq/types/scalar.hpp>

#include <cerrno>        // errno after a failed file operation
#include <cstddef>       // std::byte, std::size_t
#include <cstdint>       // std::int32_t, std::int64_t, std::uint32_t
#include <cstdio>        // std::FILE: import_file and export_file
#include <cstring>       // std::memcpy: read into a caller's buffer
#include <memory>        // std::shared_ptr: file_error's path
#include <span>          // byte spans
#include <string>        // paths, messages
#include <string_view>   // write(text)
#include <system_error>  // std::error_code: file_error
#include <tuple>         // create()'s one row: the OID and the descriptor
#include <optional>      // the connection, until closed
#include <utility>       // std::exchange
#include <vector>        // read()'s bytes

namespace typq {

/// A local file could not be opened, read or written by typq::large_object::import_file or
/// export_file. `path()` is the file, `code()` the system's reason (errno).
class file_error : public error {
public:
    /// An error whose what() is `what`, the quoted `path` and `code`'s message.
    file_error(const std::string& what, std::string path, std::error_code code)
        : error(what + " \"" + path + "\": " + code.message()),
          path_(std::make_shared<const std::string>(std::move(path))), code_(code)
    {
    }
    /// The file's path, as it was given.
    [[nodiscard]] const std::string& path() const noexcept { return *path_; }
    /// Why: `code() == std::errc::no_such_file_or_directory`, and the like.
    [[nodiscard]] std::error_code code() const noexcept { return code_; }

private:
    std::shared_ptr<const std::string> path_;
    std::error_code code_;
};

/// An open large object: a value of up to 4 TB kept by the server (pg_largeobject), named by an
/// OID, read and written a part at a time like a file. Made by create() or open(); closed by
/// close(), by its destructor, or by the end of its transaction.
///
/// A large object's descriptor is valid only in the transaction block in which it was opened,
/// so create(), open() and every member function need one (a typq::transaction, or a BEGIN of
/// the program's own): outside one they throw typq::usage_error and send nothing. Once the
/// transaction has ended, the object refuses further work (typq::usage_error) and its destructor
/// sends nothing. Only unlink(), import_file() and export_file() also work outside a
/// transaction block. The server's errors (a large object that does not exist, a write through
/// a descriptor opened for reading, a permission) are thrown as typq::server_error subclasses,
/// and abort the transaction, as any failing statement does.
///
/// Each operation is one statement (one round trip); a read or write larger than 1 MiB is split
/// into statements of 1 MiB, so that no message comes near the protocol's 1 GB limit.
///
/// @par Lifetime  The object refers to the connection's session, as a typq::transaction does: it
///      follows the connection when it moves, and once the connection is closed (or destroyed)
///      its calls throw typq::connection_error and its destructor sends nothing. Move-only. Do not use it after its transaction has ended and a
///      new one has begun on the connection: the descriptor's number may by then belong to a
///      large object opened in the new transaction (typq cannot tell the two transactions apart;
///      it catches only the time in between, when no transaction is open).
///
/// @par Example
/// ```
/// typq::transaction tx{conn};
/// auto lo = typq::large_object::create(conn);
/// lo.write("hello, large object");
/// lo.seek(7);
/// std::vector<std::byte> part = lo.read(5);      // "large"
/// const typq::oid id = lo.oid();                 // keep it in a table's oid column
/// lo.close();
/// tx.commit();
/// ```
class large_object {
public:
    /// How a large object is opened (lo_open's INV_READ and INV_WRITE flags).
    enum class mode : std::int32_t {
        /// Reading only, as of the transaction's snapshot when it was opened: writes made later,
        /// by this transaction or by others, are not seen. A write is the server's error.
        read = 0x40000,
        /// Reading and writing (the server lets a descriptor opened for writing read too); reads
        /// see the latest committed data and this transaction's writes.
        write = 0x20000,
        /// Reading and writing, as `write`.
        read_write = 0x60000,
    };

    /// Where seek() counts from (lo_lseek64's SEEK_SET, SEEK_CUR and SEEK_END).
    enum class whence : std::int32_t {
        set = 0,      ///< from the start
        current = 1,  ///< from the current position
        end = 2,      ///< from the end
    };

    /// Creates a new, empty large object and opens it for reading and writing, in one round trip.
    /// `wanted` asks for that OID; by default (`typq::oid::unspecified`) the server picks a free
    /// one. The new object exists only once its transaction commits.
    /// @throws typq::usage_error outside a transaction block; typq::unique_violation (on
    ///         pg_largeobject_metadata's index) when `wanted` is already a large object's OID;
    ///         as connection::execute().
    [[nodiscard]] static large_object create(connection& conn, typq::oid wanted = typq::oid::unspecified);

    /// Opens large object `id` in `how` mode.
    /// @throws typq::usage_error outside a transaction block; typq::undefined_object when there
    ///         is no large object `id` (this aborts the transaction); typq::insufficient_privilege
    ///         without the right to read it (or, for writing, to update it); as connection::execute().
    [[nodiscard]] static large_object open(connection& conn, typq::oid id, mode how);

    /// Deletes large object `id` (lo_unlink), in the open transaction block or, outside one, at
    /// once. Descriptors open on it in this transaction must not be used afterwards.
    /// @throws typq::undefined_object when there is no large object `id`;
    ///         typq::insufficient_privilege unless the role owns it; as connection::execute().
    static void unlink(connection& conn, typq::oid id);

    /// Makes a new large object from the local file at `path` (the client's file system) and
    /// returns its OID. The file is read 1 MiB at a time and written with write(). Not the
    /// server's SQL function lo_import, which reads a file on the server's machine, with the
    /// server's permissions. Inside a transaction block the object is created in it; outside
    /// one import_file runs a transaction of its own and commits it. When the file cannot be
    /// read to its end, the half-made object is deleted again (unless the transaction is already
    /// aborted, when it goes with it). `path` may be a std::filesystem::path (on POSIX it converts).
    /// @throws typq::file_error when the file cannot be opened or read; as create() and write().
    [[nodiscard]] static typq::oid import_file(connection& conn, const std::string& path);

    /// Writes large object `id` into the local file at `path` (created, or truncated first),
    /// 1 MiB a statement. Not the server's lo_export, which writes on the server's machine.
    /// Inside a transaction block it reads in that transaction; outside one, in one of its own.
    /// The object is opened before the file, so that a missing object leaves an existing file
    /// alone; when the object cannot be read to its end, or the file written, the partial file
    /// is removed.
    /// @throws typq::file_error when the file cannot be created or written; as open() and read().
    static void export_file(connection& conn, typq::oid id, const std::string& path);

    /// Takes `other`'s open object; `other` is left closed.
    large_object(large_object&& other) noexcept
        : conn_(std::exchange(other.conn_, std::nullopt)), id_(other.id_), descriptor_(other.descriptor_)
    {
    }
    /// Closes this object (quietly, as the destructor does), then takes `other`'s.
    large_object& operator=(large_object&& other) noexcept
    {
        if (this != &other) {
            close_quietly();
            conn_ = std::exchange(other.conn_, std::nullopt);
            id_ = other.id_;
            descriptor_ = other.descriptor_;
        }
        return *this;
    }
    large_object(const large_object&) = delete;
    large_object& operator=(const large_object&) = delete;

    /// Closes the descriptor if it is still open and its transaction goes on (in a transaction
    /// block that an error aborted, or once the connection is closed, there is nothing to close:
    /// the server closes it with the transaction). Never throws; a close that fails is ignored.
    ~large_object() { close_quietly(); }

    /// The large object's OID: what a table stores to find it again. Valid after close() too.
    [[nodiscard]] typq::oid oid() const noexcept { return id_; }

    /// Whether the descriptor is open: false after close(), after moving from, and once an
    /// operation has found that its transaction ended.
    [[nodiscard]] bool is_open() const noexcept { return conn_.has_value(); }

    /// Reads up to `max` bytes from the current position, which moves past them: fewer at the
    /// end of the object, none once there. A `max` beyond the end reads the rest: the vector
    /// is allocated once, for what came back, whatever `max` was.
    /// @throws typq::usage_error when closed or outside its transaction; as connection::execute().
    [[nodiscard]] std::vector<std::byte> read(std::size_t max);

    /// Reads into `buffer` (up to its size) from the current position, which moves past what was
    /// read, and returns how many bytes were read: fewer than `buffer.size()` only at the end.
    /// @throws as read(max).
    std::size_t read(std::span<std::byte> buffer);

    /// Writes `bytes` at the current position (overwriting, or extending the object), which
    /// moves past them. Writing past the end leaves a hole that reads as zeros.
    /// @throws typq::usage_error when closed or outside its transaction;
    ///         typq::object_not_in_prerequisite_state when it was opened in mode::read;
    ///         as connection::execute().
    void write(std::span<const std::byte> bytes);

    /// Writes the bytes of `text`, as write(bytes).
    void write(std::string_view text) { write(std::as_bytes(std::span<const char>(text.data(), text.size()))); }

    /// Moves the current position to `offset` counted from `from`, and returns the new position
    /// (from the start). Past the end is allowed (a later write leaves a hole).
    /// @throws typq::invalid_parameter_value (server side, aborting the transaction) when the
    ///         position would be negative or beyond the 4 TB limit; as read(max).
    std::int64_t seek(std::int64_t offset, whence from = whence::set);

    /// The current position, from the start.
    /// @throws as read(max).
    [[nodiscard]] std::int64_t tell();

    /// Cuts the object to `size` bytes, or extends it with zeros to that size; the current
    /// position does not change.
    /// @throws typq::usage_error when `size` is negative (nothing is sent); as write().
    void truncate(std::int64_t size);

    /// Closes the descriptor (lo_close). Closing a closed object does nothing; so does closing
    /// one whose transaction has ended or been aborted by an error (the descriptor is gone, or
    /// goes with the rollback), except that the object is closed from then on.
    /// @throws as connection::execute().
    void close();

private:
    // Statements move at most this much data each (loread's count and lowrite's bytea), far
    // from the 1 GB limit of a protocol message and of a bytea.
    static constexpr std::size_t transfer_size = std::size_t{1} << 20;
    static_assert(transfer_size <= 0x7fffffff, "loread's count is an int4");

    large_object(const connection& conn, typq::oid id, std::int32_t descriptor) noexcept
        : conn_(conn.alias()), id_(id), descriptor_(descriptor)
    {
    }

    // Throws typq::usage_error unless `conn` is in a transaction block (aborted or not: in an
    // aborted one the server's own error says what is wrong). A closed or broken connection
    // passes, for the statement to throw typq::connection_error.
    static void require_transaction_block(const connection& conn, const char* function);
    // The connection, once the descriptor is known to be open and its transaction still on;
    // else the object is closed and typq::usage_error thrown.
    connection& usable(const char* function);
    // `bytes`, loread's answer, unless the server sent more than `asked` (typq::conversion_error).
    static std::span<const std::byte> checked_read(std::span<const std::byte> bytes, std::size_t asked);
    // One loread of `count` (at most transfer_size) bytes into `into`; returns how many came.
    std::size_t read_some(connection& conn, std::byte* into, std::size_t count);
    void close_quietly() noexcept;

    // The part of import_file and export_file that runs in a transaction block.
    static typq::oid import_in_transaction(connection& conn, std::FILE* file, const std::string& path);
    static void export_in_transaction(connection& conn, typq::oid id, const std::string& path);

    // The connection's session, through a connection object of its own (connection::alias()),
    // so that the object follows the connection when it moves; empty once closed.
    std::optional<connection> conn_;
    typq::oid id_ = typq::oid::unspecified;
    std::int32_t descriptor_ = -1;
};

// Compiled once under TYPQ_SEPARATE_COMPILATION.
#if TYPQ_DEFINITIONS

namespace detail {

// A file from std::fopen, closed in the destructor unless closed (and checked) before.
class owned_file {
public:
    owned_file(const std::string& path, const char* how, const char* doing) : file_(std::fopen(path.c_str(), how))
    {
        if (!file_)
            throw file_error(doing, path, std::error_code(errno, std::generic_category()));
    }
    owned_file(const owned_file&) = delete;
    owned_file& operator=(const owned_file&) = delete;
    ~owned_file()
    {
        if (file_)
            (void)std::fclose(file_);
    }
    [[nodiscard]] std::FILE* get() const noexcept { return file_; }
    // Closes the file and says whether everything written reached it (fclose flushes).
    bool close() noexcept
    {
        std::FILE* file = std::exchange(file_, nullptr);
        return std::fclose(file) == 0;
    }

private:
    std::FILE* file_;
};

// errno as a std::error_code, or EIO when the C library set none.
inline std::error_code last_file_error() noexcept
{
    return std::error_code(errno != 0 ? errno : EIO, std::generic_category());
}

}  // namespace detail

TYPQ_DECL void large_object::require_transaction_block(const connection& conn, const char* function)
{
    if (conn.transaction_status() == typq::transaction_status::idle)
        throw usage_error(std::string("large_object::") + function
                          + ": a large object is used inside a transaction block (its descriptor lasts until the "
                            "transaction ends): open a typq::transaction first");
}

TYPQ_DECL connection& large_object::usable(const char* function)
{
    if (!conn_)
        throw usage_error(std::string("large_object::") + function + ": the large object "
                          + std::to_string(static_cast<std::uint32_t>(id_)) + " is not open");
    if (conn_->transaction_status() == typq::transaction_status::idle) {
        conn_.reset();  // its descriptor is gone with the transaction
        throw usage_error(std::string("large_object::") + function + ": the transaction in which large object "
                          + std::to_string(static_cast<std::uint32_t>(id_))
                          + " was opened has ended, and its descriptor with it: open it again in a new transaction");
    }
    return *conn_;
}

TYPQ_DECL large_object large_object::create(connection& conn, typq::oid wanted)
{
    require_transaction_block(conn, "create");
    const auto [id, descriptor] = conn.query_one<std::tuple<typq::oid, std::int32_t>>(
        "SELECT created, lo_open(created, $2) FROM lo_create($1) AS created", wanted,
        static_cast<std::int32_t>(mode::read_write));
    return large_object(conn, id, descriptor);
}

TYPQ_DECL large_object large_object::open(connection& conn, typq::oid id, mode how)
{
    require_transaction_block(conn, "open");
    const auto descriptor = conn.query_value<std::int32_t>("SELECT lo_open($1, $2)", id, static_cast<std::int32_t>(how));
    return large_object(conn, id, descriptor);
}

TYPQ_DECL void large_object::unlink(connection& conn, typq::oid id)
{
    (void)conn.query_value<std::int32_t>("SELECT lo_unlink($1)", id);
}

TYPQ_DECL std::span<const std::byte> large_object::checked_read(std::span<const std::byte> bytes, std::size_t asked)
{
    if (bytes.size() > asked)  // never trust the wire: the caller has room for `asked`
        throw conversion_error("loread returned " + std::to_string(bytes.size()) + " bytes where at most "
                                   + std::to_string(asked) + " were asked for",
            conversion_site{"loread", "bytea", "", "std::span<std::byte>"});
    return bytes;
}

TYPQ_DECL std::size_t large_object::read_some(connection& conn, std::byte* into, std::size_t count)
{
    // The bytes are copied straight out of the result (a view into it), not through a vector.
    const auto got = conn.query<std::span<const std::byte>>("SELECT loread($1, $2)", descriptor_,
        static_cast<std::int32_t>(count));
    const std::span<const std::byte> bytes = checked_read(got[0], count);
    if (!bytes.empty())
        std::memcpy(into, bytes.data(), bytes.size());
    return bytes.size();
}

TYPQ_DECL std::vector<std::byte> large_object::read(std::size_t max)
{
    connection& conn = usable("read");
    // The results are kept until the last has come, and then copied once into a vector of the
    // exact size: growing a vector as they came would copy and zero-fill most bytes twice.
    std::vector<result<std::span<const std::byte>>> parts;
    std::size_t total = 0;
    while (total < max) {
        const std::size_t ask = max - total < transfer_size ? max - total : transfer_size;
        parts.push_back(conn.query<std::span<const std::byte>>("SELECT loread($1, $2)", descriptor_,
            static_cast<std::int32_t>(ask)));
        const std::size_t got = checked_read(parts.back()[0], ask).size();
        total += got;
        if (got < ask)
            break;  // the end of the object
    }
    std::vector<std::byte> out;
    out.reserve(total);
    for (const auto& part : parts) {
        const std::span<const std::byte> bytes = part[0];
        out.insert(out.end(), bytes.begin(), bytes.end());
    }
    return out;
}

TYPQ_DECL std::size_t large_object::read(std::span<std::byte> buffer)
{
    connection& conn = usable("read");
    std::size_t done = 0;
    while (done < buffer.size()) {
        const std::size_t ask = buffer.size() - done < transfer_size ? buffer.size() - done : transfer_size;
        const std::size_t got = read_some(conn, buffer.data() + done, ask);
        done += got;
        if (got < ask)
            break;
    }
    return done;
}

TYPQ_DECL void large_object::write(std::span<const std::byte> bytes)
{
    connection& conn = usable("write");
    while (!bytes.empty()) {
        const std::span<const std::byte> part = bytes.first(bytes.size() < transfer_size ? bytes.size() : transfer_size);
        const auto written = conn.query_value<std::int32_t>("SELECT lowrite($1, $2)", descriptor_, part);
        if (written < 0 || static_cast<std::size_t>(written) != part.size())
            throw conversion_error("lowrite wrote " + std::to_string(written) + " bytes of "
                                       + std::to_string(part.size()),
                conversion_site{"lowrite", "int4", "", "std::int32_t"});
        bytes = bytes.subspan(part.size());
    }
}

TYPQ_DECL std::int64_t large_object::seek(std::int64_t offset, whence from)
{
    connection& conn = usable("seek");
    return conn.query_value<std::int64_t>("SELECT lo_lseek64($1, $2, $3)", descriptor_, offset,
        static_cast<std::int32_t>(from));
}

TYPQ_DECL std::int64_t large_object::tell()
{
    connection& conn = usable("tell");
    return conn.query_value<std::int64_t>("SELECT lo_tell64($1)", descriptor_);
}

TYPQ_DECL void large_object::truncate(std::int64_t size)
{
    if (size < 0)
        throw usage_error("large_object::truncate: the size " + std::to_string(size) + " is negative");
    connection& conn = usable("truncate");
    (void)conn.query_value<std::int32_t>("SELECT lo_truncate64($1, $2)", descriptor_, size);
}

TYPQ_DECL void large_object::close()
{
    std::optional<connection> conn = std::exchange(conn_, std::nullopt);  // whatever lo_close says, it is not used again
    if (conn && conn->transaction_status() != typq::transaction_status::idle
        && conn->transaction_status() != typq::transaction_status::in_error)
        (void)conn->query_value<std::int32_t>("SELECT lo_close($1)", descriptor_);
}

TYPQ_DECL void large_object::close_quietly() noexcept
{
    std::optional<connection> conn = std::exchange(conn_, std::nullopt);
    if (!conn || conn->state() != connection_state::open
        || conn->transaction_status() != typq::transaction_status::in_transaction)
        return;
    try {
        (void)conn->query_value<std::int32_t>("SELECT lo_close($1)", descriptor_);
    }
    catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
}

TYPQ_DECL typq::oid large_object::import_in_transaction(connection& conn, std::FILE* file, const std::string& path)
{
    large_object lo = create(conn);
    try {
        std::vector<std::byte> chunk(transfer_size);
        for (;;) {
            errno = 0;
            const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), file);
            if (got < chunk.size() && std::ferror(file))
                throw file_error("cannot read", path, detail::last_file_error());
            lo.write(std::span<const std::byte>(chunk.data(), got));
            if (got < chunk.size())
                break;
        }
        lo.close();
    }
    catch (...) {
        // The half-made object goes: deleted here, or with the aborted transaction.
        if (conn.transaction_status() == typq::transaction_status::in_transaction) {
            try {
                lo.close();
                unlink(conn, lo.oid());
            }
            catch (...) {  // NOLINT(bugprone-empty-catch): the first error is the one to report
            }
        }
        throw;
    }
    return lo.oid();
}

TYPQ_DECL void large_object::export_in_transaction(connection& conn, typq::oid id, const std::string& path)
{
    // The object first: a missing one must not cost the file that was at `path`.
    large_object lo = open(conn, id, mode::read);
    detail::owned_file file(path, "wb", "cannot open for writing");
    try {
        std::vector<std::byte> chunk(transfer_size);
        for (;;) {
            const std::size_t got = lo.read(std::span<std::byte>(chunk));
            errno = 0;
            if (got > 0 && std::fwrite(chunk.data(), 1, got, file.get()) != got)
                throw file_error("cannot write", path, detail::last_file_error());
            if (got < chunk.size())
                break;
        }
        errno = 0;
        if (!file.close())
            throw file_error("cannot write", path, detail::last_file_error());
    }
    catch (...) {
        if (file.get())
            (void)file.close();
        (void)std::remove(path.c_str());  // no partial copy is left behind
        throw;
    }
    lo.close();
}

TYPQ_DECL typq::oid large_object::import_file(connection& conn, const std::string& path)
{
    detail::owned_file file(path, "rb", "cannot open for reading");
    if (conn.transaction_status() != typq::transaction_status::idle)
        return import_in_transaction(conn, file.get(), path);
    typq::transaction tx{conn};
    const typq::oid id = import_in_transaction(conn, file.get(), path);
    tx.commit();
    return id;
}

TYPQ_DECL void large_object::export_file(connection& conn, typq::oid id, const std::string& path)
{
    if (conn.transaction_status() != typq::transaction_status::idle) {
        export_in_transaction(conn, id, path);
        return;
    }
    typq::transaction tx{conn};
    export_in_transaction(conn, id, path);
    tx.commit();
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq

#endif  // TYPQ_LARGE_OBJECT_HPP
