// SPDX-License-Identifier: MIT
// Zones in the database: domains, RRsets, and the change path (RRsets, serial, journal in one
// transaction).
#pragma once

#include "store/db.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::store {

// The managed SOA of a zone (its serial lives in Domain::serial).
struct Soa {
    std::string mname, rname; // presentation, absolute, without the trailing dot
    uint32_t refresh = 7200, retry = 3600, expire = 1209600, minimum = 300, ttl = 3600;
};

struct Domain {
    uint64_t id = 0, account_id = 0;
    std::string name; // lowercase, no trailing dot
    uint32_t serial = 0;
    uint64_t record_count = 0; // records in RRsets, the SOA excluded
    Soa soa;
    uint32_t min_ttl = 60;
    std::string created_at, updated_at; // "YYYY-MM-DD HH:MM:SS.mmm" UTC
};

struct Record {
    std::string text;  // content, canonical presentation form
    std::string rdata; // the same in wire form
};

struct Rrset {
    std::string name; // absolute owner, lowercase, no trailing dot
    uint16_t type = 0;
    uint32_t ttl = 0;
    std::vector<Record> records;
    uint32_t changed_serial = 0; // the ETag
    std::string changed_at;
};

// Who makes a change: recorded in the journal.
struct Actor {
    uint64_t account_id = 0;
    std::optional<uint64_t> key_id; // none for the admin key
    std::string name;               // the key's prefix, or "admin"
    std::string remote;             // the client's address
};

// One item of a change, already validated on its own (names inside the zone, content parsed,
// TTL bounds); apply_edits checks what depends on the zone's current state.
struct Edit {
    enum class Op {
        replace,        // the RRset becomes exactly `records` (none: it is deleted)
        remove,         // the RRset is deleted (absent already: nothing happens)
        add_records,    // records not yet present are appended; present ones are left alone
        remove_records, // the named records are removed; the RRset goes when none is left
    };
    Op op = Op::replace;
    std::string name;
    uint16_t type = 0;
    std::optional<uint32_t> ttl; // for add_records: keep the current TTL when absent
    std::vector<Record> records;
    // Preconditions (HTTP If-Match / If-None-Match on one RRset): the RRset's changed_serial
    // must equal if_match (0: the RRset must merely exist); must_not_exist: it must be absent.
    std::optional<uint32_t> if_match;
    bool must_not_exist = false;
};

struct ItemError {
    size_t item = 0;   // index into the edits
    std::string field; // "records[2]", "type", "name", ... (JSON field of the item)
    std::string detail;
};

struct ChangeResult {
    enum class Status { applied, noop, invalid, precondition_failed, over_limit };
    Status status = Status::noop;
    uint64_t change_id = 0;                   // applied only
    uint32_t serial = 0;                      // the zone's serial after the call
    std::vector<ItemError> errors;            // invalid, precondition_failed: which items
    uint64_t records_after = 0;               // over_limit: what the zone would hold
    std::vector<std::optional<Rrset>> result; // per edit: its RRset afterwards (none if gone)
};

// ---- reading -------------------------------------------------------------------------------

std::optional<Domain> find_domain(Conn& c, std::string_view name, bool for_update = false);
// An account's domains in name order, after `after` (exclusive), at most limit.
std::vector<Domain> list_domains(Conn& c, uint64_t account_id, std::string_view after,
                                 size_t limit);
uint64_t count_domains(Conn& c, uint64_t account_id);
// Every domain (of one account when set), in id order; ids lists select domains by id.
std::vector<Domain> find_domains(Conn& c, std::optional<uint64_t> account_id = std::nullopt);
std::vector<Domain> find_domains_by_id(Conn& c, const std::vector<uint64_t>& ids);
// The account of a domain that contains `name` or lies below it, other than `account_id`;
// nullopt when none (zones of one account may nest: that is a delegation).
std::optional<uint64_t> nested_domain_owner(Conn& c, std::string_view name, uint64_t account_id);
std::optional<Rrset> find_rrset(Conn& c, uint64_t domain_id, std::string_view name, uint16_t type);
// RRsets in (name, type) order after the cursor (after_name, after_type), at most limit;
// name and type filters when set.
std::vector<Rrset> list_rrsets(Conn& c, uint64_t domain_id, std::optional<std::string> name,
                               std::optional<uint16_t> type, std::string_view after_name,
                               uint16_t after_type, size_t limit);
std::vector<Rrset> all_rrsets(Conn& c, uint64_t domain_id);

// ---- writing (call inside Pool::transaction) -----------------------------------------------

// Creates a domain with the given apex NS records, journalled as change kind "create", at
// serial 1, or after the last serial the name had when it was hosted before. Returns the domain
// (with id) and sets *change_id. The caller checked the name. Throws sql::SQLException with
// is_duplicate_key when the name is taken.
Domain create_domain(Conn& c, uint64_t account_id, const std::string& name, const Soa& soa,
                     uint32_t min_ttl, uint32_t ns_ttl, const std::vector<Record>& ns,
                     const Actor& who, uint64_t* change_id);

// Deletes a domain (locked with find_domain(for_update)); journalled as kind "delete" with every
// record removed (none listed when they exceed max_change_octets). Returns the change id.
uint64_t delete_domain(Conn& c, const Domain& d, const Actor& who);

// Applies edits in order to the locked domain: checks preconditions, CNAME exclusivity, that
// the apex NS RRset stays, and the record limit (0 = none); then writes the RRsets, bumps the
// serial and appends one journal row. Nothing is written unless the status is applied. A call
// that changes nothing is a noop and keeps the serial.
ChangeResult apply_edits(Conn& c, Domain& d, const std::vector<Edit>& edits, const Actor& who,
                         uint64_t max_records, std::string_view summary);

// The largest change apply_edits writes (its journal row's removed + added octets).
constexpr size_t max_change_octets = 12u << 20;

// RFC 1982 successor of a serial (0 skipped, so "0" can mean "no zone").
uint32_t next_serial(uint32_t s);

// Uncompressed wire RRs of an RRset (owner, type, IN, TTL, RDLENGTH, RDATA) appended to out.
void append_wire(std::string& out, const Rrset& r);
// The SOA RDATA of a domain at its serial.
std::string soa_rdata(const Domain& d);

} // namespace endpointdns::store
