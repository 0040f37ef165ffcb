/**
 * kubectl (Debian's kubernetes-client or any kubectl on PATH; scripts/ci-deps.sh installs it)
 * against the simulator over HTTPS (kubectl sends bearer tokens only over TLS), with a
 * temporary kubeconfig holding the simulator's CA and a token.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningClusterSim } from '../start';
import { call, startTestSim } from '../testing/fixtures';
import { requireBinary } from '../testing/binaries';

describe('kubectl against the simulator', () => {
  let sim: RunningClusterSim;
  let dir: string;
  let kubectlPath: string;

  beforeAll(async () => {
    kubectlPath = requireBinary('kubectl');
    sim = await startTestSim({}, { tlsPort: 0 });
    dir = mkdtempSync(join(tmpdir(), 'cluster-sim-kubectl-'));
    writeFileSync(join(dir, 'admin.yaml'), sim.kubeconfig('admin-token'));
    writeFileSync(join(dir, 'readonly.yaml'), sim.kubeconfig('readonly-token'));
  });
  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (args: string[], user = 'admin') =>
    new Promise<{ code: number; stdout: string; stderr: string }>(resolve => {
      execFile(
        kubectlPath,
        [
          ...args,
          '--cache-dir',
          join(dir, 'cache'),
          '--request-timeout',
          '20s',
        ],
        {
          env: {
            ...process.env,
            KUBECONFIG: join(dir, `${user}.yaml`),
            HOME: dir,
          },
          timeout: 30_000,
        },
        (err, stdout, stderr) =>
          resolve({
            code: err ? (err as { code?: number }).code ?? 1 : 0,
            stdout,
            stderr,
          }),
      );
    });

  it('get deployments -A prints every deployment with its ready count', async () => {
    const r = await kubectl(['get', 'deployments', '-A']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/,
    );
    expect(lines.slice(1).map(l => l.split(/\s+/).slice(0, 5))).toEqual([
      ['other', 'api', '1/1', '1', '1'],
      ['shop', 'web', '2/2', '2', '2'],
    ]);
  });

  it('scale deployment changes the replicas through the API', async () => {
    const r = await kubectl([
      'scale',
      'deployment',
      'web',
      '-n',
      'shop',
      '--replicas=4',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('deployment.apps/web scaled');
    expect(
      sim.sim.store.get('apps/deployments', 'shop', 'web')!.spec.replicas,
    ).toBe(4);
    const get = await kubectl([
      'get',
      'deployment',
      'web',
      '-n',
      'shop',
      '-o',
      'jsonpath={.spec.replicas}/{.status.replicas}/{.status.readyReplicas}',
    ]);
    expect(get.stdout).toBe('4/4/2');
    sim.advance(30);
    const later = await kubectl([
      'get',
      'deployment',
      'web',
      '-n',
      'shop',
      '-o',
      'jsonpath={.status.readyReplicas}',
    ]);
    expect(later.stdout).toBe('4');
  });

  it('is forbidden to scale with a read-only token', async () => {
    const r = await kubectl(
      ['scale', 'deployment', 'api', '-n', 'other', '--replicas=3'],
      'readonly',
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/forbidden/i);
    expect(
      sim.sim.store.get('apps/deployments', 'other', 'api')!.spec.replicas,
    ).toBe(1);
  });

  it('get --raw reads the metrics API', async () => {
    const r = await kubectl([
      'get',
      '--raw',
      '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb',
    ]);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.kind).toBe('PodMetricsList');
    expect(body.items.length).toBeGreaterThanOrEqual(2);
    for (const item of body.items) {
      expect(item.metadata.namespace).toBe('shop');
      expect(item.containers[0].usage.cpu).toMatch(/^\d+n$/);
      expect(item.containers[0].usage.memory).toMatch(/^\d+Ki$/);
    }
    const nodes = await kubectl([
      'get',
      '--raw',
      '/apis/metrics.k8s.io/v1beta1/nodes',
    ]);
    expect(JSON.parse(nodes.stdout).items).toHaveLength(3);
  });

  it('top pods uses the metrics API', async () => {
    const r = await kubectl(['top', 'pods', '-n', 'shop', '-l', 'app=web']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });

  it('get deploy -w prints the deployment again as it changes (watch from the list)', async () => {
    const child = spawn(
      kubectlPath,
      [
        'get',
        'deploy',
        '-n',
        'other',
        '-w',
        '--output-watch-events',
        '--cache-dir',
        join(dir, 'cache'),
      ],
      {
        env: {
          ...process.env,
          KUBECONFIG: join(dir, 'admin.yaml'),
          HOME: dir,
        },
      },
    );
    let out = '';
    let err = '';
    let wake: (() => void) | undefined;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      wake?.();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      wake?.();
    });
    const exited = new Promise(resolve => child.once('exit', resolve));
    const nextOutput = () =>
      new Promise<void>(resolve => {
        wake = resolve;
        child.once('exit', () => resolve());
      });
    const until = async (pattern: RegExp) => {
      const deadline = setTimeout(() => child.kill(), 20_000);
      try {
        while (!pattern.test(out) && child.exitCode === null)
          await nextOutput();
      } finally {
        clearTimeout(deadline);
      }
      if (!pattern.test(out))
        throw new Error(`kubectl -w: no ${pattern} in\n${out}\n${err}`);
    };
    try {
      // The list first: the deployment as it is.
      await until(/ADDED\s+api\s+1\/1/);
      // Then the watch: a scale to 3 is a MODIFIED line with the new desired count.
      const scaled = await call(
        sim,
        'PATCH',
        '/apis/apps/v1/namespaces/other/deployments/api/scale',
        {
          contentType: 'application/merge-patch+json',
          body: { spec: { replicas: 3 } },
        },
      );
      expect(scaled.status).toBe(200);
      await until(/MODIFIED\s+api\s+\d\/3/);
      sim.advance(60);
      await until(/MODIFIED\s+api\s+3\/3/);
    } finally {
      child.kill();
      await exited;
    }
    expect(err).toBe('');
  });
});
