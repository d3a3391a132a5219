// SPDX-License-Identifier: MIT
// StateDir: zone files and checksummed delta journals on disk, crash-safe writes and loading.
#include "serve/state_dir.hpp"

#include "error.hpp"
#include "util/atomic_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <memory>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace endpointdns::serve {

// ---- journal format ---------------------------------------------------------------------------

namespace journal {

namespace {

constexpr char magic[3] = {'E', 'D', 'J'};

constexpr std::array<uint32_t, 256> make_table() {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        t[i] = c;
    }
    return t;
}
constexpr std::array<uint32_t, 256> crc_table = make_table();

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32c_sse42(const uint8_t* p, size_t n, uint32_t c) {
    uint64_t c64 = c;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        c64 = __builtin_ia32_crc32di(c64, v);
    }
    c = uint32_t(c64);
    for (; n > 0; --n) c = __builtin_ia32_crc32qi(c, *p++);
    return c;
}
bool have_sse42() {
    static const bool yes = (__builtin_cpu_init(), __builtin_cpu_supports("sse4.2"));
    return yes;
}
#endif

uint32_t get32(std::string_view s, size_t at) {
    return dns::get32(reinterpret_cast<const uint8_t*>(s.data()) + at);
}

std::optional<FileId> decode_id(std::string_view p) {
    if (p.size() != 12) return std::nullopt;
    return FileId{(uint64_t(get32(p, 0)) << 32) | get32(p, 4), get32(p, 8)};
}

bool all_zero(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == 0; });
}

std::string at(size_t offset) {
    return "offset " + std::to_string(offset);
}

} // namespace

uint32_t crc32c_portable(std::string_view data, uint32_t crc) {
    uint32_t c = ~crc;
    for (unsigned char b : data) c = crc_table[(c ^ b) & 0xff] ^ (c >> 8);
    return ~c;
}

uint32_t crc32c(std::string_view data, uint32_t crc) {
#if defined(__x86_64__)
    if (have_sse42())
        return ~crc32c_sse42(reinterpret_cast<const uint8_t*>(data.data()), data.size(), ~crc);
#endif
    return crc32c_portable(data, crc);
}

FileId file_id(std::string_view bytes) {
    return FileId{bytes.size(), crc32c(bytes)};
}

std::string encode_id(FileId id) {
    std::string s;
    dns::put32(s, uint32_t(id.size >> 32));
    dns::put32(s, uint32_t(id.size));
    dns::put32(s, id.crc);
    return s;
}

std::string frame(RecordType type, std::string_view payload) {
    std::string s(magic, 3);
    s.push_back(char(type));
    dns::put32(s, uint32_t(payload.size()));
    uint32_t crc = crc32c(payload, crc32c(s));
    dns::put32(s, crc);
    s.append(payload);
    return s;
}

Scan scan(std::string_view bytes) {
    Scan sc;
    size_t pos = 0;
    auto stop = [&](Scan::End end, const std::string& why) {
        sc.end = end;
        sc.problem = at(pos) + ": " + why;
    };
    while (pos < bytes.size()) {
        std::string_view rest = bytes.substr(pos);
        if (rest.size() < frame_size) {
            stop(Scan::End::torn, "record header cut short");
            break;
        }
        char t = rest[3];
        bool known = t == char(RecordType::zone) || t == char(RecordType::reset) ||
                     t == char(RecordType::delta);
        if (std::memcmp(rest.data(), magic, 3) != 0 || !known) {
            if (all_zero(rest))
                stop(Scan::End::torn, "zero-filled tail");
            else
                stop(Scan::End::damaged, "not a journal record");
            break;
        }
        size_t len = get32(rest, 4);
        if (len > max_payload) {
            stop(Scan::End::damaged, "record length " + std::to_string(len) + " out of range");
            break;
        }
        if (len > rest.size() - frame_size) {
            stop(Scan::End::torn, "record of " + std::to_string(len) + " octets cut short");
            break;
        }
        std::string_view payload = rest.substr(frame_size, len);
        if (crc32c(payload, crc32c(rest.substr(0, 8))) != get32(rest, 8)) {
            bool last = frame_size + len == rest.size();
            stop(last ? Scan::End::torn : Scan::End::damaged, "checksum mismatch");
            break;
        }
        sc.records.push_back(Record{RecordType(t), pos, payload});
        pos += frame_size + len;
    }
    sc.good_bytes = pos;
    return sc;
}

Replay replay(std::string_view bytes, const Name& origin, FileId file, uint32_t serial) {
    Replay r;
    r.scan = scan(bytes);
    const auto& recs = r.scan.records;
    if (r.scan.end == Scan::End::torn)
        r.warnings.push_back("torn tail at " + r.scan.problem + "; cut off");
    else if (r.scan.end == Scan::End::damaged)
        r.errors.push_back("damaged at " + r.scan.problem + "; later records ignored");

    // The last zone or reset record naming this file decides; later ones win.
    bool any_base = false, malformed = false;
    std::optional<size_t> match;
    for (size_t i = 0; i < recs.size(); ++i) {
        if (recs[i].type == RecordType::delta) continue;
        auto id = decode_id(recs[i].payload);
        if (!id) {
            r.errors.push_back(at(recs[i].offset) + ": malformed zone record");
            malformed = true;
            continue;
        }
        any_base = true;
        if (*id == file) match = i;
    }
    if (!match) {
        r.base = any_base ? Replay::Base::mismatch : Replay::Base::none;
        if (!any_base && !recs.empty())
            r.errors.push_back("no zone record: the journal's deltas are ignored");
        r.rewrite = !any_base; // mismatch: keep the evidence, the zone is not loaded
        return r;
    }
    if (recs[*match].type == RecordType::reset) {
        r.base = Replay::Base::reset;
        r.rewrite = true; // a write_zone that did not finish replacing the journal
        return r;
    }
    r.base = Replay::Base::zone;
    // A torn tail alone is cut off instead.
    r.rewrite = *match != 0 || malformed || r.scan.end == Scan::End::damaged;

    // Every delta of the file's history, steps in order, starting at the step from `serial`.
    uint32_t cur = serial;
    bool started = false;
    for (size_t i = 0; i < recs.size(); ++i) {
        if (recs[i].type != RecordType::delta) continue;
        zone::StreamReader reader(recs[i].payload);
        std::vector<zone::Delta> got;
        std::string bad;
        for (;;) {
            zone::StreamItem item;
            auto more = reader.next(item);
            if (!more) {
                bad = more.error();
                break;
            }
            if (!*more) break;
            if (item.kind != zone::StreamItem::Kind::delta || item.delta.origin != origin) {
                bad = "not a delta of " + origin.to_text();
                break;
            }
            got.push_back(std::move(item.delta));
        }
        if (bad.empty() && got.empty()) bad = "empty record";
        if (!bad.empty()) {
            r.errors.push_back(at(recs[i].offset) + ": unreadable delta (" + bad +
                               "); it and later records ignored");
            r.rewrite = true;
            return r;
        }
        bool used = false;
        const size_t first_of_record = r.deltas.size();
        for (zone::Delta& d : got) {
            zone::Delta keep;
            keep.origin = d.origin;
            for (zone::DeltaStep& s : d.steps) {
                auto from = dns::parse_soa(s.from_soa.rdata);
                auto to = dns::parse_soa(s.to_soa.rdata);
                if (!from || !to) {
                    r.errors.push_back(at(recs[i].offset) + ": delta with a malformed SOA; it " +
                                       "and later records ignored");
                    r.rewrite = true;
                    return r;
                }
                if (!started && from->serial != cur) continue; // stale: before the file's serial
                if (from->serial != cur) {
                    r.deltas.resize(first_of_record); // a record is used whole or not at all
                    r.errors.push_back(at(recs[i].offset) + ": delta from serial " +
                                       std::to_string(from->serial) + " does not continue from " +
                                       std::to_string(cur) + " (gap); it and later ignored");
                    r.rewrite = true;
                    return r;
                }
                started = true;
                cur = to->serial;
                keep.steps.push_back(std::move(s));
            }
            if (!keep.steps.empty()) {
                r.deltas.push_back(std::move(keep));
                used = true;
            }
        }
        if (used)
            r.used.push_back(i);
        else
            r.rewrite = true; // a stale record, dropped when the file is rewritten
    }
    return r;
}

} // namespace journal

// ---- file helpers -----------------------------------------------------------------------------

namespace {

[[noreturn]] void io_fail(int code, const std::string& what, const std::string& path, int err) {
    throw Error(code, "state dir: cannot " + what + " " + path + ": " + std::strerror(err));
}

// Replaces path with the concatenation of parts (temporary file, fsync, rename, fsync dir).
void replace_file(const std::string& path, std::initializer_list<std::string_view> parts) {
    try {
        util::AtomicFile f(path);
        for (std::string_view p : parts) f.write(p);
        f.commit();
    } catch (const Error& e) {
        throw Error(e.code(), std::string("state dir: ") + e.what());
    }
}

// The whole file, or nullopt when it does not exist. Throws Error(ex_ioerr) otherwise.
std::optional<std::string> read_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::nullopt;
        io_fail(ex_ioerr, "read", path, errno);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        io_fail(ex_ioerr, "read", path, e);
    }
    std::string data;
    data.resize(size_t(st.st_size));
    size_t got = 0;
    for (;;) { // one read for the whole file; loops only on short reads or growth
        if (got == data.size()) data.resize(data.size() + 65536);
        ssize_t n = ::read(fd, data.data() + got, data.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            io_fail(ex_ioerr, "read", path, e);
        }
        if (n == 0) break;
        got += size_t(n);
    }
    ::close(fd);
    data.resize(got);
    return data;
}

void sync_dir(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) io_fail(ex_ioerr, "open", dir, errno);
    if (::fsync(fd) != 0) {
        int e = errno;
        ::close(fd);
        io_fail(ex_ioerr, "sync", dir, e);
    }
    ::close(fd);
}

// Appends bytes to an existing file and fdatasyncs it (unless !sync: the caller syncs it).
// False when the file does not exist.
// On failure the file is cut back to its old size, so a failed append leaves no torn record.
bool append_file(const std::string& path, std::string_view bytes, bool sync = true) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return false;
        io_fail(ex_ioerr, "write", path, errno);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        io_fail(ex_ioerr, "write", path, e);
    }
    int err = 0;
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            err = errno;
            break;
        }
        bytes.remove_prefix(size_t(n));
    }
    if (err == 0 && sync && ::fdatasync(fd) != 0) err = errno;
    if (err != 0) {
        if (::ftruncate(fd, st.st_size) == 0) ::fdatasync(fd);
        ::close(fd);
        io_fail(ex_ioerr, "write", path, err);
    }
    if (::close(fd) != 0) io_fail(ex_ioerr, "write", path, errno);
    return true;
}

// A temporary file beside `path`, written and closed but not synced (write_zones syncs the
// whole batch at once); rename_in() puts it in place. Removed unless renamed.
class TempFile {
public:
    TempFile(const std::string& path, std::initializer_list<std::string_view> parts) : path_(path) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
            throw Error(ex_cantcreat, "state dir: cannot create " + path + ": is a directory");
        std::string t = path + ".tmp.XXXXXX";
        int fd = ::mkostemp(t.data(), O_CLOEXEC);
        if (fd < 0) io_fail(ex_cantcreat, "create", path, errno);
        tmp_ = t;
        ::fchmod(fd, 0644);
        try {
            for (std::string_view p : parts) util::write_all(fd, p, path);
        } catch (const Error& e) {
            ::close(fd);
            throw Error(e.code(), std::string("state dir: ") + e.what());
        }
        if (::close(fd) != 0) io_fail(ex_ioerr, "write", path, errno);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (!tmp_.empty()) ::unlink(tmp_.c_str());
    }
    void rename_in() {
        if (::rename(tmp_.c_str(), path_.c_str()) != 0) io_fail(ex_ioerr, "rename", tmp_, errno);
        tmp_.clear();
    }

private:
    std::string path_, tmp_;
};

// Cuts a file back to `size` octets, durably.
void truncate_file(const std::string& path, size_t size) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) io_fail(ex_ioerr, "truncate", path, errno);
    if (::ftruncate(fd, off_t(size)) != 0 || ::fsync(fd) != 0) {
        int e = errno;
        ::close(fd);
        io_fail(ex_ioerr, "truncate", path, e);
    }
    ::close(fd);
}

size_t file_size(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? size_t(st.st_size) : 0;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "<x>.xfr.tmp.XXXXXX" or "<x>.jnl.tmp.XXXXXX" (and the .damaged copy's): AtomicFile leftovers.
bool is_temp(std::string_view name) {
    auto t = name.rfind(".tmp.");
    if (t == std::string_view::npos || name.size() - t != 11) return false;
    std::string_view base = name.substr(0, t);
    return ends_with(base, ".xfr") || ends_with(base, ".jnl") || ends_with(base, ".jnl.damaged");
}

uint64_t fnv1a(std::string_view s) {
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

} // namespace

// ---- StateDir ---------------------------------------------------------------------------------

StateDir::StateDir(std::string dir, Access access) : dir_(std::move(dir)), access_(access) {
    while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
    if (dir_.empty()) dir_ = ".";
    if (read_only()) {
        struct stat st {};
        if (::stat(dir_.c_str(), &st) != 0) io_fail(ex_noinput, "open", dir_, errno);
        if (!S_ISDIR(st.st_mode)) io_fail(ex_noinput, "open", dir_, ENOTDIR);
        return;
    }
    // mkdir -p, each missing level 0700.
    for (size_t i = 1; i <= dir_.size(); ++i) {
        if (i < dir_.size() && dir_[i] != '/') continue;
        std::string part = dir_.substr(0, i);
        if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
            io_fail(ex_cantcreat, "create", part, errno);
    }
    struct stat st {};
    if (::stat(dir_.c_str(), &st) != 0) io_fail(ex_cantcreat, "create", dir_, errno);
    if (!S_ISDIR(st.st_mode)) io_fail(ex_cantcreat, "create", dir_, ENOTDIR);
}

std::string StateDir::file_stem(const Name& origin) {
    if (origin.is_root()) return "@root";
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    std::string_view w = origin.wire();
    for (size_t i = 0; i < w.size() && w[i] != 0;) {
        size_t len = uint8_t(w[i]);
        if (!out.empty()) out.push_back('.');
        for (size_t k = 1; k <= len && i + k < w.size(); ++k) {
            uint8_t c = dns::ascii_lower(uint8_t(w[i + k]));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                out.push_back(char(c));
            } else {
                out.push_back('%');
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 15]);
            }
        }
        i += len + 1;
    }
    if (out.size() > 200) {
        uint64_t h = fnv1a(out);
        out.resize(183);
        out.push_back('~');
        for (int s = 60; s >= 0; s -= 4) out.push_back(hex[(h >> s) & 15]);
    }
    return out;
}

void StateDir::check_writable() const {
    if (read_only()) throw Error(ex_software, "state dir: " + dir_ + " is open read-only");
}

std::string StateDir::file(const Name& origin, const char* suffix) const {
    return dir_ + "/" + file_stem(origin) + suffix;
}

size_t StateDir::zone_bytes(const Name& origin) const {
    return file_size(file(origin, ".xfr"));
}

size_t StateDir::journal_bytes(const Name& origin) const {
    return file_size(file(origin, ".jnl"));
}

void StateDir::write_zone(const Name& origin, std::string_view stream) {
    check_writable();
    using journal::RecordType;
    const std::string xfr = file(origin, ".xfr"), jnl = file(origin, ".jnl");
    std::string payload = journal::encode_id(journal::file_id(stream));
    // 1. The old journal learns that a zone file with this content replaces its history, so a
    //    crash after step 2 loads the new file without the old deltas.
    append_file(jnl, journal::frame(RecordType::reset, payload));
    // 2. The new zone file.
    replace_file(xfr, {stream});
    // 3. A journal that continues from the new file.
    replace_file(jnl, {journal::frame(RecordType::zone, payload)});
}

void StateDir::write_zones(const std::vector<ZoneWrite>& batch) {
    check_writable();
    using journal::RecordType;
    if (batch.empty()) return;
    auto step = [&](std::string_view name, size_t i) {
        if (fault_hook) fault_hook(name, i);
    };
    struct Item {
        std::string xfr, jnl, payload;
        std::unique_ptr<TempFile> new_xfr, new_jnl;
    };
    std::vector<Item> items(batch.size());
    {
        std::vector<std::string> stems;
        stems.reserve(batch.size());
        for (const auto& w : batch) stems.push_back(file_stem(w.origin));
        std::sort(stems.begin(), stems.end());
        auto dup = std::adjacent_find(stems.begin(), stems.end());
        if (dup != stems.end())
            throw Error(ex_software, "state dir: zone " + *dup + " twice in one batch");
    }
    // Opened first: syncfs reports the write-back errors of the file system since then.
    int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) io_fail(ex_ioerr, "open", dir_, errno);
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{dfd};
    auto sync_all = [&](std::string_view name) {
        step(name, 0);
        if (::fsync(dfd) != 0) io_fail(ex_ioerr, "sync", dir_, errno);
    };
    // 1. Each old journal learns that a zone file with the new content replaces its history
    //    (as in write_zone), not yet synced.
    for (size_t i = 0; i < batch.size(); ++i) {
        Item& it = items[i];
        it.xfr = file(batch[i].origin, ".xfr");
        it.jnl = file(batch[i].origin, ".jnl");
        it.payload = journal::encode_id(journal::file_id(batch[i].stream));
        step("append", i);
        append_file(it.jnl, journal::frame(RecordType::reset, it.payload), false);
    }
    // 2. The new zone files and journals, as temporary files, not yet synced.
    for (size_t i = 0; i < batch.size(); ++i) {
        Item& it = items[i];
        step("temp", i);
        it.new_xfr = std::make_unique<TempFile>(
            it.xfr, std::initializer_list<std::string_view>{batch[i].stream});
        it.new_jnl = std::make_unique<TempFile>(
            it.jnl,
            std::initializer_list<std::string_view>{journal::frame(RecordType::zone, it.payload)});
    }
    // 3. All of it durable at once: the reset records before any zone file is renamed in (a
    //    crash after a rename must find the reset record), the temporary files before their
    //    renames. One syncfs was much faster here than an fsync of each file (measured:
    //    docs/dns-serve-state.md).
    step("sync", 0);
    if (::syncfs(dfd) != 0) io_fail(ex_ioerr, "sync", dir_, errno);
    // 4. The new zone files, durable before any journal is replaced: a new journal beside the
    //    old zone file would not match it, and the zone would not load.
    for (size_t i = 0; i < batch.size(); ++i) {
        step("rename-xfr", i);
        items[i].new_xfr->rename_in();
    }
    sync_all("sync-dir-xfr");
    // 5. The journals that continue from the new files.
    for (size_t i = 0; i < batch.size(); ++i) {
        step("rename-jnl", i);
        items[i].new_jnl->rename_in();
    }
    sync_all("sync-dir-jnl");
}

void StateDir::append_delta(const Name& origin, std::string_view stream) {
    check_writable();
    // Only what the loader will accept: deltas of this zone, each continuing the previous one.
    auto refuse = [&](const std::string& why) {
        throw Error(ex_dataerr, "state dir: delta for " + origin.to_text() + ": " + why);
    };
    zone::StreamReader reader(stream);
    size_t items = 0;
    uint32_t last_to = 0;
    for (;;) {
        zone::StreamItem item;
        auto more = reader.next(item);
        if (!more) refuse(more.error());
        if (!*more) break;
        if (item.kind != zone::StreamItem::Kind::delta || item.delta.origin != origin)
            refuse("the stream holds something else than deltas of this zone");
        for (const auto& s : item.delta.steps)
            if (!dns::parse_soa(s.from_soa.rdata) || !dns::parse_soa(s.to_soa.rdata))
                refuse("malformed SOA");
        if (items > 0 && item.delta.from_serial() != last_to)
            refuse("serial " + std::to_string(item.delta.from_serial()) +
                   " does not continue from " + std::to_string(last_to));
        last_to = item.delta.to_serial();
        ++items;
    }
    if (items == 0) refuse("empty stream");

    const std::string jnl = file(origin, ".jnl");
    std::string record = journal::frame(journal::RecordType::delta, stream);
    if (append_file(jnl, record)) return;
    // No journal yet (a zone file put in place by hand, or an interrupted write_zone of a new
    // zone): start one that names the zone file.
    const std::string xfr = file(origin, ".xfr");
    auto bytes = read_file(xfr);
    if (!bytes) io_fail(ex_cantcreat, "write", jnl, ENOENT);
    replace_file(jnl, {journal::frame(journal::RecordType::zone,
                                      journal::encode_id(journal::file_id(*bytes))),
                       record});
}

void StateDir::compact(const Name& origin, std::string_view stream, uint32_t serial) {
    check_writable();
    using journal::RecordType;
    const std::string xfr = file(origin, ".xfr"), jnl = file(origin, ".jnl");
    std::string payload = journal::encode_id(journal::file_id(stream));

    // The records to keep: from the one that holds the step starting at `serial`. Searched
    // from the end: a compaction is usually a few deltas behind, so few records are parsed.
    std::string kept;
    if (auto old = read_file(jnl)) {
        journal::Scan sc = journal::scan(*old);
        std::optional<size_t> from;
        for (size_t i = sc.records.size(); i-- > 0 && !from;) {
            if (sc.records[i].type != RecordType::delta) continue;
            zone::StreamReader reader(sc.records[i].payload);
            zone::StreamItem item;
            while (!from) {
                auto more = reader.next(item);
                if (!more || !*more) break;
                if (item.kind != zone::StreamItem::Kind::delta) continue;
                for (const auto& s : item.delta.steps) {
                    auto soa = dns::parse_soa(s.from_soa.rdata);
                    if (soa && soa->serial == serial) from = sc.records[i].offset;
                }
            }
        }
        if (from) kept = old->substr(*from, sc.good_bytes - *from);
        // 1. The old journal learns that the new file is a state of its history: a crash after
        //    step 2 loads the new file and the old journal's deltas from `serial` on.
        append_file(jnl, journal::frame(RecordType::zone, payload));
    }
    // 2. The new zone file.
    replace_file(xfr, {stream});
    // 3. The journal without the records before `serial`.
    replace_file(jnl, {journal::frame(RecordType::zone, payload), kept});
}

void StateDir::remove(const Name& origin) {
    check_writable();
    // The zone file first: a crash in between leaves a journal without a zone file, which
    // load() removes, never a zone file without the deltas it needs.
    for (const char* suffix : {".xfr", ".jnl", ".jnl.damaged"}) {
        std::string p = file(origin, suffix);
        if (::unlink(p.c_str()) != 0 && errno != ENOENT) io_fail(ex_ioerr, "remove", p, errno);
    }
    sync_dir(dir_);
}

void StateDir::load(const std::function<void(Loaded&&)>& on_zone,
                    const std::function<void(const std::string&)>& on_error,
                    const Prebuilt& prebuilt) const {
    DIR* d = ::opendir(dir_.c_str());
    if (!d) {
        on_error(dir_ + ": cannot read: " + std::strerror(errno));
        return;
    }
    std::vector<std::string> zones, journals, temps, images;
    while (dirent* e = ::readdir(d)) {
        std::string_view name = e->d_name;
        if (is_temp(name) || ends_with(name, ".idx.tmp"))
            temps.emplace_back(name);
        else if (ends_with(name, ".idx") && name.size() > 4)
            images.emplace_back(name.substr(0, name.size() - 4));
        else if (ends_with(name, ".xfr") && name.size() > 4)
            zones.emplace_back(name.substr(0, name.size() - 4));
        else if (ends_with(name, ".jnl") && name.size() > 4)
            journals.emplace_back(name.substr(0, name.size() - 4));
    }
    ::closedir(d);
    std::sort(zones.begin(), zones.end());
    bool changed = false;
    if (read_only()) { // they may be a running server's, in use
        temps.clear();
        journals.clear();
        images.clear();
    }
    // Index images (the store's, serve/image.hpp) of zones whose file is gone: a crash between
    // removing a zone and its image.
    for (const auto& i : images) {
        if (std::binary_search(zones.begin(), zones.end(), i)) continue;
        std::string p = dir_ + "/" + i + ".idx";
        if (::unlink(p.c_str()) == 0) {
            on_error(p + ": warning: removed an index image without a zone file");
            changed = true;
        }
    }
    for (const auto& t : temps) {
        std::string p = dir_ + "/" + t;
        if (::unlink(p.c_str()) == 0) {
            on_error(p + ": warning: removed the temporary file of an interrupted write");
            changed = true;
        }
    }
    for (const auto& j : journals) {
        if (std::binary_search(zones.begin(), zones.end(), j)) continue;
        std::string p = dir_ + "/" + j + ".jnl";
        if (::unlink(p.c_str()) == 0) {
            on_error(p + ": warning: removed a journal without a zone file (interrupted removal)");
            changed = true;
        }
    }
    if (changed) {
        try {
            sync_dir(dir_);
        } catch (const Error& e) {
            on_error(e.what());
        }
    }
    for (const auto& stem : zones) {
        try {
            load_one(stem, on_zone, on_error, prebuilt);
        } catch (const std::exception& e) {
            on_error(dir_ + "/" + stem + ".xfr: " + e.what());
        }
    }
}

void StateDir::load_one(const std::string& stem, const std::function<void(Loaded&&)>& on_zone,
                        const std::function<void(const std::string&)>& on_error,
                        const Prebuilt& prebuilt) const {
    const std::string xfr = dir_ + "/" + stem + ".xfr", jnl = dir_ + "/" + stem + ".jnl";
    auto bytes = read_file(xfr);
    if (!bytes) return; // removed since the directory was read

    journal::FileId id = journal::file_id(*bytes); // read once: the journal's and the image's
    if (prebuilt) {
        if (auto pre = prebuilt(stem, xfr, id.crc)) {
            if (file_stem(pre->first) != stem)
                return on_error(xfr + ": prebuilt zone " + pre->first.to_text() +
                                " does not belong to this file");
            Loaded out{zone::Zone(pre->first), {}, xfr, stem, true};
            return finish_load(std::move(out), id, pre->second, jnl, on_zone, on_error);
        }
    }
    zone::StreamReader reader(*bytes);
    zone::StreamItem item;
    auto got = reader.next(item);
    if (!got) return on_error(xfr + ": " + got.error());
    if (!*got) return on_error(xfr + ": empty file");
    if (item.kind != zone::StreamItem::Kind::full || !item.zone)
        return on_error(xfr + ": not a full zone");
    zone::StreamItem extra;
    auto more = reader.next(extra);
    if (!more || *more) return on_error(xfr + ": more than one zone or delta in the file");
    if (file_stem(item.zone->origin()) != stem)
        return on_error(xfr + ": holds zone " + item.zone->origin().to_text() +
                        ", whose file would be " + file_stem(item.zone->origin()) + ".xfr");
    auto serial = item.zone->serial();
    if (!serial) return on_error(xfr + ": no SOA at the apex");
    bytes.reset(); // the zone holds its own copy

    Loaded out{std::move(*item.zone), {}, xfr, stem, false};
    finish_load(std::move(out), id, *serial, jnl, on_zone, on_error);
}

// The journal part of loading one zone: replay, report, repair, hand the zone over.
void StateDir::finish_load(Loaded&& out, journal::FileId id, uint32_t serial,
                           const std::string& jnl, const std::function<void(Loaded&&)>& on_zone,
                           const std::function<void(const std::string&)>& on_error) const {
    const std::string& xfr = out.file;
    if (auto jbytes = read_file(jnl)) {
        journal::Replay r = journal::replay(*jbytes, out.zone.origin(), id, serial);
        if (r.base == journal::Replay::Base::mismatch)
            return on_error(xfr +
                            ": does not match its journal (damaged, or replaced without "
                            "removing " +
                            jnl + "); zone skipped");
        for (const auto& w : r.warnings) on_error(std::string(jnl).append(": warning: ").append(w));
        for (const auto& e : r.errors) on_error(std::string(jnl).append(": ").append(e));
        out.deltas = std::move(r.deltas);
        if (read_only()) return on_zone(std::move(out));
        if (!r.errors.empty()) { // keep what was there for inspection
            try {
                replace_file(jnl + ".damaged", {*jbytes});
            } catch (const Error& e) {
                on_error(e.what());
            }
        }
        try {
            if (r.rewrite) {
                std::string fresh =
                    journal::frame(journal::RecordType::zone, journal::encode_id(id));
                for (size_t i : r.used) {
                    const auto& rec = r.scan.records[i];
                    fresh.append(*jbytes, rec.offset, rec.end() - rec.offset);
                }
                replace_file(jnl, {fresh});
            } else if (r.scan.end == journal::Scan::End::torn) {
                truncate_file(jnl, r.scan.good_bytes);
            }
        } catch (const Error& e) {
            on_error(e.what());
        }
    }
    on_zone(std::move(out));
}

} // namespace endpointdns::serve
