/**
 * Predictive scaling for one workload, as both the live backend and the replay run it: one
 * compact state (plain JSON), fed one demand sample at a time, refitted on a schedule spread
 * over the day, and turned into a floor or a plan for `decideHorizontal`.
 *
 *   createPredictiveState()                 → empty state
 *   observeDemand(state, t, demand)         → O(1): feeds the model, online accuracy, peaks
 *   isRefitDue(state, now, key)             → whether this tick should choose the model again
 *   refitPredictive(state, history, policy) → backtest choice on the history the caller holds
 *   planPredictive(state, input)            → the replicas the forecast asks for, and why
 *
 * Strategies (`policy.predictive.strategy`):
 * - `floor`: `max(reactive, ceil(peak band over the lead / per-pod target))`; scale-in from
 *   observed demand only (AWS predictive scaling's "forecast and scale" floor).
 * - `plan`: the forecast drives capacity: `ceil(max(peak band over the lead, observed demand) /
 *   (pod capacity × targetUtilization))`, so replicas fall ahead of a forecast fall. The reactive
 *   HPA path takes over when observed demand leaves the band (a surprise the model did not see)
 *   or when the model is not trusted.
 *
 * Trust: the model's error at the lead horizon is tracked online against the daily seasonal
 * naive's error on the same targets; a model doing worse than seasonal naive is not used.
 * Runaway bound: predictive replicas never exceed `maxPeakMultiple` × the peak demand of the
 * last 7 days / the per-pod target.
 */
import type { ScalingPolicy } from '@internal/plugin-autoscaling-common';
import type { DemandSeries } from './backtest';
import {
  fitForecaster,
  forecastQuantile,
  updateForecaster,
  type Forecaster,
  type ForecasterOptions,
} from './forecaster';
import {
  computePredictiveFloor,
  forecastPath,
  isoTime,
  peaksOfPath,
  peakStepSeconds,
  perPodTargetFor,
  type FloorReason,
  type PredictiveFloorResult,
} from './floor';
import type { AnomalyFlag } from './seasonal';
import { LazyReason } from '../explain';
import type { PredictiveFloor } from '../horizontal/types';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Resolution of the one-day ring the seasonal-naive comparison reads. */
const NAIVE_BUCKET_MS = 5 * MINUTE_MS;
const NAIVE_BUCKETS = DAY_MS / NAIVE_BUCKET_MS;
/** Online errors decay with this half-life, so trust follows the recent days. */
const ACCURACY_HALF_LIFE_MS = DAY_MS;
/** Comparisons needed before the online errors can withdraw trust. */
const MIN_COMPARISONS = 60;
/** Days of daily peaks the runaway bound reads. */
const PEAK_DAYS = 7;
/** Fits run on one-minute means when samples are finer (same model, fewer points). */
const FIT_STEP_SECONDS = 60;
/** Without a forecaster, fitting is attempted at most this often. */
const RETRY_MS = 3600_000;

export interface PredictiveState {
  version: 1;
  forecaster: Forecaster | null;
  /** Why there is no forecaster (short history), for the decision and the forecast card. */
  unavailable: string | null;
  lastFitMs: number | null;
  lastAttemptMs: number | null;
  lastObservedMs: number | null;
  lastDemand: number | null;
  /** Forecasts made one lead time ago, awaiting their actual: [targetMs, forecast]. */
  pending: Array<[number, number]>;
  /** Decayed absolute errors at the lead horizon: model, daily seasonal naive, and weight. */
  accuracy: {
    model: number;
    naive: number;
    weight: number;
    comparisons: number;
  };
  /** Mean demand per 5-minute bucket of the last day, indexed by bucket of day (naive). */
  dayRing: {
    bucketStartMs: number;
    sum: number;
    count: number;
    means: Array<number | null>;
  };
  /** [day index, peak demand] of the last PEAK_DAYS days. */
  dailyPeaks: Array<[number, number]>;
  /**
   * Short-term burstiness: one-minute mean, the online high quantile of sample/mean - 1, and the
   * demand's slope per second (sample to sample, smoothed over about 45 s), for demand already on
   * the rise.
   */
  burst?: { mean: number; excess: number; slope?: number };
}

export function createPredictiveState(): PredictiveState {
  return {
    version: 1,
    forecaster: null,
    unavailable: null,
    lastFitMs: null,
    lastAttemptMs: null,
    lastObservedMs: null,
    lastDemand: null,
    pending: [],
    accuracy: { model: 0, naive: 0, weight: 0, comparisons: 0 },
    dayRing: {
      bucketStartMs: 0,
      sum: 0,
      count: 0,
      means: new Array(NAIVE_BUCKETS).fill(null),
    },
    dailyPeaks: [],
  };
}

export interface ObserveOptions {
  /** Horizon the online accuracy is measured at (the policy's lead, at least start-up). */
  leadSeconds: number;
}

/** What most samples return (shared: a tick observes every workload). */
const NO_ANOMALY: { anomaly?: AnomalyFlag } = Object.freeze({});

/**
 * Feeds one demand sample (time strictly after the previous one). Updates the model, scores the
 * forecast made one lead ago against it beside the seasonal naive, and the daily peaks.
 */
export function observeDemand(
  state: PredictiveState,
  timeMs: number,
  demand: number,
  options: ObserveOptions,
): { anomaly?: AnomalyFlag } {
  if (!Number.isFinite(demand) || demand < 0) return NO_ANOMALY;
  if (state.lastObservedMs !== null && timeMs <= state.lastObservedMs)
    return NO_ANOMALY;
  scorePending(state, timeMs, demand);
  const naive = naiveAt(state, timeMs);
  recordRing(state, timeMs, demand);
  recordPeak(state, timeMs, demand);
  recordBurst(state, timeMs, demand);
  state.lastObservedMs = timeMs;
  state.lastDemand = demand;
  let anomaly: AnomalyFlag | undefined;
  const forecaster = state.forecaster;
  if (forecaster && timeMs > forecaster.model.lastMs) {
    anomaly = updateForecaster(forecaster, timeMs, demand);
    // One pending forecast per minute at the lead horizon is enough to score the model.
    const last = state.pending[state.pending.length - 1];
    const target = timeMs + options.leadSeconds * 1000;
    if (naive !== undefined && (!last || target - last[0] >= MINUTE_MS)) {
      const predicted = forecastQuantile(forecaster, target, 0.5);
      if (Number.isFinite(predicted)) state.pending.push([target, predicted]);
    }
  }
  return anomaly ? { anomaly } : NO_ANOMALY;
}

function scorePending(state: PredictiveState, timeMs: number, actual: number) {
  while (state.pending.length > 0 && state.pending[0][0] <= timeMs) {
    const [targetMs, predicted] = state.pending.shift()!;
    const naive = naiveAt(state, targetMs);
    if (naive === undefined || timeMs - targetMs > 5 * MINUTE_MS) continue;
    const acc = state.accuracy;
    const lastMs = state.lastObservedMs ?? timeMs;
    const decay = Math.pow(
      0.5,
      Math.max(0, timeMs - lastMs) / ACCURACY_HALF_LIFE_MS,
    );
    acc.model = acc.model * decay + Math.abs(actual - predicted);
    acc.naive = acc.naive * decay + Math.abs(actual - naive);
    acc.weight = acc.weight * decay + 1;
    acc.comparisons++;
  }
}

/** Daily seasonal naive: the 5-minute mean of the same bucket one day earlier. */
function naiveAt(state: PredictiveState, timeMs: number): number | undefined {
  const ring = state.dayRing;
  const bucketStart = Math.floor(timeMs / NAIVE_BUCKET_MS) * NAIVE_BUCKET_MS;
  // A slot holds the last closed bucket of its time of day. It is the one a day before the target
  // while that one is closed (before the open bucket) and the target's own is not (not before it).
  if (ring.bucketStartMs === 0) return undefined;
  if (
    bucketStart - DAY_MS >= ring.bucketStartMs ||
    bucketStart < ring.bucketStartMs
  )
    return undefined;
  const value = ring.means[bucketIndex(bucketStart)];
  return value === null ? undefined : value;
}

function bucketIndex(bucketStartMs: number): number {
  return Math.floor((bucketStartMs % DAY_MS) / NAIVE_BUCKET_MS);
}

function recordRing(state: PredictiveState, timeMs: number, demand: number) {
  const ring = state.dayRing;
  const bucketStart = Math.floor(timeMs / NAIVE_BUCKET_MS) * NAIVE_BUCKET_MS;
  if (bucketStart !== ring.bucketStartMs) {
    if (ring.count > 0) {
      ring.means[bucketIndex(ring.bucketStartMs)] = round4(
        ring.sum / ring.count,
      );
    }
    // Buckets skipped by a gap hold nothing any more.
    if (ring.bucketStartMs > 0) {
      const gap = Math.min(
        NAIVE_BUCKETS,
        (bucketStart - ring.bucketStartMs) / NAIVE_BUCKET_MS,
      );
      for (let k = 1; k < gap; k++)
        ring.means[bucketIndex(ring.bucketStartMs + k * NAIVE_BUCKET_MS)] =
          null;
    }
    ring.bucketStartMs = bucketStart;
    ring.sum = 0;
    ring.count = 0;
  }
  ring.sum += demand;
  ring.count++;
}

function recordPeak(state: PredictiveState, timeMs: number, demand: number) {
  const day = Math.floor(timeMs / DAY_MS);
  const peaks = state.dailyPeaks;
  const last = peaks[peaks.length - 1];
  if (last && last[0] === day) {
    if (demand > last[1]) last[1] = round4(demand);
    return;
  }
  peaks.push([day, round4(demand)]);
  while (peaks.length > 0 && peaks[0][0] <= day - PEAK_DAYS) peaks.shift();
}

/**
 * Burst headroom the plan learns per workload: the 99.9th percentile of how far a sample rises
 * above its one-minute mean (a Robbins-Monro estimate, step 0.002). Smooth series earn no
 * headroom and run close to full capacity; bursty ones keep what their bursts need.
 */
const BURST_LEVEL = 0.999;
const BURST_STEP = 0.002;
/** Time constant of the smoothed sample-to-sample slope. */
const SLOPE_SECONDS = 45;

function recordBurst(state: PredictiveState, timeMs: number, demand: number) {
  const burst = (state.burst ??= { mean: demand, excess: 0 });
  const dt =
    state.lastObservedMs === null ? 60 : (timeMs - state.lastObservedMs) / 1000;
  const alpha = 1 - Math.exp(-Math.max(0, dt) / 60);
  burst.mean += alpha * (demand - burst.mean);
  if (dt > 0 && state.lastDemand !== null) {
    const beta = 1 - Math.exp(-dt / SLOPE_SECONDS);
    const slope = burst.slope ?? 0;
    burst.slope = round4(
      slope + beta * ((demand - state.lastDemand) / dt - slope),
    );
  }
  if (burst.mean <= 0) return;
  const excess = demand / burst.mean - 1;
  // Robbins-Monro: the estimate settles where P(excess > estimate) = 1 - level.
  burst.excess = Math.max(
    0,
    round4(
      burst.excess +
        BURST_STEP * (excess > burst.excess ? BURST_LEVEL : BURST_LEVEL - 1),
    ),
  );
}

/** `10 ** k` for k in -300…300, the same values, looked up (three roundings per sample). */
const POWERS_OF_TEN = Array.from({ length: 601 }, (_, i) => 10 ** (i - 300));

/** Five significant digits (what the store keeps), without `toPrecision`'s string round trip. */
function round4(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const exponent = 4 - Math.floor(Math.log10(Math.abs(x)));
  const scale =
    exponent >= -300 && exponent <= 300
      ? POWERS_OF_TEN[exponent + 300]
      : 10 ** exponent;
  return Math.round(x * scale) / scale;
}

/** Peak observed demand over the last 7 days (undefined before the first sample). */
export function recentPeakDemand(state: PredictiveState): number | undefined {
  if (state.dailyPeaks.length === 0) return undefined;
  let peak = -Infinity;
  for (const [, value] of state.dailyPeaks) if (value > peak) peak = value;
  return peak;
}

export interface Trust {
  trusted: boolean;
  /** MASE-like ratio of the model's online error to the seasonal naive's (null until scored). */
  relativeError: number | null;
  comparisons: number;
  message: string;
}

/**
 * Trust texts by their one integer: every workload of a tick reads one, and the same few hundred
 * values repeat (a string per workload and tick was garbage for the collector).
 */
const earningTrustTexts = new Map<number, string>();
const trustedTexts = new Map<number, string>();
function memoText(
  memo: Map<number, string>,
  value: number,
  format: (value: number) => string,
): string {
  let text = memo.get(value);
  if (text === undefined) {
    text = format(value);
    if (memo.size >= 1024) memo.clear();
    memo.set(value, text);
  }
  return text;
}

/** Whether the model has earned trust: its recent error is not above the seasonal naive's. */
export function trustOf(state: PredictiveState): Trust {
  const acc = state.accuracy;
  const ratio = acc.naive > 0 ? acc.model / acc.naive : null;
  if (acc.comparisons < MIN_COMPARISONS || ratio === null) {
    return {
      trusted: true,
      relativeError: ratio,
      comparisons: acc.comparisons,
      message: memoText(
        earningTrustTexts,
        acc.comparisons,
        n =>
          `chosen by backtest; ${n} of ${MIN_COMPARISONS} live comparisons with seasonal naive so far`,
      ),
    };
  }
  const pct = Math.round(ratio * 100);
  return ratio <= 1
    ? {
        trusted: true,
        relativeError: ratio,
        comparisons: acc.comparisons,
        message: memoText(
          trustedTexts,
          pct,
          p => `recent error ${p}% of seasonal naive's`,
        ),
      }
    : {
        trusted: false,
        relativeError: ratio,
        comparisons: acc.comparisons,
        message: `recent error ${pct}% of seasonal naive's (worse than repeating yesterday): not trusted, reactive scaling only`,
      };
}

// ------------------------------------------------------------------ refits

export interface RefitOptions {
  /** Stable key of the workload; spreads refits over the period so no tick does them all. */
  key: string;
  /** How often the model is chosen again (default one day). */
  refitEverySeconds?: number;
}

/**
 * A stable offset of `key` inside a period (FNV-1a hash), in ms: periodic work of many keys
 * (refits here, the backend's row checkpoints) spreads over the period instead of one tick.
 */
export function spreadOffsetMs(key: string, periodMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % periodMs;
}

/**
 * Whether this tick should (re)fit: no forecaster and an hour since the last attempt, a fit that
 * could not backtest yet (no bands) after 6 h, or this key's slot of the period has come round.
 */
export function isRefitDue(
  state: PredictiveState,
  nowMs: number,
  options: RefitOptions,
): boolean {
  const periodMs = (options.refitEverySeconds ?? 86400) * 1000;
  if (!state.forecaster) {
    return (
      state.lastAttemptMs === null || nowMs - state.lastAttemptMs >= RETRY_MS
    );
  }
  const lastFit = state.lastFitMs ?? -Infinity;
  const compared = state.forecaster.fit.scores.some(s =>
    Number.isFinite(s.score),
  );
  if (!compared && nowMs - lastFit >= Math.min(periodMs, 6 * 3600_000))
    return true;
  // This key's slot: the first of its daily instants at least half a period after the last fit,
  // so workloads first fitted together (a backend start) still spread their refits.
  const offset = spreadOffsetMs(options.key, periodMs);
  const earliest = lastFit + periodMs / 2;
  const slotMs = offset + Math.ceil((earliest - offset) / periodMs) * periodMs;
  return nowMs >= slotMs;
}

/** Forecaster options the predictive path fits with: chosen on the horizons it reads. */
export function predictiveForecasterOptions(
  policy: ScalingPolicy,
  startupSeconds: number,
): Partial<ForecasterOptions> {
  const lead = Math.max(policy.predictive.leadTimeSeconds, startupSeconds);
  return {
    minHistorySeconds: policy.predictive.minHistorySeconds,
    backtest: {
      selectionHorizonsSeconds: Array.from(new Set([60, lead])),
      fallbackCandidate: 'hw-weekly-ramp',
      // An under-forecast here is an overload; an over-forecast, a few pod-minutes.
      underForecastWeight: 5,
    },
  };
}

/**
 * Chooses and fits the model on `history` (everything the caller holds up to now, any step;
 * finer than a minute is averaged to one-minute means) and feeds nothing else: samples after the
 * history's end arrive through `observeDemand`.
 */
export function refitPredictive(
  state: PredictiveState,
  history: DemandSeries,
  nowMs: number,
  options: {
    policy: ScalingPolicy;
    startupSeconds: number;
    forecaster?: Partial<ForecasterOptions>;
  },
): { ok: boolean; message: string } {
  state.lastAttemptMs = nowMs;
  const base = predictiveForecasterOptions(
    options.policy,
    options.startupSeconds,
  );
  const fit = fitForecaster(
    fitSeries(history, options.policy.predictive.maxHistorySeconds),
    {
      ...base,
      ...options.forecaster,
      backtest: { ...base.backtest, ...options.forecaster?.backtest },
    },
  );
  if (!fit.ok) {
    state.unavailable = fit.reasons[0]?.message ?? 'no forecast yet';
    return { ok: false, message: state.unavailable };
  }
  state.forecaster = fit.forecaster;
  state.unavailable = null;
  state.lastFitMs = nowMs;
  // Pending forecasts were the old model's; the accuracy record carries on (it decays).
  state.pending = [];
  return { ok: true, message: fit.reasons[0]?.message ?? '' };
}

/** The history to fit on: the last `maxHistorySeconds`, as one-minute means if finer. */
export function fitSeries(
  history: DemandSeries,
  maxHistorySeconds: number,
): DemandSeries {
  const n = history.values.length;
  const step = history.stepSeconds;
  const keep = Math.min(n, Math.ceil(maxHistorySeconds / step));
  const start = n - keep;
  const factor = Math.max(1, Math.round(FIT_STEP_SECONDS / step));
  if (factor === 1) {
    return {
      timeMs: slice(history.timeMs, start, n),
      values: slice(history.values, start, n),
      stepSeconds: step,
    };
  }
  const blocks = Math.floor(keep / factor);
  const first = n - blocks * factor;
  const timeMs = new Float64Array(blocks);
  const values = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let sum = 0;
    for (let k = 0; k < factor; k++)
      sum += history.values[first + b * factor + k];
    // Stamped at the block's last sample, so the model's clock never runs ahead of the data.
    timeMs[b] = history.timeMs[first + b * factor + factor - 1];
    values[b] = sum / factor;
  }
  return { timeMs, values, stepSeconds: step * factor };
}

function slice(
  values: ArrayLike<number>,
  start: number,
  end: number,
): ArrayLike<number> {
  const typed = values as Float64Array;
  if (typeof typed.subarray === 'function') return typed.subarray(start, end);
  return Array.prototype.slice.call(values, start, end) as number[];
}

// ------------------------------------------------------------------ plans

export type PredictiveStatus =
  /** The forecast raised or set the replicas. */
  | 'applied'
  /** Applied, but capped by maxReplicas, a quota or the runaway bound. */
  | 'capped'
  /** forecast-only: computed and recorded, nothing applied. */
  | 'reported'
  /** No forecaster, not trusted, or no per-pod target: reactive only. */
  | 'reactive';

export interface PredictivePlanInput {
  policy: ScalingPolicy;
  nowMs: number;
  /** Demand one pod serves at 100% of its CPU request (replay: capacity per pod; live: cores). */
  podCapacity: number;
  startupSeconds: number;
  /** Demand observed now (the last sample), for the surprise check and the plan's floor. */
  observedDemand?: number;
  /** The reactive proposal, only to report the combined value. */
  reactiveReplicas?: number;
  /** Replicas the workload has now (spec), for the scale-in hysteresis. */
  currentReplicas?: number;
  /** Outer cap, e.g. the tenant's quota headroom. */
  quotaMaxReplicas?: number;
}

export interface PredictivePlan extends PredictiveFloorResult {
  strategy: 'floor' | 'plan';
  status: PredictiveStatus;
  trust: Trust;
  /** What `decideHorizontal` takes as `predictive` (undefined: reactive only). */
  decisionInput?: PredictiveFloor;
  /** Runaway bound in replicas, when known. */
  boundReplicas?: number;
}

/**
 * Scale-in hysteresis of the plan: a pod goes only when this quantile of the band, over the lead
 * plus this many start-ups, no longer needs it. Tuned on the real traces (bench/replay-bench.ts):
 * without it the plan flaps 3 <-> 4 pods on noisy low demand and each flap costs a start-up.
 */
const SCALE_IN_HOLD_QUANTILE = 0.97;
const SCALE_IN_HOLD_STARTUPS = 1;

/**
 * The burst headroom the plan keeps on its band (a fraction of a pod's capacity): the learned
 * 99.9th percentile of sample / one-minute mean − 1, but never more than the headroom the reactive
 * path keeps at the top of its tolerance (70% CPU, +10%: 1/0.77 − 1 ≈ 30%). Beyond that a "burst"
 * is a level change (a step or a ramp), not noise, and the band and the reactive path cover it.
 */
export function learnedBurstHeadroom(
  state: PredictiveState,
  policy: ScalingPolicy,
  podCapacity: number,
): number {
  const reactiveSizing =
    (perPodTargetFor(policy, podCapacity) ?? 0) *
    (1 + scaleUpTolerance(policy));
  const cap = reactiveSizing > 0 ? podCapacity / reactiveSizing - 1 : Infinity;
  return Math.max(0, Math.min(cap, state.burst?.excess ?? 0));
}

/** The plan's three reads of its path (one scratch set: `peaksOfPath` reads them synchronously). */
const readScratch: Array<[number, number]> = [
  [0, 0.5],
  [0, 0.5],
  [0, SCALE_IN_HOLD_QUANTILE],
];
function planReads(
  lead: number,
  quantile: number,
  holdSpan: number,
): Array<[number, number]> {
  readScratch[0][0] = lead;
  readScratch[0][1] = quantile;
  readScratch[1][0] = lead;
  readScratch[2][0] = holdSpan;
  return readScratch;
}

/** The replicas the forecast asks for now, and why, for one workload. */
export function planPredictive(
  state: PredictiveState,
  input: PredictivePlanInput,
): PredictivePlan {
  const { policy } = input;
  const predictive = policy.predictive;
  const strategy = predictive.strategy ?? 'floor';
  const trust = trustOf(state);
  const perPodTarget = perPodTargetFor(policy, input.podCapacity) ?? 0;
  const plan = strategy === 'plan';
  const utilization = (predictive.targetUtilization ?? 85) / 100;
  // The plan holds the band's upper quantile within full capacity and the median at the target.
  // The plan sizes the band's upper quantile at full capacity less the learned burst headroom.
  const reactiveSizing = perPodTarget * (1 + scaleUpTolerance(policy));
  const burstHeadroom =
    1 + learnedBurstHeadroom(state, policy, input.podCapacity);
  const sizing = plan ? input.podCapacity / burstHeadroom : perPodTarget;
  const medianSizing = Math.min(input.podCapacity * utilization, sizing);
  const peak = recentPeakDemand(state);
  // The bound reads the policy's own sizing, not the learned burst headroom (documented, tested).
  const boundSizing = plan ? input.podCapacity * utilization : perPodTarget;
  const bound =
    peak !== undefined && boundSizing > 0
      ? Math.max(
          1,
          Math.ceil(
            ((predictive.maxPeakMultiple ?? 1.5) * peak) / boundSizing - 1e-9,
          ),
        )
      : undefined;
  const quotaMax =
    bound === undefined
      ? input.quotaMaxReplicas
      : Math.min(bound, input.quotaMaxReplicas ?? Infinity);

  // One path of point forecasts over the lead and the scale-in hold, read at every quantile.
  const lead = Math.max(predictive.leadTimeSeconds, input.startupSeconds);
  const holdSpan = lead + input.startupSeconds * SCALE_IN_HOLD_STARTUPS;
  const path =
    trust.trusted && state.forecaster
      ? forecastPath(
          state.forecaster,
          input.nowMs,
          plan ? holdSpan : lead,
          peakStepSeconds(lead),
        )
      : undefined;
  // The band over the lead, the median over the lead and the scale-in hold, read in one pass.
  const [bandPeak, medianPeak, holdPeak] =
    path && state.forecaster
      ? peaksOfPath(
          state.forecaster,
          path,
          planReads(lead, predictive.quantile, holdSpan),
        )
      : [];
  const floor = computePredictiveFloor({
    forecaster: trust.trusted ? state.forecaster ?? undefined : undefined,
    path,
    peak: bandPeak,
    unavailableReason: trust.trusted
      ? state.unavailable ?? undefined
      : trust.message,
    nowMs: input.nowMs,
    leadTimeSeconds: predictive.leadTimeSeconds,
    startupSeconds: input.startupSeconds,
    perPodTarget: sizing,
    // The plan sizes at its own target; the floor never asks more than the HPA's tolerance would.
    tolerance: plan ? 0 : scaleUpTolerance(policy),
    quantile: predictive.quantile,
    maxReplicas: policy.maxReplicas,
    honorMaxReplicas: predictive.honorMaxReplicas,
    quotaMaxReplicas: quotaMax === Infinity ? undefined : quotaMax,
    mode: policy.mode,
    reactiveReplicas: input.reactiveReplicas,
  });
  const result: PredictivePlan = {
    ...floor,
    strategy,
    trust,
    boundReplicas: bound,
    status: 'reactive',
  };
  if (!trust.trusted) {
    result.reasons = [{ code: 'NoForecast', message: trust.message }];
    return result;
  }
  const replicas = floor.floorReplicas ?? floor.wouldBeReplicas;
  if (replicas === undefined) return result;
  const capped = floor.reasons.some(r => r.code === 'PredictiveFloorCapped');
  if (bound !== undefined && capped && replicas === bound) {
    result.reasons = floor.reasons.map(r =>
      r.code === 'PredictiveFloorCapped'
        ? new LazyReason(
            r.code,
            () =>
              `${r.message} (runaway bound: ${
                predictive.maxPeakMultiple ?? 1.5
              } × the 7-day peak ${round1(peak!)} / ${round1(
                boundSizing,
              )} per pod)`,
          )
        : r,
    );
  }
  if (!floor.applied) {
    result.status = 'reported';
    return result;
  }
  result.status = capped ? 'capped' : 'applied';

  let planned = replicas;
  let replaceReactive = plan;
  const extra: FloorReason[] = [];
  if (plan && state.forecaster) {
    // The expected peak (median) and the demand seen now both run at the target utilisation.
    const median = medianPeak;
    // Demand already rising keeps rising for the start-up a new pod needs (never assumed to fall).
    const rising = Math.max(0, state.burst?.slope ?? 0) * input.startupSeconds;
    // Demand seen now: the caller's (windowed) observation or the last sample, whichever is higher.
    const seen = Math.max(input.observedDemand ?? 0, state.lastDemand ?? 0);
    const atTarget = Math.max(median?.demand ?? 0, seen + rising);
    const forTarget = Math.ceil(atTarget / medianSizing - 1e-9);
    if (forTarget > planned) {
      planned = Math.min(
        forTarget,
        quotaMax ?? Infinity,
        predictive.honorMaxReplicas ? policy.maxReplicas : Infinity,
      );
    }
    // Scale-in is undone only after a start-up: a pod goes only when the band's high quantile
    // over the lead plus one start-up no longer needs it (hysteresis, without a fixed window).
    const current = input.currentReplicas;
    if (current !== undefined && current > planned) {
      const hold = holdPeak;
      if (hold) {
        const keep = Math.min(
          current,
          Math.ceil(hold.demand / sizing - 1e-9),
          quotaMax ?? Infinity,
        );
        if (keep > planned) planned = keep;
      }
    }
    // Never more than the reactive path would hold for the expected demand at the top of its
    // tolerance: where the band is wide (bursty, poorly forecast load) its upper quantile would
    // cost more than the HPA.
    if (reactiveSizing > 0) {
      const reactiveForExpected = Math.max(
        forTarget,
        Math.ceil(atTarget / reactiveSizing - 1e-9),
      );
      if (planned > reactiveForExpected) planned = reactiveForExpected;
    }
  }
  if (plan && input.observedDemand !== undefined && state.forecaster) {
    const observed = input.observedDemand;
    const upperNow = forecastQuantile(
      state.forecaster,
      input.nowMs,
      predictive.quantile,
    );
    if (Number.isFinite(upperNow) && observed > upperNow) {
      replaceReactive = false;
      extra.push(
        new LazyReason(
          'PredictiveFloor',
          () =>
            `observed demand ${round1(observed)} is above the band (${round1(
              upperNow,
            )}): the reactive path may raise replicas further`,
        ),
      );
    }
  }
  result.floorReplicas = planned;
  result.wouldBeReplicas = planned;
  const reasons = [...result.reasons, ...extra];
  result.reasons = reasons;
  const chosen = state.forecaster?.fit.chosen;
  const explain = (): string => {
    const all = reasons.map(r => r.message).join('; ');
    if (!plan) return all;
    const peakText = floor.peak
      ? `peak forecast ${round1(floor.peak.demand)} at ${isoTime(
          floor.peak.timeMs,
        )}`
      : 'forecast';
    return `${peakText} (p${Math.round(
      predictive.quantile * 100,
    )}) within full capacity less ${
      Math.round((burstHeadroom - 1) * 1000) / 10
    }% learned burst headroom, and the median at ${
      predictive.targetUtilization ?? 85
    }% = ${planned} replicas (${chosen}); ${all}`;
  };
  result.decisionInput = {
    floorReplicas: planned,
    replaceReactive,
    peakDemand: floor.peak?.demand,
    peakAtMs: floor.peak?.timeMs,
    // Formatted only when a decision's reason is read (see `LazyReason`).
    explain,
  };
  return result;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The policy's scale-up tolerance (KEP-4951), else the controller default of 0.1. */
export function scaleUpTolerance(policy: ScalingPolicy): number {
  const value = Number(policy.behavior?.scaleUp?.tolerance);
  return Number.isFinite(value) && value >= 0 ? value : 0.1;
}
