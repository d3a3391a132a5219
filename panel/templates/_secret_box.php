<?php
// SPDX-License-Identifier: MIT
// Partial: the secret of a key just made, shown this once (the keys page; a new account's first key on the accounts page): $heading, $secret, $adviceHtml (what to do with it, after the warning; HTML, escaped by the page), $detail (the key in words).
use function EndpointDNS\Panel\h;
?>
<section id="new-key" class="secret-box" aria-labelledby="new-key-h">
  <h2 id="new-key-h"><?= h($heading) ?></h2>
  <p class="warning" role="alert"><strong>This secret is shown only this once.</strong> <?= $adviceHtml ?></p>
  <div class="secret-row">
    <code id="key-secret" class="secret" tabindex="0" aria-label="The key's secret"><?= h($secret) ?></code>
    <button type="button" class="copy" data-copy="key-secret" hidden>Copy</button>
    <span class="copy-status hint" role="status" aria-live="polite"></span>
  </div>
  <p class="hint"><?= h($detail) ?></p>
</section>
