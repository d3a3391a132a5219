<?php
// SPDX-License-Identifier: MIT
// The history pages' helpers: record diffs per RRset (of one change, and of a restore), who made a change, counts in words.

declare(strict_types=1);

namespace EndpointDNS\Panel;

/**
 * The records a change removed and added, grouped per RRset, as a diff to show.
 *
 * $removed and $added are RRset items as dnsapid gives them (`name`, `subname`, `type`, `ttl`,
 * `records`): the `changes` of a version. $context is the zone after the change (the
 * version's `rrsets`): the records of a changed RRset that the change left alone are listed
 * as unchanged. A record whose TTL changed is removed with the old TTL and added with the new.
 *
 * Groups come in the order of dnsapid's RRset list (owner name as text, then type); in a
 * group, the removed records, then the added, then the unchanged ones.
 *
 * @param list<array<string, mixed>> $removed
 * @param list<array<string, mixed>> $added
 * @param list<array<string, mixed>> $context
 * @return list<array{name: string, subname: string, type: string, lines: list<array{op: string, ttl: int, record: string}>}>
 *     op: "-" removed, "+" added, " " unchanged
 */
function record_diff(array $removed, array $added, array $context = []): array
{
    $groups = [];
    $addedKeys = [];
    $group = static function (array $rr) use (&$groups): string {
        $key = (string) ($rr['name'] ?? '') . "\0" . strtoupper((string) ($rr['type'] ?? ''));
        $groups[$key] ??= [
            'name' => (string) ($rr['name'] ?? ''),
            'subname' => (string) ($rr['subname'] ?? $rr['name'] ?? ''),
            'type' => strtoupper((string) ($rr['type'] ?? '')),
            'lines' => ['-' => [], '+' => [], ' ' => []],
        ];
        return $key;
    };
    foreach ([['-', $removed], ['+', $added]] as [$op, $rrsets]) {
        foreach ($rrsets as $rr) {
            if (!is_array($rr)) {
                continue;
            }
            $key = $group($rr);
            foreach ((array) ($rr['records'] ?? []) as $record) {
                $line = ['op' => $op, 'ttl' => (int) ($rr['ttl'] ?? 0), 'record' => (string) $record];
                $groups[$key]['lines'][$op][] = $line;
                if ($op === '+') {
                    $addedKeys[$key][$line['ttl'] . ' ' . $line['record']] = true;
                }
            }
        }
    }
    foreach ($context as $rr) {
        if (!is_array($rr)) {
            continue;
        }
        $key = (string) ($rr['name'] ?? '') . "\0" . strtoupper((string) ($rr['type'] ?? ''));
        if (!isset($groups[$key])) {
            continue;
        }
        foreach ((array) ($rr['records'] ?? []) as $record) {
            $ttl = (int) ($rr['ttl'] ?? 0);
            if (!isset($addedKeys[$key][$ttl . ' ' . $record])) {
                $groups[$key]['lines'][' '][] = ['op' => ' ', 'ttl' => $ttl, 'record' => (string) $record];
            }
        }
    }
    uksort($groups, static fn (string $a, string $b): int => strcmp($a, $b));
    $out = [];
    foreach ($groups as $g) {
        $g['lines'] = array_merge($g['lines']['-'], $g['lines']['+'], $g['lines'][' ']);
        $out[] = $g;
    }
    return $out;
}

/**
 * What restoring a version would do to the zone now: the diff from the zone's RRsets now
 * ($now, `GET .../rrsets`) to those of the version ($then, the version's `rrsets`), per RRset
 * that differs, as record_diff() gives it. The SOA is the service's and is left out; an apex
 * NS RRset the version lacks stays (dnsapid keeps it, as a zone-file import does).
 *
 * @param list<array<string, mixed>> $now
 * @param list<array<string, mixed>> $then
 * @return list<array{name: string, subname: string, type: string, lines: list<array{op: string, ttl: int, record: string}>}>
 */
function restore_diff(array $now, array $then, string $zone): array
{
    $apex = rtrim(strtolower($zone), '.') . '.';
    $index = static function (array $rrsets): array {
        $out = [];
        foreach ($rrsets as $rr) {
            if (!is_array($rr) || strtoupper((string) ($rr['type'] ?? '')) === 'SOA') {
                continue;
            }
            $out[(string) ($rr['name'] ?? '') . "\0" . strtoupper((string) ($rr['type'] ?? ''))] = $rr;
        }
        return $out;
    };
    $a = $index($now);
    $b = $index($then);
    $removed = [];
    $added = [];
    $pick = static function (array $rr, array $drop): ?array {
        $ttl = (int) ($rr['ttl'] ?? 0);
        $keep = [];
        foreach ((array) ($rr['records'] ?? []) as $record) {
            if (!isset($drop[$ttl . ' ' . $record])) {
                $keep[] = (string) $record;
            }
        }
        return $keep ? ['records' => $keep] + $rr : null;
    };
    $set = static function (?array $rr): array {
        $out = [];
        foreach ((array) ($rr['records'] ?? []) as $record) {
            $out[(int) ($rr['ttl'] ?? 0) . ' ' . $record] = true;
        }
        return $out;
    };
    foreach (array_unique(array_merge(array_keys($a), array_keys($b))) as $key) {
        $from = $a[$key] ?? null;
        $to = $b[$key] ?? null;
        if ($to === null && $from !== null && strtolower((string) $from['name']) === $apex
            && strtoupper((string) $from['type']) === 'NS') {
            continue;
        }
        if ($from !== null && ($r = $pick($from, $set($to))) !== null) {
            $removed[] = $r;
        }
        if ($to !== null && ($r = $pick($to, $set($from))) !== null) {
            $added[] = $r;
        }
    }
    return record_diff($removed, $added, array_values($b));
}

/**
 * The records a diff removes and adds: [removed, added].
 *
 * @param list<array{lines: list<array{op: string}>}> $diff
 * @return array{0: int, 1: int}
 */
function diff_counts(array $diff): array
{
    $removed = $added = 0;
    foreach ($diff as $g) {
        foreach ($g['lines'] as $l) {
            $removed += $l['op'] === '-' ? 1 : 0;
            $added += $l['op'] === '+' ? 1 : 0;
        }
    }
    return [$removed, $added];
}

/**
 * Who made a change, in words, from the journal's `actor`: "key certbot (edk_…)" for a key of
 * the account ($keyNames: prefix => name), "you, in this session (eds_…)" for the panel's own
 * session ($ownPrefix), "a session (eds_…)" for another sign-in, "the operator (admin)".
 *
 * @param array<string, string> $keyNames
 */
function actor_text(string $actor, array $keyNames = [], ?string $ownPrefix = null): string
{
    if ($actor === 'admin') {
        return 'the operator (admin)';
    }
    if (str_starts_with($actor, 'edk_')) {
        $name = $keyNames[$actor] ?? '';
        return $name !== '' ? "key $name ($actor)" : "key $actor";
    }
    if (str_starts_with($actor, 'eds_')) {
        return $ownPrefix !== null && $actor === $ownPrefix ? "you, in this session ($actor)" : "a session ($actor)";
    }
    return $actor === '' ? 'unknown' : $actor;
}

/** The summary of a restore's answer in words: "RRsets: 1 created, 2 changed, 0 deleted". */
function restore_summary_text(array $summary): string
{
    $n = static fn (string $k): int => (int) ($summary[$k] ?? 0);
    if ($n('create') + $n('update') + $n('delete') === 0) {
        return 'no RRset changed';
    }
    return "RRsets: {$n('create')} created, {$n('update')} changed, {$n('delete')} deleted";
}

/** An RFC 3339 time of dnsapid to the second, "2026-11-26 10:14:38 UTC" (versions may be seconds apart). */
function long_time(mixed $t, string $none = '—'): string
{
    if (!is_string($t) || $t === '') {
        return $none;
    }
    $ts = strtotime($t);
    return $ts === false ? $t : gmdate('Y-m-d H:i:s', $ts) . ' UTC';
}

/** "1 record", "2 records": $n with the word in the number it needs. */
function records_text(int $n): string
{
    return $n === 1 ? '1 record' : "$n records";
}
