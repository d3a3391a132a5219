// SPDX-License-Identifier: MIT
// DNS UPDATE (RFC 2136) signed with TSIG: the UDP listener of [update] listen, and the request
// turned into the same store edits as the REST API.
#include "update.hpp"

#include "app.hpp"
#include "common.hpp"

#include "dns/message.hpp"
#include "dns/tsig.hpp"
#include "dns/update.hpp"
#include "error.hpp"
#include "http/forwarded.hpp"
#include "util/log.hpp"
#include "zone/content.hpp"

#include <cppconn/exception.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <set>

namespace endpointdns::api {

namespace {

namespace upd = dns::update;
namespace tsig = dns::tsig;

// Store form of a name: lowercase, absolute, without the trailing dot.
std::string store_name(const dns::Name& n) {
    std::string s = n.lowercased().to_text();
    if (s.size() > 1 && s.back() == '.') s.pop_back();
    return s;
}

bool is_acme(const std::string& name) {
    return name.rfind("_acme-challenge.", 0) == 0;
}

// The zone as the prerequisites see it, read inside the change's transaction.
class StoreView : public upd::ZoneView {
public:
    StoreView(store::Conn& c, const store::Domain& d) : c_(c), d_(d) {}
    bool name_in_use(const dns::Name& n) override {
        std::string name = store_name(n);
        if (name == d_.name) return true; // the SOA
        return !store::list_rrsets(c_, d_.id, name, std::nullopt, "", 0, 1).empty();
    }
    std::vector<std::string> rrset(const dns::Name& n, uint16_t type) override {
        std::vector<std::string> out;
        std::string name = store_name(n);
        if (type == dns::rrtype::SOA && name == d_.name) {
            out.push_back(store::soa_rdata(d_));
            return out;
        }
        if (auto r = store::find_rrset(c_, d_.id, name, type))
            for (const auto& rec : r->records) out.push_back(rec.rdata);
        return out;
    }

private:
    store::Conn& c_;
    const store::Domain& d_;
};

// The answer: the RCODE, signed when the key is known (TSIG error in the TSIG record).
struct Answer {
    unsigned rcode = 0;
    std::string why; // for the log
};

} // namespace

std::string App::dns_update(const uint8_t* msg, size_t len, const std::string& remote,
                            std::chrono::milliseconds replay_wait) {
    if (len < dns::header_size) return {}; // nothing to answer to
    uint64_t now = uint64_t(std::time(nullptr));
    auto bare = [&](unsigned rc) { // header echo only, for messages that do not parse
        std::string r(reinterpret_cast<const char*>(msg), dns::header_size);
        r[2] = char((uint8_t(r[2]) & 0x78) | 0x80); // QR, the opcode kept
        r[3] = char(rc & 0xF);
        for (int i = 4; i < 12; ++i) r[i] = 0;
        return r;
    };
    if (msg[2] & 0x80) return {}; // a response (QR set), even a malformed one: never answered
    auto full = dns::parse_message(msg, len);
    if (!full) return bare(dns::rcode::FORMERR);
    // A SOA query finds the zone of a name (certbot-dns-rfc2136 asks before it updates).
    bool soa_query = full->header.opcode() == dns::opcode::QUERY && full->question.size() == 1 &&
                     full->question[0].type == dns::rrtype::SOA &&
                     full->question[0].cls == dns::rrclass::IN && full->answer.empty() &&
                     full->authority.empty();
    if (full->header.opcode() != dns::opcode::UPDATE && !soa_query)
        return bare(full->header.opcode() == dns::opcode::QUERY ? dns::rcode::REFUSED
                                                                : dns::rcode::NOTIMP);
    // The answer to a SOA query: the zone's SOA when the name is the apex of a hosted zone
    // (public data, which every edge serves too), else REFUSED.
    auto soa_answer = [&]() {
        const dns::Question& q = full->question[0];
        dns::MessageBuilder b;
        b.reset(full->header.id,
                uint16_t(dns::flag::QR | dns::flag::AA | (full->header.flags & dns::flag::RD)));
        b.add_question(q.name, q.type, q.cls);
        std::optional<store::Domain> d;
        try {
            d = pool_.run(
                [&](store::Conn& c) { return store::find_domain(c, store_name(q.name)); });
        } catch (const std::exception& e) {
            log::error("SOA query from " + remote + ": " + e.what());
            b.set_rcode(dns::rcode::SERVFAIL);
            return std::string(b.data());
        }
        if (d)
            b.add_rr(dns::Section::answer, q.name.wire(), dns::rrtype::SOA, dns::rrclass::IN,
                     d->soa.ttl, store::soa_rdata(*d));
        else
            b.set_rcode(dns::rcode::REFUSED);
        return std::string(b.data());
    };

    // TSIG: required. The key by its name, then verified.
    auto found = tsig::find(msg, len);
    if (!found) return bare(dns::rcode::FORMERR);
    if (!*found) {
        if (soa_query) return soa_answer();
        log::info("update from " + remote + ": refused, not signed with TSIG");
        return upd::response(*full, dns::rcode::REFUSED);
    }
    Principal who;
    std::vector<tsig::Key> keys;
    std::string key_name = (*found)->key_name.lowercased().to_text();
    try {
        pool_.run([&](store::Conn& c) {
            auto r = c.prepare(std::string("SELECT k.id, k.prefix, k.can_write, k.scope, "
                                           "k.tsig_algorithm, k.tsig_secret, a.id, a.name, ") +
                               plan_columns +
                               " FROM api_keys k JOIN accounts a ON a.id = k.account_id "
                               "JOIN plans p ON p.id = a.plan_id WHERE k.kind = 'tsig' AND "
                               "k.tsig_name = ? AND k.revoked_at IS NULL AND (k.expires_at IS "
                               "NULL OR k.expires_at > CURRENT_TIMESTAMP(3)) AND NOT a.disabled")
                         .add(key_name)
                         .query();
            if (!r.next()) return 0;
            auto alg = tsig::algorithm_from_text(r.str(5));
            if (!alg) return 0;
            who.key_id = r.u64(1);
            who.key_prefix = r.str(2);
            who.scope = auth::scope_from_json(r.str(4), r.u64(3) != 0);
            who.account_id = r.u64(7);
            who.account_name = r.str(8);
            who.limits = plan_limits(r, 9);
            keys.push_back({(*found)->key_name, *alg, r.str(6)});
            return 0;
        });
    } catch (const std::exception& e) {
        log::error("update from " + remote + ": reading the key failed: " + e.what());
        return upd::response(*full, dns::rcode::SERVFAIL);
    }
    auto v = tsig::verify_request(msg, len, keys, now);
    // NOTAUTH, TSIG error BADTIME: signed, with the server's time `at` in Other Data (RFC 8945
    // 5.2.3).
    auto badtime = [&](uint64_t at) {
        log::info("update from " + remote + " with key " + key_name + ": BADTIME");
        std::string r = upd::response(*full, upd::rcode::NOTAUTH);
        std::string other(6, '\0');
        for (int i = 0; i < 6; ++i) other[size_t(i)] = char(at >> (8 * (5 - i)));
        tsig::Signer s(keys[0], v.tsig->record.mac, at, tsig::BADTIME, other);
        s.sign(r);
        return r;
    };
    switch (v.status) {
    case tsig::Status::ok:
        break;
    case tsig::Status::formerr:
        return upd::response(*full, dns::rcode::FORMERR);
    case tsig::Status::badtime:
        return badtime(now);
    default: { // badkey, badsig: answered unsigned (RFC 8945 5.3.2)
        uint16_t err = v.status == tsig::Status::badkey ? tsig::BADKEY : tsig::BADSIG;
        log::info("update from " + remote + " with key " + key_name + ": " +
                  (err == tsig::BADKEY ? "BADKEY" : "BADSIG"));
        std::string r = upd::response(*full, upd::rcode::NOTAUTH);
        if (v.tsig) tsig::append_unsigned(r, *v.tsig, err, now);
        return r;
    }
    }
    const tsig::Key& key = *v.key;
    std::string request_mac = v.tsig->record.mac;
    auto signed_answer = [&](unsigned rc, const std::string& why) {
        log::info("update from " + remote + " with key " + key_name + ": rcode " +
                  std::to_string(rc) + (why.empty() ? "" : " (" + why + ")"));
        std::string r = upd::response(*full, rc);
        tsig::Signer s(key, request_mac, now);
        s.sign(r);
        return r;
    };

    if (soa_query) {
        std::string r = soa_answer();
        tsig::Signer s(key, request_mac, now);
        s.sign(r);
        return r;
    }

    // A verified request can still be a copy of one already answered (a replay within the
    // fudge window, or a client's retransmit over UDP): it gets the first answer again and is
    // not applied, nor counted, a second time. Known by the full MAC the server computed, not
    // the one received: that one may be truncated, to any length from half the hash up, and
    // each length would be another message. Checked before the call is counted (admit_call),
    // so a retransmit is never counted twice; a flood past the rate limit fills only its
    // account's share of the cache. The window ends where verify_request's does: time signed
    // plus the fudge (ours at most).
    std::string replay_id = tsig::ReplayCache::make_id(key_name, v.mac);
    uint64_t expires =
        v.tsig->record.time_signed + std::min<uint64_t>(v.tsig->record.fudge, tsig::fudge);
    auto claim =
        replay_.claim(replay_id, std::to_string(who.account_id), now, expires, replay_wait);
    switch (claim.outcome) {
    case tsig::ReplayCache::Outcome::repeat:
        log::info("update from " + remote + " with key " + key_name +
                  ": a copy of a message already answered (replay or retransmit): not applied "
                  "again, its first answer repeated");
        return claim.answer;
    case tsig::ReplayCache::Outcome::pending:
        log::info("update from " + remote + " with key " + key_name +
                  ": a copy of a message still being applied: not answered");
        return {};
    case tsig::ReplayCache::Outcome::full:
        log::warning("update: the replay cache holds its maximum of unexpired messages (" +
                     std::to_string(replay_capacity) + ")");
        return signed_answer(dns::rcode::REFUSED,
                             "too many updates in the last 300 s (replay cache full); retry later");
    case tsig::ReplayCache::Outcome::owner_full:
        log::warning("update: account " + who.account_name + " holds its share of the " +
                     "replay cache (" + std::to_string(replay_per_account) +
                     " unexpired messages)");
        return signed_answer(dns::rcode::REFUSED,
                             "too many updates from this account in the last 300 s (more than " +
                                 std::to_string(replay_per_account) + "); retry later");
    case tsig::ReplayCache::Outcome::too_old:
        // Verified at `now`, but the cache has seen a later time (another thread's) by which
        // the window had ended: outside the window, as the TSIG check would have said then.
        return badtime(replay_.horizon());
    case tsig::ReplayCache::Outcome::fresh:
        break;
    }
    std::string answer;
    try {
        answer = apply_update(msg, (*found)->offset, who, remote, signed_answer);
    } catch (...) {
        replay_.finish(replay_id, {}); // whatever happened is never run twice
        throw;
    }
    replay_.finish(replay_id, answer);
    return answer;
}

std::string App::apply_update(const uint8_t* msg, size_t tsig_offset, const Principal& who,
                              const std::string& remote, const SignedAnswer& signed_answer) {
    // One API call of the account, as a REST request: rate and call limits, usage.
    Admission admission;
    try {
        admission = admit_call(who);
    } catch (const std::exception& e) {
        log::error("update from " + remote + ": checking the plan limits failed: " + e.what());
        return signed_answer(dns::rcode::SERVFAIL, e.what());
    }
    if (!admission.rate.allowed)
        return signed_answer(dns::rcode::REFUSED,
                             "rate limit: the plan " + who.limits.plan + " allows " +
                                 std::to_string(who.limits.rate_per_second) +
                                 " per second; retry after " +
                                 std::to_string(admission.rate.retry_after_seconds) + " s");
    if (admission.over)
        return signed_answer(dns::rcode::REFUSED, "plan limit: " + admission.over->detail);

    // The message without its TSIG.
    std::string unsigned_msg(reinterpret_cast<const char*>(msg), tsig_offset);
    uint16_t ar = uint16_t(uint8_t(unsigned_msg[10]) << 8 | uint8_t(unsigned_msg[11]));
    --ar;
    unsigned_msg[10] = char(ar >> 8);
    unsigned_msg[11] = char(ar);
    auto m = dns::parse_message(unsigned_msg);
    if (!m) return signed_answer(dns::rcode::FORMERR, m.error());
    auto parsed = upd::parse(*m);
    if (parsed.rcode) return signed_answer(parsed.rcode, parsed.why);
    const upd::Request& req = parsed.request;
    std::string zone = store_name(req.zone);

    // The zone must be the account's and in the key's scope (RFC 2136 3.1.2: NOTAUTH), known
    // before any lock is taken: another account's key never holds up this zone's writers.
    if (!who.scope.allows_domain(zone)) return signed_answer(upd::rcode::NOTAUTH, "not in scope");
    std::optional<store::Domain> owned;
    try {
        owned = pool_.run([&](store::Conn& c) { return store::find_domain(c, zone); });
    } catch (const std::exception& e) {
        log::error("update from " + remote + ": " + e.what());
        return signed_answer(dns::rcode::SERVFAIL, e.what());
    }
    if (!owned || owned->account_id != who.account_id)
        return signed_answer(upd::rcode::NOTAUTH, "not a zone of the key's account");

    // Prerequisites read the zone: only what the key's scope may read (an ACME-only key must
    // not learn which other names and types exist). One on a whole name (in use or not) needs
    // every type at the name.
    for (const auto& q : req.prereqs) {
        std::string name = store_name(q.name);
        bool whole_name = q.kind == upd::Prereq::Kind::name_in_use ||
                          q.kind == upd::Prereq::Kind::name_not_in_use;
        bool readable = whole_name ? who.scope.allows_name(zone, name)
                                   : who.scope.allows_rrset(zone, name, q.type);
        if (!readable)
            return signed_answer(dns::rcode::REFUSED,
                                 "the key may not read " + name +
                                     (whole_name ? " (every type)" : " " + dns::type_name(q.type)) +
                                     ", which a prerequisite asks about");
    }

    Answer ans;
    std::string changed_zone;
    try {
        pool_.transaction([&](store::Conn& c) {
            ans = Answer{};
            changed_zone.clear();
            auto d = store::find_domain(c, zone, true);
            // Deleted, or deleted and created again by another account, meanwhile.
            if (!d || d->id != owned->id || d->account_id != who.account_id) {
                ans = {upd::rcode::NOTAUTH, "not a zone of the key's account"};
                return;
            }
            // 3.2: prerequisites, on the locked zone.
            StoreView view(c, *d);
            std::string why;
            if (unsigned rc = upd::check_prereqs(req, view, &why)) {
                ans = {rc, why};
                return;
            }
            if (req.changes.empty()) return;
            if (!who.scope.write) {
                ans = {dns::rcode::REFUSED, "the key is read-only"};
                return;
            }
            // 3.4: the updates as store edits, in order. `now` holds the RDATAs of every RRset
            // an update touched as the updates before it left it: what "delete all RRsets of a
            // name" covers (RRsets added earlier in the message too), and whether an apex NS
            // record is the last one.
            std::map<std::pair<std::string, uint16_t>, std::vector<std::string>> now;
            auto rrset_now = [&](const std::string& name,
                                 uint16_t type) -> std::vector<std::string>& {
                auto [it, fresh] = now.try_emplace({name, type});
                if (fresh)
                    if (auto r = store::find_rrset(c, d->id, name, type))
                        for (const auto& rec : r->records) it->second.push_back(rec.rdata);
                return it->second;
            };
            std::vector<store::Edit> edits;
            size_t updates = 0; // the update RRs not ignored
            const auto& zs = settings_.zones;
            for (const auto& ch : req.changes) {
                std::string name = store_name(ch.rr.owner);
                uint16_t type = ch.rr.type;
                bool apex = name == d->name;
                // The SOA is managed by the service (as in the API): updates of it are ignored.
                if (type == dns::rrtype::SOA) continue;
                if (ch.kind == upd::Change::Kind::delete_name) {
                    // 3.4.2.3: every RRset of the name; at the apex the SOA and NS stay. All or
                    // nothing: one RRset the key may not change refuses the whole message.
                    std::set<uint16_t> types;
                    for (const auto& r :
                         store::list_rrsets(c, d->id, name, std::nullopt, "", 0, 100000))
                        types.insert(r.type);
                    for (const auto& [k, rdatas] : now)
                        if (k.first == name) types.insert(k.second);
                    for (uint16_t t : types) {
                        if ((apex && t == dns::rrtype::NS) || rrset_now(name, t).empty()) continue;
                        if (!who.scope.allows_rrset(zone, name, t)) {
                            ans = {dns::rcode::REFUSED,
                                   "the key may not change " + name + " " + dns::type_name(t)};
                            return;
                        }
                        store::Edit del;
                        del.op = store::Edit::Op::remove;
                        del.name = name;
                        del.type = t;
                        edits.push_back(std::move(del));
                        rrset_now(name, t).clear();
                    }
                    ++updates;
                    continue;
                }
                if (!who.scope.allows_rrset(zone, name, type)) {
                    ans = {dns::rcode::REFUSED,
                           "the key may not change " + name + " " + dns::type_name(type)};
                    return;
                }
                store::Edit e;
                e.name = name;
                e.type = type;
                switch (ch.kind) {
                case upd::Change::Kind::add:
                case upd::Change::Kind::delete_record: {
                    if (auto refused = zone::refused_type(type)) {
                        ans = {dns::rcode::REFUSED, *refused};
                        return;
                    }
                    auto text = zone::content_text(type, ch.rr.rdata);
                    if (!text) {
                        ans = {dns::rcode::REFUSED, text.error()};
                        return;
                    }
                    auto content = zone::parse_content(type, *text);
                    if (!content) {
                        ans = {dns::rcode::REFUSED, content.error()};
                        return;
                    }
                    e.records.push_back({content->text, content->rdata});
                    auto& cur = rrset_now(name, type);
                    auto at = std::find(cur.begin(), cur.end(), content->rdata);
                    if (ch.kind == upd::Change::Kind::delete_record) {
                        if (at == cur.end()) continue; // not there: nothing to do
                        // 3.4.2.4: the apex NS RRset's last record stays.
                        if (apex && type == dns::rrtype::NS && cur.size() <= 1) continue;
                        cur.erase(at);
                        e.op = store::Edit::Op::remove_records;
                        break;
                    }
                    e.op = store::Edit::Op::add_records;
                    uint32_t min =
                        is_acme(name) ? std::min(zs.acme_min_ttl, d->min_ttl) : d->min_ttl;
                    if (ch.rr.ttl < min || ch.rr.ttl > zs.max_ttl) {
                        ans = {dns::rcode::REFUSED, "TTL " + std::to_string(ch.rr.ttl) +
                                                        " outside " + std::to_string(min) + ".." +
                                                        std::to_string(zs.max_ttl)};
                        return;
                    }
                    e.ttl = ch.rr.ttl;
                    if (at == cur.end()) {
                        cur.push_back(content->rdata);
                        // The REST API's limit on records per RRset.
                        if (cur.size() > zs.max_records_per_rrset) {
                            ans = {dns::rcode::REFUSED,
                                   name + " " + dns::type_name(type) + " would hold more than " +
                                       std::to_string(zs.max_records_per_rrset) + " records"};
                            return;
                        }
                    }
                    break;
                }
                case upd::Change::Kind::delete_rrset:
                    // 3.4.2.3: the apex NS RRset is not deleted.
                    if (apex && type == dns::rrtype::NS) continue;
                    e.op = store::Edit::Op::remove;
                    rrset_now(name, type).clear();
                    break;
                case upd::Change::Kind::delete_name:
                    continue; // handled above
                }
                edits.push_back(std::move(e));
                ++updates;
            }
            if (edits.empty()) return;
            // The REST API's limit on the items of one change.
            if (updates > zs.max_batch) {
                ans = {dns::rcode::REFUSED, std::to_string(updates) + " changes, more than " +
                                                std::to_string(zs.max_batch)};
                return;
            }
            store::Actor actor;
            actor.account_id = who.account_id;
            actor.key_id = who.key_id;
            actor.name = who.key_prefix;
            actor.remote = remote;
            auto res = store::apply_edits(c, *d, edits, actor, who.limits.max_records_per_domain,
                                          "DNS UPDATE");
            using S = store::ChangeResult::Status;
            if (res.status == S::applied) {
                changed_zone = d->name;
            } else if (res.status == S::over_limit) {
                ans = {dns::rcode::REFUSED, "plan limit: the zone would hold " +
                                                std::to_string(res.records_after) + " records"};
            } else if (res.status != S::noop) {
                std::string detail = res.errors.empty() ? "invalid" : res.errors[0].detail;
                ans = {dns::rcode::REFUSED, detail};
            }
            // Anything not applied wrote nothing; the transaction commits nothing then.
        });
    } catch (const Problem& p) {
        return signed_answer(dns::rcode::SERVFAIL, p.detail);
    } catch (const std::exception& e) {
        log::error("update from " + remote + ": " + e.what());
        return signed_answer(dns::rcode::SERVFAIL, e.what());
    }
    if (!changed_zone.empty()) changed(changed_zone);
    return signed_answer(ans.rcode, ans.why);
}

// ---- the listeners ------------------------------------------------------------------------

namespace {

int bind_socket(const http::Address& a, int type, const std::string& listen) {
    int fd = ::socket(a.family(), type | SOCK_CLOEXEC, 0);
    if (fd < 0) throw Error(ex_unavailable, std::string("update socket: ") + std::strerror(errno));
    int one = 1;
    if (type == SOCK_STREAM) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length) != 0 ||
        (type == SOCK_STREAM && ::listen(fd, 16) != 0)) {
        int err = errno;
        ::close(fd);
        throw Error(ex_unavailable, "cannot listen for DNS UPDATE on " + listen + " (" +
                                        (type == SOCK_STREAM ? "TCP" : "UDP") +
                                        "): " + std::strerror(err));
    }
    return fd;
}

using Clock = std::chrono::steady_clock;

// Milliseconds left until the deadline (0 when it has passed), for poll().
int ms_left(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? int(left.count()) : 0;
}

// Reads exactly n octets before the deadline; false on timeout, EOF or error.
bool read_full(int fd, uint8_t* out, size_t n, Clock::time_point deadline) {
    size_t got = 0;
    while (got < n) {
        int ms = ms_left(deadline);
        if (ms == 0) return false;
        pollfd p{fd, POLLIN, 0};
        int ready = ::poll(&p, 1, ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return false;
        ssize_t r = ::recv(fd, out + got, n - got, MSG_DONTWAIT);
        if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (r <= 0) return false;
        got += size_t(r);
    }
    return true;
}

// Writes all of data before the deadline; false on timeout or error.
bool write_full(int fd, const std::string& data, Clock::time_point deadline) {
    size_t sent = 0;
    while (sent < data.size()) {
        int ms = ms_left(deadline);
        if (ms == 0) return false;
        pollfd p{fd, POLLOUT, 0};
        int ready = ::poll(&p, 1, ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return false;
        ssize_t r = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (r <= 0) return false;
        sent += size_t(r);
    }
    return true;
}

} // namespace

UpdateServer::UpdateServer(const std::string& listen, App& app) : app_(app) {
    auto a = http::parse_address(listen);
    if (!a) throw Error(ex_config, "update.listen '" + listen + "': " + a.error());
    udp_ = bind_socket(*a, SOCK_DGRAM, listen);
    http::Address bound;
    bound.length = sizeof bound.storage;
    ::getsockname(udp_, reinterpret_cast<sockaddr*>(&bound.storage), &bound.length);
    address_ = bound.to_string();
    try {
        tcp_ = bind_socket(bound, SOCK_STREAM, listen); // the port UDP got (listen may say 0)
        thread_ = std::thread([this] { loop(); });
    } catch (...) {
        ::close(udp_);
        if (tcp_ >= 0) ::close(tcp_);
        throw;
    }
}

UpdateServer::~UpdateServer() {
    stop();
}

void UpdateServer::stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    thread_.join();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return connections_ == 0; });
    ::close(udp_);
    ::close(tcp_);
}

// One thread answers UDP and accepts TCP connections. No input ends it: whatever a message
// throws is logged and the loop goes on.
void UpdateServer::loop() {
    std::vector<uint8_t> buf(dns::max_message);
    while (!stop_) {
        try {
            pollfd p[2] = {{udp_, POLLIN, 0}, {tcp_, POLLIN, 0}};
            if (::poll(p, 2, 200) <= 0) continue;
            if (p[1].revents & POLLIN) accept_one();
            if (!(p[0].revents & POLLIN)) continue;
            http::Address peer;
            peer.length = sizeof peer.storage;
            ssize_t n = ::recvfrom(udp_, buf.data(), buf.size(), MSG_DONTWAIT,
                                   reinterpret_cast<sockaddr*>(&peer.storage), &peer.length);
            if (n <= 0) continue;
            // Source port 0 cannot be answered: a spoofed source (reflection). Dropped unread.
            if (peer.port() == 0) continue;
            // No waiting for a copy still applied over TCP: this one thread answers all of UDP.
            std::string answer = app_.dns_update(buf.data(), size_t(n), peer.to_string(),
                                                 std::chrono::milliseconds(0));
            if (!answer.empty())
                ::sendto(udp_, answer.data(), answer.size(), MSG_DONTWAIT,
                         reinterpret_cast<const sockaddr*>(&peer.storage), peer.length);
        } catch (const std::exception& e) {
            log::error(std::string("update: ") + e.what());
        } catch (...) {
            log::error("update: an unknown exception");
        }
    }
}

// TCP (RFC 7766 framing): a thread per connection, at most max_connections at once and
// max_per_address from one client address; refused connections are closed at once. Each
// message (its length and its octets) must arrive within message_timeout of the previous
// answer (or of the connection), however it is dribbled; each answer must be taken within
// message_timeout. Messages answered in order.
void UpdateServer::accept_one() {
    http::Address peer;
    peer.length = sizeof peer.storage;
    int fd =
        ::accept4(tcp_, reinterpret_cast<sockaddr*>(&peer.storage), &peer.length, SOCK_CLOEXEC);
    if (fd < 0) return;
    std::string remote = peer.to_string(), host = http::strip_port(remote);
    {
        std::lock_guard lock(mu_);
        unsigned& from = per_address_[host];
        if (connections_ >= max_connections || from >= max_per_address) {
            if (from == 0) per_address_.erase(host);
            ::close(fd);
            log::info(
                "update: TCP connection from " + remote + " refused: " +
                (connections_ >= max_connections
                     ? std::to_string(max_connections) + " connections open"
                     : std::to_string(max_per_address) + " connections from " + host + " open"));
            return;
        }
        ++connections_;
        ++from;
    }
    try {
        std::thread([this, fd, remote, host] { serve(fd, remote, host); }).detach();
    } catch (const std::exception& e) {
        ::close(fd);
        release(host);
        log::error("update: cannot start a thread for the TCP connection from " + remote + ": " +
                   e.what());
    }
}

void UpdateServer::release(const std::string& host) {
    std::lock_guard lock(mu_);
    --connections_;
    auto it = per_address_.find(host);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
    cv_.notify_all();
}

void UpdateServer::serve(int fd, const std::string& remote, const std::string& host) {
    try {
        std::vector<uint8_t> buf(dns::max_message);
        while (!stop_) {
            auto deadline = Clock::now() + message_timeout;
            uint8_t len[2];
            if (!read_full(fd, len, 2, deadline)) break;
            size_t n = size_t(len[0]) << 8 | len[1];
            if (n == 0 || !read_full(fd, buf.data(), n, deadline)) break;
            std::string answer = app_.dns_update(buf.data(), n, remote, message_timeout);
            if (answer.empty()) continue;
            std::string framed;
            framed.push_back(char(answer.size() >> 8));
            framed.push_back(char(answer.size()));
            framed += answer;
            if (!write_full(fd, framed, Clock::now() + message_timeout)) break;
        }
    } catch (const std::exception& e) {
        log::error("update: TCP connection from " + remote + ": " + e.what());
    } catch (...) {
        log::error("update: TCP connection from " + remote + ": an unknown exception");
    }
    ::close(fd);
    release(host);
}

} // namespace endpointdns::api
