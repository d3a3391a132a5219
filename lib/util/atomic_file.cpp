// SPDX-License-Identifier: MIT
// AtomicFile: temp + fsync + rename, the djbdns way of replacing data files.
#include "util/atomic_file.hpp"

#include "error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace endpointdns::util {

void write_all(int fd, std::string_view data, const std::string& what) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(ex_ioerr, "cannot write " + what + ": " + std::strerror(errno));
        }
        data.remove_prefix(size_t(n));
    }
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw Error(ex_cantcreat, "cannot create " + path_ + ": is a directory");
    std::vector<char> t(path_.begin(), path_.end());
    const char suffix[] = ".tmp.XXXXXX";
    t.insert(t.end(), suffix, suffix + sizeof suffix);
    fd_ = ::mkostemp(t.data(), O_CLOEXEC);
    if (fd_ < 0) throw Error(ex_cantcreat, "cannot create " + path_ + ": " + std::strerror(errno));
    tmp_.assign(t.data());
    ::fchmod(fd_, 0644);
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

void AtomicFile::write(std::string_view data) {
    write_all(fd_, data, path_);
}

void AtomicFile::commit() {
    if (::fsync(fd_) != 0)
        throw Error(ex_ioerr, "cannot sync " + path_ + ": " + std::strerror(errno));
    if (::close(fd_) != 0) {
        fd_ = -1;
        throw Error(ex_ioerr, "cannot close " + path_ + ": " + std::strerror(errno));
    }
    fd_ = -1;
    if (::rename(tmp_.c_str(), path_.c_str()) != 0)
        throw Error(ex_ioerr,
                    "cannot rename " + tmp_ + " to " + path_ + ": " + std::strerror(errno));
    committed_ = true;
    // Make the rename itself durable.
    auto slash = path_.rfind('/');
    std::string dir =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : path_.substr(0, slash));
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

} // namespace endpointdns::util
