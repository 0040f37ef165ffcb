/**
 * Issue 15 items 4–6: guardrails measure production changes from a baseline that small
 * unapproved steps cannot move, every mode that stops actuation needs approval like `off`,
 * and a schedule that is (nearly) always open counts as the minimum it pins.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { DatabaseAuditLog } from './audit/AuditLog';
import { DEFAULT_GOVERNANCE_CONFIG } from './config';
import { GovernanceService } from './GovernanceService';
import { scalingPolicySchema } from '@internal/plugin-autoscaling-common';
import { pinnedMinimum, weeklyFireMinutes } from './scheduleFloor';
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

const bob = { ref: 'user:default/bob' };
const pat = { ref: 'user:default/pat' };
const priya = { ref: 'user:default/priya' };

function setup(knex: Knex) {
  let now = Date.parse('2026-11-22T12:00:00Z');
  return new GovernanceService({
    knex,
    logger: mockServices.logger.mock(),
    config: DEFAULT_GOVERNANCE_CONFIG,
    targets: new CatalogTargetResolver({
      catalog: catalogServiceMock({ entities: testEntities }),
      auth: mockServices.auth(),
    }),
    auditLog: new DatabaseAuditLog({ knex }),
    demandHistory: async () => [],
    clock: () => new Date((now += 1000)),
  });
}

describe('guardrail baseline', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'small steps 12 → 18 → 27 → 40 → 52 → 60 need approval where they cross the guardrail from the baseline, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const governance = setup(knex);
      // The platform sets production's maxReplicas to 12 (10 → 12 is within the guardrails).
      const env = await governance.contextFor('environment', 'production');
      expect(
        (
          await governance.update(
            env,
            {
              override: { maxReplicas: 12 },
              version: 0,
              reason: 'production ceiling',
            },
            pat,
          )
        ).status,
      ).toBe('applied');

      const svc = await governance.contextFor('service', CHECKOUT);
      const step = async (maxReplicas: number) => {
        const doc = await governance.getDocument(svc.target);
        return governance.update(
          svc,
          {
            override: { maxReplicas },
            version: doc.version,
            reason: `to ${maxReplicas}`,
          },
          bob,
        );
      };
      // 12 → 18 is +50% of the baseline: applied.
      expect((await step(18)).status).toBe('applied');
      // 18 → 27 is +50% of the current value, but +125% of the baseline (12): approval.
      const second = await step(27);
      expect(second.status).toBe('pending-approval');
      const request = (second as any).changeRequest;
      expect(request.guardrails).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            code: 'PRODUCTION_BOUNDS_CHANGE',
            path: 'maxReplicas',
            message: expect.stringMatching(
              /^maxReplicas changes from 12 to 27 in production, measured from the inherited policy \(125%/,
            ),
          }),
        ]),
      );
      // Once approved, 27 is the baseline: 27 → 40 (+48%) applies, 40 → 52 (+93% of 27) does not.
      expect((await governance.approve(request.id, priya, 'ok')).status).toBe(
        'applied',
      );
      expect((await step(40)).status).toBe('applied');
      const fourth = await step(52);
      expect(fourth.status).toBe('pending-approval');
      expect(
        (fourth as any).changeRequest.guardrails.map((g: any) => g.code),
      ).toContain('PRODUCTION_BOUNDS_CHANGE');
      // Going back towards the baseline needs no approval.
      expect((await step(30)).status).toBe('applied');
      // Unrelated edits do not re-flag a value that is already live.
      const doc = await governance.getDocument(svc.target);
      expect(
        (
          await governance.update(
            svc,
            {
              override: { maxReplicas: 30, cooldownSeconds: 45 },
              version: doc.version,
              reason: 'calmer',
            },
            bob,
          )
        ).status,
      ).toBe('applied');
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'production dry-run and forecast-only need approval like off; staging does not, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const governance = setup(knex);
      const prod = await governance.contextFor('service', CHECKOUT);
      for (const mode of ['dry-run', 'forecast-only', 'off']) {
        const result = await governance.update(
          prod,
          { override: { mode }, version: 0, reason: `try ${mode}` },
          bob,
        );
        expect([mode, result.status]).toEqual([mode, 'pending-approval']);
        expect((result as any).changeRequest.guardrails).toEqual([
          expect.objectContaining({
            code: 'PRODUCTION_DISABLED',
            path: 'mode',
            message: expect.stringContaining(`"${mode}"`),
          }),
        ]);
      }
      const staging = await governance.contextFor('service', CATALOG_SEARCH);
      expect(
        (
          await governance.update(
            staging,
            { override: { mode: 'dry-run' }, version: 0, reason: 'watch' },
            bob,
          )
        ).status,
      ).toBe('applied');
      // A production environment document in forecast-only mode reaches every production service.
      const env = await governance.contextFor('environment', 'production');
      expect(
        (
          await governance.update(
            env,
            {
              override: { mode: 'forecast-only' },
              version: 0,
              reason: 'freeze',
            },
            pat,
          )
        ).status,
      ).toBe('pending-approval');
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'a schedule that is always open pins the minimum and crosses the bounds guardrail, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const governance = setup(knex);
      const always = {
        name: 'always',
        cron: '* * * * *',
        durationMinutes: 10080,
        minReplicas: 8,
      };
      const prod = await governance.contextFor('service', CHECKOUT);
      const pinned = await governance.update(
        prod,
        { override: { schedules: [always] }, version: 0, reason: 'pin' },
        bob,
      );
      expect(pinned.status).toBe('pending-approval');
      expect((pinned as any).changeRequest.guardrails).toEqual([
        expect.objectContaining({
          code: 'PRODUCTION_BOUNDS_CHANGE',
          path: 'schedules',
          message: expect.stringMatching(
            /^minReplicas changes from 1 to 8 in production \(schedule "always" keeps at least 8 replicas 100% of the week\)/,
          ),
        }),
      ]);
      // A daily window one minute short of a day pins it just the same.
      const daily = {
        name: 'daily',
        cron: '0 0 * * *',
        durationMinutes: 1439,
        minReplicas: 8,
      };
      expect(
        (
          await governance.update(
            prod,
            { override: { schedules: [daily] }, version: 0, reason: 'pin' },
            bob,
          )
        ).status,
      ).toBe('pending-approval');
      // Business hours raise the minimum a quarter of the week: no approval needed.
      const business = {
        name: 'business',
        cron: '0 9 * * 1-5',
        timezone: 'Europe/Berlin',
        durationMinutes: 480,
        minReplicas: 8,
      };
      expect(
        (
          await governance.update(
            prod,
            {
              override: { schedules: [business] },
              version: 0,
              reason: 'office hours',
            },
            bob,
          )
        ).status,
      ).toBe('applied');
      // In staging the pinned minimum is no guardrail.
      const staging = await governance.contextFor('service', CATALOG_SEARCH);
      expect(
        (
          await governance.update(
            staging,
            { override: { schedules: [always] }, version: 0, reason: 'pin' },
            bob,
          )
        ).status,
      ).toBe('applied');
      await knex.destroy();
    },
  );
});

describe('pinnedMinimum', () => {
  const policy = (schedules: unknown[], minReplicas = 2) =>
    scalingPolicySchema.parse({ minReplicas, maxReplicas: 20, schedules });

  it('reads the weekly pattern of a cron expression', () => {
    expect(weeklyFireMinutes('* * * * *')).toHaveLength(10080);
    expect(weeklyFireMinutes('0 9 * * 1-5')).toEqual(
      [1, 2, 3, 4, 5].map(d => d * 1440 + 540),
    );
    expect(weeklyFireMinutes('30 8 * * MON,fri')).toEqual([
      1 * 1440 + 510,
      5 * 1440 + 510,
    ]);
    expect(weeklyFireMinutes('0 */6 * * 7')).toEqual([0, 360, 720, 1080]);
    expect(weeklyFireMinutes('0 0 0 * * *')).toHaveLength(7); // with seconds
    expect(weeklyFireMinutes('@daily')).toHaveLength(7);
    expect(weeklyFireMinutes('0 0 L * *')).toBeUndefined();
  });

  it('is the floor held at least half of the week', () => {
    expect(pinnedMinimum(policy([]))).toEqual({
      minReplicas: 2,
      schedules: [],
      share: 1,
    });
    expect(
      pinnedMinimum(
        policy([
          {
            name: 'always',
            cron: '* * * * *',
            durationMinutes: 10080,
            minReplicas: 12,
          },
        ]),
      ),
    ).toEqual({ minReplicas: 12, schedules: ['always'], share: 1 });
    // 08:00–20:00 every day (start and end crons) is half the week.
    expect(
      pinnedMinimum(
        policy([
          { name: 'day', cron: '0 8 * * *', end: '0 20 * * *', minReplicas: 6 },
        ]),
      ).minReplicas,
    ).toBe(6);
    // Weekdays around the clock: 5/7 of the week, in any time zone.
    const weekdays = pinnedMinimum(
      policy([
        {
          name: 'weekdays',
          cron: '0 0 * * 1-5',
          timezone: 'America/New_York',
          durationMinutes: 1440,
          minReplicas: 9,
        },
      ]),
    );
    expect(weekdays.minReplicas).toBe(9);
    expect(weekdays.share).toBeCloseTo(5 / 7, 5);
    // Business hours: not pinned.
    expect(
      pinnedMinimum(
        policy([
          {
            name: 'office',
            cron: '0 9 * * 1-5',
            durationMinutes: 480,
            minReplicas: 9,
          },
        ]),
      ).minReplicas,
    ).toBe(2);
    // Two schedules together cover the week; the floor held most of the week is the lower one.
    expect(
      pinnedMinimum(
        policy([
          {
            name: 'a',
            cron: '0 0 * * 0',
            durationMinutes: 3 * 1440,
            minReplicas: 7,
          },
          {
            name: 'b',
            cron: '0 0 * * 3',
            durationMinutes: 4 * 1440,
            minReplicas: 5,
          },
        ]),
      ),
    ).toEqual({ minReplicas: 5, schedules: ['a', 'b'], share: 1 });
    // A day-of-month schedule counts as daily (the guardrail errs towards asking).
    expect(
      pinnedMinimum(
        policy([
          {
            name: 'month-end',
            cron: '0 0 28-31 * *',
            durationMinutes: 1440,
            minReplicas: 4,
          },
        ]),
      ).minReplicas,
    ).toBe(4);
  });

  it('pins the minimum of 100 distinct always-open windows (computed from the windows, not by stepping through fire times)', () => {
    // 100 different windows, each opening every minute of the week.
    const many = policy(
      Array.from({ length: 100 }, (_, i) => ({
        name: `s${i}`,
        cron: '* * * * *',
        durationMinutes: 10080 - i,
        timezone: i % 2 ? 'Europe/Berlin' : 'UTC',
        minReplicas: 3 + (i % 10),
      })),
    );
    expect(pinnedMinimum(many).minReplicas).toBe(12);
  });
});
