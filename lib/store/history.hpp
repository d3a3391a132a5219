// SPDX-License-Identifier: MIT
// Zone history from the change journal: the versions of a zone, the records a change moved, and
// the zone as of a version (the current RRsets with the later changes undone).
#pragma once

#include "dns/result.hpp"
#include "store/zones.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace endpointdns::store {

// One record of a journal column.
struct JournalRr {
    std::string owner; // uncompressed wire form, as stored
    uint16_t type = 0;
    uint16_t cls = 0;
    uint32_t ttl = 0;
    std::string rdata;
};

// Splits a journal column (changes.removed or changes.added: uncompressed wire RRs, owner, type,
// class, TTL, RDLENGTH, RDATA, one after another) into its records. Fails, naming the octet,
// when a record is cut short, an owner name is malformed or compressed, or bytes are left over.
// The RDATA is not checked against its type.
Result<std::vector<JournalRr>> parse_journal_rrs(std::string_view column);

// The API's owner name of a wire name: lowercase presentation form without the trailing dot
// (as zone::resolve_owner gives it and the rrsets table holds it). The wire name is valid.
std::string owner_text(std::string_view wire);

// One row of the change journal: a version of a zone (serial_to) and how it was made.
struct Change {
    uint64_t id = 0;
    std::string kind; // "create", "update" or "delete"
    uint32_t serial_from = 0, serial_to = 0;
    std::string removed, added; // journal columns (empty when read without data)
    std::string actor;          // the key's prefix, or "admin"
    std::string remote, summary;
    std::string created_at; // RFC 3339 UTC with milliseconds
    uint64_t domain_id = 0, account_id = 0;
    std::string zone;
};

// A zone's RRsets by (owner, type), owner as in Rrset::name.
using RrsetMap = std::map<std::pair<std::string, uint16_t>, Rrset>;

// Undoes one change on `zone`, the state the change left: the records it added are taken away
// and those it removed are put back (at the end of their RRset, with the TTL they had). Record
// texts are made with zone::content_text. Fails, leaving `zone` in an unspecified state, when a
// column is damaged, a record is not class IN, or the change does not fit the zone (a record it
// added is missing, or one it removed is there already).
Result<bool> undo_change(RrsetMap& zone, const Change& change);

// The journal rows of a domain whose serial_to is in (from, to], newest first, read `batch`
// rows at a time (each with its columns, up to 12 MiB each) and handed to fn one by one; fn
// returns false to stop. Serials are compared as numbers (a domain's serials never wrap: the
// journal holds serial 1 from its creation).
void for_each_change(Conn& c, uint64_t domain_id, uint32_t from, uint32_t to,
                     const std::function<bool(const Change&)>& fn, size_t batch = 16);

// Journal rows of a domain, newest first, with serial_to below `before` (0: no bound), at most
// `limit`, without their columns.
std::vector<Change> list_changes(Conn& c, uint64_t domain_id, uint32_t before, size_t limit);

// One journal row by its id, without its columns.
std::optional<Change> change_by_id(Conn& c, uint64_t id);

// The change feed: rows after `since` in id order (of one account, of one zone when set), at
// most `limit`, without their columns. Waits for rows still being committed below the last one
// returned, so a reader following the ids never skips a change.
std::vector<Change> changes_after(Conn& c, uint64_t since, std::optional<uint64_t> account_id,
                                  const std::optional<std::string>& zone, size_t limit);

// The journal row that made version `serial` of the domain, with its columns.
std::optional<Change> find_change(Conn& c, uint64_t domain_id, uint32_t serial);

// A zone as of one of its versions.
struct ZoneVersion {
    enum class Status {
        ok,
        not_found, // no such version: before the domain's creation, or after its serial
        gone,      // the journal lacks the version's row or a change after it
        moved,     // the zone changed while it was read: read the domain again and retry
    };
    Status status = Status::ok;
    std::string detail;        // not ok: why, for a person
    Change change;             // ok: the row that made the version, with its columns
    std::vector<Rrset> rrsets; // ok: the RRsets then (SOA excluded), in (owner, type) order
    std::vector<Rrset> now;    // ok: the RRsets now (d.serial), in (owner, type) order
};

// The zone of domain `d` as of version `serial`: its RRsets now, with every change after
// `serial` undone, newest first. `d` must have been read before this call: the serial is read
// again after the RRsets, and a zone that moved meanwhile answers `moved`. Without locks.
// The RRsets of the version that changed after it carry no changed_serial or changed_at, and
// list their records in canonical order (RFC 4034 6.3: the order they had then is not
// journalled); the others are as stored. Throws Error(ex_software)
// when the journal does not fit the RRsets (damaged data).
ZoneVersion zone_at(Conn& c, const Domain& d, uint32_t serial);

} // namespace endpointdns::store
