<?php
// SPDX-License-Identifier: MIT
// PHPUnit bootstrap of the panel's tests: loads the panel's sources (no autoloader, no Composer) and the tests' base class.

declare(strict_types=1);

$panel = dirname(__DIR__, 3) . '/panel';
require $panel . '/src/helpers.php';
require $panel . '/src/history.php';
require $panel . '/src/Api.php';
require $panel . '/src/HistoryPages.php';
require $panel . '/src/AdminPages.php';
require $panel . '/src/App.php';

require __DIR__ . '/ApiTestCase.php';
