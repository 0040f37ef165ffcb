import { createAcceleratedClock, createManualClock } from '../clock';
import { parseConfig } from '../config/parse';
import { testConfig, START } from '../testing/fixtures';
import { ClusterSim } from './cluster';

function newSim(overrides: Record<string, unknown> = {}) {
  const config = parseConfig(testConfig(overrides), { nowMs: START });
  return new ClusterSim(config, createManualClock(START));
}

const pods = (sim: ClusterSim, ns: string, app: string) =>
  sim.store.list('pods', ns).filter(p => p.metadata.labels?.app === app);

describe('ClusterSim controllers', () => {
  it('creates a ReplicaSet and Ready pods for a configured deployment (warm start)', () => {
    const sim = newSim();
    const d = sim.store.get('apps/deployments', 'shop', 'web')!;
    expect(d.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      updatedReplicas: 2,
      observedGeneration: 1,
    });
    expect(
      d.status.conditions.map(
        (c: { type: string; status: string }) => `${c.type}=${c.status}`,
      ),
    ).toEqual(['Available=True', 'Progressing=True']);
    const rs = sim.store.list('apps/replicasets', 'shop');
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'web',
      uid: d.metadata.uid,
    });
    const webPods = pods(sim, 'shop', 'web');
    expect(webPods).toHaveLength(2);
    for (const p of webPods) {
      expect(p.metadata.labels?.['backstage.io/kubernetes-id']).toBe('web');
      expect(p.metadata.ownerReferences?.[0].name).toBe(rs[0].metadata.name);
      expect(p.status.phase).toBe('Running');
      expect(p.spec.nodeName).toMatch(/^sim-node-/);
    }
  });

  it('brings new pods to Ready only after the start-up delay and reports it in the status', () => {
    const sim = newSim();
    const d = sim.store.get('apps/deployments', 'shop', 'web')!;
    sim.store.update('apps/deployments', {
      ...d,
      spec: { ...d.spec, replicas: 5 },
    });
    sim.reconcile();
    let cur = sim.store.get('apps/deployments', 'shop', 'web')!;
    expect(cur.metadata.generation).toBe(2);
    expect(cur.status).toMatchObject({
      observedGeneration: 2,
      replicas: 5,
      readyReplicas: 2,
      unavailableReplicas: 3,
    });
    expect(cur.status.conditions[0]).toMatchObject({
      type: 'Available',
      status: 'False',
    });
    sim.advance(29);
    expect(
      sim.store.get('apps/deployments', 'shop', 'web')!.status.readyReplicas,
    ).toBe(2);
    sim.advance(1);
    cur = sim.store.get('apps/deployments', 'shop', 'web')!;
    expect(cur.status).toMatchObject({
      replicas: 5,
      readyReplicas: 5,
      availableReplicas: 5,
    });
    expect(cur.status.conditions[1]).toMatchObject({
      reason: 'NewReplicaSetAvailable',
    });
    // the new pods' Ready transition is stamped at exactly start + 30 s
    const ready = pods(sim, 'shop', 'web')
      .map(
        p =>
          p.status.conditions.find((c: { type: string }) => c.type === 'Ready')
            .lastTransitionTime,
      )
      .sort();
    expect(ready[ready.length - 1]).toBe(
      new Date(START + 30_000).toISOString().replace('.000', ''),
    );
  });

  it('scales in newest/not-ready pods first and garbage-collects on delete', () => {
    const sim = newSim();
    const d = sim.store.get('apps/deployments', 'shop', 'web')!;
    const original = pods(sim, 'shop', 'web')
      .map(p => p.metadata.name)
      .sort();
    sim.store.update('apps/deployments', {
      ...d,
      spec: { ...d.spec, replicas: 4 },
    });
    sim.reconcile();
    const d2 = sim.store.get('apps/deployments', 'shop', 'web')!;
    sim.store.update('apps/deployments', {
      ...d2,
      spec: { ...d2.spec, replicas: 2 },
    });
    sim.reconcile();
    expect(
      pods(sim, 'shop', 'web')
        .map(p => p.metadata.name)
        .sort(),
    ).toEqual(original);
    sim.store.delete('apps/deployments', 'shop', 'web');
    sim.reconcile();
    expect(sim.store.list('apps/replicasets', 'shop')).toHaveLength(0);
    expect(pods(sim, 'shop', 'web')).toHaveLength(0);
  });

  it('recreates a deleted pod of a ReplicaSet', () => {
    const sim = newSim();
    const victim = pods(sim, 'shop', 'web')[0];
    sim.store.delete('pods', 'shop', victim.metadata.name!);
    sim.reconcile();
    const now = pods(sim, 'shop', 'web');
    expect(now).toHaveLength(2);
    expect(now.map(p => p.metadata.name)).not.toContain(victim.metadata.name);
  });

  it('creates StatefulSet pods in order, each after the previous one is Ready', () => {
    const sim = newSim();
    const s = sim.store.get('apps/statefulsets', 'shop', 'db')!;
    expect(
      pods(sim, 'shop', 'db')
        .map(p => p.metadata.name)
        .sort(),
    ).toEqual(['db-0', 'db-1']);
    sim.store.update('apps/statefulsets', {
      ...s,
      spec: { ...s.spec, replicas: 4 },
    });
    sim.reconcile();
    expect(
      pods(sim, 'shop', 'db')
        .map(p => p.metadata.name)
        .sort(),
    ).toEqual(['db-0', 'db-1', 'db-2']);
    sim.advance(10);
    expect(
      pods(sim, 'shop', 'db')
        .map(p => p.metadata.name)
        .sort(),
    ).toEqual(['db-0', 'db-1', 'db-2', 'db-3']);
    sim.advance(10);
    expect(
      sim.store.get('apps/statefulsets', 'shop', 'db')!.status,
    ).toMatchObject({ replicas: 4, readyReplicas: 4 });
  });

  it('leaves pods Pending (Unschedulable) when no node fits, and schedules them when capacity appears', () => {
    const sim = newSim({ nodes: [{ count: 1, cpu: '2', memory: '8Gi' }] });
    const d = sim.store.get('apps/deployments', 'shop', 'web')!;
    sim.store.update('apps/deployments', {
      ...d,
      spec: { ...d.spec, replicas: 6 },
    });
    sim.reconcile();
    const pending = pods(sim, 'shop', 'web').filter(p => !p.spec.nodeName);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending[0].status.conditions[0]).toMatchObject({
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
    });
    expect(pending[0].status.conditions[0].message).toMatch(/Insufficient cpu/);
    const node = sim.store.list('nodes')[0];
    sim.store.create('nodes', {
      ...node,
      metadata: { name: 'extra', labels: {} },
    });
    sim.advance(1);
    expect(pods(sim, 'shop', 'web').filter(p => !p.spec.nodeName)).toHaveLength(
      0,
    );
  });

  it('serves the configured demand: request counters grow by demand × time', () => {
    const sim = newSim();
    const count = () =>
      [...sim.lifecycle.pods.values()]
        .filter(p => p.workload.name === 'web')
        .reduce(
          (s, p) =>
            s + p.load.requestsOk + p.load.requestsError + p.load.requestsShed,
          0,
        );
    const before = count();
    sim.advance(120);
    expect(count() - before).toBeCloseTo(60 * 120, 6);
    sim.setDemandOverride('shop', 'web', 200);
    const mid = count();
    sim.advance(60);
    expect(count() - mid).toBeCloseTo(200 * 60, 6);
    const web = sim.summaries().find(w => w.name === 'web')!;
    expect(web.demandRps).toBe(200);
    expect(web.meanLatencySeconds).toBeGreaterThan(0.5); // 2 pods x 50 rps capacity: overloaded
  });
});

describe('ClusterSim on a running clock', () => {
  it('moves the model by whole steps only once a step (and the minimum) is due', () => {
    let wallMs = START;
    const clock = createAcceleratedClock({
      startMs: START,
      wallNow: () => wallMs,
    });
    const config = parseConfig(testConfig({ clock: { tickSeconds: 2 } }), {
      nowMs: START,
    });
    const sim = new ClusterSim(config, clock);
    expect(sim.now()).toBe(START);

    // Less than a step behind: nothing moves, whatever the minimum.
    wallMs += 1_500;
    sim.syncRunning();
    sim.syncRunning(100);
    expect(sim.now()).toBe(START);

    // 4.5 s behind: two whole steps, the half step stays due.
    wallMs += 3_000;
    sim.syncRunning(100);
    expect(sim.now()).toBe(START + 4_000);

    // A minimum longer than a step holds the model until that much is due.
    wallMs += 2_000;
    sim.syncRunning(5_000);
    expect(sim.now()).toBe(START + 4_000);
    wallMs += 3_000;
    sim.syncRunning(5_000);
    expect(sim.now()).toBe(START + 8_000);

    // `sync` still catches up exactly (the Prometheus API, a demand change).
    sim.sync();
    expect(sim.now()).toBe(clock.now());
    expect(sim.now()).toBe(START + 9_500);
  });
});
