#!/usr/bin/env bash
# Database pool benchmarks of conduit_techempower (bench/techempower) on a throwaway
# PostgreSQL cluster: variants of one server measured in the same run, interleaved, so
# that a loaded machine moves them alike (bench/README.md, "Deploy scale").
#
#   SUITE=pgbouncer (default)  /db direct vs through PgBouncer in transaction pooling mode
#                              (scripts/pgbouncer-test.sh, ?pgbouncer=true), one loop, the
#                              same pool size (conduit's maxConnectionCount = PgBouncer's
#                              default_pool_size = POOL_SIZE)
#   SUITE=split                split vs shared pools: one loop with the share of a split pool
#                              (1, 2) vs the whole total (4), on /db (pipelined statements)
#                              and /tx (a transaction of two reads: a connection to itself),
#                              and two loops sharing a total of 4 (2 each)
#   VARIANTS="name=loops,pool,direct|bouncer,path ..."  any other set
#
# Prints, per variant, the best req/s of REPEAT runs, p99 (lowest), server CPU us/request
# (lowest; utime + stime of the server from /proc/PID/stat), PostgreSQL and PgBouncer CPU
# us/request, errors, the share of the busiest loop thread in the server's CPU (2+ loops),
# and each variant's req/s and CPU relative to the first variant of its path; writes
# bench/out/pool-<ts>.jsonl.
#
# Usage: bench/pool_bench.sh [BUILD_DIR] [DURATION_S] [CONNECTIONS]
#   BUILD_DIR default $CONDUIT_BUILD or build-release (a tree configured with
#   -DCONDUIT_BUILD_BENCH=ON; the binary is BUILD_DIR/bench/techempower/conduit_techempower,
#   or CONDUIT_BIN), 5 s, 64 connections.
# Environment: SUITE, VARIANTS, POOL_SIZE=8 (pgbouncer suite), REPEAT=3, WARMUP=2,
#   PG_PORT=54395 (PgBouncer on PG_PORT + 1), SERVER_CORE=0, CLIENT_CORE=1 (wrk, PostgreSQL
#   and PgBouncer), READY_TIMEOUT=15, QUIET_WAIT=10 / QUIET_MAX_PCT=10, CONDUIT_BIN.
# Only 127.0.0.1 is contacted; every process, the bouncer and the cluster are stopped by
# the trap.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
BENCH_NAME=pool_bench
# shellcheck source=SCRIPTDIR/lib/bench_common.sh
source "$(dirname "$0")/lib/bench_common.sh"

build_arg=${1:-${CONDUIT_BUILD:-$REPO_DIR/build-release}}
[[ $build_arg == /* || -d $build_arg ]] || build_arg=$REPO_DIR/$build_arg
BUILD_DIR=$(realpath -m -- "$build_arg")
DURATION=${2:-5}
CONNECTIONS=${3:-64}
SUITE=${SUITE:-pgbouncer}
HANDOFF=${HANDOFF:-$([[ $SUITE == split ]] && echo 1 || echo 0)}
HANDOFF_BIN=$BUILD_DIR/bench/pool/conduit_handoff_bench
POOL_SIZE=${POOL_SIZE:-8}
REPEAT=${REPEAT:-3}
WARMUP=${WARMUP:-2}
PG_PORT=${PG_PORT:-54395}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
READY_TIMEOUT=${READY_TIMEOUT:-15}
QUIET_WAIT=${QUIET_WAIT:-10}
QUIET_MAX_PCT=${QUIET_MAX_PCT:-10}
CONDUIT_BIN=${CONDUIT_BIN:-$BUILD_DIR/bench/techempower/conduit_techempower}
if [[ -z ${VARIANTS:-} ]]; then
  case $SUITE in
  pgbouncer) VARIANTS="direct=1,$POOL_SIZE,direct,/db pgbouncer=1,$POOL_SIZE,bouncer,/db" ;;
  split)
    VARIANTS="db_total4=1,4,direct,/db db_share2=1,2,direct,/db db_share1=1,1,direct,/db"
    VARIANTS+=" db_2loops_2each=2,4,direct,/db"
    VARIANTS+=" tx_total4=1,4,direct,/tx tx_share2=1,2,direct,/tx tx_share1=1,1,direct,/tx"
    VARIANTS+=" tx_2loops_2each=2,4,direct,/tx"
    ;;
  *) die "unknown SUITE '$SUITE' (pgbouncer, split) and no VARIANTS" ;;
  esac
fi
for pair in "DURATION_S=$DURATION" "CONNECTIONS=$CONNECTIONS" "POOL_SIZE=$POOL_SIZE" \
  "REPEAT=$REPEAT" "WARMUP=$WARMUP" "PG_PORT=$PG_PORT"; do
  [[ ${pair#*=} =~ ^[0-9]+$ ]] || die "${pair%%=*} must be a whole number, got '${pair#*=}'"
done
for tool in wrk python3 curl taskset timeout psql; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -x $CONDUIT_BIN ]] ||
  die "no conduit_techempower at $CONDUIT_BIN (configure with -DCONDUIT_BUILD_BENCH=ON, build it)"
CLK_TCK=$(getconf CLK_TCK)

declare -A V_LOOPS V_POOL V_DB V_PATH
names=()
need_bouncer=0
for spec in $VARIANTS; do
  name=${spec%%=*}
  IFS=, read -r loops pool db path <<<"${spec#*=}"
  [[ $name =~ ^[a-z0-9_]+$ && $loops =~ ^[0-9]+$ && $pool =~ ^[0-9]+$ && $path == /* &&
    ($db == direct || $db == bouncer) ]] || die "bad variant '$spec' (name=loops,pool,direct|bouncer,path)"
  names+=("$name")
  V_LOOPS[$name]=$loops V_POOL[$name]=$pool V_DB[$name]=$db V_PATH[$name]=$path
  [[ $db == bouncer ]] && need_bouncer=1
done

export CONDUIT_PG_TEST_PORT=$PG_PORT
export CONDUIT_PG_TEST_DIR=${TMPDIR:-/tmp}/conduit-pool-bench-$PG_PORT
export CONDUIT_PGBOUNCER_TEST_PORT=$((PG_PORT + 1))
export CONDUIT_PGBOUNCER_POOL_SIZE=$POOL_SIZE
CLUSTER=$REPO_DIR/scripts/pg-test-cluster.sh
BOUNCER=$REPO_DIR/scripts/pgbouncer-test.sh
PG_USER=conduit_test
PG_PASSWORD=conduit_test_pw
PG_DATABASE=conduit_test

CLUSTER_STARTED=0
BOUNCER_STARTED=0
bench_cleanup_hook() {
  if ((BOUNCER_STARTED)); then "$BOUNCER" stop >/dev/null 2>&1 || true; fi
  if ((CLUSTER_STARTED)); then "$CLUSTER" stop >/dev/null 2>&1 || true; fi
}
bench_start_bookkeeping conduit-pool-bench

# CPU ticks per thread of one process ("tid ticks"): which loop did the work.
thread_cpu_table() {
  local task stat fields
  for task in /proc/"$1"/task/*; do
    stat=$(cat "$task/stat" 2>/dev/null) || continue
    read -r -a fields <<<"${stat##*) }"
    echo "${task##*/} $((fields[11] + fields[12]))"
  done
}
busiest_thread_share() { # before after -> the busiest thread's share of the delta, %
  awk 'NR == FNR { before[$1] = $2; next }
    { d = $2 - (($1 in before) ? before[$1] : 0); t += d; if (d > m) m = d }
    END { printf "%.0f", (t > 0 ? 100 * m / t : 0) }' "$1" "$2"
}

psql_bench() {
  PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
    -p "$PG_PORT" -U "$PG_USER" -d "$PG_DATABASE" "$@"
}

note "starting PostgreSQL on 127.0.0.1:$PG_PORT (core $CLIENT_CORE)"
CLUSTER_STARTED=1
timeout 120 taskset -c "$CLIENT_CORE" "$CLUSTER" start >/dev/null
PG_PID=$(head -n 1 "$CONDUIT_PG_TEST_DIR/data/postmaster.pid")
psql_bench -f "$BENCH_DIR/techempower/schema.sql" >/dev/null
[[ $(psql_bench -tAc 'SELECT count(*) FROM world') == 10000 ]] || die "World was not loaded"
BOUNCER_PID=""
if ((need_bouncer)); then
  BOUNCER_STARTED=1
  out=$(timeout 60 taskset -c "$CLIENT_CORE" "$BOUNCER" start)
  [[ $out == *"not installed"* ]] && die "$out"
  note "$out (default_pool_size $POOL_SIZE)"
  BOUNCER_PID=$(cat "${TMPDIR:-/tmp}/conduit-pgbouncer-test-$CONDUIT_PGBOUNCER_TEST_PORT/pgbouncer.pid")
fi

declare -A PID PORT
SERVER_PID=""
start_variant() {
  local name=$1 port host=127.0.0.1 db_port=$PG_PORT params=""
  port=$(free_port)
  if [[ ${V_DB[$name]} == bouncer ]]; then
    db_port=$CONDUIT_PGBOUNCER_TEST_PORT
    params=$'\n  parameters: {pgbouncer: true}'
  fi
  mkdir -p "$WORK/$name"
  cat >"$WORK/$name/config.yaml" <<EOF
database:
  host: $host
  port: $db_port
  databaseName: $PG_DATABASE
  username: $PG_USER
  password: $PG_PASSWORD
  maxConnectionCount: ${V_POOL[$name]}$params
EOF
  local cores=$SERVER_CORE
  ((V_LOOPS[$name] > 1)) && cores="0-$((V_LOOPS[$name] - 1))"
  note "starting $name: ${V_LOOPS[$name]} loop(s) on core(s) $cores, maxConnectionCount ${V_POOL[$name]}, ${V_DB[$name]}, ${V_PATH[$name]}"
  (cd "$WORK/$name" && exec taskset -c "$cores" "$CONDUIT_BIN" serve --port "$port" \
    --threads "${V_LOOPS[$name]}" --address 127.0.0.1 -c "$WORK/$name/config.yaml" --quiet) \
    >/dev/null 2>"$WORK/$name.err" </dev/null &
  SERVER_PID=$!
  STARTED_PIDS+=("$SERVER_PID")
  wait_ready "$name" "$SERVER_PID" "$port" "${V_PATH[$name]}" || die "$name did not start"
  PID[$name]=$SERVER_PID
  PORT[$name]=$port
}
for name in "${names[@]}"; do start_variant "$name"; done

OUT_DIR=$BENCH_DIR/out
mkdir -p "$OUT_DIR"
OUT=$OUT_DIR/pool-$(date -u +%Y%m%dT%H%M%SZ).jsonl
: >"$OUT"

# run_load NAME SECONDS [record]
run_load() {
  local name=$1 seconds=$2 record=${3:-} cpu0 cpu1 result load
  [[ -z $record ]] || wait_quiet
  load=$(cut -d' ' -f1 /proc/loadavg)
  cpu0=$(tree_cpu_ticks "${PID[$name]}")
  tree_cpu_table "$PG_PID" >"$WORK/pg.before"
  thread_cpu_table "${PID[$name]}" >"$WORK/threads.before"
  local b0=0 b1=0
  [[ -n $BOUNCER_PID ]] && b0=$(tree_cpu_ticks "$BOUNCER_PID")
  timeout -k 5 $((seconds + 30)) taskset -c "$CLIENT_CORE" wrk -t1 -c"$CONNECTIONS" \
    -d"${seconds}s" --timeout 2s --latency -s "$BENCH_DIR/plain.lua" \
    "http://127.0.0.1:${PORT[$name]}${V_PATH[$name]}" >"$WORK/wrk.out" 2>&1 </dev/null || true
  cpu1=$(tree_cpu_ticks "${PID[$name]}")
  tree_cpu_table "$PG_PID" >"$WORK/pg.after"
  thread_cpu_table "${PID[$name]}" >"$WORK/threads.after"
  [[ -n $BOUNCER_PID ]] && b1=$(tree_cpu_ticks "$BOUNCER_PID")
  [[ -n $record ]] || return 0
  result=$(sed -n 's/^WRK_RESULT //p' "$WORK/wrk.out" | tail -n 1)
  [[ -n $result ]] || { note "$name: wrk failed: $(tail -n 3 "$WORK/wrk.out")"; return 0; }
  kill -0 "${PID[$name]}" 2>/dev/null || die "$name died; $(tail -n 5 "$WORK/$name.err")"
  printf '{"variant":"%s","loops":%d,"pool":%d,"db":"%s","path":"%s","connections":%d,"loadavg":%s,"server_cpu_ticks":%d,"db_cpu_ticks":%d,"bouncer_cpu_ticks":%d,"busiest_thread_pct":%s,"clk_tck":%d,"wrk":%s}\n' \
    "$name" "${V_LOOPS[$name]}" "${V_POOL[$name]}" "${V_DB[$name]}" "${V_PATH[$name]}" \
    "$CONNECTIONS" "$load" $((cpu1 - cpu0)) "$(tree_cpu_delta "$WORK/pg.before" "$WORK/pg.after")" \
    $((b1 - b0)) "$(busiest_thread_share "$WORK/threads.before" "$WORK/threads.after")" \
    "$CLK_TCK" "$result" >>"$OUT"
  python3 - "$OUT" <<'EOF' >&2
import json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
w = r["wrk"]; n = max(w["requests"], 1)
us = lambda t: t / r["clk_tck"] * 1e6 / n
print(f"  {r['variant']:<18} {w['requests'] / (w['duration_us'] / 1e6):>9,.0f} req/s "
      f"{us(r['server_cpu_ticks']):6.1f} us CPU/req  p99 {w['latency_us']['p99'] / 1000:6.2f} ms  "
      f"load {r['loadavg']}")
EOF
}

if ((WARMUP > 0)); then
  for name in "${names[@]}"; do run_load "$name" "$WARMUP"; done
fi
for ((rep = 1; rep <= REPEAT; rep++)); do
  note "round $rep of $REPEAT"
  for name in "${names[@]}"; do run_load "$name" "$DURATION" record; done
done
for name in "${names[@]}"; do
  stop_tree "${PID[$name]}"
  forget_pid "${PID[$name]}"
done

HANDOFF_OUT=$WORK/handoff.json
echo '{}' >"$HANDOFF_OUT"
if [[ $HANDOFF == 1 ]]; then
  if [[ -x $HANDOFF_BIN ]]; then
    note "cross-loop handoff (conduit_handoff_bench, cores $SERVER_CORE,$CLIENT_CORE)"
    HANDOFF_CORES=$SERVER_CORE,$CLIENT_CORE timeout 300 "$HANDOFF_BIN" --benchmark_repetitions=3 \
      --benchmark_min_time=1 --benchmark_report_aggregates_only=true --benchmark_format=json \
      >"$HANDOFF_OUT" 2>"$WORK/handoff.err" || note "conduit_handoff_bench failed: $(tail -n 3 "$WORK/handoff.err")"
  else
    note "no $HANDOFF_BIN (Google Benchmark missing?): handoff skipped"
  fi
fi

python3 - "$OUT" "$HANDOFF_OUT" <<'EOF'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
handoff = json.load(open(sys.argv[2])).get("benchmarks", [])
def rps(r): return r["wrk"]["requests"] / (r["wrk"]["duration_us"] / 1e6)
def us(r, key): return r[key] / r["clk_tck"] * 1e6 / max(r["wrk"]["requests"], 1)
order, by = [], {}
for r in runs:
    if r["variant"] not in by: order.append(r["variant"])
    by.setdefault(r["variant"], []).append(r)
print(f"{'variant':<18} {'loops':>5} {'pool':>4} {'db':<7} {'path':<4} {'req/s':>9} {'p99 ms':>7} "
      f"{'us/req':>7} {'PG us':>6} {'bnc us':>6} {'errors':>6} {'top loop':>8} {'req/s x':>7} {'CPU x':>6}")
first = {}
for v in order:
    rs = by[v]; r0 = rs[0]
    best = max(rps(r) for r in rs)
    p99 = min(r["wrk"]["latency_us"]["p99"] for r in rs) / 1000
    cpu = min(us(r, "server_cpu_ticks") for r in rs)
    pg = min(us(r, "db_cpu_ticks") for r in rs)
    bnc = min(us(r, "bouncer_cpu_ticks") for r in rs) if r0["db"] == "bouncer" else None
    errors = sum(sum(r["wrk"]["errors"].values()) for r in rs)
    top = max(r["busiest_thread_pct"] for r in rs) if r0["loops"] > 1 else None
    base = first.setdefault(r0["path"], (best, cpu))
    print(f"{v:<18} {r0['loops']:>5} {r0['pool']:>4} {r0['db']:<7} {r0['path']:<4} {best:>9,.0f} "
          f"{p99:>7.2f} {cpu:>7.1f} {pg:>6.1f} {(f'{bnc:.1f}' if bnc is not None else '-'):>6} {errors:>6} "
          f"{(f'{top} %' if top is not None else ''):>8} {best / base[0]:>7.2f} {cpu / base[1]:>6.2f}")
loads = [float(r["loadavg"]) for r in runs]
print(f"best req/s, lowest p99 and CPU of {len(runs) // max(len(order), 1)} runs each; "
      f"x = against the first variant of the same path; load average {min(loads):.1f}-{max(loads):.1f}")
medians = [b for b in handoff if b.get("aggregate_name") == "median"]
if medians:
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3}
    db = [min(us(r, "server_cpu_ticks") for r in by[v]) for v in order if by[v][0]["path"] == "/db"]
    print("one hop to another loop and back (median of 3; CPU = both threads):")
    for b in medians:
        f = scale.get(b.get("time_unit", "ns"), 1e-3)
        cpu, wall = b["cpu_time"] * f, b["real_time"] * f
        rel = f", {cpu / db[0]:.2f}x the CPU of a /db request above" if db else ""
        print(f"  {b['run_name'].split('/process_time')[0]:<16} CPU {cpu:9.3f} us  wall {wall:9.3f} us{rel}")
EOF
note "wrote $OUT"
