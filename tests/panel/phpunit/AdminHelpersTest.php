<?php
// SPDX-License-Identifier: MIT
// Unit tests of the admin pages' words (limits, durations, lag, reachability), the plan form's body, and their templates (escaping, the Admin link).

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

use function EndpointDNS\Panel\{ago_text, count_text, duration_text, limit_text, plan_limit_fields, plan_limit_text, plan_limits_body, render, server_lag_text, server_reach_text};

final class AdminHelpersTest extends TestCase
{
    private const EVIL = '<script>alert(1)</script>';

    protected function setUp(): void
    {
        $_SESSION = [];
    }

    public function testLimitTextSaysUnlimitedForZero(): void
    {
        $this->assertSame('unlimited', limit_text(0));
        $this->assertSame('3', limit_text(3));
        $this->assertSame('100,000', limit_text(100000));
        $this->assertSame('5,000', limit_text('5000'));
        $this->assertSame('—', limit_text(null));
        $this->assertSame('—', limit_text('x'));
    }

    public function testPlanLimitTextOfABurstOfZeroIsTheRate(): void
    {
        $this->assertSame('as the rate', plan_limit_text(['rate_per_second' => 10, 'rate_burst' => 0], 'rate_burst'));
        $this->assertSame('unlimited', plan_limit_text(['rate_per_second' => 0, 'rate_burst' => 0], 'rate_burst'));
        $this->assertSame('20', plan_limit_text(['rate_per_second' => 10, 'rate_burst' => 20], 'rate_burst'));
        $this->assertSame('unlimited', plan_limit_text(['rate_per_second' => 10, 'max_domains' => 0], 'max_domains'));
        $this->assertSame('—', plan_limit_text([], 'max_domains'));
    }

    public function testCountText(): void
    {
        $this->assertSame('0 zones', count_text(0, 'zone'));
        $this->assertSame('1 zone', count_text(1, 'zone'));
        $this->assertSame('50 serial steps', count_text(50, 'serial step'));
    }

    public function testDurationText(): void
    {
        $this->assertSame('0 s', duration_text(0));
        $this->assertSame('0.4 s', duration_text(0.43));
        $this->assertSame('2.9 s', duration_text(2.94));
        $this->assertSame('2 s', duration_text(2.0));
        $this->assertSame('0 s', duration_text(-3));
        $this->assertSame('42 s', duration_text(42.4));
        $this->assertSame('1 min', duration_text(60));
        $this->assertSame('3 min 20 s', duration_text(200));
        $this->assertSame('2 h 5 min', duration_text(2 * 3600 + 5 * 60 + 9));
        $this->assertSame('1 h', duration_text(3600));
        $this->assertSame('3 d 4 h', duration_text(3 * 86400 + 4 * 3600 + 59));
        $this->assertSame('2 d', duration_text(2 * 86400));
    }

    public function testAgoTextKeepsTheMilliseconds(): void
    {
        $t = '2026-11-26T10:09:05.100Z';
        $now = (float) strtotime('2026-11-26T10:09:07Z') + 0.5;
        $this->assertSame('2.4 s ago', ago_text($t, 'never', $now));
        $this->assertSame('5 min ago', ago_text('2026-11-26T10:04:07.500Z', 'never', $now));
        $this->assertSame('never', ago_text(null));
        $this->assertSame('not yet', ago_text('', 'not yet'));
    }

    public function testServerReachText(): void
    {
        $this->assertSame('reachable', server_reach_text(['active' => true, 'state' => ['reachable' => true]]));
        $this->assertSame('unreachable', server_reach_text(['active' => true, 'state' => ['reachable' => false]]));
        $this->assertSame('not contacted yet', server_reach_text(['active' => true, 'state' => ['reachable' => null]]));
        $this->assertSame('inactive', server_reach_text(['active' => false, 'state' => ['reachable' => true]]));
    }

    public function testServerLagTextFromTheStateOfTheDocs(): void
    {
        // The example of docs/api.md, "Edge servers (admin)".
        $state = ['reachable' => false, 'insync' => false,
            'lag' => ['zones' => 1, 'changes' => 50, 'seconds' => 2.9, 'oldest_pending_at' => '2026-11-26T10:09:04.118Z']];
        $this->assertSame('1 zone, 50 serial steps, 2.9 s behind; oldest pending change 2026-11-26 10:09 UTC', server_lag_text($state));
        $this->assertSame('in sync', server_lag_text(['insync' => true, 'lag' => ['zones' => 0, 'changes' => 0, 'seconds' => 0]]));
        // A zone the edge holds that the database deleted: behind by no serial step.
        $this->assertSame('2 zones, 0 s behind', server_lag_text(['insync' => false, 'lag' => ['zones' => 2, 'changes' => 0, 'seconds' => 0]]));
        $this->assertSame('3 zones, 1 serial step, 1 h 1 min behind', server_lag_text(['insync' => false,
            'lag' => ['zones' => 3, 'changes' => 1, 'seconds' => 3660, 'oldest_pending_at' => null]]));
        $this->assertSame('0 zones behind', server_lag_text([]));
    }

    public function testPlanLimitFieldsAreTheSixOfTheApi(): void
    {
        $this->assertSame(['max_domains', 'max_records_per_domain', 'max_calls_per_day', 'max_calls_per_month', 'rate_per_second', 'rate_burst'],
            array_keys(plan_limit_fields()));
    }

    public function testPlanLimitsBody(): void
    {
        $form = ['name' => 'gold', 'max_domains' => '10', 'max_records_per_domain' => '', 'max_calls_per_day' => ' 0 ',
            'max_calls_per_month' => 'abc', 'rate_per_second' => '-1', 'rate_burst' => '99999999999999999999'];
        // Creating: empty left out; numbers as numbers; anything else as typed, for dnsapid's 422.
        $this->assertSame(['max_domains' => 10, 'max_calls_per_day' => 0, 'max_calls_per_month' => 'abc',
            'rate_per_second' => '-1', 'rate_burst' => PHP_INT_MAX], plan_limits_body($form, false));
        // Editing: empty is 0 (unlimited), every limit sent.
        $this->assertSame(['max_domains' => 10, 'max_records_per_domain' => 0, 'max_calls_per_day' => 0, 'max_calls_per_month' => 'abc',
            'rate_per_second' => '-1', 'rate_burst' => PHP_INT_MAX], plan_limits_body($form, true));
        $this->assertSame([], plan_limits_body([], false));
    }

    private static function layoutVars(string $role): array
    {
        return ['user' => ['email' => 'ops@example.test', 'role' => $role], 'accountName' => 'ops', 'flashes' => []];
    }

    public function testTheAdminLinkIsForAdminsOnly(): void
    {
        $vars = ['title' => 'Not found', 'message' => 'x'];
        $this->assertStringContainsString('<a href="/admin/accounts">Admin</a>', render('error', $vars + self::layoutVars('admin')));
        $this->assertStringNotContainsString('/admin', render('error', $vars + self::layoutVars('owner')));
        $this->assertStringNotContainsString('/admin', render('error', $vars + ['user' => null, 'flashes' => []]));
    }

    public function testServersPageShowsStateAndEscapes(): void
    {
        $servers = [
            ['name' => 'ns1', 'url' => 'http://192.0.2.53:8053', 'ns_name' => 'ns1.example.net', 'active' => true,
                'state' => ['reachable' => true, 'last_contact_at' => '2026-11-26T10:09:05.100Z', 'last_error' => '', 'last_error_at' => null,
                    'insync' => true, 'lag' => ['zones' => 0, 'changes' => 0, 'seconds' => 0, 'oldest_pending_at' => null]]],
            ['name' => 'ns2', 'url' => 'http://192.0.2.54:8053', 'ns_name' => null, 'active' => true,
                'state' => ['reachable' => false, 'last_contact_at' => '2026-11-26T10:09:05.100Z', 'last_error' => 'unreachable: ' . self::EVIL,
                    'last_error_at' => '2026-11-26T10:09:07.020Z', 'insync' => false,
                    'lag' => ['zones' => 1, 'changes' => 50, 'seconds' => 2.9, 'oldest_pending_at' => '2026-11-26T10:09:04.118Z']]],
            ['name' => 'ns3', 'url' => 'http://192.0.2.55:8053', 'ns_name' => null, 'active' => false,
                'state' => ['reachable' => null, 'last_contact_at' => null, 'last_error' => '', 'last_error_at' => null,
                    'insync' => true, 'lag' => ['zones' => 0, 'changes' => 0, 'seconds' => 0, 'oldest_pending_at' => null]]],
        ];
        $html = render('admin_servers', ['title' => 'Name servers', 'servers' => $servers] + self::layoutVars('admin'));
        $this->assertStringNotContainsString('<script>alert', $html);
        $this->assertStringContainsString('unreachable: &lt;script&gt;', $html);
        $this->assertStringContainsString('1 zone, 50 serial steps, 2.9 s behind; oldest pending change 2026-11-26 10:09 UTC', $html);
        $this->assertMatchesRegularExpression('#<tr data-server="ns2" class="server-unreachable lagging">#', $html);
        $this->assertSame(2, substr_count($html, '>Full sync</button>'), 'a button for each active server');
        $this->assertStringContainsString('action="/admin/servers/ns1/sync"', $html);
        $this->assertStringContainsString('inactive: no pushes', $html);
        $this->assertStringContainsString('name="csrf"', $html);
        $this->assertStringContainsString('<a href="/admin/servers" aria-current="page">Name servers</a>', $html);
    }

    public function testPlansPageShowsErrorsNextToTheirField(): void
    {
        $plans = [['name' => 'starter', 'max_domains' => 3, 'max_records_per_domain' => 50, 'max_calls_per_day' => 5000,
            'max_calls_per_month' => 0, 'rate_per_second' => 0, 'rate_burst' => 0, 'created_at' => '2026-11-26T06:52:15Z']];
        $form = array_merge(['name' => self::EVIL], array_fill_keys(array_keys(plan_limit_fields()), ''), ['max_domains' => 'abc']);
        $html = render('admin_plans', ['title' => 'Plans', 'plans' => $plans, 'accountsPerPlan' => ['starter' => 2], 'form' => $form,
            'errors' => ['' => ['plan limits must be whole numbers'], 'max_domains' => ['must be a whole number ≥ 0 (0: unlimited)']]]
            + self::layoutVars('admin'));
        $this->assertStringNotContainsString('<script>alert', $html);
        $this->assertStringContainsString('id="plan-max-domains" name="max_domains" type="text" inputmode="numeric" placeholder="0: unlimited" value="abc" aria-invalid="true" aria-describedby="err-plan-max-domains"', $html);
        $this->assertMatchesRegularExpression('#<ul class="field-errors" id="err-plan-max-domains">\s*<li>must be a whole number#', $html);
        $this->assertStringContainsString('<label for="plan-rate-burst">', $html);
        $this->assertMatchesRegularExpression('#data-label="API calls per day">5,000</td>#', $html);
        $this->assertMatchesRegularExpression('#data-label="API calls per month">unlimited</td>#', $html);
        $this->assertMatchesRegularExpression('#data-label="Accounts">2</td>#', $html);
    }

    public function testNewAccountsKeyIsShownOnce(): void
    {
        $secret = 'edk_abcdefghij' . str_repeat('b', 32);
        $account = ['id' => 4, 'name' => 'acme', 'plan' => 'starter', 'email' => self::EVIL, 'disabled' => false, 'created_at' => '2026-11-26T06:52:16Z'];
        $vars = ['title' => 'Accounts', 'accounts' => [$account], 'next' => '4', 'first' => true, 'plans' => [['name' => 'starter']],
            'form' => ['name' => '', 'plan' => '', 'email' => ''], 'errors' => [], 'created' => null] + self::layoutVars('admin');
        $html = render('admin_accounts', $vars);
        $this->assertStringNotContainsString('key-secret', $html);
        $this->assertStringNotContainsString('<script>alert', $html);
        $this->assertStringContainsString('<a href="/admin/accounts?cursor=4" rel="next">Next page</a>', $html);
        $html = render('admin_accounts', ['created' => $account + ['key' => ['name' => 'initial', 'prefix' => substr($secret, 0, 14), 'secret' => $secret]]] + $vars);
        $this->assertStringContainsString('aria-label="The key\'s secret">' . $secret . '<', $html);
        $this->assertStringContainsString('shown only this once', $html);
    }
}
