<?php
// SPDX-License-Identifier: MIT
// Front controller of the panel: every request that is not a static file comes here (also as php -S router script).

declare(strict_types=1);

// As the router script of `php -S`: let the built-in server send the static files.
if (PHP_SAPI === 'cli-server') {
    $file = __DIR__ . (string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
    if ($file !== __DIR__ . '/' && $file !== __FILE__ && is_file($file)) {
        return false;
    }
}

require dirname(__DIR__) . '/src/helpers.php';
require dirname(__DIR__) . '/src/history.php';
require dirname(__DIR__) . '/src/Api.php';
require dirname(__DIR__) . '/src/HistoryPages.php';
require dirname(__DIR__) . '/src/AdminPages.php';
require dirname(__DIR__) . '/src/App.php';

(new EndpointDNS\Panel\App($_SERVER))->run();
