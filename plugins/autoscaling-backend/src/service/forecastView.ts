/**
 * The forecast DTOs from stored state: pure functions of the workload's `workload_forecasts`
 * row, its status and the time. No I/O; the routes load and pass the rows.
 */
import type {
  ForecastAccuracy,
  ForecastFloor,
  ForecastPoint,
  Reason,
  TenantForecast,
  TenantForecastPoint,
  WorkloadForecast,
} from '@internal/plugin-autoscaling-common';
import { forecastAt, trustOf } from '@internal/plugin-autoscaling-engine';
import {
  BAND_COVERAGE,
  type LiveForecastState,
} from '../evaluation/predictiveStep';

const MINUTE_MS = 60_000;
const HOUR_MS = 3600_000;
/** The workload forecast: the next 24 h at 5-minute steps. */
export const WORKLOAD_STEP_SECONDS = 300;
export const HORIZON_SECONDS = 86_400;
/** Band coverage is reported once this many forecasts have met their actual. */
const MIN_COVERAGE_SAMPLES = 10;
/** Without a forecaster the engine retries a fit at most hourly (predictive.ts). */
const RETRY_MS = HOUR_MS;

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const finite = (x: number) => (Number.isFinite(x) ? round3(x) : null);
const replicasFor = (demand: number | null, perPod: number | null) =>
  demand === null || !perPod || perPod <= 0
    ? null
    : Math.ceil(demand / perPod - 1e-9);

export function workloadForecastOf(
  workloadId: string,
  live: LiveForecastState | undefined,
): WorkloadForecast {
  const forecaster = live?.predictive.forecaster ?? null;
  const plan = live?.lastPlan ?? null;
  const perPodTarget = live?.perPodTarget ?? null;
  const leadTimeSeconds = plan?.leadTimeSeconds ?? 0;
  const floor: ForecastFloor = plan
    ? {
        strategy: plan.strategy,
        status: plan.status,
        replicas:
          plan.status === 'reactive' && !forecaster ? null : plan.replicas,
        peak: plan.peak
          ? {
              at: new Date(plan.peak.timeMs).toISOString(),
              demand: plan.peak.demand,
            }
          : null,
        leadTimeSeconds,
        reasons: plan.reasons,
      }
    : {
        strategy: 'floor',
        status: 'reactive',
        replicas: null,
        peak: null,
        leadTimeSeconds,
        reasons: [],
      };

  let points: ForecastPoint[] = [];
  let accuracy: ForecastAccuracy | null = null;
  const reasons: Reason[] = [];
  if (forecaster && live) {
    const lastMs = live.predictive.lastObservedMs ?? forecaster.model.lastMs;
    const stepMs = WORKLOAD_STEP_SECONDS * 1000;
    const start = Math.floor(lastMs / stepMs) * stepMs;
    const targets = Array.from(
      { length: HORIZON_SECONDS / WORKLOAD_STEP_SECONDS },
      (_, i) => start + (i + 1) * stepMs,
    );
    points = forecastAt(forecaster, targets, BAND_COVERAGE).flatMap(p => {
      const forecast = finite(p.forecast);
      if (forecast === null) return [];
      const lower = finite(p.lower);
      const upper = finite(p.upper);
      return [
        {
          at: new Date(p.timeMs).toISOString(),
          forecast,
          lower,
          upper,
          replicas: replicasFor(forecast, perPodTarget) ?? 0,
          replicasLower: replicasFor(lower, perPodTarget),
          replicasUpper: replicasFor(upper, perPodTarget),
        },
      ];
    });
    const fit = forecaster.fit;
    const chosen = fit.scores.find(s => s.name === fit.chosen);
    const horizon = nearestHorizon(chosen?.mase ?? {}, leadTimeSeconds);
    const trust = trustOf(live.predictive);
    accuracy = {
      mase: horizon === undefined ? null : finite(chosen!.mase[horizon]),
      horizonSeconds: horizon === undefined ? leadTimeSeconds : Number(horizon),
      bandCoverage:
        live.band.total >= MIN_COVERAGE_SAMPLES
          ? round3(live.band.inside / live.band.total)
          : null,
      liveRelativeError:
        trust.relativeError === null ? null : finite(trust.relativeError),
      liveComparisons: trust.comparisons,
    };
    reasons.push({
      code: 'ModelSelected',
      message:
        live.lastRefit?.ok && live.lastRefit.message
          ? live.lastRefit.message
          : `${fit.chosen} chosen by rolling-origin backtest over ${Math.round(
              fit.historySeconds / 3600,
            )} h of history`,
    });
    reasons.push({
      code: trust.trusted ? 'Trusted' : 'NotTrusted',
      message: trust.message,
    });
  } else {
    reasons.push({
      code: 'InsufficientHistory',
      message:
        live?.predictive.unavailable ??
        'no forecast yet: the engine has not evaluated this workload with demand metrics',
    });
  }

  return {
    workloadId,
    generatedAt: plan ? new Date(plan.atMs).toISOString() : null,
    unit: 'cores',
    perPodTarget: perPodTarget === null ? null : round3(perPodTarget),
    model: forecaster?.fit.chosen ?? null,
    reasons,
    stepSeconds: WORKLOAD_STEP_SECONDS,
    horizonSeconds: HORIZON_SECONDS,
    points,
    accuracy,
    predictiveFloor: floor.replicas,
    floor,
    anomalies: (live?.anomalies ?? []).map(a => ({
      at: new Date(a.atMs).toISOString(),
      value: a.value,
      score: a.score,
    })),
    firstForecastAt: forecaster || !live ? null : firstForecastAtOf(live),
  };
}

/** The backtest's MASE horizon closest to the lead time (keys are seconds). */
function nearestHorizon(
  mase: Record<string, number>,
  leadSeconds: number,
): string | undefined {
  const keys = Object.keys(mase).filter(k => Number.isFinite(mase[k]));
  if (keys.length === 0) return undefined;
  return keys.reduce((best, k) =>
    Math.abs(Number(k) - leadSeconds) < Math.abs(Number(best) - leadSeconds)
      ? k
      : best,
  );
}

/**
 * When the first fit can succeed: min history after the first sample, at the first hourly retry
 * from the last attempt (the engine retries a missing model hourly).
 */
export function firstForecastAtOf(live: LiveForecastState): string | null {
  if (live.firstSampleMs === null || live.minHistorySeconds === null)
    return null;
  const ready = live.firstSampleMs + live.minHistorySeconds * 1000;
  const attempt = live.predictive.lastAttemptMs;
  if (attempt === null) return new Date(ready).toISOString();
  const waits = Math.max(1, Math.ceil((ready - attempt) / RETRY_MS));
  // A tick runs at or after the retry time; round up to the minute for display.
  const at = Math.ceil((attempt + waits * RETRY_MS) / MINUTE_MS) * MINUTE_MS;
  return new Date(at).toISOString();
}

/** One workload as the tenant forecast reads it. */
export interface TenantForecastWorkload {
  live: LiveForecastState | undefined;
  currentReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  /** Hourly cost of one replica in the cost model (`hourly / replicas` of the month state). */
  costPerReplicaHour: number | null;
}

/**
 * The tenant's next 24 h at hourly steps: forecast replicas summed over its workloads (clamped
 * to each one's min and max, as the engine would), workloads without a model at their current
 * replicas, and the hourly cost of those replicas.
 */
export function tenantForecastOf(input: {
  tenant: string;
  nowMs: number;
  currency: string | null;
  replicaQuota: number | null;
  workloads: TenantForecastWorkload[];
}): TenantForecast {
  const start = Math.floor(input.nowMs / HOUR_MS) * HOUR_MS;
  const targets = Array.from(
    { length: 24 },
    (_, i) => start + (i + 1) * HOUR_MS,
  );
  const points: TenantForecastPoint[] = targets.map(t => ({
    at: new Date(t).toISOString(),
    replicas: 0,
    replicasLower: 0,
    replicasUpper: 0,
    hourlyCost: null,
  }));
  let forecasted = 0;
  for (const w of input.workloads) {
    const forecaster = w.live?.predictive.forecaster;
    const perPod = w.live?.perPodTarget ?? null;
    const clamp = (r: number | null) =>
      r === null
        ? w.currentReplicas
        : Math.min(w.maxReplicas, Math.max(w.minReplicas, r));
    const rows =
      forecaster && perPod
        ? forecastAt(forecaster, targets, BAND_COVERAGE).map(p => {
            const mid = replicasFor(finite(p.forecast), perPod);
            return {
              replicas: clamp(mid),
              lower: clamp(replicasFor(finite(p.lower), perPod) ?? mid),
              upper: clamp(replicasFor(finite(p.upper), perPod) ?? mid),
            };
          })
        : undefined;
    if (rows) forecasted++;
    targets.forEach((_, i) => {
      const row = rows?.[i] ?? {
        replicas: w.currentReplicas,
        lower: w.currentReplicas,
        upper: w.currentReplicas,
      };
      const point = points[i];
      point.replicas += row.replicas;
      point.replicasLower += row.lower;
      point.replicasUpper += row.upper;
      if (w.costPerReplicaHour !== null) {
        point.hourlyCost = round3(
          (point.hourlyCost ?? 0) + row.replicas * w.costPerReplicaHour,
        );
      }
    });
  }
  return {
    tenant: input.tenant,
    generatedAt: new Date(input.nowMs).toISOString(),
    stepSeconds: 3600,
    currency: input.currency,
    workloads: input.workloads.length,
    forecasted,
    replicaQuota: input.replicaQuota,
    points,
  };
}
