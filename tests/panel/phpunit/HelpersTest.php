<?php
// SPDX-License-Identifier: MIT
// Unit tests of the panel's helpers: escaping, CSRF tokens, flash messages, configuration, the propagation line, ApiError, key scopes.

declare(strict_types=1);

use EndpointDNS\Panel\ApiError;
use PHPUnit\Framework\TestCase;

use function EndpointDNS\Panel\{config, csrf_field, csrf_rotate, csrf_token, csrf_valid, flash, h, is_https, key_custom_scope, key_scope_summary, key_status, key_template_scope, key_templates, propagation_text, record_types, render, short_time, take_flashes};

final class HelpersTest extends TestCase
{
    protected function setUp(): void
    {
        $_SESSION = [];
    }

    public function testEscapesMarkupAndBothQuotes(): void
    {
        $this->assertSame('&lt;script&gt;alert(1)&lt;/script&gt;', h('<script>alert(1)</script>'));
        $this->assertSame('&quot;v=spf1 -all&quot;', h('"v=spf1 -all"'));
        $this->assertSame('a&apos;b &amp; c', h("a'b & c"));
        $this->assertSame('42', h(42));
        $this->assertSame('', h(null));
    }

    public function testInvalidUtf8IsReplacedNotDropped(): void
    {
        // ENT_SUBSTITUTE: an invalid sequence becomes U+FFFD instead of emptying the string.
        $this->assertSame("a\u{FFFD}b", h("a\xC3b"));
    }

    public function testCsrfTokenIsStablePerSessionAndRandom(): void
    {
        $t = csrf_token();
        $this->assertMatchesRegularExpression('/^[0-9a-f]{64}$/', $t);
        $this->assertSame($t, csrf_token());
        $_SESSION = [];
        $this->assertNotSame($t, csrf_token());
    }

    public function testCsrfCheckAcceptsOnlyTheSessionsToken(): void
    {
        $t = csrf_token();
        $this->assertTrue(csrf_valid($t));
        $this->assertFalse(csrf_valid(null));
        $this->assertFalse(csrf_valid(''));
        $this->assertFalse(csrf_valid(['x' => $t]));
        $this->assertFalse(csrf_valid(strtoupper($t)));
        $this->assertFalse(csrf_valid(substr($t, 0, 63)));
        $this->assertFalse(csrf_valid($t . '0'));
    }

    public function testCsrfCheckFailsWithoutASessionToken(): void
    {
        // No token made yet (a forged POST with an empty value, or a guessed one).
        $this->assertFalse(csrf_valid(''));
        $this->assertFalse(csrf_valid(str_repeat('0', 64)));
    }

    public function testRotatedCsrfTokenRefusesTheOldOne(): void
    {
        $old = csrf_token();
        $new = csrf_rotate();
        $this->assertNotSame($old, $new);
        $this->assertFalse(csrf_valid($old));
        $this->assertTrue(csrf_valid($new));
    }

    public function testCsrfFieldIsAHiddenInputWithTheToken(): void
    {
        $this->assertSame('<input type="hidden" name="csrf" value="' . csrf_token() . '">', csrf_field());
    }

    public function testFlashMessagesAreShownOnce(): void
    {
        flash('ok', 'saved');
        flash('error', 'refused');
        $this->assertSame([['kind' => 'ok', 'message' => 'saved'], ['kind' => 'error', 'message' => 'refused']], take_flashes());
        $this->assertSame([], take_flashes());
    }

    public function testHttpsDetection(): void
    {
        $this->assertFalse(is_https([]));
        $this->assertFalse(is_https(['HTTPS' => 'off']));
        $this->assertTrue(is_https(['HTTPS' => 'on']));
        $this->assertTrue(is_https(['HTTP_X_FORWARDED_PROTO' => 'https']));
    }

    public function testConfigFromFileAndEnvironment(): void
    {
        $file = tempnam(sys_get_temp_dir(), 'panelconf');
        file_put_contents($file, "<?php return ['api_url' => 'http://192.0.2.1:8080', 'api_timeout' => 5, 'unknown' => 1];");
        $saved = getenv('ENDPOINTDNS_API_URL');
        try {
            putenv('ENDPOINTDNS_API_URL');
            $c = config($file);
            $this->assertSame('http://192.0.2.1:8080', $c['api_url']);
            $this->assertSame(5.0, $c['api_timeout']);
            $this->assertArrayNotHasKey('unknown', $c);
            putenv('ENDPOINTDNS_API_URL=http://127.0.0.1:9');
            $this->assertSame('http://127.0.0.1:9', config($file)['api_url']);
            putenv('ENDPOINTDNS_API_URL');
            $this->assertSame('http://127.0.0.1:8080', config('/nonexistent/config.php')['api_url']);
        } finally {
            unlink($file);
            putenv($saved === false ? 'ENDPOINTDNS_API_URL' : "ENDPOINTDNS_API_URL=$saved");
        }
    }

    public function testPropagationText(): void
    {
        $this->assertSame('1 of 2 name servers updated', propagation_text(['servers_insync' => 1, 'servers_total' => 2]));
        $this->assertSame('1 of 1 name server updated', propagation_text(['servers_insync' => 1, 'servers_total' => 1]));
        $this->assertSame('no name servers registered: nothing to update', propagation_text(['servers_total' => 0]));
    }

    public function testProblemFieldErrorsByFormField(): void
    {
        $e = new ApiError(422, [
            'type' => 'https://endpointdns.dev/problems/validation',
            'detail' => 'the request has invalid items; nothing was changed',
            'errors' => [
                ['item' => 0, 'field' => 'add[1]', 'detail' => 'not an IPv4 address'],
                ['item' => 0, 'field' => 'ttl', 'detail' => 'at least 60 seconds'],
                ['detail' => 'no field'],
                ['line' => 3, 'detail' => 'bad zone line'],
            ],
        ]);
        $this->assertSame('validation', $e->slug());
        $this->assertSame(422, $e->status);
        $this->assertSame('the request has invalid items; nothing was changed', $e->getMessage());
        $this->assertSame([
            'records' => ['not an IPv4 address'],
            'ttl' => ['at least 60 seconds'],
            '' => ['no field', 'line 3: bad zone line'],
        ], $e->fieldErrors(['add' => 'records']));
    }

    public function testProblemFieldErrorsNameTheEntrySent(): void
    {
        $e = new ApiError(422, ['errors' => [
            ['field' => 'names[1]', 'detail' => 'at most two \'*\' in a pattern'],
            ['field' => 'names[5]', 'detail' => 'no such entry sent'],
            ['field' => 'names', 'detail' => 'a list of at most 10 strings'],
            ['field' => 'domains[0]', 'detail' => 'not a domain name: localhost'],
        ]]);
        $this->assertSame([
            'names' => ['a***.test: at most two \'*\' in a pattern', 'no such entry sent', 'a list of at most 10 strings'],
            'domains' => ['not a domain name: localhost'],
        ], $e->fieldErrors([], ['names' => ['www.test', 'a***.test']]));
        // Without $sent, as before: the index dropped, nothing added.
        $this->assertSame(['at most two \'*\' in a pattern', 'no such entry sent', 'a list of at most 10 strings'], $e->fieldErrors()['names']);
    }

    public function testRetryAfterFromBodyOrHeader(): void
    {
        $this->assertSame(900, (new ApiError(429, ['retry_after' => 900], 5))->retryAfter());
        $this->assertSame(5, (new ApiError(429, [], 5))->retryAfter());
        $this->assertNull((new ApiError(429, []))->retryAfter());
    }

    public function testKeyTemplatesAreTheScopesOfTheDocs(): void
    {
        $this->assertSame(['full', 'read', 'acme', 'custom'], array_keys(key_templates()));
        $this->assertSame(['write' => true, 'domains' => [], 'names' => [], 'types' => []], key_template_scope('full'));
        $this->assertSame(['write' => false, 'domains' => [], 'names' => [], 'types' => []], key_template_scope('read'));
        $this->assertSame(['write' => true, 'domains' => ['example.com'], 'names' => ['_acme-challenge.*'], 'types' => ['TXT']],
            key_template_scope('acme', 'example.com'));
        $this->assertNull(key_template_scope('root'));
        // The custom scope is the form's, not the template's.
        $this->assertNull(key_template_scope('custom'));
    }

    public function testCustomScopeFromTheFormTrimsAndDropsEmptyLinesAndRepeats(): void
    {
        $r = key_custom_scope([
            'write' => '1',
            'domains' => [' Example.COM. ', 'example.com', '', 'b.test'],
            'names' => "\r\n  www.example.com  \r\n\r\n\tWWW.Example.com.\n_acme-challenge.*\n   \n*.dev.example.com",
            'types' => ['a', ' AAAA ', 'A', ''],
        ]);
        $this->assertSame([], $r['errors']);
        $this->assertSame([
            'write' => true,
            'domains' => ['example.com', 'b.test'],
            // As written (dnsapid lower-cases them), one of each, in the order given.
            'names' => ['www.example.com', '_acme-challenge.*', '*.dev.example.com'],
            'types' => ['A', 'AAAA'],
        ], $r['scope']);
    }

    public function testCustomScopeWithNothingSetIsReadOnlyAndUnlimited(): void
    {
        // Nothing ticked: no domains, types keys at all in the POST (unticked boxes send nothing).
        $r = key_custom_scope(['write' => '0', 'names' => "\n \n"]);
        $this->assertSame([], $r['errors']);
        $this->assertSame(['write' => false, 'domains' => [], 'names' => [], 'types' => []], $r['scope']);
        $this->assertSame('read only · every domain, name and type', key_scope_summary($r['scope']));
    }

    public function testCustomScopeRefusesWhatNoFormSends(): void
    {
        // Validity of a domain, pattern or type is dnsapid's to say: these reach it as written.
        $r = key_custom_scope(['write' => '1', 'domains' => ['localhost'], 'names' => 'www', 'types' => ['NOPE']]);
        $this->assertSame([], $r['errors']);
        $this->assertSame(['localhost'], $r['scope']['domains']);
        $this->assertSame(['www'], $r['scope']['names']);
        $this->assertSame(['NOPE'], $r['scope']['types']);
        // A form's answer it cannot be: an error under the field's name, nothing taken from it.
        $r = key_custom_scope(['domains' => 'example.com', 'names' => ['www.*'], 'types' => [['A']]]);
        $this->assertEqualsCanonicalizing(['write', 'domains', 'names', 'types'], array_keys($r['errors']));
        $this->assertSame(['write' => false, 'domains' => [], 'names' => [], 'types' => []], $r['scope']);
        $this->assertArrayHasKey('write', key_custom_scope(['write' => 'yes'])['errors']);
        // Not UTF-8: JSON cannot carry it to dnsapid.
        $r = key_custom_scope(['write' => '0', 'names' => "www.\xC3.test", 'domains' => ["\xFF.test"]]);
        $this->assertEqualsCanonicalizing(['names', 'domains'], array_keys($r['errors']));
    }

    public function testRecordTypesAreOffered(): void
    {
        $this->assertSame(['A', 'AAAA', 'CNAME', 'MX', 'TXT'], array_slice(record_types(), 0, 5));
        $this->assertSame(array_values(array_unique(record_types())), record_types());
    }

    public function testKeyScopeSummaryStatusAndTimes(): void
    {
        $this->assertSame('read-write · every domain, name and type', key_scope_summary(['write' => true, 'domains' => [], 'names' => [], 'types' => []]));
        $this->assertSame('read only · every domain, name and type', key_scope_summary(['write' => false]));
        $this->assertSame('read-write · domains: example.com · names: _acme-challenge.* · types: TXT',
            key_scope_summary(key_template_scope('acme', 'example.com')));
        // What a custom scope does not limit is said, in the order domains, names, types.
        $this->assertSame('read only · every domain and name · types: A, AAAA', key_scope_summary(['types' => ['A', 'AAAA']]));
        $this->assertSame('read-write · domains: a.test, b.test · every name · types: A, AAAA',
            key_scope_summary(['write' => true, 'domains' => ['a.test', 'b.test'], 'names' => [], 'types' => ['A', 'AAAA']]));
        $this->assertSame('read-write · domains: a.test · every name and type', key_scope_summary(['write' => true, 'domains' => ['a.test']]));
        $this->assertSame('read only · every domain · names: www.*, *.dev.a.test · every type',
            key_scope_summary(['write' => false, 'names' => ['www.*', '*.dev.a.test']]));

        $now = strtotime('2026-11-26T12:00:00Z');
        $this->assertSame('active', key_status(['revoked_at' => null, 'expires_at' => null], $now));
        $this->assertSame('active', key_status(['expires_at' => '2026-11-26T12:00:01Z'], $now));
        $this->assertSame('expired', key_status(['expires_at' => '2026-11-26T12:00:00Z'], $now));
        $this->assertSame('revoked', key_status(['revoked_at' => '2026-11-26T11:00:00Z', 'expires_at' => '2026-11-26T10:00:00Z'], $now));

        $this->assertSame('2026-11-26 06:52 UTC', short_time('2026-11-26T06:52:22Z'));
        $this->assertSame('2026-11-26 06:52 UTC', short_time('2026-11-26T06:52:48.312Z'));
        $this->assertSame('never', short_time(null, 'never'));
        $this->assertSame('—', short_time(''));
    }

    public function testKeysPageEscapesNamesAndShowsTheSecretOnce(): void
    {
        $evil = '<script>alert(1)</script>';
        $key = ['id' => 7, 'name' => $evil, 'prefix' => 'edk_abcdefghij', 'write' => true, 'domains' => ['a.test'],
            'names' => ['_acme-challenge.*'], 'types' => ['TXT'], 'expires_at' => null, 'last_used_at' => null,
            'created_at' => '2026-11-26T06:52:22Z', 'revoked_at' => null];
        $vars = ['title' => 'API keys', 'keys' => [$key], 'domains' => [['name' => 'a.test']], 'errors' => ['domain' => [$evil]],
            'form' => ['template' => 'acme', 'domain' => $evil, 'name' => $evil, 'expires' => $evil], 'created' => null,
            'user' => ['email' => 'dev@example.test'], 'accountName' => 'dev', 'flashes' => []];
        $html = render('keys', $vars);
        $this->assertStringNotContainsString('<script>alert', $html);
        $this->assertStringContainsString('&lt;script&gt;alert(1)&lt;/script&gt;', $html);
        $this->assertStringContainsString('id="tpl-acme" value="acme" checked', $html);
        $this->assertStringContainsString('aria-label="Revoke &lt;script&gt;', $html);
        $this->assertStringNotContainsString('id="key-secret"', $html);

        $html = render('keys', ['created' => $key + ['secret' => 'edk_abcdefghij' . str_repeat('a', 32)]] + $vars);
        $this->assertStringContainsString('id="key-secret" class="secret" tabindex="0" aria-label="The key\'s secret">edk_abcdefghij' . str_repeat('a', 32) . '<', $html);
        $this->assertStringContainsString('shown only this once', $html);
        $this->assertStringNotContainsString('<script>alert', $html);
    }

    public function testKeysPageKeepsTheCustomScopeAndShowsItsErrorsByItsFields(): void
    {
        $evil = '<script>alert(1)</script>';
        $vars = ['title' => 'API keys', 'keys' => [], 'domains' => [['name' => 'a.test'], ['name' => 'b.test']],
            'errors' => ['names' => ["www: patterns match whole names $evil"], 'types' => ['unknown record type: NOPE']],
            'form' => ['template' => 'custom', 'domain' => '', 'name' => 'deploy', 'expires' => '',
                'write' => '1', 'domains' => ['b.test', "c$evil.test"], 'names' => "www\n$evil", 'types' => ['AAAA', 'NOPE']],
            'created' => null, 'user' => ['email' => 'dev@example.test'], 'accountName' => 'dev', 'flashes' => []];
        $html = render('keys', $vars);
        $this->assertStringNotContainsString('<script>alert', $html);
        $this->assertStringContainsString('id="tpl-custom" value="custom" checked', $html);
        $this->assertStringContainsString('id="key-write-1" value="1" checked', $html);
        $this->assertStringContainsString('id="key-write-0" value="0">', $html);
        // The account's domains, then what the form sent besides; ticked as sent.
        $this->assertStringContainsString('id="key-domains-0" value="a.test">', $html);
        $this->assertStringContainsString('id="key-domains-1" value="b.test" checked', $html);
        $this->assertStringContainsString('value="c&lt;script&gt;alert(1)&lt;/script&gt;.test" checked', $html);
        $this->assertMatchesRegularExpression('/value="AAAA" checked/', $html);
        $this->assertMatchesRegularExpression('/value="NOPE" checked>\s*<label for="key-types-\d+">NOPE</', $html);
        $this->assertStringContainsString('value="A">', $html);
        // The text area as written; its error after it, named by aria-describedby with the hint.
        $this->assertStringContainsString('aria-invalid="true" aria-describedby="hint-key-names err-key-names">www' . "\n" . '&lt;script&gt;', $html);
        $this->assertMatchesRegularExpression('/<ul class="field-errors" id="err-key-names">\s*<li>www: patterns match whole names &lt;script&gt;/', $html);
        // A group's error inside its fieldset, which names it; a group without an error only its hint.
        $this->assertMatchesRegularExpression('#<fieldset class="choices" aria-invalid="true" aria-describedby="hint-key-types err-key-types">\s*<legend>Record types</legend>#', $html);
        $this->assertStringContainsString('<fieldset class="choices" aria-describedby="hint-key-domains">', $html);
        $this->assertStringContainsString('<fieldset id="custom-scope" class="custom-scope" data-template-only="custom">', $html);
        $this->assertStringContainsString('<legend>What may the key do?</legend>', $html);

        // The page without the custom fields in its form (another template): read, nothing ticked.
        unset($vars['form']['write'], $vars['form']['domains'], $vars['form']['names'], $vars['form']['types']);
        $html = render('keys', ['form' => ['template' => 'full'] + $vars['form'], 'errors' => []] + $vars);
        $this->assertStringContainsString('id="key-write-0" value="0" checked', $html);
        $this->assertStringNotContainsString('" checked>' . "\n" . '          <label for="key-types', $html);
        $this->assertStringNotContainsString('aria-invalid', $html);
    }
}
