<?php
// SPDX-License-Identifier: MIT
// Dashboard: the account's domains with their record counts, the plan's limits and usage as bars, API calls.
use function EndpointDNS\Panel\{h, csrf_field, field_aria, field_errors, template};
// The form's one field shows the errors of no field too.
$nameErrors = ['name' => array_merge($errors[''] ?? [], $errors['name'] ?? [])];
$plan = $account['plan'] ?? [];
$usage = $account['usage'] ?? [];
?>
<h1>Dashboard</h1>

<section aria-labelledby="domains-h">
<h2 id="domains-h">Domains</h2>
<?php if (!$domains): ?>
  <p id="no-domains">No domains yet: add your first one below.</p>
<?php else: ?>
<div class="scroll">
<table id="domains">
  <thead><tr><th scope="col">Domain</th><th scope="col" class="num">Records</th><th scope="col" class="num">Serial</th></tr></thead>
  <tbody>
  <?php foreach ($domains as $d): ?>
    <tr>
      <td><a href="/domains/<?= h(rawurlencode((string) $d['name'])) ?>"><?= h($d['name']) ?></a></td>
      <td class="num"><?= h($d['records'] ?? '') ?></td>
      <td class="num"><?= h($d['serial'] ?? '') ?></td>
    </tr>
  <?php endforeach ?>
  </tbody>
</table>
</div>
<?php endif ?>

<form method="post" action="/domains" class="row" id="new-domain">
  <?= csrf_field() ?>
  <div class="field">
    <label for="domain-name">New domain</label>
    <input id="domain-name" name="name" type="text" required placeholder="example.com" value="<?= h($newDomain) ?>"<?= field_aria($nameErrors, 'name', 'domain-name') ?>>
    <?= field_errors($nameErrors, 'name', 'domain-name') ?>
  </div>
  <button type="submit">Add domain</button>
</form>
</section>

<section aria-labelledby="plan-h">
<h2 id="plan-h">Plan <?= h($plan['plan'] ?? '') ?>: limits and usage</h2>
<?= template('_usage_bars', ['usage' => $usage, 'noLimits' => 'Your plan sets no limits.']) ?>
<p id="calls">API calls this period: <strong><?= h($usage['calls_today'] ?? 0) ?></strong> today (UTC),
  <strong><?= h($usage['calls_month'] ?? 0) ?></strong> this month<?php if (!empty($plan['rate_per_second'])): ?>;
  at most <?= h($plan['rate_per_second']) ?> requests per second<?php endif ?>.</p>
<p id="keys-link">Programs use the API with keys: <a href="/keys">manage your API keys</a>.</p>
</section>
