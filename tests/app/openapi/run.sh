#!/usr/bin/env bash
# CTest entry for the OpenAPI checks: uses @apidevtools/swagger-parser and puppeteer-core
# (install.sh, the fixture openapi.node_modules, put them in WORK_DIR-node), writes
# the heroes and accounts examples' documents with the real binaries (`document`, 3.0 and
# 3.1, and `document client`), and runs check.mjs: an independent validator, the expected
# operations, and the docs page rendered in headless Chromium with a screenshot kept at
# WORK_DIR/docs-page.png. Exits 77 (skipped) only for the page when Chromium is absent.
# It also serves heroes with `serve --docs` and `document serve` and uses the page's
# "Try it out" against the running app.
# Usage: run.sh HEROES_BINARY ACCOUNTS_BINARY WORK_DIR HEROES_MIGRATIONS_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
heroes=$(realpath "$1") accounts=$(realpath "$2") work=$3 migrations=$(realpath "$4")
modules="$work-node"
rm -rf "$work"
mkdir -p "$modules" "$work"
# The fixture openapi.node_modules (install.sh) installed the packages; this is a no-op then.
bash "$here/install.sh" "$modules"
# The examples read their configuration from the working directory: give each its own.
mkdir -p "$work/heroes" "$work/accounts"
printf 'database: sqlite:%s/heroes/heroes.db\n' "$work" >"$work/heroes/config.yaml"
printf 'database: sqlite:%s/accounts/accounts.db\nauth:\n  password_token_lifetime: 24h\n' \
  "$work" >"$work/accounts/config.yaml"
(cd "$work/heroes" &&
  timeout 30 "$heroes" document --title "Heroes" --api-version 2.1.0 \
    --host http://localhost:8888 --contact-name Ops --contact-email ops@example.com \
    --license-name MIT >"$work/heroes.json" &&
  timeout 30 "$heroes" document --openapi-version 3.1 >"$work/heroes-3.1.json" &&
  timeout 30 "$heroes" document client -o "$work/heroes.html" >/dev/null)
# The title is the one value the page writes into HTML: it must arrive escaped.
(cd "$work/heroes" &&
  timeout 30 "$heroes" document client --title 'Heroes <b>&"' -o "$work/escaped.html" >/dev/null)
grep -qF '<title>Heroes &lt;b&gt;&amp;&quot;</title>' "$work/escaped.html" ||
  { echo "FAIL: document client did not escape the title: $(grep -m1 -o '<title>.*</title>' "$work/escaped.html")"; exit 1; }
(cd "$work/accounts" &&
  timeout 30 "$accounts" document -c config.yaml >"$work/accounts.json" &&
  timeout 30 "$accounts" document --openapi-version 3.1 >"$work/accounts-3.1.json")
(cd "$work/heroes" && timeout 60 "$heroes" db upgrade --migration-directory "$migrations" >/dev/null)
exec timeout 150 node "$modules/check.mjs" "$work" "$heroes"
