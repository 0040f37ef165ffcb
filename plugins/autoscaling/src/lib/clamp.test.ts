import type { Decision } from '@internal/plugin-autoscaling-common';
import { clampOf, describeClamp, underProvisioned } from './clamp';
import { describeDecision } from './format';

/* Reasons as the engine writes them (decideHorizontal, allocateTenantReplicas, budgets). */
const base: Decision = {
  id: 'd',
  workloadId: 'w',
  at: '2026-01-01T12:00:00Z',
  kind: 'hold',
  from: 12,
  to: 12,
  mode: 'auto',
  outcome: 'unchanged',
  reasons: [],
};

const atMax: Decision = {
  ...base,
  reasons: [
    { code: 'MetricsProposal', message: 'cpu asks for 28 replicas (now 12)' },
    {
      code: 'TooManyReplicas',
      message:
        'the desired replica count is more than the maximum replica count (28 → 12)',
    },
  ],
};

const quota: Decision = {
  ...base,
  kind: 'scale',
  from: 4,
  to: 10,
  outcome: 'applied',
  reasons: [
    { code: 'MetricsProposal', message: 'cpu asks for 14 replicas (now 4)' },
    {
      code: 'LimitApplied',
      message:
        'granted 10 of 14 replicas: tenant acme is at its quota of 30 replicas',
    },
    {
      code: 'TenantQuotaLimited',
      message:
        'granted 10 of 14 replicas: tenant acme is at its quota of 30 replicas',
    },
  ],
};

const budgetMessage =
  "budget emergency: tenant 'acme' is projected to spend $1,200 this month against a budget of $1,000; basic tier: no scale-up above 3 replicas";

describe('clampOf with the clamp the engine recorded', () => {
  it('reads what bound the decision, at what, what the engine wanted and what else held it', () => {
    const recorded: Decision = {
      ...quota,
      clamp: { by: 'quota', limit: 10, wanted: 28, also: ['max'] },
    };
    const clamp = clampOf(recorded)!;
    expect(clamp).toMatchObject({
      by: 'quota',
      granted: 10,
      requested: 28,
      holdsBack: true,
    });
    expect(clamp.limits.map(l => l.by)).toEqual(['quota', 'max']);
    // The engine's sentence for the quota stays next to it.
    expect(clamp.limits[0].message).toMatch(/granted 10 of 14 replicas/);
    expect(describeClamp(clamp)).toBe(
      'Clamped by the tenant quota at 10 replicas (also maximum replicas); the engine asked for 28.',
    );
  });

  it('trusts the recorded clamp over the sentences, and no clamp when the sentences have none', () => {
    // Sentences that would parse as 28 → 12; the record says the forecast wanted 24.
    const recorded: Decision = {
      ...atMax,
      clamp: { by: 'max', limit: 12, wanted: 24, also: [] },
    };
    expect(clampOf(recorded)).toMatchObject({ by: 'max', requested: 24 });
    expect(describeDecision(recorded)).toBe(
      'Kept 12 replicas: clamped by the maximum replicas; the engine asked for 24.',
    );
    const atMin: Decision = {
      ...base,
      clamp: { by: 'min', limit: 2, wanted: 1, also: [] },
    };
    expect(clampOf(atMin)).toMatchObject({ by: 'min', holdsBack: false });
    expect(clampOf(base)).toBeNull();
  });
});

describe('clampOf on decisions stored before clamps were recorded (from the reasons)', () => {
  it('names the maximum when the forecast floor was capped at it (metrics ask for the current count)', () => {
    const capped: Decision = {
      ...base,
      reasons: [
        {
          code: 'MetricsProposal',
          message: 'metrics ask for the current 12 replicas',
        },
        {
          code: 'PredictiveFloor',
          message:
            'the forecast asks for at least 12 replicas: floor capped at 12 by maxReplicas 12; peak forecast 4.5 (p90) at 2026-12-03T08:03:44.230Z within 5 min / 0.2 per pod = 24 replicas (mean-ramp-daily)',
        },
      ],
    };
    const clamp = clampOf(capped)!;
    expect(clamp.by).toBe('max');
    expect(clamp.requested).toBe(24);
    expect(clamp.holdsBack).toBe(true);
    expect(describeDecision(capped)).not.toMatch(/no change needed/);
    expect(describeDecision(capped)).toMatch(
      /clamped by the maximum replicas; the engine asked for 24/,
    );
    expect(describeClamp(clamp)).toMatch(/the engine asked for 24/);
  });

  it('names the maximum and what the engine asked for', () => {
    const clamp = clampOf(atMax)!;
    expect(clamp).toMatchObject({
      by: 'max',
      requested: 28,
      granted: 12,
      holdsBack: true,
    });
    expect(describeClamp(clamp)).toBe(
      'Clamped at the maximum of 12 replicas; the engine asked for 28.',
    );
    expect(describeDecision(atMax)).toBe(
      'Kept 12 replicas: clamped by the maximum replicas; the engine asked for 28.',
    );
  });

  it('names the tenant quota, the global maximum and a budget ceiling the engine applied', () => {
    expect(clampOf(quota)).toMatchObject({
      by: 'quota',
      requested: 14,
      granted: 10,
    });
    expect(describeDecision(quota)).toBe(
      'Scaled up from 4 to 10 replicas (applied): clamped by the tenant quota; the engine asked for 14.',
    );
    const globalMax: Decision = {
      ...quota,
      reasons: [
        {
          code: 'GlobalMaxLimited',
          message:
            'granted 10 of 14 replicas: the global maximum of 200 replicas is reached; basic tier served after higher tiers, then by need',
        },
      ],
    };
    expect(clampOf(globalMax)).toMatchObject({
      by: 'global-max',
      requested: 14,
    });
    const budget: Decision = {
      ...base,
      from: 3,
      to: 3,
      reasons: [
        { code: 'MetricsProposal', message: 'cpu asks for 6 replicas (now 3)' },
        { code: 'LimitApplied', message: budgetMessage },
        { code: 'BudgetEmergency', message: budgetMessage },
      ],
    };
    expect(clampOf(budget)).toMatchObject({
      by: 'budget',
      requested: 6,
      granted: 3,
    });
  });

  it('does not call an uncapped budget emergency (enterprise) or a calm decision a clamp', () => {
    expect(
      clampOf({
        ...base,
        reasons: [
          {
            code: 'WithinTolerance',
            message: 'metrics ask for the current 12 replicas',
          },
          {
            code: 'BudgetEmergency',
            message:
              'budget emergency: …; enterprise tier: not capped, still scaling',
          },
        ],
      }),
    ).toBeNull();
    expect(clampOf(null)).toBeNull();
  });

  it('holds at the minimum without calling it a shortage', () => {
    const clamp = clampOf({
      ...base,
      from: 2,
      to: 2,
      reasons: [
        {
          code: 'TooFewReplicas',
          message:
            'the desired replica count is less than the minimum replica count',
        },
      ],
    });
    expect(clamp).toMatchObject({ by: 'min', holdsBack: false });
  });

  it('calls a workload under-provisioned when clamped, or above target at its maximum', () => {
    const metrics = [{ name: 'cpu', current: 155, target: 70, unit: '%' }];
    expect(
      underProvisioned({
        lastDecision: atMax,
        metrics,
        currentReplicas: 12,
        maxReplicas: 12,
      }),
    ).toBe(true);
    expect(
      underProvisioned({
        lastDecision: null,
        metrics,
        currentReplicas: 12,
        maxReplicas: 12,
      }),
    ).toBe(true);
    expect(
      underProvisioned({
        lastDecision: null,
        metrics,
        currentReplicas: 4,
        maxReplicas: 12,
      }),
    ).toBe(false);
  });
});
