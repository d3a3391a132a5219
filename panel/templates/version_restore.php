<?php
// SPDX-License-Identifier: MIT
// Restoring a version without JavaScript: the question the script would have asked, what the restore would change, and the button that confirms.
use function EndpointDNS\Panel\{h, csrf_field, long_time, diff_counts, records_text, template};
$zone = (string) $domain['name'];
$base = '/domains/' . rawurlencode($zone) . '/history';
$now = (int) ($domain['serial'] ?? 0);
[$removed, $added] = diff_counts($preview);
?>
<p class="crumbs"><a href="/dashboard">Dashboard</a> › <a href="/domains/<?= h(rawurlencode($zone)) ?>"><?= h($zone) ?></a> ›
  <a href="<?= h($base) ?>">History</a> › <a href="<?= h($base . '/' . $serial) ?>">Version <?= h($serial) ?></a> › restore</p>
<h1>Restore <?= h($zone) ?> to version <?= h($serial) ?>?</h1>
<p>Version <?= h($serial) ?>: <?= h($version['summary'] ?? '') ?>, <?= h(long_time($version['created_at'] ?? null)) ?>.</p>
<p class="flash warning">The zone becomes what it was at version <?= h($serial) ?>: <?= h(records_text($removed)) ?> removed and <?= h(records_text($added)) ?> added,
  as a new change that the name servers get at once. Restoring version <?= h($now) ?> undoes it.</p>
<?php if ($preview): ?>
<h2 id="preview-h">What restoring changes</h2>
<?= template('_diff', ['diff' => $preview, 'id' => 'preview', 'caption' => 'What restoring version ' . $serial . ' removes and adds']) ?>
<?php else: ?>
<p id="no-preview">The records of <?= h($zone) ?> are as they were at version <?= h($serial) ?>: restoring changes nothing.</p>
<?php endif ?>
<form method="post" action="<?= h($base . '/' . $serial . '/restore') ?>" class="row" id="confirm-restore">
  <?= csrf_field() ?>
  <input type="hidden" name="confirm" value="yes">
  <input type="hidden" name="if_match" value="<?= h($ifMatch) ?>">
  <button type="submit">Restore version <?= h($serial) ?></button>
  <a href="<?= h($base . '/' . $serial) ?>">Keep the zone as it is</a>
</form>
