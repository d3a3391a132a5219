// SPDX-License-Identifier: MIT
// systemd readiness protocol (sd_notify): the one place that speaks to $NOTIFY_SOCKET.
#pragma once

#include "dns/result.hpp"

#include <string_view>

namespace endpointdns::notify {

// Sends `state` (newline-separated assignments such as "READY=1" or "STATUS=loaded 3 zones")
// to the service manager socket named by $NOTIFY_SOCKET: a filesystem path, or an abstract
// socket when it starts with '@'. True when sent; false when NOTIFY_SOCKET is unset or empty
// (not started by a service manager); an error value when the socket cannot be reached.
// Like sd_notify(3), it never throws: a daemon logs the failure and carries on.
Result<bool> send(std::string_view state);

// The same, with the socket given explicitly (tests; `socket` as in $NOTIFY_SOCKET).
Result<bool> send_to(std::string_view socket, std::string_view state);

} // namespace endpointdns::notify
