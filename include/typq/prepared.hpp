// SPDX-License-Identifier: BSL-1.0
// typq/prepared.hpp: typq::prepared<Args...>, a statement the program prepared on one connection
// with connection::prepare, run by passing it in place of the SQL.

#ifndef TYPQ_PREPARED_HPP
#define TYPQ_PREPARED_HPP

#include <typq/sql.hpp>
#include <typq/engine/statement.hpp>

#include <memory>  // std::shared_ptr
#include <string>  // the statement's text

namespace typq {

class connection;
namespace engine {
struct front;
}

/// A statement prepared on the server by `conn.prepare<Args...>(sql)`: the server has parsed it
/// and described its result once, and runs it with `Args` (converted from the arguments given)
/// without parsing or planning it again. Pass it in place of the SQL to execute, query,
/// query_one, query_opt and query_value of the connection that prepared it. A row type is
/// checked against the statement's columns on its first use with that row type, then never again.
///
/// Copies share the one server statement; it is deallocated when the last copy (and the last
/// result read through it) is gone. When DDL changes the statement's result columns, the
/// statement is prepared again: outside a transaction block the run that found out is retried
/// once, inside one its error (the server's) reaches the caller.
///
/// @par Example
/// ```
/// auto by_id = conn.prepare<std::int64_t>("SELECT id, name FROM users WHERE id = $1");
/// user u = conn.query_one<user>(by_id, 42);
/// ```
template <class... Args>
class prepared {
public:
    /// The statement as the server has it (named placeholders rewritten as $N).
    [[nodiscard]] const std::string& text() const noexcept { return slot_->text; }
    /// The name the server knows it by, or empty while it is not prepared (after invalidation).
    [[nodiscard]] std::string name() const { return slot_->statement ? slot_->statement->name : std::string(); }

private:
    friend class connection;
    friend struct engine::front;
    prepared(const basic_sql<Args...>& statement, std::shared_ptr<engine::prepared_slot> slot)
        : statement_(statement), slot_(std::move(slot))
    {
    }

    // The checked statement, for its named parameters' fields; its text is not read again (it
    // may have pointed into a typq::runtime string that is gone): slot_ has the text.
    basic_sql<Args...> statement_;
    std::shared_ptr<engine::prepared_slot> slot_;
};

}  // namespace typq

#endif  // TYPQ_PREPARED_HPP
