#!/usr/bin/env bash
# Checks that stopping the start command stops everything it started (the simulated cluster,
# the backend and the app), and that its kubeconfig works with kubectl over HTTPS.
#
#   scripts/check-stop.sh [--stub] [TERM|INT]
#
# Runs `npm run portal` in a new session, waits until it is up, sends the signal (default TERM)
# to npm, and fails unless every process of the session is gone within 30 s.
#   default: the real portal (under `flock /tmp/portal.lock`, ports 6550, 6443, 7007, 3000);
#            up = backend readiness 200, app on :3000 200, kubeconfig written; also fails if the
#            backend logged "events backend not found".
#   --stub:  the real simulator on free ports, with a stand-in for `backstage-cli repo start`
#            (a process tree of sleeps, like the backend and webpack under backstage-cli); no lock.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STUB=0
SIG=TERM
for a in "$@"; do
  case "$a" in
    --stub) STUB=1 ;;
    TERM | INT) SIG="$a" ;;
    *) echo "usage: $0 [--stub] [TERM|INT]" >&2; exit 2 ;;
  esac
done
if [ "$STUB" = 0 ] && [ -z "${PORTAL_CHECK_LOCKED:-}" ]; then
  PORTAL_CHECK_LOCKED=1 exec flock /tmp/portal.lock "$0" "$@"
fi

WORK="$(mktemp -d)"
LOG="$WORK/portal.log"
KUBECONFIG_FILE="$ROOT/.portal/kubeconfig"
if [ "$STUB" = 1 ]; then
  KUBECONFIG_FILE="$WORK/kubeconfig"
  cat > "$WORK/fake-dev.sh" <<'STUB'
#!/usr/bin/env bash
# Stands in for backstage-cli repo start: a parent with children and a grandchild, and one
# child that, like the dev server's backend, left the process group and the session and
# ignores SIGTERM (it outlived a stop that signalled process groups only).
sleep 3600 &
bash -c 'sleep 3600 & wait' &
setsid bash -c 'trap "" TERM; sleep 3600 & wait' &
echo $! >> "$STUB_PIDS"
wait
STUB
  chmod +x "$WORK/fake-dev.sh"
  export PORTAL_DEV_COMMAND="$WORK/fake-dev.sh" CLUSTER_SIM_PORT=0 CLUSTER_SIM_TLS_PORT=0
  export STUB_PIDS="$WORK/stub.pids"
fi
export PORTAL_KUBECONFIG="$KUBECONFIG_FILE"

setsid npm run portal > "$LOG" 2>&1 &
NPM_PID=$!
SID=$NPM_PID # setsid forks only when the caller is a group leader; find the real session below
fail() {
  echo "check-stop: FAIL: $*" >&2
  echo "--- portal log (last 40 lines) ---" >&2
  tail -n 40 "$LOG" >&2 || true
  [ -n "${SID:-}" ] && pkill -KILL -s "$SID" 2>/dev/null || true
  exit 1
}
for _ in $(seq 1 20); do
  SID="$(ps -o sid= -p "$NPM_PID" 2>/dev/null | tr -d ' ' || true)"
  [ -n "$SID" ] && [ "$SID" != "$(ps -o sid= -p $$ | tr -d ' ')" ] && break
  sleep 0.1
done
[ -n "$SID" ] || fail "npm run portal did not start"

up() {
  [ -s "$KUBECONFIG_FILE" ] || return 1
  # The stub is up once its child outside the session runs.
  [ "$STUB" = 1 ] && { [ -s "$STUB_PIDS" ]; return; }
  curl -fs -o /dev/null http://127.0.0.1:7007/.backstage/health/v1/readiness &&
    curl -fs -o /dev/null http://127.0.0.1:3000/
}
for i in $(seq 1 300); do
  up && break
  kill -0 "$NPM_PID" 2>/dev/null || fail "npm run portal exited before it was up"
  [ "$i" = 300 ] && fail "not up after 300 s"
  sleep 1
done
echo "check-stop: up; processes in the session: $(ps -o pid= -s "$SID" | wc -l)"

if command -v kubectl > /dev/null; then
  out="$(kubectl --kubeconfig "$KUBECONFIG_FILE" --request-timeout 20s get deploy -A 2>&1)" ||
    fail "kubectl --kubeconfig $KUBECONFIG_FILE get deploy -A: $out"
  echo "check-stop: kubectl over HTTPS lists $(($(echo "$out" | wc -l) - 1)) deployments"
else
  echo "check-stop: kubectl not installed, kubeconfig not checked with it"
fi

# The events backend is wired: signals and notifications found the event bus.
if grep -q "events backend not found" "$LOG"; then fail "the backend logged 'events backend not found'"; fi

kill -"$SIG" "$NPM_PID"
for i in $(seq 1 60); do
  left="$(ps -o pid=,args= -s "$SID" || true)"
  [ -z "$left" ] && break
  [ "$i" = 60 ] && fail "30 s after SIG$SIG these are still running:
$left"
  sleep 0.5
done
# The stub's child outside the session (and its own children) must be gone too.
if [ "$STUB" = 1 ]; then
  echo "check-stop: stub processes outside the session: $(cat "$STUB_PIDS" 2>/dev/null | tr "\n" " ")"
  for pid in $(cat "$STUB_PIDS" 2>/dev/null); do
    for _ in $(seq 1 10); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then fail "process $pid, outside the session, still runs"; fi
    [ -z "$(ps -o pid= -s "$pid" 2>/dev/null)" ] || fail "the session of $pid still runs: $(ps -o pid=,args= -s "$pid")"
  done
fi
if [ "$STUB" = 0 ]; then
  for port in 6550 6443 7007 3000; do
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then fail "port $port still answers"; fi
  done
fi
rm -rf "$WORK"
echo "check-stop: OK: SIG$SIG to npm run portal stopped every process it started"
