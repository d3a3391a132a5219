<?php
// SPDX-License-Identifier: MIT
// Partial: an account's usage against its plan as bars, and its API calls ($usage: the "usage" of GET /v1/account or GET /v1/accounts/{id}; $noLimits: what to say when the plan sets none).
use function EndpointDNS\Panel\h;
$limitNames = [
    'domains' => 'Domains',
    'records_per_domain' => 'Records in the largest domain',
    'calls_per_day' => 'API calls today (UTC)',
    'calls_per_month' => 'API calls this month (UTC)',
];
?>
<?php if (empty($usage['limits'])): ?>
  <p><?= h($noLimits) ?></p>
<?php else: ?>
<ul class="bars" id="usage">
<?php foreach ($usage['limits'] as $l):
    $max = max(1, (int) ($l['limit_value'] ?? 1));
    $used = (int) ($l['used'] ?? 0);
    $pct = min(100, (int) round(100 * $used / $max));
    $id = 'bar-' . preg_replace('/[^a-z_]/', '', (string) ($l['limit'] ?? ''));
?>
  <li class="<?= !empty($l['over']) ? 'over' : '' ?>">
    <label for="<?= h($id) ?>"><?= h($limitNames[$l['limit'] ?? ''] ?? ($l['limit'] ?? '')) ?>: <?= h($used) ?> of <?= h($l['limit_value'] ?? '') ?></label>
    <progress id="<?= h($id) ?>" max="<?= h($max) ?>" value="<?= h(min($used, $max)) ?>"><?= h($pct) ?>%</progress>
    <span class="hint"><?= h($l['detail'] ?? '') ?></span>
  </li>
<?php endforeach ?>
</ul>
<?php endif ?>
