import type { RunningClusterSim } from '../start';
import { call, startTestSim } from '../testing/fixtures';

describe('Kubernetes API over HTTP', () => {
  let sim: RunningClusterSim;
  beforeEach(async () => {
    sim = await startTestSim();
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('serves version and discovery, including the scale subresources', async () => {
    expect(
      (await call(sim, 'GET', '/version', { token: null })).body.gitVersion,
    ).toMatch(/^v1\.\d+\.\d+/);
    const api = await call(sim, 'GET', '/api');
    expect(api.body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = await call(sim, 'GET', '/apis');
    expect(groups.body.groups.map((g: { name: string }) => g.name)).toEqual(
      expect.arrayContaining(['apps', 'autoscaling', 'metrics.k8s.io']),
    );
    const apps = await call(sim, 'GET', '/apis/apps/v1');
    const scale = apps.body.resources.find(
      (r: { name: string }) => r.name === 'deployments/scale',
    );
    expect(scale).toMatchObject({
      kind: 'Scale',
      group: 'autoscaling',
      version: 'v1',
      verbs: ['get', 'patch', 'update'],
    });
    expect(apps.body.resources.map((r: { name: string }) => r.name)).toContain(
      'statefulsets/scale',
    );
    expect(
      (await call(sim, 'GET', '/apis/autoscaling/v2')).body.resources[0].name,
    ).toBe('horizontalpodautoscalers');
    expect(
      (
        await call(sim, 'GET', '/apis/metrics.k8s.io/v1beta1')
      ).body.resources.map((r: { name: string }) => r.name),
    ).toEqual(['pods', 'nodes']);
  });

  it('lists with label and field selectors, across namespaces, and returns empty lists for unmodelled kinds', async () => {
    const sel = encodeURIComponent('backstage.io/kubernetes-id=web');
    const all = await call(sim, 'GET', `/api/v1/pods?labelSelector=${sel}`, {
      token: 'readonly-token',
    });
    expect(all.status).toBe(200);
    expect(all.body.kind).toBe('PodList');
    expect(all.body.items).toHaveLength(2);
    expect(Number(all.body.metadata.resourceVersion)).toBeGreaterThan(1);
    const name = all.body.items[0].metadata.name;
    const byName = await call(
      sim,
      'GET',
      `/api/v1/namespaces/shop/pods?fieldSelector=metadata.name%3D${name}`,
    );
    expect(
      byName.body.items.map(
        (p: { metadata: { name: string } }) => p.metadata.name,
      ),
    ).toEqual([name]);
    const deps = await call(sim, 'GET', '/apis/apps/v1/deployments');
    expect(
      deps.body.items
        .map((d: { metadata: { name: string } }) => d.metadata.name)
        .sort(),
    ).toEqual(['api', 'web']);
    for (const path of [
      '/api/v1/services',
      '/api/v1/configmaps',
      '/api/v1/limitranges',
      '/api/v1/resourcequotas',
      '/apis/apps/v1/daemonsets',
      '/apis/batch/v1/jobs',
      '/apis/batch/v1/cronjobs',
      '/apis/networking.k8s.io/v1/ingresses',
      '/apis/autoscaling/v2/horizontalpodautoscalers',
    ]) {
      const r = await call(sim, 'GET', `${path}?labelSelector=${sel}`);
      expect([path, r.status, r.body.items]).toEqual([path, 200, []]);
    }
    const rs = await call(
      sim,
      'GET',
      `/apis/apps/v1/replicasets?labelSelector=${sel}`,
    );
    expect(rs.body.items).toHaveLength(1);
  });

  it('streams large lists in chunks that still form one valid list', async () => {
    for (let i = 0; i < 1234; i++) {
      sim.sim.store.create('configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm-${i}`, namespace: 'other' },
        data: { i: String(i) },
      });
    }
    const r = await call(sim, 'GET', '/api/v1/configmaps');
    expect(r.body.kind).toBe('ConfigMapList');
    expect(r.body.items).toHaveLength(1234);
    expect(
      new Set(r.body.items.map((c: { data: { i: string } }) => c.data.i)).size,
    ).toBe(1234);
  });

  it('paginates with limit/continue', async () => {
    const first = await call(sim, 'GET', '/api/v1/pods?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.metadata.continue).toBeTruthy();
    const rest = await call(
      sim,
      'GET',
      `/api/v1/pods?limit=100&continue=${first.body.metadata.continue}`,
    );
    const names = [...first.body.items, ...rest.body.items].map(
      (p: { metadata: { name: string } }) => p.metadata.name,
    );
    expect(new Set(names).size).toBe(5);
    expect(rest.body.metadata.continue).toBeUndefined();
  });

  it('answers 401, 403 and 404 with Status bodies', async () => {
    const noToken = await call(sim, 'GET', '/api/v1/pods', { token: null });
    expect(noToken.status).toBe(401);
    expect(noToken.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Unauthorized',
      code: 401,
    });
    expect(
      (await call(sim, 'GET', '/api/v1/pods', { token: 'wrong' })).status,
    ).toBe(401);
    const forbidden = await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web',
      {
        token: 'scaler-token',
        body: { spec: { replicas: 3 } },
        contentType: 'application/merge-patch+json',
      },
    );
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
    });
    expect(forbidden.body.message).toMatch(
      /User "scaler" cannot patch resource "deployments" in API group "apps" in the namespace "shop"/,
    );
    const ro = await call(
      sim,
      'PUT',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      {
        token: 'readonly-token',
        body: { spec: { replicas: 3 } },
      },
    );
    expect(ro.status).toBe(403);
    const missing = await call(
      sim,
      'GET',
      '/apis/apps/v1/namespaces/shop/deployments/nope',
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
    });
    expect(missing.body.message).toBe('deployments.apps "nope" not found');
    expect((await call(sim, 'GET', '/apis/nothing/v1/things')).status).toBe(
      404,
    );
  });

  it('scales through the subresource with a resourceVersion precondition (scaler token)', async () => {
    const scale = await call(
      sim,
      'GET',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      { token: 'scaler-token' },
    );
    expect(scale.body).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 2 },
      status: { replicas: 2, selector: 'app=web' },
    });
    const rv = scale.body.metadata.resourceVersion;
    const ok = await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      {
        token: 'scaler-token',
        contentType: 'application/merge-patch+json',
        body: { metadata: { resourceVersion: rv }, spec: { replicas: 4 } },
      },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.spec.replicas).toBe(4);
    const stale = await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      {
        token: 'scaler-token',
        contentType: 'application/merge-patch+json',
        body: { metadata: { resourceVersion: rv }, spec: { replicas: 6 } },
      },
    );
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      code: 409,
    });
    const put = await call(
      sim,
      'PUT',
      '/apis/apps/v1/namespaces/shop/statefulsets/db/scale',
      {
        token: 'scaler-token',
        body: {
          kind: 'Scale',
          apiVersion: 'autoscaling/v1',
          metadata: { name: 'db' },
          spec: { replicas: 3 },
        },
      },
    );
    expect(put.status).toBe(200);
    const bad = await call(
      sim,
      'PUT',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      { body: { spec: { replicas: -1 } } },
    );
    expect(bad.status).toBe(422);
    expect(bad.body.details.causes[0].field).toBe('spec.replicas');
    const d = await call(
      sim,
      'GET',
      '/apis/apps/v1/namespaces/shop/deployments/web',
    );
    expect(d.body.spec.replicas).toBe(4);
    expect(d.body.metadata.generation).toBe(2);
    expect(d.body.status).toMatchObject({
      observedGeneration: 2,
      replicas: 4,
      readyReplicas: 2,
    });
    sim.advance(30);
    const later = await call(
      sim,
      'GET',
      '/apis/apps/v1/namespaces/shop/deployments/web',
    );
    expect(later.body.status).toMatchObject({
      readyReplicas: 4,
      availableReplicas: 4,
      updatedReplicas: 4,
    });
  });

  it('updates with optimistic concurrency and supports the three patch types', async () => {
    const d = (
      await call(sim, 'GET', '/apis/apps/v1/namespaces/shop/deployments/web')
    ).body;
    const upd = await call(
      sim,
      'PUT',
      '/apis/apps/v1/namespaces/shop/deployments/web',
      {
        body: {
          ...d,
          metadata: {
            ...d.metadata,
            labels: { ...d.metadata.labels, team: 'a' },
          },
        },
      },
    );
    expect(upd.status).toBe(200);
    expect(Number(upd.body.metadata.resourceVersion)).toBeGreaterThan(
      Number(d.metadata.resourceVersion),
    );
    expect(upd.body.metadata.generation).toBe(1); // metadata-only change
    const stale = await call(
      sim,
      'PUT',
      '/apis/apps/v1/namespaces/shop/deployments/web',
      { body: d },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    const merge = await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web',
      {
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { team: 'b' } } },
      },
    );
    expect(merge.body.metadata.labels.team).toBe('b');
    const smp = await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web',
      {
        contentType: 'application/strategic-merge-patch+json',
        body: {
          spec: {
            template: {
              spec: { containers: [{ name: 'web', image: 'web:2' }] },
            },
          },
        },
      },
    );
    expect(smp.body.spec.template.spec.containers).toHaveLength(1);
    expect(smp.body.spec.template.spec.containers[0]).toMatchObject({
      image: 'web:2',
      ports: [{ containerPort: 8080 }],
    });
    const jp = await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web',
      {
        contentType: 'application/json-patch+json',
        body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
      },
    );
    expect(jp.body.spec.replicas).toBe(3);
    const unsupported = await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web',
      { contentType: 'application/json', body: {} },
    );
    expect(unsupported.status).toBe(415);
    // the template change rolls pods onto a new ReplicaSet: at most 25% (rounded up) above the
    // 3 replicas while it rolls, all on the new one once its pods are Ready
    const replicaSets = async () =>
      (
        await call(sim, 'GET', '/apis/apps/v1/namespaces/shop/replicasets')
      ).body.items.map((r: { spec: { replicas: number } }) => r.spec.replicas);
    const rolling = await replicaSets();
    expect(rolling).toHaveLength(2);
    expect(
      rolling.reduce((a: number, b: number) => a + b, 0),
    ).toBeLessThanOrEqual(4);
    for (let i = 0; i < 10; i++) sim.advance(30);
    expect((await replicaSets()).sort()).toEqual([0, 3]);
  });

  it('creates, validates and deletes objects', async () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'new',
        namespace: 'shop',
        annotations: { 'cluster-sim.dev/demand-rps': '10' },
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'new' } },
        template: {
          metadata: { labels: { app: 'new' } },
          spec: {
            containers: [
              {
                name: 'c',
                image: 'i',
                resources: { requests: { cpu: '100m' } },
              },
            ],
          },
        },
      },
    };
    const created = await call(
      sim,
      'POST',
      '/apis/apps/v1/namespaces/shop/deployments',
      { body: manifest },
    );
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({
      generation: 1,
      uid: expect.any(String),
    });
    expect(
      (
        await call(sim, 'POST', '/apis/apps/v1/namespaces/shop/deployments', {
          body: manifest,
        })
      ).body.reason,
    ).toBe('AlreadyExists');
    const invalid = await call(
      sim,
      'POST',
      '/apis/apps/v1/namespaces/shop/deployments',
      {
        body: {
          ...manifest,
          metadata: { name: 'bad' },
          spec: {
            ...manifest.spec,
            selector: { matchLabels: { app: 'other' } },
          },
        },
      },
    );
    expect(invalid.status).toBe(422);
    expect(invalid.body.details.causes[0].field).toBe(
      'spec.template.metadata.labels',
    );
    expect(
      (
        await call(sim, 'POST', '/apis/apps/v1/namespaces/ghost/deployments', {
          body: manifest,
        })
      ).status,
    ).toBe(400);
    const ghost = await call(
      sim,
      'POST',
      '/apis/apps/v1/namespaces/ghost/deployments',
      {
        body: { ...manifest, metadata: { name: 'x', namespace: 'ghost' } },
      },
    );
    expect(ghost.status).toBe(404);
    expect(ghost.body.message).toBe('namespaces "ghost" not found');
    const pods = await call(
      sim,
      'GET',
      '/api/v1/namespaces/shop/pods?labelSelector=app%3Dnew',
    );
    expect(pods.body.items).toHaveLength(2);
    const del = await call(
      sim,
      'DELETE',
      '/apis/apps/v1/namespaces/shop/deployments/new',
    );
    expect(del.body).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(
      (
        await call(
          sim,
          'GET',
          '/api/v1/namespaces/shop/pods?labelSelector=app%3Dnew',
        )
      ).body.items,
    ).toHaveLength(0);
  });

  it('streams watch events from a resourceVersion, filtered by label selector', async () => {
    const list = await call(
      sim,
      'GET',
      '/apis/apps/v1/namespaces/shop/deployments',
    );
    const rv = list.body.metadata.resourceVersion;
    const controller = new AbortController();
    const res = await fetch(
      `${sim.url}/apis/apps/v1/namespaces/shop/deployments?watch=1&resourceVersion=${rv}&labelSelector=app%3Dweb`,
      {
        headers: { Authorization: 'Bearer readonly-token' },
        signal: controller.signal,
      },
    );
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const events: {
      type: string;
      object: {
        metadata: { name: string; resourceVersion: string };
        spec: { replicas: number };
      };
    }[] = [];
    let buf = '';
    const readUntil = async (pred: () => boolean) => {
      while (!pred()) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += Buffer.from(value).toString('utf8');
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const line of lines) events.push(JSON.parse(line));
      }
    };
    await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      {
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: 3 } },
      },
    );
    await readUntil(() => events.some(e => e.object.spec?.replicas === 3));
    expect(events[0].type).toBe('MODIFIED');
    expect(events.every(e => e.object.metadata.name === 'web')).toBe(true);
    expect(Number(events[0].object.metadata.resourceVersion)).toBeGreaterThan(
      Number(rv),
    );
    await call(sim, 'DELETE', '/apis/apps/v1/namespaces/shop/deployments/web');
    await readUntil(() => events.some(e => e.type === 'DELETED'));
    expect(events[events.length - 1].type).toBe('DELETED');
    controller.abort();
  });

  it('starts a watch without resourceVersion with the current objects as ADDED and ends it on timeoutSeconds', async () => {
    const res = await fetch(
      `${sim.url}/api/v1/namespaces/shop/pods?watch=1&timeoutSeconds=1`,
      { headers: { Authorization: 'Bearer admin-token' } },
    );
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    expect(lines).toHaveLength(4); // web x2, db x2
    expect(
      lines.every(l => l.type === 'ADDED' && l.object.kind === 'Pod'),
    ).toBe(true);
  });

  it('serves metrics.k8s.io pod and node metrics that follow the load', async () => {
    const pm = await call(
      sim,
      'GET',
      '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb',
      { token: 'scaler-token' },
    );
    expect(pm.body.kind).toBe('PodMetricsList');
    expect(pm.body.items).toHaveLength(2);
    sim.advance(15);
    const again = await call(
      sim,
      'GET',
      '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb',
    );
    const cpu = again.body.items.map(
      (i: { containers: { usage: { cpu: string } }[] }) =>
        Number(i.containers[0].usage.cpu.replace('n', '')) / 1e9,
    );
    // 60 rps over 2 pods of 50 rps capacity at 500m: 0.3 cores of load + 2% idle each
    for (const c of cpu) expect(c).toBeCloseTo(0.31, 2);
    const one = await call(
      sim,
      'GET',
      `/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/${again.body.items[0].metadata.name}`,
    );
    expect(one.body.kind).toBe('PodMetrics');
    const nodes = await call(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/nodes');
    expect(nodes.body.items).toHaveLength(3);
    expect(nodes.body.items[0].usage.memory).toMatch(/^\d+Ki$/);
    expect(
      (
        await call(
          sim,
          'GET',
          '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/none',
        )
      ).status,
    ).toBe(404);
  });

  it('returns Table output when kubectl asks for it', async () => {
    const t = await call(sim, 'GET', '/apis/apps/v1/deployments', {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    expect(t.body.kind).toBe('Table');
    expect(
      t.body.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5),
    ).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
    expect(
      t.body.rows
        .find((r: { cells: unknown[] }) => r.cells[0] === 'web')
        .cells.slice(1, 4),
    ).toEqual(['2/2', 2, 2]);
    expect(t.body.rows[0].object.kind).toBe('PartialObjectMetadata');
  });
});
