// SPDX-License-Identifier: MIT
// Case-insensitive HTTP header lists.
#include "http/headers.hpp"

#include <algorithm>

namespace endpointdns::http {

namespace {
char lower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}
} // namespace

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

void Headers::add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string name, std::string value) {
    std::erase_if(fields_, [&](const Field& f) { return iequals(f.first, name); });
    add(std::move(name), std::move(value));
}

const std::string* Headers::find(std::string_view name) const {
    for (const auto& f : fields_)
        if (iequals(f.first, name)) return &f.second;
    return nullptr;
}

std::string Headers::get(std::string_view name, std::string_view fallback) const {
    const std::string* v = find(name);
    return v ? *v : std::string(fallback);
}

} // namespace endpointdns::http
