// SPDX-License-Identifier: MIT
// Deltas between zone versions: compute the IXFR step from one zone to another, apply a delta.
#pragma once

#include "zone/stream.hpp"

namespace endpointdns::zone {

// The one-step delta that turns `from` into `to` (both normalized, same origin, with SOAs).
// A record whose TTL changed is removed and added again. Identical zones give a delta without
// steps. Throws Error(ex_dataerr) when either zone lacks an SOA, the origins differ, or the
// zones differ but their serials do not (an IXFR step must change the serial).
Delta diff_zones(const Zone& from, const Zone& to);

// Applies every step of `delta` to `zone` and returns the new normalized zone. Fails, without
// touching `zone`, when the delta does not start at the zone's serial, when it removes a record
// the zone does not have, or when a step's SOA does not follow from the previous one.
Result<Zone> apply_delta(const Zone& zone, const Delta& delta);

} // namespace endpointdns::zone
