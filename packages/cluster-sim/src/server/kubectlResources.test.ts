/**
 * kubectl and container resources (issue 16 item 4): `kubectl set resources` updates the pod
 * template and the Deployment rolls, `kubectl patch --subresource resize` resizes a pod in
 * place, and `kubectl get pod -o yaml` shows the allocated resources. A 1.33 cluster, so the
 * `resize` subresource is served.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningClusterSim } from '../start';
import { startTestSim } from '../testing/fixtures';
import { requireBinary } from '../testing/binaries';

describe('kubectl and container resources', () => {
  let sim: RunningClusterSim;
  let dir: string;
  let kubectlPath: string;

  beforeAll(async () => {
    kubectlPath = requireBinary('kubectl');
    sim = await startTestSim(
      { cluster: { name: 'test', kubernetesVersion: 'v1.33.1' } },
      { tlsPort: 0 },
    );
    dir = mkdtempSync(join(tmpdir(), 'cluster-sim-kubectl-resources-'));
    writeFileSync(join(dir, 'admin.yaml'), sim.kubeconfig('admin-token'));
  });
  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (args: string[]) =>
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
            KUBECONFIG: join(dir, 'admin.yaml'),
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
  const webPods = () =>
    sim.sim.store
      .list('pods', 'shop')
      .filter(p => p.metadata.labels?.app === 'web');

  it('patch --subresource resize changes a running pod in place; get -o yaml shows the allocated resources', async () => {
    const [pod] = webPods();
    const name = pod.metadata.name!;
    const r = await kubectl([
      'patch',
      'pod',
      name,
      '-n',
      'shop',
      '--subresource',
      'resize',
      '--patch',
      '{"spec":{"containers":[{"name":"web","resources":{"requests":{"cpu":"300m","memory":"200Mi"}}}]}}',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`pod/${name} patched`);
    const after = sim.sim.store.get('pods', 'shop', name)!;
    expect(after.metadata.uid).toBe(pod.metadata.uid);
    expect(after.spec.containers[0].resources.requests).toEqual({
      cpu: '300m',
      memory: '200Mi',
    });
    const yaml = await kubectl([
      'get',
      'pod',
      name,
      '-n',
      'shop',
      '-o',
      'yaml',
    ]);
    expect(yaml.code).toBe(0);
    // spec and status: requests, then the allocated resources of the container status
    expect(yaml.stdout.match(/cpu: 300m/g)?.length).toBeGreaterThanOrEqual(2);
    const status = await kubectl([
      'get',
      'pod',
      name,
      '-n',
      'shop',
      '-o',
      'jsonpath={.status.containerStatuses[0].resources.requests.cpu}/{.status.containerStatuses[0].restartCount}',
    ]);
    expect(status.stdout).toBe('300m/0');
  });

  it('set resources updates the template and the Deployment rolls its pods onto it', async () => {
    const before = new Set(webPods().map(p => p.metadata.uid));
    const r = await kubectl([
      'set',
      'resources',
      'deployment',
      'web',
      '-n',
      'shop',
      '-c',
      'web',
      '--requests=cpu=250m,memory=256Mi',
      '--limits=cpu=500m,memory=512Mi',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(
      'deployment.apps/web resource requirements updated',
    );
    const template = sim.sim.store.get('apps/deployments', 'shop', 'web')!.spec
      .template.spec.containers[0];
    expect(template.resources.requests).toEqual({
      cpu: '250m',
      memory: '256Mi',
    });
    for (let i = 0; i < 10; i++) sim.advance(30);
    const pods = webPods();
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(before.has(p.metadata.uid)).toBe(false);
      expect(p.spec.containers[0].resources.requests.cpu).toBe('250m');
    }
    const rollout = await kubectl([
      'rollout',
      'status',
      'deployment/web',
      '-n',
      'shop',
      '--timeout=5s',
    ]);
    expect(rollout.stdout).toMatch(/successfully rolled out/);
  });
});
