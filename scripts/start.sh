#!/usr/bin/env bash
# The README's start command: brings up the simulated cluster (live synthetic traffic),
# the backend on :7007 and the app on :3000, with the embedded SQLite database in data/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/toolchain.sh
bash scripts/install.sh
mkdir -p data/sqlite
export CLUSTER_SIM_PORT="${CLUSTER_SIM_PORT:-6550}"
export CLUSTER_SIM_URL="${CLUSTER_SIM_URL:-http://127.0.0.1:$CLUSTER_SIM_PORT}"
# The simulator also serves the Prometheus HTTP API (its 14-day simulated past and the live
# state) under /prometheus; app-config.yaml can point a Prometheus metric source at it.
export CLUSTER_SIM_PROMETHEUS_URL="${CLUSTER_SIM_PROMETHEUS_URL:-$CLUSTER_SIM_URL/prometheus}"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

node packages/cluster-sim/bin/cluster-sim --config examples/cluster-sim.yaml \
  --port "$CLUSTER_SIM_PORT" &
pids+=($!)

# backstage-cli repo start runs the app (webpack dev server, :3000) and the backend (:7007).
npx backstage-cli repo start "$@" &
pids+=($!)
wait -n "${pids[@]}"
