// SPDX-License-Identifier: BSL-1.0
// typq/engine/query.hpp: what the typed front ends (typq::connection, and later the asynchronous
// connection) give the one statement path: a binder made from a checked statement and its
// arguments, a planner made for a row type, and the rules that turn a statement's result into
// what query_one, query_opt and query_value return. Templates stay this thin; the rest is
// statement_op's.

#ifndef TYPQ_ENGINE_QUERY_HPP
#define TYPQ_ENGINE_QUERY_HPP

#include <typq/reflect.hpp>
#include <typq/result.hpp>
#include <typq/server_types.hpp>
#include <typq/sql.hpp>
#include <typq/type.hpp>
#include <typq/engine/bind.hpp>
#include <typq/engine/plan.hpp>
#include <typq/engine/session.hpp>
#include <typq/engine/statement.hpp>

#include <libpq-fe.h>

#include <cstddef>   // std::size_t
#include <memory>    // std::make_shared
#include <optional>  // query_opt
#include <utility>   // std::index_sequence

namespace typq::engine {

/// Whether binding values of these types may ask for types the server defines (an enum, a
/// composite, hstore, an array of one: their adapters declare lookup_oid, and are the only ones
/// that consult the server's types while encoding). When none may, binding is one pass.
template <class... Args>
consteval bool binds_server_types()
{
    if constexpr (detail::binds_by_name<Args...>) {
        using traits = detail::row_traits<Args...>;
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (looked_up<std::remove_cv_t<typename traits::template field_type<I>>> || ...);
        }(std::make_index_sequence<traits::size>{});
    }
    else
        return (looked_up<Args> || ...);
}

/// A callable that binds a statement's parameters, and whether it may need server types.
template <class F>
struct bound_arguments {
    F bind;
    bool needs_types;
    void operator()(bind_buffer& out, const server_types& types) const { bind(out, types); }
};

/// A binder that calls `bind` (a callable taking bind_buffer& and const server_types&, or a
/// bound_arguments), which must outlive it.
template <class Bind>
binder make_binder(const Bind& bind) noexcept
{
    bool needs_types = true;
    if constexpr (requires { bind.needs_types; })
        needs_types = bind.needs_types;
    return {&bind,
        [](const void* context, bind_buffer& out, const server_types& types) { (*static_cast<const Bind*>(context))(out, types); },
        needs_types};
}

/// Whether binding `args` may ask for types the server defines: known at compile time, except
/// for a typq::params, whose values say.
template <class... Args>
bool arguments_need_types(const Args&... args)
{
    if constexpr (basic_sql<std::remove_cvref_t<Args>...>::counted_at_run_time)
        return (args.needs_types(), ...);
    else {
        ((void)args, ...);
        return binds_server_types<std::remove_cvref_t<Args>...>();
    }
}

/// Binds `args` to `statement`: in order for $N, or a struct's fields for :name, or the values
/// of a typq::params (after checking that the statement's placeholders are `$1..$N` for its N
/// values; past the protocol's limit, check_message_sizes reports the count instead).
template <class... Args>
auto bind_arguments(const basic_sql<std::remove_cvref_t<Args>...>& statement, const Args&... args)
{
    auto bind = [&statement, &args...](bind_buffer& out, const server_types& types) {
        if constexpr (basic_sql<std::remove_cvref_t<Args>...>::counted_at_run_time) {
            const auto& values = (args, ...);
            if (values.size() <= max_parameters)
                statement.check_count(values.size());
            values.bind(out, types);
        }
        else if constexpr (basic_sql<std::remove_cvref_t<Args>...>::named) {
            using traits = detail::row_traits<std::remove_cvref_t<Args>...>;
            using row_type = typename traits::value_type;
            const auto& row = (args, ...);
            const std::size_t count = statement.parameter_count();
            out.start(count);
            for (std::size_t k = 0; k < count; ++k) {
                const std::size_t field = statement.parameter_field(k);
                [&]<std::size_t... I>(std::index_sequence<I...>) {
                    ((I == field ? out.set(k, traits::template field<I>(row), types, detail::field_name<row_type, I>)
                                 : void()),
                        ...);
                }(std::make_index_sequence<traits::size>{});
            }
        }
        else {
            (void)statement;  // positional: the statement says nothing more than the arguments do
            out.start(sizeof...(Args));
            std::size_t k = 0;
            (out.set(k++, args, types), ...);
        }
    };
    return bound_arguments<decltype(bind)>{bind, arguments_need_types(args...)};
}

/// Binds NULLs of the types a statement's parameters have (see bind_arguments).
template <class... Args>
auto bind_types(const basic_sql<Args...>& statement)
{
    return [&statement](bind_buffer& out, const server_types& types) {
        if constexpr (basic_sql<Args...>::named) {
            using traits = detail::row_traits<Args...>;
            const std::size_t count = statement.parameter_count();
            out.start(count);
            for (std::size_t k = 0; k < count; ++k) {
                const std::size_t field = statement.parameter_field(k);
                [&]<std::size_t... I>(std::index_sequence<I...>) {
                    ((I == field ? out.set_null<std::remove_cv_t<typename traits::template field_type<I>>>(k, types,
                                       detail::field_name<Args..., I>)
                                 : void()),
                        ...);
                }(std::make_index_sequence<traits::size>{});
            }
        }
        else {
            (void)statement;
            out.start(sizeof...(Args));
            std::size_t k = 0;
            (out.set_null<Args>(k++, types), ...);
        }
    };
}

/// Refuses a COPY ... FROM STDIN or TO STDOUT outside COPY's own API, before anything is sent.
[[noreturn]] TYPQ_DECL void throw_copy_refused();

#if TYPQ_DEFINITIONS
[[noreturn]] TYPQ_DECL void throw_copy_refused()
{
    throw usage_error("a COPY ... FROM STDIN or TO STDOUT statement needs COPY's own protocol and cannot run through "
                      "execute(), query(), stream(), a cursor or a pipeline: nothing was sent (use conn.copy_in() or "
                      "conn.copy_out())");
}
#endif  // TYPQ_DEFINITIONS

/// The request for `statement`: its text as sent (a named statement is rewritten with $N into
/// the session's buffer, which the caller's lease keeps to itself) and its binder.
template <class... Args>
statement_request make_request(session& s, const basic_sql<Args...>& statement, const binder& bind, format results)
{
    if (statement.copies_through_client())
        throw_copy_refused();
    statement_request request;
    if constexpr (basic_sql<Args...>::named) {
        s.text.clear();
        statement.write_positional(s.text, s.standard_strings());
        request.text = s.text.c_str();
        request.size = s.text.size();
    }
    else {
        request.text = statement.c_str();
        request.size = statement.text().size();
    }
    request.text_hash = statement.hash();
    request.source = statement.is_literal() ? statement.c_str() : nullptr;
    request.results = results;
    request.bind = bind;
    return request;
}

// An address unique to each row type and result format: the key of its plans in a prepared
// statement.
template <class Row, format Results>
inline constexpr char plan_key = 0;

/// Where a statement's column plan for `Row` is made.
template <class Row>
struct row_plan {
    column_plan<Row> plan;

    template <format Results>
    planner make_planner() noexcept
    {
        planner p;
        p.key = &plan_key<Row, Results>;
        p.plan = &plan;
        p.make = [](void* out, const PGresult* source, const plan_source& how, const server_types& types) {
            *static_cast<column_plan<Row>*>(out) = plan_columns<Row>(source, how, types);
        };
        p.share = [](const void* made) -> std::shared_ptr<const void> {
            return std::make_shared<const column_plan<Row>>(*static_cast<const column_plan<Row>*>(made));
        };
        p.assign = [](void* out, const void* shared) {
            *static_cast<column_plan<Row>*>(out) = *static_cast<const column_plan<Row>*>(shared);
        };
        return p;
    }
};

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_QUERY_HPP
