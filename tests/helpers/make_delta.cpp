// SPDX-License-Identifier: MIT
// make-delta: writes the IXFR delta (zone stream) that turns one zone stream's zone into another's.
//
// Usage: make-delta OLD.xfr NEW.xfr > delta.xfr
//
// Each file holds one full zone (an AXFR stream, as zone-compile writes it), the same origin in
// both, the serial of NEW later than that of OLD. The delta is computed by zone::diff_zones
// and written by StreamWriter::write_delta: the body the tests PATCH to dns-serve. Errors:
// message on stderr, exit 1.
#include "error.hpp"
#include "zone/delta.hpp"
#include "zone/stream.hpp"
#include "zone/zonefile.hpp"

#include <cstdio>
#include <iostream>
#include <string>

using namespace endpointdns;

namespace {

zone::Zone read_one(const std::string& path) {
    std::string bytes = zone::read_file(path);
    auto items = zone::read_stream(bytes);
    if (!items) {
        throw Error(1, path + ": " + items.error());
    }
    if (items->size() != 1 || (*items)[0].kind != zone::StreamItem::Kind::full) {
        throw Error(1, path + ": expected exactly one full zone");
    }
    return std::move(*(*items)[0].zone);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: make-delta OLD.xfr NEW.xfr > delta.xfr\n";
        return 1;
    }
    try {
        zone::Zone from = read_one(argv[1]);
        zone::Zone to = read_one(argv[2]);
        zone::Delta d = zone::diff_zones(from, to);
        std::string out;
        zone::StreamWriter w([&](std::string_view m) { out.append(m); });
        w.write_delta(d);
        if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() ||
            std::fflush(stdout) != 0) {
            throw Error(1, "cannot write the delta to standard output");
        }
    } catch (const std::exception& e) {
        std::cerr << "make-delta: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
