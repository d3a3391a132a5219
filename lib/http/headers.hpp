// SPDX-License-Identifier: MIT
// HTTP header lists with case-insensitive lookup, shared by the HTTP server and client.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace endpointdns::http {

// True when a and b are equal ignoring ASCII case (header names, auth schemes).
bool iequals(std::string_view a, std::string_view b);

// Header fields in the order received or added; names compare case-insensitively
// (RFC 9110 section 5.1). A name may occur more than once.
class Headers {
public:
    using Field = std::pair<std::string, std::string>;

    void add(std::string name, std::string value);
    // Replaces every field of that name by one.
    void set(std::string name, std::string value);
    // The first field of that name, or nullptr.
    const std::string* find(std::string_view name) const;
    // The first field of that name, or fallback.
    std::string get(std::string_view name, std::string_view fallback = {}) const;
    bool contains(std::string_view name) const { return find(name) != nullptr; }

    const std::vector<Field>& fields() const { return fields_; }
    bool empty() const { return fields_.empty(); }
    size_t size() const { return fields_.size(); }
    void clear() { fields_.clear(); }

private:
    std::vector<Field> fields_;
};

} // namespace endpointdns::http
