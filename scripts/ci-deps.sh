#!/usr/bin/env bash
# System packages needed by packages/cluster-sim's integration tests:
#   - prometheus (Debian's `prometheus`): a real Prometheus scrapes the simulator
#   - kubectl (Debian's `kubernetes-client`, unless a kubectl is already on PATH)
#   - dockerd and docker-compose (Debian's `docker.io`, `docker-compose`) and `busybox-static`
#     for the Docker Compose target's tests (a private daemon, images built locally)
#   - influxd (Debian's `influxdb`, 1.x) for the InfluxDB metric source's tests
# Idempotent: installs only what is missing, and runs `apt-get update` only then.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

missing=()
if ! command -v prometheus >/dev/null 2>&1 && [ ! -x /usr/bin/prometheus ]; then
  missing+=(prometheus)
fi
# A kubectl from another source (e.g. /usr/bin/kubectl from the Google Cloud SDK) is fine;
# installing kubernetes-client over it would clash on /usr/bin/kubectl.
if ! command -v kubectl >/dev/null 2>&1 || ! kubectl version --client >/dev/null 2>&1; then
  missing+=(kubernetes-client)
fi

command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx sh && [ -e /usr/share/doc/busybox-static ] || missing+=(busybox-static)
command -v influxd >/dev/null 2>&1 || missing+=(influxdb)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "[ci-deps] prometheus, kubectl, dockerd, docker-compose, busybox-static and influxd already present" >&2
  exit 0
fi

echo "[ci-deps] installing: ${missing[*]}" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"

# The Debian prometheus package may start a system service on :9090; tests run their own
# instance on free ports, so that service is not needed (and is absent without systemd).
command -v prometheus >/dev/null 2>&1 || { echo "[ci-deps] prometheus still missing" >&2; exit 1; }
command -v kubectl >/dev/null 2>&1 || { echo "[ci-deps] kubectl still missing" >&2; exit 1; }
for tool in dockerd docker-compose influxd; do
  command -v "$tool" >/dev/null 2>&1 || { echo "[ci-deps] $tool still missing: the Docker Compose and InfluxDB tests need it" >&2; exit 1; }
done
echo "[ci-deps] done: $(prometheus --version 2>&1 | head -1)" >&2
