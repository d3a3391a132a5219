<?php
// SPDX-License-Identifier: MIT
// The base class of the panel's tests against a real dnsapid (ApiTest, ZoneApiTest, HistoryApiTest, AdminApiTest): its URL, new users and domains, and a caught ApiError.

declare(strict_types=1);

use EndpointDNS\Panel\Api;
use EndpointDNS\Panel\ApiError;
use PHPUnit\Framework\TestCase;

abstract class ApiTestCase extends TestCase
{
    /** The password of every user these tests make. */
    protected const PASSWORD = 'correct horse battery';

    /** dnsapid's URL (DNSAPID_URL, set by tests/bats/panel/010-phpunit.bats); else the test is skipped. */
    protected static function url(): string
    {
        $url = getenv('DNSAPID_URL');
        if (!is_string($url) || $url === '') {
            self::markTestSkipped('DNSAPID_URL is not set: run through tests/bats/panel/010-phpunit.bats');
        }
        return $url;
    }

    /** 8 random hex digits, to make names no other test uses. */
    protected static function rand(): string
    {
        return bin2hex(random_bytes(4));
    }

    /**
     * A new user (sign-up) with its signed-in client; $name starts its email.
     *
     * @return array{0: Api, 1: string, 2: array<string, mixed>} the client, the email, the session
     */
    protected static function newUser(string $name): array
    {
        $email = $name . '-' . self::rand() . '@example.test';
        $api = new Api(self::url());
        $s = $api->signup($email, self::PASSWORD);
        return [$api, $email, $s];
    }

    /**
     * A new user with one domain; $name starts its email and the zone's name.
     *
     * @return array{0: Api, 1: string} the user's client, the zone
     */
    protected static function withDomain(string $name): array
    {
        [$api] = self::newUser($name);
        $zone = $name . '-' . self::rand() . '.test';
        $api->createDomain($zone);
        return [$api, $zone];
    }

    /** The ApiError that $f throws; fails the test when it throws none. */
    protected static function caught(callable $f): ApiError
    {
        try {
            $f();
        } catch (ApiError $e) {
            return $e;
        }
        self::fail('expected an ApiError');
    }
}
