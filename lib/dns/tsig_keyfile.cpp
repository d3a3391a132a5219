// SPDX-License-Identifier: MIT
// TSIG key files (zone-compile --tsig, dns-serve [transfer]): BIND key statements, name:secret
// lines, Knot key sections.
#include "dns/tsig_keyfile.hpp"

#include "dns/name.hpp"

#include <optional>
#include <vector>

namespace endpointdns::dns {

namespace {

struct Token {
    enum class Kind { word, string, open, close, semicolon };
    Kind kind;
    std::string text;
    size_t line;
};

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return out;
}

// named.conf tokens: words, "strings", { } ; with #, // and /* */ comments.
Result<std::vector<Token>> tokenize(std::string_view t) {
    std::vector<Token> out;
    size_t line = 1, i = 0;
    while (i < t.size()) {
        char c = t[i];
        if (c == '\n') {
            ++line;
            ++i;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            ++i;
        } else if (c == '#' || (c == '/' && i + 1 < t.size() && t[i + 1] == '/')) {
            while (i < t.size() && t[i] != '\n') ++i;
        } else if (c == '/' && i + 1 < t.size() && t[i + 1] == '*') {
            size_t start = line;
            i += 2;
            while (i + 1 < t.size() && !(t[i] == '*' && t[i + 1] == '/')) {
                if (t[i] == '\n') ++line;
                ++i;
            }
            if (i + 1 >= t.size())
                return fail("line " + std::to_string(start) + ": a /* comment is not closed");
            i += 2;
        } else if (c == '"') {
            size_t start = line;
            std::string s;
            ++i;
            while (i < t.size() && t[i] != '"') {
                if (t[i] == '\n')
                    return fail("line " + std::to_string(start) +
                                ": a quoted string is not closed");
                if (t[i] == '\\' && i + 1 < t.size()) ++i;
                s += t[i++];
            }
            if (i >= t.size())
                return fail("line " + std::to_string(start) + ": a quoted string is not closed");
            ++i;
            out.push_back({Token::Kind::string, std::move(s), start});
        } else if (c == '{' || c == '}' || c == ';') {
            out.push_back({c == '{'   ? Token::Kind::open
                           : c == '}' ? Token::Kind::close
                                      : Token::Kind::semicolon,
                           std::string(1, c), line});
            ++i;
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return fail("line " + std::to_string(line) + ": a control character");
        } else {
            size_t b = i;
            while (i < t.size() && t[i] != '{' && t[i] != '}' && t[i] != ';' && t[i] != '"' &&
                   t[i] != '#' &&
                   !(t[i] == '/' && i + 1 < t.size() && (t[i + 1] == '/' || t[i + 1] == '*')) &&
                   static_cast<unsigned char>(t[i]) > 0x20 && t[i] != 0x7f)
                ++i;
            out.push_back({Token::Kind::word, std::string(t.substr(b, i - b)), line});
        }
    }
    return out;
}

std::optional<std::string> algorithm_name(std::string_view given) {
    std::string a = lower(given);
    if (!a.empty() && a.back() == '.') a.pop_back();
    if (a == "hmac-md5" || a == "hmac-md5.sig-alg.reg.int") return "hmac-md5.sig-alg.reg.int.";
    for (const char* known :
         {"hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"})
        if (a == known) return std::string(known) + ".";
    return std::nullopt;
}

Result<std::string> key_name(std::string_view given) {
    if (given.empty()) return fail("the key name is empty");
    std::string text(given);
    if (text.back() != '.') text += '.';
    auto n = Name::parse(text);
    if (!n)
        return fail("the key name '" + std::string(given) + "' is not a domain name: " + n.error());
    if (n->wire().size() <= 1) return fail("the key name cannot be the root");
    return lower(n->to_text());
}

Result<std::string> secret_of(std::string_view given) {
    std::string s;
    for (char c : given)
        if (c != ' ' && c != '\t') s += c;
    if (s.empty()) return fail("the secret is empty");
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '='))
            return fail("the secret is not base64 (a character '" + std::string(1, c) + "')");
    // RFC 4648 4: groups of four, '=' only as padding at the very end, at least one octet.
    size_t pad = s.size() - s.find_last_not_of('=') - 1;
    if (s.size() % 4 != 0 || pad > 2 || s.find('=') < s.size() - pad)
        return fail("the secret is not valid base64");
    if (s.size() / 4 * 3 - pad == 0) return fail("the secret is empty");
    return s;
}

// One [ALGORITHM:]NAME:SECRET line (trimmed), line `line` of the file.
Result<TsigKey> parse_line(std::string_view body_view, size_t line) {
    std::string body(body_view);
    auto where = [&](const std::string& m) {
        return fail("line " + std::to_string(line) + ": " + m);
    };
    std::vector<std::string> parts;
    size_t b = 0;
    for (;;) {
        size_t c = body.find(':', b);
        parts.push_back(body.substr(b, c == std::string::npos ? std::string::npos : c - b));
        if (c == std::string::npos) break;
        b = c + 1;
    }
    if (parts.size() < 2 || parts.size() > 3)
        return where("expected key \"NAME\" { algorithm ...; secret \"...\"; }; or "
                     "[ALGORITHM:]NAME:SECRET");
    TsigKey k;
    k.line = line;
    std::string alg = parts.size() == 3 ? parts[0] : "hmac-sha256";
    auto a = algorithm_name(alg);
    if (!a) return where("unknown TSIG algorithm '" + alg + "'");
    k.algorithm = *a;
    auto n = key_name(parts[parts.size() - 2]);
    if (!n) return where(n.error());
    k.name = *n;
    auto s = secret_of(parts.back());
    if (!s) return where(s.error());
    k.secret = *s;
    return k;
}

// Form 2: [ALGORITHM:]NAME:SECRET, one key a line (one line only when `one`).
Result<std::vector<TsigKey>> parse_lines(std::string_view t, bool one) {
    std::vector<TsigKey> keys;
    size_t ln = 1, pos = 0;
    while (pos <= t.size()) {
        size_t eol = t.find('\n', pos);
        std::string_view l =
            t.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t'))
            l.remove_suffix(1);
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
        if (!l.empty() && l.front() != '#') {
            if (one && !keys.empty())
                return fail("line " + std::to_string(ln) +
                            ": more than one key line (a file holds one key)");
            auto k = parse_line(l, ln);
            if (!k) return fail(k.error());
            keys.push_back(std::move(*k));
        }
        if (eol == std::string_view::npos) break;
        pos = eol + 1;
        ++ln;
    }
    if (keys.empty()) return fail("the file holds no key");
    return keys;
}

// Form 3: Knot's YAML, as `keymgr -t NAME` prints it (the first line, a comment, is form 2):
//   key:
//     - id: NAME
//       algorithm: ALGORITHM
//       secret: SECRET
// Each "- " item is a key (one only when `one`).
Result<std::vector<TsigKey>> parse_knot(std::string_view text, bool one) {
    std::vector<TsigKey> keys;
    std::optional<std::string> name, algorithm, secret;
    size_t item_line = 0;
    // The key of the item that ends here.
    auto finish = [&]() -> std::optional<std::string> {
        if (!name && !algorithm && !secret) return std::nullopt;
        std::string at = one ? "" : "line " + std::to_string(item_line) + ": ";
        if (!name) return at + "the key has no id";
        if (!algorithm) return at + "the key has no algorithm";
        if (!secret) return at + "the key has no secret";
        keys.push_back(TsigKey{*name, *algorithm, *secret, item_line});
        name.reset();
        algorithm.reset();
        secret.reset();
        return std::nullopt;
    };
    size_t ln = 0, pos = 0;
    bool seen_key = false;
    while (pos <= text.size()) {
        size_t eol = text.find('\n', pos);
        std::string_view l =
            text.substr(pos, eol == std::string_view::npos ? text.npos : eol - pos);
        pos = eol == std::string_view::npos ? text.size() + 1 : eol + 1;
        ++ln;
        if (auto hash = l.find('#'); hash != std::string_view::npos) l = l.substr(0, hash);
        while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t'))
            l.remove_suffix(1);
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
        if (l.empty()) continue;
        auto where = [&](const std::string& m) {
            return fail("line " + std::to_string(ln) + ": " + m);
        };
        if (!seen_key) {
            if (l != "key:") return where("expected key:");
            seen_key = true;
            continue;
        }
        bool item = false;
        if (l.size() >= 2 && l[0] == '-' && (l[1] == ' ' || l[1] == '\t')) {
            item = true;
            l.remove_prefix(2);
            while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
        }
        auto colon = l.find(':');
        if (colon == std::string_view::npos) return where("expected FIELD: VALUE");
        std::string field = lower(l.substr(0, colon));
        std::string_view value = l.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        if (item) {
            if (one && name) return where("a second key: the file must hold exactly one");
            if (auto e = finish()) return fail(*e);
            item_line = ln;
        }
        if (item_line == 0) item_line = ln; // a single key may go without "- "
        if (field == "id") {
            if (name) return where("id is given twice");
            auto n = key_name(value);
            if (!n) return where(n.error());
            name = *n;
        } else if (field == "algorithm") {
            if (algorithm) return where("algorithm is given twice");
            auto a = algorithm_name(value);
            if (!a) return where("unknown TSIG algorithm '" + std::string(value) + "'");
            algorithm = *a;
        } else if (field == "secret") {
            if (secret) return where("secret is given twice");
            auto sec = secret_of(value);
            if (!sec) return where(sec.error());
            secret = *sec;
        } else {
            return where("unknown field '" + std::string(l.substr(0, colon)) +
                         "' in the key (id, algorithm and secret are known)");
        }
    }
    if (!name && !algorithm && !secret && keys.empty()) {
        if (!seen_key) return fail("the file holds no key");
        return fail("the key has no id");
    }
    if (auto e = finish()) return fail(*e);
    return keys;
}

// The first line that is not blank or a comment, trimmed.
std::string_view first_line(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        std::string_view l =
            text.substr(pos, eol == std::string_view::npos ? text.npos : eol - pos);
        pos = eol == std::string_view::npos ? text.size() : eol + 1;
        while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t'))
            l.remove_suffix(1);
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
        if (!l.empty() && l.front() != '#') return l;
    }
    return {};
}

} // namespace

namespace {

// Every key of the file, in the form its first line shows; with `one`, exactly one.
Result<std::vector<TsigKey>> parse_keys(std::string_view text, bool one) {
    if (first_line(text) == "key:") return parse_knot(text, one);
    auto toks = tokenize(text);
    if (!toks) {
        // Not named.conf syntax: perhaps the one-line form (a secret holds '/', a name '"').
        if (text.find('{') == std::string_view::npos) return parse_lines(text, one);
        return fail(toks.error());
    }
    const auto& v = *toks;
    if (v.empty()) return fail("the file holds no key");
    if (v[0].kind != Token::Kind::word || lower(v[0].text) != "key") {
        if (text.find('{') == std::string_view::npos) return parse_lines(text, one);
        return fail("line " + std::to_string(v[0].line) + ": expected a key statement, got '" +
                    v[0].text + "'");
    }
    std::vector<TsigKey> keys;
    size_t i = 0;
    auto at = [&](size_t j) {
        return "line " + std::to_string(v[std::min(j, v.size() - 1)].line) + ": ";
    };
    auto expect = [&](Token::Kind kind, const char* what) -> std::optional<std::string> {
        if (i >= v.size()) return at(i) + "the file ends where " + what + " was expected";
        if (v[i].kind != kind) return at(i) + "expected " + what + ", got '" + v[i].text + "'";
        ++i;
        return std::nullopt;
    };
    while (i < v.size()) {
        if (v[i].kind != Token::Kind::word || lower(v[i].text) != "key") {
            if (keys.empty() || one)
                return fail(at(i) + "unexpected '" + v[i].text + "' after the key statement");
            return fail(at(i) + "expected a key statement, got '" + v[i].text + "'");
        }
        if (one && !keys.empty())
            return fail(at(i) + "a second key: the file must hold exactly one");
        size_t key_line = v[i].line;
        ++i; // key
        if (i >= v.size() || (v[i].kind != Token::Kind::word && v[i].kind != Token::Kind::string))
            return fail(at(i) + "the key statement needs a name: key \"NAME\" { ... };");
        auto name = key_name(v[i].text);
        if (!name) return fail(at(i) + name.error());
        ++i;
        if (auto e = expect(Token::Kind::open, "'{'")) return fail(*e);
        std::optional<std::string> algorithm, secret;
        while (i < v.size() && v[i].kind != Token::Kind::close) {
            if (v[i].kind != Token::Kind::word)
                return fail(at(i) + "expected algorithm or secret, got '" + v[i].text + "'");
            std::string field = lower(v[i].text);
            size_t field_at = i;
            ++i;
            if (i >= v.size() ||
                (v[i].kind != Token::Kind::word && v[i].kind != Token::Kind::string))
                return fail(at(field_at) + field + " needs a value");
            std::string value = v[i].text;
            ++i;
            if (auto e = expect(Token::Kind::semicolon, "';'")) return fail(*e);
            if (field == "algorithm") {
                if (algorithm) return fail(at(field_at) + "algorithm is given twice");
                auto a = algorithm_name(value);
                if (!a) return fail(at(field_at) + "unknown TSIG algorithm '" + value + "'");
                algorithm = *a;
            } else if (field == "secret") {
                if (secret) return fail(at(field_at) + "secret is given twice");
                auto s = secret_of(value);
                if (!s) return fail(at(field_at) + s.error());
                secret = *s;
            } else {
                return fail(at(field_at) + "unknown field '" + v[field_at].text +
                            "' in the key statement (algorithm and secret are known)");
            }
        }
        if (auto e = expect(Token::Kind::close, "'}'")) return fail(*e);
        if (auto e = expect(Token::Kind::semicolon, "';' after '}'")) return fail(*e);
        if (!algorithm) return fail(at(i - 1) + "the key has no algorithm");
        if (!secret) return fail(at(i - 1) + "the key has no secret");
        keys.push_back(TsigKey{*name, *algorithm, *secret, key_line});
    }
    return keys;
}

} // namespace

Result<TsigKey> parse_tsig_keyfile(std::string_view text) {
    auto keys = parse_keys(text, true);
    if (!keys) return fail(keys.error());
    return std::move(keys->front());
}

Result<std::vector<TsigKey>> parse_tsig_keys(std::string_view text) {
    return parse_keys(text, false);
}

} // namespace endpointdns::dns
