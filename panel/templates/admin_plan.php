<?php
// SPDX-License-Identifier: MIT
// Admin: one plan's limits in a form that changes them.
use function EndpointDNS\Panel\{h, csrf_field, short_time, form_errors};
$section = 'plans';
$pname = (string) ($plan['name'] ?? '');
?>
<?php require __DIR__ . '/_admin_nav.php' ?>
<p class="crumbs"><a href="/admin/plans">Plans</a> › <?= h($pname) ?></p>
<h1>Plan <?= h($pname) ?></h1>
<p class="meta">Created <?= h(short_time($plan['created_at'] ?? null)) ?> · <?= h($accounts) ?> <?= $accounts === 1 ? 'account' : 'accounts' ?> on it</p>
<p class="hint">0 or empty is unlimited. The new limits apply to the plan's accounts from their next request; an account over a new limit keeps what it has.</p>
<?= form_errors($errors) ?>
<form method="post" action="/admin/plans/<?= h(rawurlencode($pname)) ?>" class="grid limits" id="edit-plan">
  <?= csrf_field() ?>
  <?php require __DIR__ . '/_plan_limits.php' ?>
  <div class="field wide"><button type="submit">Save limits</button> <a href="/admin/plans">Cancel</a></div>
</form>
