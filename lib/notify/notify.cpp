// SPDX-License-Identifier: MIT
// sd_notify without libsystemd: one datagram to the AF_UNIX socket systemd gives the service.
#include "notify/notify.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace endpointdns::notify {

Result<bool> send_to(std::string_view socket_name, std::string_view state) {
    if (socket_name.empty()) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_name.size() >= sizeof addr.sun_path)
        return fail("NOTIFY_SOCKET is longer than a socket path may be");
    if (socket_name[0] != '/' && socket_name[0] != '@')
        return fail("NOTIFY_SOCKET '" + std::string(socket_name) +
                    "' is neither a path nor '@name'");
    std::memcpy(addr.sun_path, socket_name.data(), socket_name.size());
    if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0'; // abstract namespace
    socklen_t len = socklen_t(offsetof(sockaddr_un, sun_path) + socket_name.size());

    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return fail(std::string("cannot create a notify socket: ") + std::strerror(errno));
    ssize_t n;
    do {
        n = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                     reinterpret_cast<const sockaddr*>(&addr), len);
    } while (n < 0 && errno == EINTR);
    int err = errno;
    ::close(fd);
    if (n < 0) return fail("cannot notify " + std::string(socket_name) + ": " + std::strerror(err));
    if (size_t(n) != state.size()) return fail("notify message was cut short");
    return true;
}

Result<bool> send(std::string_view state) {
    const char* s = std::getenv("NOTIFY_SOCKET");
    return send_to(s ? std::string_view(s) : std::string_view(), state);
}

} // namespace endpointdns::notify
