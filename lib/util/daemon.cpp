// SPDX-License-Identifier: MIT
// The signal handling every daemon shares: TERM/INT stop it, HUP re-reads its secrets.
#include "util/daemon.hpp"

#include "notify/notify.hpp"
#include "util/log.hpp"

#include <csignal>
#include <pthread.h>
#include <string>

namespace endpointdns::util {

namespace {

sigset_t daemon_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, sig);
    return set;
}

} // namespace

void block_daemon_signals() {
    sigset_t set = daemon_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

void wait_for_stop(const std::function<void()>& on_hup) {
    sigset_t set = daemon_signals();
    for (;;) {
        int sig = 0;
        sigwait(&set, &sig);
        if (sig == SIGHUP) {
            if (on_hup) on_hup();
            continue;
        }
        log::info(std::string("stopping on ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"));
        (void)notify::send("STOPPING=1");
        return;
    }
}

} // namespace endpointdns::util
