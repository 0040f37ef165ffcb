/**
 * Issue 16 item 3 end to end: vertical `Auto` and `Initial` writing requests to the simulated
 * cluster through the real @kubernetes/client-node client, over three simulated days (the clock
 * is the simulator's, passed to the backend).
 *
 * - Auto, in place (a 1.33 cluster serves pods/resize): an over-requested workload (500m /
 *   512Mi, using ~0.1 core and ~280Mi a pod) is right-sized within the policy's
 *   minAllowed/maxAllowed, no more than once per documented interval, without restarting pods;
 *   an OOM-killing staging workload has its memory raised; the same on a production service
 *   crosses the +50% guardrail and becomes one change request instead of a write.
 * - Auto on a cluster without pods/resize goes through the template (a rolling update).
 * - Initial changes nothing until the workload rolls, then only the new pods get the requests.
 * - dry-run and the kill switch write nothing (the simulator's request log has no write).
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import {
  parseQuantity,
  type WorkloadRecommendations,
} from '@internal/plugin-autoscaling-common';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import type { WorkloadEngineState } from '../evaluation/ClusterEvaluator';
import {
  VERTICAL_AUTO_THRESHOLD,
  VERTICAL_MIN_INTERVAL_MS,
} from '../evaluation/verticalActuation';
import { createAutoscalingService } from '../service/createAutoscalingService';
import { ACME_TENANT, serviceComponent } from './__testUtils__/entities';
import { mockAutoscalingDependencies } from './__testUtils__/services';
import { simClustersConfig } from './__testUtils__/simClusters';

jest.setTimeout(300_000);
const MIB = 2 ** 20;
const CLUSTER = 'sim-vpa';
/**
 * The recommender counts a day of confidence per 1,440 samples (VPA's one a minute), so with
 * ticks this long it has the hour of history Auto waits for after about ten simulated hours.
 */
const TICK_SECONDS = 1200;
const DAY_TICKS = (24 * 3600) / TICK_SECONDS;
/** Short tests: two-minute ticks, an hour and ten minutes of history after 36. */
const SHORT_TICK_SECONDS = 120;
const SHORT_TICKS = 36;

const WRITE_RULE =
  '{ verbs: [get, update, patch], resources: [deployments/scale, statefulsets/scale, deployments, statefulsets, pods/resize] }';

function simConfig(version: string, workloads: string, writeRule = WRITE_RULE) {
  return `
cluster: { name: ${CLUSTER}, kubernetesVersion: ${version}, enforceMemoryLimits: true }
clock: { start: '2026-01-05T09:00:00Z', tickSeconds: 5 }
nodes: [{ count: 3, cpu: '16', memory: 64Gi }]
tokens:
  - token: scaler-token
    user: system:serviceaccount:autoscaling:scaler
    rules:
      - { verbs: [get, list, watch], resources: ['*'] }
      - ${writeRule}
workloads:
${workloads}
`;
}

/** ~0.11 core and ~266Mi a pod in use: over-requested. */
const checkoutWorkload = (limits = '') => `
  - name: checkout-api
    namespace: acme-production
    replicas: 2
    labels: { backstage.io/kubernetes-id: checkout-api }
    resources: { requests: { cpu: 500m, memory: 512Mi }${limits} }
    capacityPerPod: 100
    startupSeconds: 20
    demand: 40`;
const CHECKOUT = checkoutWorkload();
/** 128Mi baseline + 512Ki per rps: 2 pods at 800 rps use 328Mi each, over the 300Mi limit. */
const oomWorker = (name: string, namespace: string) => `
  - name: ${name}
    namespace: ${namespace}
    replicas: 2
    labels: { backstage.io/kubernetes-id: ${name} }
    resources: { requests: { cpu: 500m, memory: 256Mi }, limits: { memory: 300Mi } }
    memoryBaseline: 128Mi
    capacityPerPod: 1000
    startupSeconds: 20
    demand: 40`;

function policy(options: { mode?: string; vertical: JsonObject }): JsonObject {
  return {
    minReplicas: 2,
    maxReplicas: 20,
    mode: options.mode ?? 'auto',
    metrics: [
      {
        type: 'Resource',
        resource: 'cpu',
        target: { type: 'Utilization', averageUtilization: 70 },
      },
    ],
    vertical: options.vertical,
  };
}

interface Harness {
  sim: RunningClusterSim;
  knex: Knex;
  service: Awaited<ReturnType<typeof createAutoscalingService>>;
  /** Advances the simulator by `seconds`, then one evaluation tick. */
  tick: (seconds?: number) => Promise<void>;
  /** One evaluation tick without moving time. */
  tickNow: () => Promise<void>;
  state: (name: string, namespace: string) => Promise<WorkloadEngineState>;
  pods: (
    name: string,
    namespace: string,
  ) => Array<{ uid: string; cpu: string; memory: string; restarts: number }>;
  template: (
    name: string,
    namespace: string,
  ) => { cpu: string; memory: string; memoryLimit?: string };
  writes: () => Array<{ method: string; path: string }>;
}

async function start(options: {
  version: string;
  workloads: string;
  writeRule?: string;
  policy: JsonObject;
  entities: Entity[];
}): Promise<Harness> {
  const sim = await startClusterSim({
    config: simConfig(options.version, options.workloads, options.writeRule),
    clock: 'manual',
  });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const config = mockServices.rootConfig({
    data: {
      kubernetes: simClustersConfig([{ name: CLUSTER, url: sim.url }]),
      autoscaling: { policies: { globalDefault: options.policy } },
    },
  });
  const service = await createAutoscalingService({
    ...mockAutoscalingDependencies(),
    config,
    database: { getClient: async () => knex },
    catalog: catalogServiceMock({
      entities: [...options.entities, ACME_TENANT],
    }),
    clock: () => sim.now(),
  });
  const evaluator = service.evaluators.get(CLUSTER)!;
  const podsOf = (name: string, namespace: string) =>
    sim.sim.store
      .list('pods', namespace)
      .filter(p => p.metadata.labels?.app === name)
      .map(p => ({
        uid: p.metadata.uid!,
        cpu: p.spec.containers[0].resources.requests.cpu,
        memory: p.spec.containers[0].resources.requests.memory,
        restarts: p.status?.containerStatuses?.[0]?.restartCount ?? 0,
      }));
  return {
    sim,
    knex,
    service,
    tick: async (seconds = TICK_SECONDS) => {
      sim.advance(seconds);
      await evaluator.tick(sim.now());
    },
    tickNow: async () => {
      await evaluator.tick(sim.now());
    },
    state: async (name, namespace) =>
      ((
        await service.store.getWorkload(
          `${CLUSTER}/${namespace}/Deployment/${name}`,
        )
      )?.state ?? {}) as WorkloadEngineState,
    pods: podsOf,
    template: (name, namespace) => {
      const c = sim.sim.store.get('apps/deployments', namespace, name)!.spec
        .template.spec.containers[0];
      return {
        cpu: c.resources.requests.cpu,
        memory: c.resources.requests.memory,
        memoryLimit: c.resources.limits?.memory,
      };
    },
    writes: () =>
      sim
        .requests()
        .filter(r => r.method !== 'GET' && !r.path.includes('/admin'))
        .map(r => ({ method: r.method, path: r.path })),
  };
}

async function stop(h: Harness | undefined) {
  await h?.sim.stop();
  await h?.knex.destroy();
}

const cores = (q: string) => parseQuantity(q)!;
const bytes = (q: string) => parseQuantity(q)!;

describe('vertical Auto in place over three simulated days', () => {
  let h: Harness;
  afterAll(() => stop(h));

  it('right-sizes the over-requested workload within the bounds and the interval, raises the OOM-killed one, and asks before a production raise over +50%', async () => {
    h = await start({
      version: 'v1.33.1',
      workloads: `${CHECKOUT}${oomWorker(
        'orders-worker',
        'acme-staging',
      )}${oomWorker('billing-worker', 'acme-production')}`,
      policy: policy({
        vertical: {
          mode: 'Auto',
          minAllowed: { cpu: '150m' },
          maxAllowed: { memory: '400Mi' },
        },
      }),
      entities: [
        serviceComponent({
          name: 'checkout-api',
          namespace: 'acme-production',
          environment: 'production',
        }),
        serviceComponent({
          name: 'orders-worker',
          namespace: 'acme-staging',
          environment: 'staging',
        }),
        serviceComponent({
          name: 'billing-worker',
          namespace: 'acme-production',
          environment: 'production',
        }),
      ],
    });
    const checkoutPods = h.pods('checkout-api', 'acme-production');
    for (let i = 0; i < 3 * DAY_TICKS; i++) {
      await h.tick();
      // Bursts past the 300Mi memory limit: OOM kills.
      if (i === 40 || i === DAY_TICKS + 10) {
        h.sim.setDemand('acme-staging', 'orders-worker', 800);
        h.sim.setDemand('acme-production', 'billing-worker', 800);
      }
      if (i === 41 || i === DAY_TICKS + 11) {
        h.sim.setDemand('acme-staging', 'orders-worker', undefined);
        h.sim.setDemand('acme-production', 'billing-worker', undefined);
      }
    }

    // checkout-api: lowered in place, within minAllowed (cpu ≥ 150m) and maxAllowed (memory ≤ 400Mi).
    const checkout = await h.state('checkout-api', 'acme-production');
    const applied = checkout.verticalApply!.history.filter(
      a => a.outcome === 'applied',
    );
    expect(applied.length).toBeGreaterThanOrEqual(1);
    expect(applied.every(a => a.method === 'in-place')).toBe(true);
    // Right-sized on the first day, as soon as the recommendation had an hour of confidence.
    const first = applied[applied.length - 1];
    expect(
      Date.parse(first.at) - Date.parse('2026-01-05T09:00:00Z'),
    ).toBeLessThan(24 * 3600_000);
    const times = applied.map(a => Date.parse(a.at)).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) {
      expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(
        VERTICAL_MIN_INTERVAL_MS,
      );
    }
    const pods = h.pods('checkout-api', 'acme-production');
    // The same pods, resized in place, never restarted.
    expect(pods.map(p => p.uid).sort()).toEqual(
      checkoutPods.map(p => p.uid).sort(),
    );
    for (const pod of pods) {
      expect(pod.restarts).toBe(0);
      expect(cores(pod.cpu)).toBeLessThan(0.5 * (1 - VERTICAL_AUTO_THRESHOLD));
      expect(cores(pod.cpu)).toBeGreaterThanOrEqual(0.15);
      expect(bytes(pod.memory)).toBeLessThanOrEqual(400 * MIB);
      expect(bytes(pod.memory)).toBeLessThan(512 * MIB);
    }
    // Cost is priced on what the pods request now, not on the template's 500m.
    expect(checkout.podCpuRequest).toBeCloseTo(cores(pods[0].cpu), 6);
    // The recommendations route says what Auto did, and current is what the pods now run.
    const route = await request(express().use(h.service.router)).get(
      `/workloads/${encodeURIComponent(
        `${CLUSTER}/acme-production/Deployment/checkout-api`,
      )}/recommendations`,
    );
    const body = route.body as WorkloadRecommendations;
    expect(body.mode).toBe('Auto');
    expect(body.actions[0]).toMatchObject({
      outcome: 'applied',
      method: 'in-place',
      pods: 2,
    });
    expect(body.vertical.find(v => v.resource === 'cpu')!.current).toBeCloseTo(
      cores(pods[0].cpu),
      6,
    );
    // The template is not touched by an in-place change.
    expect(h.template('checkout-api', 'acme-production')).toMatchObject({
      cpu: '500m',
      memory: '512Mi',
    });
    // Horizontal and vertical agree: the CPU request keeps the 70% target at 2 replicas.
    const scale = h.sim.sim.store.get(
      'apps/deployments',
      'acme-production',
      'checkout-api',
    )!.spec.replicas;
    expect(scale).toBe(2);
    // Every write audited: one engine.actuate row per applied vertical action or resize round.
    const audit = await h.service.governance.auditLog.query({
      action: 'engine.actuate',
    });
    const resizeWrites = h.writes().filter(w => w.path.endsWith('/resize'));
    expect(resizeWrites.length).toBeGreaterThan(0);
    expect(
      audit.filter(e => (e.after as { method?: string }).method === 'in-place')
        .length,
    ).toBeGreaterThanOrEqual(applied.length);

    // orders-worker (staging): OOM-killed at its 300Mi limit, memory raised above it, ≤ 400Mi.
    const orders = await h.state('orders-worker', 'acme-staging');
    expect(orders.containers!['orders-worker'].oomKills).toBeGreaterThanOrEqual(
      1,
    );
    const raised = orders.verticalApply!.history.find(
      a =>
        a.outcome === 'applied' &&
        a.changes.some(c => c.resource === 'memory' && c.to > c.from!),
    );
    expect(raised).toBeDefined();
    for (const pod of h.pods('orders-worker', 'acme-staging')) {
      expect(bytes(pod.memory)).toBeGreaterThan(300 * MIB);
      expect(bytes(pod.memory)).toBeLessThanOrEqual(400 * MIB);
    }

    // billing-worker (production): the same raise crosses the guardrail: one change request.
    const billing = await h.state('billing-worker', 'acme-production');
    const requests = billing.verticalApply!.history.filter(
      a => a.outcome === 'change-request',
    );
    expect(requests).toHaveLength(1);
    const stored = await h
      .knex('change_requests')
      .where({ id: requests[0].changeRequestId });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      status: 'pending',
      requested_by: 'autoscaling-engine',
    });
    expect(
      JSON.parse(stored[0].proposed_json).vertical.minAllowed.memory,
    ).toMatch(/Mi$/);
    for (const pod of h.pods('billing-worker', 'acme-production')) {
      expect(pod.memory).toBe('256Mi');
    }
  });
});

describe('vertical Auto without pods/resize', () => {
  let h: Harness;
  afterAll(() => stop(h));

  it('updates the template and the Deployment rolls its pods onto the new requests', async () => {
    h = await start({
      version: 'v1.31.2',
      workloads: checkoutWorkload(', limits: { memory: 768Mi }'),
      policy: policy({
        vertical: { mode: 'Auto', minAllowed: { cpu: '150m' } },
      }),
      entities: [
        serviceComponent({
          name: 'checkout-api',
          namespace: 'acme-production',
          environment: 'production',
        }),
      ],
    });
    const before = new Set(
      h.pods('checkout-api', 'acme-production').map(p => p.uid),
    );
    for (let i = 0; i < SHORT_TICKS + 6; i++) await h.tick(SHORT_TICK_SECONDS);
    const state = await h.state('checkout-api', 'acme-production');
    const applied = state.verticalApply!.history.filter(
      a => a.outcome === 'applied',
    );
    expect(applied.length).toBeGreaterThanOrEqual(1);
    expect(applied[0].method).toBe('rolling-update');
    expect(h.writes().some(w => w.path.endsWith('/resize'))).toBe(false);
    const template = h.template('checkout-api', 'acme-production');
    expect(cores(template.cpu)).toBeLessThan(0.45);
    // The 768Mi limit keeps its ratio to the lowered request.
    expect(bytes(template.memoryLimit!) / bytes(template.memory)).toBeCloseTo(
      1.5,
      1,
    );
    const pods = h.pods('checkout-api', 'acme-production');
    expect(pods.length).toBeGreaterThanOrEqual(2);
    for (const pod of pods) {
      expect(before.has(pod.uid)).toBe(false);
      expect(pod.cpu).toBe(template.cpu);
    }
  });
});

describe('vertical Auto and a PodDisruptionBudget', () => {
  let h: Harness;
  afterAll(() => stop(h));

  it('waits while a PodDisruptionBudget allows no disruption, says which, and rolls once it does', async () => {
    h = await start({
      version: 'v1.31.2',
      workloads: CHECKOUT,
      policy: policy({
        vertical: { mode: 'Auto', minAllowed: { cpu: '150m' } },
      }),
      entities: [
        serviceComponent({
          name: 'checkout-api',
          namespace: 'acme-production',
          environment: 'production',
        }),
      ],
    });
    const PDB = 'policy/poddisruptionbudgets';
    h.sim.sim.store.create(PDB, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'checkout-api', namespace: 'acme-production' },
      spec: {
        minAvailable: '100%',
        selector: { matchLabels: { app: 'checkout-api' } },
      },
    });
    for (let i = 0; i < SHORT_TICKS + 6; i++) await h.tick(SHORT_TICK_SECONDS);
    let history = (await h.state('checkout-api', 'acme-production'))
      .verticalApply!.history;
    expect(history.some(a => a.outcome === 'applied')).toBe(false);
    const waiting = history.filter(a => a.outcome === 'disruption-budget');
    expect(waiting.length).toBeGreaterThanOrEqual(1);
    expect(waiting[0]).toMatchObject({ method: 'rolling-update' });
    expect(waiting[0].error).toMatch(
      /PodDisruptionBudget checkout-api allows no disruption now \(2 healthy, 2 required\)/,
    );
    expect(h.writes().filter(w => w.method === 'PATCH')).toEqual([]);

    // The budget now allows one pod down: the next evaluation rolls the template.
    const pdb = h.sim.sim.store.get(PDB, 'acme-production', 'checkout-api')!;
    h.sim.sim.store.update(PDB, {
      ...pdb,
      spec: { ...pdb.spec, minAvailable: 1 },
    });
    for (let i = 0; i < 3; i++) await h.tick(SHORT_TICK_SECONDS);
    history = (await h.state('checkout-api', 'acme-production')).verticalApply!
      .history;
    expect(history.filter(a => a.outcome === 'applied')).toEqual([
      expect.objectContaining({ method: 'rolling-update' }),
    ]);
    expect(
      cores(h.template('checkout-api', 'acme-production').cpu),
    ).toBeLessThan(0.45);
  });
});

describe('vertical Initial', () => {
  let h: Harness;
  afterAll(() => stop(h));

  it('changes nothing until the workload rolls, then only the new pods get the requests', async () => {
    h = await start({
      version: 'v1.33.1',
      workloads: CHECKOUT,
      policy: policy({
        vertical: { mode: 'Initial', minAllowed: { cpu: '150m' } },
      }),
      entities: [
        serviceComponent({
          name: 'checkout-api',
          namespace: 'acme-production',
          environment: 'production',
        }),
      ],
    });
    const running = h.pods('checkout-api', 'acme-production');
    for (let i = 0; i < SHORT_TICKS + 4; i++) await h.tick(SHORT_TICK_SECONDS);
    // A recommendation well below 500m with an hour's confidence: still nothing written.
    expect(h.writes().filter(w => !w.path.endsWith('/scale'))).toEqual([]);
    expect(h.pods('checkout-api', 'acme-production')).toEqual(running);
    const waiting = (await h.state('checkout-api', 'acme-production'))
      .verticalApply!.waiting!;
    expect(waiting.some(c => c.resource === 'cpu' && c.to < 0.5)).toBe(true);

    // Someone rolls the workload (a new image): the engine puts its requests on that rollout.
    const d = h.sim.sim.store.get(
      'apps/deployments',
      'acme-production',
      'checkout-api',
    )!;
    h.sim.sim.store.update('apps/deployments', {
      ...d,
      metadata: { ...d.metadata, resourceVersion: undefined },
      spec: {
        ...d.spec,
        template: {
          ...d.spec.template,
          spec: {
            ...d.spec.template.spec,
            containers: [
              {
                ...d.spec.template.spec.containers[0],
                image: 'ghcr.io/acme/checkout-api:2.15.0',
              },
            ],
          },
        },
      },
    });
    h.sim.sim.reconcile();
    await h.tickNow();
    for (let i = 0; i < 3; i++) await h.tick(SHORT_TICK_SECONDS);
    const template = h.template('checkout-api', 'acme-production');
    expect(cores(template.cpu)).toBeLessThan(0.45);
    const pods = h.pods('checkout-api', 'acme-production');
    const old = new Set(running.map(p => p.uid));
    expect(pods.length).toBeGreaterThanOrEqual(2);
    for (const pod of pods) {
      expect(old.has(pod.uid)).toBe(false);
      expect(pod.cpu).toBe(template.cpu);
    }
    const state = await h.state('checkout-api', 'acme-production');
    expect(state.verticalApply!.history[0]).toMatchObject({
      mode: 'Initial',
      method: 'template',
      outcome: 'applied',
    });
    expect(h.writes().some(w => w.path.endsWith('/resize'))).toBe(false);
  });
});

describe('vertical Auto under dry-run and the kill switch', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stop(h);
    h = undefined;
  });
  const entities = [
    serviceComponent({
      name: 'checkout-api',
      namespace: 'acme-production',
      environment: 'production',
    }),
  ];

  it('writes nothing in dry-run and records the decision once', async () => {
    h = await start({
      version: 'v1.33.1',
      workloads: CHECKOUT,
      policy: policy({ mode: 'dry-run', vertical: { mode: 'Auto' } }),
      entities,
    });
    const running = h.pods('checkout-api', 'acme-production');
    for (let i = 0; i < SHORT_TICKS + 4; i++) await h.tick(SHORT_TICK_SECONDS);
    expect(h.writes()).toEqual([]);
    expect(h.pods('checkout-api', 'acme-production')).toEqual(running);
    const state = await h.state('checkout-api', 'acme-production');
    expect(state.verticalApply!.history[0]).toMatchObject({
      outcome: 'dry-run',
    });
    expect(
      state.verticalApply!.history[0].changes.some(c => c.resource === 'cpu'),
    ).toBe(true);
    // One row for the decision, not one a tick.
    expect(
      state.verticalApply!.history.filter(a => a.outcome === 'dry-run'),
    ).toHaveLength(1);
  });

  it('writes nothing in Auto with the kill switch on, and says why', async () => {
    h = await start({
      version: 'v1.33.1',
      workloads: CHECKOUT,
      policy: policy({ vertical: { mode: 'Auto' } }),
      entities,
    });
    await h.service.killSwitch.set(true, 'user:default/admin', 'incident 42');
    const running = h.pods('checkout-api', 'acme-production');
    for (let i = 0; i < SHORT_TICKS + 4; i++) await h.tick(SHORT_TICK_SECONDS);
    expect(h.writes()).toEqual([]);
    expect(h.pods('checkout-api', 'acme-production')).toEqual(running);
    const state = await h.state('checkout-api', 'acme-production');
    expect(state.verticalApply!.history[0]).toMatchObject({
      outcome: 'kill-switch',
    });
    expect(state.verticalApply!.history[0].reason).toMatch(/incident 42/);
    const audit = await h.service.governance.auditLog.query({
      action: 'engine.actuate',
    });
    expect(audit).toEqual([]);
  });
});

describe('vertical Auto without RBAC to write the template', () => {
  let h: Harness;
  afterAll(() => stop(h));

  it('records the refused write with its error once an interval, and horizontal scaling goes on', async () => {
    h = await start({
      version: 'v1.31.2',
      workloads: CHECKOUT,
      writeRule:
        '{ verbs: [get, update, patch], resources: [deployments/scale, statefulsets/scale] }',
      policy: policy({ vertical: { mode: 'Auto' } }),
      entities: [
        serviceComponent({
          name: 'checkout-api',
          namespace: 'acme-production',
          environment: 'production',
        }),
      ],
    });
    for (let i = 0; i < SHORT_TICKS + 10; i++) await h.tick(SHORT_TICK_SECONDS);
    const state = await h.state('checkout-api', 'acme-production');
    const failed = state.verticalApply!.history.filter(
      a => a.outcome === 'failed',
    );
    expect(failed).toHaveLength(1);
    expect(failed[0].error).toMatch(/403|forbidden/i);
    const patches = h
      .writes()
      .filter(w => w.method === 'PATCH' && !w.path.endsWith('/scale'));
    expect(patches).toHaveLength(1);
    expect(h.template('checkout-api', 'acme-production')).toMatchObject({
      cpu: '500m',
      memory: '512Mi',
    });
    expect(h.service.health.get(CLUSTER)!.circuit).toBe('closed');
  });
});
