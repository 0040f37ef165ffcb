import { scalingPolicySchema } from '@internal/plugin-autoscaling-common';
import { DEFAULT_CANDIDATES } from './model';
import {
  createPredictiveState,
  observeDemand,
  planPredictive,
  refitPredictive,
  type PredictivePlan,
  type PredictiveState,
} from './predictive';
import {
  decodePredictiveState,
  encodePredictiveState,
  PredictiveStateCodecError,
} from './predictiveCodec';
import { forecastAt } from './forecaster';
import { slice, syntheticSeries } from './testing';

const DAY_STEPS = 1440;
/** Numbers out of a message: display rounding may differ in the last digit on a borderline. */
const words = (message: string | undefined) =>
  message?.replace(/\d+(\.\d+)?/g, '#');
const STARTUP = 120;
const CAPACITY = 400;
/** 15 minutes: the state then holds three pending forecasts (one per 5-minute naive bucket). */
const LEAD = 900;
const leadSeconds = LEAD;
const series = syntheticSeries({ days: 6, seed: 11, stepSeconds: 60 });

const policyOf = (strategy: 'floor' | 'plan') =>
  scalingPolicySchema.parse({
    minReplicas: 2,
    maxReplicas: 40,
    mode: 'auto',
    metrics: [
      {
        type: 'Resource',
        resource: 'cpu',
        target: { type: 'Utilization', averageUtilization: 70 },
      },
    ],
    predictive: {
      enabled: true,
      strategy,
      leadTimeSeconds: LEAD,
      ...(strategy === 'plan' ? { targetUtilization: 85, quantile: 0.9 } : {}),
    },
  });

/**
 * The live path on a synthetic diurnal demand: three days observed, a fit, a day observed with
 * the model (pending forecasts, online accuracy), a refit, and `extraSteps` more samples.
 */
function fedState(
  candidates?: string[],
  extraSteps = 360,
): { state: PredictiveState; next: number } {
  const policy = policyOf('plan');
  const state = createPredictiveState();
  const observe = (from: number, to: number) => {
    for (let i = from; i < to; i++)
      observeDemand(state, series.timeMs[i], series.values[i], { leadSeconds });
  };
  const refit = (end: number) => {
    const result = refitPredictive(
      state,
      slice(series, 0, end),
      series.timeMs[end - 1],
      {
        policy,
        startupSeconds: STARTUP,
        forecaster: candidates
          ? {
              candidates: DEFAULT_CANDIDATES.filter(c =>
                candidates.includes(c.name),
              ),
            }
          : undefined,
      },
    );
    if (!result.ok) throw new Error(result.message);
  };
  observe(0, 3 * DAY_STEPS);
  refit(3 * DAY_STEPS);
  observe(3 * DAY_STEPS, 4 * DAY_STEPS);
  refit(4 * DAY_STEPS);
  const next = 4 * DAY_STEPS + extraSteps;
  observe(4 * DAY_STEPS, next);
  return { state, next };
}

/** What a plan decides and says (numbers in messages aside: display rounding may differ). */
const outcome = (plan: PredictivePlan) => ({
  status: plan.status,
  floorReplicas: plan.floorReplicas,
  wouldBeReplicas: plan.wouldBeReplicas,
  boundReplicas: plan.boundReplicas,
  trusted: plan.trust.trusted,
  comparisons: plan.trust.comparisons,
  decision: plan.decisionInput && {
    floorReplicas: plan.decisionInput.floorReplicas,
    replaceReactive: plan.decisionInput.replaceReactive,
    message: words(
      plan.decisionInput.explain?.() ?? plan.decisionInput.message,
    ),
  },
  reasons: plan.reasons.map(r => r.code),
});

/** A plan for the sample at `i`. */
function planOf(state: PredictiveState, strategy: 'floor' | 'plan', i: number) {
  const demand = series.values[i];
  return planPredictive(state, {
    policy: policyOf(strategy),
    nowMs: series.timeMs[i],
    podCapacity: CAPACITY,
    startupSeconds: STARTUP,
    observedDemand: demand,
    reactiveReplicas: Math.ceil(demand / (CAPACITY * 0.7)),
  });
}

describe('predictive state codec', () => {
  it.each([
    ['chosen by backtest', undefined],
    // With one candidate's fit report; a full backtest's report adds ~1 kB (see the bench).
    ['the combination, the largest model', ['mean-ramp-daily']],
  ])(
    'round-trips a fed state (%s): every field, under 16 kB',
    (_label, candidates) => {
      const { state } = fedState(candidates);
      // The test means something: every part of the state is populated.
      expect(state.forecaster).not.toBeNull();
      expect(state.pending.length).toBeGreaterThanOrEqual(2);
      expect(state.accuracy.comparisons).toBeGreaterThan(60);
      expect(state.dailyPeaks.length).toBeGreaterThan(3);
      expect(state.dayRing.means.filter(m => m !== null)).toHaveLength(288);

      const text = encodePredictiveState(state);
      const back = decodePredictiveState(text);
      expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(16_000);
      expect(text.length).toBeLessThan(JSON.stringify(state).length / 3);

      // Exact: scalars, timestamps, accuracy, peaks, pending targets, ring bookkeeping.
      expect(Object.keys(back).sort()).toEqual(Object.keys(state).sort());
      const { forecaster, pending, dayRing, ...scalars } = state;
      const { forecaster: f2, pending: p2, dayRing: r2, ...scalars2 } = back;
      expect(scalars2).toEqual(scalars);
      expect(p2.map(([t]) => t)).toEqual(pending.map(([t]) => t));
      expect(r2.bucketStartMs).toBe(dayRing.bucketStartMs);
      expect(r2.sum).toBe(dayRing.sum);
      expect(r2.count).toBe(dayRing.count);

      // Packed: within (max − min) / 8188 of each array's range (12-bit codes); nulls stay null.
      /** Indices where `b` is not `a` within the packing bound (or a null moved). */
      const offBound = (a: Array<number | null>, b: Array<number | null>) => {
        const known = a.filter((x): x is number => x !== null);
        const tolerance =
          (Math.max(...known) - Math.min(...known)) / 8188 + 1e-9;
        return b.flatMap((x, k) => {
          const y = a[k];
          const ok =
            y === null || x === null ? x === y : Math.abs(x - y) <= tolerance;
          return ok ? [] : [k];
        });
      };
      expect(r2.means).toHaveLength(288);
      expect(offBound(dayRing.means, r2.means)).toEqual([]);
      expect(
        offBound(
          pending.map(([, v]) => v),
          p2.map(([, v]) => v),
        ),
      ).toEqual([]);

      // The forecaster: same model and clock, forecasts within 1e-3 (the forecaster codec's bound).
      expect(f2!.fit.chosen).toBe(forecaster!.fit.chosen);
      expect(f2!.model.lastMs).toBe(forecaster!.model.lastMs);
      const targets = Array.from(
        { length: 288 },
        (_, k) => forecaster!.model.lastMs + (k + 1) * 300_000,
      );
      const a = forecastAt(forecaster!, targets, 0.8);
      const b = forecastAt(f2!, targets, 0.8);
      const worst = Math.max(
        ...a.flatMap((p, k) =>
          (['forecast', 'lower', 'upper'] as const).map(
            key =>
              Math.abs(p[key] - b[k][key]) / Math.max(Math.abs(p[key]), 1e-9),
          ),
        ),
      );
      expect(worst).toBeLessThan(1e-3);

      // Encoding the decoded state again gives the same text (the lossy steps are idempotent).
      expect(encodePredictiveState(back)).toBe(text);
    },
  );

  it.each(['floor', 'plan'] as const)(
    'planPredictive (%s) gives the same replicas and reasons on the decoded state, now and as both keep learning',
    strategy => {
      const { state, next } = fedState();
      const decoded = decodePredictiveState(encodePredictiveState(state));
      const original: PredictivePlan[] = [];
      const fromStore: PredictivePlan[] = [];
      // Six more hours, both fed the same samples, a plan every 5 minutes.
      for (let i = next; i < next + 360; i++) {
        if ((i - next) % 5 === 0) {
          original.push(planOf(state, strategy, i - 1));
          fromStore.push(planOf(decoded, strategy, i - 1));
        }
        observeDemand(state, series.timeMs[i], series.values[i], {
          leadSeconds,
        });
        observeDemand(decoded, series.timeMs[i], series.values[i], {
          leadSeconds,
        });
      }
      expect(original.filter(p => p.decisionInput).length).toBeGreaterThan(50);
      expect(fromStore.map(outcome)).toEqual(original.map(outcome));
      // The numbers behind them: within the codec's rounding. The peak's time may move between
      // near-equal maxima of a flat top; its size may not.
      const relative = (
        x: number | undefined | null,
        y: number | undefined | null,
      ) => Math.abs((x ?? 0) - (y ?? 0)) / Math.max(Math.abs(y ?? 0), 1e-9);
      const worstPeak = Math.max(
        ...fromStore.map((p, k) =>
          relative(p.peak?.demand, original[k].peak?.demand),
        ),
      );
      const worstTrust = Math.max(
        ...fromStore.map((p, k) =>
          relative(p.trust.relativeError, original[k].trust.relativeError),
        ),
      );
      expect(worstPeak).toBeLessThan(1e-4);
      expect(worstTrust).toBeLessThan(1e-4);
    },
  );

  it('a state stored and read back every tick (as the backend does) plans like one kept in memory', () => {
    const { state, next } = fedState(undefined, 0);
    let stored = encodePredictiveState(state);
    let differ = 0;
    let applied = 0;
    // One day at one-minute ticks: 1440 round trips; the 16-bit codes only move when an array's
    // range changes, so the rounding does not build up.
    for (let i = next; i < next + DAY_STEPS; i++) {
      const live = decodePredictiveState(stored);
      observeDemand(state, series.timeMs[i], series.values[i], { leadSeconds });
      observeDemand(live, series.timeMs[i], series.values[i], { leadSeconds });
      const a = planOf(state, 'plan', i);
      const b = planOf(live, 'plan', i);
      if (a.decisionInput) applied++;
      if (a.decisionInput?.floorReplicas !== b.decisionInput?.floorReplicas)
        differ++;
      stored = encodePredictiveState(live);
    }
    expect(applied).toBeGreaterThan(1000);
    expect(differ).toBe(0);
    const end = decodePredictiveState(stored);
    expect(end.accuracy.comparisons).toBe(state.accuracy.comparisons);
    expect(end.accuracy.model / end.accuracy.naive).toBeCloseTo(
      state.accuracy.model / state.accuracy.naive,
      3,
    );
  });

  it('round-trips a fresh state and one without a forecaster exactly', () => {
    const fresh = createPredictiveState();
    expect(decodePredictiveState(encodePredictiveState(fresh))).toEqual(fresh);
    const short = createPredictiveState();
    for (let i = 0; i < 600; i++)
      observeDemand(short, series.timeMs[i], series.values[i], { leadSeconds });
    const fit = refitPredictive(
      short,
      slice(series, 0, 600),
      series.timeMs[599],
      {
        policy: policyOf('floor'),
        startupSeconds: STARTUP,
      },
    );
    expect(fit.ok).toBe(false);
    const back = decodePredictiveState(encodePredictiveState(short));
    expect({ ...back, dayRing: null }).toEqual({ ...short, dayRing: null });
    expect(back.dayRing.means.map(m => m === null)).toEqual(
      short.dayRing.means.map(m => m === null),
    );
    expect(back.unavailable).toMatch(/history/);
  });

  it('keeps a field it does not know, as plain JSON', () => {
    const state = { ...createPredictiveState(), futureField: { a: [1, 2] } };
    const back = decodePredictiveState(
      encodePredictiveState(state),
    ) as unknown as typeof state;
    expect(back.futureField).toEqual({ a: [1, 2] });
  });

  it('reads a state stored as plain JSON', () => {
    const { state } = fedState(['daily-naive'], 60);
    expect(decodePredictiveState(JSON.stringify(state))).toEqual(
      JSON.parse(JSON.stringify(state)),
    );
  });

  it('refuses an unknown version or corrupt text with a clear error', () => {
    const text = encodePredictiveState(createPredictiveState());
    const v2 = text.replace('"ps":1', '"ps":2');
    expect(() => decodePredictiveState(v2)).toThrow(PredictiveStateCodecError);
    expect(() => decodePredictiveState(v2)).toThrow(
      'Cannot decode predictive state: envelope version 2 is not supported (this build reads version 1)',
    );
    expect(() => decodePredictiveState(text.slice(0, 40))).toThrow(
      /Cannot decode predictive state: not JSON/,
    );
    expect(() => decodePredictiveState('{"version":3}')).toThrow(
      /Cannot decode predictive state: no envelope version/,
    );
    expect(() => decodePredictiveState('[]')).toThrow(/not a JSON object/);
    const broken = JSON.parse(text);
    broken.ring = [0, 0, 0, { $u16: 'AAAA', lo: 0, hi: 0 }];
    expect(() => decodePredictiveState(JSON.stringify(broken))).toThrow(
      /corrupt version-1 envelope \(day ring has 1 buckets, expected 288\)/,
    );
    delete broken.acc;
    broken.ring = JSON.parse(text).ring;
    expect(() => decodePredictiveState(JSON.stringify(broken))).toThrow(
      /corrupt version-1 envelope/,
    );
  });
});
