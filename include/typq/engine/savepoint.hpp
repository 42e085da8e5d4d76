// SPDX-License-Identifier: BSL-1.0
// typq/engine/savepoint.hpp: the savepoint an operation that can be abandoned half way runs under
// inside a transaction block (a stream, a COPY): abandoning it then undoes what it did without
// aborting the program's transaction. Outside a transaction block none is made: the statement is
// its own transaction there.

#ifndef TYPQ_ENGINE_SAVEPOINT_HPP
#define TYPQ_ENGINE_SAVEPOINT_HPP

#include <typq/engine/collect.hpp>
#include <typq/engine/io.hpp>
#include <typq/engine/session.hpp>

#include <libpq-fe.h>

namespace typq::engine {

/// The three commands of one savepoint's life.
struct savepoint_commands {
    const char* make;
    const char* release;
    const char* roll_back;  // rolls back to it and releases it
};

inline constexpr savepoint_commands stream_savepoint{"SAVEPOINT typq_stream", "RELEASE SAVEPOINT typq_stream",
    "ROLLBACK TO SAVEPOINT typq_stream; RELEASE SAVEPOINT typq_stream"};
inline constexpr savepoint_commands copy_savepoint{"SAVEPOINT typq_copy", "RELEASE SAVEPOINT typq_copy",
    "ROLLBACK TO SAVEPOINT typq_copy; RELEASE SAVEPOINT typq_copy"};

/// An operation's savepoint, as steps: each returns io::none when its command is done (`ready` is
/// then spent), else what to wait for. release() and roll_back() do nothing when none was made.
class savepoint_step {
public:
    explicit constexpr savepoint_step(const savepoint_commands& commands) noexcept : commands_(&commands) {}

    /// Makes the savepoint when the session is inside a transaction block.
    /// @throws the server's error for the command (the session is then in an aborted block).
    io make(session& s, io& ready)
    {
        if (!active_) {
            if (PQtransactionStatus(s.native()) != PQTRANS_INTRANS)
                return io::none;
            active_ = true;
        }
        return run(s, ready, commands_->make);
    }

    io release(session& s, io& ready) { return active_ ? run(s, ready, commands_->release) : io::none; }
    io roll_back(session& s, io& ready) { return active_ ? run(s, ready, commands_->roll_back) : io::none; }

    /// A savepoint was made (the operation runs inside a transaction block).
    [[nodiscard]] bool active() const noexcept { return active_; }

private:
    io run(session& s, io& ready, const char* command)
    {
        const io wanted = command_.step(s, ready, [&] { return PQsendQuery(s.native(), command); });
        if (wanted == io::none) {
            if (command != commands_->make)
                active_ = false;  // released or rolled back: gone, whatever the result says
            (void)command_.results().take(s.native());
        }
        return wanted;
    }

    const savepoint_commands* commands_;
    exchange command_;
    bool active_ = false;
};

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_SAVEPOINT_HPP
