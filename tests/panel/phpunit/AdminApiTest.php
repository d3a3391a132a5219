<?php
// SPDX-License-Identifier: MIT
// Tests of the API client's admin methods against a real dnsapid, with the session of a user of role admin (as the panel uses them): plans, accounts, users, servers, full sync.

declare(strict_types=1);

use EndpointDNS\Panel\Api;

final class AdminApiTest extends ApiTestCase
{
    private static ?Api $admin = null;

    /** The admin key of the test's dnsapid (to make the first admin user, and servers). */
    private static function adminKey(): Api
    {
        $key = getenv('ADMIN_KEY');
        if (!is_string($key) || $key === '') {
            self::markTestSkipped('ADMIN_KEY is not set: run through tests/bats/panel/010-phpunit.bats');
        }
        return new Api(self::url(), $key);
    }

    /**
     * A signed-in user of role admin, made as docs/api.md says: an account made with the admin
     * key, and a user of it with role admin made with the admin key.
     */
    private static function admin(): Api
    {
        if (self::$admin === null) {
            $key = self::adminKey();
            $account = $key->createAccount('ops-' . self::rand(), 'starter');
            $email = 'ops-' . self::rand() . '@example.test';
            $u = $key->createUser((int) $account['id'], $email, self::PASSWORD, 'admin');
            self::assertSame('admin', $u['role']);
            $api = new Api(self::url());
            $s = $api->login($email, self::PASSWORD);
            self::assertSame('admin', $s['user']['role']);
            self::$admin = $api;
        }
        return self::$admin;
    }

    public function testPlansCreateListShowAndChange(): void
    {
        $api = self::admin();
        $name = 'gold-' . self::rand();
        $p = $api->createPlan($name, ['max_domains' => 10, 'max_calls_per_day' => 100000]);
        $this->assertSame($name, $p['name']);
        $this->assertSame(10, $p['max_domains']);
        $this->assertSame(0, $p['max_records_per_domain'], 'a limit left out is 0');
        $this->assertContains($name, array_column($api->plans(), 'name'));
        $this->assertSame(100000, $api->plan($name)['max_calls_per_day']);

        $p = $api->updatePlan($name, ['max_domains' => 0, 'rate_per_second' => 5]);
        $this->assertSame(0, $p['max_domains']);
        $this->assertSame(5, $p['rate_per_second']);
        $this->assertSame(100000, $p['max_calls_per_day'], 'a limit not given is kept');

        $this->assertSame(404, self::caught(fn () => $api->plan('none-' . self::rand()))->status);
        $this->assertSame(404, self::caught(fn () => $api->updatePlan('none-' . self::rand(), ['max_domains' => 1]))->status);
    }

    public function testPlanErrorsComeBackPerField(): void
    {
        $api = self::admin();
        $e = self::caught(fn () => $api->createPlan('bad-' . self::rand(), ['max_domains' => 'abc', 'rate_burst' => -1]));
        $this->assertSame(422, $e->status);
        $this->assertSame('validation', $e->slug());
        $f = $e->fieldErrors();
        $this->assertSame(['max_domains', 'rate_burst'], array_keys($f));
        $this->assertStringContainsString('whole number', $f['max_domains'][0]);
        $this->assertArrayHasKey('name', self::caught(fn () => $api->createPlan('bad name!', []))->fieldErrors());
        $this->assertArrayHasKey('max_domains', self::caught(fn () => $api->updatePlan('starter', ['max_domains' => PHP_INT_MAX]))->fieldErrors());
        $e = self::caught(fn () => $api->createPlan('starter', []));
        $this->assertSame(409, $e->status);
        $this->assertSame('exists', $e->slug());
    }

    public function testAccountsCreatePagesChangeThePlanAndUsers(): void
    {
        $api = self::admin();
        $name = 'acme-' . self::rand();
        $a = $api->createAccount($name, 'starter', 'ops+dns@acme.example');
        $this->assertSame($name, $a['name']);
        $this->assertSame('starter', $a['plan']);
        $this->assertSame('ops+dns@acme.example', $a['email']);
        $this->assertFalse($a['disabled']);
        $this->assertMatchesRegularExpression('/^edk_[a-z2-7]{42}$/', $a['key']['secret']);
        $this->assertSame('initial', $a['key']['name']);

        // The first key works on the new account.
        $this->assertSame($name, (new Api(self::url(), $a['key']['secret']))->account()['name']);

        // Pages by id: the first page of one, then on from its cursor.
        $first = $api->accountsPage(null, 1);
        $this->assertCount(1, $first['items']);
        $this->assertIsString($first['next']);
        $second = $api->accountsPage($first['next'], 1);
        $this->assertGreaterThan($first['items'][0]['id'], $second['items'][0]['id']);
        $all = array_column($api->accounts(), null, 'id');
        $this->assertSame($name, $all[$a['id']]['name']);
        $this->assertArrayNotHasKey('key', $all[$a['id']]);
        $this->assertSame($name, $api->adminAccount($a['id'])['name']);
        $this->assertNull($api->accountsPage((string) max(array_keys($all)), 1000)['next']);

        $plan = 'silver-' . self::rand();
        $api->createPlan($plan, ['max_domains' => 1]);
        $this->assertSame($plan, $api->updateAccount($a['id'], ['plan' => $plan])['plan']);
        $shown = $api->adminAccount($a['id']);
        $this->assertSame($plan, $shown['plan']);
        // Its usage against the new plan, as the account itself sees it.
        $this->assertSame(0, $shown['usage']['domains']);
        $this->assertIsInt($shown['usage']['calls_today']);
        $domains = array_values(array_filter($shown['usage']['limits'], static fn ($l) => $l['limit'] === 'domains'));
        $this->assertSame(1, $domains[0]['limit_value']);
        $this->assertSame(0, $domains[0]['used']);
        $e = self::caught(fn () => $api->updateAccount($a['id'], ['plan' => 'none-' . self::rand()]));
        $this->assertSame(422, $e->status);
        $this->assertArrayHasKey('plan', $e->fieldErrors());

        $this->assertSame([], $api->accountUsers($a['id']));
        $email = 'dev-' . self::rand() . '@acme.example';
        $u = $api->createUser($a['id'], $email, self::PASSWORD);
        $this->assertSame('owner', $u['role']);
        $this->assertArrayNotHasKey('password', $u);
        $users = $api->accountUsers($a['id']);
        $this->assertSame([$email], array_column($users, 'email'));
        $this->assertSame($a['name'], (new Api(self::url()))->login($email, self::PASSWORD)['account']['name']);
        $e = self::caught(fn () => $api->createUser($a['id'], $email, self::PASSWORD));
        $this->assertSame(409, $e->status);
        $this->assertArrayHasKey('email', $e->fieldErrors());
        $e = self::caught(fn () => $api->createUser($a['id'], 'nobody', 'short'));
        $this->assertSame(422, $e->status);
        $this->assertArrayHasKey('email', $e->fieldErrors());
        $this->assertArrayHasKey('password', $e->fieldErrors());
    }

    public function testAccountErrors(): void
    {
        $api = self::admin();
        $e = self::caught(fn () => $api->createAccount('12345', 'none-' . self::rand()));
        $this->assertSame(422, $e->status);
        $this->assertArrayHasKey('name', $e->fieldErrors());
        $e = self::caught(fn () => $api->createAccount('x-' . self::rand(), 'none-' . self::rand()));
        $this->assertArrayHasKey('plan', $e->fieldErrors());
        $e = self::caught(fn () => $api->createAccount('x-' . self::rand(), 'starter', 'no address'));
        $this->assertArrayHasKey('email', $e->fieldErrors());
        $name = 'twice-' . self::rand();
        $api->createAccount($name, 'starter');
        $e = self::caught(fn () => $api->createAccount($name, 'starter'));
        $this->assertSame(409, $e->status);
        $this->assertSame(404, self::caught(fn () => $api->adminAccount(999999999))->status);
        $this->assertSame(404, self::caught(fn () => $api->accountUsers(999999999))->status);
    }

    public function testAnOwnersSessionIsRefusedOnTheAdminRoutes(): void
    {
        [$owner] = self::newUser('owner');
        $calls = [
            fn () => $owner->plans(),
            fn () => $owner->createPlan('x-' . self::rand(), []),
            fn () => $owner->accountsPage(),
            fn () => $owner->adminAccount(1),
            fn () => $owner->updateAccount(1, ['plan' => 'starter']),
            fn () => $owner->accountUsers(1),
            fn () => $owner->createUser(1, 'x@example.test', self::PASSWORD, 'admin'),
            fn () => $owner->servers(),
            fn () => $owner->syncServer('ns1'),
        ];
        foreach ($calls as $i => $call) {
            $e = self::caught($call);
            $this->assertSame(403, $e->status, "call $i");
            $this->assertSame('forbidden', $e->slug(), "call $i");
        }
    }

    public function testServersAndFullSync(): void
    {
        $api = self::admin();
        $key = self::adminKey();
        // Nothing listens on port 9 of this host: the edge is unreachable. Removed at the end,
        // so that the other tests' changes count no server.
        $active = 'php-' . self::rand();
        $inactive = 'php-off-' . self::rand();
        $key->request('POST', '/v1/servers', ['name' => $active, 'url' => 'http://127.0.0.1:9', 'key' => str_repeat('k', 24)]);
        $key->request('POST', '/v1/servers', ['name' => $inactive, 'url' => 'http://127.0.0.1:9', 'key' => str_repeat('k', 24), 'active' => false]);
        try {
            $servers = array_column($api->servers(), null, 'name');
            $this->assertArrayHasKey($active, $servers);
            $s = $servers[$active];
            $this->assertSame('http://127.0.0.1:9', $s['url']);
            $this->assertTrue($s['active']);
            $this->assertArrayNotHasKey('key', $s, 'the edge key is never shown again');
            foreach (['reachable', 'last_contact_at', 'last_error', 'last_error_at', 'insync', 'lag'] as $f) {
                $this->assertArrayHasKey($f, $s['state']);
            }
            foreach (['zones', 'changes', 'seconds', 'oldest_pending_at'] as $f) {
                $this->assertArrayHasKey($f, $s['state']['lag']);
            }
            $this->assertFalse($servers[$inactive]['active']);

            $r = $api->syncServer($active);
            $this->assertSame($active, $r['server']);
            $this->assertSame('full-sync', $r['scheduled']);
            $this->assertIsInt($r['database_zones']);
            $this->assertStringContainsString('whatever differs from the database is pushed', $r['detail']);

            // Its fan-out worker finds the edge away.
            $state = null;
            for ($t = 0; $t < 50; $t++) {
                $state = $api->server($active)['state'];
                if ($state['reachable'] === false) {
                    break;
                }
                usleep(100000);
            }
            $this->assertFalse($state['reachable']);
            $this->assertNotSame('', $state['last_error']);

            $e = self::caught(fn () => $api->syncServer($inactive));
            $this->assertSame(409, $e->status);
            $this->assertSame('inactive', $e->slug());
            $e = self::caught(fn () => $api->syncServer('none-' . self::rand()));
            $this->assertSame(404, $e->status);
            $this->assertSame(404, self::caught(fn () => $api->server('none-' . self::rand()))->status);
        } finally {
            $key->request('DELETE', '/v1/servers/' . $active);
            $key->request('DELETE', '/v1/servers/' . $inactive);
        }
    }
}
