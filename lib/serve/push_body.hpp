// SPDX-License-Identifier: MIT
// Bodies of the management API's writes: a zone stream read and checked against the request.
#pragma once

#include "dns/name.hpp"
#include "dns/result.hpp"
#include "zone/stream.hpp"

#include <string_view>
#include <vector>

namespace endpointdns::serve {

// What a write request carries, once its body is read (docs/management-api.md).
enum class PushKind {
    put_zone,   // PUT /v1/zones/{zone}: exactly one full zone, that zone
    patch_zone, // PATCH /v1/zones/{zone}: deltas of that zone, applied as one change
    post_zones, // POST /v1/zones: zones and deltas, each on its own
    put_all,    // PUT /v1/zones: the complete zone set, full zones only
};

struct PushBody {
    std::vector<zone::StreamItem> items; // put_zone: one zone; post/put_all: in stream order
    zone::Delta delta;                   // patch_zone: every step of every delta, in order
};

// Reads `body` for a request of `kind` (`path_zone` is the zone named by the path, for the
// per-zone kinds). Every rule that does not need the current zones is checked here, so an
// error value means 400 with that message and nothing applied.
Result<PushBody> read_push_body(PushKind kind, std::string_view body,
                                const dns::Name* path_zone = nullptr);

} // namespace endpointdns::serve
