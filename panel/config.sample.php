<?php
// SPDX-License-Identifier: MIT
// Sample configuration of the panel: copy to panel/config.php. ENDPOINTDNS_API_URL in the environment wins over api_url.

return [
    // Where dnsapid listens (its REST API under /v1).
    'api_url' => 'http://127.0.0.1:8080',
    // Seconds a call to dnsapid may take (the propagation indicator's wait comes on top).
    'api_timeout' => 30,
    // Send the browser's address to dnsapid in X-Forwarded-For, so that failed logins are
    // limited per client; dnsapid believes it only from sessions.trusted_proxies.
    'forward_client_address' => true,
];
