#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Stops or starts again a test edge of a bats file from outside it (the admin browser scenario): `edge-ctl.bash stop|start I`.
#
# Environment: BIN (the build directory), SRC (the sources) and BATS_FILE_TMPDIR of the bats
# file whose setup_file started the edges (edges_start of ../fanout/fanout.bash, which saves
# their ports and pids there). `stop I` kills edge nsI (SIGKILL: a crash, nothing flushed) and
# waits until it is gone; `start I` starts it again on the same ports with the same state and
# key, waits until it answers, and records its new pid, which edges_teardown_file then stops.

set -euo pipefail
: "${BIN:?BIN must name the build directory}" "${SRC:?SRC must name the sources}"
: "${BATS_FILE_TMPDIR:?BATS_FILE_TMPDIR must name the temp dir of the bats file}"
export BIN

# shellcheck source=SCRIPTDIR/../fanout/fanout.bash
source "$SRC/tests/bats/fanout/fanout.bash"
edges_load

case ${1-}:${2-} in
stop:[0-9]*) edge_stop "$2" KILL ;;
start:[0-9]*) edge_start_again "$2" ;;
*)
    echo "usage: edge-ctl.bash stop|start I" >&2
    exit 64
    ;;
esac
