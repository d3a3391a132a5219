<?php
// SPDX-License-Identifier: MIT
// Tests of the panel's API client against a real dnsapid (started by tests/bats/panel/010-phpunit.bats): sessions, domains, RRsets, changes, keys, problems.

declare(strict_types=1);

use EndpointDNS\Panel\Api;

use function EndpointDNS\Panel\{key_custom_scope, key_scope_summary};

final class ApiTest extends ApiTestCase
{
    public function testSignupOpensASession(): void
    {
        $api = new Api(self::url());
        $this->assertTrue($api->signupOpen());
        [$api, $email, $s] = self::newUser('signup');
        $this->assertStringStartsWith('eds_', $s['token']);
        $this->assertSame($s['token'], $api->token());
        $this->assertSame($email, $s['user']['email']);
        $cur = $api->currentSession();
        $this->assertSame($email, $cur['user']['email']);
        $this->assertArrayNotHasKey('token', $cur);
    }

    public function testSignupValidationErrorsByField(): void
    {
        $e = self::caught(fn () => (new Api(self::url()))->signup('dev@example', 'short'));
        $this->assertSame(422, $e->status);
        $this->assertSame('validation', $e->slug());
        $f = $e->fieldErrors();
        $this->assertArrayHasKey('email', $f);
        $this->assertArrayHasKey('password', $f);
        $this->assertStringContainsString('10 characters', $f['password'][0]);
    }

    public function testSignupOfAUsedEmailIsAConflictOnTheEmailField(): void
    {
        [, $email] = self::newUser('twice');
        $e = self::caught(fn () => (new Api(self::url()))->signup($email, self::PASSWORD));
        $this->assertSame(409, $e->status);
        $this->assertSame('exists', $e->slug());
        $this->assertSame(['already used'], $e->fieldErrors()['email']);
    }

    public function testLoginLogoutAndTheEndedToken(): void
    {
        [, $email] = self::newUser('login');
        $api = new Api(self::url());
        $e = self::caught(fn () => $api->login($email, 'wrong horse battery'));
        $this->assertSame(401, $e->status);
        $this->assertSame('login-failed', $e->slug());
        $s = $api->login(strtoupper($email), self::PASSWORD);
        $this->assertStringStartsWith('eds_', $s['token']);
        $this->assertSame($email, $api->currentSession()['user']['email']);
        $old = $api->token();
        $api->logout();
        $this->assertNull($api->token());
        $e = self::caught(fn () => (new Api(self::url(), $old))->account());
        $this->assertSame(401, $e->status);
        $this->assertSame('unauthorized', $e->slug());
    }

    public function testFailedLoginsAreLimitedWithTheWait(): void
    {
        [, $email] = self::newUser('limited');
        // The client address the panel passes on: this test's own, so no other test counts.
        $api = new Api(self::url(), null, 30, '198.51.100.7');
        for ($i = 0; $i < 3; $i++) {
            $this->assertSame(401, self::caught(fn () => $api->login($email, 'wrong horse battery'))->status);
        }
        $e = self::caught(fn () => $api->login($email, self::PASSWORD));
        $this->assertSame(429, $e->status);
        $this->assertSame('rate-limited', $e->slug());
        $this->assertGreaterThan(0, $e->retryAfter());
        $this->assertLessThanOrEqual(60, $e->retryAfter());
    }

    public function testDomainsRRsetsAndChanges(): void
    {
        [$api] = self::newUser('zones');
        $zone = 'zones-' . bin2hex(random_bytes(4)) . '.test';
        $d = $api->createDomain($zone);
        $this->assertSame($zone, $d['name']);
        $this->assertIsInt($d['change']['id']);
        $names = array_column($api->domains(), 'records', 'name');
        $this->assertSame([$zone => 2], $names);

        $r = $api->addRecords($zone, 'www', 'A', 300, ['192.0.2.10', '192.0.2.11']);
        $this->assertSame('www.' . $zone . '.', $r['rrsets'][0]['name']);
        $this->assertSame(300, $r['rrsets'][0]['ttl']);
        $c = $api->change($r['change']['id'], 2);
        $this->assertSame($r['change']['id'], $c['id']);
        $this->assertSame('insync', $c['status']);
        $this->assertSame(0, $c['servers_total']);

        // Adding leaves the other records alone; the same record again is a no-op.
        $r = $api->addRecords($zone, 'www', 'A', null, ['192.0.2.12']);
        $this->assertSame(['192.0.2.10', '192.0.2.11', '192.0.2.12'], $r['rrsets'][0]['records']);
        $this->assertNull($api->addRecords($zone, 'www', 'A', null, ['192.0.2.12'])['change']);

        $rrsets = $api->rrsets($zone);
        $this->assertSame('SOA', $rrsets[0]['type']);
        $this->assertTrue($rrsets[0]['managed']);
        $this->assertContains('www.' . $zone . '. A', array_map(fn ($x) => $x['name'] . ' ' . $x['type'], $rrsets));
        $this->assertCount(1, $api->rrsets($zone, ['type' => 'A']));

        $r = $api->deleteRRset($zone, 'www.' . $zone . '.', 'A');
        $this->assertNull($r['rrset']);
        $this->assertIsInt($r['change']['id']);
        $this->assertSame(404, self::caught(fn () => $api->deleteRRset($zone, 'www', 'A'))->status);
        $this->assertSame(2, $api->domain($zone)['records']);
    }

    public function testRecordErrorsComeBackPerField(): void
    {
        [$api] = self::newUser('errors');
        $zone = 'errors-' . bin2hex(random_bytes(4)) . '.test';
        $api->createDomain($zone);
        $e = self::caught(fn () => $api->addRecords($zone, 'www', 'A', 300, ['192.0.2.1', '192.0.2.300']));
        $this->assertSame(422, $e->status);
        $f = $e->fieldErrors(['add' => 'records']);
        $this->assertArrayHasKey('records', $f);
        $this->assertStringContainsString('not an IPv4 address', $f['records'][0]);

        $e = self::caught(fn () => $api->addRecords($zone, 'www', 'A', 5, ['192.0.2.1']));
        $this->assertStringContainsString('at least 60 seconds', $e->fieldErrors()['ttl'][0]);

        $e = self::caught(fn () => $api->addRecords($zone, 'www', 'SOA', null, ['x']));
        $this->assertArrayHasKey('type', $e->fieldErrors());

        $e = self::caught(fn () => $api->addRecords($zone, 'www.example.org.', 'A', null, ['192.0.2.1']));
        $this->assertSame(422, $e->status);
        $this->assertArrayHasKey('name', $e->fieldErrors());
    }

    public function testOneAccountCannotReachAnothersDomain(): void
    {
        [$alice] = self::newUser('alice');
        [$bob] = self::newUser('bob');
        $zone = 'alice-' . bin2hex(random_bytes(4)) . '.test';
        $alice->createDomain($zone);
        $this->assertSame(404, self::caught(fn () => $bob->domain($zone))->status);
        $this->assertSame(404, self::caught(fn () => $bob->rrsets($zone))->status);
        $this->assertSame(404, self::caught(fn () => $bob->addRecords($zone, 'x', 'A', null, ['192.0.2.1']))->status);
        $this->assertSame(404, self::caught(fn () => $bob->deleteRRset($zone, '@', 'NS'))->status);
        $this->assertSame([], $bob->domains());
    }

    public function testAccountShowsPlanLimitsAndUsage(): void
    {
        [$api] = self::newUser('usage');
        $api->createDomain('usage-' . bin2hex(random_bytes(4)) . '.test');
        $a = $api->account();
        $this->assertSame('starter', $a['plan']['plan']);
        $limits = array_column($a['usage']['limits'], null, 'limit');
        $this->assertSame(1, $limits['domains']['used']);
        $this->assertSame(3, $limits['domains']['limit_value']);
        $this->assertGreaterThan(0, $a['usage']['calls_today']);
    }

    public function testPlanLimitIsAProblemWithTheDetail(): void
    {
        [$api] = self::newUser('plan');
        for ($i = 0; $i < 3; $i++) {
            $api->createDomain("plan$i-" . bin2hex(random_bytes(4)) . '.test');
        }
        $e = self::caught(fn () => $api->createDomain('plan3-' . bin2hex(random_bytes(4)) . '.test'));
        $this->assertSame(403, $e->status);
        $this->assertSame('plan-limit', $e->slug());
        $this->assertStringContainsString('3 domains', $e->getMessage());
    }

    public function testKeysCreateListUseAndRevoke(): void
    {
        [$api] = self::newUser('keys');
        $zone = 'keys-' . bin2hex(random_bytes(4)) . '.test';
        $api->createDomain($zone);
        $before = count($api->keys());

        $scope = ['write' => true, 'domains' => [$zone], 'names' => ['_acme-challenge.*'], 'types' => ['TXT']];
        $k = $api->createKey($scope, 'certbot', 7 * 86400, self::PASSWORD);
        $this->assertMatchesRegularExpression('/^edk_[a-z2-7]{42}$/', $k['secret']);
        $this->assertSame(substr($k['secret'], 0, 14), $k['prefix']);
        $this->assertSame('certbot', $k['name']);
        $this->assertSame([$zone], $k['domains']);
        $this->assertSame(['_acme-challenge.*'], $k['names']);
        $this->assertSame(['TXT'], $k['types']);
        $this->assertTrue($k['write']);
        $this->assertEqualsWithDelta(time() + 7 * 86400, strtotime($k['expires_at']), 120);
        $this->assertNull($k['revoked_at']);

        // Listed and shown without the secret.
        $keys = array_column($api->keys(), null, 'id');
        $this->assertCount($before + 1, $keys);
        $this->assertArrayNotHasKey('secret', $keys[$k['id']]);
        $this->assertSame($k['prefix'], $keys[$k['id']]['prefix']);
        $one = $api->key($k['id']);
        $this->assertSame('certbot', $one['name']);
        $this->assertArrayNotHasKey('secret', $one);

        // The key itself: its TXT record yes, an A record no, another domain's route 404.
        $acme = new Api(self::url(), $k['secret']);
        $r = $acme->addRecords($zone, '_acme-challenge', 'TXT', 60, ['"token-1"']);
        $this->assertSame('_acme-challenge.' . $zone . '.', $r['rrsets'][0]['name']);
        $e = self::caught(fn () => $acme->addRecords($zone, 'www', 'A', null, ['192.0.2.1']));
        $this->assertSame(403, $e->status);
        $this->assertSame('forbidden', $e->slug());
        $this->assertSame(403, self::caught(fn () => $acme->keys())->status);

        $api->revokeKey($k['id']);
        $this->assertIsString($api->key($k['id'])['revoked_at']);
        $this->assertSame(401, self::caught(fn () => $acme->addRecords($zone, '_acme-challenge', 'TXT', 60, ['"token-2"']))->status);
        // Revoking again changes nothing; another account's key, or none, is 404.
        $api->revokeKey($k['id']);
        [$bob] = self::newUser('keys-bob');
        $this->assertSame(404, self::caught(fn () => $bob->revokeKey($k['id']))->status);
        $this->assertSame(404, self::caught(fn () => $bob->key($k['id']))->status);
    }

    public function testReadOnlyKeyWithoutExpiryOrName(): void
    {
        [$api] = self::newUser('readonly');
        $k = $api->createKey(['write' => false, 'domains' => [], 'names' => [], 'types' => []], '', null, self::PASSWORD);
        $this->assertFalse($k['write']);
        $this->assertNull($k['expires_at']);
        $this->assertSame([], $k['domains']);
        $ro = new Api(self::url(), $k['secret']);
        $this->assertSame([], $ro->domains());
        $this->assertSame(403, self::caught(fn () => $ro->createDomain('ro-' . bin2hex(random_bytes(4)) . '.test'))->status);
    }

    public function testKeyErrorsComeBackPerField(): void
    {
        [$api] = self::newUser('keyerrors');
        $e = self::caught(fn () => $api->createKey(['domains' => ['localhost'], 'names' => ['www']], '', null, self::PASSWORD));
        $this->assertSame(422, $e->status);
        $f = $e->fieldErrors();
        $this->assertStringContainsString('not a domain name', $f['domains'][0]);
        $this->assertArrayHasKey('names', $f);
        $e = self::caught(fn () => $api->createKey(['write' => true], '', 10, self::PASSWORD));
        $this->assertSame(422, $e->status);
        $this->assertArrayHasKey('expires_in', $e->fieldErrors());
    }

    public function testCustomScopeFromTheFormMakesAKeyLimitedToIt(): void
    {
        [$api] = self::newUser('custom');
        $zone = 'custom-' . bin2hex(random_bytes(4)) . '.test';
        $api->createDomain($zone);
        // What the keys form posts for "Custom": read and write, one domain, www, A and AAAA.
        $form = key_custom_scope(['write' => '1', 'domains' => [strtoupper($zone) . '.'],
            'names' => "\r\n  WWW.$zone\r\n\r\n", 'types' => ['A', 'aaaa']]);
        $this->assertSame([], $form['errors']);
        $k = $api->createKey($form['scope'], 'deploy www', null, self::PASSWORD);
        $this->assertTrue($k['write']);
        $this->assertSame([$zone], $k['domains']);
        $this->assertSame(["www.$zone"], $k['names']);
        $this->assertSame(['A', 'AAAA'], $k['types']);
        $this->assertSame("read-write · domains: $zone · names: www.$zone · types: A, AAAA", key_scope_summary($api->key($k['id'])));

        $key = new Api(self::url(), $k['secret']);
        $r = $key->addRecords($zone, 'www', 'A', 300, ['192.0.2.20']);
        $this->assertSame("www.$zone.", $r['rrsets'][0]['name']);
        $key->addRecords($zone, 'www', 'AAAA', null, ['2001:db8::20']);
        $this->assertSame(['www.' . $zone . '. A', 'www.' . $zone . '. AAAA'],
            array_map(fn ($x) => $x['name'] . ' ' . $x['type'], $key->rrsets($zone)));
        foreach ([['www', 'TXT', '"x"'], ['mail', 'A', '192.0.2.21'], ['@', 'A', '192.0.2.22']] as [$name, $type, $rec]) {
            $e = self::caught(fn () => $key->addRecords($zone, $name, $type, null, [$rec]));
            $this->assertSame(403, $e->status, "$name $type");
            $this->assertSame('forbidden', $e->slug());
        }
        $this->assertSame(403, self::caught(fn () => $key->keys())->status);
        // Read-only, the same limits: it reads www, writes nothing.
        $ro = key_custom_scope(['write' => '0', 'domains' => [$zone], 'names' => "www.$zone", 'types' => ['A']]);
        $k = $api->createKey($ro['scope'], '', null, self::PASSWORD);
        $this->assertFalse($k['write']);
        $reader = new Api(self::url(), $k['secret']);
        $this->assertSame(["www.$zone. A"], array_map(fn ($x) => $x['name'] . ' ' . $x['type'], $reader->rrsets($zone)));
        $this->assertSame(403, self::caught(fn () => $reader->addRecords($zone, 'www', 'A', null, ['192.0.2.23']))->status);
    }

    public function testCustomScopeErrorsComeBackPerFieldNamingThePattern(): void
    {
        [$api] = self::newUser('customerr');
        $form = key_custom_scope(['write' => '1', 'domains' => ['localhost'], 'names' => "www.*\n\nwww\na*b*c*.test", 'types' => ['A', 'NOPE']]);
        $this->assertSame([], $form['errors']);
        $e = self::caught(fn () => $api->createKey($form['scope'], '', null, self::PASSWORD));
        $this->assertSame(422, $e->status);
        $f = $e->fieldErrors([], ['names' => $form['scope']['names']]);
        $this->assertSame(['not a domain name: localhost'], $f['domains']);
        $this->assertCount(2, $f['names']);
        $this->assertStringStartsWith('www: patterns match whole names', $f['names'][0]);
        $this->assertSame("a*b*c*.test: at most two '*' in a pattern", $f['names'][1]);
        $this->assertSame(['unknown record type: NOPE'], $f['types']);
        // More than 10 patterns: the list's own error, under the field.
        $many = key_custom_scope(['write' => '0', 'names' => implode("\n", array_map(fn ($i) => "h$i.*", range(1, 11)))]);
        $e = self::caught(fn () => $api->createKey($many['scope'], '', null, self::PASSWORD));
        $this->assertStringContainsString('at most 10', $e->fieldErrors([], ['names' => $many['scope']['names']])['names'][0]);
    }

    public function testCreatingAKeyWithASessionWantsThePasswordAgain(): void
    {
        [$api] = self::newUser('keypassword');
        $scope = ['write' => true];
        $e = self::caught(fn () => $api->createKey($scope));
        $this->assertSame(422, $e->status);
        $this->assertArrayHasKey('current_password', $e->fieldErrors());
        $e = self::caught(fn () => $api->createKey($scope, '', null, 'wrong horse battery'));
        $this->assertSame(422, $e->status);
        $this->assertArrayHasKey('current_password', $e->fieldErrors());
        $this->assertSame([], array_filter($api->keys(), static fn ($k) => $k['revoked_at'] === null && $k['name'] !== 'initial'));
        $this->assertStringStartsWith('edk_', $api->createKey($scope, '', null, self::PASSWORD)['secret']);
    }

    public function testWrongPasswordsForAKeyAreLimitedPerSession(): void
    {
        [$api, $email] = self::newUser('keylimit');
        for ($i = 0; $i < 3; $i++) {
            $this->assertSame(422, self::caught(fn () => $api->createKey(['write' => true], '', null, 'wrong horse battery'))->status);
        }
        $e = self::caught(fn () => $api->createKey(['write' => true], '', null, self::PASSWORD));
        $this->assertSame(429, $e->status);
        $this->assertSame('rate-limited', $e->slug());
        $this->assertGreaterThan(0, $e->retryAfter());
        // The session's failures, not the email's: the owner still logs in, and that session may.
        $other = new Api(self::url());
        $other->login($email, self::PASSWORD);
        $this->assertStringStartsWith('edk_', $other->createKey(['write' => false], '', null, self::PASSWORD)['secret']);
    }

    public function testUnreachableApiIsStatusZero(): void
    {
        $e = self::caught(fn () => (new Api('http://127.0.0.1:9', null, 2))->signupOpen());
        $this->assertSame(0, $e->status);
        $this->assertStringContainsString('did not answer', $e->getMessage());
    }
}
