#!/usr/bin/env bash
# create_bench.sh: how fast a new user gets going (issue 13), against an INSTALLED conduit:
#   - first build: `conduit create app -t db`, then the first `conduit serve --help` in it
#     (the tool configures build/ and builds the app: cmake -S . -B build, cmake --build);
#   - edit and serve: one line of the channel changed (so no cache can help), then
#     `conduit serve` until GET /example answers (rebuild + start), wall clock.
#   - the rebuild alone after an edit (`conduit serve --help`), wall and CPU;
#   - `conduit serve --watch`: from a change to config.yaml to the restarted app answering
#     (the watcher notices it, debounces, stops the app and starts it again; no build);
#   - the edit-and-serve path taken apart, each part timed on its own (wall and CPU):
#     the tool with nothing to rebuild (`conduit serve --help`: tool start, the build check,
#     the app's help), a CMake re-configure (what the tool does NOT do while no CMakeLists.txt
#     changed: shown for reference), compiling the edited channel, linking, and the app from
#     exec to its first answer; plus the CPU of the whole `conduit serve` process tree from
#     the edit to the first answer.
# Each is measured RUNS times (default 3) in a fresh project; the minimum is reported,
# with every run's time, and the CPU time (user + sys) of the builds: on a shared machine
# the wall times grow with the load, the CPU times do not. Builds run without ccache (CCACHE_DISABLE=1; CCACHE=1 allows it).
# Targets (issue 13, 2 cores): first build < 30 s; answering again after an edit < 8 s;
# --watch restart after a config change < 1 s.
#
# Usage: bench/create_bench.sh [BUILD_DIR]   (default build-release; relative to the repo)
# Environment: RUNS, CCACHE=1, KEEP=1 keeps the temporary directory, PREFIX=DIR uses a conduit
# already installed there instead of installing BUILD_DIR (to compare two versions).
#
# Thread-safety: n/a (a script; uses only its own temporary directory and free ports).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-release}
[[ $build = /* ]] || build="$repo/$build"
runs=${RUNS:-3}
[[ -n ${PREFIX:-} || -f $build/CMakeCache.txt ]] ||
  { echo "*** $build is not a configured build dir" >&2; exit 1; }
[[ ${CCACHE:-0} = 1 ]] || export CCACHE_DISABLE=1
unset DATABASE_URL PORT CONDUIT_APP conduit_DIR

work=$(mktemp -d /tmp/conduit-create-bench.XXXXXX)
server=""
cleanup() {
  [[ -n $server ]] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [[ ${KEEP:-0} = 1 ]] && echo "keeping $work" || rm -rf "$work"
}
trap cleanup EXIT
prefix=${PREFIX:-$work/prefix}
[[ -n ${PREFIX:-} ]] || cmake --install "$build" --prefix "$prefix" > "$work/install.log"
conduit="$prefix/bin/conduit"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

first=() first_cpu=() rebuild=() rebuild_cpu=() edit=() edit_cpu=() watch=()
noop=() noop_cpu=() reconf=() reconf_cpu=() compile=() compile_cpu=() link=() link_cpu=()
boot=() boot_cpu=()
ticks=$(getconf CLK_TCK)
# CPU seconds of a running process and of the children it has waited for (fields 14-17 of
# /proc/PID/stat), plus those of its live descendants: a process tree's CPU up to now.
tree_cpu() { awk -v t="$(tree_cpu_ticks "$1")" -v h="$ticks" 'BEGIN { printf "%.2f", t / h }'; }
tree_cpu_ticks() {
  local pid=$1 total child
  local -a f
  read -r -a f < <(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || { echo 0; return; }
  total=$((f[11] + f[12] + f[13] + f[14]))
  for child in $(pgrep -P "$pid" 2>/dev/null); do
    total=$((total + $(tree_cpu_ticks "$child")))
  done
  echo "$total"
}
# Wall and CPU (user + sys, children included) of a command run in $app.
timed() {
  local wall user sys
  (cd "$app" && /usr/bin/time -o "$app/time.txt" -f "%e %U %S" "$@" > /dev/null 2>&1)
  read -r wall user sys < "$app/time.txt"
  echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
}
# Wall and CPU (user + sys of the build's processes) of the tool's build: `conduit serve
# --help` builds, then the app prints its help. CPU says what an idle machine would take
# where other work shares the cores (wall times then grow; CPU times barely do).
timed_build() {
  local app=$1 wall user sys
  (cd "$app" && /usr/bin/time -o "$app/time.txt" -f "%e %U %S" "$conduit" serve --help > /dev/null)
  read -r wall user sys < "$app/time.txt"
  echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
for run in $(seq "$runs"); do
  dir="$work/run$run"
  mkdir -p "$dir"
  (cd "$dir" && "$conduit" create bench_app -t db > /dev/null)
  app="$dir/bench_app"
  channel="$app/src/bench_app_channel.cpp"
  read -r wall cpu <<< "$(timed_build "$app")"
  first+=("$wall") first_cpu+=("$cpu")

  # One line of the channel changed: a real edit, which no compiler cache has seen.
  sed -i "s/{\"key\", \"value\"}/{\"key\", \"edit $run\"}/" "$channel"
  read -r wall cpu <<< "$(timed_build "$app")"
  rebuild+=("$wall") rebuild_cpu+=("$cpu")

  sed -i "s/{\"key\", \"edit $run\"}/{\"key\", \"run $run\"}/" "$channel"
  port=$(free_port)
  start=$(now)
  (cd "$app" && exec "$conduit" -v serve -p "$port" -a 127.0.0.1 > "$dir/serve.log" 2>&1) &
  server=$!
  until curl -sf "http://127.0.0.1:$port/example" 2>/dev/null | grep -q "run $run"; do
    kill -0 "$server" 2>/dev/null || { cat "$dir/serve.log" >&2; exit 1; }
    sleep 0.05
  done
  edit+=("$(elapsed "$start" "$(now)")")
  edit_cpu+=("$(tree_cpu "$server")")
  kill -TERM "$server"
  wait "$server" || true
  server=""

  # The same path, part by part.
  read -r wall cpu <<< "$(timed "$conduit" serve --help)"
  noop+=("$wall") noop_cpu+=("$cpu")
  read -r wall cpu <<< "$(timed cmake -S . -B build)"
  reconf+=("$wall") reconf_cpu+=("$cpu")
  sed -i "s/{\"key\", \"run $run\"}/{\"key\", \"part $run\"}/" "$channel"
  object=$(ninja -C "$app/build" -t targets all | grep -o "^CMakeFiles/bench_app.dir/[^:]*_channel.cpp.o")
  read -r wall cpu <<< "$(timed ninja -C build "$object")"
  compile+=("$wall") compile_cpu+=("$cpu")
  read -r wall cpu <<< "$(timed ninja -C build bench_app)"
  link+=("$wall") link_cpu+=("$cpu")
  port=$(free_port)
  begin=$(now)
  (cd "$app" && exec build/bench_app serve -p "$port" -a 127.0.0.1 > "$dir/start.log" 2>&1) &
  server=$!
  until curl -sf "http://127.0.0.1:$port/example" 2>/dev/null | grep -q "part $run"; do
    kill -0 "$server" 2>/dev/null || { cat "$dir/start.log" >&2; exit 1; }
    sleep 0.01
  done
  boot+=("$(elapsed "$begin" "$(now)")")
  boot_cpu+=("$(tree_cpu "$server")")
  kill -TERM "$server"
  wait "$server" || true
  server=""

  # serve --watch: a config change restarts the app; timed until the new one answers.
  port=$(free_port)
  (cd "$app" && exec "$conduit" serve --watch -p "$port" -a 127.0.0.1 > "$dir/watch.log" 2>&1) &
  server=$!
  until grep -q "\[watch\] watching" "$dir/watch.log" && curl -sf "http://127.0.0.1:$port/example" > /dev/null 2>&1; do
    kill -0 "$server" 2>/dev/null || { cat "$dir/watch.log" >&2; exit 1; }
    sleep 0.05
  done
  before=$(grep -c "listening on" "$dir/watch.log")
  start=$(now)
  echo "# touched by create_bench.sh" >> "$app/config.yaml"
  until [[ $(grep -c "listening on" "$dir/watch.log") -gt $before ]] &&
        curl -sf "http://127.0.0.1:$port/example" > /dev/null 2>&1; do
    kill -0 "$server" 2>/dev/null || { cat "$dir/watch.log" >&2; exit 1; }
    sleep 0.01
  done
  watch+=("$(elapsed "$start" "$(now)")")
  kill -TERM "$server"
  wait "$server" || true
  server=""
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

min() { printf '%s\n' "$@" | sort -n | head -1; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "PASS" : "FAIL" }'; }
row() {  # label target values...
  local label=$1 target=$2
  shift 2
  local best
  best=$(min "$@")
  printf '%-46s %7s %7s  %-6s %s\n' "$label" "$best" "${target:-}" \
    "$([[ -n $target ]] && verdict "$best" "${target#< }")" "$*"
}
printf '%-46s %7s %7s  %-6s %s\n' "measure (seconds, ${runs} runs)" "min" "target" "" "runs"
row "first build of a fresh db app, wall" "< 30" "${first[@]}"
row "first build of a fresh db app, CPU" "" "${first_cpu[@]}"
row "rebuild after a channel edit, wall" "" "${rebuild[@]}"
row "rebuild after a channel edit, CPU" "" "${rebuild_cpu[@]}"
row "channel edit -> conduit serve answers, wall" "< 8" "${edit[@]}"
row "channel edit -> conduit serve answers, CPU" "" "${edit_cpu[@]}"
echo "  its parts, each timed alone:"
row "  tool + build check + app --help, wall" "" "${noop[@]}"
row "  tool + build check + app --help, CPU" "" "${noop_cpu[@]}"
row "  (cmake re-configure: not done, ref.) wall" "" "${reconf[@]}"
row "  (cmake re-configure: not done, ref.) CPU" "" "${reconf_cpu[@]}"
row "  compile the edited channel, wall" "" "${compile[@]}"
row "  compile the edited channel, CPU" "" "${compile_cpu[@]}"
row "  link, wall" "" "${link[@]}"
row "  link, CPU" "" "${link_cpu[@]}"
row "  app exec -> first answer, wall" "" "${boot[@]}"
row "  app exec -> first answer, CPU" "" "${boot_cpu[@]}"
row "serve --watch: config change -> answering, wall" "< 1" "${watch[@]}"
