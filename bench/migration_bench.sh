#!/usr/bin/env bash
# Times the migration tools at size: `db generate` against a 100-table model and
# `db upgrade` of 200 migration files on SQLite and on a throwaway PostgreSQL cluster.
#   bench/migration_bench.sh [BUILD_DIR]     (default build-bench; Release)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-mbench}"
cmake -S . -B "${build}" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCONDUIT_BUILD_BENCH=ON \
  -DCONDUIT_BUILD_TESTS=OFF >/dev/null
cmake --build "${build}" --target conduit_migration_bench >/dev/null
export CONDUIT_PG_TEST_PORT="${CONDUIT_PG_TEST_PORT:-54391}"
scripts/pg-test-cluster.sh start >/dev/null
trap 'scripts/pg-test-cluster.sh stop' EXIT
"${build}/bench/migration/conduit_migration_bench" --postgres "$(scripts/pg-test-cluster.sh url)"
