#!/usr/bin/env bash
# Installs every Debian 12 package conduit needs to build, test and benchmark.
# Idempotent: safe to run on a fresh machine or one that already has the packages.
# Usage: scripts/install-deps.sh [--build|--runtime]   (as root, or with sudo available)
#   (none)     everything: build, test, benchmark (CI and developers)
#   --build    only what building conduit and an app in Release needs (the Dockerfile's
#              build stage of the project templates)
#   --runtime  only the shared libraries a built conduit app loads, plus curl and CA
#              certificates (the Dockerfile's run stage); keep in step with the -dev list
set -euo pipefail

build_packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config
  # libraries (Boost 1.81: Asio, Beast, JSON, URL, Describe)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
  libpq-dev libsqlite3-dev libyaml-cpp-dev libssl-dev libcli11-dev libfmt-dev zlib1g-dev
)
runtime_packages=(
  libboost-json1.81.0 libboost-url1.81.0 libfmt9 libyaml-cpp0.7 libpq5 libsqlite3-0
  libssl3 zlib1g ca-certificates curl
)
packages=(
  "${build_packages[@]}" git clang-format
  # tests: GoogleTest, a real PostgreSQL server, HTTP clients, the fuzzer runtime
  libgtest-dev libgmock-dev postgresql-15 pgbouncer curl openssl procps clang-14 libclang-rt-14-dev
  # benchmarks: Google Benchmark, wrk, nginx as a ceiling (Node.js for the fastify
  # reference comes with the machine image; bench/ checks for it)
  libbenchmark-dev wrk nginx-light
  # the OpenAPI docs page test renders the page in headless Chromium (puppeteer-core)
  chromium
)

case "${1:-}" in
  "") ;;
  --build) packages=("${build_packages[@]}") ;;
  --runtime) packages=("${runtime_packages[@]}") ;;
  *)
    echo "install-deps: unknown option '$1' (--build, --runtime or none)" >&2
    exit 2
    ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
