// SPDX-License-Identifier: MIT
// Unit tests of lib/zone/stream: zone and delta streams written, read back, and malformed input.
#include "zone/stream.hpp"

#include "error.hpp"
#include "zone/delta.hpp"
#include "zone/zonefile.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace dns = endpointdns::dns;
namespace rrtype = endpointdns::dns::rrtype;
using dns::MessageBuilder;
using dns::Rr;
using dns::Section;
using endpointdns::zone::Delta;
using endpointdns::zone::Diagnostics;
using endpointdns::zone::read_stream;
using endpointdns::zone::StreamItem;
using endpointdns::zone::StreamReader;
using endpointdns::zone::StreamWriter;
using endpointdns::zone::Zone;
using endpointdns::zone::zone_to_stream;
using namespace endpointdns::test;

namespace {

// Record lines with absolute owners and explicit TTLs, so that they can be shuffled.
std::vector<std::string> sample_lines(std::string_view origin = "example.com.",
                                      uint32_t serial = 1) {
    std::string o(origin);
    std::vector<std::string> l = {
        o + " 3600 IN SOA ns1." + o + " hostmaster." + o + " " + std::to_string(serial) +
            " 7200 3600 1209600 300",
        o + " 3600 IN NS ns1." + o,
        o + " 3600 IN NS ns2.example.net.",
        o + " 3600 IN MX 10 mail." + o,
        o + " 3600 IN TXT \"v=spf1 mx -all\"",
        "ns1." + o + " 3600 IN A 192.0.2.53",
        "ns1." + o + " 3600 IN AAAA 2001:db8::53",
        "mail." + o + " 300 IN A 192.0.2.25",
        "WWW." + o + " 300 IN A 192.0.2.80",
        "WWW." + o + " 300 IN A 192.0.2.81",
        "alias." + o + " 300 IN CNAME WWW." + o,
        "_sip._tcp." + o + " 60 IN SRV 10 20 5060 sip." + o,
        "sub." + o + " 3600 IN NS ns.sub." + o,
        "ns.sub." + o + " 3600 IN A 192.0.2.54",
        "gen." + o + " 60 IN TYPE65280 \\# 3 010203",
        "caa." + o + " 60 IN CAA 0 issue \"ca.example.net\"",
    };
    for (int i = 0; i < 40; ++i)
        l.push_back("host" + std::to_string(i) + "." + o + " 300 IN A 198.51.100." +
                    std::to_string(i));
    return l;
}

std::string join(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines) s += l + "\n";
    return s;
}

Zone sample_zone(std::string_view origin = "example.com.", uint32_t serial = 1) {
    return zone_from(join(sample_lines(origin, serial)), origin);
}

void expect_same_rrs(const std::vector<Rr>& got, const std::vector<Rr>& want, const char* what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_TRUE(got[i].owner.same_case(want[i].owner)) << what << " " << i;
        EXPECT_EQ(got[i], want[i]) << what << " " << i;
    }
}

void expect_same_delta(const Delta& got, const Delta& want) {
    EXPECT_TRUE(got.origin == want.origin);
    ASSERT_EQ(got.steps.size(), want.steps.size());
    for (size_t s = 0; s < want.steps.size(); ++s) {
        EXPECT_EQ(got.steps[s].from_soa, want.steps[s].from_soa);
        EXPECT_EQ(got.steps[s].to_soa, want.steps[s].to_soa);
        expect_same_rrs(got.steps[s].removed, want.steps[s].removed, "removed");
        expect_same_rrs(got.steps[s].added, want.steps[s].added, "added");
    }
}

// The messages of a stream, split by the length prefixes.
std::vector<std::string> split_messages(std::string_view stream) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos + 2 <= stream.size()) {
        size_t len = dns::get16(reinterpret_cast<const uint8_t*>(stream.data()) + pos);
        out.emplace_back(stream.substr(pos + 2, len));
        pos += 2 + len;
    }
    EXPECT_EQ(pos, stream.size());
    return out;
}

std::string frame(std::string_view message) {
    std::string s;
    dns::put16(s, uint16_t(message.size()));
    s.append(message);
    return s;
}

// A hand-made transfer message.
std::string message(std::string_view qname, uint16_t qtype, const std::vector<Rr>& answer,
                    uint16_t flags = dns::flag::QR | dns::flag::AA) {
    MessageBuilder mb;
    mb.reset(0, flags);
    if (!qname.empty()) {
        EXPECT_TRUE(mb.add_question(N(qname), qtype, dns::rrclass::IN));
    }
    for (const auto& r : answer) EXPECT_TRUE(mb.add_rr(Section::answer, r));
    return frame(mb.data());
}

Rr soa_rr(std::string_view origin, uint32_t serial) {
    std::string o(origin);
    return rr(origin, rrtype::SOA, 3600, soa_rdata("ns1." + o, "h." + o, serial));
}
Rr a_rr(std::string_view owner, uint8_t last) {
    return rr(owner, rrtype::A, 300, bytes({192, 0, 2, last}));
}

std::string stream_error(std::string_view bytes) {
    auto r = read_stream(bytes);
    EXPECT_FALSE(r.ok()) << "malformed stream accepted";
    if (r.ok()) return {};
    EXPECT_FALSE(r.error().empty());
    return r.error();
}

void expect_offset(const std::string& err, size_t offset) {
    EXPECT_NE(err.find("offset " + std::to_string(offset)), std::string::npos)
        << "'" << err << "' does not name offset " << offset;
}

} // namespace

// ---- full zones ----------------------------------------------------------------------------

TEST(Stream, WriteThenReadGivesTheSameZone) {
    Zone z = sample_zone();
    std::string s = zone_to_stream(z);
    auto items = read_stream(s);
    ASSERT_TRUE(items.ok()) << items.error();
    ASSERT_EQ(items->size(), 1u);
    const StreamItem& it = (*items)[0];
    EXPECT_EQ(it.kind, StreamItem::Kind::full);
    ASSERT_TRUE(it.zone.has_value());
    EXPECT_TRUE(it.zone->normalized());
    expect_same_zone(*it.zone, z);
    EXPECT_EQ(it.zone->serial(), 1u);
}

TEST(Stream, MessagesFollowTheFormat) {
    Zone z = sample_zone();
    std::string s = zone_to_stream(z, 400);
    auto msgs = split_messages(s);
    ASSERT_GE(msgs.size(), 3u);
    std::vector<Rr> all;
    for (const auto& m : msgs) {
        EXPECT_LE(m.size(), 400u);
        auto p = dns::parse_message(m);
        ASSERT_TRUE(p.ok()) << p.error();
        EXPECT_EQ(p->header.id, 0);
        EXPECT_EQ(p->header.flags, dns::flag::QR | dns::flag::AA);
        ASSERT_EQ(p->question.size(), 1u);
        EXPECT_TRUE(p->question[0].name.same_case(z.origin()));
        EXPECT_EQ(p->question[0].type, rrtype::AXFR);
        EXPECT_EQ(p->question[0].cls, dns::rrclass::IN);
        EXPECT_FALSE(p->answer.empty());
        EXPECT_TRUE(p->authority.empty());
        EXPECT_TRUE(p->additional.empty());
        all.insert(all.end(), p->answer.begin(), p->answer.end());
    }
    // SOA, the zone in canonical order without its SOA, SOA.
    auto soa = z.soa();
    ASSERT_TRUE(soa);
    std::vector<Rr> want = {soa->to_rr()};
    for (size_t i = 0; i < z.size(); ++i)
        if (z.at(i).type != rrtype::SOA) want.push_back(z.at(i).to_rr());
    want.push_back(soa->to_rr());
    expect_same_rrs(all, want, "records");
}

TEST(Stream, RrsetsStayWholeWhenTheyFit) {
    Zone z = sample_zone();
    for (size_t size : {200, 300, 512, 1000}) {
        auto msgs = split_messages(zone_to_stream(z, size));
        for (size_t k = 0; k + 1 < msgs.size(); ++k) {
            auto a = dns::parse_message(msgs[k]), b = dns::parse_message(msgs[k + 1]);
            ASSERT_TRUE(a.ok() && b.ok());
            const Rr& last = a->answer.back();
            const Rr& first = b->answer.front();
            EXPECT_FALSE(last.owner == first.owner && last.type == first.type)
                << "RRset " << last.owner.to_text() << " " << dns::type_name(last.type)
                << " split between messages " << k + 1 << " and " << k + 2 << " (size " << size
                << ")";
        }
    }
}

TEST(Stream, SmallMessagesReadBack) {
    Zone z = sample_zone();
    // An RRset larger than a message of its own is split and must still read back.
    std::string text = join(sample_lines());
    for (int i = 0; i < 30; ++i)
        text += "big.example.com. 60 IN TXT \"" + std::to_string(100 + i) + std::string(40, 'b') +
                "\"\n";
    Zone big = zone_from(text);
    for (const Zone* zone : {&z, &big}) {
        for (size_t size : {200, 512, 4096}) {
            std::string s = zone_to_stream(*zone, size);
            for (const auto& m : split_messages(s)) EXPECT_LE(m.size(), size);
            auto items = read_stream(s);
            ASSERT_TRUE(items.ok()) << items.error();
            ASSERT_EQ(items->size(), 1u);
            expect_same_zone(*(*items)[0].zone, *zone);
        }
    }
    EXPECT_GT(split_messages(zone_to_stream(big, 512)).size(), 5u);
}

TEST(Stream, Deterministic) {
    std::vector<std::string> lines = sample_lines();
    std::string s1 = zone_to_stream(zone_from(join(lines)));
    std::string s2 = zone_to_stream(zone_from(join(lines)));
    EXPECT_EQ(s1, s2);
    std::mt19937 rng(5936);
    for (int round = 0; round < 5; ++round) {
        std::shuffle(lines.begin(), lines.end(), rng);
        EXPECT_EQ(zone_to_stream(zone_from(join(lines))), s1) << "order " << round;
        EXPECT_EQ(zone_to_stream(zone_from(join(lines)), 512),
                  zone_to_stream(zone_from(join(sample_lines())), 512));
    }
    // Duplicates in the input do not change the output.
    lines.push_back(lines[0]);
    Diagnostics d;
    Zone dup = endpointdns::zone::parse_zone_text(join(lines), "t", N("example.com."), d);
    dup.normalize();
    EXPECT_EQ(zone_to_stream(dup), s1);
}

TEST(Stream, WriterRefusesWhatItCannotWrite) {
    Zone no_soa = zone_from("a.example.com. 1 IN A 192.0.2.1\n");
    EXPECT_THROW(zone_to_stream(no_soa), endpointdns::Error);
    Zone z = zone_from(join(sample_lines()) + "t.example.com. 1 IN TXT \"" + std::string(200, 't') +
                       "\"\n");
    try {
        zone_to_stream(z, 150);
        FAIL() << "a record larger than the message size was written";
    } catch (const endpointdns::Error& e) {
        EXPECT_EQ(e.code(), endpointdns::ex_dataerr);
        EXPECT_NE(std::string(e.what()).find("t.example.com."), std::string::npos) << e.what();
    }
}

TEST(Stream, ManyZonesAndDeltasInOneStream) {
    Zone a1 = sample_zone("example.com.", 1);
    std::vector<std::string> l2 = sample_lines("example.com.", 2);
    l2.erase(l2.begin() + 8); // one of the WWW addresses
    l2.push_back("new.example.com. 300 IN A 192.0.2.200");
    Zone a2 = zone_from(join(l2));
    Zone b = sample_zone("example.org.", 7);
    Delta d = endpointdns::zone::diff_zones(a1, a2);

    std::string s;
    StreamWriter w([&](std::string_view m) { s.append(m); }, 1024);
    w.write_zone(a1);
    w.write_delta(d);
    w.write_zone(b);
    w.write_delta(d);
    w.write_zone(a2);

    auto items = read_stream(s);
    ASSERT_TRUE(items.ok()) << items.error();
    ASSERT_EQ(items->size(), 5u);
    EXPECT_EQ((*items)[0].kind, StreamItem::Kind::full);
    expect_same_zone(*(*items)[0].zone, a1);
    EXPECT_EQ((*items)[1].kind, StreamItem::Kind::delta);
    EXPECT_FALSE((*items)[1].zone.has_value());
    expect_same_delta((*items)[1].delta, d);
    EXPECT_EQ((*items)[2].kind, StreamItem::Kind::full);
    expect_same_zone(*(*items)[2].zone, b);
    expect_same_delta((*items)[3].delta, d);
    expect_same_zone(*(*items)[4].zone, a2);

    // Item by item, with the reader's offset at each item's end.
    StreamReader r(s);
    StreamItem it;
    size_t n = 0, last_offset = 0;
    for (;;) {
        auto got = r.next(it);
        ASSERT_TRUE(got.ok()) << got.error();
        if (!*got) break;
        ++n;
        EXPECT_GT(r.offset(), last_offset);
        last_offset = r.offset();
    }
    EXPECT_EQ(n, 5u);
    EXPECT_EQ(r.offset(), s.size());
    // Each item starts in a message of its own.
    for (const auto& m : split_messages(s)) {
        auto p = dns::parse_message(m);
        ASSERT_TRUE(p.ok());
        for (const auto& rr : p->answer) EXPECT_TRUE(rr.owner.is_subdomain_of(p->question[0].name));
    }
}

TEST(Stream, EmptyStreamHasNoItems) {
    auto items = read_stream("");
    ASSERT_TRUE(items.ok()) << items.error();
    EXPECT_TRUE(items->empty());
}

TEST(Stream, ReaderAcceptsOtherWritersLayout) {
    // One record per message, and a final message holding only the closing SOA.
    std::string s = message("example.com.", rrtype::AXFR, {soa_rr("example.com.", 5)}) +
                    message("example.com.", rrtype::AXFR, {a_rr("b.example.com.", 2)}) +
                    message("", 0, {a_rr("a.example.com.", 1)}) + // continuation without question
                    message("example.com.", rrtype::AXFR, {soa_rr("example.com.", 5)});
    auto items = read_stream(s);
    ASSERT_TRUE(items.ok()) << items.error();
    ASSERT_EQ(items->size(), 1u);
    const Zone& z = *(*items)[0].zone;
    ASSERT_EQ(z.size(), 3u);
    EXPECT_EQ(z.serial(), 5u);
    EXPECT_EQ(z.at(1).owner, N("a.example.com.").wire()); // normalized
}

// ---- malformed streams ---------------------------------------------------------------------

TEST(StreamMalformed, TruncatedLengthPrefix) {
    std::string s = zone_to_stream(sample_zone());
    std::string e = stream_error(s + std::string(1, '\0'));
    expect_offset(e, s.size());
    EXPECT_NE(e.find("length"), std::string::npos) << e;
    stream_error(std::string(1, '\x05'));
}

TEST(StreamMalformed, LengthPastEnd) {
    std::string s = zone_to_stream(sample_zone());
    std::string e = stream_error(s + std::string("\x01\x00", 2) + "abc");
    expect_offset(e, s.size());
    // The first message itself claims more than there is.
    std::string t = s;
    t[0] = char(0xFF);
    t[1] = char(0xFF);
    expect_offset(stream_error(t), 0);
}

TEST(StreamMalformed, TrailingPartialMessage) {
    std::string s = zone_to_stream(sample_zone());
    std::string two = s + s;
    expect_offset(stream_error(two.substr(0, two.size() - 7)), s.size());
}

TEST(StreamMalformed, EveryPrefixIsAnError) {
    std::string s = zone_to_stream(sample_zone(), 300);
    ASSERT_GT(split_messages(s).size(), 3u);
    for (size_t n = 1; n < s.size(); ++n) {
        auto r = read_stream(std::string_view(s).substr(0, n));
        ASSERT_FALSE(r.ok()) << "prefix of " << n << " octets accepted";
        ASSERT_NE(r.error().find("offset"), std::string::npos) << n << ": " << r.error();
    }
}

TEST(StreamMalformed, MissingFinalSoa) {
    std::string s = message("example.com.", rrtype::AXFR,
                            {soa_rr("example.com.", 1), a_rr("a.example.com.", 1)});
    std::string e = stream_error(s);
    expect_offset(e, s.size());
    EXPECT_NE(e.find("example.com."), std::string::npos) << e;
}

TEST(StreamMalformed, RecordsAfterTheClosingSoa) {
    std::string s = message("example.com.", rrtype::AXFR,
                            {soa_rr("example.com.", 1), a_rr("a.example.com.", 1),
                             soa_rr("example.com.", 1), a_rr("b.example.com.", 2)});
    std::string e = stream_error(s);
    EXPECT_NE(e.find("after the closing SOA"), std::string::npos) << e;
    expect_offset(e, 0);
}

TEST(StreamMalformed, SecondSoaWithAnotherSerial) {
    std::string s =
        message("example.com.", rrtype::AXFR,
                {soa_rr("example.com.", 1), soa_rr("example.com.", 2), soa_rr("example.com.", 1)});
    std::string e = stream_error(s);
    EXPECT_NE(e.find("SOA"), std::string::npos) << e;
    expect_offset(e, 0);
}

TEST(StreamMalformed, QuestionTypeNotATransfer) {
    std::string s =
        message("example.com.", rrtype::A, {soa_rr("example.com.", 1), soa_rr("example.com.", 1)});
    std::string e = stream_error(s);
    EXPECT_NE(e.find("question type is A,"), std::string::npos) << e;
    expect_offset(e, 0);
}

TEST(StreamMalformed, OtherZoneInAContinuationMessage) {
    std::string first = message("example.com.", rrtype::AXFR,
                                {soa_rr("example.com.", 1), a_rr("a.example.com.", 1)});
    std::string s = first + message("example.org.", rrtype::AXFR,
                                    {a_rr("b.example.com.", 1), soa_rr("example.com.", 1)});
    std::string e = stream_error(s);
    EXPECT_NE(e.find("question"), std::string::npos) << e;
    expect_offset(e, first.size());
    // The same question with another type is just as wrong.
    std::string t = first + message("example.com.", rrtype::IXFR, {soa_rr("example.com.", 1)});
    expect_offset(stream_error(t), first.size());
}

TEST(StreamMalformed, HeaderAndStructure) {
    auto soa = soa_rr("example.com.", 1);
    // Not a response, an error RCODE, no records, no question, first record not the SOA.
    expect_offset(stream_error(message("example.com.", rrtype::AXFR, {soa, soa}, 0)), 0);
    expect_offset(stream_error(message("example.com.", rrtype::AXFR, {soa, soa},
                                       dns::flag::QR | dns::rcode::REFUSED)),
                  0);
    expect_offset(stream_error(message("example.com.", rrtype::AXFR, {})), 0);
    expect_offset(stream_error(message("", 0, {soa, soa})), 0);
    expect_offset(
        stream_error(message("example.com.", rrtype::AXFR, {a_rr("a.example.com.", 1), soa, soa})),
        0);
    // Offsets count from the start of the stream.
    std::string good = zone_to_stream(sample_zone());
    expect_offset(stream_error(good + message("example.com.", rrtype::A, {soa, soa})), good.size());
}

TEST(StreamMalformed, RecordOfAnotherClass) {
    auto soa = soa_rr("example.com.", 1);
    Rr ch = a_rr("a.example.com.", 1);
    ch.cls = dns::rrclass::CH;
    std::string e = stream_error(message("example.com.", rrtype::AXFR, {soa, ch, soa}));
    EXPECT_NE(e.find("CH"), std::string::npos) << e;
    expect_offset(e, 0);
    std::string good = zone_to_stream(sample_zone());
    expect_offset(stream_error(good + message("example.com.", rrtype::AXFR, {soa, ch, soa})),
                  good.size());
}

TEST(StreamMalformed, MetaTypeRecords) {
    // An OPT or TSIG record in the answer section is not zone data (RFC 6895 3.1): loaded, it
    // would be served and transferred as if it were.
    auto soa = soa_rr("example.com.", 1);
    for (uint16_t t : {41, 250, 252, 255, 0}) {
        Rr meta = rr("a.example.com.", t, 0, "");
        std::string e = stream_error(message("example.com.", rrtype::AXFR, {soa, meta, soa}));
        EXPECT_NE(e.find("meta"), std::string::npos) << t << ": " << e;
        expect_offset(e, 0);
        e = stream_error(message("example.com.", rrtype::IXFR,
                                 {soa_rr("example.com.", 2), soa, soa_rr("example.com.", 2), meta,
                                  soa_rr("example.com.", 2)}));
        EXPECT_NE(e.find("meta"), std::string::npos) << t << ": " << e;
    }
}

TEST(StreamMalformed, DeltaStepsThatDoNotChain) {
    // newest SOA 3; step 1 -> 2; then a step that starts at 1 again.
    std::string s =
        message("example.com.", rrtype::IXFR,
                {soa_rr("example.com.", 3), soa_rr("example.com.", 1), a_rr("a.example.com.", 1),
                 soa_rr("example.com.", 2), soa_rr("example.com.", 1), soa_rr("example.com.", 3),
                 a_rr("b.example.com.", 2), soa_rr("example.com.", 3)});
    std::string e = stream_error(s);
    EXPECT_NE(e.find("previous"), std::string::npos) << e;
    expect_offset(e, 0);
    // The well-chained version reads.
    std::string ok =
        message("example.com.", rrtype::IXFR,
                {soa_rr("example.com.", 3), soa_rr("example.com.", 1), a_rr("a.example.com.", 1),
                 soa_rr("example.com.", 2), soa_rr("example.com.", 2), soa_rr("example.com.", 3),
                 a_rr("b.example.com.", 2), soa_rr("example.com.", 3)});
    auto items = read_stream(ok);
    ASSERT_TRUE(items.ok()) << items.error();
    ASSERT_EQ(items->size(), 1u);
    const Delta& d = (*items)[0].delta;
    ASSERT_EQ(d.steps.size(), 2u);
    EXPECT_EQ(d.from_serial(), 1u);
    EXPECT_EQ(d.to_serial(), 3u);
    EXPECT_EQ(d.steps[0].removed.size(), 1u);
    EXPECT_TRUE(d.steps[0].added.empty());
    EXPECT_TRUE(d.steps[1].removed.empty());
    EXPECT_EQ(d.steps[1].added.size(), 1u);
}

TEST(StreamMalformed, GarbageNeverCrashes) {
    std::mt19937 rng(7766);
    for (int iter = 0; iter < 2000; ++iter) {
        std::string g(rng() % 300, '\0');
        for (auto& c : g) c = char(rng() % 256);
        if (iter % 2) { // a plausible length prefix in front
            g[0] = char((g.size() - 2) >> 8);
            g[1] = char(g.size() - 2);
        }
        auto r = read_stream(g);
        if (!r.ok()) {
            EXPECT_FALSE(r.error().empty());
        }
    }
}

TEST(StreamMalformed, MutationsNeverCrash) {
    Zone a1 = sample_zone("example.com.", 1);
    Zone a2 = sample_zone("example.com.", 2);
    std::string base;
    StreamWriter w([&](std::string_view m) { base.append(m); }, 400);
    w.write_zone(a1);
    w.write_delta(endpointdns::zone::diff_zones(a1, a2));
    std::mt19937 rng(1995);
    size_t accepted = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        std::string s = base;
        unsigned flips = 1 + rng() % 3;
        for (unsigned k = 0; k < flips; ++k) s[rng() % s.size()] = char(rng() % 256);
        auto r = read_stream(s);
        if (!r.ok()) {
            EXPECT_FALSE(r.error().empty());
            continue;
        }
        ++accepted;
        for (const auto& it : *r)
            if (it.kind == StreamItem::Kind::full) {
                EXPECT_TRUE(it.zone->normalized());
            }
    }
    EXPECT_GT(accepted, 0u); // e.g. flips inside A RDATA or TTLs
}

// An IXFR answered with the whole zone whose second record is an SOA of another name (invalid
// data, but a full zone): the reader must not take it for the start of an incremental step.
TEST(StreamRead, IxfrWithForeignSoaSecondIsAFullZone) {
    MessageBuilder mb;
    mb.reset(0, dns::flag::QR | dns::flag::AA);
    ASSERT_TRUE(mb.add_question(N("example.com."), dns::rrtype::IXFR, dns::rrclass::IN));
    Rr apex = rr("example.com.", dns::rrtype::SOA, 300,
                 soa_rdata("ns1.example.com.", "hostmaster.example.com.", 2));
    Rr other = rr("x.example.com.", dns::rrtype::SOA, 300,
                  soa_rdata("ns1.example.com.", "hostmaster.example.com.", 1));
    Rr a = rr("www.example.com.", dns::rrtype::A, 300, bytes({192, 0, 2, 1}));
    for (const Rr* r : {&apex, &other, &a, &apex}) ASSERT_TRUE(mb.add_rr(Section::answer, *r));
    std::string stream;
    stream.push_back(char(mb.size() >> 8));
    stream.push_back(char(mb.size()));
    stream.append(mb.data());
    auto items = read_stream(stream);
    ASSERT_TRUE(items.ok()) << items.error();
    ASSERT_EQ(items->size(), 1u);
    EXPECT_EQ((*items)[0].kind, StreamItem::Kind::full);
    EXPECT_EQ((*items)[0].zone->size(), 3u);
}
