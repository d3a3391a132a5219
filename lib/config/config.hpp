// SPDX-License-Identifier: MIT
// TOML configuration files (toml++): strict schema checks with file:line:col errors (exit 78).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace toml {
inline namespace v3 {
class table;
}
} // namespace toml

namespace endpointdns::config {

// A parsed configuration file. Accessors check types and ranges; unknown keys are found by
// check_keys(). Every failure throws Error(ex_config) with "file:line:col: message".
class File {
public:
    // Parses path. When the file does not exist and `optional` is set, the result is empty.
    static File load(const std::string& path, bool optional = false);
    static File parse(std::string_view text, const std::string& display_name);
    File(File&&) noexcept;
    File& operator=(File&&) noexcept;
    ~File();

    // Throws for any key (dotted "section.key") not in the allowed list, or a section/key of
    // the wrong kind.
    void check_keys(const std::vector<std::string>& allowed) const;
    std::optional<int64_t> integer(const std::string& dotted, int64_t min, int64_t max) const;
    // An integer or a float (TOML 30 or 30.5), within [min, max].
    std::optional<double> number(const std::string& dotted, double min, double max) const;
    std::optional<std::string> string(const std::string& dotted) const;
    std::optional<bool> boolean(const std::string& dotted) const;
    std::optional<std::vector<std::string>> strings(const std::string& dotted) const;
    const std::string& path() const { return path_; }

private:
    File();
    std::string path_;
    std::unique_ptr<toml::table> table_;
};

} // namespace endpointdns::config
