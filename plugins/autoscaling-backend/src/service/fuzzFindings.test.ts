/**
 * What the API fuzz test (apiFuzz.test.ts) found, one request each, through the real plugin:
 * - a workload id with a NUL reached PostgreSQL (500 'invalid byte sequence'): no stored id
 *   holds one, so it is a 404 like any unknown id, on every workload route;
 * - a manual scale or rollback of a stored workload whose cluster is no longer registered
 *   was a 500 ('Cluster … is not registered'): it is a 409 naming the cluster;
 * - bodies between 100 KB and 256 KB were 413s though the OpenAPI documents promise 256 KB
 *   (the plugin's own JSON parser ran first with express's default 100 KB);
 * - with 256 KB bodies, an override of 12,000 values within the old 20,000-value limit
 *   blocked the event loop for 200-400 ms while the schema reported each bad value: the
 *   limit is 2,000 values, refused before any validation.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../governance/__testUtils__/database';
import { CHECKOUT, testEntities } from '../governance/__testUtils__/fixtures';
import { rolePolicyPermissions } from '../governance/__testUtils__/rolePolicy';
import { autoscalingPlugin } from '../plugin';
import { EngineStore } from '../store/EngineStore';

jest.setTimeout(120_000);

const API = '/api/autoscaling';
const WORKLOAD = 'gone/acme-production/Deployment/checkout-api';
const pat = mockCredentials.user.header('user:default/pat');

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'fuzz findings on %p',
  databaseId => {
    let knex: Knex;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      backend = await startTestBackend({
        features: [
          autoscalingPlugin,
          mockServices.database.factory({ knex }),
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          catalogServiceMock.factory({ entities: testEntities }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({ send: async () => {} }),
          }),
          createServiceFactory({
            service: coreServices.permissions,
            deps: {},
            factory: () => rolePolicyPermissions(),
          }),
          mockServices.rootConfig.factory({
            data: {
              permission: { enabled: true },
              autoscaling: {
                policies: {
                  globalDefault: { minReplicas: 2, maxReplicas: 10 },
                },
              },
            },
          }),
        ],
      });
      // A workload of cluster 'gone', which the configuration does not register (any more).
      const store = new EngineStore(knex);
      const [cluster, namespace, , name] = WORKLOAD.split('/');
      await store.upsertWorkload(
        {
          id: WORKLOAD,
          entityRef: CHECKOUT,
          cluster,
          namespace,
          kind: 'Deployment',
          name,
          tenant: 'acme',
          environment: 'production',
          tier: 'enterprise',
        },
        { podCpuRequest: 0.5 },
        null,
        Date.now(),
      );
      await store.recordDecision({
        workloadId: WORKLOAD,
        at: new Date(Date.now() - 60_000).toISOString(),
        kind: 'scale',
        from: 3,
        to: 5,
        mode: 'auto',
        outcome: 'applied',
        reasons: [
          { code: 'MetricsProposal', message: 'cpu asks for 5 replicas' },
        ],
      });
    });

    afterAll(async () => {
      await backend?.stop();
      await knex?.destroy();
    });

    it.each([
      ['get', 'history'],
      ['get', 'forecast'],
      ['get', 'recommendations'],
      ['get', 'cost'],
      ['post', 'scale'],
      ['post', 'rollback'],
    ] as const)(
      'a workload id with a NUL is an unknown workload: %s %s is a 404',
      async (method, suffix) => {
        const res = await request(backend.server)
          [method](
            `${API}/workloads/${encodeURIComponent(
              `nul\u0000inside`,
            )}/${suffix}`,
          )
          .set('Authorization', pat)
          .send(
            method === 'post'
              ? { replicas: 3, reason: 'fuzz finding' }
              : undefined,
          );
        expect(res.status).toBe(404);
        expect(res.body.error.message).toContain('No managed workload');
      },
    );

    it('a workload filter with a NUL matches nothing', async () => {
      for (const param of ['tenant', 'cluster']) {
        const res = await request(backend.server)
          .get(`${API}/workloads?${param}=a%00b`)
          .set('Authorization', pat);
        expect({ param, status: res.status, body: res.body }).toEqual({
          param,
          status: 200,
          body: [],
        });
      }
    });

    it('takes bodies up to 256 KB, as documented, and refuses larger ones with a 413', async () => {
      const validate = (size: number) =>
        request(backend.server)
          .post(
            `${API}/policies/service/${encodeURIComponent(CHECKOUT)}/validate`,
          )
          .set('Authorization', pat)
          .send({ override: { maxReplicas: 5 }, reason: 'r'.repeat(size) });
      const within = await validate(150_000);
      expect(within.status).toBe(200);
      expect(within.body.valid).toBe(true);
      expect((await validate(300_000)).status).toBe(413);
    });

    it('refuses an override of more than 2,000 values before validating it, naming the field', async () => {
      const queries = Object.fromEntries(
        Array.from({ length: 12_000 }, (_, i) => [`k${i}`, i]),
      );
      for (const [method, suffix] of [
        ['post', '/validate'],
        ['put', ''],
      ] as const) {
        const res = await request(backend.server)
          [method](
            `${API}/policies/service/${encodeURIComponent(CHECKOUT)}${suffix}`,
          )
          .set('Authorization', pat)
          .send({
            override: { maxReplicas: 5, queries },
            version: 0,
            reason: 'wide',
          });
        expect({
          method,
          status: res.status,
          message: res.body.error?.message,
        }).toEqual({
          method,
          status: 400,
          message: expect.stringMatching(
            /^(request body|override): has more than 2000 values$/,
          ),
        });
      }
    });

    it.each([
      ['scale', { replicas: 4, reason: 'more headroom' }],
      ['rollback', { reason: 'undo the last change' }],
    ])(
      '%s of a workload whose cluster is not registered is a 409 naming the cluster, and writes nothing',
      async (action, body) => {
        const audit = await knex('audit_events').count({ n: '*' });
        const res = await request(backend.server)
          .post(`${API}/workloads/${encodeURIComponent(WORKLOAD)}/${action}`)
          .set('Authorization', pat)
          .send(body);
        expect(res.status).toBe(409);
        expect(res.body.error.message).toContain(
          "Cluster 'gone' is not registered",
        );
        expect(await knex('audit_events').count({ n: '*' })).toEqual(audit);
        const decisions = await new EngineStore(knex).listDecisions(WORKLOAD, {
          limit: 10,
        });
        expect(decisions).toHaveLength(1);
      },
    );
  },
);
