<?php
// SPDX-License-Identifier: MIT
// Partial: the six limit fields of a plan's form ($form values, $errors by field, of the page that requires it).
use function EndpointDNS\Panel\{h, plan_limit_fields, field_aria, field_errors};
?>
<?php foreach (plan_limit_fields() as $k => $f): $fid = 'plan-' . str_replace('_', '-', $k); ?>
  <div class="field">
    <label for="<?= h($fid) ?>"><?= h($f['label']) ?> <span class="hint">(<?= h($f['hint']) ?>)</span></label>
    <input id="<?= h($fid) ?>" name="<?= h($k) ?>" type="text" inputmode="numeric" placeholder="0: unlimited" value="<?= h($form[$k] ?? '') ?>"<?= field_aria($errors, $k, $fid) ?>>
    <?= field_errors($errors, $k, $fid) ?>
  </div>
<?php endforeach ?>
