<?php
// SPDX-License-Identifier: MIT
// The admin pages (accounts, plans, name servers), for users of role admin, and the words they show (limits, lag, durations).

declare(strict_types=1);

namespace EndpointDNS\Panel;

/**
 * The admin pages. App's route table sends the routes named "admin:METHOD" here, after
 * checking that the user is signed in and of role admin (App::admin); every call goes to
 * dnsapid with that user's session, which dnsapid lets reach its admin routes.
 *
 * Like App's pages: a GET renders, a POST changes through dnsapid and redirects with a flash
 * message (Post/Redirect/Get), or renders the form again with dnsapid's errors next to the
 * fields. The one exception is a new account: its first key's secret is in the answer to the
 * POST only, as on the keys page.
 */
final class AdminPages
{
    /** Accounts per page of the list. */
    private const PAGE = 100;

    /**
     * @param \Closure(int, string, array): void $page renders a template in the layout
     * @param \Closure(string): void $redirect 303 to a path
     * @param \Closure(ApiError, array): array $formErrors the errors of a refused form, by field
     */
    public function __construct(
        private readonly Api $api,
        private readonly \Closure $page,
        private readonly \Closure $redirect,
        private readonly \Closure $formErrors,
    ) {
    }

    public function index(): void
    {
        ($this->redirect)('/admin/accounts');
    }

    // --- accounts --------------------------------------------------------------------------

    /** The accounts, a page at a time (?cursor=), and the form that creates one. */
    public function accounts(array $vars = [], int $status = 200): void
    {
        $cursor = param($_GET, 'cursor');
        $page = $this->api->accountsPage(ctype_digit($cursor) ? $cursor : null, self::PAGE);
        ($this->page)($status, 'admin_accounts', $vars + [
            'title' => 'Accounts',
            'accounts' => $page['items'],
            'next' => $page['next'],
            'first' => !ctype_digit($cursor),
            'plans' => $this->api->plans(),
            'form' => ['name' => '', 'plan' => '', 'email' => ''],
            'errors' => [],
            'created' => null,
        ]);
    }

    /**
     * Creates an account. The answer is the accounts page with the first key's secret, shown
     * this once (never stored by the panel): not a redirect.
     */
    public function createAccount(): void
    {
        $form = [
            'name' => trim(param($_POST, 'name')),
            'plan' => trim(param($_POST, 'plan')),
            'email' => trim(param($_POST, 'email')),
        ];
        try {
            $created = $this->api->createAccount($form['name'], $form['plan'], $form['email']);
        } catch (ApiError $e) {
            $this->refused($e);
            $this->accounts(['form' => $form, 'errors' => $this->errors($e, 'name')], $e->status ?: 502);
            return;
        }
        flash('ok', 'Account ' . ($created['name'] ?? $form['name']) . ' created on plan ' . ($created['plan'] ?? $form['plan']) . '.');
        $this->accounts(['created' => $created], 201);
    }

    /** One account: its plan (and the form that changes it), its users (and the form that adds one). */
    public function account(string $id, array $vars = [], int $status = 200): void
    {
        $account = $this->api->adminAccount((int) $id);
        ($this->page)($status, 'admin_account', $vars + [
            'title' => 'Account ' . ($account['name'] ?? $id),
            'account' => $account,
            'users' => $this->api->accountUsers((int) $id),
            'plans' => $this->api->plans(),
            'planForm' => ['plan' => (string) ($account['plan'] ?? '')],
            'planErrors' => [],
            'userForm' => ['email' => '', 'role' => 'owner'],
            'userErrors' => [],
        ]);
    }

    public function changePlan(string $id): void
    {
        $plan = trim(param($_POST, 'plan'));
        try {
            $a = $this->api->updateAccount((int) $id, ['plan' => $plan]);
        } catch (ApiError $e) {
            $this->refused($e);
            $this->account($id, ['planForm' => ['plan' => $plan], 'planErrors' => $this->errors($e, 'plan')], $e->status ?: 502);
            return;
        }
        flash('ok', 'Account ' . ($a['name'] ?? $id) . ' is now on plan ' . ($a['plan'] ?? $plan) . ': its limits apply from its next request.');
        ($this->redirect)('/admin/accounts/' . rawurlencode($id));
    }

    /** Adds a user (owner or admin) to the account; the password is never sent back. */
    public function createUser(string $id): void
    {
        $form = [
            'email' => trim(param($_POST, 'email')),
            'role' => param($_POST, 'role', 'owner'),
        ];
        $password = param($_POST, 'password');
        try {
            $u = $this->api->createUser((int) $id, $form['email'], $password, $form['role']);
        } catch (ApiError $e) {
            $this->refused($e);
            $this->account($id, ['userForm' => $form, 'userErrors' => $this->errors($e, 'email')], $e->status ?: 502);
            return;
        }
        flash('ok', 'User ' . ($u['email'] ?? $form['email']) . ' (' . ($u['role'] ?? $form['role']) . ') added: they can sign in now.');
        ($this->redirect)('/admin/accounts/' . rawurlencode($id));
    }

    // --- plans -----------------------------------------------------------------------------

    /** The plans with their limits and how many accounts each has, and the form that creates one. */
    public function plans(array $vars = [], int $status = 200): void
    {
        ($this->page)($status, 'admin_plans', $vars + [
            'title' => 'Plans',
            'plans' => $this->api->plans(),
            'accountsPerPlan' => $this->accountsPerPlan(),
            'form' => ['name' => ''] + array_fill_keys(array_keys(plan_limit_fields()), ''),
            'errors' => [],
        ]);
    }

    public function createPlan(): void
    {
        $form = ['name' => trim(param($_POST, 'name'))] + $this->limitForm();
        try {
            $p = $this->api->createPlan($form['name'], plan_limits_body($form, false));
        } catch (ApiError $e) {
            $this->refused($e);
            $this->plans(['form' => $form, 'errors' => $this->errors($e, 'name')], $e->status ?: 502);
            return;
        }
        flash('ok', 'Plan ' . ($p['name'] ?? $form['name']) . ' created.');
        ($this->redirect)('/admin/plans');
    }

    /** One plan's limits in a form. */
    public function plan(string $name, array $vars = [], int $status = 200): void
    {
        $plan = $this->api->plan($name);
        $form = [];
        foreach (array_keys(plan_limit_fields()) as $f) {
            $form[$f] = (string) ($plan[$f] ?? 0);
        }
        ($this->page)($status, 'admin_plan', $vars + [
            'title' => 'Plan ' . ($plan['name'] ?? $name),
            'plan' => $plan,
            'accounts' => $this->accountsPerPlan()[(string) ($plan['name'] ?? $name)] ?? 0,
            'form' => $form,
            'errors' => [],
        ]);
    }

    public function updatePlan(string $name): void
    {
        $form = $this->limitForm();
        try {
            $p = $this->api->updatePlan($name, plan_limits_body($form, true));
        } catch (ApiError $e) {
            $this->refused($e);
            $this->plan($name, ['form' => $form, 'errors' => $this->errors($e, '')], $e->status ?: 502);
            return;
        }
        flash('ok', 'Plan ' . ($p['name'] ?? $name) . ' saved: its accounts have the new limits from their next request.');
        ($this->redirect)('/admin/plans');
    }

    // --- name servers ----------------------------------------------------------------------

    /** The edge servers: reachable, last contact and error, in sync, lag; a Full sync button each. */
    public function servers(): void
    {
        ($this->page)(200, 'admin_servers', [
            'title' => 'Name servers',
            'servers' => $this->api->servers(),
        ]);
    }

    /** POST /v1/servers/{name}/sync (202, not waited for); what dnsapid said, in a flash message. */
    public function syncServer(string $name): void
    {
        try {
            $r = $this->api->syncServer($name);
            $zones = (int) ($r['database_zones'] ?? 0);
            flash('ok', "Full sync of $name started: " . (string) ($r['detail'] ?? 'asked for')
                . ' (' . $zones . ($zones === 1 ? ' zone' : ' zones') . ' in the database). Reload this page to follow its state.');
        } catch (ApiError $e) {
            // A server removed meanwhile (404) or inactive (409): said on the servers page.
            $this->refused($e, false);
            flash('error', "Full sync of $name refused: " . $e->getMessage());
        }
        ($this->redirect)('/admin/servers');
    }

    // --- plumbing --------------------------------------------------------------------------

    /** The six limit fields as posted, trimmed. @return array<string, string> */
    private function limitForm(): array
    {
        $form = [];
        foreach (array_keys(plan_limit_fields()) as $f) {
            $form[$f] = trim(param($_POST, $f));
        }
        return $form;
    }

    /** @return array<string, int> accounts per plan name */
    private function accountsPerPlan(): array
    {
        $n = [];
        foreach ($this->api->accounts() as $a) {
            $p = (string) ($a['plan'] ?? '');
            $n[$p] = ($n[$p] ?? 0) + 1;
        }
        return $n;
    }

    /**
     * Rethrows the errors a form does not show in place but on a page of their own: an ended
     * session (401: sign in again), dnsapid's refusal of the admin routes (403 forbidden,
     * App::admin's page), no answer at all, and ($notFound) a 404: no such account or plan.
     */
    private function refused(ApiError $e, bool $notFound = true): void
    {
        if ($e->status === 0 || $e->status === 401 || ($e->status === 404 && $notFound)
            || ($e->status === 403 && $e->slug() === 'forbidden')) {
            throw $e;
        }
    }

    /**
     * The form's errors; a 409 (a name or email that exists already) names no field:
     * it goes next to $conflictField.
     *
     * @return array<string, list<string>>
     */
    private function errors(ApiError $e, string $conflictField): array
    {
        $errors = ($this->formErrors)($e, []);
        if ($e->status === 409 && $conflictField !== '' && empty($errors[$conflictField])) {
            $errors[$conflictField] = ['already taken: choose another'];
        }
        return $errors;
    }
}

/**
 * The limits of a plan, in the order shown: the API's field name => label and hint.
 *
 * @return array<string, array{label: string, hint: string}>
 */
function plan_limit_fields(): array
{
    return [
        'max_domains' => ['label' => 'Domains', 'hint' => 'domains of the account'],
        'max_records_per_domain' => ['label' => 'Records per domain', 'hint' => 'records of one domain, SOA not counted'],
        'max_calls_per_day' => ['label' => 'API calls per day', 'hint' => 'per UTC day'],
        'max_calls_per_month' => ['label' => 'API calls per month', 'hint' => 'per UTC calendar month'],
        'rate_per_second' => ['label' => 'Requests per second', 'hint' => 'sustained rate'],
        'rate_burst' => ['label' => 'Burst', 'hint' => 'requests at once; 0: the rate'],
    ];
}

/**
 * The body of POST or PATCH /v1/plans for the limit fields of a form: a whole number is sent
 * as a number, anything else as typed (dnsapid names the field in its 422). An empty field is
 * left out when creating (absent is 0) and sent as 0 when editing ($empty_is_zero).
 *
 * @param array<string, string> $form
 * @return array<string, int|string>
 */
function plan_limits_body(array $form, bool $empty_is_zero): array
{
    $body = [];
    foreach (array_keys(plan_limit_fields()) as $f) {
        $v = trim((string) ($form[$f] ?? ''));
        if ($v === '') {
            if ($empty_is_zero) {
                $body[$f] = 0;
            }
            continue;
        }
        // (int) of a number too large for PHP gives PHP_INT_MAX, which dnsapid refuses too.
        $body[$f] = ctype_digit($v) ? (int) $v : $v;
    }
    return $body;
}

/** A plan limit in words: "unlimited" for 0, else the number with thousands separators. */
function limit_text(mixed $v): string
{
    if (!is_int($v) && !(is_string($v) && ctype_digit($v))) {
        return '—';
    }
    return (int) $v === 0 ? 'unlimited' : number_format((int) $v, 0, '.', ',');
}

/**
 * A limit of a plan (a row of GET /v1/plans) in words: limit_text, except for a burst of 0,
 * which is the rate itself (unlimited when the rate is).
 */
function plan_limit_text(array $plan, string $field): string
{
    if ($field === 'rate_burst' && ($plan['rate_burst'] ?? null) === 0 && ($plan['rate_per_second'] ?? 0) !== 0) {
        return 'as the rate';
    }
    return limit_text($plan[$field] ?? null);
}

/** "1 zone", "3 zones": a count and its noun, plural unless 1. */
function count_text(int $n, string $noun): string
{
    return $n . ' ' . $noun . ($n === 1 ? '' : 's');
}

/** Seconds as a person reads them: "0.4 s", "42 s", "3 min 20 s", "2 h 5 min", "3 d 4 h". */
function duration_text(float $seconds): string
{
    $s = max(0.0, $seconds);
    if ($s < 10) {
        return rtrim(rtrim(sprintf('%.1f', $s), '0'), '.') . ' s';
    }
    $s = (int) round($s);
    if ($s < 60) {
        return "$s s";
    }
    if ($s < 3600) {
        return intdiv($s, 60) . ' min' . ($s % 60 ? ' ' . ($s % 60) . ' s' : '');
    }
    if ($s < 86400) {
        return intdiv($s, 3600) . ' h' . (intdiv($s % 3600, 60) ? ' ' . intdiv($s % 3600, 60) . ' min' : '');
    }
    return intdiv($s, 86400) . ' d' . (intdiv($s % 86400, 3600) ? ' ' . intdiv($s % 86400, 3600) . ' h' : '');
}

/** How long ago an RFC 3339 time of dnsapid was, at $now (a Unix time; default now): "4 s ago"; $none when there is none. */
function ago_text(mixed $t, string $none = 'never', ?float $now = null): string
{
    if (!is_string($t) || $t === '') {
        return $none;
    }
    $ts = strtotime($t);
    if ($ts === false) {
        return $t;
    }
    // strtotime drops the milliseconds: take them back.
    $ms = preg_match('/\.(\d{1,6})Z$/', $t, $m) ? (float) ('0.' . $m[1]) : 0.0;
    return duration_text(($now ?? microtime(true)) - ($ts + $ms)) . ' ago';
}

/** Whether an edge answers, in words: "reachable", "unreachable", "not contacted yet", "inactive". */
function server_reach_text(array $server): string
{
    if (($server['active'] ?? true) === false) {
        return 'inactive';
    }
    return match ($server['state']['reachable'] ?? null) {
        true => 'reachable',
        false => 'unreachable',
        default => 'not contacted yet',
    };
}

/**
 * What an edge lacks, from the state of GET /v1/servers: "in sync", or "1 zone, 50 serial
 * steps, 2.9 s behind; oldest pending change 2026-11-26 10:09 UTC".
 */
function server_lag_text(array $state): string
{
    if (($state['insync'] ?? false) === true) {
        return 'in sync';
    }
    $lag = is_array($state['lag'] ?? null) ? $state['lag'] : [];
    $parts = [count_text((int) ($lag['zones'] ?? 0), 'zone')];
    $steps = (int) ($lag['changes'] ?? 0);
    if ($steps > 0) {
        $parts[] = count_text($steps, 'serial step');
    }
    $text = implode(', ', $parts);
    if (is_int($lag['seconds'] ?? null) || is_float($lag['seconds'] ?? null)) {
        $text .= ', ' . duration_text((float) $lag['seconds']);
    }
    $text .= ' behind';
    if (is_string($lag['oldest_pending_at'] ?? null)) {
        $text .= '; oldest pending change ' . short_time($lag['oldest_pending_at']);
    }
    return $text;
}
