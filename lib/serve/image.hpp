// SPDX-License-Identifier: MIT
// Index images: a zone's in-memory index saved beside its zone file, mapped back on restart.
#pragma once

#include "serve/snapshot.hpp"

#include <string>

namespace endpointdns::serve {

// An image is a cache, never the truth: it is tied to one zone file by the file's identity
// (inode, size, modification time and a CRC-32C of its content), so a rewritten zone file
// makes it stale, and it
// carries a checksum, so a damaged one is refused. Either way the zone file is parsed instead.
// Images are written without fsync: losing one costs a slower start, nothing else.

// The identity of a zone file (inode, size, modification time, CRC-32C of the content);
// false when it cannot be read.
bool file_identity(const std::string& xfr_path, uint64_t id[4]);

// Writes the image of `zone` (the zone exactly as in the zone file whose identity is `id`,
// taken while no writer could replace that file) to `image_path` through a temporary file and
// rename. Throws Error(ex_cantcreat / ex_ioerr).
void write_image_file(const ServeZone& zone, const uint64_t id[4], const std::string& image_path);

// Maps `image_path` and returns its zone when it matches the current `xfr_path`; an error
// value says why not (missing, stale, damaged).
// `xfr_crc` is the zone file's CRC-32C, which the caller has computed already (the state
// directory reads the file once to match it to its journal).
Result<std::shared_ptr<const ServeZone>>
map_image_file(const std::string& xfr_path, uint32_t xfr_crc, const std::string& image_path);

} // namespace endpointdns::serve
