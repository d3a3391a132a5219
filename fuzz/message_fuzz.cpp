// SPDX-License-Identifier: MIT
// Fuzzes dns::parse_message: rebuild with MessageBuilder, re-parse, compare; name round trips.
#include "dns/message.hpp"
#include "fuzz_util.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

using namespace endpointdns;
using dns::Message;
using dns::Name;
using dns::Rr;
using dns::Section;
using endpointdns::fuzz::die;

namespace {

int sign(int v) {
    return (v > 0) - (v < 0);
}

// Name invariants: text round trip keeps the exact wire bytes; derived forms stay consistent.
void check_name(const Name& n) {
    std::string text = n.to_text();
    auto back = Name::parse(text);
    if (!back) {
        std::fprintf(stderr, "to_text gave '%s', which does not parse: %s\n", text.c_str(),
                     back.error().c_str());
        die("Name::parse(to_text()) failed");
    }
    REQUIRE(*back == n);
    REQUIRE(back->same_case(n));
    REQUIRE(back->wire() == n.wire());
    Name lower = n.lowercased();
    REQUIRE(lower == n);
    REQUIRE(lower.canonical_compare(n) == 0);
    REQUIRE(dns::NameHash{}(lower) == dns::NameHash{}(n));
    REQUIRE(lower.canonical_key() == n.canonical_key());
    REQUIRE(dns::wire_name_length(reinterpret_cast<const uint8_t*>(n.wire().data()),
                                  n.wire_size()) == n.wire_size());
    Name parent = n.parent();
    REQUIRE(n.is_subdomain_of(parent));
    REQUIRE(n.is_subdomain_of(Name::root()));
    REQUIRE(n.is_root() || parent.label_count() + 1 == n.label_count());
    REQUIRE(n.is_root() || dns::canonical_compare(parent.wire(), n.wire()) < 0);
}

// canonical_key's memcmp order must be canonical_compare's order (both RFC 4034 6.1).
void check_order(const Name& a, const Name& b) {
    int c = sign(a.canonical_compare(b));
    REQUIRE(sign(b.canonical_compare(a)) == -c);
    int k = sign(a.canonical_key().compare(b.canonical_key()));
    if (c != k) {
        std::fprintf(stderr, "'%s' vs '%s': canonical_compare %d, canonical_key %d\n",
                     a.to_text().c_str(), b.to_text().c_str(), c, k);
        die("canonical_key order differs from canonical_compare");
    }
    REQUIRE((c == 0) == (a == b));
}

bool same_rr(const Rr& a, const Rr& b) {
    return a.owner.same_case(b.owner) && a.type == b.type && a.cls == b.cls && a.ttl == b.ttl &&
           a.rdata == b.rdata;
}

bool same_records(const std::vector<Rr>& a, const std::vector<Rr>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!same_rr(a[i], b[i])) return false;
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto parsed = dns::parse_message(data, size);
    if (!parsed) return 0;
    const Message& m = *parsed;

    // Parsed RDATA is uncompressed and matches its layout.
    const std::vector<Rr>* sections[3] = {&m.answer, &m.authority, &m.additional};
    size_t uncompressed = dns::header_size; // upper bound of the rebuilt size
    for (const auto& q : m.question) uncompressed += q.name.wire_size() + 4;
    for (const auto* s : sections)
        for (const Rr& rr : *s) {
            // RFC 2136 UPDATE records of class ANY or NONE may have empty RDATA.
            bool update_empty =
                rr.rdata.empty() && (rr.cls == dns::rrclass::ANY || rr.cls == dns::rrclass::NONE);
            REQUIRE(update_empty || dns::check_rdata(rr.type, rr.rdata).ok());
            std::string canon;
            if (dns::canonical_rdata(rr.type, rr.rdata, canon)) {
                REQUIRE(canon.size() == rr.rdata.size());
                REQUIRE(dns::check_rdata(rr.type, canon).ok());
            }
            uncompressed += rr.owner.wire_size() + 10 + rr.rdata.size();
        }

    // Rebuild. Compression never makes a message longer, so every add must succeed when the
    // uncompressed form fits; otherwise (input names compressed where we do not compress, e.g.
    // RP or SRV targets) a refusal is legitimate and there is nothing to compare.
    dns::MessageBuilder mb(dns::max_message);
    mb.reset(m.header.id, m.header.flags);
    bool fits = uncompressed <= dns::max_message;
    for (const auto& q : m.question)
        if (!mb.add_question(q.name, q.type, q.cls)) {
            REQUIRE(!fits);
            return 0;
        }
    for (int s = 0; s < 3; ++s)
        for (const Rr& rr : *sections[s])
            if (!mb.add_rr(Section(s), rr)) {
                REQUIRE(!fits);
                return 0;
            }
    REQUIRE(mb.size() <= dns::max_message);
    REQUIRE(mb.size() <= uncompressed);
    REQUIRE(mb.count(Section::answer) == m.answer.size());
    REQUIRE(mb.count(Section::authority) == m.authority.size());
    REQUIRE(mb.count(Section::additional) == m.additional.size());

    auto again = dns::parse_message(mb.data());
    if (!again) {
        std::fprintf(stderr, "rebuilt message does not parse: %s\n", again.error().c_str());
        die("re-parse of the rebuilt message failed");
    }
    const Message& r = *again;
    REQUIRE(r.header.id == m.header.id);
    REQUIRE(r.header.flags == m.header.flags);
    REQUIRE(r.question.size() == m.question.size());
    for (size_t i = 0; i < m.question.size(); ++i) {
        REQUIRE(r.question[i].name.same_case(m.question[i].name));
        REQUIRE(r.question[i].type == m.question[i].type);
        REQUIRE(r.question[i].cls == m.question[i].cls);
    }
    REQUIRE(same_records(r.answer, m.answer));
    REQUIRE(same_records(r.authority, m.authority));
    REQUIRE(same_records(r.additional, m.additional));

    // Building is deterministic: the same records give the same bytes, also after a rewind
    // to a mark (the compression table must be restored exactly) and after a reset.
    dns::MessageBuilder mb2(dns::max_message);
    const std::vector<Rr>* rsections[3] = {&r.answer, &r.authority, &r.additional};
    for (int round = 0; round < 2; ++round) {
        mb2.reset(r.header.id, r.header.flags);
        for (const auto& q : r.question) REQUIRE(mb2.add_question(q.name, q.type, q.cls));
        // Add the records, then rewind to a mark taken halfway and add the rest again.
        size_t total = r.answer.size() + r.authority.size() + r.additional.size(), k = 0;
        std::optional<dns::MessageBuilder::Mark> mark;
        size_t mark_k = 0;
        for (int s = 0; s < 3; ++s)
            for (const Rr& rr : *rsections[s]) {
                if (k++ == total / 2) {
                    mark = mb2.mark();
                    mark_k = k - 1;
                }
                REQUIRE(mb2.add_rr(Section(s), rr));
            }
        if (mark) {
            mb2.rewind(*mark);
            k = 0;
            for (int s = 0; s < 3; ++s)
                for (const Rr& rr : *rsections[s])
                    if (k++ >= mark_k) REQUIRE(mb2.add_rr(Section(s), rr));
        }
        REQUIRE(mb2.data() == mb.data());
    }

    // Names: text round trip of every name, order consistency between neighbours.
    const Name* prev = nullptr;
    auto visit = [&](const Name& n) {
        check_name(n);
        if (prev) check_order(*prev, n);
        prev = &n;
    };
    for (const auto& q : m.question) visit(q.name);
    for (const auto* s : sections)
        for (const Rr& rr : *s) visit(rr.owner);
    return 0;
}
