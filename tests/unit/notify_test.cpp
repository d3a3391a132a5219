// SPDX-License-Identifier: MIT
// Tests lib/notify: readiness messages reach a real AF_UNIX datagram socket, path or abstract.
#include "notify/notify.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace notify = endpointdns::notify;

namespace {

// A datagram socket bound to `name` (a path, or "@abstract"), as a service manager would hold.
struct Listener {
    int fd = -1;
    std::string name;
    explicit Listener(std::string n) : name(std::move(n)) {
        fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::memcpy(a.sun_path, name.data(), name.size());
        if (name[0] == '@') a.sun_path[0] = '\0';
        socklen_t len = socklen_t(offsetof(sockaddr_un, sun_path) + name.size());
        EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), len), 0) << name;
        timeval tv{2, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~Listener() {
        ::close(fd);
        if (name[0] == '/') {
            ::unlink(name.c_str());
            ::rmdir(name.substr(0, name.rfind('/')).c_str());
        }
    }
    std::string receive() {
        char buf[4096];
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        return n < 0 ? std::string("<nothing>") : std::string(buf, size_t(n));
    }
};

std::string temp_socket_path() {
    char dir[] = "/tmp/notify-test-XXXXXX";
    EXPECT_NE(::mkdtemp(dir), nullptr);
    return std::string(dir) + "/notify.sock";
}

} // namespace

TEST(Notify, SendsToAPathSocket) {
    Listener l(temp_socket_path());
    auto r = notify::send_to(l.name, "READY=1\nSTATUS=serving 3 zones");
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_TRUE(*r);
    EXPECT_EQ(l.receive(), "READY=1\nSTATUS=serving 3 zones");
}

TEST(Notify, SendsToAnAbstractSocket) {
    Listener l("@endpointdns-notify-test-" + std::to_string(::getpid()));
    auto r = notify::send_to(l.name, "READY=1");
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(l.receive(), "READY=1");
}

TEST(Notify, UsesTheEnvironment) {
    Listener l(temp_socket_path());
    ASSERT_EQ(::setenv("NOTIFY_SOCKET", l.name.c_str(), 1), 0);
    auto r = notify::send("STOPPING=1");
    ::unsetenv("NOTIFY_SOCKET");
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_TRUE(*r);
    EXPECT_EQ(l.receive(), "STOPPING=1");
}

TEST(Notify, WithoutAServiceManagerNothingIsSent) {
    ::unsetenv("NOTIFY_SOCKET");
    auto r = notify::send("READY=1");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(*r);
    ASSERT_EQ(::setenv("NOTIFY_SOCKET", "", 1), 0);
    auto e = notify::send("READY=1");
    ::unsetenv("NOTIFY_SOCKET");
    ASSERT_TRUE(e.ok());
    EXPECT_FALSE(*e);
}

TEST(Notify, UnreachableOrMalformedSocketsAreErrorValues) {
    std::string unbound = temp_socket_path();
    auto gone = notify::send_to(unbound, "READY=1"); // nobody bound it
    ::rmdir(unbound.substr(0, unbound.rfind('/')).c_str());
    ASSERT_FALSE(gone.ok());
    EXPECT_NE(gone.error().find("cannot notify"), std::string::npos) << gone.error();
    auto relative = notify::send_to("relative/path", "READY=1");
    ASSERT_FALSE(relative.ok());
    auto too_long = notify::send_to("/" + std::string(200, 'x'), "READY=1");
    ASSERT_FALSE(too_long.ok());
}
