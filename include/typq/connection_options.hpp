// SPDX-License-Identifier: BSL-1.0
// typq/connection_options.hpp: typq::connection_options, what a connection does beyond what its
// conninfo string says, given with designated initializers.

#ifndef TYPQ_CONNECTION_OPTIONS_HPP
#define TYPQ_CONNECTION_OPTIONS_HPP

#include <cstddef>   // std::size_t
#include <optional>  // prepare_threshold

namespace typq {

/// How a connection treats the statements it runs, as psycopg's connection does:
/// `typq::connection conn{"postgresql:///app", {.prepare_threshold = 0, .statement_cache_size = 64}};`
struct connection_options {
    /// How many times a statement runs unprepared before typq prepares it on the server (a SQL
    /// text with the same parameter types; the run after that many is prepared, and later runs
    /// skip the server's parse and plan). 0 prepares every statement when it first runs;
    /// std::nullopt never prepares one automatically, which is what a PgBouncer in transaction
    /// mode needs (a prepared statement lives in one server session). Scripts (execute() without
    /// arguments) are never prepared.
    std::optional<std::size_t> prepare_threshold = 5;

    /// How many automatically prepared statements a connection keeps; the least recently used
    /// is deallocated on the server when another needs its place. As many statement texts are
    /// counted towards prepare_threshold.
    std::size_t statement_cache_size = 128;
};

}  // namespace typq

#endif  // TYPQ_CONNECTION_OPTIONS_HPP
