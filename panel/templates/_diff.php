<?php
// SPDX-License-Identifier: MIT
// Partial: a record diff ($diff from record_diff()) as a table, one row per record: − removed, + added, unchanged; $id, $caption.
use function EndpointDNS\Panel\h;
$marks = ['-' => ['removed', '−', 'removed'], '+' => ['added', '+', 'added'], ' ' => ['same', '', 'unchanged']];
?>
<div class="scroll">
<table class="diff" id="<?= h($id) ?>">
  <caption class="sr"><?= h($caption) ?></caption>
  <thead><tr><th scope="col">Change</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col" class="num">TTL</th><th scope="col">Record</th></tr></thead>
  <?php foreach ($diff as $g): ?>
  <tbody data-rrset="<?= h($g['name'] . ' ' . $g['type']) ?>">
    <?php foreach ($g['lines'] as $l): [$class, $sign, $word] = $marks[$l['op']]; ?>
    <tr class="<?= $class ?>">
      <td class="mark"><?php if ($sign !== ''): ?><span class="sign" aria-hidden="true"><?= $sign ?></span> <?php endif ?><?= $word ?></td>
      <td class="name"><?= h($g['subname']) ?></td>
      <td><?= h($g['type']) ?></td>
      <td class="num"><?= h($l['ttl']) ?></td>
      <td class="records"><?= h($l['record']) ?></td>
    </tr>
    <?php endforeach ?>
  </tbody>
  <?php endforeach ?>
</table>
</div>
