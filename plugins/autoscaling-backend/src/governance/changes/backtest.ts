/**
 * Adapter from recent demand history to the engine's offline replay: runs the old and the new
 * policy on the same series and summarises both for a change request.
 */
import type {
  Backtest,
  BacktestSummary,
  ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import {
  replay,
  resampleTrace,
  type TracePoint,
} from '@internal/plugin-autoscaling-engine';
import { HOURS_PER_MONTH } from '../config';

export interface DemandPoint {
  /** Epoch milliseconds (values below 1e11 are read as epoch seconds). */
  t: number;
  /** Demand, requests per second. */
  value: number;
}

export interface BacktestOptions {
  capacityPerPod: number;
  startupSeconds: number;
  maxSteps: number;
  /** Price of one replica-hour (the cost card's, see governance/pricing.ts). */
  podHourlyPrice: number;
  /** Currency of the price; recorded with the backtest. */
  currency?: string;
  /** Points kept in `Backtest.series` for charts. */
  maxSeriesPoints?: number;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

export type BacktestOutcome =
  | { backtest: Backtest; note: null }
  | { backtest: null; note: string };

export function runBacktest(
  history: DemandPoint[],
  oldPolicy: ScalingPolicy | undefined,
  newPolicy: ScalingPolicy,
  options: BacktestOptions,
): BacktestOutcome {
  if (!oldPolicy) {
    return {
      backtest: null,
      note: 'the current policy does not resolve, so there is nothing to compare with',
    };
  }
  const points: TracePoint[] = history
    .filter(
      p => Number.isFinite(p.t) && Number.isFinite(p.value) && p.value >= 0,
    )
    .map(p => ({ timeMs: p.t < 1e11 ? p.t * 1000 : p.t, value: p.value }))
    .sort((a, b) => a.timeMs - b.timeMs);
  if (points.length < 2) {
    return {
      backtest: null,
      note:
        points.length === 0
          ? 'no recent demand history for this target, so no backtest was run'
          : 'only one demand sample is recorded, too little for a backtest',
    };
  }
  const spanSeconds =
    (points[points.length - 1].timeMs - points[0].timeMs) / 1000;
  const stepSeconds = Math.max(
    15,
    Math.ceil(spanSeconds / Math.max(options.maxSteps, 1)),
  );
  const series = resampleTrace(points, stepSeconds);
  const run = (policy: ScalingPolicy) =>
    replay({
      series,
      policy,
      capacityPerPod: options.capacityPerPod,
      startupSeconds: options.startupSeconds,
    });
  const oldRun = run(oldPolicy);
  const newRun = run(newPolicy);
  const hours = Math.max(oldRun.summary.durationSeconds / 3600, 1e-9);
  const summarise = (summary: typeof oldRun.summary): BacktestSummary => ({
    overloadedSeconds: summary.overloadedSeconds,
    replicaHours: round(summary.replicaHours),
    monthlyCost: round(
      (summary.replicaHours / hours) * HOURS_PER_MONTH * options.podHourlyPrice,
    ),
  });
  const maxPoints = options.maxSeriesPoints ?? 288;
  const every = Math.max(1, Math.ceil(oldRun.rows.length / maxPoints));
  const out: Backtest['series'] = [];
  for (let i = 0; i < oldRun.rows.length; i += every) {
    out.push({
      at: new Date(oldRun.rows[i].timeMs).toISOString(),
      demand: round(oldRun.rows[i].demand),
      oldReplicas: oldRun.rows[i].desiredReplicas,
      newReplicas: newRun.rows[i].desiredReplicas,
    });
  }
  return {
    backtest: {
      from: new Date(series.timeMs[0]).toISOString(),
      to: new Date(series.timeMs[series.timeMs.length - 1]).toISOString(),
      old: summarise(oldRun.summary),
      new: summarise(newRun.summary),
      pricing: {
        currency: options.currency ?? 'USD',
        replicaHourly: options.podHourlyPrice,
      },
      series: out,
    },
    note: null,
  };
}
