// SPDX-License-Identifier: MIT
// Zones in the database: domains, RRsets, and the change path (RRsets, serial, journal in one
// transaction).
#include "store/zones.hpp"

#include "dns/name.hpp"
#include "dns/rr.hpp"
#include "error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace endpointdns::store {

namespace {

const char* const domain_columns =
    "id, account_id, name, serial, record_count, soa_mname, soa_rname, soa_refresh, soa_retry, "
    "soa_expire, soa_minimum, soa_ttl, min_ttl, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%fZ'), "
    "DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%fZ')";

const char* const rrset_columns = "name, type, ttl, content, rdata, changed_serial, "
                                  "DATE_FORMAT(changed_at, '%Y-%m-%dT%H:%i:%s.%fZ')";

Domain read_domain(const Rows& r) {
    Domain d;
    d.id = r.u64(1);
    d.account_id = r.u64(2);
    d.name = r.str(3);
    d.serial = uint32_t(r.u64(4));
    d.record_count = r.u64(5);
    d.soa.mname = r.str(6);
    d.soa.rname = r.str(7);
    d.soa.refresh = uint32_t(r.u64(8));
    d.soa.retry = uint32_t(r.u64(9));
    d.soa.expire = uint32_t(r.u64(10));
    d.soa.minimum = uint32_t(r.u64(11));
    d.soa.ttl = uint32_t(r.u64(12));
    d.min_ttl = uint32_t(r.u64(13));
    d.created_at = api_time(r, 14);
    d.updated_at = api_time(r, 15);
    return d;
}

std::string pack_rdata(const std::vector<Record>& recs) {
    std::string out;
    for (const auto& r : recs) {
        out += char(r.rdata.size() >> 8);
        out += char(r.rdata.size() & 0xff);
        out += r.rdata;
    }
    return out;
}

std::string pack_content(const std::vector<Record>& recs) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : recs) j.push_back(r.text);
    return j.dump();
}

Rrset read_rrset(const Rows& r) {
    Rrset s;
    s.name = r.str(1);
    s.type = uint16_t(r.u64(2));
    s.ttl = uint32_t(r.u64(3));
    auto texts = nlohmann::json::parse(r.str(4), nullptr, false);
    std::string packed = r.str(5);
    size_t at = 0, i = 0;
    while (at + 2 <= packed.size()) {
        size_t len = (uint8_t(packed[at]) << 8) | uint8_t(packed[at + 1]);
        at += 2;
        if (at + len > packed.size()) break;
        Record rec;
        rec.rdata = packed.substr(at, len);
        if (texts.is_array() && i < texts.size() && texts[i].is_string())
            rec.text = texts[i].get<std::string>();
        s.records.push_back(std::move(rec));
        at += len;
        ++i;
    }
    if (at != packed.size() || !texts.is_array() || texts.size() != s.records.size())
        throw Error(ex_software, "RRset " + s.name + " " + dns::type_name(s.type) +
                                     " is damaged in the database (content and rdata differ)");
    s.changed_serial = uint32_t(r.u64(6));
    s.changed_at = api_time(r, 7);
    return s;
}

std::string owner_wire(std::string_view name) {
    auto n = dns::Name::parse(std::string(name) + ".");
    if (!n) throw Error(ex_software, "stored owner name is invalid: " + std::string(name));
    return std::string(n->wire());
}

void put16(std::string& out, uint32_t v) {
    out += char((v >> 8) & 0xff);
    out += char(v & 0xff);
}
void put32(std::string& out, uint32_t v) {
    put16(out, v >> 16);
    put16(out, v & 0xffff);
}

void append_rr(std::string& out, const std::string& owner, uint16_t type, uint32_t ttl,
               const std::string& rdata) {
    out += owner;
    put16(out, type);
    put16(out, dns::rrclass::IN);
    put32(out, ttl);
    put16(out, uint32_t(rdata.size()));
    out += rdata;
}

bool same_records(const std::vector<Record>& a, const std::vector<Record>& b) {
    if (a.size() != b.size()) return false;
    std::multiset<std::string> x, y;
    for (const auto& r : a) x.insert(r.rdata);
    for (const auto& r : b) y.insert(r.rdata);
    return x == y;
}

bool has_rdata(const std::vector<Record>& recs, const std::string& rdata) {
    return std::any_of(recs.begin(), recs.end(), [&](const Record& r) { return r.rdata == rdata; });
}

std::string rrset_label(const std::string& name, uint16_t type) {
    return name + " " + dns::type_name(type);
}

// An RRset's wire size in a DNS message, roughly (uncompressed owner per record).
size_t wire_size(const Rrset& r) {
    size_t n = 0;
    for (const auto& rec : r.records) n += r.name.size() + 2 + 10 + rec.rdata.size();
    return n;
}

} // namespace

uint32_t next_serial(uint32_t s) {
    uint32_t n = s + 1;
    return n == 0 ? 1 : n;
}

void append_wire(std::string& out, const Rrset& r) {
    std::string owner = owner_wire(r.name);
    for (const auto& rec : r.records) append_rr(out, owner, r.type, r.ttl, rec.rdata);
}

std::string soa_rdata(const Domain& d) {
    std::string out = owner_wire(d.soa.mname);
    out += owner_wire(d.soa.rname);
    put32(out, d.serial);
    put32(out, d.soa.refresh);
    put32(out, d.soa.retry);
    put32(out, d.soa.expire);
    put32(out, d.soa.minimum);
    return out;
}

std::optional<Domain> find_domain(Conn& c, std::string_view name, bool for_update) {
    std::string sql = std::string("SELECT ") + domain_columns + " FROM domains WHERE name = ?";
    if (for_update) sql += " FOR UPDATE";
    Rows r = (c.prepare(sql).add(name).query());
    if (!r.next()) return std::nullopt;
    return read_domain(r);
}

std::vector<Domain> list_domains(Conn& c, uint64_t account_id, std::string_view after,
                                 size_t limit) {
    Rows r = (c.prepare(std::string("SELECT ") + domain_columns +
                        " FROM domains WHERE account_id = ? AND name > ? ORDER BY name LIMIT ?")
                  .add(account_id)
                  .add(after)
                  .add(uint64_t(limit))
                  .query());
    std::vector<Domain> out;
    while (r.next()) out.push_back(read_domain(r));
    return out;
}

std::vector<Domain> find_domains(Conn& c, std::optional<uint64_t> account_id) {
    std::string sql = std::string("SELECT ") + domain_columns + " FROM domains";
    Rows r = account_id
                 ? c.prepare(sql + " WHERE account_id = ? ORDER BY id").add(*account_id).query()
                 : c.prepare(sql + " ORDER BY id").query();
    std::vector<Domain> out;
    while (r.next()) out.push_back(read_domain(r));
    return out;
}

std::vector<Domain> find_domains_by_id(Conn& c, const std::vector<uint64_t>& ids) {
    std::vector<Domain> out;
    // Batches of a fixed size, so a handful of statements serve any count.
    constexpr size_t batch = 32;
    for (size_t at = 0; at < ids.size(); at += batch) {
        size_t n = std::min(batch, ids.size() - at);
        std::string sql = std::string("SELECT ") + domain_columns + " FROM domains WHERE id IN (?";
        for (size_t i = 1; i < batch; ++i) sql += ",?";
        sql += ")";
        Statement st = c.prepare(sql);
        for (size_t i = 0; i < batch; ++i) st.add(ids[at + std::min(i, n - 1)]);
        Rows r = st.query();
        while (r.next()) out.push_back(read_domain(r));
    }
    return out;
}

uint64_t count_domains(Conn& c, uint64_t account_id) {
    Rows r =
        (c.prepare("SELECT COUNT(*) FROM domains WHERE account_id = ?").add(account_id).query());
    r.next();
    return r.u64(1);
}

std::optional<uint64_t> nested_domain_owner(Conn& c, std::string_view name, uint64_t account_id) {
    // Above: every parent of the name. Below: names ending in "." + name (zone names hold
    // letters, digits, '-' and '.', so LIKE's wildcards cannot occur in them).
    std::string_view parent = name;
    for (;;) {
        auto dot = parent.find('.');
        if (dot == std::string_view::npos) break;
        parent.remove_prefix(dot + 1);
        auto r = c.prepare("SELECT account_id FROM domains WHERE name = ? AND account_id <> ?")
                     .add(parent)
                     .add(account_id)
                     .query();
        if (r.next()) return r.u64(1);
    }
    auto r = c.prepare("SELECT account_id FROM domains WHERE name LIKE ? AND account_id <> ? "
                       "LIMIT 1")
                 .add("%." + std::string(name))
                 .add(account_id)
                 .query();
    if (r.next()) return r.u64(1);
    return std::nullopt;
}

std::optional<Rrset> find_rrset(Conn& c, uint64_t domain_id, std::string_view name, uint16_t type) {
    Rows r = (c.prepare(std::string("SELECT ") + rrset_columns +
                        " FROM rrsets WHERE domain_id = ? AND name = ? AND type = ?")
                  .add(domain_id)
                  .add(name)
                  .add(unsigned(type))
                  .query());
    if (!r.next()) return std::nullopt;
    return read_rrset(r);
}

std::vector<Rrset> list_rrsets(Conn& c, uint64_t domain_id, std::optional<std::string> name,
                               std::optional<uint16_t> type, std::string_view after_name,
                               uint16_t after_type, size_t limit) {
    std::string sql = std::string("SELECT ") + rrset_columns +
                      " FROM rrsets WHERE domain_id = ? AND (name > ? OR (name = ? AND type > ?))";
    if (name) sql += " AND name = ?";
    if (type) sql += " AND type = ?";
    sql += " ORDER BY name, type LIMIT ?";
    auto st = c.prepare(sql);
    st.add(domain_id).add(after_name).add(after_name).add(unsigned(after_type));
    if (name) st.add(*name);
    if (type) st.add(unsigned(*type));
    st.add(uint64_t(limit));
    Rows r(st.query());
    std::vector<Rrset> out;
    while (r.next()) out.push_back(read_rrset(r));
    return out;
}

std::vector<Rrset> all_rrsets(Conn& c, uint64_t domain_id) {
    Rows r = (c.prepare(std::string("SELECT ") + rrset_columns +
                        " FROM rrsets WHERE domain_id = ? ORDER BY name, type")
                  .add(domain_id)
                  .query());
    std::vector<Rrset> out;
    while (r.next()) out.push_back(read_rrset(r));
    return out;
}

namespace {

// At most `bytes` octets of s, never ending inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, size_t bytes) {
    if (s.size() <= bytes) return s;
    size_t n = bytes;
    while (n > 0 && (uint8_t(s[n]) & 0xc0) == 0x80) --n; // s[n] continues a sequence
    return s.substr(0, n);
}

uint64_t insert_change(Conn& c, const Domain& d, const char* kind, uint32_t from, uint32_t to,
                       const std::string& removed, const std::string& added, const Actor& who,
                       std::string_view summary) {
    c.prepare("INSERT INTO changes (domain_id, zone, account_id, kind, serial_from, serial_to, "
              "removed, added, key_id, actor, remote, summary) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .add(d.id)
        .add(d.name)
        .add(d.account_id)
        .add(kind)
        .add(unsigned(from))
        .add(unsigned(to))
        .add(removed)
        .add(added)
        .add(who.key_id)
        .add(who.name)
        .add(who.remote)
        .add(utf8_prefix(summary, 255))
        .update();
    return c.last_insert_id();
}

void write_rrset(Conn& c, uint64_t domain_id, const Rrset& r, bool exists) {
    if (exists) {
        c.prepare("UPDATE rrsets SET ttl = ?, content = ?, rdata = ?, record_count = ?, "
                  "changed_serial = ?, changed_at = CURRENT_TIMESTAMP(3) "
                  "WHERE domain_id = ? AND name = ? AND type = ?")
            .add(unsigned(r.ttl))
            .add(pack_content(r.records))
            .add(pack_rdata(r.records))
            .add(uint64_t(r.records.size()))
            .add(unsigned(r.changed_serial))
            .add(domain_id)
            .add(r.name)
            .add(unsigned(r.type))
            .update();
    } else {
        c.prepare("INSERT INTO rrsets (domain_id, name, owner, type, ttl, content, rdata, "
                  "record_count, changed_serial) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .add(domain_id)
            .add(r.name)
            .add(owner_wire(r.name))
            .add(unsigned(r.type))
            .add(unsigned(r.ttl))
            .add(pack_content(r.records))
            .add(pack_rdata(r.records))
            .add(uint64_t(r.records.size()))
            .add(unsigned(r.changed_serial))
            .update();
    }
}

} // namespace

Domain create_domain(Conn& c, uint64_t account_id, const std::string& name, const Soa& soa,
                     uint32_t min_ttl, uint32_t ns_ttl, const std::vector<Record>& ns,
                     const Actor& who, uint64_t* change_id) {
    // A name hosted before continues after the last serial it had, so an edge or secondary
    // still holding the old zone never takes it for the new one.
    uint32_t serial = 1;
    Rows last = c.prepare("SELECT serial_to FROM changes WHERE zone = ? ORDER BY id DESC LIMIT 1")
                    .add(name)
                    .query();
    if (last.next()) serial = next_serial(uint32_t(last.u64(1)));
    c.prepare("INSERT INTO domains (account_id, name, serial, record_count, soa_mname, "
              "soa_rname, soa_refresh, soa_retry, soa_expire, soa_minimum, soa_ttl, min_ttl) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .add(account_id)
        .add(name)
        .add(uint64_t(serial))
        .add(uint64_t(ns.size()))
        .add(soa.mname)
        .add(soa.rname)
        .add(unsigned(soa.refresh))
        .add(unsigned(soa.retry))
        .add(unsigned(soa.expire))
        .add(unsigned(soa.minimum))
        .add(unsigned(soa.ttl))
        .add(unsigned(min_ttl))
        .update();
    auto d = find_domain(c, name);
    if (!d) throw Error(ex_software, "domain " + name + " vanished right after its INSERT");
    Rrset apex{name, dns::rrtype::NS, ns_ttl, ns, serial, {}};
    std::string added;
    if (!ns.empty()) {
        write_rrset(c, d->id, apex, false);
        append_wire(added, apex);
    }
    uint64_t id = insert_change(c, *d, "create", 0, serial, {}, added, who, "create " + name);
    if (change_id) *change_id = id;
    return *d;
}

uint64_t delete_domain(Conn& c, const Domain& d, const Actor& who) {
    // The journal row of a deletion lists the zone's records (history can show what went),
    // unless they exceed max_change_octets: edges drop the whole zone either way, and a row
    // over the packet limit would make the zone impossible to delete.
    std::string removed;
    for (const auto& r : all_rrsets(c, d.id)) append_wire(removed, r);
    if (removed.size() > max_change_octets) removed.clear();
    uint32_t to = next_serial(d.serial);
    uint64_t id = insert_change(c, d, "delete", d.serial, to, removed, {}, who, "delete " + d.name);
    c.prepare("DELETE FROM domains WHERE id = ?").add(d.id).update();
    return id;
}

ChangeResult apply_edits(Conn& c, Domain& d, const std::vector<Edit>& edits, const Actor& who,
                         uint64_t max_records, std::string_view summary) {
    ChangeResult out;
    out.serial = d.serial;
    using Key = std::pair<std::string, uint16_t>;
    // The current RRsets at every name the edits touch (for CNAME exclusivity all types count).
    std::map<Key, std::optional<Rrset>> before, after;
    std::set<std::string> names;
    for (const auto& e : edits) names.insert(e.name);
    for (const auto& n : names) {
        Rows r = (c.prepare(std::string("SELECT ") + rrset_columns +
                            " FROM rrsets WHERE domain_id = ? AND name = ?")
                      .add(d.id)
                      .add(n)
                      .query());
        while (r.next()) {
            Rrset s = read_rrset(r);
            Key k{s.name, s.type};
            before[k] = s;
        }
    }
    after = before;
    auto current = [&](const Key& k) -> std::optional<Rrset>& { return after[k]; };

    // A new RRset without a TTL gets an hour (or the zone's minimum when that is longer).
    const uint32_t default_ttl = std::max<uint32_t>(3600, d.min_ttl);
    std::map<Key, size_t> last_item; // the last edit of each RRset, for error reports
    for (size_t i = 0; i < edits.size(); ++i) {
        const Edit& e = edits[i];
        Key k{e.name, e.type};
        last_item[k] = i;
        auto& cur = current(k);
        // Preconditions speak of the RRset as the request found it, not as an earlier edit of
        // the same request left it (remove-then-add of one RRset carries the same If-Match).
        const auto& found = before[k];
        if (e.must_not_exist && found) {
            out.errors.push_back({i, "name", rrset_label(e.name, e.type) + " already exists"});
            continue;
        }
        if (e.if_match) {
            if (!found) {
                out.errors.push_back({i, "name", rrset_label(e.name, e.type) + " does not exist"});
                continue;
            }
            if (*e.if_match != 0 && found->changed_serial != *e.if_match) {
                out.errors.push_back({i, "name",
                                      rrset_label(e.name, e.type) + " has changed (its ETag is \"" +
                                          std::to_string(found->changed_serial) + "\")"});
                continue;
            }
        }
        switch (e.op) {
        case Edit::Op::replace:
            if (e.records.empty()) {
                cur.reset();
            } else {
                Rrset r{e.name,    e.type, e.ttl.value_or(cur ? cur->ttl : default_ttl),
                        e.records, 0,      {}};
                cur = std::move(r);
            }
            break;
        case Edit::Op::remove:
            cur.reset();
            break;
        case Edit::Op::add_records:
            if (!cur) {
                cur = Rrset{e.name, e.type, e.ttl.value_or(default_ttl), {}, 0, {}};
            } else if (e.ttl) {
                cur->ttl = *e.ttl;
            }
            for (const auto& rec : e.records)
                if (!has_rdata(cur->records, rec.rdata)) cur->records.push_back(rec);
            break;
        case Edit::Op::remove_records:
            if (cur) {
                auto& v = cur->records;
                v.erase(
                    std::remove_if(v.begin(), v.end(),
                                   [&](const Record& r) { return has_rdata(e.records, r.rdata); }),
                    v.end());
                if (v.empty()) cur.reset();
            }
            break;
        }
    }
    if (!out.errors.empty()) {
        out.status = ChangeResult::Status::precondition_failed;
        return out;
    }

    // Zone-state rules on the result.
    std::map<std::string, std::vector<uint16_t>> types_at;
    for (const auto& [k, v] : after)
        if (v) types_at[k.first].push_back(k.second);
    for (const auto& [k, v] : after) {
        size_t item = last_item.count(k) ? last_item[k] : 0;
        if (!last_item.count(k)) continue; // untouched RRsets were valid before
        const auto& [name, type] = k;
        if (!v) {
            if (type == dns::rrtype::NS && name == d.name)
                out.errors.push_back(
                    {item, "records", "the zone's own NS RRset can be replaced but not deleted"});
            continue;
        }
        if (type == dns::rrtype::CNAME && v->records.size() > 1)
            out.errors.push_back({item, "records",
                                  name +
                                      " can have only one CNAME record (RFC 1034 3.6.2); "
                                      "this change would leave " +
                                      std::to_string(v->records.size())});
        const auto& here = types_at[name];
        bool has_cname = std::find(here.begin(), here.end(), dns::rrtype::CNAME) != here.end();
        if (has_cname && here.size() > 1) {
            std::string others;
            for (auto t : here)
                if (t != dns::rrtype::CNAME)
                    others += (others.empty() ? "" : ", ") + dns::type_name(t);
            out.errors.push_back(
                {item, "type",
                 type == dns::rrtype::CNAME
                     ? name + " already has " + others +
                           " records; a CNAME cannot exist beside other records (RFC 1034 3.6.2)"
                     : name + " has a CNAME record; no other record can exist beside it (RFC "
                              "1034 3.6.2)"});
        }
        if (wire_size(*v) > 60000)
            out.errors.push_back(
                {item, "records",
                 rrset_label(name, type) + " would not fit in a DNS message (over 60,000 octets)"});
    }
    if (!out.errors.empty()) {
        std::sort(out.errors.begin(), out.errors.end(),
                  [](const ItemError& a, const ItemError& b) { return a.item < b.item; });
        out.status = ChangeResult::Status::invalid;
        return out;
    }

    // What changed, as IXFR removals and additions.
    int64_t delta = 0;
    std::string removed, added;
    std::vector<std::pair<Key, bool>> writes; // RRsets to write; bool: it existed before
    for (const auto& [k, v] : after) {
        const auto& old = before[k];
        if (!old && !v) continue;
        if (old && v && old->ttl == v->ttl && same_records(old->records, v->records)) {
            after[k] = old; // unchanged: keep its ETag, time and record order
            continue;
        }
        if (old && v && old->ttl == v->ttl) {
            Rrset gone = *old, come = *v;
            gone.records.clear();
            come.records.clear();
            for (const auto& r : old->records)
                if (!has_rdata(v->records, r.rdata)) gone.records.push_back(r);
            for (const auto& r : v->records)
                if (!has_rdata(old->records, r.rdata)) come.records.push_back(r);
            append_wire(removed, gone);
            append_wire(added, come);
        } else {
            if (old) append_wire(removed, *old);
            if (v) append_wire(added, *v);
        }
        delta += int64_t(v ? v->records.size() : 0) - int64_t(old ? old->records.size() : 0);
        writes.emplace_back(k, old.has_value());
    }
    uint64_t records_after = uint64_t(int64_t(d.record_count) + delta);
    out.records_after = records_after;
    if (writes.empty()) {
        out.status = ChangeResult::Status::noop;
        for (const auto& e : edits) out.result.push_back(after[{e.name, e.type}]);
        return out;
    }
    // A change travels as one row (and one packet): keep it well under MariaDB's default
    // max_allowed_packet of 16 MiB. Bigger changes must be split by the client.
    if (removed.size() + added.size() > max_change_octets) {
        out.errors.push_back({0, "records",
                              "the change is too large (" +
                                  std::to_string((removed.size() + added.size()) >> 20) +
                                  " MiB of records); split it into smaller requests"});
        out.status = ChangeResult::Status::invalid;
        return out;
    }
    if (max_records && delta > 0 && records_after > max_records) {
        out.status = ChangeResult::Status::over_limit;
        return out;
    }

    uint32_t to = next_serial(d.serial);
    for (auto& [k, existed] : writes) {
        auto& v = after[k];
        if (v) {
            v->changed_serial = to;
            v->changed_at.clear(); // written now; the database sets the time
            write_rrset(c, d.id, *v, existed);
        } else {
            c.prepare("DELETE FROM rrsets WHERE domain_id = ? AND name = ? AND type = ?")
                .add(d.id)
                .add(k.first)
                .add(unsigned(k.second))
                .update();
        }
    }
    c.prepare("UPDATE domains SET serial = ?, record_count = ?, updated_at = CURRENT_TIMESTAMP(3) "
              "WHERE id = ?")
        .add(unsigned(to))
        .add(records_after)
        .add(d.id)
        .update();
    out.change_id = insert_change(c, d, "update", d.serial, to, removed, added, who, summary);
    d.serial = to;
    d.record_count = records_after;
    out.serial = to;
    out.status = ChangeResult::Status::applied;
    for (const auto& e : edits) out.result.push_back(after[{e.name, e.type}]);
    return out;
}

} // namespace endpointdns::store
