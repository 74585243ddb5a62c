#!/usr/bin/env bash
# CTest entry (deploy.heroku_lifecycle_postgres): the Heroku lifecycle of a `conduit create`d
# db app, run locally the way the platform runs it. The buildpack's bin/detect and
# bin/compile (with the installed conduit prefix, so conduit itself is not rebuilt), the slug
# moved elsewhere (as it lands at /app) and checked (no objects, sources or toolchain; every
# shared library in the slug or in the heroku-24 run image; $ORIGIN RUNPATH; no build path
# in the binaries); then with a Heroku-shaped DATABASE_URL and PORT the Procfile's release
# and web lines under /bin/sh after .profile.d, the endpoints, a no-op second release, a
# broken migration's release failing while the old release serves, SIGTERM -> exit 0 within
# 10 s; node-foreman (nf start, as `heroku local`) running the Procfile's web line with a
# .env, stopped by SIGINT; a second compile with one controller changed, which must hit the
# cache; finally the db_and_auth template through the same lifecycle with a one-off
# `auth add-client`, a password grant and protected routes (db_and_auth_lifecycle).
# Usage: heroku_lifecycle.sh CONDUIT_PREFIX WORK_DIR DATABASE_URL
# Single process (plus the children it starts and stops); bounded by timeouts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=$(realpath "$1") work=$2 database_url=$3
rm -rf "$work" && mkdir -p "$work" && work=$(realpath "$work")
# The buildpack as Heroku fetches it: the packaged tarball (bin/ at its root), unpacked.
"$here/../../deploy/heroku/package-buildpack.sh" --tarball "$work/buildpack.tgz" >/dev/null
mkdir "$work/buildpack" && tar -xzf "$work/buildpack.tgz" -C "$work/buildpack"
buildpack=$work/buildpack
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "== $*"; }

step "conduit create -t db wildfire"
(cd "$work" && "$prefix/bin/conduit" create -t db wildfire >/dev/null)
source_dir=$work/wildfire
mkdir -p "$work/cache" "$work/env"
echo "$prefix" >"$work/env/CONDUIT_PREFIX"
echo "/should/not/be/used" >"$work/env/PATH" # config vars never override PATH at compile

step "bin/detect"
[[ $("$buildpack/bin/detect" "$source_dir") == "Conduit (C++)" ]] || fail "detect did not apply"
if "$buildpack/bin/detect" "$work/env" 2>"$work/detect.err"; then fail "detect applied to a non-app"; fi
grep -q "CMakeLists.txt" "$work/detect.err" || fail "detect gave no reason on stderr"

step "app.json and heroku.yml"
python3 - "$source_dir" <<'PY' || fail "app.json or heroku.yml is not what Heroku needs"
import json, sys, yaml
app = json.load(open(sys.argv[1] + "/app.json"))
assert app["name"] == "wildfire"
assert app["addons"] == ["heroku-postgresql"]
assert [b["url"] for b in app["buildpacks"]][0] == "heroku-community/apt"
assert app["formation"]["web"]["quantity"] == 1
container = yaml.safe_load(open(sys.argv[1] + "/heroku.yml"))
assert container["build"]["docker"]["web"] == "Dockerfile"
assert "db upgrade" in container["release"]["command"][0]
assert "$PORT" in container["run"]["web"]
PY

step "bin/release"
release_yaml=$("$buildpack/bin/release" "$source_dir")
python3 - "$release_yaml" <<'PY' || fail "bin/release: $release_yaml"
import sys, yaml
doc = yaml.safe_load(sys.argv[1])
assert "config_vars" not in doc, "config_vars is deprecated"
assert doc["addons"] == []
assert "$PORT" in doc["default_process_types"]["web"]
PY

compile() { # BUILD_DIR -> prints seconds taken
  local started
  started=$(date +%s%N)
  STACK=heroku-24 timeout 600 "$buildpack/bin/compile" "$1" "$work/cache" "$work/env" \
    >"$1.log" 2>&1 || { cat "$1.log" >&2; fail "bin/compile $1 failed"; }
  echo $((($(date +%s%N) - started) / 1000000))
}

# Heroku removes .slugignore's patterns before the buildpack runs (leading / anchored).
apply_slugignore() {
  [[ -f $1/.slugignore ]] || fail "the created app has no .slugignore"
  [[ -f $1/app.json ]] || fail "the created app has no app.json"
  local pattern
  while read -r pattern; do
    [[ -z $pattern || $pattern == \#* ]] && continue
    (cd "$1" && find . -path "./${pattern#/}" -prune -exec rm -rf {} + 2>/dev/null) || true
    [[ $pattern == /* ]] || (cd "$1" && find . -name "$pattern" -prune -exec rm -rf {} +) || true
  done <"$1/.slugignore"
  [[ ! -e $1/tests ]] || fail ".slugignore did not drop tests/"
}

step "bin/compile (cold cache)"
cp -r "$source_dir" "$work/build_a"
apply_slugignore "$work/build_a"
first_ms=$(compile "$work/build_a")
grep -q '^-----> Building wildfire' "$work/build_a.log" || fail "compile output has no -----> heading"
grep -q '^       ' "$work/build_a.log" || fail "compile output is not indented"
mv "$work/build_a" "$work/app" # the slug lands elsewhere (/app on a dyno)
slug=$work/app

step "the slug"
[[ -x $slug/bin/wildfire && -x $slug/bin/conduit ]] || fail "bin/wildfire or bin/conduit missing"
[[ -f $slug/migrations/00000001_initial.migration.yaml && -f $slug/heroku.yaml && -f $slug/Procfile ]] ||
  fail "migrations, heroku.yaml or Procfile missing from the slug"
[[ -f $slug/.profile.d/conduit.sh ]] || fail ".profile.d/conduit.sh missing"
stray=$(find "$slug" -type f \( -name '*.o' -o -name '*.a' -o -name '*.cpp' -o -name '*.hpp' \
  -o -name '*.h' -o -name 'CMakeCache.txt' -o -name 'cc1plus' -o -name 'c++' -o -name 'cmake' \
  -o -name 'ninja' -o -name 'ccache' \))
[[ -z $stray ]] || fail "objects, sources or toolchain in the slug: $stray"
[[ ! -e $slug/.conduit-build && ! -e $slug/build ]] || fail "a build tree is left in the slug"
mapfile -t run_libs < <(grep -v '^#' "$buildpack/lib/heroku-24-run-libs.txt")
in_run_image() {
  local lib
  for lib in "${run_libs[@]}"; do [[ $lib == "$1" ]] && return 0; done
  return 1
}
for object in "$slug"/bin/* "$slug"/lib/*; do
  [[ -f $object ]] || continue
  if [[ $object == "$slug"/bin/* ]]; then
    runpath=$(readelf -d "$object" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
    [[ $runpath == '$ORIGIN/../lib' ]] || fail "$(basename "$object") RUNPATH is '$runpath'"
  fi
  ! ldd "$object" | grep -q 'not found' || fail "$(basename "$object"): $(ldd "$object" | grep 'not found')"
  # Each direct dependency: vendored in the slug (and resolved there) or in the run image.
  while read -r soname; do
    if in_run_image "$soname"; then continue; fi
    [[ -f $slug/lib/$soname ]] || fail "$(basename "$object") needs $soname: neither vendored nor in heroku-24"
    resolved=$(ldd "$object" | awk -v s="$soname" '$1 == s { print $3 }')
    [[ $(realpath "$resolved") == "$slug/lib/$soname" ]] || fail "$soname resolves to $resolved, not the slug"
  done < <(readelf -d "$object" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  # Neither the build/cache directories nor the conduit prefix compiled against.
  if strings "$object" | grep -q -e "$work" -e "$prefix"; then
    fail "$(basename "$object") holds a build path ($work or $prefix)"
  fi
done
echo "slug: $(du -sh "$slug" | cut -f1), lib/: $(ls "$slug/lib" 2>/dev/null | tr '\n' ' ')"

# ---- the release and web processes as a dyno runs them --------------------------------------
# A dyno: HOME=/app (the slug), cwd the slug, .profile.d sourced, then the Procfile line with
# bash -c (exec of the last command); /bin/sh here proves the line has no bashisms. PATH
# without cmake's directory is not needed: .profile.d sets CONDUIT_NO_BUILD.
procfile_line() { sed -n "s/^$1:[[:space:]]*//p" "$2/Procfile"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Heroku-shaped: postgres://, explicit port, no query string, a percent-encoded password
# (%5F is '_'). PGOPTIONS gives this test a schema of its own on the shared test database.
heroku_url=$(python3 - "$database_url" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
pw = "".join("%%%02X" % ord(c) if c == "_" else c for c in u.password)
print(f"postgres://{u.username}:{pw}@{u.hostname}:{u.port}{u.path}")
PY
)
[[ $heroku_url == *%5F* ]] || fail "the test password has no character to percent-encode"
schema=heroku_lifecycle
PGOPTIONS=--client-min-messages=warning psql "$database_url" -q -v ON_ERROR_STOP=1 -c "DROP SCHEMA IF EXISTS $schema CASCADE" \
  -c "CREATE SCHEMA $schema" >/dev/null
# Replaces the calling shell: run it in ( ) or with & (then $! is the process itself).
dyno() { # SLUG PROCESS_TYPE [TIMEOUT_S]
  local limit=()
  [[ -n ${3:-} ]] && limit=(timeout "$3")
  cd "$1" && exec "${limit[@]}" env -i HOME="$1" PATH=/usr/local/bin:/usr/bin:/bin PORT="$port" \
    DATABASE_URL="$heroku_url" PGOPTIONS="-c search_path=$schema" DYNO="$2.1" \
    /bin/sh -c ". ./.profile.d/conduit.sh; exec $(procfile_line "$2" "$1")"
}

step "release: $(procfile_line release "$slug")"
(dyno "$slug" release 60) >"$work/release1.log" 2>&1 || { cat "$work/release1.log" >&2; fail "release failed"; }
version=$(psql "$database_url" -tA -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = '$schema' AND table_name = 'models'")
[[ $version == 1 ]] || fail "the release did not create $schema.models"

step "web: $(procfile_line web "$slug")"
dyno "$slug" web >"$work/web.log" 2>&1 &
web_pid=$!
pids+=("$web_pid")
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$port/example" && break
  kill -0 "$web_pid" 2>/dev/null || { cat "$work/web.log" >&2; fail "web exited"; }
  sleep 0.1
done
[[ $(curl -sf "http://127.0.0.1:$port/example") == '{"key":"value"}' ]] || fail "GET /example"
created=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"name":"Bob"}' "http://127.0.0.1:$port/model")
[[ $created == *'"name":"Bob"'* ]] || fail "POST /model: $created"
[[ $(curl -sf "http://127.0.0.1:$port/model") == *'"Bob"'* ]] || fail "GET /model"
[[ $(psql "$database_url" -tA -c "SELECT name FROM $schema.models") == Bob ]] || fail "the row is not in PostgreSQL"

step "no auth tables in the db template: no one-off auth add-client"

step "second release: a no-op"
(dyno "$slug" release 60) >"$work/release2.log" 2>&1 || { cat "$work/release2.log" >&2; fail "second release failed"; }
grep -q "already current" "$work/release2.log" || fail "second release was not a no-op: $(cat "$work/release2.log")"
[[ $(psql "$database_url" -tA -c "SELECT name FROM $schema.models") == Bob ]] || fail "second release changed data"

step "a release with a broken migration fails; the old release keeps serving"
cp -r "$slug" "$work/app_broken"
cat >"$work/app_broken/migrations/00000002_broken.migration.yaml" <<'YAML'
# conduit migration 2: broken on purpose (a column on a table that does not exist)
operations:
  - add_column:
      table: no_such_table
      column: {name: age, type: integer, nullable: true}
YAML
if (dyno "$work/app_broken" release 60) >"$work/release3.log" 2>&1; then
  cat "$work/release3.log" >&2
  fail "the broken release exited 0"
fi
grep -q "no_such_table" "$work/release3.log" || fail "the broken release did not say why"
(dyno "$slug" release 60) >"$work/release4.log" 2>&1 && grep -q "already current" "$work/release4.log" ||
  fail "the schema moved after the broken release: $(cat "$work/release4.log")"
[[ $(curl -sf "http://127.0.0.1:$port/model") == *'"Bob"'* ]] || fail "the old release stopped serving"

step "SIGTERM: exit 0 within 10 s"
kill -TERM "$web_pid"
for _ in $(seq 1 100); do kill -0 "$web_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$web_pid" 2>/dev/null && fail "web still running 10 s after SIGTERM"
wait "$web_pid" && rc=0 || rc=$?
[[ $rc == 0 ]] || { cat "$work/web.log" >&2; fail "web exited $rc after SIGTERM"; }

step "node-foreman (the runner heroku local vendors): nf start web with a .env"
# Installed once per build tree beside WORK_DIR (pinned by package-lock.json; npm's cache
# makes reruns offline). Locally conduit is on the user's PATH; .profile.d is Heroku's.
modules="$work-node"
mkdir -p "$modules"
cp "$here/foreman/package.json" "$here/foreman/package-lock.json" "$modules/"
if [[ ! -x $modules/node_modules/.bin/nf ]]; then
  (cd "$modules" && timeout 300 npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci (foreman)"
fi
nf_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$slug/.env" <<DOTENV
# Quoted: in an unquoted value a '#' starts a comment (a password may hold one).
DATABASE_URL="$heroku_url"
PGOPTIONS="-c search_path=$schema"
CONDUIT_NO_BUILD=1
DOTENV
# Its own session and process group, like a terminal's foreground job, for Ctrl-C below.
(cd "$slug" && PATH="$slug/bin:/usr/local/bin:/usr/bin:/bin" \
  exec setsid "$modules/node_modules/.bin/nf" start -j Procfile -e .env -p "$nf_port" web) >"$work/nf.log" 2>&1 &
nf_pid=$!
pids+=("$nf_pid")
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$nf_port/model" && break
  kill -0 "$nf_pid" 2>/dev/null || { cat "$work/nf.log" >&2; fail "nf exited"; }
  sleep 0.1
done
[[ $(curl -sf "http://127.0.0.1:$nf_port/model") == *'"Bob"'* ]] || { cat "$work/nf.log" >&2; fail "nf's web did not serve"; }
# Ctrl-C: SIGINT to the whole foreground group (nf passes it on to its processes as well).
kill -INT -- "-$nf_pid"
for _ in $(seq 1 100); do kill -0 "$nf_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$nf_pid" 2>/dev/null && fail "nf still running 10 s after SIGINT"
if curl -s -o /dev/null "http://127.0.0.1:$nf_port/model"; then fail "the web process outlived nf"; fi
grep -q "stopped" "$work/nf.log" || { cat "$work/nf.log" >&2; fail "the app did not stop cleanly under nf"; }

step "second bin/compile, one controller changed, another BUILD path"
cp -r "$source_dir" "$work/build_b"
apply_slugignore "$work/build_b"
sed -i 's/{"key", "value"}/{"key", "changed"}/' "$work/build_b/src/wildfire_channel.cpp"
grep -q '"changed"' "$work/build_b/src/wildfire_channel.cpp" || fail "could not change the controller"
second_ms=$(compile "$work/build_b")
stats=$(CCACHE_DIR=$work/cache/conduit/ccache ccache --print-stats 2>/dev/null || true)
hits=$(sed -n 's/^direct_cache_hit\t//p; s/^preprocessed_cache_hit\t//p' <<<"$stats" | paste -sd+ | bc)
echo "compile times: cold ${first_ms} ms, warm with one controller changed ${second_ms} ms; ccache hits ${hits:-?}"
if command -v ccache >/dev/null; then
  [[ ${hits:-0} -ge 2 ]] || fail "the second compile did not reuse the cache (hits: ${hits:-0})"
fi
step "a new STACK drops the cache; a failure is one ' !' line on stderr"
cp -r "$source_dir" "$work/build_c"
mkdir -p "$work/env_bad" && echo "$work/no-such-prefix" >"$work/env_bad/CONDUIT_PREFIX"
if STACK=heroku-26 "$buildpack/bin/compile" "$work/build_c" "$work/cache" "$work/env_bad" \
  >"$work/build_c.out" 2>"$work/build_c.err"; then
  fail "compile with a bad CONDUIT_PREFIX exited 0"
fi
grep -q "Stack changed (heroku-24 -> heroku-26)" "$work/build_c.out" || fail "no stack change: $(cat "$work/build_c.out")"
[[ ! -e $work/cache/conduit/ccache ]] || fail "the old stack's ccache survived"
[[ $(wc -l <"$work/build_c.err") == 1 && $(cat "$work/build_c.err") == " !     CONDUIT_PREFIX="*"no bin/conduit" ]] ||
  fail "the failure was not one clear line: $(cat "$work/build_c.err")"

# ---- db_and_auth: the same lifecycle, plus a one-off `auth add-client` -----------------------
# A created db_and_auth app through bin/compile and into its own slug; the release; then the
# one-off dyno `heroku run conduit auth add-client ... --connect \$DATABASE_URL` runs (a
# /bin/sh -c line in the slug with .profile.d's PATH); the web process; a user registered with
# that client, a password grant at /auth/token and the bearer-protected routes; SIGTERM.
oneoff() { # SLUG COMMAND: `heroku run COMMAND` on a dyno of SLUG
  cd "$1" && exec timeout 60 env -i HOME="$1" PATH=/usr/local/bin:/usr/bin:/bin PORT="$port" \
    DATABASE_URL="$heroku_url" PGOPTIONS="-c search_path=$schema" DYNO=run.1 \
    /bin/sh -c ". ./.profile.d/conduit.sh; $2"
}
db_and_auth_lifecycle() {
  step "db_and_auth: conduit create, app.json, bin/compile"
  (cd "$work" && "$prefix/bin/conduit" create -t db_and_auth club >/dev/null)
  python3 - "$work/club" <<'PY' || fail "db_and_auth's app.json or heroku.yml is not what Heroku needs"
import json, sys, yaml
app = json.load(open(sys.argv[1] + "/app.json"))
assert app["name"] == "club" and app["addons"] == ["heroku-postgresql"]
assert app["env"]["AUTH_CLIENT_SECRET"]["generator"] == "secret"
assert "conduit auth add-client" in app["scripts"]["postdeploy"]
assert "$DATABASE_URL" in app["scripts"]["postdeploy"]
assert "db upgrade" in yaml.safe_load(open(sys.argv[1] + "/heroku.yml"))["release"]["command"][0]
PY
  cp -r "$work/club" "$work/build_auth"
  apply_slugignore "$work/build_auth"
  local auth_ms
  auth_ms=$(compile "$work/build_auth")
  mv "$work/build_auth" "$work/app_auth"
  local slug=$work/app_auth
  [[ -x $slug/bin/club && -x $slug/bin/conduit ]] || fail "db_and_auth: bin/club or bin/conduit missing"
  echo "db_and_auth compile: ${auth_ms} ms"

  schema=heroku_lifecycle_auth
  PGOPTIONS=--client-min-messages=warning psql "$database_url" -q -v ON_ERROR_STOP=1 \
    -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema" >/dev/null
  step "db_and_auth release: $(procfile_line release "$slug")"
  (dyno "$slug" release 60) >"$work/auth_release.log" 2>&1 ||
    { cat "$work/auth_release.log" >&2; fail "db_and_auth release failed"; }

  step "db_and_auth one-off: conduit auth add-client"
  # Single quotes: $DATABASE_URL expands on the dyno (heroku run ... --connect \$DATABASE_URL).
  # shellcheck disable=SC2016
  (oneoff "$slug" 'conduit auth add-client --id com.club.app --secret s3cret --connect $DATABASE_URL') \
    >"$work/auth_oneoff.log" 2>&1 || { cat "$work/auth_oneoff.log" >&2; fail "the one-off auth add-client failed"; }
  [[ $(psql "$database_url" -tA -c "SELECT count(*) FROM $schema._authclient WHERE id = 'com.club.app'") == 1 ]] ||
    fail "the one-off did not store the client in $schema"

  step "db_and_auth web: register, password grant, protected routes"
  dyno "$slug" web >"$work/auth_web.log" 2>&1 &
  local auth_pid=$!
  pids+=("$auth_pid")
  local base=http://127.0.0.1:$port
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$base/me" && break
    kill -0 "$auth_pid" 2>/dev/null || { cat "$work/auth_web.log" >&2; fail "db_and_auth web exited"; }
    sleep 0.1
  done
  local registered token me
  registered=$(curl -s -u com.club.app:s3cret -H 'Content-Type: application/json' \
    -d '{"username":"bob","password":"pw"}' "$base/register")
  [[ $registered == *access_token* ]] || fail "POST /register: $registered"
  [[ $(curl -s -o /dev/null -w '%{http_code}' -u com.club.app:wrong \
    -d 'grant_type=password&username=bob&password=pw' "$base/auth/token") == 401 ]] ||
    fail "a wrong client secret was not refused"
  token=$(curl -s -u com.club.app:s3cret -d 'grant_type=password&username=bob&password=pw' "$base/auth/token" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])') || fail "the password grant"
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/me") == 401 ]] || fail "GET /me without a token is not 401"
  me=$(curl -sf -H "Authorization: Bearer $token" "$base/me") || fail "GET /me with the token"
  [[ $me == *'"bob"'* ]] || fail "GET /me: $me"
  curl -sf -H "Authorization: Bearer $token" "$base/model" >/dev/null || fail "GET /model with the token"

  step "db_and_auth SIGTERM: exit 0 within 10 s"
  kill -TERM "$auth_pid"
  for _ in $(seq 1 100); do kill -0 "$auth_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$auth_pid" 2>/dev/null && fail "db_and_auth web still running 10 s after SIGTERM"
  local rc
  wait "$auth_pid" && rc=0 || rc=$?
  [[ $rc == 0 ]] || { cat "$work/auth_web.log" >&2; fail "db_and_auth web exited $rc after SIGTERM"; }
}
db_and_auth_lifecycle
echo "PASS"
