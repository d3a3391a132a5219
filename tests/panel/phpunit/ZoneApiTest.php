<?php
// SPDX-License-Identifier: MIT
// Tests of the panel's API client for one domain's records against a real dnsapid: one RRset, replacing it with If-Match, the zone file out and in (dry run, plan, If-Match).

declare(strict_types=1);

final class ZoneApiTest extends ApiTestCase
{
    public function testReplaceAnRRsetWithItsEtagAndAStaleOne(): void
    {
        [$api, $zone] = self::withDomain('edit');
        $api->addRecords($zone, 'www', 'A', 300, ['192.0.2.1']);
        $rr = $api->rrset($zone, 'www', 'A');
        $this->assertSame(['192.0.2.1'], $rr['records']);
        $r = $api->replaceRRset($zone, 'www', 'A', 600, ['192.0.2.2', '192.0.2.3'], $rr['etag']);
        $this->assertSame(600, $r['rrset']['ttl']);
        $this->assertSame(['192.0.2.2', '192.0.2.3'], $r['rrset']['records']);
        $this->assertIsInt($r['change']['id']);
        // The ETag read before that write is stale now: 412, nothing changed.
        $e = self::caught(fn () => $api->replaceRRset($zone, 'www', 'A', null, ['192.0.2.9'], $rr['etag']));
        $this->assertSame(412, $e->status);
        $this->assertSame(['192.0.2.2', '192.0.2.3'], $api->rrset($zone, 'www', 'A')['records']);
        // Without a TTL the RRset keeps its own.
        $r = $api->replaceRRset($zone, 'www', 'A', null, ['192.0.2.9']);
        $this->assertSame(600, $r['rrset']['ttl']);
    }

    public function testReplaceErrorsComeBackPerField(): void
    {
        [$api, $zone] = self::withDomain('editbad');
        $e = self::caught(fn () => $api->replaceRRset($zone, 'www', 'A', null, ['192.0.2.1', '192.0.2.300']));
        $this->assertSame(422, $e->status);
        $this->assertArrayHasKey('records', $e->fieldErrors());
        $e = self::caught(fn () => $api->replaceRRset($zone, 'www', 'A', 5, ['192.0.2.1']));
        $this->assertSame(422, $e->status);
        $this->assertArrayHasKey('ttl', $e->fieldErrors());
        $this->assertSame(404, self::caught(fn () => $api->rrset($zone, 'nothing', 'A'))->status);
    }

    public function testExportIsTheZoneFileText(): void
    {
        [$api, $zone] = self::withDomain('export');
        $api->addRecords($zone, 'mail', 'A', 3600, ['192.0.2.25']);
        $text = $api->zoneFile($zone);
        $this->assertMatchesRegularExpression('/^' . preg_quote($zone, '/') . '\.\s+\d+\s+IN\s+SOA\s/m', $text);
        $this->assertStringContainsString("mail.$zone.\t3600\tIN\tA\t192.0.2.25", $text);
        $this->assertSame(404, self::caught(fn () => $api->zoneFile('not-mine-' . bin2hex(random_bytes(3)) . '.test'))->status);
    }

    public function testImportDryRunPlansThenAppliesAtItsSerial(): void
    {
        [$api, $zone] = self::withDomain('import');
        $api->addRecords($zone, 'www', 'A', 300, ['192.0.2.1']);
        $api->addRecords($zone, 'old', 'TXT', 300, ['"x"']);
        $file = "\$TTL 300\nwww IN A 192.0.2.1\nwww IN A 192.0.2.2\nmail IN A 192.0.2.25\n";
        $plan = $api->importZone($zone, $file, true);
        $this->assertTrue($plan['dry_run']);
        $this->assertEquals(['create' => 1, 'update' => 1, 'delete' => 1], $plan['summary']);
        $this->assertSame('mail', $plan['plan']['create'][0]['subname']);
        $this->assertSame(['192.0.2.1'], $plan['plan']['update'][0]['before']['records']);
        $this->assertSame('old', $plan['plan']['delete'][0]['subname']);
        // A dry run changes nothing.
        $this->assertSame(404, self::caught(fn () => $api->rrset($zone, 'mail', 'A'))->status);
        // The zone changes after the plan: applying at the plan's serial is refused.
        $api->addRecords($zone, 'late', 'A', 300, ['192.0.2.7']);
        $this->assertSame(412, self::caught(fn () => $api->importZone($zone, $file, false, $plan['serial']))->status);
        $this->assertSame(404, self::caught(fn () => $api->rrset($zone, 'mail', 'A'))->status);
        $plan = $api->importZone($zone, $file, true);
        $this->assertSame(2, $plan['summary']['delete']);
        $done = $api->importZone($zone, $file, false, $plan['serial']);
        $this->assertFalse($done['dry_run']);
        $this->assertIsInt($done['change']['id']);
        $this->assertSame(['192.0.2.25'], $api->rrset($zone, 'mail', 'A')['records']);
        $this->assertSame(404, self::caught(fn () => $api->rrset($zone, 'late', 'A'))->status);
        // The same file again: nothing to do.
        $this->assertNull($api->importZone($zone, $file, false)['change']);
    }

    public function testImportErrorsCarryTheirLines(): void
    {
        [$api, $zone] = self::withDomain('importbad');
        $e = self::caught(fn () => $api->importZone($zone, "\$TTL 300\nwww IN A 192.0.2.300\nftp.example.org. IN A 192.0.2.1\n", true));
        $this->assertSame(422, $e->status);
        $this->assertSame(['line 2: A: bad IPv4 address', 'line 3: ftp.example.org is outside the zone ' . $zone], $e->fieldErrors()['']);
    }
}
