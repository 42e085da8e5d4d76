// SPDX-License-Identifier: BSL-1.0
// typq/typq.hpp: the umbrella header; includes every public header of typq.

#ifndef TYPQ_TYPQ_HPP
#define TYPQ_TYPQ_HPP

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
