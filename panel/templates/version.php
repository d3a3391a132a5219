<?php
// SPDX-License-Identifier: MIT
// One version of a zone: what its change did (a diff per RRset), the zone as it was then, and restoring it (with what that would change now).
use function EndpointDNS\Panel\{h, csrf_field, actor_text, long_time, diff_counts, records_text, template};
$zone = (string) $domain['name'];
$base = '/domains/' . rawurlencode($zone) . '/history';
$now = (int) ($domain['serial'] ?? 0);
[$previewRemoved, $previewAdded] = diff_counts($preview);
?>
<p class="crumbs"><a href="/dashboard">Dashboard</a> › <a href="/domains/<?= h(rawurlencode($zone)) ?>"><?= h($zone) ?></a> ›
  <a href="<?= h($base) ?>">History</a> › Version <?= h($serial) ?></p>
<h1>Version <?= h($serial) ?> of <?= h($zone) ?></h1>
<p class="meta" id="version-meta"><strong><?= h($version['summary'] ?? '') ?></strong>
  · <time datetime="<?= h($version['created_at'] ?? '') ?>"><?= h(long_time($version['created_at'] ?? null)) ?></time>
  · by <?= h(actor_text((string) ($version['actor'] ?? ''), $keyNames, $ownPrefix)) ?><?= ($version['remote'] ?? '') !== '' ? ' from ' . h($version['remote']) : '' ?>
  · <?= h(records_text((int) ($version['added'] ?? 0))) ?> added, <?= h(records_text((int) ($version['removed'] ?? 0))) ?> removed</p>
<nav class="pages" aria-label="Other versions">
  <?php if ($serial > 1): ?><a href="<?= h($base . '/' . ($serial - 1)) ?>" rel="prev">‹ Version <?= h($serial - 1) ?></a><?php endif ?>
  <a href="<?= h($base) ?>">All versions</a>
  <?php if ($serial < $now): ?><a href="<?= h($base . '/' . ($serial + 1)) ?>" rel="next">Version <?= h($serial + 1) ?> ›</a><?php endif ?>
</nav>

<?php if ($restoreError !== null): ?>
<div class="flash error" role="alert" id="restore-error">
  <p><?= h($restoreError['message']) ?></p>
  <?php if ($restoreError['errors']): ?>
  <ul><?php foreach ($restoreError['errors'] as $e): ?><li><?= h($e) ?></li><?php endforeach ?></ul>
  <?php endif ?>
</div>
<?php endif ?>

<section aria-labelledby="diff-h">
<h2 id="diff-h">What this change did</h2>
<?php if (!$diff): ?>
  <p id="no-diff">No record was removed or added (only the serial moved on).</p>
<?php else: ?>
  <p class="hint">Per RRset: <span class="removed-text">− removed</span> records, <span class="added-text">+ added</span> ones, and the records the change left as they were.</p>
  <?= template('_diff', ['diff' => $diff, 'id' => 'diff', 'caption' => 'Records removed and added by version ' . $serial]) ?>
<?php endif ?>
</section>

<details id="zone-then">
  <summary>The zone as it was at version <?= h($serial) ?> (<?= h(count($then)) ?> RRsets)</summary>
  <div class="scroll">
  <table id="then-rrsets">
    <caption class="sr">The RRsets of <?= h($zone) ?> at version <?= h($serial) ?></caption>
    <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col" class="num">TTL</th><th scope="col">Records</th></tr></thead>
    <tbody>
    <?php foreach ($then as $rr): ?>
      <tr>
        <td class="name"><?= h($rr['subname'] ?? $rr['name'] ?? '') ?></td>
        <td><?= h($rr['type'] ?? '') ?></td>
        <td class="num"><?= h($rr['ttl'] ?? '') ?></td>
        <td class="records"><?php foreach ((array) ($rr['records'] ?? []) as $rec): ?><div class="record"><?= h($rec) ?></div><?php endforeach ?></td>
      </tr>
    <?php endforeach ?>
    </tbody>
  </table>
  </div>
</details>

<section aria-labelledby="restore-h">
<h2 id="restore-h">Restore this version</h2>
<?php if ($current): ?>
  <p id="is-current">This version is the zone as it is now (serial <?= h($now) ?>): there is nothing to restore.</p>
<?php else: ?>
  <p>Restoring makes <?= h($zone) ?> what it was at version <?= h($serial) ?> again, as a new change (serial <?= h($now + 1) ?>),
    which the name servers get as any other. Nothing is lost: the restore is a version too, undone by restoring version <?= h($now) ?>.</p>
  <h3 id="preview-h">What restoring would change now</h3>
  <?php if (!$preview): ?>
    <p id="no-preview">Nothing: the records of <?= h($zone) ?> are as they were at version <?= h($serial) ?>.</p>
  <?php else: ?>
    <?= template('_diff', ['diff' => $preview, 'id' => 'preview', 'caption' => 'What restoring version ' . $serial . ' would remove and add now']) ?>
  <?php endif ?>
  <form method="post" action="<?= h($base . '/' . $serial . '/restore') ?>" class="row restore" id="restore"
        data-confirm="Restore <?= h($zone) ?> to version <?= h($serial) ?>? <?= h(records_text($previewRemoved)) ?> removed and <?= h(records_text($previewAdded)) ?> added, as a new change; restoring version <?= h($now) ?> undoes it.">
    <?= csrf_field() ?>
    <input type="hidden" name="confirm" value="">
    <input type="hidden" name="if_match" value="<?= h($ifMatch) ?>">
    <button type="submit">Restore this version</button>
  </form>
<?php endif ?>
</section>
