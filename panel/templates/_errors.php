<?php
// SPDX-License-Identifier: MIT
// Partial: the errors of one form field ($field), with the id its input names in aria-describedby.
use function EndpointDNS\Panel\h;
?>
<?php if (!empty($errors[$field])): ?>
<ul class="field-errors" id="err-<?= h($id) ?>">
<?php foreach ($errors[$field] as $e): ?>
  <li><?= h($e) ?></li>
<?php endforeach ?>
</ul>
<?php endif ?>
