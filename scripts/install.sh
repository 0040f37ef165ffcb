#!/usr/bin/env bash
# Installs the workspace dependencies when they are missing or the lockfile changed.
# Sourced after scripts/toolchain.sh so native addons build against the Node that runs them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAMP="$ROOT/node_modules/.install-stamp"
LOCK_SUM="$(sha1sum "$ROOT/package-lock.json" | cut -d' ' -f1)-$(node -v)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$LOCK_SUM" ]; then
  echo "[install] installing dependencies (npm ci)" >&2
  (cd "$ROOT" && npm ci --no-audit --no-fund)
  echo "$LOCK_SUM" > "$STAMP"
else
  echo "[install] dependencies up to date" >&2
fi
