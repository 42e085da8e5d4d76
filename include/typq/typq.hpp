// SPDX-License-Identifier: BSL-1.0
// typq/typq.hpp: the umbrella header; includes every public header of typq.

#ifndef TYPQ_TYPQ_HPP
#define TYPQ_TYPQ_HPP

/// @mainpage typq API reference
///
/// typq is a header-only C++20 PostgreSQL client on libpq: parameters and results travel in
/// PostgreSQL's binary format, aggregate structs become rows by field name, and SQL literals are
/// checked at compile time against the arguments given with them. This reference is generated
/// from the public headers' comments (`doxygen docs/Doxyfile`); the guides are README.md and the
/// pages under docs/, starting with docs/tutorial.md.
///
/// @par Where to start
/// - typq::connection: connecting, execute, query, query_one, query_opt, query_value, prepare,
///   stream, cursor, pipelines (typq::pipeline), COPY, LISTEN/NOTIFY; `#include <typq/typq.hpp>`.
/// - What rows become: a struct by field name, typq::by_position, typq::ignoring_extra, a
///   std::tuple, one column, or a typq::row; all of one statement in a typq::result.
/// - typq::transaction: BEGIN and COMMIT, savepoints when nested.
/// - typq::type: the adapter between a C++ type and a SQL type, specialised for every type typq
///   reads and sends; typq::type_as, typq::enum_type and typq::composite_type for your own types.
/// - SQL built at run time: typq::runtime, typq::format_sql, typq::identifier, typq::literal,
///   typq::params.
/// - Errors: typq::error and the classes under it; typq::server_error has a class per SQLSTATE
///   class and for the common conditions (typq::unique_violation is a
///   typq::integrity_constraint_violation), and typq::conversion_error, typq::connection_error
///   and typq::usage_error say what went wrong on the client's side.
/// - typq::pool; with `#include <typq/asio.hpp>`, typq::async_connection and typq::async_pool.
///
/// @par Threads
/// A typq::connection is used by one thread at a time: a statement started from a second thread
/// while one runs is refused with typq::usage_error, and only connection::cancel() (or a
/// typq::canceller) may be used from another thread meanwhile. A typq::pool is safe to use from
/// many threads; each connection it lends is used as any connection is. A typq::async_connection
/// is bound to the executor it connected with and runs one operation at a time; a
/// typq::async_pool may be used from the threads that run its io_context, and its background
/// work and connections run on the executor it was made with. Exceptions are cheap to copy and
/// share nothing mutable, so one may be handed to another thread.
///
/// @par Lifetimes
/// Values returned by query_one, query_opt and query_value own their data. A typq::result
/// decodes each row when it is read: fields of borrowing types (`std::string_view`,
/// `std::span<const std::byte>`) point into the result, and query_one and friends refuse them.
/// A typq::row owns a copy of its values. The current row of a typq::stream, typq::cursor or
/// typq::copy_reader is valid until the iteration moves on. Objects made from a connection
/// lent by a pool (transactions, streams, cursors, prepared statements) must not outlive the
/// lease: the next user has the connection by then.

/// @namespace typq
/// Everything typq offers. Names in its `detail` and `engine` namespaces are the implementation:
/// they change freely and are left out of this reference.

#include <typq/config.hpp>
#include <typq/version.hpp>
#include <typq/fwd.hpp>
#include <typq/oid.hpp>
#include <typq/error.hpp>
#include <typq/server_types.hpp>
#include <typq/type.hpp>
#include <typq/types/scalar.hpp>
#include <typq/types/text.hpp>
#include <typq/types/bytea.hpp>
#include <typq/types/optional.hpp>
#include <typq/types/numeric.hpp>
#include <typq/types/chrono.hpp>
#include <typq/types/array.hpp>
#include <typq/types/range.hpp>
#include <typq/types/uuid.hpp>
#include <typq/types/json.hpp>
#include <typq/types/network.hpp>
#include <typq/types/misc.hpp>
#include <typq/types/money.hpp>
#include <typq/types/bit.hpp>
#include <typq/types/enum.hpp>
#include <typq/types/composite.hpp>
#include <typq/types/hstore.hpp>
#include <typq/reflect.hpp>
#include <typq/sql.hpp>
#include <typq/params.hpp>
#include <typq/result.hpp>
#include <typq/row.hpp>
#include <typq/connection_options.hpp>
#include <typq/prepared.hpp>
#include <typq/stream.hpp>
#include <typq/cursor.hpp>
#include <typq/copy.hpp>
#include <typq/notification.hpp>
#include <typq/notice.hpp>
#include <typq/connection.hpp>
#include <typq/pipeline.hpp>
#include <typq/transaction.hpp>
#include <typq/large_object.hpp>
#include <typq/pool_options.hpp>
#include <typq/pool.hpp>

#endif  // TYPQ_TYPQ_HPP
