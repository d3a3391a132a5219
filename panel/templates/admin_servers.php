<?php
// SPDX-License-Identifier: MIT
// Admin: the name servers (edges) with their state and lag, and a Full sync button each.
use function EndpointDNS\Panel\{h, csrf_field, ago_text, server_lag_text, server_reach_text, short_time};
$section = 'servers';
?>
<?php require __DIR__ . '/_admin_nav.php' ?>
<h1>Name servers</h1>
<p class="hint">The edges that answer DNS queries. Every change is pushed to each active one; one that was away is caught up when it is back. <strong>Full sync</strong> reads an edge's zones now and pushes whatever differs from the database (after touching an edge by hand, or to check one). <a href="/admin/servers">Reload</a> to see the state now.</p>
<?php if (!$servers): ?>
  <p id="no-servers">No name servers are registered (<code>POST /v1/servers</code>): changes go nowhere yet.</p>
<?php else: ?>
<div class="scroll">
<table id="servers" class="cards">
  <thead><tr><th scope="col">Server</th><th scope="col">Reachable</th><th scope="col">Last contact</th><th scope="col">In sync</th><th scope="col">Lag</th><th scope="col">Last error</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
  <tbody>
  <?php foreach ($servers as $s):
      $state = is_array($s['state'] ?? null) ? $s['state'] : [];
      $reach = server_reach_text($s);
      $insync = ($state['insync'] ?? false) === true;
      $name = (string) ($s['name'] ?? '');
      $err = (string) ($state['last_error'] ?? '');
      // An error older than the last contact is over: the edge answered since.
      $over = $err !== '' && ($state['reachable'] ?? null) === true
          && strcmp((string) ($state['last_contact_at'] ?? ''), (string) ($state['last_error_at'] ?? '')) > 0;
  ?>
    <tr data-server="<?= h($name) ?>" class="server-<?= h(str_replace(' ', '-', $reach)) ?> <?= $insync ? 'insync' : 'lagging' ?>">
      <td class="primary"><strong><?= h($name) ?></strong><?php if (!empty($s['ns_name'])): ?> <span class="hint"><?= h($s['ns_name']) ?></span><?php endif ?>
        <div class="hint url"><?= h($s['url'] ?? '') ?></div></td>
      <td class="reach" data-label="Reachable"><span class="badge <?= $reach === 'reachable' ? 'good' : ($reach === 'unreachable' ? 'bad' : '') ?>"><?= h($reach) ?></span></td>
      <td class="contact" data-label="Last contact"><?php if (is_string($state['last_contact_at'] ?? null)): ?><time datetime="<?= h($state['last_contact_at']) ?>" title="<?= h(short_time($state['last_contact_at'])) ?>"><?= h(ago_text($state['last_contact_at'])) ?></time><?php else: ?>never<?php endif ?></td>
      <td class="insync" data-label="In sync"><span class="badge <?= $insync ? 'good' : 'bad' ?>"><?= $insync ? 'yes' : 'no' ?></span></td>
      <td class="lag" data-label="Lag"><?= h(server_lag_text($state)) ?></td>
      <td class="error" data-label="Last error"><?php if ($err === ''): ?>—<?php else: ?><?= h($err) ?>
        <div class="hint"><?= h(short_time($state['last_error_at'] ?? null)) ?><?= $over ? ' · answered since' : '' ?></div><?php endif ?></td>
      <td class="action">
        <?php if (($s['active'] ?? true) !== false): ?>
        <form method="post" action="/admin/servers/<?= h(rawurlencode($name)) ?>/sync" class="inline">
          <?= csrf_field() ?>
          <button type="submit" aria-label="Full sync of <?= h($name) ?>">Full sync</button>
        </form>
        <?php else: ?>
        <span class="hint">inactive: no pushes</span>
        <?php endif ?>
      </td>
    </tr>
  <?php endforeach ?>
  </tbody>
</table>
</div>
<?php endif ?>
