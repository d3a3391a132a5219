#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The configuration docs hold: etc/*.toml vs endpointdns.toml(5), samples accepted, bad keys refused (78), man pages lint-clean.
#
# For each program with a sample etc/<prog>.toml:
#   - every key of the sample, commented out or not, is documented under the program in
#     man/endpointdns.toml.5, every key documented there is in the sample, and a value the
#     sample sets is the default the page shows (".It Li key = value");
#   - the sample, and the sample with every commented-out "# key = value" and "# [table]" line
#     uncommented, pass `$BIN/<prog> --check-config` (the secret files they name are pointed at
#     a file of the test, since --check-config reads them);
#   - an unknown key (top level and in a table), an unknown table and a value of the wrong
#     type are refused with exit 78 and "file:line:col:" naming the key.
# And every page in man/ passes `mandoc -Tlint -W warning`; the section 1 and 8 pages have
# EXIT STATUS, EXAMPLES and endpointdns.toml(5) in SEE ALSO; project pages referred to exist.
# shellcheck disable=SC2154

load ../helpers

PROGRAMS=(dnsapid dns-serve zone-compile zone-push zone-sync plan-check)
TOML5="$SRC/man/endpointdns.toml.5"

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    # A secret long enough for every kind of secret file (admin key, edge key, password).
    printf 'k8Jd2mQw7rT4vX9zB3nL5pY1\n' >secret
}

# sample_keys FILE: one line per key line of a sample, commented out or not:
# "table.key<TAB>set|commented<TAB>value" ("key" alone at the top level). A commented-out
# table header ("# [[server]]") opens its table as a real one does.
sample_keys() {
    awk '
        match($0, /^(# ?)?\[\[?[a-z_.]+\]\]?[ \t]*$/) {
            t = $0; sub(/^# ?/, "", t); gsub(/[][ \t]/, "", t); table = t; next
        }
        match($0, /^(# ?)?[a-z_]+ = /) {
            state = ($0 ~ /^#/) ? "commented" : "set"
            line = $0; sub(/^# ?/, "", line)
            key = line; sub(/ = .*/, "", key)
            value = line; sub(/^[a-z_]+ = /, "", value)
            printf "%s%s\t%s\t%s\n", (table == "" ? "" : table "."), key, state, value
        }' "$1"
}

# man_keys: one line per key entry of endpointdns.toml(5): "prog<TAB>table.key<TAB>default",
# the default empty for an entry without one (".It Cm key No = Ar type"). prog is "*" for
# the shared [database] table. Entries are ".It Li key = value" or ".It Cm key ..." items of
# the lists under ".Ss <prog>.toml" (tables: ".It Ic [name]" or ".It Ic [[name]]").
man_keys() {
    awk '
        function unescape(s) {
            gsub(/\\\(dq/, "\"", s); gsub(/\\&/, "", s); gsub(/\\e/, "\\", s); gsub(/\\-/, "-", s)
            gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s)
            return s
        }
        /^\.Sh / { prog = ""; depth = 0; table = "" }
        /^\.Sh THE \[database\] TABLE/ { prog = "*"; base = 0 }
        /^\.Ss [a-z-]+\.toml$/ { prog = $2; sub(/\.toml$/, "", prog); depth = 0; table = "" }
        /^\.Bl / { depth++ }
        /^\.El/ { depth--; if (depth <= 1) table = "" }
        prog == "" { next }
        /^\.It Ic \[\[?[a-z_.]+\]\]?$/ { t = $3; gsub(/[][]/, "", t); table = t; next }
        /^\.It (Li|Cm) [a-z_]+ / || /^\.It Cm [a-z_]+$/ {
            key = $3
            tbl = (prog == "*") ? "database" : (depth >= 2 ? table : "")
            def = ""
            if ($2 == "Li") { def = $0; sub(/^\.It Li [a-z_]+ = /, "", def); def = unescape(def) }
            printf "%s\t%s%s\t%s\n", prog, (tbl == "" ? "" : tbl "."), key, def
        }' "$TOML5"
}

# secrets_here FILE: the secret-file keys of FILE point at ./secret.
secrets_here() {
    sed -E -i 's|^(admin_key_file\|key_file\|password_file) = .*|\1 = "secret"|' "$1"
}

# uncommented SAMPLE OUT: SAMPLE with every commented-out key line and table header uncommented.
uncommented() {
    sed -E 's/^# ?(\[\[?[a-z_.]+\]\]?[ \t]*|[a-z_]+ = .*)$/\1/' "$1" >"$2"
}

@test "every program has a sample, and endpointdns.toml(5) a subsection for each" {
    local p
    for p in "${PROGRAMS[@]}"; do
        [[ -r $SRC/etc/$p.toml ]] || fail_with "etc/$p.toml is missing"
        grep -qx "\.Ss $p\.toml" "$TOML5" || fail_with "endpointdns.toml(5) has no .Ss $p.toml"
    done
    local n
    n=$(find "$SRC/etc" -maxdepth 1 -name '*.toml' | wc -l)
    ((n == ${#PROGRAMS[@]})) || fail_with "etc/ holds $n samples; this test knows ${#PROGRAMS[@]}"
}

@test "every key of each sample is in endpointdns.toml(5), with the same default" {
    local man p key state value doc errors=""
    man=$(man_keys)
    [[ -n $man ]] || fail_with "no key entries found in $TOML5"
    for p in "${PROGRAMS[@]}"; do
        while IFS=$'\t' read -r key state value; do
            doc=$(awk -F'\t' -v p="$p" -v k="$key" \
                '($1 == p || ($1 == "*" && k ~ /^database\./)) && $2 == k { print "found\t" $3; exit }' \
                <<<"$man")
            if [[ -z $doc ]]; then
                errors+="etc/$p.toml: $key is not documented under $p.toml"$'\n'
                continue
            fi
            doc=${doc#found$'\t'}
            if [[ $state == set && $value != "$doc" ]]; then
                errors+="etc/$p.toml: $key = $value, but endpointdns.toml(5) shows the default '${doc:-(none)}'"$'\n'
            fi
        done < <(sample_keys "$SRC/etc/$p.toml")
    done
    [[ -z $errors ]] || fail_with "$errors"
}

@test "every key endpointdns.toml(5) documents is in the program's sample" {
    local man p key keys errors=""
    man=$(man_keys)
    while IFS=$'\t' read -r p key _; do
        if [[ $p == "*" ]]; then
            local q
            for q in "${PROGRAMS[@]}"; do
                keys=$(sample_keys "$SRC/etc/$q.toml" | cut -f1)
                grep -q '^database\.' <<<"$keys" || continue
                grep -qxF "$key" <<<"$keys" || errors+="$key is documented for [database] but missing in etc/$q.toml"$'\n'
            done
        else
            keys=$(sample_keys "$SRC/etc/$p.toml" | cut -f1)
            grep -qxF "$key" <<<"$keys" || errors+="$p: $key is documented but not in etc/$p.toml"$'\n'
        fi
    done <<<"$man"
    [[ -z $errors ]] || fail_with "$errors"
}

@test "each sample passes --check-config, as shipped and with every commented-out line uncommented" {
    local p n
    for p in "${PROGRAMS[@]}"; do
        cp "$SRC/etc/$p.toml" "$p.toml"
        secrets_here "$p.toml"
        run --separate-stderr "$BIN/$p" --check-config -c "$p.toml"
        ((status == 0)) || fail_with "$p --check-config refused etc/$p.toml"

        uncommented "$SRC/etc/$p.toml" "$p-all.toml"
        secrets_here "$p-all.toml"
        n=$(sample_keys "$SRC/etc/$p.toml" | grep -c $'\tcommented\t' || true)
        if ((n > 0)); then
            cmp -s "$p.toml" "$p-all.toml" && fail_with "uncommenting etc/$p.toml changed nothing"
        fi
        # Nothing is left commented out that looks like a key.
        ! grep -Eq '^# ?[a-z_]+ = ' "$p-all.toml" || fail_with "$p-all.toml still has commented keys"
        run --separate-stderr "$BIN/$p" --check-config -c "$p-all.toml"
        ((status == 0)) || fail_with "$p --check-config refused etc/$p.toml uncommented"
    done
    # The two example edges of zone-push.toml are read as two servers.
    run --separate-stderr "$BIN/zone-push" --check-config -c zone-push-all.toml
    assert_contains "$stderr" "(2 servers)"
}

@test "an unknown key at the top level is refused with exit 78 and its position" {
    local p
    for p in "${PROGRAMS[@]}"; do
        { echo 'no_such_key = 1'; cat "$SRC/etc/$p.toml"; } >"$p.toml"
        secrets_here "$p.toml"
        run --separate-stderr "$BIN/$p" --check-config -c "$p.toml"
        ((status == 78)) || fail_with "$p: expected 78"
        assert_contains "$stderr" "$p.toml:1:1: unknown key 'no_such_key'"
    done
}

@test "an unknown key in a table is refused with exit 78, file:line:col and the key" {
    local p n table
    for p in "${PROGRAMS[@]}"; do
        n=$(grep -nE '^\[\[?[a-z_]+\]\]?$' "$SRC/etc/$p.toml" | head -1 | cut -d: -f1)
        [[ -n $n ]] || fail_with "etc/$p.toml has no table"
        table=$(sed -n "${n}p" "$SRC/etc/$p.toml")
        sed "${n}a no_such_key = 1" "$SRC/etc/$p.toml" >"$p.toml"
        secrets_here "$p.toml"
        run --separate-stderr "$BIN/$p" --check-config -c "$p.toml"
        ((status == 78)) || fail_with "$p: expected 78 for no_such_key in $table"
        assert_contains "$stderr" "$p: $p.toml:$((n + 1)):1: unknown key 'no_such_key' in "
        [[ $(wc -l <<<"$stderr") == 1 ]] || fail_with "$p: expected one line on stderr"
    done
}

@test "an unknown table is refused with exit 78 and its position" {
    local p n
    for p in "${PROGRAMS[@]}"; do
        cp "$SRC/etc/$p.toml" "$p.toml"
        secrets_here "$p.toml"
        echo '[no_such_table]' >>"$p.toml"
        echo 'x = 1' >>"$p.toml"
        n=$(($(wc -l <"$p.toml") - 1))
        run --separate-stderr "$BIN/$p" --check-config -c "$p.toml"
        ((status == 78)) || fail_with "$p: expected 78"
        assert_contains "$stderr" "$p.toml:$n:2: unknown section [no_such_table]"
    done
}

@test "a value of the wrong type is refused with exit 78, file:line:col and the key" {
    local p n line key table col
    for p in "${PROGRAMS[@]}"; do
        # The first integer the sample sets inside a table.
        read -r n line < <(awk '
            /^\[/ { intable = 1 }
            intable && /^[a-z_]+ = [0-9]+$/ { print NR, $0; exit }' "$SRC/etc/$p.toml")
        [[ -n $n ]] || fail_with "etc/$p.toml sets no integer in a table"
        key=${line%% *}
        table=$(head -n "$n" "$SRC/etc/$p.toml" | grep -E '^\[\[?[a-z_]+\]\]?$' | tail -1 | tr -d '[]')
        col=$((${#key} + 4))
        sed -E "${n}s/= [0-9]+$/= \"12\"/" "$SRC/etc/$p.toml" >"$p.toml"
        secrets_here "$p.toml"
        run --separate-stderr "$BIN/$p" --check-config -c "$p.toml"
        ((status == 78)) || fail_with "$p: expected 78 for $table.$key = \"12\""
        assert_contains "$stderr" "$p: $p.toml:$n:$col: $table.$key must be "
    done
}

@test "every man page passes mandoc -Tlint -W warning" {
    require_cmd mandoc
    run mandoc -Tlint -W warning "$SRC"/man/*.[1-9]
    ((status == 0)) || fail_with "mandoc found problems"
}

@test "the section 1 and 8 pages have EXIT STATUS, EXAMPLES and endpointdns.toml(5)" {
    local page errors=""
    for page in "$SRC"/man/*.1 "$SRC"/man/*.8; do
        grep -qx '\.Sh EXIT STATUS' "$page" || errors+="$page: no EXIT STATUS"$'\n'
        grep -qx '\.Sh EXAMPLES' "$page" || errors+="$page: no EXAMPLES"$'\n'
        sed -n '/^\.Sh SEE ALSO/,/^\.Sh /p' "$page" | grep -q '^\.Xr endpointdns\.toml 5' ||
            errors+="$page: SEE ALSO lacks endpointdns.toml(5)"$'\n'
    done
    [[ -z $errors ]] || fail_with "$errors"
}

@test "project pages referred to exist, and endpointdns(7) names every page" {
    local page name sec ref errors=""
    # .Xr references to our own pages (our program names and endpointdns*).
    while read -r name sec; do
        [[ -e $SRC/man/$name.$sec ]] || errors+=".Xr $name $sec: no man/$name.$sec"$'\n'
    done < <(grep -h '^\.Xr ' "$SRC"/man/*.[1-9] | awk '{ print $2, $3 }' |
        grep -E '^(endpointdns|dnsapid|dns-serve|zone-|plan-check)' | sort -u)
    # Links from the Markdown documentation.
    while read -r ref; do
        [[ -e $SRC/$ref ]] || errors+="link to $ref: no such page"$'\n'
    done < <(cat "$SRC/README.md" "$SRC/CONTRIBUTING.md" "$SRC"/docs/*.md |
        grep -oE '(\.\./)?man/[a-z.-]+\.[1-9]' | sed 's|^\.\./||' | sort -u)
    # The overview's SEE ALSO names every other page.
    for page in "$SRC"/man/*.[1-9]; do
        name=$(basename "$page")
        [[ $name == endpointdns.7 ]] && continue
        sed -n '/^\.Sh SEE ALSO/,/^\.Sh /p' "$SRC/man/endpointdns.7" |
            grep -q "^\.Xr ${name%.*} ${name##*.}" || errors+="endpointdns(7) SEE ALSO lacks $name"$'\n'
    done
    [[ -z $errors ]] || fail_with "$errors"
}
