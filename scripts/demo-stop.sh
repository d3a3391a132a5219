#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo-stop: stop exactly the processes `make demo` started (by their pid files).
set -eu
for f in var/demo/*/pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    # Only a dns-serve we started: the pid may have been reused since.
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'dns-serve'; then
        kill "$pid" 2>/dev/null || true
        i=0
        while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        echo "demo: stopped dns-serve (pid $pid)"
    fi
    rm -f "$f"
done
