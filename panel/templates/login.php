<?php
// SPDX-License-Identifier: MIT
// Sign in: email and password; errors of dnsapid (wrong login, too many attempts) above the form.
use function EndpointDNS\Panel\{h, csrf_field, field_aria, field_errors, form_errors};
?>
<section class="narrow">
<h1>Sign in</h1>
<?= form_errors($errors) ?>
<form method="post" action="/login" class="stack">
  <?= csrf_field() ?>
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required value="<?= h($email) ?>"<?= field_aria($errors, 'email', 'email') ?>>
  <?= field_errors($errors, 'email', 'email') ?>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required<?= field_aria($errors, 'password', 'password') ?>>
  <?= field_errors($errors, 'password', 'password') ?>
  <button type="submit">Sign in</button>
</form>
<?php if ($signupOpen): ?>
<p>No account yet? <a href="/signup">Sign up</a>.</p>
<?php endif ?>
</section>
