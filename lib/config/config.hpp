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
    // The tables of an array of tables ([[transfer.zone]]), each as a File of its own: its
    // accessors and check_keys() take keys relative to the entry ("name") and name them in
    // messages as "transfer.zone[2].name" (entries counted from 1). Empty when absent; throws
    // when the key is not an array of tables.
    std::vector<File> tables(const std::string& dotted) const;
    // "file:line:col" of a key's value, or of this File's table when the key is absent or
    // empty (an entry of tables(): its [[...]] header line).
    std::string where(const std::string& dotted = "") const;
    // The key as messages name it: "transfer.allow", "transfer.zone[2].allow".
    std::string shown(const std::string& dotted) const;
    const std::string& path() const { return path_; }

private:
    File();
    std::string path_;
    std::shared_ptr<toml::table> root_;  // the whole file
    const toml::table* table_ = nullptr; // root_, or an entry of an array of tables in it
    std::string array_;                  // "transfer.zone" for an entry, "" for the file
    size_t index_ = 0;                   // the entry's number, from 1
};

} // namespace endpointdns::config
