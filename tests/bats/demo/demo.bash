# SPDX-License-Identifier: MIT
# Shared by the make demo tests. Load after ../helpers.

# pick_base: a DEMO_PORT_BASE from 10000-31900 whose six ports (BASE+1, +2, +80, +81, +82,
# +90) nobody listens on, TCP or UDP.
pick_base() {
    local b p tries=0
    while ((tries++ < 100)); do
        b=$((10000 + RANDOM % 21900))
        for p in $((b + 1)) $((b + 2)) $((b + 80)) $((b + 81)) $((b + 82)) $((b + 90)); do
            ss -Hlnut "( sport = :$p )" 2>/dev/null | grep -q . && continue 2
        done
        printf '%s\n' "$b"
        return 0
    done
    echo "no free port base found" >&2
    return 1
}
