/**
 * A real Docker daemon for tests: Debian's `dockerd`, started as root on a private socket with
 * its own data-root, exec-root and pidfile under a temporary directory, without a bridge network
 * (`--bridge=none`, no iptables or masquerading: nothing leaves the machine), and with
 * `--live-restore` so containers outlive a stopped daemon. A tiny CPU-burning image is made
 * locally with `docker import` of a root filesystem holding Debian's busybox-static (no
 * registry), and Compose projects are brought up with Debian's `docker-compose` (1.29).
 *
 * If the daemon cannot start (not root, a tool missing, dockerd failing), `startDockerDaemon`
 * throws saying why: the tests fail, they are never skipped.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';

const run = promisify(execFile);

export const BURNER_IMAGE = 'autoscaling-burner:test';

/**
 * The burner: burns CPU while /ctl/burn exists (a directory shared by every replica through a
 * bind mount, so a test switches load on and off for the whole service), idles otherwise, and
 * exits at once on SIGTERM (a graceful stop).
 */
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

async function which(tool: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin'])) {
    const candidate = path.join(dir, tool);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

export interface ComposeProject {
  name: string;
  dir: string;
  /** The bind-mounted control directory: `burn` in it switches the load on. */
  ctlDir: string;
  /** `docker-compose ps -q <service>`: ids of the containers Compose counts as the service's. */
  ps(service: string): Promise<string[]>;
  /** Runs docker-compose with the project's file and name. */
  compose(...args: string[]): Promise<string>;
  setBurn(on: boolean): Promise<void>;
}

export interface DockerDaemon {
  socketPath: string;
  docker: Docker;
  env: NodeJS.ProcessEnv;
  /** Stops the daemon (SIGTERM); containers keep running (`--live-restore`). */
  stopDaemon(): Promise<void>;
  /** Starts the daemon again on the same socket and data-root. */
  startDaemon(): Promise<void>;
  /** Writes the project's compose file and runs `docker-compose up -d`. */
  composeUp(name: string, composeFile: string): Promise<ComposeProject>;
  /** Removes every container, stops the daemon and deletes the directory. */
  stop(): Promise<void>;
}

/** Lazily unmounts what dockerd left mounted under `dir` (its data-root bind mount, netns). */
async function unmountUnder(dir: string) {
  const mountinfo = await fs.readFile('/proc/self/mountinfo', 'utf8');
  const points = mountinfo
    .split('\n')
    .map(line => line.split(' ')[4])
    .filter((p): p is string => Boolean(p) && p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points)
    await run('umount', ['-l', point]).catch(() => {});
}

/** Starts the daemon and builds the burner image; throws saying why when it cannot. */
export async function startDockerDaemon(): Promise<DockerDaemon> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'The Docker Compose tests start their own dockerd and need root (run the test command as root)',
    );
  }
  const tools: Record<string, string | undefined> = {};
  for (const tool of ['dockerd', 'docker', 'docker-compose']) {
    tools[tool] = await which(tool);
    if (!tools[tool]) {
      throw new Error(
        `${tool} is not installed: the Docker Compose tests need Debian's docker.io and docker-compose (scripts/ci-deps.sh installs them)`,
      );
    }
  }
  if (!existsSync('/bin/busybox')) {
    throw new Error(
      "/bin/busybox is missing: the tests build their image from Debian's busybox-static (scripts/ci-deps.sh installs it)",
    );
  }

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'asdock-'));
  const socketPath = path.join(dir, 'docker.sock');
  const env = { ...process.env, DOCKER_HOST: `unix://${socketPath}` };
  const docker = new Docker({ socketPath });
  const logFile = path.join(dir, 'dockerd.log');
  let daemon: ChildProcess | undefined;
  let exited: string | undefined;

  const startDaemon = async () => {
    const log = await fs.open(logFile, 'a');
    exited = undefined;
    daemon = spawn(
      tools.dockerd!,
      [
        '--host',
        `unix://${socketPath}`,
        '--data-root',
        path.join(dir, 'data'),
        '--exec-root',
        path.join(dir, 'exec'),
        '--pidfile',
        path.join(dir, 'dockerd.pid'),
        '--bridge=none',
        '--iptables=false',
        '--ip6tables=false',
        '--ip-masq=false',
        '--live-restore',
        '--log-level=warn',
      ],
      { stdio: ['ignore', log.fd, log.fd] },
    );
    const child = daemon;
    child.on('exit', (code, signal) => {
      exited = `dockerd exited (code ${code}, signal ${signal})`;
    });
    await log.close();
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) break;
      try {
        await docker.ping();
        return;
      } catch {
        if (Date.now() > deadline) break;
        await sleep(200);
      }
    }
    const tail = (await fs.readFile(logFile, 'utf8').catch(() => ''))
      .split('\n')
      .slice(-15)
      .join('\n');
    child.kill('SIGKILL');
    throw new Error(
      `dockerd did not start on ${socketPath}: ${
        exited ?? 'no answer to ping within 60 s'
      }\n${tail}`,
    );
  };

  const stopDaemon = async () => {
    const child = daemon;
    if (!child || exited) return;
    const done = new Promise<void>(resolve =>
      child.once('exit', () => resolve()),
    );
    child.kill('SIGTERM');
    await Promise.race([done, sleep(30_000)]);
    if (!exited) {
      child.kill('SIGKILL');
      await done;
    }
  };

  try {
    await startDaemon();
    // The burner image: busybox-static and the script, imported from a tar (no registry).
    const rootfs = path.join(dir, 'rootfs');
    await fs.mkdir(path.join(rootfs, 'bin'), { recursive: true });
    await fs.mkdir(path.join(rootfs, 'ctl'));
    await fs.copyFile('/bin/busybox', path.join(rootfs, 'bin/busybox'));
    for (const applet of ['sh', 'sleep', 'true', 'cat'])
      await fs.symlink('busybox', path.join(rootfs, 'bin', applet));
    await fs.writeFile(path.join(rootfs, 'burner.sh'), BURNER_SCRIPT, {
      mode: 0o755,
    });
    const tar = path.join(dir, 'rootfs.tar');
    await run('tar', ['-C', rootfs, '-cf', tar, '.']);
    await run(
      tools.docker!,
      ['import', '-c', 'CMD ["/bin/sh", "/burner.sh"]', tar, BURNER_IMAGE],
      { env },
    );
  } catch (error) {
    await stopDaemon();
    await unmountUnder(dir);
    await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
    throw error;
  }

  const projects: ComposeProject[] = [];

  return {
    socketPath,
    docker,
    env,
    stopDaemon,
    startDaemon,
    async composeUp(name, composeFile) {
      const projectDir = path.join(dir, name);
      const ctlDir = path.join(projectDir, 'ctl');
      await fs.mkdir(ctlDir, { recursive: true });
      await fs.writeFile(
        path.join(projectDir, 'docker-compose.yml'),
        composeFile,
      );
      const compose = async (...args: string[]) =>
        (
          await run(tools['docker-compose']!, ['-p', name, ...args], {
            cwd: projectDir,
            env,
          })
        ).stdout;
      await compose('up', '-d');
      const project: ComposeProject = {
        name,
        dir: projectDir,
        ctlDir,
        compose,
        async ps(service) {
          return (await compose('ps', '-q', service))
            .split('\n')
            .map(s => s.trim())
            .filter(Boolean);
        },
        async setBurn(on) {
          const file = path.join(ctlDir, 'burn');
          if (on) await fs.writeFile(file, '1');
          else await fs.rm(file, { force: true });
        },
      };
      projects.push(project);
      return project;
    },
    async stop() {
      try {
        // A test that failed while the daemon was stopped: start it again, or the
        // live-restored containers would outlive the test.
        if (exited) await startDaemon().catch(() => {});
        if (!exited) {
          for (const c of await docker.listContainers({ all: true }))
            await docker.getContainer(c.Id).remove({ force: true });
        }
      } finally {
        await stopDaemon();
        await unmountUnder(dir);
        await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
      }
    },
  };
}

/** A compose file of one burner service: no network, a CPU limit, a health check. */
export function burnerComposeFile(options: {
  service: string;
  cpus: number;
  scale?: number;
}): string {
  return `version: "2.4"
services:
  ${options.service}:
    image: ${BURNER_IMAGE}
    network_mode: none
    cpus: ${options.cpus}
    mem_limit: 64m
    stop_grace_period: 5s
    scale: ${options.scale ?? 1}
    volumes:
      - ./ctl:/ctl:ro
    healthcheck:
      test: ["CMD", "/bin/true"]
      interval: 1s
      timeout: 1s
      retries: 1
`;
}
