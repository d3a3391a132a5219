<?php
// SPDX-License-Identifier: MIT
// Admin: one account: its details, the form that changes its plan, its users and the form that adds one.
use function EndpointDNS\Panel\{h, csrf_field, short_time, limit_text, field_aria, field_errors, form_errors, template};
$section = 'accounts';
$id = (string) ($account['id'] ?? '');
$name = (string) ($account['name'] ?? '');
$planNames = array_map(static fn ($p) => (string) $p['name'], $plans);
$currentPlan = null;
foreach ($plans as $p) {
    if (($p['name'] ?? null) === ($account['plan'] ?? null)) {
        $currentPlan = $p;
    }
}
// Two forms, each with its own errors: $planErrors and $userErrors.
?>
<?php require __DIR__ . '/_admin_nav.php' ?>
<p class="crumbs"><a href="/admin/accounts">Accounts</a> › <?= h($name) ?></p>
<h1>Account <?= h($name) ?></h1>
<dl class="facts" id="account-facts">
  <dt>Id</dt><dd><?= h($id) ?></dd>
  <dt>Plan</dt><dd id="account-plan"><a href="/admin/plans/<?= h(rawurlencode((string) ($account['plan'] ?? ''))) ?>"><?= h($account['plan'] ?? '') ?></a><?php if ($currentPlan !== null): ?>
    <span class="hint">(<?= h(limit_text($currentPlan['max_domains'] ?? null)) ?> domains, <?= h(limit_text($currentPlan['max_records_per_domain'] ?? null)) ?> records per domain, <?= h(limit_text($currentPlan['max_calls_per_day'] ?? null)) ?> calls per day)</span><?php endif ?></dd>
  <dt>Contact email</dt><dd><?= h(($account['email'] ?? null) ?? '—') ?></dd>
  <dt>Status</dt><dd><?= !empty($account['disabled']) ? 'disabled: its keys and users are refused' : 'active' ?></dd>
  <dt>Created</dt><dd><?= h(short_time($account['created_at'] ?? null)) ?></dd>
  <dt>Users</dt><dd id="account-users-count"><?= h(count($users)) ?></dd>
</dl>

<section aria-labelledby="usage-h">
<h2 id="usage-h">Usage</h2>
<?php if (isset($account['usage']) && is_array($account['usage'])): $usage = $account['usage']; ?>
<p>Domains: <strong id="usage-domains"><?= h($usage['domains'] ?? 0) ?></strong><?php if (!empty($usage['largest_domain'])): ?>;
  the largest, <?= h($usage['largest_domain']) ?>, holds <?= h($usage['largest_domain_records'] ?? 0) ?> records<?php endif ?>.</p>
<?= template('_usage_bars', ['usage' => $usage, 'noLimits' => 'Its plan sets no limits.']) ?>
<p id="calls">API calls: <strong><?= h($usage['calls_today'] ?? 0) ?></strong> today (UTC),
  <strong><?= h($usage['calls_month'] ?? 0) ?></strong> this month.</p>
<?php else: ?>
<p class="hint">dnsapid did not report this account's usage.</p>
<?php endif ?>
</section>

<section aria-labelledby="plan-h">
<h2 id="plan-h">Change the plan</h2>
<?= form_errors($planErrors, 'plan-form-error') ?>
<form method="post" action="/admin/accounts/<?= h(rawurlencode($id)) ?>/plan" class="row" id="change-plan">
  <?= csrf_field() ?>
  <div class="field">
    <label for="acc-new-plan">Plan of <?= h($name) ?></label>
    <select id="acc-new-plan" name="plan"<?= field_aria($planErrors, 'plan', 'acc-new-plan') ?>>
      <?php foreach ($planNames as $p): ?>
      <option<?= $p === $planForm['plan'] ? ' selected' : '' ?>><?= h($p) ?></option>
      <?php endforeach ?>
    </select>
    <?= field_errors($planErrors, 'plan', 'acc-new-plan') ?>
  </div>
  <button type="submit">Change plan</button>
</form>
<p class="hint">The new limits apply from the account's next request. An account over a new limit keeps what it has, and can still remove records.</p>
</section>

<section aria-labelledby="users-h">
<h2 id="users-h">Users</h2>
<?php if (!$users): ?>
  <p id="no-users">No users: the account is used with API keys only. Add a user below so that someone can sign in to the panel.</p>
<?php else: ?>
<div class="scroll">
<table id="users" class="cards">
  <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Last sign-in</th><th scope="col">Created</th></tr></thead>
  <tbody>
  <?php foreach ($users as $u): ?>
    <tr>
      <td class="primary"><?= h($u['email'] ?? '') ?></td>
      <td data-label="Role"><?= h($u['role'] ?? '') ?></td>
      <td data-label="Last sign-in"><?= h(short_time($u['last_login_at'] ?? null, 'never')) ?></td>
      <td data-label="Created"><?= h(short_time($u['created_at'] ?? null)) ?></td>
    </tr>
  <?php endforeach ?>
  </tbody>
</table>
</div>
<?php endif ?>

<h3 id="add-user-h">Add a user</h3>
<?= form_errors($userErrors, 'user-form-error') ?>
<form method="post" action="/admin/accounts/<?= h(rawurlencode($id)) ?>/users" class="grid" id="add-user" aria-labelledby="add-user-h">
  <?= csrf_field() ?>
  <div class="field">
    <label for="user-email">Email</label>
    <input id="user-email" name="email" type="email" required autocomplete="off" value="<?= h($userForm['email']) ?>"<?= field_aria($userErrors, 'email', 'user-email') ?>>
    <?= field_errors($userErrors, 'email', 'user-email') ?>
  </div>
  <div class="field">
    <label for="user-password">Password <span class="hint">(at least 10 characters; tell it to the user)</span></label>
    <input id="user-password" name="password" type="password" required minlength="10" autocomplete="new-password"<?= field_aria($userErrors, 'password', 'user-password') ?>>
    <?= field_errors($userErrors, 'password', 'user-password') ?>
  </div>
  <div class="field">
    <label for="user-role">Role <span class="hint">(admin: also these admin pages)</span></label>
    <select id="user-role" name="role"<?= field_aria($userErrors, 'role', 'user-role') ?>>
      <option value="owner"<?= $userForm['role'] === 'owner' ? ' selected' : '' ?>>owner</option>
      <option value="admin"<?= $userForm['role'] === 'admin' ? ' selected' : '' ?>>admin</option>
    </select>
    <?= field_errors($userErrors, 'role', 'user-role') ?>
  </div>
  <div class="field wide"><button type="submit">Add user</button></div>
</form>
</section>
