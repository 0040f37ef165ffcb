/**
 * The CLI as the start command runs it: `--tls-port` + `--write-kubeconfig`. The kubeconfig it
 * writes (HTTPS server, the self-signed certificate as CA data, the first token) works with
 * Node's TLS verification, with @kubernetes/client-node configured only by that file, and with
 * kubectl when it is installed on the machine; SIGTERM stops the CLI with exit code 0.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { testConfig } from './testing/fixtures';
import { requireBinary } from './testing/binaries';

const BIN = resolve(__dirname, '../bin/cluster-sim');
const DRIVER = resolve(__dirname, 'testing/clientNodeDriver.mjs');

function findKubectl(): string | undefined {
  try {
    return requireBinary('kubectl');
  } catch {
    return undefined;
  }
}

interface HttpsResult {
  status?: number;
  body?: string;
  error?: string;
}

function httpsGet(
  url: string,
  opts: { ca?: string; token?: string },
): Promise<HttpsResult> {
  return new Promise(done => {
    const req = request(
      url,
      {
        ca: opts.ca,
        headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {},
        timeout: 20_000,
      },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', chunk => {
          body += chunk;
        });
        res.on('end', () => done({ status: res.statusCode, body }));
      },
    );
    req.on('error', e =>
      done({ error: (e as NodeJS.ErrnoException).code ?? e.message }),
    );
    req.end();
  });
}

describe('cluster-sim CLI with --tls-port and --write-kubeconfig', () => {
  let dir: string;
  let child: ChildProcess;
  let output = '';
  let kubeconfigPath: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let kubeconfig: any;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cluster-sim-cli-'));
    const configPath = join(dir, 'sim.yaml');
    writeFileSync(configPath, stringify(testConfig()));
    kubeconfigPath = join(dir, 'kubeconfig');
    child = spawn(
      process.execPath,
      [
        BIN,
        '--config',
        configPath,
        '--port',
        '0',
        '--tls-port',
        '0',
        '--write-kubeconfig',
        kubeconfigPath,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', chunk => {
      output += chunk;
    });
    await new Promise<void>((done, fail) => {
      child.stdout!.on('data', chunk => {
        output += chunk;
        if (output.includes('kubeconfig written to')) done();
      });
      child.once('exit', code =>
        fail(new Error(`cluster-sim exited with ${code}: ${output}`)),
      );
    });
    kubeconfig = parse(readFileSync(kubeconfigPath, 'utf8'));
  }, 60_000);

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a private kubeconfig for the HTTPS listener with the CA and the first token', () => {
    expect(statSync(kubeconfigPath).mode & 0o777).toBe(0o600);
    const cluster = kubeconfig.clusters[0].cluster;
    expect(cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(cluster['insecure-skip-tls-verify']).toBeUndefined();
    const ca = Buffer.from(
      cluster['certificate-authority-data'],
      'base64',
    ).toString('utf8');
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(kubeconfig.users[0].user).toEqual({ token: 'admin-token' });
    expect(kubeconfig['current-context']).toBe(kubeconfig.contexts[0].name);
    expect(output).toMatch(
      /listening on http:\/\/127\.0\.0\.1:\d+ and https:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it('serves the API over HTTPS, verified against the generated CA, to the token', async () => {
    const cluster = kubeconfig.clusters[0].cluster;
    const ca = Buffer.from(
      cluster['certificate-authority-data'],
      'base64',
    ).toString('utf8');
    const token = kubeconfig.users[0].user.token;
    const ok = await httpsGet(`${cluster.server}/apis/apps/v1/deployments`, {
      ca,
      token,
    });
    expect(ok.error).toBeUndefined();
    expect(ok.status).toBe(200);
    expect(
      JSON.parse(ok.body!)
        .items.map((d: { metadata: { name: string } }) => d.metadata.name)
        .sort(),
    ).toEqual(['api', 'web']);
    // with the CA but no token: 401; without the CA: the TLS handshake fails (self-signed)
    expect(
      (await httpsGet(`${cluster.server}/apis/apps/v1/deployments`, { ca }))
        .status,
    ).toBe(401);
    const untrusted = await httpsGet(
      `${cluster.server}/apis/apps/v1/deployments`,
      { token },
    );
    expect(untrusted.status).toBeUndefined();
    expect(untrusted.error).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it('@kubernetes/client-node lists and scales with only the kubeconfig file', async () => {
    const r = await new Promise<Record<string, unknown>>((done, fail) => {
      execFile(
        process.execPath,
        [DRIVER, 'kubeconfigFile', kubeconfigPath],
        { timeout: 30_000 },
        (err, stdout, stderr) => {
          if (err)
            fail(new Error(`client-node failed: ${stderr || err.message}`));
          else done(JSON.parse(stdout));
        },
      );
    });
    expect(r).toEqual({
      server: kubeconfig.clusters[0].cluster.server,
      skipTLSVerify: false,
      hasCaData: true,
      user: kubeconfig.users[0].name,
      deployments: ['other/api', 'shop/web'],
      scaledTo: 3,
    });
  });

  // The test command installs kubectl (scripts/ci-deps.sh), so it is always there to use.
  it('kubectl --kubeconfig <file> get deploy -A works over HTTPS', async () => {
    const kubectlPath = findKubectl();
    if (!kubectlPath)
      throw new Error('kubectl is not on PATH: scripts/ci-deps.sh installs it');
    const r = await new Promise<{
      code: number;
      stdout: string;
      stderr: string;
    }>(done => {
      execFile(
        kubectlPath!,
        [
          '--kubeconfig',
          kubeconfigPath,
          '--cache-dir',
          join(dir, 'cache'),
          '--request-timeout',
          '20s',
          'get',
          'deploy',
          '-A',
        ],
        { env: { ...process.env, HOME: dir }, timeout: 30_000 },
        (err, stdout, stderr) =>
          done({
            code: err ? (err as { code?: number }).code ?? 1 : 0,
            stdout,
            stderr,
          }),
      );
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY/);
    expect(lines.slice(1).map(l => l.split(/\s+/).slice(0, 2))).toEqual([
      ['other', 'api'],
      ['shop', 'web'],
    ]);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>(done =>
      child.once('exit', code => done(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
