<?php
// SPDX-License-Identifier: MIT
// API keys: the secret of a key just made (shown once), the form that makes one from a template or a custom scope, the account's keys with revoke buttons.
use function EndpointDNS\Panel\{h, csrf_field, key_templates, key_scope_summary, key_status, record_types, short_time, field_aria, field_errors, form_errors, template};
$templates = key_templates();
$form += ['write' => '0', 'domains' => [], 'names' => '', 'types' => []];
$domainNames = array_map(static fn ($d) => (string) $d['name'], $domains);
if ($form['domain'] !== '' && !in_array($form['domain'], $domainNames, true)) {
    $domainNames[] = $form['domain'];
}
// The custom scope's boxes: the account's domains and the panel's types, and whatever the
// form sent besides (kept, ticked, so that dnsapid's error about it has its box).
$customDomains = array_map(static fn ($d) => (string) $d['name'], $domains);
foreach ($form['domains'] as $d) {
    if (!in_array($d, $customDomains, true)) {
        $customDomains[] = $d;
    }
}
$customTypes = record_types();
foreach ($form['types'] as $t) {
    if (!in_array($t, $customTypes, true)) {
        $customTypes[] = $t;
    }
}
?>
<p class="crumbs"><a href="/dashboard">Dashboard</a> › API keys</p>
<h1>API keys</h1>
<p class="hint">Keys let programs use the DNS API (<code>Authorization: Bearer edk_…</code>): scripts, certbot, CI. Each has a scope, set when it is made; revoking one is permanent.</p>

<?php if ($created !== null): ?>
<?= template('_secret_box', [
    'heading' => 'Key ' . ($created['name'] ?? '') . ' created: copy its secret now',
    'secret' => $created['secret'] ?? '',
    'adviceHtml' => 'It is not stored anywhere we could show it from again: copy it to where the program reads it. If you lose it, revoke the key and make another.',
    'detail' => 'Scope: ' . key_scope_summary($created)
        . (is_string($created['expires_at'] ?? null) ? ' · expires ' . short_time($created['expires_at']) : ' · does not expire') . '.',
]) ?>
<?php endif ?>

<section aria-labelledby="create-h">
<h2 id="create-h">Create a key</h2>
<?= form_errors($errors) ?>
<form method="post" action="/keys" id="create-key" class="stack">
  <?= csrf_field() ?>
  <fieldset class="templates"<?= field_aria($errors, 'template', 'key-template') ?>>
    <legend>What may the key do?</legend>
    <?php foreach ($templates as $t => $info): ?>
    <div class="choice">
      <input type="radio" name="template" id="tpl-<?= h($t) ?>" value="<?= h($t) ?>"<?= $form['template'] === $t ? ' checked' : '' ?>>
      <label for="tpl-<?= h($t) ?>"><?= h($info['label']) ?> <span class="hint">— <?= h($info['hint']) ?></span></label>
    </div>
    <?php endforeach ?>
    <?= field_errors($errors, 'template', 'key-template') ?>
  </fieldset>
  <div class="stack" data-template-only="acme">
  <label for="key-domain">Domain <span class="hint">(for "ACME DNS-01 only")</span></label>
  <select id="key-domain" name="domain"<?= field_aria($errors, 'domain', 'key-domain') ?>>
    <option value="">— choose a domain —</option>
    <?php foreach ($domainNames as $d): ?>
    <option<?= $d === $form['domain'] ? ' selected' : '' ?>><?= h($d) ?></option>
    <?php endforeach ?>
  </select>
  <?= field_errors($errors, 'domain', 'key-domain') ?>
  </div>
  <fieldset id="custom-scope" class="custom-scope" data-template-only="custom">
    <legend>Custom scope <span class="hint">(used when "Custom" is chosen)</span></legend>
    <fieldset class="choices"<?= field_aria($errors, 'write', 'key-write', true) ?>>
      <legend>Access</legend>
      <p class="hint" id="hint-key-write">Reading sees the records; writing also adds, changes and deletes them.</p>
      <?= field_errors($errors, 'write', 'key-write') ?>
      <div class="choice">
        <input type="radio" name="write" id="key-write-0" value="0"<?= $form['write'] !== '1' ? ' checked' : '' ?>>
        <label for="key-write-0">Read</label>
      </div>
      <div class="choice">
        <input type="radio" name="write" id="key-write-1" value="1"<?= $form['write'] === '1' ? ' checked' : '' ?>>
        <label for="key-write-1">Read and write</label>
      </div>
    </fieldset>
    <fieldset class="choices"<?= field_aria($errors, 'domains', 'key-domains', true) ?>>
      <legend>Domains</legend>
      <p class="hint" id="hint-key-domains">None ticked: every domain of the account, today's and those added later.</p>
      <?= field_errors($errors, 'domains', 'key-domains') ?>
      <?php if (!$customDomains): ?>
      <p class="hint">The account has no domains yet.</p>
      <?php endif ?>
      <div class="boxes">
      <?php foreach ($customDomains as $i => $d): ?>
        <div class="choice">
          <input type="checkbox" name="domains[]" id="key-domains-<?= h($i) ?>" value="<?= h($d) ?>"<?= in_array($d, $form['domains'], true) ? ' checked' : '' ?>>
          <label for="key-domains-<?= h($i) ?>"><?= h($d) ?></label>
        </div>
      <?php endforeach ?>
      </div>
    </fieldset>
    <label for="key-names">Record names <span class="hint">(patterns, one a line, optional)</span></label>
    <p class="hint" id="hint-key-names">Whole names, <code>*</code> for any run of characters (dots too), <code>?</code> for one:
      <code>www.example.com</code>, <code>_acme-challenge.*</code>, <code>*.dev.example.com</code>. At most 10. Empty: every name.</p>
    <textarea id="key-names" name="names" rows="3" spellcheck="false" autocapitalize="off"
      placeholder="www.example.com"<?= field_aria($errors, 'names', 'key-names', true) ?>><?= h($form['names']) ?></textarea>
    <?= field_errors($errors, 'names', 'key-names') ?>
    <fieldset class="choices"<?= field_aria($errors, 'types', 'key-types', true) ?>>
      <legend>Record types</legend>
      <p class="hint" id="hint-key-types">None ticked: every type.</p>
      <?= field_errors($errors, 'types', 'key-types') ?>
      <div class="boxes types">
      <?php foreach ($customTypes as $i => $t): ?>
        <div class="choice">
          <input type="checkbox" name="types[]" id="key-types-<?= h($i) ?>" value="<?= h($t) ?>"<?= in_array($t, $form['types'], true) ? ' checked' : '' ?>>
          <label for="key-types-<?= h($i) ?>"><?= h($t) ?></label>
        </div>
      <?php endforeach ?>
      </div>
    </fieldset>
  </fieldset>
  <label for="key-name">Name <span class="hint">(optional: what uses it, such as certbot on www1)</span></label>
  <input id="key-name" name="name" type="text" maxlength="128" value="<?= h($form['name']) ?>"<?= field_aria($errors, 'name', 'key-name') ?>>
  <?= field_errors($errors, 'name', 'key-name') ?>
  <label for="key-expires">Expires after <span class="hint">(days, optional; empty: never)</span></label>
  <input id="key-expires" name="expires" type="text" inputmode="numeric" placeholder="90" value="<?= h($form['expires']) ?>"<?= field_aria($errors, 'expires', 'key-expires') ?>>
  <?= field_errors($errors, 'expires', 'key-expires') ?>
  <label for="key-password">Your password <span class="hint">(asked again before a key is made)</span></label>
  <input id="key-password" name="current_password" type="password" autocomplete="current-password" required<?= field_aria($errors, 'current_password', 'key-password') ?>>
  <?= field_errors($errors, 'current_password', 'key-password') ?>
  <button type="submit">Create key</button>
</form>
</section>

<section aria-labelledby="keys-h">
<h2 id="keys-h">Your keys</h2>
<?php if (!$keys): ?>
  <p id="no-keys">No keys yet.</p>
<?php else: ?>
<div class="scroll">
<table id="keys">
  <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Scope</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">Created</th><th scope="col">Status</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
  <tbody>
  <?php foreach ($keys as $k):
      $st = key_status($k);
      $label = trim(($k['name'] ?? '') . ' (' . ($k['prefix'] ?? '') . ')');
  ?>
    <tr class="key-<?= h($st) ?>" data-key="<?= h($k['id'] ?? '') ?>">
      <td><?= h(($k['name'] ?? '') !== '' ? $k['name'] : '(no name)') ?></td>
      <td class="prefix"><code><?= h($k['prefix'] ?? '') ?></code></td>
      <td class="scope"><?= h(key_scope_summary($k)) ?></td>
      <td><?= h(short_time($k['expires_at'] ?? null, 'never')) ?></td>
      <td><?= h(short_time($k['last_used_at'] ?? null, 'never')) ?></td>
      <td><?= h(short_time($k['created_at'] ?? null)) ?></td>
      <td class="status"><?= $st === 'revoked' ? 'revoked ' . h(short_time($k['revoked_at'])) : h($st) ?></td>
      <td>
        <?php if ($st !== 'revoked'): ?>
        <form method="post" action="/keys/<?= h(rawurlencode((string) ($k['id'] ?? ''))) ?>/revoke" class="inline revoke"
              data-confirm="Revoke the key <?= h($label) ?>? Programs using it are refused from now on; this cannot be undone.">
          <?= csrf_field() ?>
          <input type="hidden" name="confirm" value="">
          <button type="submit" class="danger" aria-label="Revoke <?= h($label) ?>">Revoke</button>
        </form>
        <?php endif ?>
      </td>
    </tr>
  <?php endforeach ?>
  </tbody>
</table>
</div>
<?php endif ?>
</section>
