/**
 * Issue 16 items 1–2 end to end with the simulated cluster: the Deployment asks 500m / 512Mi
 * (limit 768Mi); after two simulated hours of ticks the recommendations route reports those
 * requests as `current`, recommends within the policy's minAllowed/maxAllowed, prices the
 * savings and says what the horizontal engine would run with the new requests.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import type { WorkloadRecommendations } from '@internal/plugin-autoscaling-common';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { createAutoscalingService } from '../service/createAutoscalingService';
import { ACME_TENANT, serviceComponent } from './__testUtils__/entities';
import { mockAutoscalingDependencies } from './__testUtils__/services';
import { simClustersConfig } from './__testUtils__/simClusters';

jest.setTimeout(120_000);
const MIB = 2 ** 20;

const SIM_CONFIG = `
cluster: { name: sim-rs, enforceMemoryLimits: true }
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
    resources: { requests: { cpu: 500m, memory: 512Mi }, limits: { memory: 768Mi } }
    capacityPerPod: 100
    startupSeconds: 20
    demand: 40
  - name: orders-worker
    namespace: acme-production
    replicas: 1
    labels: { backstage.io/kubernetes-id: orders-worker }
    resources: { requests: { cpu: 500m, memory: 256Mi }, limits: { memory: 300Mi } }
    capacityPerPod: 1000
    startupSeconds: 20
    demand: 40
`;

const POLICY = {
  minReplicas: 2,
  maxReplicas: 20,
  mode: 'dry-run',
  metrics: [
    {
      type: 'Resource',
      resource: 'cpu',
      target: { type: 'Utilization', averageUtilization: 70 },
    },
  ],
  vertical: {
    mode: 'Off',
    minAllowed: { cpu: '150m' },
    maxAllowed: { memory: '400Mi' },
  },
};

describe('right-sizing end to end with the simulator', () => {
  let sim: RunningClusterSim;
  let knex: Knex;

  beforeAll(async () => {
    sim = await startClusterSim({ config: SIM_CONFIG, clock: 'manual' });
  });
  afterAll(async () => {
    await sim?.stop();
    await knex?.destroy();
  });

  it('reports the template requests as current and recommends within the policy, priced', async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    const config = mockServices.rootConfig({
      data: {
        kubernetes: simClustersConfig([{ name: 'sim-rs', url: sim.url }]),
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
        serviceComponent({
          name: 'orders-worker',
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
    const evaluator = service.evaluators.get('sim-rs')!;
    for (let i = 0; i < 120; i++) {
      sim.advance(60);
      await evaluator.tick(sim.now());
      // One burst past orders-worker's 300Mi limit (128Mi + 512Ki per rps): an OOM kill.
      if (i === 60) sim.setDemand('acme-production', 'orders-worker', 500);
      if (i === 61)
        sim.setDemand('acme-production', 'orders-worker', undefined);
    }

    const id = encodeURIComponent(
      'sim-rs/acme-production/Deployment/checkout-api',
    );
    const response = await request(express().use(service.router)).get(
      `/workloads/${id}/recommendations`,
    );
    expect(response.status).toBe(200);
    const body = response.body as WorkloadRecommendations;
    const cpu = body.vertical.find(r => r.resource === 'cpu')!;
    const memory = body.vertical.find(r => r.resource === 'memory')!;
    expect(cpu).toMatchObject({
      current: 0.5,
      currentLimit: null,
      oomKills: 0,
    });
    expect(memory).toMatchObject({
      current: 512 * MIB,
      currentLimit: 768 * MIB,
      oomKills: 0,
    });
    expect(cpu.container).toBe(memory.container);
    // Within minAllowed / maxAllowed, bounds included.
    expect(cpu.target).toBeGreaterThanOrEqual(0.15);
    expect(cpu.lowerBound).toBeGreaterThanOrEqual(0.15);
    expect(memory.target).toBeLessThanOrEqual(400 * MIB);
    expect(memory.upperBound).toBeLessThanOrEqual(400 * MIB);
    // Two hours of history: low confidence on the stated scale, c / (1 + c).
    expect(cpu.confidenceLevel).toBe('low');
    expect(cpu.confidenceDays).toBeGreaterThan(1.5 / 24);
    expect(cpu.confidence).toBeCloseTo(
      cpu.confidenceDays / (1 + cpu.confidenceDays),
      6,
    );
    // Over-requested: lowering the requests saves money at the cost card's prices.
    expect(cpu.target).toBeLessThan(0.5);
    expect(cpu.monthlySavings).toBeGreaterThan(0);
    expect(body.monthlySavings).toBeCloseTo(
      (cpu.monthlySavings ?? 0) + (memory.monthlySavings ?? 0),
      2,
    );
    const cost = await request(express().use(service.router)).get(
      `/workloads/${id}/cost`,
    );
    expect(body.currency).toBe(cost.body.currency);
    expect(body.horizontal).not.toBeNull();
    expect(body.horizontal!.currentReplicas).toBe(2);
    expect(body.horizontal!.replicas).toBeGreaterThanOrEqual(2);

    // The OOM kill, read from lastState.terminated, raised memory past the limit it died at,
    // still within maxAllowed.
    const orders = (
      await request(express().use(service.router)).get(
        `/workloads/${encodeURIComponent(
          'sim-rs/acme-production/Deployment/orders-worker',
        )}/recommendations`,
      )
    ).body as WorkloadRecommendations;
    const ordersMemory = orders.vertical.find(r => r.resource === 'memory')!;
    expect(ordersMemory.oomKills).toBeGreaterThanOrEqual(1);
    expect(ordersMemory.currentLimit).toBe(300 * MIB);
    expect(ordersMemory.target).toBeGreaterThan(300 * MIB);
    expect(ordersMemory.target).toBeLessThanOrEqual(400 * MIB);
  });
});
