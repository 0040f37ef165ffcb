/**
 * A replica that serves the API only (`autoscaling.evaluationEnabled: false`) beside one that
 * evaluates, on one PostgreSQL database: the split that keeps a 10,000-workload tick's CPU and
 * garbage collection out of the request path (the backend README, "Replicas").
 *
 * The API replica schedules no tick and writes nothing to the cluster, yet answers with what
 * the evaluating replica stored: the entity's scaling state as its latest tick left it, and
 * the cluster's last tick and circuit breaker on the status route.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  EngineStatus,
  EntityScalingState,
} from '@internal/plugin-autoscaling-common';
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import express from 'express';
import request from 'supertest';
import { createAutoscalingService } from '../service/createAutoscalingService';
import { ACME_TENANT, serviceComponent } from './__testUtils__/entities';
import { mockAutoscalingDependencies } from './__testUtils__/services';
import {
  CLUSTER,
  NAMESPACE,
  SIM_CONFIG,
  WORKLOAD,
  cpuPolicy,
} from './__testUtils__/simBackend';
import { ScratchPostgresDatabase } from '../testUtils';
import { simClustersConfig } from './__testUtils__/simClusters';

jest.setTimeout(120_000);

const ENTITY_REF = `component:default/${WORKLOAD}`;

describe('an API-only replica beside an evaluating one (PostgreSQL)', () => {
  const database = new ScratchPostgresDatabase('autoscaling_api_replica');
  let sim: RunningClusterSim;

  async function replica(evaluationEnabled: boolean) {
    const knex = database.connect();
    const scheduler = mockServices.scheduler();
    const service = await createAutoscalingService({
      ...mockAutoscalingDependencies(),
      scheduler,
      config: mockServices.rootConfig({
        data: {
          kubernetes: simClustersConfig([{ name: CLUSTER, url: sim.url }]),
          autoscaling: {
            evaluationEnabled,
            policies: { globalDefault: cpuPolicy('auto') },
          },
        },
      }),
      database: { getClient: async () => knex },
      catalog: catalogServiceMock({
        entities: [
          serviceComponent({
            name: WORKLOAD,
            namespace: NAMESPACE,
            environment: 'production',
          }),
          ACME_TENANT,
        ],
      }),
      notifications: { send: async () => {} },
      clock: () => sim.now(),
    });
    return { service, scheduler, app: express().use(service.router) };
  }

  beforeAll(async () => {
    await database.create();
    sim = await startClusterSim({ config: SIM_CONFIG, clock: 'manual' });
  });

  afterAll(async () => {
    await sim?.stop();
    await database.drop();
  });

  it('schedules no tick, serves what the evaluating replica stored, and shows its health', async () => {
    const evaluating = await replica(true);
    const api = await replica(false);
    const tasks = async (r: typeof api) =>
      (await r.scheduler.getScheduledTasks()).map(t => t.id).sort();
    expect(await tasks(evaluating)).toEqual([
      `autoscaling-evaluate-${CLUSTER}`,
      'autoscaling-retention',
    ]);
    expect((await tasks(api)).filter(id => id.includes('evaluate'))).toEqual(
      [],
    );

    const status = async () =>
      (await request(api.app).get('/engine/status').expect(200))
        .body as EngineStatus;
    const state = async () =>
      (
        await request(api.app)
          .get(`/entities/default/component/${WORKLOAD}/state`)
          .expect(200)
      ).body as EntityScalingState;
    expect((await status()).clusters[0]).toMatchObject({
      name: CLUSTER,
      lastTickAt: null,
      circuit: 'closed',
    });
    expect((await state()).workloads).toEqual([]);

    // Demand ×3: the evaluating replica's tick scales up; the API replica shows that tick.
    sim.advance(60);
    sim.setDemand(NAMESPACE, WORKLOAD, 300);
    sim.advance(30);
    await evaluating.scheduler.triggerTask(`autoscaling-evaluate-${CLUSTER}`);
    const tickAt = new Date(sim.now()).toISOString();
    const [shown] = (await state()).workloads;
    expect(shown).toMatchObject({
      entityRef: ENTITY_REF,
      lastEvaluatedAt: tickAt,
      lastDecision: { outcome: 'applied' },
    });
    expect(shown.lastDecision!.to).toBeGreaterThan(2);
    expect((await status()).clusters[0]).toMatchObject({
      lastTickAt: tickAt,
      circuit: 'closed',
      consecutiveFailures: 0,
      workloads: 1,
    });

    // The cluster fails five ticks in a row, three on this replica and two on another that
    // takes the task over (a rolling restart): the second continues the count and opens the
    // circuit, and the API replica shows it open, with the error.
    const takeover = await replica(true);
    sim.setFaults({ api: { outage: true } });
    for (const r of [evaluating, evaluating, evaluating, takeover, takeover]) {
      sim.advance(15);
      await r.scheduler.triggerTask(`autoscaling-evaluate-${CLUSTER}`);
    }
    const failing = (await status()).clusters[0];
    expect(failing).toMatchObject({
      lastTickAt: new Date(sim.now()).toISOString(),
      circuit: 'open',
      consecutiveFailures: 5,
      lastError: expect.stringMatching(/discovery failed/),
    });
    expect(takeover.service.health.get(CLUSTER)!.circuit).toBe('open');
  });
});
