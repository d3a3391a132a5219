// SPDX-License-Identifier: MIT
// Bodies of the management API's writes: a zone stream read and checked against the request.
#include "serve/push_body.hpp"

namespace endpointdns::serve {

namespace {

std::string label(const dns::Name& n) {
    return n.lowercased().to_text();
}

} // namespace

Result<PushBody> read_push_body(PushKind kind, std::string_view body, const dns::Name* path_zone) {
    if (body.empty()) {
        return fail("the request has no body; send a zone stream "
                    "(application/vnd.endpointdns.zone-stream)");
    }
    auto items = zone::read_stream(body);
    if (!items) {
        return fail("malformed zone stream: " + items.error());
    }
    if (items->empty()) {
        return fail("the zone stream holds no zone");
    }
    PushBody out;
    bool per_zone = kind == PushKind::put_zone || kind == PushKind::patch_zone;
    for (const auto& item : *items) {
        bool full = item.kind == zone::StreamItem::Kind::full;
        const dns::Name& o = full ? item.zone->origin() : item.delta.origin;
        if (per_zone && path_zone && o != *path_zone) {
            return fail("the stream holds zone " + label(o) + ", not " + label(*path_zone) +
                        " as the path says");
        }
        if (kind == PushKind::put_zone && !full) {
            return fail("PUT takes a full zone (AXFR stream); send deltas with PATCH");
        }
        if (kind == PushKind::patch_zone && full) {
            return fail("PATCH takes deltas (IXFR stream); send a full zone with PUT");
        }
        if (kind == PushKind::put_all && !full) {
            return fail("a full sync takes full zones only; " + label(o) + " is a delta");
        }
    }
    if (kind == PushKind::put_zone && items->size() != 1) {
        return fail("PUT takes exactly one zone; the stream holds " +
                    std::to_string(items->size()));
    }
    if (kind == PushKind::put_all) {
        for (size_t i = 0; i < items->size(); ++i) {
            for (size_t j = 0; j < i; ++j) {
                if ((*items)[i].zone->origin() == (*items)[j].zone->origin()) {
                    return fail("zone " + label((*items)[i].zone->origin()) + " appears twice");
                }
            }
        }
    }
    if (kind == PushKind::patch_zone) {
        // Several deltas in one body are one change: their steps are applied together or not
        // at all.
        out.delta = std::move((*items)[0].delta);
        for (size_t i = 1; i < items->size(); ++i) {
            for (auto& s : (*items)[i].delta.steps) {
                out.delta.steps.push_back(std::move(s));
            }
        }
        return out;
    }
    out.items = std::move(*items);
    return out;
}

} // namespace endpointdns::serve
