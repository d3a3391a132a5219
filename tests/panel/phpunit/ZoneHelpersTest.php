<?php
// SPDX-License-Identifier: MIT
// Unit tests of the domain page's helpers: the RRset table's filter and sort, record lines, zone-file text, the import plan's diff, php.ini sizes.

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

use function EndpointDNS\Panel\{ini_bytes, record_lines, rrset_diff, rrset_search_text, rrset_view, zone_text};

final class ZoneHelpersTest extends TestCase
{
    /** @return list<array<string, mixed>> RRsets in the order dnsapid lists them */
    private static function rrsets(): array
    {
        $rr = static fn (string $sub, string $type, int $ttl, array $records): array =>
            ['name' => ($sub === '@' ? '' : "$sub.") . 'example.com.', 'subname' => $sub, 'type' => $type, 'ttl' => $ttl, 'records' => $records];
        return [
            $rr('@', 'SOA', 3600, ['ns1.example.net. hostmaster.example.net. 7 7200 3600 1209600 300']),
            $rr('@', 'NS', 3600, ['ns1.example.net.', 'ns2.example.net.']),
            $rr('@', 'MX', 300, ['10 mail.example.com.']),
            $rr('mail', 'A', 600, ['192.0.2.25']),
            $rr('www', 'A', 60, ['192.0.2.10', '192.0.2.11']),
            $rr('www', 'TXT', 300, ['"Hello World"']),
        ];
    }

    private static function ids(array $rows): array
    {
        return array_map(static fn ($r) => $r['subname'] . ' ' . $r['type'], $rows);
    }

    public function testNoFilterKeepsTheZoneOrder(): void
    {
        $this->assertSame(self::ids(self::rrsets()), self::ids(rrset_view(self::rrsets())));
        $this->assertSame(array_reverse(self::ids(self::rrsets())), self::ids(rrset_view(self::rrsets(), '', 'name', 'desc')));
    }

    public function testFilterLooksInNameTypeAndRecordsIgnoringCase(): void
    {
        $this->assertSame(['www A', 'www TXT'], self::ids(rrset_view(self::rrsets(), 'WWW')));
        $this->assertSame(['@ MX'], self::ids(rrset_view(self::rrsets(), ' mx ')));
        $this->assertSame(['www A'], self::ids(rrset_view(self::rrsets(), '192.0.2.11')));
        $this->assertSame(['www TXT'], self::ids(rrset_view(self::rrsets(), 'hello world')));
        // "mail" is mail's name and a word in the MX record.
        $this->assertSame(['@ MX', 'mail A'], self::ids(rrset_view(self::rrsets(), 'mail')));
        $this->assertSame([], rrset_view(self::rrsets(), 'nothing-like-this'));
    }

    public function testSortByTypeOrTtlKeepsZoneOrderAmongEquals(): void
    {
        $this->assertSame(['mail A', 'www A', '@ MX', '@ NS', '@ SOA', 'www TXT'], self::ids(rrset_view(self::rrsets(), '', 'type')));
        $this->assertSame(['www A', '@ MX', 'www TXT', 'mail A', '@ SOA', '@ NS'], self::ids(rrset_view(self::rrsets(), '', 'ttl')));
        $this->assertSame(['@ NS', '@ SOA', 'mail A', 'www TXT', '@ MX', 'www A'], self::ids(rrset_view(self::rrsets(), '', 'ttl', 'desc')));
        // An unknown column sorts as the zone does.
        $this->assertSame(self::ids(self::rrsets()), self::ids(rrset_view(self::rrsets(), '', 'records')));
    }

    public function testSearchTextHoldsNameTypeAndRecordsInLowerCase(): void
    {
        $t = rrset_search_text(self::rrsets()[5]);
        $this->assertStringContainsString('www.example.com.', $t);
        $this->assertStringContainsString('txt', $t);
        $this->assertStringContainsString('"hello world"', $t);
        $this->assertSame('', trim(rrset_search_text([])));
    }

    public function testRecordLinesTrimAndSkipEmptyLinesOfAnyEnding(): void
    {
        $this->assertSame(['192.0.2.1', '192.0.2.2', '10 mail.example.com.'], record_lines(" 192.0.2.1 \r\n\r\n192.0.2.2\n\t\n10 mail.example.com.\r"));
        $this->assertSame([], record_lines(" \n\r\n"));
        $this->assertSame(['"a b"'], record_lines('"a b"'));
    }

    public function testZoneTextNormalizesLineEndsAndRefusesBinary(): void
    {
        $this->assertSame("\$TTL 300\nwww IN A 192.0.2.1\nx IN TXT \"é\"\n", zone_text("\$TTL 300\r\nwww IN A 192.0.2.1\rx IN TXT \"é\"\r\n"));
        $this->assertNull(zone_text("www IN A 192.0.2.1\n\xC3("));
        $this->assertNull(zone_text("www IN A 192.0.2.1\n\0"));
        $this->assertSame('', zone_text(''));
    }

    public function testDiffOfAnUpdatedRRset(): void
    {
        $d = rrset_diff([
            'before' => ['ttl' => 300, 'records' => ['192.0.2.1', '192.0.2.2']],
            'after' => ['ttl' => 600, 'records' => ['192.0.2.2', '192.0.2.3']],
        ]);
        $this->assertSame(['192.0.2.1'], $d['removed']);
        $this->assertSame(['192.0.2.3'], $d['added']);
        $this->assertSame(['192.0.2.2'], $d['kept']);
        $this->assertSame([300, 600], [$d['ttl_before'], $d['ttl_after']]);
        // Only the TTL changed: nothing added or removed.
        $d = rrset_diff(['before' => ['ttl' => 60, 'records' => ['a']], 'after' => ['ttl' => 120, 'records' => ['a']]]);
        $this->assertSame([[], [], ['a']], [$d['removed'], $d['added'], $d['kept']]);
    }

    public function testIniSizes(): void
    {
        $this->assertSame(8 << 20, ini_bytes('8M'));
        $this->assertSame(512 << 10, ini_bytes(' 512k '));
        $this->assertSame(1 << 30, ini_bytes('1G'));
        $this->assertSame(1000, ini_bytes('1000'));
        $this->assertSame(PHP_INT_MAX, ini_bytes('0'));
        $this->assertSame(PHP_INT_MAX, ini_bytes('-1'));
    }
}
