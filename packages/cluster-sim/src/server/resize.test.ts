/**
 * Container resources in the simulator (issue 16 item 4): in-place resize through the
 * `pods/resize` subresource, per-pod CPU requests and limits driving throttling, OOM kills at a
 * resized limit, and template updates rolling pods within maxSurge / maxUnavailable.
 */
import type { RunningClusterSim } from '../start';
import { call, startTestSim } from '../testing/fixtures';

const webPods = (sim: RunningClusterSim) =>
  sim.sim.store
    .list('pods', 'shop')
    .filter(p => p.metadata.labels?.app === 'web');

const resizeBody = (
  cpu: string,
  memory: string,
  limits?: { cpu: string; memory: string },
) => ({
  spec: {
    containers: [
      {
        name: 'web',
        resources: {
          requests: { cpu, memory },
          limits: limits ?? { cpu: '1', memory: '512Mi' },
        },
      },
    ],
  },
});

describe('pods/resize', () => {
  let sim: RunningClusterSim;
  afterEach(async () => {
    await sim?.stop();
  });

  it('changes a running pod in place: same uid, no restart, allocated resources in its status', async () => {
    sim = await startTestSim({
      cluster: { name: 'test', kubernetesVersion: 'v1.33.1' },
    });
    const [pod] = webPods(sim);
    const name = pod.metadata.name!;
    const path = `/api/v1/namespaces/shop/pods/${name}/resize`;
    const r = await call(sim, 'PATCH', path, {
      contentType: 'application/strategic-merge-patch+json',
      body: resizeBody('200m', '300Mi'),
    });
    expect(r.status).toBe(200);
    expect(r.body.metadata.uid).toBe(pod.metadata.uid);
    expect(r.body.spec.containers[0].resources.requests).toEqual({
      cpu: '200m',
      memory: '300Mi',
    });
    const status = r.body.status.containerStatuses[0];
    expect(status.restartCount).toBe(0);
    expect(status.ready).toBe(true);
    expect(status.resources.requests).toEqual({ cpu: '200m', memory: '300Mi' });
    const get = await call(sim, 'GET', path);
    expect(get.body.spec.containers[0].resources.requests.cpu).toBe('200m');
    // Requests above limits are refused, naming the field.
    const bad = await call(sim, 'PATCH', path, {
      contentType: 'application/strategic-merge-patch+json',
      body: resizeBody('2', '300Mi'),
    });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(
      /spec\.containers\[0\]\.resources\.requests/,
    );
    // Only resources change through the subresource.
    const image = await call(sim, 'PATCH', path, {
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { containers: [{ name: 'web', image: 'other:1' }] } },
    });
    expect(image.body.spec.containers[0].image).toBe(
      pod.spec.containers[0].image,
    );
  });

  it('is not served before Kubernetes 1.33 (the default version of the simulator is 1.31)', async () => {
    sim = await startTestSim();
    const [pod] = webPods(sim);
    const r = await call(
      sim,
      'PATCH',
      `/api/v1/namespaces/shop/pods/${pod.metadata.name}/resize`,
      {
        contentType: 'application/strategic-merge-patch+json',
        body: resizeBody('200m', '300Mi'),
      },
    );
    expect(r.status).toBe(404);
    expect(webPods(sim)[0].spec.containers[0].resources.requests.cpu).toBe(
      '500m',
    );
  });

  it('reports a resize the node cannot hold as PodResizePending (Infeasible) and keeps the pod as it was', async () => {
    sim = await startTestSim({
      cluster: { name: 'test', kubernetesVersion: 'v1.33.1' },
    });
    const [pod] = webPods(sim);
    const r = await call(
      sim,
      'PATCH',
      `/api/v1/namespaces/shop/pods/${pod.metadata.name}/resize`,
      {
        contentType: 'application/strategic-merge-patch+json',
        body: resizeBody('64', '300Mi', { cpu: '64', memory: '512Mi' }),
      },
    );
    expect(r.status).toBe(200);
    expect(r.body.spec.containers[0].resources.requests.cpu).toBe('500m');
    expect(r.body.status.conditions).toContainEqual(
      expect.objectContaining({
        type: 'PodResizePending',
        reason: 'Infeasible',
      }),
    );
  });

  it('a lower CPU request costs the same CPU per request but throttles sooner', async () => {
    sim = await startTestSim({
      cluster: { name: 'test', kubernetesVersion: 'v1.33.1' },
    });
    // web: 500m request and limit, 50 rps per pod at its request; 2 pods at 60 rps use 0.6 cores.
    sim.advance(5);
    const before = sim.workloads().find(w => w.name === 'web')!;
    const [a] = webPods(sim);
    await call(
      sim,
      'PATCH',
      `/api/v1/namespaces/shop/pods/${a.metadata.name}/resize`,
      {
        contentType: 'application/strategic-merge-patch+json',
        body: resizeBody('400m', '256Mi', { cpu: '400m', memory: '512Mi' }),
      },
    );
    sim.advance(5);
    const after = sim.workloads().find(w => w.name === 'web')!;
    expect(after.cpuCores).toBeCloseTo(before.cpuCores, 2);
    const runtime = (name: string) => sim.sim.lifecycle.get('shop', name)!;
    expect(runtime(a.metadata.name!).load.cpuThrottledSeconds).toBe(0);
    // 2 × 45 rps: the 400m pod serves 40 rps at its limit and is throttled; the 500m one is not.
    sim.setDemand('shop', 'web', 90);
    sim.advance(10);
    const b = webPods(sim).find(p => p.metadata.name !== a.metadata.name)!;
    expect(runtime(a.metadata.name!).load.cpuThrottledSeconds).toBeGreaterThan(
      5,
    );
    expect(runtime(a.metadata.name!).load.cpuCores).toBeCloseTo(0.4, 3);
    expect(runtime(b.metadata.name!).load.cpuThrottledSeconds).toBe(0);
  });

  it('a template update rolls the pods: never more than 25% above nor fewer Ready than 75% of the replicas', async () => {
    sim = await startTestSim({
      cluster: { name: 'test', kubernetesVersion: 'v1.33.1' },
    });
    await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      {
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: 4 } },
      },
    );
    sim.advance(40);
    const old = new Set(webPods(sim).map(p => p.metadata.uid));
    const r = await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web',
      {
        contentType: 'application/strategic-merge-patch+json',
        body: {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'web',
                    resources: {
                      requests: { cpu: '250m', memory: '256Mi' },
                      limits: { cpu: '500m', memory: '512Mi' },
                    },
                  },
                ],
              },
            },
          },
        },
      },
    );
    expect(r.status).toBe(200);
    for (let t = 0; t < 300; t += 5) {
      const pods = webPods(sim);
      expect(pods.length).toBeLessThanOrEqual(5);
      const ready = pods.filter(
        p => p.status.containerStatuses?.[0]?.ready,
      ).length;
      expect(ready).toBeGreaterThanOrEqual(3);
      sim.advance(5);
    }
    const pods = webPods(sim);
    expect(pods).toHaveLength(4);
    for (const p of pods) {
      expect(old.has(p.metadata.uid)).toBe(false);
      expect(p.spec.containers[0].resources.requests.cpu).toBe('250m');
    }
  });
});
