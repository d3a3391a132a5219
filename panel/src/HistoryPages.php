<?php
// SPDX-License-Identifier: MIT
// The history pages of App: a zone's versions, one version (its diff, the zone then) and restoring it.

declare(strict_types=1);

namespace EndpointDNS\Panel;

/**
 * The zone history pages, a part of App (its routes are in App's table; a trait so that they
 * share App's plumbing: api(), page(), redirect(), the login check).
 */
trait HistoryPages
{
    /** Versions per page of the history, unless ?limit= (1 to 100) says otherwise. */
    private const HISTORY_PAGE_SIZE = 25;

    /** The zone's versions, newest first, a page at a time (?cursor= from the page before). */
    private function historyPage(string $zone): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $api = $this->api();
        $domain = $api->domain($zone);
        $name = (string) $domain['name'];
        // A cursor is a serial (1 to 2^32-1); anything else starts at the newest version.
        $cursor = param($_GET, 'cursor');
        $cursor = ctype_digit($cursor) && strlen($cursor) <= 10 && (int) $cursor >= 1 && (int) $cursor <= 4294967295 ? $cursor : null;
        $limit = param($_GET, 'limit');
        $limit = ctype_digit($limit) && strlen($limit) <= 3 ? max(1, min(100, (int) $limit)) : self::HISTORY_PAGE_SIZE;
        $page = $api->versions($name, $cursor, $limit);
        $this->page(200, 'history', [
            'title' => "History of $name",
            'domain' => $domain,
            'versions' => $page['items'],
            'next' => $page['next'],
            'cursor' => $cursor,
            'limit' => $limit === self::HISTORY_PAGE_SIZE ? null : $limit,
            'keyNames' => $this->keyNames($api, $page['items']),
            'ownPrefix' => $this->ownSessionPrefix(),
        ]);
    }

    /**
     * One version: what its change did (a diff per RRset), the zone as it was, and the form
     * that restores it, with what restoring would change now. $vars carries the error of a
     * refused restore.
     */
    private function versionPage(string $zone, string $serial, array $vars = [], int $status = 200): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $view = $this->versionView($zone, (int) $serial);
        if ($view === null) {
            return;
        }
        $this->page($status, 'version', $vars + $view + ['restoreError' => null]);
    }

    /**
     * Restores a version. The version page's button carries confirm=yes when the script asked
     * (confirm()); without it (no JavaScript) this answers a page that asks, whose button
     * carries it. if_match is the zone's serial the page showed: when the zone has moved on
     * since, dnsapid answers 412 and the version page says so, with what restoring would change
     * now. After a restore: the domain page, following the change to the name servers.
     */
    private function restoreVersion(string $zone, string $serial): void
    {
        if (!$this->requireLogin()) {
            return;
        }
        $n = (int) $serial;
        $ifMatch = param($_POST, 'if_match');
        $ifMatch = ctype_digit($ifMatch) && strlen($ifMatch) <= 10 ? (int) $ifMatch : null;
        if (param($_POST, 'confirm') !== 'yes') {
            $view = $this->versionView($zone, $n);
            if ($view !== null) {
                if ($ifMatch !== null) {
                    // The question is about the zone the user saw: keep its serial.
                    $view['ifMatch'] = $ifMatch;
                }
                $this->page(200, 'version_restore', ['title' => "Restore $zone to version $n?"] + $view);
            }
            return;
        }
        if ($ifMatch === null) {
            // Never a restore without the zone's serial the user saw: it would replace whatever
            // the zone holds now, unseen.
            $this->versionPage($zone, $serial, ['restoreError' => [
                'message' => 'Nothing was restored: the form did not say which state of ' . $zone . ' it was made on. '
                    . 'Look at what restoring would change now, below, and restore again if that is what you want.',
                'errors' => [],
            ]], 422);
            return;
        }
        $api = $this->api();
        try {
            $r = $api->restore($zone, $n, $ifMatch);
        } catch (ApiError $e) {
            if ($e->status === 401) {
                throw $e;
            }
            if ($e->status === 404 || $e->status === 410) {
                $api->domain($zone); // a domain that is not (or no longer) the account's: not found
                $this->versionUnavailable($zone, $n, $e);
                return;
            }
            if ($e->status === 412) {
                $now = $api->domain($zone);
                $message = 'Nothing was restored: ' . $zone . ' has changed since you opened this page'
                    . ($ifMatch !== null ? ' (it was at serial ' . $ifMatch . ', it is now at serial ' . ($now['serial'] ?? '?') . ')' : '')
                    . '. Look again at what restoring would change now, below, and restore again if that is still what you want.';
                $this->versionPage($zone, $serial, ['restoreError' => ['message' => $message, 'errors' => []]], 412);
                return;
            }
            $this->versionPage($zone, $serial, ['restoreError' => [
                'message' => 'Nothing was restored: ' . $this->problemText($e),
                'errors' => self::restoreErrors($e),
            ]], $e->status ?: 502);
            return;
        }
        $name = rtrim($zone, '.');
        if (($r['change'] ?? null) === null) {
            flash('ok', "$name is already as it was at version $n: nothing changed.");
            $this->redirect('/domains/' . rawurlencode($zone));
            return;
        }
        flash('ok', "Restored version $n of $name as serial " . ($r['serial'] ?? '?') . ' ('
            . restore_summary_text(is_array($r['summary'] ?? null) ? $r['summary'] : []) . ').');
        $this->redirect('/domains/' . rawurlencode($zone) . $this->changeQuery($r));
    }

    /**
     * What the version page and the restore question show: the domain (its serial now), the
     * version, the diff of its change, the zone then, what restoring would change now. Null
     * after answering a page that says the version cannot be shown (404, 410).
     *
     * @return array<string, mixed>|null
     */
    private function versionView(string $zone, int $serial): ?array
    {
        $api = $this->api();
        $domain = $api->domain($zone);
        $name = (string) $domain['name'];
        try {
            $version = $api->version($name, $serial);
        } catch (ApiError $e) {
            if ($e->status === 404 || $e->status === 410) {
                $this->versionUnavailable($name, $serial, $e);
                return null;
            }
            throw $e;
        }
        $then = array_values(array_filter($version['rrsets'] ?? [], 'is_array'));
        $current = (int) ($domain['serial'] ?? 0) === $serial;
        return [
            'title' => "Version $serial of $name",
            'domain' => $domain,
            'version' => $version,
            'serial' => $serial,
            'current' => $current,
            'ifMatch' => (int) ($domain['serial'] ?? 0),
            'diff' => record_diff($version['changes']['removed'] ?? [], $version['changes']['added'] ?? [], $then),
            'then' => $then,
            'preview' => $current ? [] : restore_diff($api->rrsets($name), $then, $name),
            'keyNames' => $this->keyNames($api, [$version]),
            'ownPrefix' => $this->ownSessionPrefix(),
        ];
    }

    /** The page for a version that does not exist (404) or that the journal cannot rebuild (410). */
    private function versionUnavailable(string $zone, int $serial, ApiError $e): void
    {
        $this->page($e->status, 'version_unavailable', [
            'title' => $e->status === 410 ? "Version $serial of $zone can no longer be shown" : "There is no version $serial of $zone",
            'zone' => $zone,
            'serial' => $serial,
            'gone' => $e->status === 410,
            'message' => $e->getMessage(),
        ]);
    }

    /**
     * The names of the account's keys by prefix, for the "who" of versions made with a key
     * (none asked when no version was).
     *
     * @param list<array<string, mixed>> $versions
     * @return array<string, string>
     */
    private function keyNames(Api $api, array $versions): array
    {
        $withKey = array_filter($versions, static fn ($v) => str_starts_with((string) ($v['actor'] ?? ''), 'edk_'));
        if (!$withKey) {
            return [];
        }
        try {
            $names = [];
            foreach ($api->keys() as $k) {
                $names[(string) ($k['prefix'] ?? '')] = (string) ($k['name'] ?? '');
            }
            return $names;
        } catch (ApiError $e) {
            if ($e->status === 401) {
                throw $e;
            }
            return [];
        }
    }

    /** The prefix of the panel's own dnsapid session (what the journal names as its author). */
    private function ownSessionPrefix(): ?string
    {
        $t = $_SESSION['token'] ?? null;
        return is_string($t) && strlen($t) > 14 ? substr($t, 0, 14) : null;
    }

    /**
     * The errors of a refused restore, each naming the RRset it concerns
     * ("www.example.com. A: at least 60 seconds ...").
     *
     * @return list<string>
     */
    private static function restoreErrors(ApiError $e): array
    {
        $out = [];
        foreach ((array) ($e->problem['errors'] ?? []) as $err) {
            if (!is_array($err) || !is_string($err['detail'] ?? null)) {
                continue;
            }
            $what = trim((string) ($err['name'] ?? '') . ' ' . (string) ($err['type'] ?? ''));
            $out[] = ($what !== '' ? "$what: " : '') . $err['detail'];
        }
        return $out;
    }
}
