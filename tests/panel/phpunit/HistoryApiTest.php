<?php
// SPDX-License-Identifier: MIT
// Tests of the panel's API client for zone history against a real dnsapid: versions page by page, one version and its diff, restore, a stale If-Match (412), 404, isolation.

declare(strict_types=1);

use function EndpointDNS\Panel\{diff_counts, record_diff, restore_diff};

final class HistoryApiTest extends ApiTestCase
{
    /** @return list<string> "OP SUBNAME TYPE RECORD" per line of a diff */
    private static function lines(array $diff): array
    {
        $out = [];
        foreach ($diff as $g) {
            foreach ($g['lines'] as $l) {
                $out[] = "{$l['op']} {$g['subname']} {$g['type']} {$l['record']}";
            }
        }
        return $out;
    }

    public function testVersionsNewestFirstPageByPage(): void
    {
        [$api, $zone] = self::withDomain('versions');
        $api->addRecords($zone, 'www', 'A', 300, ['192.0.2.10', '192.0.2.11']); // 2
        $api->addRecords($zone, 'mail', 'A', null, ['192.0.2.25']);             // 3
        $api->deleteRRset($zone, "www.$zone.", 'A');                            // 4

        $p = $api->versions($zone, null, 3);
        $this->assertSame([4, 3, 2], array_column($p['items'], 'serial'));
        $this->assertSame('2', $p['next']);
        $top = $p['items'][0];
        $this->assertStringStartsWith("DELETE www.$zone", $top['summary']);
        $this->assertSame(2, $top['removed']);
        $this->assertSame(0, $top['added']);
        // The panel's session is the author: its prefix, and the client's address.
        $this->assertSame(substr((string) $api->token(), 0, 14), $top['actor']);
        $this->assertIsString($top['remote']);
        $this->assertIsInt($top['change_id']);

        $p = $api->versions($zone, $p['next'], 3);
        $this->assertSame([1], array_column($p['items'], 'serial'));
        $this->assertSame('create', $p['items'][0]['kind']);
        $this->assertNull($p['next']);
        $this->assertSame([4, 3, 2, 1], array_column($api->versions($zone)['items'], 'serial'));
    }

    public function testOneVersionItsDiffAndTheZoneThen(): void
    {
        [$api, $zone] = self::withDomain('version');
        $api->addRecords($zone, 'www', 'A', 300, ['192.0.2.10']);               // 2
        $api->addRecords($zone, 'www', 'A', null, ['192.0.2.11']);              // 3
        $api->deleteRRset($zone, "www.$zone.", 'A');                            // 4

        $v = $api->version($zone, 3);
        $this->assertSame(3, $v['serial']);
        $this->assertSame(['+ www A 192.0.2.11', '  www A 192.0.2.10'],
            self::lines(record_diff($v['changes']['removed'], $v['changes']['added'], $v['rrsets'])));
        $this->assertSame('SOA', $v['rrsets'][0]['type']);
        $this->assertStringContainsString(' 3 ', $v['rrsets'][0]['records'][0]);
        $www = array_values(array_filter($v['rrsets'], fn ($r) => $r['type'] === 'A'));
        $this->assertEqualsCanonicalizing(['192.0.2.10', '192.0.2.11'], $www[0]['records']);

        // The delete: both records removed, nothing left of the RRset.
        $v4 = $api->version($zone, 4);
        $this->assertSame(['- www A 192.0.2.10', '- www A 192.0.2.11'],
            self::lines(record_diff($v4['changes']['removed'], $v4['changes']['added'], $v4['rrsets'])));

        // What restoring version 3 would change now: the two records come back.
        $preview = restore_diff($api->rrsets($zone), $v['rrsets'], $zone);
        $this->assertSame([0, 2], diff_counts($preview));

        $e = self::caught(fn () => $api->version($zone, 99));
        $this->assertSame(404, $e->status);
        $this->assertStringContainsString('serials 1 to 4', $e->getMessage());
    }

    public function testRestoreWithIfMatchAndAStaleOneIs412(): void
    {
        [$api, $zone] = self::withDomain('restore');
        $api->addRecords($zone, 'www', 'A', 300, ['192.0.2.10', '192.0.2.11']); // 2
        $api->deleteRRset($zone, "www.$zone.", 'A');                            // 3
        $api->addRecords($zone, 'nojs', 'AAAA', null, ['2001:db8::1']);         // 4

        $r = $api->restore($zone, 2, 4);
        $this->assertIsInt($r['change']['id']);
        $this->assertSame(5, $r['serial']);
        $this->assertSame(2, $r['version']);
        $this->assertSame(['create' => 1, 'delete' => 1, 'update' => 0], $r['summary']);
        $types = array_column($api->rrsets($zone), 'type', 'name');
        $this->assertSame('A', $types["www.$zone."]);
        $this->assertArrayNotHasKey("nojs.$zone.", $types);
        $this->assertSame('restore to serial 2', $api->versions($zone, null, 1)['items'][0]['summary']);

        // A view of serial 4 is stale now: 412, and nothing changes.
        $e = self::caught(fn () => $api->restore($zone, 3, 4));
        $this->assertSame(412, $e->status);
        $this->assertSame('precondition-failed', $e->slug());
        $this->assertStringContainsString('"5"', $e->getMessage());
        $this->assertSame(5, $api->domain($zone)['serial']);

        // The zone is that version already: no change. Without If-Match: done on the zone as it is.
        $this->assertNull($api->restore($zone, 2, 5)['change']);
        $r = $api->restore($zone, 4);
        $this->assertSame(6, $r['serial']);
        $this->assertSame(404, self::caught(fn () => $api->restore($zone, 7, 6))->status);
    }

    public function testAnotherAccountsHistoryIsNotFound(): void
    {
        [, $zone] = self::withDomain('alice');
        [$bob] = self::withDomain('bob');
        $this->assertSame(404, self::caught(fn () => $bob->versions($zone))->status);
        $this->assertSame(404, self::caught(fn () => $bob->version($zone, 1))->status);
        $this->assertSame(404, self::caught(fn () => $bob->restore($zone, 1))->status);
    }
}
