import { mockServices } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  migratedDatabase,
} from '../__testUtils__/database';
import { auditEventsToCsv, DatabaseAuditLog } from './AuditLog';

jest.setTimeout(60_000);

describe('DatabaseAuditLog', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'chains rows and verifies them, %p',
    async databaseId => {
      const knex = await migratedDatabase(databases, databaseId);
      const auditor = mockServices.auditor.mock();
      const success = jest.fn();
      auditor.createEvent.mockResolvedValue({ success, fail: jest.fn() });
      const log = new DatabaseAuditLog({ knex, auditor });

      expect(await log.verify()).toEqual(
        expect.objectContaining({ ok: true, checked: 0, firstBrokenId: null }),
      );
      const first = await log.append({
        actor: 'user:default/alice',
        action: 'policy.update',
        target: 'component:default/checkout-api',
        before: { maxReplicas: 10 },
        after: { maxReplicas: 12, nested: { b: 1, a: [1, 'x'] } },
        reason: 'more headroom',
      });
      const second = await log.append({
        actor: 'user:default/pat',
        action: 'engine.kill-switch',
        target: 'engine',
        before: { enabled: false },
        after: { enabled: true },
        reason: 'incident',
      });
      expect(first.id).toBe(1);
      expect(second.id).toBe(2);
      expect(second.prevHash).toBe(first.hash);
      expect(await log.verify()).toEqual({
        ok: true,
        checked: 2,
        firstBrokenId: null,
        message: 'all 2 audit rows verified',
        broken: [],
        brokenTotal: 0,
        // The first append anchored the chain (no anchor existed yet).
        anchor: expect.objectContaining({
          lastId: 1,
          hash: first.hash,
          source: 'checkpoint',
        }),
      });
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'policy-update',
          severityLevel: 'high',
        }),
      );
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'engine-kill-switch',
          severityLevel: 'critical',
        }),
      );
      // Two rows and the checkpoint of the first (anchors.ts).
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'audit-checkpoint',
          severityLevel: 'medium',
        }),
      );
      expect(success).toHaveBeenCalledTimes(3);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'reports an edited row by its id, %p',
    async databaseId => {
      const knex = await migratedDatabase(databases, databaseId);
      const log = new DatabaseAuditLog({ knex });
      for (let i = 0; i < 4; i++) {
        await log.append({
          actor: 'user:default/bob',
          action: 'workload.scale',
          target: 'sim-local/acme/Deployment/checkout-api',
          before: { replicas: i },
          after: { replicas: i + 1 },
          reason: `step ${i}`,
        });
      }
      await knex('audit_events')
        .where({ id: 3 })
        .update({ actor: 'user:default/mallory' });
      const result = await log.verify();
      expect(result.ok).toBe(false);
      expect(result.firstBrokenId).toBe(3);
      // Every row is checked; only row 3 is broken.
      expect(result.checked).toBe(4);
      expect(result.broken).toEqual([
        { id: 3, message: expect.stringMatching(/row 3 was modified/) },
      ]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'reports a deleted row and a deleted tail, %p',
    async databaseId => {
      const knex = await migratedDatabase(databases, databaseId);
      const log = new DatabaseAuditLog({ knex });
      for (let i = 0; i < 5; i++) {
        await log.append({
          actor: 'engine',
          action: 'engine.actuate',
          target: `w${i}`,
          before: null,
          after: { replicas: i },
          reason: 'cpu above target',
        });
      }
      await knex('audit_events').where({ id: 2 }).delete();
      expect(await log.verify()).toEqual(
        expect.objectContaining({ ok: false, firstBrokenId: 2 }),
      );

      const knex2 = await migratedDatabase(databases, databaseId);
      const log2 = new DatabaseAuditLog({ knex: knex2 });
      for (let i = 0; i < 3; i++) {
        await log2.append({
          actor: 'engine',
          action: 'engine.actuate',
          target: 'w',
          before: null,
          after: { i },
          reason: 'r',
        });
      }
      await knex2('audit_events').where({ id: 3 }).delete();
      expect(await log2.verify()).toEqual(
        expect.objectContaining({ ok: false, firstBrokenId: 3 }),
      );
      await knex.destroy();
      await knex2.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'does not fork the chain under concurrent appends, %p',
    async databaseId => {
      const knex = await migratedDatabase(databases, databaseId);
      const log = new DatabaseAuditLog({ knex });
      const events = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          log.append({
            actor: `user:default/u${i}`,
            action: 'workload.scale',
            target: 'w',
            before: null,
            after: { i },
            reason: 'load test',
          }),
        ),
      );
      expect(events.map(e => e.id).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      expect(await log.verify()).toEqual(
        expect.objectContaining({ ok: true, checked: 25 }),
      );
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'queries by target, actor, action and time, %p',
    async databaseId => {
      const knex = await migratedDatabase(databases, databaseId);
      let now = Date.parse('2026-11-22T10:00:00Z');
      const log = new DatabaseAuditLog({ knex, clock: () => new Date(now) });
      const add = (
        actor: string,
        action: 'policy.update' | 'workload.scale',
        target: string,
      ) =>
        log.append({
          actor,
          action,
          target,
          before: null,
          after: null,
          reason: 'r',
        });
      await add('user:default/alice', 'policy.update', 'component:default/a');
      now += 60_000;
      await add('user:default/bob', 'workload.scale', 'component:default/a');
      now += 60_000;
      await add('user:default/alice', 'workload.scale', 'component:default/b');

      expect(
        (await log.query({ target: 'component:default/a' })).map(e => e.id),
      ).toEqual([2, 1]);
      expect(
        (await log.query({ actor: 'user:default/alice' })).map(e => e.id),
      ).toEqual([3, 1]);
      expect(
        (await log.query({ action: 'workload.scale' })).map(e => e.id),
      ).toEqual([3, 2]);
      expect(
        (
          await log.query({
            from: '2026-11-22T10:01:00.000Z',
            to: '2026-11-22T10:02:00.000Z',
          })
        ).map(e => e.id),
      ).toEqual([2]);
      expect((await log.query({ limit: 1 })).map(e => e.id)).toEqual([3]);
      await knex.destroy();
    },
  );
});

describe('auditEventsToCsv', () => {
  it('quotes cells and neutralises formulas', () => {
    const csv = auditEventsToCsv([
      {
        id: 1,
        at: '2026-11-22T10:00:00.000Z',
        actor: 'user:default/alice',
        action: 'policy.update',
        target: 'component:default/a',
        before: { a: 1 },
        after: null,
        reason: '=HYPERLINK("x"), really',
        prevHash: 'p',
        hash: 'h',
      },
    ]);
    const [header, row] = csv.trim().split('\n');
    expect(header).toBe(
      'id,at,actor,action,target,reason,before,after,prevHash,hash',
    );
    expect(row).toBe(
      '1,2026-11-22T10:00:00.000Z,user:default/alice,policy.update,component:default/a,"\'=HYPERLINK(""x""), really","{""a"":1}",null,p,h',
    );
  });
});
