<?php
// SPDX-License-Identifier: MIT
// Domain page: the propagation of the last change, the RRsets (filtered, sorted), the form that adds records, edit and delete.
use function EndpointDNS\Panel\{h, csrf_field, propagation_text, record_types, rrset_search_text, field_aria, field_errors, form_errors};
$zone = (string) $domain['name'];
$types = record_types();
if (!in_array($form['type'], $types, true) && $form['type'] !== '') {
    $types[] = $form['type'];
}
?>
<p class="crumbs"><a href="/dashboard">Dashboard</a> › <?= h($zone) ?></p>
<h1><?= h($zone) ?></h1>
<p class="meta">Serial <?= h($domain['serial'] ?? '') ?> · <?= h($domain['records'] ?? '') ?> records · smallest TTL <?= h($domain['min_ttl'] ?? '') ?> s</p>
<ul class="actions" aria-label="Zone actions">
  <li id="history-link"><a href="/domains/<?= h(rawurlencode($zone)) ?>/history">History: every change, and restoring an earlier version</a></li>
  <li><a href="/domains/<?= h(rawurlencode($zone)) ?>/import">Import a zone file</a></li>
  <li><a href="/domains/<?= h(rawurlencode($zone)) ?>/export" download>Export the zone file</a></li>
  <li><a href="/keys?template=acme&amp;domain=<?= h(rawurlencode($zone)) ?>#create-h">An API key for ACME DNS-01 on <?= h($zone) ?></a></li>
</ul>

<?php if ($change !== null): ?>
<p id="propagation" class="propagation <?= ($change['status'] ?? '') === 'insync' ? 'insync' : 'pending' ?>"
   role="status" aria-live="polite" data-change="<?= h($change['id'] ?? '') ?>" data-status="<?= h($change['status'] ?? '') ?>">
  Change <?= h($change['id'] ?? '') ?> (serial <?= h($change['serial'] ?? '') ?>):
  <span class="propagation-text"><?= h(propagation_text($change)) ?></span>
  <?php if (($change['status'] ?? '') !== 'insync'): ?>
  <a class="recheck" href="/domains/<?= h(rawurlencode($zone)) ?>?change=<?= h($change['id'] ?? '') ?>">check again</a>
  <?php endif ?>
</p>
<?php endif ?>

<section aria-labelledby="rrsets-h">
<h2 id="rrsets-h">Records</h2>
<?php
$base = '/domains/' . rawurlencode($zone);
// A column header: a link that sorts by it (again: the other way), with aria-sort on the current one.
$sortLink = static function (string $col, string $label) use ($view, $base): string {
    $active = $view['sort'] === $col;
    $dir = $active && $view['dir'] === 'asc' ? 'desc' : 'asc';
    $q = array_filter(['q' => $view['q'], 'sort' => $col, 'dir' => $dir], static fn ($v) => $v !== '');
    $arrow = $active ? ($view['dir'] === 'asc' ? ' ▲' : ' ▼') : '';
    return '<a href="' . h($base . '?' . http_build_query($q)) . '">' . h($label) . '<span aria-hidden="true">' . $arrow . '</span></a>';
};
$ariaSort = static fn (string $col): string => $view['sort'] === $col ? ' aria-sort="' . ($view['dir'] === 'asc' ? 'ascending' : 'descending') . '"' : '';
?>
<form method="get" action="<?= h($base) ?>" class="row filter" role="search" id="rrset-filter">
  <div class="field">
    <label for="rr-filter">Filter <span class="hint">(name, type or record)</span></label>
    <input id="rr-filter" name="q" type="search" value="<?= h($view['q']) ?>" autocomplete="off">
  </div>
  <?php if ($view['sort'] !== 'name' || $view['dir'] !== 'asc'): ?>
  <input type="hidden" name="sort" value="<?= h($view['sort']) ?>"><input type="hidden" name="dir" value="<?= h($view['dir']) ?>">
  <?php endif ?>
  <button type="submit">Filter</button>
  <?php if ($view['q'] !== ''): ?><a href="<?= h($base) ?>">Show all</a><?php endif ?>
</form>
<p class="hint" id="rrset-count" role="status" data-total="<?= h($total) ?>"><?php if ($view['q'] !== ''): ?>
  <?= h(count($rrsets)) ?> of <?= h($total) ?> RRsets match “<?= h($view['q']) ?>”.
<?php else: ?>
  <?= h($total) ?> RRsets.
<?php endif ?></p>
<div class="scroll">
<table id="rrsets">
  <thead><tr>
    <th scope="col"<?= $ariaSort('name') ?>><?= $sortLink('name', 'Name') ?></th>
    <th scope="col"<?= $ariaSort('type') ?>><?= $sortLink('type', 'Type') ?></th>
    <th scope="col" class="num"<?= $ariaSort('ttl') ?>><?= $sortLink('ttl', 'TTL') ?></th>
    <th scope="col">Records</th><th scope="col"><span class="sr">Actions</span></th>
  </tr></thead>
  <tbody>
  <?php foreach ($rrsets as $rr): ?>
    <tr data-search="<?= h(rrset_search_text($rr)) ?>">
      <td class="name"><?= h($rr['subname'] ?? $rr['name']) ?></td>
      <td><?= h($rr['type']) ?></td>
      <td class="num"><?= h($rr['ttl']) ?></td>
      <td class="records"><?php foreach ($rr['records'] as $rec): ?><div class="record"><?= h($rec) ?></div><?php endforeach ?></td>
      <td class="actions">
        <?php if (empty($rr['managed'])): ?>
        <a class="button" href="<?= h($base . '/rrsets/' . rawurlencode((string) ($rr['subname'] ?? $rr['name'])) . '/' . rawurlencode((string) $rr['type']) . '/edit') ?>"
           aria-label="Edit <?= h($rr['name'] . ' ' . $rr['type']) ?>">Edit</a>
        <form method="post" action="<?= h($base) ?>/rrsets/delete" class="inline">
          <?= csrf_field() ?>
          <input type="hidden" name="owner" value="<?= h($rr['name']) ?>">
          <input type="hidden" name="type" value="<?= h($rr['type']) ?>">
          <button type="submit" class="danger" aria-label="Delete <?= h($rr['name'] . ' ' . $rr['type']) ?>">Delete</button>
        </form>
        <?php else: ?>
        <span class="hint">managed</span>
        <?php endif ?>
      </td>
    </tr>
  <?php endforeach ?>
  </tbody>
</table>
</div>
<?php if (!$rrsets && $view['q'] !== ''): ?>
<p id="rrset-none">No RRset matches “<?= h($view['q']) ?>”. <a href="<?= h($base) ?>">Show all</a></p>
<?php endif ?>
</section>

<section aria-labelledby="add-h">
<h2 id="add-h">Add records</h2>
<p class="hint">Adds to the records of that name and type (the others stay). Names are relative to <?= h($zone) ?> (<code>@</code> for <?= h($zone) ?> itself); names inside records are written in full, such as <code>mail.<?= h($zone) ?>.</code></p>
<?= form_errors($errors) ?>
<form method="post" action="/domains/<?= h(rawurlencode($zone)) ?>/records" class="grid" id="add-record">
  <?= csrf_field() ?>
  <div class="field">
    <label for="rr-name">Name</label>
    <input id="rr-name" name="name" type="text" placeholder="www or @" value="<?= h($form['name']) ?>"<?= field_aria($errors, 'name', 'rr-name') ?>>
    <?= field_errors($errors, 'name', 'rr-name') ?>
  </div>
  <div class="field">
    <label for="rr-type">Type</label>
    <select id="rr-type" name="type"<?= field_aria($errors, 'type', 'rr-type') ?>>
      <?php foreach ($types as $t): ?>
      <option<?= $t === $form['type'] ? ' selected' : '' ?>><?= h($t) ?></option>
      <?php endforeach ?>
    </select>
    <?= field_errors($errors, 'type', 'rr-type') ?>
  </div>
  <div class="field">
    <label for="rr-ttl">TTL <span class="hint">(seconds, optional)</span></label>
    <input id="rr-ttl" name="ttl" type="text" inputmode="numeric" placeholder="3600" value="<?= h($form['ttl']) ?>"<?= field_aria($errors, 'ttl', 'rr-ttl') ?>>
    <?= field_errors($errors, 'ttl', 'rr-ttl') ?>
  </div>
  <div class="field wide">
    <label for="rr-records">Records <span class="hint">(one a line)</span></label>
    <textarea id="rr-records" name="records" rows="3" placeholder="192.0.2.1"<?= field_aria($errors, 'records', 'rr-records') ?>><?= h($form['records']) ?></textarea>
    <?= field_errors($errors, 'records', 'rr-records') ?>
  </div>
  <div class="field wide"><button type="submit">Add records</button></div>
</form>
</section>
