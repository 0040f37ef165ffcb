/**
 * The metric-source routes with a real source: the Prometheus source queries the simulated
 * cluster's Prometheus HTTP API (a real HTTP server), for a workload stored as the engine
 * stores it. The dry run answers the value the engine would compare with the target, or the
 * source's error on the `query` field; bad requests are 400s naming the field.
 */
import { mockErrorHandler } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import type { MetricSource } from '@internal/plugin-autoscaling-node';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { PrometheusMetricSource } from '../metrics/PrometheusMetricSource';
import { EngineStore } from '../store/EngineStore';
import { migrate } from '../store/migrate';
import { createMetricSourceRoutes } from './metricSourceRoutes';

const ENTITY = 'component:default/checkout';
const DEMAND = `sum(cluster_sim_demand_requests_per_second{namespace="$namespace",deployment="$workload"})`;

describe('metric source routes', () => {
  let sim: RunningClusterSim;
  let knex: Knex;
  let app: express.Express;
  const denied: string[] = [];

  beforeAll(async () => {
    sim = await startClusterSim({
      clock: 'manual',
      config: {
        workloads: [
          {
            name: 'checkout',
            namespace: 'shop',
            replicas: 4,
            demand: { constant: 120 },
          },
          {
            name: 'search',
            namespace: 'shop',
            replicas: 1,
            demand: { constant: 30 },
          },
        ],
      },
    });
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    await migrate(knex);
    const store = new EngineStore(knex);
    await store.upsertWorkload(
      {
        id: 'sim/shop/Deployment/checkout',
        entityRef: ENTITY,
        cluster: 'sim',
        namespace: 'shop',
        kind: 'Deployment',
        name: 'checkout',
        tenant: 'acme',
        environment: 'production',
        tier: 'basic',
      },
      {},
      { currentReplicas: 4, minReplicas: 1, maxReplicas: 10 } as any,
      sim.now(),
    );
    const fixed: MetricSource = {
      id: 'fixed',
      query: async () => 7,
    };
    const sources = new Map<string, MetricSource>([
      ['prom', new PrometheusMetricSource('prom', `${sim.url}/prometheus`)],
      ['fixed', fixed],
    ]);
    app = express()
      .use(express.json())
      .use(
        createMetricSourceRoutes({
          store,
          sources,
          authorizeTarget: async (_req, permission, entityRef) => {
            if (entityRef === 'component:default/secret') {
              denied.push(`${permission.name} ${entityRef}`);
              throw new NotAllowedError(
                `Missing permission ${permission.name}`,
              );
            }
          },
        }),
      )
      .use(mockErrorHandler());
  });

  afterAll(async () => {
    await knex?.destroy();
    await sim?.stop();
  });

  it('lists the installed sources with their types, for a caller who may read the policy', async () => {
    const res = await request(app).get(
      `/metric-sources?entityRef=${encodeURIComponent(ENTITY)}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      sources: [
        { id: 'fixed', type: null },
        { id: 'prom', type: 'prometheus' },
      ],
    });
    const forbidden = await request(app).get(
      '/metric-sources?entityRef=component:default/secret',
    );
    expect(forbidden.status).toBe(403);
    expect(denied).toEqual([
      'autoscaling.policy.read component:default/secret',
    ]);
    const bad = await request(app).get('/metric-sources');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/entityRef/);
  });

  it('dry-runs a query for the entity’s workload: the value compared with the target', async () => {
    const dryRun = (body: object) =>
      request(app)
        .post('/metric-sources/dry-run')
        .send({ entityRef: ENTITY, source: 'prom', query: DEMAND, ...body });
    const value = await dryRun({});
    expect(value.status).toBe(200);
    expect(value.body).toEqual({
      ok: true,
      source: 'prom',
      workload: {
        id: 'sim/shop/Deployment/checkout',
        cluster: 'sim',
        namespace: 'shop',
        name: 'checkout',
      },
      value: 120,
      meaning: 'value',
      series: [{ labels: {}, value: 120 }],
      seriesCount: 1,
    });
    // An External AverageValue target is compared per current replica (4).
    const perReplica = await dryRun({
      metricType: 'External',
      targetType: 'AverageValue',
    });
    expect(perReplica.body).toMatchObject({
      ok: true,
      value: 30,
      meaning: 'sum of 1 series per replica (4)',
    });
    // A Pods metric: the average of its series.
    const pods = await dryRun({
      metricType: 'Pods',
      targetType: 'AverageValue',
      query: 'cluster_sim_demand_requests_per_second{namespace="$namespace"}',
    });
    expect(pods.body).toMatchObject({
      ok: true,
      value: 75,
      meaning: 'average of 2 pods',
      seriesCount: 2,
    });
    const scalar = await dryRun({ source: 'fixed', query: 'anything' });
    expect(scalar.body).toMatchObject({ ok: true, value: 7 });
  });

  it('answers the source’s error on the query field', async () => {
    const res = await request(app).post('/metric-sources/dry-run').send({
      entityRef: ENTITY,
      source: 'prom',
      query: 'sum(rate(http_requests_total[1m]',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, field: 'query' });
    expect(res.body.message).toMatch(/^Prometheus prom answered 400/);
    const none = await request(app).post('/metric-sources/dry-run').send({
      entityRef: ENTITY,
      source: 'prom',
      query: 'cluster_sim_demand_requests_per_second{deployment="nope"}',
    });
    expect(none.body).toMatchObject({
      ok: false,
      field: 'query',
      message: expect.stringMatching(/returned no series/),
    });
  });

  it('refuses bad requests with 400 naming the field', async () => {
    const post = (body: object) =>
      request(app).post('/metric-sources/dry-run').send(body);
    const unknown = await post({ entityRef: ENTITY, source: 'x', query: 'q' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      'Invalid request body: source: unknown metric source "x" (configured: fixed, prom)',
    );
    const empty = await post({ entityRef: ENTITY, source: 'prom', query: ' ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/query: must not be empty/);
    const noWorkload = await post({
      entityRef: 'component:default/other',
      source: 'prom',
      query: DEMAND,
    });
    expect(noWorkload.status).toBe(400);
    expect(noWorkload.body.error.message).toMatch(
      /entityRef: component:default\/other has no managed workload yet/,
    );
    const forbidden = await post({
      entityRef: 'component:default/secret',
      source: 'prom',
      query: DEMAND,
    });
    expect(forbidden.status).toBe(403);
    const extra = await post({
      entityRef: ENTITY,
      source: 'prom',
      query: DEMAND,
      cluster: 'x',
    });
    expect(extra.status).toBe(400);
  });
});
