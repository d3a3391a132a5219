// SPDX-License-Identifier: MIT
// xfr-ldns-dump: reads a zone stream with ldns alone and prints every answer record, one per line.
//
// Usage: xfr-ldns-dump [FILE]   (no FILE or "-": standard input)
//
// The stream is a sequence of DNS messages, each preceded by its length as two octets in
// network byte order (endpointdns-zone-stream(5)). Each message is parsed with ldns_wire2pkt and
// every record of its answer section is printed with ldns_rr2str, in stream order. This gives the
// interop tests a reader that shares no code with lib/. Malformed input: message on stderr,
// exit 1.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

// After the C++ headers: included first, ldns.h makes clang 14 fail in libstdc++'s
// ext/numeric_traits.h.
#include <ldns/ldns.h>

namespace {

struct PktFree {
    void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct CharFree {
    void operator()(char* s) const { std::free(s); }
};
struct FileClose {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "xfr-ldns-dump: %s\n", msg.c_str());
    std::exit(1);
}

std::vector<uint8_t> read_all(const char* path) {
    std::unique_ptr<std::FILE, FileClose> owned;
    std::FILE* in = stdin;
    if (path && std::strcmp(path, "-") != 0) {
        owned.reset(std::fopen(path, "rb"));
        if (!owned) die(std::string("cannot open ") + path + ": " + std::strerror(errno));
        in = owned.get();
    }
    std::vector<uint8_t> data;
    uint8_t buf[65536];
    for (;;) {
        size_t n = std::fread(buf, 1, sizeof buf, in);
        data.insert(data.end(), buf, buf + n);
        if (n < sizeof buf) break;
    }
    if (std::ferror(in)) die(std::string("cannot read ") + (path ? path : "standard input"));
    return data;
}

} // namespace

int main(int argc, char** argv) {
    if (argc > 2) die("usage: xfr-ldns-dump [FILE]");
    std::vector<uint8_t> data = read_all(argc == 2 ? argv[1] : nullptr);
    std::string out;
    size_t pos = 0, msg_no = 0;
    while (pos < data.size()) {
        ++msg_no;
        std::string where =
            "message " + std::to_string(msg_no) + " at offset " + std::to_string(pos);
        if (data.size() - pos < 2) die(where + ": truncated length prefix");
        size_t len = size_t(data[pos]) << 8 | data[pos + 1];
        if (data.size() - pos - 2 < len)
            die(where + ": message of " + std::to_string(len) + " octets runs past the end");
        ldns_pkt* raw = nullptr;
        ldns_status st = ldns_wire2pkt(&raw, data.data() + pos + 2, len);
        std::unique_ptr<ldns_pkt, PktFree> pkt(raw);
        if (st != LDNS_STATUS_OK || !pkt) die(where + ": " + ldns_get_errorstr_by_id(st));
        ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
        for (size_t i = 0; answer && i < ldns_rr_list_rr_count(answer); ++i) {
            std::unique_ptr<char, CharFree> s(ldns_rr2str(ldns_rr_list_rr(answer, i)));
            if (!s) die(where + ": ldns cannot print record " + std::to_string(i + 1));
            out += s.get();
            if (out.empty() || out.back() != '\n') out.push_back('\n');
        }
        pos += 2 + len;
    }
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0)
        die(std::string("cannot write standard output: ") + std::strerror(errno));
    return 0;
}
