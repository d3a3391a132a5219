#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerates the seeds of journal_fuzz (state-directory journals, clean, torn and damaged).
#
# Usage: fuzz/make-journal-corpus.sh   (from the repository root; BUILD=dir to pick the build dir)
# Builds libendpointdns (Release) in $BUILD, compiles a small generator against it and
# overwrites the "gen-*" seeds in fuzz/corpus/journal_fuzz/. Findings are left alone.
set -eu

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-corpus}
CXX=${CXX:-c++}
out=fuzz/corpus/journal_fuzz
mkdir -p "$out"

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$BUILD" --target endpointdns -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

gen_src="$BUILD/make-journal-corpus-gen.cpp"
cat >"$gen_src" <<'EOF'
// Generator of journal_fuzz seeds (written by fuzz/make-journal-corpus.sh).
#include "error.hpp"
#include "serve/state_dir.hpp"
#include "zone/delta.hpp"
#include "zone/zonefile.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

using namespace endpointdns;
namespace journal = endpointdns::serve::journal;
using journal::RecordType;

static std::string dir;

static void save(const char* name, const std::string& bytes) {
    std::ofstream f(dir + "/" + name, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), std::streamsize(bytes.size()));
    if (!f) {
        std::cerr << "cannot write " << dir << "/" << name << "\n";
        std::exit(1);
    }
}

// Version n of a small zone: serial n, hosts h1..hn.
static zone::Zone version(unsigned n, const char* origin = "example.com.") {
    std::string text = "$TTL 300\n@ SOA ns1 hostmaster " + std::to_string(n) +
                       " 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n";
    for (unsigned i = 1; i <= n; ++i)
        text += "h" + std::to_string(i) + " A 192.0.2." + std::to_string(i) + "\n";
    zone::Diagnostics diags;
    zone::Zone z = zone::parse_zone_text(text, "gen", *dns::Name::parse(origin), diags);
    for (const auto& d : diags)
        if (d.is_error()) {
            std::cerr << d.to_string() << "\n";
            std::exit(1);
        }
    z.normalize();
    return z;
}

static std::string stream_of(const zone::Delta& d) {
    std::string out;
    zone::StreamWriter w([&](std::string_view m) { out.append(m); });
    w.write_delta(d);
    return out;
}

static std::string delta(unsigned a, unsigned b, const char* origin = "example.com.") {
    return journal::frame(RecordType::delta,
                          stream_of(zone::diff_zones(version(a, origin), version(b, origin))));
}

static std::string base(RecordType t, unsigned n) {
    return journal::frame(t, journal::encode_id(journal::file_id(zone::zone_to_stream(version(n)))));
}

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    dir = argv[1];
    try {
        const std::string z1 = base(RecordType::zone, 1);
        const std::string clean = z1 + delta(1, 2) + delta(2, 3);
        save("gen-header-only", z1);
        save("gen-clean", clean);
        zone::Delta two = zone::diff_zones(version(1), version(2));
        two.steps.push_back(zone::diff_zones(version(2), version(3)).steps[0]);
        save("gen-multi-step", z1 + journal::frame(RecordType::delta, stream_of(two)) + delta(3, 4));
        std::string both = stream_of(zone::diff_zones(version(1), version(2))) +
                           stream_of(zone::diff_zones(version(2), version(3)));
        save("gen-two-deltas-one-record", z1 + journal::frame(RecordType::delta, both));
        save("gen-torn", clean.substr(0, clean.size() - 5));
        save("gen-zero-tail", clean + std::string(64, '\0'));
        std::string damaged = clean;
        damaged[z1.size() + journal::frame_size + 30] ^= 0x10;
        save("gen-damaged-middle", damaged);
        save("gen-compaction-alias", clean + base(RecordType::zone, 3) + delta(3, 4));
        save("gen-reset", clean + base(RecordType::reset, 9));
        save("gen-gap", z1 + delta(1, 2) + delta(3, 4));
        save("gen-stale", base(RecordType::zone, 2) + delta(1, 2) + delta(2, 3));
        save("gen-unreadable", z1 + delta(1, 2) + journal::frame(RecordType::delta, std::string_view("\x00\x02\x01\x02", 4)));
        save("gen-other-zone", z1 + delta(1, 2, "example.net."));
        save("gen-full-zone-record",
             z1 + journal::frame(RecordType::delta, zone::zone_to_stream(version(2))));
        save("gen-no-header", delta(1, 2) + delta(2, 3));
    } catch (const Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    return 0;
}
EOF

# shellcheck disable=SC2046 # pkg-config output is a list of flags
"$CXX" -std=c++20 -O1 -Ilib -o "$BUILD/make-journal-corpus-gen" "$gen_src" \
    "$BUILD/libendpointdns.a" $(pkg-config --cflags --libs ldns libmicrohttpd libcurl)
"$BUILD/make-journal-corpus-gen" "$out"
echo "seeds: $(find "$out" -type f | wc -l) journals"
