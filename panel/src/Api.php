<?php
// SPDX-License-Identifier: MIT
// The panel's client of the dnsapid REST API (/v1): curl, JSON both ways, problem+json answers as ApiError.

declare(strict_types=1);

namespace EndpointDNS\Panel;

/**
 * An answer of dnsapid that is not 2xx, or no answer at all (status 0).
 *
 * Carries the problem details (RFC 9457) as dnsapid sent them, and reads from them what a
 * page shows: the detail, the errors per form field, the seconds to wait after a 429.
 */
final class ApiError extends \RuntimeException
{
    /** @param array<string, mixed> $problem */
    public function __construct(
        public readonly int $status,
        public readonly array $problem,
        public readonly ?int $retryAfterHeader = null,
    ) {
        $detail = is_string($problem['detail'] ?? null) ? $problem['detail'] : '';
        parent::__construct($detail !== '' ? $detail : "dnsapid answered HTTP $status", $status);
    }

    /** The last part of the problem type: "validation", "login-failed", "not-found", ... */
    public function slug(): string
    {
        $type = is_string($this->problem['type'] ?? null) ? $this->problem['type'] : '';
        $slash = strrpos($type, '/');
        return $slash === false ? $type : substr($type, $slash + 1);
    }

    /**
     * The errors of the problem by form field: ["ttl" => ["at least 60 seconds ..."], ...].
     *
     * A field such as "records[2]" or "add[0]" is reported under its name without the index;
     * $rename maps API field names to the form's ("add" => "records"). Errors without a field
     * go under "" (shown above the form). $sent names the lists the request sent: an error of
     * one of their entries then starts with the entry, "www: patterns match whole names ..."
     * (the index alone would not tell which line of a text area is meant).
     *
     * @param array<string, string> $rename
     * @param array<string, list<string>> $sent
     * @return array<string, list<string>>
     */
    public function fieldErrors(array $rename = [], array $sent = []): array
    {
        $out = [];
        $errors = $this->problem['errors'] ?? [];
        if (!is_array($errors)) {
            return $out;
        }
        foreach ($errors as $e) {
            if (!is_array($e)) {
                continue;
            }
            $field = is_string($e['field'] ?? null) ? $e['field'] : '';
            $entry = null;
            if (preg_match('/^(.*)\[(\d+)\]$/', $field, $m)) {
                $field = $m[1];
                $entry = $sent[$field][(int) $m[2]] ?? null;
            }
            $field = $rename[$field] ?? $field;
            $detail = is_string($e['detail'] ?? null) ? $e['detail'] : 'not valid';
            if (is_string($entry)) {
                $detail = "$entry: $detail";
            }
            if (isset($e['line']) && is_int($e['line'])) {
                $detail = "line {$e['line']}: $detail";
            }
            $out[$field][] = $detail;
        }
        return $out;
    }

    /** Seconds to wait before trying again (429), from the body or the Retry-After header. */
    public function retryAfter(): ?int
    {
        $r = $this->problem['retry_after'] ?? null;
        if (is_int($r)) {
            return $r;
        }
        return $this->retryAfterHeader;
    }
}

/**
 * A client of dnsapid for one caller: no credential (login, sign-up), or a session token.
 *
 * Every method returns the decoded JSON answer (an array; [] for 204) or throws ApiError.
 */
final class Api
{
    private const MAX_PAGES = 100;

    public function __construct(
        private readonly string $baseUrl,
        private ?string $token = null,
        private readonly float $timeout = 30.0,
        private readonly ?string $clientAddress = null,
    ) {
    }

    public function token(): ?string
    {
        return $this->token;
    }

    // --- users and sessions ------------------------------------------------------------------

    public function signupOpen(): bool
    {
        $r = $this->request('GET', '/v1/signup', auth: false);
        return ($r['enabled'] ?? false) === true;
    }

    /** @return array<string, mixed> the session with its token */
    public function signup(string $email, string $password, string $account = ''): array
    {
        $body = ['email' => $email, 'password' => $password];
        if ($account !== '') {
            $body['account'] = $account;
        }
        $r = $this->request('POST', '/v1/signup', $body, auth: false);
        $this->token = is_string($r['token'] ?? null) ? $r['token'] : null;
        return $r;
    }

    /** @return array<string, mixed> the session with its token */
    public function login(string $email, string $password): array
    {
        $r = $this->request('POST', '/v1/sessions', ['email' => $email, 'password' => $password], auth: false);
        $this->token = is_string($r['token'] ?? null) ? $r['token'] : null;
        return $r;
    }

    /** @return array<string, mixed> */
    public function currentSession(): array
    {
        return $this->request('GET', '/v1/sessions/current');
    }

    /** Ends the session at dnsapid; the token is refused from then on. */
    public function logout(): void
    {
        $this->request('DELETE', '/v1/sessions/current');
        $this->token = null;
    }

    // --- account, domains, RRsets, changes -------------------------------------------------

    /** @return array<string, mixed> the account, its plan and usage */
    public function account(): array
    {
        return $this->request('GET', '/v1/account');
    }

    /** @return list<array<string, mixed>> every domain of the account, by name */
    public function domains(): array
    {
        return $this->all('/v1/domains');
    }

    /** @return array<string, mixed> */
    public function createDomain(string $name): array
    {
        return $this->request('POST', '/v1/domains', ['name' => $name]);
    }

    /** @return array<string, mixed> */
    public function domain(string $zone): array
    {
        return $this->request('GET', '/v1/domains/' . rawurlencode($zone));
    }

    /**
     * @param array<string, string> $filter name and/or type
     * @return list<array<string, mixed>> every RRset of the zone, the SOA first
     */
    public function rrsets(string $zone, array $filter = []): array
    {
        return $this->all('/v1/domains/' . rawurlencode($zone) . '/rrsets', $filter);
    }

    /**
     * Adds records to the RRset NAME TYPE (creating it), as a batch of one item, so that every
     * error (name, type, ttl, records[i]) comes back as a field error.
     *
     * @param list<string> $records
     * @return array<string, mixed> the answer: rrsets, serial, change
     */
    public function addRecords(string $zone, string $name, string $type, ?int $ttl, array $records): array
    {
        $item = ['name' => $name, 'type' => $type, 'add' => $records];
        if ($ttl !== null) {
            $item['ttl'] = $ttl;
        }
        return $this->request('PATCH', '/v1/domains/' . rawurlencode($zone) . '/rrsets', [$item]);
    }

    /** @return array<string, mixed> the answer: rrset null, serial, change */
    public function deleteRRset(string $zone, string $owner, string $type): array
    {
        return $this->request('DELETE', self::rrsetPath($zone, $owner, $type));
    }

    /** @return array<string, mixed> one RRset, with its etag (404 when there is none) */
    public function rrset(string $zone, string $owner, string $type): array
    {
        return $this->request('GET', self::rrsetPath($zone, $owner, $type));
    }

    /**
     * Replaces the RRset OWNER TYPE with $records (PUT). With $etag (the RRset's ETag as it
     * was read, such as "\"7\"") dnsapid refuses with 412 when it changed meanwhile.
     *
     * @param list<string> $records
     * @return array<string, mixed> the answer: rrset, serial, change
     */
    public function replaceRRset(string $zone, string $owner, string $type, ?int $ttl, array $records, ?string $etag = null): array
    {
        $body = ['records' => $records];
        if ($ttl !== null) {
            $body['ttl'] = $ttl;
        }
        return $this->request('PUT', self::rrsetPath($zone, $owner, $type), $body,
            headers: $etag !== null && $etag !== '' ? ['If-Match: ' . $etag] : []);
    }

    /** The zone as RFC 1035 text (text/dns), as dnsapid exports it. */
    public function zoneFile(string $zone): string
    {
        return $this->send('GET', '/v1/domains/' . rawurlencode($zone) . '/zone', accept: 'text/dns');
    }

    /**
     * Imports a zone file: afterwards the zone holds exactly its RRsets (docs/api.md, Zone
     * files). $dryRun: only the plan, nothing changed. $serial: the zone's serial the plan was
     * made at (If-Match; 412 when the zone changed since).
     *
     * @return array<string, mixed> dry_run, serial, plan {create, update, delete}, summary, change
     */
    public function importZone(string $zone, string $text, bool $dryRun, ?int $serial = null): array
    {
        $headers = ['Content-Type: text/dns'];
        if ($serial !== null) {
            $headers[] = 'If-Match: "' . $serial . '"';
        }
        $raw = $this->send('PUT', '/v1/domains/' . rawurlencode($zone) . '/zone', $text,
            $dryRun ? ['dry_run' => '1'] : [], headers: $headers);
        $decoded = json_decode($raw, true);
        return is_array($decoded) ? $decoded : [];
    }

    private static function rrsetPath(string $zone, string $owner, string $type): string
    {
        return '/v1/domains/' . rawurlencode($zone) . '/rrsets/' . rawurlencode($owner) . '/' . rawurlencode($type);
    }

    /**
     * The status of a change; with $wait > 0 dnsapid holds the answer until every edge has
     * it or the seconds are up.
     *
     * @return array<string, mixed>
     */
    public function change(int $id, float $wait = 0): array
    {
        $query = $wait > 0 ? ['wait' => rtrim(rtrim(sprintf('%.3f', $wait), '0'), '.')] : [];
        return $this->request('GET', '/v1/changes/' . $id, query: $query);
    }

    // --- zone history -----------------------------------------------------------------------

    /**
     * One page of the zone's versions, newest first (`GET /v1/domains/{zone}/versions`). Each
     * item: serial, change_id, kind, created_at, actor (a key's or session's prefix, or
     * "admin"), remote, summary, removed and added (record counts).
     *
     * @param string|null $cursor the `next` of the page before (a serial); null: the newest
     * @param int $limit versions per page, 1 to 1000
     * @return array{items: list<array<string, mixed>>, next: string|null}
     */
    public function versions(string $zone, ?string $cursor = null, int $limit = 100): array
    {
        $query = ['limit' => (string) max(1, min(1000, $limit))];
        if ($cursor !== null && $cursor !== '') {
            $query['cursor'] = $cursor;
        }
        $r = $this->request('GET', '/v1/domains/' . rawurlencode($zone) . '/versions', query: $query);
        $next = $r['next'] ?? null;
        return [
            'items' => array_values(array_filter($r['items'] ?? [], 'is_array')),
            'next' => is_string($next) && $next !== '' ? $next : null,
        ];
    }

    /**
     * One version of the zone (`GET /v1/domains/{zone}/versions/{serial}`): the fields of its
     * list item, `changes` (the RRsets the change `removed` and `added`) and `rrsets` (the whole
     * zone as it was at that version, the SOA first). A serial after the zone's is 404; one the
     * change journal cannot rebuild is 410 (`gone`).
     *
     * @return array<string, mixed>
     */
    public function version(string $zone, int $serial): array
    {
        return $this->request('GET', '/v1/domains/' . rawurlencode($zone) . '/versions/' . $serial);
    }

    /**
     * Makes the zone what it was at version $serial, as one new change
     * (`POST /v1/domains/{zone}/versions/{serial}/restore`). With $ifMatch (the zone's serial,
     * its ETag, as the caller last saw it) the restore happens only if the zone is still at
     * that serial, else 412 (`precondition-failed`) and nothing changes.
     *
     * @return array<string, mixed> the answer: change (null when the zone was that version
     *     already), serial, version, summary (RRsets created, updated, deleted)
     */
    public function restore(string $zone, int $serial, ?int $ifMatch = null): array
    {
        return $this->request('POST', '/v1/domains/' . rawurlencode($zone) . '/versions/' . $serial . '/restore',
            headers: $ifMatch === null ? [] : ['If-Match: "' . $ifMatch . '"']);
    }

    // --- keys -------------------------------------------------------------------------------

    /** @return list<array<string, mixed>> the account's keys, revoked ones included, without secrets (one piece) */
    public function keys(): array
    {
        $r = $this->request('GET', '/v1/keys');
        return array_values(array_filter($r['items'] ?? [], 'is_array'));
    }

    /** @return array<string, mixed> one key of the account, without its secret */
    public function key(int $id): array
    {
        return $this->request('GET', '/v1/keys/' . $id);
    }

    /**
     * Creates a key. $scope holds `write`, `domains`, `names`, `types` (see docs/api.md,
     * Scopes); $expiresIn is in seconds (null: no expiry). With a session token dnsapid wants
     * the user's password again: $currentPassword is sent as `current_password` when given.
     *
     * @param array{write?: bool, domains?: list<string>, names?: list<string>, types?: list<string>} $scope
     * @return array<string, mixed> the key, with its `secret` (shown this once)
     */
    public function createKey(array $scope, string $name = '', ?int $expiresIn = null, ?string $currentPassword = null): array
    {
        $body = array_intersect_key($scope, ['write' => 1, 'domains' => 1, 'names' => 1, 'types' => 1]);
        if ($name !== '') {
            $body['name'] = $name;
        }
        if ($expiresIn !== null) {
            $body['expires_in'] = $expiresIn;
        }
        if ($currentPassword !== null && $currentPassword !== '') {
            $body['current_password'] = $currentPassword;
        }
        return $this->request('POST', '/v1/keys', $body);
    }

    /** Revokes a key: refused by dnsapid from the next request on (again: no change, no error). */
    public function revokeKey(int $id): void
    {
        $this->request('DELETE', '/v1/keys/' . $id);
    }

    // --- admin ------------------------------------------------------------------------------
    // The admin key's routes, reached by the session of a user of role admin (docs/api.md,
    // "Admin: plans", "Admin: accounts", "Admin: users of an account", "Edge servers (admin)").
    // Any other session gets 403 forbidden.

    /** @return list<array<string, mixed>> every plan (name, the six limits, created_at), by name */
    public function plans(): array
    {
        $r = $this->request('GET', '/v1/plans');
        return array_values(array_filter($r['items'] ?? [], 'is_array'));
    }

    /** @return array<string, mixed> one plan (404 when there is none of that name) */
    public function plan(string $name): array
    {
        return $this->request('GET', '/v1/plans/' . rawurlencode($name));
    }

    /**
     * Creates a plan. $limits maps limit names (max_domains, max_records_per_domain,
     * max_calls_per_day, max_calls_per_month, rate_per_second, rate_burst) to whole numbers
     * (0: unlimited; a limit left out is 0). Anything else is sent as given, for dnsapid to
     * name the field in its 422.
     *
     * @param array<string, mixed> $limits
     * @return array<string, mixed> the plan
     */
    public function createPlan(string $name, array $limits): array
    {
        return $this->request('POST', '/v1/plans', ['name' => $name] + $limits);
    }

    /**
     * Changes the limits given (see createPlan), for every account on the plan from its next
     * request.
     *
     * @param array<string, mixed> $limits
     * @return array<string, mixed> the plan
     */
    public function updatePlan(string $name, array $limits): array
    {
        return $this->request('PATCH', '/v1/plans/' . rawurlencode($name), $limits);
    }

    /**
     * One page of the accounts, by id: items (id, name, email, plan, disabled, created_at)
     * and next, the cursor of the next page or null.
     *
     * @return array{items: list<array<string, mixed>>, next: ?string}
     */
    public function accountsPage(?string $cursor = null, int $limit = 100): array
    {
        $query = ['limit' => (string) $limit];
        if ($cursor !== null && $cursor !== '') {
            $query['cursor'] = $cursor;
        }
        $r = $this->request('GET', '/v1/accounts', query: $query);
        $next = $r['next'] ?? null;
        return [
            'items' => array_values(array_filter($r['items'] ?? [], 'is_array')),
            'next' => is_string($next) && $next !== '' ? $next : null,
        ];
    }

    /** @return list<array<string, mixed>> every account, by id (every page) */
    public function accounts(): array
    {
        return $this->all('/v1/accounts');
    }

    /** @return array<string, mixed> one account by id (404 when there is none) */
    public function adminAccount(int $id): array
    {
        return $this->request('GET', '/v1/accounts/' . $id);
    }

    /**
     * Creates an account on a plan, with an optional contact email.
     *
     * @return array<string, mixed> the account, with its first key and that key's `secret`
     *                              under `key` (shown this once)
     */
    public function createAccount(string $name, string $plan, string $email = ''): array
    {
        $body = ['name' => $name, 'plan' => $plan];
        if ($email !== '') {
            $body['email'] = $email;
        }
        return $this->request('POST', '/v1/accounts', $body);
    }

    /**
     * Changes an account: any of `plan` (a plan's name), `email` (null removes it) and
     * `disabled` (a disabled account's keys and sessions get 401).
     *
     * @param array{plan?: string, email?: ?string, disabled?: bool} $changes
     * @return array<string, mixed> the account
     */
    public function updateAccount(int $id, array $changes): array
    {
        return $this->request('PATCH', '/v1/accounts/' . $id, $changes);
    }

    /** @return list<array<string, mixed>> the account's users (id, email, role, last_login_at, created_at) */
    public function accountUsers(int $id): array
    {
        $r = $this->request('GET', '/v1/accounts/' . $id . '/users');
        return array_values(array_filter($r['items'] ?? [], 'is_array'));
    }

    /**
     * Creates a user of the account, role `owner` or `admin` (409 for an email in use).
     *
     * @return array<string, mixed> the user, without its password
     */
    public function createUser(int $accountId, string $email, string $password, string $role = 'owner'): array
    {
        return $this->request('POST', '/v1/accounts/' . $accountId . '/users',
            ['email' => $email, 'password' => $password, 'role' => $role]);
    }

    /**
     * The edge servers with their state: reachable (null: not contacted yet),
     * last_contact_at, last_error, last_error_at, insync, and lag (zones, changes — the
     * serial steps —, seconds, oldest_pending_at).
     *
     * @return list<array<string, mixed>>
     */
    public function servers(): array
    {
        $r = $this->request('GET', '/v1/servers');
        return array_values(array_filter($r['items'] ?? [], 'is_array'));
    }

    /** @return array<string, mixed> one edge server with its state */
    public function server(string $name): array
    {
        return $this->request('GET', '/v1/servers/' . rawurlencode($name));
    }

    /**
     * Asks for a full sync of an edge (202, not waited for): its zones are read again and
     * whatever differs from the database is pushed. 404 for an unknown server, 409 for an
     * inactive one.
     *
     * @return array<string, mixed> the answer: server, scheduled, detail, database_zones, status
     */
    public function syncServer(string $name): array
    {
        return $this->request('POST', '/v1/servers/' . rawurlencode($name) . '/sync');
    }

    // --- HTTP --------------------------------------------------------------------------------

    /**
     * Every page of a paginated list.
     *
     * @param array<string, string> $query
     * @return list<array<string, mixed>>
     */
    private function all(string $path, array $query = []): array
    {
        $items = [];
        $query['limit'] = '1000';
        for ($page = 0; $page < self::MAX_PAGES; $page++) {
            $r = $this->request('GET', $path, query: $query);
            foreach (($r['items'] ?? []) as $item) {
                $items[] = $item;
            }
            $next = $r['next'] ?? null;
            if (!is_string($next) || $next === '') {
                break;
            }
            $query['cursor'] = $next;
        }
        return $items;
    }

    /**
     * One request. $body (when not null) is sent as JSON. Answers 2xx decode to an array;
     * anything else throws ApiError (status 0 when dnsapid did not answer).
     *
     * @param array<mixed>|null $body
     * @param array<string, string> $query
     * @param list<string> $headers more request headers ("If-Match: \"7\"")
     * @return array<string, mixed>
     */
    public function request(string $method, string $path, ?array $body = null, array $query = [], bool $auth = true, array $headers = []): array
    {
        if ($body !== null) {
            $headers[] = 'Content-Type: application/json';
        }
        try {
            $json = $body === null ? null : json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES);
        } catch (\JsonException) {
            // Text that is not UTF-8 (the panel's param() replaces it; this is the last guard).
            throw new ApiError(422, [
                'type' => 'https://endpointdns.dev/problems/validation',
                'title' => 'The request is not valid',
                'detail' => 'the form holds text that is not UTF-8',
            ]);
        }
        $raw = $this->send($method, $path, $json, $query, $auth, $headers, 'application/json');
        $decoded = $raw === '' ? null : json_decode($raw, true);
        return is_array($decoded) ? $decoded : [];
    }

    /**
     * One request with a text body and/or a text answer (zone files): the answer's body as
     * it came. Errors as request().
     *
     * @param array<string, string> $query
     * @param list<string> $headers
     */
    public function send(string $method, string $path, ?string $body = null, array $query = [], bool $auth = true,
        array $headers = [], string $accept = 'application/json'): string
    {
        $url = rtrim($this->baseUrl, '/') . $path;
        if ($query) {
            $url .= '?' . http_build_query($query, '', '&', PHP_QUERY_RFC3986);
        }
        foreach ($headers as $h) {
            if (strpbrk($h, "\r\n\0") !== false) {
                // A value from a form must never add a header of its own.
                throw new \InvalidArgumentException('a request header holds a line break');
            }
        }
        $headers[] = 'Accept: ' . $accept;
        if ($auth && $this->token !== null) {
            $headers[] = 'Authorization: Bearer ' . $this->token;
        }
        if ($this->clientAddress !== null && $this->clientAddress !== '') {
            // dnsapid believes it only from an address in sessions.trusted_proxies.
            $headers[] = 'X-Forwarded-For: ' . $this->clientAddress;
        }
        $ch = curl_init($url);
        $retryAfter = null;
        curl_setopt_array($ch, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT_MS => (int) ($this->timeout * 1000),
            CURLOPT_CONNECTTIMEOUT_MS => 5000,
            CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
            CURLOPT_FOLLOWLOCATION => false,
            // "." and ".." in a name are sent as they are, never folded into another path.
            CURLOPT_PATH_AS_IS => true,
            CURLOPT_HEADERFUNCTION => static function ($ch, string $line) use (&$retryAfter): int {
                if (preg_match('/^Retry-After:\s*(\d+)/i', $line, $m)) {
                    $retryAfter = (int) $m[1];
                }
                return strlen($line);
            },
        ]);
        if ($body !== null) {
            curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
        }
        curl_setopt($ch, CURLOPT_HTTPHEADER, $headers);
        $raw = curl_exec($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        $error = curl_error($ch);
        curl_close($ch);
        if ($raw === false || $status === 0) {
            throw new ApiError(0, [
                'type' => 'https://endpointdns.dev/problems/unavailable',
                'title' => 'dnsapid is not reachable',
                'detail' => "the DNS API at {$this->baseUrl} did not answer: $error",
            ]);
        }
        $raw = (string) $raw;
        if ($status >= 200 && $status < 300) {
            return $raw;
        }
        $decoded = $raw === '' ? null : json_decode($raw, true);
        if (!is_array($decoded)) {
            $decoded = ['detail' => "dnsapid answered HTTP $status"];
        }
        throw new ApiError($status, $decoded, $retryAfter);
    }
}
