/**
 * Double-seasonal exponential smoothing with a multiplicative level and an additive short-term
 * deviation (Holt, damped), on seasonal profiles kept at a coarse bucket resolution.
 *
 *   expected(t) = S(t) · ρ                       seasonal expectation
 *   ŷ(t+h)      = S(t+h) · ρ + ℓ·e^(−h/τℓ) + b·τb·(1 − e^(−h/τb))
 *
 * - S: the weekly profile (2016 five-minute buckets) where that slot has been seen, else the
 *   daily profile (288 buckets); both are exponentially smoothed across weeks / days
 *   (Taylor-style double seasonality without a separate intraday model).
 * - ρ: the level, a ratio of exponentially weighted sums Σy / ΣS (robust when S is small), half-life
 *   `slowHalfLifeSeconds`; it follows drift (batch volumes that grow or shrink day to day). There
 *   is one level per profile (weekly, daily), so the level learned against the daily profile on the
 *   first weekend (where it drops) does not leak into forecasts from the weekly profile.
 * - ℓ, b: Holt's level and trend of the deviation y − expected, per sample, with time-based
 *   smoothing; they fade in the forecast (τℓ, τb) so long horizons fall back on S · ρ.
 *
 * Anomalies: at the end of each bucket the relative residual of the bucket mean against the
 * expectation gets a robust z-score (median/MAD of the last day of bucket residuals). A bucket
 * with |z| above the threshold is flagged, and only a winsorised value enters the level. Profile
 * updates wait `commitDelayBuckets` (2 h): a flagged bucket whose episode (the run of same-sign
 * deviations around it) ends within that delay is an incident and stays out of the profiles, so
 * one incident does not teach the model a false peak; an episode that lasts longer is a change of
 * regime (the first weekend, a new baseline) and is learned.
 *
 * Memory is bounded by the season length (2016 + 288 + 288 numbers); each sample costs O(1)
 * (robust statistics are refreshed hourly on 288 values, in O(n)). The state is plain JSON:
 * unknown profile slots are −1 (demand is never negative).
 *
 * Pure: time comes in with each sample; no clocks.
 */
import { MAD_TO_SIGMA, medianAndMad, robustZ } from './robust';

export interface SeasonalParams {
  /** 'weekly': weekly profile, daily profile for slots not yet seen; 'daily': daily only. */
  seasonality: 'weekly' | 'daily';
  /** Half-life of the level ρ; 0 keeps ρ = 1 (pure profile). */
  slowHalfLifeSeconds: number;
  /**
   * Time constant over which the forecast's level returns from ρ to 1 (the profile as learned):
   * day-to-day level changes that do not persist should not be carried into tomorrow. 0 = never.
   */
  levelDecaySeconds?: number;
  /**
   * Half-life of a long-run level the forecast returns to instead of 1 (e.g. two days): a change
   * that lasts for days (a new baseline) is then carried into tomorrow. 0/absent: returns to 1,
   * which suits day levels that wander and come back (the backtest decides).
   */
  longLevelHalfLifeSeconds?: number;
  /** Half-life of Holt's deviation level ℓ; 0 disables the short-term deviation. */
  fastHalfLifeSeconds: number;
  /** Time constant over which the deviation fades in the forecast. */
  deviationDecaySeconds: number;
  /** Half-life of Holt's trend b; 0 disables the trend. */
  trendHalfLifeSeconds: number;
  /** Damping time constant of the trend: it adds at most b·τb to a forecast. */
  trendDampingSeconds: number;
  /**
   * Only the part of the trend beyond this many times its typical size (mean |b| over the last
   * hour) is extrapolated, so noise does not raise forecasts but a ramp does. 0 = all of it.
   */
  trendThreshold?: number;
  /** Smoothing of the daily profile, per day. */
  dailyGamma: number;
  /** Smoothing of the weekly profile, per week. */
  weeklyGamma: number;
}

export interface SeasonalConfig {
  /** Profile resolution; must divide a day. */
  bucketSeconds: number;
  /** Robust z-score above which a bucket is an anomaly. */
  anomalyThreshold: number;
  /** Bucket residuals kept for the robust statistics (288 = one day of 5-minute buckets). */
  residualWindow: number;
  /** Buckets between refreshes of median/MAD. */
  robustRefreshBuckets: number;
  /** Residuals needed before anything is flagged. */
  minResidualsForAnomaly: number;
  /** Floor on the MAD, relative (so a noiseless series does not flag rounding). */
  minRelativeMad: number;
  /** Profile updates wait this many buckets; episodes at least this long are learned. */
  commitDelayBuckets: number;
  /** |z| that continues an episode started by a flagged bucket (same sign). */
  continueZ: number;
}

export const DEFAULT_SEASONAL_CONFIG: SeasonalConfig = {
  bucketSeconds: 300,
  anomalyThreshold: 2.5,
  residualWindow: 288,
  robustRefreshBuckets: 12,
  minResidualsForAnomaly: 24,
  minRelativeMad: 0.01,
  commitDelayBuckets: 24,
  continueZ: 1,
};

export interface SeasonalState {
  kind: 'seasonal';
  version: 1;
  params: SeasonalParams;
  config: SeasonalConfig;
  /** Daily profile, normalised by the level; −1 = not seen yet. */
  daily: number[];
  /** Weekly profile (empty with daily seasonality); −1 = not seen yet. */
  weekly: number[];
  /** Bucket being accumulated (epoch-aligned index), −1 before the first sample. */
  bucketIndex: number;
  bucketSum: number;
  bucketCount: number;
  /** Levels ρ = num / den against the weekly and against the daily profile. */
  levelNumW: number;
  levelDenW: number;
  levelNumD: number;
  levelDenD: number;
  /** Long-run levels (smoothed ρ) the forecast decays to at long horizons. */
  longLevelW: number;
  longLevelD: number;
  /** Closed buckets waiting to enter the profiles (oldest first). */
  pendingBucket: number[];
  pendingMean: number[];
  pendingZ: number[];
  /** What the levels did not get from each pending bucket because it was winsorised. */
  pendingShortfallW: number[];
  pendingShortfallD: number[];
  /** Run of same-sign deviating buckets just committed (sign × length). */
  committedRun: number;
  /** Holt level and trend (per second) of the deviation from the expectation. */
  deviation: number;
  trend: number;
  /** Mean |trend| over about an hour: the trend's noise level. */
  trendScale: number;
  /** Slow mean of the demand: a scale for relative residuals near zero. */
  meanDemand: number;
  firstMs: number;
  lastMs: number;
  samples: number;
  /** Ring of relative bucket residuals. */
  residuals: number[];
  residualNext: number;
  residualCount: number;
  residualMedian: number;
  residualMad: number;
  sinceRobustRefresh: number;
  anomalyBuckets: number;
}

/** A bucket whose mean was far from the expectation. */
export interface AnomalyFlag {
  startMs: number;
  endMs: number;
  observed: number;
  expected: number;
  /** Robust z-score of the relative residual. */
  z: number;
}

const DAY_SECONDS = 86400;

export function createSeasonalState(
  params: SeasonalParams,
  config: Partial<SeasonalConfig> = {},
): SeasonalState {
  const full = { ...DEFAULT_SEASONAL_CONFIG, ...config };
  if (!(full.bucketSeconds > 0) || DAY_SECONDS % full.bucketSeconds !== 0) {
    throw new RangeError(
      `bucketSeconds must divide a day, got ${full.bucketSeconds}`,
    );
  }
  const dayBuckets = DAY_SECONDS / full.bucketSeconds;
  return {
    kind: 'seasonal',
    version: 1,
    params: { ...params },
    config: full,
    daily: new Array<number>(dayBuckets).fill(-1),
    weekly:
      params.seasonality === 'weekly'
        ? new Array<number>(dayBuckets * 7).fill(-1)
        : [],
    bucketIndex: -1,
    bucketSum: 0,
    bucketCount: 0,
    levelNumW: 0,
    levelDenW: 0,
    levelNumD: 0,
    levelDenD: 0,
    longLevelW: 1,
    longLevelD: 1,
    pendingBucket: [],
    pendingMean: [],
    pendingZ: [],
    pendingShortfallW: [],
    pendingShortfallD: [],
    committedRun: 0,
    deviation: 0,
    trend: 0,
    trendScale: 0,
    meanDemand: 0,
    firstMs: NaN,
    lastMs: -Infinity,
    samples: 0,
    residuals: new Array<number>(full.residualWindow).fill(0),
    residualNext: 0,
    residualCount: 0,
    residualMedian: 0,
    residualMad: 0,
    sinceRobustRefresh: 0,
    anomalyBuckets: 0,
  };
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

const ratio = (num: number, den: number) => (den > 1e-12 ? num / den : 1);

/** Whether the weekly profile has this bucket's slot. */
function weeklyKnown(state: SeasonalState, bucket: number): boolean {
  return (
    state.weekly.length > 0 &&
    state.weekly[mod(bucket, state.weekly.length)] >= 0
  );
}

/** Seasonal expectation S·ρ of a bucket, with the level that belongs to the profile used. */
function expectationAt(state: SeasonalState, bucket: number): number {
  if (weeklyKnown(state, bucket)) {
    return (
      state.weekly[mod(bucket, state.weekly.length)] *
      ratio(state.levelNumW, state.levelDenW)
    );
  }
  const d = state.daily[mod(bucket, state.daily.length)];
  return d >= 0 ? d * ratio(state.levelNumD, state.levelDenD) : NaN;
}

/** The level ρ against the weekly profile, or the daily one with daily seasonality. */
export function levelOf(state: SeasonalState): number {
  return state.weekly.length > 0
    ? ratio(state.levelNumW, state.levelDenW)
    : ratio(state.levelNumD, state.levelDenD);
}

/** Seasonal expectation S(t)·ρ at a time, NaN when that slot has never been seen. */
export function expectedAt(state: SeasonalState, timeMs: number): number {
  const bucketMs = state.config.bucketSeconds * 1000;
  return expectationAt(state, Math.floor(timeMs / bucketMs));
}

/**
 * Feed one sample (time strictly after the previous one; others are ignored). Returns the
 * anomaly flag of the bucket this sample closed, if that bucket was anomalous.
 */
export function updateSeasonal(
  state: SeasonalState,
  timeMs: number,
  value: number,
): AnomalyFlag | undefined {
  if (!(timeMs > state.lastMs) || !Number.isFinite(value) || value < 0)
    return undefined;
  const bucketMs = state.config.bucketSeconds * 1000;
  const bucket = Math.floor(timeMs / bucketMs);
  let flag: AnomalyFlag | undefined;
  if (bucket !== state.bucketIndex) {
    if (state.bucketCount > 0) flag = closeBucket(state);
    state.bucketIndex = bucket;
    state.bucketSum = 0;
    state.bucketCount = 0;
  }

  const p = state.params;
  if (p.fastHalfLifeSeconds > 0 && state.samples > 0) {
    const expected = expectationAt(state, bucket);
    if (!Number.isNaN(expected)) {
      const dt = Math.min((timeMs - state.lastMs) / 1000, 3600);
      const alpha = 1 - Math.pow(2, -dt / p.fastHalfLifeSeconds);
      if (p.trendHalfLifeSeconds > 0) {
        const previous = state.deviation;
        const projected = previous + state.trend * dt;
        const next = alpha * (value - expected) + (1 - alpha) * projected;
        const beta = 1 - Math.pow(2, -dt / p.trendHalfLifeSeconds);
        state.trend =
          beta * ((next - previous) / dt) + (1 - beta) * state.trend;
        state.deviation = next;
        const hour = Math.pow(2, -dt / 3600);
        state.trendScale =
          hour * state.trendScale + (1 - hour) * Math.abs(state.trend);
      } else {
        state.deviation =
          alpha * (value - expected) + (1 - alpha) * state.deviation;
      }
    }
  }

  state.bucketSum += value;
  state.bucketCount++;
  if (state.samples === 0) state.firstMs = timeMs;
  state.lastMs = timeMs;
  state.samples++;
  return flag;
}

function closeBucket(state: SeasonalState): AnomalyFlag | undefined {
  const { params: p, config: c } = state;
  const bucket = state.bucketIndex;
  const mean = state.bucketSum / state.bucketCount;
  const dayDecay = Math.pow(2, -c.bucketSeconds / DAY_SECONDS);
  state.meanDemand =
    state.meanDemand === 0
      ? mean
      : dayDecay * state.meanDemand + (1 - dayDecay) * mean;

  const useWeekly = weeklyKnown(state, bucket);
  const dailyProfile = state.daily[mod(bucket, state.daily.length)];
  const expected = expectationAt(state, bucket);
  let z = 0;
  let flag: AnomalyFlag | undefined;
  let levelInput = mean;
  if (!Number.isNaN(expected)) {
    const scale = Math.max(expected, 0.01 * state.meanDemand, 1e-9);
    const residual = (mean - expected) / scale;
    if (state.residualCount >= c.minResidualsForAnomaly) {
      // Centred on 0, not on the median: the expectation is meant to be unbiased, and a median
      // still biased by a past regime change would flag normal data once the model has caught up.
      z = robustZ(residual, 0, state.residualMad, c.minRelativeMad);
      if (Math.abs(z) > c.anomalyThreshold) {
        const bucketMs = c.bucketSeconds * 1000;
        flag = {
          startMs: bucket * bucketMs,
          endMs: (bucket + 1) * bucketMs,
          observed: mean,
          expected,
          z,
        };
        state.anomalyBuckets++;
        const spread =
          MAD_TO_SIGMA * Math.max(state.residualMad, c.minRelativeMad);
        levelInput = Math.max(
          0,
          expected + Math.sign(z) * c.anomalyThreshold * spread * scale,
        );
      }
    }
    pushResidual(state, residual);
  }
  // Flagged buckets enter the levels winsorised; if their episode turns out to be a change of
  // regime, commitOldest adds the rest back (the levels are linear in their inputs).
  let weeklyShortfall = 0;
  let dailyShortfall = 0;
  if (p.slowHalfLifeSeconds > 0) {
    const a = Math.pow(2, -c.bucketSeconds / p.slowHalfLifeSeconds);
    if (useWeekly) {
      const weeklyProfile = state.weekly[mod(bucket, state.weekly.length)];
      state.levelNumW = a * state.levelNumW + (1 - a) * levelInput;
      state.levelDenW = a * state.levelDenW + (1 - a) * weeklyProfile;
      weeklyShortfall = mean - levelInput;
    }
    if (dailyProfile >= 0) {
      // The daily level learns from what the daily profile would have expected.
      const dailyInput =
        levelInput === mean
          ? mean
          : dailyProfile * ratio(state.levelNumD, state.levelDenD);
      state.levelNumD = a * state.levelNumD + (1 - a) * dailyInput;
      state.levelDenD = a * state.levelDenD + (1 - a) * dailyProfile;
      dailyShortfall = mean - dailyInput;
    }
  }

  if (p.levelDecaySeconds && p.longLevelHalfLifeSeconds) {
    const half = p.longLevelHalfLifeSeconds;
    const b = Math.pow(2, -c.bucketSeconds / half);
    if (state.levelDenW > 1e-12) {
      state.longLevelW =
        b * state.longLevelW +
        (1 - b) * ratio(state.levelNumW, state.levelDenW);
    }
    if (state.levelDenD > 1e-12) {
      state.longLevelD =
        b * state.longLevelD +
        (1 - b) * ratio(state.levelNumD, state.levelDenD);
    }
  }

  state.pendingBucket.push(bucket);
  state.pendingMean.push(mean);
  state.pendingZ.push(z);
  state.pendingShortfallW.push(weeklyShortfall);
  state.pendingShortfallD.push(dailyShortfall);
  while (state.pendingBucket.length > c.commitDelayBuckets) commitOldest(state);
  return flag;
}

/**
 * Move the oldest pending bucket into the profiles, unless it belongs to a short episode of
 * same-sign deviations (an incident), which stays out.
 */
function commitOldest(state: SeasonalState) {
  const { params: p, config: c } = state;
  const bucket = state.pendingBucket.shift()!;
  const mean = state.pendingMean.shift()!;
  const z = state.pendingZ.shift()!;
  const shortfallW = state.pendingShortfallW.shift()!;
  const shortfallD = state.pendingShortfallD.shift()!;
  const sign = Math.sign(z);
  let exclude = false;
  if (
    Math.abs(z) > c.anomalyThreshold ||
    (state.committedRun !== 0 &&
      Math.sign(state.committedRun) === sign &&
      Math.abs(z) >= c.continueZ)
  ) {
    let after = 0;
    while (
      after < state.pendingZ.length &&
      Math.sign(state.pendingZ[after]) === sign &&
      Math.abs(state.pendingZ[after]) >= c.continueZ
    ) {
      after++;
    }
    const before =
      Math.sign(state.committedRun) === sign ? Math.abs(state.committedRun) : 0;
    exclude = before + 1 + after < c.commitDelayBuckets;
    state.committedRun = sign * (before + 1);
  } else {
    state.committedRun = 0;
  }

  if (
    !exclude &&
    p.slowHalfLifeSeconds > 0 &&
    (shortfallW !== 0 || shortfallD !== 0)
  ) {
    // A regime, not an incident: give the levels the full value this bucket should have had.
    const a = Math.pow(2, -c.bucketSeconds / p.slowHalfLifeSeconds);
    const weight = (1 - a) * Math.pow(a, state.pendingBucket.length + 1);
    state.levelNumW = Math.max(0, state.levelNumW + weight * shortfallW);
    state.levelNumD = Math.max(0, state.levelNumD + weight * shortfallD);
  }
  // Profiles hold the shape: values divided by the level they were seen at.
  const weeklyLevel = ratio(state.levelNumW, state.levelDenW);
  const dailyLevel = ratio(state.levelNumD, state.levelDenD);
  const d = mod(bucket, state.daily.length);
  const dailyOld = state.daily[d];
  if (!exclude) {
    const normalised = mean / (dailyLevel > 1e-12 ? dailyLevel : 1);
    state.daily[d] =
      dailyOld >= 0
        ? dailyOld + p.dailyGamma * (normalised - dailyOld)
        : normalised;
  } else if (dailyOld < 0) {
    state.daily[d] = mean;
  }
  if (state.weekly.length > 0) {
    const w = mod(bucket, state.weekly.length);
    const weeklyOld = state.weekly[w];
    if (!exclude) {
      const normalised = mean / (weeklyLevel > 1e-12 ? weeklyLevel : 1);
      state.weekly[w] =
        weeklyOld >= 0
          ? weeklyOld + p.weeklyGamma * (normalised - weeklyOld)
          : normalised;
    } else if (weeklyOld < 0) {
      // First sight of this slot is an incident: start from what the daily profile expects.
      const expected = state.daily[d] >= 0 ? state.daily[d] * dailyLevel : mean;
      state.weekly[w] = expected / (weeklyLevel > 1e-12 ? weeklyLevel : 1);
    }
  }
}

function pushResidual(state: SeasonalState, residual: number) {
  const c = state.config;
  state.residuals[state.residualNext] = residual;
  state.residualNext = (state.residualNext + 1) % c.residualWindow;
  if (state.residualCount < c.residualWindow) state.residualCount++;
  state.sinceRobustRefresh++;
  if (
    state.sinceRobustRefresh >= c.robustRefreshBuckets ||
    state.residualCount === c.minResidualsForAnomaly
  ) {
    const window =
      state.residualCount < c.residualWindow
        ? state.residuals.slice(0, state.residualCount)
        : state.residuals;
    const { median, mad } = medianAndMad(window);
    state.residualMedian = median;
    state.residualMad = mad;
    state.sinceRobustRefresh = 0;
  }
}

/**
 * Point forecast for a target time after the last sample (NaN when the target's slot has never
 * been seen). Reads the state only.
 */
export function forecastSeasonal(
  state: SeasonalState,
  targetMs: number,
): number {
  const bucket = Math.floor(targetMs / (state.config.bucketSeconds * 1000));
  // As expectationAt, with the weekly slot looked up once (the plan calls this
  // for every workload and path point each tick).
  const weekly = weeklyKnown(state, bucket);
  let level: number;
  let value: number;
  if (weekly) {
    level = ratio(state.levelNumW, state.levelDenW);
    value = state.weekly[mod(bucket, state.weekly.length)] * level;
  } else {
    const d = state.daily[mod(bucket, state.daily.length)];
    if (!(d >= 0)) return NaN;
    level = ratio(state.levelNumD, state.levelDenD);
    value = d * level;
  }
  const p = state.params;
  const h = Math.max(0, (targetMs - state.lastMs) / 1000);
  if (p.levelDecaySeconds) {
    const longRun = weekly ? state.longLevelW : state.longLevelD;
    if (level > 1e-12) {
      value *=
        (longRun + (level - longRun) * Math.exp(-h / p.levelDecaySeconds)) /
        level;
    }
  }
  if (p.fastHalfLifeSeconds > 0) {
    value +=
      state.deviation * Math.exp(-h / Math.max(p.deviationDecaySeconds, 1e-9));
    if (p.trendHalfLifeSeconds > 0) {
      const tau = p.trendDampingSeconds;
      const excess =
        Math.abs(state.trend) - (p.trendThreshold ?? 0) * state.trendScale;
      if (excess > 0) {
        value +=
          Math.sign(state.trend) *
          excess *
          tau *
          (1 - Math.exp(-h / Math.max(tau, 1e-9)));
      }
    }
  }
  return value > 0 ? value : 0;
}

/**
 * Whether a forecast for this target comes from the profile the model settles on (the weekly one,
 * or the daily one with daily seasonality) rather than the daily stand-in of the first week.
 */
export function matureAt(state: SeasonalState, targetMs: number): boolean {
  const bucket = Math.floor(targetMs / (state.config.bucketSeconds * 1000));
  return state.weekly.length > 0
    ? weeklyKnown(state, bucket)
    : state.daily[mod(bucket, state.daily.length)] >= 0;
}

/** Seconds of history the profile covers (weekly slots seen / all, daily likewise). */
export function profileCoverage(state: SeasonalState): {
  daily: number;
  weekly: number;
} {
  const seen = (xs: number[]) =>
    xs.length ? xs.filter(x => x >= 0).length / xs.length : 0;
  return { daily: seen(state.daily), weekly: seen(state.weekly) };
}
