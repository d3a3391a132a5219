<?php
// SPDX-License-Identifier: MIT
// A zone's history: its versions newest first (serial, when, who, what, records added and removed), a page at a time.
use function EndpointDNS\Panel\{h, actor_text, long_time};
$zone = (string) $domain['name'];
$base = '/domains/' . rawurlencode($zone) . '/history';
$query = static fn (array $q): string => $q ? '?' . http_build_query($q, '', '&', PHP_QUERY_RFC3986) : '';
$keep = $limit !== null ? ['limit' => $limit] : [];
?>
<p class="crumbs"><a href="/dashboard">Dashboard</a> › <a href="/domains/<?= h(rawurlencode($zone)) ?>"><?= h($zone) ?></a> › History</p>
<h1>History of <?= h($zone) ?></h1>
<p class="hint">Every change of the zone makes a version, named by the serial it gave the zone; the newest is the zone as it is now
  (serial <?= h($domain['serial'] ?? '') ?>). Open a version to see what its change did and the zone as it was then, and to restore it.</p>

<?php if (!$versions): ?>
  <p id="no-versions">No older versions.</p>
<?php else: ?>
<div class="scroll">
<table id="versions">
  <caption class="sr">Versions of <?= h($zone) ?>, newest first</caption>
  <thead><tr><th scope="col">Version</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col" class="num">Records</th></tr></thead>
  <tbody>
  <?php foreach ($versions as $v):
      $serial = (int) ($v['serial'] ?? 0);
  ?>
    <tr data-serial="<?= h($serial) ?>">
      <td><a href="<?= h($base . '/' . $serial) ?>" aria-label="Version <?= h($serial) ?>: <?= h($v['summary'] ?? '') ?>"><?= h($serial) ?></a>
        <?php if ($serial === (int) ($domain['serial'] ?? -1)): ?><span class="tag">now</span><?php endif ?></td>
      <td class="when"><time datetime="<?= h($v['created_at'] ?? '') ?>"><?= h(long_time($v['created_at'] ?? null)) ?></time></td>
      <td class="who"><?= h(actor_text((string) ($v['actor'] ?? ''), $keyNames, $ownPrefix)) ?>
        <?php if (($v['remote'] ?? '') !== ''): ?><span class="hint">from <?= h($v['remote']) ?></span><?php endif ?></td>
      <td class="summary"><?= h($v['summary'] ?? '') ?></td>
      <td class="num counts"><span class="count-added">+<?= h((int) ($v['added'] ?? 0)) ?><span class="sr"> records added,</span></span>
        <span class="count-removed">−<?= h((int) ($v['removed'] ?? 0)) ?><span class="sr"> records removed</span></span></td>
    </tr>
  <?php endforeach ?>
  </tbody>
</table>
</div>
<?php endif ?>

<?php if ($cursor !== null || $next !== null): ?>
<nav class="pages" aria-label="Pages of the history">
  <?php if ($cursor !== null): ?><a href="<?= h($base . $query($keep)) ?>" id="newest">‹ Newest versions</a><?php endif ?>
  <?php if ($next !== null): ?><a href="<?= h($base . $query(['cursor' => $next] + $keep)) ?>" id="older" rel="next">Older versions ›</a><?php endif ?>
</nav>
<?php endif ?>
