#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzzer.cpp) in build-fuzz/ with clang-14, ASan and
# UBSan, then runs each one for its share of a time budget, starting from a scratch copy
# of its seed corpus (fuzz/corpus/<target>/) so the repository is never written to.
# Fails when any fuzzer reports a crash, leak, timeout or out-of-memory, printing the
# input's path (kept on disk) and its first bytes in hex.
#
# Usage: scripts/fuzz.sh [SECONDS]            total budget, default 60
#        FUZZERS="router_fuzzer config_fuzzer" scripts/fuzz.sh 30   only these targets
# Needs the packages of scripts/install-deps.sh (clang-14, libclang-rt-14-dev).
set -euo pipefail
cd "$(dirname "$0")/.."

budget=${1:-60}
if ! [[ "$budget" =~ ^[0-9]+$ ]] || [ "$budget" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS]  (a positive number of seconds)" >&2
  exit 2
fi

build_dir=build-fuzz
jobs=$(nproc)

# Share of the budget (percent) and maximum input length of each target. The HTTP
# request fuzzer covers the most code, so it gets the largest share; 8 KiB is the
# server's request-line limit, which bounds the paths the router ever sees.
declare -A share=(
  [http_request_fuzzer]=35 [router_fuzzer]=15 [config_fuzzer]=20
  [multipart_fuzzer]=15 [urlencoded_fuzzer]=15
)
declare -A max_len=(
  [http_request_fuzzer]=16384 [router_fuzzer]=8192 [config_fuzzer]=4096
  [multipart_fuzzer]=8192 [urlencoded_fuzzer]=4096
)
declare -A dict=(
  [http_request_fuzzer]=fuzz/http.dict [router_fuzzer]=fuzz/http.dict
  [config_fuzzer]=fuzz/config.dict [multipart_fuzzer]=fuzz/http.dict
  [urlencoded_fuzzer]=fuzz/http.dict
)
read -r -a targets <<< "${FUZZERS:-http_request_fuzzer router_fuzzer config_fuzzer multipart_fuzzer urlencoded_fuzzer}"

work=$(mktemp -d "${TMPDIR:-/tmp}/conduit-fuzz.XXXXXX")
keep_work=0
cleanup() {
  if [ "$keep_work" -eq 0 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

echo "==> configuring $build_dir (clang-14, libFuzzer, ASan+UBSan)"
if ! cmake -S . -B "$build_dir" -G Ninja \
    -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" \
    -DCONDUIT_BUILD_FUZZERS=ON -DCONDUIT_BUILD_TESTS=OFF -DCONDUIT_BUILD_EXAMPLES=OFF \
    -DCONDUIT_WERROR=ON > "$work/configure.log" 2>&1; then
  cat "$work/configure.log"
  exit 1
fi
echo "==> building $build_dir"
cmake --build "$build_dir" --target conduit_fuzzers -j"$jobs"

# Leaks fail the run; UB is already fatal (-fno-sanitize-recover). These replace any
# options an earlier stage of scripts/test.sh exported.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The HTTP fuzzers' FileController serves a tree they create under $TMPDIR.
export TMPDIR="$work"

total_share=0
for target in "${targets[@]}"; do
  if [ -z "${share[$target]:-}" ]; then
    echo "*** unknown fuzzer '$target'" >&2
    exit 2
  fi
  total_share=$((total_share + share[$target]))
done

summaries=()
failed=0
for target in "${targets[@]}"; do
  seconds=$((budget * share[$target] / total_share))
  [ "$seconds" -ge 1 ] || seconds=1
  corpus="$work/corpus/$target"
  artifacts="$work/artifacts/$target"
  log="$work/$target.log"
  mkdir -p "$corpus" "$artifacts"
  cp -R "fuzz/corpus/$target/." "$corpus/"
  seeds=$(find "$corpus" -type f | wc -l)

  echo "==> $target for ${seconds}s (max_len ${max_len[$target]}, $seeds seeds)"
  rc=0
  "$build_dir/fuzz/$target" "$corpus" \
    -max_total_time="$seconds" -max_len="${max_len[$target]}" \
    -rss_limit_mb=2048 -timeout=10 -dict="${dict[$target]}" \
    -artifact_prefix="$artifacts/" -print_final_stats=1 > "$log" 2>&1 || rc=$?

  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
  coverage=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -n 1 || true)
  findings=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
    -o -name 'oom-*' \) | sort)

  if [ "$rc" -ne 0 ] || [ -n "$findings" ]; then
    failed=1
    keep_work=1
    echo "*** $target failed (exit $rc); the end of its log ($log):"
    grep -v -e '^#[0-9]' -e '^	NEW_FUNC' "$log" | tail -n 60
    for input in $findings; do
      echo "*** reproducer: $input ($(wc -c < "$input") bytes), first 256 bytes:"
      od -A d -t x1z -v -N 256 "$input"
      echo "*** rerun: $build_dir/fuzz/$target $input"
    done
    summaries+=("$target: ${runs:-?} runs in ${took:-?}s${coverage:+ ($coverage)}, FAILED (exit $rc)")
  else
    summaries+=("$target: ${runs:-?} runs in ${took:-?}s${coverage:+ ($coverage)}, no crash")
  fi
done

echo "==> fuzzing summary (budget ${budget}s)"
printf '%s\n' "${summaries[@]}"
if [ "$failed" -ne 0 ]; then
  echo "*** fuzzing found problems; inputs and logs are kept in $work" >&2
  exit 1
fi
