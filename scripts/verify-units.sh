#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks the systemd units installed under ROOT (a DESTDIR tree) with systemd-analyze verify.
#
# usage: scripts/verify-units.sh ROOT [PREFIX]   (PREFIX defaults to /usr)
#
# Every *.service and *.timer of ROOT/PREFIX/lib/systemd/system is verified as systemd would
# load it from ROOT (--root=): its directives, its dependencies, and its Exec*= programs, which
# must exist and be executable inside ROOT. A template (name@.service) is verified as the
# instance name@verify. Each Documentation=man:PAGE(N) must be installed under ROOT/PREFIX too
# (systemd-analyze would ask the host's man(1), which does not see ROOT; --man=no turns that
# off). systemd-analyze only warns about an unknown directive or a bad value
# and still exits 0, so any output at all counts as a failure here. Exit 0 when every unit is
# clean; 1 otherwise, with systemd-analyze's output on stderr.
set -eu

root=${1:?usage: verify-units.sh ROOT [PREFIX]}
prefix=${2:-/usr}
unitdir=$root$prefix/lib/systemd/system

units="" files=""
for f in "$unitdir"/*.service "$unitdir"/*.timer; do
    [ -e "$f" ] || continue
    files="$files $f"
    u=$(basename "$f")
    case $u in
    *@.*) u="${u%%@.*}@verify.${u##*.}" ;;
    esac
    units="$units $u"
done
if [ -z "$units" ]; then
    echo "verify-units: no units in $unitdir" >&2
    exit 1
fi

missing=""
# shellcheck disable=SC2086 # $files: paths without blanks
for page in $(sed -n 's/^Documentation=//p' $files | tr ' ' '\n' |
    sed -n 's/^man:\([^(]*\)(\([0-9]\))$/\1.\2/p' | sort -u); do
    [ -f "$root$prefix/share/man/man${page##*.}/$page" ] || missing="$missing $page"
done
if [ -n "$missing" ]; then
    echo "verify-units: Documentation= names man pages not installed under $root$prefix:$missing" >&2
    exit 1
fi

# With --root, dependencies are loaded from inside ROOT too: give it the host's units (targets
# such as sysinit.target) in ROOT/lib/systemd/system, a directory of the search path that is not
# PREFIX's, and kill(1) for ExecReload= in ROOT/bin.
mkdir -p "$root/lib/systemd/system" "$root/bin"
for f in /usr/lib/systemd/system/*; do
    [ -e "$root/lib/systemd/system/${f##*/}" ] || cp -RP "$f" "$root/lib/systemd/system/"
done
[ -e "$root/bin/kill" ] || cp /usr/bin/kill "$root/bin/kill"

# shellcheck disable=SC2086 # $units is a list of unit names without blanks
if ! out=$(systemd-analyze verify --man=no --root="$root" $units 2>&1) || [ -n "$out" ]; then
    echo "verify-units: systemd-analyze verify --root=$root$units:" >&2
    printf '%s\n' "$out" >&2
    exit 1
fi
echo "verify-units:$units: OK"
