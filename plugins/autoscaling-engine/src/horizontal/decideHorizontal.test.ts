/**
 * The product's additions around the HPA core: modes, schedules, the predictive floor,
 * cooldown, fallback, outer limits, and the state the decision carries forward.
 */
import {
  FREE_BEHAVIOR,
  NOW,
  cpuMetric,
  perPod,
  policy,
  readyPods,
} from '../testing/builders';
import { decideHorizontal } from './decideHorizontal';
import { emptyHorizontalState, type HorizontalState } from './state';
import type { HorizontalInput } from './types';

function input(
  overrides: Partial<HorizontalInput> = {},
  usage = 0.9,
  count = 4,
): HorizontalInput {
  const pods = readyPods(count);
  return {
    policy: policy({ metrics: [cpuMetric(50)], behavior: FREE_BEHAVIOR }),
    workload: { currentReplicas: count, pods },
    samples: { cpu: perPod(pods, usage) },
    nowMs: NOW,
    ...overrides,
  };
}

const codes = (result: ReturnType<typeof decideHorizontal>) =>
  result.decision.reasons.map(r => r.code);

describe('decideHorizontal', () => {
  it('returns a scale decision with from, to and a human reason', () => {
    const result = decideHorizontal(input());
    expect(result.decision).toMatchObject({ kind: 'scale', from: 4, to: 8 });
    expect(result.decision.reasons[0].message).toMatch(
      /cpu asks for 8 replicas/,
    );
    expect(result.state.scaleUpEvents).toEqual([[NOW, 4]]);
    expect(result.state.lastScaleMs).toBe(NOW);
  });

  it('blocks everything when the mode is off', () => {
    const result = decideHorizontal(
      input({ policy: policy({ metrics: [cpuMetric(50)], mode: 'off' }) }),
    );
    expect(result.decision).toMatchObject({ kind: 'blocked', replicas: 4 });
    expect(codes(result)).toEqual(['AutoscalingOff']);
  });

  it('in dry-run decides but keeps the replicas and spends no rate-limit budget', () => {
    const result = decideHorizontal(
      input({
        policy: policy({
          metrics: [cpuMetric(50)],
          behavior: FREE_BEHAVIOR,
          mode: 'dry-run',
        }),
      }),
    );
    expect(result.decision).toMatchObject({ kind: 'scale', from: 4, to: 8 });
    expect(codes(result)).toContain('DryRun');
    expect(result.desiredReplicas).toBe(4);
    expect(result.state.scaleUpEvents).toEqual([]);
  });

  describe('schedules', () => {
    const business = {
      name: 'business-hours',
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Paris',
      durationMinutes: 600,
      minReplicas: 10,
    };

    it('raises the minimum inside the window (time zone aware)', () => {
      // 2026-01-05 is a Monday; 12:00 UTC is 13:00 in Paris, inside 09:00–19:00.
      const result = decideHorizontal(
        input(
          {
            policy: policy({
              metrics: [cpuMetric(50)],
              behavior: FREE_BEHAVIOR,
              schedules: [business],
            }),
          },
          0.5,
        ),
      );
      expect(result.decision).toMatchObject({ kind: 'scale', from: 4, to: 10 });
      expect(codes(result)).toEqual(
        expect.arrayContaining(['ScheduleActive', 'CurrentBelowMin']),
      );
    });

    it('does nothing outside the window', () => {
      const evening = Date.UTC(2026, 0, 5, 19, 30); // 20:30 in Paris
      const result = decideHorizontal(
        input(
          {
            nowMs: evening,
            policy: policy({
              metrics: [cpuMetric(50)],
              behavior: FREE_BEHAVIOR,
              schedules: [business],
            }),
          },
          0.5,
        ),
      );
      expect(result.decision.kind).toBe('hold');
      expect(codes(result)).not.toContain('ScheduleActive');
    });

    it('closes a window at its end cron and caps with a scheduled maximum', () => {
      const nightCap = {
        name: 'night-cap',
        cron: '0 22 * * *',
        end: '0 6 * * *',
        timezone: 'UTC',
        maxReplicas: 5,
      };
      const night = Date.UTC(2026, 0, 5, 23, 0);
      const p = policy({
        metrics: [cpuMetric(50)],
        behavior: FREE_BEHAVIOR,
        schedules: [nightCap],
      });
      expect(
        decideHorizontal(input({ policy: p, nowMs: night })).desiredReplicas,
      ).toBe(5);
      const morning = Date.UTC(2026, 0, 6, 7, 0);
      expect(
        decideHorizontal(input({ policy: p, nowMs: morning })).desiredReplicas,
      ).toBe(8);
    });
  });

  describe('predictive floor', () => {
    const predictivePolicy = (mode: 'auto' | 'forecast-only' = 'auto') =>
      policy({
        metrics: [cpuMetric(50)],
        behavior: FREE_BEHAVIOR,
        mode,
        predictive: { enabled: true },
      });

    it('raises the count to the floor when metrics ask for less', () => {
      const result = decideHorizontal(
        input(
          {
            policy: predictivePolicy(),
            predictive: { floorReplicas: 9, message: 'peak 900 rps' },
          },
          0.5,
        ),
      );
      expect(result.decision).toMatchObject({ kind: 'scale', to: 9 });
      expect(
        result.decision.reasons.find(r => r.code === 'PredictiveFloor')
          ?.message,
      ).toMatch(/peak 900 rps/);
    });

    it('never lowers the reactive count', () => {
      const result = decideHorizontal(
        input({ policy: predictivePolicy(), predictive: { floorReplicas: 2 } }),
      );
      expect(result.desiredReplicas).toBe(8);
    });

    it('is ignored when predictive scaling is disabled in the policy', () => {
      const result = decideHorizontal(
        input({ predictive: { floorReplicas: 9 } }, 0.5),
      );
      expect(result.decision.kind).toBe('hold');
    });

    it('in forecast-only mode shows what the floor would do without changing anything', () => {
      const result = decideHorizontal(
        input(
          {
            policy: predictivePolicy('forecast-only'),
            predictive: { floorReplicas: 9 },
          },
          0.5,
        ),
      );
      expect(result.decision).toMatchObject({ kind: 'scale', from: 4, to: 9 });
      expect(codes(result)).toEqual(
        expect.arrayContaining(['PredictiveFloor', 'DryRun']),
      );
      expect(result.desiredReplicas).toBe(4);
      expect(result.state.scaleUpEvents).toEqual([]);
    });

    it('is capped at maxReplicas', () => {
      const p = { ...predictivePolicy(), maxReplicas: 6 };
      const result = decideHorizontal(
        input({ policy: p, predictive: { floorReplicas: 50 } }, 0.5),
      );
      expect(result.desiredReplicas).toBe(6);
    });
  });

  it('refuses to scale down within the cooldown after the last scale', () => {
    const p = policy({
      metrics: [cpuMetric(50)],
      behavior: FREE_BEHAVIOR,
      cooldownSeconds: 120,
    });
    const recent = decideHorizontal(
      input(
        { policy: p, state: { ...emptyState(), lastScaleMs: NOW - 60_000 } },
        0.1,
      ),
    );
    expect(recent.decision.kind).toBe('blocked');
    expect(codes(recent)).toContain('CooldownActive');
    const later = decideHorizontal(
      input(
        { policy: p, state: { ...emptyState(), lastScaleMs: NOW - 121_000 } },
        0.1,
      ),
    );
    expect(later.decision).toMatchObject({ kind: 'scale', to: 1 });
  });

  it('still scales up during the cooldown', () => {
    const p = policy({
      metrics: [cpuMetric(50)],
      behavior: FREE_BEHAVIOR,
      cooldownSeconds: 120,
    });
    const result = decideHorizontal(
      input({
        policy: p,
        state: { ...emptyState(), lastScaleMs: NOW - 10_000 },
      }),
    );
    expect(result.decision.kind).toBe('scale');
  });

  describe('fallback', () => {
    const p = policy({
      metrics: [cpuMetric(50)],
      behavior: FREE_BEHAVIOR,
      fallback: { failureThreshold: 3, replicas: 6 },
    });
    const failing = (metricFailures: number) =>
      input({
        policy: p,
        samples: { cpu: { type: 'error', message: 'prometheus timeout' } },
        state: { ...emptyState(), metricFailures },
      });

    it('counts consecutive failures and blocks before the threshold', () => {
      const result = decideHorizontal(failing(1));
      expect(result.decision.kind).toBe('blocked');
      expect(result.state.metricFailures).toBe(2);
    });

    it('applies the fallback replicas once the threshold is reached', () => {
      const result = decideHorizontal(failing(2));
      expect(result.decision).toMatchObject({ kind: 'scale', to: 6 });
      expect(codes(result)).toContain('FallbackActive');
    });

    it('resets the failure count when metrics come back', () => {
      const result = decideHorizontal(
        input({ policy: p, state: { ...emptyState(), metricFailures: 5 } }),
      );
      expect(result.state.metricFailures).toBe(0);
    });
  });

  it('applies an outer limit but never below the minimum', () => {
    const limited = decideHorizontal(
      input({
        limit: {
          maxReplicas: 6,
          code: 'TenantQuota',
          message: 'tenant quota reached',
        },
      }),
    );
    expect(limited.desiredReplicas).toBe(6);
    expect(codes(limited)).toContain('LimitApplied');

    const p = policy({
      minReplicas: 5,
      metrics: [cpuMetric(50)],
      behavior: FREE_BEHAVIOR,
    });
    const floored = decideHorizontal(
      input(
        {
          policy: p,
          limit: { maxReplicas: 2, code: 'TenantQuota', message: 'quota' },
        },
        0.9,
        5,
      ),
    );
    expect(floored.desiredReplicas).toBeGreaterThanOrEqual(5);
  });

  it('blocks (rather than holds) when the limit prevents a wanted scale-up', () => {
    const result = decideHorizontal(
      input({
        limit: {
          maxReplicas: 4,
          code: 'TenantQuota',
          message: 'tenant quota reached',
        },
      }),
    );
    expect(result.decision.kind).toBe('blocked');
  });

  it('keeps the state bounded: one recommendation per distinct value inside the window', () => {
    const p = policy({ metrics: [cpuMetric(50)] }); // no behavior: 300 s window
    let state = emptyState();
    let current = 4;
    for (let tick = 0; tick < 2000; tick++) {
      const pods = readyPods(current);
      const usage = 0.3 + 0.4 * Math.abs(Math.sin(tick / 7));
      const result = decideHorizontal({
        policy: p,
        workload: { currentReplicas: current, pods },
        samples: { cpu: perPod(pods, usage) },
        state,
        nowMs: NOW + tick * 15_000,
      });
      state = result.state;
      current = result.desiredReplicas;
    }
    expect(state.recommendations.length).toBeLessThanOrEqual(21);
    expect(JSON.stringify(state).length).toBeLessThan(2000);
  });

  describe('clamp', () => {
    const capped = (overrides: Partial<Parameters<typeof policy>[0]> = {}) =>
      policy({
        metrics: [cpuMetric(50)],
        behavior: FREE_BEHAVIOR,
        ...overrides,
      });

    it('says the maximum held a decision, at what and what the metrics wanted', () => {
      // 12 pods at 151% of a 50% target: metrics ask for 37, the maximum is 12.
      const result = decideHorizontal(
        input({ policy: capped({ maxReplicas: 12 }) }, 1.51, 12),
      );
      expect(result.decision.kind).toBe('hold');
      expect(result.decision.clamp).toEqual({
        by: 'max',
        limit: 12,
        wanted: 37,
        also: [],
      });
    });

    it('names the scale-up rate when the behaviour holds a rise', () => {
      const slow = {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          policies: [{ type: 'Pods' as const, value: 1, periodSeconds: 60 }],
        },
      };
      const result = decideHorizontal(
        input({ policy: capped({ behavior: slow }) }),
      );
      expect(result.decision).toMatchObject({ kind: 'scale', from: 4, to: 5 });
      expect(result.decision.clamp).toEqual({
        by: 'rate',
        limit: 5,
        wanted: 8,
        also: [],
      });
    });

    it('the outer limit binds last and keeps what the engine wanted first', () => {
      const result = decideHorizontal(
        input(
          {
            policy: capped({ maxReplicas: 12 }),
            limit: {
              maxReplicas: 10,
              code: 'TenantQuotaLimited',
              message: 'granted 10 of 12 replicas: tenant quota 30 reached',
            },
          },
          1.51,
          8,
        ),
      );
      expect(result.decision).toMatchObject({ kind: 'scale', to: 10 });
      expect(result.decision.clamp).toEqual({
        by: 'quota',
        limit: 10,
        wanted: 25,
        also: ['max'],
      });
    });

    it('names a budget emergency, the global maximum and the cluster capacity by their codes', () => {
      const by = (code: string) =>
        decideHorizontal(
          input({ limit: { maxReplicas: 5, code, message: code } }),
        ).decision.clamp?.by;
      expect(by('BudgetEmergency')).toBe('budget');
      expect(by('GlobalMaxLimited')).toBe('global-max');
      expect(by('ClusterCapacityLimited')).toBe('cluster-capacity');
      expect(
        decideHorizontal(
          input({
            limit: {
              maxReplicas: 5,
              code: 'Other',
              message: 'x',
              by: 'budget',
            },
          }),
        ).decision.clamp?.by,
      ).toBe('budget');
    });

    it('a forecast capped at the maximum clamps a decision the metrics would keep', () => {
      const p = capped({ maxReplicas: 12, predictive: { enabled: true } });
      // 12 pods at 50%: the metrics ask for the current 12; the forecast wanted 24.
      const result = decideHorizontal(
        input(
          {
            policy: p,
            predictive: {
              floorReplicas: 12,
              capped: { by: 'max', wanted: 24 },
              message: 'floor capped at 12 by maxReplicas 12',
            },
          },
          0.5,
          12,
        ),
      );
      expect(result.decision.kind).toBe('hold');
      expect(result.decision.clamp).toEqual({
        by: 'max',
        limit: 12,
        wanted: 24,
        also: [],
      });
      // Not when the metrics ask for more than the capped forecast.
      const metricsAbove = decideHorizontal(
        input(
          {
            policy: capped({ maxReplicas: 30, predictive: { enabled: true } }),
            predictive: {
              floorReplicas: 6,
              capped: { by: 'quota', wanted: 9 },
            },
          },
          0.9,
          12,
        ),
      );
      expect(metricsAbove.decision.clamp).toBeUndefined();
    });

    it('holding at the minimum is a clamp by min; nothing held is no clamp', () => {
      const low = decideHorizontal(
        input({ policy: capped({ minReplicas: 3 }) }, 0.05, 4),
      );
      expect(low.decision).toMatchObject({ kind: 'scale', to: 3 });
      expect(low.decision.clamp).toMatchObject({ by: 'min', limit: 3 });
      expect(decideHorizontal(input()).decision.clamp).toBeUndefined();
    });
  });

  it('always reports the three HPA condition types', () => {
    const result = decideHorizontal(input());
    expect(result.conditions.map(c => c.type)).toEqual([
      'AbleToScale',
      'ScalingActive',
      'ScalingLimited',
    ]);
  });
});

function emptyState(): HorizontalState {
  return emptyHorizontalState();
}
