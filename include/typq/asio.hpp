// SPDX-License-Identifier: BSL-1.0
// typq/asio.hpp: typq on Boost.Asio (C++20 coroutines): typq::async_connection and
// typq::async_transaction, typq::async_pool, with everything of <typq/typq.hpp>. The synchronous headers never
// include this one: a program that does not want Asio never compiles it.

#ifndef TYPQ_ASIO_HPP
#define TYPQ_ASIO_HPP

#include <typq/typq.hpp>
#include <typq/asio/copy.hpp>
#include <typq/asio/cursor.hpp>
#include <typq/asio/driver.hpp>
#include <typq/asio/pipeline.hpp>
#include <typq/asio/state.hpp>
#include <typq/asio/stream.hpp>
#include <typq/asio/transaction.hpp>
#include <typq/asio/within.hpp>
#include <typq/asio/connection.hpp>
#include <typq/asio/pool.hpp>

#endif  // TYPQ_ASIO_HPP
