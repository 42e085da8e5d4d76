// SPDX-License-Identifier: BSL-1.0
// typq/detail/copy_binary.hpp: PostgreSQL's binary COPY format (the "Binary Format" section of
// the COPY reference page): a header, then one tuple per row (an int16 field count, then each
// field as an int32 length, -1 for NULL, and its bytes, as the type's send function makes them),
// then an int16 -1. Writing a tuple's fields is writer::put_value's framing; this header has the
// header and trailer, and the reader that splits a stream of bytes from the server back into tuples. Pure: no
// libpq, so that a fuzzer can feed it anything.

#ifndef TYPQ_DETAIL_COPY_BINARY_HPP
#define TYPQ_DETAIL_COPY_BINARY_HPP

#include <typq/config.hpp>
#include <typq/error.hpp>
#include <typq/detail/wire.hpp>

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int16_t, std::int32_t
#include <string>       // the buffer of a tuple split across chunks, messages
#include <string_view>  // the signature
#include <vector>       // a tuple's cells

namespace typq::detail {

/// The 11 bytes a binary COPY stream starts with.
inline constexpr std::string_view copy_signature{"PGCOPY\n\xff\r\n\0", 11};

/// The header of a binary COPY stream typq writes: the signature, flags 0 (no OIDs), and a header
/// extension of 0 bytes.
inline constexpr std::string_view copy_header{"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0", 19};

/// The int16 -1 that ends a binary COPY stream's tuples.
inline constexpr std::string_view copy_trailer{"\xff\xff", 2};

/// One field of a tuple: its bytes, or NULL (`length` -1).
struct copy_cell {
    const char* data = nullptr;
    std::int32_t length = -1;
};

/// One tuple's cells as the row decoder reads them (engine::decode_cells).
struct copy_tuple {
    const copy_cell* cells;
    std::size_t row;  // 0-based, for messages
    [[nodiscard]] bool is_null(int column) const noexcept { return cells[column].length < 0; }
    [[nodiscard]] const char* data(int column) const noexcept { return cells[column].data; }
    [[nodiscard]] std::size_t size(int column) const noexcept { return static_cast<std::size_t>(cells[column].length); }
    [[nodiscard]] std::size_t index() const noexcept { return row; }
};

/// Splits a binary COPY stream into tuples, from chunks of any size as they arrive (the server
/// sends one row per CopyData message, but nothing here relies on it). A tuple that lies whole in
/// the chunk fed last is read in place; one split across chunks is first gathered in a buffer.
///
/// feed() a chunk, then next() until it returns false; the cells of the tuple next() read stay
/// valid until the next call of next() or feed(). finish() at the end of the stream.
/// @throws typq::conversion_error for anything that is not a well-formed binary COPY stream
///         of `columns` fields per tuple, saying what and at which byte of the stream.
class copy_binary_reader {
public:
    /// `columns`: the field count every tuple must have.
    explicit copy_binary_reader(std::size_t columns) : cells_(columns) {}

    /// Gives the reader the next `size` bytes of the stream, which must stay valid until next()
    /// has returned false (what it has not read by then, it keeps).
    TYPQ_DECL void feed(const char* data, std::size_t size);

    /// Reads the next whole tuple into cells(): false when the bytes fed so far hold none (or the
    /// stream's end: see ended()).
    TYPQ_DECL bool next();

    /// The fields of the tuple next() read last.
    [[nodiscard]] const copy_cell* cells() const noexcept { return cells_.data(); }
    [[nodiscard]] std::size_t columns() const noexcept { return cells_.size(); }

    /// The tuples read so far.
    [[nodiscard]] std::uint64_t tuples() const noexcept { return tuples_; }

    /// True once the trailer (field count -1) was read.
    [[nodiscard]] bool ended() const noexcept { return stage_ == stage::ended; }

    /// Checks, once the server says the stream is over, that it ended whole: a trailer, and no
    /// byte left over.
    TYPQ_DECL void finish() const;

private:
    enum class stage : unsigned char { header, tuples, ended };

    // Reads what it can from [data, data + size): how many bytes it used, or 0 when the bytes
    // there do not hold the next whole piece (header or tuple).
    TYPQ_DECL std::size_t read(const char* data, std::size_t size);
    [[noreturn]] TYPQ_DECL void malformed(const std::string& what, std::size_t offset) const;

    std::vector<copy_cell> cells_;
    std::string pending_;             // the start of a piece split across chunks
    std::size_t pending_used_ = 0;    // bytes of pending_ already read
    const char* chunk_ = nullptr;     // the chunk fed last, when it is read in place
    std::size_t chunk_size_ = 0;
    std::size_t chunk_used_ = 0;
    std::uint64_t consumed_ = 0;      // bytes of the stream read before the current piece
    std::uint64_t tuples_ = 0;
    stage stage_ = stage::header;
};

#if TYPQ_DEFINITIONS

TYPQ_DECL void copy_binary_reader::feed(const char* data, std::size_t size)
{
    chunk_ = nullptr;
    chunk_size_ = chunk_used_ = 0;
    if (stage_ == stage::ended && size > 0)
        malformed("data after the end of the tuples", consumed_);
    if (pending_used_ == pending_.size()) {
        pending_.clear();
        pending_used_ = 0;
        chunk_ = data;
        chunk_size_ = size;
        return;
    }
    // The start of a piece is waiting for its rest: keep only that start, so that the buffer
    // holds one piece, however long the stream.
    pending_.erase(0, pending_used_);
    pending_used_ = 0;
    pending_.append(data, size);
}

TYPQ_DECL bool copy_binary_reader::next()
{
    for (;;) {
        if (stage_ == stage::ended)
            return false;
        const stage before = stage_;
        std::size_t used = 0;
        if (pending_used_ < pending_.size()) {
            used = read(pending_.data() + pending_used_, pending_.size() - pending_used_);
            if (used == 0)
                return false;
            pending_used_ += used;
            if (pending_used_ == pending_.size() && before != stage::tuples) {
                pending_.clear();
                pending_used_ = 0;
            }
        }
        else {
            if (chunk_used_ == chunk_size_)
                return false;
            used = read(chunk_ + chunk_used_, chunk_size_ - chunk_used_);
            if (used == 0) {
                // The start of a piece whose rest is still to come: kept, for the chunk goes
                // away once next() has returned false.
                pending_.assign(chunk_ + chunk_used_, chunk_size_ - chunk_used_);
                pending_used_ = 0;
                chunk_used_ = chunk_size_;
                return false;
            }
            chunk_used_ += used;
        }
        consumed_ += used;
        if (before == stage::tuples && stage_ == stage::tuples)
            return true;
    }
}

TYPQ_DECL std::size_t copy_binary_reader::read(const char* data, std::size_t size)
{
    if (stage_ == stage::header) {
        if (size < copy_signature.size() + 8)
            return 0;
        if (std::string_view(data, copy_signature.size()) != copy_signature)
            malformed("the stream does not start with the binary COPY signature", 0);
        const auto flags = load_be<std::uint32_t>(data + 11);
        // Bit 16 says each tuple carries an OID; bits 17 to 31 are critical bits a reader must
        // refuse when it does not know them. Bits 0 to 15 may be ignored.
        if ((flags >> 16) != 0)
            malformed("the header's flags are " + std::to_string(flags) + " (tuples with OIDs, or unknown critical "
                    "flags)",
                11);
        const auto extension = load_be<std::int32_t>(data + 15);
        if (extension < 0)
            malformed("the header extension's length is " + std::to_string(extension), 15);
        const std::size_t whole = 19 + static_cast<std::size_t>(extension);
        if (size < whole)
            return 0;
        stage_ = stage::tuples;
        return whole;
    }
    if (size < 2)
        return 0;
    const auto count = load_be<std::int16_t>(data);
    if (count == -1) {
        stage_ = stage::ended;
        return 2;
    }
    if (count < 0 || static_cast<std::size_t>(count) != cells_.size())
        malformed("tuple " + std::to_string(tuples_ + 1) + " has " + std::to_string(count) + " fields, expected "
                + std::to_string(cells_.size()),
            0);
    std::size_t at = 2;
    for (copy_cell& cell : cells_) {
        if (size - at < 4)
            return 0;
        const auto length = load_be<std::int32_t>(data + at);
        if (length < -1)
            malformed("field " + std::to_string(&cell - cells_.data() + 1) + " of tuple " + std::to_string(tuples_ + 1)
                    + " has length " + std::to_string(length),
                at);
        at += 4;
        cell.length = length;
        cell.data = data + at;
        if (length < 0)
            continue;
        if (size - at < static_cast<std::size_t>(length))
            return 0;
        at += static_cast<std::size_t>(length);
    }
    ++tuples_;
    return at;
}

TYPQ_DECL void copy_binary_reader::finish() const
{
    const std::size_t left = (pending_.size() - pending_used_) + (chunk_size_ - chunk_used_);
    if (stage_ != stage::ended)
        malformed(left == 0 ? std::string("the stream ended without its trailer")
                            : "the stream ended in the middle of " + std::string(stage_ == stage::header ? "the header" : "a tuple")
                    + " (" + std::to_string(left) + " bytes left over)",
            0);
    if (left > 0)
        malformed(std::to_string(left) + " bytes after the end of the tuples", 0);
}

[[noreturn]] TYPQ_DECL void copy_binary_reader::malformed(const std::string& what, std::size_t offset) const
{
    throw conversion_error("malformed binary COPY data from the server at byte "
            + std::to_string(consumed_ + offset) + ": " + what,
        conversion_site{});
}

#endif  // TYPQ_DEFINITIONS

}  // namespace typq::detail

#endif  // TYPQ_DETAIL_COPY_BINARY_HPP
