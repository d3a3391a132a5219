<?php
// SPDX-License-Identifier: MIT
// Admin: the accounts (name, plan, email, status, created) a page at a time, the form that creates one, and a new account's first key (shown once).
use function EndpointDNS\Panel\{h, csrf_field, short_time};
$field_errors = static function (string $field, string $id) use ($errors): void {
    require __DIR__ . '/_errors.php';
};
$invalid = static fn (string $f, string $id): string => !empty($errors[$f]) ? ' aria-invalid="true" aria-describedby="err-' . h($id) . '"' : '';
$section = 'accounts';
$planNames = array_map(static fn ($p) => (string) $p['name'], $plans);
?>
<?php require __DIR__ . '/_admin_nav.php' ?>
<h1>Accounts</h1>

<?php if ($created !== null): $key = $created['key'] ?? []; ?>
<section id="new-key" class="secret-box" aria-labelledby="new-key-h">
  <h2 id="new-key-h">Account <?= h($created['name'] ?? '') ?>: its first API key</h2>
  <p class="warning" role="alert"><strong>This secret is shown only this once.</strong> Give it to the account's owner, or leave it: the account can also be used through its users (add one on <a href="/admin/accounts/<?= h(rawurlencode((string) ($created['id'] ?? ''))) ?>">the account's page</a>), and a user can make keys.</p>
  <div class="secret-row">
    <code id="key-secret" class="secret" tabindex="0" aria-label="The key's secret"><?= h($key['secret'] ?? '') ?></code>
    <button type="button" class="copy" data-copy="key-secret" hidden>Copy</button>
    <span class="copy-status hint" role="status" aria-live="polite"></span>
  </div>
  <p class="hint">Key <?= h($key['name'] ?? '') ?> (<?= h($key['prefix'] ?? '') ?>): read-write, every domain, name and type; does not expire.</p>
</section>
<?php endif ?>

<section aria-labelledby="create-h">
<h2 id="create-h">Create an account</h2>
<?php if (!empty($errors[''])): ?>
  <div class="flash error" role="alert" id="form-error"><?php foreach ($errors[''] as $e): ?><p><?= h($e) ?></p><?php endforeach ?></div>
<?php endif ?>
<form method="post" action="/admin/accounts" class="grid" id="create-account">
  <?= csrf_field() ?>
  <div class="field">
    <label for="acc-name">Name <span class="hint">(letters, digits, - _ . @)</span></label>
    <input id="acc-name" name="name" type="text" required maxlength="128" value="<?= h($form['name']) ?>"<?= $invalid('name', 'acc-name') ?>>
    <?php $field_errors('name', 'acc-name') ?>
  </div>
  <div class="field">
    <label for="acc-plan">Plan</label>
    <select id="acc-plan" name="plan" required<?= $invalid('plan', 'acc-plan') ?>>
      <option value="">— choose a plan —</option>
      <?php foreach ($planNames as $p): ?>
      <option<?= $p === $form['plan'] ? ' selected' : '' ?>><?= h($p) ?></option>
      <?php endforeach ?>
    </select>
    <?php $field_errors('plan', 'acc-plan') ?>
  </div>
  <div class="field">
    <label for="acc-email">Contact email <span class="hint">(optional)</span></label>
    <input id="acc-email" name="email" type="email" value="<?= h($form['email']) ?>"<?= $invalid('email', 'acc-email') ?>>
    <?php $field_errors('email', 'acc-email') ?>
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
