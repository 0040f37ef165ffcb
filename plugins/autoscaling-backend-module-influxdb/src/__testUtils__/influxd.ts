/**
 * Starts Debian's `influxd` (1.x; scripts/ci-deps.sh installs the `influxdb` package) on free
 * loopback ports with its data in a temporary directory, for tests. Fails loudly when the binary
 * is missing.
 */
import { ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RunningInfluxd {
  url: string;
  /** Runs an InfluxQL statement (POST /query) and returns the parsed body. */
  admin(q: string, auth?: { username: string; password: string }): Promise<any>;
  /** Writes line protocol (POST /write) into `db`; throws unless InfluxDB answers 204. */
  write(
    db: string,
    lines: string[],
    auth?: { username: string; password: string },
  ): Promise<void>;
  stop(): Promise<void>;
}

function requireBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '')
    .split(delimiter)
    .concat(['/usr/bin', '/usr/sbin', '/usr/local/bin'])) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  throw new Error(
    `${name} is not installed (not on PATH). Run scripts/ci-deps.sh to install the test dependencies.`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const basic = (auth?: { username: string; password: string }) =>
  auth
    ? {
        authorization: `Basic ${Buffer.from(
          `${auth.username}:${auth.password}`,
        ).toString('base64')}`,
      }
    : undefined;

export async function startInfluxd(
  options: { authEnabled?: boolean } = {},
): Promise<RunningInfluxd> {
  const binary = requireBinary('influxd');
  const dir = mkdtempSync(join(tmpdir(), 'influxd-test-'));
  const httpPort = await freePort();
  const rpcPort = await freePort();
  writeFileSync(
    join(dir, 'influxdb.conf'),
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[retention]',
      '  enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '[http]',
      '  enabled = true',
      `  bind-address = "127.0.0.1:${httpPort}"`,
      `  auth-enabled = ${options.authEnabled ? 'true' : 'false'}`,
      '  log-enabled = false',
      '',
    ].join('\n'),
  );
  let log = '';
  const child: ChildProcess = spawn(
    binary,
    ['-config', join(dir, 'influxdb.conf')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', d => (log += d));
  child.stderr!.on('data', d => (log += d));
  const url = `http://127.0.0.1:${httpPort}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  for (let i = 0; ; i++) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`influxd exited with ${child.exitCode}: ${log}`);
    }
    const ok = await fetch(`${url}/ping`).then(
      r => r.status === 204,
      () => false,
    );
    if (ok) break;
    if (i > 150) {
      await stop();
      throw new Error(`influxd did not answer /ping: ${log}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }

  return {
    url,
    async admin(q, auth) {
      const res = await fetch(`${url}/query`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...basic(auth),
        },
        body: new URLSearchParams({ q }).toString(),
      });
      const body = await res.json();
      if (!res.ok || body.error || body.results?.[0]?.error) {
        throw new Error(`influxd ${q}: ${res.status} ${JSON.stringify(body)}`);
      }
      return body;
    },
    async write(db, lines, auth) {
      const res = await fetch(
        `${url}/write?db=${encodeURIComponent(db)}&precision=ms`,
        {
          method: 'POST',
          headers: { 'content-type': 'text/plain', ...basic(auth) },
          body: lines.join('\n'),
        },
      );
      if (res.status !== 204) {
        throw new Error(`influxd write: ${res.status} ${await res.text()}`);
      }
    },
    stop,
  };
}
