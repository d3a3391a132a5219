// SPDX-License-Identifier: MIT
// Configuration loading and strict key/type checks on top of toml++.
#include "config/config.hpp"

#include "error.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace endpointdns::config {

namespace {
std::string pos(const std::string& file, const toml::source_region& r) {
    return file + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}
} // namespace

File::File() : root_(std::make_shared<toml::table>()), table_(root_.get()) {}
File::File(File&&) noexcept = default;
File& File::operator=(File&&) noexcept = default;
File::~File() = default;

File File::parse(std::string_view text, const std::string& name) {
    File f;
    f.path_ = name;
    try {
        *f.root_ = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        throw Error(ex_config, pos(name, e.source()) + ": " + std::string(e.description()));
    }
    return f;
}

File File::load(const std::string& path, bool optional) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (optional) {
            File f;
            f.path_ = path;
            return f;
        }
        throw Error(ex_config, "cannot read configuration " + path + ": no such file");
    }
    if (!S_ISREG(st.st_mode))
        throw Error(ex_config, "cannot read configuration " + path + ": not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ex_config, "cannot read configuration " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw Error(ex_config, "cannot read configuration " + path);
    return parse(ss.str(), path);
}

void File::check_keys(const std::vector<std::string>& allowed) const {
    auto is_allowed = [&](const std::string& k) {
        for (const auto& a : allowed)
            if (a == k) return true;
        return false;
    };
    auto section_allowed = [&](const std::string& s) {
        for (const auto& a : allowed)
            if (a.rfind(s + ".", 0) == 0) return true;
        return false;
    };
    for (auto&& [k, v] : *table_) {
        std::string key(k.str());
        if (v.is_table()) {
            if (!section_allowed(key))
                throw Error(ex_config, pos(path_, k.source()) + ": unknown section [" + key + "]");
            for (auto&& [k2, v2] : *v.as_table()) {
                std::string dotted = key + "." + std::string(k2.str());
                if (!is_allowed(dotted))
                    throw Error(ex_config, pos(path_, k2.source()) + ": unknown key '" +
                                               std::string(k2.str()) + "' in [" + key + "]");
                (void)v2;
            }
        } else if (!is_allowed(key)) {
            throw Error(ex_config, pos(path_, k.source()) + ": unknown key '" + key + "'" +
                                       (array_.empty() ? "" : " in [[" + array_ + "]]"));
        }
    }
}

std::optional<int64_t> File::integer(const std::string& dotted, int64_t min, int64_t max) const {
    auto node = table_->at_path(dotted);
    if (!node) return std::nullopt;
    auto v = node.value_exact<int64_t>();
    if (!v)
        throw Error(ex_config, pos(path_, node.node()->source()) + ": " + shown(dotted) +
                                   " must be an integer");
    if (*v < min || *v > max)
        throw Error(ex_config, pos(path_, node.node()->source()) + ": " + shown(dotted) +
                                   " must be between " + std::to_string(min) + " and " +
                                   std::to_string(max));
    return v;
}

std::optional<double> File::number(const std::string& dotted, double min, double max) const {
    auto node = table_->at_path(dotted);
    if (!node) return std::nullopt;
    double v = 0;
    if (auto i = node.value_exact<int64_t>())
        v = double(*i);
    else if (auto d = node.value_exact<double>())
        v = *d;
    else
        throw Error(ex_config,
                    pos(path_, node.node()->source()) + ": " + shown(dotted) + " must be a number");
    if (!(v >= min && v <= max)) {
        std::ostringstream range;
        range << " must be between " << min << " and " << max;
        throw Error(ex_config,
                    pos(path_, node.node()->source()) + ": " + shown(dotted) + range.str());
    }
    return v;
}

std::optional<std::string> File::string(const std::string& dotted) const {
    auto node = table_->at_path(dotted);
    if (!node) return std::nullopt;
    auto v = node.value_exact<std::string>();
    if (!v)
        throw Error(ex_config,
                    pos(path_, node.node()->source()) + ": " + shown(dotted) + " must be a string");
    return v;
}

std::optional<std::vector<std::string>> File::strings(const std::string& dotted) const {
    auto node = table_->at_path(dotted);
    if (!node) return std::nullopt;
    const auto* arr = node.as_array();
    if (!arr)
        throw Error(ex_config, pos(path_, node.node()->source()) + ": " + shown(dotted) +
                                   " must be an array of strings");
    std::vector<std::string> out;
    for (const auto& el : *arr) {
        auto v = el.value_exact<std::string>();
        if (!v)
            throw Error(ex_config,
                        pos(path_, el.source()) + ": " + shown(dotted) + " must hold only strings");
        out.push_back(*v);
    }
    return out;
}

std::string File::shown(const std::string& dotted) const {
    if (array_.empty()) return dotted;
    return array_ + "[" + std::to_string(index_) + "]." + dotted;
}

std::string File::where(const std::string& dotted) const {
    if (!dotted.empty())
        if (auto node = table_->at_path(dotted)) return pos(path_, node.node()->source());
    return pos(path_, table_->source());
}

std::vector<File> File::tables(const std::string& dotted) const {
    std::vector<File> out;
    auto node = table_->at_path(dotted);
    if (!node) return out;
    const auto* arr = node.as_array();
    if (!arr || !arr->is_array_of_tables())
        throw Error(ex_config, pos(path_, node.node()->source()) + ": " + shown(dotted) +
                                   " must be an array of tables ([[" + shown(dotted) + "]])");
    for (const auto& el : *arr) {
        File f;
        f.path_ = path_;
        f.root_ = root_;
        f.table_ = el.as_table();
        f.array_ = shown(dotted);
        f.index_ = out.size() + 1;
        out.push_back(std::move(f));
    }
    return out;
}

std::optional<bool> File::boolean(const std::string& dotted) const {
    auto node = table_->at_path(dotted);
    if (!node) return std::nullopt;
    auto v = node.value_exact<bool>();
    if (!v)
        throw Error(ex_config, pos(path_, node.node()->source()) + ": " + shown(dotted) +
                                   " must be true or false");
    return v;
}

} // namespace endpointdns::config
