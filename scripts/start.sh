#!/usr/bin/env bash
# The README's start command: brings up the simulated cluster (live synthetic traffic),
# the backend on :7007 and the app on :3000, with the embedded SQLite database in data/.
# Writes .portal/kubeconfig (HTTPS, the simulator's CA and admin token) for kubectl.
# SIGTERM or SIGINT (Ctrl-C) stops all three: each runs in its own process group, and the
# whole group is signalled (backstage-cli's backend and webpack are grandchildren).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/toolchain.sh
bash scripts/install.sh
mkdir -p data/sqlite .portal
[ -f .portal/.gitignore ] || echo '*' > .portal/.gitignore
export CLUSTER_SIM_PORT="${CLUSTER_SIM_PORT:-6550}"
# The simulated cluster; the journeys pass a seeded copy of it (e2e/scenario.mjs).
CLUSTER_SIM_CONFIG="${CLUSTER_SIM_CONFIG:-examples/cluster-sim.yaml}"
export CLUSTER_SIM_URL="${CLUSTER_SIM_URL:-http://127.0.0.1:$CLUSTER_SIM_PORT}"
# HTTPS listener for kubectl (it sends bearer tokens only over TLS); the certificate is
# self-signed and generated at every start, so the kubeconfig is rewritten at every start.
export CLUSTER_SIM_TLS_PORT="${CLUSTER_SIM_TLS_PORT:-6443}"
PORTAL_KUBECONFIG="${PORTAL_KUBECONFIG:-$ROOT/.portal/kubeconfig}"
rm -f "$PORTAL_KUBECONFIG"
# The simulator also serves the Prometheus HTTP API (its 14-day simulated past and the live
# state) under /prometheus; app-config.yaml can point a Prometheus metric source at it.
export CLUSTER_SIM_PROMETHEUS_URL="${CLUSTER_SIM_PROMETHEUS_URL:-$CLUSTER_SIM_URL/prometheus}"
# The command that runs the app and the backend (overridable for scripts/check-stop.sh --stub).
read -r -a DEV_COMMAND <<< "${PORTAL_DEV_COMMAND:-npx backstage-cli repo start}"

# Job control: every background job gets its own process group (pgid = its pid). Their stdin is
# /dev/null (as without job control), so none is stopped by SIGTTIN reading the terminal.
set -m
pids=()
stopping=0
# Every process below this script, found through parent links (a process group is not enough:
# backstage-cli's backend and the Compose demo leave the job's group, and survived a stop).
descendants() {
  local pid child
  for pid in "$@"; do
    for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
      echo "$child"
      descendants "$child"
    done
  done
}
stop_all() {
  [ "$stopping" = 1 ] && return
  stopping=1
  local pid known alive
  # The tree is read before any signal: a process whose parent exits is re-parented to init.
  known="$(descendants $$ | sort -u)"
  # First the jobs, each as its process group, so each stops what it started in its own order
  # (the Compose demo removes its containers before it stops its dockerd). 15 s at most.
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 30); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  # Then whatever of the tree outlived its job (children started meanwhile, such as a dev
  # server restarting its backend, join the list): SIGTERM, 10 s, SIGKILL.
  for _ in $(seq 1 20); do
    alive=""
    for pid in $known; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
    [ -z "$alive" ] && return
    known="$(printf '%s\n' $alive $(descendants $alive) | sort -u)"
    for pid in $known; do kill -TERM "$pid" 2>/dev/null || true; done
    sleep 0.5
  done
  for pid in $known; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap 'stop_all' EXIT
trap 'echo "[portal] stopping" >&2; stop_all; exit 130' INT
trap 'echo "[portal] stopping" >&2; stop_all; exit 143' TERM

node packages/cluster-sim/bin/cluster-sim --config "$CLUSTER_SIM_CONFIG" \
  --port "$CLUSTER_SIM_PORT" --tls-port "$CLUSTER_SIM_TLS_PORT" \
  --write-kubeconfig "$PORTAL_KUBECONFIG" < /dev/null &
pids+=($!)

# InfluxDB (Debian's influxd, 1.x) for the demo's InfluxDB metric source, and a feeder that writes
# points derived from the simulator's load into it (scripts/influx-feeder.mjs). Stopped with the
# rest; the portal keeps running without them (a missing influxd is a warning).
export INFLUXDB_PORT="${INFLUXDB_PORT:-8186}"
export INFLUXDB_URL="${INFLUXDB_URL:-http://127.0.0.1:$INFLUXDB_PORT}"
INFLUXD="$(command -v influxd || true)"
if [ -n "$INFLUXD" ] && [ "${PORTAL_INFLUXDB:-1}" != 0 ]; then
  INFLUX_DIR="${INFLUXDB_DATA_DIR:-$(dirname "${AUTOSCALING_DATA_DIR:-$ROOT/data/sqlite}")/influxdb}"
  mkdir -p "$INFLUX_DIR"
  cat > "$INFLUX_DIR/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$((INFLUXDB_PORT + 2))"
[meta]
  dir = "$INFLUX_DIR/meta"
[data]
  dir = "$INFLUX_DIR/data"
  wal-dir = "$INFLUX_DIR/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:$INFLUXDB_PORT"
  log-enabled = false
CONF
  "$INFLUXD" -config "$INFLUX_DIR/influxdb.conf" < /dev/null > "$INFLUX_DIR/influxd.log" 2>&1 &
  pids+=($!)
  node scripts/influx-feeder.mjs < /dev/null &
  pids+=($!)
else
  echo "[portal] influxd not found (Debian package influxdb; scripts/ci-deps.sh installs it): the influxdb metric source has no server" >&2
fi

# The Docker Compose host (scripts/compose-demo.mjs): a private dockerd, a busybox burner image and
# a Compose project. Registered as autoscaling.dockerHosts[] (and priced per container-hour) only
# once it is up; without root or Docker the portal runs without it and says why.
COMPOSE_STATE="$ROOT/.portal/compose-demo.json"
rm -f "$COMPOSE_STATE"
if [ "${PORTAL_COMPOSE:-1}" != 0 ]; then
  node scripts/compose-demo.mjs --state "$COMPOSE_STATE" < /dev/null &
  pids+=($!)
  for _ in $(seq 1 240); do [ -s "$COMPOSE_STATE" ] && break; sleep 0.5; done
  if [ -s "$COMPOSE_STATE" ] && node -e 'process.exit(require(process.argv[1]).ok ? 0 : 1)' "$COMPOSE_STATE"; then
    APP_CONFIG_autoscaling_dockerHosts="$(node -p 'JSON.stringify(require(process.argv[1]).dockerHosts)' "$COMPOSE_STATE")"
    APP_CONFIG_autoscaling_prices="$(node -p 'JSON.stringify(require(process.argv[1]).prices)' "$COMPOSE_STATE")"
    export APP_CONFIG_autoscaling_dockerHosts APP_CONFIG_autoscaling_prices
    echo "[portal] Docker Compose host compose-demo is up (scripts/compose-demo.mjs)" >&2
  else
    echo "[portal] no Docker Compose host: $(node -p 'require(process.argv[1]).reason' "$COMPOSE_STATE" 2>/dev/null || echo 'scripts/compose-demo.mjs gave no answer within 120 s')" >&2
  fi
fi

# backstage-cli repo start runs the app (webpack dev server, :3000) and the backend (:7007).
"${DEV_COMMAND[@]}" "$@" < /dev/null &
pids+=($!)
# Returns when the simulator or the app and backend exit (or a trapped signal arrives); the EXIT
# trap stops the rest.
set +e
wait -n "${pids[0]}" "${pids[-1]}"
status=$?
exit "$status"
