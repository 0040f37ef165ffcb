import fc from 'fast-check';
import { policy, cpuMetric } from '../testing/builders';
import {
  createPredictiveState,
  isRefitDue,
  learnedBurstHeadroom,
  observeDemand,
  planPredictive,
  recentPeakDemand,
  spreadOffsetMs,
  refitPredictive,
  trustOf,
  type PredictiveState,
} from './predictive';
import { MONDAY, seededRandom, syntheticSeries } from './testing';

const CAPACITY = 100;
const STARTUP = 60;
/** One-minute samples, as the live backend fits on. */
const STEP_S = 60;
const PER_DAY = 86400 / STEP_S;

function planPolicy(predictive: Record<string, unknown> = {}) {
  return policy({
    minReplicas: 1,
    maxReplicas: 1000,
    metrics: [cpuMetric(70)],
    predictive: {
      enabled: true,
      strategy: 'plan',
      leadTimeSeconds: 120,
      minHistorySeconds: 86400,
      ...predictive,
    },
  });
}

/** Feeds a series into a fresh state and fits once on all of it. */
function trained(values: number[], p = planPolicy()) {
  const state = createPredictiveState();
  const timeMs = values.map((_, i) => MONDAY + i * STEP_S * 1000);
  for (let i = 0; i < values.length; i++)
    observeDemand(state, timeMs[i], values[i], { leadSeconds: 120 });
  const now = timeMs[timeMs.length - 1];
  const fit = refitPredictive(
    state,
    { timeMs, values, stepSeconds: STEP_S },
    now,
    { policy: p, startupSeconds: STARTUP },
  );
  return { state, now, fit };
}

describe('planPredictive', () => {
  it('never plans above maxPeakMultiple × the 7-day peak / the sized pod, on any trace', () => {
    fc.assert(
      fc.property(
        fc.record({
          base: fc.double({ min: 1, max: 5000, noNaN: true }),
          swing: fc.double({ min: 0, max: 1, noNaN: true }),
          noise: fc.double({ min: 0, max: 0.8, noNaN: true }),
          spikes: fc.array(
            fc.record({
              at: fc.integer({ min: 0, max: 2 * PER_DAY - 1 }),
              factor: fc.double({ min: 1, max: 20, noNaN: true }),
            }),
            { maxLength: 6 },
          ),
          seed: fc.integer({ min: 1, max: 1e6 }),
          multiple: fc.double({ min: 1, max: 3, noNaN: true }),
          quantile: fc.double({ min: 0.5, max: 0.99, noNaN: true }),
          targetUtilization: fc.integer({ min: 10, max: 100 }),
          currentReplicas: fc.integer({ min: 1, max: 1000 }),
        }),
        s => {
          const random = seededRandom(s.seed);
          const values = Array.from({ length: 2 * PER_DAY }, (_, i) => {
            const daily = 1 + s.swing * Math.sin((2 * Math.PI * i) / PER_DAY);
            const spike = s.spikes
              .filter(x => x.at === i)
              .reduce((f, x) => f * x.factor, 1);
            return s.base * daily * (1 + s.noise * (random() - 0.5)) * spike;
          });
          const p = planPolicy({
            maxPeakMultiple: s.multiple,
            quantile: s.quantile,
            targetUtilization: s.targetUtilization,
          });
          const { state, now } = trained(values, p);
          const peak = recentPeakDemand(state)!;
          const bound = Math.max(
            1,
            Math.ceil(
              (s.multiple * peak) / ((CAPACITY * s.targetUtilization) / 100) -
                1e-9,
            ),
          );
          for (const ahead of [0, 3600_000, 6 * 3600_000]) {
            const plan = planPredictive(state, {
              policy: p,
              nowMs: now + ahead,
              podCapacity: CAPACITY,
              startupSeconds: STARTUP,
              observedDemand: values[values.length - 1],
              currentReplicas: s.currentReplicas,
            });
            expect(plan.boundReplicas).toBe(bound);
            expect(plan.floorReplicas).toBeDefined();
            expect(plan.floorReplicas!).toBeLessThanOrEqual(bound);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('falls back to reactive, and says why, when the model is worse than seasonal naive', () => {
    const { state, now } = trained(
      Array.from(
        syntheticSeries({ days: 2, seed: 3, stepSeconds: STEP_S }).values,
      ),
    );
    const input = {
      policy: planPolicy(),
      nowMs: now,
      podCapacity: CAPACITY,
      startupSeconds: STARTUP,
      observedDemand: 1000,
    };
    const first = planPredictive(state, input);
    expect(first.status).toBe('applied');

    const worse: PredictiveState = {
      ...state,
      accuracy: { model: 180, naive: 100, weight: 80, comparisons: 80 },
    };
    const plan = planPredictive(worse, input);
    expect(trustOf(worse).trusted).toBe(false);
    expect(plan.status).toBe('reactive');
    expect(plan.decisionInput).toBeUndefined();
    expect(plan.reasons[0].code).toBe('NoForecast');
    expect(plan.reasons[0].message).toContain('180% of seasonal naive');
    expect(plan.reasons[0].message).toContain('reactive scaling only');

    // Too few live comparisons: the backtest's choice stands.
    const early = {
      ...worse,
      accuracy: { ...worse.accuracy, comparisons: 10 },
    };
    expect(planPredictive(early, input).status).toBe('applied');
  });

  it('scores the model against seasonal naive live, about once a minute', () => {
    const series = syntheticSeries({ days: 3, seed: 11, stepSeconds: STEP_S });
    const values = Array.from(series.values);
    const { state } = trained(values.slice(0, 2 * PER_DAY));
    for (let i = 2 * PER_DAY; i < 3 * PER_DAY; i++)
      observeDemand(state, series.timeMs[i], values[i], { leadSeconds: 120 });
    // A day of one-minute samples: nearly every minute's forecast met its actual and yesterday's.
    expect(state.accuracy.comparisons).toBeGreaterThan(0.9 * PER_DAY);
    const trust = trustOf(state);
    expect(trust.relativeError).not.toBeNull();
    expect(trust.message).toMatch(/of seasonal naive's/);
  });

  it('plan replaces the reactive proposal and scales in ahead of a forecast fall; floor only raises', () => {
    const series = syntheticSeries({
      days: 3,
      seed: 7,
      noise: 0.02,
      stepSeconds: STEP_S,
    });
    const values = Array.from(series.values);
    // Stop at 20:00 on day 3, where the diurnal curve falls towards the night.
    const end = 2 * PER_DAY + 20 * 60;
    const { state, now } = trained(values.slice(0, end));
    const observed = values[end - 1];
    const base = {
      nowMs: now,
      podCapacity: CAPACITY,
      startupSeconds: STARTUP,
      observedDemand: observed,
    };
    const plan = planPredictive(state, {
      ...base,
      policy: planPolicy(),
      currentReplicas: 40,
    });
    const floor = planPredictive(state, {
      ...base,
      policy: planPolicy({ strategy: 'floor' }),
    });
    expect(plan.decisionInput?.replaceReactive).toBe(true);
    expect(floor.decisionInput?.replaceReactive).toBe(false);
    // 40 replicas are far more than the falling demand needs: the plan lets them go now.
    expect(plan.floorReplicas!).toBeLessThan(40);
    expect(plan.floorReplicas!).toBeGreaterThanOrEqual(
      Math.ceil(observed / CAPACITY),
    );
    expect(plan.decisionInput?.explain?.()).toMatch(
      /within full capacity less [\d.]+% learned burst headroom/,
    );
  });

  it('hands a surprise above the band to the reactive path', () => {
    const values = Array.from(
      syntheticSeries({ days: 2, seed: 5, noise: 0.02, stepSeconds: STEP_S })
        .values,
    );
    const { state, now } = trained(values);
    const plan = planPredictive(state, {
      policy: planPolicy(),
      nowMs: now,
      podCapacity: CAPACITY,
      startupSeconds: STARTUP,
      observedDemand: values[values.length - 1] * 5,
    });
    expect(plan.decisionInput?.replaceReactive).toBe(false);
    expect(plan.reasons.map(r => r.message).join(' ')).toMatch(
      /above the band/,
    );
  });
});

describe('planPredictive: burst headroom and rising demand', () => {
  it('counts level steps as bursts only up to the reactive headroom (1 / (70% × 1.1) − 1)', () => {
    // Hourly 10-minute steps to 2.6× the base, at 15-s samples: the online 99.9th percentile of
    // sample / one-minute mean learns the steps' jumps, far above the noise.
    const state = createPredictiveState();
    const p = planPolicy();
    let t = MONDAY;
    for (let i = 0; i < 4 * 24 * 60 * 2; i++) {
      t += 15_000;
      const minute = Math.floor((t / 60_000) % 60);
      observeDemand(state, t, minute < 10 ? 2600 : 1000, { leadSeconds: 120 });
    }
    expect(state.burst!.excess).toBeGreaterThan(0.31);
    expect(learnedBurstHeadroom(state, p, CAPACITY)).toBeCloseTo(
      1 / 0.77 - 1,
      6,
    );
    // Smooth demand keeps the little it learned.
    const smooth = createPredictiveState();
    for (let k = 1; k <= 2000; k++)
      observeDemand(smooth, MONDAY + k * 15_000, 1000 + (k % 2) * 20, {
        leadSeconds: 120,
      });
    expect(learnedBurstHeadroom(smooth, p, CAPACITY)).toBeGreaterThan(0);
    expect(learnedBurstHeadroom(smooth, p, CAPACITY)).toBeLessThan(0.05);
  });

  it('sizes demand already on the rise for what it will be after a start-up', () => {
    const values = Array.from(
      syntheticSeries({ days: 2, seed: 5, noise: 0, stepSeconds: STEP_S })
        .values,
    );
    const { state, now } = trained(values);
    const last = values[values.length - 1];
    const steady = planPredictive(state, {
      policy: planPolicy(),
      nowMs: now,
      podCapacity: CAPACITY,
      startupSeconds: STARTUP,
      observedDemand: last,
    });
    // The next samples climb 5% of the level every 15 s: a ramp the model has not seen.
    let t = now;
    let demand = last;
    for (let k = 0; k < 8; k++) {
      t += 15_000;
      demand += 0.05 * last;
      observeDemand(state, t, demand, { leadSeconds: 120 });
    }
    expect(state.burst!.slope!).toBeGreaterThan(0);
    const rising = planPredictive(state, {
      policy: planPolicy(),
      nowMs: t,
      podCapacity: CAPACITY,
      startupSeconds: STARTUP,
      // A windowed observation lags the last sample; the plan reads the higher of the two.
      observedDemand: (demand + last) / 2,
    });
    const withoutSlope = Math.ceil(demand / (CAPACITY * 0.85));
    expect(rising.floorReplicas!).toBeGreaterThan(
      Math.max(withoutSlope, steady.floorReplicas!),
    );
  });
});

describe('isRefitDue', () => {
  it('spreads refits of many workloads over the day, each once a day', () => {
    const fittedAt = MONDAY;
    const states = Array.from({ length: 500 }, () => {
      const state = createPredictiveState();
      state.lastFitMs = fittedAt;
      state.lastAttemptMs = fittedAt;
      state.forecaster = { fit: { scores: [{ score: 1 }] } } as never;
      return state;
    });
    let busiest = 0;
    const refits = new Array(states.length).fill(0);
    for (
      let t = fittedAt + 15_000;
      t <= fittedAt + 2 * 86400_000;
      t += 15_000
    ) {
      let due = 0;
      states.forEach((state, i) => {
        if (isRefitDue(state, t, { key: `workload-${i}` })) {
          due++;
          refits[i]++;
          state.lastFitMs = t;
        }
      });
      busiest = Math.max(busiest, due);
    }
    // 500 workloads over 5,760 ticks a day: no tick does more than a handful.
    expect(busiest).toBeLessThanOrEqual(5);
    // Each is refitted once or twice in two days (the first slot may come after half a day).
    for (const count of refits) expect([1, 2]).toContain(count);
    expect(spreadOffsetMs('a', 86400_000)).not.toBe(
      spreadOffsetMs('b', 86400_000),
    );
  });

  it('retries a missing model hourly, not every tick', () => {
    const state = createPredictiveState();
    expect(isRefitDue(state, MONDAY, { key: 'w' })).toBe(true);
    state.lastAttemptMs = MONDAY;
    expect(isRefitDue(state, MONDAY + 59 * 60_000, { key: 'w' })).toBe(false);
    expect(isRefitDue(state, MONDAY + 60 * 60_000, { key: 'w' })).toBe(true);
  });
});
