/**
 * The predictive floor: `max(reactive, ceil(peak forecast over the lead time / per-pod target))`.
 *
 * - lead time: at least the pod start-up time (a pod asked for now serves in start-up seconds);
 * - the peak is taken over `[now, now + lead]` at the policy's band quantile (0.9 by default);
 * - it is a floor only: it raises replicas, never lowers them, so scale-in still comes only from
 *   observed demand (the reactive path), as in AWS predictive scaling;
 * - capped by maxReplicas (when honoured) and by any quota headroom passed in;
 * - `forecast-only` mode computes and explains the floor but does not apply it.
 *
 * Pure. The decision (`decideHorizontal`) takes the result through its `predictive` input.
 */
import type { ScalingPolicy } from '@internal/plugin-autoscaling-common';
import { levelColumn } from './backtest';
import type { Forecaster } from './forecaster';
import { forecastModelPath } from './model';
import { LazyReason } from '../explain';

export type FloorReasonCode =
  | 'PredictiveFloor'
  | 'PredictiveFloorCapped'
  | 'LeadTimeRaised'
  | 'ForecastOnly'
  | 'InsufficientHistory'
  | 'NoForecast';

export interface FloorReason {
  code: FloorReasonCode;
  message: string;
}

export interface PredictiveFloorInput {
  /** Undefined when there is no forecaster yet (short history): reactive only. */
  forecaster: Forecaster | undefined;
  /** Point forecasts already computed on the lead's grid (`forecastPath`), if any. */
  path?: ForecastPath;
  /** The path's peak over the lead at `quantile`, when the caller has read it already. */
  peak?: PathPeak;
  /** Why there is no forecaster, if there is none (from `fitForecaster`). */
  unavailableReason?: string;
  nowMs: number;
  leadTimeSeconds: number;
  startupSeconds: number;
  /** Demand one pod should carry at the target (e.g. capacity × CPU target). */
  perPodTarget: number;
  /**
   * Scale-up tolerance of the reactive path (HPA default 0.1): the reactive path does not add pods
   * until usage is this far above target, so the floor holds the forecast peak to
   * target × (1 + tolerance) and is never stricter than the HPA would be on the same demand.
   */
  tolerance?: number;
  /** Band quantile the peak is read at (0.5 … 0.99). */
  quantile: number;
  maxReplicas: number;
  honorMaxReplicas: boolean;
  /** Outer cap, e.g. the tenant's quota headroom for this workload. */
  quotaMaxReplicas?: number;
  mode: ScalingPolicy['mode'];
  /** The reactive proposal, to report the combined value; the decision does its own max. */
  reactiveReplicas?: number;
}

export interface PredictiveFloorResult {
  /** The floor to apply, undefined when none applies (no forecast, or forecast-only). */
  floorReplicas?: number;
  /** What the floor is or would have been (forecast-only records it here). */
  wouldBeReplicas?: number;
  /** max(reactive, floor) when the reactive proposal was given. */
  combinedReplicas?: number;
  applied: boolean;
  leadTimeSeconds: number;
  peak?: { timeMs: number; demand: number };
  reasons: FloorReason[];
  /**
   * Set when maxReplicas or the quota headroom (which carries the runaway bound) capped the
   * floor: the limit that binds last, and the replicas the forecast asked for before it.
   */
  cap?: { by: 'max' | 'quota'; wantedReplicas: number };
}

const round = (x: number) => Math.round(x * 10) / 10;

/**
 * `new Date(ms).toISOString()`, remembered for the last few instants: every workload of a tick
 * reads its peak on the same few grid times, and formatting dates was a third of the tick.
 */
const isoCache = new Map<number, string>();
export function isoTime(timeMs: number): string {
  let text = isoCache.get(timeMs);
  if (text === undefined) {
    text = new Date(timeMs).toISOString();
    if (isoCache.size >= 64) isoCache.clear();
    isoCache.set(timeMs, text);
  }
  return text;
}

/** The predictive floor for one evaluation. */
export function computePredictiveFloor(
  input: PredictiveFloorInput,
): PredictiveFloorResult {
  const reasons: FloorReason[] = [];
  const lead = Math.max(input.leadTimeSeconds, input.startupSeconds);
  if (lead > input.leadTimeSeconds) {
    reasons.push(
      new LazyReason(
        'LeadTimeRaised',
        () =>
          `lead time raised from ${input.leadTimeSeconds} s to the pod start-up time of ${input.startupSeconds} s`,
      ),
    );
  }
  const reactiveOnly = (
    code: FloorReasonCode,
    message: string,
  ): PredictiveFloorResult => ({
    applied: false,
    leadTimeSeconds: lead,
    combinedReplicas: input.reactiveReplicas,
    reasons: [...reasons, { code, message }],
  });
  if (!input.forecaster) {
    return reactiveOnly(
      'InsufficientHistory',
      input.unavailableReason ?? 'no forecast yet: reactive scaling only',
    );
  }
  if (!(input.perPodTarget > 0)) {
    return reactiveOnly(
      'NoForecast',
      'no per-pod target to turn demand into replicas: reactive scaling only',
    );
  }

  // A caller's path on the same grid (the plan's) saves computing the model again.
  const path =
    input.path && input.path.stepSeconds === peakStepSeconds(lead)
      ? input.path
      : forecastPath(input.forecaster, input.nowMs, lead);
  const peak =
    input.peak && path === input.path
      ? input.peak
      : peakOfPath(input.forecaster, path, lead, input.quantile);
  if (!peak) {
    return reactiveOnly(
      'NoForecast',
      'the model has no forecast for the next lead time: reactive scaling only',
    );
  }
  const perPod = input.perPodTarget * (1 + (input.tolerance ?? 0));
  let floor = Math.ceil(peak.demand / perPod - 1e-9);
  const uncapped = floor;
  const cappedByMax = input.honorMaxReplicas && floor > input.maxReplicas;
  if (cappedByMax) floor = input.maxReplicas;
  const cappedByQuota =
    input.quotaMaxReplicas !== undefined && floor > input.quotaMaxReplicas;
  if (cappedByQuota) floor = Math.max(0, input.quotaMaxReplicas!);
  const chosen = input.forecaster.fit.chosen;
  const why = () =>
    `peak forecast ${round(peak.demand)} (p${Math.round(
      input.quantile * 100,
    )}) at ` +
    `${isoTime(peak.timeMs)} within ${round(lead / 60)} min / ${round(
      perPod,
    )} per pod = ${uncapped} replicas` +
    ` (${chosen})`;
  if (cappedByMax || cappedByQuota) {
    const cappedAt = floor;
    reasons.push(
      new LazyReason('PredictiveFloorCapped', () => {
        const caps: string[] = [];
        if (cappedByMax) caps.push(`maxReplicas ${input.maxReplicas}`);
        if (cappedByQuota) caps.push(`quota ${input.quotaMaxReplicas}`);
        return `floor capped at ${cappedAt} by ${caps.join(' and ')}`;
      }),
    );
  }
  const cap =
    cappedByMax || cappedByQuota
      ? {
          by: cappedByQuota ? ('quota' as const) : ('max' as const),
          wantedReplicas: uncapped,
        }
      : undefined;
  const combined =
    input.reactiveReplicas === undefined
      ? undefined
      : Math.max(input.reactiveReplicas, floor);
  if (input.mode === 'forecast-only') {
    const wouldBe = floor;
    reasons.push(
      new LazyReason(
        'ForecastOnly',
        () => `forecast-only: would raise the floor to ${wouldBe}: ${why()}`,
      ),
    );
    return {
      wouldBeReplicas: floor,
      combinedReplicas: input.reactiveReplicas,
      applied: false,
      leadTimeSeconds: lead,
      peak,
      reasons,
      ...(cap ? { cap } : {}),
    };
  }
  reasons.push(new LazyReason('PredictiveFloor', why));
  return {
    floorReplicas: floor,
    wouldBeReplicas: floor,
    combinedReplicas: combined,
    applied: true,
    leadTimeSeconds: lead,
    peak,
    reasons,
    ...(cap ? { cap } : {}),
  };
}

/**
 * Grid step of a look-ahead: every minute, or a third of the window when shorter. The models'
 * profiles are 5-minute buckets fitted on 1-minute means, so a finer grid only repeats values.
 */
export function peakStepSeconds(leadSeconds: number): number {
  return Math.max(1, Math.min(60, leadSeconds / 3));
}

/**
 * The model's point forecasts on a grid ahead of now, computed once and read at several
 * quantiles and spans (the plan reads the band, the median and the hold from one path).
 */
export interface ForecastPath {
  startMs: number;
  stepSeconds: number;
  /** Point forecast at `startMs + (i + 1) × step`. */
  point: Float64Array;
}

export function forecastPath(
  forecaster: Forecaster,
  nowMs: number,
  spanSeconds: number,
  stepSeconds = peakStepSeconds(spanSeconds),
): ForecastPath {
  const startMs = Math.max(nowMs, forecaster.model.lastMs);
  const count = Math.max(0, Math.floor(spanSeconds / stepSeconds + 1e-9));
  const point = new Float64Array(count);
  forecastModelPath(forecaster.model, startMs, stepSeconds, point);
  return { startMs, stepSeconds, point };
}

/** Highest forecast at `quantile` over the first `leadSeconds` of a path. */
export function peakOfPath(
  forecaster: Forecaster,
  path: ForecastPath,
  leadSeconds: number,
  quantile: number,
): PathPeak | undefined {
  return peaksOfPath(forecaster, path, [[leadSeconds, quantile]])[0];
}

export interface PathPeak {
  timeMs: number;
  demand: number;
}

/** Scratch for `peaksOfPath` (synchronous, so one set serves every call). */
const MAX_READS = 8;
const readColumns: Array<Float64Array | undefined> = new Array(MAX_READS).fill(
  undefined,
);
const readCounts = new Int32Array(MAX_READS);
const bestDemand = new Float64Array(MAX_READS);
const bestIndex = new Int32Array(MAX_READS);

/**
 * Where each point of a path falls between the band's kept horizons: index `k` and weight `w`
 * (linear in log-horizon, constant beyond the ends, as `bandQuantile`). Every workload of a tick
 * has a path starting at the same offset from its model's last sample and bands kept at the same
 * horizons, so the grid is computed once per tick rather than once per workload (logs were a
 * fifth of `peaksOfPath`).
 */
const grid = {
  offsetMs: NaN,
  stepMs: NaN,
  points: 0,
  horizons: [] as number[],
  k: new Int32Array(64),
  w: new Float64Array(64),
};

function sameNumbers(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function horizonGrid(
  hs: number[],
  offsetMs: number,
  stepMs: number,
  points: number,
): typeof grid {
  if (
    grid.offsetMs === offsetMs &&
    grid.stepMs === stepMs &&
    grid.points >= points &&
    sameNumbers(grid.horizons, hs)
  )
    return grid;
  if (grid.k.length < points) {
    grid.k = new Int32Array(points);
    grid.w = new Float64Array(points);
  }
  const logs = hs.map(Math.log);
  for (let i = 0; i < points; i++) {
    const h = Math.max(0, (offsetMs + (i + 1) * stepMs) / 1000);
    let k = 0;
    let w = 0;
    if (hs.length > 1 && h > hs[0]) {
      if (h >= hs[hs.length - 1]) k = hs.length - 1;
      else {
        while (hs[k + 1] < h) k++;
        w = (Math.log(h) - logs[k]) / (logs[k + 1] - logs[k]);
      }
    }
    grid.k[i] = k;
    grid.w[i] = w;
  }
  grid.offsetMs = offsetMs;
  grid.stepMs = stepMs;
  grid.points = points;
  grid.horizons = hs.slice();
  return grid;
}

/**
 * Several reads of one path in one pass: for each `[spanSeconds, quantile]`, the highest forecast
 * at that quantile over the first `spanSeconds`. The band's horizon interpolation is shared by all
 * reads of a point (the plan reads three quantiles of every point each tick).
 */
export function peaksOfPath(
  forecaster: Forecaster,
  path: ForecastPath,
  reads: ReadonlyArray<readonly [spanSeconds: number, quantile: number]>,
): Array<PathPeak | undefined> {
  const bands = forecaster.bands;
  const hs = bands.horizonsSeconds;
  const n = Math.min(reads.length, MAX_READS);
  let points = 0;
  for (let r = 0; r < n; r++) {
    readColumns[r] =
      hs.length > 0 ? levelColumn(bands, reads[r][1]) : undefined;
    readCounts[r] = Math.min(
      path.point.length,
      Math.floor(reads[r][0] / path.stepSeconds + 1e-9),
    );
    if (readCounts[r] > points) points = readCounts[r];
    bestDemand[r] = -Infinity;
    bestIndex[r] = -1;
  }
  const stepMs = path.stepSeconds * 1000;
  const { k: ks, w: ws } = horizonGrid(
    hs,
    path.startMs - forecaster.model.lastMs,
    stepMs,
    points,
  );
  for (let i = 0; i < points; i++) {
    const forecast = path.point[i];
    if (!Number.isFinite(forecast)) continue;
    const k = ks[i];
    const w = ws[i];
    for (let r = 0; r < n; r++) {
      if (i >= readCounts[r]) continue;
      const column = readColumns[r];
      let q = NaN;
      if (column)
        q = w > 0 ? column[k] * (1 - w) + column[k + 1] * w : column[k];
      // As forecastQuantile: the band's relative quantile on the point forecast.
      const demand = Number.isFinite(q)
        ? Math.max(0, forecast * (1 + q))
        : forecast;
      if (demand > bestDemand[r]) {
        bestDemand[r] = demand;
        bestIndex[r] = i;
      }
    }
  }
  const peaks: Array<PathPeak | undefined> = [];
  for (let r = 0; r < reads.length; r++) {
    peaks.push(
      r < n && bestIndex[r] >= 0
        ? {
            timeMs: path.startMs + (bestIndex[r] + 1) * stepMs,
            demand: bestDemand[r],
          }
        : undefined,
    );
  }
  return peaks;
}

/**
 * Highest forecast at `quantile` over `[now, now + lead]`, read every minute (or third of the
 * lead when shorter) and at the end of the window. Undefined when nothing can be forecast.
 */
export function peakForecast(
  forecaster: Forecaster,
  nowMs: number,
  leadSeconds: number,
  quantile: number,
): { timeMs: number; demand: number } | undefined {
  return peakOfPath(
    forecaster,
    forecastPath(forecaster, nowMs, leadSeconds),
    leadSeconds,
    quantile,
  );
}

/**
 * Demand one pod should carry, from the policy's metrics, when the forecast series is the
 * workload's demand in rps and one pod serves `capacityPerPod` rps at 100% CPU (the replay model):
 * CPU utilisation targets give capacity × target; AverageValue targets on Pods, Object or
 * External metrics give their value. The smallest wins (the metric that needs most pods).
 */
export function perPodTargetFor(
  policy: ScalingPolicy,
  capacityPerPod: number,
): number | undefined {
  let best: number | undefined;
  for (const metric of policy.metrics) {
    let value: number | undefined;
    if (metric.type === 'Resource') {
      if (metric.resource === 'cpu' && metric.target.type === 'Utilization') {
        value = (capacityPerPod * metric.target.averageUtilization) / 100;
      }
    } else if (metric.target.type === 'AverageValue') {
      value = Number(metric.target.averageValue);
    }
    if (
      value !== undefined &&
      value > 0 &&
      (best === undefined || value < best)
    )
      best = value;
  }
  return best;
}
