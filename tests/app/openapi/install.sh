#!/usr/bin/env bash
# CTest fixture openapi.node_modules: installs the OpenAPI checks' npm packages
# (@apidevtools/swagger-parser, puppeteer-core; pinned by package-lock.json) and the check
# scripts into MODULES_DIR once, before the tests that use them (app.openapi_documents and
# the templates' documents in conduit_tools_tests), so they never install concurrently.
# npm's cache makes reruns offline. Usage: install.sh MODULES_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
modules=$1
mkdir -p "$modules"
cp "$here/package.json" "$here/package-lock.json" "$here/check.mjs" "$here/validate.mjs" "$modules/"
if [[ ! -d $modules/node_modules/@apidevtools/swagger-parser ||
      ! -d $modules/node_modules/puppeteer-core ]]; then
  (cd "$modules" && PUPPETEER_SKIP_DOWNLOAD=1 timeout 300 npm ci --no-audit --no-fund --loglevel=error)
fi
