#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages EndpointDNS needs to build, test and run; skips what is present.
set -eu

packages="build-essential cmake pkg-config
libldns-dev ldnsutils libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libfmt-dev
libgtest-dev bats
clang-14 libclang-rt-14-dev clang-format-14 clang-tidy-14
libmicrohttpd-dev libcurl4-openssl-dev
mariadb-server libmysqlcppconn-dev libssl-dev libsodium-dev
knot knot-dnssecutils knot-dnsutils nsd bind9 bind9-dnsutils dnsperf
mandoc shellcheck systemd time curl jq python3 iproute2 openssl
pebble certbot python3-certbot-dns-rfc2136 lego
php8.2-cli php8.2-curl phpunit chromium nodejs"
# The panel's browser tests need npm; a Node.js from elsewhere (NodeSource) brings its own,
# which Debian's npm package would conflict with.
command -v npm >/dev/null 2>&1 || packages="$packages npm"

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "deps: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: not root; run as root: apt-get install -y$missing" >&2
    exit 77
fi
export DEBIAN_FRONTEND=noninteractive
# Debian's bind9 (like nsd and knot) starts its daemon on install where it can, and named would
# take port 53 on every address. While no policy-rc.d of the machine's own exists, one that
# denies every start keeps the packaged services stopped during this install; the tests and
# benchmarks start their own servers on free loopback ports.
guard=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    guard=/usr/sbin/policy-rc.d
    trap 'rm -f "$guard"' EXIT
    printf '#!/bin/sh\n# written by EndpointDNS scripts/deps.sh for the time of its install\nexit 101\n' \
        >"$guard"
    chmod 755 "$guard"
fi
# Refresh the package lists unless they were fetched in the last day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
    apt-get update -qq
fi
# shellcheck disable=SC2086 # word splitting of the package list is intended
if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
    # Package lists younger than a day can still name versions the mirror has dropped.
    echo "deps: install failed; refreshing the package lists and trying again" >&2
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# Debian starts nsd on install where it can; our tests and benchmarks start their own.
# certbot's package enables certbot.timer (`certbot renew` twice a day); with no certificate
# in /etc/letsencrypt it does nothing. The ACME tests keep certbot's state in their temp dir.
# The packaged named is never wanted: not enabled for the next boot either (named.service; the
# tests run `named -g` themselves).
case " $missing " in
*" bind9 "*)
    if command -v systemctl >/dev/null 2>&1; then
        if [ -d /run/systemd/system ]; then
            systemctl disable --now named >/dev/null 2>&1 || true
        else
            systemctl disable named >/dev/null 2>&1 || true
        fi
    fi
    ;;
esac
