// SPDX-License-Identifier: MIT
// The [transfer] section of dns-serve.toml: the zone-transfer policy, per-zone entries, keys.
#pragma once

#include "config/config.hpp"
#include "dns/tsig.hpp"
#include "serve/notifier.hpp"
#include "serve/xfr.hpp"

#include <memory>
#include <string>
#include <vector>

namespace endpointdns::serve {

// The keys [transfer] may hold, for config::File::check_keys ("transfer.allow", ...).
const std::vector<std::string>& transfer_config_keys();

// What [transfer] says: who may transfer (reloaded on SIGHUP) and whom to NOTIFY (read at
// start).
struct TransferSettings {
    std::shared_ptr<const TransferPolicy> policy;
    NotifyOptions notify;
};

// Reads [transfer] and its [[transfer.zone]] entries from `f`, and the key files they name.
// Throws Error(ex_config) saying where ("file:line:col: transfer.zone[2].allow: ...", or
// "keyfile:line: ..." for a key file) and what is wrong.
//
// Semantics: a [[transfer.zone]] entry replaces, for its zone, each of allow, tsig_keys,
// require_tsig and notify that it gives; what it leaves out is the global value. A key that
// some entry names in tsig_keys transfers only the zones whose entries name it; the other
// keys are global (every zone without its own tsig_keys).
TransferSettings load_transfer_settings(const config::File& f);

} // namespace endpointdns::serve
