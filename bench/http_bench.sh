#!/usr/bin/env bash
# HTTP benchmark of the conduit heroes example against two references measured in the
# same run on the same machine: a single-process fastify server and a one-worker nginx.
# Prints requests/s and server CPU microseconds per request for every server and test,
# the ratios the project targets with PASS/FAIL, and writes bench/out/http-<ts>.json.
#
# Usage: bench/http_bench.sh [BUILD_DIR] [DURATION_S] [CONNECTIONS]
#   BUILD_DIR    conduit build dir (default $CONDUIT_BUILD or <repo>/build-bench); a name
#                without a slash that does not exist here is taken relative to the repo.
#                If configured, `cmake --build BUILD_DIR --target heroes` runs first.
#   DURATION_S   seconds per measured wrk run (default 10)
#   CONNECTIONS  connections of the unpipelined runs (default 64); pipelined runs use
#                $PIPELINE_CONNECTIONS (default 256), as TechEmpower does.
# Servers: conduit (the heroes example with --quiet: no request log line, as the
# references run: fastify's logger and nginx's access_log are off), conduit_log (the same
# binary writing its request log line, the default; reported for the record, no verdict),
# fastify, nginx.
# Environment: SERVERS="conduit conduit_log fastify nginx", PIPELINE_DEPTH=16, RSS_CONNECTIONS=256,
#   WARMUP=2 (s per endpoint, 0 = none), REPEAT=1 (rounds of all tests; the report
#   takes the best req/s and the lowest CPU/request of each server and test),
#   CONDUIT_BIN, CONDUIT_CONFIG, CONDUIT_EXTRA_ARGS (e.g. --quiet), CONDUIT_NO_BUILD=1,
#   SERVER_CORE=0, CLIENT_CORE=1, READY_TIMEOUT=15, STRICT=1 (exit 1 unless every
#   target PASSes), QUIET_WAIT=30 / QUIET_MAX_PCT=10 (before each run, wait
#   up to QUIET_WAIT s for the two bench cores to be at most QUIET_MAX_PCT % busy).
#
# Every server runs pinned to SERVER_CORE with one worker; wrk runs with one thread
# pinned to CLIENT_CORE. All servers are started first (RSS is measured on each fresh
# process), then every test runs against each server in turn, so the runs compared with
# each other are neighbours in time. Only 127.0.0.1 is contacted. Every load run is
# bounded by its duration (and a `timeout` guard); every process started here is
# stopped by the trap.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

BENCH_NAME=http_bench
# shellcheck source=SCRIPTDIR/lib/bench_common.sh
source "$(dirname "$0")/lib/bench_common.sh"

# ---- arguments and settings ---------------------------------------------------------------
build_arg=${1:-${CONDUIT_BUILD:-$REPO_DIR/build-bench}}
if [[ $build_arg != /* && ! -d $build_arg && $build_arg != */* ]]; then
  build_arg=$REPO_DIR/$build_arg
fi
BUILD_DIR=$(realpath -m -- "$build_arg")
DURATION=${2:-10}
CONNECTIONS=${3:-64}
PIPELINE_CONNECTIONS=${PIPELINE_CONNECTIONS:-256}
PIPELINE_DEPTH=${PIPELINE_DEPTH:-16}
RSS_CONNECTIONS=${RSS_CONNECTIONS:-256}
WARMUP=${WARMUP:-2}
REPEAT=${REPEAT:-1}
REP=1
SERVERS=${SERVERS:-conduit conduit_log fastify nginx}
CONDUIT_BIN=${CONDUIT_BIN:-$BUILD_DIR/examples/heroes/heroes}
CONDUIT_CONFIG=$(realpath -m -- "${CONDUIT_CONFIG:-$REPO_DIR/examples/heroes/config.yaml}")
CONDUIT_EXTRA_ARGS=${CONDUIT_EXTRA_ARGS:-}
CONDUIT_NO_BUILD=${CONDUIT_NO_BUILD:-0}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
READY_TIMEOUT=${READY_TIMEOUT:-15}
QUIET_WAIT=${QUIET_WAIT:-30}
QUIET_MAX_PCT=${QUIET_MAX_PCT:-10}
STRICT=${STRICT:-0}
FASTIFY_DIR=$BENCH_DIR/reference/fastify
NGINX_CONF=$BENCH_DIR/nginx/nginx.conf
OUT_DIR=$BENCH_DIR/out

for pair in "DURATION_S=$DURATION" "CONNECTIONS=$CONNECTIONS" \
  "PIPELINE_CONNECTIONS=$PIPELINE_CONNECTIONS" "PIPELINE_DEPTH=$PIPELINE_DEPTH" \
  "RSS_CONNECTIONS=$RSS_CONNECTIONS" "WARMUP=$WARMUP" "REPEAT=$REPEAT" \
  "READY_TIMEOUT=$READY_TIMEOUT" "SERVER_CORE=$SERVER_CORE" "CLIENT_CORE=$CLIENT_CORE" \
  "QUIET_WAIT=$QUIET_WAIT" "QUIET_MAX_PCT=$QUIET_MAX_PCT"; do
  [[ ${pair#*=} =~ ^[0-9]+$ ]] || die "${pair%%=*} must be a whole number, got '${pair#*=}'"
done
((DURATION > 0 && CONNECTIONS > 0 && PIPELINE_DEPTH > 0 && REPEAT > 0)) ||
  die "DURATION_S, CONNECTIONS, PIPELINE_DEPTH and REPEAT must be > 0"
for tool in wrk nginx node npm python3 curl taskset timeout; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
CLK_TCK=$(getconf CLK_TCK)

# ---- process bookkeeping and cleanup --------------------------------------------------------
# WORK, STARTED_PIDS, CLIENT_PID and the traps that stop every process started from here on.
bench_start_bookkeeping conduit-http-bench

# ---- measurements from /proc ----------------------------------------------------------------
tree_status_kb() { # tree_status_kb PID FIELD: sum of FIELD (VmRSS, VmHWM) over the tree
  local total=0 pid kb
  for pid in $(tree_pids "$1"); do
    kb=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

# ---- servers ------------------------------------------------------------------------------
SERVER_PID=""

# conduit_log: request log lines on stdout (into /dev/null: the cost measured is
# formatting and writing them, as on Heroku where stdout is a pipe).
start_conduit_log() {
  local port=$1 quiet=${2:-} name=conduit_log
  [[ -n $quiet ]] && name=conduit
  # shellcheck disable=SC2086
  (cd "$(dirname "$CONDUIT_CONFIG")" &&
    pinned "$SERVER_CORE" "$CONDUIT_BIN" serve --port "$port" --threads 1 \
      --address 127.0.0.1 -c "$CONDUIT_CONFIG" $quiet $CONDUIT_EXTRA_ARGS) \
    >/dev/null 2>"$WORK/$name.err" </dev/null &
  SERVER_PID=$!
}

start_conduit() {
  start_conduit_log "$1" --quiet
}

start_fastify() {
  local port=$1
  (cd "$FASTIFY_DIR" && NODE_ENV=production pinned "$SERVER_CORE" \
    node server.js --port "$port" --address 127.0.0.1) \
    >/dev/null 2>"$WORK/fastify.err" </dev/null &
  SERVER_PID=$!
}

start_nginx() {
  local port=$1 prefix=$WORK/nginx/
  mkdir -p "$prefix/tmp"
  sed "s/__PORT__/$port/g" "$NGINX_CONF" >"$prefix/nginx.conf"
  # -p keeps every relative path (pid, temp dirs) in our temp dir; -e keeps nginx away
  # from /var/log/nginx before it has read the config.
  (pinned "$SERVER_CORE" nginx -p "$prefix" -e stderr -c "$prefix/nginx.conf") \
    >/dev/null 2>"$WORK/nginx.err" </dev/null &
  SERVER_PID=$!
}

# Checks both endpoints answer what TechEmpower requires; prints "true" or "false".
check_endpoints() {
  local name=$1 port=$2 ok=true body type
  body=$(curl -fsS --max-time 2 -w '\n%{content_type}' "http://127.0.0.1:$port/plaintext") || body=""
  type=${body##*$'\n'}
  if [[ ${body%$'\n'*} != "Hello, World!" || $type != text/plain* ]]; then
    note "$name: GET /plaintext answered '${body%$'\n'*}' ($type)"
    ok=false
  fi
  body=$(curl -fsS --max-time 2 -w '\n%{content_type}' "http://127.0.0.1:$port/json") || body=""
  type=${body##*$'\n'}
  if ! python3 -c 'import json, sys; sys.exit(json.loads(sys.argv[1]) != {"message": "Hello, World!"})' \
    "${body%$'\n'*}" 2>/dev/null || [[ $type != application/json* ]]; then
    note "$name: GET /json answered '${body%$'\n'*}' ($type)"
    ok=false
  fi
  echo "$ok"
}

# ---- load runs ----------------------------------------------------------------------------
# run_wrk SERVER PID PORT TEST PATH CONNECTIONS DEPTH SECONDS [record]
run_wrk() {
  local server=$1 pid=$2 port=$3 test=$4 path=$5 conns=$6 depth=$7 seconds=$8 record=${9:-}
  local script=$BENCH_DIR/plain.lua extra=() rc=0
  if ((depth > 1)); then
    script=$BENCH_DIR/pipeline.lua
    extra=(-- "$depth")
  fi
  local cpu0 cpu1 c0_before c1_before t0 t1 wrk_cpu result
  [[ -z $record ]] || wait_quiet
  cpu0=$(tree_cpu_ticks "$pid")
  c0_before=$(core_ticks "$SERVER_CORE")
  c1_before=$(core_ticks "$CLIENT_CORE")
  t0=$(date +%s%N)
  timeout -k 5 $((seconds + 30)) taskset -c "$CLIENT_CORE" \
    wrk -t1 -c"$conns" -d"${seconds}s" --timeout 2s --latency -s "$script" \
    "http://127.0.0.1:$port$path" "${extra[@]}" >"$WORK/wrk.out" 2>&1 </dev/null &
  CLIENT_PID=$!
  # `time` of the wait reports the CPU of the reaped wrk (RUSAGE_CHILDREN delta).
  local TIMEFORMAT='%3U %3S'
  { time wait "$CLIENT_PID"; } 2>"$WORK/wrk.time" || rc=$?
  CLIENT_PID=""
  t1=$(date +%s%N)
  cpu1=$(tree_cpu_ticks "$pid")
  [[ -n $record ]] || return 0

  local c0_after c1_after b0a t0a i0a b0b t0b i0b b1a t1a i1a b1b t1b i1b
  c0_after=$(core_ticks "$SERVER_CORE")
  c1_after=$(core_ticks "$CLIENT_CORE")
  wrk_cpu=$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ { print $1 + $2 }' "$WORK/wrk.time" | tail -n 1)
  result=$(sed -n 's/^WRK_RESULT //p' "$WORK/wrk.out" | tail -n 1)
  if [[ $rc -ne 0 || -z $result ]]; then
    note "$server $test: wrk failed (exit $rc):"
    sed 's/^/  /' "$WORK/wrk.out" >&2
    result=null
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    note "$server died during $test"
  fi
  read -r b0a t0a i0a <<<"$c0_before"
  read -r b0b t0b i0b <<<"$c0_after"
  read -r b1a t1a i1a <<<"$c1_before"
  read -r b1b t1b i1b <<<"$c1_after"
  {
    printf '{"server":"%s","test":"%s","repeat":%d,"path":"%s","connections":%d,"pipeline":%d,' \
      "$server" "$test" "$REP" "$path" "$conns" "$depth"
    printf '"duration_s":%d,"wall_s":%s,"clk_tck":%d,"server_cpu_ticks":%d,"wrk_cpu_s":%s,' \
      "$seconds" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')" \
      "$CLK_TCK" $((cpu1 - cpu0)) "${wrk_cpu:-0}"
    printf '"cpu0_busy_ticks":%d,"cpu0_total_ticks":%d,"cpu0_irq_ticks":%d,' \
      $((b0b - b0a)) $((t0b - t0a)) $((i0b - i0a))
    printf '"cpu1_busy_ticks":%d,"cpu1_total_ticks":%d,"cpu1_irq_ticks":%d,' \
      $((b1b - b1a)) $((t1b - t1a)) $((i1b - i1a))
    printf '"wrk":%s}\n' "$result"
  } >>"$WORK/runs.jsonl"
  if [[ $result != null ]]; then
    python3 - "$WORK/runs.jsonl" <<'EOF' >&2
import json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
w = r["wrk"]
rps = w["requests"] / (w["duration_us"] / 1e6)
us = r["server_cpu_ticks"] / r["clk_tck"] * 1e6 / max(w["requests"], 1)
print(f"  {r['server']:<8} {r['test']:<20} c={r['connections']:<4} {rps:>11,.0f} req/s "
      f"{us:7.2f} us CPU/req  p99={w['latency_us']['p99'] / 1000:.2f} ms  "
      f"errors={sum(w['errors'].values())}")
EOF
  fi
}

# Servers run side by side (idle ones cost nothing), so that the same test runs against
# each of them back to back: noise from a shared machine then hits neighbours alike.
declare -A PID PORT RESPONSES_OK HOLD

# Memory on a fresh process (before any load): RSS with RSS_CONNECTIONS idle keep-alive
# connections.
measure_rss() {
  local name=$1
  HOLD[$name]=null
  ((RSS_CONNECTIONS > 0)) || return 0
  timeout -k 5 120 python3 "$BENCH_DIR/hold_connections.py" --port "${PORT[$name]}" \
    --count "$RSS_CONNECTIONS" --pids "$(tree_pids "${PID[$name]}" | tr '\n' ' ')" \
    >"$WORK/hold.out" 2>"$WORK/hold.err" </dev/null &
  CLIENT_PID=$!
  wait "$CLIENT_PID" ||
    note "$name: not every idle connection stayed open: $(head -c 300 "$WORK/hold.err")"
  CLIENT_PID=""
  HOLD[$name]=$(tail -n 1 "$WORK/hold.out")
  [[ -n ${HOLD[$name]} ]] || HOLD[$name]=null
}

finish_server() {
  local name=$1 pid=${PID[$1]} peak alive=true
  peak=$(tree_status_kb "$pid" VmHWM)
  kill -0 "$pid" 2>/dev/null || alive=false
  {
    printf '{"server":"%s","status":"ok","port":%d,"responses_ok":%s,"alive_after_runs":%s,' \
      "$name" "${PORT[$name]}" "${RESPONSES_OK[$name]}" "$alive"
    printf '"peak_rss_kb":%d,"rss":%s}\n' "$peak" "${HOLD[$name]}"
  } >>"$WORK/servers.jsonl"
  stop_tree "$pid"
  forget_pid "$pid"
}

# name path connections depth
TESTS=(
  "plaintext_pipelined /plaintext $PIPELINE_CONNECTIONS $PIPELINE_DEPTH"
  "plaintext /plaintext $CONNECTIONS 1"
  "json /json $CONNECTIONS 1"
  "json_pipelined /json $PIPELINE_CONNECTIONS $PIPELINE_DEPTH"
)

# ---- main ---------------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
servers_to_run=()
for name in $SERVERS; do
  case $name in
  conduit | conduit_log)
    if [[ $CONDUIT_NO_BUILD != 1 && -f $BUILD_DIR/CMakeCache.txt && -z ${BUILT:-} ]]; then
      BUILT=1
      build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")
      [[ $build_type == Release ]] ||
        note "warning: $BUILD_DIR is a '${build_type:-unset}' build; benchmark a Release build"
      note "building heroes in $BUILD_DIR"
      timeout 1800 cmake --build "$BUILD_DIR" --target heroes -j2 >"$WORK/build.log" 2>&1 || {
        note "building heroes failed (last lines below); using any existing binary"
        tail -n 15 "$WORK/build.log" >&2
      }
    fi
    if [[ -x $CONDUIT_BIN ]]; then
      servers_to_run+=("$name")
    else
      note "$name skipped: no executable at $CONDUIT_BIN"
      printf '{"server":"%s","status":"binary missing","binary":"%s"}\n' \
        "$name" "$CONDUIT_BIN" >>"$WORK/servers.jsonl"
    fi
    ;;
  fastify)
    prepare_fastify fastify
    servers_to_run+=(fastify)
    ;;
  nginx) servers_to_run+=(nginx) ;;
  *) die "unknown server '$name' (use conduit, conduit_log, fastify, nginx)" ;;
  esac
done

timestamp=$(date -u +%Y%m%dT%H%M%SZ)
TIMESTAMP=$timestamp BUILD_DIR=$BUILD_DIR CONDUIT_BIN=$CONDUIT_BIN CONDUIT_CONFIG=$CONDUIT_CONFIG \
  CONDUIT_EXTRA_ARGS=$CONDUIT_EXTRA_ARGS SERVERS_RUN="${servers_to_run[*]}" \
  V_WRK=$(wrk -v 2>&1 | head -n 1 | awk '{ print $2 }') \
  V_NGINX=$(nginx -v 2>&1 | sed 's|.*nginx/||') V_NODE=$(node -v) \
  V_FASTIFY=$(cd "$FASTIFY_DIR" &&
    node -p 'require("fastify/package.json").version' 2>/dev/null || echo '?') \
  GIT_REV=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?') \
  python3 - "$WORK/meta.json" "$DURATION" "$CONNECTIONS" "$PIPELINE_CONNECTIONS" \
  "$PIPELINE_DEPTH" "$RSS_CONNECTIONS" "$WARMUP" "$REPEAT" "$SERVER_CORE" "$CLIENT_CORE" \
  "$QUIET_WAIT" "$QUIET_MAX_PCT" <<'EOF'
import json, os, platform, sys
e = os.environ
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
            if l.startswith("model name")), "?")
names = ["duration_s", "connections", "pipeline_connections", "pipeline_depth",
         "rss_connections", "warmup_s", "repeat", "server_core", "client_core",
         "quiet_wait_s", "quiet_max_pct"]
meta = {
    "timestamp": e["TIMESTAMP"],
    "machine": {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
                "loadavg_start": open("/proc/loadavg").read().split()[0]},
    "versions": {"wrk": e["V_WRK"], "nginx": e["V_NGINX"], "node": e["V_NODE"],
                 "fastify": e["V_FASTIFY"]},
    "conduit": {"binary": e["CONDUIT_BIN"], "build_dir": e["BUILD_DIR"],
                "git_revision": e["GIT_REV"], "config": e["CONDUIT_CONFIG"],
                "extra_args": e["CONDUIT_EXTRA_ARGS"]},
    "settings": {**dict(zip(names, map(int, sys.argv[2:]))), "servers": e["SERVERS_RUN"].split()},
}
with open(sys.argv[1], "w") as f:
    json.dump(meta, f)
EOF

running=()
for name in "${servers_to_run[@]}"; do
  if start_server "$name" /plaintext; then
    running+=("$name")
    measure_rss "$name"
  fi
done
if ((WARMUP > 0)); then
  for name in "${running[@]}"; do
    wait_quiet
    run_wrk "$name" "${PID[$name]}" "${PORT[$name]}" warmup /plaintext "$CONNECTIONS" 1 "$WARMUP"
    run_wrk "$name" "${PID[$name]}" "${PORT[$name]}" warmup /json "$CONNECTIONS" 1 "$WARMUP"
  done
fi
for ((REP = 1; REP <= REPEAT; REP++)); do
  for spec in "${TESTS[@]}"; do
    read -r test path conns depth <<<"$spec"
    for name in "${running[@]}"; do
      run_wrk "$name" "${PID[$name]}" "${PORT[$name]}" "$test" "$path" "$conns" "$depth" \
        "$DURATION" record
    done
  done
done
for name in "${running[@]}"; do
  finish_server "$name"
done

report_args=(--dir "$WORK" --out "$OUT_DIR/http-$timestamp.json")
[[ $STRICT == 1 ]] && report_args+=(--strict)
python3 "$BENCH_DIR/http_report.py" "${report_args[@]}"
