#!/usr/bin/env bash
# compile_bench.sh: how long an application's code takes to compile against an INSTALLED
# conduit (issue 10: application code that compiles in seconds).
#
# Installs an existing conduit build dir into a temporary prefix, then measures
#   - per public header an application includes: preprocessed lines and -fsyntax-only
#     user CPU of a TU that includes only it;
#   - the heroes demo (examples/heroes of the same source tree as the build dir) built as
#     its own CMake project against that prefix: fresh build, rebuild after touching
#     heroes_channel.cpp (wall clock), main.cpp -fsyntax-only and the compile of
#     heroes_channel.cpp exactly as the demo's build runs it (user CPU);
# and prints a table and PASS/FAIL against the targets.
#
# Usage: bench/compile_bench.sh [BUILD_DIR]   (default build-release; relative to the repo)
# Environment: CXX (default g++), RUNS (best of N for the timed compiles, default 3),
#   KEEP=1 keeps the temporary directory, STRICT=1 exits 1 unless every target PASSes.
# CPU times are user seconds of the compiler (noise from other processes on the machine
# only makes them worse; RUNS keeps the best). Builds run with -j2 and no ccache.
#
# Thread-safety: n/a (a script; uses only its own temporary directory).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-release}
[[ $build = /* ]] || build="$repo/$build"
cxx=${CXX:-g++}
runs=${RUNS:-3}
[[ -f $build/CMakeCache.txt ]] || { echo "*** $build is not a configured build dir" >&2; exit 1; }
# The heroes sources and headers come from the tree the build dir was configured from, so
# the script measures another checkout's build (e.g. the "before" of a change) correctly.
source_dir=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")

work=$(mktemp -d /tmp/conduit-compile-bench.XXXXXX)
if [[ ${KEEP:-0} != 1 ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"

# user CPU seconds of "$@", best of $runs.
cpu_seconds() {
  local best="" t
  for ((r = 0; r < runs; r++)); do
    /usr/bin/time -f %U -o "$work/time" "$@" > /dev/null 2> "$work/err" ||
      { cat "$work/err" >&2; echo "*** failed: $*" >&2; exit 1; }
    t=$(tail -1 "$work/time")
    if [[ -z $best ]] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  echo "$best"
}
now() { date +%s.%N; }
elapsed() { awk "BEGIN{printf \"%.2f\", $2 - $1}"; }

echo "conduit compile bench: $source_dir (build $build), $($cxx --version | head -1), $(nproc) cores"
echo
printf '%-44s %10s %10s\n' "public header (alone in a TU)" "lines" "parse s"
headers=(app/application.hpp app/application_channel.hpp config/configuration.hpp
  config/database_configuration.hpp core/log.hpp db/database.hpp db/database_error.hpp
  http/http_error.hpp http/controller.hpp http/router.hpp http/resource_controller.hpp
  http/file_controller.hpp orm/orm.hpp orm/data_model.hpp orm/query.hpp
  orm/managed_object_controller.hpp)
for h in "${headers[@]}"; do
  [[ -f $prefix/include/conduit/$h ]] || continue
  echo "#include \"conduit/$h\"" > "$work/tu.cpp"
  lines=$($cxx -std=c++20 -E -I"$prefix/include" "$work/tu.cpp" | wc -l)
  secs=$(cpu_seconds "$cxx" -std=c++20 -fsyntax-only -I"$prefix/include" "$work/tu.cpp")
  printf '%-44s %10s %10s\n' "conduit/$h" "$lines" "$secs"
done

# The demo as an application project of its own, the way a user builds one.
app="$work/heroes"
cp -r "$source_dir/examples/heroes" "$app"
rm -rf "$app/build" "$app"/*.db*
cmake -S "$app" -B "$app/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$(command -v "$cxx")" \
  -UCMAKE_CXX_COMPILER_LAUNCHER > "$work/configure.log"
t0=$(now)
cmake --build "$app/build" -j2 > "$work/build.log"
fresh=$(elapsed "$t0" "$(now)")
touch "$app/heroes_channel.cpp"
t0=$(now)
cmake --build "$app/build" -j2 > "$work/rebuild.log"
rebuild=$(elapsed "$t0" "$(now)")
# The channel's compile command as the demo's build runs it (its PCH and flags included).
channel_cmd=$(ninja -C "$app/build" -t commands | grep -F -- "heroes_channel.cpp" | grep -F -- " -c " | tail -1)
channel=$(cd "$app/build" && cpu_seconds bash -c "$channel_cmd")
# The demo instantiates ManagedObjectController<Hero> in a file of its own
# (hero_controller.cpp), so that editing the channel's routes does not recompile it;
# reported, without a target, so that the work moved out of the channel stays visible.
controller=""
controller_cmd=$(ninja -C "$app/build" -t commands | grep -F -- "hero_controller.cpp" | grep -F -- " -c " | tail -1 || true)
if [[ -n $controller_cmd ]]; then controller=$(cd "$app/build" && cpu_seconds bash -c "$controller_cmd"); fi
main=$(cd "$app" && cpu_seconds "$cxx" -std=c++20 -fsyntax-only -I"$prefix/include" main.cpp)
uses_pch=no
grep -q -- "-include" <<< "$channel_cmd" && uses_pch=yes

echo
printf '%-44s %10s %10s %8s\n' "heroes demo (installed conduit)" "measured" "target" "result"
failed=0
row() {  # name value target unit
  local ok
  if awk "BEGIN{exit !($2 < $3)}"; then ok=PASS; else ok=FAIL; failed=1; fi
  printf '%-44s %9ss %9ss %8s\n' "$1" "$2" "$3" "$ok"
}
row "main.cpp -fsyntax-only (user CPU)" "$main" 1.5
row "heroes_channel.cpp compile (user CPU, pch=$uses_pch)" "$channel" 4
row "rebuild after touching the channel (wall)" "$rebuild" 5
[[ -z $controller ]] || printf '%-44s %9ss\n' "hero_controller.cpp compile (user CPU)" "$controller"
printf '%-44s %9ss\n' "fresh build, -j2 (wall)" "$fresh"
if [[ ${STRICT:-0} = 1 ]]; then exit "$failed"; fi
