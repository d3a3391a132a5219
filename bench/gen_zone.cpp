// SPDX-License-Identifier: MIT
// gen_zone: writes a deterministic, realistic RFC 1035 hosting zone to stdout for benchmarks.
//
// Usage: gen_zone [--records N] [--origin NAME] [--seed S] [--stats]
//
// The output depends only on N, the origin and the seed. Every record is valid: the file
// passes `kzonecheck -o ORIGIN FILE` and `nsd-checkzone ORIGIN FILE`. Rules kept so that holds:
//   * CNAME owners (www.hostN, aliasN, www) never carry other data and are never at the apex;
//   * delegations delN have two in-bailiwick NS targets ns1/ns2.delN, each with an A glue
//     record, and nothing else lives below a delegation point;
//   * all records of one RRset share one TTL (explicit TTLs are chosen by a hash of the
//     owner and type, so a record listed out of order still agrees with its RRset);
//   * rdata is unique within each RRset (addresses and texts come from counters).
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

constexpr int ex_usage = 64; // sysexits(3)
constexpr int ex_ioerr = 74;

// splitmix64: tiny, fast and identical on every platform (std distributions are not).
uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

struct Rng {
    uint64_t state;
    uint64_t next() { return mix64(state += 0x9E3779B97F4A7C15ull); }
    // Uniform in [0, n).
    uint32_t below(uint32_t n) { return static_cast<uint32_t>(((next() >> 32) * n) >> 32); }
    bool per_mille(uint32_t p) { return below(1000) < p; }
};

// Buffered stdout writer with allocation-free number formatting.
class Out {
public:
    Out() { buf_.reserve(kChunk + 4096); }
    Out(const Out&) = delete;
    Out& operator=(const Out&) = delete;
    ~Out() { flush(); }

    Out& s(std::string_view v) {
        buf_.append(v.data(), v.size());
        return *this;
    }
    Out& c(char ch) {
        buf_.push_back(ch);
        return *this;
    }
    Out& u(uint64_t v, int base = 10) {
        char tmp[24];
        auto r = std::to_chars(tmp, tmp + sizeof tmp, v, base);
        buf_.append(tmp, r.ptr);
        return *this;
    }
    void eol() {
        buf_.push_back('\n');
        if (buf_.size() >= kChunk) {
            flush();
        }
    }
    void flush() {
        if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), stdout) != buf_.size()) {
            failed_ = true;
        }
        buf_.clear();
    }
    bool failed() const { return failed_; }

private:
    static constexpr size_t kChunk = 1 << 20;
    std::string buf_;
    bool failed_ = false;
};

enum Type { A, AAAA, TXT, CNAME, MX, SRV, CAA, PTR, NS, SOA, kTypes };
constexpr const char* kTypeName[kTypes] = {"A",   "AAAA", "TXT", "CNAME", "MX",
                                           "SRV", "CAA",  "PTR", "NS",    "SOA"};

enum class Kind { Apex, Fixed, Host, Www, Alias, Srv, Ptr, Deleg, Glue };

// An owner name, identified so that "same owner as the previous line" is a cheap compare.
struct Owner {
    Kind kind;
    uint64_t id;  // host/alias/delegation number; for Fixed an index into kFixed
    uint64_t sub; // Glue: 1 or 2
    bool operator==(const Owner& o) const { return kind == o.kind && id == o.id && sub == o.sub; }
};

constexpr const char* kFixed[] = {"ns1", "ns2", "mx1", "mx2", "www"};

class Generator {
public:
    Generator(uint64_t records, std::string origin, uint64_t seed)
        : target_(records), seed_(seed),
          origin_(std::move(origin)), rng_{seed ^ 0x5EEDF00DCAFEull} {}

    void run() {
        header();
        while (count_ < target_) {
            step();
        }
        out_.flush();
    }
    bool failed() const { return out_.failed(); }
    uint64_t count() const { return count_; }
    const uint64_t* per_type() const { return per_type_; }

private:
    // ---------------------------------------------------------------- line pieces

    void owner_text(const Owner& o, bool shout) {
        switch (o.kind) {
        case Kind::Apex:
            out_.c('@');
            break;
        case Kind::Fixed:
            out_.s(kFixed[o.id]);
            break;
        case Kind::Host:
            out_.s(shout ? (o.id & 1 ? "HOST" : "Host") : "host").u(o.id);
            break;
        case Kind::Www:
            out_.s("www.host").u(o.id);
            break;
        case Kind::Alias:
            out_.s("alias").u(o.id);
            break;
        case Kind::Srv:
            out_.s("_sip._tcp.host").u(o.id);
            break;
        case Kind::Ptr: // reversed octets of a 10.0.0.0/8 address, under "rev"
            out_.u(o.id & 255).c('.').u((o.id >> 8) & 255).c('.').u((o.id >> 16) & 255);
            out_.s(".rev");
            break;
        case Kind::Deleg:
            out_.s(shout ? "Del" : "del").u(o.id);
            break;
        case Kind::Glue:
            out_.s("ns").u(o.sub).s(".del").u(o.id);
            break;
        }
    }

    // Explicit TTL for an RRset, or 0 for "use $TTL". A pure function of owner and type, so
    // every record of an RRset agrees no matter when it is written.
    static uint32_t rrset_ttl(const Owner& o, Type t) {
        uint64_t h = mix64((static_cast<uint64_t>(o.kind) << 56) ^ (o.id << 4) ^ (o.sub << 2) ^
                           (static_cast<uint64_t>(t) << 50) ^ 0x77);
        auto r = static_cast<uint32_t>(h % 100);
        if (r < 6) {
            return 3600;
        }
        if (r < 8) {
            return 300;
        }
        return 0;
    }

    // Writes "owner [ttl] [class] TYPE " with the formatting variations, counts the record.
    void begin(const Owner& o, Type t) {
        bool same = have_last_ && o == last_;
        if (same && rng_.per_mille(700)) {
            out_.c(rng_.per_mille(500) ? '\t' : ' ');
        } else {
            owner_text(o, rng_.per_mille(10));
        }
        last_ = o;
        have_last_ = true;

        uint32_t ttl = rrset_ttl(o, t);
        bool cls = rng_.per_mille(200);
        bool class_first = cls && rng_.per_mille(300); // "IN 3600 A" is legal too
        out_.c('\t');
        if (class_first) {
            out_.s("IN ");
        }
        if (ttl == 3600) {
            out_.s(rng_.per_mille(500) ? "3600 " : "1h ");
        } else if (ttl == 300) {
            out_.s(rng_.per_mille(500) ? "300 " : "5m ");
        }
        if (cls && !class_first) {
            out_.s("IN ");
        }
        out_.s(kTypeName[t]).c('\t');
        ++count_;
        ++per_type_[t];
    }

    // A record whose rdata is fixed text.
    void line(const Owner& o, Type t, std::string_view a, std::string_view b = {}) {
        begin(o, t);
        out_.s(a).s(b);
        end();
    }

    void end() {
        if (rng_.per_mille(15)) {
            out_.s("\t; ").s(kRemarks[rng_.below(kRemarkCount)]);
        }
        out_.eol();
    }

    // ---------------------------------------------------------------- rdata

    void ipv4() {
        // A bijection on 24 bits, so every address in the zone is different.
        uint64_t v = (addr4_++ * 0x9E3779ull + 0x1234) & 0xFFFFFF;
        out_.s("10.").u(v >> 16).c('.').u((v >> 8) & 255).c('.').u(v & 255);
    }

    void ipv6() {
        uint64_t v = addr6_++;
        uint64_t h = mix64(v) & 0xFFFF;
        out_.s("2001:db8:").u(h | 1, 16).c(':').u((v >> 16) & 0xFFFF, 16);
        if (v & 1) {
            out_.s("::").u(v & 0xFFFF, 16); // compressed form
        } else {
            out_.s(":0:0:1:").u(v & 0xFFFF, 16); // full form
        }
    }

    void txt() {
        uint64_t n = text_++;
        switch (rng_.below(7)) {
        case 0:
            out_.s("\"v=spf1 ip4:10.").u(n & 255).s(".0.0/16 include:_spf.mail.example ~all\"");
            break;
        case 1:
            out_.s("\"site-verification=").u(mix64(n), 16).u(mix64(n + 7), 16).c('"');
            break;
        case 2:
            out_.s("\"hello world, this is text record ").u(n).s(" of the bench\"");
            break;
        case 3:
            out_.s("\"part one ").u(n).s("\" \"part two\" \"part-three;x=1\"");
            break;
        case 4:
            out_.s("\"say \\\"hi\\\" to ").u(n).s(" please\"");
            break;
        case 5: // unquoted <character-string>
            out_.s("token-").u(n);
            break;
        default:
            out_.s("\"k=rsa; t=s; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ")
                .u(mix64(n), 36)
                .u(mix64(~n), 36)
                .s("IDAQAB\"");
            break;
        }
    }

    uint64_t pick_target() { // a host that has an A record
        if (with_a_.empty()) {
            return 0;
        }
        return with_a_[rng_.below(static_cast<uint32_t>(with_a_.size()))];
    }

    void target_host(uint64_t h) { out_.s("host").u(h); }

    // ---------------------------------------------------------------- zone parts

    void header() {
        out_.s("; Benchmark zone generated by gen_zone: ")
            .u(target_)
            .s(" records, seed ")
            .u(seed_)
            .eol();
        out_.s("$ORIGIN ").s(origin_).eol();
        out_.s("$TTL 86400").eol();
        out_.eol();
        Owner apex{Kind::Apex, 0, 0};
        begin(apex, SOA);
        out_.s("ns1.").s(origin_).s(" hostmaster (").eol();
        out_.s("\t\t\t2024010101 ; serial").eol();
        out_.s("\t\t\t7200       ; refresh (2 hours)").eol();
        out_.s("\t\t\t3600       ; retry (1 hour)").eol();
        out_.s("\t\t\t1209600    ; expire (2 weeks)").eol();
        out_.s("\t\t\t3600 )     ; minimum (1 hour)").eol();
        line(apex, NS, "ns1");
        line(apex, NS, "ns2.", origin_);
        line(apex, MX, "10 mx1");
        line(apex, MX, "20 mx2.", origin_);
        begin(apex, A);
        ipv4();
        end();
        begin(apex, AAAA);
        ipv6();
        end();
        line(apex, TXT, "\"v=spf1 mx -all\"");
        line(apex, CAA, "0 issue \"letsencrypt.org\"");
        for (uint64_t i = 0; i < 4; ++i) {
            Owner f{Kind::Fixed, i, 0};
            begin(f, A);
            ipv4();
            end();
            if (i < 2) {
                begin(f, AAAA);
                ipv6();
                end();
            }
        }
        line(Owner{Kind::Fixed, 4, 0}, CNAME, "@");
        out_.eol();
    }

    struct HostState {
        uint64_t id = 0;
        unsigned n[kTypes] = {};
        bool www = false;
        bool srv_owner = false; // _sip._tcp.hostN already written
    };

    void new_host() {
        cur_ = HostState{};
        cur_.id = next_host_++;
    }

    Owner host() const { return Owner{Kind::Host, cur_.id, 0}; }

    // Adds one record of type t to the current host, or to a new one if the current host
    // already has enough of that type (or by chance, so most hosts are small).
    void host_record(Type t, unsigned limit, uint32_t attach_per_mille) {
        bool attach = false;
        if (cur_.n[t] < limit) {
            // A host created by another type (e.g. only an SRV below it) gets its address.
            attach = (t == A && cur_.n[A] == 0) || rng_.per_mille(attach_per_mille);
        }
        if (!attach) {
            new_host();
        }
        Owner o = host();
        begin(o, t);
        uint64_t k = cur_.n[t]++;
        switch (t) {
        case A:
            ipv4();
            if (k == 0) {
                with_a_.push_back(cur_.id);
            }
            break;
        case AAAA:
            ipv6();
            break;
        case TXT:
            txt();
            break;
        case MX:
            out_.u(10 * (k + 1)).c(' ');
            if (rng_.per_mille(500)) {
                out_.s(k == 0 ? "mx1" : "mx2");
            } else {
                target_host(pick_target());
            }
            break;
        case CAA:
            if (k == 0) {
                out_.s("0 issue \"letsencrypt.org\"");
            }
            if (k == 1) {
                out_.s("0 issuewild \";\"");
            }
            if (k == 2) {
                out_.s("128 iodef \"mailto:security@").s(origin_).c('"');
            }
            break;
        default:
            break;
        }
        end();
    }

    void step() {
        if (rng_.per_mille(3)) {
            out_.s(rng_.per_mille(500) ? "; ---- customer block " : ";; next host ").u(next_host_);
            out_.eol();
        }
        // A few records listed out of order: one more TXT for a host written long ago.
        if (with_a_.size() > 1000 && rng_.per_mille(2)) {
            uint64_t h = with_a_[rng_.below(static_cast<uint32_t>(with_a_.size() - 500))];
            begin(Owner{Kind::Host, h, 0}, TXT);
            out_.s("\"late record ").u(text_++).s(" for host").u(h).c('"');
            end();
            return;
        }
        // Weights per draw: A 40, AAAA 15, TXT 10, CNAME 8, MX 5, SRV 5, CAA 3, PTR 2 and one
        // delegation (2 NS + 2 glue A). That is 92 records per 89 draws: about 45.6% A,
        // 16% AAAA, 11% TXT, 8.7% CNAME, 5.4% MX and SRV, 3.3% CAA, 2.2% PTR and NS.
        uint32_t w = rng_.below(89);
        if (w < 40) {
            host_record(A, 3, 150);
        } else if (w < 55) {
            host_record(AAAA, 2, 850);
        } else if (w < 65) {
            host_record(TXT, 3, 700);
        } else if (w < 73) {
            cname();
        } else if (w < 78) {
            host_record(MX, 2, 800);
        } else if (w < 83) {
            srv();
        } else if (w < 86) {
            host_record(CAA, 3, 800);
        } else if (w < 88) {
            ptr();
        } else {
            delegation();
        }
    }

    void cname() {
        Owner o{Kind::Alias, 0, 0};
        if (!cur_.www && rng_.per_mille(500)) {
            cur_.www = true;
            o = Owner{Kind::Www, cur_.id, 0};
        } else {
            o.id = next_alias_++;
        }
        begin(o, CNAME);
        if (o.kind == Kind::Www) {
            out_.s("host").u(cur_.id); // may be a host with no address yet: still valid
        } else if (rng_.per_mille(100)) {
            out_.s("www"); // chain to the apex alias
        } else {
            target_host(pick_target());
            if (rng_.per_mille(200)) {
                out_.c('.').s(origin_); // absolute form
            }
        }
        end();
    }

    void srv() {
        if (cur_.srv_owner && cur_.n[SRV] >= 2) {
            new_host();
        }
        cur_.srv_owner = true;
        uint64_t k = cur_.n[SRV]++;
        begin(Owner{Kind::Srv, cur_.id, 0}, SRV);
        out_.u(10 * (k + 1)).c(' ').u(60 - 20 * k).s(" 5060 ");
        target_host(pick_target());
        end();
    }

    void ptr() {
        begin(Owner{Kind::Ptr, next_ptr_++, 0}, PTR);
        target_host(pick_target());
        if (rng_.per_mille(500)) {
            out_.c('.').s(origin_);
        }
        end();
    }

    void delegation() {
        uint64_t d = next_deleg_++;
        Owner del{Kind::Deleg, d, 0};
        begin(del, NS);
        out_.s("ns1.del").u(d);
        end();
        begin(del, NS);
        out_.s("ns2.del").u(d).c('.').s(origin_);
        end();
        for (uint64_t i = 1; i <= 2; ++i) {
            begin(Owner{Kind::Glue, d, i}, A);
            ipv4();
            end();
        }
    }

    static constexpr const char* kRemarks[] = {"web frontend", "managed by panel",
                                               "remove after migration", "customer request"};
    static constexpr uint32_t kRemarkCount = 4;

    uint64_t target_;
    uint64_t seed_;
    std::string origin_;
    Rng rng_;
    Out out_;
    uint64_t count_ = 0;
    uint64_t per_type_[kTypes] = {};
    Owner last_{Kind::Apex, 0, 0};
    bool have_last_ = false;
    HostState cur_;
    uint64_t next_host_ = 1, next_alias_ = 1, next_ptr_ = 1, next_deleg_ = 1;
    uint64_t addr4_ = 1, addr6_ = 1, text_ = 1;
    std::vector<uint64_t> with_a_;
};

void usage(std::FILE* f) {
    std::fputs("usage: gen_zone [--records N] [--origin NAME] [--seed S] [--stats]\n"
               "Writes a deterministic benchmark zone (default 1000000 records, origin\n"
               "bench.example.) to stdout. --stats prints the record-type mix to stderr.\n",
               f);
}

bool parse_u64(const char* s, uint64_t& v) {
    const char* end = s + std::strlen(s);
    auto r = std::from_chars(s, end, v);
    return r.ec == std::errc() && r.ptr == end && r.ptr != s;
}

} // namespace

int main(int argc, char** argv) {
    uint64_t records = 1000000;
    uint64_t seed = 1;
    std::string origin = "bench.example.";
    bool stats = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        bool has_value = i + 1 < argc;
        if (a == "--records" && has_value) {
            if (!parse_u64(argv[++i], records) || records == 0) {
                std::fprintf(stderr, "gen_zone: bad --records value '%s'\n", argv[i]);
                return ex_usage;
            }
        } else if (a == "--seed" && has_value) {
            if (!parse_u64(argv[++i], seed)) {
                std::fprintf(stderr, "gen_zone: bad --seed value '%s'\n", argv[i]);
                return ex_usage;
            }
        } else if (a == "--origin" && has_value) {
            origin = argv[++i];
            if (origin.empty() || origin == ".") {
                std::fprintf(stderr, "gen_zone: --origin must not be the root\n");
                return ex_usage;
            }
            if (origin.back() != '.') {
                origin.push_back('.');
            }
        } else if (a == "--stats") {
            stats = true;
        } else if (a == "-h" || a == "--help") {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return ex_usage;
        }
    }

    Generator g(records, origin, seed);
    g.run();
    if (g.failed() || std::fflush(stdout) != 0) {
        std::fprintf(stderr, "gen_zone: write error on stdout\n");
        return ex_ioerr;
    }
    if (stats) {
        std::fprintf(stderr, "records %llu\n", static_cast<unsigned long long>(g.count()));
        for (int t = 0; t < kTypes; ++t) {
            std::fprintf(stderr, "%-6s %9llu  %5.2f%%\n", kTypeName[t],
                         static_cast<unsigned long long>(g.per_type()[t]),
                         100.0 * static_cast<double>(g.per_type()[t]) /
                             static_cast<double>(g.count()));
        }
    }
    return 0;
}
