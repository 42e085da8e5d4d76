// SPDX-License-Identifier: BSL-1.0
// typq/notification.hpp: typq::notification, one message sent with NOTIFY (or pg_notify) to a
// channel the connection listens on (conn.listen, conn.wait_notification).

#ifndef TYPQ_NOTIFICATION_HPP
#define TYPQ_NOTIFICATION_HPP

#include <string>  // channel and payload

namespace typq {

/// One notification, as the server delivered it to a listening connection.
struct notification {
    std::string channel;  ///< the channel's exact name (case kept, as listen() was given it)
    std::string payload;  ///< empty when none was sent
    int backend_pid = 0;  ///< the sending session's server process (connection::backend_pid())

    /// Equal when the channels, payloads and sending processes are.
    friend bool operator==(const notification&, const notification&) = default;
};

}  // namespace typq

#endif  // TYPQ_NOTIFICATION_HPP
