// SPDX-License-Identifier: MIT
// zone_rows: zone streams -> tab-separated rows for LOAD DATA into dnsapid's domains and rrsets
// tables.
//
// usage: zone_rows --account ID --first-id N --domains OUT --rrsets OUT [--serial S]
//                  [--mname NAME] [--rname NAME] [--min-ttl T] FILE.xfr...
//
// Reads every full zone of the zone streams (zone-compile's output) and writes the rows
// lib/store/zones.cpp would hold after importing them through the API, so that benchmarks can
// fill a database with millions of records in seconds instead of hours:
//   domains: id (N, N+1, ...), account_id, name, serial (S, default 1), record_count (the SOA
//            not counted), the SOA fields (MNAME/RNAME default to dnsapid's sample
//            configuration, timers 7200 3600 1209600 300, TTL 3600), min_ttl (default 60);
//   rrsets:  domain_id, name (lowercase presentation, no final dot), owner (its wire form, hex),
//            type, ttl, content (JSON array of each record's text as ldns prints it, as the
//            zone-file import stores it), rdata (per record a 2-octet length and the RDATA, hex),
//            record_count, changed_serial (= the domain's serial).
// The zone's own SOA is left out (dnsapid makes it from the domain row). Records are grouped
// into RRsets by lowercased owner and type, as the import groups them. No journal row is
// written: the zone looks as if it had been created at serial S with no history. Load with
//   LOAD DATA LOCAL INFILE 'OUT' INTO TABLE rrsets FIELDS TERMINATED BY '\t' ESCAPED BY ''
//     (domain_id, name, @owner, type, ttl, content, @rdata, record_count, changed_serial)
//     SET owner = UNHEX(@owner), rdata = UNHEX(@rdata)
// (bench/sync and bench/propagation do). Prints "zones N rrsets M records R" on stderr.
#include "dns/name.hpp"
#include "dns/rr.hpp"
#include "zone/stream.hpp"
#include "zone/text.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace endpointdns;

namespace {

[[noreturn]] void die(const std::string& msg, int code) {
    std::cerr << "zone_rows: " << msg << "\n";
    std::exit(code);
}

void hex(std::string& out, std::string_view bytes) {
    static const char digits[] = "0123456789abcdef";
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
}

std::string name_text(std::string_view wire) {
    std::string t;
    dns::append_name_text(t, wire);
    if (!t.empty() && t.back() == '.') t.pop_back();
    for (auto& ch : t) ch = char(dns::ascii_lower(uint8_t(ch)));
    return t;
}

// The record's RDATA as the zone-file import stores it: ldns's line, fields after the type.
std::string content_text(std::string_view owner, uint16_t type, uint32_t ttl,
                         std::string_view rdata) {
    std::string text = zone::record_text(owner, type, dns::rrclass::IN, ttl, rdata);
    size_t at = 0;
    for (int k = 0; k < 4; ++k) at = text.find('\t', at) + 1;
    std::string content = text.substr(at);
    while (!content.empty() && content.back() == '\n') content.pop_back();
    return content;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc), files;
    uint64_t account = 0, next_id = 0, serial = 1, min_ttl = 60;
    std::string domains_out, rrsets_out, mname = "ns1.endpointdns.test",
                                         rname = "hostmaster.endpointdns.test";
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.rfind("--", 0) != 0) {
            files.push_back(a);
            continue;
        }
        if (i + 1 >= args.size()) die(a + " needs a value", 64);
        const std::string& v = args[++i];
        if (a == "--account")
            account = std::stoull(v);
        else if (a == "--first-id")
            next_id = std::stoull(v);
        else if (a == "--serial")
            serial = std::stoull(v);
        else if (a == "--min-ttl")
            min_ttl = std::stoull(v);
        else if (a == "--domains")
            domains_out = v;
        else if (a == "--rrsets")
            rrsets_out = v;
        else if (a == "--mname")
            mname = v;
        else if (a == "--rname")
            rname = v;
        else
            die("unknown option " + a, 64);
    }
    if (!account || !next_id || domains_out.empty() || rrsets_out.empty() || files.empty())
        die("usage: zone_rows --account ID --first-id N --domains OUT --rrsets OUT [--serial S] "
            "FILE.xfr...",
            64);
    std::unique_ptr<FILE, decltype(&fclose)> dom(fopen(domains_out.c_str(), "w"), fclose),
        rrs(fopen(rrsets_out.c_str(), "w"), fclose);
    if (!dom || !rrs) die("cannot write the output files", 73);
    size_t zones = 0, rrsets = 0, records = 0;
    std::string line;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) die("cannot read " + file, 66);
        std::stringstream ss;
        ss << in.rdbuf();
        std::string bytes = ss.str();
        zone::StreamReader reader(bytes);
        for (;;) {
            zone::StreamItem item;
            auto got = reader.next(item);
            if (!got) die(file + ": " + got.error(), 65);
            if (!*got) break;
            if (item.kind != zone::StreamItem::Kind::full || !item.zone) continue;
            const zone::Zone& z = *item.zone;
            uint64_t id = next_id++;
            std::string zname = name_text(z.origin().wire());
            uint64_t zone_records = 0;
            for (size_t i = 0; i < z.size();) {
                size_t end = z.rrset_end(i);
                zone::RrView first = z.at(i);
                if (first.type == dns::rrtype::SOA) {
                    i = end;
                    continue;
                }
                std::string owner = name_text(first.owner);
                auto lower = dns::Name::parse(owner + ".");
                if (!lower) die(file + ": owner " + owner + ": " + lower.error(), 65);
                nlohmann::json content = nlohmann::json::array();
                std::string packed;
                for (size_t j = i; j < end; ++j) {
                    zone::RrView r = z.at(j);
                    content.push_back(content_text(r.owner, r.type, r.ttl, r.rdata));
                    packed.push_back(char(r.rdata.size() >> 8));
                    packed.push_back(char(r.rdata.size() & 0xff));
                    packed.append(r.rdata);
                }
                // Fields end in a tab, the last in a newline.
                auto field = [&line](std::string_view f) {
                    line.append(f);
                    line.push_back('\t');
                };
                line.clear();
                field(std::to_string(id));
                field(owner);
                hex(line, lower->wire());
                line.push_back('\t');
                field(std::to_string(first.type));
                field(std::to_string(first.ttl));
                field(content.dump());
                hex(line, packed);
                line.push_back('\t');
                field(std::to_string(end - i));
                line.append(std::to_string(serial));
                line.push_back('\n');
                std::fwrite(line.data(), 1, line.size(), rrs.get());
                zone_records += end - i;
                ++rrsets;
                i = end;
            }
            records += zone_records;
            ++zones;
            std::fprintf(
                dom.get(),
                "%llu\t%llu\t%s\t%llu\t%llu\t%s\t%s\t7200\t3600\t1209600\t300\t3600\t%llu\n",
                (unsigned long long)id, (unsigned long long)account, zname.c_str(),
                (unsigned long long)serial, (unsigned long long)zone_records, mname.c_str(),
                rname.c_str(), (unsigned long long)min_ttl);
        }
    }
    if (std::fflush(dom.get()) != 0 || std::fflush(rrs.get()) != 0)
        die("writing the output files failed", 74);
    std::fprintf(stderr, "zones %zu rrsets %zu records %zu\n", zones, rrsets, records);
    return 0;
}
