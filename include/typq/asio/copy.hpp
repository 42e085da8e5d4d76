// SPDX-License-Identifier: BSL-1.0
// typq/asio/copy.hpp: COPY on a typq::async_connection. typq::async_copy_writer<Row> and
// typq::async_copy_reader<Row> (binary COPY of structs), typq::async_raw_copy_writer and
// typq::async_raw_copy_reader (the bytes of any COPY). The engine's copy_op (the one typq's
// synchronous COPY steps with poll()), stepped by the asynchronous driver; the requests, the
// binary framing, the column plans, the encoding and decoding of rows are typq/copy.hpp's.

#ifndef TYPQ_ASIO_COPY_HPP
#define TYPQ_ASIO_COPY_HPP

#include <typq/copy.hpp>
#include <typq/error.hpp>
#include <typq/reflect.hpp>
#include <typq/asio/driver.hpp>
#include <typq/asio/state.hpp>
#include <typq/engine/copy.hpp>
#include <typq/engine/session.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <exception>    // std::exception_ptr
#include <memory>       // std::shared_ptr, std::unique_ptr
#include <optional>     // the lease; a raw chunk
#include <ranges>       // write(range)
#include <string_view>  // raw data
#include <utility>      // std::move

namespace typq {

class async_connection;

namespace detail {

// A COPY its writer or reader let go before its end: aborted (FROM STDIN: nothing lands) or
// cancelled and its rest dropped (TO STDOUT), its savepoint rolled back, by the connection's next
// operation.
class copy_leftover final : public engine::leftover {
public:
    copy_leftover(std::unique_ptr<engine::copy_op> op, bool cancels) noexcept : op_(std::move(op)), cancels_(cancels) {}
    engine::io step(engine::io ready) override { return op_->step(ready); }
    [[nodiscard]] bool cancels() const noexcept override { return cancels_; }

private:
    std::unique_ptr<engine::copy_op> op_;
    bool cancels_;
};

// One COPY on an async_connection: its operation, and the lease held until it ends. Let go before
// its end, it leaves the operation to the connection's next operation (a destructor cannot wait).
class async_copy_channel {
public:
    async_copy_channel(std::shared_ptr<async_state> conn, engine::copy_direction direction, const char* holder)
        : conn_(std::move(conn)), direction_(direction)
    {
        hold_.emplace(*conn_->session, holder);
    }
    async_copy_channel(const async_copy_channel&) = delete;
    async_copy_channel& operator=(const async_copy_channel&) = delete;
    ~async_copy_channel()
    {
        if (!op_ || !hold_ || op_->finished())
            return;
        const bool in = direction_ == engine::copy_direction::in;
        if (in)
            op_->abort("typq: the COPY was aborted by the client (a typq::async_copy_writer destroyed without finish())");
        else
            op_->abandon(false);  // the cancel request is sent by whoever finishes it
        conn_->session->leftovers = std::make_unique<copy_leftover>(std::move(op_), !in);
        hold_.reset();
    }

    // What every operation does first, under the lease; then the COPY starts: a FROM STDIN to the
    // point where the server takes data, a TO STDOUT up to its first chunk.
    boost::asio::awaitable<void> start(engine::copy_request request)
    {
        if (unsettled(*conn_->session))
            co_await async_settle(*conn_);
        op_ = std::make_unique<engine::copy_op>(*conn_->session, std::move(request));
        co_await run();
    }

    // Steps the operation until it waits for the program; the lease goes when it has ended.
    boost::asio::awaitable<void> run()
    {
        std::exception_ptr failed;
        try {
            co_await engine::async_run(*conn_->session, conn_->waiter, *op_);
        }
        catch (...) {
            failed = std::current_exception();
        }
        if (failed) {
            if (op_->finished())
                hold_.reset();
            std::rethrow_exception(failed);
        }
    }

    // The COPY has ended: the connection is free again.
    void ended()
    {
        hold_.reset();
        conn_->session->rethrow_notice_failure();
    }

    [[nodiscard]] bool open() const noexcept { return op_ && hold_; }
    /// The rows the server says it copied, once the COPY has ended.
    [[nodiscard]] std::uint64_t rows() const noexcept { return op_ ? op_->rows() : 0; }
    [[nodiscard]] engine::copy_op& op() noexcept { return *op_; }
    [[nodiscard]] const engine::session& session() const noexcept { return *conn_->session; }

private:
    std::shared_ptr<async_state> conn_;
    std::optional<engine::lease> hold_;
    std::unique_ptr<engine::copy_op> op_;
    engine::copy_direction direction_;
};

// COPY FROM STDIN's client side on an async_connection, for typed and raw writers: as copy_sink,
// awaited.
class async_copy_sink : public copy_data, public async_copy_channel {
public:
    async_copy_sink(std::shared_ptr<async_state> conn, const char* holder)
        : async_copy_channel(std::move(conn), engine::copy_direction::in, holder)
    {
    }

    // Sends the buffer when it holds a chunk's worth.
    boost::asio::awaitable<void> send_if_full()
    {
        if (full()) [[unlikely]]
            co_await send();
    }

    // Sends the buffer now.
    boost::asio::awaitable<void> send()
    {
        check_open();
        if (written == 0)
            co_return;
        op().put(buffer.data(), written);
        co_await run();
        written = 0;
        if (!op().accepting()) {
            // The server ended the COPY early (its results say why): end it, and throw its error.
            (void)co_await finish();
            throw usage_error("the server ended the COPY before its end");
        }
    }

    // Sends the rest, ends the COPY, and returns the server's row count.
    boost::asio::awaitable<std::uint64_t> finish()
    {
        check_open();
        if (written != 0 && op().accepting()) {
            op().put(buffer.data(), written);
            co_await run();
        }
        written = 0;
        if (op().accepting())
            op().end();
        co_await run();
        ended();
        co_return op().rows();
    }

    void check_open() const
    {
        if (!open())
            throw usage_error("this COPY has ended (or was moved from): start another COPY");
    }
};

// COPY TO STDOUT's client side on an async_connection, for typed and raw readers: as copy_source,
// awaited.
class async_copy_source : public async_copy_channel {
public:
    async_copy_source(std::shared_ptr<async_state> conn, const char* holder)
        : async_copy_channel(std::move(conn), engine::copy_direction::out, holder)
    {
    }

    // Starts the COPY and reads its first chunk, as copy_reader does: a query whose columns do not
    // fit, or that fails at once, throws here.
    boost::asio::awaitable<void> start(engine::copy_request request)
    {
        co_await async_copy_channel::start(std::move(request));
        first_ = true;
    }

    // The next chunk (valid until the next call), or an empty optional at the end (the COPY has
    // then ended, and the connection is free).
    boost::asio::awaitable<std::optional<std::string_view>> next()
    {
        if (!open())
            co_return std::nullopt;
        if (first_)
            first_ = false;  // start() read it
        else
            co_await run();
        if (op().chunk())
            co_return std::string_view(op().chunk(), op().chunk_size());
        ended();
        co_return std::nullopt;
    }

private:
    bool first_ = false;  // the chunk start() read is next() to hand out
};

}  // namespace detail

/// typq::copy_writer for a typq::async_connection, from `co_await conn.copy_in<Row>(table)`:
/// `co_await w.write(row)` (sent once a chunk's worth of rows is buffered), then
/// `co_await w.finish()`. The same checks and the same binary encoding as copy_writer's.
///
/// Destroyed without finish() (an exception, its coroutine destroyed), the COPY is aborted by the
/// connection's next operation (a destructor cannot wait): no row of it lands, and inside a
/// transaction block only its savepoint is rolled back.
template <class Row>
class async_copy_writer {
    using traits = detail::row_traits<Row>;

public:
    /// What a row is: `Row` itself, or T for `typq::by_position<T>` (as typq::result's).
    using value_type = typename traits::value_type;

    /// Takes over `other`'s COPY; `other`'s write() and finish() then throw typq::usage_error.
    async_copy_writer(async_copy_writer&&) noexcept = default;
    async_copy_writer& operator=(async_copy_writer&&) = delete;
    async_copy_writer(const async_copy_writer&) = delete;
    async_copy_writer& operator=(const async_copy_writer&) = delete;
    ~async_copy_writer() = default;

    /// Writes one row: encoded at once (the row is not needed after the call), sent when the
    /// awaitable runs if a chunk's worth is buffered.
    /// @throws as copy_writer::write(), when awaited: a row that cannot be encoded is not written,
    ///         and the COPY goes on.
    boost::asio::awaitable<void> write(const value_type& row)
    {
        try {
            check_open();
            state_->encode.append(state_->sink, row);
        }
        catch (...) {
            return detail::rethrown(std::current_exception());
        }
        return state_->sink.send_if_full();
    }

    /// Writes every row of `rows`, in order. `rows` must stay alive until the awaitable has run.
    template <std::ranges::input_range Rows>
        requires std::convertible_to<std::ranges::range_reference_t<const Rows&>, const value_type&>
    boost::asio::awaitable<void> write(const Rows& rows)
    {
        check_open();
        for (const value_type& row : rows) {
            state_->encode.append(state_->sink, row);
            if (state_->sink.full()) [[unlikely]]
                co_await state_->sink.send();
        }
    }

    /// Ends the COPY: returns the rows the server copied. @throws as copy_writer::finish().
    boost::asio::awaitable<std::uint64_t> finish()
    {
        check_open();
        detail::copy_encoder<Row>::end(state_->sink);
        co_return co_await state_->sink.finish();
    }

    /// The rows written so far.
    [[nodiscard]] std::uint64_t written() const noexcept { return state_ ? state_->encode.rows : 0; }

private:
    friend class async_connection;

    // What a writer holds, at a fixed address: the operation points into it.
    struct state {
        explicit state(std::shared_ptr<detail::async_state> conn) : sink(std::move(conn), "a typq::async_copy_writer") {}
        detail::copy_encoder<Row> encode;  // its plan is filled while the COPY starts
        detail::async_copy_sink sink;
    };

    explicit async_copy_writer(std::shared_ptr<detail::async_state> conn)
        : state_(std::make_unique<state>(std::move(conn)))
    {
    }

    // Starts `request` (describing the table with this writer's planner) and the binary stream.
    boost::asio::awaitable<void> start(engine::copy_request request)
    {
        request.plan = state_->encode.plan.make();
        co_await state_->sink.start(std::move(request));
        state_->encode.started(state_->sink.session(), state_->sink);
    }

    void check_open() const
    {
        if (!state_ || !state_->sink.open())
            throw usage_error("this typq::async_copy_writer has finished (or was moved from): start another COPY");
    }

    std::unique_ptr<state> state_;
};

/// typq::copy_reader for a typq::async_connection, from `co_await conn.copy_out<Row>(query)`:
/// `while (const Row* r = co_await reader.next())`, each row valid until the next call, decoded
/// as copy_reader's are, in constant memory. Destroyed before its end, the COPY is cancelled and
/// its rest dropped by the connection's next operation (inside a transaction block, its savepoint
/// rolled back).
template <class Row>
class async_copy_reader {
    using traits = detail::row_traits<Row>;

public:
    /// What a row is: `Row` itself, or T for `typq::by_position<T>` (as typq::result's).
    using value_type = typename traits::value_type;

    /// Takes over `other`'s COPY; `other` is left empty (its next() gives null).
    async_copy_reader(async_copy_reader&&) noexcept = default;
    async_copy_reader& operator=(async_copy_reader&&) = delete;
    async_copy_reader(const async_copy_reader&) = delete;
    async_copy_reader& operator=(const async_copy_reader&) = delete;
    ~async_copy_reader() = default;

    /// The next row, or null at the end (the connection is then free again).
    /// @throws the COPY's error from the server; typq::conversion_error for a value that does not
    ///         fit its field.
    boost::asio::awaitable<const value_type*> next()
    {
        if (!state_)
            co_return nullptr;
        state& s = *state_;
        while (!s.decode.next(s.source.session(), s.current)) {
            const std::optional<std::string_view> chunk = co_await s.source.next();
            if (!chunk) {
                if (!s.ended) {
                    s.ended = true;
                    s.decode.end();
                }
                co_return nullptr;
            }
            s.decode.feed(chunk->data(), chunk->size());
        }
        co_return &s.current;
    }

    /// The rows the server says it copied, once the end is reached.
    [[nodiscard]] std::uint64_t rows() const noexcept { return state_ ? state_->source.rows() : 0; }

private:
    friend class async_connection;

    struct state {
        explicit state(std::shared_ptr<detail::async_state> conn) : source(std::move(conn), "a typq::async_copy_reader") {}
        detail::copy_decoder<Row> decode;  // its plan is made when the query is described
        detail::async_copy_source source;
        value_type current{};
        bool ended = false;
    };

    explicit async_copy_reader(std::shared_ptr<detail::async_state> conn) : state_(std::make_unique<state>(std::move(conn))) {}

    boost::asio::awaitable<void> start(engine::copy_request request)
    {
        request.plan = state_->decode.plan.template make_planner<format::binary>();
        co_await state_->source.start(std::move(request));
    }

    std::unique_ptr<state> state_;
};

/// typq::raw_copy_writer for a typq::async_connection, from `co_await conn.copy_in(sql)`: the bytes
/// of any COPY ... FROM STDIN (csv, text), written in pieces of any size; aborted when destroyed
/// without finish(), as async_copy_writer is. The data must stay alive until write() has been
/// awaited.
class async_raw_copy_writer {
public:
    /// Takes over `other`'s COPY; `other`'s write() and finish() then throw typq::usage_error.
    async_raw_copy_writer(async_raw_copy_writer&&) noexcept = default;
    async_raw_copy_writer& operator=(async_raw_copy_writer&&) = delete;
    async_raw_copy_writer(const async_raw_copy_writer&) = delete;
    async_raw_copy_writer& operator=(const async_raw_copy_writer&) = delete;
    ~async_raw_copy_writer() = default;

    /// Writes `data`, which must stay alive until the awaitable has run.
    /// @throws as raw_copy_writer::write().
    boost::asio::awaitable<void> write(std::string_view data)
    {
        check_open();
        while (!data.empty()) {
            data = sink_->take(data);
            if (sink_->full())
                co_await sink_->send();
        }
    }

    /// Ends the COPY: returns the rows the server copied. @throws as raw_copy_writer::finish().
    boost::asio::awaitable<std::uint64_t> finish()
    {
        check_open();
        co_return co_await sink_->finish();
    }

private:
    friend class async_connection;
    explicit async_raw_copy_writer(std::shared_ptr<detail::async_state> conn)
        : sink_(std::make_unique<detail::async_copy_sink>(std::move(conn), "a typq::async_raw_copy_writer"))
    {
    }
    boost::asio::awaitable<void> start(engine::copy_request request) { return sink_->start(std::move(request)); }
    void check_open() const
    {
        if (!sink_ || !sink_->open())
            throw usage_error("this typq::async_raw_copy_writer has finished (or was moved from): start another COPY");
    }
    std::unique_ptr<detail::async_copy_sink> sink_;
};

/// typq::raw_copy_reader for a typq::async_connection, from `co_await conn.copy_out(sql)`:
/// `while (auto chunk = co_await reader.next())`, each chunk (in text and csv formats one line)
/// valid until the next call. Destroyed before its end, the COPY is cancelled and the rest dropped
/// by the connection's next operation.
class async_raw_copy_reader {
public:
    /// Takes over `other`'s COPY; `other` is left empty (its next() gives an empty optional).
    async_raw_copy_reader(async_raw_copy_reader&&) noexcept = default;
    async_raw_copy_reader& operator=(async_raw_copy_reader&&) = delete;
    async_raw_copy_reader(const async_raw_copy_reader&) = delete;
    async_raw_copy_reader& operator=(const async_raw_copy_reader&) = delete;
    ~async_raw_copy_reader() = default;

    /// The next chunk, or an empty optional at the end (the connection is then free again).
    /// @throws the COPY's error from the server.
    boost::asio::awaitable<std::optional<std::string_view>> next()
    {
        if (!source_)
            co_return std::nullopt;
        co_return co_await source_->next();
    }

    /// The rows the server says it copied, once the end is reached.
    [[nodiscard]] std::uint64_t rows() const noexcept { return source_ ? source_->rows() : 0; }

private:
    friend class async_connection;
    explicit async_raw_copy_reader(std::shared_ptr<detail::async_state> conn)
        : source_(std::make_unique<detail::async_copy_source>(std::move(conn), "a typq::async_raw_copy_reader"))
    {
    }
    boost::asio::awaitable<void> start(engine::copy_request request) { return source_->start(std::move(request)); }
    std::unique_ptr<detail::async_copy_source> source_;
};

}  // namespace typq

#endif  // TYPQ_ASIO_COPY_HPP
