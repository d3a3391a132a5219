<?php
// SPDX-License-Identifier: MIT
// Revoking a key without JavaScript: the question the script would have asked, and the button that confirms.
use function EndpointDNS\Panel\{h, csrf_field, key_scope_summary, short_time};
$label = trim(($key['name'] ?? '') . ' (' . ($key['prefix'] ?? '') . ')');
?>
<p class="crumbs"><a href="/dashboard">Dashboard</a> › <a href="/keys">API keys</a> › revoke</p>
<h1>Revoke the key <?= h($label) ?>?</h1>
<p>Scope: <?= h(key_scope_summary($key)) ?>; last used <?= h(short_time($key['last_used_at'] ?? null, 'never')) ?>.</p>
<p class="flash error" role="alert">Programs using this key are refused from the moment it is revoked. This cannot be undone.</p>
<form method="post" action="/keys/<?= h(rawurlencode((string) ($key['id'] ?? ''))) ?>/revoke" class="row" id="confirm-revoke">
  <?= csrf_field() ?>
  <input type="hidden" name="confirm" value="yes">
  <button type="submit" class="danger">Revoke the key</button>
  <a href="/keys">Keep it</a>
</form>
