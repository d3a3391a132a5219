// SPDX-License-Identifier: MIT
// The DNS UPDATE (RFC 2136) listeners of dnsapid ([update] listen): UDP, and TCP with a thread
// per connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
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
    void accept_one();
    void serve(int fd, const std::string& remote, const std::string& host);
    void release(const std::string& host); // a connection of host's ended
    static constexpr unsigned max_connections = 16, max_per_address = 4;
    static constexpr std::chrono::seconds message_timeout{10};
    App& app_;
    int udp_ = -1, tcp_ = -1;
    std::mutex mu_;
    std::condition_variable cv_;
    unsigned connections_ = 0;
    std::map<std::string, unsigned> per_address_; // open connections by client address
    std::string address_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

} // namespace endpointdns::api
