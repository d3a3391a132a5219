// SPDX-License-Identifier: MIT
// Fuzzes reading RFC 2136 UPDATE requests and checking their prerequisites (dns::update).
#include "dns/message.hpp"
#include "dns/update.hpp"
#include "fuzz_util.hpp"

#include <cstddef>
#include <cstdint>

using namespace endpointdns;

namespace {

struct Zone : dns::update::ZoneView {
    bool name_in_use(const dns::Name& n) override { return n.label_count() % 2 == 0; }
    std::vector<std::string> rrset(const dns::Name& n, uint16_t type) override {
        if (type == dns::rrtype::A && n.label_count() == 3) return {std::string("\x7f\0\0\1", 4)};
        return {};
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto m = dns::parse_message(data, size);
    if (!m) return 0;
    auto p = dns::update::parse(*m);
    std::string resp = dns::update::response(*m, p.rcode);
    auto r = dns::parse_message(resp);
    REQUIRE(r.ok());
    REQUIRE(r->header.id == m->header.id && r->header.rcode() == (p.rcode & 0xF));
    if (p.rcode != 0) return 0;
    REQUIRE(m->question.size() == 1 && m->header.opcode() == dns::opcode::UPDATE);
    for (const auto& q : p.request.prereqs) REQUIRE(q.name.is_subdomain_of(p.request.zone));
    for (const auto& c : p.request.changes) {
        REQUIRE(c.rr.owner.is_subdomain_of(p.request.zone));
        if (c.kind == dns::update::Change::Kind::add ||
            c.kind == dns::update::Change::Kind::delete_record)
            REQUIRE(dns::check_rdata(c.rr.type, c.rr.rdata).ok());
    }
    Zone z;
    unsigned rc = dns::update::check_prereqs(p.request, z);
    REQUIRE(rc == 0 || rc == 3 || (rc >= 6 && rc <= 8));
    return 0;
}
