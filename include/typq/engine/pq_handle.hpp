// SPDX-License-Identifier: BSL-1.0
// typq/engine/pq_handle.hpp: ownership of libpq's PGconn, PGresult and PGcancel from their first
// line, so that a throw leaves nothing behind.

#ifndef TYPQ_ENGINE_PQ_HANDLE_HPP
#define TYPQ_ENGINE_PQ_HANDLE_HPP

#include <libpq-fe.h>

#include <memory>  // std::unique_ptr

namespace typq::engine {

struct pq_result_deleter {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using result_handle = std::unique_ptr<PGresult, pq_result_deleter>;

struct pq_conn_deleter {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
using conn_handle = std::unique_ptr<PGconn, pq_conn_deleter>;

struct pq_cancel_deleter {
    void operator()(PGcancel* cancel) const noexcept { PQfreeCancel(cancel); }
};
using cancel_handle = std::unique_ptr<PGcancel, pq_cancel_deleter>;

}  // namespace typq::engine

#endif  // TYPQ_ENGINE_PQ_HANDLE_HPP
