// SPDX-License-Identifier: MIT
// dnsapid's REST API: routing, authentication, plan limits and usage around the handlers.
#pragma once

#include "fanout.hpp"
#include "settings.hpp"
#include "usage.hpp"
#include "waiters.hpp"

#include "api/rrset_request.hpp"

#include "auth/key.hpp"
#include "dns/tsig_replay.hpp"
#include "http/server.hpp"
#include "plan/plan.hpp"
#include "store/db.hpp"
#include "store/zones.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace endpointdns::api {

// An error answer (RFC 9457 problem details), thrown by handlers and caught in App::handle.
struct Problem {
    Problem() = default;
    Problem(int status_code, std::string type_slug, std::string title_text, std::string detail_text)
        : status(status_code), type(std::move(type_slug)), title(std::move(title_text)),
          detail(std::move(detail_text)) {}
    int status = 500;
    std::string type;   // slug: "validation", "not-found", ... (the "type" URI ends in it)
    std::string title;  // short, the same for every problem of the type
    std::string detail; // this occurrence, for a person to act on
    nlohmann::json extra = nlohmann::json::object(); // more members: errors, limit, usage
    http::Headers headers;
};

// The caller, once authenticated.
struct Principal {
    bool admin = false;
    uint64_t account_id = 0;
    std::string account_name;
    uint64_t key_id = 0;
    std::string key_prefix;
    auth::Scope scope;
    plan::Limits limits;
    // Set when the credential is a session (POST /v1/sessions) rather than an API key.
    bool session = false;
    bool staff = false; // the session of a user of role admin: the admin resources too
    uint64_t user_id = 0;
    std::string user_email;
    std::string role;
    std::string expires_at; // the session's, RFC 3339
};

struct Ctx {
    const http::Request& req;
    Principal who;
    std::vector<std::string> seg;                 // path segments after /v1
    const http::Headers* limit_headers = nullptr; // RateLimit fields for a deferred answer
    bool* deferred = nullptr; // set by a handler that answers later (Request::defer)
    std::string remote;       // the client's address (behind [sessions] trusted_proxies)
    store::Actor actor() const;
};

class App {
public:
    App(Settings settings, std::string admin_key, store::Pool& pool);
    ~App();
    http::Response handle(const http::Request& req);
    void set_admin_key(std::string key);
    // Called when the schema was found current at start; otherwise the first request checks.
    void schema_checked() { schema_ok_ = true; }
    // The fan-out told about every committed change, and the long polls of ?wait=.
    // Answers one DNS UPDATE message (RFC 2136, TSIG required; update.cpp): the response to
    // send, empty when none is due. A copy of a message still being applied waits up to
    // `replay_wait` for its first answer (TCP); 0 (UDP: the one listener thread must not
    // stall) answers it with nothing, and the client retransmits.
    std::string dns_update(const uint8_t* msg, size_t len, const std::string& remote,
                           std::chrono::milliseconds replay_wait);
    void set_fanout(Fanout* fanout, Waiters* waiters) {
        fanout_ = fanout;
        waiters_ = waiters;
    }

private:
    http::Response dispatch(Ctx& ctx, std::string& route);
    static std::string route_of(const std::vector<std::string>& segments);
    void check_schema();
    Principal authenticate(const http::Request& req);
    void admit(Ctx& ctx, http::Headers& out);
    // One API call of the principal's account, whatever its route (a REST request, a DNS UPDATE
    // message): takes a token from the account's rate bucket and checks the daily and monthly
    // call quotas; the call is counted in the usage only when admitted.
    struct Admission {
        plan::RateLimiter::Decision rate;
        Usage::Totals totals;              // the account's calls before this one
        std::optional<plan::Finding> over; // the call quota that refuses it
    };
    Admission admit_call(const Principal& who);

    // admin
    http::Response plans(Ctx& ctx);
    http::Response plan_one(Ctx& ctx);
    http::Response accounts(Ctx& ctx);
    http::Response account_one(Ctx& ctx);
    http::Response account_keys(Ctx& ctx);
    http::Response account_users(Ctx& ctx);
    http::Response account_user_one(Ctx& ctx);
    // users and sessions (sessions.cpp); signup and login need no credential
    http::Response signup(Ctx& ctx);
    http::Response login(Ctx& ctx);
    http::Response session_current(Ctx& ctx);
    http::Response user_password(Ctx& ctx);
    // 429 when the email or the client address had too many failed logins lately.
    void check_login_failures(store::Conn& c, const std::string& email, const std::string& remote);
    void record_login_failure(const std::string& email, const std::string& remote,
                              const std::string& why);
    // A new session for the user: its JSON with the token (shown this once).
    nlohmann::json create_session(store::Conn& c, Ctx& ctx, uint64_t user_id, uint64_t account_id);
    // Hashes a password under the bound on concurrent hashes (each takes memlimit bytes).
    std::string hash_password(std::string_view password);
    std::string check_current_password(Ctx& ctx, const std::string& current,
                                       const std::string& what);
    bool verify_password(std::string_view hash, std::string_view password);
    // account
    http::Response account_self(Ctx& ctx);
    http::Response keys(Ctx& ctx);
    http::Response key_one(Ctx& ctx);
    http::Response domains(Ctx& ctx);
    http::Response domain_one(Ctx& ctx);
    http::Response rrsets(Ctx& ctx);
    http::Response rrset_one(Ctx& ctx);
    http::Response zone_file(Ctx& ctx);
    // zone history (versions.cpp)
    http::Response versions(Ctx& ctx);
    http::Response version_one(Ctx& ctx);
    http::Response version_restore(Ctx& ctx);

    // lego's httpreq DNS provider (acme.cpp): POST /v1/acme/httpreq/{present,cleanup}
    http::Response acme_httpreq(Ctx& ctx);

    // servers (admin) and changes
    http::Response servers(Ctx& ctx);
    http::Response server_one(Ctx& ctx);
    http::Response server_sync(Ctx& ctx);
    http::Response changes(Ctx& ctx);
    http::Response change_one(Ctx& ctx);

    // A change to the zone committed: push it to the edges.
    void changed(const std::string& zone) {
        if (fanout_) fanout_->changed(zone);
    }
    // A verified, first-seen DNS UPDATE (update.cpp): admission, scope, prerequisites and the
    // change; `msg` up to `tsig_offset` is the message without its TSIG. The answer, signed.
    using SignedAnswer = std::function<std::string(unsigned rcode, const std::string& why)>;
    std::string apply_update(const uint8_t* msg, size_t tsig_offset, const Principal& who,
                             const std::string& remote, const SignedAnswer& signed_answer);
    // The name servers (NS RRset) of a new domain, and its SOA MNAME.
    std::vector<std::string> new_domain_nameservers(store::Conn& c);

    http::Response metrics() const;
    void observe(const std::string& route, int status, double seconds);

    // helpers shared by the handlers
    store::Domain load_domain(store::Conn& c, Ctx& ctx, const std::string& name, bool lock);
    // Validates against the zone's state and commits a batch of edits as one change.
    http::Response write_change(Ctx& ctx, const std::string& zone, Batch& batch,
                                const std::string& summary, std::optional<uint32_t> zone_if_match);
    nlohmann::json usage_json(store::Conn& c, const Principal& p);
    struct WriteJob;
    void run_group(const std::string& zone, const std::vector<WriteJob*>& group);
    http::Response apply_job(store::Conn& c, store::Domain& d, WriteJob& job);
    RequestLimits request_limits() const {
        return {settings_.zones.max_records_per_rrset, settings_.zones.max_batch};
    }

    Settings settings_;
    std::string admin_key_;
    mutable std::mutex admin_mu_;
    store::Pool& pool_;
    std::atomic<bool> schema_ok_{false};
    plan::RateLimiter rate_;
    Usage usage_;
    // The TSIG-signed DNS UPDATE messages of the last fudge window (update.cpp): a message seen
    // again is answered as the first time, never applied twice. At most 50,000 at once, and
    // 2,000 of one account (its flood fills its own share, not everyone's).
    static constexpr size_t replay_capacity = 50000, replay_per_account = 2000;
    dns::tsig::ReplayCache replay_{replay_capacity, replay_per_account};
    Fanout* fanout_ = nullptr;
    Waiters* waiters_ = nullptr;
    // Password hashes running at once (each holds memlimit bytes): at most the core count.
    std::mutex hash_mu_;
    std::condition_variable hash_cv_;
    unsigned hashing_ = 0;
    std::string dummy_hash_; // verified for unknown emails, so timing does not tell

    struct Series {
        uint64_t count = 0;
        double sum = 0;
        std::vector<uint64_t> buckets;
    };
    // Writes queued per zone for group commit (see write_change in rrsets.cpp).
    struct ZoneQueue {
        std::deque<WriteJob*> pending;
        bool leader = false;
    };
    static constexpr size_t max_group = 64;
    std::mutex groups_mu_;
    std::condition_variable groups_cv_;
    std::unordered_map<std::string, std::shared_ptr<ZoneQueue>> groups_;

    mutable std::mutex metrics_mu_;
    std::map<std::pair<std::string, int>, uint64_t> requests_;
    std::map<std::string, Series> latency_;
};

} // namespace endpointdns::api
