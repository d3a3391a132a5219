// SPDX-License-Identifier: MIT
// dns-serve --query: one answer from the persisted zones, printed as dig prints it.
#pragma once

#include "zone/check.hpp"

#include <string>

namespace endpointdns::serve {

// Loads the zones of state_dir read-only, answers NAME TYPE with the same engine the server
// uses (as over TCP, or over UDP with 512 octets when `udp`), prints the response in dig's
// format on stdout. Returns the exit status: 0 answered (any rcode), 64 bad NAME or TYPE.
int run_query(const std::string& state_dir, const std::string& name, const std::string& type,
              bool udp, const zone::Limits& limits);

} // namespace endpointdns::serve
