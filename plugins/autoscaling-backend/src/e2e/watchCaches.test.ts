/**
 * Watch, don't poll (issue 19 item 1), against cluster-sim over HTTP:
 * - KubernetesClusterClient's caches follow Deployments and Pods being scaled, created and
 *   deleted, without a request per read;
 * - after an API outage longer than the simulator's event window, the caches' watches get
 *   410 Expired and they list again, ending up with the cluster as it is;
 * - a steady tick of the real evaluator sends the same number of Kubernetes requests for 10
 *   and for 200 workloads (the simulator's request log).
 */
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import { KubernetesClusterClient } from '../kubernetes/KubernetesClusterClient';
import { ACME_TENANT, serviceComponent } from './__testUtils__/entities';
import { startSimBackend } from './__testUtils__/simBackend';

jest.setTimeout(120_000);

const CONFIG = `
cluster: { name: watch-e2e }
clock: { start: '2026-01-05T09:00:00Z' }
tokens:
  - token: scaler-token
    user: scaler
    rules:
      - { verbs: [get, list, watch], resources: ['*'] }
      - { verbs: [get, update, patch], resources: [deployments/scale, statefulsets/scale] }
  - token: admin-token
    user: admin
    rules:
      - { verbs: ['*'], resources: ['*'] }
workloads:
  - { name: web, namespace: shop, replicas: 2, labels: { backstage.io/kubernetes-id: web }, startupSeconds: 10, demand: 50 }
  - { name: db, namespace: shop, kind: StatefulSet, replicas: 1, labels: { backstage.io/kubernetes-id: db }, demand: 5 }
`;

/** Waits (event-loop turns, not wall time) until `read` satisfies `ok`. */
async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 2000; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise(r => setTimeout(r, 5));
  }
  throw new Error(`${what}: never happened; last: ${JSON.stringify(last)}`);
}

async function api(
  sim: RunningClusterSim,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      Authorization: 'Bearer admin-token',
      ...(body ? { 'Content-Type': contentType } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return res.json();
}

describe('KubernetesClusterClient watch caches against cluster-sim', () => {
  let sim: RunningClusterSim;
  let client: KubernetesClusterClient;

  afterEach(async () => {
    await client?.stop();
    await sim?.stop();
  });

  function start(watchHistorySize?: number) {
    return startClusterSim({
      config: CONFIG,
      clock: 'manual',
      watchHistorySize,
    }).then(s => {
      sim = s;
      client = new KubernetesClusterClient(
        {
          name: 'watch-e2e',
          url: s.url,
          serviceAccountToken: 'scaler-token',
          skipTLSVerify: true,
        },
        { watch: { initialBackoffMs: 20, maxBackoffMs: 200 } },
      );
    });
  }

  const workloads = () =>
    client
      .listWorkloads({
        namespace: 'shop',
        labelSelector: 'backstage.io/kubernetes-id',
      })
      .then(ws => ws.map(w => `${w.kind}/${w.name}:${w.replicas}`));
  const webPods = () => client.listPods('shop', 'app=web');

  it('follows scale, create and delete of Deployments and their Pods; reads cost no request', async () => {
    await start();
    expect(await workloads()).toEqual(['Deployment/web:2', 'StatefulSet/db:1']);
    expect(await webPods()).toHaveLength(2);

    sim.clearRequests();
    for (let i = 0; i < 20; i++) {
      await workloads();
      await webPods();
    }
    expect(sim.requests()).toEqual([]);

    await api(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      { spec: { replicas: 4 } },
      'application/merge-patch+json',
    );
    await eventually(
      workloads,
      w => w.includes('Deployment/web:4'),
      'the scale reached the cache',
    );
    await eventually(webPods, p => p.length === 4, 'the new pods are cached');
    sim.advance(30);
    const ready = await eventually(
      webPods,
      p => p.every(x => x.ready),
      'the pods became Ready in the cache',
    );
    expect(ready.map(p => p.phase)).toEqual(Array(4).fill('Running'));

    const copy = await api(
      sim,
      'GET',
      '/apis/apps/v1/namespaces/shop/deployments/web',
    );
    await api(sim, 'POST', '/apis/apps/v1/namespaces/shop/deployments', {
      metadata: {
        name: 'web-canary',
        namespace: 'shop',
        labels: { 'backstage.io/kubernetes-id': 'web-canary' },
      },
      spec: {
        ...copy.spec,
        replicas: 1,
        selector: { matchLabels: { app: 'web-canary' } },
        template: {
          ...copy.spec.template,
          metadata: { labels: { app: 'web-canary' } },
        },
      },
    });
    await eventually(
      workloads,
      w => w.includes('Deployment/web-canary:1'),
      'the created Deployment is cached',
    );
    await api(
      sim,
      'DELETE',
      '/apis/apps/v1/namespaces/shop/deployments/web-canary',
    );
    await eventually(
      workloads,
      w => !w.some(x => x.startsWith('Deployment/web-canary')),
      'the deleted Deployment left the cache',
    );
    // Pod metrics: one cluster-wide read per round, shared by the workloads.
    sim.clearRequests();
    const web = await client.podMetrics('shop', 'app=web');
    await client.podMetrics('shop', 'app=db');
    expect(Object.keys(web).sort()).toEqual(
      (await webPods()).map(p => p.name).sort(),
    );
    expect(sim.requests().map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /apis/metrics.k8s.io/v1beta1/pods',
    ]);
    // The next round (a listWorkloads after pod reads) reads them again.
    await workloads();
    await client.podMetrics('shop', 'app=web');
    expect(sim.requests()).toHaveLength(2);
  });

  it('after an outage longer than the event window: 410 Expired, a new list, the cluster as it is', async () => {
    await start(20);
    expect(await workloads()).toEqual(['Deployment/web:2', 'StatefulSet/db:1']);
    expect(await webPods()).toHaveLength(2);
    sim.setFaults({ api: { outage: true } });
    const failed = await eventually(
      () =>
        workloads().then(
          () => 'served',
          e => String(e),
        ),
      v => v !== 'served',
      'the outage reached the client',
    );
    expect(failed).toMatch(/watch-e2e.*503/);
    // While the API is down, the cluster changes more than the window of 20 events keeps.
    const store = sim.sim.store;
    const web = store.get('apps/deployments', 'shop', 'web')!;
    store.update('apps/deployments', {
      ...web,
      spec: { ...web.spec, replicas: 6 },
    });
    sim.sim.reconcile();
    sim.advance(60);
    store.delete('apps/statefulsets', 'shop', 'db');
    sim.sim.reconcile();
    sim.clearRequests();
    sim.clearFaults();

    const after = await eventually(
      () => workloads().catch(e => [String(e)]),
      w => w.length === 1 && w[0] === 'Deployment/web:6',
      'the caches caught up',
    );
    expect(after).toEqual(['Deployment/web:6']);
    expect(await webPods()).toHaveLength(6);
    // The watch from before the outage was refused (410 Expired), so the caches listed again.
    const stats = client.watchStats();
    expect(stats.Deployments.relistsAfterGone).toBeGreaterThanOrEqual(1);
    expect(stats.Pods.relistsAfterGone).toBeGreaterThanOrEqual(1);
    expect(stats.Deployments.errors).toBeGreaterThanOrEqual(1);
  });

  it('reads pod metrics per namespace where the token may not list them cluster-wide', async () => {
    sim = await startClusterSim({
      config: `${CONFIG.replace(
        'tokens:',
        `tokens:
  - token: namespaced-metrics-token
    user: scaler
    rules:
      - { verbs: [get, list, watch], resources: ['*'], apiGroups: ['', apps] }
      - { verbs: [get, list], resources: [pods], apiGroups: [metrics.k8s.io], namespaces: [shop] }`,
      )}`,
      clock: 'manual',
    });
    client = new KubernetesClusterClient({
      name: 'watch-e2e',
      url: sim.url,
      serviceAccountToken: 'namespaced-metrics-token',
      skipTLSVerify: true,
    });
    await workloads();
    const first = await client.podMetrics('shop', 'app=web');
    expect(Object.keys(first)).toHaveLength(2);
    await workloads();
    sim.clearRequests();
    const second = await client.podMetrics('shop', 'app=web');
    expect(Object.keys(second)).toHaveLength(2);
    // Refused cluster-wide once (403), then only the namespace is read.
    expect(sim.requests().map(r => `${r.path} ${r.status}`)).toEqual([
      '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods 200',
    ]);
  });

  it('lists and watches over HTTPS with the cluster CA (caData), refusing an unknown certificate', async () => {
    sim = await startClusterSim({
      config: CONFIG,
      clock: 'manual',
      tlsPort: 0,
    });
    const cluster = {
      name: 'watch-e2e',
      url: sim.tlsUrl!,
      serviceAccountToken: 'scaler-token',
      caData: Buffer.from(sim.caPem!).toString('base64'),
      skipTLSVerify: false,
    };
    client = new KubernetesClusterClient(cluster);
    expect(await workloads()).toEqual(['Deployment/web:2', 'StatefulSet/db:1']);
    await api(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      { spec: { replicas: 3 } },
      'application/merge-patch+json',
    );
    await eventually(
      workloads,
      w => w.includes('Deployment/web:3'),
      'the scale reached the cache over HTTPS',
    );
    const untrusting = new KubernetesClusterClient(
      { ...cluster, caData: undefined },
      { watch: { initialBackoffMs: 60_000 } },
    );
    try {
      await expect(
        untrusting.listWorkloads({ labelSelector: 'app=web' }),
      ).rejects.toThrow(/watch-e2e.*unreachable/);
    } finally {
      await untrusting.stop();
    }
  });

  it('a steady tick sends as many Kubernetes requests for 200 workloads as for 10', async () => {
    const perSteadyTick: Record<number, string[]> = {};
    for (const n of [10, 200]) {
      const names = Array.from({ length: n }, (_, i) => `svc-${i}`);
      const b = await startSimBackend({
        mode: 'dry-run',
        simConfig: `
cluster: { name: sim-e2e }
clock: { start: '2026-01-05T09:00:00Z' }
tokens:
  - token: scaler-token
    user: scaler
    rules:
      - { verbs: [get, list, watch], resources: ['*'] }
      - { verbs: [get, update, patch], resources: [deployments/scale, statefulsets/scale] }
nodes: [{ count: 40, cpu: '64', memory: 256Gi, maxPods: 500 }]
workloads:
${names
  .map(
    name =>
      `  - { name: ${name}, namespace: acme-production, replicas: 2, labels: { backstage.io/kubernetes-id: ${name} }, resources: { requests: { cpu: 100m, memory: 64Mi } }, demand: 20 }`,
  )
  .join('\n')}
`,
        entities: [
          ...names.map(name =>
            serviceComponent({
              name,
              namespace: 'acme-production',
              environment: 'production',
            }),
          ),
          ACME_TENANT,
        ],
      });
      try {
        const cold = await b.tick();
        expect(cold).toMatchObject({ evaluated: n, failures: 0 });
        await b.tick();
        const steady = await b.tick();
        expect(steady).toMatchObject({ evaluated: n, failures: 0 });
        perSteadyTick[n] = b
          .requestsAt(steady.at)
          .map(r => `${r.method} ${r.path}`)
          .sort();
      } finally {
        await b.stop();
      }
    }
    expect(perSteadyTick[200]).toEqual(perSteadyTick[10]);
    // One pod-metrics read, and the other autoscalers (HPAs, ScaledObjects).
    expect(perSteadyTick[10]).toEqual([
      'GET /apis/autoscaling/v2/horizontalpodautoscalers',
      'GET /apis/keda.sh/v1alpha1/scaledobjects',
      'GET /apis/metrics.k8s.io/v1beta1/pods',
    ]);
  });
});
