#!/usr/bin/env bash
# Database benchmark: TechEmpower's four PostgreSQL tests (single query, 20 queries,
# fortunes, 20 updates) served by conduit (bench/techempower, target conduit_techempower)
# and by a single-process fastify + pg reference (bench/reference/fastify-pg), against
# the same throwaway PostgreSQL cluster in the same run. Prints requests/s and server CPU
# microseconds per request for both, their ratios, the target (single query: conduit at
# least 3x fastify) with PASS/FAIL, and writes bench/out/db-<ts>.json.
#
# Usage: bench/db_bench.sh [BUILD_DIR] [DURATION_S] [CONNECTIONS]
#   BUILD_DIR    default $CONDUIT_BUILD or <repo>/build-dbbench; a name without a slash
#                that does not exist here is taken relative to the repo. Not configured
#                yet: configured as a Release build of bench/techempower on its own (which
#                builds the conduit libraries it needs). Then `cmake --build BUILD_DIR
#                --target conduit_techempower` runs (skip with CONDUIT_NO_BUILD=1).
#   DURATION_S   seconds per measured wrk run (default 10)
#   CONNECTIONS  wrk connections (default 64)
# Environment: SERVERS="conduit fastify", ENDPOINTS="db queries fortunes updates" (the
#   tests to run), QUERIES=20 (N of /queries and /updates),
#   POOL_SIZE=8 (database connections of each server), WARMUP=3 (s per endpoint and
#   server), REPEAT=1 (rounds; the report keeps the best req/s and the lowest CPU/req),
#   CONDUIT_BIN, CONDUIT_EXTRA_ARGS (e.g. --quiet), SERVER_CORE=0, CLIENT_CORE=1,
#   DB_CORE=$CLIENT_CORE (PostgreSQL's core; empty = not pinned), PG_PORT=54391 (the
#   cluster's port: not the tests' 54329), DB_TRANSPORT=tcp (or unix: both servers use
#   the cluster's Unix socket instead of TCP on 127.0.0.1), READY_TIMEOUT=15, QUIET_WAIT=30 /
#   QUIET_MAX_PCT=10 (wait for quiet cores before each run), STRICT=1 (exit 1 unless the
#   target PASSes).
#
# The server under test runs pinned to SERVER_CORE, one event loop (conduit --threads 1,
# one node process). wrk (one thread) and PostgreSQL share CLIENT_CORE, so that nothing
# but the server runs on its core. Each test runs against each server in turn. Only
# 127.0.0.1 is contacted; every process and the cluster are stopped by the trap.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

BENCH_NAME=db_bench
# shellcheck source=SCRIPTDIR/lib/bench_common.sh
source "$(dirname "$0")/lib/bench_common.sh"

# ---- arguments and settings ---------------------------------------------------------------
build_arg=${1:-${CONDUIT_BUILD:-$REPO_DIR/build-dbbench}}
if [[ $build_arg != /* && ! -d $build_arg && $build_arg != */* ]]; then
  build_arg=$REPO_DIR/$build_arg
fi
BUILD_DIR=$(realpath -m -- "$build_arg")
DURATION=${2:-10}
CONNECTIONS=${3:-64}
SERVERS=${SERVERS:-conduit fastify}
ENDPOINTS=${ENDPOINTS:-db queries fortunes updates}
QUERIES=${QUERIES:-20}
POOL_SIZE=${POOL_SIZE:-8}
WARMUP=${WARMUP:-3}
REPEAT=${REPEAT:-1}
REP=1
CONDUIT_BIN=${CONDUIT_BIN:-}
CONDUIT_EXTRA_ARGS=${CONDUIT_EXTRA_ARGS:-}
CONDUIT_NO_BUILD=${CONDUIT_NO_BUILD:-0}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
DB_CORE=${DB_CORE-$CLIENT_CORE}
PG_PORT=${PG_PORT:-54391}
DB_TRANSPORT=${DB_TRANSPORT:-tcp}
READY_TIMEOUT=${READY_TIMEOUT:-15}
QUIET_WAIT=${QUIET_WAIT:-30}
QUIET_MAX_PCT=${QUIET_MAX_PCT:-10}
STRICT=${STRICT:-0}
APP_DIR=$BENCH_DIR/techempower
FASTIFY_DIR=$BENCH_DIR/reference/fastify-pg
OUT_DIR=$BENCH_DIR/out

for pair in "DURATION_S=$DURATION" "CONNECTIONS=$CONNECTIONS" "QUERIES=$QUERIES" \
  "POOL_SIZE=$POOL_SIZE" "WARMUP=$WARMUP" "REPEAT=$REPEAT" "PG_PORT=$PG_PORT" \
  "READY_TIMEOUT=$READY_TIMEOUT" "SERVER_CORE=$SERVER_CORE" "CLIENT_CORE=$CLIENT_CORE" \
  "QUIET_WAIT=$QUIET_WAIT" "QUIET_MAX_PCT=$QUIET_MAX_PCT"; do
  [[ ${pair#*=} =~ ^[0-9]+$ ]] || die "${pair%%=*} must be a whole number, got '${pair#*=}'"
done
[[ -z $DB_CORE || $DB_CORE =~ ^[0-9]+$ ]] || die "DB_CORE must be a core number or empty"
[[ $DB_TRANSPORT == tcp || $DB_TRANSPORT == unix ]] || die "DB_TRANSPORT must be tcp or unix"
((DURATION > 0 && CONNECTIONS > 0 && REPEAT > 0 && POOL_SIZE > 0)) ||
  die "DURATION_S, CONNECTIONS, REPEAT and POOL_SIZE must be > 0"
((QUERIES >= 1 && QUERIES <= 500)) || die "QUERIES must be within 1..500"
for tool in wrk node npm python3 curl taskset timeout psql cmake; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
CLK_TCK=$(getconf CLK_TCK)

# The cluster: scripts/pg-test-cluster.sh with a port of our own, so a test suite using
# the default cluster is never touched.
export CONDUIT_PG_TEST_PORT=$PG_PORT
export CONDUIT_PG_TEST_DIR=${TMPDIR:-/tmp}/conduit-db-bench-$PG_PORT
CLUSTER=$REPO_DIR/scripts/pg-test-cluster.sh
PG_USER=conduit_test
PG_PASSWORD=conduit_test_pw
PG_DATABASE=conduit_test
# How both servers reach PostgreSQL: TCP on 127.0.0.1 (as TechEmpower, whose database is
# on another machine) or the cluster's Unix socket directory.
PG_HOST=127.0.0.1
[[ $DB_TRANSPORT == unix ]] && PG_HOST=$CONDUIT_PG_TEST_DIR

# ---- process bookkeeping and cleanup --------------------------------------------------------
CLUSTER_STARTED=0

# Called by cleanup (bench_common.sh) after the servers are stopped.
bench_cleanup_hook() {
  if ((CLUSTER_STARTED)); then
    "$CLUSTER" stop >/dev/null 2>&1 || note "stopping the cluster failed; run: $CLUSTER stop"
  fi
}

# WORK, STARTED_PIDS, CLIENT_PID and the traps that stop every process started from here on.
bench_start_bookkeeping conduit-db-bench

# ---- measurements from /proc ----------------------------------------------------------------
# tree_cpu_table and tree_cpu_delta (bench/lib/bench_common.sh) sum PostgreSQL's CPU per process.

# ---- the database -------------------------------------------------------------------------
PG_PID=""

psql_bench() {
  PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
    -U "$PG_USER" -d "$PG_DATABASE" "$@"
}

start_cluster() {
  note "starting PostgreSQL on 127.0.0.1:$PG_PORT${DB_CORE:+ (core $DB_CORE)}"
  CLUSTER_STARTED=1
  # The postmaster and every backend it forks inherit the affinity.
  if [[ -n $DB_CORE ]]; then
    timeout 120 taskset -c "$DB_CORE" "$CLUSTER" start >/dev/null
  else
    timeout 120 "$CLUSTER" start >/dev/null
  fi
  PG_PID=$(head -n 1 "$CONDUIT_PG_TEST_DIR/data/postmaster.pid")
  psql_bench -f "$APP_DIR/schema.sql" >/dev/null
  [[ $(psql_bench -tAc 'SELECT count(*) FROM world') == 10000 ]] || die "World was not loaded"
  [[ $(psql_bench -tAc 'SELECT count(*) FROM fortune') == 12 ]] || die "Fortune was not loaded"
}

# ---- servers ------------------------------------------------------------------------------
SERVER_PID=""

start_conduit() {
  local port=$1
  cat >"$WORK/conduit.yaml" <<EOF
database:
  host: $PG_HOST
  port: $PG_PORT
  databaseName: $PG_DATABASE
  username: $PG_USER
  password: $PG_PASSWORD
  maxConnectionCount: $POOL_SIZE
EOF
  # shellcheck disable=SC2086
  (cd "$WORK" && pinned "$SERVER_CORE" "$CONDUIT_BIN" serve --port "$port" --threads 1 \
    --address 127.0.0.1 -c "$WORK/conduit.yaml" $CONDUIT_EXTRA_ARGS) \
    >/dev/null 2>"$WORK/conduit.err" </dev/null &
  SERVER_PID=$!
}

start_fastify() {
  local port=$1
  (cd "$FASTIFY_DIR" && NODE_ENV=production PGHOST=$PG_HOST PGPORT=$PG_PORT \
    PGDATABASE=$PG_DATABASE PGUSER=$PG_USER PGPASSWORD=$PG_PASSWORD PG_POOL_SIZE=$POOL_SIZE \
    pinned "$SERVER_CORE" node server.js --port "$port" --address 127.0.0.1) \
    >/dev/null 2>"$WORK/fastify.err" </dev/null &
  SERVER_PID=$!
}

# Checks the four endpoints against TechEmpower's requirements (and the updates against
# the table); prints "true" or "false", explains failures on stderr.
check_endpoints() {
  local name=$1 port=$2
  PGPASSWORD=$PG_PASSWORD python3 - "$name" "$port" "$PG_PORT" "$PG_USER" "$PG_DATABASE" <<'EOF'
import html, json, re, subprocess, sys, urllib.request

name, port, pg_port, pg_user, pg_db = sys.argv[1:]
problems = []

def get(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")

def world_ok(w):
    return (isinstance(w, dict) and set(w) == {"id", "randomNumber"}
            and all(isinstance(w[k], int) and 1 <= w[k] <= 10000 for k in w))

def check(path, expect):
    try:
        status, ctype, body = get(path)
    except Exception as e:  # noqa: BLE001 - any failure is reported the same way
        problems.append(f"GET {path}: {e}")
        return None
    if status != 200 or not ctype.startswith(expect):
        problems.append(f"GET {path}: status {status}, content type {ctype!r}")
        return None
    return body

body = check("/db", "application/json")
if body is not None and not world_ok(json.loads(body)):
    problems.append(f"GET /db: {body[:200]}")
for query, count in (("20", 20), ("0", 1), ("foo", 1), ("", 1), ("501", 500)):
    body = check(f"/queries?queries={query}", "application/json")
    if body is None:
        continue
    worlds = json.loads(body)
    if not isinstance(worlds, list) or len(worlds) != count or not all(map(world_ok, worlds)):
        problems.append(f"GET /queries?queries={query}: expected {count} worlds, got {body[:200]}")
body = check("/fortunes", "text/html")
if body is not None:
    rows = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", body)
    messages = [html.unescape(m) for _, m in rows]
    if (len(rows) != 13 or messages != sorted(messages)
            or "Additional fortune added at request time." not in messages
            or "&lt;script&gt;" not in body or "<script>" in body
            or "フレームワークのベンチマーク" not in messages
            or not body.startswith("<!DOCTYPE html><html><head><title>Fortunes</title>")):
        problems.append(f"GET /fortunes: {body[:300]}")
body = check("/updates?queries=20", "application/json")
if body is not None:
    worlds = json.loads(body)
    if not isinstance(worlds, list) or len(worlds) != 20 or not all(map(world_ok, worlds)):
        problems.append(f"GET /updates?queries=20: {body[:200]}")
    else:
        ids = ",".join(str(w["id"]) for w in worlds)
        out = subprocess.run(
            ["psql", "-X", "-tA", "-F", " ", "-h", "127.0.0.1", "-p", pg_port, "-U", pg_user,
             "-d", pg_db, "-c", f"SELECT id, randomnumber FROM world WHERE id IN ({ids})"],
            capture_output=True, text=True, check=True).stdout
        stored = {int(a): int(b) for a, b in (line.split() for line in out.split("\n") if line)}
        # An id drawn twice keeps one of its new numbers.
        answered = {}
        for w in worlds:
            answered.setdefault(w["id"], set()).add(w["randomNumber"])
        if any(stored.get(i) not in numbers for i, numbers in answered.items()):
            problems.append(f"GET /updates: the table does not hold the numbers answered")
for p in problems:
    print(f"db_bench: {name}: {p}", file=sys.stderr)
print("false" if problems else "true")
EOF
}

# ---- load runs ----------------------------------------------------------------------------
# run_wrk SERVER PID PORT TEST PATH SECONDS [record]
run_wrk() {
  local server=$1 pid=$2 port=$3 test=$4 path=$5 seconds=$6 record=${7:-}
  local rc=0 cpu0 cpu1 c0_before c1_before t0 t1 wrk_cpu result
  [[ -z $record ]] || wait_quiet
  cpu0=$(tree_cpu_ticks "$pid")
  tree_cpu_table "$PG_PID" >"$WORK/pg.before"
  c0_before=$(core_ticks "$SERVER_CORE")
  c1_before=$(core_ticks "$CLIENT_CORE")
  t0=$(date +%s%N)
  timeout -k 5 $((seconds + 30)) taskset -c "$CLIENT_CORE" \
    wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --timeout 2s --latency -s "$BENCH_DIR/plain.lua" \
    "http://127.0.0.1:$port$path" >"$WORK/wrk.out" 2>&1 </dev/null &
  CLIENT_PID=$!
  # `time` of the wait reports the CPU of the reaped wrk (RUSAGE_CHILDREN delta).
  local TIMEFORMAT='%3U %3S'
  { time wait "$CLIENT_PID"; } 2>"$WORK/wrk.time" || rc=$?
  CLIENT_PID=""
  t1=$(date +%s%N)
  cpu1=$(tree_cpu_ticks "$pid")
  tree_cpu_table "$PG_PID" >"$WORK/pg.after"
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
  kill -0 "$pid" 2>/dev/null || note "$server died during $test"
  read -r b0a t0a i0a <<<"$c0_before"
  read -r b0b t0b i0b <<<"$c0_after"
  read -r b1a t1a i1a <<<"$c1_before"
  read -r b1b t1b i1b <<<"$c1_after"
  {
    printf '{"server":"%s","test":"%s","repeat":%d,"path":"%s","connections":%d,"pipeline":1,' \
      "$server" "$test" "$REP" "$path" "$CONNECTIONS"
    printf '"duration_s":%d,"wall_s":%s,"clk_tck":%d,"server_cpu_ticks":%d,"wrk_cpu_s":%s,' \
      "$seconds" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')" \
      "$CLK_TCK" $((cpu1 - cpu0)) "${wrk_cpu:-0}"
    printf '"db_cpu_ticks":%d,' "$(tree_cpu_delta "$WORK/pg.before" "$WORK/pg.after")"
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
db = r["db_cpu_ticks"] / r["clk_tck"] * 1e6 / max(w["requests"], 1)
print(f"  {r['server']:<8} {r['test']:<10} {rps:>9,.0f} req/s {us:8.1f} us CPU/req "
      f"(PostgreSQL {db:6.1f} us)  errors={sum(w['errors'].values())}")
EOF
  fi
}

declare -A PID PORT RESPONSES_OK

finish_server() {
  local name=$1 pid=${PID[$1]} alive=true
  kill -0 "$pid" 2>/dev/null || alive=false
  printf '{"server":"%s","status":"ok","port":%d,"responses_ok":%s,"alive_after_runs":%s}\n' \
    "$name" "${PORT[$name]}" "${RESPONSES_OK[$name]}" "$alive" >>"$WORK/servers.jsonl"
  stop_tree "$pid"
  forget_pid "$pid"
}

# name path
TESTS=()
for test in $ENDPOINTS; do
  case $test in
  db) TESTS+=("db /db") ;;
  queries) TESTS+=("queries /queries?queries=$QUERIES") ;;
  fortunes) TESTS+=("fortunes /fortunes") ;;
  updates) TESTS+=("updates /updates?queries=$QUERIES") ;;
  *) die "unknown endpoint '$test' (use db, queries, fortunes, updates)" ;;
  esac
done

# ---- main ---------------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
servers_to_run=()
for name in $SERVERS; do
  case $name in
  conduit)
    if [[ $CONDUIT_NO_BUILD != 1 ]]; then
      if [[ ! -f $BUILD_DIR/CMakeCache.txt ]]; then
        note "configuring $BUILD_DIR (Release build of bench/techempower)"
        timeout 600 cmake -S "$APP_DIR" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
          >"$WORK/configure.log" 2>&1 || {
          tail -n 15 "$WORK/configure.log" >&2
          die "configuring $BUILD_DIR failed"
        }
      fi
      build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")
      [[ $build_type == Release ]] ||
        note "warning: $BUILD_DIR is a '${build_type:-unset}' build; benchmark a Release build"
      note "building conduit_techempower in $BUILD_DIR"
      timeout 1800 cmake --build "$BUILD_DIR" --target conduit_techempower -j2 \
        >"$WORK/build.log" 2>&1 || {
        note "building conduit_techempower failed (last lines below); using any existing binary"
        tail -n 15 "$WORK/build.log" >&2
      }
    fi
    if [[ -z $CONDUIT_BIN ]]; then
      # A build of bench/techempower alone, or of the whole tree with the bench included.
      for candidate in "$BUILD_DIR/conduit_techempower" \
        "$BUILD_DIR/bench/techempower/conduit_techempower"; do
        [[ -x $candidate ]] && CONDUIT_BIN=$candidate && break
      done
    fi
    if [[ -n $CONDUIT_BIN && -x $CONDUIT_BIN ]]; then
      servers_to_run+=(conduit)
    else
      note "conduit skipped: no conduit_techempower executable in $BUILD_DIR"
      printf '{"server":"conduit","status":"binary missing"}\n' >>"$WORK/servers.jsonl"
    fi
    ;;
  fastify)
    prepare_fastify fastify pg
    servers_to_run+=(fastify)
    ;;
  *) die "unknown server '$name' (use conduit, fastify)" ;;
  esac
done
((${#servers_to_run[@]} > 0)) || die "no server to measure"

start_cluster

timestamp=$(date -u +%Y%m%dT%H%M%SZ)
TIMESTAMP=$timestamp BUILD_DIR=$BUILD_DIR CONDUIT_BIN=$CONDUIT_BIN \
  CONDUIT_EXTRA_ARGS=$CONDUIT_EXTRA_ARGS SERVERS_RUN="${servers_to_run[*]}" DB_CORE=$DB_CORE DB_TRANSPORT=$DB_TRANSPORT \
  V_WRK=$(wrk -v 2>&1 | head -n 1 | awk '{ print $2 }') V_NODE=$(node -v) \
  V_PG=$(psql_bench -tAc 'SHOW server_version') \
  V_FASTIFY=$(cd "$FASTIFY_DIR" &&
    node -p 'require("fastify/package.json").version' 2>/dev/null || echo '?') \
  V_NODE_PG=$(cd "$FASTIFY_DIR" &&
    node -p 'require("pg/package.json").version' 2>/dev/null || echo '?') \
  GIT_REV=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?') \
  python3 - "$WORK/meta.json" "$DURATION" "$CONNECTIONS" "$QUERIES" "$POOL_SIZE" "$WARMUP" \
  "$REPEAT" "$SERVER_CORE" "$CLIENT_CORE" "$QUIET_WAIT" "$QUIET_MAX_PCT" <<'EOF'
import json, os, platform, sys
e = os.environ
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
            if l.startswith("model name")), "?")
names = ["duration_s", "connections", "queries", "pool_size", "warmup_s", "repeat",
         "server_core", "client_core", "quiet_wait_s", "quiet_max_pct"]
meta = {
    "timestamp": e["TIMESTAMP"],
    "machine": {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
                "loadavg_start": open("/proc/loadavg").read().split()[0]},
    "versions": {"wrk": e["V_WRK"], "node": e["V_NODE"], "fastify": e["V_FASTIFY"],
                 "pg": e["V_NODE_PG"], "postgresql": e["V_PG"]},
    "conduit": {"binary": e["CONDUIT_BIN"], "build_dir": e["BUILD_DIR"],
                "git_revision": e["GIT_REV"], "extra_args": e["CONDUIT_EXTRA_ARGS"]},
    "settings": {**dict(zip(names, map(int, sys.argv[2:]))),
                 "db_core": e["DB_CORE"], "db_transport": e["DB_TRANSPORT"],
                 "servers": e["SERVERS_RUN"].split()},
}
with open(sys.argv[1], "w") as f:
    json.dump(meta, f)
EOF

running=()
for name in "${servers_to_run[@]}"; do
  start_server "$name" /db ", pool of $POOL_SIZE" && running+=("$name")
done
if ((WARMUP > 0)); then
  for name in "${running[@]}"; do
    wait_quiet
    for spec in "${TESTS[@]}"; do
      read -r test path <<<"$spec"
      run_wrk "$name" "${PID[$name]}" "${PORT[$name]}" warmup "$path" "$WARMUP"
    done
  done
fi
for ((REP = 1; REP <= REPEAT; REP++)); do
  for spec in "${TESTS[@]}"; do
    read -r test path <<<"$spec"
    for name in "${running[@]}"; do
      run_wrk "$name" "${PID[$name]}" "${PORT[$name]}" "$test" "$path" "$DURATION" record
    done
  done
done
for name in "${running[@]}"; do
  finish_server "$name"
done

# ---- report (the rules of bench/http_report.py: saturation, CPU-per-request basis) ---------
report_args=("$WORK" "$OUT_DIR/db-$timestamp.json" "$STRICT")
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=$BENCH_DIR${PYTHONPATH:+:$PYTHONPATH} python3 - "${report_args[@]}" <<'EOF'
import json, sys
import http_report as hr

work, out, strict = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
TARGETS = {"db": 3.0}  # conduit / fastify, single query, one server thread (the issue's)
meta = json.load(open(f"{work}/meta.json"))
runs, servers = [], []
for name, into in (("runs.jsonl", runs), ("servers.jsonl", servers)):
    try:
        into.extend(json.loads(l) for l in open(f"{work}/{name}") if l.strip())
    except FileNotFoundError:
        pass
for run in runs:
    hr.derive(run)
    wall = run["wall_s"] or 1e-9
    run["db_cpu_pct"] = 100.0 * run["db_cpu_ticks"] / run["clk_tck"] / wall
    requests = (run.get("wrk") or {}).get("requests", 0)
    run["db_cpu_us_per_request"] = (run["db_cpu_ticks"] / run["clk_tck"] * 1e6 / requests
                                    if requests else None)
    # PostgreSQL is part of the run here, not other people's work.
    run["other_cpu_pct"] = max(0.0, run["other_cpu_pct"] - run["db_cpu_pct"])
    run["noisy"] = run["other_cpu_pct"] > hr.NOISY_OTHER_PCT
    # wrk and PostgreSQL share the client core: the server is held back when that core
    # is full, not only when wrk's thread is.
    client_core_pct = 100.0 * run["cpu1_busy_ticks"] / max(run["cpu1_total_ticks"], 1)
    run["client_core_pct"] = client_core_pct
    run["client_bound"] = (client_core_pct >= hr.CLIENT_BOUND_WRK_PCT
                           and run["server_cpu_pct"] < hr.SATURATED_SERVER_PCT)
results = hr.aggregate(runs)
for r in results:
    group = [x for x in runs if x["server"] == r["server"] and x["test"] == r["test"]
             and x.get("wrk")]
    fastest = max(group, key=lambda x: x["requests_per_s"])
    r["db_cpu_pct"] = fastest["db_cpu_pct"]
    r["client_core_pct"] = fastest["client_core_pct"]
    r["db_cpu_us_per_request"] = min((x["db_cpu_us_per_request"] for x in group
                                      if x["db_cpu_us_per_request"]), default=None)
    r["path"] = fastest["path"]

ok = {s["server"]: s.get("responses_ok") for s in servers}
print()
print(f"Database benchmark  {meta['timestamp']}  ({meta['machine']['cpu']}, "
      f"{meta['machine']['cores']} cores, load avg at start {meta['machine']['loadavg_start']})")
s = meta["settings"]
print(f"server on core {s['server_core']} (1 thread / 1 process), wrk -t1 -c{s['connections']} "
      f"and PostgreSQL {meta['versions']['postgresql']} on core {s['db_core'] or 'any'}; "
      f"{s['duration_s']} s per run; pool of {s['pool_size']} per server over "
      f"{s['db_transport']}; N = {s['queries']}")
print()
header = (f"{'server':<8} {'test':<9} {'req/s':>9} {'CPU us/req':>10} {'PG us/req':>9} "
          f"{'srv CPU%':>8} {'core1%':>6} {'other%':>6} {'p99 ms':>7} {'errors':>6}")
print(header)
print("-" * len(header))
for r in results:
    flag = (" *" if r["client_bound"] else "") + (" !" if r["noisy"] else "")
    print(f"{r['server']:<8} {r['test']:<9} {r['requests_per_s']:>9,.0f} "
          f"{hr.fmt(r['cpu_us_per_request'], '.1f', 10)} "
          f"{hr.fmt(r['db_cpu_us_per_request'], '.1f', 9)} {r['server_cpu_pct']:>8.0f} "
          f"{r['client_core_pct']:>6.0f} {r['other_cpu_pct']:>6.0f} "
          f"{hr.fmt(r['p99_us'] / 1000 if r['p99_us'] else None, '.1f', 7)} "
          f"{r['error_count']:>6}{flag}")
if any(r["client_bound"] for r in results):
    print("  * the client core (wrk + PostgreSQL) was full and the server was not: "
          "compare CPU us/req")
if any(r["noisy"] for r in results):
    print(f"  ! other processes used > {hr.NOISY_OTHER_PCT:g}% CPU on the bench cores: "
          "figures unreliable")
for server, good in ok.items():
    if good is False:
        print(f"  {server}: an endpoint answered wrongly at start-up (see the notes above)")
print()
print(f"{'endpoint':<22} {'conduit req/s':>13} {'fastify req/s':>13} {'ratio':>7} "
      f"{'CPU ratio':>9}  {'target':<8} verdict")
verdicts = []
for test, label in (("db", "single query"), ("queries", f"{s['queries']} queries"),
                    ("fortunes", "fortunes"), ("updates", f"{s['queries']} updates")):
    if not any(r["test"] == test for r in results):
        continue  # not among ENDPOINTS
    mine, theirs = hr.find(results, "conduit", test), hr.find(results, "fastify", test)
    target = TARGETS.get(test)
    v = hr.throughput_verdict(results, f"{test}_vs_fastify", "conduit", "fastify", test,
                              target or 0.0, label)
    if target is None:
        v["verdict"], v["target"] = "-", None
    elif ok.get("conduit") is False or ok.get("fastify") is False:
        v["verdict"], v["note"] = "FAIL", "wrong responses"
    verdicts.append(v)
    target_text = f">= {target:g}x" if target else "-"
    basis = f" ({v['basis']})" if target and v["basis"] else ""
    note = f"  [{v['note']}]" if v.get("note") else ""
    print(f"{label:<22} {hr.fmt(mine and mine['requests_per_s'], ',.0f', 13)} "
          f"{hr.fmt(theirs and theirs['requests_per_s'], ',.0f', 13)} "
          f"{hr.fmt(v['throughput_ratio'], '.2f', 6)}x {hr.fmt(v['cpu_ratio'], '.2f', 8)}x  "
          f"{target_text:<8} {v['verdict']}{basis}{note}")
print("  ratio = conduit req/s / fastify req/s; CPU ratio = fastify CPU us/req / conduit's;")
print("  the verdict uses req/s when both servers used >= 90% of their core, else CPU/req")
print()
with open(out, "w") as f:
    json.dump({**meta, "results": results, "servers": servers, "targets": verdicts,
               "runs": runs}, f, indent=2)
    f.write("\n")
print(f"results written to {out}")
sys.exit(1 if strict and any(v["verdict"] not in ("PASS", "-") for v in verdicts) else 0)
EOF
