#!/usr/bin/env bash
# CTest entry (deploy.container_build_postgres, only with -DCONDUIT_CONTAINER_TESTS=ON): the
# container path of docs/deploy_heroku.md, run locally with podman the way Heroku's
# container stack runs heroku.yml. Builds the template Dockerfile (multi-stage, conduit
# compiled inside from scratch) for a `conduit create`d db app whose conduit/ is a vendored
# copy of this source tree, and for a db_and_auth app that gets conduit as a checksummed
# tarball through the CONDUIT_SOURCE_URL/CONDUIT_SOURCE_SHA256 build arguments (a wrong
# checksum must stop the build). Each image: non-root user, heroku.yml's release command
# (db upgrade) then its web command with PORT and a Heroku-shaped DATABASE_URL against the
# host's PostgreSQL (host network), the endpoints (for db_and_auth: a one-off
# `auth add-client`, a user registered, a password grant, a protected route), then
# SIGTERM -> exit 0 within 10 s. Prints the time of each step.
#
# Needs podman (buildah inside) and, when the base images are not there yet, debootstrap and
# Debian's mirror: Docker Hub is not used. The base images are made locally from
# `debootstrap --variant=minbase bookworm` and named as the Dockerfile's FROM lines
# (docker.io/library/debian:12 and :12-slim). Everything lasting is kept in CACHE_DIR (its
# own podman storage, the rootfs, a ccache for the builds), so a rerun reuses the layers.
# Usage: container_build.sh CONDUIT_PREFIX WORK_DIR DATABASE_URL [CACHE_DIR]
#   CACHE_DIR defaults to $CONDUIT_CONTAINER_CACHE, else ~/.cache/conduit-container.
#   CONDUIT_CONTAINER_JOBS: parallel compile jobs inside the build (default 2).
# Single process (plus the podman processes it starts and stops); bounded by timeouts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
prefix=$(realpath "$1") work=$2 database_url=$3
cache=${4:-${CONDUIT_CONTAINER_CACHE:-$HOME/.cache/conduit-container}}
jobs=${CONDUIT_CONTAINER_JOBS:-2}
rm -rf "$work" && mkdir -p "$work" "$cache" && work=$(realpath "$work") cache=$(realpath "$cache")
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "== $*"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
since() { echo "$((($(now_ms) - $1) / 1000)) s"; }
for tool in podman python3 psql curl git; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install podman buildah debootstrap)"
done

# Own storage: no interference with other podman users of the machine. overlay where the
# kernel allows it, vfs otherwise (slower, always works).
driver=${CONDUIT_CONTAINER_STORAGE_DRIVER:-}
if [[ -z $driver ]]; then
  if [[ -f $cache/storage-driver ]]; then
    driver=$(cat "$cache/storage-driver")
  else
    driver=vfs
    mkdir -p "$cache/probe/lower" "$cache/probe/upper" "$cache/probe/work" "$cache/probe/merged"
    if mount -t overlay overlay -o "lowerdir=$cache/probe/lower,upperdir=$cache/probe/upper,workdir=$cache/probe/work" \
      "$cache/probe/merged" 2>/dev/null; then
      umount "$cache/probe/merged" && driver=overlay
    fi
    rm -rf "$cache/probe"
    echo "$driver" >"$cache/storage-driver"
  fi
fi
pm() { podman --root "$cache/storage" --runroot "$cache/run" --storage-driver "$driver" "$@"; }
containers=()
server_pid=""
cleanup() {
  local c
  for c in "${containers[@]}"; do pm rm -f -t 0 "$c" >/dev/null 2>&1 || true; done
  [[ -z $server_pid ]] || kill "$server_pid" 2>/dev/null || true
}
trap cleanup EXIT
# A sandbox without CAP_SYS_RESOURCE cannot take podman's default ulimits, and crun refuses
# hybrid cgroups: then runc and the limits the machine has (found once, kept in the cache).
runtime_note=default
if [[ -z ${CONTAINERS_CONF:-} && -f $cache/containers.conf ]]; then
  export CONTAINERS_CONF=$cache/containers.conf runtime_note=$cache/containers.conf
fi

# ---- the base images -----------------------------------------------------------------------
base_image() { # NAME SLIM(0|1)
  pm image exists "$1" && return 0
  local started rootfs=$cache/rootfs-bookworm
  started=$(now_ms)
  if [[ ! -f $rootfs/.complete ]]; then
    command -v debootstrap >/dev/null || fail "debootstrap is not installed (needed once for the base images)"
    rm -rf "$rootfs"
    timeout 1200 debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian \
      >"$cache/debootstrap.log" 2>&1 || fail "debootstrap failed: $(tail -1 "$cache/debootstrap.log")"
    touch "$rootfs/.complete"
  fi
  local tree=$work/base-tree
  rm -rf "$tree" && cp -a "$rootfs" "$tree" && rm -f "$tree/.complete"
  # The sources of Docker Hub's debian:12 (updates and security as well), no package lists.
  rm -f "$tree/etc/apt/sources.list"
  cat >"$tree/etc/apt/sources.list.d/debian.sources" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  rm -rf "$tree"/var/lib/apt/lists/* "$tree"/var/cache/apt/*.bin "$tree"/var/cache/apt/archives/*.deb
  if [[ $2 == 1 ]]; then # -slim: no documentation or locales, now or from later installs
    rm -rf "$tree"/usr/share/doc/* "$tree"/usr/share/man/* "$tree"/usr/share/info/* "$tree"/usr/share/locale/*
    printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-exclude /usr/share/man/*' \
      'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' >"$tree/etc/dpkg/dpkg.cfg.d/docker-slim"
  fi
  tar -C "$tree" -c . | pm import --change 'CMD ["bash"]' - "$1" >"$work/import.log" 2>&1 ||
    fail "podman import $1: $(tail -1 "$work/import.log")"
  rm -rf "$tree"
  echo "base image $1: $(since "$started")"
}
step "base images (debootstrap bookworm, as Docker Hub's debian:12 and debian:12-slim)"
base_image docker.io/library/debian:12 0
base_image docker.io/library/debian:12-slim 1
if ! pm run --rm docker.io/library/debian:12-slim true >"$work/probe.log" 2>&1; then
  [[ -z ${CONTAINERS_CONF:-} ]] || fail "podman cannot run a container: $(tail -1 "$work/probe.log")"
  nofile=$(ulimit -Hn) nproc=$(ulimit -Hu)
  [[ $nproc == unlimited || $nproc -gt 32768 ]] && nproc=32768
  printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' "$nofile" "$nofile" "$nproc" "$nproc" \
    >"$cache/containers.conf"
  command -v runc >/dev/null && printf '[engine]\nruntime = "runc"\n' >>"$cache/containers.conf"
  export CONTAINERS_CONF=$cache/containers.conf runtime_note=$cache/containers.conf
  pm run --rm docker.io/library/debian:12-slim true >"$work/probe.log" 2>&1 ||
    { rm -f "$cache/containers.conf"; fail "podman cannot run a container: $(tail -1 "$work/probe.log")"; }
fi
echo "podman $(podman --version | awk '{print $3}'), storage $driver, runtime config $runtime_note, -j$jobs"

# ---- the apps ------------------------------------------------------------------------------
# conduit's sources as a user has them in a clone: the tracked and untracked-not-ignored files.
conduit_sources() { # DIR
  mkdir -p "$1"
  (cd "$repo" && git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
    [[ -e $f ]] && printf '%s\0' "$f"
  done | tar --null -T - -c) | tar -x -C "$1"
}

build_image() { # CONTEXT TAG [BUILD ARGS...] -> the build's log in CONTEXT.build.log
  local context=$1 tag=$2 started
  shift 2
  started=$(now_ms)
  mkdir -p "$cache/ccache"
  # -v: a ccache for the compiles (the Dockerfile's builds use ccache when it has a cache);
  # host network: Debian's mirror and the tarball server on 127.0.0.1.
  timeout 3000 podman --root "$cache/storage" --runroot "$cache/run" --storage-driver "$driver" \
    build --pull=never --layers --network host -v "$cache/ccache:/root/.cache/ccache" \
    --build-arg "CONDUIT_BUILD_JOBS=$jobs" "$@" -t "$tag" "$context" >"$context.build.log" 2>&1 || return 1
  echo "built $tag in $(since "$started") ($(pm image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
}

heroku_yml() { # APP KEY -> release's command or run's web command
  python3 - "$1/heroku.yml" "$2" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
assert doc["build"]["docker"]["web"] == "Dockerfile"
print(doc["release"]["command"][0] if sys.argv[2] == "release" else doc["run"]["web"])
PY
}

# Heroku-shaped: postgres://, explicit port, a percent-encoded password (%5F is '_').
heroku_url=$(python3 - "$database_url" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
pw = "".join("%%%02X" % ord(c) if c == "_" else c for c in u.password)
print(f"postgres://{u.username}:{pw}@{u.hostname}:{u.port}{u.path}")
PY
)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A dyno of the image: heroku.yml's command under /bin/sh -c, config vars as environment.
# PGOPTIONS gives each app a schema of its own on the shared test database.
dyno() { # TAG SCHEMA NAME COMMAND [podman run options...]
  local tag=$1 schema=$2 name=$3 command=$4
  shift 4
  pm rm -f -t 0 "$name" >/dev/null 2>&1 || true # left by an interrupted run
  pm run --rm --name "$name" --network host -e PORT="${port:-}" -e DATABASE_URL="$heroku_url" \
    -e PGOPTIONS="-c search_path=$schema" -e DYNO="$name" "$@" "$tag" /bin/sh -c "$command"
}

start_web() { # TAG SCHEMA APP -> web_pid, port
  port=$(free_port)
  local command
  command=$(heroku_yml "$3" web)
  # exec: the server is the container's PID 1, so podman kill's SIGTERM reaches it (Heroku
  # signals every process of a dyno; a shell as PID 1 would ignore it).
  containers+=("$2-web")
  dyno "$1" "$2" "$2-web" "exec $command" >"$work/$2-web.log" 2>&1 &
  web_pid=$!
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
    kill -0 "$web_pid" 2>/dev/null || { cat "$work/$2-web.log" >&2; fail "$2: web exited"; }
    sleep 0.1
  done
  fail "$2: web did not listen on $port within 60 s"
}

stop_web() { # SCHEMA
  local started rc
  started=$(now_ms)
  pm kill --signal TERM "$1-web" >/dev/null || fail "$1: podman kill"
  for _ in $(seq 1 100); do kill -0 "$web_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$web_pid" 2>/dev/null && fail "$1: web still running 10 s after SIGTERM"
  wait "$web_pid" && rc=0 || rc=$?
  [[ $rc == 0 ]] || { cat "$work/$1-web.log" >&2; fail "$1: web exited $rc after SIGTERM"; }
  echo "SIGTERM -> exit 0 in $(($(now_ms) - started)) ms"
}

release() { # TAG SCHEMA APP
  local started
  started=$(now_ms)
  PGOPTIONS=--client-min-messages=warning psql "$database_url" -q -v ON_ERROR_STOP=1 \
    -c "DROP SCHEMA IF EXISTS $2 CASCADE" -c "CREATE SCHEMA $2" >/dev/null
  dyno "$1" "$2" "$2-release" "$(heroku_yml "$3" release)" >"$work/$2-release.log" 2>&1 ||
    { cat "$work/$2-release.log" >&2; fail "$2: the release command failed"; }
  echo "release ($(heroku_yml "$3" release)): $(since "$started")"
}

check_image() { # TAG
  [[ $(pm run --rm "$1" id -u) == 1000 ]] || fail "$1 does not run as uid 1000"
  pm run --rm "$1" /bin/sh -c 'command -v curl >/dev/null && ! command -v g++ && ! command -v cmake && ! ls /app/*.cpp /app/src 2>/dev/null' \
    >/dev/null || fail "$1: no curl, or a toolchain or sources in the run image"
}

# ---- db: conduit vendored as conduit/ (a submodule's checkout looks the same) ----------------
step "db app, conduit vendored in conduit/: podman build"
(cd "$work" && "$prefix/bin/conduit" create -t db wildfire >/dev/null)
conduit_sources "$work/wildfire/conduit"
build_image "$work/wildfire" localhost/conduit-test/wildfire ||
  { tail -30 "$work/wildfire.build.log" >&2; fail "building the db image failed (log: $work/wildfire.build.log)"; }
check_image localhost/conduit-test/wildfire
step "db app: release, web, endpoints, SIGTERM"
release localhost/conduit-test/wildfire container_db "$work/wildfire"
started=$(now_ms)
start_web localhost/conduit-test/wildfire container_db "$work/wildfire"
echo "web listening after $(since "$started")"
[[ $(curl -sf "http://127.0.0.1:$port/example") == '{"key":"value"}' ]] || fail "db: GET /example"
created=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"name":"Bob"}' "http://127.0.0.1:$port/model")
[[ $created == *'"name":"Bob"'* ]] || fail "db: POST /model: $created"
[[ $(psql "$database_url" -tA -c "SELECT name FROM container_db.models") == Bob ]] || fail "db: the row is not in PostgreSQL"
stop_web container_db

# ---- db_and_auth: conduit as a checksummed tarball (build arguments) -------------------------
step "db_and_auth app, conduit as CONDUIT_SOURCE_URL + CONDUIT_SOURCE_SHA256: podman build"
(cd "$work" && "$prefix/bin/conduit" create -t db_and_auth club >/dev/null)
conduit_sources "$work/tarball/conduit-src"
tar -C "$work/tarball" --sort=name --mtime=@0 --owner=0 --group=0 -czf "$work/tarball/conduit-src.tar.gz" conduit-src
sha=$(sha256sum "$work/tarball/conduit-src.tar.gz" | cut -d' ' -f1)
tar_port=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$work/tarball" "$tar_port" >"$work/http.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$tar_port/" && break; sleep 0.1; done
url=http://127.0.0.1:$tar_port/conduit-src.tar.gz
if build_image "$work/club" localhost/conduit-test/club-bad --build-arg "CONDUIT_SOURCE_URL=$url" \
  --build-arg "CONDUIT_SOURCE_SHA256=$(printf '0%.0s' {1..64})"; then
  fail "a wrong CONDUIT_SOURCE_SHA256 did not stop the build"
fi
grep -q "CONDUIT_SOURCE_SHA256 does not match" "$work/club.build.log" ||
  fail "the wrong checksum was not reported: $(tail -3 "$work/club.build.log")"
echo "wrong checksum: the build stops with one line"
build_image "$work/club" localhost/conduit-test/club --build-arg "CONDUIT_SOURCE_URL=$url" \
  --build-arg "CONDUIT_SOURCE_SHA256=$sha" ||
  { tail -30 "$work/club.build.log" >&2; fail "building the db_and_auth image failed (log: $work/club.build.log)"; }
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
check_image localhost/conduit-test/club

step "db_and_auth app: release, a one-off auth add-client, web, password grant, protected route, SIGTERM"
release localhost/conduit-test/club container_auth "$work/club"
# `heroku run conduit auth add-client ...` on the container stack: a one-off of the web image.
# shellcheck disable=SC2016 # $DATABASE_URL expands in the container
(dyno localhost/conduit-test/club container_auth container_auth-oneoff \
  'conduit auth add-client --id com.club.app --secret s3cret --connect $DATABASE_URL') >"$work/oneoff.log" 2>&1 ||
  { cat "$work/oneoff.log" >&2; fail "the one-off auth add-client failed"; }
start_web localhost/conduit-test/club container_auth "$work/club"
base=http://127.0.0.1:$port
registered=$(curl -s -u com.club.app:s3cret -H 'Content-Type: application/json' \
  -d '{"username":"bob","password":"pw"}' "$base/register")
[[ $registered == *access_token* ]] || fail "POST /register: $registered"
token=$(curl -s -u com.club.app:s3cret -d 'grant_type=password&username=bob&password=pw' "$base/auth/token" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])') || fail "password grant"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/me") == 401 ]] || fail "GET /me without a token is not 401"
me=$(curl -sf -H "Authorization: Bearer $token" "$base/me") || fail "GET /me with the token"
[[ $me == *'"bob"'* ]] || fail "GET /me: $me"
[[ $(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong' "$base/model") == 401 ]] ||
  fail "GET /model with a wrong token is not 401"
curl -sf -H "Authorization: Bearer $token" "$base/model" >/dev/null || fail "GET /model with the token"
stop_web container_auth
echo "PASS"
