import { mockErrorHandler } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { EngineStore, StoredWorkload } from '../store/EngineStore';
import { migrate } from '../store/migrate';
import type { TenantInfo } from '../workloads/WorkloadDiscovery';
import { createCostRoutes } from './costRoutes';
import { ACME, checkout, db, ledger, service } from './testFixtures';

jest.setTimeout(60_000);

describe('cost routes', () => {
  let knex: Knex;
  let app: express.Express;
  const authorize = jest.fn(async (req: express.Request) => {
    if (req.header('x-test-deny'))
      throw new NotAllowedError(
        'You are not allowed to autoscaling.state.read',
      );
  });

  beforeAll(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    await migrate(knex);
    const store = new EngineStore(knex);
    const save = (w: StoredWorkload) => {
      const { state, status, updatedAt, ...record } = w;
      return store.upsertWorkload(record, state, status, updatedAt);
    };
    await save(checkout());
    await save(db());
    await save(ledger());
    const tenants = new Map<string, TenantInfo>([
      ['acme', ACME],
      [
        'initech',
        {
          ...ACME,
          name: 'initech',
          entityRef: 'group:default/initech',
          tier: 'basic',
          monthlyBudget: 1200,
        },
      ],
    ]);
    app = express()
      .use(
        createCostRoutes({
          store,
          costService: service(),
          tenants: async () => tenants,
          authorize,
        }),
      )
      .use(mockErrorHandler());
  });

  afterAll(async () => {
    await knex.destroy();
  });

  beforeEach(() => authorize.mockClear());

  it('returns each cluster with its allocated, capacity and idle cost per hour', async () => {
    const res = await request(app).get('/cost/clusters');
    expect(res.status).toBe(200);
    // Same fixtures as CostService.test: cluster a has a configured capacity, b has none.
    const a = res.body.find((c: { cluster: string }) => c.cluster === 'a');
    expect(a.hourly.capacity).toBeCloseTo(0.48, 6);
    expect(a.idleFraction).toBeGreaterThan(0);
    expect(a.hourly.idle).toBeCloseTo(
      a.hourly.capacity - a.hourly.allocated,
      6,
    );
    const b = res.body.find((c: { cluster: string }) => c.cluster === 'b');
    expect(b.hourly).toMatchObject({ capacity: null, idle: null });
    expect(authorize).toHaveBeenCalledTimes(1);

    const bad = await request(app).get('/cost/clusters?format=xml');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/format/);
  });

  it('returns a workload cost', async () => {
    const res = await request(app).get(
      `/workloads/${encodeURIComponent(
        'a/acme-prod/Deployment/checkout',
      )}/cost`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      workloadId: 'a/acme-prod/Deployment/checkout',
      currency: 'EUR',
      hourly: 0.1,
      monthToDate: 50,
      projectedMonth: { value: 100.4, lower: 92.84, upper: 107.96 },
      spot: { suitable: true, monthlySavings: 51.1 },
    });
    expect(authorize).toHaveBeenCalledTimes(1);
  });

  it('answers 404 for an unknown workload and 403 before looking when not allowed', async () => {
    const missing = await request(app).get('/workloads/nope/cost');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(/No managed workload 'nope'/);
    const denied = await request(app)
      .get('/workloads/nope/cost')
      .set('x-test-deny', '1');
    expect(denied.status).toBe(403);
  });

  it('returns a tenant summary with its budget status', async () => {
    const res = await request(app).get('/tenants/acme/summary');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tenant: 'acme',
      entityRef: 'group:default/acme',
      tier: 'premium',
      monthlyBudget: 150,
      totalReplicas: 6,
      budgetStatus: 'emergency',
      cost: {
        currency: 'EUR',
        monthToDate: 80,
        projectedMonth: { value: 180.8 },
      },
    });
    expect(res.body.workloads).toHaveLength(2);

    const empty = await request(app).get('/tenants/initech/summary');
    expect(empty.body).toMatchObject({
      totalReplicas: 0,
      budgetStatus: 'ok',
      workloads: [],
    });
  });

  it('answers 404 for an unknown tenant and 400 for a malformed name', async () => {
    const missing = await request(app).get('/tenants/globex/summary');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(/No tenant 'globex'/);
    const bad = await request(app).get(
      `/tenants/${encodeURIComponent('bad name!')}/summary`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /name: must be a catalog entity name/,
    );
  });

  it('exports a tenant as CSV', async () => {
    const res = await request(app).get('/cost/export?tenant=acme&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="autoscaling-cost-acme-2026-01.csv"',
    );
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^month,workload_id,/);
    expect(lines[1]).toMatch(
      /^2026-01,a\/acme-prod\/Deployment\/checkout,.*,100\.4,92\.84,107\.96,EUR$/,
    );
  });

  it('exports every workload without a tenant, and JSON on request', async () => {
    const all = await request(app).get('/cost/export');
    expect(all.status).toBe(200);
    expect(all.text.trimEnd().split('\r\n')).toHaveLength(4);
    const json = await request(app).get(
      '/cost/export?tenant=globex&format=json',
    );
    expect(json.body).toEqual([
      expect.objectContaining({
        workloadId: 'b/globex/Deployment/ledger',
        monthToDate: 0,
      }),
    ]);
  });

  it('rejects a bad export query naming the field', async () => {
    const format = await request(app).get('/cost/export?format=xml');
    expect(format.status).toBe(400);
    expect(format.body.error.message).toMatch(/format: /);
    const extra = await request(app).get('/cost/export?tenants=acme');
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/tenants/);
    const unknown = await request(app).get('/cost/export?tenant=nobody');
    expect(unknown.status).toBe(404);
    const denied = await request(app)
      .get('/cost/export')
      .set('x-test-deny', '1');
    expect(denied.status).toBe(403);
  });
});
