<?php
// SPDX-License-Identifier: MIT
// The panel's pages: routing, one method per page, every write through dnsapid with the user's session token.

declare(strict_types=1);

namespace EndpointDNS\Panel;

final class App
{
    use HistoryPages;

    /** Longest ?wait= the propagation script may ask for (a request holds a server worker). */
    private const MAX_WAIT = 10;

    /** @var array<string, mixed> */
    private array $config;

    /** @param array<string, mixed> $server $_SERVER */
    public function __construct(private readonly array $server)
    {
        $this->config = config();
    }

    /** Answers the request: status, headers and body are sent by PHP. */
    public function run(): void
    {
        header('X-Content-Type-Options: nosniff');
        header('Referrer-Policy: same-origin');
        header('X-Frame-Options: DENY');
        header("Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            . "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        header('Cache-Control: no-store');

        session_begin($this->server);
        $method = (string) ($this->server['REQUEST_METHOD'] ?? 'GET');
        // Routed as sent: each piece a route captures is decoded on its own, so that an owner
        // name holding "/" (%2F, as in RFC 2317's 0/26) stays one piece.
        $path = (string) parse_url((string) ($this->server['REQUEST_URI'] ?? '/'), PHP_URL_PATH);

        $length = (int) ($this->server['CONTENT_LENGTH'] ?? 0);
        if ($method === 'POST' && !$_POST && !$_FILES && $length > ini_bytes((string) ini_get('post_max_size'))) {
            // PHP dropped the whole form (and with it the CSRF token): say why, not "refused".
            $this->page(413, 'error', [
                'title' => 'Too large',
                'message' => 'The form was larger than the panel accepts (' . ini_get('post_max_size') . 'B). '
                    . 'Import a zone this large with the API (PUT /v1/domains/{zone}/zone) or zone-compile.',
            ]);
            return;
        }
        if ($method === 'POST' && !csrf_valid($_POST['csrf'] ?? null)) {
            $this->page(403, 'error', [
                'title' => 'Form refused',
                'message' => 'This form did not carry this session\'s security token (CSRF). '
                    . 'It may be older than your sign-in, or come from another site. Go back, reload the page and try again.',
            ]);
            return;
        }

        try {
            $this->route($method, $path);
        } catch (\Throwable $e) {
            $this->failed($e);
        }
    }

    /** The page for what went wrong: dnsapid's refusal, or (logged) a fault of the panel's own. */
    private function failed(\Throwable $e): void
    {
        if (!$e instanceof ApiError) {
            error_log('endpointdns panel: ' . $e::class . ': ' . $e->getMessage() . ' at ' . $e->getFile() . ':' . $e->getLine());
            if (!headers_sent()) {
                $this->page(500, 'error', ['title' => 'Something went wrong', 'message' => 'The panel could not answer this request; it has been logged. Go back and try again.']);
            }
            return;
        }
        if ($e->status === 401 && $this->loggedIn()) {
            $this->endLocalSession();
            flash('error', 'Your session has ended; please sign in again.');
            $this->redirect('/login');
            return;
        }
        $this->page($e->status === 0 ? 502 : ($e->status >= 500 ? 502 : $e->status), 'error', [
            'title' => $e->status === 404 ? 'Not found' : 'The DNS API refused',
            'message' => $e->getMessage(),
        ]);
    }

    private function route(string $method, string $path): void
    {
        $zone = '[A-Za-z0-9.-]{1,253}';
        $routes = [
            ['GET', '#^/$#', 'home'],
            ['GET', '#^/login$#', 'loginForm'],
            ['POST', '#^/login$#', 'login'],
            ['GET', '#^/signup$#', 'signupForm'],
            ['POST', '#^/signup$#', 'signup'],
            ['POST', '#^/logout$#', 'logout'],
            ['GET', '#^/dashboard$#', 'dashboard'],
            ['POST', '#^/domains$#', 'createDomain'],
            ['GET', "#^/domains/($zone)$#", 'domainPage'],
            ['POST', "#^/domains/($zone)/records$#", 'addRecords'],
            ['POST', "#^/domains/($zone)/rrsets/delete$#", 'deleteRRset'],
            ['GET', "#^/domains/($zone)/rrsets/([^/]{1,255})/([A-Za-z0-9]{1,16})/edit$#", 'editRRsetForm'],
            ['POST', "#^/domains/($zone)/rrsets/([^/]{1,255})/([A-Za-z0-9]{1,16})/edit$#", 'editRRset'],
            ['GET', "#^/domains/($zone)/export$#", 'exportZone'],
            ['GET', "#^/domains/($zone)/import$#", 'importForm'],
            ['POST', "#^/domains/($zone)/import$#", 'importPlan'],
            ['POST', "#^/domains/($zone)/import/apply$#", 'importApply'],
            ['GET', "#^/domains/($zone)/history$#", 'historyPage'],
            ['GET', "#^/domains/($zone)/history/(\d{1,10})$#", 'versionPage'],
            ['POST', "#^/domains/($zone)/history/(\d{1,10})/restore$#", 'restoreVersion'],
            ['GET', '#^/changes/(\d{1,19})$#', 'changeStatus'],
            ['GET', '#^/keys$#', 'keysPage'],
            ['POST', '#^/keys$#', 'createKey'],
            ['POST', '#^/keys/(\d{1,19})/revoke$#', 'revokeKey'],
            // Admin pages: "admin:METHOD" is AdminPages::METHOD, for users of role admin (App::admin).
            ['GET', '#^/admin$#', 'admin:index'],
            ['GET', '#^/admin/accounts$#', 'admin:accounts'],
            ['POST', '#^/admin/accounts$#', 'admin:createAccount'],
            ['GET', '#^/admin/accounts/(\d{1,19})$#', 'admin:account'],
            ['POST', '#^/admin/accounts/(\d{1,19})/plan$#', 'admin:changePlan'],
            ['POST', '#^/admin/accounts/(\d{1,19})/users$#', 'admin:createUser'],
            ['GET', '#^/admin/plans$#', 'admin:plans'],
            ['POST', '#^/admin/plans$#', 'admin:createPlan'],
            ['GET', '#^/admin/plans/([A-Za-z0-9._@-]{1,64})$#', 'admin:plan'],
            ['POST', '#^/admin/plans/([A-Za-z0-9._@-]{1,64})$#', 'admin:updatePlan'],
            ['GET', '#^/admin/servers$#', 'admin:servers'],
            ['POST', '#^/admin/servers/([a-z0-9._-]{1,64})/sync$#', 'admin:syncServer'],
        ];
        $allowed = [];
        foreach ($routes as [$m, $re, $handler]) {
            if (preg_match($re, $path, $args)) {
                $args = array_map('rawurldecode', $args);
                if (array_intersect(array_slice($args, 1), ['.', '..'])) {
                    $allowed = [];
                    break; // a path segment of its own at dnsapid, never a name: not found
                }
                if ($m === $method) {
                    if (str_starts_with($handler, 'admin:')) {
                        $this->admin(substr($handler, 6), array_slice($args, 1));
                    } else {
                        $this->$handler(...array_slice($args, 1));
                    }
                    return;
                }
                $allowed[] = $m;
            }
        }
        if ($allowed) {
            header('Allow: ' . implode(', ', $allowed));
            $this->page(405, 'error', ['title' => 'Method not allowed', 'message' => "$method is not used here."]);
            return;
        }
        $this->page(404, 'error', ['title' => 'Not found', 'message' => 'There is no such page.']);
    }

    // --- pages ---------------------------------------------------------------------------------

    private function home(): void
    {
        $this->redirect($this->loggedIn() ? '/dashboard' : '/login');
    }

    private function loginForm(array $vars = [], int $status = 200): void
    {
        if ($this->loggedIn() && !$vars) {
            $this->redirect('/dashboard');
            return;
        }
        $vars += ['email' => '', 'errors' => [], 'signupOpen' => $this->signupOpen()];
        $this->page($status, 'login', $vars + ['title' => 'Sign in']);
    }

    private function login(): void
    {
        $email = trim(param($_POST, 'email'));
        $password = param($_POST, 'password');
        $api = $this->api(null);
        try {
            $session = $api->login($email, $password);
        } catch (ApiError $e) {
            $this->loginForm(['email' => $email, 'errors' => $this->formErrors($e)], $e->status ?: 502);
            return;
        }
        $this->startLocalSession($session);
        $this->redirect('/dashboard');
    }

    private function signupForm(array $vars = [], int $status = 200): void
    {
        $vars += ['email' => '', 'account' => '', 'errors' => [], 'open' => $this->signupOpen()];
        $this->page($status, 'signup', $vars + ['title' => 'Sign up']);
    }

    private function signup(): void
    {
        $email = trim(param($_POST, 'email'));
        $password = param($_POST, 'password');
        $account = trim(param($_POST, 'account'));
        $api = $this->api(null);
        try {
            $session = $api->signup($email, $password, $account);
        } catch (ApiError $e) {
            $this->signupForm(['email' => $email, 'account' => $account, 'errors' => $this->formErrors($e)], $e->status ?: 502);
            return;
        }
        $this->startLocalSession($session);
        flash('ok', 'Welcome! Your account ' . ($session['account']['name'] ?? '') . ' is ready.');
        $this->redirect('/dashboard');
    }

    private function logout(): void
    {
        if ($this->loggedIn()) {
            try {
                $this->api()->logout();
            } catch (ApiError) {
                // Expired or ended already: nothing more to end at dnsapid.
            }
        }
        $this->endLocalSession();
        flash('ok', 'You are signed out.');
        $this->redirect('/login');
    }

    private function dashboard(array $vars = [], int $status = 200): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $api = $this->api();
        $this->page($status, 'dashboard', $vars + [
            'title' => 'Dashboard',
            'account' => $api->account(),
            'domains' => $api->domains(),
            'newDomain' => '',
            'errors' => [],
        ]);
    }

    private function createDomain(): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $name = trim(param($_POST, 'name'));
        try {
            $d = $this->api()->createDomain($name);
        } catch (ApiError $e) {
            if ($e->status === 401) {
                throw $e;
            }
            $this->dashboard(['newDomain' => $name, 'errors' => $this->formErrors($e)], $e->status ?: 502);
            return;
        }
        flash('ok', 'Domain ' . ($d['name'] ?? $name) . ' created.');
        $this->redirect('/domains/' . rawurlencode((string) ($d['name'] ?? $name)) . $this->changeQuery($d));
    }

    private function domainPage(string $zone, array $vars = [], int $status = 200): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $api = $this->api();
        $domain = $api->domain($zone);
        $change = null;
        $changeId = $vars['changeId'] ?? (ctype_digit(param($_GET, 'change')) && strlen(param($_GET, 'change')) <= 19 ? (int) param($_GET, 'change') : null);
        if ($changeId !== null) {
            try {
                $change = $api->change((int) $changeId);
            } catch (ApiError $e) {
                if ($e->status === 401) {
                    throw $e;
                }
            }
        }
        $rrsets = $api->rrsets((string) $domain['name']);
        $filter = substr(trim(param($_GET, 'q')), 0, 200);
        $sort = in_array(param($_GET, 'sort'), RRSET_SORTS, true) ? param($_GET, 'sort') : 'name';
        $dir = param($_GET, 'dir') === 'desc' ? 'desc' : 'asc';
        $this->page($status, 'domain', $vars + [
            'title' => (string) $domain['name'],
            'domain' => $domain,
            'rrsets' => rrset_view($rrsets, $filter, $sort, $dir),
            'total' => count($rrsets),
            'view' => ['q' => $filter, 'sort' => $sort, 'dir' => $dir],
            'change' => $change,
            'form' => ['name' => '', 'type' => 'A', 'ttl' => '', 'records' => ''],
            'errors' => [],
        ]);
    }

    private function addRecords(string $zone): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $form = [
            'name' => trim(param($_POST, 'name')),
            'type' => strtoupper(trim(param($_POST, 'type'))),
            'ttl' => trim(param($_POST, 'ttl')),
            'records' => param($_POST, 'records'),
        ];
        $records = record_lines($form['records']);
        $errors = [];
        if ($form['ttl'] !== '' && !ctype_digit($form['ttl'])) {
            $errors['ttl'][] = 'a number of seconds, such as 300';
        }
        if (!$records) {
            $errors['records'][] = 'one record a line, such as 192.0.2.1 for an A record';
        }
        if (!$errors) {
            try {
                $r = $this->api()->addRecords($zone, $form['name'] === '' ? '@' : $form['name'], $form['type'],
                    $form['ttl'] === '' ? null : (int) $form['ttl'], $records);
                $rr = $r['rrsets'][0] ?? null;
                $what = is_array($rr) ? $rr['name'] . ' ' . $rr['type'] : $form['name'] . ' ' . $form['type'];
                flash('ok', ($r['change'] ?? null) === null ? "$what already had these records: nothing changed." : "Saved $what.");
                $this->redirect('/domains/' . rawurlencode($zone) . $this->changeQuery($r));
                return;
            } catch (ApiError $e) {
                if ($e->status === 401 || $e->status === 404) {
                    throw $e;
                }
                $errors = $this->formErrors($e, ['add' => 'records']);
                $status = $e->status;
            }
        }
        $this->domainPage($zone, ['form' => $form, 'errors' => $errors], $status ?? 422);
    }

    private function deleteRRset(string $zone): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $owner = param($_POST, 'owner');
        $type = param($_POST, 'type');
        try {
            $r = $this->api()->deleteRRset($zone, $owner, $type);
        } catch (ApiError $e) {
            // 404: no such domain of this account (or the RRset is gone): the error page.
            if ($e->status === 401 || $e->status === 404) {
                throw $e;
            }
            flash('error', "Could not delete $owner $type: " . $this->problemText($e));
            $this->redirect('/domains/' . rawurlencode($zone));
            return;
        }
        flash('ok', "Deleted $owner $type.");
        $this->redirect('/domains/' . rawurlencode($zone) . $this->changeQuery($r));
    }

    /** The form that replaces one RRset: its TTL and records, with the ETag it was read at. */
    private function editRRsetForm(string $zone, string $owner, string $type, array $vars = [], int $status = 200): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $api = $this->api();
        $domain = $api->domain($zone);
        $rr = $vars['current'] ?? $api->rrset($zone, $owner, $type);
        if (!empty($rr['managed']) || ($rr['type'] ?? '') === 'SOA') {
            $this->page(403, 'error', ['title' => 'Managed record', 'message' => 'The SOA record is managed by EndpointDNS and cannot be edited.']);
            return;
        }
        $this->page($status, 'rrset_edit', $vars + [
            'title' => 'Edit ' . ($rr['name'] ?? $owner) . ' ' . ($rr['type'] ?? $type),
            'domain' => $domain,
            'rrset' => $rr,
            'form' => [
                'ttl' => (string) ($rr['ttl'] ?? ''),
                'records' => implode("\n", array_map('strval', $rr['records'] ?? [])),
                'etag' => (string) ($rr['etag'] ?? ''),
            ],
            'errors' => [],
        ]);
    }

    /**
     * Replaces the RRset with the form's records (PUT, If-Match: the ETag the form was read
     * at). Changed meanwhile (412): the form again, with the user's text and the records the
     * RRset holds now.
     */
    private function editRRset(string $zone, string $owner, string $type): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $form = [
            'ttl' => trim(param($_POST, 'ttl')),
            'records' => param($_POST, 'records'),
            'etag' => param($_POST, 'etag'),
        ];
        $records = record_lines($form['records']);
        $errors = [];
        if ($form['ttl'] !== '' && !ctype_digit($form['ttl'])) {
            $errors['ttl'][] = 'a number of seconds, such as 300';
        }
        if (!$records) {
            $errors['records'][] = 'at least one record, one a line; to remove them all, delete the RRset on the domain page';
        }
        $status = 422;
        $current = null;
        $stale = static fn (string $why): array => [$why . ' Check your records below and save again to replace them.'];
        if (!$errors && $form['etag'] !== '' && preg_match('/^(W\/)?"\d{1,10}"$/', $form['etag']) !== 1) {
            // Not an ETag this panel wrote (only those go into If-Match): what the RRset holds now.
            $status = 409;
            $current = $this->currentRRset($zone, $owner, $type);
            $errors[''] = $stale('This form did not say which version of the RRset it was made on; it now holds the records listed under “Now”.');
        } elseif (!$errors) {
            try {
                $r = $this->api()->replaceRRset($zone, $owner, $type, $form['ttl'] === '' ? null : (int) $form['ttl'], $records,
                    $form['etag'] === '' ? null : $form['etag']);
                $rr = $r['rrset'] ?? null;
                $what = is_array($rr) ? $rr['name'] . ' ' . $rr['type'] : "$owner $type";
                flash('ok', ($r['change'] ?? null) === null ? "$what already held these records: nothing changed." : "Saved $what.");
                $this->redirect('/domains/' . rawurlencode($zone) . $this->changeQuery($r));
                return;
            } catch (ApiError $e) {
                if ($e->status === 401 || ($e->status === 404 && $e->slug() !== 'validation' && $e->slug() !== 'not-found')) {
                    throw $e;
                }
                $status = $e->status ?: 502;
                $errors = $this->formErrors($e);
                if ($e->status === 412 || $e->status === 404) {
                    // Someone changed (or deleted) it after the form was read: show what it holds
                    // now, and let the user's next submit go against that.
                    $current = $this->currentRRset($zone, $owner, $type);
                    $errors[''] = $stale($current['records']
                        ? 'This RRset was changed after you opened this form; it now holds the records listed under “Now”.'
                        : 'This RRset was deleted after you opened this form; saving creates it again.');
                }
            }
        }
        if ($current !== null) {
            $form['etag'] = (string) $current['etag'];
        }
        $vars = ['form' => $form, 'errors' => $errors, 'changedMeanwhile' => $current !== null];
        if ($current !== null) {
            $vars['current'] = $current;
        }
        $this->editRRsetForm($zone, $owner, $type, $vars, $status);
    }

    /**
     * The RRset as it is now, for an edit form gone stale. Deleted meanwhile: no records and no
     * ETag (the next save creates it, without If-Match). A domain that is not the account's
     * stays a 404 (ApiError).
     *
     * @return array{name: string, subname: string, type: string, ttl: mixed, records: list<string>, etag: string}
     */
    private function currentRRset(string $zone, string $owner, string $type): array
    {
        $api = $this->api();
        try {
            $rr = $api->rrset($zone, $owner, $type);
        } catch (ApiError $e) {
            if ($e->status !== 404) {
                throw $e;
            }
            $api->domain($zone);
            return ['name' => $owner, 'subname' => $owner, 'type' => strtoupper($type), 'ttl' => '', 'records' => [], 'etag' => ''];
        }
        return $rr + ['etag' => '', 'records' => []];
    }

    /** The zone file, as a download (Content-Disposition: attachment). */
    private function exportZone(string $zone): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $text = $this->api()->zoneFile($zone);
        $name = preg_replace('/[^A-Za-z0-9.-]/', '_', strtolower($zone));
        header('Content-Type: text/dns; charset=utf-8');
        header('Content-Disposition: attachment; filename="' . $name . '.zone"');
        echo $text;
    }

    /** The import form: a zone file pasted or uploaded. */
    private function importForm(string $zone, array $vars = [], int $status = 200): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $domain = $this->api()->domain($zone);
        $this->page($status, 'import', $vars + [
            'title' => 'Import a zone file into ' . $domain['name'],
            'domain' => $domain,
            'text' => '',
            'errors' => [],
            'plan' => null,
        ]);
    }

    /** The zone file of an import form: the uploaded file when there is one, else the text area. */
    private function importText(array &$errors): ?string
    {
        $file = $_FILES['file'] ?? null;
        $raw = $_POST['zone'] ?? '';
        $field = 'zone';
        if (is_array($file) && is_int($file['error'] ?? null) && $file['error'] !== UPLOAD_ERR_NO_FILE) {
            $field = 'file';
            if ($file['error'] !== UPLOAD_ERR_OK) {
                $errors['file'][] = in_array($file['error'], [UPLOAD_ERR_INI_SIZE, UPLOAD_ERR_FORM_SIZE], true)
                    ? 'the file is larger than the panel accepts (' . ini_get('upload_max_filesize') . 'B); import it with the API or zone-compile'
                    : 'the file did not arrive whole; try again';
                return null;
            }
            $raw = (string) file_get_contents((string) $file['tmp_name']);
        }
        $text = is_string($raw) ? zone_text($raw) : null;
        if ($text === null) {
            $errors[$field][] = 'not a text file: a zone file is UTF-8 (or ASCII) text';
            return null;
        }
        if (trim($text) === '') {
            $errors[$field][] = $field === 'file' ? 'the file is empty' : 'paste a zone file here, or choose a file';
            return null;
        }
        return $text;
    }

    /** A dry run of the import: the plan (what would be created, updated, deleted), or the file's errors by line. */
    private function importPlan(string $zone, ?string $text = null, array $vars = []): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $errors = [];
        $text ??= $this->importText($errors);
        if ($text === null) {
            $this->importForm($zone, ['text' => param($_POST, 'zone'), 'errors' => $errors], 422);
            return;
        }
        try {
            $plan = $this->api()->importZone($zone, $text, true);
        } catch (ApiError $e) {
            if ($e->status === 401 || ($e->status === 404 && $e->slug() !== 'validation')) {
                throw $e;
            }
            $this->importForm($zone, ['text' => $text, 'errors' => $this->importErrors($e)], $e->status ?: 502);
            return;
        }
        $this->importForm($zone, $vars + ['text' => $text, 'plan' => $plan, 'digest' => hash('sha256', $text)]);
    }

    /** A refused import's errors: the file's, by line, next to the text area; the problem above the form. */
    private function importErrors(ApiError $e): array
    {
        $errors = $e->fieldErrors();
        if (isset($errors[''])) {
            $errors['zone'] = array_merge($errors['zone'] ?? [], $errors['']);
        }
        $errors[''] = [$this->problemText($e)];
        return $errors;
    }

    /**
     * Applies the plan the user saw: the same file, If-Match the serial of the dry run. When the
     * zone (or the file) changed since, the new plan is shown instead, to review again.
     */
    private function importApply(string $zone): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $text = zone_text(param($_POST, 'zone'));
        $serial = param($_POST, 'serial');
        if ($text === null || !ctype_digit($serial) || !hash_equals(hash('sha256', $text), param($_POST, 'digest'))) {
            $this->importPlan($zone, $text, ['notice' => 'The file is not the one the plan was made for: here is the plan for it. Review it and apply again.']);
            return;
        }
        try {
            $r = $this->api()->importZone($zone, $text, false, (int) $serial);
        } catch (ApiError $e) {
            if ($e->status === 412) {
                $this->importPlan($zone, $text, ['notice' => 'The zone changed after the plan was made: here is the plan against the zone as it is now. Review it and apply again.']);
                return;
            }
            if ($e->status === 401 || ($e->status === 404 && $e->slug() !== 'validation')) {
                throw $e;
            }
            $this->importForm($zone, ['text' => $text, 'errors' => $this->importErrors($e)], $e->status ?: 502);
            return;
        }
        $s = $r['summary'] ?? [];
        flash('ok', ($r['change'] ?? null) === null
            ? 'The zone already held exactly this file\'s records: nothing changed.'
            : sprintf('Imported the zone file: %d RRsets created, %d updated, %d deleted.', $s['create'] ?? 0, $s['update'] ?? 0, $s['delete'] ?? 0));
        $this->redirect('/domains/' . rawurlencode($zone) . $this->changeQuery($r));
    }

    /** The account's API keys, and the form that creates one (?template=acme&domain=D preselects). */
    private function keysPage(array $vars = [], int $status = 200): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $api = $this->api();
        $template = param($_GET, 'template', 'full');
        $this->page($status, 'keys', $vars + [
            'title' => 'API keys',
            'keys' => $api->keys(),
            'domains' => $api->domains(),
            'form' => [
                'template' => isset(key_templates()[$template]) ? $template : 'full',
                'domain' => param($_GET, 'domain'),
                'name' => '',
                'expires' => '',
                // The custom scope's fields: read only, no limits (until the user sets them).
                'write' => '0',
                'domains' => [],
                'names' => '',
                'types' => [],
            ],
            'errors' => [],
            'created' => null,
        ]);
    }

    /**
     * Creates a key from a template or, for "custom", with the scope of the form's custom
     * fields; the answer is the keys page with the secret, shown this once (never stored by
     * the panel, not a redirect: the secret is in this answer only).
     */
    private function createKey(): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $form = [
            'template' => param($_POST, 'template'),
            'domain' => strtolower(rtrim(trim(param($_POST, 'domain')), '.')),
            'name' => trim(param($_POST, 'name')),
            'expires' => trim(param($_POST, 'expires')),
        ];
        // The custom fields, cleaned, are kept for the form even when another template is
        // chosen (they are visible without JavaScript); they make the scope only for "custom".
        $custom = key_custom_scope($_POST);
        $form += [
            'write' => param($_POST, 'write') === '1' ? '1' : '0',
            'domains' => $custom['scope']['domains'],
            'names' => param($_POST, 'names'),
            'types' => $custom['scope']['types'],
        ];
        $password = param($_POST, 'current_password');
        $errors = [];
        $templates = key_templates();
        if (!isset($templates[$form['template']])) {
            $errors['template'][] = 'choose one of the templates';
        } elseif ($templates[$form['template']]['domain'] && $form['domain'] === '') {
            $errors['domain'][] = 'choose the domain the key is for';
        } elseif ($form['template'] === 'custom') {
            $errors = $custom['errors'];
        }
        if ($form['expires'] !== '' && (!ctype_digit($form['expires']) || (int) $form['expires'] < 1 || (int) $form['expires'] > 3650)) {
            $errors['expires'][] = 'a number of days from 1 to 3650, such as 90; empty: the key does not expire';
        }
        $status = 422;
        if (!$errors) {
            $scope = $form['template'] === 'custom' ? $custom['scope'] : (key_template_scope($form['template'], $form['domain']) ?? []);
            try {
                $key = $this->api()->createKey($scope, $form['name'],
                    $form['expires'] === '' ? null : (int) $form['expires'] * 86400, $password);
            } catch (ApiError $e) {
                if ($e->status === 401) {
                    throw $e;
                }
                $rename = ['expires_in' => 'expires', 'expires_at' => 'expires'];
                // A template's scope errors go next to what the user chose: the template, or
                // the ACME domain; the custom scope's next to its own fields (same names).
                $rename += $form['template'] === 'custom' ? []
                    : ['domains' => 'domain', 'names' => 'template', 'types' => 'template', 'write' => 'template'];
                $errors = $this->formErrors($e, $rename, $form['template'] === 'custom' ? ['names' => $scope['names']] : []);
                if ($e->status === 429) {
                    // Too many wrong passwords in this session: the wait, next to the password.
                    $errors = ['current_password' => [$this->problemText($e)]];
                }
                $status = $e->status ?: 502;
                $key = null;
            }
            if ($key !== null) {
                $this->keysPage(['created' => $key], 201);
                return;
            }
        }
        $this->keysPage(['form' => $form, 'errors' => $errors], $status);
    }

    /**
     * Revokes a key. The list's button carries confirm=yes when the script asked (confirm());
     * without it (no JavaScript) this answers a page that asks, whose button carries it.
     */
    private function revokeKey(string $id): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $api = $this->api();
        $key = $api->key((int) $id);
        $label = trim(($key['name'] ?? '') . ' (' . ($key['prefix'] ?? '') . ')');
        if (param($_POST, 'confirm') !== 'yes') {
            $this->page(200, 'key_revoke', ['title' => 'Revoke key ' . $label, 'key' => $key]);
            return;
        }
        if (key_status($key) === 'revoked') {
            flash('ok', "Key $label was revoked already.");
        } else {
            $api->revokeKey((int) $id);
            flash('ok', "Revoked key $label: it is refused from now on.");
        }
        $this->redirect('/keys');
    }

    /** JSON for the propagation script: {status, text, servers_insync, servers_total}. */
    private function changeStatus(string $id): void
    {
        header('Content-Type: application/json');
        if (!$this->loggedIn()) {
            http_response_code(401);
            echo json_encode(['error' => 'not signed in']);
            return;
        }
        $api = $this->api();
        // The wait holds no session lock: the user's other pages go on meanwhile.
        session_write_close();
        $wait = min(self::MAX_WAIT, max(0.0, (float) param($_GET, 'wait', '0')));
        try {
            $c = $api->change((int) $id, $wait);
        } catch (ApiError $e) {
            http_response_code($e->status ?: 502);
            echo json_encode(['error' => $e->getMessage()]);
            return;
        }
        echo json_encode([
            'status' => $c['status'] ?? 'pending',
            'servers_insync' => $c['servers_insync'] ?? 0,
            'servers_total' => $c['servers_total'] ?? 0,
            'text' => propagation_text($c),
        ]);
    }

    /**
     * An admin page (AdminPages::$handler), for a signed-in user of role admin only: others get
     * a 403 page, and so does a user whose session dnsapid refuses on its admin routes (403
     * forbidden: not an admin there, whatever this session remembers).
     *
     * @param list<string> $args
     */
    private function admin(string $handler, array $args): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $denied = [
            'title' => 'Admins only',
            'message' => 'These pages are for the operators of this service, and your user is not an admin. '
                . 'An admin can give your user the admin role.',
        ];
        if (($_SESSION['user']['role'] ?? '') !== 'admin') {
            $this->page(403, 'error', $denied);
            return;
        }
        $pages = new AdminPages($this->api(), $this->page(...), $this->redirect(...), $this->formErrors(...));
        try {
            $pages->$handler(...$args);
        } catch (ApiError $e) {
            if ($e->status !== 403 || $e->slug() !== 'forbidden') {
                throw $e;
            }
            $this->page(403, 'error', ['message' => $denied['message'] . ' (The DNS API answered: ' . $e->getMessage() . ')'] + $denied);
        }
    }

    // --- plumbing ------------------------------------------------------------------------------

    private function api(?string $token = '__session__'): Api
    {
        if ($token === '__session__') {
            $token = is_string($_SESSION['token'] ?? null) ? $_SESSION['token'] : null;
        }
        $client = $this->config['forward_client_address'] ? (string) ($this->server['REMOTE_ADDR'] ?? '') : null;
        return new Api($this->config['api_url'], $token, $this->config['api_timeout'] + self::MAX_WAIT, $client);
    }

    private function loggedIn(): bool
    {
        return is_string($_SESSION['token'] ?? null);
    }

    private function requireLogin(): bool
    {
        if ($this->loggedIn()) {
            return true;
        }
        flash('error', 'Please sign in first.');
        $this->redirect('/login');
        return false;
    }

    /** After login or sign-up: a new session id, a new CSRF token, the token kept here only. */
    private function startLocalSession(array $session): void
    {
        session_regenerate_id(true);
        $_SESSION = [];
        csrf_rotate();
        $_SESSION['token'] = (string) $session['token'];
        $_SESSION['user'] = ['email' => (string) ($session['user']['email'] ?? ''), 'role' => (string) ($session['user']['role'] ?? '')];
        $_SESSION['account'] = (string) ($session['account']['name'] ?? '');
    }

    private function endLocalSession(): void
    {
        $_SESSION = [];
        session_regenerate_id(true);
        csrf_rotate();
    }

    private function signupOpen(): bool
    {
        try {
            return $this->api(null)->signupOpen();
        } catch (ApiError) {
            return false;
        }
    }

    /**
     * The errors of a refused form: per field, and under "" the problem's detail (with the
     * wait of a 429).
     *
     * @param array<string, string> $rename
     * @param array<string, list<string>> $sent see ApiError::fieldErrors
     * @return array<string, list<string>>
     */
    private function formErrors(ApiError $e, array $rename = [], array $sent = []): array
    {
        $errors = $e->fieldErrors($rename, $sent);
        $errors[''] = array_merge([$this->problemText($e)], $errors[''] ?? []);
        return $errors;
    }

    private function problemText(ApiError $e): string
    {
        if ($e->status === 429 && $e->slug() === 'rate-limited' && ($s = $e->retryAfter()) !== null) {
            $wait = $s >= 120 ? ceil($s / 60) . ' minutes' : "$s seconds";
            return 'Too many attempts: please wait ' . $wait . ' before trying again. (' . $e->getMessage() . ')';
        }
        return $e->getMessage();
    }

    /** "?change=ID" when the answer carries a change, else "". */
    private function changeQuery(array $answer): string
    {
        $id = $answer['change']['id'] ?? null;
        return is_int($id) ? '?change=' . $id : '';
    }

    private function redirect(string $to): void
    {
        header('Location: ' . $to, true, 303);
    }

    private function page(int $status, string $template, array $vars): void
    {
        http_response_code($status);
        header('Content-Type: text/html; charset=utf-8');
        echo render($template, $vars + [
            'user' => $_SESSION['user'] ?? null,
            'accountName' => $_SESSION['account'] ?? null,
            'flashes' => take_flashes(),
        ]);
    }
}
