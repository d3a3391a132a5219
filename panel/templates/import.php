<?php
// SPDX-License-Identifier: MIT
// Zone-file import: the file (pasted or uploaded), its errors by line, then the dry run's plan and the button that applies exactly it.
use function EndpointDNS\Panel\{h, csrf_field, rrset_diff, field_aria, field_errors, form_errors};
$zone = (string) $domain['name'];
$base = '/domains/' . rawurlencode($zone);
// One RRset of the plan: name, type, TTL, records.
$row = static function (array $rr, string $class = ''): void { ?>
    <tr<?= $class !== '' ? ' class="' . h($class) . '"' : '' ?>>
      <td class="name"><?= h($rr['subname'] ?? $rr['name'] ?? '') ?></td>
      <td><?= h($rr['type'] ?? '') ?></td>
      <td class="num"><?= h($rr['ttl'] ?? '') ?></td>
      <td class="records"><?php foreach ($rr['records'] ?? [] as $rec): ?><div class="record"><?= h($rec) ?></div><?php endforeach ?></td>
    </tr>
<?php };
$head = '<thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col" class="num">TTL</th><th scope="col">Records</th></tr></thead>';
?>
<p class="crumbs"><a href="/dashboard">Dashboard</a> › <a href="<?= h($base) ?>"><?= h($zone) ?></a> › import</p>
<h1>Import a zone file into <?= h($zone) ?></h1>

<?php if ($plan === null): ?>
<p class="hint">Afterwards the zone holds exactly the file's records: RRsets the file lacks are deleted. The file's SOA is ignored (EndpointDNS manages it); a file without NS records at <?= h($zone) ?> keeps the zone's name servers. <code>$ORIGIN</code> defaults to <?= h($zone) ?>.; <code>$TTL</code> and relative names work; <code>$INCLUDE</code> does not. Nothing changes until you have seen the plan and applied it.</p>
<?= form_errors($errors) ?>
<form method="post" action="<?= h($base) ?>/import" enctype="multipart/form-data" class="stack" id="import-form">
  <?= csrf_field() ?>
  <div class="field">
    <label for="im-zone">Zone file</label>
    <textarea id="im-zone" name="zone" rows="14" spellcheck="false" placeholder="$TTL 3600&#10;www  IN A  192.0.2.1&#10;@    IN MX 10 mail.<?= h($zone) ?>."<?= field_aria($errors, 'zone', 'im-zone') ?>>
<?= h($text) ?></textarea>
    <?= field_errors($errors, 'zone', 'im-zone') ?>
  </div>
  <div class="field">
    <label for="im-file">Or a file <span class="hint">(used instead of the text above)</span></label>
    <input id="im-file" name="file" type="file" accept=".zone,.txt,.db,text/plain,text/dns"<?= field_aria($errors, 'file', 'im-file') ?>>
    <?= field_errors($errors, 'file', 'im-file') ?>
  </div>
  <div class="row">
    <button type="submit">Show the plan</button>
    <a href="<?= h($base) ?>">Cancel</a>
  </div>
</form>
<?php else:
    $sum = $plan['summary'] ?? [];
    $n = (int) ($sum['create'] ?? 0) + (int) ($sum['update'] ?? 0) + (int) ($sum['delete'] ?? 0);
?>
<?php if (!empty($notice)): ?>
<p class="flash error" role="alert" id="plan-notice"><?= h($notice) ?></p>
<?php endif ?>
<section aria-labelledby="plan-h" id="plan">
<h2 id="plan-h">The plan</h2>
<?php if ($n === 0): ?>
<p id="plan-summary">The zone already holds exactly this file's records: importing it changes nothing.</p>
<p><a href="<?= h($base) ?>">Back to <?= h($zone) ?></a></p>
<?php else: ?>
<p id="plan-summary">Importing this file into <?= h($zone) ?> (now at serial <?= h($plan['serial'] ?? '') ?>) would
  <strong><?= h($sum['create'] ?? 0) ?> create</strong>, <strong><?= h($sum['update'] ?? 0) ?> update</strong> and
  <strong><?= h($sum['delete'] ?? 0) ?> delete</strong> RRsets, in one change:</p>

<?php if (!empty($plan['plan']['create'])): ?>
<h3 id="plan-create-h">Created</h3>
<div class="scroll"><table class="plan plan-create" aria-labelledby="plan-create-h"><?= $head ?><tbody>
<?php foreach ($plan['plan']['create'] as $rr) { $row($rr, 'add'); } ?>
</tbody></table></div>
<?php endif ?>

<?php if (!empty($plan['plan']['update'])): ?>
<h3 id="plan-update-h">Updated</h3>
<div class="scroll"><table class="plan plan-update" aria-labelledby="plan-update-h">
  <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col" class="num">TTL</th><th scope="col">Records</th></tr></thead>
  <tbody>
  <?php foreach ($plan['plan']['update'] as $u): $d = rrset_diff($u); $after = $u['after'] ?? []; ?>
    <tr>
      <td class="name"><?= h($after['subname'] ?? $after['name'] ?? '') ?></td>
      <td><?= h($after['type'] ?? '') ?></td>
      <td class="num"><?php if ($d['ttl_before'] !== $d['ttl_after']): ?><del><?= h($d['ttl_before']) ?></del> → <ins><?= h($d['ttl_after']) ?></ins><?php else: ?><?= h($d['ttl_after']) ?><?php endif ?></td>
      <td class="records diff">
        <?php foreach ($d['removed'] as $rec): ?><div class="record removed"><span class="mark" aria-hidden="true">−</span><del><span class="sr">removed: </span><?= h($rec) ?></del></div><?php endforeach ?>
        <?php foreach ($d['added'] as $rec): ?><div class="record added"><span class="mark" aria-hidden="true">+</span><ins><span class="sr">added: </span><?= h($rec) ?></ins></div><?php endforeach ?>
        <?php foreach ($d['kept'] as $rec): ?><div class="record kept"><span class="mark" aria-hidden="true"> </span><?= h($rec) ?></div><?php endforeach ?>
      </td>
    </tr>
  <?php endforeach ?>
  </tbody>
</table></div>
<?php endif ?>

<?php if (!empty($plan['plan']['delete'])): ?>
<h3 id="plan-delete-h">Deleted</h3>
<div class="scroll"><table class="plan plan-delete" aria-labelledby="plan-delete-h"><?= $head ?><tbody>
<?php foreach ($plan['plan']['delete'] as $rr) { $row($rr, 'removed'); } ?>
</tbody></table></div>
<?php endif ?>

<form method="post" action="<?= h($base) ?>/import/apply" class="stack" id="apply-import">
  <?= csrf_field() ?>
  <input type="hidden" name="serial" value="<?= h($plan['serial'] ?? '') ?>">
  <input type="hidden" name="digest" value="<?= h($digest ?? '') ?>">
  <details>
    <summary>The file</summary>
    <label for="ap-zone" class="sr">The zone file the plan is for</label>
    <textarea id="ap-zone" name="zone" rows="12" readonly spellcheck="false">
<?= h($text) ?></textarea>
  </details>
  <div class="row">
    <button type="submit">Apply the plan</button>
    <a href="<?= h($base) ?>/import">Start over</a>
    <a href="<?= h($base) ?>">Cancel</a>
  </div>
  <p class="hint">Applied only while <?= h($zone) ?> is still at serial <?= h($plan['serial'] ?? '') ?>; if it changes first, you get the new plan to review.</p>
</form>
<?php endif ?>
</section>
<?php endif ?>
