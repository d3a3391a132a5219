// SPDX-License-Identifier: MIT
// Loading zone-push.toml with toml++: the array of [[server]] tables needs more than lib/config.
#include "settings.hpp"

#include "error.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>

namespace endpointdns::push {

namespace {

std::string pos(const std::string& file, const toml::source_region& r) {
    return file + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

[[noreturn]] void bad(const std::string& file, const toml::source_region& where,
                      const std::string& msg) {
    throw Error(ex_config, pos(file, where) + ": " + msg);
}

std::string number_text(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

// An integer or a float, within [min, max].
double number(const std::string& file, const toml::node& n, const std::string& key, double min,
              double max) {
    double v = 0;
    if (auto i = n.value_exact<int64_t>())
        v = double(*i);
    else if (auto d = n.value_exact<double>())
        v = *d;
    else
        bad(file, n.source(), key + " must be a number");
    if (!(v >= min && v <= max))
        bad(file, n.source(),
            key + " must be between " + number_text(min) + " and " + number_text(max));
    return v;
}

std::string text(const std::string& file, const toml::node& n, const std::string& key) {
    auto v = n.value_exact<std::string>();
    if (!v) bad(file, n.source(), key + " must be a string");
    return *v;
}

bool valid_name(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    return true;
}

void read_push(Settings& s, const std::string& file, const toml::table& t) {
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (key == "timeout")
            s.timeout = number(file, v, "push.timeout", 0.001, 86400);
        else if (key == "connect_timeout")
            s.connect_timeout = number(file, v, "push.connect_timeout", 0.001, 86400);
        else if (key == "retries")
            s.retries = int(number(file, v, "push.retries", 0, 100));
        else if (key == "backoff")
            s.backoff = number(file, v, "push.backoff", 0, 3600);
        else
            bad(file, k.source(), "unknown key '" + key + "' in [push]");
        if (key == "retries" && !v.is_integer())
            bad(file, v.source(), "push.retries must be an integer");
    }
}

void read_servers(Settings& s, const std::string& file, const toml::node& node,
                  const toml::source_region& key_where) {
    const toml::array* arr = node.as_array();
    if (!arr) bad(file, key_where, "server must be an array of tables: write [[server]]");
    std::set<std::string> names;
    for (const toml::node& el : *arr) {
        const toml::table* t = el.as_table();
        if (!t) bad(file, el.source(), "each server must be a table: write [[server]]");
        ConfiguredServer cs;
        bool have_name = false, have_url = false, have_key = false;
        for (auto&& [k, v] : *t) {
            std::string key(k.str());
            if (key == "name") {
                cs.name = text(file, v, "server.name");
                if (!valid_name(cs.name))
                    bad(file, v.source(),
                        "server.name '" + cs.name +
                            "' must be 1 to 64 letters, digits, '-', '_' or '.'");
                if (!names.insert(cs.name).second)
                    bad(file, v.source(), "server '" + cs.name + "' is defined twice");
                have_name = true;
            } else if (key == "url") {
                cs.url = text(file, v, "server.url");
                if (!valid_base_url(cs.url))
                    bad(file, v.source(),
                        "server.url '" + cs.url +
                            "' must be http://HOST[:PORT] or https://HOST[:PORT], without a "
                            "query");
                have_url = true;
            } else if (key == "key_file") {
                cs.key_file = text(file, v, "server.key_file");
                if (cs.key_file.empty()) bad(file, v.source(), "server.key_file is empty");
                cs.where = pos(file, v.source());
                have_key = true;
            } else {
                bad(file, k.source(), "unknown key '" + key + "' in [[server]]");
            }
        }
        if (!have_name) bad(file, t->source(), "[[server]] without a name");
        if (!have_url) bad(file, t->source(), "server '" + cs.name + "' has no url");
        if (!have_key) bad(file, t->source(), "server '" + cs.name + "' has no key_file");
        s.servers.push_back(std::move(cs));
    }
}

} // namespace

bool valid_base_url(const std::string& url) {
    size_t host;
    if (url.rfind("http://", 0) == 0)
        host = 7;
    else if (url.rfind("https://", 0) == 0)
        host = 8;
    else
        return false;
    if (url.size() <= host || url[host] == '/' || url[host] == ':') return false;
    for (char c : url)
        if (c == '?' || c == '#' || c == ' ' || c == '\t' || c == '\n' || c == '\r') return false;
    return true;
}

Settings load_settings(const std::string& path, bool explicit_path) {
    Settings s;
    s.path = path;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (!explicit_path && errno == ENOENT) return s;
        throw Error(ex_config, "cannot read configuration " + path + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        throw Error(ex_config, "cannot read configuration " + path + ": not a regular file");
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) throw Error(ex_config, "cannot read configuration " + path);
    toml::table root;
    try {
        root = toml::parse(ss.str(), path);
    } catch (const toml::parse_error& e) {
        throw Error(ex_config, pos(path, e.source()) + ": " + std::string(e.description()));
    }
    s.found = true;
    for (auto&& [k, v] : root) {
        std::string key(k.str());
        if (key == "push") {
            const toml::table* t = v.as_table();
            if (!t) bad(path, k.source(), "push must be a table: write [push]");
            read_push(s, path, *t);
        } else if (key == "server") {
            read_servers(s, path, v, k.source());
        } else if (v.is_table() || v.is_array_of_tables()) {
            bad(path, k.source(), "unknown section [" + key + "]");
        } else {
            bad(path, k.source(), "unknown key '" + key + "'");
        }
    }
    return s;
}

std::string read_key(const std::string& path, int code, const std::string& where) {
    std::string prefix = where.empty() ? "" : where + ": ";
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(code, prefix + "cannot read key file " + path + ": " + std::strerror(errno));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string key = ss.str();
    auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!key.empty() && ws(key.back())) key.pop_back();
    size_t start = 0;
    while (start < key.size() && ws(key[start])) ++start;
    key.erase(0, start);
    if (key.empty()) throw Error(code, prefix + "key file " + path + " is empty");
    bool odd = std::any_of(key.begin(), key.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x21 || c == 0x7f;
    });
    if (odd)
        throw Error(code,
                    prefix + "key file " + path + " holds a space or control character in the key");
    return key;
}

} // namespace endpointdns::push
