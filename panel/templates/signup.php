<?php
// SPDX-License-Identifier: MIT
// Sign up (when dnsapid allows it): email, password, optional account name; errors next to the fields.
use function EndpointDNS\Panel\{h, csrf_field, field_aria, field_errors, form_errors};
?>
<section class="narrow">
<h1>Sign up</h1>
<?php if (!$open): ?>
  <p class="flash error" role="alert">Sign-up is closed on this service: ask its operator for an account.</p>
  <p><a href="/login">Sign in</a></p>
<?php else: ?>
<?= form_errors($errors) ?>
<form method="post" action="/signup" class="stack">
  <?= csrf_field() ?>
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required value="<?= h($email) ?>"<?= field_aria($errors, 'email', 'email') ?>>
  <?= field_errors($errors, 'email', 'email') ?>
  <label for="password">Password <span class="hint">(at least 10 characters)</span></label>
  <input id="password" name="password" type="password" autocomplete="new-password" required minlength="10"<?= field_aria($errors, 'password', 'password') ?>>
  <?= field_errors($errors, 'password', 'password') ?>
  <label for="account">Account name <span class="hint">(optional; your email by default)</span></label>
  <input id="account" name="account" type="text" value="<?= h($account) ?>"<?= field_aria($errors, 'account', 'account') ?>>
  <?= field_errors($errors, 'account', 'account') ?>
  <button type="submit">Create the account</button>
</form>
<p>Have an account? <a href="/login">Sign in</a>.</p>
<?php endif ?>
</section>
