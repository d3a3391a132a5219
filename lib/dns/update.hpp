// SPDX-License-Identifier: MIT
// DNS UPDATE (RFC 2136): reading a request's sections, checking its prerequisites against a zone.
#pragma once

#include "dns/message.hpp"
#include "dns/name.hpp"
#include "dns/rr.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace endpointdns::dns::update {

// RCODEs of RFC 2136 2.2 beyond RFC 1035's (NOTAUTH is also TSIG's, RFC 8945).
namespace rcode {
constexpr unsigned YXDOMAIN = 6, YXRRSET = 7, NXRRSET = 8, NOTAUTH = 9, NOTZONE = 10;
}

// One prerequisite (RFC 2136 2.4). value: the RRset must hold exactly `rdatas` (TTL ignored).
struct Prereq {
    enum class Kind {
        name_in_use,     // class ANY, type ANY (YXDOMAIN when it fails: NXDOMAIN)
        name_not_in_use, // class NONE, type ANY (fails with YXDOMAIN)
        rrset_exists,    // class ANY, a type (fails with NXRRSET)
        rrset_absent,    // class NONE, a type (fails with YXRRSET)
        rrset_equals,    // class of the zone: value dependent (fails with NXRRSET)
    };
    Kind kind = Kind::name_in_use;
    Name name;
    uint16_t type = 0;
    std::vector<std::string> rdatas; // rrset_equals: the RRset, uncompressed RDATA
};

// One update (RFC 2136 2.5).
struct Change {
    enum class Kind {
        add,           // class of the zone: add rr to its RRset (TTL: the RRset's new TTL)
        delete_rrset,  // class ANY, a type
        delete_name,   // class ANY, type ANY: every RRset of the name
        delete_record, // class NONE: the record rr.rdata from its RRset
    };
    Kind kind = Kind::add;
    Rr rr; // owner, type, TTL and RDATA as the request gave them (class set to IN)
};

struct Request {
    Name zone;
    std::vector<Prereq> prereqs;
    std::vector<Change> changes;
};

// What reading a request found: rcode NOERROR with the request, or the RCODE to answer with
// (FORMERR, NOTZONE, NOTAUTH) and why, for the log.
struct Parsed {
    unsigned rcode = 0;
    std::string why;
    Request request;
};

// Reads an UPDATE (opcode 5) message whose TSIG, if any, was taken off (RFC 2136 3.1, 3.2.x and
// 3.4.1 checks that need no zone data): one zone of class IN and type SOA, prerequisites and
// updates of well-formed classes, types, TTLs and RDATA lengths, every name inside the zone.
// The additional data section is ignored (RFC 2136 3.8 allows that).
Parsed parse(const Message& m);

// The zone's data the prerequisites are checked against (the caller holds it locked).
class ZoneView {
public:
    virtual ~ZoneView() = default;
    // True when the name owns any RRset (the apex always: its SOA).
    virtual bool name_in_use(const Name& name) = 0;
    // The RRset's uncompressed RDATAs; empty when there is none.
    virtual std::vector<std::string> rrset(const Name& name, uint16_t type) = 0;
};

// RFC 2136 3.2.5: NOERROR when every prerequisite holds, otherwise the first failure's RCODE
// (NXDOMAIN, YXDOMAIN, NXRRSET, YXRRSET) and, in *why, which one.
unsigned check_prereqs(const Request& r, ZoneView& zone, std::string* why = nullptr);

// The response to a request: its id and opcode with QR, the zone section echoed when there is one
// (RFC 2136 3.8), and the RCODE. No TSIG yet.
std::string response(const Message& request, unsigned rc);

} // namespace endpointdns::dns::update
