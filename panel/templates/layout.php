<?php
// SPDX-License-Identifier: MIT
// The page frame: header with the account and sign-out, flash messages, the page, the script.
use function EndpointDNS\Panel\{h, csrf_field};
?>
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?= h($title ?? 'EndpointDNS') ?> · EndpointDNS</title>
<link rel="stylesheet" href="/panel.css">
<script src="/panel.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/">EndpointDNS</a>
  <?php if (!empty($user)): ?>
  <nav aria-label="Main">
    <a href="/dashboard">Dashboard</a>
    <a href="/keys">API keys</a>
    <?php if (($user['role'] ?? '') === 'admin'): ?>
    <a href="/admin/accounts">Admin</a>
    <?php endif ?>
    <span class="who"><?= h($user['email']) ?> · <?= h($accountName ?? '') ?></span>
    <form method="post" action="/logout" class="inline">
      <?= csrf_field() ?>
      <button type="submit" class="link">Sign out</button>
    </form>
  </nav>
  <?php endif ?>
</header>
<main id="main">
<?php foreach ($flashes ?? [] as $f): ?>
  <p class="flash <?= $f['kind'] === 'ok' ? 'ok' : 'error' ?>" role="<?= $f['kind'] === 'ok' ? 'status' : 'alert' ?>"><?= h($f['message']) ?></p>
<?php endforeach ?>
<?= $content ?>
</main>
</body>
</html>
