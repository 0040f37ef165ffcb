/**
 * Issue 15 item 3: stale-version policy writes (409) are audited by the hash and size of what
 * was proposed, not the whole override, and at a bounded rate per actor and target.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { DEFAULT_GOVERNANCE_CONFIG } from '../config';
import { GovernanceService } from '../GovernanceService';
import { CatalogTargetResolver } from '../targets';
import {
  createTestDatabases,
  migratedDatabase,
} from '../__testUtils__/database';
import { CATALOG_SEARCH, testEntities } from '../__testUtils__/fixtures';
import { DatabaseAuditLog } from './AuditLog';
import { digestOf, RefusalLimiter } from './refusals';

jest.setTimeout(60_000);

const bob = { ref: 'user:default/bob' };
const alice = { ref: 'user:default/alice' };

describe('refused policy writes in the audit log', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'are small and rate-bounded, %p',
    async id => {
      const knex: Knex = await migratedDatabase(databases, id);
      let now = Date.parse('2026-11-22T12:00:00Z');
      const auditLog = new DatabaseAuditLog({ knex });
      const governance = new GovernanceService({
        knex,
        logger: mockServices.logger.mock(),
        config: DEFAULT_GOVERNANCE_CONFIG,
        targets: new CatalogTargetResolver({
          catalog: catalogServiceMock({ entities: testEntities }),
          auth: mockServices.auth(),
        }),
        auditLog,
        demandHistory: async () => [],
        clock: () => new Date(now),
      });
      const ctx = await governance.contextFor('service', CATALOG_SEARCH);
      expect(
        (
          await governance.update(
            ctx,
            { override: { maxReplicas: 11 }, version: 0, reason: 'first' },
            alice,
          )
        ).status,
      ).toBe('applied');

      // A 60 KB override (1,850 values, within the 2,000-value limit) against a stale version.
      const schedules = Array.from({ length: 370 }, (_, i) => ({
        name: `window-${i}-${'x'.repeat(86)}`,
        cron: '0 9 * * 1-5',
        durationMinutes: 60,
        minReplicas: 2,
      }));
      const big = { maxReplicas: 11, schedules };
      expect(JSON.stringify(big).length).toBeGreaterThan(60_000);
      const stale = () =>
        governance.update(
          ctx,
          { override: big, version: 0, reason: 'stale' },
          bob,
        );
      await expect(stale()).rejects.toThrow(ConflictError);
      const [row] = await knex('audit_events').orderBy('id', 'desc').limit(1);
      expect(row.after_json.length + row.before_json.length).toBeLessThan(1000);
      const after = JSON.parse(row.after_json);
      expect(after).toEqual({
        outcome: 'refused',
        expectedVersion: 0,
        currentVersion: 1,
        override: digestOf(big),
      });
      expect(after.override.bytes).toBeGreaterThan(60_000);
      expect(JSON.parse(row.before_json)).toEqual(
        expect.objectContaining({ version: 1 }),
      );

      // Fifty more in the same minute: at most five rows a minute for bob on this target.
      const small = () =>
        governance.update(
          ctx,
          { override: { maxReplicas: 9 }, version: 0, reason: 'stale' },
          bob,
        );
      for (let i = 0; i < 50; i++)
        await expect(small()).rejects.toThrow(ConflictError);
      const refused = async () =>
        (
          await auditLog.query({
            actor: bob.ref,
            target: CATALOG_SEARCH,
            limit: 1000,
          })
        ).length;
      expect(await refused()).toBe(5);
      // Another actor has their own allowance.
      await expect(
        governance.update(
          ctx,
          { override: { maxReplicas: 12 }, version: 0, reason: 'stale too' },
          alice,
        ),
      ).rejects.toThrow(ConflictError);
      // A minute later the next refusal is written and counts the ones that were not.
      now += 60_000;
      await expect(small()).rejects.toThrow(ConflictError);
      const [latest] = await auditLog.query({ actor: bob.ref, limit: 1 });
      expect(latest.after).toEqual(
        expect.objectContaining({
          outcome: 'refused',
          unauditedRefusalsBefore: 46,
        }),
      );
      expect(await auditLog.verify()).toEqual(
        expect.objectContaining({ ok: true, checked: 1 + 5 + 1 + 1 }),
      );
      await knex.destroy();
    },
  );
});

describe('error messages for huge invalid overrides', () => {
  const databases = createTestDatabases();
  it.each(databases.eachSupportedId())(
    'list 20 issues and count the rest, %p',
    async id => {
      const knex: Knex = await migratedDatabase(databases, id);
      const governance = new GovernanceService({
        knex,
        logger: mockServices.logger.mock(),
        config: DEFAULT_GOVERNANCE_CONFIG,
        targets: new CatalogTargetResolver({
          catalog: catalogServiceMock({ entities: testEntities }),
          auth: mockServices.auth(),
        }),
        auditLog: new DatabaseAuditLog({ knex }),
        demandHistory: async () => [],
      });
      const ctx = await governance.contextFor('service', CATALOG_SEARCH);
      // 300 bad schedules: 1,500 values, within the 2,000-value limit.
      const schedules = Array.from({ length: 300 }, () => ({
        name: 'x'.repeat(150),
        cron: '0 9 * * *',
        durationMinutes: 60,
        minReplicas: 2,
      }));
      const error = await governance
        .update(
          ctx,
          { override: { schedules }, version: 0, reason: 'many' },
          bob,
        )
        .catch(e => e);
      expect(error.message).toMatch(/; and 280 more issues$/);
      expect(error.message.length).toBeLessThan(3000);
      await knex.destroy();
    },
  );
});

describe('RefusalLimiter', () => {
  it('forgets the oldest pairs beyond its bound', () => {
    const limiter = new RefusalLimiter({
      perWindow: 1,
      windowMs: 1000,
      maxTracked: 2,
    });
    expect(limiter.admit('a', 't', 0).write).toBe(true);
    expect(limiter.admit('a', 't', 1).write).toBe(false);
    expect(limiter.admit('b', 't', 2).write).toBe(true);
    expect(limiter.admit('c', 't', 3).write).toBe(true);
    // 'a' was forgotten: it starts afresh.
    expect(limiter.admit('a', 't', 4)).toEqual({
      write: true,
      suppressedBefore: 0,
    });
  });
});
