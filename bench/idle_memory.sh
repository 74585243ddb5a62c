#!/usr/bin/env bash
# Memory per idle keep-alive connection: the heroes example (one loop, --quiet), a fresh
# process for each count, holds COUNTS idle keep-alive connections (each served one GET
# /plaintext first, bench/hold_connections.py) and reports the server's RSS growth per
# connection. Writes bench/out/idle-memory-<ts>.json.
#
# Usage: bench/idle_memory.sh [BUILD_DIR]   (default $CONDUIT_BUILD or <repo>/build-bench)
# Environment: COUNTS="256 10000", CONDUIT_BIN, SERVER_CORE=0, CLIENT_CORE=1,
#   READY_TIMEOUT=15, QUIET_WAIT=30 / QUIET_MAX_PCT=10 (wait for quiet cores first).
# The open-file limit is raised to what 10,000 connections need (the hard limit must allow
# it). Only 127.0.0.1 is contacted; every process started here is stopped by the trap.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
BENCH_NAME=idle_memory
# shellcheck source=SCRIPTDIR/lib/bench_common.sh
source "$(dirname "$0")/lib/bench_common.sh"

build_arg=${1:-${CONDUIT_BUILD:-$REPO_DIR/build-bench}}
[[ $build_arg == /* || -d $build_arg ]] || build_arg=$REPO_DIR/$build_arg
BUILD_DIR=$(realpath -m -- "$build_arg")
COUNTS=${COUNTS:-256 10000}
CONDUIT_BIN=${CONDUIT_BIN:-$BUILD_DIR/examples/heroes/heroes}
CONDUIT_CONFIG=$REPO_DIR/examples/heroes/config.yaml
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
READY_TIMEOUT=${READY_TIMEOUT:-15}
QUIET_WAIT=${QUIET_WAIT:-30}
QUIET_MAX_PCT=${QUIET_MAX_PCT:-10}
[[ -x $CONDUIT_BIN ]] || die "no heroes binary at $CONDUIT_BIN (build the heroes target)"
max_count=0
for count in $COUNTS; do
  [[ $count =~ ^[0-9]+$ ]] || die "COUNTS must be whole numbers, got '$count'"
  ((count > max_count)) && max_count=$count
done
ulimit -n $((max_count + 256)) 2>/dev/null ||
  die "cannot raise the open-file limit to $((max_count + 256)) (hard limit $(ulimit -Hn))"

bench_start_bookkeeping conduit-idle-memory
declare -A PID PORT RESPONSES_OK
check_endpoints() { echo true; }
start_conduit() {
  (cd "$(dirname "$CONDUIT_CONFIG")" &&
    pinned "$SERVER_CORE" "$CONDUIT_BIN" serve --port "$1" --threads 1 --address 127.0.0.1 \
      -c "$CONDUIT_CONFIG" --quiet) >/dev/null 2>"$WORK/conduit.err" </dev/null &
  SERVER_PID=$!
}

mkdir -p "$BENCH_DIR/out"
out=$BENCH_DIR/out/idle-memory-$(date -u +%Y%m%dT%H%M%SZ).json
echo "[" >"$out"
sep=""
printf '%-12s %12s %14s %12s\n' connections open rss_kb bytes/conn
for count in $COUNTS; do
  wait_quiet
  start_server conduit /plaintext || die "conduit did not start"
  result=$(taskset -c "$CLIENT_CORE" timeout -k 5 300 python3 "$BENCH_DIR/hold_connections.py" \
    --port "${PORT[conduit]}" --count "$count" --pids "${PID[conduit]}" --settle 0.5 --timeout 10)
  stop_tree "${PID[conduit]}"
  forget_pid "${PID[conduit]}"
  echo "$result" | python3 -c 'import json, sys
r = json.load(sys.stdin)
keys = ("connections_requested", "connections_open", "rss_kb", "rss_per_connection_bytes")
print("%-12s %12s %14s %12s" % tuple(r[k] for k in keys))'
  printf '%s%s\n' "$sep" "$result" >>"$out"
  sep=","
done
echo "]" >>"$out"
note "wrote $out"
