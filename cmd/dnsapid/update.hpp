// SPDX-License-Identifier: MIT
// The DNS UPDATE (RFC 2136) listener of dnsapid ([update] listen): UDP, one thread.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace endpointdns::api {

class App;

class UpdateServer {
public:
    // Binds `listen` (ADDR:PORT) and starts answering; throws Error when it cannot bind.
    UpdateServer(const std::string& listen, App& app);
    ~UpdateServer();
    void stop();
    const std::string& address() const { return address_; }

private:
    void loop();
    App& app_;
    int fd_ = -1;
    std::string address_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

} // namespace endpointdns::api
