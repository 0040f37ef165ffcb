#!/usr/bin/env bash
# Installs the workspace dependencies when they are missing or the lockfile changed.
# Sourced after scripts/toolchain.sh so native addons build against the Node that runs them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAMP="$ROOT/node_modules/.install-stamp"
LOCK_SUM="$(sha1sum "$ROOT/package-lock.json" | cut -d' ' -f1)-$(node -v)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$LOCK_SUM" ]; then
  echo "[install] installing dependencies (npm ci)" >&2
  # npm ci refuses a lockfile that lacks optional platform binaries (some registries do not
  # serve them all); then a plain install from the same lockfile is the honest fallback.
  if ! (cd "$ROOT" && npm ci --no-audit --no-fund); then
    echo "[install] npm ci failed; falling back to npm install with the same lockfile" >&2
    (cd "$ROOT" && npm install --no-audit --no-fund)
  fi
  echo "$LOCK_SUM" > "$STAMP"
else
  echo "[install] dependencies up to date" >&2
fi
