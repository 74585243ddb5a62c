#!/usr/bin/env bash
# Builds and serves the demo application (examples/heroes) on http://localhost:8888
# until Ctrl-C. Extra arguments go to `heroes serve` (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCONDUIT_BUILD_TESTS=OFF > /dev/null
cmake --build build --target heroes -j"$(nproc)"
cd examples/heroes
# The release phase, as on Heroku: apply migrations/ to the database in config.yaml.
../../build/examples/heroes/heroes db upgrade
echo "==> serving the demo: try curl http://localhost:8888/heroes"
exec ../../build/examples/heroes/heroes serve "$@"
