<?php
// SPDX-License-Identifier: MIT
// Partial: the admin pages' own navigation ($section: accounts, plans or servers is the current one).
use function EndpointDNS\Panel\h;
$adminSections = ['accounts' => 'Accounts', 'plans' => 'Plans', 'servers' => 'Name servers'];
?>
<nav class="admin-nav" aria-label="Admin">
  <span class="admin-badge">Admin</span>
<?php foreach ($adminSections as $s => $label): ?>
  <a href="/admin/<?= h($s) ?>"<?= $s === $section ? ' aria-current="page"' : '' ?>><?= h($label) ?></a>
<?php endforeach ?>
</nav>
