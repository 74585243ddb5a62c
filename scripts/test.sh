#!/usr/bin/env bash
# Runs every test of conduit, the way CI does:
#   1. installs the Debian packages (scripts/install-deps.sh) and checks the module
#      boundaries (scripts/check-boundaries.sh),
#   2. a Release build with -Werror and its CTest suite (unit, integration over real
#      sockets, process-level CLI tests, the installed-package check),
#   3. an ASan+UBSan build and the same suite,
#   4. the fuzz targets for a bounded time (scripts/fuzz.sh).
# Usage: scripts/test.sh [release|sanitize|fuzz ...]   (default: all of them)
# Build trees: build-release/, build-sanitize/, build-fuzz/. ccache keeps rebuilds fast.
set -euo pipefail
cd "$(dirname "$0")/.."

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(release sanitize fuzz)

scripts/install-deps.sh
scripts/check-boundaries.sh
jobs=$(nproc)
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Paths inside the checkout are hashed relative to the build directory, and the build
# directory itself is not hashed (the sanitizer build has -g), so a clone in another
# folder (CI's) reuses what an earlier build of the same sources compiled.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}

build_and_test() {
  local dir=$1
  shift
  echo "==> configuring $dir"
  mkdir -p "$dir"
  cmake -S . -B "$dir" -G Ninja -DCONDUIT_WERROR=ON "$@" > "$dir/configure.log" 2>&1 ||
    { cat "$dir/configure.log"; exit 1; }
  echo "==> building $dir"
  cmake --build "$dir" -j"$jobs"
  echo "==> testing $dir"
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" --timeout 600 | tee "$dir/ctest.log"
  # "100% tests passed, 0 tests failed out of 362" -> running totals for the last line.
  local summary
  summary=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$dir/ctest.log" | tail -n 1)
  local failed total
  failed=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<< "$summary")
  total=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/' <<< "$summary")
  total_passed=$((total_passed + total - failed))
  total_failed=$((total_failed + failed))
}
total_passed=0
total_failed=0

for stage in "${stages[@]}"; do
  case "$stage" in
    release) build_and_test build-release -DCMAKE_BUILD_TYPE=Release ;;
    sanitize)
      export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
      export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
      build_and_test build-sanitize -DCMAKE_BUILD_TYPE=Debug -DCONDUIT_SANITIZE=ON
      ;;
    fuzz) scripts/fuzz.sh "${FUZZ_SECONDS:-60}" ;;
    *) echo "*** unknown stage '$stage': use release, sanitize or fuzz" >&2; exit 1 ;;
  esac
done
echo "==> all test stages passed: ${stages[*]}"
echo "conduit: ${total_passed} passed, ${total_failed} failed"
