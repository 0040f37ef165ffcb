import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { DatabaseAuditLog } from './audit/AuditLog';
import { DEFAULT_GOVERNANCE_CONFIG } from './config';
import { GovernanceService } from './GovernanceService';
import type { GuardrailPricing } from './pricing';
import { CatalogTargetResolver } from './targets';
import {
  createTestDatabases,
  migratedDatabase,
} from './__testUtils__/database';
import {
  CATALOG_SEARCH,
  CHECKOUT,
  testEntities,
} from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const alice = { ref: 'user:default/alice' };
const bob = { ref: 'user:default/bob' };
const pat = { ref: 'user:default/pat' };
const priya = { ref: 'user:default/priya' };

/** A day of diurnal demand every minute (rps). */
function demand(): Array<{ t: number; value: number }> {
  const start = Date.parse('2026-11-21T00:00:00Z');
  return Array.from({ length: 24 * 60 }, (_, i) => ({
    t: start + i * 60_000,
    value: 300 + 250 * Math.sin((i / (24 * 60)) * 2 * Math.PI),
  }));
}

function setup(knex: Knex, history = demand(), pricing?: GuardrailPricing) {
  const notifications = { send: jest.fn().mockResolvedValue(undefined) };
  const auditLog = new DatabaseAuditLog({ knex });
  let now = Date.parse('2026-11-22T12:00:00Z');
  const clock = () => new Date((now += 1000));
  const governance = new GovernanceService({
    knex,
    logger: mockServices.logger.mock(),
    config: DEFAULT_GOVERNANCE_CONFIG,
    targets: new CatalogTargetResolver({
      catalog: catalogServiceMock({ entities: testEntities }),
      auth: mockServices.auth(),
    }),
    auditLog,
    notifications,
    demandHistory: jest.fn(async () => history),
    pricing,
    clock,
  });
  return { governance, auditLog, notifications };
}

const count = async (knex: Knex, table: string) =>
  Number((await knex(table).count({ n: '*' }))[0].n);

describe('GovernanceService', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'resolves effective policies with provenance, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const { governance } = setup(knex);
      const tenant = await governance.contextFor('tenant', 'acme');
      // Within the production bounds ratio (10 → 15 is +50%), so it applies at once.
      expect(
        (
          await governance.update(
            tenant,
            {
              override: { maxReplicas: 15 },
              version: 0,
              reason: 'acme default',
            },
            alice,
          )
        ).status,
      ).toBe('applied');
      const svc = await governance.contextFor('service', CHECKOUT);
      expect(
        (
          await governance.update(
            svc,
            { override: { minReplicas: 2 }, version: 0, reason: 'floor' },
            bob,
          )
        ).status,
      ).toBe('pending-approval'); // min 1 → 2 in production is +100%
      expect(
        (
          await governance.update(
            svc,
            {
              override: { minReplicas: 1, cooldownSeconds: 30 },
              version: 0,
              reason: 'cooldown',
            },
            bob,
          )
        ).status,
      ).toBe('applied');

      const effective = await governance.getEffectivePolicy(CHECKOUT);
      expect(effective.policy.maxReplicas).toBe(15);
      expect(effective.policy.minReplicas).toBe(1);
      expect(effective.policy.cooldownSeconds).toBe(30);
      expect(effective.provenance.maxReplicas).toBe('tenant');
      expect(effective.provenance.minReplicas).toBe('service');
      expect(effective.provenance.evaluationIntervalSeconds).toBe('default');
      expect(
        effective.documents.map(
          d => `${d.target.level}/${d.target.name}@${d.version}`,
        ),
      ).toEqual([
        'global/default@0',
        'environment/production@0',
        'tier/enterprise@0',
        'tenant/acme@1',
        `service/${CHECKOUT}@1`,
      ]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a stale version with 409, keeps the winner and audits both, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const { governance, auditLog } = setup(knex);
      const ctx = await governance.contextFor('service', CATALOG_SEARCH);
      const results = await Promise.allSettled([
        governance.update(
          ctx,
          { override: { maxReplicas: 11 }, version: 0, reason: 'alice' },
          alice,
        ),
        governance.update(
          ctx,
          { override: { maxReplicas: 12 }, version: 0, reason: 'bob' },
          bob,
        ),
      ]);
      const applied = results.filter(r => r.status === 'fulfilled');
      const refused = results.filter(
        r => r.status === 'rejected',
      ) as PromiseRejectedResult[];
      expect(applied).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0].reason).toBeInstanceOf(ConflictError);

      const doc = await governance.getDocument(ctx.target);
      expect(doc.version).toBe(1);
      const winner = (applied[0] as PromiseFulfilledResult<any>).value.document
        .override.maxReplicas;
      expect(doc.override.maxReplicas).toBe(winner);

      const events = await auditLog.query({
        target: CATALOG_SEARCH,
        ascending: true,
      });
      expect(events).toHaveLength(2);
      expect(
        events.map(e => (e.after as any).outcome ?? 'applied').sort(),
      ).toEqual(['applied', 'refused']);

      // The loser reloads and applies on top: nothing lost, both versions in the history.
      await governance.update(
        ctx,
        {
          override: { ...doc.override, cooldownSeconds: 60 },
          version: 1,
          reason: 'retry',
        },
        bob,
      );
      const history = await governance.policies.history(ctx.target);
      expect(history.map(h => h.version)).toEqual([2, 1]);
      expect(history[0].override).toEqual({
        maxReplicas: winner,
        cooldownSeconds: 60,
      });
      expect(await auditLog.verify()).toEqual(
        expect.objectContaining({ ok: true, checked: 3 }),
      );
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects bad input naming the field and changes nothing, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const { governance } = setup(knex);
      const ctx = await governance.contextFor('service', CHECKOUT);
      await expect(
        governance.update(
          ctx,
          { override: { maxReplicas: -3 }, version: 0, reason: 'x' },
          bob,
        ),
      ).rejects.toThrow(InputError);
      await expect(
        governance.update(
          ctx,
          { override: { maxReplicas: -3 }, version: 0, reason: 'x' },
          bob,
        ),
      ).rejects.toThrow(/^override\.maxReplicas: /);
      // Cross-field: valid alone, invalid once resolved.
      await expect(
        governance.update(
          ctx,
          {
            override: { minReplicas: 8, maxReplicas: 4 },
            version: 0,
            reason: 'x',
          },
          bob,
        ),
      ).rejects.toThrow(
        /override\.minReplicas: minReplicas \(8\) is above maxReplicas \(4\)/,
      );
      await expect(
        governance.update(
          ctx,
          { override: { maxReplica: 4 }, version: 0, reason: 'x' },
          bob,
        ),
      ).rejects.toThrow(/maxReplica/);
      expect(await count(knex, 'policy_documents')).toBe(0);
      expect(await count(knex, 'audit_events')).toBe(0);
      expect(await count(knex, 'change_requests')).toBe(0);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'turns a guardrail crossing into a change request with a backtest; four eyes; approval applies, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const { governance, auditLog, notifications } = setup(knex);
      const ctx = await governance.contextFor('service', CHECKOUT);
      // 10 → 80 replicas: above acme's quota of 60, more than 50% in production, +1277.5/month.
      const result = await governance.update(
        ctx,
        { override: { maxReplicas: 80 }, version: 0, reason: 'black friday' },
        alice,
      );
      expect(result.status).toBe('pending-approval');
      if (result.status !== 'pending-approval') throw new Error('unreachable');
      const request = result.changeRequest as any;
      expect(request.guardrails.map((g: any) => g.code).sort()).toEqual([
        'ABOVE_TENANT_QUOTA',
        'COST_INCREASE',
        'PRODUCTION_BOUNDS_CHANGE',
      ]);
      expect(request.diff).toEqual([
        { path: 'maxReplicas', before: null, after: 80 },
      ]);
      expect(request.backtest).not.toBeNull();
      expect(request.backtest.series.length).toBeGreaterThan(10);
      // The day peaks at 550 rps = 6.9 pods at 80% CPU: both policies cover it, and the
      // replica-hours are the same because the peak stays below the old max of 10.
      expect(request.backtest.old.replicaHours).toBeGreaterThan(0);
      expect(request.backtestNote).toBeNull();
      expect((await governance.getDocument(ctx.target)).version).toBe(0);
      expect(notifications.send).toHaveBeenCalledWith(
        expect.objectContaining({
          recipients: {
            type: 'entity',
            entityRef: 'group:default/platform-team',
          },
        }),
      );

      await expect(governance.approve(request.id, alice, null)).rejects.toThrow(
        NotAllowedError,
      );
      await expect(governance.approve(request.id, alice, null)).rejects.toThrow(
        /Four-eyes/,
      );
      const approved = await governance.approve(
        request.id,
        pat,
        'ok for the sale',
      );
      expect(approved).toEqual(
        expect.objectContaining({
          status: 'applied',
          decidedBy: pat.ref,
          comment: 'ok for the sale',
        }),
      );
      const doc = await governance.getDocument(ctx.target);
      expect(doc).toEqual(
        expect.objectContaining({
          version: 1,
          override: { maxReplicas: 80 },
          updatedBy: pat.ref,
        }),
      );
      expect(notifications.send).toHaveBeenLastCalledWith(
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: alice.ref },
        }),
      );
      const actions = (
        await auditLog.query({ target: CHECKOUT, ascending: true })
      ).map(e => `${e.action}:${e.actor}`);
      expect(actions).toEqual([
        `change.request:${alice.ref}`,
        `change.approve:${pat.ref}`,
      ]);
      await expect(governance.approve(request.id, priya, null)).rejects.toThrow(
        /already applied/,
      );
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    "prices the cost guardrail and the backtest with the service's replica price (the cost card's model), %p",
    async id => {
      const knex = await migratedDatabase(databases, id);
      const pricing = {
        currency: 'EUR',
        replicaHourly: jest.fn(async (ref: string) =>
          ref === CHECKOUT ? [0.1] : [],
        ),
      };
      const { governance } = setup(knex, demand(), pricing);
      const ctx = await governance.contextFor('service', CHECKOUT);
      const result = await governance.update(
        ctx,
        { override: { maxReplicas: 80 }, version: 0, reason: 'black friday' },
        alice,
      );
      if (result.status !== 'pending-approval')
        throw new Error(`expected a change request, got ${result.status}`);
      const request = result.changeRequest as any;
      const cost = request.guardrails.find(
        (g: any) => g.code === 'COST_INCREASE',
      );
      // 80 replicas × €0.10 × 730 h = €5,840, in the catalog's currency, with the price named.
      expect(cost.message).toMatch(/to €5,840\b.*at €0\.1 per replica-hour/);
      expect(request.backtest.pricing).toEqual({
        currency: 'EUR',
        replicaHourly: 0.1,
      });
      const hours =
        (Date.parse(request.backtest.to) - Date.parse(request.backtest.from)) /
        3600_000;
      // The backtest's month: its replica-hours per hour × 730 h × the same €0.10.
      expect(request.backtest.new.monthlyCost).toBeCloseTo(
        (request.backtest.new.replicaHours / hours) * 730 * 0.1,
        0,
      );
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses approving a superseded request, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const { governance, auditLog } = setup(knex);
      const ctx = await governance.contextFor('service', CHECKOUT);
      const result = await governance.update(
        ctx,
        { override: { mode: 'off' }, version: 0, reason: 'pause' },
        bob,
      );
      expect(result.status).toBe('pending-approval');
      const requestId = (result as any).changeRequest.id;
      // Someone changes the policy meanwhile (within guardrails).
      await governance.update(
        ctx,
        { override: { minReplicas: 1 }, version: 0, reason: 'tweak' },
        alice,
      );

      await expect(governance.approve(requestId, pat, null)).rejects.toThrow(
        ConflictError,
      );
      const after = await governance.getChangeRequest(requestId);
      expect(after.status).toBe('superseded');
      expect(await governance.getDocument(ctx.target)).toEqual(
        expect.objectContaining({ version: 1, override: { minReplicas: 1 } }),
      );
      const last = (await auditLog.query({ limit: 1 }))[0];
      expect(last).toEqual(
        expect.objectContaining({ action: 'change.approve', actor: pat.ref }),
      );
      expect((last.after as any).status).toBe('superseded');
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects with a comment and says so when there is no history, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const { governance, notifications } = setup(knex, []);
      const ctx = await governance.contextFor('service', CHECKOUT);
      const result = (await governance.update(
        ctx,
        { override: { mode: 'off' }, version: 0, reason: 'pause' },
        bob,
      )) as any;
      expect(result.changeRequest.backtest).toBeNull();
      expect(result.changeRequest.backtestNote).toMatch(
        /no recent demand history/,
      );
      const rejected = await governance.reject(
        result.changeRequest.id,
        priya,
        'not during the sale',
      );
      expect(rejected).toEqual(
        expect.objectContaining({
          status: 'rejected',
          comment: 'not during the sale',
        }),
      );
      expect(notifications.send).toHaveBeenLastCalledWith(
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: bob.ref },
        }),
      );
      expect((await governance.getDocument(ctx.target)).version).toBe(0);
      expect(
        await governance.listChangeRequests({ status: 'rejected' }),
      ).toHaveLength(1);
      expect(
        await governance.listChangeRequests({ status: 'pending' }),
      ).toHaveLength(0);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'validates without saving, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const { governance } = setup(knex);
      const ctx = await governance.contextFor('tenant', 'acme');
      const ok = await governance.validate(ctx, { maxReplicas: 15 });
      expect(ok).toEqual({
        valid: true,
        issues: [],
        guardrails: [],
        diff: [{ path: 'maxReplicas', before: null, after: 15 }],
      });
      const bad = await governance.validate(ctx, {
        metrics: [{ type: 'Resource', resource: 'disk' }],
      });
      expect(bad.valid).toBe(false);
      expect(bad.issues[0].path).toMatch(/^metrics\[0\]/);
      const crossing = await governance.validate(ctx, { mode: 'off' });
      expect(crossing.guardrails.map(g => g.code)).toEqual([
        'PRODUCTION_DISABLED',
      ]);
      expect(await count(knex, 'policy_documents')).toBe(0);
      await knex.destroy();
    },
  );
});
