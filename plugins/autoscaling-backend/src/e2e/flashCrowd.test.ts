/**
 * End to end with the simulated cluster: the real @kubernetes/client-node client talks
 * HTTP to cluster-sim (manual, accelerated clock), the real store runs on SQLite, and a
 * flash crowd hits a demo service. The API then returns the decisions with reasons.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import type { WorkloadHistory } from '@internal/plugin-autoscaling-common';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { createAutoscalingService } from '../service/createAutoscalingService';
import { ACME_TENANT, serviceComponent } from './__testUtils__/entities';
import { mockAutoscalingDependencies } from './__testUtils__/services';
import { simClustersConfig } from './__testUtils__/simClusters';

jest.setTimeout(120_000);

const SIM_CONFIG = `
cluster: { name: sim-e2e }
clock: { start: '2026-01-05T09:00:00Z' }
tokens:
  - token: scaler-token
    user: system:serviceaccount:autoscaling:scaler
    rules:
      - { verbs: [get, list, watch], resources: ['*'] }
      - { verbs: [get, update, patch], resources: [deployments/scale, statefulsets/scale] }
workloads:
  - name: checkout-api
    namespace: acme-production
    replicas: 2
    labels: { backstage.io/kubernetes-id: checkout-api }
    resources: { requests: { cpu: 500m, memory: 256Mi } }
    capacityPerPod: 100
    startupSeconds: 20
    demand: 80
`;

const POLICY = {
  minReplicas: 2,
  maxReplicas: 20,
  mode: 'auto',
  metrics: [
    {
      type: 'Resource',
      resource: 'cpu',
      target: { type: 'Utilization', averageUtilization: 70 },
    },
  ],
  behavior: {
    scaleDown: {
      stabilizationWindowSeconds: 120,
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    },
  },
};

describe('flash crowd on a demo service, end to end with the simulator', () => {
  let sim: RunningClusterSim;
  let knex: Knex;

  beforeAll(async () => {
    sim = await startClusterSim({ config: SIM_CONFIG, clock: 'manual' });
  });
  afterAll(async () => {
    await sim?.stop();
    await knex?.destroy();
  });

  it('scales up within 30 simulated seconds, back down after the stabilization window, and explains why', async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    const config = mockServices.rootConfig({
      data: {
        kubernetes: simClustersConfig([{ name: 'sim-e2e', url: sim.url }]),
        autoscaling: { policies: { globalDefault: POLICY } },
      },
    });
    const catalog = catalogServiceMock({
      entities: [
        serviceComponent({
          name: 'checkout-api',
          namespace: 'acme-production',
          environment: 'production',
        }),
        ACME_TENANT,
      ],
    });

    const service = await createAutoscalingService({
      ...mockAutoscalingDependencies(),
      config,
      database: { getClient: async () => knex },
      catalog,
      clock: () => sim.now(),
    });
    const evaluator = service.evaluators.get('sim-e2e')!;
    const workloadId = 'sim-e2e/acme-production/Deployment/checkout-api';
    // spec.replicas as the engine last read or wrote it through the scale subresource.
    const specReplicas = async () =>
      (await service.store.getWorkload(workloadId))!.status!.currentReplicas;

    // Warm up on the baseline: 80 rps on 2 pods is 40% of requests, below the 70% target.
    for (let i = 0; i < 8; i++) {
      sim.advance(15);
      await evaluator.tick(sim.now());
    }
    expect(await specReplicas()).toBe(2);

    // Flash crowd: 400 rps needs ~6 pods at the target.
    sim.setDemand('acme-production', 'checkout-api', 400);
    const crossedAt = sim.now();
    let scaledUpAt: number | undefined;
    for (let i = 0; i < 20 && scaledUpAt === undefined; i++) {
      sim.advance(15);
      await evaluator.tick(sim.now());
      if ((await specReplicas()) > 2) scaledUpAt = sim.now();
    }
    expect(scaledUpAt).toBeDefined();
    expect(scaledUpAt! - crossedAt).toBeLessThanOrEqual(30_000);

    // Let it settle at the crowd, then the crowd leaves.
    for (let i = 0; i < 12; i++) {
      sim.advance(15);
      await evaluator.tick(sim.now());
    }
    const peak = await specReplicas();
    expect(peak).toBeGreaterThanOrEqual(5);

    sim.setDemand('acme-production', 'checkout-api', 80);
    const calmAt = sim.now();
    let backAtMinimumAt: number | undefined;
    for (let i = 0; i < 40 && backAtMinimumAt === undefined; i++) {
      sim.advance(15);
      await evaluator.tick(sim.now());
      if ((await specReplicas()) === 2) backAtMinimumAt = sim.now();
    }
    expect(backAtMinimumAt).toBeDefined();
    // The crowd's recommendations (>= 5 pods) stay in the 120 s down-stabilization window,
    // so the workload can only return to its minimum once the window has passed.
    expect(backAtMinimumAt! - calmAt).toBeGreaterThanOrEqual(120_000);

    // The API returns the decisions with their reasons.
    const app = express().use(service.router);
    const id = encodeURIComponent(workloadId);
    const response = await request(app).get(`/workloads/${id}/history?hours=2`);
    expect(response.status).toBe(200);
    const history = response.body as WorkloadHistory;
    const scales = history.decisions.filter(
      d => d.kind === 'scale' && d.outcome === 'applied',
    );
    expect(scales.some(d => d.to > d.from)).toBe(true);
    expect(scales.some(d => d.to < d.from)).toBe(true);
    for (const decision of scales) {
      expect(decision.reasons.length).toBeGreaterThan(0);
      expect(decision.reasons[0].message).toEqual(expect.any(String));
    }
    expect(history.points.length).toBeGreaterThan(5);
  });
});
