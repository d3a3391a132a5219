// SPDX-License-Identifier: MIT
// plan-check's database side: accounts with their plan's limits and their usage, read from MariaDB.
#pragma once

#include "plan/plan.hpp"
#include "store/db.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace endpointdns::plancheck {

struct Account {
    uint64_t id = 0;
    std::string name;
    bool disabled = false;
    plan::Limits limits;
    plan::Usage usage; // API calls counted by UTC day and month, as dnsapid stores them
};

// The accounts named by `selectors` (an account id, or an account name), each once, in the
// order given; every account, by id, when `selectors` is empty. Throws Error(ex_noinput) for a
// selector that names no account, Error(ex_config) when the database has no EndpointDNS schema,
// Error(ex_unavailable) when it cannot be reached.
std::vector<Account> load_accounts(store::Pool& pool, const std::vector<std::string>& selectors);

} // namespace endpointdns::plancheck
