import { mockErrorHandler } from '@backstage/backend-test-utils';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { EngineStore, StoredWorkload } from '../store/EngineStore';
import { migrate } from '../store/migrate';
import type { TenantInfo } from '../workloads/WorkloadDiscovery';
import { createCostRoutes } from './costRoutes';
import { ACME, checkout, db, NOW, service } from './testFixtures';

const spec = YAML.parse(
  fs.readFileSync(path.resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
);
const HOUR = 3600_000;

describe('GET /tenants/:name/trends', () => {
  let knex: Knex;
  let store: EngineStore;
  const tenants = new Map<string, TenantInfo>([['acme', ACME]]);
  const app = (canRead = true) =>
    express()
      .use(
        createCostRoutes({
          store,
          costService: service(),
          tenants: async () => tenants,
          authorize: async () => {},
          canReadCost: async (_req, refs) => refs.map(() => canRead),
          clock: () => NOW,
        }),
      )
      .use(mockErrorHandler());

  const point = (atMs: number, replicas: number, demand: number | null) => ({
    at: new Date(atMs).toISOString(),
    replicas,
    readyReplicas: replicas,
    desiredReplicas: replicas,
    demand,
    cpuUtilization: null,
  });

  beforeAll(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    await migrate(knex);
    store = new EngineStore(knex);
    const save = (w: StoredWorkload) => {
      const { state, status, updatedAt, ...record } = w;
      return store.upsertWorkload(record, state, status, updatedAt);
    };
    const a = checkout();
    const b = db();
    await save(a);
    await save(b);
    // checkout: 4 replicas using 1 core from 3 h ago, 8 using 6 cores from 1 h ago;
    // db: 2 replicas from 2 h ago; a point older than the window is left out.
    await store.recordMetricPoint(a.id, point(NOW - 5 * HOUR, 20, 1));
    await store.recordMetricPoint(a.id, point(NOW - 3 * HOUR, 4, 1));
    await store.recordMetricPoint(a.id, point(NOW - HOUR, 8, 6));
    await store.recordMetricPoint(b.id, point(NOW - 2 * HOUR, 2, null));
  });
  afterAll(() => knex.destroy());

  it('sums the replicas of the workloads at each time, against the quota, and prices them as the cost card does', async () => {
    const res = await request(app()).get('/tenants/acme/trends?hours=3');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tenant: 'acme',
      hours: 3,
      stepSeconds: 60,
      currency: 'EUR',
      replicaQuota: 40,
      monthlyBudget: 150,
    });
    const at = (ms: number) =>
      res.body.points.find((p: any) => p.at === new Date(ms).toISOString());
    // checkout alone at requests: 4 × 0.025 = 0.10/h → 73 a month.
    expect(at(NOW - 3 * HOUR + 60_000)).toEqual({
      at: expect.any(String),
      replicas: 4,
      monthlyRate: 73,
    });
    // With db (2 × 0.05 = 0.10/h): 146 a month.
    expect(at(NOW - 90 * 60_000)).toMatchObject({
      replicas: 6,
      monthlyRate: 146,
    });
    // checkout uses 6 cores on 8 × 0.5 requested: 6 × 0.04 + 8 × 0.005 = 0.28/h, + db 0.10 → 277.4.
    const last = res.body.points[res.body.points.length - 1];
    expect(last).toEqual({
      at: new Date(NOW).toISOString(),
      replicas: 10,
      monthlyRate: 277.4,
    });
    expect(res.body.points).toHaveLength(180);
    // Exactly the documented fields.
    const schema = spec.components.schemas.TenantTrends;
    expect(Object.keys(res.body).sort()).toEqual([...schema.required].sort());
    expect(Object.keys(last).sort()).toEqual(
      [...spec.components.schemas.TenantTrendPoint.required].sort(),
    );
  });

  it('leaves out the spend and the budget for a caller without autoscaling.cost.read (replicas stay)', async () => {
    const res = await request(app(false)).get('/tenants/acme/trends?hours=3');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      currency: null,
      monthlyBudget: null,
      replicaQuota: 40,
    });
    expect(
      res.body.points.every(
        (p: any) => p.monthlyRate === null && p.replicas > 0,
      ),
    ).toBe(true);
  });

  it('names the field of a bad query and answers 404 for an unknown tenant', async () => {
    const bad = await request(app()).get('/tenants/acme/trends?hours=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/hours/);
    const tooLong = await request(app()).get('/tenants/acme/trends?hours=400');
    expect(tooLong.body.error.message).toMatch(/hours.*336/);
    const words = await request(app()).get('/tenants/acme/trends?hours=many');
    expect(words.status).toBe(400);
    expect(words.body.error.message).toMatch(/hours/);
    expect((await request(app()).get('/tenants/nobody/trends')).status).toBe(
      404,
    );
  });
});
