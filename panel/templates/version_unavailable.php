<?php
// SPDX-License-Identifier: MIT
// A version that does not exist (404) or that the change journal cannot rebuild (410): what happened, and the way back.
use function EndpointDNS\Panel\h;
$base = '/domains/' . rawurlencode($zone);
?>
<p class="crumbs"><a href="/dashboard">Dashboard</a> › <a href="<?= h($base) ?>"><?= h($zone) ?></a> ›
  <a href="<?= h($base . '/history') ?>">History</a> › Version <?= h($serial) ?></p>
<h1><?= h($title) ?></h1>
<p class="flash error" role="alert" id="version-problem"><?= h($message) ?></p>
<?php if ($gone): ?>
<p>The change journal no longer holds this version, or a change made after it, so the zone as it was then cannot be
  rebuilt, shown or restored. Later versions may still be there.</p>
<?php else: ?>
<p>A version is named by the serial its change gave the zone: from 1, when the domain was created, to the zone's serial now.</p>
<?php endif ?>
<p><a href="<?= h($base . '/history') ?>">The history of <?= h($zone) ?></a> · <a href="<?= h($base) ?>">Its records</a></p>
