<?php
// SPDX-License-Identifier: MIT
// The panel's small helpers: configuration, HTML escaping, the session cookie, CSRF tokens, flash messages, templates.

declare(strict_types=1);

namespace EndpointDNS\Panel;

/**
 * The configuration: ENDPOINTDNS_API_URL from the environment, else panel/config.php (an
 * array, see config.sample.php), else the defaults.
 *
 * @return array{api_url: string, api_timeout: float, forward_client_address: bool}
 */
function config(?string $file = null): array
{
    $defaults = [
        'api_url' => 'http://127.0.0.1:8080',
        'api_timeout' => 30.0,
        'forward_client_address' => true,
    ];
    $file ??= dirname(__DIR__) . '/config.php';
    $fromFile = [];
    if (is_file($file)) {
        $loaded = require $file;
        if (is_array($loaded)) {
            $fromFile = $loaded;
        }
    }
    $c = array_merge($defaults, array_intersect_key($fromFile, $defaults));
    $env = getenv('ENDPOINTDNS_API_URL');
    if (is_string($env) && $env !== '') {
        $c['api_url'] = $env;
    }
    $c['api_url'] = (string) $c['api_url'];
    $c['api_timeout'] = (float) $c['api_timeout'];
    $c['forward_client_address'] = (bool) $c['forward_client_address'];
    return $c;
}

/** Text made safe for HTML, in element content and in quoted attribute values. */
function h(mixed $s): string
{
    return htmlspecialchars((string) $s, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

/** True when the browser reached us over TLS (directly or through a proxy that says so). */
function is_https(array $server): bool
{
    if (!empty($server['HTTPS']) && strtolower((string) $server['HTTPS']) !== 'off') {
        return true;
    }
    return strtolower((string) ($server['HTTP_X_FORWARDED_PROTO'] ?? '')) === 'https';
}

/** Starts the PHP session with a hardened cookie: HttpOnly, SameSite=Lax, Secure on TLS. */
function session_begin(array $server): void
{
    ini_set('session.use_strict_mode', '1');
    ini_set('session.use_only_cookies', '1');
    ini_set('session.use_trans_sid', '0');
    ini_set('session.cookie_httponly', '1');
    ini_set('session.sid_length', '48');
    ini_set('session.sid_bits_per_character', '6');
    session_name('endpointdns_panel');
    session_set_cookie_params([
        'lifetime' => 0,
        'path' => '/',
        'secure' => is_https($server),
        'httponly' => true,
        'samesite' => 'Lax',
    ]);
    session_start();
}

/** The session's CSRF token, made on first use (32 random bytes, hex). */
function csrf_token(): string
{
    if (!isset($_SESSION['csrf']) || !is_string($_SESSION['csrf']) || strlen($_SESSION['csrf']) !== 64) {
        $_SESSION['csrf'] = bin2hex(random_bytes(32));
    }
    return $_SESSION['csrf'];
}

/** A new CSRF token (after login: a token seen before the login is worth nothing after). */
function csrf_rotate(): string
{
    unset($_SESSION['csrf']);
    return csrf_token();
}

/** True when $given is the session's CSRF token (compared in constant time). */
function csrf_valid(mixed $given): bool
{
    $want = $_SESSION['csrf'] ?? null;
    return is_string($given) && is_string($want) && strlen($want) === 64 && hash_equals($want, $given);
}

/** The hidden form field that carries the CSRF token. */
function csrf_field(): string
{
    return '<input type="hidden" name="csrf" value="' . h(csrf_token()) . '">';
}

/** A message for the next page shown ("ok" or "error"). */
function flash(string $kind, string $message): void
{
    $_SESSION['flash'][] = ['kind' => $kind, 'message' => $message];
}

/** @return list<array{kind: string, message: string}> the messages, removed from the session */
function take_flashes(): array
{
    $f = $_SESSION['flash'] ?? [];
    unset($_SESSION['flash']);
    return is_array($f) ? array_values($f) : [];
}

/** "N of M name servers updated" for a change status of dnsapid. */
function propagation_text(array $change): string
{
    $done = (int) ($change['servers_insync'] ?? 0);
    $total = (int) ($change['servers_total'] ?? 0);
    if ($total === 0) {
        return 'no name servers registered: nothing to update';
    }
    $word = $total === 1 ? 'name server' : 'name servers';
    return "$done of $total $word updated";
}

/**
 * Renders templates/NAME.php with $vars (and nothing else) in its scope; returns the HTML. For
 * a page's body, the layout and the partials (_NAME.php) that pages share.
 */
function template(string $name, array $vars = []): string
{
    return (static function (string $__file, array $__vars): string {
        extract($__vars, EXTR_SKIP);
        ob_start();
        require $__file;
        return (string) ob_get_clean();
    })(dirname(__DIR__) . "/templates/$name.php", $vars);
}

/** Renders templates/NAME.php with $vars inside the layout; returns the HTML. */
function render(string $name, array $vars = []): string
{
    return template('layout', ['content' => template($name, $vars)] + $vars);
}

/*
 * A form's errors as dnsapid names them ($errors: field => list of messages; '' for those of
 * no field), tied to the fields they are about for screen readers: a field's error list has
 * the id "err-ID" (ID: the field's id), which the field names in aria-describedby, with
 * aria-invalid. A field with a hint (an element "hint-ID") names the hint there too.
 */

/** The attributes of the field ID for its errors in $errors[$field] (and its hint); "" when none. */
function field_aria(array $errors, string $field, string $id, bool $hinted = false): string
{
    $bad = !empty($errors[$field]);
    $described = array_merge($hinted ? ['hint-' . $id] : [], $bad ? ['err-' . $id] : []);
    return ($bad ? ' aria-invalid="true"' : '') . ($described ? ' aria-describedby="' . h(implode(' ', $described)) . '"' : '');
}

/** The errors of $field as the list "err-ID" that follows the field ID; "" when none. */
function field_errors(array $errors, string $field, string $id): string
{
    if (empty($errors[$field])) {
        return '';
    }
    $items = '';
    foreach ((array) $errors[$field] as $e) {
        $items .= '  <li>' . h($e) . "</li>\n";
    }
    return '<ul class="field-errors" id="err-' . h($id) . "\">\n" . $items . "</ul>\n";
}

/** The errors of no field ($errors['']) in an alert box above the form; "" when none. */
function form_errors(array $errors, string $id = 'form-error'): string
{
    if (empty($errors[''])) {
        return '';
    }
    $paragraphs = '';
    foreach ((array) $errors[''] as $e) {
        $paragraphs .= '<p>' . h($e) . '</p>';
    }
    return '<div class="flash error" role="alert" id="' . h($id) . '">' . $paragraphs . "</div>\n";
}

/**
 * The key templates of the keys page: label, what the key may do, and whether it needs a
 * domain. "custom" has no fixed scope: the form's custom fields make it (key_custom_scope).
 *
 * @return array<string, array{label: string, hint: string, domain: bool}>
 */
function key_templates(): array
{
    return [
        'full' => ['label' => 'Full access', 'hint' => 'read and write every domain, name and type of the account; creates and revokes keys', 'domain' => false],
        'read' => ['label' => 'Read only', 'hint' => 'reads every domain and record; changes nothing', 'domain' => false],
        'acme' => ['label' => 'ACME DNS-01 only for one domain', 'hint' => 'adds and removes the _acme-challenge TXT records of one domain, and nothing else (for certbot, acme.sh, lego, ...)', 'domain' => true],
        'custom' => ['label' => 'Custom', 'hint' => 'the scope you set under "Custom scope": read or write, which domains, names and types', 'domain' => false],
    ];
}

/**
 * The scope of POST /v1/keys for a template (docs/api.md, Scopes); null for an unknown one,
 * and for "custom", whose scope comes from the form (key_custom_scope).
 *
 * @return array{write: bool, domains: list<string>, names: list<string>, types: list<string>}|null
 */
function key_template_scope(string $template, string $domain = ''): ?array
{
    return match ($template) {
        'full' => ['write' => true, 'domains' => [], 'names' => [], 'types' => []],
        'read' => ['write' => false, 'domains' => [], 'names' => [], 'types' => []],
        'acme' => ['write' => true, 'domains' => [$domain], 'names' => ['_acme-challenge.*'], 'types' => ['TXT']],
        default => null,
    };
}

/**
 * The record types the panel offers: the domain page's type list, the custom scope's boxes.
 *
 * @return list<string>
 */
function record_types(): array
{
    return ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'CAA', 'PTR', 'TLSA', 'SSHFP', 'HTTPS', 'SVCB', 'DS', 'NAPTR', 'URI', 'LOC'];
}

/**
 * The scope of a "Custom" key from the keys form's fields: `write` ("1" read and write, "0"
 * read only), `domains` (the boxes ticked: a list), `names` (the text area: one pattern a
 * line), `types` (the boxes ticked: a list). Values are trimmed; empty lines and repeats are
 * dropped; domains are lower-cased without a final dot, types upper-cased. Whether a domain,
 * pattern or type is valid is dnsapid's to say (its errors come back per field): this only
 * refuses what is not a form's answer at all, under the field's name.
 *
 * @param array<string, mixed> $post
 * @return array{scope: array{write: bool, domains: list<string>, names: list<string>, types: list<string>}, errors: array<string, list<string>>}
 */
function key_custom_scope(array $post): array
{
    $errors = [];
    $write = $post['write'] ?? null;
    if ($write !== '0' && $write !== '1') {
        $errors['write'][] = 'choose read, or read and write';
    }
    $list = static function (string $field, callable $clean) use ($post, &$errors): array {
        $v = $post[$field] ?? [];
        if (!is_array($v) || array_filter($v, static fn ($x) => !is_string($x) || !preg_match('//u', $x))) {
            $errors[$field][] = 'tick the boxes of the ones the key may use';
            return [];
        }
        $out = [];
        foreach ($v as $x) {
            $x = $clean(trim($x));
            if ($x !== '' && !in_array($x, $out, true)) {
                $out[] = $x;
            }
        }
        return $out;
    };
    $domains = $list('domains', static fn (string $d) => strtolower(rtrim($d, '.')));
    $types = $list('types', 'strtoupper');
    $names = [];
    $text = $post['names'] ?? '';
    if (!is_string($text) || !preg_match('//u', $text)) {
        // Not text (or not UTF-8, which JSON cannot carry): nothing dnsapid could read.
        $errors['names'][] = 'one name pattern a line, as text';
    } else {
        $seen = [];
        foreach (preg_split('/\R/u', $text) ?: [] as $line) {
            $line = trim($line);
            // dnsapid compares patterns without case and without a final dot: one of each is enough.
            $same = strtolower(rtrim($line, '.'));
            if ($line !== '' && !isset($seen[$same])) {
                $seen[$same] = true;
                $names[] = $line;
            }
        }
    }
    return [
        'scope' => ['write' => $write === '1', 'domains' => $domains, 'names' => $names, 'types' => $types],
        'errors' => $errors,
    ];
}

/**
 * What a key may do, in words, its limits in the order domains, names, types, and what it
 * does not limit said as "every ...": "read-write · every domain, name and type",
 * "read-write · domains: example.com · names: _acme-challenge.* · types: TXT",
 * "read only · every domain and name · types: A, AAAA",
 * "read-write · domains: example.com · every name · types: A, AAAA".
 */
function key_scope_summary(array $key): string
{
    $parts = [($key['write'] ?? false) === true ? 'read-write' : 'read only'];
    $every = [];
    $flush = static function () use (&$parts, &$every): void {
        if ($every) {
            $last = array_pop($every);
            $parts[] = 'every ' . ($every ? implode(', ', $every) . ' and ' : '') . $last;
            $every = [];
        }
    };
    foreach (['domains' => 'domain', 'names' => 'name', 'types' => 'type'] as $field => $one) {
        $v = $key[$field] ?? [];
        if (is_array($v) && $v) {
            $flush();
            $parts[] = $field . ': ' . implode(', ', array_map('strval', $v));
        } else {
            $every[] = $one;
        }
    }
    $flush();
    return implode(' · ', $parts);
}

/** "revoked", "expired" or "active" for a key of GET /v1/keys, at $now (a Unix time; default now). */
function key_status(array $key, ?int $now = null): string
{
    if (is_string($key['revoked_at'] ?? null)) {
        return 'revoked';
    }
    $exp = is_string($key['expires_at'] ?? null) ? strtotime($key['expires_at']) : false;
    if ($exp !== false && $exp <= ($now ?? time())) {
        return 'expired';
    }
    return 'active';
}

/** An RFC 3339 time of dnsapid as "2026-11-26 06:52 UTC"; $none when there is none. */
function short_time(mixed $t, string $none = '—'): string
{
    if (!is_string($t) || $t === '') {
        return $none;
    }
    $ts = strtotime($t);
    return $ts === false ? $t : gmdate('Y-m-d H:i', $ts) . ' UTC';
}

/** The columns the RRset table sorts by (?sort=), and the default. */
const RRSET_SORTS = ['name', 'type', 'ttl'];

/**
 * The RRsets a domain page shows: those matching $filter (case-insensitive, in the name, the
 * type or a record), sorted by $sort ("name": the zone's order as dnsapid lists it, DNSSEC
 * canonical; "type" or "ttl", then that order) in $dir ("asc" or "desc").
 *
 * @param list<array<string, mixed>> $rrsets as GET .../rrsets lists them
 * @return list<array<string, mixed>>
 */
function rrset_view(array $rrsets, string $filter = '', string $sort = 'name', string $dir = 'asc'): array
{
    $needle = strtolower(trim($filter));
    $rows = [];
    foreach (array_values($rrsets) as $i => $rr) {
        if ($needle !== '' && !str_contains(rrset_search_text($rr), $needle)) {
            continue;
        }
        $rows[] = [$i, $rr];
    }
    $key = static fn (array $row): array => match ($sort) {
        'type' => [(string) ($row[1]['type'] ?? ''), $row[0]],
        'ttl' => [(int) ($row[1]['ttl'] ?? 0), $row[0]],
        default => [$row[0]],
    };
    usort($rows, static fn (array $a, array $b): int => $key($a) <=> $key($b));
    if ($dir === 'desc') {
        $rows = array_reverse($rows);
    }
    return array_map(static fn (array $row): array => $row[1], $rows);
}

/** What the filter of the RRset table looks in: the name, the type and the records, lower case. */
function rrset_search_text(array $rr): string
{
    $records = is_array($rr['records'] ?? null) ? $rr['records'] : [];
    return strtolower(implode("\n", array_merge(
        [(string) ($rr['subname'] ?? ''), (string) ($rr['name'] ?? ''), (string) ($rr['type'] ?? '')],
        array_map('strval', $records))));
}

/**
 * The lines of a records text area: one record a line, blanks around it removed, empty lines
 * skipped.
 *
 * @return list<string>
 */
function record_lines(string $text): array
{
    return array_values(array_filter(array_map('trim', preg_split('/\R/', $text) ?: []), static fn ($r) => $r !== ''));
}

/**
 * A zone file as the import sends it: line ends made "\n" (a browser sends a text area's with
 * "\r\n"). Null when it is not UTF-8 text.
 */
function zone_text(string $text): ?string
{
    if (preg_match('//u', $text) !== 1 || str_contains($text, "\0")) {
        return null;
    }
    return str_replace(["\r\n", "\r"], "\n", $text);
}

/**
 * What an import plan changes in one updated RRset: the records only before (removed), only
 * after (added), in both (kept), and whether the TTL changes.
 *
 * @param array<string, mixed> $update {before, after} of the plan
 * @return array{removed: list<string>, added: list<string>, kept: list<string>, ttl_before: int, ttl_after: int}
 */
function rrset_diff(array $update): array
{
    $before = array_map('strval', $update['before']['records'] ?? []);
    $after = array_map('strval', $update['after']['records'] ?? []);
    return [
        'removed' => array_values(array_diff($before, $after)),
        'added' => array_values(array_diff($after, $before)),
        'kept' => array_values(array_intersect($after, $before)),
        'ttl_before' => (int) ($update['before']['ttl'] ?? 0),
        'ttl_after' => (int) ($update['after']['ttl'] ?? 0),
    ];
}

/** A php.ini size ("8M", "512K", "1G", "0") in bytes; 0 or less: no limit (PHP_INT_MAX). */
function ini_bytes(string $v): int
{
    $v = trim($v);
    $n = (int) $v;
    $unit = strtolower(substr($v, -1));
    $n *= match ($unit) {
        'g' => 1 << 30,
        'm' => 1 << 20,
        'k' => 1 << 10,
        default => 1,
    };
    return $n > 0 ? $n : PHP_INT_MAX;
}

/**
 * A request parameter as text: $default when it is absent or not a string (`?q[]=x`), and
 * invalid UTF-8 replaced by U+FFFD, so that what the panel sends dnsapid always encodes as JSON
 * and dnsapid, not PHP, says what is wrong with it.
 *
 * @param array<mixed> $src $_GET or $_POST
 */
function param(array $src, string $key, string $default = ''): string
{
    $v = $src[$key] ?? null;
    if (!is_string($v)) {
        return $default;
    }
    if (preg_match('//u', $v) === 1) {
        return $v;
    }
    return htmlspecialchars_decode(htmlspecialchars($v, ENT_NOQUOTES | ENT_SUBSTITUTE, 'UTF-8'), ENT_NOQUOTES);
}
