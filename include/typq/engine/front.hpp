// SPDX-License-Identifier: BSL-1.0
// typq/engine/front.hpp: what both connections do to turn a call into a statement_request:
// binding the arguments of a checked statement or of a typq::prepared, the request for either, and
// the request that prepares one. typq::connection (which waits with poll()) and
// typq::async_connection (which waits with Asio) differ only in how they run the request.

#ifndef TYPQ_ENGINE_FRONT_HPP
#define TYPQ_ENGINE_FRONT_HPP

#include <typq/error.hpp>
#include <typq/prepared.hpp>
#include <typq/sql.hpp>
#include <typq/engine/query.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/statement.hpp>

#include <memory>   // std::shared_ptr
#include <utility>  // std::move

namespace typq::detail {
template <class Statement>
inline constexpr bool is_prepared = false;
template <class... P>
inline constexpr bool is_prepared<prepared<P...>> = true;
}  // namespace typq::detail

namespace typq::engine {

struct front {
    /// The binding of `args` to `statement` (a checked statement, or a typq::prepared's). It refers
    /// to both: keep them, and it, until the statement has run.
    template <class Statement, class... Args>
    static auto binding(const Statement& statement, const Args&... args)
    {
        if constexpr (detail::is_prepared<Statement>)
            return bind_arguments(statement.statement_, args...);
        else
            return bind_arguments(statement, args...);
    }

    /// The request for a checked statement on `s`.
    template <class... Args>
    static statement_request request(const std::shared_ptr<session>& s, const basic_sql<Args...>& statement,
        const binder& bind, format results)
    {
        return make_request(*s, statement, bind, results);
    }

    /// The request for a statement the program prepared on `s`.
    /// @throws typq::usage_error when another connection prepared it.
    template <class... P>
    static statement_request request(const std::shared_ptr<session>& s, const prepared<P...>& statement,
        const binder& bind, format results)
    {
        if (statement.slot_->owner.lock() != s)
            throw usage_error("a typq::prepared statement runs only on the connection that prepared it");
        statement_request request;
        request.text = statement.slot_->text.c_str();
        request.size = statement.slot_->text.size();
        request.prepared = statement.slot_.get();
        request.bind = bind;
        request.results = results;
        return request;
    }

    /// The request that prepares `statement` on `s` into `slot` (made here), with `bind` (from
    /// bind_types(statement)) for its parameters' types; once it has run, prepared() makes the
    /// program's handle.
    template <class... Args>
    static statement_request preparing(const std::shared_ptr<session>& s, const basic_sql<Args...>& statement,
        const binder& bind, std::shared_ptr<prepared_slot>& slot)
    {
        slot = std::make_shared<prepared_slot>();
        statement_request request = make_request(*s, statement, bind, format::binary);
        slot->text.assign(request.text, request.size);
        slot->owner = s;
        request.prepared = slot.get();
        request.prepare_only = true;
        return request;
    }

    template <class... Args>
    static prepared<Args...> made(const basic_sql<Args...>& statement, std::shared_ptr<prepared_slot> slot)
    {
        return prepared<Args...>(statement, std::move(slot));
    }
};

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_FRONT_HPP
