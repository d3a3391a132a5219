<?php
// SPDX-License-Identifier: MIT
// Editing one RRset: its TTL and records (one a line), replaced together; what it holds now when someone changed it meanwhile.
use function EndpointDNS\Panel\{h, csrf_field, field_aria, field_errors, form_errors};
$zone = (string) $domain['name'];
$label = (string) ($rrset['name'] ?? '') . ' ' . (string) ($rrset['type'] ?? '');
$action = '/domains/' . rawurlencode($zone) . '/rrsets/' . rawurlencode((string) ($rrset['subname'] ?? $rrset['name'])) . '/'
    . rawurlencode((string) $rrset['type']) . '/edit';
?>
<p class="crumbs"><a href="/dashboard">Dashboard</a> › <a href="/domains/<?= h(rawurlencode($zone)) ?>"><?= h($zone) ?></a> › edit</p>
<h1>Edit <?= h($label) ?></h1>
<p class="hint">The records below replace the ones this name and type holds now, in one change. Names inside records are written in full, such as <code>mail.<?= h($zone) ?>.</code></p>
<?= form_errors($errors) ?>
<?php if (!empty($changedMeanwhile)): ?>
<section aria-labelledby="now-h" class="now">
  <h2 id="now-h">Now</h2>
  <?php if (!empty($rrset['records'])): ?>
  <p>TTL <?= h($rrset['ttl'] ?? '') ?>; records:</p>
  <ul class="records" id="records-now"><?php foreach ($rrset['records'] as $rec): ?><li><code><?= h($rec) ?></code></li><?php endforeach ?></ul>
  <?php else: ?>
  <p id="records-now">No records: the RRset was deleted.</p>
  <?php endif ?>
</section>
<?php endif ?>
<form method="post" action="<?= h($action) ?>" class="stack narrow-wide" id="edit-rrset">
  <?= csrf_field() ?>
  <input type="hidden" name="etag" value="<?= h($form['etag']) ?>">
  <div class="field">
    <label for="ed-ttl">TTL <span class="hint">(seconds; empty: keep it)</span></label>
    <input id="ed-ttl" name="ttl" type="text" inputmode="numeric" value="<?= h($form['ttl']) ?>"<?= field_aria($errors, 'ttl', 'ed-ttl') ?>>
    <?= field_errors($errors, 'ttl', 'ed-ttl') ?>
  </div>
  <div class="field">
    <label for="ed-records">Records <span class="hint">(one a line)</span></label>
    <textarea id="ed-records" name="records" rows="<?= h(max(3, min(20, substr_count($form['records'], "\n") + 2))) ?>"<?= field_aria($errors, 'records', 'ed-records') ?>>
<?= h($form['records']) ?></textarea>
    <?= field_errors($errors, 'records', 'ed-records') ?>
  </div>
  <div class="row">
    <button type="submit">Save</button>
    <a href="/domains/<?= h(rawurlencode($zone)) ?>">Cancel</a>
  </div>
</form>
