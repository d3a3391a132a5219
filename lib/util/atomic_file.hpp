// SPDX-License-Identifier: MIT
// Files replaced atomically: write a temporary beside the target, fsync, rename, fsync the
// directory.
#pragma once

#include <string>
#include <string_view>

namespace endpointdns::util {

// Writes go to "<path>.tmp.XXXXXX"; commit() makes them durable and renames over path.
// A destroyed, uncommitted AtomicFile removes its temporary and never throws.
class AtomicFile {
public:
    explicit AtomicFile(std::string path); // throws Error(ex_cantcreat)
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::string_view data); // throws Error(ex_ioerr)
    void commit();                     // throws Error(ex_ioerr)

private:
    std::string path_, tmp_;
    int fd_ = -1;
    bool committed_ = false;
};

// Writes all of data to fd (retrying short writes and EINTR). Throws Error(ex_ioerr) naming what.
void write_all(int fd, std::string_view data, const std::string& what);

} // namespace endpointdns::util
