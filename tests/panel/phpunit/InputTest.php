<?php
// SPDX-License-Identifier: MIT
// Unit tests of how the panel takes request input: param() (absent, arrays, invalid UTF-8), and the API client refusing a header with a line break.

declare(strict_types=1);

use EndpointDNS\Panel\Api;
use EndpointDNS\Panel\ApiError;
use PHPUnit\Framework\TestCase;

use function EndpointDNS\Panel\param;

final class InputTest extends TestCase
{
    public function testParamIsTheStringOrTheDefault(): void
    {
        $src = ['q' => 'www', 'list' => ['a', 'b'], 'n' => 5, 'empty' => ''];
        $this->assertSame('www', param($src, 'q'));
        $this->assertSame('', param($src, 'absent'));
        $this->assertSame('asc', param($src, 'absent', 'asc'));
        // ?list[]=a&list[]=b, or a number from a decoded body: not text, the default.
        $this->assertSame('', param($src, 'list'));
        $this->assertSame('x', param($src, 'n', 'x'));
        $this->assertSame('', param($src, 'empty', 'x'));
    }

    public function testParamReplacesInvalidUtf8AndKeepsTheRest(): void
    {
        $this->assertSame("a\u{FFFD}b", param(['v' => "a\xFFb"], 'v'));
        $this->assertSame("<b>&amp;\"'é\u{FFFD}", param(['v' => "<b>&amp;\"'é\xC3"], 'v'));
        $this->assertSame('&lt;', param(['v' => '&lt;'], 'v'));
        $this->assertSame(1, preg_match('//u', param(['v' => "\xC0\xAF\xED\xA0\x80"], 'v')));
    }

    public function testAHeaderWithALineBreakIsNeverSent(): void
    {
        // Port 9: nothing is listening, and nothing must be tried either.
        $api = new Api('http://127.0.0.1:9', 'eds_x', 2);
        foreach (["\"7\"\r\nX-Forwarded-For: 203.0.113.66", "\"7\"\nX: y", "\"7\"\0"] as $etag) {
            try {
                $api->replaceRRset('example.com', 'www', 'A', null, ['192.0.2.1'], $etag);
                $this->fail('a header with a line break was sent');
            } catch (\InvalidArgumentException $e) {
                $this->assertStringContainsString('line break', $e->getMessage());
            }
        }
    }

    public function testTextThatIsNotUtf8IsAValidationErrorNotAnException(): void
    {
        $api = new Api('http://127.0.0.1:9', 'eds_x', 2);
        try {
            $api->createDomain("bad\xFF.test");
            $this->fail('no error');
        } catch (ApiError $e) {
            $this->assertSame(422, $e->status);
            $this->assertStringContainsString('not UTF-8', $e->getMessage());
        }
    }
}
