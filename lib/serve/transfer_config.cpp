// SPDX-License-Identifier: MIT
// Reading [transfer] and [[transfer.zone]] of dns-serve.toml, and the TSIG key files they name.
#include "serve/transfer_config.hpp"

#include "dns/tsig_keyfile.hpp"
#include "error.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace endpointdns::serve {

namespace {

// "keyfile:N: what" for a parser message "line N: what", else "keyfile: what".
std::string at_file(const std::string& path, const std::string& message) {
    if (message.rfind("line ", 0) == 0) {
        size_t colon = message.find(':');
        if (colon != std::string::npos && colon > 5)
            return path + ":" + message.substr(5, colon - 5) + message.substr(colon);
    }
    return path + ": " + message;
}

std::string read_key_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ex_config,
                    "cannot read the TSIG key file: " + path + ": " + std::strerror(errno));
    std::ostringstream os;
    os << in.rdbuf();
    if (in.bad()) throw Error(ex_config, "cannot read the TSIG key file: " + path);
    return os.str();
}

std::vector<Prefix> prefixes(const config::File& f, const std::string& key) {
    std::vector<Prefix> out;
    for (const auto& a : f.strings(key).value_or(std::vector<std::string>{})) {
        auto p = parse_prefix(a);
        if (!p) throw Error(ex_config, f.where(key) + ": " + f.shown(key) + ": " + p.error());
        out.push_back(*p);
    }
    return out;
}

std::vector<std::string> notify_targets(const config::File& f, const std::string& key) {
    auto v = f.strings(key).value_or(std::vector<std::string>{});
    for (const auto& t : v) {
        auto r = parse_notify_target(t);
        if (!r) throw Error(ex_config, f.where(key) + ": " + f.shown(key) + ": " + r.error());
    }
    return v;
}

// A key of a key file, and the line it starts on.
struct FileKey {
    dns::tsig::Key key;
    size_t line = 0;
};

std::vector<FileKey> keys_of(std::string_view text, const std::string& path) {
    auto parsed = dns::parse_tsig_keys(text);
    if (!parsed) throw Error(ex_config, at_file(path, parsed.error()));
    std::vector<FileKey> out;
    for (const auto& k : *parsed) {
        std::string alg = k.algorithm.substr(0, k.algorithm.size() - 1);
        if (alg == "hmac-md5.sig-alg.reg.int") alg = "hmac-md5";
        auto key = dns::tsig::parse_key(alg + ":" + k.name + ":" + k.secret);
        if (!key)
            throw Error(ex_config, path + ":" + std::to_string(k.line) + ": key " + k.name + ": " +
                                       key.error());
        out.push_back({std::move(*key), k.line});
    }
    return out;
}

} // namespace

const std::vector<std::string>& transfer_config_keys() {
    static const std::vector<std::string> keys = {
        "transfer.allow",  "transfer.require_tsig",    "transfer.tsig_key_files",
        "transfer.notify", "transfer.notify_attempts", "transfer.notify_timeout",
        "transfer.zone"};
    return keys;
}

TransferSettings load_transfer_settings(const config::File& f) {
    auto policy = std::make_shared<TransferPolicy>();
    NotifyOptions notify;
    policy->allow = prefixes(f, "transfer.allow");

    // Keys, from every file; a name defined twice is an error (which one would sign?).
    std::map<std::string, std::string> defined; // lowercase name -> "file:line"
    for (const auto& path :
         f.strings("transfer.tsig_key_files").value_or(std::vector<std::string>{})) {
        for (auto& k : keys_of(read_key_file(path), path)) {
            std::string here = path + ":" + std::to_string(k.line);
            auto [it, fresh] = defined.emplace(k.key.name.lowercased().to_text(), here);
            if (!fresh)
                throw Error(ex_config, here + ": key " + k.key.name.to_text() +
                                           " is defined twice (first at " + it->second + ")");
            policy->keys.push_back(std::move(k.key));
        }
    }
    policy->require_tsig = f.boolean("transfer.require_tsig").value_or(false);

    // The entries.
    auto entries = f.tables("transfer.zone");
    std::vector<std::vector<std::string>> entry_notify;
    std::vector<bool> entry_has_notify;
    for (const auto& e : entries) {
        e.check_keys({"name", "allow", "tsig_keys", "require_tsig", "notify"});
        auto name_text = e.string("name");
        if (!name_text) throw Error(ex_config, e.where() + ": " + e.shown("name") + " is missing");
        std::string text = *name_text;
        if (text.empty() || text.back() != '.') text += '.';
        auto name = dns::Name::parse(text);
        if (!name || name_text->empty())
            throw Error(ex_config, e.where("name") + ": " + e.shown("name") + ": '" + *name_text +
                                       "' is not a domain name" +
                                       (name ? "" : ": " + name.error()));
        if (policy->rule(*name))
            throw Error(ex_config, e.where("name") + ": " + e.shown("name") + ": zone " +
                                       name->to_text() +
                                       " has an earlier [[transfer.zone]] entry already");
        ZoneTransferRule r;
        r.zone = *name;
        r.allow = e.strings("allow") ? prefixes(e, "allow") : policy->allow;
        if (auto ks = e.strings("tsig_keys")) {
            r.keys.emplace();
            for (const auto& k : *ks) {
                std::string kt = k;
                if (kt.empty() || kt.back() != '.') kt += '.';
                auto kn = dns::Name::parse(kt);
                bool known = false;
                if (kn && !k.empty())
                    for (const auto& key : policy->keys) known = known || key.name == *kn;
                if (!known)
                    throw Error(ex_config, e.where("tsig_keys") + ": " + e.shown("tsig_keys") +
                                               ": no key '" + k +
                                               "' in the files of transfer.tsig_key_files");
                r.keys->push_back(*kn);
            }
        }
        r.require_tsig = e.boolean("require_tsig").value_or(policy->require_tsig);
        entry_has_notify.push_back(e.strings("notify").has_value());
        entry_notify.push_back(notify_targets(e, "notify"));
        policy->zones.push_back(std::move(r));
    }

    // The global keys: those no entry names. Each zone's first key signs its NOTIFY.
    std::vector<const dns::tsig::Key*> global;
    for (const auto& k : policy->keys)
        if (policy->global_key(k.name)) global.push_back(&k);
    if (policy->require_tsig && policy->keys.empty())
        throw Error(ex_config, f.where("transfer.require_tsig") +
                                   ": transfer.require_tsig is set but "
                                   "transfer.tsig_key_files names no key");
    if (policy->require_tsig && global.empty() && !policy->allow.empty())
        throw Error(ex_config, f.where("transfer.require_tsig") +
                                   ": transfer.require_tsig is set but every key is named by a "
                                   "[[transfer.zone]] entry: no key may transfer the other zones");
    for (size_t i = 0; i < entries.size(); ++i) {
        const ZoneTransferRule& r = policy->zones[i];
        bool has_key = r.keys ? !r.keys->empty() : !global.empty();
        if (r.require_tsig && !has_key && !r.allow.empty())
            throw Error(ex_config, entries[i].where() + ": " + entries[i].shown("require_tsig") +
                                       ": TSIG is required for zone " + r.zone.to_text() +
                                       " but no key may transfer it");
    }

    notify.targets = notify_targets(f, "transfer.notify");
    if (auto v = f.integer("transfer.notify_attempts", 1, 20)) notify.attempts = unsigned(*v);
    if (auto v = f.integer("transfer.notify_timeout", 1, 60))
        notify.first_timeout_ms = unsigned(*v * 1000);
    // NOTIFY is signed with the first key that may transfer the zone, the one the secondary
    // transfers with.
    if (!global.empty()) notify.key = *global.front();
    for (size_t i = 0; i < entries.size(); ++i) {
        const ZoneTransferRule& r = policy->zones[i];
        ZoneNotify zn;
        zn.zone = r.zone;
        zn.targets = entry_has_notify[i] ? entry_notify[i] : notify.targets;
        if (r.keys) {
            if (!r.keys->empty())
                for (const auto& k : policy->keys)
                    if (k.name == r.keys->front()) zn.key = k;
        } else {
            zn.key = notify.key;
        }
        if (entry_has_notify[i] || r.keys) notify.zones.push_back(std::move(zn));
    }
    return TransferSettings{std::move(policy), std::move(notify)};
}

} // namespace endpointdns::serve
