// SPDX-License-Identifier: MIT
// Master-file scanner: entries, directives, owners, TTLs; rdata for common types; ldns fallback.
//
// Why a scanner of our own: ldns parses about 1.7x slower than kzonecheck, so record by record
// it cannot meet the compile benchmark. The scanner handles the file structure (lines,
// parentheses, comments, quotes, directives, owner/TTL/class inheritance) and converts the
// types that make up nearly every hosted zone (and, by their layout, the other types made of
// numbers, names and strings); any other type is handed to ldns as one line. The RFC 3597
// generic form (\#) is decoded here for every type and checked against the type's layout.
// tests/unit/zonefile_test.cpp and fuzz/zonefile_fuzz.cpp check the fast path record for record
// against ldns.
#include "zone/zonefile.hpp"

#include "error.hpp"

#include <ldns/ldns.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace endpointdns::zone {

using dns::Name;
namespace rrtype = dns::rrtype;

std::string read_file(const std::string& path) {
    const std::string name = path == "-" ? "<stdin>" : path;
    int fd = path == "-" ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(ex_noinput, "cannot open " + name + ": " + std::strerror(errno));
    std::string data;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) data.reserve(size_t(st.st_size) + 1);
    if (S_ISDIR(st.st_mode)) {
        if (fd != 0) ::close(fd);
        throw Error(ex_noinput, "cannot read " + name + ": is a directory");
    }
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            if (fd != 0) ::close(fd);
            throw Error(ex_ioerr, "cannot read " + name + ": " + std::strerror(e));
        }
        data.append(buf, size_t(n));
    }
    if (fd != 0) ::close(fd);
    return data;
}

std::optional<uint32_t> parse_ttl(std::string_view t) {
    if (t.empty()) return std::nullopt;
    uint64_t total = 0, cur = 0;
    bool digits = false, units = false;
    for (char c : t) {
        if (c >= '0' && c <= '9') {
            cur = cur * 10 + uint64_t(c - '0');
            if (cur > UINT32_MAX) return std::nullopt;
            digits = true;
            continue;
        }
        uint64_t mul;
        switch (c | 0x20) {
        case 's':
            mul = 1;
            break;
        case 'm':
            mul = 60;
            break;
        case 'h':
            mul = 3600;
            break;
        case 'd':
            mul = 86400;
            break;
        case 'w':
            mul = 604800;
            break;
        default:
            return std::nullopt;
        }
        if (!digits) return std::nullopt;
        total += cur * mul;
        if (total > UINT32_MAX) return std::nullopt;
        cur = 0;
        digits = false;
        units = true;
    }
    if (digits)
        total += cur;
    else if (!units)
        return std::nullopt;
    if (total > UINT32_MAX) return std::nullopt;
    return uint32_t(total);
}

namespace {

struct Token {
    std::string_view text; // raw, quotes included for quoted tokens
    bool quoted;
    std::string_view inner() const { return quoted ? text.substr(1, text.size() - 2) : text; }
};

// Splits the file into entries: tokens up to the end of a line outside parentheses.
class Scanner {
public:
    explicit Scanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

    // False at end of input. On a syntax error returns true with err set; the entry is skipped.
    bool next(std::vector<Token>& toks, bool& blank_owner, uint32_t& line, std::string& err) {
        toks.clear();
        err.clear();
        for (;;) { // skip blank and comment-only lines
            if (p_ >= end_) return false;
            const char* q = p_;
            while (q < end_ && (*q == ' ' || *q == '\t' || *q == '\r')) ++q;
            if (q < end_ && *q == ';')
                while (q < end_ && *q != '\n') ++q;
            if (q >= end_) {
                p_ = end_;
                return false;
            }
            if (*q == '\n') {
                p_ = q + 1;
                ++line_;
                continue;
            }
            blank_owner = (*p_ == ' ' || *p_ == '\t');
            p_ = q;
            break;
        }
        line = line_;
        int depth = 0;
        uint32_t open_line = 0;
        while (p_ < end_) {
            char c = *p_;
            if (c == ' ' || c == '\t' || c == '\r') {
                ++p_;
            } else if (c == '\n') {
                ++p_;
                ++line_;
                if (depth == 0) return true;
            } else if (c == ';') {
                while (p_ < end_ && *p_ != '\n') ++p_;
            } else if (c == '(') {
                if (depth++ == 0) open_line = line_;
                ++p_;
            } else if (c == ')') {
                ++p_;
                if (depth == 0) return error(err, "')' without a matching '('");
                --depth;
            } else if (c == '"') {
                const char* s = p_++;
                while (p_ < end_ && *p_ != '"') {
                    if (*p_ == '\\' && p_ + 1 < end_) ++p_;
                    if (*p_ == '\n') ++line_;
                    ++p_;
                }
                if (p_ >= end_) return error(err, "quoted string not closed before end of file");
                ++p_;
                if (std::memchr(s, 0, size_t(p_ - s)))
                    return error(err, "raw NUL byte in the zone file (write it as \\000)");
                toks.push_back(Token{std::string_view(s, size_t(p_ - s)), true});
            } else {
                const char* s = p_;
                while (p_ < end_) {
                    char d = *p_;
                    if (d == '\\') {
                        p_ += (p_ + 1 < end_ && p_[1] != '\n') ? 2 : 1;
                        continue;
                    }
                    if (d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == ';' || d == '(' ||
                        d == ')' || d == '"')
                        break;
                    ++p_;
                }
                if (std::memchr(s, 0, size_t(p_ - s)))
                    return error(err, "raw NUL byte in the zone file (write it as \\000)");
                toks.push_back(Token{std::string_view(s, size_t(p_ - s)), false});
            }
        }
        if (depth > 0)
            return error(err, "'(' opened on line " + std::to_string(open_line) +
                                  " is not closed before end of file");
        return true;
    }

private:
    bool error(std::string& err, std::string msg) {
        err = std::move(msg);
        // Skip the rest of the line so that parsing resumes at the next entry.
        while (p_ < end_ && *p_ != '\n') ++p_;
        return true;
    }
    const char* p_;
    const char* end_;
    uint32_t line_ = 1;
};

struct LdnsRr {
    void operator()(ldns_rr* r) const { ldns_rr_free(r); }
};
struct LdnsRdf {
    void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct LdnsBuffer {
    void operator()(ldns_buffer* b) const { ldns_buffer_free(b); }
};

bool parse_u16(std::string_view t, uint16_t& v) {
    if (t.empty() || t.size() > 5) return false;
    uint32_t x = 0;
    for (char c : t) {
        if (c < '0' || c > '9') return false;
        x = x * 10 + uint32_t(c - '0');
    }
    if (x > 65535) return false;
    v = uint16_t(x);
    return true;
}

bool parse_u32(std::string_view t, uint32_t& v) {
    if (t.empty() || t.size() > 10) return false;
    uint64_t x = 0;
    for (char c : t) {
        if (c < '0' || c > '9') return false;
        x = x * 10 + uint64_t(c - '0');
    }
    if (x > UINT32_MAX) return false;
    v = uint32_t(x);
    return true;
}

// Appends text with its \X and \DDD escapes resolved.
const char* append_unescaped(std::string& out, std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
        uint8_t c = uint8_t(s[i]);
        if (c == '\\') {
            if (i + 1 >= s.size()) return "character-string ends in a lone backslash";
            uint8_t d = uint8_t(s[i + 1]);
            if (d >= '0' && d <= '9') {
                if (i + 3 >= s.size()) return "incomplete \\DDD escape";
                unsigned v = 0;
                for (size_t k = 1; k <= 3; ++k) {
                    uint8_t e = uint8_t(s[i + k]);
                    if (e < '0' || e > '9') return "bad \\DDD escape";
                    v = v * 10 + (e - '0');
                }
                if (v > 255) return "\\DDD escape above 255";
                c = uint8_t(v);
                i += 3;
            } else {
                c = d;
                i += 1;
            }
        }
        out.push_back(char(c));
    }
    return nullptr;
}

// Appends one character-string (escapes resolved) with its length octet.
const char* append_charstring(std::string& out, std::string_view s) {
    size_t len_at = out.size();
    out.push_back('\0');
    if (const char* e = append_unescaped(out, s)) return e;
    size_t n = out.size() - len_at - 1;
    if (n > 255) return "character-string longer than 255 octets";
    out[len_at] = char(n);
    return nullptr;
}

class Parser {
public:
    Parser(Zone& zone, Diagnostics& diags, const ParseOptions& opts)
        : zone_(zone), diags_(diags), opts_(opts), rdata_buf_(ldns_buffer_new(1024)) {}

    void parse(std::string_view text, const std::string& file, const Name& origin, unsigned depth) {
        Name saved_origin = origin_;
        origin_ = origin;
        origin_rdf_.reset();
        uint16_t file_id = zone_.add_file(file);
        Scanner sc(text);
        std::vector<Token> toks;
        bool blank = false;
        uint32_t line = 0;
        std::string err;
        while (sc.next(toks, blank, line, err)) {
            if (errors_ >= opts_.max_errors) break;
            Location loc{file_id, line};
            if (!err.empty()) {
                report(loc, err);
                continue;
            }
            if (toks.empty()) continue;
            if (!blank && !toks[0].quoted && !toks[0].text.empty() && toks[0].text[0] == '$') {
                directive(toks, loc, file, depth);
                continue;
            }
            if (const char* e = record(toks, blank, loc); e)
                report(loc, e);
            else if (!error_.empty())
                report(loc, error_);
            error_.clear();
        }
        origin_ = saved_origin;
        origin_rdf_.reset();
    }

private:
    void report(Location loc, const std::string& msg) {
        ++errors_;
        diags_.push_back({Diagnostic::Severity::error, zone_.where(loc), loc.line, msg});
        if (errors_ == opts_.max_errors)
            diags_.push_back({Diagnostic::Severity::error, zone_.where(loc), loc.line,
                              "too many errors; giving up"});
    }

    void directive(const std::vector<Token>& toks, Location loc, const std::string& file,
                   unsigned depth) {
        std::string_view d = toks[0].text;
        auto is = [&](const char* s) { return strcasecmp(std::string(d).c_str(), s) == 0; };
        if (is("$ORIGIN")) {
            if (toks.size() != 2) return report(loc, "$ORIGIN takes exactly one domain name");
            auto n = Name::parse(toks[1].inner(), &origin_);
            if (!n) return report(loc, "$ORIGIN: " + n.error());
            origin_ = std::move(*n);
            origin_rdf_.reset();
        } else if (is("$TTL")) {
            if (toks.size() != 2) return report(loc, "$TTL takes exactly one TTL");
            auto t = parse_ttl(toks[1].inner());
            if (!t) return report(loc, "$TTL: bad TTL '" + std::string(toks[1].inner()) + "'");
            default_ttl_ = *t;
        } else if (is("$INCLUDE")) {
            if (toks.size() < 2 || toks.size() > 3)
                return report(loc, "$INCLUDE takes a file name and an optional origin");
            if (depth + 1 > opts_.max_include_depth)
                return report(loc, "$INCLUDE nested more than " +
                                       std::to_string(opts_.max_include_depth) + " deep");
            std::string path(toks[1].inner());
            if (path.empty() || path[0] != '/') {
                auto slash = file.rfind('/');
                if (slash != std::string::npos) path = file.substr(0, slash + 1) + path;
            }
            Name inc_origin = origin_;
            if (toks.size() == 3) {
                auto n = Name::parse(toks[2].inner(), &origin_);
                if (!n) return report(loc, "$INCLUDE origin: " + n.error());
                inc_origin = std::move(*n);
            }
            std::string text;
            try {
                text = read_file(path);
            } catch (const Error& e) {
                return report(loc, std::string("$INCLUDE: ") + e.what());
            }
            parse(text, path, inc_origin, depth + 1);
        } else {
            report(loc, "unsupported directive " + std::string(d));
        }
    }

    // Returns an error message, or nullptr (error_ may carry a longer message).
    const char* record(const std::vector<Token>& toks, bool blank, Location loc) {
        size_t i = 0;
        if (!blank) {
            if (toks[0].quoted) return "owner name must not be quoted";
            auto n = Name::parse(toks[0].text, &origin_);
            if (!n) {
                error_ = "owner: " + n.error();
                return nullptr;
            }
            owner_ = std::move(*n);
            have_owner_ = true;
            i = 1;
        } else if (!have_owner_) {
            return "record without an owner name (line starts with a blank and no earlier owner)";
        }
        std::optional<uint32_t> ttl;
        bool have_class = false;
        for (int k = 0; k < 2 && i < toks.size(); ++k) {
            std::string_view t = toks[i].text;
            if (toks[i].quoted || t.empty()) break;
            if (!ttl && t[0] >= '0' && t[0] <= '9') {
                ttl = parse_ttl(t);
                if (!ttl) {
                    error_ = "bad TTL '" + std::string(t) + "'";
                    return nullptr;
                }
                ++i;
            } else if (!have_class && dns::class_from_name(t)) {
                if (*dns::class_from_name(t) != zone_.rclass()) {
                    error_ = "class " + std::string(t) + " is not supported; zones are class IN";
                    return nullptr;
                }
                have_class = true;
                ++i;
            } else {
                break;
            }
        }
        if (i >= toks.size()) return "record has no type";
        auto type = dns::type_from_name(toks[i].text);
        if (!type || toks[i].quoted) {
            error_ = "unknown record type '" + std::string(toks[i].text) + "'";
            return nullptr;
        }
        if (!dns::is_data_type(*type)) {
            error_ = "meta type " + dns::type_name(*type) + " cannot be zone data (RFC 6895)";
            return nullptr;
        }
        ++i;
        if (!ttl) {
            if (default_ttl_)
                ttl = default_ttl_;
            else if (last_ttl_)
                ttl = last_ttl_;
            else
                return "record has no TTL and no $TTL is in effect";
        }
        last_ttl_ = ttl;
        rdata_.clear();
        const Token* rd = toks.data() + i;
        size_t nrd = toks.size() - i;
        const char* e = nullptr;
        bool generic = nrd > 0 && !rd[0].quoted && rd[0].text == "\\#";
        if (generic) {
            if ((e = generic_rdata(*type, rd, nrd))) {
                // check_rdata's messages already name the type.
                error_ =
                    e == generic_err_.c_str() ? generic_err_ : dns::type_name(*type) + ": " + e;
                return nullptr;
            }
        } else if (opts_.fast && fast_rdata(*type, rd, nrd, e)) {
            if (e) {
                error_ = dns::type_name(*type) + ": " + e;
                return nullptr;
            }
        } else if (!ldns_rdata(*type, toks, i)) {
            return nullptr;
        }
        if (rdata_.size() > 65535) return "RDATA longer than 65535 octets";
        zone_.add(owner_.wire(), *type, *ttl, rdata_, loc);
        return nullptr;
    }

    bool name_field(const Token& t, const char*& e) {
        if (t.quoted) {
            e = "domain name must not be quoted";
            return false;
        }
        auto n = Name::parse(t.text, &origin_);
        if (!n) {
            name_err_ = n.error();
            e = name_err_.c_str();
            return false;
        }
        rdata_.append(n->wire());
        return true;
    }

    bool u16_field(const Token& t, const char* what, const char*& e) {
        uint16_t v;
        if (t.quoted || !parse_u16(t.text, v)) {
            e = what;
            return false;
        }
        dns::put16(rdata_, v);
        return true;
    }

    // RFC 3597 generic form: \# LENGTH HEX..., checked against the type's layout, so that
    // "A \# 5 ..." is an error rather than a silently shortened address.
    const char* generic_rdata(uint16_t type, const Token* rd, size_t n) {
        uint16_t len = 0;
        if (n < 2 || rd[1].quoted || !parse_u16(rd[1].text, len)) return "\\# needs a length";
        auto nibble = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            c = char(c | 0x20);
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return -1;
        };
        std::string hex;
        for (size_t k = 2; k < n; ++k) {
            if (rd[k].quoted) return "\\# data must be hexadecimal";
            hex.append(rd[k].text);
        }
        if (hex.size() % 2) return "\\# data has an odd number of hex digits";
        for (size_t k = 0; k < hex.size(); k += 2) {
            int hi = nibble(hex[k]), lo = nibble(hex[k + 1]);
            if (hi < 0 || lo < 0) return "\\# data must be hexadecimal";
            rdata_.push_back(char(hi << 4 | lo));
        }
        if (rdata_.size() != len) return "\\# length does not match the data";
        if (auto ok = dns::check_rdata(type, rdata_); !ok) {
            generic_err_ = ok.error();
            return generic_err_.c_str();
        }
        return nullptr;
    }

    // RDATA made only of numbers, names and character-strings, read by the type's layout
    // (dns::rdata_layout): NS, CNAME, DNAME, PTR, MX, SRV, HINFO, MINFO, RP, AFSDB, RT, PX,
    // NAPTR, KX, MB, MG, MR, MD, MF.
    bool layout_rdata(uint16_t type, const Token* rd, size_t n, const char*& e) {
        std::string_view layout = dns::rdata_layout(type);
        if (layout.empty() || layout.find_first_not_of("12CcuS") != std::string_view::npos)
            return false;
        if (n != layout.size()) {
            e = n < layout.size() ? "missing RDATA fields" : "too many RDATA fields";
            return true;
        }
        for (size_t k = 0; k < n; ++k) {
            switch (layout[k]) {
            case '1': {
                uint16_t v;
                if (rd[k].quoted || !parse_u16(rd[k].text, v) || v > 255) {
                    e = "bad 8-bit number";
                    return true;
                }
                rdata_.push_back(char(v));
                break;
            }
            case '2':
                if (!u16_field(rd[k], "bad 16-bit number", e)) return true;
                break;
            case 'S':
                if ((e = append_charstring(rdata_, rd[k].inner()))) return true;
                break;
            default:
                if (!name_field(rd[k], e)) return true;
            }
        }
        return true;
    }

    // Converts the RDATA of the common types. Returns false when the type is not handled here.
    bool fast_rdata(uint16_t type, const Token* rd, size_t n, const char*& e) {
        auto count = [&](size_t want) {
            if (n != want) e = n < want ? "missing RDATA fields" : "too many RDATA fields";
            return n == want;
        };
        switch (type) {
        case rrtype::A:
        case rrtype::AAAA: {
            if (!count(1)) return true;
            char buf[64];
            std::string_view t = rd[0].text;
            unsigned char out[16];
            if (rd[0].quoted || t.size() >= sizeof buf) {
                e = type == rrtype::A ? "bad IPv4 address" : "bad IPv6 address";
                return true;
            }
            std::memcpy(buf, t.data(), t.size());
            buf[t.size()] = 0;
            if (inet_pton(type == rrtype::A ? AF_INET : AF_INET6, buf, out) != 1) {
                e = type == rrtype::A ? "bad IPv4 address" : "bad IPv6 address";
                return true;
            }
            rdata_.append(reinterpret_cast<char*>(out), type == rrtype::A ? 4 : 16);
            return true;
        }
        case rrtype::SOA: {
            if (!count(7) || !name_field(rd[0], e) || !name_field(rd[1], e)) return true;
            uint32_t serial;
            if (rd[2].quoted || !parse_u32(rd[2].text, serial)) {
                e = "bad serial";
                return true;
            }
            dns::put32(rdata_, serial);
            for (int k = 3; k < 7; ++k) {
                auto v = rd[k].quoted ? std::nullopt : parse_ttl(rd[k].text);
                if (!v) {
                    e = "bad SOA timer";
                    return true;
                }
                dns::put32(rdata_, *v);
            }
            return true;
        }
        case rrtype::TXT:
        case rrtype::SPF:
            if (n == 0) {
                e = "missing RDATA fields";
                return true;
            }
            for (size_t k = 0; k < n; ++k)
                if ((e = append_charstring(rdata_, rd[k].inner()))) return true;
            return true;
        case rrtype::CAA: { // RFC 8659: flags, tag, value
            if (!count(3)) return true;
            uint16_t flags;
            if (rd[0].quoted || !parse_u16(rd[0].text, flags) || flags > 255) {
                e = "bad flags";
                return true;
            }
            std::string_view tag = rd[1].text;
            if (rd[1].quoted || tag.empty() || tag.size() > 255) {
                e = "bad tag";
                return true;
            }
            for (char c : tag)
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                    e = "bad tag";
                    return true;
                }
            rdata_.push_back(char(flags));
            rdata_.push_back(char(tag.size()));
            rdata_.append(tag);
            e = append_unescaped(rdata_, rd[2].inner());
            return true;
        }
        default:
            return layout_rdata(type, rd, n, e);
        }
    }

    ldns_rdf* origin_rdf() {
        if (!origin_rdf_) {
            origin_rdf_.reset(
                ldns_dname_new_frm_data(uint16_t(origin_.wire_size()), origin_.wire().data()));
        }
        return origin_rdf_.get();
    }

    bool ldns_rdata(uint16_t type, const std::vector<Token>& toks, size_t rdata_start) {
        // The owner is not needed (only the RDATA is taken), and "@" keeps ldns's 255-character
        // token limit away from long escaped owners.
        std::string line = "@ 0 IN ";
        line += dns::type_name(type);
        for (size_t k = rdata_start; k < toks.size(); ++k) {
            // ldns takes "\#" anywhere as the RFC 3597 marker; only the first token may be.
            if (!toks[k].quoted && toks[k].text == "\\#") {
                error_ = dns::type_name(type) + ": \\# is only allowed as the first RDATA field";
                return false;
            }
            // An SvcParam written key="value" (RFC 9460 2.1) scans as two tokens; ldns needs
            // them joined again, so a quoted token right after "key=" gets no blank.
            bool svc_value =
                toks[k].quoted && k > rdata_start && !toks[k - 1].quoted &&
                !toks[k - 1].text.empty() && toks[k - 1].text.back() == '=' &&
                toks[k - 1].text.data() + toks[k - 1].text.size() == toks[k].text.data();
            if (!svc_value) line.push_back(' ');
            line.append(toks[k].text); // no NUL inside: the scanner refuses raw NUL bytes
        }
        ldns_rr* raw = nullptr;
        ldns_status st = ldns_rr_new_frm_str(&raw, line.c_str(), 0, origin_rdf(), nullptr);
        std::unique_ptr<ldns_rr, LdnsRr> rr(raw);
        if (st != LDNS_STATUS_OK) {
            error_ = dns::type_name(type) + ": " + ldns_get_errorstr_by_id(st);
            return false;
        }
        if (ldns_rr_get_type(rr.get()) != type) {
            error_ = dns::type_name(type) + ": ldns read the record as another type";
            return false;
        }
        ldns_buffer_clear(rdata_buf_.get());
        if (ldns_rr_rdata2buffer_wire(rdata_buf_.get(), rr.get()) != LDNS_STATUS_OK) {
            error_ = dns::type_name(type) + ": cannot encode RDATA";
            return false;
        }
        rdata_.assign(reinterpret_cast<const char*>(ldns_buffer_begin(rdata_buf_.get())),
                      ldns_buffer_position(rdata_buf_.get()));
        if (auto ok = dns::check_rdata(type, rdata_); !ok) {
            error_ = ok.error();
            return false;
        }
        return true;
    }

    Zone& zone_;
    Diagnostics& diags_;
    const ParseOptions& opts_;
    Name origin_;
    std::unique_ptr<ldns_rdf, LdnsRdf> origin_rdf_;
    std::unique_ptr<ldns_buffer, LdnsBuffer> rdata_buf_;
    Name owner_;
    bool have_owner_ = false;
    std::optional<uint32_t> default_ttl_, last_ttl_;
    std::string rdata_;
    std::string error_;
    std::string name_err_;
    std::string generic_err_;
    size_t errors_ = 0;
};

} // namespace

Zone parse_zone_text(std::string_view text, const std::string& display_name, const Name& origin,
                     Diagnostics& diags, const ParseOptions& opts) {
    Zone zone(origin);
    // A typical line is about 40 octets; reserving avoids regrowing large arenas.
    size_t est = text.size() / 40 + 16;
    zone.reserve(est, text.size() / 2, text.size() / 3);
    Parser p(zone, diags, opts);
    p.parse(text, display_name, origin, 0);
    return zone;
}

Zone parse_zone_file(const std::string& path, const Name& origin, Diagnostics& diags,
                     const ParseOptions& opts) {
    std::string text = read_file(path);
    return parse_zone_text(text, path == "-" ? std::string("<stdin>") : path, origin, diags, opts);
}

} // namespace endpointdns::zone
