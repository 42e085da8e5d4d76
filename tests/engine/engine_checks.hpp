// SPDX-License-Identifier: BSL-1.0
// tests/engine/engine_checks.hpp: what the engine tests share: the server's own view of a
// session's prepared statements and cursors, read by scripts (execute() without arguments),
// which typq never prepares and never counts towards prepare_threshold, so that looking does not
// change what is looked at.

#ifndef TYPQ_TESTS_ENGINE_ENGINE_CHECKS_HPP
#define TYPQ_TESTS_ENGINE_ENGINE_CHECKS_HPP

#include "typq_test.hpp"

#include <cstdint>      // std::int32_t, std::uint64_t
#include <string>       // statements
#include <string_view>  // statement texts

namespace engine_test {

/// `text` as a dollar-quoted SQL literal (the texts the tests use hold no `$q$`).
inline std::string quoted(std::string_view text)
{
    return "$q$" + std::string(text) + "$q$";
}

/// How many prepared statements the server has for this session (pg_prepared_statements). A
/// script, so typq first deallocates what it has queued, when no transaction block is open.
inline std::uint64_t prepared_statements(typq::connection& conn)
{
    return conn.execute("SELECT FROM pg_prepared_statements");
}

/// How many prepared statements of this session have exactly `text`.
inline std::uint64_t prepared_statements(typq::connection& conn, std::string_view text)
{
    return conn.execute(typq::runtime("SELECT FROM pg_prepared_statements WHERE statement = " + quoted(text)));
}

/// How many prepared statements of this session are named `name`.
inline std::uint64_t prepared_statements_named(typq::connection& conn, std::string_view name)
{
    return conn.execute(typq::runtime("SELECT FROM pg_prepared_statements WHERE name = " + quoted(name)));
}

/// How many times the prepared statements with exactly `text` have run (planned: generic_plans
/// plus custom_plans), summed over them: one row per run.
inline std::uint64_t prepared_runs(typq::connection& conn, std::string_view text)
{
    return conn.execute(typq::runtime("SELECT FROM pg_prepared_statements, generate_series(1, generic_plans + "
                                      "custom_plans) WHERE statement = "
        + quoted(text)));
}

/// How many cursors are open in this session (pg_cursors).
inline std::uint64_t open_cursors(typq::connection& conn)
{
    return conn.execute("SELECT FROM pg_cursors");
}

/// Whether the cursor `name` is open in this session.
inline bool cursor_is_open(typq::connection& conn, std::string_view name)
{
    return conn.execute(typq::runtime("SELECT FROM pg_cursors WHERE name = " + quoted(name))) == 1;
}

/// The connection is open, outside a transaction block, and runs statements.
inline void check_idle_and_usable(typq::connection& conn)
{
    CHECK(conn.state() == typq::connection_state::open);
    CHECK(conn.transaction_status() == typq::transaction_status::idle);
    CHECK(conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41) == 42);
}

}  // namespace engine_test

#endif  // TYPQ_TESTS_ENGINE_ENGINE_CHECKS_HPP
