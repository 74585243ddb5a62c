#!/usr/bin/env bash
# The heroku-24 stack, approximated with Ubuntu 24.04 chroots (opt-in ctest
# deploy.heroku24_stack; see docs/deploy_heroku.md "Tested on heroku-24"):
#   dev    noble + the heroku-24-build packages + conduit's dependencies, GoogleTest and
#          PostgreSQL 16: conduit builds with g++ 13 / Boost 1.83 / CMake 3.28 and -Werror,
#          its tests run (PostgreSQL ones against a cluster inside the chroot);
#   build  noble + only the packages the heroku-24-build image has (no Boost, ninja, ccache,
#          SQLite headers): the packaged buildpack (deploy/heroku/package-buildpack.sh) runs
#          bin/detect and bin/compile on a `conduit create`d db app, after the app's Aptfile is
#          installed under BUILD/.apt as the heroku-community/apt buildpack does;
#   run    noble + only the heroku-24 run image's runtime packages (no compiler): the slug
#          lands at /app, every library resolves, the Procfile's release and web lines run
#          against the PostgreSQL above (127.0.0.1) and serve the app's endpoints.
# The chroots are made once (debootstrap from archive.ubuntu.com, checked against Ubuntu's
# archive key) and reused: CONDUIT_HEROKU24_ROOT, else /work/cache/heroku24, else
# ~/.cache/conduit-heroku24. Needs root (chroot, mount) and the network the first time.
# Usage: heroku24_stack.sh [SOURCE_DIR]   (default: this checkout)
# Environment: CONDUIT_HEROKU24_TESTS=0 skips conduit's own tests in the dev chroot (build
#   only); CONDUIT_HEROKU24_CA_BUNDLE (default $SSL_CERT_FILE, else the system bundle) is what
#   npm in the dev chroot trusts; CONDUIT_HEROKU24_CTEST_ARGS (default: -E ^deploy\.) selects
#   the tests; CONDUIT_HEROKU24_JOBS (default 2).
# Single process plus the children it starts; every mount it makes is undone on exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(realpath "${1:-$here/../..}")
if [[ -n ${CONDUIT_HEROKU24_ROOT:-} ]]; then
  root=$CONDUIT_HEROKU24_ROOT
elif [[ -d /work/cache ]]; then
  root=/work/cache/heroku24
else
  root=$HOME/.cache/conduit-heroku24
fi
mkdir -p "$root" && root=$(realpath "$root")
mirror=${CONDUIT_HEROKU24_MIRROR:-http://archive.ubuntu.com/ubuntu}
jobs=${CONDUIT_HEROKU24_JOBS:-2}
pg_port=${CONDUIT_HEROKU24_PG_PORT:-54391}
host_ca_bundle=${CONDUIT_HEROKU24_CA_BUNDLE:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
# Ubuntu Archive Automatic Signing Key (2018): noble's Release is signed with it.
ubuntu_key_fpr=F6ECB3762474EDA9D21B7022871920D1991BC93C

fail() {
  echo "FAIL: heroku24_stack: $*" >&2
  exit 1
}
step() { echo "== $(date -u +%H:%M:%S) $*"; }
timed() { # LABEL COMMAND... : runs it, records "LABEL: N s"
  local label=$1 started=$SECONDS
  shift
  "$@" || return # (set -e does not apply inside a function called before ||)
  timings+=("$label: $((SECONDS - started)) s")
}
timings=()
[[ $(id -u) == 0 ]] || fail "needs root (debootstrap, chroot, mount)"
for tool in debootstrap chroot mount curl gpgv dpkg-deb; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install debootstrap gpgv curl)"
done

# ---- mounts: every one recorded, all undone on exit (innermost first) ---------------------
mounts=()
pg_started=""
cleanup() {
  local i
  if [[ -n $pg_started ]]; then
    in_chroot dev env CONDUIT_PG_TEST_PORT="$pg_port" CONDUIT_PG_TEST_DIR=/tmp/h24-pg \
      /src/scripts/pg-test-cluster.sh stop >/dev/null 2>&1 || true
  fi
  [[ -n ${web_pid:-} ]] && kill -KILL "$web_pid" 2>/dev/null
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null || true
  done
  mounts=()
}
trap cleanup EXIT
bind() { # FROM TO [ro]
  mkdir -p "$2"
  mountpoint -q "$2" && return 0
  mount --bind "$1" "$2"
  mounts+=("$2")
  [[ ${3:-} == ro ]] && mount -o remount,bind,ro "$2"
  return 0
}
# The chroot's /proc, /dev, /sys, DNS; the source tree at /src and the work area at /h24.
enter() { # NAME
  local r=$root/$1
  mountpoint -q "$r/proc" || { mount -t proc proc "$r/proc" && mounts+=("$r/proc"); }
  bind /dev "$r/dev"
  bind /sys "$r/sys"
  cp -L /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
  # The host's trusted certificates (a TLS-intercepting proxy's CA among them, where there
  # is one), for npm inside the chroot: Node.js reads them from NODE_EXTRA_CA_CERTS.
  cp -L "$host_ca_bundle" "$r/etc/ssl/h24-host-ca.crt" 2>/dev/null || true
  bind "$src" "$r/src"
  bind "$root/work" "$r/h24"
}
in_chroot() { # NAME COMMAND...
  local name=$1
  shift
  chroot "$root/$name" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
leave() { cleanup; }

# ---- the chroots --------------------------------------------------------------------------
# The heroku-24-build image's packages that matter to a C++ build (heroku/base-images
# heroku-24-build/installed-packages-amd64.txt; see the reference notes): no Boost, ninja,
# ccache or SQLite headers there.
build_packages=(build-essential cmake autoconf automake libtool bison pkgconf git jq patchelf
  python3 file curl ca-certificates libpq-dev libssl-dev libyaml-dev libuv1-dev
  libcurl4-openssl-dev zlib1g-dev libzstd-dev libicu-dev libxml2-dev libsodium-dev libev-dev
  libevent-dev binutils)
# The heroku-24 run image's runtime packages (heroku/base-images heroku-24): no compiler.
run_packages=(libpq5 postgresql-client-16 libstdc++6 libgcc-s1 libssl3t64 libyaml-0-2 libuv1t64
  zlib1g libzstd1 libicu74 libcurl4t64 libxml2 libsqlite3-0 curl ca-certificates bash
  libsodium23 libev4t64 libevent-2.1-7t64)
# The dev chroot adds what conduit's own build and tests need (the templates' Aptfile, plus
# GoogleTest, PostgreSQL 16, Python, and Node.js with npm for the tests that use npm packages:
# the OpenAPI validator, the OAuth client flows, and the tool's tests that depend on them).
aptfile=$src/templates/shared/Aptfile # every template's (conduit create copies it)
aptfile_packages() { grep -v -e '^#' -e '^[[:space:]]*$' "$aptfile"; }
dev_extra=(libgtest-dev libgmock-dev postgresql-16 python3-yaml nodejs npm)

keyring=/usr/share/keyrings/ubuntu-archive-keyring.gpg
ensure_keyring() {
  [[ -f $keyring ]] && return
  keyring=$root/ubuntu-archive-keyring.gpg
  [[ -f $keyring ]] && return
  # Trust on first use of the archive's ubuntu-keyring package, then pinned by fingerprint.
  local tmp deb
  tmp=$(mktemp -d)
  deb=$(curl -fsS "$mirror/dists/noble/main/binary-amd64/Packages.gz" | gzip -dc |
    awk '/^Package: ubuntu-keyring$/ { p = 1 } p && /^Filename:/ { print $2; exit }')
  [[ -n $deb ]] || fail "ubuntu-keyring not found in $mirror noble"
  curl -fsS -o "$tmp/k.deb" "$mirror/$deb" || fail "downloading $deb"
  dpkg-deb -x "$tmp/k.deb" "$tmp/x"
  gpg --show-keys --with-colons "$tmp/x/usr/share/keyrings/ubuntu-archive-keyring.gpg" 2>/dev/null |
    grep -q "^fpr:*$ubuntu_key_fpr:" || fail "ubuntu-keyring lacks the archive key $ubuntu_key_fpr"
  cp "$tmp/x/usr/share/keyrings/ubuntu-archive-keyring.gpg" "$keyring"
  rm -rf "$tmp"
}

ensure_base() {
  [[ -f $root/base/.h24-ready ]] && return
  ensure_keyring
  # debootstrap may lack a noble script: Ubuntu's suites all use the gutsy one.
  local script=/usr/share/debootstrap/scripts/noble
  [[ -e $script ]] || script=/usr/share/debootstrap/scripts/gutsy
  rm -rf "$root/base.partial"
  debootstrap --variant=minbase --components=main,universe --keyring="$keyring" \
    noble "$root/base.partial" "$mirror" "$script" >"$root/debootstrap.log" 2>&1 ||
    fail "debootstrap failed (see $root/debootstrap.log)"
  cat >"$root/base.partial/etc/apt/sources.list" <<EOF
deb $mirror noble main universe
deb $mirror noble-updates main universe
deb $mirror noble-security main universe
EOF
  touch "$root/base.partial/.h24-ready"
  mv "$root/base.partial" "$root/base"
}

ensure_chroot() { # NAME FROM PACKAGES...
  local name=$1 from=$2 stamp
  shift 2
  stamp=$(printf '%s\n' "$@" | sha256sum | cut -c1-16)
  [[ -f $root/$name/.h24-ready && $(cat "$root/$name/.h24-ready") == "$stamp" ]] && return
  rm -rf "$root/$name.partial"
  cp -a "$root/$from" "$root/$name.partial"
  rm -f "$root/$name.partial/.h24-ready"
  mkdir -p "$root/work" "$root/$name.partial/src" "$root/$name.partial/h24"
  (
    mounts=()
    trap cleanup EXIT
    src=$src root=$root
    mountpoint -q "$root/$name.partial/proc" || { mount -t proc proc "$root/$name.partial/proc" && mounts+=("$root/$name.partial/proc"); }
    bind /dev "$root/$name.partial/dev"
    cp -L /etc/resolv.conf "$root/$name.partial/etc/resolv.conf" 2>/dev/null || true
    chroot "$root/$name.partial" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
      PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
      sh -c 'apt-get update -q && apt-get install -y -q --no-install-recommends "$@" && apt-get clean' \
      apt "$@" >"$root/$name.apt.log" 2>&1
  ) || fail "installing the $name chroot's packages failed (see $root/$name.apt.log)"
  echo "$stamp" >"$root/$name.partial/.h24-ready"
  rm -rf "${root:?}/${name:?}"
  mv "$root/$name.partial" "$root/$name"
}

step "chroots under $root"
mkdir -p "$root/work"
timed "debootstrap noble (minbase)" ensure_base
timed "build chroot (heroku-24-build packages)" ensure_chroot build base "${build_packages[@]}"
timed "run chroot (heroku-24 runtime packages)" ensure_chroot run base "${run_packages[@]}"
[[ -f $aptfile ]] || fail "$aptfile is missing"
mapfile -t aptfile_list < <(aptfile_packages)
((${#aptfile_list[@]} > 0)) || fail "$aptfile lists no package"
timed "dev chroot (+ Aptfile, GoogleTest, PostgreSQL 16)" ensure_chroot dev build "${aptfile_list[@]}" "${dev_extra[@]}"
in_chroot dev sh -c 'g++ --version | head -n1; cmake --version | head -n1; dpkg-query -W -f "boost \${Version}\n" libboost1.83-dev'

# ---- 1. conduit with g++ 13 / Boost 1.83 (-Werror), its tests ----------------------------
step "conduit: configure and build in the dev chroot (Release, -DCONDUIT_WERROR=ON, -j$jobs)"
enter dev
mkdir -p "$root/work/ccache"
dev_env=(CCACHE_DIR=/h24/ccache CCACHE_BASEDIR=/src CCACHE_NOHASHDIR=true CCACHE_MAXSIZE=2G
  NODE_EXTRA_CA_CERTS=/etc/ssl/h24-host-ca.crt)
timed "conduit configure (dev)" in_chroot dev env "${dev_env[@]}" cmake -S /src -B /h24/conduit-build -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCONDUIT_WERROR=ON -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DCONDUIT_PG_TEST_PORT="$pg_port" >"$root/work/conduit-configure.log" 2>&1 ||
  { tail -n 30 "$root/work/conduit-configure.log"; fail "configuring conduit in the dev chroot failed"; }
timed "conduit build (dev, all targets incl. tests)" in_chroot dev env "${dev_env[@]}" \
  cmake --build /h24/conduit-build -j "$jobs" >"$root/work/conduit-build.log" 2>&1 ||
  { grep -E -m 20 'error|warning' "$root/work/conduit-build.log"; fail "conduit does not build with g++ 13 / Boost 1.83 (see $root/work/conduit-build.log)"; }
if [[ ${CONDUIT_HEROKU24_TESTS:-1} != 0 ]]; then
  step "conduit: ctest in the dev chroot"
  timed "conduit ctest (dev)" in_chroot dev env "${dev_env[@]}" ctest --test-dir /h24/conduit-build \
    -j "$jobs" --timeout 900 ${CONDUIT_HEROKU24_CTEST_ARGS:--E ^deploy\\.} >"$root/work/conduit-ctest.log" 2>&1 ||
    { grep -E 'Failed|\*\*\*' "$root/work/conduit-ctest.log" | head -n 30; fail "conduit's tests fail in the dev chroot (see $root/work/conduit-ctest.log)"; }
  tail -n 3 "$root/work/conduit-ctest.log"
fi
# The conduit tool from this build makes the app to deploy (templates from /src).
rm -rf "$root/work/app-src" && mkdir -p "$root/work/app-src"
in_chroot dev sh -c 'cd /h24/app-src && /h24/conduit-build/tools/conduit/conduit create -t db wildfire >/dev/null' ||
  fail "conduit create -t db failed in the dev chroot"

# ---- 2. the packaged buildpack in the build chroot ----------------------------------------
step "package the buildpack"
rm -rf "$root/work/bp"
"$src/deploy/heroku/package-buildpack.sh" --tarball "$root/work/buildpack.tgz" >/dev/null ||
  fail "deploy/heroku/package-buildpack.sh failed"
mkdir -p "$root/work/bp" && tar -xzf "$root/work/buildpack.tgz" -C "$root/work/bp"
enter build
hash=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
build=/tmp/build_$hash
rm -rf "$root/build/tmp"/build_* "$root/work/bp-cache"
mkdir -p "$root/build$build" "$root/work/bp-cache" "$root/work/bp-env"
cp -a "$root/work/app-src/wildfire/." "$root/build$build/"
in_chroot build sh -c 'for t in ninja ccache; do ! command -v $t; done; ! test -e /usr/include/boost' >/dev/null ||
  fail "the build chroot has Boost, ninja or ccache: it is not the heroku-24-build image"
[[ $(in_chroot build /h24/bp/bin/detect "$build") == "Conduit (C++)" ]] || fail "bin/detect did not apply"

# heroku-community/apt, as it runs before this buildpack: the Aptfile's packages (with the
# dependencies the image lacks) downloaded and unpacked under BUILD/.apt, exported to the
# next buildpack (PATH, library and include paths, pkg-config).
step "Aptfile (as heroku-community/apt)"
apt_install() {
  in_chroot build env BUILD="$build" sh -ec '
    mkdir -p /h24/apt-archives/partial "$BUILD/.apt"
    apt-get -q update >/dev/null
    apt-get -q -y -d -o Dir::Cache::archives=/h24/apt-archives --no-install-recommends \
      install $(grep -v -e "^#" -e "^[[:space:]]*$" "$BUILD/Aptfile") >/dev/null
    for deb in /h24/apt-archives/*.deb; do dpkg -x "$deb" "$BUILD/.apt/"; done
    ls /h24/apt-archives/*.deb | wc -l'
}
timed "Aptfile download and unpack" apt_install >"$root/work/aptfile.log" 2>&1 ||
  { cat "$root/work/aptfile.log"; fail "installing the Aptfile under BUILD/.apt failed"; }
a=$build/.apt
apt_env=(PATH="$a/usr/bin:/usr/local/bin:/usr/bin:/bin"
  LD_LIBRARY_PATH="$a/usr/lib/x86_64-linux-gnu:$a/usr/lib"
  LIBRARY_PATH="$a/usr/lib/x86_64-linux-gnu:$a/usr/lib"
  INCLUDE_PATH="$a/usr/include:$a/usr/include/x86_64-linux-gnu"
  CPATH="$a/usr/include:$a/usr/include/x86_64-linux-gnu"
  PKG_CONFIG_PATH="$a/usr/lib/x86_64-linux-gnu/pkgconfig:$a/usr/share/pkgconfig")

step "bin/compile (cold: conduit from the buildpack tarball, then the app; -j$jobs)"
compile_started=$SECONDS
in_chroot build env "${apt_env[@]}" STACK=heroku-24 HOME=/app CONDUIT_BUILD_JOBS="$jobs" \
  /h24/bp/bin/compile "$build" /h24/bp-cache /h24/bp-env >"$root/work/compile.log" 2>&1 ||
  { tail -n 40 "$root/work/compile.log"; fail "bin/compile failed in the build chroot (see $root/work/compile.log)"; }
timings+=("bin/compile cold (conduit + app): $((SECONDS - compile_started)) s")
grep -q '^-----> Building conduit' "$root/work/compile.log" || fail "bin/compile did not build conduit from the buildpack"
release_yaml=$(in_chroot build /h24/bp/bin/release "$build")
[[ $release_yaml == *'web: conduit serve --port $PORT'* ]] || fail "bin/release: $release_yaml"

# ---- 3. the slug on the run image ---------------------------------------------------------
step "the slug at /app in the run chroot"
rm -rf "$root/run/app"
cp -a "$root/build$build" "$root/run/app"
slug=$root/run/app
[[ -x $slug/bin/wildfire && -x $slug/bin/conduit ]] || fail "bin/wildfire or bin/conduit missing"
[[ ! -e $slug/.apt && ! -e $slug/.conduit-build ]] || fail "build inputs left in the slug"
in_chroot run sh -c '! command -v cc && ! command -v g++ && ! command -v cmake' >/dev/null ||
  fail "the run chroot has a compiler"
for object in "$slug"/bin/* "$slug"/lib/*; do
  [[ -f $object ]] || continue
  rel=/app/${object#"$slug"/}
  ldd_out=$(in_chroot run ldd "$rel") || fail "ldd $rel failed in the run chroot"
  ! grep -q 'not found' <<<"$ldd_out" || fail "$rel on the run image: $(grep 'not found' <<<"$ldd_out")"
  # Each library resolves to the slug or to a run-image package (not to a build path).
  while read -r path; do
    [[ $(realpath -m "$root/run$path") == "$slug"/lib/* ]] && continue
    in_chroot run dpkg -S "$path" >/dev/null 2>&1 || in_chroot run dpkg -S "$(readlink -f "$root/run$path" | sed "s|^$root/run||")" >/dev/null 2>&1 ||
      fail "$rel loads $path, which no run-image package provides"
  done < <(awk '$3 ~ /^\// { print $3 }' <<<"$ldd_out")
  if [[ $object == "$slug"/bin/* ]]; then
    runpath=$(readelf -d "$object" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
    [[ $runpath == '$ORIGIN/../lib' ]] || fail "$rel RUNPATH is '$runpath'"
  fi
  if strings "$object" | grep -q -e /tmp/build_ -e /h24/; then
    fail "$rel holds a build path: $(strings "$object" | grep -m1 -e /tmp/build_ -e /h24/)"
  fi
done
echo "slug: $(du -sh "$slug" | cut -f1); lib/: $(cd "$slug/lib" 2>/dev/null && echo *)"

step "release and web on the run image, PostgreSQL 16 at 127.0.0.1:$pg_port"
in_chroot dev env CONDUIT_PG_TEST_PORT="$pg_port" CONDUIT_PG_TEST_DIR=/tmp/h24-pg \
  /src/scripts/pg-test-cluster.sh start >"$root/work/pg.log" 2>&1 || { cat "$root/work/pg.log"; fail "PostgreSQL did not start"; }
pg_started=1
database_url="postgres://conduit_test:conduit_test_pw@127.0.0.1:$pg_port/conduit_test"
web_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
enter run
# A dyno: the Procfile line under /bin/sh after .profile.d, HOME=/app. Replaces the calling
# shell (run it in ( ) or with &, then $! is the process itself).
dyno() { # PROCESS_TYPE [TIMEOUT_S]
  local line limit=()
  line=$(sed -n "s/^$1:[[:space:]]*//p" "$slug/Procfile")
  [[ -n ${2:-} ]] && limit=(timeout "$2")
  exec "${limit[@]}" chroot "$root/run" /usr/bin/env -i HOME=/app PATH=/usr/local/bin:/usr/bin:/bin \
    PORT="$web_port" DATABASE_URL="$database_url" DYNO="$1.1" \
    /bin/sh -c "cd /app && . ./.profile.d/conduit.sh && exec $line"
}
(dyno release 60) >"$root/work/release.log" 2>&1 || { cat "$root/work/release.log"; fail "the release line failed on the run image"; }
dyno web >"$root/work/web.log" 2>&1 &
web_pid=$!
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$web_port/example" && break
  kill -0 "$web_pid" 2>/dev/null || { cat "$root/work/web.log"; fail "web exited on the run image"; }
  sleep 0.1
done
[[ $(curl -sf "http://127.0.0.1:$web_port/example") == '{"key":"value"}' ]] || fail "GET /example on the run image"
created=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"name":"Bob"}' "http://127.0.0.1:$web_port/model") ||
  fail "POST /model on the run image"
[[ $created == *'"name":"Bob"'* ]] || fail "POST /model: $created"
kill -TERM "$web_pid"
for _ in $(seq 1 100); do kill -0 "$web_pid" 2>/dev/null || break; sleep 0.1; done
wait "$web_pid" && rc=0 || rc=$?
web_pid=""
[[ $rc == 0 ]] || { cat "$root/work/web.log"; fail "web exited $rc after SIGTERM"; }

leave
printf '  %s\n' "${timings[@]}"
echo "PASS"
