// SPDX-License-Identifier: MIT
// Human-readable tables for the command-line tools: columns padded to their widest cell.
#pragma once

#include <string>
#include <vector>

namespace endpointdns::util {

// One line per row, cells separated by at least two blanks, no trailing blanks. Rows may have
// different lengths; the first row is usually the header.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

} // namespace endpointdns::util
