<?php
// SPDX-License-Identifier: MIT
// Sign in: email and password; errors of dnsapid (wrong login, too many attempts) above the form.
use function EndpointDNS\Panel\{h, csrf_field};
$field_errors = static function (string $field, string $id) use ($errors): void {
    require __DIR__ . '/_errors.php';
};
$invalid = static fn (string $f): string => !empty($errors[$f]) ? ' aria-invalid="true" aria-describedby="err-' . h($f) . '"' : '';
?>
<section class="narrow">
<h1>Sign in</h1>
<?php if (!empty($errors[''])): ?>
  <div class="flash error" role="alert" id="form-error"><?php foreach ($errors[''] as $e): ?><p><?= h($e) ?></p><?php endforeach ?></div>
<?php endif ?>
<form method="post" action="/login" class="stack">
  <?= csrf_field() ?>
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required value="<?= h($email) ?>"<?= $invalid('email') ?>>
  <?php $field_errors('email', 'email') ?>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required<?= $invalid('password') ?>>
  <?php $field_errors('password', 'password') ?>
  <button type="submit">Sign in</button>
</form>
<?php if ($signupOpen): ?>
<p>No account yet? <a href="/signup">Sign up</a>.</p>
<?php endif ?>
</section>
