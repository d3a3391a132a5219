// SPDX-License-Identifier: MIT
// The signal handling every daemon shares: TERM/INT stop it, HUP re-reads its secrets.
#pragma once

#include <functional>

namespace endpointdns::util {

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (call it before starting any thread,
// so that every thread inherits the mask and only wait_for_stop receives them) and ignores
// SIGPIPE (a peer that goes away must not kill the process).
void block_daemon_signals();

// Waits for SIGTERM or SIGINT, calling on_hup for each SIGHUP meanwhile; logs the stop and
// tells the service manager STOPPING=1 before returning.
void wait_for_stop(const std::function<void()>& on_hup);

} // namespace endpointdns::util
