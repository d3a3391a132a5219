<?php
// SPDX-License-Identifier: MIT
// Admin: the accounts (name, plan, email, status, created) a page at a time, the form that creates one, and a new account's first key (shown once).
use function EndpointDNS\Panel\{h, csrf_field, short_time, field_aria, field_errors, form_errors, template};
$section = 'accounts';
$planNames = array_map(static fn ($p) => (string) $p['name'], $plans);
?>
<?php require __DIR__ . '/_admin_nav.php' ?>
<h1>Accounts</h1>

<?php if ($created !== null): $key = $created['key'] ?? []; ?>
<?= template('_secret_box', [
    'heading' => 'Account ' . ($created['name'] ?? '') . ': its first API key',
    'secret' => $key['secret'] ?? '',
    'adviceHtml' => 'Give it to the account\'s owner, or leave it: the account can also be used through its users (add one on <a href="/admin/accounts/'
        . h(rawurlencode((string) ($created['id'] ?? ''))) . '">the account\'s page</a>), and a user can make keys.',
    'detail' => 'Key ' . ($key['name'] ?? '') . ' (' . ($key['prefix'] ?? '') . '): read-write, every domain, name and type; does not expire.',
]) ?>
<?php endif ?>

<section aria-labelledby="create-h">
<h2 id="create-h">Create an account</h2>
<?= form_errors($errors) ?>
<form method="post" action="/admin/accounts" class="grid" id="create-account">
  <?= csrf_field() ?>
  <div class="field">
    <label for="acc-name">Name <span class="hint">(letters, digits, - _ . @)</span></label>
    <input id="acc-name" name="name" type="text" required maxlength="128" value="<?= h($form['name']) ?>"<?= field_aria($errors, 'name', 'acc-name') ?>>
    <?= field_errors($errors, 'name', 'acc-name') ?>
  </div>
  <div class="field">
    <label for="acc-plan">Plan</label>
    <select id="acc-plan" name="plan" required<?= field_aria($errors, 'plan', 'acc-plan') ?>>
      <option value="">— choose a plan —</option>
      <?php foreach ($planNames as $p): ?>
      <option<?= $p === $form['plan'] ? ' selected' : '' ?>><?= h($p) ?></option>
      <?php endforeach ?>
    </select>
    <?= field_errors($errors, 'plan', 'acc-plan') ?>
  </div>
  <div class="field">
    <label for="acc-email">Contact email <span class="hint">(optional)</span></label>
    <input id="acc-email" name="email" type="email" value="<?= h($form['email']) ?>"<?= field_aria($errors, 'email', 'acc-email') ?>>
    <?= field_errors($errors, 'email', 'acc-email') ?>
  </div>
  <div class="field wide"><button type="submit">Create account</button></div>
</form>
</section>

<section aria-labelledby="accounts-h">
<h2 id="accounts-h">All accounts<?= $first ? '' : ' (continued)' ?></h2>
<?php if (!$accounts): ?>
  <p id="no-accounts">No accounts<?= $first ? ' yet' : ' after these' ?>.</p>
<?php else: ?>
<div class="scroll">
<table id="accounts" class="cards">
  <thead><tr><th scope="col">Account</th><th scope="col">Plan</th><th scope="col">Contact email</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
  <tbody>
  <?php foreach ($accounts as $a): ?>
    <tr data-account="<?= h($a['id'] ?? '') ?>">
      <td class="primary"><a href="/admin/accounts/<?= h(rawurlencode((string) ($a['id'] ?? ''))) ?>"><?= h($a['name'] ?? '') ?></a></td>
      <td class="plan" data-label="Plan"><a href="/admin/plans/<?= h(rawurlencode((string) ($a['plan'] ?? ''))) ?>"><?= h($a['plan'] ?? '') ?></a></td>
      <td class="email" data-label="Email"><?= h(($a['email'] ?? null) ?? '—') ?></td>
      <td class="status" data-label="Status"><?= !empty($a['disabled']) ? 'disabled' : 'active' ?></td>
      <td data-label="Created"><?= h(short_time($a['created_at'] ?? null)) ?></td>
    </tr>
  <?php endforeach ?>
  </tbody>
</table>
</div>
<?php endif ?>
<p class="pages">
  <?php if (!$first): ?><a href="/admin/accounts">First page</a><?php endif ?>
  <?php if ($next !== null): ?><a href="/admin/accounts?cursor=<?= h(rawurlencode($next)) ?>" rel="next">Next page</a><?php endif ?>
</p>
</section>
