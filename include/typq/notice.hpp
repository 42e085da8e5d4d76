// SPDX-License-Identifier: BSL-1.0
// typq/notice.hpp: typq::notice, a message the server sends beside a statement's result (NOTICE,
// WARNING, INFO, DEBUG, LOG), as a connection's notice handler receives it (conn.on_notice).

#ifndef TYPQ_NOTICE_HPP
#define TYPQ_NOTICE_HPP

#include <functional>  // notice_handler
#include <string>      // the fields

namespace typq {

/// A notice from the server: `RAISE NOTICE` in PL/pgSQL, "table does not exist, skipping" from
/// `DROP TABLE IF EXISTS`, a WARNING such as "there is no transaction in progress". Absent fields
/// are empty. Also what libpq itself reports as a notice (its own messages have no SQLSTATE).
struct notice {
    std::string severity;  ///< NOTICE, WARNING, INFO, DEBUG, LOG (never localised); FATAL when
                           ///< the server closes the connection while nothing runs
    std::string sqlstate;  ///< 00000 for a plain RAISE NOTICE, 01xxx for warnings
    std::string message;   ///< the primary message
    std::string detail;    ///< DETAIL, if the server sent one
    std::string hint;      ///< HINT, if the server sent one
};

/// What conn.on_notice() takes. It runs in the thread that runs the statement, inside libpq,
/// while the connection is busy with that statement.
using notice_handler = std::function<void(const notice&)>;

}  // namespace typq

#endif  // TYPQ_NOTICE_HPP
