/**
 * The forecaster behind the replay's predictive-floor seam: it reads the history the replay hands
 * it (never beyond now), keeps one incremental forecaster, chooses the model again every
 * `refitEverySeconds` on the history so far, and turns the forecast into a floor.
 */
import type { ScalingPolicy } from '@internal/plugin-autoscaling-common';
import type {
  PredictiveContext,
  PredictiveFloorProvider,
} from '../replay/replay';
import type { PredictiveFloor } from '../horizontal/types';
import type { DemandSeries } from './backtest';
import {
  fitForecaster,
  updateForecaster,
  type Forecaster,
  type ForecasterOptions,
} from './forecaster';
import {
  computePredictiveFloor,
  perPodTargetFor,
  type PredictiveFloorResult,
} from './floor';

export interface ReplayFloorOptions {
  /** How often the model is chosen again (default one day; AWS refreshes every 6 h). */
  refitEverySeconds?: number;
  forecaster?: Partial<ForecasterOptions>;
  /** Keep every evaluation's result in `records` (forecast-only replays read it). */
  record?: boolean;
}

export interface ReplayFloorRecord {
  timeMs: number;
  result: PredictiveFloorResult;
}

export interface ReplayFloorProvider extends PredictiveFloorProvider {
  /** Evaluations, floors applied, floors only recorded (forecast-only), refits. */
  stats: {
    evaluations: number;
    applied: number;
    recordedOnly: number;
    refits: number;
    chosen: string[];
  };
  records: ReplayFloorRecord[];
}

/** Fits are run on one-minute means when the replay step is finer (same model, 4× cheaper). */
const FIT_STEP_SECONDS = 60;

export function createReplayFloorProvider(
  options: ReplayFloorOptions = {},
): ReplayFloorProvider {
  const refitMs = (options.refitEverySeconds ?? 86400) * 1000;
  let forecaster: Forecaster | undefined;
  let unavailable: string | undefined;
  let fed = 0;
  let lastFitMs = -Infinity;
  let lastAttemptMs = -Infinity;

  const provider = ((
    context: PredictiveContext,
  ): PredictiveFloor | undefined => {
    const { history, nowMs, policy } = context;
    const count = history.demand.length;
    const predictive = policy.predictive;
    const lead = Math.max(predictive.leadTimeSeconds, context.startupSeconds);
    // The floor reads the next lead time, so the model is chosen on those horizons.
    const forecasterOptions: Partial<ForecasterOptions> = {
      minHistorySeconds: predictive.minHistorySeconds,
      ...options.forecaster,
      backtest: {
        selectionHorizonsSeconds: Array.from(new Set([60, lead])),
        fallbackCandidate: 'hw-weekly-ramp',
        // An under-forecast here is an overload; an over-forecast, a few pod-minutes.
        underForecastWeight: 5,
        ...options.forecaster?.backtest,
      },
    };
    const compared =
      forecaster?.fit.scores.some(s => Number.isFinite(s.score)) ?? false;
    const due = !forecaster
      ? nowMs - lastAttemptMs >= 3600_000
      : nowMs - lastFitMs >=
        (compared ? refitMs : Math.min(refitMs, 6 * 3600_000));
    if (due) {
      lastAttemptMs = nowMs;
      const fit = fitForecaster(
        fitSeries(history, context.stepSeconds, predictive.maxHistorySeconds),
        forecasterOptions,
      );
      if (fit.ok) {
        forecaster = fit.forecaster;
        fed = count;
        lastFitMs = nowMs;
        provider.stats.refits++;
        provider.stats.chosen.push(forecaster.fit.chosen);
      } else {
        unavailable = fit.reasons[0]?.message;
      }
    }
    if (forecaster) {
      for (; fed < count; fed++)
        updateForecaster(forecaster, history.timeMs[fed], history.demand[fed]);
    }
    const result = computePredictiveFloor({
      forecaster,
      unavailableReason: unavailable,
      nowMs,
      leadTimeSeconds: predictive.leadTimeSeconds,
      startupSeconds: context.startupSeconds,
      perPodTarget: perPodTargetFor(policy, context.capacityPerPod) ?? 0,
      tolerance: scaleUpTolerance(policy),
      quantile: predictive.quantile,
      maxReplicas: policy.maxReplicas,
      honorMaxReplicas: predictive.honorMaxReplicas,
      mode: policy.mode as ScalingPolicy['mode'],
    });
    provider.stats.evaluations++;
    if (options.record) provider.records.push({ timeMs: nowMs, result });
    if (result.applied && result.floorReplicas !== undefined) {
      provider.stats.applied++;
      return {
        floorReplicas: result.floorReplicas,
        message: result.reasons.map(r => r.message).join('; '),
      };
    }
    if (result.wouldBeReplicas !== undefined) provider.stats.recordedOnly++;
    return undefined;
  }) as ReplayFloorProvider;
  provider.stats = {
    evaluations: 0,
    applied: 0,
    recordedOnly: 0,
    refits: 0,
    chosen: [],
  };
  provider.records = [];
  return provider;
}

/** The history to fit on: the last `maxHistorySeconds`, as one-minute means if finer. */
function fitSeries(
  history: PredictiveContext['history'],
  stepSeconds: number,
  maxHistorySeconds: number,
): DemandSeries {
  const n = history.demand.length;
  const keep = Math.min(n, Math.ceil(maxHistorySeconds / stepSeconds));
  const start = n - keep;
  const factor = Math.max(1, Math.round(FIT_STEP_SECONDS / stepSeconds));
  if (factor === 1) {
    return {
      timeMs: history.timeMs.subarray(start),
      values: history.demand.subarray(start),
      stepSeconds,
    };
  }
  const blocks = Math.floor(keep / factor);
  const first = n - blocks * factor;
  const timeMs = new Float64Array(blocks);
  const values = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let sum = 0;
    for (let k = 0; k < factor; k++)
      sum += history.demand[first + b * factor + k];
    // Stamped at the block's last sample, so the model's clock never runs ahead of the data.
    timeMs[b] = history.timeMs[first + b * factor + factor - 1];
    values[b] = sum / factor;
  }
  return { timeMs, values, stepSeconds: stepSeconds * factor };
}

/** The policy's scale-up tolerance (KEP-4951), else the controller default of 0.1. */
function scaleUpTolerance(policy: ScalingPolicy): number {
  const value = Number(policy.behavior?.scaleUp?.tolerance);
  return Number.isFinite(value) && value >= 0 ? value : 0.1;
}
