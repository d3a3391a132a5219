// SPDX-License-Identifier: MIT
// Index images: a zone's in-memory index saved beside its zone file, mapped back on restart.
#include "serve/image.hpp"

#include "error.hpp"
#include "serve/state_dir.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace endpointdns::serve {

namespace {} // namespace

namespace {

// Inode, size and time alone can repeat (inode numbers are reused at once on ext4, and some
// file systems keep whole seconds), so the content's CRC-32C is part of the identity too.
bool stat_identity(const std::string& path, uint32_t crc, uint64_t tag[4]) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return false;
    }
    tag[0] = uint64_t(st.st_ino);
    tag[1] = uint64_t(st.st_size);
    tag[2] = uint64_t(st.st_mtim.tv_sec) * 1000000000ull + uint64_t(st.st_mtim.tv_nsec);
    tag[3] = crc;
    return true;
}

} // namespace

bool file_identity(const std::string& path, uint64_t tag[4]) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    uint32_t crc = 0;
    std::string buf(size_t(1) << 20, '\0');
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            ::close(fd);
            return false;
        }
        if (n == 0) {
            break;
        }
        crc = journal::crc32c(std::string_view(buf.data(), size_t(n)), crc);
    }
    ::close(fd);
    return stat_identity(path, crc, tag);
}

namespace {

std::string why() {
    return std::strerror(errno);
}

} // namespace

void write_image_file(const ServeZone& zone, const uint64_t id[4], const std::string& image_path) {
    uint64_t tag[4] = {id[0], id[1], id[2], id[3]};
    std::string tmp = image_path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw Error(ex_cantcreat, "index image: cannot create " + tmp + ": " + why());
    }
    bool ok = true;
    zone.write_image(
        [&](std::string_view b) {
            while (ok && !b.empty()) {
                ssize_t n = ::write(fd, b.data(), b.size());
                if (n < 0 && errno == EINTR) {
                    continue;
                }
                if (n <= 0) {
                    ok = false;
                    break;
                }
                b.remove_prefix(size_t(n));
            }
        },
        tag);
    std::string err = ok ? "" : why();
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), image_path.c_str()) != 0) {
        if (ok) {
            err = why();
        }
        ::unlink(tmp.c_str());
        throw Error(ex_ioerr, "index image: cannot write " + image_path + ": " + err);
    }
}

Result<std::shared_ptr<const ServeZone>>
map_image_file(const std::string& xfr_path, uint32_t xfr_crc, const std::string& image_path) {
    uint64_t want[4];
    if (!stat_identity(xfr_path, xfr_crc, want)) {
        return fail("no zone file " + xfr_path);
    }
    int fd = ::open(image_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return fail("no index image: " + why());
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
        ::close(fd);
        return fail("empty index image");
    }
    size_t size = size_t(st.st_size);
    void* m = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    ::close(fd);
    if (m == MAP_FAILED) {
        return fail("cannot map the index image: " + why());
    }
    std::shared_ptr<const void> keep(
        m, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
    // The identity first: a stale image is not worth checking in full.
    if (size < 128 || std::memcmp(static_cast<const uint8_t*>(m) + 72, want, sizeof want) != 0) {
        return fail("index image is stale (the zone file changed)");
    }
    uint64_t tag[4];
    auto z = ServeZone::from_image(keep, static_cast<const uint8_t*>(m), size, tag);
    if (!z) {
        return z;
    }
    if (std::memcmp(tag, want, sizeof want) != 0) {
        return fail("index image is stale (the zone file changed)");
    }
    return z;
}

} // namespace endpointdns::serve
