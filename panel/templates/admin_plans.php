<?php
// SPDX-License-Identifier: MIT
// Admin: the plans with their limits and accounts, and the form that creates one.
use function EndpointDNS\Panel\{h, csrf_field, plan_limit_fields, plan_limit_text, short_time, field_aria, field_errors, form_errors};
$section = 'plans';
$fields = plan_limit_fields();
?>
<?php require __DIR__ . '/_admin_nav.php' ?>
<h1>Plans</h1>
<p class="hint">Each account has a plan; 0 is unlimited. A change of a plan's limits applies to its accounts from their next request.</p>

<section aria-labelledby="plans-h">
<h2 id="plans-h">All plans</h2>
<div class="scroll">
<table id="plans" class="cards">
  <thead><tr><th scope="col">Plan</th><?php foreach ($fields as $f): ?><th scope="col" class="num"><?= h($f['label']) ?></th><?php endforeach ?><th scope="col" class="num">Accounts</th><th scope="col">Created</th></tr></thead>
  <tbody>
  <?php foreach ($plans as $p): $pname = (string) ($p['name'] ?? ''); ?>
    <tr data-plan="<?= h($pname) ?>">
      <td class="primary"><a href="/admin/plans/<?= h(rawurlencode($pname)) ?>" aria-label="Edit plan <?= h($pname) ?>"><?= h($pname) ?></a></td>
      <?php foreach ($fields as $k => $f): ?>
      <td class="num <?= h($k) ?>" data-label="<?= h($f['label']) ?>"><?= h(plan_limit_text($p, $k)) ?></td>
      <?php endforeach ?>
      <td class="num accounts" data-label="Accounts"><?= h($accountsPerPlan[$pname] ?? 0) ?></td>
      <td data-label="Created"><?= h(short_time($p['created_at'] ?? null)) ?></td>
    </tr>
  <?php endforeach ?>
  </tbody>
</table>
</div>
</section>

<section aria-labelledby="create-h">
<h2 id="create-h">Create a plan</h2>
<?= form_errors($errors) ?>
<form method="post" action="/admin/plans" class="grid limits" id="create-plan">
  <?= csrf_field() ?>
  <div class="field">
    <label for="plan-name">Name <span class="hint">(letters, digits, - _ . @)</span></label>
    <input id="plan-name" name="name" type="text" required maxlength="64" value="<?= h($form['name']) ?>"<?= field_aria($errors, 'name', 'plan-name') ?>>
    <?= field_errors($errors, 'name', 'plan-name') ?>
  </div>
  <?php require __DIR__ . '/_plan_limits.php' ?>
  <div class="field wide"><button type="submit">Create plan</button></div>
</form>
</section>
