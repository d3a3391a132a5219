// SPDX-License-Identifier: MIT
// Zone storage and normalization (canonical sort, duplicate removal, uniform RRset TTLs).
#include "zone/zone.hpp"

#include "error.hpp"

#include <algorithm>
#include <numeric>

namespace endpointdns::zone {

std::string Diagnostic::to_string() const {
    std::string s;
    if (!file.empty()) {
        s = file;
        if (line) {
            s += ':';
            s += std::to_string(line);
        }
        s += ": ";
    }
    s += is_error() ? "error: " : "warning: ";
    s += message;
    return s;
}

Rr RrView::to_rr() const {
    return Rr{Name::from_wire_unchecked(owner), type, cls, ttl, std::string(rdata)};
}

Zone::Zone(Name origin, uint16_t cls) : origin_(std::move(origin)), cls_(cls) {}

uint16_t Zone::add_file(std::string path) {
    for (size_t i = 0; i < files_.size(); ++i)
        if (files_[i] == path) return uint16_t(i + 1);
    if (files_.size() >= 65534) throw Error(ex_dataerr, "too many included files");
    files_.push_back(std::move(path));
    return uint16_t(files_.size());
}

std::string Zone::where(Location loc) const {
    if (loc.file == 0 || loc.file > files_.size()) return {};
    return files_[loc.file - 1];
}

std::string_view Zone::owner_of(const Record& r) const {
    return std::string_view(names_.data() + r.owner, r.owner_len);
}

RrView Zone::at(size_t i) const {
    const Record& r = recs_[i];
    return RrView{owner_of(r), r.type, cls_, r.ttl,
                  std::string_view(rdata_).substr(r.rdata, r.rdlen)};
}

void Zone::reserve(size_t records, size_t name_bytes, size_t rdata_bytes) {
    recs_.reserve(records);
    names_.reserve(name_bytes);
    rdata_.reserve(rdata_bytes);
}

void Zone::add(std::string_view owner, uint16_t type, uint32_t ttl, std::string_view rdata,
               Location loc) {
    if (rdata.size() > 65535) throw Error(ex_dataerr, "RDATA longer than 65535 octets");
    if (names_.size() > UINT32_MAX - 512 || rdata_.size() > UINT32_MAX - 65536)
        throw Error(ex_dataerr, "zone too large (over 4 GiB of names or RDATA)");
    // Runs of records with one owner (the usual zone-file layout) share one stored name.
    if (last_owner_ == UINT32_MAX || names_.size() - last_owner_ != owner.size() ||
        std::string_view(names_).substr(last_owner_) != owner) {
        // Everything that reads the arena trusts its names, so check each one stored.
        if (owner.empty() || dns::wire_name_length(reinterpret_cast<const uint8_t*>(owner.data()),
                                                   owner.size()) != owner.size())
            throw Error(ex_dataerr, "malformed owner name");
        last_owner_ = uint32_t(names_.size());
        names_.append(owner);
    }
    Record r{last_owner_, uint32_t(rdata_.size()), uint16_t(rdata.size()), type, ttl, loc.line,
             loc.file,    uint8_t(owner.size())};
    rdata_.append(rdata);
    recs_.push_back(r);
    normalized_ = false;
}

void Zone::normalize(Diagnostics* diags) {
    const size_t n = recs_.size();
    // 1. Rank the distinct owner names by canonical order. Records that share a stored owner
    //    share its rank, so each distinct name's key is computed once.
    std::vector<uint32_t> owner_offsets;
    owner_offsets.reserve(n / 2 + 1);
    for (size_t i = 0; i < n; ++i)
        if (owner_offsets.empty() || owner_offsets.back() != recs_[i].owner)
            owner_offsets.push_back(recs_[i].owner);
    if (!std::is_sorted(owner_offsets.begin(), owner_offsets.end())) // zone normalized before
        std::sort(owner_offsets.begin(), owner_offsets.end());
    owner_offsets.erase(std::unique(owner_offsets.begin(), owner_offsets.end()),
                        owner_offsets.end());
    std::vector<uint32_t> owner_index(n); // record -> index into owner_offsets
    for (size_t i = 0, k = 0; i < n; ++i) {
        if (owner_offsets[k] != recs_[i].owner)
            k = size_t(
                std::lower_bound(owner_offsets.begin(), owner_offsets.end(), recs_[i].owner) -
                owner_offsets.begin());
        owner_index[i] = uint32_t(k);
    }
    std::string keys;
    std::vector<uint32_t> key_off(owner_offsets.size() + 1);
    for (size_t k = 0; k < owner_offsets.size(); ++k) {
        key_off[k] = uint32_t(keys.size());
        const char* p = names_.data() + owner_offsets[k];
        size_t len = dns::wire_name_length(reinterpret_cast<const uint8_t*>(p),
                                           names_.size() - owner_offsets[k]);
        Name::from_wire_unchecked(std::string_view(p, len)).append_canonical_key(keys);
    }
    key_off[owner_offsets.size()] = uint32_t(keys.size());
    // Every key starts with the same bytes (the origin's labels, for in-zone names); skip that
    // common prefix and sort by the next eight bytes as an integer, comparing whole keys only
    // on ties. This turns most comparisons into one integer compare.
    size_t common = owner_offsets.empty() ? 0 : key_off[1] - key_off[0];
    for (size_t k = 1; k < owner_offsets.size() && common > 0; ++k) {
        size_t len = std::min<size_t>(common, key_off[k + 1] - key_off[k]), m = 0;
        while (m < len && keys[key_off[k] + m] == keys[m]) ++m;
        common = m;
    }
    auto key = [&](size_t k) {
        return std::string_view(keys).substr(key_off[k] + common,
                                             key_off[k + 1] - key_off[k] - common);
    };
    struct Keyed {
        uint64_t prefix;
        uint32_t owner;
    };
    std::vector<Keyed> order(owner_offsets.size());
    for (size_t k = 0; k < order.size(); ++k) {
        std::string_view kv = key(k);
        uint64_t pfx = 0;
        for (size_t b = 0; b < 8; ++b) pfx = (pfx << 8) | (b < kv.size() ? uint8_t(kv[b]) : 0);
        order[k] = Keyed{pfx, uint32_t(k)};
    }
    std::sort(order.begin(), order.end(), [&](const Keyed& a, const Keyed& b) {
        if (a.prefix != b.prefix) return a.prefix < b.prefix;
        return key(a.owner) < key(b.owner);
    });
    std::vector<uint32_t> rank(owner_offsets.size());
    size_t nranks = 0;
    for (size_t k = 0; k < order.size(); ++k) {
        if (k > 0 && (order[k].prefix != order[k - 1].prefix ||
                      key(order[k].owner) != key(order[k - 1].owner)))
            ++nranks;
        rank[order[k].owner] = uint32_t(nranks);
    }
    if (!order.empty()) ++nranks;
    keys.clear();
    keys.shrink_to_fit();
    order.clear();
    order.shrink_to_fit();

    // 2. Order the records by owner rank with a counting sort (stable: input order within a
    //    name), then each name's few records by (type, canonical RDATA, input position).
    std::vector<uint32_t>& rank_of = owner_index; // from here on: record -> owner rank
    for (auto& o : rank_of) o = rank[o];
    rank.clear();
    rank.shrink_to_fit();
    std::vector<uint32_t> start(nranks + 1, 0);
    for (size_t i = 0; i < n; ++i) ++start[rank_of[i] + 1];
    for (size_t r = 0; r < nranks; ++r) start[r + 1] += start[r];
    std::vector<uint32_t> idx(n);
    {
        std::vector<uint32_t> fill(start.begin(), start.end() - 1);
        for (size_t i = 0; i < n; ++i) idx[fill[rank_of[i]]++] = uint32_t(i);
    }
    auto rdata_of = [&](uint32_t i) {
        return std::string_view(rdata_).substr(recs_[i].rdata, recs_[i].rdlen);
    };
    auto by_type_rdata = [&](uint32_t a, uint32_t b) {
        if (recs_[a].type != recs_[b].type) return recs_[a].type < recs_[b].type;
        int c = dns::compare_rdata(recs_[a].type, rdata_of(a), rdata_of(b));
        if (c != 0) return c < 0;
        return a < b;
    };
    for (size_t r = 0; r < nranks; ++r)
        if (start[r + 1] - start[r] > 1)
            std::sort(idx.begin() + start[r], idx.begin() + start[r + 1], by_type_rdata);

    // 3. Rebuild in order, dropping duplicates and unifying TTLs within each RRset.
    std::vector<Record> out;
    out.reserve(n);
    for (size_t s = 0; s < n;) {
        size_t e = s + 1;
        uint32_t rs = rank_of[idx[s]];
        while (e < n && rank_of[idx[e]] == rs && recs_[idx[e]].type == recs_[idx[s]].type) ++e;
        // The RRset's TTL is that of its first record in input order (smallest index).
        uint32_t first = *std::min_element(idx.begin() + long(s), idx.begin() + long(e));
        uint32_t ttl = recs_[first].ttl;
        for (size_t k = s; k < e; ++k) {
            Record r = recs_[idx[k]];
            if (k > s && dns::compare_rdata(r.type, rdata_of(idx[k]), rdata_of(idx[k - 1])) == 0) {
                if (diags)
                    diags->push_back(
                        {Diagnostic::Severity::warning, where({r.file, r.line}), r.line,
                         "duplicate " + dns::type_name(r.type) + " record at " +
                             dns::Name::from_wire_unchecked(owner_of(r)).to_text() + " ignored"});
                continue;
            }
            if (r.ttl != ttl) {
                if (diags)
                    diags->push_back(
                        {Diagnostic::Severity::warning, where({r.file, r.line}), r.line,
                         "TTL " + std::to_string(r.ttl) + " differs from the TTL " +
                             std::to_string(ttl) + " of its RRset " +
                             dns::Name::from_wire_unchecked(owner_of(r)).to_text() + " " +
                             dns::type_name(r.type) + "; using " + std::to_string(ttl)});
                r.ttl = ttl;
            }
            out.push_back(r);
        }
        s = e;
    }
    recs_ = std::move(out);
    last_owner_ = UINT32_MAX;
    normalized_ = true;
}

bool Zone::same_owner(size_t i, size_t j) const {
    if (recs_[i].owner == recs_[j].owner) return true;
    return Name::equal_ci(owner_of(recs_[i]), owner_of(recs_[j]));
}

size_t Zone::rrset_end(size_t i) const {
    size_t e = i + 1;
    while (e < recs_.size() && recs_[e].type == recs_[i].type && same_owner(i, e)) ++e;
    return e;
}

size_t Zone::rrset_count() const {
    size_t c = 0;
    for (size_t i = 0; i < recs_.size(); i = rrset_end(i)) ++c;
    return c;
}

std::optional<RrView> Zone::soa() const {
    // After normalize the apex sorts first, and SOA (6) is one of its first types.
    for (size_t i = 0; i < recs_.size() && Name::equal_ci(owner_of(recs_[i]), origin_.wire()); ++i)
        if (recs_[i].type == dns::rrtype::SOA) return at(i);
    // Out-of-zone names (an invalid zone) may sort before the apex: search all.
    for (size_t i = 0; i < recs_.size(); ++i)
        if (recs_[i].type == dns::rrtype::SOA && Name::equal_ci(owner_of(recs_[i]), origin_.wire()))
            return at(i);
    return std::nullopt;
}

std::optional<uint32_t> Zone::serial() const {
    auto s = soa();
    if (!s) return std::nullopt;
    auto f = dns::parse_soa(s->rdata);
    if (!f) return std::nullopt;
    return f->serial;
}

} // namespace endpointdns::zone
