<?php
// SPDX-License-Identifier: MIT
// Unit tests of the history pages' helpers: record diffs of a change and of a restore, who made a change, and the pages' HTML (escaping, the restore form).

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

use function EndpointDNS\Panel\{actor_text, diff_counts, long_time, record_diff, records_text, render, restore_diff, restore_summary_text};

final class HistoryTest extends TestCase
{
    protected function setUp(): void
    {
        $_SESSION = [];
    }

    private static function rr(string $name, string $type, int $ttl, array $records, array $extra = []): array
    {
        $sub = $name === 'a.test.' ? '@' : substr($name, 0, -strlen('.a.test.'));
        return ['name' => $name, 'subname' => $sub, 'type' => $type, 'ttl' => $ttl, 'records' => $records] + $extra;
    }

    /** @return list<string> the diff as lines "OP SUBNAME TYPE TTL RECORD" */
    private static function lines(array $diff): array
    {
        $out = [];
        foreach ($diff as $g) {
            foreach ($g['lines'] as $l) {
                $out[] = "{$l['op']} {$g['subname']} {$g['type']} {$l['ttl']} {$l['record']}";
            }
        }
        return $out;
    }

    public function testDiffOfAChangeGroupsPerRRsetWithTheUnchangedRecords(): void
    {
        $removed = [self::rr('www.a.test.', 'A', 300, ['192.0.2.1'])];
        $added = [self::rr('www.a.test.', 'A', 300, ['192.0.2.3']), self::rr('a.test.', 'MX', 3600, ['10 mail.a.test.'])];
        $after = [
            self::rr('a.test.', 'SOA', 3600, ['ns1. hostmaster. 4 7200 3600 1209600 300'], ['managed' => true]),
            self::rr('a.test.', 'NS', 3600, ['ns1.endpointdns.test.']),
            self::rr('a.test.', 'MX', 3600, ['10 mail.a.test.']),
            self::rr('www.a.test.', 'A', 300, ['192.0.2.2', '192.0.2.3']),
        ];
        $diff = record_diff($removed, $added, $after);
        // The RRsets in the order of the RRset list (owner name as text, then type); in each, removed, added, unchanged.
        $this->assertSame(['a.test. MX', 'www.a.test. A'], array_map(fn ($g) => $g['name'] . ' ' . $g['type'], $diff));
        $this->assertSame([
            '+ @ MX 3600 10 mail.a.test.',
            '- www A 300 192.0.2.1',
            '+ www A 300 192.0.2.3',
            '  www A 300 192.0.2.2',
        ], self::lines($diff));
        $this->assertSame([1, 2], diff_counts($diff));
    }

    public function testDiffOfATtlChangeRemovesAndAddsEveryRecord(): void
    {
        $diff = record_diff(
            [self::rr('www.a.test.', 'A', 300, ['192.0.2.1', '192.0.2.2'])],
            [self::rr('www.a.test.', 'A', 600, ['192.0.2.1', '192.0.2.2'])],
            [self::rr('www.a.test.', 'A', 600, ['192.0.2.1', '192.0.2.2'])],
        );
        $this->assertSame([
            '- www A 300 192.0.2.1',
            '- www A 300 192.0.2.2',
            '+ www A 600 192.0.2.1',
            '+ www A 600 192.0.2.2',
        ], self::lines($diff));
        $this->assertSame([], record_diff([], [], [self::rr('www.a.test.', 'A', 300, ['192.0.2.1'])]));
    }

    public function testRestoreDiffGoesFromNowToThenWithoutTheSoaAndKeepsTheApexNs(): void
    {
        $soaNow = self::rr('a.test.', 'SOA', 3600, ['ns1. hostmaster. 9 7200 3600 1209600 300'], ['managed' => true]);
        $soaThen = self::rr('a.test.', 'SOA', 3600, ['ns1. hostmaster. 3 7200 3600 1209600 300'], ['managed' => true]);
        $now = [
            $soaNow,
            self::rr('a.test.', 'NS', 3600, ['ns1.endpointdns.test.']),
            self::rr('nojs.a.test.', 'AAAA', 3600, ['2001:db8::1']),
            self::rr('www.a.test.', 'A', 300, ['192.0.2.10', '192.0.2.11']),
        ];
        $then = [
            $soaThen,
            self::rr('www.a.test.', 'A', 300, ['192.0.2.11', '192.0.2.10']),
            self::rr('xss.a.test.', 'TXT', 3600, ['"<script>alert(1)</script>"']),
        ];
        $diff = restore_diff($now, $then, 'a.test');
        $this->assertSame([
            '- nojs AAAA 3600 2001:db8::1',
            '+ xss TXT 3600 "<script>alert(1)</script>"',
        ], self::lines($diff));
        $this->assertSame([], restore_diff($now, $now, 'a.test.'));
        // An apex NS RRset the version holds differently is replaced.
        $this->assertSame([
            '- @ NS 3600 ns1.endpointdns.test.',
            '+ @ NS 3600 ns2.endpointdns.test.',
        ], self::lines(restore_diff([self::rr('a.test.', 'NS', 3600, ['ns1.endpointdns.test.'])],
            [self::rr('a.test.', 'NS', 3600, ['ns2.endpointdns.test.'])], 'a.test')));
    }

    public function testWhoMadeAChangeInWords(): void
    {
        $names = ['edk_abcdefghij' => 'certbot'];
        $this->assertSame('key certbot (edk_abcdefghij)', actor_text('edk_abcdefghij', $names));
        $this->assertSame('key edk_zzzzzzzzzz', actor_text('edk_zzzzzzzzzz', $names));
        $this->assertSame('you, in this session (eds_abcdefghij)', actor_text('eds_abcdefghij', [], 'eds_abcdefghij'));
        $this->assertSame('a session (eds_abcdefghij)', actor_text('eds_abcdefghij', [], 'eds_0000000000'));
        $this->assertSame('the operator (admin)', actor_text('admin'));
        $this->assertSame('unknown', actor_text(''));
    }

    public function testRestoreSummaryAndTimes(): void
    {
        $this->assertSame('RRsets: 1 created, 2 changed, 0 deleted', restore_summary_text(['create' => 1, 'update' => 2, 'delete' => 0]));
        $this->assertSame('no RRset changed', restore_summary_text(['create' => 0, 'update' => 0, 'delete' => 0]));
        $this->assertSame('2026-11-26 10:14:38 UTC', long_time('2026-11-26T10:14:38.986Z'));
        $this->assertSame('—', long_time(null));
        $this->assertSame('1 record', records_text(1));
        $this->assertSame('0 records', records_text(0));
    }

    private static function versionVars(array $over = []): array
    {
        $evil = '"<script>alert(1)</script>"';
        $then = [
            self::rr('a.test.', 'SOA', 3600, ['ns1. hostmaster. 3 7200 3600 1209600 300'], ['managed' => true]),
            self::rr('xss.a.test.', 'TXT', 3600, [$evil]),
        ];
        $diff = record_diff([], [self::rr('xss.a.test.', 'TXT', 3600, [$evil])], $then);
        return $over + [
            'title' => 'Version 3 of a.test',
            'domain' => ['name' => 'a.test', 'serial' => 5],
            'version' => ['serial' => 3, 'summary' => 'PATCH <b>xss</b>', 'actor' => 'eds_abcdefghij', 'remote' => '127.0.0.1',
                'created_at' => '2026-11-26T10:14:38.986Z', 'added' => 1, 'removed' => 0],
            'serial' => 3,
            'current' => false,
            'ifMatch' => 5,
            'diff' => $diff,
            'then' => $then,
            'preview' => restore_diff([], $then, 'a.test'),
            'keyNames' => [],
            'ownPrefix' => 'eds_abcdefghij',
            'restoreError' => null,
            'user' => ['email' => 'dev@example.test'], 'accountName' => 'dev', 'flashes' => [],
        ];
    }

    public function testVersionPageEscapesRecordsAndCarriesTheRestoreForm(): void
    {
        $html = render('version', self::versionVars());
        $this->assertStringNotContainsString('<script>alert', $html);
        $this->assertStringNotContainsString('<b>xss', $html);
        $this->assertStringContainsString('&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;', $html);
        $this->assertMatchesRegularExpression('#<tr class="added">\s*<td class="mark"><span class="sign" aria-hidden="true">\+</span> added</td>#', $html);
        $this->assertStringContainsString('action="/domains/a.test/history/3/restore" class="row restore" id="restore"', $html);
        $this->assertStringContainsString('data-confirm="Restore a.test to version 3? 0 records removed and 1 record added', $html);
        $this->assertStringContainsString('<input type="hidden" name="if_match" value="5">', $html);
        $this->assertStringContainsString('name="csrf"', $html);
        $this->assertStringContainsString('you, in this session (eds_abcdefghij)', $html);
        $this->assertStringNotContainsString('id="restore-error"', $html);

        // The zone as it is now: nothing to restore, no form; a refused restore: its message.
        $html = render('version', self::versionVars(['current' => true, 'preview' => [], 'serial' => 5,
            'restoreError' => ['message' => 'Nothing was restored: <x>', 'errors' => ['www A: too low']]]));
        $this->assertStringContainsString('id="is-current"', $html);
        $this->assertStringNotContainsString('id="restore"', $html);
        $this->assertStringContainsString('Nothing was restored: &lt;x&gt;', $html);
        $this->assertStringContainsString('<li>www A: too low</li>', $html);
    }

    public function testRestoreQuestionAndHistoryPages(): void
    {
        $html = render('version_restore', self::versionVars(['title' => 'Restore a.test to version 3?']));
        $this->assertStringContainsString('<h1>Restore a.test to version 3?</h1>', $html);
        $this->assertStringContainsString('<input type="hidden" name="confirm" value="yes">', $html);
        $this->assertStringContainsString('<input type="hidden" name="if_match" value="5">', $html);
        $this->assertStringNotContainsString('<script>alert', $html);

        $html = render('history', [
            'title' => 'History of a.test', 'domain' => ['name' => 'a.test', 'serial' => 2],
            'versions' => [
                ['serial' => 2, 'summary' => 'PUT <i>www</i> A', 'actor' => 'edk_abcdefghij', 'remote' => '192.0.2.7:4000',
                    'created_at' => '2026-11-26T10:14:38.986Z', 'added' => 2, 'removed' => 1],
            ],
            'next' => '2', 'cursor' => null, 'limit' => 1, 'keyNames' => ['edk_abcdefghij' => '<b>ci</b>'], 'ownPrefix' => null,
            'user' => ['email' => 'dev@example.test'], 'accountName' => 'dev', 'flashes' => [],
        ]);
        $this->assertStringContainsString('<a href="/domains/a.test/history/2" aria-label="Version 2: PUT &lt;i&gt;www&lt;/i&gt; A">2</a>', $html);
        $this->assertStringContainsString('<span class="tag">now</span>', $html);
        $this->assertStringContainsString('key &lt;b&gt;ci&lt;/b&gt; (edk_abcdefghij)', $html);
        $this->assertStringContainsString('from 192.0.2.7:4000', $html);
        $this->assertStringContainsString('href="/domains/a.test/history?cursor=2&amp;limit=1" id="older"', $html);
        $this->assertStringNotContainsString('id="newest"', $html);
    }
}
