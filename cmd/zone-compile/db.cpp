// SPDX-License-Identifier: MIT
// zone-compile --db: the selected domains read in one read-only snapshot and written as AXFR
// sequences by store::write_zones (records are stored in wire form: nothing is parsed).
#include "db.hpp"

#include "dns/name.hpp"
#include "error.hpp"
#include "store/compile.hpp"
#include "store/migrate.hpp"
#include "store/zones.hpp"

#include <algorithm>
#include <set>

namespace endpointdns::zonecompile {

namespace {

bool is_number(const std::string& s) {
    return !s.empty() && s.size() <= 19 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The account's id; Error(ex_noinput) when there is none.
uint64_t find_account(store::Conn& c, const std::string& sel) {
    bool by_id = is_number(sel);
    auto st = c.prepare(by_id ? "SELECT id FROM accounts WHERE id = ?"
                              : "SELECT id FROM accounts WHERE name = ?");
    if (by_id)
        st.add(uint64_t(std::stoull(sel)));
    else
        st.add(sel);
    auto r = st.query();
    if (!r.next())
        throw Error(ex_noinput, by_id ? "no account with id " + sel + " in the database"
                                      : "no account named '" + sel + "' in the database");
    return r.u64(1);
}

std::vector<store::Domain> select_domains(store::Conn& c, const DbSelection& sel) {
    std::vector<store::Domain> out;
    if (!sel.zones.empty()) {
        std::set<std::string> seen;
        for (const auto& text : sel.zones) {
            std::string key = zone_key(text);
            if (!seen.insert(key).second) continue;
            auto d = store::find_domain(c, key);
            if (!d) throw Error(ex_noinput, "no zone " + key + " in the database");
            out.push_back(std::move(*d));
        }
        return out;
    }
    std::optional<uint64_t> account;
    if (sel.account) account = find_account(c, *sel.account);
    out = store::find_domains(c, account);
    std::sort(out.begin(), out.end(),
              [](const store::Domain& a, const store::Domain& b) { return a.name < b.name; });
    return out;
}

// Zones written per call of write_zones: up to its batch of 16, fewer when they are big, so
// the caller's buffer stays small.
constexpr size_t group_zones = 16;
constexpr uint64_t group_records = 200000;

} // namespace

std::string zone_key(const std::string& text) {
    std::string t = text.empty() || text.back() != '.' ? text + "." : text;
    auto n = dns::Name::parse(t);
    if (!n || n->is_root())
        throw Error(ex_usage, "--zone '" + text + "': not a zone name" +
                                  (n ? std::string() : ": " + n.error()));
    std::string key = n->lowercased().to_text();
    key.pop_back();
    return key;
}

std::vector<DbZone> compile_from_db(store::Pool& pool, const DbSelection& selection,
                                    zone::StreamWriter& writer, const std::function<void()>& flush,
                                    bool count_rrsets) {
    if (store::schema_version(pool) == 0)
        throw Error(ex_config, "database '" + pool.options().name +
                                   "' has no EndpointDNS schema (run dnsapid migrate)");
    int attempts = 0;
    return pool.run([&](store::Conn& c) {
        // Pool::run tries again on a new connection after a lost one; by then part of the
        // stream may be out, and a second copy of it would corrupt the output.
        if (++attempts > 1)
            throw Error(ex_unavailable,
                        "database unavailable: the connection was lost while reading zones");
        c.begin_repeatable_read(true, true); // one snapshot: every zone as of one moment
        std::vector<store::Domain> domains = select_domains(c, selection);
        std::vector<DbZone> out;
        out.reserve(domains.size());
        for (size_t at = 0; at < domains.size();) {
            size_t end = at;
            uint64_t records = 0;
            while (end < domains.size() && end - at < group_zones &&
                   (end == at || records + domains[end].record_count <= group_records))
                records += domains[end++].record_count;
            std::vector<store::Domain> group(domains.begin() + long(at),
                                             domains.begin() + long(end));
            store::write_zones(c, group, writer);
            flush();
            for (const auto& d : group) {
                DbZone z{d.name + ".", d.serial, d.record_count + 1, 0};
                if (count_rrsets) {
                    auto r = c.prepare("SELECT COUNT(*) FROM rrsets WHERE domain_id = ?")
                                 .add(d.id)
                                 .query();
                    z.rrsets = (r.next() ? r.u64(1) : 0) + 1;
                }
                out.push_back(std::move(z));
            }
            at = end;
        }
        c.commit();
        return out;
    });
}

} // namespace endpointdns::zonecompile
