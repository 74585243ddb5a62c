# shellcheck shell=bash
# Helpers shared by the benchmark scripts bench/http_bench.sh and bench/db_bench.sh, which
# source this file: messages, the bookkeeping that stops every process a script started
# (also on Ctrl-C), CPU figures from /proc, the wait for quiet bench cores, ports, core
# pinning, readiness polling and the install of the fastify reference's node modules.
# Defines functions only; running it does nothing.
#
# Set before sourcing: BENCH_NAME (the prefix of every message, e.g. http_bench).
# Read when the functions run: SERVER_CORE, CLIENT_CORE, QUIET_WAIT, QUIET_MAX_PCT,
# READY_TIMEOUT, FASTIFY_DIR, and WORK / STARTED_PIDS / CLIENT_PID, which
# bench_start_bookkeeping sets. A script with more to tear down than processes defines
# bench_cleanup_hook; cleanup calls it after stopping the processes.

: "${BENCH_NAME:?set BENCH_NAME before sourcing bench_common.sh}"

die() {
  echo "$BENCH_NAME: $*" >&2
  exit 2
}
note() { echo "$BENCH_NAME: $*" >&2; }

# ---- process bookkeeping and cleanup --------------------------------------------------------
# bench_start_bookkeeping PREFIX: makes the scratch dir WORK (${TMPDIR:-/tmp}/PREFIX.XXXXXX)
# and installs the traps; from here on, every exit stops what the script started and
# deletes WORK. Called only once the settings are checked, so that die() before it leaves
# nothing to clean up.
bench_start_bookkeeping() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  STARTED_PIDS=() # servers we started (each may have children, e.g. the nginx worker)
  CLIENT_PID=""   # the wrk / connection-holder currently running, if any
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# The pid and all its descendants, parents first.
tree_pids() {
  local pid=$1 child
  [[ -d /proc/$pid ]] || return 0
  echo "$pid"
  for child in $(pgrep -P "$pid" 2>/dev/null || true); do
    tree_pids "$child"
  done
}

# SIGTERM, a bounded wait, then SIGKILL for anything of the tree still alive.
stop_tree() {
  local pid=$1 pids i
  pids=$(tree_pids "$pid")
  [[ -n $pids ]] || return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n $CLIENT_PID ]] && stop_tree "$CLIENT_PID"
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    stop_tree "$pid"
  done
  if declare -F bench_cleanup_hook >/dev/null; then
    bench_cleanup_hook
  fi
  rm -rf "$WORK"
  exit "$rc"
}

forget_pid() {
  local keep=() pid
  for pid in "${STARTED_PIDS[@]}"; do
    [[ $pid == "$1" ]] || keep+=("$pid")
  done
  STARTED_PIDS=("${keep[@]}")
}

# ---- measurements from /proc ----------------------------------------------------------------
# utime + stime (clock ticks) of a process tree; /proc/<pid>/stat covers all its threads.
tree_cpu_ticks() {
  local total=0 pid stat fields
  for pid in $(tree_pids "$1"); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    # Fields after the ")" closing the command name start at field 3 (state).
    read -r -a fields <<<"${stat##*) }"
    total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}

# "pid ticks" per process of a tree. PostgreSQL's children come and go (backends,
# autovacuum workers), so its CPU over a run is summed per process (tree_cpu_delta), never
# as the difference of two totals, which goes negative when a busy child exits.
tree_cpu_table() {
  local pid stat fields
  for pid in $(tree_pids "$1"); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    read -r -a fields <<<"${stat##*) }"
    echo "$pid $((fields[11] + fields[12]))"
  done
}

# Ticks used between two tree_cpu_table files: processes that started during the run
# count in full, those that ended during it are lost (a few ticks at most).
tree_cpu_delta() {
  awk 'NR == FNR { before[$1] = $2; next }
    { d += $2 - (($1 in before) ? before[$1] : 0) } END { print d + 0 }' "$1" "$2"
}

# "busy total irq" clock ticks of one core since boot: busy = user..steal less idle and
# iowait; irq = irq + softirq (loopback networking largely runs as softirq, which the
# kernel may not charge to the server or wrk process).
core_ticks() {
  awk -v cpu="cpu$1" '$1 == cpu {
    t = 0; for (i = 2; i <= 9 && i <= NF; i++) t += $i
    printf "%d %d %d\n", t - $5 - $6, t, $7 + $8 }' /proc/stat
}

# On a shared machine other people's builds distort every figure: before a run, wait
# (bounded by QUIET_WAIT) until the two bench cores are nearly idle over one second.
wait_quiet() {
  ((QUIET_WAIT > 0)) || return 0
  local deadline=$((SECONDS + QUIET_WAIT)) s0 s1 e0 e1 busy total pct
  while :; do
    s0=$(core_ticks "$SERVER_CORE")
    s1=$(core_ticks "$CLIENT_CORE")
    sleep 1
    e0=$(core_ticks "$SERVER_CORE")
    e1=$(core_ticks "$CLIENT_CORE")
    read -r busy total < <(echo "$s0 $s1 $e0 $e1" |
      awk '{ print ($7 - $1) + ($10 - $4), ($8 - $2) + ($11 - $5) }')
    pct=$((total > 0 ? busy * 100 / total : 0))
    ((pct <= QUIET_MAX_PCT)) && return 0
    if ((SECONDS >= deadline)); then
      note "bench cores still ${pct}% busy with other work after ${QUIET_WAIT}s; measuring anyway"
      return 0
    fi
  done
}

# ---- servers ------------------------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pinned CORE CMD...: replaces the calling (sub)shell with CMD pinned to CORE; taskset
# execs too, so the pid of a background `(pinned ...)` is the pid of CMD itself.
pinned() {
  local core=$1
  shift
  exec taskset -c "$core" "$@"
}

# prepare_fastify MODULE...: installs the reference server's node modules into FASTIFY_DIR
# (npm ci from its package-lock.json) unless every MODULE is there already.
prepare_fastify() {
  local module missing=0 what=""
  for module in "$@"; do
    [[ -d $FASTIFY_DIR/node_modules/$module ]] || missing=1
    what=${what:+$what and }$module
  done
  ((missing)) || return 0
  note "installing $what into $FASTIFY_DIR/node_modules"
  (cd "$FASTIFY_DIR" && timeout 300 npm ci --no-audit --no-fund --loglevel=error) ||
    (cd "$FASTIFY_DIR" && timeout 300 npm install --no-audit --no-fund --loglevel=error)
}

# wait_ready NAME PID PORT PATH: polls until the server answers GET PATH (bounded by
# READY_TIMEOUT), not a fixed sleep; on failure shows the end of WORK/NAME.err.
wait_ready() {
  local name=$1 pid=$2 port=$3 path=$4 i
  for ((i = 0; i < READY_TIMEOUT * 20; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      note "$name exited during start-up:"
      tail -n 20 "$WORK/$name.err" >&2 || true
      return 1
    fi
    curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$port$path" 2>/dev/null && return 0
    sleep 0.05
  done
  note "$name did not answer on port $port within ${READY_TIMEOUT}s"
  tail -n 20 "$WORK/$name.err" >&2 || true
  return 1
}

# start_server NAME PATH [DETAIL]: starts a server with the caller's start_NAME PORT
# (which sets SERVER_PID) on a free port, waits until it answers GET PATH, and records it
# in the caller's associative arrays PID, PORT and RESPONSES_OK (check_endpoints NAME
# PORT). A server that does not come up is stopped, noted in WORK/servers.jsonl, and
# the function returns 1. DETAIL is added to the "starting" line.
start_server() {
  local name=$1 path=$2 detail=${3:-} port
  port=$(free_port)
  note "starting $name on 127.0.0.1:$port (core $SERVER_CORE$detail)"
  "start_$name" "$port"
  STARTED_PIDS+=("$SERVER_PID")
  if ! wait_ready "$name" "$SERVER_PID" "$port" "$path"; then
    stop_tree "$SERVER_PID"
    forget_pid "$SERVER_PID"
    printf '{"server":"%s","status":"failed to start"}\n' "$name" >>"$WORK/servers.jsonl"
    return 1
  fi
  PID[$name]=$SERVER_PID
  PORT[$name]=$port
  RESPONSES_OK[$name]=$(check_endpoints "$name" "$port")
}
