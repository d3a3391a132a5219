<?php
// SPDX-License-Identifier: MIT
// An error page: what went wrong, and the way back.
use function EndpointDNS\Panel\h;
?>
<h1><?= h($title) ?></h1>
<p class="flash error" role="alert"><?= h($message) ?></p>
<p><a href="/">Back to the panel</a></p>
