#!/usr/bin/env bash
# The README's test command: installs the toolchain (Node 22), the dependencies and the
# system packages the tests need, then runs type checks, lint, every package's unit tests
# (store tests on SQLite and PostgreSQL), and the Playwright journeys in Chromium.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CI="${CI:-true}"
source scripts/toolchain.sh
bash scripts/install.sh
# System packages: Chromium for the journeys; the simulator's tests add kubectl and Prometheus.
if ! command -v "${CHROMIUM_PATH:-/usr/bin/chromium}" >/dev/null 2>&1; then
  echo "[test] installing Debian's chromium" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi
bash scripts/ci-deps.sh

# PostgreSQL from the machine for Backstage's TestDatabases (no Docker here).
PG_URL="${AUTOSCALING_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
PG_MAJOR="$(psql "$PG_URL" -tAc 'SHOW server_version_num' 2>/dev/null | cut -c1-2 || true)"
if [ -n "$PG_MAJOR" ]; then
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${PG_MAJOR}_CONNECTION_STRING=$PG_URL"
  export AUTOSCALING_TEST_POSTGRES_URL="$PG_URL"
  echo "[test] PostgreSQL $PG_MAJOR at $PG_URL" >&2
else
  echo "[test] PostgreSQL is not reachable at $PG_URL; store tests need it" >&2
  exit 1
fi
export BACKSTAGE_TEST_DISABLE_DOCKER=1

step() { echo; echo "=== $* ==="; }

step "type check (tsc)"
npx tsc --noEmit -p tsconfig.json

step "lint"
npx backstage-cli repo lint
# Formatting: the repo is prettier-formatted (.prettierignore lists what is generated).
npx prettier --check . --loglevel warn
# Every README screenshot exists and is one a journey takes (e2e/readme-screenshots.mjs).
node e2e/readme-screenshots.mjs --check

step "unit and integration tests (all packages)"
npx backstage-cli repo test --ci

step "the start command stops everything it started (stand-in dev server)"
bash scripts/check-stop.sh --stub

step "Playwright journeys in Chromium"
node e2e/run.mjs
