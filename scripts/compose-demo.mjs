// The demo portal's Docker Compose host (issue 18), run by scripts/start.sh beside the simulator:
// Debian's dockerd on a private socket with its data-root under the portal's data folder, no
// bridge network (--bridge=none, no iptables or masquerading: nothing leaves the machine), a tiny
// CPU-burning image made locally with `docker import` of busybox-static (no registry), and a
// Compose project brought up with Debian's docker-compose 1.29: project `demo`, service `render`,
// 2 replicas of 0.05 CPU each. A replica burns CPU while `<ctl dir>/burn` exists (a bind mount
// every replica reads), so the journey (e2e/journeys/18-compose.test.mjs) raises the load by
// writing that file.
//
//   node scripts/compose-demo.mjs --state .portal/compose-demo.json
//
// The state file is written once: `{ ok: true, socketPath, ctlDir, host, project, service,
// dockerHosts, prices }` when the project is up (start.sh then registers the host in the backend's
// config), or `{ ok: false, reason }` when the daemon cannot run here (not root, not installed):
// the portal starts without it and says why. SIGTERM removes the containers, stops the daemon and
// unmounts what it left under its folder.
import { execFile, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

const HOST = 'compose-demo';
const PROJECT = 'demo';
const SERVICE = 'render';
const IMAGE = 'autoscaling-burner:demo';

const args = process.argv.slice(2);
const statePath = path.resolve(
  args[args.indexOf('--state') + 1] ?? '.portal/compose-demo.json',
);
const dataDir = path.resolve(
  process.env.COMPOSE_DEMO_DIR ??
    path.join(
      path.dirname(process.env.AUTOSCALING_DATA_DIR ?? 'data/sqlite'),
      'docker',
    ),
);
const socketPath = path.join(dataDir, 'docker.sock');
const env = { ...process.env, DOCKER_HOST: `unix://${socketPath}` };
const log = message => console.error(`[compose-demo] ${message}`);

const BURNER_SCRIPT = `#!/bin/sh
trap 'exit 0' TERM INT
while true; do
  if [ -f /ctl/burn ]; then
    i=0
    while [ $i -lt 20000 ]; do i=$((i+1)); done
  else
    sleep 1
  fi
done
`;

const COMPOSE_FILE = `version: "2.4"
services:
  ${SERVICE}:
    image: ${IMAGE}
    network_mode: none
    cpus: 0.05
    mem_limit: 32m
    stop_grace_period: 2s
    scale: 2
    volumes:
      - ./ctl:/ctl:ro
    healthcheck:
      test: ["CMD", "/bin/true"]
      interval: 2s
      timeout: 5s
      retries: 3
`;

function which(tool) {
  for (const dir of (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin'])) {
    const candidate = path.join(dir, tool);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

async function writeState(state) {
  await fs.mkdir(path.dirname(statePath), { recursive: true });
  await fs.writeFile(`${statePath}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await fs.rename(`${statePath}.tmp`, statePath);
}

/** Why the daemon cannot run here, or undefined. */
function missing() {
  if (process.getuid?.() !== 0)
    return 'not root: the demo starts its own dockerd and needs root';
  for (const tool of ['dockerd', 'docker', 'docker-compose']) {
    if (!which(tool))
      return `${tool} is not installed (Debian docker.io and docker-compose; scripts/ci-deps.sh installs them)`;
  }
  if (!existsSync('/bin/busybox'))
    return '/bin/busybox is missing (Debian busybox-static; scripts/ci-deps.sh installs it)';
  return undefined;
}

let daemon;
let daemonExit;

async function unmountUnder(dir) {
  const mountinfo = await fs.readFile('/proc/self/mountinfo', 'utf8');
  const points = mountinfo
    .split('\n')
    .map(line => line.split(' ')[4])
    .filter(p => Boolean(p) && p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points)
    await run('umount', ['-l', point]).catch(() => {});
}

async function startDaemon() {
  await fs.mkdir(dataDir, { recursive: true });
  await fs.rm(socketPath, { force: true });
  const logFile = path.join(dataDir, 'dockerd.log');
  const out = openSync(logFile, 'a');
  // Its own process group: start.sh's SIGTERM reaches this script, which stops it in order.
  daemon = spawn(
    which('dockerd'),
    [
      '--host',
      `unix://${socketPath}`,
      '--data-root',
      path.join(dataDir, 'data'),
      '--exec-root',
      path.join(dataDir, 'exec'),
      '--pidfile',
      path.join(dataDir, 'dockerd.pid'),
      '--bridge=none',
      '--iptables=false',
      '--ip6tables=false',
      '--ip-masq=false',
      '--log-level=warn',
    ],
    { stdio: ['ignore', out, out], detached: true },
  );
  daemon.on('exit', (code, signal) => {
    daemonExit = `dockerd exited (code ${code}, signal ${signal})`;
  });
  const deadline = Date.now() + 60_000;
  while (!daemonExit && Date.now() < deadline) {
    const up = await run(which('docker'), ['version', '--format', 'ok'], {
      env,
    }).then(
      () => true,
      () => false,
    );
    if (up) return;
    await sleep(300);
  }
  const tail = readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n');
  throw new Error(
    `dockerd did not start on ${socketPath}: ${
      daemonExit ?? 'no answer within 60 s'
    }\n${tail}`,
  );
}

async function buildImage() {
  const images = await run(which('docker'), ['images', '-q', IMAGE], { env });
  if (images.stdout.trim()) return;
  const rootfs = path.join(dataDir, 'rootfs');
  await fs.rm(rootfs, { recursive: true, force: true });
  await fs.mkdir(path.join(rootfs, 'bin'), { recursive: true });
  await fs.mkdir(path.join(rootfs, 'ctl'));
  await fs.copyFile('/bin/busybox', path.join(rootfs, 'bin/busybox'));
  for (const applet of ['sh', 'sleep', 'true', 'cat'])
    await fs.symlink('busybox', path.join(rootfs, 'bin', applet));
  await fs.writeFile(path.join(rootfs, 'burner.sh'), BURNER_SCRIPT, {
    mode: 0o755,
  });
  const tar = path.join(dataDir, 'rootfs.tar');
  await run('tar', ['-C', rootfs, '-cf', tar, '.']);
  await run(
    which('docker'),
    ['import', '-c', 'CMD ["/bin/sh", "/burner.sh"]', tar, IMAGE],
    { env },
  );
}

let stopping = false;
let upStateWritten = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    if (daemon && !daemonExit) {
      const ids = (
        await run(which('docker'), ['ps', '-aq'], { env }).catch(() => ({
          stdout: '',
        }))
      ).stdout
        .split('\n')
        .filter(Boolean);
      if (ids.length > 0)
        await run(which('docker'), ['rm', '-f', ...ids], { env }).catch(
          () => {},
        );
      const exited = new Promise(resolve => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (!daemonExit) daemon.kill('SIGKILL');
    }
    await unmountUnder(dataDir).catch(() => {});
    if (upStateWritten) await fs.rm(statePath, { force: true });
  } finally {
    process.exit(code);
  }
}
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));

const reason = missing();
if (reason) {
  log(`${reason}: the portal runs without the Compose host`);
  await writeState({ ok: false, reason });
  process.exit(0);
}
try {
  await startDaemon();
  await buildImage();
  const projectDir = path.join(dataDir, PROJECT);
  const ctlDir = path.join(projectDir, 'ctl');
  await fs.mkdir(ctlDir, { recursive: true });
  await fs.rm(path.join(ctlDir, 'burn'), { force: true });
  await fs.writeFile(path.join(projectDir, 'docker-compose.yml'), COMPOSE_FILE);
  await run(which('docker-compose'), ['-p', PROJECT, 'up', '-d'], {
    cwd: projectDir,
    env,
  });
  await writeState({
    ok: true,
    socketPath,
    ctlDir,
    host: HOST,
    project: PROJECT,
    service: SERVICE,
    dockerHosts: [
      {
        name: HOST,
        title: 'Demo Compose host (private dockerd)',
        socketPath,
        stopTimeoutSeconds: 2,
      },
    ],
    // Containers priced per container-hour (autoscaling.prices.clusters.<host>.replicaHour).
    prices: {
      clusters: {
        [HOST]: {
          cloud: 'onprem',
          region: 'demo',
          family: 'docker',
          replicaHour: 0.012,
        },
      },
    },
  });
  upStateWritten = true;
  log(
    `dockerd on ${socketPath}; Compose project ${PROJECT} (service ${SERVICE}) is up as host ${HOST}`,
  );
} catch (error) {
  const why = error instanceof Error ? error.message : String(error);
  log(`the Compose host could not start: ${why}`);
  await writeState({ ok: false, reason: why.split('\n')[0] });
  await stop(0);
}
// Runs until start.sh stops it; says so if the daemon dies under it.
setInterval(() => {
  if (daemonExit && !stopping) {
    log(`${daemonExit}: the Compose host is gone`);
    stop(1);
  }
}, 1000);
