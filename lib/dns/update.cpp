// SPDX-License-Identifier: MIT
// DNS UPDATE (RFC 2136): reading a request's sections, checking its prerequisites against a zone.
#include "dns/update.hpp"

#include <algorithm>

namespace endpointdns::dns::update {

namespace {

Parsed failed(unsigned rc, std::string why) {
    Parsed p;
    p.rcode = rc;
    p.why = std::move(why);
    return p;
}

std::string where(const char* section, size_t i, const Rr& rr) {
    return std::string(section) + " " + std::to_string(i + 1) + " (" + rr.owner.to_text() + " " +
           type_name(rr.type) + ")";
}

// The RDATAs of an RRset as a sorted list of canonical forms, for comparing sets.
std::vector<std::string> canonical_set(uint16_t type, const std::vector<std::string>& rdatas) {
    std::vector<std::string> out;
    out.reserve(rdatas.size());
    for (const auto& r : rdatas) {
        std::string c;
        out.push_back(canonical_rdata(type, r, c) ? c : r);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace

Parsed parse(const Message& m) {
    if (m.header.opcode() != opcode::UPDATE) return failed(dns::rcode::NOTIMP, "not an UPDATE");
    // 3.1.1: exactly one zone, of type SOA.
    if (m.question.size() != 1)
        return failed(dns::rcode::FORMERR,
                      "the zone section holds " + std::to_string(m.question.size()) + " entries");
    const Question& z = m.question[0];
    if (z.type != rrtype::SOA) return failed(dns::rcode::FORMERR, "the zone's type is not SOA");
    if (z.cls != rrclass::IN)
        return failed(rcode::NOTAUTH, "the zone's class is not IN (we serve IN only)");
    Parsed p;
    p.request.zone = z.name;
    const Name& zone = z.name;

    // 3.2: prerequisites (the answer section).
    for (size_t i = 0; i < m.answer.size(); ++i) {
        const Rr& rr = m.answer[i];
        std::string at = where("prerequisite", i, rr);
        if (rr.ttl != 0) return failed(dns::rcode::FORMERR, at + ": TTL not 0");
        if (!rr.owner.is_subdomain_of(zone))
            return failed(rcode::NOTZONE, at + ": outside the zone");
        Prereq q;
        q.name = rr.owner;
        q.type = rr.type;
        if (rr.cls == rrclass::ANY || rr.cls == rrclass::NONE) {
            if (!rr.rdata.empty()) return failed(dns::rcode::FORMERR, at + ": RDATA not empty");
            bool any = rr.type == rrtype::ANY;
            if (!any && !is_data_type(rr.type))
                return failed(dns::rcode::FORMERR, at + ": not a data type");
            if (rr.cls == rrclass::ANY)
                q.kind = any ? Prereq::Kind::name_in_use : Prereq::Kind::rrset_exists;
            else
                q.kind = any ? Prereq::Kind::name_not_in_use : Prereq::Kind::rrset_absent;
            p.request.prereqs.push_back(std::move(q));
        } else if (rr.cls == z.cls) {
            // 3.2.3: value dependent; the records of one name and type make one RRset.
            if (!is_data_type(rr.type))
                return failed(dns::rcode::FORMERR, at + ": not a data type");
            auto it = std::find_if(p.request.prereqs.begin(), p.request.prereqs.end(),
                                   [&](const Prereq& o) {
                                       return o.kind == Prereq::Kind::rrset_equals &&
                                              o.type == rr.type && o.name == rr.owner;
                                   });
            if (it == p.request.prereqs.end()) {
                q.kind = Prereq::Kind::rrset_equals;
                p.request.prereqs.push_back(std::move(q));
                it = p.request.prereqs.end() - 1;
            }
            it->rdatas.push_back(rr.rdata);
        } else {
            return failed(dns::rcode::FORMERR, at + ": class " + class_name(rr.cls));
        }
    }

    // 3.4.1: updates (the authority section).
    for (size_t i = 0; i < m.authority.size(); ++i) {
        const Rr& rr = m.authority[i];
        std::string at = where("update", i, rr);
        if (!rr.owner.is_subdomain_of(zone))
            return failed(rcode::NOTZONE, at + ": outside the zone");
        Change c;
        c.rr = rr;
        c.rr.cls = rrclass::IN;
        if (rr.cls == z.cls) {
            if (!is_data_type(rr.type))
                return failed(dns::rcode::FORMERR, at + ": not a data type");
            auto ok = check_rdata(rr.type, rr.rdata);
            if (!ok) return failed(dns::rcode::FORMERR, at + ": " + ok.error());
            c.kind = Change::Kind::add;
        } else if (rr.cls == rrclass::ANY) {
            if (rr.ttl != 0 || !rr.rdata.empty())
                return failed(dns::rcode::FORMERR, at + ": TTL or RDATA not empty");
            if (rr.type != rrtype::ANY && !is_data_type(rr.type))
                return failed(dns::rcode::FORMERR, at + ": not a data type");
            c.kind =
                rr.type == rrtype::ANY ? Change::Kind::delete_name : Change::Kind::delete_rrset;
        } else if (rr.cls == rrclass::NONE) {
            if (rr.ttl != 0) return failed(dns::rcode::FORMERR, at + ": TTL not 0");
            if (!is_data_type(rr.type))
                return failed(dns::rcode::FORMERR, at + ": not a data type");
            auto ok = check_rdata(rr.type, rr.rdata);
            if (!ok) return failed(dns::rcode::FORMERR, at + ": " + ok.error());
            c.kind = Change::Kind::delete_record;
        } else {
            return failed(dns::rcode::FORMERR, at + ": class " + class_name(rr.cls));
        }
        p.request.changes.push_back(std::move(c));
    }
    return p;
}

unsigned check_prereqs(const Request& r, ZoneView& zone, std::string* why) {
    for (const auto& q : r.prereqs) {
        unsigned rc = dns::rcode::NOERROR;
        switch (q.kind) {
        case Prereq::Kind::name_in_use:
            if (!zone.name_in_use(q.name)) rc = dns::rcode::NXDOMAIN;
            break;
        case Prereq::Kind::name_not_in_use:
            if (zone.name_in_use(q.name)) rc = rcode::YXDOMAIN;
            break;
        case Prereq::Kind::rrset_exists:
            if (zone.rrset(q.name, q.type).empty()) rc = rcode::NXRRSET;
            break;
        case Prereq::Kind::rrset_absent:
            if (!zone.rrset(q.name, q.type).empty()) rc = rcode::YXRRSET;
            break;
        case Prereq::Kind::rrset_equals:
            if (canonical_set(q.type, zone.rrset(q.name, q.type)) !=
                canonical_set(q.type, q.rdatas))
                rc = rcode::NXRRSET;
            break;
        }
        if (rc != dns::rcode::NOERROR) {
            if (why)
                *why = "prerequisite " + q.name.to_text() + " " + type_name(q.type) + " failed";
            return rc;
        }
    }
    return dns::rcode::NOERROR;
}

std::string response(const Message& request, unsigned rc) {
    MessageBuilder b;
    b.reset(request.header.id,
            uint16_t(flag::QR | (request.header.flags & 0x7800))); // QR and the opcode
    if (request.question.size() == 1) {
        const Question& q = request.question[0];
        b.add_question(q.name, q.type, q.cls);
    }
    b.set_rcode(rc);
    return std::string(b.data());
}

} // namespace endpointdns::dns::update
