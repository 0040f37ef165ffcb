import { mockErrorHandler } from '@backstage/backend-test-utils';
import { scalingPolicySchema } from '@internal/plugin-autoscaling-common';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { createCostRoutes } from '../cost';
import {
  createLiveForecastState,
  demandSeriesOf,
  predictiveStep,
} from '../evaluation/predictiveStep';
import { EngineStore, type WorkloadRecord } from '../store/EngineStore';
import { migrate } from '../store/migrate';
import { createEngineRoutes } from './engineRoutes';
import { createForecastRoutes } from './forecastRoutes';
import { createMetricSourceRoutes } from './metricSourceRoutes';

const spec = YAML.parse(
  fs.readFileSync(path.resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
);

const routesOf = (router: any): string[] =>
  router.stack
    .filter((layer: any) => layer.route)
    .flatMap((layer: any) =>
      Object.keys(layer.route.methods).map(
        m => `${m.toUpperCase()} ${layer.route.path}`,
      ),
    );

/** Resolves `$ref` and a single-element `allOf` (how nullable refs are written). */
function resolve(schema: any): any {
  if (schema?.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(spec.components.schemas[name]);
  }
  if (schema?.allOf?.length === 1)
    return { ...resolve(schema.allOf[0]), nullable: schema.nullable };
  return schema;
}

/** Every field of `value` is documented and every documented field is present, recursively. */
function expectMatches(value: unknown, schemaRef: any, at: string) {
  const schema = resolve(schemaRef);
  if (value === null) {
    expect({ at, nullable: Boolean(schema.nullable) }).toEqual({
      at,
      nullable: true,
    });
    return;
  }
  if (schema.type === 'array') {
    expect({ at, isArray: Array.isArray(value) }).toEqual({
      at,
      isArray: true,
    });
    for (const [i, item] of (value as unknown[]).slice(0, 3).entries()) {
      expectMatches(item, schema.items, `${at}[${i}]`);
    }
    return;
  }
  if (schema.type === 'object' || schema.properties) {
    const keys = Object.keys(value as object).sort();
    expect({ at, keys }).toEqual({
      at,
      keys: Object.keys(schema.properties).sort(),
    });
    expect({ at, keys }).toEqual({
      at,
      keys: [...(schema.required ?? [])].sort(),
    });
    for (const key of keys) {
      expectMatches(
        (value as any)[key],
        schema.properties[key],
        `${at}.${key}`,
      );
    }
    return;
  }
  const type = schema.type === 'integer' ? 'number' : schema.type;
  expect({ at, type: typeof value }).toEqual({ at, type });
  if (schema.type === 'integer')
    expect({ at, integer: Number.isInteger(value) }).toEqual({
      at,
      integer: true,
    });
}

describe('openapi.yaml', () => {
  it('describes exactly the routes the engine, cost, forecast and metric-source routers serve', () => {
    const documented = Object.entries(spec.paths as Record<string, object>)
      .flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter(m => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
          .map(m => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
      )
      .sort();
    const none = {} as any;
    const served = [
      // Served by createAutoscalingService itself.
      'GET /health',
      ...routesOf(createEngineRoutes({ ...none, clusters: [] })),
      ...routesOf(createCostRoutes({ ...none })),
      ...routesOf(createForecastRoutes({ ...none })),
      ...routesOf(createMetricSourceRoutes({ ...none })),
    ].sort();
    expect(documented).toEqual(served);
  });

  describe('forecast responses', () => {
    let knex: Knex;
    let app: express.Express;
    const record: WorkloadRecord = {
      id: 'sim/acme-production/Deployment/checkout-api',
      entityRef: 'component:default/checkout-api',
      cluster: 'sim',
      namespace: 'acme-production',
      kind: 'Deployment',
      name: 'checkout-api',
      tenant: 'acme',
      environment: 'production',
      tier: 'enterprise',
    };
    const NOW = Date.parse('2026-01-07T09:00:00Z');
    let store: EngineStore;

    beforeAll(async () => {
      knex = knexFactory({
        client: 'better-sqlite3',
        connection: ':memory:',
        useNullAsDefault: true,
      });
      await migrate(knex);
      store = new EngineStore(knex);
      const policy = scalingPolicySchema.parse({
        minReplicas: 2,
        maxReplicas: 20,
        metrics: [
          {
            type: 'Resource',
            resource: 'cpu',
            target: { type: 'Utilization', averageUtilization: 70 },
          },
        ],
        predictive: { enabled: true },
      });
      // Two days of diurnal demand, fitted as the evaluator would, then a day of live ticks.
      const points = Array.from({ length: 2 * 1440 }, (_, i) => {
        const atMs = NOW - 3 * 86_400_000 + i * 60_000;
        return {
          atMs,
          demand: 2 + Math.sin((2 * Math.PI * atMs) / 86_400_000),
        };
      });
      const live = createLiveForecastState();
      const last = points[points.length - 1];
      predictiveStep(live, {
        key: record.id,
        nowMs: last.atMs,
        demand: last.demand,
        policy,
        podCapacity: 0.5,
        startupSeconds: 60,
        history: demandSeriesOf(points),
      });
      for (let t = last.atMs + 60_000; t <= NOW; t += 60_000) {
        predictiveStep(live, {
          key: record.id,
          nowMs: t,
          demand:
            2 +
            Math.sin((2 * Math.PI * t) / 86_400_000) *
              (t > NOW - 600_000 ? 3 : 1),
          policy,
          podCapacity: 0.5,
          startupSeconds: 60,
        });
      }
      await store.upsertWorkload(
        record,
        {
          cost: {
            month: '2026-01',
            monthToDate: 1,
            hourly: 0.2,
            last: { replicas: 4 },
          },
        },
        { currentReplicas: 4, minReplicas: 2, maxReplicas: 20 } as any,
        NOW,
      );
      await store.saveForecastState(record.id, live as any, NOW);
      app = express()
        .use(
          createForecastRoutes({
            store,
            costService: { currency: 'USD' } as any,
            tenants: async () =>
              new Map([
                [
                  'acme',
                  {
                    name: 'acme',
                    entityRef: 'group:default/acme',
                    tier: 'enterprise',
                    replicaQuota: 60,
                    monthlyBudget: null,
                  },
                ],
              ]),
            authorize: async () => {},
            clock: () => NOW,
          }),
        )
        .use(mockErrorHandler());
    });
    afterAll(() => knex.destroy());

    it('GET /workloads/{id}/forecast answers with exactly the documented fields', async () => {
      const response = await request(app).get(
        `/workloads/${encodeURIComponent(record.id)}/forecast`,
      );
      expect(response.status).toBe(200);
      expect(response.body.points.length).toBe(288);
      expect(response.body.floor.peak).not.toBeNull();
      expect(response.body.accuracy).not.toBeNull();
      expectMatches(
        response.body,
        { $ref: '#/components/schemas/WorkloadForecast' },
        'WorkloadForecast',
      );
    });

    it('GET /tenants/{name}/forecast answers with exactly the documented fields', async () => {
      const response = await request(app).get('/tenants/acme/forecast');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        tenant: 'acme',
        workloads: 1,
        forecasted: 1,
        currency: 'USD',
      });
      expect(response.body.points).toHaveLength(24);
      // 0.05 per replica-hour (0.2 for 4 replicas).
      const first = response.body.points[0];
      expect(first.hourlyCost).toBeCloseTo(first.replicas * 0.05, 6);
      expectMatches(
        response.body,
        { $ref: '#/components/schemas/TenantForecast' },
        'TenantForecast',
      );
    });

    it('GET /tenants/{name}/forecast leaves out cost for a caller without autoscaling.cost.read', async () => {
      const denied = express()
        .use(
          createForecastRoutes({
            store,
            costService: { currency: 'USD' } as any,
            tenants: async () =>
              new Map([
                [
                  'acme',
                  {
                    name: 'acme',
                    entityRef: 'group:default/acme',
                    tier: 'enterprise',
                    replicaQuota: 60,
                    monthlyBudget: null,
                  },
                ],
              ]),
            authorize: async () => {},
            canReadCost: async (_req, refs) =>
              refs.map(ref => ref !== 'group:default/acme'),
            clock: () => NOW,
          }),
        )
        .use(mockErrorHandler());
      const response = await request(denied).get('/tenants/acme/forecast');
      expect(response.status).toBe(200);
      expect(response.body.currency).toBeNull();
      expect(response.body.points.length).toBeGreaterThan(0);
      expect(
        response.body.points.every(
          (p: { hourlyCost: unknown }) => p.hourlyCost === null,
        ),
      ).toBe(true);
      expect(response.body.points[0].replicas).toBeGreaterThan(0);
      expectMatches(
        response.body,
        { $ref: '#/components/schemas/TenantForecast' },
        'TenantForecast',
      );
    });

    it('names the field of a bad tenant and answers 404 for unknown ones', async () => {
      const bad = await request(app).get('/tenants/-x/forecast');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/name/);
      expect((await request(app).get('/tenants/globex/forecast')).status).toBe(
        404,
      );
      expect((await request(app).get('/workloads/nope/forecast')).status).toBe(
        404,
      );
    });
  });
});
