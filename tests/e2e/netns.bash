# SPDX-License-Identifier: MIT
# Multi-host topology of the e2e rehearsal: network namespaces, veth links, a router, delays.
#
# Source it (bash) and call, as root:
#
#   e2e_net_up ID        namespaces ID-ctl, ID-rtr, ID-e1, ID-e2, ID-e3; one veth pair from
#                        the router to each of the others; addresses and routes below; IPv4
#                        forwarding on in the router (a per-namespace setting: the host's is
#                        untouched). Nothing is created in the host's namespace.
#   e2e_net_delay MODE   the delay between the controller and each edge region:
#                        netem  `tc qdisc netem` on both ends of each edge link (fails when the
#                               kernel lacks sch_netem)
#                        relay  tests/e2e/delay_relay.py in the router namespace, in front of
#                               each edge's management API (port 8053); DNS is not delayed
#                        auto   netem when the kernel has it, else relay
#                        Sets E2E_DELAY_MODE (netem or relay). In relay mode the relay is
#                        started by e2e_relay_start once the edges run.
#   e2e_net_cut I / e2e_net_restore I    the router's link to edge I down / up
#   e2e_net_down ID      every namespace named ID-* deleted (its veth ends go with it); the
#                        processes still running in them are killed first, by pid, and named
#                        on stderr
#   e2e_in ROLE CMD...   runs CMD in namespace ROLE (ctl, rtr, e1, e2, e3) of E2E_ID
#
# Addresses (the same in every run: no namespace here is linked to the host or to another
# run, so parallel runs cannot clash; only the namespace names must differ, hence the ID):
#
#   ctl  10.253.0.2/24 ── 10.253.0.1  rtr  10.253.I.1 ── 10.253.I.2/24  eI   (I = 1, 2, 3)
#
# Round-trip times between the controller and the edge regions (E2E_RTT_MS, one per edge,
# in ms; the default 20 50 80); the controller and the router are one region (no delay).

E2E_NET_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${E2E_RTT_MS:=20 50 80}"
export E2E_NET_ROOT E2E_RTT_MS

# e2e_ns ROLE: the namespace name of ROLE in run E2E_ID.
e2e_ns() {
    printf '%s-%s\n' "${E2E_ID:?E2E_ID is not set}" "$1"
}

# e2e_in ROLE CMD...: see the top.
e2e_in() {
    local role=$1
    shift
    ip netns exec "$(e2e_ns "$role")" "$@"
}

# e2e_edge_addr I: edge I's address.
e2e_edge_addr() {
    printf '10.253.%s.2\n' "$1"
}

# e2e_rtt I: the configured round-trip time to edge I, in ms.
e2e_rtt() {
    local -a r
    read -r -a r <<<"$E2E_RTT_MS"
    printf '%s\n' "${r[$1 - 1]:?no round-trip time for edge $1 in E2E_RTT_MS}"
}

# e2e_net_up ID: see the top.
e2e_net_up() {
    E2E_ID=${1:?usage: e2e_net_up ID}
    export E2E_ID
    local role i rtr
    rtr=$(e2e_ns rtr)
    for role in rtr ctl e1 e2 e3; do
        ip netns add "$(e2e_ns "$role")" || return 1
        ip -n "$(e2e_ns "$role")" link set dev lo up || return 1
    done
    # The controller's link: "ctl" in the router, "uplink" in the controller.
    ip link add ctl netns "$rtr" type veth peer name uplink netns "$(e2e_ns ctl)" || return 1
    ip -n "$rtr" addr add 10.253.0.1/24 dev ctl || return 1
    ip -n "$(e2e_ns ctl)" addr add 10.253.0.2/24 dev uplink || return 1
    ip -n "$rtr" link set dev ctl up || return 1
    ip -n "$(e2e_ns ctl)" link set dev uplink up || return 1
    ip -n "$(e2e_ns ctl)" route add default via 10.253.0.1 || return 1
    # Each edge's link: "eI" in the router, "uplink" in the edge.
    for i in 1 2 3; do
        ip link add "e$i" netns "$rtr" type veth peer name uplink netns "$(e2e_ns "e$i")" ||
            return 1
        ip -n "$rtr" addr add "10.253.$i.1/24" dev "e$i" || return 1
        ip -n "$(e2e_ns "e$i")" addr add "$(e2e_edge_addr "$i")/24" dev uplink || return 1
        ip -n "$rtr" link set dev "e$i" up || return 1
        ip -n "$(e2e_ns "e$i")" link set dev uplink up || return 1
        ip -n "$(e2e_ns "e$i")" route add default via "10.253.$i.1" || return 1
    done
    # /proc/sys/net is the namespace's own (no procps needed for sysctl).
    e2e_in rtr sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward' || return 1
}

# e2e_netem_available: true if this kernel can add a netem qdisc (tried on the router's lo).
e2e_netem_available() {
    e2e_in rtr tc qdisc add dev lo root netem delay 1ms 2>/dev/null || return 1
    e2e_in rtr tc qdisc del dev lo root 2>/dev/null
    return 0
}

# e2e_net_delay MODE: see the top.
e2e_net_delay() {
    local mode=${1:-auto} i half
    if [[ $mode == auto ]]; then
        mode=relay
        e2e_netem_available && mode=netem
    fi
    case $mode in
    netem)
        e2e_netem_available || {
            echo "e2e_net_delay: netem asked for, but tc cannot add a netem qdisc here" \
                "(no sch_netem in this kernel?); use relay or auto" >&2
            return 69
        }
        for i in 1 2 3; do
            # Half the round trip on each end, so both directions are slow.
            half=$(awk -v r="$(e2e_rtt "$i")" 'BEGIN { printf "%.1fms", r / 2 }')
            e2e_in rtr tc qdisc add dev "e$i" root netem delay "$half" || return 1
            e2e_in "e$i" tc qdisc add dev uplink root netem delay "$half" || return 1
        done
        ;;
    relay) ;;
    *)
        echo "e2e_net_delay: unknown mode '$mode' (netem, relay or auto)" >&2
        return 64
        ;;
    esac
    E2E_DELAY_MODE=$mode
    export E2E_DELAY_MODE
}

# e2e_relay_port I: the relay's port for edge I (on the router's 10.253.0.1).
e2e_relay_port() {
    printf '%s\n' "$((8000 + $1))"
}

# e2e_mgmt_url I: the URL the controller uses for edge I's management API: through the
# relay in relay mode, else the edge's own address.
e2e_mgmt_url() {
    if [[ ${E2E_DELAY_MODE-} == relay ]]; then
        printf 'http://10.253.0.1:%s\n' "$(e2e_relay_port "$1")"
    else
        printf 'http://%s:8053\n' "$(e2e_edge_addr "$1")"
    fi
}

# e2e_relay_start DIR: starts delay_relay.py in the router namespace for the three edges,
# logging to DIR/relay.log, and waits until it listens. Sets E2E_RELAY_PID.
e2e_relay_start() {
    local dir=$1 i tries=0
    local -a specs=()
    for i in 1 2 3; do
        specs+=("10.253.0.1:$(e2e_relay_port "$i")=$(e2e_edge_addr "$i"):8053@$(e2e_rtt "$i")")
    done
    rm -f "$dir/relay.ready"
    # fd 3 is closed so that bats does not wait for the relay at the end of a test.
    ip netns exec "$(e2e_ns rtr)" python3 "$E2E_NET_ROOT/delay_relay.py" \
        --ready-file "$dir/relay.ready" "${specs[@]}" </dev/null >>"$dir/relay.log" 2>&1 3>&- &
    E2E_RELAY_PID=$!
    export E2E_RELAY_PID
    until [[ -e $dir/relay.ready ]]; do
        if ! kill -0 "$E2E_RELAY_PID" 2>/dev/null || ((++tries > 200)); then
            echo "delay_relay.py did not start; its log:" >&2
            cat "$dir/relay.log" >&2
            return 1
        fi
        sleep 0.05
    done
}

# e2e_net_cut I / e2e_net_restore I: see the top.
e2e_net_cut() {
    e2e_in rtr ip link set dev "e$1" down
}
e2e_net_restore() {
    e2e_in rtr ip link set dev "e$1" up
}

# e2e_net_down ID: see the top.
e2e_net_down() {
    local id=${1:?usage: e2e_net_down ID} ns pid rc=0
    while read -r ns _; do
        [[ $ns == "$id"-* ]] || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            echo "e2e: process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)) still" \
                "runs in $ns; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
            rc=1
        done
        ip netns del "$ns" || rc=1
    done < <(ip netns list 2>/dev/null)
    return "$rc"
}
