// SPDX-License-Identifier: MIT
// Zone history from the change journal: versions, the records a change moved, a zone as of a
// version.
#include "store/history.hpp"

#include "dns/name.hpp"
#include "dns/rr.hpp"
#include "error.hpp"
#include "zone/content.hpp"

#include <algorithm>

namespace endpointdns::store {

namespace {

const char* const change_columns =
    "id, kind, serial_from, serial_to, actor, remote, summary, "
    "DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%fZ'), domain_id, account_id, zone";

// Reads change_columns, then (with_data) removed and added.
Change read_change(const Rows& r, bool with_data) {
    Change ch;
    ch.id = r.u64(1);
    ch.kind = r.str(2);
    ch.serial_from = uint32_t(r.u64(3));
    ch.serial_to = uint32_t(r.u64(4));
    ch.actor = r.str(5);
    ch.remote = r.str(6);
    ch.summary = r.str(7);
    ch.created_at = api_time(r, 8);
    ch.domain_id = r.u64(9);
    ch.account_id = r.u64(10);
    ch.zone = r.str(11);
    if (with_data) {
        ch.removed = r.str(12);
        ch.added = r.str(13);
    }
    return ch;
}

std::string label(const std::string& name, uint16_t type) {
    return name + " " + dns::type_name(type);
}

} // namespace

Result<std::vector<JournalRr>> parse_journal_rrs(std::string_view column) {
    std::vector<JournalRr> out;
    const auto* p = reinterpret_cast<const uint8_t*>(column.data());
    const size_t n = column.size();
    size_t at = 0;
    while (at < n) {
        size_t owner_len = dns::wire_name_length(p + at, n - at);
        if (owner_len == 0)
            return fail("journal record at octet " + std::to_string(at) +
                        ": the owner name is malformed, compressed or cut short");
        if (n - at - owner_len < 10)
            return fail("journal record at octet " + std::to_string(at) + " is cut short");
        JournalRr rr;
        rr.owner.assign(column.substr(at, owner_len));
        const uint8_t* f = p + at + owner_len;
        rr.type = dns::get16(f);
        rr.cls = dns::get16(f + 2);
        rr.ttl = dns::get32(f + 4);
        size_t rdlen = dns::get16(f + 8);
        size_t rdata_at = at + owner_len + 10;
        if (n - rdata_at < rdlen)
            return fail("journal record at octet " + std::to_string(at) + ": its RDATA of " +
                        std::to_string(rdlen) + " octets is cut short");
        rr.rdata.assign(column.substr(rdata_at, rdlen));
        out.push_back(std::move(rr));
        at = rdata_at + rdlen;
    }
    return out;
}

std::string owner_text(std::string_view wire) {
    std::string s = dns::Name::from_wire_unchecked(wire).lowercased().to_text();
    s.pop_back(); // the trailing dot (the root becomes "")
    return s;
}

Result<bool> undo_change(RrsetMap& zone, const Change& change) {
    const std::string which = "change " + std::to_string(change.id) + " (serial " +
                              std::to_string(change.serial_from) + " -> " +
                              std::to_string(change.serial_to) + ")";
    auto added = parse_journal_rrs(change.added);
    if (!added) return fail(which + ", added records: " + added.error());
    auto removed = parse_journal_rrs(change.removed);
    if (!removed) return fail(which + ", removed records: " + removed.error());
    for (const auto& rr : *added) {
        if (rr.cls != dns::rrclass::IN) return fail(which + " added a record of another class");
        std::pair<std::string, uint16_t> key{owner_text(rr.owner), rr.type};
        auto it = zone.find(key);
        if (it == zone.end())
            return fail(which + " added a " + label(key.first, key.second) +
                        " record, and the zone as it was after it has no such RRset");
        auto& recs = it->second.records;
        auto hit = std::find_if(recs.begin(), recs.end(),
                                [&](const Record& x) { return x.rdata == rr.rdata; });
        if (hit == recs.end())
            return fail(which + " added a " + label(key.first, key.second) +
                        " record that the zone as it was after it does not hold");
        recs.erase(hit);
        it->second.changed_serial = 0;
        it->second.changed_at.clear();
        if (recs.empty()) zone.erase(it);
    }
    for (const auto& rr : *removed) {
        if (rr.cls != dns::rrclass::IN) return fail(which + " removed a record of another class");
        std::pair<std::string, uint16_t> key{owner_text(rr.owner), rr.type};
        auto [it, fresh] = zone.try_emplace(key);
        Rrset& s = it->second;
        if (fresh) {
            s.name = key.first;
            s.type = key.second;
        }
        if (std::any_of(s.records.begin(), s.records.end(),
                        [&](const Record& x) { return x.rdata == rr.rdata; }))
            return fail(which + " removed a " + label(key.first, key.second) +
                        " record that the zone as it was after it still holds");
        auto text = zone::content_text(rr.type, rr.rdata);
        if (!text)
            return fail(which + " removed a " + label(key.first, key.second) +
                        " record that cannot be shown as text: " + text.error());
        s.ttl = rr.ttl;
        s.records.push_back({std::move(*text), rr.rdata});
        s.changed_serial = 0;
        s.changed_at.clear();
    }
    return true;
}

void for_each_change(Conn& c, uint64_t domain_id, uint32_t from, uint32_t to,
                     const std::function<bool(const Change&)>& fn, size_t batch) {
    if (batch == 0) batch = 1;
    const std::string sql = std::string("SELECT ") + change_columns +
                            ", removed, added FROM changes WHERE domain_id = ? AND serial_to > ? "
                            "AND serial_to <= ? ORDER BY serial_to DESC LIMIT ?";
    uint32_t upper = to;
    while (upper > from) {
        std::vector<Change> rows;
        {
            Rows r = c.prepare(sql)
                         .add(domain_id)
                         .add(uint64_t(from))
                         .add(uint64_t(upper))
                         .add(uint64_t(batch))
                         .query();
            while (r.next()) rows.push_back(read_change(r, true));
        }
        for (const auto& ch : rows)
            if (!fn(ch)) return;
        if (rows.size() < batch) return;
        upper = rows.back().serial_to - 1;
    }
}

std::vector<Change> list_changes(Conn& c, uint64_t domain_id, uint32_t before, size_t limit) {
    Rows r = c.prepare(std::string("SELECT ") + change_columns +
                       " FROM changes WHERE domain_id = ? AND serial_to < ? "
                       "ORDER BY serial_to DESC LIMIT ?")
                 .add(domain_id)
                 .add(before ? uint64_t(before) : uint64_t(1) << 32)
                 .add(uint64_t(limit))
                 .query();
    std::vector<Change> out;
    while (r.next()) out.push_back(read_change(r, false));
    return out;
}

std::optional<Change> change_by_id(Conn& c, uint64_t id) {
    Rows r = c.prepare(std::string("SELECT ") + change_columns + " FROM changes WHERE id = ?")
                 .add(id)
                 .query();
    if (!r.next()) return std::nullopt;
    return read_change(r, false);
}

std::vector<Change> changes_after(Conn& c, uint64_t since, std::optional<uint64_t> account_id,
                                  const std::optional<std::string>& zone, size_t limit) {
    std::string sql = std::string("SELECT ") + change_columns + " FROM changes WHERE id > ?";
    if (account_id) sql += " AND account_id = ?";
    if (zone) sql += " AND zone = ?";
    // Ids are taken when a change is inserted, not when it commits: a change with a lower id
    // may still be committing when a higher one is read, and a reader moving on past it would
    // never see it. A locking read waits for such a change (its uncommitted row is locked by
    // its transaction) and then reads it, so a page never skips one.
    sql += " ORDER BY id LIMIT ? LOCK IN SHARE MODE";
    Statement st = c.prepare(sql);
    st.add(since);
    if (account_id) st.add(*account_id);
    if (zone) st.add(*zone);
    st.add(uint64_t(limit));
    Rows r = st.query();
    std::vector<Change> out;
    while (r.next()) out.push_back(read_change(r, false));
    return out;
}

std::optional<Change> find_change(Conn& c, uint64_t domain_id, uint32_t serial) {
    Rows r = c.prepare(std::string("SELECT ") + change_columns +
                       ", removed, added FROM changes WHERE domain_id = ? AND serial_to = ?")
                 .add(domain_id)
                 .add(uint64_t(serial))
                 .query();
    if (!r.next()) return std::nullopt;
    return read_change(r, true);
}

ZoneVersion zone_at(Conn& c, const Domain& d, uint32_t serial) {
    using S = ZoneVersion::Status;
    ZoneVersion v;
    const std::string version = "version " + std::to_string(serial) + " of " + d.name;
    // A name hosted before starts after the serials of its earlier life (create_domain).
    uint32_t first = 1;
    Rows fr = c.prepare("SELECT serial_to FROM changes WHERE domain_id = ? AND kind = 'create'")
                  .add(d.id)
                  .query();
    if (fr.next()) first = uint32_t(fr.u64(1));
    if (serial == 0 || serial < first || serial > d.serial) {
        v.status = S::not_found;
        v.detail = version + " does not exist: its versions are the serials " +
                   std::to_string(first) + " to " + std::to_string(d.serial);
        return v;
    }
    auto row = find_change(c, d.id, serial);
    if (!row || row->kind == "delete") {
        v.status = S::gone;
        v.detail = "the change journal no longer holds " + version;
        return v;
    }
    v.now = all_rrsets(c, d.id);
    // The RRsets were read after the domain: they are the state of d.serial unless a write
    // committed in between, which the serial shows (every change moves it).
    {
        Rows r = c.prepare("SELECT serial FROM domains WHERE id = ?").add(d.id).query();
        if (!r.next() || uint32_t(r.u64(1)) != d.serial) {
            v.status = S::moved;
            v.detail = d.name + " changed while its history was read";
            return v;
        }
    }
    RrsetMap zone;
    for (const auto& r : v.now) zone[{r.name, r.type}] = r;
    uint32_t at = d.serial; // the version `zone` holds
    bool gap = false;
    for_each_change(c, d.id, serial, d.serial, [&](const Change& ch) {
        if (ch.serial_to != at || ch.kind != "update") {
            gap = true;
            return false;
        }
        auto undone = undo_change(zone, ch);
        if (!undone)
            throw Error(ex_software, "the change journal of " + d.name +
                                         " does not fit its RRsets: " + undone.error());
        at = ch.serial_from;
        return at > serial;
    });
    if (gap || at != serial) {
        v.status = S::gone;
        v.detail = "the change journal lacks the change to serial " + std::to_string(at) + " of " +
                   d.name + ", so " + version + " cannot be rebuilt";
        v.now.clear();
        return v;
    }
    v.change = std::move(*row);
    v.rrsets.reserve(zone.size());
    for (auto& entry : zone) {
        // Not a structured binding: clang 14 cannot capture those in lambdas.
        Rrset& r = entry.second;
        // The order records had in an RRset changed since is not journalled: canonical order.
        if (r.changed_serial == 0)
            std::stable_sort(r.records.begin(), r.records.end(),
                             [&](const Record& a, const Record& b) {
                                 return dns::compare_rdata(r.type, a.rdata, b.rdata) < 0;
                             });
        v.rrsets.push_back(std::move(r));
    }
    return v;
}

} // namespace endpointdns::store
