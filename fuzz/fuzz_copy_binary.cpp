// SPDX-License-Identifier: BSL-1.0
// fuzz/fuzz_copy_binary.cpp: the binary COPY stream reader (typq/detail/copy_binary.hpp), which
// splits what a COPY TO STDOUT sends into tuples before any decoder sees them. The first byte
// says how many fields a tuple has (0 to 15) and how the rest is cut into chunks; the stream is
// read whole and again in chunks, and both readings must find the same tuples, with every cell
// inside the bytes given. Refusing the bytes is allowed only as typq::conversion_error.

#include "fuzz.hpp"

#include <typq/detail/copy_binary.hpp>

#include <cstring>  // std::memcmp
#include <string>   // a reading's cells, to compare
#include <vector>   // chunks

namespace {

// Reads `stream` cut into chunks of `chunk` bytes (0: one chunk): the cells of every tuple,
// framed, or what stopped it.
std::string read(const char* stream, std::size_t size, std::size_t columns, std::size_t chunk, bool& refused)
{
    std::string seen;
    refused = false;
    typq::detail::copy_binary_reader reader(columns);
    // The reader may keep pointers into a chunk until next() returns false: each chunk is a copy
    // that lives until then, as libpq's buffer does.
    std::vector<char> held;
    try {
        for (std::size_t at = 0; at < size || (at == 0 && size == 0);) {
            const std::size_t take = chunk == 0 ? size - at : std::min(chunk, size - at);
            held.assign(stream + at, stream + at + take);
            reader.feed(held.data(), held.size());
            while (reader.next()) {
                TYPQ_FUZZ_CHECK(reader.columns() == columns);
                for (std::size_t c = 0; c < columns; ++c) {
                    const typq::detail::copy_cell& cell = reader.cells()[c];
                    if (cell.length < 0) {
                        seen += "N;";
                        continue;
                    }
                    seen += std::to_string(cell.length) + ":";
                    seen.append(cell.data, static_cast<std::size_t>(cell.length));
                    seen += ';';
                }
                seen += '|';
            }
            at += take;
            if (size == 0)
                break;
        }
        reader.finish();
        seen += reader.ended() ? "end" : "open";
        TYPQ_FUZZ_CHECK(reader.ended());
    }
    catch (const typq::conversion_error& e) {
        TYPQ_FUZZ_CHECK(std::strstr(e.what(), "malformed binary COPY data") != nullptr);
        refused = true;
    }
    return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::size_t columns = data[0] & 0x0F;
    const std::size_t chunk = 1 + (data[0] >> 4);  // 1 to 16 bytes
    const auto* stream = reinterpret_cast<const char*>(data + 1);
    bool whole_refused = false;
    bool cut_refused = false;
    const std::string whole = read(stream, size - 1, columns, 0, whole_refused);
    const std::string cut = read(stream, size - 1, columns, chunk, cut_refused);
    TYPQ_FUZZ_CHECK(whole_refused == cut_refused);
    if (!whole_refused)
        TYPQ_FUZZ_CHECK(whole == cut);
    return 0;
}
