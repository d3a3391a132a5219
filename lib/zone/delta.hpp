// SPDX-License-Identifier: MIT
// Deltas between zone versions: compute the IXFR step from one zone to another, apply a delta.
#pragma once

#include "zone/stream.hpp"

namespace endpointdns::zone {

// The one-step delta that turns `from` into `to` (both normalized, same origin, with SOAs).
// A record whose TTL changed is removed and added again. Identical zones give a delta without
// steps. Throws Error(ex_dataerr) when either zone lacks an SOA, the origins differ, or the
// zones differ but the serial of `to` is not later than that of `from` (RFC 1982; an IXFR step
// must move the serial forward).
Delta diff_zones(const Zone& from, const Zone& to);

// Applies every step of `delta` to `zone` and returns the new normalized zone. Fails, without
// touching `zone`, when the delta does not start at the zone's serial, when it removes a record
// the zone does not have, when a step's SOA does not follow from the previous one, or when a
// step does not move the serial forward (RFC 1982).
Result<Zone> apply_delta(const Zone& zone, const Delta& delta);

} // namespace endpointdns::zone
