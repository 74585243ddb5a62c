#!/usr/bin/env bash
# Managed OAuth 2.0 benchmark on PostgreSQL (issue: one token lookup must not cost more than
# the work itself). Serves bench/auth (the accounts example plus an unprotected copy of one
# route) on one event loop pinned to SERVER_CORE, against a throwaway PostgreSQL cluster,
# and measures with wrk on CLIENT_CORE:
#   token      POST /auth/token, password grant (two PBKDF2 hashes: client secret, password)
#   protected  GET /users/2 behind Authorizer::bearer (one token lookup, then the user)
#   open       GET /open/users/2, the same controller without the Authorizer
# Prints req/s, server CPU µs/request and p99 for each; the share of the token run's CPU
# spent in PBKDF2 (the cost of one PBKDF2 at the server's rounds, measured with Python's
# hashlib, which calls the same OpenSSL function); and protected/open throughput with the
# target (>= 0.6) as PASS/FAIL. Writes bench/out/auth-<timestamp>.json.
#
# Usage: bench/auth_bench.sh [BUILD_DIR] [DURATION_S] [CONNECTIONS]
#   BUILD_DIR    a build tree configured with -DCONDUIT_BUILD_BENCH=ON (default
#                build-release); `cmake --build BUILD_DIR --target conduit_auth_bench` runs
#                first (skip with CONDUIT_NO_BUILD=1)
#   DURATION_S   seconds per measured run (default 10); CONNECTIONS (default 32)
# Environment: SERVER_CORE=0, CLIENT_CORE=1 (wrk and PostgreSQL), PG_PORT=54393, WARMUP=2,
#   READY_TIMEOUT=15, QUIET_WAIT=30, QUIET_MAX_PCT=10, STRICT=1 (exit 1 unless PASS).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
BENCH_NAME=auth_bench
# shellcheck source=SCRIPTDIR/lib/bench_common.sh
source "$BENCH_DIR/lib/bench_common.sh"

build_arg=${1:-build-release}
[[ $build_arg == /* ]] || build_arg=$REPO_DIR/$build_arg
BUILD_DIR=$build_arg
DURATION=${2:-10}
CONNECTIONS=${3:-32}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
PG_PORT=${PG_PORT:-54393}
WARMUP=${WARMUP:-2}
READY_TIMEOUT=${READY_TIMEOUT:-15}
QUIET_WAIT=${QUIET_WAIT:-30}
QUIET_MAX_PCT=${QUIET_MAX_PCT:-10}
STRICT=${STRICT:-0}
for tool in wrk python3 curl taskset timeout psql cmake; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
for pair in "DURATION_S=$DURATION" "CONNECTIONS=$CONNECTIONS" "PG_PORT=$PG_PORT"; do
  [[ ${pair#*=} =~ ^[1-9][0-9]*$ ]] || die "${pair%%=*} must be a positive number"
done
CLK_TCK=$(getconf CLK_TCK)

if [[ ${CONDUIT_NO_BUILD:-0} != 1 ]]; then
  [[ -f $BUILD_DIR/CMakeCache.txt ]] || die "$BUILD_DIR is not a configured build tree"
  grep -q '^CONDUIT_BUILD_BENCH:BOOL=ON' "$BUILD_DIR/CMakeCache.txt" ||
    cmake -S "$REPO_DIR" -B "$BUILD_DIR" -DCONDUIT_BUILD_BENCH=ON >/dev/null
  note "building conduit_auth_bench in $BUILD_DIR"
  cmake --build "$BUILD_DIR" --target conduit_auth_bench >/dev/null
fi
SERVER_BIN=$BUILD_DIR/bench/auth/conduit_auth_bench
[[ -x $SERVER_BIN ]] || die "$SERVER_BIN is missing (configure with -DCONDUIT_BUILD_BENCH=ON)"

export CONDUIT_PG_TEST_PORT=$PG_PORT
export CONDUIT_PG_TEST_DIR=${TMPDIR:-/tmp}/conduit-auth-bench-$PG_PORT
CLUSTER=$REPO_DIR/scripts/pg-test-cluster.sh
DATABASE_URL="postgres://conduit_test:conduit_test_pw@127.0.0.1:$PG_PORT/conduit_test"
CLUSTER_STARTED=0
bench_cleanup_hook() {
  ((CLUSTER_STARTED)) && "$CLUSTER" stop >/dev/null 2>&1 || true
}
bench_start_bookkeeping conduit-auth-bench

note "starting PostgreSQL on 127.0.0.1:$PG_PORT (core $CLIENT_CORE)"
CLUSTER_STARTED=1
timeout 120 taskset -c "$CLIENT_CORE" "$CLUSTER" start >/dev/null
cat >"$WORK/config.yaml" <<YAML
database: $DATABASE_URL
YAML
(cd "$WORK" && "$SERVER_BIN" db upgrade --migration-directory \
  "$REPO_DIR/examples/accounts/migrations" >/dev/null)
(cd "$WORK" && "$SERVER_BIN" auth add-client --id com.bench.app --secret bench-secret >/dev/null)
# User 1 answers the readiness probe (GET /open/users/1); the benchmark's user registers below.
PGPASSWORD=conduit_test_pw psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U conduit_test \
  -d conduit_test -c "INSERT INTO _user (username, \"hashedPassword\", salt) VALUES ('probe', '-', '-')"

start_auth() {
  local port=$1
  (cd "$WORK" && pinned "$SERVER_CORE" "$SERVER_BIN" serve --port "$port" --threads 1 \
    --address 127.0.0.1 --quiet -c "$WORK/config.yaml") >/dev/null 2>"$WORK/auth.err" </dev/null &
  SERVER_PID=$!
}
check_endpoints() { echo true; }
declare -A PID PORT RESPONSES_OK
start_server auth /open/users/1 || die "the server did not start: $(tail -n 5 "$WORK/auth.err")"
port=${PORT[auth]}
pid=${PID[auth]}

register=$(curl -fsS -u com.bench.app:bench-secret -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench-password"}' "http://127.0.0.1:$port/register")
ACCESS_TOKEN=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["access_token"])' "$register")
curl -fsS -o /dev/null -H "Authorization: Bearer $ACCESS_TOKEN" "http://127.0.0.1:$port/users/2" ||
  die "the protected route refused the token"
# The token run signs in another user: each grant adds a token and, past the owner's token
# limit (40), evicts the oldest, which would soon be the protected run's.
curl -fsS -o /dev/null -u com.bench.app:bench-secret -H 'content-type: application/json' \
  -d '{"username":"grants","password":"grants-password"}' "http://127.0.0.1:$port/register"
export AUTH_BASIC AUTH_USER=grants AUTH_PASSWORD=grants-password
AUTH_BASIC=$(printf 'com.bench.app:bench-secret' | base64)

# run TEST SECONDS [record] -- ARGS for wrk
run() {
  local test=$1 seconds=$2 record=$3
  shift 4
  local cpu0 cpu1 result
  [[ $record == record ]] && wait_quiet
  cpu0=$(tree_cpu_ticks "$pid")
  timeout -k 5 $((seconds + 30)) taskset -c "$CLIENT_CORE" \
    wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s "$@" >"$WORK/wrk.out" 2>&1 </dev/null
  cpu1=$(tree_cpu_ticks "$pid")
  [[ $record == record ]] || return 0
  result=$(sed -n 's/^WRK_RESULT //p' "$WORK/wrk.out" | tail -n 1)
  [[ -n $result ]] || die "wrk failed for $test: $(cat "$WORK/wrk.out")"
  printf '{"test":"%s","server_cpu_ticks":%d,"clk_tck":%d,"wrk":%s}\n' \
    "$test" $((cpu1 - cpu0)) "$CLK_TCK" "$result" >>"$WORK/runs.jsonl"
}
url=http://127.0.0.1:$port
for phase in warm record; do
  seconds=$DURATION
  [[ $phase == warm ]] && seconds=$WARMUP
  note "$phase: token, protected, open (${seconds}s each, $CONNECTIONS connections)"
  run token "$seconds" "$phase" -- -s "$BENCH_DIR/auth_token.lua" "$url/auth/token"
  run protected "$seconds" "$phase" -- -s "$BENCH_DIR/plain.lua" \
    -H "Authorization: Bearer $ACCESS_TOKEN" "$url/users/2"
  run open "$seconds" "$phase" -- -s "$BENCH_DIR/plain.lua" "$url/open/users/2"
done

mkdir -p "$BENCH_DIR/out"
out=$BENCH_DIR/out/auth-$(date -u +%Y%m%dT%H%M%SZ).json
python3 - "$WORK/runs.jsonl" "$out" "$STRICT" <<'PY'
import hashlib, json, sys, time
runs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    w = r["wrk"]
    secs = w["duration_us"] / 1e6
    r["rps"] = w["requests"] / secs
    r["cpu_us_per_request"] = r["server_cpu_ticks"] / r["clk_tck"] * 1e6 / max(w["requests"], 1)
    r["errors"] = sum(w["errors"].values())
    runs[r["test"]] = r
# One PBKDF2-HMAC-SHA256 at the server's default rounds (1000, 32 bytes): OpenSSL's
# PKCS5_PBKDF2_HMAC, which hashlib calls too.
n = 2000
t0 = time.process_time()
for i in range(n):
    hashlib.pbkdf2_hmac("sha256", b"bench-password", b"x" * 44, 1000, 32)
pbkdf2_us = (time.process_time() - t0) / n * 1e6
token = runs["token"]
pbkdf2_share = min(1.0, 2 * pbkdf2_us / token["cpu_us_per_request"])
ratio = runs["protected"]["rps"] / runs["open"]["rps"]
errors = sum(r["errors"] for r in runs.values())
verdict = "PASS" if ratio >= 0.6 and errors == 0 else "FAIL"
print("auth_bench (1 event loop, PostgreSQL; server and wrk on separate cores)")
for name in ("token", "protected", "open"):
    r = runs[name]
    print(f"  {name:<10} {r['rps']:>9,.0f} req/s {r['cpu_us_per_request']:8.1f} us CPU/req "
          f"p99 {r['wrk']['latency_us']['p99'] / 1000:7.2f} ms  errors={r['errors']}")
print(f"  PBKDF2 (1000 rounds) {pbkdf2_us:.1f} us; the password grant does 2: "
      f"{pbkdf2_share * 100:.0f}% of its server CPU")
print(f"  protected/open throughput: {ratio:.2f} (target >= 0.6, no errors) {verdict}")
json.dump({"runs": runs, "pbkdf2_us": pbkdf2_us, "pbkdf2_share": pbkdf2_share,
           "protected_over_open": ratio, "verdict": verdict}, open(sys.argv[2], "w"), indent=1)
print(f"  wrote {sys.argv[2]}")
sys.exit(1 if sys.argv[3] == "1" and verdict != "PASS" else 0)
PY
