import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import type { Knex } from 'knex';
import { createTestDatabases } from './__testUtils__/database';
import { CATALOG_SEARCH, CHECKOUT, LEDGER } from './__testUtils__/fixtures';
import { GUEST_REF } from './__testUtils__/rolePolicy';
import {
  CHECKOUT_WORKLOAD,
  governanceTestFeatures,
  LEDGER_WORKLOAD,
  type TestBackendOptions,
} from './__testUtils__/testPlugin';

jest.setTimeout(120_000);

const as = (user: string) =>
  mockCredentials.user.header(
    user === 'guest' ? GUEST_REF : `user:default/${user}`,
  );
const enc = encodeURIComponent;

async function start(options: TestBackendOptions = {}) {
  const backend = await startTestBackend({
    features: governanceTestFeatures(options),
  });
  return { backend, server: backend.server };
}

async function auditCount(server: any): Promise<number> {
  const res = await request(server)
    .get('/api/autoscaling/audit?limit=10000')
    .set('Authorization', as('pat'));
  expect(res.status).toBe(200);
  return res.body.length;
}

describe('governance routes', () => {
  describe('authorization matrix (demo role policy, permission.enabled: true)', () => {
    // [route, method, path, body]; each request is built so an allowed caller gets a non-403
    // answer without changing anything that later rows depend on (stale versions → 409).
    type Row = [string, 'get' | 'post' | 'put', string, object | undefined];
    const stale = {
      override: { cooldownSeconds: 10 },
      version: 999,
      reason: 'matrix',
    };
    const rows: Row[] = [
      [
        'effective own',
        'get',
        `/policies/effective?entityRef=${enc(CHECKOUT)}`,
        undefined,
      ],
      [
        'effective other',
        'get',
        `/policies/effective?entityRef=${enc(LEDGER)}`,
        undefined,
      ],
      ['read service', 'get', `/policies/service/${enc(CHECKOUT)}`, undefined],
      [
        'read service other',
        'get',
        `/policies/service/${enc(LEDGER)}`,
        undefined,
      ],
      ['read global', 'get', '/policies/global/default', undefined],
      [
        'history',
        'get',
        `/policies/service/${enc(CHECKOUT)}/history`,
        undefined,
      ],
      [
        'validate',
        'post',
        `/policies/service/${enc(CHECKOUT)}/validate`,
        { override: { maxReplicas: 5 } },
      ],
      [
        'update own service',
        'put',
        `/policies/service/${enc(CHECKOUT)}`,
        stale,
      ],
      [
        'update other service',
        'put',
        `/policies/service/${enc(LEDGER)}`,
        stale,
      ],
      ['update own tenant', 'put', '/policies/tenant/acme', stale],
      ['update other tenant', 'put', '/policies/tenant/globex', stale],
      ['update tier', 'put', '/policies/tier/enterprise', stale],
      ['update environment', 'put', '/policies/environment/production', stale],
      ['update global', 'put', '/policies/global/default', stale],
      [
        'permissions',
        'get',
        `/permissions?entityRef=${enc(CHECKOUT)}`,
        undefined,
      ],
      ['list change requests', 'get', '/change-requests', undefined],
      ['approve', 'post', '/change-requests/nope/approve', { comment: 'x' }],
      ['reject', 'post', '/change-requests/nope/reject', { comment: 'x' }],
      ['audit', 'get', '/audit', undefined],
      ['audit verify', 'get', '/audit/verify', undefined],
      ['audit export', 'get', '/audit/export?format=csv', undefined],
      // Cost and budget reads (autoscaling.cost.read, issue 15 item 12).
      ['tenant cost acme', 'get', '/tenants/acme/summary', undefined],
      ['tenant cost globex', 'get', '/tenants/globex/summary', undefined],
      [
        'workload cost checkout',
        'get',
        `/workloads/${enc(CHECKOUT_WORKLOAD)}/cost`,
        undefined,
      ],
      [
        'workload cost ledger',
        'get',
        `/workloads/${enc(LEDGER_WORKLOAD)}/cost`,
        undefined,
      ],
      ['cost export acme', 'get', '/cost/export?tenant=acme', undefined],
      [
        'cost export (readable rows)',
        'get',
        '/cost/export?format=json',
        undefined,
      ],
      [
        'change request on checkout',
        'get',
        '/change-requests/{checkout-request}',
        undefined,
      ],
    ];
    const reads = [0, 1, 2, 3, 4, 5, 6, 14, 15];
    const expected: Record<string, number[]> = {
      // platform team: everything
      pat: rows.map((_, i) => i),
      // tenant admin of acme: reads, acme's service and tenant documents, acme's cost
      alice: [...reads, 7, 9, 21, 23, 25, 26, 27],
      // owner of checkout-api (acme-checkout, a team of acme): reads, own service only, its
      // cost and requests, and acme's cost as a member of acme through his team
      bob: [...reads, 7, 21, 23, 25, 26, 27],
      // owner of ledger-api (globex-finance, a team of globex): reads, own service only, its
      // cost, globex's cost through his team
      gus: [...reads, 8, 22, 24, 26],
      // tenant admin of globex
      gina: [...reads, 8, 10, 22, 24, 26],
      // nobody in particular: reads only, no cost
      eve: reads,
      // the guest sign-in: reads only, no cost
      guest: reads,
    };

    let server: any;
    let stop: () => Promise<void>;
    let checkoutRequest = '';
    beforeAll(async () => {
      const started = await start({ costRoutes: true });
      server = started.server;
      stop = () => started.backend.stop();
      // A pending change request on checkout-api (above acme's quota), to read.
      const res = await request(server)
        .put(`/api/autoscaling/policies/service/${enc(CHECKOUT)}`)
        .set('Authorization', as('alice'))
        .send({ override: { maxReplicas: 75 }, version: 0, reason: 'launch' });
      if (res.status !== 202)
        throw new Error(`expected a change request, got ${res.status}`);
      checkoutRequest = res.body.changeRequest.id;
    });
    afterAll(() => stop());

    it.each(Object.keys(expected))(
      'matches the role matrix for %s',
      async user => {
        const unexpected: string[] = [];
        for (const [i, [name, method, template, body]] of rows.entries()) {
          const path = template.replace('{checkout-request}', checkoutRequest);
          let req = request(server)
            [method](`/api/autoscaling${path}`)
            .set('Authorization', as(user));
          if (body) req = req.send(body);
          const res = await req;
          const allowed = res.status !== 403;
          expect(res.status).toBeLessThan(500);
          if (allowed !== expected[user].includes(i)) {
            unexpected.push(
              `${name}: ${allowed ? 'allowed' : 'denied'} (${
                res.status
              } ${JSON.stringify(res.body?.error?.message ?? '')})`,
            );
          }
        }
        expect(unexpected).toEqual([]);
      },
    );

    it('shows change requests and cost export rows only where the caller may read cost, and says why not', async () => {
      const requestIds = async (user: string) => {
        const res = await request(server)
          .get('/api/autoscaling/change-requests')
          .set('Authorization', as(user));
        expect(res.status).toBe(200);
        return res.body.map((r: { id: string }) => r.id);
      };
      for (const user of ['pat', 'alice', 'bob']) {
        expect([user, await requestIds(user)]).toEqual([
          user,
          [checkoutRequest],
        ]);
      }
      for (const user of ['gus', 'gina', 'eve', 'guest']) {
        expect([user, await requestIds(user)]).toEqual([user, []]);
      }
      const exported = async (user: string) => {
        const res = await request(server)
          .get('/api/autoscaling/cost/export?format=json')
          .set('Authorization', as(user));
        return res.status === 200
          ? res.body.map((r: { entityRef: string }) => r.entityRef).sort()
          : res.status;
      };
      expect(await exported('pat')).toEqual([CHECKOUT, LEDGER]);
      expect(await exported('bob')).toEqual([CHECKOUT]);
      expect(await exported('gina')).toEqual([LEDGER]);
      expect(await exported('guest')).toBe(403);

      const summary = await request(server)
        .get('/api/autoscaling/tenants/acme/summary')
        .set('Authorization', as('guest'));
      expect(summary.status).toBe(403);
      expect(summary.body.error.name).toBe('NotAllowedError');
      expect(summary.body.error.message).toMatch(
        /not allowed to read the cost and budget of tenant 'acme'/,
      );
      const cr = await request(server)
        .get(`/api/autoscaling/change-requests/${checkoutRequest}`)
        .set('Authorization', as('gus'));
      expect(cr.status).toBe(403);
      expect(cr.body.error.message).toMatch(
        /not allowed to read change request .* on component:default\/checkout-api/,
      );
    });

    it('reports each user what they may do on a target', async () => {
      const res = await request(server)
        .get(`/api/autoscaling/permissions?entityRef=${enc(CHECKOUT)}`)
        .set('Authorization', as('bob'));
      expect(res.body).toEqual({
        canEditPolicy: true,
        canScale: true,
        canApprove: false,
        canAdminister: false,
        canReadAudit: false,
      });
      const other = await request(server)
        .get(`/api/autoscaling/permissions?entityRef=${enc(LEDGER)}`)
        .set('Authorization', as('bob'));
      expect(other.body.canEditPolicy).toBe(false);
      const platform = await request(server)
        .get(`/api/autoscaling/permissions?entityRef=${enc(LEDGER)}`)
        .set('Authorization', as('pat'));
      expect(Object.values(platform.body)).toEqual([
        true,
        true,
        true,
        true,
        true,
      ]);
    });
  });

  it('denies every governance route with a DENY policy', async () => {
    const { backend, server } = await start({ permissions: 'deny' });
    try {
      const paths: Array<['get' | 'put' | 'post', string]> = [
        ['get', `/policies/effective?entityRef=${enc(CHECKOUT)}`],
        ['get', `/policies/service/${enc(CHECKOUT)}`],
        ['put', `/policies/service/${enc(CHECKOUT)}`],
        ['put', '/policies/global/default'],
        ['get', '/change-requests'],
        ['post', '/change-requests/x/approve'],
        ['get', '/audit'],
        ['get', '/audit/verify'],
        ['get', '/audit/export'],
      ];
      for (const [method, path] of paths) {
        const res = await request(server)
          [method](`/api/autoscaling${path}`)
          .set('Authorization', as('pat'))
          .send({ override: { maxReplicas: 5 }, version: 0, reason: 'x' });
        expect([path, res.status]).toEqual([path, 403]);
      }
    } finally {
      await backend.stop();
    }
  });

  it('answers bad input with 400 naming the field, and changes nothing', async () => {
    const { backend, server } = await start();
    try {
      const put = (body: object) =>
        request(server)
          .put(`/api/autoscaling/policies/service/${enc(CHECKOUT)}`)
          .set('Authorization', as('bob'))
          .send(body);
      const cases: Array<[object, RegExp]> = [
        [
          { override: { maxReplicas: 'lots' }, version: 0, reason: 'x' },
          /^override\.maxReplicas: /,
        ],
        [
          {
            override: { minReplicas: 9, maxReplicas: 3 },
            version: 0,
            reason: 'x',
          },
          /override\.minReplicas: /,
        ],
        [{ override: {}, version: 'one', reason: 'x' }, /^version: /],
        [{ override: {}, version: 0 }, /^reason: /],
        [{ override: [], version: 0, reason: 'x' }, /^override: /],
        [{ override: {}, version: 0, reason: 'x', extra: 1 }, /extra/],
      ];
      for (const [body, message] of cases) {
        const res = await put(body);
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message).toMatch(message);
      }
      const malformed = await request(server)
        .put(`/api/autoscaling/policies/service/${enc(CHECKOUT)}`)
        .set('Authorization', as('bob'))
        .set('Content-Type', 'application/json')
        .send('{"override": ');
      expect(malformed.status).toBe(400);
      const more: Array<[string, RegExp]> = [
        ['/policies/planet/mars', /^level: /],
        ['/policies/tier/gold', /^name: /],
        ['/policies/global/other', /^name: /],
        ['/policies/effective', /^entityRef: /],
        ['/audit?action=delete', /^action: /],
        ['/audit?from=yesterday', /^from: /],
        ['/audit?limit=0', /^limit: /],
        ['/change-requests?status=open', /^status: /],
      ];
      for (const [path, message] of more) {
        const res = await request(server)
          .get(`/api/autoscaling${path}`)
          .set('Authorization', as('pat'));
        expect([path, res.status]).toEqual([path, 400]);
        expect(res.body.error.message).toMatch(message);
      }
      const missing = await request(server)
        .get(
          `/api/autoscaling/policies/service/${enc('component:default/nope')}`,
        )
        .set('Authorization', as('pat'));
      expect(missing.status).toBe(404);
      const doc = await request(server)
        .get(`/api/autoscaling/policies/service/${enc(CHECKOUT)}`)
        .set('Authorization', as('bob'));
      expect(doc.body.version).toBe(0);
      expect(await auditCount(server)).toBe(0);
    } finally {
      await backend.stop();
    }
  });

  describe.each(createTestDatabases().eachSupportedId())(
    'on %p',
    databaseId => {
      const databases = createTestDatabases();
      let knex: Knex;
      beforeEach(async () => {
        knex = await databases.init(databaseId);
      });
      afterEach(async () => {
        await knex.destroy();
      });

      it('runs the approval flow end to end, one audit row per mutating call', async () => {
        const send = jest.fn().mockResolvedValue(undefined);
        const start0 = Date.parse('2026-11-21T00:00:00Z');
        const { backend, server } = await start({
          knex,
          notifications: { send },
          demandHistory: async () =>
            Array.from({ length: 600 }, (_, i) => ({
              t: start0 + i * 60_000,
              value: 200 + (i % 120),
            })),
        });
        try {
          const base = `/api/autoscaling/policies/service/${enc(CHECKOUT)}`;
          let audits = await auditCount(server);
          const expectOneMoreAuditRow = async () => {
            const now = await auditCount(server);
            expect(now).toBe(audits + 1);
            audits = now;
          };

          // Within guardrails: applied at once.
          const small = await request(server)
            .put(base)
            .set('Authorization', as('bob'))
            .send({
              override: { cooldownSeconds: 30 },
              version: 0,
              reason: 'calmer',
            });
          expect(small.status).toBe(200);
          expect(small.body).toEqual(
            expect.objectContaining({ status: 'applied' }),
          );
          expect(small.body.document.version).toBe(1);
          await expectOneMoreAuditRow();

          // Over the tenant quota: a change request.
          const big = await request(server)
            .put(base)
            .set('Authorization', as('alice'))
            .send({
              override: { cooldownSeconds: 30, maxReplicas: 75 },
              version: 1,
              reason: 'launch',
            });
          expect(big.status).toBe(202);
          expect(big.body.status).toBe('pending-approval');
          const cr = big.body.changeRequest;
          expect(cr.guardrails.map((g: any) => g.code)).toContain(
            'ABOVE_TENANT_QUOTA',
          );
          expect(cr.backtest.old.replicaHours).toBeGreaterThan(0);
          await expectOneMoreAuditRow();
          expect(send).toHaveBeenCalledWith(
            expect.objectContaining({
              recipients: {
                type: 'entity',
                entityRef: 'group:default/platform-team',
              },
            }),
          );

          const pending = await request(server)
            .get('/api/autoscaling/change-requests?status=pending')
            .set('Authorization', as('bob'));
          expect(pending.body.map((r: any) => r.id)).toEqual([cr.id]);

          // The requester cannot approve (even with the permission: pat's own request below).
          const own = await request(server)
            .post(`/api/autoscaling/change-requests/${cr.id}/approve`)
            .set('Authorization', as('alice'))
            .send({});
          expect(own.status).toBe(403);
          const notPlatform = await request(server)
            .post(`/api/autoscaling/change-requests/${cr.id}/approve`)
            .set('Authorization', as('bob'))
            .send({});
          expect(notPlatform.status).toBe(403);
          expect(await auditCount(server)).toBe(audits);

          const approved = await request(server)
            .post(`/api/autoscaling/change-requests/${cr.id}/approve`)
            .set('Authorization', as('pat'))
            .send({ comment: 'go' });
          expect(approved.status).toBe(200);
          expect(approved.body).toEqual(
            expect.objectContaining({
              status: 'applied',
              decidedBy: 'user:default/pat',
            }),
          );
          await expectOneMoreAuditRow();
          const doc = await request(server)
            .get(base)
            .set('Authorization', as('bob'));
          expect(doc.body).toEqual(
            expect.objectContaining({
              version: 2,
              override: { cooldownSeconds: 30, maxReplicas: 75 },
            }),
          );
          expect(send).toHaveBeenLastCalledWith(
            expect.objectContaining({
              recipients: { type: 'entity', entityRef: 'user:default/alice' },
            }),
          );

          // Four eyes applies to the platform team too.
          const global = await request(server)
            .put('/api/autoscaling/policies/global/default')
            .set('Authorization', as('pat'))
            .send({
              override: { minReplicas: 1, maxReplicas: 10, mode: 'off' },
              version: 0,
              reason: 'freeze',
            });
          expect(global.status).toBe(202);
          await expectOneMoreAuditRow();
          const selfApprove = await request(server)
            .post(
              `/api/autoscaling/change-requests/${global.body.changeRequest.id}/approve`,
            )
            .set('Authorization', as('pat'))
            .send({});
          expect(selfApprove.status).toBe(403);
          expect(selfApprove.body.error.message).toMatch(/Four-eyes/);
          const rejected = await request(server)
            .post(
              `/api/autoscaling/change-requests/${global.body.changeRequest.id}/reject`,
            )
            .set('Authorization', as('priya'))
            .send({ comment: 'not now' });
          expect(rejected.status).toBe(200);
          expect(rejected.body.status).toBe('rejected');
          await expectOneMoreAuditRow();

          const trail = await request(server)
            .get(`/api/autoscaling/audit?entityRef=${enc(CHECKOUT)}`)
            .set('Authorization', as('pat'));
          expect(
            trail.body.map((e: any) => `${e.action} ${e.actor}`).reverse(),
          ).toEqual([
            'policy.update user:default/bob',
            'change.request user:default/alice',
            'change.approve user:default/pat',
          ]);
          const csv = await request(server)
            .get('/api/autoscaling/audit/export?format=csv')
            .set('Authorization', as('pat'));
          expect(csv.status).toBe(200);
          expect(csv.headers['content-type']).toMatch(/text\/csv/);
          expect(csv.text.trim().split('\n')).toHaveLength(1 + audits);
          const json = await request(server)
            .get(
              '/api/autoscaling/audit/export?format=json&action=change.reject',
            )
            .set('Authorization', as('pat'));
          expect(json.body.map((e: any) => e.actor)).toEqual([
            'user:default/priya',
          ]);
          const verify = await request(server)
            .get('/api/autoscaling/audit/verify')
            .set('Authorization', as('pat'));
          expect(verify.body).toEqual(
            expect.objectContaining({ ok: true, checked: audits }),
          );
        } finally {
          await backend.stop();
        }
      });

      it('gives one of two concurrent updates 409, audits both, and keeps the audit over a restart', async () => {
        const first = await start({ knex });
        const base = `/api/autoscaling/policies/service/${enc(CATALOG_SEARCH)}`;
        try {
          const [a, b] = await Promise.all([
            request(first.server)
              .put(base)
              .set('Authorization', as('alice'))
              .send({ override: { maxReplicas: 11 }, version: 0, reason: 'a' }),
            request(first.server)
              .put(base)
              .set('Authorization', as('bob'))
              .send({ override: { maxReplicas: 12 }, version: 0, reason: 'b' }),
          ]);
          expect([a.status, b.status].sort()).toEqual([200, 409]);
          expect((a.status === 409 ? a : b).body.error.name).toBe(
            'ConflictError',
          );
          const trail = await request(first.server)
            .get(`/api/autoscaling/audit?entityRef=${enc(CATALOG_SEARCH)}`)
            .set('Authorization', as('pat'));
          expect(
            trail.body.map((e: any) => e.after.outcome ?? 'applied').sort(),
          ).toEqual(['applied', 'refused']);
        } finally {
          await first.backend.stop();
        }

        const second = await start({ knex });
        try {
          const verify = await request(second.server)
            .get('/api/autoscaling/audit/verify')
            .set('Authorization', as('pat'));
          expect(verify.body).toEqual(
            expect.objectContaining({ ok: true, checked: 2 }),
          );
          await knex('audit_events')
            .where({ id: 1 })
            .update({ reason: 'rewritten history' });
          const tampered = await request(second.server)
            .get('/api/autoscaling/audit/verify')
            .set('Authorization', as('pat'));
          expect(tampered.body).toEqual(
            expect.objectContaining({ ok: false, firstBrokenId: 1 }),
          );
        } finally {
          await second.backend.stop();
        }
      });
    },
  );
});
