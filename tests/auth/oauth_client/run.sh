#!/usr/bin/env bash
# CTest entry for the independent OAuth 2.0 client test: installs simple-oauth2 (pinned by
# package-lock.json, npm's cache makes reruns offline) into WORK_DIR and runs flows.mjs
# against the accounts example binary.
# Usage: run.sh APP_BINARY MIGRATIONS_DIR WORK_DIR [DATABASE_URL]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
app=$(realpath "$1") migrations=$(realpath "$2") work=$3 database_url=${4:-}
modules="$work-node"
mkdir -p "$modules"
cp "$here/package.json" "$here/package-lock.json" "$here/flows.mjs" "$modules/"
if [[ ! -d $modules/node_modules/simple-oauth2 ]]; then
  (cd "$modules" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
fi
if [[ -n $database_url ]]; then
  # A schema of its own on the shared test database, so the example's tables (_user, ...)
  # never meet another test's.
  schema=oauth_flows
  psql "$database_url" -q -v ON_ERROR_STOP=1 \
    -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema" >/dev/null
  database_url="$database_url?options=-c%20search_path%3D$schema"
fi
exec timeout 120 node "$modules/flows.mjs" "$app" "$migrations" "$work" $database_url
