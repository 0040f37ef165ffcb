/**
 * The live per-workload predictive step: the engine's shared predictive path
 * (`observeDemand` → `isRefitDue`/`refitPredictive` → `planPredictive`), plus what the forecast
 * route needs beside it (anomalies, live band coverage, the last plan). Pure: state is plain
 * JSON mutated in place; the caller loads the history from the store only when a refit is due.
 *
 * It feeds samples exactly as the engine's replay provider (`createReplayFloorProvider`) does:
 * on a refit, every held sample not yet observed goes through `observeDemand` first, then the
 * model is fitted on the whole history; so replay and live give the same floors on one series.
 */
import type {
  Reason,
  ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import {
  createPredictiveState,
  forecastAt,
  isRefitDue,
  observeDemand,
  perPodTargetFor,
  planPredictive,
  refitPredictive,
  type DemandSeries,
  type PredictivePlan,
  type PredictiveState,
} from '@internal/plugin-autoscaling-engine';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Anomalies of the last 7 days, at most this many (newest kept). */
export const MAX_ANOMALIES = 200;
/** Band forecasts awaiting their actual are scored only this close to their target. */
const BAND_SCORE_WINDOW_MS = 5 * MINUTE_MS;
/** The band whose coverage is measured (the forecast card's band). */
export const BAND_COVERAGE = 0.8;

const round4 = (x: number) => Number(x.toPrecision(5));

/** What the last plan said, for the forecast route and the workload status. */
export interface StoredPlan {
  atMs: number;
  strategy: 'floor' | 'plan';
  status: PredictivePlan['status'];
  replicas: number | null;
  peak: { timeMs: number; demand: number } | null;
  leadTimeSeconds: number;
  reasons: Reason[];
}

/** One workload's row of `workload_forecasts`. */
export interface LiveForecastState {
  version: 1;
  predictive: PredictiveState;
  /** First demand sample known (history or live): the first forecast waits for min history. */
  firstSampleMs: number | null;
  anomalies: Array<{ atMs: number; value: number; score: number }>;
  /** 80% bands forecast one lead ahead, awaiting their actual: [targetMs, lower, upper]. */
  bandPending: Array<[number, number, number]>;
  band: { inside: number; total: number };
  lastPlan: StoredPlan | null;
  /** Demand one pod carries at the policy's target, cores (null without a CPU target). */
  perPodTarget: number | null;
  /** Result of the last refit attempt, for the route's reasons. */
  lastRefit: { atMs: number; ok: boolean; message: string } | null;
  /** The policy's min history, for "first forecast at". */
  minHistorySeconds: number | null;
}

export function createLiveForecastState(): LiveForecastState {
  return {
    version: 1,
    predictive: createPredictiveState(),
    firstSampleMs: null,
    anomalies: [],
    bandPending: [],
    band: { inside: 0, total: 0 },
    lastPlan: null,
    perPodTarget: null,
    lastRefit: null,
    minHistorySeconds: null,
  };
}

/** A stored row, or a fresh state when it is missing or of another version. */
export function liveForecastStateOf(
  raw: unknown,
): LiveForecastState | undefined {
  const state = raw as LiveForecastState | undefined;
  if (!state || state.version !== 1 || !state.predictive) return undefined;
  return state;
}

export interface PredictiveStepInput {
  /** Stable key (the workload id): spreads refits over the day. */
  key: string;
  nowMs: number;
  /** Demand observed now (cores in use); null when metrics failed (nothing is fed). */
  demand: number | null;
  policy: ScalingPolicy;
  /** One pod's CPU request, cores. */
  podCapacity: number | undefined;
  startupSeconds: number;
  refitEverySeconds?: number;
  /**
   * Everything held up to and including now, oldest first. Read only when `refitDue` says so
   * (the caller loads it then and only then).
   */
  history?: DemandSeries;
  reactiveReplicas?: number;
  quotaMaxReplicas?: number;
}

export const leadSecondsOf = (policy: ScalingPolicy, startupSeconds: number) =>
  Math.max(policy.predictive.leadTimeSeconds, startupSeconds);

/** Whether this tick refits (so the caller must pass `history`). */
export function refitDue(
  state: LiveForecastState,
  nowMs: number,
  key: string,
  refitEverySeconds?: number,
): boolean {
  return isRefitDue(state.predictive, nowMs, { key, refitEverySeconds });
}

export interface PredictiveStepResult {
  plan: PredictivePlan;
  refitted: boolean;
}

/** One tick of one workload. Mutates `state`. */
export function predictiveStep(
  state: LiveForecastState,
  input: PredictiveStepInput,
): PredictiveStepResult {
  const { policy, nowMs } = input;
  const leadSeconds = leadSecondsOf(policy, input.startupSeconds);
  const observe = (timeMs: number, value: number) =>
    observeSample(state, timeMs, value, leadSeconds);

  let refitted = false;
  if (
    input.history &&
    refitDue(state, nowMs, input.key, input.refitEverySeconds)
  ) {
    const { timeMs, values } = input.history;
    const seen = state.predictive.lastObservedMs ?? -Infinity;
    for (let i = 0; i < values.length; i++) {
      if (timeMs[i] > seen && timeMs[i] <= nowMs) observe(timeMs[i], values[i]);
    }
    if (
      values.length > 0 &&
      (state.firstSampleMs === null || timeMs[0] < state.firstSampleMs)
    ) {
      state.firstSampleMs = timeMs[0];
    }
    const fit = refitPredictive(state.predictive, input.history, nowMs, {
      policy,
      startupSeconds: input.startupSeconds,
    });
    state.lastRefit = { atMs: nowMs, ok: fit.ok, message: fit.message };
    if (fit.ok) {
      refitted = true;
      // The new model's bands are not the old one's: score only what it forecasts.
      state.bandPending = [];
    }
  }
  if (input.demand !== null) observe(nowMs, input.demand);

  state.minHistorySeconds = policy.predictive.minHistorySeconds;
  const podCapacity = input.podCapacity ?? 0;
  const plan = planPredictive(state.predictive, {
    policy,
    nowMs,
    podCapacity,
    startupSeconds: input.startupSeconds,
    observedDemand: input.demand ?? undefined,
    reactiveReplicas: input.reactiveReplicas,
    quotaMaxReplicas: input.quotaMaxReplicas,
  });
  state.perPodTarget = perPodTargetFor(policy, podCapacity) ?? null;
  state.lastPlan = storedPlanOf(plan, nowMs);
  recordBand(state, nowMs, leadSeconds);
  pruneAnomalies(state, nowMs);
  return { plan, refitted };
}

/** Feeds one sample to the forecaster, the band score and the anomaly list. */
function observeSample(
  state: LiveForecastState,
  timeMs: number,
  value: number,
  leadSeconds: number,
) {
  if (!Number.isFinite(value) || value < 0) return;
  scoreBands(state, timeMs, value);
  if (state.firstSampleMs === null || timeMs < state.firstSampleMs)
    state.firstSampleMs = timeMs;
  const { anomaly } = observeDemand(state.predictive, timeMs, value, {
    leadSeconds,
  });
  if (anomaly) {
    state.anomalies.push({
      atMs: anomaly.startMs,
      value: round4(anomaly.observed),
      score: Math.round(anomaly.z * 100) / 100,
    });
  }
}

/**
 * Catches a state read back from its checkpoint up with the demand stored since (the chart
 * points of the ticks after the checkpoint): each sample after the last one observed and
 * before `nowMs` is observed as the tick that stored it observed it. Mutates `state`.
 */
export function observeStoredDemand(
  state: LiveForecastState,
  points: ReadonlyArray<{ atMs: number; demand: number }>,
  input: { nowMs: number; policy: ScalingPolicy; startupSeconds: number },
): number {
  const leadSeconds = leadSecondsOf(input.policy, input.startupSeconds);
  let observed = 0;
  for (const p of points) {
    const seen = state.predictive.lastObservedMs ?? -Infinity;
    if (!(p.atMs > seen && p.atMs < input.nowMs)) continue;
    observeSample(state, p.atMs, p.demand, leadSeconds);
    observed++;
  }
  return observed;
}

export function storedPlanOf(plan: PredictivePlan, nowMs: number): StoredPlan {
  return {
    atMs: nowMs,
    strategy: plan.strategy,
    status: plan.status,
    replicas: plan.floorReplicas ?? plan.wouldBeReplicas ?? null,
    peak: plan.peak
      ? { timeMs: plan.peak.timeMs, demand: round4(plan.peak.demand) }
      : null,
    leadTimeSeconds: plan.leadTimeSeconds,
    reasons: plan.reasons.map(r => ({ code: r.code, message: r.message })),
  };
}

/** Counts observed values inside the band forecast one lead earlier for them. */
function scoreBands(state: LiveForecastState, timeMs: number, value: number) {
  const pending = state.bandPending;
  while (pending.length > 0 && pending[0][0] <= timeMs) {
    const [targetMs, lower, upper] = pending.shift()!;
    if (timeMs - targetMs > BAND_SCORE_WINDOW_MS) continue;
    state.band.total++;
    if (value >= lower && value <= upper) state.band.inside++;
  }
}

/** One band forecast per minute at the lead horizon: at most lead/60 entries. */
function recordBand(
  state: LiveForecastState,
  nowMs: number,
  leadSeconds: number,
) {
  const forecaster = state.predictive.forecaster;
  if (!forecaster) return;
  const target = nowMs + leadSeconds * 1000;
  const last = state.bandPending[state.bandPending.length - 1];
  if (last && target - last[0] < MINUTE_MS) return;
  const [point] = forecastAt(forecaster, [target], BAND_COVERAGE);
  if (!Number.isFinite(point.lower) || !Number.isFinite(point.upper)) return;
  state.bandPending.push([target, round4(point.lower), round4(point.upper)]);
}

function pruneAnomalies(state: LiveForecastState, nowMs: number) {
  const since = nowMs - 7 * DAY_MS;
  state.anomalies = state.anomalies
    .filter(a => a.atMs >= since)
    .slice(-MAX_ANOMALIES);
}

/**
 * Stored points (any spacing: 5-minute backfill, one-minute live points) as a regular series of
 * `stepSeconds` ending exactly at the last point, linearly interpolated; what the fit reads.
 */
export function demandSeriesOf(
  points: ReadonlyArray<{ atMs: number; demand: number }>,
  stepSeconds = 60,
): DemandSeries {
  const sorted = points
    .filter(
      p =>
        Number.isFinite(p.atMs) && Number.isFinite(p.demand) && p.demand >= 0,
    )
    .sort((a, b) => a.atMs - b.atMs);
  if (sorted.length === 0) return { timeMs: [], values: [], stepSeconds };
  const stepMs = stepSeconds * 1000;
  const first = sorted[0].atMs;
  const last = sorted[sorted.length - 1].atMs;
  const count = Math.floor((last - first) / stepMs) + 1;
  const timeMs = new Array<number>(count);
  const values = new Array<number>(count);
  let j = 0;
  for (let k = 0; k < count; k++) {
    const t = last - (count - 1 - k) * stepMs;
    while (j < sorted.length - 1 && sorted[j + 1].atMs < t) j++;
    const a = sorted[j];
    const b = sorted[Math.min(j + 1, sorted.length - 1)];
    const value =
      b.atMs === a.atMs || t <= a.atMs
        ? a.demand
        : a.demand + ((b.demand - a.demand) * (t - a.atMs)) / (b.atMs - a.atMs);
    timeMs[k] = t;
    values[k] = round4(value);
  }
  return { timeMs, values, stepSeconds };
}
