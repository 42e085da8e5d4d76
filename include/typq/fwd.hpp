// SPDX-License-Identifier: BSL-1.0
// typq/fwd.hpp: declarations only, for users' headers that name typq types without using them.

#ifndef TYPQ_FWD_HPP
#define TYPQ_FWD_HPP

namespace typq {

class connection;
class transaction;
template <class Row>
class result;
template <class T>
struct type;
template <class T>
struct by_position;
template <class T>
struct ignoring_extra;
class row;
class params;
class sql_fragment;
class error;

}  // namespace typq

#endif  // TYPQ_FWD_HPP
