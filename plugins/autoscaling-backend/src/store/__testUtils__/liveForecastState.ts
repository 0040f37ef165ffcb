/**
 * A workload's live forecast state after days of history, built as the evaluator builds it:
 * `predictiveStep` every minute, stored points as the refit history, and (optionally) the state
 * written to and read back from the row codec, as the store does on every tick.
 */
import {
  scalingPolicySchema,
  type ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import {
  createLiveForecastState,
  demandSeriesOf,
  predictiveStep,
  refitDue,
  type LiveForecastState,
} from '../../evaluation/predictiveStep';
import { decodeForecastRow, encodeForecastRow } from '../forecastRow';

export const START = Date.parse('2026-01-05T00:00:00Z');
export const POD_CORES = 0.5;
export const STARTUP_S = 120;
const KEY = 'sim-local/acme-production/Deployment/checkout-api';

/** Seeded uniform numbers (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * CPU demand in cores: diurnal (peak 14:00), quieter weekends, 3% noise, and a two-hour surge
 * every fourth day (so the state holds anomalies too).
 */
export function demandSeries(
  days: number,
  seed = 5,
): Array<{ atMs: number; demand: number }> {
  const next = random(seed);
  return Array.from({ length: days * 1440 }, (_, i) => {
    const atMs = START + i * 60_000;
    const day = Math.floor(i / 1440);
    const hour = (i % 1440) / 60;
    const weekend = day % 7 >= 5 ? 0.7 : 1;
    const surge = day % 4 === 3 && hour >= 10 && hour < 12 ? 1.8 : 1;
    const base =
      (3 + 2.5 * Math.cos((2 * Math.PI * (hour - 14)) / 24)) * weekend * surge;
    return { atMs, demand: Math.max(0, base * (1 + 0.03 * (2 * next() - 1))) };
  });
}

export const forecastPolicy = (
  strategy: 'floor' | 'plan' = 'plan',
): ScalingPolicy =>
  scalingPolicySchema.parse({
    minReplicas: 2,
    maxReplicas: 60,
    mode: 'auto',
    metrics: [
      {
        type: 'Resource',
        resource: 'cpu',
        target: { type: 'Utilization', averageUtilization: 70 },
      },
    ],
    predictive: { enabled: true, strategy, leadTimeSeconds: 600 },
  });

export interface LiveRun {
  state: LiveForecastState;
  /** Largest row written over the run, UTF-8 bytes (when stored). */
  maxRowBytes: number;
  /** Floor replicas of each tick. */
  floors: Array<number | undefined>;
  refits: number;
}

/** Runs `predictiveStep` over `days` of one-minute ticks. */
export function runLive(
  days: number,
  options: {
    /** Write the state to a row and read it back every this many ticks (the store: 1). */
    throughRowEvery?: number;
    policy?: ScalingPolicy;
  } = {},
): LiveRun {
  const policy = options.policy ?? forecastPolicy();
  const points = demandSeries(days);
  let state = createLiveForecastState();
  let maxRowBytes = 0;
  const floors: Array<number | undefined> = [];
  let refits = 0;
  for (let i = 0; i < points.length; i++) {
    const { atMs: nowMs, demand } = points[i];
    if (
      options.throughRowEvery !== undefined &&
      i % options.throughRowEvery === 0
    ) {
      // What the last tick saved, as the next tick loads it.
      const row = encodeForecastRow(
        state as unknown as Record<string, unknown>,
      );
      maxRowBytes = Math.max(maxRowBytes, Buffer.byteLength(row, 'utf8'));
      state = decodeForecastRow(row, KEY) as unknown as LiveForecastState;
    }
    const history = refitDue(state, nowMs, KEY)
      ? demandSeriesOf(points.slice(Math.max(0, i - 14 * 1440), i + 1))
      : undefined;
    const { plan, refitted } = predictiveStep(state, {
      key: KEY,
      nowMs,
      demand,
      policy,
      podCapacity: POD_CORES,
      startupSeconds: STARTUP_S,
      history,
    });
    if (refitted) refits++;
    floors.push(plan.decisionInput?.floorReplicas);
  }
  return { state, maxRowBytes, floors, refits };
}
